//! The hand-off chart's geometry: round-trip milliseconds against bytes moved, both on log axes — bytes on a
//! log₂ axis from 1 KiB to 64 MiB, milliseconds over whole decades — with one polyline per method.

use crate::report::HandoffMethod;

/// Width of the chart.
pub const WIDTH: f64 = 600.0;
/// Height of the chart.
pub const HEIGHT: f64 = 260.0;
/// Room for the millisecond labels left of the plot.
const LEFT: f64 = 56.0;
/// Space right of the plot.
const RIGHT: f64 = 12.0;
/// Room for the size labels under the plot.
const BOTTOM: f64 = 30.0;
/// Space above the plot.
const TOP: f64 = 10.0;
/// The x axis's ends, as log₂ of bytes: 1 KiB and 64 MiB.
const LOG2_BYTES: (f64, f64) = (10.0, 26.0);
/// The smallest round trip drawn (a zero or negative median sits on this line).
const FLOOR_MS: f64 = 0.001;
/// The y axis reaches at least this high, so a chart of sub-10 µs points still has a decade above them.
const CEILING_MS: f64 = 0.01;

/// One measured point: `(method, bytes, median round trip in ms)`.
pub type HandoffSample = (HandoffMethod, u64, f64);

/// A decade on the y axis: its grid line and label.
#[derive(Clone, Debug, PartialEq)]
pub struct DecadeTick {
    /// Height of the grid line.
    pub y: f64,
    /// `0.1 ms`, `1 ms`, `10 ms`.
    pub label: String,
}

/// A labelled size on the x axis.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SizeTick {
    /// Where the label is centred.
    pub x: f64,
    /// The size.
    pub bytes: u64,
}

/// Everything the hand-off chart draws.
#[derive(Clone, Debug, PartialEq)]
pub struct HandoffLayout {
    /// Width of the chart.
    pub width: f64,
    /// Height of the chart.
    pub height: f64,
    /// The plot's left and right edges (where the grid lines start and end).
    pub plot_x: (f64, f64),
    /// The decades of milliseconds, bottom up.
    pub decades: Vec<DecadeTick>,
    /// The labelled sizes, in the order given.
    pub sizes: Vec<SizeTick>,
    /// One polyline per method that has points, in [`HandoffMethod::ALL`]'s order: its SVG `points` string, the
    /// method's points in the order given.
    pub lines: Vec<(HandoffMethod, String)>,
    /// Each point's `(cx, cy)`, in the order given.
    pub points: Vec<(f64, f64)>,
}

/// Lays out `points` and labels the sizes in `size_ticks`. The y axis spans the whole decades around the
/// medians (at least one decade); a median at or below 1 µs sits on the 1 µs line, and a point outside the
/// axes (a size outside 1 KiB – 64 MiB, a median that is not finite) is pinned to the plot's edge.
pub fn layout_handoff(points: &[HandoffSample], size_ticks: &[u64]) -> HandoffLayout {
    let finite = || {
        points
            .iter()
            .map(|(_, _, median_ms)| *median_ms)
            .filter(|median_ms| median_ms.is_finite())
    };
    let low_ms = finite().fold(f64::INFINITY, f64::min).max(FLOOR_MS);
    // No finite point: an empty axis from 1 µs to 10 µs.
    let low_ms = if low_ms.is_finite() { low_ms } else { FLOOR_MS };
    let high_ms = finite().fold(CEILING_MS, f64::max);
    let y_low = low_ms.log10().floor();
    let y_high = high_ms.log10().ceil().max(y_low + 1.0);
    let (left, right) = (LEFT, WIDTH - RIGHT);
    let (top, bottom) = (TOP, HEIGHT - BOTTOM);
    let x = |bytes: u64| {
        let log2 = (bytes.max(1) as f64).log2();
        (left + (right - left) * (log2 - LOG2_BYTES.0) / (LOG2_BYTES.1 - LOG2_BYTES.0)).clamp(left, right)
    };
    let y = |ms: f64| {
        let decades = if ms.is_nan() {
            y_low
        } else {
            ms.max(FLOOR_MS).log10()
        };
        (bottom - (bottom - top) * (decades - y_low) / (y_high - y_low)).clamp(top, bottom)
    };
    let decades = (y_low as i32..=y_high as i32)
        .map(|power| {
            let ms = 10_f64.powi(power);
            DecadeTick {
                y: y(ms),
                label: format!("{ms} ms"),
            }
        })
        .collect();
    let sizes = size_ticks
        .iter()
        .map(|bytes| SizeTick {
            x: x(*bytes),
            bytes: *bytes,
        })
        .collect();
    let lines = HandoffMethod::ALL
        .into_iter()
        .filter(|method| points.iter().any(|(other, ..)| other == method))
        .map(|method| {
            let line = points
                .iter()
                .filter(|(other, ..)| *other == method)
                .map(|(_, bytes, median_ms)| format!("{:.1},{:.1}", x(*bytes), y(*median_ms)))
                .collect::<Vec<_>>()
                .join(" ");
            (method, line)
        })
        .collect();
    HandoffLayout {
        width: WIDTH,
        height: HEIGHT,
        plot_x: (left, right),
        decades,
        sizes,
        lines,
        points: points
            .iter()
            .map(|(_, bytes, median_ms)| (x(*bytes), y(*median_ms)))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KIB: u64 = 1 << 10;
    const MIB: u64 = 1 << 20;

    fn close(left: f64, right: f64) -> bool {
        (left - right).abs() < 1e-9
    }

    fn all_finite(layout: &HandoffLayout) -> bool {
        layout
            .points
            .iter()
            .all(|(cx, cy)| cx.is_finite() && cy.is_finite())
            && layout.decades.iter().all(|tick| tick.y.is_finite())
            && layout.sizes.iter().all(|tick| tick.x.is_finite())
            && layout
                .lines
                .iter()
                .all(|(_, line)| !line.contains("NaN") && !line.contains("inf"))
    }

    fn labels(layout: &HandoffLayout) -> Vec<&str> {
        layout.decades.iter().map(|tick| tick.label.as_str()).collect()
    }

    #[test]
    fn bytes_run_log2_from_one_kib_to_sixty_four_mib() {
        let layout = layout_handoff(&[], &[KIB, 4 * KIB, MIB, 64 * MIB]);
        let xs: Vec<f64> = layout.sizes.iter().map(|tick| tick.x).collect();
        // 532 px over 16 doublings: 33.25 px a doubling.
        assert_eq!(xs, [56.0, 56.0 + 2.0 * 33.25, 56.0 + 10.0 * 33.25, 588.0]);
        assert_eq!(layout.plot_x, (56.0, 588.0));
        assert_eq!((layout.width, layout.height), (600.0, 260.0));
    }

    #[test]
    fn medians_run_over_whole_decades() {
        let points = [
            (HandoffMethod::Clone, KIB, 0.05),
            (HandoffMethod::Clone, 64 * MIB, 120.0),
            (HandoffMethod::Transfer, 64 * MIB, 1.0),
        ];
        let layout = layout_handoff(&points, &[]);
        assert_eq!(
            labels(&layout),
            ["0.01 ms", "0.1 ms", "1 ms", "10 ms", "100 ms", "1000 ms"]
        );
        // Five decades over 220 px, from y = 230 up to y = 10.
        let ys: Vec<f64> = layout.decades.iter().map(|tick| tick.y).collect();
        for (index, y) in ys.iter().enumerate() {
            assert!(close(*y, 230.0 - 44.0 * index as f64), "{ys:?}");
        }
        assert!(close(layout.points[0].1, 230.0 - 44.0 * (0.05_f64.log10() + 2.0)));
        assert!(
            close(layout.points[2].1, 230.0 - 44.0 * 2.0),
            "1 ms sits on its grid line"
        );
        assert!(
            layout.points[1].1 < layout.points[2].1 && layout.points[2].1 < layout.points[0].1,
            "slower is higher"
        );
        assert_eq!(layout.points[0].0, 56.0);
        assert_eq!(layout.points[1].0, 588.0);
    }

    #[test]
    fn one_polyline_per_method_in_a_fixed_order() {
        let points = [
            (HandoffMethod::Shared, KIB, 1.0),
            (HandoffMethod::Clone, KIB, 1.0),
            (HandoffMethod::Shared, 4 * KIB, 10.0),
        ];
        let layout = layout_handoff(&points, &[]);
        assert_eq!(
            layout.lines,
            [
                (HandoffMethod::Clone, "56.0,230.0".to_owned()),
                (HandoffMethod::Shared, "56.0,230.0 122.5,10.0".to_owned()),
            ]
        );
        assert_eq!(layout.points, [(56.0, 230.0), (56.0, 230.0), (122.5, 10.0)]);
    }

    #[test]
    fn a_single_point_or_equal_medians_still_get_a_decade() {
        for points in [
            vec![(HandoffMethod::Transfer, MIB, 3.0)],
            vec![
                (HandoffMethod::Transfer, KIB, 3.0),
                (HandoffMethod::Clone, MIB, 3.0),
            ],
        ] {
            let layout = layout_handoff(&points, &[]);
            assert_eq!(labels(&layout), ["1 ms", "10 ms"]);
            assert!(all_finite(&layout));
            let expected = 230.0 - 220.0 * 3.0_f64.log10();
            assert!(layout.points.iter().all(|(_, cy)| close(*cy, expected)));
        }
        let exact = layout_handoff(&[(HandoffMethod::Clone, KIB, 1.0)], &[]);
        assert_eq!(labels(&exact), ["1 ms", "10 ms"]);
        assert_eq!(
            exact.points[0].1, 230.0,
            "a median on a decade sits at the bottom"
        );
    }

    #[test]
    fn zero_and_tiny_medians_sit_on_the_microsecond_floor() {
        let points = [
            (HandoffMethod::Shared, KIB, 0.0),
            (HandoffMethod::Shared, 4 * KIB, -1.0),
            (HandoffMethod::Clone, KIB, 0.0001),
        ];
        let layout = layout_handoff(&points, &[]);
        assert_eq!(labels(&layout), ["0.001 ms", "0.01 ms"]);
        assert!(all_finite(&layout));
        assert!(layout.points.iter().all(|(_, cy)| *cy == 230.0));
    }

    #[test]
    fn points_off_the_axes_are_pinned_to_the_plot() {
        let points = [
            (HandoffMethod::Clone, 0, f64::NAN),
            (HandoffMethod::Clone, 1 << 30, f64::INFINITY),
            (HandoffMethod::Transfer, 100, 5.0),
        ];
        let layout = layout_handoff(&points, &[0, 1 << 40]);
        assert!(all_finite(&layout));
        assert_eq!(
            labels(&layout),
            ["1 ms", "10 ms"],
            "only finite medians set the axis"
        );
        assert_eq!(layout.points[0], (56.0, 230.0));
        assert_eq!(layout.points[1], (588.0, 10.0));
        assert_eq!(layout.points[2].0, 56.0);
        let xs: Vec<f64> = layout.sizes.iter().map(|tick| tick.x).collect();
        assert_eq!(xs, [56.0, 588.0]);
    }

    #[test]
    fn nothing_measured_is_an_empty_decade() {
        let layout = layout_handoff(&[], &[]);
        assert_eq!(labels(&layout), ["0.001 ms", "0.01 ms"]);
        assert!(layout.lines.is_empty() && layout.points.is_empty());
        assert!(all_finite(&layout));
    }
}
