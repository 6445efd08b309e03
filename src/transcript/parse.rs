//! Parsing transcripts and rendering cells in npr's canonical format.
//!
//! Three dialects are accepted, chosen by the first prompt in the file:
//!
//! - **npr / IPython** (`In [N]: ` prompts, `...: ` continuations): a cell's output runs until
//!   the next `In [N]:` line or the end of the file, because outputs (3-D arrays, tracebacks)
//!   may themselves contain blank lines. Trailing blank lines are the separator, not output.
//! - **IPython pastes** are the same dialect; their tracebacks are handled by
//!   [`super::compare`], not here.
//! - **doctest** (`>>> ` prompts, `... ` continuations): output runs until a blank line or the
//!   next `>>>`; text between examples is prose. `<BLANKLINE>` stands for an empty output line.
//!
//! Mixing dialects in one file is not supported: in an npr file a `>>>` line is just output,
//! and in a doctest file an `In [N]:` line is just prose or output.
//!
//! Some outputs cannot be written back unambiguously, and blessing does not try to escape
//! them: an output line that itself looks like a prompt (`In [N]:` in npr files, `>>>` in
//! doctest files), a first output line that looks like a continuation (`...:` / `...`), or a
//! literal `<BLANKLINE>` in a doctest file. npr never prints such lines for NumPy values.
//!
//! Every cell remembers where its output lives in the original text so that blessing can
//! splice in new outputs while leaving every other byte of the file untouched.

use std::ops::Range;

use super::header::HeaderOptions;
use super::TranscriptError;

/// Which prompt dialect a cell was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromptStyle {
    /// `In [N]: ` / `   ...: ` (npr's own format and IPython pastes).
    IPython,
    /// `>>> ` / `... `.
    Doctest,
}

/// One input cell and the output recorded for it.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordedCell {
    /// The `N` of `In [N]:`; `None` for doctest cells. Ignored when matching cells.
    pub number: Option<usize>,
    /// The source with prompts removed, lines joined by `\n`, no trailing newline.
    pub source: String,
    /// The recorded output, lines joined by `\n`, without the trailing blank separator lines.
    /// For doctest cells the indentation is removed and `<BLANKLINE>` is turned into `""`.
    pub output: String,
    /// The dialect of the cell's prompts.
    pub style: PromptStyle,
    /// 0-based, half-open range of the file lines the cell occupies, separators included.
    pub lines: Range<usize>,
    /// Byte range of the output lines (newlines included) in the transcript text; an empty
    /// range marks where output would be inserted when the cell has none.
    pub output_span: Range<usize>,
    /// Indentation of a doctest prompt, re-applied to output lines when blessing.
    indent: String,
}

impl RecordedCell {
    /// The 1-based line number of the cell's prompt.
    pub fn line_number(&self) -> usize {
        self.lines.start + 1
    }

    /// The first line of the source, for reports.
    pub fn first_source_line(&self) -> &str {
        self.source.lines().next().unwrap_or("")
    }
}

/// A parsed transcript. It keeps the original text so that re-blessing can be byte-exact.
#[derive(Debug, Clone, PartialEq)]
pub struct Transcript {
    /// Options from the `# npr:` header line (defaults when there is none).
    pub header: HeaderOptions,
    /// The cells in file order.
    pub cells: Vec<RecordedCell>,
    /// The dialect of the file; `None` when it has no cells.
    pub style: Option<PromptStyle>,
    text: String,
    prelude_end: usize,
    newline: &'static str,
}

impl Transcript {
    /// The original text the transcript was parsed from.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Everything before the first cell: header, comments, prose.
    pub fn prelude(&self) -> &str {
        &self.text[..self.prelude_end]
    }

    /// Re-renders the transcript in npr's canonical format: the prelude verbatim, then every
    /// cell through [`render_cell`]. For a file already in canonical form this is the identity.
    pub fn render_canonical(&self) -> String {
        let mut out = self.prelude().to_owned();
        for (index, cell) in self.cells.iter().enumerate() {
            let number = cell.number.unwrap_or(index + 1);
            out.push_str(&render_cell(number, &cell.source, &cell.output));
        }
        out
    }

    /// The original text with the outputs of some cells replaced. `replacements` holds
    /// (cell index, new output) pairs with outputs in the same logical form as
    /// [`RecordedCell::output`]. Every byte outside the replaced output lines is preserved.
    pub fn with_outputs(&self, replacements: &[(usize, String)]) -> String {
        let mut sorted: Vec<&(usize, String)> =
            replacements.iter().filter(|(index, _)| *index < self.cells.len()).collect();
        sorted.sort_by_key(|(index, _)| *index);
        sorted.dedup_by_key(|(index, _)| *index);
        let mut out = String::with_capacity(self.text.len());
        let mut pos = 0;
        for (index, output) in sorted {
            let span = &self.cells[*index].output_span;
            out.push_str(&self.text[pos..span.start]);
            out.push_str(&self.physical_output(&self.cells[*index], output));
            pos = span.end;
        }
        out.push_str(&self.text[pos..]);
        out
    }

    /// Turns a logical output into the lines written in the file for `cell`.
    fn physical_output(&self, cell: &RecordedCell, output: &str) -> String {
        let output = strip_trailing_blank_lines(output);
        if output.is_empty() {
            return String::new();
        }
        let span = &cell.output_span;
        let unterminated_eof = span.end == self.text.len() && !self.text.ends_with('\n');
        let mut block = String::new();
        if unterminated_eof && span.is_empty() {
            block.push_str(self.newline);
        }
        for line in output.split('\n') {
            block.push_str(&physical_line(cell, line));
            block.push_str(self.newline);
        }
        if unterminated_eof {
            block.truncate(block.len() - self.newline.len());
        }
        block
    }
}

fn physical_line(cell: &RecordedCell, line: &str) -> String {
    match cell.style {
        PromptStyle::IPython => line.to_owned(),
        PromptStyle::Doctest if line.trim().is_empty() => format!("{}<BLANKLINE>", cell.indent),
        PromptStyle::Doctest => format!("{}{line}", cell.indent),
    }
}

/// Renders one cell in npr's format: prompt, continuation lines, output, one blank line.
///
/// This is the exact inverse of parsing: continuation prompts are right-aligned to the width
/// of `In [N]: `, an empty source line gets a prompt without trailing space, and trailing
/// newlines of `source` and trailing blank lines of `output` are dropped.
pub fn render_cell(number: usize, source: &str, output: &str) -> String {
    let mut out = String::new();
    render_cell_into(&mut out, number, source, output);
    out
}

/// [`render_cell`] appended to `out` (a buffer reused from cell to cell).
pub fn render_cell_into(out: &mut String, number: usize, source: &str, output: &str) {
    let source = source.trim_end_matches(['\n', '\r']);
    out.reserve(source.len() + output.len() + 16);
    let start = out.len();
    out.push_str("In [");
    push_decimal(out, number);
    out.push_str("]:");
    let indent = out.len() - start - 4;
    for (i, line) in source.split('\n').enumerate() {
        if i > 0 {
            out.extend(std::iter::repeat_n(' ', indent));
            out.push_str("...:");
        }
        if !line.is_empty() {
            out.push(' ');
            out.push_str(line);
        }
        out.push('\n');
    }
    let output = strip_trailing_blank_lines(output);
    if !output.is_empty() {
        out.push_str(output);
        out.push('\n');
    }
    out.push('\n');
}

/// Appends `n` in decimal (`write!` costs more than a whole small cell's
/// rendering otherwise).
fn push_decimal(out: &mut String, n: usize) {
    let mut digits = [0u8; 20];
    let mut k = digits.len();
    let mut n = n;
    loop {
        k -= 1;
        digits[k] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for &d in &digits[k..] {
        out.push(char::from(d));
    }
}

/// `text` without its trailing whitespace-only lines (and without a final newline).
pub(crate) fn strip_trailing_blank_lines(text: &str) -> &str {
    if text.is_empty() {
        return text;
    }
    let mut end = text.len();
    loop {
        let start = text[..end].rfind('\n').map_or(0, |p| p + 1);
        if !text[start..end].trim().is_empty() {
            return &text[..end];
        }
        if start == 0 {
            return "";
        }
        end = start - 1;
    }
}

/// Parses a transcript in any of the accepted dialects.
///
/// Fails only on an invalid `# npr:` header; anything else that does not look like a prompt
/// is prelude, prose or output, so truncated or odd files still parse.
pub fn parse_transcript(text: &str) -> Result<Transcript, TranscriptError> {
    let lines = split_lines(text);
    let header = parse_header(&lines)?;
    let first = lines.iter().position(|l| prompt_style(l.content).is_some());
    let style = first.and_then(|i| prompt_style(lines[i].content));
    let cells = match (first, style) {
        (Some(start), Some(PromptStyle::IPython)) => ipython_cells(text, &lines, start),
        (Some(start), Some(PromptStyle::Doctest)) => doctest_cells(text, &lines, start),
        _ => Vec::new(),
    };
    let prelude_end = first.map_or(text.len(), |i| lines[i].start);
    let newline = match lines.first() {
        Some(line) if text[line.start..line.end].ends_with("\r\n") => "\r\n",
        _ => "\n",
    };
    Ok(Transcript { header, cells, style, text: text.to_owned(), prelude_end, newline })
}

/// One line of the file: its content without line terminator, and its byte range with it.
#[derive(Debug, Clone, Copy)]
struct Line<'a> {
    content: &'a str,
    start: usize,
    end: usize,
}

fn split_lines(text: &str) -> Vec<Line<'_>> {
    let mut lines = Vec::new();
    let mut start = 0;
    for piece in text.split_inclusive('\n') {
        let content = piece.strip_suffix('\n').unwrap_or(piece);
        let content = content.strip_suffix('\r').unwrap_or(content);
        lines.push(Line { content, start, end: start + piece.len() });
        start += piece.len();
    }
    lines
}

fn parse_header(lines: &[Line<'_>]) -> Result<HeaderOptions, TranscriptError> {
    let Some(first) = lines.first() else {
        return Ok(HeaderOptions::default());
    };
    let content = first.content.trim_start_matches('\u{feff}');
    HeaderOptions::parse_line(content, 1).unwrap_or_else(|| Ok(HeaderOptions::default()))
}

fn prompt_style(line: &str) -> Option<PromptStyle> {
    if ipython_prompt(line).is_some() {
        Some(PromptStyle::IPython)
    } else if doctest_prompt(line).is_some() {
        Some(PromptStyle::Doctest)
    } else {
        None
    }
}

/// `In [N]: source` → (N, source). N is `None` when it overflows `usize`.
fn ipython_prompt(line: &str) -> Option<(Option<usize>, &str)> {
    let rest = line.strip_prefix("In [")?;
    let digits_len = rest.bytes().take_while(u8::is_ascii_digit).count();
    if digits_len == 0 {
        return None;
    }
    let (digits, rest) = rest.split_at(digits_len);
    let source = after_marker(rest.strip_prefix("]:")?)?;
    Some((digits.parse().ok(), source))
}

/// `   ...: source` (any indentation) → source.
fn ipython_continuation(line: &str) -> Option<&str> {
    after_marker(line.trim_start_matches(' ').strip_prefix("...:")?)
}

/// `<indent>>>> source` → (indent, source).
fn doctest_prompt(line: &str) -> Option<(&str, &str)> {
    let body = line.trim_start_matches([' ', '\t']);
    let indent = &line[..line.len() - body.len()];
    Some((indent, after_marker(body.strip_prefix(">>>")?)?))
}

/// `<indent>... source` → source.
fn doctest_continuation<'a>(line: &'a str, indent: &str) -> Option<&'a str> {
    after_marker(line.strip_prefix(indent)?.strip_prefix("...")?)
}

/// The text after a prompt marker: nothing, or one space and the source.
fn after_marker(rest: &str) -> Option<&str> {
    if rest.is_empty() {
        Some(rest)
    } else {
        rest.strip_prefix(' ')
    }
}

fn is_blank(line: &Line<'_>) -> bool {
    line.content.trim().is_empty()
}

/// Byte span of lines `from..to`, or an empty span where line `from` would start.
fn byte_span(text: &str, lines: &[Line<'_>], from: usize, to: usize) -> Range<usize> {
    let start = lines.get(from).map_or(text.len(), |l| l.start);
    let end = if to > from { lines[to - 1].end } else { start };
    start..end
}

fn ipython_cells(text: &str, lines: &[Line<'_>], start: usize) -> Vec<RecordedCell> {
    let mut cells = Vec::new();
    let mut i = start;
    while let Some((number, first)) = lines.get(i).and_then(|l| ipython_prompt(l.content)) {
        let mut source = vec![first];
        let mut j = i + 1;
        while let Some(more) = lines.get(j).and_then(|l| ipython_continuation(l.content)) {
            source.push(more);
            j += 1;
        }
        let next = (j..lines.len()).find(|&k| ipython_prompt(lines[k].content).is_some()).unwrap_or(lines.len());
        let mut out_end = next;
        while out_end > j && is_blank(&lines[out_end - 1]) {
            out_end -= 1;
        }
        let output: Vec<&str> = lines[j..out_end].iter().map(|l| l.content).collect();
        cells.push(RecordedCell {
            number,
            source: source.join("\n"),
            output: output.join("\n"),
            style: PromptStyle::IPython,
            lines: i..next,
            output_span: byte_span(text, lines, j, out_end),
            indent: String::new(),
        });
        i = next;
    }
    cells
}

fn doctest_cells(text: &str, lines: &[Line<'_>], start: usize) -> Vec<RecordedCell> {
    let mut cells = Vec::new();
    let mut i = start;
    while i < lines.len() {
        match doctest_prompt(lines[i].content) {
            Some((indent, first)) => {
                let cell = doctest_cell(text, lines, i, indent, first);
                i = cell.lines.end;
                cells.push(cell);
            }
            None => i += 1,
        }
    }
    cells
}

fn doctest_cell(text: &str, lines: &[Line<'_>], i: usize, indent: &str, first: &str) -> RecordedCell {
    let mut source = vec![first];
    let mut j = i + 1;
    while let Some(more) = lines.get(j).and_then(|l| doctest_continuation(l.content, indent)) {
        source.push(more);
        j += 1;
    }
    let end = (j..lines.len())
        .find(|&k| is_blank(&lines[k]) || doctest_prompt(lines[k].content).is_some())
        .unwrap_or(lines.len());
    let output: Vec<&str> = lines[j..end].iter().map(|l| doctest_output_line(l.content, indent)).collect();
    RecordedCell {
        number: None,
        source: source.join("\n"),
        output: output.join("\n"),
        style: PromptStyle::Doctest,
        lines: i..end,
        output_span: byte_span(text, lines, j, end),
        indent: indent.to_owned(),
    }
}

fn doctest_output_line<'a>(line: &'a str, indent: &str) -> &'a str {
    let body = match line.strip_prefix(indent) {
        Some(body) => body,
        None => line.trim_start_matches([' ', '\t']),
    };
    if body.trim_end() == "<BLANKLINE>" {
        ""
    } else {
        body
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NPR: &str = "\
# npr: --display repr --no-hints
In [1]: a = np.array([1, 2, 3])

In [2]: a
Out[2]: array([1, 2, 3])

In [3]: np.log(0)
RuntimeWarning: divide by zero encountered in log
Out[3]: np.float64(-inf)

In [4]: foo
NameError: name 'foo' is not defined

In [5]: np.eye(2)
Out[5]: 
array([[1., 0.],
       [0., 1.]])

In [6]: def f(x):
   ...:     y = x + 1
   ...:     return y

In [10]: x = 1

In [11]: for i in range(2):
    ...:     print(i)
0
1

";

    #[track_caller]
    fn parse(text: &str) -> Transcript {
        parse_transcript(text).expect("transcript should parse")
    }

    /// (number, source, output) of every cell.
    #[track_caller]
    fn cells(text: &str) -> Vec<(Option<usize>, String, String)> {
        parse(text).cells.into_iter().map(|c| (c.number, c.source, c.output)).collect()
    }

    #[track_caller]
    fn assert_cells(text: &str, expected: &[(Option<usize>, &str, &str)]) {
        let actual = cells(text);
        let expected: Vec<(Option<usize>, String, String)> =
            expected.iter().map(|(n, s, o)| (*n, s.to_string(), o.to_string())).collect();
        assert_eq!(actual, expected, "cells of {text:?}");
    }

    #[track_caller]
    fn assert_round_trip(text: &str) {
        assert_eq!(parse(text).render_canonical(), text);
    }

    #[test]
    fn parses_npr_format() {
        let t = parse(NPR);
        assert_eq!(t.style, Some(PromptStyle::IPython));
        assert!(t.header.no_hints);
        assert_eq!(t.header.display.as_deref(), Some("repr"));
        assert_eq!(t.prelude(), "# npr: --display repr --no-hints\n");
        let got: Vec<_> = t.cells.iter().map(|c| c.number).collect();
        let expected = [1, 2, 3, 4, 5, 6, 10, 11].map(Some);
        assert_eq!(got, expected);
        assert_eq!(t.cells[0].output, "");
        assert_eq!(t.cells[1].output, "Out[2]: array([1, 2, 3])");
        assert_eq!(t.cells[2].output, "RuntimeWarning: divide by zero encountered in log\nOut[3]: np.float64(-inf)");
        assert_eq!(t.cells[4].output, "Out[5]: \narray([[1., 0.],\n       [0., 1.]])");
        assert_eq!(t.cells[5].source, "def f(x):\n    y = x + 1\n    return y");
        assert_eq!(t.cells[7].source, "for i in range(2):\n    print(i)");
        assert_eq!(t.cells[7].output, "0\n1");
        assert_eq!(t.cells[1].line_number(), 4);
        assert_eq!(t.cells[1].lines, 3..6);
    }

    #[test]
    fn canonical_files_round_trip() {
        assert_round_trip(NPR);
        assert_round_trip("In [1]: 1\nOut[1]: 1\n\n");
        assert_round_trip("# a comment\n\nIn [1]:\n\n");
        assert_round_trip("In [99]: def g():\n    ...:\n    ...:     pass\n\n");
        assert_round_trip("In [1]: a\nOut[1]: \narray([[[0]],\n\n       [[1]]])\n\n");
        assert_round_trip("");
    }

    #[test]
    fn render_cell_table() {
        let table: &[(usize, &str, &str, &str)] = &[
            (1, "x = 1", "", "In [1]: x = 1\n\n"),
            (2, "a", "Out[2]: 1", "In [2]: a\nOut[2]: 1\n\n"),
            (3, "if x:\n    y", "", "In [3]: if x:\n   ...:     y\n\n"),
            (10, "if x:\n    y", "", "In [10]: if x:\n    ...:     y\n\n"),
            (100, "a\nb", "", "In [100]: a\n     ...: b\n\n"),
            (4, "f(\n\n)", "", "In [4]: f(\n   ...:\n   ...: )\n\n"),
            (5, "x\n", "out\n\n\n", "In [5]: x\nout\n\n"),
            (6, "", "", "In [6]:\n\n"),
        ];
        for &(number, source, output, expected) in table {
            assert_eq!(render_cell(number, source, output), expected, "{source:?}");
            let parsed = parse(expected);
            assert_eq!(parsed.cells.len(), 1);
            assert_eq!(parsed.cells[0].source, source.trim_end_matches('\n'));
            assert_eq!(parsed.cells[0].output, output.trim_end_matches('\n'));
        }
    }

    #[test]
    fn output_keeps_internal_blank_lines() {
        let text = "In [1]: a\nOut[1]: \narray([[[0]],\n\n       [[1]]])\n\n\n\nIn [2]: b\n";
        assert_cells(text, &[(Some(1), "a", "Out[1]: \narray([[[0]],\n\n       [[1]]])"), (Some(2), "b", "")]);
    }

    #[test]
    fn parses_ipython_paste_with_traceback() {
        let text = "\
In [88]: foo
---------------------------------------------------------------------------
NameError                                 Traceback (most recent call last)
Cell In[88], line 1
----> 1 foo

NameError: name 'foo' is not defined

In [89]: 1 +
  Cell In[89], line 1
    1 +
       ^
SyntaxError: invalid syntax


In [90]: 2
Out[90]: 2
";
        let got = cells(text);
        assert_eq!(got.len(), 3);
        assert_eq!(got[0].0, Some(88));
        assert!(got[0].2.starts_with("-----"));
        assert!(got[0].2.ends_with("NameError: name 'foo' is not defined"));
        assert!(got[0].2.contains("\n\nNameError"), "internal blank line kept");
        assert!(got[1].2.ends_with("SyntaxError: invalid syntax"));
        assert_eq!(got[2], (Some(90), "2".into(), "Out[90]: 2".into()));
    }

    #[test]
    fn continuation_accepts_any_indentation() {
        assert_cells("In [7]: if x:\n...:     y\n          ...: z\n", &[(Some(7), "if x:\n    y\nz", "")]);
    }

    #[test]
    fn parses_doctest() {
        let text = "\
Some prose about the example.

>>> a = np.arange(3)
>>> a
array([0, 1, 2])
>>> def f(x):
...     return x
...
>>> print('a\\n\\nb')
a
<BLANKLINE>
b

More prose.
    >>> 1 + 1
    2
";
        let t = parse(text);
        assert_eq!(t.style, Some(PromptStyle::Doctest));
        assert_eq!(t.prelude(), "Some prose about the example.\n\n");
        let got: Vec<(&str, &str)> = t.cells.iter().map(|c| (c.source.as_str(), c.output.as_str())).collect();
        assert_eq!(
            got,
            [
                ("a = np.arange(3)", ""),
                ("a", "array([0, 1, 2])"),
                ("def f(x):\n    return x\n", ""),
                ("print('a\\n\\nb')", "a\n\nb"),
                ("1 + 1", "2"),
            ]
        );
        assert!(t.cells.iter().all(|c| c.number.is_none()));
    }

    #[test]
    fn odd_inputs_do_not_panic() {
        let table = [
            "",
            "\n\n\n",
            "In [",
            "In [1]",
            "In [1]:",
            "In [x]: 1",
            "In []: 1",
            "In [1]:x",
            "   ...: orphan",
            ">>>",
            ">>>x",
            "...",
            "In [99999999999999999999999]: big",
            "In [1]: a\r\nOut[1]: 1\r\n",
            "\u{feff}# npr: --no-hints\nIn [1]: 1",
            "# npr: --no-hints",
            "In [1]: é\n   ...: ü",
            ">>> a\n... ",
        ];
        for text in table {
            let t = parse(text);
            let _ = t.render_canonical();
            let _ = t.with_outputs(&[(0, "x\ny".into()), (5, "z".into())]);
        }
        assert_eq!(cells("In [99999999999999999999999]: big")[0].0, None);
        assert_eq!(cells("In [1]:x").len(), 0);
        assert_eq!(cells("In [1]: a\r\nOut[1]: 1\r\n")[0].2, "Out[1]: 1");
        assert!(parse("\u{feff}# npr: --no-hints\n").header.no_hints);
    }

    #[test]
    fn invalid_header_is_an_error() {
        let err = parse_transcript("# npr: --display nope\nIn [1]: 1\n").unwrap_err();
        assert!(matches!(err, TranscriptError::Parse { line: 1, .. }), "{err}");
    }

    #[test]
    fn header_only_on_first_line() {
        let t = parse("# comment\n# npr: --display nope\nIn [1]: 1\n");
        assert_eq!(t.header, HeaderOptions::default());
    }

    #[track_caller]
    fn assert_blessed(text: &str, replacements: &[(usize, &str)], expected: &str) {
        let replacements: Vec<(usize, String)> = replacements.iter().map(|(i, s)| (*i, s.to_string())).collect();
        assert_eq!(parse(text).with_outputs(&replacements), expected);
    }

    #[test]
    fn with_outputs_table() {
        assert_blessed(NPR, &[], NPR);
        assert_blessed(
            "In [1]: a\nOut[1]: 1\n\nIn [2]: b\n  odd  \n\n\n",
            &[(0, "Out[1]: 2\nmore")],
            "In [1]: a\nOut[1]: 2\nmore\n\nIn [2]: b\n  odd  \n\n\n",
        );
        assert_blessed(
            "In [1]: a = 1\n\nIn [2]: a\n",
            &[(0, "oops"), (1, "Out[2]: 1")],
            "In [1]: a = 1\noops\n\nIn [2]: a\nOut[2]: 1\n",
        );
        assert_blessed("In [2]: a", &[(0, "Out[2]: 1")], "In [2]: a\nOut[2]: 1");
        assert_blessed("In [2]: a\nOut[2]: 0", &[(0, "Out[2]: 1")], "In [2]: a\nOut[2]: 1");
        assert_blessed("In [2]: a\nOut[2]: 0\n", &[(0, "")], "In [2]: a\n");
        assert_blessed("In [1]: a\r\nOut[1]: 0\r\n\r\n", &[(0, "x\ny")], "In [1]: a\r\nx\r\ny\r\n\r\n");
        assert_blessed(
            "prose\n  >>> a\n  1\n\n  >>> b\n",
            &[(0, "x\n\ny"), (1, "2")],
            "prose\n  >>> a\n  x\n  <BLANKLINE>\n  y\n\n  >>> b\n  2\n",
        );
    }
}
