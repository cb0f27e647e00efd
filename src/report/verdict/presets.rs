//! The per-preset notes: what pool start, the sweep, the pipeline, streaming, the hand-off and the connections
//! preset showed. Each
//! comparison goes through the verdict's noise rule (`compare`); a sentence that explains a difference
//! is printed only when the difference was called and the data shows the explanation.

use super::{Call, Measured, compare, counted, find, measured_repeats};
use crate::io::connections::{ConnectionWave, HTTP1, RequestTiming, connection_waves, wait_threshold};
use crate::pipeline::PipelineMode;
use crate::report::stats::{self, Summary};
use crate::report::{
    ConnectionTarget, ExperimentReport, FreezeReading, HandoffMethod, Lane, ModeReport, ReportMode,
    StreamMode,
};

/// What a cold pool start cost: medians over the measured (non-warm-up, finished) cold runs; `total_ms` is the
/// median of each run's own measured total (request → pool ready), not a sum of phase medians.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ColdStart {
    /// Median time to spawn the compute worker (request → worker script running, its init message read).
    pub spawn_ms: f64,
    /// Median time to instantiate the compiled wasm module in the new worker (it arrives compiled).
    pub instantiate_ms: f64,
    /// Median time for the pool's threads to come up.
    pub threads_ready_ms: f64,
    /// Median of each run's request → pool ready.
    pub total_ms: f64,
    /// How many cold runs these medians rest on.
    pub runs: usize,
}

/// The pool-start preset's findings: what a cold start costs, a cold against a warm pool on the same job, and the
/// warm pool against one warm worker on `chunks` chunks. Reads the [`ReportMode::ColdPool`], `WarmPool` and
/// `WarmWorker` rows for the job times; `cold` is `None` (or has no runs) when no cold run finished, and then no
/// cost is quoted.
pub fn pool_start_notes(
    report: &ExperimentReport,
    cold: Option<&ColdStart>,
    threads: u32,
    chunks: u64,
) -> Vec<String> {
    let mut notes = Vec::new();
    match cold.filter(|cold| cold.runs > 0) {
        Some(cold) => notes.push(format!(
            "Starting a pool from nothing cost {:.1} ms before any work ({}, each measured from the request \
             to the pool being ready) — like spawn-style process start. Phase by phase (medians, which need \
             not add up to the total): {:.1} ms to start the worker, {:.1} ms to instantiate the compiled \
             module, {:.1} ms for {threads} {} to come up.",
            cold.total_ms,
            if cold.runs == 1 {
                "one run".to_owned()
            } else {
                format!("median of {} runs", cold.runs)
            },
            cold.spawn_ms,
            cold.instantiate_ms,
            cold.threads_ready_ms,
            if threads == 1 { "thread" } else { "threads" },
        )),
        None => notes.push("No cold run finished, so no start-up cost is quoted.".to_owned()),
    }
    let measured = |mode: ReportMode| find(report, mode).and_then(Measured::of);
    let (cold_pool, warm_pool, warm_worker) = (
        measured(ReportMode::ColdPool),
        measured(ReportMode::WarmPool),
        measured(ReportMode::WarmWorker),
    );
    if let (Some(cold), Some(warm)) = (&cold_pool, &warm_pool) {
        let comparison = compare(warm, cold);
        let numbers = format!(
            "The same job took {:.1} ms with a cold pool (its start included) and {:.1} ms with the warm one",
            cold.median(),
            warm.median()
        );
        notes.push(match comparison.call {
            Call::Faster => format!(
                "{numbers} ({}): start the pool once and reuse it.",
                comparison.basis
            ),
            Call::Slower => format!("{numbers}: the warm pool was slower here ({}).", comparison.basis),
            Call::WithinNoise | Call::TooFew => format!("{numbers} — {}.", comparison.undecided()),
        });
    }
    if let (Some(pool), Some(worker)) = (&warm_pool, &warm_worker) {
        let (pool_ms, worker_ms) = (pool.median(), worker.median());
        // The warm pool's hand-off: each measured repeat's wall time outside its tasks (median).
        let warm_pool_handoff = report
            .modes
            .iter()
            .find(|mode| mode.mode == ReportMode::WarmPool && mode.error.is_none())
            .and_then(|mode| super::handoffs(mode, |lane| matches!(lane, Lane::Pool(_))))
            .map(|(handoff, ..)| handoff.median);
        let chunks = if chunks == 1 {
            "1 chunk".to_owned()
        } else {
            format!("{chunks} chunks")
        };
        let comparison = compare(pool, worker);
        let basis = &comparison.basis;
        notes.push(match comparison.call {
            Call::Faster => format!(
                "Warm, the pool beat one thread on {chunks} ({pool_ms:.2} vs {worker_ms:.2} ms; {basis}): the \
                 work is big enough to pay for sharing it."
            ),
            // The pool's whole range lies above the worker's, the work is small, and the pool's measured hand-off
            // (its wall time outside its tasks) outweighs what splitting could save: the fixed cost explains it.
            Call::Slower
                if worker_ms < super::SMALL_WORK_MS
                    && warm_pool_handoff
                        .is_some_and(|handoff| handoff >= worker_ms * (1.0 - 1.0 / f64::from(threads.max(1)))) =>
            {
                format!(
                    "For work this small ({chunks}, {worker_ms:.2} ms on one thread) even the warm pool lost to \
                     one thread ({pool_ms:.2} vs {worker_ms:.2} ms; {basis}): its hand-off alone took {:.2} ms, \
                     more than splitting the work could save.",
                    warm_pool_handoff.unwrap_or_default()
                )
            }
            Call::Slower => format!(
                "Even warm, the pool lost to one thread on {chunks} ({pool_ms:.2} vs {worker_ms:.2} ms; \
                 {basis}); with this much work the data here does not show why."
            ),
            Call::WithinNoise | Call::TooFew => format!(
                "Warm pool {pool_ms:.2} ms vs warm worker {worker_ms:.2} ms on {chunks} (medians) — {}.",
                comparison.undecided()
            ),
        });
    }
    notes
}

/// The sweep's findings from its [`ReportMode::Threads`] rows: the speedup over one thread, the fastest thread
/// count, the Amdahl fit (only from enough points, see [`stats::amdahl_serial_fraction`]) and what
/// oversubscription did.
pub fn sweep_notes(report: &ExperimentReport, cores: u32) -> Vec<String> {
    let mut points: Vec<(u32, Measured)> = report
        .modes
        .iter()
        .filter(|mode| mode.error.is_none())
        .filter_map(|mode| match mode.mode {
            ReportMode::Threads(threads) => Measured::of(mode).map(|measured| (threads, measured)),
            _ => None,
        })
        .collect();
    crate::order::sort_by_key(&mut points, |(threads, _)| *threads);
    let mut notes = Vec::new();
    let one = points
        .iter()
        .find(|(threads, _)| *threads == 1)
        .map(|(_, one)| one);
    let best = points.iter().min_by(|a, b| a.1.median().total_cmp(&b.1.median()));
    if let (Some(one), Some((best_threads, best))) = (one, best) {
        notes.extend(speedup_note(&points, cores, one, *best_threads, best));
    }
    notes.push(amdahl_note(&points, cores));
    let at_cores = points.iter().find(|(threads, _)| *threads == cores);
    if let (Some((_, at_cores)), Some((threads, beyond))) = (
        at_cores,
        points.iter().rev().find(|(threads, _)| *threads > cores),
    ) {
        let (at_ms, beyond_ms) = (at_cores.median(), beyond.median());
        let change = 100.0 * (beyond_ms - at_ms) / at_ms;
        let comparison = compare(beyond, at_cores);
        let numbers = format!(
            "Oversubscribed to {threads} threads on {cores} cores it took {beyond_ms:.1} ms against {at_ms:.1} \
             ms at {cores} threads"
        );
        notes.push(match comparison.call {
            Call::Slower => format!(
                "{numbers} ({change:+.0}%; {}): more threads than cores only take turns.",
                comparison.basis
            ),
            Call::Faster => format!("{numbers} ({change:+.0}%; {}).", comparison.basis),
            Call::WithinNoise => format!(
                "{numbers} — {}: more threads than cores bought nothing measurable.",
                comparison.undecided()
            ),
            Call::TooFew => format!("{numbers} — {}.", comparison.undecided()),
        });
    }
    notes
}

/// The best thread count against one thread, and whether it beat every other count.
fn speedup_note(
    points: &[(u32, Measured)],
    cores: u32,
    one: &Measured,
    best_threads: u32,
    best: &Measured,
) -> Vec<String> {
    let mut notes = Vec::new();
    if best_threads == 1 {
        let Some((other_threads, other)) = points
            .iter()
            .filter(|(threads, _)| *threads != 1)
            .min_by(|a, b| a.1.median().total_cmp(&b.1.median()))
        else {
            return notes;
        };
        let comparison = compare(one, other);
        let numbers = format!(
            "One thread took {:.1} ms; the best of the rest, {other_threads} threads, {:.1} ms",
            one.median(),
            other.median()
        );
        notes.push(match comparison.call {
            Call::Faster => format!(
                "{numbers} ({}): no thread count beat one thread.",
                comparison.basis
            ),
            Call::Slower | Call::WithinNoise | Call::TooFew => {
                format!("{numbers} — {}: no speedup is claimed.", comparison.undecided())
            }
        });
        return notes;
    }
    let (one_ms, best_ms) = (one.median(), best.median());
    let comparison = compare(best, one);
    match comparison.call {
        Call::Faster => notes.push(format!(
            "At {best_threads} threads the median was {best_ms:.1} ms, {:.2}× the one-thread {one_ms:.1} ms \
             (ideal on {cores} cores: {cores}×; {}).",
            one_ms / best_ms,
            comparison.basis
        )),
        Call::Slower | Call::WithinNoise | Call::TooFew => notes.push(format!(
            "The lowest median, {best_ms:.1} ms at {best_threads} threads, against one thread's {one_ms:.1} ms \
             — {}: no speedup is claimed.",
            comparison.undecided()
        )),
    }
    // "Fastest at N" only when N's range lies below every other thread count's, one thread included.
    let rivals: Vec<(u32, super::Comparison)> = points
        .iter()
        .filter(|(threads, _)| *threads != best_threads && *threads != 1)
        .map(|(threads, other)| (*threads, compare(best, other)))
        .collect();
    if comparison.call == Call::Faster && !rivals.is_empty() {
        match rivals.iter().find(|(_, rival)| rival.call != Call::Faster) {
            None => notes.push(format!(
                "{best_threads} threads was the fastest count: its range lies below every other's."
            )),
            Some((rival_threads, rival)) => notes.push(format!(
                "{best_threads} threads had the lowest median, but {rival_threads} threads is {}: the best \
                 thread count is not singled out.",
                rival.undecided()
            )),
        }
    }
    notes
}

/// The Amdahl fit over the medians at 1 and 2..=cores threads, or what it is missing.
fn amdahl_note(points: &[(u32, Measured)], cores: u32) -> String {
    let medians: Vec<(u32, f64)> = points
        .iter()
        .map(|(threads, measured)| (*threads, measured.median()))
        .collect();
    let needed = stats::AMDAHL_MIN_PARALLEL_POINTS;
    let have = stats::amdahl_parallel_points(&medians, cores);
    if let Some(serial) = stats::amdahl_serial_fraction(&medians, cores) {
        let within: Vec<&(u32, Measured)> = points.iter().filter(|(threads, _)| *threads <= cores).collect();
        let top = within.iter().map(|(threads, _)| *threads).max().unwrap_or(cores);
        let counts: Vec<usize> = within.iter().map(|(_, measured)| measured.count).collect();
        let model = "in this model start-up, hand-off and imbalance all count as serial";
        let ceiling = if serial > 0.0 {
            format!(
                "so by this model no number of cores could make it more than {:.1}× faster",
                1.0 / serial
            )
        } else {
            "so by this model more cores would keep helping".to_owned()
        };
        return format!(
            "Amdahl fit over {} thread counts (1 to {top}; medians of {}): {:.1}% of the work behaves serially \
             ({model}), {ceiling}.",
            have + 1,
            counted(&counts, "repeat"),
            100.0 * serial
        );
    }
    let available = usize::try_from(cores.saturating_sub(1)).unwrap_or(usize::MAX);
    let missing = if available < needed {
        format!("this machine offers {}", in_words(available))
    } else if have < needed {
        format!("this run measured {}", in_words(have))
    } else {
        // Enough thread counts, so what failed is the baseline.
        "no usable one-thread time was measured".to_owned()
    };
    format!(
        "An Amdahl fit needs at least {} thread counts above 1 and at most the {cores} cores, and the \
         one-thread time; {missing}, so no serial fraction is claimed.",
        in_words(needed)
    )
}

/// `none`, `one`, `two`, `three`, then digits.
fn in_words(count: usize) -> String {
    match count {
        0 => "none".to_owned(),
        1 => "one".to_owned(),
        2 => "two".to_owned(),
        3 => "three".to_owned(),
        more => more.to_string(),
    }
}

/// The pipeline's findings from its [`ReportMode::Pipeline`] rows: pipelined against fetch-then-process, and how
/// much of the sequential run was computing.
pub fn pipeline_notes(report: &ExperimentReport) -> Vec<String> {
    let mut notes = Vec::new();
    let two_phase = find(report, ReportMode::Pipeline(PipelineMode::FetchThenProcess)).and_then(Measured::of);
    let pipelined_mode = find(report, ReportMode::Pipeline(PipelineMode::Pipelined));
    if let (Some(two_phase), Some(pipelined_mode)) = (two_phase, pipelined_mode)
        && let Some(pipelined) = Measured::of(pipelined_mode)
    {
        let (two_phase_ms, pipelined_ms) = (two_phase.median(), pipelined.median());
        let comparison = compare(&pipelined, &two_phase);
        let numbers = format!(
            "Pipelined took {pipelined_ms:.0} ms against {two_phase_ms:.0} ms for fetch-then-process"
        );
        notes.push(match comparison.call {
            Call::Faster => {
                let ratio = if pipelined_ms > 0.0 {
                    format!("{:.2}× faster; ", two_phase_ms / pipelined_ms)
                } else {
                    String::new()
                };
                let why = if computed_while_fetching(pipelined_mode) {
                    ": the worker computed while later fetches were still waiting on the network"
                } else {
                    ""
                };
                format!("{numbers} ({ratio}{}){why}.", comparison.basis)
            }
            Call::Slower => format!("{numbers}: pipelining was slower here ({}).", comparison.basis),
            Call::WithinNoise | Call::TooFew => format!("{numbers} — {}.", comparison.undecided()),
        });
    }
    if let Some(sequential) = find(report, ReportMode::Pipeline(PipelineMode::Sequential))
        && let Some((wall, busy, count)) = computing_share(sequential)
        && busy < wall
    {
        notes.push(format!(
            "Sequentially, {wall:.0} ms passed of which the worker computed {busy:.0} ms; the rest it sat idle, \
             waiting on one request at a time ({}).",
            if count == 1 {
                "one run".to_owned()
            } else {
                format!("medians of {count} runs")
            }
        ));
    }
    notes
}

/// Whether, in every measured repeat, some processing span on the worker overlapped some request span: the
/// evidence that pipelining computed while fetches were in flight.
fn computed_while_fetching(mode: &ModeReport) -> bool {
    let mut repeats = measured_repeats(mode).peekable();
    repeats.peek().is_some()
        && repeats.all(|repeat| {
            let requests: Vec<_> = repeat
                .spans
                .iter()
                .filter(|span| matches!(span.lane, Lane::Request(_)))
                .collect();
            repeat
                .spans
                .iter()
                .filter(|span| span.lane == Lane::Worker)
                .any(|work| {
                    requests
                        .iter()
                        .any(|request| work.start_ms < request.end_ms && request.start_ms < work.end_ms)
                })
        })
}

/// The median wall and the median worker time over the measured repeats that recorded worker spans.
fn computing_share(mode: &ModeReport) -> Option<(f64, f64, usize)> {
    let (walls, busy): (Vec<f64>, Vec<f64>) = measured_repeats(mode)
        .filter_map(|repeat| {
            let worker: Vec<f64> = repeat
                .spans
                .iter()
                .filter(|span| span.lane == Lane::Worker)
                .map(|span| span.duration_ms())
                .collect();
            (!worker.is_empty()).then(|| (repeat.wall_ms(), worker.iter().sum::<f64>()))
        })
        .unzip();
    Some((
        Summary::of(&walls)?.median,
        Summary::of(&busy)?.median,
        walls.len(),
    ))
}

/// What one streaming mode measured.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StreamFinding {
    /// Streamed or buffered.
    pub mode: StreamMode,
    /// From the request to the first batch's result.
    pub first_result_ms: f64,
    /// From the request to the last result.
    pub total_ms: f64,
    /// The body's size in bytes.
    pub body_bytes: f64,
    /// The allocator's peak bytes in use in the compute worker during this mode; `None` when not measured.
    pub peak_heap_bytes: Option<f64>,
}

/// Streamed memory is called low only below this share of the buffered peak (and below the body's size).
const LOW_MEMORY_SHARE: f64 = 0.5;

/// The streaming preset's findings: when the first result came, and, when both peaks were measured, what the
/// compute worker's allocator held at most in each mode.
pub fn stream_notes(findings: &[StreamFinding]) -> Vec<String> {
    let finding = |mode: StreamMode| findings.iter().find(|finding| finding.mode == mode);
    let mut notes = Vec::new();
    let (Some(streamed), Some(buffered)) = (finding(StreamMode::Streamed), finding(StreamMode::Buffered))
    else {
        return notes;
    };
    // The reason is given only where the data shows it: the streamed result came first.
    let why = if streamed.first_result_ms < buffered.first_result_ms {
        ", since buffering waits for the whole body"
    } else {
        ""
    };
    notes.push(format!(
        "Streamed, the first result came after {:.0} ms; buffered, after {:.0} ms{why}. Totals: {:.0} vs {:.0} ms \
         (one run each).",
        streamed.first_result_ms, buffered.first_result_ms, streamed.total_ms, buffered.total_ms
    ));
    let mib = |bytes: f64| bytes / 1_048_576.0;
    match (streamed.peak_heap_bytes, buffered.peak_heap_bytes) {
        (Some(streamed_peak), Some(buffered_peak)) => {
            let body = streamed.body_bytes;
            let figures = format!(
                "The compute worker's allocator peaked at {:.1} MiB in use while streaming and {:.1} MiB while \
                 buffering, for a {:.1} MiB body",
                mib(streamed_peak),
                mib(buffered_peak),
                mib(body)
            );
            if streamed_peak < LOW_MEMORY_SHARE * buffered_peak && streamed_peak < body {
                notes.push(format!(
                    "{figures}: batches kept memory low, under half the buffered peak and below the body's size."
                ));
            } else {
                notes.push(format!(
                    "{figures}: this run does not show batches keeping memory low (that needs the streamed peak \
                     under half the buffered one and below the body's size)."
                ));
            }
        }
        (streamed_peak, _) => {
            let missing = if streamed_peak.is_none() {
                StreamMode::Streamed
            } else {
                StreamMode::Buffered
            };
            notes.push(format!(
                "The compute worker's peak memory was not measured while {missing}, so the modes' memory is not \
                 compared."
            ));
        }
    }
    notes
}

/// One measured hand-off: a method, a size, and its round trips' median and range.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct HandoffPoint {
    /// Clone, transfer or shared.
    pub method: HandoffMethod,
    /// Bytes moved.
    pub bytes: u64,
    /// Median round trip in milliseconds.
    pub median_ms: f64,
    /// Fastest round trip.
    pub min_ms: f64,
    /// Slowest round trip.
    pub max_ms: f64,
    /// How many round trips.
    pub samples: usize,
}

impl HandoffPoint {
    fn measured(&self) -> Measured {
        Measured {
            summary: Summary {
                median: self.median_ms,
                min: self.min_ms,
                max: self.max_ms,
            },
            count: self.samples,
            unit: "sample",
            request_ms: Vec::new(),
        }
    }
}

/// `64 MiB`, `512 KiB`, `100 bytes`.
fn size(bytes: u64) -> String {
    match bytes {
        _ if bytes >= 1 << 20 => format!("{:.0} MiB", bytes as f64 / 1_048_576.0),
        _ if bytes >= 1 << 10 => format!("{:.0} KiB", bytes as f64 / 1024.0),
        _ => format!("{bytes} bytes"),
    }
}

/// The hand-off preset's findings at the largest size measured, and the run's freeze reading when it was taken.
pub fn handoff_notes(points: &[HandoffPoint], run_freeze: Option<FreezeReading>) -> Vec<String> {
    let mut notes = Vec::new();
    if let Some(largest) = points.iter().map(|point| point.bytes).max() {
        let at = |method: HandoffMethod| {
            points
                .iter()
                .find(|point| point.method == method && point.bytes == largest && point.samples > 0)
                .map(HandoffPoint::measured)
        };
        let size = size(largest);
        // `80× faster`, or just `faster` when the fast side's median rounds to zero.
        let faster = |slow: &Measured, fast: &Measured| {
            if fast.median() > 0.0 {
                format!("{:.0}× faster", slow.median() / fast.median())
            } else {
                "faster".to_owned()
            }
        };
        if let (Some(clone), Some(shared)) = (at(HandoffMethod::Clone), at(HandoffMethod::Shared)) {
            let comparison = compare(&shared, &clone);
            let numbers = format!(
                "At {size} a structured clone took {:.2} ms and shared memory {:.2} ms",
                clone.median(),
                shared.median()
            );
            notes.push(match comparison.call {
                Call::Faster => format!(
                    "{numbers} (shared {}; {}): a clone copies every byte, shared memory hands over a reference.",
                    faster(&clone, &shared),
                    comparison.basis
                ),
                Call::Slower => format!("{numbers}: the clone was faster here ({}).", comparison.basis),
                Call::WithinNoise | Call::TooFew => format!("{numbers} — {}.", comparison.undecided()),
            });
        }
        if let (Some(clone), Some(transfer)) = (at(HandoffMethod::Clone), at(HandoffMethod::Transfer)) {
            let comparison = compare(&transfer, &clone);
            let numbers = format!(
                "At {size} transferring the buffer took {:.2} ms against {:.2} ms to clone it",
                transfer.median(),
                clone.median()
            );
            notes.push(match comparison.call {
                Call::Faster => format!(
                    "{numbers} ({}; {}): ownership moves and the sender can no longer read it.",
                    faster(&clone, &transfer),
                    comparison.basis
                ),
                Call::Slower => format!("{numbers}: the clone was faster here ({}).", comparison.basis),
                Call::WithinNoise | Call::TooFew => format!("{numbers} — {}.", comparison.undecided()),
            });
        }
    }
    // The reading covers the whole run, clones included (they are made on the UI thread); it names no cause.
    if let Some(freeze) = run_freeze {
        let gap = freeze.max_frame_gap_ms;
        let threshold = stats::FROZEN_FRAME_MS;
        if freeze.frozen_ms > 0.0 || gap > threshold {
            notes.push(format!(
                "Over the whole run, structured clones included (they are made on the UI thread), the page's \
                 longest frame gap was {gap:.0} ms and {:.0} ms went to frames over {threshold:.0} ms.",
                freeze.frozen_ms
            ));
        } else {
            notes.push(format!(
                "Over the whole run, structured clones included (they are made on the UI thread), the page's \
                 longest frame gap was {gap:.0} ms, under {threshold:.0} ms: it stayed responsive."
            ));
        }
    }
    notes
}

/// The requests of a connections row's measured repeats.
fn row_requests(mode: &ModeReport) -> Vec<RequestTiming> {
    measured_repeats(mode)
        .flat_map(|repeat| repeat.requests.iter().cloned())
        .collect()
}

/// A connections row's wall time, with the noise scale the one-shot rule needs: each request's time after it was
/// sent (its wait for a connection left out — the wait is the very effect being compared, not noise), or, where
/// a wait was not measured, its whole time.
fn connections_measured(mode: &ModeReport) -> Option<Measured> {
    let mut measured = Measured::of(mode)?;
    measured.request_ms = row_requests(mode)
        .iter()
        .filter_map(|request| {
            let whole = request.end_ms? - request.start_ms;
            Some(whole - request.queued_ms.unwrap_or(0.0)).filter(|ms| ms.is_finite())
        })
        .collect();
    Some(measured)
}

/// The longest measured wait of `requests`, and whether it is under their [`wait_threshold`] with every wait
/// measured (`None` when no wait was measured).
fn longest_wait(requests: &[RequestTiming]) -> Option<(f64, bool)> {
    let waits: Vec<f64> = requests.iter().filter_map(|request| request.queued_ms).collect();
    let longest = Summary::of(&waits)?.max;
    let none_waited = waits.len() == requests.len()
        && wait_threshold(requests).is_some_and(|threshold| longest < threshold);
    Some((longest, none_waited))
}

/// What the HTTP/1.1 row of one N showed about connections.
fn origin_words(requests: &[RequestTiming], wave: Option<&ConnectionWave>) -> String {
    if let Some(wave) = wave {
        return format!(
            "at the origin {} requests were sent at once and the other {} waited a median {:.0} ms for a free \
             connection",
            wave.connections, wave.waiting, wave.waited.median
        );
    }
    match longest_wait(requests) {
        Some((longest, true)) => format!(
            "no request to the origin waited for a free connection (longest wait {longest:.0} ms, under a \
             quarter of the requests' time after sending)"
        ),
        Some((longest, false)) => format!(
            "the origin's waits show no wave of the connection limit (none sent at once while others waited; \
             longest wait {longest:.0} ms)"
        ),
        None => "the origin's waits for a connection were not measured (a cross-origin server must send \
                 Timing-Allow-Origin for the browser to show them)"
            .to_owned(),
    }
}

/// The connections preset's findings from its [`ReportMode::Connections`] rows: at each N, the HTTP/1.1 origin
/// against the built-in endpoint (through the noise rule, on the requests' times after they were sent), and
/// what the measured waits show — a wave only where [`connection_waves`] finds one; then, over all Ns, where the
/// requests began to queue and how many connections the browser opened, counted from the data.
pub fn connections_notes(report: &ExperimentReport) -> Vec<String> {
    let mut notes = Vec::new();
    let mut counts: Vec<u32> = report
        .modes
        .iter()
        .filter_map(|mode| match mode.mode {
            ReportMode::Connections(_, requests) => Some(requests),
            _ => None,
        })
        .collect();
    crate::order::sort(&mut counts);
    counts.dedup();
    // (N, connections) where a wave showed; the Ns where every wait was measured and none showed.
    let mut waves: Vec<(u32, usize)> = Vec::new();
    let mut calm: Vec<u32> = Vec::new();
    let mut protocols: Vec<String> = Vec::new();
    let mut built_in_longest: Vec<f64> = Vec::new();
    let mut built_in_calm = true;
    for &requests in &counts {
        let http1 = find(report, ReportMode::Connections(ConnectionTarget::Http1, requests));
        let built_in = find(
            report,
            ReportMode::Connections(ConnectionTarget::BuiltIn, requests),
        );
        let origin_requests = http1.map(row_requests).unwrap_or_default();
        protocols.extend(
            origin_requests
                .iter()
                .filter_map(|request| request.protocol.clone()),
        );
        let wave = connection_waves(&origin_requests).into_iter().next();
        match (&wave, longest_wait(&origin_requests)) {
            (Some(wave), _) => waves.push((requests, wave.connections)),
            (None, Some((_, true))) => calm.push(requests),
            _ => {}
        }
        let built_in_requests = built_in.map(row_requests).unwrap_or_default();
        let built_in_wait = longest_wait(&built_in_requests);
        built_in_calm &= built_in_wait.is_some_and(|(_, none_waited)| none_waited);
        built_in_longest.extend(built_in_wait.map(|(longest, _)| longest));
        let (Some(origin), Some(lab)) = (
            http1.and_then(connections_measured),
            built_in.and_then(connections_measured),
        ) else {
            continue;
        };
        let comparison = compare(&lab, &origin);
        let numbers = format!(
            "N = {requests}: the HTTP/1.1 origin took {:.0} ms, the built-in endpoint {:.0} ms",
            origin.median(),
            lab.median()
        );
        let numbers = match comparison.call {
            Call::Faster => format!("{numbers} ({})", comparison.basis),
            Call::Slower => format!(
                "{numbers}: the built-in endpoint was slower ({})",
                comparison.basis
            ),
            Call::WithinNoise | Call::TooFew => format!("{numbers} — {}", comparison.undecided()),
        };
        let built_in_words = built_in_wait
            .map(|(longest, _)| format!("; at the built-in endpoint the longest wait was {longest:.1} ms"))
            .unwrap_or_default();
        notes.push(format!(
            "{numbers}; {}{built_in_words}.",
            origin_words(&origin_requests, wave.as_ref())
        ));
    }
    if let Some(&(first_wave, _)) = waves.first() {
        let mut connections: Vec<usize> = waves.iter().map(|(_, connections)| *connections).collect();
        connections.dedup();
        let counted = match connections.as_slice() {
            [only] => format!("at most {only} at once"),
            _ => waves
                .iter()
                .map(|(requests, connections)| format!("{connections} at N = {requests}"))
                .collect::<Vec<_>>()
                .join(", "),
        };
        let below: Vec<String> = calm
            .iter()
            .filter(|&&requests| requests < first_wave)
            .map(u32::to_string)
            .collect();
        let below = if below.is_empty() {
            String::new()
        } else {
            format!(", at N = {} none did", below.join(" and "))
        };
        let built_in = match built_in_longest.iter().copied().reduce(f64::max) {
            Some(longest) if built_in_calm => format!(
                " The built-in endpoint is answered by the lab's service worker — no network, no connection — and \
                 none of its requests waited (longest {longest:.1} ms)."
            ),
            _ => String::new(),
        };
        notes.push(format!(
            "From N = {first_wave} requests to the HTTP/1.1 origin waited for a connection{below}: the browser \
             opened {counted} (counted from the requests that did not wait) — its limit of connections per \
             origin, which Python's httpx and aiohttp clients set in code instead.{built_in}"
        ));
    } else if !protocols.is_empty() && protocols.iter().all(|protocol| protocol != HTTP1) {
        crate::order::sort(&mut protocols);
        protocols.dedup();
        notes.push(format!(
            "The endpoint answered over {}, not HTTP/1.1: the browser's per-origin connection limit belongs to \
             HTTP/1.1 (HTTP/2 and HTTP/3 carry many requests on one connection), so it cannot show here.",
            protocols.join(" and ")
        ));
    }
    notes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{ExperimentKind, Repeat, Span};

    /// A row of `walls`, each repeat with the given spans.
    fn row(mode: ReportMode, walls: &[f64], spans: &[(Lane, f64, f64)]) -> ModeReport {
        ModeReport {
            mode,
            repeats: walls
                .iter()
                .map(|&wall| Repeat {
                    warmup: false,
                    cancelled: false,
                    started_ms: 0.0,
                    finished_ms: wall,
                    spans: spans
                        .iter()
                        .map(|&(lane, start_ms, end_ms)| Span {
                            lane,
                            name: "span".to_owned(),
                            start_ms,
                            end_ms,
                        })
                        .collect(),
                    freeze: None,
                    threads_used: 1,
                    requests: Vec::new(),
                })
                .collect(),
            result: String::new(),
            error: None,
            notes: Vec::new(),
        }
    }

    fn report(kind: ExperimentKind, modes: Vec<ModeReport>) -> ExperimentReport {
        ExperimentReport {
            id: 1,
            kind,
            label: String::new(),
            permalink: String::new(),
            ideal_speedup: 2.0,
            modes,
            notes: Vec::new(),
        }
    }

    const COLD: ColdStart = ColdStart {
        spawn_ms: 20.0,
        instantiate_ms: 30.0,
        threads_ready_ms: 90.0,
        total_ms: 150.0,
        runs: 3,
    };

    fn pool_start(cold: &[f64], warm_pool: &[f64], warm_worker: &[f64]) -> ExperimentReport {
        report(
            ExperimentKind::PoolStart,
            vec![
                row(ReportMode::ColdPool, cold, &[]),
                row(ReportMode::WarmPool, warm_pool, &[]),
                row(ReportMode::WarmWorker, warm_worker, &[]),
            ],
        )
    }

    #[test]
    fn pool_start_quotes_the_measured_total_not_a_sum_of_phases() {
        let report = pool_start(&[150.0, 160.0, 155.0], &[2.0, 2.1, 2.2], &[1.0, 1.1, 1.2]);
        let notes = pool_start_notes(&report, Some(&COLD), 2, 4).join(" ");
        assert!(
            notes.contains("Starting a pool from nothing cost 150.0 ms before any work (median of 3 runs"),
            "{notes}"
        );
        assert!(
            !notes.contains("140.0"),
            "the phase medians are not summed: {notes}"
        );
        assert!(
            notes.contains("30.0 ms to instantiate the compiled module"),
            "{notes}"
        );
        assert!(!notes.contains("compile and"), "{notes}");
        assert!(notes.contains("90.0 ms for 2 threads to come up"), "{notes}");
        let one = pool_start_notes(&report, Some(&COLD), 1, 4).join(" ");
        assert!(one.contains("90.0 ms for 1 thread to come up"), "{one}");
        assert!(
            notes.contains("The same job took 155.0 ms with a cold pool (its start included) and 2.1 ms with the warm one (medians of 3 repeats each): start the pool once"),
            "{notes}"
        );
        // The warm pool's repeats carry no task spans here, so no hand-off was measured: no cause is claimed.
        assert!(
            notes.contains("Even warm, the pool lost to one thread on 4 chunks (2.10 vs 1.10 ms; medians of 3 repeats each); with this much work the data here does not show why."),
            "{notes}"
        );
        assert!(!notes.contains("fixed cost"), "{notes}");
    }

    #[test]
    fn pool_start_without_a_cold_run_quotes_no_cost() {
        let report = pool_start(&[], &[2.0, 2.1], &[1.0, 1.1]);
        for cold in [None, Some(&ColdStart { runs: 0, ..COLD })] {
            let notes = pool_start_notes(&report, cold, 2, 4).join(" ");
            assert!(
                notes.contains("No cold run finished, so no start-up cost is quoted."),
                "{notes}"
            );
            assert!(!notes.contains("cost 0"), "{notes}");
            assert!(!notes.contains("0.0 ms"), "{notes}");
            assert!(!notes.contains("cold pool"), "{notes}");
        }
    }

    #[test]
    fn pool_start_calls_the_warm_comparison_only_outside_the_noise() {
        // Overlapping warm ranges: no "lost", no fixed-cost explanation.
        let report = pool_start(&[150.0, 160.0], &[1.0, 2.5], &[1.2, 1.4]);
        let notes = pool_start_notes(&report, Some(&COLD), 2, 1).join(" ");
        assert!(
            notes.contains("Warm pool 1.75 ms vs warm worker 1.30 ms on 1 chunk (medians) — within noise (ranges overlap; 2 repeats each)."),
            "{notes}"
        );
        assert!(!notes.contains("lost"), "{notes}");
        assert!(!notes.contains("fixed cost"), "{notes}");

        // One repeat each: too few.
        let report = pool_start(&[150.0], &[2.0], &[1.0]);
        let notes = pool_start_notes(&report, Some(&COLD), 2, 4).join(" ");
        assert!(
            notes.contains("one repeat: too few to call a difference; raise repeats"),
            "{notes}"
        );
        assert!(!notes.contains("lost"), "{notes}");
        assert!(!notes.contains("reuse it"), "{notes}");

        // The pool separated above, but the work is not small: no fixed-cost explanation.
        let report = pool_start(&[300.0, 310.0], &[120.0, 125.0], &[100.0, 101.0]);
        let notes = pool_start_notes(&report, Some(&COLD), 2, 64).join(" ");
        assert!(
            notes.contains("Even warm, the pool lost to one thread on 64 chunks"),
            "{notes}"
        );
        assert!(!notes.contains("fixed cost"), "{notes}");

        // The pool separated below: it beat one thread.
        let report = pool_start(&[300.0, 310.0], &[60.0, 61.0], &[100.0, 101.0]);
        let notes = pool_start_notes(&report, Some(&COLD), 2, 64).join(" ");
        assert!(
            notes.contains("Warm, the pool beat one thread on 64 chunks (60.50 vs 100.50 ms"),
            "{notes}"
        );
    }

    fn sweep(points: &[(u32, &[f64])]) -> ExperimentReport {
        report(
            ExperimentKind::Sweep,
            points
                .iter()
                .map(|(threads, walls)| row(ReportMode::Threads(*threads), walls, &[]))
                .collect(),
        )
    }

    #[test]
    fn sweep_on_two_cores_makes_no_amdahl_claim_and_says_what_is_missing() {
        let report = sweep(&[
            (1, &[400.0, 405.0]),
            (2, &[220.0, 222.0]),
            (3, &[230.0, 232.0]),
            (4, &[240.0, 242.0]),
        ]);
        let notes = sweep_notes(&report, 2).join(" ");
        assert!(
            notes.contains("An Amdahl fit needs at least two thread counts above 1 and at most the 2 cores, and the one-thread time; this machine offers one, so no serial fraction is claimed."),
            "{notes}"
        );
        assert!(!notes.contains("no number of cores"), "{notes}");
        assert!(!notes.contains("% of the work"), "{notes}");
        assert!(
            notes.contains("At 2 threads the median was 221.0 ms, 1.82× the one-thread 402.5 ms (ideal on 2 cores: 2×; medians of 2 repeats each)."),
            "{notes}"
        );
        assert!(
            notes.contains("2 threads was the fastest count: its range lies below every other's."),
            "{notes}"
        );
        assert!(
            notes.contains("Oversubscribed to 4 threads on 2 cores it took 241.0 ms against 221.0 ms at 2 threads (+9%; medians of 2 repeats each): more threads than cores only take turns."),
            "{notes}"
        );

        // One point only (a stopped sweep): nothing to compare, and the fit says what is missing.
        let notes = sweep_notes(&sweep(&[(1, &[400.0, 405.0])]), 4).join(" ");
        assert!(
            notes.contains("this run measured none, so no serial fraction is claimed"),
            "{notes}"
        );
        assert!(!notes.contains("faster"), "{notes}");
    }

    #[test]
    fn sweep_with_three_points_within_the_cores_claims_a_fit() {
        let at = |threads| stats::amdahl_time(400.0, 0.1, threads);
        let (two, three, four) = (at(2), at(3), at(4));
        let report = sweep(&[
            (1, &[400.0, 400.0]),
            (2, &[two, two]),
            (3, &[three, three]),
            (4, &[four, four]),
        ]);
        let notes = sweep_notes(&report, 4).join(" ");
        assert!(
            notes.contains("Amdahl fit over 4 thread counts (1 to 4; medians of 2 repeats each): 10.0% of the work behaves serially"),
            "{notes}"
        );
        assert!(notes.contains("more than 10.0× faster"), "{notes}");
        assert!(!notes.contains("needs at least"), "{notes}");

        // Three thread counts within 3 cores (1, 2, 3) are enough; two (1, 2) are not.
        let notes = sweep_notes(
            &sweep(&[(1, &[400.0, 400.0]), (2, &[two, two]), (3, &[three, three])]),
            3,
        )
        .join(" ");
        assert!(
            notes.contains("Amdahl fit over 3 thread counts (1 to 3;"),
            "{notes}"
        );
        // On 4 cores with 4 threads not measured, the fit says which counts it used.
        let notes = sweep_notes(
            &sweep(&[(1, &[400.0, 400.0]), (2, &[two, two]), (3, &[three, three])]),
            4,
        )
        .join(" ");
        assert!(
            notes.contains("Amdahl fit over 3 thread counts (1 to 3;"),
            "{notes}"
        );
        // A perfect split: no ceiling is promised.
        let notes = sweep_notes(
            &sweep(&[(1, &[400.0, 400.0]), (2, &[200.0, 200.0]), (4, &[100.0, 100.0])]),
            4,
        )
        .join(" ");
        assert!(notes.contains("0.0% of the work behaves serially"), "{notes}");
        assert!(notes.contains("more cores would keep helping"), "{notes}");
        assert!(!notes.contains("no number of cores"), "{notes}");
        let notes = sweep_notes(&sweep(&[(1, &[400.0, 400.0]), (2, &[two, two])]), 3).join(" ");
        assert!(
            notes.contains("this run measured one, so no serial fraction is claimed"),
            "{notes}"
        );
        // Enough thread counts but no one-thread baseline.
        let notes = sweep_notes(&sweep(&[(2, &[two, two]), (3, &[three, three])]), 3).join(" ");
        assert!(
            notes.contains("no usable one-thread time was measured"),
            "{notes}"
        );
    }

    #[test]
    fn sweep_points_within_noise_name_no_speedup_or_best_count() {
        let report = sweep(&[(1, &[400.0, 300.0]), (2, &[320.0, 330.0]), (3, &[310.0, 360.0])]);
        let notes = sweep_notes(&report, 2).join(" ");
        assert!(
            notes.contains("The lowest median, 325.0 ms at 2 threads, against one thread's 350.0 ms — within noise (ranges overlap; 2 repeats each): no speedup is claimed."),
            "{notes}"
        );
        assert!(!notes.contains("fastest count"), "{notes}");
        assert!(notes.contains("bought nothing measurable"), "{notes}");

        // One repeat per point: nothing is called.
        let notes = sweep_notes(&sweep(&[(1, &[400.0]), (2, &[220.0]), (3, &[240.0])]), 2).join(" ");
        assert!(
            notes.contains("one repeat: too few to call a difference; raise repeats"),
            "{notes}"
        );
        assert!(!notes.contains("1.82×"), "{notes}");
        assert!(!notes.contains("take turns"), "{notes}");
        assert!(!notes.contains("bought nothing"), "{notes}");
    }

    /// A pipeline row run once: requests on `Request` lanes and processing on the worker, as `(start, end)`.
    fn pipeline_row(
        mode: PipelineMode,
        wall: f64,
        requests: &[(f64, f64)],
        work: &[(f64, f64)],
    ) -> ModeReport {
        let spans: Vec<(Lane, f64, f64)> = requests
            .iter()
            .enumerate()
            .map(|(index, &(start, end))| (Lane::Request(index as u32), start, end))
            .chain(work.iter().map(|&(start, end)| (Lane::Worker, start, end)))
            .collect();
        row(ReportMode::Pipeline(mode), &[wall], &spans)
    }

    fn pipeline(pipelined_wall: f64, jitter: f64) -> ExperimentReport {
        // Three 100 ms fetches (one `jitter` ms longer) and three 50 ms processing steps.
        let requests = [(0.0, 100.0), (0.0, 100.0 + jitter), (0.0, 100.0)];
        report(
            ExperimentKind::Pipeline,
            vec![
                pipeline_row(
                    PipelineMode::Sequential,
                    450.0,
                    &[(0.0, 100.0), (150.0, 250.0), (300.0, 400.0)],
                    &[(100.0, 150.0), (250.0, 300.0), (400.0, 450.0)],
                ),
                pipeline_row(
                    PipelineMode::FetchThenProcess,
                    250.0,
                    &requests,
                    &[(100.0, 150.0), (150.0, 200.0), (200.0, 250.0)],
                ),
                pipeline_row(
                    PipelineMode::Pipelined,
                    pipelined_wall,
                    &requests,
                    &[(50.0, 100.0), (100.0, 150.0), (150.0, 200.0)],
                ),
            ],
        )
    }

    #[test]
    fn pipelining_is_credited_only_when_it_won_outside_the_noise() {
        let notes = pipeline_notes(&pipeline(200.0, 2.0)).join(" ");
        assert!(
            notes.contains("Pipelined took 200 ms against 250 ms for fetch-then-process (1.25× faster; 1 run each; the 50.0 ms gap exceeds 2× the 2.0 ms spread of the requests' own times): the worker computed while later fetches were still waiting on the network."),
            "{notes}"
        );
        assert!(
            notes.contains("Sequentially, 450 ms passed of which the worker computed 150 ms; the rest it sat idle, waiting on one request at a time (one run)."),
            "{notes}"
        );

        // Slower: said so, and no credit.
        let notes = pipeline_notes(&pipeline(300.0, 2.0)).join(" ");
        assert!(
            notes.contains(
                "Pipelined took 300 ms against 250 ms for fetch-then-process: pipelining was slower here"
            ),
            "{notes}"
        );
        assert!(!notes.contains("computed while"), "{notes}");

        // Within noise: a 30 ms gap against requests that vary by 40 ms.
        let notes = pipeline_notes(&pipeline(220.0, 40.0)).join(" ");
        assert!(
            notes.contains("Pipelined took 220 ms against 250 ms for fetch-then-process — within noise (1 run each; the 30.0 ms gap is within 2× the 40.0 ms spread"),
            "{notes}"
        );
        assert!(!notes.contains("computed while"), "{notes}");
        assert!(!notes.contains("faster"), "{notes}");
    }

    #[test]
    fn pipelining_without_overlap_gets_no_explanation_and_no_noise_scale_no_call() {
        // Faster, but the spans show no processing during a fetch: the numbers only.
        let mut report = pipeline(200.0, 2.0);
        for span in &mut report.modes[2].repeats[0].spans {
            if span.lane == Lane::Worker {
                span.start_ms += 100.0;
                span.end_ms += 100.0;
            }
        }
        let notes = pipeline_notes(&report).join(" ");
        assert!(notes.contains("1.25× faster"), "{notes}");
        assert!(!notes.contains("computed while"), "{notes}");

        // No request spans and one run each: no noise scale, no call.
        let report = self::report(
            ExperimentKind::Pipeline,
            vec![
                row(
                    ReportMode::Pipeline(PipelineMode::FetchThenProcess),
                    &[250.0],
                    &[],
                ),
                row(ReportMode::Pipeline(PipelineMode::Pipelined), &[200.0], &[]),
            ],
        );
        let notes = pipeline_notes(&report).join(" ");
        assert!(
            notes.contains("one repeat: too few to call a difference; raise repeats"),
            "{notes}"
        );
        assert!(!notes.contains("faster"), "{notes}");
    }

    fn finding(mode: StreamMode, peak: Option<f64>) -> StreamFinding {
        StreamFinding {
            mode,
            first_result_ms: if mode == StreamMode::Streamed { 12.0 } else { 900.0 },
            total_ms: 950.0,
            body_bytes: 64.0 * 1_048_576.0,
            peak_heap_bytes: peak,
        }
    }

    #[test]
    fn stream_memory_is_compared_only_when_both_peaks_were_measured() {
        const MIB: f64 = 1_048_576.0;
        let low = stream_notes(&[
            finding(StreamMode::Streamed, Some(2.0 * MIB)),
            finding(StreamMode::Buffered, Some(130.0 * MIB)),
        ])
        .join(" ");
        assert!(
            low.contains("Streamed, the first result came after 12 ms; buffered, after 900 ms"),
            "{low}"
        );
        assert!(
            low.contains("The compute worker's allocator peaked at 2.0 MiB in use while streaming and 130.0 MiB while buffering, for a 64.0 MiB body: batches kept memory low"),
            "{low}"
        );

        // Streamed under half the buffered peak but above the body's size: no "low".
        let high = stream_notes(&[
            finding(StreamMode::Streamed, Some(70.0 * MIB)),
            finding(StreamMode::Buffered, Some(200.0 * MIB)),
        ])
        .join(" ");
        assert!(
            high.contains("this run does not show batches keeping memory low"),
            "{high}"
        );
        assert!(!high.contains("batches kept"), "{high}");

        for (streamed, buffered, missing) in [
            (None, Some(130.0 * MIB), "streamed"),
            (Some(2.0 * MIB), None, "buffered"),
        ] {
            let notes = stream_notes(&[
                finding(StreamMode::Streamed, streamed),
                finding(StreamMode::Buffered, buffered),
            ])
            .join(" ");
            assert!(
                notes.contains(&format!(
                    "peak memory was not measured while {missing}, so the modes' memory is not compared"
                )),
                "{notes}"
            );
            assert!(!notes.contains("MiB"), "{notes}");
            assert!(!notes.contains("kept memory"), "{notes}");
        }
        assert!(stream_notes(&[finding(StreamMode::Streamed, None)]).is_empty());
    }

    fn point(method: HandoffMethod, bytes: u64, median_ms: f64, min_ms: f64, max_ms: f64) -> HandoffPoint {
        HandoffPoint {
            method,
            bytes,
            median_ms,
            min_ms,
            max_ms,
            samples: 5,
        }
    }

    #[test]
    fn handoff_methods_are_compared_only_where_their_ranges_separate() {
        let points = [
            point(HandoffMethod::Clone, 1024, 0.1, 0.05, 0.2),
            point(HandoffMethod::Clone, 16 << 20, 8.0, 7.5, 9.0),
            point(HandoffMethod::Transfer, 16 << 20, 0.2, 0.1, 0.3),
            point(HandoffMethod::Shared, 16 << 20, 0.1, 0.05, 0.2),
        ];
        let notes = handoff_notes(&points, None).join(" ");
        assert!(
            notes.contains("At 16 MiB a structured clone took 8.00 ms and shared memory 0.10 ms (shared 80× faster; medians of 5 samples each)"),
            "{notes}"
        );
        assert!(
            notes.contains("At 16 MiB transferring the buffer took 0.20 ms against 8.00 ms to clone it (40× faster; medians of 5 samples each)"),
            "{notes}"
        );
        assert!(
            !notes.contains("frame gap"),
            "no reading, no freeze sentence: {notes}"
        );

        // Overlapping ranges: no factor, no explanation.
        let points = [
            point(HandoffMethod::Clone, 1024, 0.06, 0.04, 0.2),
            point(HandoffMethod::Transfer, 1024, 0.05, 0.03, 0.1),
            point(HandoffMethod::Shared, 1024, 0.05, 0.03, 0.1),
        ];
        let notes = handoff_notes(&points, None).join(" ");
        assert!(
            notes.contains("At 1 KiB a structured clone took 0.06 ms and shared memory 0.05 ms — within noise (ranges overlap; 5 samples each)."),
            "{notes}"
        );
        assert!(!notes.contains("faster"), "{notes}");
        assert!(!notes.contains("copies every byte"), "{notes}");
        assert!(!notes.contains("ownership moves"), "{notes}");

        // One sample each: too few.
        let one = |method, ms| HandoffPoint {
            samples: 1,
            ..point(method, 1 << 20, ms, ms, ms)
        };
        let notes = handoff_notes(
            &[one(HandoffMethod::Clone, 1.0), one(HandoffMethod::Shared, 0.1)],
            None,
        )
        .join(" ");
        assert!(
            notes.contains("one sample: too few to call a difference; raise samples"),
            "{notes}"
        );
        assert!(!notes.contains("faster"), "{notes}");
    }

    #[test]
    fn handoff_reports_the_runs_freeze_reading_when_measured() {
        let points = [point(HandoffMethod::Clone, 64 << 20, 30.0, 28.0, 33.0)];
        let frozen = FreezeReading {
            max_frame_gap_ms: 120.0,
            frozen_ms: 240.0,
            long_tasks: 2,
        };
        let notes = handoff_notes(&points, Some(frozen)).join(" ");
        assert!(
            notes.contains("Over the whole run, structured clones included (they are made on the UI thread), the page's longest frame gap was 120 ms and 240 ms went to frames over 50 ms."),
            "{notes}"
        );
        let calm = FreezeReading {
            max_frame_gap_ms: 18.0,
            frozen_ms: 0.0,
            long_tasks: 0,
        };
        let notes = handoff_notes(&points, Some(calm)).join(" ");
        assert!(
            notes.contains("longest frame gap was 18 ms, under 50 ms: it stayed responsive."),
            "{notes}"
        );
        assert!(handoff_notes(&points, None).is_empty());
    }

    /// A connections row: `requests` started together, each served in 300 ms; at the HTTP/1.1 origin at most
    /// `connections` at a time (the rest wait for one), at the built-in endpoint all at once.
    fn connections_row(
        target: ConnectionTarget,
        requests: u32,
        connections: u32,
        protocol: Option<&str>,
        waits_measured: bool,
    ) -> ModeReport {
        let timings: Vec<RequestTiming> = (0..requests)
            .map(|index| {
                let queued = f64::from(index / connections) * 301.0 + 0.3;
                RequestTiming {
                    index,
                    origin: "http://127.0.0.1:8081".to_owned(),
                    lab: target == ConnectionTarget::BuiltIn,
                    start_ms: f64::from(index) * 0.2,
                    end_ms: Some(f64::from(index) * 0.2 + queued + 300.0 + f64::from(index % 3)),
                    protocol: protocol.map(str::to_owned),
                    queued_ms: waits_measured.then_some(queued),
                }
            })
            .collect();
        let wall = timings
            .iter()
            .filter_map(|timing| timing.end_ms)
            .fold(0.0, f64::max);
        let mut mode = row(ReportMode::Connections(target, requests), &[wall], &[]);
        mode.repeats[0].requests = timings;
        mode
    }

    fn connections(protocol: Option<&str>, waits_measured: bool) -> ExperimentReport {
        let modes = [3, 6, 12, 24]
            .into_iter()
            .flat_map(|requests| {
                [
                    connections_row(ConnectionTarget::Http1, requests, 6, protocol, waits_measured),
                    connections_row(ConnectionTarget::BuiltIn, requests, requests, None, true),
                ]
            })
            .collect();
        report(ExperimentKind::Connections, modes)
    }

    #[test]
    fn connections_name_the_wave_where_the_waits_show_it_and_count_the_connections() {
        let notes = connections_notes(&connections(Some(HTTP1), true));
        assert_eq!(notes.len(), 5, "{notes:#?}");
        assert!(
            notes[0].starts_with(
                "N = 3: the HTTP/1.1 origin took 303 ms, the built-in endpoint 303 ms — within noise"
            ),
            "{}",
            notes[0]
        );
        assert!(
            notes[0].contains(
                "no request to the origin waited for a free connection (longest wait 0 ms, under a quarter"
            ),
            "{}",
            notes[0]
        );
        // 12 requests over 6 connections take two rounds; the built-in endpoint one. The gap is called on the
        // requests' times after they were sent (a few ms of spread), not on their waits.
        assert!(
            notes[2].starts_with("N = 12: the HTTP/1.1 origin took 60"),
            "{}",
            notes[2]
        );
        assert!(notes[2].contains("the built-in endpoint 30"), "{}", notes[2]);
        assert!(notes[2].contains("(1 run each; the 30"), "{}", notes[2]);
        assert!(
            notes[2].contains("ms gap exceeds 2× the 2.0 ms spread"),
            "{}",
            notes[2]
        );
        assert!(
            notes[2].contains(
                "at the origin 6 requests were sent at once and the other 6 waited a median 301 ms for a free \
                 connection; at the built-in endpoint the longest wait was 0.3 ms."
            ),
            "{}",
            notes[2]
        );
        assert!(
            notes[3].contains("the other 18 waited a median 602 ms"),
            "{}",
            notes[3]
        );
        assert!(
            notes[4].starts_with(
                "From N = 12 requests to the HTTP/1.1 origin waited for a connection, at N = 3 and 6 none did: \
                 the browser opened at most 6 at once (counted from the requests that did not wait)"
            ),
            "{}",
            notes[4]
        );
        assert!(notes[4].contains("none of its requests waited (longest 0.3 ms)"));
        // Five connections, counted rather than assumed.
        let mut five = connections(Some(HTTP1), true);
        five.modes[4] = connections_row(ConnectionTarget::Http1, 12, 5, Some(HTTP1), true);
        five.modes[6] = connections_row(ConnectionTarget::Http1, 24, 5, Some(HTTP1), true);
        let notes = connections_notes(&five);
        assert!(
            notes[2].contains("5 requests were sent at once and the other 7 waited"),
            "{}",
            notes[2]
        );
        assert!(
            notes[4].contains("the browser opened at most 5 at once"),
            "{}",
            notes[4]
        );
    }

    #[test]
    fn connections_claim_nothing_the_waits_do_not_show() {
        // Waits not measured (no Timing-Allow-Origin): walls are compared, no wave and no limit is claimed.
        let notes = connections_notes(&connections(None, false));
        assert_eq!(notes.len(), 4, "{notes:#?}");
        for note in &notes {
            assert!(
                note.contains("waits for a connection were not measured"),
                "{note}"
            );
            assert!(
                !note.contains("sent at once") && !note.contains("limit"),
                "{note}"
            );
        }
        // Over HTTP/2 nothing waits: the limit is said not to apply, no wave is claimed.
        let mut h2 = connections(Some("h2"), true);
        for mode in &mut h2.modes {
            if let ReportMode::Connections(ConnectionTarget::Http1, requests) = mode.mode {
                *mode = connections_row(ConnectionTarget::Http1, requests, requests, Some("h2"), true);
            }
        }
        let notes = connections_notes(&h2);
        assert!(
            notes.iter().all(|note| !note.contains("sent at once")),
            "{notes:#?}"
        );
        assert!(
            notes[4].starts_with("The endpoint answered over h2, not HTTP/1.1"),
            "{}",
            notes[4]
        );
        // Only the built-in half ran (no HTTP/1.1 endpoint): nothing to compare, nothing claimed.
        let mut alone = connections(Some(HTTP1), true);
        alone
            .modes
            .retain(|mode| !matches!(mode.mode, ReportMode::Connections(ConnectionTarget::Http1, _)));
        assert!(connections_notes(&alone).is_empty());
    }
}
