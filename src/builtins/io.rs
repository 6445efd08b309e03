//! NumPy's file I/O: `.npy` and `.npz` files, interchangeable with NumPy
//! byte for byte (`np.save`, `np.load`, `np.savez`, `np.savez_compressed`),
//! and text files (`np.loadtxt`, `np.savetxt`, `np.genfromtxt`).
//!
//! The `.npy` format is NumPy's NEP 1: a magic string, a version, a header
//! that is the `repr` of a Python dict, padded with spaces to a multiple of
//! 64 bytes and ended by `\n`, then the raw elements. `.npz` files are zip
//! archives of `.npy` members. Every file is written atomically; every bad
//! file is a NumPy-style Python error, never a panic.

use std::cell::Cell;
use std::io::{Read, Write};

use ndarray::{ArrayD, IxDyn};

use super::numpy::dtype_arg;
use super::{bind, opt, req, Builtin, Keywords, Owner};
use crate::display::str_repr;
use crate::interp::error::{ExcType, PyErr, PyResult};
use crate::interp::eval::{Args, Interp};
use crate::interp::pyops::{self, index_int};
use crate::interp::warnings;
use crate::value::alloc::check_alloc;
use crate::value::convert::array_from_value;
use crate::value::{AView, ArrayData, DType, Module, NdArray, Opaque, Value, ViewOp};

const NP: Owner = Owner::Module(Module::Numpy);

const fn f(
    owner: Owner,
    name: &'static str,
    signature: &'static str,
    doc: &'static str,
    func: super::BuiltinFn,
) -> Builtin {
    Builtin { name, owner, signature, doc, func, keywords: Keywords::Python }
}

/// The file functions of `np`.
pub static FUNCTIONS: &[Builtin] = &[
    f(
        NP,
        "save",
        "np.save(file, arr, allow_pickle=True)",
        "Write an array to a .npy file (`.npy` is appended to the name if missing). The file is NumPy's format \
         byte for byte; shape and dtype are kept.",
        np_save,
    ),
    f(
        NP,
        "load",
        "np.load(file, mmap_mode=None, allow_pickle=False, fix_imports=True, encoding='ASCII', *, \
         max_header_size=10000)",
        "Read a .npy file (an array of the saved shape and dtype) or a .npz file (an NpzFile: `.files` lists the \
         names, `f['name']` gives an array).",
        np_load,
    ),
    f(
        NP,
        "savez",
        "np.savez(file, *args, allow_pickle=True, **kwds)",
        "Write several arrays to an uncompressed .npz archive: keywords name them, positional arrays are named \
         arr_0, arr_1, ...",
        np_savez,
    ),
    f(
        NP,
        "savez_compressed",
        "np.savez_compressed(file, *args, allow_pickle=True, **kwds)",
        "Like np.savez, with the members deflate-compressed.",
        np_savez_compressed,
    ),
    f(
        NP,
        "loadtxt",
        "np.loadtxt(fname, dtype=float, comments='#', delimiter=None, converters=None, skiprows=0, usecols=None, \
         unpack=False, ndmin=0, encoding=None, max_rows=None)",
        "Read a text file of numbers (whitespace- or delimiter-separated, e.g. CSV with delimiter=','): one row \
         per line gives shape (rows, columns); a single row or column is squeezed to 1-D.",
        np_loadtxt,
    ),
    f(
        NP,
        "savetxt",
        "np.savetxt(fname, X, fmt='%.18e', delimiter=' ', newline='\\n', header='', footer='', comments='# ', \
         encoding=None)",
        "Write a 1-D or 2-D array to a text file, one row per line, each value formatted with fmt.",
        np_savetxt,
    ),
    f(
        NP,
        "genfromtxt",
        "np.genfromtxt(fname, dtype=float, comments='#', delimiter=None, skip_header=0, skip_footer=0, \
         missing_values=None, filling_values=None, usecols=None, unpack=None, invalid_raise=True, \
         max_rows=None, encoding=None, *, ndmin=0)",
        "Read a text table like np.loadtxt, but missing or invalid values become nan (-1 for ints) instead of \
         errors.",
        np_genfromtxt,
    ),
];

/// Methods of the NpzFile object (found through its attributes only).
static NPZ_METHODS: &[Builtin] = &[
    f(Owner::ObjectMethod, "close", "NpzFile.close()", "Close the archive.", npz_close),
    f(Owner::ObjectMethod, "keys", "NpzFile.keys()", "The names of the arrays in the archive.", npz_keys),
];

// ---------------------------------------------------------------- paths and OS errors

/// A Python `OSError` for `e` on `path`: `[Errno 2] No such file or directory: 'x.npy'`.
pub fn os_error(e: &std::io::Error, path: &str) -> PyErr {
    let exc = match e.kind() {
        std::io::ErrorKind::NotFound => ExcType::FileNotFoundError,
        _ => ExcType::OSError,
    };
    let text = e.to_string();
    let text = match text.find(" (os error ") {
        Some(i) => text[..i].to_string(),
        None => text,
    };
    match e.raw_os_error() {
        Some(code) => PyErr::new(exc, format!("[Errno {code}] {text}: {}", str_repr(path))),
        None => PyErr::new(exc, format!("{text}: {}", str_repr(path))),
    }
}

/// A file name argument (`str`).
fn path_arg(v: &Value) -> PyResult<String> {
    match v {
        Value::Str(s) => Ok(s.to_string()),
        other => Err(PyErr::type_err(format!("expected str, bytes or os.PathLike object, not {}", other.type_name()))),
    }
}

fn read_file(path: &str) -> PyResult<Vec<u8>> {
    std::fs::read(path).map_err(|e| os_error(&e, path))
}

fn write_file(path: &str, bytes: &[u8]) -> PyResult<()> {
    if std::path::Path::new(path).is_dir() {
        return Err(PyErr::new(ExcType::OSError, format!("[Errno 21] Is a directory: {}", str_repr(path))));
    }
    crate::transcript::atomic_write(std::path::Path::new(path), bytes).map_err(|e| os_error(&e, path))
}

fn with_suffix(path: String, suffix: &str) -> String {
    if path.ends_with(suffix) {
        path
    } else {
        path + suffix
    }
}

/// Python's `repr` of a shape tuple: `()`, `(3,)`, `(2, 3)`.
fn shape_repr<T: std::fmt::Display>(shape: &[T]) -> String {
    match shape {
        [one] => format!("({one},)"),
        many => format!("({})", many.iter().map(|d| d.to_string()).collect::<Vec<_>>().join(", ")),
    }
}

// ---------------------------------------------------------------- .npy writing

const MAGIC: &[u8; 6] = b"\x93NUMPY";
const ARRAY_ALIGN: usize = 64;
/// NumPy leaves room for the growing axis to reach this many digits.
const GROWTH_AXIS_MAX_DIGITS: usize = 21;

fn descr(dt: DType) -> &'static str {
    match dt {
        DType::Bool => "|b1",
        DType::Int64 => "<i8",
        DType::Float64 => "<f8",
    }
}

/// The bytes `np.save` writes for `a`: C order when the array is
/// C-contiguous (or neither), Fortran order when it is only F-contiguous.
pub fn npy_bytes(a: &NdArray) -> Vec<u8> {
    let shape = a.shape();
    a.with_view(|v| {
        let fortran = match &v {
            AView::Bool(x) => !x.is_standard_layout() && x.t().is_standard_layout(),
            AView::Int(x) => !x.is_standard_layout() && x.t().is_standard_layout(),
            AView::Float(x) => !x.is_standard_layout() && x.t().is_standard_layout(),
        };
        let mut out = npy_header(v.dtype(), &shape, fortran);
        out.reserve(shape.iter().product::<usize>() * v.dtype().itemsize());
        match &v {
            AView::Bool(x) => {
                let it: Box<dyn Iterator<Item = &bool>> =
                    if fortran { Box::new(x.t().into_iter()) } else { Box::new(x.iter()) };
                out.extend(it.map(|&b| b as u8));
            }
            AView::Int(x) => {
                let it: Box<dyn Iterator<Item = &i64>> =
                    if fortran { Box::new(x.t().into_iter()) } else { Box::new(x.iter()) };
                for e in it {
                    out.extend_from_slice(&e.to_le_bytes());
                }
            }
            AView::Float(x) => {
                let it: Box<dyn Iterator<Item = &f64>> =
                    if fortran { Box::new(x.t().into_iter()) } else { Box::new(x.iter()) };
                for e in it {
                    out.extend_from_slice(&e.to_le_bytes());
                }
            }
        }
        out
    })
}

/// Magic, version, header length and the padded header dict.
fn npy_header(dt: DType, shape: &[usize], fortran: bool) -> Vec<u8> {
    let mut header = format!(
        "{{'descr': '{}', 'fortran_order': {}, 'shape': {}, }}",
        descr(dt),
        if fortran { "True" } else { "False" },
        shape_repr(shape)
    );
    if !shape.is_empty() {
        let growth = if fortran { shape[shape.len() - 1] } else { shape[0] };
        header.push_str(&" ".repeat(GROWTH_AXIS_MAX_DIGITS.saturating_sub(growth.to_string().len())));
    }
    // Version 1.0 has a 2-byte header length; 2.0 (for huge headers) 4 bytes.
    let hlen = header.len() + 1;
    let (version, len_bytes) =
        if (8 + 2 + hlen).div_ceil(ARRAY_ALIGN) * ARRAY_ALIGN < 65536 { (1u8, 2) } else { (2u8, 4) };
    let padlen = ARRAY_ALIGN - ((MAGIC.len() + 2 + len_bytes + hlen) % ARRAY_ALIGN);
    let total = hlen + padlen;
    let mut out = Vec::with_capacity(MAGIC.len() + 2 + len_bytes + total);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&[version, 0]);
    if len_bytes == 2 {
        out.extend_from_slice(&(total as u16).to_le_bytes());
    } else {
        out.extend_from_slice(&(total as u32).to_le_bytes());
    }
    out.extend_from_slice(header.as_bytes());
    out.extend(std::iter::repeat_n(b' ', padlen));
    out.push(b'\n');
    out
}

// ---------------------------------------------------------------- .npy reading

/// A Python literal, as found in a `.npy` header.
#[derive(Debug, Clone, PartialEq)]
enum Lit {
    Str(String),
    Int(i128),
    Float(f64),
    Bool(bool),
    None,
    Tuple(Vec<Lit>),
    List(Vec<Lit>),
    Dict(Vec<(Lit, Lit)>),
}

impl Lit {
    /// Python's `repr`.
    fn repr(&self) -> String {
        let join = |items: &[Lit]| items.iter().map(Lit::repr).collect::<Vec<_>>().join(", ");
        match self {
            Lit::Str(s) => str_repr(s),
            Lit::Int(i) => i.to_string(),
            Lit::Float(x) => crate::display::repr::py_float_repr(*x),
            Lit::Bool(b) => if *b { "True" } else { "False" }.to_string(),
            Lit::None => "None".to_string(),
            Lit::Tuple(t) if t.len() == 1 => format!("({},)", t[0].repr()),
            Lit::Tuple(t) => format!("({})", join(t)),
            Lit::List(l) => format!("[{}]", join(l)),
            Lit::Dict(d) => {
                format!(
                    "{{{}}}",
                    d.iter().map(|(k, v)| format!("{}: {}", k.repr(), v.repr())).collect::<Vec<_>>().join(", ")
                )
            }
        }
    }
}

/// A small parser for Python literals (`ast.literal_eval` of a header).
struct LitParser<'a> {
    s: &'a [u8],
    i: usize,
}

impl LitParser<'_> {
    fn ws(&mut self) {
        while self.i < self.s.len() && (self.s[self.i] as char).is_whitespace() {
            self.i += 1;
        }
    }
    fn eat(&mut self, c: u8) -> bool {
        self.ws();
        if self.s.get(self.i) == Some(&c) {
            self.i += 1;
            true
        } else {
            false
        }
    }
    fn value(&mut self, depth: usize) -> Option<Lit> {
        if depth > 32 {
            return None;
        }
        self.ws();
        let c = *self.s.get(self.i)?;
        match c {
            b'{' => {
                self.i += 1;
                let mut items = Vec::new();
                loop {
                    if self.eat(b'}') {
                        return Some(Lit::Dict(items));
                    }
                    let k = self.value(depth + 1)?;
                    if !self.eat(b':') {
                        return None;
                    }
                    let v = self.value(depth + 1)?;
                    items.push((k, v));
                    if !self.eat(b',') {
                        return self.eat(b'}').then_some(Lit::Dict(items));
                    }
                }
            }
            b'(' | b'[' => {
                let close = if c == b'(' { b')' } else { b']' };
                self.i += 1;
                let mut items = Vec::new();
                let mut trailing_comma = false;
                loop {
                    if self.eat(close) {
                        break;
                    }
                    items.push(self.value(depth + 1)?);
                    trailing_comma = self.eat(b',');
                    if !trailing_comma {
                        if self.eat(close) {
                            break;
                        }
                        return None;
                    }
                }
                Some(if c == b'[' {
                    Lit::List(items)
                } else if items.len() == 1 && !trailing_comma {
                    items.pop()?
                } else {
                    Lit::Tuple(items)
                })
            }
            b'\'' | b'"' => {
                self.i += 1;
                let mut out = Vec::new();
                while let Some(&d) = self.s.get(self.i) {
                    self.i += 1;
                    if d == c {
                        return Some(Lit::Str(String::from_utf8_lossy(&out).into_owned()));
                    }
                    if d == b'\\' {
                        let e = *self.s.get(self.i)?;
                        self.i += 1;
                        out.push(match e {
                            b'n' => b'\n',
                            b't' => b'\t',
                            other => other,
                        });
                    } else if d == b'\n' {
                        return None;
                    } else {
                        out.push(d);
                    }
                }
                None
            }
            _ => {
                let start = self.i;
                while self.i < self.s.len() && {
                    let d = self.s[self.i];
                    d.is_ascii_alphanumeric() || matches!(d, b'_' | b'.' | b'+' | b'-')
                } {
                    self.i += 1;
                }
                let word = std::str::from_utf8(&self.s[start..self.i]).ok()?;
                match word {
                    "True" => Some(Lit::Bool(true)),
                    "False" => Some(Lit::Bool(false)),
                    "None" => Some(Lit::None),
                    _ => {
                        // Python 2 wrote longs as `3L`.
                        let w = word.strip_suffix('L').unwrap_or(word);
                        if let Ok(i) = w.parse::<i128>() {
                            Some(Lit::Int(i))
                        } else if w.chars().next().is_some_and(|c| c.is_ascii_digit() || c == '-' || c == '.') {
                            w.parse::<f64>().ok().map(Lit::Float)
                        } else {
                            None
                        }
                    }
                }
            }
        }
    }
}

fn parse_literal(text: &str) -> Option<Lit> {
    let mut p = LitParser { s: text.as_bytes(), i: 0 };
    let v = p.value(0)?;
    p.ws();
    (p.i == p.s.len()).then_some(v)
}

/// What a dtype descriptor string means to npr.
enum Descr {
    /// One of npr's dtypes; `true` when stored big-endian.
    Native(DType, bool),
    /// A valid NumPy dtype npr cannot hold, by NumPy's name.
    Unsupported(String),
    Object,
}

fn parse_descr(s: &str) -> Option<Descr> {
    let (big, body) = match s.as_bytes().first() {
        Some(b'>') => (true, &s[1..]),
        Some(b'<' | b'=' | b'|') => (false, &s[1..]),
        _ => (false, s),
    };
    let native = |d| Some(Descr::Native(d, big));
    let unsupported = |name: &str| Some(Descr::Unsupported(name.to_string()));
    match body {
        "f8" | "d" | "float64" | "double" | "float" => native(DType::Float64),
        "i8" | "q" | "l" | "int64" | "long" | "int" => native(DType::Int64),
        "b1" | "?" | "bool" => native(DType::Bool),
        "O" | "O8" | "object" => Some(Descr::Object),
        "f2" | "e" | "float16" => unsupported("float16"),
        "f4" | "f" | "float32" => unsupported("float32"),
        "f16" | "g" | "longdouble" => unsupported("longdouble"),
        "i1" | "b" | "int8" => unsupported("int8"),
        "i2" | "h" | "int16" => unsupported("int16"),
        "i4" | "i" | "int32" => unsupported("int32"),
        "u1" | "B" | "uint8" => unsupported("uint8"),
        "u2" | "H" | "uint16" => unsupported("uint16"),
        "u4" | "I" | "uint32" => unsupported("uint32"),
        "u8" | "Q" | "L" | "uint64" => unsupported("uint64"),
        "c8" | "F" | "complex64" => unsupported("complex64"),
        "c16" | "D" | "complex128" => unsupported("complex128"),
        _ => {
            let kind = body.chars().next()?;
            let rest = &body[kind.len_utf8()..];
            match kind {
                'U' | 'S' | 'a' | 'V' if rest.chars().all(|c| c.is_ascii_digit()) => unsupported(match kind {
                    'U' => "str",
                    'V' => "void",
                    _ => "bytes",
                }),
                'M' | 'm' if rest.starts_with('8') => {
                    unsupported(if kind == 'M' { "datetime64" } else { "timedelta64" })
                }
                _ => None,
            }
        }
    }
}

/// Where `.npy` bytes come from: a file on disk, or a member of an archive
/// (NumPy words a short read differently for each).
#[derive(Clone, Copy, PartialEq)]
enum Source {
    File,
    Member,
}

fn eof(what: &str, expected: usize, got: usize) -> PyErr {
    PyErr::value(format!("EOF: reading {what}, expected {expected} bytes got {got}"))
}

/// Parse `.npy` bytes (starting with the magic string) into an array.
fn parse_npy(bytes: &[u8], name: &str, source: Source, allow_pickle: bool, max_header: usize) -> PyResult<NdArray> {
    if bytes.len() < 8 || &bytes[..6] != MAGIC {
        let got = &bytes[..bytes.len().min(6)];
        return Err(PyErr::value(format!(
            "the magic string is not correct; expected b'\\x93NUMPY', got {}",
            bytes_repr(got)
        )));
    }
    let (major, minor) = (bytes[6], bytes[7]);
    let len_size = match (major, minor) {
        (1, 0) => 2,
        (2, 0) | (3, 0) => 4,
        _ => {
            return Err(PyErr::value(format!(
                "we only support format version (1,0), (2,0), and (3,0), not ({major}, {minor})"
            )))
        }
    };
    let rest = &bytes[8..];
    if rest.len() < len_size {
        return Err(eof("array header length", len_size, rest.len()));
    }
    let hlen = if len_size == 2 {
        u16::from_le_bytes([rest[0], rest[1]]) as usize
    } else {
        u32::from_le_bytes([rest[0], rest[1], rest[2], rest[3]]) as usize
    };
    let rest = &rest[len_size..];
    if rest.len() < hlen {
        return Err(eof("array header", hlen, rest.len()));
    }
    let header: String = if major == 3 {
        String::from_utf8_lossy(&rest[..hlen]).into_owned()
    } else {
        rest[..hlen].iter().map(|&b| b as char).collect()
    };
    let data = &rest[hlen..];
    if header.chars().count() > max_header {
        return Err(PyErr::value(format!(
            "Header info length ({}) is large and may not be safe to load securely.\nTo allow loading, adjust \
             `max_header_size` or fully trust the `.npy` file using `allow_pickle=True`.\nFor safety against large \
             resource use or crashes, sandboxing may be necessary.",
            header.chars().count()
        )));
    }
    let d =
        parse_literal(&header).ok_or_else(|| PyErr::value(format!("Cannot parse header: {}", str_repr(&header))))?;
    let Lit::Dict(entries) = &d else {
        return Err(PyErr::value(format!("Header is not a dictionary: {}", d.repr())));
    };
    let get = |k: &str| entries.iter().rev().find(|(key, _)| *key == Lit::Str(k.into())).map(|(_, v)| v);
    let mut keys: Vec<String> = Vec::new();
    for (k, _) in entries {
        let r = k.repr();
        if !keys.contains(&r) {
            keys.push(r);
        }
    }
    keys.sort_by_key(|k| k.trim_matches('\'').to_string());
    let expected = ["'descr'", "'fortran_order'", "'shape'"];
    if keys.len() != 3 || expected.iter().any(|e| !keys.iter().any(|k| k == e)) {
        return Err(PyErr::value(format!("Header does not contain the correct keys: [{}]", keys.join(", "))));
    }
    let (Some(shape_lit), Some(fo_lit), Some(descr_lit)) = (get("shape"), get("fortran_order"), get("descr")) else {
        return Err(PyErr::value("Header does not contain the correct keys"));
    };
    let shape: Vec<i128> = match shape_lit {
        Lit::Tuple(t) if t.iter().all(|x| matches!(x, Lit::Int(_) | Lit::Bool(_))) => t
            .iter()
            .map(|x| match x {
                Lit::Int(i) => *i,
                Lit::Bool(b) => *b as i128,
                _ => 0,
            })
            .collect(),
        other => return Err(PyErr::value(format!("shape is not valid: {}", other.repr()))),
    };
    let fortran = match fo_lit {
        Lit::Bool(b) => *b,
        other => return Err(PyErr::value(format!("fortran_order is not a valid bool: {}", other.repr()))),
    };
    let invalid_descr = || PyErr::value(format!("descr is not a valid dtype descriptor: {}", descr_lit.repr()));
    let (dt, big) = match descr_lit {
        Lit::Str(s) => match parse_descr(s).ok_or_else(invalid_descr)? {
            Descr::Native(dt, big) => (dt, big),
            Descr::Object => {
                return Err(if allow_pickle {
                    PyErr::new(ExcType::NotImplementedError, "npr cannot unpickle object arrays")
                } else {
                    PyErr::value("Object arrays cannot be loaded when allow_pickle=False")
                })
            }
            Descr::Unsupported(dname) => return Err(unsupported_dtype(name, &dname)),
        },
        Lit::List(_) => {
            return Err(PyErr::new(
                ExcType::NotImplementedError,
                format!("npr supports the dtypes bool, int64 and float64; {} holds a structured array", str_repr(name)),
            ))
        }
        _ => return Err(invalid_descr()),
    };
    let itemsize = dt.itemsize();
    let count: i128 = if shape.is_empty() {
        1
    } else {
        shape.iter().try_fold(1i128, |acc, &d| acc.checked_mul(d)).unwrap_or(i128::MAX)
    };
    let available = data.len() / itemsize;
    let short = || {
        PyErr::value(format!(
            "Failed to read all data for array. Expected {} = {count} elements, could only read {} elements. (file \
             seems not fully written?)",
            shape_repr(&shape),
            if count < 0 { available as i128 } else { count.min(available as i128) }
        ))
    };
    if count < 0 {
        return Err(short());
    }
    if count > available as i128 {
        if source == Source::Member {
            // NumPy reads archive members in chunks of 2**18 bytes.
            let per_chunk = (1usize << 18) / itemsize;
            let chunk = available / per_chunk;
            let start = chunk * per_chunk;
            let want = ((count as usize) - start).min(per_chunk) * itemsize;
            return Err(eof("array data", want, data.len() - start * itemsize));
        }
        return Err(short());
    }
    let too_big =
        || PyErr::value("array is too big; `arr.size * arr.dtype.itemsize` is larger than the maximum possible size.");
    let dims: Vec<usize> = shape.iter().map(|&d| usize::try_from(d).map_err(|_| too_big())).collect::<PyResult<_>>()?;
    check_alloc(&dims, dt)?;
    let n = count as usize;
    let storage_dims: Vec<usize> = if fortran { dims.iter().rev().copied().collect() } else { dims.clone() };
    let word = |k: usize| -> [u8; 8] {
        let mut w = [0u8; 8];
        w.copy_from_slice(&data[k * 8..k * 8 + 8]);
        if big {
            w.reverse();
        }
        w
    };
    let arr = match dt {
        DType::Bool => ArrayData::Bool(
            ArrayD::from_shape_vec(IxDyn(&storage_dims), data[..n].iter().map(|&b| b != 0).collect())
                .map_err(internal)?,
        ),
        DType::Int64 => ArrayData::Int(
            ArrayD::from_shape_vec(IxDyn(&storage_dims), (0..n).map(|k| i64::from_le_bytes(word(k))).collect())
                .map_err(internal)?,
        ),
        DType::Float64 => ArrayData::Float(
            ArrayD::from_shape_vec(IxDyn(&storage_dims), (0..n).map(|k| f64::from_le_bytes(word(k))).collect())
                .map_err(internal)?,
        ),
    };
    let a = NdArray::new(arr);
    if fortran && dims.len() > 1 {
        // NumPy returns a Fortran-ordered array: the transpose of the stored one.
        Ok(a.derive(ViewOp::Permute((0..dims.len()).rev().collect())))
    } else {
        Ok(a)
    }
}

fn internal(e: ndarray::ShapeError) -> PyErr {
    PyErr::value(format!("cannot build the array: {e}"))
}

fn unsupported_dtype(path: &str, dname: &str) -> PyErr {
    let err = PyErr::new(
        ExcType::NotImplementedError,
        format!("npr supports the dtypes bool, int64 and float64; {} holds {dname} data", str_repr(path)),
    );
    let numeric =
        dname.starts_with("float") || dname.starts_with("int") || dname.starts_with("uint") || dname == "longdouble";
    if numeric {
        let to = if dname.starts_with("float") || dname == "longdouble" { "float64" } else { "int64" };
        err.with_hint(format!("convert it in NumPy first: np.save(path, a.astype(np.{to}))"))
    } else {
        err
    }
}

/// Python's `repr` of a bytes object.
fn bytes_repr(b: &[u8]) -> String {
    let mut s = String::from("b'");
    for &c in b {
        match c {
            b'\'' => s.push_str("\\'"),
            b'\\' => s.push_str("\\\\"),
            b'\n' => s.push_str("\\n"),
            b'\r' => s.push_str("\\r"),
            b'\t' => s.push_str("\\t"),
            0x20..=0x7e => s.push(c as char),
            _ => s.push_str(&format!("\\x{c:02x}")),
        }
    }
    s.push('\'');
    s
}

// ---------------------------------------------------------------- .npz archives

/// An open `.npz` archive, as `np.load` returns it. Members are decoded on
/// access, as in NumPy.
pub struct NpzFile {
    /// The name as given to `np.load` (shown by `repr`).
    pub path: String,
    /// Member names in archive order (`a.npy`).
    members: Vec<String>,
    archive: Vec<u8>,
    allow_pickle: bool,
    max_header: usize,
    closed: Cell<bool>,
}

impl std::fmt::Debug for NpzFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.repr())
    }
}

fn bad_zip() -> PyErr {
    PyErr::new(ExcType::BadZipFile, "File is not a zip file")
}

impl NpzFile {
    fn open(path: &str, archive: Vec<u8>, allow_pickle: bool, max_header: usize) -> PyResult<NpzFile> {
        let zip = zip::ZipArchive::new(std::io::Cursor::new(&archive[..])).map_err(|_| bad_zip())?;
        let members: Vec<String> = zip.file_names().map(str::to_string).collect();
        // `file_names` is unordered: put members in archive order.
        let mut indexed: Vec<(usize, String)> =
            members.into_iter().map(|m| (zip.index_for_name(&m).unwrap_or(usize::MAX), m)).collect();
        indexed.sort();
        Ok(NpzFile {
            path: path.to_string(),
            members: indexed.into_iter().map(|(_, m)| m).collect(),
            archive,
            allow_pickle,
            max_header,
            closed: Cell::new(false),
        })
    }

    /// The array names: member names without `.npy`.
    pub fn files(&self) -> Vec<String> {
        self.members.iter().map(|m| m.strip_suffix(".npy").unwrap_or(m).to_string()).collect()
    }

    /// `NpzFile 'x.npz' with keys: a, b` (at most five names, then `...`).
    pub fn repr(&self) -> String {
        let files = self.files();
        let mut names = files.iter().take(5).cloned().collect::<Vec<_>>().join(", ");
        if files.len() > 5 {
            names.push_str("...");
        }
        format!("NpzFile {} with keys: {names}", str_repr(&self.path))
    }

    /// `npz[key]`.
    pub fn get(&self, key: &Value) -> PyResult<Value> {
        if self.closed.get() {
            return Err(PyErr::new(ExcType::AttributeError, "'NoneType' object has no attribute 'open'"));
        }
        let key_text = match key {
            Value::Str(s) => s.to_string(),
            other => crate::display::str_value(other, &Default::default()),
        };
        let member = if self.members.contains(&key_text) {
            Some(key_text.clone())
        } else if self.files().contains(&key_text) {
            Some(format!("{key_text}.npy"))
        } else {
            None
        };
        let member = member.filter(|_| matches!(key, Value::Str(_))).ok_or_else(|| {
            PyErr::new(ExcType::KeyError, str_repr(&format!("{key_text} is not a file in the archive")))
        })?;
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&self.archive[..])).map_err(|_| bad_zip())?;
        let mut bytes = Vec::new();
        {
            let mut file = zip.by_name(&member).map_err(|_| bad_zip())?;
            file.read_to_end(&mut bytes).map_err(|e| PyErr::new(ExcType::BadZipFile, e.to_string()))?;
        }
        if !bytes.starts_with(MAGIC) {
            return Err(PyErr::new(
                ExcType::NotImplementedError,
                format!(
                    "member {} of {} is not a .npy array (npr has no bytes type)",
                    str_repr(&member),
                    str_repr(&self.path)
                ),
            ));
        }
        parse_npy(&bytes, &self.path, Source::Member, self.allow_pickle, self.max_header).map(Value::Array)
    }

    /// Attribute access: `files`, `close`, `keys`.
    pub fn attr(&self, recv: &Value, name: &str) -> Option<Value> {
        match name {
            "files" => Some(Value::list(self.files().into_iter().map(Value::str).collect())),
            "fid" if self.closed.get() => Some(Value::None),
            _ => NPZ_METHODS.iter().find(|b| b.name == name).map(|b| Value::Method(std::rc::Rc::new(recv.clone()), b)),
        }
    }
}

fn npz_of(v: &Value) -> PyResult<&NpzFile> {
    match v {
        Value::Opaque(o) => match &**o {
            Opaque::NpzFile(z) => Ok(z),
            #[allow(unreachable_patterns)]
            _ => Err(PyErr::type_err("expected an NpzFile")),
        },
        _ => Err(PyErr::type_err("expected an NpzFile")),
    }
}

fn npz_close(_: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("close", args, &["self"], 1)?;
    let v = req(&mut s, 0);
    npz_of(&v)?.closed.set(true);
    Ok(Value::None)
}

fn npz_keys(_: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("keys", args, &["self"], 1)?;
    let v = req(&mut s, 0);
    Ok(Value::list(npz_of(&v)?.files().into_iter().map(Value::str).collect()))
}

fn npz_bytes(items: &[(String, NdArray)], compress: bool) -> PyResult<Vec<u8>> {
    let mut zw = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let method = if compress { zip::CompressionMethod::Deflated } else { zip::CompressionMethod::Stored };
    let options =
        zip::write::SimpleFileOptions::default().compression_method(method).large_file(true).unix_permissions(0o600);
    let failed = |e: &dyn std::fmt::Display| PyErr::new(ExcType::OSError, format!("cannot write the archive: {e}"));
    for (name, a) in items {
        zw.start_file(format!("{name}.npy"), options).map_err(|e| failed(&e))?;
        zw.write_all(&npy_bytes(a)).map_err(|e| failed(&e))?;
    }
    let cursor = zw.finish().map_err(|e| failed(&e))?;
    Ok(cursor.into_inner())
}

// ---------------------------------------------------------------- np.save / np.load / np.savez

fn to_array(v: &Value) -> PyResult<NdArray> {
    match v {
        Value::Array(a) => Ok(a.clone()),
        Value::Scalar(_) => Ok(super::numpy::scalar_to_array(v)),
        other => Ok(NdArray::new(array_from_value(other, None)?)),
    }
}

fn np_save(_: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind("save", args, &["file", "arr", "allow_pickle"], 2)?;
    let path = with_suffix(path_arg(&req(&mut s, 0))?, ".npy");
    let a = to_array(&req(&mut s, 1))?;
    write_file(&path, &npy_bytes(&a))?;
    Ok(Value::None)
}

fn np_load(_: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s =
        bind("load", args, &["file", "mmap_mode", "allow_pickle", "fix_imports", "encoding", "max_header_size"], 1)?;
    let path = path_arg(&req(&mut s, 0))?;
    if opt(&mut s, 1).is_some() {
        return Err(PyErr::new(ExcType::NotImplementedError, "npr does not memory-map files: leave out mmap_mode"));
    }
    let allow_pickle = match opt(&mut s, 2) {
        Some(v) => pyops::truthy(&v)?,
        None => false,
    };
    let max_header = match opt(&mut s, 5) {
        Some(v) => index_int(&v).ok_or_else(|| PyErr::type_err("max_header_size must be an integer"))?.max(0) as usize,
        None => 10000,
    };
    let max_header = if allow_pickle { usize::MAX } else { max_header };
    let bytes = read_file(&path)?;
    if bytes.is_empty() {
        return Err(PyErr::new(ExcType::EOFError, "No data left in file"));
    }
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        let z = NpzFile::open(&path, bytes, allow_pickle, max_header)?;
        return Ok(Value::Opaque(std::rc::Rc::new(Opaque::NpzFile(z))));
    }
    if bytes.len() >= 6 && &bytes[..6] == MAGIC {
        return parse_npy(&bytes, &path, Source::File, allow_pickle, max_header).map(Value::Array);
    }
    if allow_pickle {
        return Err(PyErr::new(
            ExcType::NotImplementedError,
            format!("npr cannot unpickle {}: it is neither a .npy nor a .npz file", str_repr(&path)),
        ));
    }
    Err(PyErr::value(
        "This file contains pickled (object) data. If you trust the file you can load it unsafely using the \
         `allow_pickle=` keyword argument or `pickle.load()`.",
    ))
}

fn savez(name: &str, args: Args, compress: bool) -> PyResult<Value> {
    let mut positional = args.positional.into_iter();
    let mut file = positional.next();
    let mut items: Vec<(String, NdArray)> = Vec::new();
    for (k, v) in args.keywords {
        match k.as_str() {
            "file" if file.is_none() => file = Some(v),
            "allow_pickle" => {}
            _ => items.push((k.into_string(), to_array(&v)?)),
        }
    }
    let file =
        file.ok_or_else(|| PyErr::type_err(format!("{name}() missing 1 required positional argument: 'file'")))?;
    for (i, v) in positional.enumerate() {
        let key = format!("arr_{i}");
        if items.iter().any(|(k, _)| *k == key) {
            return Err(PyErr::value(format!("Cannot use un-named variables and keyword {key}")));
        }
        items.push((key, to_array(&v)?));
    }
    let path = with_suffix(path_arg(&file)?, ".npz");
    write_file(&path, &npz_bytes(&items, compress)?)?;
    Ok(Value::None)
}

fn np_savez(_: &mut Interp, args: Args) -> PyResult<Value> {
    savez("savez", args, false)
}

fn np_savez_compressed(_: &mut Interp, args: Args) -> PyResult<Value> {
    savez("savez_compressed", args, true)
}

// ---------------------------------------------------------------- text files: reading

/// The lines of a text source: a file name (`.gz` is decompressed) or a
/// list of strings. `func` names the caller for NumPy's not-found message.
fn text_lines(v: &Value) -> PyResult<(String, Vec<String>)> {
    match v {
        Value::Str(path) => {
            let bytes = std::fs::read(path.as_ref()).map_err(|e| match e.kind() {
                std::io::ErrorKind::NotFound => PyErr::new(ExcType::FileNotFoundError, format!("{path} not found.")),
                _ => os_error(&e, path),
            })?;
            let bytes = if path.ends_with(".gz") {
                let mut out = Vec::new();
                flate2::read::GzDecoder::new(&bytes[..])
                    .read_to_end(&mut out)
                    .map_err(|e| PyErr::new(ExcType::OSError, format!("{path}: {e}")))?;
                out
            } else {
                bytes
            };
            let text = String::from_utf8_lossy(&bytes);
            let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
            Ok((path.to_string(), split_lines(text)))
        }
        Value::List(_) | Value::Tuple(_) => {
            let mut lines = Vec::new();
            for item in pyops::iterate(v)? {
                match item {
                    Value::Str(s) => lines.extend(split_lines(&s)),
                    other => {
                        return Err(PyErr::type_err(format!(
                            "non-string returned while reading data: {}",
                            other.type_name()
                        )))
                    }
                }
            }
            Ok(("<list>".to_string(), lines))
        }
        other => Err(PyErr::type_err(format!(
            "fname must be a string, filehandle, list of strings, or generator. Got {} instead.",
            other.type_name()
        ))),
    }
}

/// Universal newlines: `\n`, `\r\n` and `\r` all end a line.
fn split_lines(text: &str) -> Vec<String> {
    let mut lines: Vec<String> = text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l).to_string()).collect();
    if lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    lines.into_iter().flat_map(|l| l.split('\r').map(str::to_string).collect::<Vec<_>>()).collect()
}

/// `comments=`: None, one string or a sequence of strings.
fn comments_arg(v: Option<Value>, default: &str) -> PyResult<Vec<String>> {
    match v {
        None => Ok(vec![default.to_string()]),
        Some(Value::None) => Ok(Vec::new()),
        Some(Value::Str(s)) => Ok(vec![s.to_string()]),
        Some(other) => pyops::iterate(&other)?
            .into_iter()
            .map(|c| match c {
                Value::Str(s) => Ok(s.to_string()),
                other => Err(PyErr::type_err(format!("comments must be strings, not {}", other.type_name()))),
            })
            .collect(),
    }
}

fn strip_comment<'a>(line: &'a str, comments: &[String]) -> &'a str {
    let cut = comments.iter().filter(|c| !c.is_empty()).filter_map(|c| line.find(c.as_str())).min();
    match cut {
        Some(i) => &line[..i],
        None => line,
    }
}

/// `usecols=`: an int or a sequence of ints.
fn usecols_arg(v: Option<Value>) -> PyResult<Option<Vec<i64>>> {
    let Some(v) = v else { return Ok(None) };
    if let Some(i) = index_int(&v) {
        return Ok(Some(vec![i]));
    }
    let items = pyops::iterate(&v)?;
    items
        .iter()
        .map(|x| {
            index_int(x).ok_or_else(|| {
                PyErr::type_err(format!(
                    "usecols must be an int or a sequence of ints but it contains at least one element of type {}",
                    x.type_name()
                ))
            })
        })
        .collect::<PyResult<Vec<_>>>()
        .map(Some)
}

fn int_arg(v: Option<Value>, name: &str, default: i64) -> PyResult<i64> {
    match v {
        None => Ok(default),
        Some(v) => index_int(&v).ok_or_else(|| {
            PyErr::type_err(format!("'{}' object cannot be interpreted as an integer ({name})", v.type_name()))
        }),
    }
}

/// loadtxt's float parser: C-style, surrounding whitespace allowed.
fn parse_float(s: &str) -> Option<f64> {
    let t = s.trim();
    if t.is_empty() || t.contains('_') {
        return None;
    }
    let lower = t.trim_start_matches(['+', '-']).to_ascii_lowercase();
    if lower.starts_with("0x") {
        return None;
    }
    t.parse::<f64>().ok()
}

/// loadtxt's integer parser: optional sign and decimal digits.
fn parse_int(s: &str) -> Option<i64> {
    let t = s.trim();
    let digits = t.strip_prefix(['+', '-']).unwrap_or(t);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    t.strip_prefix('+').unwrap_or(t).parse::<i64>().ok()
}

/// Python's `float(s)` (genfromtxt): like [`parse_float`], plus `_` between digits.
fn py_float(s: &str) -> Option<f64> {
    parse_float(&remove_digit_underscores(s.trim())?)
}

/// Python's `int(s)` (genfromtxt).
fn py_int(s: &str) -> Option<i64> {
    parse_int(&remove_digit_underscores(s.trim())?)
}

fn remove_digit_underscores(s: &str) -> Option<String> {
    if !s.contains('_') {
        return Some(s.to_string());
    }
    let b = s.as_bytes();
    for (i, &c) in b.iter().enumerate() {
        if c == b'_' && !(i > 0 && b[i - 1].is_ascii_digit() && b.get(i + 1).is_some_and(u8::is_ascii_digit)) {
            return None;
        }
    }
    Some(s.replace('_', ""))
}

/// Build a 2-D array (rows × columns) of `dt` from parsed cells.
fn table_array(cells: Vec<Cell64>, rows: usize, cols: usize, dt: DType) -> PyResult<NdArray> {
    check_alloc(&[rows, cols], dt)?;
    let dim = IxDyn(&[rows, cols]);
    let data = match dt {
        DType::Float64 => {
            ArrayData::Float(ArrayD::from_shape_vec(dim, cells.iter().map(|c| c.as_f64()).collect()).map_err(internal)?)
        }
        DType::Int64 => {
            ArrayData::Int(ArrayD::from_shape_vec(dim, cells.iter().map(|c| c.as_i64()).collect()).map_err(internal)?)
        }
        DType::Bool => ArrayData::Bool(
            ArrayD::from_shape_vec(dim, cells.iter().map(|c| c.as_f64() != 0.0).collect()).map_err(internal)?,
        ),
    };
    Ok(NdArray::new(data))
}

/// One parsed cell of a text table.
#[derive(Clone, Copy)]
enum Cell64 {
    F(f64),
    I(i64),
    B(bool),
}

impl Cell64 {
    fn as_f64(self) -> f64 {
        match self {
            Cell64::F(x) => x,
            Cell64::I(i) => i as f64,
            Cell64::B(b) => b as u8 as f64,
        }
    }
    fn as_i64(self) -> i64 {
        match self {
            Cell64::F(x) => x as i64,
            Cell64::I(i) => i,
            Cell64::B(b) => b as i64,
        }
    }
}

/// NumPy's `_ensure_ndmin_ndarray`: squeeze past `ndmin`, then pad up to it.
fn ensure_ndmin(a: NdArray, ndmin: i64) -> PyResult<NdArray> {
    let shape = a.shape();
    let mut data = a.to_data();
    let mut shape_now = shape.clone();
    if shape.len() as i64 > ndmin {
        shape_now = shape.iter().copied().filter(|&d| d != 1).collect();
    }
    match ndmin {
        1 if shape_now.is_empty() => shape_now = vec![1],
        2 if shape_now.len() < 2 => {
            // atleast_2d(a).T
            shape_now = match shape_now.as_slice() {
                [] => vec![1, 1],
                [n] => vec![*n, 1],
                _ => shape_now,
            };
        }
        _ => {}
    }
    if shape_now != shape {
        data = crate::ops::linalg::reshape_data(data, &shape_now)?;
    }
    Ok(NdArray::new(data))
}

fn transpose(a: NdArray) -> NdArray {
    let nd = a.ndim();
    if nd < 2 {
        return a;
    }
    a.derive(ViewOp::Permute((0..nd).rev().collect()))
}

fn delimiter_arg(v: Option<Value>) -> PyResult<Option<String>> {
    match v {
        None => Ok(None),
        Some(Value::Str(s)) => Ok(Some(s.to_string())),
        Some(other) => Err(PyErr::type_err(format!(
            "Text reading control character must be a single unicode character or None; but got: {}",
            crate::display::repr_plain(&other)
        ))),
    }
}

fn split_fields<'a>(line: &'a str, delimiter: Option<&str>) -> Vec<&'a str> {
    match delimiter {
        None => line.split_whitespace().collect(),
        Some(d) => line.split(d).collect(),
    }
}

fn resolve_col(c: i64, ncols: usize) -> Option<usize> {
    let i = if c < 0 { c + ncols as i64 } else { c };
    (0..ncols as i64).contains(&i).then_some(i as usize)
}

fn np_loadtxt(_: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind(
        "loadtxt",
        args,
        &[
            "fname",
            "dtype",
            "comments",
            "delimiter",
            "converters",
            "skiprows",
            "usecols",
            "unpack",
            "ndmin",
            "encoding",
            "max_rows",
            "quotechar",
            "like",
        ],
        1,
    )?;
    let src = req(&mut s, 0);
    let dt = dtype_arg(opt(&mut s, 1))?.unwrap_or(DType::Float64);
    let comments = comments_arg(s[2].take(), "#")?;
    let delimiter = delimiter_arg(opt(&mut s, 3))?;
    if let Some(d) = &delimiter {
        if d.chars().count() != 1 {
            return Err(PyErr::type_err(format!(
                "Text reading control character must be a single unicode character or None; but got: {}",
                str_repr(d)
            )));
        }
    }
    if opt(&mut s, 4).is_some() {
        return Err(PyErr::new(ExcType::NotImplementedError, "npr's loadtxt does not take converters"));
    }
    let skiprows = int_arg(opt(&mut s, 5), "skiprows", 0)?;
    if skiprows < 0 {
        return Err(PyErr::value("argument must be nonnegative"));
    }
    let usecols = usecols_arg(opt(&mut s, 6))?;
    let unpack = opt(&mut s, 7).map(|v| pyops::truthy(&v)).transpose()?.unwrap_or(false);
    let ndmin = int_arg(opt(&mut s, 8), "ndmin", 0)?;
    if !(0..=2).contains(&ndmin) {
        return Err(PyErr::value(format!("Illegal value of ndmin keyword: {ndmin}")));
    }
    let max_rows = match opt(&mut s, 10) {
        Some(v) => Some(int_arg(Some(v), "max_rows", -1)?).filter(|&m| m >= 0),
        None => None,
    };
    if opt(&mut s, 11).is_some() {
        return Err(PyErr::new(ExcType::NotImplementedError, "npr's loadtxt does not take quotechar"));
    }
    let (name, lines) = text_lines(&src)?;

    let mut cells: Vec<Cell64> = Vec::new();
    let mut ncols: Option<usize> = None;
    let mut row = 0usize;
    for line in lines.iter().skip(skiprows as usize) {
        if max_rows.is_some_and(|m| row as i64 >= m) {
            break;
        }
        let content = strip_comment(line, &comments);
        let fields = split_fields(content, delimiter.as_deref());
        if content.trim().is_empty() || fields.is_empty() {
            continue;
        }
        let picked: Vec<&str> = match &usecols {
            Some(cols) => cols
                .iter()
                .map(|&c| {
                    resolve_col(c, fields.len()).map(|i| fields[i]).ok_or_else(|| {
                        PyErr::value(format!(
                            "invalid column index {c} at row {} with {} columns",
                            row + 1,
                            fields.len()
                        ))
                    })
                })
                .collect::<PyResult<_>>()?,
            None => fields,
        };
        match ncols {
            None => ncols = Some(picked.len()),
            Some(n) if n != picked.len() => {
                return Err(PyErr::value(format!(
                    "the number of columns changed from {n} to {} at row {}; use `usecols` to select a subset and \
                     avoid this error",
                    picked.len(),
                    row + 1
                )))
            }
            _ => {}
        }
        for (col, field) in picked.iter().enumerate() {
            let cell = match dt {
                DType::Float64 => parse_float(field).map(Cell64::F),
                DType::Int64 => parse_int(field).map(Cell64::I),
                DType::Bool => parse_int(field).map(|i| Cell64::B(i != 0)),
            };
            cells.push(cell.ok_or_else(|| {
                PyErr::value(format!(
                    "could not convert string {} to {} at row {row}, column {}.",
                    str_repr(field),
                    dt.name(),
                    col + 1
                ))
            })?);
        }
        row += 1;
    }
    let ncols = ncols.unwrap_or(usecols.as_ref().map(|c| c.len()).unwrap_or(1).max(1));
    if row == 0 {
        warnings::warn("UserWarning", format!("loadtxt: input contained no data: \"{name}\""));
    }
    let a = table_array(cells, row, ncols, dt)?;
    let a = ensure_ndmin(a, ndmin)?;
    Ok(Value::Array(if unpack { transpose(a) } else { a }))
}

fn np_genfromtxt(_: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind(
        "genfromtxt",
        args,
        &[
            "fname",
            "dtype",
            "comments",
            "delimiter",
            "skip_header",
            "skip_footer",
            "converters",
            "missing_values",
            "filling_values",
            "usecols",
            "names",
            "excludelist",
            "deletechars",
            "replace_space",
            "autostrip",
            "case_sensitive",
            "defaultfmt",
            "unpack",
            "usemask",
            "loose",
            "invalid_raise",
            "max_rows",
            "encoding",
            "ndmin",
            "like",
        ],
        1,
    )?;
    let src = req(&mut s, 0);
    // dtype=None asks genfromtxt to infer the type of each column.
    let dtype_given = s[1].take();
    let infer = matches!(dtype_given, Some(Value::None));
    let dt = if infer { None } else { Some(dtype_arg(dtype_given)?.unwrap_or(DType::Float64)) };
    let comments = comments_arg(s[2].take(), "#")?;
    let delimiter = match opt(&mut s, 3) {
        Some(v) if index_int(&v).is_some() || matches!(v, Value::List(_) | Value::Tuple(_)) => {
            return Err(PyErr::new(ExcType::NotImplementedError, "npr's genfromtxt takes a string delimiter"))
        }
        other => delimiter_arg(other)?,
    };
    let skip_header = int_arg(opt(&mut s, 4), "skip_header", 0)?.max(0) as usize;
    let skip_footer = int_arg(opt(&mut s, 5), "skip_footer", 0)?.max(0) as usize;
    if opt(&mut s, 6).is_some() {
        return Err(PyErr::new(ExcType::NotImplementedError, "npr's genfromtxt does not take converters"));
    }
    let mut missing: Vec<String> = vec![String::new()];
    match opt(&mut s, 7) {
        None => {}
        Some(Value::Str(m)) => missing.extend(m.split(',').map(|x| x.trim().to_string())),
        Some(other) => {
            for m in pyops::iterate(&other)? {
                missing.push(crate::display::str_value(&m, &Default::default()).trim().to_string());
            }
        }
    }
    let filling = opt(&mut s, 8);
    let usecols = usecols_arg(opt(&mut s, 9))?;
    match opt(&mut s, 10) {
        None | Some(Value::Bool(false)) => {}
        Some(_) => {
            return Err(PyErr::new(
                ExcType::NotImplementedError,
                "npr has no structured arrays: genfromtxt(names=...) is not supported; use skip_header=1",
            ))
        }
    }
    let unpack = opt(&mut s, 17).map(|v| pyops::truthy(&v)).transpose()?.unwrap_or(false);
    if opt(&mut s, 18).map(|v| pyops::truthy(&v)).transpose()?.unwrap_or(false) {
        return Err(PyErr::new(ExcType::NotImplementedError, "npr has no masked arrays (usemask=True)"));
    }
    let invalid_raise = opt(&mut s, 20).map(|v| pyops::truthy(&v)).transpose()?.unwrap_or(true);
    let max_rows = match opt(&mut s, 21) {
        Some(v) => Some(int_arg(Some(v), "max_rows", 0)?),
        None => None,
    };
    if max_rows.is_some() && skip_footer > 0 {
        return Err(PyErr::value("The keywords 'skip_footer' and 'max_rows' can not be specified at the same time."));
    }
    if let Some(m) = max_rows {
        if m < 1 {
            return Err(PyErr::value("'max_rows' must be at least 1."));
        }
    }
    let ndmin = int_arg(opt(&mut s, 23), "ndmin", 0)?;
    if !(0..=2).contains(&ndmin) {
        return Err(PyErr::value(format!("Illegal value of ndmin keyword: {ndmin}")));
    }
    let (name, lines) = text_lines(&src)?;

    // genfromtxt strips only spaces and line ends, and splits the rest.
    let split = |line: &str| -> Vec<String> {
        let content = strip_comment(line, &comments).trim_matches([' ', '\r', '\n']);
        if content.is_empty() {
            return Vec::new();
        }
        split_fields(content, delimiter.as_deref()).into_iter().map(str::to_string).collect()
    };
    let body = lines.get(skip_header..).unwrap_or(&[]);
    let Some(first) = body.iter().position(|l| !split(l).is_empty()) else {
        warnings::warn("UserWarning", format!("genfromtxt: Empty input file: \"{name}\""));
        let a = table_array(Vec::new(), 0, 1, dt.unwrap_or(DType::Float64))?;
        return Ok(Value::Array(ensure_ndmin(a, ndmin)?));
    };
    let first_fields = split(&body[first]);
    let nbcols = usecols.as_ref().map(|c| c.len()).unwrap_or(first_fields.len());
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut invalid: Vec<(usize, usize)> = Vec::new();
    for (i, line) in body[first..].iter().enumerate() {
        let values = split(line);
        if values.is_empty() {
            continue;
        }
        let picked: Option<Vec<String>> = match &usecols {
            Some(cols) => cols.iter().map(|&c| resolve_col(c, values.len()).map(|k| values[k].clone())).collect(),
            None => (values.len() == nbcols).then(|| values.clone()),
        };
        match picked {
            Some(p) => rows.push(p),
            None => invalid.push((i + skip_header + 1, values.len())),
        }
        if max_rows.is_some_and(|m| rows.len() as i64 >= m) {
            break;
        }
    }
    if skip_footer > 0 {
        let nbrows = (rows.len() + invalid.len()).saturating_sub(skip_footer);
        invalid.retain(|(line, _)| *line <= nbrows + skip_header);
        rows.truncate(rows.len().saturating_sub(skip_footer));
    }
    if !invalid.is_empty() {
        let mut msg = String::from("Some errors were detected !");
        for (line, got) in &invalid {
            msg.push_str(&format!("\n    Line #{line} (got {got} columns instead of {nbcols})"));
        }
        if invalid_raise {
            return Err(PyErr::value(msg));
        }
        warnings::warn("ConversionWarning", msg);
    }
    let is_missing = |v: &str| missing.iter().any(|m| m == v.trim());
    let dt = match dt {
        Some(d) => d,
        None => infer_dtype(&rows, nbcols, &is_missing)?,
    };
    let fills: Vec<Option<Value>> = match &filling {
        None => vec![None; nbcols],
        Some(v @ (Value::List(_) | Value::Tuple(_))) => {
            let mut f: Vec<Option<Value>> = pyops::iterate(v)?.into_iter().map(Some).collect();
            f.resize(nbcols, None);
            f
        }
        Some(v) => vec![Some(v.clone()); nbcols],
    };
    let fill_for = |col: usize| -> PyResult<Cell64> {
        Ok(match (&fills[col], dt) {
            (None, DType::Float64) => Cell64::F(f64::NAN),
            (None, DType::Int64) => Cell64::I(-1),
            (None, DType::Bool) => Cell64::B(false),
            (Some(v), DType::Float64) => Cell64::F(value_f64(v)?),
            (Some(v), DType::Int64) => Cell64::I(value_f64(v)? as i64),
            (Some(v), DType::Bool) => Cell64::B(value_f64(v)? != 0.0),
        })
    };
    let mut cells = Vec::with_capacity(rows.len() * nbcols);
    for row in &rows {
        for (col, v) in row.iter().enumerate() {
            let parsed = if is_missing(v) {
                None
            } else {
                match dt {
                    DType::Float64 => py_float(v).map(Cell64::F),
                    DType::Int64 => py_int(v).map(Cell64::I),
                    DType::Bool => py_bool(v).map(Cell64::B),
                }
            };
            cells.push(match parsed {
                Some(c) => c,
                None => fill_for(col)?,
            });
        }
    }
    let a = table_array(cells, rows.len(), nbcols, dt)?;
    let a = ensure_ndmin(a, ndmin)?;
    Ok(Value::Array(if unpack { transpose(a) } else { a }))
}

fn value_f64(v: &Value) -> PyResult<f64> {
    match v {
        Value::Float(x) => Ok(*x),
        Value::Int(i) => Ok(*i as f64),
        Value::Bool(b) => Ok(*b as u8 as f64),
        Value::Scalar(s) => Ok(s.as_f64()),
        other => Err(PyErr::type_err(format!("filling_values must be numbers, not {}", other.type_name()))),
    }
}

fn py_bool(s: &str) -> Option<bool> {
    match s.trim().to_ascii_uppercase().as_str() {
        "TRUE" => Some(true),
        "FALSE" => Some(false),
        _ => None,
    }
}

/// genfromtxt(dtype=None): one dtype for the whole table, or an error when
/// the columns would need a structured array.
fn infer_dtype(rows: &[Vec<String>], ncols: usize, is_missing: &dyn Fn(&str) -> bool) -> PyResult<DType> {
    let mut kinds: Vec<u8> = Vec::new();
    for col in 0..ncols {
        // 0 bool, 1 int, 2 float, 3 string
        let mut kind = 0u8;
        for row in rows {
            let v = &row[col];
            if is_missing(v) {
                continue;
            }
            let k = if py_bool(v).is_some() {
                0
            } else if py_int(v).is_some() {
                1
            } else if py_float(v).is_some() {
                2
            } else {
                3
            };
            kind = match (kind, k) {
                (0, k) => k,
                (a, 0) if a > 0 => 3,
                (a, b) => a.max(b),
            };
        }
        kinds.push(kind);
    }
    let first = kinds.first().copied().unwrap_or(2);
    if kinds.contains(&3) {
        return Err(PyErr::new(ExcType::NotImplementedError, "npr has no string arrays: this file has text columns"));
    }
    if kinds.iter().any(|&k| k != first) {
        return Err(PyErr::new(
            ExcType::NotImplementedError,
            "npr has no structured arrays: the columns of this file have different types; pass dtype=float",
        ));
    }
    Ok(match first {
        0 => DType::Bool,
        1 => DType::Int64,
        _ => DType::Float64,
    })
}

// ---------------------------------------------------------------- text files: writing

fn np_savetxt(_: &mut Interp, args: Args) -> PyResult<Value> {
    let mut s = bind(
        "savetxt",
        args,
        &["fname", "X", "fmt", "delimiter", "newline", "header", "footer", "comments", "encoding"],
        2,
    )?;
    let path = path_arg(&req(&mut s, 0))?;
    let a = to_array(&req(&mut s, 1))?;
    let str_opt = |v: Option<Value>, name: &str, default: &str| -> PyResult<String> {
        match v {
            None => Ok(default.to_string()),
            Some(Value::Str(s)) => Ok(s.to_string()),
            Some(other) => Err(PyErr::type_err(format!("{name} must be a str, not {}", other.type_name()))),
        }
    };
    let fmt = s[2].take().unwrap_or_else(|| Value::str("%.18e"));
    let delimiter = str_opt(opt(&mut s, 3), "delimiter", " ")?;
    let newline = str_opt(opt(&mut s, 4), "newline", "\n")?;
    let header = str_opt(opt(&mut s, 5), "header", "")?;
    let footer = str_opt(opt(&mut s, 6), "footer", "")?;
    let comments = str_opt(opt(&mut s, 7), "comments", "# ")?;

    let shape = a.shape();
    let (nrows, ncols) = match shape.as_slice() {
        [n] => (*n, 1),
        [r, c] => (*r, *c),
        other => return Err(PyErr::value(format!("Expected 1D or 2D array, got {}D array instead", other.len()))),
    };
    let format = match &fmt {
        Value::List(_) | Value::Tuple(_) => {
            let items = pyops::iterate(&fmt)?;
            if items.len() != ncols {
                return Err(PyErr::new(
                    ExcType::AttributeError,
                    format!("fmt has wrong shape.  {}", crate::display::str_value(&fmt, &Default::default())),
                ));
            }
            items.iter().map(|v| crate::display::str_value(v, &Default::default())).collect::<Vec<_>>().join(&delimiter)
        }
        Value::Str(f) => {
            let n = f.matches('%').count();
            if n == 1 {
                vec![f.to_string(); ncols].join(&delimiter)
            } else if n != ncols {
                return Err(PyErr::value(format!("fmt has wrong number of % formats:  {f}")));
            } else {
                f.to_string()
            }
        }
        other => return Err(PyErr::value(format!("invalid fmt: {}", crate::display::repr_plain(other)))),
    };
    // Elements in logical (C) order, as Python values for `%` formatting.
    let cells: Vec<Value> = a.with_view(|v| match v {
        AView::Float(x) => x.iter().map(|&e| Value::Float(e)).collect(),
        AView::Int(x) => x.iter().map(|&e| Value::Int(e as i128)).collect(),
        AView::Bool(x) => x.iter().map(|&e| Value::Bool(e)).collect(),
    });
    let mut out = String::new();
    if !header.is_empty() {
        out.push_str(&comments);
        out.push_str(&header.replace('\n', &format!("\n{comments}")));
        out.push_str(&newline);
    }
    for r in 0..nrows {
        let row = &cells[r * ncols..(r + 1) * ncols];
        let line = printf(&format, row).map_err(|e| {
            if e.exc == ExcType::TypeError {
                PyErr::type_err(format!(
                    "Mismatch between array dtype ('{}') and format specifier ('{format}')",
                    a.dtype().name()
                ))
            } else {
                e
            }
        })?;
        out.push_str(&line);
        out.push_str(&newline);
    }
    if !footer.is_empty() {
        out.push_str(&comments);
        out.push_str(&footer.replace('\n', &format!("\n{comments}")));
        out.push_str(&newline);
    }
    let bytes = if path.ends_with(".gz") {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        enc.write_all(out.as_bytes()).map_err(|e| os_error(&e, &path))?;
        enc.finish().map_err(|e| os_error(&e, &path))?
    } else {
        out.into_bytes()
    };
    write_file(&path, &bytes)?;
    Ok(Value::None)
}

/// Python's `fmt % row` for one row (integers are formatted exactly).
fn printf(fmt: &str, row: &[Value]) -> PyResult<String> {
    super::python::percent_format(fmt, &Value::tuple(row.to_vec()))
}
