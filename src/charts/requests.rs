//! The request table's bars: each request drawn on its mode's own time axis, from the mode's first start to its
//! last end, so the modes compare at a glance. Positions are percentages of the bar cell's width. A request's
//! wait for a connection is drawn as the first part of its bar.

use crate::io::{IoMode, RequestRecord};

/// The shortest axis, so a mode whose requests all took no time still has a scale.
const MIN_EXTENT_MS: f64 = 1.0;
/// The narrowest bar, so an instant request stays visible.
const MIN_WIDTH_PERCENT: f64 = 0.5;

/// The times of one request, on the shared clock.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RequestTimes {
    /// The mode that made it.
    pub mode: IoMode,
    /// When it started.
    pub start_ms: f64,
    /// When its response headers arrived.
    pub headers_ms: Option<f64>,
    /// When it ended; `None` while in flight.
    pub end_ms: Option<f64>,
    /// How long it waited for a connection, where that was measured.
    pub queued_ms: Option<f64>,
}

impl From<&RequestRecord> for RequestTimes {
    fn from(record: &RequestRecord) -> RequestTimes {
        RequestTimes {
            mode: record.mode,
            start_ms: record.start_ms,
            headers_ms: record.headers_ms,
            end_ms: record.end_ms,
            queued_ms: record.queued_ms,
        }
    }
}

/// One mode's time axis.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ModeAxis {
    /// The mode.
    pub mode: IoMode,
    /// Time zero of the axis: the mode's first start, on the shared clock.
    pub origin_ms: f64,
    /// Length of the axis: to the mode's last end (now for a request in flight), at least 1 ms.
    pub extent_ms: f64,
}

/// One request's bar.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RequestBar {
    /// Index into [`RequestLayout::axes`].
    pub axis: usize,
    /// Start, from the axis's origin.
    pub start_ms: f64,
    /// End, from the axis's origin; `None` while in flight.
    pub end_ms: Option<f64>,
    /// Left edge, in percent of the axis (0–100).
    pub left_percent: f64,
    /// Width, in percent of the axis: at least 0.5 so an instant request shows, otherwise no further than the
    /// axis's end. A request in flight runs to the axis's end.
    pub width_percent: f64,
    /// Where the headers arrived, in percent of the axis (0–100).
    pub headers_percent: Option<f64>,
    /// The wait for a connection, from the bar's left edge, in percent of the axis: never wider than the bar.
    /// `None` where the wait was not measured.
    pub wait_percent: Option<f64>,
}

/// The request table's bars.
#[derive(Clone, Debug, PartialEq)]
pub struct RequestLayout {
    /// One axis per mode, in the order the modes first appear.
    pub axes: Vec<ModeAxis>,
    /// One bar per request, in the order given (one for each, so a view can zip them).
    pub bars: Vec<RequestBar>,
}

/// A percentage kept within the axis (0 for one that is not a number).
fn on_axis(percent: f64) -> f64 {
    if percent.is_nan() {
        0.0
    } else {
        percent.clamp(0.0, 100.0)
    }
}

/// Lays out `requests` on one axis per mode; a request in flight counts as ending at `now_ms`.
pub fn layout_requests(requests: &[RequestTimes], now_ms: f64) -> RequestLayout {
    // Each mode's axis, computed once (not once per row: N × modes rows), and each request's axis.
    let mut ranges: Vec<(IoMode, f64, f64)> = Vec::new();
    let mut axis_of = Vec::with_capacity(requests.len());
    for request in requests {
        let end = request.end_ms.unwrap_or(now_ms);
        match ranges.iter().position(|(mode, ..)| *mode == request.mode) {
            Some(index) => {
                let (_, first, last) = &mut ranges[index];
                *first = first.min(request.start_ms);
                *last = last.max(end);
                axis_of.push(index);
            }
            None => {
                axis_of.push(ranges.len());
                ranges.push((request.mode, request.start_ms, end));
            }
        }
    }
    let axes: Vec<ModeAxis> = ranges
        .into_iter()
        .map(|(mode, first, last)| ModeAxis {
            mode,
            origin_ms: first,
            extent_ms: (last - first).max(MIN_EXTENT_MS),
        })
        .collect();
    let bars = requests
        .iter()
        .zip(axis_of)
        .map(|(request, axis)| {
            let ModeAxis {
                origin_ms, extent_ms, ..
            } = axes[axis];
            let scale = 100.0 / extent_ms;
            let start_ms = request.start_ms - origin_ms;
            let end_ms = request.end_ms.map(|end| end - origin_ms);
            let left_percent = on_axis(start_ms * scale);
            let bar_end = end_ms.unwrap_or(extent_ms);
            let width = (bar_end - start_ms) * scale;
            let width_percent = if width.is_nan() {
                MIN_WIDTH_PERCENT
            } else {
                width.min(100.0 - left_percent).max(MIN_WIDTH_PERCENT)
            };
            RequestBar {
                axis,
                start_ms,
                end_ms,
                left_percent,
                width_percent,
                headers_percent: request
                    .headers_ms
                    .map(|headers| on_axis((headers - origin_ms) * scale)),
                wait_percent: request
                    .queued_ms
                    .map(|queued| on_axis(queued * scale).min(width_percent)),
            }
        })
        .collect();
    RequestLayout { axes, bars }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(mode: IoMode, start_ms: f64, headers_ms: Option<f64>, end_ms: Option<f64>) -> RequestTimes {
        RequestTimes {
            mode,
            start_ms,
            headers_ms,
            end_ms,
            queued_ms: None,
        }
    }

    fn finite(layout: &RequestLayout) -> bool {
        layout
            .axes
            .iter()
            .all(|axis| axis.origin_ms.is_finite() && axis.extent_ms.is_finite())
            && layout.bars.iter().all(|bar| {
                bar.left_percent.is_finite()
                    && bar.width_percent.is_finite()
                    && bar.headers_percent.is_none_or(f64::is_finite)
                    && bar.wait_percent.is_none_or(f64::is_finite)
            })
    }

    #[test]
    fn each_mode_has_its_own_axis() {
        let requests = [
            request(IoMode::Sequential, 1_000.0, Some(1_050.0), Some(1_100.0)),
            request(IoMode::Concurrent, 5_000.0, Some(5_020.0), Some(5_100.0)),
            request(IoMode::Sequential, 1_100.0, Some(1_300.0), Some(1_400.0)),
            request(IoMode::Concurrent, 5_000.0, None, Some(5_050.0)),
        ];
        let layout = layout_requests(&requests, 9_000.0);
        assert_eq!(
            layout.axes,
            [
                ModeAxis {
                    mode: IoMode::Sequential,
                    origin_ms: 1_000.0,
                    extent_ms: 400.0
                },
                ModeAxis {
                    mode: IoMode::Concurrent,
                    origin_ms: 5_000.0,
                    extent_ms: 100.0
                },
            ]
        );
        let axes: Vec<usize> = layout.bars.iter().map(|bar| bar.axis).collect();
        assert_eq!(axes, [0, 1, 0, 1]);
        let second = layout.bars[2];
        assert_eq!((second.start_ms, second.end_ms), (100.0, Some(400.0)));
        assert_eq!((second.left_percent, second.width_percent), (25.0, 75.0));
        assert_eq!(second.headers_percent, Some(75.0));
        assert_eq!(
            (layout.bars[0].left_percent, layout.bars[0].width_percent),
            (0.0, 25.0)
        );
        assert_eq!(layout.bars[1].width_percent, 100.0);
        assert_eq!(layout.bars[1].headers_percent, Some(20.0));
        assert_eq!(layout.bars[3].width_percent, 50.0);
        assert_eq!(layout.bars[3].headers_percent, None);
    }

    #[test]
    fn a_request_in_flight_runs_to_now() {
        let requests = [
            request(IoMode::Concurrent, 0.0, Some(10.0), Some(20.0)),
            request(IoMode::Concurrent, 40.0, None, None),
        ];
        let layout = layout_requests(&requests, 200.0);
        assert_eq!(layout.axes[0].extent_ms, 200.0, "now extends the axis");
        let flying = layout.bars[1];
        assert_eq!(flying.end_ms, None);
        assert_eq!((flying.left_percent, flying.width_percent), (20.0, 80.0));
        assert_eq!(layout.bars[0].width_percent, 10.0);
    }

    #[test]
    fn a_zero_length_mode_gets_a_one_millisecond_axis() {
        let requests = [
            request(IoMode::Race, 500.0, Some(500.0), Some(500.0)),
            request(IoMode::Race, 500.0, None, Some(500.0)),
        ];
        let layout = layout_requests(&requests, 500.0);
        assert_eq!(layout.axes[0].extent_ms, 1.0);
        assert!(finite(&layout));
        for bar in &layout.bars {
            assert_eq!(
                (bar.left_percent, bar.width_percent),
                (0.0, 0.5),
                "an instant stays visible"
            );
        }
        assert_eq!(layout.bars[0].headers_percent, Some(0.0));
    }

    #[test]
    fn positions_stay_on_the_axis() {
        let requests = [
            // Headers before the start and an end before the start: a clock that went wrong.
            request(IoMode::Bounded, 100.0, Some(50.0), Some(90.0)),
            request(IoMode::Bounded, 100.0, Some(300.0), Some(200.0)),
            // Still in flight, with `now` behind its start.
            request(IoMode::Single, 100.0, None, None),
            // Starts after its mode's last end.
            request(IoMode::Concurrent, 0.0, None, Some(400.0)),
            request(IoMode::Concurrent, 500.0, Some(450.0), Some(300.0)),
        ];
        let layout = layout_requests(&requests, 50.0);
        assert!(finite(&layout));
        for bar in &layout.bars {
            assert!((0.0..=100.0).contains(&bar.left_percent));
            assert!(bar.width_percent >= 0.5 && bar.left_percent + bar.width_percent <= 100.5);
            assert!(
                bar.headers_percent
                    .is_none_or(|headers| (0.0..=100.0).contains(&headers))
            );
        }
        assert_eq!(layout.bars[0].headers_percent, Some(0.0));
        assert_eq!(layout.bars[0].width_percent, 0.5);
        assert_eq!(layout.bars[1].headers_percent, Some(100.0));
        assert_eq!(
            layout.axes[1].extent_ms, 1.0,
            "a mode that ends before it starts has the shortest axis"
        );
        assert_eq!(
            (layout.bars[2].left_percent, layout.bars[2].width_percent),
            (0.0, 100.0)
        );
        assert_eq!(layout.axes[2].extent_ms, 400.0);
        assert_eq!(
            (layout.bars[4].left_percent, layout.bars[4].width_percent),
            (100.0, 0.5)
        );
        assert_eq!(layout.bars[4].start_ms, 500.0, "the time itself is not clamped");
        assert_eq!(layout.bars[4].headers_percent, Some(100.0));
    }

    #[test]
    fn the_wait_for_a_connection_is_the_first_part_of_the_bar() {
        let waited = |queued_ms: Option<f64>| RequestTimes {
            queued_ms,
            ..request(IoMode::Concurrent, 0.0, Some(550.0), Some(600.0))
        };
        let requests = [
            waited(Some(0.4)),
            waited(Some(300.0)),
            waited(None),
            // A wait longer than the request (a clock that went wrong) stays within its bar.
            waited(Some(900.0)),
            waited(Some(f64::NAN)),
        ];
        let layout = layout_requests(&requests, 600.0);
        let waits: Vec<Option<f64>> = layout.bars.iter().map(|bar| bar.wait_percent).collect();
        assert_eq!(waits, [Some(0.4 / 6.0), Some(50.0), None, Some(100.0), Some(0.0)]);
        assert!(finite(&layout));
    }

    #[test]
    fn later_starts_are_further_right() {
        let requests: Vec<RequestTimes> = (0..10)
            .map(|index| {
                let start = f64::from(index) * 30.0;
                request(IoMode::Sequential, start, None, Some(start + 30.0))
            })
            .collect();
        let layout = layout_requests(&requests, 1_000.0);
        for pair in layout.bars.windows(2) {
            assert!(pair[0].left_percent < pair[1].left_percent);
            assert!((pair[0].left_percent + pair[0].width_percent - pair[1].left_percent).abs() < 1e-9);
        }
        let last = layout.bars[9];
        assert!((last.left_percent + last.width_percent - 100.0).abs() < 1e-9);
    }
}
