//! Batch processing for the streaming preset (the lesson's async generator over a large file): count lines,
//! upper-case the text and checksum the result, one batch at a time, with the same answer as processing the
//! whole body at once — whatever the batch edges. Pure; tested natively.

use serde::{Deserialize, Serialize};

/// What has been processed so far.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StreamStats {
    /// Bytes processed.
    pub bytes: u64,
    /// Newlines seen.
    pub lines: u64,
    /// An order-sensitive checksum (FNV-1a) of the upper-cased bytes.
    pub checksum: u64,
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

impl StreamStats {
    /// The state before the first batch.
    pub fn new() -> StreamStats {
        StreamStats {
            bytes: 0,
            lines: 0,
            checksum: FNV_OFFSET,
        }
    }

    /// Processes the next batch in place: upper-cases it and folds it into the counts.
    pub fn process(&mut self, batch: &mut [u8]) {
        batch.make_ascii_uppercase();
        let mut checksum = self.checksum;
        for &byte in batch.iter() {
            checksum = (checksum ^ u64::from(byte)).wrapping_mul(FNV_PRIME);
        }
        self.checksum = checksum;
        self.lines += batch.iter().filter(|byte| **byte == b'\n').count() as u64;
        self.bytes += batch.len() as u64;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(bytes: usize) -> Vec<u8> {
        let line = b"lanes lab line ................................................\n";
        line.iter().copied().cycle().take(bytes).collect()
    }

    #[test]
    fn batches_give_the_whole_body_answer_whatever_the_edges() {
        let body = text(10_000);
        let mut whole = StreamStats::new();
        whole.process(&mut body.clone());
        assert_eq!(whole.bytes, 10_000);
        assert_eq!(whole.lines, 10_000 / 64);
        for batch in [1, 7, 63, 64, 65, 4096, 9_999] {
            let mut batched = StreamStats::new();
            for chunk in body.chunks(batch) {
                batched.process(&mut chunk.to_vec());
            }
            assert_eq!(batched, whole, "batches of {batch}");
        }
    }

    #[test]
    fn every_byte_is_upper_cased_once() {
        let mut batch = b"abc\nxyz".to_vec();
        let mut stats = StreamStats::new();
        stats.process(&mut batch);
        assert_eq!(batch, b"ABC\nXYZ");
        assert_eq!((stats.bytes, stats.lines), (7, 1));
    }
}
