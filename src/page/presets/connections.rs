//! The connections preset's run loop (UI thread): at each N of [`COUNTS`], N requests started together at an
//! HTTP/1.1 delay endpoint and then at the built-in endpoint, each step measured, every request's protocol and
//! wait for a connection read from Resource Timing. Before the first step one request checks that the HTTP/1.1
//! endpoint answers; when it does not, that half is "not measured" and the built-in half still runs.

use futures::future::join_all;
use leptos::prelude::*;

use crate::charts::connections::ConnectionPoint;
use crate::io::connections::RequestTiming;
use crate::io::{FetchError, max_in_flight};
use crate::page::fetch::{Fetched, fetch_timed, make_room_for_timings, resolve};
use crate::page::measure::Measured;
use crate::page::run::Run;
use crate::report::stats::Summary;
use crate::report::verdict::connections_notes;
use crate::report::{ConnectionTarget, ExperimentKind, ExperimentReport, Lane, ModeReport, ReportMode, Span};
use crate::settings::connections::{COUNTS, built_in_request, connections_to_query, endpoint_request};
use crate::timing::now_ms;

/// What one run of the preset asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan {
    /// The HTTP/1.1 delay endpoint (checked by [`crate::settings::connections::check_endpoint`]).
    pub endpoint: String,
    /// How long every request is held by the server.
    pub delay_ms: u32,
}

impl Plan {
    /// Request `index` of `requests` at `target`.
    fn url(&self, target: ConnectionTarget, requests: u32, index: u32) -> String {
        match target {
            ConnectionTarget::Http1 => endpoint_request(&self.endpoint, self.delay_ms, requests, index),
            ConnectionTarget::BuiltIn => built_in_request(self.delay_ms, index),
        }
    }

    /// A limit no request of the run should reach even if every one of them waited for the one before.
    fn timeout_ms(&self, requests: u32) -> u32 {
        self.delay_ms
            .saturating_mul(requests.saturating_add(1))
            .saturating_add(10_000)
    }
}

/// One request: when it started and ended, and how it went.
struct Outcome {
    url: String,
    start_ms: f64,
    end_ms: f64,
    result: Result<Fetched, FetchError>,
}

/// `requests` requests started together at `target`; dropped (Stop), every fetch is aborted.
async fn together(plan: &Plan, target: ConnectionTarget, requests: u32) -> Vec<Outcome> {
    let timeout_ms = plan.timeout_ms(requests);
    join_all((0..requests).map(|index| {
        let url = plan.url(target, requests, index);
        async move {
            let start_ms = now_ms();
            let result = fetch_timed(&url, timeout_ms).await;
            Outcome {
                url,
                start_ms,
                end_ms: now_ms(),
                result,
            }
        }
    }))
    .await
}

fn origin_of(url: &str) -> String {
    resolve(url)
        .ok()
        .and_then(|url| web_sys::Url::new(&url).ok())
        .map(|url| url.origin())
        .unwrap_or_default()
}

/// The row of one step: a span and a request record per request, and what the requests showed.
fn step_row(
    target: ConnectionTarget,
    requests: u32,
    outcomes: &[Outcome],
    measured: Measured,
) -> (ModeReport, ConnectionPoint) {
    let lab = target == ConnectionTarget::BuiltIn;
    let spans = outcomes
        .iter()
        .zip(0..)
        .map(|(outcome, index)| Span {
            lane: Lane::Request(index),
            name: format!(
                "GET {} → {}",
                outcome.url,
                match &outcome.result {
                    Ok(fetched) => fetched.status.to_string(),
                    Err(error) => error.to_string(),
                }
            ),
            start_ms: outcome.start_ms,
            end_ms: outcome.end_ms,
        })
        .collect();
    let timings: Vec<RequestTiming> = outcomes
        .iter()
        .zip(0..)
        .map(|(outcome, index)| {
            let timing = outcome
                .result
                .as_ref()
                .ok()
                .and_then(|fetched| fetched.timing.as_ref());
            RequestTiming {
                index,
                origin: origin_of(&outcome.url),
                lab,
                start_ms: outcome.start_ms,
                end_ms: Some(outcome.end_ms),
                protocol: timing.and_then(|timing| timing.protocol()),
                queued_ms: timing.and_then(|timing| timing.queued_ms()),
            }
        })
        .collect();
    let in_flight = max_in_flight(
        &outcomes
            .iter()
            .map(|outcome| (outcome.start_ms, outcome.end_ms))
            .collect::<Vec<_>>(),
    );
    let failures: Vec<&FetchError> = outcomes
        .iter()
        .filter_map(|outcome| outcome.result.as_ref().err())
        .collect();
    let waits: Vec<f64> = timings.iter().filter_map(|timing| timing.queued_ms).collect();
    let wait_summary = Summary::of(&waits);
    let waits_text = match wait_summary {
        Some(summary) => format!(
            "waits for a connection{}: median {:.0} ms, longest {:.0} ms",
            if waits.len() == timings.len() {
                String::new()
            } else {
                format!(" ({} of {} measured)", waits.len(), timings.len())
            },
            summary.median,
            summary.max
        ),
        None => "waits for a connection not measured".to_owned(),
    };
    let ok = outcomes.len() - failures.len();
    let point = ConnectionPoint {
        target,
        requests,
        wall_ms: measured.wall_ms(),
        median_wait_ms: wait_summary.map(|waits| waits.median),
    };
    let error = (ok == 0).then(|| match failures.first() {
        Some(first) => format!("all {requests} requests failed: {first}"),
        None => "no request was made".to_owned(),
    });
    let result = match failures.first() {
        None => format!("{ok} ok · {waits_text}"),
        Some(first) => format!("{ok} ok / {} failed ({first}) · {waits_text}", failures.len()),
    };
    let repeat = measured
        .into_repeat(false, false, u32::try_from(in_flight).unwrap_or(u32::MAX), spans)
        .with_requests(timings);
    let row = ModeReport {
        mode: ReportMode::Connections(target, requests),
        repeats: if error.is_some() { Vec::new() } else { vec![repeat] },
        result,
        error,
        notes: Vec::new(),
    };
    (row, point)
}

/// Checks that the HTTP/1.1 endpoint answers, with one request held for 0 ms; the reason when it does not.
async fn check_endpoint_answers(plan: &Plan) -> Result<(), String> {
    let url = endpoint_request(&plan.endpoint, 0, 0, 0);
    match fetch_timed(&url, 5_000).await {
        Ok(_) => Ok(()),
        Err(error) => Err(format!(
            "Not measured: no HTTP/1.1 endpoint at {} ({error}), so only the built-in endpoint ran. `bash \
             .ci/serve.sh` starts one at http://127.0.0.1:8081/delay beside the page, and `node \
             tests/loopback-server.mjs` starts one on its own.",
            plan.endpoint
        )),
    }
}

/// Runs the preset over `plan` and records the report; `chart` follows the points as they are measured and
/// `missing` says why the HTTP/1.1 half was not measured, when it was not.
pub async fn run_connections(
    run: Run,
    plan: Plan,
    chart: RwSignal<Vec<ConnectionPoint>>,
    missing: RwSignal<Option<String>>,
) {
    let lab = run.lab();
    chart.set(Vec::new());
    missing.set(None);
    let mut report = ExperimentReport {
        id: lab.next_report_id(),
        kind: ExperimentKind::Connections,
        label: format!("connections · {} ms · {}", plan.delay_ms, plan.endpoint),
        permalink: connections_to_query(&plan.endpoint, plan.delay_ms),
        ideal_speedup: 1.0,
        modes: Vec::new(),
        notes: Vec::new(),
    };
    run.publish(&report);
    run.status(format!("checking the HTTP/1.1 endpoint {}…", plan.endpoint));
    make_room_for_timings(1);
    let Some(answers) = run.unless_stopped(check_endpoint_answers(&plan)).await else {
        run.note_stop(&mut report, 0, 2 * COUNTS.len(), "runs");
        run.finish(report);
        return;
    };
    let targets: Vec<ConnectionTarget> = match answers {
        Ok(()) => ConnectionTarget::ALL.to_vec(),
        Err(reason) => {
            missing.set(Some(reason));
            vec![ConnectionTarget::BuiltIn]
        }
    };
    let steps: Vec<(u32, ConnectionTarget)> = COUNTS
        .iter()
        .flat_map(|&requests| targets.iter().map(move |&target| (requests, target)))
        .collect();
    let mut done = 0;
    for &(requests, target) in &steps {
        run.status(format!("N = {requests} · {}…", target.label()));
        make_room_for_timings(requests as usize);
        let Some(measurement) = run.measure().await else {
            break;
        };
        let Some(outcomes) = run.unless_stopped(together(&plan, target, requests)).await else {
            break;
        };
        let measured = measurement.close().await;
        let (row, point) = step_row(target, requests, &outcomes, measured);
        if row.error.is_none() {
            chart.update(|chart| chart.push(point));
        }
        report.modes.push(row);
        done += 1;
        run.publish(&report);
    }
    report.notes = connections_notes(&report);
    if let Some(reason) = missing.get_untracked() {
        report.notes.insert(0, reason);
    }
    run.note_stop(&mut report, done, steps.len(), "runs");
    run.finish(report);
}
