//! Attribute lookup: module members, array attributes and methods, scalar
//! and dtype attributes, and methods of Python objects.

use std::rc::Rc;

use super::{closest_name, lookup, numpy, Keywords, Owner};
use crate::interp::error::{ExcType, PyErr, PyResult};
use crate::value::{DType, Module, NdArray, TypeObj, Value};

fn no_attr(v: &Value, name: &str, candidates: Vec<&str>) -> PyErr {
    let msg = match v {
        Value::Module(m) => format!("module '{}' has no attribute '{name}'", m.name()),
        Value::Type(t) => format!("type object '{}' has no attribute '{name}'", t.qualname()),
        // NumPy's functions are dispatcher objects; its ufuncs are `numpy.ufunc`.
        Value::Builtin(b) if b.owner == Owner::Module(Module::Numpy) => {
            format!("'numpy._ArrayFunctionDispatcher' object has no attribute '{name}'")
        }
        other => format!("'{}' object has no attribute '{name}'", other.type_name()),
    };
    let mut err = PyErr::new(ExcType::AttributeError, msg);
    if let Some(s) = closest_name(name, candidates.into_iter()) {
        err = err.with_hint(format!("did you mean '{s}'?"));
    }
    err
}

/// Names of a module's members, for completion and suggestions.
pub fn module_members(m: Module) -> Vec<&'static str> {
    let mut names: Vec<&'static str> = super::table().filter(|b| b.owner == Owner::Module(m)).map(|b| b.name).collect();
    if m == Module::Numpy {
        names.extend([
            "pi",
            "e",
            "inf",
            "nan",
            "newaxis",
            "float64",
            "int64",
            "bool_",
            "ndarray",
            "random",
            "linalg",
            "set_printoptions",
            "get_printoptions",
            "dtype",
        ]);
    }
    names.sort_unstable();
    names
}

/// Array attributes that are not methods.
pub const ARRAY_ATTRS: &[&str] = &["T", "shape", "ndim", "size", "dtype", "nbytes", "itemsize"];

fn m_is_integer(_: &mut crate::interp::eval::Interp, args: crate::interp::eval::Args) -> PyResult<Value> {
    let x = match args.positional.first() {
        Some(Value::Scalar(s)) => s.as_f64(),
        Some(Value::Float(f)) => *f,
        _ => 0.5,
    };
    Ok(Value::Bool(x.is_finite() && x.fract() == 0.0))
}

static IS_INTEGER: super::Builtin = super::Builtin {
    name: "is_integer",
    owner: Owner::ObjectMethod,
    signature: "x.is_integer()",
    doc: "Is the float an integer value?",
    func: m_is_integer,
    keywords: Keywords::None,
};

/// `v.name`.
pub fn get_attr(v: &Value, name: &str) -> PyResult<Value> {
    match v {
        Value::Module(m) => module_attr(*m, name),
        Value::Array(a) => match name {
            "T" => numpy::transpose_value(a, None),
            "shape" => Ok(Value::shape_tuple(&a.shape())),
            "ndim" => Ok(Value::Int(a.ndim() as i128)),
            "size" => Ok(Value::Int(a.size() as i128)),
            "dtype" => Ok(Value::DType(a.dtype())),
            "itemsize" => Ok(Value::Int(a.dtype().itemsize() as i128)),
            "nbytes" => Ok(Value::Int((a.size() * a.dtype().itemsize()) as i128)),
            "base" => Ok(a.base_array().map(Value::Array).unwrap_or(Value::None)),
            "flat" => Ok(Value::Array(crate::ops::linalg::reshape_data(a.to_data(), &[a.size()]).map(NdArray::new)?)),
            _ => match lookup(Owner::ArrayMethod, name) {
                Some(b) => Ok(Value::Method(Rc::new(v.clone()), b)),
                None => {
                    let mut c: Vec<&str> = super::numpy::METHODS.iter().map(|b| b.name).collect();
                    c.extend(ARRAY_ATTRS);
                    Err(no_attr(v, name, c))
                }
            },
        },
        Value::Scalar(s) => match name {
            "shape" => Ok(Value::tuple(Vec::new())),
            "ndim" => Ok(Value::Int(0)),
            "size" => Ok(Value::Int(1)),
            "dtype" => Ok(Value::DType(s.dtype())),
            "itemsize" | "nbytes" => Ok(Value::Int(s.dtype().itemsize() as i128)),
            "T" => Ok(v.clone()),
            "real" => Ok(v.clone()),
            "is_integer" => Ok(Value::Method(Rc::new(v.clone()), &IS_INTEGER)),
            _ => match lookup(Owner::ArrayMethod, name) {
                Some(b) => Ok(Value::Method(Rc::new(v.clone()), b)),
                None => Err(no_attr(v, name, vec!["item", "astype", "dtype", "shape"])),
            },
        },
        Value::Slice(s) if matches!(name, "start" | "stop" | "step") => {
            let bound = match name {
                "start" => s.start,
                "stop" => s.stop,
                _ => s.step,
            };
            Ok(bound.map_or(Value::None, |b| Value::Int(i128::from(b))))
        }
        Value::DType(d) => match name {
            "name" => Ok(Value::str(d.name())),
            "itemsize" => Ok(Value::Int(d.itemsize() as i128)),
            "kind" => Ok(Value::str(match d {
                DType::Bool => "b",
                DType::Int64 => "i",
                DType::Float64 => "f",
            })),
            "type" => Ok(Value::Type(match d {
                DType::Bool => TypeObj::NpBool,
                DType::Int64 => TypeObj::NpInt64,
                DType::Float64 => TypeObj::NpFloat64,
            })),
            _ => Err(no_attr(v, name, vec!["name", "itemsize", "kind", "type"])),
        },
        Value::Float(x) if name == "real" => Ok(Value::Float(*x)),
        Value::Int(_) | Value::Bool(_) if name == "real" || name == "numerator" => Ok(match v {
            Value::Bool(b) => Value::Int(*b as i128),
            other => other.clone(),
        }),
        Value::Int(_) if name == "imag" => Ok(Value::Int(0)),
        Value::Float(x) if name == "is_integer" => Ok(Value::Bool(x.fract() == 0.0)),
        Value::Type(t) if name == "__name__" => Ok(Value::str(t.qualname().rsplit('.').next().unwrap_or(""))),
        Value::Function(f) if name == "__name__" => Ok(Value::str(&f.name)),
        Value::Function(f) if name == "__doc__" => Ok(f.doc.as_ref().map(Value::str).unwrap_or(Value::None)),
        Value::List(_) | Value::Dict(_) | Value::Str(_) | Value::Tuple(_) | Value::Set(_) => {
            let only = container_methods(v);
            match lookup(Owner::ObjectMethod, name).filter(|_| only.contains(&name)) {
                Some(b) => Ok(Value::Method(Rc::new(v.clone()), b)),
                None => Err(no_attr(v, name, only.to_vec())),
            }
        }
        Value::Opaque(o) => match &**o {
            crate::value::Opaque::TypeInfo(d) => super::numpy_extra::type_info_attr(*d, name).ok_or_else(|| {
                PyErr::new(
                    ExcType::AttributeError,
                    format!("'{}info' object has no attribute '{name}'", if *d == DType::Float64 { "f" } else { "i" }),
                )
            }),
            crate::value::Opaque::NpzFile(z) => z.attr(v, name).ok_or_else(|| {
                PyErr::new(ExcType::AttributeError, format!("'NpzFile' object has no attribute '{name}'"))
            }),
            _ => Err(no_attr(v, name, Vec::new())),
        },
        other => Err(no_attr(other, name, Vec::new())),
    }
}

/// The methods of a list, dict, str, tuple or set (they share one table of
/// methods, `python::OBJECT_METHODS`; each type has its own subset).
pub fn container_methods(v: &Value) -> &'static [&'static str] {
    match v {
        Value::Tuple(_) => &["count", "index"],
        Value::List(_) => &["append", "clear", "copy", "count", "extend", "index", "insert", "pop", "remove", "sort"],
        Value::Dict(_) => &["clear", "copy", "get", "items", "keys", "pop", "setdefault", "update", "values"],
        Value::Str(_) => &[
            "count",
            "endswith",
            "find",
            "format",
            "index",
            "join",
            "lower",
            "replace",
            "split",
            "startswith",
            "strip",
            "title",
            "upper",
        ],
        Value::Set(_) => &[
            "add",
            "clear",
            "copy",
            "difference",
            "discard",
            "intersection",
            "isdisjoint",
            "issubset",
            "issuperset",
            "pop",
            "remove",
            "symmetric_difference",
            "union",
            "update",
        ],
        _ => &[],
    }
}

fn module_attr(m: Module, name: &str) -> PyResult<Value> {
    // No removed name is a member (see `removed_names_are_not_members`), so
    // the list of removed names is searched only when the lookup fails.
    if m == Module::Numpy {
        if let Some(c) = numpy::constant(name) {
            return Ok(c);
        }
    }
    if m == Module::Math {
        match name {
            "pi" => return Ok(Value::Float(std::f64::consts::PI)),
            "e" => return Ok(Value::Float(std::f64::consts::E)),
            "inf" => return Ok(Value::Float(f64::INFINITY)),
            "nan" => return Ok(Value::Float(f64::NAN)),
            _ => {}
        }
    }
    if let Some(b) = lookup(Owner::Module(m), name) {
        return Ok(Value::Builtin(b));
    }
    if m == Module::Numpy {
        if let Some(err) = numpy::removed_name(name) {
            return Err(err);
        }
    }
    Err(no_attr(&Value::Module(m), name, module_members(m)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `module_attr` looks removed names up last: none may be a member.
    #[test]
    fn removed_names_are_not_members() {
        for (name, _) in crate::builtins::removed::REMOVED.iter().chain([&("asscalar", "")]) {
            assert!(numpy::constant(name).is_none(), "{name}");
            assert!(lookup(Owner::Module(Module::Numpy), name).is_none(), "{name}");
            assert!(module_attr(Module::Numpy, name).is_err(), "{name}");
        }
    }
}
