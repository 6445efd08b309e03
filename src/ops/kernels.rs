//! Fast paths for contiguous float64 data: elementwise arithmetic, `exp` /
//! `log`, NumPy's pairwise sum and max/min along the last axis — each
//! bit-identical to the general code in `ufunc` / `reduce` (same formulas,
//! same order, same warnings), vectorised per SIMD level (`super::simd`) and
//! split across threads for large inputs (`super::parallel`).
//!
//! The array-level functions return `None` when the layout is not one they
//! handle; the caller then runs the general path.

use ndarray::{ArrayD, ArrayViewD, ArrayViewMutD, Axis, IxDyn, Zip};

use super::parallel;
use super::simd::{self, level};
use super::transcendental::Flags;

/// Floating-point flags, with the same bit values as `ufunc`'s.
pub const FLAG_DIVIDE: u8 = 1;
pub const FLAG_OVERFLOW: u8 = 2;
pub const FLAG_INVALID: u8 = 8;

impl Flags {
    /// As `FLAG_*` bits.
    pub fn bits(self) -> u8 {
        (self.divide as u8 * FLAG_DIVIDE) | (self.overflow as u8 * FLAG_OVERFLOW) | (self.invalid as u8 * FLAG_INVALID)
    }
}

/// Arithmetic operators with a fast path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arith {
    Add,
    Sub,
    Mul,
    Div,
}

pub const OP_ADD: u8 = 0;
pub const OP_SUB: u8 = 1;
pub const OP_MUL: u8 = 2;
pub const OP_DIV: u8 = 3;

impl Arith {
    pub fn code(self) -> u8 {
        match self {
            Arith::Add => OP_ADD,
            Arith::Sub => OP_SUB,
            Arith::Mul => OP_MUL,
            Arith::Div => OP_DIV,
        }
    }
}

#[inline(always)]
pub fn apply<const OP: u8>(p: f64, q: f64) -> f64 {
    match OP {
        OP_ADD => p + q,
        OP_SUB => p - q,
        OP_MUL => p * q,
        _ => p / q,
    }
}

/// The flags `ufunc::float_binary` raises for `p op q = r` (exactly its rules).
#[inline]
pub fn arith_flags(op: u8, p: f64, q: f64, r: f64) -> u8 {
    let nan_in = p.is_nan() || q.is_nan();
    if op == OP_DIV && q == 0.0 && !nan_in {
        return if p == 0.0 {
            FLAG_INVALID
        } else if p.is_finite() {
            FLAG_DIVIDE
        } else {
            0
        };
    }
    let finite = p.is_finite() && q.is_finite();
    if r.is_nan() && !nan_in {
        FLAG_INVALID
    } else if r.is_infinite() && finite {
        FLAG_OVERFLOW
    } else {
        0
    }
}

const CHUNK: usize = 1024;

/// How an operand is read: a slice of the output's length, or one value.
#[derive(Clone, Copy)]
pub enum Src<'a> {
    Slice(&'a [f64]),
    Scalar(f64),
}

impl Src<'_> {
    #[inline(always)]
    pub(crate) fn sub(&self, start: usize, len: usize) -> Self {
        match *self {
            Src::Slice(s) => Src::Slice(&s[start..start + len]),
            Src::Scalar(v) => Src::Scalar(v),
        }
    }
    #[inline(always)]
    pub(crate) fn get(&self, i: usize) -> f64 {
        match *self {
            Src::Slice(s) => s[i],
            Src::Scalar(v) => v,
        }
    }
}

/// `out = a op b` elementwise; returns the raised flags. Kernel body.
#[inline(always)]
pub fn binary_body<const OP: u8>(a: Src, b: Src, out: &mut [f64]) -> u8 {
    let mut flags = 0;
    let n = out.len();
    let mut start = 0;
    while start < n {
        let len = CHUNK.min(n - start);
        let oc = &mut out[start..start + len];
        let (ac, bc) = (a.sub(start, len), b.sub(start, len));
        let mut bad = false;
        match (ac, bc) {
            (Src::Slice(x), Src::Slice(y)) => {
                for ((o, &p), &q) in oc.iter_mut().zip(x).zip(y) {
                    let r = apply::<OP>(p, q);
                    bad |= !r.is_finite();
                    *o = r;
                }
            }
            (Src::Slice(x), Src::Scalar(q)) => {
                for (o, &p) in oc.iter_mut().zip(x) {
                    let r = apply::<OP>(p, q);
                    bad |= !r.is_finite();
                    *o = r;
                }
            }
            (Src::Scalar(p), Src::Slice(y)) => {
                for (o, &q) in oc.iter_mut().zip(y) {
                    let r = apply::<OP>(p, q);
                    bad |= !r.is_finite();
                    *o = r;
                }
            }
            (Src::Scalar(p), Src::Scalar(q)) => {
                let r = apply::<OP>(p, q);
                bad = !r.is_finite();
                oc.fill(r);
            }
        }
        if bad {
            for (i, &r) in oc.iter().enumerate() {
                if !r.is_finite() {
                    flags |= arith_flags(OP, ac.get(i), bc.get(i), r);
                }
            }
        }
        start += len;
    }
    flags
}

/// `out = a op b`, dispatched on `op` and the SIMD level.
pub fn binary_slices(op: Arith, a: Src, b: Src, out: &mut [f64]) -> u8 {
    let l = level();
    match op {
        Arith::Add => simd::binary_add(l, a, b, out),
        Arith::Sub => simd::binary_sub(l, a, b, out),
        Arith::Mul => simd::binary_mul(l, a, b, out),
        Arith::Div => simd::binary_div(l, a, b, out),
    }
}

/// Same as [`binary_slices`], on two threads when large.
pub fn binary_slices_par(op: Arith, a: Src, b: Src, out: &mut [f64]) -> u8 {
    if !parallel::worth_splitting(out.len()) {
        return binary_slices(op, a, b, out);
    }
    let t = parallel::TASK_ELEMS;
    parallel::for_chunks_mut(
        out,
        t,
        &|i, o| binary_slices(op, a.sub(i * t, o.len()), b.sub(i * t, o.len()), o),
        |x, y| x | y,
    )
}

/// Results of at least this many elements (16 MiB) are written with
/// streaming stores ([`simd::binary_streamed_new`]).
pub const STREAM_MIN: usize = 1 << 21;

/// A contiguous view's data in logical (C) order, if it is standard layout.
/// (`as_slice` is `Some` exactly for standard layout; it checks once.)
pub fn c_slice<'a>(v: &'a ArrayViewD<'_, f64>) -> Option<&'a [f64]> {
    v.as_slice()
}

/// `a op b` with broadcasting for float64 views when both are C-contiguous
/// and each broadcasts either as a whole (same shape or a single value) or
/// row by row along long rows. `None`: use the general path.
pub fn binary_arrays(
    op: Arith,
    a: &ArrayViewD<f64>,
    b: &ArrayViewD<f64>,
    shape: &[usize],
) -> Option<(ArrayD<f64>, u8)> {
    let n: usize = shape.iter().product();
    if n < 64 {
        return None;
    }
    let (sa, sb) = (c_slice(a)?, c_slice(b)?);
    fn whole<'a>(s: &'a [f64], v: &ArrayViewD<f64>, shape: &[usize]) -> Option<Src<'a>> {
        if v.shape() == shape {
            Some(Src::Slice(s))
        } else if s.len() == 1 {
            Some(Src::Scalar(s[0]))
        } else {
            None
        }
    }
    if let (Some(x), Some(y)) = (whole(sa, a, shape), whole(sb, b, shape)) {
        let streamed = if n >= STREAM_MIN { simd::binary_streamed_new(op.code(), x, y, n) } else { None };
        let (out, flags) = streamed.unwrap_or_else(|| {
            parallel::fill_new(n, &|s, o| binary_slices(op, x.sub(s, o.len()), y.sub(s, o.len()), o))
        });
        return ArrayD::from_shape_vec(IxDyn(shape), out).ok().map(|o| (o, flags));
    }
    // Row-wise broadcasting, e.g. (m, n) - (m, 1) or (m, n) * (n,).
    let last = *shape.last()?;
    if last < 64 {
        return None;
    }
    let ab = a.broadcast(IxDyn(shape))?;
    let bb = b.broadcast(IxDyn(shape))?;
    let mut out = ArrayD::<f64>::zeros(IxDyn(shape));
    let rows = n / last;
    let flags = row_apply(rows, last, &mut out.view_mut(), &|r, o| {
        fn src<'a>(v: &ArrayViewD<'a, f64>, r: usize) -> Src<'a> {
            let row = row_of(v, r);
            match row.to_slice() {
                Some(s) => Src::Slice(s),
                None => Src::Scalar(row[0]),
            }
        }
        let (x, y) = (src(&ab, r), src(&bb, r));
        binary_slices(op, x, y, o)
    });
    Some((out, flags))
}

/// Row `r` (C order over all but the last axis) of a view, as a 1-D view.
fn row_of<'a>(v: &ArrayViewD<'a, f64>, mut r: usize) -> ndarray::ArrayView1<'a, f64> {
    let mut view = v.clone();
    let nd = view.ndim();
    let mut idx = vec![0usize; nd.saturating_sub(1)];
    for d in (0..nd - 1).rev() {
        let s = view.shape()[d];
        idx[d] = r % s;
        r /= s;
    }
    for &i in idx.iter() {
        view = view.index_axis_move(Axis(0), i);
    }
    match view.into_dimensionality::<ndarray::Ix1>() {
        Ok(v) => v,
        Err(_) => unreachable!("one axis left"),
    }
}

/// Run `f(row_index, out_row)` for every row of a C-contiguous `out`, on two
/// threads when large; OR the returned flags.
fn row_apply(
    rows: usize,
    last: usize,
    out: &mut ArrayViewMutD<f64>,
    f: &(impl Fn(usize, &mut [f64]) -> u8 + Sync),
) -> u8 {
    let Some(o) = out.as_slice_mut() else { return 0 };
    if !parallel::worth_splitting(rows * last) {
        return o.chunks_mut(last).enumerate().fold(0, |acc, (r, row)| acc | f(r, row));
    }
    let per_task = (parallel::TASK_ELEMS / last).max(1);
    parallel::for_chunks_mut(
        o,
        per_task * last,
        &|i, part| part.chunks_mut(last).enumerate().fold(0, |acc, (r, row)| acc | f(i * per_task + r, row)),
        |x, y| x | y,
    )
}

/// `exp` or `log` of a C-contiguous float64 view, on two threads when large.
pub fn exp_log_array(is_exp: bool, x: &ArrayViewD<f64>) -> Option<(ArrayD<f64>, Flags)> {
    let s = c_slice(x)?;
    let (out, flags) = parallel::fill_new(s.len(), &|i, o| {
        let x = &s[i..i + o.len()];
        if is_exp {
            super::transcendental::exp_slice(x, o).bits()
        } else {
            super::transcendental::log_slice(x, o).bits()
        }
    });
    let flags = Flags {
        divide: flags & FLAG_DIVIDE != 0,
        invalid: flags & FLAG_INVALID != 0,
        overflow: flags & FLAG_OVERFLOW != 0,
    };
    ArrayD::from_shape_vec(IxDyn(x.shape()), out).ok().map(|o| (o, flags))
}

/// `exp` or `log` of a slice, on two threads when large.
pub fn exp_log_slices(is_exp: bool, x: &[f64], out: &mut [f64]) -> Flags {
    let f = |x: &[f64], o: &mut [f64]| {
        if is_exp {
            super::transcendental::exp_slice(x, o)
        } else {
            super::transcendental::log_slice(x, o)
        }
    };
    if !parallel::worth_splitting(x.len()) {
        return f(x, out);
    }
    let t = parallel::TASK_ELEMS;
    parallel::for_chunks_mut(out, t, &|i, o| f(&x[i * t..i * t + o.len()], o), Flags::merge)
}

// ------------------------------------------------------------ reductions

/// How far ahead (in elements) a long pairwise sum prefetches: 4 KiB.
const PAIRWISE_AHEAD: usize = 512;
/// Blocks shorter than this (64 KiB) are taken to be in cache already (a
/// fused segment, a short row) and sum without prefetching. A thread's
/// share of a parallel sum is longer than half of `parallel::TASK_ELEMS`.
const PAIRWISE_PREFETCH_MIN: usize = 1 << 13;

/// NumPy's pairwise sum (`reduce::pairwise_sum`), as one kernel body: the
/// same tree, walked with an explicit stack so the whole walk is compiled
/// for the SIMD level.
#[inline(always)]
pub fn pairwise_body(x: &[f64]) -> f64 {
    if x.len() <= 128 {
        return pairwise_leaf(x);
    }
    // A long block comes from memory: before each leaf, prefetch the
    // leaf-sized range PAIRWISE_AHEAD elements further on, as NumPy's loop
    // does. The hardware prefetcher alone left one thread about 15% slower
    // than NumPy at 1e7.
    let prefetch = x.len() >= PAIRWISE_PREFETCH_MIN;
    // Frames: (start, len, left sum or NAN marker, has_left).
    let mut stack: [(usize, usize, f64, bool); 64] = [(0, 0, 0.0, false); 64];
    let mut top = 0;
    stack[0] = (0, x.len(), 0.0, false);
    loop {
        let (start, len, _, _) = stack[top];
        if len > 128 {
            let mut h = len / 2;
            h -= h % 8;
            top += 1;
            stack[top] = (start, h, 0.0, false);
            continue;
        }
        if prefetch {
            let a = (start + PAIRWISE_AHEAD).min(x.len());
            let b = (start + PAIRWISE_AHEAD + len).min(x.len());
            super::simd::prefetch(&x[a..b]);
        }
        let mut v = pairwise_leaf(&x[start..start + len]);
        // Deliver v upwards.
        loop {
            if top == 0 {
                return v;
            }
            top -= 1;
            let (ps, pl, left, has_left) = stack[top];
            if has_left {
                #[allow(clippy::assign_op_pattern)] // keep NumPy's operand order
                {
                    v = left + v;
                }
            } else {
                let mut h = pl / 2;
                h -= h % 8;
                stack[top] = (ps, pl, v, true);
                top += 1;
                stack[top] = (ps + h, pl - h, 0.0, false);
                break;
            }
        }
    }
}

#[inline(always)]
fn pairwise_leaf(x: &[f64]) -> f64 {
    let n = x.len();
    if n < 8 {
        let mut s = -0.0;
        for &v in x {
            s += v;
        }
        return s;
    }
    let mut r = [0.0f64; 8];
    r.copy_from_slice(&x[..8]);
    let full = n - n % 8;
    for c in x[8..full].chunks_exact(8) {
        for k in 0..8 {
            r[k] += c[k];
        }
    }
    let mut s = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
    for &v in &x[full..] {
        s += v;
    }
    s
}

/// NumPy's pairwise sum of a block, on two threads when large: subtrees of
/// the fixed tree are summed independently and recombined in the tree's
/// order, so the bits are the same.
pub fn pairwise_sum(x: &[f64]) -> f64 {
    pairwise_par(x, parallel::worth_splitting(x.len()))
}

fn pairwise_par(x: &[f64], par: bool) -> f64 {
    let l = level();
    if !par {
        return simd::pairwise(l, x);
    }
    parallel::pairwise_parallel(x.len(), parallel::TASK_ELEMS, &|s, n| (simd::pairwise(l, &x[s..s + n]), ()), |_, _| ())
        .0
}

/// Maximum (or minimum) of a non-empty lane with `reduce::fold_extreme`'s
/// semantics: nan propagates; among equal values (±0) the last one wins.
#[inline(always)]
pub fn extreme_body<const MAX: bool>(x: &[f64]) -> f64 {
    let mut acc = [x[0]; 8];
    let mut nan = false;
    let full = x.len() - x.len() % 8;
    for c in x[..full].chunks_exact(8) {
        for k in 0..8 {
            let v = c[k];
            nan |= v.is_nan();
            acc[k] = if MAX {
                if v > acc[k] {
                    v
                } else {
                    acc[k]
                }
            } else if v < acc[k] {
                v
            } else {
                acc[k]
            };
        }
    }
    for &v in &x[full..] {
        nan |= v.is_nan();
        acc[0] = if MAX {
            if v > acc[0] {
                v
            } else {
                acc[0]
            }
        } else if v < acc[0] {
            v
        } else {
            acc[0]
        };
    }
    if nan {
        return f64::NAN;
    }
    let mut m = acc[0];
    for &v in &acc[1..] {
        m = if MAX {
            if v > m {
                v
            } else {
                m
            }
        } else if v < m {
            v
        } else {
            m
        };
    }
    if m == 0.0 {
        // The sign of a zero result is the last zero's: walk back to it.
        return *x.iter().rev().find(|&&v| v == 0.0).unwrap_or(&m);
    }
    m
}

/// Sum, max or min along the last axis of a C-contiguous float64 view:
/// one value per row, as `reduce::reduce` computes them. `None` when the
/// layout is not C-contiguous or rows are too short to gain anything.
pub fn reduce_rows(kind: RowReduce, v: &ArrayViewD<f64>) -> Option<Vec<f64>> {
    let s = c_slice(v)?;
    let last = *v.shape().last()?;
    if last < 16 || s.is_empty() {
        return None;
    }
    let rows = s.len() / last;
    let f =
        |r: std::ops::Range<usize>| -> Vec<f64> { r.map(|i| reduce_row(kind, &s[i * last..(i + 1) * last])).collect() };
    if !parallel::worth_splitting(s.len()) {
        return Some(f(0..rows));
    }
    let per_task = (parallel::TASK_ELEMS / last).max(1);
    let mut out: Vec<f64> = parallel::map_ranges(rows, per_task, &f).into_iter().flatten().collect();
    out.resize(rows, 0.0); // rows skipped by Ctrl-C (the result is discarded)
    Some(out)
}

/// One row's sum, max or min (the fused evaluator's row leaves use it too,
/// so both give the same bits).
pub fn reduce_row(kind: RowReduce, row: &[f64]) -> f64 {
    let l = level();
    match kind {
        RowReduce::Sum => 0.0 + simd::pairwise(l, row),
        RowReduce::Max => simd::max_lane(l, row),
        RowReduce::Min => simd::min_lane(l, row),
    }
}

/// Reductions along rows with a fast path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowReduce {
    Sum,
    Max,
    Min,
}

/// `np.sum` of all elements of a C-contiguous float64 view (`0.0 + pw(all)`).
pub fn sum_all(v: &ArrayViewD<f64>) -> Option<f64> {
    let s = c_slice(v)?;
    Some(0.0 + pairwise_sum(s))
}

/// Broadcast `src` into a fresh C-contiguous array of `shape` (for callers
/// that need materialised operands).
pub fn materialize(src: &ArrayViewD<f64>, shape: &[usize]) -> Option<ArrayD<f64>> {
    let b = src.broadcast(IxDyn(shape))?;
    let mut out = ArrayD::<f64>::zeros(IxDyn(shape));
    Zip::from(&mut out).and(&b).for_each(|o, &x| *o = x);
    Some(out)
}

/// The fast cases of `reduce::reduce` for float64: a full `sum`/`mean` of a
/// C-contiguous array, and `sum`/`max`/`min` along the last axis. Returns
/// the same array `reduce` would (shape and keepdims included).
pub fn reduce_fast(
    kind: super::reduce::Reduction,
    v: &ArrayViewD<f64>,
    axes: &[usize],
    keepdims: bool,
) -> Option<ArrayD<f64>> {
    use super::reduce::Reduction;
    let nd = v.ndim();
    if nd == 0 || v.is_empty() {
        return None;
    }
    let shape_out = |reduced: &[usize]| -> Vec<usize> {
        (0..nd).filter_map(|i| if reduced.contains(&i) { keepdims.then_some(1) } else { Some(v.shape()[i]) }).collect()
    };
    if axes.len() == nd && matches!(kind, Reduction::Sum | Reduction::Mean) {
        let s = sum_all(v)?;
        let val = if kind == Reduction::Mean { s / v.len() as f64 } else { s };
        return ArrayD::from_shape_vec(IxDyn(&shape_out(axes)), vec![val]).ok();
    }
    if axes == [nd - 1] {
        let rk = match kind {
            Reduction::Sum => RowReduce::Sum,
            Reduction::Max => RowReduce::Max,
            Reduction::Min => RowReduce::Min,
            _ => return None,
        };
        let vals = reduce_rows(rk, v)?;
        return ArrayD::from_shape_vec(IxDyn(&shape_out(axes)), vals).ok();
    }
    None
}

/// The fast-path operator for a binary ufunc, if it has one.
pub fn arith_of(op: super::ufunc::Ufunc2) -> Option<Arith> {
    use super::ufunc::Ufunc2;
    Some(match op {
        Ufunc2::Add => Arith::Add,
        Ufunc2::Subtract => Arith::Sub,
        Ufunc2::Multiply => Arith::Mul,
        Ufunc2::Divide => Arith::Div,
        _ => return None,
    })
}

/// Dot product with eight FMA accumulators, combined pairwise. Kernel body.
#[inline(always)]
pub fn dot_body(x: &[f64], y: &[f64]) -> f64 {
    let n = x.len().min(y.len());
    let (x, y) = (&x[..n], &y[..n]);
    let mut acc = [0.0f64; 8];
    let full = n - n % 8;
    for (cx, cy) in x[..full].chunks_exact(8).zip(y[..full].chunks_exact(8)) {
        for k in 0..8 {
            acc[k] = cx[k].mul_add(cy[k], acc[k]);
        }
    }
    let mut s = ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
    for (&p, &q) in x[full..].iter().zip(&y[full..]) {
        s = p.mul_add(q, s);
    }
    s
}

/// Results up to this many elements are computed into a zeroed vector.
const SMALL_DIRECT: usize = 64;

/// One side of [`small_binary`]: a whole float64 array, or a Python number
/// (already a float64, as NumPy converts it for a float64 array).
#[derive(Clone, Copy)]
pub enum Small<'a> {
    Array(&'a ArrayD<f64>),
    Number(f64),
}

/// `a op b` for whole float64 arrays of one shape (not 0-d), or one such
/// array and a number, with at most [`SMALL_DIRECT`] elements, C-contiguous:
/// the result is a copy of the array (of the left one for two) overwritten,
/// so it keeps that array's shape and strides without building them again.
/// A lesson's `a + b` or `a * 2.0` on small arrays spends most of its time
/// around the arithmetic, not in it. The same values and flags as
/// [`binary_operands`] (the same kernel body); `None` for anything else.
pub fn small_binary(op: Arith, a: Small, b: Small) -> Option<(ArrayD<f64>, u8)> {
    let (like, xs, ys) = match (a, b) {
        (Small::Array(x), Small::Array(y)) if x.shape() == y.shape() => {
            (x, Src::Slice(x.as_slice()?), Src::Slice(y.as_slice()?))
        }
        (Small::Array(x), Small::Number(q)) => (x, Src::Slice(x.as_slice()?), Src::Scalar(q)),
        (Small::Number(p), Small::Array(y)) => (y, Src::Scalar(p), Src::Slice(y.as_slice()?)),
        _ => return None,
    };
    if like.ndim() == 0 || like.len() > SMALL_DIRECT {
        return None;
    }
    let mut r = like.clone();
    let out = r.as_slice_mut()?;
    // `out` holds the array side; the other side is applied over it.
    let (other, number_left) = match (xs, ys) {
        (Src::Scalar(p), _) => (Src::Scalar(p), true),
        (_, other) => (other, false),
    };
    let bad = match op {
        Arith::Add => apply_over::<OP_ADD>(out, other, number_left),
        Arith::Sub => apply_over::<OP_SUB>(out, other, number_left),
        Arith::Mul => apply_over::<OP_MUL>(out, other, number_left),
        Arith::Div => apply_over::<OP_DIV>(out, other, number_left),
    };
    let mut flags = 0;
    if bad {
        for (i, &v) in out.iter().enumerate() {
            if !v.is_finite() {
                flags |= arith_flags(op.code(), xs.get(i), ys.get(i), v);
            }
        }
    }
    Some((r, flags))
}

/// `out[i] = out[i] op other[i]` (or `other op out[i]` for a number on the
/// left); true if any result is not finite.
#[inline(always)]
fn apply_over<const OP: u8>(out: &mut [f64], other: Src, number_left: bool) -> bool {
    let mut bad = false;
    match other {
        Src::Slice(y) => {
            for (o, &q) in out.iter_mut().zip(y) {
                *o = apply::<OP>(*o, q);
                bad |= !o.is_finite();
            }
        }
        Src::Scalar(p) if number_left => {
            for o in out.iter_mut() {
                *o = apply::<OP>(p, *o);
                bad |= !o.is_finite();
            }
        }
        Src::Scalar(q) => {
            for o in out.iter_mut() {
                *o = apply::<OP>(*o, q);
                bad |= !o.is_finite();
            }
        }
    }
    bad
}

/// `a op b` for two float64 operands of the same shape (or one a single
/// value), both C-contiguous: the common small case, without the general
/// broadcasting machinery. Same results, flags and errors as `ufunc::binary`
/// (which calls this first); `None` for anything else.
pub fn binary_operands(
    op: super::ufunc::Ufunc2,
    a: &super::ufunc::Operand,
    b: &super::ufunc::Operand,
    scalar_math: bool,
) -> Option<crate::interp::error::PyResult<crate::value::ArrayData>> {
    use crate::value::{AView, ArrayData, DType};
    let k = arith_of(op)?;
    if a.dtype() != DType::Float64 || b.dtype() != DType::Float64 {
        return None;
    }
    a.with_view(|va| {
        b.with_view(|vb| {
            let (AView::Float(x), AView::Float(y)) = (&va, &vb) else { return None };
            let (sx, sy) = (c_slice(x)?, c_slice(y)?);
            let (shape, xs, ys) = if x.shape() == y.shape() {
                (x.shape(), Src::Slice(sx), Src::Slice(sy))
            } else if y.ndim() == 0 {
                (x.shape(), Src::Slice(sx), Src::Scalar(sy[0]))
            } else if x.ndim() == 0 {
                (y.shape(), Src::Scalar(sx[0]), Src::Slice(sy))
            } else {
                return None;
            };
            if let Err(e) = crate::value::alloc::check_alloc(shape, DType::Float64) {
                return Some(Err(e));
            }
            let n: usize = shape.iter().product();
            let (out, flags) = match n <= SMALL_DIRECT {
                // A few elements: zeroing them costs less than the
                // block-filling machinery around an unzeroed vector.
                true => {
                    let mut out = vec![0.0; n];
                    let flags = binary_slices(k, xs, ys, &mut out);
                    (out, flags)
                }
                false => parallel::fill_new(n, &|s, o| binary_slices(k, xs.sub(s, o.len()), ys.sub(s, o.len()), o)),
            };
            let arr = ArrayD::from_shape_vec(IxDyn(shape), out).ok()?;
            super::ufunc::report_flags(flags, op.name(), scalar_math);
            Some(Ok(ArrayData::Float(arr)))
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::reduce;

    /// Streamed results are the plain kernels' results, bit for bit, with
    /// the same flags: every operation, operand kind, length, operand
    /// offset and special value, including a non-finite result in only some
    /// blocks, and a result long enough to be split into tasks.
    #[test]
    fn streamed_binary_matches_plain() {
        let mut x = data(100_003, 3);
        let mut y = data(100_003, 5);
        for (i, v) in [0.0, -0.0, f64::INFINITY, f64::NEG_INFINITY, f64::NAN, 1e308, 5e-324].into_iter().enumerate() {
            x[37 * i + 3] = v;
            y[41 * i + 4000] = v;
            y[53 * i + 11] = 0.0;
        }
        let scalars = [2.5, 0.0, f64::NAN, f64::INFINITY];
        for op in [Arith::Add, Arith::Sub, Arith::Mul, Arith::Div] {
            for (off, n) in [(0, 0), (1, 7), (3, 9), (0, 64), (5, 1029), (2, 4990), (0, 100_003)] {
                let (xs, ys) = (&x[off..off + n], &y[off..off + n]);
                let mut cases = vec![(Src::Slice(xs), Src::Slice(ys))];
                for &c in &scalars {
                    cases.push((Src::Slice(xs), Src::Scalar(c)));
                    cases.push((Src::Scalar(c), Src::Slice(ys)));
                }
                for (a, b) in cases {
                    let mut plain = vec![0.0; n];
                    let f1 = binary_slices(op, a, b, &mut plain);
                    let Some((streamed, f2)) = simd::binary_streamed_new(op.code(), a, b, n) else {
                        return; // no AVX-512 here: nothing is streamed
                    };
                    assert_eq!(f1, f2, "{op:?} flags, n = {n}");
                    let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
                    assert_eq!(bits(&plain), bits(&streamed), "{op:?} values, n = {n}");
                    // Over existing memory, misaligned by `off` elements.
                    let mut over = vec![7.0; n + off];
                    let f3 = simd::binary_streamed_into(op.code(), a, b, &mut over[off..]);
                    assert_eq!(f3, Some(f1), "{op:?} flags (into), n = {n}");
                    assert_eq!(bits(&over[off..]), bits(&plain), "{op:?} values (into), n = {n}");
                }
            }
        }
    }

    /// The direct path for small arrays gives the plain kernel's values and
    /// flags, and keeps the shape; larger, 0-d, mismatched or non-C-order
    /// arrays are left to the general path.
    #[test]
    fn small_binary_matches_plain() {
        let specials = [0.0, -0.0, f64::INFINITY, f64::NEG_INFINITY, f64::NAN, 1e308, -1e308, 5e-324];
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        for n in [1, 2, 7, 8, 9, 63, 64] {
            let mut x = data(n, 11);
            let mut y = data(n, 13);
            for (i, &v) in specials.iter().enumerate() {
                x[(3 * i) % n] = v;
                y[(5 * i + 1) % n] = specials[(i + 3) % specials.len()];
            }
            let shape = [1, n];
            let ax = ArrayD::from_shape_vec(IxDyn(&shape), x.clone()).unwrap();
            let ay = ArrayD::from_shape_vec(IxDyn(&shape), y.clone()).unwrap();
            for op in [Arith::Add, Arith::Sub, Arith::Mul, Arith::Div] {
                let mut cases = vec![(Src::Slice(&x), Src::Slice(&y), Small::Array(&ax), Small::Array(&ay))];
                for q in specials.into_iter().chain([2.5, -3.0]) {
                    cases.push((Src::Slice(&x), Src::Scalar(q), Small::Array(&ax), Small::Number(q)));
                    cases.push((Src::Scalar(q), Src::Slice(&y), Small::Number(q), Small::Array(&ay)));
                }
                for (sa, sb, a, b) in cases {
                    let mut plain = vec![0.0; n];
                    let f1 = binary_slices(op, sa, sb, &mut plain);
                    let (r, f2) = small_binary(op, a, b).expect("small arrays take the direct path");
                    assert_eq!(r.shape(), &shape);
                    assert_eq!(f1, f2, "{op:?} flags, n = {n}");
                    assert_eq!(bits(r.as_slice().unwrap()), bits(&plain), "{op:?} values, n = {n}");
                }
            }
        }
        let add = |a, b| small_binary(Arith::Add, a, b);
        let big = ArrayD::from_elem(IxDyn(&[65]), 1.0);
        assert!(add(Small::Array(&big), Small::Array(&big)).is_none());
        assert!(add(Small::Array(&big), Small::Number(1.0)).is_none());
        let zero_d = ArrayD::from_elem(IxDyn(&[]), 1.0);
        assert!(add(Small::Array(&zero_d), Small::Array(&zero_d)).is_none());
        assert!(add(Small::Number(1.0), Small::Array(&zero_d)).is_none());
        assert!(add(Small::Number(1.0), Small::Number(1.0)).is_none());
        let (a, b) = (ArrayD::from_elem(IxDyn(&[2, 3]), 1.0), ArrayD::from_elem(IxDyn(&[3, 2]), 1.0));
        assert!(add(Small::Array(&a), Small::Array(&b)).is_none());
        // Fortran order (a transpose's owned copy keeps its strides).
        let f = b.t().to_owned();
        assert!(f.as_slice().is_none());
        assert!(add(Small::Array(&a), Small::Array(&f)).is_none());
        assert!(add(Small::Array(&f), Small::Number(1.0)).is_none());
    }

    fn data(n: usize, seed: u64) -> Vec<f64> {
        let mut s = seed | 1;
        (0..n)
            .map(|_| {
                s ^= s << 13;
                s ^= s >> 7;
                s ^= s << 17;
                ((s >> 11) as f64 / (1u64 << 53) as f64 - 0.3) * 1e3 / (1.0 + (s % 97) as f64)
            })
            .collect()
    }

    #[test]
    fn pairwise_kernel_matches_reference_at_every_size_and_level() {
        let x = data(300_000, 7);
        let sizes: Vec<usize> =
            (0..300).chain([511, 512, 1000, 1023, 1024, 4097, 65_536, 65_537, 131_071, 300_000]).collect();
        for level in simd::available_levels() {
            for &n in &sizes {
                for off in [0, 3] {
                    let s = &x[off..off + n.min(x.len() - off)];
                    assert_eq!(simd::pairwise(level, s).to_bits(), reduce::pairwise_sum(s).to_bits(), "n={n}");
                }
            }
        }
        for &n in &[100_000, 262_144, 300_000] {
            assert_eq!(pairwise_par(&x[..n], true).to_bits(), reduce::pairwise_sum(&x[..n]).to_bits());
        }
    }

    #[test]
    fn extreme_matches_fold() {
        let mut x = data(1000, 3);
        for level in simd::available_levels() {
            for n in 1..200 {
                let s = &x[..n];
                let want_max = s[1..].iter().fold(s[0], |a, &b| {
                    if a.is_nan() || b.is_nan() {
                        f64::NAN
                    } else if a > b {
                        a
                    } else {
                        b
                    }
                });
                assert_eq!(simd::max_lane(level, s).to_bits(), want_max.to_bits());
            }
        }
        x.truncate(20);
        x.iter_mut().for_each(|v| *v = -v.abs() - 1.0);
        x[3] = 0.0;
        x[11] = -0.0;
        assert!(simd::max_lane(level(), &x).is_sign_negative());
        x[15] = 0.0;
        assert!(simd::max_lane(level(), &x).is_sign_positive());
        x[7] = f64::NAN;
        assert!(simd::max_lane(level(), &x).is_nan());
    }

    #[test]
    fn binary_flags_match_general_rules() {
        let a = [1.0, 0.0, -1.0, f64::INFINITY, f64::NAN, 1e308, 2.0];
        let b = [0.0, 0.0, 0.0, 0.0, 0.0, 10.0, f64::INFINITY];
        let mut out = [0.0; 7];
        let f = binary_slices(Arith::Div, Src::Slice(&a), Src::Slice(&b), &mut out);
        assert_eq!(f, FLAG_DIVIDE | FLAG_INVALID);
        let f = binary_slices(Arith::Mul, Src::Slice(&a), Src::Slice(&b), &mut out);
        assert_eq!(f, FLAG_OVERFLOW | FLAG_INVALID);
        let f = binary_slices(Arith::Sub, Src::Slice(&a[3..4]), Src::Scalar(f64::INFINITY), &mut out[..1]);
        assert_eq!(f, FLAG_INVALID);
    }

    #[test]
    fn operand_fast_path_handles_empty_and_scalar_operands() {
        use crate::ops::ufunc::{Operand, Ufunc2};
        use crate::value::ArrayData;
        let empty = Operand::owned(ArrayData::Float(ArrayD::zeros(IxDyn(&[0]))), false);
        let scalar = Operand::owned(ArrayData::Float(ArrayD::from_elem(IxDyn(&[]), 2.0)), true);
        let r = binary_operands(Ufunc2::Add, &empty, &scalar, false).unwrap().unwrap();
        assert_eq!(r.shape(), &[0]);
        let r = binary_operands(Ufunc2::Divide, &scalar, &empty, false).unwrap().unwrap();
        assert_eq!(r.shape(), &[0]);
        let v =
            Operand::owned(ArrayData::Float(ArrayD::from_shape_vec(IxDyn(&[3]), vec![1.0, 2.0, 4.0]).unwrap()), false);
        let r = binary_operands(Ufunc2::Divide, &scalar, &v, false).unwrap().unwrap();
        assert_eq!(r, ArrayData::Float(ArrayD::from_shape_vec(IxDyn(&[3]), vec![2.0, 1.0, 0.5]).unwrap()));
        assert!(binary_operands(Ufunc2::Power, &scalar, &v, false).is_none());
    }
}
