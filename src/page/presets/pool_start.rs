//! Pool start cost (fork vs spawn): each cold run starts a fresh compute worker, instantiates the (already
//! compiled) module and starts a pool of T threads before the job; the warm runs reuse the page's pool and
//! worker. The default is the process-pool lesson's shape: four chunks of a small job, where start-up dwarfs
//! the work.

use leptos::prelude::*;

use crate::kernels::{Kernel, KernelSpec, Strategy, chunked_sum};
use crate::modes::Mode;
use crate::page::bridge::{ComputeBridge, PoolInfo};
use crate::page::run::Run;
use crate::page::runner::run_mode;
use crate::report::stats::Summary;
use crate::report::verdict::{ColdStart, pool_start_notes};
use crate::report::{ExperimentKind, ExperimentReport, Lane, ModeReport, ReportMode, Span};

/// The lesson's example: four chunks of four items (`chunked-sum` hands out one chunk per task).
pub const LESSON_SPEC: KernelSpec = KernelSpec {
    kernel: Kernel::ChunkedSum,
    size: 4 * chunked_sum::CHUNK_ITEMS,
    tasks: 2,
};

/// The warm modes measured after the cold runs, against the page's own pool and worker.
pub const WARM_MODES: [(ReportMode, Mode); 2] = [
    (ReportMode::WarmPool, Mode::Pool),
    (ReportMode::WarmWorker, Mode::Worker),
];

/// One cold run's start-up, from the ready handshake's timestamps.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Phases {
    spawn_ms: f64,
    instantiate_ms: f64,
    threads_ready_ms: f64,
    /// Measured as one interval (request → pool ready), not summed from the phases.
    total_ms: f64,
}

impl Phases {
    fn of(info: &PoolInfo) -> Phases {
        Phases {
            spawn_ms: info.spawned_ms - info.requested_ms,
            instantiate_ms: info.instantiated_ms - info.spawned_ms,
            threads_ready_ms: info.pool_ready_ms - info.instantiated_ms,
            total_ms: info.pool_ready_ms - info.requested_ms,
        }
    }
}

/// Medians over the measured cold runs; `None` when none finished (nothing to quote).
fn cold_start(phases: &[Phases]) -> Option<ColdStart> {
    let median = |pick: fn(&Phases) -> f64| {
        Summary::of(&phases.iter().map(pick).collect::<Vec<_>>()).map(|summary| summary.median)
    };
    Some(ColdStart {
        spawn_ms: median(|phases| phases.spawn_ms)?,
        instantiate_ms: median(|phases| phases.instantiate_ms)?,
        threads_ready_ms: median(|phases| phases.threads_ready_ms)?,
        total_ms: median(|phases| phases.total_ms)?,
        runs: phases.len(),
    })
}

fn empty_mode(mode: ReportMode) -> ModeReport {
    ModeReport {
        mode,
        repeats: Vec::new(),
        result: String::new(),
        error: None,
        notes: Vec::new(),
    }
}

/// What one cold job left: the pool's start-up and the job's reply.
struct ColdJob {
    info: PoolInfo,
    reply: crate::page::bridge::JobReply,
}

/// A fresh worker and pool, one job; the worker is terminated when the bridge drops at the end.
// lesson-code: start-cost — shown on the lesson's page (build.rs)
async fn cold_job(spec: KernelSpec, threads: u32) -> Result<ColdJob, String> {
    let (bridge, info) = ComputeBridge::start(threads)
        .await
        .map_err(|error| error.to_string())?;
    let reply = bridge
        .run(spec, Strategy::Parallel)
        .await
        .map_err(|error| error.to_string())?;
    Ok(ColdJob { info, reply })
}
// lesson-code-end: start-cost

fn cold_spans(job: &ColdJob, started_ms: f64, finished_ms: f64) -> Vec<Span> {
    let info = &job.info;
    let mut spans = vec![
        Span {
            lane: Lane::Main,
            name: "cold start and job".to_owned(),
            start_ms: started_ms,
            end_ms: finished_ms,
        },
        Span {
            lane: Lane::Worker,
            name: "spawn the worker".to_owned(),
            start_ms: info.requested_ms,
            end_ms: info.spawned_ms,
        },
        Span {
            lane: Lane::Worker,
            name: "instantiate the compiled module".to_owned(),
            start_ms: info.spawned_ms,
            end_ms: info.instantiated_ms,
        },
        Span {
            lane: Lane::Worker,
            name: format!("start {} pool threads", info.threads),
            start_ms: info.instantiated_ms,
            end_ms: info.pool_ready_ms,
        },
        Span {
            lane: Lane::Worker,
            name: "job".to_owned(),
            start_ms: job.reply.started_ms,
            end_ms: job.reply.finished_ms,
        },
    ];
    spans.extend(job.reply.output.spans.iter().map(|task| Span {
        lane: task.thread.map_or(Lane::Worker, Lane::Pool),
        name: format!("task {}", task.task),
        start_ms: task.start_ms,
        end_ms: task.end_ms,
    }));
    spans
}

/// Runs the preset: `repeats` cold runs after a warm-up, then each warm mode likewise. `shown_cold` receives
/// the cold start's medians when at least one measured cold run finished.
pub async fn run_pool_start(
    run: Run,
    spec: KernelSpec,
    threads: u32,
    repeats: u32,
    shown_cold: RwSignal<Option<ColdStart>>,
) {
    let lab = run.lab();
    shown_cold.set(None);
    let mut report = ExperimentReport {
        id: lab.next_report_id(),
        kind: ExperimentKind::PoolStart,
        label: format!(
            "pool start · {} n={} · {threads} threads",
            spec.kernel.id(),
            spec.size
        ),
        permalink: "preset=pool-start".to_owned(),
        ideal_speedup: f64::from(threads),
        modes: Vec::new(),
        notes: Vec::new(),
    };
    run.publish(&report);
    let bridge = lab.bridge.get_value();
    let mut cold = empty_mode(ReportMode::ColdPool);
    let mut phases = Vec::new();
    let mut chunks = None;
    for repeat in 0..=repeats {
        run.status(format!("cold pool, run {repeat} of {repeats}…"));
        let Some(measurement) = run.measure().await else {
            break;
        };
        // Stopped, the cold run's own worker and pool are dropped, which terminates them.
        let Some(outcome) = run.unless_stopped(cold_job(spec, threads)).await else {
            break;
        };
        let measured = measurement.close().await;
        match outcome {
            Ok(job) => {
                if repeat > 0 {
                    phases.push(Phases::of(&job.info));
                }
                chunks = Some(job.reply.output.tasks_total);
                cold.result = job.reply.output.value.to_string();
                let spans = cold_spans(&job, measured.started_ms, measured.finished_ms);
                cold.repeats.push(measured.into_repeat(
                    repeat == 0,
                    false,
                    job.reply.output.threads_used(),
                    spans,
                ));
            }
            Err(error) => {
                cold.error = Some(error);
                break;
            }
        }
        report.modes.retain(|mode| mode.mode != ReportMode::ColdPool);
        report.modes.insert(0, cold.clone());
        run.publish(&report);
    }
    report.modes.retain(|mode| mode.mode != ReportMode::ColdPool);
    report.modes.insert(0, cold);
    for (name, mode) in WARM_MODES {
        if run.stopped() {
            break;
        }
        let mut warm = empty_mode(name);
        for repeat in 0..=repeats {
            run.status(format!("{}, run {repeat} of {repeats}…", name.label()));
            let Some(measurement) = run.measure().await else {
                break;
            };
            let Some(outcome) = run.unless_stopped(run_mode(mode, spec, bridge.as_deref())).await else {
                break;
            };
            let measured = measurement.close().await;
            match outcome {
                Ok(done) => {
                    chunks = chunks.or(Some(done.output.tasks_total));
                    warm.result = done.output.value.to_string();
                    warm.repeats.push(done.repeat(measured, repeat == 0));
                }
                Err(error) => {
                    warm.error = Some(error.to_string());
                    break;
                }
            }
        }
        report.modes.push(warm);
        run.publish(&report);
    }
    let cold_start = cold_start(&phases);
    shown_cold.set(cold_start);
    let chunks = chunks.map_or(u64::from(spec.tasks), u64::from);
    report.notes = pool_start_notes(&report, cold_start.as_ref(), threads, chunks);
    let done = report.modes.iter().map(|mode| mode.repeats.len()).sum();
    let total = (1 + WARM_MODES.len()) * (repeats as usize + 1);
    run.note_stop(&mut report, done, total, "runs");
    run.finish(report);
}
