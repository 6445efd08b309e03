//! Property tests (issue 7): the parser never panics, arithmetic never
//! panics, and broadcasting agrees with a reference shape rule.

use proptest::prelude::*;

/// Text built from the characters Python code is made of.
fn pythonish() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            Just("np."),
            Just("("),
            Just(")"),
            Just("["),
            Just("]"),
            Just(","),
            Just(":"),
            Just(" "),
            Just("\n"),
            Just("    "),
            Just("def "),
            Just("for "),
            Just(" in "),
            Just("if "),
            Just("else"),
            Just("lambda "),
            Just("x"),
            Just("a"),
            Just("1"),
            Just("2.5"),
            Just("e"),
            Just("'s'"),
            Just("\""),
            Just("f'{x}'"),
            Just("+"),
            Just("-"),
            Just("*"),
            Just("**"),
            Just("/"),
            Just("//"),
            Just("%"),
            Just("@"),
            Just("="),
            Just("=="),
            Just("<"),
            Just("not "),
            Just("and "),
            Just("."),
            Just("..."),
            Just("#"),
            Just(";"),
            Just("\\"),
            Just("é"),
            Just("→"),
            Just("\t"),
            Just("{"),
            Just("}"),
        ],
        0..40,
    )
    .prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, .. ProptestConfig::default() })]

    #[test]
    fn parser_never_panics(src in pythonish()) {
        let _ = npr::syntax::parser::parse_cell(&src);
        let _ = npr::syntax::parser::parse_expr(&src);
        let _ = npr::syntax::cells::split_cells(&src);
        let _ = npr::syntax::cells::check_complete(&src);
    }

    #[test]
    fn parser_never_panics_on_any_text(src in "\\PC{0,60}") {
        let _ = npr::syntax::parser::parse_cell(&src);
    }

    #[test]
    fn integer_and_float_ops_never_panic(
        a in prop_oneof![any::<i64>().prop_map(|v| v.to_string()), any::<f64>().prop_map(|v| format!("{v:?}")),
                         Just("0".to_string()), Just("np.int64(-9223372036854775808)".to_string())],
        b in prop_oneof![any::<i64>().prop_map(|v| v.to_string()), any::<f64>().prop_map(|v| format!("{v:?}")),
                         Just("0".to_string()), Just("-1".to_string())],
        op in prop_oneof![Just("+"), Just("-"), Just("*"), Just("/"), Just("//"), Just("%"), Just("**"),
                          Just("&"), Just("|"), Just("<<"), Just(">>"), Just("<"), Just("==")],
        wrap in prop_oneof![Just(("", "")), Just(("np.array([", "])")), Just(("np.int64(", ")")),
                            Just(("np.float64(", ")"))],
    ) {
        let mut s = npr::Session::new();
        let src = format!("{}{a}{} {op} {}{b}{}", wrap.0, wrap.1, wrap.0, wrap.1);
        let out = s.run_cell(&src);
        if let Some(e) = &out.error {
            prop_assert!(e.exc != npr::interp::error::ExcType::InternalError, "{src}: {}", e.line());
        }
    }

    #[test]
    fn broadcasting_matches_reference_rule(
        a in proptest::collection::vec(prop_oneof![Just(1usize), Just(2), Just(3)], 0..4),
        b in proptest::collection::vec(prop_oneof![Just(1usize), Just(2), Just(3)], 0..4),
    ) {
        // Reference: pad with ones on the left, then each pair equal or one of them 1.
        let n = a.len().max(b.len());
        let pad = |s: &[usize]| { let mut v = vec![1; n - s.len()]; v.extend_from_slice(s); v };
        let (pa, pb) = (pad(&a), pad(&b));
        let expected: Option<Vec<usize>> = pa.iter().zip(&pb)
            .map(|(&x, &y)| if x == y || y == 1 { Some(x) } else if x == 1 { Some(y) } else { None })
            .collect();
        prop_assert_eq!(npr::ops::broadcast::broadcast_shapes(&[&a, &b]), expected.clone());
        // And the interpreter agrees on real arrays.
        let mut s = npr::Session::new();
        let shape = |v: &[usize]| format!("({})", v.iter().map(|d| format!("{d},")).collect::<String>());
        let out = s.run_cell(&format!("(np.ones({}) + np.ones({})).shape", shape(&a), shape(&b)));
        match expected {
            Some(e) => {
                let v = out.value.expect("a shape");
                prop_assert_eq!(npr::display::repr_plain(&v), npr::display::repr_plain(&npr::value::Value::shape_tuple(&e)));
            }
            None => prop_assert!(out.error.is_some_and(|e| e.message.starts_with("operands could not be broadcast"))),
        }
    }
}
