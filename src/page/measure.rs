//! The one measurement path (UI thread). Whatever a run times goes through a [`Measurement`]: opening it waits
//! for the status to be painted, opens the freeze bracket and starts the clock; closing it stops the clock,
//! waits for the frame that follows the work (or the longest gap would be missed) and hands back the whole
//! record — start, finish and the freeze reading together — as a [`Measured`]. Dropped unclosed (a Stop, an
//! error), it closes the bracket and discards the reading, so no later step inherits it. The freeze meter's
//! bracket functions are private to this module: nothing else can open or close one by hand.

pub mod freeze;

use crate::report::{FreezeReading, Repeat, Span};
use crate::timing::now_ms;

/// An open measurement: the clock runs and the freeze meter records frame gaps until [`Measurement::close`].
#[derive(Debug)]
#[must_use = "a measurement records nothing until it is closed"]
pub struct Measurement {
    started_ms: f64,
    open: bool,
}

/// A closed measurement: when the step started and finished on the shared clock, and how the page behaved.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Measured {
    /// When the measurement opened (after the status was painted).
    pub started_ms: f64,
    /// When [`Measurement::close`] was called, before the paint that closes the freeze bracket.
    pub finished_ms: f64,
    /// Frame gaps and long tasks over the step and the frame after it.
    pub freeze: FreezeReading,
}

impl Measurement {
    /// Waits until the browser has painted (so a status set just before is on screen before a step that may hold
    /// the UI thread), then opens the freeze bracket and starts the clock. Callers inside a run use
    /// [`crate::page::run::Run::measure`], which also honours a Stop pressed during that wait.
    pub async fn open() -> Measurement {
        after_next_paint().await;
        freeze::begin();
        Measurement {
            started_ms: now_ms(),
            open: true,
        }
    }

    /// When the clock started.
    pub fn started_ms(&self) -> f64 {
        self.started_ms
    }

    /// Stops the clock now, waits for the next painted frame and closes the freeze bracket.
    pub async fn close(mut self) -> Measured {
        let finished_ms = now_ms();
        after_next_paint().await;
        self.open = false;
        Measured {
            started_ms: self.started_ms,
            finished_ms,
            freeze: freeze::end(),
        }
    }
}

impl Drop for Measurement {
    fn drop(&mut self) {
        if self.open {
            // Abandoned (stopped or failed): close the bracket so the next measurement starts clean.
            let _discarded = freeze::end();
        }
    }
}

impl Measured {
    /// Wall time of the step.
    pub fn wall_ms(&self) -> f64 {
        self.finished_ms - self.started_ms
    }

    /// The repeat this measurement makes, with its freeze reading attached: the only way page code builds a
    /// measured [`Repeat`].
    pub fn into_repeat(self, warmup: bool, cancelled: bool, threads_used: u32, spans: Vec<Span>) -> Repeat {
        Repeat {
            warmup,
            cancelled,
            started_ms: self.started_ms,
            finished_ms: self.finished_ms,
            spans,
            freeze: Some(self.freeze),
            threads_used,
            requests: Vec::new(),
        }
    }
}

/// Resolves after the browser has painted a frame, so a status set just before is on screen before a long
/// task on the UI thread begins.
pub async fn after_next_paint() {
    use wasm_bindgen::JsCast;
    let Some(window) = web_sys::window() else {
        return;
    };
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        let window_for_timeout = window.clone();
        let on_frame = wasm_bindgen::closure::Closure::once_into_js(move || {
            // The timeout runs after the frame that the animation callback preceded has been painted.
            let _ = window_for_timeout
                .set_timeout_with_callback_and_timeout_and_arguments_0(resolve.unchecked_ref(), 0);
        });
        let _ = window.request_animation_frame(on_frame.unchecked_ref());
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}
