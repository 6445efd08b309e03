//! Two cores for large arrays: a lazily started rayon pool and helpers that
//! split work at fixed, size-only boundaries, so results never depend on the
//! number of threads or on scheduling (elementwise kernels are pure;
//! reductions split along NumPy's fixed pairwise tree and recombine in the
//! same order, see [`pairwise_leaves`] / [`pairwise_combine`]).
//!
//! Work is cut into tasks of about [`TASK_ELEMS`] elements that every thread
//! takes one at a time from a shared counter, so a thread that the OS
//! deschedules (a busy machine) holds up at most one small task.
//!
//! `NPR_THREADS=n` sets the number of threads (1 = never start the pool).
//! Small inputs never touch the pool: below [`PAR_MIN_ELEMS`] elements a
//! kernel runs on the calling thread in one piece.
//!
//! Ctrl-C: no task starts once an interrupt is pending, so a large kernel
//! stops within one task's time (tasks are cut the same way on one thread).
//! Whatever it leaves unfinished is discarded: the operation's caller raises
//! `KeyboardInterrupt` (see `interp::interrupt`).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};

/// Elementwise work below this many elements stays on one thread: waking
/// the pool costs a few microseconds, about what 64K cheap elements take.
pub const PAR_MIN_ELEMS: usize = 1 << 16;

/// Elements per task.
pub const TASK_ELEMS: usize = 1 << 15;

static THREADS: OnceLock<usize> = OnceLock::new();
static POOL: std::sync::Once = std::sync::Once::new();

/// Threads npr may use (1 when `NPR_THREADS=1` or on a single core),
/// without starting the pool.
pub fn allowed_threads() -> usize {
    *THREADS.get_or_init(|| {
        std::env::var("NPR_THREADS")
            .ok()
            .and_then(|s| s.trim().parse::<usize>().ok())
            .filter(|&n| n >= 1)
            .unwrap_or_else(|| std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1))
    })
}

/// Threads npr computes with; the first call with more than one starts the
/// pool (at the first large operation).
pub fn threads() -> usize {
    let n = allowed_threads();
    if n > 1 {
        // Failing to build the pool (another global pool exists) is fine:
        // rayon's is used.
        POOL.call_once(|| {
            let _ = rayon::ThreadPoolBuilder::new().num_threads(n).build_global();
        });
    }
    n
}

/// Should work on `n` elements be split into tasks (run on all threads,
/// and interruptible between tasks)?
#[inline]
pub fn worth_splitting(n: usize) -> bool {
    n >= PAR_MIN_ELEMS
}

/// Run `f(i)` for every `i` in `0..n_tasks`, on all threads, tasks handed
/// out one at a time. Returns false when Ctrl-C stopped it: then some tasks
/// never ran.
pub fn run_tasks(n_tasks: usize, f: &(dyn Fn(usize) + Sync)) -> bool {
    run_tasks_with(n_tasks, f, true)
}

/// [`run_tasks`] that Ctrl-C does not stop: every task runs. For work that
/// overwrites live data (a result written over the buffer of the name it
/// rebinds), which must not be left half done; the caller bounds its size.
pub fn run_all_tasks(n_tasks: usize, f: &(dyn Fn(usize) + Sync)) {
    run_tasks_with(n_tasks, f, false);
}

fn run_tasks_with(n_tasks: usize, f: &(dyn Fn(usize) + Sync), interruptible: bool) -> bool {
    use crate::interp::interrupt;
    let stop = || interruptible && interrupt::pending();
    let t = threads();
    if t <= 1 || n_tasks <= 1 {
        for i in 0..n_tasks {
            if stop() {
                return false;
            }
            f(i);
        }
        return true;
    }
    let (next, done) = (AtomicUsize::new(0), AtomicUsize::new(0));
    let work = || loop {
        if stop() {
            break;
        }
        let i = next.fetch_add(1, Ordering::Relaxed);
        if i >= n_tasks {
            break;
        }
        f(i);
        done.fetch_add(1, Ordering::Relaxed);
    };
    rayon::scope(|s| {
        for _ in 1..t.min(n_tasks) {
            s.spawn(|_| work());
        }
        work();
    });
    done.into_inner() == n_tasks
}

/// Split `out` into consecutive chunks of `chunk` elements and run
/// `f(chunk_index, chunk)` on all threads; OR-combine the results.
pub fn for_chunks_mut<R: Send + Default>(
    out: &mut [f64],
    chunk: usize,
    f: &(dyn Fn(usize, &mut [f64]) -> R + Sync),
    merge: fn(R, R) -> R,
) -> R {
    let pieces: Vec<Mutex<&mut [f64]>> = out.chunks_mut(chunk.max(1)).map(Mutex::new).collect();
    let results: Vec<Mutex<R>> = (0..pieces.len()).map(|_| Mutex::new(R::default())).collect();
    run_tasks(pieces.len(), &|i| {
        let mut p = pieces[i].lock().unwrap_or_else(|e| e.into_inner());
        let r = f(i, &mut p);
        *results[i].lock().unwrap_or_else(|e| e.into_inner()) = r;
    });
    results.into_iter().map(|m| m.into_inner().unwrap_or_else(|e| e.into_inner())).fold(R::default(), merge)
}

/// Map `f` over `0..n` in ranges of about `per_task` items on all threads,
/// results in order (`R::default()` for ranges that Ctrl-C skipped).
pub fn map_ranges<R: Send + Default>(
    n: usize,
    per_task: usize,
    f: &(dyn Fn(std::ops::Range<usize>) -> R + Sync),
) -> Vec<R> {
    let per_task = per_task.max(1);
    let tasks = n.div_ceil(per_task);
    let results: Vec<Mutex<Option<R>>> = (0..tasks).map(|_| Mutex::new(None)).collect();
    run_tasks(tasks, &|i| {
        let r = f(i * per_task..((i + 1) * per_task).min(n));
        *results[i].lock().unwrap_or_else(|e| e.into_inner()) = Some(r);
    });
    results.into_iter().map(|m| m.into_inner().unwrap_or_else(|e| e.into_inner()).unwrap_or_default()).collect()
}

/// NumPy's split of a pairwise-sum block of `len` (> 128) elements.
#[inline]
pub fn pairwise_split(len: usize) -> usize {
    let h = len / 2;
    h - h % 8
}

/// The subtrees of NumPy's pairwise tree over `len` elements, cut where
/// they first have at most `target` elements: `(start, len)` in order.
pub fn pairwise_leaves(len: usize, target: usize) -> Vec<(usize, usize)> {
    fn rec(start: usize, len: usize, target: usize, out: &mut Vec<(usize, usize)>) {
        if len <= target.max(128) {
            out.push((start, len));
        } else {
            let h = pairwise_split(len);
            rec(start, h, target, out);
            rec(start + h, len - h, target, out);
        }
    }
    let mut out = Vec::new();
    rec(0, len, target, &mut out);
    out
}

/// Combine the sums of [`pairwise_leaves`]`(len, target)` exactly as the
/// recursive pairwise sum adds them.
pub fn pairwise_combine(len: usize, target: usize, sums: &[f64]) -> f64 {
    fn rec(len: usize, target: usize, sums: &[f64], next: &mut usize) -> f64 {
        if len <= target.max(128) {
            *next += 1;
            sums[*next - 1]
        } else {
            let h = pairwise_split(len);
            let a = rec(h, target, sums, next);
            let b = rec(len - h, target, sums, next);
            a + b
        }
    }
    rec(len, target, sums, &mut 0)
}

/// A pairwise sum over `len` elements whose subtrees of at most `target`
/// elements are computed by `leaf(start, len)` on all threads.
pub fn pairwise_parallel<R: Send + Default>(
    len: usize,
    target: usize,
    leaf: &(dyn Fn(usize, usize) -> (f64, R) + Sync),
    merge: fn(R, R) -> R,
) -> (f64, R) {
    let leaves = pairwise_leaves(len, target);
    let results = map_ranges(leaves.len(), 1, &|r| leaf(leaves[r.start].0, leaves[r.start].1));
    let sums: Vec<f64> = results.iter().map(|(s, _)| *s).collect();
    let extra = results.into_iter().map(|(_, r)| r).fold(R::default(), merge);
    (pairwise_combine(len, target, &sums), extra)
}

/// A new vector of `n` values produced by `f(start, chunk)` for consecutive
/// chunks of at most 1024 elements, on all threads when `n` is large; the
/// OR of the returned flags (zeros if Ctrl-C stopped it). Each element is
/// written once: the vector is never zero-filled first (a zeroed, reused
/// block would cost a full extra pass over memory). See `simd::fill_uninit`
/// for the one `unsafe` step.
pub fn fill_new(n: usize, f: &(dyn Fn(usize, &mut [f64]) -> u8 + Sync)) -> (Vec<f64>, u8) {
    let tasks = if worth_splitting(n) { n.div_ceil(TASK_ELEMS) } else { 1 };
    let per_task = n.div_ceil(tasks.max(1)).next_multiple_of(1024).max(1024);
    super::simd::fill_uninit(n, per_task, &|start, len, sink: &mut dyn FnMut(&[f64])| {
        // A small result zeroes a small buffer: clearing all 8 KiB took
        // about a tenth of a (1, 8) `a + b`.
        let mut small = [0.0f64; 64];
        let mut large = Vec::new();
        let buf: &mut [f64] = if len <= small.len() {
            &mut small
        } else {
            large.resize(len.min(1024), 0.0);
            &mut large
        };
        let mut flags = 0;
        let mut done = 0;
        while done < len {
            let l = 1024.min(len - done);
            flags |= f(start + done, &mut buf[..l]);
            sink(&buf[..l]);
            done += l;
        }
        flags
    })
}
