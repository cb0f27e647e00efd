//! How one kernel runs in each [`Mode`], as seen from the UI thread: `main` calls the kernel right here (and
//! freezes the page, which is the point), `main-pool` calls it here too but on the page's own rayon pool (and
//! still freezes the page: that is its point), `worker` and `pool` go through the compute worker.

use crate::kernels::{self, KernelOutput, KernelSpec, Strategy};
use crate::modes::Mode;
use crate::page::bridge::{ComputeBridge, WorkerError};
use crate::page::main_pool::{self, MainPoolError};
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
    /// When the UI thread entered and left the kernel that it handed to the page's pool (main-pool mode): the
    /// time it waited, spinning, for the pool.
    pub ui_window: Option<(f64, f64)>,
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
    /// the UI thread's wait (the measured step) and the compute worker's job, which together show the hand-off,
    /// and for main-pool the UI thread held in the kernel while the page's pool ran the tasks.
    pub fn spans(&self, measured: &Measured) -> Vec<Span> {
        let task_lane = |thread: Option<u32>| match (thread, self.mode) {
            (Some(index), Mode::MainPool) => Lane::MainPool(index),
            (Some(index), _) => Lane::Pool(index),
            (None, Mode::Main | Mode::MainPool) => Lane::Main,
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
        if let Some((entered, left)) = self.ui_window {
            spans.push(Span {
                lane: Lane::Main,
                name:
                    "par_iter on the UI thread: spinning until the page's pool is done (the page is frozen)"
                        .to_owned(),
                start_ms: entered,
                end_ms: left,
            });
        }
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
    /// main-pool mode: the page's own pool is unavailable (single-threaded build) or not started.
    #[error(transparent)]
    MainPool(#[from] MainPoolError),
}

/// Runs `spec` in `mode`. For main-pool the page's pool must already be started
/// ([`main_pool::ensure`], before the measurement opens, so that no repeat includes the start).
///
/// # Errors
/// [`RunError`] when the spec is refused, the compute worker is missing or fails, or the page's pool is not
/// ready.
pub async fn run_mode(
    mode: Mode,
    spec: KernelSpec,
    bridge: Option<&ComputeBridge>,
) -> Result<ModeRun, RunError> {
    let (output, worker_window, ui_window) = match mode {
        // The one place the UI thread runs a kernel itself: the freeze is what this mode shows.
        Mode::Main => (kernels::run(&spec, Strategy::Sequential, &now_ms)?, None, None),
        // The one place the UI thread calls rayon: parallel, on the page's pool, and the UI thread waits for it
        // (spinning: rayon's `web_spin_lock`), so the page freezes all the same — what this mode shows.
        Mode::MainPool => {
            main_pool::ready()?;
            let entered = now_ms();
            let output = kernels::run(&spec, Strategy::Parallel, &now_ms)?;
            (output, None, Some((entered, now_ms())))
        }
        Mode::Worker | Mode::Pool => {
            let bridge = bridge.ok_or(RunError::NoWorker)?;
            let reply = bridge.run(spec, mode.strategy()).await?;
            (reply.output, Some((reply.started_ms, reply.finished_ms)), None)
        }
    };
    Ok(ModeRun {
        mode,
        worker_window,
        ui_window,
        output,
    })
}
