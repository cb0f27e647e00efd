//! Browser tests on the page's main thread (wasm-bindgen-test in headless Chromium): the clock, a kernel in
//! wasm, the results table component, the fetch wrapper, and the compute bridge against a stand-in worker
//! that stays silent.
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, reason = "tests fail loudly by design")]

use lanes::kernels::{self, Kernel, KernelSpec, Strategy};
use lanes::page::bridge::{ComputeBridge, READY_TIMEOUT_MS, StartOptions, WorkerError};
use lanes::page::components::results_table::ResultsTable;
use lanes::report::{ExperimentKind, ExperimentReport, FreezeReading, ModeReport, Repeat};
use lanes::timing::now_ms;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

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
async fn the_results_table_shows_one_row_per_mode_with_its_statistics() {
    let repeat = |wall: f64, warmup: bool| Repeat {
        warmup,
        cancelled: false,
        started_ms: 1_000.0,
        finished_ms: 1_000.0 + wall,
        spans: Vec::new(),
        freeze: FreezeReading {
            max_frame_gap_ms: 16.0,
            frozen_ms: 0.0,
            long_tasks: 0,
        },
    };
    let mode = |name: &str, walls: &[f64]| ModeReport {
        mode: name.parse().unwrap(),
        repeats: std::iter::once(repeat(99.0, true))
            .chain(walls.iter().map(|wall| repeat(*wall, false)))
            .collect(),
        result: "6000".to_owned(),
        threads_used: 1,
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

/// A module worker script made from `source`, as a `blob:` URL.
fn blob_worker(source: &str) -> String {
    let parts = js_sys::Array::of1(&source.into());
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("text/javascript");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).unwrap();
    web_sys::Url::create_object_url_with_blob(&blob).unwrap()
}

#[wasm_bindgen_test]
async fn a_silent_worker_fails_the_start_once_the_time_limit_is_up() {
    let script = blob_worker("// Never answers: no handshake, no error.\n");
    let began = now_ms();
    let result = ComputeBridge::start_with(
        0,
        StartOptions {
            script,
            ready_timeout_ms: 600.0,
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
