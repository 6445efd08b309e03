//! Run-time SIMD dispatch: each kernel body (a safe, generic,
//! `#[inline(always)]` function elsewhere in `ops`) is compiled three times —
//! for AVX-512 (x86-64-v4), for AVX2+FMA (x86-64-v3) and for the baseline —
//! and the widest level the CPU supports is picked once, at the first call.
//!
//! With `alloc` (the global allocator), the library's only module with
//! `unsafe` code: the SIMD dispatch,
//! the call into `gemm`, [`fill_uninit`] (results written once into fresh
//! memory, without zero-filling it first) and [`prefetch`]. Calling a
//! `#[target_feature]` function is `unsafe` because executing instructions
//! the CPU lacks is undefined behaviour; every such call below is reached
//! only through a [`Level`] that [`level`] (or [`available_levels`]) returned
//! after `is_x86_feature_detected!` confirmed each enabled feature, which is
//! exactly the precondition. The same source is compiled at each level with
//! explicit FMA (`mul_add`) and no reassociation, so every level gives the
//! same bits.
#![allow(unsafe_code)]

use std::sync::atomic::{AtomicU8, Ordering};

use ndarray::{ArrayView2, ArrayViewMut2};

use super::kernels::Src;
use super::transcendental::Flags;

/// A SIMD feature level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// AVX-512 F/DQ/VL/BW + AVX2 + FMA.
    Avx512,
    /// AVX2 + FMA.
    Avx2,
    /// Whatever the target baseline has (FMA through the C library).
    Generic,
}

fn detect(level: Level) -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        let v3 = is_x86_feature_detected!("avx2")
            && is_x86_feature_detected!("fma")
            && is_x86_feature_detected!("bmi1")
            && is_x86_feature_detected!("bmi2")
            && is_x86_feature_detected!("lzcnt")
            && is_x86_feature_detected!("popcnt");
        match level {
            Level::Generic => true,
            Level::Avx2 => v3,
            Level::Avx512 => {
                v3 && is_x86_feature_detected!("avx512f")
                    && is_x86_feature_detected!("avx512dq")
                    && is_x86_feature_detected!("avx512vl")
                    && is_x86_feature_detected!("avx512bw")
            }
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        level == Level::Generic
    }
}

static LEVEL: AtomicU8 = AtomicU8::new(0);

/// The widest level this CPU supports (`NPR_SIMD=avx2|generic` lowers it).
#[inline]
pub fn level() -> Level {
    match LEVEL.load(Ordering::Relaxed) {
        1 => Level::Avx512,
        2 => Level::Avx2,
        3 => Level::Generic,
        _ => init_level(),
    }
}

#[cold]
fn init_level() -> Level {
    let cap = match std::env::var("NPR_SIMD").as_deref() {
        Ok("generic") => Level::Generic,
        Ok("avx2") => Level::Avx2,
        _ => Level::Avx512,
    };
    let l = [Level::Avx512, Level::Avx2, Level::Generic]
        .into_iter()
        .filter(|&l| rank(l) >= rank(cap))
        .find(|&l| detect(l))
        .unwrap_or(Level::Generic);
    LEVEL.store(rank(l), Ordering::Relaxed);
    l
}

fn rank(l: Level) -> u8 {
    match l {
        Level::Avx512 => 1,
        Level::Avx2 => 2,
        Level::Generic => 3,
    }
}

/// Every level this CPU supports (for tests that compare them).
pub fn available_levels() -> Vec<Level> {
    [Level::Avx512, Level::Avx2, Level::Generic].into_iter().filter(|&l| detect(l)).collect()
}

/// Define `pub fn $name(level: Level, args...) -> ret` running `$body(args...)`
/// compiled for the requested level (`avx512 = $body4` runs another body
/// there, which must give the same results). `level` must come from this
/// module.
macro_rules! multiversion {
    ($(#[$meta:meta])* fn $name:ident($($arg:ident: $ty:ty),* $(,)?) -> $ret:ty = $body:path;) => {
        multiversion! { $(#[$meta])* fn $name($($arg: $ty),*) -> $ret = $body, avx512 = $body; }
    };
    ($(#[$meta:meta])* fn $name:ident($($arg:ident: $ty:ty),* $(,)?) -> $ret:ty = $body:path, avx512 = $body4:path;) => {
        $(#[$meta])*
        pub fn $name(level: Level, $($arg: $ty),*) -> $ret {
            #[cfg(target_arch = "x86_64")]
            #[target_feature(enable = "avx512f,avx512dq,avx512vl,avx512bw,avx2,fma,bmi1,bmi2,lzcnt,popcnt")]
            fn v4($($arg: $ty),*) -> $ret {
                $body4($($arg),*)
            }
            #[cfg(target_arch = "x86_64")]
            #[target_feature(enable = "avx2,fma,bmi1,bmi2,lzcnt,popcnt")]
            fn v3($($arg: $ty),*) -> $ret {
                $body($($arg),*)
            }
            match level {
                // SAFETY: `Level::Avx512` / `Level::Avx2` only exist after
                // `detect` confirmed every feature enabled on v4 / v3.
                #[cfg(target_arch = "x86_64")]
                Level::Avx512 => unsafe { v4($($arg),*) },
                #[cfg(target_arch = "x86_64")]
                Level::Avx2 => unsafe { v3($($arg),*) },
                _ => $body($($arg),*),
            }
        }
    };
}

multiversion! {
    /// `log` over a slice.
    fn log_slice(x: &[f64], out: &mut [f64]) -> Flags =
        super::transcendental::log_slice_body, avx512 = super::transcendental::log_slice_body_avx512;
}
multiversion! {
    /// `exp` over a slice.
    fn exp_slice(x: &[f64], out: &mut [f64]) -> Flags = super::transcendental::exp_slice_body;
}
multiversion! {
    /// NumPy's pairwise sum of one block.
    fn pairwise(x: &[f64]) -> f64 = super::kernels::pairwise_body;
}
multiversion! {
    /// Maximum of a non-empty lane (nan propagates, last of equal zeros).
    fn max_lane(x: &[f64]) -> f64 = super::kernels::extreme_body::<true>;
}
multiversion! {
    /// Minimum of a non-empty lane.
    fn min_lane(x: &[f64]) -> f64 = super::kernels::extreme_body::<false>;
}
multiversion! {
    fn binary_add(a: Src, b: Src, out: &mut [f64]) -> u8 = super::kernels::binary_body::<{ super::kernels::OP_ADD }>;
}
multiversion! {
    fn binary_sub(a: Src, b: Src, out: &mut [f64]) -> u8 = super::kernels::binary_body::<{ super::kernels::OP_SUB }>;
}
multiversion! {
    fn binary_mul(a: Src, b: Src, out: &mut [f64]) -> u8 = super::kernels::binary_body::<{ super::kernels::OP_MUL }>;
}
multiversion! {
    fn binary_div(a: Src, b: Src, out: &mut [f64]) -> u8 = super::kernels::binary_body::<{ super::kernels::OP_DIV }>;
}
/// A new vector `a op b` of `n` float64 elements (`op` one of
/// `kernels::OP_*`) written with streaming (non-temporal) stores, for
/// results far larger than the caches: a plain store first reads in each
/// line it writes, a third more memory traffic for `a + b`. The same values
/// (each element is one IEEE operation either way) and flags as
/// [`super::kernels::binary_slices`]; on all threads when large. `None`
/// without AVX-512, for two scalars, or if a slice operand is not `n` long.
pub fn binary_streamed_new(op: u8, a: Src, b: Src, n: usize) -> Option<(Vec<f64>, u8)> {
    if !streamable(a, b, n) {
        return None;
    }
    let per_task = if super::parallel::worth_splitting(n) { super::parallel::TASK_ELEMS } else { n.max(1) };
    // `streamed` writes every element of its piece (plain writes before the
    // first 64-byte boundary and after the last whole vector, streaming
    // stores in between), as `fill_pieces` requires.
    Some(fill_pieces(n, per_task, &|start, dst| {
        let (x, y) = (a.sub(start, dst.len()), b.sub(start, dst.len()));
        // SAFETY: `Level::Avx512` (checked above) exists only once `detect`
        // confirmed AVX-512F.
        unsafe { streamed(op, x, y, dst) }
    }))
}

/// Can `a op b` over `n` elements be streamed: AVX-512, at least one slice
/// operand, and every slice `n` long?
fn streamable(a: Src, b: Src, n: usize) -> bool {
    let fits = |s: &Src| match s {
        Src::Slice(x) => x.len() == n,
        Src::Scalar(_) => true,
    };
    !matches!((a, b), (Src::Scalar(_), Src::Scalar(_))) && fits(&a) && fits(&b) && level() == Level::Avx512
}

/// `out = a op b` over existing memory with the streaming stores of
/// [`binary_streamed_new`] (for the last step of a fused expression whose
/// result replaces a large array). `None` in the same cases.
pub fn binary_streamed_into(op: u8, a: Src, b: Src, out: &mut [f64]) -> Option<u8> {
    if !streamable(a, b, out.len()) {
        return None;
    }
    // SAFETY: `MaybeUninit<f64>` has the layout of `f64`, and `streamed`
    // writes only initialised values, so `out` stays initialised; the
    // level is AVX-512 (checked above).
    unsafe {
        let out = &mut *(std::ptr::from_mut::<[f64]>(out) as *mut [std::mem::MaybeUninit<f64>]);
        Some(streamed(op, a, b, out))
    }
}

/// [`streamed_avx512`] for `op`.
///
/// # Safety
/// The CPU must have AVX-512F (`Level::Avx512`).
unsafe fn streamed(op: u8, a: Src, b: Src, out: &mut [std::mem::MaybeUninit<f64>]) -> u8 {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: the caller guarantees AVX-512F.
    unsafe {
        match op {
            super::kernels::OP_ADD => streamed_avx512::<{ super::kernels::OP_ADD }>(a, b, out),
            super::kernels::OP_SUB => streamed_avx512::<{ super::kernels::OP_SUB }>(a, b, out),
            super::kernels::OP_MUL => streamed_avx512::<{ super::kernels::OP_MUL }>(a, b, out),
            _ => streamed_avx512::<{ super::kernels::OP_DIV }>(a, b, out),
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        let _ = (op, a, b, out);
        unreachable!("no AVX-512 level off x86-64")
    }
}

/// Elements per round of streamed results between checks for non-finite ones.
const STREAM_BLOCK: usize = 1024;

/// Writes every element of `out` (see [`binary_streamed_new`]); `a` and `b`
/// are `out.len()` long when slices.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
fn streamed_avx512<const OP: u8>(a: Src, b: Src, out: &mut [std::mem::MaybeUninit<f64>]) -> u8 {
    use super::kernels::{apply, arith_flags};
    use std::arch::x86_64::*;
    let n = out.len();
    // Element i, one operation as the plain kernel does it, with its flags.
    let element = |i: usize, flags: &mut u8| {
        let (p, q) = (a.get(i), b.get(i));
        let r = apply::<OP>(p, q);
        if !r.is_finite() {
            *flags |= arith_flags(OP, p, q, r);
        }
        r
    };
    let mut flags = 0;
    // Plain writes up to the first 64-byte boundary, and after the last
    // whole vector.
    let head = out.as_ptr().align_offset(64).min(n);
    let body = (n - head) / 8 * 8;
    for i in (0..head).chain(head + body..n) {
        out[i].write(element(i, &mut flags));
    }
    // SAFETY (each load and store below): i + 8 <= head + body <= n, the
    // length of `out` and of each slice operand; `out[i]` is 64-byte
    // aligned because `i - head` is a multiple of 8 elements.
    let load = |s: &Src, i: usize| match *s {
        Src::Slice(x) => unsafe { _mm512_loadu_pd(x.as_ptr().add(i)) },
        Src::Scalar(v) => _mm512_set1_pd(v),
    };
    let mut start = head;
    while start < head + body {
        let end = (start + STREAM_BLOCK).min(head + body);
        let mut bad: u8 = 0;
        for i in (start..end).step_by(8) {
            let (x, y) = (load(&a, i), load(&b, i));
            let r = match OP {
                super::kernels::OP_ADD => _mm512_add_pd(x, y),
                super::kernels::OP_SUB => _mm512_sub_pd(x, y),
                super::kernels::OP_MUL => _mm512_mul_pd(x, y),
                _ => _mm512_div_pd(x, y),
            };
            // r - r is NaN exactly where r is infinite or NaN.
            let d = _mm512_sub_pd(r, r);
            bad |= _mm512_cmp_pd_mask::<_CMP_UNORD_Q>(d, d);
            unsafe { _mm512_stream_pd(out.as_mut_ptr().add(i).cast::<f64>(), r) };
        }
        if bad != 0 {
            // Recomputed, not read back: the same operation gives the same bits.
            for i in start..end {
                element(i, &mut flags);
            }
        }
        start = end;
    }
    // Streaming stores are weakly ordered: finish them before the vector is
    // handed on.
    _mm_sfence();
    flags
}

multiversion! {
    /// Dot product of two equal-length slices (eight FMA accumulators).
    fn dot(x: &[f64], y: &[f64]) -> f64 = super::kernels::dot_body;
}

/// `c = a · b` for float64 matrices of any (non-negative) strides, with the
/// `gemm` crate, which picks its AVX-512 / AVX2 kernels at run time.
pub fn gemm_f64(a: ArrayView2<f64>, b: ArrayView2<f64>, mut c: ArrayViewMut2<f64>, threads: usize) {
    let (m, k) = a.dim();
    let (k2, n) = b.dim();
    assert!(k == k2 && c.dim() == (m, n), "gemm_f64: shape mismatch");
    assert!(a.strides().iter().chain(b.strides()).chain(c.strides()).all(|&s| s >= 0), "gemm_f64: negative stride");
    if m == 0 || n == 0 || k == 0 {
        c.fill(0.0);
        return;
    }
    let (ars, acs) = (a.strides()[0], a.strides()[1]);
    let (brs, bcs) = (b.strides()[0], b.strides()[1]);
    let (crs, ccs) = (c.strides()[0], c.strides()[1]);
    let par = if threads > 1 { gemm::Parallelism::Rayon(threads) } else { gemm::Parallelism::None };
    // SAFETY: the three pointers come from live ndarray views whose shapes
    // (m,k), (k,n), (m,n) and element strides are passed unchanged, so every
    // element gemm reads or writes lies inside its view; the strides are
    // non-negative (checked above). `c` is borrowed mutably for the call, so
    // it cannot overlap `a` or `b`, which are shared borrows. `read_dst` is
    // false: c's old contents are never read. T = f64 is a type gemm supports.
    unsafe {
        gemm::gemm(
            m,
            n,
            k,
            c.as_mut_ptr(),
            ccs,
            crs,
            false,
            a.as_ptr(),
            acs,
            ars,
            b.as_ptr(),
            bcs,
            brs,
            0.0,
            1.0,
            false,
            false,
            false,
            par,
        );
    }
}

/// Ask the CPU to start loading `data` into cache (a hint: no effect on
/// results). The fused evaluator calls it for the next segment's operands,
/// so their loads overlap the current segment's arithmetic.
pub fn prefetch(data: &[f64]) {
    #[cfg(target_arch = "x86_64")]
    for line in data.chunks(8) {
        // SAFETY: SSE is part of x86-64; a prefetch never faults and the
        // address is inside a live slice anyway.
        unsafe { std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(line.as_ptr().cast::<i8>()) };
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = data;
}

/// `produce(start, len, sink)` of [`fill_uninit`].
pub type Producer<'a> = dyn Fn(usize, usize, &mut dyn FnMut(&[f64])) -> u8 + Sync + 'a;

/// A vector of `n` elements built in pieces of `per_task` elements, on all
/// threads when there are several pieces: `produce(start, len, sink)` must
/// pass the values of elements `start..start + len` to `sink`, in order, in
/// slices; it returns flags that are OR-ed. Panics (before anything unsound
/// can happen) if a piece receives more or fewer than `len` values.
pub fn fill_uninit(n: usize, per_task: usize, produce: &Producer<'_>) -> (Vec<f64>, u8) {
    let per_task = per_task.max(1);
    if n <= per_task {
        // One piece (every small array): no task machinery, no `unsafe`.
        let mut v: Vec<f64> = Vec::with_capacity(n);
        let flags = produce(0, n, &mut |vals: &[f64]| v.extend_from_slice(vals));
        assert_eq!(v.len(), n, "fill_uninit: not filled");
        return (v, flags);
    }
    // Each piece is written through `sink`, which counts the values: a
    // piece that receives more or fewer than its length panics (slicing
    // `dst[filled..]` on overflow, the assert on underflow).
    fill_pieces(n, per_task, &|start, dst| {
        let len = dst.len();
        let mut filled = 0;
        let f = produce(start, len, &mut |vals: &[f64]| {
            let d = &mut dst[filled..filled + vals.len()];
            for (slot, &x) in d.iter_mut().zip(vals) {
                slot.write(x);
            }
            filled += vals.len();
        });
        assert_eq!(filled, len, "fill_uninit: piece at {start} not filled");
        f
    })
}

/// A vector of `n` elements written in pieces of `per_task` by `write(start,
/// piece)` on all threads, whose flags are OR-ed. `write` must initialise
/// every element of its piece or panic; the two callers ([`fill_uninit`]
/// and [`binary_streamed_new`]) do. After Ctrl-C skipped pieces, zeros
/// (lazily zeroed pages) for the caller to discard.
fn fill_pieces(
    n: usize,
    per_task: usize,
    write: &(dyn Fn(usize, &mut [std::mem::MaybeUninit<f64>]) -> u8 + Sync),
) -> (Vec<f64>, u8) {
    use std::mem::MaybeUninit;
    use std::sync::Mutex;
    let per_task = per_task.max(1);
    let mut v: Vec<f64> = Vec::with_capacity(n);
    let flags = {
        let spare = &mut v.spare_capacity_mut()[..n];
        let pieces: Vec<Mutex<&mut [MaybeUninit<f64>]>> = spare.chunks_mut(per_task).map(Mutex::new).collect();
        let flags = std::sync::atomic::AtomicU8::new(0);
        let complete = super::parallel::run_tasks(pieces.len(), &|i| {
            let mut dst = pieces[i].lock().unwrap_or_else(|e| e.into_inner());
            flags.fetch_or(write(i * per_task, &mut dst), Ordering::Relaxed);
        });
        if !complete {
            return (vec![0.0; n], 0);
        }
        flags.into_inner()
    };
    // SAFETY: `run_tasks` returned true, so every piece's task ran to
    // completion (a panic in one propagates before this line), and each
    // `write` initialised all of its piece (this function's contract, kept
    // by both callers); the pieces partition `spare[..n]`, so the first `n`
    // elements are initialised, and `n <= capacity`.
    unsafe { v.set_len(n) };
    (v, flags)
}
