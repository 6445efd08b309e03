//! The builtin table: every function npr provides, with its signature and a
//! one-line description. Attribute lookup, calls, help and completion all
//! read this one table.

pub mod attrs;
pub mod io;
pub mod math;
pub mod numpy;
pub mod numpy_extra;
pub mod python;
pub mod random;
pub mod removed;

use crate::interp::error::{ExcType, PyErr, PyResult};
use crate::interp::eval::{Args, Interp};
use crate::value::{Module, Value};

/// Who owns a builtin: a module, Python's builtins, or ndarray methods.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Owner {
    Python,
    Module(Module),
    ArrayMethod,
    /// Methods of lists, dicts and strings.
    ObjectMethod,
}

pub type BuiltinFn = fn(&mut Interp, Args) -> PyResult<Value>;

/// One builtin function.
#[derive(Debug)]
pub struct Builtin {
    pub name: &'static str,
    pub owner: Owner,
    /// Signature as the user would call it: `np.sum(a, axis=None, keepdims=False)`.
    pub signature: &'static str,
    /// One-paragraph description, including the shape rule.
    pub doc: &'static str,
    pub func: BuiltinFn,
    /// Whether `func` looks at keyword arguments, and how an unknown one is
    /// worded.
    pub keywords: Keywords,
}

/// How a builtin takes keyword arguments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keywords {
    /// Unknown ones are refused as Python words it: `cumsum() got an
    /// unexpected keyword argument 'foo'` (from `bind`).
    Python,
    /// None at all: [`Interp::call_value`] rejects any with Python's "takes
    /// no keyword arguments" before calling it (ignoring them would be a
    /// wrong answer).
    None,
    /// A method NumPy implements in C, whose argument parser words its
    /// errors differently: `'foo' is an invalid keyword argument for
    /// cumsum()`, `cumsum() takes at most 3 arguments (4 given)` where the
    /// function `np.cumsum` says Python's texts (`bind` words them, see
    /// [`Args::c_parser`]).
    CParser,
}

impl Builtin {
    /// The same builtin, marked as taking no keyword arguments.
    pub const fn no_keywords(self) -> Builtin {
        Builtin { keywords: Keywords::None, ..self }
    }

    /// The same builtin, with the wording of NumPy's C argument parser for
    /// argument errors (see [`Keywords::CParser`]).
    pub const fn c_keywords(self) -> Builtin {
        Builtin { keywords: Keywords::CParser, ..self }
    }

    /// Python's error for keywords given to a builtin that takes none:
    /// `list.append() takes no keyword arguments` for a method (its
    /// receiver's type without `numpy.`: `ndarray.item()`), `map() takes no
    /// keyword arguments` for a function.
    pub fn keywords_error(&self, receiver: Option<&Value>) -> PyErr {
        let owner = receiver.map(|r| format!("{}.", r.type_name().trim_start_matches("numpy."))).unwrap_or_default();
        PyErr::type_err(format!("{owner}{}() takes no keyword arguments", self.name))
    }
}

/// Python's error for keywords a builtin does not know, in the form CPython's
/// argument parser gives for some (`'foo' is an invalid keyword argument for
/// min()`, or `... for this function` when `name` is None).
pub fn invalid_keyword(args: &Args, allowed: &[&str], name: Option<&str>) -> PyResult<()> {
    match unknown_keyword(args, allowed) {
        None => Ok(()),
        Some(k) => {
            let what = name.map_or_else(|| "this function".to_string(), |n| format!("{n}()"));
            Err(invalid_keyword_error(k, &what, allowed))
        }
    }
}

/// `'foo' is an invalid keyword argument for min()` (CPython's and NumPy's C
/// argument parsers), with a hint when `k` looks like a misspelt one of `params`.
pub fn invalid_keyword_error(k: &str, what: &str, params: &[&str]) -> PyErr {
    keyword_hint(PyErr::type_err(format!("'{k}' is an invalid keyword argument for {what}")), k, params)
}

/// `cumsum() got an unexpected keyword argument 'foo'` (a function written in
/// Python), with a hint when `k` looks like a misspelt one of `params`.
pub fn unexpected_keyword_error(fname: &str, k: &str, params: &[&str]) -> PyErr {
    keyword_hint(PyErr::type_err(format!("{fname}() got an unexpected keyword argument '{k}'")), k, params)
}

/// The first keyword of `args` not in `allowed`.
fn unknown_keyword<'a>(args: &'a Args, allowed: &[&str]) -> Option<&'a str> {
    args.keywords.iter().map(|(k, _)| k.as_str()).find(|k| !allowed.contains(k))
}

/// NumPy's (and `bind`'s) error for keywords a function with only `*args`
/// does not know: `broadcast_shapes() got an unexpected keyword argument 'foo'`.
pub fn unexpected_keyword(args: &Args, allowed: &[&str], name: &str) -> PyResult<()> {
    match unknown_keyword(args, allowed) {
        None => Ok(()),
        Some(k) => Err(unexpected_keyword_error(name, k, allowed)),
    }
}

/// `did you mean 'keepdims'?` under an error for keyword `k`, when one of
/// the keywords the function takes is a likely misspelling of it. Names of
/// one or two letters are not guessed at (`x=1` is not a misspelt `a`).
pub fn keyword_hint(err: PyErr, k: &str, params: &[&str]) -> PyErr {
    if k.chars().count() < 3 {
        return err;
    }
    match closest_name(k, params.iter().copied()) {
        Some(p) => err.with_hint(format!("did you mean '{p}'?")),
        None => err,
    }
}

/// All builtins.
pub fn table() -> impl Iterator<Item = &'static Builtin> {
    python::BUILTINS
        .iter()
        .chain(numpy::FUNCTIONS.iter())
        .chain(numpy::METHODS.iter())
        .chain(numpy::PRINT_FUNCTIONS.iter())
        .chain(numpy::MORE_FUNCTIONS.iter())
        .chain(numpy_extra::MORE.iter())
        .chain(numpy_extra::TYPES.iter())
        .chain(numpy_extra::FUNCTIONS.iter())
        .chain(random::FUNCTIONS.iter())
        .chain(python::OBJECT_METHODS.iter())
        .chain(io::FUNCTIONS.iter())
        .chain(crate::plot::FUNCTIONS.iter())
        .chain(math::FUNCTIONS.iter())
}

/// Find a builtin by owner and name (the first entry of [`table`] wins).
pub fn lookup(owner: Owner, name: &str) -> Option<&'static Builtin> {
    type Index = std::collections::HashMap<(Owner, &'static str), &'static Builtin, BuildFnv>;
    static INDEX: std::sync::OnceLock<Index> = std::sync::OnceLock::new();
    let index = INDEX.get_or_init(|| {
        let mut m = Index::default();
        for b in table() {
            m.entry((b.owner, b.name)).or_insert(b);
        }
        m
    });
    index.get(&(owner, name)).copied()
}

/// FNV-1a, for maps keyed by short names (the builtin index, the session's
/// globals): SipHash's set-up costs more than such a lookup, and no key
/// comes from an adversary.
#[derive(Default)]
pub struct Fnv(u64);

impl std::hash::Hasher for Fnv {
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 { 0xcbf2_9ce4_8422_2325 } else { self.0 };
        for &b in bytes {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

pub type BuildFnv = std::hash::BuildHasherDefault<Fnv>;

/// A Python builtin (`print`, `len`...) or class (`int`, `float`...) by name.
pub fn python_builtin(name: &str) -> Option<Value> {
    if let Some(t) = python::builtin_type(name) {
        return Some(Value::Type(t));
    }
    lookup(Owner::Python, name).map(Value::Builtin)
}

/// Names of Python builtins, for suggestions and completion.
pub fn python_builtin_names() -> Vec<&'static str> {
    let mut v: Vec<&'static str> = python::BUILTINS.iter().map(|b| b.name).collect();
    v.extend(python::TYPE_NAMES.iter().copied());
    v
}

/// The closest name by edit distance (for "did you mean" hints).
pub fn closest_name<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> Option<String> {
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        if c == name || c.starts_with('_') {
            continue;
        }
        let d = edit_distance(&name.to_lowercase(), &c.to_lowercase());
        let limit = (name.len() / 3).max(1);
        if d <= limit && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c.to_string())
}

fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut cur = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// Parameters a builtin accepts by name but npr does not implement: given
/// anything but their default, they are an error, never a silently
/// different answer. `bind` applies this to `out=` and `where=` (no builtin
/// implements them); builtins call it for a `dtype=` they cannot apply.
/// `None`, and `where=True`, are the defaults.
pub fn not_supported(s: &[Option<Value>], params: &[&str], names: &[&str], fname: &str) -> PyResult<()> {
    for (slot, p) in s.iter().zip(params) {
        let default = match slot {
            None | Some(Value::None) => true,
            Some(v) => {
                *p == "where" && matches!(v, Value::Bool(true) | Value::Scalar(crate::value::Scalar::Bool(true)))
            }
        };
        if default || !names.contains(p) {
            continue;
        }
        let hint = match *p {
            "out" => "assign the result instead: `b[...] = ...` writes into an existing array b",
            "where" => {
                "select first (a[mask].sum()) or compute everywhere and pick with np.where(mask, result, fallback)"
            }
            _ => "convert the input first, e.g. x.astype(float)",
        };
        return Err(PyErr::new(
            ExcType::NotImplementedError,
            format!("npr does not support {}(..., {p}=...)", fname.trim_start_matches('_')),
        )
        .with_hint(hint));
    }
    Ok(())
}

/// One slot per parameter of a builtin, inline for up to eight (nearly
/// every builtin): binding `np.sum(a)`'s arguments allocates nothing.
pub type Slots = smallvec::SmallVec<[Option<Value>; 8]>;

/// Bind call arguments to parameter names. `required` leading parameters
/// must be given. Returns one slot per parameter.
pub fn bind(fname: &str, args: Args, params: &[&str], required: usize) -> PyResult<Slots> {
    let c = args.c_parser;
    let mut slots: Slots = smallvec::smallvec![None; params.len()];
    if args.positional.len() > params.len() {
        let given = args.positional.len();
        return Err(PyErr::type_err(if c {
            // The receiver is not counted.
            format!("{fname}() takes at most {} arguments ({} given)", params.len().saturating_sub(1), given - 1)
        } else {
            format!(
                "{fname}() takes {} positional argument{} but {given} {} given",
                if required == params.len() {
                    params.len().to_string()
                } else {
                    format!("from {required} to {}", params.len())
                },
                if params.len() == 1 { "" } else { "s" },
                if given == 1 { "was" } else { "were" }
            )
        }));
    }
    for (slot, v) in slots.iter_mut().zip(args.positional) {
        *slot = Some(v);
    }
    for (k, v) in args.keywords {
        // A C method's receiver has no name to give it by.
        match params.iter().position(|p| *p == k).filter(|&i| !c || i > 0) {
            Some(i) => {
                if slots[i].is_some() {
                    return Err(PyErr::type_err(if c {
                        format!("argument for {fname}() given by name ('{k}') and position ({i})")
                    } else {
                        format!("{fname}() got multiple values for argument '{k}'")
                    }));
                }
                slots[i] = Some(v);
            }
            None if c => return Err(invalid_keyword_error(&k, &format!("{fname}()"), params)),
            None => return Err(unexpected_keyword_error(fname, &k, params)),
        }
    }
    not_supported(&slots, params, &["out", "where"], fname)?;
    let missing: Vec<(usize, &str)> =
        params.iter().copied().enumerate().take(required).filter(|(i, _)| slots[*i].is_none()).collect();
    if let (true, Some(&(i, p))) = (c, missing.first()) {
        return Err(PyErr::type_err(format!("{fname}() missing required argument '{p}' (pos {i})")));
    }
    if !missing.is_empty() {
        let missing: Vec<String> = missing.iter().map(|(_, p)| format!("'{p}'")).collect();
        let list = match missing.len() {
            1 => missing[0].clone(),
            2 => format!("{} and {}", missing[0], missing[1]),
            n => format!("{}, and {}", missing[..n - 1].join(", "), missing[n - 1]),
        };
        return Err(PyErr::type_err(format!(
            "{fname}() missing {} required positional argument{}: {list}",
            missing.len(),
            if missing.len() == 1 { "" } else { "s" }
        )));
    }
    Ok(slots)
}

/// Take slot `i` or None.
pub fn opt(slots: &mut [Option<Value>], i: usize) -> Option<Value> {
    slots.get_mut(i).and_then(|s| s.take()).filter(|v| !v.is_none())
}

/// Take a required slot.
pub fn req(slots: &mut [Option<Value>], i: usize) -> Value {
    slots.get_mut(i).and_then(|s| s.take()).unwrap_or(Value::None)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A misspelt keyword gets the closest one the function takes; a short
    /// or unrelated one gets no guess.
    #[test]
    fn keyword_hints() {
        let params = ["a", "axis", "dtype", "out", "keepdims", "initial", "where"];
        let hint = |k: &str| keyword_hint(PyErr::type_err("x"), k, &params).hint.clone();
        assert_eq!(hint("keepdim").as_deref(), Some("did you mean 'keepdims'?"));
        assert_eq!(hint("axes").as_deref(), Some("did you mean 'axis'?"));
        assert_eq!(hint("dtyp").as_deref(), Some("did you mean 'dtype'?"));
        assert_eq!(hint("x"), None);
        assert_eq!(hint("b"), None);
        assert_eq!(hint("foo"), None);
        assert_eq!(hint("keepdimensions"), None);
    }
}
