//! The UI-freeze meter (UI thread). A `requestAnimationFrame` loop runs for the page's whole life: it moves the
//! heartbeat dot (so a learner sees the page freeze) and, while a measurement is open, feeds frame timestamps to
//! [`FrameGaps`], which also counts the stalls longer than a long task (50 ms).

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

/// Starts the animation loop. Call once, on the page.
pub fn install() {
    let Some(window) = web_sys::window() else {
        return;
    };
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

/// Opens the bracket now. Only [`super::Measurement`] calls it, so that no step can be timed without its
/// reading, nor a reading be lost.
pub(super) fn begin() {
    METER.with(|meter| {
        let mut meter = meter.borrow_mut();
        let now = now_ms();
        meter.gaps = Some(FrameGaps::starting_at(now));
    });
}

/// Closes the bracket. Called after a frame has been painted following the work, or the last gap is missed.
pub(super) fn end() -> FreezeReading {
    METER.with(|meter| {
        let mut meter = meter.borrow_mut();
        let gaps = meter.gaps.take().unwrap_or_default();
        FreezeReading {
            max_frame_gap_ms: gaps.max_gap_ms,
            frozen_ms: gaps.frozen_ms,
            // Counted from the frames, not from `longtask` entries: headless Chromium does not report every long
            // task (a 300 ms `main` run was seen with none), while a stalled UI thread always delays a frame.
            long_tasks: gaps.long_frames,
        }
    })
}
