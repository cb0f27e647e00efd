//! Pure chart geometry: scales, ticks and the timeline's lane layout here, the other charts' geometry in the
//! submodules. The SVG components only draw what these functions compute, so everything here is tested natively.

pub mod connections;
pub mod handoff;
pub mod requests;
pub mod speedup;

use crate::report::{Lane, Span};

/// A linear map from a domain (milliseconds) to a range (pixels).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LinearScale {
    /// The domain's ends.
    pub domain: (f64, f64),
    /// The range's ends.
    pub range: (f64, f64),
}

impl LinearScale {
    /// Maps a domain value to the range (a degenerate domain maps to the range's start).
    pub fn map(&self, value: f64) -> f64 {
        let span = self.domain.1 - self.domain.0;
        if span.abs() < f64::EPSILON {
            return self.range.0;
        }
        self.range.0 + (value - self.domain.0) / span * (self.range.1 - self.range.0)
    }

    /// Maps a range value back to the domain.
    pub fn invert(&self, position: f64) -> f64 {
        let span = self.range.1 - self.range.0;
        if span.abs() < f64::EPSILON {
            return self.domain.0;
        }
        self.domain.0 + (position - self.range.0) / span * (self.domain.1 - self.domain.0)
    }
}

/// Round tick values (steps of 1, 2 or 5 × 10^k) covering `[min, max]`, about `count` of them.
pub fn nice_ticks(min: f64, max: f64, count: usize) -> Vec<f64> {
    if !(min.is_finite() && max.is_finite()) || max <= min || count == 0 {
        return Vec::new();
    }
    let raw = (max - min) / count as f64;
    let magnitude = 10_f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|factor| factor * magnitude)
        .find(|step| *step >= raw)
        .unwrap_or(10.0 * magnitude);
    let first = (min / step).ceil() as i64;
    let last = (max / step).floor() as i64;
    (first..=last).map(|index| index as f64 * step).collect()
}

/// A tick label: whole milliseconds, or seconds past 10 s.
pub fn format_ms(ms: f64) -> String {
    if ms.abs() >= 10_000.0 {
        format!("{:.1} s", ms / 1_000.0)
    } else if ms.abs() >= 10.0 || ms == 0.0 {
        format!("{ms:.0} ms")
    } else {
        format!("{ms:.1} ms")
    }
}

/// One group of lanes (a mode's shown repeat), drawn on its own time origin so modes compare at a glance.
#[derive(Clone, Debug, PartialEq)]
pub struct Group {
    /// The group's heading (the mode).
    pub label: String,
    /// Time zero of the group, on the shared clock.
    pub origin_ms: f64,
    /// The group's spans.
    pub spans: Vec<Span>,
}

/// A lane's row in the layout.
#[derive(Clone, Debug, PartialEq)]
pub struct LaneRow {
    /// Which group it belongs to.
    pub group: usize,
    /// The lane.
    pub lane: Lane,
    /// Its top edge.
    pub y: f64,
}

/// A span placed on the chart.
#[derive(Clone, Debug, PartialEq)]
pub struct PlacedSpan {
    /// Index into [`TimelineLayout::rows`].
    pub row: usize,
    /// Left edge in pixels.
    pub x: f64,
    /// Width in pixels (at least 1, so short tasks stay visible).
    pub width: f64,
    /// Start relative to the group's origin.
    pub start_ms: f64,
    /// Duration.
    pub duration_ms: f64,
    /// The span's name.
    pub name: String,
}

/// Everything the timeline draws.
#[derive(Clone, Debug, PartialEq)]
pub struct TimelineLayout {
    /// Group headings and their baselines.
    pub headings: Vec<(String, f64)>,
    /// Lane rows, group by group, lanes in a fixed order (main, worker, pool threads, requests).
    pub rows: Vec<LaneRow>,
    /// Spans, clipped to the visible window.
    pub spans: Vec<PlacedSpan>,
    /// Tick positions and labels.
    pub ticks: Vec<(f64, String)>,
    /// The visible window, in milliseconds from each group's origin.
    pub window: (f64, f64),
    /// The time scale.
    pub scale: LinearScale,
    /// Total height.
    pub height: f64,
}

/// Sizes of the timeline.
pub const LANE_HEIGHT: f64 = 16.0;
/// Room for a group heading.
pub const HEADING_HEIGHT: f64 = 20.0;
/// Room for the tick labels at the top.
pub const AXIS_HEIGHT: f64 = 22.0;

/// Lays out `groups` between `label_width` and `width`; `window` zooms to a time window (ms from each origin).
pub fn layout_timeline(
    groups: &[Group],
    window: Option<(f64, f64)>,
    width: f64,
    label_width: f64,
) -> TimelineLayout {
    let longest = groups
        .iter()
        .flat_map(|group| group.spans.iter().map(move |span| span.end_ms - group.origin_ms))
        .fold(1.0, f64::max);
    let window = match window {
        Some((start, end)) if end > start => (start.max(0.0), end),
        _ => (0.0, longest),
    };
    let scale = LinearScale {
        domain: window,
        range: (label_width, width),
    };
    let mut headings = Vec::new();
    let mut rows = Vec::new();
    let mut spans = Vec::new();
    let mut y = AXIS_HEIGHT;
    for (group_index, group) in groups.iter().enumerate() {
        headings.push((group.label.clone(), y + HEADING_HEIGHT - 6.0));
        y += HEADING_HEIGHT;
        let mut lanes: Vec<Lane> = group.spans.iter().map(|span| span.lane).collect();
        crate::order::sort(&mut lanes);
        lanes.dedup();
        for lane in lanes {
            let row = rows.len();
            rows.push(LaneRow {
                group: group_index,
                lane,
                y,
            });
            for span in group.spans.iter().filter(|span| span.lane == lane) {
                let start = span.start_ms - group.origin_ms;
                let end = span.end_ms - group.origin_ms;
                if end < window.0 || start > window.1 {
                    continue;
                }
                let left = scale.map(start.max(window.0));
                let right = scale.map(end.min(window.1));
                spans.push(PlacedSpan {
                    row,
                    x: left,
                    width: (right - left).max(1.0),
                    start_ms: start,
                    duration_ms: span.duration_ms(),
                    name: span.name.clone(),
                });
            }
            y += LANE_HEIGHT;
        }
    }
    let ticks = nice_ticks(window.0, window.1, 6)
        .into_iter()
        .map(|tick| (scale.map(tick), format_ms(tick)))
        .collect();
    TimelineLayout {
        headings,
        rows,
        spans,
        ticks,
        window,
        scale,
        height: y + 4.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(lane: Lane, start_ms: f64, end_ms: f64) -> Span {
        Span {
            lane,
            name: "task".to_owned(),
            start_ms,
            end_ms,
        }
    }

    #[test]
    fn scales_map_and_invert() {
        let scale = LinearScale {
            domain: (0.0, 100.0),
            range: (100.0, 300.0),
        };
        assert_eq!(scale.map(50.0), 200.0);
        assert_eq!(scale.invert(200.0), 50.0);
    }

    #[test]
    fn ticks_are_round() {
        assert_eq!(
            nice_ticks(0.0, 1000.0, 5),
            vec![0.0, 200.0, 400.0, 600.0, 800.0, 1000.0]
        );
        assert_eq!(nice_ticks(0.0, 7.0, 6), vec![0.0, 2.0, 4.0, 6.0]);
        assert!(nice_ticks(5.0, 5.0, 4).is_empty());
        assert_eq!(format_ms(12_500.0), "12.5 s");
        assert_eq!(format_ms(2.5), "2.5 ms");
    }

    #[test]
    fn lanes_are_grouped_ordered_and_aligned_on_each_origin() {
        let groups = vec![
            Group {
                label: "main".to_owned(),
                origin_ms: 1_000.0,
                spans: vec![span(Lane::Main, 1_000.0, 1_200.0)],
            },
            Group {
                label: "pool".to_owned(),
                origin_ms: 5_000.0,
                spans: vec![
                    span(Lane::Pool(1), 5_010.0, 5_100.0),
                    span(Lane::Main, 5_000.0, 5_110.0),
                    span(Lane::Pool(0), 5_005.0, 5_100.0),
                ],
            },
        ];
        let layout = layout_timeline(&groups, None, 1_000.0, 200.0);
        let lanes: Vec<(usize, Lane)> = layout.rows.iter().map(|row| (row.group, row.lane)).collect();
        assert_eq!(
            lanes,
            [
                (0, Lane::Main),
                (1, Lane::Main),
                (1, Lane::Pool(0)),
                (1, Lane::Pool(1))
            ]
        );
        assert_eq!(layout.window, (0.0, 200.0), "the longest group sets the axis");
        assert_eq!(layout.spans[0].x, 200.0);
        assert_eq!(layout.spans[0].width, 800.0);
        let pool_one = layout
            .spans
            .iter()
            .find(|placed| layout.rows[placed.row].lane == Lane::Pool(1))
            .unwrap();
        assert_eq!(pool_one.start_ms, 10.0);
        assert_eq!(pool_one.x, 240.0);
    }

    #[test]
    fn zooming_clips_to_the_window() {
        let groups = vec![Group {
            label: "pool".to_owned(),
            origin_ms: 0.0,
            spans: vec![span(Lane::Pool(0), 0.0, 10.0), span(Lane::Pool(0), 50.0, 100.0)],
        }];
        let layout = layout_timeline(&groups, Some((40.0, 80.0)), 500.0, 100.0);
        assert_eq!(layout.spans.len(), 1);
        assert_eq!((layout.spans[0].x, layout.spans[0].width), (200.0, 300.0));
    }
}
