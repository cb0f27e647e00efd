//! Preset experiments, each with its own controls, drawn on the timeline and explained by the verdict:
//! pool start cost, the scaling sweep, the hand-off cost, the mixed pipeline, streaming and connections. Every preset has a
//! Run and Stop in one shell ([`PresetShell`]); the run loops live in [`crate::page::presets`].

pub mod connections;
pub mod handoff;
pub mod pipeline;
pub mod pool_start;
pub mod stream;
pub mod sweep;

use leptos::prelude::*;

use crate::kernels::KernelSpec;
use crate::page::components::findings::Findings;
use crate::page::components::kernel_inputs::kernel_inputs;
use crate::page::components::results_table::ResultsTable;
use crate::page::context::Lab;
use crate::page::run::Run;
use crate::report::ExperimentKind;
use crate::settings::{self, Preset, Tab};

/// Kernel and size fields for the CPU presets; yields a validated spec or the reason it is invalid.
pub(crate) fn kernel_fields(initial: KernelSpec) -> (impl IntoView, Memo<Result<KernelSpec, String>>) {
    let (view, kernel, size_text) =
        kernel_inputs(initial.kernel, initial.size, "preset-kernel", "preset-size");
    let spec = Memo::new(move |_| {
        let size = settings::parse_count(&size_text.get()).map_err(|error| format!("size: {error}"))?;
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
        settings::parse_bounded(&text.get(), u64::from(min), u64::from(max))
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

/// The report kind a preset's runs have (its slot in the one-run-at-a-time [`crate::page::run::RunState`]).
pub(crate) fn kind_of(preset: Preset) -> ExperimentKind {
    preset.kind()
}

/// The shell every preset shares: the title and hint, a form with the preset's own fields, Run and Stop
/// (`preset-run`, `preset-stop`), the message line (`preset-message`: the run's status, a refusal, or what is
/// wrong with the fields), the preset's own drawing and the results table of its latest run. `start` receives
/// the [`Run`] and spawns the preset's run loop; Run is refused with a message while another run is in progress.
pub(crate) struct PresetShell<Fields, Extra> {
    /// Which preset.
    pub preset: Preset,
    /// What it teaches, in a sentence or two.
    pub hint: &'static str,
    /// The preset's own form fields.
    pub fields: Fields,
    /// Drawn between the form and the results table (charts, progress).
    pub extra: Extra,
}

impl<Fields: IntoView + 'static, Extra: IntoView + 'static> PresetShell<Fields, Extra> {
    /// Draws the preset; `problem` says why it cannot run now (bad fields, worker not ready).
    pub(crate) fn view(
        self,
        autorun: bool,
        problem: impl Fn() -> Option<String> + Send + Sync + Copy + 'static,
        start: impl Fn(Run) + Send + Sync + Copy + 'static,
    ) -> impl IntoView {
        let lab = expect_context::<Lab>();
        let kind = kind_of(self.preset);
        let refused = RwSignal::new(None::<String>);
        let running = move || lab.runs.is_running(kind);
        let run = move || {
            if problem().is_some() {
                return;
            }
            match lab.begin_run(kind) {
                Ok(run) => {
                    refused.set(None);
                    start(run);
                }
                Err(reason) => refused.set(Some(reason)),
            }
        };
        autorun_once(
            autorun,
            move || problem().is_none() && lab.runs.busy_reason(kind).is_none(),
            run,
        );
        let current = Signal::derive(move || lab.runs.shown(lab, kind));
        view! {
            <div class="preset" data-testid="preset-panel" data-preset=self.preset.id()>
                <h3>{self.preset.title()}</h3>
                <p class="hint">{self.hint}</p>
                <form class="controls" on:submit=move |event| {
                    event.prevent_default();
                    run();
                }>
                    {self.fields}
                    <button
                        type="submit"
                        data-testid="preset-run"
                        disabled=move || running() || problem().is_some() || lab.runs.busy_reason(kind).is_some()
                    >
                        {move || if running() { "Running…" } else { "Run" }}
                    </button>
                    <button
                        type="button"
                        data-testid="preset-stop"
                        disabled=move || !running() || lab.runs.stopping(kind)
                        on:click=move |_| lab.runs.stop(lab, kind)
                    >
                        {move || if lab.runs.stopping(kind) { "Stopping…" } else { "Stop" }}
                    </button>
                    <p class="message" data-testid="preset-message" role="status">
                        {move || {
                            if running() {
                                lab.runs.status(kind)
                            } else {
                                refused
                                    .get()
                                    .or_else(problem)
                                    .or_else(|| lab.runs.busy_reason(kind))
                                    .unwrap_or_default()
                            }
                        }}
                    </p>
                </form>
                {self.extra}
                {move || {
                    (lab.tab.get() == Tab::Presets)
                        .then(|| view! { <ResultsTable report=current/> <Findings report=current/> })
                }}
            </div>
        }
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
    let lab = expect_context::<Lab>();
    let chosen = lab.preset;
    chosen.set(initial);
    let autorun_left = StoredValue::new(autorun);
    // While a preset runs its panel stays: switching would drop what the run is still drawing, and its Stop.
    let preset_running = move || {
        Preset::ALL
            .iter()
            .any(|&preset| lab.runs.is_running(kind_of(preset)))
    };
    view! {
        <section class="panel presets" aria-label="Presets" id="presets" hidden=move || lab.tab.get() != Tab::Presets>
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
                                disabled=move || preset_running() && chosen.get() != Some(preset)
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
                        Preset::Connections => {
                            view! { <connections::ConnectionsPreset autorun=run_now/> }.into_any()
                        }
                    }
                }
            }}
        </section>
    }
}
