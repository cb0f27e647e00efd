//! The page's shared state (UI thread): what the browser offers, the compute worker's pool and its bridge, the lab
//! service worker, the history, the run in progress and the start-up calibration — the `Lab` context every
//! view and run loop receives. It imports no view and no run loop, so the page's modules form no import cycle:
//! `app` (the layout) imports the views, the views and run loops import this.

use std::rc::Rc;

use futures::channel::oneshot;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::capability::CapabilityReport;
use crate::kernels::cost::Calibration;
use crate::lessons::Lesson;
use crate::page::bridge::{ComputeBridge, PoolInfo, StartOptions, WorkerError};
use crate::report::{ExperimentKind, ExperimentReport};
use crate::settings::{self, Preset, Tab};

/// What the browser offers, read once at start-up.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Environment {
    /// `crossOriginIsolated`: without it there is no shared memory and no pool.
    pub isolated: bool,
    /// Whether `SharedArrayBuffer` exists in this scope.
    pub shared_array_buffer: bool,
    /// `navigator.hardwareConcurrency`, at least 1: what the browser reports, which may be more cores than the
    /// machine has (WebKitGTK reports 4 on 2 cores) — or 1 where it reports nothing ([`Environment::reported_cores`]
    /// says which).
    pub hardware_concurrency: u32,
    /// `navigator.hardwareConcurrency` as reported, `None` where the browser reports no count (or 0).
    pub reported_cores: Option<u32>,
    /// Which build `boot.js` loaded and the capability it found missing (`window.lanesCapability`), or what the
    /// page can infer when `boot.js` did not load it.
    pub capability: &'static CapabilityReport,
}

impl Environment {
    /// Reads the environment of the page.
    pub fn read() -> Environment {
        let window = web_sys::window();
        let isolated = js_sys::Reflect::get(&js_sys::global(), &"crossOriginIsolated".into())
            .is_ok_and(|value| value.is_truthy());
        let shared_array_buffer =
            js_sys::Reflect::has(&js_sys::global(), &"SharedArrayBuffer".into()).unwrap_or(false);
        let capability = read_capability()
            .unwrap_or_else(|| CapabilityReport::inferred(isolated, shared_array_buffer, crate::THREADED));
        let reported_cores = window
            .map(|window| window.navigator().hardware_concurrency())
            .filter(|threads| threads.is_finite() && *threads >= 1.0)
            .map(|threads| threads.min(f64::from(u32::MAX)) as u32);
        Environment {
            isolated,
            shared_array_buffer,
            hardware_concurrency: reported_cores.unwrap_or(1),
            reported_cores,
            // Read once per page and kept for its lifetime: leaking the small report keeps `Environment` (and
            // so `Lab`) `Copy`.
            capability: Box::leak(Box::new(capability)),
        }
    }
}

/// `window.lanesCapability`, as `boot.js` left it (`None` when it is absent or malformed).
fn read_capability() -> Option<CapabilityReport> {
    let report = crate::js::global_object("lanesCapability")?;
    let field = |key: &str| crate::js::field(&report, key);
    let text = |key: &str| field(key).and_then(|value| value.as_string());
    CapabilityReport::from_fields(
        text("build").as_deref(),
        text("missing").as_deref(),
        text("detail").as_deref(),
        field("memoryMaxBytes").and_then(|value| value.as_f64()),
    )
    .map(|found| CapabilityReport {
        remembered: text("workerCheck").as_deref() == Some("remembered"),
        ..found
    })
}

/// The compute worker's pool, as the environment panel shows it.
#[derive(Clone, Debug, PartialEq)]
pub enum PoolState {
    /// The worker and its pool are starting.
    Starting,
    /// Ready, with how it started.
    Ready(PoolInfo),
    /// The compute worker runs (worker mode) but there is no pool: the page runs the single-threaded build, for
    /// the reason given ([`CapabilityReport::pool_unavailable`]: a capability the threaded build needs is missing).
    WorkerOnly(String),
    /// Not available, with the reason.
    Unavailable(String),
}

impl PoolState {
    /// Why something that needs the rayon pool cannot run now, or `None` when the pool is ready.
    pub fn pool_problem(&self) -> Option<String> {
        match self {
            PoolState::Ready(_) => None,
            PoolState::Starting => Some("waiting for the compute worker and its pool…".to_owned()),
            PoolState::WorkerOnly(reason) | PoolState::Unavailable(reason) => Some(format!(
                "this needs the rayon pool, which is unavailable: {reason}"
            )),
        }
    }

    /// Why something that needs the compute worker (pool or not) cannot run now, or `None` when it can.
    pub fn worker_problem(&self) -> Option<String> {
        match self {
            PoolState::Ready(_) | PoolState::WorkerOnly(_) => None,
            PoolState::Starting => Some("waiting for the compute worker…".to_owned()),
            PoolState::Unavailable(reason) => Some(format!(
                "this needs the compute worker, which is unavailable: {reason}"
            )),
        }
    }

    /// `starting`, `ready` or `unavailable` (the `data-state` contract).
    pub fn id(&self) -> &'static str {
        match self {
            PoolState::Starting => "starting",
            PoolState::Ready(_) => "ready",
            PoolState::WorkerOnly(_) | PoolState::Unavailable(_) => "unavailable",
        }
    }

    /// Whether the compute worker answers jobs (with or without a pool).
    pub fn has_worker(&self) -> bool {
        matches!(self, PoolState::Ready(_) | PoolState::WorkerOnly(_))
    }
}

/// A browser service the page starts (the lab service worker).
#[derive(Clone, Debug, PartialEq)]
pub enum ServiceState {
    /// Starting.
    Starting,
    /// Ready.
    Ready,
    /// Not available, with the reason.
    Unavailable(String),
}

impl ServiceState {
    /// Why `endpoint` (the lab service worker's latency or streaming endpoint) cannot be used now, or `None`.
    pub fn problem(&self, endpoint: &str) -> Option<String> {
        match self {
            ServiceState::Ready => None,
            ServiceState::Starting => Some(format!("waiting for the {endpoint} (the lab service worker)…")),
            ServiceState::Unavailable(reason) => Some(format!("the {endpoint} is unavailable: {reason}")),
        }
    }

    /// `starting`, `ready` or `unavailable`.
    pub fn id(&self) -> &'static str {
        match self {
            ServiceState::Starting => "starting",
            ServiceState::Ready => "ready",
            ServiceState::Unavailable(_) => "unavailable",
        }
    }
}

/// The most experiments the history keeps (and the JSON export holds).
pub const HISTORY_LIMIT: usize = 50;

/// Shared state handed to components through context: narrow, `Copy` handles only.
#[derive(Clone, Copy)]
pub struct Lab {
    /// What the browser offers.
    pub environment: Environment,
    /// The pool's state.
    pub pool: RwSignal<PoolState>,
    /// The pool size asked for (`threads=` or the environment panel; by default the reported core count): the
    /// next pool the compute worker starts has this many threads.
    pub pool_threads: RwSignal<u32>,
    /// The compute worker, once it is ready.
    pub bridge: StoredValue<Option<Rc<ComputeBridge>>, LocalStorage>,
    /// The lab service worker that serves the latency endpoint.
    pub lab_endpoint: RwSignal<ServiceState>,
    /// The experiments run in this tab, oldest first (the last [`HISTORY_LIMIT`]).
    pub history: RwSignal<Vec<ExperimentReport>>,
    /// How many older experiments were dropped from the history.
    pub history_dropped: RwSignal<u32>,
    /// The id of the experiment the report panel shows (the latest when `None`).
    pub shown: RwSignal<Option<u32>>,
    /// The last time the compute worker broke, and how (it is rebuilt at once).
    pub fault: RwSignal<Option<WorkerFault>>,
    /// The one run in progress, if any (see [`crate::page::run`]).
    pub runs: RunState,
    /// Each kernel's speed on one thread, measured once at start-up (`None` until that is over).
    pub calibration: RwSignal<Option<Calibration>>,
    /// The part of the page shown (`tab=`); only that part draws results.
    pub tab: RwSignal<Tab>,
    /// The preset whose panel the presets tab shows.
    pub preset: RwSignal<Option<Preset>>,
    /// The lesson the lessons tab shows.
    pub lesson: RwSignal<Lesson>,
    /// The report id of every run a lesson started, with its lesson: those runs belong to the lesson's page,
    /// not to the experiment or preset panel of the same kind.
    pub lesson_runs: RwSignal<Vec<(u32, Lesson)>>,
}

/// Records `query` in the address as a new history entry, keeping the parameters that are about the page rather
/// than an experiment (`debug`, `coi`) and adding the pool's size where it differs from the default (`threads`,
/// [`Lab::permalink_threads`]), so a reload keeps the pool. Without a history (sandboxed frames) only the address
/// stays behind.
pub fn push_address(query: &str, threads: Option<u32>) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let kept = address_pairs(|key| key == "debug" || key == "coi", threads);
    let mut address = format!("?{query}");
    for pair in kept {
        address.push('&');
        address.push_str(&pair);
    }
    if let Ok(history) = window.history() {
        let _ = history.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&address));
    }
}

/// The current address's parameters that `keep` accepts, encoded, then `threads=` when given.
fn address_pairs(keep: impl Fn(&str) -> bool, threads: Option<u32>) -> Vec<String> {
    let search = web_sys::window()
        .and_then(|window| window.location().search().ok())
        .unwrap_or_default();
    let mut pairs: Vec<String> = crate::settings::query_pairs(&search)
        .into_iter()
        .filter(|(key, _)| keep(key))
        .map(|(key, value)| {
            form_urlencoded::Serializer::new(String::new())
                .append_pair(&key, &value)
                .finish()
        })
        .collect();
    pairs.extend(threads.map(|threads| format!("threads={threads}")));
    pairs
}

/// Sets `threads=` in the current address (or removes it, for `None`) without a new history entry, so a reload
/// or a copied address keeps the pool size the environment panel applied.
pub fn replace_address_threads(threads: Option<u32>) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let pairs = address_pairs(|key| key != "threads", threads);
    let address = if pairs.is_empty() {
        window.location().pathname().unwrap_or_default()
    } else {
        format!("?{}", pairs.join("&"))
    };
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&address));
    }
}

/// The tab whose controls make reports of `kind`.
pub fn tab_of(kind: ExperimentKind) -> Tab {
    match kind {
        ExperimentKind::Cpu => Tab::Cpu,
        ExperimentKind::Io => Tab::Io,
        ExperimentKind::PoolStart
        | ExperimentKind::Sweep
        | ExperimentKind::Handoff
        | ExperimentKind::Pipeline
        | ExperimentKind::Stream
        | ExperimentKind::Connections => Tab::Presets,
    }
}

/// A compute worker that broke after its handshake: what the page saw.
#[derive(Clone, Debug, PartialEq)]
pub struct WorkerFault {
    /// How many workers have broken in this tab.
    pub count: u32,
    /// What was detected.
    pub error: WorkerError,
}

impl Lab {
    /// The page's state before anything has started: the pool and the lab endpoint starting, no history.
    pub fn new(environment: Environment) -> Lab {
        Lab {
            environment,
            pool: RwSignal::new(PoolState::Starting),
            pool_threads: RwSignal::new(settings::default_threads(environment.hardware_concurrency)),
            bridge: StoredValue::new_local(None),
            lab_endpoint: RwSignal::new(ServiceState::Starting),
            history: RwSignal::new(Vec::new()),
            history_dropped: RwSignal::new(0),
            shown: RwSignal::new(None),
            fault: RwSignal::new(None),
            runs: RunState::new(),
            calibration: RwSignal::new(None),
            tab: RwSignal::new(Tab::default()),
            preset: RwSignal::new(None),
            lesson: RwSignal::new(Lesson::OneRequest),
            lesson_runs: RwSignal::new(Vec::new()),
        }
    }

    /// The lesson that started history entry `id`, if a lesson did (tracked).
    pub fn lesson_of(&self, id: u32) -> Option<Lesson> {
        self.lesson_runs
            .with(|runs| runs.iter().find(|(run, _)| *run == id).map(|(_, lesson)| *lesson))
    }

    /// Shows history entry `id` where its controls are: its tab (and, for a preset, its panel).
    pub fn show(&self, id: u32) {
        let Some(kind) = self.history.with_untracked(|history| {
            history
                .iter()
                .find(|report| report.id == id)
                .map(|report| report.kind)
        }) else {
            return;
        };
        self.shown.set(Some(id));
        if let Some(lesson) = self.lesson_of(id) {
            self.lesson.set(lesson);
            self.switch_tab(Tab::Lessons);
            return;
        }
        if let Some(preset) = Preset::ALL.into_iter().find(|&preset| preset.kind() == kind) {
            self.preset.set(Some(preset));
        }
        self.switch_tab(tab_of(kind));
    }

    /// Shows `tab`, and records it in the address (`?tab=<id>`, a new history entry) so Back returns and the
    /// address can be shared. The experiments' own parameters stay in their permalinks.
    pub fn switch_tab(&self, tab: Tab) {
        if self.tab.get_untracked() == tab {
            return;
        }
        self.tab.set(tab);
        let query = match tab {
            Tab::Lessons => format!("lesson={}", self.lesson.get_untracked().id()),
            _ => format!("tab={}", tab.id()),
        };
        push_address(&query, self.permalink_threads_untracked());
    }

    /// The pool size a permalink carries (`threads=`): the size asked for, when it differs from the core count
    /// the browser reports (tracked).
    pub fn permalink_threads(&self) -> Option<u32> {
        self.pool_threads.track();
        self.permalink_threads_untracked()
    }

    /// [`Lab::permalink_threads`], untracked (for event handlers).
    pub fn permalink_threads_untracked(&self) -> Option<u32> {
        settings::threads_param(
            self.pool_threads.get_untracked(),
            settings::default_threads(self.environment.hardware_concurrency),
        )
    }

    /// The id the next experiment gets.
    pub fn next_report_id(&self) -> u32 {
        self.history
            .with_untracked(|history| history.last().map_or(1, |report| report.id + 1))
    }

    /// Adds a finished experiment to the history and shows it; beyond [`HISTORY_LIMIT`] the oldest is dropped
    /// (and counted), so a long session keeps a bounded memory and a bounded history table.
    pub fn record(&self, report: ExperimentReport) {
        let id = report.id;
        self.history.update(|history| {
            history.push(report);
            let excess = history.len().saturating_sub(HISTORY_LIMIT);
            if excess > 0 {
                history.drain(..excess);
                self.history_dropped
                    .update(|dropped| *dropped += u32::try_from(excess).unwrap_or(u32::MAX));
            }
        });
        self.shown.set(Some(id));
    }
}

/// Why a run waits while the page measures the machine: the probes use the compute worker (or, without one,
/// the UI thread, whose freeze the I/O lab would measure).
pub(in crate::page) const CALIBRATING: &str = "measuring this machine's speed for the default sizes (a fraction of a second after the worker is ready)…";

/// What runs now, shared by every experiment through [`Lab::runs`].
#[derive(Clone, Copy)]
pub struct RunState {
    pub(in crate::page) active: RwSignal<Option<ExperimentKind>>,
    pub(in crate::page) status: RwSignal<String>,
    pub(in crate::page) stop_requested: RwSignal<bool>,
    /// The report of the run in progress, as far as it got.
    pub(in crate::page) live: RwSignal<Option<ExperimentReport>>,
    /// One sender per step in flight; Stop fires them all.
    pub(in crate::page) waiters: StoredValue<Vec<oneshot::Sender<()>>, LocalStorage>,
    /// The run's abort signal, for loops that run in JS.
    pub(in crate::page) controller: StoredValue<Option<web_sys::AbortController>, LocalStorage>,
    /// The start-up calibration is probing the kernels in the compute worker: runs that use the worker or the
    /// freeze meter wait for it, so neither disturbs the other.
    pub(in crate::page) calibrating: RwSignal<bool>,
    /// Whether the run in progress was started by a lesson (it shares its kind with a panel of the lab).
    pub(in crate::page) by_lesson: RwSignal<bool>,
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
            by_lesson: RwSignal::new(false),
        }
    }

    /// Marks the start-up calibration as running or over (see [`crate::page::calibrate`]).
    pub fn set_calibrating(&self, calibrating: bool) {
        self.calibrating.set(calibrating);
    }

    /// Whether the run in progress is `kind`'s, started from its own panel (tracked).
    pub fn is_running(&self, kind: ExperimentKind) -> bool {
        self.runs_as(kind, false)
    }

    /// Whether the run in progress is a lesson's run of `kind` (tracked).
    pub fn is_lesson_running(&self, kind: ExperimentKind) -> bool {
        self.runs_as(kind, true)
    }

    fn runs_as(&self, kind: ExperimentKind, lesson: bool) -> bool {
        self.active.get() == Some(kind) && self.by_lesson.get() == lesson
    }

    /// Why `kind`'s panel cannot start now: another run is in progress (tracked).
    pub fn busy_reason(&self, kind: ExperimentKind) -> Option<String> {
        self.busy_as(kind, false)
    }

    /// Why a lesson's run of `kind` cannot start now (tracked).
    pub fn lesson_busy_reason(&self, kind: ExperimentKind) -> Option<String> {
        self.busy_as(kind, true)
    }

    fn busy_as(&self, kind: ExperimentKind, lesson: bool) -> Option<String> {
        match self.active.get() {
            Some(other) if other != kind || self.by_lesson.get() != lesson => {
                let who = if self.by_lesson.get() {
                    format!("A lesson's run ({})", other.title())
                } else {
                    other.title().to_owned()
                };
                Some(format!(
                    "{who} is running: one run at a time, so the measurements do not disturb each other — wait \
                     for it or press its Stop"
                ))
            }
            _ => self.calibrating.get().then(|| CALIBRATING.to_owned()),
        }
    }

    /// Whether Stop was pressed in `kind`'s run, which is still winding down (tracked).
    pub fn stopping(&self, kind: ExperimentKind) -> bool {
        self.is_running(kind) && self.stop_requested.get()
    }

    /// Whether Stop was pressed in a lesson's run of `kind` (tracked).
    pub fn lesson_stopping(&self, kind: ExperimentKind) -> bool {
        self.is_lesson_running(kind) && self.stop_requested.get()
    }

    /// The running step's status line for `kind`'s panel (tracked; empty when it runs nothing).
    pub fn status(&self, kind: ExperimentKind) -> String {
        if self.is_running(kind) {
            self.status.get()
        } else {
            String::new()
        }
    }

    /// The running step's status line for a lesson's run of `kind` (tracked).
    pub fn lesson_status(&self, kind: ExperimentKind) -> String {
        if self.is_lesson_running(kind) {
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
        // The run picked in the history when it is of this kind, otherwise the latest of this kind; a lesson's
        // runs stay on the lesson's page.
        let picked = lab.shown.get();
        let own = |report: &&ExperimentReport| report.kind == kind && lab.lesson_of(report.id).is_none();
        lab.history.with(|history| {
            picked
                .and_then(|id| history.iter().filter(own).find(|report| report.id == id))
                .or_else(|| history.iter().rev().find(own))
                .cloned()
        })
    }

    /// Stop `kind`'s run; does nothing when `kind`'s panel is not the one running (a Stop is scoped to its run).
    pub fn stop(&self, lab: Lab, kind: ExperimentKind) {
        self.stop_as(lab, kind, false);
    }

    /// Stop a lesson's run of `kind`; does nothing when no lesson runs it.
    pub fn stop_lesson(&self, lab: Lab, kind: ExperimentKind) {
        self.stop_as(lab, kind, true);
    }

    fn stop_as(&self, lab: Lab, kind: ExperimentKind, lesson: bool) {
        if self.active.get_untracked() != Some(kind)
            || self.by_lesson.get_untracked() != lesson
            || self.stop_requested.get_untracked()
        {
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
        // Only runs that use the compute worker stop its job: the I/O lab's Stop aborts its fetches alone.
        if kind != ExperimentKind::Io {
            stop_compute(lab);
        }
    }
}

impl Default for RunState {
    fn default() -> Self {
        RunState::new()
    }
}

/// Starts the compute worker and its pool (none without isolation or in the single-threaded build).
pub fn start_pool(lab: Lab) {
    // Without isolation (and in the single-threaded build) the compute worker still runs, without a pool.
    let pooled = lab.environment.isolated && crate::THREADED;
    let threads = if pooled {
        lab.pool_threads.get_untracked()
    } else {
        0
    };
    spawn_local(async move {
        let options = StartOptions {
            allow_fallback: true,
            ..StartOptions::default()
        };
        match ComputeBridge::start_with(threads, options).await {
            Ok((bridge, info)) => {
                if pooled && info.threads == 0 {
                    forget_worker_check();
                }
                let fallback = bridge.fallback().map(str::to_owned);
                bridge.on_fault(move |error| {
                    // Runs inside the broken bridge's own callback: rebuild from a fresh task, after it returns.
                    spawn_local(async move { rebuild_pool(lab, Some(error)) });
                });
                lab.bridge.set_value(Some(Rc::new(bridge)));
                lab.pool.set(if info.threads > 0 {
                    PoolState::Ready(info)
                } else if let Some(reason) = fallback {
                    PoolState::WorkerOnly(fallback_reason(&reason))
                } else {
                    PoolState::WorkerOnly(lab.environment.capability.pool_unavailable().unwrap_or_else(
                        || {
                            "the compute worker started no pool (the threaded build asked for none)"
                                .to_owned()
                        },
                    ))
                });
                mark("lanes-pool-ready");
            }
            Err(error) => {
                if pooled {
                    forget_worker_check();
                }
                lab.pool.set(PoolState::Unavailable(error.to_string()));
            }
        }
    });
}

/// After the page's pool or `main-pool`'s threads failed to start: a worker check that boot.js remembered is
/// forgotten (`lanesForgetWorkerCheck`, www/worker-check.js), so that the next load runs it again. (Also after a
/// failure that has nothing to do with workers, such as a refused memory: the next load then checks once more.)
pub fn forget_worker_check() {
    let forget = crate::js::field(&js_sys::global(), "lanesForgetWorkerCheck")
        .and_then(|forget| wasm_bindgen::JsCast::dyn_into::<js_sys::Function>(forget).ok());
    if let Some(forget) = forget {
        let _ = forget.call0(&wasm_bindgen::JsValue::UNDEFINED);
    }
}

/// Why there is no pool when the compute worker fell back to the single-threaded build although the page runs
/// the threaded one: its own instance could not start (each instance reserves its own shared memory).
fn fallback_reason(reason: &str) -> String {
    let hint = if reason.starts_with("RangeError") {
        "the browser refused the memory it asked for: it may limit how much shared memory a page reserves (close \
         other tabs and reload)"
    } else {
        "reload to try again"
    };
    format!(
        "the page runs the threaded build, but the compute worker could not start it ({reason}) and runs the \
         single-threaded build instead; {hint}"
    )
}

/// Stops every job in the compute worker: through its stop flag where the page shares memory with it, and
/// otherwise (no cross-origin isolation) by terminating it, failing its jobs with [`WorkerError::Stopped`] and
/// starting a new one.
pub fn stop_compute(lab: Lab) {
    let Some(bridge) = lab.bridge.get_value() else {
        return;
    };
    if bridge.busy() && !bridge.stop_jobs() {
        bridge.terminate_for_stop();
        rebuild_pool(lab, None);
    }
}

/// Rebuilds the compute worker with a pool of `threads` threads (the environment panel's pool size field).
///
/// # Errors
/// Why it cannot now, as a sentence for under the field: a run or the start-up calibration is in progress (a
/// new pool would fail its jobs), the pool is still starting, or this build has no pool at all. The size asked
/// for is kept only when the pool is rebuilt.
pub fn resize_pool(lab: Lab, threads: u32) -> Result<(), String> {
    // The same size again (a change event and a submit from one Enter, say): nothing to rebuild.
    let same = match lab.pool.get_untracked() {
        PoolState::Ready(info) => info.threads == threads,
        PoolState::Starting => lab.pool_threads.get_untracked() == threads,
        PoolState::WorkerOnly(_) | PoolState::Unavailable(_) => false,
    };
    if same {
        return Ok(());
    }
    if let Some(kind) = lab.runs.active.get_untracked() {
        return Err(format!(
            "{} is running: the pool can change size when it is over — wait for it or press its Stop",
            kind.title()
        ));
    }
    if lab.runs.calibrating.get_untracked() {
        return Err(format!("wait a moment: {CALIBRATING}"));
    }
    match lab.pool.get_untracked() {
        PoolState::Starting => Err("the pool is starting: change its size once it is ready".to_owned()),
        PoolState::WorkerOnly(reason) => Err(format!("there is no pool to size: {reason}")),
        // A pool that failed to start (too many threads for this machine's memory, say) may start smaller.
        PoolState::Ready(_) | PoolState::Unavailable(_) => {
            lab.pool_threads.set(threads);
            replace_address_threads(settings::threads_param(
                threads,
                settings::default_threads(lab.environment.hardware_concurrency),
            ));
            rebuild_pool(lab, None);
            Ok(())
        }
    }
}

/// Starts a new compute worker in place of one that broke (`fault`, reported under Environment) or was
/// terminated by a Stop (`None`); jobs in flight have already failed.
fn rebuild_pool(lab: Lab, fault: Option<WorkerError>) {
    if let Some(error) = fault {
        let count = lab
            .fault
            .with_untracked(|fault| fault.as_ref().map_or(0, |fault| fault.count))
            + 1;
        web_sys::console::warn_1(&format!("lanes: {error}; starting a new compute worker").into());
        lab.fault.set(Some(WorkerFault { count, error }));
    }
    lab.pool.set(PoolState::Starting);
    // Dropping the page's handle terminates the old worker (a run still holding it lets go when it fails).
    lab.bridge.set_value(None);
    start_pool(lab);
}

/// Sets a `performance.mark`, so load milestones show in DevTools and the benchmark can read them.
pub fn mark(name: &str) {
    if let Some(performance) = web_sys::window().and_then(|window| window.performance()) {
        let _ = performance.mark(name);
    }
}
