//! The UI-freeze meter (UI thread). A `requestAnimationFrame` loop runs for the page's whole life: it moves the
//! heartbeat dot (so a learner sees the page freeze) and, while a measurement is open, feeds frame timestamps to
//! [`FrameGaps`]. Long tasks come from a `PerformanceObserver` where the browser offers `longtask` entries.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

use crate::report::FreezeReading;
use crate::report::stats::FrameGaps;
use crate::timing::now_ms;

#[derive(Default)]
struct Meter {
    gaps: Option<FrameGaps>,
    opened_ms: f64,
    /// `(start, end)` of long tasks on the shared clock, as the observer reported them.
    long_tasks: Vec<(f64, f64)>,
}

thread_local! {
    static METER: RefCell<Meter> = RefCell::default();
}

/// The animation loop's callback, which re-registers itself every frame.
type FrameCallback = Closure<dyn FnMut(f64)>;

/// The element id of the heartbeat dot the loop moves.
pub const HEARTBEAT_ID: &str = "heartbeat";

/// The dot moves at most this often (every third frame at 60 Hz, ~20 Hz), while frames are still timed at the display's rate. Every redraw
/// costs style, paint and compositing work on a machine the kernels share: moving the dot on every frame took
/// about 10 % of the pool's throughput on 2 cores (worker ÷ pool 1.67× with a 60 Hz dot, 1.80× without one).
pub const HEARTBEAT_REDRAW_MS: f64 = 45.0;

/// Starts the animation loop and the long-task observer. Call once, on the page.
pub fn install() {
    let Some(window) = web_sys::window() else {
        return;
    };
    observe_long_tasks();
    let frame: Rc<RefCell<Option<FrameCallback>>> = Rc::default();
    let next = Rc::clone(&frame);
    let window_for_loop = window.clone();
    let mut drawn_ms = f64::NEG_INFINITY;
    *frame.borrow_mut() = Some(Closure::new(move |_timestamp: f64| {
        let now = now_ms();
        METER.with(|meter| {
            if let Some(gaps) = meter.borrow_mut().gaps.as_mut() {
                gaps.frame(now);
            }
        });
        let dot = (now - drawn_ms >= HEARTBEAT_REDRAW_MS)
            .then(|| window_for_loop.document())
            .flatten()
            .and_then(|document| document.get_element_by_id(HEARTBEAT_ID));
        if let Some(dot) = dot {
            drawn_ms = now;
            // One sweep every 1.2 s; it stops dead while the UI thread is busy.
            let phase = (now % 1_200.0) / 1_200.0;
            let offset = 100.0 * (1.0 - (2.0 * phase - 1.0).abs());
            let _ = dot.set_attribute("style", &format!("transform: translateX({offset:.1}px)"));
        }
        if let Some(callback) = next.borrow().as_ref() {
            let _ = window_for_loop.request_animation_frame(callback.as_ref().unchecked_ref());
        }
    }));
    if let Some(callback) = frame.borrow().as_ref() {
        let _ = window.request_animation_frame(callback.as_ref().unchecked_ref());
    }
    // The loop lives as long as the page: keep its closure (it refers to itself through `next`).
    std::mem::forget(frame);
}

fn observe_long_tasks() {
    let supported = js_sys::Reflect::get(&js_sys::global(), &"PerformanceObserver".into())
        .ok()
        .and_then(|constructor| js_sys::Reflect::get(&constructor, &"supportedEntryTypes".into()).ok())
        .is_some_and(|types| js_sys::Array::from(&types).includes(&"longtask".into(), 0));
    if !supported {
        return;
    }
    let origin = web_sys::window()
        .and_then(|window| window.performance())
        .map_or(0.0, |performance| performance.time_origin());
    let callback = Closure::<dyn FnMut(web_sys::PerformanceObserverEntryList)>::new(
        move |entries: web_sys::PerformanceObserverEntryList| {
            let tasks: Vec<(f64, f64)> = entries
                .get_entries()
                .iter()
                .filter_map(|entry| entry.dyn_into::<web_sys::PerformanceEntry>().ok())
                .map(|entry| {
                    (
                        origin + entry.start_time(),
                        origin + entry.start_time() + entry.duration(),
                    )
                })
                .collect();
            METER.with(|meter| meter.borrow_mut().long_tasks.extend(tasks));
        },
    );
    if let Ok(observer) = web_sys::PerformanceObserver::new(callback.as_ref().unchecked_ref()) {
        let options = web_sys::PerformanceObserverInit::new(&js_sys::Array::of1(&"longtask".into()));
        observer.observe(&options);
        callback.forget();
    }
}

/// Opens the bracket now. Only [`super::Measurement`] calls it, so that no step can be timed without its
/// reading, nor a reading be lost.
pub(super) fn begin() {
    METER.with(|meter| {
        let mut meter = meter.borrow_mut();
        let now = now_ms();
        meter.gaps = Some(FrameGaps::starting_at(now));
        meter.opened_ms = now;
        meter.long_tasks.clear();
    });
}

/// Closes the bracket. Called after a frame has been painted following the work, or the last gap is missed.
pub(super) fn end() -> FreezeReading {
    METER.with(|meter| {
        let mut meter = meter.borrow_mut();
        let gaps = meter.gaps.take().unwrap_or_default();
        let opened = meter.opened_ms;
        let long_tasks = meter.long_tasks.iter().filter(|(_, end)| *end >= opened).count();
        FreezeReading {
            max_frame_gap_ms: gaps.max_gap_ms,
            frozen_ms: gaps.frozen_ms,
            long_tasks: u32::try_from(long_tasks).unwrap_or(u32::MAX),
        }
    })
}
