//! The shape-first table display: a caption with dtype and shape, then the
//! elements in a grid with row and column indices. Numbers use NumPy's
//! formatting for the array, so digits agree with the repr display.

use comfy_table::{presets, CellAlignment, ContentArrangement, Table};

use super::options::PrintOptions;
use super::repr::{displayed_indices, ElementFormatter};
use crate::ops::broadcast::shape_repr;
use crate::value::{AView, Scalar, Value};

/// What kind of array this is, in words.
pub fn shape_words(shape: &[usize]) -> String {
    match shape {
        [] => "0-d array".into(),
        [n] => format!("1-D vector of length {n}"),
        [1, n] => format!("2-D · one row of {n}"),
        [n, 1] => format!("2-D · one column of {n}"),
        s => format!("{}-D", s.len()),
    }
}

/// The caption line: `float64 · shape (1, 1) · 2-D`.
pub fn caption(dtype: &str, shape: &[usize]) -> String {
    format!("{dtype} · shape {} · {}", shape_repr(shape), shape_words(shape))
}

/// Render any value: arrays and NumPy scalars as tables, others as IPython does.
pub fn render_value(v: &Value, opts: &PrintOptions) -> String {
    match v {
        Value::Array(a) => a.with_view(|view| render_array(&view, opts)),
        Value::Scalar(s) => {
            let (name, text) = match s {
                Scalar::Float(x) => ("np.float64", super::repr::py_float_repr(*x)),
                Scalar::Int(i) => ("np.int64", i.to_string()),
                Scalar::Bool(b) => ("np.bool", if *b { "True".into() } else { "False".into() }),
            };
            format!("{name} scalar · shape ()\n{text}")
        }
        other => super::pretty(other, opts),
    }
}

fn new_table() -> Table {
    let mut t = Table::new();
    t.load_preset(presets::UTF8_FULL_CONDENSED);
    t.force_no_tty();
    t.set_content_arrangement(ContentArrangement::Disabled);
    t
}

/// An array as caption + grid(s).
pub fn render_array(a: &AView, opts: &PrintOptions) -> String {
    let shape = a.shape().to_vec();
    let mut out = caption(a.dtype().name(), &shape);
    let size: usize = shape.iter().product();
    if size == 0 {
        out.push_str("\n(empty)");
        return out;
    }
    let fmt = ElementFormatter::new(a, opts);
    if shape.is_empty() {
        out.push('\n');
        out.push_str(fmt.format(a, &[]).trim());
        return out;
    }
    let (_, shown) = displayed_indices(&shape, opts);
    if shape.len() <= 2 {
        out.push('\n');
        out.push_str(&grid(a, &fmt, &shown, &[]));
        return out;
    }
    // One 2-D table per leading index.
    let lead = &shown[..shape.len() - 2];
    let mut idx = vec![0usize; lead.len()];
    loop {
        let prefix: Vec<usize> = idx.iter().enumerate().map(|(d, &k)| lead[d][k]).collect();
        let label: Vec<String> = prefix.iter().map(|i| i.to_string()).chain(["*".into(), "*".into()]).collect();
        out.push_str(&format!("\n[{}]\n", label.join(", ").replace('*', ":")));
        out.push_str(&grid(a, &fmt, &shown[shape.len() - 2..], &prefix));
        // advance
        let mut d = lead.len();
        loop {
            if d == 0 {
                return out;
            }
            d -= 1;
            idx[d] += 1;
            if idx[d] < lead[d].len() {
                break;
            }
            idx[d] = 0;
        }
    }
}

/// A grid for the last one or two axes under `prefix`.
fn grid(a: &AView, fmt: &ElementFormatter, shown: &[Vec<usize>], prefix: &[usize]) -> String {
    let mut t = new_table();
    let (rows, cols): (Vec<Option<usize>>, Vec<Option<usize>>) = match shown {
        [c] => (vec![None], with_gaps(c)),
        [r, c] => (with_gaps(r), with_gaps(c)),
        _ => (vec![None], vec![None]),
    };
    let mut header = vec![String::new()];
    header.extend(cols.iter().map(|c| c.map(|i| i.to_string()).unwrap_or_else(|| "…".into())));
    t.set_header(header);
    for r in &rows {
        let mut row = vec![match r {
            Some(i) => i.to_string(),
            None if shown.len() == 1 => String::new(),
            None => "…".into(),
        }];
        for c in &cols {
            let text = match (r, c, shown.len()) {
                (_, None, _) => "…".to_string(),
                (None, Some(_), 2) => "⋮".to_string(),
                (r, Some(ci), _) => {
                    let mut index = prefix.to_vec();
                    if let Some(ri) = r {
                        index.push(*ri);
                    }
                    index.push(*ci);
                    fmt.format(a, &index).trim().to_string()
                }
            };
            row.push(text);
        }
        t.add_row(row);
    }
    for col in t.column_iter_mut().skip(1) {
        col.set_cell_alignment(CellAlignment::Right);
    }
    t.to_string()
}

/// Indices with a `None` marking the hidden gap of a summarised axis.
fn with_gaps(idx: &[usize]) -> Vec<Option<usize>> {
    let mut out = Vec::new();
    for (k, &i) in idx.iter().enumerate() {
        if k > 0 && i != idx[k - 1] + 1 {
            out.push(None);
        }
        out.push(Some(i));
    }
    out
}
