//! Which build the page runs, and why: what `boot.js` (written by `.ci/trunk-post-build.sh` from `www/boot.js`)
//! checked before it chose the threaded or the single-threaded build, the words the environment panel and the
//! pool's refusals use for it, and the threaded build's memory maximum with the budget it is sized from. Pure:
//! the page reads `window.lanesCapability` into a [`CapabilityReport`] (`page::context::Environment::read`);
//! everything else here is tested natively.

use crate::kernels::mandelbrot;
use crate::settings::{MAX_STREAM_MIB, MAX_THREADS};

const MIB: u64 = 1 << 20;

/// The threaded build's wasm memory maximum, in bytes: `--max-memory` in `.cargo/config.toml` (a test checks
/// they agree), and the size of the shared `WebAssembly.Memory` that `boot.js` asks the browser for before it
/// loads that build. A shared memory cannot move when it grows, so browsers reserve its maximum up front, in
/// every instance (the page, the compute worker, each cold pool a preset starts): a blanket 1 GiB is refused
/// sooner on small devices and 32-bit browsers than the [`MemoryBudget`] Lanes really needs.
pub const MEMORY_MAX_BYTES: u64 = 512 * MIB;

/// The stack wasm-bindgen gives every pool thread, allocated in the instance's memory when the pool starts
/// (`DEFAULT_THREAD_STACK_SIZE`, 2 MiB, in wasm-bindgen-cli-support's threads transform).
pub const THREAD_STACK_BYTES: u64 = 2 * MIB;

/// What one instance needs before any work: static data, the 1 MiB main stack and the allocator's bookkeeping
/// (the module starts with 20 pages, 1.25 MiB), with room to spare.
pub const BASELINE_BYTES: u64 = 8 * MIB;

/// The most memory one instance's work needs at once, from the limits that bound it. Only one run goes at a
/// time, so the biggest single workload counts, on top of the thread stacks of the largest pool.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MemoryBudget {
    /// The streaming preset's buffered mode: the whole body ([`MAX_STREAM_MIB`]) copied once into the compute
    /// worker's memory (one `Vec<u8>`; it is processed in place).
    pub stream_body: u64,
    /// The largest Mandelbrot picture (`MAX_WIDTH` × ¾ of it, RGBA) twice: its bands, then the whole image they
    /// are copied into.
    pub picture: u64,
    /// The stacks of the largest pool an instance starts: the scaling sweep goes to twice the core count, and
    /// the page's pool has at most [`MAX_THREADS`]; the sweep's kernels hold no large data.
    pub sweep_stacks: u64,
    /// The stacks of a pool of [`MAX_THREADS`] (`threads=` and the environment panel allow no more).
    pub pool_stacks: u64,
}

impl MemoryBudget {
    /// The budget from the limits in the code.
    pub fn from_limits() -> MemoryBudget {
        let width = mandelbrot::MAX_WIDTH;
        let height = u64::from(mandelbrot::height_for(u32::try_from(width).unwrap_or(u32::MAX)));
        MemoryBudget {
            stream_body: u64::from(MAX_STREAM_MIB) * MIB,
            picture: 2 * width * height * 4,
            sweep_stacks: 2 * u64::from(MAX_THREADS) * THREAD_STACK_BYTES,
            pool_stacks: u64::from(MAX_THREADS) * THREAD_STACK_BYTES,
        }
    }

    /// The worst case: the baseline and the largest workload on the largest pool that runs it.
    pub fn worst_bytes(&self) -> u64 {
        let on_the_pool = self.pool_stacks + self.stream_body.max(self.picture);
        BASELINE_BYTES + on_the_pool.max(self.sweep_stacks)
    }
}

/// The build `boot.js` loaded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Build {
    /// Atomics and shared memory: the compute worker runs a rayon pool.
    Threaded,
    /// No atomics (`dist/st/`): main and worker modes only.
    SingleThreaded,
}

impl Build {
    /// `threaded` or `single-threaded` (`window.lanesCapability.build`, `data-build`).
    pub fn id(self) -> &'static str {
        match self {
            Build::Threaded => "threaded",
            Build::SingleThreaded => "single-threaded",
        }
    }
}

/// A capability the threaded build needs that this browser lacks, in the order `boot.js` checks them (the first
/// one missing is reported).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Missing {
    /// `crossOriginIsolated` is not true.
    Isolation,
    /// Isolated, but `SharedArrayBuffer` is not exposed (seen in WebKitGTK).
    SharedArrayBuffer,
    /// `new WebAssembly.Memory({ shared: true, maximum })` of [`MEMORY_MAX_BYTES`] threw or was not shared.
    SharedMemory,
    /// A module Web Worker (`type: 'module'`) did not start.
    ModuleWorker,
    /// A module worker could not start a nested worker (the compute worker starts the pool's threads itself).
    NestedWorker,
    /// The worker check got no answer in time: the browser may have everything, on a machine too busy to show it.
    WorkerTimeout,
    /// Everything was there, but the threaded build failed to start; `boot.js` loaded the other one.
    ThreadedStart,
}

impl Missing {
    /// Every capability, in the order `boot.js` checks them.
    pub const ALL: [Missing; 7] = [
        Missing::Isolation,
        Missing::SharedArrayBuffer,
        Missing::SharedMemory,
        Missing::ModuleWorker,
        Missing::NestedWorker,
        Missing::WorkerTimeout,
        Missing::ThreadedStart,
    ];

    /// The id in `window.lanesCapability.missing` and `data-missing`.
    pub fn id(self) -> &'static str {
        match self {
            Missing::Isolation => "isolation",
            Missing::SharedArrayBuffer => "shared-array-buffer",
            Missing::SharedMemory => "shared-memory",
            Missing::ModuleWorker => "module-worker",
            Missing::NestedWorker => "nested-worker",
            Missing::WorkerTimeout => "worker-timeout",
            Missing::ThreadedStart => "threaded-start",
        }
    }

    /// Parses [`Missing::id`].
    pub fn from_id(id: &str) -> Option<Missing> {
        Missing::ALL.into_iter().find(|missing| missing.id() == id)
    }
}

/// What `boot.js` found (`window.lanesCapability`), or what the page can tell without it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CapabilityReport {
    /// The build that was loaded.
    pub build: Build,
    /// The first capability that was missing (`None` when the threaded build was chosen).
    pub missing: Option<Missing>,
    /// What the browser said when a check failed (an exception's message), if anything.
    pub detail: Option<String>,
    /// The shared memory's maximum the check asked for, in bytes.
    pub memory_max_bytes: u64,
    /// Whether `boot.js` made the report; `false` when it was inferred from the page's globals (a page that
    /// `boot.js` did not load, such as wasm-bindgen-test's).
    pub checked: bool,
    /// Whether the worker check (check 4) was not run on this load because it passed on an earlier load of this
    /// build in this browser (`workerCheck: "remembered"`; www/worker-check.js, `rememberedPass`).
    pub remembered: bool,
}

/// A missing capability in words: what is wrong, and what would fix it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Explanation {
    /// What is missing, with what the browser said.
    pub problem: String,
    /// What would give the page its pool.
    pub fix: String,
}

impl CapabilityReport {
    /// Reads the fields of `window.lanesCapability`. A report naming an unknown capability, or none although
    /// the single-threaded build was loaded, keeps the build and explains itself as
    /// [`Explanation`]-less (see [`CapabilityReport::explanation`]).
    pub fn from_fields(
        build: Option<&str>,
        missing: Option<&str>,
        detail: Option<&str>,
        memory_max_bytes: Option<f64>,
    ) -> Option<CapabilityReport> {
        let build = match build? {
            "threaded" => Build::Threaded,
            "single-threaded" => Build::SingleThreaded,
            _ => return None,
        };
        let memory_max_bytes = memory_max_bytes
            .filter(|bytes| bytes.is_finite() && *bytes > 0.0 && *bytes <= u64::MAX as f64)
            .map_or(MEMORY_MAX_BYTES, |bytes| bytes as u64);
        Some(CapabilityReport {
            build,
            missing: missing.and_then(Missing::from_id),
            detail: detail
                .map(str::trim)
                .filter(|detail| !detail.is_empty())
                .map(str::to_owned),
            memory_max_bytes,
            checked: true,
            remembered: false,
        })
    }

    /// What a page that `boot.js` did not load can tell from its own globals and the build it runs.
    pub fn inferred(isolated: bool, shared_array_buffer: bool, threaded: bool) -> CapabilityReport {
        let missing = if !isolated {
            Some(Missing::Isolation)
        } else if !shared_array_buffer {
            Some(Missing::SharedArrayBuffer)
        } else {
            None
        };
        CapabilityReport {
            build: if threaded {
                Build::Threaded
            } else {
                Build::SingleThreaded
            },
            missing: if threaded { None } else { missing },
            detail: None,
            memory_max_bytes: MEMORY_MAX_BYTES,
            checked: false,
            remembered: false,
        }
    }

    /// The missing capability in words, or `None` when nothing is missing.
    pub fn explanation(&self) -> Option<Explanation> {
        let said = |detail: &Option<String>| {
            detail
                .as_ref()
                .map_or_else(String::new, |detail| format!(" (the browser said: {detail})"))
        };
        let (problem, fix) = match self.missing? {
            Missing::Isolation => (
                "the page is not cross-origin isolated, so Web Workers cannot share wasm memory".to_owned(),
                "serve it with Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: \
                 require-corp (or let the isolation service worker reload it once)"
                    .to_owned(),
            ),
            Missing::SharedArrayBuffer => (
                "the page is isolated, but this browser does not expose SharedArrayBuffer, so Web Workers cannot \
                 share wasm memory"
                    .to_owned(),
                "the isolation headers are right: use a browser that exposes SharedArrayBuffer to cross-origin \
                 isolated pages (current Chrome, Edge, Firefox and Safari do; some WebKit-based browsers keep \
                 it switched off)"
                    .to_owned(),
            ),
            Missing::SharedMemory => (
                format!(
                    "the page is isolated and has SharedArrayBuffer, but this browser refused a shared wasm memory \
                     of up to {} MiB, the most Lanes' kernels need{}",
                    self.memory_max_bytes / MIB,
                    said(&self.detail)
                ),
                "the browser refused it (mobile WebKit and 32-bit browsers cap shared memory; others may under \
                 memory pressure): close other tabs and reload, or use a 64-bit desktop browser"
                    .to_owned(),
            ),
            Missing::ModuleWorker => (
                format!(
                    "this browser could not start a module Web Worker, which the compute worker is{}",
                    said(&self.detail)
                ),
                "use a browser with module workers (Chrome 80, Firefox 114, Safari 15 or later)".to_owned(),
            ),
            Missing::NestedWorker => (
                format!(
                    "a Web Worker here could not start another worker, and the compute worker starts the pool's \
                     threads itself{}",
                    said(&self.detail)
                ),
                "use a browser with nested workers (current Chrome, Firefox, and Safari 15.5 or later)".to_owned(),
            ),
            Missing::WorkerTimeout => (
                format!(
                    "a worker the boot check started did not answer within its time limit, so whether workers \
                     work here is unknown{}",
                    self.detail
                        .as_ref()
                        .map_or_else(String::new, |detail| format!(" ({detail})"))
                ),
                "the machine may have been too busy to answer in time: reload the page to check again".to_owned(),
            ),
            Missing::ThreadedStart => (
                format!("the threaded build failed to start{}", said(&self.detail)),
                "reload the page; if it fails again, the browser cannot run the threaded build here".to_owned(),
            ),
        };
        Some(Explanation { problem, fix })
    }

    /// Why there is no pool in this build, for the pool's state and every refusal; `None` in the threaded build.
    pub fn pool_unavailable(&self) -> Option<String> {
        if self.build == Build::Threaded {
            return None;
        }
        Some(match self.explanation() {
            Some(Explanation { problem, fix }) => {
                format!("{problem}, and it runs the single-threaded build; {fix}")
            }
            None => "the page runs the single-threaded build (the boot check named no missing capability)"
                .to_owned(),
        })
    }

    /// The environment panel's sentence about the build.
    pub fn summary(&self) -> String {
        let checked = if self.checked {
            ""
        } else {
            " (inferred: boot.js did not load this page)"
        };
        match (self.build, self.explanation()) {
            (Build::Threaded, _) if !self.checked => format!(
                "threaded build: the page is cross-origin isolated and SharedArrayBuffer is exposed; boot.js did \
                 not load this page, so the shared memory of up to {} MiB and nested workers were not checked",
                self.memory_max_bytes / MIB
            ),
            (Build::Threaded, _) if self.remembered => format!(
                "threaded build: the page is cross-origin isolated, SharedArrayBuffer is exposed and a shared wasm \
                 memory of up to {} MiB was granted; a module worker started nested workers on an earlier load of \
                 this build in this browser (remembered, not checked again; a pool that fails to start forgets it)",
                self.memory_max_bytes / MIB
            ),
            (Build::Threaded, _) => format!(
                "threaded build: the page is cross-origin isolated, SharedArrayBuffer is exposed, a shared wasm \
                 memory of up to {} MiB was granted and a module worker can start nested workers",
                self.memory_max_bytes / MIB
            ),
            (Build::SingleThreaded, Some(Explanation { problem, fix })) => {
                format!("single-threaded build: {problem}. To get the pool: {fix}{checked}")
            }
            (Build::SingleThreaded, None) => {
                format!("single-threaded build (the boot check named no missing capability){checked}")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(missing: &str, detail: Option<&str>) -> CapabilityReport {
        CapabilityReport::from_fields(
            Some("single-threaded"),
            Some(missing),
            detail,
            Some(MEMORY_MAX_BYTES as f64),
        )
        .unwrap()
    }

    #[test]
    fn every_id_round_trips() {
        for missing in Missing::ALL {
            assert_eq!(Missing::from_id(missing.id()), Some(missing));
        }
        assert_eq!(Missing::from_id("isolated"), None);
    }

    #[test]
    fn isolated_without_shared_array_buffer_is_not_called_not_isolated() {
        let report = report("shared-array-buffer", None);
        let text = report.pool_unavailable().unwrap();
        assert!(
            text.contains("isolated, but this browser does not expose SharedArrayBuffer"),
            "{text}"
        );
        assert!(!text.contains("not cross-origin isolated"), "{text}");
        assert!(text.contains("single-threaded build"), "{text}");
        assert!(
            report
                .summary()
                .contains("To get the pool: the isolation headers are right")
        );
    }

    #[test]
    fn not_isolated_names_the_headers_that_fix_it() {
        let text = report("isolation", None).pool_unavailable().unwrap();
        assert!(text.contains("not cross-origin isolated"), "{text}");
        assert!(
            text.contains("Cross-Origin-Embedder-Policy: require-corp"),
            "{text}"
        );
    }

    #[test]
    fn a_refused_memory_names_its_size_and_what_the_browser_said() {
        let text = report("shared-memory", Some(" RangeError: could not allocate memory "))
            .pool_unavailable()
            .unwrap();
        assert!(
            text.contains("refused a shared wasm memory of up to 512 MiB"),
            "{text}"
        );
        assert!(
            text.contains("(the browser said: RangeError: could not allocate memory)"),
            "{text}"
        );
    }

    #[test]
    fn each_missing_capability_has_its_own_words() {
        let problems: Vec<String> = Missing::ALL
            .into_iter()
            .map(|missing| report(missing.id(), None).explanation().unwrap().problem)
            .collect();
        for (index, problem) in problems.iter().enumerate() {
            assert!(!problem.is_empty());
            assert!(
                !problem.contains("the browser said"),
                "no detail, no quote: {problem}"
            );
            assert!(
                problems[index + 1..].iter().all(|other| other != problem),
                "{problem}"
            );
        }
        assert!(problems[4].contains("could not start another worker"));
        assert!(problems[5].contains("did not answer within its time limit"));
        assert!(!problems[5].contains("use a browser"), "{}", problems[5]);
    }

    #[test]
    fn a_remembered_worker_check_is_said_as_such() {
        let checked =
            CapabilityReport::from_fields(Some("threaded"), None, None, Some(MEMORY_MAX_BYTES as f64))
                .unwrap();
        let remembered = CapabilityReport {
            remembered: true,
            ..checked.clone()
        };
        assert!(
            checked
                .summary()
                .contains("a module worker can start nested workers")
        );
        assert!(!checked.summary().contains("earlier load"));
        let said = remembered.summary();
        assert!(said.starts_with("threaded build"), "{said}");
        assert!(
            said.contains(
                "started nested workers on an earlier load of this build in this browser (remembered"
            ),
            "{said}"
        );
        assert_eq!(remembered.pool_unavailable(), None);
    }

    #[test]
    fn the_threaded_build_has_no_pool_problem() {
        let report =
            CapabilityReport::from_fields(Some("threaded"), None, None, Some(MEMORY_MAX_BYTES as f64))
                .unwrap();
        assert_eq!(report.pool_unavailable(), None);
        assert!(
            report.summary().starts_with("threaded build"),
            "{}",
            report.summary()
        );
        assert!(report.summary().contains("up to 512 MiB"));
    }

    #[test]
    fn malformed_reports_are_read_safely() {
        assert_eq!(CapabilityReport::from_fields(None, None, None, None), None);
        assert_eq!(
            CapabilityReport::from_fields(Some("fast"), None, None, None),
            None
        );
        let unknown = CapabilityReport::from_fields(
            Some("single-threaded"),
            Some("teleporter"),
            Some(""),
            Some(f64::NAN),
        )
        .unwrap();
        assert_eq!(unknown.missing, None);
        assert_eq!(unknown.detail, None);
        assert_eq!(unknown.memory_max_bytes, MEMORY_MAX_BYTES);
        assert!(
            unknown
                .pool_unavailable()
                .unwrap()
                .contains("named no missing capability")
        );
    }

    #[test]
    fn a_page_without_boot_js_infers_what_it_can() {
        let threaded = CapabilityReport::inferred(true, true, true);
        assert_eq!(
            (threaded.build, threaded.missing, threaded.checked),
            (Build::Threaded, None, false)
        );
        assert!(
            threaded.summary().contains("were not checked"),
            "a check that did not run is not claimed: {}",
            threaded.summary()
        );
        assert!(!threaded.summary().contains("was granted"));
        let webkit = CapabilityReport::inferred(true, false, false);
        assert_eq!(webkit.missing, Some(Missing::SharedArrayBuffer));
        let plain = CapabilityReport::inferred(false, false, false);
        assert_eq!(plain.missing, Some(Missing::Isolation));
    }

    #[test]
    fn the_memory_maximum_covers_the_worst_case_with_a_stranded_picture_to_spare() {
        let budget = MemoryBudget::from_limits();
        assert_eq!(budget.stream_body, 256 * MIB);
        assert_eq!(budget.picture, 96 * MIB);
        assert_eq!(budget.pool_stacks, 128 * MIB);
        // 8 + 128 + 256 = 392 MiB; a freed picture the allocator could not reuse (96 MiB) still fits.
        assert_eq!(budget.worst_bytes(), 392 * MIB);
        assert!(budget.worst_bytes() + budget.picture <= MEMORY_MAX_BYTES);
        // …and the maximum is not a blanket: under 1.5 × the worst case.
        assert!(MEMORY_MAX_BYTES * 2 < budget.worst_bytes() * 3);
    }

    #[test]
    fn the_linker_is_given_the_same_maximum() {
        let config = include_str!("../.cargo/config.toml");
        let flag = format!("link-arg=--max-memory={MEMORY_MAX_BYTES}\"");
        assert!(config.contains(&flag), "{flag} not in .cargo/config.toml");
        assert_eq!(config.matches("--max-memory=").count(), 1);
        assert_eq!(MEMORY_MAX_BYTES % 65_536, 0, "whole wasm pages");
    }

    /// Every build of the page's module is compiled with Leptos's `erase_components`: the threaded one (from
    /// .cargo/config.toml) and the single-threaded one (the Trunk hook replaces those flags) — or the fallback page
    /// would be another program than the one tested.
    #[test]
    fn every_page_build_erases_components() {
        let config = include_str!("../.cargo/config.toml");
        assert!(
            config.contains(r#""--cfg", "erase_components","#),
            ".cargo/config.toml"
        );
        let encoded = r"page_flags=$'--cfg\x1ferase_components'";
        let hook = include_str!("../.ci/trunk-post-build.sh");
        assert_eq!(
            hook.matches(encoded).count(),
            1,
            ".ci/trunk-post-build.sh, the single-threaded page"
        );
    }
}
