//! Statistics over repeats, and the frame-gap bookkeeping of the UI-freeze meter.

/// A frame longer than this counts as frozen time (the browser's long-task threshold).
pub const FROZEN_FRAME_MS: f64 = 50.0;

/// Median, minimum and maximum of a sample.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Summary {
    /// The median (mean of the middle two for even counts).
    pub median: f64,
    /// The smallest value.
    pub min: f64,
    /// The largest value.
    pub max: f64,
}

impl Summary {
    /// Summarises `values`, ignoring non-finite ones; `None` when nothing is left.
    pub fn of(values: &[f64]) -> Option<Summary> {
        let mut sorted: Vec<f64> = values.iter().copied().filter(|value| value.is_finite()).collect();
        crate::order::sort_by(&mut sorted, f64::total_cmp);
        let count = sorted.len();
        let median = match count {
            0 => return None,
            _ if count % 2 == 1 => sorted[count / 2],
            _ => (sorted[count / 2 - 1] + sorted[count / 2]) / 2.0,
        };
        Some(Summary {
            median,
            min: sorted[0],
            max: sorted[count - 1],
        })
    }
}

/// Accumulates animation-frame timestamps into the longest gap and the frozen time.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct FrameGaps {
    last_ms: Option<f64>,
    /// The longest gap between two frames so far.
    pub max_gap_ms: f64,
    /// The total of gaps longer than [`FROZEN_FRAME_MS`].
    pub frozen_ms: f64,
    /// How many gaps were longer than [`FROZEN_FRAME_MS`]: stalls of the UI thread at least as long as a long
    /// task (a task that holds the thread delays the next frame by as much).
    pub long_frames: u32,
}

impl FrameGaps {
    /// Starts measuring at `now_ms` (the gap to the first frame counts).
    pub fn starting_at(now_ms: f64) -> FrameGaps {
        FrameGaps {
            last_ms: Some(now_ms),
            ..FrameGaps::default()
        }
    }

    /// Records a frame at `now_ms`.
    pub fn frame(&mut self, now_ms: f64) {
        if let Some(last) = self.last_ms {
            let gap = now_ms - last;
            self.max_gap_ms = self.max_gap_ms.max(gap);
            if gap > FROZEN_FRAME_MS {
                self.frozen_ms += gap;
                self.long_frames += 1;
            }
        }
        self.last_ms = Some(now_ms);
    }
}

/// The fewest thread counts above one (and at most the cores) an Amdahl fit needs. The model has one free
/// parameter, so a single multi-threaded point always fits it exactly: the "fit" would test nothing and its
/// ceiling (`1 / s`) would be one measurement extrapolated to infinitely many cores.
pub const AMDAHL_MIN_PARALLEL_POINTS: usize = 2;

/// How many distinct thread counts in `2..=max_threads` have a finite time: the points an Amdahl fit can use.
pub fn amdahl_parallel_points(points: &[(u32, f64)], max_threads: u32) -> usize {
    let mut counts: Vec<u32> = points
        .iter()
        .filter(|(threads, time)| (2..=max_threads).contains(threads) && time.is_finite())
        .map(|(threads, _)| *threads)
        .collect();
    crate::order::sort(&mut counts);
    counts.dedup();
    counts.len()
}

/// Estimates Amdahl's serial fraction `s` from `(threads, time)` points, with the one-thread time as `T1`:
/// `T(n) = T1·(s + (1 − s)/n)`, fitted by least squares on `T(n)/T1 − 1/n = s·(1 − 1/n)`. Points beyond
/// `max_threads` (oversubscription) are left out: Amdahl's law does not model them. `None` without a one-thread
/// point and at least [`AMDAHL_MIN_PARALLEL_POINTS`] distinct thread counts in `2..=max_threads` (see
/// [`amdahl_parallel_points`]): on a 2-core machine there is only one, and no fit is made.
pub fn amdahl_serial_fraction(points: &[(u32, f64)], max_threads: u32) -> Option<f64> {
    if amdahl_parallel_points(points, max_threads) < AMDAHL_MIN_PARALLEL_POINTS {
        return None;
    }
    let one = points.iter().find(|(threads, _)| *threads == 1)?.1;
    if !(one.is_finite() && one > 0.0) {
        return None;
    }
    let (mut numerator, mut denominator) = (0.0, 0.0);
    for &(threads, time) in points {
        if threads < 2 || threads > max_threads || !time.is_finite() {
            continue;
        }
        let inverse = 1.0 / f64::from(threads);
        let x = 1.0 - inverse;
        let y = time / one - inverse;
        numerator += x * y;
        denominator += x * x;
    }
    (denominator > 0.0).then(|| (numerator / denominator).clamp(0.0, 1.0))
}

/// The time Amdahl's law predicts at `threads` for serial fraction `serial` and one-thread time `one_ms`.
pub fn amdahl_time(one_ms: f64, serial: f64, threads: u32) -> f64 {
    one_ms * (serial + (1.0 - serial) / f64::from(threads.max(1)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians_and_ranges() {
        assert_eq!(
            Summary::of(&[3.0, 1.0, 2.0]),
            Some(Summary {
                median: 2.0,
                min: 1.0,
                max: 3.0
            })
        );
        assert_eq!(Summary::of(&[4.0, 1.0, 3.0, 2.0]).map(|s| s.median), Some(2.5));
        assert_eq!(Summary::of(&[f64::NAN]), None);
        assert_eq!(Summary::of(&[]), None);
    }

    #[test]
    fn the_amdahl_fit_recovers_a_known_serial_fraction() {
        for serial in [0.0, 0.1, 0.25, 0.6] {
            let points: Vec<(u32, f64)> = (1..=8)
                .map(|threads| (threads, amdahl_time(400.0, serial, threads)))
                .chain([(16, 999.0)])
                .collect();
            let fitted = amdahl_serial_fraction(&points, 8).unwrap();
            assert!((fitted - serial).abs() < 1e-9, "{serial} → {fitted}");
        }
        // Noisy data still lands near the truth.
        let noisy = [(1, 1000.0), (2, 610.0), (3, 470.0), (4, 395.0)];
        let fitted = amdahl_serial_fraction(&noisy, 4).unwrap();
        assert!((fitted - 0.2).abs() < 0.03, "{fitted}");
        assert_eq!(amdahl_serial_fraction(&[(2, 5.0)], 4), None);
    }

    #[test]
    fn the_amdahl_fit_needs_two_thread_counts_within_the_cores() {
        // A 2-core machine: one point at 2 threads, however many beyond, is no fit.
        let two_cores = [(1, 400.0), (2, 220.0), (3, 230.0), (4, 240.0)];
        assert_eq!(amdahl_parallel_points(&two_cores, 2), 1);
        assert_eq!(amdahl_serial_fraction(&two_cores, 2), None);
        // The same point measured twice is still one thread count.
        assert_eq!(
            amdahl_serial_fraction(&[(1, 400.0), (2, 220.0), (2, 230.0)], 4),
            None
        );
        // A non-finite time does not count.
        assert_eq!(
            amdahl_serial_fraction(&[(1, 400.0), (2, 220.0), (3, f64::NAN)], 4),
            None
        );
        // No one-thread baseline: no fit, whatever else there is.
        assert_eq!(amdahl_serial_fraction(&[(2, 220.0), (3, 160.0)], 4), None);
        // 1, 2 and 3 threads on 3 cores: the fit is made.
        let three = [
            (1, 300.0),
            (2, amdahl_time(300.0, 0.2, 2)),
            (3, amdahl_time(300.0, 0.2, 3)),
        ];
        assert_eq!(amdahl_parallel_points(&three, 3), 2);
        let fitted = amdahl_serial_fraction(&three, 3).unwrap();
        assert!((fitted - 0.2).abs() < 1e-9, "{fitted}");
    }

    #[test]
    fn frame_gaps_find_the_freeze() {
        let mut gaps = FrameGaps::starting_at(0.0);
        for frame in [16.0, 33.0, 50.0, 450.0, 466.0] {
            gaps.frame(frame);
        }
        assert_eq!(gaps.max_gap_ms, 400.0);
        assert_eq!(gaps.frozen_ms, 400.0, "only the long frame counts");
    }
}
