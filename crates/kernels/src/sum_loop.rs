//! The lesson's loop: `for _ in range(n): s += a`, run as T equal tasks.

use std::hint::black_box;

use super::{CHECK_EVERY, Cancelled, Context, KernelOutput, Strategy, run_tasks};

/// Additions per task by default.
pub const DEFAULT_N: u64 = 100_000_000;
/// The most additions per task accepted.
pub const MAX_N: u64 = 2_000_000_000;
/// The value each task adds: small enough that no sum overflows at [`MAX_N`].
pub const ADDEND: u64 = 3;

/// One task: add [`ADDEND`] to a running sum `n` times. `black_box` on every step keeps LLVM from folding the
/// loop into `a * n`, which would leave nothing to measure.
pub fn add_repeatedly(addend: u64, n: u64) -> u64 {
    let mut sum = 0_u64;
    for _ in 0..n {
        sum = black_box(sum.wrapping_add(black_box(addend)));
    }
    sum
}

/// One task in steps of [`CHECK_EVERY`] additions, checking the stop flag between them; `None` when stopped.
fn add_until_stopped(addend: u64, n: u64, cancelled: Cancelled) -> Option<u64> {
    let mut sum = 0_u64;
    let mut done = 0;
    while done < n {
        if cancelled() {
            return None;
        }
        let step = (n - done).min(CHECK_EVERY);
        sum = sum.wrapping_add(add_repeatedly(addend, step));
        done += step;
    }
    Some(sum)
}

/// Runs `tasks` equal tasks of `n` additions each; the value is the total of their sums.
pub fn run(n: u64, tasks: u32, strategy: Strategy, context: Context) -> KernelOutput {
    let inputs: Vec<u64> = (0..tasks).map(|_| n).collect();
    let tasks = run_tasks(&inputs, strategy, context, |&n, cancelled| {
        add_until_stopped(ADDEND, n, cancelled)
    });
    let value = tasks
        .finished()
        .fold(0_u64, |total, sum| total.wrapping_add(*sum));
    tasks.into_output(value, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn total_is_addend_times_n_times_tasks() {
        let output = run(12_345, 3, Strategy::Parallel, Context::new(&|| 0.0));
        assert_eq!(output.value, ADDEND * 12_345 * 3);
        assert_eq!(output.spans.len(), 3);
    }
}
