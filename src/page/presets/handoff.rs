//! The hand-off preset's run loop: B bytes from the page to a worker and back, by structured clone, by transfer
//! and through a SharedArrayBuffer, for B from 1 KiB to 64 MiB. The measuring loop is `www/handoff.js` (it is
//! the browser's mechanics being timed); the whole loop is one measurement, so its freeze reading covers every
//! clone made on this thread.

use leptos::prelude::*;
use serde::Deserialize;
use wasm_bindgen::prelude::*;

use crate::page::run::Run;
use crate::report::stats::Summary;
use crate::report::verdict::{HandoffPoint, handoff_notes};
use crate::report::{
    ExperimentKind, ExperimentReport, HandoffMethod, Lane, ModeReport, Repeat, ReportMode, Span, threads_in,
};

#[wasm_bindgen(module = "/www/handoff.js")]
extern "C" {
    #[wasm_bindgen(js_name = measureHandoff, catch)]
    async fn measure_handoff(
        sizes: js_sys::Array,
        repeats: u32,
        timeout_ms: u32,
        signal: Option<web_sys::AbortSignal>,
    ) -> Result<JsValue, JsValue>;
}

/// Sizes measured: 1 KiB × 4^k up to 64 MiB.
pub const SIZES: [u64; 9] = [
    1 << 10,
    1 << 12,
    1 << 14,
    1 << 16,
    1 << 18,
    1 << 20,
    1 << 22,
    1 << 24,
    1 << 26,
];

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Sample {
    start_ms: f64,
    end_ms: f64,
    received_ms: f64,
    done_ms: f64,
}

#[derive(Clone, Debug, Deserialize)]
struct Measured {
    method: String,
    bytes: f64,
    samples: Vec<Sample>,
}

/// `1 KiB`, `64 MiB`.
pub fn size_label(bytes: u64) -> String {
    if bytes >= 1 << 20 {
        format!("{} MiB", bytes >> 20)
    } else {
        format!("{} KiB", bytes >> 10)
    }
}

/// Every measured `(method, size)` as a chart point; an entry with an unknown method or no sample is skipped.
fn points_of(measured: &[Measured]) -> Vec<HandoffPoint> {
    measured
        .iter()
        .filter_map(|entry| {
            let method = HandoffMethod::from_id(&entry.method)?;
            let walls: Vec<f64> = entry
                .samples
                .iter()
                .map(|sample| sample.end_ms - sample.start_ms)
                .collect();
            Summary::of(&walls).map(|summary| HandoffPoint {
                method,
                bytes: entry.bytes as u64,
                median_ms: summary.median,
                min_ms: summary.min,
                max_ms: summary.max,
                samples: walls.len(),
            })
        })
        .collect()
}

/// One row per method (in [`HandoffMethod::ALL`] order, each once): its repeats are its round trips at the
/// largest size measured, which the table and timeline show. Each round trip is not bracketed on its own (the
/// loop runs in JS), so its freeze is `None`; the run's reading goes to the notes.
fn to_report(
    id: u32,
    measured: &[Measured],
    points: &[HandoffPoint],
    run_freeze: Option<crate::report::FreezeReading>,
) -> ExperimentReport {
    let largest = measured.iter().map(|entry| entry.bytes as u64).max().unwrap_or(0);
    let modes = HandoffMethod::ALL
        .into_iter()
        .filter_map(|method| {
            let at_largest = measured
                .iter()
                .find(|entry| entry.method == method.id() && entry.bytes as u64 == largest)?;
            Some(ModeReport {
                mode: ReportMode::Handoff(method),
                repeats: at_largest
                    .samples
                    .iter()
                    .map(|sample| {
                        let spans = vec![
                            Span {
                                lane: Lane::Main,
                                name: format!("{} {} round trip", method.id(), size_label(largest)),
                                start_ms: sample.start_ms,
                                end_ms: sample.end_ms,
                            },
                            Span {
                                lane: Lane::Worker,
                                name: "read every page".to_owned(),
                                start_ms: sample.received_ms,
                                end_ms: sample.done_ms,
                            },
                        ];
                        Repeat::unbracketed(sample.start_ms, sample.end_ms, threads_in(&spans), spans)
                    })
                    .collect(),
                result: size_label(largest),
                error: None,
                notes: Vec::new(),
            })
        })
        .collect();
    ExperimentReport {
        id,
        kind: ExperimentKind::Handoff,
        label: format!("hand-off · 1 KiB – {}", size_label(largest)),
        permalink: "preset=handoff".to_owned(),
        ideal_speedup: 1.0,
        modes,
        notes: handoff_notes(points, run_freeze),
    }
}

/// Runs the measurement; `chart` receives the points; `message` says what went wrong, if anything did.
pub async fn run_handoff(
    run: Run,
    repeats: u32,
    chart: RwSignal<Vec<HandoffPoint>>,
    message: RwSignal<String>,
) {
    chart.set(Vec::new());
    message.set(String::new());
    run.status("moving 1 KiB … 64 MiB three ways…");
    let Some(measurement) = run.measure().await else {
        return;
    };
    let sizes: js_sys::Array = SIZES
        .iter()
        .map(|bytes| JsValue::from_f64(*bytes as f64))
        .collect();
    // Stop aborts the signal: the loop returns at once with the points that were complete.
    let outcome = measure_handoff(sizes, repeats, 30_000, run.signal()).await;
    let measured_run = measurement.close().await;
    let parsed = outcome
        .and_then(|value| serde_wasm_bindgen::from_value::<Vec<Measured>>(value).map_err(JsValue::from));
    match parsed {
        Ok(measured) if measured.is_empty() => {
            message.set("stopped before the first size was measured: nothing to show".to_owned());
        }
        Ok(measured) => {
            let points = points_of(&measured);
            let mut report = to_report(
                run.lab().next_report_id(),
                &measured,
                &points,
                Some(measured_run.freeze),
            );
            let mut reached: Vec<u64> = measured.iter().map(|entry| entry.bytes as u64).collect();
            crate::order::sort(&mut reached);
            reached.dedup();
            run.note_stop(&mut report, reached.len(), SIZES.len(), "sizes");
            chart.set(points);
            run.finish(report);
        }
        Err(error) => message.set(format!(
            "the hand-off measurement failed: {}",
            error.as_string().unwrap_or_else(|| format!("{error:?}"))
        )),
    }
}
