//! The CPU experiment: pick a kernel, a size and modes, press Run; every ticked mode runs in turn.

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, ImageData};

use crate::app::{Lab, PoolState, after_next_paint};
use crate::components::results_table::{ModeOutcome, ResultsTable};
use crate::kernels::{Image, Kernel, KernelSpec, MAX_TASKS};
use crate::modes::Mode;
use crate::runner::run_mode;
use crate::state::{self, CpuSettings};

/// The form, the Run button, the results and (for `mandelbrot`) the picture.
#[component]
pub fn CpuExperiment(
    /// The settings the page was opened with.
    initial: CpuSettings,
    /// Whether to run once the compute worker has settled.
    autorun: bool,
) -> impl IntoView {
    let lab = expect_context::<Lab>();

    let kernel = RwSignal::new(initial.spec.kernel);
    let size_text = RwSignal::new(initial.spec.size.to_string());
    let tasks_text = RwSignal::new(initial.spec.tasks.to_string());
    let modes = RwSignal::new(initial.modes.clone());
    let running = RwSignal::new(false);
    let status = RwSignal::new(String::new());
    let outcomes = RwSignal::new(Vec::<ModeOutcome>::new());
    let autorun_pending = RwSignal::new(autorun);
    let canvas = NodeRef::<leptos::html::Canvas>::new();

    // The form's text, checked as it is typed: a spec, or the sentence that says what is wrong.
    let spec = Memo::new(move |_| -> Result<KernelSpec, String> {
        let size = state::parse_count(&size_text.get()).map_err(|error| format!("size: {error}"))?;
        let tasks = state::parse_count(&tasks_text.get())
            .map_err(|error| format!("tasks: {error}"))
            .and_then(|tasks| u32::try_from(tasks).map_err(|_| format!("tasks: at most {MAX_TASKS}")))?;
        let spec = KernelSpec {
            kernel: kernel.get(),
            size,
            tasks,
        };
        spec.validate().map_err(|error| error.to_string())?;
        Ok(spec)
    });
    let needs_worker = move || modes.with(|modes| modes.iter().any(|mode| *mode != Mode::Main));
    let blocked_reason = move || -> Option<String> {
        if let Err(reason) = spec.get() {
            return Some(reason);
        }
        if modes.with(Vec::is_empty) {
            return Some("tick at least one mode".to_owned());
        }
        match lab.pool.get() {
            PoolState::Starting if needs_worker() => Some("waiting for the compute worker…".to_owned()),
            PoolState::Unavailable(reason) if needs_worker() => Some(format!(
                "worker and pool modes need the compute worker, which is unavailable: {reason}"
            )),
            _ => None,
        }
    };
    let settings = move || {
        spec.get().ok().map(|spec| CpuSettings {
            spec,
            modes: modes.get(),
            autorun: false,
        })
    };

    let run = move || {
        let (Ok(spec), false) = (spec.get_untracked(), running.get_untracked()) else {
            return;
        };
        let selected = modes.get_untracked();
        running.set(true);
        outcomes.set(Vec::new());
        spawn_local(async move {
            let bridge = lab.bridge.get_value();
            for mode in selected {
                status.set(format!("running {} in {} mode…", spec.kernel.id(), mode.id()));
                // Let the status reach the screen before `main` mode takes the UI thread.
                after_next_paint().await;
                let run = run_mode(mode, spec, bridge.as_deref())
                    .await
                    .map_err(|error| error.to_string());
                outcomes.update(|outcomes| outcomes.push(ModeOutcome { mode, run }));
            }
            status.set(String::new());
            running.set(false);
        });
    };

    // `?autorun=1` runs once, as soon as the compute worker has settled (ready or unavailable).
    Effect::new(move |_| {
        if autorun_pending.get() && lab.pool.get() != PoolState::Starting {
            autorun_pending.set(false);
            run();
        }
    });

    // Draw the most recent picture, if the kernel drew one.
    Effect::new(move |_| {
        let image = outcomes.with(|outcomes| {
            outcomes
                .iter()
                .rev()
                .find_map(|outcome| outcome.run.as_ref().ok().and_then(|run| run.output.image.clone()))
        });
        if let (Some(image), Some(canvas)) = (image, canvas.get())
            && let Err(error) = draw(&canvas, &image)
        {
            web_sys::console::error_2(&"lanes could not draw the image:".into(), &error);
        }
    });

    let on_kernel_change = move |event: leptos::ev::Event| {
        if let Some(chosen) = Kernel::from_id(&event_target_value(&event)) {
            kernel.set(chosen);
            // The size means something else for each kernel: start from the new kernel's default.
            size_text.set(chosen.default_size().to_string());
        }
    };
    let toggle = move |mode: Mode, on: bool| {
        modes.update(|modes| {
            modes.retain(|other| *other != mode);
            if on {
                modes.push(mode);
                modes.sort();
            }
        });
    };

    view! {
        <section class="panel cpu" aria-label="CPU experiment">
            <h2>"CPU experiment"</h2>
            <form class="controls" on:submit=move |event| {
                event.prevent_default();
                run();
            }>
                <label>
                    "Kernel "
                    <select data-testid="kernel-select" on:change=on_kernel_change prop:value=move || kernel.get().id()>
                        {Kernel::ALL
                            .iter()
                            .map(|option| {
                                view! {
                                    <option value=option.id() selected=move || kernel.get() == *option>
                                        {option.id()}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </label>
                <label>
                    "Size "
                    <input
                        data-testid="size-input"
                        type="text"
                        inputmode="numeric"
                        prop:value=move || size_text.get()
                        on:input=move |event| size_text.set(event_target_value(&event))
                    />
                    <span class="hint">
                        {move || {
                            let (min, max) = kernel.get().size_range();
                            format!("{} ({min}–{max})", kernel.get().size_meaning())
                        }}
                    </span>
                </label>
                <Show when=move || kernel.get() == Kernel::SumLoop>
                    <label>
                        "Tasks "
                        <input
                            data-testid="tasks-input"
                            type="text"
                            inputmode="numeric"
                            prop:value=move || tasks_text.get()
                            on:input=move |event| tasks_text.set(event_target_value(&event))
                        />
                    </label>
                </Show>
                <fieldset class="modes">
                    <legend>"Modes"</legend>
                    {Mode::ALL
                        .iter()
                        .map(|&mode| {
                            view! {
                                <label title=mode.describe()>
                                    <input
                                        type="checkbox"
                                        data-testid=format!("mode-{}", mode.id())
                                        prop:checked=move || modes.with(|modes| modes.contains(&mode))
                                        on:change=move |event| toggle(mode, event_target_checked(&event))
                                    />
                                    {mode.id()}
                                    <span class="hint">{mode.describe()}</span>
                                </label>
                            }
                        })
                        .collect_view()}
                </fieldset>
                <button
                    type="submit"
                    data-testid="run-button"
                    disabled=move || running.get() || blocked_reason().is_some()
                >
                    {move || if running.get() { "Running…" } else { "Run" }}
                </button>
                <p class="message" data-testid="form-message" role="status">
                    {move || if running.get() { status.get() } else { blocked_reason().unwrap_or_default() }}
                </p>
                {move || {
                    settings()
                        .map(|settings| {
                            let href = format!("?{}&autorun=1", state::to_query(&settings));
                            view! {
                                <a class="permalink" data-testid="permalink" href=href>
                                    "permalink"
                                </a>
                            }
                        })
                }}
            </form>
            <ResultsTable outcomes=outcomes.into()/>
            <canvas
                class="picture"
                node_ref=canvas
                data-testid="kernel-canvas"
                hidden=move || {
                    !outcomes.with(|outcomes| {
                        outcomes.iter().any(|outcome| outcome.run.as_ref().is_ok_and(|run| run.output.image.is_some()))
                    })
                }
            ></canvas>
        </section>
    }
}

fn draw(canvas: &HtmlCanvasElement, image: &Image) -> Result<(), wasm_bindgen::JsValue> {
    canvas.set_width(image.width);
    canvas.set_height(image.height);
    let context: CanvasRenderingContext2d = canvas
        .get_context("2d")?
        .ok_or_else(|| wasm_bindgen::JsValue::from_str("no 2d context"))?
        .dyn_into()?;
    // ImageData refuses views of shared memory, and this module's memory is shared: copy into an unshared array.
    let length = u32::try_from(image.rgba.len()).map_err(|_| "image too large")?;
    let pixels = js_sys::Uint8ClampedArray::new_with_length(length);
    pixels.copy_from(&image.rgba);
    let data = ImageData::new_with_js_u8_clamped_array_and_sh(&pixels, image.width, image.height)?;
    context.put_image_data(&data, 0.0, 0.0)
}
