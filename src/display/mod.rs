//! Turning values and cell outcomes into text: Python/NumPy reprs, IPython's
//! pretty printer for containers, and the rendering of errors with their
//! caret, operand shapes and hint. This is the only place errors become text.

pub mod hints;
pub mod options;
pub mod repr;
pub mod table;

use crate::interp::error::PyErr;
use crate::interp::{CellOutcome, Event};
use crate::value::{Scalar, TypeObj, Value};
use options::PrintOptions;

/// How results are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DisplayMode {
    /// Exactly what IPython + NumPy print.
    Repr,
    /// Shape-first tables.
    Table,
    /// Both, table first.
    Both,
}

impl DisplayMode {
    pub fn parse(s: &str) -> Option<DisplayMode> {
        match s {
            "repr" => Some(DisplayMode::Repr),
            "table" => Some(DisplayMode::Table),
            "both" => Some(DisplayMode::Both),
            _ => None,
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            DisplayMode::Repr => "repr",
            DisplayMode::Table => "table",
            DisplayMode::Both => "both",
        }
    }
}

/// Rendering choices for a cell's output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RenderOptions {
    pub display: DisplayMode,
    /// Carets, operand notes and hints around errors.
    pub hints: bool,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions { display: DisplayMode::Repr, hints: true }
    }
}

/// Python's `repr(str)`.
pub fn str_repr(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') { '"' } else { '\'' };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

/// `repr(v)` with default print options (for error messages).
pub fn repr_plain(v: &Value) -> String {
    repr_value(v, &PrintOptions::default())
}

fn scalar_repr(s: &Scalar, opts: &PrintOptions) -> String {
    match s {
        Scalar::Float(x) => repr::scalar_repr_f64(*x, opts),
        Scalar::Int(i) => repr::scalar_repr_i64(*i, opts),
        Scalar::Bool(b) => repr::scalar_repr_bool(*b, opts),
    }
}

fn join_items(items: &[Value], opts: &PrintOptions) -> String {
    items.iter().map(|v| repr_value(v, opts)).collect::<Vec<_>>().join(", ")
}

/// `{k: v, ...}`, each key and value written by `item`.
fn dict_text(d: &crate::value::Dict, item: impl Fn(&Value) -> String) -> String {
    let parts: Vec<String> = d.entries.iter().map(|(k, v)| format!("{}: {}", item(k), item(v))).collect();
    format!("{{{}}}", parts.join(", "))
}

thread_local! {
    /// The lists, dicts and dict views being written, outermost first.
    static WRITING: std::cell::RefCell<Vec<usize>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// The identity of a container that can hold itself (a list, a dict, a
/// dict view), and what stands for it when it does (`[...]`, `{...}`,
/// `...`), as in Python.
fn container_id(v: &Value) -> Option<(usize, &'static str)> {
    match v {
        Value::List(l) => Some((std::rc::Rc::as_ptr(l) as *const () as usize, "[...]")),
        Value::Dict(d) => Some((std::rc::Rc::as_ptr(d) as *const () as usize, "{...}")),
        Value::Opaque(o) if v.dict_view().is_some() => Some((std::rc::Rc::as_ptr(o) as *const () as usize, "...")),
        _ => None,
    }
}

/// `write(v)`, unless `v` is a container already being written further out
/// (it holds itself): then Python's `[...]` / `{...}` instead of recursing
/// without end.
fn write_once(v: &Value, write: impl FnOnce() -> String) -> String {
    let Some((id, cycle)) = container_id(v) else {
        return write();
    };
    if WRITING.with(|w| w.borrow().contains(&id)) {
        return cycle.to_string();
    }
    /// Pops the entry even if `write` unwinds.
    struct Pop;
    impl Drop for Pop {
        fn drop(&mut self) {
            WRITING.with(|w| w.borrow_mut().pop());
        }
    }
    WRITING.with(|w| w.borrow_mut().push(id));
    let _pop = Pop;
    write()
}

/// Python's `repr(v)`.
pub fn repr_value(v: &Value, opts: &PrintOptions) -> String {
    write_once(v, || repr_inner(v, opts))
}

fn repr_inner(v: &Value, opts: &PrintOptions) -> String {
    match v {
        Value::None => "None".into(),
        Value::Bool(b) => if *b { "True" } else { "False" }.into(),
        Value::Int(i) => i.to_string(),
        Value::Float(x) => repr::py_float_repr(*x),
        Value::Str(s) => str_repr(s),
        Value::List(l) => format!("[{}]", join_items(&l.borrow(), opts)),
        Value::Tuple(t) => match t.len() {
            1 => format!("({},)", repr_value(&t[0], opts)),
            _ => format!("({})", join_items(t, opts)),
        },
        Value::Set(s) => {
            let mut items = s.borrow().clone();
            if items.is_empty() {
                return "set()".into();
            }
            // Small ints iterate in value order in CPython sets.
            if items.iter().all(|v| matches!(v, Value::Int(i) if (0..1 << 30).contains(i))) {
                items.sort_by_key(|v| if let Value::Int(i) = v { *i } else { 0 });
            }
            format!("{{{}}}", join_items(&items, opts))
        }
        Value::Dict(d) => dict_text(&d.borrow(), |x| repr_value(x, opts)),
        Value::Range(a, b, c) => {
            if *c == 1 {
                format!("range({a}, {b})")
            } else {
                format!("range({a}, {b}, {c})")
            }
        }
        Value::Slice(s) => {
            let part = |x: Option<i64>| x.map(|v| v.to_string()).unwrap_or_else(|| "None".into());
            format!("slice({}, {}, {})", part(s.start), part(s.stop), part(s.step))
        }
        Value::Ellipsis => "Ellipsis".into(),
        Value::Array(a) => a.with_view(|view| repr::array_repr(&view, opts)),
        Value::Scalar(s) => scalar_repr(s, opts),
        Value::DType(d) => format!("dtype('{}')", d.name()),
        Value::Type(t) => format!("<class '{}'>", t.qualname()),
        Value::Module(m) => format!("<module '{}'>", m.name()),
        Value::Function(f) => format!("<function {}>", f.name),
        Value::Builtin(b) => format!("<function {}>", b.signature.split('(').next().unwrap_or(b.name)),
        Value::Method(recv, b) => format!("<built-in method {} of {} object>", b.name, recv.type_name()),
        // A KeyError's message is already its key's repr.
        Value::Exception(crate::interp::error::ExcType::KeyError, m) => format!("KeyError({m})"),
        Value::Exception(e, m) => format!("{}({})", e.name(), str_repr(m)),
        Value::Opaque(o) => match &**o {
            crate::value::Opaque::NpzFile(z) => z.repr(),
            crate::value::Opaque::TypeInfo(d) => crate::builtins::numpy_extra::type_info_repr(*d),
            crate::value::Opaque::DictView(view, d) => {
                format!("{}({})", view.name(), repr_value(&Value::list(view.items(&d.borrow())), opts))
            }
            other => format!("<{other:?}>"),
        },
    }
}

/// Python's `str(v)` (what `print` shows).
pub fn str_value(v: &Value, opts: &PrintOptions) -> String {
    match v {
        Value::Str(s) => s.to_string(),
        Value::Array(a) => a.with_view(|view| repr::array_str(&view, opts)),
        Value::Scalar(Scalar::Float(x)) => repr::scalar_str_f64(*x, opts),
        Value::Scalar(Scalar::Int(i)) => i.to_string(),
        Value::Scalar(Scalar::Bool(b)) => if *b { "True" } else { "False" }.into(),
        Value::Exception(_, m) => m.to_string(),
        Value::DType(d) => d.name().to_string(),
        other => repr_value(other, opts),
    }
}

const PRETTY_WIDTH: usize = 79;

/// IPython's pretty printer: containers that do not fit in 79 columns are
/// broken one item per line; multi-line items are re-indented.
pub fn pretty(v: &Value, opts: &PrintOptions) -> String {
    pretty_at(v, opts, 0, 0)
}

fn reindent(text: &str, indent: usize) -> String {
    let pad = " ".repeat(indent);
    text.lines().collect::<Vec<_>>().join(&format!("\n{pad}"))
}

/// IPython's one-line pretty form: `repr`, except that classes show as
/// their qualified name (`numpy.float64`), functions with their module
/// and signature, and `%precision` applies to floats, at any depth.
fn pretty_flat(v: &Value, opts: &PrintOptions) -> String {
    write_once(v, || pretty_flat_inner(v, opts))
}

fn pretty_flat_inner(v: &Value, opts: &PrintOptions) -> String {
    let join = |items: &[Value]| items.iter().map(|x| pretty_flat(x, opts)).collect::<Vec<_>>().join(", ");
    match v {
        Value::Float(x) if opts.python_float_precision.is_some() && x.is_finite() => {
            format!("{:.*}", opts.python_float_precision.unwrap_or(0), x)
        }
        Value::Type(t) => t.qualname(),
        Value::Function(f) => format!("<function __main__.{}{}>", f.name, signature(f, opts)),
        Value::List(l) => format!("[{}]", join(&l.borrow())),
        Value::Tuple(t) if t.len() == 1 => format!("({},)", pretty_flat(&t[0], opts)),
        Value::Tuple(t) => format!("({})", join(t)),
        Value::Dict(d) => dict_text(&d.borrow(), |x| pretty_flat(x, opts)),
        _ => repr_inner(v, opts),
    }
}

/// A user function's parameters as `inspect.signature` prints them:
/// `(a, b=2, *args, c=3, **kw)`.
fn signature(f: &crate::value::Function, opts: &PrintOptions) -> String {
    let p = &f.params;
    let with_default = |name: &str, d: Option<&Value>| match d {
        Some(d) => format!("{name}={}", repr_value(d, opts)),
        None => name.to_string(),
    };
    let mut parts: Vec<String> = p
        .positional
        .iter()
        .enumerate()
        .map(|(k, (name, _))| with_default(name, f.defaults.get(k).and_then(Option::as_ref)))
        .collect();
    match &p.star {
        Some(star) => parts.push(format!("*{star}")),
        None if !p.keyword_only.is_empty() => parts.push("*".into()),
        None => {}
    }
    parts.extend(
        p.keyword_only
            .iter()
            .enumerate()
            .map(|(k, (name, _))| with_default(name, f.kw_defaults.get(k).and_then(Option::as_ref))),
    );
    parts.extend(p.double_star.iter().map(|kw| format!("**{kw}")));
    format!("({})", parts.join(", "))
}

fn pretty_at(v: &Value, opts: &PrintOptions, indent: usize, trailing: usize) -> String {
    write_once(v, || pretty_at_inner(v, opts, indent, trailing))
}

fn pretty_at_inner(v: &Value, opts: &PrintOptions, indent: usize, trailing: usize) -> String {
    let flat = pretty_flat_inner(v, opts);
    let (open, close, items): (&str, &str, Vec<PrettyItem>) = match v {
        Value::List(l) => ("[", "]", l.borrow().iter().map(|x| PrettyItem::One(x.clone())).collect()),
        Value::Tuple(t) => {
            ("(", if t.len() == 1 { ",)" } else { ")" }, t.iter().map(|x| PrettyItem::One(x.clone())).collect())
        }
        Value::Dict(d) => {
            ("{", "}", d.borrow().entries.iter().map(|(k, x)| PrettyItem::Pair(k.clone(), x.clone())).collect())
        }
        _ => return reindent(&flat, indent),
    };
    let fits = !flat.contains('\n') && indent + flat.len() + trailing <= PRETTY_WIDTH;
    if fits || items.is_empty() {
        return flat;
    }
    let inner = indent + 1;
    let n = items.len();
    let parts: Vec<String> = items
        .iter()
        .enumerate()
        .map(|(k, item)| {
            let tail = if k + 1 == n { close.len() + trailing } else { 1 };
            match item {
                PrettyItem::One(x) => pretty_at(x, opts, inner, tail),
                PrettyItem::Pair(key, x) => {
                    let ks = pretty_flat(key, opts);
                    let vs = pretty_at(x, opts, inner, tail);
                    format!("{ks}: {vs}")
                }
            }
        })
        .collect();
    format!("{open}{}{close}", parts.join(&format!(",\n{}", " ".repeat(inner))))
}

enum PrettyItem {
    One(Value),
    Pair(Value, Value),
}

/// Help text for `help(x)` and `x?`.
pub fn help_text(v: &Value, _opts: &PrintOptions) -> String {
    match v {
        Value::Builtin(b) | Value::Method(_, b) => format!("{}\n\n{}\n{}", b.signature, b.doc, crate::help::extra(b)),
        Value::Function(f) => format!("{}(...)\n\n{}\n", f.name, f.doc.clone().unwrap_or_default()),
        Value::Type(TypeObj::NpFloat64) => "np.float64(x)\n\nA NumPy float64 scalar.\n".into(),
        other => format!("{}\n", repr_plain(other)),
    }
}

/// The output text of one cell in transcript form (no `In` line, no trailing blank line).
pub fn render_outcome(
    outcome: &CellOutcome,
    src: &str,
    prompt_width: usize,
    popts: &PrintOptions,
    ropts: &RenderOptions,
) -> String {
    let mut out = String::new();
    for e in &outcome.events {
        match e {
            Event::Stdout(s) => out.push_str(s),
            Event::Warning(w) => {
                out.push_str(&format!("{}: {}\n", w.category, w.message));
            }
        }
    }
    if let Some(v) = &outcome.value {
        let text = match ropts.display {
            DisplayMode::Repr => pretty(v, popts),
            DisplayMode::Table => table::render_value(v, popts),
            DisplayMode::Both => format!("{}\n{}", table::render_value(v, popts), pretty(v, popts)),
        };
        let prompt = format!("Out[{}]: ", outcome.number);
        if text.contains('\n') {
            out.push_str(&prompt);
            out.push('\n');
        } else {
            out.push_str(&prompt);
        }
        out.push_str(&text);
        out.push('\n');
        if ropts.hints && ropts.display != DisplayMode::Repr {
            if let Some(note) = hints::result_note(v) {
                out.push_str(&note);
                out.push('\n');
            }
        }
    }
    if let Some(err) = &outcome.error {
        let hint_below = ropts.display != DisplayMode::Repr;
        out.push_str(&render_error(err, src, prompt_width, ropts.hints, hint_below));
    }
    while out.ends_with('\n') {
        out.pop();
    }
    out
}

/// An error as text: caret under the failing span (single-line cells),
/// operand notes, the `ExcType: message` line, and a hint. In repr mode
/// the hint goes above the error line, so the error line stays last as in
/// an IPython traceback; the table display puts it below.
pub fn render_error(err: &PyErr, src: &str, prompt_width: usize, with_hints: bool, hint_below: bool) -> String {
    let mut out = String::new();
    if with_hints {
        if let Some(span) = err.span {
            if let Some(caret) = caret_line(src, span, prompt_width) {
                out.push_str(&caret);
                out.push('\n');
            }
        }
        for op in &err.operands {
            if let Some(shape) = &op.shape {
                let text = op.span.text(src);
                if !text.is_empty() && !text.contains('\n') {
                    out.push_str(&format!("note: {text} has shape {}\n", crate::ops::broadcast::shape_repr(shape)));
                }
            }
        }
    }
    let hint_text: String = if with_hints {
        let hint = err.hint.clone().or_else(|| hints::shape_hint(err, src));
        hint.map(|h| h.lines().map(|l| format!("hint: {l}\n")).collect()).unwrap_or_default()
    } else {
        String::new()
    };
    if !hint_below {
        out.push_str(&hint_text);
    }
    out.push_str(&err.line());
    out.push('\n');
    if hint_below {
        out.push_str(&hint_text);
    }
    out
}

/// `^^^^` under `span` of a one-line source, indented past the prompt.
fn caret_line(src: &str, span: crate::syntax::Span, prompt_width: usize) -> Option<String> {
    if src.contains('\n') || span.start > src.len() || src.len() > 500 {
        return None;
    }
    let start = src.get(..span.start)?.chars().count();
    let width = src.get(span.start..span.end.min(src.len()))?.chars().count().max(1);
    Some(format!("{}{}", " ".repeat(prompt_width + start), "^".repeat(width)))
}
