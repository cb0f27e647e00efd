//! What one experiment found, drawn under the controls that ran it: its title, the verdict, the speedup chart,
//! the timeline, and its trace (download or Perfetto). Only the tab on screen draws it, so every test id is
//! on the page once.

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

use crate::charts::speedup::layout_speedup;
use crate::page::components::timeline::Timeline;
use crate::report::export::to_trace;
use crate::report::verdict::verdict;
use crate::report::{ExperimentKind, ExperimentReport, ReportMode};

#[wasm_bindgen(module = "/www/perfetto.js")]
extern "C" {
    #[wasm_bindgen(js_name = openInPerfetto, catch)]
    fn open_in_perfetto(trace_json: &str, title: &str) -> Result<bool, JsValue>;
}

/// Offers `text` as a file download.
pub(crate) fn download(file_name: &str, mime: &str, text: &str) -> Result<(), JsValue> {
    let document = web_sys::window()
        .and_then(|window| window.document())
        .ok_or("no document")?;
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let anchor: web_sys::HtmlAnchorElement = document.create_element("a")?.dyn_into()?;
    anchor.set_href(&url);
    anchor.set_download(file_name);
    anchor.click();
    web_sys::Url::revoke_object_url(&url)
}

/// Each mode's id and median, for the speedup chart.
fn medians(report: &ExperimentReport) -> Vec<(String, Option<f64>)> {
    report
        .modes
        .iter()
        .map(|mode| (mode.mode.id(), mode.summary().map(|summary| summary.median)))
        .collect()
}

/// Speedup of each mode's median over the slowest median, with the ideal drawn as a reference line; the
/// geometry is [`layout_speedup`].
#[component]
fn SpeedupChart(report: ExperimentReport) -> impl IntoView {
    let layout = layout_speedup(&medians(&report), report.ideal_speedup, 600.0);
    let ideal = layout.ideal;
    let ideal_name = match report.kind {
        ExperimentKind::Cpu | ExperimentKind::PoolStart => format!("ideal {ideal:.0}× (pool threads)"),
        ExperimentKind::Sweep => format!("ideal {ideal:.0}× (cores)"),
        ExperimentKind::Io => format!("ideal {ideal:.0}× (N requests)"),
        ExperimentKind::Handoff
        | ExperimentKind::Pipeline
        | ExperimentKind::Stream
        | ExperimentKind::Connections => "same speed".to_owned(),
    };
    let (bar_x, bar_height) = (layout.bar_x, layout.bar_height);
    view! {
        <svg data-testid="speedup-chart" class="speedup" viewBox=format!("0 0 {} {}", layout.width, layout.height) role="img" aria-label="Speedup on medians">
            {layout
                .bars
                .into_iter()
                .map(|bar| {
                    view! {
                        <text x="4" y=bar.text_y>
                            {bar.mode.parse::<ReportMode>().map_or_else(|_| bar.mode.clone(), ReportMode::label)}
                        </text>
                        <rect class="speedup-bar" data-mode=bar.mode data-speedup=format!("{:.3}", bar.speedup) x=bar_x y=bar.y width=bar.width height=bar_height></rect>
                        <text x=bar.value_x y=bar.text_y>{format!("{:.2}×", bar.speedup)}</text>
                    }
                })
                .collect_view()}
            <line class="ideal" data-testid="speedup-ideal" x1=layout.ideal_x x2=layout.ideal_x y1="0" y2=layout.ideal_y2></line>
            <text class="ideal-label" x=layout.ideal_label.0 y=layout.ideal_label.1 text-anchor="end">{ideal_name}</text>
        </svg>
    }
}

/// The verdict, speedup chart, timeline and trace of `report` (nothing until there is one).
#[component]
pub fn Findings(
    /// The experiment to explain.
    report: Signal<Option<ExperimentReport>>,
) -> impl IntoView {
    let message = RwSignal::new(String::new());
    let with_report = move |action: &dyn Fn(&ExperimentReport) -> Result<(), JsValue>| {
        if let Some(report) = report.get_untracked() {
            message.set(match action(&report) {
                Ok(()) => String::new(),
                Err(error) => format!(
                    "export failed: {}",
                    error.as_string().unwrap_or_else(|| format!("{error:?}"))
                ),
            });
        }
    };
    let export_trace = move |_| {
        with_report(&|report| {
            download(
                &format!("lanes-trace-{}.json", report.id),
                "application/json",
                &to_trace(report).to_string(),
            )
        })
    };
    let perfetto = move |_| {
        with_report(&|report| {
            let trace = to_trace(report).to_string();
            if open_in_perfetto(&trace, &format!("Lanes #{} {}", report.id, report.label))? {
                message.set("sent to ui.perfetto.dev".to_owned());
                Ok(())
            } else {
                download(
                    &format!("lanes-trace-{}.json", report.id),
                    "application/json",
                    &trace,
                )?;
                message.set(
                    "This page is cross-origin isolated, so it cannot talk to a Perfetto window: the trace was \
                     downloaded instead — drop it onto ui.perfetto.dev."
                        .to_owned(),
                );
                Ok(())
            }
        })
    };
    view! {
        <div class="findings" data-testid="findings">
            {move || {
                report
                    .get()
                    .map(|report| {
                        let sentences = verdict(&report);
                        view! {
                            <h3>{format!("What happened · #{} {}", report.id, report.label)}</h3>
                            <div class="verdict" data-testid="verdict" data-report-id=report.id.to_string()>
                                {sentences.into_iter().map(|sentence| view! { <p>{sentence}</p> }).collect_view()}
                            </div>
                            <SpeedupChart report=report/>
                        }
                    })
            }}
            <Timeline report=report/>
            <p class="exports" hidden=move || report.with(Option::is_none)>
                <button type="button" data-testid="export-trace" disabled=move || report.with(Option::is_none) on:click=export_trace>
                    "Export trace"
                </button>
                <button type="button" data-testid="open-perfetto" disabled=move || report.with(Option::is_none) on:click=perfetto>
                    "Open in Perfetto"
                </button>
                <span class="message" data-testid="export-message">{move || message.get()}</span>
            </p>
        </div>
    }
}
