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

// SAFETY: each method forwards to the mimalloc call with the same contract;
// the plain calls are used only for alignments every mimalloc block has.
// `mi_free` and `mi_realloc_aligned` accept blocks from either family.
unsafe impl std::alloc::GlobalAlloc for Mimalloc {
    #[inline]
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        use libmimalloc_sys as mi;
        if layout.align() <= WORD {
            unsafe { mi::mi_malloc(layout.size()).cast() }
        } else {
            unsafe { mi::mi_malloc_aligned(layout.size(), layout.align()).cast() }
        }
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: std::alloc::Layout) -> *mut u8 {
        use libmimalloc_sys as mi;
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
