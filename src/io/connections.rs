//! Connections are a resource: what the browser's Resource Timing says about one request (the protocol it went
//! over, and how long it waited for a connection before it was sent) and the waves that a per-origin connection
//! limit makes. Pure: [`crate::page::fetch`] reads the browser's entry into a [`ResourceTiming`], everything
//! else is computed here and tested natively.

use serde::{Deserialize, Serialize};

use super::RequestRecord;
use crate::report::stats::Summary;

/// The protocol name Resource Timing gives HTTP/1.1 (`nextHopProtocol`, an ALPN id).
pub const HTTP1: &str = "http/1.1";

/// A request counts as having waited for a connection when its wait is at least this share of the requests'
/// typical time after they were sent (a quarter of a 300 ms request: 75 ms)…
pub const WAIT_SHARE: f64 = 0.25;

/// …and at least this many milliseconds, far above the clock's resolution and the few milliseconds a request
/// spends being handed to the network (or to a service worker) when nothing holds it back.
pub const MIN_WAIT_MS: f64 = 20.0;

/// The numbers the lab reads from one `PerformanceResourceTiming` entry, in milliseconds from the page's time
/// origin, as the browser gave them.
#[derive(Clone, Debug, PartialEq)]
pub struct ResourceTiming {
    /// `nextHopProtocol`: `http/1.1`, `h2`, `h3`, … — empty when the browser does not say (a response made by a
    /// service worker, or a cross-origin response without `Timing-Allow-Origin`).
    pub next_hop_protocol: String,
    /// `fetchStart`: after redirects and the service worker's decision to let the request through.
    pub fetch_start: f64,
    /// `domainLookupStart`.
    pub domain_lookup_start: f64,
    /// `domainLookupEnd`.
    pub domain_lookup_end: f64,
    /// `connectStart`.
    pub connect_start: f64,
    /// `connectEnd`.
    pub connect_end: f64,
    /// `requestStart`: when the request was sent — 0 when the browser hides the details (cross-origin without
    /// `Timing-Allow-Origin`).
    pub request_start: f64,
}

impl ResourceTiming {
    /// The protocol, or `None` where the browser reported none.
    pub fn protocol(&self) -> Option<String> {
        let protocol = self.next_hop_protocol.trim();
        (!protocol.is_empty()).then(|| protocol.to_owned())
    }

    /// How long the request waited between `fetchStart` and being sent, leaving out the time spent looking up
    /// the host and opening a connection: the wait for a free connection (Chromium records it between
    /// `connectEnd` and `requestStart` when it reuses a connection; the subtraction keeps it wherever it falls).
    /// `None` when the browser hid the details (`requestStart` is 0) or the numbers contradict each other —
    /// never a default 0.
    pub fn queued_ms(&self) -> Option<f64> {
        let numbers = [
            self.fetch_start,
            self.domain_lookup_start,
            self.domain_lookup_end,
            self.connect_start,
            self.connect_end,
            self.request_start,
        ];
        if numbers.iter().any(|number| !number.is_finite()) || self.request_start <= 0.0 {
            return None;
        }
        let lookup = (self.domain_lookup_end - self.domain_lookup_start).max(0.0);
        let connect = (self.connect_end - self.connect_start).max(0.0);
        let queued = self.request_start - self.fetch_start - lookup - connect;
        // A hair below zero is rounding of the coarsened clock; more is an entry that makes no sense.
        (queued > -1.0).then_some(queued.max(0.0))
    }
}

/// One request as the report keeps it for the connection analysis and the exports: where it went, how, and
/// how long it waited for a connection. Times are milliseconds on the shared clock.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RequestTiming {
    /// The request's index within its run (its lane is `request-<index>`).
    pub index: u32,
    /// The origin it went to; empty when the URL did not resolve.
    pub origin: String,
    /// Answered by the built-in endpoint (the lab's service worker): no network, no connection.
    pub lab: bool,
    /// When it started.
    pub start_ms: f64,
    /// When it ended; `None` if it never did.
    pub end_ms: Option<f64>,
    /// `nextHopProtocol`; `None` where the browser did not report one.
    pub protocol: Option<String>,
    /// The wait for a connection ([`ResourceTiming::queued_ms`]); `None` where it was not measured.
    pub queued_ms: Option<f64>,
}

impl From<&RequestRecord> for RequestTiming {
    fn from(record: &RequestRecord) -> RequestTiming {
        RequestTiming {
            index: u32::try_from(record.index).unwrap_or(u32::MAX),
            origin: record.origin.clone(),
            lab: record.lab,
            start_ms: record.start_ms,
            end_ms: record.end_ms,
            protocol: record.protocol.clone(),
            queued_ms: record.queued_ms,
        }
    }
}

impl RequestTiming {
    /// Its time after it was sent: the whole request less its wait for a connection.
    fn service_ms(&self) -> Option<f64> {
        Some(self.end_ms? - self.start_ms - self.queued_ms?).filter(|service| service.is_finite())
    }

    /// Whether it went over HTTP/1.1 with a measured wait.
    fn measured_http1(&self) -> bool {
        !self.lab && self.protocol.as_deref() == Some(HTTP1) && self.queued_ms.is_some()
    }
}

/// A wave seen at one HTTP/1.1 origin: of the requests started together, some were sent at once and the rest
/// waited for one of those connections to come free.
#[derive(Clone, Debug, PartialEq)]
pub struct ConnectionWave {
    /// The origin.
    pub origin: String,
    /// The requests started together (within the wait threshold of the first), with a measured wait.
    pub together: usize,
    /// How many of them were sent at once: the connections the browser opened (counted, not assumed).
    pub connections: usize,
    /// The waits of the others (median, min, max).
    pub waited: Summary,
    /// How many waited.
    pub waiting: usize,
    /// The median time of the origin's requests after they were sent.
    pub service_ms: f64,
}

impl ConnectionWave {
    /// The sentence that explains the wave with its numbers.
    pub fn sentence(&self) -> String {
        let wait = if self.waiting == 1 {
            format!("waited {:.0} ms", self.waited.median)
        } else if self.waited.max - self.waited.min >= MIN_WAIT_MS {
            format!(
                "waited a median {:.0} ms ({:.0}–{:.0} ms)",
                self.waited.median, self.waited.min, self.waited.max
            )
        } else {
            format!("waited a median {:.0} ms", self.waited.median)
        };
        let (sent, other) = match (self.connections, self.waiting) {
            (1, 1) => ("1 was sent at once".to_owned(), "the other".to_owned()),
            (1, waiting) => ("1 was sent at once".to_owned(), format!("the other {waiting}")),
            (sent, 1) => (format!("{sent} were sent at once"), "the other".to_owned()),
            (sent, waiting) => (
                format!("{sent} were sent at once"),
                format!("the other {waiting}"),
            ),
        };
        format!(
            "{} requests to one HTTP/1.1 origin ({}): {sent}, {other} {wait} for a free connection — the \
             browser's limit of connections per origin ({} here, counted from the requests that did not wait; \
             Python's httpx and aiohttp clients have their own pool limits, set in code).",
            self.together, self.origin, self.connections
        )
    }
}

/// The wait from which a request among `requests` counts as having waited for a connection: [`WAIT_SHARE`] of
/// their median time after they were sent, and at least [`MIN_WAIT_MS`]; `None` when no request has both times.
pub fn wait_threshold(requests: &[RequestTiming]) -> Option<f64> {
    let services: Vec<f64> = requests.iter().filter_map(RequestTiming::service_ms).collect();
    Some((WAIT_SHARE * Summary::of(&services)?.median).max(MIN_WAIT_MS))
}

/// The waves in `requests`, one per HTTP/1.1 origin that shows one. Only requests with a measured protocol of
/// `http/1.1` and a measured wait count. At each origin, the requests started together with the first (within
/// the wait threshold) are split by their wait: under the threshold they were sent at once, at or over it they
/// waited. The threshold is [`WAIT_SHARE`] of the origin's median time after sending, and at least
/// [`MIN_WAIT_MS`]. A wave needs both: at least one sent at once and at least one that waited; otherwise
/// nothing is claimed.
pub fn connection_waves(requests: &[RequestTiming]) -> Vec<ConnectionWave> {
    let mut origins: Vec<&str> = requests
        .iter()
        .filter(|request| request.measured_http1())
        .map(|request| request.origin.as_str())
        .collect();
    crate::order::sort(&mut origins);
    origins.dedup();
    origins
        .into_iter()
        .filter_map(|origin| {
            let mut to_origin: Vec<RequestTiming> = requests
                .iter()
                .filter(|request| request.measured_http1() && request.origin == origin)
                .cloned()
                .collect();
            crate::order::sort_by(&mut to_origin, |a, b| a.start_ms.total_cmp(&b.start_ms));
            let services: Vec<f64> = to_origin.iter().filter_map(RequestTiming::service_ms).collect();
            let service_ms = Summary::of(&services)?.median;
            let threshold = wait_threshold(&to_origin)?;
            let first = to_origin.first()?.start_ms;
            let together: Vec<f64> = to_origin
                .iter()
                .filter(|request| request.start_ms - first < threshold)
                .filter_map(|request| request.queued_ms)
                .collect();
            let waits: Vec<f64> = together
                .iter()
                .copied()
                .filter(|queued| *queued >= threshold)
                .collect();
            let connections = together.len() - waits.len();
            let waited = Summary::of(&waits)?;
            (connections >= 1).then(|| ConnectionWave {
                origin: origin.to_owned(),
                together: together.len(),
                connections,
                waited,
                waiting: waits.len(),
                service_ms,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(protocol: &str, request_start: f64) -> ResourceTiming {
        ResourceTiming {
            next_hop_protocol: protocol.to_owned(),
            fetch_start: 101.0,
            domain_lookup_start: 101.0,
            domain_lookup_end: 101.0,
            connect_start: 101.0,
            connect_end: 101.0,
            request_start,
        }
    }

    #[test]
    fn the_wait_leaves_out_lookup_and_connect() {
        // A fresh connection: 2 ms of DNS and 3 ms of connect before sending are work, not waiting.
        let fresh = ResourceTiming {
            domain_lookup_start: 101.0,
            domain_lookup_end: 103.0,
            connect_start: 103.0,
            connect_end: 106.0,
            request_start: 106.5,
            ..entry(HTTP1, 0.0)
        };
        assert_eq!(fresh.queued_ms(), Some(0.5));
        // Chromium's seventh request to an HTTP/1.1 origin: a reused connection, sent 300 ms late.
        let queued = entry(HTTP1, 401.3);
        assert!((queued.queued_ms().unwrap() - 300.3).abs() < 1e-9);
        assert_eq!(queued.protocol().as_deref(), Some(HTTP1));
    }

    #[test]
    fn hidden_or_contradictory_timings_are_not_measured() {
        // Cross-origin without Timing-Allow-Origin: requestStart is 0 and the protocol empty.
        let hidden = entry("", 0.0);
        assert_eq!(hidden.queued_ms(), None);
        assert_eq!(hidden.protocol(), None);
        // Sent before it was fetched: not a wait of any length.
        assert_eq!(entry(HTTP1, 50.0).queued_ms(), None);
        assert_eq!(entry(HTTP1, f64::NAN).queued_ms(), None);
        // Rounding of a coarsened clock is a wait of 0, measured.
        assert_eq!(entry(HTTP1, 100.9).queued_ms(), Some(0.0));
        // A service worker's own response: measured, no protocol.
        let served = entry("", 101.2);
        assert_eq!(served.protocol(), None);
        assert!((served.queued_ms().unwrap() - 0.2).abs() < 1e-9);
    }

    fn request(index: u32, origin: &str, start_ms: f64, queued_ms: f64, service_ms: f64) -> RequestTiming {
        RequestTiming {
            index,
            origin: origin.to_owned(),
            lab: false,
            start_ms,
            end_ms: Some(start_ms + queued_ms + service_ms),
            protocol: Some(HTTP1.to_owned()),
            queued_ms: Some(queued_ms),
        }
    }

    /// `count` requests started together at `origin`, `connections` at a time, each served in 300 ms.
    fn burst(origin: &str, count: u32, connections: u32) -> Vec<RequestTiming> {
        (0..count)
            .map(|index| {
                let wave = f64::from(index / connections);
                request(
                    index,
                    origin,
                    1_000.0 + f64::from(index) * 0.3,
                    wave * 301.0 + 0.4,
                    300.0,
                )
            })
            .collect()
    }

    #[test]
    fn a_wave_is_counted_from_the_data() {
        let waves = connection_waves(&burst("http://127.0.0.1:8081", 12, 6));
        assert_eq!(waves.len(), 1);
        let wave = &waves[0];
        assert_eq!((wave.together, wave.connections, wave.waiting), (12, 6, 6));
        assert!((wave.waited.median - 301.4).abs() < 1e-9);
        let sentence = wave.sentence();
        assert!(
            sentence.starts_with(
                "12 requests to one HTTP/1.1 origin (http://127.0.0.1:8081): 6 were sent at once, the other \
                 6 waited a median 301 ms for a free connection"
            ),
            "{sentence}"
        );
        assert!(sentence.contains("(6 here, counted from the requests that did not wait"));
        // Four connections and 24 requests: three waves of waiting, counted, not assumed to be six.
        let four = connection_waves(&burst("http://a", 24, 4));
        assert_eq!((four[0].connections, four[0].waiting), (4, 20));
        assert!(
            four[0]
                .sentence()
                .contains("waited a median 903 ms (301–1505 ms)"),
            "{}",
            four[0].sentence()
        );
    }

    #[test]
    fn no_wave_no_claim() {
        // Every request had its own connection.
        assert!(connection_waves(&burst("http://a", 6, 6)).is_empty());
        // Everyone waited (no request was sent at once): not the per-origin limit's picture.
        let mut all_waited = burst("http://a", 4, 4);
        for request in &mut all_waited {
            request.queued_ms = Some(200.0);
        }
        assert!(connection_waves(&all_waited).is_empty());
        // Waits below the threshold (a quarter of 300 ms) are handing-over, not waiting.
        let mut small = burst("http://a", 12, 6);
        for request in &mut small {
            request.queued_ms = request.queued_ms.map(|queued| queued.min(60.0));
        }
        assert!(connection_waves(&small).is_empty());
    }

    #[test]
    fn only_measured_http1_requests_count() {
        // The same picture over h2, without measured waits, or at the built-in endpoint: nothing is claimed.
        let mut h2 = burst("http://a", 12, 6);
        h2.iter_mut()
            .for_each(|request| request.protocol = Some("h2".to_owned()));
        assert!(connection_waves(&h2).is_empty());
        let mut hidden = burst("http://a", 12, 6);
        hidden.iter_mut().for_each(|request| request.queued_ms = None);
        assert!(connection_waves(&hidden).is_empty());
        let mut lab = burst("http://a", 12, 6);
        lab.iter_mut().for_each(|request| request.lab = true);
        assert!(connection_waves(&lab).is_empty());
    }

    #[test]
    fn requests_started_later_are_not_part_of_the_burst() {
        // Bounded k=8 over 12: eight start together (six sent, two wait); four start as the first ones end and
        // find a free connection — they are not counted as connections opened at once.
        let mut bounded = burst("http://a", 8, 6);
        bounded.extend((8..12).map(|index| request(index, "http://a", 1_301.0, 0.5, 300.0)));
        let waves = connection_waves(&bounded);
        assert_eq!(
            (waves[0].together, waves[0].connections, waves[0].waiting),
            (8, 6, 2)
        );
        // Two origins, each judged on its own.
        let mut two = burst("http://a", 12, 6);
        two.extend(burst("http://b", 3, 6));
        let waves = connection_waves(&two);
        assert_eq!(waves.len(), 1);
        assert_eq!(waves[0].origin, "http://a");
    }

    #[test]
    fn the_threshold_is_a_share_of_the_time_after_sending() {
        // 300 ms after sending: a quarter is 75 ms.
        assert_eq!(wait_threshold(&burst("http://a", 12, 6)), Some(75.0));
        // Short requests: never under 20 ms, well above the clock and the hand-over.
        let quick: Vec<RequestTiming> = (0..4)
            .map(|index| request(index, "http://a", 0.0, 0.5, 8.0))
            .collect();
        assert_eq!(wait_threshold(&quick), Some(MIN_WAIT_MS));
        let mut unfinished = quick;
        unfinished.iter_mut().for_each(|request| request.end_ms = None);
        assert_eq!(wait_threshold(&unfinished), None);
    }

    #[test]
    fn one_waiting_request_is_named_in_the_singular() {
        let wave = connection_waves(&burst("http://a", 7, 6)).remove(0);
        assert!(
            wave.sentence()
                .contains("6 were sent at once, the other waited 301 ms for a free connection"),
            "{}",
            wave.sentence()
        );
    }
}
