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
        sorted.sort_by(f64::total_cmp);
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
            }
        }
        self.last_ms = Some(now_ms);
    }
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
    fn frame_gaps_find_the_freeze() {
        let mut gaps = FrameGaps::starting_at(0.0);
        for frame in [16.0, 33.0, 50.0, 450.0, 466.0] {
            gaps.frame(frame);
        }
        assert_eq!(gaps.max_gap_ms, 400.0);
        assert_eq!(gaps.frozen_ms, 400.0, "only the long frame counts");
    }
}
