//! The I/O lab: the same N requests awaited in turn, all at once, k at a time, or raced — real browser fetches.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::charts::requests::{RequestTimes, layout_requests};
use crate::io::{FetchError, IoMode, IoSummary, RequestRecord, check_target};
use crate::page::components::findings::Findings;
use crate::page::context::{Lab, ServiceState};
use crate::page::experiments::io::{IoPlan, run_io};
use crate::report::{ExperimentKind, FreezeReading, ReportMode};
use crate::settings::{self, IoSettings, MAX_IO_COUNT, TIMEOUT_RANGE_MS, Tab};
use crate::timing::now_ms;

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
    let running = Signal::derive(move || lab.runs.is_running(ExperimentKind::Io));
    let refused = RwSignal::new(None::<String>);
    let records = RwSignal::new(Vec::<RequestRecord>::new());
    let summaries = RwSignal::new(Vec::<(IoSummary, FreezeReading)>::new());
    // Stopped: the last I/O run stopped before its report (a stopped I/O run records nothing).
    let stopped = Signal::derive(move || {
        !running.get()
            && records.with(|records| {
                records
                    .iter()
                    .any(|record| record.error == Some(FetchError::Aborted))
            })
            && summaries.with(Vec::len) < modes.with(Vec::len)
    });
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
        let Ok(plan) = plan.get_untracked() else {
            return;
        };
        match lab.begin_run(ExperimentKind::Io) {
            Ok(run) => {
                refused.set(None);
                spawn_local(run_io(run, plan, records, summaries));
            }
            Err(reason) => refused.set(Some(reason)),
        }
    };
    let stop = move || lab.runs.stop(lab, ExperimentKind::Io);

    Effect::new(move |_| {
        if autorun_pending.get()
            && lab.lab_endpoint.get() != ServiceState::Starting
            && lab.runs.busy_reason(ExperimentKind::Io).is_none()
        {
            autorun_pending.set(false);
            run();
        }
    });

    let toggle = move |mode: IoMode, on: bool| {
        modes.update(|modes| {
            modes.retain(|other| *other != mode);
            if on {
                modes.push(mode);
                crate::order::sort(modes);
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
        <section class="panel io" aria-label="I/O experiment" id="io" hidden=move || lab.tab.get() != Tab::Io>
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
                <button
                    type="submit"
                    data-testid="io-run"
                    disabled=move || running.get() || plan.get().is_err() || lab.runs.busy_reason(ExperimentKind::Io).is_some()
                >
                    {move || if running.get() { "Running…" } else { "Run" }}
                </button>
                <button type="button" data-testid="io-stop" disabled=move || !running.get() || lab.runs.stopping(ExperimentKind::Io) on:click=move |_| {
                    stop();
                }>"Stop"</button>
                <p class="message" data-testid="io-message" role="status">
                    {move || match (plan.get(), lab.lab_endpoint.get()) {
                        _ if running.get() => lab.runs.status(ExperimentKind::Io),
                        _ if refused.get().is_some() => refused.get().unwrap_or_default(),
                        _ if lab.runs.busy_reason(ExperimentKind::Io).is_some() => {
                            lab.runs.busy_reason(ExperimentKind::Io).unwrap_or_default()
                        }
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
            {move || {
                (lab.tab.get() == Tab::Io)
                    .then(|| {
                        view! {
                            <IoSummaryTable summaries=summaries.into()/>
                            <RequestTable records=records.into()/>
                            <Findings report=Signal::derive(move || lab.runs.shown(lab, ExperimentKind::Io))/>
                        }
                    })
            }}
        </section>
    }
}

/// One row per mode: wall time against the slowest single request, and what the measurements explain.
#[component]
pub(crate) fn IoSummaryTable(summaries: Signal<Vec<(IoSummary, FreezeReading)>>) -> impl IntoView {
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
                                    data-freeze="measured"
                                    data-frame-gap-ms=format!("{:.3}", freeze.max_frame_gap_ms)
                                    data-frozen-ms=format!("{:.3}", freeze.frozen_ms)
                                    data-long-tasks=freeze.long_tasks.to_string()
                                    data-succeeded=summary.succeeded.to_string()
                                    data-failed=summary.failed.to_string()
                                    data-waves=summary.waves.to_string()
                                    data-max-in-flight=summary.max_in_flight.to_string()
                                    data-slowest-ms=format!("{:.3}", summary.slowest_ms)
                                >
                                    <td>{ReportMode::Io(summary.mode).label()}</td>
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

/// What the protocol cell says: the protocol Resource Timing reported, or why there is none — a service
/// worker's own response (the built-in endpoint), a request that did not complete, or a browser that did not
/// say (a cross-origin server without `Timing-Allow-Origin`).
fn protocol_text(record: &RequestRecord) -> String {
    match (&record.protocol, record.lab, &record.error, record.end_ms) {
        (Some(protocol), ..) => protocol.clone(),
        (None, _, _, None) | (None, _, Some(_), _) => String::new(),
        (None, true, None, Some(_)) => "service worker".to_owned(),
        (None, false, None, Some(_)) => "not measured".to_owned(),
    }
}

/// What the wait cell says: the measured wait for a connection, or "not measured" for a completed request whose
/// wait the browser did not show.
fn wait_text(record: &RequestRecord) -> String {
    match (record.queued_ms, &record.error, record.end_ms) {
        (Some(queued), ..) => format!("{queued:.0} ms"),
        (None, None, Some(_)) => "not measured".to_owned(),
        (None, ..) => String::new(),
    }
}

/// One row per request with its span drawn as a bar on its mode's time axis (its wait for a connection as the
/// bar's lighter first part); the geometry is [`layout_requests`].
#[component]
pub(crate) fn RequestTable(records: Signal<Vec<RequestRecord>>) -> impl IntoView {
    view! {
        <table class="requests" data-testid="io-requests">
            <thead>
                <tr>
                    <th>"mode"</th>
                    <th>"#"</th>
                    <th>"target"</th>
                    <th>"status"</th>
                    <th>"time"</th>
                    <th>"protocol"</th>
                    <th title="waiting for a free connection before it was sent (Resource Timing)">"wait"</th>
                    <th class="bar-cell">"span (wait · start · headers · end)"</th>
                </tr>
            </thead>
            <tbody>
                {move || {
                    let records = records.get();
                    let times: Vec<RequestTimes> = records.iter().map(RequestTimes::from).collect();
                    let layout = layout_requests(&times, now_ms());
                    records
                        .iter()
                        .zip(layout.bars)
                        .map(|(record, bar)| {
                            let (start, end) = (bar.start_ms, bar.end_ms);
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
                            view! {
                                <tr
                                    data-testid="request-row"
                                    data-mode=record.mode.row_id()
                                    data-index=record.index.to_string()
                                    data-start-ms=format!("{start:.3}")
                                    data-end-ms=end.map(|end| format!("{end:.3}")).unwrap_or_default()
                                    data-status=status
                                    data-error=record.error.as_ref().map(FetchError::kind).unwrap_or_default()
                                    data-protocol=record.protocol.clone()
                                    data-queued-ms=record.queued_ms.map(|queued| format!("{queued:.3}"))
                                    class:failed=record.error.is_some()
                                >
                                    <td>{ReportMode::Io(record.mode).label()}</td>
                                    <td>{record.index}</td>
                                    <td class="target">{record.target.clone()}</td>
                                    <td>{shown}</td>
                                    <td>{duration}</td>
                                    <td data-testid="request-protocol">{protocol_text(record)}</td>
                                    <td data-testid="request-wait">{wait_text(record)}</td>
                                    <td class="bar-cell">
                                        <div class="track">
                                            <div
                                                class="bar"
                                                style=format!(
                                                    "left:{:.2}%;width:{:.2}%",
                                                    bar.left_percent,
                                                    bar.width_percent,
                                                )
                                            ></div>
                                            {bar
                                                .wait_percent
                                                .filter(|wait| *wait > 0.0)
                                                .map(|wait| {
                                                    view! {
                                                        <div
                                                            class="wait"
                                                            title="waiting for a connection"
                                                            style=format!("left:{:.2}%;width:{wait:.2}%", bar.left_percent)
                                                        ></div>
                                                    }
                                                })}
                                            {bar
                                                .headers_percent
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
