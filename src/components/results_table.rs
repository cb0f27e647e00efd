//! One row per mode: wall time, speedup against the slowest, threads used and the kernel's result.

use leptos::prelude::*;

use crate::modes::Mode;
use crate::runner::ModeRun;

/// A mode's run, or why it could not run.
#[derive(Clone, Debug, PartialEq)]
pub struct ModeOutcome {
    /// The mode.
    pub mode: Mode,
    /// Its run, or the error's message.
    pub run: Result<ModeRun, String>,
}

/// The results of one experiment.
#[component]
pub fn ResultsTable(
    /// The outcomes of the latest run, in execution order.
    outcomes: Signal<Vec<ModeOutcome>>,
) -> impl IntoView {
    let slowest_ms = move || {
        outcomes.with(|outcomes| {
            outcomes
                .iter()
                .filter_map(|outcome| outcome.run.as_ref().ok().map(ModeRun::wall_ms))
                .fold(0.0_f64, f64::max)
        })
    };
    let agreement = move || {
        outcomes.with(|outcomes| {
            let mut values = outcomes
                .iter()
                .filter_map(|outcome| outcome.run.as_ref().ok().map(|run| run.output.value));
            let first = values.next()?;
            Some(values.all(|value| value == first))
        })
    };
    view! {
        <table class="results" data-testid="results">
            <thead>
                <tr>
                    <th>"mode"</th>
                    <th>"wall time"</th>
                    <th>"speedup vs slowest"</th>
                    <th>"threads used"</th>
                    <th>"result"</th>
                </tr>
            </thead>
            <tbody>
                {move || {
                    outcomes
                        .get()
                        .into_iter()
                        .map(|outcome| match outcome.run {
                            Ok(run) => {
                                let wall_ms = run.wall_ms();
                                let speedup = if wall_ms > 0.0 { slowest_ms() / wall_ms } else { 1.0 };
                                let threads = run.output.threads_used();
                                let value = run.output.value.to_string();
                                let value_attribute = value.clone();
                                view! {
                                    <tr
                                        data-testid="result-row"
                                        data-mode=outcome.mode.id()
                                        data-wall-ms=format!("{wall_ms:.3}")
                                        data-threads-used=threads.to_string()
                                        data-result=value_attribute
                                    >
                                        <td>{outcome.mode.id()}</td>
                                        <td>{format!("{wall_ms:.1} ms")}</td>
                                        <td>{format!("{speedup:.2}×")}</td>
                                        <td>{threads}</td>
                                        <td class="value">{value}</td>
                                    </tr>
                                }
                                    .into_any()
                            }
                            Err(error) => {
                                let error_attribute = error.clone();
                                view! {
                                    <tr data-testid="result-row" data-mode=outcome.mode.id() data-error=error_attribute>
                                        <td>{outcome.mode.id()}</td>
                                        <td class="error" colspan="4">{error}</td>
                                    </tr>
                                }
                                    .into_any()
                            }
                        })
                        .collect_view()
                }}
            </tbody>
        </table>
        {move || {
            agreement()
                .map(|agree| {
                    view! {
                        <p class="agreement" data-testid="results-agree" data-agree=agree.to_string()>
                            {if agree {
                                "✔ every mode computed the same result"
                            } else {
                                "✘ the modes disagree: this is a bug, please report it"
                            }}
                        </p>
                    }
                })
        }}
    }
}
