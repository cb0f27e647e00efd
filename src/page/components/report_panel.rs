//! The report panel: for the experiment shown — verdict, speedup chart, timeline and exports — and the history
//! of this tab, where two runs can be compared side by side.

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

use crate::charts::speedup::layout_speedup;
use crate::page::components::timeline::Timeline;
use crate::page::context::Lab;
use crate::report::export::{to_csv, to_json, to_trace};
use crate::report::verdict::verdict;
use crate::report::{ExperimentKind, ExperimentReport, ModeReport, ReportMode};

#[wasm_bindgen(module = "/www/perfetto.js")]
extern "C" {
    #[wasm_bindgen(js_name = openInPerfetto, catch)]
    fn open_in_perfetto(trace_json: &str, title: &str) -> Result<bool, JsValue>;
}

/// Offers `text` as a file download.
fn download(file_name: &str, mime: &str, text: &str) -> Result<(), JsValue> {
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
                        <text x="4" y=bar.text_y>{bar.mode.clone()}</text>
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

/// The history of this tab, with a side-by-side comparison of two picked runs.
#[component]
fn History() -> impl IntoView {
    let lab = expect_context::<Lab>();
    let picked = RwSignal::new(Vec::<u32>::new());
    let toggle = move |id: u32, on: bool| {
        picked.update(|picked| {
            picked.retain(|other| *other != id);
            if on {
                picked.push(id);
                // Keep the two most recent picks.
                if picked.len() > 2 {
                    picked.remove(0);
                }
            }
        });
    };
    let compared = move || {
        let ids = picked.get();
        if ids.len() != 2 {
            return None;
        }
        lab.history.with(|history| {
            let find = |id: u32| history.iter().find(|report| report.id == id).cloned();
            Some((find(ids[0])?, find(ids[1])?))
        })
    };
    view! {
        <h3>"History of this tab"</h3>
        {move || {
            let dropped = lab.history_dropped.get();
            (dropped > 0)
                .then(|| {
                    view! {
                        <p class="hint" data-testid="history-dropped" data-count=dropped.to_string()>
                            {format!(
                                "{dropped} older runs were dropped: the history keeps the last {}.",
                                crate::page::context::HISTORY_LIMIT,
                            )}
                        </p>
                    }
                })
        }}
        <table class="history">
            <thead>
                <tr>
                    <th>"compare"</th>
                    <th>"#"</th>
                    <th>"experiment"</th>
                    <th>"medians"</th>
                    <th></th>
                </tr>
            </thead>
            <tbody>
                {move || {
                    lab.history
                        .get()
                        .into_iter()
                        .rev()
                        .map(|report| {
                            let id = report.id;
                            let summary = medians(&report)
                                .into_iter()
                                .map(|(mode, median)| match median {
                                    Some(median) => format!("{mode} {median:.1} ms"),
                                    None => format!("{mode} failed"),
                                })
                                .collect::<Vec<_>>()
                                .join(" · ");
                            view! {
                                <tr data-testid="history-row" data-id=id.to_string() class:shown=move || lab.shown.get() == Some(id)>
                                    <td>
                                        <input
                                            type="checkbox"
                                            data-testid="history-compare"
                                            prop:checked=move || picked.with(|picked| picked.contains(&id))
                                            on:change=move |event| toggle(id, event_target_checked(&event))
                                        />
                                    </td>
                                    <td>{id}</td>
                                    <td>
                                        <a href=format!("?{}", report.permalink)>{report.label.clone()}</a>
                                    </td>
                                    <td>{summary}</td>
                                    <td>
                                        <button type="button" class="link" on:click=move |_| lab.shown.set(Some(id))>
                                            "show"
                                        </button>
                                    </td>
                                </tr>
                            }
                        })
                        .collect_view()
                }}
            </tbody>
        </table>
        {move || {
            compared()
                .map(|(left, right)| {
                    let mut modes: Vec<ReportMode> = left.modes.iter().map(|mode| mode.mode).collect();
                    for mode in &right.modes {
                        if !modes.contains(&mode.mode) {
                            modes.push(mode.mode);
                        }
                    }
                    let cell = |report: &ExperimentReport, mode: ReportMode| {
                        report
                            .modes
                            .iter()
                            .find(|candidate| candidate.mode == mode)
                            .and_then(ModeReport::summary)
                            .map_or("—".to_owned(), |summary| {
                                format!("{:.1} ms ({:.1}–{:.1})", summary.median, summary.min, summary.max)
                            })
                    };
                    view! {
                        <table class="compare" data-testid="compare">
                            <thead>
                                <tr>
                                    <th>"mode"</th>
                                    <th>{format!("#{} {}", left.id, left.label)}</th>
                                    <th>{format!("#{} {}", right.id, right.label)}</th>
                                </tr>
                            </thead>
                            <tbody>
                                {modes
                                    .iter()
                                    .map(|mode| {
                                        view! {
                                            <tr>
                                                <td>{mode.id()}</td>
                                                <td>{cell(&left, *mode)}</td>
                                                <td>{cell(&right, *mode)}</td>
                                            </tr>
                                        }
                                    })
                                    .collect_view()}
                            </tbody>
                        </table>
                    }
                })
        }}
    }
}

/// What happened in the shown experiment, and the history.
#[component]
pub fn ReportPanel() -> impl IntoView {
    let lab = expect_context::<Lab>();
    let message = RwSignal::new(String::new());
    let shown = Memo::new(move |_| {
        let id = lab.shown.get();
        lab.history.with(|history| {
            id.and_then(|id| history.iter().find(|report| report.id == id))
                .or(history.last())
                .cloned()
        })
    });
    let report_signal = Signal::derive(move || shown.get());
    let report_or_message = move |action: &dyn Fn(&ExperimentReport) -> Result<(), JsValue>| {
        if let Some(report) = shown.get_untracked() {
            let outcome = action(&report);
            message.set(match outcome {
                Ok(()) => String::new(),
                Err(error) => format!(
                    "export failed: {}",
                    error.as_string().unwrap_or_else(|| format!("{error:?}"))
                ),
            });
        }
    };
    let export_json = move |_| {
        let text = lab.history.with_untracked(|history| to_json(history));
        if let Err(error) = download("lanes-report.json", "application/json", &text) {
            message.set(format!("export failed: {error:?}"));
        }
    };
    let export_csv = move |_| {
        let text = lab.history.with_untracked(|history| to_csv(history));
        if let Err(error) = download("lanes-spans.csv", "text/csv", &text) {
            message.set(format!("export failed: {error:?}"));
        }
    };
    let export_trace = move |_| {
        report_or_message(&|report| {
            download(
                &format!("lanes-trace-{}.json", report.id),
                "application/json",
                &to_trace(report).to_string(),
            )
        })
    };
    let perfetto = move |_| {
        report_or_message(&|report| {
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
        <section class="panel report" aria-label="Report" data-testid="report">
            <h2>"What happened"</h2>
            {move || match shown.get() {
                None => view! { <p class="hint">"Run an experiment: its timeline, verdict and exports appear here."</p> }.into_any(),
                Some(report) => {
                    let sentences = verdict(&report);
                    view! {
                        <h3>{format!("#{} {}", report.id, report.label)}</h3>
                        <div class="verdict" data-testid="verdict" data-report-id=report.id.to_string()>
                            {sentences.into_iter().map(|sentence| view! { <p>{sentence}</p> }).collect_view()}
                        </div>
                        <SpeedupChart report=report/>
                    }
                        .into_any()
                }
            }}
            <Timeline report=report_signal/>
            <p class="exports">
                <button type="button" data-testid="export-json" disabled=move || shown.with(Option::is_none) on:click=export_json>
                    "Export JSON"
                </button>
                <button type="button" data-testid="export-csv" disabled=move || shown.with(Option::is_none) on:click=export_csv>
                    "Export CSV"
                </button>
                <button type="button" data-testid="export-trace" disabled=move || shown.with(Option::is_none) on:click=export_trace>
                    "Export trace"
                </button>
                <button type="button" data-testid="open-perfetto" disabled=move || shown.with(Option::is_none) on:click=perfetto>
                    "Open in Perfetto"
                </button>
                <span class="message" data-testid="export-message">{move || message.get()}</span>
            </p>
            <History/>
        </section>
    }
}
