//! Preset experiments, each with its own controls, drawn on the timeline and explained by the verdict:
//! pool start cost, the scaling sweep and the hand-off cost.

pub mod handoff;
pub mod pipeline;
pub mod pool_start;
pub mod stream;
pub mod sweep;

use leptos::prelude::*;

use crate::components::kernel_inputs::kernel_inputs;
use crate::kernels::KernelSpec;
use crate::state::{self, Preset};

/// Kernel and size fields for the CPU presets; yields a validated spec or the reason it is invalid.
pub(crate) fn kernel_fields(initial: KernelSpec) -> (impl IntoView, Memo<Result<KernelSpec, String>>) {
    let (view, kernel, size_text) =
        kernel_inputs(initial.kernel, initial.size, "preset-kernel", "preset-size");
    let spec = Memo::new(move |_| {
        let size = state::parse_count(&size_text.get()).map_err(|error| format!("size: {error}"))?;
        let spec = KernelSpec {
            kernel: kernel.get(),
            size,
            tasks: initial.tasks,
        };
        spec.validate().map_err(|error| error.to_string())?;
        Ok(spec)
    });
    (view, spec)
}

/// A numeric field bounded to `min..=max`; yields the value or the reason it is invalid.
pub(crate) fn number_field(
    test_id: &'static str,
    label: &'static str,
    initial: u32,
    (min, max): (u32, u32),
) -> (impl IntoView, Memo<Result<u32, String>>) {
    let text = RwSignal::new(initial.to_string());
    let value = Memo::new(move |_| {
        state::parse_bounded(&text.get(), u64::from(min), u64::from(max))
            .map(|value| value as u32)
            .map_err(|error| format!("{label}: {error}"))
    });
    let view = view! {
        <label>
            {label}
            <input
                data-testid=test_id
                type="text"
                inputmode="numeric"
                prop:value=move || text.get()
                on:input=move |event| text.set(event_target_value(&event))
            />
        </label>
    };
    (view, value)
}

/// Calls `run` once, as soon as `ready` holds, when the preset was opened with `autorun`.
pub(crate) fn autorun_once(autorun: bool, ready: impl Fn() -> bool + 'static, run: impl Fn() + 'static) {
    let pending = RwSignal::new(autorun);
    Effect::new(move |_| {
        if pending.get() && ready() {
            pending.set(false);
            run();
        }
    });
}

/// The Run button every preset shows: disabled while running or while `blocked` says so.
pub(crate) fn run_button(
    running: RwSignal<bool>,
    blocked: impl Fn() -> bool + Send + Sync + 'static,
) -> impl IntoView {
    view! {
        <button type="submit" data-testid="preset-run" disabled=move || running.get() || blocked()>
            {move || if running.get() { "Running…" } else { "Run" }}
        </button>
    }
}

/// The preset buttons and the chosen preset's panel.
#[component]
pub fn PresetPanel(
    /// The preset the URL opened, if any.
    initial: Option<Preset>,
    /// Whether to run it at once.
    autorun: bool,
) -> impl IntoView {
    let chosen = RwSignal::new(initial);
    let autorun_left = StoredValue::new(autorun);
    view! {
        <section class="panel presets" aria-label="Presets" id="presets">
            <h2>"Presets"</h2>
            <p class="hint">"Experiments beyond the basics, each with its own controls."</p>
            <p class="preset-buttons">
                {Preset::ALL
                    .iter()
                    .map(|&preset| {
                        view! {
                            <button
                                type="button"
                                data-testid=format!("preset-{}", preset.id())
                                class:chosen=move || chosen.get() == Some(preset)
                                on:click=move |_| chosen.set(Some(preset))
                            >
                                {preset.title()}
                            </button>
                        }
                    })
                    .collect_view()}
            </p>
            {move || match chosen.get() {
                None => ().into_any(),
                Some(preset) => {
                    // Only the preset the URL opened runs by itself, and only the first time it is shown.
                    let run_now = autorun_left.get_value() && Some(preset) == initial;
                    autorun_left.set_value(false);
                    match preset {
                        Preset::PoolStart => view! { <pool_start::PoolStartPreset autorun=run_now/> }.into_any(),
                        Preset::Sweep => view! { <sweep::SweepPreset autorun=run_now/> }.into_any(),
                        Preset::Handoff => view! { <handoff::HandoffPreset autorun=run_now/> }.into_any(),
                        Preset::Pipeline => view! { <pipeline::PipelinePreset autorun=run_now/> }.into_any(),
                        Preset::Stream => view! { <stream::StreamPreset autorun=run_now/> }.into_any(),
                    }
                }
            }}
        </section>
    }
}
