//! Counting primes below `n` with a segmented sieve of Eratosthenes: the base primes up to √n are found once,
//! then each segment of the range is one task.

use super::{Clock, KernelOutput, Strategy, run_tasks};

/// Numbers per segment: a 256 KiB flag array, which stays in cache.
pub const SEGMENT: u64 = 1 << 18;
/// `n` by default: 664 579 primes lie below it.
pub const DEFAULT_N: u64 = 10_000_000;
/// The largest `n` accepted.
pub const MAX_N: u64 = 1_000_000_000;

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

/// Counts the primes in `[low, high)`, given every prime up to √high.
pub fn count_segment(low: u64, high: u64, base: &[u64]) -> u64 {
    let mut composite = vec![false; (high - low) as usize];
    for &prime in base {
        if prime * prime >= high {
            break;
        }
        let mut multiple = (low.div_ceil(prime) * prime).max(prime * prime);
        while multiple < high {
            composite[(multiple - low) as usize] = true;
            multiple += prime;
        }
    }
    (low.max(2)..high)
        .filter(|&number| !composite[(number - low) as usize])
        .count() as u64
}

/// Counts the primes below `n`.
pub fn run(n: u64, strategy: Strategy, clock: Clock) -> KernelOutput {
    let base = base_primes(n.isqrt() + 1);
    let segments: Vec<(u64, u64)> = (0..n.div_ceil(SEGMENT))
        .map(|segment| (segment * SEGMENT, ((segment + 1) * SEGMENT).min(n)))
        .collect();
    let (counts, spans) = run_tasks(&segments, strategy, clock, |&(low, high)| {
        count_segment(low, high, &base)
    });
    KernelOutput {
        value: counts.into_iter().sum(),
        spans,
        image: None,
    }
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
            assert_eq!(run(n, Strategy::Parallel, &|| 0.0).value, expected, "below {n}");
        }
    }

    #[test]
    fn segment_edges_do_not_double_count() {
        let n = 3 * SEGMENT + 17;
        let by_trial = (2..n)
            .filter(|&k| (2..).take_while(|d| d * d <= k).all(|d| k % d != 0))
            .count() as u64;
        assert_eq!(run(n, Strategy::Sequential, &|| 0.0).value, by_trial);
    }
}
