//! The I/O lab: the same N requests awaited in turn, all at once, k at a time, or raced — real browser fetches.

use futures::future::{AbortHandle, abortable};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::io::{FetchError, IoMode, IoSummary, RequestRecord, check_target, schedule, summarize};
use crate::page::app::{Lab, ServiceState, after_next_paint};
use crate::page::fetch::{fetch_timed, resolve};
use crate::page::freeze;
use crate::report::{
    ExperimentKind, ExperimentReport, FreezeReading, Lane, ModeReport, Repeat, ReportMode, Span,
};
use crate::settings::{self, IoSettings, MAX_IO_COUNT, TIMEOUT_RANGE_MS};
use crate::timing::now_ms;

/// A validated I/O experiment.
#[derive(Clone, Debug, PartialEq)]
struct IoPlan {
    targets: Vec<String>,
    count: usize,
    limit: usize,
    timeout_ms: u32,
    modes: Vec<IoMode>,
}

impl IoPlan {
    /// Request `index` uses target `index mod len`; lab requests carry their index so the endpoint's seeded
    /// jitter and failures are reproducible per request.
    fn target_for(&self, index: usize) -> String {
        let target = &self.targets[index % self.targets.len()];
        if is_lab(target) {
            let separator = if target.contains('?') { '&' } else { '?' };
            format!("{target}{separator}i={index}")
        } else {
            target.clone()
        }
    }
}

fn is_lab(target: &str) -> bool {
    let path = target.trim().trim_start_matches("./");
    path.starts_with("/lab/delay") || path.starts_with("lab/delay")
}

/// Records a request's row: in flight from `start` until `finish`; dropped unfinished (Stop, a lost race), it is
/// marked aborted.
struct RowTracker {
    records: RwSignal<Vec<RequestRecord>>,
    mode: IoMode,
    index: usize,
    finished: bool,
}

impl RowTracker {
    fn start(records: RwSignal<Vec<RequestRecord>>, mode: IoMode, index: usize, target: &str) -> RowTracker {
        let origin = resolve(target)
            .ok()
            .and_then(|url| web_sys::Url::new(&url).ok())
            .map(|url| url.origin())
            .unwrap_or_default();
        records.update(|records| {
            records.push(RequestRecord {
                mode,
                index,
                target: target.to_owned(),
                origin,
                lab: is_lab(target),
                start_ms: now_ms(),
                headers_ms: None,
                end_ms: None,
                status: None,
                bytes: 0,
                error: None,
            });
        });
        RowTracker {
            records,
            mode,
            index,
            finished: false,
        }
    }

    fn update(&self, change: impl FnOnce(&mut RequestRecord)) {
        self.records.update(|records| {
            if let Some(record) = records
                .iter_mut()
                .find(|record| record.mode == self.mode && record.index == self.index)
            {
                change(record);
            }
        });
    }

    fn finish(mut self, outcome: &Result<crate::page::fetch::Fetched, FetchError>) {
        self.finished = true;
        let end_ms = now_ms();
        self.update(|record| match outcome {
            Ok(fetched) => {
                record.headers_ms = Some(fetched.headers_ms);
                record.end_ms = Some(fetched.end_ms);
                record.status = Some(fetched.status);
                record.bytes = fetched.bytes;
            }
            Err(error) => {
                record.end_ms = Some(end_ms);
                if let FetchError::Http(status) = error {
                    record.status = Some(*status);
                    record.headers_ms = Some(end_ms);
                }
                record.error = Some(error.clone());
            }
        });
    }
}

impl Drop for RowTracker {
    fn drop(&mut self) {
        if !self.finished {
            let end_ms = now_ms();
            self.update(|record| {
                record.end_ms = Some(end_ms);
                record.error = Some(FetchError::Aborted);
            });
        }
    }
}

async fn run_plan(
    plan: IoPlan,
    records: RwSignal<Vec<RequestRecord>>,
    summaries: RwSignal<Vec<(IoSummary, FreezeReading)>>,
) {
    for &mode in &plan.modes {
        after_next_paint().await;
        freeze::begin();
        let start_ms = now_ms();
        let plan_ref = &plan;
        schedule(mode, plan.count, plan.limit, |index| async move {
            let target = plan_ref.target_for(index);
            let tracker = RowTracker::start(records, mode, index, &target);
            let outcome = fetch_timed(&target, plan_ref.timeout_ms).await;
            tracker.finish(&outcome);
            outcome
        })
        .await;
        let end_ms = now_ms();
        after_next_paint().await;
        let freeze = freeze::end();
        let summary = records.with_untracked(|records| summarize(mode, start_ms, end_ms, records));
        summaries.update(|summaries| summaries.push((summary, freeze)));
    }
}

/// The run as a report for the timeline, verdict, history and exports: one lane per request.
fn to_report(
    id: u32,
    plan: &IoPlan,
    records: &[RequestRecord],
    summaries: &[(IoSummary, FreezeReading)],
) -> ExperimentReport {
    let modes = summaries
        .iter()
        .map(|(summary, freeze)| ModeReport {
            mode: ReportMode::Io(summary.mode),
            repeats: vec![Repeat {
                warmup: false,
                cancelled: false,
                started_ms: summary.start_ms,
                finished_ms: summary.start_ms + summary.wall_ms,
                spans: records
                    .iter()
                    .filter(|record| record.mode == summary.mode)
                    .map(|record| Span {
                        lane: Lane::Request(u32::try_from(record.index).unwrap_or(u32::MAX)),
                        name: format!(
                            "GET {} → {}",
                            record.target,
                            match (&record.error, record.status) {
                                (Some(error), _) => error.to_string(),
                                (None, Some(status)) => status.to_string(),
                                (None, None) => "pending".to_owned(),
                            }
                        ),
                        start_ms: record.start_ms,
                        end_ms: record.end_ms.unwrap_or(record.start_ms),
                    })
                    .collect(),
                freeze: *freeze,
            }],
            result: format!("{} ok / {} failed", summary.succeeded, summary.failed),
            threads_used: u32::try_from(summary.max_in_flight).unwrap_or(u32::MAX),
            error: None,
            notes: summary.notes.clone(),
        })
        .collect();
    ExperimentReport {
        id,
        kind: ExperimentKind::Io,
        label: format!("I/O N={} k={} {}", plan.count, plan.limit, plan.targets.join(" ")),
        permalink: settings::io_to_query(&IoSettings {
            targets: plan.targets.clone(),
            count: plan.count as u32,
            limit: plan.limit as u32,
            timeout_ms: plan.timeout_ms,
            modes: plan.modes.clone(),
            autorun: false,
        }),
        ideal_speedup: plan.count as f64,
        notes: Vec::new(),
        modes,
    }
}

/// The I/O experiment: form, Run/Stop, one result row per mode and one row per request.
#[component]
pub fn IoExperiment(
    /// The settings the page was opened with.
    initial: IoSettings,
    /// Whether to run once the lab endpoint is ready.
    autorun: bool,
) -> impl IntoView {
    let lab = expect_context::<Lab>();
    let targets_text = RwSignal::new(initial.targets.join("\n"));
    let count_text = RwSignal::new(initial.count.to_string());
    let limit_text = RwSignal::new(initial.limit.to_string());
    let timeout_text = RwSignal::new(initial.timeout_ms.to_string());
    let modes = RwSignal::new(initial.modes.clone());
    let running = RwSignal::new(false);
    let stopped = RwSignal::new(false);
    let records = RwSignal::new(Vec::<RequestRecord>::new());
    let summaries = RwSignal::new(Vec::<(IoSummary, FreezeReading)>::new());
    let stop_handle = StoredValue::new_local(None::<AbortHandle>);
    let autorun_pending = RwSignal::new(autorun);

    let plan = Memo::new(move |_| -> Result<IoPlan, String> {
        let targets: Vec<String> = targets_text
            .get()
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty())
            .map(str::to_owned)
            .collect();
        if targets.is_empty() {
            return Err("targets: enter at least one URL".to_owned());
        }
        for (line, target) in targets.iter().enumerate() {
            check_target(target).map_err(|error| format!("target {}: {error}", line + 1))?;
        }
        let number = |name: &str, text: String, min: u32, max: u32| {
            settings::parse_bounded(&text, u64::from(min), u64::from(max))
                .map(|value| value as u32)
                .map_err(|error| format!("{name}: {error}"))
        };
        let count = number("N", count_text.get(), 1, MAX_IO_COUNT)?;
        let limit = number("k", limit_text.get(), 1, MAX_IO_COUNT)?;
        let timeout_ms = number(
            "timeout",
            timeout_text.get(),
            TIMEOUT_RANGE_MS.0,
            TIMEOUT_RANGE_MS.1,
        )?;
        let modes = modes.get();
        if modes.is_empty() {
            return Err("tick at least one mode".to_owned());
        }
        Ok(IoPlan {
            targets,
            count: count as usize,
            limit: limit as usize,
            timeout_ms,
            modes,
        })
    });

    let run = move || {
        let (Ok(plan), false) = (plan.get_untracked(), running.get_untracked()) else {
            return;
        };
        running.set(true);
        stopped.set(false);
        records.set(Vec::new());
        summaries.set(Vec::new());
        let (task, handle) = abortable(run_plan(plan.clone(), records, summaries));
        stop_handle.set_value(Some(handle));
        spawn_local(async move {
            // On Stop the task resolves at its next poll and is dropped here, which drops every request future
            // (each aborts its fetch) and marks unfinished rows aborted.
            let outcome = task.await;
            stopped.set(outcome.is_err());
            if outcome.is_ok() {
                let report = records.with_untracked(|records| {
                    summaries.with_untracked(|summaries| {
                        to_report(lab.next_report_id(), &plan, records, summaries)
                    })
                });
                lab.record(report);
            }
            stop_handle.set_value(None);
            running.set(false);
        });
    };
    let stop = move || stop_handle.with_value(|handle| handle.as_ref().map(AbortHandle::abort));

    Effect::new(move |_| {
        if autorun_pending.get() && lab.lab_endpoint.get() != ServiceState::Starting {
            autorun_pending.set(false);
            run();
        }
    });

    let toggle = move |mode: IoMode, on: bool| {
        modes.update(|modes| {
            modes.retain(|other| *other != mode);
            if on {
                modes.push(mode);
                modes.sort();
            }
        });
    };
    let permalink = move || {
        plan.get().ok().map(|plan| {
            let settings = IoSettings {
                targets: plan.targets,
                count: plan.count as u32,
                limit: plan.limit as u32,
                timeout_ms: plan.timeout_ms,
                modes: plan.modes,
                autorun: true,
            };
            format!("?{}", settings::io_to_query(&settings))
        })
    };
    let number_input = |test_id: &'static str, label: &'static str, value: RwSignal<String>| {
        view! {
            <label>
                {label}
                <input
                    data-testid=test_id
                    type="text"
                    inputmode="numeric"
                    prop:value=move || value.get()
                    on:input=move |event| value.set(event_target_value(&event))
                />
            </label>
        }
    };

    view! {
        <section class="panel io" aria-label="I/O experiment" id="io">
            <h2>"I/O experiment"</h2>
            <p class="hint">
                "The lesson's other half: waiting is not working. N requests, awaited one by one, all at once "
                "(asyncio.gather), at most k at a time, or raced. The built-in latency endpoint "
                <code>"/lab/delay?ms=300&bytes=1024"</code>
                " is answered by a service worker (no network needed); it also takes "
                <code>"jitter"</code>
                ", "
                <code>"fail"</code>
                " (0–1), "
                <code>"status"</code>
                " and "
                <code>"seed"</code>
                "."
            </p>
            <form class="controls" on:submit=move |event| {
                event.prevent_default();
                run();
            }>
                <label class="wide">
                    "Targets (one URL per line)"
                    <textarea
                        data-testid="io-targets"
                        rows="3"
                        prop:value=move || targets_text.get()
                        on:input=move |event| targets_text.set(event_target_value(&event))
                    ></textarea>
                    <span class="presets">
                        <button type="button" class="link" on:click=move |_| targets_text.set(settings::lab_target(300))>
                            "latency endpoint"
                        </button>
                        <button type="button" class="link" on:click=move |_| targets_text.set("compute-worker.js".to_owned())>
                            "static file"
                        </button>
                    </span>
                </label>
                {number_input("io-count", "N requests", count_text)}
                {number_input("io-limit", "k (bounded)", limit_text)}
                {number_input("io-timeout", "timeout (ms)", timeout_text)}
                <fieldset class="modes">
                    <legend>"Modes"</legend>
                    {IoMode::ALL
                        .iter()
                        .map(|&mode| {
                            view! {
                                <label title=mode.describe()>
                                    <input
                                        type="checkbox"
                                        data-testid=format!("io-mode-{}", mode.id())
                                        prop:checked=move || modes.with(|modes| modes.contains(&mode))
                                        on:change=move |event| toggle(mode, event_target_checked(&event))
                                    />
                                    {mode.id()}
                                </label>
                            }
                        })
                        .collect_view()}
                </fieldset>
                <button type="submit" data-testid="io-run" disabled=move || running.get() || plan.get().is_err()>
                    {move || if running.get() { "Running…" } else { "Run" }}
                </button>
                <button type="button" data-testid="io-stop" disabled=move || !running.get() on:click=move |_| {
                    stop();
                }>"Stop"</button>
                <p class="message" data-testid="io-message" role="status">
                    {move || match (plan.get(), lab.lab_endpoint.get()) {
                        (Err(reason), _) => reason,
                        (_, ServiceState::Unavailable(reason)) => {
                            format!("the latency endpoint is unavailable ({reason}); other targets still work")
                        }
                        _ if stopped.get() => "stopped: unfinished requests were aborted".to_owned(),
                        _ => String::new(),
                    }}
                </p>
                {move || {
                    permalink()
                        .map(|href| view! { <a class="permalink" data-testid="io-permalink" href=href>"permalink"</a> })
                }}
            </form>
            <IoSummaryTable summaries=summaries.into()/>
            <RequestTable records=records.into()/>
        </section>
    }
}

/// One row per mode: wall time against the slowest single request, and what the measurements explain.
#[component]
fn IoSummaryTable(summaries: Signal<Vec<(IoSummary, FreezeReading)>>) -> impl IntoView {
    view! {
        <table class="results" data-testid="io-results">
            <thead>
                <tr>
                    <th>"mode"</th>
                    <th>"wall time"</th>
                    <th>"slowest request"</th>
                    <th>"wall ÷ slowest"</th>
                    <th>"ok / failed"</th>
                    <th>"most in flight"</th>
                </tr>
            </thead>
            <tbody>
                {move || {
                    summaries
                        .get()
                        .into_iter()
                        .map(|(summary, freeze)| {
                            let ratio = if summary.slowest_ms > 0.0 { summary.wall_ms / summary.slowest_ms } else { 0.0 };
                            let wall = format!("{:.3}", summary.wall_ms);
                            let notes = summary.notes.join(" ");
                            view! {
                                <tr
                                    data-testid="result-row"
                                    data-mode=summary.mode.row_id()
                                    data-wall-ms=wall.clone()
                                    data-median-ms=wall.clone()
                                    data-min-ms=wall.clone()
                                    data-max-ms=wall
                                    data-frame-gap-ms=format!("{:.3}", freeze.max_frame_gap_ms)
                                    data-frozen-ms=format!("{:.3}", freeze.frozen_ms)
                                    data-succeeded=summary.succeeded.to_string()
                                    data-failed=summary.failed.to_string()
                                    data-waves=summary.waves.to_string()
                                    data-max-in-flight=summary.max_in_flight.to_string()
                                    data-slowest-ms=format!("{:.3}", summary.slowest_ms)
                                >
                                    <td>{summary.mode.id()}</td>
                                    <td>{format!("{:.1} ms", summary.wall_ms)}</td>
                                    <td>{format!("{:.1} ms", summary.slowest_ms)}</td>
                                    <td>{format!("{ratio:.2}×")}</td>
                                    <td>{format!("{} / {}", summary.succeeded, summary.failed)}</td>
                                    <td>{summary.max_in_flight}</td>
                                </tr>
                                {(!notes.is_empty())
                                    .then(|| {
                                        view! {
                                            <tr class="note" data-testid="io-note">
                                                <td colspan="6">{notes}</td>
                                            </tr>
                                        }
                                    })}
                            }
                        })
                        .collect_view()
                }}
            </tbody>
        </table>
    }
}

/// One row per request with its span drawn as a bar on its mode's time axis.
#[component]
fn RequestTable(records: Signal<Vec<RequestRecord>>) -> impl IntoView {
    view! {
        <table class="requests" data-testid="io-requests">
            <thead>
                <tr>
                    <th>"mode"</th>
                    <th>"#"</th>
                    <th>"target"</th>
                    <th>"status"</th>
                    <th>"time"</th>
                    <th class="bar-cell">"span (start · headers · end)"</th>
                </tr>
            </thead>
            <tbody>
                {move || {
                    let records = records.get();
                    // Each mode's time axis, computed once per render (not once per row: N × modes rows).
                    let now = now_ms();
                    let mut axes: Vec<(IoMode, f64, f64)> = Vec::new();
                    for record in &records {
                        let end = record.end_ms.unwrap_or(now);
                        match axes.iter_mut().find(|(mode, ..)| *mode == record.mode) {
                            Some((_, start, last)) => {
                                *start = start.min(record.start_ms);
                                *last = last.max(end);
                            }
                            None => axes.push((record.mode, record.start_ms, end)),
                        }
                    }
                    records
                        .iter()
                        .map(|record| {
                            let (mode_start, mode_end) = axes
                                .iter()
                                .find(|(mode, ..)| *mode == record.mode)
                                .map_or((record.start_ms, now), |(_, start, end)| (*start, end.max(start + 1.0)));
                            let scale = 100.0 / (mode_end - mode_start);
                            let start = record.start_ms - mode_start;
                            let end = record.end_ms.map(|end| end - mode_start);
                            let status = match (&record.error, record.status, end) {
                                (None, Some(status), _) => status.to_string(),
                                (Some(_), _, _) => "error".to_owned(),
                                (None, None, _) => "pending".to_owned(),
                            };
                            let shown = match &record.error {
                                Some(error) => error.to_string(),
                                None if end.is_some() => format!("{} ({} B)", status, record.bytes),
                                None => "in flight…".to_owned(),
                            };
                            let duration = end.map_or(String::new(), |end| format!("{:.0} ms", end - start));
                            let bar_end = end.unwrap_or(mode_end - mode_start);
                            let headers = record.headers_ms.map(|headers| (headers - mode_start) * scale);
                            view! {
                                <tr
                                    data-testid="request-row"
                                    data-mode=record.mode.row_id()
                                    data-index=record.index.to_string()
                                    data-start-ms=format!("{start:.3}")
                                    data-end-ms=end.map(|end| format!("{end:.3}")).unwrap_or_default()
                                    data-status=status
                                    data-error=record.error.as_ref().map(FetchError::kind).unwrap_or_default()
                                    class:failed=record.error.is_some()
                                >
                                    <td>{record.mode.id()}</td>
                                    <td>{record.index}</td>
                                    <td class="target">{record.target.clone()}</td>
                                    <td>{shown}</td>
                                    <td>{duration}</td>
                                    <td class="bar-cell">
                                        <div class="track">
                                            <div
                                                class="bar"
                                                style=format!(
                                                    "left:{:.2}%;width:{:.2}%",
                                                    start * scale,
                                                    ((bar_end - start) * scale).max(0.5),
                                                )
                                            ></div>
                                            {headers
                                                .map(|headers| {
                                                    view! { <div class="tick" style=format!("left:{headers:.2}%")></div> }
                                                })}
                                        </div>
                                    </td>
                                </tr>
                            }
                        })
                        .collect_view()
                }}
            </tbody>
        </table>
    }
}
