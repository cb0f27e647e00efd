//! The process-pool lesson: a list of items, each costing work proportional to its value, handed out in chunks
//! (largest first).
//! For item `j` (counting from 1) the work is the sum of `i * MULTIPLIER` for `i` below `j * K`.

use std::hint::black_box;

use super::{Context, KernelOutput, Strategy, run_tasks};

/// How far each item's range grows with its index; chosen so the default job takes well over 100 ms in wasm.
pub const K: u64 = 100_000;
/// The multiplier of the lesson's `i * multiplier`.
pub const MULTIPLIER: u64 = 3;
/// Items per chunk: one chunk is one task.
pub const CHUNK_ITEMS: u64 = 4;
/// Items by default: about 2·10^8 multiply-adds.
pub const DEFAULT_ITEMS: u64 = 64;
/// The most items accepted (about 2·10^9 multiply-adds).
pub const MAX_ITEMS: u64 = 200;

/// The work for one item: `sum(i * MULTIPLIER for i in range(item * K))`, wrapping on overflow.
pub fn item_sum(item: u64) -> u64 {
    let mut sum = 0_u64;
    for i in 0..item * K {
        sum = sum.wrapping_add(black_box(i).wrapping_mul(MULTIPLIER));
    }
    sum
}

/// Runs items `1..=items` in chunks of [`CHUNK_ITEMS`]; the value is the wrapping total.
///
/// An item's cost grows with its number, so the chunks are handed out largest first (task 0 is the last chunk):
/// in item order the pool's threads would end on the biggest chunk, one thread working while the others idle
/// — at 64 items the last chunk alone is 12 % of the job. Largest first, what is left at the end is small.
pub fn run(items: u64, strategy: Strategy, context: Context) -> KernelOutput {
    let chunks: Vec<(u64, u64)> = (0..items.div_ceil(CHUNK_ITEMS))
        .rev()
        .map(|chunk| {
            let first = chunk * CHUNK_ITEMS + 1;
            (first, (first + CHUNK_ITEMS - 1).min(items))
        })
        .collect();
    // One item is at most MAX_ITEMS·K = 2·10^7 steps: the stop flag is checked between items.
    let tasks = run_tasks(&chunks, strategy, context, |&(first, last), cancelled| {
        (first..=last).try_fold(0_u64, |total, item| {
            (!cancelled()).then(|| total.wrapping_add(item_sum(item)))
        })
    });
    let value = tasks
        .finished()
        .fold(0_u64, |total, sum| total.wrapping_add(*sum));
    tasks.into_output(value, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn closed_form(item: u64) -> u64 {
        let bound = u128::from(item * K);
        let exact = u128::from(MULTIPLIER) * bound * bound.saturating_sub(1) / 2;
        (exact % (1_u128 << 64)) as u64
    }

    #[test]
    fn matches_the_closed_form() {
        let expected = (1..=9).map(closed_form).fold(0, u64::wrapping_add);
        let output = run(9, Strategy::Sequential, Context::new(&|| 0.0));
        assert_eq!(output.value, expected);
        assert_eq!(output.spans.len(), 3, "9 items in chunks of 4");
    }
}
