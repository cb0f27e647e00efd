//! The hint that a pool may have more threads than the machine has cores: browsers report
//! `navigator.hardwareConcurrency` as they like (WebKitGTK says 4 on a 2-core machine), and a pool sized by it —
//! or by a `threads=` / pool size set above the machine's cores — oversubscribes the cores. The sentence only points at the sweep, which measures where adding threads stops
//! helping; it never claims the core count, which the page cannot know.

use super::{Call, ModeReport};
use crate::settings::Preset;

/// A pool whose separated speedup stays below this share of its thread count gets the hint.
pub const OVERSUBSCRIBED_SHARE: f64 = 0.6;

/// The sentence that points at the scaling sweep, or `None` unless the data support it: a pool of at least two
/// threads, every one of which picked up work, compared with `base_name` by the noise rule with separated
/// ranges (`call` is `Faster` or `Slower`), whose speedup stayed below [`OVERSUBSCRIBED_SHARE`] × its threads.
pub(super) fn fewer_cores_hint(
    call: Call,
    speedup: f64,
    threads: f64,
    base_name: &str,
    basis: &str,
    pool: &ModeReport,
) -> Option<String> {
    let separated = matches!(call, Call::Faster | Call::Slower);
    let every_thread_worked = pool.threads_used().is_some_and(|used| f64::from(used) >= threads);
    if !(separated
        && every_thread_worked
        && threads >= 2.0
        && speedup.is_finite()
        && speedup < OVERSUBSCRIBED_SHARE * threads)
    {
        return None;
    }
    Some(format!(
        "Against {base_name} the pool reached only {speedup:.2}× on {threads:.0} threads ({basis}): the pool may \
         have more threads than the machine has cores (browsers may report more cores than there are, and the \
         pool size can be set higher) — run the scaling sweep (Presets → {}) to see where adding threads stops \
         helping.",
        sweep_button()
    ))
}

/// The sweep's button as the presets tab labels it, without its parenthesis.
fn sweep_button() -> &'static str {
    let title = Preset::Sweep.title();
    title.split(" (").next().unwrap_or(title)
}

#[cfg(test)]
mod tests {
    use super::super::verdict;
    use super::*;
    use crate::report::{ExperimentKind, ExperimentReport, Lane, Repeat, Span};

    /// A mode whose measured repeats took `walls` ms, each with a task on every lane of `lanes`.
    fn mode(name: &str, walls: &[f64], lanes: &[Lane]) -> ModeReport {
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
                    freeze: None,
                    threads_used: lanes.len() as u32,
                    requests: Vec::new(),
                })
                .collect(),
            result: "1".to_owned(),
            error: None,
            notes: Vec::new(),
        }
    }

    fn pool_lanes(threads: u32) -> Vec<Lane> {
        (0..threads).map(Lane::Pool).collect()
    }

    /// A CPU report of worker against a pool of `threads` threads (its ideal speedup).
    fn report(worker: &[f64], pool: &[f64], threads: u32, used: u32) -> ExperimentReport {
        ExperimentReport {
            id: 1,
            kind: ExperimentKind::Cpu,
            label: String::new(),
            permalink: String::new(),
            ideal_speedup: f64::from(threads),
            notes: Vec::new(),
            modes: vec![
                mode("worker", worker, &[Lane::Worker]),
                mode("pool", pool, &pool_lanes(used)),
            ],
        }
    }

    fn text(report: &ExperimentReport) -> String {
        verdict(report).join(" ")
    }

    #[test]
    fn a_pool_far_short_of_its_threads_points_at_the_sweep() {
        // 1.2× on 4 threads, ranges separated: the WebKitGTK case (4 reported, 2 real cores, a loaded machine).
        let text = text(&report(&[120.0, 121.0, 119.0], &[100.0, 101.0, 99.0], 4, 4));
        assert!(
            text.contains(
                "Against worker the pool reached only 1.20× on 4 threads (medians of 3 repeats each): the pool \
                 may have more threads than the machine has cores (browsers may report more cores than there \
                 are, and the pool size can be set higher) — run the scaling sweep (Presets → Scaling sweep) to \
                 see where adding threads stops helping."
            ),
            "{text}"
        );
    }

    #[test]
    fn a_pool_slower_than_one_thread_on_big_work_gets_the_hint_too() {
        let text = text(&report(&[200.0, 201.0], &[260.0, 262.0], 4, 4));
        assert!(text.contains("The pool was slower than worker"), "{text}");
        assert!(text.contains("only 0.77× on 4 threads"), "{text}");
    }

    #[test]
    fn no_hint_without_the_data_for_it() {
        let cases = [
            // Ranges overlap: no speedup is judged, so none is called short.
            ("overlap", report(&[120.0, 100.0], &[101.0, 110.0], 4, 4)),
            // One repeat each: too few.
            ("one repeat", report(&[120.0], &[100.0], 4, 4)),
            // 1.9× on 2 threads is 95 % of the ideal.
            ("near ideal", report(&[190.0, 191.0], &[100.0, 101.0], 2, 2)),
            // Exactly at the threshold: 2.4× on 4 threads is 0.6 × 4, not below it.
            ("at the threshold", report(&[240.0, 240.0], &[100.0, 100.0], 4, 4)),
            // One thread: nothing to oversubscribe.
            ("one thread", report(&[120.0, 121.0], &[100.0, 101.0], 1, 1)),
            // Only 2 of 4 threads worked: the cause is the work's split, said by its own sentence.
            ("idle threads", report(&[120.0, 121.0], &[100.0, 101.0], 4, 2)),
        ];
        for (name, report) in cases {
            let text = text(&report);
            assert!(!text.contains("scaling sweep"), "{name}: {text}");
        }
    }

    #[test]
    fn a_slow_pool_on_tiny_work_is_blamed_on_the_hand_off_not_the_cores() {
        // 2 ms of work, a 4-thread pool at 6 ms whose tasks span 2 ms: its hand-off (4 ms in every repeat)
        // outweighs what splitting could save (1.5 ms), so that is the sentence, and the sweep is not suggested.
        let mut report = report(&[2.0, 2.1], &[6.0, 6.2], 4, 4);
        for repeat in &mut report.modes[1].repeats {
            for span in &mut repeat.spans {
                span.end_ms = 3.0;
            }
        }
        let text = text(&report);
        assert!(text.contains("could save at most"), "{text}");
        assert!(!text.contains("scaling sweep"), "{text}");
    }

    #[test]
    fn the_hint_names_the_sweep_as_the_presets_tab_labels_it() {
        assert_eq!(sweep_button(), "Scaling sweep");
        assert!(Preset::Sweep.title().starts_with(sweep_button()));
    }
}
