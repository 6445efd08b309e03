//! IPython-style magics (`%whos`, `%display`, `%timeit`, ...) and `?` help.
//! Like everything in the core, they return data: text goes to the cell's
//! events, values become `Out[n]`.

use std::time::{Duration, Instant};

use crate::display::{self, DisplayMode};
use crate::interp::error::{ExcType, PyErr, PyResult};
use crate::interp::warnings::stdout;
use crate::interp::Session;
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
    let body = line.trim().trim_start_matches('%');
    let (name, args) = match body.split_once(char::is_whitespace) {
        Some((n, a)) => (n, a.trim()),
        None => (body, ""),
    };
    match name {
        "whos" => stdout(whos(session)),
        "who" => {
            let names = user_names(session);
            stdout(if names.is_empty() {
                "Interactive namespace is empty.\n".to_string()
            } else {
                format!("{}\n", names.join("\t"))
            });
        }
        "reset" => {
            if args.split_whitespace().any(|a| a == "-f") {
                let keep: Vec<String> = vec!["np".into()];
                session.globals.retain(|k, _| keep.contains(k));
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
        "precision" => {
            if args.is_empty() {
                session.float_precision = None;
            } else {
                let n: usize = args
                    .parse()
                    .map_err(|_| PyErr::value(format!("Precision must be int or format string, not {args}")))?;
                session.float_precision = Some(n);
            }
        }
        "lsmagic" => stdout(format!(
            "Available line magics:\n{}\n",
            MAGICS.iter().map(|m| format!("%{m}")).collect::<Vec<_>>().join("  ")
        )),
        "quickref" => stdout(quickref()),
        "history" => stdout(history(session, args)),
        "time" => {
            let start = Instant::now();
            let v = session.eval_expr_source(args)?;
            let wall = start.elapsed();
            stdout(format!(
                "CPU times: user {}, sys: 0 ns, total: {}\nWall time: {}\n",
                fmt_duration(wall),
                fmt_duration(wall),
                fmt_duration(wall)
            ));
            return Ok((!v.is_none()).then_some(v));
        }
        "timeit" => stdout(timeit(session, args)?),
        "explain" => stdout(crate::explain::explain(session, args)?),
        "run" | "load" => {
            let path = args.trim_matches(|c| c == '"' || c == '\'');
            let text = std::fs::read_to_string(path).map_err(|e| {
                PyErr::new(ExcType::FileNotFoundError, format!("[Errno 2] No such file or directory: '{path}' ({e})"))
            })?;
            if name == "load" {
                stdout(format!("{text}\n"));
            }
            let opts = crate::session::ScriptOptions { render: session.render };
            let result = crate::session::run_script_in(session, &text, &opts);
            session.render = opts.render;
            for c in &result.cells {
                if !c.output.is_empty() {
                    stdout(format!("{}\n", c.output));
                }
            }
        }
        "save" => {
            let path = args.split_whitespace().next().unwrap_or("");
            if path.is_empty() {
                return Err(PyErr::value("%save needs a file name"));
            }
            let text: String = session
                .inputs
                .values()
                .filter(|s| !s.trim_start().starts_with("%save"))
                .map(|s| format!("{s}\n"))
                .collect();
            crate::transcript::atomic_write(std::path::Path::new(path), text.as_bytes())
                .map_err(|e| PyErr::new(ExcType::OSError, e.to_string()))?;
            stdout(format!("The following commands were written to file `{path}`:\n{text}"));
        }
        _ => {
            return Err(PyErr::new(ExcType::UsageError, format!("Line magic function `%{name}` not found.")));
        }
    }
    Ok(None)
}

fn user_names(session: &Session) -> Vec<String> {
    session
        .globals
        .iter()
        .filter(|(k, v)| !k.starts_with('_') && !matches!(v, Value::Module(_)))
        .map(|(k, _)| k.clone())
        .collect()
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
        let preview = display::repr_value(v, &session.print_options).replace('\n', " ");
        let preview: String = if preview.chars().count() > 40 {
            let s: String = preview.chars().take(39).collect();
            format!("{s}…")
        } else {
            preview
        };
        let preview = preview.split_whitespace().collect::<Vec<_>>().join(" ");
        t.add_row(vec![n, kind, dtype, shape, size, preview]);
    }
    format!("{t}\n")
}

fn history(session: &Session, args: &str) -> String {
    let numbered = args.split_whitespace().any(|a| a == "-n");
    let range = args.split_whitespace().find(|a| !a.starts_with('-'));
    let (lo, hi) = match range.and_then(|r| r.split_once('-')) {
        Some((a, b)) => (a.parse().unwrap_or(1), b.parse().unwrap_or(usize::MAX)),
        None => match range.and_then(|r| r.parse::<usize>().ok()) {
            Some(n) => (n, n),
            None => (1, usize::MAX),
        },
    };
    let mut out = String::new();
    for (n, src) in &session.inputs {
        if *n < lo || *n > hi || src.trim_start().starts_with("%history") {
            continue;
        }
        if numbered {
            let mut lines = src.lines();
            out.push_str(&format!("{n:>4}: {}\n", lines.next().unwrap_or("")));
            for l in lines {
                out.push_str(&format!("      {l}\n"));
            }
        } else {
            out.push_str(src);
            out.push('\n');
        }
    }
    out
}

/// IPython's time format: three significant digits and a unit.
pub fn fmt_seconds(t: f64) -> String {
    let (v, unit) = if t >= 1.0 {
        (t, "s")
    } else if t >= 1e-3 {
        (t * 1e3, "ms")
    } else if t >= 1e-6 {
        (t * 1e6, "µs")
    } else {
        (t * 1e9, "ns")
    };
    let text = if v >= 100.0 {
        format!("{v:.0}")
    } else if v >= 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    };
    format!("{text} {unit}")
}

fn fmt_duration(d: Duration) -> String {
    fmt_seconds(d.as_secs_f64())
}

/// `%timeit EXPR`: automatic loop count (1, 10, 100, ... until 0.2 s), 7 runs.
fn timeit(session: &mut Session, expr: &str) -> PyResult<String> {
    if expr.trim().is_empty() {
        return Err(PyErr::new(ExcType::UsageError, "%timeit needs an expression"));
    }
    let run = |loops: usize, session: &mut Session| -> PyResult<f64> {
        let start = Instant::now();
        for _ in 0..loops {
            crate::interp::interrupt::check()?;
            session.eval_expr_source(expr)?;
        }
        Ok(start.elapsed().as_secs_f64())
    };
    let mut loops = 1usize;
    loop {
        let t = run(loops, session)?;
        if t >= 0.2 || loops >= 10_000_000 {
            break;
        }
        loops *= 10;
    }
    let mut per_loop = Vec::with_capacity(7);
    for _ in 0..7 {
        per_loop.push(run(loops, session)? / loops as f64);
    }
    let mean = per_loop.iter().sum::<f64>() / 7.0;
    let std = (per_loop.iter().map(|t| (t - mean) * (t - mean)).sum::<f64>() / 7.0).sqrt();
    Ok(format!(
        "{} ± {} per loop (mean ± std. dev. of 7 runs, {} loop{} each)\n",
        fmt_seconds(mean),
        fmt_seconds(std),
        group_thousands(loops),
        if loops == 1 { "" } else { "s" }
    ))
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

fn quickref() -> String {
    "npr quick reference
  Language   Python subset: numbers, strings, lists, tuples, dicts, f-strings,
             def/lambda/if/for/while, comprehensions, import numpy as np
  Arrays     np.array, np.zeros, np.arange, a.T, a.shape, a @ b, np.dot, np.sum(axis=..)
  Results    Out[n] shows every array with its dtype and shape (%display table)
             or exactly as IPython prints it (%display repr)
  History    _ __ ___ _N Out[N] _iN In[N]
  Help       np.dot?  help(np.sum)
  Magics     %whos %who %reset -f %history -n %time %timeit %precision N
             %display repr|table|both %explain EXPR %run F %save F %load F %lsmagic
"
    .into()
}
