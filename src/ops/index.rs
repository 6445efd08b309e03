//! Array indexing, read and write: basic indexing (integers, slices,
//! `None`, `...`) gives views; integer-array and boolean-mask indexing
//! gives copies, following NumPy's placement rule for the new dimensions.

use ndarray::{Dimension, IxDyn, Slice};

use crate::interp::error::{PyErr, PyResult};
use crate::ops::broadcast::{broadcast_error_message, broadcast_shapes};
use crate::ops::ufunc::{wrap_result, Operand};
use crate::value::alloc::check_alloc;
use crate::value::convert::{array_from_value, to_operand};
use crate::value::{AView, AViewMut, ArrayData, NdArray, Scalar, Value, ViewOp};

const INDEX_TYPES: &str = "only integers, slices (`:`), ellipsis (`...`), numpy.newaxis (`None`) and integer or boolean arrays are valid indices";

/// One parsed index entry.
enum Item {
    Int(i64),
    Slice(Option<i64>, Option<i64>, Option<i64>),
    NewAxis,
    Ellipsis,
    /// Integer index array (booleans already turned into positions).
    IntArray(ndarray::ArrayD<i64>),
    /// Boolean mask, kept until its axes are known.
    Mask(ndarray::ArrayD<bool>),
    /// `a[True]` / `a[False]`: a new axis of length 1 or 0.
    BoolScalar(bool),
}

fn parse_items(idx: &Value) -> PyResult<Vec<Item>> {
    match idx {
        Value::Tuple(items) => items.iter().map(parse_item).collect(),
        other => Ok(vec![parse_item(other)?]),
    }
}

fn parse_item(v: &Value) -> PyResult<Item> {
    Ok(match v {
        Value::Int(i) => Item::Int(i64::try_from(*i).map_err(|_| PyErr::index(INDEX_TYPES))?),
        Value::Scalar(Scalar::Int(i)) => Item::Int(*i),
        Value::Bool(b) | Value::Scalar(Scalar::Bool(b)) => Item::BoolScalar(*b),
        Value::Slice(s) => Item::Slice(s.start, s.stop, s.step),
        Value::None => Item::NewAxis,
        Value::Ellipsis => Item::Ellipsis,
        Value::Array(_) | Value::List(_) | Value::Tuple(_) => {
            let data = match v {
                Value::Array(a) => a.to_data(),
                _ => array_from_value(v, None)?,
            };
            match data {
                ArrayData::Bool(m) if m.ndim() == 0 => Item::BoolScalar(m.iter().any(|&b| b)),
                ArrayData::Bool(m) => Item::Mask(m),
                ArrayData::Int(a) => Item::IntArray(a),
                ArrayData::Float(a) if a.is_empty() => Item::IntArray(a.mapv(|x| x as i64)),
                ArrayData::Float(_) if matches!(v, Value::Array(_)) => {
                    return Err(PyErr::index("arrays used as indices must be of integer (or boolean) type"))
                }
                ArrayData::Float(_) => return Err(PyErr::index(INDEX_TYPES)),
            }
        }
        _ => return Err(PyErr::index(INDEX_TYPES)),
    })
}

/// Python's `slice.indices(n)`: normalised (start, step, count).
pub fn slice_indices(
    start: Option<i64>,
    stop: Option<i64>,
    step: Option<i64>,
    n: usize,
) -> PyResult<(i64, i64, usize)> {
    let (start, stop, step) = slice_bounds(start, stop, step, n)?;
    let count = if step > 0 {
        if stop > start {
            ((stop - start - 1) / step + 1) as usize
        } else {
            0
        }
    } else if start > stop {
        ((start - stop - 1) / (-step) + 1) as usize
    } else {
        0
    };
    Ok((start, step, count))
}

/// Python's `slice.indices(n)` itself: (start, stop, step), clamped to a
/// sequence of `n` items.
pub fn slice_bounds(start: Option<i64>, stop: Option<i64>, step: Option<i64>, n: usize) -> PyResult<(i64, i64, i64)> {
    let n = n as i64;
    let step = step.unwrap_or(1);
    if step == 0 {
        return Err(PyErr::value("slice step cannot be zero"));
    }
    let clamp = |v: Option<i64>, default: i64, lo: i64, hi: i64| -> i64 {
        match v {
            None => default,
            Some(v) if v < 0 => (v.saturating_add(n)).max(lo),
            Some(v) => v.min(hi),
        }
    };
    let (start, stop) = if step > 0 {
        (clamp(start, 0, 0, n), clamp(stop, n, 0, n))
    } else {
        (clamp(start, n - 1, -1, n - 1), clamp(stop, -1, -1, n - 1))
    };
    Ok((start, stop, step))
}

/// The ndarray slice selecting the same elements as a Python slice.
fn to_nd_slice(start: i64, step: i64, count: usize) -> Slice {
    if count == 0 {
        return Slice::new(0, Some(0), 1);
    }
    let last = start + (count as i64 - 1) * step;
    if step > 0 {
        Slice::new(start as isize, Some(last as isize + 1), step as isize)
    } else {
        Slice::new(last as isize, Some(start as isize + 1), step as isize)
    }
}

fn normalize_int(i: i64, axis: usize, size: usize) -> PyResult<usize> {
    let n = size as i64;
    let j = if i < 0 { i + n } else { i };
    if j < 0 || j >= n {
        return Err(PyErr::index(format!("index {i} is out of bounds for axis {axis} with size {size}")));
    }
    Ok(j as usize)
}

/// Expand `...` and masks; check the number of indexed axes.
fn expand(items: Vec<Item>, ndim: usize) -> PyResult<Vec<Item>> {
    let consumed: usize = items
        .iter()
        .map(|it| match it {
            Item::NewAxis | Item::Ellipsis | Item::BoolScalar(_) => 0,
            Item::Mask(m) => m.ndim(),
            _ => 1,
        })
        .sum();
    if consumed > ndim {
        return Err(PyErr::index(format!(
            "too many indices for array: array is {ndim}-dimensional, but {consumed} were indexed"
        )));
    }
    if items.iter().filter(|i| matches!(i, Item::Ellipsis)).count() > 1 {
        return Err(PyErr::index("an index can only have a single ellipsis ('...')"));
    }
    let mut out = Vec::new();
    for it in items {
        if let Item::Ellipsis = it {
            for _ in 0..ndim - consumed {
                out.push(Item::Slice(None, None, None));
            }
        } else {
            out.push(it);
        }
    }
    Ok(out)
}

fn has_ellipsis(items: &[Item]) -> bool {
    items.iter().any(|i| matches!(i, Item::Ellipsis))
}

fn is_advanced(items: &[Item]) -> bool {
    items.iter().any(|i| matches!(i, Item::IntArray(_) | Item::Mask(_)))
}

/// Build the view for basic indexing.
fn basic_view(a: &NdArray, items: &[Item]) -> PyResult<NdArray> {
    let shape = a.shape();
    let mut view = a.clone();
    let mut cur = 0usize; // axis in the view being built
    let mut orig = 0usize; // axis in the original array
    for it in items {
        match it {
            Item::Int(i) => {
                let j = normalize_int(*i, orig, shape[orig])?;
                view = view.derive(ViewOp::Index { axis: cur, index: j });
                orig += 1;
            }
            Item::Slice(s, e, st) => {
                let (start, step, count) = slice_indices(*s, *e, *st, shape[orig])?;
                let full = start == 0 && step == 1 && count == shape[orig];
                if !full {
                    view = view.derive(ViewOp::Slice { axis: cur, slice: to_nd_slice(start, step, count) });
                }
                cur += 1;
                orig += 1;
            }
            Item::NewAxis => {
                view = view.derive(ViewOp::NewAxis { axis: cur });
                cur += 1;
            }
            Item::BoolScalar(b) => {
                view = view.derive(ViewOp::NewAxis { axis: cur });
                if !b {
                    view = view.derive(ViewOp::Slice { axis: cur, slice: Slice::new(0, Some(0), 1) });
                }
                cur += 1;
            }
            _ => {}
        }
    }
    Ok(view)
}

/// Read `a[idx]`.
pub fn get(a: &NdArray, idx: &Value) -> PyResult<Value> {
    let items = parse_items(idx)?;
    let ellipsis = has_ellipsis(&items);
    let ndim = a.ndim();
    let items = expand(items, ndim)?;
    if !is_advanced(&items) {
        let all_ints = items.iter().filter(|i| matches!(i, Item::Int(_))).count() == ndim
            && !items.iter().any(|i| matches!(i, Item::NewAxis | Item::BoolScalar(_)));
        if all_ints && !ellipsis {
            if let Some(v) = element(a, &items) {
                return Ok(v);
            }
        }
        let view = basic_view(a, &items)?;
        if all_ints && !ellipsis {
            return Ok(wrap_result(view.to_data()));
        }
        return Ok(Value::Array(view));
    }
    let plan = AdvancedPlan::new(a, items)?;
    check_alloc(&plan.result_shape, a.dtype())?;
    let data = plan.view.with_view(|v| plan.gather(&v))?;
    Ok(Value::Array(NdArray::new(data)))
}

/// `a[i, j]` with an in-range integer for every axis: the element, read in
/// place. Going through views (one per axis) and a 0-d copy made five
/// allocations for `b[0, 1]`. `None` for anything else (an index out of
/// range included: the general path raises NumPy's error).
fn element(a: &NdArray, items: &[Item]) -> Option<Value> {
    a.with_view(|v| {
        let shape = v.shape();
        let mut at = smallvec::SmallVec::<[usize; 4]>::with_capacity(shape.len());
        for (item, &len) in items.iter().zip(shape) {
            let Item::Int(i) = *item else { return None };
            let i = if i < 0 { i.checked_add(i64::try_from(len).ok()?)? } else { i };
            at.push(usize::try_from(i).ok().filter(|&i| i < len)?);
        }
        if at.len() != shape.len() || items.len() != shape.len() {
            return None;
        }
        Some(Value::Scalar(match v {
            AView::Bool(x) => Scalar::Bool(*x.get(&at[..])?),
            AView::Int(x) => Scalar::Int(*x.get(&at[..])?),
            AView::Float(x) => Scalar::Float(*x.get(&at[..])?),
        }))
    })
}

/// Write `a[idx] = value`.
pub fn set(a: &NdArray, idx: &Value, value: &Value) -> PyResult<()> {
    check_writeable(a)?;
    let items = parse_items(idx)?;
    let items = expand(items, a.ndim())?;
    let src = to_operand(value)?;
    if !is_advanced(&items) {
        let view = basic_view(a, &items)?;
        return assign_into(&view, &src);
    }
    let plan = AdvancedPlan::new(a, items)?;
    check_alloc(&plan.result_shape, a.dtype())?;
    let values = broadcast_values(&src, &plan.result_shape, a.dtype())?;
    plan.view.with_view_mut(|v| plan.scatter(v, &values))
}

fn check_writeable(a: &NdArray) -> PyResult<()> {
    if a.is_readonly() {
        return Err(PyErr::value("assignment destination is read-only"));
    }
    Ok(())
}

/// `view[...] = src` with broadcasting and casting to the view's dtype.
pub fn assign_into(view: &NdArray, src: &Operand) -> PyResult<()> {
    check_writeable(view)?;
    let shape = view.shape();
    let values = broadcast_values(src, &shape, view.dtype())?;
    view.with_view_mut(|v| {
        match (v, values) {
            (AViewMut::Bool(mut t), ArrayData::Bool(s)) => t.assign(&s),
            (AViewMut::Int(mut t), ArrayData::Int(s)) => t.assign(&s),
            (AViewMut::Float(mut t), ArrayData::Float(s)) => t.assign(&s),
            _ => {}
        }
        Ok(())
    })
}

/// The source values broadcast to `shape` and cast to `dtype`.
fn broadcast_values(src: &Operand, shape: &[usize], dtype: crate::value::DType) -> PyResult<ArrayData> {
    let sshape = src.shape();
    let ok = broadcast_shapes(&[&sshape, shape]).is_some_and(|b| b == shape);
    if !ok {
        return Err(PyErr::value(format!(
            "could not broadcast input array from shape {} into shape {}",
            crate::ops::broadcast::compact_shape(&sshape),
            crate::ops::broadcast::compact_shape(shape)
        )));
    }
    if src.weak && src.big_int.is_some() && dtype == crate::value::DType::Int64 {
        return Err(PyErr::new(
            crate::interp::error::ExcType::OverflowError,
            "Python int too large to convert to C long",
        ));
    }
    src.with_view(|v| {
        let cast = crate::ops::cast::cast_data(&v, dtype);
        let dim = IxDyn(shape);
        let err = || PyErr::value(broadcast_error_message(&[&sshape, shape]));
        Ok(match cast {
            ArrayData::Bool(c) => ArrayData::Bool(c.broadcast(dim).ok_or_else(err)?.to_owned()),
            ArrayData::Int(c) => ArrayData::Int(c.broadcast(dim).ok_or_else(err)?.to_owned()),
            ArrayData::Float(c) => ArrayData::Float(c.broadcast(dim).ok_or_else(err)?.to_owned()),
        })
    })
}

/// Advanced indexing: the basic part as a view, then a gather/scatter map.
struct AdvancedPlan {
    view: NdArray,
    /// For each view axis: Some(k) if it is indexed by advanced index k.
    adv_axes: Vec<usize>,
    /// Broadcast advanced index arrays (one per advanced axis).
    index_arrays: Vec<ndarray::ArrayD<i64>>,
    broadcast: Vec<usize>,
    result_shape: Vec<usize>,
    /// Where the broadcast dims go in the result (first advanced axis, or 0).
    insert_at: usize,
}

impl AdvancedPlan {
    fn new(a: &NdArray, items: Vec<Item>) -> PyResult<AdvancedPlan> {
        let shape = a.shape();
        // Split masks into one integer array per masked axis.
        let mut split: Vec<(Item, Option<usize>)> = Vec::new(); // item, original axis
        let mut orig = 0usize;
        for it in items {
            match it {
                Item::Mask(m) => {
                    let mshape = m.shape().to_vec();
                    for (k, &n) in mshape.iter().enumerate() {
                        if shape.get(orig + k) != Some(&n) {
                            return Err(PyErr::index(format!(
                                "boolean index did not match indexed array along axis {}; size of axis is {} but size of corresponding boolean axis is {}",
                                orig + k,
                                shape.get(orig + k).copied().unwrap_or(0),
                                n
                            )));
                        }
                    }
                    let positions: Vec<Vec<usize>> =
                        m.indexed_iter().filter(|(_, &b)| b).map(|(ix, _)| ix.slice().to_vec()).collect();
                    for k in 0..mshape.len() {
                        let col: Vec<i64> = positions.iter().map(|p| p[k] as i64).collect();
                        let arr = ndarray::ArrayD::from_shape_vec(IxDyn(&[col.len()]), col)
                            .map_err(|_| PyErr::index("bad mask"))?;
                        split.push((Item::IntArray(arr), Some(orig + k)));
                    }
                    orig += mshape.len();
                }
                Item::NewAxis | Item::BoolScalar(_) => split.push((Item::NewAxis, None)),
                other => {
                    split.push((other, Some(orig)));
                    orig += 1;
                }
            }
        }
        // Basic view: ints stay advanced (broadcast scalars), slices applied, newaxis inserted.
        let mut view = a.clone();
        let mut cur = 0usize;
        let mut adv_axes = Vec::new();
        let mut arrays = Vec::new();
        for (it, o) in split {
            match it {
                Item::Int(i) => {
                    let o = o.unwrap_or(0);
                    arrays.push(crate::ops::cast::zero_d(normalize_int(i, o, shape[o])? as i64));
                    adv_axes.push(cur);
                    cur += 1;
                }
                Item::IntArray(arr) => {
                    let o = o.unwrap_or(0);
                    let n = shape[o];
                    let mut fixed = arr;
                    for x in fixed.iter_mut() {
                        *x = normalize_int(*x, o, n)? as i64;
                    }
                    arrays.push(fixed);
                    adv_axes.push(cur);
                    cur += 1;
                }
                Item::Slice(s, e, st) => {
                    let o = o.unwrap_or(0);
                    let (start, step, count) = slice_indices(s, e, st, shape[o])?;
                    view = view.derive(ViewOp::Slice { axis: cur, slice: to_nd_slice(start, step, count) });
                    cur += 1;
                }
                Item::NewAxis => {
                    view = view.derive(ViewOp::NewAxis { axis: cur });
                    cur += 1;
                }
                Item::Ellipsis | Item::Mask(_) | Item::BoolScalar(_) => {}
            }
        }
        let shapes: Vec<&[usize]> = arrays.iter().map(|a| a.shape()).collect();
        let broadcast = broadcast_shapes(&shapes).ok_or_else(|| {
            PyErr::index(format!(
                "shape mismatch: indexing arrays could not be broadcast together with shapes {}",
                shapes.iter().map(|s| crate::ops::broadcast::compact_shape(s)).collect::<Vec<_>>().join(" ")
            ))
        })?;
        let index_arrays = arrays
            .iter()
            .map(|a| a.broadcast(IxDyn(&broadcast)).map(|b| b.to_owned()))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| PyErr::index("shape mismatch in indexing arrays"))?;
        let vshape = view.shape();
        let contiguous = adv_axes.windows(2).all(|w| w[1] == w[0] + 1);
        let insert_at = if contiguous { adv_axes.first().copied().unwrap_or(0) } else { 0 };
        let rest: Vec<usize> = (0..vshape.len()).filter(|ax| !adv_axes.contains(ax)).map(|ax| vshape[ax]).collect();
        let mut result_shape = rest.clone();
        let before = if contiguous { (0..insert_at).filter(|ax| !adv_axes.contains(ax)).count() } else { 0 };
        for (k, &d) in broadcast.iter().enumerate() {
            result_shape.insert(before + k, d);
        }
        Ok(AdvancedPlan { view, adv_axes, index_arrays, broadcast, result_shape, insert_at: before })
    }

    /// For each result position (C order), the source index in the view.
    fn source_indices(&self) -> Vec<Vec<usize>> {
        let nb = self.broadcast.len();
        let vndim = self.adv_axes.len() + self.result_shape.len() - nb;
        let mut out = Vec::new();
        let total: usize = self.result_shape.iter().product();
        let mut idx = vec![0usize; self.result_shape.len()];
        for _ in 0..total {
            let bpos = &idx[self.insert_at..self.insert_at + nb];
            let rest: Vec<usize> =
                idx[..self.insert_at].iter().chain(idx[self.insert_at + nb..].iter()).copied().collect();
            let mut src = vec![0usize; vndim];
            let mut r = rest.into_iter();
            for (ax, slot) in src.iter_mut().enumerate() {
                if let Some(k) = self.adv_axes.iter().position(|&a| a == ax) {
                    *slot = self.index_arrays[k][IxDyn(bpos)] as usize;
                } else {
                    *slot = r.next().unwrap_or(0);
                }
            }
            out.push(src);
            // advance idx in C order
            for d in (0..idx.len()).rev() {
                idx[d] += 1;
                if idx[d] < self.result_shape[d] {
                    break;
                }
                idx[d] = 0;
            }
        }
        out
    }

    fn gather(&self, v: &AView) -> PyResult<ArrayData> {
        let src = self.source_indices();
        let dim = IxDyn(&self.result_shape);
        let bad = |_| PyErr::index("index out of range");
        macro_rules! take {
            ($a:expr, $variant:ident) => {{
                let vals: Option<Vec<_>> = src.iter().map(|s| $a.get(IxDyn(s)).copied()).collect();
                let vals = vals.ok_or_else(|| PyErr::index("index out of range"))?;
                ArrayData::$variant(ndarray::ArrayD::from_shape_vec(dim, vals).map_err(bad)?)
            }};
        }
        Ok(match v {
            AView::Bool(a) => take!(a, Bool),
            AView::Int(a) => take!(a, Int),
            AView::Float(a) => take!(a, Float),
        })
    }

    fn scatter(&self, v: AViewMut, values: &ArrayData) -> PyResult<()> {
        let src = self.source_indices();
        macro_rules! put {
            ($a:expr, $vals:expr) => {{
                for (s, x) in src.iter().zip($vals.iter()) {
                    if let Some(slot) = $a.get_mut(IxDyn(s)) {
                        *slot = *x;
                    }
                }
            }};
        }
        match (v, values) {
            (AViewMut::Bool(mut a), ArrayData::Bool(x)) => put!(a, x),
            (AViewMut::Int(mut a), ArrayData::Int(x)) => put!(a, x),
            (AViewMut::Float(mut a), ArrayData::Float(x)) => put!(a, x),
            _ => {}
        }
        Ok(())
    }
}
