//! Hints that teach: for a shape error, which operand to transpose or
//! reshape and what shape that would give; for a (1,1) result, how to get
//! the scalar.

use crate::interp::error::{ExcType, PyErr};
use crate::ops::broadcast::{broadcast_shapes, shape_repr};
use crate::value::Value;

/// A note after a result that is easy to mistake for a scalar.
pub fn result_note(v: &Value) -> Option<String> {
    let Value::Array(a) = v else { return None };
    let shape = a.shape();
    if !shape.is_empty() && shape.iter().all(|&n| n == 1) && shape.len() >= 2 {
        return Some(format!(
            "note: this is a {}-D array of shape {}, not a scalar: use .item() for a Python number (or np.sum(...) for a NumPy scalar)",
            shape.len(),
            shape_repr(&shape)
        ));
    }
    if shape.is_empty() {
        return Some("note: this is a 0-d array, not a scalar: use .item() for a Python number".into());
    }
    None
}

fn dot_shape(a: &[usize], b: &[usize]) -> Option<Vec<usize>> {
    match (a.len(), b.len()) {
        (1, 1) if a[0] == b[0] => Some(Vec::new()),
        (2, 1) if a[1] == b[0] => Some(vec![a[0]]),
        (1, 2) if a[0] == b[0] => Some(vec![b[1]]),
        (2, 2) if a[1] == b[0] => Some(vec![a[0], b[1]]),
        _ => None,
    }
}

fn transposed(s: &[usize]) -> Vec<usize> {
    s.iter().rev().copied().collect()
}

/// Source text for the transpose of an operand: `Y.T`, `(1 - Y).T`, or
/// `X` when it already ends in `.T`.
fn transpose_text(t: &str) -> String {
    if let Some(inner) = t.strip_suffix(".T") {
        return inner.to_string();
    }
    let simple =
        t.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '.') || (t.ends_with(')') && !t.contains(' '));
    if simple {
        format!("{t}.T")
    } else {
        format!("({t}).T")
    }
}

fn result_text(shape: &[usize]) -> String {
    if shape.is_empty() {
        "a scalar".into()
    } else {
        format!("shape {}", shape_repr(shape))
    }
}

/// A hint for a shape error, from its operands (source text and shape).
pub fn shape_hint(err: &PyErr, src: &str) -> Option<String> {
    let ops: Vec<(String, Vec<usize>)> =
        err.operands.iter().filter_map(|o| o.shape.clone().map(|s| (o.span.text(src).to_string(), s))).collect();
    let msg = &err.message;
    if err.exc == ExcType::ValueError && (msg.contains("not aligned") || msg.starts_with("matmul: Input operand")) {
        let [(an, a), (bn, b)] = ops.as_slice() else {
            return None;
        };
        let func = if msg.starts_with("matmul") { "@" } else { "np.dot" };
        let call = |x: &str, y: &str| {
            if func == "@" {
                format!("{x} @ {y}")
            } else {
                format!("np.dot({x}, {y})")
            }
        };
        let mut lines = Vec::new();
        if let Some(r) = dot_shape(&transposed(a), b) {
            lines.push(format!(
                "transpose the first operand: {} gives {}",
                call(&transpose_text(an), bn),
                result_text(&r)
            ));
        }
        if let Some(r) = dot_shape(a, &transposed(b)) {
            lines.push(format!(
                "transpose the second operand: {} gives {}",
                call(an, &transpose_text(bn)),
                result_text(&r)
            ));
        }
        if let Some(r) = broadcast_shapes(&[a, b]) {
            lines.push(format!("for elementwise products, np.multiply({an}, {bn}) gives {}", result_text(&r)));
            lines.push(format!("and np.sum(np.multiply({an}, {bn})) gives a scalar"));
        }
        if lines.is_empty() {
            lines.push(format!(
                "the contracted lengths must match: the last axis of {an} {} and the {} of {bn} {}",
                shape_repr(a),
                if b.len() == 1 { "only axis" } else { "second-to-last axis" },
                shape_repr(b)
            ));
        }
        return Some(lines.join("\n"));
    }
    if msg.starts_with("operands could not be broadcast together with shapes") {
        let [(an, a), (bn, b)] = ops.as_slice() else {
            return Some("shapes are aligned from the right; each pair of lengths must be equal or 1".into());
        };
        let mut lines = vec![format!(
            "broadcasting aligns shapes from the right: {} and {} differ where neither length is 1",
            shape_repr(a),
            shape_repr(b)
        )];
        if a.len() == 2 && broadcast_shapes(&[&transposed(a), b]).is_some() {
            let r = broadcast_shapes(&[&transposed(a), b]).unwrap_or_default();
            lines.push(format!("{} would broadcast with {bn}, giving {}", transpose_text(an), result_text(&r)));
        } else if b.len() == 2 && broadcast_shapes(&[a, &transposed(b)]).is_some() {
            let r = broadcast_shapes(&[a, &transposed(b)]).unwrap_or_default();
            lines.push(format!("{} would broadcast with {an}, giving {}", transpose_text(bn), result_text(&r)));
        } else if a.len() == 1 && b.len() == 1 {
            lines.push(format!(
                "for an outer combination use {an}[:, None] and {bn}[None, :], giving shape ({}, {})",
                a[0], b[0]
            ));
        }
        return Some(lines.join("\n"));
    }
    if msg.starts_with("all the input arrays must have same number of dimensions") {
        return Some(
            "np.concatenate joins along an existing axis, so every array needs the same ndim: \
             add an axis first (a[np.newaxis, :] or a.reshape(1, -1)), or use np.vstack / np.stack"
                .into(),
        );
    }
    if msg.starts_with("all the input array dimensions except for the concatenation axis") {
        let dim = msg.split("along dimension ").nth(1)?.split(',').next()?;
        return Some(format!(
            "only the concatenation axis may differ; the arrays differ along dimension {dim}: \
             concatenate along axis={dim} instead, or transpose one array"
        ));
    }
    if msg == "all input arrays must have the same shape" {
        return Some(
            "np.stack adds a new axis and needs equal shapes; to join arrays of different lengths \
             along an existing axis use np.concatenate"
                .into(),
        );
    }
    if msg == "zero-dimensional arrays cannot be concatenated" {
        return Some("turn the scalars into 1-D arrays first: np.atleast_1d(x), or use np.array([x, y])".into());
    }
    if msg.starts_with("cannot reshape array of size") {
        let size: usize = msg.split_whitespace().nth(5)?.parse().ok()?;
        return Some(format!(
            "the new shape must have {size} elements in all; one entry may be -1 to have it inferred"
        ));
    }
    if err.exc == ExcType::AxisError {
        let ndim: usize = msg.rsplit(' ').next()?.parse().ok()?;
        return Some(if ndim == 0 {
            "a 0-d array has no axes to reduce over".into()
        } else {
            format!("an array with {ndim} dimension(s) has axes 0..{} (or -{ndim}..-1)", ndim - 1)
        });
    }
    if err.exc == ExcType::IndexError && msg.contains("is out of bounds for axis") {
        let size: usize = msg.rsplit(' ').next()?.parse().ok()?;
        return Some(if size == 0 {
            "that axis is empty".into()
        } else {
            format!("valid indices are 0..{} (or -{size}..-1)", size - 1)
        });
    }
    None
}
