//! The connections preset's view: the HTTP/1.1 endpoint and the delay (from `origin=` and `ms=` when the URL
//! opened this preset), the chart of wall time against N for both targets and a row per (target, N). The run
//! loop is [`crate::page::presets::connections`].

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::charts::connections::{ConnectionPoint, layout_connections};
use crate::page::components::presets::PresetShell;
use crate::page::context::Lab;
use crate::page::presets::connections::{Plan, run_connections};
use crate::report::ConnectionTarget;
use crate::settings::connections::{DELAY_RANGE_MS, check_endpoint, connections_from_query};
use crate::settings::{self, Preset};

/// Wall time against N, one line per target; the geometry is [`layout_connections`].
#[component]
fn ConnectionsChart(points: Vec<ConnectionPoint>) -> impl IntoView {
    let layout = layout_connections(&points, 600.0, 260.0);
    let (width, height) = (layout.width, layout.height);
    let (left, right) = layout.plot_x;
    let (bottom, top) = layout.plot_y;
    view! {
        <svg class="connections" viewBox=format!("0 0 {width} {height}") role="img" aria-label="Wall time against N requests">
            {layout
                .times
                .into_iter()
                .map(|(y, label)| {
                    view! {
                        <line class="grid" x1=left x2=right y1=y y2=y></line>
                        <text class="axis" x=left - 6.0 y=y + 4.0 text-anchor="end">{label}</text>
                    }
                })
                .collect_view()}
            {layout
                .counts
                .into_iter()
                .map(|(x, count)| {
                    view! {
                        <line class="grid" x1=x x2=x y1=top y2=bottom></line>
                        <text class="axis" x=x y=height - 10.0 text-anchor="middle">{format!("N = {count}")}</text>
                    }
                })
                .collect_view()}
            <text class="axis" x=left y="10">"ms"</text>
            {layout
                .lines
                .into_iter()
                .map(|(target, line)| view! { <polyline class=format!("target {}", target.id()) points=line></polyline> })
                .collect_view()}
            {points
                .iter()
                .zip(layout.points)
                .map(|(point, (cx, cy))| {
                    view! {
                        <circle
                            data-testid="connections-point"
                            data-target=point.target.id()
                            data-requests=point.requests.to_string()
                            data-wall-ms=format!("{:.3}", point.wall_ms)
                            class=format!("target {}", point.target.id())
                            cx=cx
                            cy=cy
                            r="4"
                        >
                            <title>{format!("{}, N = {}: {:.0} ms", point.target.label(), point.requests, point.wall_ms)}</title>
                        </circle>
                    }
                })
                .collect_view()}
        </svg>
        <p class="legend">
            <span class="key http1">"HTTP/1.1 origin"</span>
            <span class="key builtin">"built-in endpoint (service worker, no connection)"</span>
        </p>
    }
}

/// One row per (target, N): wall time and the median wait for a connection.
#[component]
fn ConnectionsTable(points: Vec<ConnectionPoint>) -> impl IntoView {
    view! {
        <table class="results" data-testid="connections-table">
            <thead>
                <tr>
                    <th>"target"</th>
                    <th>"N"</th>
                    <th>"wall time"</th>
                    <th title="waiting for a free connection before being sent (Resource Timing)">"median wait"</th>
                </tr>
            </thead>
            <tbody>
                {points
                    .into_iter()
                    .map(|point| {
                        view! {
                            <tr
                                data-testid="connections-row"
                                data-target=point.target.id()
                                data-requests=point.requests.to_string()
                                data-wall-ms=format!("{:.3}", point.wall_ms)
                                data-median-wait-ms=point.median_wait_ms.map(|wait| format!("{wait:.3}"))
                            >
                                <td>{point.target.label()}</td>
                                <td>{point.requests}</td>
                                <td>{format!("{:.0} ms", point.wall_ms)}</td>
                                <td>
                                    {point
                                        .median_wait_ms
                                        .map_or("not measured".to_owned(), |wait| format!("{wait:.0} ms"))}
                                </td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
}

/// A text field whose text is checked by `check`; yields the checked value or the reason it is refused.
fn checked_field<T: Clone + PartialEq + Send + Sync + 'static>(
    test_id: &'static str,
    label: &'static str,
    class: &'static str,
    initial: String,
    check: impl Fn(&str) -> Result<T, String> + Send + Sync + 'static,
) -> (impl IntoView, Memo<Result<T, String>>) {
    let text = RwSignal::new(initial);
    let value = Memo::new(move |_| check(&text.get()));
    let view = view! {
        <label class=class>
            {label}
            <input
                data-testid=test_id
                type="text"
                prop:value=move || text.get()
                on:input=move |event| text.set(event_target_value(&event))
            />
        </label>
    };
    (view, value)
}

/// The connections preset.
#[component]
pub fn ConnectionsPreset(
    /// Run as soon as the latency endpoint is ready.
    autorun: bool,
) -> impl IntoView {
    let lab = expect_context::<Lab>();
    let search = web_sys::window()
        .and_then(|window| window.location().search().ok())
        .unwrap_or_default();
    let initial = connections_from_query(&search);
    let (endpoint_view, endpoint) = checked_field(
        "preset-origin",
        "HTTP/1.1 endpoint ",
        "endpoint",
        initial.endpoint,
        check_endpoint,
    );
    let (delay_view, delay) = checked_field(
        "preset-delay",
        "Delay per request (ms) ",
        "",
        initial.delay,
        |text| {
            settings::parse_bounded(text, u64::from(DELAY_RANGE_MS.0), u64::from(DELAY_RANGE_MS.1))
                .map(|delay| delay as u32)
                .map_err(|error| format!("delay: {error}"))
        },
    );
    let chart = RwSignal::new(Vec::<ConnectionPoint>::new());
    let missing = RwSignal::new(None::<String>);
    let problem = move || -> Option<String> {
        endpoint
            .get()
            .err()
            .or_else(|| delay.get().err())
            .or_else(|| lab.lab_endpoint.get().problem("built-in endpoint"))
    };
    let start = move |run| {
        let (Ok(endpoint), Ok(delay_ms)) = (endpoint.get_untracked(), delay.get_untracked()) else {
            return;
        };
        spawn_local(run_connections(run, Plan { endpoint, delay_ms }, chart, missing));
    };
    let extra = move || {
        let points = chart.get();
        // In run order (N, then target), so the table reads N by N.
        let mut rows = points.clone();
        crate::order::sort_by_key(&mut rows, |point| {
            (
                point.requests,
                ConnectionTarget::ALL
                    .iter()
                    .position(|target| *target == point.target),
            )
        });
        view! {
            {move || {
                missing
                    .get()
                    .map(|reason| view! { <p class="message error" data-testid="connections-missing">{reason}</p> })
            }}
            {(!points.is_empty()).then(|| view! { <ConnectionsChart points=points/> <ConnectionsTable points=rows/> })}
        }
    };
    PresetShell {
        preset: Preset::Connections,
        hint: "N = 3, 6, 12 and 24 requests started together, each held for the delay: at a real HTTP/1.1 origin the \
               browser opens a few connections (six in Chromium) and the rest wait for one — Resource Timing shows \
               each request's wait. The built-in endpoint is a service worker: no network, no connection, no limit. \
               Python's asyncio lesson has no such limit unless its HTTP client sets one (httpx and aiohttp do).",
        fields: view! { {endpoint_view} {delay_view} },
        extra,
    }
    .view(autorun, problem, start)
}
