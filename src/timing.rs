//! The one clock. Every timestamp in Lanes is `performance.timeOrigin + performance.now()` of the current
//! global scope, so spans recorded on the page, in the compute worker and on pool threads share one axis.

use wasm_bindgen::JsCast;

thread_local! {
    static PERFORMANCE: Option<web_sys::Performance> =
        js_sys::Reflect::get(&js_sys::global(), &"performance".into())
            .ok()
            .and_then(|value| value.dyn_into::<web_sys::Performance>().ok());
}

/// Milliseconds since the Unix epoch, with sub-millisecond resolution where the scope provides it.
pub fn now_ms() -> f64 {
    PERFORMANCE.with(|performance| match performance {
        Some(performance) => performance.time_origin() + performance.now(),
        None => js_sys::Date::now(),
    })
}

/// Resolves after `ms` milliseconds (a `setTimeout` in the current scope). Dropping it early is harmless.
pub async fn sleep_ms(ms: u32) {
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        let delay = i32::try_from(ms).unwrap_or(i32::MAX);
        let global = js_sys::global();
        let set_timeout = js_sys::Reflect::get(&global, &"setTimeout".into())
            .ok()
            .and_then(|value| value.dyn_into::<js_sys::Function>().ok());
        if let Some(set_timeout) = set_timeout {
            let _ = set_timeout.call2(&global, &resolve, &delay.into());
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}
