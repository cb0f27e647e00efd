//! Browser tests of the page's measurement path and run state (wasm-bindgen-test in headless Chromium): a
//! measurement yields its freeze reading together with its times, a second run is refused, a Stop is scoped to
//! its run, a Stop pressed while a step waits for the paint is not lost, and the pool's size changes only when
//! nothing runs.
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, reason = "tests fail loudly by design")]

use futures::future::join;
use lanes::page::bridge::PoolInfo;
use lanes::page::context::{Environment, Lab, PoolState, resize_pool};
use lanes::page::measure::{Measurement, freeze};
use lanes::report::ExperimentKind;
use lanes::timing::now_ms;
use leptos::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn lab() -> Lab {
    Lab::new(Environment::read())
}

#[wasm_bindgen_test]
async fn a_measurement_that_holds_the_ui_thread_reads_the_freeze() {
    freeze::install();
    let measurement = Measurement::open().await;
    let held_from = now_ms();
    // Hold the UI thread the way `main` mode does: no frame can be painted meanwhile.
    while now_ms() - held_from < 150.0 {}
    let measured = measurement.close().await;
    assert!(measured.wall_ms() >= 150.0, "wall {}", measured.wall_ms());
    assert!(
        measured.freeze.max_frame_gap_ms >= 150.0,
        "a 150 ms hold must show as a frame gap, got {:?}",
        measured.freeze
    );
    assert!(measured.freeze.frozen_ms >= 100.0, "{:?}", measured.freeze);

    // The next measurement starts clean: an idle step reads no freeze.
    let measurement = Measurement::open().await;
    let measured = measurement.close().await;
    assert!(measured.freeze.max_frame_gap_ms < 150.0, "{:?}", measured.freeze);
    let repeat = measured.into_repeat(false, false, 1, Vec::new());
    assert_eq!(repeat.freeze, Some(measured.freeze));
}

#[wasm_bindgen_test]
async fn one_run_at_a_time_with_a_scoped_stop() {
    let lab = lab();
    let run = lab.begin_run(ExperimentKind::Cpu).unwrap();
    let refused = lab.begin_run(ExperimentKind::Io).err().unwrap();
    assert!(refused.contains("the CPU experiment is running"), "{refused}");
    assert!(
        lab.runs.busy_reason(ExperimentKind::Sweep).is_some(),
        "every other experiment is told"
    );
    assert!(lab.runs.busy_reason(ExperimentKind::Cpu).is_none());

    // Another panel's Stop does not stop this run.
    lab.runs.stop(lab, ExperimentKind::Io);
    assert!(!run.stopped());

    // A Stop pressed while the step waits for the paint is kept: the step never starts.
    let (measurement, ()) = join(run.measure(), async { lab.runs.stop(lab, ExperimentKind::Cpu) }).await;
    assert!(measurement.is_none(), "a Stop during the paint wait was lost");
    assert!(run.stopped());
    assert!(run.unless_stopped(async { 1 }).await.is_none());

    // Dropped, the run frees the page.
    drop(run);
    let next = lab.begin_run(ExperimentKind::Io).unwrap();
    assert!(!next.stopped(), "a new run starts without the old Stop");
    assert_eq!(next.unless_stopped(async { 2 }).await, Some(2));
}

#[wasm_bindgen_test]
fn the_pool_size_changes_only_when_nothing_runs_and_a_pool_can_be_rebuilt() {
    let lab = lab();
    let asked = lab.pool_threads.get_untracked();
    let ready = PoolState::Ready(PoolInfo {
        threads: asked,
        requested_ms: 0.0,
        posted_ms: 0.5,
        started_at_load: false,
        spawned_ms: 1.0,
        instantiated_ms: 2.0,
        pool_ready_ms: 3.0,
    });
    let other = asked % 64 + 1;

    // The same size again (an Enter fires change and submit): nothing to do, nothing rebuilt.
    lab.pool.set(ready.clone());
    assert_eq!(resize_pool(lab, asked), Ok(()));
    assert_eq!(lab.pool.get_untracked(), ready);

    // A run in progress keeps its pool: refused with the run's name, and the size asked for is not kept.
    let run = lab.begin_run(ExperimentKind::Cpu).unwrap();
    let refused = resize_pool(lab, other).unwrap_err();
    assert!(refused.contains("the CPU experiment is running"), "{refused}");
    assert!(refused.contains("when it is over"), "{refused}");
    assert_eq!(lab.pool_threads.get_untracked(), asked);
    assert_eq!(lab.pool.get_untracked(), ready);
    drop(run);

    // The start-up calibration holds it back too.
    lab.runs.set_calibrating(true);
    assert!(
        resize_pool(lab, other)
            .unwrap_err()
            .contains("measuring this machine")
    );
    lab.runs.set_calibrating(false);

    // A pool still starting cannot be replaced yet; a build without a pool says why there is none.
    lab.pool.set(PoolState::Starting);
    assert!(
        resize_pool(lab, other)
            .unwrap_err()
            .contains("the pool is starting")
    );
    lab.pool.set(PoolState::WorkerOnly(
        "the page is not cross-origin isolated".to_owned(),
    ));
    let refused = resize_pool(lab, other).unwrap_err();
    assert!(
        refused.contains("there is no pool to size: the page is not cross-origin isolated"),
        "{refused}"
    );
    assert_eq!(lab.pool_threads.get_untracked(), asked);
}
