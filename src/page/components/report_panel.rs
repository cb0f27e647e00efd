//! The history of this tab, global to every tab: each run with its medians, a link that reproduces it, "show"
//! (its tab, with its findings), a side-by-side comparison of two picked runs, and the JSON and CSV exports of
//! the whole history.

use leptos::prelude::*;

use crate::page::components::findings::download;
use crate::page::context::Lab;
use crate::report::export::{to_csv, to_json};
use crate::report::{ExperimentReport, ModeReport, ReportMode};

fn medians(report: &ExperimentReport) -> Vec<(String, Option<f64>)> {
    report
        .modes
        .iter()
        .map(|mode| (mode.mode.label(), mode.summary().map(|summary| summary.median)))
        .collect()
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
        <h2>"History of this tab"</h2>
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
                                            aria-label=format!("compare run #{id}")
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
                                        <button type="button" class="link" on:click=move |_| lab.show(id)>
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
                                                <td>{mode.label()}</td>
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

/// The history and its exports.
#[component]
pub fn ReportPanel() -> impl IntoView {
    let lab = expect_context::<Lab>();
    let message = RwSignal::new(String::new());
    let empty = move || lab.history.with(Vec::is_empty);
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
    view! {
        <section class="panel report" aria-label="History" data-testid="report">
            <History/>
            <p class="exports">
                <button type="button" data-testid="export-json" disabled=empty on:click=export_json>
                    "Export JSON"
                </button>
                <button type="button" data-testid="export-csv" disabled=empty on:click=export_csv>
                    "Export CSV"
                </button>
                <span class="message" data-testid="history-message">{move || message.get()}</span>
            </p>
        </section>
    }
}
