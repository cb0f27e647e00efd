//! One run at a time (UI thread). The CPU experiment, the I/O lab and every preset share one compute worker and
//! one freeze meter, so a second run started meanwhile would contaminate both measurements and one Stop could
//! stop the other's job. [`RunState`] (in the page's [`Lab`] context) therefore admits one [`Run`] at a time:
//! the others' Run buttons are refused with a message naming what runs. A [`Run`] owns its Stop — pressing Stop
//! raises its flag, ends the step in flight ([`Run::unless_stopped`] drops it: a dropped fetch is aborted, a
//! dropped cold worker terminated, a dropped body reader cancelled), aborts its [`Run::signal`] for loops that
//! run in JS and stops the compute worker's job — and only the running experiment's Stop is enabled.

use std::future::Future;
use std::pin::pin;

use futures::channel::oneshot;
use futures::future::{Either, select};
use leptos::prelude::*;

use crate::page::context::{CALIBRATING, Lab};
use crate::page::measure::Measurement;
use crate::report::{ExperimentKind, ExperimentReport};

impl Lab {
    /// Starts a run of `kind`, or says why not (another run is in progress).
    ///
    /// # Errors
    /// The sentence to show where the user pressed Run.
    pub fn begin_run(&self, kind: ExperimentKind) -> Result<Run, String> {
        let state = self.runs;
        if let Some(reason) = state.active.with_untracked(|active| {
            active.map(|other| {
                if other == kind {
                    format!("{} is already running", kind.title())
                } else {
                    format!(
                        "{} is running: one run at a time — wait for it or press its Stop",
                        other.title()
                    )
                }
            })
        }) {
            return Err(reason);
        }
        if state.calibrating.get_untracked() {
            return Err(CALIBRATING.to_owned());
        }
        state.stop_requested.set(false);
        state.waiters.update_value(Vec::clear);
        state.controller.set_value(web_sys::AbortController::new().ok());
        state.status.set(String::new());
        state.live.set(None);
        state.by_lesson.set(false);
        state.active.set(Some(kind));
        Ok(Run {
            lab: *self,
            kind,
            finished: false,
        })
    }

    /// Starts a run of `kind` for a lesson: the same single slot, but the run belongs to the lesson's panel — the
    /// experiment or preset panel of the same kind neither shows it as its own nor can stop it.
    ///
    /// # Errors
    /// The sentence to show where the user pressed Run.
    pub fn begin_lesson_run(&self, kind: ExperimentKind) -> Result<Run, String> {
        let run = self.begin_run(kind)?;
        self.runs.by_lesson.set(true);
        Ok(run)
    }
}

/// The run in progress: the one way to measure a step, to honour Stop and to record the report. Dropped
/// without [`Run::finish`] (a failed run), it frees the page for the next run.
#[must_use = "a run holds the page's only run slot until it is finished or dropped"]
pub struct Run {
    lab: Lab,
    kind: ExperimentKind,
    finished: bool,
}

impl Run {
    /// The page's shared state.
    pub fn lab(&self) -> Lab {
        self.lab
    }

    /// Whether Stop was pressed during this run.
    pub fn stopped(&self) -> bool {
        self.lab.runs.stop_requested.get_untracked()
    }

    /// Shows what the run is doing now.
    pub fn status(&self, text: impl Into<String>) {
        self.lab.runs.status.set(text.into());
    }

    /// Shows the report as far as it got, under the run's controls.
    pub fn publish(&self, report: &ExperimentReport) {
        self.lab.runs.live.set(Some(report.clone()));
    }

    /// Opens a [`Measurement`] once the status is painted — or `None` when Stop was pressed, including during
    /// that paint wait (a Stop there must not be lost: the step has not started, so nothing else would see it).
    pub async fn measure(&self) -> Option<Measurement> {
        if self.stopped() {
            return None;
        }
        let measurement = Measurement::open().await;
        // Dropped here when stopped meanwhile, which closes the bracket.
        (!self.stopped()).then_some(measurement)
    }

    /// Runs `step` to its end, or until Stop is pressed: `None` then, and `step` is dropped.
    pub async fn unless_stopped<T>(&self, step: impl Future<Output = T>) -> Option<T> {
        if self.stopped() {
            return None;
        }
        let (sender, receiver) = oneshot::channel();
        self.lab.runs.waiters.update_value(|waiters| waiters.push(sender));
        // Stop first: when both are ready (a Stop that terminated the worker also failed the step), it is a stop.
        match select(receiver, pin!(step)).await {
            Either::Left(_) => None,
            Either::Right((value, _)) => Some(value),
        }
    }

    /// This run's abort signal (`None` only where the browser cannot make one), for loops that run in JS.
    pub fn signal(&self) -> Option<web_sys::AbortSignal> {
        self.lab
            .runs
            .controller
            .with_value(|controller| controller.as_ref().map(web_sys::AbortController::signal))
    }

    /// When Stop was pressed, puts first among the report's notes how far the run got: `done` of `total`
    /// `parts` (modes, runs, sizes…).
    pub fn note_stop(&self, report: &mut ExperimentReport, done: usize, total: usize, parts: &str) {
        if self.stopped() {
            report.notes.insert(
                0,
                format!(
                    "Stopped by the user after {done} of {total} {parts}: what finished is kept, the rest did not run."
                ),
            );
        }
    }

    /// Records the report in the history (and shows it) and frees the page for the next run.
    pub fn finish(mut self, report: ExperimentReport) {
        self.lab.record(report);
        self.release();
    }

    fn release(&mut self) {
        if self.finished {
            return;
        }
        self.finished = true;
        let state = self.lab.runs;
        state.waiters.update_value(Vec::clear);
        state.controller.set_value(None);
        state.live.set(None);
        state.status.set(String::new());
        if state.active.get_untracked() == Some(self.kind) {
            state.active.set(None);
            state.by_lesson.set(false);
        }
    }
}

impl Drop for Run {
    fn drop(&mut self) {
        self.release();
    }
}
