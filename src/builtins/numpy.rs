//! NumPy's functions and ndarray methods.

use ndarray::{ArrayD, Dimension, IxDyn};

use super::{bind, opt, req, Builtin, Keywords, Owner};
use crate::interp::error::{ExcType, PyErr, PyResult};
use crate::interp::eval::{Args, Interp};
use crate::interp::pyops::{self, index_int};
use crate::ops::broadcast::compact_shape;
use crate::ops::cast::{as_f64, cast_data, zero_d};
use crate::ops::linalg;
use crate::ops::reduce::{self, normalize_axes, normalize_axis, Reduction};
use crate::ops::ufunc::{wrap_result, Ufunc1, Ufunc2};
use crate::value::alloc::{check_alloc, dims_from_i64};
use crate::value::convert::{array_from_value, as_array};
use crate::value::{AView, ArrayData, DType, Module, NdArray, Scalar, TypeObj, Value, ViewOp};

const NP: Owner = Owner::Module(Module::Numpy);
const M: Owner = Owner::ArrayMethod;

const fn f(
    owner: Owner,
    name: &'static str,
    signature: &'static str,
    doc: &'static str,
    func: super::BuiltinFn,
) -> Builtin {
    Builtin { name, owner, signature, doc, func, keywords: Keywords::Python }
}

// ---------------------------------------------------------------- arguments

pub(crate) fn arr(v: &Value) -> PyResult<NdArray> {
    as_array(v)
}

pub(crate) fn int_of(v: &Value) -> PyResult<i64> {
    index_int(v)
        .ok_or_else(|| PyErr::type_err(format!("'{}' object cannot be interpreted as an integer", v.type_name())))
}

pub(crate) fn float_of(v: &Value) -> PyResult<f64> {
    match v {
        Value::Float(f) => Ok(*f),
        Value::Int(i) => Ok(*i as f64),
        Value::Bool(b) => Ok(*b as u8 as f64),
        Value::Scalar(s) => Ok(s.as_f64()),
        Value::Array(a) if a.size() == 1 => Ok(as_f64(&a.to_data().view()).iter().next().copied().unwrap_or(0.0)),
        other => Err(PyErr::type_err(format!("must be real number, not {}", other.type_name()))),
    }
}

pub(crate) fn bool_of(v: Option<Value>) -> PyResult<bool> {
    match v {
        None => Ok(false),
        Some(v) => pyops::truthy(&v),
    }
}

/// `axis=` as a list of axes (None = all).
pub fn axis_arg(v: Option<Value>) -> PyResult<Option<Vec<i64>>> {
    match v {
        None => Ok(None),
        Some(Value::Tuple(t)) => t.iter().map(int_of).collect::<PyResult<Vec<_>>>().map(Some),
        Some(v) => Ok(Some(vec![int_of(&v)?])),
    }
}

/// `dtype=` as one of npr's dtypes.
pub fn dtype_arg(v: Option<Value>) -> PyResult<Option<DType>> {
    let Some(v) = v else { return Ok(None) };
    Ok(Some(match &v {
        Value::DType(d) => *d,
        Value::Type(TypeObj::Float | TypeObj::NpFloat64) => DType::Float64,
        Value::Type(TypeObj::Int | TypeObj::NpInt64) => DType::Int64,
        Value::Type(TypeObj::Bool | TypeObj::NpBool) => DType::Bool,
        Value::Str(s) => match s.as_ref() {
            "float64" | "float" | "f8" | "d" | "double" => DType::Float64,
            "int64" | "int" | "i8" | "l" => DType::Int64,
            "bool" | "?" | "bool_" => DType::Bool,
            "float32" | "float16" | "int32" | "int8" | "int16" | "uint8" | "uint64" | "complex128" | "object"
            | "str" => {
                return Err(PyErr::new(
                    ExcType::NotImplementedError,
                    format!("npr supports the dtypes bool, int64 and float64, not {s}"),
                ))
            }
            other => return Err(PyErr::type_err(format!("data type '{other}' not understood"))),
        },
        other => {
            return Err(PyErr::type_err(format!(
                "Cannot interpret '{}' as a data type",
                crate::display::repr_plain(other)
            )))
        }
    }))
}

/// A shape argument: an int or a sequence of ints.
pub(crate) fn shape_arg(v: &Value) -> PyResult<Vec<i64>> {
    let bad = |v: &Value| {
        PyErr::type_err(format!(
            "expected a sequence of integers or a single integer, got '{}'",
            crate::display::repr_plain(v)
        ))
    };
    match v {
        Value::Tuple(_) | Value::List(_) => pyops::iterate(v)?.iter().map(int_of).collect(),
        Value::Str(_) => Ok(vec![int_of(v)?]),
        other => Ok(vec![index_int(other).ok_or_else(|| bad(other))?]),
    }
}

pub(crate) fn shape_of(v: &Value) -> PyResult<Vec<usize>> {
    dims_from_i64(&shape_arg(v)?)
}

/// Varargs or a single tuple: `reshape(2, 3)` or `reshape((2, 3))`.
fn shape_varargs(vals: &[Value]) -> PyResult<Vec<i64>> {
    match vals {
        [single] => shape_arg(single),
        many => many.iter().map(int_of).collect(),
    }
}

pub(crate) fn array_value(d: ArrayData) -> Value {
    Value::Array(NdArray::new(d))
}

/// A NumPy scalar value as a 0-d array.
pub fn scalar_to_array(v: &Value) -> NdArray {
    match v {
        Value::Scalar(Scalar::Bool(b)) => NdArray::new(ArrayData::Bool(zero_d(*b))),
        Value::Scalar(Scalar::Int(i)) => NdArray::new(ArrayData::Int(zero_d(*i))),
        Value::Scalar(Scalar::Float(x)) => NdArray::new(ArrayData::Float(zero_d(*x))),
        _ => NdArray::new(ArrayData::Float(zero_d(0.0))),
    }
}

pub(crate) fn filled(shape: &[usize], dt: DType, value: f64) -> PyResult<ArrayData> {
    check_alloc(shape, dt)?;
    let dim = IxDyn(shape);
    Ok(match dt {
        DType::Float64 => ArrayData::Float(ArrayD::from_elem(dim, value)),
        DType::Int64 => ArrayData::Int(ArrayD::from_elem(dim, crate::ops::cast::float_to_i64(value))),
        DType::Bool => ArrayData::Bool(ArrayD::from_elem(dim, value != 0.0)),
    })
}

// ---------------------------------------------------------------- creation

fn np_array(_: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("array", args, &["object", "dtype", "copy", "order", "subok", "ndmin"], 1)?;
    let obj = req(&mut s, 0);
    let dt = dtype_arg(opt(&mut s, 1))?;
    let data = array_from_value(&obj, dt)?;
    let ndmin = opt(&mut s, 5).map(|v| int_of(&v)).transpose()?.unwrap_or(0).max(0) as usize;
    let shape = data.shape().to_vec();
    if shape.len() < ndmin {
        let mut ns = vec![1; ndmin - shape.len()];
        ns.extend(shape);
        return Ok(array_value(linalg::reshape_data(data, &ns)?));
    }
    Ok(array_value(data))
}

fn np_asarray(_: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("asarray", args, &["a", "dtype"], 1)?;
    let obj = req(&mut s, 0);
    let dt = dtype_arg(opt(&mut s, 1))?;
    match (&obj, dt) {
        (Value::Array(a), None) => Ok(Value::Array(a.clone())),
        (Value::Array(a), Some(d)) if a.dtype() == d => Ok(Value::Array(a.clone())),
        _ => Ok(array_value(array_from_value(&obj, dt)?)),
    }
}

fn make_filled(name: &str, args: Args, fill: Option<f64>) -> PyResult<Value> {
    let params: &[&str] =
        if fill.is_some() { &["shape", "dtype", "order"] } else { &["shape", "fill_value", "dtype", "order"] };
    let mut s = bind(name, args, params, if fill.is_some() { 1 } else { 2 })?;
    let shape = shape_of(&req(&mut s, 0))?;
    let (value, dt) = match fill {
        Some(v) => (v, dtype_arg(opt(&mut s, 1))?.unwrap_or(DType::Float64)),
        None => {
            let fv = req(&mut s, 1);
            let dt = dtype_arg(opt(&mut s, 2))?;
            if matches!(fv, Value::List(_) | Value::Tuple(_) | Value::Array(_)) {
                // An array fill value is broadcast into the new shape.
                let src = NdArray::new(array_from_value(&fv, dt)?);
                let out = NdArray::new(filled(&shape, dt.unwrap_or(src.dtype()), 0.0)?);
                crate::ops::index::assign_into(&out, &crate::ops::ufunc::Operand::from_array(&src))?;
                return Ok(Value::Array(out));
            }
            let inferred = match &fv {
                Value::Bool(_) | Value::Scalar(Scalar::Bool(_)) => DType::Bool,
                Value::Int(_) | Value::Scalar(Scalar::Int(_)) => DType::Int64,
                _ => DType::Float64,
            };
            (float_of(&fv)?, dt.unwrap_or(inferred))
        }
    };
    if dt == DType::Int64 && crate::ops::cast::float_cast_invalid(value) {
        crate::interp::warnings::warn_runtime("invalid value encountered in cast");
    }
    Ok(array_value(filled(&shape, dt, value)?))
}

fn np_zeros(_: &mut Interp, args: Args) -> PyResult<Value> {
    make_filled("zeros", args, Some(0.0))
}
fn np_ones(_: &mut Interp, args: Args) -> PyResult<Value> {
    make_filled("ones", args, Some(1.0))
}
fn np_full(_: &mut Interp, args: Args) -> PyResult<Value> {
    make_filled("full", args, None)
}

fn like(name: &str, args: Args, fill: Option<f64>) -> PyResult<Value> {
    let params: &[&str] = if fill.is_some() { &["a", "dtype"] } else { &["a", "fill_value", "dtype"] };
    let mut s = bind(name, args, params, if fill.is_some() { 1 } else { 2 })?;
    let a = arr(&req(&mut s, 0))?;
    let (value, dt) = match fill {
        Some(v) => (v, dtype_arg(opt(&mut s, 1))?.unwrap_or(a.dtype())),
        None => (float_of(&req(&mut s, 1))?, dtype_arg(opt(&mut s, 2))?.unwrap_or(a.dtype())),
    };
    if dt == DType::Int64 && crate::ops::cast::float_cast_invalid(value) {
        crate::interp::warnings::warn_runtime("invalid value encountered in cast");
    }
    Ok(array_value(filled(&a.shape(), dt, value)?))
}

fn np_zeros_like(_: &mut Interp, args: Args) -> PyResult<Value> {
    like("zeros_like", args, Some(0.0))
}
fn np_ones_like(_: &mut Interp, args: Args) -> PyResult<Value> {
    like("ones_like", args, Some(1.0))
}
fn np_full_like(_: &mut Interp, args: Args) -> PyResult<Value> {
    like("full_like", args, None)
}

fn np_eye(_: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("eye", args, &["N", "M", "k", "dtype"], 1)?;
    let n = int_of(&req(&mut s, 0))?;
    let m = opt(&mut s, 1).map(|v| int_of(&v)).transpose()?.unwrap_or(n);
    let k = opt(&mut s, 2).map(|v| int_of(&v)).transpose()?.unwrap_or(0);
    let dt = dtype_arg(opt(&mut s, 3))?.unwrap_or(DType::Float64);
    let shape = dims_from_i64(&[n, m])?;
    let mut data = filled(&shape, DType::Float64, 0.0)?;
    if let ArrayData::Float(a) = &mut data {
        for i in 0..shape[0] as i64 {
            let j = i + k;
            if j >= 0 && (j as usize) < shape[1] {
                a[[i as usize, j as usize]] = 1.0;
            }
        }
    }
    Ok(array_value(cast_data(&data.view(), dt)))
}

fn np_identity(i: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("identity", args, &["n", "dtype"], 1)?;
    let mut a = Args::new(vec![req(&mut s, 0)]);
    if let Some(d) = opt(&mut s, 1) {
        a.keywords.push(("dtype".into(), d));
    }
    np_eye(i, a)
}

fn np_arange(_: &mut Interp, args: Args) -> PyResult<Value> {
    if args.positional.len() > 4 {
        return Err(PyErr::type_err(format!(
            "arange() takes from 0 to 4 positional arguments but {} were given",
            args.positional.len()
        )));
    }
    let mut s = bind("arange", args, &["start", "stop", "step", "dtype"], 0)?;
    let (a, b) = match (opt(&mut s, 0), opt(&mut s, 1)) {
        (Some(a), b) => (a, b),
        (None, Some(stop)) => (Value::Int(0), Some(stop)),
        (None, None) => return Err(PyErr::type_err("arange() requires stop to be specified.")),
    };
    let step = opt(&mut s, 2);
    let dt_arg = dtype_arg(opt(&mut s, 3))?;
    let (start, stop) = match b {
        Some(b) => (a, b),
        None => (Value::Int(0), a),
    };
    let step = step.unwrap_or(Value::Int(1));
    let all_int = [&start, &stop, &step].iter().all(|v| index_int(v).is_some());
    if all_int && dt_arg != Some(DType::Float64) {
        let (s0, s1, st) = (int_of(&start)?, int_of(&stop)?, int_of(&step)?);
        if st == 0 {
            return Err(PyErr::new(ExcType::ZeroDivisionError, "division by zero"));
        }
        let n = crate::value::convert::range_len(s0, s1, st).unwrap_or(0);
        if dt_arg == Some(DType::Bool) && n > 2 {
            return Err(PyErr::type_err(
                "arange() is only supported for booleans when the result has at most length 2.",
            ));
        }
        check_alloc(&[n], DType::Int64)?;
        let v: Vec<i64> = (0..n as i64).map(|i| s0 + i * st).collect();
        let data = ArrayData::Int(ArrayD::from_shape_vec(IxDyn(&[n]), v).map_err(|e| PyErr::value(e.to_string()))?);
        return Ok(array_value(match dt_arg {
            Some(d) => cast_data(&data.view(), d),
            None => data,
        }));
    }
    let (s0, s1, st) = (float_of(&start)?, float_of(&stop)?, float_of(&step)?);
    if st == 0.0 {
        return Err(PyErr::new(ExcType::ZeroDivisionError, "float division by zero"));
    }
    let len = ((s1 - s0) / st).ceil();
    if len.is_nan() {
        return Err(PyErr::value("arange: cannot compute length"));
    }
    if len >= 9.2e18 {
        return Err(PyErr::value("Maximum allowed size exceeded"));
    }
    let n = if len > 0.0 { len as usize } else { 0 };
    check_alloc(&[n], DType::Float64)?;
    let d = (s0 + st) - s0;
    let v: Vec<f64> = (0..n)
        .map(|i| match i {
            0 => s0,
            1 => s0 + st,
            _ => s0 + i as f64 * d,
        })
        .collect();
    let data = ArrayData::Float(ArrayD::from_shape_vec(IxDyn(&[n]), v).map_err(|e| PyErr::value(e.to_string()))?);
    Ok(array_value(match dt_arg {
        Some(dt) => cast_data(&data.view(), dt),
        None => data,
    }))
}

fn np_linspace(_: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("linspace", args, &["start", "stop", "num", "endpoint", "retstep", "dtype"], 2)?;
    let start = float_of(&req(&mut s, 0))?;
    let stop = float_of(&req(&mut s, 1))?;
    let num = opt(&mut s, 2).map(|v| int_of(&v)).transpose()?.unwrap_or(50);
    let endpoint = match opt(&mut s, 3) {
        Some(v) => pyops::truthy(&v)?,
        None => true,
    };
    if num < 0 {
        return Err(PyErr::value(format!("Number of samples, {num}, must be non-negative.")));
    }
    let n = num as usize;
    check_alloc(&[n], DType::Float64)?;
    let div = if endpoint { n.saturating_sub(1) } else { n } as f64;
    let step = (stop - start) / div;
    let mut v: Vec<f64> = (0..n).map(|i| if div > 0.0 { i as f64 * step + start } else { start }).collect();
    if endpoint && n > 1 {
        v[n - 1] = stop;
    }
    let data = ArrayData::Float(ArrayD::from_shape_vec(IxDyn(&[n]), v).map_err(|e| PyErr::value(e.to_string()))?);
    let dt = dtype_arg(opt(&mut s, 5))?;
    Ok(array_value(match dt {
        Some(d) => cast_data(&data.view(), d),
        None => data,
    }))
}

fn np_diag(_: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("diag", args, &["v", "k"], 1)?;
    let a = arr(&req(&mut s, 0))?;
    let k = opt(&mut s, 1).map(|v| int_of(&v)).transpose()?.unwrap_or(0);
    match a.ndim() {
        1 => {
            let n = a.size() + k.unsigned_abs() as usize;
            let data = a.to_data();
            let mut out = filled(&[n, n], data.dtype(), 0.0)?;
            let (r0, c0) = if k >= 0 { (0, k as usize) } else { ((-k) as usize, 0) };
            macro_rules! put {
                ($o:expr, $src:expr) => {
                    for (i, &x) in $src.iter().enumerate() {
                        $o[[r0 + i, c0 + i]] = x;
                    }
                };
            }
            match (&mut out, &data) {
                (ArrayData::Float(o), ArrayData::Float(src)) => put!(o, src),
                (ArrayData::Int(o), ArrayData::Int(src)) => put!(o, src),
                (ArrayData::Bool(o), ArrayData::Bool(src)) => put!(o, src),
                _ => {}
            }
            Ok(array_value(out))
        }
        2 => a.with_view(|v| linalg::diagonal_data(&v, k)).map(array_value),
        _ => Err(PyErr::value("Input must be 1- or 2-d.")),
    }
}

// ---------------------------------------------------------------- ufuncs

/// NumPy's ufunc positional-count error: `sqrt() takes from 1 to 2 positional arguments but 0 were given`.
fn ufunc_arity(name: &str, nin: usize, given: usize) -> PyResult<()> {
    if given < nin || given > nin + 1 {
        return Err(PyErr::type_err(format!(
            "{name}() takes from {nin} to {} positional arguments but {given} {} given",
            nin + 1,
            if given == 1 { "was" } else { "were" }
        )));
    }
    Ok(())
}

fn ufunc1(name: &str, u: Ufunc1, args: Args) -> PyResult<Value> {
    ufunc_arity(name, 1, args.positional.len())?;
    const P: &[&str] = &["x", "out", "where", "dtype"];
    let mut s = bind(name, args, P, 1)?;
    let x = req(&mut s, 0);
    match dtype_arg(opt(&mut s, 3))? {
        None => pyops::numpy_unary(u, &x, false),
        Some(d) => ufunc_dtype(name, d, [x], |[x]| pyops::numpy_unary(u, x, false)),
    }
}

fn ufunc2(name: &str, u: Ufunc2, args: Args) -> PyResult<Value> {
    ufunc_arity(name, 2, args.positional.len())?;
    const P: &[&str] = &["x1", "x2", "out", "where", "dtype"];
    let mut s = bind(name, args, P, 2)?;
    let (a, b) = (req(&mut s, 0), req(&mut s, 1));
    match dtype_arg(opt(&mut s, 4))? {
        None => pyops::numpy_binary(u, &a, &b, false),
        Some(d) => ufunc_dtype(name, d, [a, b], |[a, b]| pyops::numpy_binary(u, a, b, false)),
    }
}

/// A ufunc called with `dtype=d`. NumPy takes the loop whose output is `d`
/// and casts the inputs to its input type under 'same_kind' casting, which
/// for npr's dtypes only goes up bool < int64 < float64
/// (`np.add([1, 2], [3, 4], dtype=float)` adds 1.0 and 3.0; `dtype=int` on
/// a float64 input is an error). Without such a loop (`np.exp(x,
/// dtype=int)`, `np.divide(i, j, dtype=int)`) it is a TypeError. A ufunc
/// whose output is bool whatever its inputs (comparisons, `logical_*`,
/// `isnan`) keeps its inputs: only `dtype=bool` matches it. `compute`
/// applies the ufunc; empty arrays of each dtype probe its loops (no
/// elements, so no warnings).
fn ufunc_dtype<const N: usize>(
    name: &str,
    d: DType,
    inputs: [Value; N],
    compute: impl Fn(&[Value; N]) -> PyResult<Value>,
) -> PyResult<Value> {
    let no_loop =
        || PyErr::type_err(format!("No loop matching the specified signature and casting was found for ufunc {name}"));
    let empty = |dt: DType| -> PyResult<[Value; N]> {
        let e = array_value(filled(&[0], dt, 0.0)?);
        Ok(std::array::from_fn(|_| e.clone()))
    };
    let output = |r: &PyResult<Value>| match r {
        Ok(Value::Array(a)) => Some(a.dtype()),
        _ => None,
    };
    if output(&compute(&empty(DType::Float64)?)) == Some(DType::Bool) {
        return if d == DType::Bool { compute(&inputs) } else { Err(no_loop()) };
    }
    match compute(&empty(d)?) {
        Ok(Value::Array(a)) if a.dtype() == d => {}
        // NumPy's own TypeErrors for bool `-` and negative come first.
        Err(e) if e.message.contains("numpy boolean") => return Err(e),
        // `np.sign(b)`'s "... matching types <class ...> -> None" names the output now.
        Err(e) if e.message.ends_with("-> None") => {
            let class = match d {
                DType::Bool => "BoolDType",
                DType::Int64 => "Int64DType",
                DType::Float64 => "Float64DType",
            };
            let message = format!("{}<class 'numpy.dtypes.{class}'>", e.message.trim_end_matches("None"));
            return Err(PyErr::new(e.exc, message));
        }
        _ => return Err(no_loop()),
    }
    let mut cast = Vec::with_capacity(N);
    for (k, v) in inputs.iter().enumerate() {
        let a = match *v {
            // Beyond int64 too: NumPy converts a Python int to the float64 loop.
            Value::Int(i) if d == DType::Float64 => arr(&Value::Float(i as f64))?,
            // Beyond int64 for the int64 loop: the ufunc's own OverflowError.
            Value::Int(i) if i64::try_from(i).is_err() && d == DType::Int64 => {
                cast.push(v.clone());
                continue;
            }
            _ => arr(v)?,
        };
        if a.dtype() > d {
            let which = if N == 1 { "input".to_string() } else { format!("input {k}") };
            return Err(PyErr::new(
                ExcType::UFuncTypeError,
                format!(
                    "Cannot cast ufunc '{name}' {which} from dtype('{}') to dtype('{}') with casting rule 'same_kind'",
                    a.dtype().name(),
                    d.name()
                ),
            ));
        }
        cast.push(array_value(a.with_view(|v| cast_data(&v, d))));
    }
    let cast: [Value; N] = cast.try_into().map_err(|_| no_loop())?;
    compute(&cast)
}

macro_rules! unary_fns {
    ($($fname:ident => $name:literal, $u:expr;)*) => {
        $(fn $fname(_: &mut Interp, args: Args) -> PyResult<Value> { ufunc1($name, $u, args) })*
    };
}
macro_rules! binary_fns {
    ($($fname:ident => $name:literal, $u:expr;)*) => {
        $(fn $fname(_: &mut Interp, args: Args) -> PyResult<Value> { ufunc2($name, $u, args) })*
    };
}

unary_fns! {
    np_negative => "negative", Ufunc1::Negative;
    np_positive => "positive", Ufunc1::Positive;
    np_absolute => "absolute", Ufunc1::Absolute;
    np_sign => "sign", Ufunc1::Sign;
    np_sqrt => "sqrt", Ufunc1::Sqrt;
    np_square => "square", Ufunc1::Square;
    np_reciprocal => "reciprocal", Ufunc1::Reciprocal;
    np_exp => "exp", Ufunc1::Exp;
    np_exp2 => "exp2", Ufunc1::Exp2;
    np_expm1 => "expm1", Ufunc1::Expm1;
    np_log => "log", Ufunc1::Log;
    np_log2 => "log2", Ufunc1::Log2;
    np_log10 => "log10", Ufunc1::Log10;
    np_log1p => "log1p", Ufunc1::Log1p;
    np_sin => "sin", Ufunc1::Sin;
    np_cos => "cos", Ufunc1::Cos;
    np_tan => "tan", Ufunc1::Tan;
    np_arcsin => "arcsin", Ufunc1::Arcsin;
    np_arccos => "arccos", Ufunc1::Arccos;
    np_arctan => "arctan", Ufunc1::Arctan;
    np_sinh => "sinh", Ufunc1::Sinh;
    np_cosh => "cosh", Ufunc1::Cosh;
    np_tanh => "tanh", Ufunc1::Tanh;
    np_floor => "floor", Ufunc1::Floor;
    np_ceil => "ceil", Ufunc1::Ceil;
    np_trunc => "trunc", Ufunc1::Trunc;
    np_rint => "rint", Ufunc1::Rint;
    np_isnan => "isnan", Ufunc1::IsNan;
    np_isinf => "isinf", Ufunc1::IsInf;
    np_isfinite => "isfinite", Ufunc1::IsFinite;
    np_logical_not => "logical_not", Ufunc1::LogicalNot;
    np_invert => "invert", Ufunc1::Invert;
    np_signbit => "signbit", Ufunc1::Signbit;
}

binary_fns! {
    np_add => "add", Ufunc2::Add;
    np_subtract => "subtract", Ufunc2::Subtract;
    np_multiply => "multiply", Ufunc2::Multiply;
    np_divide => "divide", Ufunc2::Divide;
    np_floor_divide => "floor_divide", Ufunc2::FloorDivide;
    np_remainder => "remainder", Ufunc2::Remainder;
    np_power => "power", Ufunc2::Power;
    np_maximum => "maximum", Ufunc2::Maximum;
    np_minimum => "minimum", Ufunc2::Minimum;
    np_fmax => "fmax", Ufunc2::Fmax;
    np_fmin => "fmin", Ufunc2::Fmin;
    np_equal => "equal", Ufunc2::Equal;
    np_not_equal => "not_equal", Ufunc2::NotEqual;
    np_less => "less", Ufunc2::Less;
    np_less_equal => "less_equal", Ufunc2::LessEqual;
    np_greater => "greater", Ufunc2::Greater;
    np_greater_equal => "greater_equal", Ufunc2::GreaterEqual;
    np_logical_and => "logical_and", Ufunc2::LogicalAnd;
    np_logical_or => "logical_or", Ufunc2::LogicalOr;
    np_logical_xor => "logical_xor", Ufunc2::LogicalXor;
    np_bitwise_and => "bitwise_and", Ufunc2::BitAnd;
    np_bitwise_or => "bitwise_or", Ufunc2::BitOr;
    np_bitwise_xor => "bitwise_xor", Ufunc2::BitXor;
    np_arctan2 => "arctan2", Ufunc2::Arctan2;
    np_hypot => "hypot", Ufunc2::Hypot;
}

fn np_clip(_: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("clip", args, &["a", "a_min", "a_max", "out", "min", "max"], 1)?;
    let a = req(&mut s, 0);
    let lo = opt(&mut s, 1).or_else(|| opt(&mut s, 4));
    let hi = opt(&mut s, 2).or_else(|| opt(&mut s, 5));
    let shapes: Vec<Vec<usize>> = [Some(&a), lo.as_ref(), hi.as_ref()]
        .iter()
        .map(|v| {
            v.map(|v| crate::value::convert::to_operand(v).map(|o| o.shape()))
                .transpose()
                .map(|s| s.unwrap_or_default())
        })
        .collect::<PyResult<_>>()?;
    let refs: Vec<&[usize]> = shapes.iter().map(|s| s.as_slice()).collect();
    if crate::ops::broadcast::broadcast_shapes(&refs).is_none() {
        return Err(PyErr::value(crate::ops::broadcast::broadcast_error_message(&refs)));
    }
    // NumPy: minimum(maximum(a, lo), hi), bool input promotes with the Python ints.
    let mut v = a;
    if let Value::Array(x) = &v {
        if x.dtype() == DType::Bool {
            v = array_value(cast_data(&x.to_data().view(), DType::Int64));
        }
    }
    // With one bound NumPy calls np.maximum / np.minimum; with both, its
    // clip loop, whose ties keep the input (so clip(-0., 0, 1) is -0.).
    let both = lo.is_some() && hi.is_some();
    if let Some(lo) = lo {
        v = pyops::numpy_binary(if both { Ufunc2::ClipLow } else { Ufunc2::Maximum }, &v, &lo, false)?;
    }
    if let Some(hi) = hi {
        v = pyops::numpy_binary(if both { Ufunc2::ClipHigh } else { Ufunc2::Minimum }, &v, &hi, false)?;
    }
    Ok(v)
}

/// NumPy's `round` (half to even, with decimals).
fn round_value(v: &Value, decimals: i64) -> PyResult<Value> {
    let a = crate::value::convert::to_operand(v)?;
    let data = a.with_view(|view| match view {
        AView::Float(x) => {
            let r = x.mapv(|x| round_decimals(x, decimals));
            ArrayData::Float(r)
        }
        AView::Int(x) => {
            if decimals >= 0 {
                ArrayData::Int(x.to_owned())
            } else {
                let p = 10i64.saturating_pow((-decimals) as u32);
                ArrayData::Int(x.mapv(|v| {
                    let q = v as f64 / p as f64;
                    (q.round_ties_even() as i64).wrapping_mul(p)
                }))
            }
        }
        AView::Bool(x) => ArrayData::Bool(x.to_owned()),
    });
    Ok(wrap_result(data))
}

/// NumPy rounds `x * 10**d` half to even, then divides back.
pub fn round_decimals(x: f64, d: i64) -> f64 {
    if d == 0 {
        return x.round_ties_even();
    }
    if d > 0 {
        let p = 10f64.powi(d as i32);
        let y = (x * p).round_ties_even() / p;
        if y.is_finite() {
            y
        } else {
            x
        }
    } else {
        let p = 10f64.powi((-d) as i32);
        (x / p).round_ties_even() * p
    }
}

fn np_round(_: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("round", args, &["a", "decimals", "out"], 1)?;
    let a = req(&mut s, 0);
    let d = opt(&mut s, 1).map(|v| int_of(&v)).transpose()?.unwrap_or(0);
    round_value(&a, d)
}

// ---------------------------------------------------------------- reductions

fn reduce_call(name: &str, r: Reduction, args: Args, params: &[&str]) -> PyResult<Value> {
    let mut s = bind(name, args, params, 1)?;
    let a = arr(&req(&mut s, 0))?;
    let axis = axis_arg(opt(&mut s, 1))?;
    let keepdims =
        params.iter().position(|p| *p == "keepdims").map(|i| bool_of(opt(&mut s, i))).transpose()?.unwrap_or(false);
    let dtype = params.iter().position(|p| *p == "dtype").map(|i| dtype_arg(opt(&mut s, i))).transpose()?.flatten();
    let initial = params.iter().position(|p| *p == "initial").and_then(|i| opt(&mut s, i));
    let axes = normalize_axes(axis.as_deref(), a.ndim())?;
    // dtype= converts the elements before reducing (np.sum([1.6, 2.7], dtype=int)
    // is 3; np.mean([2.5, 3.5], dtype=int) is (2 + 3) / 2 made an int, 2).
    let a = match dtype {
        Some(dt) if matches!(r, Reduction::Sum | Reduction::Prod | Reduction::Mean) && dt != a.dtype() => {
            NdArray::new(a.with_view(|v| cast_warned_in(&v, dt, "reduce")))
        }
        _ => a,
    };
    let shape = a.shape();
    let lane_empty = axes.iter().any(|&ax| shape[ax] == 0) || (a.size() == 0 && axes.len() == a.ndim());
    // The number of elements each result reduces (a mean's divisor).
    let count: usize = axes.iter().map(|&ax| shape[ax]).product();
    let mut data = match (&initial, r) {
        (Some(_), Reduction::Max | Reduction::Min) if lane_empty => {
            let shape = reduce::reduced_shape(&shape, &axes, keepdims);
            filled(&shape, a.dtype(), 0.0)?
        }
        // NumPy's mean with dtype=int adds in int64 (wrapping) and divides
        // that sum as a float; the result is cast back below.
        _ if r == Reduction::Mean && dtype == Some(DType::Int64) => {
            let sum = a.with_view(|v| reduce::reduce(&v, Reduction::Sum, &axes, keepdims))?;
            ArrayData::Float(as_f64(&sum.view()).mapv(|x| x / count as f64))
        }
        _ => a.with_view(|v| reduce::reduce(&v, r, &axes, keepdims))?,
    };
    if let Some(init) = initial {
        let op = match r {
            Reduction::Max => Ufunc2::Maximum,
            Reduction::Min => Ufunc2::Minimum,
            Reduction::Prod => Ufunc2::Multiply,
            _ => Ufunc2::Add,
        };
        let v = if lane_empty && matches!(r, Reduction::Max | Reduction::Min) {
            pyops::numpy_binary(Ufunc2::Add, &array_value(data), &init, false)?
        } else {
            pyops::numpy_binary(op, &array_value(data), &init, false)?
        };
        data = arr(&v)?.to_data();
    }
    if let Some(dt) = dtype {
        data = cast_data(&data.view(), dt);
    }
    if matches!(r, Reduction::Sum | Reduction::Prod | Reduction::Mean) && a.dtype() == DType::Float64 {
        reduce::reduction_flag_warnings(&a, &data);
    }
    if r == Reduction::Mean {
        let out_size: usize = data.shape().iter().product();
        if count == 0 {
            crate::interp::warnings::warn_at("RuntimeWarning", "Mean of empty slice", "mean");
            if out_size > 0 {
                let scalar = data.shape().is_empty();
                let msg = if scalar {
                    "invalid value encountered in scalar divide"
                } else {
                    "invalid value encountered in divide"
                };
                crate::interp::warnings::warn_at("RuntimeWarning", msg, "mean-divide");
                // NumPy makes a scalar's nan an int64 with a cast of its own.
                if scalar && dtype == Some(DType::Int64) {
                    crate::interp::warnings::warn_at(
                        "RuntimeWarning",
                        "invalid value encountered in cast",
                        "mean-cast",
                    );
                }
            }
        }
    }
    Ok(wrap_result(data))
}

const RED_PARAMS: &[&str] = &["a", "axis", "dtype", "out", "keepdims", "initial", "where"];
const MINMAX_PARAMS: &[&str] = &["a", "axis", "out", "keepdims", "initial", "where"];

fn np_sum(_: &mut Interp, args: Args) -> PyResult<Value> {
    reduce_call("sum", Reduction::Sum, args, RED_PARAMS)
}
fn np_prod(_: &mut Interp, args: Args) -> PyResult<Value> {
    reduce_call("prod", Reduction::Prod, args, RED_PARAMS)
}
fn np_mean(_: &mut Interp, args: Args) -> PyResult<Value> {
    reduce_call("mean", Reduction::Mean, args, RED_PARAMS)
}
fn np_max(_: &mut Interp, args: Args) -> PyResult<Value> {
    reduce_call("max", Reduction::Max, args, MINMAX_PARAMS)
}
fn np_min(_: &mut Interp, args: Args) -> PyResult<Value> {
    reduce_call("min", Reduction::Min, args, MINMAX_PARAMS)
}
fn np_all(_: &mut Interp, args: Args) -> PyResult<Value> {
    reduce_call("all", Reduction::All, args, MINMAX_PARAMS)
}
fn np_any(_: &mut Interp, args: Args) -> PyResult<Value> {
    reduce_call("any", Reduction::Any, args, MINMAX_PARAMS)
}

// The reduction methods (`a.sum()`, ...): NumPy runs them through
// `numpy._core._methods._sum` and its siblings, whose names its argument
// errors show (`_sum() got an unexpected keyword argument 'foo'`).
fn m_sum(_: &mut Interp, args: Args) -> PyResult<Value> {
    reduce_call("_sum", Reduction::Sum, args, RED_PARAMS)
}
fn m_prod(_: &mut Interp, args: Args) -> PyResult<Value> {
    reduce_call("_prod", Reduction::Prod, args, RED_PARAMS)
}
fn m_mean(_: &mut Interp, args: Args) -> PyResult<Value> {
    reduce_call("_mean", Reduction::Mean, args, RED_PARAMS)
}
fn m_max(_: &mut Interp, args: Args) -> PyResult<Value> {
    reduce_call("_amax", Reduction::Max, args, MINMAX_PARAMS)
}
fn m_min(_: &mut Interp, args: Args) -> PyResult<Value> {
    reduce_call("_amin", Reduction::Min, args, MINMAX_PARAMS)
}
fn m_all(_: &mut Interp, args: Args) -> PyResult<Value> {
    reduce_call("_all", Reduction::All, args, MINMAX_PARAMS)
}
fn m_any(_: &mut Interp, args: Args) -> PyResult<Value> {
    reduce_call("_any", Reduction::Any, args, MINMAX_PARAMS)
}
fn m_var(_: &mut Interp, args: Args) -> PyResult<Value> {
    var_call("_var", args, false)
}
fn m_std(_: &mut Interp, args: Args) -> PyResult<Value> {
    var_call("_std", args, true)
}

/// `np.any` of a value (for `in` on arrays).
pub fn any_value(v: &Value) -> PyResult<Value> {
    let a = arr(v)?;
    let axes = normalize_axes(None, a.ndim())?;
    a.with_view(|view| reduce::reduce(&view, Reduction::Any, &axes, false)).map(wrap_result)
}

fn np_count_nonzero(_: &mut Interp, args: Args) -> PyResult<Value> {
    reduce_call("count_nonzero", Reduction::CountNonzero, args, &["a", "axis", "keepdims"])
}

fn var_call(name: &str, args: Args, sqrt: bool) -> PyResult<Value> {
    const P: &[&str] = &["a", "axis", "dtype", "out", "ddof", "keepdims"];
    let mut s = bind(name, args, P, 1)?;
    super::not_supported(&s, P, &["dtype"], name)?;
    let a = arr(&req(&mut s, 0))?;
    let axis = axis_arg(opt(&mut s, 1))?;
    let ddof = opt(&mut s, 4).map(|v| float_of(&v)).transpose()?.unwrap_or(0.0);
    let keepdims = bool_of(opt(&mut s, 5))?;
    let axes = normalize_axes(axis.as_deref(), a.ndim())?;
    let mut r = a.with_view(|v| reduce::variance(&v, &axes, ddof, keepdims))?;
    let count: usize = axes.iter().map(|&ax| a.shape()[ax]).product();
    if !r.is_empty() {
        let values = a.with_view(|v| crate::ops::cast::as_f64(&v).into_owned());
        reduce::variance_warnings(values, &axes, count, ddof, &r);
    }
    if sqrt {
        r.mapv_inplace(f64::sqrt);
    }
    Ok(wrap_result(ArrayData::Float(r)))
}

fn np_var(_: &mut Interp, args: Args) -> PyResult<Value> {
    var_call("var", args, false)
}
fn np_std(_: &mut Interp, args: Args) -> PyResult<Value> {
    var_call("std", args, true)
}

/// A single-axis argument, normalised. A 0-d array accepts axis 0 / -1
/// and is then treated as having no axis (NumPy's quirk).
fn single_axis(v: Option<Value>, ndim: usize) -> PyResult<Option<usize>> {
    let Some(v) = v else { return Ok(None) };
    let axes = normalize_axes(Some(&[int_of(&v)?]), ndim)?;
    Ok(if ndim == 0 { None } else { axes.first().copied() })
}

fn arg_call(name: &str, args: Args, max: bool) -> PyResult<Value> {
    let mut s = bind(name, args, &["a", "axis", "out", "keepdims"], 1)?;
    let a = arr(&req(&mut s, 0))?;
    let axis = single_axis(opt(&mut s, 1), a.ndim())?;
    let keepdims = bool_of(opt(&mut s, 3))?;
    let r = a.with_view(|v| reduce::arg_extreme(&v, axis, max, keepdims))?;
    Ok(wrap_result(ArrayData::Int(r)))
}

fn np_argmax(_: &mut Interp, args: Args) -> PyResult<Value> {
    arg_call("argmax", args, true)
}
fn np_argmin(_: &mut Interp, args: Args) -> PyResult<Value> {
    arg_call("argmin", args, false)
}

fn cum_call(name: &str, args: Args, product: bool) -> PyResult<Value> {
    const P: &[&str] = &["a", "axis", "dtype", "out"];
    let mut s = bind(name, args, P, 1)?;
    let a = arr(&req(&mut s, 0))?;
    let axis = single_axis(opt(&mut s, 1), a.ndim())?;
    // dtype= converts the elements first and is the result's type:
    // np.cumsum([1.5, 2.5, -1.7], dtype=int) is [1, 3, 2]; in bool a running
    // sum is true from the first true on, a running product until the first
    // false (the int64 result cast back).
    let dtype = dtype_arg(opt(&mut s, 2))?;
    let a = match dtype {
        Some(dt) if dt != a.dtype() => NdArray::new(a.with_view(|v| cast_warned(&v, dt))),
        _ => a,
    };
    let data = a.with_view(|v| reduce::cumulative(&v, axis, product))?;
    Ok(array_value(match dtype {
        Some(dt) if dt != data.dtype() => cast_data(&data.view(), dt),
        _ => data,
    }))
}

fn np_cumsum(_: &mut Interp, args: Args) -> PyResult<Value> {
    cum_call("cumsum", args, false)
}
fn np_cumprod(_: &mut Interp, args: Args) -> PyResult<Value> {
    cum_call("cumprod", args, true)
}

// ---------------------------------------------------------------- linear algebra

fn np_dot(_: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("dot", args, &["a", "b", "out"], 2)?;
    linalg::dot_values(&req(&mut s, 0), &req(&mut s, 1))
}

fn np_matmul(_: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("matmul", args, &["x1", "x2", "out"], 2)?;
    linalg::matmul_values(&req(&mut s, 0), &req(&mut s, 1))
}

fn np_inner(_: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("inner", args, &["a", "b"], 2)?;
    let (a, b) = (req(&mut s, 0), req(&mut s, 1));
    let (aa, ba) = (arr(&a)?, arr(&b)?);
    if aa.ndim() == 0 || ba.ndim() == 0 {
        return pyops::numpy_binary(Ufunc2::Multiply, &a, &b, false);
    }
    // Contract the last axes: swap b's last two axes and use dot's rule.
    let n = ba.ndim() as i64;
    let bt = if n >= 2 {
        let mut perm: Vec<i64> = (0..n).collect();
        perm.swap((n - 1) as usize, (n - 2) as usize);
        transpose_value(&ba, Some(perm))?
    } else {
        Value::Array(ba)
    };
    linalg::dot_values(&Value::Array(aa), &bt)
}

fn np_outer(_: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("outer", args, &["a", "b", "out"], 2)?;
    linalg::outer_values(&req(&mut s, 0), &req(&mut s, 1))
}

fn np_vdot(_: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("vdot", args, &["a", "b"], 2)?;
    let a = arr(&req(&mut s, 0))?;
    let b = arr(&req(&mut s, 1))?;
    let fa = array_value(linalg::reshape_data(a.to_data(), &[a.size()])?);
    let fb = array_value(linalg::reshape_data(b.to_data(), &[b.size()])?);
    if a.size() != b.size() {
        return Err(PyErr::value(
            "cannot reshape array of size 3 into shape (2,)"
                .replace("3", &b.size().to_string())
                .replace("(2,)", &format!("({},)", a.size())),
        ));
    }
    linalg::dot_values(&fa, &fb)
}

// ---------------------------------------------------------------- shapes

/// NumPy's text for a requested shape in the reshape error.
fn requested_shape_text(req: &[i64]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut leading = true;
    for &d in req {
        if d == -1 && leading {
            continue;
        }
        leading = false;
        parts.push(if d == -1 { "newaxis".into() } else { d.to_string() });
    }
    if req.len() == 1 && parts.len() == 1 {
        format!("({},)", parts[0])
    } else {
        format!("({})", parts.join(","))
    }
}

/// `a.reshape(shape)`: a view when the array is contiguous, else a copy.
pub fn reshape_array(a: &NdArray, req: &[i64]) -> PyResult<NdArray> {
    let size = a.size();
    // Any negative entry means "unknown" (NumPy accepts -2 as well as -1).
    let req: Vec<i64> = req.iter().map(|&d| if d < 0 { -1 } else { d }).collect();
    let req = &req[..];
    let unknown = req.iter().filter(|&&d| d == -1).count();
    if unknown > 1 {
        return Err(PyErr::value("can only specify one unknown dimension"));
    }
    let known: Option<usize> = req.iter().filter(|&&d| d != -1).try_fold(1usize, |acc, &d| acc.checked_mul(d as usize));
    let Some(known) = known else {
        return Err(PyErr::value(format!(
            "cannot reshape array of size {size} into shape {}",
            requested_shape_text(req)
        )));
    };
    let err = || PyErr::value(format!("cannot reshape array of size {size} into shape {}", requested_shape_text(req)));
    let shape: Vec<usize> = if unknown == 1 {
        if known == 0 || !size.is_multiple_of(known) {
            return Err(err());
        }
        req.iter().map(|&d| if d == -1 { size / known } else { d as usize }).collect()
    } else {
        if known != size {
            return Err(err());
        }
        req.iter().map(|&d| d as usize).collect()
    };
    if a.is_c_contiguous() {
        return Ok(a.derive(ViewOp::Reshape(shape)));
    }
    Ok(NdArray::new(linalg::reshape_data(a.to_data(), &shape)?))
}

fn np_reshape(_: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("reshape", args, &["a", "shape", "order", "newshape"], 1)?;
    let a = arr(&req(&mut s, 0))?;
    let shape = opt(&mut s, 1)
        .or_else(|| opt(&mut s, 3))
        .ok_or_else(|| PyErr::type_err("reshape() missing 1 required positional argument: 'shape'"))?;
    let fortran = order_is_f(opt(&mut s, 2))?;
    reshape_ordered(&a, &shape_arg(&shape)?, fortran)
}

/// `order='F'` (column-major) or the default 'C'.
fn order_is_f(v: Option<Value>) -> PyResult<bool> {
    match v {
        None => Ok(false),
        Some(Value::Str(s)) if matches!(s.as_ref(), "C" | "A" | "K") => Ok(false),
        Some(Value::Str(s)) if s.as_ref() == "F" => Ok(true),
        Some(_) => Err(PyErr::value("order must be one of 'C', 'F', 'A', or 'K'")),
    }
}

/// Reshape in C order (a view when possible) or F order (a copy).
fn reshape_ordered(a: &NdArray, req: &[i64], fortran: bool) -> PyResult<Value> {
    if !fortran {
        return Ok(Value::Array(reshape_array(a, req)?));
    }
    // F order: reverse the axes, reshape the reversed request in C order, reverse back.
    let Value::Array(t) = transpose_value(a, None)? else { return Err(PyErr::value("transpose")) };
    let rev: Vec<i64> = req.iter().rev().copied().collect();
    let r = reshape_array(&NdArray::new(t.to_data()), &rev)?;
    let Value::Array(back) = transpose_value(&r, None)? else { return Err(PyErr::value("transpose")) };
    Ok(Value::Array(NdArray::new(back.to_data())))
}

fn m_reshape(_: &mut Interp, args: Args) -> PyResult<Value> {
    let Some((recv, rest)) = args.positional.split_first() else {
        return Err(PyErr::type_err("reshape() needs an array"));
    };
    let a = arr(recv)?;
    // NumPy 2.4's `ndarray.reshape(*shape, order='C', copy=None)`: the
    // shape is never a keyword there.
    super::invalid_keyword(&args, &["order", "copy"], None)?;
    if rest.is_empty() {
        return Err(PyErr::type_err("reshape() takes exactly 1 argument (0 given)"));
    }
    let shape = shape_varargs(rest)?;
    let copy = match args.keyword("copy") {
        None | Some(Value::None) => None,
        Some(Value::Str(_)) => {
            return Err(PyErr::value("strings are not allowed for 'copy' keyword. Use True/False/None instead."))
        }
        Some(v) => Some(pyops::truthy(v)?),
    };
    let fortran = order_is_f(args.keyword("order").cloned())?;
    let r = reshape_ordered(&a, &shape, fortran)?;
    match (copy, &r) {
        (Some(true), Value::Array(v)) if v.shares_memory(&a) => Ok(Value::Array(NdArray::new(v.to_data()))),
        // npr makes F-order reshapes as copies even where NumPy gives a
        // view, so only a C-order copy is known to be NumPy's too.
        (Some(false), Value::Array(v)) if !fortran && !v.shares_memory(&a) && v.size() > 0 => {
            Err(PyErr::value("Unable to avoid creating a copy while reshaping."))
        }
        _ => Ok(r),
    }
}

/// `a.T` / `np.transpose(a, axes)`: a view.
pub fn transpose_value(a: &NdArray, axes: Option<Vec<i64>>) -> PyResult<Value> {
    let n = a.ndim();
    let perm: Vec<usize> = match axes {
        None => (0..n).rev().collect(),
        Some(ax) => {
            if ax.len() != n {
                return Err(PyErr::value("axes don't match array"));
            }
            let mut p = Vec::new();
            for &x in &ax {
                let j = if x < 0 { x + n as i64 } else { x };
                if j < 0 || j >= n as i64 {
                    return Err(PyErr::axis(x, n));
                }
                if p.contains(&(j as usize)) {
                    return Err(PyErr::value("repeated axis in transpose"));
                }
                p.push(j as usize);
            }
            p
        }
    };
    Ok(Value::Array(a.derive(ViewOp::Permute(perm))))
}

fn np_transpose(_: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("transpose", args, &["a", "axes"], 1)?;
    let a = arr(&req(&mut s, 0))?;
    let axes = opt(&mut s, 1).map(|v| shape_arg(&v)).transpose()?;
    transpose_value(&a, axes)
}

fn m_transpose(_: &mut Interp, args: Args) -> PyResult<Value> {
    let Some((recv, rest)) = args.positional.split_first() else {
        return Err(PyErr::type_err("transpose() needs an array"));
    };
    let a = arr(recv)?;
    let axes = if rest.is_empty() || matches!(rest, [Value::None]) { None } else { Some(shape_varargs(rest)?) };
    transpose_value(&a, axes)
}

/// [`normalize_axis`] for the argument `which`, named in the error as
/// NumPy names it (`axis1: axis 3 is out of bounds ...`).
fn named_axis(axis: i64, ndim: usize, which: &str) -> PyResult<usize> {
    normalize_axis(axis, ndim).map_err(|mut e| {
        e.message = format!("{which}: {}", e.message);
        e
    })
}

fn np_swapaxes(_: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("swapaxes", args, &["a", "axis1", "axis2"], 3)?;
    let a = arr(&req(&mut s, 0))?;
    let n = a.ndim();
    let norm = |v: Value, which: &str| named_axis(int_of(&v)?, n, which);
    let (i, j) = (norm(req(&mut s, 1), "axis1")?, norm(req(&mut s, 2), "axis2")?);
    let mut perm: Vec<i64> = (0..n as i64).collect();
    perm.swap(i, j);
    transpose_value(&a, Some(perm))
}

fn squeeze_value(a: &NdArray, axis: Option<Vec<i64>>) -> PyResult<Value> {
    let shape = a.shape();
    let axes: Vec<usize> = match axis {
        None => (0..shape.len()).filter(|&i| shape[i] == 1).collect(),
        Some(ax) => {
            let axes = normalize_axes(Some(&ax), shape.len())?;
            if axes.iter().any(|&i| shape[i] != 1) {
                return Err(PyErr::value("cannot select an axis to squeeze out which has size not equal to one"));
            }
            axes
        }
    };
    let mut view = a.clone();
    for &ax in axes.iter().rev() {
        view = view.derive(ViewOp::Index { axis: ax, index: 0 });
    }
    Ok(Value::Array(view))
}

fn np_squeeze(_: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("squeeze", args, &["a", "axis"], 1)?;
    let a = arr(&req(&mut s, 0))?;
    squeeze_value(&a, axis_arg(opt(&mut s, 1))?)
}

fn np_expand_dims(_: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("expand_dims", args, &["a", "axis"], 2)?;
    let a = arr(&req(&mut s, 0))?;
    let axes = axis_arg(opt(&mut s, 1))?.unwrap_or_default();
    let out_ndim = a.ndim() + axes.len();
    let norm = normalize_axes(Some(&axes), out_ndim)?;
    let mut view = a.clone();
    for ax in norm {
        view = view.derive(ViewOp::NewAxis { axis: ax });
    }
    Ok(Value::Array(view))
}

pub(crate) fn flatten_copy(a: &NdArray) -> PyResult<Value> {
    Ok(array_value(linalg::reshape_data(a.to_data(), &[a.size()])?))
}

fn np_ravel(_: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("ravel", args, &["a", "order"], 1)?;
    let a = arr(&req(&mut s, 0))?;
    if a.is_c_contiguous() {
        return Ok(Value::Array(a.derive(ViewOp::Reshape(vec![a.size()]))));
    }
    flatten_copy(&a)
}

fn m_flatten(_: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("flatten", args, &["self", "order"], 1)?;
    let a = arr(&req(&mut s, 0))?;
    let fortran = order_is_f(opt(&mut s, 1))?;
    reshape_ordered(&a, &[-1], fortran).map(|v| match v {
        Value::Array(x) if !fortran => Value::Array(NdArray::new(x.to_data())),
        other => other,
    })
}

/// Arrays of a sequence argument (`np.concatenate([a, b])`).
pub(crate) fn array_list(v: &Value) -> PyResult<Vec<NdArray>> {
    pyops::iterate(v)?.iter().map(arr).collect()
}

pub(crate) fn concat(arrays: &[NdArray], axis: Option<i64>) -> PyResult<ArrayData> {
    if arrays.is_empty() {
        return Err(PyErr::value("need at least one array to concatenate"));
    }
    let arrays: Vec<NdArray> = match axis {
        None => arrays
            .iter()
            .map(|a| NdArray::new(linalg::reshape_data(a.to_data(), &[a.size()]).unwrap_or_else(|_| a.to_data())))
            .collect(),
        Some(_) => arrays.to_vec(),
    };
    let ndim = arrays[0].ndim();
    if ndim == 0 {
        return Err(PyErr::value("zero-dimensional arrays cannot be concatenated"));
    }
    let ax = normalize_axis(axis.unwrap_or(0), ndim)?;
    let s0 = arrays[0].shape();
    for (i, a) in arrays.iter().enumerate().skip(1) {
        if a.ndim() != ndim {
            return Err(PyErr::value(format!(
                "all the input arrays must have same number of dimensions, but the array at index 0 has {ndim} dimension(s) and the array at index {i} has {} dimension(s)",
                a.ndim()
            )));
        }
        let s = a.shape();
        for d in 0..ndim {
            if d != ax && s[d] != s0[d] {
                return Err(PyErr::value(format!(
                    "all the input array dimensions except for the concatenation axis must match exactly, but along dimension {d}, the array at index 0 has size {} and the array at index {i} has size {}",
                    s0[d], s[d]
                )));
            }
        }
    }
    let dt = arrays.iter().map(|a| a.dtype()).max().unwrap_or(DType::Float64);
    let mut shape = s0.clone();
    shape[ax] = arrays.iter().map(|a| a.shape()[ax]).sum();
    check_alloc(&shape, dt)?;
    let datas: Vec<ArrayData> = arrays.iter().map(|a| cast_data(&a.to_data().view(), dt)).collect();
    macro_rules! cat {
        ($variant:ident) => {{
            let views: Vec<_> = datas
                .iter()
                .filter_map(|d| match d {
                    ArrayData::$variant(x) => Some(x.view()),
                    _ => None,
                })
                .collect();
            ArrayData::$variant(
                ndarray::concatenate(ndarray::Axis(ax), &views).map_err(|e| PyErr::value(e.to_string()))?,
            )
        }};
    }
    Ok(match dt {
        DType::Float64 => cat!(Float),
        DType::Int64 => cat!(Int),
        DType::Bool => cat!(Bool),
    })
}

fn np_concatenate(_: &mut Interp, args: Args) -> PyResult<Value> {
    const P: &[&str] = &["arrays", "axis", "out", "dtype"];
    let mut s = bind("concatenate", args, P, 1)?;
    super::not_supported(&s, P, &["dtype"], "concatenate")?;
    let arrays = array_list(&req(&mut s, 0))?;
    let axis = match s.get_mut(1).and_then(|x| x.take()) {
        None => Some(0),
        Some(Value::None) => None,
        Some(v) => Some(int_of(&v)?),
    };
    concat(&arrays, axis).map(array_value)
}

pub(crate) fn stack_arrays(arrays: &[NdArray], axis: i64) -> PyResult<ArrayData> {
    if arrays.is_empty() {
        return Err(PyErr::value("need at least one array to stack"));
    }
    let s0 = arrays[0].shape();
    if arrays.iter().any(|a| a.shape() != s0) {
        return Err(PyErr::value("all input arrays must have the same shape"));
    }
    let ax = normalize_axis(axis, s0.len() + 1)?;
    let expanded: Vec<NdArray> = arrays.iter().map(|a| a.derive(ViewOp::NewAxis { axis: ax })).collect();
    concat(&expanded, Some(ax as i64))
}

fn np_stack(_: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("stack", args, &["arrays", "axis", "out"], 1)?;
    let arrays = array_list(&req(&mut s, 0))?;
    let axis = opt(&mut s, 1).map(|v| int_of(&v)).transpose()?.unwrap_or(0);
    stack_arrays(&arrays, axis).map(array_value)
}

pub(crate) fn atleast_2d(a: &NdArray) -> NdArray {
    match a.ndim() {
        0 => a.derive(ViewOp::NewAxis { axis: 0 }).derive(ViewOp::NewAxis { axis: 0 }),
        1 => a.derive(ViewOp::NewAxis { axis: 0 }),
        _ => a.clone(),
    }
}

fn np_vstack(_: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("vstack", args, &["tup"], 1)?;
    let arrays: Vec<NdArray> = array_list(&req(&mut s, 0))?.iter().map(atleast_2d).collect();
    concat(&arrays, Some(0)).map(array_value)
}

fn np_hstack(_: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("hstack", args, &["tup"], 1)?;
    let arrays: Vec<NdArray> = array_list(&req(&mut s, 0))?
        .iter()
        .map(|a| if a.ndim() == 0 { a.derive(ViewOp::NewAxis { axis: 0 }) } else { a.clone() })
        .collect();
    let axis = if arrays.first().is_some_and(|a| a.ndim() == 1) { 0 } else { 1 };
    concat(&arrays, Some(axis)).map(array_value)
}

fn np_atleast_2d(_: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("atleast_2d", args, &["arys"], 1)?;
    Ok(Value::Array(atleast_2d(&arr(&req(&mut s, 0))?)))
}

fn np_broadcast_to(_: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("broadcast_to", args, &["array", "shape"], 2)?;
    let a = arr(&req(&mut s, 0))?;
    let shape = shape_of(&req(&mut s, 1))?;
    let ash = a.shape();
    let ok = crate::ops::broadcast::broadcast_shapes(&[&ash, &shape]).is_some_and(|b| b == shape);
    if !ok {
        return Err(PyErr::value(format!(
            "operands could not be broadcast together with remapped shapes [original->remapped]: {}  and requested shape {}",
            compact_shape(&ash),
            compact_shape(&shape)
        )));
    }
    check_alloc(&shape, a.dtype())?;
    let data = a.with_view(|v| match v {
        AView::Bool(x) => x.broadcast(IxDyn(&shape)).map(|b| ArrayData::Bool(b.to_owned())),
        AView::Int(x) => x.broadcast(IxDyn(&shape)).map(|b| ArrayData::Int(b.to_owned())),
        AView::Float(x) => x.broadcast(IxDyn(&shape)).map(|b| ArrayData::Float(b.to_owned())),
    });
    data.map(|d| Value::Array(NdArray::new(d).into_readonly())).ok_or_else(|| PyErr::value("broadcast failed"))
}

fn np_shape(_: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("shape", args, &["a"], 1)?;
    Ok(Value::shape_tuple(&arr(&req(&mut s, 0))?.shape()))
}
fn np_ndim(_: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("ndim", args, &["a"], 1)?;
    Ok(Value::Int(arr(&req(&mut s, 0))?.ndim() as i128))
}
fn np_size(_: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("size", args, &["a", "axis"], 1)?;
    let a = arr(&req(&mut s, 0))?;
    match opt(&mut s, 1) {
        None => Ok(Value::Int(a.size() as i128)),
        Some(ax) => {
            let ax = normalize_axis(int_of(&ax)?, a.ndim())?;
            Ok(Value::Int(a.shape()[ax] as i128))
        }
    }
}

// ---------------------------------------------------------------- selection

fn np_where(_: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("where", args, &["condition", "x", "y"], 1)?;
    let cond = req(&mut s, 0);
    let x = opt(&mut s, 1);
    let y = opt(&mut s, 2);
    match (x, y) {
        (None, None) => nonzero_value(&arr(&cond)?).map_err(|mut e| {
            e.message
                .push_str(" If the context of this error is of the form `arr[nonzero(cond)]`, just use `arr[cond]`.");
            e
        }),
        (Some(x), Some(y)) => {
            let c = arr(&cond)?;
            let (xo, yo) = (crate::value::convert::to_operand(&x)?, crate::value::convert::to_operand(&y)?);
            let shapes = [c.shape(), xo.shape(), yo.shape()];
            let refs: Vec<&[usize]> = shapes.iter().map(|s| s.as_slice()).collect();
            let shape = crate::ops::broadcast::broadcast_shapes(&refs)
                .ok_or_else(|| PyErr::value(crate::ops::broadcast::broadcast_error_message(&refs)))?;
            let dt = crate::ops::ufunc::result_dtype(&xo, &yo);
            check_alloc(&shape, dt)?;
            let cb = c.with_view(|v| crate::ops::cast::as_bool(&v).broadcast(IxDyn(&shape)).map(|b| b.to_owned()));
            let cb = cb.ok_or_else(|| PyErr::value("broadcast"))?;
            let xd = xo.with_view(|v| cast_data(&v, dt));
            let yd = yo.with_view(|v| cast_data(&v, dt));
            macro_rules! pick {
                ($variant:ident, $a:expr, $b:expr) => {{
                    let a = $a.broadcast(IxDyn(&shape)).ok_or_else(|| PyErr::value("broadcast"))?;
                    let b = $b.broadcast(IxDyn(&shape)).ok_or_else(|| PyErr::value("broadcast"))?;
                    let out = ndarray::Zip::from(&cb).and(&a).and(&b).map_collect(|&c, &p, &q| if c { p } else { q });
                    ArrayData::$variant(out)
                }};
            }
            let out = match (xd, yd) {
                (ArrayData::Float(a), ArrayData::Float(b)) => pick!(Float, a, b),
                (ArrayData::Int(a), ArrayData::Int(b)) => pick!(Int, a, b),
                (ArrayData::Bool(a), ArrayData::Bool(b)) => pick!(Bool, a, b),
                _ => return Err(PyErr::value("where: dtype mismatch")),
            };
            Ok(array_value(out))
        }
        _ => Err(PyErr::value("either both or neither of x and y should be given")),
    }
}

pub(crate) fn nonzero_value(a: &NdArray) -> PyResult<Value> {
    if a.ndim() == 0 {
        return Err(PyErr::value(
            "Calling nonzero on 0d arrays is not allowed. Use np.atleast_1d(scalar).nonzero() instead.",
        ));
    }
    let b = a.with_view(|v| crate::ops::cast::as_bool(&v).into_owned());
    let ndim = b.ndim().max(1);
    let mut cols: Vec<Vec<i64>> = vec![Vec::new(); ndim];
    for (ix, &x) in b.indexed_iter() {
        if x {
            for (d, col) in cols.iter_mut().enumerate() {
                col.push(ix.slice().get(d).copied().unwrap_or(0) as i64);
            }
        }
    }
    Ok(Value::tuple(
        cols.into_iter().map(|c| array_value(ArrayData::Int(ndarray::Array1::from(c).into_dyn()))).collect(),
    ))
}

fn np_nonzero(_: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("nonzero", args, &["a"], 1)?;
    nonzero_value(&arr(&req(&mut s, 0))?)
}

pub(crate) fn sorted_data(a: &NdArray, axis: Option<i64>, indices: bool) -> PyResult<ArrayData> {
    let (data, ax) = match axis {
        None => (linalg::reshape_data(a.to_data(), &[a.size()])?, 0),
        Some(x) => (a.to_data(), normalize_axes(Some(&[x]), a.ndim())?.first().copied().unwrap_or(0)),
    };
    if data.shape().is_empty() {
        return Err(PyErr::axis(axis.unwrap_or(0), 0));
    }
    macro_rules! sort_lanes {
        ($x:expr, $cmp:expr) => {{
            let mut out = $x.clone();
            let mut idx_out = $x.mapv(|_| 0i64);
            for (mut lane, mut ilane) in
                out.lanes_mut(ndarray::Axis(ax)).into_iter().zip(idx_out.lanes_mut(ndarray::Axis(ax)))
            {
                let vals: Vec<_> = lane.iter().copied().collect();
                let mut order: Vec<usize> = (0..vals.len()).collect();
                order.sort_by(|&i, &j| $cmp(&vals[i], &vals[j]));
                for (k, &o) in order.iter().enumerate() {
                    lane[k] = vals[o];
                    ilane[k] = o as i64;
                }
            }
            (out, idx_out)
        }};
    }
    let fcmp = |a: &f64, b: &f64| a.partial_cmp(b).unwrap_or_else(|| a.is_nan().cmp(&b.is_nan()));
    Ok(match data {
        ArrayData::Float(x) => {
            let (o, i) = sort_lanes!(x, fcmp);
            if indices {
                ArrayData::Int(i)
            } else {
                ArrayData::Float(o)
            }
        }
        ArrayData::Int(x) => {
            let (o, i) = sort_lanes!(x, |a: &i64, b: &i64| a.cmp(b));
            if indices {
                ArrayData::Int(i)
            } else {
                ArrayData::Int(o)
            }
        }
        ArrayData::Bool(x) => {
            let (o, i) = sort_lanes!(x, |a: &bool, b: &bool| a.cmp(b));
            if indices {
                ArrayData::Int(i)
            } else {
                ArrayData::Bool(o)
            }
        }
    })
}

/// `axis=` of sort/argsort: absent means -1, an explicit None flattens.
fn sort_axis_arg(v: Option<Option<Value>>) -> PyResult<Option<i64>> {
    match v {
        None | Some(None) => Ok(Some(-1)),
        Some(Some(Value::None)) => Ok(None),
        Some(Some(v)) => Ok(Some(int_of(&v)?)),
    }
}

fn np_sort(_: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("sort", args, &["a", "axis", "kind", "order"], 1)?;
    let a = arr(&req(&mut s, 0))?;
    let axis = sort_axis_arg(s.get_mut(1).map(|x| x.take()))?;
    sorted_data(&a, axis, false).map(array_value)
}

fn np_argsort(_: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("argsort", args, &["a", "axis", "kind", "order"], 1)?;
    let a = arr(&req(&mut s, 0))?;
    let axis = sort_axis_arg(s.get_mut(1).map(|x| x.take()))?;
    sorted_data(&a, axis, true).map(array_value)
}

fn m_sort(_: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("sort", args, &["self", "axis", "kind", "order"], 1)?;
    let a = arr(&req(&mut s, 0))?;
    let axis = sort_axis_arg(s.get_mut(1).map(|x| x.take()))?;
    let sorted = sorted_data(&a, axis, false)?;
    crate::ops::index::assign_into(&a, &crate::ops::ufunc::Operand::owned(sorted, false))?;
    Ok(Value::None)
}

pub(crate) fn unique_basic(_: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("unique", args, &["ar", "return_index", "return_inverse", "return_counts", "axis"], 1)?;
    let a = arr(&req(&mut s, 0))?;
    if let Some(ax) = opt(&mut s, 4) {
        normalize_axes(Some(&[int_of(&ax)?]), a.ndim())?;
    }
    let counts = bool_of(opt(&mut s, 3))?;
    let sorted = sorted_data(&a, None, false)?;
    macro_rules! uniq {
        ($x:expr, $variant:ident) => {{
            let mut vals = Vec::new();
            let mut cnt: Vec<i64> = Vec::new();
            for &v in $x.iter() {
                if vals.last().is_some_and(|l| *l == v || (is_nan_like(l) && is_nan_like(&v))) {
                    if let Some(c) = cnt.last_mut() {
                        *c += 1;
                    }
                } else {
                    vals.push(v);
                    cnt.push(1);
                }
            }
            (ArrayData::$variant(ndarray::Array1::from(vals).into_dyn()), cnt)
        }};
    }
    let (u, c) = match sorted {
        ArrayData::Float(x) => uniq!(x, Float),
        ArrayData::Int(x) => uniq!(x, Int),
        ArrayData::Bool(x) => uniq!(x, Bool),
    };
    if counts {
        return Ok(Value::tuple(vec![
            array_value(u),
            array_value(ArrayData::Int(ndarray::Array1::from(c).into_dyn())),
        ]));
    }
    Ok(array_value(u))
}

trait NanLike {
    fn nan_like(&self) -> bool;
}
impl NanLike for f64 {
    fn nan_like(&self) -> bool {
        self.is_nan()
    }
}
impl NanLike for i64 {
    fn nan_like(&self) -> bool {
        false
    }
}
impl NanLike for bool {
    fn nan_like(&self) -> bool {
        false
    }
}
fn is_nan_like<T: NanLike>(x: &T) -> bool {
    x.nan_like()
}

pub(crate) fn isclose_data(a: &Value, b: &Value, rtol: f64, atol: f64, equal_nan: bool) -> PyResult<Value> {
    let (x, y) = (crate::value::convert::to_operand(a)?, crate::value::convert::to_operand(b)?);
    let (sx, sy) = (x.shape(), y.shape());
    let shape = crate::ops::broadcast::broadcast_shapes(&[&sx, &sy])
        .ok_or_else(|| PyErr::value(crate::ops::broadcast::broadcast_error_message(&[&sx, &sy])))?;
    let r = x.with_view(|vx| {
        y.with_view(|vy| {
            let (fx, fy) = (as_f64(&vx), as_f64(&vy));
            let (bx, by) = (fx.broadcast(IxDyn(&shape)), fy.broadcast(IxDyn(&shape)));
            match (bx, by) {
                (Some(bx), Some(by)) => Some(ndarray::Zip::from(&bx).and(&by).map_collect(|&p, &q| {
                    ((p - q).abs() <= atol + rtol * q.abs() && q.is_finite())
                        || p == q
                        || (equal_nan && p.is_nan() && q.is_nan())
                })),
                _ => None,
            }
        })
    });
    let r = r.ok_or_else(|| PyErr::value("broadcast"))?;
    Ok(wrap_result(ArrayData::Bool(r)))
}

fn np_isclose(_: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("isclose", args, &["a", "b", "rtol", "atol", "equal_nan"], 2)?;
    let (a, b) = (req(&mut s, 0), req(&mut s, 1));
    let rtol = opt(&mut s, 2).map(|v| float_of(&v)).transpose()?.unwrap_or(1e-5);
    let atol = opt(&mut s, 3).map(|v| float_of(&v)).transpose()?.unwrap_or(1e-8);
    let en = bool_of(opt(&mut s, 4))?;
    isclose_data(&a, &b, rtol, atol, en)
}

fn np_allclose(_: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("allclose", args, &["a", "b", "rtol", "atol", "equal_nan"], 2)?;
    let (a, b) = (req(&mut s, 0), req(&mut s, 1));
    let rtol = opt(&mut s, 2).map(|v| float_of(&v)).transpose()?.unwrap_or(1e-5);
    let atol = opt(&mut s, 3).map(|v| float_of(&v)).transpose()?.unwrap_or(1e-8);
    let en = bool_of(opt(&mut s, 4))?;
    let c = isclose_data(&a, &b, rtol, atol, en)?;
    let all = arr(&c)?.with_view(|v| crate::ops::cast::as_bool(&v).iter().all(|&x| x));
    Ok(Value::Bool(all))
}

fn np_array_equal(_: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("array_equal", args, &["a1", "a2", "equal_nan"], 2)?;
    let (a, b) = (arr(&req(&mut s, 0))?, arr(&req(&mut s, 1))?);
    if a.shape() != b.shape() {
        return Ok(Value::Bool(false));
    }
    if bool_of(opt(&mut s, 2))? {
        let close = isclose_data(&Value::Array(a), &Value::Array(b), 0.0, 0.0, true)?;
        return Ok(Value::Bool(arr(&close)?.with_view(|v| crate::ops::cast::as_bool(&v).iter().all(|&x| x))));
    }
    let eq = pyops::numpy_binary(Ufunc2::Equal, &Value::Array(a), &Value::Array(b), false)?;
    let all = arr(&eq)?.with_view(|v| crate::ops::cast::as_bool(&v).iter().all(|&x| x));
    Ok(Value::Bool(all))
}

// ---------------------------------------------------------------- methods

fn m_copy(_: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("copy", args, &["self", "order"], 1)?;
    Ok(array_value(arr(&req(&mut s, 0))?.to_data()))
}

/// `v` converted to `dt`, with NumPy's warning when a float that is NaN or
/// out of int64's range becomes an int (`astype`, `cumsum(dtype=int)`).
fn cast_warned(v: &AView, dt: DType) -> ArrayData {
    cast_warned_in(v, dt, "cast")
}

/// [`cast_warned`] for a cast made inside `operation` (NumPy's reductions
/// say "invalid value encountered in reduce").
fn cast_warned_in(v: &AView, dt: DType, operation: &str) -> ArrayData {
    if let (DType::Int64, AView::Float(x)) = (dt, v) {
        if x.iter().any(|&f| crate::ops::cast::float_cast_invalid(f)) {
            crate::interp::warnings::warn_runtime(format!("invalid value encountered in {operation}"));
        }
    }
    cast_data(v, dt)
}

fn m_astype(_: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("astype", args, &["self", "dtype", "order", "casting", "subok", "copy"], 2)?;
    let recv = req(&mut s, 0);
    let dt = dtype_arg(opt(&mut s, 1))?.unwrap_or(DType::Float64);
    let a = arr(&recv)?;
    let data = a.to_data();
    let out = cast_warned(&data.view(), dt);
    if matches!(recv, Value::Scalar(_)) {
        return Ok(wrap_result(out));
    }
    Ok(array_value(out))
}

fn m_item(_: &mut Interp, args: Args) -> PyResult<Value> {
    let Some((recv, rest)) = args.positional.split_first() else {
        return Err(PyErr::type_err("item() needs an array"));
    };
    let a = arr(recv)?;
    let data = linalg::reshape_data(a.to_data(), &[a.size()])?;
    let i = match rest {
        [] => {
            if a.size() != 1 {
                return Err(PyErr::value("can only convert an array of size 1 to a Python scalar"));
            }
            0
        }
        [single] => {
            let i = int_of(single)?;
            let n = a.size() as i64;
            let j = if i < 0 { i + n } else { i };
            if j < 0 || j >= n {
                let msg = if a.ndim() == 1 {
                    format!("index {i} is out of bounds for axis 0 with size {n}")
                } else {
                    format!("index {i} is out of bounds for size {n}")
                };
                return Err(PyErr::index(msg));
            }
            j as usize
        }
        many => {
            let idx = crate::ops::index::get(&a, &Value::tuple(many.to_vec()))?;
            return Ok(to_python(&idx));
        }
    };
    Ok(match data {
        ArrayData::Bool(x) => Value::Bool(x[[i]]),
        ArrayData::Int(x) => Value::Int(x[[i]] as i128),
        ArrayData::Float(x) => Value::Float(x[[i]]),
    })
}

/// NumPy scalar → Python value (`.item()`, `.tolist()`).
pub fn to_python(v: &Value) -> Value {
    match v {
        Value::Scalar(Scalar::Bool(b)) => Value::Bool(*b),
        Value::Scalar(Scalar::Int(i)) => Value::Int(*i as i128),
        Value::Scalar(Scalar::Float(f)) => Value::Float(*f),
        other => other.clone(),
    }
}

fn tolist_data(d: &ArrayData) -> Value {
    fn rec<T: Copy>(a: ndarray::ArrayViewD<T>, conv: &dyn Fn(T) -> Value) -> Value {
        if a.ndim() == 0 {
            return conv(a.iter().next().copied().unwrap_or_else(|| unreachable!()));
        }
        Value::list(a.outer_iter().map(|sub| rec(sub, conv)).collect())
    }
    match d {
        ArrayData::Bool(a) => rec(a.view(), &|x| Value::Bool(x)),
        ArrayData::Int(a) => rec(a.view(), &|x| Value::Int(x as i128)),
        ArrayData::Float(a) => rec(a.view(), &|x| Value::Float(x)),
    }
}

fn m_tolist(_: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("tolist", args, &["self"], 1)?;
    let a = arr(&req(&mut s, 0))?;
    Ok(tolist_data(&a.to_data()))
}

fn m_fill(_: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("fill", args, &["self", "value"], 2)?;
    let a = arr(&req(&mut s, 0))?;
    let v = req(&mut s, 1);
    crate::ops::index::assign_into(&a, &crate::value::convert::to_operand(&v)?)?;
    Ok(Value::None)
}

fn m_squeeze(_: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("squeeze", args, &["self", "axis"], 1)?;
    let a = arr(&req(&mut s, 0))?;
    squeeze_value(&a, axis_arg(opt(&mut s, 1))?)
}

fn m_round(i: &mut Interp, args: Args) -> PyResult<Value> {
    np_round(i, args)
}

fn m_dot(i: &mut Interp, args: Args) -> PyResult<Value> {
    np_dot(i, args)
}

/// Texts for names NumPy 2 removed (with the hint npr adds).
pub fn removed_name(name: &str) -> Option<PyErr> {
    if let Some((_, msg)) = super::removed::REMOVED.iter().find(|(n, _)| *n == name) {
        return Some(PyErr::new(ExcType::AttributeError, *msg));
    }
    if name == "asscalar" {
        return Some(
            PyErr::new(ExcType::AttributeError, "module 'numpy' has no attribute 'asscalar'")
                .with_hint("np.asscalar was removed in NumPy 1.23; use a.item() to get a Python scalar"),
        );
    }
    None
}

/// Constants of the numpy module.
pub fn constant(name: &str) -> Option<Value> {
    Some(match name {
        "pi" => Value::Float(std::f64::consts::PI),
        "e" => Value::Float(std::f64::consts::E),
        "inf" => Value::Float(f64::INFINITY),
        "nan" => Value::Float(f64::NAN),
        "euler_gamma" => Value::Float(0.577_215_664_901_532_9),
        "newaxis" => Value::None,
        "float64" | "double" => Value::Type(TypeObj::NpFloat64),
        "int64" | "int_" | "intp" => Value::Type(TypeObj::NpInt64),
        "bool_" | "bool" => Value::Type(TypeObj::NpBool),
        "True_" => Value::Scalar(Scalar::Bool(true)),
        "False_" => Value::Scalar(Scalar::Bool(false)),
        "ndarray" => Value::Type(TypeObj::NdArray),
        "dtype" => Value::Type(TypeObj::DType),
        "generic" | "number" | "integer" | "signedinteger" | "floating" | "inexact" => {
            Value::Type(TypeObj::NpAbstract(match name {
                "generic" => "generic",
                "number" => "number",
                "integer" => "integer",
                "signedinteger" => "signedinteger",
                "floating" => "floating",
                _ => "inexact",
            }))
        }
        "random" => Value::Module(Module::Random),
        "linalg" => Value::Module(Module::Linalg),
        "__version__" => Value::str("2.4.6"),
        _ => return None,
    })
}

const SUM_DOC: &str = "Sum of array elements over the given axis. axis=None sums everything and returns a NumPy scalar; axis=k removes axis k from the shape ((2,3) with axis=1 gives (2,)); keepdims=True keeps it as length 1 ((2,1)). Float sums use NumPy's pairwise order.";
const DOT_DOC: &str = "Dot product. 1-D·1-D is the inner product (a NumPy scalar); 2-D·2-D is matrix multiplication, (m,k)·(k,n) → (m,n), so (1,8)·(8,1) gives a (1,1) array, not a scalar; N-d contracts the last axis of a with the second-to-last of b. The contracted lengths must match.";
const MATMUL_DOC: &str = "Matrix product (the @ operator). (m,k)@(k,n) → (m,n); a 1-D first operand acts as a row and a 1-D second operand as a column, and the added axis is removed again; leading axes broadcast as a stack of matrices. Scalars are not allowed.";
const MULTIPLY_DOC: &str = "Elementwise product (the * operator). Shapes broadcast: aligned from the right, each pair of lengths equal or 1. (8,1)*(8,1) → (8,1); (3,1)*(1,4) → (3,4).";

/// NumPy module functions.
pub static FUNCTIONS: &[Builtin] = &[
    f(NP, "array", "np.array(object, dtype=None)", "Create a new array from nested lists/tuples (always a copy). The shape is the nesting: [[1,2,3]] is (1,3), [1,2,3] is (3,). dtype is inferred: bool < int64 < float64.", np_array),
    f(NP, "asarray", "np.asarray(a, dtype=None)", "Convert to an array without copying when a already is one.", np_asarray),
    f(NP, "zeros", "np.zeros(shape, dtype=float)", "Array of zeros. np.zeros(3) is (3,), np.zeros((3,1)) is a (3,1) column.", np_zeros),
    f(NP, "ones", "np.ones(shape, dtype=float)", "Array of ones with the given shape.", np_ones),
    f(NP, "full", "np.full(shape, fill_value, dtype=None)", "Array of the given shape filled with fill_value.", np_full),
    f(NP, "zeros_like", "np.zeros_like(a, dtype=None)", "Zeros with the shape and dtype of a.", np_zeros_like),
    f(NP, "ones_like", "np.ones_like(a, dtype=None)", "Ones with the shape and dtype of a.", np_ones_like),
    f(NP, "full_like", "np.full_like(a, fill_value, dtype=None)", "fill_value with the shape and dtype of a.", np_full_like),
    f(NP, "eye", "np.eye(N, M=None, k=0, dtype=float)", "2-D array with ones on the diagonal (shifted by k): shape (N, M).", np_eye),
    f(NP, "identity", "np.identity(n, dtype=float)", "The (n,n) identity matrix.", np_identity),
    f(NP, "arange", "np.arange(start, stop, step)", "Evenly spaced values in [start, stop): a 1-D array of length ceil((stop-start)/step). Integer arguments give int64.", np_arange),
    f(NP, "linspace", "np.linspace(start, stop, num=50, endpoint=True)", "num evenly spaced floats from start to stop (inclusive unless endpoint=False): shape (num,).", np_linspace),
    f(NP, "diag", "np.diag(v, k=0)", "1-D input: a 2-D array with v on the diagonal. 2-D input: its diagonal as 1-D.", np_diag),
    f(NP, "add", "np.add(x1, x2)", "Elementwise sum (the + operator), with broadcasting.", np_add),
    f(NP, "subtract", "np.subtract(x1, x2)", "Elementwise difference (the - operator), with broadcasting.", np_subtract),
    f(NP, "multiply", "np.multiply(x1, x2)", MULTIPLY_DOC, np_multiply),
    f(NP, "divide", "np.divide(x1, x2)", "Elementwise true division (the / operator); always float.", np_divide),
    f(NP, "true_divide", "np.true_divide(x1, x2)", "Alias of np.divide.", np_divide),
    f(NP, "floor_divide", "np.floor_divide(x1, x2)", "Elementwise floor division (the // operator).", np_floor_divide),
    f(NP, "mod", "np.mod(x1, x2)", "Elementwise remainder with the sign of the divisor (the % operator).", np_remainder),
    f(NP, "remainder", "np.remainder(x1, x2)", "Elementwise remainder with the sign of the divisor (the % operator).", np_remainder),
    f(NP, "power", "np.power(x1, x2)", "Elementwise power (the ** operator).", np_power),
    f(NP, "negative", "np.negative(x)", "Elementwise -x.", np_negative),
    f(NP, "positive", "np.positive(x)", "Elementwise +x.", np_positive),
    f(NP, "abs", "np.abs(x)", "Elementwise absolute value.", np_absolute),
    f(NP, "absolute", "np.absolute(x)", "Elementwise absolute value.", np_absolute),
    f(NP, "sign", "np.sign(x)", "Elementwise sign: -1, 0 or 1.", np_sign),
    f(NP, "sqrt", "np.sqrt(x)", "Elementwise square root (nan with a warning for negatives).", np_sqrt),
    f(NP, "square", "np.square(x)", "Elementwise x*x.", np_square),
    f(NP, "reciprocal", "np.reciprocal(x)", "Elementwise 1/x.", np_reciprocal),
    f(NP, "exp", "np.exp(x)", "Elementwise e**x; the shape is unchanged.", np_exp),
    f(NP, "exp2", "np.exp2(x)", "Elementwise 2**x.", np_exp2),
    f(NP, "expm1", "np.expm1(x)", "Elementwise exp(x) - 1, accurate near 0.", np_expm1),
    f(NP, "log", "np.log(x)", "Elementwise natural logarithm; the shape is unchanged. log(0) is -inf and log of a negative is nan, each with a RuntimeWarning.", np_log),
    f(NP, "log2", "np.log2(x)", "Elementwise base-2 logarithm.", np_log2),
    f(NP, "log10", "np.log10(x)", "Elementwise base-10 logarithm.", np_log10),
    f(NP, "log1p", "np.log1p(x)", "Elementwise log(1 + x), accurate near 0.", np_log1p),
    f(NP, "sin", "np.sin(x)", "Elementwise sine.", np_sin),
    f(NP, "cos", "np.cos(x)", "Elementwise cosine.", np_cos),
    f(NP, "tan", "np.tan(x)", "Elementwise tangent.", np_tan),
    f(NP, "arcsin", "np.arcsin(x)", "Elementwise inverse sine.", np_arcsin),
    f(NP, "arccos", "np.arccos(x)", "Elementwise inverse cosine.", np_arccos),
    f(NP, "arctan", "np.arctan(x)", "Elementwise inverse tangent.", np_arctan),
    f(NP, "arctan2", "np.arctan2(x1, x2)", "Elementwise arctan(x1/x2) in the right quadrant.", np_arctan2),
    f(NP, "hypot", "np.hypot(x1, x2)", "Elementwise sqrt(x1**2 + x2**2).", np_hypot),
    f(NP, "sinh", "np.sinh(x)", "Elementwise hyperbolic sine.", np_sinh),
    f(NP, "cosh", "np.cosh(x)", "Elementwise hyperbolic cosine.", np_cosh),
    f(NP, "tanh", "np.tanh(x)", "Elementwise hyperbolic tangent.", np_tanh),
    f(NP, "floor", "np.floor(x)", "Elementwise floor.", np_floor),
    f(NP, "ceil", "np.ceil(x)", "Elementwise ceiling.", np_ceil),
    f(NP, "trunc", "np.trunc(x)", "Elementwise truncation toward zero.", np_trunc),
    f(NP, "rint", "np.rint(x)", "Round to the nearest integer (half to even).", np_rint),
    f(NP, "round", "np.round(a, decimals=0)", "Round half to even to the given number of decimals.", np_round),
    f(NP, "around", "np.around(a, decimals=0)", "Alias of np.round.", np_round),
    f(NP, "clip", "np.clip(a, a_min, a_max)", "Limit values to [a_min, a_max]; the shape is unchanged.", np_clip),
    f(NP, "maximum", "np.maximum(x1, x2)", "Elementwise maximum with broadcasting (nan propagates).", np_maximum),
    f(NP, "minimum", "np.minimum(x1, x2)", "Elementwise minimum with broadcasting (nan propagates).", np_minimum),
    f(NP, "fmax", "np.fmax(x1, x2)", "Elementwise maximum ignoring nan.", np_fmax),
    f(NP, "fmin", "np.fmin(x1, x2)", "Elementwise minimum ignoring nan.", np_fmin),
    f(NP, "isnan", "np.isnan(x)", "Elementwise test for nan (bool array).", np_isnan),
    f(NP, "isinf", "np.isinf(x)", "Elementwise test for ±inf.", np_isinf),
    f(NP, "isfinite", "np.isfinite(x)", "Elementwise test for finite values.", np_isfinite),
    f(NP, "signbit", "np.signbit(x)", "Elementwise test of the sign bit.", np_signbit),
    f(NP, "equal", "np.equal(x1, x2)", "Elementwise ==.", np_equal),
    f(NP, "not_equal", "np.not_equal(x1, x2)", "Elementwise !=.", np_not_equal),
    f(NP, "less", "np.less(x1, x2)", "Elementwise <.", np_less),
    f(NP, "less_equal", "np.less_equal(x1, x2)", "Elementwise <=.", np_less_equal),
    f(NP, "greater", "np.greater(x1, x2)", "Elementwise >.", np_greater),
    f(NP, "greater_equal", "np.greater_equal(x1, x2)", "Elementwise >=.", np_greater_equal),
    f(NP, "logical_and", "np.logical_and(x1, x2)", "Elementwise logical and.", np_logical_and),
    f(NP, "logical_or", "np.logical_or(x1, x2)", "Elementwise logical or.", np_logical_or),
    f(NP, "logical_xor", "np.logical_xor(x1, x2)", "Elementwise logical xor.", np_logical_xor),
    f(NP, "logical_not", "np.logical_not(x)", "Elementwise logical not.", np_logical_not),
    f(NP, "bitwise_and", "np.bitwise_and(x1, x2)", "Elementwise & on ints and bools.", np_bitwise_and),
    f(NP, "bitwise_or", "np.bitwise_or(x1, x2)", "Elementwise | on ints and bools.", np_bitwise_or),
    f(NP, "bitwise_xor", "np.bitwise_xor(x1, x2)", "Elementwise ^ on ints and bools.", np_bitwise_xor),
    f(NP, "invert", "np.invert(x)", "Elementwise ~ (bitwise not).", np_invert),
    f(NP, "sum", "np.sum(a, axis=None, keepdims=False)", SUM_DOC, np_sum),
    f(NP, "prod", "np.prod(a, axis=None, keepdims=False)", "Product of elements over an axis (same shape rules as np.sum).", np_prod),
    f(NP, "mean", "np.mean(a, axis=None, keepdims=False)", "Arithmetic mean over an axis (same shape rules as np.sum); always float.", np_mean),
    f(NP, "std", "np.std(a, axis=None, ddof=0, keepdims=False)", "Standard deviation over an axis (same shape rules as np.sum).", np_std),
    f(NP, "var", "np.var(a, axis=None, ddof=0, keepdims=False)", "Variance over an axis (same shape rules as np.sum).", np_var),
    f(NP, "max", "np.max(a, axis=None, keepdims=False)", "Maximum over an axis (same shape rules as np.sum); nan propagates.", np_max),
    f(NP, "min", "np.min(a, axis=None, keepdims=False)", "Minimum over an axis (same shape rules as np.sum); nan propagates.", np_min),
    f(NP, "amax", "np.amax(a, axis=None, keepdims=False)", "Alias of np.max.", np_max),
    f(NP, "amin", "np.amin(a, axis=None, keepdims=False)", "Alias of np.min.", np_min),
    f(NP, "argmax", "np.argmax(a, axis=None)", "Index of the maximum; without axis, an index into the flattened array.", np_argmax),
    f(NP, "argmin", "np.argmin(a, axis=None)", "Index of the minimum; without axis, an index into the flattened array.", np_argmin),
    f(NP, "all", "np.all(a, axis=None, keepdims=False)", "True when all elements are true.", np_all),
    f(NP, "any", "np.any(a, axis=None, keepdims=False)", "True when any element is true.", np_any),
    f(NP, "cumsum", "np.cumsum(a, axis=None, dtype=None)", "Cumulative sum; without axis the result is flattened to 1-D.", np_cumsum),
    f(NP, "cumprod", "np.cumprod(a, axis=None, dtype=None)", "Cumulative product; without axis the result is flattened to 1-D.", np_cumprod),
    f(NP, "count_nonzero", "np.count_nonzero(a, axis=None)", "Number of non-zero elements.", np_count_nonzero),
    f(NP, "dot", "np.dot(a, b)", DOT_DOC, np_dot),
    f(NP, "matmul", "np.matmul(x1, x2)", MATMUL_DOC, np_matmul),
    f(NP, "inner", "np.inner(a, b)", "Inner product over the last axes of a and b.", np_inner),
    f(NP, "outer", "np.outer(a, b)", "Outer product: (m,) and (n,) give (m, n).", np_outer),
    f(NP, "vdot", "np.vdot(a, b)", "Dot product of the flattened arrays (a scalar).", np_vdot),
    f(NP, "transpose", "np.transpose(a, axes=None)", "Reverse (or permute) the axes: (2,3) → (3,2). A view, not a copy.", np_transpose),
    f(NP, "swapaxes", "np.swapaxes(a, axis1, axis2)", "Swap two axes (a view).", np_swapaxes),
    f(NP, "reshape", "np.reshape(a, shape)", "Give a new shape with the same number of elements; one entry may be -1 (inferred).", np_reshape),
    f(NP, "ravel", "np.ravel(a)", "Flatten to 1-D (a view when possible).", np_ravel),
    f(NP, "squeeze", "np.squeeze(a, axis=None)", "Remove length-1 axes: (1,1) → () gives a 0-d array, still an array, not a scalar.", np_squeeze),
    f(NP, "expand_dims", "np.expand_dims(a, axis)", "Insert a length-1 axis: (3,) with axis=1 → (3,1).", np_expand_dims),
    f(NP, "concatenate", "np.concatenate(arrays, axis=0)", "Join arrays along an existing axis; other lengths must match.", np_concatenate),
    f(NP, "stack", "np.stack(arrays, axis=0)", "Join same-shape arrays along a new axis: two (3,) give (2,3).", np_stack),
    f(NP, "vstack", "np.vstack(tup)", "Stack rows: 1-D (n,) arrays become rows of a (k, n) array.", np_vstack),
    f(NP, "hstack", "np.hstack(tup)", "Stack horizontally: along axis 1 (axis 0 for 1-D).", np_hstack),
    f(NP, "atleast_2d", "np.atleast_2d(a)", "View inputs as at least 2-D: (n,) → (1, n).", np_atleast_2d),
    f(NP, "broadcast_to", "np.broadcast_to(array, shape)", "Broadcast an array to a new shape.", np_broadcast_to),
    f(NP, "shape", "np.shape(a)", "The shape tuple of a.", np_shape),
    f(NP, "ndim", "np.ndim(a)", "The number of dimensions of a.", np_ndim),
    f(NP, "size", "np.size(a)", "The number of elements of a.", np_size),
    f(NP, "where", "np.where(condition, x, y)", "Pick from x where condition is true, else y (all broadcast together). With one argument: the indices of true elements.", np_where),
    f(NP, "nonzero", "np.nonzero(a)", "Tuple of index arrays of the non-zero elements, one per axis.", np_nonzero),
    f(NP, "sort", "np.sort(a, axis=-1)", "Sorted copy along an axis.", np_sort),
    f(NP, "argsort", "np.argsort(a, axis=-1)", "Indices that sort a along an axis.", np_argsort),
    f(NP, "isclose", "np.isclose(a, b, rtol=1e-05, atol=1e-08)", "Elementwise |a-b| <= atol + rtol*|b|.", np_isclose),
    f(NP, "allclose", "np.allclose(a, b, rtol=1e-05, atol=1e-08)", "True when all elements are close (a Python bool).", np_allclose),
    f(NP, "array_equal", "np.array_equal(a1, a2)", "True when shapes and elements are equal.", np_array_equal),
];

/// ndarray methods (the receiver is the first argument).
pub static METHODS: &[Builtin] = &[
    f(M, "sum", "a.sum(axis=None, keepdims=False)", SUM_DOC, m_sum),
    f(M, "prod", "a.prod(axis=None, keepdims=False)", "Product over an axis.", m_prod),
    f(M, "mean", "a.mean(axis=None, keepdims=False)", "Mean over an axis.", m_mean),
    f(M, "std", "a.std(axis=None, ddof=0)", "Standard deviation over an axis.", m_std),
    f(M, "var", "a.var(axis=None, ddof=0)", "Variance over an axis.", m_var),
    f(M, "max", "a.max(axis=None, keepdims=False)", "Maximum over an axis.", m_max),
    f(M, "min", "a.min(axis=None, keepdims=False)", "Minimum over an axis.", m_min),
    f(M, "argmax", "a.argmax(axis=None)", "Index of the maximum.", np_argmax),
    f(M, "argmin", "a.argmin(axis=None)", "Index of the minimum.", np_argmin),
    f(M, "all", "a.all(axis=None)", "True when all elements are true.", m_all),
    f(M, "any", "a.any(axis=None)", "True when any element is true.", m_any),
    f(M, "cumsum", "a.cumsum(axis=None, dtype=None)", "Cumulative sum.", np_cumsum).c_keywords(),
    f(M, "cumprod", "a.cumprod(axis=None, dtype=None)", "Cumulative product.", np_cumprod).c_keywords(),
    f(M, "reshape", "a.reshape(*shape)", "New shape, same data (a view when contiguous).", m_reshape),
    f(M, "transpose", "a.transpose(*axes)", "Reversed or permuted axes (a view).", m_transpose).no_keywords(),
    f(M, "swapaxes", "a.swapaxes(axis1, axis2)", "Swap two axes (a view).", np_swapaxes).no_keywords(),
    f(M, "squeeze", "a.squeeze(axis=None)", "Remove length-1 axes.", m_squeeze),
    f(M, "flatten", "a.flatten()", "A flattened 1-D copy.", m_flatten),
    f(M, "ravel", "a.ravel()", "Flattened 1-D (a view when possible).", np_ravel),
    f(M, "copy", "a.copy()", "A copy that no longer shares memory with a.", m_copy),
    f(M, "astype", "a.astype(dtype)", "A copy converted to dtype (float → int truncates toward zero).", m_astype),
    f(M, "item", "a.item(*index)", "The element as a Python scalar; without arguments the array must have size 1. This is how to turn a (1,1) result into a number.", m_item).no_keywords(),
    f(M, "tolist", "a.tolist()", "Nested Python lists of Python scalars.", m_tolist).no_keywords(),
    f(M, "fill", "a.fill(value)", "Fill the array in place.", m_fill).no_keywords(),
    f(M, "dot", "a.dot(b)", DOT_DOC, m_dot),
    f(M, "clip", "a.clip(min, max)", "Limit values to [min, max].", np_clip),
    f(M, "round", "a.round(decimals=0)", "Round half to even.", m_round).c_keywords(),
    f(M, "nonzero", "a.nonzero()", "Indices of non-zero elements.", np_nonzero).no_keywords(),
    f(M, "sort", "a.sort(axis=-1)", "Sort in place (returns None).", m_sort),
    f(M, "argsort", "a.argsort(axis=-1)", "Indices that sort the array.", np_argsort),
    f(M, "diagonal", "a.diagonal(offset=0, axis1=0, axis2=1)", "The diagonal (read-only).", super::numpy_extra::method_diagonal).c_keywords(),
    f(M, "trace", "a.trace(offset=0, axis1=0, axis2=1)", "Sum of the diagonal.", super::numpy_extra::method_trace),
    f(M, "repeat", "a.repeat(repeats, axis=None)", "Repeat each element.", np_repeat).c_keywords(),
];

// ---------------------------------------------------------------- print options

fn legacy_value(l: crate::display::options::Legacy) -> Value {
    use crate::display::options::Legacy;
    match l {
        Legacy::Off => Value::Bool(false),
        Legacy::V113 => Value::str("1.13"),
        Legacy::V121 => Value::str("1.21"),
        Legacy::V125 => Value::str("1.25"),
        Legacy::V21 => Value::str("2.1"),
        Legacy::V22 => Value::str("2.2"),
    }
}

fn np_get_printoptions(i: &mut Interp, args: Args) -> PyResult<Value> {
    bind("get_printoptions", args, &[], 0)?;
    let o = &i.session.print_options;
    let mut d = crate::value::Dict::default();
    let entries = vec![
        ("edgeitems", Value::Int(o.edgeitems as i128)),
        ("threshold", Value::Int(o.threshold as i128)),
        ("floatmode", Value::str(o.floatmode.name())),
        ("precision", Value::Int(o.precision as i128)),
        ("suppress", Value::Bool(o.suppress)),
        ("linewidth", Value::Int(o.linewidth as i128)),
        ("nanstr", Value::str(&o.nanstr)),
        ("infstr", Value::str(&o.infstr)),
        ("sign", Value::str(o.sign.to_string())),
        ("formatter", Value::None),
        ("legacy", legacy_value(o.legacy)),
        ("override_repr", Value::None),
    ];
    for (k, v) in entries {
        d.entries.push((Value::str(k), v));
    }
    Ok(Value::Dict(std::rc::Rc::new(std::cell::RefCell::new(d))))
}

fn np_set_printoptions(i: &mut Interp, args: Args) -> PyResult<Value> {
    use crate::display::options::{FloatMode, Legacy};
    let mut s = bind(
        "set_printoptions",
        args,
        &[
            "precision",
            "threshold",
            "edgeitems",
            "linewidth",
            "suppress",
            "nanstr",
            "infstr",
            "formatter",
            "sign",
            "floatmode",
            "legacy",
            "override_repr",
        ],
        0,
    )?;
    let mut o = i.session.print_options.clone();
    let nonneg = |v: &Value, what: &str| -> PyResult<usize> {
        let n = index_int(v).ok_or_else(|| PyErr::type_err(format!("{what} must be an integer")))?;
        usize::try_from(n)
            .map_err(|_| PyErr::new(ExcType::NotImplementedError, format!("npr does not support a negative {what}")))
    };
    if let Some(v) = opt(&mut s, 0) {
        o.precision = nonneg(&v, "precision")?;
    }
    if let Some(v) = opt(&mut s, 1) {
        o.threshold = match &v {
            Value::Float(f) if f.is_nan() => {
                return Err(PyErr::value("threshold must be non-NAN, try sys.maxsize for untruncated representation"))
            }
            Value::Float(f) if f.is_infinite() => usize::MAX,
            _ => nonneg(&v, "threshold")?,
        };
    }
    if let Some(v) = opt(&mut s, 2) {
        o.edgeitems = nonneg(&v, "edgeitems")?;
    }
    if let Some(v) = opt(&mut s, 3) {
        o.linewidth = nonneg(&v, "linewidth")?;
    }
    if let Some(v) = opt(&mut s, 4) {
        o.suppress = pyops::truthy(&v)?;
    }
    let text = |v: Value, what: &str| -> PyResult<String> {
        match v {
            Value::Str(t) => Ok(t.to_string()),
            _ => Err(PyErr::type_err(format!("{what} must be a string"))),
        }
    };
    if let Some(v) = opt(&mut s, 5) {
        o.nanstr = text(v, "nanstr")?;
    }
    if let Some(v) = opt(&mut s, 6) {
        o.infstr = text(v, "infstr")?;
    }
    if opt(&mut s, 7).is_some() {
        return Err(PyErr::new(ExcType::NotImplementedError, "npr does not support custom formatters"));
    }
    if let Some(v) = opt(&mut s, 8) {
        o.sign = match &v {
            Value::Str(t) if ["-", "+", " "].contains(&t.as_ref()) => t.chars().next().unwrap_or('-'),
            _ => return Err(PyErr::value("sign option must be one of ' ', '+', or '-'")),
        };
    }
    if let Some(v) = opt(&mut s, 9) {
        o.floatmode = match &v {
            Value::Str(t) => match t.as_ref() {
                "fixed" => FloatMode::Fixed,
                "unique" => FloatMode::Unique,
                "maxprec" => FloatMode::MaxPrec,
                "maxprec_equal" => FloatMode::MaxPrecEqual,
                _ => {
                    return Err(PyErr::value(
                        "floatmode option must be one of \"fixed\", \"unique\", \"maxprec\", \"maxprec_equal\"",
                    ))
                }
            },
            _ => {
                return Err(PyErr::value(
                    "floatmode option must be one of \"fixed\", \"unique\", \"maxprec\", \"maxprec_equal\"",
                ))
            }
        };
    }
    if let Some(v) = s.get_mut(10).and_then(|x| x.take()) {
        o.legacy = match &v {
            Value::Bool(false) => Legacy::Off,
            Value::Str(t) => {
                match t.as_ref() {
                    "1.13" => Legacy::V113,
                    "1.21" => Legacy::V121,
                    "1.25" => Legacy::V125,
                    "2.1" => Legacy::V21,
                    "2.2" => Legacy::V22,
                    _ => {
                        crate::interp::warnings::warn("UserWarning", "legacy printing option can currently only be '1.13', '1.21', '1.25', '2.1', '2.2' or `False`");
                        return Err(PyErr::new(
                            ExcType::NotImplementedError,
                            format!("npr does not keep the invalid legacy value {}", crate::display::repr_plain(&v)),
                        ));
                    }
                }
            }
            _ => {
                crate::interp::warnings::warn(
                    "UserWarning",
                    "legacy printing option can currently only be '1.13', '1.21', '1.25', '2.1', '2.2' or `False`",
                );
                return Ok(Value::None);
            }
        };
    }
    i.session.print_options = o;
    Ok(Value::None)
}

/// Print-option functions (they need the session).
pub static PRINT_FUNCTIONS: &[Builtin] = &[
    f(NP, "set_printoptions", "np.set_printoptions(precision=None, threshold=None, edgeitems=None, linewidth=None, suppress=None, nanstr=None, infstr=None, sign=None, floatmode=None, legacy=None)", "Change how arrays print (digits, summarisation, line width, scientific notation).", np_set_printoptions),
    f(NP, "get_printoptions", "np.get_printoptions()", "The current print options as a dict.", np_get_printoptions),
];

// ---------------------------------------------------------------- more shape and math helpers

fn np_moveaxis(_: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("moveaxis", args, &["a", "source", "destination"], 3)?;
    let a = arr(&req(&mut s, 0))?;
    let n = a.ndim();
    let src_raw = shape_arg(&req(&mut s, 1))?;
    let src: Vec<usize> = src_raw.iter().map(|&d| named_axis(d, n, "source")).collect::<PyResult<_>>()?;
    let dst_raw = shape_arg(&req(&mut s, 2))?;
    let dst: Vec<usize> = dst_raw.iter().map(|&d| named_axis(d, n, "destination")).collect::<PyResult<_>>()?;
    for (axes, which) in [(&src, "source"), (&dst, "destination")] {
        if axes.iter().enumerate().any(|(i, x)| axes[..i].contains(x)) {
            return Err(PyErr::value(format!("repeated axis in `{which}` argument")));
        }
    }
    if src.len() != dst.len() {
        return Err(PyErr::value("`source` and `destination` arguments must have the same number of elements"));
    }
    let mut order: Vec<usize> = (0..n).filter(|i| !src.contains(i)).collect();
    let mut pairs: Vec<(usize, usize)> = dst.iter().copied().zip(src.iter().copied()).collect();
    pairs.sort_unstable();
    for (d, s_ax) in pairs {
        order.insert(d.min(order.len()), s_ax);
    }
    transpose_value(&a, Some(order.into_iter().map(|x| x as i64).collect()))
}

fn np_copy(_: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("copy", args, &["a", "order"], 1)?;
    Ok(array_value(array_from_value(&req(&mut s, 0), None)?))
}

fn np_fabs(_: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("fabs", args, &["x", "out"], 1)?;
    let v = req(&mut s, 0);
    let f = array_value(arr(&v)?.with_view(|x| cast_data(&x, DType::Float64)));
    let f = if matches!(v, Value::Array(_)) { f } else { wrap_result(arr(&f)?.to_data()) };
    pyops::numpy_unary(Ufunc1::Absolute, &f, false)
}

fn np_cbrt(_: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("cbrt", args, &["x", "out"], 1)?;
    let a = arr(&req(&mut s, 0))?;
    let d = a.with_view(|x| ArrayData::Float(as_f64(&x).mapv(f64::cbrt)));
    Ok(wrap_result(d))
}

fn np_isscalar(_: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("isscalar", args, &["element"], 1)?;
    Ok(Value::Bool(matches!(
        req(&mut s, 0),
        Value::Int(_) | Value::Float(_) | Value::Bool(_) | Value::Scalar(_) | Value::Str(_)
    )))
}

fn tri_mask(a: &NdArray, k: i64, lower: bool) -> PyResult<Value> {
    if a.ndim() < 2 {
        return Err(PyErr::new(ExcType::NotImplementedError, "npr's tril/triu need a 2-D array"));
    }
    let shape = a.shape();
    let (r, c) = (shape[shape.len() - 2], shape[shape.len() - 1]);
    let mut data = a.to_data();
    let keep = |i: usize, j: usize| {
        let d = j as i64 - i as i64;
        if lower {
            d <= k
        } else {
            d >= k
        }
    };
    macro_rules! zero {
        ($x:expr, $z:expr) => {
            for (ix, v) in $x.indexed_iter_mut() {
                let nd = ix.ndim();
                let (i, j) = (ix[nd - 2], ix[nd - 1]);
                if !keep(i % r.max(1), j % c.max(1)) {
                    *v = $z;
                }
            }
        };
    }
    match &mut data {
        ArrayData::Float(x) => zero!(x, 0.0),
        ArrayData::Int(x) => zero!(x, 0),
        ArrayData::Bool(x) => zero!(x, false),
    }
    Ok(array_value(data))
}

fn np_tril(_: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("tril", args, &["m", "k"], 1)?;
    let a = arr(&req(&mut s, 0))?;
    let k = opt(&mut s, 1).map(|v| int_of(&v)).transpose()?.unwrap_or(0);
    tri_mask(&a, k, true)
}

fn np_triu(_: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("triu", args, &["m", "k"], 1)?;
    let a = arr(&req(&mut s, 0))?;
    let k = opt(&mut s, 1).map(|v| int_of(&v)).transpose()?.unwrap_or(0);
    tri_mask(&a, k, false)
}

fn np_repeat(_: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("repeat", args, &["a", "repeats", "axis"], 2)?;
    let a = arr(&req(&mut s, 0))?;
    let reps = int_of(&req(&mut s, 1))?;
    if reps < 0 {
        return Err(PyErr::value("negative dimensions are not allowed"));
    }
    let (src, ax) = match opt(&mut s, 2) {
        None => (NdArray::new(linalg::reshape_data(a.to_data(), &[a.size()])?), 0usize),
        // A 0-d array takes axis 0 or -1 as a 1-d one (NumPy's quirk).
        Some(v) if a.ndim() == 0 && matches!(int_of(&v)?, 0 | -1) => {
            (NdArray::new(linalg::reshape_data(a.to_data(), &[1])?), 0usize)
        }
        Some(v) => (a.clone(), normalize_axis(int_of(&v)?, a.ndim())?),
    };
    let n = src.shape()[ax];
    check_alloc(&[n, reps as usize], DType::Int64)?;
    let idx: Vec<i64> = (0..n as i64).flat_map(|i| std::iter::repeat_n(i, reps as usize)).collect();
    let idx = Value::Array(NdArray::from_i64(
        ArrayD::from_shape_vec(IxDyn(&[idx.len()]), idx).map_err(|e| PyErr::value(e.to_string()))?,
    ));
    let mut items: Vec<Value> =
        vec![Value::Slice(std::rc::Rc::new(crate::value::SliceObj { start: None, stop: None, step: None })); ax];
    items.push(idx);
    crate::ops::index::get(&src, &Value::tuple(items))
}

fn np_tile(_: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("tile", args, &["A", "reps"], 2)?;
    let a = arr(&req(&mut s, 0))?;
    let reps = shape_arg(&req(&mut s, 1))?;
    let reps = dims_from_i64(&reps)?;
    let nd = a.ndim().max(reps.len());
    let mut shape = vec![1usize; nd - a.ndim()];
    shape.extend(a.shape());
    let mut r = vec![1usize; nd - reps.len()];
    r.extend(reps);
    let final_shape: Vec<usize> = shape.iter().zip(&r).map(|(&s, &k)| s.saturating_mul(k)).collect();
    check_alloc(&final_shape, a.dtype())?;
    let mut out = linalg::reshape_data(a.to_data(), &shape)?;
    for ax in 0..nd {
        let parts: Vec<NdArray> = (0..r[ax]).map(|_| NdArray::new(out.clone())).collect();
        if parts.is_empty() {
            let mut sh = out.shape().to_vec();
            sh[ax] = 0;
            out = filled(&sh, out.dtype(), 0.0)?;
        } else {
            out = concat(&parts, Some(ax as i64))?;
        }
    }
    Ok(array_value(out))
}

/// More NumPy functions.
pub static MORE_FUNCTIONS: &[Builtin] = &[
    f(
        NP,
        "moveaxis",
        "np.moveaxis(a, source, destination)",
        "Move axes to new positions (a view): (2,9,2) with source=-1, destination=1 gives (2,2,9).",
        np_moveaxis,
    ),
    f(NP, "copy", "np.copy(a)", "A copy of the array.", np_copy),
    f(NP, "fabs", "np.fabs(x)", "Elementwise absolute value as float.", np_fabs),
    f(NP, "cbrt", "np.cbrt(x)", "Elementwise cube root.", np_cbrt),
    f(
        NP,
        "isscalar",
        "np.isscalar(element)",
        "True for Python and NumPy scalars, False for arrays and lists.",
        np_isscalar,
    ),
    f(NP, "tril", "np.tril(m, k=0)", "Lower triangle: elements above the k-th diagonal set to zero.", np_tril),
    f(NP, "triu", "np.triu(m, k=0)", "Upper triangle: elements below the k-th diagonal set to zero.", np_triu),
    f(
        NP,
        "repeat",
        "np.repeat(a, repeats, axis=None)",
        "Repeat each element; without axis the result is flattened.",
        np_repeat,
    ),
    f(NP, "tile", "np.tile(A, reps)", "Repeat the whole array reps times along each axis.", np_tile),
];
