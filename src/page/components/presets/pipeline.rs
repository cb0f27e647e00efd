//! The mixed pipeline (the lesson's thread pool for fetch-then-process): N items, each fetched from the latency
//! endpoint with at most k fetches in flight, then processed by a CPU kernel in the compute worker. The
//! scheduling is [`crate::pipeline::run_pipeline`]; this component supplies real fetches and worker jobs.
//! `sequential` fetches and processes one item at a time; `fetch-then-process` fetches everything first;
//! `pipelined` hands each response to the worker as it arrives, so fetching overlaps processing.

use std::cell::RefCell;

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::kernels::{Kernel, KernelSpec, Strategy};
use crate::page::app::{Lab, ServiceState, after_next_paint};
use crate::page::bridge::ComputeBridge;
use crate::page::components::presets::{PresetStop, autorun_once, number_field, run_controls};
use crate::page::components::results_table::ResultsTable;
use crate::page::fetch::fetch_timed;
use crate::page::freeze;
use crate::pipeline::{PipelineMode, run_pipeline};
use crate::report::{ExperimentKind, ExperimentReport, Lane, ModeReport, Repeat, ReportMode, Span};
use crate::timing::now_ms;

#[derive(Clone, Copy, Debug, PartialEq)]
struct Plan {
    items: usize,
    latency_ms: u32,
    limit: usize,
    work: KernelSpec,
}

/// What one mode recorded: spans and the processed values, in item order.
#[derive(Default)]
struct Trace {
    spans: Vec<Span>,
    values: Vec<(usize, u64)>,
}

async fn fetch_item(plan: Plan, index: usize, trace: &RefCell<Trace>) -> Result<(), String> {
    let start_ms = now_ms();
    let target = format!("/lab/delay?ms={}&bytes=4096&i={index}", plan.latency_ms);
    let outcome = fetch_timed(&target, 30_000).await;
    trace.borrow_mut().spans.push(Span {
        lane: Lane::Request(u32::try_from(index).unwrap_or(u32::MAX)),
        name: format!("fetch item {index}"),
        start_ms,
        end_ms: now_ms(),
    });
    outcome
        .map(|_| ())
        .map_err(|error| format!("item {index}: {error}"))
}

async fn process_item(
    plan: Plan,
    index: usize,
    bridge: &ComputeBridge,
    trace: &RefCell<Trace>,
) -> Result<(), String> {
    let reply = bridge
        .run(plan.work, Strategy::Sequential)
        .await
        .map_err(|error| error.to_string())?;
    let mut trace = trace.borrow_mut();
    trace.spans.push(Span {
        lane: Lane::Worker,
        name: format!("process item {index}"),
        start_ms: reply.started_ms,
        end_ms: reply.finished_ms,
    });
    trace.values.push((index, reply.output.value));
    Ok(())
}

async fn run_mode(mode: PipelineMode, plan: Plan, bridge: &ComputeBridge) -> Result<Trace, String> {
    let trace = RefCell::new(Trace::default());
    run_pipeline(
        mode,
        plan.items,
        plan.limit,
        |index| fetch_item(plan, index, &trace),
        |index| process_item(plan, index, bridge, &trace),
    )
    .await?;
    let mut trace = trace.into_inner();
    trace.values.sort_unstable();
    Ok(trace)
}

/// The pipeline preset.
#[component]
pub fn PipelinePreset(
    /// Run as soon as the page's pool and latency endpoint are ready.
    autorun: bool,
) -> impl IntoView {
    let lab = expect_context::<Lab>();
    let (items_view, items) = number_field("preset-items", "Items N ", 10, (1, 100));
    let (latency_view, latency) = number_field("preset-latency", "Latency (ms) ", 200, (0, 10_000));
    let (limit_view, limit) = number_field("preset-limit", "Fetches in flight k ", 2, (1, 100));
    let (work_view, work) = number_field(
        "preset-work",
        "CPU per item (sum-loop n) ",
        250_000_000,
        (1, 2_000_000_000),
    );
    let running = RwSignal::new(false);
    let stop = PresetStop::new();
    let status = RwSignal::new(String::new());
    let current = RwSignal::new(None::<ExperimentReport>);
    let problem = move || -> Option<String> {
        items
            .get()
            .err()
            .or_else(|| latency.get().err())
            .or_else(|| limit.get().err())
            .or_else(|| work.get().err())
            .or_else(|| lab.pool.get().worker_problem())
            .or_else(|| match lab.lab_endpoint.get() {
                ServiceState::Ready => None,
                ServiceState::Unavailable(reason) => {
                    Some(format!("the latency endpoint is unavailable: {reason}"))
                }
                ServiceState::Starting => Some("waiting for the latency endpoint…".to_owned()),
            })
    };
    let run = move || {
        let (Ok(items), Ok(latency_ms), Ok(limit), Ok(work), false) = (
            items.get_untracked(),
            latency.get_untracked(),
            limit.get_untracked(),
            work.get_untracked(),
            running.get_untracked(),
        ) else {
            return;
        };
        let Some(bridge) = lab.bridge.get_value() else {
            return;
        };
        let plan = Plan {
            items: items as usize,
            latency_ms,
            limit: limit as usize,
            work: KernelSpec {
                kernel: Kernel::SumLoop,
                size: u64::from(work),
                tasks: 1,
            },
        };
        running.set(true);
        stop.arm();
        let mut report = ExperimentReport {
            id: lab.next_report_id(),
            kind: ExperimentKind::Pipeline,
            label: format!("pipeline · N={items} · {latency_ms} ms · k={limit} · sum-loop n={work}"),
            permalink: "preset=pipeline".to_owned(),
            ideal_speedup: 1.0,
            modes: Vec::new(),
            notes: Vec::new(),
        };
        current.set(Some(report.clone()));
        spawn_local(async move {
            for mode in PipelineMode::ALL {
                status.set(format!("{}…", mode.id()));
                after_next_paint().await;
                freeze::begin();
                let started_ms = now_ms();
                let Some(outcome) = stop.unless_stopped(run_mode(mode, plan, &bridge)).await else {
                    freeze::end();
                    break;
                };
                let finished_ms = now_ms();
                after_next_paint().await;
                let freeze = freeze::end();
                let mut mode_report = ModeReport {
                    mode: ReportMode::Pipeline(mode),
                    repeats: Vec::new(),
                    result: String::new(),
                    threads_used: 1,
                    error: None,
                    notes: Vec::new(),
                };
                match outcome {
                    Ok(trace) => {
                        let total = trace
                            .values
                            .iter()
                            .fold(0_u64, |sum, (_, value)| sum.wrapping_add(*value));
                        mode_report.result = format!("{} items, Σ {total}", trace.values.len());
                        mode_report.repeats.push(Repeat {
                            warmup: false,
                            cancelled: false,
                            started_ms,
                            finished_ms,
                            spans: trace.spans,
                            freeze,
                        });
                    }
                    Err(error) => mode_report.error = Some(error),
                }
                report.modes.push(mode_report);
                current.set(Some(report.clone()));
            }
            report.notes = crate::report::verdict::pipeline_notes(&report);
            let done = report.modes.len();
            stop.mark(&mut report, done, PipelineMode::ALL.len(), "modes");
            current.set(Some(report.clone()));
            lab.record(report);
            status.set(String::new());
            running.set(false);
        });
    };
    autorun_once(autorun, move || problem().is_none(), run);
    view! {
        <div class="preset" data-testid="preset-panel" data-preset="pipeline">
            <h3>"Mixed pipeline: fetch, then process"</h3>
            <p class="hint">
                "N items are fetched from the latency endpoint, at most k at a time, and each is then processed in the "
                "compute worker. Pipelined, each response is handed over as it arrives, so the next fetches wait "
                "while the worker computes — the thread pool of the lesson."
            </p>
            <form class="controls" on:submit=move |event| {
                event.prevent_default();
                run();
            }>
                {items_view}
                {latency_view}
                {limit_view}
                {work_view}
                {run_controls(running, stop, move || problem().is_some())}
                <p class="message" data-testid="preset-message">
                    {move || if running.get() { status.get() } else { problem().unwrap_or_default() }}
                </p>
            </form>
            <ResultsTable report=current.into()/>
        </div>
    }
}
