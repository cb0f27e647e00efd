//! Where a CPU kernel runs. The mode is a type: one kernel, four places.

use serde::{Deserialize, Serialize};

use crate::kernels::Strategy;

/// The execution modes a learner compares.
///
/// The declaration order is the execution order of one Run (`Ord` sorts a URL's `modes=` list into it):
/// `main-pool` runs right after `main`, the mode it is compared with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Mode {
    /// Sequentially on the UI thread: the page freezes while it runs, which is the lesson.
    Main,
    /// `par_iter` called from the UI thread on a rayon pool the page itself starts (on first use): the work is
    /// parallel, and the page still freezes, because the UI thread waits — spinning, as it may not block on
    /// `Atomics.wait` — until every task is done.
    MainPool,
    /// Sequentially in the compute worker: the page stays responsive.
    Worker,
    /// On the rayon pool of Web Workers owned by the compute worker.
    Pool,
}

impl Mode {
    /// Every mode, in the order one Run executes them (the form lists them in this order).
    pub const ALL: [Mode; 4] = [Mode::Main, Mode::MainPool, Mode::Worker, Mode::Pool];

    /// The modes ticked when neither the URL nor the user chose: `main-pool` is left out, so the default Run
    /// keeps its three-way lesson (and starts no second pool); a URL's `modes=main-pool` or its checkbox adds it.
    pub const DEFAULT: [Mode; 3] = [Mode::Main, Mode::Worker, Mode::Pool];

    /// The stable identifier used in URLs and `data-mode`.
    pub fn id(self) -> &'static str {
        match self {
            Mode::Main => "main",
            Mode::MainPool => "main-pool",
            Mode::Worker => "worker",
            Mode::Pool => "pool",
        }
    }

    /// Parses an identifier made by [`Mode::id`].
    pub fn from_id(id: &str) -> Option<Mode> {
        Mode::ALL.into_iter().find(|mode| mode.id() == id)
    }

    /// How the kernel's tasks are scheduled in this mode.
    pub fn strategy(self) -> Strategy {
        match self {
            Mode::Main | Mode::Worker => Strategy::Sequential,
            Mode::MainPool | Mode::Pool => Strategy::Parallel,
        }
    }

    /// Whether the mode's job goes to the compute worker (the others run on the UI thread).
    pub fn uses_compute_worker(self) -> bool {
        match self {
            Mode::Main | Mode::MainPool => false,
            Mode::Worker | Mode::Pool => true,
        }
    }

    /// A one-line description for the form.
    pub fn describe(self) -> &'static str {
        match self {
            Mode::Main => "on the UI thread (the page freezes)",
            Mode::MainPool => "rayon from the UI thread (parallel, and the page still freezes)",
            Mode::Worker => "sequentially in one Web Worker",
            Mode::Pool => "rayon over every pool thread",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_the_pools_are_parallel() {
        for mode in Mode::ALL {
            assert_eq!(Mode::from_id(mode.id()), Some(mode));
            let json = serde_json::to_string(&mode).unwrap();
            assert_eq!(json, format!("\"{}\"", mode.id()), "serde and the URL agree");
        }
        assert_eq!(Mode::from_id("main-pool"), Some(Mode::MainPool));
        assert_eq!(Mode::from_id("main_pool"), None);
        assert_eq!(Mode::Pool.strategy(), Strategy::Parallel);
        assert_eq!(Mode::MainPool.strategy(), Strategy::Parallel);
        assert_eq!(Mode::Main.strategy(), Strategy::Sequential);
        assert_eq!(Mode::Worker.strategy(), Strategy::Sequential);
    }

    #[test]
    fn main_pool_runs_on_the_page_beside_main_and_is_not_a_default() {
        assert!(!Mode::MainPool.uses_compute_worker());
        assert!(!Mode::Main.uses_compute_worker());
        assert!(Mode::Worker.uses_compute_worker() && Mode::Pool.uses_compute_worker());
        assert!(!Mode::DEFAULT.contains(&Mode::MainPool));
        assert!(Mode::DEFAULT.iter().all(|mode| Mode::ALL.contains(mode)));
        let mut sorted = Mode::ALL;
        sorted.sort();
        assert_eq!(sorted, Mode::ALL, "ALL is in execution order");
    }
}
