//! UI components (UI thread). They draw state; the work happens in [`crate::page::runner`] and the worker.

pub mod cpu_experiment;
pub mod debug_panel;
pub mod env_panel;
pub mod findings;
pub mod io_experiment;
pub(crate) mod kernel_inputs;
pub mod lessons;
pub mod nav;
pub mod presets;
pub mod report_panel;
pub mod results_table;
pub mod timeline;
