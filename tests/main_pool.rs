//! Browser test on the page's main thread (wasm-bindgen-test in headless Chromium): main-pool mode. The page's
//! own rayon pool starts only when first asked for, from this instance; a parallel kernel called from the UI
//! thread — which may not block on `Atomics.wait`, so rayon's `web_spin_lock` makes it spin — runs on at least
//! two of its threads with the sequential answer, and the UI thread cannot paint meanwhile.
//!
//! Its own test binary, on the main thread: rayon's global pool is built once per instance (so a test that
//! asserts the pool starts lazily must own the instance), and `tests/pool.rs` runs in a dedicated worker, where
//! blocking is allowed, which would not show the UI thread's case.
#![cfg(all(target_arch = "wasm32", target_feature = "atomics"))]
#![allow(clippy::unwrap_used, reason = "tests fail loudly by design")]

use lanes::kernels::{self, Kernel, KernelSpec, Strategy};
use lanes::modes::Mode;
use lanes::page::context::Environment;
use lanes::page::main_pool::{self, MainPoolError, MainPoolState};
use lanes::page::measure::{Measurement, freeze};
use lanes::page::runner::{RunError, run_mode};
use lanes::report::{Lane, threads_in};
use lanes::timing::now_ms;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn the_pages_own_pool_starts_lazily_and_runs_a_parallel_kernel_called_from_the_ui_thread() {
    assert!(web_sys::window().is_some(), "this runs on the page's main thread");
    let environment = Environment::read();
    assert!(environment.isolated, "the test server sends COOP/COEP");
    // Ten sieve segments, each enough work (in a debug build) for a second thread to wake and take some.
    let spec = KernelSpec {
        kernel: Kernel::Primes,
        size: 5_000_000,
        tasks: 1,
    };

    // Lazily: nothing has started the page's pool, and main-pool refuses (no panic, no default rayon pool).
    assert_eq!(main_pool::state(), MainPoolState::NotStarted);
    assert_eq!(
        run_mode(Mode::MainPool, spec, None).await.err(),
        Some(RunError::MainPool(MainPoolError::NotStarted))
    );
    assert_eq!(
        main_pool::state(),
        MainPoolState::NotStarted,
        "a refused run starts nothing"
    );

    let start = main_pool::ensure(2, environment.isolated).await.unwrap();
    assert_eq!(start.threads, 2);
    assert!(start.ready_ms >= start.requested_ms);
    assert_eq!(main_pool::state(), MainPoolState::Ready(start));
    // Once per page: a later call returns the same start and builds nothing new.
    assert_eq!(main_pool::ensure(8, environment.isolated).await.unwrap(), start);
    assert_eq!(rayon::current_num_threads(), 2);

    let sequential = kernels::run(&spec, Strategy::Sequential, &now_ms).unwrap();
    assert_eq!(sequential.value, 348_513, "primes below 5 000 000");
    freeze::install();
    let measurement = Measurement::open().await;
    let done = run_mode(Mode::MainPool, spec, None).await.unwrap();
    let measured = measurement.close().await;

    assert_eq!(done.output.value, sequential.value);
    assert!(!done.output.cancelled());
    assert!(
        done.output.spans.iter().all(|span| span.thread.is_some()),
        "every task ran on a pool thread, none on the UI thread"
    );
    assert!(
        done.output.threads_used() >= 2,
        "used {} threads",
        done.output.threads_used()
    );

    let repeat = done.repeat(measured, false);
    assert_eq!(repeat.threads_used, done.output.threads_used());
    assert_eq!(
        threads_in(&repeat.spans),
        repeat.threads_used,
        "one lane per page pool thread"
    );
    let tasks: Vec<_> = repeat
        .spans
        .iter()
        .filter(|span| span.name.starts_with("task "))
        .collect();
    assert_eq!(tasks.len(), 10);
    assert!(tasks.iter().all(|span| matches!(span.lane, Lane::MainPool(_))));
    // The UI thread's own span: it was inside the kernel from before the first task to after the last.
    let held: Vec<_> = repeat
        .spans
        .iter()
        .filter(|span| span.lane == Lane::Main)
        .collect();
    assert_eq!(held.len(), 1);
    let (entered, left) = done.ui_window.unwrap();
    assert_eq!((held[0].start_ms, held[0].end_ms), (entered, left));
    assert!(
        tasks
            .iter()
            .all(|span| span.start_ms >= entered && span.end_ms <= left)
    );
    // Held in the kernel, the UI thread could paint no frame: the freeze bracket saw a gap at least that long
    // (1 ms of slack for the two clocks' readings).
    assert!(
        repeat.freeze.unwrap().max_frame_gap_ms + 1.0 >= left - entered,
        "frame gap {:?} vs {} ms held",
        repeat.freeze,
        left - entered
    );
}
