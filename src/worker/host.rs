//! Worker side of the protocol: runs inside the compute worker once its instance and pool are up.

use std::sync::atomic::{AtomicI32, Ordering};

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

use crate::heap;
use crate::kernels::{self, Context, Strategy};
use crate::protocol::{
    ComputeRequest, ComputeResponse, Fault, JobId, SHARED_KEY, picture_buffer, salvage_job_id, to_js,
};
use crate::stream_registry::{BatchPlace, StreamRegistry};
use crate::timing::now_ms;

fn post(scope: &DedicatedWorkerGlobalScope, response: &ComputeResponse) {
    let sent = to_js(response).map_err(JsValue::from).and_then(|message| {
        // A picture's pixels (megabytes, in a fresh unshared buffer) are transferred, not cloned.
        match picture_buffer(response, &message) {
            Some(buffer) => scope.post_message_with_transfer(&message, &js_sys::Array::of1(&buffer)),
            None => scope.post_message(&message),
        }
    });
    if let Err(error) = sent {
        web_sys::console::error_2(&"lanes compute worker could not reply:".into(), &error);
    }
}

/// Words of this instance's memory the page reads and writes through an `Int32Array` view that the ready
/// handshake carries (`Atomics.store` / `Atomics.load` on the page, atomics here, on whichever pool thread runs
/// a kernel).
#[repr(C)]
struct SharedWords {
    /// Jobs with an id up to this one are stopped (index [`crate::protocol::STOP_WORD`]).
    stop_up_to: AtomicI32,
    /// Bumped at every stop-flag check, i.e. every few milliseconds while a kernel runs (index
    /// [`crate::protocol::HEARTBEAT_WORD`]): the page's watchdog reads it to tell a long job from a hung worker.
    heartbeat: AtomicI32,
}

static SHARED: SharedWords = SharedWords {
    stop_up_to: AtomicI32::new(0),
    heartbeat: AtomicI32::new(0),
};

/// A view of [`SHARED`] for the page. `None` when this instance's memory is not shared.
fn shared_view() -> Option<js_sys::Int32Array> {
    let memory = wasm_bindgen::memory()
        .dyn_into::<js_sys::WebAssembly::Memory>()
        .ok()?;
    let buffer = memory.buffer().dyn_into::<js_sys::SharedArrayBuffer>().ok()?;
    let address = u32::try_from(&raw const SHARED as usize).ok()?;
    Some(js_sys::Int32Array::new_with_byte_offset_and_length(
        &buffer, address, 2,
    ))
}

/// Whether `job` has been stopped; every check is also a heartbeat.
fn stopped(job: JobId) -> bool {
    SHARED.heartbeat.fetch_add(1, Ordering::Relaxed);
    was_stopped(job)
}

/// Whether the page has raised the stop word to `job` or beyond (no heartbeat: not a check made while working).
fn was_stopped(job: JobId) -> bool {
    i64::from(SHARED.stop_up_to.load(Ordering::Relaxed)) >= i64::from(job)
}

/// Breaks the worker on purpose (`?debug=1`).
fn inject(fault: Fault, scope: &DedicatedWorkerGlobalScope) {
    match fault {
        Fault::Trap => core::arch::wasm32::unreachable(),
        Fault::Hang => loop {
            std::hint::spin_loop();
        },
        Fault::Exit => scope.close(),
    }
}

thread_local! {
    /// Streams open in this worker: closed by their last batch, forgotten when stopped, and bounded.
    static STREAMS: std::cell::RefCell<StreamRegistry> = std::cell::RefCell::default();
}

/// The size of this instance's wasm memory in bytes (the page's, or the compute worker's, wherever it is
/// called). Exported for the soak test and the benchmark as `wasmMemoryBytes`.
#[wasm_bindgen(js_name = wasmMemoryBytes)]
pub fn memory_bytes() -> f64 {
    wasm_bindgen::memory()
        .dyn_into::<js_sys::WebAssembly::Memory>()
        .ok()
        .and_then(|memory| js_sys::Reflect::get(&memory.buffer(), &"byteLength".into()).ok())
        .and_then(|length| length.as_f64())
        .unwrap_or(0.0)
}

/// A byte count as a JS number (on wasm32 a `usize` is a `u32`, so nothing saturates).
fn bytes_f64(bytes: usize) -> f64 {
    f64::from(u32::try_from(bytes).unwrap_or(u32::MAX))
}

/// The answer to a request that did not fit [`ComputeRequest`]: always one, so the page never waits for the
/// watchdog to learn that its request was unreadable.
fn reject(data: &JsValue, error: &serde_wasm_bindgen::Error) -> ComputeResponse {
    let job_field = crate::js::field(data, "job").and_then(|job| job.as_f64());
    ComputeResponse::Rejected {
        job: salvage_job_id(job_field),
        reason: error.to_string(),
    }
}

fn handle(request: ComputeRequest, scope: &DedicatedWorkerGlobalScope) -> Option<ComputeResponse> {
    Some(match request {
        ComputeRequest::StreamBatch {
            job,
            stream,
            first,
            last,
            mut bytes,
        } => {
            if first {
                // The stream's own peak starts from what is in use now, this batch's bytes included.
                heap::reset_peak();
            }
            let processed = STREAMS.with(|streams| {
                let mut streams = streams.borrow_mut();
                // A Stop abandons the page's stream without a last batch: forget it (a later batch of it fails
                // instead of silently starting over).
                streams.forget_stopped(was_stopped);
                streams.process(
                    BatchPlace {
                        stream,
                        job,
                        first,
                        last,
                    },
                    &mut bytes,
                )
            });
            match processed {
                Ok(stats) => ComputeResponse::StreamProgress {
                    job,
                    stats,
                    memory_bytes: memory_bytes(),
                    peak_heap_bytes: bytes_f64(heap::peak_bytes()),
                },
                Err(error) => ComputeResponse::Failed {
                    job,
                    error: error.to_string(),
                },
            }
        }
        ComputeRequest::Ping { job } => ComputeResponse::Pong { job },
        ComputeRequest::Fault { fault, .. } => {
            inject(fault, scope);
            return None;
        }
        ComputeRequest::Run {
            job,
            strategy: Strategy::Parallel,
            ..
        } if !crate::THREADED => ComputeResponse::Failed {
            job,
            error: "this is the single-threaded build (the page is not cross-origin isolated): no pool"
                .to_owned(),
        },
        ComputeRequest::Run { job, spec, strategy } => {
            let started_ms = now_ms();
            let stopped = || stopped(job);
            match kernels::run_in(&spec, strategy, Context::cancellable(&now_ms, &stopped)) {
                Ok(output) => ComputeResponse::Done {
                    job,
                    started_ms,
                    finished_ms: now_ms(),
                    output,
                },
                Err(error) => ComputeResponse::Failed {
                    job,
                    error: error.to_string(),
                },
            }
        }
    })
}

/// Called by `www/compute-worker.js` after it has instantiated the module and started the pool (`threads` > 0,
/// threaded build only): installs the request handler and sends the ready handshake with the start-up
/// timestamps, and `fallback` — why this instance is the single-threaded build the worker fell back to.
///
/// # Errors
/// When called outside a dedicated worker.
#[wasm_bindgen(js_name = computeWorkerMain)]
pub fn compute_worker_main(
    spawned_ms: f64,
    instantiated_ms: f64,
    pool_ready_ms: f64,
    threads: u32,
    fallback: Option<String>,
) -> Result<(), JsValue> {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().dyn_into()?;
    let reply_scope = scope.clone();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let data = event.data();
        match crate::protocol::request_from_js(&data) {
            Ok(request) => {
                if let Some(response) = handle(request, &reply_scope) {
                    post(&reply_scope, &response);
                }
            }
            Err(error) => post(&reply_scope, &reject(&data, &error)),
        }
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The handler lives as long as the worker.
    on_message.forget();
    let ready = ComputeResponse::Ready {
        // Without a started pool, asking rayon would start its global pool, which may not be possible here.
        threads: if crate::THREADED && threads > 0 {
            u32::try_from(rayon::current_num_threads()).unwrap_or(u32::MAX)
        } else {
            0
        },
        spawned_ms,
        instantiated_ms,
        pool_ready_ms,
        fallback,
    };
    // The shared words ride along the handshake as an extra property (serde knows nothing of shared views).
    let message = to_js(&ready)?;
    if let Some(view) = shared_view() {
        js_sys::Reflect::set(&message, &SHARED_KEY.into(), &view)?;
    }
    scope.post_message(&message).or_else(|_| {
        // Shared memory cannot be posted to a page that is not cross-origin isolated: no stop flag then.
        js_sys::Reflect::delete_property(message.unchecked_ref::<js_sys::Object>(), &SHARED_KEY.into())?;
        scope.post_message(&message)
    })
}
