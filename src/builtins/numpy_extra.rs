//! More of NumPy's functions: splitting and joining, set-like and search
//! functions, nan-aware reductions, statistics and a few constructors.

use ndarray::{ArrayD, IxDyn};

use super::numpy::{arr, array_list, array_value, bool_of, concat, filled, float_of, int_of, shape_of, sorted_data};
use super::{bind, opt, req, Builtin, Keywords, Owner};
use crate::interp::error::{PyErr, PyResult};
use crate::interp::eval::{Args, Interp};
use crate::interp::pyops;
use crate::ops::cast::{as_f64, cast_data};
use crate::ops::linalg::reshape_data;
use crate::ops::reduce::{self, normalize_axes, normalize_axis, Reduction};
use crate::ops::ufunc::{wrap_result, Ufunc2};
use crate::value::alloc::check_alloc;
use crate::value::convert::array_from_value;
use crate::value::{ArrayData, DType, Module, NdArray, SliceObj, Value, ViewOp};

const NP: Owner = Owner::Module(Module::Numpy);

const fn f(name: &'static str, signature: &'static str, doc: &'static str, func: super::BuiltinFn) -> Builtin {
    Builtin { name, owner: NP, signature, doc, func, keywords: Keywords::Python }
}

fn int_array(v: Vec<i64>) -> Value {
    let n = v.len();
    Value::Array(NdArray::from_i64(
        ArrayD::from_shape_vec(IxDyn(&[n]), v).unwrap_or_else(|_| ArrayD::zeros(IxDyn(&[0]))),
    ))
}

fn float_array(v: Vec<f64>) -> Value {
    let n = v.len();
    Value::Array(NdArray::from_f64(
        ArrayD::from_shape_vec(IxDyn(&[n]), v).unwrap_or_else(|_| ArrayD::zeros(IxDyn(&[0]))),
    ))
}

fn full_slice() -> Value {
    Value::Slice(std::rc::Rc::new(SliceObj { start: None, stop: None, step: None }))
}

/// `a[..., start:stop, ...]` along `axis`.
fn take_range(a: &NdArray, axis: usize, start: usize, stop: usize) -> PyResult<Value> {
    let mut items: Vec<Value> = vec![full_slice(); axis];
    items.push(Value::Slice(std::rc::Rc::new(SliceObj {
        start: Some(start as i64),
        stop: Some(stop as i64),
        step: None,
    })));
    crate::ops::index::get(a, &Value::tuple(items))
}

fn split_impl(name: &str, args: Args, even: bool) -> PyResult<Value> {
    let mut s = bind(name, args, &["ary", "indices_or_sections", "axis"], 2)?;
    let a = arr(&req(&mut s, 0))?;
    let how = req(&mut s, 1);
    let axis = opt(&mut s, 2).map(|v| int_of(&v)).transpose()?.unwrap_or(0);
    // NumPy reads `ary.shape[axis]`: any axis out of range is an IndexError.
    let ax = normalize_axis(axis, a.ndim())
        .map_err(|_| PyErr::new(crate::interp::error::ExcType::IndexError, "tuple index out of range"))?;
    let n = a.shape()[ax];
    let bounds: Vec<usize> = match &how {
        Value::List(_) | Value::Tuple(_) | Value::Array(_) => {
            let mut b = vec![0usize];
            for v in pyops::iterate(&how)? {
                let i = int_of(&v)?;
                let i = if i < 0 { (i + n as i64).max(0) } else { i } as usize;
                b.push(i.min(n));
            }
            b.push(n);
            b
        }
        other => {
            let k = int_of(other)?;
            if k <= 0 {
                return Err(PyErr::value("number sections must be larger than 0."));
            }
            let k = k as usize;
            if even && n % k != 0 {
                return Err(PyErr::value("array split does not result in an equal division"));
            }
            let (q, r) = (n / k, n % k);
            let mut b = vec![0usize];
            for i in 0..k {
                b.push(b[i] + q + usize::from(i < r));
            }
            b
        }
    };
    let mut parts = Vec::new();
    for w in bounds.windows(2) {
        parts.push(take_range(&a, ax, w[0], w[1].max(w[0]))?);
    }
    Ok(Value::list(parts))
}

fn np_split(_: &mut Interp, args: Args) -> PyResult<Value> {
    split_impl("split", args, true)
}
fn np_array_split(_: &mut Interp, args: Args) -> PyResult<Value> {
    split_impl("array_split", args, false)
}

fn np_meshgrid(_: &mut Interp, args: Args) -> PyResult<Value> {
    super::unexpected_keyword(&args, &["indexing"], "meshgrid")?;
    let indexing_ij = match args.keywords.first().map(|(_, v)| v) {
        None => false,
        Some(Value::Str(s)) if matches!(s.as_ref(), "xy" | "ij") => s.as_ref() == "ij",
        Some(_) => return Err(PyErr::value("Valid values for `indexing` are 'xy' and 'ij'.")),
    };
    let vecs: Vec<NdArray> = args.positional.iter().map(arr).collect::<PyResult<_>>()?;
    let mut lens: Vec<usize> = vecs.iter().map(|v| v.size()).collect();
    if !indexing_ij && lens.len() >= 2 {
        lens.swap(0, 1);
    }
    let mut out = Vec::new();
    for (k, v) in vecs.iter().enumerate() {
        let flat = reshape_data(v.to_data(), &[v.size()])?;
        let mut shape = vec![1usize; lens.len()];
        let pos = if !indexing_ij && lens.len() >= 2 && k < 2 { 1 - k } else { k };
        shape[pos] = v.size();
        let b = NdArray::new(reshape_data(flat, &shape)?);
        check_alloc(&lens, b.dtype())?;
        let data = b.with_view(|view| match view {
            crate::value::AView::Float(x) => x.broadcast(IxDyn(&lens)).map(|y| ArrayData::Float(y.to_owned())),
            crate::value::AView::Int(x) => x.broadcast(IxDyn(&lens)).map(|y| ArrayData::Int(y.to_owned())),
            crate::value::AView::Bool(x) => x.broadcast(IxDyn(&lens)).map(|y| ArrayData::Bool(y.to_owned())),
        });
        out.push(array_value(data.ok_or_else(|| PyErr::value("meshgrid: broadcast failed"))?));
    }
    Ok(Value::tuple(out))
}

fn np_divmod(_: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("divmod", args, &["x1", "x2"], 2)?;
    let (a, b) = (req(&mut s, 0), req(&mut s, 1));
    let q = pyops::numpy_binary(Ufunc2::FloorDivide, &a, &b, false)?;
    let r = pyops::numpy_binary(Ufunc2::Remainder, &a, &b, false)?;
    Ok(Value::tuple(vec![q, r]))
}

fn np_fmod(_: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("fmod", args, &["x1", "x2"], 2)?;
    let (a, b) = (req(&mut s, 0), req(&mut s, 1));
    // C fmod: the sign of the dividend. Built from remainder's pieces.
    let (ao, bo) = (crate::value::convert::to_operand(&a)?, crate::value::convert::to_operand(&b)?);
    let dt = ao.dtype().max(bo.dtype());
    let (sa, sb) = (ao.shape(), bo.shape());
    let shape = crate::ops::broadcast::broadcast_shapes(&[&sa, &sb])
        .ok_or_else(|| PyErr::value(crate::ops::broadcast::broadcast_error_message(&[&sa, &sb])))?;
    let x = ao.with_view(|v| cast_data(&v, dt));
    let y = bo.with_view(|v| cast_data(&v, dt));
    let out = match (x, y) {
        (ArrayData::Int(x), ArrayData::Int(y)) => {
            let (x, y) = (x.broadcast(IxDyn(&shape)), y.broadcast(IxDyn(&shape)));
            let (Some(x), Some(y)) = (x, y) else { return Err(PyErr::value("broadcast")) };
            let mut zero = false;
            let r = ndarray::Zip::from(&x).and(&y).map_collect(|&p, &q| {
                if q == 0 {
                    zero = true;
                    0
                } else {
                    p.wrapping_rem(q)
                }
            });
            if zero {
                crate::interp::warnings::warn_runtime("divide by zero encountered in fmod");
            }
            ArrayData::Int(r)
        }
        (x, y) => {
            let (x, y) = (as_f64(&x.view()).into_owned(), as_f64(&y.view()).into_owned());
            let (x, y) = (x.broadcast(IxDyn(&shape)), y.broadcast(IxDyn(&shape)));
            let (Some(x), Some(y)) = (x, y) else { return Err(PyErr::value("broadcast")) };
            let r = ndarray::Zip::from(&x).and(&y).map_collect(|&p, &q| p % q);
            if ndarray::Zip::from(&x).and(&y).fold(false, |acc, &p, &q| acc || (q == 0.0 && !p.is_nan())) {
                crate::interp::warnings::warn_runtime("invalid value encountered in fmod");
            }
            ArrayData::Float(r)
        }
    };
    Ok(wrap_result(out))
}

fn np_float_power(_: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("float_power", args, &["x1", "x2"], 2)?;
    let a = arr(&req(&mut s, 0))?;
    let b = arr(&req(&mut s, 1))?;
    let fa = Value::Array(NdArray::new(a.with_view(|v| cast_data(&v, DType::Float64))));
    let fb = Value::Array(NdArray::new(b.with_view(|v| cast_data(&v, DType::Float64))));
    let r = pyops::numpy_binary(Ufunc2::Power, &fa, &fb, false)?;
    Ok(match r {
        Value::Array(x) if x.ndim() == 0 => wrap_result(x.to_data()),
        other => other,
    })
}

fn np_empty(_: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("empty", args, &["shape", "dtype", "order"], 1)?;
    let shape = shape_of(&req(&mut s, 0))?;
    let dt = super::numpy::dtype_arg(opt(&mut s, 1))?.unwrap_or(DType::Float64);
    Ok(array_value(filled(&shape, dt, 0.0)?))
}

fn np_tri(_: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("tri", args, &["N", "M", "k", "dtype"], 1)?;
    let n = int_of(&req(&mut s, 0))?;
    let m = opt(&mut s, 1).map(|v| int_of(&v)).transpose()?.unwrap_or(n);
    let k = opt(&mut s, 2).map(|v| int_of(&v)).transpose()?.unwrap_or(0);
    let dt = super::numpy::dtype_arg(opt(&mut s, 3))?.unwrap_or(DType::Float64);
    let shape = crate::value::alloc::dims_from_i64(&[n, m])?;
    check_alloc(&shape, DType::Float64)?;
    let a = ArrayD::from_shape_fn(IxDyn(&shape), |ix| if (ix[1] as i64) - (ix[0] as i64) <= k { 1.0 } else { 0.0 });
    Ok(array_value(cast_data(&ArrayData::Float(a).view(), dt)))
}

fn np_fromiter(_: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("fromiter", args, &["iter", "dtype", "count"], 2)?;
    let items = pyops::iterate(&req(&mut s, 0))?;
    let dt = super::numpy::dtype_arg(opt(&mut s, 1))?;
    Ok(array_value(array_from_value(&Value::list(items), dt)?))
}

fn np_shares_memory(_: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("shares_memory", args, &["a", "b", "max_work"], 2)?;
    let (a, b) = (req(&mut s, 0), req(&mut s, 1));
    Ok(Value::Bool(matches!((&a, &b), (Value::Array(x), Value::Array(y)) if x.shares_memory(y))))
}

fn np_argwhere(_: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("argwhere", args, &["a"], 1)?;
    let a = arr(&req(&mut s, 0))?;
    let b = a.with_view(|v| crate::ops::cast::as_bool(&v).into_owned());
    let nd = b.ndim();
    let rows: Vec<i64> =
        b.indexed_iter().filter(|(_, &x)| x).flat_map(|(ix, _)| (0..nd).map(move |d| ix[d] as i64)).collect();
    let n = rows.len() / nd.max(1);
    let data = ArrayD::from_shape_vec(IxDyn(&[n, nd]), rows).map_err(|e| PyErr::value(e.to_string()))?;
    Ok(Value::Array(NdArray::from_i64(data)))
}

fn np_flatnonzero(_: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("flatnonzero", args, &["a"], 1)?;
    let a = arr(&req(&mut s, 0))?;
    let b = a.with_view(|v| crate::ops::cast::as_bool(&v).iter().copied().collect::<Vec<bool>>());
    Ok(int_array(b.iter().enumerate().filter(|(_, &x)| x).map(|(i, _)| i as i64).collect()))
}

fn np_searchsorted(_: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("searchsorted", args, &["a", "v", "side", "sorter"], 2)?;
    let a = arr(&req(&mut s, 0))?;
    let v = req(&mut s, 1);
    let right = matches!(opt(&mut s, 2), Some(Value::Str(t)) if t.as_ref() == "right");
    let hay: Vec<f64> = a.with_view(|x| as_f64(&x).iter().copied().collect());
    let find = |x: f64| -> i64 { hay.partition_point(|&h| if right { h <= x } else { h < x }) as i64 };
    let needles = arr(&v)?;
    let out = needles.with_view(|x| as_f64(&x).mapv(find));
    Ok(wrap_result(ArrayData::Int(out)))
}

fn np_array_equiv(_: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("array_equiv", args, &["a1", "a2"], 2)?;
    let (a, b) = (req(&mut s, 0), req(&mut s, 1));
    match pyops::numpy_binary(Ufunc2::Equal, &a, &b, false) {
        Ok(eq) => Ok(Value::Bool(arr(&eq)?.with_view(|v| crate::ops::cast::as_bool(&v).iter().all(|&x| x)))),
        Err(_) => Ok(Value::Bool(false)),
    }
}

fn np_cross(_: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("cross", args, &["a", "b"], 2)?;
    let (a, b) = (arr(&req(&mut s, 0))?, arr(&req(&mut s, 1))?);
    if a.ndim() != 1 || b.ndim() != 1 || ![2, 3].contains(&a.size()) || ![2, 3].contains(&b.size()) {
        return Err(PyErr::value("incompatible dimensions for cross product\n(dimension must be 2 or 3)"));
    }
    let get = |x: &NdArray, i: usize| crate::ops::index::get(x, &Value::Int(i as i128)).unwrap_or(Value::Int(0));
    let mul = |p: &Value, q: &Value| pyops::numpy_binary(Ufunc2::Multiply, p, q, false);
    let sub = |p: &Value, q: &Value| pyops::numpy_binary(Ufunc2::Subtract, p, q, false);
    let comp = |x: &NdArray, i: usize| if i < x.size() { get(x, i) } else { Value::Int(0) };
    let (a0, a1, a2) = (comp(&a, 0), comp(&a, 1), comp(&a, 2));
    let (b0, b1, b2) = (comp(&b, 0), comp(&b, 1), comp(&b, 2));
    if a.size() == 2 && b.size() == 2 {
        crate::interp::warnings::warn(
            "DeprecationWarning",
            "Arrays of 2-dimensional vectors are deprecated. Use arrays of 3-dimensional vectors instead. (deprecated in NumPy 2.0)",
        );
        let z = sub(&mul(&a0, &b1)?, &mul(&a1, &b0)?)?;
        return Ok(match z {
            Value::Scalar(_) => Value::Array(super::numpy::scalar_to_array(&z)),
            other => other,
        });
    }
    let c0 = sub(&mul(&a1, &b2)?, &mul(&a2, &b1)?)?;
    let c1 = sub(&mul(&a2, &b0)?, &mul(&a0, &b2)?)?;
    let c2 = sub(&mul(&a0, &b1)?, &mul(&a1, &b0)?)?;
    Ok(array_value(array_from_value(&Value::list(vec![c0, c1, c2]), None)?))
}

fn nan_reduce(name: &str, args: Args, r: Reduction) -> PyResult<Value> {
    const P: &[&str] = &["a", "axis", "dtype", "out", "keepdims"];
    let mut s = bind(name, args, P, 1)?;
    super::not_supported(&s, P, &["dtype"], name)?;
    let a = arr(&req(&mut s, 0))?;
    let axis = super::numpy::axis_arg(opt(&mut s, 1))?;
    let keepdims = bool_of(opt(&mut s, 4))?;
    let axes = normalize_axes(axis.as_deref(), a.ndim())?;
    if a.dtype() != DType::Float64 {
        return a.with_view(|v| reduce::reduce(&v, r, &axes, keepdims)).map(wrap_result);
    }
    let f = a.with_view(|v| as_f64(&v).into_owned());
    let replaced = match r {
        Reduction::Sum => f.mapv(|x| if x.is_nan() { 0.0 } else { x }),
        Reduction::Prod => f.mapv(|x| if x.is_nan() { 1.0 } else { x }),
        Reduction::Max => f.mapv(|x| if x.is_nan() { f64::NEG_INFINITY } else { x }),
        Reduction::Min => f.mapv(|x| if x.is_nan() { f64::INFINITY } else { x }),
        _ => f.clone(),
    };
    if r == Reduction::Mean {
        let l = reduce::lanes(&f.view(), &axes);
        let vals: Vec<f64> = l
            .iter()
            .map(|lane| {
                let kept: Vec<f64> = lane.iter().copied().filter(|x| !x.is_nan()).collect();
                reduce::sum_lane_f64(&kept, kept.len().max(1)) / kept.len() as f64
            })
            .collect();
        let shape = reduce::reduced_shape(&a.shape(), &axes, keepdims);
        let data = ArrayD::from_shape_vec(IxDyn(&shape), vals).map_err(|e| PyErr::value(e.to_string()))?;
        return Ok(wrap_result(ArrayData::Float(data)));
    }
    let data = ArrayData::Float(replaced);
    reduce::reduce(&data.view(), r, &axes, keepdims).map(wrap_result)
}

fn np_nansum(_: &mut Interp, args: Args) -> PyResult<Value> {
    nan_reduce("nansum", args, Reduction::Sum)
}
fn np_nanprod(_: &mut Interp, args: Args) -> PyResult<Value> {
    nan_reduce("nanprod", args, Reduction::Prod)
}
fn np_nanmean(_: &mut Interp, args: Args) -> PyResult<Value> {
    nan_reduce("nanmean", args, Reduction::Mean)
}
fn np_nanmax(_: &mut Interp, args: Args) -> PyResult<Value> {
    nan_reduce("nanmax", args, Reduction::Max)
}
fn np_nanmin(_: &mut Interp, args: Args) -> PyResult<Value> {
    nan_reduce("nanmin", args, Reduction::Min)
}

fn np_average(i: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("average", args, &["a", "axis", "weights", "returned", "keepdims"], 1)?;
    let a = req(&mut s, 0);
    let axis = opt(&mut s, 1);
    match opt(&mut s, 2) {
        None => {
            let mut args = Args::new(vec![a]);
            if let Some(ax) = axis {
                args.keywords.push(("axis".into(), ax));
            }
            super::numpy::FUNCTIONS
                .iter()
                .find(|b| b.name == "mean")
                .map(|b| (b.func)(i, args))
                .unwrap_or_else(|| Err(PyErr::value("mean missing")))
        }
        Some(w) => {
            let prod = pyops::numpy_binary(Ufunc2::Multiply, &a, &w, false)?;
            let sum_of = |v: &Value| -> PyResult<Value> {
                let x = arr(v)?;
                let axes =
                    normalize_axes(axis.as_ref().map(int_of).transpose()?.map(|a| vec![a]).as_deref(), x.ndim())?;
                x.with_view(|view| reduce::reduce(&view, Reduction::Sum, &axes, false)).map(wrap_result)
            };
            let num = sum_of(&prod)?;
            let den = sum_of(&w)?;
            pyops::numpy_binary(Ufunc2::Divide, &num, &den, true)
        }
    }
}

fn np_median(_: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("median", args, &["a", "axis", "out", "overwrite_input", "keepdims"], 1)?;
    let a = arr(&req(&mut s, 0))?;
    let axis = opt(&mut s, 1).map(|v| int_of(&v)).transpose()?;
    let f = NdArray::new(a.with_view(|v| cast_data(&v, DType::Float64)));
    let sorted = sorted_data(&f, axis, false)?;
    let ax = match axis {
        None => 0,
        Some(x) => normalize_axis(x, a.ndim())?,
    };
    let s_arr = NdArray::new(sorted);
    let n = s_arr.shape().get(ax).copied().unwrap_or(0);
    if n == 0 {
        crate::interp::warnings::warn_runtime("Mean of empty slice");
        return Ok(Value::Scalar(crate::value::Scalar::Float(f64::NAN)));
    }
    let lo = take_range(&s_arr, ax, (n - 1) / 2, (n - 1) / 2 + 1)?;
    let hi = take_range(&s_arr, ax, n / 2, n / 2 + 1)?;
    let sum = pyops::numpy_binary(Ufunc2::Add, &lo, &hi, false)?;
    let mid = pyops::numpy_binary(Ufunc2::Divide, &sum, &Value::Float(2.0), false)?;
    let m = arr(&mid)?;
    let out_shape: Vec<usize> = m.shape().iter().enumerate().filter(|(d, _)| *d != ax).map(|(_, &k)| k).collect();
    Ok(wrap_result(reshape_data(m.to_data(), &out_shape)?))
}

/// `np.nan_to_num(x, copy=True, nan=0.0, posinf=None, neginf=None)`:
/// NaN and infinities replaced by finite numbers (the largest float64 for
/// infinities by default). Bool and int arrays come back unchanged.
fn np_nan_to_num(_: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("nan_to_num", args, &["x", "copy", "nan", "posinf", "neginf"], 1)?;
    let x = req(&mut s, 0);
    let scalar_in = !matches!(x, Value::Array(_) | Value::List(_) | Value::Tuple(_));
    let a = arr(&x)?;
    let _ = opt(&mut s, 1); // npr always returns a new array
    let number = |v: Option<Value>, default: f64| -> PyResult<f64> {
        match v {
            None | Some(Value::None) => Ok(default),
            Some(v) => float_of(&v),
        }
    };
    let nan = number(opt(&mut s, 2), 0.0)?;
    let posinf = number(opt(&mut s, 3), f64::MAX)?;
    let neginf = number(opt(&mut s, 4), f64::MIN)?;
    let data = match a.to_data() {
        ArrayData::Float(f) => ArrayData::Float(f.mapv(|v| match v {
            v if v.is_nan() => nan,
            f64::INFINITY => posinf,
            f64::NEG_INFINITY => neginf,
            v => v,
        })),
        other => other,
    };
    Ok(if scalar_in { wrap_result(data) } else { Value::Array(NdArray::new(data)) })
}

fn np_percentile(_: &mut Interp, args: Args) -> PyResult<Value> {
    quantiles(args, "percentile", 100.0)
}

fn np_quantile(_: &mut Interp, args: Args) -> PyResult<Value> {
    quantiles(args, "quantile", 1.0)
}

/// `np.percentile` / `np.quantile` with NumPy's default (`linear`) method:
/// the q-th value of each sorted lane, interpolated between neighbours
/// exactly as NumPy's `_lerp` does, NaN where a lane holds a NaN.
fn quantiles(args: Args, name: &str, scale: f64) -> PyResult<Value> {
    let params = ["a", "q", "axis", "out", "overwrite_input", "method", "keepdims"];
    let mut s = bind(name, args, &params, 2)?;
    let a = arr(&req(&mut s, 0))?;
    let q = req(&mut s, 1);
    let axis = opt(&mut s, 2).filter(|v| !matches!(v, Value::None)).map(|v| int_of(&v)).transpose()?;
    let _ = opt(&mut s, 4); // overwrite_input only permits NumPy to reuse `a`
    match opt(&mut s, 5) {
        None => {}
        Some(Value::Str(m)) if &*m == "linear" => {}
        Some(m) => {
            return Err(PyErr::value(format!(
                "npr: np.{name} supports method='linear' (NumPy's default) only, not {}",
                crate::display::repr_plain(&m)
            )))
        }
    }
    let keepdims = bool_of(opt(&mut s, 6))?;
    if a.dtype() == DType::Bool {
        return Err(PyErr::type_err(
            "numpy boolean subtract, the `-` operator, is not supported, use the bitwise_xor, the `^` operator, or the logical_xor function instead.",
        ));
    }
    let q_arr = arr(&q)?;
    let fractions: Vec<f64> = as_f64(&q_arr.to_data().view()).iter().map(|x| x / scale).collect();
    if !fractions.iter().all(|f| (0.0..=1.0).contains(f)) {
        let what = if scale == 100.0 {
            "Percentiles must be in the range [0, 100]"
        } else {
            "Quantiles must be in the range [0, 1]"
        };
        return Err(PyErr::value(what));
    }
    let f = NdArray::new(a.with_view(|v| cast_data(&v, DType::Float64)));
    if f.size() == 0 {
        return Err(PyErr::new(
            crate::interp::error::ExcType::IndexError,
            "index -1 is out of bounds for axis 0 with size 0",
        ));
    }
    let (sorted, ax) = match axis {
        None => (sorted_data(&f, None, false)?, 0),
        Some(x) => (sorted_data(&f, Some(x), false)?, normalize_axis(x, a.ndim())?),
    };
    let ArrayData::Float(sorted) = sorted else {
        return Err(PyErr::value("npr: internal error: sorted data is not float64"));
    };
    let lanes: Vec<Vec<f64>> = sorted.lanes(ndarray::Axis(ax)).into_iter().map(|l| l.to_vec()).collect();
    let mut values = Vec::with_capacity(fractions.len() * lanes.len());
    let mut invalid = [false; 5];
    for &frac in &fractions {
        values.extend(lanes.iter().map(|lane| linear_quantile(lane, frac, &mut invalid)));
    }
    // In the order of NumPy's `_lerp`, each from its own line of NumPy's code.
    let ops = [
        ("subtract", "lerp:b-a"),
        ("multiply", "lerp:d*t"),
        ("add", "lerp:a+"),
        ("multiply", "lerp:d*(1-t)"),
        ("subtract", "lerp:b-"),
    ];
    for (hit, (op, at)) in invalid.iter().zip(ops) {
        if *hit {
            crate::interp::warnings::warn_at("RuntimeWarning", format!("invalid value encountered in {op}"), at);
        }
    }
    // Shape: q's shape, then the input's without the reduced axes (kept as 1 with keepdims).
    let mut shape: Vec<usize> = q_arr.shape().to_vec();
    match axis {
        None if keepdims => shape.extend(std::iter::repeat_n(1, a.ndim())),
        None => {}
        Some(_) => shape.extend(a.shape().iter().enumerate().filter_map(|(d, &k)| match d == ax {
            true if keepdims => Some(1),
            true => None,
            false => Some(k),
        })),
    }
    let data = ArrayD::from_shape_vec(IxDyn(&shape), values).map_err(|e| PyErr::value(e.to_string()))?;
    Ok(wrap_result(ArrayData::Float(data)))
}

/// One sorted lane's `frac` quantile, step for step as NumPy computes it
/// (`_get_indexes`, `_get_gamma`, `_lerp`), so the bits agree. `invalid`
/// collects which of `_lerp`'s five operations met an invalid operation
/// (`inf - inf`, `inf * 0`), which NumPy reports as warnings.
fn linear_quantile(lane: &[f64], frac: f64, invalid: &mut [bool; 5]) -> f64 {
    let n = lane.len();
    let virtual_index = (n - 1) as f64 * frac;
    let (prev, next, prev_value) = if virtual_index >= (n - 1) as f64 {
        (n - 1, n - 1, -1.0)
    } else if virtual_index < 0.0 {
        (0, 0, 0.0)
    } else {
        let p = virtual_index.floor();
        (p as usize, p as usize + 1, p)
    };
    let gamma = virtual_index - prev_value;
    let (a, b) = (lane[prev], lane[next]);
    let inf_minus_inf = |x: f64, y: f64| x.is_infinite() && x == y;
    let inf_times_zero = |x: f64, y: f64| (x.is_infinite() && y == 0.0) || (x == 0.0 && y.is_infinite());
    let diff = b - a;
    invalid[0] |= inf_minus_inf(b, a);
    let low = diff * gamma;
    invalid[1] |= inf_times_zero(diff, gamma);
    let from_a = a + low;
    invalid[2] |= a.is_infinite() && low.is_infinite() && a != low;
    let high = diff * (1.0 - gamma);
    invalid[3] |= inf_times_zero(diff, 1.0 - gamma);
    let value = if gamma >= 0.5 {
        invalid[4] |= inf_minus_inf(b, high);
        b - high
    } else {
        from_a
    };
    // NumPy interpolates every lane, then puts NaN where the lane held one.
    if lane[n - 1].is_nan() {
        f64::NAN
    } else {
        value
    }
}

fn np_diff(_: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("diff", args, &["a", "n", "axis"], 1)?;
    let mut a = arr(&req(&mut s, 0))?;
    let n = opt(&mut s, 1).map(|v| int_of(&v)).transpose()?.unwrap_or(1);
    let axis = opt(&mut s, 2).map(|v| int_of(&v)).transpose()?.unwrap_or(-1);
    if a.ndim() == 0 {
        return Err(PyErr::value("diff requires input that is at least one dimensional"));
    }
    let ax = normalize_axis(axis, a.ndim())?;
    for _ in 0..n.max(0) {
        let len = a.shape()[ax];
        if len == 0 {
            break;
        }
        let hi = take_range(&a, ax, 1, len)?;
        let lo = take_range(&a, ax, 0, len - 1)?;
        let op = if a.dtype() == DType::Bool { Ufunc2::NotEqual } else { Ufunc2::Subtract };
        a = arr(&pyops::numpy_binary(op, &hi, &lo, false)?)?;
    }
    Ok(Value::Array(a))
}

fn np_column_stack(_: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("column_stack", args, &["tup"], 1)?;
    let arrays: Vec<NdArray> = array_list(&req(&mut s, 0))?
        .into_iter()
        .map(|a| if a.ndim() < 2 { a.derive(ViewOp::NewAxis { axis: a.ndim() }) } else { a })
        .collect();
    concat(&arrays, Some(1)).map(array_value)
}

fn np_append(_: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("append", args, &["arr", "values", "axis"], 2)?;
    let a = arr(&req(&mut s, 0))?;
    let v = arr(&req(&mut s, 1))?;
    match opt(&mut s, 2) {
        None => concat(&[a, v], None).map(array_value),
        Some(ax) => concat(&[a, v], Some(int_of(&ax)?)).map(array_value),
    }
}

fn np_broadcast_shapes(_: &mut Interp, args: Args) -> PyResult<Value> {
    super::unexpected_keyword(&args, &[], "broadcast_shapes")?;
    let shapes: Vec<Vec<usize>> = args.positional.iter().map(shape_of).collect::<PyResult<_>>()?;
    let refs: Vec<&[usize]> = shapes.iter().map(|s| s.as_slice()).collect();
    let out = crate::ops::broadcast::broadcast_shapes(&refs).ok_or_else(|| {
        let parts: Vec<String> = shapes.iter().map(|s| crate::ops::broadcast::shape_repr(s)).collect();
        PyErr::value(format!(
            "shape mismatch: objects cannot be broadcast to a single shape.  Mismatch is between arg 0 with shape {} and arg 1 with shape {}.",
            parts.first().cloned().unwrap_or_default(),
            parts.get(1).cloned().unwrap_or_default()
        ))
    })?;
    Ok(Value::shape_tuple(&out))
}

fn np_bincount(_: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("bincount", args, &["x", "weights", "minlength"], 1)?;
    let a = arr(&req(&mut s, 0))?;
    let vals: Vec<i64> = a.with_view(|v| crate::ops::cast::as_i64(&v).iter().copied().collect());
    if vals.iter().any(|&v| v < 0) {
        return Err(PyErr::value("'list' argument must have no negative elements"));
    }
    let minlength = opt(&mut s, 2).map(|v| int_of(&v)).transpose()?.unwrap_or(0).max(0) as usize;
    let n = vals.iter().map(|&v| v as usize + 1).max().unwrap_or(0).max(minlength);
    check_alloc(&[n], DType::Int64)?;
    let mut counts = vec![0i64; n];
    for v in vals {
        counts[v as usize] += 1;
    }
    Ok(int_array(counts))
}

fn np_histogram(_: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("histogram", args, &["a", "bins", "range", "density", "weights"], 1)?;
    let a = arr(&req(&mut s, 0))?;
    let bins = opt(&mut s, 1).map(|v| int_of(&v)).transpose()?.unwrap_or(10).max(1) as usize;
    let vals: Vec<f64> = a.with_view(|v| as_f64(&v).iter().copied().collect());
    let (lo, hi) = match opt(&mut s, 2) {
        Some(r) => {
            let r = pyops::iterate(&r)?;
            (float_of(&r[0])?, float_of(&r[1])?)
        }
        None => {
            let lo = vals.iter().copied().fold(f64::INFINITY, f64::min);
            let hi = vals.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            if vals.is_empty() {
                (0.0, 1.0)
            } else if lo == hi {
                (lo - 0.5, hi + 0.5)
            } else {
                (lo, hi)
            }
        }
    };
    let step = (hi - lo) / bins as f64;
    let edges: Vec<f64> = (0..=bins).map(|i| if i == bins { hi } else { lo + i as f64 * step }).collect();
    let mut counts = vec![0i64; bins];
    for &x in &vals {
        if x < lo || x > hi || x.is_nan() {
            continue;
        }
        let mut k = (((x - lo) / (hi - lo)) * bins as f64) as usize;
        if k >= bins {
            k = bins - 1;
        }
        if x < edges[k] && k > 0 {
            k -= 1;
        } else if k + 1 < bins && x >= edges[k + 1] {
            k += 1;
        }
        counts[k] += 1;
    }
    Ok(Value::tuple(vec![int_array(counts), float_array(edges)]))
}

fn np_ix(_: &mut Interp, args: Args) -> PyResult<Value> {
    super::unexpected_keyword(&args, &[], "ix_")?;
    let n = args.positional.len();
    let mut out = Vec::new();
    for (k, v) in args.positional.iter().enumerate() {
        let a = NdArray::new(array_from_value(v, None)?);
        let mut shape = vec![1usize; n];
        shape[k] = a.size();
        out.push(array_value(reshape_data(a.to_data(), &shape)?));
    }
    Ok(Value::tuple(out))
}

fn np_unique_full(i: &mut Interp, args: Args) -> PyResult<Value> {
    let wants = |k: &str| args.keywords.iter().any(|(n, v)| n == k && matches!(v, Value::Bool(true)));
    let (ri, rv, rc) = (wants("return_index"), wants("return_inverse"), wants("return_counts"));
    if !ri && !rv {
        return super::numpy::unique_basic(i, args);
    }
    let known = ["ar", "return_index", "return_inverse", "return_counts", "axis", "equal_nan", "sorted"];
    super::unexpected_keyword(&args, &known, "unique")?;
    let a = arr(&args.positional.first().cloned().unwrap_or(Value::None))?;
    if let Some(ax) = args.keyword("axis") {
        if !ax.is_none() {
            normalize_axes(Some(&[int_of(ax)?]), a.ndim())?;
            if a.ndim() > 1 {
                let msg = "np.unique(..., axis=...) with return_index or return_inverse is not supported in npr";
                return Err(PyErr::new(crate::interp::error::ExcType::NotImplementedError, msg));
            }
        }
    }
    let flat: Vec<f64> = a.with_view(|v| as_f64(&v).iter().copied().collect());
    let data = a.to_data();
    let mut order: Vec<usize> = (0..flat.len()).collect();
    order.sort_by(|&x, &y| flat[x].partial_cmp(&flat[y]).unwrap_or(std::cmp::Ordering::Equal).then(x.cmp(&y)));
    let mut uniq_idx: Vec<usize> = Vec::new();
    let mut counts: Vec<i64> = Vec::new();
    let mut inverse = vec![0i64; flat.len()];
    for &o in &order {
        if uniq_idx.last().is_none_or(|&l| flat[l] != flat[o]) {
            uniq_idx.push(o);
            counts.push(0);
        }
        inverse[o] = uniq_idx.len() as i64 - 1;
        if let Some(c) = counts.last_mut() {
            *c += 1;
        }
    }
    let flat_arr = NdArray::new(reshape_data(data, &[flat.len()])?);
    let idx_val = int_array(uniq_idx.iter().map(|&x| x as i64).collect());
    let values = crate::ops::index::get(&flat_arr, &idx_val)?;
    let mut out = vec![values];
    if ri {
        out.push(idx_val);
    }
    if rv {
        // NumPy 2: without an axis, the inverse has the input's shape.
        let inverse = ArrayD::from_shape_vec(IxDyn(&a.shape()), inverse).map_err(|e| PyErr::value(e.to_string()))?;
        out.push(Value::Array(NdArray::from_i64(inverse)));
    }
    if rc {
        out.push(int_array(counts));
    }
    Ok(Value::tuple(out))
}

/// More NumPy functions.
pub static FUNCTIONS: &[Builtin] = &[
    f(
        "split",
        "np.split(ary, indices_or_sections, axis=0)",
        "Split into equal parts (or at indices); a list of views.",
        np_split,
    ),
    f(
        "array_split",
        "np.array_split(ary, indices_or_sections, axis=0)",
        "Split into nearly equal parts.",
        np_array_split,
    ),
    f("meshgrid", "np.meshgrid(*xi, indexing='xy')", "Coordinate matrices from coordinate vectors.", np_meshgrid),
    f(
        "nan_to_num",
        "np.nan_to_num(x, nan=0.0, posinf=None, neginf=None)",
        "NaN and infinities replaced by finite numbers.",
        np_nan_to_num,
    ),
    f("divmod", "np.divmod(x1, x2)", "(x1 // x2, x1 % x2) elementwise.", np_divmod),
    f("fmod", "np.fmod(x1, x2)", "Elementwise C remainder (sign of the dividend).", np_fmod),
    f("float_power", "np.float_power(x1, x2)", "Elementwise power computed in float64.", np_float_power),
    f("empty", "np.empty(shape, dtype=float)", "A new array (npr fills it with zeros).", np_empty),
    f("tri", "np.tri(N, M=None, k=0)", "Ones at and below the k-th diagonal.", np_tri),
    f("fromiter", "np.fromiter(iter, dtype)", "A 1-D array from an iterable.", np_fromiter),
    f(
        "shares_memory",
        "np.shares_memory(a, b)",
        "Do a and b share memory (is one a view of the other)?",
        np_shares_memory,
    ),
    f(
        "argwhere",
        "np.argwhere(a)",
        "Indices of non-zero elements, one row per element: shape (N, a.ndim).",
        np_argwhere,
    ),
    f("flatnonzero", "np.flatnonzero(a)", "Indices of non-zero elements in the flattened array.", np_flatnonzero),
    f(
        "searchsorted",
        "np.searchsorted(a, v, side='left')",
        "Where v would be inserted to keep a sorted.",
        np_searchsorted,
    ),
    f("array_equiv", "np.array_equiv(a1, a2)", "Equal after broadcasting?", np_array_equiv),
    f("cross", "np.cross(a, b)", "Cross product of 3-vectors.", np_cross),
    f("nansum", "np.nansum(a, axis=None)", "Sum treating nan as zero.", np_nansum),
    f("nanprod", "np.nanprod(a, axis=None)", "Product treating nan as one.", np_nanprod),
    f("nanmean", "np.nanmean(a, axis=None)", "Mean ignoring nan.", np_nanmean),
    f("nanmax", "np.nanmax(a, axis=None)", "Maximum ignoring nan.", np_nanmax),
    f("nanmin", "np.nanmin(a, axis=None)", "Minimum ignoring nan.", np_nanmin),
    f("average", "np.average(a, axis=None, weights=None)", "Weighted mean.", np_average),
    f("median", "np.median(a, axis=None)", "Median (float).", np_median),
    f(
        "percentile",
        "np.percentile(a, q, axis=None, keepdims=False)",
        "q-th percentile, interpolated linearly (float).",
        np_percentile,
    ),
    f(
        "quantile",
        "np.quantile(a, q, axis=None, keepdims=False)",
        "q-th quantile (0 <= q <= 1), interpolated linearly (float).",
        np_quantile,
    ),
    f("diff", "np.diff(a, n=1, axis=-1)", "Differences of neighbours along an axis: length shrinks by n.", np_diff),
    f("column_stack", "np.column_stack(tup)", "1-D arrays as columns of a 2-D array.", np_column_stack),
    f(
        "append",
        "np.append(arr, values, axis=None)",
        "A copy with values appended (flattened without axis).",
        np_append,
    ),
    f(
        "broadcast_shapes",
        "np.broadcast_shapes(*shapes)",
        "The shape that broadcasting the shapes gives.",
        np_broadcast_shapes,
    ),
    f("bincount", "np.bincount(x, minlength=0)", "Count occurrences of each non-negative int.", np_bincount),
    f("histogram", "np.histogram(a, bins=10, range=None)", "Counts per bin and the bin edges.", np_histogram),
    f("ix_", "np.ix_(*args)", "Open mesh index arrays for cross-product indexing.", np_ix),
    f(
        "unique",
        "np.unique(ar, return_index=False, return_inverse=False, return_counts=False)",
        "Sorted unique values (flattened).",
        np_unique_full,
    ),
];

fn np_atleast_1d(_: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("atleast_1d", args, &["arys"], 1)?;
    let a = arr(&req(&mut s, 0))?;
    Ok(Value::Array(if a.ndim() == 0 { a.derive(ViewOp::NewAxis { axis: 0 }) } else { a }))
}

fn np_atleast_3d(_: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("atleast_3d", args, &["arys"], 1)?;
    let a = arr(&req(&mut s, 0))?;
    let shape = match a.shape().as_slice() {
        [] => vec![1, 1, 1],
        [n] => vec![1, *n, 1],
        [r, c] => vec![*r, *c, 1],
        s => s.to_vec(),
    };
    Ok(array_value(reshape_data(a.to_data(), &shape)?))
}

fn np_kron(_: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("kron", args, &["a", "b"], 2)?;
    let (a, b) = (arr(&req(&mut s, 0))?, arr(&req(&mut s, 1))?);
    let nd = a.ndim().max(b.ndim());
    let pad = |x: &NdArray| -> PyResult<NdArray> {
        let mut sh = vec![1usize; nd - x.ndim()];
        sh.extend(x.shape());
        Ok(NdArray::new(reshape_data(x.to_data(), &sh)?))
    };
    let (a, b) = (pad(&a)?, pad(&b)?);
    // Interleave axes: a[i0, None, i1, None, ...] * b[None, j0, None, j1, ...]
    let mut sa = Vec::new();
    let mut sb = Vec::new();
    for d in 0..nd {
        sa.extend([a.shape()[d], 1]);
        sb.extend([1, b.shape()[d]]);
    }
    let av = array_value(reshape_data(a.to_data(), &sa)?);
    let bv = array_value(reshape_data(b.to_data(), &sb)?);
    let prod = arr(&pyops::numpy_binary(Ufunc2::Multiply, &av, &bv, false)?)?;
    let out: Vec<usize> = (0..nd).map(|d| a.shape()[d] * b.shape()[d]).collect();
    Ok(array_value(reshape_data(prod.to_data(), &out)?))
}

/// LU decomposition with partial pivoting of a square matrix (row-major).
/// Returns the factors, the permutation sign, and whether it is singular.
/// Like LAPACK's `getf2`, a column is scaled by the pivot's reciprocal
/// (one rounding more than a division, and the same bits as NumPy's LAPACK).
fn lu(mut m: Vec<f64>, n: usize) -> (Vec<f64>, Vec<usize>, f64, bool) {
    let mut perm: Vec<usize> = (0..n).collect();
    let mut sign = 1.0;
    let mut singular = false;
    for k in 0..n {
        let p = (k..n).max_by(|&i, &j| m[i * n + k].abs().total_cmp(&m[j * n + k].abs())).unwrap_or(k);
        if m[p * n + k] == 0.0 {
            singular = true;
            continue;
        }
        if p != k {
            for c in 0..n {
                m.swap(k * n + c, p * n + c);
            }
            perm.swap(k, p);
            sign = -sign;
        }
        let reciprocal = 1.0 / m[k * n + k];
        for i in k + 1..n {
            let f = m[i * n + k] * reciprocal;
            m[i * n + k] = f;
            for c in k + 1..n {
                m[i * n + c] -= f * m[k * n + c];
            }
        }
    }
    (m, perm, sign, singular)
}

fn square_matrix(v: &Value, name: &str) -> PyResult<(Vec<f64>, usize)> {
    let a = arr(v)?;
    let sh = a.shape();
    if sh.len() < 2 {
        return Err(PyErr::new(
            crate::interp::error::ExcType::LinAlgError,
            format!("{}-dimensional array given. Array must be at least two-dimensional", sh.len()),
        ));
    }
    if sh.len() > 2 {
        return Err(PyErr::new(
            crate::interp::error::ExcType::NotImplementedError,
            format!("npr's linalg.{name} handles one matrix at a time"),
        ));
    }
    if sh[0] != sh[1] {
        return Err(PyErr::new(
            crate::interp::error::ExcType::LinAlgError,
            "Last 2 dimensions of the array must be square",
        ));
    }
    let data: Vec<f64> = a.with_view(|x| as_f64(&x).iter().copied().collect());
    Ok((data, sh[0]))
}

fn la_det(_: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("det", args, &["a"], 1)?;
    let (m, n) = square_matrix(&req(&mut s, 0), "det")?;
    let (f, _, sign, singular) = lu(m, n);
    if singular {
        return Ok(Value::Scalar(crate::value::Scalar::Float(0.0)));
    }
    // As NumPy: sign * exp(sum of log|u_ii|), not the product of the
    // diagonal (det([[1, 2], [3, 4]]) is -2.0000000000000004 this way).
    let (mut sign, mut logdet) = (sign, 0.0);
    for i in 0..n {
        let u = f[i * n + i];
        if u < 0.0 {
            sign = -sign;
        }
        logdet += u.abs().ln();
    }
    Ok(Value::Scalar(crate::value::Scalar::Float(sign * logdet.exp())))
}

fn lu_solve(f: &[f64], perm: &[usize], n: usize, b: &[f64]) -> Vec<f64> {
    let mut y: Vec<f64> = perm.iter().map(|&p| b[p]).collect();
    for i in 0..n {
        for k in 0..i {
            y[i] -= f[i * n + k] * y[k];
        }
    }
    for i in (0..n).rev() {
        for k in i + 1..n {
            y[i] -= f[i * n + k] * y[k];
        }
        y[i] /= f[i * n + i];
    }
    y
}

fn singular() -> PyErr {
    PyErr::new(crate::interp::error::ExcType::LinAlgError, "Singular matrix")
}

fn la_inv(_: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("inv", args, &["a"], 1)?;
    let (m, n) = square_matrix(&req(&mut s, 0), "inv")?;
    let (f, perm, _, sing) = lu(m, n);
    if sing {
        return Err(singular());
    }
    let mut out = vec![0.0; n * n];
    for c in 0..n {
        let e: Vec<f64> = (0..n).map(|r| if r == c { 1.0 } else { 0.0 }).collect();
        for (r, v) in lu_solve(&f, &perm, n, &e).into_iter().enumerate() {
            out[r * n + c] = v;
        }
    }
    let a = ArrayD::from_shape_vec(IxDyn(&[n, n]), out).map_err(|e| PyErr::value(e.to_string()))?;
    Ok(Value::Array(NdArray::from_f64(a)))
}

fn la_solve(_: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("solve", args, &["a", "b"], 2)?;
    let (m, n) = square_matrix(&req(&mut s, 0), "solve")?;
    let b = arr(&req(&mut s, 1))?;
    let (f, perm, _, sing) = lu(m, n);
    if sing {
        return Err(singular());
    }
    let bshape = b.shape();
    if bshape.first() != Some(&n) {
        return Err(PyErr::value("solve: Input operand 1 has a mismatch in its core dimension 0"));
    }
    let bv: Vec<f64> = b.with_view(|x| as_f64(&x).iter().copied().collect());
    if bshape.len() == 1 {
        return Ok(float_array(lu_solve(&f, &perm, n, &bv)));
    }
    let k = bshape[1];
    let mut out = vec![0.0; n * k];
    for c in 0..k {
        let col: Vec<f64> = (0..n).map(|r| bv[r * k + c]).collect();
        for (r, v) in lu_solve(&f, &perm, n, &col).into_iter().enumerate() {
            out[r * k + c] = v;
        }
    }
    let a = ArrayD::from_shape_vec(IxDyn(&[n, k]), out).map_err(|e| PyErr::value(e.to_string()))?;
    Ok(Value::Array(NdArray::from_f64(a)))
}

/// `np.linalg.norm` with `ord` for vectors and matrices.
fn la_norm(_: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("norm", args, &["x", "ord", "axis", "keepdims"], 1)?;
    let a = arr(&req(&mut s, 0))?;
    let ord = opt(&mut s, 1);
    let axis = super::numpy::axis_arg(opt(&mut s, 2))?;
    let keepdims = bool_of(opt(&mut s, 3))?;
    let f = NdArray::new(a.with_view(|v| cast_data(&v, DType::Float64)));
    let axes = normalize_axes(axis.as_deref(), f.ndim())?;
    let vector = axes.len() == 1 || (axis.is_none() && f.ndim() == 1) || (axis.is_none() && ord.is_none());
    let absf = f.with_view(|v| as_f64(&v).mapv(f64::abs));
    let absd = ArrayData::Float(absf.clone());
    let of_abs = |g: &dyn Fn(f64) -> f64| ArrayData::Float(absf.mapv(g));
    let red = |r: Reduction, data: &ArrayData, axes: &[usize]| reduce::reduce(&data.view(), r, axes, keepdims);
    let finish = |d: ArrayData| Ok(wrap_result(d));
    let map = |d: ArrayData, g: fn(f64) -> f64| match d {
        ArrayData::Float(x) => ArrayData::Float(x.mapv(g)),
        other => other,
    };
    let ord_num = match &ord {
        None => None,
        Some(Value::Str(t)) if t.as_ref() == "fro" => None,
        Some(Value::Str(t)) => {
            return Err(PyErr::value(format!("Invalid norm order '{t}' for vectors")));
        }
        Some(v) => Some(float_of(v)?),
    };
    if vector {
        let p = ord_num.unwrap_or(2.0);
        return if p == f64::INFINITY {
            finish(red(Reduction::Max, &absd, &axes)?)
        } else if p == f64::NEG_INFINITY {
            finish(red(Reduction::Min, &absd, &axes)?)
        } else if p == 0.0 {
            let nz = of_abs(&|v| if v != 0.0 { 1.0 } else { 0.0 });
            finish(red(Reduction::Sum, &nz, &axes)?)
        } else if p == 1.0 {
            finish(red(Reduction::Sum, &absd, &axes)?)
        } else if p == 2.0 {
            let sq = of_abs(&|v| v * v);
            finish(map(red(Reduction::Sum, &sq, &axes)?, f64::sqrt))
        } else {
            let pw = of_abs(&|v| v.powf(p));
            let s = red(Reduction::Sum, &pw, &axes)?;
            finish(match s {
                ArrayData::Float(x) => ArrayData::Float(x.mapv(|v| v.powf(1.0 / p))),
                other => other,
            })
        };
    }
    // Matrix norms over two axes.
    let (r_ax, c_ax) = (axes[0], *axes.get(1).unwrap_or(&axes[0]));
    match ord_num {
        None => {
            let sq = of_abs(&|v| v * v);
            finish(map(red(Reduction::Sum, &sq, &axes)?, f64::sqrt))
        }
        Some(p) if p == 1.0 || p == -1.0 || p.is_infinite() => {
            let (sum_ax, ext_ax) = if p.abs() == 1.0 { (r_ax, c_ax) } else { (c_ax, r_ax) };
            let sums = reduce::reduce(&absd.view(), Reduction::Sum, &[sum_ax], true)?;
            let r = if p > 0.0 { Reduction::Max } else { Reduction::Min };
            let mut out = reduce::reduce(&sums.view(), r, &[ext_ax], true)?;
            if !keepdims {
                let shape: Vec<usize> =
                    out.shape().iter().enumerate().filter(|(d, _)| !axes.contains(d)).map(|(_, &n)| n).collect();
                out = reshape_data(out, &shape)?;
            }
            finish(out)
        }
        Some(_) => Err(PyErr::value("Invalid norm order for matrices.")),
    }
}

/// `np.diagonal(a, offset, axis1, axis2)` for any ndim (read-only, like NumPy's view).
fn np_diagonal_nd(_: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("diagonal", args, &["a", "offset", "axis1", "axis2"], 1)?;
    let a = arr(&req(&mut s, 0))?;
    let offset = opt(&mut s, 1).map(|v| int_of(&v)).transpose()?.unwrap_or(0);
    let ax1 = opt(&mut s, 2).map(|v| int_of(&v)).transpose()?.unwrap_or(0);
    let ax2 = opt(&mut s, 3).map(|v| int_of(&v)).transpose()?.unwrap_or(1);
    diagonal_of(&a, offset, ax1, ax2).map(|d| Value::Array(d.into_readonly()))
}

pub(crate) fn diagonal_of(a: &NdArray, offset: i64, ax1: i64, ax2: i64) -> PyResult<NdArray> {
    let nd = a.ndim();
    if nd < 2 {
        return Err(PyErr::value("diag requires an array of at least two dimensions"));
    }
    let i = normalize_axis(ax1, nd)?;
    let j = normalize_axis(ax2, nd)?;
    if i == j {
        return Err(PyErr::value("axis1 and axis2 cannot be the same"));
    }
    // Move the two axes to the end, then gather the diagonal.
    let mut perm: Vec<i64> = (0..nd).filter(|&d| d != i && d != j).map(|d| d as i64).collect();
    perm.extend([i as i64, j as i64]);
    let Value::Array(t) = super::numpy::transpose_value(a, Some(perm))? else { return Err(PyErr::value("diag")) };
    let sh = t.shape();
    let (r, c) = (sh[nd - 2] as i64, sh[nd - 1] as i64);
    let (r0, c0) = if offset >= 0 { (0, offset) } else { (-offset, 0) };
    let len = (r - r0).min(c - c0).max(0) as usize;
    let rows = int_array((0..len as i64).map(|k| r0 + k).collect());
    let cols = int_array((0..len as i64).map(|k| c0 + k).collect());
    let mut items: Vec<Value> = vec![full_slice(); nd - 2];
    items.extend([rows, cols]);
    match crate::ops::index::get(&t, &Value::tuple(items))? {
        Value::Array(d) => Ok(d),
        other => Ok(NdArray::new(array_from_value(&other, None)?)),
    }
}

fn np_trace_nd(_: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("trace", args, &["a", "offset", "axis1", "axis2"], 1)?;
    let a = arr(&req(&mut s, 0))?;
    let offset = opt(&mut s, 1).map(|v| int_of(&v)).transpose()?.unwrap_or(0);
    let ax1 = opt(&mut s, 2).map(|v| int_of(&v)).transpose()?.unwrap_or(0);
    let ax2 = opt(&mut s, 3).map(|v| int_of(&v)).transpose()?.unwrap_or(1);
    let d = diagonal_of(&a, offset, ax1, ax2)?;
    let d = if d.dtype() == DType::Bool { NdArray::new(d.with_view(|v| cast_data(&v, DType::Int64))) } else { d };
    let last = d.ndim() - 1;
    d.with_view(|v| reduce::reduce(&v, Reduction::Sum, &[last], false)).map(wrap_result)
}

/// Linear-algebra and more array functions.
pub static MORE: &[Builtin] = &[
    f("atleast_1d", "np.atleast_1d(a)", "View a scalar as a 1-element array.", np_atleast_1d),
    f("atleast_3d", "np.atleast_3d(a)", "View as at least 3-D: (n,) → (1, n, 1).", np_atleast_3d),
    f("kron", "np.kron(a, b)", "Kronecker product.", np_kron),
    f(
        "diagonal",
        "np.diagonal(a, offset=0, axis1=0, axis2=1)",
        "The diagonal (read-only); for N-d input the diagonal axis goes last.",
        np_diagonal_nd,
    ),
    f(
        "trace",
        "np.trace(a, offset=0, axis1=0, axis2=1)",
        "Sum along the diagonal (a scalar for 2-D input).",
        np_trace_nd,
    ),
    Builtin {
        name: "det",
        owner: Owner::Module(Module::Linalg),
        signature: "np.linalg.det(a)",
        doc: "Determinant of a square matrix.",
        func: la_det,
        keywords: Keywords::Python,
    },
    Builtin {
        name: "inv",
        owner: Owner::Module(Module::Linalg),
        signature: "np.linalg.inv(a)",
        doc: "Inverse of a square matrix: inv(A) @ A is the identity.",
        func: la_inv,
        keywords: Keywords::Python,
    },
    Builtin {
        name: "solve",
        owner: Owner::Module(Module::Linalg),
        signature: "np.linalg.solve(a, b)",
        doc: "Solve a @ x = b for x.",
        func: la_solve,
        keywords: Keywords::Python,
    },
    Builtin {
        name: "norm",
        owner: Owner::Module(Module::Linalg),
        signature: "np.linalg.norm(x, ord=None, axis=None, keepdims=False)",
        doc: "Vector norm (ord 2 by default; 1, inf, -inf, 0, p) or matrix norm ('fro' by default; 1, -1, inf, -inf).",
        func: la_norm,
        keywords: Keywords::Python,
    },
];

pub(crate) fn method_diagonal(i: &mut Interp, args: Args) -> PyResult<Value> {
    np_diagonal_nd(i, args)
}

pub(crate) fn method_trace(i: &mut Interp, args: Args) -> PyResult<Value> {
    np_trace_nd(i, args)
}

fn np_issubdtype(_: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("issubdtype", args, &["arg1", "arg2"], 2)?;
    let a = req(&mut s, 0);
    let b = req(&mut s, 1);
    let da = super::numpy::dtype_arg(Some(a))?;
    Ok(Value::Bool(match (da, &b) {
        (Some(d), Value::Type(crate::value::TypeObj::NpAbstract(class))) => super::python::dtype_in_abstract(d, class),
        (Some(d), other) => super::numpy::dtype_arg(Some(other.clone()))? == Some(d),
        _ => false,
    }))
}

fn dtype_of_value(v: &Value) -> PyResult<(DType, bool)> {
    Ok(match v {
        Value::Array(a) => (a.dtype(), false),
        Value::Scalar(s) => (s.dtype(), false),
        Value::Bool(_) => (DType::Bool, true),
        Value::Int(_) => (DType::Int64, true),
        Value::Float(_) => (DType::Float64, true),
        other => (super::numpy::dtype_arg(Some(other.clone()))?.unwrap_or(DType::Float64), false),
    })
}

fn np_result_type(_: &mut Interp, args: Args) -> PyResult<Value> {
    super::unexpected_keyword(&args, &[], "result_type")?;
    let mut dt: Option<DType> = None;
    for v in &args.positional {
        let (d, _) = dtype_of_value(v)?;
        dt = Some(dt.map_or(d, |x| x.max(d)));
    }
    dt.map(Value::DType).ok_or_else(|| PyErr::value("at least one array or dtype is required"))
}

fn np_promote_types(_: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("promote_types", args, &["type1", "type2"], 2)?;
    let a = super::numpy::dtype_arg(Some(req(&mut s, 0)))?.unwrap_or(DType::Float64);
    let b = super::numpy::dtype_arg(Some(req(&mut s, 1)))?.unwrap_or(DType::Float64);
    Ok(Value::DType(a.max(b)))
}

fn np_can_cast(_: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("can_cast", args, &["from_", "to", "casting"], 2)?;
    let (from, _) = dtype_of_value(&req(&mut s, 0))?;
    let to = super::numpy::dtype_arg(Some(req(&mut s, 1)))?.unwrap_or(DType::Float64);
    Ok(Value::Bool(from <= to))
}

fn type_info(name: &str, args: Args, float: bool) -> PyResult<Value> {
    let mut s = bind(name, args, &["type"], 1)?;
    let v = req(&mut s, 0);
    let (d, _) = dtype_of_value(&v)?;
    match (float, d) {
        (true, DType::Float64) | (false, DType::Int64) => {
            Ok(Value::Opaque(std::rc::Rc::new(crate::value::Opaque::TypeInfo(d))))
        }
        (true, _) => Err(PyErr::value(format!("data type <class 'numpy.{}'> not inexact", d.name()))),
        (false, _) => Err(PyErr::value(format!(
            "Invalid integer data type '{}'.",
            match d {
                DType::Float64 => "f",
                _ => "b",
            }
        ))),
    }
}

fn np_finfo(_: &mut Interp, args: Args) -> PyResult<Value> {
    type_info("finfo", args, true)
}
fn np_iinfo(_: &mut Interp, args: Args) -> PyResult<Value> {
    type_info("iinfo", args, false)
}

/// Attributes of `np.finfo(float)` / `np.iinfo(int)`.
pub fn type_info_attr(d: DType, name: &str) -> Option<Value> {
    use crate::value::Scalar;
    let f = |x: f64| Some(Value::Scalar(Scalar::Float(x)));
    match (d, name) {
        (DType::Float64, "eps") => f(f64::EPSILON),
        (DType::Float64, "max") => f(f64::MAX),
        (DType::Float64, "min") => f(f64::MIN),
        (DType::Float64, "tiny" | "smallest_normal") => f(f64::MIN_POSITIVE),
        (DType::Float64, "resolution") => f(1e-15),
        (DType::Float64, "precision") => Some(Value::Int(15)),
        (DType::Float64, "bits") | (DType::Int64, "bits") => Some(Value::Int(64)),
        (DType::Float64, "dtype") | (DType::Int64, "dtype") => Some(Value::DType(d)),
        (DType::Int64, "max") => Some(Value::Int(i64::MAX as i128)),
        (DType::Int64, "min") => Some(Value::Int(i64::MIN as i128)),
        _ => None,
    }
}

/// `repr` of a type-info object, as NumPy prints it.
pub fn type_info_repr(d: DType) -> String {
    match d {
        DType::Float64 => {
            "finfo(resolution=1e-15, min=-1.7976931348623157e+308, max=1.7976931348623157e+308, dtype=float64)".into()
        }
        _ => "iinfo(min=-9223372036854775808, max=9223372036854775807, dtype=int64)".into(),
    }
}

/// Type utilities.
pub static TYPES: &[Builtin] = &[
    f(
        "issubdtype",
        "np.issubdtype(arg1, arg2)",
        "Is dtype arg1 a kind of arg2 (np.integer, np.floating...)?",
        np_issubdtype,
    ),
    f("result_type", "np.result_type(*arrays_and_dtypes)", "The dtype NumPy's promotion gives.", np_result_type),
    f("promote_types", "np.promote_types(type1, type2)", "The smallest dtype both can be cast to.", np_promote_types),
    f("can_cast", "np.can_cast(from_, to)", "Can from_ be cast to `to` safely?", np_can_cast),
    f("finfo", "np.finfo(float)", "Machine limits of a float type: eps, max, min, tiny.", np_finfo),
    f("iinfo", "np.iinfo(int)", "Machine limits of an integer type: max, min, bits.", np_iinfo),
];
