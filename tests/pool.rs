//! Browser tests in a dedicated worker (where blocking is allowed): a rayon pool of Web Workers over shared
//! wasm memory runs the kernels and gives the sequential answers, and the heap counter sees what the pool
//! threads allocate.
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, reason = "tests fail loudly by design")]

use std::sync::atomic::{AtomicBool, Ordering};

use lanes::heap;
use lanes::kernels::{self, Kernel, KernelSpec, Strategy};
use lanes::timing::now_ms;
use rayon::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_dedicated_worker);

/// Starts the pool of two once: the tests share one instance, and rayon's global pool starts only once.
async fn pool_of_two() {
    static STARTED: AtomicBool = AtomicBool::new(false);
    if !STARTED.swap(true, Ordering::Relaxed) {
        JsFuture::from(lanes::init_thread_pool(2)).await.unwrap();
    }
    assert_eq!(rayon::current_num_threads(), 2);
}

#[wasm_bindgen_test]
async fn the_pool_agrees_with_one_thread_on_every_kernel() {
    pool_of_two().await;
    for kernel in Kernel::ALL {
        let spec = KernelSpec {
            kernel,
            size: match kernel {
                Kernel::SumLoop => 5_000_000,
                Kernel::ChunkedSum => 8,
                Kernel::Primes => 5_000_000,
                Kernel::Mandelbrot => 200,
            },
            tasks: 4,
        };
        let sequential = kernels::run(&spec, Strategy::Sequential, &now_ms).unwrap();
        let parallel = kernels::run(&spec, Strategy::Parallel, &now_ms).unwrap();
        assert_eq!(sequential.value, parallel.value, "{kernel:?}");
        assert_eq!(sequential.image, parallel.image, "{kernel:?}");
        assert!(
            parallel.spans.iter().all(|span| span.thread.is_some()),
            "{kernel:?} ran on the pool"
        );
    }
}

#[wasm_bindgen_test]
async fn the_heap_counter_sees_what_pool_threads_allocate() {
    pool_of_two().await;
    const EACH: usize = 4 << 20;
    // Little else allocates or frees meanwhile, but not nothing: allow for it.
    const SLACK: usize = 256 << 10;
    let before = heap::reset_peak();
    let held: Vec<Vec<u8>> = (0..4_usize)
        .into_par_iter()
        .map(|index| {
            // Both ways the standard library allocates: plain (then filled) and zeroed.
            let fill = u8::try_from(index % 2).unwrap();
            let block = vec![fill; EACH];
            (rayon::current_thread_index().is_some(), block)
        })
        .map(|(on_pool, block)| {
            assert!(on_pool, "allocated on a pool thread");
            block
        })
        .collect();
    let holding = heap::in_use_bytes();
    assert!(
        holding + SLACK >= before + 4 * EACH,
        "{before} bytes before, {holding} holding four blocks of {EACH}"
    );
    assert!(heap::peak_bytes() >= holding);

    // Freed here, on the worker's own thread: the counter is one for the instance, whichever thread frees.
    drop(held);
    let after = heap::in_use_bytes();
    assert!(
        after + 4 * EACH <= holding + SLACK,
        "{holding} holding, {after} after freeing"
    );
    assert!(
        heap::peak_bytes() + SLACK >= before + 4 * EACH,
        "the peak outlives the blocks"
    );
}
