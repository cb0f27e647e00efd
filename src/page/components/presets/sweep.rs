//! The scaling sweep: one kernel on pools of 1, 2, … hardwareConcurrency threads and beyond (oversubscription),
//! with the ideal line and an Amdahl fit whose serial fraction is estimated from the data.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::charts::{LinearScale, nice_ticks};
use crate::kernels::{Kernel, KernelSpec, Strategy};
use crate::page::app::{Lab, after_next_paint};
use crate::page::bridge::ComputeBridge;
use crate::page::components::presets::{PresetStop, autorun_once, kernel_fields, number_field, run_controls};
use crate::page::components::results_table::ResultsTable;
use crate::page::freeze;
use crate::report::stats::{amdahl_serial_fraction, amdahl_time};
use crate::report::verdict::sweep_notes;
use crate::report::{ExperimentKind, ExperimentReport, Lane, ModeReport, Repeat, ReportMode, Span};
use crate::timing::now_ms;

/// The thread counts swept: 1..=cores, then cores + 1 and 2 × cores.
pub fn thread_counts(cores: u32) -> Vec<u32> {
    let mut counts: Vec<u32> = (1..=cores.max(1)).collect();
    counts.extend([cores + 1, 2 * cores]);
    counts.sort_unstable();
    counts.dedup();
    counts
}

async fn sweep_point(spec: KernelSpec, threads: u32, repeats: u32) -> Result<ModeReport, String> {
    let (bridge, _) = ComputeBridge::start(threads)
        .await
        .map_err(|error| error.to_string())?;
    let mut mode = ModeReport {
        mode: ReportMode::Threads(threads),
        repeats: Vec::new(),
        result: String::new(),
        threads_used: 0,
        error: None,
        notes: Vec::new(),
    };
    for repeat in 0..=repeats {
        after_next_paint().await;
        freeze::begin();
        let started_ms = now_ms();
        let reply = bridge
            .run(spec, Strategy::Parallel)
            .await
            .map_err(|error| error.to_string())?;
        let finished_ms = now_ms();
        after_next_paint().await;
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
        mode.result = reply.output.value.to_string();
        mode.threads_used = mode.threads_used.max(reply.output.threads_used());
        mode.repeats.push(Repeat {
            warmup: repeat == 0,
            cancelled: false,
            started_ms,
            finished_ms,
            spans,
            freeze: freeze::end(),
        });
    }
    Ok(mode)
}

/// The sweep chart: measured medians, the ideal `T1/n` and the fitted Amdahl curve.
#[component]
fn SweepChart(points: Vec<(u32, f64)>, cores: u32, serial: Option<f64>) -> impl IntoView {
    let (width, height, left, bottom) = (600.0, 260.0, 56.0, 30.0);
    let max_threads = points.iter().map(|(threads, _)| *threads).max().unwrap_or(1);
    let one = points
        .iter()
        .find(|(threads, _)| *threads == 1)
        .map(|(_, ms)| *ms);
    let top_ms = points
        .iter()
        .map(|(_, ms)| *ms)
        .fold(one.unwrap_or(1.0), f64::max)
        * 1.1;
    let x = LinearScale {
        domain: (1.0, f64::from(max_threads).max(2.0)),
        range: (left, width - 12.0),
    };
    let y = LinearScale {
        domain: (0.0, top_ms),
        range: (height - bottom, 10.0),
    };
    let curve = |time: &dyn Fn(u32) -> f64| {
        (1..=max_threads)
            .map(|threads| format!("{:.1},{:.1}", x.map(f64::from(threads)), y.map(time(threads))))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let ideal = one.map(|one| curve(&|threads| one / f64::from(threads.min(cores))));
    let amdahl = one
        .zip(serial)
        .map(|(one, serial)| curve(&|threads| amdahl_time(one, serial, threads.min(cores))));
    view! {
        <svg class="sweep" viewBox=format!("0 0 {width} {height}") role="img" aria-label="Time against threads">
            {nice_ticks(0.0, top_ms, 5)
                .into_iter()
                .map(|tick| {
                    view! {
                        <line class="grid" x1=left x2=width - 12.0 y1=y.map(tick) y2=y.map(tick)></line>
                        <text class="axis" x=left - 6.0 y=y.map(tick) + 4.0 text-anchor="end">{format!("{tick:.0}")}</text>
                    }
                })
                .collect_view()}
            {(1..=max_threads)
                .map(|threads| {
                    view! {
                        <text class="axis" x=x.map(f64::from(threads)) y=height - 10.0 text-anchor="middle">{threads}</text>
                    }
                })
                .collect_view()}
            <text class="axis" x=left y="10">"ms"</text>
            <line class="cores" x1=x.map(f64::from(cores)) x2=x.map(f64::from(cores)) y1="10" y2=height - bottom></line>
            {ideal.map(|points| view! { <polyline class="ideal" points=points></polyline> })}
            {amdahl.map(|points| view! { <polyline class="amdahl" points=points></polyline> })}
            {points
                .iter()
                .map(|(threads, ms)| {
                    view! {
                        <circle
                            data-testid="sweep-point"
                            data-threads=threads.to_string()
                            data-ms=format!("{ms:.3}")
                            cx=x.map(f64::from(*threads))
                            cy=y.map(*ms)
                            r="5"
                        >
                            <title>{format!("{threads} threads: {ms:.1} ms")}</title>
                        </circle>
                    }
                })
                .collect_view()}
        </svg>
        <p class="legend">
            <span class="key ideal">"ideal T₁/n (up to the cores)"</span>
            <span class="key amdahl">"Amdahl fit"</span>
            <span class="key cores">{format!("{cores} cores")}</span>
        </p>
    }
}

/// The scaling sweep preset.
#[component]
pub fn SweepPreset(
    /// Run at once.
    autorun: bool,
) -> impl IntoView {
    let lab = expect_context::<Lab>();
    let cores = lab.environment.hardware_concurrency;
    let (kernel_view, spec) = kernel_fields(KernelSpec {
        kernel: Kernel::Primes,
        size: 50_000_000,
        tasks: 2,
    });
    let (repeats_view, repeats) = number_field("preset-repeats", "Repeats ", 3, (1, 20));
    let running = RwSignal::new(false);
    let stop = PresetStop::new();
    let status = RwSignal::new(String::new());
    let points = RwSignal::new(Vec::<(u32, f64)>::new());
    let serial = RwSignal::new(None::<f64>);
    let failure = RwSignal::new(None::<String>);
    let current = RwSignal::new(None::<ExperimentReport>);
    let problem = move || {
        spec.get()
            .err()
            .or_else(|| repeats.get().err())
            .or_else(|| lab.pool.get().pool_problem())
    };

    let run = move || {
        let (Ok(spec), Ok(repeats), false) = (
            spec.get_untracked(),
            repeats.get_untracked(),
            running.get_untracked(),
        ) else {
            return;
        };
        running.set(true);
        stop.arm();
        points.set(Vec::new());
        serial.set(None);
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
        spawn_local(async move {
            let counts = thread_counts(cores);
            for &threads in &counts {
                status.set(format!(
                    "{threads} threads: a fresh pool, a warm-up and {repeats} runs…"
                ));
                // Stopped, the point's own pool is dropped, which terminates its workers.
                let Some(point) = stop.unless_stopped(sweep_point(spec, threads, repeats)).await else {
                    freeze::end();
                    break;
                };
                match point {
                    Ok(mode) => {
                        if let Some(summary) = mode.summary() {
                            points.update(|points| points.push((threads, summary.median)));
                        }
                        report.modes.push(mode);
                        current.set(Some(report.clone()));
                    }
                    Err(error) => {
                        failure.set(Some(format!("{threads} threads: {error}")));
                        break;
                    }
                }
            }
            let measured = points.get_untracked();
            let fitted = amdahl_serial_fraction(&measured, cores);
            serial.set(fitted);
            report.notes = sweep_notes(&measured, cores, fitted);
            let done = report.modes.len();
            stop.mark(&mut report, done, counts.len(), "thread counts");
            current.set(Some(report.clone()));
            lab.record(report);
            status.set(String::new());
            running.set(false);
        });
    };
    autorun_once(autorun, move || problem().is_none(), run);

    view! {
        <div class="preset" data-testid="preset-panel" data-preset="sweep">
            <h3>"Scaling sweep"</h3>
            <p class="hint">
                {format!(
                    "The same job on pools of {} threads: each point is a fresh pool, a warm-up and the median of the repeats. Past {cores} threads the pool is oversubscribed.",
                    thread_counts(cores).iter().map(u32::to_string).collect::<Vec<_>>().join(", "),
                )}
            </p>
            <form class="controls" on:submit=move |event| {
                event.prevent_default();
                run();
            }>
                {kernel_view}
                {repeats_view}
                {run_controls(running, stop, move || problem().is_some())}
                <p class="message" data-testid="preset-message">
                    {move || failure.get().or_else(|| running.get().then(|| status.get())).or_else(problem).unwrap_or_default()}
                </p>
            </form>
            {move || {
                serial
                    .get()
                    .map(|value| {
                        view! {
                            <p data-testid="amdahl-serial-fraction" data-value=format!("{value:.4}")>
                                {format!("Amdahl serial fraction: {:.1}%", 100.0 * value)}
                            </p>
                        }
                    })
            }}
            {move || {
                let measured = points.get();
                (!measured.is_empty()).then(|| view! { <SweepChart points=measured cores=cores serial=serial.get()/> })
            }}
            <ResultsTable report=current.into()/>
        </div>
    }
}
