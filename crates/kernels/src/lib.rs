//! CPU kernels, written once. Each splits its job into the same list of tasks whichever way it runs, so the
//! sequential and the rayon strategies combine identical task results in the same order and agree exactly.
//!
//! Nothing here knows about the web: the clock is passed in, so the kernels are tested natively.

pub mod chunked_sum;
pub mod cost;
pub mod mandelbrot;
pub mod primes;
pub mod sum_loop;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// The CPU kernels a learner can pick.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kernel {
    /// The lesson's loop: add `a` to a running sum `n` times, as T equal tasks.
    SumLoop,
    /// The process-pool lesson: for each item, the sum of `i * multiplier` for `i` below `item * k`.
    ChunkedSum,
    /// Count the primes below `n` with a segmented sieve.
    Primes,
    /// A Mandelbrot image, split into bands of rows.
    Mandelbrot,
}

impl Kernel {
    /// Every kernel, in the order the UI lists them.
    pub const ALL: [Kernel; 4] = [
        Kernel::SumLoop,
        Kernel::ChunkedSum,
        Kernel::Primes,
        Kernel::Mandelbrot,
    ];

    /// The stable identifier used in URLs, `data-*` attributes and exports.
    pub fn id(self) -> &'static str {
        match self {
            Kernel::SumLoop => "sum-loop",
            Kernel::ChunkedSum => "chunked-sum",
            Kernel::Primes => "primes",
            Kernel::Mandelbrot => "mandelbrot",
        }
    }

    /// Parses an identifier made by [`Kernel::id`].
    pub fn from_id(id: &str) -> Option<Kernel> {
        Kernel::ALL.into_iter().find(|kernel| kernel.id() == id)
    }

    /// What the size field means for this kernel, shown beside the input.
    pub fn size_meaning(self) -> &'static str {
        match self {
            Kernel::SumLoop => "additions per task (n)",
            Kernel::ChunkedSum => "items",
            Kernel::Primes => "count primes below n",
            Kernel::Mandelbrot => "image width in pixels",
        }
    }

    /// A size that takes a noticeable but short time on one thread.
    pub fn default_size(self) -> u64 {
        match self {
            Kernel::SumLoop => sum_loop::DEFAULT_N,
            Kernel::ChunkedSum => chunked_sum::DEFAULT_ITEMS,
            Kernel::Primes => primes::DEFAULT_N,
            Kernel::Mandelbrot => mandelbrot::DEFAULT_WIDTH,
        }
    }

    /// The accepted sizes: the upper end keeps one run on one thread of a 2-core machine to seconds and its
    /// memory far below the 1 GiB each wasm instance may grow to.
    pub fn size_range(self) -> (u64, u64) {
        match self {
            Kernel::SumLoop => (1, sum_loop::MAX_N),
            Kernel::ChunkedSum => (1, chunked_sum::MAX_ITEMS),
            Kernel::Primes => (2, primes::MAX_N),
            Kernel::Mandelbrot => (mandelbrot::MIN_WIDTH, mandelbrot::MAX_WIDTH),
        }
    }
}

/// How many equal tasks `sum-loop` runs by default (the lesson uses two).
pub const DEFAULT_TASKS: u32 = 2;
/// The most tasks `sum-loop` accepts.
pub const MAX_TASKS: u32 = 64;

/// One kernel job: which kernel, at which size.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KernelSpec {
    /// The kernel to run.
    pub kernel: Kernel,
    /// Its size; what it means depends on the kernel ([`Kernel::size_meaning`]).
    pub size: u64,
    /// The number of equal tasks (`sum-loop` only; the other kernels split their work themselves).
    pub tasks: u32,
}

impl KernelSpec {
    /// A spec at the kernel's default size.
    pub fn with_defaults(kernel: Kernel) -> KernelSpec {
        KernelSpec {
            kernel,
            size: kernel.default_size(),
            tasks: DEFAULT_TASKS,
        }
    }

    /// How much work the job is, in the kernel's own arbitrary unit: comparable between sizes of one kernel
    /// (twice the work takes twice as long on one thread), never between kernels. [`cost`] turns a measured
    /// time into a speed in this unit and back.
    ///
    /// - `sum-loop`: `n` additions in each of `tasks` tasks.
    /// - `chunked-sum`: item `j` sums `j · K` products, so `items` items cost `K · items · (items + 1) / 2`.
    /// - `primes`: a sieve of Eratosthenes crosses off `n · ln ln n` multiples (its counting pass is linear).
    /// - `mandelbrot`: `width × height` pixels (height from [`mandelbrot::height_for`]), each at most
    ///   [`mandelbrot::MAX_ITERATIONS`] steps; the mean escape time of this fixed view barely changes with the
    ///   resolution (about 55 steps at every width), so the bound is as good as the mean for a ratio.
    pub fn work(&self) -> f64 {
        let size = self.size as f64;
        match self.kernel {
            Kernel::SumLoop => size * f64::from(self.tasks),
            Kernel::ChunkedSum => chunked_sum::K as f64 * size * (size + 1.0) / 2.0,
            // ln ln n is negative below e^e; from 16 on it is above 1 and growing, so the work stays monotone.
            Kernel::Primes => size * size.max(16.0).ln().ln(),
            Kernel::Mandelbrot => {
                // Sizes this large are refused anyway; the cap keeps `height_for` from overflowing.
                let width = u32::try_from(self.size).unwrap_or(u32::MAX).min(u32::MAX / 4);
                f64::from(width)
                    * f64::from(mandelbrot::height_for(width))
                    * f64::from(mandelbrot::MAX_ITERATIONS)
            }
        }
    }

    /// Checks the size and task count against the kernel's limits.
    ///
    /// # Errors
    /// [`KernelError::SizeOutOfRange`] or [`KernelError::TasksOutOfRange`], with the accepted range.
    pub fn validate(&self) -> Result<(), KernelError> {
        let (min, max) = self.kernel.size_range();
        if self.size < min || self.size > max {
            return Err(KernelError::SizeOutOfRange {
                kernel: self.kernel.id(),
                size: self.size,
                min,
                max,
            });
        }
        if self.kernel == Kernel::SumLoop && !(1..=MAX_TASKS).contains(&self.tasks) {
            return Err(KernelError::TasksOutOfRange {
                tasks: self.tasks,
                max: MAX_TASKS,
            });
        }
        Ok(())
    }
}

/// Whether the tasks run one after another on the calling thread, or on the rayon pool.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Strategy {
    /// In order, on the calling thread.
    Sequential,
    /// On the current rayon pool. The caller blocks until the pool is done, so on the browser's main thread
    /// (which may not block on `Atomics.wait`) only with rayon's `web_spin_lock`, where it spins: main-pool mode.
    Parallel,
}

/// When one task ran and on which thread.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct TaskSpan {
    /// The task's position in the job.
    pub task: u32,
    /// The rayon thread index, or `None` when the task ran outside a pool.
    pub thread: Option<u32>,
    /// Start, in milliseconds on the shared clock.
    pub start_ms: f64,
    /// End, in milliseconds on the shared clock.
    pub end_ms: f64,
}

/// An RGBA image a kernel drew.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Image {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Row-major RGBA bytes, `width * height * 4` of them.
    #[serde(with = "serde_bytes")]
    pub rgba: Vec<u8>,
}

/// What one run of a kernel produced.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct KernelOutput {
    /// The kernel's answer; identical whichever strategy ran it.
    pub value: u64,
    /// One span per task.
    pub spans: Vec<TaskSpan>,
    /// The drawn image, for kernels that draw one (bands a stopped job never drew stay transparent).
    pub image: Option<Image>,
    /// Tasks the job was split into.
    #[serde(default)]
    pub tasks_total: u32,
    /// Tasks that ran to the end; fewer than `tasks_total` only when the job was stopped.
    #[serde(default)]
    pub tasks_done: u32,
}

impl KernelOutput {
    /// Whether the job was stopped before every task finished: `value` then covers the finished tasks only.
    pub fn cancelled(&self) -> bool {
        self.tasks_done < self.tasks_total
    }

    /// The number of distinct threads the tasks ran on (a run outside a pool counts as one thread).
    pub fn threads_used(&self) -> u32 {
        // A linear search per span, not a sort: the threads are few, and a sort of `Option<u32>` was 9 KB of the
        // page's module, the only sort of that type in it.
        let mut seen: Vec<Option<u32>> = Vec::new();
        for span in &self.spans {
            if !seen.contains(&span.thread) {
                seen.push(span.thread);
            }
        }
        u32::try_from(seen.len()).unwrap_or(u32::MAX)
    }
}

/// Why a kernel refused to run.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum KernelError {
    /// The size is outside the kernel's accepted range.
    #[error("{kernel}: size {size} is outside {min}..={max}")]
    SizeOutOfRange {
        /// The kernel's identifier.
        kernel: &'static str,
        /// The size asked for.
        size: u64,
        /// The smallest accepted size.
        min: u64,
        /// The largest accepted size.
        max: u64,
    },
    /// The task count is outside `1..=max`.
    #[error("tasks {tasks} is outside 1..={max}")]
    TasksOutOfRange {
        /// The task count asked for.
        tasks: u32,
        /// The most tasks accepted.
        max: u32,
    },
}

/// A clock reading milliseconds on the shared axis; `Sync` because pool threads read it too.
pub type Clock<'a> = &'a (dyn Fn() -> f64 + Sync);

/// Whether the job has been asked to stop; `Sync` because pool threads check it too.
pub type Cancelled<'a> = &'a (dyn Fn() -> bool + Sync);

/// Steps a long task takes between two checks of the stop flag: a few milliseconds of work, so a stopped job
/// ends well within 100 ms while the check itself costs nothing measurable.
pub const CHECK_EVERY: u64 = 1 << 22;

/// What a kernel needs from whoever runs it: the clock, and the stop flag it checks before each task and,
/// inside long tasks, every [`CHECK_EVERY`] steps.
#[derive(Clone, Copy)]
pub struct Context<'a> {
    /// Timestamps for the task spans.
    pub clock: Clock<'a>,
    /// The stop flag.
    pub cancelled: Cancelled<'a>,
}

fn never() -> bool {
    false
}

impl<'a> Context<'a> {
    /// A context whose job is never stopped.
    pub fn new(clock: Clock<'a>) -> Context<'a> {
        Context {
            clock,
            cancelled: &never,
        }
    }

    /// A context whose job stops once `cancelled` says so.
    pub fn cancellable(clock: Clock<'a>, cancelled: Cancelled<'a>) -> Context<'a> {
        Context { clock, cancelled }
    }
}

/// Runs one kernel job with the given strategy.
///
/// # Errors
/// [`KernelError`] when the spec is outside the kernel's limits; nothing runs then.
pub fn run(spec: &KernelSpec, strategy: Strategy, clock: Clock) -> Result<KernelOutput, KernelError> {
    run_in(spec, strategy, Context::new(clock))
}

/// Runs one kernel job with the given strategy in `context`: a stopped job returns what its finished tasks
/// computed, marked cancelled ([`KernelOutput::cancelled`]).
///
/// # Errors
/// [`KernelError`] when the spec is outside the kernel's limits; nothing runs then.
pub fn run_in(spec: &KernelSpec, strategy: Strategy, context: Context) -> Result<KernelOutput, KernelError> {
    spec.validate()?;
    Ok(match spec.kernel {
        Kernel::SumLoop => sum_loop::run(spec.size, spec.tasks, strategy, context),
        Kernel::ChunkedSum => chunked_sum::run(spec.size, strategy, context),
        Kernel::Primes => primes::run(spec.size, strategy, context),
        Kernel::Mandelbrot => mandelbrot::run(spec.size, strategy, context),
    })
}

/// What [`run_tasks`] gives back: each task's output in input order (`None` for tasks a stop cut short or
/// skipped) and a span for every task that started.
struct Tasks<O> {
    outputs: Vec<Option<O>>,
    spans: Vec<TaskSpan>,
}

impl<O> Tasks<O> {
    /// The outputs of the tasks that finished, in input order.
    fn finished(&self) -> impl Iterator<Item = &O> {
        self.outputs.iter().flatten()
    }

    /// Wraps the combined `value` (and image) into the job's output, counting finished tasks.
    fn into_output(self, value: u64, image: Option<Image>) -> KernelOutput {
        let tasks_total = u32::try_from(self.outputs.len()).unwrap_or(u32::MAX);
        let tasks_done = u32::try_from(self.finished().count()).unwrap_or(u32::MAX);
        KernelOutput {
            value,
            spans: self.spans,
            image,
            tasks_total,
            tasks_done,
        }
    }
}

/// Runs `work` over every input with the strategy, timing each task. A task that finds the job stopped before
/// it starts is skipped (no span); `work` itself returns `None` when a stop cut it short.
fn run_tasks<I, O, W>(inputs: &[I], strategy: Strategy, context: Context, work: W) -> Tasks<O>
where
    I: Sync,
    O: Send,
    W: Fn(&I, Cancelled) -> Option<O> + Sync,
{
    let timed = |(index, input): (usize, &I)| {
        if (context.cancelled)() {
            return (None, None);
        }
        let start_ms = (context.clock)();
        let output = work(input, context.cancelled);
        let end_ms = (context.clock)();
        let span = TaskSpan {
            task: u32::try_from(index).unwrap_or(u32::MAX),
            thread: rayon::current_thread_index().and_then(|thread| u32::try_from(thread).ok()),
            start_ms,
            end_ms,
        };
        (output, Some(span))
    };
    // lesson-code: cpu-pool — shown on the lesson's page (build.rs)
    let pairs: Vec<(Option<O>, Option<TaskSpan>)> = match strategy {
        Strategy::Sequential => inputs.iter().enumerate().map(timed).collect(),
        Strategy::Parallel => inputs.par_iter().enumerate().map(timed).collect(),
    };
    // lesson-code-end: cpu-pool
    let (outputs, spans): (Vec<Option<O>>, Vec<Option<TaskSpan>>) = pairs.into_iter().unzip();
    Tasks {
        outputs,
        spans: spans.into_iter().flatten().collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zero_clock() -> f64 {
        0.0
    }

    #[test]
    fn every_kernel_agrees_across_strategies() {
        for kernel in Kernel::ALL {
            let size = match kernel {
                Kernel::SumLoop => 10_000,
                Kernel::ChunkedSum => 12,
                Kernel::Primes => 3_000_000,
                Kernel::Mandelbrot => 96,
            };
            let spec = KernelSpec {
                kernel,
                size,
                tasks: 4,
            };
            let sequential = run(&spec, Strategy::Sequential, &zero_clock).unwrap();
            let parallel = run(&spec, Strategy::Parallel, &zero_clock).unwrap();
            assert_eq!(sequential.value, parallel.value, "{kernel:?}");
            assert_eq!(sequential.image, parallel.image, "{kernel:?}");
            assert_eq!(sequential.spans.len(), parallel.spans.len(), "{kernel:?}");
            assert_eq!(sequential.threads_used(), 1);
        }
    }

    /// A stop flag that turns on at its `after`-th check.
    fn stop_after(after: u32) -> impl Fn() -> bool + Sync {
        let checks = std::sync::atomic::AtomicU32::new(0);
        move || checks.fetch_add(1, std::sync::atomic::Ordering::Relaxed) >= after
    }

    #[test]
    fn a_job_stopped_before_it_starts_runs_nothing() {
        for kernel in Kernel::ALL {
            let spec = KernelSpec::with_defaults(kernel);
            let stopped = stop_after(0);
            let output = run_in(
                &spec,
                Strategy::Parallel,
                Context::cancellable(&zero_clock, &stopped),
            )
            .unwrap();
            assert!(output.cancelled(), "{kernel:?}");
            assert_eq!(output.tasks_done, 0, "{kernel:?}");
            assert!(output.tasks_total > 0, "{kernel:?}");
            assert!(output.spans.is_empty(), "{kernel:?}");
            assert_eq!(output.value, 0, "{kernel:?}");
        }
    }

    #[test]
    fn a_stopped_job_keeps_the_tasks_it_finished() {
        // Four tasks of three steps each: one check before each task and one before each step, so the tenth
        // check lands in the third task: two finished, one cut short (it has a span), one never started.
        let spec = KernelSpec {
            kernel: Kernel::SumLoop,
            size: 3 * CHECK_EVERY,
            tasks: 4,
        };
        let stopped = stop_after(9);
        let output = run_in(
            &spec,
            Strategy::Sequential,
            Context::cancellable(&zero_clock, &stopped),
        )
        .unwrap();
        assert!(output.cancelled());
        assert_eq!((output.tasks_done, output.tasks_total), (2, 4));
        assert_eq!(output.spans.len(), 3);
        assert_eq!(output.value, 2 * 3 * CHECK_EVERY * sum_loop::ADDEND);
    }

    #[test]
    fn a_stopped_picture_keeps_its_size_and_leaves_undrawn_bands_transparent() {
        let spec = KernelSpec {
            kernel: Kernel::Mandelbrot,
            size: 64,
            tasks: 1,
        };
        let stopped = stop_after(20);
        let output = run_in(
            &spec,
            Strategy::Sequential,
            Context::cancellable(&zero_clock, &stopped),
        )
        .unwrap();
        assert!(output.cancelled());
        let image = output.image.unwrap();
        assert_eq!(image.rgba.len(), 64 * 48 * 4);
        assert_eq!(image.rgba[3], 255, "the first band was drawn");
        assert_eq!(image.rgba[image.rgba.len() - 1], 0, "the last band was not");
    }

    #[test]
    fn an_unstopped_job_counts_every_task_done() {
        let output = run(
            &KernelSpec::with_defaults(Kernel::Primes),
            Strategy::Parallel,
            &zero_clock,
        )
        .unwrap();
        assert!(!output.cancelled());
        assert_eq!(output.tasks_done, output.tasks_total);
    }

    #[test]
    fn ids_round_trip() {
        for kernel in Kernel::ALL {
            assert_eq!(Kernel::from_id(kernel.id()), Some(kernel));
        }
        assert_eq!(Kernel::from_id("nope"), None);
    }

    #[test]
    fn sizes_outside_the_range_are_refused_before_running() {
        let mut spec = KernelSpec::with_defaults(Kernel::Primes);
        spec.size = primes::MAX_N + 1;
        assert!(matches!(
            run(&spec, Strategy::Sequential, &zero_clock),
            Err(KernelError::SizeOutOfRange { .. })
        ));
        let mut spec = KernelSpec::with_defaults(Kernel::SumLoop);
        spec.tasks = 0;
        assert!(matches!(
            spec.validate(),
            Err(KernelError::TasksOutOfRange { .. })
        ));
        for kernel in Kernel::ALL {
            assert_eq!(KernelSpec::with_defaults(kernel).validate(), Ok(()));
        }
    }

    #[test]
    fn threads_used_counts_distinct_pool_threads() {
        let span = |thread| TaskSpan {
            task: 0,
            thread,
            start_ms: 0.0,
            end_ms: 1.0,
        };
        let output = KernelOutput {
            value: 0,
            spans: vec![span(Some(0)), span(Some(1)), span(Some(0))],
            image: None,
            tasks_total: 3,
            tasks_done: 3,
        };
        assert_eq!(output.threads_used(), 2);
    }
}
