//! Browser tests in a dedicated worker (where blocking is allowed): a rayon pool of Web Workers over shared
//! wasm memory runs the kernels and gives the sequential answers.
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, reason = "tests fail loudly by design")]

use lanes::kernels::{self, Kernel, KernelSpec, Strategy};
use lanes::timing::now_ms;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_dedicated_worker);

#[wasm_bindgen_test]
async fn the_pool_agrees_with_one_thread_on_every_kernel() {
    JsFuture::from(lanes::init_thread_pool(2)).await.unwrap();
    assert_eq!(rayon::current_num_threads(), 2);
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
