//! Everything that runs on the page's UI thread: the app and its context, the compute worker's bridge, HTTP,
//! the freeze meter and the measurement guard, the experiments' and presets' run loops, and the views.
//! Nothing here runs in the compute worker or a pool thread (see [`crate::worker`]) — except the tasks a
//! `main-pool` run hands to the page's own pool ([`main_pool`]), which is that mode's point.

pub mod app;
pub mod bench;
pub mod bridge;
pub mod calibrate;
pub mod components;
pub mod context;
pub mod experiments;
pub mod fetch;
pub mod lab;
pub mod main_pool;
pub mod measure;
pub mod presets;
pub mod run;
pub mod runner;
