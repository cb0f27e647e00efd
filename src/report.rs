//! What a run leaves behind: every mode's repeats, their spans on the shared clock, the UI-freeze readings,
//! statistics, a verdict computed from the numbers, and exports (JSON, CSV, Chrome Trace Event). Pure data and
//! functions, tested natively; the components only draw them.

pub mod export;
pub mod mode;
pub mod stats;
pub mod verdict;

use serde::{Deserialize, Serialize};

pub use mode::{ConnectionTarget, HandoffMethod, ReportMode, StreamMode};

/// The version of the JSON export's schema (see `export::to_json`).
pub const SCHEMA_VERSION: u32 = 2;

/// Which thread or request a span belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "kind", content = "index")]
pub enum Lane {
    /// The page's UI thread.
    Main,
    /// The compute worker's own thread.
    Worker,
    /// A rayon pool thread of the compute worker, by index.
    Pool(u32),
    /// A thread of the rayon pool the page itself starts for `main-pool` mode, by index: its own lanes, so the
    /// timeline never merges them with the compute worker's pool threads.
    MainPool(u32),
    /// One request of the I/O lab, by index.
    Request(u32),
}

impl Lane {
    /// The stable lane id used in `data-lane`, CSV and trace thread names: `main`, `worker`, `pool-3`,
    /// `main-pool-1`, `request-7`.
    pub fn id(self) -> String {
        match self {
            Lane::Main => "main".to_owned(),
            Lane::Worker => "worker".to_owned(),
            Lane::Pool(index) => format!("pool-{index}"),
            Lane::MainPool(index) => format!("main-pool-{index}"),
            Lane::Request(index) => format!("request-{index}"),
        }
    }

    /// A human name: `main thread`, `compute worker`, `pool thread 3`, `page pool thread 1`, `request 7`.
    pub fn name(self) -> String {
        match self {
            Lane::Main => "main thread".to_owned(),
            Lane::Worker => "compute worker".to_owned(),
            Lane::Pool(index) => format!("pool thread {index}"),
            Lane::MainPool(index) => format!("page pool thread {index}"),
            Lane::Request(index) => format!("request {index}"),
        }
    }
}

/// One span of work on one lane; times are milliseconds on the shared clock.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Span {
    /// Where it ran.
    pub lane: Lane,
    /// What it was (`task 3`, `GET /lab/delay … → 200`).
    pub name: String,
    /// Start.
    pub start_ms: f64,
    /// End.
    pub end_ms: f64,
}

impl Span {
    /// Its duration in milliseconds.
    pub fn duration_ms(&self) -> f64 {
        self.end_ms - self.start_ms
    }
}

/// How janky the page was while something ran: frame gaps from `requestAnimationFrame` and long tasks. There is
/// no default: a reading exists only where a measurement bracket was closed around the step (see
/// `page::measure`); elsewhere a repeat carries `None`, shown as "not measured".
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct FreezeReading {
    /// The longest time between two animation frames.
    pub max_frame_gap_ms: f64,
    /// Total time spent in frames longer than [`stats::FROZEN_FRAME_MS`].
    pub frozen_ms: f64,
    /// Stalls of the UI thread longer than a long task (50 ms): frames that came more than 50 ms after the one
    /// before, counted by the freeze meter (the browser's own `longtask` entries are not complete in headless
    /// Chromium). The name is the export's and `data-long-tasks`'.
    pub long_tasks: u32,
}

/// How many distinct worker threads (the compute worker, its pool threads, the page's own pool threads) `spans`
/// show working: the threads used
/// by a step whose work is recorded as spans rather than counted by a kernel (pipeline, streaming, hand-off).
pub fn threads_in(spans: &[Span]) -> u32 {
    let mut lanes: Vec<Lane> = spans
        .iter()
        .map(|span| span.lane)
        .filter(|lane| matches!(lane, Lane::Worker | Lane::Pool(_) | Lane::MainPool(_)))
        .collect();
    crate::order::sort(&mut lanes);
    lanes.dedup();
    u32::try_from(lanes.len()).unwrap_or(u32::MAX)
}

/// One repetition of one mode.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Repeat {
    /// The warm-up run, shown but left out of the statistics.
    pub warmup: bool,
    /// Stopped before it finished: shown (its finished tasks are kept) but left out of the statistics.
    #[serde(default)]
    pub cancelled: bool,
    /// When the UI started it.
    pub started_ms: f64,
    /// When the UI had its answer.
    pub finished_ms: f64,
    /// Every span it recorded.
    pub spans: Vec<Span>,
    /// How the page behaved meanwhile; `None` where this repeat was not bracketed on its own (not measured).
    pub freeze: Option<FreezeReading>,
    /// Distinct threads that ran its tasks (CPU), or the most requests in flight at once (I/O).
    pub threads_used: u32,
    /// The requests it made, with their protocol and wait for a connection (the I/O lab and the connections
    /// preset; empty elsewhere, and then left out of the JSON).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub requests: Vec<crate::io::connections::RequestTiming>,
}

impl Repeat {
    /// A repeat that was not bracketed by a measurement of its own (the hand-off's round trips, timed inside a
    /// loop that runs in JS): it carries no freeze reading, so it shows "not measured". Measured repeats are
    /// built by the page's `Measured::into_repeat`.
    pub fn unbracketed(started_ms: f64, finished_ms: f64, threads_used: u32, spans: Vec<Span>) -> Repeat {
        Repeat {
            warmup: false,
            cancelled: false,
            started_ms,
            finished_ms,
            spans,
            freeze: None,
            threads_used,
            requests: Vec::new(),
        }
    }

    /// The same repeat with the requests it made (see [`Repeat::requests`]).
    pub fn with_requests(self, requests: Vec<crate::io::connections::RequestTiming>) -> Repeat {
        Repeat { requests, ..self }
    }

    /// Wall time as the user waited for it.
    pub fn wall_ms(&self) -> f64 {
        self.finished_ms - self.started_ms
    }

    /// Whether it counts in the statistics: neither the warm-up nor stopped.
    pub fn measured(&self) -> bool {
        !self.warmup && !self.cancelled
    }
}

/// One mode's repeats and its answer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ModeReport {
    /// What the row measured; its id (`main`, `pool`, `io-concurrent`, ...) is `data-mode`.
    pub mode: ReportMode,
    /// The repeats, warm-up first.
    pub repeats: Vec<Repeat>,
    /// The answer (kernel value, or `ok/failed` for I/O); identical across CPU modes.
    pub result: String,
    /// Why it failed, if it did.
    pub error: Option<String>,
    /// Observations drawn from the measurements (for I/O: the per-host connection cap).
    pub notes: Vec<String>,
}

impl ModeReport {
    /// Wall times of the measured repeats: neither the warm-up nor a stopped one.
    pub fn measured_walls(&self) -> Vec<f64> {
        self.repeats
            .iter()
            .filter(|repeat| repeat.measured())
            .map(Repeat::wall_ms)
            .collect()
    }

    /// Whether a Stop cut this mode short.
    pub fn cancelled(&self) -> bool {
        self.repeats.iter().any(|repeat| repeat.cancelled)
    }

    /// Median, min and max wall time over the measured repeats.
    pub fn summary(&self) -> Option<stats::Summary> {
        stats::Summary::of(&self.measured_walls())
    }

    /// The worst freeze over the measured repeats that carry a reading; `None` when none does (not measured).
    pub fn worst_freeze(&self) -> Option<FreezeReading> {
        self.repeats
            .iter()
            .filter(|repeat| repeat.measured())
            .filter_map(|repeat| repeat.freeze)
            .reduce(|worst, freeze| FreezeReading {
                max_frame_gap_ms: worst.max_frame_gap_ms.max(freeze.max_frame_gap_ms),
                frozen_ms: worst.frozen_ms.max(freeze.frozen_ms),
                long_tasks: worst.long_tasks.max(freeze.long_tasks),
            })
    }

    /// Threads used, from the measured repeats only (the most any of them used); `None` when none was measured.
    /// Warm-up and stopped repeats do not count, as they do not count in the wall time either.
    pub fn threads_used(&self) -> Option<u32> {
        self.repeats
            .iter()
            .filter(|repeat| repeat.measured())
            .map(|repeat| repeat.threads_used)
            .max()
    }

    /// The repeat the timeline draws: the stopped one if a Stop cut the mode short (its finished tasks are
    /// what is left to see), otherwise the last measured one.
    pub fn shown_repeat(&self) -> Option<&Repeat> {
        self.repeats
            .iter()
            .rev()
            .find(|repeat| repeat.cancelled || !repeat.warmup)
    }
}

/// Which kind of experiment a report is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ExperimentKind {
    /// CPU kernels in main/worker/pool modes.
    Cpu,
    /// Fetches in single/sequential/concurrent/bounded/race modes.
    Io,
    /// The pool-start preset: a cold worker and pool per run against the warm ones.
    PoolStart,
    /// The scaling preset: one kernel at 1, 2, … threads and beyond.
    Sweep,
    /// The hand-off preset: moving bytes to a worker by clone, transfer and shared memory.
    Handoff,
    /// The pipeline preset: fetch then process, in sequence, in two phases, or pipelined.
    Pipeline,
    /// The streaming preset: batches as they arrive against buffering the whole body.
    Stream,
    /// The connections preset: N requests at once to an HTTP/1.1 origin and to the built-in endpoint.
    Connections,
}

impl ExperimentKind {
    /// What a learner calls it: `the CPU experiment`, `the I/O lab`, `the pool-start preset`, …
    pub fn title(self) -> &'static str {
        match self {
            ExperimentKind::Cpu => "the CPU experiment",
            ExperimentKind::Io => "the I/O lab",
            ExperimentKind::PoolStart => "the pool-start preset",
            ExperimentKind::Sweep => "the scaling sweep",
            ExperimentKind::Handoff => "the hand-off preset",
            ExperimentKind::Pipeline => "the pipeline preset",
            ExperimentKind::Stream => "the streaming preset",
            ExperimentKind::Connections => "the connections preset",
        }
    }
}

/// Everything one press of Run measured.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExperimentReport {
    /// Position in this tab's history, from 1.
    pub id: u32,
    /// CPU or I/O.
    pub kind: ExperimentKind,
    /// A short description of the parameters (`primes n=2000000`).
    pub label: String,
    /// The query string that reproduces it.
    pub permalink: String,
    /// The ideal speedup: pool threads for CPU work, N for I/O.
    pub ideal_speedup: f64,
    /// Every mode, in run order.
    pub modes: Vec<ModeReport>,
    /// Sentences a preset computed from its measurements (see [`verdict`]); for CPU and I/O runs only what a
    /// Stop left and, for main-pool, the start of the page's own pool.
    #[serde(default)]
    pub notes: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(lane: Lane) -> Span {
        Span {
            lane,
            name: String::new(),
            start_ms: 0.0,
            end_ms: 1.0,
        }
    }

    #[test]
    fn threads_are_counted_from_the_worker_lanes_of_the_spans() {
        assert_eq!(threads_in(&[]), 0);
        assert_eq!(threads_in(&[span(Lane::Request(0)), span(Lane::Main)]), 0);
        assert_eq!(
            threads_in(&[span(Lane::Worker), span(Lane::Worker), span(Lane::Request(1))]),
            1
        );
        assert_eq!(
            threads_in(&[span(Lane::Pool(0)), span(Lane::Pool(1)), span(Lane::Pool(0))]),
            2
        );
        // The page's pool threads are threads of their own: thread 0 of each pool counts once per pool.
        assert_eq!(
            threads_in(&[
                span(Lane::Main),
                span(Lane::MainPool(0)),
                span(Lane::MainPool(1)),
                span(Lane::MainPool(0)),
                span(Lane::Pool(0)),
            ]),
            3
        );
    }

    #[test]
    fn the_pages_pool_lanes_have_their_own_ids_names_and_serde_kind() {
        assert_eq!(Lane::MainPool(1).id(), "main-pool-1");
        assert_eq!(Lane::MainPool(1).name(), "page pool thread 1");
        assert_ne!(Lane::MainPool(0).id(), Lane::Pool(0).id());
        let json = serde_json::to_string(&Lane::MainPool(2)).unwrap();
        assert_eq!(json, r#"{"kind":"main-pool","index":2}"#);
        assert_eq!(serde_json::from_str::<Lane>(&json).unwrap(), Lane::MainPool(2));
    }
}
