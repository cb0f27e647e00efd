//! The timeline: one lane per thread and per request, modes stacked on their own time origin. Geometry comes
//! from [`crate::charts::layout_timeline`] (and a request's wait for a connection, drawn over the first part of
//! its span, from [`place_waits`]); this component only draws it and handles hover and drag-to-zoom.

use leptos::prelude::*;

use crate::charts::connections::{Wait, place_waits};
use crate::charts::{Group, LANE_HEIGHT, layout_timeline};
use crate::report::{ExperimentReport, Lane};

const WIDTH: f64 = 960.0;
const LABEL_WIDTH: f64 = 150.0;

fn groups(report: &ExperimentReport) -> Vec<Group> {
    report
        .modes
        .iter()
        .filter_map(|mode| {
            let repeat = mode.shown_repeat()?;
            Some(Group {
                label: format!("{} · {:.1} ms", mode.mode.label(), repeat.wall_ms()),
                origin_ms: repeat.started_ms,
                spans: repeat.spans.clone(),
            })
        })
        .collect()
}

/// The measured waits for a connection of the requests the timeline draws, each in its mode's group, and the
/// groups' origins (the same groups as [`groups`]).
fn waits(report: &ExperimentReport) -> (Vec<f64>, Vec<Wait>) {
    let shown: Vec<_> = report
        .modes
        .iter()
        .filter_map(|mode| mode.shown_repeat())
        .collect();
    let waits = shown
        .iter()
        .enumerate()
        .flat_map(|(group, repeat)| {
            repeat.requests.iter().filter_map(move |request| {
                Some(Wait {
                    group,
                    lane: Lane::Request(request.index),
                    start_ms: request.start_ms,
                    queued_ms: request.queued_ms?,
                })
            })
        })
        .collect();
    (shown.iter().map(|repeat| repeat.started_ms).collect(), waits)
}

fn lane_class(lane: Lane) -> &'static str {
    match lane {
        Lane::Main => "lane-main",
        Lane::Worker => "lane-worker",
        Lane::Pool(_) => "lane-pool",
        Lane::MainPool(_) => "lane-main-pool",
        Lane::Request(_) => "lane-request",
    }
}

/// Draws the shown repeat of every mode of `report`.
#[component]
pub fn Timeline(
    /// The experiment to draw.
    report: Signal<Option<ExperimentReport>>,
) -> impl IntoView {
    let zoom = RwSignal::new(None::<(f64, f64)>);
    let drag_from = RwSignal::new(None::<f64>);
    let layout = Memo::new(move |_| {
        report.with(|report| {
            report
                .as_ref()
                .map(|report| layout_timeline(&groups(report), zoom.get(), WIDTH, LABEL_WIDTH))
        })
    });
    let placed_waits = Memo::new(move |_| {
        let Some(layout) = layout.get() else {
            return Vec::new();
        };
        report.with(|report| {
            report.as_ref().map_or_else(Vec::new, |report| {
                let (origins, waits) = waits(report);
                place_waits(&layout, &origins, &waits)
            })
        })
    });
    // The SVG scales with the page: pointer offsets are converted to viewBox units.
    let to_view_x = |event: &web_sys::PointerEvent| {
        let width = event
            .current_target()
            .and_then(|target| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(target).ok())
            .map_or(WIDTH, |element| element.get_bounding_client_rect().width());
        f64::from(event.offset_x()) * WIDTH / width.max(1.0)
    };
    let on_down = move |event: web_sys::PointerEvent| drag_from.set(Some(to_view_x(&event)));
    let on_up = move |event: web_sys::PointerEvent| {
        let (Some(from), Some(layout)) = (drag_from.get_untracked(), layout.get_untracked()) else {
            return;
        };
        drag_from.set(None);
        let to = to_view_x(&event);
        if (to - from).abs() > 6.0 {
            let (left, right) = (from.min(to).max(LABEL_WIDTH), from.max(to));
            zoom.set(Some((layout.scale.invert(left), layout.scale.invert(right))));
        }
    };

    move || {
        layout.get().map(|layout| {
            let height = layout.height;
            view! {
                <div class="timeline-wrap">
                    <p class="hint">
                        "Hover a span for its name, start and duration. Drag across the chart to zoom; "
                        <button type="button" class="link" data-testid="timeline-reset" on:click=move |_| zoom.set(None)>
                            "reset zoom"
                        </button>
                        {format!(" (showing {:.1}–{:.1} ms)", layout.window.0, layout.window.1)}
                    </p>
                    <svg
                        data-testid="timeline"
                        class="timeline"
                        viewBox=format!("0 0 {WIDTH} {height}")
                        role="img"
                        aria-label="Timeline of every lane"
                        on:pointerdown=on_down
                        on:pointerup=on_up
                        on:dblclick=move |_| zoom.set(None)
                    >
                        {layout
                            .ticks
                            .iter()
                            .map(|(x, label)| {
                                view! {
                                    <line class="tick" x1=*x x2=*x y1="16" y2=height></line>
                                    <text class="tick-label" x=*x y="12">{label.clone()}</text>
                                }
                            })
                            .collect_view()}
                        {layout
                            .headings
                            .iter()
                            .map(|(label, y)| view! { <text class="group-label" x="4" y=*y>{label.clone()}</text> })
                            .collect_view()}
                        {layout
                            .rows
                            .iter()
                            .enumerate()
                            .map(|(row_index, row)| {
                                let lane_id = row.lane.id();
                                let spans = layout
                                    .spans
                                    .iter()
                                    .filter(|placed| placed.row == row_index)
                                    .map(|placed| {
                                        let tooltip = format!(
                                            "{} — {}: starts at {:.2} ms, lasts {:.2} ms",
                                            row.lane.name(),
                                            placed.name,
                                            placed.start_ms,
                                            placed.duration_ms,
                                        );
                                        view! {
                                            <rect
                                                data-testid="span"
                                                data-lane=lane_id.clone()
                                                data-start-ms=format!("{:.3}", placed.start_ms)
                                                data-dur-ms=format!("{:.3}", placed.duration_ms)
                                                class=format!("span {}", lane_class(row.lane))
                                                x=format!("{:.2}", placed.x)
                                                y=row.y + 2.0
                                                width=format!("{:.2}", placed.width)
                                                height=LANE_HEIGHT - 4.0
                                            >
                                                <title>{tooltip}</title>
                                            </rect>
                                        }
                                    })
                                    .collect_view();
                                let waits = placed_waits
                                    .get()
                                    .into_iter()
                                    .filter(|wait| wait.row == row_index)
                                    .map(|wait| {
                                        let tooltip = format!(
                                            "{} — waiting for a connection: starts at {:.2} ms, lasts {:.2} ms",
                                            row.lane.name(),
                                            wait.start_ms,
                                            wait.duration_ms,
                                        );
                                        view! {
                                            <rect
                                                data-testid="wait"
                                                data-lane=lane_id.clone()
                                                data-start-ms=format!("{:.3}", wait.start_ms)
                                                data-dur-ms=format!("{:.3}", wait.duration_ms)
                                                class="wait"
                                                x=format!("{:.2}", wait.x)
                                                y=row.y + 2.0
                                                width=format!("{:.2}", wait.width)
                                                height=LANE_HEIGHT - 4.0
                                            >
                                                <title>{tooltip}</title>
                                            </rect>
                                        }
                                    })
                                    .collect_view();
                                view! {
                                    <g data-testid="lane" data-lane=lane_id.clone()>
                                        <rect class="lane-bg" x=LABEL_WIDTH y=row.y width=WIDTH - LABEL_WIDTH height=LANE_HEIGHT></rect>
                                        <text class="lane-label" x="14" y=row.y + LANE_HEIGHT - 4.0>{row.lane.name()}</text>
                                        {spans}
                                        {waits}
                                    </g>
                                }
                            })
                            .collect_view()}
                    </svg>
                </div>
            }
        })
    }
}
