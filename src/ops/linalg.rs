//! `np.dot`, `np.matmul`/`@` and friends with NumPy's N-d shape rules and
//! exact error texts (NUMPY-FACTS §6–§7).

use ndarray::{s, ArrayD, ArrayView2, ArrayViewD, ArrayViewMut2, Axis, CowArray, Ix2, IxDyn};

use crate::interp::error::{ExcType, PyErr, PyResult};
use crate::ops::broadcast::{broadcast_shapes, compact_shape};
use crate::ops::cast::{as_bool, as_f64, as_i64};
use crate::ops::ufunc::{wrap_result, Ufunc2};
use crate::ops::{parallel, simd};
use crate::value::alloc::check_alloc;
use crate::value::convert::{as_array, to_operand};
use crate::value::{AView, ArrayData, DType, Value};

/// Element types matrix products are computed in.
trait Dot: Copy + Default + 'static {
    fn mul_add(acc: Self, a: Self, b: Self) -> Self;
}
impl Dot for f64 {
    fn mul_add(acc: f64, a: f64, b: f64) -> f64 {
        acc + a * b
    }
}
impl Dot for i64 {
    fn mul_add(acc: i64, a: i64, b: i64) -> i64 {
        acc.wrapping_add(a.wrapping_mul(b))
    }
}
impl Dot for bool {
    fn mul_add(acc: bool, a: bool, b: bool) -> bool {
        acc || (a && b)
    }
}

/// (m,k)·(k,n) into `out` (m,n) by the textbook triple loop, for any
/// element type (bool products, and the reference in tests).
fn naive_matmul_into<T: Dot>(a: ArrayView2<T>, b: ArrayView2<T>, mut out: ArrayViewMut2<T>) {
    let ((m, k), n) = (a.dim(), b.dim().1);
    for i in 0..m {
        // Ctrl-C: stop early; the caller raises KeyboardInterrupt.
        if crate::interp::interrupt::pending() {
            break;
        }
        for j in 0..n {
            let mut acc = T::default();
            for p in 0..k {
                acc = T::mul_add(acc, a[[i, p]], b[[p, j]]);
            }
            out[[i, j]] = acc;
        }
    }
}

/// (m,k)·(k,n) for 2-D views, allocating the result.
#[cfg(test)]
fn matmul2<T: Dot>(a: &ArrayViewD<T>, b: &ArrayViewD<T>) -> ArrayD<T> {
    let (m, n) = (a.shape()[0], b.shape()[1]);
    let mut out = ArrayD::from_elem(IxDyn(&[m, n]), T::default());
    if let (Ok(a2), Ok(b2), Ok(o2)) = (
        a.view().into_dimensionality::<Ix2>(),
        b.view().into_dimensionality::<Ix2>(),
        out.view_mut().into_dimensionality::<Ix2>(),
    ) {
        naive_matmul_into(a2, b2, o2);
    }
    out
}

/// float64 (m,k)·(k,n) into `out` (m,n) through the `gemm` crate (its
/// run-time AVX-512/AVX2 kernels; two threads for large products), or a
/// fused multiply-add dot product when the result is a single value.
fn f64_matmul_into(a: ArrayView2<f64>, b: ArrayView2<f64>, mut out: ArrayViewMut2<f64>) {
    let (m, k) = a.dim();
    let n = b.dim().1;
    if m == 0 || n == 0 {
        return;
    }
    if k == 0 {
        out.fill(0.0);
        return;
    }
    if m == 1 && n == 1 {
        let (x, y) = (a.row(0), b.column(0));
        let (x, y) = (x.as_standard_layout(), y.as_standard_layout());
        out[[0, 0]] = match (x.as_slice(), y.as_slice()) {
            (Some(x), Some(y)) => simd::dot(simd::level(), x, y),
            _ => 0.0,
        };
        return;
    }
    let flops = m.saturating_mul(n).saturating_mul(k);
    if flops <= SMALL_MATMUL_FLOPS && m > 1 && n > 1 {
        // Each element one fused multiply-add chain in k order, from zero.
        // On 600 random products up to 8x8x8 this agrees with NumPy's
        // OpenBLAS on every k = 2 product (`gemm`: 2 of 62) and as often as
        // `gemm` otherwise. Matrix-vector shapes (m or n = 1: gemv in NumPy)
        // keep the `gemm` crate, which agrees with gemv more often.
        for ((i, j), o) in out.indexed_iter_mut() {
            let (row, col) = (a.row(i), b.column(j));
            *o = row.iter().zip(col.iter()).fold(0.0, |acc, (&x, &y)| x.mul_add(y, acc));
        }
        return;
    }
    let threads = if flops >= 1 << 21 { parallel::threads() } else { 1 };
    let (a, b) = if a.strides().iter().chain(b.strides()).any(|&s| s < 0) {
        (CowArray::from(a.as_standard_layout().to_owned()), CowArray::from(b.as_standard_layout().to_owned()))
    } else {
        (CowArray::from(a), CowArray::from(b))
    };
    // Large products run in panels of rows, each about GEMM_PANEL_FLOPS, so
    // that Ctrl-C is noticed between panels (each element's sum is the same
    // whichever panel computes it).
    let rows = (GEMM_PANEL_FLOPS / n.saturating_mul(k).max(1)).max(64).min(m);
    for start in (0..m).step_by(rows) {
        if crate::interp::interrupt::pending() {
            break;
        }
        let end = (start + rows).min(m);
        simd::gemm_f64(a.slice(s![start..end, ..]), b.view(), out.slice_mut(s![start..end, ..]), threads);
    }
}

/// Matrix products up to this many multiply-adds skip `gemm` (whose set-up
/// costs about a microsecond).
const SMALL_MATMUL_FLOPS: usize = 512;

/// Multiply-adds per interruptible panel of a float64 matrix product (about
/// a quarter of a second on one core).
const GEMM_PANEL_FLOPS: usize = 1 << 33;

/// int64 (m,k)·(k,n) into `out` (zeroed, C-contiguous): i-k-j order so the
/// inner loop runs along contiguous rows of `b` and `out` (wrapping, exact).
fn i64_matmul_into(a: ArrayView2<i64>, b: ArrayView2<i64>, mut out: ArrayViewMut2<i64>) {
    let b = b.as_standard_layout();
    let n = b.dim().1;
    let (Some(bs), Some(os)) = (b.as_slice(), out.as_slice_mut()) else {
        return;
    };
    if n == 0 {
        return;
    }
    for (i, orow) in os.chunks_mut(n).enumerate() {
        for (p, brow) in bs.chunks(n).enumerate() {
            let x = a[[i, p]];
            if x == 0 {
                continue;
            }
            for (o, &y) in orow.iter_mut().zip(brow) {
                *o = o.wrapping_add(x.wrapping_mul(y));
            }
        }
    }
}

/// Stacked float64/int64 products: a (..., m, k), b (..., k, n) broadcast
/// to the batch shape; each product is written in place into the result.
fn batched_into<T: Dot>(
    a: &ArrayViewD<T>,
    b: &ArrayViewD<T>,
    batch: &[usize],
    mm: fn(ArrayView2<T>, ArrayView2<T>, ArrayViewMut2<T>),
) -> ArrayD<T> {
    let (m, n) = (a.shape()[a.ndim() - 2], b.shape()[b.ndim() - 1]);
    let mut shape = batch.to_vec();
    shape.extend([m, n]);
    let mut out = ArrayD::from_elem(IxDyn(&shape), T::default());
    let total: usize = batch.iter().product();
    let mut idx = vec![0usize; batch.len()];
    for _ in 0..total {
        // Ctrl-C: stop early; the caller raises KeyboardInterrupt.
        if crate::interp::interrupt::pending() {
            break;
        }
        let mut sa = a.view();
        let mut sb = b.view();
        let mut so = out.view_mut();
        for &i in &idx {
            sa = sa.index_axis_move(ndarray::Axis(0), i);
            sb = sb.index_axis_move(ndarray::Axis(0), i);
            so = so.index_axis_move(ndarray::Axis(0), i);
        }
        if let (Ok(a2), Ok(b2), Ok(o2)) =
            (sa.into_dimensionality::<Ix2>(), sb.into_dimensionality::<Ix2>(), so.into_dimensionality::<Ix2>())
        {
            mm(a2, b2, o2);
        }
        for d in (0..idx.len()).rev() {
            idx[d] += 1;
            if idx[d] < batch[d] {
                break;
            }
            idx[d] = 0;
        }
    }
    out
}

fn matmul_error(operand: usize, core: usize, size: usize, from: usize) -> PyErr {
    let _ = core;
    PyErr::value(format!(
        "matmul: Input operand {operand} has a mismatch in its core dimension 0, with gufunc signature (n?,k),(k,m?)->(n?,m?) (size {size} is different from {from})"
    ))
}

/// `np.matmul(a, b)` / `a @ b`.
pub fn matmul_values(l: &Value, r: &Value) -> PyResult<Value> {
    if let Some(product) = matmul_2d_f64(l, r) {
        return product;
    }
    let (a, b) = (to_operand(l)?, to_operand(r)?);
    let (sa, sb) = (a.shape(), b.shape());
    for (i, s) in [&sa, &sb].iter().enumerate() {
        if s.is_empty() {
            return Err(PyErr::value(format!(
                "matmul: Input operand {i} does not have enough dimensions (has 0, gufunc core with signature (n?,k),(k,m?)->(n?,m?) requires 1)"
            )));
        }
    }
    let dt = a.dtype().max(b.dtype());
    // Promote 1-D operands: a row for the first, a column for the second.
    let a_shape: Vec<usize> = if sa.len() == 1 { vec![1, sa[0]] } else { sa.clone() };
    let b_shape: Vec<usize> = if sb.len() == 1 { vec![sb[0], 1] } else { sb.clone() };
    let k_a = a_shape[a_shape.len() - 1];
    let k_b = b_shape[b_shape.len() - 2];
    if k_a != k_b {
        return Err(matmul_error(1, 0, k_b, k_a));
    }
    let ba = &a_shape[..a_shape.len() - 2];
    let bb = &b_shape[..b_shape.len() - 2];
    let batch = broadcast_shapes(&[ba, bb]).ok_or_else(|| {
        let remap = |s: &[usize], core: &[usize]| {
            format!("{}->{}", compact_shape(s), {
                let mut r: Vec<String> = s[..s.len() - core.len()].iter().map(|n| n.to_string()).collect();
                r.extend(core.iter().map(|_| "newaxis".to_string()));
                format!("({})", r.join(","))
            })
        };
        PyErr::value(format!(
            "operands could not be broadcast together with remapped shapes [original->remapped]: {} {}  and requested shape ({},{})",
            remap(&sa, &sa[sa.len().saturating_sub(2)..]),
            remap(&sb, &sb[sb.len().saturating_sub(2)..]),
            a_shape[a_shape.len() - 2],
            b_shape[b_shape.len() - 1]
        ))
    })?;
    let (m, n) = (a_shape[a_shape.len() - 2], b_shape[b_shape.len() - 1]);
    let mut out_shape = batch.clone();
    out_shape.extend([m, n]);
    check_alloc(&out_shape, dt)?;
    let mut full_a = batch.clone();
    full_a.extend([m, k_a]);
    let mut full_b = batch.clone();
    full_b.extend([k_b, n]);
    let result = a.with_view(|va| {
        b.with_view(|vb| -> PyResult<ArrayData> {
            // No copies: 1-D operands become views of
            // shape (1, k) / (k, 1), products go straight into the result.
            macro_rules! direct {
                ($conv:ident, $variant:ident, $mm:expr) => {{
                    let (x, y) = ($conv(&va), $conv(&vb));
                    let x = if sa.len() == 1 { x.view().insert_axis(Axis(0)) } else { x.view() };
                    let y = if sb.len() == 1 { y.view().insert_axis(Axis(1)) } else { y.view() };
                    let xb = x.broadcast(IxDyn(&full_a)).ok_or_else(|| internal("broadcast"))?;
                    let yb = y.broadcast(IxDyn(&full_b)).ok_or_else(|| internal("broadcast"))?;
                    ArrayData::$variant(batched_into(&xb, &yb, &batch, $mm))
                }};
            }
            Ok(match dt {
                DType::Float64 => direct!(as_f64, Float, f64_matmul_into),
                DType::Int64 => direct!(as_i64, Int, i64_matmul_into),
                DType::Bool => direct!(as_bool, Bool, naive_matmul_into),
            })
        })
    })?;
    crate::interp::interrupt::check()?;
    // Remove the dimensions added for 1-D operands.
    let mut final_shape = batch;
    if sa.len() > 1 {
        final_shape.push(m);
    }
    if sb.len() > 1 {
        final_shape.push(n);
    }
    Ok(wrap_result(reshape_data(result, &final_shape)?))
}

fn internal<E: std::fmt::Debug>(e: E) -> PyErr {
    PyErr::new(ExcType::InternalError, format!("{e:?}"))
}

/// Reshape owned data (sizes already checked). Data already in C order
/// (every fresh product) is reshaped in place, not copied.
pub fn reshape_data(d: ArrayData, shape: &[usize]) -> PyResult<ArrayData> {
    fn c_order<T: Clone>(a: ArrayD<T>, shape: &[usize]) -> PyResult<ArrayD<T>> {
        let a = if a.is_standard_layout() { a } else { a.as_standard_layout().into_owned() };
        if a.shape() == shape {
            return Ok(a);
        }
        a.into_shape_with_order(IxDyn(shape)).map_err(internal)
    }
    Ok(match d {
        ArrayData::Bool(a) => ArrayData::Bool(c_order(a, shape)?),
        ArrayData::Int(a) => ArrayData::Int(c_order(a, shape)?),
        ArrayData::Float(a) => ArrayData::Float(c_order(a, shape)?),
    })
}

/// The product of two 2-D float64 arrays (most products in a lesson),
/// straight into the product kernel, without the general path's shape
/// bookkeeping (a dozen small vectors and two broadcasts): the same kernel,
/// so the same bits. None for anything else, including inner dimensions
/// that differ (the general paths word those errors).
fn matmul_2d_f64(l: &Value, r: &Value) -> Option<PyResult<Value>> {
    let (Value::Array(x), Value::Array(y)) = (l, r) else { return None };
    if x.dtype() != DType::Float64 || y.dtype() != DType::Float64 || x.ndim() != 2 || y.ndim() != 2 {
        return None;
    }
    let product = x.with_view(|va| {
        y.with_view(|vb| {
            let (AView::Float(p), AView::Float(q)) = (va, vb) else { return None };
            let (p, q) = (p.into_dimensionality::<Ix2>().ok()?, q.into_dimensionality::<Ix2>().ok()?);
            let ((m, k), (k_b, n)) = (p.dim(), q.dim());
            if k != k_b {
                return None;
            }
            if let Err(e) = check_alloc(&[m, n], DType::Float64) {
                return Some(Err(e));
            }
            let mut out = ndarray::Array2::<f64>::zeros((m, n));
            f64_matmul_into(p, q, out.view_mut());
            Some(Ok(out))
        })
    })?;
    Some(product.and_then(|out| {
        crate::interp::interrupt::check()?;
        Ok(wrap_result(ArrayData::Float(out.into_dyn())))
    }))
}

/// `np.dot(a, b)`.
pub fn dot_values(l: &Value, r: &Value) -> PyResult<Value> {
    if let Some(product) = matmul_2d_f64(l, r) {
        return product;
    }
    let (a, b) = (to_operand(l)?, to_operand(r)?);
    let (sa, sb) = (a.shape(), b.shape());
    if sa.is_empty() || sb.is_empty() {
        return crate::interp::pyops::numpy_binary(Ufunc2::Multiply, l, r, false);
    }
    let k_a = sa[sa.len() - 1];
    let (k_b, kb_index) = if sb.len() == 1 { (sb[0], 0) } else { (sb[sb.len() - 2], sb.len() - 2) };
    if k_a != k_b {
        return Err(PyErr::value(format!(
            "shapes {} and {} not aligned: {} (dim {}) != {} (dim {})",
            compact_shape(&sa),
            compact_shape(&sb),
            k_a,
            sa.len() - 1,
            k_b,
            kb_index
        )));
    }
    if sa.len() <= 2 && sb.len() <= 2 {
        return matmul_values(l, r);
    }
    // General N-d: out = a.shape[:-1] + b.shape[:-2] + b.shape[-1:].
    let a_arr = as_array(l)?;
    let b_arr = as_array(r)?;
    let dt = a.dtype().max(b.dtype());
    let m: usize = sa[..sa.len() - 1].iter().product();
    let mut out_shape: Vec<usize> = sa[..sa.len() - 1].to_vec();
    out_shape.extend_from_slice(&sb[..sb.len().saturating_sub(2)]);
    if sb.len() > 1 {
        out_shape.push(sb[sb.len() - 1]);
    }
    check_alloc(&out_shape, dt)?;
    let a2 = reshape_data(crate::ops::cast::cast_data(&a_arr.to_data().view(), dt), &[m, k_a])?;
    // Move b's contracted axis to the front: (k, rest...).
    let bdata = crate::ops::cast::cast_data(&b_arr.to_data().view(), dt);
    let nb = sb.len();
    let mut perm: Vec<usize> = vec![kb_index];
    perm.extend((0..nb).filter(|&i| i != kb_index));
    let rest: usize = sb.iter().enumerate().filter(|(i, _)| *i != kb_index).map(|(_, &n)| n).product();
    let b2 = match bdata {
        ArrayData::Float(x) => ArrayData::Float(x.permuted_axes(IxDyn(&perm))),
        ArrayData::Int(x) => ArrayData::Int(x.permuted_axes(IxDyn(&perm))),
        ArrayData::Bool(x) => ArrayData::Bool(x.permuted_axes(IxDyn(&perm))),
    };
    let b2 = reshape_data(b2, &[k_a, rest])?;
    let prod =
        matmul_values(&Value::Array(crate::value::NdArray::new(a2)), &Value::Array(crate::value::NdArray::new(b2)))?;
    let data = match prod {
        Value::Array(p) => p.to_data(),
        other => return Ok(other),
    };
    Ok(wrap_result(reshape_data(data, &out_shape)?))
}

/// `np.outer(a, b)`: flattened a as column times flattened b as row.
pub fn outer_values(l: &Value, r: &Value) -> PyResult<Value> {
    let a = as_array(l)?;
    let b = as_array(r)?;
    let (na, nb) = (a.size(), b.size());
    let a2 = reshape_data(a.to_data(), &[na, 1])?;
    let b2 = reshape_data(b.to_data(), &[1, nb])?;
    crate::interp::pyops::numpy_binary(
        Ufunc2::Multiply,
        &Value::Array(crate::value::NdArray::new(a2)),
        &Value::Array(crate::value::NdArray::new(b2)),
        false,
    )
}

/// The main diagonal (offset k) of the last two axes.
pub fn diagonal_data(v: &AView, offset: i64) -> PyResult<ArrayData> {
    if v.shape().len() < 2 {
        return Err(PyErr::value("diag requires an array of at least two dimensions"));
    }
    if v.shape().len() > 2 {
        return Err(PyErr::new(ExcType::NotImplementedError, "npr's diagonal supports 2-D arrays"));
    }
    let (r, c) = (v.shape()[0] as i64, v.shape()[1] as i64);
    let (r0, c0) = if offset >= 0 { (0, offset) } else { (-offset, 0) };
    let len = (r - r0).min(c - c0).max(0) as usize;
    macro_rules! diag {
        ($a:expr, $variant:ident) => {
            ArrayData::$variant(
                ndarray::Array1::from_iter((0..len).map(|i| $a[[(r0 as usize + i), (c0 as usize + i)]])).into_dyn(),
            )
        };
    }
    Ok(match v {
        AView::Bool(a) => diag!(a, Bool),
        AView::Int(a) => diag!(a, Int),
        AView::Float(a) => diag!(a, Float),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::NdArray;

    fn arr(shape: &[usize], seed: u64) -> ArrayD<f64> {
        let mut s = seed | 1;
        let n: usize = shape.iter().product();
        let v = (0..n)
            .map(|_| {
                s ^= s << 13;
                s ^= s >> 7;
                s ^= s << 17;
                (s >> 11) as f64 / (1u64 << 53) as f64 - 0.5
            })
            .collect();
        ArrayD::from_shape_vec(IxDyn(shape), v).unwrap()
    }

    fn float(v: Value) -> ArrayD<f64> {
        match v {
            Value::Array(a) => match a.to_data() {
                ArrayData::Float(x) => x,
                _ => panic!("not float"),
            },
            Value::Scalar(crate::value::Scalar::Float(f)) => ArrayD::from_elem(IxDyn(&[]), f),
            _ => panic!("not an array"),
        }
    }

    /// Two 2-D float64 arrays take the direct path; its products are the
    /// general path's (a stack of one), bit for bit, for plain and
    /// transposed operands, small and `gemm`-sized; a mismatch keeps the
    /// general path's errors.
    #[test]
    fn direct_2d_products_match_the_general_path() {
        for (m, k, n) in [(2, 3, 2), (1, 5, 1), (3, 1, 4), (64, 64, 64), (130, 70, 90)] {
            let a = Value::Array(NdArray::from_f64(arr(&[m, k], 3 + m as u64)));
            let at = NdArray::from_f64(arr(&[k, m], 5 + k as u64));
            let at = Value::Array(at.derive(crate::value::ViewOp::Permute(vec![1, 0])));
            let b = Value::Array(NdArray::from_f64(arr(&[k, n], 7 + n as u64)));
            for lhs in [&a, &at] {
                let direct = float(matmul_values(lhs, &b).unwrap());
                let lhs3 = Value::Array(NdArray::from_f64(float(lhs.clone()).insert_axis(Axis(0))));
                let general = float(matmul_values(&lhs3, &b).unwrap());
                assert_eq!(direct.shape(), &[m, n]);
                assert_eq!(direct.view().insert_axis(Axis(0)), general, "{m}x{k}x{n}");
                assert_eq!(float(dot_values(lhs, &b).unwrap()), direct);
            }
        }
        let (a, b) =
            (Value::Array(NdArray::from_f64(arr(&[2, 3], 1))), Value::Array(NdArray::from_f64(arr(&[2, 3], 2))));
        let err = matmul_values(&a, &b).unwrap_err();
        assert!(
            err.message.starts_with("matmul: Input operand 1 has a mismatch in its core dimension 0"),
            "{}",
            err.message
        );
        assert_eq!(
            dot_values(&a, &b).unwrap_err().message,
            "shapes (2,3) and (2,3) not aligned: 3 (dim 1) != 2 (dim 0)"
        );
    }

    /// Small products (m, n > 1) are exactly one FMA chain per element in k
    /// order (NumPy's OpenBLAS gives these bits with this machine's kernels),
    /// also for transposed operands.
    #[test]
    fn small_products_are_k_order_fma_chains() {
        for (m, k, n) in [(2, 2, 2), (3, 2, 4), (2, 3, 2), (8, 8, 8), (5, 1, 3)] {
            let (a, b) = (arr(&[k, m], 11 + m as u64), arr(&[k, n], 29 + n as u64));
            let at = a.t().to_owned().into_dimensionality::<Ix2>().unwrap();
            let at_view = a.view().into_dimensionality::<Ix2>().unwrap().reversed_axes();
            let b2 = b.view().into_dimensionality::<Ix2>().unwrap();
            for lhs in [at.view(), at_view] {
                let mut out = ndarray::Array2::<f64>::zeros((m, n));
                f64_matmul_into(lhs, b2, out.view_mut());
                for i in 0..m {
                    for j in 0..n {
                        let want = (0..k).fold(0.0f64, |acc, p| at[[i, p]].mul_add(b2[[p, j]], acc));
                        assert_eq!(out[[i, j]].to_bits(), want.to_bits(), "({m},{k},{n}) [{i},{j}]");
                    }
                }
            }
        }
    }

    /// gemm (and the FMA dot) agree with a naive triple loop to rounding,
    /// for 1-D, 2-D, stacked and broadcast operands and transposed views.
    #[test]
    fn float_products_match_naive() {
        let cases: &[(&[usize], &[usize])] = &[
            (&[7], &[7]),
            (&[300], &[300]),
            (&[5, 7], &[7]),
            (&[7], &[7, 3]),
            (&[65, 33], &[33, 70]),
            (&[3, 9, 17], &[17, 4]),
            (&[2, 1, 8, 5], &[3, 5, 6]),
            (&[4, 0], &[0, 3]),
        ];
        for (i, &(sa, sb)) in cases.iter().enumerate() {
            let (a, b) = (arr(sa, i as u64 + 1), arr(sb, i as u64 + 100));
            let got = float(
                matmul_values(&Value::Array(NdArray::from_f64(a.clone())), &Value::Array(NdArray::from_f64(b.clone())))
                    .unwrap(),
            );
            let (a2, b2) = (
                if sa.len() == 1 { a.clone().insert_axis(Axis(0)) } else { a.clone() },
                if sb.len() == 1 { b.clone().insert_axis(Axis(1)) } else { b.clone() },
            );
            let batch = broadcast_shapes(&[&a2.shape()[..a2.ndim() - 2], &b2.shape()[..b2.ndim() - 2]]).unwrap();
            let mut fa = batch.clone();
            fa.extend_from_slice(&a2.shape()[a2.ndim() - 2..]);
            let mut fb = batch.clone();
            fb.extend_from_slice(&b2.shape()[b2.ndim() - 2..]);
            let want = batched_into(
                &a2.broadcast(IxDyn(&fa)).unwrap(),
                &b2.broadcast(IxDyn(&fb)).unwrap(),
                &batch,
                naive_matmul_into,
            );
            let want = want.into_shape_with_order(IxDyn(got.shape())).unwrap();
            for (g, w) in got.iter().zip(want.iter()) {
                assert!((g - w).abs() <= 1e-12 * (1.0 + w.abs()), "case {i}: {g} vs {w}");
            }
        }
        // A transposed (F-order) operand and a reversed one.
        let a = arr(&[40, 30], 9);
        let at = NdArray::from_f64(a.clone()).derive(crate::value::ViewOp::Permute(vec![1, 0]));
        let b = arr(&[40, 20], 10);
        let got = float(matmul_values(&Value::Array(at), &Value::Array(NdArray::from_f64(b.clone()))).unwrap());
        let want = a.t().into_dimensionality::<Ix2>().unwrap().dot(&b.view().into_dimensionality::<Ix2>().unwrap());
        for (g, w) in got.iter().zip(want.iter()) {
            assert!((g - w).abs() <= 1e-12 * (1.0 + w.abs()));
        }
    }

    #[test]
    fn int_products_are_exact_and_wrap() {
        let a = ArrayD::from_shape_vec(IxDyn(&[2, 3]), vec![1i64, -2, 3, i64::MAX, 5, 0]).unwrap();
        let b = ArrayD::from_shape_vec(IxDyn(&[3, 2]), vec![7i64, 1, 2, -1, 0, 3]).unwrap();
        let v = matmul_values(&Value::Array(NdArray::from_i64(a.clone())), &Value::Array(NdArray::from_i64(b.clone())))
            .unwrap();
        let Value::Array(v) = v else { panic!() };
        let ArrayData::Int(got) = v.to_data() else { panic!() };
        let want = matmul2(&a.view(), &b.view());
        assert_eq!(got, want);
    }
}
