//! The URL codec: reads a page's query into [`ParsedSettings`] and writes settings back as a permalink.
//! Decoding and encoding of values are `application/x-www-form-urlencoded`, by the `form_urlencoded` crate.

use super::{
    CpuSettings, DEFAULT_IO_COUNT, DEFAULT_LATENCY_MS, DEFAULT_REPEATS, DEFAULT_TIMEOUT_MS, Experiment,
    IoSettings, MAX_IO_COUNT, MAX_LATENCY_MS, MAX_REPEATS, MAX_THREADS, ParsedSettings, Preset,
    TIMEOUT_RANGE_MS, Tab, lab_target, parse_bounded, parse_count,
};
use crate::io::{IoMode, check_target};
use crate::kernels::{DEFAULT_TASKS, Kernel, KernelSpec};
use crate::lessons::Lesson;
use crate::modes::Mode;

/// Splits a URL query (with or without its leading `?`) into decoded key–value pairs; `+` means a space and
/// `%XX` a byte, as in `application/x-www-form-urlencoded`. Invalid escapes are kept as typed, and bytes that
/// are not UTF-8 become U+FFFD.
pub fn query_pairs(search: &str) -> Vec<(String, String)> {
    form_urlencoded::parse(search.trim_start_matches('?').as_bytes())
        .map(|(key, value)| (key.into_owned(), value.into_owned()))
        .collect()
}

/// A mode that `modes=` lists by id, comma-separated: the CPU experiment's [`Mode`] and the I/O lab's
/// [`IoMode`]. Both lists are read by the one parser, [`parse_modes`].
pub trait UrlMode: Copy + Ord {
    /// What the notes call an entry: "mode", "I/O mode".
    const NOUN: &'static str;
    /// What happens when the list names no known mode, for the note.
    const FALLBACK: &'static str;

    /// Parses one entry of the list.
    fn from_url_id(id: &str) -> Option<Self>;
}

impl UrlMode for Mode {
    const NOUN: &'static str = "mode";
    const FALLBACK: &'static str = "running main, worker and pool";

    fn from_url_id(id: &str) -> Option<Mode> {
        Mode::from_id(id)
    }
}

impl UrlMode for IoMode {
    const NOUN: &'static str = "I/O mode";
    const FALLBACK: &'static str = "using the defaults";

    fn from_url_id(id: &str) -> Option<IoMode> {
        IoMode::from_id(id)
    }
}

/// Reads a `modes=` list: the known modes, each once, in execution order (the type's `Ord`), whatever order
/// the URL gave. Empty entries are skipped; an unknown entry is noted and skipped; a list with no known mode at
/// all is noted and yields `None`, so the caller keeps its defaults.
pub fn parse_modes<M: UrlMode>(list: &str, notes: &mut Vec<String>) -> Option<Vec<M>> {
    let mut modes = Vec::new();
    for id in list.split(',').filter(|id| !id.is_empty()) {
        match M::from_url_id(id) {
            Some(mode) if !modes.contains(&mode) => modes.push(mode),
            Some(_) => {}
            None => notes.push(format!("unknown {} “{id}” ignored", M::NOUN)),
        }
    }
    if modes.is_empty() {
        notes.push(format!("no known {} in “modes”: {}", M::NOUN, M::FALLBACK));
        return None;
    }
    crate::order::sort(&mut modes);
    Some(modes)
}

/// Reads the experiment from URL query pairs: `experiment` (`cpu` or `io`); for the CPU experiment `kernel`,
/// `n`, `t`, `r`, `modes`, `autorun`; for the I/O lab `n`, `k`, `ms`, `timeout`, `target` (repeatable),
/// `modes`, `autorun`; `preset` (with `autorun`), `threads` (the pool size, for every experiment) and `debug`.
/// Parameters of the other experiment are left at their defaults.
pub fn from_query<K, V>(pairs: impl IntoIterator<Item = (K, V)>) -> ParsedSettings
where
    K: AsRef<str>,
    V: AsRef<str>,
{
    let pairs: Vec<(String, String)> = pairs
        .into_iter()
        .map(|(key, value)| (key.as_ref().to_owned(), value.as_ref().to_owned()))
        .collect();
    let mut notes = Vec::new();
    let experiment = match pairs.iter().rev().find(|(key, _)| key == "experiment") {
        None => Experiment::Cpu,
        Some((_, value)) if value == "cpu" => Experiment::Cpu,
        Some((_, value)) if value == "io" => Experiment::Io,
        Some((_, value)) => {
            notes.push(format!("unknown experiment “{value}”: using cpu"));
            Experiment::Cpu
        }
    };
    let preset = match pairs.iter().rev().find(|(key, _)| key == "preset") {
        None => None,
        Some((_, value)) => {
            let preset = Preset::from_id(value);
            if preset.is_none() {
                notes.push(format!("unknown or not yet built preset “{value}”"));
            }
            preset
        }
    };
    let lesson = match pairs.iter().rev().find(|(key, _)| key == "lesson") {
        None => None,
        Some((_, value)) => {
            let lesson = Lesson::from_id(value);
            if lesson.is_none() {
                notes.push(format!("unknown lesson “{value}”: showing the first"));
            }
            Some(lesson.unwrap_or(Lesson::OneRequest))
        }
    };
    let tab = match pairs.iter().rev().find(|(key, _)| key == "tab") {
        Some((_, value)) => Tab::from_id(value).unwrap_or_else(|| {
            notes.push(format!("unknown tab “{value}”"));
            Tab::implied(lesson.is_some(), preset.is_some(), experiment)
        }),
        None => Tab::implied(lesson.is_some(), preset.is_some(), experiment),
    };
    let autorun = pairs
        .iter()
        .any(|(key, value)| key == "autorun" && matches!(value.as_str(), "1" | "true" | "yes"));
    let threads = pairs
        .iter()
        .rev()
        .find(|(key, _)| key == "threads")
        .and_then(|(_, value)| parse_threads(value, &mut notes));
    let (mut settings, io) = match (preset, experiment) {
        // A lesson or preset URL runs the lesson or preset; the experiments keep their defaults.
        _ if lesson.is_some() => (CpuSettings::default(), IoSettings::default()),
        (Some(_), _) => (CpuSettings::default(), IoSettings::default()),
        (None, Experiment::Cpu) => (cpu_from_query(&pairs, &mut notes), IoSettings::default()),
        (None, Experiment::Io) => (CpuSettings::default(), io_from_query(&pairs, &mut notes)),
    };
    settings.threads = threads;
    let size_from_url = lesson.is_none()
        && preset.is_none()
        && experiment == Experiment::Cpu
        && pairs.iter().any(|(key, _)| key == "n");
    let preset_autorun = lesson.is_none() && preset.is_some() && autorun;
    let lesson_autorun = lesson.is_some() && autorun;
    let debug = pairs.iter().any(|(key, value)| key == "debug" && value == "1");
    ParsedSettings {
        tab,
        lesson,
        lesson_autorun,
        debug,
        size_from_url,
        experiment,
        settings,
        io,
        preset,
        preset_autorun,
        threads,
        notes,
    }
}

/// Reads `threads=`: a pool size in `1..=`[`MAX_THREADS`], or a note and `None` (one thread per reported core).
fn parse_threads(text: &str, notes: &mut Vec<String>) -> Option<u32> {
    match parse_bounded(text, 1, u64::from(MAX_THREADS)) {
        Ok(threads) => u32::try_from(threads).ok(),
        Err(reason) => {
            notes.push(format!(
                "threads ignored ({reason}): the pool gets one thread per core the browser reports"
            ));
            None
        }
    }
}

/// Reads a bounded number from the URL, or notes why not and falls back.
fn url_number(notes: &mut Vec<String>, name: &str, text: &str, range: (u32, u32), fallback: u32) -> u32 {
    match parse_bounded(text, u64::from(range.0), u64::from(range.1)) {
        Ok(value) => u32::try_from(value).unwrap_or(fallback),
        Err(reason) => {
            notes.push(format!("{name} ignored ({reason}): using {fallback}"));
            fallback
        }
    }
}

fn io_from_query(pairs: &[(String, String)], notes: &mut Vec<String>) -> IoSettings {
    let mut io = IoSettings::default();
    let mut targets = Vec::new();
    for (key, value) in pairs {
        match key.as_str() {
            "n" => io.count = url_number(notes, "n", value, (1, MAX_IO_COUNT), DEFAULT_IO_COUNT),
            "k" => io.limit = url_number(notes, "k", value, (1, MAX_IO_COUNT), io.limit),
            "timeout" => {
                io.timeout_ms = url_number(notes, "timeout", value, TIMEOUT_RANGE_MS, DEFAULT_TIMEOUT_MS)
            }
            "ms" => {
                let latency = url_number(notes, "ms", value, (0, MAX_LATENCY_MS), DEFAULT_LATENCY_MS);
                io.targets = vec![lab_target(latency)];
            }
            "target" => match check_target(value) {
                Ok(()) => targets.push(value.trim().to_owned()),
                Err(error) => notes.push(format!("target ignored ({error})")),
            },
            "modes" => {
                if let Some(modes) = parse_modes(value, notes) {
                    io.modes = modes;
                }
            }
            "autorun" => io.autorun = matches!(value.as_str(), "1" | "true" | "yes"),
            _ => {}
        }
    }
    if !targets.is_empty() {
        io.targets = targets;
    }
    io
}

/// The query string (without `?`) that [`from_query`] reads back into the same I/O settings.
pub fn io_to_query(io: &IoSettings) -> String {
    let modes: Vec<&str> = io.modes.iter().map(|mode| mode.id()).collect();
    // Numbers and ids are written as they are (a comma is allowed in a query), so the link stays readable;
    // only the targets, which are free text, are encoded.
    let mut query = format!(
        "experiment=io&n={}&k={}&timeout={}&modes={}",
        io.count,
        io.limit,
        io.timeout_ms,
        modes.join(",")
    );
    for target in &io.targets {
        query.push_str("&target=");
        query.extend(form_urlencoded::byte_serialize(target.as_bytes()));
    }
    if io.autorun {
        query.push_str("&autorun=1");
    }
    query
}

fn cpu_from_query(pairs: &[(String, String)], notes: &mut Vec<String>) -> CpuSettings {
    let mut settings = CpuSettings::default();
    let mut size_text = None;
    let mut tasks_text = None;
    for (key, value) in pairs {
        let (key, value) = (key.as_str(), value.as_str());
        match key {
            "kernel" => match Kernel::from_id(value) {
                Some(kernel) => settings.spec = KernelSpec::with_defaults(kernel),
                None => notes.push(format!(
                    "unknown kernel “{value}”: using {}",
                    settings.spec.kernel.id()
                )),
            },
            "n" => size_text = Some(value.to_owned()),
            "t" => tasks_text = Some(value.to_owned()),
            "r" => {
                settings.repeats = url_number(notes, "r", value, (1, MAX_REPEATS), DEFAULT_REPEATS);
            }
            "modes" => {
                if let Some(modes) = parse_modes(value, notes) {
                    settings.modes = modes;
                }
            }
            "autorun" => settings.autorun = matches!(value, "1" | "true" | "yes"),
            // Parameters of other experiments share the URL; they are not ours to judge.
            _ => {}
        }
    }
    if let Some(text) = size_text {
        let candidate = parse_count(&text).and_then(|size| {
            let spec = KernelSpec {
                size,
                ..settings.spec
            };
            spec.validate().map(|()| spec).map_err(|error| error.to_string())
        });
        match candidate {
            Ok(spec) => settings.spec = spec,
            Err(reason) => notes.push(format!("n ignored ({reason}): using {}", settings.spec.size)),
        }
    }
    if let Some(text) = tasks_text {
        let candidate = parse_count(&text).and_then(|tasks| {
            let tasks = u32::try_from(tasks).map_err(|_| format!("“{text}” is far too large"))?;
            let spec = KernelSpec {
                tasks,
                ..settings.spec
            };
            spec.validate().map(|()| spec).map_err(|error| error.to_string())
        });
        match candidate {
            Ok(spec) => settings.spec = spec,
            Err(reason) => notes.push(format!("t ignored ({reason}): using {DEFAULT_TASKS}")),
        }
    }
    settings
}

/// The query string (without `?`) that [`from_query`] reads back into the same settings.
pub fn to_query(settings: &CpuSettings) -> String {
    let modes: Vec<&str> = settings.modes.iter().map(|mode| mode.id()).collect();
    let mut query = format!(
        "kernel={}&n={}&modes={}",
        settings.spec.kernel.id(),
        settings.spec.size,
        modes.join(",")
    );
    if settings.spec.kernel == Kernel::SumLoop {
        query.push_str(&format!("&t={}", settings.spec.tasks));
    }
    query.push_str(&format!("&r={}", settings.repeats));
    if let Some(threads) = settings.threads {
        query.push_str(&format!("&threads={threads}"));
    }
    if settings.autorun {
        query.push_str("&autorun=1");
    }
    query
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(query: &str) -> Vec<(String, String)> {
        query
            .split('&')
            .filter_map(|pair| pair.split_once('='))
            .map(|(key, value)| (key.to_owned(), value.to_owned()))
            .collect()
    }

    #[test]
    fn the_issue_example_parses() {
        let parsed = from_query(split("kernel=primes&n=2000000&modes=main,worker,pool&autorun=1"));
        assert!(parsed.notes.is_empty());
        assert_eq!(parsed.settings.spec.kernel, Kernel::Primes);
        assert_eq!(parsed.settings.spec.size, 2_000_000);
        assert_eq!(parsed.settings.modes, Mode::DEFAULT.to_vec());
        assert!(parsed.settings.autorun);
        assert!(parsed.size_from_url);
    }

    #[test]
    fn round_trips() {
        let settings = CpuSettings {
            spec: KernelSpec {
                kernel: Kernel::SumLoop,
                size: 1_000,
                tasks: 4,
            },
            modes: vec![Mode::Worker, Mode::Pool],
            repeats: 5,
            autorun: true,
            threads: Some(3),
        };
        assert_eq!(from_query(split(&to_query(&settings))).settings, settings);
        let reported = CpuSettings {
            threads: None,
            ..settings
        };
        let query = to_query(&reported);
        assert!(!query.contains("threads"), "{query}");
        assert_eq!(from_query(split(&query)).settings, reported);
    }

    #[test]
    fn threads_sets_the_pool_size_for_every_experiment() {
        let parsed = from_query(split("threads=1&kernel=primes&n=2000000&modes=pool&autorun=1"));
        assert!(parsed.notes.is_empty(), "{:?}", parsed.notes);
        assert_eq!(parsed.threads, Some(1));
        assert_eq!(parsed.settings.threads, Some(1));
        assert_eq!(from_query(split("threads=64")).threads, Some(64));
        assert_eq!(
            from_query(split("threads=3&threads=2")).threads,
            Some(2),
            "the last one counts"
        );
        let parsed = from_query(split("experiment=io&threads=2"));
        assert_eq!((parsed.threads, parsed.notes.len()), (Some(2), 0));
        assert_eq!(from_query(split("preset=sweep&threads=5")).threads, Some(5));
        assert_eq!(from_query(split("kernel=primes")).threads, None);
    }

    #[test]
    fn a_bad_threads_value_is_noted_and_the_reported_cores_are_used() {
        for (query, reason) in [
            ("threads=0", "0 is outside 1..=64"),
            ("threads=65", "65 is outside 1..=64"),
            ("threads=-2", "negative"),
            ("threads=two", "not a number"),
            ("threads=2.5", "not a whole number"),
            ("threads=", "enter a whole number"),
            ("threads=99999999999999999999999", "far too large"),
        ] {
            let parsed = from_query(split(query));
            assert_eq!(parsed.threads, None, "{query}");
            assert_eq!(parsed.settings.threads, None, "{query}");
            assert_eq!(parsed.notes.len(), 1, "{query}: {:?}", parsed.notes);
            let note = &parsed.notes[0];
            assert!(note.starts_with("threads ignored ("), "{note}");
            assert!(note.contains(reason), "{query}: {note}");
            assert!(
                note.ends_with("one thread per core the browser reports"),
                "{note}"
            );
        }
    }

    #[test]
    fn a_permalink_carries_threads_only_when_it_differs_from_the_reported_cores() {
        assert_eq!(crate::settings::threads_param(2, 4), Some(2));
        assert_eq!(crate::settings::threads_param(4, 4), None);
        assert_eq!(crate::settings::threads_param(8, 4), Some(8));
        assert_eq!(crate::settings::default_threads(4), 4);
        assert_eq!(crate::settings::default_threads(0), 1);
        assert_eq!(crate::settings::default_threads(128), MAX_THREADS);
    }

    #[test]
    fn malformed_values_fall_back_with_a_note() {
        for query in [
            "kernel=nope",
            "kernel=primes&n=-5",
            "kernel=primes&n=abc",
            "kernel=primes&n=1e30",
            "kernel=primes&n=NaN",
            "kernel=primes&n=",
            "kernel=primes&n=99999999999999",
            "kernel=sum-loop&t=0",
            "r=0",
            "r=21",
            "modes=fast",
        ] {
            let parsed = from_query(split(query));
            assert!(!parsed.notes.is_empty(), "{query}");
            assert_eq!(parsed.settings.spec.validate(), Ok(()), "{query}");
            assert!(!parsed.settings.modes.is_empty());
        }
    }

    #[test]
    fn only_a_cpu_n_counts_as_a_size_from_the_url() {
        for (query, given) in [
            ("", false),
            ("kernel=mandelbrot", false),
            ("kernel=primes&n=5000", true),
            // An ignored n still counts: its note promises the static default, and the form keeps that promise.
            ("kernel=primes&n=abc", true),
            ("experiment=io&n=5", false),
            ("preset=sweep&n=5", false),
        ] {
            assert_eq!(from_query(split(query)).size_from_url, given, "{query}");
        }
    }

    #[test]
    fn the_io_example_parses_and_leaves_the_cpu_form_alone() {
        let parsed = from_query(split(
            "experiment=io&n=5&ms=300&modes=sequential,concurrent&autorun=1",
        ));
        assert!(parsed.notes.is_empty(), "{:?}", parsed.notes);
        assert_eq!(parsed.experiment, Experiment::Io);
        assert_eq!(parsed.io.count, 5);
        assert_eq!(parsed.io.targets, vec![lab_target(300)]);
        assert_eq!(parsed.io.modes, vec![IoMode::Sequential, IoMode::Concurrent]);
        assert!(parsed.io.autorun);
        assert_eq!(parsed.settings, CpuSettings::default());
    }

    #[test]
    fn io_settings_round_trip_and_refuse_hostile_targets() {
        let io = IoSettings {
            targets: vec!["http://127.0.0.1:9/a?b=c&d=e".to_owned(), lab_target(5)],
            count: 12,
            limit: 3,
            timeout_ms: 2_000,
            modes: vec![IoMode::Bounded, IoMode::Race],
            autorun: true,
        };
        assert_eq!(from_query(query_pairs(&io_to_query(&io))).io, io);
        let parsed = from_query(split(
            "experiment=io&target=javascript:alert(1)&n=0&k=x&timeout=1",
        ));
        assert_eq!(parsed.notes.len(), 4, "{:?}", parsed.notes);
        assert_eq!(parsed.io.targets, IoSettings::default().targets);
    }

    #[test]
    fn targets_with_reserved_and_non_ascii_characters_round_trip() {
        let awkward = [
            "http://127.0.0.1:9/a?b=c&d=e",
            "http://127.0.0.1:9/50%25 off?q=a+b&r=1=2",
            "http://127.0.0.1:9/ünïcödé/日本?emoji=🦀&space= x ",
            "/lab/delay?ms=5&bytes=1024#frag",
        ];
        let io = IoSettings {
            targets: awkward.iter().map(|target| target.trim().to_owned()).collect(),
            ..IoSettings::default()
        };
        let query = io_to_query(&io);
        // Every reserved character of a target is escaped, so the target cannot leak into other parameters.
        for target in query.split('&').filter_map(|pair| pair.strip_prefix("target=")) {
            assert!(!target.contains(['&', '=', '?', '#', ' ']), "{target}");
            assert!(target.is_ascii(), "{target}");
        }
        let parsed = from_query(query_pairs(&query));
        assert!(parsed.notes.is_empty(), "{:?}", parsed.notes);
        assert_eq!(parsed.io.targets, io.targets);
        assert_eq!(parsed.io, io);
    }

    #[test]
    fn the_codec_round_trips_any_text() {
        for text in [
            "a&b=c",
            "100%",
            "1+1 = 2",
            "  spaced  ",
            "ünïcödé 日本 🦀",
            "%zz",
            "",
            "=&=&",
        ] {
            let encoded: String = form_urlencoded::byte_serialize(text.as_bytes()).collect();
            assert!(!encoded.contains(['&', '=', ' ']), "{encoded}");
            let pairs = query_pairs(&format!("?key={encoded}&other=1"));
            assert_eq!(
                pairs,
                vec![
                    ("key".to_owned(), text.to_owned()),
                    ("other".to_owned(), "1".to_owned())
                ],
                "{text}"
            );
        }
    }

    #[test]
    fn lessons_and_tabs_parse_and_the_tab_follows_the_url() {
        let parsed = from_query(split("lesson=cpu-pool&autorun=1"));
        assert_eq!(parsed.lesson, Some(Lesson::CpuPool));
        assert_eq!(parsed.tab, Tab::Lessons);
        assert!(parsed.lesson_autorun);
        assert!(
            !parsed.settings.autorun && !parsed.preset_autorun,
            "autorun belongs to the lesson"
        );
        assert!(parsed.notes.is_empty(), "{:?}", parsed.notes);

        let parsed = from_query(split("lesson=warp"));
        assert_eq!(parsed.lesson, Some(Lesson::OneRequest));
        assert_eq!(
            parsed.notes,
            vec!["unknown lesson “warp”: showing the first".to_owned()]
        );

        assert_eq!(from_query(split("")).tab, Tab::Cpu);
        assert_eq!(from_query(split("experiment=io")).tab, Tab::Io);
        assert_eq!(from_query(split("preset=sweep")).tab, Tab::Presets);
        assert_eq!(from_query(split("tab=lessons")).tab, Tab::Lessons);
        assert_eq!(from_query(split("tab=lessons")).lesson, None);
        assert_eq!(from_query(split("tab=io&kernel=primes")).tab, Tab::Io);
        let parsed = from_query(split("tab=attic&experiment=io"));
        assert_eq!(parsed.tab, Tab::Io);
        assert_eq!(parsed.notes, vec!["unknown tab “attic”".to_owned()]);
        for tab in Tab::ALL {
            assert_eq!(Tab::from_id(tab.id()), Some(tab));
        }
    }

    #[test]
    fn presets_parse_and_unknown_ones_are_noted() {
        let parsed = from_query(split("preset=sweep&autorun=1"));
        assert_eq!(parsed.preset, Some(Preset::Sweep));
        assert!(!parsed.settings.autorun, "autorun belongs to the preset");
        assert!(parsed.preset_autorun);
        let parsed = from_query(split("preset=warp"));
        assert_eq!((parsed.preset, parsed.notes.len()), (None, 1));
        for preset in Preset::ALL {
            assert_eq!(Preset::from_id(preset.id()), Some(preset));
        }
    }

    #[test]
    fn only_debug_equal_to_one_shows_the_fault_panel() {
        assert!(from_query(split("debug=1")).debug);
        for query in ["", "debug=0", "debug=true", "debug=1%3Cscript%3E", "xdebug=1"] {
            assert!(!from_query(split(query)).debug, "{query}");
        }
    }

    #[test]
    fn queries_decode() {
        assert_eq!(
            query_pairs("?modes=main%2Cpool&x=a+b&bad=%zz&flag"),
            vec![
                ("modes".to_owned(), "main,pool".to_owned()),
                ("x".to_owned(), "a b".to_owned()),
                ("bad".to_owned(), "%zz".to_owned()),
                ("flag".to_owned(), String::new()),
            ]
        );
        assert_eq!(
            from_query(query_pairs("?modes=main%2Cpool")).settings.modes,
            vec![Mode::Main, Mode::Pool]
        );
        assert_eq!(
            query_pairs("a=%C3%BC&&b=%FF"),
            vec![
                ("a".to_owned(), "ü".to_owned()),
                ("b".to_owned(), "\u{FFFD}".to_owned()),
            ]
        );
    }

    #[test]
    fn one_mode_parser_reads_both_experiments_lists() {
        let mut notes = Vec::new();
        assert_eq!(
            parse_modes::<Mode>("pool,,main,pool,warp", &mut notes),
            Some(vec![Mode::Main, Mode::Pool]),
            "sorted into execution order, duplicates and empty entries dropped"
        );
        assert_eq!(notes, vec!["unknown mode “warp” ignored".to_owned()]);

        let mut notes = Vec::new();
        assert_eq!(
            parse_modes::<IoMode>("race,single,race,warp", &mut notes),
            Some(vec![IoMode::Single, IoMode::Race])
        );
        assert_eq!(notes, vec!["unknown I/O mode “warp” ignored".to_owned()]);

        for (list, expected_notes) in [("", 1), (",,", 1), ("warp", 2), ("warp,drive", 3)] {
            let mut notes = Vec::new();
            assert_eq!(parse_modes::<Mode>(list, &mut notes), None, "{list}");
            assert_eq!(notes.len(), expected_notes, "{list}: {notes:?}");
            assert_eq!(
                notes.last().map(String::as_str),
                Some("no known mode in “modes”: running main, worker and pool")
            );
            let mut notes = Vec::new();
            assert_eq!(parse_modes::<IoMode>(list, &mut notes), None, "{list}");
            assert_eq!(
                notes.last().map(String::as_str),
                Some("no known I/O mode in “modes”: using the defaults")
            );
        }
    }

    #[test]
    fn main_pool_is_read_from_the_url_in_execution_order_and_written_back() {
        let parsed = from_query(split(
            "kernel=primes&n=2000000&modes=pool,main-pool,main&r=2&autorun=1",
        ));
        assert!(parsed.notes.is_empty(), "{:?}", parsed.notes);
        assert_eq!(
            parsed.settings.modes,
            vec![Mode::Main, Mode::MainPool, Mode::Pool]
        );
        let query = to_query(&parsed.settings);
        assert!(query.contains("modes=main,main-pool,pool"), "{query}");
        assert_eq!(from_query(split(&query)).settings, parsed.settings);
        let alone = from_query(split("modes=main-pool"));
        assert_eq!(alone.settings.modes, vec![Mode::MainPool]);
        // An underscore is not the id: noted and ignored, and the defaults (without main-pool) stay.
        let typo = from_query(split("modes=main_pool"));
        assert_eq!(typo.settings.modes, Mode::DEFAULT.to_vec());
        assert_eq!(typo.notes.len(), 2, "{:?}", typo.notes);
    }

    #[test]
    fn an_empty_or_unknown_modes_list_keeps_each_experiments_defaults() {
        let parsed = from_query(split("modes="));
        assert_eq!(parsed.settings.modes, Mode::DEFAULT.to_vec());
        assert_eq!(parsed.notes.len(), 1);
        let parsed = from_query(split("experiment=io&modes=warp"));
        assert_eq!(parsed.io.modes, IoSettings::default().modes);
        assert_eq!(parsed.notes.len(), 2);
    }
}
