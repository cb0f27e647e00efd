//! The typed protocol between the UI thread and the compute worker. Both sides (de)serialise these enums with
//! serde; the tag field `kind` lets the worker's JS bootstrap report a start-up failure in the same shape.

use serde::{Deserialize, Serialize};

use crate::kernels::{KernelOutput, KernelSpec, Strategy};
use crate::stream::StreamStats;

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
    /// Answer at once: measures the round trip through the protocol.
    Ping {
        /// Echoed in the [`ComputeResponse::Pong`].
        job: JobId,
    },
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
