//! Two cores for large arrays: a lazily started rayon pool and helpers that
//! split work at fixed, size-only boundaries, so results never depend on the
//! number of threads (elementwise kernels are pure; reductions split along
//! NumPy's fixed pairwise tree, see [`crate::ops::reduce::pairwise_sum_par`]).
//!
//! `NPR_THREADS=n` sets the number of threads (1 = never start the pool).
//! Small inputs never touch the pool: below [`PAR_MIN_ELEMS`] elements a
//! kernel runs on the calling thread.

use std::sync::OnceLock;

/// Elementwise work below this many elements stays on one thread: waking
/// the pool costs a few microseconds, about what 64K cheap elements take.
pub const PAR_MIN_ELEMS: usize = 1 << 16;

/// Target number of elements per parallel task.
const TASK_ELEMS: usize = 1 << 15;

static THREADS: OnceLock<usize> = OnceLock::new();

/// Threads npr computes with (1 when `NPR_THREADS=1` or on a single core).
pub fn threads() -> usize {
    *THREADS.get_or_init(|| {
        let n = std::env::var("NPR_THREADS")
            .ok()
            .and_then(|s| s.trim().parse::<usize>().ok())
            .filter(|&n| n >= 1)
            .unwrap_or_else(|| std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1));
        if n > 1 {
            // The pool starts here, at the first large operation. Failing to
            // build it (another global pool exists) is fine: rayon's is used.
            let _ = rayon::ThreadPoolBuilder::new().num_threads(n).build_global();
        }
        n
    })
}

/// Should work on `n` elements be split across threads?
#[inline]
pub fn worth_splitting(n: usize) -> bool {
    n >= PAR_MIN_ELEMS && threads() > 1
}

/// Run `f(offset, x_chunk, out_chunk)` over aligned pieces of `x`/`out`
/// (same length), in parallel when large; combine the per-piece results with
/// `merge` (which must be associative and commutative).
pub fn for_chunks<R: Send + Default>(
    x: &[f64],
    out: &mut [f64],
    f: &(impl Fn(&[f64], &mut [f64]) -> R + Sync),
    merge: &(impl Fn(R, R) -> R + Sync),
) -> R {
    debug_assert_eq!(x.len(), out.len());
    if !worth_splitting(x.len()) {
        return f(x, out);
    }
    split_rec(x, out, f, merge)
}

fn split_rec<R: Send + Default>(
    x: &[f64],
    out: &mut [f64],
    f: &(impl Fn(&[f64], &mut [f64]) -> R + Sync),
    merge: &(impl Fn(R, R) -> R + Sync),
) -> R {
    if x.len() <= TASK_ELEMS * 2 {
        return f(x, out);
    }
    let mid = (x.len() / 2) & !7;
    let (xl, xr) = x.split_at(mid);
    let (ol, or) = out.split_at_mut(mid);
    let (a, b) = rayon::join(|| split_rec(xl, ol, f, merge), || split_rec(xr, or, f, merge));
    merge(a, b)
}

/// Run `f(range)` over `0..n` split into ranges of about `grain` items, in
/// parallel when `n * cost` is large, and collect the results in order.
pub fn map_ranges<R: Send>(
    n: usize,
    cost_per_item: usize,
    f: &(impl Fn(std::ops::Range<usize>) -> R + Sync),
) -> Vec<R> {
    if !worth_splitting(n.saturating_mul(cost_per_item.max(1))) || n < 2 {
        return vec![f(0..n)];
    }
    let pieces = (n * cost_per_item.max(1) / TASK_ELEMS).clamp(2, n).min(64 * threads());
    let bounds: Vec<usize> = (0..=pieces).map(|i| i * n / pieces).collect();
    use rayon::prelude::*;
    bounds.par_windows(2).map(|w| f(w[0]..w[1])).collect()
}

/// `rayon::join` when worth it, else sequential.
#[inline]
pub fn join<A: Send, B: Send>(parallel: bool, a: impl FnOnce() -> A + Send, b: impl FnOnce() -> B + Send) -> (A, B) {
    if parallel {
        rayon::join(a, b)
    } else {
        (a(), b())
    }
}
