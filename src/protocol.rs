//! The typed protocol between the UI thread and the compute worker. Both sides (de)serialise these enums with
//! serde; the tag field `kind` lets the worker's JS bootstrap report a start-up failure in the same shape.

use serde::{Deserialize, Serialize};

use crate::kernels::{KernelOutput, KernelSpec, Strategy};
use crate::stream::StreamStats;

/// The property of the ready handshake that carries the page's view of the shared words.
pub const SHARED_KEY: &str = "shared";
/// Index of the stop word in the shared view: jobs with an id up to its value are stopped.
pub const STOP_WORD: u32 = 0;
/// Index of the heartbeat word in the shared view: bumped at every stop-flag check.
pub const HEARTBEAT_WORD: u32 = 1;

/// Converts a protocol value to JS the way both sides expect: 64-bit numbers as `BigInt`, so a wrapping `u64`
/// sum never loses bits.
///
/// # Errors
/// When serde cannot represent the value in JS.
#[cfg(target_arch = "wasm32")]
pub fn to_js<T: Serialize>(value: &T) -> Result<wasm_bindgen::JsValue, serde_wasm_bindgen::Error> {
    value.serialize(&serde_wasm_bindgen::Serializer::new().serialize_large_number_types_as_bigints(true))
}

/// Defines a protocol enum, tagged by its `kind` field on the wire (`{ kind: "Done", job: 3, … }`), and beside it a
/// mirror that serde reads *externally* tagged (`{ Done: { kind: "Done", job: 3, … } }`) into the same enum
/// (`#[serde(remote)]`: the variants are written once, here).
///
/// Why two readings: serde reads an internally tagged enum by first copying the whole message into its own
/// buffer (`serde::__private::de::Content`), since the tag may come after the fields; that buffer's code, and a
/// second copy of every nested type's reader that reads from it, was the largest part of the page's serde code
/// (ARCHITECTURE.md, "Where the page's bytes go"). A JS message can be asked for its `kind` first, so
/// [`request_from_js`] and [`response_from_js`] wrap it under that key and read each variant's fields straight
/// from the object. The tagged derive stays for writing and for the native tests, which read JSON.
macro_rules! by_kind {
    ($(#[$attr:meta])* pub enum $name:ident, read as $mirror:ident = $remote:literal { $($body:tt)* }) => {
        $(#[$attr])*
        #[derive(Serialize, Deserialize)]
        #[serde(tag = "kind")]
        pub enum $name { $($body)* }

        /// Reads the enum of the same variants from `{ <kind>: message }`; never built itself.
        #[derive(Deserialize)]
        #[serde(remote = $remote)]
        #[allow(dead_code, reason = "only its generated reader is used, on wasm32 and in the native tests")]
        enum $mirror { $($body)* }
    };
}

/// Wraps a message as `{ <its kind>: message }`, for a mirror made by `by_kind!` to read.
///
/// # Errors
/// When the message is not an object with a string `kind`.
#[cfg(target_arch = "wasm32")]
fn under_kind(data: &wasm_bindgen::JsValue) -> Result<wasm_bindgen::JsValue, serde_wasm_bindgen::Error> {
    use serde::de::{Error as _, Unexpected};
    type Error = serde_wasm_bindgen::Error;
    // What arrived, for the error: "null", else its `typeof` ("number", "string", …).
    let what = |value: &wasm_bindgen::JsValue| {
        if value.is_null() {
            "null".to_owned()
        } else {
            value.js_typeof().as_string().unwrap_or_default()
        }
    };
    if !data.is_object() {
        return Err(Error::invalid_type(
            Unexpected::Other(&what(data)),
            &"an object with a `kind`",
        ));
    }
    let kind = crate::js::field(data, "kind").ok_or_else(|| Error::missing_field("kind"))?;
    if kind.is_undefined() {
        return Err(Error::missing_field("kind"));
    }
    if !kind.is_string() {
        return Err(Error::invalid_type(
            Unexpected::Other(&what(&kind)),
            &"a string `kind`",
        ));
    }
    // `Object.fromEntries` makes `kind` an own key whatever it is: assigning it would call the `__proto__` setter
    // for `kind: "__proto__"`, and the mirror would find no key.
    let entry = js_sys::Array::of2(&kind, data);
    js_sys::Object::from_entries(&js_sys::Array::of1(&entry))
        .map(Into::into)
        .map_err(|_| Error::custom("the message could not be read"))
}

/// Reads a [`ComputeRequest`] from a JS message (without serde's buffer: see `by_kind!`).
///
/// # Errors
/// When the message does not fit the protocol; the error says what did not fit.
#[cfg(target_arch = "wasm32")]
pub fn request_from_js(data: &wasm_bindgen::JsValue) -> Result<ComputeRequest, serde_wasm_bindgen::Error> {
    ComputeRequestByKind::deserialize(serde_wasm_bindgen::Deserializer::from(under_kind(data)?))
}

/// Reads a [`ComputeResponse`] from a JS message (without serde's buffer: see `by_kind!`).
///
/// # Errors
/// When the message does not fit the protocol; the error says what did not fit.
#[cfg(target_arch = "wasm32")]
pub fn response_from_js(data: &wasm_bindgen::JsValue) -> Result<ComputeResponse, serde_wasm_bindgen::Error> {
    ComputeResponseByKind::deserialize(serde_wasm_bindgen::Deserializer::from(under_kind(data)?))
}

/// The buffer behind the picture of `response` serialised as `message` (`output.image.rgba`), which the compute
/// worker transfers instead of cloning. Only a `Done` with a picture is searched; every other reply is `None` at
/// once (searching them cost each reply a caught exception: see [`crate::js`]).
#[cfg(target_arch = "wasm32")]
pub fn picture_buffer(
    response: &ComputeResponse,
    message: &wasm_bindgen::JsValue,
) -> Option<js_sys::ArrayBuffer> {
    use crate::js::field;
    use wasm_bindgen::JsCast;
    if !matches!(
        response,
        ComputeResponse::Done {
            output: KernelOutput { image: Some(_), .. },
            ..
        }
    ) {
        return None;
    }
    let image = field(&field(message, "output")?, "image")?;
    field(&image, "rgba")?
        .dyn_into::<js_sys::Uint8Array>()
        .ok()?
        .buffer()
        .dyn_into::<js_sys::ArrayBuffer>()
        .ok()
}

/// A job identifier, unique per bridge, that matches a response to its request.
pub type JobId = u32;

by_kind! {
    /// What the UI asks of the compute worker.
    #[derive(Clone, Debug, PartialEq)]
    pub enum ComputeRequest, read as ComputeRequestByKind = "ComputeRequest" {
        /// Run one kernel job.
        Run {
            /// Echoed in the response.
            job: JobId,
            /// The kernel and its size.
            spec: KernelSpec,
            /// Sequential in the worker, or on the pool.
            strategy: Strategy,
        },
        /// Process the next batch of a streamed body (the bridge attaches the bytes as a transferred
        /// `Uint8Array`, so no structured clone copies them).
        StreamBatch {
            /// Echoed in the [`ComputeResponse::StreamProgress`].
            job: JobId,
            /// Which stream the batch belongs to.
            stream: u32,
            /// Whether this batch starts the stream (resets its state, and the worker's heap peak: see
            /// [`ComputeResponse::StreamProgress::peak_heap_bytes`]).
            first: bool,
            /// Whether this batch ends the stream: the worker forgets the stream once it is processed. May be an
            /// empty batch sent after the body's end.
            last: bool,
            /// The batch.
            #[serde(with = "serde_bytes")]
            bytes: Vec<u8>,
        },
        /// Fail on purpose (`?debug=1` only), to show how the page detects and recovers from a broken worker.
        Fault {
            /// The job the fault pretends to be.
            job: JobId,
            /// How to fail.
            fault: Fault,
        },
        /// Answer at once: measures the round trip through the protocol.
        Ping {
            /// Echoed in the [`ComputeResponse::Pong`].
            job: JobId,
        },
    }
}

/// The ways the compute worker can be told to break.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Fault {
    /// Execute wasm's `unreachable`: the instance traps and the worker reports an uncaught error.
    Trap,
    /// Spin forever without checking the stop flag: only the watchdog notices.
    Hang,
    /// Close the worker silently: no error event, no reply; only the watchdog notices.
    Exit,
}

impl Fault {
    /// Every fault, in the order the debug panel lists them.
    pub const ALL: [Fault; 3] = [Fault::Trap, Fault::Hang, Fault::Exit];

    /// The stable id used in `data-testid="debug-<id>"`.
    pub fn id(self) -> &'static str {
        match self {
            Fault::Trap => "trap",
            Fault::Hang => "hang",
            Fault::Exit => "exit",
        }
    }
}

by_kind! {
    /// What the compute worker answers.
    #[derive(Clone, Debug, PartialEq)]
    pub enum ComputeResponse, read as ComputeResponseByKind = "ComputeResponse" {
        /// The handshake: the worker's wasm instance and its pool are up. Sent once, before anything else.
        Ready {
            /// Threads in the rayon pool.
            threads: u32,
            /// When the worker's script was running and had read the page's init message (the compiled module), on
            /// the shared clock.
            spawned_ms: f64,
            /// When its wasm instance was ready.
            instantiated_ms: f64,
            /// When every pool thread was ready.
            pool_ready_ms: f64,
            /// Why the worker runs the single-threaded build although the page asked for a pool (its threaded
            /// instance could not start: a shared memory of its own refused, say); absent when it runs the build it
            /// was sent.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            fallback: Option<String>,
        },
        /// Start-up failed; the worker answers nothing after this.
        InitFailed {
            /// What went wrong, for the environment panel.
            reason: String,
        },
        /// A job finished.
        Done {
            /// The request's job id.
            job: JobId,
            /// When the worker began the job, on the shared clock.
            started_ms: f64,
            /// When it finished.
            finished_ms: f64,
            /// The kernel's output.
            output: KernelOutput,
        },
        /// The answer to a [`ComputeRequest::Ping`].
        Pong {
            /// The ping's job id.
            job: JobId,
        },
        /// A stream batch was processed; the stats cover the stream so far.
        StreamProgress {
            /// The batch's job id.
            job: JobId,
            /// Everything processed so far.
            stats: StreamStats,
            /// The worker's wasm memory size after the batch, in bytes: a high-water mark of the instance's whole
            /// life (wasm memory never shrinks), so it also counts whatever ran before the stream.
            memory_bytes: f64,
            /// The allocator's peak bytes in use in the compute worker's instance (all its threads) between the
            /// stream's first batch and this one — the stream's own peak once this is its last batch. Counted from
            /// what was in use when the first batch arrived (that batch's bytes included), so it is an absolute
            /// figure, not a growth; requested bytes only (not the allocator's overhead). The counter is one per
            /// instance: a stream opened while another is open starts the other's peak over too.
            peak_heap_bytes: f64,
        },
        /// A request could not be read (it did not fit [`ComputeRequest`]); nothing was done.
        Rejected {
            /// The request's job id, when one could be read from it ([`salvage_job_id`]).
            job: Option<JobId>,
            /// What did not fit.
            reason: String,
        },
        /// A job was refused.
        Failed {
            /// The request's job id.
            job: JobId,
            /// Why.
            error: String,
        },
    }
}

/// Reads the job id of a message that did not fit the protocol, from its `job` field (read as a JS number):
/// `None` unless it is a whole number that is a valid [`JobId`].
pub fn salvage_job_id(job_field: Option<f64>) -> Option<JobId> {
    let job = job_field?;
    let whole = job.is_finite() && job.fract() == 0.0 && job >= 0.0 && job <= f64::from(JobId::MAX);
    // Exact: a whole number in range converts without rounding or truncation.
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "checked just above"
    )]
    let id = job as JobId;
    whole.then_some(id)
}

/// Which awaited replies a message that broke the protocol takes down: the job it names, or — when it names
/// none — every reply owed, since a side that speaks something else cannot be trusted with any of them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailureScope {
    /// Fail this job only.
    Job(JobId),
    /// Fail every job awaited (and a start-up still waiting for its handshake).
    AllPending,
}

impl FailureScope {
    /// The scope for a message that named `job` (see [`salvage_job_id`]).
    pub fn of(job: Option<JobId>) -> FailureScope {
        job.map_or(FailureScope::AllPending, FailureScope::Job)
    }

    /// The scope for a message whose raw `job` field was `job_field` (read as a JS number).
    pub fn of_field(job_field: Option<f64>) -> FailureScope {
        FailureScope::of(salvage_job_id(job_field))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `job` field of a JSON message, the way the page or the worker reads it off a JS object.
    fn job_field(message: &serde_json::Value) -> Option<f64> {
        message.get("job").and_then(serde_json::Value::as_f64)
    }

    #[test]
    fn only_a_whole_in_range_job_field_is_a_job_id() {
        assert_eq!(salvage_job_id(Some(7.0)), Some(7));
        assert_eq!(salvage_job_id(Some(0.0)), Some(0));
        assert_eq!(salvage_job_id(Some(f64::from(u32::MAX))), Some(u32::MAX));
        for bad in [-1.0, 1.5, f64::NAN, f64::INFINITY, f64::from(u32::MAX) + 1.0] {
            assert_eq!(salvage_job_id(Some(bad)), None, "{bad}");
        }
        assert_eq!(salvage_job_id(None), None);
    }

    #[test]
    fn a_malformed_reply_that_names_its_job_fails_that_job_only() {
        // `Done` without its timestamps and output.
        let message = serde_json::json!({ "kind": "Done", "job": 12 });
        assert!(serde_json::from_value::<ComputeResponse>(message.clone()).is_err());
        assert_eq!(FailureScope::of_field(job_field(&message)), FailureScope::Job(12));
    }

    #[test]
    fn a_malformed_reply_without_a_readable_job_fails_every_pending_job() {
        for message in [
            serde_json::json!({ "hello": "world" }),
            serde_json::json!({ "kind": "Pong", "job": "twelve" }),
            serde_json::json!({ "kind": "Pong", "job": -3 }),
            serde_json::json!("a string"),
        ] {
            assert!(serde_json::from_value::<ComputeResponse>(message.clone()).is_err());
            assert_eq!(
                FailureScope::of_field(job_field(&message)),
                FailureScope::AllPending,
                "{message}"
            );
        }
    }

    #[test]
    fn a_rejection_names_its_job_or_none() {
        let rejected = ComputeResponse::Rejected {
            job: None,
            reason: "unknown variant `Bogus`".to_owned(),
        };
        let json = serde_json::to_value(&rejected).unwrap();
        assert_eq!(
            json,
            serde_json::json!({ "kind": "Rejected", "job": null, "reason": "unknown variant `Bogus`" })
        );
        assert_eq!(serde_json::from_value::<ComputeResponse>(json).unwrap(), rejected);
        assert_eq!(FailureScope::of(Some(4)), FailureScope::Job(4));
        assert_eq!(FailureScope::of(None), FailureScope::AllPending);
    }

    /// Reads a JSON message the way [`response_from_js`] reads a JS one: wrapped under its `kind`, by the mirror.
    fn response_by_kind(message: &serde_json::Value) -> Result<ComputeResponse, serde_json::Error> {
        let kind = message["kind"].as_str().unwrap_or_default().to_owned();
        ComputeResponseByKind::deserialize(serde_json::json!({ kind: message }))
    }

    /// The same for a request.
    fn request_by_kind(message: &serde_json::Value) -> Result<ComputeRequest, serde_json::Error> {
        let kind = message["kind"].as_str().unwrap_or_default().to_owned();
        ComputeRequestByKind::deserialize(serde_json::json!({ kind: message }))
    }

    #[test]
    fn the_mirrors_read_every_variant_as_written() {
        use crate::kernels::{Image, Kernel, TaskSpan};
        let output = KernelOutput {
            value: u64::MAX - 7,
            spans: vec![TaskSpan {
                task: 1,
                thread: Some(2),
                start_ms: 1.5,
                end_ms: 2.5,
            }],
            image: Some(Image {
                width: 2,
                height: 1,
                rgba: vec![1, 2, 3, 4, 5, 6, 7, 8],
            }),
            tasks_total: 3,
            tasks_done: 2,
        };
        let responses = [
            ComputeResponse::Ready {
                threads: 2,
                spawned_ms: 1.0,
                instantiated_ms: 2.0,
                pool_ready_ms: 3.5,
                fallback: Some("no shared memory".to_owned()),
            },
            ComputeResponse::Ready {
                threads: 0,
                spawned_ms: 1.0,
                instantiated_ms: 2.0,
                pool_ready_ms: 3.5,
                fallback: None,
            },
            ComputeResponse::InitFailed {
                reason: "no".to_owned(),
            },
            ComputeResponse::Done {
                job: 4,
                started_ms: 5.0,
                finished_ms: 6.25,
                output,
            },
            ComputeResponse::Pong { job: 7 },
            ComputeResponse::StreamProgress {
                job: 8,
                stats: StreamStats::new(),
                memory_bytes: 65536.0,
                peak_heap_bytes: 100.0,
            },
            ComputeResponse::Rejected {
                job: None,
                reason: "r".to_owned(),
            },
            ComputeResponse::Failed {
                job: 9,
                error: "e".to_owned(),
            },
        ];
        for response in responses {
            let json = serde_json::to_value(&response).unwrap();
            assert_eq!(response_by_kind(&json).unwrap(), response, "{json}");
        }
        let requests = [
            ComputeRequest::Run {
                job: 1,
                spec: KernelSpec {
                    kernel: Kernel::Primes,
                    size: 1000,
                    tasks: 1,
                },
                strategy: Strategy::Parallel,
            },
            ComputeRequest::StreamBatch {
                job: 2,
                stream: 3,
                first: true,
                last: false,
                bytes: vec![0, 255, 10],
            },
            ComputeRequest::Fault {
                job: 3,
                fault: Fault::Hang,
            },
            ComputeRequest::Ping { job: 4 },
        ];
        for request in requests {
            let json = serde_json::to_value(&request).unwrap();
            assert_eq!(request_by_kind(&json).unwrap(), request, "{json}");
        }
    }

    #[test]
    fn a_stream_batch_says_whether_it_is_the_last() {
        let batch = ComputeRequest::StreamBatch {
            job: 1,
            stream: 2,
            first: false,
            last: true,
            bytes: Vec::new(),
        };
        let json = serde_json::to_value(&batch).unwrap();
        assert_eq!(json["last"], serde_json::json!(true));
        assert_eq!(serde_json::from_value::<ComputeRequest>(json).unwrap(), batch);
        let without_last =
            serde_json::json!({ "kind": "StreamBatch", "job": 1, "stream": 2, "first": true, "bytes": [] });
        assert!(
            serde_json::from_value::<ComputeRequest>(without_last).is_err(),
            "a batch must say whether it ends its stream"
        );
    }
}
