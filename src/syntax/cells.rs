//! Splitting a script into cells the way IPython sees lines typed one at a
//! time, and deciding whether interactive input is complete.
//!
//! A cell is one line, unless brackets are still open, the line ends with a
//! backslash, or a triple-quoted string is still open (the cell continues),
//! or the line is a compound statement header (`def`, `if`, `for`, ...).
//! A block goes on while the following lines are indented (or are
//! `else`/`elif`/`except`/`finally` lines) and ends at a blank line or at a
//! line that is not indented.

use super::parser::parse_cell;

/// One cell of a script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellSource {
    pub text: String,
    /// 1-based line of the script where the cell starts.
    pub first_line: usize,
}

/// What the REPL should do with the text typed so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Completeness {
    /// Run it.
    Complete,
    /// Ask for another line, suggesting this much indentation.
    Incomplete { indent: usize },
    /// Run it anyway, to show the syntax error.
    Invalid,
}

/// Words that start a compound statement (and so a block).
const BLOCK_KEYWORDS: &[&str] =
    &["def", "class", "if", "elif", "else", "for", "while", "with", "try", "except", "finally", "async"];

/// Words that continue a block from column 0.
const CONTINUATION_KEYWORDS: &[&str] = &["else", "elif", "except", "finally"];

/// Splits a script into cells; blank lines between cells are dropped.
pub fn split_cells(script: &str) -> Vec<CellSource> {
    cells(script).collect()
}

/// The cells of a script, split one at a time as they are asked for (`npr
/// run` never holds more than one cell's text).
pub fn cells(script: &str) -> Cells<'_> {
    Cells { lines: lines_of(script), start: 0 }
}

/// Iterator of [`cells`].
pub struct Cells<'a> {
    lines: Vec<&'a str>,
    start: usize,
}

impl Iterator for Cells<'_> {
    type Item = CellSource;

    fn next(&mut self) -> Option<CellSource> {
        while self.start < self.lines.len() {
            if is_blank(self.lines[self.start]) {
                self.start += 1;
                continue;
            }
            let end = cell_end(&self.lines, self.start);
            let cell = make_cell(&self.lines[self.start..end], self.start + 1);
            self.start = end;
            return Some(cell);
        }
        None
    }
}

/// Decides whether `text` (the lines typed so far) should run now.
pub fn check_complete(text: &str) -> Completeness {
    if text.trim().is_empty() {
        return Completeness::Complete;
    }
    let lines = lines_of(text);
    let shape = Shape::of(&lines);
    let ends_blank = lines.len() > 1 && lines.last().is_some_and(|l| l.trim().is_empty());
    let error = match parse_cell(text) {
        Ok(_) if shape.block && !ends_blank => {
            return Completeness::Incomplete { indent: shape.next_indent() };
        }
        Ok(_) => return Completeness::Complete,
        Err(e) => e,
    };
    let at_end = error.offset >= text.trim_end().len();
    let incomplete = error.message.ends_with("was never closed")
        || error.message.starts_with("unterminated triple-quoted string literal")
        || error.message == "unexpected EOF while parsing"
        || (error.message.starts_with("expected an indented block") && at_end && !ends_blank);
    match incomplete {
        true => Completeness::Incomplete { indent: shape.next_indent() },
        false => Completeness::Invalid,
    }
}

/// The lines of a text, without `\r` line ends.
fn lines_of(text: &str) -> Vec<&str> {
    let mut lines = Vec::with_capacity(text.bytes().filter(|&b| b == b'\n').count() + 1);
    // A byte loop: `split('\n')` costs several times more per line.
    let mut start = 0;
    for (i, b) in text.bytes().enumerate() {
        if b == b'\n' {
            lines.push(&text[start..i]);
            start = i + 1;
        }
    }
    lines.push(&text[start..]);
    for l in &mut lines {
        *l = l.strip_suffix('\r').unwrap_or(l);
    }
    lines
}

/// Whether a line is whitespace only (`trim().is_empty()` in one pass that
/// stops at the first visible character: run for every line of a script).
fn is_blank(line: &str) -> bool {
    line.chars().all(char::is_whitespace)
}

/// Width of a line's indentation (tabs to the next multiple of 8).
fn indent_width(line: &str) -> usize {
    let mut col = 0;
    for c in line.chars() {
        match c {
            ' ' => col += 1,
            '\t' => col = (col / 8 + 1) * 8,
            _ => break,
        }
    }
    col
}

/// The first word of a line (letters, digits and underscores).
fn first_word(line: &str) -> &str {
    let line = line.trim_start();
    let ascii_end = line.bytes().position(|b| !(b.is_ascii_alphanumeric() || b == b'_')).unwrap_or(line.len());
    let end = match line.as_bytes().get(ascii_end) {
        Some(b) if !b.is_ascii() => {
            line[ascii_end..].find(|c: char| !(c.is_alphanumeric() || c == '_')).map_or(line.len(), |k| ascii_end + k)
        }
        _ => ascii_end,
    };
    &line[..end]
}

fn is_header(line: &str) -> bool {
    BLOCK_KEYWORDS.contains(&first_word(line))
}

/// The line after `start` where the cell starting there ends.
fn cell_end(lines: &[&str], start: usize) -> usize {
    let base = indent_width(lines[start]);
    let mut scanner = Scanner::default();
    let mut in_block = false;
    let mut next = start;
    loop {
        let logical_start = next;
        next = scanner.logical_line(lines, next);
        if scanner.open() {
            return next;
        }
        in_block |= is_header(lines[logical_start]);
        let Some(line) = lines.get(next).filter(|_| in_block) else {
            return next;
        };
        let continues = indent_width(line) > base || CONTINUATION_KEYWORDS.contains(&first_word(line));
        if line.trim().is_empty() || !continues {
            return next;
        }
    }
}

fn make_cell(lines: &[&str], first_line: usize) -> CellSource {
    let used = lines.iter().rposition(|l| !is_blank(l)).map_or(0, |k| k + 1);
    let lines = &lines[..used];
    let text = match lines {
        [single] => single.trim_start().to_string(),
        _ => lines.join("\n"),
    };
    CellSource { text, first_line }
}

/// What `check_complete` needs to know about the lines typed so far.
struct Shape {
    /// Some logical line is a compound statement header.
    block: bool,
    /// Indentation of the last non-blank line.
    last_indent: usize,
    /// Whether the last logical line ends with `:`.
    ends_with_colon: bool,
    /// Indentation of the last logical line's first line.
    header_indent: usize,
}

impl Shape {
    fn of(lines: &[&str]) -> Shape {
        let mut scanner = Scanner::default();
        let mut shape = Shape { block: false, last_indent: 0, ends_with_colon: false, header_indent: 0 };
        let mut next = 0;
        while next < lines.len() {
            let first = lines[next];
            next = scanner.logical_line(lines, next);
            if first.trim().is_empty() {
                continue;
            }
            shape.block |= is_header(first);
            shape.ends_with_colon = scanner.last_significant == Some(':');
            shape.header_indent = indent_width(first);
        }
        let last = lines.iter().rev().find(|l| !l.trim().is_empty());
        shape.last_indent = last.map_or(0, |l| indent_width(l));
        shape
    }

    fn next_indent(&self) -> usize {
        match self.ends_with_colon {
            true => self.header_indent + 4,
            false => self.last_indent,
        }
    }
}

/// Tracks brackets, strings and comments across physical lines.
#[derive(Default, Debug, Clone, PartialEq)]
struct Scanner {
    brackets: usize,
    /// An open string: its quote and whether it is triple-quoted.
    string: Option<(char, bool)>,
    /// The last line ended with a continuation backslash.
    backslash: bool,
    /// The last character outside comments and whitespace.
    last_significant: Option<char>,
}

impl Scanner {
    fn open(&self) -> bool {
        self.brackets > 0 || self.string.is_some() || self.backslash
    }

    /// Feeds the physical lines of one logical line starting at `start`;
    /// returns the index after it.
    fn logical_line(&mut self, lines: &[&str], start: usize) -> usize {
        self.last_significant = None;
        let mut next = start;
        while let Some(line) = lines.get(next) {
            self.feed(line);
            next += 1;
            if !self.open() {
                break;
            }
        }
        next
    }

    fn feed(&mut self, line: &str) {
        self.backslash = false;
        if self.string.is_none() && self.feed_plain(line.as_bytes()) {
            return;
        }
        self.feed_chars(line);
    }

    fn feed_chars(&mut self, line: &str) {
        let mut chars = line.chars().peekable();
        while let Some(c) = chars.next() {
            if let Some((quote, triple)) = self.string {
                self.in_string(c, quote, triple, &mut chars);
                continue;
            }
            if c == '#' {
                break;
            }
            if !c.is_whitespace() {
                self.last_significant = Some(c);
            }
            match c {
                '\'' | '"' => self.string = Some((c, Self::triple_follows(c, &mut chars))),
                '(' | '[' | '{' => self.brackets += 1,
                ')' | ']' | '}' => self.brackets = self.brackets.saturating_sub(1),
                '\\' if chars.peek().is_none() => self.backslash = true,
                _ => {}
            }
        }
        // A one-quote string cannot span lines (unless a backslash continues it).
        if matches!(self.string, Some((_, false))) && !self.backslash {
            self.string = None;
        }
    }

    /// [`Scanner::feed`] for the common line: ASCII, outside any string,
    /// with no quote, comment or backslash (so only brackets matter).
    /// Returns false, having changed nothing, for any other line.
    fn feed_plain(&mut self, line: &[u8]) -> bool {
        let mut brackets = self.brackets;
        let mut last = None;
        for &b in line {
            match b {
                b'(' | b'[' | b'{' => brackets += 1,
                b')' | b']' | b'}' => brackets = brackets.saturating_sub(1),
                b'\'' | b'"' | b'#' | b'\\' | 0x80.. => return false,
                // `char::is_whitespace` on ASCII.
                b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r' => continue,
                _ => {}
            }
            last = Some(b);
        }
        self.brackets = brackets;
        if let Some(b) = last {
            self.last_significant = Some(char::from(b));
        }
        true
    }

    /// Consumes two more `quote`s if they come next.
    fn triple_follows(quote: char, chars: &mut std::iter::Peekable<std::str::Chars>) -> bool {
        let mut ahead = chars.clone();
        if ahead.next() == Some(quote) && ahead.next() == Some(quote) {
            chars.next();
            chars.next();
            return true;
        }
        false
    }

    fn in_string(&mut self, c: char, quote: char, triple: bool, chars: &mut std::iter::Peekable<std::str::Chars>) {
        if c == '\\' {
            if chars.next().is_none() {
                self.backslash = true;
            }
            return;
        }
        if c != quote {
            return;
        }
        if !triple || Self::triple_follows(quote, chars) {
            self.string = None;
            self.last_significant = Some(quote);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `script` splits into cells `(first_line, text)`.
    #[track_caller]
    fn splits(script: &str, expected: &[(usize, &str)]) {
        let cells: Vec<_> = split_cells(script).into_iter().map(|c| (c.first_line, c.text)).collect();
        let expected: Vec<_> = expected.iter().map(|&(l, t)| (l, t.to_string())).collect();
        assert_eq!(cells, expected, "script: {script:?}");
    }

    #[track_caller]
    fn complete(text: &str, expected: Completeness) {
        assert_eq!(check_complete(text), expected, "text: {text:?}");
    }

    fn incomplete(indent: usize) -> Completeness {
        Completeness::Incomplete { indent }
    }

    #[test]
    fn one_line_per_cell() {
        splits("x = 1\ny = 2\n", &[(1, "x = 1"), (2, "y = 2")]);
        splits("a\n\n\nb", &[(1, "a"), (4, "b")]);
        splits("", &[]);
        splits("\n  \n\t\n", &[]);
        splits("x = 1\r\ny = 2\r\n", &[(1, "x = 1"), (2, "y = 2")]);
    }

    #[test]
    fn comment_lines_are_cells() {
        splits("# intro\nx = 1  # note\n", &[(1, "# intro"), (2, "x = 1  # note")]);
    }

    #[test]
    fn single_line_indentation_is_dropped() {
        splits("x = 1\n    y = 2\n", &[(1, "x = 1"), (2, "y = 2")]);
        splits("  # indented comment", &[(1, "# indented comment")]);
    }

    #[test]
    fn open_brackets_continue() {
        splits("x = [1,\n     2]\ny = 3", &[(1, "x = [1,\n     2]"), (3, "y = 3")]);
        splits("f(a,\n\n  b)\n", &[(1, "f(a,\n\n  b)")]);
        splits("x = {'a': (1,\n  2),\n 'b': 3}\n", &[(1, "x = {'a': (1,\n  2),\n 'b': 3}")]);
    }

    #[test]
    fn brackets_in_strings_and_comments_do_not_count() {
        splits("s = '('\nt = 1", &[(1, "s = '('"), (2, "t = 1")]);
        splits("s = \"[\" # (\nt = 1", &[(1, "s = \"[\" # ("), (2, "t = 1")]);
        splits("x = 1  # (unclosed\ny", &[(1, "x = 1  # (unclosed"), (2, "y")]);
        splits("s = 'it\\'s ('\ny", &[(1, "s = 'it\\'s ('"), (2, "y")]);
    }

    #[test]
    fn triple_quoted_strings_continue() {
        splits("s = '''a\n(\n\nb'''\nx", &[(1, "s = '''a\n(\n\nb'''"), (5, "x")]);
        splits("s = \"\"\"one\"\"\"\nx", &[(1, "s = \"\"\"one\"\"\""), (2, "x")]);
    }

    #[test]
    fn backslash_continues() {
        splits("x = 1 + \\\n    2\ny", &[(1, "x = 1 + \\\n    2"), (3, "y")]);
    }

    #[test]
    fn blocks() {
        splits("def f(x):\n    return x\n\nf(1)\n", &[(1, "def f(x):\n    return x"), (4, "f(1)")]);
        splits("def f(x):\n    y = x\n    return y\nf(1)", &[(1, "def f(x):\n    y = x\n    return y"), (4, "f(1)")]);
        splits(
            "if x:\n    a\nelif y:\n    b\nelse:\n    c\nd",
            &[(1, "if x:\n    a\nelif y:\n    b\nelse:\n    c"), (7, "d")],
        );
        splits(
            "for i in range(3):\n    print(i)\nelse:\n    pass\n",
            &[(1, "for i in range(3):\n    print(i)\nelse:\n    pass")],
        );
        splits("while x:\n  x -= 1\n", &[(1, "while x:\n  x -= 1")]);
        splits("if x: pass\nelse: y\nz", &[(1, "if x: pass\nelse: y"), (3, "z")]);
        splits("try:\n  a\nexcept E:\n  b\nfinally:\n  c", &[(1, "try:\n  a\nexcept E:\n  b\nfinally:\n  c")]);
    }

    #[test]
    fn blank_line_ends_a_block() {
        splits("def f():\n    x = 1\n\n    return x\n", &[(1, "def f():\n    x = 1"), (4, "return x")]);
    }

    #[test]
    fn brackets_inside_blocks() {
        splits("def f():\n    return [1,\n2]\nx", &[(1, "def f():\n    return [1,\n2]"), (4, "x")]);
        splits("def f():\n    s = '''\n\nx'''\n    return s\n", &[(1, "def f():\n    s = '''\n\nx'''\n    return s")]);
    }

    #[test]
    fn comments_inside_blocks() {
        splits("def f():\n    # note\n    return 1\n", &[(1, "def f():\n    # note\n    return 1")]);
        splits("def f():\n    return 1\n# next\nx", &[(1, "def f():\n    return 1"), (3, "# next"), (4, "x")]);
    }

    #[test]
    fn unclosed_bracket_at_end_of_script() {
        splits("x = (1,\n\n", &[(1, "x = (1,")]);
    }

    #[test]
    fn split_cells_parse() {
        let script = "import numpy as np\n\ndef f(x, y=2):\n    \"\"\"Doc.\"\"\"\n    return x @ y.T\n\na = np.ones((2,\n  3))\nfor i in range(2):\n    a[i] += 1\nelse:\n    pass\nprint(f(a, a));  # hidden\n";
        let cells = split_cells(script);
        assert_eq!(cells.iter().map(|c| c.first_line).collect::<Vec<_>>(), [1, 3, 7, 9, 13]);
        for cell in &cells {
            assert!(parse_cell(&cell.text).is_ok(), "{cell:?}");
        }
        assert!(parse_cell(&cells[4].text).unwrap().trailing_semicolon);
    }

    #[test]
    fn completeness_of_simple_lines() {
        complete("", Completeness::Complete);
        complete("   ", Completeness::Complete);
        complete("x = 1", Completeness::Complete);
        complete("# comment", Completeness::Complete);
        complete("x = 1;", Completeness::Complete);
        complete("x = 1 +", Completeness::Invalid);
        complete("x = )", Completeness::Invalid);
        complete("x = 'abc", Completeness::Invalid);
        complete("return 1", Completeness::Invalid);
    }

    #[test]
    fn open_brackets_are_incomplete() {
        complete("x = [1,", incomplete(0));
        complete("x = f(1,\n      2,", incomplete(6));
        complete("x = (1 +", incomplete(0));
        complete("x = [1,\n2]", Completeness::Complete);
        complete("s = '''abc", incomplete(0));
        complete("x = 1 + \\", incomplete(0));
    }

    #[test]
    fn blocks_are_incomplete_until_a_blank_line() {
        complete("def f(x):", incomplete(4));
        complete("def f(x):  # comment", incomplete(4));
        complete("def f(x):\n    return x", incomplete(4));
        complete("def f(x):\n    return x\n", Completeness::Complete);
        complete("def f(x):\n    return x\n   ", Completeness::Complete);
        complete("def f(x):\n    if x:", incomplete(8));
        complete("def f(x):\n    if x:\n        return 1", incomplete(8));
        complete("for i in range(3):\n    print(i)\nelse:", incomplete(4));
        complete("if x: pass", incomplete(0));
        complete("if x: pass\n", Completeness::Complete);
        complete("if x:\n", Completeness::Invalid);
        complete("def f(x):\nreturn x", Completeness::Invalid);
        complete("def f(x):\n    return (1,", incomplete(4));
    }

    /// The byte path for plain lines leaves the scanner as the character
    /// path does, from any bracket depth.
    #[test]
    fn plain_lines_scan_like_characters() {
        let alphabet = b"ab1 (([])){}\t.,=:+*\r";
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..20_000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let len = (seed % 12) as usize;
            let pick = |k: usize| alphabet[((seed >> (4 * k)) % alphabet.len() as u64) as usize] as char;
            let line: String = (0..len).map(pick).collect();
            let start =
                Scanner { brackets: (seed >> 60) as usize % 3, last_significant: Some('x'), ..Scanner::default() };
            let (mut plain, mut chars) = (start.clone(), start);
            assert!(plain.feed_plain(line.as_bytes()));
            chars.feed_chars(&line);
            assert_eq!(plain, chars, "{line:?}");
        }
        let mut s = Scanner::default();
        for line in ["x = 'a'", "# c", "a \\", "é = 1"] {
            assert!(!s.feed_plain(line.as_bytes()));
            assert_eq!(s, Scanner::default());
        }
    }
}
