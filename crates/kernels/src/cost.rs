//! The cost model: from one short run of a kernel on one thread, how long any size of it takes here, and which
//! size takes a given time. The page measures each kernel once at start-up, so that its defaults run long
//! enough (about [`TARGET_MS`]) for the pool's advantage to show over the cost of handing work to it.
//!
//! The work of a job is [`KernelSpec::work`]; a [`Rate`] is work per millisecond on one thread.

use super::{DEFAULT_TASKS, Kernel, KernelSpec};

/// How long a default job should take on one thread: long enough that starting the pool's tasks is a small
/// part of it, short enough that a Run of every mode stays a few seconds.
pub const TARGET_MS: f64 = 700.0;

/// How long each measured probe of the start-up calibration should take: long enough that the clock and the
/// job's fixed costs are a small part of it, short enough that all four kernels, two probes each after a
/// warm-up, are measured well under half a second.
pub const PROBE_MS: f64 = 25.0;

/// The first probe of the start-up calibration: a fixed size that takes a few milliseconds on one thread of
/// an ordinary machine (1–10 ms in wasm), so even a slow machine is done with it quickly. It warms the
/// kernel's code up, and its speed, though not trusted, sizes the next probe ([`PROBE_MS`]).
pub fn first_probe(kernel: Kernel) -> KernelSpec {
    let size = match kernel {
        Kernel::SumLoop => 1_000_000,
        Kernel::ChunkedSum => 6,
        Kernel::Primes => 3_000_000,
        Kernel::Mandelbrot => 120,
    };
    KernelSpec {
        kernel,
        size,
        tasks: DEFAULT_TASKS,
    }
}

/// One kernel's measured speed on one thread: work ([`KernelSpec::work`]) per millisecond.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rate {
    kernel: Kernel,
    work_per_ms: f64,
}

impl Rate {
    /// The speed a probe showed: `spec` took `ms` on one thread. `None` when the time or the work is not a
    /// positive finite number (a clock that did not move measures nothing).
    pub fn measured(spec: &KernelSpec, ms: f64) -> Option<Rate> {
        let work_per_ms = spec.work() / ms;
        (ms > 0.0 && work_per_ms.is_finite() && work_per_ms > 0.0).then_some(Rate {
            kernel: spec.kernel,
            work_per_ms,
        })
    }

    /// The kernel this speed was measured for.
    pub fn kernel(&self) -> Kernel {
        self.kernel
    }

    /// The speed itself, in work ([`KernelSpec::work`]) per millisecond: only comparable with another speed of
    /// the same kernel.
    pub fn work_per_ms(&self) -> f64 {
        self.work_per_ms
    }

    /// How long `spec` should take on one thread, in milliseconds; `None` for another kernel's spec.
    pub fn estimate_ms(&self, spec: &KernelSpec) -> Option<f64> {
        (spec.kernel == self.kernel).then(|| spec.work() / self.work_per_ms)
    }

    /// The size that should take `target_ms` on one thread (with `tasks` tasks, which only `sum-loop` has),
    /// rounded to two significant digits so a person can read it, and kept within the kernel's
    /// [`Kernel::size_range`].
    pub fn size_for_ms(&self, tasks: u32, target_ms: f64) -> u64 {
        let (min, max) = self.kernel.size_range();
        let target_work = target_ms * self.work_per_ms;
        let work = |size| {
            KernelSpec {
                kernel: self.kernel,
                size,
                tasks,
            }
            .work()
        };
        // The work grows with the size, so the size is found by bisection: the largest size whose work fits.
        let (mut fits, mut too_big) = (min, max.saturating_add(1));
        if work(min) > target_work {
            return min;
        }
        while too_big - fits > 1 {
            let middle = fits + (too_big - fits) / 2;
            if work(middle) <= target_work {
                fits = middle;
            } else {
                too_big = middle;
            }
        }
        // The next size may be nearer the target than the last that fits.
        let nearest = if fits < max && work(fits + 1) - target_work < target_work - work(fits) {
            fits + 1
        } else {
            fits
        };
        readable(nearest).clamp(min, max)
    }

    /// The size for a default job: [`TARGET_MS`] with the default task count.
    pub fn default_size(&self) -> u64 {
        self.size_for_ms(DEFAULT_TASKS, TARGET_MS)
    }
}

/// `size` rounded to two significant digits (half up): 123 456 789 → 120 000 000, 1 250 → 1 300, 64 → 64.
pub fn readable(size: u64) -> u64 {
    if size < 100 {
        return size;
    }
    let unit = 10_u64.pow(size.ilog10() - 1);
    (size / unit + u64::from(size % unit >= unit.div_ceil(2))).saturating_mul(unit)
}

/// An estimate as the size field's hint says it: "≈ 40 ms", "≈ 0.7 s", "≈ 12 s", "≈ 3 min".
pub fn describe_ms(ms: f64) -> String {
    if ms < 1.0 {
        "< 1 ms".to_owned()
    } else if ms < 100.0 {
        format!("≈ {ms:.0} ms")
    } else if ms < 9_950.0 {
        format!("≈ {:.1} s", ms / 1_000.0)
    } else if ms < 120_000.0 {
        format!("≈ {:.0} s", ms / 1_000.0)
    } else {
        format!("≈ {:.0} min", ms / 60_000.0)
    }
}

/// Where the probes ran.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProbeThread {
    /// Sequentially in the compute worker, like `worker` mode.
    ComputeWorker,
    /// On the UI thread, like `main` mode: there was no compute worker, or it broke during the calibration.
    UiThread,
}

impl ProbeThread {
    /// Where, in words: "in the compute worker", "on the UI thread".
    pub fn describe(self) -> &'static str {
        match self {
            ProbeThread::ComputeWorker => "in the compute worker",
            ProbeThread::UiThread => "on the UI thread",
        }
    }
}

/// One timed probe: a job and how long it took on one thread, from its own start to its own end.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Probe {
    /// What ran.
    pub spec: KernelSpec,
    /// Where it ran.
    pub thread: ProbeThread,
    /// How long it took, in milliseconds.
    pub ms: f64,
}

/// What the start-up calibration measured: one speed per kernel, and what is missing.
#[derive(Clone, Debug, PartialEq)]
pub struct Calibration {
    /// The kernels' speeds on one thread; a kernel that could not be measured has none.
    pub rates: Vec<Rate>,
    /// Every probe, in the order they ran.
    pub probes: Vec<Probe>,
    /// Why some kernels have no speed, or `None` when every kernel was measured.
    pub failure: Option<String>,
}

impl Calibration {
    /// The measured speed of `kernel`, if it was measured.
    pub fn rate(&self, kernel: Kernel) -> Option<Rate> {
        self.rates.iter().copied().find(|rate| rate.kernel() == kernel)
    }

    /// The size of `kernel` (with `tasks` tasks) that takes about [`TARGET_MS`] on one thread here, if the
    /// kernel was measured.
    pub fn default_size(&self, kernel: Kernel, tasks: u32) -> Option<u64> {
        self.rate(kernel).map(|rate| rate.size_for_ms(tasks, TARGET_MS))
    }

    /// How long `spec` takes on one thread here, in milliseconds, if its kernel was measured.
    pub fn estimate_ms(&self, spec: &KernelSpec) -> Option<f64> {
        self.rate(spec.kernel)?.estimate_ms(spec)
    }

    /// The probes of `kernel`, in words, for the hint's tooltip and the console.
    pub fn describe(&self, kernel: Kernel) -> String {
        let probes: Vec<String> = self
            .probes
            .iter()
            .filter(|probe| probe.spec.kernel == kernel)
            .map(|probe| {
                format!(
                    "n = {} in {:.1} ms {}",
                    probe.spec.size,
                    probe.ms,
                    probe.thread.describe()
                )
            })
            .collect();
        match (self.default_size(kernel, DEFAULT_TASKS), &self.failure) {
            (Some(size), _) => format!("{}: {} → default n = {size}", kernel.id(), probes.join(", ")),
            (None, Some(reason)) => format!("{}: not measured ({reason})", kernel.id()),
            (None, None) => format!("{}: not measured", kernel.id()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(kernel: Kernel, size: u64) -> KernelSpec {
        KernelSpec {
            kernel,
            size,
            tasks: DEFAULT_TASKS,
        }
    }

    /// A rate as if the kernel's first probe had taken `ms`.
    fn rate(kernel: Kernel, ms: f64) -> Rate {
        Rate::measured(&first_probe(kernel), ms).unwrap()
    }

    #[test]
    fn work_grows_with_the_size() {
        for kernel in Kernel::ALL {
            let (min, max) = kernel.size_range();
            let mut sizes: Vec<u64> = (0..=64).map(|step| min + (max - min) / 64 * step).collect();
            sizes.extend([min, min + 1, min + 2, max - 1, max]);
            sizes.sort_unstable();
            sizes.dedup();
            for pair in sizes.windows(2) {
                let (small, large) = (spec(kernel, pair[0]).work(), spec(kernel, pair[1]).work());
                assert!(
                    small > 0.0 && small < large,
                    "{kernel:?} {pair:?}: {small} vs {large}"
                );
            }
        }
    }

    #[test]
    fn the_models_follow_the_kernels() {
        // Twice the additions in each task, or twice the tasks: twice the work.
        let sum = spec(Kernel::SumLoop, 1_000).work();
        assert_eq!(spec(Kernel::SumLoop, 2_000).work(), 2.0 * sum);
        assert_eq!(
            KernelSpec {
                tasks: 4,
                ..spec(Kernel::SumLoop, 1_000)
            }
            .work(),
            2.0 * sum
        );
        // Item j costs j·K steps: items 1..=4 cost 10·K.
        assert_eq!(
            spec(Kernel::ChunkedSum, 4).work(),
            10.0 * crate::chunked_sum::K as f64
        );
        // Twice the width is four times the pixels.
        let picture = spec(Kernel::Mandelbrot, 400).work();
        assert_eq!(spec(Kernel::Mandelbrot, 800).work(), 4.0 * picture);
        // A sieve is a little worse than linear.
        let ratio = spec(Kernel::Primes, 100_000_000).work() / spec(Kernel::Primes, 10_000_000).work();
        assert!(ratio > 10.0 && ratio < 11.0, "{ratio}");
    }

    #[test]
    fn first_probes_are_valid_specs() {
        for kernel in Kernel::ALL {
            assert_eq!(first_probe(kernel).validate(), Ok(()), "{kernel:?}");
        }
    }

    #[test]
    fn a_clock_that_did_not_move_measures_nothing() {
        for ms in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            assert_eq!(Rate::measured(&first_probe(Kernel::Primes), ms), None, "{ms}");
        }
    }

    #[test]
    fn sizes_round_to_two_significant_digits() {
        for (size, expected) in [
            (0, 0),
            (7, 7),
            (64, 64),
            (99, 99),
            (100, 100),
            (104, 100),
            (105, 110),
            (1_250, 1_300),
            (1_249, 1_200),
            (123_456_789, 120_000_000),
            (995_000_000, 1_000_000_000),
            (u64::MAX, u64::MAX / 10_u64.pow(18) * 10_u64.pow(18)),
        ] {
            assert_eq!(readable(size), expected, "{size}");
        }
    }

    #[test]
    fn the_size_for_a_time_is_readable_and_clamped() {
        for kernel in Kernel::ALL {
            let (min, max) = kernel.size_range();
            let rate = rate(kernel, 5.0);
            let size = rate.default_size();
            assert!((min..=max).contains(&size), "{kernel:?}: {size}");
            assert_eq!(readable(size), size, "{kernel:?}: {size}");
            // An absurdly fast machine gets the top of the range, an absurdly slow one the bottom.
            assert_eq!(
                Rate::measured(&first_probe(kernel), 5e-9).unwrap().default_size(),
                max,
                "{kernel:?}"
            );
            assert_eq!(
                Rate::measured(&first_probe(kernel), 5e12).unwrap().default_size(),
                min,
                "{kernel:?}"
            );
        }
    }

    #[test]
    fn a_slower_machine_gets_smaller_defaults() {
        for kernel in Kernel::ALL {
            let mut last = u64::MAX;
            for ms in [1.0, 2.0, 4.0, 8.0, 16.0, 32.0] {
                let size = rate(kernel, ms).default_size();
                assert!(size <= last, "{kernel:?} at {ms} ms: {size} after {last}");
                last = size;
            }
            let mut last = 0;
            for target_ms in [10.0, 100.0, 700.0, 5_000.0] {
                let size = rate(kernel, 50.0).size_for_ms(DEFAULT_TASKS, target_ms);
                assert!(size >= last, "{kernel:?} for {target_ms} ms: {size} after {last}");
                last = size;
            }
        }
    }

    #[test]
    fn the_estimate_inverts_the_size_for_a_time() {
        // Probe times that keep the answer inside the range, so only the rounding separates the two.
        for (kernel, probe_ms) in [
            (Kernel::SumLoop, 5.0),
            (Kernel::ChunkedSum, 6.0),
            (Kernel::Primes, 4.0),
            (Kernel::Mandelbrot, 5.0),
        ] {
            let rate = rate(kernel, probe_ms);
            let probe_estimate = rate.estimate_ms(&first_probe(kernel)).unwrap();
            assert!((probe_estimate - probe_ms).abs() < 1e-9, "{kernel:?}");
            for target_ms in [200.0, TARGET_MS, 2_000.0] {
                let size = rate.size_for_ms(DEFAULT_TASKS, target_ms);
                let (min, max) = kernel.size_range();
                assert!(
                    size > min && size < max,
                    "{kernel:?} {target_ms}: {size} is clamped"
                );
                let estimate = rate.estimate_ms(&spec(kernel, size)).unwrap();
                // Two significant digits move the size by at most 5 %; chunked-sum's work is quadratic in it.
                let tolerance = if kernel == Kernel::ChunkedSum { 0.11 } else { 0.055 };
                assert!(
                    (estimate / target_ms - 1.0).abs() <= tolerance,
                    "{kernel:?}: {size} takes {estimate} ms, not {target_ms}"
                );
            }
            for other in Kernel::ALL.into_iter().filter(|other| *other != kernel) {
                assert_eq!(
                    rate.estimate_ms(&first_probe(other)),
                    None,
                    "{kernel:?} for {other:?}"
                );
            }
        }
    }

    #[test]
    fn sum_loop_sizes_count_the_tasks() {
        let rate = rate(Kernel::SumLoop, 5.0);
        let two = rate.size_for_ms(2, TARGET_MS);
        let four = rate.size_for_ms(4, TARGET_MS);
        assert!(
            four.abs_diff(two / 2) <= two / 20,
            "{two} with 2 tasks, {four} with 4"
        );
    }

    #[test]
    fn estimates_read_as_people_say_them() {
        for (ms, text) in [
            (0.4, "< 1 ms"),
            (42.4, "≈ 42 ms"),
            (700.0, "≈ 0.7 s"),
            (1_260.0, "≈ 1.3 s"),
            (12_400.0, "≈ 12 s"),
            (185_000.0, "≈ 3 min"),
        ] {
            assert_eq!(describe_ms(ms), text, "{ms}");
        }
    }
}
