//! Experiment settings as plain data: what a URL or the form describes, with their defaults and limits. Pure,
//! tested natively; malformed input becomes a note, never a panic.
//!
//! [`url`] reads and writes the URL (permalinks), [`form`] parses the numbers people type. Their public items
//! are re-exported here, so callers name everything as `crate::settings::…`.

pub mod connections;
pub mod form;
pub mod url;

pub use form::{parse_bounded, parse_count};
pub use url::{UrlMode, from_query, io_to_query, parse_modes, query_pairs, to_query};

use crate::io::IoMode;
use crate::kernels::{Kernel, KernelSpec};
use crate::lessons::Lesson;
use crate::modes::Mode;
use crate::report::ExperimentKind;

/// Which experiment a URL is about (`experiment=cpu|io`); its `n`, `modes` and `autorun` belong to it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Experiment {
    /// The CPU experiment (the default).
    #[default]
    Cpu,
    /// The I/O lab.
    Io,
}

/// The part of the page shown (`tab=`; otherwise implied by `lesson=`, `preset=` or `experiment=`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Tab {
    /// The guided lessons.
    Lessons,
    /// The CPU experiment (the default).
    #[default]
    Cpu,
    /// The I/O lab.
    Io,
    /// The presets.
    Presets,
}

impl Tab {
    /// Every tab, in the order of the navigation.
    pub const ALL: [Tab; 4] = [Tab::Lessons, Tab::Cpu, Tab::Io, Tab::Presets];

    /// The id in `tab=` and `tab-<id>`.
    pub fn id(self) -> &'static str {
        match self {
            Tab::Lessons => "lessons",
            Tab::Cpu => "cpu",
            Tab::Io => "io",
            Tab::Presets => "presets",
        }
    }

    /// Parses [`Tab::id`].
    pub fn from_id(id: &str) -> Option<Tab> {
        Tab::ALL.into_iter().find(|tab| tab.id() == id)
    }

    /// The navigation's words.
    pub fn title(self) -> &'static str {
        match self {
            Tab::Lessons => "Lessons",
            Tab::Cpu => "CPU experiment",
            Tab::Io => "I/O lab",
            Tab::Presets => "Presets",
        }
    }

    /// The tab a URL without `tab=` opens: the lesson's, the preset's, the I/O lab's, or the CPU experiment.
    pub fn implied(lesson: bool, preset: bool, experiment: Experiment) -> Tab {
        match (lesson, preset, experiment) {
            (true, _, _) => Tab::Lessons,
            (false, true, _) => Tab::Presets,
            (false, false, Experiment::Io) => Tab::Io,
            (false, false, Experiment::Cpu) => Tab::Cpu,
        }
    }
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
    /// N requests at once to an HTTP/1.1 origin and to the built-in endpoint: the per-origin connection limit.
    Connections,
}

impl Preset {
    /// Every preset, in the order the page lists them.
    pub const ALL: [Preset; 6] = [
        Preset::Pipeline,
        Preset::Stream,
        Preset::Connections,
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
            Preset::Connections => "connections",
        }
    }

    /// Parses an id made by [`Preset::id`].
    pub fn from_id(id: &str) -> Option<Preset> {
        Preset::ALL.into_iter().find(|preset| preset.id() == id)
    }

    /// The kind of report its runs make (its slot in the one-run-at-a-time run state).
    pub fn kind(self) -> ExperimentKind {
        match self {
            Preset::PoolStart => ExperimentKind::PoolStart,
            Preset::Sweep => ExperimentKind::Sweep,
            Preset::Handoff => ExperimentKind::Handoff,
            Preset::Pipeline => ExperimentKind::Pipeline,
            Preset::Stream => ExperimentKind::Stream,
            Preset::Connections => ExperimentKind::Connections,
        }
    }

    /// The button's label.
    pub fn title(self) -> &'static str {
        match self {
            Preset::PoolStart => "Pool start cost (fork vs spawn)",
            Preset::Sweep => "Scaling sweep (Amdahl)",
            Preset::Handoff => "Hand-off cost (clone, transfer, shared)",
            Preset::Pipeline => "Mixed pipeline (fetch → process)",
            Preset::Stream => "Streaming in batches",
            Preset::Connections => "Connections are a resource",
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
    /// The pool size the permalink asks for (`threads=`); `None` leaves the browser's reported core count.
    pub threads: Option<u32>,
}

/// The most pool threads `threads=` and the environment panel accept.
pub const MAX_THREADS: u32 = 64;

/// The pool size a permalink carries: `pool` when it differs from the size the page would start by itself
/// (`default`, [`default_threads`] of the reported count), else nothing (a link opened elsewhere then sizes the
/// pool for that machine).
pub fn threads_param(pool: u32, default: u32) -> Option<u32> {
    (pool != default).then_some(pool)
}

/// The pool size a page starts with when nothing asks for another: the reported core count, within
/// `1..=`[`MAX_THREADS`].
pub fn default_threads(reported: u32) -> u32 {
    reported.clamp(1, MAX_THREADS)
}

/// The largest body the streaming preset asks for, in MiB (its buffered mode holds all of it in the compute
/// worker's memory: see [`crate::capability::MemoryBudget`]).
pub const MAX_STREAM_MIB: u32 = 256;

/// Measured repeats per mode by default.
pub const DEFAULT_REPEATS: u32 = 3;
/// The most repeats per mode.
pub const MAX_REPEATS: u32 = 20;

impl Default for CpuSettings {
    fn default() -> Self {
        CpuSettings {
            spec: KernelSpec::with_defaults(Kernel::Primes),
            modes: Mode::DEFAULT.to_vec(),
            repeats: DEFAULT_REPEATS,
            autorun: false,
            threads: None,
        }
    }
}

/// Settings read from a URL, with a note for every parameter that was ignored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParsedSettings {
    /// The part of the page to show.
    pub tab: Tab,
    /// The lesson the URL opens, if any (an unknown id opens the first, with a note).
    pub lesson: Option<Lesson>,
    /// Whether to run that lesson at once.
    pub lesson_autorun: bool,
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
    /// `threads=`: the pool size asked for (1–[`MAX_THREADS`]); `None` starts one thread per reported core.
    pub threads: Option<u32>,
    /// `?debug=1`: show the fault injection panel (a trapping, a hanging and an exiting compute worker).
    pub debug: bool,
    /// Whether the URL set the CPU experiment's size (`n`, even one that was ignored with a note): the form then
    /// keeps that size (or the default the note names) instead of the size measured to suit this machine.
    pub size_from_url: bool,
    /// One human-readable note per ignored parameter.
    pub notes: Vec<String>,
}
