//! The verdict: a few sentences computed from the measurements. A sentence is printed only when the numbers
//! support it: every comparison between two modes goes through one noise rule (`compare`), and where the data
//! cannot tell (one repeat, overlapping ranges) the verdict says so instead of naming a winner. Each sentence
//! quotes the numbers it rests on and how many repeats they come from. The per-preset notes live in `presets`.

mod cores;
mod presets;

pub use presets::{
    ColdStart, HandoffPoint, StreamFinding, connections_notes, handoff_notes, pipeline_notes,
    pool_start_notes, stream_notes, sweep_notes,
};

use super::stats::{self, Summary};
use super::{ExperimentKind, ExperimentReport, Lane, ModeReport, Repeat, ReportMode, Span};
use crate::io::IoMode;
use crate::modes::Mode;

/// Below this sequential median (ms) the work is too little for a pool: one pool job's fixed cost (a message to
/// the compute worker and back, waking parked threads, splitting and joining) is a few milliseconds in browsers,
/// so under ~20 ms it is a large share of what splitting could save.
pub const SMALL_WORK_MS: f64 = 20.0;

/// A pool at least this many times faster than one thread is called CPU-bound (well beyond the noise a
/// separated range already excludes, and beyond what a lucky schedule of one thread gives).
pub const CPU_BOUND_SPEEDUP: f64 = 1.3;

/// Below this share of the ideal speedup (percent) the verdict looks for where the rest went.
pub const FULL_EFFICIENCY_PERCENT: f64 = 90.0;

/// A pool's load is called uneven when, in every measured repeat, its busiest thread worked more than this many
/// times the threads' average.
pub const UNEVEN_LOAD_RATIO: f64 = 1.2;

/// Concurrent I/O is called I/O-bound when it beat sequential by at least this share of the request count (all
/// `n` overlapping perfectly would be `n`×).
pub const IO_BOUND_SHARE: f64 = 0.6;

/// One-shot runs (the I/O lab runs each mode once per press) have no range to compare; their noise scale is the
/// spread (max − min) of the individual request spans' durations, and a difference is called only when it
/// exceeds this many times that spread. A mode's total is a sum or a maximum of such requests, so a gap smaller
/// than twice what one request varies by is within what the network alone does from run to run.
pub const IO_NOISE_MULTIPLE: f64 = 2.0;

/// The smallest spread the one-shot rule accepts (ms): `performance.now()` is coarsened to 0.1 ms in pages that
/// are not cross-origin isolated, so identical request times do not mean no noise.
pub const CLOCK_RESOLUTION_MS: f64 = 0.1;

/// The verdict on one experiment: a headline, the kind's own sentences, the report's notes (preset findings,
/// "Stopped by the user…") and what the page's frames showed.
pub fn verdict(report: &ExperimentReport) -> Vec<String> {
    let mut sentences = Vec::new();
    let failed: Vec<String> = report
        .modes
        .iter()
        .filter(|mode| mode.error.is_some())
        .map(|mode| mode.mode.id())
        .collect();
    if !failed.is_empty() {
        sentences.push(format!("{} could not run; see its row.", failed.join(", ")));
    }
    // Nothing measured (every mode failed, or a stopped run): no comparison, but the notes still count.
    if let Some(headline) = headline(report) {
        sentences.push(headline);
        match report.kind {
            ExperimentKind::Cpu => cpu_sentences(report, &mut sentences),
            ExperimentKind::Io => io_sentences(report, &mut sentences),
            ExperimentKind::PoolStart
            | ExperimentKind::Sweep
            | ExperimentKind::Handoff
            | ExperimentKind::Pipeline
            | ExperimentKind::Stream
            | ExperimentKind::Connections => {}
        }
    }
    sentences.extend(report.notes.iter().cloned());
    freeze_sentences(report, &mut sentences);
    sentences
}

/// The mode of the report that ran without error, if any.
fn find(report: &ExperimentReport, mode: ReportMode) -> Option<&ModeReport> {
    report
        .modes
        .iter()
        .find(|candidate| candidate.mode == mode && candidate.error.is_none())
}

/// The repeats that count in the statistics.
fn measured_repeats(mode: &ModeReport) -> impl Iterator<Item = &Repeat> {
    mode.repeats.iter().filter(|repeat| repeat.measured())
}

/// One side of a comparison: a mode's (or a hand-off point's) measured times.
#[derive(Clone, Debug, PartialEq)]
struct Measured {
    /// Median, min and max over the measured repeats.
    summary: Summary,
    /// How many values the summary rests on.
    count: usize,
    /// What one value is called in sentences: `repeat`, `sample`.
    unit: &'static str,
    /// Durations of the measured repeats' own request spans: the one-shot noise scale.
    request_ms: Vec<f64>,
}

impl Measured {
    /// A mode's measured wall times; `None` when no repeat was measured.
    fn of(mode: &ModeReport) -> Option<Measured> {
        let summary = mode.summary()?;
        let count = mode
            .measured_walls()
            .iter()
            .filter(|wall| wall.is_finite())
            .count();
        let request_ms = measured_repeats(mode)
            .flat_map(|repeat| repeat.spans.iter())
            .filter(|span| matches!(span.lane, Lane::Request(_)))
            .map(Span::duration_ms)
            .filter(|duration| duration.is_finite())
            .collect();
        Some(Measured {
            summary,
            count,
            unit: "repeat",
            request_ms,
        })
    }

    /// The median.
    fn median(&self) -> f64 {
        self.summary.median
    }
}

/// What the data can say about A against B.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Call {
    /// A is faster: its range lies wholly below B's (or, one-shot, the gap clears the noise).
    Faster,
    /// A is slower: its range lies wholly above B's.
    Slower,
    /// The ranges overlap (or the gap is under the one-shot noise): no difference is called.
    WithinNoise,
    /// One repeat and no other noise scale: too few to call anything.
    TooFew,
}

/// A call and the words that say what it rests on.
#[derive(Clone, Debug, PartialEq)]
struct Comparison {
    /// The call.
    call: Call,
    /// For the sentence's parenthesis: `medians of 3 repeats each`, `3 repeats each` (within noise), the
    /// one-shot rule's numbers, or `one repeat: too few to call a difference; raise repeats`.
    basis: String,
}

impl Comparison {
    /// The words for a comparison that names no difference: `within noise (3 repeats each)` or the too-few
    /// sentence.
    fn undecided(&self) -> String {
        match self.call {
            Call::WithinNoise => format!("within noise ({})", self.basis),
            Call::Faster | Call::Slower | Call::TooFew => self.basis.clone(),
        }
    }
}

/// `3 repeats each`, `2 and 5 repeats`, `2–5 repeats`, `1 repeat`.
fn counted(counts: &[usize], unit: &str) -> String {
    let plural = |count: usize| if count == 1 { "" } else { "s" };
    let (Some(&least), Some(&most)) = (counts.iter().min(), counts.iter().max()) else {
        return format!("no {unit}s");
    };
    match counts {
        _ if least == most && counts.len() > 1 => format!("{least} {unit}{} each", plural(least)),
        _ if least == most => format!("{least} {unit}{}", plural(least)),
        [first, second] => format!("{first} and {second} {unit}s"),
        _ => format!("{least}–{most} {unit}s"),
    }
}

/// The noise rule. With at least two measured values each, a difference is called only when the two ranges
/// (min–max) separate. Otherwise, for one-shot runs that made requests, only when the medians differ by more than
/// [`IO_NOISE_MULTIPLE`] times the spread of the requests' own durations. Otherwise: too few to tell.
fn compare(a: &Measured, b: &Measured) -> Comparison {
    if a.count >= 2 && b.count >= 2 {
        let call = if a.summary.max < b.summary.min {
            Call::Faster
        } else if b.summary.max < a.summary.min {
            Call::Slower
        } else {
            Call::WithinNoise
        };
        let counts = counted(&[a.count, b.count], a.unit);
        let basis = match call {
            Call::Faster | Call::Slower => format!("medians of {counts}"),
            Call::WithinNoise | Call::TooFew => format!("ranges overlap; {counts}"),
        };
        return Comparison { call, basis };
    }
    // The requests' own spread is a noise scale only where each side has several requests: with one each, the
    // spread is the very gap being judged.
    let requests: Vec<f64> = a.request_ms.iter().chain(&b.request_ms).copied().collect();
    let several = a.request_ms.len() >= 2 && b.request_ms.len() >= 2;
    if let (true, Some(spread)) = (several, Summary::of(&requests)) {
        let spread = spread.max - spread.min;
        let gap = b.median() - a.median();
        let counts = counted(&[a.count, b.count], "run");
        let scale = format!("{IO_NOISE_MULTIPLE}× the {spread:.1} ms spread of the requests' own times");
        if gap.abs() > IO_NOISE_MULTIPLE * spread.max(CLOCK_RESOLUTION_MS) {
            let call = if gap > 0.0 { Call::Faster } else { Call::Slower };
            let basis = format!("{counts}; the {:.1} ms gap exceeds {scale}", gap.abs());
            return Comparison { call, basis };
        }
        let basis = format!("{counts}; the {:.1} ms gap is within {scale}", gap.abs());
        return Comparison {
            call: Call::WithinNoise,
            basis,
        };
    }
    Comparison {
        call: Call::TooFew,
        basis: format!("one {0}: too few to call a difference; raise {0}s", a.unit),
    }
}

/// The hand-off of each measured repeat: its wall time minus the span from its first task's start to its last
/// task's end on the lanes `is_task` picks. `None` unless every measured repeat has such tasks and a positive
/// remainder: only then is the remainder something outside the tasks rather than clock noise. Returns the
/// hand-offs and the walls.
fn handoffs(mode: &ModeReport, is_task: fn(Lane) -> bool) -> Option<(Summary, Summary, usize)> {
    let mut handoffs = Vec::new();
    let mut walls = Vec::new();
    for repeat in measured_repeats(mode) {
        let tasks = repeat.spans.iter().filter(|span| is_task(span.lane));
        let first = tasks.clone().map(|span| span.start_ms).reduce(f64::min)?;
        let last = tasks.map(|span| span.end_ms).reduce(f64::max)?;
        let handoff = repeat.wall_ms() - (last - first);
        if !(handoff.is_finite() && handoff > 0.0) {
            return None;
        }
        handoffs.push(handoff);
        walls.push(repeat.wall_ms());
    }
    Some((Summary::of(&handoffs)?, Summary::of(&walls)?, handoffs.len()))
}

/// `(median of 3 repeats, range 1.0–2.0 ms)` or `(one repeat)`.
fn median_and_range(summary: Summary, count: usize) -> String {
    if count == 1 {
        "(one repeat)".to_owned()
    } else {
        format!(
            "(median of {count} repeats, range {:.1}–{:.1} ms)",
            summary.min, summary.max
        )
    }
}

/// The first sentence: the winner when every other mode's range lies above the fastest's, otherwise the
/// medians and why no winner is named. `None` when nothing was measured.
fn headline(report: &ExperimentReport) -> Option<String> {
    let measured: Vec<(ReportMode, Measured)> = report
        .modes
        .iter()
        .filter(|mode| mode.error.is_none())
        .filter_map(|mode| Measured::of(mode).map(|measured| (mode.mode, measured)))
        .collect();
    let by_median =
        |a: &&(ReportMode, Measured), b: &&(ReportMode, Measured)| a.1.median().total_cmp(&b.1.median());
    let fastest_index = (0..measured.len()).min_by(|&a, &b| by_median(&&measured[a], &&measured[b]))?;
    let (fastest_mode, fastest) = &measured[fastest_index];
    if measured.len() == 1 {
        return Some(format!(
            "{fastest_mode} took {:.1} ms (median of {}).",
            fastest.median(),
            counted(&[fastest.count], fastest.unit)
        ));
    }
    let (slowest_mode, slowest) = measured.iter().max_by(by_median)?;
    let comparisons: Vec<(ReportMode, Comparison)> = measured
        .iter()
        .enumerate()
        .filter(|(index, _)| *index != fastest_index)
        .map(|(_, (mode, other))| (*mode, compare(fastest, other)))
        .collect();
    let medians: Vec<String> = measured
        .iter()
        .map(|(mode, measured)| format!("{mode} {:.1} ms", measured.median()))
        .collect();
    let medians = medians.join(", ");
    if let Some((_, too_few)) = comparisons
        .iter()
        .find(|(_, comparison)| comparison.call == Call::TooFew)
    {
        return Some(format!("Medians: {medians} — {}.", too_few.basis));
    }
    if let Some((other, noisy)) = comparisons
        .iter()
        .find(|(_, comparison)| comparison.call != Call::Faster)
    {
        return Some(format!(
            "Medians: {medians} — {fastest_mode} had the lowest, but {other} is {}, so no winner is named.",
            noisy.undecided()
        ));
    }
    let basis = if measured.iter().all(|(_, measured)| measured.count >= 2) {
        let counts: Vec<usize> = measured.iter().map(|(_, measured)| measured.count).collect();
        format!("medians of {}", counted(&counts, fastest.unit))
    } else {
        compare(fastest, slowest).basis
    };
    let ratio = if fastest.median() > 0.0 {
        format!("{:.2}× ", slowest.median() / fastest.median())
    } else {
        String::new()
    };
    Some(format!(
        "{fastest_mode} won: median {:.1} ms, {ratio}faster than {slowest_mode} ({:.1} ms; {basis}).",
        fastest.median(),
        slowest.median()
    ))
}

fn cpu_sentences(report: &ExperimentReport, sentences: &mut Vec<String>) {
    let main = find(report, ReportMode::Cpu(Mode::Main));
    let worker = find(report, ReportMode::Cpu(Mode::Worker));
    let base = worker
        .and_then(Measured::of)
        .map(|measured| ("worker", measured))
        .or_else(|| main.and_then(Measured::of).map(|measured| ("main", measured)));
    if let (Some((base_name, base)), Some(pool)) = (base, find(report, ReportMode::Cpu(Mode::Pool))) {
        pool_sentences(report.ideal_speedup, base_name, &base, pool, sentences);
    }
    if let (Some(main), Some(worker)) = (main.and_then(Measured::of), worker.and_then(Measured::of)) {
        let (worker_ms, main_ms) = (worker.median(), main.median());
        let comparison = compare(&worker, &main);
        sentences.push(match comparison.call {
            Call::Slower => format!(
                "worker took longer than main on the same sequential code: {worker_ms:.1} vs {main_ms:.1} ms \
                 ({}).",
                comparison.basis
            ),
            Call::Faster => format!(
                "worker was faster than main on the same sequential code: {worker_ms:.1} vs {main_ms:.1} ms \
                 ({}).",
                comparison.basis
            ),
            Call::WithinNoise | Call::TooFew => format!(
                "worker and main ran the same sequential code: {worker_ms:.1} vs {main_ms:.1} ms (medians) — {}.",
                comparison.undecided()
            ),
        });
    }
    if let Some((handoff, _, count)) = worker.and_then(|worker| handoffs(worker, |lane| lane == Lane::Worker))
    {
        sentences.push(format!(
            "In worker mode, the hand-off to the worker and back — each repeat's wall time minus the worker's own \
             first-to-last task span — took {:.1} ms {}.",
            handoff.median,
            median_and_range(handoff, count)
        ));
    }
    if let Some(main_pool) = find(report, ReportMode::Cpu(Mode::MainPool)) {
        sentences.extend(main_pool_sentence(main_pool, main));
    }
}

/// What main-pool did — rayon called from the UI thread: how many threads worked, how it compared with main (the
/// noise rule decides), and whether it froze the page (only from a reading, and "like main" only where main's
/// reading shows a freeze too). The lesson — parallel, yet frozen — only where both halves were measured.
fn main_pool_sentence(main_pool: &ModeReport, main: Option<&ModeReport>) -> Option<String> {
    let measured = Measured::of(main_pool)?;
    let threads = main_pool.threads_used()?;
    let mut sentence = format!(
        "main-pool used {threads} thread{}",
        if threads == 1 { "" } else { "s" }
    );
    let mut slower = false;
    if let Some(main) = main.and_then(Measured::of) {
        let (pool_ms, main_ms) = (measured.median(), main.median());
        let comparison = compare(&measured, &main);
        slower = comparison.call == Call::Slower;
        sentence.push_str(&match comparison.call {
            Call::Faster if pool_ms > 0.0 => format!(
                " and was {:.2}× faster than main ({})",
                main_ms / pool_ms,
                comparison.basis
            ),
            Call::Faster => format!(" and was faster than main ({})", comparison.basis),
            Call::Slower => format!(
                " and was slower than main: {pool_ms:.1} vs {main_ms:.1} ms ({})",
                comparison.basis
            ),
            Call::WithinNoise | Call::TooFew => format!(
                ": {pool_ms:.1} vs main's {main_ms:.1} ms (medians) — {}",
                comparison.undecided()
            ),
        });
    }
    let main_froze = main
        .and_then(ModeReport::worst_freeze)
        .is_some_and(|freeze| freeze.max_frame_gap_ms > stats::FROZEN_FRAME_MS);
    match main_pool.worst_freeze() {
        Some(freeze) if freeze.max_frame_gap_ms > stats::FROZEN_FRAME_MS => {
            let like_main = if main_froze { " like main" } else { "" };
            // "Yet": parallel work that still froze the page is the surprise; on one thread, or after "slower than
            // main", it is no contrast.
            let joiner = if threads >= 2 && !slower { "yet" } else { "and" };
            sentence.push_str(&format!(
                ", {joiner} it froze the page for {:.0} ms (longest frame gap {:.0} ms){like_main}",
                freeze.frozen_ms, freeze.max_frame_gap_ms
            ));
            if threads >= 2 {
                sentence.push_str(
                    ": rayon on the UI thread is parallel, but the UI thread still waits — spinning — until \
                     every task is done, and nothing on the page can respond meanwhile",
                );
            }
        }
        Some(freeze) => sentence.push_str(&format!(
            "; its longest frame gap was {:.0} ms, below the {:.0} ms threshold: the work was too short to \
             freeze the page visibly",
            freeze.max_frame_gap_ms,
            stats::FROZEN_FRAME_MS
        )),
        None => {}
    }
    sentence.push('.');
    Some(sentence)
}

/// The pool against the sequential baseline: a speedup judged only when the ranges separate.
fn pool_sentences(
    ideal: f64,
    base_name: &str,
    base: &Measured,
    pool_mode: &ModeReport,
    sentences: &mut Vec<String>,
) {
    let Some(pool) = Measured::of(pool_mode) else {
        return;
    };
    let (base_ms, pool_ms) = (base.median(), pool.median());
    let comparison = compare(&pool, base);
    let speedup = if pool_ms > 0.0 {
        base_ms / pool_ms
    } else {
        f64::INFINITY
    };
    let basis = &comparison.basis;
    match comparison.call {
        Call::Faster => {
            let efficiency = 100.0 * speedup / ideal.max(1.0);
            if speedup >= CPU_BOUND_SPEEDUP {
                let threads = pool_mode
                    .threads_used()
                    .map_or_else(String::new, |threads| format!("'s {threads} threads"));
                sentences.push(format!(
                    "The work is CPU-bound: the pool{threads} made it {speedup:.2}× faster than {base_name}, \
                     {efficiency:.0}% of the ideal {ideal:.0}× ({basis})."
                ));
            } else {
                sentences.push(format!(
                    "The pool was faster than {base_name}, but only {speedup:.2}× against an ideal {ideal:.0}× \
                     ({basis})."
                ));
            }
            if efficiency < FULL_EFFICIENCY_PERCENT {
                sentences.extend(pool_evidence(pool_mode, ideal));
            }
            sentences.extend(cores::fewer_cores_hint(
                comparison.call,
                speedup,
                ideal,
                base_name,
                basis,
                pool_mode,
            ));
        }
        Call::Slower => {
            let slower = format!("The pool was slower than {base_name} ({speedup:.2}×; {basis})");
            // What splitting could save at best on `ideal` threads, against the hand-off the pool measured.
            let saving = base_ms * (1.0 - 1.0 / ideal.max(1.0));
            let handoff = handoffs(pool_mode, |lane| matches!(lane, Lane::Pool(_)));
            // "Too little work" is a cause: said only where the pool's measured hand-off outweighs the saving.
            if let Some((handoff, _, count)) = handoff.filter(|(handoff, ..)| handoff.median >= saving) {
                sentences.push(format!(
                    "{slower}: split over {ideal:.0} threads, {base_ms:.1} ms of work could save at most \
                     {saving:.1} ms, no more than the pool's hand-off took, {:.1} ms {}.",
                    handoff.median,
                    median_and_range(handoff, count)
                ));
            } else {
                sentences.push(format!("{slower}."));
                let evidence = pool_evidence(pool_mode, ideal);
                if evidence.is_empty() {
                    sentences.push(
                        "The data here does not explain why: every pool thread worked, the load was even, and \
                         no hand-off stood out."
                            .to_owned(),
                    );
                }
                sentences.extend(evidence);
                sentences.extend(cores::fewer_cores_hint(
                    comparison.call,
                    speedup,
                    ideal,
                    base_name,
                    basis,
                    pool_mode,
                ));
            }
        }
        Call::WithinNoise | Call::TooFew => sentences.push(format!(
            "pool {pool_ms:.1} ms vs {base_name} {base_ms:.1} ms (medians) — {}: no speedup is judged.",
            comparison.undecided()
        )),
    }
}

/// What the pool's measured repeats show about where its time went: the hand-off, an uneven load, idle threads.
fn pool_evidence(pool: &ModeReport, ideal: f64) -> Vec<String> {
    let mut reasons = Vec::new();
    if let Some((handoff, walls, count)) = handoffs(pool, |lane| matches!(lane, Lane::Pool(_))) {
        reasons.push(format!(
            "The hand-off took {:.1} ms of the pool's {:.1} ms {}: the time outside the threads' first-to-last \
             task — the request to the worker, waking the threads and the reply.",
            handoff.median,
            walls.median,
            median_and_range(handoff, count)
        ));
    }
    if let Some((busiest, mean, count)) = uneven_load(pool) {
        reasons.push(format!(
            "The threads were unevenly loaded in every repeat: the busiest worked {busiest:.1} ms, the average \
             {mean:.1} ms ({}).",
            if count == 1 {
                "one repeat".to_owned()
            } else {
                format!("medians of {count} repeats")
            }
        ));
    }
    if let Some(used) = pool.threads_used().filter(|&used| f64::from(used) < ideal) {
        reasons.push(format!(
            "Only {used} of {ideal:.0} pool threads picked up work (the most in any measured repeat)."
        ));
    }
    reasons
}

/// The busiest thread's and the average thread's work (medians over the measured repeats), when every measured
/// repeat's busiest pool thread worked more than [`UNEVEN_LOAD_RATIO`] times the average.
fn uneven_load(pool: &ModeReport) -> Option<(f64, f64, usize)> {
    let mut busiest_ms = Vec::new();
    let mut mean_ms = Vec::new();
    for repeat in measured_repeats(pool) {
        let mut busy: Vec<(Lane, f64)> = Vec::new();
        for span in repeat
            .spans
            .iter()
            .filter(|span| matches!(span.lane, Lane::Pool(_)))
        {
            match busy.iter_mut().find(|(lane, _)| *lane == span.lane) {
                Some((_, total)) => *total += span.duration_ms(),
                None => busy.push((span.lane, span.duration_ms())),
            }
        }
        let busiest = busy.iter().map(|(_, total)| *total).reduce(f64::max)?;
        let mean = busy.iter().map(|(_, total)| *total).sum::<f64>() / busy.len() as f64;
        if busiest <= UNEVEN_LOAD_RATIO * mean {
            return None;
        }
        busiest_ms.push(busiest);
        mean_ms.push(mean);
    }
    Some((
        Summary::of(&busiest_ms)?.median,
        Summary::of(&mean_ms)?.median,
        busiest_ms.len(),
    ))
}

fn io_sentences(report: &ExperimentReport, sentences: &mut Vec<String>) {
    let measured = |mode: IoMode| find(report, ReportMode::Io(mode)).and_then(Measured::of);
    let single = measured(IoMode::Single);
    let sequential = measured(IoMode::Sequential);
    let concurrent = measured(IoMode::Concurrent);
    let n = report.ideal_speedup;
    if let (Some(sequential), Some(concurrent)) = (&sequential, &concurrent) {
        let (sequential_ms, concurrent_ms) = (sequential.median(), concurrent.median());
        let comparison = compare(concurrent, sequential);
        let numbers = format!("sequential took {sequential_ms:.1} ms, concurrent {concurrent_ms:.1} ms");
        sentences.push(match comparison.call {
            Call::Faster => {
                let ratio = if concurrent_ms > 0.0 {
                    sequential_ms / concurrent_ms
                } else {
                    f64::INFINITY
                };
                let kind = if ratio >= IO_BOUND_SHARE * n.max(1.0) {
                    "The requests spent their time waiting, not working: this is I/O-bound, so overlapping \
                     them helps — on one thread, without more cores."
                        .to_owned()
                } else {
                    let in_flight = find(report, ReportMode::Io(IoMode::Concurrent))
                        .and_then(ModeReport::threads_used)
                        .filter(|&in_flight| f64::from(in_flight) < n);
                    match in_flight {
                        Some(in_flight) => format!(
                            "Overlapping helped less than the request count suggests: at most {in_flight} of \
                             the {n:.0} requests were in flight at once."
                        ),
                        None => {
                            "Overlapping helped less than the request count suggests; the data here does \
                                 not show what held the requests back."
                                .to_owned()
                        }
                    }
                };
                format!(
                    "{numbers}: {ratio:.2}× for {n:.0} requests ({}). {kind}",
                    comparison.basis
                )
            }
            Call::Slower => format!(
                "{numbers}: concurrent was slower for {n:.0} requests ({}).",
                comparison.basis
            ),
            Call::WithinNoise | Call::TooFew => format!("{numbers} — {}.", comparison.undecided()),
        });
    }
    if let (Some(single), Some(concurrent)) = (&single, &concurrent) {
        let (single_ms, concurrent_ms) = (single.median(), concurrent.median());
        let comparison = compare(concurrent, single);
        sentences.push(match comparison.call {
            Call::Slower => format!(
                "concurrent finished {:.1} ms after one request alone would ({single_ms:.1} ms; {}).",
                concurrent_ms - single_ms,
                comparison.basis
            ),
            Call::Faster => format!(
                "concurrent ({concurrent_ms:.1} ms) finished sooner than one request alone ({single_ms:.1} ms; \
                 {}).",
                comparison.basis
            ),
            Call::WithinNoise | Call::TooFew => format!(
                "concurrent ({concurrent_ms:.1} ms) against one request alone ({single_ms:.1} ms) — {}: no \
                 overhead of running them together is claimed.",
                comparison.undecided()
            ),
        });
    }
    for mode in &report.modes {
        sentences.extend(mode.notes.iter().cloned());
    }
}

/// What the frames showed: a freeze only where a reading shows one, and nothing about modes without a reading.
fn freeze_sentences(report: &ExperimentReport, sentences: &mut Vec<String>) {
    if let Some(freeze) = find(report, ReportMode::Cpu(Mode::Main)).and_then(ModeReport::worst_freeze) {
        let gap = freeze.max_frame_gap_ms;
        if freeze.frozen_ms > 0.0 {
            sentences.push(format!(
                "main froze the page for {:.0} ms (longest frame gap {gap:.0} ms): nothing on the page could \
                 respond meanwhile.",
                freeze.frozen_ms
            ));
        } else if gap > stats::FROZEN_FRAME_MS {
            sentences.push(format!(
                "main froze the page: its longest frame gap was {gap:.0} ms, and nothing on the page could \
                 respond meanwhile."
            ));
        } else {
            sentences.push(format!(
                "main's longest frame gap was {gap:.0} ms, below the {:.0} ms threshold: the work was too short \
                 to freeze the page visibly.",
                stats::FROZEN_FRAME_MS
            ));
        }
    }
    // Only modes that carry a reading: a mode without one says nothing about the page. main-pool, which holds the
    // UI thread like main, is judged in its own sentence (`main_pool_sentence`).
    let others: Vec<(ReportMode, f64)> = report
        .modes
        .iter()
        .filter(|mode| {
            !matches!(mode.mode, ReportMode::Cpu(Mode::Main | Mode::MainPool)) && mode.error.is_none()
        })
        .filter_map(|mode| {
            mode.worst_freeze()
                .map(|freeze| (mode.mode, freeze.max_frame_gap_ms))
        })
        .collect();
    let Some(&(worst_mode, worst)) = others.iter().max_by(|a, b| a.1.total_cmp(&b.1)) else {
        return;
    };
    let names: Vec<String> = others.iter().map(|(mode, _)| mode.id()).collect();
    if worst <= stats::FROZEN_FRAME_MS {
        sentences.push(format!(
            "{} kept the page responsive: longest frame gap {worst:.0} ms.",
            names.join(" and ")
        ));
    } else {
        sentences.push(format!(
            "While {worst_mode} ran, a frame gap of {worst:.0} ms was measured (over the {:.0} ms threshold); \
             the readings do not show what delayed that frame.",
            stats::FROZEN_FRAME_MS
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::super::FreezeReading;
    use super::*;

    /// A repeat of `wall` ms whose tasks on `lanes` run from 1 ms to `wall − 1` ms.
    fn repeat(wall: f64, gap: Option<f64>, lanes: &[Lane]) -> Repeat {
        Repeat {
            warmup: false,
            cancelled: false,
            started_ms: 0.0,
            finished_ms: wall,
            spans: lanes
                .iter()
                .map(|&lane| Span {
                    lane,
                    name: "task".to_owned(),
                    start_ms: 1.0,
                    end_ms: wall - 1.0,
                })
                .collect(),
            freeze: gap.map(|gap| FreezeReading {
                max_frame_gap_ms: gap,
                frozen_ms: if gap > stats::FROZEN_FRAME_MS { gap } else { 0.0 },
                long_tasks: 0,
            }),
            threads_used: lanes.len() as u32,
            requests: Vec::new(),
        }
    }

    fn mode(name: &str, walls: &[f64], gap: f64, lanes: &[Lane]) -> ModeReport {
        ModeReport {
            mode: name.parse().unwrap(),
            repeats: walls.iter().map(|&wall| repeat(wall, Some(gap), lanes)).collect(),
            result: "1".to_owned(),
            error: None,
            notes: Vec::new(),
        }
    }

    fn cpu(modes: Vec<ModeReport>) -> ExperimentReport {
        ExperimentReport {
            id: 1,
            kind: ExperimentKind::Cpu,
            label: String::new(),
            permalink: String::new(),
            ideal_speedup: 2.0,
            notes: Vec::new(),
            modes,
        }
    }

    fn text(report: &ExperimentReport) -> String {
        verdict(report).join(" ")
    }

    const POOL: &[Lane] = &[Lane::Pool(0), Lane::Pool(1)];

    #[test]
    fn a_good_pool_run_is_called_cpu_bound_with_its_numbers() {
        let report = cpu(vec![
            mode("main", &[200.0, 210.0, 190.0], 200.0, &[Lane::Main]),
            mode("worker", &[205.0, 207.0, 204.0], 16.0, &[Lane::Worker]),
            mode("pool", &[105.0, 104.0, 106.0], 17.0, POOL),
        ]);
        let text = text(&report);
        assert!(
            text.contains(
                "pool won: median 105.0 ms, 1.95× faster than worker (205.0 ms; medians of 3 repeats each)"
            ),
            "{text}"
        );
        assert!(text.contains("CPU-bound"), "{text}");
        assert!(
            text.contains("1.95× faster than worker, 98% of the ideal 2×"),
            "{text}"
        );
        assert!(text.contains("main froze the page for 200 ms"), "{text}");
        assert!(
            text.contains("worker and pool kept the page responsive: longest frame gap 17 ms"),
            "{text}"
        );
        // Worker and main overlap (190–210 against 204–207): no difference is called.
        assert!(
            text.contains("worker and main ran the same sequential code: 205.0 vs 200.0 ms (medians) — within noise (ranges overlap; 3 repeats each)"),
            "{text}"
        );
        // Each worker repeat's tasks span wall − 2 ms: a positive hand-off in every repeat.
        assert!(
            text.contains("hand-off to the worker and back — each repeat's wall time minus the worker's own first-to-last task span — took 2.0 ms (median of 3 repeats, range 2.0–2.0 ms)"),
            "{text}"
        );
    }

    #[test]
    fn one_repeat_names_no_winner_and_judges_no_speedup() {
        let report = cpu(vec![
            mode("main", &[200.0], 200.0, &[Lane::Main]),
            mode("worker", &[205.0], 16.0, &[Lane::Worker]),
            mode("pool", &[105.0], 17.0, POOL),
        ]);
        let text = text(&report);
        assert!(
            text.contains("Medians: main 200.0 ms, worker 205.0 ms, pool 105.0 ms — one repeat: too few to call a difference; raise repeats."),
            "{text}"
        );
        assert!(!text.contains("won"), "{text}");
        assert!(!text.contains("CPU-bound"), "{text}");
        assert!(!text.contains("faster"), "{text}");
        assert!(!text.contains("longer than"), "{text}");
        assert!(text.contains("no speedup is judged"), "{text}");
    }

    #[test]
    fn overlapping_ranges_are_within_noise() {
        let report = cpu(vec![
            mode("worker", &[100.0, 130.0, 110.0], 16.0, &[Lane::Worker]),
            mode("pool", &[90.0, 120.0, 95.0], 16.0, POOL),
        ]);
        let text = text(&report);
        assert!(
            text.contains("Medians: worker 110.0 ms, pool 95.0 ms — pool had the lowest, but worker is within noise (ranges overlap; 3 repeats each), so no winner is named."),
            "{text}"
        );
        assert!(
            text.contains("pool 95.0 ms vs worker 110.0 ms (medians) — within noise (ranges overlap; 3 repeats each): no speedup is judged."),
            "{text}"
        );
        assert!(!text.contains("won"), "{text}");
        assert!(!text.contains("slower"), "{text}");
        assert!(!text.contains("CPU-bound"), "{text}");
    }

    #[test]
    fn a_slow_pool_on_tiny_work_is_explained_by_its_measured_hand_off_only() {
        let report = cpu(vec![
            mode("worker", &[2.0, 2.1], 16.0, &[Lane::Worker]),
            mode("pool", &[4.0, 4.2], 16.0, &[Lane::Pool(0)]),
        ]);
        let text = text(&report);
        assert!(
            text.contains("The pool was slower than worker (0.50×; medians of 2 repeats each)"),
            "{text}"
        );
        // The cause is quoted from the pool's own measured hand-off, never assumed from the size alone.
        assert!(
            text.contains(
                "2.0 ms of work could save at most 1.0 ms, no more than the pool's hand-off took, 2.0 ms"
            ),
            "{text}"
        );
        assert!(!text.contains("too little"), "{text}");
    }

    #[test]
    fn a_slow_pool_on_big_work_does_not_blame_too_little_work() {
        // 400 ms of work, pool slower, its hand-off 2 ms: not too little work; one thread idle is the evidence.
        let report = cpu(vec![
            mode("worker", &[400.0, 402.0], 16.0, &[Lane::Worker]),
            mode("pool", &[450.0, 455.0], 16.0, &[Lane::Pool(0)]),
        ]);
        let text = text(&report);
        assert!(
            text.contains("The pool was slower than worker (0.89×; medians of 2 repeats each)."),
            "{text}"
        );
        assert!(!text.contains("too little"), "{text}");
        assert!(text.contains("Only 1 of 2 pool threads picked up work"), "{text}");

        // Every thread worked, evenly, and no hand-off: the data does not explain it.
        let mut report = cpu(vec![
            mode("worker", &[400.0, 402.0], 16.0, &[Lane::Worker]),
            mode("pool", &[450.0, 455.0], 16.0, POOL),
        ]);
        for repeat in &mut report.modes[1].repeats {
            for span in &mut repeat.spans {
                (span.start_ms, span.end_ms) = (0.0, repeat.finished_ms);
            }
        }
        let text = self::text(&report);
        assert!(text.contains("The data here does not explain why"), "{text}");
        assert!(!text.contains("too little"), "{text}");
    }

    #[test]
    fn a_slow_pool_whose_hand_off_outweighs_the_saving_says_so() {
        // 60 ms of work on 2 threads saves at most 30 ms; the pool's tasks take 10 ms of a 100 ms wall.
        let mut pool = mode("pool", &[100.0, 101.0], 16.0, POOL);
        for repeat in &mut pool.repeats {
            for span in &mut repeat.spans {
                (span.start_ms, span.end_ms) = (45.0, 55.0);
            }
        }
        let report = cpu(vec![mode("worker", &[60.0, 61.0], 16.0, &[Lane::Worker]), pool]);
        let text = text(&report);
        assert!(
            text.contains("could save at most 30.2 ms, no more than the pool's hand-off took, 90.5 ms (median of 2 repeats, range 90.0–91.0 ms)"),
            "{text}"
        );
        assert!(!text.contains("too little"), "{text}");
    }

    #[test]
    fn a_half_used_pool_names_the_missing_threads() {
        let report = cpu(vec![
            mode("worker", &[100.0, 101.0], 16.0, &[Lane::Worker]),
            mode("pool", &[70.0, 71.0], 16.0, &[Lane::Pool(0)]),
        ]);
        let text = text(&report);
        assert!(text.contains("CPU-bound"), "{text}");
        assert!(text.contains("Only 1 of 2 pool threads"), "{text}");
        assert!(
            text.contains("The hand-off took 2.0 ms of the pool's 70.5 ms"),
            "{text}"
        );
    }

    #[test]
    fn worker_against_main_is_called_only_when_the_ranges_separate() {
        // Worker faster than main, ranges separate: no "hand-off" of a negative size.
        let report = cpu(vec![
            mode("main", &[120.0, 122.0], 16.0, &[Lane::Main]),
            mode("worker", &[100.0, 101.0], 16.0, &[Lane::Worker]),
        ]);
        let text = text(&report);
        assert!(
            text.contains("worker was faster than main on the same sequential code: 100.5 vs 121.0 ms (medians of 2 repeats each)."),
            "{text}"
        );
        assert!(
            !text.contains(" -") && !text.contains("(-"),
            "no negative number: {text}"
        );

        // Worker slower, separated.
        let report = cpu(vec![
            mode("main", &[100.0, 101.0], 16.0, &[Lane::Main]),
            mode("worker", &[110.0, 111.0], 16.0, &[Lane::Worker]),
        ]);
        assert!(
            self::text(&report)
                .contains("worker took longer than main on the same sequential code: 110.5 vs 100.5 ms"),
            "{}",
            self::text(&report)
        );

        // One repeat each: no call.
        let report = cpu(vec![
            mode("main", &[100.0], 16.0, &[Lane::Main]),
            mode("worker", &[110.0], 16.0, &[Lane::Worker]),
        ]);
        let text = self::text(&report);
        assert!(
            text.contains("worker and main ran the same sequential code: 110.0 vs 100.0 ms (medians) — one repeat: too few to call a difference; raise repeats."),
            "{text}"
        );
        assert!(!text.contains("longer than"), "{text}");
    }

    #[test]
    fn the_hand_off_is_claimed_only_when_positive_in_every_repeat() {
        // The second repeat's task span covers its whole wall: no positive remainder, no hand-off claimed.
        let mut worker = mode("worker", &[100.0, 101.0], 16.0, &[Lane::Worker]);
        worker.repeats[1].spans[0].start_ms = 0.0;
        worker.repeats[1].spans[0].end_ms = 101.0;
        let report = cpu(vec![mode("main", &[100.0, 101.0], 16.0, &[Lane::Main]), worker]);
        let text = text(&report);
        assert!(!text.contains("hand-off"), "{text}");
        // A warm-up with no tasks does not count against it.
        let mut worker = mode("worker", &[100.0, 101.0], 16.0, &[Lane::Worker]);
        worker.repeats.insert(0, repeat(500.0, None, &[]));
        worker.repeats[0].warmup = true;
        let report = cpu(vec![worker]);
        assert!(
            self::text(&report).contains("took 2.0 ms (median of 2 repeats"),
            "{}",
            self::text(&report)
        );
    }

    #[test]
    fn main_is_said_to_freeze_only_when_its_reading_shows_it() {
        // Frozen 0 ms, short gaps: no freeze claimed, the gap and the threshold quoted.
        let report = cpu(vec![mode("main", &[5.0, 6.0], 20.0, &[Lane::Main])]);
        let text = text(&report);
        assert!(
            text.contains("main's longest frame gap was 20 ms, below the 50 ms threshold: the work was too short to freeze the page visibly."),
            "{text}"
        );
        assert!(!text.contains("froze"), "{text}");
        assert!(!text.contains("could respond"), "{text}");

        // No reading at all: nothing about main's frames.
        let mut report = cpu(vec![mode("main", &[5.0, 6.0], 20.0, &[Lane::Main])]);
        for repeat in &mut report.modes[0].repeats {
            repeat.freeze = None;
        }
        let text = self::text(&report);
        assert!(!text.contains("froze"), "{text}");
        assert!(!text.contains("frame gap"), "{text}");

        // A long gap without frozen time is still a freeze, quoted as the gap.
        let mut report = cpu(vec![mode("main", &[500.0, 501.0], 20.0, &[Lane::Main])]);
        report.modes[0].repeats[0].freeze = Some(FreezeReading {
            max_frame_gap_ms: 300.0,
            frozen_ms: 0.0,
            long_tasks: 1,
        });
        let text = self::text(&report);
        assert!(
            text.contains("main froze the page: its longest frame gap was 300 ms"),
            "{text}"
        );
        assert!(!text.contains("for 0 ms"), "{text}");
    }

    #[test]
    fn a_long_frame_off_the_main_thread_is_reported_without_a_cause() {
        let report = cpu(vec![
            mode("worker", &[100.0, 101.0], 16.0, &[Lane::Worker]),
            mode("pool", &[60.0, 61.0], 120.0, POOL),
        ]);
        let text = text(&report);
        assert!(
            text.contains("While pool ran, a frame gap of 120 ms was measured (over the 50 ms threshold); the readings do not show what delayed that frame."),
            "{text}"
        );
        assert!(!text.contains("drawing"), "{text}");
        assert!(!text.contains("kept the page responsive"), "{text}");

        // A mode without a reading is left out of the responsiveness sentence.
        let mut report = cpu(vec![
            mode("worker", &[100.0, 101.0], 16.0, &[Lane::Worker]),
            mode("pool", &[60.0, 61.0], 16.0, POOL),
        ]);
        for repeat in &mut report.modes[0].repeats {
            repeat.freeze = None;
        }
        let text = self::text(&report);
        assert!(
            text.contains("pool kept the page responsive: longest frame gap 16 ms."),
            "{text}"
        );
        assert!(!text.contains("worker and pool kept"), "{text}");
    }

    const PAGE_POOL: &[Lane] = &[Lane::MainPool(0), Lane::MainPool(1)];

    /// main-pool's sentence, the one that starts with its name and says how many threads it used.
    fn main_pool_sentence_of(report: &ExperimentReport) -> Option<String> {
        verdict(report)
            .into_iter()
            .find(|sentence| sentence.starts_with("main-pool used"))
    }

    #[test]
    fn main_pool_is_called_parallel_yet_frozen_when_the_numbers_show_both() {
        let report = cpu(vec![
            mode("main", &[200.0, 210.0, 190.0], 200.0, &[Lane::Main]),
            mode("main-pool", &[105.0, 104.0, 106.0], 105.0, PAGE_POOL),
            mode("pool", &[100.0, 101.0, 99.0], 16.0, POOL),
        ]);
        assert_eq!(
            main_pool_sentence_of(&report).as_deref(),
            Some(
                "main-pool used 2 threads and was 1.90× faster than main (medians of 3 repeats each), yet it froze \
                 the page for 105 ms (longest frame gap 105 ms) like main: rayon on the UI thread is parallel, but \
                 the UI thread still waits — spinning — until every task is done, and nothing on the page can \
                 respond meanwhile."
            )
        );
        // Its freeze is its own sentence's: the sentence about the other modes' frames leaves main-pool out.
        let text = text(&report);
        assert!(
            text.contains("pool kept the page responsive: longest frame gap 16 ms."),
            "{text}"
        );
        assert!(!text.contains("While main-pool ran"), "{text}");
        assert!(!text.contains("main-pool and pool kept"), "{text}");
    }

    #[test]
    fn main_pool_claims_only_what_its_data_supports() {
        // Overlapping ranges: no speed claim, the medians and "within noise".
        let report = cpu(vec![
            mode("main", &[100.0, 130.0], 120.0, &[Lane::Main]),
            mode("main-pool", &[110.0, 125.0], 110.0, PAGE_POOL),
        ]);
        let sentence = main_pool_sentence_of(&report).unwrap();
        assert!(
            sentence.starts_with(
                "main-pool used 2 threads: 117.5 vs main's 115.0 ms (medians) — within noise (ranges overlap; 2 \
                 repeats each), yet it froze the page"
            ),
            "{sentence}"
        );
        assert!(
            !sentence.contains("faster") && !sentence.contains("slower"),
            "{sentence}"
        );

        // One repeat each: too few to compare.
        let report = cpu(vec![
            mode("main", &[200.0], 200.0, &[Lane::Main]),
            mode("main-pool", &[100.0], 100.0, PAGE_POOL),
        ]);
        let sentence = main_pool_sentence_of(&report).unwrap();
        assert!(sentence.contains("too few to call a difference"), "{sentence}");
        assert!(!sentence.contains("faster"), "{sentence}");

        // No freeze reading: nothing about the page's frames, and no lesson drawn from a freeze.
        let mut report = cpu(vec![
            mode("main", &[200.0, 210.0], 200.0, &[Lane::Main]),
            mode("main-pool", &[105.0, 106.0], 105.0, PAGE_POOL),
        ]);
        for repeat in &mut report.modes[1].repeats {
            repeat.freeze = None;
        }
        assert_eq!(
            main_pool_sentence_of(&report).as_deref(),
            Some("main-pool used 2 threads and was 1.94× faster than main (medians of 2 repeats each).")
        );

        // A reading under the threshold: no freeze claimed, the gap and the threshold quoted; "like main" only
        // where main's own reading froze.
        let report = cpu(vec![
            mode("main", &[20.0, 21.0], 30.0, &[Lane::Main]),
            mode("main-pool", &[12.0, 13.0], 20.0, PAGE_POOL),
        ]);
        let sentence = main_pool_sentence_of(&report).unwrap();
        assert!(
            sentence.ends_with(
                "; its longest frame gap was 20 ms, below the 50 ms threshold: the work was too short to freeze \
                 the page visibly."
            ),
            "{sentence}"
        );
        assert!(!sentence.contains("froze"), "{sentence}");
        let report = cpu(vec![
            mode("main", &[200.0, 210.0], 30.0, &[Lane::Main]),
            mode("main-pool", &[105.0, 106.0], 105.0, PAGE_POOL),
        ]);
        let sentence = main_pool_sentence_of(&report).unwrap();
        assert!(
            sentence.contains("froze the page for 105 ms") && !sentence.contains("like main"),
            "{sentence}"
        );

        // Slower than main (a loaded machine, or tasks too small): said, and the freeze joined without a "yet".
        let report = cpu(vec![
            mode("main", &[200.0, 210.0], 200.0, &[Lane::Main]),
            mode("main-pool", &[300.0, 310.0], 300.0, PAGE_POOL),
        ]);
        let sentence = main_pool_sentence_of(&report).unwrap();
        assert!(
            sentence.starts_with(
                "main-pool used 2 threads and was slower than main: 305.0 vs 205.0 ms (medians of 2 repeats each), \
                 and it froze the page for 300 ms (longest frame gap 300 ms) like main: rayon on the UI thread is \
                 parallel"
            ),
            "{sentence}"
        );

        // One thread: no "parallel" lesson; without main, no comparison.
        let report = cpu(vec![mode(
            "main-pool",
            &[105.0, 106.0],
            105.0,
            &[Lane::MainPool(0)],
        )]);
        assert_eq!(
            main_pool_sentence_of(&report).as_deref(),
            Some("main-pool used 1 thread, and it froze the page for 105 ms (longest frame gap 105 ms).")
        );

        // A main-pool that could not run (the single-threaded build) has its row's error and no sentence.
        let mut failed = mode("main-pool", &[], 0.0, &[]);
        failed.error = Some("main-pool needs the threaded build".to_owned());
        let report = cpu(vec![mode("main", &[200.0, 210.0], 200.0, &[Lane::Main]), failed]);
        assert_eq!(main_pool_sentence_of(&report), None);
        assert!(text(&report).contains("main-pool could not run; see its row."));
    }

    /// An I/O mode run once, with one request span per entry of `requests` (durations in ms).
    fn io(name: &str, wall: f64, requests: &[f64], in_flight: u32) -> ModeReport {
        let mut mode = mode(name, &[wall], 16.0, &[]);
        mode.repeats[0].spans = requests
            .iter()
            .enumerate()
            .map(|(index, &duration)| Span {
                lane: Lane::Request(index as u32),
                name: "GET".to_owned(),
                start_ms: 0.0,
                end_ms: duration,
            })
            .collect();
        mode.repeats[0].threads_used = in_flight;
        mode
    }

    fn io_report(modes: Vec<ModeReport>) -> ExperimentReport {
        let mut report = cpu(modes);
        report.kind = ExperimentKind::Io;
        report.ideal_speedup = 5.0;
        report
    }

    #[test]
    fn io_runs_are_called_io_bound_when_the_gap_clears_the_request_spread() {
        let report = io_report(vec![
            io("io-single", 301.0, &[301.0], 1),
            io("io-sequential", 1505.0, &[300.0, 301.0, 302.0, 300.0, 302.0], 1),
            io("io-concurrent", 330.0, &[305.0, 310.0, 306.0, 308.0, 309.0], 5),
        ]);
        let text = text(&report);
        // One request against five: no spread to judge the single request by, so no winner is named.
        assert!(!text.contains("io-single won"), "{text}");
        assert!(
            text.contains("one repeat: too few to call a difference"),
            "{text}"
        );
        assert!(!text.contains("that is the overhead"), "{text}");
        assert!(
            text.contains("sequential took 1505.0 ms, concurrent 330.0 ms: 4.56× for 5 requests (1 run each; the 1175.0 ms gap exceeds 2× the 10.0 ms spread of the requests' own times)"),
            "{text}"
        );
        assert!(text.contains("I/O-bound"), "{text}");
        // One request alone has no spread of its own: concurrent against it is not called.
        assert!(
            text.contains("concurrent (330.0 ms) against one request alone (301.0 ms) — one repeat: too few"),
            "{text}"
        );
    }

    #[test]
    fn io_differences_inside_the_request_spread_are_within_noise() {
        let report = io_report(vec![
            io("io-single", 300.0, &[300.0], 1),
            io("io-sequential", 400.0, &[60.0, 100.0, 80.0, 90.0, 70.0], 1),
            io("io-concurrent", 320.0, &[200.0, 320.0, 250.0, 300.0, 310.0], 5),
        ]);
        let text = text(&report);
        // Spread 60–320 = 260 ms: 80 ms between sequential and concurrent is noise, and so is 20 ms to single.
        assert!(
            text.contains("sequential took 400.0 ms, concurrent 320.0 ms — within noise (1 run each; the 80.0 ms gap is within 2× the 260.0 ms spread of the requests' own times)."),
            "{text}"
        );
        assert!(
            text.contains("no overhead of running them together is claimed"),
            "{text}"
        );
        assert!(!text.contains("I/O-bound"), "{text}");
        assert!(!text.contains("won"), "{text}");
    }

    #[test]
    fn io_overlap_that_falls_short_names_the_connection_cap_from_the_data() {
        let report = io_report(vec![
            io("io-sequential", 1500.0, &[300.0, 300.0, 300.0, 300.0, 300.0], 1),
            io("io-concurrent", 900.0, &[300.0, 300.0, 300.0, 300.0, 300.0], 2),
        ]);
        let text = text(&report);
        assert!(text.contains("1.67× for 5 requests"), "{text}");
        assert!(
            text.contains("at most 2 of the 5 requests were in flight at once"),
            "{text}"
        );
        assert!(!text.contains("I/O-bound"), "{text}");
    }

    #[test]
    fn a_report_with_nothing_measured_still_gives_its_notes() {
        let mut stopped = cpu(Vec::new());
        stopped.kind = ExperimentKind::Sweep;
        stopped.notes = vec!["Stopped by the user after 0 of 4 thread counts.".to_owned()];
        assert_eq!(verdict(&stopped), stopped.notes);

        let mut failed = cpu(vec![mode("pool", &[], 0.0, &[])]);
        failed.modes[0].error = Some("the worker went away".to_owned());
        failed.notes = vec!["a note".to_owned()];
        assert_eq!(verdict(&failed), ["pool could not run; see its row.", "a note"]);
    }

    #[test]
    fn counts_are_worded_for_each_shape() {
        assert_eq!(counted(&[3, 3], "repeat"), "3 repeats each");
        assert_eq!(counted(&[1], "repeat"), "1 repeat");
        assert_eq!(counted(&[2, 5], "sample"), "2 and 5 samples");
        assert_eq!(counted(&[2, 5, 3], "repeat"), "2–5 repeats");
    }
}
