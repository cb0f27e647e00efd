//! Counting primes below `n` with a segmented sieve of Eratosthenes: the base primes up to √n are found once,
//! then each segment of the range is one task.

use super::{Context, KernelOutput, Strategy, run_tasks};

/// Numbers per segment: 256 KiB of flags for the odd ones, which stays in cache.
pub const SEGMENT: u64 = 1 << 19;
/// `n` by default: 664 579 primes lie below it.
pub const DEFAULT_N: u64 = 10_000_000;
/// The largest `n` accepted.
pub const MAX_N: u64 = 4_000_000_000;

/// The primes up to and including `limit`, by a plain sieve.
pub fn base_primes(limit: u64) -> Vec<u64> {
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    let mut composite = vec![false; limit + 1];
    let mut primes = Vec::new();
    for candidate in 2..=limit {
        if composite[candidate] {
            continue;
        }
        primes.push(candidate as u64);
        let mut multiple = candidate * candidate;
        while multiple <= limit {
            composite[multiple] = true;
            multiple += candidate;
        }
    }
    primes
}

/// Counts the primes in `[low, high)`, given every prime up to √high. Only odd numbers are sieved (half the
/// memory and work), and multiples are crossed off through a stepped iterator, which needs no bounds checks.
pub fn count_segment(low: u64, high: u64, base: &[u64]) -> u64 {
    let two = u64::from(low <= 2 && 2 < high);
    let first_odd = low | 1;
    if first_odd >= high {
        return two;
    }
    // Index i stands for the odd number first_odd + 2i.
    let mut composite = vec![false; ((high - first_odd).div_ceil(2)) as usize];
    for &prime in base.iter().filter(|prime| **prime > 2) {
        if prime * prime >= high {
            break;
        }
        let mut multiple = (first_odd.div_ceil(prime) * prime).max(prime * prime);
        if multiple % 2 == 0 {
            multiple += prime;
        }
        let start = ((multiple - first_odd) / 2) as usize;
        for flag in composite.iter_mut().skip(start).step_by(prime as usize) {
            *flag = true;
        }
    }
    let unmarked = composite.iter().filter(|flag| !**flag).count() as u64;
    // 1 is odd and never crossed off, but it is not a prime.
    unmarked - u64::from(first_odd == 1) + two
}

/// Counts the primes below `n`.
pub fn run(n: u64, strategy: Strategy, context: Context) -> KernelOutput {
    let base = base_primes(n.isqrt() + 1);
    let segments: Vec<(u64, u64)> = (0..n.div_ceil(SEGMENT))
        .map(|segment| (segment * SEGMENT, ((segment + 1) * SEGMENT).min(n)))
        .collect();
    // A segment is a fraction of a millisecond: the check before each task is often enough.
    let tasks = run_tasks(&segments, strategy, context, |&(low, high), _| {
        Some(count_segment(low, high, &base))
    });
    let value = tasks.finished().sum();
    tasks.into_output(value, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_counts() {
        for (n, expected) in [
            (2, 0),
            (3, 1),
            (100, 25),
            (1_000_000, 78_498),
            (10_000_000, 664_579),
        ] {
            assert_eq!(
                run(n, Strategy::Parallel, Context::new(&|| 0.0)).value,
                expected,
                "below {n}"
            );
        }
    }

    #[test]
    fn small_segments_match_trial_division() {
        let is_prime = |k: u64| k >= 2 && (2..).take_while(|d| d * d <= k).all(|d| !k.is_multiple_of(d));
        let base = base_primes(40);
        for low in 0..40 {
            for high in low..60 {
                let expected = (low..high).filter(|&k| is_prime(k)).count() as u64;
                assert_eq!(count_segment(low, high, &base), expected, "[{low}, {high})");
            }
        }
    }

    #[test]
    fn segment_edges_do_not_double_count() {
        let n = 3 * SEGMENT + 17;
        let by_trial = (2..n)
            .filter(|&k| (2..).take_while(|d| d * d <= k).all(|d| !k.is_multiple_of(d)))
            .count() as u64;
        assert_eq!(
            run(n, Strategy::Sequential, Context::new(&|| 0.0)).value,
            by_trial
        );
    }
}
