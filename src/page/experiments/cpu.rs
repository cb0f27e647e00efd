//! The CPU experiment's run loop: every ticked mode in turn, one warm-up and R measured repeats each. Before
//! main-pool's first repeat, the page's own rayon pool is started if it is not yet (once per page, never inside
//! a measurement).

use leptos::prelude::*;

use crate::kernels::Image;
use crate::modes::Mode;
use crate::page::bridge::WorkerError;
use crate::page::main_pool::{self, MainPoolState};
use crate::page::run::Run;
use crate::page::runner::{RunError, run_mode};
use crate::report::{ExperimentKind, ExperimentReport, ModeReport, ReportMode};
use crate::settings::{self, CpuSettings};

/// Runs `settings` and records the report; `show_picture` receives the last picture a kernel drew.
pub async fn run_cpu(run: Run, settings: CpuSettings, ideal_speedup: f64, show_picture: impl Fn(Image)) {
    let spec = settings.spec;
    let lab = run.lab();
    let mut report = ExperimentReport {
        id: lab.next_report_id(),
        kind: ExperimentKind::Cpu,
        label: format!("{} n={}", spec.kernel.id(), spec.size),
        permalink: settings::to_query(&settings),
        ideal_speedup,
        notes: Vec::new(),
        modes: Vec::new(),
    };
    run.publish(&report);
    let bridge = lab.bridge.get_value();
    let total_modes = settings.modes.len();
    for mode in settings.modes {
        if run.stopped() {
            break;
        }
        let mut mode_report = ModeReport {
            mode: ReportMode::Cpu(mode),
            repeats: Vec::new(),
            result: String::new(),
            error: None,
            notes: Vec::new(),
        };
        if mode == Mode::MainPool {
            let starting = !matches!(main_pool::state(), MainPoolState::Ready(_));
            // The pool size asked for (`threads=`, the environment panel) when the page's pool first starts; rayon's
            // pool on the UI thread cannot be rebuilt, so it keeps that size for the page's lifetime.
            let threads = lab.pool_threads.get_untracked();
            if starting {
                run.status(format!(
                    "{} · main-pool mode · starting the page's own rayon pool ({threads} threads; once per page, \
                     before the measured runs)…",
                    spec.kernel.id()
                ));
            }
            // A Stop during the start ends the run; the start itself goes on, and the next main-pool run uses it.
            let Some(started) = run
                .unless_stopped(main_pool::ensure(threads, lab.environment.isolated))
                .await
            else {
                break;
            };
            match started {
                Ok(start) if starting => report.notes.push(format!(
                    "main-pool first started the page's own rayon pool: {} threads ready in {:.0} ms, before its \
                     warm-up and outside every measured repeat.",
                    start.threads,
                    start.took_ms()
                )),
                Ok(_) => {}
                Err(error) => {
                    mode_report.error = Some(RunError::from(error).to_string());
                    report.modes.push(mode_report);
                    run.publish(&report);
                    continue;
                }
            }
        }
        for repeat in 0..=settings.repeats {
            let which = if repeat == 0 {
                "warm-up".to_owned()
            } else {
                format!("run {repeat} of {}", settings.repeats)
            };
            run.status(format!("{} · {} mode · {which}…", spec.kernel.id(), mode.id()));
            // `main` mode holds the UI thread, so a Stop pressed meanwhile lands here, between runs; a Stop
            // pressed while the status is being painted is seen here too.
            let Some(measurement) = run.measure().await else {
                break;
            };
            let outcome = run_mode(mode, spec, bridge.as_deref()).await;
            let measured = measurement.close().await;
            match outcome {
                Ok(done) => {
                    let cancelled = done.output.cancelled();
                    if cancelled {
                        mode_report.notes.push(format!(
                            "stopped after {} of {} tasks (they add up to {})",
                            done.output.tasks_done, done.output.tasks_total, done.output.value
                        ));
                    } else {
                        mode_report.result = done.output.value.to_string();
                    }
                    mode_report.repeats.push(done.repeat(measured, repeat == 0));
                    if (repeat == settings.repeats || cancelled)
                        && let Some(image) = done.output.image
                    {
                        show_picture(image);
                    }
                    if cancelled {
                        break;
                    }
                }
                // Without a stop flag, Stop terminates the worker: nothing of the job is left but its wait.
                Err(RunError::Worker(WorkerError::Stopped)) => {
                    mode_report.notes.push(
                        "stopped by terminating the worker (no shared stop flag without isolation)"
                            .to_owned(),
                    );
                    mode_report
                        .repeats
                        .push(measured.into_repeat(repeat == 0, true, 0, Vec::new()));
                    break;
                }
                Err(error) => {
                    mode_report.error = Some(error.to_string());
                    break;
                }
            }
        }
        if !mode_report.repeats.is_empty() || mode_report.error.is_some() {
            report.modes.push(mode_report);
        }
        run.publish(&report);
    }
    // What a Stop left: the modes that finished every repeat.
    let done = report
        .modes
        .iter()
        .filter(|mode| !mode.cancelled() && mode.error.is_none())
        .count();
    run.note_stop(&mut report, done, total_modes, "modes");
    run.finish(report);
}
