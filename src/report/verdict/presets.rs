//! The per-preset notes: what pool start, the sweep, the pipeline, streaming and the hand-off showed.

use super::find;
use crate::pipeline::PipelineMode;
use crate::report::{ExperimentReport, ModeReport, ReportMode};

/// The pool-start preset's findings: what a cold start costs, phase by phase, against the work itself.
pub fn pool_start_notes(phases: (f64, f64, f64), threads: u32, medians: &[(&str, f64)]) -> Vec<String> {
    let (spawn, instantiate, threads_ready) = phases;
    let find = |mode: &str| medians.iter().find(|(name, _)| *name == mode).map(|(_, ms)| *ms);
    let mut notes = vec![format!(
        "Starting a pool from nothing cost {:.1} ms before any work: {spawn:.1} ms to start the worker, \
         {instantiate:.1} ms to compile and instantiate its wasm, {threads_ready:.1} ms for {threads} threads \
         to come up — like spawn-style process start.",
        spawn + instantiate + threads_ready
    )];
    if let (Some(cold), Some(warm)) = (find("cold-pool"), find("warm-pool")) {
        notes.push(format!(
            "The same job took {cold:.1} ms with a cold pool and {warm:.1} ms with the warm one: start the pool \
             once and reuse it."
        ));
    }
    if let (Some(warm_pool), Some(warm_worker)) = (find("warm-pool"), find("warm-worker")) {
        if warm_worker < warm_pool {
            notes.push(format!(
                "For work this small even the warm pool lost to one thread ({warm_pool:.2} vs {warm_worker:.2} \
                 ms): splitting and joining has a fixed cost that little work cannot repay."
            ));
        } else {
            notes.push(format!(
                "Warm, the pool beat one thread ({warm_pool:.2} vs {warm_worker:.2} ms): the work is big enough \
                 to pay for sharing it."
            ));
        }
    }
    notes
}

/// The sweep's findings: the best thread count, the Amdahl fit and what oversubscription did.
pub fn sweep_notes(points: &[(u32, f64)], cores: u32, serial: Option<f64>) -> Vec<String> {
    let mut notes = Vec::new();
    let Some(&(_, one)) = points.iter().find(|(threads, _)| *threads == 1) else {
        return notes;
    };
    if let Some(&(best_threads, best_ms)) = points.iter().min_by(|a, b| a.1.total_cmp(&b.1)) {
        notes.push(format!(
            "Fastest at {best_threads} threads: {best_ms:.1} ms, {:.2}× the one-thread {one:.1} ms (ideal on \
             {cores} cores: {cores}×).",
            one / best_ms
        ));
    }
    if let Some(serial) = serial {
        let ceiling = if serial > 0.0 {
            format!("{:.1}×", 1.0 / serial)
        } else {
            "unbounded".to_owned()
        };
        notes.push(format!(
            "Amdahl fit: {:.1}% of the work behaves serially (start, hand-off, imbalance), so no number of \
             cores could make it more than {ceiling} faster.",
            100.0 * serial
        ));
    }
    let at_cores = points
        .iter()
        .find(|(threads, _)| *threads == cores)
        .map(|(_, ms)| *ms);
    let beyond: Vec<&(u32, f64)> = points.iter().filter(|(threads, _)| *threads > cores).collect();
    if let (Some(at_cores), Some(&&(threads, ms))) = (at_cores, beyond.last()) {
        let change = 100.0 * (ms - at_cores) / at_cores;
        notes.push(format!(
            "Oversubscribed to {threads} threads on {cores} cores it took {ms:.1} ms ({change:+.0}% against \
             {cores} threads): more threads than cores only take turns."
        ));
    }
    notes
}

/// The pipeline's findings: how much overlapping fetches with processing saved.
pub fn pipeline_notes(report: &ExperimentReport) -> Vec<String> {
    let wall = |mode: ReportMode| {
        find(report, mode)
            .and_then(ModeReport::summary)
            .map(|summary| summary.median)
    };
    let busy = |mode: ReportMode, lane: fn(&crate::report::Lane) -> bool| {
        find(report, mode)
            .and_then(ModeReport::shown_repeat)
            .map(|repeat| {
                repeat
                    .spans
                    .iter()
                    .filter(|span| lane(&span.lane))
                    .map(crate::report::Span::duration_ms)
                    .sum::<f64>()
            })
    };
    let mut notes = Vec::new();
    if let (Some(two_phase), Some(pipelined)) = (
        wall(ReportMode::Pipeline(PipelineMode::FetchThenProcess)),
        wall(ReportMode::Pipeline(PipelineMode::Pipelined)),
    ) && pipelined > 0.0
    {
        notes.push(format!(
            "Pipelined took {pipelined:.0} ms against {two_phase:.0} ms for fetch-then-process ({:.2}×): the \
             worker computed while later fetches were still waiting on the network.",
            two_phase / pipelined
        ));
    }
    if let (Some(sequential), Some(cpu)) = (
        wall(ReportMode::Pipeline(PipelineMode::Sequential)),
        busy(ReportMode::Pipeline(PipelineMode::Sequential), |lane| {
            *lane == crate::report::Lane::Worker
        }),
    ) {
        notes.push(format!(
            "Sequentially, {sequential:.0} ms passed of which only {cpu:.0} ms was computing: the rest was \
             waiting, one request at a time."
        ));
    }
    notes
}

/// The streaming preset's findings from `(mode, first result ms, total ms, peak worker memory bytes)`.
pub fn stream_notes(modes: &[(crate::report::StreamMode, f64, f64, f64)]) -> Vec<String> {
    let find = |name: crate::report::StreamMode| modes.iter().find(|(mode, ..)| *mode == name);
    let mut notes = Vec::new();
    if let (Some(&(_, first, total, memory)), Some(&(_, buffered_first, buffered_total, buffered_memory))) = (
        find(crate::report::StreamMode::Streamed),
        find(crate::report::StreamMode::Buffered),
    ) {
        notes.push(format!(
            "Streamed, the first result came after {first:.0} ms; buffered, after {buffered_first:.0} ms — the \
             whole body had to arrive first. Totals: {total:.0} vs {buffered_total:.0} ms."
        ));
        notes.push(format!(
            "The worker needed {:.1} MiB of memory streaming and {:.1} MiB buffering: batches keep memory flat \
             whatever the body's size.",
            memory / 1_048_576.0,
            buffered_memory / 1_048_576.0
        ));
    }
    notes
}

/// One measured hand-off: a method, a size and the round trip's median.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct HandoffPoint<'a> {
    /// `clone`, `transfer` or `shared`.
    pub method: &'a str,
    /// Bytes moved.
    pub bytes: u64,
    /// Median round trip in milliseconds.
    pub ms: f64,
}

/// The hand-off preset's findings at the largest size measured.
pub fn handoff_notes(points: &[HandoffPoint<'_>]) -> Vec<String> {
    let Some(largest) = points.iter().map(|point| point.bytes).max() else {
        return Vec::new();
    };
    let at = |method: &str| {
        points
            .iter()
            .find(|point| point.method == method && point.bytes == largest)
            .map(|point| point.ms)
    };
    let mib = largest as f64 / 1_048_576.0;
    let mut notes = Vec::new();
    if let (Some(clone), Some(shared)) = (at("clone"), at("shared")) {
        notes.push(format!(
            "At {mib:.0} MiB a structured clone took {clone:.2} ms and shared memory {shared:.2} ms ({:.0}×): a \
             clone copies every byte, shared memory hands over a reference.",
            clone / shared.max(0.001)
        ));
    }
    if let (Some(clone), Some(transfer)) = (at("clone"), at("transfer")) {
        notes.push(format!(
            "Transferring the buffer took {transfer:.2} ms ({:.0}× faster than cloning): ownership moves and \
             the sender can no longer read it.",
            clone / transfer.max(0.001)
        ));
    }
    notes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preset_notes_quote_their_numbers() {
        let notes = pool_start_notes(
            (20.0, 30.0, 90.0),
            2,
            &[("cold-pool", 150.0), ("warm-pool", 2.0), ("warm-worker", 1.0)],
        )
        .join(" ");
        assert!(notes.contains("cost 140.0 ms"), "{notes}");
        assert!(
            notes.contains("even the warm pool lost to one thread (2.00 vs 1.00 ms)"),
            "{notes}"
        );

        let points = [(1, 400.0), (2, 220.0), (3, 230.0), (4, 240.0)];
        let notes = sweep_notes(&points, 2, Some(0.1)).join(" ");
        assert!(notes.contains("Fastest at 2 threads: 220.0 ms, 1.82×"), "{notes}");
        assert!(notes.contains("10.0% of the work"), "{notes}");
        assert!(notes.contains("more than 10.0× faster"), "{notes}");
        assert!(
            notes.contains("Oversubscribed to 4 threads on 2 cores it took 240.0 ms (+9%"),
            "{notes}"
        );

        let point = |method, bytes, ms| HandoffPoint { method, bytes, ms };
        let notes = handoff_notes(&[
            point("clone", 1024, 0.1),
            point("clone", 16 << 20, 8.0),
            point("transfer", 16 << 20, 0.2),
            point("shared", 16 << 20, 0.1),
        ])
        .join(" ");
        assert!(
            notes.contains("At 16 MiB a structured clone took 8.00 ms and shared memory 0.10 ms (80×)"),
            "{notes}"
        );
        assert!(notes.contains("(40× faster than cloning)"), "{notes}");
    }
}
