//! Elementwise operations (NumPy's ufuncs): promotion, broadcasting, the
//! kernels, and the floating-point warnings NumPy issues.
//!
//! Dtype dispatch happens once per call: operands are promoted to one
//! compute dtype and a single match picks the kernel.

use std::cell::Cell;

use ndarray::{ArrayD, ArrayViewD, IxDyn};

use super::broadcast::{broadcast_error_message, broadcast_shapes};
use super::cast::{as_bool, as_f64, as_i64};
use crate::interp::error::{ExcType, PyErr, PyResult};
use crate::interp::warnings::warn_runtime;
use crate::value::alloc::check_alloc;
use crate::value::{AView, ArrayData, DType, NdArray, Scalar, Value};

/// An operand of a ufunc: an array, or a scalar turned into a 0-d array.
/// `weak` marks Python scalars, whose dtype yields to the other operand (NEP 50).
pub struct Operand {
    pub data: OperandData,
    pub weak: bool,
    /// A Python int outside int64 (only usable where float64 is computed).
    pub big_int: Option<i128>,
    /// NumPy scalar (for the `scalar ` warning prefix).
    pub np_scalar: bool,
}

pub enum OperandData {
    Array(NdArray),
    Owned(ArrayData),
}

impl Operand {
    pub fn with_view<R>(&self, f: impl FnOnce(AView<'_>) -> R) -> R {
        match &self.data {
            OperandData::Array(a) => a.with_view(f),
            OperandData::Owned(d) => f(d.view()),
        }
    }
    pub fn dtype(&self) -> DType {
        match &self.data {
            OperandData::Array(a) => a.dtype(),
            OperandData::Owned(d) => d.dtype(),
        }
    }
    pub fn shape(&self) -> Vec<usize> {
        match &self.data {
            OperandData::Array(a) => a.shape(),
            OperandData::Owned(d) => d.shape().to_vec(),
        }
    }
    pub fn from_array(a: &NdArray) -> Operand {
        Operand { data: OperandData::Array(a.clone()), weak: false, big_int: None, np_scalar: false }
    }
    pub fn owned(d: ArrayData, weak: bool) -> Operand {
        Operand { data: OperandData::Owned(d), weak, big_int: None, np_scalar: false }
    }
}

/// Binary ufuncs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ufunc2 {
    Add,
    Subtract,
    Multiply,
    Divide,
    FloorDivide,
    Remainder,
    Power,
    Maximum,
    Minimum,
    Fmax,
    Fmin,
    /// The two halves of `np.clip`'s loop: ties keep the clipped value.
    ClipLow,
    ClipHigh,
    Equal,
    NotEqual,
    Less,
    LessEqual,
    Greater,
    GreaterEqual,
    LogicalAnd,
    LogicalOr,
    LogicalXor,
    BitAnd,
    BitOr,
    BitXor,
    LeftShift,
    RightShift,
    Arctan2,
    Hypot,
}

impl Ufunc2 {
    /// NumPy's ufunc name, used in warnings and errors.
    pub fn name(self) -> &'static str {
        use Ufunc2::*;
        match self {
            Add => "add",
            Subtract => "subtract",
            Multiply => "multiply",
            Divide => "divide",
            FloorDivide => "floor_divide",
            Remainder => "remainder",
            Power => "power",
            Maximum => "maximum",
            Minimum => "minimum",
            Fmax => "fmax",
            Fmin => "fmin",
            ClipLow | ClipHigh => "clip",
            Equal => "equal",
            NotEqual => "not_equal",
            Less => "less",
            LessEqual => "less_equal",
            Greater => "greater",
            GreaterEqual => "greater_equal",
            LogicalAnd => "logical_and",
            LogicalOr => "logical_or",
            LogicalXor => "logical_xor",
            BitAnd => "bitwise_and",
            BitOr => "bitwise_or",
            BitXor => "bitwise_xor",
            LeftShift => "left_shift",
            RightShift => "right_shift",
            Arctan2 => "arctan2",
            Hypot => "hypot",
        }
    }
    fn is_comparison(self) -> bool {
        use Ufunc2::*;
        matches!(self, Equal | NotEqual | Less | LessEqual | Greater | GreaterEqual)
    }
}

/// Floating-point exception flags, reported in NumPy's order.
const DIVIDE: u8 = 1;
const OVERFLOW: u8 = 2;
const INVALID: u8 = 8;

/// Issue NumPy's RuntimeWarnings for the raised flags.
pub(crate) fn report_flags(flags: u8, name: &str, scalar: bool) {
    let prefix = if scalar { "scalar " } else { "" };
    if flags & DIVIDE != 0 {
        warn_runtime(format!("divide by zero encountered in {prefix}{name}"));
    }
    if flags & OVERFLOW != 0 {
        warn_runtime(format!("overflow encountered in {prefix}{name}"));
    }
    if flags & INVALID != 0 {
        warn_runtime(format!("invalid value encountered in {prefix}{name}"));
    }
}

/// Flags for a float result computed from float inputs by +, -, *, and most functions.
#[inline]
fn arith_flags(inputs_finite: bool, inputs_nan: bool, r: f64) -> u8 {
    if r.is_nan() && !inputs_nan {
        INVALID
    } else if r.is_infinite() && inputs_finite {
        OVERFLOW
    } else {
        0
    }
}

/// The dtype two operands compute in. For npr's dtypes (bool < int64 <
/// float64, each the default of its kind) NEP 50's weak-scalar rule gives the
/// larger of the two dtypes.
pub fn result_dtype(a: &Operand, b: &Operand) -> DType {
    a.dtype().max(b.dtype())
}

fn broadcast_or_err(a: &[usize], b: &[usize]) -> PyResult<Vec<usize>> {
    broadcast_shapes(&[a, b]).ok_or_else(|| PyErr::value(broadcast_error_message(&[a, b])))
}

fn zip2<A: Copy, B: Copy, R: Clone + Default>(
    a: &ArrayViewD<A>,
    b: &ArrayViewD<B>,
    shape: &[usize],
    f: impl Fn(A, B) -> R,
) -> PyResult<ArrayD<R>> {
    let bad = || PyErr::value(broadcast_error_message(&[a.shape(), b.shape()]));
    let ab = a.broadcast(IxDyn(shape)).ok_or_else(bad)?;
    let bb = b.broadcast(IxDyn(shape)).ok_or_else(bad)?;
    Ok(super::slabs::map2(&ab, &bb, f))
}

/// Wrap an elementwise result: 0-d results are NumPy scalars.
pub fn wrap_result(d: ArrayData) -> Value {
    if d.shape().is_empty() {
        let s = match &d {
            ArrayData::Bool(a) => Scalar::Bool(a.iter().next().copied().unwrap_or(false)),
            ArrayData::Int(a) => Scalar::Int(a.iter().next().copied().unwrap_or(0)),
            ArrayData::Float(a) => Scalar::Float(a.iter().next().copied().unwrap_or(0.0)),
        };
        Value::Scalar(s)
    } else {
        Value::Array(NdArray::new(d))
    }
}

fn big_int_overflow() -> PyErr {
    PyErr::new(ExcType::OverflowError, "Python int too large to convert to C long")
}

/// Apply a binary ufunc. `scalar_math` selects NumPy's scalar wording of
/// warnings (`scalar divide`) and int64 overflow checks of scalar math.
pub fn binary(op: Ufunc2, a: &Operand, b: &Operand, scalar_math: bool) -> PyResult<ArrayData> {
    if let Some(r) = crate::ops::kernels::binary_operands(op, a, b, scalar_math) {
        return r;
    }
    let dt = result_dtype(a, b);
    if dt == DType::Int64 && (a.big_int.is_some() || b.big_int.is_some()) && !op.is_comparison() {
        return Err(big_int_overflow());
    }
    check_loop_exists(op, dt)?;
    let (sa, sb) = (a.shape(), b.shape());
    let shape = broadcast_or_err(&sa, &sb)?;
    check_alloc(&shape, dt)?;
    let flags = Cell::new(0u8);
    let result = a.with_view(|va| b.with_view(|vb| compute_binary(op, dt, &va, &vb, &shape, scalar_math, &flags)))?;
    report_flags(flags.get(), op.name(), scalar_math);
    Ok(result)
}

/// Type errors NumPy reports before looking at shapes.
fn check_loop_exists(op: Ufunc2, dt: DType) -> PyResult<()> {
    use Ufunc2::*;
    let bitwise = matches!(op, BitAnd | BitOr | BitXor | LeftShift | RightShift);
    if dt == DType::Float64 && bitwise {
        return Err(PyErr::type_err(format!(
            "ufunc '{}' not supported for the input types, and the inputs could not be safely coerced to any supported types according to the casting rule ''safe''",
            op.name()
        )));
    }
    if dt == DType::Bool && op == Subtract {
        return Err(PyErr::type_err(
            "numpy boolean subtract, the `-` operator, is not supported, use the bitwise_xor, the `^` operator, or the logical_xor function instead.",
        ));
    }
    Ok(())
}

fn no_loop(op: Ufunc2, dt: DType) -> PyErr {
    let t = match dt {
        DType::Bool => "BoolDType",
        DType::Int64 => "Int64DType",
        DType::Float64 => "Float64DType",
    };
    PyErr::new(
        ExcType::UFuncTypeError,
        format!(
            "ufunc '{}' did not contain a loop with signature matching types (<class 'numpy.dtypes.{t}'>, <class 'numpy.dtypes.{t}'>) -> None",
            op.name()
        ),
    )
}

fn int8_unsupported(what: &str) -> PyErr {
    PyErr::new(
        ExcType::NotImplementedError,
        format!("{what} of two bool arrays gives int8 in NumPy, a dtype npr does not support; convert with .astype(int) first"),
    )
}

fn compute_binary(
    op: Ufunc2,
    dt: DType,
    va: &AView,
    vb: &AView,
    shape: &[usize],
    scalar_math: bool,
    flags: &Cell<u8>,
) -> PyResult<ArrayData> {
    use Ufunc2::*;
    let raise = |f: u8| flags.set(flags.get() | f);
    if let (Some(k), AView::Float(x), AView::Float(y)) = (crate::ops::kernels::arith_of(op), va, vb) {
        if let Some((r, f)) = crate::ops::kernels::binary_arrays(k, x, y, shape) {
            raise(f);
            return Ok(ArrayData::Float(r));
        }
    }
    match op {
        Equal | NotEqual | Less | LessEqual | Greater | GreaterEqual => {
            return compare(op, dt, va, vb, shape).map(ArrayData::Bool);
        }
        LogicalAnd | LogicalOr | LogicalXor => {
            let (x, y) = (as_bool(va), as_bool(vb));
            let r = zip2(&x.view(), &y.view(), shape, |p, q| match op {
                LogicalAnd => p && q,
                LogicalOr => p || q,
                _ => p ^ q,
            })?;
            return Ok(ArrayData::Bool(r));
        }
        Divide | Arctan2 | Hypot => {
            let (x, y) = (as_f64(va), as_f64(vb));
            let r = zip2(&x.view(), &y.view(), shape, |p, q| float_binary(op, p, q, &raise))?;
            return Ok(ArrayData::Float(r));
        }
        _ => {}
    }
    match dt {
        DType::Float64 => {
            if matches!(op, BitAnd | BitOr | BitXor | LeftShift | RightShift) {
                return Err(PyErr::type_err(format!(
                    "ufunc '{}' not supported for the input types, and the inputs could not be safely coerced to any supported types according to the casting rule ''safe''",
                    op.name()
                )));
            }
            let (x, y) = (as_f64(va), as_f64(vb));
            Ok(ArrayData::Float(zip2(&x.view(), &y.view(), shape, |p, q| float_binary(op, p, q, &raise))?))
        }
        DType::Int64 => {
            let (x, y) = (as_i64(va), as_i64(vb));
            if op == Power && y.iter().any(|&e| e < 0) {
                return Err(PyErr::value("Integers to negative integer powers are not allowed."));
            }
            let r = zip2(&x.view(), &y.view(), shape, |p, q| int_binary(op, p, q, scalar_math, &raise))?;
            Ok(ArrayData::Int(r))
        }
        DType::Bool => {
            let (x, y) = (as_bool(va), as_bool(vb));
            let f: fn(bool, bool) -> bool = match op {
                Add | BitOr | Maximum | Fmax | ClipLow => |p, q| p || q,
                Multiply | BitAnd | Minimum | Fmin | ClipHigh => |p, q| p && q,
                BitXor => |p, q| p ^ q,
                Subtract => {
                    return Err(PyErr::type_err(
                        "numpy boolean subtract, the `-` operator, is not supported, use the bitwise_xor, the `^` operator, or the logical_xor function instead.",
                    ))
                }
                FloorDivide => return Err(int8_unsupported("floor division")),
                Remainder => return Err(int8_unsupported("remainder")),
                Power => return Err(int8_unsupported("power")),
                LeftShift | RightShift => return Err(int8_unsupported("a shift")),
                _ => return Err(no_loop(op, dt)),
            };
            Ok(ArrayData::Bool(zip2(&x.view(), &y.view(), shape, f)?))
        }
    }
}

fn compare(op: Ufunc2, dt: DType, va: &AView, vb: &AView, shape: &[usize]) -> PyResult<ArrayD<bool>> {
    fn cmp<T: PartialOrd + Copy>(op: Ufunc2, p: T, q: T) -> bool {
        match op {
            Ufunc2::Equal => p == q,
            Ufunc2::NotEqual => p != q,
            Ufunc2::Less => p < q,
            Ufunc2::LessEqual => p <= q,
            Ufunc2::Greater => p > q,
            _ => p >= q,
        }
    }
    match dt {
        DType::Float64 => zip2(&as_f64(va).view(), &as_f64(vb).view(), shape, |p, q| cmp(op, p, q)),
        DType::Int64 => zip2(&as_i64(va).view(), &as_i64(vb).view(), shape, |p, q| cmp(op, p, q)),
        DType::Bool => zip2(&as_bool(va).view(), &as_bool(vb).view(), shape, |p, q| cmp(op, p, q)),
    }
}

/// NumPy's float floor division and remainder (npy_divmod).
pub fn float_divmod(a: f64, b: f64) -> (f64, f64) {
    if b == 0.0 {
        return (a / b, a % b);
    }
    let mut m = a % b;
    let mut div = (a - m) / b;
    if m != 0.0 {
        if (b < 0.0) != (m < 0.0) {
            m += b;
            div -= 1.0;
        }
    } else {
        m = 0.0f64.copysign(b);
    }
    let floordiv = if div != 0.0 {
        let mut f = div.floor();
        if div - f > 0.5 {
            f += 1.0;
        }
        f
    } else {
        0.0f64.copysign(a / b)
    };
    (floordiv, m)
}

fn float_binary(op: Ufunc2, p: f64, q: f64, raise: &impl Fn(u8)) -> f64 {
    use Ufunc2::*;
    let finite = p.is_finite() && q.is_finite();
    let nan_in = p.is_nan() || q.is_nan();
    let r = match op {
        Add => p + q,
        Subtract => p - q,
        Multiply => p * q,
        Divide => {
            let r = p / q;
            if q == 0.0 && !nan_in {
                raise(if p == 0.0 {
                    INVALID
                } else if p.is_finite() {
                    DIVIDE
                } else {
                    0
                });
                return r;
            }
            r
        }
        FloorDivide => {
            if q == 0.0 {
                if !nan_in {
                    raise(if p == 0.0 {
                        INVALID
                    } else if p.is_finite() {
                        DIVIDE
                    } else {
                        0
                    });
                }
                return p / q;
            }
            let r = float_divmod(p, q).0;
            if r.is_nan() && !nan_in {
                raise(INVALID);
            }
            return r;
        }
        Remainder => {
            if q == 0.0 || p.is_infinite() {
                if !nan_in {
                    raise(INVALID);
                }
                return f64::NAN;
            }
            return float_divmod(p, q).1;
        }
        Power => {
            // NumPy's power loop takes sqrt for an exponent of 0.5 (so -0.0 stays -0.0).
            let r = if q == 0.5 { p.sqrt() } else { p.powf(q) };
            if p == 0.0 && q < 0.0 && q.is_finite() {
                raise(DIVIDE);
                return r;
            }
            r
        }
        Maximum => {
            return if nan_in {
                f64::NAN
            } else if p > q {
                p
            } else {
                q
            };
        }
        Minimum => {
            return if nan_in {
                f64::NAN
            } else if p < q {
                p
            } else {
                q
            };
        }
        ClipLow => return if p.is_nan() || p >= q { p } else { q },
        ClipHigh => return if p.is_nan() || p <= q { p } else { q },
        Fmax => return if q.is_nan() || p >= q { p } else { q },
        Fmin => return if q.is_nan() || p <= q { p } else { q },
        Arctan2 => return p.atan2(q),
        Hypot => p.hypot(q),
        _ => f64::NAN,
    };
    raise(arith_flags(finite, nan_in, r));
    r
}

fn int_binary(op: Ufunc2, p: i64, q: i64, scalar_math: bool, raise: &impl Fn(u8)) -> i64 {
    use Ufunc2::*;
    let checked = |c: Option<i64>, w: i64| {
        if scalar_math && c.is_none() {
            raise(OVERFLOW);
        }
        w
    };
    match op {
        Add => checked(p.checked_add(q), p.wrapping_add(q)),
        Subtract => checked(p.checked_sub(q), p.wrapping_sub(q)),
        Multiply => checked(p.checked_mul(q), p.wrapping_mul(q)),
        FloorDivide => {
            if q == 0 {
                raise(DIVIDE);
                0
            } else if p == i64::MIN && q == -1 {
                raise(OVERFLOW);
                i64::MIN
            } else {
                p.div_euclid(q) - if q < 0 && p.rem_euclid(q) != 0 { 1 } else { 0 }
            }
        }
        Remainder => {
            if q == 0 {
                raise(DIVIDE);
                0
            } else if q == -1 {
                0
            } else {
                let m = p % q;
                if m != 0 && ((m < 0) != (q < 0)) {
                    m + q
                } else {
                    m
                }
            }
        }
        Power => int_pow(p, q),
        Maximum | Fmax | ClipLow => p.max(q),
        Minimum | Fmin | ClipHigh => p.min(q),
        BitAnd => p & q,
        BitOr => p | q,
        BitXor => p ^ q,
        LeftShift if (0..64).contains(&q) => p.wrapping_shl(q as u32),
        LeftShift => 0,
        RightShift => {
            if (0..64).contains(&q) {
                p >> q
            } else if p < 0 {
                -1
            } else {
                0
            }
        }
        _ => 0,
    }
}

/// Wrapping integer power (exponent already checked non-negative).
pub fn int_pow(mut base: i64, mut exp: i64) -> i64 {
    let mut acc: i64 = 1;
    while exp > 0 {
        if exp & 1 == 1 {
            acc = acc.wrapping_mul(base);
        }
        base = base.wrapping_mul(base);
        exp >>= 1;
    }
    acc
}

/// Unary ufuncs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ufunc1 {
    Negative,
    Positive,
    Absolute,
    Sign,
    Sqrt,
    Square,
    Reciprocal,
    Exp,
    Exp2,
    Expm1,
    Log,
    Log2,
    Log10,
    Log1p,
    Sin,
    Cos,
    Tan,
    Arcsin,
    Arccos,
    Arctan,
    Sinh,
    Cosh,
    Tanh,
    Floor,
    Ceil,
    Trunc,
    Rint,
    IsNan,
    IsInf,
    IsFinite,
    LogicalNot,
    Invert,
    Signbit,
}

impl Ufunc1 {
    pub fn name(self) -> &'static str {
        use Ufunc1::*;
        match self {
            Negative => "negative",
            Positive => "positive",
            Absolute => "absolute",
            Sign => "sign",
            Sqrt => "sqrt",
            Square => "square",
            Reciprocal => "reciprocal",
            Exp => "exp",
            Exp2 => "exp2",
            Expm1 => "expm1",
            Log => "log",
            Log2 => "log2",
            Log10 => "log10",
            Log1p => "log1p",
            Sin => "sin",
            Cos => "cos",
            Tan => "tan",
            Arcsin => "arcsin",
            Arccos => "arccos",
            Arctan => "arctan",
            Sinh => "sinh",
            Cosh => "cosh",
            Tanh => "tanh",
            Floor => "floor",
            Ceil => "ceil",
            Trunc => "trunc",
            Rint => "rint",
            IsNan => "isnan",
            IsInf => "isinf",
            IsFinite => "isfinite",
            LogicalNot => "logical_not",
            Invert => "invert",
            Signbit => "signbit",
        }
    }

    /// Functions that compute in floating point (int input → float64; bool
    /// input → float16 in NumPy, which npr does not have).
    fn is_float_function(self) -> bool {
        use Ufunc1::*;
        matches!(
            self,
            Sqrt | Exp
                | Exp2
                | Expm1
                | Log
                | Log2
                | Log10
                | Log1p
                | Sin
                | Cos
                | Tan
                | Arcsin
                | Arccos
                | Arctan
                | Sinh
                | Cosh
                | Tanh
                | Rint
        )
    }
}

fn float_unary(op: Ufunc1, x: f64, raise: &impl Fn(u8)) -> f64 {
    use Ufunc1::*;
    let r = match op {
        Negative => -x,
        Positive => x,
        Absolute => x.abs(),
        Sign => {
            if x.is_nan() {
                f64::NAN
            } else if x > 0.0 {
                1.0
            } else if x < 0.0 {
                -1.0
            } else {
                0.0
            }
        }
        Sqrt => x.sqrt(),
        Square => x * x,
        Reciprocal => {
            if x == 0.0 {
                raise(DIVIDE);
            }
            return 1.0 / x;
        }
        Exp => crate::ops::transcendental::exp(x),
        Exp2 => x.exp2(),
        Expm1 => x.exp_m1(),
        Log | Log2 | Log10 | Log1p => {
            let arg = if op == Log1p { x + 1.0 } else { x };
            if arg == 0.0 && !(op == Log1p && x != -1.0) {
                raise(DIVIDE);
            } else if arg < 0.0 || (op == Log1p && x < -1.0) {
                raise(INVALID);
            }
            return match op {
                Log => crate::ops::transcendental::log(x),
                Log2 => x.log2(),
                Log10 => x.log10(),
                _ => x.ln_1p(),
            };
        }
        Sin => x.sin(),
        Cos => x.cos(),
        Tan => x.tan(),
        Arcsin => x.asin(),
        Arccos => x.acos(),
        Arctan => x.atan(),
        Sinh => x.sinh(),
        Cosh => x.cosh(),
        Tanh => x.tanh(),
        Floor => x.floor(),
        Ceil => x.ceil(),
        Trunc => x.trunc(),
        Rint => x.round_ties_even(),
        _ => x,
    };
    raise(arith_flags(x.is_finite(), x.is_nan(), r));
    r
}

/// Apply a unary ufunc.
pub fn unary(op: Ufunc1, a: &Operand, scalar_math: bool) -> PyResult<ArrayData> {
    use Ufunc1::*;
    let dt = a.dtype();
    check_alloc(&a.shape(), dt)?;
    let flags = Cell::new(0u8);
    let raise = |f: u8| flags.set(flags.get() | f);
    let result = a.with_view(|v| -> PyResult<ArrayData> {
        match op {
            IsNan | IsInf | IsFinite | Signbit => {
                let x = as_f64(&v);
                return Ok(ArrayData::Bool(super::slabs::map1(&x.view(), |x| match op {
                    IsNan => x.is_nan(),
                    IsInf => x.is_infinite(),
                    Signbit => x.is_sign_negative(),
                    _ => x.is_finite(),
                })));
            }
            LogicalNot => return Ok(ArrayData::Bool(super::slabs::map1(&as_bool(&v).view(), |x| !x))),
            _ => {}
        }
        if op.is_float_function() || dt == DType::Float64 {
            if dt == DType::Bool && op.is_float_function() {
                return Err(PyErr::new(
                    ExcType::NotImplementedError,
                    format!("np.{} of a bool array gives float16 in NumPy, a dtype npr does not support; convert with .astype(float) first", op.name()),
                ));
            }
            if op == Invert {
                return Err(PyErr::type_err(
                    "ufunc 'invert' not supported for the input types, and the inputs could not be safely coerced to any supported types according to the casting rule ''safe''",
                ));
            }
            let x = as_f64(&v);
            if matches!(op, Exp | Log) {
                if let Some((r, f)) = crate::ops::kernels::exp_log_array(op == Exp, &x.view()) {
                    raise(f.bits());
                    return Ok(ArrayData::Float(r));
                }
            }
            return Ok(ArrayData::Float(super::slabs::map1(&x.view(), |x| float_unary(op, x, &raise))));
        }
        match (dt, &v) {
            (DType::Int64, AView::Int(x)) => Ok(ArrayData::Int(super::slabs::map1(&x.view(), |x| int_unary(op, x, scalar_math, &raise)))),
            (_, AView::Bool(x)) => match op {
                Absolute | Floor | Ceil | Trunc => Ok(ArrayData::Bool(x.to_owned())),
                Positive => Err(PyErr::new(
                    ExcType::UFuncTypeError,
                    "ufunc 'positive' did not contain a loop with signature matching types <class 'numpy.dtypes.BoolDType'> -> None",
                )),
                Invert => Ok(ArrayData::Bool(super::slabs::map1(x, |b| !b))),
                Negative => Err(PyErr::type_err(
                    "The numpy boolean negative, the `-` operator, is not supported, use the `~` operator or the logical_not function instead.",
                )),
                Square => Err(int8_unsupported("squaring")),
                _ => Err(PyErr::new(
                    ExcType::UFuncTypeError,
                    format!(
                        "ufunc '{}' did not contain a loop with signature matching types <class 'numpy.dtypes.BoolDType'> -> None",
                        op.name()
                    ),
                )),
            },
            _ => Ok(v.to_owned()),
        }
    })?;
    report_flags(flags.get(), op.name(), scalar_math);
    Ok(result)
}

fn int_unary(op: Ufunc1, x: i64, scalar_math: bool, raise: &impl Fn(u8)) -> i64 {
    use Ufunc1::*;
    match op {
        Negative => {
            if scalar_math && x == i64::MIN {
                raise(OVERFLOW);
            }
            x.wrapping_neg()
        }
        Absolute => {
            if scalar_math && x == i64::MIN {
                raise(OVERFLOW);
            }
            x.wrapping_abs()
        }
        Sign => x.signum(),
        Square => {
            if scalar_math && x.checked_mul(x).is_none() {
                raise(OVERFLOW);
            }
            x.wrapping_mul(x)
        }
        Reciprocal => {
            if x == 0 {
                raise(DIVIDE | INVALID);
                i64::MIN
            } else {
                1 / x
            }
        }
        Invert => !x,
        _ => x,
    }
}
