//! Deciding whether a recorded output still matches the output of a replay.
//!
//! Golden transcripts must be strict enough to catch regressions yet tolerate what
//! legitimately varies between runs and between front ends. [`outputs_match`] applies, in order:
//!
//! 1. **Cell markers** in the source: `# may vary` (or doctest's `+SKIP`) always matches;
//!    `# shape-only` switches to the skeleton rule of step 6.
//! 2. **Normalization**: trailing whitespace on each line and trailing blank lines are ignored,
//!    and `Out[N]:` prompts compare equal whatever `N` is (cells are matched by order, so a
//!    transcript recorded from `In [88]` replays as `In [1]`). Equal now means a match.
//! 3. **Tracebacks** (both sides) are reduced to their final `ExcType: message` line(s):
//!    IPython's `-----…` / `ExcType   Traceback (most recent call last)` block, IPython's
//!    `  Cell In[N], line L` SyntaxError block, and doctest's `Traceback (most recent call last):`.
//! 4. **Decoration**: when the recorded output has none, npr's decoration is dropped from the
//!    actual output: `hint: ` / `note: ` lines, caret lines (only spaces, `^` and `~`) and the
//!    indented source echo directly above a caret line.
//! 5. **Wildcards** in the recorded output: a line that is exactly `...` matches any number of
//!    lines (including none); `[..]` inside a line matches any text within that line.
//! 6. **`# shape-only`**: same number of lines, and each line has the same skeleton: whitespace
//!    removed and every number replaced by `#`, except the numbers of `shape (…)`, `shape=(…)`
//!    and `N-D`, which must be equal. Reprs thus keep their element counts, dtypes and
//!    explicit shapes; npr table captions (`float64 · shape (2, 3) · 2-D`) keep everything
//!    but the values.
//! 7. **Float tolerance** (`--float-tolerance RTOL`): numbers may differ by
//!    `|a - b| <= RTOL * max(|a|, |b|)` (nan equals nan, infinities equal by sign); all other
//!    text must be equal with whitespace ignored, so re-padded or re-wrapped arrays still match.
//!    Lines holding `[..]` wildcards are compared literally around the wildcards.

use super::numbers::{skeleton, texts_close};

/// Options for [`outputs_match`].
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct CompareOptions {
    /// Relative tolerance for numbers; `None` compares numbers as text.
    pub float_tolerance: Option<f64>,
}

/// The line that matches any number of lines.
const LINE_WILDCARD: &str = "...";
/// The text that matches anything within a line.
const INLINE_WILDCARD: &str = "[..]";

/// Whether `actual` is an acceptable replay of a cell whose recorded output is `recorded`.
/// `source` is the cell's source, scanned for `# may vary` and `# shape-only` markers.
pub fn outputs_match(recorded: &str, actual: &str, opts: &CompareOptions, source: &str) -> bool {
    let markers = Markers::scan(source);
    if markers.may_vary {
        return true;
    }
    let recorded = normalize(recorded);
    let actual = normalize(actual);
    if recorded == actual {
        return true;
    }
    let recorded = reduce_traceback(simplify_warnings(recorded));
    let mut actual = reduce_traceback(actual);
    if !recorded.iter().any(|line| is_decoration(line)) {
        actual = strip_decoration(actual);
    }
    if markers.shape_only {
        return skeletons_match(&recorded, &actual);
    }
    lines_match(&recorded, &actual, opts.float_tolerance)
}

/// Comparison markers found in a cell's comments.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Markers {
    /// `# may vary` or `# doctest: +SKIP`: the output is not compared.
    pub may_vary: bool,
    /// `# shape-only`: only the output's structure is compared.
    pub shape_only: bool,
}

impl Markers {
    /// Scans every `#` comment of `source` (case-insensitively).
    pub fn scan(source: &str) -> Self {
        let mut markers = Markers::default();
        for (at, _) in source.match_indices('#') {
            let comment = source[at + 1..].lines().next().unwrap_or("");
            let comment = comment.trim().to_ascii_lowercase();
            markers.may_vary |= comment.starts_with("may vary") || comment.contains("+skip");
            markers.shape_only |= comment.starts_with("shape-only");
        }
        markers
    }
}

/// Lines with trailing whitespace removed, trailing blank lines dropped, `Out[N]:` unnumbered.
fn normalize(text: &str) -> Vec<String> {
    let mut lines: Vec<String> = text.lines().map(|line| unnumber_out_prompt(line.trim_end())).collect();
    while lines.last().is_some_and(|line| line.is_empty()) {
        lines.pop();
    }
    lines
}

/// Splits `Out[N]:rest` into (N's digits, rest).
pub(crate) fn split_out_prompt(line: &str) -> Option<(&str, &str)> {
    let rest = line.strip_prefix("Out[")?;
    let digits_len = rest.bytes().take_while(u8::is_ascii_digit).count();
    let (digits, rest) = rest.split_at(digits_len);
    let rest = rest.strip_prefix("]:")?;
    (digits_len > 0).then_some((digits, rest))
}

fn unnumber_out_prompt(line: &str) -> String {
    match split_out_prompt(line) {
        Some((_, rest)) => format!("Out[_]:{rest}"),
        None => line.to_owned(),
    }
}

/// IPython prints a warning as `<ipython-input-N-hash>:L: Category: message`
/// (or with NumPy's file path) followed by the offending source line; npr
/// prints `Category: message`. Rewrite pasted warnings to npr's form.
fn simplify_warnings(lines: Vec<String>) -> Vec<String> {
    let mut out = Vec::with_capacity(lines.len());
    let mut skip_source = false;
    for line in lines {
        if skip_source {
            skip_source = false;
            if line.starts_with("  ") {
                continue;
            }
        }
        match warning_from_location_line(&line) {
            Some(w) => {
                out.push(w);
                skip_source = true;
            }
            None => out.push(line),
        }
    }
    out
}

/// `<ipython-input-3-ab12>:1: RuntimeWarning: divide by zero…` → `RuntimeWarning: divide by zero…`.
fn warning_from_location_line(line: &str) -> Option<String> {
    let located = line.starts_with("<ipython-input-") || line.starts_with('/') || line.starts_with('~');
    if !located {
        return None;
    }
    // Find ":<digits>: <Category>Warning: " after the location.
    let mut search = 0;
    while let Some(pos) = line[search..].find(": ") {
        let at = search + pos;
        let before = &line[..at];
        let digits = before.rsplit(':').next().unwrap_or("");
        let rest = &line[at + 2..];
        let category = rest.split(':').next().unwrap_or("");
        if !digits.is_empty()
            && digits.bytes().all(|b| b.is_ascii_digit())
            && category.ends_with("Warning")
            && category.bytes().all(|b| b.is_ascii_alphanumeric())
        {
            return Some(rest.to_string());
        }
        search = at + 2;
    }
    None
}

/// Replaces the traceback at the end of the output with the exception line(s) that end it.
/// Chained exceptions print several blocks; the last block's exception is the one kept.
fn reduce_traceback(lines: Vec<String>) -> Vec<String> {
    let Some((start, mut exception)) = next_traceback(&lines, 0) else {
        return lines;
    };
    while let Some((_, later)) = next_traceback(&lines, exception + 1) {
        exception = later;
    }
    let mut reduced = lines[..start].to_vec();
    reduced.extend_from_slice(&lines[exception..]);
    reduced
}

/// The first traceback block starting at or after line `from`: (start, exception line).
fn next_traceback(lines: &[String], from: usize) -> Option<(usize, usize)> {
    (from..lines.len()).find_map(|i| traceback_block(lines, i).map(|e| (i, e)))
}

/// When a traceback block starts at line `i`, the index of its exception line.
fn traceback_block(lines: &[String], i: usize) -> Option<usize> {
    ipython_traceback(lines, i).or_else(|| ipython_syntax_error(lines, i)).or_else(|| doctest_traceback(lines, i))
}

fn ipython_traceback(lines: &[String], i: usize) -> Option<usize> {
    let rule = &lines[i];
    if rule.len() < 20 || !rule.bytes().all(|b| b == b'-') {
        return None;
    }
    let title = lines.get(i + 1)?;
    if !title.contains("Traceback (most recent call last)") {
        return None;
    }
    let name = title.split_whitespace().next()?;
    let short = name.rsplit('.').next().unwrap_or(name);
    let names_exception = |line: &String| {
        [name, short].iter().any(|n| line.strip_prefix(n).is_some_and(|rest| rest.is_empty() || rest.starts_with(':')))
    };
    let last_content = (i + 2..lines.len()).rev().find(|&e| !lines[e].is_empty());
    (i + 2..lines.len()).rev().find(|&e| names_exception(&lines[e])).or(last_content)
}

fn ipython_syntax_error(lines: &[String], i: usize) -> Option<usize> {
    let line = &lines[i];
    let body = line.trim_start();
    let indented = body.len() < line.len();
    if !indented || !(body.starts_with("Cell In[") || body.starts_with("File \"<ipython-input-")) {
        return None;
    }
    (i + 1..lines.len()).find(|&e| is_exception_line(&lines[e]))
}

fn doctest_traceback(lines: &[String], i: usize) -> Option<usize> {
    if !lines[i].starts_with("Traceback (most recent call last)") {
        return None;
    }
    (i + 1..lines.len()).find(|&e| {
        let line = &lines[e];
        !line.is_empty() && !line.starts_with([' ', '\t']) && line != LINE_WILDCARD
    })
}

/// `ExcType` or `ExcType: message` where `ExcType` is a dotted name ending in `Error`,
/// `Exception`, `Warning`, `Interrupt`, `Exit` or `Iteration`.
pub(crate) fn is_exception_line(line: &str) -> bool {
    let name = line.split_once(':').map_or(line, |(name, _)| name);
    let valid = !name.is_empty()
        && !name.starts_with(|c: char| c.is_ascii_digit() || c == '.')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.');
    let suffixes = ["Error", "Exception", "Warning", "Interrupt", "Exit", "Iteration"];
    valid && suffixes.iter().any(|s| name.ends_with(s))
}

/// `SomeWarning: message`.
pub(crate) fn is_warning_line(line: &str) -> bool {
    let name = line.split_once(':').map_or(line, |(name, _)| name);
    is_exception_line(line) && name.ends_with("Warning")
}

/// npr's decoration around errors: hints, notes and caret lines.
fn is_decoration(line: &str) -> bool {
    ["hint:", "note:"].iter().any(|p| line.strip_prefix(p).is_some_and(|r| r.is_empty() || r.starts_with(' ')))
        || is_caret_line(line)
}

fn is_caret_line(line: &str) -> bool {
    line.contains(['^', '~']) && line.chars().all(|c| matches!(c, ' ' | '^' | '~'))
}

/// Drops decoration lines, and the indented source echo directly above a caret line.
fn strip_decoration(lines: Vec<String>) -> Vec<String> {
    let echo = |i: usize| {
        let line: &String = &lines[i];
        lines.get(i + 1).is_some_and(|next| is_caret_line(next))
            && line.starts_with([' ', '\t'])
            && !is_caret_line(line)
    };
    let keep: Vec<bool> = (0..lines.len()).map(|i| !is_decoration(&lines[i]) && !echo(i)).collect();
    lines.into_iter().zip(keep).filter_map(|(line, keep)| keep.then_some(line)).collect()
}

fn skeletons_match(recorded: &[String], actual: &[String]) -> bool {
    recorded.len() == actual.len() && recorded.iter().zip(actual).all(|(r, a)| skeleton(r) == skeleton(a))
}

fn lines_match(recorded: &[String], actual: &[String], rtol: Option<f64>) -> bool {
    let line_wildcards = recorded.iter().any(|line| line == LINE_WILDCARD);
    let inline_wildcards = recorded.iter().any(|line| line.contains(INLINE_WILDCARD));
    match (line_wildcards, inline_wildcards, rtol) {
        (false, false, None) => recorded == actual,
        (false, false, Some(rtol)) => texts_close(&recorded.join("\n"), &actual.join("\n"), rtol),
        (false, true, _) => {
            recorded.len() == actual.len() && recorded.iter().zip(actual).all(|(r, a)| line_matches(r, a, rtol))
        }
        (true, _, _) => wildcard_lines_match(recorded, actual, rtol),
    }
}

fn line_matches(recorded: &str, actual: &str, rtol: Option<f64>) -> bool {
    if recorded.contains(INLINE_WILDCARD) {
        return glob_match(recorded, actual);
    }
    match rtol {
        Some(rtol) => texts_close(recorded, actual, rtol),
        None => recorded == actual,
    }
}

/// Matches `pattern`, in which `[..]` stands for any text, against `text`.
fn glob_match(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split(INLINE_WILDCARD).collect();
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if parts.len() == 1 {
        return pattern == text;
    }
    let Some(mut rest) = text.strip_prefix(first) else {
        return false;
    };
    for middle in &parts[1..parts.len() - 1] {
        match rest.find(middle) {
            Some(at) => rest = &rest[at + middle.len()..],
            None => return false,
        }
    }
    rest.ends_with(last)
}

/// Line-level matching where a recorded `...` line matches any run of actual lines
/// (dynamic programming over prefixes; `row[j]`: recorded prefix matches `actual[..j]`).
fn wildcard_lines_match(recorded: &[String], actual: &[String], rtol: Option<f64>) -> bool {
    let mut row = vec![false; actual.len() + 1];
    row[0] = true;
    for pattern in recorded {
        let mut next = vec![false; actual.len() + 1];
        if pattern == LINE_WILDCARD {
            next[0] = row[0];
            for j in 1..=actual.len() {
                next[j] = row[j] || next[j - 1];
            }
        } else {
            for j in 1..=actual.len() {
                next[j] = row[j - 1] && line_matches(pattern, &actual[j - 1], rtol);
            }
        }
        row = next;
    }
    row[actual.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXACT: CompareOptions = CompareOptions { float_tolerance: None };
    const TOLERANT: CompareOptions = CompareOptions { float_tolerance: Some(1e-9) };

    #[track_caller]
    fn check(recorded: &str, actual: &str, opts: &CompareOptions, source: &str, expected: bool) {
        assert_eq!(
            outputs_match(recorded, actual, opts, source),
            expected,
            "recorded {recorded:?} vs actual {actual:?} (source {source:?})"
        );
    }

    #[track_caller]
    fn matches(recorded: &str, actual: &str) {
        check(recorded, actual, &EXACT, "x", true);
    }

    #[track_caller]
    fn differs(recorded: &str, actual: &str) {
        check(recorded, actual, &EXACT, "x", false);
    }

    #[test]
    fn exact_and_whitespace_rules() {
        matches("", "");
        matches("Out[1]: 1", "Out[1]: 1");
        matches("Out[1]: 1  \nb\t", "Out[1]: 1\nb\n");
        matches("a\n\n\n", "a");
        matches("Out[5]: \narray([1])", "Out[5]:\narray([1])");
        differs("a", "b");
        differs("a", " a");
        differs("a\nb", "a\n\nb");
        differs("", "x");
        differs("x", "");
    }

    #[test]
    fn out_prompt_numbers_are_ignored() {
        matches("Out[88]: 1", "Out[1]: 1");
        matches("Out[88]: \n[1]", "Out[3]: \n[1]");
        differs("Out[88]: 1", "Out[1]: 2");
        differs("Out[x]: 1", "Out[1]: 1");
    }

    #[test]
    fn wildcard_table() {
        let table = [
            ("...", "", true),
            ("...", "anything\nat all", true),
            ("a\n...\nz", "a\nz", true),
            ("a\n...\nz", "a\nb\nc\nz", true),
            ("a\n...\nz", "a\nb\nc", false),
            ("...\nz", "a\nz\nz", true),
            ("a\n...\n...\nz", "a\nq\nz", true),
            (" ...", "anything", false),
            ("Out[1]: array([[..]])", "Out[1]: array([1, 2])", true),
            ("[..]", "", false),
            ("[..]", "x", true),
            ("a[..]b[..]c", "a1b2c", true),
            ("a[..]b[..]c", "abc", true),
            ("a[..]b[..]c", "a1c", false),
            ("ab[..]ba", "aba", false),
            ("id: [..]\n...\nend", "id: 0x1f\nx\ny\nend", true),
            ("x[..]", "y1", false),
            ("[..]x", "1x\n2", false),
        ];
        for (recorded, actual, expected) in table {
            check(recorded, actual, &EXACT, "x", expected);
        }
    }

    #[test]
    fn ipython_traceback_reduces_to_exception_line() {
        let recorded = "\
---------------------------------------------------------------------------
NameError                                 Traceback (most recent call last)
Cell In[8], line 1
----> 1 foo

NameError: name 'foo' is not defined";
        matches(recorded, "NameError: name 'foo' is not defined");
        differs(recorded, "NameError: name 'bar' is not defined");
        matches(&format!("printed first\n{recorded}"), "printed first\nNameError: name 'foo' is not defined");
    }

    #[test]
    fn qualified_exception_names_reduce() {
        let recorded = "\
---------------------------------------------------------------------------
AxisError                                 Traceback (most recent call last)
Cell In[3], line 1
----> 1 np.sum(a, axis=3)

AxisError: axis 3 is out of bounds for array of dimension 1";
        matches(recorded, "AxisError: axis 3 is out of bounds for array of dimension 1");
    }

    #[test]
    fn chained_tracebacks_reduce_to_the_last_exception() {
        let rule = "-".repeat(75);
        let recorded = format!(
            "{rule}\nKeyError                                  Traceback (most recent call last)\n\
             Cell In[1], line 2\n----> 2 d['k']\n\nKeyError: 'k'\n\n\
             During handling of the above exception, another exception occurred:\n\n\
             {rule}\nValueError                                Traceback (most recent call last)\n\
             Cell In[1], line 4\n----> 4 raise ValueError('v')\n\nValueError: v"
        );
        matches(&recorded, "ValueError: v");
        differs(&recorded, "KeyError: 'k'");
    }

    #[test]
    fn syntax_error_and_doctest_tracebacks_reduce() {
        let syntax = "  Cell In[2], line 1\n    1 +\n       ^\nSyntaxError: invalid syntax";
        matches(syntax, "SyntaxError: invalid syntax");
        matches(syntax, "SyntaxError: invalid syntax\n  1 +\n    ^\nhint: finish it");
        differs(syntax, "SyntaxError: unexpected EOF");
        let doctest = "Traceback (most recent call last):\n  ...\nZeroDivisionError: division by zero";
        matches(doctest, "ZeroDivisionError: division by zero");
        let elided = "Traceback (most recent call last):\n...\nValueError: bad";
        matches(elided, "ValueError: bad");
    }

    #[test]
    fn decoration_table() {
        let error = "NameError: name 'foo' is not defined";
        let table = [
            (format!("  foo\n  ^^^\n{error}"), true),
            (format!("{error}\nhint: did you mean 'for'?"), true),
            (format!("note: while evaluating\n{error}\nhint: x"), true),
            (format!("{error}\n  ~~~^~~"), true),
            (format!("{error}\nhints: not decoration"), false),
            (format!("other\n{error}"), false),
        ];
        for (actual, expected) in table {
            check(error, &actual, &EXACT, "foo", expected);
        }
    }

    #[test]
    fn recorded_decoration_is_compared() {
        let recorded = "NameError: x\nhint: one";
        differs(recorded, "NameError: x\nhint: two");
        differs(recorded, "NameError: x");
        matches(recorded, "NameError: x\nhint: one");
    }

    #[test]
    fn float_tolerance_table() {
        let table = [
            ("Out[1]: np.float64(0.1)", "Out[1]: np.float64(0.10000000000000002)", true),
            ("Out[1]: np.float64(0.1)", "Out[1]: np.float64(0.2)", false),
            ("Out[1]: array([1.  , 2.5])", "Out[1]: array([1.0000000001, 2.5])", true),
            (
                "Out[1]: \narray([[1., 0.],\n       [0., 1.]])",
                "Out[1]: \narray([[1., 0.],\n       [0., 1.0000000000001]])",
                true,
            ),
            ("Out[1]: array([1, 2])", "Out[1]: array([1, 2, 3])", false),
            ("Out[1]: array([1, 2], dtype=int32)", "Out[1]: array([1, 2])", false),
            ("Out[1]: [nan, -inf]", "Out[1]: [nan, -inf]", true),
            ("Out[1]: 1e-05", "Out[1]: 1.00000000001e-05", true),
            ("a\n...\nOut[1]: 0.5", "a\nb\nOut[1]: 0.5000000000001", true),
            ("id [..]: 0.5", "id 7: 0.5000000000001", false),
        ];
        for (recorded, actual, expected) in table {
            check(recorded, actual, &TOLERANT, "x", expected);
        }
        differs("Out[1]: np.float64(0.1)", "Out[1]: np.float64(0.10000000000000002)");
    }

    #[test]
    fn marker_table() {
        let table = [
            ("x  # may vary", "1", "2", true),
            ("x  # May Vary: random", "1", "2", true),
            ("x  # doctest: +SKIP", "1", "2", true),
            ("s = '#'\nx", "1", "2", false),
            ("np.random.rand(2)  # shape-only", "array([0.1, 0.2])", "array([0.5, 0.7])", true),
            ("r  # shape-only", "array([0.1, 0.2])", "array([0.5, 0.7, 0.1])", false),
            ("r  # shape-only", "array([0.1])", "array([0.1], dtype=float32)", false),
            ("r  # shape-only", "float64 · shape (2, 3) · 2-D", "float64 · shape (3, 2) · 2-D", false),
            ("r  # shape-only", "float64 · shape (2,) · 1-D\n 0.1", "float64 · shape (2,) · 1-D\n 9.5", true),
            ("r  # shape-only", "a\nb", "a", false),
            ("r  # shape-only", "Out[9]: 0.25", "Out[1]: 12.5", true),
        ];
        for (source, recorded, actual, expected) in table {
            check(recorded, actual, &EXACT, source, expected);
        }
    }

    #[test]
    fn markers_scan() {
        assert_eq!(Markers::scan("x"), Markers::default());
        let both = Markers::scan("a  # shape-only\nb  # may vary");
        assert!(both.may_vary && both.shape_only);
    }

    #[test]
    fn exception_line_table() {
        let table = [
            ("NameError: x", true),
            ("ValueError", true),
            ("numpy.exceptions.AxisError: axis 2", true),
            ("RuntimeWarning: divide by zero", true),
            ("KeyboardInterrupt", true),
            ("Out[1]: 1", false),
            ("error: x", false),
            ("1Error: x", false),
            ("Error in thing: x", false),
            ("", false),
        ];
        for (line, expected) in table {
            assert_eq!(is_exception_line(line), expected, "{line:?}");
        }
    }

    #[test]
    fn glob_edge_cases() {
        assert!(glob_match("[..][..]", "anything"));
        assert!(glob_match("a[..]", "a"));
        assert!(!glob_match("a[..]", ""));
        assert!(glob_match("plain", "plain"));
    }
}
