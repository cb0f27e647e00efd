//! The presets' run loops (UI thread): each takes a [`crate::page::run::Run`], measures every step through it,
//! publishes the report as it grows and finishes the run with it. Their views are in
//! `components/presets/`.

pub mod connections;
pub mod handoff;
pub mod pipeline;
pub mod pool_start;
pub mod stream;
pub mod sweep;
