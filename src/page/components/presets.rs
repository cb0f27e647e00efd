//! Preset experiments, each with its own controls, drawn on the timeline and explained by the verdict:
//! pool start cost, the scaling sweep, the hand-off cost, the mixed pipeline and streaming. Every preset has a
//! Stop ([`PresetStop`]).

pub mod handoff;
pub mod pipeline;
pub mod pool_start;
pub mod stream;
pub mod sweep;

use std::future::Future;
use std::pin::pin;

use futures::channel::oneshot;
use futures::future::{Either, select};
use leptos::prelude::*;

use crate::kernels::KernelSpec;
use crate::page::app::Lab;
use crate::page::components::kernel_inputs::kernel_inputs;
use crate::report::ExperimentReport;
use crate::settings::{self, Preset};

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

/// The Stop every preset has. Pressing it raises a flag the preset checks between steps, ends the step in
/// flight at once ([`PresetStop::unless_stopped`] drops it: a dropped fetch is aborted, a dropped cold worker
/// terminated, a dropped body reader cancelled), aborts [`PresetStop::signal`] for loops that run in JS, and
/// stops the compute worker's job the way the CPU experiment's Stop does.
#[derive(Clone, Copy)]
pub(crate) struct PresetStop {
    requested: RwSignal<bool>,
    /// One sender per step in flight; pressing Stop fires them all.
    waiters: StoredValue<Vec<oneshot::Sender<()>>, LocalStorage>,
    /// This run's abort signal, for the JS loops.
    controller: StoredValue<Option<web_sys::AbortController>, LocalStorage>,
}

impl PresetStop {
    pub(crate) fn new() -> Self {
        Self {
            requested: RwSignal::new(false),
            waiters: StoredValue::new_local(Vec::new()),
            controller: StoredValue::new_local(None),
        }
    }

    /// Clears what the previous run left; call when a run starts.
    pub(crate) fn arm(self) {
        self.requested.set(false);
        self.waiters.update_value(Vec::clear);
        self.controller.set_value(web_sys::AbortController::new().ok());
    }

    /// Whether Stop was pressed during this run.
    pub(crate) fn requested(self) -> bool {
        self.requested.get_untracked()
    }

    /// This run's abort signal (`None` only where the browser cannot make one).
    pub(crate) fn signal(self) -> Option<web_sys::AbortSignal> {
        self.controller
            .with_value(|controller| controller.as_ref().map(web_sys::AbortController::signal))
    }

    fn request(self, lab: Lab) {
        self.requested.set(true);
        self.waiters.update_value(|waiters| {
            for waiter in waiters.drain(..) {
                // A step that already finished dropped its receiver: nothing to tell.
                let _ = waiter.send(());
            }
        });
        self.controller.with_value(|controller| {
            if let Some(controller) = controller {
                controller.abort();
            }
        });
        crate::page::app::stop_compute(lab);
    }

    /// Runs `step` to its end, or until Stop is pressed: `None` then, and `step` is dropped.
    pub(crate) async fn unless_stopped<T>(self, step: impl Future<Output = T>) -> Option<T> {
        if self.requested() {
            return None;
        }
        let (sender, receiver) = oneshot::channel();
        self.waiters.update_value(|waiters| waiters.push(sender));
        // Stop first: when both are ready (a Stop that terminated the worker also failed the step), it is a stop.
        match select(receiver, pin!(step)).await {
            Either::Left(_) => None,
            Either::Right((value, _)) => Some(value),
        }
    }

    /// When Stop was pressed during this run, puts first among the report's notes how far it got: `done` of
    /// `total` `parts` (modes, runs, sizes…).
    pub(crate) fn mark(self, report: &mut ExperimentReport, done: usize, total: usize, parts: &str) {
        if self.requested() {
            report.notes.insert(
                0,
                format!(
                    "Stopped by the user after {done} of {total} {parts}: what finished is kept, the rest did not run."
                ),
            );
        }
    }
}

/// The Run and Stop buttons every preset shows: Run is disabled while running or while `blocked` says so, Stop
/// while nothing runs.
pub(crate) fn run_controls(
    running: RwSignal<bool>,
    stop: PresetStop,
    blocked: impl Fn() -> bool + Send + Sync + 'static,
) -> impl IntoView {
    let lab = expect_context::<Lab>();
    view! {
        <button type="submit" data-testid="preset-run" disabled=move || running.get() || blocked()>
            {move || if running.get() { "Running…" } else { "Run" }}
        </button>
        <button
            type="button"
            data-testid="preset-stop"
            disabled=move || !running.get() || stop.requested.get()
            on:click=move |_| stop.request(lab)
        >
            {move || if running.get() && stop.requested.get() { "Stopping…" } else { "Stop" }}
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
