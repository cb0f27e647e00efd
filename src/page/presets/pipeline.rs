//! The mixed pipeline's run loop (the lesson's thread pool for fetch-then-process): N items, each fetched from
//! the latency endpoint with at most k fetches in flight, then processed by a CPU kernel in the compute worker.
//! The scheduling is [`crate::pipeline::run_pipeline`]; this module supplies real fetches and worker jobs.
//! `sequential` fetches and processes one item at a time; `fetch-then-process` fetches everything first;
//! `pipelined` hands each response to the worker as it arrives, so fetching overlaps processing.

use std::cell::RefCell;
use std::rc::Rc;

use crate::kernels::{KernelSpec, Strategy};
use crate::page::bridge::ComputeBridge;
use crate::page::fetch::fetch_timed;
use crate::page::run::Run;
use crate::pipeline::{PipelineMode, run_pipeline};
use crate::report::verdict::pipeline_notes;
use crate::report::{ExperimentKind, ExperimentReport, Lane, ModeReport, ReportMode, Span, threads_in};
use crate::timing::now_ms;

/// What one pipeline run fetches and computes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Plan {
    /// Items N.
    pub items: usize,
    /// The latency endpoint's delay per fetch.
    pub latency_ms: u32,
    /// Fetches in flight at most.
    pub limit: usize,
    /// The CPU step of item 0; item `i` adds `i` to its size, so every item's answer differs and each can be
    /// checked.
    pub work: KernelSpec,
}

impl Plan {
    /// Item `index`'s CPU step.
    pub fn work_for(&self, index: usize) -> KernelSpec {
        KernelSpec {
            size: self.work.size + index as u64,
            ..self.work
        }
    }
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
        .run(plan.work_for(index), Strategy::Sequential)
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

async fn run_items(mode: PipelineMode, plan: Plan, bridge: &ComputeBridge) -> Result<Trace, String> {
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
    crate::order::sort(&mut trace.values);
    Ok(trace)
}

/// Runs every pipeline mode once over `plan` and records the report.
pub async fn run_pipeline_preset(run: Run, plan: Plan, bridge: Rc<ComputeBridge>) {
    let lab = run.lab();
    let mut report = ExperimentReport {
        id: lab.next_report_id(),
        kind: ExperimentKind::Pipeline,
        label: format!(
            "pipeline · N={} · {} ms · k={} · sum-loop n={}+i",
            plan.items, plan.latency_ms, plan.limit, plan.work.size
        ),
        permalink: "preset=pipeline".to_owned(),
        ideal_speedup: 1.0,
        modes: Vec::new(),
        notes: Vec::new(),
    };
    run.publish(&report);
    for mode in PipelineMode::ALL {
        run.status(format!("{}…", ReportMode::Pipeline(mode).label()));
        let Some(measurement) = run.measure().await else {
            break;
        };
        let Some(outcome) = run.unless_stopped(run_items(mode, plan, &bridge)).await else {
            break;
        };
        let measured = measurement.close().await;
        let mut mode_report = ModeReport {
            mode: ReportMode::Pipeline(mode),
            repeats: Vec::new(),
            result: String::new(),
            error: None,
            notes: Vec::new(),
        };
        match outcome {
            Ok(trace) => {
                // Every item's own answer, in item order: each differs, so a lost or swapped item shows.
                let answers: Vec<String> = trace.values.iter().map(|(_, value)| value.to_string()).collect();
                mode_report.result = format!("{} items: {}", answers.len(), answers.join(" "));
                let threads = threads_in(&trace.spans);
                mode_report
                    .repeats
                    .push(measured.into_repeat(false, false, threads, trace.spans));
            }
            Err(error) => mode_report.error = Some(error),
        }
        report.modes.push(mode_report);
        run.publish(&report);
    }
    report.notes = pipeline_notes(&report);
    let done = report.modes.len();
    run.note_stop(&mut report, done, PipelineMode::ALL.len(), "modes");
    run.finish(report);
}
