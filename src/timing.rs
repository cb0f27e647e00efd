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
