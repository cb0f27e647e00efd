//! The compute worker: a dedicated Web Worker with its own wasm instance that owns the rayon pool.
//! [`bridge`] runs on the UI thread; [`host`] runs inside the worker. They speak [`crate::protocol`] only.

pub mod bridge;
pub mod host;
