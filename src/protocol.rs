//! The typed protocol between the UI thread and the compute worker. Both sides (de)serialise these enums with
//! serde; the tag field `kind` lets the worker's JS bootstrap report a start-up failure in the same shape.

use serde::{Deserialize, Serialize};

use crate::kernels::{KernelOutput, KernelSpec, Strategy};
use crate::stream::StreamStats;

/// The property of the ready handshake that carries the page's view of the shared words.
pub const SHARED_KEY: &str = "shared";
/// Index of the stop word in the shared view: jobs with an id up to its value are stopped.
pub const STOP_WORD: u32 = 0;
/// Index of the heartbeat word in the shared view: bumped at every stop-flag check.
pub const HEARTBEAT_WORD: u32 = 1;

/// Converts a protocol value to JS the way both sides expect: 64-bit numbers as `BigInt`, so a wrapping `u64`
/// sum never loses bits.
///
/// # Errors
/// When serde cannot represent the value in JS.
#[cfg(target_arch = "wasm32")]
pub fn to_js<T: Serialize>(value: &T) -> Result<wasm_bindgen::JsValue, serde_wasm_bindgen::Error> {
    value.serialize(&serde_wasm_bindgen::Serializer::new().serialize_large_number_types_as_bigints(true))
}

/// A job identifier, unique per bridge, that matches a response to its request.
pub type JobId = u32;

/// What the UI asks of the compute worker.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind")]
pub enum ComputeRequest {
    /// Run one kernel job.
    Run {
        /// Echoed in the response.
        job: JobId,
        /// The kernel and its size.
        spec: KernelSpec,
        /// Sequential in the worker, or on the pool.
        strategy: Strategy,
    },
    /// Process the next batch of a streamed body (the bridge attaches the bytes as a transferred
    /// `Uint8Array`, so no structured clone copies them).
    StreamBatch {
        /// Echoed in the [`ComputeResponse::StreamProgress`].
        job: JobId,
        /// Which stream the batch belongs to.
        stream: u32,
        /// Whether this batch starts the stream (resets its state).
        first: bool,
        /// The batch.
        #[serde(with = "serde_bytes")]
        bytes: Vec<u8>,
    },
    /// Fail on purpose (`?debug=1` only), to show how the page detects and recovers from a broken worker.
    Fault {
        /// The job the fault pretends to be.
        job: JobId,
        /// How to fail.
        fault: Fault,
    },
    /// Answer at once: measures the round trip through the protocol.
    Ping {
        /// Echoed in the [`ComputeResponse::Pong`].
        job: JobId,
    },
}

/// The ways the compute worker can be told to break.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Fault {
    /// Execute wasm's `unreachable`: the instance traps and the worker reports an uncaught error.
    Trap,
    /// Spin forever without checking the stop flag: only the watchdog notices.
    Hang,
    /// Close the worker silently: no error event, no reply; only the watchdog notices.
    Exit,
}

impl Fault {
    /// Every fault, in the order the debug panel lists them.
    pub const ALL: [Fault; 3] = [Fault::Trap, Fault::Hang, Fault::Exit];

    /// The stable id used in `data-testid="debug-<id>"`.
    pub fn id(self) -> &'static str {
        match self {
            Fault::Trap => "trap",
            Fault::Hang => "hang",
            Fault::Exit => "exit",
        }
    }
}

/// What the compute worker answers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind")]
pub enum ComputeResponse {
    /// The handshake: the worker's wasm instance and its pool are up. Sent once, before anything else.
    Ready {
        /// Threads in the rayon pool.
        threads: u32,
        /// When the worker's script started, on the shared clock.
        spawned_ms: f64,
        /// When its wasm instance was ready.
        instantiated_ms: f64,
        /// When every pool thread was ready.
        pool_ready_ms: f64,
    },
    /// Start-up failed; the worker answers nothing after this.
    InitFailed {
        /// What went wrong, for the environment panel.
        reason: String,
    },
    /// A job finished.
    Done {
        /// The request's job id.
        job: JobId,
        /// When the worker began the job, on the shared clock.
        started_ms: f64,
        /// When it finished.
        finished_ms: f64,
        /// The kernel's output.
        output: KernelOutput,
    },
    /// The answer to a [`ComputeRequest::Ping`].
    Pong {
        /// The ping's job id.
        job: JobId,
    },
    /// A stream batch was processed; the stats cover the stream so far.
    StreamProgress {
        /// The batch's job id.
        job: JobId,
        /// Everything processed so far.
        stats: StreamStats,
        /// The worker's wasm memory size after the batch, in bytes.
        memory_bytes: f64,
    },
    /// A job was refused.
    Failed {
        /// The request's job id.
        job: JobId,
        /// Why.
        error: String,
    },
}
