//! Conversions between Python values and arrays: `np.array(...)` inference,
//! and turning any operand into a ufunc [`Operand`].

use ndarray::{ArrayD, IxDyn};

use crate::interp::error::{ExcType, PyErr, PyResult};
use crate::ops::broadcast::shape_repr;
use crate::ops::cast::cast_data;
use crate::ops::ufunc::Operand;
use crate::value::alloc::check_alloc;
use crate::value::{AView, ArrayData, DType, NdArray, Scalar, Value};

/// A leaf element while building an array from nested sequences.
#[derive(Clone, Copy)]
enum Leaf {
    B(bool),
    I(i128),
    F(f64),
}

const MAX_DIMS: usize = 64;

fn is_sequence(v: &Value) -> bool {
    matches!(v, Value::List(_) | Value::Tuple(_) | Value::Range(..))
}

fn sequence_items(v: &Value) -> Vec<Value> {
    match v {
        Value::List(l) => l.borrow().clone(),
        Value::Tuple(t) => t.as_ref().clone(),
        Value::Range(start, stop, step) => range_items(*start, *stop, *step),
        _ => Vec::new(),
    }
}

/// The values of `range(start, stop, step)`.
pub fn range_items(start: i64, stop: i64, step: i64) -> Vec<Value> {
    range_len(start, stop, step)
        .map(|n| (0..n).map(|i| Value::Int((start + i as i64 * step) as i128)).collect())
        .unwrap_or_default()
}

/// Number of items in a range.
pub fn range_len(start: i64, stop: i64, step: i64) -> Option<usize> {
    if step == 0 {
        return None;
    }
    let span = if step > 0 { stop as i128 - start as i128 } else { start as i128 - stop as i128 };
    let step = (step as i128).abs();
    Some(if span <= 0 { 0 } else { ((span + step - 1) / step) as usize })
}

fn inhomogeneous(depth: usize, shape: &[usize]) -> PyErr {
    PyErr::value(format!(
        "setting an array element with a sequence. The requested array has an inhomogeneous shape after {depth} dimensions. The detected shape was {} + inhomogeneous part.",
        shape_repr(&shape[..depth])
    ))
}

/// Discover the shape of nested sequences (arrays count with their shape).
fn discover_shape(v: &Value) -> PyResult<Vec<usize>> {
    fn shape_of(v: &Value) -> Option<Vec<usize>> {
        match v {
            Value::Array(a) => Some(a.shape()),
            _ if is_sequence(v) => {
                let items = sequence_items(v);
                let mut shape = vec![items.len()];
                if let Some(first) = items.first() {
                    shape.extend(shape_of(first).unwrap_or_default());
                }
                Some(shape)
            }
            _ => None,
        }
    }
    let shape = shape_of(v).unwrap_or_default();
    if shape.len() > MAX_DIMS {
        return Err(PyErr::value(format!(
            "maximum supported dimension for an ndarray is currently {MAX_DIMS}, found {}",
            shape.len()
        )));
    }
    check_shape(v, &shape, 0)?;
    Ok(shape)
}

/// Verify that `v` has `shape` from `depth` on; report NumPy's error otherwise.
fn check_shape(v: &Value, shape: &[usize], depth: usize) -> PyResult<()> {
    if depth == shape.len() {
        return if is_sequence(v) || matches!(v, Value::Array(a) if a.ndim() > 0) {
            Err(inhomogeneous(depth, shape))
        } else {
            Ok(())
        };
    }
    match v {
        Value::Array(a) => {
            if a.shape()[..] == shape[depth..] {
                Ok(())
            } else {
                Err(inhomogeneous(depth, shape))
            }
        }
        _ if is_sequence(v) => {
            let items = sequence_items(v);
            if items.len() != shape[depth] {
                return Err(inhomogeneous(depth, shape));
            }
            items.iter().try_for_each(|item| check_shape(item, shape, depth + 1))
        }
        _ => Err(inhomogeneous(depth, shape)),
    }
}

fn collect_leaves(v: &Value, out: &mut Vec<Leaf>) -> PyResult<()> {
    match v {
        Value::Bool(b) => out.push(Leaf::B(*b)),
        Value::Int(i) => out.push(Leaf::I(*i)),
        Value::Float(f) => out.push(Leaf::F(*f)),
        Value::Scalar(Scalar::Bool(b)) => out.push(Leaf::B(*b)),
        Value::Scalar(Scalar::Int(i)) => out.push(Leaf::I(*i as i128)),
        Value::Scalar(Scalar::Float(f)) => out.push(Leaf::F(*f)),
        Value::Array(a) => a.with_view(|view| match view {
            AView::Bool(x) => out.extend(x.iter().map(|&b| Leaf::B(b))),
            AView::Int(x) => out.extend(x.iter().map(|&i| Leaf::I(i as i128))),
            AView::Float(x) => out.extend(x.iter().map(|&f| Leaf::F(f))),
        }),
        _ if is_sequence(v) => {
            for item in sequence_items(v) {
                collect_leaves(&item, out)?;
            }
        }
        Value::Str(_) => {
            return Err(PyErr::new(
                ExcType::NotImplementedError,
                "npr arrays hold numbers and booleans only (NumPy would make a string array here)",
            ))
        }
        Value::None => {
            return Err(PyErr::new(
                ExcType::NotImplementedError,
                "npr arrays hold numbers and booleans only (NumPy would make an object array holding None here)",
            ))
        }
        _ if v.dict_view().is_some() => {
            let name = v.type_name();
            let method = name.trim_start_matches("dict_");
            return Err(PyErr::new(
                ExcType::NotImplementedError,
                format!(
                    "npr arrays hold numbers and booleans only (NumPy would make a 0-d object array holding the \
                     {name} here); pass list(d.{method}()) for its items"
                ),
            ));
        }
        other => {
            return Err(PyErr::type_err(format!(
                "float() argument must be a string or a real number, not '{}'",
                other.type_name()
            )))
        }
    }
    Ok(())
}

fn leaves_dtype(leaves: &[Leaf]) -> DType {
    let mut dt = DType::Bool;
    for l in leaves {
        let d = match l {
            Leaf::B(_) => DType::Bool,
            Leaf::I(_) => DType::Int64,
            Leaf::F(_) => DType::Float64,
        };
        dt = dt.max(d);
    }
    dt
}

fn leaf_i64(l: Leaf) -> PyResult<i64> {
    match l {
        Leaf::B(b) => Ok(b as i64),
        Leaf::I(i) => i64::try_from(i)
            .map_err(|_| PyErr::new(ExcType::OverflowError, format!("Python integer {i} out of bounds for int64"))),
        Leaf::F(f) => Ok(crate::ops::cast::float_to_i64(f)),
    }
}

fn leaf_f64(l: Leaf) -> f64 {
    match l {
        Leaf::B(b) => b as u8 as f64,
        Leaf::I(i) => i as f64,
        Leaf::F(f) => f,
    }
}

fn leaf_bool(l: Leaf) -> bool {
    match l {
        Leaf::B(b) => b,
        Leaf::I(i) => i != 0,
        Leaf::F(f) => f != 0.0,
    }
}

/// `np.array(v, dtype=...)`: build a new array (always a copy).
pub fn array_from_value(v: &Value, dtype: Option<DType>) -> PyResult<ArrayData> {
    if let Value::Array(a) = v {
        let data = a.to_data();
        return Ok(match dtype {
            Some(dt) if dt != data.dtype() => cast_data(&data.view(), dt),
            _ => data,
        });
    }
    let shape = discover_shape(v)?;
    let mut leaves = Vec::new();
    collect_leaves(v, &mut leaves)?;
    let inferred = leaves_dtype(&leaves);
    if shape.iter().product::<usize>() == 0 && dtype.is_none() {
        // An empty list gives float64, as in NumPy.
        check_alloc(&shape, DType::Float64)?;
        return Ok(ArrayData::Float(ArrayD::zeros(IxDyn(&shape))));
    }
    let dt = dtype.unwrap_or(inferred);
    if dtype.is_none() && inferred == DType::Int64 {
        if let Some(Leaf::I(big)) = leaves.iter().find(|l| matches!(l, Leaf::I(i) if i64::try_from(*i).is_err())) {
            return Err(PyErr::new(
                ExcType::NotImplementedError,
                format!("{big} does not fit in int64; NumPy would make a uint64 or object array, which npr does not support"),
            ));
        }
    }
    check_alloc(&shape, dt)?;
    let dim = IxDyn(&shape);
    let err = |_| PyErr::new(ExcType::InternalError, "array construction: shape mismatch");
    Ok(match dt {
        DType::Bool => {
            ArrayData::Bool(ArrayD::from_shape_vec(dim, leaves.into_iter().map(leaf_bool).collect()).map_err(err)?)
        }
        DType::Int64 => {
            let v: PyResult<Vec<i64>> = leaves.into_iter().map(leaf_i64).collect();
            ArrayData::Int(ArrayD::from_shape_vec(dim, v?).map_err(err)?)
        }
        DType::Float64 => {
            ArrayData::Float(ArrayD::from_shape_vec(dim, leaves.into_iter().map(leaf_f64).collect()).map_err(err)?)
        }
    })
}

/// `np.asarray(v)`: the same array when it already is one.
pub fn as_array(v: &Value) -> PyResult<NdArray> {
    match v {
        Value::Array(a) => Ok(a.clone()),
        _ => Ok(NdArray::new(array_from_value(v, None)?)),
    }
}

/// Any value as a ufunc operand (Python scalars are weak, per NEP 50).
pub fn to_operand(v: &Value) -> PyResult<Operand> {
    use crate::ops::cast::zero_d;
    Ok(match v {
        Value::Array(a) => Operand::from_array(a),
        Value::Scalar(s) => {
            let d = match s {
                Scalar::Bool(b) => ArrayData::Bool(zero_d(*b)),
                Scalar::Int(i) => ArrayData::Int(zero_d(*i)),
                Scalar::Float(f) => ArrayData::Float(zero_d(*f)),
            };
            let mut op = Operand::owned(d, false);
            op.np_scalar = true;
            op
        }
        Value::Bool(b) => Operand::owned(ArrayData::Bool(zero_d(*b)), true),
        Value::Float(f) => Operand::owned(ArrayData::Float(zero_d(*f)), true),
        Value::Int(i) => match i64::try_from(*i) {
            Ok(x) => Operand::owned(ArrayData::Int(zero_d(x)), true),
            Err(_) => {
                let mut op = Operand::owned(ArrayData::Int(zero_d(0)), true);
                op.big_int = Some(*i);
                op
            }
        },
        Value::List(_) | Value::Tuple(_) | Value::Range(..) => Operand::owned(array_from_value(v, None)?, false),
        other => return Err(PyErr::type_err(format!("unsupported operand type for NumPy: '{}'", other.type_name()))),
    })
}

/// If a weak Python int is too big for int64 but the computation is in
/// float64, use its float value (as NumPy does).
pub fn fix_big_int(op: &mut Operand, other_dtype: DType, float_ok: bool) {
    if let Some(big) = op.big_int {
        if other_dtype == DType::Float64 || float_ok {
            *op = Operand::owned(ArrayData::Float(crate::ops::cast::zero_d(big as f64)), true);
        }
    }
}
