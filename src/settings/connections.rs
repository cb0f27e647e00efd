//! The connections preset's settings: N = 3, 6, 12 and 24 requests at once, each answered after a fixed delay,
//! sent to an HTTP/1.1 delay endpoint and to the built-in one. On a static host there is no delay endpoint, so
//! the HTTP/1.1 one is a URL (`origin=`); `.ci/serve.sh` starts one on 127.0.0.1:8081 beside the page.
//! Pure: what the URL says, what the fields accept, and the URLs the preset fetches.

use super::{DEFAULT_LATENCY_MS, Preset, query_pairs};
use crate::io::check_target;

/// The HTTP/1.1 delay endpoint by default: the one `.ci/serve.sh` (and `tests/loopback-server.mjs`) starts.
pub const DEFAULT_ENDPOINT: &str = "http://127.0.0.1:8081/delay";

/// The Ns the preset runs: below, at, and over Chromium's six connections per HTTP/1.1 origin.
pub const COUNTS: [u32; 4] = [3, 6, 12, 24];

/// The accepted delays.
pub const DELAY_RANGE_MS: (u32, u32) = (0, 10_000);

/// The preset's fields as a URL opened them, as text: the form shows what the URL said, and says what is wrong
/// with it under the field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConnectionsSettings {
    /// The HTTP/1.1 delay endpoint (`origin=`), as typed.
    pub endpoint: String,
    /// The delay per request in ms (`ms=`), as typed.
    pub delay: String,
}

impl Default for ConnectionsSettings {
    fn default() -> Self {
        ConnectionsSettings {
            endpoint: DEFAULT_ENDPOINT.to_owned(),
            delay: DEFAULT_LATENCY_MS.to_string(),
        }
    }
}

/// Reads `origin=` and `ms=` from a page's query when it opens the connections preset (`preset=connections`);
/// any other URL leaves the defaults. The last value of a repeated parameter wins.
pub fn connections_from_query(search: &str) -> ConnectionsSettings {
    let pairs = query_pairs(search);
    let mut settings = ConnectionsSettings::default();
    let opens_preset = pairs
        .iter()
        .rev()
        .find(|(key, _)| key == "preset")
        .is_some_and(|(_, value)| Preset::from_id(value) == Some(Preset::Connections));
    if !opens_preset {
        return settings;
    }
    for (key, value) in pairs {
        match key.as_str() {
            "origin" => settings.endpoint = value,
            "ms" => settings.delay = value,
            _ => {}
        }
    }
    settings
}

/// Checks the HTTP/1.1 endpoint as typed: an absolute `http://` or `https://` URL with a host, without a
/// fragment (the preset appends its own query parameters).
///
/// # Errors
/// The sentence to show under the field.
pub fn check_endpoint(text: &str) -> Result<String, String> {
    let endpoint = text.trim();
    let example = format!("for example {DEFAULT_ENDPOINT}");
    if endpoint.is_empty() {
        return Err(format!("HTTP/1.1 endpoint: enter a URL, {example}"));
    }
    check_target(endpoint).map_err(|error| format!("HTTP/1.1 endpoint: {error}"))?;
    let lower = endpoint.to_ascii_lowercase();
    let Some(rest) = ["http://", "https://"]
        .iter()
        .find_map(|scheme| lower.starts_with(scheme).then(|| &endpoint[scheme.len()..]))
    else {
        return Err(format!(
            "HTTP/1.1 endpoint: “{endpoint}” is not an absolute http:// or https:// URL ({example})"
        ));
    };
    let host = rest.split(['/', '?']).next().unwrap_or_default();
    if host.is_empty() || host.chars().any(char::is_whitespace) {
        return Err(format!(
            "HTTP/1.1 endpoint: “{endpoint}” names no host ({example})"
        ));
    }
    if endpoint.contains('#') {
        return Err(format!(
            "HTTP/1.1 endpoint: “{endpoint}” has a fragment (#…); leave it out"
        ));
    }
    Ok(endpoint.to_owned())
}

/// The URL of request `index` of `requests` at the HTTP/1.1 endpoint: the delay as `ms`, and N and the index,
/// which the server ignores but its log shows.
pub fn endpoint_request(endpoint: &str, delay_ms: u32, requests: u32, index: u32) -> String {
    let separator = if endpoint.contains('?') { '&' } else { '?' };
    format!("{endpoint}{separator}ms={delay_ms}&n={requests}&i={index}")
}

/// The URL of request `index` at the built-in endpoint (the lab's service worker).
pub fn built_in_request(delay_ms: u32, index: u32) -> String {
    format!("/lab/delay?ms={delay_ms}&bytes=64&i={index}")
}

/// The permalink's query (without `?`): `preset=connections&origin=…&ms=…`.
pub fn connections_to_query(endpoint: &str, delay_ms: u32) -> String {
    let mut query = "preset=connections&origin=".to_owned();
    query.extend(form_urlencoded::byte_serialize(endpoint.as_bytes()));
    query.push_str(&format!("&ms={delay_ms}"));
    query
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_url_sets_the_endpoint_and_the_delay_of_the_preset_it_opens() {
        let settings = connections_from_query(
            "?preset=connections&origin=http%3A%2F%2F127.0.0.1%3A9000%2Fdelay&ms=120&autorun=1",
        );
        assert_eq!(settings.endpoint, "http://127.0.0.1:9000/delay");
        assert_eq!(settings.delay, "120");
        // Unencoded, as people type it, works too (the query's own `&` ends the value).
        let typed = connections_from_query("preset=connections&origin=http://127.0.0.1:9000/delay");
        assert_eq!(typed.endpoint, "http://127.0.0.1:9000/delay");
        assert_eq!(typed.delay, "300");
        // Another preset's or experiment's URL leaves the defaults: its `ms` is not ours.
        assert_eq!(
            connections_from_query("?experiment=io&ms=50&origin=http://x"),
            ConnectionsSettings::default()
        );
        assert_eq!(
            connections_from_query("?preset=pipeline&ms=50"),
            ConnectionsSettings::default()
        );
        assert_eq!(
            ConnectionsSettings::default().endpoint,
            "http://127.0.0.1:8081/delay"
        );
    }

    #[test]
    fn the_permalink_reads_back() {
        let query = connections_to_query("http://127.0.0.1:9000/delay?x=1&y=2", 450);
        assert_eq!(
            query,
            "preset=connections&origin=http%3A%2F%2F127.0.0.1%3A9000%2Fdelay%3Fx%3D1%26y%3D2&ms=450"
        );
        let settings = connections_from_query(&query);
        assert_eq!(settings.endpoint, "http://127.0.0.1:9000/delay?x=1&y=2");
        assert_eq!(settings.delay, "450");
    }

    #[test]
    fn bad_endpoints_are_refused_with_a_reason() {
        for good in [
            "http://127.0.0.1:8081/delay",
            "  https://example.com/delay?x=1 ",
            "HTTP://LOCALHOST:8081",
        ] {
            assert_eq!(check_endpoint(good), Ok(good.trim().to_owned()), "{good}");
        }
        for (bad, reason) in [
            ("", "enter a URL"),
            ("/lab/delay", "not an absolute http:// or https:// URL"),
            ("127.0.0.1:8081/delay", "not an absolute"),
            ("ftp://host/delay", "not allowed"),
            ("javascript:alert(1)", "not allowed"),
            ("http:///delay", "names no host"),
            ("http://", "names no host"),
            ("http://host/delay#x", "fragment"),
            ("http://a\u{7}b/", "control characters"),
        ] {
            let error = check_endpoint(bad).unwrap_err();
            assert!(error.starts_with("HTTP/1.1 endpoint: "), "{bad:?}: {error}");
            assert!(error.contains(reason), "{bad:?}: {error}");
        }
    }

    #[test]
    fn request_urls_carry_the_delay() {
        assert_eq!(
            endpoint_request("http://127.0.0.1:8081/delay", 300, 12, 7),
            "http://127.0.0.1:8081/delay?ms=300&n=12&i=7"
        );
        assert_eq!(
            endpoint_request("http://h/d?tao=1", 5, 3, 0),
            "http://h/d?tao=1&ms=5&n=3&i=0"
        );
        assert_eq!(built_in_request(300, 4), "/lab/delay?ms=300&bytes=64&i=4");
    }
}
