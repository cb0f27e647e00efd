//! The compute worker: a dedicated Web Worker with its own wasm instance that owns the rayon pool. Only
//! [`host`] lives here; the page talks to it through [`crate::page::bridge`], and both speak
//! [`crate::protocol`] only.

pub mod host;
