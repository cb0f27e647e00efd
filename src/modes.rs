//! Where a CPU kernel runs. The mode is a type: one kernel, three places.

use serde::{Deserialize, Serialize};

use crate::kernels::Strategy;

/// The execution modes a learner compares.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Mode {
    /// Sequentially on the UI thread: the page freezes while it runs, which is the lesson.
    Main,
    /// Sequentially in the compute worker: the page stays responsive.
    Worker,
    /// On the rayon pool of Web Workers owned by the compute worker.
    Pool,
}

impl Mode {
    /// Every mode, in the order one Run executes them.
    pub const ALL: [Mode; 3] = [Mode::Main, Mode::Worker, Mode::Pool];

    /// The stable identifier used in URLs and `data-mode`.
    pub fn id(self) -> &'static str {
        match self {
            Mode::Main => "main",
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
            Mode::Pool => Strategy::Parallel,
        }
    }

    /// A one-line description for the form.
    pub fn describe(self) -> &'static str {
        match self {
            Mode::Main => "on the UI thread (the page freezes)",
            Mode::Worker => "sequentially in one Web Worker",
            Mode::Pool => "rayon over every pool thread",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_only_pool_is_parallel() {
        for mode in Mode::ALL {
            assert_eq!(Mode::from_id(mode.id()), Some(mode));
        }
        assert_eq!(Mode::Pool.strategy(), Strategy::Parallel);
        assert_eq!(Mode::Main.strategy(), Strategy::Sequential);
    }
}
