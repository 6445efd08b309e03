//! IPython-style magics (`%whos`, `%display`, `%timeit`, ...) and `?` help.
//! Like everything in the core, they return data: text goes to the cell's
//! events, values become `Out[n]`.

use std::time::Instant;

use crate::display::{self, DisplayMode};
use crate::interp::error::{ExcType, PyErr, PyResult};
use crate::interp::eval::Interp;
use crate::interp::warnings::stdout;
use crate::interp::Session;
use crate::syntax::{ast, parser, Span};
use crate::value::Value;

/// Names of the line magics npr provides.
pub const MAGICS: &[&str] = &[
    "whos",
    "who",
    "reset",
    "history",
    "time",
    "timeit",
    "precision",
    "display",
    "explain",
    "run",
    "save",
    "load",
    "lsmagic",
    "quickref",
];

/// Run a `%magic args` line.
pub fn run_magic(session: &mut Session, line: &str) -> PyResult<Option<Value>> {
    let line = line.trim();
    let body = line.trim_start_matches('%');
    let (name, args) = match body.split_once(char::is_whitespace) {
        Some((n, a)) => (n, a.trim()),
        None => (body, ""),
    };
    // Where the arguments start in the line, so errors inside them get
    // their carets under the right characters (`args` is a slice of `line`).
    let args_offset = if args.is_empty() { line.len() } else { args.as_ptr() as usize - line.as_ptr() as usize };
    match name {
        "whos" => stdout(whos(session)),
        "who" => stdout(who(session, args)),
        "reset" => {
            if args.split_whitespace().any(|a| a == "-f") {
                session.reset_namespace();
            } else {
                stdout("Use %reset -f to delete all variables without asking.\n");
            }
        }
        "display" => match DisplayMode::parse(args) {
            Some(m) => session.render.display = m,
            None if args.is_empty() => stdout(format!("display: {}\n", session.render.display.name())),
            None => {
                return Err(PyErr::new(
                    ExcType::ValueError,
                    format!("unknown display mode '{args}' (use repr, table or both)"),
                ))
            }
        },
        "precision" => return precision(session, args).map(Some),
        "lsmagic" => stdout(lsmagic()),
        "quickref" => stdout(quickref()),
        "history" => stdout(history(session, args)?),
        "time" => return time(session, args, args_offset),
        "timeit" => stdout(timeit(session, args, args_offset)?),
        "explain" => {
            if args.is_empty() {
                return Err(PyErr::new(ExcType::UsageError, "%explain needs an expression, e.g. %explain a @ b.T"));
            }
            stdout(crate::explain::explain(session, args)?)
        }
        "run" => {
            let path = file_argument(args);
            if path.is_empty() {
                return Err(PyErr::new(ExcType::UsageError, "you must provide at least a filename."));
            }
            let text = read_source(path)
                .ok_or_else(|| PyErr::new(ExcType::Exception, format!("File `'{path}'` not found.")))?;
            run_script_text(session, &text, path)?;
        }
        "load" => {
            let path = file_argument(args);
            if path.is_empty() {
                return Err(PyErr::new(ExcType::UsageError, "Missing filename."));
            }
            let text = read_source(path).ok_or_else(|| {
                PyErr::value(format!("'{path}' was not found in history, as a file, url, nor in the user namespace."))
            })?;
            stdout(format!("# %load {path}\n{}\n", text.trim_end()));
            return run_loaded(session, &text, path);
        }
        "save" => stdout(save(session, args)?),
        _ => {
            return Err(PyErr::new(ExcType::UsageError, format!("Line magic function `%{name}` not found.")));
        }
    }
    Ok(None)
}

/// Move an error's spans from the magic's argument text to the whole line.
fn shift_error(mut err: PyErr, offset: usize) -> PyErr {
    let shift = |s: Span| Span::new(s.start + offset, s.end + offset);
    err.span = err.span.map(shift);
    for op in &mut err.operands {
        op.span = shift(op.span);
    }
    err
}

/// A file name argument, with optional quotes, `~` expanded.
fn file_argument(args: &str) -> &str {
    args.trim().trim_matches(|c| c == '"' || c == '\'')
}

fn expand_home(path: &str) -> std::path::PathBuf {
    match (path.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => std::path::Path::new(&home).join(rest),
        _ => std::path::PathBuf::from(path),
    }
}

/// A script's text; `name.py` is also found as `name` (as `%run` does).
fn read_source(path: &str) -> Option<String> {
    let p = expand_home(path);
    std::fs::read_to_string(&p).ok().or_else(|| {
        let with_py = p.with_extension("py");
        (p.extension().is_none()).then(|| std::fs::read_to_string(with_py).ok()).flatten()
    })
}

/// `%run`: execute a script's statements in the session namespace, as a
/// script runs: `print` output shows, expression values do not, the
/// In/Out numbering does not move, and the first error stops the script.
fn run_script_text(session: &mut Session, text: &str, path: &str) -> PyResult<()> {
    for cell in crate::syntax::cells::split_cells(text) {
        run_script_cell(session, &cell, path)?;
    }
    Ok(())
}

/// `%load`: show the file, then run it as one cell whose last value is shown.
fn run_loaded(session: &mut Session, text: &str, path: &str) -> PyResult<Option<Value>> {
    let mut last = None;
    for cell in crate::syntax::cells::split_cells(text) {
        last = run_script_cell(session, &cell, path)?;
    }
    Ok(last)
}

/// One cell of a script run by `%run` or `%load`: a magic, a `?` help
/// request or statements. Errors lose their spans (they point into the
/// file, not into the magic's line); syntax errors name the file and line.
fn run_script_cell(
    session: &mut Session,
    cell: &crate::syntax::cells::CellSource,
    path: &str,
) -> PyResult<Option<Value>> {
    let src = cell.text.trim();
    let result = if src.starts_with('%') {
        run_magic(session, src)
    } else if let Some(target) = help_request(src) {
        session.eval_expr_source(target).map(|v| {
            stdout(display::help_text(&v, &session.print_options));
            None
        })
    } else {
        match parser::parse_cell(&cell.text) {
            Ok(parsed) => Interp::new(session, &cell.text).run_cell(&parsed),
            Err(e) => {
                let line = cell.first_line + cell.text[..e.offset.min(cell.text.len())].matches('\n').count();
                let exc =
                    if e.exc_type == "IndentationError" { ExcType::IndentationError } else { ExcType::SyntaxError };
                Err(PyErr::new(exc, format!("{} ({path}, line {line})", e.message)))
            }
        }
    };
    result.map_err(|mut e| {
        e.span = None;
        e.operands.clear();
        e
    })
}

/// `np.dot?` / `?np.dot`: the expression to show help for.
fn help_request(src: &str) -> Option<&str> {
    if src.contains('\n') || src.starts_with('#') {
        return None;
    }
    let t = src.strip_suffix('?').or_else(|| src.strip_prefix('?'))?;
    let t = t.trim_end_matches('?').trim();
    let simple = !t.is_empty() && t.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '.');
    simple.then_some(t)
}

fn parse_statements(src: &str) -> PyResult<ast::Cell> {
    parser::parse_cell(src).map_err(|e| {
        let exc = match e.exc_type {
            "IndentationError" | "TabError" => ExcType::IndentationError,
            _ => ExcType::SyntaxError,
        };
        PyErr::new(exc, e.message).at(Span::new(e.offset, e.offset))
    })
}

/// Names `%who` and `%whos` list, sorted: not private, not modules, not
/// `In`/`Out`.
fn user_names(session: &Session) -> Vec<String> {
    let mut names: Vec<String> = session
        .globals
        .iter()
        .filter(|(k, v)| !k.starts_with('_') && !matches!(v, Value::Module(_)) && !matches!(k.as_str(), "In" | "Out"))
        .map(|(k, _)| k.clone())
        .collect();
    names.sort();
    names
}

/// The name `type(v).__name__` would give.
fn short_type_name(v: &Value) -> String {
    let t = v.type_name();
    t.rsplit('.').next().unwrap_or(&t).to_string()
}

/// `%who [TYPE ...]`: names separated by tabs, eight to a line, as IPython.
fn who(session: &Session, args: &str) -> String {
    let wanted: Vec<&str> = args.split_whitespace().collect();
    let names: Vec<String> = user_names(session)
        .into_iter()
        .filter(|n| {
            wanted.is_empty() || session.globals.get(n).is_some_and(|v| wanted.contains(&short_type_name(v).as_str()))
        })
        .collect();
    if names.is_empty() {
        return if wanted.is_empty() {
            "Interactive namespace is empty.\n".into()
        } else {
            "No variables match your requested type.\n".into()
        };
    }
    let mut out = String::new();
    for (i, n) in names.iter().enumerate() {
        out.push_str(n);
        out.push_str("\t ");
        if (i + 1) % 8 == 0 {
            out.push('\n');
        }
    }
    out.push('\n');
    out
}

/// `%whos`: name, type, dtype, shape, size and a preview of every variable.
pub fn whos(session: &Session) -> String {
    let names = user_names(session);
    if names.is_empty() {
        return "Interactive namespace is empty.\n".into();
    }
    let mut t = comfy_table::Table::new();
    t.load_preset(comfy_table::presets::UTF8_FULL_CONDENSED);
    t.force_no_tty();
    t.set_header(vec!["name", "type", "dtype", "shape", "size", "value"]);
    for n in names {
        let Some(v) = session.globals.get(&n) else {
            continue;
        };
        let (kind, dtype, shape, size) = match v {
            Value::Array(a) => {
                let s = a.shape();
                let kind = match s.as_slice() {
                    [] => "0-d array".to_string(),
                    [_] => "1-D array".into(),
                    [1, _] => "row vector".into(),
                    [_, 1] => "column vector".into(),
                    [_, _] => "matrix".into(),
                    more => format!("{}-D array", more.len()),
                };
                (kind, a.dtype().name().to_string(), crate::ops::broadcast::shape_repr(&s), a.size().to_string())
            }
            Value::Scalar(s) => {
                (format!("np.{} scalar", s.dtype().name()), s.dtype().name().to_string(), "()".into(), "1".into())
            }
            other => (other.type_name(), String::new(), String::new(), String::new()),
        };
        let preview = display::repr_value(v, &session.print_options);
        let preview = preview.split_whitespace().collect::<Vec<_>>().join(" ");
        let preview: String = if preview.chars().count() > 40 {
            let s: String = preview.chars().take(39).collect();
            format!("{s}…")
        } else {
            preview
        };
        t.add_row(vec![n, kind, dtype, shape, size, preview]);
    }
    format!("{t}\n")
}

/// `%precision [N | FORMAT]`: IPython's float format for Python floats;
/// an integer also sets NumPy's print precision. Returns the format.
fn precision(session: &mut Session, args: &str) -> PyResult<Value> {
    if args.is_empty() {
        session.float_precision = None;
        session.print_options.python_float_precision = None;
        session.print_options.precision = 8;
        return Ok(Value::str("%r"));
    }
    if args.contains('%') {
        return Ok(Value::str(args));
    }
    let n: i64 =
        args.parse().map_err(|_| PyErr::value(format!("Precision must be int or format string, not '{args}'")))?;
    if n < 0 {
        return Err(PyErr::value(format!("int precision must be non-negative, not {n}")));
    }
    session.float_precision = Some(n as usize);
    session.print_options.python_float_precision = Some(n as usize);
    session.print_options.precision = n as usize;
    Ok(Value::str(format!("%.{n}f")))
}

// ------------------------------------------------------------------ history

/// `%history [-n] [-o] [-p] [-l [N]] [-g PATTERN] [-f FILE] [RANGE ...]`.
/// Ranges as IPython: `4`, `4-6` (inclusive), `4:6` (end excluded).
fn history(session: &Session, args: &str) -> PyResult<String> {
    let mut numbered = false;
    let mut outputs = false;
    let mut prompts = false;
    let mut limit: Option<usize> = None;
    let mut pattern: Option<String> = None;
    let mut file: Option<String> = None;
    let mut ranges: Vec<(usize, usize)> = Vec::new();
    let words: Vec<&str> = args.split_whitespace().collect();
    let mut k = 0;
    let current = session.execution_count.saturating_sub(1);
    while k < words.len() {
        let w = words[k];
        match w {
            "-n" => numbered = true,
            "-o" => outputs = true,
            "-p" => prompts = true,
            "-r" | "-t" | "-u" => {}
            "-l" => {
                limit = Some(10);
                if let Some(n) = words.get(k + 1).and_then(|s| s.parse().ok()) {
                    limit = Some(n);
                    k += 1;
                }
            }
            "-g" => {
                pattern = Some(words[k + 1..].join(" "));
                k = words.len();
            }
            "-f" => {
                file = words.get(k + 1).map(|s| s.to_string());
                k += 1;
            }
            _ if w.starts_with('-') && w.len() > 1 && !w[1..].starts_with(|c: char| c.is_ascii_digit()) => {
                return Err(PyErr::new(ExcType::UsageError, format!("unrecognized arguments: {w}")));
            }
            _ => ranges.push(parse_range(w, current).ok_or_else(|| {
                PyErr::new(ExcType::UsageError, format!("%history: invalid range '{w}' (use N, N-M or N:M)"))
            })?),
        }
        k += 1;
    }
    let mut lines: Vec<(usize, &str)> = Vec::new();
    if let Some(p) = &pattern {
        numbered = true;
        let p = p.trim_matches('*');
        lines.extend(
            session
                .inputs
                .iter()
                .filter(|(_, s)| s.contains(p) && !p.is_empty() || p.is_empty())
                .map(|(n, s)| (n, &**s)),
        );
    } else if let Some(n) = limit {
        let before: Vec<(usize, &str)> =
            session.inputs.iter().filter(|(k, _)| *k < current).map(|(k, s)| (k, &**s)).collect();
        lines.extend(before[before.len().saturating_sub(n)..].iter().copied());
    } else if ranges.is_empty() {
        lines.extend(session.inputs.iter().map(|(n, s)| (n, &**s)));
    } else {
        for (lo, hi) in ranges {
            lines.extend(session.inputs.between(lo, hi).map(|(n, s)| (n, &**s)));
        }
    }
    let mut out = String::new();
    for (n, src) in lines {
        let src = src.replace('\t', "    ");
        let src = src.trim_end();
        let multiline = src.contains('\n');
        if numbered {
            out.push_str(&format!("{n:>4}:{}", if multiline { "\n" } else { " " }));
        }
        if prompts {
            out.push_str(">>> ");
            if multiline {
                out.push_str(&src.lines().collect::<Vec<_>>().join("\n... "));
                out.push_str("\n...");
            } else {
                out.push_str(src);
            }
        } else {
            out.push_str(src);
        }
        out.push('\n');
        if outputs {
            if let Some(v) = session.outputs.get(&n) {
                out.push_str(&display::pretty(v, &session.print_options));
                out.push('\n');
            }
        }
    }
    if let Some(f) = file {
        crate::transcript::atomic_write(&expand_home(&f), out.as_bytes())
            .map_err(|e| PyErr::new(ExcType::OSError, e.to_string()))?;
        return Ok(String::new());
    }
    Ok(out)
}

/// `N`, `N-M` (inclusive) or `N:M` (M excluded); missing ends are open.
fn parse_range(w: &str, current: usize) -> Option<(usize, usize)> {
    let num = |s: &str, default: usize| -> Option<usize> {
        if s.is_empty() {
            Some(default)
        } else {
            s.parse().ok()
        }
    };
    if let Some((a, b)) = w.split_once('-') {
        Some((num(a, 1)?, num(b, current.max(1))?))
    } else if let Some((a, b)) = w.split_once(':') {
        let hi = num(b, current + 1)?;
        Some((num(a, 1)?, hi.checked_sub(1)?))
    } else {
        let n = w.parse().ok()?;
        Some((n, n))
    }
}

/// `%save FILE [RANGE ...]`: the session's inputs (all but this line by default).
fn save(session: &Session, args: &str) -> PyResult<String> {
    let mut words: Vec<&str> = args.split_whitespace().filter(|w| !matches!(*w, "-r" | "-f" | "-a")).collect();
    let append = args.split_whitespace().any(|w| w == "-a");
    if words.is_empty() {
        return Err(PyErr::new(ExcType::UsageError, "Missing filename."));
    }
    let mut path = file_argument(words.remove(0)).to_string();
    if !(path.ends_with(".py") || path.ends_with(".ipy")) {
        path.push_str(".py");
    }
    let current = session.execution_count.saturating_sub(1);
    let mut picked: Vec<&str> = Vec::new();
    if words.is_empty() {
        picked.extend(session.inputs.between(1, current.saturating_sub(1)).map(|(_, s)| &**s));
    } else {
        for w in words {
            let (lo, hi) = parse_range(w, current).ok_or_else(|| {
                PyErr::new(ExcType::UsageError, format!("%save: invalid range '{w}' (use N, N-M or N:M)"))
            })?;
            picked.extend(session.inputs.between(lo, hi).map(|(_, s)| &**s));
        }
    }
    let text: String = picked.iter().map(|s| format!("{}\n", s.trim_end())).collect();
    let target = expand_home(&path);
    let result = if append {
        use std::io::Write;
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&target)
            .and_then(|mut f| f.write_all(text.as_bytes()))
    } else {
        crate::transcript::atomic_write(&target, text.as_bytes()).map_err(|e| std::io::Error::other(e.to_string()))
    };
    result.map_err(|e| PyErr::new(ExcType::OSError, e.to_string()))?;
    Ok(format!("The following commands were written to file `{path}`:\n{text}"))
}

// ------------------------------------------------------------------ timing

/// IPython's `_format_time`: `%.3g` and a unit (s, ms, µs, ns); a minute
/// or more as `1min 5s`.
pub fn fmt_seconds(t: f64) -> String {
    format_time(t, 3)
}

fn format_time(t: f64, precision: usize) -> String {
    if t >= 60.0 {
        let mut parts = Vec::new();
        let mut left = t;
        for (suffix, len) in [("d", 86400.0), ("h", 3600.0), ("min", 60.0), ("s", 1.0)] {
            let v = (left / len).floor();
            if v > 0.0 {
                left %= len;
                parts.push(format!("{v}{suffix}"));
            }
            if left < 1.0 {
                break;
            }
        }
        return parts.join(" ");
    }
    let units = ["s", "ms", "\u{b5}s", "ns"];
    let order = if t > 0.0 { (-(t.log10().floor() as i64).div_euclid(3)).clamp(0, 3) as usize } else { 3 };
    let scaled = t * [1.0, 1e3, 1e6, 1e9][order];
    format!("{} {}", format_g(scaled, precision.max(1)), units[order])
}

/// C's `%.*g`.
fn format_g(x: f64, precision: usize) -> String {
    if x == 0.0 {
        return "0".into();
    }
    if !x.is_finite() {
        return format!("{x}");
    }
    let sci = format!("{:.*e}", precision - 1, x);
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    if exp < -4 || exp >= precision as i32 {
        let m = strip_zeros(mantissa);
        format!("{m}e{}{:02}", if exp < 0 { '-' } else { '+' }, exp.abs())
    } else {
        let decimals = (precision as i32 - 1 - exp).max(0) as usize;
        strip_zeros(&format!("{x:.decimals$}")).to_string()
    }
}

fn strip_zeros(s: &str) -> &str {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        s
    }
}

/// CPU time of this thread (user, system) in seconds, where the OS tells.
/// The system part comes from the tick counts of `/proc/self/stat`; the
/// total from `/proc/thread-self/schedstat` (nanoseconds). `last` reads
/// the fine clock last, so that reading the coarse one is not timed.
fn cpu_times(fine_last: bool) -> Option<(f64, f64)> {
    let fine = || {
        std::fs::read_to_string("/proc/thread-self/schedstat")
            .ok()
            .and_then(|s| s.split_whitespace().next().and_then(|v| v.parse::<f64>().ok()))
            .map(|ns| ns / 1e9)
    };
    let coarse = || -> Option<(f64, f64)> {
        let stat = std::fs::read_to_string("/proc/thread-self/stat").ok()?;
        let rest = &stat[stat.rfind(')')? + 2..];
        let fields: Vec<&str> = rest.split_whitespace().collect();
        // utime and stime are fields 14 and 15 of stat, in clock ticks (100 Hz).
        let utime: f64 = fields.get(11)?.parse().ok()?;
        let stime: f64 = fields.get(12)?.parse().ok()?;
        Some((utime / 100.0, stime / 100.0))
    };
    let (total, (user, sys)) = if fine_last {
        let c = coarse()?;
        (fine(), c)
    } else {
        let f = fine();
        (f, coarse()?)
    };
    let total = total.unwrap_or(user + sys);
    Some(((total - sys).max(0.0), sys))
}

/// Statements or an expression to time, parsed once.
enum Timed {
    Expr(ast::Expr),
    Cell(ast::Cell),
}

fn parse_timed(src: &str, offset: usize) -> PyResult<Timed> {
    if let Ok(e) = parser::parse_expr(src) {
        return Ok(Timed::Expr(e));
    }
    parse_statements(src).map(Timed::Cell).map_err(|e| shift_error(e, offset))
}

fn run_timed(session: &mut Session, src: &str, code: &Timed) -> PyResult<Option<Value>> {
    let mut interp = Interp::new(session, src);
    match code {
        Timed::Expr(e) => interp.eval(e).map(Some),
        Timed::Cell(c) => interp.run_cell(c),
    }
}

/// `%time STATEMENT`: run once in the user namespace, print IPython's
/// CPU and wall times, return the value of an expression.
fn time(session: &mut Session, src: &str, offset: usize) -> PyResult<Option<Value>> {
    let code = if src.is_empty() { None } else { Some(parse_timed(src, offset)?) };
    let cpu0 = cpu_times(true);
    let start = Instant::now();
    let value = match &code {
        Some(c) => run_timed(session, src, c).map_err(|e| shift_error(e, offset))?,
        None => None,
    };
    let wall = start.elapsed().as_secs_f64();
    let (user, sys) = match (cpu0, cpu_times(false)) {
        (Some((u0, s0)), Some((u1, s1))) => ((u1 - u0).max(0.0), (s1 - s0).max(0.0)),
        _ => (wall, 0.0),
    };
    stdout(format!(
        "CPU times: user {}, sys: {}, total: {}\nWall time: {}\n",
        fmt_seconds(user),
        fmt_seconds(sys),
        fmt_seconds(user + sys),
        fmt_seconds(wall)
    ));
    Ok(value.filter(|v| !v.is_none()))
}

/// `%timeit [-n N] [-r R] [-p P] [-q] STATEMENT`, as IPython: without
/// `-n`, the loop count is the first of 1, 10, 100, ... (up to 10⁹) whose
/// run takes at least 0.2 s; then R runs (default 7) of that many loops;
/// mean ± population standard deviation per loop. Names the statement
/// assigns stay local to the timing, as in IPython.
fn timeit(session: &mut Session, args: &str, offset: usize) -> PyResult<String> {
    let mut number: Option<usize> = None;
    let mut repeat = 7usize;
    let mut precision = 3usize;
    let mut quiet = false;
    let mut rest = args;
    loop {
        let t = rest.trim_start();
        let Some(opt) = t.strip_prefix('-').filter(|_| !t.starts_with("--")) else { break };
        let flag = opt.chars().next().unwrap_or(' ');
        if !matches!(flag, 'n' | 'r' | 'p' | 'q' | 'o' | 't' | 'c') {
            break;
        }
        let after = &opt[1..];
        let (value, remaining) = if matches!(flag, 'n' | 'r' | 'p') {
            let after = after.trim_start();
            let end = after.find(char::is_whitespace).unwrap_or(after.len());
            (Some(&after[..end]), &after[end..])
        } else {
            (None, after)
        };
        let parse_num = |v: Option<&str>| -> PyResult<usize> {
            v.and_then(|s| s.parse().ok())
                .ok_or_else(|| PyErr::new(ExcType::UsageError, format!("option -{flag} needs a positive integer")))
        };
        match flag {
            'n' => number = Some(parse_num(value)?.max(1)),
            'r' => repeat = parse_num(value)?.max(1),
            'p' => precision = parse_num(value)?.max(1),
            'q' => quiet = true,
            _ => {}
        }
        rest = remaining;
    }
    let stmt = rest.trim();
    if stmt.is_empty() {
        return Ok(String::new());
    }
    let offset = offset + (args.len() - rest.len()) + (rest.len() - rest.trim_start().len());
    let code = parse_timed(stmt, offset)?;
    let saved = session.globals.clone();
    let result = time_loops(session, stmt, &code, number, repeat);
    session.globals = saved;
    let (loops, runs) = result.map_err(|e| shift_error(e, offset))?;
    let per_loop: Vec<f64> = runs.iter().map(|t| t / loops as f64).collect();
    let n = per_loop.len() as f64;
    let mean = per_loop.iter().sum::<f64>() / n;
    let std = (per_loop.iter().map(|t| (t - mean) * (t - mean)).sum::<f64>() / n).sqrt();
    let best = per_loop.iter().copied().fold(f64::INFINITY, f64::min);
    let worst = per_loop.iter().copied().fold(0.0, f64::max);
    if quiet {
        return Ok(String::new());
    }
    let mut out = String::new();
    if worst > 4.0 * best && best > 0.0 && worst > 1e-6 {
        out.push_str(&format!(
            "The slowest run took {:.2} times longer than the fastest. This could mean that an intermediate result is being cached.\n",
            worst / best
        ));
    }
    out.push_str(&format!(
        "{} \u{b1} {} per loop (mean \u{b1} std. dev. of {} run{}, {} loop{} each)\n",
        format_time(mean, precision),
        format_time(std, precision),
        repeat,
        if repeat == 1 { "" } else { "s" },
        group_thousands(loops),
        if loops == 1 { "" } else { "s" }
    ));
    Ok(out)
}

/// The loop count and the total time of each run.
fn time_loops(
    session: &mut Session,
    src: &str,
    code: &Timed,
    number: Option<usize>,
    repeat: usize,
) -> PyResult<(usize, Vec<f64>)> {
    let run = |loops: usize, session: &mut Session| -> PyResult<f64> {
        let start = Instant::now();
        for _ in 0..loops {
            crate::interp::interrupt::check()?;
            run_timed(session, src, code)?;
        }
        Ok(start.elapsed().as_secs_f64())
    };
    let loops = match number {
        Some(n) => n,
        None => {
            let mut loops = 1usize;
            for index in 0..10 {
                loops = 10usize.pow(index);
                if run(loops, session)? >= 0.2 {
                    break;
                }
            }
            loops
        }
    };
    let mut runs = Vec::with_capacity(repeat);
    for _ in 0..repeat {
        runs.push(run(loops, session)?);
    }
    Ok((loops, runs))
}

fn group_thousands(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

// ------------------------------------------------------------------ lists

fn lsmagic() -> String {
    let mut names: Vec<&str> = MAGICS.to_vec();
    names.sort_unstable();
    format!(
        "Available line magics:\n{}\n\nAutomagic is OFF, % prefix IS needed for line magics.\n",
        names.iter().map(|m| format!("%{m}")).collect::<Vec<_>>().join("  ")
    )
}

fn quickref() -> String {
    "npr quick reference
  Language   Python subset: numbers, strings, lists, tuples, dicts, f-strings,
             def/lambda/if/for/while, comprehensions; np is already imported
  Arrays     np.array, np.zeros, np.arange, a.T, a.shape, a @ b, np.dot, np.sum(axis=..)
  Results    Out[n] shows every array with its dtype and shape (%display table)
             or exactly as IPython prints it (%display repr)
  History    _ __ ___ (last results)  _N Out[N] (result N)  _iN In[N] (input N)
  Help       np.dot?  help(np.sum)   signature, shape rule, live examples
  Magics     %whos %who %reset -f %history -n 1-4 %time %timeit %precision N
             %display repr|table|both %explain EXPR %run F %save F %load F %lsmagic
  Keys       Tab completes names, np. members, methods, keyword arguments, files
             Up/Down and Ctrl-R search history; Ctrl-C interrupts; Ctrl-D exits
"
    .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_time_matches_ipython() {
        assert_eq!(format_time(4.62e-9, 3), "4.62 ns");
        assert_eq!(format_time(4.64e-10, 3), "0.464 ns");
        assert_eq!(format_time(1.234e-6, 3), "1.23 \u{b5}s");
        assert_eq!(format_time(5.0e-4, 3), "500 \u{b5}s");
        assert_eq!(format_time(0.001, 3), "1 ms");
        assert_eq!(format_time(0.5, 3), "500 ms");
        assert_eq!(format_time(2.5, 3), "2.5 s");
        assert_eq!(format_time(999.7e-9, 3), "1e+03 ns");
        assert_eq!(format_time(65.0, 3), "1min 5s");
        assert_eq!(format_time(0.0, 3), "0 ns");
    }

    fn run(session: &mut Session, src: &str) -> String {
        crate::session::run_and_render(session, src).1
    }

    #[test]
    fn ipython_history_variables() {
        let mut s = Session::new();
        s.render.display = DisplayMode::Repr;
        assert_eq!(run(&mut s, "1 + 1"), "Out[1]: 2");
        assert_eq!(run(&mut s, "x = 3"), "");
        assert_eq!(run(&mut s, "_i1, In[2], _i"), "Out[3]: ('1 + 1', 'x = 3', 'x = 3')");
        assert_eq!(run(&mut s, "Out[1] + _1"), "Out[4]: 4");
        // Showing `Out` must not store it inside itself.
        assert_eq!(run(&mut s, "Out"), "Out[5]: {1: 2, 3: ('1 + 1', 'x = 3', 'x = 3'), 4: 4}");
        assert_eq!(run(&mut s, "len(Out)"), "Out[6]: 3");
        assert_eq!(run(&mut s, "%who"), "x\t ");
        assert_eq!(run(&mut s, "%reset -f"), "");
        assert_eq!(run(&mut s, "Out, In[1]"), "Out[9]: ({}, '1 + 1')");
        assert!(run(&mut s, "x").ends_with("NameError: name 'x' is not defined"));
        assert_eq!(run(&mut s, "%history -n 1-2"), "   1: 1 + 1\n   2: x = 3");
        assert_eq!(run(&mut s, "%foo"), "UsageError: Line magic function `%foo` not found.");
    }

    #[test]
    fn timeit_and_precision() {
        let mut s = Session::new();
        s.render.display = DisplayMode::Repr;
        run(&mut s, "a = np.arange(3)");
        let out = run(&mut s, "%timeit -n 5 -r 2 b = a + 1");
        assert!(out.ends_with("per loop (mean \u{b1} std. dev. of 2 runs, 5 loops each)"), "{out}");
        assert!(run(&mut s, "b").contains("NameError"), "names assigned under %timeit stay local");
        assert_eq!(run(&mut s, "%precision 3"), "Out[4]: '%.3f'");
        assert_eq!(run(&mut s, "np.array([1/3])"), "Out[5]: array([0.333])");
        assert_eq!(run(&mut s, "%precision"), "Out[6]: '%r'");
        let t = run(&mut s, "%time c = a * 2");
        assert!(t.starts_with("CPU times: user ") && t.contains("\nWall time: "), "{t}");
        assert_eq!(run(&mut s, "c"), "Out[8]: array([0, 2, 4])");
    }

    #[test]
    fn history_ranges() {
        assert_eq!(parse_range("4", 9), Some((4, 4)));
        assert_eq!(parse_range("2-4", 9), Some((2, 4)));
        assert_eq!(parse_range("2:4", 9), Some((2, 3)));
        assert_eq!(parse_range("3-", 9), Some((3, 9)));
        assert_eq!(parse_range("x", 9), None);
    }

    /// A range that ends before it starts selects nothing (found by the
    /// eval fuzz target: `%history 6-` in the second cell).
    #[test]
    fn backwards_history_range_is_empty() {
        let mut s = Session::new();
        s.run_cell("x = 1");
        let saved = std::env::temp_dir().join(format!("npr-backwards-{}.py", std::process::id()));
        let save = format!("%save {} 6-4", saved.display());
        for cell in ["%history 6-", "%history 6-4", "%history 5:2", save.as_str()] {
            let out = s.run_cell(cell);
            assert!(out.error.is_none(), "{cell}: {:?}", out.error.map(|e| e.line()));
        }
        assert_eq!(std::fs::read_to_string(&saved).unwrap_or_default(), "");
        let _ = std::fs::remove_file(&saved);
    }
}
