//! Deep recursion (nested brackets, long operator chains, recursive user
//! functions) continues on extra stack segments from `stacker`. Asking
//! stacker how much stack is left costs, the first time in a thread, a read
//! and parse of `/proc/self/maps` (glibc's `pthread_getattr_np` on the main
//! thread): a measurable part of `npr run`'s start-up, for cells that almost
//! never nest deeply. So stacker is asked only once the stack has grown more
//! than [`SHALLOW`] bytes below where this thread first came through here.
//!
//! Assumes every thread that parses or evaluates has at least 1 MiB of stack
//! and first comes here near its top (the main thread has 8 MiB, Rust's
//! spawned threads 2 MiB), so the red zones below (at most 256 KiB) are
//! always there while the stack is shallow.

use std::cell::Cell;

/// Stack depth (bytes below the first call) that needs no check.
const SHALLOW: usize = 128 * 1024;

thread_local! {
    /// Approximate stack address of this thread's first call; 0 before it.
    static BASE: Cell<usize> = const { Cell::new(0) };
}

/// Runs `f`, on a fresh `segment`-byte stack segment if fewer than
/// `red_zone` bytes of stack are left.
#[inline]
pub fn grow<R>(red_zone: usize, segment: usize, f: impl FnOnce() -> R) -> R {
    let marker = 0u8;
    let here = std::hint::black_box(&marker) as *const u8 as usize;
    let base = BASE.get();
    if base == 0 {
        BASE.set(here);
        return f();
    }
    // On a stacker segment `here` is anywhere; only a point a little below
    // the base is known to be on the thread's own, roomy stack.
    if here <= base && base - here < SHALLOW {
        f()
    } else {
        stacker::maybe_grow(red_zone, segment, f)
    }
}

#[cfg(test)]
mod tests {
    use super::grow;

    /// Recursion needing far more stack than the thread has: each level
    /// holds a 1 KiB buffer, 20,000 levels on a 1 MiB thread.
    fn deep(n: usize) -> usize {
        let buf = std::hint::black_box([n as u8; 1024]);
        if n == 0 {
            return buf[0] as usize;
        }
        grow(64 * 1024, 1024 * 1024, || deep(n - 1) + usize::from(buf[1] > 0))
    }

    #[test]
    fn deep_recursion_moves_to_new_segments() {
        let t = std::thread::Builder::new().stack_size(1 << 20).spawn(|| deep(20_000));
        let levels = t.expect("spawn").join().expect("no stack overflow");
        // Levels with n % 256 != 0 count 1.
        assert_eq!(levels, (1..=20_000).filter(|n| n % 256 != 0).count());
    }
}
