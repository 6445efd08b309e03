//! Help pages for `np.dot?` and `help(np.dot)`: the signature and
//! description from the builtin table, then the shape rule and a few short
//! examples that are run live (in a fresh session) with their outputs.

use crate::builtins::{Builtin, Owner};
use crate::interp::eval::Interp;
use crate::interp::warnings::{self, Event};
use crate::interp::Session;
use crate::syntax::parser;
use crate::value::{Module, Value};

/// The name a builtin is called by: `np.dot`, `a.sum`, `np.random.rand`, `len`.
pub fn qualified_name(b: &Builtin) -> &'static str {
    b.signature.split('(').next().unwrap_or(b.name).trim()
}

const UNARY: &[&str] = &[
    "negative",
    "positive",
    "abs",
    "absolute",
    "fabs",
    "sign",
    "sqrt",
    "cbrt",
    "square",
    "reciprocal",
    "exp",
    "exp2",
    "expm1",
    "log",
    "log2",
    "log10",
    "log1p",
    "sin",
    "cos",
    "tan",
    "arcsin",
    "arccos",
    "arctan",
    "sinh",
    "cosh",
    "tanh",
    "floor",
    "ceil",
    "trunc",
    "rint",
    "isnan",
    "isinf",
    "isfinite",
    "signbit",
    "logical_not",
    "invert",
];

const BINARY: &[&str] = &[
    "add",
    "subtract",
    "multiply",
    "divide",
    "true_divide",
    "floor_divide",
    "mod",
    "remainder",
    "power",
    "arctan2",
    "hypot",
    "maximum",
    "minimum",
    "fmax",
    "fmin",
    "equal",
    "not_equal",
    "less",
    "less_equal",
    "greater",
    "greater_equal",
    "logical_and",
    "logical_or",
    "logical_xor",
    "bitwise_and",
    "bitwise_or",
    "bitwise_xor",
];

const REDUCTIONS: &[&str] = &["sum", "prod", "mean", "std", "var", "max", "min", "amax", "amin", "all", "any"];

const UNARY_RULE: &str = "elementwise: the result has the shape of x; a Python or NumPy scalar gives a NumPy scalar.";
const BINARY_RULE: &str =
    "broadcasting: shapes are aligned from the right and each pair of lengths must be equal or 1, \
so (2, 1) with (3,) gives (2, 3); a length-1 axis is stretched, a missing one is added in front.";
const REDUCE_RULE: &str =
    "axis=None reduces everything to a scalar; axis=k removes axis k, so (2, 3) with axis=0 gives \
(3,); keepdims=True keeps it with length 1: (1, 3).";
const ARG_RULE: &str = "axis=None gives an index into the flattened array (a scalar); axis=k removes axis k.";
const CUM_RULE: &str = "axis=None flattens first: (2, 3) gives (6,); axis=k keeps the shape.";

/// The shape rule for a builtin, when there is one to state.
pub fn shape_rule(b: &Builtin) -> Option<&'static str> {
    let numpy = matches!(b.owner, Owner::Module(Module::Numpy) | Owner::ArrayMethod);
    if !numpy {
        return match qualified_name(b) {
            "np.linalg.norm" => Some("axis=None gives a scalar; axis=k removes axis k (keepdims=True keeps it as 1)."),
            "np.random.rand" | "np.random.randn" => Some("the arguments are the shape: rand(2, 3) has shape (2, 3)."),
            "np.random.random" | "np.random.random_sample" | "np.random.standard_normal" => {
                Some("size is the shape: size=(2, 3) gives shape (2, 3); no size gives a Python float.")
            }
            "np.random.uniform" | "np.random.normal" | "np.random.randint" | "np.random.choice" => {
                Some("size is the shape of the result; without size, a single value.")
            }
            "len" => Some("for an array, the length of the first axis: len of a (4, 3) array is 4."),
            _ => None,
        };
    }
    let name = b.name;
    if UNARY.contains(&name) {
        return Some(UNARY_RULE);
    }
    if BINARY.contains(&name) {
        return Some(BINARY_RULE);
    }
    if REDUCTIONS.contains(&name) || name == "count_nonzero" {
        return Some(REDUCE_RULE);
    }
    Some(match name {
        "argmax" | "argmin" => ARG_RULE,
        "cumsum" | "cumprod" => CUM_RULE,
        "dot" => "1-D·1-D → scalar; (m, k)·(k, n) → (m, n); (m, k)·(k,) → (m,); the inner lengths k must match.",
        "matmul" => "(m, k) @ (k, n) → (m, n); a 1-D operand is treated as a row (left) or column (right) and that \
axis is dropped; leading axes broadcast: (b, m, k) @ (k, n) → (b, m, n).",
        "inner" => "contracts the last axes: (m, k) and (n, k) → (m, n); 1-D and 1-D → scalar.",
        "outer" => "(m,) and (n,) → (m, n); inputs are flattened first.",
        "vdot" => "both inputs are flattened; their sizes must match; the result is a scalar.",
        "trace" => "(n, n) → scalar: the sum of the diagonal.",
        "diagonal" => "(m, n) → (min(m, n),).",
        "diag" => "1-D (n,) → 2-D (n, n) with it on the diagonal; 2-D → its diagonal, 1-D.",
        "transpose" => "reverses the axes: (2, 3) → (3, 2); (3,) stays (3,) (a 1-D array has nothing to transpose).",
        "swapaxes" => "exchanges two axes: (2, 3, 4) with 0, 2 → (4, 3, 2).",
        "moveaxis" => "moves one axis: (2, 3, 4) moving 0 to -1 → (3, 4, 2).",
        "reshape" => "same number of elements in a new shape; one length may be -1 (inferred): (6,) → (2, 3) or (-1, 1) → (6, 1).",
        "ravel" | "flatten" => "any shape → 1-D of size a.size: (2, 3) → (6,).",
        "squeeze" => "removes length-1 axes: (1, 3, 1) → (3,).",
        "expand_dims" => "inserts a length-1 axis at position axis: (3,) with axis=0 → (1, 3), axis=1 → (3, 1).",
        "concatenate" => "joins along an existing axis: (2, 3) and (4, 3) with axis=0 → (6, 3); other lengths must match.",
        "stack" => "joins along a new axis: two (3,) arrays → (2, 3) (axis=0) or (3, 2) (axis=1); shapes must be equal.",
        "vstack" => "rows on top of each other: (3,) and (3,) → (2, 3); (2, 3) and (1, 3) → (3, 3).",
        "hstack" => "side by side: (2, 1) and (2, 3) → (2, 4); 1-D arrays are concatenated.",
        "atleast_2d" => "(n,) → (1, n); a scalar → (1, 1); 2-D and more unchanged.",
        "broadcast_to" => "a read-only view with the target shape, by the broadcasting rule: (3,) → (2, 3).",
        "where" => "condition, x and y broadcast together; with only a condition, like nonzero.",
        "nonzero" => "a tuple with one index array per axis, each of length count_nonzero(a).",
        "sort" | "argsort" => "same shape as a; sorts along axis (the last by default).",
        "unique" => "always 1-D and sorted.",
        "isclose" => BINARY_RULE,
        "allclose" | "array_equal" => "a single bool: shapes broadcast (allclose) or must be equal (array_equal).",
        "zeros" | "ones" | "full" | "eye" | "identity" => "the shape argument is the result's shape: (2, 3) → 2 rows, 3 columns.",
        "zeros_like" | "ones_like" | "full_like" | "copy" => "the result has the shape of a.",
        "array" | "asarray" => "nested lists give one axis per level of nesting: [[1, 2, 3]] → (1, 3).",
        "arange" => "1-D of length ceil((stop - start) / step).",
        "linspace" => "1-D of length num.",
        "tril" | "triu" | "clip" | "round" | "around" | "astype" => "the result has the shape of a.",
        "repeat" => "axis=None flattens: (2, 2) repeated 2 → (8,); with axis=k, axis k is multiplied.",
        "tile" => "reps multiplies each axis: (2, 3) tiled (2, 1) → (4, 3).",
        "shape" | "ndim" | "size" => "describes a; does not change it.",
        "item" => "an array of size 1 (any shape, e.g. (1, 1)) → a Python scalar.",
        "tolist" => "nested Python lists, one level per axis.",
        _ => return None,
    })
}

/// Hand-written examples, by qualified name.
const EXAMPLES: &[(&str, &[&str])] = &[
    ("np.array", &["np.array([1, 2, 3])", "np.array([[1.0, 2.0], [3.0, 4.0]])", "np.array([[0.5]])"]),
    ("np.asarray", &["np.asarray([1, 2, 3])", "np.asarray([[1], [2]], dtype=float)"]),
    ("np.zeros", &["np.zeros(3)", "np.zeros((2, 3))"]),
    ("np.ones", &["np.ones((2, 2))", "np.ones(3, dtype=int)"]),
    ("np.full", &["np.full((2, 2), 7)", "np.full(3, 0.5)"]),
    ("np.zeros_like", &["np.zeros_like(np.ones((2, 3)))"]),
    ("np.ones_like", &["np.ones_like(np.arange(3))"]),
    ("np.full_like", &["np.full_like(np.zeros((2, 2)), 9.0)"]),
    ("np.eye", &["np.eye(2)", "np.eye(2, 3, k=1)"]),
    ("np.identity", &["np.identity(3)"]),
    ("np.arange", &["np.arange(5)", "np.arange(1, 2, 0.25)"]),
    ("np.linspace", &["np.linspace(0, 1, 5)", "np.linspace(0, 1, 4, endpoint=False)"]),
    ("np.diag", &["np.diag(np.array([1, 2]))", "np.diag(np.arange(9).reshape(3, 3))"]),
    ("np.round", &["np.round(np.array([0.5, 1.5, 2.675]), 2)", "np.round(np.array([0.5, 1.5, 2.5]))"]),
    ("np.around", &["np.around(np.array([1.234, 5.678]), 1)"]),
    ("np.clip", &["np.clip(np.arange(6), 1, 4)"]),
    ("np.argmax", &["np.argmax(np.array([[1, 9], [7, 3]]))", "np.argmax(np.array([[1, 9], [7, 3]]), axis=0)"]),
    ("np.argmin", &["np.argmin(np.array([[1, 9], [7, 3]]))", "np.argmin(np.array([[1, 9], [7, 3]]), axis=1)"]),
    ("np.cumsum", &["np.cumsum(np.arange(1, 5))", "np.cumsum(np.arange(6).reshape(2, 3), axis=1)"]),
    ("np.cumprod", &["np.cumprod(np.arange(1, 5))", "np.cumprod(np.ones((2, 2)) * 2, axis=0)"]),
    ("np.count_nonzero", &["np.count_nonzero(np.array([0, 1, 2, 0]))", "np.count_nonzero(np.eye(3), axis=0)"]),
    (
        "np.dot",
        &[
            "np.dot(np.array([1, 2, 3]), np.array([4, 5, 6]))",
            "np.dot(np.ones((2, 3)), np.ones((3, 4))).shape",
            "np.dot(np.ones((1, 3)), np.ones((3, 1)))",
        ],
    ),
    (
        "np.matmul",
        &["np.matmul(np.ones((2, 3)), np.ones((3, 2)))", "np.matmul(np.ones((4, 2, 3)), np.ones((3, 5))).shape"],
    ),
    ("np.inner", &["np.inner(np.array([1, 2]), np.array([3, 4]))", "np.inner(np.ones((2, 3)), np.ones((4, 3))).shape"]),
    ("np.outer", &["np.outer(np.array([1, 2]), np.array([1, 10, 100]))"]),
    ("np.vdot", &["np.vdot(np.array([[1, 2], [3, 4]]), np.array([[1, 1], [1, 1]]))"]),
    ("np.trace", &["np.trace(np.arange(9).reshape(3, 3))"]),
    ("np.diagonal", &["np.diagonal(np.arange(6).reshape(2, 3))"]),
    ("np.transpose", &["np.transpose(np.arange(6).reshape(2, 3))", "np.transpose(np.ones((2, 3, 4))).shape"]),
    ("np.swapaxes", &["np.swapaxes(np.ones((2, 3, 4)), 0, 2).shape"]),
    ("np.moveaxis", &["np.moveaxis(np.ones((2, 3, 4)), 0, -1).shape"]),
    ("np.reshape", &["np.reshape(np.arange(6), (2, 3))", "np.reshape(np.arange(6), (-1, 1)).shape"]),
    ("np.ravel", &["np.ravel(np.arange(6).reshape(2, 3))"]),
    ("np.squeeze", &["np.squeeze(np.ones((1, 3, 1))).shape"]),
    ("np.expand_dims", &["np.expand_dims(np.arange(3), 0).shape", "np.expand_dims(np.arange(3), 1).shape"]),
    (
        "np.concatenate",
        &["np.concatenate([np.zeros((2, 3)), np.ones((1, 3))]).shape", "np.concatenate([np.arange(2), np.arange(3)])"],
    ),
    (
        "np.stack",
        &["np.stack([np.arange(3), np.arange(3)]).shape", "np.stack([np.arange(3), np.arange(3)], axis=1).shape"],
    ),
    ("np.vstack", &["np.vstack([np.arange(3), np.arange(3)])"]),
    ("np.hstack", &["np.hstack([np.zeros((2, 1)), np.ones((2, 2))])"]),
    ("np.atleast_2d", &["np.atleast_2d(np.arange(3))", "np.atleast_2d(5.0)"]),
    ("np.broadcast_to", &["np.broadcast_to(np.arange(3), (2, 3))"]),
    ("np.shape", &["np.shape(np.ones((2, 3)))", "np.shape([[1, 2, 3]])"]),
    ("np.ndim", &["np.ndim(np.ones((2, 3)))"]),
    ("np.size", &["np.size(np.ones((2, 3)))"]),
    ("np.where", &["np.where(np.arange(5) > 2, 1, 0)", "np.where(np.array([[1, 0], [0, 1]]) == 1)"]),
    ("np.nonzero", &["np.nonzero(np.array([0, 3, 0, 5]))"]),
    ("np.sort", &["np.sort(np.array([3, 1, 2]))", "np.sort(np.array([[3, 1], [2, 4]]), axis=0)"]),
    ("np.argsort", &["np.argsort(np.array([3, 1, 2]))"]),
    ("np.unique", &["np.unique(np.array([3, 1, 3, 2, 1]))", "np.unique(np.array([3, 1, 3]), return_counts=True)"]),
    ("np.isclose", &["np.isclose(np.array([1.0, 1.1]), 1.0)", "0.1 + 0.2 == 0.3"]),
    ("np.allclose", &["np.allclose(0.1 + 0.2, 0.3)", "np.allclose(np.ones(3), np.ones((2, 3)))"]),
    (
        "np.array_equal",
        &["np.array_equal(np.arange(3), np.array([0, 1, 2]))", "np.array_equal(np.ones(3), np.ones((1, 3)))"],
    ),
    ("np.linalg.norm", &["np.linalg.norm(np.array([3.0, 4.0]))", "np.linalg.norm(np.ones((2, 3)), axis=1)"]),
    ("np.get_printoptions", &["np.get_printoptions()['precision']"]),
    ("np.copy", &["np.copy(np.arange(3))"]),
    ("np.isscalar", &["np.isscalar(3.0)", "np.isscalar(np.ones(1))"]),
    ("np.tril", &["np.tril(np.ones((3, 3)))"]),
    ("np.triu", &["np.triu(np.ones((3, 3)), k=1)"]),
    ("np.repeat", &["np.repeat(np.array([1, 2]), 2)", "np.repeat(np.array([[1, 2]]), 2, axis=0)"]),
    ("np.tile", &["np.tile(np.array([1, 2]), 2)", "np.tile(np.array([[1, 2]]), (2, 1))"]),
    ("a.reshape", &["np.arange(6).reshape(2, 3)", "np.arange(6).reshape(-1, 1).shape"]),
    ("a.transpose", &["np.arange(6).reshape(2, 3).transpose()"]),
    ("a.swapaxes", &["np.ones((2, 3, 4)).swapaxes(0, 1).shape"]),
    ("a.squeeze", &["np.ones((1, 3)).squeeze()"]),
    ("a.flatten", &["np.arange(4).reshape(2, 2).flatten()"]),
    ("a.ravel", &["np.arange(4).reshape(2, 2).ravel()"]),
    ("a.copy", &["np.arange(3).copy()"]),
    ("a.astype", &["np.array([1.7, -1.7]).astype(int)", "np.arange(3).astype(float)"]),
    ("a.item", &["np.array([[0.5]]).item()", "np.arange(6).reshape(2, 3).item(1, 2)"]),
    ("a.tolist", &["np.arange(4).reshape(2, 2).tolist()"]),
    ("a.fill", &["a = np.zeros(3); a.fill(7); a"]),
    ("a.dot", &["np.ones((2, 3)).dot(np.ones(3))"]),
    ("a.clip", &["np.arange(5).clip(1, 3)"]),
    ("a.round", &["np.array([1.25, 2.5]).round(1)"]),
    ("a.nonzero", &["np.array([0, 2, 0, 4]).nonzero()"]),
    ("a.sort", &["a = np.array([3, 1, 2]); a.sort(); a"]),
    ("a.argsort", &["np.array([3, 1, 2]).argsort()"]),
    ("a.diagonal", &["np.arange(4).reshape(2, 2).diagonal()"]),
    ("a.trace", &["np.arange(4).reshape(2, 2).trace()"]),
    ("a.argmax", &["np.array([[1, 9], [7, 3]]).argmax()", "np.array([[1, 9], [7, 3]]).argmax(axis=1)"]),
    ("a.argmin", &["np.array([[1, 9], [7, 3]]).argmin(axis=0)"]),
    ("a.cumsum", &["np.arange(4).cumsum()"]),
    ("a.cumprod", &["np.arange(1, 5).cumprod()"]),
    ("np.random.seed", &["np.random.seed(0); np.random.rand()"]),
    ("np.random.rand", &["np.random.seed(0); np.random.rand(2, 3)", "np.random.rand(4, 1).shape"]),
    ("np.random.randn", &["np.random.seed(0); np.random.randn(3)", "np.random.randn(2, 3).shape"]),
    ("np.random.random", &["np.random.seed(0); np.random.random((2, 2))"]),
    ("np.random.random_sample", &["np.random.seed(0); np.random.random_sample(3)"]),
    ("np.random.uniform", &["np.random.seed(0); np.random.uniform(-1, 1, size=3)"]),
    ("np.random.normal", &["np.random.seed(0); np.random.normal(10, 2, size=(2, 2))"]),
    ("np.random.standard_normal", &["np.random.seed(0); np.random.standard_normal(3)"]),
    (
        "np.random.randint",
        &["np.random.seed(0); np.random.randint(0, 10, size=5)", "np.random.randint(5, size=(2, 2)).shape"],
    ),
    ("np.random.choice", &["np.random.seed(0); np.random.choice(5, size=3, replace=False)"]),
    ("np.random.permutation", &["np.random.seed(0); np.random.permutation(5)"]),
    ("np.random.shuffle", &["np.random.seed(0); a = np.arange(5); np.random.shuffle(a); a"]),
    ("len", &["len([1, 2, 3])", "len(np.ones((4, 3)))"]),
    ("range", &["list(range(5))", "list(range(2, 10, 3))"]),
    ("abs", &["abs(-2.5)", "abs(np.array([-1, 2]))"]),
    ("round", &["round(2.675, 2)", "round(0.5)"]),
    ("min", &["min(3, 1, 2)", "min([4, 5, 6])"]),
    ("max", &["max(3, 1, 2)"]),
    ("sum", &["sum([1, 2, 3])", "sum(np.ones((2, 3)))"]),
    ("zip", &["list(zip([1, 2], 'ab'))"]),
    ("enumerate", &["list(enumerate('ab'))"]),
    ("sorted", &["sorted([3, 1, 2], reverse=True)"]),
    ("isinstance", &["isinstance(np.float64(1.0), float)"]),
    ("repr", &["repr(np.float64(0.5))"]),
    ("divmod", &["divmod(7, 2)"]),
    ("pow", &["pow(2, 10)"]),
];

/// The examples shown for a builtin (possibly none).
pub fn examples(b: &Builtin) -> Vec<String> {
    let q = qualified_name(b);
    if let Some((_, ex)) = EXAMPLES.iter().find(|(n, _)| *n == q) {
        return ex.iter().map(|s| s.to_string()).collect();
    }
    let method = b.owner == Owner::ArrayMethod;
    let numpy = b.owner == Owner::Module(Module::Numpy);
    let name = b.name;
    if numpy && UNARY.contains(&name) {
        let x = match name {
            "invert" => "np.array([0, 1, 2])",
            "logical_not" | "isnan" | "isinf" | "isfinite" | "signbit" => "np.array([-1.0, 0.0, np.nan, np.inf])",
            _ => "np.array([0.25, 0.5, 1.0])",
        };
        let ones = if name == "invert" { "np.ones((2, 3), dtype=int)" } else { "np.ones((2, 3))" };
        return vec![format!("{q}({x})"), format!("{q}({ones}).shape")];
    }
    if numpy && BINARY.contains(&name) {
        let (a, b) = if name.starts_with("bitwise") {
            ("np.array([[1], [2]])", "np.array([1, 2, 3])")
        } else {
            ("np.array([[1.0], [2.0]])", "np.array([1.0, 2.0, 4.0])")
        };
        return vec![format!("{q}({a}, {b})")];
    }
    if (numpy || method) && REDUCTIONS.contains(&name) {
        let keepdims = b.signature.contains("keepdims");
        let (first, axis) = if method {
            (format!("np.arange(6).reshape(2, 3).{name}()"), format!("np.arange(6).reshape(2, 3).{name}(axis=0)"))
        } else {
            (format!("{q}(np.arange(6).reshape(2, 3))"), format!("{q}(np.arange(6).reshape(2, 3), axis=0)"))
        };
        let mut out = vec![first, axis];
        if keepdims {
            out.push(if method {
                format!("np.arange(6).reshape(2, 3).{name}(axis=1, keepdims=True).shape")
            } else {
                format!("{q}(np.arange(6).reshape(2, 3), axis=1, keepdims=True).shape")
            });
        }
        return out;
    }
    Vec::new()
}

/// Run one example in a fresh session; its displayed value as IPython
/// shows it, plus the dtype and shape of an array result.
pub fn run_example(src: &str) -> Result<String, String> {
    let mut session = Session::new();
    let cell = parser::parse_cell(src).map_err(|e| e.message)?;
    let value = {
        let mut interp = Interp::new(&mut session, src);
        interp.run_cell(&cell).map_err(|e| format!("{}: {}", e.exc.name(), e.message))?
    };
    let mut out = String::new();
    for e in warnings::drain() {
        match e {
            Event::Stdout(s) => out.push_str(&s),
            Event::Warning(w) => out.push_str(&format!("{}: {}\n", w.category, w.message)),
        }
    }
    if let Some(v) = value {
        out.push_str(&crate::display::pretty(&v, &session.print_options));
        if let Value::Array(a) = &v {
            out.push_str(&format!("\n→ {} {}", a.dtype().name(), crate::ops::broadcast::shape_repr(&a.shape())));
        }
    }
    Ok(out.trim_end().to_string())
}

/// The shape rule and live examples that follow the description.
pub fn extra(b: &Builtin) -> String {
    let mut out = String::new();
    if let Some(rule) = shape_rule(b) {
        out.push_str(&format!("\nShape rule: {rule}\n"));
    }
    let examples = examples(b);
    if examples.is_empty() {
        return out;
    }
    // The examples run inside the user's cell: keep its pending output
    // apart from theirs, and a Ctrl-C meant for the cell pending.
    let pending = warnings::drain();
    out.push_str("\nExamples:\n");
    for src in &examples {
        out.push_str(&format!(">>> {src}\n"));
        match run_example(src) {
            Ok(text) if text.is_empty() => {}
            Ok(text) => {
                out.push_str(&text);
                out.push('\n');
            }
            Err(e) => out.push_str(&format!("{e}\n")),
        }
    }
    warnings::drain();
    for e in pending {
        match e {
            Event::Stdout(s) => warnings::stdout(s),
            Event::Warning(w) => warnings::warn_at(w.category, w.message, w.location),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_has_help_text() {
        for b in crate::builtins::table() {
            assert!(!b.signature.trim().is_empty(), "{} has no signature", b.name);
            assert!(!b.doc.trim().is_empty(), "{} has no description", qualified_name(b));
            let text = crate::display::help_text(&Value::Builtin(b), &Default::default());
            assert!(text.contains(b.signature), "help for {} lacks its signature", qualified_name(b));
        }
    }

    #[test]
    fn every_example_runs() {
        let mut failures = Vec::new();
        let mut count = 0;
        for b in crate::builtins::table() {
            for src in examples(b) {
                count += 1;
                if let Err(e) = run_example(&src) {
                    failures.push(format!("{}: {src}: {e}", qualified_name(b)));
                }
            }
        }
        assert!(count > 150, "only {count} examples");
        assert!(failures.is_empty(), "examples that fail:\n{}", failures.join("\n"));
    }

    #[test]
    fn examples_name_real_builtins() {
        let names: Vec<&str> = crate::builtins::table().map(qualified_name).collect();
        for (q, _) in EXAMPLES {
            assert!(names.contains(q), "{q} has examples but is not a builtin");
        }
    }

    #[test]
    fn dot_help_shows_rule_and_outputs() {
        let b = crate::builtins::lookup(Owner::Module(Module::Numpy), "dot").unwrap();
        let text = extra(b);
        assert!(text.contains("Shape rule: 1-D·1-D → scalar"), "{text}");
        assert!(text.contains(">>> np.dot(np.array([1, 2, 3]), np.array([4, 5, 6]))\nnp.int64(32)"), "{text}");
        assert!(text.contains("array([[3.]])\n→ float64 (1, 1)"), "{text}");
    }
}
