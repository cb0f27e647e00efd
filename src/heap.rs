//! Heap accounting: the global allocator counts the bytes in use in this instance and their peak since the last
//! reset. The compute worker reads it for the streaming preset, whose point is that a streamed body never sits
//! whole in memory — which the wasm memory size cannot show, because a wasm memory only grows.
//!
//! Every instance of the module (page, compute worker) has its own memory and so its own counters; the rayon
//! pool threads share the compute worker's memory, its allocator and therefore its counters. Pure (no web
//! types): the counting is tested natively, where this allocator is the test binary's global allocator too.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

/// Bytes in use and their peak since the last [`HeapCounter::reset_peak`].
///
/// The counters are independent `Relaxed` atomics: they order nothing else, and any thread may allocate while
/// another reads. A reading taken while other threads allocate is a moment's snapshot, exact once they stop.
#[derive(Debug, Default)]
pub struct HeapCounter {
    in_use: AtomicUsize,
    peak: AtomicUsize,
}

impl HeapCounter {
    /// A counter with nothing in use (`const`, for the global allocator's static).
    pub const fn new() -> HeapCounter {
        HeapCounter {
            in_use: AtomicUsize::new(0),
            peak: AtomicUsize::new(0),
        }
    }

    /// Records `bytes` newly in use.
    pub fn allocated(&self, bytes: usize) {
        let now = self
            .in_use
            .fetch_add(bytes, Ordering::Relaxed)
            .wrapping_add(bytes);
        self.peak.fetch_max(now, Ordering::Relaxed);
    }

    /// Records `bytes` no longer in use.
    pub fn freed(&self, bytes: usize) {
        self.in_use.fetch_sub(bytes, Ordering::Relaxed);
    }

    /// Bytes in use now.
    pub fn in_use(&self) -> usize {
        self.in_use.load(Ordering::Relaxed)
    }

    /// The most bytes in use at once since the last [`HeapCounter::reset_peak`] (or since the start).
    pub fn peak(&self) -> usize {
        self.peak.load(Ordering::Relaxed)
    }

    /// Starts a new peak from what is in use now, and returns it.
    pub fn reset_peak(&self) -> usize {
        let now = self.in_use();
        self.peak.store(now, Ordering::Relaxed);
        // An allocation racing the store may have raised `in_use` after it was read: fold it back in.
        self.peak.fetch_max(self.in_use(), Ordering::Relaxed);
        now
    }
}

/// A global allocator that forwards to `inner` and counts the bytes requested (the layouts' sizes: the
/// allocator's own bookkeeping and fragmentation are not counted) in a [`HeapCounter`].
#[derive(Debug, Default)]
pub struct CountingAllocator<A = System> {
    inner: A,
    counter: HeapCounter,
}

impl<A> CountingAllocator<A> {
    /// Wraps `inner`, with nothing counted yet.
    pub const fn new(inner: A) -> CountingAllocator<A> {
        CountingAllocator {
            inner,
            counter: HeapCounter::new(),
        }
    }

    /// What this allocator counted.
    pub fn counter(&self) -> &HeapCounter {
        &self.counter
    }
}

// SAFETY: every method forwards to `inner` with the caller's arguments unchanged and returns its result; the
// counting only reads sizes, so `inner`'s guarantees are this allocator's.
#[allow(
    unsafe_code,
    reason = "a global allocator is an unsafe trait; this one only forwards and counts"
)]
unsafe impl<A: GlobalAlloc> GlobalAlloc for CountingAllocator<A> {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded as received; the caller upholds `alloc`'s contract.
        let pointer = unsafe { self.inner.alloc(layout) };
        if !pointer.is_null() {
            self.counter.allocated(layout.size());
        }
        pointer
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as for `alloc`; forwarded so that `inner` can hand out memory it knows is zeroed.
        let pointer = unsafe { self.inner.alloc_zeroed(layout) };
        if !pointer.is_null() {
            self.counter.allocated(layout.size());
        }
        pointer
    }

    unsafe fn dealloc(&self, pointer: *mut u8, layout: Layout) {
        // SAFETY: the caller guarantees `pointer` came from this allocator with `layout`.
        unsafe { self.inner.dealloc(pointer, layout) };
        self.counter.freed(layout.size());
    }

    unsafe fn realloc(&self, pointer: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded as received; the caller upholds `realloc`'s contract.
        let moved = unsafe { self.inner.realloc(pointer, layout, new_size) };
        // On failure the old block stays in use, unchanged.
        if !moved.is_null() {
            if new_size >= layout.size() {
                self.counter.allocated(new_size - layout.size());
            } else {
                self.counter.freed(layout.size() - new_size);
            }
        }
        moved
    }
}

/// The allocator of every instance of this module (and of native test binaries).
#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator::new(System);

/// Bytes the allocator has handed out and not yet taken back in this instance, all its threads together.
pub fn in_use_bytes() -> usize {
    ALLOCATOR.counter().in_use()
}

/// The most bytes in use at once in this instance (all its threads) since the last [`reset_peak`].
pub fn peak_bytes() -> usize {
    ALLOCATOR.counter().peak()
}

/// Starts a new peak from the bytes in use now (which it returns): the next [`peak_bytes`] covers only what
/// happens from here on. There is one peak per instance, so whoever resets it resets it for everyone.
pub fn reset_peak() -> usize {
    ALLOCATOR.counter().reset_peak()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_counter_follows_allocations_and_keeps_the_peak() {
        let counter = HeapCounter::new();
        counter.allocated(100);
        counter.allocated(50);
        assert_eq!((counter.in_use(), counter.peak()), (150, 150));
        counter.freed(100);
        assert_eq!((counter.in_use(), counter.peak()), (50, 150), "the peak stays");
        counter.allocated(70);
        assert_eq!(
            (counter.in_use(), counter.peak()),
            (120, 150),
            "below the peak: unchanged"
        );
        counter.allocated(40);
        assert_eq!((counter.in_use(), counter.peak()), (160, 160));
    }

    #[test]
    fn a_reset_starts_the_peak_from_what_is_in_use() {
        let counter = HeapCounter::new();
        counter.allocated(1_000);
        counter.freed(900);
        assert_eq!(counter.reset_peak(), 100);
        assert_eq!(counter.peak(), 100);
        counter.allocated(30);
        counter.freed(30);
        assert_eq!(counter.peak(), 130, "only what happened since the reset");
    }

    #[test]
    fn threads_sharing_a_counter_balance_out() {
        let counter = HeapCounter::new();
        std::thread::scope(|scope| {
            for _ in 0..4 {
                scope.spawn(|| {
                    for size in 1..=1_000 {
                        counter.allocated(size);
                        counter.freed(size);
                    }
                });
            }
        });
        assert_eq!(counter.in_use(), 0);
        assert!(counter.peak() >= 1_000 && counter.peak() <= 4 * 1_000);
    }

    #[test]
    #[allow(
        unsafe_code,
        reason = "drives the allocator the way the standard library does"
    )]
    fn the_allocator_counts_alloc_realloc_and_dealloc() {
        let allocator = CountingAllocator::new(System);
        let layout = Layout::from_size_align(64, 8).unwrap();
        // SAFETY: non-zero layout; every block is freed once with the layout it has at that moment.
        unsafe {
            let block = allocator.alloc(layout);
            assert!(!block.is_null());
            block.write_bytes(7, 64);
            assert_eq!(allocator.counter().in_use(), 64);
            let zeroed = allocator.alloc_zeroed(layout);
            assert!(!zeroed.is_null());
            assert_eq!(*zeroed, 0);
            assert_eq!(allocator.counter().in_use(), 128);

            let grown = allocator.realloc(block, layout, 1_000);
            assert!(!grown.is_null());
            assert_eq!(*grown.add(63), 7, "realloc keeps the contents");
            assert_eq!(allocator.counter().in_use(), 1_064);
            let grown_layout = Layout::from_size_align(1_000, 8).unwrap();
            let shrunk = allocator.realloc(grown, grown_layout, 10);
            assert!(!shrunk.is_null());
            assert_eq!(allocator.counter().in_use(), 74);
            assert_eq!(allocator.counter().peak(), 1_064);

            allocator.dealloc(shrunk, Layout::from_size_align(10, 8).unwrap());
            allocator.dealloc(zeroed, layout);
        }
        assert_eq!(allocator.counter().in_use(), 0);
        assert_eq!(allocator.counter().reset_peak(), 0);
        assert_eq!(allocator.counter().peak(), 0);
    }

    #[test]
    fn the_global_allocator_counts_this_binary() {
        // Other tests allocate on other threads meanwhile, so only what this test holds is certain.
        const HELD: usize = 32 << 20;
        let held = vec![1_u8; HELD];
        assert!(in_use_bytes() >= HELD, "{} in use", in_use_bytes());
        assert!(peak_bytes() >= HELD);
        let grown = {
            let mut grown = held;
            grown.reserve_exact(HELD);
            grown
        };
        assert!(in_use_bytes() >= 2 * HELD, "a realloc counts its growth");
        drop(grown);
    }
}
