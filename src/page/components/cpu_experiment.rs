//! The CPU experiment: pick a kernel, a size and modes, press Run; every ticked mode runs in turn.

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, ImageData};

use crate::kernels::{Image, Kernel, KernelSpec, MAX_TASKS};
use crate::modes::Mode;
use crate::page::components::findings::Findings;
use crate::page::components::kernel_inputs::calibrated_kernel_inputs;
use crate::page::components::results_table::ResultsTable;
use crate::page::context::{Lab, PoolState};
use crate::page::experiments::cpu::run_cpu;
use crate::page::main_pool;
use crate::report::{ExperimentKind, ModeReport};
use crate::settings::{self, CpuSettings, MAX_REPEATS, Tab};

/// The form, the Run button, the results and (for `mandelbrot`) the picture.
#[component]
pub fn CpuExperiment(
    /// The settings the page was opened with.
    initial: CpuSettings,
    /// Whether to run once the compute worker has settled.
    autorun: bool,
    /// Whether the URL gave the size (`n`): kept, rather than replaced by the calibrated default.
    size_from_url: bool,
) -> impl IntoView {
    let lab = expect_context::<Lab>();

    let tasks_text = RwSignal::new(initial.spec.tasks.to_string());
    let (kernel_view, kernel, size_text) = calibrated_kernel_inputs(
        initial.spec.kernel,
        size_from_url.then_some(initial.spec.size),
        Signal::derive(move || settings::parse_count(&tasks_text.get()).ok()?.try_into().ok()),
        "kernel-select",
        "size-input",
        "size-estimate",
    );
    let repeats_text = RwSignal::new(initial.repeats.to_string());
    let modes = RwSignal::new(initial.modes.clone());
    let running = Signal::derive(move || lab.runs.is_running(ExperimentKind::Cpu));
    let stop_requested = Signal::derive(move || lab.runs.stopping(ExperimentKind::Cpu));
    let refused = RwSignal::new(None::<String>);
    let current = Signal::derive(move || lab.runs.shown(lab, ExperimentKind::Cpu));
    let picture = RwSignal::new(None::<Image>);
    let autorun_pending = RwSignal::new(autorun);
    let canvas = NodeRef::<leptos::html::Canvas>::new();

    // The form's text, checked as it is typed: a spec, or the sentence that says what is wrong.
    let spec = Memo::new(move |_| -> Result<KernelSpec, String> {
        let size = settings::parse_count(&size_text.get()).map_err(|error| format!("size: {error}"))?;
        let tasks = settings::parse_count(&tasks_text.get())
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
    let repeats = Memo::new(move |_| {
        settings::parse_bounded(&repeats_text.get(), 1, u64::from(MAX_REPEATS))
            .map(|repeats| repeats as u32)
            .map_err(|error| format!("repeats: {error}"))
    });
    let needs_worker = move || modes.with(|modes| modes.iter().any(|mode| mode.uses_compute_worker()));
    let needs_pool = move || modes.with(|modes| modes.contains(&Mode::Pool));
    let needs_main_pool = move || modes.with(|modes| modes.contains(&Mode::MainPool));
    let blocked_reason = move || -> Option<String> {
        if let Err(reason) = spec.get() {
            return Some(reason);
        }
        if let Err(reason) = repeats.get() {
            return Some(reason);
        }
        if modes.with(Vec::is_empty) {
            return Some("tick at least one mode".to_owned());
        }
        if let Some(reason) = lab.runs.busy_reason(ExperimentKind::Cpu) {
            return Some(reason);
        }
        // The page's own pool needs the threaded build; it is started (once) by the first main-pool run.
        if needs_main_pool()
            && let Err(error) = main_pool::available(lab.environment.isolated)
        {
            return Some(error.to_string());
        }
        let pool = lab.pool.get();
        if needs_pool() {
            pool.pool_problem().map(|problem| format!("pool mode: {problem}"))
        } else if needs_worker() {
            pool.worker_problem()
                .map(|problem| format!("worker mode: {problem}"))
        } else {
            None
        }
    };
    let settings = move || {
        Some(CpuSettings {
            spec: spec.get().ok()?,
            modes: modes.get(),
            repeats: repeats.get().ok()?,
            autorun: false,
            threads: lab.permalink_threads(),
        })
    };

    let run = move || {
        let Some(settings) = settings() else {
            return;
        };
        let run = match lab.begin_run(ExperimentKind::Cpu) {
            Ok(run) => run,
            Err(reason) => {
                refused.set(Some(reason));
                return;
            }
        };
        refused.set(None);
        picture.set(None);
        let ideal_speedup = match lab.pool.get_untracked() {
            PoolState::Ready(info) => f64::from(info.threads),
            _ => f64::from(lab.pool_threads.get_untracked()),
        };
        spawn_local(run_cpu(run, settings, ideal_speedup, move |image| {
            picture.set(Some(image));
        }));
    };

    // Stop: between runs for every mode, and inside the running job through the compute worker's stop flag.
    let stop = move || lab.runs.stop(lab, ExperimentKind::Cpu);

    // `?autorun=1` runs once, as soon as the compute worker has settled (ready or unavailable) and the start-up
    // calibration is over (it sets the default size, and its probes must not share the cores with the run).
    Effect::new(move |_| {
        if autorun_pending.get()
            && lab.pool.get() != PoolState::Starting
            && lab.calibration.with(Option::is_some)
        {
            autorun_pending.set(false);
            run();
        }
    });

    // Draw the most recent picture, if the kernel drew one.
    Effect::new(move |_| {
        if let (Some(image), Some(canvas)) = (picture.get(), canvas.get())
            && let Err(error) = draw(&canvas, &image)
        {
            web_sys::console::error_2(&"lanes could not draw the image:".into(), &error);
        }
    });

    let toggle = move |mode: Mode, on: bool| {
        modes.update(|modes| {
            modes.retain(|other| *other != mode);
            if on {
                modes.push(mode);
                crate::order::sort(modes);
            }
        });
    };

    view! {
        <section class="panel cpu" aria-label="CPU experiment" hidden=move || lab.tab.get() != Tab::Cpu>
            <h2>"CPU experiment"</h2>
            <form class="controls" on:submit=move |event| {
                event.prevent_default();
                run();
            }>
                {kernel_view}
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
                <label>
                    "Repeats "
                    <input
                        data-testid="repeat-input"
                        type="text"
                        inputmode="numeric"
                        prop:value=move || repeats_text.get()
                        on:input=move |event| repeats_text.set(event_target_value(&event))
                    />
                    <span class="hint">"+ 1 warm-up per mode"</span>
                </label>
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
                <button
                    type="button"
                    data-testid="cpu-stop"
                    disabled=move || !running.get() || stop_requested.get()
                    on:click=move |_| stop()
                >
                    "Stop"
                </button>
                <p class="message" data-testid="form-message" role="status">
                    {move || match (running.get(), stop_requested.get()) {
                        (true, true) => "stopping…".to_owned(),
                        (true, false) => lab.runs.status(ExperimentKind::Cpu),
                        (false, _) => refused
                            .get()
                            .or_else(blocked_reason)
                            .or_else(|| {
                                current.with(|report| {
                                    report.as_ref().is_some_and(|report| report.modes.iter().any(ModeReport::cancelled) || report.notes.iter().any(|note| note.starts_with("Stopped by the user"))).then(|| {
                                        "stopped: finished runs are kept, the stopped one is marked".to_owned()
                                    })
                                })
                            })
                            .unwrap_or_default(),
                    }}
                </p>
                {move || {
                    settings()
                        .map(|settings| {
                            let href = format!("?{}&autorun=1", settings::to_query(&settings));
                            view! {
                                <a class="permalink" data-testid="permalink" href=href>
                                    "permalink"
                                </a>
                            }
                        })
                }}
            </form>
            {move || {
                (lab.tab.get() == Tab::Cpu)
                    .then(|| view! { <ResultsTable report=current/> })
            }}
            <canvas
                class="picture"
                node_ref=canvas
                data-testid="kernel-canvas"
                hidden=move || picture.with(Option::is_none)
            ></canvas>
            {move || (lab.tab.get() == Tab::Cpu).then(|| view! { <Findings report=current/> })}
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
