//! Real requests through the browser's `fetch` (gloo-net). Every request carries its own `AbortController`
//! behind an [`AbortGuard`]: dropping the request's future — Stop, a lost race, a timeout — aborts it.
//!
//! Each request of [`fetch_timed`] also reads its own Resource Timing entry (protocol, wait for a connection).
//! To find exactly that entry, the URL it fetches carries a fragment of its own (`#lanes-17`): fragments are
//! never sent, so the server and the lab's service worker see the URL as typed, but the entry's name keeps it.

use std::cell::Cell;

use futures::future::{Either, select};
use gloo_net::http::Request;
use wasm_bindgen::JsCast;
use web_sys::{AbortController, AbortSignal, RequestCache};

use crate::io::connections::ResourceTiming;
use crate::io::{FetchError, check_target};
use crate::timing::{now_ms, sleep_ms};

/// The browser's Resource Timing buffer is raised to this many entries (Chromium's default is 250; once full,
/// new entries are dropped): room for the largest I/O run, five modes of 100 requests, and the page's own.
pub const TIMING_BUFFER: u32 = 1_000;

thread_local! {
    /// The last fragment number handed out; unique within the page.
    static LAST_MARK: Cell<u64> = const { Cell::new(0) };
}

/// Aborts its request when dropped, unless the request already completed.
pub struct AbortGuard {
    controller: AbortController,
}

impl AbortGuard {
    /// A guard with a fresh controller.
    ///
    /// # Errors
    /// [`FetchError::Network`] if the browser has no `AbortController`.
    pub fn new() -> Result<AbortGuard, FetchError> {
        AbortController::new()
            .map(|controller| AbortGuard { controller })
            .map_err(|_| FetchError::Network("AbortController is not available".to_owned()))
    }

    /// The signal to hand to `fetch`.
    pub fn signal(&self) -> AbortSignal {
        self.controller.signal()
    }
}

impl Drop for AbortGuard {
    fn drop(&mut self) {
        // Aborting a finished request is a no-op, so this is safe on every path.
        self.controller.abort();
    }
}

/// A completed request.
#[derive(Clone, Debug, PartialEq)]
pub struct Fetched {
    /// The HTTP status (2xx or 3xx; 4xx and 5xx are [`FetchError::Http`]).
    pub status: u16,
    /// When the response headers arrived, on the shared clock.
    pub headers_ms: f64,
    /// When the whole body had arrived.
    pub end_ms: f64,
    /// Body size in bytes. The body itself is never rendered.
    pub bytes: u64,
    /// What Resource Timing recorded for this request; `None` when the browser kept no entry (its buffer was
    /// full).
    pub timing: Option<ResourceTiming>,
}

/// Makes room in the Resource Timing buffer for `count` more entries: raises the buffer to [`TIMING_BUFFER`]
/// and, when the entries it holds leave too little room, clears them. Call it between steps, with nothing in
/// flight, so no entry is cleared before its request has read it.
pub fn make_room_for_timings(count: usize) {
    let Some(performance) = web_sys::window().and_then(|window| window.performance()) else {
        return;
    };
    performance.set_resource_timing_buffer_size(TIMING_BUFFER);
    let held = performance.get_entries_by_type("resource").length() as usize;
    if held + count > TIMING_BUFFER as usize {
        performance.clear_resource_timings();
    }
}

/// `url` with a fragment no other request of this page has, so its Resource Timing entry is its own.
fn marked(url: &str) -> String {
    let mark = LAST_MARK.with(|last| {
        last.set(last.get() + 1);
        last.get()
    });
    match web_sys::Url::new(url) {
        Ok(parsed) => {
            parsed.set_hash(&format!("lanes-{mark}"));
            parsed.href()
        }
        Err(_) => url.to_owned(),
    }
}

/// The names the browser may give the entry of a request for `url`: `url` itself, and `url` as gloo-net 0.6
/// sends it — with a `&` added to a non-empty query (rustwasm/gloo#498; harmless for servers, but it is the name).
fn entry_names(url: &str) -> Vec<String> {
    let mut names = vec![url.to_owned()];
    if let Ok(parsed) = web_sys::Url::new(url)
        && !parsed.search().is_empty()
    {
        parsed.set_search(&format!("{}&", parsed.search()));
        names.push(parsed.href());
    }
    names
}

/// The Resource Timing entry of the request for `url` (the last one, should there be several).
fn resource_timing(url: &str) -> Option<ResourceTiming> {
    let performance = web_sys::window()?.performance()?;
    let entry: web_sys::PerformanceResourceTiming = entry_names(url).iter().find_map(|name| {
        let entries = performance.get_entries_by_name_with_entry_type(name, "resource");
        entries.get(entries.length().checked_sub(1)?).dyn_into().ok()
    })?;
    Some(ResourceTiming {
        next_hop_protocol: entry.next_hop_protocol(),
        fetch_start: entry.fetch_start(),
        domain_lookup_start: entry.domain_lookup_start(),
        domain_lookup_end: entry.domain_lookup_end(),
        connect_start: entry.connect_start(),
        connect_end: entry.connect_end(),
        request_start: entry.request_start(),
    })
}

/// The entry of a request that just completed: Chromium adds it before the body's promise resolves; should it
/// come a moment later, one turn of the event loop is waited for, no more.
async fn completed_timing(url: &str) -> Option<ResourceTiming> {
    if let Some(timing) = resource_timing(url) {
        return Some(timing);
    }
    sleep_ms(0).await;
    resource_timing(url)
}

/// Resolves `target` against the page and refuses what must not be fetched.
///
/// # Errors
/// [`FetchError::InvalidUrl`] for empty or malformed URLs and schemes other than http(s).
pub fn resolve(target: &str) -> Result<String, FetchError> {
    check_target(target)?;
    let base = web_sys::window()
        .and_then(|window| window.document())
        .and_then(|document| document.base_uri().ok().flatten())
        .unwrap_or_default();
    let url = web_sys::Url::new_with_base(target.trim(), &base)
        .map_err(|_| FetchError::InvalidUrl(format!("“{}” is not a URL", target.trim())))?;
    // Resolution cannot change the scheme of an absolute URL, but a relative one inherits the page's.
    check_target(&url.href())?;
    Ok(url.href())
}

/// Fetches `target`, reading the whole body, within `timeout_ms`, and reads its Resource Timing entry.
///
/// # Errors
/// Every failure as a [`FetchError`]; dropping the future aborts the request.
pub async fn fetch_timed(target: &str, timeout_ms: u32) -> Result<Fetched, FetchError> {
    let url = marked(&resolve(target)?);
    let guard = AbortGuard::new()?;
    let signal = guard.signal();
    // lesson-code: one-request — shown on the lesson's page (build.rs)
    let request = async {
        let response = Request::get(&url)
            .abort_signal(Some(&signal))
            .cache(RequestCache::NoStore)
            .send()
            .await
            .map_err(map_error)?;
        let headers_ms = now_ms();
        let status = response.status();
        if status >= 400 {
            return Err(FetchError::Http(status));
        }
        let body = response.binary().await.map_err(map_error)?;
        let end_ms = now_ms();
        Ok(Fetched {
            status,
            headers_ms,
            end_ms,
            bytes: body.len() as u64,
            timing: completed_timing(&url).await,
        })
    };
    // lesson-code-end: one-request
    let timeout = sleep_ms(timeout_ms);
    futures::pin_mut!(request, timeout);
    let outcome = match select(request, timeout).await {
        Either::Left((outcome, _)) => outcome,
        Either::Right(((), _)) => Err(FetchError::Timeout(timeout_ms)),
    };
    drop(guard);
    outcome
}

fn map_error(error: gloo_net::Error) -> FetchError {
    match error {
        gloo_net::Error::JsError(error) if error.name == "AbortError" => FetchError::Aborted,
        gloo_net::Error::JsError(error) => FetchError::Network(error.message),
        other => FetchError::Network(other.to_string()),
    }
}

/// A response body read chunk by chunk as it arrives.
pub struct BodyReader {
    reader: web_sys::ReadableStreamDefaultReader,
}

impl Drop for BodyReader {
    fn drop(&mut self) {
        // A reader dropped before the end (a stopped run) cancels the body, so its source stops producing; on a
        // finished body this does nothing.
        let cancelled = wasm_bindgen_futures::JsFuture::from(self.reader.cancel());
        // Awaited so that a rejection (an already failed body) is handled here, not reported as uncaught.
        wasm_bindgen_futures::spawn_local(async move {
            let _ = cancelled.await;
        });
    }
}

impl BodyReader {
    /// The next chunk as the browser delivered it, or `None` at the end of the body.
    ///
    /// # Errors
    /// [`FetchError::Network`] when the stream fails.
    pub async fn next_chunk(&self) -> Result<Option<js_sys::Uint8Array>, FetchError> {
        let step = wasm_bindgen_futures::JsFuture::from(self.reader.read())
            .await
            .map_err(|error| FetchError::Network(format!("{error:?}")))?;
        let done = js_sys::Reflect::get(&step, &"done".into()).is_ok_and(|done| done.is_truthy());
        if done {
            return Ok(None);
        }
        js_sys::Reflect::get(&step, &"value".into())
            .ok()
            .and_then(|value| value.dyn_into::<js_sys::Uint8Array>().ok())
            .map(Some)
            .ok_or_else(|| {
                FetchError::Network("the body stream yielded something other than bytes".to_owned())
            })
    }
}

async fn send_ok(url: &str) -> Result<gloo_net::http::Response, FetchError> {
    let url = resolve(url)?;
    let response = Request::get(&url)
        .cache(RequestCache::NoStore)
        .send()
        .await
        .map_err(map_error)?;
    if response.status() >= 400 {
        return Err(FetchError::Http(response.status()));
    }
    Ok(response)
}

/// Starts a request and returns its body as a stream of chunks, as soon as the headers are in.
///
/// # Errors
/// Every failure as a [`FetchError`].
pub async fn open_body(target: &str) -> Result<BodyReader, FetchError> {
    let response = send_ok(target).await?;
    let body = response
        .body()
        .ok_or_else(|| FetchError::Network("the response has no body".to_owned()))?;
    Ok(BodyReader {
        reader: body.get_reader().unchecked_into(),
    })
}

/// Fetches the whole body into one JS buffer (outside wasm memory) before returning.
///
/// # Errors
/// Every failure as a [`FetchError`].
pub async fn fetch_whole_body(target: &str) -> Result<js_sys::Uint8Array, FetchError> {
    let response = send_ok(target).await?;
    let buffer = web_sys::Response::from(response)
        .array_buffer()
        .map_err(|error| FetchError::Network(format!("{error:?}")))?;
    let buffer = wasm_bindgen_futures::JsFuture::from(buffer)
        .await
        .map_err(|error| FetchError::Network(format!("{error:?}")))?;
    Ok(js_sys::Uint8Array::new(&buffer))
}
