//! The I/O lab: the same N requests awaited one by one, all at once, at most k at a time, or raced.
//! This module is pure (the scheduler is generic over the fetch function, so it is tested natively with fake
//! requests); [`crate::page::fetch`] performs real requests through the browser. [`connections`] reads what
//! Resource Timing says about each request's connection.

pub mod connections;

use futures::stream::{FuturesUnordered, StreamExt};
use serde::{Deserialize, Serialize};
use std::future::Future;

/// How the requests of one run are awaited.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum IoMode {
    /// One request only: the baseline latency.
    Single,
    /// Await each request before starting the next (`for url in urls: await fetch(url)`).
    Sequential,
    /// Start all and wait for all (`asyncio.gather`).
    Concurrent,
    /// At most `k` in flight at once (a semaphore around `gather`).
    Bounded,
    /// Start all; the first success wins and the rest are aborted.
    Race,
}

impl IoMode {
    /// Every mode, in the order one Run executes them.
    pub const ALL: [IoMode; 5] = [
        IoMode::Single,
        IoMode::Sequential,
        IoMode::Concurrent,
        IoMode::Bounded,
        IoMode::Race,
    ];

    /// The stable identifier used in URLs and test ids (`io-mode-<id>`).
    pub fn id(self) -> &'static str {
        match self {
            IoMode::Single => "single",
            IoMode::Sequential => "sequential",
            IoMode::Concurrent => "concurrent",
            IoMode::Bounded => "bounded",
            IoMode::Race => "race",
        }
    }

    /// The `data-mode` of this mode's rows: `io-<id>`, distinct from the CPU modes.
    pub fn row_id(self) -> String {
        format!("io-{}", self.id())
    }

    /// Parses an identifier made by [`IoMode::id`].
    pub fn from_id(id: &str) -> Option<IoMode> {
        IoMode::ALL.into_iter().find(|mode| mode.id() == id)
    }

    /// How many requests this mode makes out of `n`.
    pub fn request_count(self, n: usize) -> usize {
        match self {
            IoMode::Single => n.min(1),
            _ => n,
        }
    }

    /// A one-line description, with the Python it mirrors.
    pub fn describe(self) -> &'static str {
        match self {
            IoMode::Single => "one request: the latency of one",
            IoMode::Sequential => "await each in turn (for … : await fetch)",
            IoMode::Concurrent => "all at once, joined (asyncio.gather)",
            IoMode::Bounded => "at most k in flight (a semaphore)",
            IoMode::Race => "first success wins, the rest are aborted",
        }
    }
}

/// Why one request failed. The kind names are the `data-error` contract.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum FetchError {
    /// The URL is malformed or uses a scheme other than http(s); nothing was sent.
    #[error("invalid URL: {0}")]
    InvalidUrl(String),
    /// The browser reported a network failure: refused or reset connection, unknown host, or a cross-origin
    /// response without CORS permission (the browser deliberately does not say which).
    #[error(
        "network error: {0} (connection refused, host unreachable, or blocked by CORS — browsers do not say which)"
    )]
    Network(String),
    /// The server answered with a 4xx or 5xx status.
    #[error("HTTP {0}")]
    Http(u16),
    /// No complete response within the time limit.
    #[error("timed out after {0} ms")]
    Timeout(u32),
    /// Stopped by the user, or lost a race.
    #[error("aborted")]
    Aborted,
}

impl FetchError {
    /// The short kind: `invalid-url`, `network`, `http`, `timeout` or `aborted`.
    pub fn kind(&self) -> &'static str {
        match self {
            FetchError::InvalidUrl(_) => "invalid-url",
            FetchError::Network(_) => "network",
            FetchError::Http(_) => "http",
            FetchError::Timeout(_) => "timeout",
            FetchError::Aborted => "aborted",
        }
    }
}

/// Checks a target as typed, before anything is fetched: empty text and every scheme but http(s) are refused
/// (`javascript:`, `data:`, `file:`, …). Relative URLs are allowed; they resolve against the page.
///
/// # Errors
/// [`FetchError::InvalidUrl`] naming the problem.
pub fn check_target(target: &str) -> Result<(), FetchError> {
    let target = target.trim();
    if target.is_empty() {
        return Err(FetchError::InvalidUrl("empty".to_owned()));
    }
    if target.chars().any(char::is_control) {
        return Err(FetchError::InvalidUrl("contains control characters".to_owned()));
    }
    if let Some((scheme, _)) = target.split_once(':') {
        let is_scheme = scheme.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
        if is_scheme && !matches!(scheme.to_ascii_lowercase().as_str(), "http" | "https") {
            return Err(FetchError::InvalidUrl(format!(
                "the {}: scheme is not allowed (http and https only)",
                scheme.to_ascii_lowercase()
            )));
        }
    }
    Ok(())
}

/// Runs `count` requests in `mode` (with at most `limit` in flight for [`IoMode::Bounded`]) and returns every
/// request's result in index order. In a race, the requests still running when the first success arrives are
/// dropped, which aborts them, and reported as [`FetchError::Aborted`].
pub async fn schedule<T, F, Fut>(
    mode: IoMode,
    count: usize,
    limit: usize,
    fetch: F,
) -> Vec<Result<T, FetchError>>
where
    F: Fn(usize) -> Fut,
    Fut: Future<Output = Result<T, FetchError>>,
{
    let count = mode.request_count(count);
    let indexed = |index: usize| {
        let request = fetch(index);
        async move { (index, request.await) }
    };
    let mut slots: Vec<Option<Result<T, FetchError>>> = (0..count).map(|_| None).collect();
    match mode {
        // lesson-code: sequential — shown on the lesson's page (build.rs)
        IoMode::Single | IoMode::Sequential => {
            for (index, slot) in slots.iter_mut().enumerate() {
                *slot = Some(fetch(index).await);
            }
        }
        // lesson-code-end: sequential
        // lesson-code: concurrent — shown on the lesson's page (build.rs)
        IoMode::Concurrent => {
            let mut running: FuturesUnordered<_> = (0..count).map(indexed).collect();
            while let Some((index, result)) = running.next().await {
                slots[index] = Some(result);
            }
        }
        // lesson-code-end: concurrent
        IoMode::Bounded => {
            let mut running = futures::stream::iter(0..count)
                .map(indexed)
                .buffer_unordered(limit.max(1));
            while let Some((index, result)) = running.next().await {
                slots[index] = Some(result);
            }
        }
        IoMode::Race => {
            let mut running: FuturesUnordered<_> = (0..count).map(indexed).collect();
            while let Some((index, result)) = running.next().await {
                let won = result.is_ok();
                slots[index] = Some(result);
                if won {
                    break;
                }
            }
            // Dropping the losers aborts them.
            drop(running);
        }
    }
    slots
        .into_iter()
        .map(|slot| slot.unwrap_or(Err(FetchError::Aborted)))
        .collect()
}

/// Chromium's limit on simultaneous HTTP/1.1 connections to one host.
pub const CONNECTIONS_PER_HOST: usize = 6;

/// One request as the lab records it; times are milliseconds on the shared clock.
#[derive(Clone, Debug, PartialEq)]
pub struct RequestRecord {
    /// The mode that made it.
    pub mode: IoMode,
    /// Its index within the mode's run.
    pub index: usize,
    /// The URL as typed (shown as text only).
    pub target: String,
    /// The origin it resolved to, empty when it did not resolve.
    pub origin: String,
    /// Whether the lab service worker answers it (no network, so no connection limit).
    pub lab: bool,
    /// When the request started.
    pub start_ms: f64,
    /// When its response headers arrived.
    pub headers_ms: Option<f64>,
    /// When it ended, successfully or not; `None` while in flight.
    pub end_ms: Option<f64>,
    /// The HTTP status of a completed request.
    pub status: Option<u16>,
    /// Body bytes of a completed request.
    pub bytes: u64,
    /// Why it failed.
    pub error: Option<FetchError>,
    /// The protocol Resource Timing reported (`http/1.1`, `h2`, …); `None` where it reported none (a service
    /// worker's response, a cross-origin response without `Timing-Allow-Origin`, a failed request).
    pub protocol: Option<String>,
    /// How long it waited for a connection before it was sent ([`connections::ResourceTiming::queued_ms`]);
    /// `None` where that was not measured.
    pub queued_ms: Option<f64>,
}

/// What one mode's run showed.
#[derive(Clone, Debug, PartialEq)]
pub struct IoSummary {
    /// The mode.
    pub mode: IoMode,
    /// When the mode started, on the shared clock.
    pub start_ms: f64,
    /// From the mode's start to its last request's end.
    pub wall_ms: f64,
    /// Requests that completed with a 2xx/3xx status.
    pub succeeded: usize,
    /// Requests that failed or were aborted.
    pub failed: usize,
    /// The longest single successful request.
    pub slowest_ms: f64,
    /// The most requests in flight at once.
    pub max_in_flight: usize,
    /// Waves of responses from the busiest network origin (0 when nothing went over the network).
    pub waves: usize,
    /// Explanations drawn from the measurements (the per-origin connection limit, ...).
    pub notes: Vec<String>,
}

/// Summarises one mode's requests.
pub fn summarize(mode: IoMode, start_ms: f64, end_ms: f64, records: &[RequestRecord]) -> IoSummary {
    let records: Vec<&RequestRecord> = records.iter().filter(|record| record.mode == mode).collect();
    let succeeded = records
        .iter()
        .filter(|record| record.error.is_none() && record.end_ms.is_some())
        .count();
    let slowest_ms = records
        .iter()
        .filter(|record| record.error.is_none())
        .filter_map(|record| record.end_ms.map(|end| end - record.start_ms))
        .fold(0.0, f64::max);
    let intervals: Vec<(f64, f64)> = records
        .iter()
        .map(|record| (record.start_ms, record.end_ms.unwrap_or(end_ms)))
        .collect();
    let mut notes = Vec::new();
    let mut waves = 0;
    let mut origins: Vec<&str> = records
        .iter()
        .filter(|record| !record.lab && !record.origin.is_empty())
        .map(|record| record.origin.as_str())
        .collect();
    crate::order::sort(&mut origins);
    origins.dedup();
    let timings: Vec<connections::RequestTiming> = records
        .iter()
        .map(|record| connections::RequestTiming::from(*record))
        .collect();
    let measured_waves = connections::connection_waves(&timings);
    for origin in origins {
        let to_origin: Vec<&&RequestRecord> =
            records.iter().filter(|record| record.origin == origin).collect();
        let arrivals: Vec<f64> = to_origin.iter().filter_map(|record| record.headers_ms).collect();
        let origin_waves = count_waves(start_ms, arrivals);
        waves = waves.max(origin_waves);
        // Where Resource Timing measured the waits, they say what happened, wave or not.
        if to_origin.iter().any(|record| record.queued_ms.is_some()) {
            notes.extend(
                measured_waves
                    .iter()
                    .filter(|wave| wave.origin == origin)
                    .map(|wave| format!("{}: {}", mode.id(), wave.sentence())),
            );
            continue;
        }
        let overlapping = max_in_flight(
            &to_origin
                .iter()
                .map(|record| (record.start_ms, record.end_ms.unwrap_or(end_ms)))
                .collect::<Vec<_>>(),
        );
        if overlapping > CONNECTIONS_PER_HOST && origin_waves >= 2 {
            notes.push(format!(
                "{} requests to {origin} were in flight together but came back in {origin_waves} waves: over \
                 HTTP/1.1 Chromium opens at most {CONNECTIONS_PER_HOST} connections per host and queues the rest \
                 (inferred from the arrivals: Resource Timing did not show each request's wait for a connection; \
                 a cross-origin server must send Timing-Allow-Origin for that).",
                to_origin.len()
            ));
        }
    }
    IoSummary {
        mode,
        start_ms,
        wall_ms: end_ms - start_ms,
        succeeded,
        failed: records.len() - succeeded,
        slowest_ms,
        max_in_flight: max_in_flight(&intervals),
        waves,
        notes,
    }
}

/// Groups response arrival times into waves: a new wave starts when the gap to the previous arrival exceeds
/// half the first arrival's latency. With Chromium's six connections per HTTP/1.1 host, twelve equal requests
/// arrive in two waves.
pub fn count_waves(start_ms: f64, mut arrivals_ms: Vec<f64>) -> usize {
    arrivals_ms.retain(|arrival| arrival.is_finite());
    crate::order::sort_by(&mut arrivals_ms, f64::total_cmp);
    let Some(&first) = arrivals_ms.first() else {
        return 0;
    };
    let threshold = ((first - start_ms) / 2.0).max(1.0);
    1 + arrivals_ms
        .windows(2)
        .filter(|pair| pair[1] - pair[0] > threshold)
        .count()
}

/// The most intervals `[start, end)` open at any instant.
pub fn max_in_flight(intervals: &[(f64, f64)]) -> usize {
    let mut edges: Vec<(f64, i32)> = intervals
        .iter()
        .flat_map(|&(start, end)| [(start, 1), (end, -1)])
        .collect();
    // Ends sort before starts at the same instant: back-to-back requests do not overlap.
    crate::order::sort_by(&mut edges, |a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let (mut open, mut most) = (0_i32, 0_i32);
    for (_, delta) in edges {
        open += delta;
        most = most.max(open);
    }
    usize::try_from(most).unwrap_or(0)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::cell::Cell;
    use std::pin::Pin;
    use std::task::{Context, Poll};

    /// A future that yields `turns` times before finishing, so fake requests interleave on one thread.
    pub(crate) struct Yield(pub(crate) u32);

    impl Future for Yield {
        type Output = ();
        fn poll(mut self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<()> {
            if self.0 == 0 {
                return Poll::Ready(());
            }
            self.0 -= 1;
            context.waker().wake_by_ref();
            Poll::Pending
        }
    }

    struct Gauge<'a> {
        open: &'a Cell<usize>,
        finished: &'a Cell<usize>,
    }

    impl<'a> Gauge<'a> {
        fn enter(open: &'a Cell<usize>, most: &'a Cell<usize>, finished: &'a Cell<usize>) -> Self {
            open.set(open.get() + 1);
            most.set(most.get().max(open.get()));
            Gauge { open, finished }
        }
    }

    impl Drop for Gauge<'_> {
        fn drop(&mut self) {
            self.open.set(self.open.get() - 1);
        }
    }

    fn run(
        mode: IoMode,
        count: usize,
        limit: usize,
        turns: impl Fn(usize) -> u32,
    ) -> (Vec<Result<usize, FetchError>>, usize, usize) {
        let (open, most, finished) = (Cell::new(0), Cell::new(0), Cell::new(0));
        let results = futures::executor::block_on(schedule(mode, count, limit, |index| {
            let turns = turns(index);
            let (open, most, finished) = (&open, &most, &finished);
            async move {
                let gauge = Gauge::enter(open, most, finished);
                Yield(turns).await;
                gauge.finished.set(gauge.finished.get() + 1);
                if index == 1 {
                    Err(FetchError::Http(500))
                } else {
                    Ok(index)
                }
            }
        }));
        (results, most.get(), finished.get())
    }

    #[test]
    fn bounded_never_exceeds_the_limit_and_finishes_everything() {
        for limit in 1..=4 {
            let (results, most, finished) = run(IoMode::Bounded, 9, limit, |index| 3 + (index as u32 % 4));
            assert_eq!(most, limit, "limit {limit}");
            assert_eq!(finished, 9);
            assert_eq!(results.len(), 9);
        }
    }

    #[test]
    fn sequential_has_one_in_flight_and_concurrent_has_all() {
        assert_eq!(run(IoMode::Sequential, 5, 0, |_| 2).1, 1);
        assert_eq!(run(IoMode::Concurrent, 5, 0, |_| 2).1, 5);
        let (results, _, finished) = run(IoMode::Single, 5, 0, |_| 2);
        assert_eq!((results.len(), finished), (1, 1));
    }

    #[test]
    fn failures_stay_on_their_request_and_siblings_complete() {
        let (results, _, _) = run(IoMode::Concurrent, 4, 0, |index| index as u32);
        assert_eq!(results[1], Err(FetchError::Http(500)));
        assert_eq!(results[3], Ok(3));
    }

    #[test]
    fn race_keeps_the_first_success_and_aborts_the_losers() {
        // Request 2 is fastest; 1 fails early and must not win.
        let (results, _, finished) = run(IoMode::Race, 5, 0, |index| match index {
            1 => 0,
            2 => 1,
            _ => 50,
        });
        assert_eq!(results[2], Ok(2));
        assert_eq!(results[1], Err(FetchError::Http(500)));
        for loser in [0, 3, 4] {
            assert_eq!(results[loser], Err(FetchError::Aborted));
        }
        assert_eq!(finished, 2, "the losers were dropped before they finished");
    }

    #[test]
    fn targets_are_checked_before_fetching() {
        for good in [
            "/lab/delay?ms=1",
            "http://127.0.0.1:9/x",
            "HTTPS://example.com",
            "sample.txt",
        ] {
            assert_eq!(check_target(good), Ok(()), "{good}");
        }
        for bad in [
            "",
            "   ",
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            "data:text/html,x",
            "file:///etc/passwd",
            "a\u{0}b",
        ] {
            assert_eq!(
                check_target(bad).map_err(|error| error.kind()),
                Err("invalid-url"),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn waves_and_overlap() {
        let twelve: Vec<f64> = (0..12)
            .map(|i| if i < 6 { 300.0 + i as f64 } else { 600.0 + i as f64 })
            .collect();
        assert_eq!(count_waves(0.0, twelve), 2);
        assert_eq!(count_waves(0.0, vec![300.0, 301.0, 302.0]), 1);
        assert_eq!(count_waves(0.0, vec![]), 0);
        assert_eq!(max_in_flight(&[(0.0, 1.0), (1.0, 2.0)]), 1);
        assert_eq!(max_in_flight(&[(0.0, 2.0), (1.0, 3.0), (1.5, 1.6)]), 3);
    }

    fn record(index: usize, origin: &str, headers_ms: f64) -> RequestRecord {
        RequestRecord {
            mode: IoMode::Concurrent,
            index,
            target: String::new(),
            origin: origin.to_owned(),
            lab: false,
            start_ms: 0.0,
            headers_ms: Some(headers_ms),
            end_ms: Some(headers_ms + 1.0),
            status: Some(200),
            bytes: 0,
            error: None,
            protocol: None,
            queued_ms: None,
        }
    }

    #[test]
    fn the_connection_cap_is_explained_only_when_waves_show_it() {
        let capped: Vec<RequestRecord> = (0..12)
            .map(|index| record(index, "http://127.0.0.1:1", if index < 6 { 300.0 } else { 600.0 }))
            .collect();
        let summary = summarize(IoMode::Concurrent, 0.0, 601.0, &capped);
        assert_eq!((summary.succeeded, summary.failed, summary.waves), (12, 0, 2));
        assert_eq!(summary.notes.len(), 1);
        assert!(summary.notes[0].contains("6 connections per host"));
        let parallel: Vec<RequestRecord> = (0..12).map(|index| record(index, "http://a", 300.0)).collect();
        assert!(
            summarize(IoMode::Concurrent, 0.0, 301.0, &parallel)
                .notes
                .is_empty()
        );
    }

    #[test]
    fn measured_waits_explain_the_wave_with_their_own_numbers() {
        let origin = "http://127.0.0.1:1";
        let measured = |index: usize, queued_ms: f64| RequestRecord {
            protocol: Some(connections::HTTP1.to_owned()),
            queued_ms: Some(queued_ms),
            end_ms: Some(queued_ms + 301.0),
            ..record(index, origin, queued_ms + 300.0)
        };
        // Five connections here, not six: the count comes from the requests that did not wait.
        let capped: Vec<RequestRecord> = (0..10)
            .map(|index| measured(index, if index < 5 { 1.0 } else { 302.0 }))
            .collect();
        let summary = summarize(IoMode::Concurrent, 0.0, 604.0, &capped);
        assert_eq!(summary.notes.len(), 1, "{:?}", summary.notes);
        assert!(
            summary.notes[0].starts_with(
                "concurrent: 10 requests to one HTTP/1.1 origin (http://127.0.0.1:1): 5 were sent at once, the \
                 other 5 waited a median 302 ms for a free connection"
            ),
            "{}",
            summary.notes[0]
        );
        assert!(!summary.notes[0].contains("inferred"));
        // Measured waits that show no wave silence the guess from the arrivals, even when the arrivals bunch.
        let unqueued: Vec<RequestRecord> = (0..12)
            .map(|index| RequestRecord {
                headers_ms: Some(if index < 6 { 300.0 } else { 600.0 }),
                ..measured(index, 0.5)
            })
            .collect();
        let summary = summarize(IoMode::Concurrent, 0.0, 601.0, &unqueued);
        assert_eq!(summary.waves, 2);
        assert!(summary.notes.is_empty(), "{:?}", summary.notes);
    }

    #[test]
    fn error_kinds_are_the_contract() {
        let kinds: Vec<&str> = [
            FetchError::Timeout(1),
            FetchError::Network(String::new()),
            FetchError::Http(404),
            FetchError::InvalidUrl(String::new()),
            FetchError::Aborted,
        ]
        .iter()
        .map(FetchError::kind)
        .collect();
        assert_eq!(kinds, ["timeout", "network", "http", "invalid-url", "aborted"]);
    }
}
