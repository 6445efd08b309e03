//! NumPy's broadcasting rule and shape texts.

/// NumPy's compact shape form used inside error messages: `(2,3)`, `(3,)`, `()`.
pub fn compact_shape(shape: &[usize]) -> String {
    match shape.len() {
        1 => format!("({},)", shape[0]),
        _ => format!("({})", shape.iter().map(|n| n.to_string()).collect::<Vec<_>>().join(",")),
    }
}

/// Python tuple repr of a shape: `(2, 3)`, `(3,)`, `()`.
pub fn shape_repr(shape: &[usize]) -> String {
    match shape.len() {
        1 => format!("({},)", shape[0]),
        _ => format!("({})", shape.iter().map(|n| n.to_string()).collect::<Vec<_>>().join(", ")),
    }
}

/// Broadcast shapes together: align from the right; each pair of
/// dimensions must be equal or one of them 1. `None` when incompatible.
pub fn broadcast_shapes(shapes: &[&[usize]]) -> Option<Vec<usize>> {
    let ndim = shapes.iter().map(|s| s.len()).max().unwrap_or(0);
    let mut out = vec![1usize; ndim];
    for shape in shapes {
        let offset = ndim - shape.len();
        for (i, &d) in shape.iter().enumerate() {
            let o = &mut out[offset + i];
            if *o == 1 {
                *o = d;
            } else if d != 1 && d != *o {
                return None;
            }
        }
    }
    Some(out)
}

/// NumPy's broadcast error text (note the trailing space).
pub fn broadcast_error_message(shapes: &[&[usize]]) -> String {
    let mut msg = String::from("operands could not be broadcast together with shapes ");
    for s in shapes {
        msg.push_str(&compact_shape(s));
        msg.push(' ');
    }
    msg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn broadcasting() {
        assert_eq!(broadcast_shapes(&[&[3, 1], &[1, 4]]), Some(vec![3, 4]));
        assert_eq!(broadcast_shapes(&[&[2, 3], &[3]]), Some(vec![2, 3]));
        assert_eq!(broadcast_shapes(&[&[], &[3]]), Some(vec![3]));
        assert_eq!(broadcast_shapes(&[&[2], &[3]]), None);
        assert_eq!(broadcast_shapes(&[&[0], &[1]]), Some(vec![0]));
        assert_eq!(
            broadcast_error_message(&[&[2], &[3]]),
            "operands could not be broadcast together with shapes (2,) (3,) "
        );
    }
}
