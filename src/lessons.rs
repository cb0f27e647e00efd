//! The guided lessons (`?lesson=<id>`): one idea each, in the order of the Python lessons on asyncio and
//! multiprocessing. A lesson is its claim, a short Python equivalent written for Lanes, the Rust that runs (marked
//! regions of Lanes' own source, collected at build time by `build.rs`), what to run, and the measured answer
//! read from the report of that run. Pure: the page draws it (`page::components::lessons`).

use crate::io::IoMode;
use crate::modes::Mode;
use crate::pipeline::PipelineMode;
use crate::report::stats::{FROZEN_FRAME_MS, Summary};
use crate::report::{ExperimentKind, ExperimentReport, ModeReport, ReportMode, StreamMode};

mod code {
    include!(concat!(env!("OUT_DIR"), "/lesson_code.rs"));
}

/// One lesson.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Lesson {
    /// One request, timed.
    OneRequest,
    /// Three requests awaited together.
    Concurrent,
    /// Three requests one after another.
    Sequential,
    /// A CPU job on one thread against a pool, and on the UI thread.
    CpuPool,
    /// Chunks of CPU work over a pool, and what starting it costs when the work is small.
    ProcessPool,
    /// I/O and CPU mixed: fetch-then-process against pipelining.
    FetchThenProcess,
    /// A large body in batches.
    Streaming,
    /// Starting workers from nothing against reusing them (fork vs spawn).
    StartCost,
    /// The choose-the-right-approach table, with this tab's numbers.
    Choosing,
}

/// What a lesson's Run does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Plan {
    /// The I/O lab: `count` requests to the built-in endpoint, which answers after `latency_ms`.
    Io {
        /// Requests per mode.
        count: u32,
        /// The endpoint's delay.
        latency_ms: u32,
        /// The modes, in run order.
        modes: Vec<IoMode>,
    },
    /// The CPU experiment with the calibrated primes job.
    Cpu {
        /// The modes, in run order.
        modes: Vec<Mode>,
        /// Measured repeats per mode.
        repeats: u32,
    },
    /// The pool-start preset on its small chunked job (start-up against work), with a pool of every reported
    /// core, or of one thread (one worker started from nothing against one reused).
    PoolStart {
        /// One thread rather than every reported core.
        one_thread: bool,
    },
    /// The pipeline preset with its defaults.
    Pipeline,
    /// The streaming preset with its defaults.
    Stream,
    /// Nothing to run: the table reads the history.
    Choosing,
}

/// The endpoint's delay in the I/O lessons, as in the Python lesson (0.3 s).
pub const LESSON_LATENCY_MS: u32 = 300;

impl Lesson {
    /// Every lesson, in order.
    pub const ALL: [Lesson; 9] = [
        Lesson::OneRequest,
        Lesson::Concurrent,
        Lesson::Sequential,
        Lesson::CpuPool,
        Lesson::ProcessPool,
        Lesson::FetchThenProcess,
        Lesson::Streaming,
        Lesson::StartCost,
        Lesson::Choosing,
    ];

    /// The id in `?lesson=` and `data-lesson`.
    pub fn id(self) -> &'static str {
        match self {
            Lesson::OneRequest => "one-request",
            Lesson::Concurrent => "concurrent",
            Lesson::Sequential => "sequential",
            Lesson::CpuPool => "cpu-pool",
            Lesson::ProcessPool => "process-pool",
            Lesson::FetchThenProcess => "fetch-then-process",
            Lesson::Streaming => "streaming",
            Lesson::StartCost => "start-cost",
            Lesson::Choosing => "choosing",
        }
    }

    /// Parses [`Lesson::id`].
    pub fn from_id(id: &str) -> Option<Lesson> {
        Lesson::ALL.into_iter().find(|lesson| lesson.id() == id)
    }

    /// Its number and title, for the picker.
    pub fn title(self) -> &'static str {
        match self {
            Lesson::OneRequest => "1 · One request, timed",
            Lesson::Concurrent => "2 · Three requests at once (gather)",
            Lesson::Sequential => "3 · Three requests one after another",
            Lesson::CpuPool => "4 · CPU work: one thread, a pool, the UI thread",
            Lesson::ProcessPool => "5 · A process pool over chunks, and its start-up",
            Lesson::FetchThenProcess => "6 · Fetch, then process: pipelining",
            Lesson::Streaming => "7 · A large file in batches",
            Lesson::StartCost => "8 · Starting workers: fork vs spawn",
            Lesson::Choosing => "9 · Choosing the right approach",
        }
    }

    /// The claim the lesson tests, with the numbers the original lesson gives.
    pub fn claim(self) -> &'static str {
        match self {
            Lesson::OneRequest => {
                "One GET to a server that takes 0.3 s to answer takes about 0.3 s — and the program spends that \
                 time waiting, not computing."
            }
            Lesson::Concurrent => {
                "Three requests started as tasks and awaited together (asyncio.gather) take about as long as one: \
                 ~0.3 s, not 0.9 s, because the three waits overlap."
            }
            Lesson::Sequential => {
                "The same three requests, each awaited before the next starts, take three times as long as one: \
                 ~0.9 s."
            }
            Lesson::CpuPool => {
                "CPU-bound work does not get faster with async: split over a pool of two processes the speed \
                 doubles (the time halves). Run on the UI thread, the same work freezes the page for as long as it \
                 runs."
            }
            Lesson::ProcessPool => {
                "Chunks of CPU work mapped over a ProcessPoolExecutor finish sooner — but starting the pool costs \
                 something, and when the work is small a pool started for the job is slower than one warm worker."
            }
            Lesson::FetchThenProcess => {
                "Fetching every item before processing any leaves the CPU idle while the network works; handing \
                 each response to the workers as it arrives (a thread pool per response, or a pipeline) overlaps \
                 the waiting with the computing and finishes sooner."
            }
            Lesson::Streaming => {
                "An async generator that reads a large file in batches keeps memory flat — one batch at a time — \
                 and yields the first result long before the last byte arrives; reading it whole holds every byte \
                 and answers only at the end."
            }
            Lesson::StartCost => {
                "Starting workers is not free: fork starts the child as a copy-on-write copy of the parent, which is \
                 quick; spawn starts a fresh interpreter that imports everything again. Python 3.14 made forkserver the default start method on Linux; spawn \
                 is the default on macOS and Windows. A Web Worker is always a spawn — a new thread that loads and \
                 instantiates the module — so reuse it."
            }
            Lesson::Choosing => {
                "Waiting on I/O: run the waits concurrently. CPU-bound: a pool of workers, off the UI thread. \
                 Mixed: feed the pool as responses arrive. Large data: stream it. The table below is filled with \
                 your own measurements from this browser tab."
            }
        }
    }

    /// A short Python equivalent, written for Lanes: the pattern only.
    pub fn python(self) -> &'static str {
        match self {
            Lesson::OneRequest => PY_ONE_REQUEST,
            Lesson::Concurrent => PY_CONCURRENT,
            Lesson::Sequential => PY_SEQUENTIAL,
            Lesson::CpuPool => PY_CPU_POOL,
            Lesson::ProcessPool => PY_PROCESS_POOL,
            Lesson::FetchThenProcess => PY_FETCH_THEN_PROCESS,
            Lesson::Streaming => PY_STREAMING,
            Lesson::StartCost => PY_START_COST,
            Lesson::Choosing => PY_CHOOSING,
        }
    }

    /// The marked source region this lesson shows.
    fn region(self) -> &'static str {
        match self {
            Lesson::ProcessPool => "start-cost",
            lesson => lesson.id(),
        }
    }

    /// The Rust that runs: `(file, code)` of the lesson's marked region of Lanes' own source.
    pub fn rust(self) -> Option<(&'static str, &'static str)> {
        code::REGIONS
            .iter()
            .find(|(name, _, _)| *name == self.region())
            .map(|(_, file, code)| (*file, *code))
    }

    /// What the lesson's Run does.
    pub fn plan(self) -> Plan {
        let io = |modes: Vec<IoMode>| Plan::Io {
            count: 3,
            latency_ms: LESSON_LATENCY_MS,
            modes,
        };
        match self {
            Lesson::OneRequest => Plan::Io {
                count: 1,
                latency_ms: LESSON_LATENCY_MS,
                modes: vec![IoMode::Single],
            },
            Lesson::Concurrent => io(vec![IoMode::Single, IoMode::Concurrent]),
            Lesson::Sequential => io(vec![IoMode::Single, IoMode::Sequential]),
            Lesson::CpuPool => Plan::Cpu {
                modes: vec![Mode::Main, Mode::MainPool, Mode::Worker, Mode::Pool],
                repeats: 3,
            },
            Lesson::ProcessPool => Plan::PoolStart { one_thread: false },
            Lesson::StartCost => Plan::PoolStart { one_thread: true },
            Lesson::FetchThenProcess => Plan::Pipeline,
            Lesson::Streaming => Plan::Stream,
            Lesson::Choosing => Plan::Choosing,
        }
    }

    /// The report kind the lesson's Run makes (`None` for the table).
    pub fn kind(self) -> Option<ExperimentKind> {
        match self.plan() {
            Plan::Io { .. } => Some(ExperimentKind::Io),
            Plan::Cpu { .. } => Some(ExperimentKind::Cpu),
            Plan::PoolStart { .. } => Some(ExperimentKind::PoolStart),
            Plan::Pipeline => Some(ExperimentKind::Pipeline),
            Plan::Stream => Some(ExperimentKind::Stream),
            Plan::Choosing => None,
        }
    }
}

const PY_ONE_REQUEST: &str = r#"import asyncio, time
import httpx

URL = "http://127.0.0.1:8000/delay?ms=300"   # answers after 0.3 s

async def main():
    async with httpx.AsyncClient() as client:
        start = time.perf_counter()
        await client.get(URL)
        print(f"one request: {time.perf_counter() - start:.2f} s")

asyncio.run(main())
"#;

const PY_CONCURRENT: &str = r#"async def main():
    async with httpx.AsyncClient() as client:
        start = time.perf_counter()
        one = client.get(URL)                 # a coroutine: nothing sent yet
        await one
        single = time.perf_counter() - start

        start = time.perf_counter()
        await asyncio.gather(*(client.get(URL) for _ in range(3)))
        print(f"one {single:.2f} s, three together {time.perf_counter() - start:.2f} s")
"#;

const PY_SEQUENTIAL: &str = r#"async def main():
    async with httpx.AsyncClient() as client:
        start = time.perf_counter()
        for _ in range(3):
            await client.get(URL)             # the next starts when this one is done
        print(f"three in turn: {time.perf_counter() - start:.2f} s")
"#;

const PY_CPU_POOL: &str = r#"import time
from multiprocessing import Pool

def count_primes(segment):
    lo, hi = segment
    return sum(1 for n in range(lo, hi) if is_prime(n))

if __name__ == "__main__":
    segments = split(range(2, N), 64)
    start = time.perf_counter()
    total = sum(map(count_primes, segments))            # one process
    one = time.perf_counter() - start

    start = time.perf_counter()
    with Pool(processes=2) as pool:
        total = sum(pool.map(count_primes, segments))   # two processes
    print(f"speedup {one / (time.perf_counter() - start):.2f}x")
"#;

const PY_PROCESS_POOL: &str = r#"import time
from concurrent.futures import ProcessPoolExecutor

def chunk_cost(item):                     # item j costs more than item j - 1
    return sum(i * 3 for i in range(item * 100_000))

if __name__ == "__main__":
    chunks = [range(c * 4, c * 4 + 4) for c in range(4)]   # 4 chunks of 4 items

    start = time.perf_counter()
    with ProcessPoolExecutor(max_workers=2) as pool:       # started for this job
        total = sum(sum(pool.map(chunk_cost, chunk)) for chunk in chunks)
    print(f"pool started for the job: {time.perf_counter() - start:.3f} s")

    start = time.perf_counter()
    total = sum(chunk_cost(item) for chunk in chunks for item in chunk)
    print(f"one process already running: {time.perf_counter() - start:.3f} s")
"#;

const PY_FETCH_THEN_PROCESS: &str = r#"import asyncio
from concurrent.futures import ProcessPoolExecutor

async def fetch_then_process(client, urls, pool, k=2):
    limit = asyncio.Semaphore(k)                  # at most k fetches in flight
    async def fetch(url):
        async with limit:
            return (await client.get(url)).content
    bodies = await asyncio.gather(*map(fetch, urls))   # every fetch first...
    loop = asyncio.get_running_loop()
    return [await loop.run_in_executor(pool, process, b) for b in bodies]   # ...then the work

async def pipelined(client, urls, pool, k=2):
    limit = asyncio.Semaphore(k)
    loop = asyncio.get_running_loop()
    async def one(url):
        async with limit:
            body = (await client.get(url)).content
        return await loop.run_in_executor(pool, process, body)   # handed over on arrival
    return await asyncio.gather(*map(one, urls))
"#;

const PY_STREAMING: &str = r#"async def batches(client, url, size=1 << 20):
    async with client.stream("GET", url) as response:
        async for chunk in response.aiter_bytes(size):
            yield chunk                          # one batch in memory at a time

async def main():
    async with httpx.AsyncClient() as client:
        checksum = 0
        async for batch in batches(client, URL):
            checksum = update(checksum, batch)   # the first result comes at once
"#;

const PY_START_COST: &str = r#"import multiprocessing as mp, time

def work(x):
    return x * x

if __name__ == "__main__":
    for method in ("fork", "forkserver", "spawn"):   # fork and forkserver: POSIX only
        context = mp.get_context(method)
        start = time.perf_counter()
        with context.Pool(2) as pool:                # started from nothing
            pool.map(work, range(4))
        print(f"{method}: {time.perf_counter() - start:.3f} s")
"#;

const PY_CHOOSING: &str = r#"# waiting on the network           -> asyncio.gather (or a thread pool)
# CPU-bound, many cores              -> ProcessPoolExecutor / multiprocessing.Pool
# CPU work, the UI must stay alive   -> anywhere but the UI thread
# many small CPU jobs                -> one pool, started once and reused
# fetch, then compute per response   -> hand each response to the pool as it arrives
# a file larger than memory          -> an async generator, batch by batch
"#;

/// The median of `mode` in `report`, when it ran and was measured.
fn summary_of(report: &ExperimentReport, mode: ReportMode) -> Option<(Summary, usize)> {
    let found = report
        .modes
        .iter()
        .find(|candidate| candidate.mode == mode && candidate.error.is_none())?;
    Some((found.summary()?, found.measured_walls().len()))
}

fn find(report: &ExperimentReport, mode: ReportMode) -> Option<&ModeReport> {
    report
        .modes
        .iter()
        .find(|candidate| candidate.mode == mode && candidate.error.is_none())
}

/// `(medians of 3 repeats each)`, or the words that say the two cannot be told apart.
fn difference_basis(a: (Summary, usize), b: (Summary, usize)) -> Result<String, String> {
    if a.1 < 2 || b.1 < 2 {
        return Err("one run each: too few to call a difference; raise repeats".to_owned());
    }
    if a.0.max < b.0.min || b.0.max < a.0.min {
        Ok(format!("medians of {} and {} repeats", a.1, b.1))
    } else {
        Err(format!(
            "within noise: the ranges of {} and {} repeats overlap",
            a.1, b.1
        ))
    }
}

/// Whether every request of `mode` succeeded (an I/O mode's result reads `3 ok / 0 failed`).
fn all_ok(report: &ExperimentReport, mode: ReportMode) -> bool {
    find(report, mode).is_some_and(|mode| mode.result.ends_with("/ 0 failed"))
}

fn runs(count: usize) -> String {
    if count == 1 {
        "one run".to_owned()
    } else {
        format!("median of {count} runs")
    }
}

/// The measured answer to the lesson's claim from `report` (a run of [`Lesson::plan`]): sentences with the
/// numbers, or `None` when the report does not hold what the lesson needs.
pub fn measured_answer(lesson: Lesson, report: &ExperimentReport) -> Option<Vec<String>> {
    // A request that failed or timed out measured its failure, not the endpoint: no answer from it.
    let io = |mode| {
        all_ok(report, ReportMode::Io(mode))
            .then(|| summary_of(report, ReportMode::Io(mode)))
            .flatten()
    };
    match lesson {
        Lesson::OneRequest => {
            let (one, count) = io(IoMode::Single)?;
            Some(vec![format!(
                "The lesson says about {:.0} ms; here one request to the {LESSON_LATENCY_MS} ms endpoint took {:.0} ms ({}).",
                LESSON_LATENCY_MS,
                one.median,
                runs(count)
            )])
        }
        Lesson::Concurrent | Lesson::Sequential => {
            let (one, _) = io(IoMode::Single)?;
            let (mode, expected, words) = if lesson == Lesson::Concurrent {
                (IoMode::Concurrent, 1.0, "awaited together")
            } else {
                (IoMode::Sequential, 3.0, "one after another")
            };
            let (many, _) = io(mode)?;
            let requests = find(report, ReportMode::Io(mode))
                .and_then(|mode| mode.repeats.first())
                .map_or(0, |repeat| repeat.spans.len());
            if one.median <= 0.0 {
                return None;
            }
            Some(vec![format!(
                "The lesson says {expected:.0}× the time of one request; here {requests} requests {words} took {:.0} ms, \
                 {:.2}× the {:.0} ms of one request (one run each).",
                many.median,
                many.median / one.median,
                one.median
            )])
        }
        Lesson::CpuPool => cpu_answer(report),
        Lesson::ProcessPool | Lesson::StartCost => pool_start_answer(lesson, report),
        Lesson::FetchThenProcess => {
            let pipeline = |mode| summary_of(report, ReportMode::Pipeline(mode));
            let (two_phase, _) = pipeline(PipelineMode::FetchThenProcess)?;
            let (pipelined, _) = pipeline(PipelineMode::Pipelined)?;
            let mut sentences = vec![format!(
                "The lesson says pipelining finishes sooner; here fetch-then-process took {:.0} ms and pipelined \
                 {:.0} ms (one run each).",
                two_phase.median, pipelined.median
            )];
            sentences.extend(report.notes.first().cloned());
            Some(sentences)
        }
        Lesson::Streaming => {
            summary_of(report, ReportMode::Stream(StreamMode::Streamed))?;
            summary_of(report, ReportMode::Stream(StreamMode::Buffered))?;
            (!report.notes.is_empty()).then(|| report.notes.clone())
        }
        Lesson::Choosing => None,
    }
}

fn cpu_answer(report: &ExperimentReport) -> Option<Vec<String>> {
    let worker = summary_of(report, ReportMode::Cpu(Mode::Worker))?;
    let pool = summary_of(report, ReportMode::Cpu(Mode::Pool))?;
    let threads = find(report, ReportMode::Cpu(Mode::Pool)).and_then(ModeReport::threads_used)?;
    // The ideal is the pool's size (the chart's ideal line), whatever number of threads the job got to use.
    let ideal = report.ideal_speedup.max(1.0);
    let mut sentences = Vec::new();
    let speedup = worker.0.median / pool.0.median;
    sentences.push(match difference_basis(pool, worker) {
        Ok(basis) if pool.0.median < worker.0.median => format!(
            "The lesson says the speed doubles with two; here the pool ran {speedup:.2}× as fast as one worker, \
             using {threads} threads of a pool of {ideal:.0}: {:.0} % of the ideal {ideal:.0}× ({basis}).",
            100.0 * speedup / ideal
        ),
        Ok(basis) => format!(
            "The lesson says the speed doubles with two; here the pool was slower than one worker: {:.0} vs {:.0} ms \
             with {threads} threads ({basis}).",
            pool.0.median, worker.0.median
        ),
        Err(why) => format!(
            "The lesson says the speed doubles with two; here pool {:.0} ms vs one worker {:.0} ms with {threads} \
             threads — {why}, so no speedup is claimed.",
            pool.0.median, worker.0.median
        ),
    });
    let main_freeze = find(report, ReportMode::Cpu(Mode::Main)).and_then(ModeReport::worst_freeze);
    let worker_freeze = find(report, ReportMode::Cpu(Mode::Worker)).and_then(ModeReport::worst_freeze);
    if let (Some(main), Some(worker)) = (main_freeze, worker_freeze) {
        let froze = main.max_frame_gap_ms > FROZEN_FRAME_MS;
        sentences.push(format!(
            "{}: its longest frame gap was {:.0} ms, against {:.0} ms while one worker ran the same job.",
            if froze {
                "On the UI thread the page froze"
            } else {
                "On the UI thread this job was too short to freeze the page visibly"
            },
            main.max_frame_gap_ms,
            worker.max_frame_gap_ms
        ));
    }
    // What Python cannot show: rayon driven from the UI thread is parallel, and the page still cannot paint.
    let main_pool = find(report, ReportMode::Cpu(Mode::MainPool));
    if let (Some(threads), Some(freeze)) = (
        main_pool.and_then(ModeReport::threads_used),
        main_pool.and_then(ModeReport::worst_freeze),
    ) && threads >= 2
        && freeze.max_frame_gap_ms > FROZEN_FRAME_MS
    {
        sentences.push(format!(
            "Rayon driven from the UI thread used {threads} threads, yet the page's longest frame gap was {:.0} ms: \
             parallel, and still frozen.",
            freeze.max_frame_gap_ms
        ));
    }
    Some(sentences)
}

fn pool_start_answer(lesson: Lesson, report: &ExperimentReport) -> Option<Vec<String>> {
    let cold = summary_of(report, ReportMode::ColdPool)?;
    let warm = summary_of(report, ReportMode::WarmPool)?;
    let worker = summary_of(report, ReportMode::WarmWorker)?;
    let mut sentences = vec![format!(
        "Here: started for the job {:.1} ms, on the reused pool {:.1} ms, on one reused worker {:.1} ms \
         (medians of {}, {} and {} runs).",
        cold.0.median, warm.0.median, worker.0.median, cold.1, warm.1, worker.1
    )];
    // Against one reused worker: the lesson's claim for a pool, and like for like when the fresh start is one
    // worker too.
    let (other, words) = (worker, "one reused worker");
    let started = if lesson == Lesson::StartCost {
        "starting a worker from nothing"
    } else {
        "starting a pool from nothing"
    };
    sentences.push(match difference_basis(cold, other) {
        Ok(basis) if cold.0.median > other.0.median => format!(
            "For work this small, {started} was slower than {words}: {:.1} vs {:.1} ms ({basis}).",
            cold.0.median, other.0.median
        ),
        Ok(basis) => format!(
            "Even counting its start, {started} beat {words}: {:.1} vs {:.1} ms ({basis}).",
            cold.0.median, other.0.median
        ),
        Err(why) => format!("{started} against {words}: {why}."),
    });
    // The preset's own measurement of the start-up alone, phase by phase.
    sentences.extend(report.notes.first().cloned());
    Some(sentences)
}

/// One row of the choose-the-right-approach table.
#[derive(Clone, Debug, PartialEq)]
pub struct Choice {
    /// The situation.
    pub situation: &'static str,
    /// What to use.
    pub approach: &'static str,
    /// The lesson that measures it.
    pub lesson: Lesson,
    /// What this tab measured, from its latest fitting run; `None`: not measured yet.
    pub measured: Option<String>,
}

// lesson-code: choosing — shown on the lesson's page (build.rs)
/// The choose-the-right-approach table, each row with the latest measurement in `history` that answers it.
pub fn choices(history: &[ExperimentReport]) -> Vec<Choice> {
    let latest = |kind: ExperimentKind, read: &dyn Fn(&ExperimentReport) -> Option<String>| {
        history
            .iter()
            .rev()
            .filter(|report| report.kind == kind)
            .find_map(read)
    };
    let median =
        |report: &ExperimentReport, mode| summary_of(report, mode).map(|(summary, _)| summary.median);
    let io = latest(ExperimentKind::Io, &|report| {
        let concurrent = median(report, ReportMode::Io(IoMode::Concurrent))?;
        if let Some(sequential) = median(report, ReportMode::Io(IoMode::Sequential)) {
            return Some(format!(
                "together {concurrent:.0} ms vs one after another {sequential:.0} ms"
            ));
        }
        let one = median(report, ReportMode::Io(IoMode::Single))?;
        Some(format!(
            "together {concurrent:.0} ms vs one request alone {one:.0} ms"
        ))
    });
    let cpu = latest(ExperimentKind::Cpu, &|report| {
        let worker = median(report, ReportMode::Cpu(Mode::Worker))?;
        let pool = median(report, ReportMode::Cpu(Mode::Pool))?;
        let threads = find(report, ReportMode::Cpu(Mode::Pool)).and_then(ModeReport::threads_used)?;
        Some(format!(
            "pool {pool:.0} ms on {threads} threads vs one worker {worker:.0} ms"
        ))
    });
    let freeze = latest(ExperimentKind::Cpu, &|report| {
        let main = find(report, ReportMode::Cpu(Mode::Main)).and_then(ModeReport::worst_freeze)?;
        let off = [Mode::Worker, Mode::Pool]
            .into_iter()
            .find_map(|mode| find(report, ReportMode::Cpu(mode)).and_then(ModeReport::worst_freeze))?;
        Some(format!(
            "longest frame gap {:.0} ms on the UI thread vs {:.0} ms off it",
            main.max_frame_gap_ms, off.max_frame_gap_ms
        ))
    });
    let start = latest(ExperimentKind::PoolStart, &|report| {
        let cold = median(report, ReportMode::ColdPool)?;
        let warm = median(report, ReportMode::WarmPool)?;
        Some(format!(
            "pool started per job {cold:.1} ms vs reused {warm:.1} ms"
        ))
    });
    let pipeline = latest(ExperimentKind::Pipeline, &|report| {
        let two_phase = median(report, ReportMode::Pipeline(PipelineMode::FetchThenProcess))?;
        let pipelined = median(report, ReportMode::Pipeline(PipelineMode::Pipelined))?;
        Some(format!(
            "pipelined {pipelined:.0} ms vs fetch-then-process {two_phase:.0} ms"
        ))
    });
    let stream = latest(ExperimentKind::Stream, &|report| {
        let streamed = median(report, ReportMode::Stream(StreamMode::Streamed))?;
        let buffered = median(report, ReportMode::Stream(StreamMode::Buffered))?;
        Some(format!(
            "streamed {streamed:.0} ms vs buffered {buffered:.0} ms in all"
        ))
    });
    vec![
        Choice {
            situation: "Waiting on the network (I/O-bound)",
            approach: "run the waits concurrently: asyncio.gather, join_all",
            lesson: Lesson::Concurrent,
            measured: io,
        },
        Choice {
            situation: "CPU-bound work, several cores",
            approach: "a pool of workers: ProcessPoolExecutor, rayon",
            lesson: Lesson::CpuPool,
            measured: cpu,
        },
        Choice {
            situation: "CPU work while the page must respond",
            approach: "anywhere but the UI thread: a Web Worker",
            lesson: Lesson::CpuPool,
            measured: freeze,
        },
        Choice {
            situation: "Many small CPU jobs",
            approach: "start the pool once and reuse it",
            lesson: Lesson::ProcessPool,
            measured: start,
        },
        Choice {
            situation: "Fetch, then compute per response",
            approach: "hand each response to the workers as it arrives",
            lesson: Lesson::FetchThenProcess,
            measured: pipeline,
        },
        Choice {
            situation: "A file too large to hold",
            approach: "stream it in batches (an async generator)",
            lesson: Lesson::Streaming,
            measured: stream,
        },
    ]
}
// lesson-code-end: choosing

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{Lane, Repeat, Span};

    fn repeat(wall: f64) -> Repeat {
        Repeat::unbracketed(
            0.0,
            wall,
            1,
            vec![Span {
                lane: Lane::Worker,
                name: "job".to_owned(),
                start_ms: 0.0,
                end_ms: wall,
            }],
        )
    }

    fn mode(mode: ReportMode, walls: &[f64]) -> ModeReport {
        ModeReport {
            mode,
            repeats: walls.iter().map(|&wall| repeat(wall)).collect(),
            result: "1 ok / 0 failed".to_owned(),
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

    #[test]
    fn every_lesson_has_an_id_a_claim_python_and_the_rust_that_runs() {
        for lesson in Lesson::ALL {
            assert_eq!(Lesson::from_id(lesson.id()), Some(lesson));
            assert!(!lesson.claim().is_empty());
            assert!(!lesson.python().trim().is_empty());
            let (file, code) = lesson
                .rust()
                .unwrap_or_else(|| panic!("{}: no marked region", lesson.id()));
            assert!(code.lines().count() >= 3, "{}: {code}", lesson.id());
            // The region is the file's own text, so it cannot drift from what runs.
            let source = std::fs::read_to_string(file).unwrap();
            for line in code.lines().filter(|line| !line.trim().is_empty()) {
                assert!(
                    source.contains(line),
                    "{}: `{line}` is not in {file}",
                    lesson.id()
                );
            }
        }
        assert_eq!(Lesson::from_id("nope"), None);
    }

    #[test]
    fn the_start_cost_lesson_names_the_start_methods_of_each_platform() {
        let claim = Lesson::StartCost.claim();
        assert!(claim.contains("Python 3.14 made forkserver the default start method on Linux"));
        assert!(claim.contains("spawn is the default on macOS and Windows"));
    }

    #[test]
    fn the_concurrent_answer_compares_against_one_request() {
        let mut concurrent = mode(ReportMode::Io(IoMode::Concurrent), &[330.0]);
        concurrent.repeats[0].spans = (0..3)
            .map(|index| Span {
                lane: Lane::Request(index),
                name: String::new(),
                start_ms: 0.0,
                end_ms: 300.0,
            })
            .collect();
        let report = report(
            ExperimentKind::Io,
            vec![mode(ReportMode::Io(IoMode::Single), &[310.0]), concurrent],
        );
        let answer = measured_answer(Lesson::Concurrent, &report).unwrap();
        assert_eq!(
            answer[0],
            "The lesson says 1× the time of one request; here 3 requests awaited together took 330 ms, 1.06× the \
             310 ms of one request (one run each)."
        );
        // Without the mode the lesson needs, there is no answer (never a made-up one).
        assert_eq!(measured_answer(Lesson::Sequential, &report), None);
    }

    #[test]
    fn the_cpu_answer_claims_a_speedup_only_when_the_ranges_separate() {
        let separated = report(
            ExperimentKind::Cpu,
            vec![
                mode(ReportMode::Cpu(Mode::Worker), &[200.0, 205.0, 210.0]),
                mode(ReportMode::Cpu(Mode::Pool), &[100.0, 104.0, 108.0]),
            ],
        );
        let answer = measured_answer(Lesson::CpuPool, &separated).unwrap();
        assert!(
            answer[0].contains(
                "1.97× as fast as one worker, using 1 threads of a pool of 2: 99 % of the ideal 2×"
            ),
            "{answer:?}"
        );
        assert_eq!(answer.len(), 1, "no freeze reading, no freeze sentence");
        let overlapping = report(
            ExperimentKind::Cpu,
            vec![
                mode(ReportMode::Cpu(Mode::Worker), &[200.0, 205.0, 210.0]),
                mode(ReportMode::Cpu(Mode::Pool), &[150.0, 190.0, 201.0]),
            ],
        );
        let answer = measured_answer(Lesson::CpuPool, &overlapping).unwrap();
        assert!(answer[0].contains("within noise"), "{answer:?}");
        assert!(!answer[0].contains("as fast as"), "{answer:?}");
    }

    #[test]
    fn the_pool_start_answers_compare_by_the_noise_rule() {
        let overlapping = report(
            ExperimentKind::PoolStart,
            vec![
                mode(ReportMode::ColdPool, &[40.0, 42.0, 44.0]),
                mode(ReportMode::WarmPool, &[2.0, 2.5, 3.0]),
                mode(ReportMode::WarmWorker, &[3.0, 3.5, 42.5]),
            ],
        );
        let process = measured_answer(Lesson::ProcessPool, &overlapping).unwrap();
        // Cold against the warm worker: the ranges overlap (3.0–42.5 vs 40–44), so no call is made.
        assert!(process[1].contains("within noise"), "{process:?}");
        let separated = report(
            ExperimentKind::PoolStart,
            vec![
                mode(ReportMode::ColdPool, &[40.0, 42.0, 44.0]),
                mode(ReportMode::WarmPool, &[2.0, 2.5, 3.0]),
                mode(ReportMode::WarmWorker, &[3.0, 3.5, 4.0]),
            ],
        );
        let start = measured_answer(Lesson::StartCost, &separated).unwrap();
        assert!(
            start[1]
                .contains("starting a worker from nothing was slower than one reused worker: 42.0 vs 3.5 ms"),
            "{start:?}"
        );
    }

    #[test]
    fn an_io_answer_needs_every_request_to_have_succeeded() {
        let mut single = mode(ReportMode::Io(IoMode::Single), &[10_000.0]);
        single.result = "0 ok / 1 failed".to_owned();
        let report = report(ExperimentKind::Io, vec![single]);
        assert_eq!(measured_answer(Lesson::OneRequest, &report), None);
    }

    #[test]
    fn the_choosing_table_says_not_measured_until_a_fitting_run_exists() {
        assert!(choices(&[]).iter().all(|choice| choice.measured.is_none()));
        let history = vec![report(
            ExperimentKind::Io,
            vec![
                mode(ReportMode::Io(IoMode::Sequential), &[900.0]),
                mode(ReportMode::Io(IoMode::Concurrent), &[310.0]),
            ],
        )];
        let table = choices(&history);
        assert_eq!(
            table[0].measured.as_deref(),
            Some("together 310 ms vs one after another 900 ms")
        );
        assert!(table[1..].iter().all(|choice| choice.measured.is_none()));
        // The concurrent lesson's run (one request, then three together) answers it too.
        let lesson_run = report(
            ExperimentKind::Io,
            vec![
                mode(ReportMode::Io(IoMode::Single), &[305.0]),
                mode(ReportMode::Io(IoMode::Concurrent), &[320.0]),
            ],
        );
        assert_eq!(
            choices(&[lesson_run])[0].measured.as_deref(),
            Some("together 320 ms vs one request alone 305 ms")
        );
        // A run without the concurrent mode does not.
        let sequential_only = report(
            ExperimentKind::Io,
            vec![mode(ReportMode::Io(IoMode::Sequential), &[900.0])],
        );
        assert_eq!(choices(&[sequential_only])[0].measured, None);
    }
}
