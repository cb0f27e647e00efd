//! How one kernel runs in each [`Mode`], as seen from the UI thread: `main` calls the kernel right here (and
//! freezes the page, which is the point), `worker` and `pool` go through the compute worker.

use crate::kernels::{self, KernelOutput, KernelSpec, Strategy};
use crate::modes::Mode;
use crate::page::bridge::{ComputeBridge, WorkerError};
use crate::page::measure::Measured;
use crate::report::{Lane, Repeat, Span};
use crate::timing::now_ms;

/// What one mode's job produced; its wall time and freeze reading come from the [`Measured`] around it.
#[derive(Clone, Debug, PartialEq)]
pub struct ModeRun {
    /// Where it ran.
    pub mode: Mode,
    /// When the compute worker began and finished the job (worker and pool modes).
    pub worker_window: Option<(f64, f64)>,
    /// What the kernel produced.
    pub output: KernelOutput,
}

impl ModeRun {
    /// The measured repeat this run makes: its spans, its threads, and whether a Stop cut it short.
    pub fn repeat(&self, measured: Measured, warmup: bool) -> Repeat {
        measured.into_repeat(
            warmup,
            self.output.cancelled(),
            self.output.threads_used(),
            self.spans(&measured),
        )
    }

    /// The run's spans: one per task on the lane of the thread that ran it, plus, for worker and pool modes,
    /// the UI thread's wait (the measured step) and the compute worker's job, which together show the hand-off.
    pub fn spans(&self, measured: &Measured) -> Vec<Span> {
        let task_lane = |thread: Option<u32>| match (thread, self.mode) {
            (Some(index), _) => Lane::Pool(index),
            (None, Mode::Main) => Lane::Main,
            (None, _) => Lane::Worker,
        };
        let mut spans: Vec<Span> = self
            .output
            .spans
            .iter()
            .map(|task| Span {
                lane: task_lane(task.thread),
                name: format!("task {}", task.task),
                start_ms: task.start_ms,
                end_ms: task.end_ms,
            })
            .collect();
        if let Some((job_start, job_end)) = self.worker_window {
            spans.push(Span {
                lane: Lane::Main,
                name: "waiting for the compute worker (the UI stays free)".to_owned(),
                start_ms: measured.started_ms,
                end_ms: measured.finished_ms,
            });
            if self.mode == Mode::Pool {
                spans.push(Span {
                    lane: Lane::Worker,
                    name: "job: handed to the pool, waiting for it".to_owned(),
                    start_ms: job_start,
                    end_ms: job_end,
                });
            }
        }
        spans
    }
}

/// Why a mode could not run.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum RunError {
    /// The spec is outside the kernel's limits.
    #[error(transparent)]
    Kernel(#[from] kernels::KernelError),
    /// The compute worker failed.
    #[error(transparent)]
    Worker(#[from] WorkerError),
    /// The mode needs the compute worker, which is not running.
    #[error("the compute worker is not running")]
    NoWorker,
}

/// Runs `spec` in `mode`.
///
/// # Errors
/// [`RunError`] when the spec is refused or the compute worker is missing or fails.
pub async fn run_mode(
    mode: Mode,
    spec: KernelSpec,
    bridge: Option<&ComputeBridge>,
) -> Result<ModeRun, RunError> {
    let (output, worker_window) = match mode {
        // The one place the UI thread runs a kernel: the freeze is what this mode shows.
        Mode::Main => (kernels::run(&spec, Strategy::Sequential, &now_ms)?, None),
        Mode::Worker | Mode::Pool => {
            let bridge = bridge.ok_or(RunError::NoWorker)?;
            let reply = bridge.run(spec, mode.strategy()).await?;
            (reply.output, Some((reply.started_ms, reply.finished_ms)))
        }
    };
    Ok(ModeRun {
        mode,
        worker_window,
        output,
    })
}
