//! Experiment settings as plain data: parsed from the URL and from the form's text fields, and written back to
//! a permalink. Pure functions, tested natively; malformed input becomes a note, never a panic.

use crate::io::{IoMode, check_target};
use crate::kernels::{DEFAULT_TASKS, Kernel, KernelSpec};
use crate::modes::Mode;

/// Which experiment a URL is about (`experiment=cpu|io`); its `n`, `modes` and `autorun` belong to it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Experiment {
    /// The CPU experiment (the default).
    #[default]
    Cpu,
    /// The I/O lab.
    Io,
}

/// The preset experiments (`preset=` in the URL).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Preset {
    /// Cold worker and pool per run against the warm ones (fork vs spawn).
    PoolStart,
    /// One kernel at 1, 2, … threads and beyond, with an Amdahl fit.
    Sweep,
    /// Moving bytes to a worker by clone, transfer and shared memory.
    Handoff,
    /// Fetch-then-process: sequential, in two phases, or pipelined.
    Pipeline,
    /// A large body processed in batches as it arrives, against buffering it.
    Stream,
}

impl Preset {
    /// Every preset, in the order the page lists them.
    pub const ALL: [Preset; 5] = [
        Preset::Pipeline,
        Preset::Stream,
        Preset::PoolStart,
        Preset::Sweep,
        Preset::Handoff,
    ];

    /// The stable id used in `preset=` and `preset-<id>`.
    pub fn id(self) -> &'static str {
        match self {
            Preset::PoolStart => "pool-start",
            Preset::Sweep => "sweep",
            Preset::Handoff => "handoff",
            Preset::Pipeline => "pipeline",
            Preset::Stream => "stream",
        }
    }

    /// Parses an id made by [`Preset::id`].
    pub fn from_id(id: &str) -> Option<Preset> {
        Preset::ALL.into_iter().find(|preset| preset.id() == id)
    }

    /// The button's label.
    pub fn title(self) -> &'static str {
        match self {
            Preset::PoolStart => "Pool start cost (fork vs spawn)",
            Preset::Sweep => "Scaling sweep (Amdahl)",
            Preset::Handoff => "Hand-off cost (clone, transfer, shared)",
            Preset::Pipeline => "Mixed pipeline (fetch → process)",
            Preset::Stream => "Streaming in batches",
        }
    }
}

/// The I/O experiment a URL or the form describes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IoSettings {
    /// URLs to fetch; request i uses target i mod len.
    pub targets: Vec<String>,
    /// Requests per mode (N).
    pub count: u32,
    /// In-flight limit of the bounded mode (k).
    pub limit: u32,
    /// Per-request time limit.
    pub timeout_ms: u32,
    /// The modes to run, in execution order.
    pub modes: Vec<IoMode>,
    /// Whether to run as soon as the page is ready.
    pub autorun: bool,
}

/// Requests per mode by default: the lesson's three.
pub const DEFAULT_IO_COUNT: u32 = 3;
/// The most requests per mode.
pub const MAX_IO_COUNT: u32 = 100;
/// The latency endpoint's delay by default, as in the lesson.
pub const DEFAULT_LATENCY_MS: u32 = 300;
/// The longest delay the latency endpoint is asked for from a URL.
pub const MAX_LATENCY_MS: u32 = 60_000;
/// The per-request time limit by default.
pub const DEFAULT_TIMEOUT_MS: u32 = 10_000;
/// The accepted per-request time limits.
pub const TIMEOUT_RANGE_MS: (u32, u32) = (50, 120_000);

/// The built-in latency endpoint (served by the lab service worker, no network needed).
pub fn lab_target(latency_ms: u32) -> String {
    format!("/lab/delay?ms={latency_ms}&bytes=1024")
}

impl Default for IoSettings {
    fn default() -> Self {
        IoSettings {
            targets: vec![lab_target(DEFAULT_LATENCY_MS)],
            count: DEFAULT_IO_COUNT,
            limit: 2,
            timeout_ms: DEFAULT_TIMEOUT_MS,
            modes: vec![
                IoMode::Single,
                IoMode::Sequential,
                IoMode::Concurrent,
                IoMode::Bounded,
            ],
            autorun: false,
        }
    }
}

/// Parses a number typed into a form field and checks it against `min..=max`.
///
/// # Errors
/// A sentence naming what is wrong and the accepted range.
pub fn parse_bounded(text: &str, min: u64, max: u64) -> Result<u64, String> {
    let value = parse_count(text)?;
    if value < min || value > max {
        return Err(format!("{value} is outside {min}..={max}"));
    }
    Ok(value)
}

/// The CPU experiment a URL or the form describes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CpuSettings {
    /// Kernel, size and task count.
    pub spec: KernelSpec,
    /// The modes to run, in execution order.
    pub modes: Vec<Mode>,
    /// Measured repeats per mode (one warm-up run comes on top).
    pub repeats: u32,
    /// Whether to run as soon as the pool is ready.
    pub autorun: bool,
}

/// Measured repeats per mode by default.
pub const DEFAULT_REPEATS: u32 = 3;
/// The most repeats per mode.
pub const MAX_REPEATS: u32 = 20;

impl Default for CpuSettings {
    fn default() -> Self {
        CpuSettings {
            spec: KernelSpec::with_defaults(Kernel::Primes),
            modes: Mode::ALL.to_vec(),
            repeats: DEFAULT_REPEATS,
            autorun: false,
        }
    }
}

/// Settings read from a URL, with a note for every parameter that was ignored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParsedSettings {
    /// The experiment the URL is about.
    pub experiment: Experiment,
    /// The CPU settings, defaults where the URL said nothing usable.
    pub settings: CpuSettings,
    /// The I/O settings, likewise.
    pub io: IoSettings,
    /// The preset the URL opens, if any.
    pub preset: Option<Preset>,
    /// Whether to run that preset at once.
    pub preset_autorun: bool,
    /// `?debug=1`: show the fault injection panel (a trapping, a hanging and an exiting compute worker).
    pub debug: bool,
    /// One human-readable note per ignored parameter.
    pub notes: Vec<String>,
}

/// Parses a whole number typed by a person: digits with optional `_` or `,` separators, or a plain exponent
/// form such as `2e6`.
///
/// # Errors
/// A sentence naming what is wrong, shown next to the field.
pub fn parse_count(text: &str) -> Result<u64, String> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err("enter a whole number".to_owned());
    }
    let digits: String = trimmed.chars().filter(|c| *c != '_' && *c != ',').collect();
    if let Ok(value) = digits.parse::<u64>() {
        return Ok(value);
    }
    if digits.starts_with('-') {
        return Err(format!("“{trimmed}” is negative: enter a whole number ≥ 0"));
    }
    match digits.parse::<f64>() {
        Ok(value) if !value.is_finite() => Err(format!("“{trimmed}” is not a finite number")),
        Ok(value) if value < 0.0 => Err(format!("“{trimmed}” is negative: enter a whole number ≥ 0")),
        Ok(value) if value.fract() != 0.0 => Err(format!("“{trimmed}” is not a whole number")),
        Ok(value) if value > u64::MAX as f64 => Err(format!("“{trimmed}” is far too large")),
        Ok(value) => Ok(value as u64),
        Err(_) => Err(format!("“{trimmed}” is not a number")),
    }
}

/// Splits a URL query (with or without its leading `?`) into decoded key–value pairs; `+` means a space and
/// `%XX` a byte, as in `application/x-www-form-urlencoded`. Invalid escapes are kept as typed.
pub fn query_pairs(search: &str) -> Vec<(String, String)> {
    search
        .trim_start_matches('?')
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(key), percent_decode(value))
        })
        .collect()
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let hex = |offset: usize| {
            bytes
                .get(index + offset)
                .and_then(|byte| char::from(*byte).to_digit(16))
        };
        match (bytes[index], hex(1), hex(2)) {
            (b'%', Some(high), Some(low)) => {
                decoded.push((high * 16 + low) as u8);
                index += 3;
            }
            (b'+', _, _) => {
                decoded.push(b' ');
                index += 1;
            }
            (byte, _, _) => {
                decoded.push(byte);
                index += 1;
            }
        }
    }
    String::from_utf8_lossy(&decoded).into_owned()
}

/// Reads the experiment from URL query pairs: `experiment` (`cpu` or `io`); for the CPU experiment `kernel`,
/// `n`, `t`, `modes`, `autorun`; for the I/O lab `n`, `k`, `ms`, `timeout`, `target` (repeatable), `modes`,
/// `autorun`. Parameters of the other experiment are left at their defaults.
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
    let (settings, io) = match (preset, experiment) {
        // A preset URL runs the preset; the experiments keep their defaults.
        (Some(_), _) => (CpuSettings::default(), IoSettings::default()),
        (None, Experiment::Cpu) => (cpu_from_query(&pairs, &mut notes), IoSettings::default()),
        (None, Experiment::Io) => (CpuSettings::default(), io_from_query(&pairs, &mut notes)),
    };
    let preset_autorun = preset.is_some()
        && pairs
            .iter()
            .any(|(key, value)| key == "autorun" && matches!(value.as_str(), "1" | "true" | "yes"));
    let debug = pairs.iter().any(|(key, value)| key == "debug" && value == "1");
    ParsedSettings {
        debug,
        experiment,
        settings,
        io,
        preset,
        preset_autorun,
        notes,
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
                let mut modes = Vec::new();
                for id in value.split(',').filter(|id| !id.is_empty()) {
                    match IoMode::from_id(id) {
                        Some(mode) if !modes.contains(&mode) => modes.push(mode),
                        Some(_) => {}
                        None => notes.push(format!("unknown I/O mode “{id}” ignored")),
                    }
                }
                if modes.is_empty() {
                    notes.push("no known I/O mode in “modes”: using the defaults".to_owned());
                } else {
                    modes.sort();
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
    let mut query = format!(
        "experiment=io&n={}&k={}&timeout={}&modes={}",
        io.count,
        io.limit,
        io.timeout_ms,
        modes.join(",")
    );
    for target in &io.targets {
        query.push_str("&target=");
        query.push_str(&percent_encode(target));
    }
    if io.autorun {
        query.push_str("&autorun=1");
    }
    query
}

/// Percent-encodes everything but unreserved characters, for a query value.
pub fn percent_encode(text: &str) -> String {
    let mut encoded = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.~/".contains(&byte) {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
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
                let mut modes = Vec::new();
                for id in value.split(',').filter(|id| !id.is_empty()) {
                    match Mode::from_id(id) {
                        Some(mode) if !modes.contains(&mode) => modes.push(mode),
                        Some(_) => {}
                        None => notes.push(format!("unknown mode “{id}” ignored")),
                    }
                }
                if modes.is_empty() {
                    notes.push("no known mode in “modes”: running all three".to_owned());
                } else {
                    modes.sort();
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
        assert_eq!(parsed.settings.modes, Mode::ALL.to_vec());
        assert!(parsed.settings.autorun);
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
        };
        assert_eq!(from_query(split(&to_query(&settings))).settings, settings);
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
    }

    #[test]
    fn counts_parse_the_way_people_type_them() {
        assert_eq!(parse_count(" 2_000_000 "), Ok(2_000_000));
        assert_eq!(parse_count("1,000"), Ok(1_000));
        assert_eq!(parse_count("2e6"), Ok(2_000_000));
        for bad in ["", "-1", "1.5", "NaN", "inf", "1e30", "ten"] {
            assert!(parse_count(bad).is_err(), "{bad}");
        }
    }
}
