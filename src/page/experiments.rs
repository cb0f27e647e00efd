//! The run loops of the CPU experiment and the I/O lab (UI thread): each takes a [`crate::page::run::Run`],
//! measures every step through it and finishes it with a report. The views in `components/` only start them
//! and draw what they publish.

pub mod cpu;
pub mod io;
