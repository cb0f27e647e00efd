//! One row per mode: median wall time (min–max over the repeats), speedup against the slowest median, threads
//! used, the kernel's result and how the page behaved meanwhile.

use leptos::prelude::*;

use crate::report::{ExperimentKind, ExperimentReport, ModeReport};

fn slowest_median(report: &ExperimentReport) -> f64 {
    report
        .modes
        .iter()
        .filter_map(ModeReport::summary)
        .map(|summary| summary.median)
        .fold(0.0, f64::max)
}

fn row(mode: ModeReport, slowest_ms: f64) -> AnyView {
    let cancelled = mode.cancelled();
    // What a Stop left of this mode ("stopped after 3 of 16 tasks …"), shown beside whatever finished.
    let stop_note = cancelled.then(|| mode.notes.last().cloned()).flatten();
    let (Some(summary), None) = (mode.summary(), mode.error.clone()) else {
        let (class, message) = match (mode.error.clone(), stop_note) {
            (Some(error), _) => ("error", error),
            (None, Some(note)) => ("cancelled", format!("{note}; no run finished")),
            (None, None) => ("error", "no measured run".to_owned()),
        };
        let error_attribute = mode.error.clone();
        let name = mode.mode.label();
        return view! {
            <tr
                data-testid="result-row"
                data-mode=mode.mode.id()
                data-error=error_attribute
                data-cancelled=cancelled.to_string()
            >
                <td>{name}</td>
                <td class=class colspan="7">{message}</td>
            </tr>
        }
        .into_any();
    };
    // A freeze reading exists only where the step was measured on its own; otherwise say so, never 0 ms.
    let freeze = mode.worst_freeze();
    let frozen_class =
        if freeze.is_some_and(|freeze| freeze.max_frame_gap_ms > crate::report::stats::FROZEN_FRAME_MS) {
            "frozen"
        } else {
            ""
        };
    let ms_or_not_measured =
        |value: Option<f64>| value.map_or("not measured".to_owned(), |ms| format!("{ms:.0} ms"));
    let threads_used = mode.threads_used();
    let name = mode.mode.label();
    let speedup = if summary.median > 0.0 {
        slowest_ms / summary.median
    } else {
        1.0
    };
    // Said only where a warm-up ran (the CPU experiment, pool start and the sweep have one; the others do not).
    let warmup = mode
        .repeats
        .iter()
        .find(|repeat| repeat.warmup)
        .map_or(String::new(), |repeat| {
            format!(" + warm-up {:.1} ms", repeat.wall_ms())
        });
    let measured = mode.measured_walls().len();
    let result = mode.result.clone();
    view! {
        <tr
            data-testid="result-row"
            data-mode=mode.mode.id()
            data-wall-ms=format!("{:.3}", summary.median)
            data-median-ms=format!("{:.3}", summary.median)
            data-min-ms=format!("{:.3}", summary.min)
            data-max-ms=format!("{:.3}", summary.max)
            data-threads-used=threads_used.map(|threads| threads.to_string())
            data-result=mode.result.clone()
            data-freeze=if freeze.is_some() { "measured" } else { "not-measured" }
            data-frame-gap-ms=freeze.map(|freeze| format!("{:.3}", freeze.max_frame_gap_ms))
            data-frozen-ms=freeze.map(|freeze| format!("{:.3}", freeze.frozen_ms))
            data-long-tasks=freeze.map(|freeze| freeze.long_tasks.to_string())
            data-repeats=measured.to_string()
            data-cancelled=cancelled.to_string()
            class=frozen_class
        >
            <td>{name}</td>
            <td>
                {format!("{:.1} ms", summary.median)}
                <span class="range">{format!(" {:.1}–{:.1}", summary.min, summary.max)}</span>
            </td>
            <td>{format!("{speedup:.2}×")}</td>
            <td>{threads_used.map_or("not measured".to_owned(), |threads| threads.to_string())}</td>
            <td class="value">{result}</td>
            <td class="gap">{ms_or_not_measured(freeze.map(|freeze| freeze.max_frame_gap_ms))}</td>
            <td>{ms_or_not_measured(freeze.map(|freeze| freeze.frozen_ms))}</td>
            <td class="range">
                {format!("{measured}{warmup}")}
                {stop_note.map(|note| view! { <span class="cancelled">{format!(" · {note}")}</span> })}
            </td>
        </tr>
    }
    .into_any()
}

/// The results of one CPU experiment, updated as each mode finishes.
#[component]
pub fn ResultsTable(
    /// The experiment so far, if one has started.
    report: Signal<Option<ExperimentReport>>,
) -> impl IntoView {
    // Whether the modes that computed something agree: said only when at least two did, and only where every
    // mode computes the same thing (not the I/O lab or the connections preset, whose rows count requests, nor the
    // hand-off's sizes).
    let agreement = move || {
        report.with(|report| {
            let report = report.as_ref()?;
            if matches!(
                report.kind,
                ExperimentKind::Io | ExperimentKind::Handoff | ExperimentKind::Connections
            ) {
                return None;
            }
            let results: Vec<&str> = report
                .modes
                .iter()
                .filter(|mode| mode.error.is_none() && !mode.result.is_empty())
                .map(|mode| mode.result.as_str())
                .collect();
            let first = results.first()?;
            (results.len() >= 2).then(|| (results.len(), results.iter().all(|result| result == first)))
        })
    };
    view! {
        <table class="results" data-testid="results">
            <thead>
                <tr>
                    <th>"mode"</th>
                    <th>"wall time, median (min–max)"</th>
                    <th>"speedup vs slowest"</th>
                    <th>"threads used"</th>
                    <th>"result"</th>
                    <th title="longest gap between two animation frames on the UI thread">"longest frame gap"</th>
                    <th title="time in frames longer than 50 ms">"UI frozen"</th>
                    <th>"repeats"</th>
                </tr>
            </thead>
            <tbody>
                {move || {
                    report
                        .get()
                        .map(|report| {
                            let slowest_ms = slowest_median(&report);
                            report.modes.into_iter().map(|mode| row(mode, slowest_ms)).collect_view()
                        })
                }}
            </tbody>
        </table>
        {move || {
            agreement()
                .map(|(count, agree)| {
                    view! {
                        <p class="agreement" data-testid="results-agree" data-agree=agree.to_string() data-modes=count.to_string()>
                            {if agree {
                                format!("✔ all {count} modes that finished computed the same result")
                            } else {
                                "✘ the modes disagree: this is a bug, please report it".to_owned()
                            }}
                        </p>
                    }
                })
        }}
    }
}
