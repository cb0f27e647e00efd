//! Lanes: a WebAssembly playground for seeing the difference between I/O concurrency and CPU parallelism.
//!
//! The crate is built into two wasm modules: the page's (feature `ui`, the default: the Leptos UI, `main` and
//! `main-pool` modes) and the compute module (`--no-default-features`: kernels, the worker host, the protocol,
//! rayon), which the compute worker and every rayon pool thread it starts instantiate — they carry no UI.
//! The page's module still exports the worker host, so a test can run its own module as a compute worker.
//! Pure logic (kernels, modes, protocol, settings) builds natively for `cargo test`; the rest is browser-only.

// Built into both modules: what the compute worker needs (and `main` mode on the page).
pub mod heap;
pub mod protocol;
pub mod stream;
pub mod stream_registry;

/// The CPU kernels: a crate of their own (crates/kernels), compiled at full speed; see Cargo.toml.
pub use lanes_kernels as kernels;

// The page's module only (feature `ui`, the default).
#[cfg(feature = "ui")]
pub mod capability;
#[cfg(feature = "ui")]
pub mod charts;
#[cfg(feature = "ui")]
pub mod io;
#[cfg(feature = "ui")]
pub mod lessons;
#[cfg(feature = "ui")]
pub mod modes;
#[cfg(feature = "ui")]
pub mod order;
#[cfg(feature = "ui")]
pub mod pipeline;
#[cfg(feature = "ui")]
pub mod report;
#[cfg(feature = "ui")]
pub mod settings;

#[cfg(target_arch = "wasm32")]
pub mod js;
#[cfg(all(target_arch = "wasm32", feature = "ui"))]
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

/// Runs when any instance of the page's module starts; mounts the UI only on the page.
#[cfg(all(target_arch = "wasm32", feature = "ui"))]
#[wasm_bindgen::prelude::wasm_bindgen(start)]
pub fn start() {
    // main-pool's threads instantiate this module too (and a wasm-bindgen test's workers): no window, no UI.
    if web_sys::window().is_none() {
        return;
    }
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(page::app::App);
    page::context::mark("lanes-mounted");
}
