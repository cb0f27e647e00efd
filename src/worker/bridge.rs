//! UI side of the protocol: starts the compute worker, waits for its ready handshake, sends jobs and matches
//! replies by job id. All `Worker`/`postMessage` code of the page lives here.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use futures::channel::oneshot;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{ErrorEvent, MessageEvent, Worker, WorkerOptions, WorkerType};

use crate::kernels::{KernelOutput, KernelSpec, Strategy};
use crate::protocol::{ComputeRequest, ComputeResponse, JobId};
use crate::stream::StreamStats;
use crate::timing::now_ms;
use crate::worker::host::{STOP_FLAG_KEY, to_js};

#[wasm_bindgen]
extern "C" {
    /// The URL of the generated JS module, whose hashed name only the module itself knows.
    #[wasm_bindgen(thread_local_v2, js_namespace = ["import", "meta"], js_name = url)]
    static MODULE_URL: String;
}

/// Where the compute worker's bootstrap is served, next to `index.html`.
const WORKER_SCRIPT: &str = "compute-worker.js";

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
    /// The worker refused the job.
    #[error("the compute worker refused the job: {0}")]
    Refused(String),
    /// A message did not fit the protocol.
    #[error("unexpected message from the compute worker: {0}")]
    Protocol(String),
}

fn describe(value: &JsValue) -> String {
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
    /// When the page asked for the worker.
    pub requested_ms: f64,
    /// When the worker's script started.
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

/// A reply the page awaits, by kind.
#[derive(Clone, Debug, PartialEq)]
enum Reply {
    Job(JobReply),
    Pong,
    Stream(StreamStats, f64),
}

/// Replies awaited by job id.
type Pending = Rc<RefCell<HashMap<JobId, oneshot::Sender<Result<Reply, WorkerError>>>>>;
type ReadySender = Rc<RefCell<Option<oneshot::Sender<Result<ComputeResponse, WorkerError>>>>>;

/// The page's handle on the compute worker. Dropping it terminates the worker.
pub struct ComputeBridge {
    worker: Worker,
    pending: Pending,
    next_job: Cell<JobId>,
    /// A view on the worker's stop flag (see `host::STOP_UP_TO`), when its memory could be shared with the page.
    stop_flag: Rc<RefCell<Option<js_sys::Int32Array>>>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(ErrorEvent)>,
}

impl ComputeBridge {
    /// Starts the compute worker with a pool of `threads` and waits for its ready handshake.
    ///
    /// # Errors
    /// [`WorkerError::Spawn`] when the worker can't be created, [`WorkerError::InitFailed`] or
    /// [`WorkerError::Crashed`] when it dies before it is ready.
    pub async fn start(threads: u32) -> Result<(ComputeBridge, PoolInfo), WorkerError> {
        let requested_ms = now_ms();
        let module_url = MODULE_URL.with(Clone::clone);
        let script = format!(
            "{WORKER_SCRIPT}?module={}",
            String::from(js_sys::encode_uri_component(&module_url))
        );
        let options = WorkerOptions::new();
        options.set_type(WorkerType::Module);
        options.set_name("lanes-compute");
        let worker = Worker::new_with_options(&script, &options)
            .map_err(|error| WorkerError::Spawn(describe(&error)))?;

        let pending: Pending = Rc::default();
        let (ready_sender, ready_receiver) = oneshot::channel();
        let ready: ReadySender = Rc::new(RefCell::new(Some(ready_sender)));

        let stop_flag = Rc::new(RefCell::new(None));
        let on_message = {
            let (pending, ready, stop_flag) = (Rc::clone(&pending), Rc::clone(&ready), Rc::clone(&stop_flag));
            Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
                let data = event.data();
                if let Some(view) = take_stop_flag(&data) {
                    stop_flag.replace(Some(view));
                }
                let response = serde_wasm_bindgen::from_value::<ComputeResponse>(data)
                    .map_err(|error| WorkerError::Protocol(error.to_string()));
                dispatch(response, &pending, &ready);
            })
        };
        let on_error = {
            let (pending, ready) = (Rc::clone(&pending), Rc::clone(&ready));
            Closure::<dyn FnMut(ErrorEvent)>::new(move |event: ErrorEvent| {
                let error = WorkerError::Crashed(event.message());
                fail_all(&error, &pending, &ready);
            })
        };
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));

        let init = js_sys::Object::new();
        let set = |key: &str, value: &JsValue| js_sys::Reflect::set(&init, &key.into(), value);
        set("module", &wasm_bindgen::module())
            .and_then(|_| set("threads", &threads.into()))
            .and_then(|_| worker.post_message(&init))
            .map_err(|error| WorkerError::Spawn(describe(&error)))?;

        let bridge = ComputeBridge {
            worker,
            pending,
            next_job: Cell::new(1),
            stop_flag,
            _on_message: on_message,
            _on_error: on_error,
        };
        let handshake = ready_receiver
            .await
            .map_err(|_| WorkerError::Crashed("the worker went away before it was ready".to_owned()))??;
        match handshake {
            ComputeResponse::Ready {
                threads,
                spawned_ms,
                instantiated_ms,
                pool_ready_ms,
            } => Ok((
                bridge,
                PoolInfo {
                    threads,
                    requested_ms,
                    spawned_ms,
                    instantiated_ms,
                    pool_ready_ms,
                },
            )),
            ComputeResponse::InitFailed { reason } => Err(WorkerError::InitFailed(reason)),
            other => Err(WorkerError::Protocol(format!("{other:?} before the handshake"))),
        }
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
    /// so far and the worker's memory size, so the caller can time the UI thread's share alone.
    ///
    /// # Errors
    /// [`WorkerError::Protocol`] when the message can't be built or posted; the future fails with
    /// [`WorkerError::Crashed`] when the worker dies.
    pub fn stream_batch(
        &self,
        stream: u32,
        first: bool,
        batch: &js_sys::Uint8Array,
    ) -> Result<impl Future<Output = Result<(StreamStats, f64), WorkerError>> + use<>, WorkerError> {
        let (job, receiver) = self.enqueue();
        let request = ComputeRequest::StreamBatch {
            job,
            stream,
            first,
            bytes: Vec::new(),
        };
        let posted = to_js(&request).map_err(JsValue::from).and_then(|message| {
            js_sys::Reflect::set(&message, &"bytes".into(), batch)?;
            self.worker
                .post_message_with_transfer(&message, &js_sys::Array::of1(&batch.buffer()))
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
                    Reply::Stream(stats, memory) => Ok((stats, memory)),
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
        self.pending.borrow_mut().insert(job, sender);
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

    /// Asks every job sent so far to stop: the kernels see it between steps and reply with what their finished
    /// tasks computed, marked cancelled. Returns `false` when the worker's memory could not be shared with the
    /// page (no cross-origin isolation), so there is no flag to raise.
    pub fn stop_jobs(&self) -> bool {
        let Some(view) = self.stop_flag.borrow().clone() else {
            return false;
        };
        let last = i32::try_from(self.next_job.get().wrapping_sub(1)).unwrap_or(i32::MAX);
        js_sys::Atomics::store(&view, 0, last).is_ok()
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
        self.worker.terminate();
    }
}

/// Takes the stop flag's view off a ready handshake, leaving the plain message serde expects.
fn take_stop_flag(data: &JsValue) -> Option<js_sys::Int32Array> {
    let key = JsValue::from_str(STOP_FLAG_KEY);
    let object = data.dyn_ref::<js_sys::Object>()?;
    let view = js_sys::Reflect::get(object, &key)
        .ok()?
        .dyn_into::<js_sys::Int32Array>()
        .ok()?;
    js_sys::Reflect::delete_property(object, &key).ok()?;
    Some(view)
}

fn dispatch(response: Result<ComputeResponse, WorkerError>, pending: &Pending, ready: &ReadySender) {
    let response = match response {
        Ok(response) => response,
        Err(error) => {
            web_sys::console::error_1(&error.to_string().into());
            return;
        }
    };
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
        } => (job, Ok(Reply::Stream(stats, memory_bytes))),
        ComputeResponse::Failed { job, error } => (job, Err(WorkerError::Refused(error))),
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

fn fail_all(error: &WorkerError, pending: &Pending, ready: &ReadySender) {
    if let Some(sender) = ready.borrow_mut().take() {
        let _ = sender.send(Err(error.clone()));
    }
    for (_, sender) in pending.borrow_mut().drain() {
        let _ = sender.send(Err(error.clone()));
    }
}
