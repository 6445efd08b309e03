//! Python's builtin functions and classes, and methods of lists, dicts and
//! strings.

use super::{bind, opt, req, Builtin, Keywords, Owner};
use crate::interp::error::{ExcType, PyErr, PyResult};
use crate::interp::eval::{Args, Interp};
use crate::interp::pyops;
use crate::syntax::ast::BinOp;
use crate::value::{DictView, Scalar, TypeObj, Value};

const PY: Owner = Owner::Python;
const OBJ: Owner = Owner::ObjectMethod;

const fn f(
    owner: Owner,
    name: &'static str,
    signature: &'static str,
    doc: &'static str,
    func: super::BuiltinFn,
) -> Builtin {
    Builtin { name, owner, signature, doc, func, keywords: Keywords::Python }
}

pub const TYPE_NAMES: &[&str] = &[
    "int",
    "float",
    "bool",
    "str",
    "list",
    "tuple",
    "dict",
    "set",
    "type",
    "slice",
    "ValueError",
    "TypeError",
    "IndexError",
    "KeyError",
    "ZeroDivisionError",
    "RuntimeError",
    "AssertionError",
    "Exception",
    "NameError",
    "AttributeError",
];

/// Classes available as builtin names.
pub fn builtin_type(name: &str) -> Option<TypeObj> {
    Some(match name {
        "int" => TypeObj::Int,
        "float" => TypeObj::Float,
        "bool" => TypeObj::Bool,
        "str" => TypeObj::Str,
        "list" => TypeObj::List,
        "tuple" => TypeObj::Tuple,
        "dict" => TypeObj::Dict,
        "set" => TypeObj::Set,
        "type" => TypeObj::Type,
        "slice" => TypeObj::Slice,
        "range" => TypeObj::Range,
        other => TypeObj::Exception(ExcType::from_name(other)?),
    })
}

/// `repr(v)` as Python prints it.
pub fn repr_of(i: &mut Interp, v: &Value) -> PyResult<String> {
    Ok(crate::display::repr_value(v, &i.session.print_options))
}

/// `str(v)` as Python prints it.
pub fn str_of(i: &mut Interp, v: &Value) -> PyResult<String> {
    Ok(crate::display::str_value(v, &i.session.print_options))
}

/// `format(v, spec)` for f-strings.
pub fn format_value(i: &mut Interp, v: &Value, spec: &str) -> PyResult<String> {
    use crate::display::repr as r;
    if spec.is_empty() {
        return str_of(i, v);
    }
    let res = match v {
        Value::Float(x) | Value::Scalar(Scalar::Float(x)) => r::format_float_spec(*x, spec),
        Value::Int(x) => r::format_int_spec(*x, spec),
        Value::Scalar(Scalar::Int(x)) => r::format_int_spec(*x as i128, spec),
        Value::Bool(b) | Value::Scalar(Scalar::Bool(b)) => r::format_int_spec(*b as i128, spec),
        Value::Str(s) => r::format_str_spec(s, spec),
        Value::Array(a) if a.ndim() == 0 => {
            let item = crate::builtins::numpy::to_python(&crate::ops::ufunc::wrap_result(a.to_data()));
            return format_value(i, &item, spec);
        }
        other => {
            return Err(PyErr::type_err(format!(
                "unsupported format string passed to {}.__format__",
                other.type_name()
            )))
        }
    };
    res.map_err(PyErr::value)
}

fn py_print(i: &mut Interp, args: Args) -> PyResult<Value> {
    let mut sep = " ".to_string();
    let mut end = "\n".to_string();
    for (k, v) in &args.keywords {
        match (k.as_str(), v) {
            ("sep", Value::Str(s)) => sep = s.to_string(),
            ("end", Value::Str(s)) => end = s.to_string(),
            ("sep" | "end", Value::None) => {}
            ("file" | "flush", _) => {}
            (other, _) => return Err(super::invalid_keyword_error(other, "print()", &["sep", "end", "file", "flush"])),
        }
    }
    let parts: PyResult<Vec<String>> = args.positional.iter().map(|v| str_of(i, v)).collect();
    crate::interp::warnings::stdout(format!("{}{}", parts?.join(&sep), end));
    Ok(Value::None)
}

fn py_len(_: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("len", args, &["obj"], 1)?;
    let v = req(&mut s, 0);
    if let Some((_, d)) = v.dict_view() {
        return Ok(Value::Int(d.borrow().entries.len() as i128));
    }
    let n = match &v {
        Value::Str(s) => s.chars().count(),
        Value::List(l) => l.borrow().len(),
        Value::Tuple(t) => t.len(),
        Value::Dict(d) => d.borrow().entries.len(),
        Value::Set(x) => x.borrow().len(),
        Value::Range(a, b, c) => crate::value::convert::range_len(*a, *b, *c).unwrap_or(0),
        Value::Array(a) => match a.shape().first() {
            Some(&n) => n,
            None => return Err(PyErr::type_err("len() of unsized object")),
        },
        other => return Err(PyErr::type_err(format!("object of type '{}' has no len()", other.type_name()))),
    };
    Ok(Value::Int(n as i128))
}

fn int_arg(v: &Value) -> PyResult<i64> {
    pyops::index_int(v)
        .ok_or_else(|| PyErr::type_err(format!("'{}' object cannot be interpreted as an integer", v.type_name())))
}

fn py_range(_: &mut Interp, args: Args) -> PyResult<Value> {
    let p: PyResult<Vec<i64>> = args.positional.iter().map(int_arg).collect();
    let p = p?;
    let (a, b, c) = match p.as_slice() {
        [stop] => (0, *stop, 1),
        [start, stop] => (*start, *stop, 1),
        [start, stop, step] => (*start, *stop, *step),
        [] => return Err(PyErr::type_err("range expected at least 1 argument, got 0")),
        _ => return Err(PyErr::type_err(format!("range expected at most 3 arguments, got {}", p.len()))),
    };
    if c == 0 {
        return Err(PyErr::value("range() arg 3 must not be zero"));
    }
    Ok(Value::Range(a, b, c))
}

fn num_abs(v: &Value) -> PyResult<Value> {
    match v {
        Value::Int(i) => Ok(Value::Int(i.abs())),
        Value::Bool(b) => Ok(Value::Int(*b as i128)),
        Value::Float(x) => Ok(Value::Float(x.abs())),
        Value::Array(_) | Value::Scalar(_) => {
            pyops::numpy_unary(crate::ops::ufunc::Ufunc1::Absolute, v, matches!(v, Value::Scalar(_)))
        }
        other => Err(PyErr::type_err(format!("bad operand type for abs(): '{}'", other.type_name()))),
    }
}

fn py_abs(_: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("abs", args, &["x"], 1)?;
    num_abs(&req(&mut s, 0))
}

fn py_round(_: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("round", args, &["number", "ndigits"], 1)?;
    let v = req(&mut s, 0);
    let nd = opt(&mut s, 1).filter(|n| !matches!(n, Value::None));
    match (&v, nd) {
        (Value::Float(x), None) => Ok(Value::Int(x.round_ties_even() as i128)),
        (Value::Float(x), Some(n)) => {
            let n = int_arg(&n)?;
            // Python rounds the exact decimal value; go through the correctly rounded formatter.
            let s = crate::display::repr::format_float_spec(*x, &format!(".{}f", n.max(0))).map_err(PyErr::value)?;
            Ok(Value::Float(if n >= 0 {
                s.parse().unwrap_or(*x)
            } else {
                crate::builtins::numpy::round_decimals(*x, n)
            }))
        }
        (Value::Int(x), Some(n)) => Ok(Value::Int(round_int(*x, int_arg(&n)?)?)),
        (Value::Bool(b), Some(n)) => Ok(Value::Int(round_int(*b as i128, int_arg(&n)?)?)),
        (Value::Int(_) | Value::Bool(_), None) => Ok(match v {
            Value::Bool(b) => Value::Int(b as i128),
            other => other,
        }),
        (Value::Scalar(Scalar::Float(x)), None) => Ok(Value::Int(x.round_ties_even() as i128)),
        (Value::Scalar(Scalar::Float(x)), Some(n)) => {
            Ok(Value::Scalar(Scalar::Float(crate::builtins::numpy::round_decimals(*x, int_arg(&n)?))))
        }
        (Value::Scalar(Scalar::Int(x)), Some(n)) => {
            // |result| <= |x| rounded to a power of ten: within int64 unless x is near its end.
            let r = round_int(*x as i128, int_arg(&n)?)?;
            let r = i64::try_from(r)
                .map_err(|_| PyErr::new(ExcType::OverflowError, "Python int too large to convert to C long"))?;
            Ok(Value::Scalar(Scalar::Int(r)))
        }
        (Value::Scalar(Scalar::Int(x)), None) => Ok(Value::Int(*x as i128)),
        (other, _) => Err(PyErr::type_err(format!("type {} doesn't define __round__ method", other.type_name()))),
    }
}

/// `round(x, ndigits)` for an integer: unchanged for `ndigits >= 0`, else
/// to a multiple of `10**-ndigits`, halves to even.
fn round_int(x: i128, ndigits: i64) -> PyResult<i128> {
    if ndigits >= 0 {
        return Ok(x);
    }
    let Some(p) = u32::try_from(-ndigits).ok().and_then(|e| 10i128.checked_pow(e)) else {
        return Ok(0); // 10**-ndigits is beyond any int npr holds: rounds to 0
    };
    let (q, r) = (x.div_euclid(p), x.rem_euclid(p));
    let up = r > p - r || (r == p - r && q % 2 != 0);
    (q + i128::from(up))
        .checked_mul(p)
        .ok_or_else(|| PyErr::new(ExcType::OverflowError, "int too large: npr's ints hold 128 bits"))
}

fn extreme(i: &mut Interp, args: Args, name: &str, want_max: bool) -> PyResult<Value> {
    super::invalid_keyword(&args, &["key", "default"], Some(name))?;
    let key = args.keyword("key").cloned().filter(|k| !matches!(k, Value::None));
    let default = args.keyword("default").cloned();
    let items = match args.positional.as_slice() {
        [single] => pyops::iterate(single)?,
        many => many.to_vec(),
    };
    if items.is_empty() {
        return default.ok_or_else(|| PyErr::value(format!("{name}() arg is an empty sequence")));
    }
    let mut best = items[0].clone();
    let mut best_key = match &key {
        Some(k) => i.call_value(k, Args::new(vec![best.clone()]))?,
        None => best.clone(),
    };
    for item in items.into_iter().skip(1) {
        let k = match &key {
            Some(kf) => i.call_value(kf, Args::new(vec![item.clone()]))?,
            None => item.clone(),
        };
        let op = if want_max { crate::syntax::ast::CmpOp::Gt } else { crate::syntax::ast::CmpOp::Lt };
        if pyops::truthy(&pyops::compare(op, &k, &best_key)?)? {
            best = item;
            best_key = k;
        }
    }
    Ok(best)
}

fn py_min(i: &mut Interp, args: Args) -> PyResult<Value> {
    extreme(i, args, "min", false)
}
fn py_max(i: &mut Interp, args: Args) -> PyResult<Value> {
    extreme(i, args, "max", true)
}

fn py_sum(_: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("sum", args, &["iterable", "start"], 1)?;
    let items = pyops::iterate(&req(&mut s, 0))?;
    let mut acc = opt(&mut s, 1).unwrap_or(Value::Int(0));
    for item in items {
        acc = pyops::binary(crate::syntax::ast::BinOp::Add, &acc, &item)?;
    }
    Ok(acc)
}

fn py_zip(_: &mut Interp, args: Args) -> PyResult<Value> {
    super::invalid_keyword(&args, &["strict"], Some("zip"))?;
    let strict = match args.keywords.first() {
        Some((_, v)) => pyops::truthy(v)?,
        None => false,
    };
    let lists: PyResult<Vec<Vec<Value>>> = args.positional.iter().map(pyops::iterate).collect();
    let lists = lists?;
    let n = lists.iter().map(|l| l.len()).min().unwrap_or(0);
    if strict {
        zip_strict_check(&lists, n)?;
    }
    Ok(Value::list((0..n).map(|k| Value::tuple(lists.iter().map(|l| l[k].clone()).collect())).collect()))
}

/// Keywords given to a type's constructor: only `dict(**pairs)`,
/// `int(text, base=...)`, `str(object=...)` and `np.dtype` take any; the
/// others fail as in Python (they used to be ignored: `int('11', base=2)`
/// gave 11).
fn constructor_keywords(t: TypeObj, args: &Args) -> PyResult<()> {
    let Some((k, _)) = args.keywords.first() else { return Ok(()) };
    match t {
        TypeObj::Dict => Ok(()),
        TypeObj::DType => super::invalid_keyword(args, &["align", "copy", "metadata"], Some("dtype")),
        TypeObj::Int => super::invalid_keyword(args, &["base"], Some("int")),
        TypeObj::Str if k == "encoding" || k == "errors" => {
            let found = args.positional.first().map_or("str".to_string(), Value::type_name);
            Err(PyErr::type_err(format!("decoding to str: need a bytes-like object, {found} found")))
        }
        TypeObj::Str => super::invalid_keyword(args, &["object"], Some("str")),
        TypeObj::NpFloat64 => Err(PyErr::type_err("float() takes no keyword arguments")),
        _ => {
            Err(PyErr::type_err(format!("{}() takes no keyword arguments", t.qualname().trim_start_matches("numpy."))))
        }
    }
}

/// `zip(..., strict=True)` with iterables of different lengths: CPython's
/// error, naming the first one found exhausted (checked in order at the
/// shortest length) or, when that is the first, the first one longer.
fn zip_strict_check(lists: &[Vec<Value>], n: usize) -> PyResult<()> {
    let earlier = |i: usize| if i == 1 { " 1".to_string() } else { format!("s 1-{i}") };
    match lists.iter().position(|l| l.len() == n) {
        Some(i) if i > 0 => {
            Err(PyErr::value(format!("zip() argument {} is shorter than argument{}", i + 1, earlier(i))))
        }
        _ => match lists.iter().skip(1).position(|l| l.len() > n) {
            Some(k) => Err(PyErr::value(format!("zip() argument {} is longer than argument{}", k + 2, earlier(k + 1)))),
            None => Ok(()),
        },
    }
}

fn py_enumerate(_: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("enumerate", args, &["iterable", "start"], 1)?;
    let items = pyops::iterate(&req(&mut s, 0))?;
    let start = opt(&mut s, 1).map(|v| int_arg(&v)).transpose()?.unwrap_or(0) as i128;
    Ok(Value::list(
        items.into_iter().enumerate().map(|(k, v)| Value::tuple(vec![Value::Int(start + k as i128), v])).collect(),
    ))
}

fn py_sorted(i: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("sorted", args, &["iterable", "key", "reverse"], 1)?;
    let items = pyops::iterate(&req(&mut s, 0))?;
    let key = opt(&mut s, 1).filter(|k| !matches!(k, Value::None));
    let reverse = opt(&mut s, 2).map(|v| pyops::truthy(&v)).transpose()?.unwrap_or(false);
    let mut keyed = Vec::with_capacity(items.len());
    for item in items {
        let k = match &key {
            Some(kf) => i.call_value(kf, Args::new(vec![item.clone()]))?,
            None => item.clone(),
        };
        keyed.push((k, item));
    }
    let mut err = None;
    keyed.sort_by(|a, b| match pyops::python_order("<", &a.0, &b.0) {
        Ok(o) => o.unwrap_or(std::cmp::Ordering::Equal),
        Err(e) => {
            err = Some(e);
            std::cmp::Ordering::Equal
        }
    });
    if let Some(e) = err {
        return Err(e);
    }
    if reverse {
        keyed.reverse();
    }
    Ok(Value::list(keyed.into_iter().map(|(_, v)| v).collect()))
}

fn py_reversed(_: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("reversed", args, &["seq"], 1)?;
    let mut items = pyops::iterate(&req(&mut s, 0))?;
    items.reverse();
    Ok(Value::list(items))
}

fn py_map(i: &mut Interp, args: Args) -> PyResult<Value> {
    let Some((func, rest)) = args.positional.split_first() else {
        return Err(PyErr::type_err("map() must have at least two arguments."));
    };
    let lists: PyResult<Vec<Vec<Value>>> = rest.iter().map(pyops::iterate).collect();
    let lists = lists?;
    let n = lists.iter().map(|l| l.len()).min().unwrap_or(0);
    let mut out = Vec::with_capacity(n);
    for k in 0..n {
        out.push(i.call_value(func, Args::new(lists.iter().map(|l| l[k].clone()).collect()))?);
    }
    Ok(Value::list(out))
}

fn py_filter(i: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("filter", args, &["function", "iterable"], 2)?;
    let func = req(&mut s, 0);
    let mut out = Vec::new();
    for item in pyops::iterate(&req(&mut s, 1))? {
        let keep = if func.is_none() {
            pyops::truthy(&item)?
        } else {
            pyops::truthy(&i.call_value(&func, Args::new(vec![item.clone()]))?)?
        };
        if keep {
            out.push(item);
        }
    }
    Ok(Value::list(out))
}

fn py_any(_: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("any", args, &["iterable"], 1)?;
    for item in pyops::iterate(&req(&mut s, 0))? {
        if pyops::truthy(&item)? {
            return Ok(Value::Bool(true));
        }
    }
    Ok(Value::Bool(false))
}

fn py_all(_: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("all", args, &["iterable"], 1)?;
    for item in pyops::iterate(&req(&mut s, 0))? {
        if !pyops::truthy(&item)? {
            return Ok(Value::Bool(false));
        }
    }
    Ok(Value::Bool(true))
}

/// Does a NumPy dtype belong to an abstract class (`np.integer`...)?
pub fn dtype_in_abstract(d: crate::value::DType, class: &str) -> bool {
    use crate::value::DType::*;
    match class {
        "generic" => true,
        "number" => d != Bool,
        "integer" | "signedinteger" => d == Int64,
        "floating" | "inexact" => d == Float64,
        _ => false,
    }
}

fn is_instance_of(v: &Value, t: TypeObj) -> bool {
    if let (TypeObj::NpAbstract(class), Value::Scalar(s)) = (t, v) {
        return dtype_in_abstract(s.dtype(), class);
    }
    let vt = v.type_obj();
    vt == t || (t == TypeObj::Int && vt == TypeObj::Bool) || (t == TypeObj::Float && vt == TypeObj::NpFloat64)
}

/// The attribute-name argument of `getattr`/`hasattr`.
fn attr_name(name: &Value) -> PyResult<&str> {
    match name {
        Value::Str(s) => Ok(s),
        other => Err(PyErr::type_err(format!("attribute name must be string, not '{}'", other.type_name()))),
    }
}

fn py_getattr(_: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("getattr", args, &["object", "name", "default"], 2)?;
    let (obj, name, default) = (req(&mut s, 0), req(&mut s, 1), opt(&mut s, 2));
    match (super::attrs::get_attr(&obj, attr_name(&name)?), default) {
        (Err(e), Some(d)) if e.exc == ExcType::AttributeError => Ok(d),
        (result, _) => result,
    }
}

fn py_hasattr(_: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("hasattr", args, &["object", "name"], 2)?;
    let (obj, name) = (req(&mut s, 0), req(&mut s, 1));
    match super::attrs::get_attr(&obj, attr_name(&name)?) {
        Ok(_) => Ok(Value::Bool(true)),
        Err(e) if e.exc == ExcType::AttributeError => Ok(Value::Bool(false)),
        Err(e) => Err(e),
    }
}

fn py_callable(_: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("callable", args, &["obj"], 1)?;
    let v = req(&mut s, 0);
    Ok(Value::Bool(matches!(v, Value::Function(_) | Value::Builtin(_) | Value::Method(..) | Value::Type(_))))
}

fn py_isinstance(_: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("isinstance", args, &["obj", "class_or_tuple"], 2)?;
    let v = req(&mut s, 0);
    let classes = match req(&mut s, 1) {
        Value::Tuple(t) => t.as_ref().clone(),
        other => vec![other],
    };
    for c in classes {
        match c {
            Value::Type(t) => {
                if is_instance_of(&v, t) {
                    return Ok(Value::Bool(true));
                }
            }
            _ => return Err(PyErr::type_err("isinstance() arg 2 must be a type, a tuple of types, or a union")),
        }
    }
    Ok(Value::Bool(false))
}

fn py_repr(i: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("repr", args, &["obj"], 1)?;
    let v = req(&mut s, 0);
    Ok(Value::str(repr_of(i, &v)?))
}

fn py_format(i: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("format", args, &["value", "format_spec"], 1)?;
    let v = req(&mut s, 0);
    let spec = match opt(&mut s, 1) {
        Some(Value::Str(sp)) => sp.to_string(),
        _ => String::new(),
    };
    Ok(Value::str(format_value(i, &v, &spec)?))
}

fn py_hash(_: &mut Interp, args: Args) -> PyResult<Value> {
    match args.positional.as_slice() {
        [v] => Ok(Value::Int(i128::from(pyops::hash_value(v)?))),
        more => Err(PyErr::type_err(format!("hash() takes exactly one argument ({} given)", more.len()))),
    }
}

fn py_id(_: &mut Interp, _: Args) -> PyResult<Value> {
    Err(PyErr::new(ExcType::NotImplementedError, "id() is not available in npr"))
}

fn py_help(i: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("help", args, &["obj"], 1)?;
    let v = req(&mut s, 0);
    crate::interp::warnings::stdout(crate::display::help_text(&v, &i.session.print_options));
    Ok(Value::None)
}

/// `int(s, base)`: Python's integer literal rules for a string (sign,
/// surrounding whitespace, `_` between digits; with base 0 the prefix
/// `0x`/`0o`/`0b` chooses the base, and it may also be given with 16, 8, 2).
fn parse_int(s: &str, base: i64) -> PyResult<i128> {
    if base != 0 && !(2..=36).contains(&base) {
        return Err(PyErr::value("int() base must be >= 2 and <= 36, or 0"));
    }
    let invalid =
        || PyErr::value(format!("invalid literal for int() with base {base}: {}", crate::display::str_repr(s)));
    let t = s.trim();
    let (negative, digits) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let lower = digits.to_ascii_lowercase();
    let prefixed = |p: &str, b: i64| (lower.starts_with(p) && (base == 0 || base == b)).then(|| (b, &digits[2..]));
    let (radix, body) = prefixed("0x", 16)
        .or_else(|| prefixed("0o", 8))
        .or_else(|| prefixed("0b", 2))
        .map(|(b, rest)| (b, rest.strip_prefix('_').unwrap_or(rest)))
        .unwrap_or((if base == 0 { 10 } else { base }, digits));
    // Base 0 without a prefix takes decimal, where leading zeros are not allowed ("010").
    if base == 0
        && radix == 10
        && body.len() > 1
        && body.starts_with('0')
        && !body.trim_start_matches(['0', '_']).is_empty()
    {
        return Err(invalid());
    }
    let well_formed = !body.is_empty() && !body.starts_with('_') && !body.ends_with('_') && !body.contains("__");
    if !well_formed {
        return Err(invalid());
    }
    let n = i128::from_str_radix(&body.replace('_', ""), radix as u32).map_err(|_| invalid())?;
    Ok(if negative { -n } else { n })
}

/// Calling a class: `int(x)`, `float(x)`, `np.float64(x)`, `ValueError("m")`...
pub fn construct(i: &mut Interp, t: TypeObj, args: Args) -> PyResult<Value> {
    constructor_keywords(t, &args)?;
    let first =
        args.positional.first().cloned().or_else(|| args.keyword("object").filter(|_| t == TypeObj::Str).cloned());
    // NumPy scalar types applied to sequences or arrays convert elementwise.
    let np_dtype = match t {
        TypeObj::NpFloat64 => Some(crate::value::DType::Float64),
        TypeObj::NpInt64 => Some(crate::value::DType::Int64),
        TypeObj::NpBool => Some(crate::value::DType::Bool),
        _ => None,
    };
    if let (Some(dt), Some(v)) = (np_dtype, &first) {
        let arrayish = matches!(v, Value::List(_) | Value::Tuple(_)) || matches!(v, Value::Array(a) if a.ndim() > 0);
        if arrayish {
            let data = crate::value::convert::array_from_value(v, Some(dt))?;
            return Ok(Value::Array(crate::value::NdArray::new(data)));
        }
    }
    if t == TypeObj::DType {
        let d =
            crate::builtins::numpy::dtype_arg(first)?.ok_or_else(|| PyErr::type_err("dtype() requires an argument"))?;
        return Ok(Value::DType(d));
    }
    if matches!(t, TypeObj::Int) && matches!(first, Some(Value::None)) {
        return Err(PyErr::type_err(
            "int() argument must be a string, a bytes-like object or a real number, not 'NoneType'",
        ));
    }
    let to_f64 = |v: &Value| -> PyResult<f64> {
        match v {
            Value::Float(x) => Ok(*x),
            Value::Int(n) => Ok(*n as f64),
            Value::Bool(b) => Ok(*b as u8 as f64),
            Value::Scalar(s) => Ok(s.as_f64()),
            Value::Str(s) => {
                let t = s.trim().to_lowercase();
                match t.as_str() {
                    "nan" | "+nan" | "-nan" => Ok(f64::NAN),
                    "inf" | "+inf" | "infinity" => Ok(f64::INFINITY),
                    "-inf" | "-infinity" => Ok(f64::NEG_INFINITY),
                    _ => t
                        .replace('_', "")
                        .parse::<f64>()
                        .map_err(|_| PyErr::value(format!("could not convert string to float: '{s}'"))),
                }
            }
            Value::Array(a) => {
                if a.ndim() != 0 {
                    return Err(PyErr::type_err("only 0-dimensional arrays can be converted to Python scalars"));
                }
                Ok(crate::ops::cast::as_f64(&a.to_data().view()).iter().next().copied().unwrap_or(0.0))
            }
            other => Err(PyErr::type_err(format!(
                "float() argument must be a string or a real number, not '{}'",
                other.type_name()
            ))),
        }
    };
    match t {
        TypeObj::Float => Ok(Value::Float(match &first {
            None => 0.0,
            Some(v) => to_f64(v)?,
        })),
        TypeObj::NpFloat64 => Ok(Value::Scalar(Scalar::Float(match &first {
            None => 0.0,
            Some(v) => to_f64(v)?,
        }))),
        TypeObj::Int | TypeObj::NpInt64 => {
            let explicit_base = args.positional.len() > 1 || args.keyword("base").is_some();
            if t == TypeObj::Int && explicit_base && !matches!(first, Some(Value::Str(_))) {
                let message = match first {
                    None => "int() missing string argument",
                    Some(_) => "int() can't convert non-string with explicit base",
                };
                return Err(PyErr::type_err(message));
            }
            let v = match &first {
                None => 0i128,
                Some(Value::Int(n)) => *n,
                Some(Value::Bool(b)) => *b as i128,
                Some(Value::Scalar(Scalar::Int(n))) => *n as i128,
                Some(Value::Scalar(Scalar::Bool(b))) => *b as i128,
                Some(Value::Str(s)) => {
                    let base = match (t, args.positional.get(1).or_else(|| args.keyword("base"))) {
                        (TypeObj::Int, Some(b)) => int_arg(b)?,
                        _ => 10,
                    };
                    parse_int(s, base)?
                }
                Some(Value::Array(a)) if a.ndim() == 0 && a.dtype() != crate::value::DType::Float64 => {
                    crate::ops::cast::as_i64(&a.to_data().view()).iter().next().copied().unwrap_or(0) as i128
                }
                Some(other) => {
                    let x = to_f64(other)?;
                    if x.is_nan() {
                        return Err(PyErr::value("cannot convert float NaN to integer"));
                    }
                    if x.is_infinite() {
                        return Err(PyErr::new(ExcType::OverflowError, "cannot convert float infinity to integer"));
                    }
                    x.trunc() as i128
                }
            };
            if t == TypeObj::NpInt64 {
                let n = i64::try_from(v)
                    .map_err(|_| PyErr::new(ExcType::OverflowError, "Python int too large to convert to C long"))?;
                return Ok(Value::Scalar(Scalar::Int(n)));
            }
            Ok(Value::Int(v))
        }
        TypeObj::Bool | TypeObj::NpBool => {
            let b = match &first {
                None => false,
                Some(v) => pyops::truthy(v)?,
            };
            Ok(if t == TypeObj::NpBool { Value::Scalar(Scalar::Bool(b)) } else { Value::Bool(b) })
        }
        TypeObj::Str => Ok(Value::str(match &first {
            None => String::new(),
            Some(v) => str_of(i, v)?,
        })),
        TypeObj::List => Ok(Value::list(match &first {
            None => Vec::new(),
            Some(v) => pyops::iterate(v)?,
        })),
        TypeObj::Tuple => Ok(Value::tuple(match &first {
            None => Vec::new(),
            Some(v) => pyops::iterate(v)?,
        })),
        TypeObj::Set => pyops::set_from(match &first {
            None => Vec::new(),
            Some(v) => pyops::iterate(v)?,
        }),
        TypeObj::Dict => {
            let mut d = crate::value::Dict::default();
            if let Some(v) = &first {
                for (k, v) in pyops::dict_pairs(v)? {
                    pyops::dict_set(&mut d, k, v)?;
                }
            }
            for (k, v) in args.keywords {
                pyops::dict_set(&mut d, Value::str(k), v)?;
            }
            Ok(Value::Dict(std::rc::Rc::new(std::cell::RefCell::new(d))))
        }
        TypeObj::Type => match (args.positional.len(), first) {
            (1, Some(v)) => Ok(Value::Type(v.type_obj())),
            _ => Err(PyErr::type_err("type() takes 1 argument")),
        },
        TypeObj::Range => py_range(i, args),
        TypeObj::Exception(e) => {
            let msg = match &first {
                None => String::new(),
                // KeyError('k') reads as its key's repr: `KeyError: 'k'`.
                Some(v) if e == ExcType::KeyError => crate::display::repr_plain(v),
                Some(v) => str_of(i, v)?,
            };
            Ok(Value::Exception(e, msg.into()))
        }
        TypeObj::Slice => {
            let b = pyops::slice_bound;
            let (start, stop, step) = match args.positional.as_slice() {
                [stop] => (None, b(stop)?, None),
                [start, stop] => (b(start)?, b(stop)?, None),
                [start, stop, step] => (b(start)?, b(stop)?, b(step)?),
                more => {
                    let bound = if more.is_empty() { "least 1 argument" } else { "most 3 arguments" };
                    return Err(PyErr::type_err(format!("slice expected at {bound}, got {}", more.len())));
                }
            };
            Ok(Value::Slice(std::rc::Rc::new(crate::value::SliceObj { start, stop, step })))
        }
        TypeObj::NdArray => Err(PyErr::type_err("use np.array(...) to create arrays")),
        other => Err(PyErr::type_err(format!("cannot create '{}' instances", other.qualname()))),
    }
}

// ---------------------------------------------------------------- object methods

fn recv_and_rest(args: &Args) -> PyResult<(Value, Vec<Value>)> {
    let mut p = args.positional.clone();
    if p.is_empty() {
        return Err(PyErr::type_err("method needs a receiver"));
    }
    let recv = p.remove(0);
    Ok((recv, p))
}

fn m_append(_: &mut Interp, args: Args) -> PyResult<Value> {
    let (recv, rest) = recv_and_rest(&args)?;
    match (&recv, rest.as_slice()) {
        (Value::List(l), [x]) => {
            l.borrow_mut().push(x.clone());
            Ok(Value::None)
        }
        _ => Err(PyErr::type_err("list.append() takes exactly one argument")),
    }
}

fn m_extend(_: &mut Interp, args: Args) -> PyResult<Value> {
    let (recv, rest) = recv_and_rest(&args)?;
    match (&recv, rest.as_slice()) {
        (Value::List(l), [x]) => {
            let items = pyops::iterate(x)?;
            l.borrow_mut().extend(items);
            Ok(Value::None)
        }
        _ => Err(PyErr::type_err("list.extend() takes exactly one argument")),
    }
}

fn m_pop(_: &mut Interp, args: Args) -> PyResult<Value> {
    let (recv, rest) = recv_and_rest(&args)?;
    match &recv {
        Value::List(l) => {
            let mut l = l.borrow_mut();
            if l.is_empty() {
                return Err(PyErr::index("pop from empty list"));
            }
            let n = l.len() as i64;
            let i = match rest.first() {
                Some(v) => int_arg(v)?,
                None => n - 1,
            };
            let j = if i < 0 { i + n } else { i };
            if j < 0 || j >= n {
                return Err(PyErr::index("pop index out of range"));
            }
            Ok(l.remove(j as usize))
        }
        Value::Dict(d) => {
            let key = rest.first().cloned().unwrap_or(Value::None);
            let mut d = d.borrow_mut();
            match d.entries.iter().position(|(k, _)| pyops::values_equal(k, &key)) {
                Some(p) => Ok(d.entries.remove(p).1),
                None => {
                    rest.get(1).cloned().ok_or_else(|| PyErr::new(ExcType::KeyError, crate::display::repr_plain(&key)))
                }
            }
        }
        Value::Set(s) => {
            if !rest.is_empty() {
                return Err(PyErr::type_err(format!("set.pop() takes no arguments ({} given)", rest.len())));
            }
            let mut s = s.borrow_mut();
            if s.is_empty() {
                return Err(PyErr::new(ExcType::KeyError, "'pop from an empty set'"));
            }
            Ok(s.remove(0))
        }
        _ => Err(PyErr::type_err("pop() not supported")),
    }
}

fn m_keys(_: &mut Interp, args: Args) -> PyResult<Value> {
    let (recv, _) = recv_and_rest(&args)?;
    match &recv {
        Value::Dict(d) => Ok(Value::new_dict_view(DictView::Keys, d)),
        _ => Err(PyErr::type_err("keys() needs a dict")),
    }
}

fn m_values(_: &mut Interp, args: Args) -> PyResult<Value> {
    let (recv, _) = recv_and_rest(&args)?;
    match &recv {
        Value::Dict(d) => Ok(Value::new_dict_view(DictView::Values, d)),
        _ => Err(PyErr::type_err("values() needs a dict")),
    }
}

fn m_items(_: &mut Interp, args: Args) -> PyResult<Value> {
    let (recv, _) = recv_and_rest(&args)?;
    match &recv {
        Value::Dict(d) => Ok(Value::new_dict_view(DictView::Items, d)),
        _ => Err(PyErr::type_err("items() needs a dict")),
    }
}

fn m_get(_: &mut Interp, args: Args) -> PyResult<Value> {
    let (recv, rest) = recv_and_rest(&args)?;
    match (&recv, rest.as_slice()) {
        (Value::Dict(d), [k, more @ ..]) => {
            Ok(pyops::dict_get(&d.borrow(), k).unwrap_or_else(|| more.first().cloned().unwrap_or(Value::None)))
        }
        _ => Err(PyErr::type_err("get expected at least 1 argument")),
    }
}

fn m_update(_: &mut Interp, args: Args) -> PyResult<Value> {
    let (recv, rest) = recv_and_rest(&args)?;
    if let Value::Set(s) = &recv {
        if !args.keywords.is_empty() {
            return Err(PyErr::type_err("set.update() takes no keyword arguments"));
        }
        if let Value::Set(merged) = set_combine(s, &rest, BinOp::BitOr)? {
            let merged = merged.borrow().clone();
            *s.borrow_mut() = merged;
        }
        return Ok(Value::None);
    }
    let Value::Dict(d) = &recv else {
        return Err(PyErr::type_err("update() needs a dict"));
    };
    let mut pairs: Vec<(Value, Value)> = match rest.as_slice() {
        [] => Vec::new(),
        [other] => pyops::dict_pairs(other)?,
        _ => return Err(PyErr::type_err(format!("update expected at most 1 argument, got {}", rest.len()))),
    };
    pairs.extend(args.keywords.iter().map(|(k, v)| (Value::str(k), v.clone())));
    let mut d = d.borrow_mut();
    for (k, v) in pairs {
        pyops::dict_set(&mut d, k, v)?;
    }
    Ok(Value::None)
}

/// `set.add`, `set.discard` and `set.remove`.
fn set_method(args: &Args, name: &str, f: impl FnOnce(&mut Vec<Value>, Value) -> PyResult<()>) -> PyResult<Value> {
    let (recv, rest) = recv_and_rest(args)?;
    match (&recv, rest.as_slice()) {
        (Value::Set(s), [x]) => {
            pyops::check_hashable(x)?;
            f(&mut s.borrow_mut(), x.clone())?;
            Ok(Value::None)
        }
        (Value::Set(_), more) => {
            Err(PyErr::type_err(format!("set.{name}() takes exactly one argument ({} given)", more.len())))
        }
        (other, _) => Err(PyErr::type_err(format!("'{}' object has no attribute '{name}'", other.type_name()))),
    }
}
fn m_add(_: &mut Interp, args: Args) -> PyResult<Value> {
    set_method(&args, "add", |s, x| {
        if !s.iter().any(|o| pyops::values_equal(o, &x)) {
            s.push(x);
        }
        Ok(())
    })
}
fn m_discard(_: &mut Interp, args: Args) -> PyResult<Value> {
    set_method(&args, "discard", |s, x| {
        s.retain(|o| !pyops::values_equal(o, &x));
        Ok(())
    })
}

fn m_setdefault(_: &mut Interp, args: Args) -> PyResult<Value> {
    let (recv, rest) = recv_and_rest(&args)?;
    match (&recv, rest.as_slice()) {
        (Value::Dict(d), [k, more @ ..]) if more.len() <= 1 => {
            let found = pyops::dict_get(&d.borrow(), k);
            match found {
                Some(v) => Ok(v),
                None => {
                    let v = more.first().cloned().unwrap_or(Value::None);
                    pyops::dict_set(&mut d.borrow_mut(), k.clone(), v.clone())?;
                    Ok(v)
                }
            }
        }
        _ => Err(PyErr::type_err("setdefault expected 1 or 2 arguments")),
    }
}

fn m_join(i: &mut Interp, args: Args) -> PyResult<Value> {
    let (recv, rest) = recv_and_rest(&args)?;
    match (&recv, rest.as_slice()) {
        (Value::Str(sep), [items]) => {
            let mut parts = Vec::new();
            for (k, item) in pyops::iterate(items)?.into_iter().enumerate() {
                match item {
                    Value::Str(s) => parts.push(s.to_string()),
                    other => {
                        return Err(PyErr::type_err(format!(
                            "sequence item {k}: expected str instance, {} found",
                            other.type_name()
                        )))
                    }
                }
            }
            let _ = i;
            Ok(Value::str(parts.join(sep)))
        }
        _ => Err(PyErr::type_err("join() takes exactly one argument")),
    }
}

fn str_method(args: &Args, f: impl Fn(&str, &[Value]) -> PyResult<Value>) -> PyResult<Value> {
    let (recv, rest) = recv_and_rest(args)?;
    match &recv {
        Value::Str(s) => f(s, &rest),
        other => {
            Err(PyErr::type_err(format!("descriptor requires a 'str' object but received a '{}'", other.type_name())))
        }
    }
}

fn m_upper(_: &mut Interp, args: Args) -> PyResult<Value> {
    str_method(&args, |s, _| Ok(Value::str(s.to_uppercase())))
}
fn m_lower(_: &mut Interp, args: Args) -> PyResult<Value> {
    str_method(&args, |s, _| Ok(Value::str(s.to_lowercase())))
}
fn m_strip(_: &mut Interp, args: Args) -> PyResult<Value> {
    str_method(&args, |s, _| Ok(Value::str(s.trim())))
}
fn m_split(_: &mut Interp, args: Args) -> PyResult<Value> {
    super::invalid_keyword(&args, &["sep", "maxsplit"], Some("split"))?;
    let (sep_kw, max_kw) = (args.keyword("sep").cloned(), args.keyword("maxsplit").cloned());
    str_method(&args, |s, rest| {
        let sep = rest.first().cloned().or(sep_kw.clone()).unwrap_or(Value::None);
        let maxsplit = match rest.get(1).cloned().or(max_kw.clone()) {
            Some(m) => int_arg(&m)?,
            None => -1,
        };
        // At most `maxsplit` splits (all when negative), as Python counts them.
        let limit = usize::try_from(maxsplit).ok();
        let parts: Vec<&str> = match &sep {
            Value::None => split_whitespace_max(s, limit),
            Value::Str(sep) if sep.is_empty() => return Err(PyErr::value("empty separator")),
            Value::Str(sep) => match limit {
                Some(n) => s.splitn(n + 1, sep.as_ref()).collect(),
                None => s.split(sep.as_ref()).collect(),
            },
            other => return Err(PyErr::type_err(format!("must be str or None, not {}", other.type_name()))),
        };
        Ok(Value::list(parts.into_iter().map(Value::str).collect()))
    })
}

/// `str.split()` without a separator: runs of whitespace split, leading
/// whitespace is dropped, and after `limit` splits the rest is one part.
fn split_whitespace_max(s: &str, limit: Option<usize>) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = s.trim_start();
    while !rest.is_empty() {
        if limit == Some(out.len()) {
            out.push(rest);
            break;
        }
        match rest.find(char::is_whitespace) {
            Some(i) => {
                out.push(&rest[..i]);
                rest = rest[i..].trim_start();
            }
            None => {
                out.push(rest);
                break;
            }
        }
    }
    out
}
fn m_replace(_: &mut Interp, args: Args) -> PyResult<Value> {
    str_method(&args, |s, rest| match rest {
        [Value::Str(a), Value::Str(b)] => Ok(Value::str(s.replace(a.as_ref(), b))),
        [Value::Str(a), Value::Str(b), count] => match int_arg(count)? {
            n if n < 0 => Ok(Value::str(s.replace(a.as_ref(), b))),
            n => Ok(Value::str(s.replacen(a.as_ref(), b, n as usize))),
        },
        _ => Err(PyErr::type_err("replace expected 2 string arguments")),
    })
}
fn m_title(_: &mut Interp, args: Args) -> PyResult<Value> {
    // Each run of letters starts upper case and continues lower case.
    str_method(&args, |s, _| {
        let mut out = String::with_capacity(s.len());
        let mut in_word = false;
        for c in s.chars() {
            match (c.is_alphabetic(), in_word) {
                (true, false) => out.extend(c.to_uppercase()),
                (true, true) => out.extend(c.to_lowercase()),
                (false, _) => out.push(c),
            }
            in_word = c.is_alphabetic();
        }
        Ok(Value::str(out))
    })
}
/// `str.startswith`/`endswith`: one string or a tuple of strings.
fn affix_test(args: &Args, name: &str, test: fn(&str, &str) -> bool) -> PyResult<Value> {
    str_method(args, |s, rest| {
        let err = || PyErr::type_err(format!("{name} first arg must be str or a tuple of str"));
        match rest {
            [Value::Str(a)] => Ok(Value::Bool(test(s, a))),
            [Value::Tuple(items)] => {
                let mut any = false;
                for a in items.iter() {
                    let Value::Str(a) = a else { return Err(err()) };
                    any |= test(s, a);
                }
                Ok(Value::Bool(any))
            }
            _ => Err(err()),
        }
    })
}
fn m_startswith(_: &mut Interp, args: Args) -> PyResult<Value> {
    affix_test(&args, "startswith", |s, a| s.starts_with(a))
}
fn m_endswith(_: &mut Interp, args: Args) -> PyResult<Value> {
    affix_test(&args, "endswith", |s, a| s.ends_with(a))
}
/// Character position of `sub` in `s`, if any.
fn find_in(s: &str, sub: &str) -> Option<usize> {
    s.find(sub).map(|byte| s[..byte].chars().count())
}
fn m_find(_: &mut Interp, args: Args) -> PyResult<Value> {
    str_method(&args, |s, rest| match rest {
        [Value::Str(sub)] => Ok(Value::Int(find_in(s, sub).map_or(-1, |p| p as i128))),
        _ => Err(PyErr::type_err("find() takes a string")),
    })
}

fn m_count(_: &mut Interp, args: Args) -> PyResult<Value> {
    let (recv, rest) = recv_and_rest(&args)?;
    let x = rest.first().cloned().unwrap_or(Value::None);
    match &recv {
        Value::Str(s) => match &x {
            Value::Str(sub) => Ok(Value::Int(s.matches(sub.as_ref()).count() as i128)),
            _ => Err(PyErr::type_err("must be str")),
        },
        other => Ok(Value::Int(pyops::iterate(other)?.iter().filter(|v| pyops::values_equal(v, &x)).count() as i128)),
    }
}

fn m_index(_: &mut Interp, args: Args) -> PyResult<Value> {
    let (recv, rest) = recv_and_rest(&args)?;
    let x = rest.first().cloned().unwrap_or(Value::None);
    if let (Value::Str(s), Value::Str(sub)) = (&recv, &x) {
        return find_in(s, sub).map(|p| Value::Int(p as i128)).ok_or_else(|| PyErr::value("substring not found"));
    }
    let items = pyops::iterate(&recv)?;
    items.iter().position(|v| pyops::values_equal(v, &x)).map(|p| Value::Int(p as i128)).ok_or_else(|| match recv {
        Value::Tuple(_) => PyErr::value("tuple.index(x): x not in tuple"),
        _ => PyErr::value(format!("{} is not in list", crate::display::repr_plain(&x))),
    })
}

fn m_remove(_: &mut Interp, args: Args) -> PyResult<Value> {
    let (recv, rest) = recv_and_rest(&args)?;
    if let Value::Set(_) = &recv {
        return set_method(&args, "remove", |s, x| match s.iter().position(|o| pyops::values_equal(o, &x)) {
            Some(p) => {
                s.remove(p);
                Ok(())
            }
            None => Err(PyErr::new(ExcType::KeyError, crate::display::repr_plain(&x))),
        });
    }
    let Value::List(l) = &recv else {
        return Err(PyErr::type_err("remove() needs a list"));
    };
    let x = rest.first().cloned().unwrap_or(Value::None);
    let pos = l.borrow().iter().position(|v| pyops::values_equal(v, &x));
    match pos {
        Some(p) => {
            l.borrow_mut().remove(p);
            Ok(Value::None)
        }
        None => Err(PyErr::value("list.remove(x): x not in list")),
    }
}

fn m_insert(_: &mut Interp, args: Args) -> PyResult<Value> {
    let (recv, rest) = recv_and_rest(&args)?;
    match (&recv, rest.as_slice()) {
        (Value::List(l), [i, x]) => {
            let mut l = l.borrow_mut();
            let n = l.len() as i64;
            let i = int_arg(i)?;
            let j = if i < 0 { (i + n).max(0) } else { i.min(n) };
            l.insert(j as usize, x.clone());
            Ok(Value::None)
        }
        _ => Err(PyErr::type_err("insert expected 2 arguments")),
    }
}

fn m_list_sort(i: &mut Interp, args: Args) -> PyResult<Value> {
    let (recv, _) = recv_and_rest(&args)?;
    let Value::List(l) = &recv else {
        return Err(PyErr::type_err("sort() needs a list"));
    };
    let mut a = Args::new(vec![Value::list(l.borrow().clone())]);
    a.keywords = args.keywords.clone();
    let sorted = py_sorted(i, a)?;
    if let Value::List(s) = sorted {
        *l.borrow_mut() = s.borrow().clone();
    }
    Ok(Value::None)
}

fn m_format(i: &mut Interp, args: Args) -> PyResult<Value> {
    let (recv, rest) = recv_and_rest(&args)?;
    let Value::Str(template) = &recv else {
        return Err(PyErr::type_err("format() needs a str"));
    };
    let mut out = String::new();
    let mut auto = 0usize;
    let mut chars = template.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
                out.push('{');
            }
            '}' if chars.peek() == Some(&'}') => {
                chars.next();
                out.push('}');
            }
            '{' => {
                let mut field = String::new();
                for d in chars.by_ref() {
                    if d == '}' {
                        break;
                    }
                    field.push(d);
                }
                let (head, spec) = field.split_once(':').unwrap_or((&field, ""));
                let (name, conversion) = match head.split_once('!') {
                    Some((n, c)) => (n, Some(c)),
                    None => (head, None),
                };
                let v = if name.is_empty() {
                    auto += 1;
                    rest.get(auto - 1).cloned()
                } else if let Ok(k) = name.parse::<usize>() {
                    rest.get(k).cloned()
                } else {
                    args.keyword(name).cloned()
                };
                let v = v.ok_or_else(|| {
                    PyErr::index(format!(
                        "Replacement index {} out of range for positional args tuple",
                        auto.saturating_sub(1)
                    ))
                })?;
                let v = match conversion {
                    None => v,
                    Some(c) => Value::str(convert_field(i, &v, c)?),
                };
                out.push_str(&format_value(i, &v, spec)?);
            }
            other => out.push(other),
        }
    }
    Ok(Value::str(out))
}

/// The `!r`, `!a` or `!s` conversion of an f-string or `str.format` field.
pub fn convert_field(i: &mut Interp, v: &Value, conversion: &str) -> PyResult<String> {
    match conversion {
        "r" | "a" => repr_of(i, v),
        "s" => str_of(i, v),
        c => Err(PyErr::value(format!("Unknown conversion specifier {c}"))),
    }
}

/// A `%` conversion's flags, width and precision (`-08.3`) as a format
/// spec (`<08.3`): `-` left-aligns (and beats `0`), `+` and space are the
/// sign options, `#` the alternate form, `0` pads with zeros. For `text`
/// (`%s`, `%r`) only `-` counts, and text is right-aligned without it.
fn printf_spec(spec: &str, text: bool) -> String {
    let flags_end = spec.find(|c: char| !"-+ #0".contains(c)).unwrap_or(spec.len());
    let (flags, rest) = spec.split_at(flags_end);
    if text {
        return format!("{}{rest}", if flags.contains('-') { '<' } else { '>' });
    }
    let mut out = String::new();
    if flags.contains('-') {
        out.push('<');
    }
    if flags.contains('+') {
        out.push('+');
    } else if flags.contains(' ') {
        out.push(' ');
    }
    if flags.contains('#') {
        out.push('#');
    }
    if flags.contains('0') && !flags.contains('-') {
        out.push('0');
    }
    out.push_str(rest);
    out
}

/// `fmt % args` for strings: `%d %i %s %r %f %e %g %x %o %%` with flags,
/// width and precision.
pub fn percent_format(fmt: &str, args: &Value) -> PyResult<String> {
    let items: Vec<Value> = match args {
        Value::Tuple(t) => t.as_ref().clone(),
        other => vec![other.clone()],
    };
    let mut next = items.into_iter();
    let mut out = String::new();
    let mut chars = fmt.chars().peekable();
    let opts = crate::display::options::PrintOptions::default();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let mut spec = String::new();
        let mut conv = None;
        for d in chars.by_ref() {
            if d.is_ascii_alphabetic() || d == '%' {
                conv = Some(d);
                break;
            }
            spec.push(d);
        }
        let Some(conv) = conv else {
            return Err(PyErr::value("incomplete format"));
        };
        if conv == '%' {
            out.push('%');
            continue;
        }
        let text_spec = printf_spec(&spec, true);
        let spec = printf_spec(&spec, false);
        let v = next.next().ok_or_else(|| PyErr::type_err("not enough arguments for format string"))?;
        let num = |v: &Value| -> PyResult<f64> {
            match v {
                Value::Int(i) => Ok(*i as f64),
                Value::Bool(b) => Ok(*b as u8 as f64),
                Value::Float(f) => Ok(*f),
                Value::Scalar(s) => Ok(s.as_f64()),
                other => Err(PyErr::type_err(format!("must be real number, not {}", other.type_name()))),
            }
        };
        let text = match conv {
            's' => crate::display::str_value(&v, &opts),
            'r' => crate::display::repr_value(&v, &opts),
            'd' | 'i' | 'u' => {
                if !matches!(v, Value::Int(_) | Value::Bool(_) | Value::Float(_) | Value::Scalar(_)) {
                    return Err(PyErr::type_err(format!(
                        "%{conv} format: a real number is required, not {}",
                        v.type_name()
                    )));
                }
                // Python ints format exactly (2**62 + 1 must not go through a float).
                let n = match &v {
                    Value::Int(i) => *i,
                    Value::Scalar(crate::value::Scalar::Int(i)) => *i as i128,
                    other => num(other)?.trunc() as i128,
                };
                crate::display::repr::format_int_spec(n, &spec).map_err(PyErr::value)?
            }
            'f' | 'F' | 'e' | 'E' | 'g' | 'G' => {
                let spec = if spec.contains('.') || conv == 'g' || conv == 'G' {
                    format!("{spec}{conv}")
                } else {
                    format!("{spec}.6{conv}")
                };
                crate::display::repr::format_float_spec(num(&v)?, &spec).map_err(PyErr::value)?
            }
            'x' | 'X' | 'o' => {
                let n = num(&v)?.trunc() as i128;
                crate::display::repr::format_int_spec(n, &format!("{spec}{conv}")).map_err(PyErr::value)?
            }
            other => return Err(PyErr::value(format!("unsupported format character '{other}'"))),
        };
        if matches!(conv, 's' | 'r') && !spec.is_empty() {
            out.push_str(&crate::display::repr::format_str_spec(&text, &text_spec).map_err(PyErr::value)?);
        } else {
            out.push_str(&text);
        }
    }
    if next.next().is_some() {
        return Err(PyErr::type_err("not all arguments converted during string formatting"));
    }
    Ok(out)
}

fn py_divmod(_: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("divmod", args, &["x", "y"], 2)?;
    let (x, y) = (req(&mut s, 0), req(&mut s, 1));
    let q = pyops::binary(crate::syntax::ast::BinOp::FloorDiv, &x, &y)?;
    let r = pyops::binary(crate::syntax::ast::BinOp::Mod, &x, &y)?;
    Ok(Value::tuple(vec![q, r]))
}

fn py_pow(_: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("pow", args, &["base", "exp", "mod"], 2)?;
    let (b, e) = (req(&mut s, 0), req(&mut s, 1));
    match opt(&mut s, 2) {
        None => pyops::binary(crate::syntax::ast::BinOp::Pow, &b, &e),
        Some(m) => {
            let (b, e, m) = (int_arg(&b)? as i128, int_arg(&e)?, int_arg(&m)? as i128);
            if m == 0 {
                return Err(PyErr::value("pow() 3rd argument cannot be 0"));
            }
            if e < 0 {
                return Err(PyErr::value("base is not invertible for the given modulus"));
            }
            let (mut acc, mut base, mut exp) = (1i128, b.rem_euclid(m), e);
            while exp > 0 {
                if exp & 1 == 1 {
                    acc = (acc * base).rem_euclid(m);
                }
                base = (base * base).rem_euclid(m);
                exp >>= 1;
            }
            Ok(Value::Int(acc))
        }
    }
}

fn py_chr(_: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("chr", args, &["i"], 1)?;
    let i = int_arg(&req(&mut s, 0))?;
    let c = u32::try_from(i)
        .ok()
        .and_then(char::from_u32)
        .ok_or_else(|| PyErr::value("chr() arg not in range(0x110000)"))?;
    Ok(Value::str(c.to_string()))
}

fn py_ord(_: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("ord", args, &["c"], 1)?;
    match req(&mut s, 0) {
        Value::Str(t) if t.chars().count() == 1 => Ok(Value::Int(t.chars().next().map(|c| c as i128).unwrap_or(0))),
        Value::Str(t) => Err(PyErr::type_err(format!(
            "ord() expected a character, but string of length {} found",
            t.chars().count()
        ))),
        other => Err(PyErr::type_err(format!("ord() expected string of length 1, but {} found", other.type_name()))),
    }
}

fn radix(args: Args, name: &str, prefix: &str, base: u32) -> PyResult<Value> {
    let mut s = bind(name, args, &["x"], 1)?;
    let v = req(&mut s, 0);
    let Some(n) = pyops::index_int(&v).map(|n| n as i128).or(match v {
        Value::Int(n) => Some(n),
        _ => None,
    }) else {
        return Err(PyErr::type_err(format!("'{}' object cannot be interpreted as an integer", v.type_name())));
    };
    let mag = n.unsigned_abs();
    let digits = match base {
        2 => format!("{mag:b}"),
        8 => format!("{mag:o}"),
        _ => format!("{mag:x}"),
    };
    Ok(Value::str(format!("{}{prefix}{digits}", if n < 0 { "-" } else { "" })))
}

fn py_hex(_: &mut Interp, args: Args) -> PyResult<Value> {
    radix(args, "hex", "0x", 16)
}
fn py_bin(_: &mut Interp, args: Args) -> PyResult<Value> {
    radix(args, "bin", "0b", 2)
}
fn py_oct(_: &mut Interp, args: Args) -> PyResult<Value> {
    radix(args, "oct", "0o", 8)
}

fn py_iter(_: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("iter", args, &["object"], 1)?;
    Ok(Value::list(pyops::iterate(&req(&mut s, 0))?))
}

fn m_copy(_: &mut Interp, args: Args) -> PyResult<Value> {
    let (recv, _) = recv_and_rest(&args)?;
    match &recv {
        Value::List(l) => Ok(Value::list(l.borrow().clone())),
        Value::Dict(d) => Ok(Value::Dict(std::rc::Rc::new(std::cell::RefCell::new(d.borrow().clone())))),
        Value::Set(x) => Ok(Value::Set(std::rc::Rc::new(std::cell::RefCell::new(x.borrow().clone())))),
        other => Err(PyErr::type_err(format!("'{}' object has no attribute 'copy'", other.type_name()))),
    }
}

fn m_clear(_: &mut Interp, args: Args) -> PyResult<Value> {
    let (recv, rest) = recv_and_rest(&args)?;
    if !rest.is_empty() {
        let t = recv.type_name();
        return Err(PyErr::type_err(format!("{t}.clear() takes no arguments ({} given)", rest.len())));
    }
    match &recv {
        Value::List(l) | Value::Set(l) => l.borrow_mut().clear(),
        Value::Dict(d) => d.borrow_mut().entries.clear(),
        other => return Err(no_method(other, "clear")),
    }
    Ok(Value::None)
}

/// AttributeError for a method of another type found in the shared table.
fn no_method(v: &Value, name: &str) -> PyErr {
    PyErr::new(ExcType::AttributeError, format!("'{}' object has no attribute '{name}'", v.type_name()))
}

/// `s` combined with each of `others` (any iterables) by a set operator:
/// `union` is `|`, `intersection` `&`, `difference` `-`.
fn set_combine(s: &std::cell::RefCell<Vec<Value>>, others: &[Value], op: BinOp) -> PyResult<Value> {
    let mut acc = Value::Set(std::rc::Rc::new(std::cell::RefCell::new(s.borrow().clone())));
    for o in others {
        let o = match o {
            Value::Set(_) => o.clone(),
            _ => pyops::set_from(pyops::iterate(o)?)?,
        };
        acc = pyops::binary(op, &acc, &o)?;
    }
    Ok(acc)
}

/// `set.union(*others)` and its kin: a new set.
fn set_op_method(args: &Args, name: &str, op: BinOp, arity: Option<usize>) -> PyResult<Value> {
    let (recv, rest) = recv_and_rest(args)?;
    let Value::Set(s) = &recv else {
        return Err(no_method(&recv, name));
    };
    if arity.is_some_and(|n| n != rest.len()) {
        return Err(PyErr::type_err(format!("set.{name}() takes exactly one argument ({} given)", rest.len())));
    }
    set_combine(s, &rest, op)
}

fn m_union(_: &mut Interp, args: Args) -> PyResult<Value> {
    set_op_method(&args, "union", BinOp::BitOr, None)
}
fn m_intersection(_: &mut Interp, args: Args) -> PyResult<Value> {
    set_op_method(&args, "intersection", BinOp::BitAnd, None)
}
fn m_difference(_: &mut Interp, args: Args) -> PyResult<Value> {
    set_op_method(&args, "difference", BinOp::Sub, None)
}
fn m_symmetric_difference(_: &mut Interp, args: Args) -> PyResult<Value> {
    set_op_method(&args, "symmetric_difference", BinOp::BitXor, Some(1))
}

/// `set.issubset(other)` and its kin: `test(members, other's members)`.
fn set_relation(args: &Args, name: &str, test: fn(&[Value], &[Value]) -> bool) -> PyResult<Value> {
    let (recv, rest) = recv_and_rest(args)?;
    let Value::Set(s) = &recv else {
        return Err(no_method(&recv, name));
    };
    let [other] = rest.as_slice() else {
        return Err(PyErr::type_err(format!("set.{name}() takes exactly one argument ({} given)", rest.len())));
    };
    let other = pyops::iterate(other)?;
    let mine = s.borrow().clone();
    Ok(Value::Bool(test(&mine, &other)))
}

fn m_issubset(_: &mut Interp, args: Args) -> PyResult<Value> {
    set_relation(&args, "issubset", pyops::is_subset)
}
fn m_issuperset(_: &mut Interp, args: Args) -> PyResult<Value> {
    set_relation(&args, "issuperset", |a, b| pyops::is_subset(b, a))
}
fn m_isdisjoint(_: &mut Interp, args: Args) -> PyResult<Value> {
    set_relation(&args, "isdisjoint", |a, b| !a.iter().any(|x| b.iter().any(|y| pyops::values_equal(x, y))))
}

/// Python builtin functions.
pub static BUILTINS: &[Builtin] = &[
    f(
        PY,
        "print",
        "print(*objects, sep=' ', end='\\n')",
        "Print objects with str(); arrays print without commas, as NumPy's str.",
        py_print,
    ),
    f(
        PY,
        "len",
        "len(obj)",
        "Number of items; for an array, the length of its first axis (a (3,4) array has len 3).",
        py_len,
    ),
    f(PY, "range", "range(start, stop, step)", "Integers from start up to (not including) stop.", py_range)
        .no_keywords(),
    f(PY, "abs", "abs(x)", "Absolute value.", py_abs),
    f(PY, "round", "round(number, ndigits=None)", "Round half to even; without ndigits returns an int.", py_round),
    f(PY, "min", "min(iterable, key=None)", "Smallest item (iterating an array goes along its first axis).", py_min),
    f(PY, "max", "max(iterable, key=None)", "Largest item.", py_max),
    f(PY, "sum", "sum(iterable, start=0)", "Left-to-right sum (unlike np.sum, not pairwise).", py_sum),
    f(PY, "zip", "zip(*iterables)", "Tuples of corresponding items.", py_zip),
    f(PY, "enumerate", "enumerate(iterable, start=0)", "(index, item) pairs.", py_enumerate),
    f(PY, "sorted", "sorted(iterable, key=None, reverse=False)", "A sorted list.", py_sorted),
    f(PY, "reversed", "reversed(seq)", "Items in reverse order.", py_reversed),
    f(PY, "map", "map(function, iterable)", "function applied to each item.", py_map).no_keywords(),
    f(PY, "filter", "filter(function, iterable)", "Items for which function is true.", py_filter),
    f(PY, "any", "any(iterable)", "True if any item is true.", py_any),
    f(PY, "all", "all(iterable)", "True if all items are true.", py_all),
    f(PY, "isinstance", "isinstance(obj, class_or_tuple)", "Is obj an instance of the class?", py_isinstance),
    f(PY, "getattr", "getattr(object, name, default)", "The named attribute, or default if it is missing.", py_getattr),
    f(PY, "hasattr", "hasattr(object, name)", "Does the object have the named attribute?", py_hasattr),
    f(PY, "callable", "callable(obj)", "Can obj be called?", py_callable),
    f(PY, "repr", "repr(obj)", "The printable representation.", py_repr),
    f(PY, "format", "format(value, format_spec='')", "Format with a format spec.", py_format),
    f(PY, "id", "id(obj)", "Not available in npr.", py_id),
    f(PY, "hash", "hash(obj)", "The hash of a hashable object (equal numbers hash alike).", py_hash).no_keywords(),
    f(PY, "help", "help(obj)", "Show help for a function.", py_help),
    f(PY, "divmod", "divmod(x, y)", "(x // y, x % y).", py_divmod),
    f(PY, "pow", "pow(base, exp, mod=None)", "base ** exp (modulo mod).", py_pow),
    f(PY, "chr", "chr(i)", "The character with code point i.", py_chr),
    f(PY, "ord", "ord(c)", "The code point of a one-character string.", py_ord),
    f(PY, "hex", "hex(x)", "Hexadecimal text of an integer.", py_hex),
    f(PY, "bin", "bin(x)", "Binary text of an integer.", py_bin),
    f(PY, "oct", "oct(x)", "Octal text of an integer.", py_oct),
    f(PY, "iter", "iter(obj)", "An iterator over obj (npr: its items as a list).", py_iter),
];

/// Methods of lists, dicts and strings.
pub static OBJECT_METHODS: &[Builtin] = &[
    f(OBJ, "append", "list.append(x)", "Add x at the end.", m_append).no_keywords(),
    f(OBJ, "extend", "list.extend(iterable)", "Add all items.", m_extend).no_keywords(),
    f(OBJ, "pop", "list.pop(index=-1)", "Remove and return an item.", m_pop).no_keywords(),
    f(OBJ, "insert", "list.insert(index, x)", "Insert x before index.", m_insert).no_keywords(),
    f(OBJ, "remove", "list.remove(x)", "Remove the first x.", m_remove).no_keywords(),
    f(OBJ, "index", "list.index(x)", "Position of the first x.", m_index).no_keywords(),
    f(OBJ, "count", "list.count(x)", "Number of occurrences of x.", m_count).no_keywords(),
    f(OBJ, "sort", "list.sort(key=None, reverse=False)", "Sort in place.", m_list_sort),
    f(OBJ, "copy", "list.copy()", "A shallow copy.", m_copy).no_keywords(),
    f(OBJ, "keys", "dict.keys()", "A view of the keys: it follows the dict, and acts as a set.", m_keys).no_keywords(),
    f(OBJ, "values", "dict.values()", "A view of the values: it follows the dict.", m_values).no_keywords(),
    f(
        OBJ,
        "items",
        "dict.items()",
        "A view of the (key, value) pairs: it follows the dict, and acts as a set.",
        m_items,
    )
    .no_keywords(),
    f(OBJ, "get", "dict.get(key, default=None)", "Value for key, or default.", m_get).no_keywords(),
    f(
        OBJ,
        "setdefault",
        "dict.setdefault(key, default=None)",
        "Value for key, set to default first if missing.",
        m_setdefault,
    )
    .no_keywords(),
    f(OBJ, "update", "dict.update(other=(), **kwargs)", "Add or replace the pairs of other.", m_update),
    f(OBJ, "add", "set.add(x)", "Add x to the set.", m_add).no_keywords(),
    f(OBJ, "discard", "set.discard(x)", "Remove x from the set if it is there.", m_discard).no_keywords(),
    f(OBJ, "clear", "list.clear()", "Remove every item (lists, dicts, sets).", m_clear).no_keywords(),
    f(OBJ, "union", "set.union(*others)", "A new set with the members of this set and of others.", m_union)
        .no_keywords(),
    f(OBJ, "intersection", "set.intersection(*others)", "A new set of the members in every one.", m_intersection)
        .no_keywords(),
    f(OBJ, "difference", "set.difference(*others)", "A new set of the members in none of others.", m_difference)
        .no_keywords(),
    f(
        OBJ,
        "symmetric_difference",
        "set.symmetric_difference(other)",
        "A new set of the members in exactly one of the two.",
        m_symmetric_difference,
    )
    .no_keywords(),
    f(OBJ, "issubset", "set.issubset(other)", "Is every member in other?", m_issubset).no_keywords(),
    f(OBJ, "issuperset", "set.issuperset(other)", "Is every member of other in this set?", m_issuperset).no_keywords(),
    f(OBJ, "isdisjoint", "set.isdisjoint(other)", "Do the two have no member in common?", m_isdisjoint).no_keywords(),
    f(OBJ, "join", "str.join(iterable)", "Concatenate strings with this separator.", m_join).no_keywords(),
    f(OBJ, "upper", "str.upper()", "Uppercase copy.", m_upper).no_keywords(),
    f(OBJ, "lower", "str.lower()", "Lowercase copy.", m_lower).no_keywords(),
    f(OBJ, "strip", "str.strip()", "Copy without surrounding whitespace.", m_strip).no_keywords(),
    f(OBJ, "split", "str.split(sep=None, maxsplit=-1)", "List of parts.", m_split),
    f(OBJ, "replace", "str.replace(old, new, count=-1)", "Copy with old replaced by new.", m_replace).no_keywords(),
    f(OBJ, "title", "str.title()", "Copy with each word capitalised.", m_title).no_keywords(),
    f(OBJ, "find", "str.find(sub)", "Position of the first sub, or -1.", m_find).no_keywords(),
    f(OBJ, "startswith", "str.startswith(prefix)", "Does the string start with prefix?", m_startswith).no_keywords(),
    f(OBJ, "endswith", "str.endswith(suffix)", "Does the string end with suffix?", m_endswith).no_keywords(),
    f(OBJ, "format", "str.format(*args, **kwargs)", "Replace {} fields.", m_format),
];
