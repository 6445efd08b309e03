//! `%explain EXPR`: evaluate an expression once and show how shapes flow
//! through it, one line per sub-expression with its dtype and shape and the
//! rule each operation applied.

use crate::interp::error::PyResult;
use crate::interp::eval::{Args, Interp};
use crate::interp::{pyops, Session};
use crate::ops::broadcast::{broadcast_shapes, shape_repr};
use crate::syntax::ast::{Arg, BinOp, Expr, ExprKind, Ident};
use crate::syntax::parser::parse_expr;
use crate::value::Value;

/// One line of the tree.
struct Line {
    depth: usize,
    text: String,
    kind: String,
    rule: Option<String>,
}

/// Explain `src` as a tree.
pub fn explain(session: &mut Session, src: &str) -> PyResult<String> {
    let expr = parse_expr(src)
        .map_err(|e| crate::interp::error::PyErr::new(crate::interp::error::ExcType::SyntaxError, e.message))?;
    let mut interp = Interp::new(session, src);
    let mut lines = Vec::new();
    let v = walk(&mut interp, &expr, 0, &mut lines)?;
    let mut out = String::new();
    for (i, l) in lines.iter().enumerate() {
        let last_at_depth = !lines[i + 1..].iter().take_while(|n| n.depth >= l.depth).any(|n| n.depth == l.depth);
        let mut prefix = String::new();
        for d in 1..=l.depth {
            if d == l.depth {
                prefix.push_str(if last_at_depth { "└─ " } else { "├─ " });
            } else {
                let open = lines[i + 1..].iter().take_while(|n| n.depth >= d).any(|n| n.depth == d);
                prefix.push_str(if open { "│  " } else { "   " });
            }
        }
        out.push_str(&format!("{prefix}{}  →  {}", l.text, l.kind));
        if let Some(r) = &l.rule {
            out.push_str(&format!("   [{r}]"));
        }
        out.push('\n');
    }
    let _ = v;
    Ok(out)
}

fn kind_of(v: &Value) -> String {
    match v {
        Value::Array(a) => format!("{} {}", a.dtype().name(), shape_repr(&a.shape())),
        Value::Scalar(s) => format!("np.{} scalar", s.dtype().name()),
        other => other.type_name(),
    }
}

fn shape_of(v: &Value) -> Option<Vec<usize>> {
    match v {
        Value::Array(a) => Some(a.shape()),
        Value::Scalar(_) | Value::Int(_) | Value::Float(_) | Value::Bool(_) => Some(Vec::new()),
        _ => None,
    }
}

fn compact(s: &[usize]) -> String {
    crate::ops::broadcast::compact_shape(s)
}

fn contraction_rule(name: &str, a: &[usize], b: &[usize], r: &Option<Vec<usize>>) -> Option<String> {
    let k = *a.last()?;
    let r = r.as_ref()?;
    let result = if r.is_empty() { "scalar".to_string() } else { compact(r) };
    Some(format!("{name}: {}·{} → {result}, contracts axis of length {k}", compact(a), compact(b)))
}

fn walk(i: &mut Interp, e: &Expr, depth: usize, out: &mut Vec<Line>) -> PyResult<Value> {
    // Literals are not worth a line of their own.
    if matches!(e.kind, ExprKind::Int(_) | ExprKind::Float(_) | ExprKind::Str(_) | ExprKind::Bool(_) | ExprKind::None) {
        return i.eval(e);
    }
    let text = e.span.text(i.src).to_string();
    let idx = out.len();
    out.push(Line { depth, text, kind: String::new(), rule: None });
    let (v, rule) = match &e.kind {
        ExprKind::BinOp { op, left, right, .. } => {
            let l = walk(i, left, depth + 1, out)?;
            let r = walk(i, right, depth + 1, out)?;
            let v = pyops::binary(*op, &l, &r)?;
            let rule = match (shape_of(&l), shape_of(&r)) {
                (Some(a), Some(b)) if *op == BinOp::MatMul => contraction_rule("matmul", &a, &b, &shape_of(&v)),
                (Some(a), Some(b)) if a != b => broadcast_shapes(&[&a, &b])
                    .map(|s| format!("broadcast {} with {} → {}", compact(&a), compact(&b), compact(&s))),
                (Some(a), Some(_)) => Some(format!("elementwise {} on {}", op.symbol(), compact(&a))),
                _ => None,
            };
            (v, rule)
        }
        ExprKind::Attribute { value, attr, .. } if attr == "T" => {
            let inner = walk(i, value, depth + 1, out)?;
            let v = crate::builtins::attrs::get_attr(&inner, attr)?;
            let rule =
                shape_of(&inner).zip(shape_of(&v)).map(|(a, b)| format!("transpose {} → {}", compact(&a), compact(&b)));
            (v, rule)
        }
        ExprKind::Call { func, args } if args.iter().all(|a| matches!(a, Arg::Positional(_) | Arg::Keyword { .. })) => {
            let f = i.eval(func)?;
            let mut a = Args::default();
            let mut shapes = Vec::new();
            for arg in args {
                match arg {
                    Arg::Positional(x) => {
                        let v = walk(i, x, depth + 1, out)?;
                        shapes.push(shape_of(&v));
                        a.positional.push(v);
                    }
                    Arg::Keyword { name, value, .. } => {
                        let v = i.eval(value)?;
                        a.keywords.push((name.clone(), v));
                    }
                    _ => {}
                }
            }
            let keywords = a.keywords.clone();
            let v = i.call_value(&f, a)?;
            (v.clone(), call_rule(&f, &shapes, &keywords, &v))
        }
        _ => (i.eval(e)?, None),
    };
    out[idx].kind = kind_of(&v);
    out[idx].rule = rule;
    Ok(v)
}

fn call_rule(f: &Value, shapes: &[Option<Vec<usize>>], keywords: &[(Ident, Value)], result: &Value) -> Option<String> {
    let (name, first_is_recv) = match f {
        Value::Builtin(b) => (b.name, false),
        Value::Method(_, b) => (b.name, true),
        _ => return None,
    };
    let rs = shape_of(result);
    let first = if first_is_recv {
        match f {
            Value::Method(r, _) => shape_of(r),
            _ => None,
        }
    } else {
        shapes.first().cloned().flatten()
    };
    let arg_shapes: Vec<Vec<usize>> = shapes.iter().flatten().cloned().collect();
    match name {
        "dot" | "matmul" => {
            let (a, b) = if first_is_recv {
                (first?, arg_shapes.first()?.clone())
            } else {
                (arg_shapes.first()?.clone(), arg_shapes.get(1)?.clone())
            };
            contraction_rule(&format!("np.{name}"), &a, &b, &rs)
        }
        "sum" | "mean" | "max" | "min" | "prod" | "std" | "var" | "any" | "all" | "argmax" | "argmin" => {
            let a = first?;
            let axis = keywords.iter().find(|(k, _)| k == "axis").map(|(_, v)| crate::display::repr_plain(v));
            let keep = keywords.iter().any(|(k, v)| k == "keepdims" && matches!(v, Value::Bool(true)));
            let r = rs?;
            let result = if r.is_empty() { "scalar".to_string() } else { compact(&r) };
            Some(match axis {
                None => format!("{name} over all axes of {} → {result}", compact(&a)),
                Some(ax) => {
                    let mut text = format!("{name} over axis {ax} of {} → {result}", compact(&a));
                    if !keep {
                        if let Ok(n) = ax.parse::<i64>() {
                            let nd = a.len() as i64;
                            let j = if n < 0 { n + nd } else { n };
                            if (0..nd).contains(&j) {
                                let mut k = a.clone();
                                k[j as usize] = 1;
                                text.push_str(&format!(" (keepdims=True would give {})", compact(&k)));
                            }
                        }
                    }
                    text
                }
            })
        }
        "reshape" | "squeeze" | "expand_dims" | "transpose" | "ravel" | "flatten" => {
            Some(format!("{name} {} → {}", compact(&first?), compact(&rs?)))
        }
        "multiply" | "add" | "subtract" | "divide" | "maximum" | "minimum" | "power" => {
            let (a, b) = (arg_shapes.first()?.clone(), arg_shapes.get(1)?.clone());
            Some(format!("broadcast {} with {} → {}", compact(&a), compact(&b), compact(&rs?)))
        }
        _ => {
            let a = first?;
            let r = rs?;
            (a == r).then(|| format!("elementwise {name}, shape kept"))
        }
    }
}
