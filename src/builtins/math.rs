//! Python's `math` module: functions on Python floats with Python's
//! errors (`ValueError: math domain error`), returning Python values.

use super::{bind, opt, req, Builtin, Keywords, Owner};
use crate::interp::error::{ExcType, PyErr, PyResult};
use crate::interp::eval::{Args, Interp};
use crate::value::{Module, Scalar, Value};

const MATH: Owner = Owner::Module(Module::Math);

const fn f(name: &'static str, signature: &'static str, doc: &'static str, func: super::BuiltinFn) -> Builtin {
    Builtin { name, owner: MATH, signature, doc, func, keywords: Keywords::Python }
}

fn real(v: &Value) -> PyResult<f64> {
    match v {
        Value::Float(x) => Ok(*x),
        Value::Int(i) => Ok(*i as f64),
        Value::Bool(b) => Ok(*b as u8 as f64),
        Value::Scalar(s) => Ok(s.as_f64()),
        Value::Array(a) if a.size() == 1 => {
            Ok(crate::ops::cast::as_f64(&a.to_data().view()).iter().next().copied().unwrap_or(0.0))
        }
        other => Err(PyErr::type_err(format!("must be real number, not {}", other.type_name()))),
    }
}

fn domain() -> PyErr {
    PyErr::value("math domain error")
}

fn range_err() -> PyErr {
    PyErr::new(ExcType::OverflowError, "math range error")
}

/// A one-argument float function with Python's domain and range checks.
fn unary(name: &str, args: Args, func: fn(f64) -> f64, domain_ok: fn(f64) -> bool) -> PyResult<Value> {
    let mut s = bind(name, args, &["x"], 1)?;
    let x = real(&req(&mut s, 0))?;
    if !domain_ok(x) {
        return Err(domain());
    }
    let r = func(x);
    if r.is_infinite() && x.is_finite() {
        return Err(range_err());
    }
    if r.is_nan() && !x.is_nan() {
        return Err(domain());
    }
    Ok(Value::Float(r))
}

fn m_log(_: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("log", args, &["x", "base"], 1)?;
    let x = real(&req(&mut s, 0))?;
    if x <= 0.0 {
        return Err(domain());
    }
    let r = x.ln();
    match opt(&mut s, 1) {
        None => Ok(Value::Float(r)),
        Some(b) => {
            let b = real(&b)?;
            if b <= 0.0 {
                return Err(domain());
            }
            let d = b.ln();
            if d == 0.0 {
                return Err(PyErr::new(ExcType::ZeroDivisionError, "float division by zero"));
            }
            Ok(Value::Float(r / d))
        }
    }
}

fn m_log2(_: &mut Interp, a: Args) -> PyResult<Value> {
    unary("log2", a, f64::log2, |x| x > 0.0 || x.is_nan())
}
fn m_log10(_: &mut Interp, a: Args) -> PyResult<Value> {
    unary("log10", a, f64::log10, |x| x > 0.0 || x.is_nan())
}
fn m_log1p(_: &mut Interp, a: Args) -> PyResult<Value> {
    unary("log1p", a, f64::ln_1p, |x| x > -1.0 || x.is_nan())
}
fn m_exp(_: &mut Interp, a: Args) -> PyResult<Value> {
    unary("exp", a, f64::exp, |_| true)
}
fn m_expm1(_: &mut Interp, a: Args) -> PyResult<Value> {
    unary("expm1", a, f64::exp_m1, |_| true)
}
fn m_sqrt(_: &mut Interp, a: Args) -> PyResult<Value> {
    unary("sqrt", a, f64::sqrt, |x| x >= 0.0 || x.is_nan())
}
fn m_sin(_: &mut Interp, a: Args) -> PyResult<Value> {
    unary("sin", a, f64::sin, |x| !x.is_infinite())
}
fn m_cos(_: &mut Interp, a: Args) -> PyResult<Value> {
    unary("cos", a, f64::cos, |x| !x.is_infinite())
}
fn m_tan(_: &mut Interp, a: Args) -> PyResult<Value> {
    unary("tan", a, f64::tan, |x| !x.is_infinite())
}
fn m_tanh(_: &mut Interp, a: Args) -> PyResult<Value> {
    unary("tanh", a, f64::tanh, |_| true)
}
fn m_atan(_: &mut Interp, a: Args) -> PyResult<Value> {
    unary("atan", a, f64::atan, |_| true)
}
fn m_fabs(_: &mut Interp, a: Args) -> PyResult<Value> {
    unary("fabs", a, f64::abs, |_| true)
}

fn to_int(name: &str, args: Args, func: fn(f64) -> f64) -> PyResult<Value> {
    let mut s = bind(name, args, &["x"], 1)?;
    let v = req(&mut s, 0);
    if let Value::Int(i) = v {
        return Ok(Value::Int(i));
    }
    let x = real(&v)?;
    if x.is_nan() {
        return Err(PyErr::value("cannot convert float NaN to integer"));
    }
    if x.is_infinite() {
        return Err(PyErr::new(ExcType::OverflowError, "cannot convert float infinity to integer"));
    }
    Ok(Value::Int(func(x) as i128))
}

fn m_floor(_: &mut Interp, a: Args) -> PyResult<Value> {
    to_int("floor", a, f64::floor)
}
fn m_ceil(_: &mut Interp, a: Args) -> PyResult<Value> {
    to_int("ceil", a, f64::ceil)
}
fn m_trunc(_: &mut Interp, a: Args) -> PyResult<Value> {
    to_int("trunc", a, f64::trunc)
}

fn m_pow(_: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("pow", args, &["x", "y"], 2)?;
    let (x, y) = (real(&req(&mut s, 0))?, real(&req(&mut s, 1))?);
    if x == 0.0 && y < 0.0 || (x < 0.0 && y.fract() != 0.0 && y.is_finite()) {
        return Err(domain());
    }
    let r = x.powf(y);
    if r.is_infinite() && x.is_finite() && y.is_finite() {
        return Err(range_err());
    }
    Ok(Value::Float(r))
}

fn pred(name: &str, args: Args, p: fn(f64) -> bool) -> PyResult<Value> {
    let mut s = bind(name, args, &["x"], 1)?;
    Ok(Value::Bool(p(real(&req(&mut s, 0))?)))
}

fn m_isnan(_: &mut Interp, a: Args) -> PyResult<Value> {
    pred("isnan", a, f64::is_nan)
}
fn m_isinf(_: &mut Interp, a: Args) -> PyResult<Value> {
    pred("isinf", a, f64::is_infinite)
}
fn m_isfinite(_: &mut Interp, a: Args) -> PyResult<Value> {
    pred("isfinite", a, f64::is_finite)
}

fn m_isclose(_: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("isclose", args, &["a", "b", "rel_tol", "abs_tol"], 2)?;
    let (a, b) = (real(&req(&mut s, 0))?, real(&req(&mut s, 1))?);
    let rel = opt(&mut s, 2).map(|v| real(&v)).transpose()?.unwrap_or(1e-9);
    let abs = opt(&mut s, 3).map(|v| real(&v)).transpose()?.unwrap_or(0.0);
    if a == b {
        return Ok(Value::Bool(true));
    }
    if a.is_infinite() || b.is_infinite() {
        return Ok(Value::Bool(false));
    }
    let d = (a - b).abs();
    Ok(Value::Bool(d <= (rel * b.abs()).max(rel * a.abs()).max(abs)))
}

fn m_factorial(_: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("factorial", args, &["n"], 1)?;
    let n = match req(&mut s, 0) {
        Value::Int(i) => i,
        Value::Scalar(Scalar::Int(i)) => i as i128,
        other => {
            return Err(PyErr::type_err(format!("'{}' object cannot be interpreted as an integer", other.type_name())))
        }
    };
    if n < 0 {
        return Err(PyErr::value("factorial() not defined for negative values"));
    }
    let mut acc: i128 = 1;
    for k in 2..=n {
        acc = acc
            .checked_mul(k)
            .ok_or_else(|| PyErr::new(ExcType::OverflowError, "factorial result too large for npr"))?;
    }
    Ok(Value::Int(acc))
}

/// `math` module functions.
pub static FUNCTIONS: &[Builtin] = &[
    f("log", "math.log(x, base=e)", "Natural logarithm of a Python number (ValueError for x <= 0).", m_log),
    f("log2", "math.log2(x)", "Base-2 logarithm.", m_log2),
    f("log10", "math.log10(x)", "Base-10 logarithm.", m_log10),
    f("log1p", "math.log1p(x)", "log(1 + x).", m_log1p),
    f("exp", "math.exp(x)", "e**x (OverflowError when too large).", m_exp),
    f("expm1", "math.expm1(x)", "exp(x) - 1.", m_expm1),
    f("sqrt", "math.sqrt(x)", "Square root (ValueError for negatives).", m_sqrt),
    f("sin", "math.sin(x)", "Sine.", m_sin),
    f("cos", "math.cos(x)", "Cosine.", m_cos),
    f("tan", "math.tan(x)", "Tangent.", m_tan),
    f("tanh", "math.tanh(x)", "Hyperbolic tangent.", m_tanh),
    f("atan", "math.atan(x)", "Inverse tangent.", m_atan),
    f("fabs", "math.fabs(x)", "Absolute value as a float.", m_fabs),
    f("floor", "math.floor(x)", "Largest integer <= x (an int).", m_floor),
    f("ceil", "math.ceil(x)", "Smallest integer >= x (an int).", m_ceil),
    f("trunc", "math.trunc(x)", "x truncated toward zero (an int).", m_trunc),
    f("pow", "math.pow(x, y)", "x ** y as floats.", m_pow),
    f("isnan", "math.isnan(x)", "Is x a nan?", m_isnan),
    f("isinf", "math.isinf(x)", "Is x infinite?", m_isinf),
    f("isfinite", "math.isfinite(x)", "Is x finite?", m_isfinite),
    f("isclose", "math.isclose(a, b, rel_tol=1e-09, abs_tol=0.0)", "Are a and b close?", m_isclose),
    f("factorial", "math.factorial(n)", "n!", m_factorial),
];
