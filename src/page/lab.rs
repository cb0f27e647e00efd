//! The lab service worker (`www/lab-sw.js`), which serves the latency endpoint `/lab/delay` offline.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/www/lab-client.js")]
extern "C" {
    #[wasm_bindgen(js_name = startLab, catch)]
    async fn start_lab(script_url: &str, timeout_ms: u32) -> Result<(), JsValue>;
}

/// Where Trunk copies the service worker: next to `index.html`, so its scope covers `lab/`.
const SCRIPT: &str = "lab-sw.js";
/// How long to wait for the service worker to take control.
const TIMEOUT_MS: u32 = 10_000;

/// Registers the lab service worker and waits until it controls the page.
///
/// # Errors
/// The browser's reason, as text, when service workers are unavailable or the worker does not take control.
pub async fn start() -> Result<(), String> {
    start_lab(SCRIPT, TIMEOUT_MS).await.map_err(|error| {
        error
            .dyn_ref::<js_sys::Error>()
            .map(|error| String::from(error.message()))
            .or_else(|| error.as_string())
            .unwrap_or_else(|| "unknown error".to_owned())
    })
}
