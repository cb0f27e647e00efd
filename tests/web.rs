//! Browser tests on the page's main thread (wasm-bindgen-test in headless Chromium): the clock, a kernel in
//! wasm, what the environment reads of the boot check, the results table component, the fetch wrapper, and the
//! compute bridge against the real worker and against stand-in workers that stay silent or speak nonsense.
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, reason = "tests fail loudly by design")]

use lanes::capability::{Build, Missing};
use lanes::kernels::{self, Kernel, KernelSpec, Strategy};
use lanes::page::bridge::{
    ComputeBridge, PoolInfo, READY_TIMEOUT_MS, StartOptions, WATCHDOG_MS, WorkerError, WorkerScript,
    worker_script_url,
};
use lanes::page::components::results_table::ResultsTable;
use lanes::page::context::Environment;
use lanes::protocol::{
    ComputeRequest, ComputeResponse, SHARED_KEY, picture_buffer, request_from_js, response_from_js, to_js,
};
use lanes::report::{ExperimentKind, ExperimentReport, FreezeReading, ModeReport, Repeat};
use lanes::timing::now_ms;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn the_clock_is_on_the_epoch_axis_and_moves_forward() {
    let first = now_ms();
    let second = now_ms();
    assert!(first > 1.6e12, "milliseconds since 1970, got {first}");
    assert!(second >= first);
}

#[wasm_bindgen_test]
fn primes_in_wasm_match_the_known_count() {
    let spec = KernelSpec {
        kernel: Kernel::Primes,
        size: 10_000_000,
        tasks: 1,
    };
    let output = kernels::run(&spec, Strategy::Sequential, &now_ms).unwrap();
    assert_eq!(output.value, 664_579);
    assert!(output.spans.iter().all(|span| span.end_ms >= span.start_ms));
}

#[wasm_bindgen_test]
fn the_environment_reads_what_the_boot_check_found() {
    let global = js_sys::global();
    let set = |value: &JsValue| js_sys::Reflect::set(&global, &"lanesCapability".into(), value).unwrap();
    // WebKitGTK's state as boot.js records it: isolated, no SharedArrayBuffer, so the single-threaded build.
    let webkit = js_sys::JSON::parse(
        r#"{"build":"single-threaded","missing":"shared-array-buffer","detail":null,"memoryMaxBytes":536870912}"#,
    )
    .unwrap();
    set(&webkit);
    let capability = Environment::read().capability;
    assert_eq!(capability.build, Build::SingleThreaded);
    assert_eq!(capability.missing, Some(Missing::SharedArrayBuffer));
    assert!(capability.checked);
    let reason = capability.pool_unavailable().unwrap();
    assert!(
        reason.contains("isolated, but this browser does not expose SharedArrayBuffer"),
        "{reason}"
    );

    // A refused memory keeps what the browser said.
    let refused = js_sys::JSON::parse(
        r#"{"build":"single-threaded","missing":"shared-memory","detail":"RangeError: out of memory","memoryMaxBytes":536870912}"#,
    )
    .unwrap();
    set(&refused);
    let capability = Environment::read().capability;
    assert_eq!(capability.detail.as_deref(), Some("RangeError: out of memory"));

    // No report, or nonsense in its place: this test page (threaded, served isolated) infers the threaded build.
    for value in [
        JsValue::UNDEFINED,
        JsValue::from_str("threaded"),
        js_sys::Object::new().into(),
    ] {
        set(&value);
        let capability = Environment::read().capability;
        assert!(!capability.checked, "{value:?}");
        assert_eq!(capability.build, Build::Threaded, "{value:?}");
        assert_eq!(capability.missing, None, "{value:?}");
    }
    js_sys::Reflect::delete_property(&global, &"lanesCapability".into()).unwrap();
}

#[wasm_bindgen_test]
async fn the_results_table_shows_one_row_per_mode_with_its_statistics() {
    let repeat = |wall: f64, warmup: bool| Repeat {
        warmup,
        cancelled: false,
        started_ms: 1_000.0,
        finished_ms: 1_000.0 + wall,
        spans: Vec::new(),
        // The warm-up held the page and used more threads: neither may show, as it is not measured.
        freeze: Some(FreezeReading {
            max_frame_gap_ms: if warmup { 500.0 } else { 16.0 },
            frozen_ms: if warmup { 500.0 } else { 0.0 },
            long_tasks: 0,
        }),
        threads_used: if warmup { 4 } else { 1 },
        requests: Vec::new(),
    };
    let mode = |name: &str, walls: &[f64]| ModeReport {
        mode: name.parse().unwrap(),
        repeats: std::iter::once(repeat(99.0, true))
            .chain(walls.iter().map(|wall| repeat(*wall, false)))
            .collect(),
        result: "6000".to_owned(),
        error: None,
        notes: Vec::new(),
    };
    let report = ExperimentReport {
        id: 1,
        kind: ExperimentKind::Cpu,
        label: "sum-loop n=1000".to_owned(),
        permalink: String::new(),
        ideal_speedup: 2.0,
        notes: Vec::new(),
        modes: vec![
            mode("main", &[40.0, 44.0, 38.0]),
            mode("worker", &[20.0, 30.0, 25.0]),
        ],
    };
    let shown = RwSignal::new(Some(report));
    let document = web_sys::window().unwrap().document().unwrap();
    let host: web_sys::HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&host).unwrap();
    let _mounted = leptos::mount::mount_to(
        host.clone(),
        move || view! { <ResultsTable report=shown.into()/> },
    );

    let rows = host.query_selector_all("[data-testid=result-row]").unwrap();
    assert_eq!(rows.length(), 2);
    let worker: web_sys::Element = rows.item(1).unwrap().unchecked_into();
    assert_eq!(worker.get_attribute("data-mode").as_deref(), Some("worker"));
    assert_eq!(worker.get_attribute("data-result").as_deref(), Some("6000"));
    assert_eq!(worker.get_attribute("data-median-ms").as_deref(), Some("25.000"));
    assert_eq!(worker.get_attribute("data-min-ms").as_deref(), Some("20.000"));
    assert_eq!(worker.get_attribute("data-max-ms").as_deref(), Some("30.000"));
    assert_eq!(
        worker.get_attribute("data-repeats").as_deref(),
        Some("3"),
        "the warm-up is not counted"
    );
    assert!(worker.text_content().unwrap().contains("1.60×"), "40 ms ÷ 25 ms");
    assert_eq!(
        worker.get_attribute("data-threads-used").as_deref(),
        Some("1"),
        "threads used come from the measured repeats, not the warm-up"
    );
    assert_eq!(
        worker.get_attribute("data-frame-gap-ms").as_deref(),
        Some("16.000")
    );
    assert_eq!(worker.get_attribute("data-freeze").as_deref(), Some("measured"));
    let agreement = host
        .query_selector("[data-testid=results-agree]")
        .unwrap()
        .unwrap();
    assert_eq!(agreement.get_attribute("data-modes").as_deref(), Some("2"));

    // A mode whose repeats were not bracketed on their own says so, never "0 ms".
    shown.update(|report| {
        if let Some(report) = report {
            let mut unmeasured = mode("pool", &[10.0, 12.0]);
            for repeat in &mut unmeasured.repeats {
                repeat.freeze = None;
            }
            report.modes.push(unmeasured);
        }
    });
    leptos::task::tick().await;
    let pool: web_sys::Element = host
        .query_selector("[data-testid=result-row][data-mode=pool]")
        .unwrap()
        .unwrap();
    assert_eq!(pool.get_attribute("data-freeze").as_deref(), Some("not-measured"));
    assert_eq!(pool.get_attribute("data-frame-gap-ms"), None);
    assert!(pool.text_content().unwrap().contains("not measured"));
    shown.update(|report| {
        if let Some(report) = report {
            report.modes.pop();
        }
    });
    leptos::task::tick().await;

    shown.update(|report| {
        if let Some(report) = report {
            report.modes.push(ModeReport {
                error: Some("the compute worker is not running".to_owned()),
                repeats: Vec::new(),
                ..mode("pool", &[])
            });
        }
    });
    // Effects run on the next turn of the executor.
    leptos::task::tick().await;
    let rows = host.query_selector_all("[data-testid=result-row]").unwrap();
    assert_eq!(rows.length(), 3, "the table follows its signal");
    let pool: web_sys::Element = rows.item(2).unwrap().unchecked_into();
    assert!(pool.get_attribute("data-error").is_some());
    let agree = host
        .query_selector("[data-testid=results-agree]")
        .unwrap()
        .unwrap();
    assert_eq!(agree.get_attribute("data-agree").as_deref(), Some("true"));
}

#[wasm_bindgen_test]
fn dropping_the_abort_guard_aborts_its_signal() {
    let guard = lanes::page::fetch::AbortGuard::new().unwrap();
    let signal = guard.signal();
    assert!(!signal.aborted());
    drop(guard);
    assert!(signal.aborted(), "a dropped request is aborted");
}

#[wasm_bindgen_test]
async fn the_fetch_wrapper_maps_every_outcome() {
    use lanes::page::fetch::fetch_timed;
    // The test server serves the crate root.
    let fetched = fetch_timed("Cargo.toml", 10_000).await.unwrap();
    assert_eq!(fetched.status, 200);
    assert!(fetched.bytes > 100);
    assert!(fetched.end_ms >= fetched.headers_ms);
    let kind =
        |result: Result<lanes::page::fetch::Fetched, lanes::io::FetchError>| result.unwrap_err().kind();
    assert_eq!(kind(fetch_timed("no-such-file.txt", 10_000).await), "http");
    assert_eq!(
        kind(fetch_timed("javascript:alert(1)", 10_000).await),
        "invalid-url"
    );
    assert_eq!(kind(fetch_timed("http://[::1", 10_000).await), "invalid-url");
    assert_eq!(kind(fetch_timed("http://127.0.0.1:9/", 10_000).await), "network");
}

#[wasm_bindgen_test]
async fn a_fetch_reads_its_own_resource_timing_protocol_and_wait() {
    use lanes::page::fetch::{TIMING_BUFFER, fetch_timed, make_room_for_timings};
    // The same URL twice at once: each request finds its own entry (its URL carries a fragment of its own); and
    // a URL with a query, whose entry gloo-net names with an `&` added (rustwasm/gloo#498).
    let (first, second, query) = futures::join!(
        fetch_timed("Cargo.toml", 10_000),
        fetch_timed("Cargo.toml", 10_000),
        fetch_timed("Cargo.toml?lanes=1", 10_000)
    );
    for fetched in [first.unwrap(), second.unwrap(), query.unwrap()] {
        // A completed request has its Resource Timing entry.
        let timing = fetched.timing.unwrap();
        // The test server speaks HTTP/1.1 on the page's own origin, so nothing is hidden.
        assert_eq!(timing.protocol().as_deref(), Some("http/1.1"));
        // A same-origin request's wait is measured.
        let queued = timing.queued_ms().unwrap();
        assert!(queued >= 0.0 && queued.is_finite(), "{queued}");
        assert!(timing.request_start >= timing.fetch_start, "{timing:?}");
    }
    // Asking for more room than the buffer holds clears it; the next request still finds its entry.
    make_room_for_timings(TIMING_BUFFER as usize);
    let performance = web_sys::window().unwrap().performance().unwrap();
    assert_eq!(performance.get_entries_by_type("resource").length(), 0);
    let after = fetch_timed("Cargo.toml", 10_000).await.unwrap();
    assert!(after.timing.is_some());
    assert_eq!(performance.get_entries_by_type("resource").length(), 1);
}

/// A module worker script made from `source`, as a `blob:` URL.
fn blob_worker(source: &str) -> String {
    let parts = js_sys::Array::of1(&source.into());
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("text/javascript");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).unwrap();
    web_sys::Url::create_object_url_with_blob(&blob).unwrap()
}

/// The test runner replaces `Worker` with a wrapper that forwards a worker's console by loading every script
/// through a `blob:` module that imports it. The real bootstrap cannot run that way: its location would be the
/// `blob:` (no `?module=`), and it would miss the page's first message while the import is pending. Stand-in
/// workers are fine with the wrapper; the real one gets the browser's own constructor back, which the wrapper
/// leaves as `Worker.prototype.constructor`.
fn use_the_browsers_worker() {
    let global = js_sys::global();
    let wrapper = js_sys::Reflect::get(&global, &"Worker".into()).unwrap();
    let prototype = js_sys::Reflect::get(&wrapper, &"prototype".into()).unwrap();
    let original = js_sys::Reflect::get(&prototype, &"constructor".into()).unwrap();
    js_sys::Reflect::set(&global, &"Worker".into(), &original).unwrap();
}

/// The real bootstrap; the test server serves the crate root.
fn real_worker() -> StartOptions {
    use_the_browsers_worker();
    StartOptions {
        script: WorkerScript::Bootstrap("www/compute-worker.js".to_owned()),
        ..StartOptions::default()
    }
}

async fn started(threads: u32, options: StartOptions) -> (ComputeBridge, PoolInfo) {
    match ComputeBridge::start_with(threads, options).await {
        Ok(started) => started,
        Err(error) => panic!("the worker did not start: {error}"),
    }
}

#[wasm_bindgen_test]
async fn a_silent_worker_fails_the_start_once_the_time_limit_is_up() {
    let script = blob_worker("// Never answers: no handshake, no error.\n");
    let began = now_ms();
    let result = ComputeBridge::start_with(
        0,
        StartOptions {
            script: WorkerScript::Url(script),
            ready_timeout_ms: 600.0,
            allow_fallback: false,
        },
    )
    .await;
    let waited = now_ms() - began;
    let Err(error) = result else {
        panic!("a worker that never answers started");
    };
    assert_eq!(error, WorkerError::StartTimedOut(600.0));
    assert_eq!(error.kind(), "start-timed-out");
    assert_eq!(
        error.to_string(),
        "the compute worker did not finish starting within 0.6 s"
    );
    assert!(
        (600.0..3_000.0).contains(&waited),
        "failed after {waited:.0} ms, not at the limit"
    );
    assert_eq!(
        WorkerError::StartTimedOut(READY_TIMEOUT_MS).to_string(),
        "the compute worker did not finish starting within 15 s"
    );
}

#[wasm_bindgen_test]
async fn a_worker_script_that_does_not_load_fails_the_start_with_a_reason() {
    // A 404: the browser's error event is a plain `Event` (no message), which the bridge names itself.
    let result = ComputeBridge::start_with(
        0,
        StartOptions {
            script: WorkerScript::Url("lanes-no-such-worker.js".to_owned()),
            ready_timeout_ms: 10_000.0,
            allow_fallback: false,
        },
    )
    .await;
    let Err(error) = result else {
        panic!("a worker without a script started");
    };
    assert_eq!(
        error,
        WorkerError::Crashed("the worker's script did not load or run".to_owned())
    );
}

/// Answers the handshake, then each ping by its job id: 1 with a `Done` that lacks its fields, 2 not at all,
/// 3 with a message naming no job, 4 and 6 with a rejection (6 naming no job), anything else with a `Pong`.
const NONSENSE_WORKER: &str = r#"
self.onmessage = ({ data }) => {
  if (data.kind === undefined) {
    self.postMessage({ kind: 'Ready', threads: 0, spawned_ms: 1, instantiated_ms: 2, pool_ready_ms: 3 });
    return;
  }
  switch (data.job) {
    case 1: self.postMessage({ kind: 'Done', job: 1 }); break;
    case 2: break;
    case 3: self.postMessage({ kind: 'Gibberish', words: ['not', 'a', 'reply'] }); break;
    case 4: self.postMessage({ kind: 'Rejected', job: 4, reason: 'unknown variant' }); break;
    case 6: self.postMessage({ kind: 'Rejected', job: null, reason: 'not an object' }); break;
    default: self.postMessage({ kind: 'Pong', job: data.job });
  }
};
"#;

#[wasm_bindgen_test]
async fn malformed_replies_and_rejections_fail_their_jobs_at_once() {
    let (bridge, info) = started(
        0,
        StartOptions {
            script: WorkerScript::Url(blob_worker(NONSENSE_WORKER)),
            ready_timeout_ms: 10_000.0,
            allow_fallback: false,
        },
    )
    .await;
    assert_eq!(info.threads, 0);
    // Every failure must come long before the watchdog would have spoken.
    let quick = |began: f64| {
        let took = now_ms() - began;
        assert!(
            took < WATCHDOG_MS / 2.0,
            "took {took:.0} ms: the watchdog's doing"
        );
    };

    let began = now_ms();
    let error = bridge.ping().await.unwrap_err();
    quick(began);
    assert_eq!(error.kind(), "protocol");
    let message = error.to_string();
    assert!(
        message.contains("job 1") && message.contains("missing field"),
        "{message}"
    );

    let began = now_ms();
    let (second, third) = futures::future::join(bridge.ping(), bridge.ping()).await;
    quick(began);
    for error in [second.unwrap_err(), third.unwrap_err()] {
        assert_eq!(error.kind(), "protocol");
        assert!(error.to_string().contains("naming no job"), "{error}");
    }

    let error = bridge.ping().await.unwrap_err();
    assert_eq!(error.kind(), "request-rejected");
    assert!(error.to_string().contains("job 4: unknown variant"), "{error}");
    bridge.ping().await.unwrap();
    let error = bridge.ping().await.unwrap_err();
    assert_eq!(error.kind(), "request-rejected");
    assert!(error.to_string().contains("not an object"), "{error}");
    bridge.ping().await.unwrap();
    assert!(!bridge.busy());
}

#[wasm_bindgen_test]
async fn a_stream_reports_its_own_heap_peak_and_is_forgotten_after_its_last_batch() {
    let (bridge, _) = started(0, real_worker()).await;
    const BIG: u32 = 4 << 20;
    let batch = |length: u32| {
        let bytes = js_sys::Uint8Array::new_with_length(length);
        bytes.fill(b'a', 0, length);
        bytes
    };

    let first = bridge.stream_batch(1, true, &batch(BIG)).unwrap().await.unwrap();
    assert_eq!(first.stats.bytes, u64::from(BIG));
    assert!(
        first.peak_heap_bytes >= f64::from(BIG),
        "the batch is in use in the worker while it is processed: {}",
        first.peak_heap_bytes
    );
    assert!(first.memory_bytes >= first.peak_heap_bytes);
    let second = bridge
        .stream_batch(1, false, &batch(1024))
        .unwrap()
        .await
        .unwrap();
    assert_eq!(second.stats.bytes, u64::from(BIG) + 1024);
    assert!(
        second.peak_heap_bytes >= first.peak_heap_bytes,
        "a peak only grows within a stream"
    );
    let last = bridge.end_stream(1).unwrap().await.unwrap();
    assert_eq!(last.stats, second.stats, "ending adds nothing");
    assert!(last.peak_heap_bytes >= second.peak_heap_bytes);

    let error = bridge
        .stream_batch(1, false, &batch(16))
        .unwrap()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), "refused", "{error}");
    assert!(error.to_string().contains("stream 1 is not open"), "{error}");

    // A new stream's peak starts from what is in use now: the big batch is long freed, though the wasm memory
    // that grew for it stays.
    let small = bridge.stream_batch(2, true, &batch(1024)).unwrap().await.unwrap();
    assert_eq!(small.stats.bytes, 1024);
    assert!(
        small.peak_heap_bytes < f64::from(BIG),
        "{} bytes: the earlier stream's peak leaked into this one",
        small.peak_heap_bytes
    );
    assert!(small.memory_bytes >= f64::from(BIG), "wasm memory never shrinks");
}

/// The real worker started by hand, with every message it sends queued for the test.
struct RawWorker {
    worker: web_sys::Worker,
    replies: futures::channel::mpsc::UnboundedReceiver<JsValue>,
    _on_message: Closure<dyn FnMut(web_sys::MessageEvent)>,
}

impl RawWorker {
    async fn start() -> RawWorker {
        use_the_browsers_worker();
        let options = web_sys::WorkerOptions::new();
        options.set_type(web_sys::WorkerType::Module);
        let worker =
            web_sys::Worker::new_with_options(&worker_script_url("www/compute-worker.js"), &options).unwrap();
        let (sender, replies) = futures::channel::mpsc::unbounded();
        let on_message =
            Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
                let _ = sender.unbounded_send(event.data());
            });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        let init = js_sys::Object::new();
        js_sys::Reflect::set(&init, &"module".into(), &wasm_bindgen::module()).unwrap();
        js_sys::Reflect::set(&init, &"threads".into(), &0.into()).unwrap();
        worker.post_message(&init).unwrap();
        let mut raw = RawWorker {
            worker,
            replies,
            _on_message: on_message,
        };
        let ready = raw.next().await;
        assert!(
            matches!(ready, ComputeResponse::Ready { threads: 0, .. }),
            "{ready:?}"
        );
        raw
    }

    async fn next(&mut self) -> ComputeResponse {
        let data = futures::StreamExt::next(&mut self.replies).await.unwrap();
        // The handshake's view of the shared words is no protocol value (the bridge takes it off the same way).
        if let Some(object) = data.dyn_ref::<js_sys::Object>() {
            js_sys::Reflect::delete_property(object, &SHARED_KEY.into()).unwrap();
        }
        lanes::protocol::response_from_js(&data).unwrap()
    }

    async fn ask(&mut self, request: JsValue) -> ComputeResponse {
        self.worker.post_message(&request).unwrap();
        self.next().await
    }
}

impl Drop for RawWorker {
    fn drop(&mut self) {
        self.worker.terminate();
    }
}

/// The compute worker transfers a picture's buffer instead of cloning it: `picture_buffer` finds it in a `Done` that
/// has one, and finds none in any other reply, or in a `Done` without one.
#[wasm_bindgen_test]
fn a_reply_with_a_picture_hands_over_its_buffer_and_no_other_does() {
    let run = |kernel| {
        kernels::run(
            &KernelSpec {
                kernel,
                size: 8,
                tasks: 1,
            },
            Strategy::Sequential,
            &now_ms,
        )
        .unwrap()
    };
    let done = |output| ComputeResponse::Done {
        job: 1,
        started_ms: 1.0,
        finished_ms: 2.0,
        output,
    };
    let picture = done(run(Kernel::Mandelbrot));
    let bytes = match &picture {
        ComputeResponse::Done { output, .. } => output.image.as_ref().unwrap().rgba.len(),
        _ => unreachable!(),
    };
    let message = to_js(&picture).unwrap();
    let buffer = picture_buffer(&picture, &message).unwrap();
    assert_eq!(buffer.byte_length() as usize, bytes);
    // The message's own buffer, which the transfer then takes from the worker.
    let rgba = ["output", "image", "rgba"]
        .iter()
        .fold(message.clone(), |value, key| {
            js_sys::Reflect::get(&value, &(*key).into()).unwrap()
        });
    assert!(js_sys::Object::is(
        &rgba.unchecked_into::<js_sys::Uint8Array>().buffer(),
        &buffer
    ));
    // Which reply it is decides, not what the message holds: a ping's reply is never searched.
    assert!(picture_buffer(&ComputeResponse::Pong { job: 2 }, &message).is_none());
    for reply in [done(run(Kernel::Primes)), ComputeResponse::Pong { job: 2 }] {
        assert!(
            picture_buffer(&reply, &to_js(&reply).unwrap()).is_none(),
            "{reply:?}"
        );
    }
}

/// The protocol's reader on what JS can send: every message `to_js` writes reads back as written (64-bit numbers
/// as `BigInt`, bytes as a `Uint8Array`, a stray field such as the handshake's shared view ignored), and anything
/// else is an error that says what did not fit.
#[wasm_bindgen_test]
fn the_protocol_reads_what_js_sends() {
    let output = kernels::run(
        &KernelSpec {
            kernel: Kernel::Mandelbrot,
            size: 8,
            tasks: 1,
        },
        Strategy::Sequential,
        &now_ms,
    )
    .unwrap();
    assert!(output.image.as_ref().is_some_and(|image| !image.rgba.is_empty()));
    let done = ComputeResponse::Done {
        job: 3,
        started_ms: 1.5,
        finished_ms: 2.5,
        output: kernels::KernelOutput {
            value: u64::MAX - 1,
            ..output
        },
    };
    let message = to_js(&done).unwrap();
    let shared = js_sys::Int32Array::new_with_length(2);
    js_sys::Reflect::set(&message, &SHARED_KEY.into(), &shared).unwrap();
    assert_eq!(response_from_js(&message).unwrap(), done);

    let batch = ComputeRequest::StreamBatch {
        job: 4,
        stream: 1,
        first: true,
        last: false,
        bytes: vec![0, 10, 255],
    };
    let message = to_js(&batch).unwrap();
    assert!(
        js_sys::Reflect::get(&message, &"bytes".into())
            .unwrap()
            .is_instance_of::<js_sys::Uint8Array>()
    );
    assert_eq!(request_from_js(&message).unwrap(), batch);

    let object = |json: &str| js_sys::JSON::parse(json).unwrap();
    for (message, expected) in [
        (
            42.into(),
            "invalid type: number, expected an object with a `kind`",
        ),
        (
            JsValue::NULL,
            "invalid type: null, expected an object with a `kind`",
        ),
        (object(r#"{ "job": 1 }"#), "missing field `kind`"),
        (object(r#"["Pong", 1]"#), "missing field `kind`"),
        (
            object(r#"{ "kind": 7, "job": 1 }"#),
            "invalid type: number, expected a string `kind`",
        ),
        (
            object(r#"{ "kind": "Bogus", "job": 1 }"#),
            "unknown variant `Bogus`",
        ),
        (
            object(r#"{ "kind": "__proto__", "job": 1 }"#),
            "unknown variant `__proto__`",
        ),
        (
            object(r#"{ "kind": "Done", "job": 1 }"#),
            "missing field `started_ms`",
        ),
        (
            object(r#"{ "kind": "Pong", "job": -3 }"#),
            "invalid type: floating point `-3.0`, expected u32",
        ),
    ] {
        let error = response_from_js(&message).unwrap_err().to_string();
        assert!(error.contains(expected), "{expected}: {error}");
    }
}

#[wasm_bindgen_test]
async fn the_worker_answers_a_request_it_cannot_read() {
    let mut worker = RawWorker::start().await;
    let object = |json: &str| js_sys::JSON::parse(json).unwrap();

    let reply = worker.ask(object(r#"{ "kind": "Run", "job": 9 }"#)).await;
    let ComputeResponse::Rejected { job, reason } = reply else {
        panic!("{reply:?}");
    };
    assert_eq!(job, Some(9), "the job id is read from what could be read");
    assert!(reason.contains("missing field"), "{reason}");

    for unreadable in [
        object(r#"{ "kind": "Bogus", "job": 1.5 }"#),
        object("[1, 2]"),
        42.into(),
    ] {
        let reply = worker.ask(unreadable).await;
        assert!(
            matches!(reply, ComputeResponse::Rejected { job: None, .. }),
            "{reply:?}"
        );
    }

    let reply = worker.ask(object(r#"{ "kind": "Ping", "job": 10 }"#)).await;
    assert_eq!(
        reply,
        ComputeResponse::Pong { job: 10 },
        "the worker still serves"
    );
}
