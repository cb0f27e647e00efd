//! Lanes: a WebAssembly playground for seeing the difference between I/O concurrency and CPU parallelism.
//!
//! The same wasm module runs in three kinds of instance: the page (UI thread), the compute worker, and every
//! rayon pool thread the compute worker starts. [`start`] runs in each and mounts the UI only where a window
//! exists. Pure logic (kernels, modes, protocol, settings) builds natively for `cargo test`; the rest is
//! browser-only.

pub mod capability;
pub mod charts;
pub mod heap;
pub mod io;
pub mod kernels;
pub mod lessons;
pub mod modes;
pub mod pipeline;
pub mod protocol;
pub mod report;
pub mod settings;
pub mod stream;
pub mod stream_registry;

#[cfg(target_arch = "wasm32")]
pub mod page;
#[cfg(target_arch = "wasm32")]
pub mod timing;
#[cfg(target_arch = "wasm32")]
pub mod worker;

/// Exported to JS as `initThreadPool`: the compute worker's bootstrap awaits it to start the rayon pool. Only the
/// threaded build has it; the single-threaded build (pages without cross-origin isolation) has no pool.
#[cfg(all(target_arch = "wasm32", target_feature = "atomics"))]
pub use wasm_bindgen_rayon::init_thread_pool;

/// Whether this build can run a rayon pool: built with atomics and shared memory.
pub const THREADED: bool = cfg!(target_feature = "atomics");

/// Runs when any instance of the module starts; mounts the UI only on the page.
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen(start)]
pub fn start() {
    // The compute worker and the pool threads instantiate this module too: they have no window and no UI.
    if web_sys::window().is_none() {
        return;
    }
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(page::app::App);
    page::context::mark("lanes-mounted");
}
