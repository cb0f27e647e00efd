//! Worker side of the protocol: runs inside the compute worker once its instance and pool are up.

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

use crate::kernels;
use crate::protocol::{ComputeRequest, ComputeResponse};
use crate::stream::StreamStats;
use crate::timing::now_ms;

/// Serialises a response the way both sides expect: 64-bit integers as `BigInt`, structs as plain objects.
pub(crate) fn to_js<T: serde::Serialize>(value: &T) -> Result<JsValue, serde_wasm_bindgen::Error> {
    value.serialize(&serde_wasm_bindgen::Serializer::new().serialize_large_number_types_as_bigints(true))
}

fn post(scope: &DedicatedWorkerGlobalScope, response: &ComputeResponse) {
    let sent = to_js(response)
        .map_err(JsValue::from)
        .and_then(|message| scope.post_message(&message));
    if let Err(error) = sent {
        web_sys::console::error_2(&"lanes compute worker could not reply:".into(), &error);
    }
}

thread_local! {
    /// Streams being processed in this worker, by id.
    static STREAMS: std::cell::RefCell<std::collections::HashMap<u32, StreamStats>> = std::cell::RefCell::default();
}

fn memory_bytes() -> f64 {
    wasm_bindgen::memory()
        .dyn_into::<js_sys::WebAssembly::Memory>()
        .ok()
        .and_then(|memory| js_sys::Reflect::get(&memory.buffer(), &"byteLength".into()).ok())
        .and_then(|length| length.as_f64())
        .unwrap_or(0.0)
}

fn handle(request: ComputeRequest) -> ComputeResponse {
    match request {
        ComputeRequest::StreamBatch {
            job,
            stream,
            first,
            mut bytes,
        } => {
            let stats = STREAMS.with(|streams| {
                let mut streams = streams.borrow_mut();
                if first {
                    streams.insert(stream, StreamStats::new());
                }
                let stats = streams.entry(stream).or_insert_with(StreamStats::new);
                stats.process(&mut bytes);
                *stats
            });
            ComputeResponse::StreamProgress {
                job,
                stats,
                memory_bytes: memory_bytes(),
            }
        }
        ComputeRequest::Ping { job } => ComputeResponse::Pong { job },
        ComputeRequest::Run { job, spec, strategy } => {
            let started_ms = now_ms();
            match kernels::run(&spec, strategy, &now_ms) {
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
    }
}

/// Called by `www/compute-worker.js` after it has instantiated the module and started the pool: installs the
/// request handler and sends the ready handshake with the start-up timestamps.
///
/// # Errors
/// When called outside a dedicated worker.
#[wasm_bindgen(js_name = computeWorkerMain)]
pub fn compute_worker_main(spawned_ms: f64, instantiated_ms: f64, pool_ready_ms: f64) -> Result<(), JsValue> {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().dyn_into()?;
    let reply_scope = scope.clone();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        match serde_wasm_bindgen::from_value::<ComputeRequest>(event.data()) {
            Ok(request) => post(&reply_scope, &handle(request)),
            Err(error) => web_sys::console::error_2(
                &"lanes compute worker got a malformed request:".into(),
                &JsValue::from(error),
            ),
        }
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The handler lives as long as the worker.
    on_message.forget();
    post(
        &scope,
        &ComputeResponse::Ready {
            threads: u32::try_from(rayon::current_num_threads()).unwrap_or(u32::MAX),
            spawned_ms,
            instantiated_ms,
            pool_ready_ms,
        },
    );
    Ok(())
}
