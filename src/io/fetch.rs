//! Real requests through the browser's `fetch` (gloo-net). Every request carries its own `AbortController`
//! behind an [`AbortGuard`]: dropping the request's future — Stop, a lost race, a timeout — aborts it.

use futures::future::{Either, select};
use gloo_net::http::Request;
use web_sys::{AbortController, AbortSignal, RequestCache};

use crate::io::{FetchError, check_target};
use crate::timing::{now_ms, sleep_ms};

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

/// Fetches `target`, reading the whole body, within `timeout_ms`.
///
/// # Errors
/// Every failure as a [`FetchError`]; dropping the future aborts the request.
pub async fn fetch_timed(target: &str, timeout_ms: u32) -> Result<Fetched, FetchError> {
    let url = resolve(target)?;
    let guard = AbortGuard::new()?;
    let signal = guard.signal();
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
        Ok(Fetched {
            status,
            headers_ms,
            end_ms: now_ms(),
            bytes: body.len() as u64,
        })
    };
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
