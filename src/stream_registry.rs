//! The compute worker's open streams (stream id → what has been processed so far), bounded so that a stream the
//! page abandons — a Stop, a dropped reader, a page that never sends the last batch — cannot hold memory
//! forever. Pure; tested natively.

use std::collections::VecDeque;

use crate::protocol::JobId;
use crate::stream::StreamStats;

/// At most this many streams are open at once; opening one more forgets the one opened longest ago. The page
/// streams one body at a time, so a few are already generous.
pub const MAX_OPEN_STREAMS: usize = 4;

/// Why a batch could not be processed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum StreamError {
    /// A batch that does not start a stream named one that is not open.
    #[error(
        "stream {0} is not open in the compute worker: its first batch never came, or it already ended, was \
         stopped, or was forgotten as the oldest of more than {MAX_OPEN_STREAMS} open streams"
    )]
    NotOpen(u32),
}

/// Where a batch sits in its stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BatchPlace {
    /// The stream it belongs to.
    pub stream: u32,
    /// The job that carried it.
    pub job: JobId,
    /// Whether it starts the stream (anything open under the same id starts over).
    pub first: bool,
    /// Whether it ends the stream (the stream is closed once it is processed).
    pub last: bool,
}

#[derive(Clone, Copy, Debug)]
struct OpenStream {
    id: u32,
    stats: StreamStats,
    /// The job of the stream's latest batch: once the page stops it, the stream is abandoned.
    latest_job: JobId,
}

/// The open streams, oldest first.
#[derive(Clone, Debug, Default)]
pub struct StreamRegistry {
    open: VecDeque<OpenStream>,
}

impl StreamRegistry {
    /// No stream open.
    pub fn new() -> StreamRegistry {
        StreamRegistry::default()
    }

    /// Processes one batch in place (see [`StreamStats::process`]) and returns the stream's stats so far. A first
    /// batch opens the stream, a last one closes it (a batch may be both).
    ///
    /// # Errors
    /// [`StreamError::NotOpen`] when a batch that is not first names a stream that is not open; nothing is
    /// processed then (starting over silently would report a wrong answer as a right one).
    pub fn process(&mut self, place: BatchPlace, bytes: &mut [u8]) -> Result<StreamStats, StreamError> {
        let index = self.position(place.stream);
        let index = match (place.first, index) {
            (true, found) => {
                if let Some(index) = found {
                    self.open.remove(index);
                }
                if self.open.len() >= MAX_OPEN_STREAMS {
                    self.open.pop_front();
                }
                self.open.push_back(OpenStream {
                    id: place.stream,
                    stats: StreamStats::new(),
                    latest_job: place.job,
                });
                self.open.len() - 1
            }
            (false, Some(index)) => index,
            (false, None) => return Err(StreamError::NotOpen(place.stream)),
        };
        let Some(open) = self.open.get_mut(index) else {
            return Err(StreamError::NotOpen(place.stream));
        };
        open.stats.process(bytes);
        open.latest_job = place.job;
        let stats = open.stats;
        if place.last {
            self.open.remove(index);
        }
        Ok(stats)
    }

    /// Forgets every stream whose latest batch belongs to a job the page has stopped: the page stops a stream
    /// by dropping it, so no more batches come.
    pub fn forget_stopped(&mut self, stopped: impl Fn(JobId) -> bool) {
        self.open.retain(|open| !stopped(open.latest_job));
    }

    /// Whether `stream` is open.
    pub fn is_open(&self, stream: u32) -> bool {
        self.position(stream).is_some()
    }

    /// How many streams are open.
    pub fn len(&self) -> usize {
        self.open.len()
    }

    /// Whether no stream is open.
    pub fn is_empty(&self) -> bool {
        self.open.is_empty()
    }

    fn position(&self, stream: u32) -> Option<usize> {
        self.open.iter().position(|open| open.id == stream)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place(stream: u32, job: JobId, first: bool, last: bool) -> BatchPlace {
        BatchPlace {
            stream,
            job,
            first,
            last,
        }
    }

    #[test]
    fn a_stream_opens_with_its_first_batch_and_closes_after_its_last() {
        let mut streams = StreamRegistry::new();
        streams
            .process(place(7, 1, true, false), &mut b"ab\n".to_vec())
            .unwrap();
        let middle = streams
            .process(place(7, 2, false, false), &mut b"cd\n".to_vec())
            .unwrap();
        assert_eq!((middle.bytes, middle.lines), (6, 2));
        assert!(streams.is_open(7));
        let last = streams
            .process(place(7, 3, false, true), &mut Vec::new())
            .unwrap();
        assert_eq!(last, middle, "an empty last batch only closes the stream");
        assert!(streams.is_empty(), "closed after its last batch");
        assert_eq!(
            streams.process(place(7, 4, false, false), &mut b"x".to_vec()),
            Err(StreamError::NotOpen(7)),
            "a batch after the last one fails instead of starting over"
        );
    }

    #[test]
    fn a_batch_can_be_first_and_last() {
        let mut streams = StreamRegistry::new();
        let stats = streams
            .process(place(1, 1, true, true), &mut b"a\nb\n".to_vec())
            .unwrap();
        assert_eq!((stats.bytes, stats.lines), (4, 2));
        assert!(streams.is_empty());
    }

    #[test]
    fn a_first_batch_starts_an_open_stream_over() {
        let mut streams = StreamRegistry::new();
        streams
            .process(place(3, 1, true, false), &mut b"abc".to_vec())
            .unwrap();
        let again = streams
            .process(place(3, 2, true, false), &mut b"z".to_vec())
            .unwrap();
        assert_eq!(again.bytes, 1);
        assert_eq!(streams.len(), 1);
    }

    #[test]
    fn an_unknown_stream_fails_and_processes_nothing() {
        let mut streams = StreamRegistry::new();
        let mut batch = b"abc".to_vec();
        assert_eq!(
            streams.process(place(9, 1, false, false), &mut batch),
            Err(StreamError::NotOpen(9))
        );
        assert_eq!(batch, b"abc", "left as it was");
        assert!(streams.is_empty());
    }

    #[test]
    fn abandoned_streams_are_bounded_oldest_first() {
        let mut streams = StreamRegistry::new();
        let opened = u32::try_from(MAX_OPEN_STREAMS).unwrap() + 3;
        for stream in 0..opened {
            streams
                .process(place(stream, stream + 1, true, false), &mut b"a".to_vec())
                .unwrap();
        }
        assert_eq!(streams.len(), MAX_OPEN_STREAMS);
        assert!(!streams.is_open(2), "the oldest went first");
        assert!(streams.is_open(3) && streams.is_open(opened - 1));
    }

    #[test]
    fn streams_whose_latest_job_was_stopped_are_forgotten() {
        let mut streams = StreamRegistry::new();
        streams
            .process(place(1, 1, true, false), &mut b"a".to_vec())
            .unwrap();
        streams
            .process(place(2, 2, true, false), &mut b"a".to_vec())
            .unwrap();
        streams
            .process(place(1, 3, false, false), &mut b"a".to_vec())
            .unwrap();
        // The page raised the stop word to job 2: stream 2's latest batch is stopped, stream 1 moved on.
        streams.forget_stopped(|job| job <= 2);
        assert!(streams.is_open(1));
        assert!(!streams.is_open(2));
    }
}
