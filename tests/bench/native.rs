//! The native side of the benchmark: the same kernels, compiled for the host in release mode, timed on one
//! thread and on a rayon pool of every core. Prints JSON for `tests/bench/bench.mjs`.
//! Run by `.ci/bench.sh`; `--quick` uses the quick sizes.
#![allow(
    clippy::disallowed_types,
    clippy::disallowed_methods,
    reason = "native timing: std::time::Instant is right here, only wasm code must use the shared clock"
)]

use std::time::Instant;

use lanes::kernels::{self, Kernel, KernelSpec, Strategy};

/// Median milliseconds of `repeats` runs on one thread and on the pool, alternating the two so that a burst of
/// noise from the rest of the machine hits both alike (after one warm-up of each).
fn time_both_ms(spec: &KernelSpec, repeats: usize) -> Result<(f64, f64), kernels::KernelError> {
    let origin = Instant::now();
    let clock = move || origin.elapsed().as_secs_f64() * 1_000.0;
    let strategies = [Strategy::Sequential, Strategy::Parallel];
    for strategy in strategies {
        kernels::run(spec, strategy, &clock)?; // warm-up
    }
    let mut samples = [Vec::with_capacity(repeats), Vec::with_capacity(repeats)];
    for _ in 0..repeats {
        for (strategy, samples) in strategies.into_iter().zip(samples.iter_mut()) {
            let start = Instant::now();
            let output = kernels::run(spec, strategy, &clock)?;
            samples.push(start.elapsed().as_secs_f64() * 1_000.0);
            std::hint::black_box(output.value);
        }
    }
    let [mut sequential, mut parallel] = samples;
    sequential.sort_by(f64::total_cmp);
    parallel.sort_by(f64::total_cmp);
    Ok((sequential[repeats / 2], parallel[repeats / 2]))
}

fn main() -> Result<(), kernels::KernelError> {
    let quick = std::env::args().any(|arg| arg == "--quick");
    let sizes: [(Kernel, u64); 4] = if quick {
        [
            (Kernel::SumLoop, 2_000_000),
            (Kernel::ChunkedSum, 8),
            (Kernel::Primes, 2_000_000),
            (Kernel::Mandelbrot, 200),
        ]
    } else {
        [
            (Kernel::SumLoop, 200_000_000),
            (Kernel::ChunkedSum, 64),
            (Kernel::Primes, 200_000_000),
            (Kernel::Mandelbrot, 1_600),
        ]
    };
    let repeats = if quick { 1 } else { 9 };
    let mut entries = Vec::new();
    for (kernel, size) in sizes {
        let spec = KernelSpec {
            kernel,
            size,
            tasks: kernels::DEFAULT_TASKS,
        };
        let (sequential, parallel) = time_both_ms(&spec, repeats)?;
        eprintln!(
            "native {}: one thread {sequential:.1} ms, pool {parallel:.1} ms",
            kernel.id()
        );
        entries.push(format!(
            "{{\"kernel\":\"{}\",\"size\":{size},\"sequential_ms\":{sequential:.3},\"parallel_ms\":{parallel:.3}}}",
            kernel.id()
        ));
    }
    println!(
        "{{\"threads\":{},\"repeats\":{repeats},\"kernels\":[{}]}}",
        rayon::current_num_threads(),
        entries.join(",")
    );
    Ok(())
}
