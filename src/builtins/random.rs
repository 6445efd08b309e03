//! `np.random`: the legacy global generator, bit-exact with NumPy.

use ndarray::{ArrayD, IxDyn};

use super::{bind, opt, req, Builtin, Keywords, Owner};
use crate::interp::error::{ExcType, PyErr, PyResult};
use crate::interp::eval::{Args, Interp};
use crate::interp::pyops::{self, index_int};
use crate::random::legacy::{self, LegacyRandom};
use crate::value::alloc::{check_alloc, dims_from_i64};
use crate::value::{ArrayData, DType, Module, NdArray, Value};

const R: Owner = Owner::Module(Module::Random);

const fn f(name: &'static str, signature: &'static str, doc: &'static str, func: super::BuiltinFn) -> Builtin {
    Builtin { name, owner: R, signature, doc, func, keywords: Keywords::Python }
}

fn int_of(v: &Value) -> PyResult<i64> {
    index_int(v)
        .ok_or_else(|| PyErr::type_err(format!("'{}' object cannot be interpreted as an integer", v.type_name())))
}

fn float_of(v: &Value) -> PyResult<f64> {
    match v {
        Value::Float(x) => Ok(*x),
        Value::Scalar(s) => Ok(s.as_f64()),
        other => index_int(other).map(|i| i as f64).ok_or_else(|| PyErr::type_err("must be real number")),
    }
}

/// A `size=` argument: None (a scalar result) or a shape.
fn size_arg(v: Option<Value>) -> PyResult<Option<Vec<usize>>> {
    match v {
        None => Ok(None),
        Some(v @ (Value::Tuple(_) | Value::List(_))) => {
            let dims: PyResult<Vec<i64>> = pyops::iterate(&v)?.iter().map(int_of).collect();
            Ok(Some(dims_from_i64(&dims?)?))
        }
        Some(v) => Ok(Some(dims_from_i64(&[int_of(&v)?])?)),
    }
}

fn floats(
    shape: Option<Vec<usize>>,
    rng: &mut LegacyRandom,
    mut draw: impl FnMut(&mut LegacyRandom) -> f64,
) -> PyResult<Value> {
    match shape {
        None => Ok(Value::Float(draw(rng))),
        Some(shape) => {
            let n = check_alloc(&shape, DType::Float64)?;
            let mut v = Vec::with_capacity(n);
            for k in 0..n {
                if k % 65536 == 0 {
                    crate::interp::interrupt::check()?;
                }
                v.push(draw(rng));
            }
            let a = ArrayD::from_shape_vec(IxDyn(&shape), v).map_err(|e| PyErr::value(e.to_string()))?;
            Ok(Value::Array(NdArray::from_f64(a)))
        }
    }
}

fn dims_varargs(args: &Args, name: &str) -> PyResult<Option<Vec<usize>>> {
    if let Some((k, _)) = args.keywords.first() {
        return Err(PyErr::type_err(format!("{name}() got an unexpected keyword argument '{k}'")));
    }
    if args.positional.is_empty() {
        return Ok(None);
    }
    let dims: PyResult<Vec<i64>> = args.positional.iter().map(int_of).collect();
    Ok(Some(dims_from_i64(&dims?)?))
}

fn r_seed(i: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("seed", args, &["seed"], 0)?;
    let rng = match opt(&mut s, 0) {
        None => LegacyRandom::from_entropy(),
        Some(v @ (Value::List(_) | Value::Tuple(_) | Value::Array(_))) => {
            let items = pyops::iterate(&v)?;
            let mut key = Vec::new();
            for it in items {
                let x = int_of(&it)?;
                key.push(u32::try_from(x).map_err(|_| PyErr::value("Seed must be between 0 and 2**32 - 1"))?);
            }
            if key.is_empty() {
                return Err(PyErr::value("Seed must be non-empty"));
            }
            LegacyRandom::from_seed_array(&key)
        }
        Some(v) => {
            let x = match &v {
                Value::Int(n) => *n,
                Value::Float(_) | Value::Scalar(crate::value::Scalar::Float(_)) => {
                    return Err(PyErr::type_err(
                        "Cannot cast scalar from dtype('float64') to dtype('int64') according to the rule 'safe'",
                    ))
                }
                other => int_of(other)? as i128,
            };
            let s = u32::try_from(x).map_err(|_| PyErr::value("Seed must be between 0 and 2**32 - 1"))?;
            LegacyRandom::from_seed(s)
        }
    };
    i.session.set_rng(rng);
    Ok(Value::None)
}

fn r_rand(i: &mut Interp, args: Args) -> PyResult<Value> {
    let shape = dims_varargs(&args, "rand")?;
    floats(shape, i.session.rng(), |r| r.random_sample())
}

fn r_randn(i: &mut Interp, args: Args) -> PyResult<Value> {
    let shape = dims_varargs(&args, "randn")?;
    floats(shape, i.session.rng(), |r| r.standard_normal())
}

fn r_random(i: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("random", args, &["size"], 0)?;
    let shape = size_arg(opt(&mut s, 0))?;
    floats(shape, i.session.rng(), |r| r.random_sample())
}

fn r_uniform(i: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("uniform", args, &["low", "high", "size"], 0)?;
    let low = opt(&mut s, 0).map(|v| float_of(&v)).transpose()?.unwrap_or(0.0);
    let high = opt(&mut s, 1).map(|v| float_of(&v)).transpose()?.unwrap_or(1.0);
    legacy::check_uniform_range(low, high).map_err(|m| PyErr::new(ExcType::OverflowError, m))?;
    let shape = size_arg(opt(&mut s, 2))?;
    floats(shape, i.session.rng(), |r| r.uniform(low, high))
}

fn r_normal(i: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("normal", args, &["loc", "scale", "size"], 0)?;
    let loc = opt(&mut s, 0).map(|v| float_of(&v)).transpose()?.unwrap_or(0.0);
    let scale = opt(&mut s, 1).map(|v| float_of(&v)).transpose()?.unwrap_or(1.0);
    legacy::check_non_negative("scale", scale).map_err(PyErr::value)?;
    let shape = size_arg(opt(&mut s, 2))?;
    floats(shape, i.session.rng(), |r| r.normal(loc, scale))
}

fn r_standard_normal(i: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("standard_normal", args, &["size"], 0)?;
    let shape = size_arg(opt(&mut s, 0))?;
    floats(shape, i.session.rng(), |r| r.standard_normal())
}

fn r_randint(i: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("randint", args, &["low", "high", "size", "dtype"], 1)?;
    let a = int_of(&req(&mut s, 0))?;
    let (low, high) = match opt(&mut s, 1) {
        Some(h) => (a, int_of(&h)?),
        None => (0, a),
    };
    let shape = size_arg(opt(&mut s, 2))?;
    if let Some(sh) = &shape {
        if sh.iter().product::<usize>() == 0 {
            check_alloc(sh, DType::Int64)?;
            return Ok(Value::Array(NdArray::new(ArrayData::Int(ArrayD::zeros(IxDyn(sh))))));
        }
    }
    legacy::check_randint_bounds(low, high).map_err(PyErr::value)?;
    let rng = i.session.rng();
    match shape {
        None => Ok(Value::Int(rng.randint(low, high) as i128)),
        Some(shape) => {
            let n = check_alloc(&shape, DType::Int64)?;
            let v = rng.randint_fill(low, high, n);
            let a = ArrayD::from_shape_vec(IxDyn(&shape), v).map_err(|e| PyErr::value(e.to_string()))?;
            Ok(Value::Array(NdArray::from_i64(a)))
        }
    }
}

fn r_choice(i: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("choice", args, &["a", "size", "replace", "p"], 1)?;
    let a = req(&mut s, 0);
    let (n, pool) = match &a {
        Value::Int(_) | Value::Scalar(_) | Value::Bool(_) => {
            let n = int_of(&a)?;
            if n < 0 {
                return Err(PyErr::value("a must be greater than 0 unless no samples are taken"));
            }
            (n as usize, None)
        }
        other => {
            let arr = crate::value::convert::as_array(other)?;
            if arr.ndim() != 1 {
                return Err(PyErr::value("a must be 1-dimensional"));
            }
            (arr.size(), Some(arr))
        }
    };
    let shape = size_arg(opt(&mut s, 1))?;
    let replace = opt(&mut s, 2).map(|v| pyops::truthy(&v)).transpose()?.unwrap_or(true);
    let p = match opt(&mut s, 3) {
        None => None,
        Some(v) => {
            let arr = crate::value::convert::as_array(&v)?;
            Some(crate::ops::cast::as_f64(&arr.to_data().view()).iter().copied().collect::<Vec<f64>>())
        }
    };
    let count = match &shape {
        Some(s) => check_alloc(s, DType::Int64)?,
        None => 1,
    };
    let idx = i.session.rng().choice(n, count, replace, p.as_deref()).map_err(PyErr::value)?;
    let picked: Vec<Value> = match &pool {
        None => idx.iter().map(|&k| Value::Int(k as i128)).collect(),
        Some(arr) => {
            let mut out = Vec::with_capacity(idx.len());
            for &k in &idx {
                out.push(crate::ops::index::get(arr, &Value::Int(k as i128))?);
            }
            out
        }
    };
    match shape {
        None => Ok(picked.into_iter().next().unwrap_or(Value::None)),
        Some(shape) => {
            let data = crate::value::convert::array_from_value(&Value::list(picked), None)?;
            let dt = pool.as_ref().map(|p| p.dtype()).unwrap_or(DType::Int64);
            let data = crate::ops::cast::cast_data(&data.view(), dt);
            Ok(Value::Array(NdArray::new(crate::ops::linalg::reshape_data(data, &shape)?)))
        }
    }
}

fn r_permutation(i: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("permutation", args, &["x"], 1)?;
    let x = req(&mut s, 0);
    match &x {
        Value::Int(_) | Value::Scalar(_) => {
            let n = int_of(&x)?;
            let n = usize::try_from(n).map_err(|_| PyErr::value("negative dimensions are not allowed"))?;
            check_alloc(&[n], DType::Int64)?;
            let perm = i.session.rng().permutation(n);
            let a = ArrayD::from_shape_vec(IxDyn(&[n]), perm.into_iter().map(|k| k as i64).collect())
                .map_err(|e| PyErr::value(e.to_string()))?;
            Ok(Value::Array(NdArray::from_i64(a)))
        }
        other => {
            let arr = crate::value::convert::as_array(other)?;
            let copy = NdArray::new(arr.to_data());
            shuffle_array(i, &copy)?;
            Ok(Value::Array(copy))
        }
    }
}

fn shuffle_array(i: &mut Interp, arr: &NdArray) -> PyResult<()> {
    let n = *arr.shape().first().ok_or_else(|| PyErr::value("array must be at least 1-D"))?;
    let order = i.session.rng().shuffle_indices(n);
    let original = NdArray::new(arr.to_data());
    let idx = Value::Array(NdArray::from_i64(
        ArrayD::from_shape_vec(IxDyn(&[n]), order.into_iter().map(|k| k as i64).collect())
            .map_err(|e| PyErr::value(e.to_string()))?,
    ));
    let permuted = crate::ops::index::get(&original, &idx)?;
    crate::ops::index::set(
        arr,
        &Value::Slice(std::rc::Rc::new(crate::value::SliceObj { start: None, stop: None, step: None })),
        &permuted,
    )
}

fn r_shuffle(i: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("shuffle", args, &["x"], 1)?;
    match req(&mut s, 0) {
        Value::Array(a) => shuffle_array(i, &a)?,
        Value::List(l) => {
            let n = l.borrow().len();
            let order = i.session.rng().shuffle_indices(n);
            let old = l.borrow().clone();
            *l.borrow_mut() = order.into_iter().map(|k| old[k].clone()).collect();
        }
        other => return Err(PyErr::type_err(format!("'{}' object is not a mutable sequence", other.type_name()))),
    }
    Ok(Value::None)
}

/// `np.random` functions.
pub static FUNCTIONS: &[Builtin] = &[
    f(
        "seed",
        "np.random.seed(seed=None)",
        "Reset the global generator (legacy MT19937), so the same seed gives NumPy's exact numbers.",
        r_seed,
    ),
    f(
        "rand",
        "np.random.rand(d0, d1, ...)",
        "Uniform [0, 1) samples of shape (d0, d1, ...); no arguments gives a Python float.",
        r_rand,
    ),
    f(
        "randn",
        "np.random.randn(d0, d1, ...)",
        "Standard normal samples of shape (d0, d1, ...); no arguments gives a Python float.",
        r_randn,
    ),
    f("random", "np.random.random(size=None)", "Uniform [0, 1) samples with the given size.", r_random),
    f("random_sample", "np.random.random_sample(size=None)", "Uniform [0, 1) samples with the given size.", r_random),
    f("uniform", "np.random.uniform(low=0.0, high=1.0, size=None)", "Uniform samples in [low, high).", r_uniform),
    f(
        "normal",
        "np.random.normal(loc=0.0, scale=1.0, size=None)",
        "Normal samples with mean loc and standard deviation scale.",
        r_normal,
    ),
    f(
        "standard_normal",
        "np.random.standard_normal(size=None)",
        "Standard normal samples with the given size.",
        r_standard_normal,
    ),
    f(
        "randint",
        "np.random.randint(low, high=None, size=None)",
        "Random integers in [low, high) (or [0, low)); without size a Python int.",
        r_randint,
    ),
    f(
        "choice",
        "np.random.choice(a, size=None, replace=True, p=None)",
        "Random sample from a (an int n means range(n)).",
        r_choice,
    ),
    f("permutation", "np.random.permutation(x)", "A shuffled copy (or a permutation of range(x)).", r_permutation),
    f("shuffle", "np.random.shuffle(x)", "Shuffle along the first axis in place.", r_shuffle),
];
