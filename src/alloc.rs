//! The global allocator of the `npr` binary and its benchmarks: mimalloc
//! (fast small blocks, and freed large blocks kept for reuse).
//!
//! This module and `ops::simd` are the library's only places with `unsafe`
//! code.

#![allow(unsafe_code)]

/// The `mimalloc` crate's allocator asks for every block through
/// `mi_malloc_aligned`, whose alignment checks (and, for sizes that are not
/// a power of two, a slower generic path) cost about twice a plain
/// `mi_malloc`. Requests for word alignment or less (every mimalloc block
/// has it) take the plain calls; larger alignments keep the aligned ones.
pub struct Mimalloc;

/// Every mimalloc block is a whole number of words and starts on a word
/// boundary.
const WORD: usize = std::mem::size_of::<usize>();

/// Huge pages wait for the first large block (Linux). mimalloc asks for
/// transparent huge pages on its whole arena, so any fresh part of the heap
/// it touches faults in (and the kernel zeroes) a whole 2 MiB page. On this
/// project's VM such a fault swings from 0.1 to 5 ms (small-page faults
/// stay near 1.5 µs per 4 KiB): at start-up it was about a tenth of
/// `npr run`'s time and 3.4 MiB more resident memory, and a 20,000-line
/// script of small operations, whose heap grows by a few MiB of history,
/// paid three of them (a quarter of its run time in `clear_page`).
/// [`defer_huge_pages`] turns them off for the process
/// (`PR_SET_THP_DISABLE`) and the first block of [`HUGE_PAGE_BLOCK`] bytes
/// or more turns them back on ([`allow_huge_pages`]), before that block is
/// mapped: arrays, which gain from them (fewer faults and TLB misses), get
/// them, and a heap of small objects never does. Only fresh allocations
/// count, not a block grown by `realloc`: arrays are allocated at their
/// size, while growth is what containers do, and the 20,000-line script's
/// `In` list reached 1 MiB that way (its peak memory went from 10.6-19.5 to
/// 8.9-9.7 MiB).
#[cfg(target_os = "linux")]
static HUGE_PAGES_DEFERRED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Turn transparent huge pages off until [`allow_huge_pages`]. Does
/// nothing if they are already off for the process (inherited, or
/// `MIMALLOC_ALLOW_THP=0` on a system that always uses them), so that
/// choice is never undone.
pub fn defer_huge_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: prctl with these options reads or sets one flag of the process.
    unsafe {
        if libc::prctl(libc::PR_GET_THP_DISABLE, 0, 0, 0, 0) == 0
            && libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0) == 0
        {
            HUGE_PAGES_DEFERRED.store(true, std::sync::atomic::Ordering::Relaxed);
        }
    }
}

/// Blocks of this many bytes (an array of 131,072 float64) turn huge pages
/// on ([`defer_huge_pages`]).
pub const HUGE_PAGE_BLOCK: usize = 1 << 20;

/// Called with the size of every fresh block asked for: a large one turns
/// huge pages on. One comparison for the rest.
#[inline(always)]
fn note_block(size: usize) {
    #[cfg(target_os = "linux")]
    if size >= HUGE_PAGE_BLOCK && HUGE_PAGES_DEFERRED.load(std::sync::atomic::Ordering::Relaxed) {
        allow_huge_pages();
    }
}

/// Turn huge pages back on if [`defer_huge_pages`] turned them off.
#[cold]
pub fn allow_huge_pages() {
    #[cfg(target_os = "linux")]
    if HUGE_PAGES_DEFERRED.swap(false, std::sync::atomic::Ordering::Relaxed) {
        // SAFETY: clears the flag `defer_huge_pages` set.
        unsafe { libc::prctl(libc::PR_SET_THP_DISABLE, 0, 0, 0, 0) };
    }
}

// SAFETY: each method forwards to the mimalloc call with the same contract;
// the plain calls are used only for alignments every mimalloc block has.
// `mi_free` and `mi_realloc_aligned` accept blocks from either family.
unsafe impl std::alloc::GlobalAlloc for Mimalloc {
    #[inline]
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        use libmimalloc_sys as mi;
        note_block(layout.size());
        if layout.align() <= WORD {
            unsafe { mi::mi_malloc(layout.size()).cast() }
        } else {
            unsafe { mi::mi_malloc_aligned(layout.size(), layout.align()).cast() }
        }
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: std::alloc::Layout) -> *mut u8 {
        use libmimalloc_sys as mi;
        note_block(layout.size());
        if layout.align() <= WORD {
            unsafe { mi::mi_zalloc(layout.size()).cast() }
        } else {
            unsafe { mi::mi_zalloc_aligned(layout.size(), layout.align()).cast() }
        }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, _layout: std::alloc::Layout) {
        unsafe { libmimalloc_sys::mi_free(ptr.cast()) }
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: std::alloc::Layout, new_size: usize) -> *mut u8 {
        use libmimalloc_sys as mi;
        if layout.align() <= WORD {
            unsafe { mi::mi_realloc(ptr.cast(), new_size).cast() }
        } else {
            unsafe { mi::mi_realloc_aligned(ptr.cast(), new_size, layout.align()).cast() }
        }
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    fn thp_disabled() -> bool {
        // SAFETY: reads one flag of the process.
        unsafe { libc::prctl(libc::PR_GET_THP_DISABLE, 0, 0, 0, 0) == 1 }
    }

    #[test]
    fn huge_pages_come_back_on() {
        if thp_disabled() {
            return; // off for the whole process already: defer must leave it so
        }
        super::defer_huge_pages();
        assert!(thp_disabled());
        super::allow_huge_pages();
        assert!(!thp_disabled());
        super::allow_huge_pages();
        assert!(!thp_disabled());
    }
}
