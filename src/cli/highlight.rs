//! Syntax colouring of the input line (keywords, builtins, numbers,
//! strings, comments, magics, and the bracket matching the one at the
//! cursor), and the colours of prompts and output. Only ANSI SGR codes are
//! added, so the display width never changes.

/// A colour class of a piece of input.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Style {
    Plain,
    Keyword,
    Builtin,
    Number,
    Str,
    Comment,
    Magic,
    Bracket,
}

impl Style {
    fn code(self) -> &'static str {
        match self {
            Style::Plain => "",
            Style::Keyword => "\x1b[1;32m",
            Style::Builtin => "\x1b[32m",
            Style::Number => "\x1b[36m",
            Style::Str => "\x1b[33m",
            Style::Comment => "\x1b[3;90m",
            Style::Magic => "\x1b[35m",
            Style::Bracket => "\x1b[1;4m",
        }
    }
}

const RESET: &str = "\x1b[0m";

fn is_builtin(word: &str) -> bool {
    npr::builtins::python_builtin_names().contains(&word)
}

/// The style of every byte of `line`.
pub fn classify(line: &str) -> Vec<Style> {
    let bytes = line.as_bytes();
    let mut styles = vec![Style::Plain; bytes.len()];
    let mut i = 0;
    // A magic's name at the start of the line.
    let lead = line.len() - line.trim_start().len();
    if line[lead..].starts_with('%') {
        let end = line[lead..].find(char::is_whitespace).map_or(line.len(), |k| lead + k);
        styles[lead..end].fill(Style::Magic);
        i = end;
    }
    while i < bytes.len() {
        let c = bytes[i];
        if c == b'#' {
            styles[i..].fill(Style::Comment);
            break;
        }
        // String, with an optional prefix (f, r, b, rb...).
        let prefix_len = bytes[i..].iter().take_while(|b| b"rRbBfFuU".contains(b)).count().min(2);
        let starts_word = i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_');
        if starts_word && matches!(bytes.get(i + prefix_len), Some(b'\'') | Some(b'"')) {
            let q = bytes[i + prefix_len];
            let open = i + prefix_len;
            let triple = bytes[open..].starts_with(&[q, q, q]);
            let mut j = open + if triple { 3 } else { 1 };
            loop {
                if j >= bytes.len() {
                    break;
                }
                if bytes[j] == b'\\' {
                    j += 2;
                    continue;
                }
                if bytes[j] == q && (!triple || bytes[j..].starts_with(&[q, q, q])) {
                    j += if triple { 3 } else { 1 };
                    break;
                }
                j += 1;
            }
            let j = j.min(bytes.len());
            styles[i..j].fill(Style::Str);
            i = j;
            continue;
        }
        if c.is_ascii_digit() || (c == b'.' && bytes.get(i + 1).is_some_and(|d| d.is_ascii_digit()) && starts_word) {
            let mut j = i;
            while j < bytes.len() {
                let d = bytes[j];
                let exponent_sign = (d == b'+' || d == b'-') && j > i && matches!(bytes[j - 1], b'e' | b'E');
                if d.is_ascii_alphanumeric() || d == b'_' || d == b'.' || exponent_sign {
                    j += 1;
                } else {
                    break;
                }
            }
            if starts_word {
                styles[i..j].fill(Style::Number);
            }
            i = j;
            continue;
        }
        if c.is_ascii_alphabetic() || c == b'_' || !c.is_ascii() {
            let mut j = i;
            while j < bytes.len() && (bytes[j].is_ascii_alphanumeric() || bytes[j] == b'_' || !bytes[j].is_ascii()) {
                j += 1;
            }
            let word = &line[i..j];
            let after_dot = i > 0 && bytes[i - 1] == b'.';
            if !after_dot {
                if npr::syntax::parser::KEYWORDS.contains(&word) {
                    styles[i..j].fill(Style::Keyword);
                } else if is_builtin(word) {
                    styles[i..j].fill(Style::Builtin);
                }
            }
            i = j;
            continue;
        }
        i += 1;
    }
    styles
}

/// Byte index of the bracket matching the one just before or at `pos`.
pub fn matching_bracket(line: &str, pos: usize, styles: &[Style]) -> Option<usize> {
    let bytes = line.as_bytes();
    let candidates = [pos.checked_sub(1), Some(pos)];
    for at in candidates.into_iter().flatten() {
        let Some(&c) = bytes.get(at) else { continue };
        if styles.get(at) != Some(&Style::Plain) {
            continue;
        }
        let (open, close, forward) = match c {
            b'(' => (b'(', b')', true),
            b'[' => (b'[', b']', true),
            b'{' => (b'{', b'}', true),
            b')' => (b'(', b')', false),
            b']' => (b'[', b']', false),
            b'}' => (b'{', b'}', false),
            _ => continue,
        };
        let mut depth = 0i32;
        let plain = |k: usize| styles.get(k) == Some(&Style::Plain);
        if forward {
            for (k, &b) in bytes.iter().enumerate().skip(at) {
                if !plain(k) {
                    continue;
                }
                if b == open {
                    depth += 1;
                } else if b == close {
                    depth -= 1;
                    if depth == 0 {
                        return Some(k);
                    }
                }
            }
        } else {
            for k in (0..=at).rev() {
                if !plain(k) {
                    continue;
                }
                if bytes[k] == close {
                    depth += 1;
                } else if bytes[k] == open {
                    depth -= 1;
                    if depth == 0 {
                        return Some(k);
                    }
                }
            }
        }
    }
    None
}

/// The line with ANSI colours; with the cursor position, the bracket
/// matching the one at the cursor is marked.
pub fn highlight_line(line: &str, pos: Option<usize>) -> String {
    let mut styles = classify(line);
    if let Some(k) = pos.and_then(|pos| matching_bracket(line, pos, &styles)) {
        styles[k] = Style::Bracket;
    }
    let mut out = String::with_capacity(line.len() * 2);
    let mut current = Style::Plain;
    for (i, ch) in line.char_indices() {
        let s = styles[i];
        if s != current {
            if current != Style::Plain {
                out.push_str(RESET);
            }
            out.push_str(s.code());
            current = s;
        }
        out.push(ch);
    }
    if current != Style::Plain {
        out.push_str(RESET);
    }
    out
}

/// `In [n]: ` in green with a bold number; `   ...: ` in green.
pub fn prompt(p: &str) -> String {
    match (p.find('['), p.find(']')) {
        (Some(a), Some(b)) if a < b => {
            format!("\x1b[32m{}\x1b[1;32m{}\x1b[0;32m{}\x1b[0m", &p[..=a], &p[a + 1..b], &p[b..])
        }
        _ => format!("\x1b[32m{p}\x1b[0m"),
    }
}

/// Hints in grey.
pub fn hint(h: &str) -> String {
    format!("\x1b[90m{h}\x1b[0m")
}

/// A cell's output with colour: `Out[n]:` in red, error lines in red,
/// notes and hints dimmed. `value_start` is where the `Out[n]:` prompt is
/// (if the cell showed a value), `error_start` where the error text is.
pub fn output(text: &str, value_start: Option<usize>, error_start: Option<usize>) -> String {
    let mut out = String::with_capacity(text.len() + 32);
    let mut rest_start = 0;
    if let Some(v) = value_start {
        if let Some(end) = text[v..].find("]:").map(|k| v + k + 2) {
            out.push_str(&text[..v]);
            let prompt = &text[v..end];
            match (prompt.find('['), prompt.find(']')) {
                (Some(a), Some(b)) => out.push_str(&format!(
                    "\x1b[31m{}\x1b[1;31m{}\x1b[0;31m{}\x1b[0m",
                    &prompt[..=a],
                    &prompt[a + 1..b],
                    &prompt[b..]
                )),
                _ => out.push_str(prompt),
            }
            rest_start = end;
        }
    }
    match error_start {
        Some(e) if e >= rest_start => {
            out.push_str(&text[rest_start..e]);
            let lines: Vec<&str> = text[e..].split('\n').collect();
            for (k, l) in lines.iter().enumerate() {
                let t = l.trim_start();
                if !t.is_empty() && t.chars().all(|c| c == '^' || c == '~') {
                    out.push_str(&format!("\x1b[1;31m{l}\x1b[0m"));
                } else if t.starts_with("note:") {
                    out.push_str(&format!("\x1b[36m{l}\x1b[0m"));
                } else if t.starts_with("hint:") {
                    out.push_str(&format!("\x1b[32m{l}\x1b[0m"));
                } else if is_error_line(t) {
                    let (name, msg) = t.split_once(':').unwrap_or((t, ""));
                    out.push_str(&format!("\x1b[1;31m{name}\x1b[0m{}{msg}", if msg.is_empty() { "" } else { ":" }));
                } else {
                    out.push_str(l);
                }
                if k + 1 < lines.len() {
                    out.push('\n');
                }
            }
        }
        _ => out.push_str(&text[rest_start..]),
    }
    out
}

/// `ValueError: ...`, `KeyboardInterrupt`, `UsageError: ...`.
fn is_error_line(t: &str) -> bool {
    let name = t.split(':').next().unwrap_or("");
    !name.is_empty()
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '.')
        && (name.ends_with("Error")
            || name.ends_with("Interrupt")
            || name.ends_with("Exception")
            || name == "Exception")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strip(s: &str) -> String {
        let mut out = String::new();
        let mut in_esc = false;
        for c in s.chars() {
            if in_esc {
                in_esc = c != 'm';
            } else if c == '\x1b' {
                in_esc = true;
            } else {
                out.push(c);
            }
        }
        out
    }

    #[test]
    fn classes() {
        let line = "for x in range(3): y = f'{x}' + 1.5e-3  # note";
        let s = classify(line);
        let at = |needle: &str| s[line.find(needle).unwrap()];
        assert_eq!(at("for"), Style::Keyword);
        assert_eq!(at("range"), Style::Builtin);
        assert_eq!(at("f'{x}'"), Style::Str);
        assert_eq!(at("1.5e-3"), Style::Number);
        assert_eq!(s[line.find("e-3").unwrap() + 1], Style::Number);
        assert_eq!(at("# note"), Style::Comment);
        assert_eq!(at("y ="), Style::Plain);
        assert_eq!(classify("%timeit a")[0], Style::Magic);
        assert_eq!(classify("x1 = 2")[1], Style::Plain);
    }

    #[test]
    fn width_is_unchanged() {
        for line in ["np.dot(a, (b + 1))", "s = 'é' # ü", "'''open", "%time x.sum()"] {
            for pos in 0..=line.len() {
                if line.is_char_boundary(pos) {
                    assert_eq!(strip(&highlight_line(line, Some(pos))), line);
                }
            }
        }
        assert_eq!(matching_bracket("f(a[1])", 7, &classify("f(a[1])")), Some(1));
        assert_eq!(matching_bracket("f(')')", 2, &classify("f(')')")), Some(5));
        assert_eq!(strip(&prompt("In [12]: ")), "In [12]: ");
    }

    #[test]
    fn output_colours() {
        let text = "hello\nOut[3]: 5";
        let coloured = output(text, Some(6), None);
        assert_eq!(strip(&coloured), text);
        assert!(coloured.contains("\x1b[31mOut["));
        let err = "x + y\n  ^\nValueError: bad";
        assert_eq!(strip(&output(err, None, Some(6))), err);
    }
}
