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

use crate::page::app::Lab;
use crate::page::measure::Measurement;
use crate::report::{ExperimentKind, ExperimentReport};

/// Why a run waits while the page measures the machine (the I/O lab, which neither uses the compute worker nor
/// competes for a core, does not wait).
const CALIBRATING: &str = "measuring this machine's speed for the default sizes (a fraction of a second after the worker is ready)…";

/// What runs now, shared by every experiment through [`Lab::runs`].
#[derive(Clone, Copy)]
pub struct RunState {
    active: RwSignal<Option<ExperimentKind>>,
    status: RwSignal<String>,
    stop_requested: RwSignal<bool>,
    /// The report of the run in progress, as far as it got.
    live: RwSignal<Option<ExperimentReport>>,
    /// One sender per step in flight; Stop fires them all.
    waiters: StoredValue<Vec<oneshot::Sender<()>>, LocalStorage>,
    /// The run's abort signal, for loops that run in JS.
    controller: StoredValue<Option<web_sys::AbortController>, LocalStorage>,
    /// The start-up calibration is probing the kernels in the compute worker: runs that use the worker or the
    /// freeze meter wait for it, so neither disturbs the other.
    calibrating: RwSignal<bool>,
}

impl RunState {
    /// Nothing running.
    pub fn new() -> RunState {
        RunState {
            active: RwSignal::new(None),
            status: RwSignal::new(String::new()),
            stop_requested: RwSignal::new(false),
            live: RwSignal::new(None),
            waiters: StoredValue::new_local(Vec::new()),
            controller: StoredValue::new_local(None),
            calibrating: RwSignal::new(false),
        }
    }

    /// Marks the start-up calibration as running or over (see [`crate::page::calibrate`]).
    pub fn set_calibrating(&self, calibrating: bool) {
        self.calibrating.set(calibrating);
    }

    /// Whether `kind` is the run in progress (tracked).
    pub fn is_running(&self, kind: ExperimentKind) -> bool {
        self.active.get() == Some(kind)
    }

    /// Why `kind` cannot start now: another run is in progress (tracked).
    pub fn busy_reason(&self, kind: ExperimentKind) -> Option<String> {
        if self.calibrating.get() && kind != ExperimentKind::Io {
            return Some(CALIBRATING.to_owned());
        }
        match self.active.get() {
            Some(other) if other != kind => Some(format!(
                "{} is running: one run at a time, so the measurements do not disturb each other — wait for it \
                 or press its Stop",
                other.title()
            )),
            _ => None,
        }
    }

    /// Whether Stop was pressed in `kind`'s run, which is still winding down (tracked).
    pub fn stopping(&self, kind: ExperimentKind) -> bool {
        self.is_running(kind) && self.stop_requested.get()
    }

    /// The running step's status line for `kind` (tracked; empty when `kind` is not running).
    pub fn status(&self, kind: ExperimentKind) -> String {
        if self.is_running(kind) {
            self.status.get()
        } else {
            String::new()
        }
    }

    /// The report `kind`'s panel shows (tracked): the run in progress, or the latest finished one of its kind.
    pub fn shown(&self, lab: Lab, kind: ExperimentKind) -> Option<ExperimentReport> {
        if self.is_running(kind) {
            return self.live.get();
        }
        lab.history
            .with(|history| history.iter().rev().find(|report| report.kind == kind).cloned())
    }

    /// Stop `kind`'s run; does nothing when `kind` is not the one running (a Stop is scoped to its run).
    pub fn stop(&self, lab: Lab, kind: ExperimentKind) {
        if self.active.get_untracked() != Some(kind) || self.stop_requested.get_untracked() {
            return;
        }
        self.stop_requested.set(true);
        self.waiters.update_value(|waiters| {
            for waiter in waiters.drain(..) {
                // A step that already finished dropped its receiver: nothing to tell.
                let _ = waiter.send(());
            }
        });
        self.controller.with_value(|controller| {
            if let Some(controller) = controller {
                controller.abort();
            }
        });
        crate::page::app::stop_compute(lab);
    }
}

impl Default for RunState {
    fn default() -> Self {
        RunState::new()
    }
}

impl Lab {
    /// Starts a run of `kind`, or says why not (another run is in progress).
    ///
    /// # Errors
    /// The sentence to show where the user pressed Run.
    pub fn begin_run(&self, kind: ExperimentKind) -> Result<Run, String> {
        let state = self.runs;
        if state.calibrating.get_untracked() && kind != ExperimentKind::Io {
            return Err(CALIBRATING.to_owned());
        }
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
        state.stop_requested.set(false);
        state.waiters.update_value(Vec::clear);
        state.controller.set_value(web_sys::AbortController::new().ok());
        state.status.set(String::new());
        state.live.set(None);
        state.active.set(Some(kind));
        Ok(Run {
            lab: *self,
            kind,
            finished: false,
        })
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
        }
    }
}

impl Drop for Run {
    fn drop(&mut self) {
        self.release();
    }
}
