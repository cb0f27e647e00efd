//! Hand-off cost: B bytes from the page to a worker and back, by structured clone, by transfer and through a
//! SharedArrayBuffer, for B from 1 KiB to 64 MiB, on log axes. The measuring loop is `www/handoff.js` (it is
//! the browser's mechanics being timed); this component runs it, draws it and reports it.

use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::Deserialize;
use wasm_bindgen::prelude::*;

use crate::page::app::{Lab, after_next_paint};
use crate::page::components::presets::{PresetStop, autorun_once, number_field, run_controls};
use crate::page::components::results_table::ResultsTable;
use crate::page::freeze;
use crate::report::stats::Summary;
use crate::report::verdict::{HandoffPoint, handoff_notes};
use crate::report::{
    ExperimentKind, ExperimentReport, FreezeReading, HandoffMethod, Lane, ModeReport, Repeat, ReportMode,
    Span,
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

/// One point of the chart.
#[derive(Clone, Debug, PartialEq)]
struct Point {
    method: String,
    bytes: u64,
    ms: f64,
}

fn size_label(bytes: u64) -> String {
    if bytes >= 1 << 20 {
        format!("{} MiB", bytes >> 20)
    } else {
        format!("{} KiB", bytes >> 10)
    }
}

fn to_report(id: u32, measured: &[Measured]) -> (ExperimentReport, Vec<Point>) {
    let points: Vec<Point> = measured
        .iter()
        .filter_map(|entry| {
            let walls: Vec<f64> = entry
                .samples
                .iter()
                .map(|sample| sample.end_ms - sample.start_ms)
                .collect();
            Summary::of(&walls).map(|summary| Point {
                method: entry.method.clone(),
                bytes: entry.bytes as u64,
                ms: summary.median,
            })
        })
        .collect();
    let largest = measured.iter().map(|entry| entry.bytes as u64).max().unwrap_or(0);
    let mut methods: Vec<&str> = measured.iter().map(|entry| entry.method.as_str()).collect();
    methods.dedup();
    // Each method's repeats are its round trips at the largest size: that is what the table and timeline show.
    let modes = methods
        .iter()
        .map(|method| {
            let at_largest = measured
                .iter()
                .find(|entry| entry.method == *method && entry.bytes as u64 == largest);
            ModeReport {
                mode: HandoffMethod::from_id(method)
                    .map_or(ReportMode::Handoff(HandoffMethod::Clone), ReportMode::Handoff),
                repeats: at_largest
                    .map(|entry| {
                        entry
                            .samples
                            .iter()
                            .map(|sample| Repeat {
                                warmup: false,
                                cancelled: false,
                                started_ms: sample.start_ms,
                                finished_ms: sample.end_ms,
                                spans: vec![
                                    Span {
                                        lane: Lane::Main,
                                        name: format!("{method} {} round trip", size_label(largest)),
                                        start_ms: sample.start_ms,
                                        end_ms: sample.end_ms,
                                    },
                                    Span {
                                        lane: Lane::Worker,
                                        name: "read every page".to_owned(),
                                        start_ms: sample.received_ms,
                                        end_ms: sample.done_ms,
                                    },
                                ],
                                freeze: FreezeReading::default(),
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
                result: size_label(largest),
                threads_used: 1,
                error: None,
                notes: Vec::new(),
            }
        })
        .collect();
    let handoff_points: Vec<HandoffPoint<'_>> = points
        .iter()
        .map(|point| HandoffPoint {
            method: &point.method,
            bytes: point.bytes,
            ms: point.ms,
        })
        .collect();
    let report = ExperimentReport {
        id,
        kind: ExperimentKind::Handoff,
        label: format!("hand-off · 1 KiB – {}", size_label(largest)),
        permalink: "preset=handoff".to_owned(),
        ideal_speedup: 1.0,
        modes,
        notes: handoff_notes(&handoff_points),
    };
    (report, points)
}

/// The log–log chart of round-trip time against bytes.
#[component]
fn HandoffChart(points: Vec<Point>) -> impl IntoView {
    let (width, height, left, bottom) = (600.0, 260.0, 56.0, 30.0);
    let low_ms = points
        .iter()
        .map(|point| point.ms)
        .fold(f64::INFINITY, f64::min)
        .max(0.001);
    let high_ms = points.iter().map(|point| point.ms).fold(0.01, f64::max);
    let (y_low, y_high) = (
        low_ms.log10().floor(),
        high_ms.log10().ceil().max(low_ms.log10().floor() + 1.0),
    );
    let x = |bytes: u64| left + (width - left - 12.0) * ((bytes as f64).log2() - 10.0) / 16.0;
    let y = |ms: f64| {
        (height - bottom) - (height - bottom - 10.0) * (ms.max(0.001).log10() - y_low) / (y_high - y_low)
    };
    let mut methods: Vec<String> = points.iter().map(|point| point.method.clone()).collect();
    methods.dedup();
    view! {
        <svg class="handoff" viewBox=format!("0 0 {width} {height}") role="img" aria-label="Round trip against bytes, log axes">
            {(y_low as i32..=y_high as i32)
                .map(|power| {
                    let ms = 10_f64.powi(power);
                    view! {
                        <line class="grid" x1=left x2=width - 12.0 y1=y(ms) y2=y(ms)></line>
                        <text class="axis" x=left - 6.0 y=y(ms) + 4.0 text-anchor="end">{format!("{ms} ms")}</text>
                    }
                })
                .collect_view()}
            {SIZES
                .iter()
                .step_by(2)
                .map(|bytes| view! { <text class="axis" x=x(*bytes) y=height - 10.0 text-anchor="middle">{size_label(*bytes)}</text> })
                .collect_view()}
            {methods
                .iter()
                .map(|method| {
                    let line = points
                        .iter()
                        .filter(|point| &point.method == method)
                        .map(|point| format!("{:.1},{:.1}", x(point.bytes), y(point.ms)))
                        .collect::<Vec<_>>()
                        .join(" ");
                    view! { <polyline class=format!("method {method}") points=line></polyline> }
                })
                .collect_view()}
            {points
                .iter()
                .map(|point| {
                    view! {
                        <circle
                            data-testid="handoff-point"
                            data-method=point.method.clone()
                            data-bytes=point.bytes.to_string()
                            data-ms=format!("{:.4}", point.ms)
                            class=format!("method {}", point.method)
                            cx=x(point.bytes)
                            cy=y(point.ms)
                            r="4"
                        >
                            <title>{format!("{} {}: {:.3} ms", point.method, size_label(point.bytes), point.ms)}</title>
                        </circle>
                    }
                })
                .collect_view()}
        </svg>
        <p class="legend">
            <span class="key clone">"structured clone"</span>
            <span class="key transfer">"transfer"</span>
            <span class="key shared">"SharedArrayBuffer"</span>
        </p>
    }
}

/// The hand-off preset.
#[component]
pub fn HandoffPreset(
    /// Run at once.
    autorun: bool,
) -> impl IntoView {
    let lab = expect_context::<Lab>();
    let (repeats_view, repeats) = number_field("preset-repeats", "Repeats ", 5, (1, 50));
    let running = RwSignal::new(false);
    let stop = PresetStop::new();
    let message = RwSignal::new(String::new());
    let points = RwSignal::new(Vec::<Point>::new());
    let current = RwSignal::new(None::<ExperimentReport>);

    let run = move || {
        let (Ok(repeats), false) = (repeats.get_untracked(), running.get_untracked()) else {
            return;
        };
        running.set(true);
        stop.arm();
        points.set(Vec::new());
        message.set("moving 1 KiB … 64 MiB three ways…".to_owned());
        spawn_local(async move {
            after_next_paint().await;
            freeze::begin();
            let sizes: js_sys::Array = SIZES
                .iter()
                .map(|bytes| JsValue::from_f64(*bytes as f64))
                .collect();
            // Stop aborts the signal: the loop returns at once with the points that were complete.
            let outcome = measure_handoff(sizes, repeats, 30_000, stop.signal()).await;
            let _ = freeze::end();
            let parsed = outcome.and_then(|value| {
                serde_wasm_bindgen::from_value::<Vec<Measured>>(value).map_err(JsValue::from)
            });
            match parsed {
                Ok(measured) if measured.is_empty() => {
                    message.set("stopped before the first size was measured: nothing to show".to_owned());
                }
                Ok(measured) => {
                    let (mut report, measured_points) = to_report(lab.next_report_id(), &measured);
                    let mut reached: Vec<u64> = measured.iter().map(|entry| entry.bytes as u64).collect();
                    reached.dedup();
                    stop.mark(&mut report, reached.len(), SIZES.len(), "sizes");
                    points.set(measured_points);
                    current.set(Some(report.clone()));
                    lab.record(report);
                    message.set(String::new());
                }
                Err(error) => message.set(format!(
                    "the hand-off measurement failed: {}",
                    error.as_string().unwrap_or_else(|| format!("{error:?}"))
                )),
            }
            running.set(false);
        });
    };
    autorun_once(autorun, move || repeats.get().is_ok(), run);

    view! {
        <div class="preset" data-testid="preset-panel" data-preset="handoff">
            <h3>"Hand-off cost"</h3>
            <p class="hint">
                "Round trips from this page to a worker that reads every page of the bytes: a structured clone copies "
                "them, a transfer moves ownership, a SharedArrayBuffer shares them. Each point is the median of the "
                "repeats after a warm-up."
            </p>
            <form class="controls" on:submit=move |event| {
                event.prevent_default();
                run();
            }>
                {repeats_view}
                {run_controls(running, stop, move || repeats.get().is_err())}
                <p class="message" data-testid="preset-message">
                    {move || repeats.get().err().unwrap_or_else(|| message.get())}
                </p>
            </form>
            {move || {
                let measured = points.get();
                (!measured.is_empty()).then(|| view! { <HandoffChart points=measured/> })
            }}
            <ResultsTable report=current.into()/>
        </div>
    }
}
