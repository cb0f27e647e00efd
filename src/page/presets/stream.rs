//! Streaming in batches, the run loop (the lesson's async generator over a large file): the streaming endpoint
//! sends a body of M MiB at a chosen bandwidth; `streamed` hands each chunk to the compute worker as it arrives
//! (transferred, never cloned) and gets a result at once, `buffered` waits for the whole body first. Memory is
//! the allocator's peak bytes in use in the compute worker during each mode — the mode's own peak, not the
//! instance's wasm memory, which never shrinks and would show any earlier run's high-water mark.

use std::rc::Rc;

use leptos::prelude::*;

use crate::js::field;
use crate::page::bridge::ComputeBridge;
use crate::page::fetch::{fetch_whole_body, open_body};
use crate::page::run::Run;
use crate::report::verdict::{StreamFinding, stream_notes};
use crate::report::{
    ExperimentKind, ExperimentReport, Lane, ModeReport, ReportMode, Span, StreamMode, threads_in,
};
use crate::stream::StreamStats;
use crate::timing::now_ms;

/// The modes in run order.
const MODES: [(bool, StreamMode); 2] = [(true, StreamMode::Streamed), (false, StreamMode::Buffered)];

/// Bytes that arrived and bytes the worker has processed, live.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Progress {
    /// Bytes read from the body.
    pub arrived: u64,
    /// Bytes the worker has processed.
    pub processed: u64,
}

/// One mode's figures, for the table under the progress bar.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StreamRow {
    /// Which mode.
    pub mode: StreamMode,
    /// From the request to the first processed batch.
    pub first_result_ms: f64,
    /// The whole mode, measured.
    pub total_ms: f64,
    /// The most UI-thread time one batch took (bookkeeping and posting).
    pub max_main_ms: f64,
    /// The allocator's peak bytes in use in the compute worker from the stream's first batch to its last.
    pub peak_heap_bytes: f64,
    /// Batches processed.
    pub batches: u32,
}

/// What one mode measured.
struct Measured {
    stats: StreamStats,
    first_result_ms: f64,
    peak_heap_bytes: f64,
    /// The page's JS heap at its largest during the stream; `None` where the browser does not report it
    /// (`performance.memory` is Chromium's).
    peak_js_heap: Option<f64>,
    max_main_ms: f64,
    batches: u32,
    spans: Vec<Span>,
}

/// The page's JS heap in use, where the browser reports it (`performance.memory` is Chromium's). Read at the
/// stream's start and after each batch.
fn js_heap_bytes() -> Option<f64> {
    let performance = web_sys::window()?.performance()?;
    field(&field(&performance, "memory")?, "usedJSHeapSize")?.as_f64()
}

async fn stream_once(
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
        peak_heap_bytes: 0.0,
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
    // When the last byte of the body was in: buffered, now; streamed, when the reader runs dry.
    let mut body_done_ms = (!streamed).then(now_ms);
    // lesson-code: streaming — shown on the lesson's page (build.rs)
    loop {
        let batch = match (&reader, whole.take()) {
            (Some(reader), _) => reader.next_chunk().await.map_err(|error| error.to_string())?,
            (None, whole) => whole,
        };
        let Some(batch) = batch else {
            body_done_ms = body_done_ms.or_else(|| Some(now_ms()));
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
        let reply = reply.await.map_err(|error| error.to_string())?;
        let processed_ms = now_ms();
        if measured.batches == 0 {
            measured.first_result_ms = processed_ms - started_ms;
        }
        measured.batches += 1;
        measured.stats = reply.stats;
        measured.peak_heap_bytes = measured.peak_heap_bytes.max(reply.peak_heap_bytes);
        measured.peak_js_heap = measured
            .peak_js_heap
            .into_iter()
            .chain(js_heap_bytes())
            .reduce(f64::max);
        progress.update(|progress| progress.processed = reply.stats.bytes);
        measured.spans.push(Span {
            lane: Lane::Worker,
            name: format!("batch {} ({} KiB)", measured.batches, length / 1024),
            start_ms: handed_ms,
            end_ms: processed_ms,
        });
    }
    // lesson-code-end: streaming
    // The stream's final figures: the worker forgets it, and its heap peak covers every batch.
    let last = bridge
        .end_stream(stream_id)
        .map_err(|error| error.to_string())?
        .await
        .map_err(|error| error.to_string())?;
    measured.peak_heap_bytes = measured.peak_heap_bytes.max(last.peak_heap_bytes);
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
            end_ms: body_done_ms.unwrap_or_else(now_ms),
        },
    );
    Ok(measured)
}

/// Runs both modes over `mib` MiB at `mibps` MiB/s and records the report; `progress`, `rows` and `js_heap`
/// follow the run for the preset's own table.
pub async fn run_stream(
    run: Run,
    mib: u32,
    mibps: u32,
    bridge: Rc<ComputeBridge>,
    progress: RwSignal<Progress>,
    rows: RwSignal<Vec<StreamRow>>,
    js_heap: RwSignal<Option<f64>>,
) {
    let lab = run.lab();
    rows.set(Vec::new());
    js_heap.set(None);
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
    run.publish(&report);
    let mut findings = Vec::new();
    for (streamed, mode) in MODES {
        run.status(format!("{mode}…"));
        let Some(measurement) = run.measure().await else {
            break;
        };
        let stream_id = report.id * 2 + u32::from(streamed);
        // Stopped, the body reader is dropped, which cancels the body.
        let Some(outcome) = run
            .unless_stopped(stream_once(streamed, &url, stream_id, &bridge, progress))
            .await
        else {
            break;
        };
        let measured_run = measurement.close().await;
        let mut mode_report = ModeReport {
            mode: ReportMode::Stream(mode),
            repeats: Vec::new(),
            result: String::new(),
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
                     worker heap in use peaked at {:.1} MiB",
                    measured.first_result_ms,
                    measured.batches,
                    measured.max_main_ms,
                    measured.peak_heap_bytes / 1_048_576.0
                ));
                js_heap.set(measured.peak_js_heap);
                let row = StreamRow {
                    mode,
                    first_result_ms: measured.first_result_ms,
                    total_ms: measured_run.wall_ms(),
                    max_main_ms: measured.max_main_ms,
                    peak_heap_bytes: measured.peak_heap_bytes,
                    batches: measured.batches,
                };
                findings.push(StreamFinding {
                    mode,
                    first_result_ms: row.first_result_ms,
                    total_ms: row.total_ms,
                    body_bytes: measured.stats.bytes as f64,
                    peak_heap_bytes: Some(row.peak_heap_bytes),
                });
                rows.update(|rows| rows.push(row));
                let threads = threads_in(&measured.spans);
                mode_report
                    .repeats
                    .push(measured_run.into_repeat(false, false, threads, measured.spans));
            }
            Err(error) => mode_report.error = Some(error),
        }
        report.modes.push(mode_report);
        run.publish(&report);
    }
    report.notes = stream_notes(&findings);
    let done = report.modes.len();
    run.note_stop(&mut report, done, MODES.len(), "modes");
    run.finish(report);
}
