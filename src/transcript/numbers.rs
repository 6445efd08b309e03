//! Splitting output text into numbers and everything else.
//!
//! Two comparison rules need to see numbers as values rather than characters:
//!
//! - `--float-tolerance RTOL`: numbers may differ by a relative tolerance, while the text around
//!   them must match exactly. Whitespace is ignored entirely because NumPy pads columns to the
//!   widest number, so a changed digit count legitimately moves spaces around (and may even
//!   re-wrap a long array).
//! - `# shape-only`: numbers are replaced by `#`, except the ones that describe a shape
//!   (`shape (2, 3)`, `shape=(2, 3)`) or a dimension count (`2-D`), which must stay equal.
//!
//! A number starts at a word boundary (so `float64` and `int8` stay text) and is one of
//! `12`, `1.`, `.5`, `-0.5`, `1e-05`, `1.e+00`, `nan`, `inf`, `-inf`.

/// A piece of tokenized text.
#[derive(Debug, Clone, PartialEq)]
pub enum Token<'a> {
    /// A number: its parsed value and its original spelling.
    Number(f64, &'a str),
    /// Non-number text with all whitespace removed.
    Text(String),
}

/// Splits `text` into numbers and whitespace-free text runs.
pub fn tokenize(text: &str) -> Vec<Token<'_>> {
    let mut tokens = Vec::new();
    let mut pending = String::new();
    let mut pos = 0;
    while let Some(c) = text[pos..].chars().next() {
        if let Some(len) = number_at(text, pos) {
            flush(&mut pending, &mut tokens);
            let spelling = &text[pos..pos + len];
            tokens.push(Token::Number(parse_number(spelling), spelling));
            pos += len;
            continue;
        }
        if !c.is_whitespace() {
            pending.push(c);
        }
        pos += c.len_utf8();
    }
    flush(&mut pending, &mut tokens);
    tokens
}

fn flush<'a>(pending: &mut String, tokens: &mut Vec<Token<'a>>) {
    if !pending.is_empty() {
        tokens.push(Token::Text(std::mem::take(pending)));
    }
}

fn parse_number(spelling: &str) -> f64 {
    spelling.parse().unwrap_or(f64::NAN)
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The length of the number starting at byte `pos`, if one does.
fn number_at(text: &str, pos: usize) -> Option<usize> {
    if text[..pos].chars().next_back().is_some_and(|c| is_word_char(c) || c == '.') {
        return None;
    }
    let rest = &text[pos..];
    let sign = usize::from(rest.starts_with(['-', '+']));
    let body = &rest[sign..];
    let len = word_number_len(body).or_else(|| decimal_len(body))?;
    Some(sign + len)
}

/// `nan` / `inf` as whole words.
fn word_number_len(body: &str) -> Option<usize> {
    ["nan", "inf"].into_iter().find_map(|word| {
        let after = body.strip_prefix(word)?;
        let whole = !after.chars().next().is_some_and(is_word_char);
        whole.then_some(word.len())
    })
}

/// `digits[.digits][e[+-]digits]` or `.digits[e…]`.
fn decimal_len(body: &str) -> Option<usize> {
    let bytes = body.as_bytes();
    let int = count_digits(bytes, 0);
    let mut len = int;
    let mut frac = 0;
    if bytes.get(len) == Some(&b'.') {
        frac = count_digits(bytes, len + 1);
        if int > 0 || frac > 0 {
            len += 1 + frac;
        }
    }
    if int == 0 && frac == 0 {
        return None;
    }
    Some(len + exponent_len(bytes, len))
}

fn exponent_len(bytes: &[u8], at: usize) -> usize {
    if !matches!(bytes.get(at), Some(b'e' | b'E')) {
        return 0;
    }
    let sign = usize::from(matches!(bytes.get(at + 1), Some(b'+' | b'-')));
    match count_digits(bytes, at + 1 + sign) {
        0 => 0,
        digits => 1 + sign + digits,
    }
}

fn count_digits(bytes: &[u8], from: usize) -> usize {
    bytes.get(from..).map_or(0, |b| b.iter().take_while(|b| b.is_ascii_digit()).count())
}

/// Whether two numbers agree within relative tolerance `rtol`.
pub fn numbers_close(a: f64, b: f64, rtol: f64) -> bool {
    if a.is_nan() || b.is_nan() {
        return a.is_nan() && b.is_nan();
    }
    if a.is_infinite() || b.is_infinite() {
        return a == b;
    }
    (a - b).abs() <= rtol * a.abs().max(b.abs())
}

/// Whether two texts agree: identical non-number text (whitespace ignored) and numbers within
/// relative tolerance `rtol`.
pub fn texts_close(recorded: &str, actual: &str, rtol: f64) -> bool {
    let (left, right) = (tokenize(recorded), tokenize(actual));
    left.len() == right.len()
        && left.iter().zip(&right).all(|pair| match pair {
            (Token::Number(a, _), Token::Number(b, _)) => numbers_close(*a, *b, rtol),
            (Token::Text(a), Token::Text(b)) => a == b,
            _ => false,
        })
}

/// The `# shape-only` skeleton of one line: whitespace removed, every number replaced by `#`
/// except numbers inside `shape (…)` / `shape=(…)` and dimension counts like `2-D`.
pub fn skeleton(line: &str) -> String {
    let kept = shape_spans(line);
    let mut out = String::new();
    let mut pos = 0;
    while let Some(c) = line[pos..].chars().next() {
        if let Some(len) = number_at(line, pos) {
            let protected = kept.iter().any(|r| r.contains(&pos)) || line[pos + len..].starts_with("-D");
            out.push_str(if protected { &line[pos..pos + len] } else { "#" });
            pos += len;
            continue;
        }
        if !c.is_whitespace() {
            out.push(c);
        }
        pos += c.len_utf8();
    }
    out
}

/// Byte ranges of the parenthesized group after each `shape` word.
fn shape_spans(line: &str) -> Vec<std::ops::Range<usize>> {
    let mut spans = Vec::new();
    for (at, _) in line.match_indices("shape") {
        let after = at + "shape".len();
        let rest = &line[after..];
        let gap = rest.len() - rest.trim_start_matches([' ', '=', ':']).len();
        let open = after + gap;
        if line[open..].starts_with('(') {
            let close = line[open..].find(')').map_or(line.len(), |p| open + p + 1);
            spans.push(open..close);
        }
    }
    spans
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Tokenizes and renders numbers as `<spelling>` to make expectations readable.
    fn shown(text: &str) -> String {
        tokenize(text)
            .iter()
            .map(|t| match t {
                Token::Number(_, s) => format!("<{s}>"),
                Token::Text(s) => s.clone(),
            })
            .collect()
    }

    #[track_caller]
    fn assert_tokens(text: &str, expected: &str) {
        assert_eq!(shown(text), expected, "tokens of {text:?}");
    }

    #[test]
    fn tokenizer_table() {
        let table = [
            ("array([1, 2, 3])", "array([<1>,<2>,<3>])"),
            ("array([1., 0.5, -0.5])", "array([<1.>,<0.5>,<-0.5>])"),
            ("1e-05 1.e+00 2E3", "<1e-05><1.e+00><2E3>"),
            ("np.float64(0.1)", "np.float64(<0.1>)"),
            ("dtype=float64", "dtype=float64"),
            ("int8 x1 _2", "int8x1_2"),
            ("[nan, -inf, inf]", "[<nan>,<-inf>,<inf>]"),
            ("information nanny", "informationnanny"),
            (".5 and 1e and 1e+", "<.5>and<1>eand<1>e+"),
            ("a - b", "a-b"),
            ("Out[_]: 1.5", "Out[_]:<1.5>"),
            ("1.5.3", "<1.5>.3"),
            ("", ""),
            ("é 1", "é<1>"),
            (".", "."),
            ("-", "-"),
            ("-.", "-."),
        ];
        for (text, expected) in table {
            assert_tokens(text, expected);
        }
    }

    #[test]
    fn number_values() {
        let values: Vec<f64> = tokenize("1. -0.5 1e-05 1.e+00 .5")
            .into_iter()
            .filter_map(|t| match t {
                Token::Number(v, _) => Some(v),
                Token::Text(_) => None,
            })
            .collect();
        assert_eq!(values, [1.0, -0.5, 1e-5, 1.0, 0.5]);
    }

    #[test]
    fn closeness_table() {
        let table = [
            (1.0, 1.0 + 1e-13, 1e-12, true),
            (1.0, 1.0 + 1e-11, 1e-12, false),
            (0.0, 0.0, 0.0, true),
            (0.0, -0.0, 0.0, true),
            (0.0, 1e-300, 1e-12, false),
            (f64::NAN, f64::NAN, 0.0, true),
            (f64::NAN, 1.0, 1.0, false),
            (f64::INFINITY, f64::INFINITY, 0.0, true),
            (f64::INFINITY, f64::NEG_INFINITY, 1.0, false),
            (f64::INFINITY, 1e308, 1.0, false),
            (100.0, 101.0, 0.01, true),
        ];
        for (a, b, rtol, expected) in table {
            assert_eq!(numbers_close(a, b, rtol), expected, "{a} vs {b} @ {rtol}");
        }
    }

    #[test]
    fn texts_close_table() {
        let table = [
            ("array([0.1, 0.2])", "array([0.1, 0.2])", true),
            ("array([0.1, 0.2])", "array([0.10000000000001, 0.2])", true),
            ("array([1.  , 2.5])", "array([1.0000000000001, 2.5 ])", true),
            ("array([0.1, 0.2])", "array([0.1, 0.3])", false),
            ("array([0.1, 0.2])", "array([0.1, 0.2, 0.3])", false),
            ("array([0.1])", "list([0.1])", false),
            ("np.float64(nan)", "np.float64(nan)", true),
            ("np.float64(-inf)", "np.float64(inf)", false),
            ("array([1,\n 2])", "array([1, 2])", true),
        ];
        for (a, b, expected) in table {
            assert_eq!(texts_close(a, b, 1e-9), expected, "{a:?} vs {b:?}");
        }
    }

    #[test]
    fn skeleton_table() {
        let table = [
            ("array([0.5488135 , 0.71518937])", "array([#,#])"),
            ("float64 · shape (1, 1) · 2-D", "float64·shape(1,1)·2-D"),
            ("array([], shape=(0, 3), dtype=int64)", "array([],shape=(0,3),dtype=int64)"),
            ("Out[_]: np.float64(0.1)", "Out[_]:np.float64(#)"),
            ("shape (2", "shape(2"),
        ];
        for (line, expected) in table {
            assert_eq!(skeleton(line), expected, "skeleton of {line:?}");
        }
    }
}
