//! The verdict: a few sentences computed from the measurements. Every sentence quotes numbers from the report;
//! a sentence whose numbers are missing is left out rather than guessed.

mod presets;

pub use presets::{HandoffPoint, handoff_notes, pipeline_notes, pool_start_notes, stream_notes, sweep_notes};

use super::{ExperimentKind, ExperimentReport, ModeReport, ReportMode};
use crate::io::IoMode;
use crate::modes::Mode;

fn median(report: &ExperimentReport, mode: ReportMode) -> Option<f64> {
    find(report, mode)
        .and_then(ModeReport::summary)
        .map(|summary| summary.median)
}

fn find(report: &ExperimentReport, mode: ReportMode) -> Option<&ModeReport> {
    report
        .modes
        .iter()
        .find(|candidate| candidate.mode == mode && candidate.error.is_none())
}

/// The verdict on one experiment.
pub fn verdict(report: &ExperimentReport) -> Vec<String> {
    let measured: Vec<(String, f64)> = report
        .modes
        .iter()
        .filter(|mode| mode.error.is_none())
        .filter_map(|mode| mode.summary().map(|summary| (mode.mode.id(), summary.median)))
        .collect();
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
    if let Some((fastest, fastest_ms)) = measured.iter().min_by(|a, b| a.1.total_cmp(&b.1)) {
        let (fastest_ms, (slowest, slowest_ms)) = (
            *fastest_ms,
            measured
                .iter()
                .max_by(|a, b| a.1.total_cmp(&b.1))
                .map_or((fastest, *fastest_ms), |(mode, ms)| (mode, *ms)),
        );
        if measured.len() > 1 && fastest_ms > 0.0 {
            sentences.push(format!(
                "{fastest} won: median {fastest_ms:.1} ms, {:.2}× faster than {slowest} ({slowest_ms:.1} ms).",
                slowest_ms / fastest_ms
            ));
        } else {
            sentences.push(format!("{fastest} took {fastest_ms:.1} ms (median)."));
        }
        match report.kind {
            ExperimentKind::Cpu => cpu_sentences(report, &mut sentences),
            ExperimentKind::Io => io_sentences(report, &mut sentences),
            ExperimentKind::PoolStart
            | ExperimentKind::Sweep
            | ExperimentKind::Handoff
            | ExperimentKind::Pipeline
            | ExperimentKind::Stream => {}
        }
    }
    sentences.extend(report.notes.iter().cloned());
    freeze_sentences(report, &mut sentences);
    sentences
}

fn cpu_sentences(report: &ExperimentReport, sentences: &mut Vec<String>) {
    let ideal = report.ideal_speedup;
    let sequential = median(report, ReportMode::Cpu(Mode::Worker))
        .map(|ms| ("worker", ms))
        .or_else(|| median(report, ReportMode::Cpu(Mode::Main)).map(|ms| ("main", ms)));
    if let (Some((base_mode, base_ms)), Some(pool_ms), Some(pool)) = (
        sequential,
        median(report, ReportMode::Cpu(Mode::Pool)),
        find(report, ReportMode::Cpu(Mode::Pool)),
    ) && pool_ms > 0.0
    {
        let speedup = base_ms / pool_ms;
        let efficiency = 100.0 * speedup / ideal.max(1.0);
        if speedup >= 1.3 {
            sentences.push(format!(
                "The work is CPU-bound: the pool's {} threads made it {speedup:.2}× faster than {base_mode}, \
                 {efficiency:.0}% of the ideal {ideal:.0}×.",
                pool.threads_used().unwrap_or(0)
            ));
        } else if speedup < 0.9 {
            sentences.push(format!(
                "The pool was slower than {base_mode} ({speedup:.2}×): {base_ms:.1} ms of work is too little to \
                 pay for handing it to {ideal:.0} threads and collecting the results."
            ));
        } else {
            sentences.push(format!(
                "The pool barely helped: {speedup:.2}× against an ideal {ideal:.0}× — with this little work, \
                 start-up and hand-off are a large share."
            ));
        }
        if speedup >= 0.9 && efficiency < 90.0 {
            sentences.extend(what_ate_the_difference(pool, ideal));
        }
    }
    if let (Some(main_ms), Some(worker_ms)) = (
        median(report, ReportMode::Cpu(Mode::Main)),
        median(report, ReportMode::Cpu(Mode::Worker)),
    ) {
        sentences.push(format!(
            "worker and main ran the same sequential code ({worker_ms:.1} vs {main_ms:.1} ms); the difference, \
             {:.1} ms, is the hand-off to the worker and back.",
            worker_ms - main_ms
        ));
    }
}

/// Looks inside the pool's shown repeat for where the time went.
fn what_ate_the_difference(pool: &ModeReport, ideal: f64) -> Vec<String> {
    let mut reasons = Vec::new();
    let Some(repeat) = pool.shown_repeat() else {
        return reasons;
    };
    let tasks: Vec<&super::Span> = repeat
        .spans
        .iter()
        .filter(|span| matches!(span.lane, super::Lane::Pool(_)))
        .collect();
    let first = tasks
        .iter()
        .map(|span| span.start_ms)
        .fold(f64::INFINITY, f64::min);
    let last = tasks
        .iter()
        .map(|span| span.end_ms)
        .fold(f64::NEG_INFINITY, f64::max);
    if first.is_finite() && last.is_finite() {
        let handoff = repeat.wall_ms() - (last - first);
        if handoff > 0.0 {
            reasons.push(format!(
                "Hand-off took {handoff:.1} ms of the pool's {:.1} ms: the request to the worker, waking the \
                 threads and the reply.",
                repeat.wall_ms()
            ));
        }
        let mut busy: Vec<(super::Lane, f64)> = Vec::new();
        for span in &tasks {
            match busy.iter_mut().find(|(lane, _)| *lane == span.lane) {
                Some((_, total)) => *total += span.duration_ms(),
                None => busy.push((span.lane, span.duration_ms())),
            }
        }
        let busiest = busy.iter().map(|(_, total)| *total).fold(0.0, f64::max);
        let mean = busy.iter().map(|(_, total)| *total).sum::<f64>() / busy.len().max(1) as f64;
        if busiest > 1.2 * mean {
            reasons.push(format!(
                "The threads were unevenly loaded: the busiest worked {busiest:.1} ms, the average {mean:.1} ms."
            ));
        }
    }
    if f64::from(pool.threads_used().unwrap_or(0)) < ideal {
        reasons.push(format!(
            "Only {} of {ideal:.0} pool threads picked up work: the tasks were too few or too short to share.",
            pool.threads_used().unwrap_or(0)
        ));
    }
    reasons
}

fn io_sentences(report: &ExperimentReport, sentences: &mut Vec<String>) {
    let single = median(report, ReportMode::Io(IoMode::Single));
    let sequential = median(report, ReportMode::Io(IoMode::Sequential));
    let concurrent = median(report, ReportMode::Io(IoMode::Concurrent));
    let n = report.ideal_speedup;
    if let (Some(sequential), Some(concurrent)) = (sequential, concurrent)
        && concurrent > 0.0
    {
        let ratio = sequential / concurrent;
        let kind = if ratio >= 0.6 * n.max(1.0) {
            "The requests spent their time waiting, not working: this is I/O-bound, so overlapping them \
             helps — on one thread, without more cores."
        } else {
            "Overlapping helped less than the request count suggests: something serialised them (a \
             connection limit, or the server)."
        };
        sentences.push(format!(
            "sequential took {sequential:.1} ms, concurrent {concurrent:.1} ms: {ratio:.2}× for {n:.0} \
             requests. {kind}"
        ));
    }
    if let (Some(single), Some(concurrent)) = (single, concurrent) {
        sentences.push(format!(
            "concurrent finished {:.1} ms after one request alone would ({single:.1} ms): that is the \
             overhead of running them together.",
            concurrent - single
        ));
    }
    for mode in &report.modes {
        sentences.extend(mode.notes.iter().cloned());
    }
}

fn freeze_sentences(report: &ExperimentReport, sentences: &mut Vec<String>) {
    if let Some(main) = find(report, ReportMode::Cpu(Mode::Main)) {
        let Some(freeze) = main.worst_freeze() else {
            return;
        };
        sentences.push(format!(
            "main froze the page for {:.0} ms (longest frame gap {:.0} ms): nothing on the page could respond \
             meanwhile.",
            freeze.frozen_ms, freeze.max_frame_gap_ms
        ));
    }
    let others: Vec<&ModeReport> = report
        .modes
        .iter()
        .filter(|mode| {
            mode.mode != ReportMode::Cpu(Mode::Main) && mode.error.is_none() && !mode.repeats.is_empty()
        })
        .collect();
    if !others.is_empty() {
        let worst = others
            .iter()
            .filter_map(|mode| mode.worst_freeze().map(|freeze| freeze.max_frame_gap_ms))
            .fold(0.0, f64::max);
        let names: Vec<String> = others.iter().map(|mode| mode.mode.id()).collect();
        if worst <= super::stats::FROZEN_FRAME_MS {
            sentences.push(format!(
                "{} kept the page responsive: longest frame gap {worst:.0} ms.",
                names.join(" and ")
            ));
        } else {
            sentences.push(format!(
                "{} left the UI thread free for the work itself, yet a frame still took {worst:.0} ms \
                 (receiving and drawing the result).",
                names.join(" and ")
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{FreezeReading, Lane, Repeat, Span};
    use super::*;

    fn mode(name: &str, walls: &[f64], gap: f64, lanes: &[Lane]) -> ModeReport {
        ModeReport {
            mode: name.parse().unwrap(),
            repeats: walls
                .iter()
                .map(|&wall| Repeat {
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
                    freeze: Some(FreezeReading {
                        max_frame_gap_ms: gap,
                        frozen_ms: if gap > 50.0 { gap } else { 0.0 },
                        long_tasks: 0,
                    }),
                    threads_used: lanes.len() as u32,
                })
                .collect(),
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

    #[test]
    fn a_good_pool_run_is_called_cpu_bound_with_its_numbers() {
        let report = cpu(vec![
            mode("main", &[200.0, 210.0, 190.0], 200.0, &[Lane::Main]),
            mode("worker", &[205.0], 16.0, &[Lane::Worker]),
            mode("pool", &[105.0], 17.0, &[Lane::Pool(0), Lane::Pool(1)]),
        ]);
        let text = verdict(&report).join(" ");
        assert!(text.contains("pool won: median 105.0 ms"), "{text}");
        assert!(text.contains("CPU-bound"), "{text}");
        assert!(text.contains("1.95× faster than worker"), "{text}");
        assert!(text.contains("main froze the page for 200 ms"), "{text}");
        assert!(
            text.contains("worker and pool kept the page responsive: longest frame gap 17 ms"),
            "{text}"
        );
    }

    #[test]
    fn a_tiny_job_is_called_too_small_for_the_pool() {
        let report = cpu(vec![
            mode("worker", &[2.0], 16.0, &[Lane::Worker]),
            mode("pool", &[4.0], 16.0, &[Lane::Pool(0)]),
        ]);
        let text = verdict(&report).join(" ");
        assert!(text.contains("slower than worker (0.50×)"), "{text}");
    }

    #[test]
    fn a_half_used_pool_names_the_missing_threads() {
        let report = cpu(vec![
            mode("worker", &[100.0], 16.0, &[Lane::Worker]),
            mode("pool", &[70.0], 16.0, &[Lane::Pool(0)]),
        ]);
        let text = verdict(&report).join(" ");
        assert!(text.contains("Only 1 of 2 pool threads"), "{text}");
    }

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

    #[test]
    fn io_runs_are_called_io_bound() {
        let mut report = cpu(vec![
            mode("io-single", &[301.0], 16.0, &[]),
            mode("io-sequential", &[1505.0], 16.0, &[]),
            mode("io-concurrent", &[310.0], 16.0, &[]),
        ]);
        report.kind = ExperimentKind::Io;
        report.ideal_speedup = 5.0;
        let text = verdict(&report).join(" ");
        assert!(text.contains("4.85× for 5 requests"), "{text}");
        assert!(text.contains("I/O-bound"), "{text}");
        assert!(text.contains("finished 9.0 ms after one request"), "{text}");
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
}
