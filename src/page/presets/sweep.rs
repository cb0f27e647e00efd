//! The scaling sweep's run loop: one kernel on fresh pools of 1, 2, … hardwareConcurrency threads and beyond
//! (oversubscription), each a warm-up and R measured repeats.

use leptos::prelude::*;

use crate::kernels::{KernelSpec, Strategy};
use crate::page::bridge::ComputeBridge;
use crate::page::run::Run;
use crate::report::stats::amdahl_serial_fraction;
use crate::report::verdict::sweep_notes;
use crate::report::{ExperimentKind, ExperimentReport, Lane, ModeReport, ReportMode, Span};

/// The thread counts swept: 1..=cores, then cores + 1 and 2 × cores.
pub fn thread_counts(cores: u32) -> Vec<u32> {
    let mut counts: Vec<u32> = (1..=cores.max(1)).collect();
    counts.extend([cores + 1, 2 * cores]);
    crate::order::sort(&mut counts);
    counts.dedup();
    counts
}

/// What the sweep's chart draws: each point's median, and the Amdahl fit where the data allow one.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SweepChartData {
    /// `(threads, median ms)` of every measured point.
    pub points: Vec<(u32, f64)>,
    /// The fitted serial fraction (`None`: too few points at or below the core count).
    pub serial: Option<f64>,
}

/// One thread count: a fresh pool, a warm-up and `repeats` measured runs. The pool is dropped (its workers
/// terminated) at the end, or when Stop drops this future.
async fn sweep_point(run: &Run, spec: KernelSpec, threads: u32, repeats: u32) -> Result<ModeReport, String> {
    let (bridge, _) = ComputeBridge::start(threads)
        .await
        .map_err(|error| error.to_string())?;
    let mut mode = ModeReport {
        mode: ReportMode::Threads(threads),
        repeats: Vec::new(),
        result: String::new(),
        error: None,
        notes: Vec::new(),
    };
    for repeat in 0..=repeats {
        let Some(measurement) = run.measure().await else {
            break;
        };
        let reply = bridge.run(spec, Strategy::Parallel).await;
        let measured = measurement.close().await;
        let reply = reply.map_err(|error| error.to_string())?;
        let mut spans = vec![Span {
            lane: Lane::Worker,
            name: "job".to_owned(),
            start_ms: reply.started_ms,
            end_ms: reply.finished_ms,
        }];
        spans.extend(reply.output.spans.iter().map(|task| Span {
            lane: task.thread.map_or(Lane::Worker, Lane::Pool),
            name: format!("task {}", task.task),
            start_ms: task.start_ms,
            end_ms: task.end_ms,
        }));
        let cancelled = reply.output.cancelled();
        if !cancelled {
            mode.result = reply.output.value.to_string();
        }
        mode.repeats
            .push(measured.into_repeat(repeat == 0, cancelled, reply.output.threads_used(), spans));
        if cancelled {
            break;
        }
    }
    Ok(mode)
}

/// Runs the sweep; `chart` follows the points as they are measured; `failure` says which point failed.
pub async fn run_sweep(
    run: Run,
    spec: KernelSpec,
    repeats: u32,
    cores: u32,
    chart: RwSignal<SweepChartData>,
    failure: RwSignal<Option<String>>,
) {
    let lab = run.lab();
    chart.set(SweepChartData::default());
    failure.set(None);
    let mut report = ExperimentReport {
        id: lab.next_report_id(),
        kind: ExperimentKind::Sweep,
        label: format!("sweep · {} n={}", spec.kernel.id(), spec.size),
        permalink: "preset=sweep".to_owned(),
        ideal_speedup: f64::from(cores),
        modes: Vec::new(),
        notes: Vec::new(),
    };
    run.publish(&report);
    let counts = thread_counts(cores);
    for &threads in &counts {
        run.status(format!(
            "{threads} threads: a fresh pool, a warm-up and {repeats} runs…"
        ));
        // Stopped, the point's own pool is dropped, which terminates its workers.
        let Some(point) = run
            .unless_stopped(sweep_point(&run, spec, threads, repeats))
            .await
        else {
            break;
        };
        match point {
            Ok(mode) => {
                if let Some(summary) = mode.summary() {
                    chart.update(|chart| chart.points.push((threads, summary.median)));
                }
                report.modes.push(mode);
                run.publish(&report);
            }
            Err(error) => {
                failure.set(Some(format!("{threads} threads: {error}")));
                break;
            }
        }
        if run.stopped() {
            break;
        }
    }
    chart.update(|chart| chart.serial = amdahl_serial_fraction(&chart.points, cores));
    report.notes = sweep_notes(&report, cores);
    let done = report.modes.len();
    run.note_stop(&mut report, done, counts.len(), "thread counts");
    run.finish(report);
}
