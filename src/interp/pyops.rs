//! Operators with Python's semantics, handing NumPy operands to `ops`.

use super::error::{ExcType, PyErr, PyResult};
use crate::ops::ufunc::{self, Ufunc1, Ufunc2};
use crate::syntax::ast::{BinOp, CmpOp, UnaryOp};
use crate::value::convert::{fix_big_int, range_items, to_operand};
use crate::value::{Dict, DictView, NdArray, Scalar, Value};

fn is_numpy(v: &Value) -> bool {
    matches!(v, Value::Array(_) | Value::Scalar(_))
}

/// Python number view of a value (bool counts as int).
enum Num {
    Int(i128),
    Float(f64),
}

fn as_num(v: &Value) -> Option<Num> {
    match v {
        Value::Bool(b) => Some(Num::Int(*b as i128)),
        Value::Int(i) => Some(Num::Int(*i)),
        Value::Float(f) => Some(Num::Float(*f)),
        _ => None,
    }
}

fn unsupported(op: &str, l: &Value, r: &Value) -> PyErr {
    PyErr::type_err(format!("unsupported operand type(s) for {op}: '{}' and '{}'", l.type_name(), r.type_name()))
}

fn overflow() -> PyErr {
    PyErr::new(ExcType::OverflowError, "integer result too large for npr (Python ints are limited to 128 bits here)")
}

fn ufunc_for(op: BinOp) -> Option<Ufunc2> {
    Some(match op {
        BinOp::Add => Ufunc2::Add,
        BinOp::Sub => Ufunc2::Subtract,
        BinOp::Mul => Ufunc2::Multiply,
        BinOp::Div => Ufunc2::Divide,
        BinOp::FloorDiv => Ufunc2::FloorDivide,
        BinOp::Mod => Ufunc2::Remainder,
        BinOp::Pow => Ufunc2::Power,
        BinOp::BitAnd => Ufunc2::BitAnd,
        BinOp::BitOr => Ufunc2::BitOr,
        BinOp::BitXor => Ufunc2::BitXor,
        BinOp::LShift => Ufunc2::LeftShift,
        BinOp::RShift => Ufunc2::RightShift,
        BinOp::MatMul => return None,
    })
}

/// A NumPy binary ufunc applied to two values, returning a scalar for 0-d results.
pub fn numpy_binary(op: Ufunc2, l: &Value, r: &Value, scalar_math: bool) -> PyResult<Value> {
    let mut a = to_operand(l)?;
    let mut b = to_operand(r)?;
    // A Python int beyond int64 still compares and divides (in float64).
    let float_ok = matches!(
        op,
        Ufunc2::Divide
            | Ufunc2::Equal
            | Ufunc2::NotEqual
            | Ufunc2::Less
            | Ufunc2::LessEqual
            | Ufunc2::Greater
            | Ufunc2::GreaterEqual
    );
    fix_big_int(&mut a, b.dtype(), float_ok);
    fix_big_int(&mut b, a.dtype(), float_ok);
    ufunc::binary(op, &a, &b, scalar_math).map(ufunc::wrap_result)
}

/// A NumPy unary ufunc applied to a value.
pub fn numpy_unary(op: Ufunc1, v: &Value, scalar_math: bool) -> PyResult<Value> {
    let a = to_operand(v)?;
    ufunc::unary(op, &a, scalar_math).map(ufunc::wrap_result)
}

/// Kind rank for NumPy's scalar fast path: bool < int < float.
fn kind_rank(v: &Value) -> Option<u8> {
    Some(match v {
        Value::Bool(_) | Value::Scalar(Scalar::Bool(_)) => 0,
        Value::Int(_) | Value::Scalar(Scalar::Int(_)) => 1,
        Value::Float(_) | Value::Scalar(Scalar::Float(_)) => 2,
        _ => return None,
    })
}

/// Does NumPy's scalar math handle `l op r` (warnings say `scalar divide`)?
/// Only NumPy scalars with NumPy or Python scalars; a Python scalar of a
/// higher kind than the NumPy scalar defers to the array ufunc.
fn uses_scalar_math(l: &Value, r: &Value) -> bool {
    let (Some(kl), Some(kr)) = (kind_rank(l), kind_rank(r)) else {
        return false;
    };
    match (l, r) {
        (Value::Scalar(_), Value::Scalar(_)) => true,
        (Value::Scalar(_), _) => kr <= kl,
        (_, Value::Scalar(_)) => kl <= kr,
        _ => false,
    }
}

/// `l op r`.
pub fn binary(op: BinOp, l: &Value, r: &Value) -> PyResult<Value> {
    // `'%.3f' % np.float64(2.5)`: str's own `%` comes first, whatever the right side.
    if let (BinOp::Mod, Value::Str(f)) = (op, l) {
        return crate::builtins::python::percent_format(f, r).map(Value::str);
    }
    // Keys and items views are sets to `|`, `&`, `-` and `^`, with any
    // iterable on the other side; the result is a set.
    if matches!(op, BinOp::BitOr | BinOp::BitAnd | BinOp::Sub | BinOp::BitXor) && (set_like(l) || set_like(r)) {
        let as_set = |v: &Value| match v {
            Value::Set(_) => Ok(v.clone()),
            _ => set_from(iterate(v)?),
        };
        return binary(op, &as_set(l)?, &as_set(r)?);
    }
    if let Some(v) = small_float_binary(op, l, r) {
        return Ok(v);
    }
    if is_numpy(l) || is_numpy(r) {
        return numpy_operator(op, l, r);
    }
    if let (Some(a), Some(b)) = (as_num(l), as_num(r)) {
        if matches!(op, BinOp::BitAnd | BinOp::BitOr | BinOp::BitXor)
            && matches!(l, Value::Bool(_))
            && matches!(r, Value::Bool(_))
        {
            let (x, y) = (matches!(l, Value::Bool(true)), matches!(r, Value::Bool(true)));
            return Ok(Value::Bool(match op {
                BinOp::BitAnd => x & y,
                BinOp::BitOr => x | y,
                _ => x ^ y,
            }));
        }
        return python_arith(op, a, b).ok_or_else(|| unsupported(op.symbol(), l, r))?;
    }
    sequence_op(op, l, r)
}

/// `+ - * /` on small whole float64 arrays of one shape, or one and a
/// Python float or int (a lesson's `a + b`, `a * 2.0`), straight to the
/// kernel: what `numpy_operator` gives, with the same warnings. None for
/// anything else.
fn small_float_binary(op: BinOp, l: &Value, r: &Value) -> Option<Value> {
    use crate::ops::kernels::{arith_of, small_binary, Small};
    // NumPy converts a Python number to the array's float64; ints beyond
    // 2**53 (where that rounds) take the general path.
    let number = |v: &Value| match *v {
        Value::Float(f) => Some(f),
        Value::Int(i) if i.unsigned_abs() <= 1 << 53 => Some(i as f64),
        _ => None,
    };
    let u = ufunc_for(op)?;
    let k = arith_of(u)?;
    let (r, flags) = match (l, r) {
        (Value::Array(x), Value::Array(y)) => {
            x.with_f64_base(|a| y.with_f64_base(|b| small_binary(k, Small::Array(a), Small::Array(b))))??
        }
        (Value::Array(x), v) => {
            let q = number(v)?;
            x.with_f64_base(|a| small_binary(k, Small::Array(a), Small::Number(q)))?
        }
        (v, Value::Array(y)) => {
            let p = number(v)?;
            y.with_f64_base(|b| small_binary(k, Small::Number(p), Small::Array(b)))?
        }
        _ => return None,
    }?;
    ufunc::report_flags(flags, u.name(), false);
    Some(Value::Array(NdArray::from_f64(r)))
}

fn numpy_operator(op: BinOp, l: &Value, r: &Value) -> PyResult<Value> {
    if op == BinOp::MatMul {
        let arrayish = |v: &Value| matches!(v, Value::Array(_) | Value::List(_) | Value::Tuple(_));
        if !arrayish(l) && !arrayish(r) {
            return Err(unsupported("@", l, r));
        }
        return crate::ops::linalg::matmul_values(l, r);
    }
    if matches!(l, Value::Str(_) | Value::None) || matches!(r, Value::Str(_) | Value::None) {
        // NumPy tries the operation element by element, so the error names the element type.
        let elem = |v: &Value| match v {
            Value::Array(a) => Value::Scalar(match a.dtype() {
                crate::value::DType::Float64 => Scalar::Float(0.0),
                crate::value::DType::Int64 => Scalar::Int(0),
                crate::value::DType::Bool => Scalar::Bool(false),
            }),
            other => other.clone(),
        };
        let py = |v: Value| crate::builtins::numpy::to_python(&v);
        return Err(unsupported(op.symbol(), &py(elem(l)), &py(elem(r))));
    }
    // NumPy's fast paths for `array ** python_scalar`.
    if op == BinOp::Pow {
        if let Value::Array(a) = l {
            match r {
                Value::Int(2) => return numpy_unary(Ufunc1::Square, l, false),
                Value::Int(-1) if a.dtype() == crate::value::DType::Float64 => {
                    return numpy_unary(Ufunc1::Reciprocal, l, false)
                }
                Value::Float(f) if *f == 0.5 && a.dtype() == crate::value::DType::Float64 => {
                    return numpy_unary(Ufunc1::Sqrt, l, false)
                }
                _ => {}
            }
        }
    }
    let scalar_math = uses_scalar_math(l, r);
    let Some(u) = ufunc_for(op) else {
        return Err(unsupported(op.symbol(), l, r));
    };
    numpy_binary(u, l, r, scalar_math)
}

fn python_arith(op: BinOp, a: Num, b: Num) -> Option<PyResult<Value>> {
    use Num::*;
    Some(match (a, b) {
        (Int(x), Int(y)) => int_arith(op, x, y),
        (Int(x), Float(y)) => float_arith(op, x as f64, y),
        (Float(x), Int(y)) => float_arith(op, x, y as f64),
        (Float(x), Float(y)) => float_arith(op, x, y),
    })
}

fn int_arith(op: BinOp, x: i128, y: i128) -> PyResult<Value> {
    let zero = || {
        let what = if op == BinOp::Mod { "integer modulo by zero" } else { "integer division or modulo by zero" };
        PyErr::new(ExcType::ZeroDivisionError, what)
    };
    let v = match op {
        BinOp::Add => x.checked_add(y).ok_or_else(overflow)?,
        BinOp::Sub => x.checked_sub(y).ok_or_else(overflow)?,
        BinOp::Mul => x.checked_mul(y).ok_or_else(overflow)?,
        BinOp::Div => {
            if y == 0 {
                return Err(PyErr::new(ExcType::ZeroDivisionError, "division by zero"));
            }
            return Ok(Value::Float(int_true_divide(x, y)));
        }
        BinOp::FloorDiv => {
            if y == 0 {
                return Err(zero());
            }
            let q = x.checked_div(y).ok_or_else(overflow)?;
            if (x % y != 0) && ((x < 0) != (y < 0)) {
                q - 1
            } else {
                q
            }
        }
        BinOp::Mod => {
            if y == 0 {
                return Err(zero());
            }
            let m = x.checked_rem(y).unwrap_or(0);
            if m != 0 && ((m < 0) != (y < 0)) {
                m + y
            } else {
                m
            }
        }
        BinOp::Pow => {
            if y < 0 {
                if x == 0 {
                    return Err(PyErr::new(ExcType::ZeroDivisionError, "0.0 cannot be raised to a negative power"));
                }
                return Ok(Value::Float((x as f64).powf(y as f64)));
            }
            let e = u32::try_from(y).map_err(|_| overflow())?;
            x.checked_pow(e).ok_or_else(overflow)?
        }
        BinOp::BitAnd => x & y,
        BinOp::BitOr => x | y,
        BinOp::BitXor => x ^ y,
        BinOp::LShift => {
            if y < 0 {
                return Err(PyErr::value("negative shift count"));
            }
            let s = u32::try_from(y).map_err(|_| overflow())?;
            let r = x.checked_shl(s).ok_or_else(overflow)?;
            if r >> s != x {
                return Err(overflow());
            }
            r
        }
        BinOp::RShift => {
            if y < 0 {
                return Err(PyErr::value("negative shift count"));
            }
            x >> y.min(127)
        }
        BinOp::MatMul => {
            return Err(PyErr::type_err("unsupported operand type(s) for @: 'int' and 'int'"));
        }
    };
    Ok(Value::Int(v))
}

/// Python's correctly rounded int / int.
fn int_true_divide(x: i128, y: i128) -> f64 {
    const EXACT: i128 = 1 << 53;
    if x.abs() <= EXACT && y.abs() <= EXACT {
        x as f64 / y as f64
    } else {
        // Good enough for huge ints: divide in extended steps.
        let q = x / y;
        let r = x % y;
        q as f64 + r as f64 / y as f64
    }
}

fn float_arith(op: BinOp, x: f64, y: f64) -> PyResult<Value> {
    let zdiv = |m: &str| PyErr::new(ExcType::ZeroDivisionError, m.to_string());
    let v = match op {
        BinOp::Add => x + y,
        BinOp::Sub => x - y,
        BinOp::Mul => x * y,
        BinOp::Div => {
            if y == 0.0 {
                return Err(zdiv("float division by zero"));
            }
            x / y
        }
        BinOp::FloorDiv => {
            if y == 0.0 {
                return Err(zdiv("float floor division by zero"));
            }
            ufunc::float_divmod(x, y).0
        }
        BinOp::Mod => {
            if y == 0.0 {
                return Err(zdiv("float modulo"));
            }
            ufunc::float_divmod(x, y).1
        }
        BinOp::Pow => {
            if x == 0.0 && y < 0.0 {
                return Err(zdiv("0.0 cannot be raised to a negative power"));
            }
            if x < 0.0 && y.fract() != 0.0 && y.is_finite() {
                return Err(PyErr::new(
                    ExcType::NotImplementedError,
                    "a negative number to a fractional power is complex in Python; npr has no complex numbers",
                ));
            }
            let r = x.powf(y);
            if r.is_infinite() && x.is_finite() && y.is_finite() {
                return Err(PyErr::new(ExcType::OverflowError, "(34, 'Numerical result out of range')"));
            }
            r
        }
        _ => {
            return Err(PyErr::type_err(format!(
                "unsupported operand type(s) for {}: 'float' and 'float'",
                op.symbol()
            )))
        }
    };
    Ok(Value::Float(v))
}

fn repeat_count(v: &Value) -> Option<usize> {
    match v {
        Value::Int(i) => Some((*i).max(0) as usize),
        Value::Bool(b) => Some(*b as usize),
        _ => None,
    }
}

fn sequence_op(op: BinOp, l: &Value, r: &Value) -> PyResult<Value> {
    match (op, l, r) {
        (BinOp::Add, Value::Str(a), Value::Str(b)) => Ok(Value::str(format!("{a}{b}"))),
        (BinOp::Add, Value::List(a), Value::List(b)) => {
            let mut v = a.borrow().clone();
            v.extend(b.borrow().iter().cloned());
            Ok(Value::list(v))
        }
        (BinOp::Add, Value::Tuple(a), Value::Tuple(b)) => {
            let mut v = a.as_ref().clone();
            v.extend(b.iter().cloned());
            Ok(Value::tuple(v))
        }
        (BinOp::Mul, seq, n) | (BinOp::Mul, n, seq) if repeat_count(n).is_some() => {
            let k = repeat_count(n).unwrap_or(0);
            match seq {
                Value::Str(s) => {
                    check_repeat(s.len() / 64 + 1, k)?;
                    Ok(Value::str(s.repeat(k)))
                }
                Value::List(items) => {
                    let items = items.borrow();
                    check_repeat(items.len(), k)?;
                    Ok(Value::list(items.iter().cloned().cycle().take(items.len() * k).collect()))
                }
                Value::Tuple(items) => {
                    check_repeat(items.len(), k)?;
                    Ok(Value::tuple(items.iter().cloned().cycle().take(items.len() * k).collect()))
                }
                _ => Err(unsupported("*", l, r)),
            }
        }
        (BinOp::Mod, Value::Str(f), args) => crate::builtins::python::percent_format(f, args).map(Value::str),
        (BinOp::Add, Value::Str(_), other) => {
            Err(PyErr::type_err(format!("can only concatenate str (not \"{}\") to str", other.type_name())))
        }
        (BinOp::Add, Value::List(_), other) => {
            Err(PyErr::type_err(format!("can only concatenate list (not \"{}\") to list", other.type_name())))
        }
        (BinOp::Add, Value::Tuple(_), other) => {
            Err(PyErr::type_err(format!("can only concatenate tuple (not \"{}\") to tuple", other.type_name())))
        }
        (BinOp::BitOr, Value::Dict(a), Value::Dict(b)) => {
            // `a | b`: a new dict, `b`'s pairs replacing and following `a`'s.
            let mut merged = a.borrow().clone();
            let pairs = b.borrow().entries.clone();
            for (k, v) in pairs {
                dict_set(&mut merged, k, v)?;
            }
            Ok(Value::Dict(std::rc::Rc::new(std::cell::RefCell::new(merged))))
        }
        (BinOp::BitOr | BinOp::BitAnd | BinOp::Sub | BinOp::BitXor, Value::Set(a), Value::Set(b)) => {
            let (a, b) = (a.borrow(), b.borrow());
            let in_b = |x: &Value| b.iter().any(|y| values_equal(x, y));
            let in_a = |x: &Value| a.iter().any(|y| values_equal(x, y));
            let items: Vec<Value> = match op {
                BinOp::BitOr => a.iter().cloned().chain(b.iter().filter(|x| !in_a(x)).cloned()).collect(),
                BinOp::BitAnd => a.iter().filter(|x| in_b(x)).cloned().collect(),
                BinOp::Sub => a.iter().filter(|x| !in_b(x)).cloned().collect(),
                _ => a.iter().filter(|x| !in_b(x)).chain(b.iter().filter(|x| !in_a(x))).cloned().collect(),
            };
            Ok(Value::Set(std::rc::Rc::new(std::cell::RefCell::new(items))))
        }
        _ => Err(unsupported(op.symbol(), l, r)),
    }
}

fn check_repeat(len: usize, k: usize) -> PyResult<()> {
    crate::value::alloc::check_items(len.saturating_mul(k))
}

/// `x op= y`: arrays are updated in place (so views and aliases see it).
pub fn inplace(op: BinOp, current: &Value, rhs: &Value) -> PyResult<Value> {
    let Value::Array(a) = current else {
        if let (BinOp::Add, Value::List(l)) = (op, current) {
            let items = iterate(rhs)?;
            l.borrow_mut().extend(items);
            return Ok(current.clone());
        }
        if let (BinOp::BitOr, Value::Dict(d)) = (op, current) {
            // `d |= other` updates `d` in place, taking what `dict.update`
            // takes: a dict or an iterable of pairs.
            let pairs = dict_pairs(rhs)?;
            let mut d = d.borrow_mut();
            for (k, v) in pairs {
                dict_set(&mut d, k, v)?;
            }
            return Ok(current.clone());
        }
        return binary(op, current, rhs);
    };
    let rhs_op = to_operand(rhs)?;
    let (dt, rt) = (a.dtype(), rhs_op.dtype());
    let int8 = dt == crate::value::DType::Bool
        && rt == crate::value::DType::Bool
        && matches!(op, BinOp::Pow | BinOp::FloorDiv | BinOp::Mod);
    if int8 {
        let name = ufunc_for(op).map(|u| u.name()).unwrap_or("");
        return Err(PyErr::new(
            ExcType::UFuncTypeError,
            format!(
                "Cannot cast ufunc '{name}' output from dtype('int8') to dtype('bool') with casting rule 'same_kind'"
            ),
        ));
    }
    let result_dt = match op {
        BinOp::Div => crate::value::DType::Float64,
        _ => dt.max(rt),
    };
    if result_dt > dt {
        let name = ufunc_for(op).map(|u| u.name()).unwrap_or("matmul");
        return Err(PyErr::new(
            ExcType::UFuncTypeError,
            format!(
                "Cannot cast ufunc '{name}' output from dtype('{}') to dtype('{}') with casting rule 'same_kind'",
                result_dt.name(),
                dt.name()
            ),
        ));
    }
    let (shape, rshape) = (a.shape(), rhs_op.shape());
    match crate::ops::broadcast::broadcast_shapes(&[&shape, &rshape]) {
        None => {
            return Err(PyErr::value(crate::ops::broadcast::broadcast_error_message(&[&shape, &rshape, &shape])));
        }
        Some(b) if b != shape => {
            return Err(PyErr::value(format!(
                "non-broadcastable output operand with shape {} doesn't match the broadcast shape {}",
                crate::ops::broadcast::compact_shape(&shape),
                crate::ops::broadcast::compact_shape(&b)
            )));
        }
        _ => {}
    }
    let result = binary(op, current, rhs)?;
    let res_op = to_operand(&result)?;
    crate::ops::index::assign_into(a, &res_op)?;
    Ok(current.clone())
}

/// Unary `-x`, `+x`, `~x`.
pub fn unary(op: UnaryOp, v: &Value) -> PyResult<Value> {
    if is_numpy(v) {
        let u = match op {
            UnaryOp::Neg => Ufunc1::Negative,
            UnaryOp::Pos => Ufunc1::Positive,
            UnaryOp::Invert => Ufunc1::Invert,
            UnaryOp::Not => return Ok(Value::Bool(!truthy(v)?)),
        };
        let scalar = matches!(v, Value::Scalar(_));
        if u == Ufunc1::Positive && crate::value::convert::to_operand(v)?.dtype() != crate::value::DType::Bool {
            return Ok(match v {
                Value::Array(a) => Value::Array(NdArray::new(a.to_data())),
                other => other.clone(),
            });
        }
        return numpy_unary(u, v, scalar);
    }
    let bad = |sym: &str| PyErr::type_err(format!("bad operand type for unary {sym}: '{}'", v.type_name()));
    match (op, as_num(v)) {
        (UnaryOp::Neg, Some(Num::Int(i))) => Ok(Value::Int(i.checked_neg().ok_or_else(overflow)?)),
        (UnaryOp::Neg, Some(Num::Float(f))) => Ok(Value::Float(-f)),
        (UnaryOp::Pos, Some(Num::Int(i))) => Ok(Value::Int(i)),
        (UnaryOp::Pos, Some(Num::Float(f))) => Ok(Value::Float(f)),
        (UnaryOp::Invert, Some(Num::Int(i))) => Ok(Value::Int(!i)),
        (UnaryOp::Not, _) => Ok(Value::Bool(!truthy(v)?)),
        (UnaryOp::Neg, _) => Err(bad("-")),
        (UnaryOp::Pos, _) => Err(bad("+")),
        (UnaryOp::Invert, _) => Err(bad("~")),
    }
}

/// `bool(v)`.
pub fn truthy(v: &Value) -> PyResult<bool> {
    if let Some((_, d)) = v.dict_view() {
        return Ok(!d.borrow().entries.is_empty());
    }
    Ok(match v {
        Value::None => false,
        Value::Bool(b) => *b,
        Value::Int(i) => *i != 0,
        Value::Float(f) => *f != 0.0,
        Value::Str(s) => !s.is_empty(),
        Value::List(l) => !l.borrow().is_empty(),
        Value::Tuple(t) => !t.is_empty(),
        Value::Dict(d) => !d.borrow().entries.is_empty(),
        Value::Set(s) => !s.borrow().is_empty(),
        Value::Range(a, b, c) => crate::value::convert::range_len(*a, *b, *c).unwrap_or(0) > 0,
        Value::Scalar(s) => s.as_f64() != 0.0 || s.as_f64().is_nan(),
        Value::Array(a) => {
            let size = a.size();
            if size == 0 {
                return Err(PyErr::value(
                    "The truth value of an empty array is ambiguous. Use `array.size > 0` to check that an array is not empty.",
                ));
            }
            if size > 1 {
                return Err(PyErr::value(
                    "The truth value of an array with more than one element is ambiguous. Use a.any() or a.all()",
                ));
            }
            let d = a.to_data();
            match d {
                crate::value::ArrayData::Bool(x) => x.iter().any(|&b| b),
                crate::value::ArrayData::Int(x) => x.iter().any(|&i| i != 0),
                crate::value::ArrayData::Float(x) => x.iter().any(|&f| f != 0.0),
            }
        }
        _ => true,
    })
}

/// A `dict_keys` or `dict_items` view (which behave as sets).
fn set_like(v: &Value) -> bool {
    v.dict_view().is_some_and(|(view, _)| view != DictView::Values)
}

/// The members of a set, or of a keys or items view (which act as sets).
fn set_members(v: &Value) -> Option<Vec<Value>> {
    match v {
        Value::Set(s) => Some(s.borrow().clone()),
        _ => v.dict_view().filter(|(view, _)| *view != DictView::Values).map(|(view, d)| view.items(&d.borrow())),
    }
}

/// Is every member of `a` in `b` (Python equality)?
pub fn is_subset(a: &[Value], b: &[Value]) -> bool {
    a.iter().all(|p| b.iter().any(|q| values_equal(p, q)))
}

/// `==` with a set or a dict view: sets and keys and items views compare as
/// sets (any order); a values view equals only itself.
fn set_equal(a: &Value, b: &Value) -> bool {
    match (set_members(a), set_members(b)) {
        (Some(x), Some(y)) => x.len() == y.len() && is_subset(&x, &y),
        _ => matches!((a, b), (Value::Opaque(x), Value::Opaque(y)) if std::rc::Rc::ptr_eq(x, y)),
    }
}

/// Python `==` on plain values (used for `in`, dict keys, sets).
pub fn values_equal(a: &Value, b: &Value) -> bool {
    let set_or_view = |v: &Value| matches!(v, Value::Set(_)) || v.dict_view().is_some();
    if set_or_view(a) || set_or_view(b) {
        return set_equal(a, b);
    }
    match (a, b) {
        (Value::None, Value::None) | (Value::Ellipsis, Value::Ellipsis) => true,
        (Value::Str(x), Value::Str(y)) => x == y,
        // The same list is equal to itself without comparing its items (as
        // in Python, whose item comparison starts with identity): a list
        // that holds itself compares without recursing.
        (Value::List(x), Value::List(y)) if std::rc::Rc::ptr_eq(x, y) => true,
        (Value::Dict(x), Value::Dict(y)) if std::rc::Rc::ptr_eq(x, y) => true,
        (Value::List(x), Value::List(y)) => {
            let (x, y) = (x.borrow(), y.borrow());
            x.len() == y.len() && x.iter().zip(y.iter()).all(|(p, q)| values_equal(p, q))
        }
        (Value::Tuple(x), Value::Tuple(y)) => {
            x.len() == y.len() && x.iter().zip(y.iter()).all(|(p, q)| values_equal(p, q))
        }
        (Value::Array(x), Value::Array(y)) => x.shares_memory(y) && x.shape() == y.shape(),
        (Value::DType(x), Value::DType(y)) => x == y,
        (Value::Dict(x), Value::Dict(y)) => {
            let (x, y) = (x.borrow(), y.borrow());
            x.entries.len() == y.entries.len()
                && x.entries
                    .iter()
                    .all(|(k, v)| y.entries.iter().any(|(k2, v2)| values_equal(k, k2) && values_equal(v, v2)))
        }
        (Value::DType(d), other) | (other, Value::DType(d)) => {
            matches!(other, Value::Type(_) | Value::Str(_))
                && crate::builtins::numpy::dtype_arg(Some(other.clone())).ok().flatten() == Some(*d)
        }
        (Value::Type(x), Value::Type(y)) => x == y,
        (Value::Module(x), Value::Module(y)) => x == y,
        _ => match (scalar_num(a), scalar_num(b)) {
            (Some(x), Some(y)) => num_eq(x, y),
            _ => false,
        },
    }
}

fn scalar_num(v: &Value) -> Option<Num> {
    match v {
        Value::Scalar(Scalar::Float(f)) => Some(Num::Float(*f)),
        Value::Scalar(Scalar::Int(i)) => Some(Num::Int(*i as i128)),
        Value::Scalar(Scalar::Bool(b)) => Some(Num::Int(*b as i128)),
        _ => as_num(v),
    }
}

fn num_eq(a: Num, b: Num) -> bool {
    match (a, b) {
        (Num::Int(x), Num::Int(y)) => x == y,
        (Num::Int(x), Num::Float(y)) | (Num::Float(y), Num::Int(x)) => (x as f64) == y && y.fract() == 0.0,
        (Num::Float(x), Num::Float(y)) => x == y,
    }
}

fn num_cmp(a: Num, b: Num) -> Option<std::cmp::Ordering> {
    match (a, b) {
        (Num::Int(x), Num::Int(y)) => Some(x.cmp(&y)),
        (Num::Int(x), Num::Float(y)) => (x as f64).partial_cmp(&y),
        (Num::Float(x), Num::Int(y)) => x.partial_cmp(&(y as f64)),
        (Num::Float(x), Num::Float(y)) => x.partial_cmp(&y),
    }
}

/// Python ordering of plain values, for `<` and `sorted`.
pub fn python_order(op: &str, a: &Value, b: &Value) -> PyResult<Option<std::cmp::Ordering>> {
    // NumPy scalars order by value too (`sorted(np.array([3, 1, 2]))`).
    if let (Some(x), Some(y)) = (scalar_num(a), scalar_num(b)) {
        return Ok(num_cmp(x, y));
    }
    match (a, b) {
        (Value::Str(x), Value::Str(y)) => Ok(Some(x.cmp(y))),
        (Value::List(_), Value::List(_)) | (Value::Tuple(_), Value::Tuple(_)) => {
            let (x, y) = (iterate(a)?, iterate(b)?);
            for (p, q) in x.iter().zip(y.iter()) {
                if !values_equal(p, q) {
                    return python_order(op, p, q);
                }
            }
            Ok(Some(x.len().cmp(&y.len())))
        }
        _ => Err(PyErr::type_err(format!(
            "'{op}' not supported between instances of '{}' and '{}'",
            a.type_name(),
            b.type_name()
        ))),
    }
}

/// `l op r` for comparison operators.
pub fn compare(op: CmpOp, l: &Value, r: &Value) -> PyResult<Value> {
    match op {
        CmpOp::Is => return Ok(Value::Bool(identical(l, r))),
        CmpOp::IsNot => return Ok(Value::Bool(!identical(l, r))),
        CmpOp::In => return contains(r, l).map(Value::Bool),
        CmpOp::NotIn => return contains(r, l).map(|b| Value::Bool(!b)),
        _ => {}
    }
    if is_numpy(l) || is_numpy(r) {
        let numeric = |v: &Value| {
            matches!(
                v,
                Value::Array(_)
                    | Value::Scalar(_)
                    | Value::Int(_)
                    | Value::Float(_)
                    | Value::Bool(_)
                    | Value::List(_)
                    | Value::Tuple(_)
            )
        };
        if !numeric(l) || !numeric(r) {
            let (arr_side, other) = if matches!(l, Value::Array(_)) { (l, r) } else { (r, l) };
            if let (Value::Array(a), Value::None | Value::Str(_)) = (arr_side, other) {
                if matches!(op, CmpOp::Eq | CmpOp::NotEq) {
                    let fill = op == CmpOp::NotEq;
                    let d = crate::ops::cast::cast_data(&a.to_data().view(), crate::value::DType::Bool);
                    let d = match d {
                        crate::value::ArrayData::Bool(x) => crate::value::ArrayData::Bool(x.mapv(|_| fill)),
                        other => other,
                    };
                    return Ok(Value::Array(NdArray::new(d)));
                }
            }
            return match op {
                CmpOp::Eq => Ok(Value::Bool(false)),
                CmpOp::NotEq => Ok(Value::Bool(true)),
                _ => Err(PyErr::type_err(format!(
                    "'{}' not supported between instances of '{}' and '{}'",
                    op.symbol(),
                    l.type_name(),
                    r.type_name()
                ))),
            };
        }
        let u = match op {
            CmpOp::Eq => Ufunc2::Equal,
            CmpOp::NotEq => Ufunc2::NotEqual,
            CmpOp::Lt => Ufunc2::Less,
            CmpOp::LtE => Ufunc2::LessEqual,
            CmpOp::Gt => Ufunc2::Greater,
            _ => Ufunc2::GreaterEqual,
        };
        return numpy_binary(u, l, r, uses_scalar_math(l, r));
    }
    let b = match op {
        CmpOp::Eq => values_equal(l, r),
        CmpOp::NotEq => !values_equal(l, r),
        _ => match (set_members(l), set_members(r)) {
            // `<=` and its kin between sets (or keys and items views) are subset tests.
            (Some(a), Some(b)) => match op {
                CmpOp::Lt => a.len() < b.len() && is_subset(&a, &b),
                CmpOp::LtE => is_subset(&a, &b),
                CmpOp::Gt => b.len() < a.len() && is_subset(&b, &a),
                _ => is_subset(&b, &a),
            },
            _ => {
                let ord = python_order(op.symbol(), l, r)?;
                match (op, ord) {
                    (_, None) => false,
                    (CmpOp::Lt, Some(o)) => o.is_lt(),
                    (CmpOp::LtE, Some(o)) => o.is_le(),
                    (CmpOp::Gt, Some(o)) => o.is_gt(),
                    (_, Some(o)) => o.is_ge(),
                }
            }
        },
    };
    Ok(Value::Bool(b))
}

fn identical(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::None, Value::None) | (Value::Ellipsis, Value::Ellipsis) => true,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Scalar(Scalar::Bool(x)), Value::Scalar(Scalar::Bool(y))) => x == y,
        (Value::Array(x), Value::Array(y)) => x.shares_memory(y) && x.shape() == y.shape(),
        (Value::List(x), Value::List(y)) => std::rc::Rc::ptr_eq(x, y),
        (Value::Dict(x), Value::Dict(y)) => std::rc::Rc::ptr_eq(x, y),
        (Value::Type(x), Value::Type(y)) => x == y,
        (Value::Module(x), Value::Module(y)) => x == y,
        (Value::Int(x), Value::Int(y)) => x == y && (-5..=256).contains(x),
        (Value::Str(x), Value::Str(y)) => std::rc::Rc::ptr_eq(x, y),
        _ => false,
    }
}

fn contains(container: &Value, item: &Value) -> PyResult<bool> {
    match container {
        Value::Str(s) => match item {
            Value::Str(sub) => Ok(s.contains(sub.as_ref())),
            _ => {
                Err(PyErr::type_err(format!("'in <string>' requires string as left operand, not {}", item.type_name())))
            }
        },
        Value::Dict(d) => Ok(d.borrow().entries.iter().any(|(k, _)| values_equal(k, item))),
        Value::Array(_) => {
            let eq = numpy_binary(Ufunc2::Equal, container, item, false)?;
            truthy(&crate::builtins::numpy::any_value(&eq)?)
        }
        _ => {
            let items = iterate(container)?;
            let array = |v: &Value| matches!(v, Value::Array(_));
            if !array(item) && !items.iter().any(array) {
                return Ok(items.iter().any(|x| values_equal(x, item)));
            }
            // Python's `in`: identity, then `==`, whose array result must be
            // one element to be true or false (else the ambiguity error).
            for x in &items {
                let equal = match array(x) || array(item) {
                    _ if identical(x, item) => true,
                    true => truthy(&compare(CmpOp::Eq, x, item)?)?,
                    false => values_equal(x, item),
                };
                if equal {
                    return Ok(true);
                }
            }
            Ok(false)
        }
    }
}

/// Iterate a value as Python's `for` does.
pub fn iterate(v: &Value) -> PyResult<Vec<Value>> {
    if let Some((view, d)) = v.dict_view() {
        return Ok(view.items(&d.borrow()));
    }
    Ok(match v {
        Value::List(l) => l.borrow().clone(),
        Value::Tuple(t) => t.as_ref().clone(),
        Value::Set(s) => s.borrow().clone(),
        Value::Str(s) => s.chars().map(|c| Value::str(c.to_string())).collect(),
        Value::Range(a, b, c) => {
            crate::value::alloc::check_items(crate::value::convert::range_len(*a, *b, *c).unwrap_or(0))?;
            range_items(*a, *b, *c)
        }
        Value::Dict(d) => d.borrow().entries.iter().map(|(k, _)| k.clone()).collect(),
        Value::Array(a) => {
            let shape = a.shape();
            if shape.is_empty() {
                return Err(PyErr::type_err("iteration over a 0-d array"));
            }
            let mut out = Vec::with_capacity(shape[0]);
            for i in 0..shape[0] {
                out.push(crate::ops::index::get(a, &Value::Int(i as i128))?);
            }
            out
        }
        other => return Err(PyErr::type_err(format!("'{}' object is not iterable", other.type_name()))),
    })
}

/// An integer index from a value (Python int, bool, NumPy int).
pub fn index_int(v: &Value) -> Option<i64> {
    match v {
        Value::Int(i) => i64::try_from(*i).ok(),
        Value::Bool(b) => Some(*b as i64),
        Value::Scalar(Scalar::Int(i)) => Some(*i),
        Value::Scalar(Scalar::Bool(b)) => Some(*b as i64),
        _ => None,
    }
}

/// A slice bound: `None` or an integer.
pub fn slice_bound(v: &Value) -> PyResult<Option<i64>> {
    match v {
        Value::None => Ok(None),
        other => index_int(other)
            .map(Some)
            .ok_or_else(|| PyErr::type_err("slice indices must be integers or None or have an __index__ method")),
    }
}

fn seq_index(i: i64, len: usize, what: &str) -> PyResult<usize> {
    let n = len as i64;
    let j = if i < 0 { i + n } else { i };
    if j < 0 || j >= n {
        return Err(PyErr::index(format!("{what} index out of range")));
    }
    Ok(j as usize)
}

fn slice_of<T: Clone>(items: &[T], s: &crate::value::SliceObj) -> PyResult<Vec<T>> {
    let (start, step, count) = crate::ops::index::slice_indices(s.start, s.stop, s.step, items.len())?;
    Ok((0..count).filter_map(|k| items.get((start + k as i64 * step) as usize).cloned()).collect())
}

/// `v[idx]`.
pub fn get_item(v: &Value, idx: &Value) -> PyResult<Value> {
    match v {
        Value::Array(a) => crate::ops::index::get(a, idx),
        Value::List(l) => {
            let l = l.borrow();
            match idx {
                Value::Slice(s) => Ok(Value::list(slice_of(&l, s)?)),
                _ => {
                    let i = index_int(idx).ok_or_else(|| {
                        PyErr::type_err(format!("list indices must be integers or slices, not {}", idx.type_name()))
                    })?;
                    Ok(l[seq_index(i, l.len(), "list")?].clone())
                }
            }
        }
        Value::Tuple(t) => match idx {
            Value::Slice(s) => Ok(Value::tuple(slice_of(t, s)?)),
            _ => {
                let i = index_int(idx).ok_or_else(|| {
                    PyErr::type_err(format!("tuple indices must be integers or slices, not {}", idx.type_name()))
                })?;
                Ok(t[seq_index(i, t.len(), "tuple")?].clone())
            }
        },
        Value::Str(s) => {
            let chars: Vec<char> = s.chars().collect();
            match idx {
                Value::Slice(sl) => Ok(Value::str(slice_of(&chars, sl)?.into_iter().collect::<String>())),
                _ => {
                    let i = index_int(idx).ok_or_else(|| {
                        PyErr::type_err(format!("string indices must be integers, not '{}'", idx.type_name()))
                    })?;
                    Ok(Value::str(chars[seq_index(i, chars.len(), "string")?].to_string()))
                }
            }
        }
        // Computed, never materialised: a slice of a range is a range.
        Value::Range(a, b, c) => {
            let n = crate::value::convert::range_len(*a, *b, *c).unwrap_or(0);
            match idx {
                Value::Slice(s) => {
                    let (start, stop, step) = crate::ops::index::slice_bounds(s.start, s.stop, s.step, n)?;
                    // Within i64 unless the range reaches its end (npr's ranges are i64).
                    let at = |k: i64| i64::try_from(i128::from(*a) + i128::from(k) * i128::from(*c)).ok();
                    match (at(start), at(stop), step.checked_mul(*c)) {
                        (Some(lo), Some(hi), Some(st)) => Ok(Value::Range(lo, hi, st)),
                        _ => Err(PyErr::new(ExcType::OverflowError, "range slice beyond npr's 64-bit ranges")),
                    }
                }
                other => {
                    let i = index_int(other).ok_or_else(|| {
                        PyErr::type_err(format!("range indices must be integers or slices, not {}", other.type_name()))
                    })?;
                    Ok(Value::Int((*a + seq_index(i, n, "range object")? as i64 * *c) as i128))
                }
            }
        }
        Value::Dict(d) => {
            dict_get(&d.borrow(), idx).ok_or_else(|| PyErr::new(ExcType::KeyError, crate::display::repr_plain(idx)))
        }
        Value::Scalar(_) => match idx {
            Value::Tuple(t) if t.is_empty() => Ok(v.clone()),
            Value::Ellipsis => Ok(Value::Array(crate::builtins::numpy::scalar_to_array(v))),
            _ => Err(PyErr::index("invalid index to scalar variable.")),
        },
        Value::Opaque(o) if matches!(**o, crate::value::Opaque::NpzFile(_)) => match &**o {
            crate::value::Opaque::NpzFile(z) => z.get(idx),
            _ => Err(PyErr::type_err("object is not subscriptable")),
        },
        other => Err(PyErr::type_err(format!("'{}' object is not subscriptable", other.type_name()))),
    }
}

/// `v[idx] = x`.
pub fn set_item(v: &Value, idx: &Value, x: &Value) -> PyResult<()> {
    match v {
        Value::Array(a) => crate::ops::index::set(a, idx, x),
        Value::List(l) => {
            let mut l = l.borrow_mut();
            if let Value::Slice(s) = idx {
                let (start, step, count) = crate::ops::index::slice_indices(s.start, s.stop, s.step, l.len())?;
                let new = iterate(x)?;
                if step == 1 {
                    let start = start as usize;
                    l.splice(start..start + count, new);
                    return Ok(());
                }
                if new.len() != count {
                    return Err(PyErr::value(format!(
                        "attempt to assign sequence of size {} to extended slice of size {count}",
                        new.len()
                    )));
                }
                for (k, item) in new.into_iter().enumerate() {
                    l[(start + k as i64 * step) as usize] = item;
                }
                return Ok(());
            }
            let i = index_int(idx).ok_or_else(|| {
                PyErr::type_err(format!("list indices must be integers or slices, not {}", idx.type_name()))
            })?;
            let n = l.len();
            l[seq_index(i, n, "list assignment")?] = x.clone();
            Ok(())
        }
        Value::Dict(d) => dict_set(&mut d.borrow_mut(), idx.clone(), x.clone()),
        other => Err(PyErr::type_err(format!("'{}' object does not support item assignment", other.type_name()))),
    }
}

/// `del v[idx]`.
pub fn del_item(v: &Value, idx: &Value) -> PyResult<()> {
    match v {
        Value::List(l) => {
            let mut l = l.borrow_mut();
            let i = index_int(idx).ok_or_else(|| PyErr::type_err("list indices must be integers or slices"))?;
            let n = l.len();
            l.remove(seq_index(i, n, "list assignment")?);
            Ok(())
        }
        Value::Dict(d) => {
            let mut d = d.borrow_mut();
            let pos = d.entries.iter().position(|(k, _)| values_equal(k, idx));
            match pos {
                Some(p) => {
                    d.entries.remove(p);
                    Ok(())
                }
                None => Err(PyErr::new(ExcType::KeyError, crate::display::repr_plain(idx))),
            }
        }
        other => Err(PyErr::type_err(format!("'{}' object doesn't support item deletion", other.type_name()))),
    }
}

/// Insert or replace a dict entry (keys must be hashable).
/// Python's error for a list, dict, set or array used as a key or set member.
/// Can `k` be a dict key or set member: is `hash(k)` defined? (A tuple
/// holding a list is not.)
pub fn check_hashable(k: &Value) -> PyResult<()> {
    hash_value(k).map(|_| ())
}

/// Python's `hash(v)`: CPython's values for numbers (equal numbers of any
/// type hash alike: `hash(1.0) == hash(np.int64(1)) == 1`), tuples and
/// ranges; strings get a fixed hash (CPython's is salted per process, so no
/// script can rely on its value); other objects hash by identity. Lists,
/// dicts, sets and arrays are unhashable, as is a tuple holding one.
pub fn hash_value(v: &Value) -> PyResult<i64> {
    let identity = |p: *const u8| hash_int(((p as usize) >> 4) as i128);
    let unhashable = || Err(PyErr::type_err(format!("unhashable type: '{}'", v.type_name())));
    Ok(match v {
        Value::None => 0xFCA8_6420,
        Value::Bool(b) | Value::Scalar(Scalar::Bool(b)) => i64::from(*b),
        Value::Int(n) => hash_int(*n),
        Value::Scalar(Scalar::Int(n)) => hash_int(i128::from(*n)),
        Value::Float(x) | Value::Scalar(Scalar::Float(x)) => hash_float(*x),
        Value::Str(s) => {
            // FNV-1a over the UTF-8 bytes.
            let h = s.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3));
            fix_minus_one(h as i64)
        }
        Value::Tuple(items) => {
            let hashes = items.iter().map(hash_value).collect::<PyResult<Vec<i64>>>()?;
            hash_tuple(&hashes)
        }
        Value::Range(start, stop, step) => {
            let len = range_len(*start, *stop, *step);
            let none = hash_value(&Value::None)?;
            match len {
                0 => hash_tuple(&[0, none, none]),
                1 => hash_tuple(&[1, hash_int(i128::from(*start)), none]),
                n => hash_tuple(&[hash_int(i128::from(n)), hash_int(i128::from(*start)), hash_int(i128::from(*step))]),
            }
        }
        Value::List(_) | Value::Dict(_) | Value::Set(_) | Value::Array(_) | Value::Slice(_) => return unhashable(),
        Value::Opaque(_) if v.dict_view().is_some() => return unhashable(),
        Value::Function(f) => identity(std::rc::Rc::as_ptr(f).cast()),
        Value::Builtin(b) => identity(std::ptr::from_ref(*b).cast()),
        Value::Method(r, b) => identity(std::rc::Rc::as_ptr(r).cast()) ^ identity(std::ptr::from_ref(*b).cast()),
        Value::Opaque(o) => identity(std::rc::Rc::as_ptr(o).cast()),
        Value::Exception(_, m) => identity(std::rc::Rc::as_ptr(m).cast()),
        // Singletons and type-like objects: a hash of their printed form.
        Value::Ellipsis | Value::DType(_) | Value::Type(_) | Value::Module(_) => {
            hash_value(&Value::str(crate::display::repr_plain(v)))?
        }
    })
}

/// CPython's modulus for numeric hashes, 2**61 - 1.
const HASH_MODULUS: i128 = (1 << 61) - 1;

fn fix_minus_one(h: i64) -> i64 {
    if h == -1 {
        -2
    } else {
        h
    }
}

/// An integer's hash: its residue modulo 2**61 - 1, with its sign.
fn hash_int(n: i128) -> i64 {
    let r = (n.unsigned_abs() % HASH_MODULUS as u128) as i64;
    fix_minus_one(if n < 0 { -r } else { r })
}

/// A float's hash: that of the rational number it is, modulo 2**61 - 1
/// (so an integral float hashes as its integer); infinities are ±314159.
/// nan hashes to 0, as before CPython 3.10 (since then each nan object
/// hashes by its identity, which npr's floats do not have).
fn hash_float(x: f64) -> i64 {
    const BITS: u32 = 61;
    const P: u64 = (1 << BITS) - 1;
    if x.is_nan() {
        return 0;
    }
    if x.is_infinite() {
        return if x > 0.0 { 314_159 } else { -314_159 };
    }
    if x == 0.0 {
        return 0;
    }
    // x = m * 2**e with 0.5 <= |m| < 1, from the bits (exact).
    let (mut m, mut e) = frexp(x.abs());
    let mut h: u64 = 0;
    while m != 0.0 {
        h = ((h << 28) & P) | (h >> (BITS - 28));
        m *= 268_435_456.0; // 2**28
        e -= 28;
        let y = m as u64; // the integer part, below 2**28
        m -= y as f64;
        h += y;
        if h >= P {
            h -= P;
        }
    }
    // Multiply by 2**e modulo P: a rotation of the 61-bit residue.
    let e = e.rem_euclid(BITS as i32) as u32;
    h = ((h << e) & P) | (h >> (BITS - e));
    let signed = if x < 0.0 { -(h as i64) } else { h as i64 };
    fix_minus_one(signed)
}

/// (m, e) with x = m * 2**e and 0.5 <= m < 1, for finite x > 0.
fn frexp(x: f64) -> (f64, i32) {
    let bits = x.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i32;
    if exp == 0 {
        // Subnormal: scale into the normal range first.
        let (m, e) = frexp(x * f64::from_bits(0x4350_0000_0000_0000)); // 2**54
        return (m, e - 54);
    }
    (f64::from_bits((bits & !(0x7ff << 52)) | (1022 << 52)), exp - 1022)
}

/// CPython's tuple hash (xxHash's round over the items' hashes).
fn hash_tuple(items: &[i64]) -> i64 {
    const P1: u64 = 11_400_714_785_074_694_791;
    const P2: u64 = 14_029_467_366_897_019_727;
    const P5: u64 = 2_870_177_450_012_600_261;
    let mut acc = P5;
    for &h in items {
        acc = acc.wrapping_add((h as u64).wrapping_mul(P2));
        acc = acc.rotate_left(31);
        acc = acc.wrapping_mul(P1);
    }
    acc = acc.wrapping_add((items.len() as u64) ^ (P5 ^ 3_527_539));
    if acc == u64::MAX {
        return 1_546_275_796;
    }
    acc as i64
}

fn range_len(start: i64, stop: i64, step: i64) -> i64 {
    let (start, stop, step) = (i128::from(start), i128::from(stop), i128::from(step));
    let n = if step > 0 { (stop - start + step - 1) / step } else { (start - stop - step - 1) / -step };
    n.max(0) as i64
}

/// A set of `items`, in first-seen order, without repeats.
pub fn set_from(items: impl IntoIterator<Item = Value>) -> PyResult<Value> {
    let mut out: Vec<Value> = Vec::new();
    for v in items {
        check_hashable(&v)?;
        if !out.iter().any(|o| values_equal(o, &v)) {
            out.push(v);
        }
    }
    Ok(Value::Set(std::rc::Rc::new(std::cell::RefCell::new(out))))
}

/// The value `d` holds for key `k` (Python equality: `1` and `1.0` are one key).
pub fn dict_get(d: &Dict, k: &Value) -> Option<Value> {
    d.entries.iter().find(|(key, _)| values_equal(key, k)).map(|(_, v)| v.clone())
}

/// The (key, value) pairs `dict(x)`, `dict.update(x)` and `d |= x` take
/// from `x`: a dict's items, or an iterable of two-item iterables.
pub fn dict_pairs(x: &Value) -> PyResult<Vec<(Value, Value)>> {
    if let Value::Dict(d) = x {
        return Ok(d.borrow().entries.clone());
    }
    let mut pairs = Vec::new();
    for (k, item) in iterate(x)?.into_iter().enumerate() {
        let kv = iterate(&item).map_err(|_| {
            PyErr::type_err(format!("cannot convert dictionary update sequence element #{k} to a sequence"))
        })?;
        match kv.as_slice() {
            [key, value] => pairs.push((key.clone(), value.clone())),
            seq => {
                return Err(PyErr::value(format!(
                    "dictionary update sequence element #{k} has length {}; 2 is required",
                    seq.len()
                )))
            }
        }
    }
    Ok(pairs)
}

pub fn dict_set(d: &mut Dict, k: Value, v: Value) -> PyResult<()> {
    check_hashable(&k)?;
    if let Some(slot) = d.entries.iter_mut().find(|(key, _)| values_equal(key, &k)) {
        slot.1 = v;
    } else {
        d.entries.push((k, v));
    }
    Ok(())
}
