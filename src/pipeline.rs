//! The fetch-then-process scheduler of the pipeline preset, generic over the fetch and the processing step so
//! it is tested natively with fake ones. Processing is one step at a time (one compute worker); fetching is
//! bounded to `limit` in flight.

use std::future::Future;

use futures::StreamExt;
use futures::channel::mpsc;

use crate::io::{IoMode, schedule};

/// How fetching and processing are arranged.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PipelineMode {
    /// Fetch item i, process it, then item i + 1.
    Sequential,
    /// Fetch every item (at most `limit` at once), then process them all.
    FetchThenProcess,
    /// Hand each item to processing as soon as it arrives; fetch slots free up at once.
    Pipelined,
}

impl PipelineMode {
    /// Every mode, in run order.
    pub const ALL: [PipelineMode; 3] = [
        PipelineMode::Sequential,
        PipelineMode::FetchThenProcess,
        PipelineMode::Pipelined,
    ];

    /// The stable id used in `data-mode`.
    pub fn id(self) -> &'static str {
        match self {
            PipelineMode::Sequential => "sequential",
            PipelineMode::FetchThenProcess => "fetch-then-process",
            PipelineMode::Pipelined => "pipelined",
        }
    }
}

/// Runs `items` items through `fetch` then `process` in `mode`.
///
/// # Errors
/// The first error of a fetch or a processing step; the run stops there.
pub async fn run_pipeline<F, FetchFuture, P, ProcessFuture>(
    mode: PipelineMode,
    items: usize,
    limit: usize,
    fetch: F,
    process: P,
) -> Result<(), String>
where
    F: Fn(usize) -> FetchFuture,
    FetchFuture: Future<Output = Result<(), String>>,
    P: Fn(usize) -> ProcessFuture,
    ProcessFuture: Future<Output = Result<(), String>>,
{
    let as_fetch_error = |result: Result<(), String>| result.map_err(crate::io::FetchError::Network);
    match mode {
        PipelineMode::Sequential => {
            for index in 0..items {
                fetch(index).await?;
                process(index).await?;
            }
        }
        PipelineMode::FetchThenProcess => {
            let fetched = schedule(IoMode::Bounded, items, limit, |index| {
                let request = fetch(index);
                async move { as_fetch_error(request.await) }
            })
            .await;
            for (index, result) in fetched.into_iter().enumerate() {
                result.map_err(|error| error.to_string())?;
                process(index).await?;
            }
        }
        // lesson-code: fetch-then-process — shown on the lesson's page (build.rs)
        PipelineMode::Pipelined => {
            let (arrived, mut queue) = mpsc::unbounded::<usize>();
            let fetching = async {
                let fetched = schedule(IoMode::Bounded, items, limit, |index| {
                    let (request, arrived) = (fetch(index), arrived.clone());
                    async move {
                        let outcome = as_fetch_error(request.await);
                        if outcome.is_ok() {
                            // The queue lives until every fetch is done, so this cannot fail.
                            let _ = arrived.unbounded_send(index);
                        }
                        outcome
                    }
                })
                .await;
                drop(arrived);
                fetched
            };
            let processing = async {
                while let Some(index) = queue.next().await {
                    process(index).await?;
                }
                Ok::<(), String>(())
            };
            let (fetched, processed) = futures::join!(fetching, processing);
            for result in fetched {
                result.map_err(|error| error.to_string())?;
            }
            processed?;
        } // lesson-code-end: fetch-then-process
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::tests::Yield;
    use std::cell::RefCell;

    /// Runs the pipeline with fake steps and returns the order of events.
    fn events(mode: PipelineMode, items: usize, limit: usize) -> Vec<String> {
        let log = RefCell::new(Vec::new());
        let result = futures::executor::block_on(run_pipeline(
            mode,
            items,
            limit,
            |index| {
                let log = &log;
                async move {
                    log.borrow_mut().push(format!("fetch {index}"));
                    Yield(4).await;
                    log.borrow_mut().push(format!("fetched {index}"));
                    Ok(())
                }
            },
            |index| {
                let log = &log;
                async move {
                    log.borrow_mut().push(format!("process {index}"));
                    Yield(2).await;
                    Ok(())
                }
            },
        ));
        assert_eq!(result, Ok(()));
        log.into_inner()
    }

    fn position(events: &[String], event: &str) -> usize {
        events.iter().position(|candidate| candidate == event).unwrap()
    }

    #[test]
    fn every_item_is_fetched_and_processed_exactly_once() {
        for mode in PipelineMode::ALL {
            let events = events(mode, 6, 2);
            for index in 0..6 {
                let count = |prefix: &str| {
                    events
                        .iter()
                        .filter(|e| **e == format!("{prefix} {index}"))
                        .count()
                };
                assert_eq!(
                    (count("fetch"), count("process")),
                    (1, 1),
                    "{mode:?} item {index}"
                );
                assert!(
                    position(&events, &format!("fetched {index}"))
                        < position(&events, &format!("process {index}"))
                );
            }
        }
    }

    #[test]
    fn only_the_pipeline_overlaps_processing_with_fetching() {
        let last_fetch = |events: &[String]| position(events, "fetched 5");
        let two_phase = events(PipelineMode::FetchThenProcess, 6, 2);
        assert!(
            position(&two_phase, "process 0") > last_fetch(&two_phase),
            "{two_phase:?}"
        );
        let pipelined = events(PipelineMode::Pipelined, 6, 2);
        assert!(
            position(&pipelined, "process 0") < last_fetch(&pipelined),
            "{pipelined:?}"
        );
        let sequential = events(PipelineMode::Sequential, 3, 2);
        assert_eq!(
            sequential,
            [
                "fetch 0",
                "fetched 0",
                "process 0",
                "fetch 1",
                "fetched 1",
                "process 1",
                "fetch 2",
                "fetched 2",
                "process 2"
            ]
        );
    }

    #[test]
    fn fetching_stays_within_the_limit() {
        let events = events(PipelineMode::Pipelined, 8, 3);
        let mut open = 0_i32;
        let mut most = 0;
        for event in &events {
            if event.starts_with("fetch ") {
                open += 1;
            } else if event.starts_with("fetched ") {
                open -= 1;
            }
            most = most.max(open);
        }
        assert_eq!(most, 3);
    }
}
