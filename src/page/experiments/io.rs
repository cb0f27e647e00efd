//! The I/O lab's run loop: the same N requests awaited in turn, all at once, k at a time, or raced — real
//! browser fetches, each mode measured through the run.

use leptos::prelude::*;

use crate::io::connections::RequestTiming;
use crate::io::{FetchError, IoMode, IoSummary, RequestRecord, schedule, summarize};
use crate::page::fetch::{fetch_timed, make_room_for_timings, resolve};
use crate::page::measure::Measured;
use crate::page::run::Run;
use crate::report::{ExperimentKind, ExperimentReport, FreezeReading, Lane, ModeReport, ReportMode, Span};
use crate::settings::{self, IoSettings};
use crate::timing::now_ms;

/// A validated I/O experiment.
#[derive(Clone, Debug, PartialEq)]
pub struct IoPlan {
    /// The URLs, used round-robin.
    pub targets: Vec<String>,
    /// Requests per mode.
    pub count: usize,
    /// In-flight limit of `bounded`.
    pub limit: usize,
    /// Per-request limit.
    pub timeout_ms: u32,
    /// The modes, in run order.
    pub modes: Vec<IoMode>,
}

impl IoPlan {
    /// Request `index` uses target `index mod len`; lab requests carry their index so the endpoint's seeded
    /// jitter and failures are reproducible per request.
    pub fn target_for(&self, index: usize) -> String {
        let target = &self.targets[index % self.targets.len()];
        if is_lab(target) {
            let separator = if target.contains('?') { '&' } else { '?' };
            format!("{target}{separator}i={index}")
        } else {
            target.clone()
        }
    }
}

/// Whether `target` is the built-in latency endpoint.
pub fn is_lab(target: &str) -> bool {
    let path = target.trim().trim_start_matches("./");
    path.starts_with("/lab/delay") || path.starts_with("lab/delay")
}

/// Records a request's row: in flight from `start` until `finish`; dropped unfinished (Stop, a lost race), it is
/// marked aborted.
struct RowTracker {
    records: RwSignal<Vec<RequestRecord>>,
    mode: IoMode,
    index: usize,
    finished: bool,
}

impl RowTracker {
    fn start(records: RwSignal<Vec<RequestRecord>>, mode: IoMode, index: usize, target: &str) -> RowTracker {
        let origin = resolve(target)
            .ok()
            .and_then(|url| web_sys::Url::new(&url).ok())
            .map(|url| url.origin())
            .unwrap_or_default();
        records.update(|records| {
            records.push(RequestRecord {
                mode,
                index,
                target: target.to_owned(),
                origin,
                lab: is_lab(target),
                start_ms: now_ms(),
                headers_ms: None,
                end_ms: None,
                status: None,
                bytes: 0,
                error: None,
                protocol: None,
                queued_ms: None,
            });
        });
        RowTracker {
            records,
            mode,
            index,
            finished: false,
        }
    }

    fn update(&self, change: impl FnOnce(&mut RequestRecord)) {
        self.records.update(|records| {
            if let Some(record) = records
                .iter_mut()
                .find(|record| record.mode == self.mode && record.index == self.index)
            {
                change(record);
            }
        });
    }

    fn finish(mut self, outcome: &Result<crate::page::fetch::Fetched, FetchError>) {
        self.finished = true;
        let end_ms = now_ms();
        self.update(|record| match outcome {
            Ok(fetched) => {
                record.headers_ms = Some(fetched.headers_ms);
                record.end_ms = Some(fetched.end_ms);
                record.status = Some(fetched.status);
                record.bytes = fetched.bytes;
                record.protocol = fetched.timing.as_ref().and_then(|timing| timing.protocol());
                record.queued_ms = fetched.timing.as_ref().and_then(|timing| timing.queued_ms());
            }
            Err(error) => {
                record.end_ms = Some(end_ms);
                if let FetchError::Http(status) = error {
                    record.status = Some(*status);
                    record.headers_ms = Some(end_ms);
                }
                record.error = Some(error.clone());
            }
        });
    }
}

impl Drop for RowTracker {
    fn drop(&mut self) {
        if !self.finished {
            let end_ms = now_ms();
            self.update(|record| {
                record.end_ms = Some(end_ms);
                record.error = Some(FetchError::Aborted);
            });
        }
    }
}

/// Every mode of `plan` in turn, each measured; the request rows fill `records` live. `None` when stopped.
async fn run_modes(
    run: &Run,
    plan: &IoPlan,
    records: RwSignal<Vec<RequestRecord>>,
    live: RwSignal<Vec<(IoSummary, FreezeReading)>>,
) -> Option<Vec<(IoSummary, Measured)>> {
    let mut summaries = Vec::new();
    for &mode in &plan.modes {
        run.status(format!("{} requests · {}…", plan.count, mode.id()));
        make_room_for_timings(plan.count);
        let measurement = run.measure().await?;
        let start_ms = measurement.started_ms();
        let plan_ref = plan;
        schedule(mode, plan.count, plan.limit, |index| async move {
            let target = plan_ref.target_for(index);
            let tracker = RowTracker::start(records, mode, index, &target);
            let outcome = fetch_timed(&target, plan_ref.timeout_ms).await;
            tracker.finish(&outcome);
            outcome
        })
        .await;
        let measured = measurement.close().await;
        let summary =
            records.with_untracked(|records| summarize(mode, start_ms, measured.finished_ms, records));
        live.update(|live| live.push((summary.clone(), measured.freeze)));
        summaries.push((summary, measured));
    }
    Some(summaries)
}

/// Runs `plan` and records the report. Stop drops the run at its next poll, which drops every request future
/// (each aborts its fetch) and marks unfinished rows aborted; a stopped I/O run records nothing.
/// `records` and `live` fill as requests and modes finish, for the lab's own tables.
pub async fn run_io(
    run: Run,
    plan: IoPlan,
    records: RwSignal<Vec<RequestRecord>>,
    live: RwSignal<Vec<(IoSummary, FreezeReading)>>,
) {
    records.set(Vec::new());
    live.set(Vec::new());
    let Some(Some(summaries)) = run.unless_stopped(run_modes(&run, &plan, records, live)).await else {
        return;
    };
    let report =
        records.with_untracked(|records| to_report(run.lab().next_report_id(), &plan, records, &summaries));
    run.finish(report);
}

/// The run as a report for the timeline, verdict, history and exports: one lane per request.
fn to_report(
    id: u32,
    plan: &IoPlan,
    records: &[RequestRecord],
    summaries: &[(IoSummary, Measured)],
) -> ExperimentReport {
    let modes = summaries
        .iter()
        .map(|(summary, measured)| ModeReport {
            mode: ReportMode::Io(summary.mode),
            repeats: vec![
                measured
                    .into_repeat(
                        false,
                        false,
                        u32::try_from(summary.max_in_flight).unwrap_or(u32::MAX),
                        records
                            .iter()
                            .filter(|record| record.mode == summary.mode)
                            .map(|record| Span {
                                lane: Lane::Request(u32::try_from(record.index).unwrap_or(u32::MAX)),
                                name: format!(
                                    "GET {} → {}",
                                    record.target,
                                    match (&record.error, record.status) {
                                        (Some(error), _) => error.to_string(),
                                        (None, Some(status)) => status.to_string(),
                                        (None, None) => "pending".to_owned(),
                                    }
                                ),
                                start_ms: record.start_ms,
                                end_ms: record.end_ms.unwrap_or(record.start_ms),
                            })
                            .collect(),
                    )
                    .with_requests(
                        records
                            .iter()
                            .filter(|record| record.mode == summary.mode)
                            .map(RequestTiming::from)
                            .collect(),
                    ),
            ],
            result: format!("{} ok / {} failed", summary.succeeded, summary.failed),
            error: None,
            notes: summary.notes.clone(),
        })
        .collect();
    ExperimentReport {
        id,
        kind: ExperimentKind::Io,
        label: format!("I/O N={} k={} {}", plan.count, plan.limit, plan.targets.join(" ")),
        permalink: settings::io_to_query(&IoSettings {
            targets: plan.targets.clone(),
            count: plan.count as u32,
            limit: plan.limit as u32,
            timeout_ms: plan.timeout_ms,
            modes: plan.modes.clone(),
            autorun: false,
        }),
        ideal_speedup: plan.count as f64,
        notes: Vec::new(),
        modes,
    }
}
