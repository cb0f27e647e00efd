//! What a row of a report measured, as a type: every experiment and preset names its modes with
//! [`ReportMode`], which is a string only at the edge (`data-mode`, exports), so code never matches literals.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::io::IoMode;
use crate::modes::Mode;
use crate::pipeline::PipelineMode;

/// How the hand-off preset moves bytes to a worker.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum HandoffMethod {
    /// A structured clone: every byte copied.
    Clone,
    /// A transferred `ArrayBuffer`: ownership moves.
    Transfer,
    /// A `SharedArrayBuffer`: both sides see the same bytes.
    Shared,
}

impl HandoffMethod {
    /// Every method, in the order the measurement runs them.
    pub const ALL: [HandoffMethod; 3] = [
        HandoffMethod::Clone,
        HandoffMethod::Transfer,
        HandoffMethod::Shared,
    ];

    /// `clone`, `transfer` or `shared` (what `www/handoff.js` reports).
    pub fn id(self) -> &'static str {
        match self {
            HandoffMethod::Clone => "clone",
            HandoffMethod::Transfer => "transfer",
            HandoffMethod::Shared => "shared",
        }
    }

    /// Parses [`HandoffMethod::id`].
    pub fn from_id(id: &str) -> Option<HandoffMethod> {
        HandoffMethod::ALL.into_iter().find(|method| method.id() == id)
    }
}

/// How the streaming preset reads the body.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum StreamMode {
    /// Batch by batch as the bytes arrive.
    Streamed,
    /// The whole body first, then one batch.
    Buffered,
}

impl StreamMode {
    /// Both, in run order.
    pub const ALL: [StreamMode; 2] = [StreamMode::Streamed, StreamMode::Buffered];

    /// `streamed` or `buffered`.
    pub fn id(self) -> &'static str {
        match self {
            StreamMode::Streamed => "streamed",
            StreamMode::Buffered => "buffered",
        }
    }
}

impl fmt::Display for StreamMode {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.id())
    }
}

/// Where the connections preset sends its requests.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ConnectionTarget {
    /// A real HTTP/1.1 origin: the browser opens a limited number of connections to it.
    Http1,
    /// The built-in endpoint, answered by the lab's service worker: no network, no connection, no limit.
    BuiltIn,
}

impl ConnectionTarget {
    /// Both, in the order the preset runs them at each N.
    pub const ALL: [ConnectionTarget; 2] = [ConnectionTarget::Http1, ConnectionTarget::BuiltIn];

    /// `http1` or `builtin`: the first part of the row's id (`http1-12`).
    pub fn id(self) -> &'static str {
        match self {
            ConnectionTarget::Http1 => "http1",
            ConnectionTarget::BuiltIn => "builtin",
        }
    }

    /// What a learner calls it.
    pub fn label(self) -> &'static str {
        match self {
            ConnectionTarget::Http1 => "HTTP/1.1 origin",
            ConnectionTarget::BuiltIn => "built-in endpoint",
        }
    }
}

/// What one row of a report measured. Serialises to the `data-mode` string (`main`, `io-concurrent`,
/// `threads-3`, …), which exports and tests rely on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub enum ReportMode {
    /// A CPU kernel in `main`, `main-pool`, `worker` or `pool` mode.
    Cpu(Mode),
    /// An I/O mode (`io-single`, …).
    Io(IoMode),
    /// Pool start: a fresh worker and pool per run.
    ColdPool,
    /// Pool start: the page's own pool.
    WarmPool,
    /// Pool start: the page's own worker, one thread.
    WarmWorker,
    /// The sweep: a pool of this many threads.
    Threads(u32),
    /// The hand-off preset.
    Handoff(HandoffMethod),
    /// The pipeline preset.
    Pipeline(PipelineMode),
    /// The streaming preset.
    Stream(StreamMode),
    /// The connections preset: N requests started together at one target (`http1-12`, `builtin-12`).
    Connections(ConnectionTarget, u32),
}

impl ReportMode {
    /// The stable id: `data-mode`, CSV, JSON and trace names.
    pub fn id(self) -> String {
        match self {
            ReportMode::Cpu(mode) => mode.id().to_owned(),
            ReportMode::Io(mode) => format!("io-{}", mode.id()),
            ReportMode::ColdPool => "cold-pool".to_owned(),
            ReportMode::WarmPool => "warm-pool".to_owned(),
            ReportMode::WarmWorker => "warm-worker".to_owned(),
            ReportMode::Threads(threads) => format!("threads-{threads}"),
            ReportMode::Handoff(method) => method.id().to_owned(),
            ReportMode::Pipeline(mode) => mode.id().to_owned(),
            ReportMode::Stream(mode) => mode.id().to_owned(),
            ReportMode::Connections(target, requests) => format!("{}-{requests}", target.id()),
        }
    }

    /// Words a learner knows, for tables and sentences: `one Web Worker`, `all at once (gather)`, …
    pub fn label(self) -> String {
        match self {
            ReportMode::Cpu(Mode::Main) => "UI thread".to_owned(),
            ReportMode::Cpu(Mode::MainPool) => "rayon on the UI thread".to_owned(),
            ReportMode::Cpu(Mode::Worker) => "one worker".to_owned(),
            ReportMode::Cpu(Mode::Pool) => "pool".to_owned(),
            ReportMode::Io(IoMode::Single) => "one request".to_owned(),
            ReportMode::Io(IoMode::Sequential) => "one after another".to_owned(),
            ReportMode::Io(IoMode::Concurrent) => "all at once".to_owned(),
            ReportMode::Io(IoMode::Bounded) => "at most k at once".to_owned(),
            ReportMode::Io(IoMode::Race) => "first to answer".to_owned(),
            ReportMode::ColdPool => "cold pool".to_owned(),
            ReportMode::WarmPool => "warm pool".to_owned(),
            ReportMode::WarmWorker => "warm worker".to_owned(),
            ReportMode::Threads(1) => "1 thread".to_owned(),
            ReportMode::Threads(threads) => format!("{threads} threads"),
            ReportMode::Handoff(HandoffMethod::Clone) => "structured clone".to_owned(),
            ReportMode::Handoff(HandoffMethod::Transfer) => "transfer".to_owned(),
            ReportMode::Handoff(HandoffMethod::Shared) => "SharedArrayBuffer".to_owned(),
            ReportMode::Pipeline(mode) => mode.id().replace('-', " "),
            ReportMode::Stream(mode) => mode.id().to_owned(),
            ReportMode::Connections(target, requests) => format!("{requests} requests, {}", target.label()),
        }
    }
}

impl fmt::Display for ReportMode {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.id())
    }
}

impl From<ReportMode> for String {
    fn from(mode: ReportMode) -> String {
        mode.id()
    }
}

/// A string that is no [`ReportMode::id`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown mode `{0}`")]
pub struct UnknownMode(pub String);

impl FromStr for ReportMode {
    type Err = UnknownMode;

    fn from_str(id: &str) -> Result<ReportMode, UnknownMode> {
        let unknown = || UnknownMode(id.to_owned());
        if let Some(mode) = Mode::from_id(id) {
            return Ok(ReportMode::Cpu(mode));
        }
        if let Some(io) = id.strip_prefix("io-") {
            return IoMode::from_id(io).map(ReportMode::Io).ok_or_else(unknown);
        }
        if let Some(threads) = id.strip_prefix("threads-") {
            return threads.parse().map(ReportMode::Threads).map_err(|_| unknown());
        }
        for target in ConnectionTarget::ALL {
            if let Some(requests) = id
                .strip_prefix(target.id())
                .and_then(|rest| rest.strip_prefix('-'))
            {
                return requests
                    .parse()
                    .map(|requests| ReportMode::Connections(target, requests))
                    .map_err(|_| unknown());
            }
        }
        if let Some(method) = HandoffMethod::from_id(id) {
            return Ok(ReportMode::Handoff(method));
        }
        if let Some(mode) = PipelineMode::ALL.into_iter().find(|mode| mode.id() == id) {
            return Ok(ReportMode::Pipeline(mode));
        }
        if let Some(mode) = StreamMode::ALL.into_iter().find(|mode| mode.id() == id) {
            return Ok(ReportMode::Stream(mode));
        }
        match id {
            "cold-pool" => Ok(ReportMode::ColdPool),
            "warm-pool" => Ok(ReportMode::WarmPool),
            "warm-worker" => Ok(ReportMode::WarmWorker),
            _ => Err(unknown()),
        }
    }
}

impl TryFrom<String> for ReportMode {
    type Error = UnknownMode;

    fn try_from(id: String) -> Result<ReportMode, UnknownMode> {
        id.parse()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_mode_round_trips_through_its_id_and_serde() {
        let mut all: Vec<ReportMode> = Mode::ALL.into_iter().map(ReportMode::Cpu).collect();
        all.extend(IoMode::ALL.into_iter().map(ReportMode::Io));
        all.extend([ReportMode::ColdPool, ReportMode::WarmPool, ReportMode::WarmWorker]);
        all.extend([1, 2, 16].map(ReportMode::Threads));
        all.extend(HandoffMethod::ALL.map(ReportMode::Handoff));
        all.extend(PipelineMode::ALL.map(ReportMode::Pipeline));
        all.extend(StreamMode::ALL.map(ReportMode::Stream));
        all.extend(ConnectionTarget::ALL.map(|target| ReportMode::Connections(target, 12)));
        for mode in all {
            assert_eq!(mode.id().parse::<ReportMode>(), Ok(mode));
            let json = serde_json::to_string(&mode).unwrap();
            assert_eq!(json, format!("\"{}\"", mode.id()));
            assert_eq!(serde_json::from_str::<ReportMode>(&json).unwrap(), mode);
        }
        assert_eq!(ReportMode::Io(IoMode::Race).id(), "io-race");
        assert_eq!(ReportMode::Cpu(Mode::MainPool).id(), "main-pool");
        assert_eq!(
            "main-pool".parse::<ReportMode>(),
            Ok(ReportMode::Cpu(Mode::MainPool))
        );
        assert!("io-nope".parse::<ReportMode>().is_err());
        assert!("threads-x".parse::<ReportMode>().is_err());
        assert_eq!(
            "http1-24".parse::<ReportMode>(),
            Ok(ReportMode::Connections(ConnectionTarget::Http1, 24))
        );
        assert!("builtin-".parse::<ReportMode>().is_err());
    }
}
