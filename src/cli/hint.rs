//! The hint after the cursor: the dtype and shape the expression typed so
//! far would have (`  → float64 (1, 1)`), or the signature of the function
//! being called.
//!
//! Evaluating while the user types must be cheap and must not change
//! anything. So only pure expressions are evaluated (names, literals,
//! attributes, operators, subscripts and calls to a list of pure NumPy and
//! Python functions; no user functions, no `np.random`, no methods that
//! mutate), on a fresh session holding a copy of the namespace (arrays are
//! shared handles, and nothing pure writes to them), with arrays above a
//! million elements left alone, allocations capped, matrix products
//! costed before they run, and a watchdog that interrupts anything slower
//! than a fraction of a second.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Once;
use std::time::{Duration, Instant};

use npr::builtins::{Builtin, Owner};
use npr::interp::error::{ExcType, PyErr};
use npr::interp::eval::{Args, Interp};
use npr::interp::{interrupt, pyops, warnings, Session};
use npr::syntax::ast::{Arg, BinOp, CmpOp, Expr, ExprKind, IndexItem, StmtKind, UnaryOp};
use npr::syntax::parser;
use npr::value::{Module, SliceObj, Value};

/// Arrays (and lists) larger than this are not evaluated on.
pub const MAX_ELEMENTS: usize = 1_000_000;
/// Memory cap while evaluating a hint.
const HINT_MEMORY: u64 = 32 << 20;
/// Multiply-adds a matrix product may cost.
const MAX_FLOPS: usize = 20_000_000;
/// The watchdog interrupts an evaluation that takes longer than this.
const TIME_LIMIT: Duration = Duration::from_millis(150);

/// NumPy functions that compute a new value from their arguments and
/// nothing else.
const PURE_NUMPY: &[&str] = &[
    "array",
    "asarray",
    "zeros",
    "ones",
    "full",
    "zeros_like",
    "ones_like",
    "full_like",
    "eye",
    "identity",
    "arange",
    "linspace",
    "diag",
    "add",
    "subtract",
    "multiply",
    "divide",
    "true_divide",
    "floor_divide",
    "mod",
    "remainder",
    "power",
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
    "arctan2",
    "hypot",
    "sinh",
    "cosh",
    "tanh",
    "floor",
    "ceil",
    "trunc",
    "rint",
    "round",
    "around",
    "clip",
    "maximum",
    "minimum",
    "fmax",
    "fmin",
    "isnan",
    "isinf",
    "isfinite",
    "signbit",
    "equal",
    "not_equal",
    "less",
    "less_equal",
    "greater",
    "greater_equal",
    "logical_and",
    "logical_or",
    "logical_xor",
    "logical_not",
    "bitwise_and",
    "bitwise_or",
    "bitwise_xor",
    "invert",
    "sum",
    "prod",
    "mean",
    "std",
    "var",
    "max",
    "min",
    "amax",
    "amin",
    "argmax",
    "argmin",
    "all",
    "any",
    "cumsum",
    "cumprod",
    "count_nonzero",
    "dot",
    "matmul",
    "inner",
    "outer",
    "vdot",
    "trace",
    "diagonal",
    "transpose",
    "swapaxes",
    "moveaxis",
    "reshape",
    "ravel",
    "squeeze",
    "expand_dims",
    "concatenate",
    "stack",
    "vstack",
    "hstack",
    "atleast_2d",
    "broadcast_to",
    "shape",
    "ndim",
    "size",
    "where",
    "nonzero",
    "sort",
    "argsort",
    "unique",
    "isclose",
    "allclose",
    "array_equal",
    "copy",
    "isscalar",
    "tril",
    "triu",
    "repeat",
    "tile",
    "get_printoptions",
];

/// Array methods that do not modify the array (not `sort`, not `fill`).
const PURE_METHODS: &[&str] = &[
    "sum",
    "prod",
    "mean",
    "std",
    "var",
    "max",
    "min",
    "argmax",
    "argmin",
    "all",
    "any",
    "cumsum",
    "cumprod",
    "reshape",
    "transpose",
    "swapaxes",
    "squeeze",
    "flatten",
    "ravel",
    "copy",
    "astype",
    "item",
    "tolist",
    "dot",
    "clip",
    "round",
    "nonzero",
    "argsort",
    "diagonal",
    "trace",
];

/// Python builtins that are pure.
const PURE_PYTHON: &[&str] = &[
    "len",
    "abs",
    "round",
    "min",
    "max",
    "sum",
    "any",
    "all",
    "isinstance",
    "repr",
    "divmod",
    "pow",
    "sorted",
    "range",
    "zip",
    "enumerate",
    "reversed",
    "chr",
    "ord",
    "hex",
    "bin",
    "oct",
];

/// Functions whose cost is a matrix product.
const PRODUCTS: &[&str] = &["dot", "matmul", "inner", "vdot", "outer"];

/// Why there is no value: not something to evaluate, or it raised.
pub enum Skip {
    NotPure,
    Error(PyErr),
}

impl From<PyErr> for Skip {
    fn from(e: PyErr) -> Skip {
        Skip::Error(e)
    }
}

/// Is this a pure builtin the hint may call?
fn pure_builtin(b: &Builtin, receiver_is_array: bool) -> bool {
    match b.owner {
        Owner::Module(Module::Numpy) => PURE_NUMPY.contains(&b.name),
        Owner::Module(Module::Linalg) => b.name == "norm",
        Owner::Module(Module::Math) => true,
        Owner::ArrayMethod => receiver_is_array && PURE_METHODS.contains(&b.name),
        Owner::Python => PURE_PYTHON.contains(&b.name),
        Owner::ObjectMethod => {
            matches!(b.name, "index" | "count" | "copy" | "keys" | "values" | "items" | "get" | "join" | "upper")
                || matches!(b.name, "lower" | "strip" | "split" | "replace" | "startswith" | "endswith" | "format")
        }
        _ => false,
    }
}

/// Does the expression use any name (a literal alone is not worth a hint)?
fn mentions_name(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Name(_) => true,
        ExprKind::Attribute { value, .. } => mentions_name(value),
        ExprKind::Call { .. } => true,
        ExprKind::Subscript { value, .. } => mentions_name(value),
        ExprKind::BinOp { left, right, .. } => mentions_name(left) || mentions_name(right),
        ExprKind::Unary { operand, .. } => mentions_name(operand),
        ExprKind::Compare { left, ops } => mentions_name(left) || ops.iter().any(|(_, _, r)| mentions_name(r)),
        ExprKind::List(items) | ExprKind::Tuple(items) => items.iter().any(mentions_name),
        _ => false,
    }
}

fn too_big(v: &Value) -> bool {
    match v {
        Value::Array(a) => a.size() > MAX_ELEMENTS,
        Value::List(l) => l.borrow().len() > MAX_ELEMENTS,
        Value::Str(s) => s.len() > MAX_ELEMENTS,
        Value::Method(recv, _) => too_big(recv),
        _ => false,
    }
}

fn shape_of(v: &Value) -> Option<Vec<usize>> {
    match v {
        Value::Array(a) => Some(a.shape()),
        Value::Scalar(_) | Value::Int(_) | Value::Float(_) | Value::Bool(_) => Some(Vec::new()),
        Value::List(_) | Value::Tuple(_) => None,
        _ => None,
    }
}

/// Multiply-adds of a product of operands with these shapes (an estimate).
fn product_cost(a: &[usize], b: &[usize]) -> usize {
    let sa: usize = a.iter().product::<usize>().max(1);
    let sb: usize = b.iter().product::<usize>().max(1);
    let k = a.last().copied().unwrap_or(1).max(1);
    // (…, m, k) · (k, n): every element of a meets n elements of b.
    sa.saturating_mul(sb / k.min(sb.max(1)).max(1))
}

/// Evaluates pure expressions bottom-up, checking sizes and costs before
/// each operation.
struct Evaluator<'i, 's> {
    interp: &'i mut Interp<'s>,
}

impl Evaluator<'_, '_> {
    fn eval(&mut self, e: &Expr) -> Result<Value, Skip> {
        let v = self.eval_inner(e)?;
        if too_big(&v) {
            return Err(Skip::NotPure);
        }
        Ok(v)
    }

    fn eval_inner(&mut self, e: &Expr) -> Result<Value, Skip> {
        Ok(match &e.kind {
            ExprKind::Int(_)
            | ExprKind::Float(_)
            | ExprKind::Str(_)
            | ExprKind::Bool(_)
            | ExprKind::None
            | ExprKind::Ellipsis => self.interp.eval(e)?,
            ExprKind::Name(n) => self.interp.lookup(n)?,
            ExprKind::List(items) => Value::list(self.eval_all(items)?),
            ExprKind::Tuple(items) => Value::tuple(self.eval_all(items)?),
            ExprKind::Attribute { value, attr, .. } => {
                let v = self.eval(value)?;
                npr::builtins::attrs::get_attr(&v, attr)?
            }
            ExprKind::BinOp { op, left, right, .. } => {
                let l = self.eval(left)?;
                let r = self.eval(right)?;
                if *op == BinOp::MatMul {
                    if let (Some(a), Some(b)) = (shape_of(&l), shape_of(&r)) {
                        if product_cost(&a, &b) > MAX_FLOPS {
                            return Err(Skip::NotPure);
                        }
                    }
                }
                pyops::binary(*op, &l, &r)?
            }
            ExprKind::Unary { op, operand } => {
                let v = self.eval(operand)?;
                match op {
                    UnaryOp::Not => Value::Bool(!pyops::truthy(&v)?),
                    _ => pyops::unary(*op, &v)?,
                }
            }
            ExprKind::Compare { left, ops } if ops.len() == 1 => {
                let l = self.eval(left)?;
                let (op, _, right) = &ops[0];
                let r = self.eval(right)?;
                if matches!(op, CmpOp::In | CmpOp::NotIn) && too_big(&r) {
                    return Err(Skip::NotPure);
                }
                pyops::compare(*op, &l, &r)?
            }
            ExprKind::Subscript { value, items, tuple } => {
                let v = self.eval(value)?;
                let mut idx = Vec::with_capacity(items.len());
                for item in items {
                    idx.push(match item {
                        IndexItem::Expr(x) => self.eval(x)?,
                        IndexItem::Slice { lower, upper, step, .. } => {
                            let mut bound = |p: &Option<Expr>| -> Result<Option<i64>, Skip> {
                                match p {
                                    None => Ok(None),
                                    Some(x) => {
                                        let b = self.eval(x)?;
                                        Ok(pyops::slice_bound(&b)?)
                                    }
                                }
                            };
                            let (start, stop, step) = (bound(lower)?, bound(upper)?, bound(step)?);
                            Value::Slice(std::rc::Rc::new(SliceObj { start, stop, step }))
                        }
                    });
                }
                let index = if *tuple || idx.len() != 1 { Value::tuple(idx) } else { idx.remove(0) };
                pyops::get_item(&v, &index)?
            }
            ExprKind::Call { func, args } => self.call(func, args)?,
            _ => return Err(Skip::NotPure),
        })
    }

    fn eval_all(&mut self, items: &[Expr]) -> Result<Vec<Value>, Skip> {
        items.iter().map(|x| self.eval(x)).collect()
    }

    fn call(&mut self, func: &Expr, args: &[Arg]) -> Result<Value, Skip> {
        if !matches!(func.kind, ExprKind::Name(_) | ExprKind::Attribute { .. }) {
            return Err(Skip::NotPure);
        }
        let f = self.eval(func)?;
        let name = match &f {
            Value::Builtin(b) if pure_builtin(b, false) => b.name,
            Value::Method(recv, b) if pure_builtin(b, matches!(**recv, Value::Array(_) | Value::Scalar(_))) => b.name,
            Value::Method(recv, b) if b.owner == Owner::ObjectMethod && pure_builtin(b, false) => {
                let _ = recv;
                b.name
            }
            Value::Type(_) => "",
            _ => return Err(Skip::NotPure),
        };
        let mut a = Args::default();
        for arg in args {
            match arg {
                Arg::Positional(x) => a.positional.push(self.eval(x)?),
                Arg::Keyword { name, value, .. } => {
                    let v = self.eval(value)?;
                    a.keywords.push((name.clone(), v));
                }
                _ => return Err(Skip::NotPure),
            }
        }
        if PRODUCTS.contains(&name) {
            let mut shapes: Vec<Vec<usize>> = Vec::new();
            if let Value::Method(recv, _) = &f {
                shapes.extend(shape_of(recv));
            }
            shapes.extend(a.positional.iter().filter_map(shape_of));
            if let [x, y, ..] = shapes.as_slice() {
                if product_cost(x, y) > MAX_FLOPS {
                    return Err(Skip::NotPure);
                }
            }
        }
        Ok(self.interp.call_value(&f, a)?)
    }
}

/// Restores the memory cap and stops the watchdog, even on a panic.
struct Guard {
    cap: u64,
}

impl Drop for Guard {
    fn drop(&mut self) {
        DEADLINE.store(0, Ordering::SeqCst);
        npr::value::alloc::set_memory_cap(self.cap);
        interrupt::clear();
        warnings::drain();
    }
}

/// Milliseconds since [`epoch`] after which the watchdog interrupts (0: none).
static DEADLINE: AtomicU64 = AtomicU64::new(0);

fn epoch() -> Instant {
    static START: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
    *START.get_or_init(Instant::now)
}

fn now_ms() -> u64 {
    epoch().elapsed().as_millis() as u64 + 1
}

fn start_watchdog() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let _ = epoch();
        let _ = std::thread::Builder::new().name("npr-hint-watchdog".into()).spawn(|| loop {
            std::thread::sleep(Duration::from_millis(10));
            let d = DEADLINE.load(Ordering::SeqCst);
            if d != 0 && now_ms() > d && DEADLINE.compare_exchange(d, 0, Ordering::SeqCst, Ordering::SeqCst).is_ok() {
                interrupt::request();
            }
        });
    });
}

/// Evaluate a pure expression on a copy of the session's namespace.
/// `Ok(None)` when it is not pure or too large to evaluate.
pub fn evaluate(session: &Session, expr: &Expr, src: &str) -> Result<Option<Value>, PyErr> {
    let mut scratch = Session::new();
    scratch.globals = session.globals.clone();
    scratch.print_options = session.print_options.clone();
    start_watchdog();
    let _guard = Guard { cap: npr::value::alloc::memory_cap() };
    npr::value::alloc::set_memory_cap(HINT_MEMORY.min(npr::value::alloc::memory_cap()));
    warnings::drain();
    interrupt::clear();
    DEADLINE.store(now_ms() + TIME_LIMIT.as_millis() as u64, Ordering::SeqCst);
    let mut interp = Interp::new(&mut scratch, src);
    let mut ev = Evaluator { interp: &mut interp };
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| ev.eval(expr)));
    match result {
        Ok(Ok(v)) => Ok(Some(v)),
        Ok(Err(Skip::NotPure)) | Err(_) => Ok(None),
        Ok(Err(Skip::Error(e))) => Err(e),
    }
}

/// Evaluate source text if it is a pure expression (for completion after `x.`).
pub fn evaluate_source(session: &Session, src: &str) -> Option<Value> {
    let expr = parser::parse_expr(src).ok()?;
    evaluate(session, &expr, src).ok().flatten()
}

/// How a value is described after the arrow.
pub fn describe(v: &Value, session: &Session) -> Option<String> {
    let short = |s: String| (s.chars().count() <= 40 && !s.contains('\n')).then_some(s);
    Some(match v {
        Value::Array(a) => format!("{} {}", a.dtype().name(), npr::ops::broadcast::shape_repr(&a.shape())),
        Value::Scalar(s) => short(npr::display::repr_value(v, &session.print_options))
            .unwrap_or_else(|| format!("np.{} scalar", s.dtype().name())),
        Value::Int(_) | Value::Float(_) | Value::Bool(_) | Value::None | Value::Str(_) | Value::Tuple(_) => {
            short(npr::display::repr_value(v, &session.print_options)).unwrap_or_else(|| v.type_name())
        }
        Value::List(l) => short(npr::display::repr_value(v, &session.print_options))
            .unwrap_or_else(|| format!("list of {}", l.borrow().len())),
        Value::Dict(d) => format!("dict of {}", d.borrow().entries.len()),
        Value::Builtin(b) | Value::Method(_, b) => b.signature.to_string(),
        Value::DType(d) => format!("dtype('{}')", d.name()),
        Value::Function(f) => format!("function {}", f.name),
        _ => return None,
    })
}

/// The hint for a whole input line (`None`: show nothing).
pub fn hint_for_line(session: &Session, line: &str) -> Option<String> {
    let text = line.trim();
    if text.is_empty() || text.starts_with('%') || text.starts_with('#') || text.ends_with('?') || text.len() > 500 {
        return None;
    }
    let expr = match parser::parse_expr(text) {
        Ok(e) => e,
        Err(_) => return assignment_hint(session, text).or_else(|| signature_hint(session, text)),
    };
    value_hint(session, &expr, text)
}

fn value_hint(session: &Session, expr: &Expr, src: &str) -> Option<String> {
    if !mentions_name(expr) {
        return None;
    }
    if let ExprKind::Name(n) = &expr.kind {
        if matches!(session.globals.get(n.as_str()), Some(Value::Module(_)) | Some(Value::Type(_))) {
            return None;
        }
    }
    match evaluate(session, expr, src) {
        Ok(Some(v)) => describe(&v, session).map(|d| format!("→ {d}")),
        Ok(None) => None,
        Err(e) if matches!(e.exc, ExcType::ValueError | ExcType::IndexError | ExcType::AxisError) => {
            let msg: String = format!("{}: {}", e.exc.name(), e.message);
            let msg =
                if msg.chars().count() > 70 { format!("{}…", msg.chars().take(69).collect::<String>()) } else { msg };
            Some(format!("→ {msg}"))
        }
        Err(_) => None,
    }
}

/// `x = EXPR`: the hint of EXPR.
fn assignment_hint(session: &Session, text: &str) -> Option<String> {
    let cell = parser::parse_cell(text).ok()?;
    let [stmt] = cell.body.as_slice() else { return None };
    let StmtKind::Assign { targets, value } = &stmt.kind else { return None };
    if targets.len() != 1 {
        return None;
    }
    value_hint(session, value, text)
}

/// Inside an open call of a known function: its signature.
fn signature_hint(session: &Session, text: &str) -> Option<String> {
    let open = innermost_open_paren(text)?;
    let callee = callee_before(&text[..open])?;
    let v = evaluate_source(session, callee)?;
    match v {
        Value::Builtin(b) | Value::Method(_, b) => Some(b.signature.to_string()),
        _ => None,
    }
}

/// Byte offset of the innermost `(` still open at the end of `text`
/// (strings are skipped).
pub fn innermost_open_paren(text: &str) -> Option<usize> {
    let mut stack: Vec<(char, usize)> = Vec::new();
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for (i, c) in text.char_indices() {
        if let Some(q) = quote {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == q {
                quote = None;
            }
            continue;
        }
        match c {
            '\'' | '"' => quote = Some(c),
            '#' => break,
            '(' | '[' | '{' => stack.push((c, i)),
            ')' | ']' | '}' => {
                stack.pop();
            }
            _ => {}
        }
    }
    match stack.last() {
        Some(('(', i)) => Some(*i),
        _ => None,
    }
}

/// The dotted name (or simple expression) that ends `text`: `np.sum`, `a.T.dot`.
pub fn callee_before(text: &str) -> Option<&str> {
    let start = expression_start(text);
    let callee = text[start..].trim();
    (!callee.is_empty() && !callee.starts_with('.')).then_some(callee)
}

/// Where the primary expression ending `text` starts: identifiers, dots
/// and bracketed groups, scanned backwards.
pub fn expression_start(text: &str) -> usize {
    let bytes = text.as_bytes();
    let mut i = text.len();
    while i > 0 {
        let c = bytes[i - 1];
        if c.is_ascii_alphanumeric() || c == b'_' || c == b'.' {
            i -= 1;
        } else if c == b')' || c == b']' {
            let open = if c == b')' { b'(' } else { b'[' };
            let mut depth = 0usize;
            let mut j = i;
            let mut found = None;
            while j > 0 {
                let d = bytes[j - 1];
                if d == c {
                    depth += 1;
                } else if d == open {
                    depth -= 1;
                    if depth == 0 {
                        found = Some(j - 1);
                        break;
                    }
                }
                j -= 1;
            }
            match found {
                Some(p) => i = p,
                None => break,
            }
        } else if !c.is_ascii() {
            // identifiers may be Unicode
            let ch_start = (0..i).rev().find(|&k| text.is_char_boundary(k)).unwrap_or(0);
            if text[ch_start..i].chars().next().is_some_and(|ch| ch.is_alphanumeric()) {
                i = ch_start;
            } else {
                break;
            }
        } else {
            break;
        }
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session_with(src: &str) -> Session {
        let mut s = Session::new();
        for cell in npr::syntax::cells::split_cells(src) {
            let out = s.run_cell(&cell.text);
            assert!(out.error.is_none(), "{}: {:?}", cell.text, out.error);
        }
        s
    }

    #[test]
    fn shapes_of_pure_expressions() {
        let s = session_with("a = np.ones((4, 1))\nb = np.arange(4)");
        assert_eq!(hint_for_line(&s, "a.T @ a").as_deref(), Some("→ float64 (1, 1)"));
        assert_eq!(hint_for_line(&s, "np.dot(a.T, a)").as_deref(), Some("→ float64 (1, 1)"));
        assert_eq!(hint_for_line(&s, "a * b").as_deref(), Some("→ float64 (4, 4)"));
        assert_eq!(hint_for_line(&s, "a.sum(axis=0)").as_deref(), Some("→ float64 (1,)"));
        assert_eq!(hint_for_line(&s, "b.shape").as_deref(), Some("→ (4,)"));
        assert_eq!(hint_for_line(&s, "c = a[:, 0] + 1").as_deref(), Some("→ float64 (4,)"));
        assert_eq!(hint_for_line(&s, "b.sum()").as_deref(), Some("→ np.int64(6)"));
        assert_eq!(hint_for_line(&s, "np.sum(a, ").as_deref(), Some("np.sum(a, axis=None, keepdims=False)"));
        assert!(hint_for_line(&s, "np.dot(a, a)").unwrap().starts_with("→ ValueError: shapes (4,1) and (4,1)"));
    }

    #[test]
    fn nothing_for_impure_or_trivial_input() {
        let s = session_with("a = np.ones(3)\ndef f(x):\n    return x");
        for line in
            ["1 + 2", "np.random.rand(3)", "a.sort()", "a.fill(0)", "f(a)", "print(a)", "%whos", "a?", "x = ", "np"]
        {
            assert_eq!(hint_for_line(&s, line), None, "{line}");
        }
    }

    #[test]
    fn hints_never_change_the_session() {
        let mut s = session_with("a = np.arange(3)\nl = [3, 1, 2]");
        let before = npr::display::repr_value(&s.globals["a"], &s.print_options);
        for line in ["a.sort()", "l.sort()", "l.append(1)", "a.fill(9)", "np.random.seed(1)", "a += 1"] {
            let _ = hint_for_line(&s, line);
        }
        assert_eq!(npr::display::repr_value(&s.globals["a"], &s.print_options), before);
        assert_eq!(npr::display::repr_value(&s.globals["l"], &s.print_options), "[3, 1, 2]");
        assert_eq!(s.execution_count, 3);
        assert!(s.run_cell("a").error.is_none());
    }

    #[test]
    fn large_inputs_are_skipped_and_time_is_bounded() {
        let s = session_with("big = np.zeros(2000000)\nm = np.ones((1000, 1000))");
        assert_eq!(hint_for_line(&s, "big + 1"), None);
        let t = Instant::now();
        assert_eq!(hint_for_line(&s, "m @ m"), None);
        assert_eq!(hint_for_line(&s, "np.dot(m, m)"), None);
        assert_eq!(hint_for_line(&s, "np.zeros((100000, 100000))"), None);
        assert_eq!(hint_for_line(&s, "sum(range(10**12))"), None);
        assert_eq!(hint_for_line(&s, "[0] * 10**12"), None);
        assert!(t.elapsed() < Duration::from_secs(2), "{:?}", t.elapsed());
        // the cap is restored
        assert!(npr::value::alloc::memory_cap() > HINT_MEMORY);
    }

    #[test]
    fn expression_boundaries() {
        assert_eq!(callee_before("x = np.sum"), Some("np.sum"));
        assert_eq!(callee_before("f(a.T.dot"), Some("a.T.dot"));
        assert_eq!(&"y = (a + b).T"[expression_start("y = (a + b).T")..], "(a + b).T");
        assert_eq!(innermost_open_paren("np.sum(a, np.max(b), "), Some(6));
        assert_eq!(innermost_open_paren("np.sum(a)"), None);
        assert_eq!(innermost_open_paren("f('(', "), Some(1));
    }
}
