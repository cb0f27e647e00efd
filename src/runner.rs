//! How one kernel runs in each [`Mode`], as seen from the UI thread: `main` calls the kernel right here (and
//! freezes the page, which is the point), `worker` and `pool` go through the compute worker.

use crate::kernels::{self, KernelOutput, KernelSpec, Strategy};
use crate::modes::Mode;
use crate::timing::now_ms;
use crate::worker::bridge::{ComputeBridge, WorkerError};

/// One mode's measured run.
#[derive(Clone, Debug, PartialEq)]
pub struct ModeRun {
    /// Where it ran.
    pub mode: Mode,
    /// When the UI started it, on the shared clock.
    pub started_ms: f64,
    /// When the UI had the answer.
    pub finished_ms: f64,
    /// What the kernel produced.
    pub output: KernelOutput,
}

impl ModeRun {
    /// Wall time as the user experiences it: from the request to the answer, hand-off included.
    pub fn wall_ms(&self) -> f64 {
        self.finished_ms - self.started_ms
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
    let started_ms = now_ms();
    let output = match mode {
        // The one place the UI thread runs a kernel: the freeze is what this mode shows.
        Mode::Main => kernels::run(&spec, Strategy::Sequential, &now_ms)?,
        Mode::Worker | Mode::Pool => {
            let bridge = bridge.ok_or(RunError::NoWorker)?;
            bridge.run(spec, mode.strategy()).await?.output
        }
    };
    Ok(ModeRun {
        mode,
        started_ms,
        finished_ms: now_ms(),
        output,
    })
}
