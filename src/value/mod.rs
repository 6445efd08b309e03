//! The value model: Python values, NumPy scalars and arrays.
//!
//! NumPy scalars (`np.float64(1.5)`) are distinct from 0-d arrays
//! (`array(1.5)`) and from Python floats (`1.5`): they print differently and
//! operations return whichever NumPy returns, so each has its own variant.

pub mod alloc;
pub mod array;
pub mod convert;
pub mod data;

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;

pub use array::{AViewMut, NdArray, ViewOp};
pub use data::{AView, ArrayData, DType};

use crate::builtins::Builtin;
use crate::syntax::ast::{Expr, Params, Stmt};

/// A NumPy scalar: `np.float64`, `np.int64` or `np.bool`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Scalar {
    Bool(bool),
    Int(i64),
    Float(f64),
}

impl Scalar {
    pub fn dtype(self) -> DType {
        match self {
            Scalar::Bool(_) => DType::Bool,
            Scalar::Int(_) => DType::Int64,
            Scalar::Float(_) => DType::Float64,
        }
    }
    pub fn as_f64(self) -> f64 {
        match self {
            Scalar::Bool(b) => b as i64 as f64,
            Scalar::Int(i) => i as f64,
            Scalar::Float(f) => f,
        }
    }
}

/// Modules reachable as values (`np`, `np.random`, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Module {
    Numpy,
    Random,
    Linalg,
    Math,
    Pyplot,
}

impl Module {
    /// The module's Python name, as in error messages.
    pub fn name(self) -> &'static str {
        match self {
            Module::Numpy => "numpy",
            Module::Random => "numpy.random",
            Module::Linalg => "numpy.linalg",
            Module::Math => "math",
            Module::Pyplot => "matplotlib.pyplot",
        }
    }
}

/// Classes that `type(x)` can return and that can be called or compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TypeObj {
    NoneType,
    Bool,
    Int,
    Float,
    Str,
    List,
    Tuple,
    Dict,
    Set,
    Range,
    Slice,
    Ellipsis,
    Function,
    BuiltinFunction,
    Module,
    NdArray,
    NpFloat64,
    NpInt64,
    NpBool,
    DType,
    /// The class of a dtype instance: `numpy.dtypes.Float64DType`.
    DTypeClass(DType),
    /// NumPy's abstract scalar classes: `np.generic`, `np.number`, `np.integer`, `np.floating`.
    NpAbstract(&'static str),
    Type,
    Exception(crate::interp::error::ExcType),
    /// `dict_keys`, `dict_values`, `dict_items`.
    DictView(DictView),
}

/// What a dict view shows: `d.keys()`, `d.values()` or `d.items()`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DictView {
    Keys,
    Values,
    Items,
}

impl DictView {
    /// The view's class name (`dict_keys`).
    pub fn name(self) -> &'static str {
        match self {
            DictView::Keys => "dict_keys",
            DictView::Values => "dict_values",
            DictView::Items => "dict_items",
        }
    }

    /// What the view holds now (a view follows its dict): keys, values or
    /// `(key, value)` tuples, in insertion order.
    pub fn items(self, d: &Dict) -> Vec<Value> {
        let pick = |(k, v): &(Value, Value)| match self {
            DictView::Keys => k.clone(),
            DictView::Values => v.clone(),
            DictView::Items => Value::tuple(vec![k.clone(), v.clone()]),
        };
        d.entries.iter().map(pick).collect()
    }
}

impl TypeObj {
    /// How IPython shows the class object (`int`, `numpy.ndarray`).
    pub fn qualname(self) -> String {
        match self {
            TypeObj::NoneType => "NoneType".into(),
            TypeObj::Bool => "bool".into(),
            TypeObj::Int => "int".into(),
            TypeObj::Float => "float".into(),
            TypeObj::Str => "str".into(),
            TypeObj::List => "list".into(),
            TypeObj::Tuple => "tuple".into(),
            TypeObj::Dict => "dict".into(),
            TypeObj::Set => "set".into(),
            TypeObj::Range => "range".into(),
            TypeObj::Slice => "slice".into(),
            TypeObj::Ellipsis => "ellipsis".into(),
            TypeObj::Function => "function".into(),
            TypeObj::BuiltinFunction => "builtin_function_or_method".into(),
            TypeObj::Module => "module".into(),
            TypeObj::NdArray => "numpy.ndarray".into(),
            TypeObj::NpFloat64 => "numpy.float64".into(),
            TypeObj::NpInt64 => "numpy.int64".into(),
            TypeObj::NpBool => "numpy.bool".into(),
            TypeObj::DType => "numpy.dtype".into(),
            TypeObj::NpAbstract(n) => format!("numpy.{n}"),
            TypeObj::DTypeClass(d) => format!(
                "numpy.dtypes.{}DType",
                match d {
                    DType::Bool => "Bool",
                    DType::Int64 => "Int64",
                    DType::Float64 => "Float64",
                }
            ),
            TypeObj::Type => "type".into(),
            TypeObj::Exception(e) => e.name().into(),
            TypeObj::DictView(v) => v.name().into(),
        }
    }
    /// The short name used in Python error messages (`'int'`, `'numpy.ndarray'`).
    pub fn short_name(self) -> String {
        self.qualname()
    }
}

/// A user-defined function (`def` or `lambda`).
#[derive(Debug)]
pub struct Function {
    pub name: String,
    pub params: Arc<Params>,
    pub defaults: Vec<Option<Value>>,
    pub kw_defaults: Vec<Option<Value>>,
    pub body: FunctionBody,
    pub doc: Option<String>,
    /// The function's local variables (sorted; see `FunctionDef::local_names`):
    /// reading one before it is assigned is an `UnboundLocalError`.
    pub local_names: Arc<[String]>,
    /// The scopes of the enclosing functions it was defined in, innermost
    /// first (empty for a function defined at top level): the variables a
    /// closure reads.
    pub closure: Rc<[Frame]>,
}

/// The variables of one function call (or comprehension) scope.
pub type Frame = Rc<RefCell<Names>>;

/// Variables by name, hashed (see `interp::Globals`); listings sort them.
/// Lookups on the evaluator's paths go through [`Key`].
pub type Names = hashbrown::HashMap<String, Value, crate::builtins::BuildFnv>;

/// A name to look up in [`Names`]: hashes as the `String` keys do, and
/// compares without a `memcmp` call (a name is a few bytes; the call and
/// its set-up were several percent of `c = a + b` on small arrays).
#[derive(Clone, Copy)]
pub struct Key<'a>(pub &'a str);

impl std::hash::Hash for Key<'_> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.0.hash(state);
    }
}

impl hashbrown::Equivalent<String> for Key<'_> {
    fn equivalent(&self, key: &String) -> bool {
        let (a, b) = (self.0.as_bytes(), key.as_bytes());
        if a.len() != b.len() {
            return false;
        }
        let (mut ca, mut cb) = (a.chunks_exact(8), b.chunks_exact(8));
        let word = |c: &[u8]| u64::from_le_bytes(c.try_into().unwrap_or([0; 8]));
        if !ca.by_ref().zip(cb.by_ref()).all(|(x, y)| word(x) == word(y)) {
            return false;
        }
        ca.remainder().iter().zip(cb.remainder()).all(|(x, y)| x == y)
    }
}

#[derive(Debug)]
pub enum FunctionBody {
    Block(Arc<Vec<Stmt>>),
    Lambda(Arc<Expr>),
}

/// `slice(start, stop, step)` objects.
#[derive(Debug, Clone, PartialEq)]
pub struct SliceObj {
    pub start: Option<i64>,
    pub stop: Option<i64>,
    pub step: Option<i64>,
}

/// A Python dict, insertion ordered, with hashable keys.
#[derive(Debug, Clone, Default)]
pub struct Dict {
    pub entries: Vec<(Value, Value)>,
}

/// Every value the interpreter handles.
#[derive(Debug, Clone)]
pub enum Value {
    None,
    Bool(bool),
    /// Python int (wide enough for `2**64`-sized literals; wider raises OverflowError).
    Int(i128),
    Float(f64),
    Str(Rc<str>),
    List(Rc<RefCell<Vec<Value>>>),
    Tuple(Rc<Vec<Value>>),
    Dict(Rc<RefCell<Dict>>),
    Set(Rc<RefCell<Vec<Value>>>),
    Range(i64, i64, i64),
    Slice(Rc<SliceObj>),
    Ellipsis,
    Array(NdArray),
    Scalar(Scalar),
    DType(DType),
    Type(TypeObj),
    Module(Module),
    Function(Rc<Function>),
    Builtin(&'static Builtin),
    /// A method bound to its receiver: `a.sum`.
    Method(Rc<Value>, &'static Builtin),
    /// An exception instance (from `ValueError("x")`), for `raise`.
    Exception(crate::interp::error::ExcType, Rc<str>),
    /// Opaque objects from library functions (npz files, figures...).
    Opaque(Rc<Opaque>),
}

/// Library objects with their own attributes.
#[derive(Debug)]
pub enum Opaque {
    /// Placeholder for future library objects.
    Marker(&'static str),
    /// `np.finfo(np.float64)` / `np.iinfo(np.int64)`.
    TypeInfo(DType),
    /// `d.keys()`, `d.values()`, `d.items()`: a live view of the dict.
    DictView(DictView, Rc<RefCell<Dict>>),
    /// An open `.npz` archive from `np.load`.
    NpzFile(crate::builtins::io::NpzFile),
}

impl Value {
    pub fn str(s: impl AsRef<str>) -> Value {
        Value::Str(Rc::from(s.as_ref()))
    }
    pub fn tuple(items: Vec<Value>) -> Value {
        Value::Tuple(Rc::new(items))
    }
    pub fn list(items: Vec<Value>) -> Value {
        Value::List(Rc::new(RefCell::new(items)))
    }
    pub fn shape_tuple(shape: &[usize]) -> Value {
        Value::tuple(shape.iter().map(|&n| Value::Int(n as i128)).collect())
    }

    /// The Python class of this value.
    pub fn type_obj(&self) -> TypeObj {
        match self {
            Value::None => TypeObj::NoneType,
            Value::Bool(_) => TypeObj::Bool,
            Value::Int(_) => TypeObj::Int,
            Value::Float(_) => TypeObj::Float,
            Value::Str(_) => TypeObj::Str,
            Value::List(_) => TypeObj::List,
            Value::Tuple(_) => TypeObj::Tuple,
            Value::Dict(_) => TypeObj::Dict,
            Value::Set(_) => TypeObj::Set,
            Value::Range(..) => TypeObj::Range,
            Value::Slice(_) => TypeObj::Slice,
            Value::Ellipsis => TypeObj::Ellipsis,
            Value::Array(_) => TypeObj::NdArray,
            Value::Scalar(Scalar::Float(_)) => TypeObj::NpFloat64,
            Value::Scalar(Scalar::Int(_)) => TypeObj::NpInt64,
            Value::Scalar(Scalar::Bool(_)) => TypeObj::NpBool,
            Value::DType(d) => TypeObj::DTypeClass(*d),
            Value::Type(_) => TypeObj::Type,
            Value::Module(_) => TypeObj::Module,
            Value::Function(_) => TypeObj::Function,
            Value::Builtin(_) | Value::Method(..) => TypeObj::BuiltinFunction,
            Value::Exception(e, _) => TypeObj::Exception(*e),
            Value::Opaque(o) => match &**o {
                Opaque::DictView(v, _) => TypeObj::DictView(*v),
                _ => TypeObj::Type,
            },
        }
    }

    /// The dict view this value is, if it is one.
    pub fn dict_view(&self) -> Option<(DictView, &Rc<RefCell<Dict>>)> {
        match self {
            Value::Opaque(o) => match &**o {
                Opaque::DictView(v, d) => Some((*v, d)),
                _ => None,
            },
            _ => None,
        }
    }

    /// A view of `d` (`d.keys()` and its kin).
    pub fn new_dict_view(view: DictView, d: &Rc<RefCell<Dict>>) -> Value {
        Value::Opaque(Rc::new(Opaque::DictView(view, Rc::clone(d))))
    }

    /// The type name Python uses in error messages: `'int'`, `'numpy.ndarray'`.
    pub fn type_name(&self) -> String {
        self.type_obj().short_name()
    }

    pub fn is_none(&self) -> bool {
        matches!(self, Value::None)
    }
}

#[cfg(test)]
mod tests {
    use super::{Key, Names, Value};

    /// `Key` finds exactly the names `==` would, at every length around
    /// its 8-byte steps, and hashes as the `String` keys do.
    #[test]
    fn key_matches_string_equality() {
        let words = ["", "a", "b", "ab", "ba", "abcdefg", "abcdefh", "abcdefgh", "abcdefgi", "abcdefghi", "abcdefghj"];
        let long = ["x_1234567890abcdef", "x_1234567890abcdeg", "π", "πa", "aπ"];
        let all: Vec<&str> = words.iter().chain(long.iter()).copied().collect();
        let mut names = Names::default();
        for (i, w) in all.iter().enumerate() {
            names.insert(w.to_string(), Value::Int(i as i128));
        }
        for (i, w) in all.iter().enumerate() {
            assert!(matches!(names.get(&Key(w)), Some(Value::Int(j)) if *j == i as i128), "{w:?}");
            for other in &all {
                assert_eq!(
                    hashbrown::Equivalent::equivalent(&Key(w), &other.to_string()),
                    w == other,
                    "{w:?} {other:?}"
                );
            }
        }
        assert!(names.get(&Key("abcdefghk")).is_none());
    }
}
