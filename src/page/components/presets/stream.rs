//! Streaming in batches (the lesson's async generator over a large file): the streaming endpoint sends a body of
//! M MiB at a chosen bandwidth; `streamed` hands each chunk to the compute worker as it arrives (transferred,
//! never cloned) and gets a result at once, `buffered` waits for the whole body first. Progress, time to first
//! result, total time and peak memory are shown.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::page::app::{Lab, ServiceState, after_next_paint};
use crate::page::bridge::ComputeBridge;
use crate::page::components::presets::{PresetStop, autorun_once, number_field, run_controls};
use crate::page::components::results_table::ResultsTable;
use crate::page::fetch::{fetch_whole_body, open_body};
use crate::page::freeze;
use crate::report::{
    ExperimentKind, ExperimentReport, Lane, ModeReport, Repeat, ReportMode, Span, StreamMode,
};
use crate::stream::StreamStats;
use crate::timing::now_ms;

/// The modes in run order, streamed first: wasm memory never shrinks, so the buffered run's growth must not hide
/// the streamed one.
const MODES: [(bool, StreamMode); 2] = [(true, StreamMode::Streamed), (false, StreamMode::Buffered)];

/// Bytes that arrived and bytes the worker has processed, live.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
struct Progress {
    arrived: u64,
    processed: u64,
}

/// One mode's figures, for the table under the progress bar.
#[derive(Clone, Copy, Debug, PartialEq)]
struct StreamRow {
    mode: StreamMode,
    first_result_ms: f64,
    total_ms: f64,
    max_main_ms: f64,
    peak_memory: f64,
    batches: u32,
}

/// What one mode measured.
struct Measured {
    stats: StreamStats,
    first_result_ms: f64,
    peak_memory: f64,
    peak_js_heap: f64,
    max_main_ms: f64,
    batches: u32,
    spans: Vec<Span>,
}

fn js_heap_bytes() -> f64 {
    web_sys::window()
        .and_then(|window| window.performance())
        .and_then(|performance| js_sys::Reflect::get(&performance, &"memory".into()).ok())
        .and_then(|memory| js_sys::Reflect::get(&memory, &"usedJSHeapSize".into()).ok())
        .and_then(|used| used.as_f64())
        .unwrap_or(0.0)
}

async fn run_mode(
    streamed: bool,
    url: &str,
    stream_id: u32,
    bridge: &ComputeBridge,
    progress: RwSignal<Progress>,
) -> Result<Measured, String> {
    let started_ms = now_ms();
    progress.set(Progress::default());
    let mut measured = Measured {
        stats: StreamStats::new(),
        first_result_ms: 0.0,
        peak_memory: 0.0,
        peak_js_heap: js_heap_bytes(),
        max_main_ms: 0.0,
        batches: 0,
        spans: Vec::new(),
    };
    let reader = if streamed {
        Some(open_body(url).await.map_err(|error| error.to_string())?)
    } else {
        None
    };
    let mut whole = if streamed {
        None
    } else {
        Some(fetch_whole_body(url).await.map_err(|error| error.to_string())?)
    };
    loop {
        let batch = match (&reader, whole.take()) {
            (Some(reader), _) => reader.next_chunk().await.map_err(|error| error.to_string())?,
            (None, whole) => whole,
        };
        let Some(batch) = batch else {
            break;
        };
        // The UI thread's share of a batch: bookkeeping and posting; the bytes are transferred, not copied.
        let handed_ms = now_ms();
        let length = u64::from(batch.length());
        progress.update(|progress| progress.arrived += length);
        let reply = bridge
            .stream_batch(stream_id, measured.batches == 0, &batch)
            .map_err(|error| error.to_string())?;
        measured.max_main_ms = measured.max_main_ms.max(now_ms() - handed_ms);
        let (stats, memory) = reply
            .await
            .map(|reply| (reply.stats, reply.memory_bytes))
            .map_err(|error| error.to_string())?;
        let processed_ms = now_ms();
        if measured.batches == 0 {
            measured.first_result_ms = processed_ms - started_ms;
        }
        measured.batches += 1;
        measured.stats = stats;
        measured.peak_memory = measured.peak_memory.max(memory);
        measured.peak_js_heap = measured.peak_js_heap.max(js_heap_bytes());
        progress.update(|progress| progress.processed = stats.bytes);
        measured.spans.push(Span {
            lane: Lane::Worker,
            name: format!("batch {} ({} KiB)", measured.batches, length / 1024),
            start_ms: handed_ms,
            end_ms: processed_ms,
        });
    }
    measured.spans.insert(
        0,
        Span {
            lane: Lane::Request(0),
            name: if streamed {
                "download, read as it arrives"
            } else {
                "download the whole body"
            }
            .to_owned(),
            start_ms: started_ms,
            end_ms: now_ms(),
        },
    );
    Ok(measured)
}

/// The streaming preset.
#[component]
pub fn StreamPreset(
    /// Run as soon as the worker and the endpoint are ready.
    autorun: bool,
) -> impl IntoView {
    let lab = expect_context::<Lab>();
    let (size_view, size_mib) = number_field("preset-mib", "Body (MiB) ", 64, (1, 256));
    let (bandwidth_view, bandwidth) = number_field("preset-bandwidth", "Bandwidth (MiB/s) ", 64, (1, 10_000));
    let running = RwSignal::new(false);
    let stop = PresetStop::new();
    let status = RwSignal::new(String::new());
    let progress = RwSignal::new(Progress::default());
    let peak = RwSignal::new(None::<(f64, f64)>);
    let current = RwSignal::new(None::<ExperimentReport>);
    let rows = RwSignal::new(Vec::<StreamRow>::new());
    let problem = move || -> Option<String> {
        size_mib
            .get()
            .err()
            .or_else(|| bandwidth.get().err())
            .or_else(|| lab.pool.get().worker_problem())
            .or_else(|| match lab.lab_endpoint.get() {
                ServiceState::Ready => None,
                ServiceState::Unavailable(reason) => {
                    Some(format!("the streaming endpoint is unavailable: {reason}"))
                }
                ServiceState::Starting => Some("waiting for the lab service worker…".to_owned()),
            })
    };
    let run = move || {
        let (Ok(mib), Ok(mibps), false) = (
            size_mib.get_untracked(),
            bandwidth.get_untracked(),
            running.get_untracked(),
        ) else {
            return;
        };
        let Some(bridge) = lab.bridge.get_value() else {
            return;
        };
        running.set(true);
        stop.arm();
        peak.set(None);
        rows.set(Vec::new());
        let url = format!("/lab/stream?mib={mib}&mibps={mibps}");
        let mut report = ExperimentReport {
            id: lab.next_report_id(),
            kind: ExperimentKind::Stream,
            label: format!("stream · {mib} MiB at {mibps} MiB/s"),
            permalink: "preset=stream".to_owned(),
            ideal_speedup: 1.0,
            modes: Vec::new(),
            notes: Vec::new(),
        };
        current.set(Some(report.clone()));
        spawn_local(async move {
            for (streamed, mode) in MODES {
                status.set(format!("{mode}…"));
                after_next_paint().await;
                freeze::begin();
                let started_ms = now_ms();
                // Stopped, the body reader is dropped, which cancels the body.
                let Some(outcome) = stop
                    .unless_stopped(run_mode(
                        streamed,
                        &url,
                        report.id * 2 + u32::from(streamed),
                        &bridge,
                        progress,
                    ))
                    .await
                else {
                    freeze::end();
                    break;
                };
                let finished_ms = now_ms();
                after_next_paint().await;
                let freeze = freeze::end();
                let mut mode_report = ModeReport {
                    mode: ReportMode::Stream(mode),
                    repeats: Vec::new(),
                    result: String::new(),
                    threads_used: 1,
                    error: None,
                    notes: Vec::new(),
                };
                match outcome {
                    Ok(measured) => {
                        mode_report.result = format!(
                            "{} lines, checksum {:016x}",
                            measured.stats.lines, measured.stats.checksum
                        );
                        mode_report.notes.push(format!(
                            "{mode}: first result after {:.0} ms, {} batches, at most {:.2} ms of UI-thread time per batch, \
                             worker memory {:.0} MiB",
                            measured.first_result_ms,
                            measured.batches,
                            measured.max_main_ms,
                            measured.peak_memory / 1_048_576.0
                        ));
                        peak.set(Some((measured.peak_memory, measured.peak_js_heap)));
                        mode_report.repeats.push(Repeat {
                            warmup: false,
                            cancelled: false,
                            started_ms,
                            finished_ms,
                            spans: measured.spans,
                            freeze,
                        });
                        rows.update(|rows| {
                            rows.push(StreamRow {
                                mode,
                                first_result_ms: measured.first_result_ms,
                                total_ms: finished_ms - started_ms,
                                max_main_ms: measured.max_main_ms,
                                peak_memory: measured.peak_memory,
                                batches: measured.batches,
                            });
                        });
                    }
                    Err(error) => mode_report.error = Some(error),
                }
                report.modes.push(mode_report);
            }
            let findings: Vec<(StreamMode, f64, f64, f64)> = rows
                .get_untracked()
                .iter()
                .map(|row| (row.mode, row.first_result_ms, row.total_ms, row.peak_memory))
                .collect();
            report.notes = crate::report::verdict::stream_notes(&findings);
            let done = report.modes.len();
            stop.mark(&mut report, done, MODES.len(), "modes");
            current.set(Some(report.clone()));
            lab.record(report);
            status.set(String::new());
            running.set(false);
        });
    };
    autorun_once(autorun, move || problem().is_none(), run);
    view! {
        <div class="preset" data-testid="preset-panel" data-preset="stream">
            <h3>"Streaming in batches"</h3>
            <p class="hint">
                "A large text body arrives at a set bandwidth. Streamed, each chunk is handed to the compute worker "
                "(transferred, not copied) and processed as it arrives — line count, upper-casing, checksum — like "
                "the lesson's async generator. Buffered, nothing happens until the last byte is in."
            </p>
            <form class="controls" on:submit=move |event| {
                event.prevent_default();
                run();
            }>
                {size_view}
                {bandwidth_view}
                {run_controls(running, stop, move || problem().is_some())}
                <p class="message" data-testid="preset-message">
                    {move || if running.get() { status.get() } else { problem().unwrap_or_default() }}
                </p>
            </form>
            <p class="progress-row">
                <progress
                    data-testid="progress"
                    data-bytes-arrived=move || progress.get().arrived.to_string()
                    data-bytes-processed=move || progress.get().processed.to_string()
                    max=move || progress.get().arrived.max(1).to_string()
                    value=move || progress.get().processed.to_string()
                ></progress>
                {move || {
                    let progress = progress.get();
                    format!(
                        " arrived {:.1} MiB · processed {:.1} MiB",
                        progress.arrived as f64 / 1_048_576.0,
                        progress.processed as f64 / 1_048_576.0
                    )
                }}
            </p>
            {move || {
                peak.get()
                    .map(|(memory, heap)| {
                        view! {
                            <p data-testid="peak-memory" data-bytes=format!("{memory:.0}") data-js-heap-bytes=format!("{heap:.0}")>
                                {format!(
                                    "Peak memory of the last mode: worker wasm memory {:.1} MiB{}",
                                    memory / 1_048_576.0,
                                    if heap > 0.0 { format!(", page JS heap {:.1} MiB", heap / 1_048_576.0) } else { String::new() }
                                )}
                            </p>
                        }
                    })
            }}
            <table class="results">
                <thead>
                    <tr>
                        <th>"mode"</th>
                        <th>"first result"</th>
                        <th>"total"</th>
                        <th>"batches"</th>
                        <th>"UI time per batch, max"</th>
                        <th>"worker memory"</th>
                    </tr>
                </thead>
                <tbody>
                    {move || {
                        rows.get()
                            .into_iter()
                            .map(|row| {
                                view! {
                                    <tr
                                        data-testid="stream-row"
                                        data-mode=row.mode.id()
                                        data-first-result-ms=format!("{:.3}", row.first_result_ms)
                                        data-total-ms=format!("{:.3}", row.total_ms)
                                        data-max-main-ms=format!("{:.3}", row.max_main_ms)
                                        data-peak-memory-bytes=format!("{:.0}", row.peak_memory)
                                        data-batches=row.batches.to_string()
                                    >
                                        <td>{row.mode.id()}</td>
                                        <td>{format!("{:.0} ms", row.first_result_ms)}</td>
                                        <td>{format!("{:.0} ms", row.total_ms)}</td>
                                        <td>{row.batches}</td>
                                        <td>{format!("{:.2} ms", row.max_main_ms)}</td>
                                        <td>{format!("{:.1} MiB", row.peak_memory / 1_048_576.0)}</td>
                                    </tr>
                                }
                            })
                            .collect_view()
                    }}
                </tbody>
            </table>
            <ResultsTable report=current.into()/>
        </div>
    }
}
