//! Pool start cost (fork vs spawn): each cold run starts a fresh compute worker, instantiates the module and
//! starts a pool of T threads before the job; the warm runs reuse the page's pool, and one thread is the
//! baseline. The default is the lesson's 4-chunk example at its original size, where parallel loses.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::kernels::{Kernel, KernelSpec, Strategy};
use crate::modes::Mode;
use crate::page::app::{Lab, after_next_paint};
use crate::page::bridge::ComputeBridge;
use crate::page::components::presets::{PresetStop, autorun_once, kernel_fields, number_field, run_controls};
use crate::page::components::results_table::ResultsTable;
use crate::page::freeze;
use crate::page::runner::run_mode;
use crate::report::stats::Summary;
use crate::report::verdict::pool_start_notes;
use crate::report::{ExperimentKind, ExperimentReport, Lane, ModeReport, Repeat, ReportMode, Span};
use crate::timing::now_ms;

/// The lesson's example: four chunks, one item each — about a millisecond of work.
const LESSON_SPEC: KernelSpec = KernelSpec {
    kernel: Kernel::ChunkedSum,
    size: 4,
    tasks: 2,
};

fn empty_mode(mode: ReportMode) -> ModeReport {
    ModeReport {
        mode,
        repeats: Vec::new(),
        result: String::new(),
        threads_used: 0,
        error: None,
        notes: Vec::new(),
    }
}

/// The warm modes measured after the cold runs, against the page's own pool and worker.
const WARM_MODES: [(ReportMode, Mode); 2] = [
    (ReportMode::WarmPool, Mode::Pool),
    (ReportMode::WarmWorker, Mode::Worker),
];

/// One cold run: a fresh worker and pool, one job, then the worker is terminated. Returns the repeat and its
/// start-up phases `(spawn, instantiate, threads ready)`.
async fn cold_run(
    spec: KernelSpec,
    threads: u32,
    warmup: bool,
) -> Result<(Repeat, (f64, f64, f64), String, u32), String> {
    freeze::begin();
    let started_ms = now_ms();
    let (bridge, info) = ComputeBridge::start(threads)
        .await
        .map_err(|error| error.to_string())?;
    let reply = bridge
        .run(spec, Strategy::Parallel)
        .await
        .map_err(|error| error.to_string())?;
    let finished_ms = now_ms();
    drop(bridge);
    after_next_paint().await;
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
            name: "compile and instantiate wasm".to_owned(),
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
            start_ms: reply.started_ms,
            end_ms: reply.finished_ms,
        },
    ];
    spans.extend(reply.output.spans.iter().map(|task| Span {
        lane: task.thread.map_or(Lane::Worker, Lane::Pool),
        name: format!("task {}", task.task),
        start_ms: task.start_ms,
        end_ms: task.end_ms,
    }));
    let phases = (
        info.spawned_ms - info.requested_ms,
        info.instantiated_ms - info.spawned_ms,
        info.pool_ready_ms - info.instantiated_ms,
    );
    let repeat = Repeat {
        warmup,
        cancelled: false,
        started_ms,
        finished_ms,
        spans,
        freeze: freeze::end(),
    };
    Ok((
        repeat,
        phases,
        reply.output.value.to_string(),
        reply.output.threads_used(),
    ))
}

/// The pool-start preset.
#[component]
pub fn PoolStartPreset(
    /// Run as soon as the page's pool is ready.
    autorun: bool,
) -> impl IntoView {
    let lab = expect_context::<Lab>();
    let (kernel_view, spec) = kernel_fields(LESSON_SPEC);
    let cores = lab.environment.hardware_concurrency;
    let (threads_view, threads) = number_field("preset-threads", "Pool threads ", cores, (1, 64));
    let (repeats_view, repeats) = number_field("preset-repeats", "Repeats ", 3, (1, 20));
    let running = RwSignal::new(false);
    let stop = PresetStop::new();
    let status = RwSignal::new(String::new());
    let current = RwSignal::new(None::<ExperimentReport>);
    let cold_start = RwSignal::new(None::<(f64, f64, f64)>);
    let problem = move || -> Option<String> {
        spec.get()
            .err()
            .or_else(|| threads.get().err())
            .or_else(|| repeats.get().err())
            .or_else(|| lab.pool.get().pool_problem())
    };

    let run = move || {
        let (Ok(spec), Ok(threads), Ok(repeats), false) = (
            spec.get_untracked(),
            threads.get_untracked(),
            repeats.get_untracked(),
            running.get_untracked(),
        ) else {
            return;
        };
        running.set(true);
        stop.arm();
        cold_start.set(None);
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
        spawn_local(async move {
            let bridge = lab.bridge.get_value();
            let mut cold = empty_mode(ReportMode::ColdPool);
            let mut phases = Vec::new();
            for repeat in 0..=repeats {
                status.set(format!("cold pool, run {repeat} of {repeats}…"));
                after_next_paint().await;
                // Stopped, the cold run's own worker and pool are dropped, which terminates them.
                let Some(outcome) = stop.unless_stopped(cold_run(spec, threads, repeat == 0)).await else {
                    freeze::end();
                    break;
                };
                match outcome {
                    Ok((run, phase, result, used)) => {
                        if repeat > 0 {
                            phases.push(phase);
                        }
                        cold.repeats.push(run);
                        cold.result = result;
                        cold.threads_used = cold.threads_used.max(used);
                    }
                    Err(error) => {
                        cold.error = Some(error);
                        break;
                    }
                }
            }
            report.modes.push(cold);
            for (name, mode) in WARM_MODES {
                if stop.requested() {
                    break;
                }
                let mut warm = empty_mode(name);
                for repeat in 0..=repeats {
                    status.set(format!("{name}, run {repeat} of {repeats}…"));
                    after_next_paint().await;
                    freeze::begin();
                    let Some(outcome) = stop.unless_stopped(run_mode(mode, spec, bridge.as_deref())).await
                    else {
                        freeze::end();
                        break;
                    };
                    after_next_paint().await;
                    let freeze = freeze::end();
                    match outcome {
                        Ok(run) => {
                            warm.result = run.output.value.to_string();
                            warm.threads_used = warm.threads_used.max(run.output.threads_used());
                            warm.repeats.push(Repeat {
                                warmup: repeat == 0,
                                cancelled: false,
                                started_ms: run.started_ms,
                                finished_ms: run.finished_ms,
                                spans: run.spans(),
                                freeze,
                            });
                        }
                        Err(error) => {
                            warm.error = Some(error.to_string());
                            break;
                        }
                    }
                }
                report.modes.push(warm);
            }
            let median = |pick: fn(&(f64, f64, f64)) -> f64| {
                Summary::of(&phases.iter().map(pick).collect::<Vec<_>>())
                    .map_or(0.0, |summary| summary.median)
            };
            let phase_medians = (median(|p| p.0), median(|p| p.1), median(|p| p.2));
            if !phases.is_empty() {
                cold_start.set(Some(phase_medians));
            }
            let medians: Vec<(String, f64)> = report
                .modes
                .iter()
                .filter_map(|mode| mode.summary().map(|summary| (mode.mode.id(), summary.median)))
                .collect();
            let medians: Vec<(&str, f64)> = medians.iter().map(|(mode, ms)| (mode.as_str(), *ms)).collect();
            report.notes = pool_start_notes(phase_medians, threads, &medians);
            let done = report.modes.iter().map(|mode| mode.repeats.len()).sum();
            let total = (1 + WARM_MODES.len()) * (repeats as usize + 1);
            stop.mark(&mut report, done, total, "runs");
            current.set(Some(report.clone()));
            lab.record(report);
            status.set(String::new());
            running.set(false);
        });
    };
    autorun_once(autorun, move || problem().is_none(), run);

    view! {
        <div class="preset" data-testid="preset-panel" data-preset="pool-start">
            <h3>"Pool start cost: cold vs warm"</h3>
            <p class="hint">
                "Python's spawn start method pays for a new interpreter per worker; here a cold run pays for a new "
                "Web Worker, compiling and instantiating the wasm module and starting T threads — every time. The "
                "default is the lesson's 4-chunk example, where that cost dwarfs the work."
            </p>
            <form class="controls" on:submit=move |event| {
                event.prevent_default();
                run();
            }>
                {kernel_view}
                {threads_view}
                {repeats_view}
                {run_controls(running, stop, move || problem().is_some())}
                <p class="message" data-testid="preset-message">
                    {move || if running.get() { status.get() } else { problem().unwrap_or_default() }}
                </p>
            </form>
            {move || {
                cold_start
                    .get()
                    .map(|(spawn, instantiate, threads_ready)| {
                        view! {
                            <p
                                class="cold-start"
                                data-testid="cold-start"
                                data-spawn-ms=format!("{spawn:.3}")
                                data-instantiate-ms=format!("{instantiate:.3}")
                                data-threads-ready-ms=format!("{threads_ready:.3}")
                            >
                                {format!(
                                    "Cold start, medians: worker spawn {spawn:.1} ms · compile and instantiate {instantiate:.1} ms · threads ready {threads_ready:.1} ms",
                                )}
                            </p>
                        }
                    })
            }}
            <ResultsTable report=current.into()/>
        </div>
    }
}
