//! Reductions (`sum`, `mean`, `max`, ...) with NumPy's axis rules and
//! NumPy's summation order, so float sums agree to the last bit:
//! pairwise over the trailing reduced block, left to right over the rest.

use ndarray::{ArrayD, IxDyn};

use crate::interp::error::{ExcType, PyErr, PyResult};
use crate::ops::cast::{as_bool, as_f64, as_i64};
use crate::value::{AView, ArrayData, DType};

/// NumPy's pairwise summation of a contiguous block (see NUMPY-FACTS §8.1).
pub fn pairwise_sum(x: &[f64]) -> f64 {
    let n = x.len();
    if n < 8 {
        let mut s = -0.0;
        for &v in x {
            s += v;
        }
        s
    } else if n <= 128 {
        let mut r = [0.0f64; 8];
        r.copy_from_slice(&x[..8]);
        let mut i = 8;
        while i < n - n % 8 {
            for k in 0..8 {
                r[k] += x[i + k];
            }
            i += 8;
        }
        let mut s = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        while i < n {
            s += x[i];
            i += 1;
        }
        s
    } else {
        let mut h = n / 2;
        h -= h % 8;
        pairwise_sum(&x[..h]) + pairwise_sum(&x[h..])
    }
}

/// One axis of an `ndim`-dimensional array (negative counts from the end),
/// or NumPy's AxisError. Unlike [`normalize_axes`] there is no 0-d quirk:
/// a 0-d array has no axis at all.
pub fn normalize_axis(axis: i64, ndim: usize) -> PyResult<usize> {
    let n = ndim as i64;
    let j = if axis < 0 { axis + n } else { axis };
    if j < 0 || j >= n {
        return Err(PyErr::axis(axis, ndim));
    }
    Ok(j as usize)
}

/// Which axes to reduce: `None` = all.
pub fn normalize_axes(axis: Option<&[i64]>, ndim: usize) -> PyResult<Vec<usize>> {
    let Some(axes) = axis else {
        return Ok((0..ndim).collect());
    };
    let mut out = Vec::new();
    for &a in axes {
        // A 0-d array accepts axis 0 and -1 (NumPy quirk).
        // (Only axes that pass get the raised ndim, so errors name the real one.)
        let eff_ndim = ndim.max(if ndim == 0 && axes.len() == 1 && (a == 0 || a == -1) { 1 } else { 0 });
        let j = normalize_axis(a, eff_ndim)?;
        if ndim == 0 {
            continue;
        }
        if out.contains(&j) {
            return Err(PyErr::value("duplicate value in 'axis'"));
        }
        out.push(j);
    }
    out.sort_unstable();
    Ok(out)
}

/// The shape after reducing `axes` (kept as 1 with keepdims).
pub fn reduced_shape(shape: &[usize], axes: &[usize], keepdims: bool) -> Vec<usize> {
    shape
        .iter()
        .enumerate()
        .filter_map(|(i, &n)| if axes.contains(&i) { keepdims.then_some(1) } else { Some(n) })
        .collect()
}

/// Elements of each output position, in NumPy's iteration order, with the
/// length of the trailing block that NumPy sums pairwise. The elements are
/// borrowed when the reduced axes are already trailing and contiguous, and
/// copied once otherwise.
pub struct Lanes<'a, T: Clone> {
    pub out_shape: Vec<usize>,
    flat: std::borrow::Cow<'a, [T]>,
    lane_len: usize,
    n_out: usize,
    pub block: usize,
}

impl<T: Clone> Lanes<'_, T> {
    /// Each output position's elements. Once Ctrl-C is pending the rest are
    /// empty (cheap to reduce; the caller raises `KeyboardInterrupt`).
    pub fn iter(&self) -> impl Iterator<Item = &[T]> + '_ {
        (0..self.n_out).map(move |i| {
            if self.lane_len == 0 || crate::interp::interrupt::pending() {
                &self.flat[..0]
            } else {
                &self.flat[i * self.lane_len..(i + 1) * self.lane_len]
            }
        })
    }
}

pub fn lanes<'a, T: Copy>(a: &ndarray::ArrayViewD<'a, T>, axes: &[usize]) -> Lanes<'a, T> {
    let shape = a.shape().to_vec();
    let ndim = shape.len();
    let kept: Vec<usize> = (0..ndim).filter(|i| !axes.contains(i)).collect();
    // Trailing reduced axes form the pairwise block.
    let mut trailing = 0;
    for i in (0..ndim).rev() {
        if axes.contains(&i) {
            trailing += 1;
        } else {
            break;
        }
    }
    let block: usize = shape[ndim - trailing..].iter().product();
    let mut order = kept.clone();
    order.extend(axes.iter().copied());
    let permuted = a.clone().permuted_axes(IxDyn(&order));
    let out_shape: Vec<usize> = kept.iter().map(|&i| shape[i]).collect();
    let n_out: usize = out_shape.iter().product();
    let lane_len: usize = axes.iter().map(|&i| shape[i]).product();
    let flat = match permuted.to_slice() {
        Some(s) => std::borrow::Cow::Borrowed(s),
        None => std::borrow::Cow::Owned(permuted.iter().copied().collect()),
    };
    Lanes { out_shape, flat, lane_len, n_out, block: block.max(1) }
}

/// NumPy's float sum of one lane.
pub fn sum_lane_f64(lane: &[f64], block: usize) -> f64 {
    let mut acc = 0.0;
    for chunk in lane.chunks(block.max(1)) {
        acc += crate::ops::kernels::pairwise_sum(chunk);
    }
    acc
}

/// A left fold, polling Ctrl-C every million elements (the order of the
/// operations is that of one plain fold).
fn fold_lane<T: Copy, A>(lane: &[T], init: A, f: impl Fn(A, T) -> A) -> A {
    let mut acc = init;
    for chunk in lane.chunks(1 << 20) {
        if crate::interp::interrupt::pending() {
            break;
        }
        acc = chunk.iter().fold(acc, |a, &b| f(a, b));
    }
    acc
}

fn finish<T>(out_shape: Vec<usize>, vals: Vec<T>, axes: &[usize], ndim: usize, keepdims: bool) -> PyResult<ArrayD<T>> {
    let shape = if keepdims {
        let mut s = out_shape.clone();
        for &a in axes {
            s.insert(a.min(s.len()), 1);
        }
        let _ = ndim;
        s
    } else {
        out_shape
    };
    ArrayD::from_shape_vec(IxDyn(&shape), vals).map_err(|e| PyErr::new(ExcType::InternalError, e.to_string()))
}

/// Reduction kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reduction {
    Sum,
    Prod,
    Mean,
    Max,
    Min,
    All,
    Any,
    CountNonzero,
}

impl Reduction {
    fn ufunc_name(self) -> &'static str {
        match self {
            Reduction::Max => "maximum",
            Reduction::Min => "minimum",
            _ => "add",
        }
    }
}

/// Apply a reduction; the result has the reduced shape (0-d for a full reduction).
pub fn reduce(v: &AView, r: Reduction, axes: &[usize], keepdims: bool) -> PyResult<ArrayData> {
    let ndim = v.shape().len();
    let lane_len: usize = axes.iter().map(|&i| v.shape()[i]).product();
    if matches!(r, Reduction::Max | Reduction::Min) && lane_len == 0 {
        let out: usize = reduced_shape(v.shape(), axes, false).iter().product();
        if out > 0 || axes.len() == ndim {
            return Err(PyErr::value(format!(
                "zero-size array to reduction operation {} which has no identity",
                r.ufunc_name()
            )));
        }
    }
    if let AView::Float(x) = v {
        if let Some(d) = crate::ops::kernels::reduce_fast(r, x, axes, keepdims) {
            return Ok(ArrayData::Float(d));
        }
    }
    match r {
        Reduction::All | Reduction::Any => {
            let b = as_bool(v);
            let l = lanes(&b.view(), axes);
            let vals: Vec<bool> = l
                .iter()
                .map(|lane| if r == Reduction::All { lane.iter().all(|&x| x) } else { lane.iter().any(|&x| x) })
                .collect();
            Ok(ArrayData::Bool(finish(l.out_shape, vals, axes, ndim, keepdims)?))
        }
        Reduction::CountNonzero => {
            let b = as_bool(v);
            let l = lanes(&b.view(), axes);
            let vals: Vec<i64> = l.iter().map(|lane| lane.iter().filter(|&&x| x).count() as i64).collect();
            Ok(ArrayData::Int(finish(l.out_shape, vals, axes, ndim, keepdims)?))
        }
        Reduction::Mean => {
            let is_float = v.dtype() == DType::Float64;
            let f = as_f64(v);
            let l = lanes(&f.view(), axes);
            let vals: Vec<f64> = l
                .iter()
                .map(|lane| {
                    let block = if is_float {
                        l.block
                    } else {
                        8192.min(l.block.max(1)).max(if l.block >= lane.len() { 8192 } else { l.block })
                    };
                    sum_lane_f64(lane, block) / lane.len() as f64
                })
                .collect();
            Ok(ArrayData::Float(finish(l.out_shape, vals, axes, ndim, keepdims)?))
        }
        _ => match v.dtype() {
            DType::Float64 => {
                let f = as_f64(v);
                let l = lanes(&f.view(), axes);
                let vals: Vec<f64> = l.iter().map(|lane| reduce_f64(r, lane, l.block)).collect();
                Ok(ArrayData::Float(finish(l.out_shape, vals, axes, ndim, keepdims)?))
            }
            DType::Int64 => {
                let x = as_i64(v);
                let l = lanes(&x.view(), axes);
                let vals: Vec<i64> = l.iter().map(|lane| reduce_i64(r, lane)).collect();
                Ok(ArrayData::Int(finish(l.out_shape, vals, axes, ndim, keepdims)?))
            }
            DType::Bool => {
                if matches!(r, Reduction::Max | Reduction::Min) {
                    let b = as_bool(v);
                    let l = lanes(&b.view(), axes);
                    let vals: Vec<bool> = l
                        .iter()
                        .map(|lane| if r == Reduction::Max { lane.iter().any(|&x| x) } else { lane.iter().all(|&x| x) })
                        .collect();
                    return Ok(ArrayData::Bool(finish(l.out_shape, vals, axes, ndim, keepdims)?));
                }
                let x = as_i64(v);
                let l = lanes(&x.view(), axes);
                let vals: Vec<i64> = l.iter().map(|lane| reduce_i64(r, lane)).collect();
                Ok(ArrayData::Int(finish(l.out_shape, vals, axes, ndim, keepdims)?))
            }
        },
    }
}

fn reduce_f64(r: Reduction, lane: &[f64], block: usize) -> f64 {
    match r {
        Reduction::Sum => sum_lane_f64(lane, block),
        Reduction::Prod => fold_lane(lane, 1.0, |a, b| a * b),
        Reduction::Max => fold_extreme(lane, |a, b| a > b),
        Reduction::Min => fold_extreme(lane, |a, b| a < b),
        _ => 0.0,
    }
}

/// NumPy's maximum/minimum folded left: nan propagates, ties keep the later value.
fn fold_extreme(lane: &[f64], keep_acc: impl Fn(f64, f64) -> bool) -> f64 {
    let Some((&first, rest)) = lane.split_first() else {
        return f64::NAN;
    };
    fold_lane(rest, first, |a, b| {
        if a.is_nan() || b.is_nan() {
            f64::NAN
        } else if keep_acc(a, b) {
            a
        } else {
            b
        }
    })
}

fn reduce_i64(r: Reduction, lane: &[i64]) -> i64 {
    match r {
        Reduction::Sum => fold_lane(lane, 0i64, |a, b| a.wrapping_add(b)),
        Reduction::Prod => fold_lane(lane, 1i64, |a, b| a.wrapping_mul(b)),
        Reduction::Max => fold_lane(lane, i64::MIN, |a, b| a.max(b)),
        Reduction::Min => fold_lane(lane, i64::MAX, |a, b| a.min(b)),
        _ => 0,
    }
}

/// `np.var` (and `std` via sqrt): NumPy's two-pass algorithm.
pub fn variance(v: &AView, axes: &[usize], ddof: f64, keepdims: bool) -> PyResult<ArrayD<f64>> {
    let f = as_f64(v);
    let ndim = v.shape().len();
    let l = lanes(&f.view(), axes);
    let vals: Vec<f64> = l
        .iter()
        .map(|lane| {
            let n = lane.len() as f64;
            let mean = sum_lane_f64(lane, l.block) / n;
            let sq: Vec<f64> = lane.iter().map(|&x| (x - mean) * (x - mean)).collect();
            sum_lane_f64(&sq, l.block) / (n - ddof).max(0.0)
        })
        .collect();
    finish(l.out_shape, vals, axes, ndim, keepdims)
}

/// The RuntimeWarnings NumPy's `_var` issues: too few degrees of freedom,
/// 0/0 in the mean, inf - inf in the deviations, and the final division.
/// NumPy's floating-point warnings of an add/multiply reduction: a nan
/// result from nan-free input is "invalid", an infinite one from finite
/// input "overflow" (both "encountered in reduce").
pub fn reduction_flag_warnings(input: &crate::value::NdArray, result: &ArrayData) {
    let ArrayData::Float(r) = result else { return };
    reduction_warnings(input, r.iter().any(|x| x.is_nan()), r.iter().any(|x| x.is_infinite()));
}

/// [`reduction_flag_warnings`] given whether some result value was nan or
/// infinite.
pub fn reduction_warnings(input: &crate::value::NdArray, any_nan_out: bool, any_inf_out: bool) {
    use crate::interp::warnings::warn_runtime;
    if input.size() == 0 || (!any_nan_out && !any_inf_out) {
        return;
    }
    let (nan_in, inf_in) = input.with_view(|v| {
        let f = as_f64(&v);
        (f.iter().any(|x| x.is_nan()), f.iter().any(|x| x.is_infinite()))
    });
    if any_inf_out && !inf_in && !nan_in {
        warn_runtime("overflow encountered in reduce");
    }
    if any_nan_out && !nan_in {
        warn_runtime("invalid value encountered in reduce");
    }
}

pub fn variance_warnings(a: ArrayD<f64>, axes: &[usize], count: usize, ddof: f64, result: &ArrayD<f64>) {
    let scalar_result = result.ndim() == 0;
    use crate::interp::warnings::warn_at;
    if (count as f64) - ddof <= 0.0 {
        warn_at("RuntimeWarning", "Degrees of freedom <= 0 for slice", "var-dof");
    }
    if count == 0 {
        warn_at("RuntimeWarning", "invalid value encountered in divide", "var-mean");
    } else {
        let l = lanes(&a.view(), axes);
        let bad_sub = l.iter().any(|lane| {
            let mean = sum_lane_f64(lane, l.block) / lane.len() as f64;
            lane.iter().any(|&x| !x.is_nan() && !mean.is_nan() && (x - mean).is_nan())
        });
        if bad_sub {
            warn_at("RuntimeWarning", "invalid value encountered in subtract", "var-sub");
        }
    }
    if (count as f64) - ddof <= 0.0 {
        let prefix = if scalar_result { "scalar " } else { "" };
        if result.iter().any(|x| x.is_infinite()) {
            warn_at("RuntimeWarning", format!("divide by zero encountered in {prefix}divide"), "var-result");
        }
        if result.iter().any(|x| x.is_nan()) {
            warn_at("RuntimeWarning", format!("invalid value encountered in {prefix}divide"), "var-result");
        }
    }
}

/// `np.argmax`/`np.argmin` along one axis (None = flattened).
pub fn arg_extreme(v: &AView, axis: Option<usize>, max: bool, keepdims: bool) -> PyResult<ArrayD<i64>> {
    let name = if max { "argmax" } else { "argmin" };
    let f = as_f64(v);
    let (axes, ndim) = match axis {
        Some(a) => (vec![a], v.shape().len()),
        None => ((0..v.shape().len()).collect(), v.shape().len()),
    };
    let l = lanes(&f.view(), &axes);
    if l.iter().any(|lane| lane.is_empty()) || v.shape().iter().product::<usize>() == 0 {
        return Err(PyErr::value(format!("attempt to get {name} of an empty sequence")));
    }
    // Integers compare exactly: use i64 lanes when not float.
    let vals: Vec<i64> = if v.dtype() == DType::Float64 {
        l.iter().map(|lane| arg_f64(lane, max)).collect()
    } else {
        let x = as_i64(v);
        let li = lanes(&x.view(), &axes);
        li.iter()
            .map(|lane| {
                let mut best = 0;
                for (i, &x) in lane.iter().enumerate() {
                    if (max && x > lane[best]) || (!max && x < lane[best]) {
                        best = i;
                    }
                }
                best as i64
            })
            .collect()
    };
    if axis.is_none() && !keepdims {
        return finish(Vec::new(), vals, &[], 0, false);
    }
    finish(l.out_shape, vals, &axes, ndim, keepdims)
}

fn arg_f64(lane: &[f64], max: bool) -> i64 {
    let mut best = 0;
    for (i, &x) in lane.iter().enumerate() {
        if x.is_nan() {
            return i as i64;
        }
        if (max && x > lane[best]) || (!max && x < lane[best]) {
            best = i;
        }
    }
    best as i64
}

/// `np.cumsum`/`np.cumprod` along an axis (None = flattened).
pub fn cumulative(v: &AView, axis: Option<usize>, product: bool) -> PyResult<ArrayData> {
    fn along<T: Copy>(a: ArrayD<T>, axis: usize, f: impl Fn(T, T) -> T) -> ArrayD<T> {
        let mut a = a;
        for mut lane in a.lanes_mut(ndarray::Axis(axis)) {
            let mut acc: Option<T> = None;
            for x in lane.iter_mut() {
                let nv = match acc {
                    None => *x,
                    Some(p) => f(p, *x),
                };
                *x = nv;
                acc = Some(nv);
            }
        }
        a
    }
    let (data, ax) = match axis {
        Some(a) => (v.to_owned(), a),
        None => {
            let flat = v.to_owned();
            let n: usize = v.shape().iter().product();
            let reshaped = match flat {
                ArrayData::Bool(a) => ArrayData::Bool(a.into_iter().collect::<ndarray::Array1<_>>().into_dyn()),
                ArrayData::Int(a) => ArrayData::Int(a.into_iter().collect::<ndarray::Array1<_>>().into_dyn()),
                ArrayData::Float(a) => ArrayData::Float(a.into_iter().collect::<ndarray::Array1<_>>().into_dyn()),
            };
            let _ = n;
            (reshaped, 0)
        }
    };
    Ok(match data {
        ArrayData::Float(a) => {
            ArrayData::Float(along(a, ax, if product { |p: f64, x: f64| p * x } else { |p: f64, x: f64| p + x }))
        }
        ArrayData::Int(a) => ArrayData::Int(along(
            a,
            ax,
            if product { |p: i64, x: i64| p.wrapping_mul(x) } else { |p: i64, x: i64| p.wrapping_add(x) },
        )),
        ArrayData::Bool(a) => {
            let a = a.mapv(|b| b as i64);
            ArrayData::Int(along(
                a,
                ax,
                if product { |p: i64, x: i64| p.wrapping_mul(x) } else { |p: i64, x: i64| p.wrapping_add(x) },
            ))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairwise_matches_numpy_examples() {
        assert_eq!(pairwise_sum(&[0.1; 10]), 1.0);
        assert_eq!(sum_lane_f64(&[0.1; 8], 8), 0.8);
        assert_eq!(sum_lane_f64(&[0.1; 16], 16), 1.6);
        assert_eq!(sum_lane_f64(&[0.1; 100], 100), 9.999999999999998);
        assert_eq!(sum_lane_f64(&[0.1; 3], 3), 0.30000000000000004);
    }
}
