//! UI side of the protocol: starts the compute worker, waits for its ready handshake, sends jobs and matches
//! replies by job id. All `Worker`/`postMessage` code of the page lives here.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use futures::channel::oneshot;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{MessageEvent, Worker, WorkerOptions, WorkerType};

use crate::kernels::{KernelOutput, KernelSpec, Strategy};
use crate::protocol::{
    ComputeRequest, ComputeResponse, FailureScope, Fault, HEARTBEAT_WORD, JobId, SHARED_KEY, STOP_WORD,
    salvage_job_id, to_js,
};
use crate::stream::StreamStats;
use crate::timing::now_ms;

#[wasm_bindgen]
extern "C" {
    /// The URL of the generated JS module, whose hashed name only the module itself knows.
    #[wasm_bindgen(thread_local_v2, js_namespace = ["import", "meta"], js_name = url)]
    static MODULE_URL: String;
}

/// A field of `window.lanesCompute`, the compute module www/boot.js started compiling for the build it loaded: the URL
/// of its JS (`js`), a promise of its compiled `WebAssembly.Module` (`module`) and the URLs of the single-threaded
/// compute module (`single`, for the worker's fallback). `None` where boot.js did not run (the wasm-bindgen tests):
/// then this module, which exports the worker host too, serves as the compute module.
fn compute_field(key: &str) -> Option<JsValue> {
    crate::js::field(&crate::js::global_object("lanesCompute")?, key)
}

/// This module's own JS URL.
fn own_js_url() -> String {
    MODULE_URL.with(Clone::clone)
}

/// The compiled module a new compute worker instantiates, and the JS URL that goes with it.
struct ComputeModule {
    module: JsValue,
    js_url: String,
}

/// The compiled compute module: boot.js's (compiled once, while the page loaded), waited for at most `limit_ms`.
/// Where there is none, or it failed to load or compile in time, this module's own — it exports the worker host
/// too, so worker mode keeps working (with the whole page's module in the worker, as before the split); the reason
/// goes to the console.
async fn compute_module(limit_ms: f64) -> ComputeModule {
    use futures::future::{Either, select};
    use std::pin::pin;

    let own = || ComputeModule {
        module: wasm_bindgen::module(),
        js_url: own_js_url(),
    };
    let Some(promise) = compute_field("module").and_then(|module| module.dyn_into::<js_sys::Promise>().ok())
    else {
        return own();
    };
    let limit = limit_ms.clamp(0.0, f64::from(u32::MAX)) as u32;
    let loaded = wasm_bindgen_futures::JsFuture::from(promise);
    let why = match select(pin!(loaded), pin!(crate::timing::sleep_ms(limit))).await {
        Either::Left((Ok(module), _)) => match compute_field("js").and_then(|url| url.as_string()) {
            Some(js_url) => return ComputeModule { module, js_url },
            None => "boot.js named no JS for it".to_owned(),
        },
        Either::Left((Err(error), _)) => describe(&error),
        Either::Right(_) => format!("it did not compile within {limit} ms"),
    };
    web_sys::console::warn_1(
        &format!("lanes: the compute module did not load ({why}); the compute worker runs the page's module")
            .into(),
    );
    own()
}

/// Where the compute worker's bootstrap is served, next to `index.html`.
const WORKER_SCRIPT: &str = "compute-worker.js";

/// How long the worker may stay silent while it owes the page an answer: no reply and no heartbeat (kernels beat
/// every few milliseconds) for this long means it hung or died without an error event. Only where the page shares
/// the worker's memory, which the heartbeat lives in.
pub const WATCHDOG_MS: f64 = 5_000.0;
/// How often the watchdog looks.
const WATCHDOG_TICK_MS: i32 = 250;
/// How long [`ComputeBridge::start`] waits for the ready handshake, from posting the worker its module, before it
/// gives up on the worker (the wait for the module's compile before that has the same limit of its own). A cold pool
/// of 2 is ready in 100–150 ms on a 2-core machine, but a slow machine instantiating the wasm module (a CI runner, a phone) can take
/// seconds: generous, yet a worker that never answers no longer leaves the pool "starting" forever.
pub const READY_TIMEOUT_MS: f64 = 15_000.0;

/// Why the compute worker could not do what was asked.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum WorkerError {
    /// The browser refused to create the worker.
    #[error("could not start the compute worker: {0}")]
    Spawn(String),
    /// The worker started but its wasm instance or pool did not.
    #[error("the compute worker failed to start its pool: {0}")]
    InitFailed(String),
    /// The worker reported an uncaught error.
    #[error("the compute worker crashed: {0}")]
    Crashed(String),
    /// The page stopped the job by terminating the worker (no shared memory for a stop flag).
    #[error(
        "stopped: the compute worker was terminated (without cross-origin isolation there is no stop flag)"
    )]
    Stopped,
    /// The worker owed an answer and showed no sign of life for [`WATCHDOG_MS`].
    #[error("the compute worker stopped answering: no reply and no heartbeat for {0:.0} ms")]
    Unresponsive(f64),
    /// The worker refused the job.
    #[error("the compute worker refused the job: {0}")]
    Refused(String),
    /// A message did not fit the protocol.
    #[error("unexpected message from the compute worker: {0}")]
    Protocol(String),
    /// The worker sent no ready handshake within this many milliseconds (see [`READY_TIMEOUT_MS`]).
    #[error("the compute worker did not finish starting within {} s", .0 / 1000.0)]
    StartTimedOut(f64),
    /// The worker could not read the page's request ([`ComputeResponse::Rejected`]).
    #[error("the compute worker could not read the page's request: {0}")]
    RequestRejected(String),
}

impl WorkerError {
    /// A stable id for `data-kind`: `spawn`, `init-failed`, `crashed`, `unresponsive`, `stopped`, `refused`,
    /// `protocol`, `start-timed-out`, `request-rejected`.
    pub fn kind(&self) -> &'static str {
        match self {
            WorkerError::Spawn(_) => "spawn",
            WorkerError::InitFailed(_) => "init-failed",
            WorkerError::Crashed(_) => "crashed",
            WorkerError::Unresponsive(_) => "unresponsive",
            WorkerError::Stopped => "stopped",
            WorkerError::Refused(_) => "refused",
            WorkerError::Protocol(_) => "protocol",
            WorkerError::StartTimedOut(_) => "start-timed-out",
            WorkerError::RequestRejected(_) => "request-rejected",
        }
    }
}

/// A JS error or value as words (the page's one conversion of a thrown `JsValue`).
pub(in crate::page) fn describe(value: &JsValue) -> String {
    value
        .as_string()
        .or_else(|| {
            value
                .dyn_ref::<js_sys::Error>()
                .map(|error| String::from(error.message()))
        })
        .unwrap_or_else(|| format!("{value:?}"))
}

/// How the pool started, on the shared clock.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PoolInfo {
    /// Threads in the pool.
    pub threads: u32,
    /// When the worker was asked for: by boot.js, as the page loaded, where `started_at_load`; else by the bridge.
    pub requested_ms: f64,
    /// When the page posted it the compiled module (its init message): for the page's first pool, after the wait
    /// for the compute module's compile, which boot.js starts as the page mounts (and, for a worker boot.js started,
    /// after the page's own start); for a later pool, at once.
    pub posted_ms: f64,
    /// Whether this is the worker boot.js started as the page loaded (see `take_started_worker`).
    pub started_at_load: bool,
    /// When the worker's script was running and had read the init message, which the page posts once the compute
    /// module has compiled (see [`ComputeBridge::start_with`]).
    pub spawned_ms: f64,
    /// When its wasm instance was ready.
    pub instantiated_ms: f64,
    /// When every pool thread was ready.
    pub pool_ready_ms: f64,
}

/// A finished job as the UI sees it.
#[derive(Clone, Debug, PartialEq)]
pub struct JobReply {
    /// When the worker began the job.
    pub started_ms: f64,
    /// When it finished.
    pub finished_ms: f64,
    /// The kernel's output.
    pub output: KernelOutput,
}

/// A processed stream batch as the UI sees it ([`ComputeBridge::stream_batch`], [`ComputeBridge::end_stream`]).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StreamReply {
    /// Everything the stream has processed so far.
    pub stats: StreamStats,
    /// The worker's wasm memory size after the batch, in bytes: the instance's high-water mark since it started
    /// (wasm memory never shrinks), so an earlier large run shows here too.
    pub memory_bytes: f64,
    /// The allocator's peak bytes in use in the compute worker's instance (all its threads) between the
    /// stream's first batch and this one; the reply to the stream's last batch (or to
    /// [`ComputeBridge::end_stream`]) carries the stream's own peak. Absolute (it starts from what was in use
    /// when the first batch arrived, that batch included), requested bytes only. One counter per worker: a
    /// stream started while another is open starts the other's peak over too.
    pub peak_heap_bytes: f64,
}

/// The script a compute worker runs.
#[derive(Clone, Debug, PartialEq)]
pub enum WorkerScript {
    /// The compute-worker bootstrap at this path, relative to the page: [`ComputeBridge::start_with`] adds the
    /// `?module=` naming the JS of the module it posts (see [`compute_module`]).
    Bootstrap(String),
    /// A script used as is (tests start stand-in workers).
    Url(String),
}

/// How [`ComputeBridge::start_with`] starts the worker; [`ComputeBridge::start`] uses the default.
#[derive(Clone, Debug, PartialEq)]
pub struct StartOptions {
    /// The worker's script.
    pub script: WorkerScript,
    /// How long to wait for the ready handshake.
    pub ready_timeout_ms: f64,
    /// Whether a worker whose threaded instance cannot start may run the single-threaded build instead (the
    /// page's compute worker: worker mode still works). Workers started for a pool of their own (the presets'
    /// cold pools) fail instead, with the browser's reason.
    pub allow_fallback: bool,
}

impl Default for StartOptions {
    /// The bootstrap next to `index.html`, waited for [`READY_TIMEOUT_MS`].
    fn default() -> StartOptions {
        StartOptions {
            script: WorkerScript::Bootstrap(WORKER_SCRIPT.to_owned()),
            ready_timeout_ms: READY_TIMEOUT_MS,
            allow_fallback: false,
        }
    }
}

/// The URL of a compute-worker bootstrap served at `path`, with `?module=` naming this module's own JS: for a
/// worker that is posted this module ([`wasm_bindgen::module`]), as the tests do.
pub fn worker_script_url(path: &str) -> String {
    script_url_for(path, &own_js_url())
}

/// Starts a compute worker (a module worker named `lanes-compute`) on `script`.
fn spawn_worker(script: &str) -> Result<Worker, WorkerError> {
    let worker_options = WorkerOptions::new();
    worker_options.set_type(WorkerType::Module);
    worker_options.set_name("lanes-compute");
    Worker::new_with_options(script, &worker_options).map_err(|error| WorkerError::Spawn(describe(&error)))
}

/// The compute worker boot.js started for the page's first pool (`lanesCompute.worker`: www/compute-worker.js on
/// `lanesCompute.js`, started as the page's module is instantiated, so that its start overlaps the mount instead of
/// following it; issue 15, P9b), with when it was started. Taken once: a later start spawns its own. `None` where
/// boot.js started none (the tests' pages), or where its script failed before it was taken (boot.js keeps the error
/// in `lanesCompute.workerError`): that worker is let go, and the caller starts one of its own. An error that
/// arrives after it was taken is the bridge's, as for a worker it started (the start fails with it).
fn take_started_worker() -> Option<(Worker, f64)> {
    let compute = crate::js::global_object("lanesCompute")?;
    let worker = crate::js::field(&compute, "worker")?.dyn_into::<Worker>().ok()?;
    // Taken: whatever happens next, no other start finds it.
    let _ = js_sys::Reflect::delete_property(compute.unchecked_ref::<js_sys::Object>(), &"worker".into());
    worker.set_onerror(None);
    let failed = crate::js::field(&compute, "workerError").is_some_and(|error| !error.is_undefined());
    let started_ms = crate::js::field(&compute, "workerStartedMs").and_then(|ms| ms.as_f64());
    match started_ms {
        Some(started_ms) if !failed => Some((worker, started_ms)),
        _ => {
            worker.terminate();
            None
        }
    }
}

/// What a worker's `error` event says: an `ErrorEvent`'s message (an exception in the worker), or, for a plain
/// `Event` (Chromium's when the worker's script did not load, say one blocked by the page's
/// Cross-Origin-Embedder-Policy) or an empty message, that the script did not load or run.
fn error_message(event: &web_sys::Event) -> String {
    crate::js::field(event, "message")
        .and_then(|message| message.as_string())
        .filter(|message| !message.trim().is_empty())
        .unwrap_or_else(|| "the worker's script did not load or run".to_owned())
}

/// `path?module=<module_url>`, encoded.
fn script_url_for(path: &str, module_url: &str) -> String {
    format!(
        "{path}?module={}",
        String::from(js_sys::encode_uri_component(module_url))
    )
}

/// A reply the page awaits, by kind.
#[derive(Clone, Debug, PartialEq)]
enum Reply {
    Job(JobReply),
    Pong,
    Stream(StreamReply),
}

/// Replies awaited by job id.
type Pending = Rc<RefCell<HashMap<JobId, oneshot::Sender<Result<Reply, WorkerError>>>>>;
type ReadySender = Rc<RefCell<Option<oneshot::Sender<Result<ComputeResponse, WorkerError>>>>>;

/// What the page is told when its worker breaks after the handshake.
type FaultCallback = Rc<dyn Fn(WorkerError)>;

/// Everything the message, error and watchdog callbacks share.
#[derive(Default)]
struct Health {
    /// A view of the worker's shared words (stop flag, heartbeat), when its memory could be shared.
    shared: RefCell<Option<js_sys::Int32Array>>,
    /// When the worker last showed a sign of life, and the heartbeat it showed.
    last_sign: Cell<(f64, i32)>,
    /// When the init message was posted: the handshake's time limit counts from there (the wait for the compute
    /// module's compile before it has a limit of its own).
    posted_ms: Cell<Option<f64>>,
    /// Set once the worker is known to be broken: later requests fail at once.
    broken: RefCell<Option<WorkerError>>,
    /// Told once, when the worker breaks after its handshake.
    on_fault: RefCell<Option<FaultCallback>>,
}

impl Health {
    fn heartbeat(&self) -> Option<i32> {
        let view = self.shared.borrow().clone()?;
        js_sys::Atomics::load(&view, HEARTBEAT_WORD).ok()
    }

    /// Fails a start-up still waiting for the handshake, then breaks the worker ([`Health::break_with`]).
    fn fail(&self, error: &WorkerError, pending: &Pending, ready: &ReadySender) {
        if let Some(sender) = ready.borrow_mut().take() {
            let _ = sender.send(Err(error.clone()));
        }
        self.break_with(error, pending);
    }

    /// Marks the worker broken, fails every job waiting and tells the page (once).
    fn break_with(&self, error: &WorkerError, pending: &Pending) {
        if self.broken.borrow().is_some() {
            return;
        }
        self.broken.replace(Some(error.clone()));
        for (_, sender) in pending.borrow_mut().drain() {
            let _ = sender.send(Err(error.clone()));
        }
        if let Some(on_fault) = self.on_fault.borrow_mut().take() {
            on_fault(error.clone());
        }
    }
}

/// The page's handle on the compute worker. Dropping it terminates the worker.
pub struct ComputeBridge {
    /// Why the worker runs the single-threaded build instead of the threaded one it was sent, if it does.
    fallback: Option<String>,
    worker: Worker,
    pending: Pending,
    next_job: Cell<JobId>,
    health: Rc<Health>,
    watchdog: i32,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(web_sys::Event)>,
    _on_tick: Closure<dyn FnMut()>,
}

impl ComputeBridge {
    /// Starts the compute worker with a pool of `threads` and waits for its ready handshake, at most
    /// [`READY_TIMEOUT_MS`].
    ///
    /// # Errors
    /// [`WorkerError::Spawn`] when the worker can't be created, [`WorkerError::InitFailed`] or
    /// [`WorkerError::Crashed`] when it dies before it is ready, [`WorkerError::StartTimedOut`] when it stays
    /// silent (the worker is terminated), [`WorkerError::Protocol`] when it answers something else first.
    pub async fn start(threads: u32) -> Result<(ComputeBridge, PoolInfo), WorkerError> {
        ComputeBridge::start_with(threads, StartOptions::default()).await
    }

    /// [`ComputeBridge::start`] with another worker script or time limit (tests start stand-in workers).
    ///
    /// # Errors
    /// As [`ComputeBridge::start`], with `options.ready_timeout_ms` as the limit.
    pub async fn start_with(
        threads: u32,
        options: StartOptions,
    ) -> Result<(ComputeBridge, PoolInfo), WorkerError> {
        let ready_timeout_ms = options.ready_timeout_ms;
        let script_for = |js_url: &str| match &options.script {
            WorkerScript::Bootstrap(path) => script_url_for(path, js_url),
            WorkerScript::Url(url) => url.clone(),
        };
        // The worker starts on the compute module's JS that boot.js named, before the module has compiled (boot.js
        // starts compiling it as the page mounts, which is when the page's first pool starts): the worker's own
        // start and its import of that JS overlap the compile instead of following it. The compile is waited for
        // below, within the start's limit and inside its first phase (the worker reads no init message before).
        let first_js = compute_field("js")
            .and_then(|url| url.as_string())
            .unwrap_or_else(own_js_url);
        // The page's first pool takes the worker boot.js started on that JS, if it did (see `take_started_worker`).
        let page_worker = options.allow_fallback && options.script == StartOptions::default().script;
        let (worker, requested_ms, started_at_load) = match page_worker.then(take_started_worker).flatten() {
            Some((worker, started_ms)) => (worker, started_ms, true),
            None => {
                let requested_ms = now_ms();
                (spawn_worker(&script_for(&first_js))?, requested_ms, false)
            }
        };

        let pending: Pending = Rc::default();
        let (ready_sender, ready_receiver) = oneshot::channel();
        let ready: ReadySender = Rc::new(RefCell::new(Some(ready_sender)));

        let health = Rc::new(Health::default());
        health.last_sign.set((now_ms(), 0));
        let on_message = {
            let (pending, ready, health) = (Rc::clone(&pending), Rc::clone(&ready), Rc::clone(&health));
            Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
                let data = event.data();
                if let Some(view) = take_shared_view(&data) {
                    health.shared.replace(Some(view));
                }
                health.last_sign.set((now_ms(), health.heartbeat().unwrap_or(0)));
                match crate::protocol::response_from_js(&data) {
                    Ok(response) => dispatch(response, &pending, &ready),
                    Err(error) => malformed_reply(&data, &error, &pending, &ready),
                }
            })
        };
        let on_error = {
            let (pending, ready, health) = (Rc::clone(&pending), Rc::clone(&ready), Rc::clone(&health));
            Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
                // Handled here: without this the page would also log it as its own uncaught error.
                event.prevent_default();
                health.fail(&WorkerError::Crashed(error_message(&event)), &pending, &ready);
            })
        };
        // The watchdog: the handshake must come within the start-up limit, and while a reply is owed the worker
        // must answer or beat within WATCHDOG_MS.
        let on_tick = {
            let (pending, ready, health) = (Rc::clone(&pending), Rc::clone(&ready), Rc::clone(&health));
            Closure::<dyn FnMut()>::new(move || {
                let now = now_ms();
                let late = health
                    .posted_ms
                    .get()
                    .is_some_and(|posted| now - posted > ready_timeout_ms);
                if ready.borrow().is_some() && late {
                    // Failing the start drops the bridge, which terminates the worker.
                    health.fail(&WorkerError::StartTimedOut(ready_timeout_ms), &pending, &ready);
                    return;
                }
                let owed = !pending.borrow().is_empty();
                // Only a worker whose memory the page shares has a heartbeat to watch: without one (the
                // single-threaded build) a long job and a hung worker look alike, so the silence rule would fail
                // honest work — there, a trap still arrives as an error event and Stop terminates the worker.
                let watched = health.shared.borrow().is_some();
                let beat = health.heartbeat().unwrap_or(0);
                let (since, last_beat) = health.last_sign.get();
                if !owed || !watched || beat != last_beat {
                    health.last_sign.set((now, beat));
                } else if now - since > WATCHDOG_MS {
                    health.fail(&WorkerError::Unresponsive(now - since), &pending, &ready);
                }
            })
        };
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        let watchdog = web_sys::window()
            .ok_or_else(|| WorkerError::Spawn("no window to run the watchdog on".to_owned()))?
            .set_interval_with_callback_and_timeout_and_arguments_0(
                on_tick.as_ref().unchecked_ref(),
                WATCHDOG_TICK_MS,
            )
            .map_err(|error| WorkerError::Spawn(describe(&error)))?;

        // From here on, returning early drops the bridge, which stops the watchdog and terminates the worker.
        let mut bridge = ComputeBridge {
            fallback: None,
            worker,
            pending,
            next_job: Cell::new(1),
            health,
            watchdog,
            _on_message: on_message,
            _on_error: on_error,
            _on_tick: on_tick,
        };
        let compute = compute_module(ready_timeout_ms).await;
        if first_js != compute.js_url {
            // boot.js's compute module did not load: the worker runs the page's own module instead, from its JS.
            // The first worker is let go without its handlers, so nothing it still sends can reach this start.
            bridge.worker.set_onmessage(None);
            bridge.worker.set_onerror(None);
            bridge.worker.terminate();
            bridge.worker = spawn_worker(&script_for(&compute.js_url))?;
            bridge
                .worker
                .set_onmessage(Some(bridge._on_message.as_ref().unchecked_ref()));
            bridge
                .worker
                .set_onerror(Some(bridge._on_error.as_ref().unchecked_ref()));
        }

        let init = js_sys::Object::new();
        let set = |key: &str, value: &JsValue| js_sys::Reflect::set(&init, &key.into(), value);
        set("module", &compute.module)
            .and_then(|_| set("single", &compute_field("single").unwrap_or(JsValue::UNDEFINED)))
            .and_then(|_| set("threads", &threads.into()))
            .and_then(|_| set("fallback", &options.allow_fallback.into()))
            .and_then(|_| bridge.worker.post_message(&init))
            .map_err(|error| WorkerError::Spawn(describe(&error)))?;
        let posted_ms = now_ms();
        bridge.health.posted_ms.set(Some(posted_ms));

        let handshake = ready_receiver
            .await
            .map_err(|_| WorkerError::Crashed("the worker went away before it was ready".to_owned()))??;
        match handshake {
            ComputeResponse::Ready {
                threads,
                spawned_ms,
                instantiated_ms,
                pool_ready_ms,
                fallback,
            } => Ok((
                {
                    bridge.fallback = fallback;
                    bridge
                },
                PoolInfo {
                    threads,
                    requested_ms,
                    posted_ms,
                    started_at_load,
                    spawned_ms,
                    instantiated_ms,
                    pool_ready_ms,
                },
            )),
            ComputeResponse::InitFailed { reason } => Err(WorkerError::InitFailed(reason)),
            other => Err(WorkerError::Protocol(format!("{other:?} before the handshake"))),
        }
    }

    /// Why the worker runs the single-threaded build although it was sent the threaded one (its own instance
    /// could not start), or `None` when it runs what it was sent.
    pub fn fallback(&self) -> Option<&str> {
        self.fallback.as_deref()
    }

    /// Sends a no-op request and waits for its answer: one protocol round trip.
    ///
    /// # Errors
    /// [`WorkerError::Crashed`] when the worker dies, [`WorkerError::Protocol`] on a wrong answer.
    pub async fn ping(&self) -> Result<(), WorkerError> {
        let (job, receiver) = self.enqueue();
        self.post(&ComputeRequest::Ping { job }, job)?;
        receiver
            .await
            .map_err(|_| WorkerError::Crashed("the worker went away during the ping".to_owned()))?
            .and_then(|reply| match reply {
                Reply::Pong => Ok(()),
                other => Err(WorkerError::Protocol(format!("{other:?} answered a ping"))),
            })
    }

    /// Hands one batch of a streamed body to the worker, transferring its buffer (the page loses it; nothing is
    /// cloned). The batch is posted before this returns; the returned future resolves with the stream's stats
    /// so far, the worker's memory size and its heap peak since the stream's first batch ([`StreamReply`]), so
    /// the caller can time the UI thread's share alone. `first` starts the stream (and its heap peak) over.
    ///
    /// # Errors
    /// [`WorkerError::Protocol`] when the message can't be built or posted; the future fails with
    /// [`WorkerError::Crashed`] when the worker dies and [`WorkerError::Refused`] when the stream is not open
    /// in the worker (a batch that is not first after the stream ended, was stopped or was forgotten).
    pub fn stream_batch(
        &self,
        stream: u32,
        first: bool,
        batch: &js_sys::Uint8Array,
    ) -> Result<impl Future<Output = Result<StreamReply, WorkerError>> + use<>, WorkerError> {
        self.send_stream_batch(stream, first, false, Some(batch))
    }

    /// Ends a stream after its last batch: the worker forgets it, and the returned future resolves with the
    /// stream's final figures — [`StreamReply::peak_heap_bytes`] is then the stream's own heap peak, from its
    /// first batch to its last. (A stream never ended is forgotten anyway, once stopped or crowded out.)
    ///
    /// # Errors
    /// As [`ComputeBridge::stream_batch`].
    pub fn end_stream(
        &self,
        stream: u32,
    ) -> Result<impl Future<Output = Result<StreamReply, WorkerError>> + use<>, WorkerError> {
        self.send_stream_batch(stream, false, true, None)
    }

    fn send_stream_batch(
        &self,
        stream: u32,
        first: bool,
        last: bool,
        batch: Option<&js_sys::Uint8Array>,
    ) -> Result<impl Future<Output = Result<StreamReply, WorkerError>> + use<>, WorkerError> {
        let (job, receiver) = self.enqueue();
        let request = ComputeRequest::StreamBatch {
            job,
            stream,
            first,
            last,
            bytes: Vec::new(),
        };
        let posted = to_js(&request)
            .map_err(JsValue::from)
            .and_then(|message| match batch {
                Some(batch) => {
                    js_sys::Reflect::set(&message, &"bytes".into(), batch)?;
                    self.worker
                        .post_message_with_transfer(&message, &js_sys::Array::of1(&batch.buffer()))
                }
                None => self.worker.post_message(&message),
            });
        if let Err(error) = posted {
            self.pending.borrow_mut().remove(&job);
            return Err(WorkerError::Protocol(describe(&error)));
        }
        Ok(async move {
            receiver
                .await
                .map_err(|_| WorkerError::Crashed("the worker went away during a stream batch".to_owned()))?
                .and_then(|reply| match reply {
                    Reply::Stream(reply) => Ok(reply),
                    other => Err(WorkerError::Protocol(format!(
                        "{other:?} answered a stream batch"
                    ))),
                })
        })
    }

    fn enqueue(&self) -> (JobId, oneshot::Receiver<Result<Reply, WorkerError>>) {
        let job = self.next_job.get();
        self.next_job.set(job.wrapping_add(1));
        let (sender, receiver) = oneshot::channel();
        match self.health.broken.borrow().clone() {
            // A broken worker answers nothing: fail at once rather than wait for the watchdog again.
            Some(error) => {
                let _ = sender.send(Err(error));
            }
            None => {
                self.pending.borrow_mut().insert(job, sender);
            }
        }
        (job, receiver)
    }

    fn post(&self, request: &ComputeRequest, job: JobId) -> Result<(), WorkerError> {
        let posted = to_js(request)
            .map_err(JsValue::from)
            .and_then(|message| self.worker.post_message(&message));
        posted.map_err(|error| {
            self.pending.borrow_mut().remove(&job);
            WorkerError::Protocol(describe(&error))
        })
    }

    /// Whether the worker owes the page a reply.
    pub fn busy(&self) -> bool {
        !self.pending.borrow().is_empty()
    }

    /// Asks every job sent so far to stop: the kernels see it between steps and reply with what their finished
    /// tasks computed, marked cancelled. Returns `false` when the worker's memory could not be shared with the
    /// page (no cross-origin isolation), so there is no flag to raise.
    pub fn stop_jobs(&self) -> bool {
        let Some(view) = self.health.shared.borrow().clone() else {
            return false;
        };
        let last = i32::try_from(self.next_job.get().wrapping_sub(1)).unwrap_or(i32::MAX);
        js_sys::Atomics::store(&view, STOP_WORD, last).is_ok()
    }

    /// Stops the worker the hard way when [`ComputeBridge::stop_jobs`] cannot: terminates it at once and fails
    /// every job it owed with [`WorkerError::Stopped`]. The bridge answers nothing afterwards.
    pub fn terminate_for_stop(&self) {
        // Not a fault: the page rebuilds the worker itself, so nobody is told.
        self.health.on_fault.replace(None);
        self.worker.terminate();
        self.health.break_with(&WorkerError::Stopped, &self.pending);
    }

    /// Calls `on_fault` once if the worker breaks from now on (a trap, an error event, the watchdog): the page
    /// reports it and builds a new worker. Jobs waiting at that moment fail with the same error.
    pub fn on_fault(&self, on_fault: impl Fn(WorkerError) + 'static) {
        self.health.on_fault.replace(Some(Rc::new(on_fault)));
    }

    /// Breaks the worker on purpose (`?debug=1`) and waits for the page to notice.
    ///
    /// # Errors
    /// Always: the error the page detected ([`WorkerError::Crashed`] or [`WorkerError::Unresponsive`]).
    pub async fn inject(&self, fault: Fault) -> Result<(), WorkerError> {
        let (job, receiver) = self.enqueue();
        self.post(&ComputeRequest::Fault { job, fault }, job)?;
        receiver
            .await
            .map_err(|_| WorkerError::Crashed("the worker went away".to_owned()))?
            .and_then(|reply| Err(WorkerError::Protocol(format!("{reply:?} answered a fault"))))
    }

    /// Runs one kernel job in the worker and waits for its reply.
    ///
    /// # Errors
    /// [`WorkerError::Refused`] when the worker rejects the spec, [`WorkerError::Crashed`] when it dies.
    pub async fn run(&self, spec: KernelSpec, strategy: Strategy) -> Result<JobReply, WorkerError> {
        let (job, receiver) = self.enqueue();
        self.post(&ComputeRequest::Run { job, spec, strategy }, job)?;
        receiver
            .await
            .map_err(|_| WorkerError::Crashed("the worker went away during the job".to_owned()))?
            .and_then(|reply| match reply {
                Reply::Job(reply) => Ok(reply),
                other => Err(WorkerError::Protocol(format!("{other:?} answered a job"))),
            })
    }
}

impl Drop for ComputeBridge {
    fn drop(&mut self) {
        if let Some(window) = web_sys::window() {
            window.clear_interval_with_handle(self.watchdog);
        }
        self.worker.terminate();
    }
}

/// Takes the view of the shared words off a ready handshake (the protocol's reader would ignore the field).
fn take_shared_view(data: &JsValue) -> Option<js_sys::Int32Array> {
    let view = crate::js::field(data, SHARED_KEY)?
        .dyn_into::<js_sys::Int32Array>()
        .ok()?;
    js_sys::Reflect::delete_property(data.unchecked_ref::<js_sys::Object>(), &SHARED_KEY.into()).ok()?;
    Some(view)
}

/// Fails what `scope` names at once, rather than leaving it to the watchdog: the job, or every job awaited and
/// a start-up still waiting for its handshake.
fn fail_scope(scope: FailureScope, error: &WorkerError, pending: &Pending, ready: &ReadySender) {
    web_sys::console::error_1(&error.to_string().into());
    match scope {
        FailureScope::Job(job) => {
            if let Some(sender) = pending.borrow_mut().remove(&job) {
                let _ = sender.send(Err(error.clone()));
            }
        }
        FailureScope::AllPending => {
            if let Some(sender) = ready.borrow_mut().take() {
                let _ = sender.send(Err(error.clone()));
            }
            for (_, sender) in pending.borrow_mut().drain() {
                let _ = sender.send(Err(error.clone()));
            }
        }
    }
}

/// Whom a message that failed to fit the protocol takes down: before the handshake the start-up itself (the
/// handshake must come first), after it the job the message names, or every job awaited when it names none.
fn scope_of(job: Option<JobId>, ready: &ReadySender) -> FailureScope {
    if ready.borrow().is_some() {
        FailureScope::AllPending
    } else {
        FailureScope::of(job)
    }
}

/// A message from the worker that is not a [`ComputeResponse`]: fails whom it concerns at once with
/// [`WorkerError::Protocol`], naming what did not fit.
fn malformed_reply(
    data: &JsValue,
    error: &serde_wasm_bindgen::Error,
    pending: &Pending,
    ready: &ReadySender,
) {
    let job_field = crate::js::field(data, "job").and_then(|job| job.as_f64());
    let job = salvage_job_id(job_field);
    let what = match job {
        Some(job) => format!("the reply to job {job} does not fit the protocol: {error}"),
        None => {
            format!("a reply naming no job does not fit the protocol, so no reply can be trusted: {error}")
        }
    };
    fail_scope(scope_of(job, ready), &WorkerError::Protocol(what), pending, ready);
}

fn dispatch(response: ComputeResponse, pending: &Pending, ready: &ReadySender) {
    let (job, result) = match response {
        ComputeResponse::Done {
            job,
            started_ms,
            finished_ms,
            output,
        } => (
            job,
            Ok(Reply::Job(JobReply {
                started_ms,
                finished_ms,
                output,
            })),
        ),
        ComputeResponse::Pong { job } => (job, Ok(Reply::Pong)),
        ComputeResponse::StreamProgress {
            job,
            stats,
            memory_bytes,
            peak_heap_bytes,
        } => (
            job,
            Ok(Reply::Stream(StreamReply {
                stats,
                memory_bytes,
                peak_heap_bytes,
            })),
        ),
        ComputeResponse::Failed { job, error } => (job, Err(WorkerError::Refused(error))),
        ComputeResponse::Rejected { job, reason } => {
            let what = match job {
                Some(job) => format!("job {job}: {reason}"),
                None => format!("a request naming no job, so every job awaited fails: {reason}"),
            };
            fail_scope(
                scope_of(job, ready),
                &WorkerError::RequestRejected(what),
                pending,
                ready,
            );
            return;
        }
        handshake @ (ComputeResponse::Ready { .. } | ComputeResponse::InitFailed { .. }) => {
            if let Some(sender) = ready.borrow_mut().take() {
                // The receiver is gone only if start() was abandoned; nothing is waiting then.
                let _ = sender.send(Ok(handshake));
            }
            return;
        }
    };
    if let Some(sender) = pending.borrow_mut().remove(&job) {
        let _ = sender.send(result);
    }
}
