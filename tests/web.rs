//! Browser tests on the page's main thread (wasm-bindgen-test in headless Chromium): the clock, a kernel in
//! wasm, and the results table component.
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, reason = "tests fail loudly by design")]

use lanes::components::results_table::{ModeOutcome, ResultsTable};
use lanes::kernels::{self, Kernel, KernelSpec, Strategy};
use lanes::modes::Mode;
use lanes::runner::ModeRun;
use lanes::timing::now_ms;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
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
async fn the_results_table_shows_one_row_per_mode_with_its_data() {
    let spec = KernelSpec {
        kernel: Kernel::SumLoop,
        size: 1_000,
        tasks: 2,
    };
    let outcome = |mode: Mode, wall: f64| ModeOutcome {
        mode,
        run: Ok(ModeRun {
            mode,
            started_ms: 1_000.0,
            finished_ms: 1_000.0 + wall,
            output: kernels::run(&spec, Strategy::Sequential, &now_ms).unwrap(),
        }),
    };
    let outcomes = RwSignal::new(vec![outcome(Mode::Main, 40.0), outcome(Mode::Worker, 20.0)]);
    let document = web_sys::window().unwrap().document().unwrap();
    let host: web_sys::HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&host).unwrap();
    let _mounted = leptos::mount::mount_to(
        host.clone(),
        move || view! { <ResultsTable outcomes=outcomes.into()/> },
    );

    let rows = host.query_selector_all("[data-testid=result-row]").unwrap();
    assert_eq!(rows.length(), 2);
    let worker: web_sys::Element = rows.item(1).unwrap().unchecked_into();
    assert_eq!(worker.get_attribute("data-mode").as_deref(), Some("worker"));
    assert_eq!(worker.get_attribute("data-result").as_deref(), Some("6000"));
    assert_eq!(worker.get_attribute("data-wall-ms").as_deref(), Some("20.000"));
    assert!(
        worker.text_content().unwrap().contains("2.00×"),
        "twice as fast as the slowest"
    );

    outcomes.update(|outcomes| {
        outcomes.push(ModeOutcome {
            mode: Mode::Pool,
            run: Err("the compute worker is not running".to_owned()),
        })
    });
    // Effects run on the next turn of the executor.
    leptos::task::tick().await;
    let rows = host.query_selector_all("[data-testid=result-row]").unwrap();
    assert_eq!(rows.length(), 3, "the table follows its signal");
    let agree = host
        .query_selector("[data-testid=results-agree]")
        .unwrap()
        .unwrap();
    assert_eq!(agree.get_attribute("data-agree").as_deref(), Some("true"));
}

#[wasm_bindgen_test]
fn dropping_the_abort_guard_aborts_its_signal() {
    let guard = lanes::io::fetch::AbortGuard::new().unwrap();
    let signal = guard.signal();
    assert!(!signal.aborted());
    drop(guard);
    assert!(signal.aborted(), "a dropped request is aborted");
}

#[wasm_bindgen_test]
async fn the_fetch_wrapper_maps_every_outcome() {
    use lanes::io::fetch::fetch_timed;
    // The test server serves the crate root.
    let fetched = fetch_timed("Cargo.toml", 10_000).await.unwrap();
    assert_eq!(fetched.status, 200);
    assert!(fetched.bytes > 100);
    assert!(fetched.end_ms >= fetched.headers_ms);
    let kind = |result: Result<lanes::io::fetch::Fetched, lanes::io::FetchError>| result.unwrap_err().kind();
    assert_eq!(kind(fetch_timed("no-such-file.txt", 10_000).await), "http");
    assert_eq!(
        kind(fetch_timed("javascript:alert(1)", 10_000).await),
        "invalid-url"
    );
    assert_eq!(kind(fetch_timed("http://[::1", 10_000).await), "invalid-url");
    assert_eq!(kind(fetch_timed("http://127.0.0.1:9/", 10_000).await), "network");
}
