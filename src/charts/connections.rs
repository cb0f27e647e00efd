//! Connections on charts: each request's wait for a connection placed on the timeline (over the first part of
//! its span), and the connections preset's chart — wall time against N for an HTTP/1.1 origin and for the
//! built-in endpoint, N on a log₂ axis (3, 6, 12, 24 are evenly spaced).

use super::{LinearScale, TimelineLayout, nice_ticks};
use crate::report::{ConnectionTarget, Lane};

/// A request's wait for a connection, for the timeline.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Wait {
    /// The timeline group (mode) it belongs to, as in [`super::layout_timeline`]'s groups.
    pub group: usize,
    /// The request's lane.
    pub lane: Lane,
    /// When the request started, on the shared clock: the wait is drawn from there.
    pub start_ms: f64,
    /// How long it waited.
    pub queued_ms: f64,
}

/// A wait placed on the timeline.
#[derive(Clone, Debug, PartialEq)]
pub struct PlacedWait {
    /// Index into [`TimelineLayout::rows`].
    pub row: usize,
    /// Left edge in pixels.
    pub x: f64,
    /// Width in pixels.
    pub width: f64,
    /// Start relative to the group's origin.
    pub start_ms: f64,
    /// The wait.
    pub duration_ms: f64,
}

/// The narrowest wait drawn: one too short to see at this zoom is left out (its request's row says it).
const MIN_WAIT_WIDTH: f64 = 0.5;

/// Places `waits` on the rows of `layout`; `origins` are the groups' time origins (as given to
/// [`super::layout_timeline`]). Waits clip to the visible window like spans; a wait whose lane has no row is
/// left out.
pub fn place_waits(layout: &TimelineLayout, origins: &[f64], waits: &[Wait]) -> Vec<PlacedWait> {
    let window = layout.window;
    waits
        .iter()
        .filter(|wait| wait.queued_ms.is_finite() && wait.queued_ms > 0.0)
        .filter_map(|wait| {
            let row = layout
                .rows
                .iter()
                .position(|row| row.group == wait.group && row.lane == wait.lane)?;
            let start = wait.start_ms - origins.get(wait.group)?;
            let end = start + wait.queued_ms;
            if end < window.0 || start > window.1 {
                return None;
            }
            let left = layout.scale.map(start.max(window.0));
            let width = layout.scale.map(end.min(window.1)) - left;
            (width >= MIN_WAIT_WIDTH).then_some(PlacedWait {
                row,
                x: left,
                width,
                start_ms: start,
                duration_ms: wait.queued_ms,
            })
        })
        .collect()
}

/// One (target, N) of the connections preset.
#[derive(Clone, Debug, PartialEq)]
pub struct ConnectionPoint {
    /// Where the requests went.
    pub target: ConnectionTarget,
    /// N: requests started together.
    pub requests: u32,
    /// From the first request's start to the last one's end.
    pub wall_ms: f64,
    /// The median wait for a connection over the requests whose wait was measured; `None` when none was.
    pub median_wait_ms: Option<f64>,
}

/// The connections chart's geometry.
#[derive(Clone, Debug, PartialEq)]
pub struct ConnectionsLayout {
    /// The whole chart's size.
    pub width: f64,
    /// Its height.
    pub height: f64,
    /// The plot's left and right edges.
    pub plot_x: (f64, f64),
    /// The plot's bottom and top edges.
    pub plot_y: (f64, f64),
    /// N ticks: `(x, N)`, one per N measured.
    pub counts: Vec<(f64, u32)>,
    /// Time ticks: `(y, label)`.
    pub times: Vec<(f64, String)>,
    /// One polyline per target measured (`points` attribute), in [`ConnectionTarget::ALL`] order.
    pub lines: Vec<(ConnectionTarget, String)>,
    /// Each point's position, in the order given.
    pub points: Vec<(f64, f64)>,
}

/// Lays out `points` on a `width` × `height` chart: N on a log₂ axis through the Ns measured, wall time from 0
/// to a little above the longest.
pub fn layout_connections(points: &[ConnectionPoint], width: f64, height: f64) -> ConnectionsLayout {
    // Room on the right for the last N's label, centred on its point.
    let (left, right, bottom, top) = (56.0, width - 28.0, height - 30.0, 12.0);
    let mut counts: Vec<u32> = points.iter().map(|point| point.requests.max(1)).collect();
    crate::order::sort(&mut counts);
    counts.dedup();
    let log = |count: u32| f64::from(count.max(1)).log2();
    let (first, last) = match (counts.first(), counts.last()) {
        (Some(&first), Some(&last)) if last > first => (log(first), log(last)),
        (Some(&only), _) => (log(only) - 1.0, log(only) + 1.0),
        _ => (0.0, 1.0),
    };
    let x = LinearScale {
        domain: (first, last),
        range: (left, right),
    };
    let longest = points
        .iter()
        .map(|point| point.wall_ms)
        .filter(|wall| wall.is_finite())
        .fold(0.0, f64::max);
    let top_ms = if longest > 0.0 { longest * 1.1 } else { 1.0 };
    let y = LinearScale {
        domain: (0.0, top_ms),
        range: (bottom, top),
    };
    let place = |point: &ConnectionPoint| {
        let wall = if point.wall_ms.is_finite() {
            point.wall_ms.clamp(0.0, top_ms)
        } else {
            0.0
        };
        (x.map(log(point.requests)), y.map(wall))
    };
    let lines = ConnectionTarget::ALL
        .into_iter()
        .filter_map(|target| {
            let mut line: Vec<&ConnectionPoint> =
                points.iter().filter(|point| point.target == target).collect();
            if line.is_empty() {
                return None;
            }
            crate::order::sort_by_key(&mut line, |point| point.requests);
            let coordinates: Vec<String> = line
                .into_iter()
                .map(|point| {
                    let (px, py) = place(point);
                    format!("{px:.1},{py:.1}")
                })
                .collect();
            Some((target, coordinates.join(" ")))
        })
        .collect();
    ConnectionsLayout {
        width,
        height,
        plot_x: (left, right),
        plot_y: (bottom, top),
        counts: counts.iter().map(|&count| (x.map(log(count)), count)).collect(),
        times: nice_ticks(0.0, top_ms, 5)
            .into_iter()
            .map(|tick| (y.map(tick), format!("{tick:.0}")))
            .collect(),
        lines,
        points: points.iter().map(place).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::{Group, layout_timeline};
    use crate::report::Span;

    fn span(lane: Lane, start_ms: f64, end_ms: f64) -> Span {
        Span {
            lane,
            name: "GET".to_owned(),
            start_ms,
            end_ms,
        }
    }

    #[test]
    fn a_wait_covers_the_first_part_of_its_request() {
        let groups = vec![
            Group {
                label: "sequential".to_owned(),
                origin_ms: 0.0,
                spans: vec![span(Lane::Request(0), 0.0, 300.0)],
            },
            Group {
                label: "concurrent".to_owned(),
                origin_ms: 10_000.0,
                spans: vec![
                    span(Lane::Request(0), 10_000.0, 10_300.0),
                    span(Lane::Request(6), 10_000.0, 10_600.0),
                ],
            },
        ];
        let layout = layout_timeline(&groups, None, 700.0, 100.0);
        let waits = [
            // Request 6 of the second group waited 300 ms: half its lane, from its start.
            Wait {
                group: 1,
                lane: Lane::Request(6),
                start_ms: 10_000.0,
                queued_ms: 300.0,
            },
            // Too short to see, none at all, and a lane that is not drawn.
            Wait {
                group: 1,
                lane: Lane::Request(0),
                start_ms: 10_000.0,
                queued_ms: 0.2,
            },
            Wait {
                group: 0,
                lane: Lane::Request(0),
                start_ms: 0.0,
                queued_ms: 0.0,
            },
            Wait {
                group: 0,
                lane: Lane::Request(3),
                start_ms: 0.0,
                queued_ms: 100.0,
            },
        ];
        let placed = place_waits(&layout, &[0.0, 10_000.0], &waits);
        assert_eq!(placed.len(), 1, "{placed:?}");
        let wait = &placed[0];
        assert_eq!(layout.rows[wait.row].lane, Lane::Request(6));
        assert_eq!(layout.rows[wait.row].group, 1);
        assert_eq!((wait.x, wait.width), (100.0, 300.0));
        assert_eq!((wait.start_ms, wait.duration_ms), (0.0, 300.0));
        // Zoomed to 200–400 ms, the wait is clipped to what is visible.
        let zoomed = layout_timeline(&groups, Some((200.0, 400.0)), 700.0, 100.0);
        let placed = place_waits(&zoomed, &[0.0, 10_000.0], &waits[..1]);
        assert_eq!((placed[0].x, placed[0].width), (100.0, 300.0));
        let later = layout_timeline(&groups, Some((350.0, 600.0)), 700.0, 100.0);
        assert!(place_waits(&later, &[0.0, 10_000.0], &waits[..1]).is_empty());
    }

    fn point(target: ConnectionTarget, requests: u32, wall_ms: f64) -> ConnectionPoint {
        ConnectionPoint {
            target,
            requests,
            wall_ms,
            median_wait_ms: None,
        }
    }

    #[test]
    fn n_is_on_a_log_axis_and_each_target_has_its_line() {
        let points = [
            point(ConnectionTarget::Http1, 3, 300.0),
            point(ConnectionTarget::BuiltIn, 3, 300.0),
            point(ConnectionTarget::Http1, 6, 300.0),
            point(ConnectionTarget::BuiltIn, 6, 300.0),
            point(ConnectionTarget::Http1, 12, 600.0),
            point(ConnectionTarget::BuiltIn, 12, 300.0),
            point(ConnectionTarget::Http1, 24, 1_200.0),
            point(ConnectionTarget::BuiltIn, 24, 300.0),
        ];
        let layout = layout_connections(&points, 600.0, 260.0);
        let xs: Vec<f64> = layout.counts.iter().map(|(x, _)| *x).collect();
        let ns: Vec<u32> = layout.counts.iter().map(|(_, n)| *n).collect();
        assert_eq!(ns, [3, 6, 12, 24]);
        // Doubling N is one step: the four Ns are evenly spaced from edge to edge.
        assert_eq!(xs[0], 56.0);
        assert!((xs[3] - 572.0).abs() < 1e-9);
        for pair in xs.windows(2) {
            assert!((pair[1] - pair[0] - 172.0).abs() < 1e-9, "{xs:?}");
        }
        // Time runs up from the bottom: 0 at the plot's bottom, the longest wall 10 % below the top.
        let (bottom, top) = layout.plot_y;
        assert!((layout.points[0].1 - (bottom - (bottom - top) * 300.0 / 1_320.0)).abs() < 1e-9);
        assert!((layout.points[6].1 - (bottom - (bottom - top) / 1.1)).abs() < 1e-9);
        // The built-in endpoint's line is flat; the HTTP/1.1 origin's rises.
        assert_eq!(
            layout.lines.iter().map(|(target, _)| *target).collect::<Vec<_>>(),
            [ConnectionTarget::Http1, ConnectionTarget::BuiltIn]
        );
        let heights = |line: &str| -> Vec<String> {
            line.split(' ')
                .map(|pair| pair.split(',').nth(1).unwrap_or_default().to_owned())
                .collect()
        };
        let flat = heights(&layout.lines[1].1);
        assert!(flat.iter().all(|y| *y == flat[0]), "{flat:?}");
        let rising = heights(&layout.lines[0].1);
        assert_ne!(rising[0], rising[3]);
        assert!(layout.times.iter().any(|(_, label)| label == "1000"));
    }

    #[test]
    fn one_target_or_one_point_still_has_axes() {
        let layout = layout_connections(&[point(ConnectionTarget::BuiltIn, 12, 310.0)], 600.0, 260.0);
        assert_eq!(layout.lines.len(), 1);
        assert_eq!(layout.counts.len(), 1);
        assert!(
            (layout.counts[0].0 - 314.0).abs() < 1e-9,
            "a lone N sits in the middle"
        );
        let empty = layout_connections(&[], 600.0, 260.0);
        assert!(empty.lines.is_empty() && empty.points.is_empty() && empty.counts.is_empty());
        let odd = layout_connections(&[point(ConnectionTarget::Http1, 0, f64::NAN)], 600.0, 260.0);
        assert!(odd.points.iter().all(|(x, y)| x.is_finite() && y.is_finite()));
    }
}
