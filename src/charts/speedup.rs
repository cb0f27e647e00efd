//! The speedup chart's geometry: one horizontal bar per measured mode, its median's speedup over the slowest
//! median, and the ideal speedup as a vertical reference line.

/// Room for the mode names left of the bars.
pub const LABEL_WIDTH: f64 = 120.0;
/// Height of one bar's row.
pub const ROW_HEIGHT: f64 = 22.0;
/// Room under the bars for the ideal's label.
const FOOTER_HEIGHT: f64 = 24.0;
/// Space kept free right of the longest bar or the ideal line, as a fraction of the largest of them.
const HEADROOM: f64 = 1.1;

/// One mode's bar.
#[derive(Clone, Debug, PartialEq)]
pub struct SpeedupBar {
    /// The mode's id (its `data-mode`).
    pub mode: String,
    /// The slowest median divided by this mode's median; 0 when the median is not a positive finite number.
    pub speedup: f64,
    /// Top edge of the bar.
    pub y: f64,
    /// Width of the bar (it starts at [`SpeedupLayout::bar_x`]).
    pub width: f64,
    /// Baseline of the bar's texts (the mode's name and the speedup).
    pub text_y: f64,
    /// Where the speedup's text starts, just right of the bar's end.
    pub value_x: f64,
}

/// Everything the speedup chart draws.
#[derive(Clone, Debug, PartialEq)]
pub struct SpeedupLayout {
    /// Width of the chart.
    pub width: f64,
    /// Height of the chart (grows with the number of bars).
    pub height: f64,
    /// Left edge of every bar.
    pub bar_x: f64,
    /// Height of every bar.
    pub bar_height: f64,
    /// The measured modes, in the order given; modes without a median have no bar.
    pub bars: Vec<SpeedupBar>,
    /// The ideal speedup drawn (at least 1).
    pub ideal: f64,
    /// Position of the ideal's reference line.
    pub ideal_x: f64,
    /// Bottom end of the reference line (it starts at 0).
    pub ideal_y2: f64,
    /// Anchor (text end) of the ideal's label.
    pub ideal_label: (f64, f64),
}

/// Lays out the speedup of each `(mode, median)` over the slowest median, on a chart `width` wide, with the
/// reference line at `ideal_speedup` (at least 1). The axis runs from 0 to 10 % past the largest of the bars and
/// the ideal, so every bar and the line stay inside the chart.
pub fn layout_speedup(medians: &[(String, Option<f64>)], ideal_speedup: f64, width: f64) -> SpeedupLayout {
    let usable = |median: f64| median.is_finite() && median > 0.0;
    let measured: Vec<(&String, f64)> = medians
        .iter()
        .filter_map(|(mode, median)| median.map(|median| (mode, median)))
        .collect();
    let slowest = measured
        .iter()
        .map(|(_, median)| *median)
        .filter(|median| usable(*median))
        .fold(0.0, f64::max);
    let speedups: Vec<(&String, f64)> = measured
        .into_iter()
        .map(|(mode, median)| (mode, if usable(median) { slowest / median } else { 0.0 }))
        .collect();
    // `f64::max` ignores a NaN, so an ideal that is not a number becomes 1.
    let ideal = ideal_speedup.max(1.0);
    let top = speedups.iter().map(|(_, speedup)| *speedup).fold(ideal, f64::max) * HEADROOM;
    let x = |speedup: f64| LABEL_WIDTH + (width - LABEL_WIDTH - 10.0) * speedup / top;
    let height = ROW_HEIGHT * speedups.len() as f64 + FOOTER_HEIGHT;
    let bars = speedups
        .into_iter()
        .enumerate()
        .map(|(index, (mode, speedup))| {
            let y = ROW_HEIGHT * index as f64 + 4.0;
            SpeedupBar {
                mode: mode.clone(),
                speedup,
                y,
                width: x(speedup) - LABEL_WIDTH,
                text_y: y + 14.0,
                value_x: x(speedup) + 4.0,
            }
        })
        .collect();
    SpeedupLayout {
        width,
        height,
        bar_x: LABEL_WIDTH,
        bar_height: ROW_HEIGHT - 6.0,
        bars,
        ideal,
        ideal_x: x(ideal),
        ideal_y2: height - 16.0,
        ideal_label: (x(ideal) - 4.0, height - 4.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(medians: &[(&str, Option<f64>)]) -> Vec<(String, Option<f64>)> {
        medians
            .iter()
            .map(|(mode, median)| ((*mode).to_owned(), *median))
            .collect()
    }

    fn close(left: f64, right: f64) -> bool {
        (left - right).abs() < 1e-9
    }

    fn finite(layout: &SpeedupLayout) -> bool {
        let mut numbers = vec![layout.height, layout.ideal, layout.ideal_x, layout.ideal_y2];
        numbers.extend([layout.ideal_label.0, layout.ideal_label.1]);
        for bar in &layout.bars {
            numbers.extend([bar.speedup, bar.y, bar.width, bar.text_y, bar.value_x]);
        }
        numbers.iter().all(|number| number.is_finite())
    }

    #[test]
    fn bars_are_speedups_over_the_slowest_median() {
        let layout = layout_speedup(
            &rows(&[
                ("sequential", Some(400.0)),
                ("failed", None),
                ("pool", Some(100.0)),
            ]),
            4.0,
            600.0,
        );
        let speedups: Vec<(&str, f64)> = layout
            .bars
            .iter()
            .map(|bar| (bar.mode.as_str(), bar.speedup))
            .collect();
        assert_eq!(
            speedups,
            [("sequential", 1.0), ("pool", 4.0)],
            "a failed mode has no bar"
        );
        // The axis ends at 4 × 1.1 = 4.4 over 470 px from x = 120.
        let px_per_unit = 470.0 / 4.4;
        assert!(close(layout.bars[0].width, px_per_unit));
        assert!(close(layout.bars[1].width, 4.0 * px_per_unit));
        assert!(close(layout.bars[1].value_x, 120.0 + 4.0 * px_per_unit + 4.0));
        assert_eq!((layout.bars[0].y, layout.bars[1].y), (4.0, 26.0));
        assert_eq!((layout.bars[0].text_y, layout.bars[1].text_y), (18.0, 40.0));
        assert_eq!((layout.bar_x, layout.bar_height), (120.0, 16.0));
        assert_eq!(layout.height, 2.0 * 22.0 + 24.0);
        assert!(
            close(layout.ideal_x, 120.0 + 4.0 * px_per_unit),
            "the ideal meets the fastest bar's end"
        );
        assert_eq!(layout.ideal_y2, layout.height - 16.0);
        assert_eq!(layout.ideal_label, (layout.ideal_x - 4.0, layout.height - 4.0));
    }

    #[test]
    fn the_largest_of_bars_and_ideal_sets_the_axis_and_stays_inside() {
        let slow_ideal = layout_speedup(&rows(&[("a", Some(800.0)), ("b", Some(100.0))]), 2.0, 600.0);
        let fast_ideal = layout_speedup(&rows(&[("a", Some(800.0)), ("b", Some(100.0))]), 16.0, 600.0);
        for layout in [&slow_ideal, &fast_ideal] {
            for bar in &layout.bars {
                assert!(bar.width >= 0.0 && layout.bar_x + bar.width <= layout.width - 10.0);
            }
            assert!(layout.ideal_x <= layout.width - 10.0);
        }
        assert!(slow_ideal.ideal_x < slow_ideal.bar_x + slow_ideal.bars[1].width);
        assert!(fast_ideal.ideal_x > fast_ideal.bar_x + fast_ideal.bars[1].width);
        assert!(
            fast_ideal.bars[1].width < slow_ideal.bars[1].width,
            "a larger ideal shrinks the bars"
        );
    }

    #[test]
    fn the_ideal_is_at_least_one() {
        for ideal in [0.0, -3.0, f64::NAN] {
            let layout = layout_speedup(&rows(&[("a", Some(10.0))]), ideal, 600.0);
            assert_eq!(layout.ideal, 1.0);
            assert!(close(layout.ideal_x, layout.bar_x + layout.bars[0].width));
        }
    }

    #[test]
    fn zero_or_unusable_medians_draw_an_empty_bar_without_nan() {
        let layout = layout_speedup(
            &rows(&[
                ("zero", Some(0.0)),
                ("slow", Some(50.0)),
                ("nan", Some(f64::NAN)),
                ("infinite", Some(f64::INFINITY)),
            ]),
            1.0,
            600.0,
        );
        assert!(finite(&layout));
        let speedups: Vec<f64> = layout.bars.iter().map(|bar| bar.speedup).collect();
        assert_eq!(speedups, [0.0, 1.0, 0.0, 0.0]);
        assert_eq!(layout.bars[0].width, 0.0);
    }

    #[test]
    fn no_measured_mode_still_draws_the_ideal() {
        let layout = layout_speedup(&rows(&[("failed", None)]), 4.0, 600.0);
        assert!(layout.bars.is_empty());
        assert_eq!(layout.height, 24.0);
        assert!(finite(&layout));
        assert!(close(layout.ideal_x, 120.0 + 4.0 * 470.0 / 4.4));
    }
}
