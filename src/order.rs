//! One sort for the page's short lists (modes, lanes, repeats, requests, thread counts).
//!
//! The standard library's sorts are generic over the element type and the comparison, and each copy of one costs
//! 3–10 KiB of wasm: 16 element types sorted across the page made the sorting code 5% of its module (60 KB). Here the
//! sorting is done once, on indices, through one comparison that is not generic (`&mut dyn FnMut`); what is left
//! generic is a loop that puts the items where the indices say (a few hundred bytes per type). The lists are short —
//! at most a few hundred items (`MAX_IO_COUNT` requests per mode, `MAX_REPEATS` repeats) — so a call through a
//! pointer per comparison costs nothing a learner could see.

use std::cmp::Ordering;

/// Sorts `items` by `compare`, stably (equal items keep their order), like `slice::sort_by`.
pub fn sort_by<T>(items: &mut [T], mut compare: impl FnMut(&T, &T) -> Ordering) {
    let order = sorted_order(items.len(), &mut |a, b| compare(&items[a], &items[b]));
    permute(items, order);
}

/// Sorts `items` by the key `key` gives, stably, like `slice::sort_by_key`.
pub fn sort_by_key<T, K: Ord>(items: &mut [T], mut key: impl FnMut(&T) -> K) {
    sort_by(items, |a, b| key(a).cmp(&key(b)));
}

/// Sorts `items` in their own order, like `slice::sort`. It also stands in for `sort_unstable`: a stable order is
/// one of the orders an unstable sort may give.
pub fn sort<T: Ord>(items: &mut [T]) {
    sort_by(items, T::cmp);
}

/// The positions `0..len` in the order `compare` puts the items they name: the one place a standard sort runs.
fn sorted_order(len: usize, compare: &mut dyn FnMut(usize, usize) -> Ordering) -> Vec<usize> {
    let mut order: Vec<usize> = (0..len).collect();
    order.sort_by(|&a, &b| compare(a, b));
    order
}

/// Rearranges `items` so that position `i` holds the item that was at `order[i]`, in place, by following each cycle
/// of the permutation (a cycle of k items takes k − 1 swaps).
fn permute<T>(items: &mut [T], mut order: Vec<usize>) {
    for start in 0..items.len() {
        let mut at = start;
        loop {
            let from = order[at];
            // Mark the position as filled; a cycle ends where it began.
            order[at] = at;
            if from == start {
                break;
            }
            items.swap(at, from);
            at = from;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small deterministic generator, so the cases are many and reproducible.
    fn numbers(seed: u64, count: usize, modulo: u64) -> Vec<u64> {
        let mut state = seed;
        (0..count)
            .map(|_| {
                state = state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                (state >> 33) % modulo
            })
            .collect()
    }

    #[test]
    fn sorts_as_the_standard_library_does() {
        for count in [0, 1, 2, 3, 7, 31, 200] {
            for seed in 0..20 {
                let original = numbers(seed, count, 50);
                let mut ours = original.clone();
                sort(&mut ours);
                let mut theirs = original;
                theirs.sort();
                assert_eq!(ours, theirs, "{count} items, seed {seed}");
            }
        }
    }

    #[test]
    fn is_stable_and_follows_the_comparison() {
        for seed in 0..20 {
            // (key, original position): few keys, so many ties.
            let original: Vec<(u64, usize)> = numbers(seed, 100, 5)
                .into_iter()
                .enumerate()
                .map(|(index, key)| (key, index))
                .collect();
            let mut ours = original.clone();
            sort_by_key(&mut ours, |item| item.0);
            let mut theirs = original.clone();
            theirs.sort_by_key(|item| item.0);
            assert_eq!(ours, theirs, "stable, seed {seed}");

            let mut descending = original;
            sort_by(&mut descending, |a, b| b.0.cmp(&a.0));
            assert!(
                descending.windows(2).all(|pair| pair[0].0 >= pair[1].0),
                "descending, seed {seed}"
            );
        }
    }

    #[test]
    fn moves_items_that_are_not_copy() {
        let mut words: Vec<String> = ["pear", "fig", "apple", "fig", "kiwi"].map(String::from).to_vec();
        sort(&mut words);
        assert_eq!(words, ["apple", "fig", "fig", "kiwi", "pear"]);
        let mut floats = vec![2.5, -1.0, f64::INFINITY, 0.0, -0.0];
        sort_by(&mut floats, f64::total_cmp);
        let bits = |values: &[f64]| values.iter().map(|value| value.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&floats), bits(&[-1.0, -0.0, 0.0, 2.5, f64::INFINITY]));
    }
}
