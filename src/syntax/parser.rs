//! Cell source → AST.
//!
//! Parsing happens in two steps. A hand-written lexer turns the text into
//! tokens (names, numbers, strings, operators, and the `NEWLINE` / `INDENT` /
//! `DEDENT` tokens that carry Python's indentation rules); all tokenizer
//! errors (unclosed brackets, bad literals, bad indentation) come from there.
//! Then nom parsers over the token slice build the AST, one function per
//! grammar rule below, named after the rule. Once a branch is certain (a
//! keyword or an operator has been seen) the rest is wrapped in nom's `cut`,
//! so errors point at the offending token instead of backtracking.
//!
//! Binary operator chains, prefix operators, `**` chains and trailers are
//! parsed with loops, not recursion, and every node is built only if the
//! tree stays at most [`MAX_DEPTH`] deep, so no input can overflow the stack
//! (deeper input is a `RecursionError`, as in CPython's compiler).
//!
//! Error texts and offsets follow CPython 3.11, with these deliberate
//! differences:
//! * tokenizer errors (such as `'(' was never closed`) always win over parser
//!   errors, as in IPython's completeness check;
//! * like IPython, the indentation of a cell's first line is removed from
//!   every line that starts with it;
//! * indentation errors point at the first token of the offending line;
//! * constructs the AST cannot represent (`class`, `try`, `with`, decorators,
//!   `nonlocal`, `yield`, set comprehensions, `{**d}`, imaginary and bytes
//!   literals, `/` in parameter lists, `\N{...}` escapes, nested format
//!   specs) are a `SyntaxError` saying they are not supported;
//! * `cannot assign to literal` and friends omit CPython's
//!   `here. Maybe you meant '==' instead of '='?` suffix.
//!
//! Other conventions: `[a, b] = x` gives a `Target::Tuple`; `from . import x`
//! keeps the dots in the module name and `import *` is the name `*`; the
//! cause of `raise X from Y` and annotations are parsed and dropped; `{x=}`
//! gets conversion `r` when it has no conversion and no spec, as in CPython.
//!
//! ```text
//! cell                  := statement* ENDMARKER
//! statement             := compound_stmt | simple_stmts
//! compound_stmt         := function_def | if_stmt | for_stmt | while_stmt
//! simple_stmts          := simple_stmt (';' simple_stmt)* [';'] NEWLINE
//! simple_stmt           := return_stmt | import_stmt | from_import | raise_stmt | del_stmt | assert_stmt | global_stmt | 'pass' | 'break' | 'continue' | expr_stmt
//! expr_stmt             := star_expressions [assignment | aug_assignment | annotation]
//! assignment            := ('=' star_expressions)+
//! aug_assignment        := ('+=' | '-=' | '*=' | '/=' | '//=' | '%=' | '**=' | '@=' | '&=' | '|=' | '^=' | '<<=' | '>>=') star_expressions
//! annotation            := ':' expression ['=' star_expressions]
//! return_stmt           := 'return' [star_expressions]
//! import_stmt           := 'import' dotted_as_name (',' dotted_as_name)*
//! dotted_as_name        := dotted_name ['as' NAME]
//! dotted_name           := NAME ('.' NAME)*
//! from_import           := 'from' ('.'* dotted_name | '.'+) 'import' ('*' | '(' import_as_names [','] ')' | import_as_names)
//! import_as_names       := import_as_name (',' import_as_name)*
//! import_as_name        := NAME ['as' NAME]
//! raise_stmt            := 'raise' [expression ['from' expression]]
//! del_stmt              := 'del' target (',' target)* [',']
//! assert_stmt           := 'assert' expression [',' expression]
//! global_stmt           := 'global' NAME (',' NAME)*
//! function_def          := 'def' NAME '(' [params] ')' ['->' expression] ':' block
//! params                := param (',' param)* [',']
//! param                 := NAME [':' expression] ['=' expression] | '*' [NAME [':' expression]] | '**' NAME [':' expression] | '/'
//! if_stmt               := if_branch ('elif' expression ':' block)* [else_block]
//! if_branch             := 'if' expression ':' block
//! for_stmt              := 'for' target_list 'in' star_expressions ':' block [else_block]
//! while_stmt            := 'while' expression ':' block [else_block]
//! else_block            := 'else' ':' block
//! block                 := NEWLINE INDENT statement+ DEDENT | simple_stmts
//! target_list           := target (',' target)* [',']
//! target                := ['*'] bitwise_or
//! star_expressions      := star_expression (',' star_expression)* [',']
//! star_expression       := '*' bitwise_or | expression
//! expression            := lambdef | conditional
//! conditional           := disjunction ['if' disjunction 'else' expression]
//! lambdef               := 'lambda' [lambda_params] ':' expression
//! lambda_params         := lambda_param (',' lambda_param)* [',']
//! lambda_param          := NAME ['=' expression] | '*' [NAME] | '**' NAME
//! disjunction           := conjunction ('or' conjunction)*
//! conjunction           := inversion ('and' inversion)*
//! inversion             := 'not'* comparison
//! comparison            := bitwise_or (comp_op bitwise_or)*
//! comp_op               := '<' | '>' | '==' | '>=' | '<=' | '!=' | 'in' | 'not' 'in' | 'is' | 'is' 'not'
//! bitwise_or            := bitwise_xor ('|' bitwise_xor)*
//! bitwise_xor           := bitwise_and ('^' bitwise_and)*
//! bitwise_and           := shift_expr ('&' shift_expr)*
//! shift_expr            := sum (('<<' | '>>') sum)*
//! sum                   := term (('+' | '-') term)*
//! term                  := factor (('*' | '/' | '//' | '%' | '@') factor)*
//! factor                := ('+' | '-' | '~')* power
//! power                 := primary ['**' factor]
//! primary               := atom trailer*
//! trailer               := '.' NAME | '(' [arguments] ')' | '[' slices ']'
//! arguments             := argument (',' argument)* [',']
//! argument              := NAME '=' expression | '*' expression | '**' expression | expression [for_if_clauses]
//! slices                := slice (',' slice)* [',']
//! slice                 := [expression] ':' [expression] [':' [expression]] | expression
//! atom                  := NAME | 'True' | 'False' | 'None' | '...' | NUMBER | strings | paren_atom | list_atom | brace_atom
//! strings               := STRING+
//! paren_atom            := '(' [star_expression (for_if_clauses | (',' star_expression)* [','])] ')'
//! list_atom             := '[' [star_expression (for_if_clauses | (',' star_expression)* [','])] ']'
//! brace_atom            := '{' [dict_items | dict_comp | set_items] '}'
//! dict_items            := dict_item (',' dict_item)* [',']
//! dict_item             := expression ':' expression
//! dict_comp             := expression ':' expression for_if_clauses
//! set_items             := star_expression (',' star_expression)* [',']
//! for_if_clauses        := ('for' target_list 'in' disjunction ('if' disjunction)*)+
//! fstring               := (LITERAL | '{{' | '}}' | replacement_field)*
//! replacement_field     := '{' star_expressions ['='] ['!' ('s' | 'r' | 'a')] [':' FORMAT_SPEC] '}'
//! ```

use std::borrow::Cow;
use std::cell::Cell as Counter;
use std::collections::HashSet;
use std::sync::Arc;

use nom::combinator::{cut, opt};
use nom::error::{ErrorKind, ParseError};
use nom::multi::{many0, separated_list1};
use nom::sequence::preceded;
use nom::{IResult, Needed, Parser};

use super::ast::*;
use super::SyntaxError;

/// The deepest expression tree that compiles (deeper is a `RecursionError`).
pub const MAX_DEPTH: usize = 1000;
/// Bracket nesting allowed by the tokenizer (CPython's `MAXLEVEL`).
const MAX_PARENS: usize = 200;
/// Indentation levels allowed (CPython's `MAXINDENT`).
const MAX_INDENT: usize = 100;
/// Recursive-descent entries allowed before giving up; generous, because
/// parentheses add recursion without adding tree depth.
const MAX_NESTING: usize = 2 * MAX_DEPTH + 2 * MAX_PARENS + 100;
/// Grow the stack when less than this is left (enough to drop or compare a
/// `MAX_DEPTH`-deep tree even in unoptimized builds)...
const RED_ZONE: usize = 256 * 1024;
/// ...by a new segment of this size.
const STACK_SEGMENT: usize = 2 * 1024 * 1024;

/// `KEYWORDS` and `is_keyword` from one list of words.
macro_rules! keywords {
    ($($word:literal),* $(,)?) => {
        /// Python's keywords (the ones npr does not support included: they
        /// are still reserved).
        pub const KEYWORDS: &[&str] = &[$($word),*];

        /// A `match` compares by length first (no scan of the whole list).
        fn is_keyword(s: &str) -> bool {
            matches!(s, $($word)|*)
        }
    };
}

keywords!(
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del",
    "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda", "nonlocal",
    "not", "or", "pass", "raise", "return", "try", "while", "with", "yield",
);

// ---------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------

fn syntax(message: impl Into<String>, offset: usize) -> SyntaxError {
    SyntaxError::new("SyntaxError", message, offset)
}

fn indentation(message: impl Into<String>, offset: usize) -> SyntaxError {
    SyntaxError::new("IndentationError", message, offset)
}

fn too_deep(offset: usize) -> SyntaxError {
    SyntaxError::new("RecursionError", "maximum recursion depth exceeded during compilation", offset)
}

fn unsupported(what: &str, offset: usize) -> SyntaxError {
    syntax(format!("{what} not supported"), offset)
}

/// 1-based line number of a byte offset.
fn line_of(src: &str, offset: usize) -> usize {
    let end = offset.min(src.len());
    1 + src.as_bytes()[..end].iter().filter(|&&b| b == b'\n').count()
}

// ---------------------------------------------------------------------------
// Tokens
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq)]
enum Tok {
    /// Identifiers and keywords; the text is the token's span.
    Name,
    Int(i128),
    Float(f64),
    /// An imaginary literal such as `1j` (rejected by the parser).
    Imag,
    Str(StrTok),
    Op(&'static str),
    Newline,
    Indent,
    Dedent,
    End,
}

/// How a string literal was written: prefix letters, then 1 or 3 quotes.
#[derive(Debug, Clone, Copy, PartialEq)]
struct StrTok {
    prefix_len: usize,
    quote_len: usize,
    raw: bool,
    format: bool,
    bytes: bool,
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct Token {
    tok: Tok,
    span: Span,
    /// Bracket nesting at this token (1 inside `(...)`).
    level: usize,
}

static END_TOKEN: Token = Token { tok: Tok::End, span: Span { start: 0, end: 0 }, level: 0 };

/// Every operator and delimiter token.
#[cfg(test)]
const OPERATORS: &[&str] = &[
    "**=", "//=", ">>=", "<<=", "...", "!=", "**", "//", ">>", "<<", "<=", ">=", "==", "->", ":=", "+=", "-=", "*=",
    "/=", "%=", "@=", "&=", "|=", "^=", "+", "-", "*", "/", "%", "@", "&", "|", "^", "~", "<", ">", "(", ")", "[", "]",
    "{", "}", ",", ":", ";", ".", "=",
];

/// The longest operator at the start of `rest` (a byte-level decision
/// tree; the test `operators_are_longest_match` checks it against `OPERATORS`).
fn operator_at(rest: &str) -> Option<&'static str> {
    let b = rest.as_bytes();
    let (c1, c2) = (b.get(1).copied().unwrap_or(0), b.get(2).copied().unwrap_or(0));
    // `x` or `x=`, as for `+` and `+=`.
    let with_eq = |plain: &'static str, eq: &'static str| if c1 == b'=' { eq } else { plain };
    // `x`, `xx`, `xx=` or `x=`, as for `*`, `**`, `**=` and `*=`.
    let doubled = |c: u8, ops: [&'static str; 4]| match (c1 == c, c2 == b'=') {
        (true, true) => ops[2],
        (true, false) => ops[1],
        _ => with_eq(ops[0], ops[3]),
    };
    Some(match *b.first()? {
        b'*' => doubled(b'*', ["*", "**", "**=", "*="]),
        b'/' => doubled(b'/', ["/", "//", "//=", "/="]),
        b'>' => doubled(b'>', [">", ">>", ">>=", ">="]),
        b'<' => doubled(b'<', ["<", "<<", "<<=", "<="]),
        b'.' if c1 == b'.' && c2 == b'.' => "...",
        b'.' => ".",
        b'!' if c1 == b'=' => "!=",
        b'-' if c1 == b'>' => "->",
        b'-' => with_eq("-", "-="),
        b':' => with_eq(":", ":="),
        b'=' => with_eq("=", "=="),
        b'+' => with_eq("+", "+="),
        b'%' => with_eq("%", "%="),
        b'@' => with_eq("@", "@="),
        b'&' => with_eq("&", "&="),
        b'|' => with_eq("|", "|="),
        b'^' => with_eq("^", "^="),
        b'~' => "~",
        b'(' => "(",
        b')' => ")",
        b'[' => "[",
        b']' => "]",
        b'{' => "{",
        b'}' => "}",
        b',' => ",",
        b';' => ";",
        _ => return None,
    })
}

/// Keywords that may directly follow a number (`1if x else 2`).
const AFTER_NUMBER: &[&str] = &["and", "else", "for", "if", "in", "is", "not", "or"];

fn is_id_start(c: char) -> bool {
    c == '_' || c.is_alphabetic()
}

fn is_id_continue(c: char) -> bool {
    c == '_' || c.is_alphabetic() || c.is_ascii_digit()
}

fn is_string_prefix(s: &str) -> bool {
    matches!(s.to_ascii_lowercase().as_str(), "r" | "u" | "f" | "b" | "br" | "rb" | "fr" | "rf")
}

fn closer_of(open: char) -> char {
    match open {
        '(' => ')',
        '[' => ']',
        _ => '}',
    }
}

/// Leading whitespace of the first non-blank line. Like IPython, a cell
/// whose first line is indented has that indentation removed from every
/// line that starts with it.
fn leading_indent(text: &str) -> &str {
    // Nearly every cell starts with a non-blank, unindented line.
    if text.as_bytes().first().is_some_and(|b| b.is_ascii_graphic()) {
        return "";
    }
    let line = text.split('\n').find(|l| !l.trim().is_empty()).unwrap_or("");
    let rest = line.trim_start_matches([' ', '\t']);
    &line[..line.len() - rest.len()]
}

/// Room for the tokens of `len` bytes of source: small cells get one slot
/// per byte (no reallocation), large ones one per three bytes.
fn token_capacity(len: usize) -> usize {
    match len {
        0..256 => len + 4,
        _ => (len / 3).min(1 << 16),
    }
}

thread_local! {
    /// The last cell's token vector, emptied, for the next cell on this
    /// thread: one allocation per thread instead of one per cell.
    static SPARE_TOKENS: std::cell::Cell<Vec<Token>> = const { std::cell::Cell::new(Vec::new()) };
    /// The same for the lexer's stack of open brackets.
    static SPARE_BRACKETS: std::cell::Cell<Vec<(char, usize)>> = const { std::cell::Cell::new(Vec::new()) };
}

/// Token vectors up to this capacity are kept for reuse.
const SPARE_TOKENS_MAX: usize = 4096;

/// Tokenizes a whole cell (into the thread's spare token vector; hand it
/// back with [`recycle_tokens`]).
fn tokenize(src: &str) -> Result<Vec<Token>, SyntaxError> {
    Lexer::new(src, 0, src.len(), false, SPARE_TOKENS.take()).run()
}

/// Keeps `toks` (from [`tokenize`]) for the next cell's tokens.
fn recycle_tokens(mut toks: Vec<Token>) {
    if toks.capacity() <= SPARE_TOKENS_MAX {
        toks.clear();
        SPARE_TOKENS.set(toks);
    }
}

/// Tokenizes `src[start..end]`, the expression inside an f-string's braces,
/// as if it were inside parentheses (no NEWLINE or INDENT tokens).
fn tokenize_nested(src: &str, start: usize, end: usize) -> Result<Vec<Token>, SyntaxError> {
    Lexer::new(src, start, end, true, Vec::new()).run()
}

struct Lexer<'s> {
    src: &'s str,
    pos: usize,
    end: usize,
    nested: bool,
    prefix: &'s str,
    toks: Vec<Token>,
    brackets: Vec<(char, usize)>,
    /// Indentation stack above the first line's level (0, 0): (column with
    /// tabs to multiples of 8, column with tabs as 1).
    indents: Vec<(usize, usize)>,
    line_has_tokens: bool,
}

impl<'s> Lexer<'s> {
    /// A lexer for `src[start..end]` that appends to `toks` (empty).
    fn new(src: &'s str, start: usize, end: usize, nested: bool, mut toks: Vec<Token>) -> Lexer<'s> {
        let end = end.min(src.len());
        toks.reserve(token_capacity(end.saturating_sub(start)));
        let prefix = match (nested, src.get(start..end)) {
            (false, Some(text)) => leading_indent(text),
            _ => "",
        };
        Lexer {
            src,
            pos: start,
            end,
            nested,
            prefix,
            toks,
            brackets: if nested { Vec::new() } else { SPARE_BRACKETS.take() },
            indents: Vec::new(),
            line_has_tokens: false,
        }
    }

    fn slice(&self, start: usize, end: usize) -> &'s str {
        self.src.get(start..end).unwrap_or("")
    }

    fn rest(&self) -> &'s str {
        self.slice(self.pos, self.end)
    }

    #[inline]
    fn peek(&self) -> Option<char> {
        // ASCII (nearly all source text) without decoding.
        match self.src.as_bytes().get(self.pos) {
            _ if self.pos >= self.end => None,
            Some(&b) if b.is_ascii() => Some(b as char),
            _ => self.rest().chars().next(),
        }
    }

    fn peek_at(&self, n: usize) -> Option<char> {
        // Within an ASCII run the n-th character is the n-th byte.
        let ahead = self.src.as_bytes().get(self.pos..=self.pos + n).filter(|_| self.pos + n < self.end);
        match ahead {
            Some(bytes) if bytes.is_ascii() => bytes.last().map(|&b| b as char),
            _ => self.rest().chars().nth(n),
        }
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    fn push(&mut self, tok: Tok, start: usize, end: usize) {
        let level = self.brackets.len() + usize::from(self.nested);
        let span = Span::new(start, end);
        self.toks.push(Token { tok, span, level });
        self.line_has_tokens = true;
    }

    fn run(mut self) -> Result<Vec<Token>, SyntaxError> {
        let mut line_start = !self.nested;
        loop {
            if line_start {
                line_start = false;
                self.indentation()?;
            }
            self.skip_spaces();
            let Some(c) = self.peek() else {
                return self.finish();
            };
            match c {
                '#' => self.skip_comment(),
                '\n' => {
                    self.pos += 1;
                    line_start = self.newline();
                }
                '\\' => self.continuation()?,
                _ => self.token(c)?,
            }
        }
    }

    fn skip_spaces(&mut self) {
        while matches!(self.peek(), Some(' ' | '\t' | '\x0c' | '\r')) {
            self.pos += 1;
        }
    }

    fn skip_comment(&mut self) {
        while !matches!(self.peek(), None | Some('\n')) {
            self.bump();
        }
    }

    /// Handles a line break; returns whether a new logical line starts.
    fn newline(&mut self) -> bool {
        if self.nested || !self.brackets.is_empty() {
            return false;
        }
        if self.line_has_tokens {
            self.push(Tok::Newline, self.pos - 1, self.pos);
            self.line_has_tokens = false;
        }
        true
    }

    fn continuation(&mut self) -> Result<(), SyntaxError> {
        let at = self.pos;
        self.pos += 1;
        let rest = self.rest();
        if rest.starts_with("\r\n") {
            self.pos += 2;
        } else if rest.starts_with('\n') {
            self.pos += 1;
        } else if rest.is_empty() {
            return Err(syntax("unexpected EOF while parsing", at + 1));
        } else {
            let message = "unexpected character after line continuation character";
            return Err(syntax(message, at + 1));
        }
        if self.rest().trim().is_empty() && !self.nested {
            return Err(syntax("unexpected EOF while parsing", self.end));
        }
        Ok(())
    }

    /// Measures the indentation of a new line and emits INDENT / DEDENT.
    fn indentation(&mut self) -> Result<(), SyntaxError> {
        if !self.prefix.is_empty() && self.rest().starts_with(self.prefix) {
            self.pos += self.prefix.len();
        }
        let (mut col, mut alt) = (0, 0);
        while let Some(c) = self.peek() {
            match c {
                ' ' => (col, alt) = (col + 1, alt + 1),
                '\t' => (col, alt) = ((col / 8 + 1) * 8, alt + 1),
                '\x0c' => (col, alt) = (0, 0),
                _ => break,
            }
            self.pos += 1;
        }
        let rest = self.rest();
        let blank = rest.is_empty() || rest.starts_with(['#', '\n']) || rest.starts_with("\r\n");
        if blank {
            return Ok(());
        }
        self.indent_to(col, alt)
    }

    fn indent_to(&mut self, col: usize, alt: usize) -> Result<(), SyntaxError> {
        let at = self.pos;
        let tab_error = || {
            let message = "inconsistent use of tabs and spaces in indentation";
            SyntaxError::new("TabError", message, at)
        };
        let (top, top_alt) = self.indents.last().copied().unwrap_or((0, 0));
        if col > top {
            if alt <= top_alt {
                return Err(tab_error());
            }
            if self.indents.len() + 1 >= MAX_INDENT {
                return Err(indentation("too many levels of indentation", at));
            }
            self.indents.push((col, alt));
            self.push(Tok::Indent, at, at);
            return Ok(());
        }
        while col < self.indents.last().map_or(0, |t| t.0) {
            self.indents.pop();
            self.push(Tok::Dedent, at, at);
        }
        let (top, top_alt) = self.indents.last().copied().unwrap_or((0, 0));
        if col != top {
            let message = "unindent does not match any outer indentation level";
            return Err(indentation(message, at));
        }
        if alt != top_alt {
            return Err(tab_error());
        }
        Ok(())
    }

    fn finish(mut self) -> Result<Vec<Token>, SyntaxError> {
        if let Some(&(open, at)) = self.brackets.last() {
            return Err(syntax(format!("'{open}' was never closed"), at));
        }
        let end = self.end;
        if !self.nested {
            SPARE_BRACKETS.set(std::mem::take(&mut self.brackets));
            if self.line_has_tokens {
                self.push(Tok::Newline, end, end);
            }
            while self.indents.pop().is_some() {
                self.push(Tok::Dedent, end, end);
            }
        }
        self.push(Tok::End, end, end);
        Ok(self.toks)
    }

    fn token(&mut self, c: char) -> Result<(), SyntaxError> {
        let start = self.pos;
        if is_id_start(c) {
            return self.name(start);
        }
        let digit_follows = || self.peek_at(1).is_some_and(|d| d.is_ascii_digit());
        if c.is_ascii_digit() || (c == '.' && digit_follows()) {
            return self.number(start);
        }
        if c == '\'' || c == '"' {
            return self.string(start);
        }
        if let Some(op) = operator_at(self.rest()) {
            self.pos += op.len();
            return self.operator(op, start);
        }
        Err(invalid_character(c, start))
    }

    fn name(&mut self, start: usize) -> Result<(), SyntaxError> {
        let ascii_id = |b: &u8| b.is_ascii_alphanumeric() || *b == b'_';
        let run =
            self.src.as_bytes().get(self.pos..self.end).map_or(0, |r| r.iter().take_while(|b| ascii_id(b)).count());
        self.pos += run;
        while self.peek().is_some_and(is_id_continue) {
            self.bump();
        }
        let quote_follows = matches!(self.peek(), Some('\'' | '"'));
        if quote_follows && is_string_prefix(self.slice(start, self.pos)) {
            return self.string(start);
        }
        self.push(Tok::Name, start, self.pos);
        Ok(())
    }

    fn operator(&mut self, op: &'static str, start: usize) -> Result<(), SyntaxError> {
        let open = op.chars().next().unwrap_or(' ');
        match op {
            "(" | "[" | "{" => {
                if self.brackets.len() >= MAX_PARENS {
                    return Err(syntax("too many nested parentheses", start));
                }
                self.push(Tok::Op(op), start, self.pos);
                self.brackets.push((open, start));
            }
            ")" | "]" | "}" => {
                self.close_bracket(open, start)?;
                self.push(Tok::Op(op), start, self.pos);
            }
            _ => self.push(Tok::Op(op), start, self.pos),
        }
        Ok(())
    }

    fn close_bracket(&mut self, close: char, at: usize) -> Result<(), SyntaxError> {
        let Some((open, open_at)) = self.brackets.pop() else {
            return Err(syntax(format!("unmatched '{close}'"), at));
        };
        if closer_of(open) == close {
            return Ok(());
        }
        let mut message = format!("closing parenthesis '{close}' does not match opening parenthesis '{open}'");
        let open_line = line_of(self.src, open_at);
        if open_line != line_of(self.src, at) {
            message.push_str(&format!(" on line {open_line}"));
        }
        Err(syntax(message, at))
    }

    /// Scans a string literal whose prefix (if any) starts at `start` and
    /// whose opening quote is at the current position.
    fn string(&mut self, start: usize) -> Result<(), SyntaxError> {
        let prefix = self.slice(start, self.pos).to_ascii_lowercase();
        let quote = self.peek().unwrap_or('"');
        let triple_quote = if quote == '"' { "\"\"\"" } else { "'''" };
        let triple = self.rest().starts_with(triple_quote);
        let quote_len = if triple { 3 } else { 1 };
        self.pos += quote_len;
        loop {
            let Some(c) = self.bump() else {
                return Err(unterminated(triple, start, line_of(self.src, self.end)));
            };
            match c {
                '\\' => {
                    if self.rest().starts_with("\r\n") {
                        self.pos += 1;
                    }
                    self.bump();
                }
                '\n' if !triple => {
                    return Err(unterminated(false, start, line_of(self.src, self.pos - 1)));
                }
                _ if c == quote && !triple => break,
                _ if c == quote && self.rest().starts_with(&triple_quote[1..]) => {
                    self.pos += 2;
                    break;
                }
                _ => {}
            }
        }
        let info = StrTok {
            prefix_len: prefix.len(),
            quote_len,
            raw: prefix.contains('r'),
            format: prefix.contains('f'),
            bytes: prefix.contains('b'),
        };
        self.push(Tok::Str(info), start, self.pos);
        Ok(())
    }

    fn number(&mut self, start: usize) -> Result<(), SyntaxError> {
        let radix = match (self.peek(), self.peek_at(1)) {
            (Some('0'), Some('x' | 'X')) => 16,
            (Some('0'), Some('o' | 'O')) => 8,
            (Some('0'), Some('b' | 'B')) => 2,
            _ => 10,
        };
        if radix != 10 {
            return self.radix_number(start, radix);
        }
        let mut is_float = false;
        if self.peek() != Some('.') {
            self.digits(10, "decimal")?;
        }
        if self.peek() == Some('.') {
            self.pos += 1;
            is_float = true;
            if self.peek().is_some_and(|c| c.is_ascii_digit()) {
                self.digits(10, "decimal")?;
            }
        }
        if self.exponent_follows() {
            self.pos += 1;
            if matches!(self.peek(), Some('+' | '-')) {
                self.pos += 1;
            }
            self.digits(10, "decimal")?;
            is_float = true;
        }
        let imaginary = matches!(self.peek(), Some('j' | 'J'));
        if imaginary {
            self.pos += 1;
        }
        self.end_of_number(if imaginary { "imaginary" } else { "decimal" })?;
        let written = self.slice(start, self.pos);
        let text: Cow<str> = match written.contains('_') {
            true => Cow::Owned(written.chars().filter(|&c| c != '_').collect()),
            false => Cow::Borrowed(written),
        };
        let tok = if imaginary {
            Tok::Imag
        } else if is_float {
            let value = text.parse().map_err(|_| literal_error("decimal", start))?;
            Tok::Float(value)
        } else {
            decimal_int(&text, start)?
        };
        self.push(tok, start, self.pos);
        Ok(())
    }

    fn exponent_follows(&self) -> bool {
        let digit = |c: Option<char>| c.is_some_and(|c| c.is_ascii_digit());
        matches!(self.peek(), Some('e' | 'E'))
            && (digit(self.peek_at(1)) || (matches!(self.peek_at(1), Some('+' | '-')) && digit(self.peek_at(2))))
    }

    /// Consumes digits of `radix` with single underscores between them.
    fn digits(&mut self, radix: u32, what: &str) -> Result<usize, SyntaxError> {
        let mut count = 0;
        loop {
            match self.peek() {
                Some(c) if c.is_digit(radix) => {
                    self.pos += 1;
                    count += 1;
                }
                Some('_') if self.peek_at(1).is_some_and(|c| c.is_digit(radix)) => self.pos += 1,
                Some('_') => return Err(literal_error(what, self.pos)),
                _ => return Ok(count),
            }
        }
    }

    /// A number may not run into a name (`1abc`), except a few keywords.
    fn end_of_number(&mut self, what: &str) -> Result<(), SyntaxError> {
        if !self.peek().is_some_and(is_id_continue) {
            return Ok(());
        }
        let word = self.rest();
        let len = word.find(|c: char| !is_id_continue(c)).unwrap_or(word.len());
        if AFTER_NUMBER.contains(&&word[..len]) {
            return Ok(());
        }
        Err(literal_error(what, self.pos - 1))
    }

    fn radix_number(&mut self, start: usize, radix: u32) -> Result<(), SyntaxError> {
        let what = match radix {
            16 => "hexadecimal",
            8 => "octal",
            _ => "binary",
        };
        self.pos += 2;
        let count = self.digits(radix, what)?;
        if let Some(c) = self.peek().filter(|c| c.is_ascii_digit()) {
            return Err(syntax(format!("invalid digit '{c}' in {what} literal"), self.pos));
        }
        if count == 0 {
            return Err(literal_error(what, self.pos - 1));
        }
        self.end_of_number(what)?;
        let digits: String = self.slice(start + 2, self.pos).chars().filter(|&c| c != '_').collect();
        let value = i128::from_str_radix(&digits, radix).map_err(|_| syntax("integer literal is too large", start))?;
        self.push(Tok::Int(value), start, self.pos);
        Ok(())
    }
}

fn decimal_int(text: &str, start: usize) -> Result<Tok, SyntaxError> {
    if text.starts_with('0') && text.chars().any(|c| c != '0') {
        let message = "leading zeros in decimal integer literals are not permitted; \
                       use an 0o prefix for octal integers";
        return Err(syntax(message, start));
    }
    text.parse().map(Tok::Int).map_err(|_| syntax("integer literal is too large", start))
}

fn literal_error(what: &str, offset: usize) -> SyntaxError {
    syntax(format!("invalid {what} literal"), offset)
}

fn unterminated(triple: bool, offset: usize, line: usize) -> SyntaxError {
    let kind = if triple { "triple-quoted string" } else { "string" };
    syntax(format!("unterminated {kind} literal (detected at line {line})"), offset)
}

fn invalid_character(c: char, offset: usize) -> SyntaxError {
    if c == '\0' {
        syntax("source code string cannot contain null bytes", offset)
    } else if c.is_ascii_graphic() {
        syntax("invalid syntax", offset)
    } else if c.is_control() || c.is_whitespace() {
        syntax(format!("invalid non-printable character U+{:04X}", c as u32), offset)
    } else {
        syntax(format!("invalid character '{c}' (U+{:04X})", c as u32), offset)
    }
}

// ---------------------------------------------------------------------------
// Parser input and errors
// ---------------------------------------------------------------------------

/// State shared by all parsers of one token stream.
struct Ctx<'a> {
    src: &'a str,
    /// Offset of the furthest token any parser failed on: where CPython puts
    /// the caret of a plain "invalid syntax".
    furthest: Counter<usize>,
    /// Current recursive-descent nesting (see [`nested`]).
    nesting: Counter<usize>,
}

impl<'a> Ctx<'a> {
    fn new(src: &'a str, nesting: usize) -> Ctx<'a> {
        Ctx { src, furthest: Counter::new(0), nesting: Counter::new(nesting) }
    }

    fn note_failure(&self, offset: usize) {
        self.furthest.set(self.furthest.get().max(offset));
    }
}

/// The parser input: the remaining tokens (always ending with `End`, which is
/// never consumed) and the shared context.
#[derive(Clone, Copy)]
struct Toks<'a> {
    toks: &'a [Token],
    ctx: &'a Ctx<'a>,
}

impl<'a> Toks<'a> {
    #[inline(always)]
    fn peek(&self) -> &'a Token {
        self.toks.first().unwrap_or(&END_TOKEN)
    }

    fn peek2(&self) -> &'a Token {
        self.toks.get(1).unwrap_or(&END_TOKEN)
    }

    /// The input after the next token (`End` is never consumed).
    #[inline(always)]
    fn next(self) -> Toks<'a> {
        match self.peek().tok {
            Tok::End => self,
            _ => Toks { toks: self.toks.get(1..).unwrap_or(&[]), ctx: self.ctx },
        }
    }

    fn offset(&self) -> usize {
        self.peek().span.start
    }

    #[inline(always)]
    fn text(&self, t: &Token) -> &'a str {
        self.ctx.src.get(t.span.start..t.span.end).unwrap_or("")
    }

    #[inline(always)]
    fn at_op(&self, op: &str) -> bool {
        matches!(self.peek().tok, Tok::Op(o) if o == op)
    }

    #[inline(always)]
    fn at_kw(&self, word: &str) -> bool {
        let t = self.peek();
        matches!(t.tok, Tok::Name) && self.text(t) == word
    }

    fn at(&self, tok: Tok) -> bool {
        self.peek().tok == tok
    }

    /// A recoverable "invalid syntax" at the next token.
    fn miss<T>(&self) -> PResult<'a, T> {
        Err(nom::Err::Error(PErr::from_error_kind(*self, ErrorKind::Tag)))
    }

    /// An unrecoverable "invalid syntax" at the next token.
    fn fail_here<T>(&self) -> PResult<'a, T> {
        cut(|i: Toks<'a>| i.miss::<T>()).parse(*self)
    }

    /// End of the last token (layout tokens aside) consumed between `self`
    /// and `later`.
    fn end_before(&self, later: &Toks<'a>) -> usize {
        let consumed = self.toks.len().saturating_sub(later.toks.len());
        let layout = |t: &&Token| matches!(t.tok, Tok::Newline | Tok::Indent | Tok::Dedent);
        let last = self.toks.get(..consumed).and_then(|ts| ts.iter().rev().find(|t| !layout(t)));
        last.map_or(self.offset(), |t| t.span.end)
    }
}

/// The span of the tokens consumed between `start` and `end`.
fn span(start: &Toks, end: &Toks) -> Span {
    Span::new(start.offset(), start.end_before(end))
}

impl<'a> nom::Input for Toks<'a> {
    type Item = &'a Token;
    type Iter = std::slice::Iter<'a, Token>;
    type IterIndices = std::iter::Enumerate<std::slice::Iter<'a, Token>>;

    fn input_len(&self) -> usize {
        self.toks.len()
    }

    fn take(&self, index: usize) -> Self {
        let toks = self.toks.get(..index).unwrap_or(self.toks);
        Toks { toks, ..*self }
    }

    fn take_from(&self, index: usize) -> Self {
        let toks = self.toks.get(index..).unwrap_or(&[]);
        Toks { toks, ..*self }
    }

    fn take_split(&self, index: usize) -> (Self, Self) {
        (self.take_from(index), self.take(index))
    }

    fn position<P>(&self, predicate: P) -> Option<usize>
    where
        P: Fn(Self::Item) -> bool,
    {
        self.toks.iter().position(predicate)
    }

    fn iter_elements(&self) -> Self::Iter {
        self.toks.iter()
    }

    fn iter_indices(&self) -> Self::IterIndices {
        self.toks.iter().enumerate()
    }

    fn slice_index(&self, count: usize) -> Result<usize, Needed> {
        match count.checked_sub(self.toks.len()) {
            Some(missing) if missing > 0 => Err(Needed::new(missing)),
            _ => Ok(count),
        }
    }
}

/// A parse failure: a specific error, or a plain "invalid syntax" at `offset`.
/// (The error is boxed: parse results are moved through every grammar level.)
#[derive(Debug)]
struct PErr {
    offset: usize,
    error: Option<Box<SyntaxError>>,
}

impl<'a> ParseError<Toks<'a>> for PErr {
    fn from_error_kind(input: Toks<'a>, _: ErrorKind) -> Self {
        input.ctx.note_failure(input.offset());
        PErr { offset: input.offset(), error: None }
    }

    fn append(_: Toks<'a>, _: ErrorKind, other: Self) -> Self {
        other
    }

    fn or(self, other: Self) -> Self {
        if other.offset >= self.offset {
            other
        } else {
            self
        }
    }
}

type PResult<'a, T> = IResult<Toks<'a>, T, PErr>;

/// An unrecoverable, specific error.
fn failure(error: SyntaxError) -> nom::Err<PErr> {
    nom::Err::Failure(PErr { offset: error.offset, error: Some(Box::new(error)) })
}

fn fail<'a, T>(error: SyntaxError) -> PResult<'a, T> {
    Err(failure(error))
}

/// Turns the outcome of a top-level parser into the caller's error type.
fn finish<T>(ctx: &Ctx, result: PResult<T>) -> Result<T, SyntaxError> {
    match result {
        Ok((_, value)) => Ok(value),
        Err(nom::Err::Error(e) | nom::Err::Failure(e)) => {
            Err(e.error.map_or_else(|| SyntaxError::invalid(e.offset.max(ctx.furthest.get())), |e| *e))
        }
        Err(nom::Err::Incomplete(_)) => Err(SyntaxError::invalid(ctx.src.len())),
    }
}

/// Runs a recursive-descent step: bounded nesting, and a fresh stack
/// segment when the current one runs low.
fn nested<'a, T>(i: Toks<'a>, f: impl FnOnce(Toks<'a>) -> PResult<'a, T>) -> PResult<'a, T> {
    let level = i.ctx.nesting.get() + 1;
    if level > MAX_NESTING {
        return fail(too_deep(i.offset()));
    }
    i.ctx.nesting.set(level);
    let result = crate::stack::grow(RED_ZONE, STACK_SEGMENT, || f(i));
    i.ctx.nesting.set(level - 1);
    result
}

// ---------------------------------------------------------------------------
// Token parsers
// ---------------------------------------------------------------------------

fn op<'a>(symbol: &'static str) -> impl Fn(Toks<'a>) -> PResult<'a, Span> {
    move |i: Toks<'a>| match i.at_op(symbol) {
        true => Ok((i.next(), i.peek().span)),
        false => i.miss(),
    }
}

fn kw<'a>(word: &'static str) -> impl Fn(Toks<'a>) -> PResult<'a, Span> {
    move |i: Toks<'a>| match i.at_kw(word) {
        true => Ok((i.next(), i.peek().span)),
        false => i.miss(),
    }
}

/// An identifier that is not a keyword.
fn name(i: Toks) -> PResult<(Ident, Span)> {
    let t = i.peek();
    let text = i.text(t);
    match t.tok {
        Tok::Name if !is_keyword(text) => Ok((i.next(), (Ident::new(text), t.span))),
        _ => i.miss(),
    }
}

fn newline(i: Toks) -> PResult<Span> {
    match i.peek().tok {
        Tok::Newline => Ok((i.next(), i.peek().span)),
        _ => i.miss(),
    }
}

/// Whether the next token can begin an expression.
fn starts_expression(i: &Toks) -> bool {
    let t = i.peek();
    match t.tok {
        Tok::Name => {
            let text = i.text(t);
            !is_keyword(text) || matches!(text, "True" | "False" | "None" | "lambda" | "not")
        }
        Tok::Int(_) | Tok::Float(_) | Tok::Imag | Tok::Str(_) => true,
        Tok::Op(o) => matches!(o, "(" | "[" | "{" | "-" | "+" | "~" | "*" | "..."),
        _ => false,
    }
}

/// `item (',' item)* [',']` after `first`; `more` tells whether the token
/// after a comma starts another item. Returns the items and whether they
/// end with a trailing comma.
fn sequence<'a, T>(
    i: Toks<'a>,
    first: T,
    item: impl Fn(Toks<'a>) -> PResult<'a, T>,
    more: impl Fn(&Toks<'a>) -> bool,
) -> PResult<'a, (Vec<T>, bool)> {
    let mut items = vec![first];
    let mut i = i;
    while i.at_op(",") {
        i = i.next();
        if !more(&i) {
            return Ok((i, (items, true)));
        }
        let (j, x) = cut(&item).parse(i)?;
        items.push(x);
        i = j;
    }
    Ok((i, (items, false)))
}

// ---------------------------------------------------------------------------
// Tree depth
// ---------------------------------------------------------------------------

fn max_of(depths: impl Iterator<Item = usize>) -> usize {
    depths.max().unwrap_or(0)
}

/// Height of an expression tree (a leaf is 1), computed without recursion
/// so it is safe on any tree and any stack.
fn depth(e: &Expr) -> usize {
    use ExprKind as K;
    if matches!(e.kind, K::Int(_) | K::Float(_) | K::Str(_) | K::Bool(_) | K::None | K::Ellipsis | K::Name(_)) {
        return 1;
    }
    // An explicit stack (no recursion on deep trees); small trees, nearly
    // all of them, fit in the inline part and allocate nothing.
    let mut inline: [(&Expr, usize); 16] = [(e, 1); 16];
    let mut len = 1;
    let mut spill: Vec<(&Expr, usize)> = Vec::new();
    let mut deepest = 0;
    loop {
        let (e, d) = match spill.pop() {
            Some(top) => top,
            None if len > 0 => {
                len -= 1;
                inline[len]
            }
            None => return deepest,
        };
        deepest = deepest.max(d);
        for_each_child(e, &mut |child, extra| match inline.get_mut(len) {
            Some(slot) if spill.is_empty() => {
                *slot = (child, d + 1 + extra);
                len += 1;
            }
            _ => spill.push((child, d + 1 + extra)),
        });
    }
}

/// Calls `f(child, extra)` for each sub-expression of `e`; `extra` counts
/// the non-expression nodes (slices, targets) in between.
fn for_each_child<'e>(e: &'e Expr, f: &mut impl FnMut(&'e Expr, usize)) {
    use ExprKind as K;
    match &e.kind {
        K::Int(_) | K::Float(_) | K::Str(_) | K::Bool(_) | K::None | K::Ellipsis | K::Name(_) => {}
        K::FString(parts) => {
            for part in parts {
                if let FStringPart::Expr { expr, .. } = part {
                    f(expr, 0);
                }
            }
        }
        K::List(v) | K::Tuple(v) | K::Set(v) | K::BoolOp { values: v, .. } => v.iter().for_each(|c| f(c, 0)),
        K::Dict(items) => items.iter().for_each(|item| match item {
            DictItem::Pair(k, v) => {
                f(k, 0);
                f(v, 0);
            }
            DictItem::Unpack(m) => f(m, 0),
        }),
        K::Attribute { value, .. } | K::Unary { operand: value, .. } | K::Starred(value) => f(value, 0),
        K::Call { func, args } => {
            f(func, 0);
            args.iter().for_each(|a| f(arg_value(a), 0));
        }
        K::Subscript { value, items, .. } => {
            f(value, 0);
            items.iter().for_each(|item| for_each_in_item(item, 0, f));
        }
        K::BinOp { left, right, .. } => {
            f(left, 0);
            f(right, 0);
        }
        K::Compare { left, ops } => {
            f(left, 0);
            ops.iter().for_each(|(_, _, c)| f(c, 0));
        }
        K::IfExp { test, body, orelse } => [test, body, orelse].into_iter().for_each(|c| f(c, 0)),
        K::Lambda { params, body } => {
            f(body, 0);
            let defaults = params.positional.iter().chain(&params.keyword_only);
            defaults.filter_map(|(_, d)| d.as_ref()).for_each(|d| f(d, 0));
        }
        K::ListComp { elt, generators } | K::GeneratorExp { elt, generators } | K::SetComp { elt, generators } => {
            f(elt, 0);
            for_each_in_generators(generators, f);
        }
        K::DictComp { key, value, generators } => {
            f(key, 0);
            f(value, 0);
            for_each_in_generators(generators, f);
        }
    }
}

fn arg_value(arg: &Arg) -> &Expr {
    match arg {
        Arg::Positional(e) | Arg::Star(e) | Arg::DoubleStar(e) | Arg::Keyword { value: e, .. } => e,
    }
}

fn for_each_in_item<'e>(item: &'e IndexItem, extra: usize, f: &mut impl FnMut(&'e Expr, usize)) {
    match item {
        IndexItem::Expr(e) => f(e, extra),
        IndexItem::Slice { lower, upper, step, .. } => {
            [lower, upper, step].into_iter().flatten().for_each(|e| f(e, extra + 1));
        }
    }
}

fn for_each_in_generators<'e>(generators: &'e [Comprehension], f: &mut impl FnMut(&'e Expr, usize)) {
    for g in generators {
        for_each_in_target(&g.target, f);
        f(&g.iter, 0);
        g.ifs.iter().for_each(|c| f(c, 0));
    }
}

/// The expressions inside a target (its nesting is bounded by brackets).
fn for_each_in_target<'e>(t: &'e Target, f: &mut impl FnMut(&'e Expr, usize)) {
    match t {
        Target::Name(..) => {}
        Target::Tuple(items, _) => items.iter().for_each(|t| for_each_in_target(t, f)),
        Target::Subscript { value, items, .. } => {
            f(value, 1);
            items.iter().for_each(|item| for_each_in_item(item, 1, f));
        }
        Target::Attribute { value, .. } => f(value, 1),
        Target::Starred(inner, _) => for_each_in_target(inner, f),
    }
}

/// Height of an index item (a slice is a node of its own).
fn item_depth(item: &IndexItem) -> usize {
    let mut deepest = 0;
    for_each_in_item(item, 0, &mut |e, extra| deepest = deepest.max(depth(e) + extra));
    deepest.max(usize::from(matches!(item, IndexItem::Slice { .. })))
}

/// Fails with a `RecursionError` when a tree would be too deep.
fn check_depth(depth: usize, offset: usize) -> Result<(), nom::Err<PErr>> {
    match depth > MAX_DEPTH {
        true => Err(failure(too_deep(offset))),
        false => Ok(()),
    }
}

/// Builds a node whose children are already known to be shallow enough.
fn node(kind: ExprKind, span: Span) -> Result<Expr, nom::Err<PErr>> {
    let e = Expr::new(kind, span);
    check_depth(depth(&e), span.start)?;
    Ok(e)
}

// ---------------------------------------------------------------------------
// Expressions
// ---------------------------------------------------------------------------

fn star_expressions(i: Toks) -> PResult<Expr> {
    let start = i;
    let (i, first) = star_expression(i)?;
    if !i.at_op(",") {
        return Ok((i, first));
    }
    let (i, (items, _)) = sequence(i, first, star_expression, starts_expression)?;
    Ok((i, node(ExprKind::Tuple(items), span(&start, &i))?))
}

fn star_expression(i: Toks) -> PResult<Expr> {
    if !i.at_op("*") {
        return expression(i);
    }
    let start = i;
    let (i, value) = cut(bitwise_or).parse(i.next())?;
    Ok((i, node(ExprKind::Starred(value), span(&start, &i))?))
}

/// Rejects a lone `*x` where a value is needed.
fn no_bare_starred(e: &Expr) -> Result<(), nom::Err<PErr>> {
    match e.kind {
        ExprKind::Starred(_) => Err(failure(syntax("can't use starred expression here", e.span.start))),
        _ => Ok(()),
    }
}

fn expression(i: Toks) -> PResult<Expr> {
    nested(i, |i| {
        if let Some(leaf) = lone_leaf(i) {
            return Ok(leaf);
        }
        let (i, e) = match i.at_kw("lambda") {
            true => lambdef(i)?,
            false => conditional(i)?,
        };
        forgot_comma(&i, &e)?;
        Ok((i, e))
    })
}

/// A name or number that is a whole expression by itself (`b` in
/// `f(a, b)`, `x` in `x = ...`, `1` in `a[1, :]`): the token after it is one
/// that no level between `conditional` and `atom` takes, so the leaf can be
/// returned without going down (and back up through) those ten levels.
/// They would give the same expression and note the same furthest failure,
/// at the token after the leaf.
#[inline(always)]
fn lone_leaf<'a>(i: Toks<'a>) -> Option<(Toks<'a>, Expr)> {
    let t = i.peek();
    let next = i.peek2();
    let ends = match next.tok {
        Tok::Newline | Tok::End => true,
        Tok::Op(o) => matches!(o, "," | ")" | "]" | "}" | "=" | ":" | ";"),
        _ => false,
    };
    if !ends {
        return None;
    }
    let kind = match t.tok {
        Tok::Name if !is_keyword(i.text(t)) => ExprKind::Name(Ident::new(i.text(t))),
        Tok::Int(v) => ExprKind::Int(v),
        Tok::Float(v) => ExprKind::Float(v),
        _ => return None,
    };
    i.ctx.note_failure(next.span.start);
    Some((i.next(), Expr::new(kind, t.span)))
}

/// Inside brackets, an expression directly followed by the start of another
/// one is CPython's "Perhaps you forgot a comma?".
fn forgot_comma(i: &Toks, e: &Expr) -> Result<(), nom::Err<PErr>> {
    let t = i.peek();
    if t.level == 0 {
        return Ok(());
    }
    let adjacent = match t.tok {
        Tok::Name => {
            let text = i.text(t);
            !is_keyword(text) || matches!(text, "True" | "False" | "None" | "lambda" | "not")
        }
        Tok::Int(_) | Tok::Float(_) | Tok::Imag => true,
        Tok::Str(_) => !matches!(e.kind, ExprKind::Name(_)),
        Tok::Op(o) => matches!(o, "{" | "..."),
        _ => false,
    };
    match adjacent {
        true => Err(failure(syntax("invalid syntax. Perhaps you forgot a comma?", e.span.start))),
        false => Ok(()),
    }
}

fn conditional(i: Toks) -> PResult<Expr> {
    let start = i;
    // Without a leading `not`, the first inversion of the disjunction is a
    // comparison: parse it directly (three fewer levels to return through).
    let (i, body) = match i.at_kw("not") {
        true => disjunction(i)?,
        false => {
            let (j, first) = comparison(i)?;
            let (j, first) = bool_chain_from(start, j, first, "and", BoolOp::And, inversion)?;
            bool_chain_from(start, j, first, "or", BoolOp::Or, conjunction)?
        }
    };
    if !i.at_kw("if") {
        return Ok((i, body));
    }
    let (i, test) = cut(disjunction).parse(i.next())?;
    if !i.at_kw("else") {
        let message = "expected 'else' after 'if' expression";
        return fail(syntax(message, start.offset()));
    }
    let (i, orelse) = cut(expression).parse(i.next())?;
    let kind = ExprKind::IfExp { test, body, orelse };
    Ok((i, node(kind, span(&start, &i))?))
}

fn lambdef(i: Toks) -> PResult<Expr> {
    let start = i;
    let i = i.next();
    let (i, params) = match i.at_op(":") {
        true => (i, Params::default()),
        false => cut(lambda_params).parse(i)?,
    };
    let (i, _) = cut(op(":")).parse(i)?;
    let (i, body) = cut(expression).parse(i)?;
    let kind = ExprKind::Lambda { params: Arc::new(params), body: Arc::new(body) };
    Ok((i, node(kind, span(&start, &i))?))
}

fn disjunction(i: Toks) -> PResult<Expr> {
    bool_chain(i, "or", BoolOp::Or, conjunction)
}

fn conjunction(i: Toks) -> PResult<Expr> {
    bool_chain(i, "and", BoolOp::And, inversion)
}

fn bool_chain<'a>(
    i: Toks<'a>,
    word: &'static str,
    op: BoolOp,
    operand: fn(Toks<'a>) -> PResult<'a, Expr>,
) -> PResult<'a, Expr> {
    let start = i;
    let (i, first) = operand(i)?;
    bool_chain_from(start, i, first, word, op, operand)
}

/// The rest of a `bool_chain` whose first operand (from `start` to `i`) is
/// parsed. (The common case, no `word`, is inlined into the callers; the
/// grammar levels are kept few because every level moves the result.)
#[inline(always)]
fn bool_chain_from<'a>(
    start: Toks<'a>,
    i: Toks<'a>,
    first: Expr,
    word: &'static str,
    op: BoolOp,
    operand: fn(Toks<'a>) -> PResult<'a, Expr>,
) -> PResult<'a, Expr> {
    if !i.at_kw(word) {
        i.ctx.note_failure(i.offset()); // as a failed `kw(word)` would
        return Ok((i, first));
    }
    bool_chain_rest(start, i, first, word, op, operand)
}

#[inline(never)]
fn bool_chain_rest<'a>(
    start: Toks<'a>,
    mut i: Toks<'a>,
    first: Expr,
    word: &'static str,
    op: BoolOp,
    operand: fn(Toks<'a>) -> PResult<'a, Expr>,
) -> PResult<'a, Expr> {
    let mut values = vec![first];
    while i.at_kw(word) {
        let (j, v) = cut(operand).parse(i.next())?;
        values.push(v);
        i = j;
    }
    i.ctx.note_failure(i.offset());
    Ok((i, node(ExprKind::BoolOp { op, values }, span(&start, &i))?))
}

fn inversion(i: Toks) -> PResult<Expr> {
    let mut nots = Vec::new();
    let mut i = i;
    while i.at_kw("not") {
        check_depth(nots.len() + 1, i.offset())?;
        nots.push(i);
        i = i.next();
    }
    if nots.is_empty() {
        return comparison(i);
    }
    let (i, mut e) = cut(comparison).parse(i)?;
    let mut d = depth(&e);
    for start in nots.into_iter().rev() {
        d += 1;
        check_depth(d, start.offset())?;
        let kind = ExprKind::Unary { op: UnaryOp::Not, operand: e };
        e = Expr::new(kind, span(&start, &i));
    }
    Ok((i, e))
}

#[inline(always)]
fn comparison(i: Toks) -> PResult<Expr> {
    let start = i;
    let (i, left) = bitwise_or(i)?;
    match comp_op(&i) {
        None => Ok((i, left)),
        Some(_) => comparison_rest(start, i, left),
    }
}

#[inline(never)]
fn comparison_rest<'a>(start: Toks<'a>, mut i: Toks<'a>, left: Expr) -> PResult<'a, Expr> {
    let mut ops = Vec::new();
    while let Some((j, op, op_span)) = comp_op(&i) {
        let (j, right) = cut(bitwise_or).parse(j)?;
        ops.push((op, op_span, right));
        i = j;
    }
    if ops.is_empty() {
        return Ok((i, left));
    }
    let kind = ExprKind::Compare { left, ops };
    Ok((i, node(kind, span(&start, &i))?))
}

/// The comparison operator at the input, if any (`not in` and `is not` are
/// two tokens).
fn comp_op<'a>(i: &Toks<'a>) -> Option<(Toks<'a>, CmpOp, Span)> {
    let t = i.peek();
    let one = |op| Some((i.next(), op, t.span));
    let two = |op| Some((i.next().next(), op, t.span.to(i.peek2().span)));
    match t.tok {
        Tok::Op("<") => one(CmpOp::Lt),
        Tok::Op(">") => one(CmpOp::Gt),
        Tok::Op("==") => one(CmpOp::Eq),
        Tok::Op(">=") => one(CmpOp::GtE),
        Tok::Op("<=") => one(CmpOp::LtE),
        Tok::Op("!=") => one(CmpOp::NotEq),
        Tok::Name => match i.text(t) {
            "in" => one(CmpOp::In),
            "not" if i.next().at_kw("in") => two(CmpOp::NotIn),
            "not" => {
                i.ctx.note_failure(i.peek2().span.start);
                None
            }
            "is" if i.next().at_kw("not") => two(CmpOp::IsNot),
            "is" => one(CmpOp::Is),
            _ => None,
        },
        _ => None,
    }
}

/// `bitwise_or` down to `term` (see the grammar above) in one loop by
/// precedence climbing: each operand is a `factor`, and an operator binds
/// the operands around it when its level is at least `min`.
fn bitwise_or(i: Toks) -> PResult<Expr> {
    binary_levels(i, 1)
}

/// The binary operator at `t` and its level: 1 `|`, 2 `^`, 3 `&`,
/// 4 shifts, 5 `+ -`, 6 `* / // % @`.
fn binary_op(t: &Token) -> Option<(BinOp, u8)> {
    let Tok::Op(o) = t.tok else { return None };
    Some(match o {
        "|" => (BinOp::BitOr, 1),
        "^" => (BinOp::BitXor, 2),
        "&" => (BinOp::BitAnd, 3),
        "<<" => (BinOp::LShift, 4),
        ">>" => (BinOp::RShift, 4),
        "+" => (BinOp::Add, 5),
        "-" => (BinOp::Sub, 5),
        "*" => (BinOp::Mul, 6),
        "/" => (BinOp::Div, 6),
        "//" => (BinOp::FloorDiv, 6),
        "%" => (BinOp::Mod, 6),
        "@" => (BinOp::MatMul, 6),
        _ => return None,
    })
}

/// Operators of level `min` and above, folded to the left in a loop.
fn binary_levels(i: Toks, min: u8) -> PResult<Expr> {
    let start = i;
    let (mut i, mut left) = factor(i)?;
    let mut left_depth = None;
    loop {
        let t = i.peek();
        let Some((op, level)) = binary_op(t).filter(|&(_, l)| l >= min) else {
            return Ok((i, left));
        };
        let (j, right) = match level {
            6 => cut(factor).parse(i.next())?,
            _ => cut(|i| binary_levels(i, level + 1)).parse(i.next())?,
        };
        let d = 1 + left_depth.unwrap_or_else(|| depth(&left)).max(depth(&right));
        check_depth(d, t.span.start)?;
        let kind = ExprKind::BinOp { op, op_span: t.span, left, right };
        left = Expr::new(kind, span(&start, &j));
        left_depth = Some(d);
        i = j;
    }
}

/// One `prefix-operators primary` piece of a `**` chain.
struct PowerPiece<'a> {
    prefix: Vec<(UnaryOp, Toks<'a>)>,
    base_start: Toks<'a>,
    base: Expr,
    /// The `**` after this piece (unused for the last piece).
    pow: Span,
}

/// `factor` and `power` together: `-a ** -b ** c` is read as a list of
/// pieces in a loop, then folded from the right.
#[inline(always)]
fn factor(i: Toks) -> PResult<Expr> {
    // Most operands are a bare primary: no prefix operator, no `**`. The
    // primary parsed here is kept as the first piece otherwise (parsing it
    // again would cost exponential time in nested parentheses).
    if matches!(i.peek().tok, Tok::Op("-" | "+" | "~")) {
        return power_chain(i, None);
    }
    let (j, base) = primary(i)?;
    match j.at_op("**") {
        false => Ok((j, base)),
        true => power_chain(i, Some((j, base))),
    }
}

/// The general `factor`: prefix operators and `**` chains.
#[inline(never)]
fn power_chain<'a>(i: Toks<'a>, mut first: Option<(Toks<'a>, Expr)>) -> PResult<'a, Expr> {
    let mut pieces = Vec::new();
    let mut spine = 0;
    let mut i = i;
    loop {
        let (j, prefix) = prefix_ops(i, &mut spine)?;
        let certain = !pieces.is_empty() || !prefix.is_empty();
        let base_start = j;
        let (j, base) = match (first.take(), certain) {
            (Some(parsed), _) => parsed,
            (None, true) => cut(primary).parse(j)?,
            (None, false) => primary(j)?,
        };
        let mut piece = PowerPiece { prefix, base_start, base, pow: Span::default() };
        if !j.at_op("**") {
            pieces.push(piece);
            i = j;
            break;
        }
        spine += 1;
        check_depth(spine, j.offset())?;
        piece.pow = j.peek().span;
        pieces.push(piece);
        i = j.next();
    }
    let e = fold_power(pieces, &i)?;
    Ok((i, e))
}

fn prefix_ops<'a>(i: Toks<'a>, spine: &mut usize) -> PResult<'a, Vec<(UnaryOp, Toks<'a>)>> {
    let mut ops = Vec::new();
    let mut i = i;
    loop {
        let op = match i.peek().tok {
            Tok::Op("-") => UnaryOp::Neg,
            Tok::Op("+") => UnaryOp::Pos,
            Tok::Op("~") => UnaryOp::Invert,
            _ => return Ok((i, ops)),
        };
        *spine += 1;
        check_depth(*spine, i.offset())?;
        ops.push((op, i));
        i = i.next();
    }
}

fn fold_power<'a>(pieces: Vec<PowerPiece<'a>>, end: &Toks<'a>) -> Result<Expr, nom::Err<PErr>> {
    // The folded right-hand side, with its depth once computed.
    let mut acc: Option<(Expr, Option<usize>)> = None;
    for piece in pieces.into_iter().rev() {
        if acc.is_none() && piece.prefix.is_empty() {
            acc = Some((piece.base, None));
            continue;
        }
        let (mut e, mut d) = match acc.take() {
            None => {
                let d = depth(&piece.base);
                (piece.base, d)
            }
            Some((right, right_depth)) => {
                let right_depth = right_depth.unwrap_or_else(|| depth(&right));
                let d = 1 + depth(&piece.base).max(right_depth);
                check_depth(d, piece.pow.start)?;
                let kind = ExprKind::BinOp { op: BinOp::Pow, op_span: piece.pow, left: piece.base, right };
                (Expr::new(kind, span(&piece.base_start, end)), d)
            }
        };
        for (op, start) in piece.prefix.into_iter().rev() {
            d += 1;
            check_depth(d, start.offset())?;
            let kind = ExprKind::Unary { op, operand: e };
            e = Expr::new(kind, span(&start, end));
        }
        acc = Some((e, Some(d)));
    }
    acc.map(|(e, _)| e).ok_or_else(|| failure(SyntaxError::invalid(end.offset())))
}

/// What follows a primary: `.name`, `(args)` or `[items]`.
enum Trailer {
    Attr(Ident, Span),
    Call(Vec<Arg>),
    Index(Vec<IndexItem>, bool),
}

impl Trailer {
    fn depth(&self) -> usize {
        match self {
            Trailer::Attr(..) => 0,
            Trailer::Call(args) => max_of(args.iter().map(|a| depth(arg_value(a)))),
            Trailer::Index(items, _) => max_of(items.iter().map(item_depth)),
        }
    }

    fn apply(self, value: Expr) -> ExprKind {
        match self {
            Trailer::Attr(attr, attr_span) => ExprKind::Attribute { value, attr, attr_span },
            Trailer::Call(args) => ExprKind::Call { func: value, args },
            Trailer::Index(items, tuple) => ExprKind::Subscript { value, items, tuple },
        }
    }
}

fn primary(i: Toks) -> PResult<Expr> {
    let start = i;
    let (mut i, mut e) = atom(i)?;
    let mut value_depth = None;
    loop {
        if !matches!(i.peek().tok, Tok::Op("." | "(" | "[")) {
            i.ctx.note_failure(i.offset()); // as `trailer`'s miss would
            return Ok((i, e));
        }
        let (j, trailer) = match trailer(i) {
            Ok(found) => found,
            Err(nom::Err::Error(_)) => return Ok((i, e)),
            Err(err) => return Err(err),
        };
        let before = value_depth.unwrap_or_else(|| depth(&e));
        let d = 1 + before.max(trailer.depth());
        check_depth(d, i.offset())?;
        e = Expr::new(trailer.apply(e), span(&start, &j));
        value_depth = Some(d);
        i = j;
    }
}

fn trailer(i: Toks) -> PResult<Trailer> {
    match i.peek().tok {
        Tok::Op(".") => cut(name).map(|(attr, s)| Trailer::Attr(attr, s)).parse(i.next()),
        Tok::Op("(") => arguments.map(Trailer::Call).parse(i),
        Tok::Op("[") => slices.map(|(items, tuple)| Trailer::Index(items, tuple)).parse(i),
        _ => i.miss(),
    }
}

/// A call argument with what is needed to check argument order.
struct ParsedArg {
    arg: Arg,
    span: Span,
    bare_generator: bool,
}

/// `'(' [arguments] ')'`.
fn arguments(i: Toks) -> PResult<Vec<Arg>> {
    let i = i.next();
    if i.at_op(")") {
        return Ok((i.next(), Vec::new()));
    }
    let (i, first) = cut(argument).parse(i)?;
    let more = |i: &Toks| starts_expression(i) || i.at_op("**");
    let (i, (args, trailing)) = sequence(i, first, argument, more)?;
    let (i, _) = cut(op(")")).parse(i)?;
    check_arguments(&args, trailing)?;
    Ok((i, args.into_iter().map(|a| a.arg).collect()))
}

fn argument<'a>(i: Toks<'a>) -> PResult<'a, ParsedArg> {
    let start = i;
    let t = i.peek();
    let plain = |j: Toks<'a>, arg| {
        let span = span(&start, &j);
        Ok((j, ParsedArg { arg, span, bare_generator: false }))
    };
    if matches!(t.tok, Tok::Name) && i.next().at_op("=") && !is_keyword(i.text(t)) {
        let (j, value) = cut(expression).parse(i.next().next())?;
        let name = Ident::new(i.text(t));
        return plain(j, Arg::Keyword { name, name_span: t.span, value });
    }
    if i.at_op("*") || i.at_op("**") {
        let (j, value) = cut(expression).parse(i.next())?;
        let arg = if i.at_op("*") { Arg::Star(value) } else { Arg::DoubleStar(value) };
        return plain(j, arg);
    }
    let (j, e) = expression(i)?;
    if j.at_op("=") {
        let message = "expression cannot contain assignment, perhaps you meant \"==\"?";
        return fail(syntax(message, e.span.start));
    }
    if !j.at_kw("for") {
        return plain(j, Arg::Positional(e));
    }
    let (j, generators) = for_if_clauses(j)?;
    let kind = ExprKind::GeneratorExp { elt: e, generators };
    let arg = Arg::Positional(node(kind, span(&start, &j))?);
    Ok((j, ParsedArg { arg, span: span(&start, &j), bare_generator: true }))
}

fn check_arguments(args: &[ParsedArg], trailing: bool) -> Result<(), nom::Err<PErr>> {
    let mut keyword = false;
    let mut double_star = false;
    let mut names = HashSet::new();
    for a in args {
        let problem = match &a.arg {
            _ if a.bare_generator && (args.len() > 1 || trailing) => "Generator expression must be parenthesized",
            Arg::Positional(_) if double_star => "positional argument follows keyword argument unpacking",
            Arg::Positional(_) if keyword => "positional argument follows keyword argument",
            Arg::Star(_) if double_star => "iterable argument unpacking follows keyword argument unpacking",
            Arg::Keyword { name, name_span, .. } => {
                keyword = true;
                if !names.insert(name.as_str()) {
                    let message = format!("keyword argument repeated: {name}");
                    return Err(failure(syntax(message, name_span.start)));
                }
                continue;
            }
            Arg::DoubleStar(_) => {
                double_star = true;
                continue;
            }
            _ => continue,
        };
        return Err(failure(syntax(problem, a.span.start)));
    }
    Ok(())
}

/// `'[' slices ']'`; returns the items and whether they form a tuple.
fn slices(i: Toks) -> PResult<(Vec<IndexItem>, bool)> {
    let i = i.next();
    let (i, first) = cut(slice).parse(i)?;
    let more = |i: &Toks| starts_expression(i) || i.at_op(":");
    let (i, (items, trailing)) = sequence(i, first, slice, more)?;
    let (i, _) = cut(op("]")).parse(i)?;
    let tuple = trailing || items.len() > 1;
    Ok((i, (items, tuple)))
}

fn slice(i: Toks) -> PResult<IndexItem> {
    let start = i;
    let (i, lower) = match i.at_op(":") {
        true => (i, None),
        false => {
            let (j, e) = expression(i)?;
            if !j.at_op(":") {
                return Ok((j, IndexItem::Expr(e)));
            }
            (j, Some(e))
        }
    };
    let (i, upper) = optional_expression(i.next())?;
    let (i, step) = match i.at_op(":") {
        true => optional_expression(i.next())?,
        false => (i, None),
    };
    let item = IndexItem::Slice { lower, upper, step, span: span(&start, &i) };
    check_depth(item_depth(&item), start.offset())?;
    Ok((i, item))
}

fn optional_expression(i: Toks) -> PResult<Option<Expr>> {
    match starts_expression(&i) {
        true => cut(expression).map(Some).parse(i),
        false => Ok((i, None)),
    }
}

fn atom(i: Toks) -> PResult<Expr> {
    let t = i.peek();
    let leaf = |kind| Ok((i.next(), Expr::new(kind, t.span)));
    // Leaves do not recurse, so only the bracketed forms (and strings, whose
    // f-string fields hold expressions) go through `nested`.
    match t.tok {
        Tok::Name => match i.text(t) {
            "True" => leaf(ExprKind::Bool(true)),
            "False" => leaf(ExprKind::Bool(false)),
            "None" => leaf(ExprKind::None),
            word @ ("yield" | "await") => fail(unsupported(&format!("'{word}' is"), t.span.start)),
            word if is_keyword(word) => i.miss(),
            word => leaf(ExprKind::Name(Ident::new(word))),
        },
        Tok::Int(v) => leaf(ExprKind::Int(v)),
        Tok::Float(v) => leaf(ExprKind::Float(v)),
        Tok::Imag => fail(unsupported("imaginary numbers are", t.span.start)),
        Tok::Op("...") => leaf(ExprKind::Ellipsis),
        Tok::Str(_) => nested(i, strings),
        Tok::Op("(") => nested(i, paren_atom),
        Tok::Op("[") => nested(i, list_atom),
        Tok::Op("{") => nested(i, brace_atom),
        _ => i.miss(),
    }
}

/// An empty display such as `()`, `[]` or `{}`.
fn empty<'a>(start: Toks<'a>, kind: ExprKind) -> PResult<'a, Expr> {
    let end = start.next().next();
    Ok((end, Expr::new(kind, span(&start, &end))))
}

fn no_starred_element(e: &Expr) -> Result<(), nom::Err<PErr>> {
    match e.kind {
        ExprKind::Starred(_) => {
            Err(failure(syntax("iterable unpacking cannot be used in comprehension", e.span.start)))
        }
        _ => Ok(()),
    }
}

fn paren_atom(i: Toks) -> PResult<Expr> {
    let start = i;
    if i.next().at_op(")") {
        return empty(start, ExprKind::Tuple(Vec::new()));
    }
    let (i, first) = cut(star_expression).parse(i.next())?;
    if i.at_kw("for") {
        no_starred_element(&first)?;
        let (i, generators) = for_if_clauses(i)?;
        let (i, _) = cut(op(")")).parse(i)?;
        let kind = ExprKind::GeneratorExp { elt: first, generators };
        return Ok((i, node(kind, span(&start, &i))?));
    }
    if i.at_op(",") {
        let (i, (items, _)) = sequence(i, first, star_expression, starts_expression)?;
        let (i, _) = cut(op(")")).parse(i)?;
        return Ok((i, node(ExprKind::Tuple(items), span(&start, &i))?));
    }
    let (i, _) = cut(op(")")).parse(i)?;
    if let ExprKind::Starred(_) = first.kind {
        let message = "cannot use starred expression here";
        return fail(syntax(message, first.span.start));
    }
    Ok((i, first))
}

fn list_atom(i: Toks) -> PResult<Expr> {
    let start = i;
    if i.next().at_op("]") {
        return empty(start, ExprKind::List(Vec::new()));
    }
    let (i, first) = cut(star_expression).parse(i.next())?;
    if i.at_kw("for") {
        no_starred_element(&first)?;
        let (i, generators) = for_if_clauses(i)?;
        let (i, _) = cut(op("]")).parse(i)?;
        let kind = ExprKind::ListComp { elt: first, generators };
        return Ok((i, node(kind, span(&start, &i))?));
    }
    let (i, (items, _)) = sequence(i, first, star_expression, starts_expression)?;
    let (i, _) = cut(op("]")).parse(i)?;
    Ok((i, node(ExprKind::List(items), span(&start, &i))?))
}

fn brace_atom(i: Toks) -> PResult<Expr> {
    let start = i;
    let i = i.next();
    if i.at_op("}") {
        return empty(start, ExprKind::Dict(Vec::new()));
    }
    if i.at_op("**") {
        let at = i.offset();
        let (i, first) = dict_item(i)?;
        if i.at_kw("for") {
            return fail(syntax("dict unpacking cannot be used in dict comprehension", at));
        }
        return dict_rest(start, i, first);
    }
    let (i, first) = cut(star_expression).parse(i)?;
    if i.at_op(":") && !matches!(first.kind, ExprKind::Starred(_)) {
        let (i, value) = cut(expression).parse(i.next())?;
        if i.at_kw("for") {
            let (i, generators) = for_if_clauses(i)?;
            let (i, _) = cut(op("}")).parse(i)?;
            let kind = ExprKind::DictComp { key: first, value, generators };
            return Ok((i, node(kind, span(&start, &i))?));
        }
        return dict_rest(start, i, DictItem::Pair(first, value));
    }
    if i.at_kw("for") {
        no_starred_element(&first)?;
        let (i, generators) = for_if_clauses(i)?;
        let (i, _) = cut(op("}")).parse(i)?;
        let kind = ExprKind::SetComp { elt: first, generators };
        return Ok((i, node(kind, span(&start, &i))?));
    }
    let (i, (items, _)) = sequence(i, first, star_expression, starts_expression)?;
    let (i, _) = cut(op("}")).parse(i)?;
    Ok((i, node(ExprKind::Set(items), span(&start, &i))?))
}

/// A dict display after its first item.
fn dict_rest<'a>(start: Toks<'a>, i: Toks<'a>, first: DictItem) -> PResult<'a, Expr> {
    let more = |i: &Toks| starts_expression(i) || i.at_op("**");
    let (i, (items, _)) = sequence(i, first, dict_item, more)?;
    let (i, _) = cut(op("}")).parse(i)?;
    Ok((i, node(ExprKind::Dict(items), span(&start, &i))?))
}

/// `key: value` or `**mapping` (the `**` operand binds like a bitwise-or
/// expression, as in Python's grammar).
fn dict_item(i: Toks) -> PResult<DictItem> {
    if i.at_op("**") {
        let (i, m) = cut(bitwise_or).parse(i.next())?;
        return Ok((i, DictItem::Unpack(m)));
    }
    let (i, key) = expression(i)?;
    if !i.at_op(":") {
        return fail(syntax("':' expected after dictionary key", key.span.start));
    }
    let (i, value) = cut(expression).parse(i.next())?;
    Ok((i, DictItem::Pair(key, value)))
}

fn for_if_clauses(i: Toks) -> PResult<Vec<Comprehension>> {
    let mut generators = Vec::new();
    let mut i = i;
    loop {
        if i.at_kw("async") {
            return fail(unsupported("asynchronous comprehensions are", i.offset()));
        }
        if !i.at_kw("for") {
            return Ok((i, generators));
        }
        let (j, target) = cut(target_list).parse(i.next())?;
        let (j, _) = cut(kw("in")).parse(j)?;
        let (j, iter) = cut(disjunction).parse(j)?;
        let (j, ifs) = many0(preceded(kw("if"), cut(disjunction))).parse(j)?;
        generators.push(Comprehension { target, iter, ifs });
        i = j;
    }
}

fn target_list(i: Toks) -> PResult<Target> {
    let start = i;
    let (i, first) = target(i)?;
    let (i, e) = match i.at_op(",") {
        false => (i, first),
        true => {
            let (i, (items, _)) = sequence(i, first, target, starts_expression)?;
            (i, node(ExprKind::Tuple(items), span(&start, &i))?)
        }
    };
    let t = to_target(e, TargetUse::Assign).map_err(failure)?;
    Ok((i, t))
}

fn target(i: Toks) -> PResult<Expr> {
    if !i.at_op("*") {
        return bitwise_or(i);
    }
    let start = i;
    let (i, value) = cut(bitwise_or).parse(i.next())?;
    Ok((i, node(ExprKind::Starred(value), span(&start, &i))?))
}

// ---------------------------------------------------------------------------
// Strings and f-strings
// ---------------------------------------------------------------------------

/// `STRING+`: adjacent literals are concatenated; any f-string among them
/// makes the whole an f-string.
fn strings(i: Toks) -> PResult<Expr> {
    let start = i;
    let mut i = i;
    let mut parts = Vec::new();
    let mut formatted = false;
    while let Tok::Str(info) = i.peek().tok {
        string_piece(i.ctx, i.peek(), info, &mut parts).map_err(failure)?;
        formatted |= info.format;
        i = i.next();
    }
    let span = span(&start, &i);
    if formatted {
        return Ok((i, node(ExprKind::FString(parts), span)?));
    }
    let text = parts
        .into_iter()
        .map(|p| match p {
            FStringPart::Literal(s) => s,
            FStringPart::Expr { .. } => String::new(),
        })
        .collect();
    Ok((i, Expr::new(ExprKind::Str(text), span)))
}

fn string_piece(ctx: &Ctx, t: &Token, info: StrTok, parts: &mut Vec<FStringPart>) -> Result<(), SyntaxError> {
    if info.bytes {
        return Err(unsupported("bytes literals are", t.span.start));
    }
    let start = t.span.start + info.prefix_len + info.quote_len;
    let end = t.span.end.saturating_sub(info.quote_len).max(start);
    if info.format {
        return fstring(ctx, start, end, info.raw, parts);
    }
    let body = ctx.src.get(start..end).unwrap_or("");
    let text = match info.raw {
        true => body.to_string(),
        false => unescape(body, t.span.start)?,
    };
    push_literal(parts, text);
    Ok(())
}

fn push_literal(parts: &mut Vec<FStringPart>, text: String) {
    if text.is_empty() {
        return;
    }
    match parts.last_mut() {
        Some(FStringPart::Literal(last)) => last.push_str(&text),
        _ => parts.push(FStringPart::Literal(text)),
    }
}

/// Decodes backslash escapes. `offset` locates errors (the literal's start).
fn unescape(body: &str, offset: usize) -> Result<String, SyntaxError> {
    let mut out = String::with_capacity(body.len());
    let mut chars = body.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some((_, e)) = chars.next() else {
            out.push('\\');
            break;
        };
        match e {
            '\n' => {}
            '\r' => {
                chars.next_if(|&(_, c)| c == '\n');
            }
            '\\' | '\'' | '"' => out.push(e),
            'n' => out.push('\n'),
            't' => out.push('\t'),
            'r' => out.push('\r'),
            'a' => out.push('\x07'),
            'b' => out.push('\x08'),
            'f' => out.push('\x0c'),
            'v' => out.push('\x0b'),
            '0'..='7' => {
                let mut value = e.to_digit(8).unwrap_or(0);
                for _ in 0..2 {
                    match chars.next_if(|&(_, d)| d.is_digit(8)) {
                        Some((_, d)) => value = value * 8 + d.to_digit(8).unwrap_or(0),
                        None => break,
                    }
                }
                out.push(char::from_u32(value).unwrap_or(char::REPLACEMENT_CHARACTER));
            }
            'x' | 'u' | 'U' => out.push(hex_escape(&mut chars, e, at, offset)?),
            'N' => return Err(unsupported("\\N{...} escapes are", offset)),
            other => {
                out.push('\\');
                out.push(other);
            }
        }
    }
    Ok(out)
}

fn hex_escape(
    chars: &mut std::iter::Peekable<std::str::CharIndices>,
    kind: char,
    at: usize,
    offset: usize,
) -> Result<char, SyntaxError> {
    let (count, form) = match kind {
        'x' => (2, "\\xXX"),
        'u' => (4, "\\uXXXX"),
        _ => (8, "\\UXXXXXXXX"),
    };
    let digits: String =
        std::iter::from_fn(|| chars.next_if(|(_, d)| d.is_ascii_hexdigit())).take(count).map(|(_, d)| d).collect();
    let codec = "(unicode error) 'unicodeescape' codec can't decode bytes in position";
    let last = at + 1 + digits.len();
    if digits.len() < count {
        return Err(syntax(format!("{codec} {at}-{last}: truncated {form} escape"), offset));
    }
    u32::from_str_radix(&digits, 16)
        .ok()
        .and_then(char::from_u32)
        .ok_or_else(|| syntax(format!("{codec} {at}-{last}: illegal Unicode character"), offset))
}

/// Parses the body `src[start..end]` of an f-string into parts.
fn fstring(ctx: &Ctx, start: usize, end: usize, raw: bool, parts: &mut Vec<FStringPart>) -> Result<(), SyntaxError> {
    let mut literal = String::new();
    let mut k = start;
    while let Some(c) = ctx.src.get(k..end).and_then(|s| s.chars().next()) {
        let next = ctx.src.get(k + c.len_utf8()..end).and_then(|s| s.chars().next());
        match (c, next) {
            ('{', Some('{')) | ('}', Some('}')) => {
                literal.push(c);
                k += 2;
            }
            ('{', _) => {
                flush_literal(&mut literal, raw, k, parts)?;
                let (part, after) = replacement_field(ctx, k + 1, end)?;
                parts.push(part);
                k = after;
            }
            ('}', _) => return Err(syntax("f-string: single '}' is not allowed", k)),
            ('\\', Some(n)) if !raw && n != '{' && n != '}' => {
                literal.push(c);
                literal.push(n);
                k += 1 + n.len_utf8();
            }
            _ => {
                literal.push(c);
                k += c.len_utf8();
            }
        }
    }
    flush_literal(&mut literal, raw, k, parts)
}

fn flush_literal(
    literal: &mut String,
    raw: bool,
    offset: usize,
    parts: &mut Vec<FStringPart>,
) -> Result<(), SyntaxError> {
    let text = std::mem::take(literal);
    let text = match raw {
        true => text,
        false => unescape(&text, offset)?,
    };
    push_literal(parts, text);
    Ok(())
}

/// `{expr[=][!c][:spec]}` starting after the `{`; returns the part and the
/// offset after the closing `}`.
fn replacement_field(ctx: &Ctx, start: usize, end: usize) -> Result<(FStringPart, usize), SyntaxError> {
    let src = ctx.src;
    let char_at = |k: usize| src.get(k..end).and_then(|s| s.chars().next());
    let expr_end = expression_end(src, start, end)?;
    if src.get(start..expr_end).unwrap_or("").trim().is_empty() {
        return Err(syntax("f-string: empty expression not allowed", expr_end));
    }
    let expr = embedded_expression(ctx, start, expr_end)?;
    let mut k = expr_end;
    let mut debug_text = None;
    if char_at(k) == Some('=') {
        k += 1;
        while let Some(c) = char_at(k).filter(|c| c.is_whitespace()) {
            k += c.len_utf8();
        }
        debug_text = Some(src.get(start..k).unwrap_or("").to_string());
    }
    let mut conversion = None;
    if char_at(k) == Some('!') {
        match char_at(k + 1) {
            Some(c @ ('s' | 'r' | 'a')) => conversion = Some(c),
            _ => {
                let message = "f-string: invalid conversion character: expected 's', 'r', or 'a'";
                return Err(syntax(message, k + 1));
            }
        }
        k += 2;
    }
    let mut spec = String::new();
    if char_at(k) == Some(':') {
        let spec_start = k + 1;
        k = spec_end(src, spec_start, end)?;
        spec = src.get(spec_start..k).unwrap_or("").to_string();
    }
    if char_at(k) != Some('}') {
        return Err(syntax("f-string: expecting '}'", k));
    }
    if debug_text.is_some() && conversion.is_none() && spec.is_empty() {
        conversion = Some('r');
    }
    let part = FStringPart::Expr { expr, conversion, spec, debug_text };
    Ok((part, k + 1))
}

/// Where the expression of a replacement field ends: at a top-level `}`,
/// `!`, `:` or self-documenting `=`.
fn expression_end(src: &str, start: usize, end: usize) -> Result<usize, SyntaxError> {
    let text = src.get(start..end).unwrap_or("");
    let mut depth = 0usize;
    let mut quote = None;
    let mut prev = None;
    let mut chars = text.char_indices().peekable();
    while let Some((k, c)) = chars.next() {
        let at = start + k;
        let next = chars.peek().map(|&(_, n)| n);
        if let Some(q) = quote {
            if c == q {
                quote = None;
            }
            continue;
        }
        match c {
            '\'' | '"' => quote = Some(c),
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' if depth > 0 => depth -= 1,
            '}' => return Ok(at),
            ')' | ']' => return Err(syntax(format!("f-string: unmatched '{c}'"), at)),
            '#' => return Err(syntax("f-string expression part cannot include '#'", at)),
            '\\' => {
                let message = "f-string expression part cannot include a backslash";
                return Err(syntax(message, at));
            }
            '!' if depth == 0 && next != Some('=') => return Ok(at),
            ':' if depth == 0 => return Ok(at),
            '=' if depth == 0 && next != Some('=') && !matches!(prev, Some('=' | '!' | '<' | '>')) => {
                return Ok(at);
            }
            _ => {}
        }
        prev = Some(c);
    }
    Err(syntax("f-string: expecting '}'", end))
}

/// The end of a format spec (the offset of its closing `}`).
fn spec_end(src: &str, start: usize, end: usize) -> Result<usize, SyntaxError> {
    let text = src.get(start..end).unwrap_or("");
    match text.find(['{', '}']) {
        Some(k) if text[k..].starts_with('}') => Ok(start + k),
        Some(k) => Err(unsupported("nested replacement fields in format specs are", start + k)),
        None => Err(syntax("f-string: expecting '}'", end)),
    }
}

/// Parses the expression of a replacement field at `src[start..end]`, with
/// spans into the whole cell.
fn embedded_expression(ctx: &Ctx, start: usize, end: usize) -> Result<Expr, SyntaxError> {
    let toks = tokenize_nested(ctx.src, start, end).map_err(in_fstring)?;
    let inner = Ctx::new(ctx.src, ctx.nesting.get());
    let input = Toks { toks: &toks, ctx: &inner };
    let result = star_expressions(input).and_then(|(i, e)| {
        no_bare_starred(&e)?;
        let (i, _) = end_of_input(i)?;
        Ok((i, e))
    });
    finish(&inner, result).map_err(in_fstring)
}

fn in_fstring(e: SyntaxError) -> SyntaxError {
    if e.exc_type != "SyntaxError" || e.message.starts_with("f-string") {
        return e;
    }
    SyntaxError { message: format!("f-string: {}", e.message), ..e }
}

fn end_of_input(i: Toks) -> PResult<()> {
    let i = if i.at(Tok::Newline) { i.next() } else { i };
    match i.at(Tok::End) {
        true => Ok((i, ())),
        false => i.miss(),
    }
}

// ---------------------------------------------------------------------------
// Parameters
// ---------------------------------------------------------------------------

enum Param {
    Named { name: String, span: Span, default: Option<Expr> },
    Star(Option<String>, Span),
    DoubleStar(String, Span),
    Slash(Span),
}

fn params(i: Toks) -> PResult<Params> {
    param_list(i, param)
}

fn lambda_params(i: Toks) -> PResult<Params> {
    param_list(i, lambda_param)
}

fn param_list<'a>(i: Toks<'a>, item: fn(Toks<'a>) -> PResult<'a, Param>) -> PResult<'a, Params> {
    let (i, first) = item(i)?;
    let more = |i: &Toks| matches!(i.peek().tok, Tok::Name | Tok::Op("*" | "**" | "/"));
    let (i, (items, _)) = sequence(i, first, item, more)?;
    let params = build_params(items).map_err(failure)?;
    Ok((i, params))
}

fn param(i: Toks) -> PResult<Param> {
    param_with(i, true)
}

fn lambda_param(i: Toks) -> PResult<Param> {
    param_with(i, false)
}

fn param_with<'a>(i: Toks<'a>, annotated: bool) -> PResult<'a, Param> {
    let annotation = |i: Toks<'a>| match annotated && i.at_op(":") {
        true => cut(expression).map(|_| ()).parse(i.next()),
        false => Ok((i, ())),
    };
    let t = i.peek();
    match t.tok {
        Tok::Op("/") => Ok((i.next(), Param::Slash(t.span))),
        Tok::Op("**") => {
            let (j, (name, s)) = cut(name).parse(i.next())?;
            let (j, _) = annotation(j)?;
            Ok((j, Param::DoubleStar(name.into_string(), t.span.to(s))))
        }
        Tok::Op("*") if matches!(i.peek2().tok, Tok::Name) => {
            let (j, (name, s)) = cut(name).parse(i.next())?;
            let (j, _) = annotation(j)?;
            Ok((j, Param::Star(Some(name.into_string()), t.span.to(s))))
        }
        Tok::Op("*") => Ok((i.next(), Param::Star(None, t.span))),
        _ => {
            let (j, (name, span)) = name(i)?;
            let (j, _) = annotation(j)?;
            let (j, default) = opt(preceded(op("="), cut(expression))).parse(j)?;
            Ok((j, Param::Named { name: name.into_string(), span, default }))
        }
    }
}

/// Orders and checks parameters as CPython does.
fn build_params(items: Vec<Param>) -> Result<Params, SyntaxError> {
    let mut p = Params::default();
    let mut seen = HashSet::new();
    let mut bare_star = None;
    let mut after_star = false;
    let mut saw_default = false;
    let mut unique = |name: &str, span: Span| match seen.insert(name.to_string()) {
        true => Ok(()),
        false => Err(syntax(format!("duplicate argument '{name}' in function definition"), span.start)),
    };
    for item in items {
        if p.double_star.is_some() {
            let at = match &item {
                Param::Named { span, .. } | Param::Star(_, span) | Param::DoubleStar(_, span) => *span,
                Param::Slash(span) => *span,
            };
            return Err(syntax("arguments cannot follow var-keyword argument", at.start));
        }
        match item {
            Param::Named { name, span, default } => {
                unique(&name, span)?;
                if after_star {
                    p.keyword_only.push((name, default));
                    continue;
                }
                if default.is_none() && saw_default {
                    let message = "non-default argument follows default argument";
                    return Err(syntax(message, span.start));
                }
                saw_default |= default.is_some();
                p.positional.push((name, default));
            }
            Param::Star(name, span) => {
                if after_star {
                    return Err(syntax("* argument may appear only once", span.start));
                }
                after_star = true;
                match name {
                    Some(name) => {
                        unique(&name, span)?;
                        p.star = Some(name);
                    }
                    None => bare_star = Some(span),
                }
            }
            Param::DoubleStar(name, span) => {
                unique(&name, span)?;
                p.double_star = Some(name);
            }
            Param::Slash(span) => {
                return Err(unsupported("positional-only parameters ('/') are", span.start));
            }
        }
    }
    match bare_star {
        Some(span) if p.keyword_only.is_empty() => Err(syntax("named arguments must follow bare *", span.start)),
        _ => Ok(p),
    }
}

// ---------------------------------------------------------------------------
// Assignment targets
// ---------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq)]
enum TargetUse {
    Assign,
    Delete,
}

/// How CPython names an expression that cannot be assigned to.
fn describe(kind: &ExprKind) -> &'static str {
    use ExprKind as K;
    match kind {
        K::Int(_) | K::Float(_) | K::Str(_) => "literal",
        K::Bool(true) => "True",
        K::Bool(false) => "False",
        K::None => "None",
        K::Ellipsis => "ellipsis",
        K::FString(_) => "f-string expression",
        K::Call { .. } => "function call",
        K::Compare { .. } => "comparison",
        K::IfExp { .. } => "conditional expression",
        K::Lambda { .. } => "lambda",
        K::ListComp { .. } => "list comprehension",
        K::GeneratorExp { .. } => "generator expression",
        K::DictComp { .. } => "dict comprehension",
        K::SetComp { .. } => "set comprehension",
        K::Dict(_) => "dict literal",
        K::Set(_) => "set display",
        K::Tuple(_) => "tuple",
        K::List(_) => "list",
        K::Starred(_) => "starred",
        K::Name(_) => "name",
        K::Attribute { .. } => "attribute",
        K::Subscript { .. } => "subscript",
        K::BinOp { .. } | K::Unary { .. } | K::BoolOp { .. } => "expression",
    }
}

fn to_target(e: Expr, usage: TargetUse) -> Result<Target, SyntaxError> {
    element_target(e, usage, false)
}

fn element_target(e: Expr, usage: TargetUse, in_sequence: bool) -> Result<Target, SyntaxError> {
    let span = e.span;
    match e.into_kind() {
        ExprKind::Name(name) => Ok(Target::Name(name, span)),
        ExprKind::Attribute { value, attr, .. } => Ok(Target::Attribute { value, attr, span }),
        ExprKind::Subscript { value, items, tuple } => Ok(Target::Subscript { value, items, tuple, span }),
        ExprKind::Tuple(items) | ExprKind::List(items) => sequence_target(items, usage, span),
        ExprKind::Starred(_) if usage == TargetUse::Delete => Err(syntax("cannot delete starred", span.start)),
        ExprKind::Starred(_) if !in_sequence => {
            Err(syntax("starred assignment target must be in a list or tuple", span.start))
        }
        ExprKind::Starred(inner) => {
            let inner = element_target(inner, usage, false)?;
            Ok(Target::Starred(Box::new(inner), span))
        }
        other => {
            let verb = match usage {
                TargetUse::Assign => "assign to",
                TargetUse::Delete => "delete",
            };
            Err(syntax(format!("cannot {verb} {}", describe(&other)), span.start))
        }
    }
}

fn sequence_target(items: Vec<Expr>, usage: TargetUse, span: Span) -> Result<Target, SyntaxError> {
    let stars = items.iter().filter(|e| matches!(e.kind, ExprKind::Starred(_))).count();
    if usage == TargetUse::Assign && stars > 1 {
        let message = "multiple starred expressions in assignment";
        return Err(syntax(message, span.start));
    }
    let targets = items.into_iter().map(|e| element_target(e, usage, true)).collect::<Result<_, _>>()?;
    Ok(Target::Tuple(targets, span))
}

/// The target of `x += 1`: a name, attribute or subscript.
fn aug_target(e: Expr) -> Result<Target, SyntaxError> {
    match e.kind {
        ExprKind::Name(_) | ExprKind::Attribute { .. } | ExprKind::Subscript { .. } => to_target(e, TargetUse::Assign),
        ref other => Err(syntax(
            format!("'{}' is an illegal expression for augmented assignment", describe(other)),
            e.span.start,
        )),
    }
}

/// The target of `x: int = 3`.
fn annotated_target(e: Expr) -> Result<Target, SyntaxError> {
    let message = match e.kind {
        ExprKind::Name(_) | ExprKind::Attribute { .. } | ExprKind::Subscript { .. } => {
            return to_target(e, TargetUse::Assign);
        }
        ExprKind::Tuple(_) => "only single target (not tuple) can be annotated",
        ExprKind::List(_) => "only single target (not list) can be annotated",
        _ => "illegal target for annotation",
    };
    Err(syntax(message, e.span.start))
}

// ---------------------------------------------------------------------------
// Statements
// ---------------------------------------------------------------------------

fn cell(i: Toks) -> PResult<Vec<Stmt>> {
    let mut body = Vec::new();
    let mut i = i;
    while !i.at(Tok::End) {
        let (j, stmts) = statement(i)?;
        match body.is_empty() {
            true => body = stmts,
            false => body.extend(stmts),
        }
        i = j;
    }
    Ok((i, body))
}

fn statement<'a>(i: Toks<'a>) -> PResult<'a, Vec<Stmt>> {
    nested(i, |i| {
        let t = i.peek();
        let single = |r: PResult<'a, Stmt>| r.map(|(j, s)| (j, vec![s]));
        match t.tok {
            Tok::Indent => fail(indentation("unexpected indent", t.span.start)),
            Tok::Op("@") => fail(unsupported("decorators are", t.span.start)),
            Tok::Name => match i.text(t) {
                "def" => single(function_def(i)),
                "if" => single(if_stmt(i)),
                "for" => single(for_stmt(i)),
                "while" => single(while_stmt(i)),
                "try" => single(try_stmt(i)),
                "nonlocal" => nonlocal_stmt(i),
                word @ ("class" | "with" | "async") => {
                    fail(unsupported(&format!("'{word}' statements are"), t.span.start))
                }
                _ => simple_stmts(i),
            },
            _ => simple_stmts(i),
        }
    })
}

fn simple_stmts(i: Toks) -> PResult<Vec<Stmt>> {
    let (mut i, first) = simple_stmt(i)?;
    let mut stmts = vec![first];
    while i.at_op(";") {
        i = i.next();
        if i.at(Tok::Newline) {
            break;
        }
        let (j, s) = cut(simple_stmt).parse(i)?;
        stmts.push(s);
        i = j;
    }
    let (i, _) = cut(newline).parse(i)?;
    Ok((i, stmts))
}

fn simple_stmt(i: Toks) -> PResult<Stmt> {
    let start = i;
    let t = i.peek();
    let word = match t.tok {
        Tok::Name => i.text(t),
        _ => "",
    };
    let (j, kind) = match word {
        "return" => return_stmt(i)?,
        "import" => import_stmt(i)?,
        "from" => from_import(i)?,
        "raise" => raise_stmt(i)?,
        "del" => del_stmt(i)?,
        "assert" => assert_stmt(i)?,
        "global" => global_stmt(i)?,
        "pass" => (i.next(), StmtKind::Pass),
        "break" => (i.next(), StmtKind::Break),
        "continue" => (i.next(), StmtKind::Continue),
        _ => expr_stmt(i)?,
    };
    Ok((j, Stmt { kind, span: span(&start, &j) }))
}

const AUG_OPS: &[(&str, BinOp)] = &[
    ("+=", BinOp::Add),
    ("-=", BinOp::Sub),
    ("*=", BinOp::Mul),
    ("/=", BinOp::Div),
    ("//=", BinOp::FloorDiv),
    ("%=", BinOp::Mod),
    ("**=", BinOp::Pow),
    ("@=", BinOp::MatMul),
    ("&=", BinOp::BitAnd),
    ("|=", BinOp::BitOr),
    ("^=", BinOp::BitXor),
    ("<<=", BinOp::LShift),
    (">>=", BinOp::RShift),
];

fn expr_stmt(i: Toks) -> PResult<StmtKind> {
    let (i, first) = star_expressions(i)?;
    let t = i.peek();
    if i.at_op("=") {
        return assignment(i, first);
    }
    if let Some(&(_, op)) = AUG_OPS.iter().find(|(s, _)| i.at_op(s)) {
        let target = aug_target(first).map_err(failure)?;
        let (i, value) = cut(star_expressions).parse(i.next())?;
        no_bare_starred(&value)?;
        let kind = StmtKind::AugAssign { target, op, op_span: t.span, value };
        return Ok((i, kind));
    }
    if i.at_op(":") {
        return annotation(i, first);
    }
    no_bare_starred(&first)?;
    Ok((i, StmtKind::Expr(first)))
}

/// `('=' star_expressions)+` after the first target.
fn assignment<'a>(i: Toks<'a>, first: Expr) -> PResult<'a, StmtKind> {
    // Room for the usual `target = value` without growing.
    let mut exprs = Vec::with_capacity(2);
    exprs.push(first);
    let mut i = i;
    while i.at_op("=") {
        let (j, e) = cut(star_expressions).parse(i.next())?;
        exprs.push(e);
        i = j;
    }
    i.ctx.note_failure(i.offset()); // as the failed `=` test of a `many0` would
    let value = exprs.pop().ok_or_else(|| failure(SyntaxError::invalid(i.offset())))?;
    no_bare_starred(&value)?;
    let targets =
        exprs.into_iter().map(|e| to_target(e, TargetUse::Assign)).collect::<Result<_, _>>().map_err(failure)?;
    Ok((i, StmtKind::Assign { targets, value }))
}

/// `':' expression ['=' star_expressions]` after the target.
fn annotation<'a>(i: Toks<'a>, first: Expr) -> PResult<'a, StmtKind> {
    let target = annotated_target(first).map_err(failure)?;
    let (i, _) = cut(expression).parse(i.next())?;
    let (i, value) = opt(preceded(op("="), cut(star_expressions))).parse(i)?;
    if let Some(v) = &value {
        no_bare_starred(v)?;
    }
    Ok((i, StmtKind::AnnAssign { target, value }))
}

fn return_stmt(i: Toks) -> PResult<StmtKind> {
    let i = i.next();
    if !starts_expression(&i) {
        return Ok((i, StmtKind::Return(None)));
    }
    let (i, value) = star_expressions(i)?;
    no_bare_starred(&value)?;
    Ok((i, StmtKind::Return(Some(value))))
}

fn import_stmt(i: Toks) -> PResult<StmtKind> {
    separated_list1(op(","), cut(dotted_as_name)).map(StmtKind::Import).parse(i.next())
}

fn dotted_as_name(i: Toks) -> PResult<ImportName> {
    let (i, module) = dotted_name(i)?;
    let (i, alias) = opt(preceded(kw("as"), cut(name))).parse(i)?;
    let alias = alias.map(|(a, _)| a.into_string());
    Ok((i, ImportName { module, alias }))
}

fn dotted_name(i: Toks) -> PResult<String> {
    separated_list1(op("."), cut(name))
        .map(|names| names.into_iter().map(|(n, _)| n).collect::<Vec<_>>().join("."))
        .parse(i)
}

/// `from [dots]module import names`; the module keeps its leading dots and
/// `import *` is the single name `*`.
fn from_import(i: Toks) -> PResult<StmtKind> {
    let mut i = i.next();
    let mut module = String::new();
    while let Tok::Op(dots @ ("." | "...")) = i.peek().tok {
        module.push_str(dots);
        i = i.next();
    }
    if module.is_empty() || !i.at_kw("import") {
        let (j, path) = cut(dotted_name).parse(i)?;
        module.push_str(&path);
        i = j;
    }
    let (i, _) = cut(kw("import")).parse(i)?;
    if i.at_op("*") {
        return Ok((i.next(), StmtKind::ImportFrom { module, names: vec![("*".into(), None)] }));
    }
    let (i, names) = match i.at_op("(") {
        true => parenthesized_import_names(i)?,
        false => import_as_names(i)?,
    };
    Ok((i, StmtKind::ImportFrom { module, names }))
}

fn parenthesized_import_names(i: Toks) -> PResult<Vec<(String, Option<String>)>> {
    let (i, first) = cut(import_as_name).parse(i.next())?;
    let more = |i: &Toks| matches!(i.peek().tok, Tok::Name);
    let (i, (names, _)) = sequence(i, first, import_as_name, more)?;
    let (i, _) = cut(op(")")).parse(i)?;
    Ok((i, names))
}

fn import_as_names(i: Toks) -> PResult<Vec<(String, Option<String>)>> {
    let (i, first) = cut(import_as_name).parse(i)?;
    let more = |i: &Toks| matches!(i.peek().tok, Tok::Name);
    let (i, (names, trailing)) = sequence(i, first, import_as_name, more)?;
    if trailing {
        let message = "trailing comma not allowed without surrounding parentheses";
        return fail(syntax(message, i.offset()));
    }
    Ok((i, names))
}

fn import_as_name(i: Toks) -> PResult<(String, Option<String>)> {
    let (i, (n, _)) = name(i)?;
    let (i, alias) = opt(preceded(kw("as"), cut(name))).parse(i)?;
    Ok((i, (n.into_string(), alias.map(|(a, _)| a.into_string()))))
}

/// `raise [exc [from cause]]`; the cause is parsed and dropped.
fn raise_stmt(i: Toks) -> PResult<StmtKind> {
    let i = i.next();
    if !starts_expression(&i) {
        return Ok((i, StmtKind::Raise(None)));
    }
    let (i, exc) = expression(i)?;
    let (i, _) = opt(preceded(kw("from"), cut(expression))).parse(i)?;
    Ok((i, StmtKind::Raise(Some(exc))))
}

fn del_stmt(i: Toks) -> PResult<StmtKind> {
    let (i, first) = cut(target).parse(i.next())?;
    let (i, (items, _)) = sequence(i, first, target, starts_expression)?;
    let targets =
        items.into_iter().map(|e| to_target(e, TargetUse::Delete)).collect::<Result<_, _>>().map_err(failure)?;
    Ok((i, StmtKind::Del(targets)))
}

fn assert_stmt(i: Toks) -> PResult<StmtKind> {
    let (i, test) = cut(expression).parse(i.next())?;
    let (i, msg) = opt(preceded(op(","), cut(expression))).parse(i)?;
    Ok((i, StmtKind::Assert { test, msg }))
}

fn global_stmt(i: Toks) -> PResult<StmtKind> {
    separated_list1(op(","), cut(name))
        .map(|names| StmtKind::Global(names.into_iter().map(|(n, _)| n.into_string()).collect()))
        .parse(i.next())
}

/// The `:` ending a compound statement header. CPython says "expected ':'"
/// always after `def` and `else` headers, and after `if`/`elif`/`while`/`for`
/// only at the end of the line.
fn colon(i: Toks, always: bool) -> PResult<Span> {
    if i.at_op(":") {
        return Ok((i.next(), i.peek().span));
    }
    if always || i.at(Tok::Newline) {
        return fail(syntax("expected ':'", i.offset()));
    }
    i.fail_here()
}

/// The body of a compound statement; `what` and `header` describe the
/// header for "expected an indented block" errors.
fn block<'a>(i: Toks<'a>, what: &str, header: usize) -> PResult<'a, Vec<Stmt>> {
    if !i.at(Tok::Newline) {
        return simple_stmts(i);
    }
    let j = i.next();
    if !j.at(Tok::Indent) {
        let at = match j.offset() >= i.ctx.src.len() {
            true => i.offset(),
            false => j.offset(),
        };
        let line = line_of(i.ctx.src, header);
        let message = format!("expected an indented block after {what} on line {line}");
        return fail(indentation(message, at));
    }
    let mut i = j.next();
    let mut body = Vec::new();
    while !i.at(Tok::Dedent) && !i.at(Tok::End) {
        let (k, stmts) = statement(i)?;
        body.extend(stmts);
        i = k;
    }
    Ok((i.next(), body))
}

fn function_def(i: Toks) -> PResult<Stmt> {
    let start = i;
    let (i, (name, _)) = cut(name).parse(i.next())?;
    let (i, _) = cut(op("(")).parse(i)?;
    let (i, params) = match i.at_op(")") {
        true => (i, Params::default()),
        false => cut(params).parse(i)?,
    };
    let (i, _) = cut(op(")")).parse(i)?;
    let (i, _) = opt(preceded(op("->"), cut(expression))).parse(i)?;
    let (i, _) = colon(i, true)?;
    let (i, body) = block(i, "function definition", start.offset())?;
    let docstring = match body.first().map(|s| &s.kind) {
        Some(StmtKind::Expr(e)) => match &e.kind {
            ExprKind::Str(doc) => Some(doc.clone()),
            _ => None,
        },
        _ => None,
    };
    let span = span(&start, &i);
    let def = FunctionDef { name: name.into_string(), params: Arc::new(params), body: Arc::new(body), docstring, span };
    Ok((i, Stmt { kind: StmtKind::FunctionDef(def), span }))
}

/// One `if`/`elif` test and body, before the elif chain is folded.
struct Branch<'a> {
    start: Toks<'a>,
    test: Expr,
    body: Vec<Stmt>,
}

fn if_branch<'a>(i: Toks<'a>, what: &str) -> PResult<'a, Branch<'a>> {
    let start = i;
    let (i, test) = cut(expression).parse(i.next())?;
    let (i, _) = colon(i, false)?;
    let (i, body) = block(i, what, start.offset())?;
    Ok((i, Branch { start, test, body }))
}

fn if_stmt(i: Toks) -> PResult<Stmt> {
    let (mut i, first) = if_branch(i, "'if' statement")?;
    let mut branches = vec![first];
    while i.at_kw("elif") {
        check_depth(branches.len() + 1, i.offset())?;
        let (j, branch) = if_branch(i, "'elif' statement")?;
        branches.push(branch);
        i = j;
    }
    let (i, mut orelse) = else_block(i)?;
    for branch in branches.into_iter().rev() {
        let kind = StmtKind::If { test: branch.test, body: branch.body, orelse };
        orelse = vec![Stmt { kind, span: span(&branch.start, &i) }];
    }
    let stmt = orelse.pop().ok_or_else(|| failure(SyntaxError::invalid(i.offset())))?;
    Ok((i, stmt))
}

fn else_block(i: Toks) -> PResult<Vec<Stmt>> {
    if !i.at_kw("else") {
        return Ok((i, Vec::new()));
    }
    let header = i.offset();
    let (i, _) = colon(i.next(), true)?;
    block(i, "'else' statement", header)
}

fn for_stmt(i: Toks) -> PResult<Stmt> {
    let start = i;
    let (i, target) = cut(target_list).parse(i.next())?;
    let (i, _) = cut(kw("in")).parse(i)?;
    let (i, iter) = cut(star_expressions).parse(i)?;
    no_bare_starred(&iter)?;
    let (i, _) = colon(i, false)?;
    let (i, body) = block(i, "'for' statement", start.offset())?;
    let (i, orelse) = else_block(i)?;
    let kind = StmtKind::For { target, iter, body, orelse };
    Ok((i, Stmt { kind, span: span(&start, &i) }))
}

fn nonlocal_stmt(i: Toks) -> PResult<Vec<Stmt>> {
    let start = i;
    let (i, names) = separated_list1(op(","), cut(name)).parse(i.next())?;
    let (i, _) = cut(newline).parse(i)?;
    let kind = StmtKind::Nonlocal(names.into_iter().map(|(n, _)| n.into_string()).collect());
    Ok((i, vec![Stmt { kind, span: span(&start, &i) }]))
}

/// `try:` with `except [E [as n]]:` clauses, `else:` and `finally:`.
fn try_stmt(i: Toks) -> PResult<Stmt> {
    let start = i;
    let (i, _) = colon(i.next(), true)?;
    let (mut i, body) = block(i, "'try' statement", start.offset())?;
    let mut handlers = Vec::new();
    while i.at_kw("except") {
        let h_start = i;
        let mut j = i.next();
        let mut typ = None;
        let mut hname = None;
        if !j.at_op(":") {
            let (k, t) = cut(expression).parse(j)?;
            typ = Some(t);
            j = k;
            if j.at_kw("as") {
                let (k, (n, _)) = cut(name).parse(j.next())?;
                hname = Some(n);
                j = k;
            }
        }
        let (j, _) = colon(j, true)?;
        let (j, hbody) = block(j, "'except' statement", h_start.offset())?;
        handlers.push(ExceptHandler {
            typ,
            name: hname.map(Ident::into_string),
            body: hbody,
            span: span(&h_start, &j),
        });
        i = j;
    }
    let (i, orelse) = else_block(i)?;
    let (i, finalbody) = if i.at_kw("finally") {
        let header = i.offset();
        let (j, _) = colon(i.next(), true)?;
        block(j, "'finally' statement", header)?
    } else {
        (i, Vec::new())
    };
    if handlers.is_empty() && finalbody.is_empty() {
        return fail(syntax("expected 'except' or 'finally' block", i.offset()));
    }
    let kind = StmtKind::Try { body, handlers, orelse, finalbody };
    Ok((i, Stmt { kind, span: span(&start, &i) }))
}

fn while_stmt(i: Toks) -> PResult<Stmt> {
    let start = i;
    let (i, test) = cut(expression).parse(i.next())?;
    let (i, _) = colon(i, false)?;
    let (i, body) = block(i, "'while' statement", start.offset())?;
    let (i, orelse) = else_block(i)?;
    let kind = StmtKind::While { test, body, orelse };
    Ok((i, Stmt { kind, span: span(&start, &i) }))
}

// ---------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------

/// Parses one cell: one or more statements, possibly multi-line blocks.
pub fn parse_cell(src: &str) -> Result<Cell, SyntaxError> {
    crate::stack::grow(RED_ZONE, STACK_SEGMENT, || {
        let toks = tokenize(src)?;
        let ctx = Ctx::new(src, 0);
        let body = finish(&ctx, cell(Toks { toks: &toks, ctx: &ctx }));
        let trailing_semicolon = ends_with_semicolon(&toks);
        recycle_tokens(toks);
        let body = body?;
        check_placement(&body, false, false)?;
        Ok(Cell { body, trailing_semicolon })
    })
}

/// Parses a single expression (a bare tuple `a, b` included) that must be
/// the whole input.
pub fn parse_expr(src: &str) -> Result<Expr, SyntaxError> {
    crate::stack::grow(RED_ZONE, STACK_SEGMENT, || {
        let toks = tokenize(src)?;
        let ctx = Ctx::new(src, 0);
        let input = Toks { toks: &toks, ctx: &ctx };
        let result = star_expressions(input).and_then(|(i, e)| {
            no_bare_starred(&e)?;
            let (i, _) = end_of_input(i)?;
            Ok((i, e))
        });
        let result = finish(&ctx, result);
        recycle_tokens(toks);
        result
    })
}

/// Whether the last token of the cell (comments aside) is `;`.
fn ends_with_semicolon(toks: &[Token]) -> bool {
    let layout = |t: &&Token| matches!(t.tok, Tok::Newline | Tok::Indent | Tok::Dedent | Tok::End);
    toks.iter().rev().find(|t| !layout(t)).is_some_and(|t| t.tok == Tok::Op(";"))
}

/// Compile-time checks: `return` only in functions, `break`/`continue` only
/// in loops.
fn check_placement(stmts: &[Stmt], in_function: bool, in_loop: bool) -> Result<(), SyntaxError> {
    for s in stmts {
        let at = s.span.start;
        match &s.kind {
            StmtKind::Return(_) if !in_function => {
                return Err(syntax("'return' outside function", at));
            }
            StmtKind::Break if !in_loop => return Err(syntax("'break' outside loop", at)),
            StmtKind::Continue if !in_loop => {
                return Err(syntax("'continue' not properly in loop", at));
            }
            StmtKind::FunctionDef(def) => check_placement(&def.body, true, false)?,
            StmtKind::If { body, orelse, .. } => {
                check_placement(body, in_function, in_loop)?;
                check_placement(orelse, in_function, in_loop)?;
            }
            StmtKind::For { body, orelse, .. } | StmtKind::While { body, orelse, .. } => {
                check_placement(body, in_function, true)?;
                check_placement(orelse, in_function, in_loop)?;
            }
            StmtKind::Try { body, handlers, orelse, finalbody } => {
                check_placement(body, in_function, in_loop)?;
                for h in handlers {
                    check_placement(&h.body, in_function, in_loop)?;
                }
                check_placement(orelse, in_function, in_loop)?;
                check_placement(finalbody, in_function, in_loop)?;
            }
            StmtKind::Nonlocal(_) if !in_function => {
                return Err(syntax("nonlocal declaration not allowed at module level", at));
            }
            _ => {}
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// S-expressions (for tests and debugging)
// ---------------------------------------------------------------------------

/// A compact S-expression for an expression, e.g. `(@ a (. b T))`.
pub fn sexpr(e: &Expr) -> String {
    use ExprKind as K;
    match &e.kind {
        K::Int(v) => v.to_string(),
        K::Float(v) => format!("{v:?}"),
        K::Str(s) => format!("{s:?}"),
        K::FString(parts) => list("f", parts.iter().map(fstring_part_sexpr)),
        K::Bool(true) => "True".into(),
        K::Bool(false) => "False".into(),
        K::None => "None".into(),
        K::Ellipsis => "...".into(),
        K::Name(n) => n.to_string(),
        K::List(v) => list("list", v.iter().map(sexpr)),
        K::Tuple(v) => list("tuple", v.iter().map(sexpr)),
        K::Set(v) => list("set", v.iter().map(sexpr)),
        K::Dict(items) => list(
            "dict",
            items.iter().map(|item| match item {
                DictItem::Pair(k, v) => format!("({} {})", sexpr(k), sexpr(v)),
                DictItem::Unpack(m) => format!("(** {})", sexpr(m)),
            }),
        ),
        K::Attribute { value, attr, .. } => format!("(. {} {attr})", sexpr(value)),
        K::Call { func, args } => {
            let items = std::iter::once(sexpr(func)).chain(args.iter().map(arg_sexpr));
            list("call", items)
        }
        K::Subscript { value, items, tuple } => subscript_sexpr(value, items, *tuple),
        K::BinOp { op, left, right, .. } => {
            format!("({} {} {})", op.symbol(), sexpr(left), sexpr(right))
        }
        K::Unary { op, operand } => format!("({} {})", unary_symbol(*op), sexpr(operand)),
        K::Compare { left, ops } => compare_sexpr(left, ops),
        K::BoolOp { op, values } => {
            let word = if *op == BoolOp::And { "and" } else { "or" };
            list(word, values.iter().map(sexpr))
        }
        K::IfExp { test, body, orelse } => {
            format!("(if {} {} {})", sexpr(test), sexpr(body), sexpr(orelse))
        }
        K::Lambda { params, body } => {
            format!("(lambda {} {})", params_sexpr(params), sexpr(body))
        }
        K::ListComp { elt, generators } => comprehension_sexpr("listcomp", &[elt], generators),
        K::GeneratorExp { elt, generators } => comprehension_sexpr("genexp", &[elt], generators),
        K::DictComp { key, value, generators } => comprehension_sexpr("dictcomp", &[key, value], generators),
        K::SetComp { elt, generators } => comprehension_sexpr("setcomp", &[elt], generators),
        K::Starred(value) => format!("(* {})", sexpr(value)),
    }
}

/// A compact S-expression for a statement, e.g. `(= (tuple a b) (. x shape))`.
pub fn stmt_sexpr(s: &Stmt) -> String {
    match &s.kind {
        StmtKind::Expr(e) => sexpr(e),
        StmtKind::Assign { targets, value } => {
            let items = targets.iter().map(target_sexpr).chain([sexpr(value)]);
            list("=", items)
        }
        StmtKind::AugAssign { target, op, value, .. } => {
            format!("({}= {} {})", op.symbol(), target_sexpr(target), sexpr(value))
        }
        StmtKind::AnnAssign { target, value } => {
            list(":", std::iter::once(target_sexpr(target)).chain(value.iter().map(sexpr)))
        }
        StmtKind::Import(names) => list("import", names.iter().map(|n| alias_sexpr(&n.module, &n.alias))),
        StmtKind::ImportFrom { module, names } => {
            list("from", std::iter::once(module.clone()).chain(names.iter().map(|(n, a)| alias_sexpr(n, a))))
        }
        StmtKind::FunctionDef(def) => {
            let head = [def.name.clone(), params_sexpr(&def.params)];
            let doc = def.docstring.iter().map(|d| format!("(doc {d:?})"));
            list("def", head.into_iter().chain(doc).chain(def.body.iter().map(stmt_sexpr)))
        }
        StmtKind::Return(value) => list("return", value.iter().map(sexpr)),
        StmtKind::If { test, body, orelse } => block_sexpr("if", sexpr(test), body, orelse),
        StmtKind::For { target, iter, body, orelse } => {
            let head = format!("{} {}", target_sexpr(target), sexpr(iter));
            block_sexpr("for", head, body, orelse)
        }
        StmtKind::While { test, body, orelse } => block_sexpr("while", sexpr(test), body, orelse),
        StmtKind::Break => "break".into(),
        StmtKind::Continue => "continue".into(),
        StmtKind::Pass => "pass".into(),
        StmtKind::Assert { test, msg } => list("assert", std::iter::once(sexpr(test)).chain(msg.iter().map(sexpr))),
        StmtKind::Del(targets) => list("del", targets.iter().map(target_sexpr)),
        StmtKind::Global(names) => list("global", names.iter().cloned()),
        StmtKind::Nonlocal(names) => list("nonlocal", names.iter().cloned()),
        StmtKind::Try { body, handlers, orelse, finalbody } => {
            let mut parts: Vec<String> = vec![list("body", body.iter().map(stmt_sexpr))];
            for h in handlers {
                let head = h.typ.as_ref().map(sexpr).into_iter().chain(h.name.clone());
                parts.push(list("except", head.chain(h.body.iter().map(stmt_sexpr))));
            }
            parts.push(list("else", orelse.iter().map(stmt_sexpr)));
            parts.push(list("finally", finalbody.iter().map(stmt_sexpr)));
            list("try", parts.into_iter())
        }
        StmtKind::Raise(value) => list("raise", value.iter().map(sexpr)),
    }
}

/// `(head item item ...)`.
fn list(head: &str, items: impl Iterator<Item = String>) -> String {
    let mut out = format!("({head}");
    for item in items {
        out.push(' ');
        out.push_str(&item);
    }
    out.push(')');
    out
}

fn unary_symbol(op: UnaryOp) -> &'static str {
    match op {
        UnaryOp::Neg => "-",
        UnaryOp::Pos => "+",
        UnaryOp::Invert => "~",
        UnaryOp::Not => "not",
    }
}

fn fstring_part_sexpr(part: &FStringPart) -> String {
    match part {
        FStringPart::Literal(s) => format!("{s:?}"),
        FStringPart::Expr { expr, conversion, spec, debug_text } => {
            let mut items = vec![sexpr(expr)];
            items.extend(debug_text.iter().map(|d| format!("= {d:?}")));
            items.extend(conversion.iter().map(|c| format!("!{c}")));
            if !spec.is_empty() {
                items.push(format!(":{spec}"));
            }
            list("fmt", items.into_iter())
        }
    }
}

fn arg_sexpr(arg: &Arg) -> String {
    match arg {
        Arg::Positional(e) => sexpr(e),
        Arg::Keyword { name, value, .. } => format!("(kw {name} {})", sexpr(value)),
        Arg::Star(e) => format!("(* {})", sexpr(e)),
        Arg::DoubleStar(e) => format!("(** {})", sexpr(e)),
    }
}

fn index_sexpr(item: &IndexItem) -> String {
    let part = |p: &Option<Expr>| p.as_ref().map_or("_".to_string(), sexpr);
    match item {
        IndexItem::Expr(e) => sexpr(e),
        IndexItem::Slice { lower, upper, step: None, .. } => {
            format!("(: {} {})", part(lower), part(upper))
        }
        IndexItem::Slice { lower, upper, step, .. } => {
            format!("(: {} {} {})", part(lower), part(upper), part(step))
        }
    }
}

fn subscript_sexpr(value: &Expr, items: &[IndexItem], tuple: bool) -> String {
    let mut parts: Vec<String> = std::iter::once(sexpr(value)).chain(items.iter().map(index_sexpr)).collect();
    if tuple && items.len() == 1 {
        parts.push(",".into());
    }
    list("[]", parts.into_iter())
}

fn compare_sexpr(left: &Expr, ops: &[(CmpOp, Span, Expr)]) -> String {
    let symbol = |op: CmpOp| op.symbol().replace(' ', "-");
    if let [(op, _, right)] = ops {
        return format!("({} {} {})", symbol(*op), sexpr(left), sexpr(right));
    }
    let rest = ops.iter().flat_map(|(op, _, e)| [symbol(*op), sexpr(e)]);
    list("cmp", std::iter::once(sexpr(left)).chain(rest))
}

fn params_sexpr(p: &Params) -> String {
    let param = |(name, default): &(String, Option<Expr>)| match default {
        Some(d) => format!("{name}={}", sexpr(d)),
        None => name.clone(),
    };
    let mut items: Vec<String> = p.positional.iter().map(param).collect();
    match &p.star {
        Some(star) => items.push(format!("*{star}")),
        None if !p.keyword_only.is_empty() => items.push("*".into()),
        None => {}
    }
    items.extend(p.keyword_only.iter().map(param));
    items.extend(p.double_star.iter().map(|d| format!("**{d}")));
    format!("({})", items.join(" "))
}

fn comprehension_sexpr(head: &str, elts: &[&Expr], generators: &[Comprehension]) -> String {
    let clause = |g: &Comprehension| {
        let ifs = g.ifs.iter().map(|c| format!("(if {})", sexpr(c)));
        let head = [target_sexpr(&g.target), sexpr(&g.iter)];
        list("for", head.into_iter().chain(ifs))
    };
    list(head, elts.iter().map(|e| sexpr(e)).chain(generators.iter().map(clause)))
}

fn target_sexpr(t: &Target) -> String {
    match t {
        Target::Name(n, _) => n.to_string(),
        Target::Tuple(items, _) => list("tuple", items.iter().map(target_sexpr)),
        Target::Subscript { value, items, tuple, .. } => subscript_sexpr(value, items, *tuple),
        Target::Attribute { value, attr, .. } => format!("(. {} {attr})", sexpr(value)),
        Target::Starred(inner, _) => format!("(* {})", target_sexpr(inner)),
    }
}

fn alias_sexpr(name: &str, alias: &Option<String>) -> String {
    match alias {
        Some(a) => format!("(as {name} {a})"),
        None => name.to_string(),
    }
}

fn block_sexpr(head: &str, test: String, body: &[Stmt], orelse: &[Stmt]) -> String {
    let body = list("", body.iter().map(stmt_sexpr)).replacen("( ", "(", 1);
    let mut out = format!("({head} {test} {body}");
    if !orelse.is_empty() {
        out.push(' ');
        out.push_str(&list("else", orelse.iter().map(stmt_sexpr)));
    }
    out.push(')');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The operator decision tree picks the longest operator of the list at
    /// every string of up to three operator characters (and a letter).
    #[test]
    fn operators_are_longest_match() {
        let chars: Vec<char> = "*/<>.!-:=+%@&|^~()[]{},;a".chars().collect();
        let mut checked = 0;
        for &a in &chars {
            for &b in &chars {
                for &c in &chars {
                    let text: String = [a, b, c].iter().collect();
                    let longest = OPERATORS.iter().copied().filter(|op| text.starts_with(op)).max_by_key(|op| op.len());
                    assert_eq!(operator_at(&text), longest, "{text:?}");
                    for n in 1..3 {
                        let short = &text[..n];
                        let longest =
                            OPERATORS.iter().copied().filter(|op| short.starts_with(op)).max_by_key(|op| op.len());
                        assert_eq!(operator_at(short), longest, "{short:?}");
                    }
                    checked += 1;
                }
            }
        }
        assert_eq!(checked, chars.len().pow(3));
        assert_eq!(operator_at(""), None);
    }

    /// `src` parses as an expression printing as `expected`.
    #[track_caller]
    fn parses(src: &str, expected: &str) {
        match parse_expr(src) {
            Ok(e) => assert_eq!(sexpr(&e), expected, "source: {src:?}"),
            Err(e) => panic!("{src:?} failed: {e} at {}", e.offset),
        }
    }

    /// `src` parses as a cell whose statements print as `expected` (joined by ` ; `).
    #[track_caller]
    fn stmts(src: &str, expected: &str) {
        match parse_cell(src) {
            Ok(cell) => {
                let printed: Vec<_> = cell.body.iter().map(stmt_sexpr).collect();
                assert_eq!(printed.join(" ; "), expected, "source: {src:?}");
            }
            Err(e) => panic!("{src:?} failed: {e} at {}", e.offset),
        }
    }

    /// `src` fails as a cell with `message` (as displayed) at byte `offset`.
    #[track_caller]
    fn fails(src: &str, message: &str, offset: usize) {
        match parse_cell(src) {
            Ok(cell) => panic!("{src:?} parsed: {:?}", cell.body.iter().map(stmt_sexpr).collect::<Vec<_>>()),
            Err(e) => assert_eq!((e.to_string().as_str(), e.offset), (message, offset), "source: {src:?}"),
        }
    }

    const INVALID: &str = "SyntaxError: invalid syntax";

    #[test]
    fn atoms() {
        parses("x", "x");
        parses("True", "True");
        parses("False", "False");
        parses("None", "None");
        parses("...", "...");
        parses("42", "42");
        parses("0x1F", "31");
        parses("0o17", "15");
        parses("0b101", "5");
        parses("1_000_000", "1000000");
        parses("0_0", "0");
        parses("00", "0");
        parses("0xFFFF_FFFF_FFFF_FFFF", "18446744073709551615");
        parses("1.", "1.0");
        parses(".5", "0.5");
        parses("1e-3", "0.001");
        parses("1E5", "100000.0");
        parses("1_0.5", "10.5");
        parses("1e999", "inf");
        parses("é", "é");
        parses("_x1", "_x1");
    }

    #[test]
    fn strings() {
        parses("'abc'", "\"abc\"");
        parses("\"abc\"", "\"abc\"");
        parses("'''a\nb'''", "\"a\\nb\"");
        parses("\"\"\"x\"\"\"", "\"x\"");
        parses(r#"'\n\t\\\'\"'"#, r#""\n\t\\'\"""#);
        parses(r"'\x41\u00e9\U0001F600'", "\"Aé😀\"");
        parses(r"'\101\0'", "\"A\\0\"");
        parses(r"'\d'", r#""\\d""#);
        parses(r"r'\n\d'", r#""\\n\\d""#);
        parses(r"R'\''", r#""\\'""#);
        parses("u'x'", "\"x\"");
        parses("'a' 'b' \"c\"", "\"abc\"");
        parses("('a'\n 'b')", "\"ab\"");
        parses("'é→'", "\"é→\"");
        parses("''", "\"\"");
        parses("'a\\\nb'", "\"ab\"");
    }

    #[test]
    fn fstrings() {
        parses("f'{x}'", "(f (fmt x))");
        parses("f\"x={x:.3f}\"", "(f \"x=\" (fmt x :.3f))");
        parses("f'{x!r}'", "(f (fmt x !r))");
        parses("f'{x!s:>10}'", "(f (fmt x !s :>10))");
        parses("f'{{literal}} {x}'", "(f \"{literal} \" (fmt x))");
        parses("f'{x=}'", "(f (fmt x = \"x=\" !r))");
        parses("f'{x = }'", "(f (fmt x = \"x = \" !r))");
        parses("f'{x=:.2f}'", "(f (fmt x = \"x=\" :.2f))");
        parses("f'{x=!s}'", "(f (fmt x = \"x=\" !s))");
        parses("f'{a + b * 2}'", "(f (fmt (+ a (* b 2))))");
        parses("f'{a, b}'", "(f (fmt (tuple a b)))");
        parses("f'{x == y}'", "(f (fmt (== x y)))");
        parses("f'{x != y}'", "(f (fmt (!= x y)))");
        parses("f'{d[\"k\"]}'", "(f (fmt ([] d \"k\")))");
        parses("f'{f\"{x}\"}'", "(f (fmt (f (fmt x))))");
        parses("f'{(lambda: 1)()}'", "(f (fmt (call (lambda () 1))))");
        parses("f'a' 'b' f'{c}'", "(f \"ab\" (fmt c))");
        parses("'a' f'{b}'", "(f \"a\" (fmt b))");
        parses("f'\\n{x}\\t'", "(f \"\\n\" (fmt x) \"\\t\")");
        parses("rf'\\n{x}'", "(f \"\\\\n\" (fmt x))");
        parses("f''", "(f)");
        parses("f'''{\nx\n}'''", "(f (fmt x))");
    }

    #[test]
    fn fstring_spans_are_absolute() {
        let e = parse_expr("f'ab{x + y}'").unwrap();
        let ExprKind::FString(parts) = &e.kind else { panic!("{e:?}") };
        let FStringPart::Expr { expr, .. } = &parts[1] else { panic!("{parts:?}") };
        assert_eq!(expr.span, Span::new(5, 10));
        assert_eq!(e.span, Span::new(0, 12));
    }

    #[test]
    fn precedence() {
        parses("a @ b.T", "(@ a (. b T))");
        parses("-2**2", "(- (** 2 2))");
        parses("2**-1", "(** 2 (- 1))");
        parses("2**3**2", "(** 2 (** 3 2))");
        parses("(2**3)**2", "(** (** 2 3) 2)");
        parses("-x**-y**z", "(- (** x (- (** y z))))");
        parses("~a ** -b", "(~ (** a (- b)))");
        parses("- - - a", "(- (- (- a)))");
        parses("+a", "(+ a)");
        parses("a - -b", "(- a (- b))");
        parses("a + b - c + d", "(+ (- (+ a b) c) d)");
        parses("a * b / c // d % e @ f", "(@ (% (// (/ (* a b) c) d) e) f)");
        parses("a + b * c", "(+ a (* b c))");
        parses("(a + b) * c", "(* (+ a b) c)");
        parses("a | b ^ c & d << e + f", "(| a (^ b (& c (<< d (+ e f)))))");
        parses("a << b >> c", "(>> (<< a b) c)");
        parses("a or b and not c", "(or a (and b (not c)))");
        parses("a and b or c and d", "(or (and a b) (and c d))");
        parses("a or b or c", "(or a b c)");
        parses("not a in b", "(not (in a b))");
        parses("not not a", "(not (not a))");
        parses("not -a", "(not (- a))");
        parses("a < -b", "(< a (- b))");
        parses("-a[0]", "(- ([] a 0))");
        parses("-a.b ** 2", "(- (** (. a b) 2))");
        parses("1if x else 2", "(if x 1 2)");
    }

    /// Powers nested in parentheses parse in linear time (each primary is
    /// parsed once, not again when a `**` follows it).
    #[test]
    fn nested_powers_parse_once() {
        let src = format!("{}x{}", "(".repeat(150), "**1)".repeat(150));
        let t = std::time::Instant::now();
        assert!(parse_expr(&src).is_ok());
        assert!(t.elapsed() < std::time::Duration::from_secs(5));
    }

    #[test]
    fn comparisons() {
        parses("a < b", "(< a b)");
        parses("a < b <= c", "(cmp a < b <= c)");
        parses("a == b != c", "(cmp a == b != c)");
        parses("a is b", "(is a b)");
        parses("a is not None", "(is-not a None)");
        parses("a in b", "(in a b)");
        parses("a not in b", "(not-in a b)");
        parses("a > b >= c is d is not e in f not in g", "(cmp a > b >= c is d is-not e in f not-in g)");
    }

    #[test]
    fn conditionals_and_lambdas() {
        parses("x if c else y", "(if c x y)");
        parses("a if b else c if d else e", "(if b a (if d c e))");
        parses("(a if b else c) if d else e", "(if d (if b a c) e)");
        parses("a if not b else c", "(if (not b) a c)");
        parses("lambda: 0", "(lambda () 0)");
        parses("lambda x, y=2: x + y", "(lambda (x y=2) (+ x y))");
        parses("lambda *args, **kw: args", "(lambda (*args **kw) args)");
        parses("lambda x, *, y=1: x", "(lambda (x * y=1) x)");
        parses("lambda x=lambda y: y: x", "(lambda (x=(lambda (y) y)) x)");
        parses("lambda x: x if x else -x", "(lambda (x) (if x x (- x)))");
        parses("lambda x,: x", "(lambda (x) x)");
    }

    #[test]
    fn trailers() {
        parses("a.b.c.d", "(. (. (. a b) c) d)");
        parses("f(x)(y)", "(call (call f x) y)");
        parses("a.b[c](d).e", "(. (call ([] (. a b) c) d) e)");
        parses("f()", "(call f)");
        parses("f(a, b)", "(call f a b)");
        parses("f(a, *b, k=1, **kw,)", "(call f a (* b) (kw k 1) (** kw))");
        parses("f(*a, *b)", "(call f (* a) (* b))");
        parses("f(a=1, *b)", "(call f (kw a 1) (* b))");
        parses("sum(x for x in y)", "(call sum (genexp x (for x y)))");
        parses("sum((x for x in y), 0)", "(call sum (genexp x (for x y)) 0)");
        parses("print('a', sep='')", "(call print \"a\" (kw sep \"\"))");
        parses("f(\n  a,\n  b,\n)", "(call f a b)");
        parses(
            "np.array([[1, 2], [3, 4]]).reshape(-1)",
            "(call (. (call (. np array) (list (list 1 2) (list 3 4))) reshape) (- 1))",
        );
    }

    #[test]
    fn subscripts() {
        parses("a[1]", "([] a 1)");
        parses("a[1:3, ::-1]", "([] a (: 1 3) (: _ _ (- 1)))");
        parses("a[..., 0]", "([] a ... 0)");
        parses("a[None]", "([] a None)");
        parses("a[:, np.newaxis]", "([] a (: _ _) (. np newaxis))");
        parses("a[i, j]", "([] a i j)");
        parses("a[[0, 2]]", "([] a (list 0 2))");
        parses("a[a > 1]", "([] a (> a 1))");
        parses("a[1,]", "([] a 1 ,)");
        parses("a[(1, 2)]", "([] a (tuple 1 2))");
        parses("a[:]", "([] a (: _ _))");
        parses("a[1:]", "([] a (: 1 _))");
        parses("a[:-1]", "([] a (: _ (- 1)))");
        parses("a[::2]", "([] a (: _ _ 2))");
        parses("a[1:2:3]", "([] a (: 1 2 3))");
        parses("a[1:2:]", "([] a (: 1 2))");
        parses("a[..., None, 1:]", "([] a ... None (: 1 _))");
        parses("a[b[c[0]]]", "([] a ([] b ([] c 0)))");
        parses("x[1][2]", "([] ([] x 1) 2)");
    }

    #[test]
    fn subscript_tuple_flag() {
        let flag = |src| match parse_expr(src).unwrap().into_kind() {
            ExprKind::Subscript { tuple, .. } => tuple,
            other => panic!("{other:?}"),
        };
        assert!(!flag("a[1]"));
        assert!(flag("a[1,]"));
        assert!(flag("a[1, 2]"));
        assert!(!flag("a[(1, 2)]"));
        assert!(!flag("a[1:2]"));
        assert!(flag("a[:, 0]"));
    }

    #[test]
    fn displays() {
        parses("[]", "(list)");
        parses("[1]", "(list 1)");
        parses("[1, 2, 3,]", "(list 1 2 3)");
        parses("()", "(tuple)");
        parses("(1,)", "(tuple 1)");
        parses("(1, 2)", "(tuple 1 2)");
        parses("(1)", "1");
        parses("1, 2", "(tuple 1 2)");
        parses("1,", "(tuple 1)");
        parses("{}", "(dict)");
        parses("{'a': 1}", "(dict (\"a\" 1))");
        parses("{'a': 1, 'b': [1, 2],}", "(dict (\"a\" 1) (\"b\" (list 1 2)))");
        parses("{1, 2}", "(set 1 2)");
        parses("{1}", "(set 1)");
        parses("[*a, *b]", "(list (* a) (* b))");
        parses("(*a, 1)", "(tuple (* a) 1)");
        parses("*a, b", "(tuple (* a) b)");
        parses("{*a, 1}", "(set (* a) 1)");
        parses("[1,\n 2,\n 3]", "(list 1 2 3)");
    }

    #[test]
    fn comprehensions() {
        parses("[f(p) for p in xs if p > 0]", "(listcomp (call f p) (for p xs (if (> p 0))))");
        parses("[x + y for x in a for y in b if x if y]", "(listcomp (+ x y) (for x a) (for y b (if x) (if y)))");
        parses("[[i * j for j in r] for i in r]", "(listcomp (listcomp (* i j) (for j r)) (for i r))");
        parses("{k: v for k, v in d.items()}", "(dictcomp k v (for (tuple k v) (call (. d items))))");
        parses("{x % 3 for x in r}", "(setcomp (% x 3) (for x r))");
        parses("{**a, 'k': 1, **b | c}", "(dict (** a) (\"k\" 1) (** (| b c)))");
        parses("(x for x in y)", "(genexp x (for x y))");
        parses("[x for x, in y]", "(listcomp x (for (tuple x) y))");
        parses("[x for (a, *b) in y]", "(listcomp x (for (tuple a (* b)) y))");
        parses("[x for x in a if not x]", "(listcomp x (for x a (if (not x))))");
        parses("[x if c else y for x in a]", "(listcomp (if c x y) (for x a))");
        parses("[lambda: x for x in a]", "(listcomp (lambda () x) (for x a))");
    }

    #[test]
    fn simple_statements() {
        stmts("x", "x");
        stmts("a = b = 1", "(= a b 1)");
        stmts("a, b = x.shape", "(= (tuple a b) (. x shape))");
        stmts("(a, b), c = x", "(= (tuple (tuple a b) c) x)");
        stmts("[a, b] = 1, 2", "(= (tuple a b) (tuple 1 2))");
        stmts("a, *rest = x", "(= (tuple a (* rest)) x)");
        stmts("a[0, 1] = 5", "(= ([] a 0 1) 5)");
        stmts("a[a > 1] = 0", "(= ([] a (> a 1)) 0)");
        stmts("a[1:] = b", "(= ([] a (: 1 _)) b)");
        stmts("x.y.z = 1", "(= (. (. x y) z) 1)");
        stmts("(x) = 1", "(= x 1)");
        stmts("x = *a, b", "(= x (tuple (* a) b))");
        stmts("x += 1", "(+= x 1)");
        stmts("x -= 1", "(-= x 1)");
        stmts("x *= 2", "(*= x 2)");
        stmts("x /= 2", "(/= x 2)");
        stmts("x //= 2", "(//= x 2)");
        stmts("x %= 2", "(%= x 2)");
        stmts("x **= 2", "(**= x 2)");
        stmts("x @= y", "(@= x y)");
        stmts("x &= y", "(&= x y)");
        stmts("x |= y", "(|= x y)");
        stmts("x ^= y", "(^= x y)");
        stmts("x <<= 1", "(<<= x 1)");
        stmts("x >>= 1", "(>>= x 1)");
        stmts("a[i] += 1", "(+= ([] a i) 1)");
        stmts("x: int = 3", "(: x 3)");
        stmts("x: int", "(: x)");
        stmts("a.b: list[int] = []", "(: (. a b) (list))");
        stmts("import numpy", "(import numpy)");
        stmts("import numpy as np", "(import (as numpy np))");
        stmts("import matplotlib.pyplot as plt", "(import (as matplotlib.pyplot plt))");
        stmts("import a, b", "(import a b)");
        stmts("from numpy import array as arr, zeros", "(from numpy (as array arr) zeros)");
        stmts("from numpy import (array,\n zeros,)", "(from numpy array zeros)");
        stmts("from numpy.linalg import *", "(from numpy.linalg *)");
        stmts("from . import x", "(from . x)");
        stmts("from ..a import x", "(from ..a x)");
        stmts("pass", "pass");
        stmts("assert x", "(assert x)");
        stmts("assert x, \"msg\"", "(assert x \"msg\")");
        stmts("del x", "(del x)");
        stmts("del x, y[0], z.w", "(del x ([] y 0) (. z w))");
        stmts("del (a, b)", "(del (tuple a b))");
        stmts("global x", "(global x)");
        stmts("global x, y", "(global x y)");
        stmts("raise", "(raise)");
        stmts("raise ValueError(\"x\")", "(raise (call ValueError \"x\"))");
        stmts("raise E from None", "(raise E)");
        stmts("x = 1; y = 2", "(= x 1) ; (= y 2)");
        stmts("x = 1;", "(= x 1)");
        stmts("x = 1 # comment", "(= x 1)");
        stmts("# only a comment", "");
        stmts("", "");
        stmts("x = [1,\n 2]", "(= x (list 1 2))");
        stmts("x = 1 + \\\n 2", "(= x (+ 1 2))");
        stmts("x = (1 +  # why\n 2)", "(= x (+ 1 2))");
        stmts("x\r\ny", "x ; y");
        stmts("x\n\n\ny", "x ; y");
    }

    #[test]
    fn trailing_semicolon() {
        let semi = |src| parse_cell(src).unwrap().trailing_semicolon;
        assert!(semi("x;"));
        assert!(semi("x = 1;"));
        assert!(semi("a; b;  # hidden"));
        assert!(semi("x;\n"));
        assert!(!semi("x"));
        assert!(!semi("x; y"));
        assert!(!semi("'a;'"));
        assert!(!semi("x # ;"));
    }

    #[test]
    fn function_defs() {
        stmts(
            "def f(x, y=2, *args, z=1, **kw):\n    \"\"\"Doc.\"\"\"\n    return x + y",
            "(def f (x y=2 *args z=1 **kw) (doc \"Doc.\") \"Doc.\" (return (+ x y)))",
        );
        stmts("def f(x): return x", "(def f (x) (return x))");
        stmts("def f(): pass", "(def f () pass)");
        stmts("def f(a, *, b): pass", "(def f (a * b) pass)");
        stmts("def f(x: int = 1, *a: int, **k: str) -> int:\n  return x", "(def f (x=1 *a **k) (return x))");
        stmts("def f(\n  a,\n  b,\n):\n  pass", "(def f (a b) pass)");
        stmts("def f():\n    x = 1\n\n    return x", "(def f () (= x 1) (return x))");
        stmts("def f():\n  def g():\n    return 1\n  return g", "(def f () (def g () (return 1)) (return g))");
        stmts("def f():\n  return", "(def f () (return))");
        stmts("def f():\n  return 1, 2", "(def f () (return (tuple 1 2)))");
        stmts("def f(): x = 1; return x", "(def f () (= x 1) (return x))");
        stmts("def f():\n\t'doc'\n\treturn 1", "(def f () (doc \"doc\") \"doc\" (return 1))");
        stmts("def f():\n  f'not doc'", "(def f () (f \"not doc\"))");
    }

    #[test]
    fn docstring_field() {
        let cell = parse_cell("def f():\n    '''Line one.\n\n    More.'''\n    pass").unwrap();
        let StmtKind::FunctionDef(def) = &cell.body[0].kind else { panic!() };
        assert_eq!(def.docstring.as_deref(), Some("Line one.\n\n    More."));
        assert_eq!(def.name, "f");
    }

    #[test]
    fn control_flow() {
        stmts("if x:\n  y", "(if x (y))");
        stmts("if x:\n  y\nelse:\n  z", "(if x (y) (else z))");
        stmts(
            "if x:\n  a\nelif y:\n  b\nelif z:\n  c\nelse:\n  d",
            "(if x (a) (else (if y (b) (else (if z (c) (else d))))))",
        );
        stmts("if x: pass", "(if x (pass))");
        stmts("if x: a; b", "(if x (a b))");
        stmts("if x: pass\nelse: pass", "(if x (pass) (else pass))");
        stmts("for i in range(3):\n  print(i)", "(for i (call range 3) ((call print i)))");
        stmts("for i in range(3):\n  pass\nelse:\n  done()", "(for i (call range 3) (pass) (else (call done)))");
        stmts("for a, b in zip(x, y): pass", "(for (tuple a b) (call zip x y) (pass))");
        stmts("for x in 1, 2: pass", "(for x (tuple 1 2) (pass))");
        stmts("for x in *a, b: pass", "(for x (tuple (* a) b) (pass))");
        stmts("while x:\n  x -= 1", "(while x ((-= x 1)))");
        stmts("while True:\n  break\nelse:\n  pass", "(while True (break) (else pass))");
        stmts("for x in y:\n  if x:\n    continue\n  break", "(for x y ((if x (continue)) break))");
        stmts("while 1:\n  for x in y:\n    pass\n  else:\n    break", "(while 1 ((for x y (pass) (else break))))");
        stmts("if a:\n    if b:\n        c\n    d\ne", "(if a ((if b (c)) d)) ; e");
        stmts("if x:\n\n  # comment\n  y\n", "(if x (y))");
        stmts("if x:\n  y = [1,\n2]\n  z", "(if x ((= y (list 1 2)) z))");
    }

    #[test]
    fn ipython_leading_indent() {
        stmts("  x = 1", "(= x 1)");
        stmts("    if x:\n        y\n    z", "(if x (y)) ; z");
        fails("  x = 1\n y = 2", "IndentationError: unexpected indent", 9);
    }

    #[test]
    fn tabs_count_to_eight() {
        stmts("if x:\n\ty\n\tz", "(if x (y z))");
        stmts("if x:\n\tif y:\n\t\tz", "(if x ((if y (z))))");
        stmts("if x:\n\t  y\n\t  z", "(if x (y z))");
        fails("if x:\n\ta\n        b", "TabError: inconsistent use of tabs and spaces in indentation", 17);
    }

    #[test]
    fn spans() {
        let src = "y = np.dot(a, b) + 1";
        let cell = parse_cell(src).unwrap();
        let StmtKind::Assign { value, targets } = &cell.body[0].kind else { panic!() };
        assert_eq!(targets[0].span().text(src), "y");
        let ExprKind::BinOp { left, op_span, right, .. } = &value.kind else { panic!() };
        assert_eq!(left.span.text(src), "np.dot(a, b)");
        assert_eq!(op_span.text(src), "+");
        assert_eq!(right.span.text(src), "1");
        assert_eq!(value.span.text(src), "np.dot(a, b) + 1");
        assert_eq!(cell.body[0].span.text(src), src);
        let ExprKind::Call { func, args } = &left.kind else { panic!() };
        assert_eq!(func.span.text(src), "np.dot");
        let ExprKind::Attribute { attr_span, .. } = &func.kind else { panic!() };
        assert_eq!(attr_span.text(src), "dot");
        let Arg::Positional(b) = &args[1] else { panic!() };
        assert_eq!(b.span.text(src), "b");
    }

    #[test]
    fn spans_of_groups_and_operators() {
        let text = |src: &'static str| parse_expr(src).map(|e| e.span.text(src).to_string()).unwrap();
        assert_eq!(text("(a + b) @ c"), "(a + b) @ c");
        assert_eq!(text("(a + b)"), "a + b");
        assert_eq!(text(" a[1:2, ::-1] "), "a[1:2, ::-1]");
        assert_eq!(text("-x ** 2"), "-x ** 2");
        assert_eq!(text("not a"), "not a");
        assert_eq!(text("(1, 2)"), "(1, 2)");
        assert_eq!(text("1, 2"), "1, 2");
        assert_eq!(text("f(x)  # comment"), "f(x)");
        assert_eq!(text("x if c else y"), "x if c else y");
        assert_eq!(text("lambda: 0"), "lambda: 0");
        assert_eq!(text("[x for x in y]"), "[x for x in y]");
        assert_eq!(text("'a' 'b'"), "'a' 'b'");
        assert_eq!(text("é + '→'"), "é + '→'");
        let src = "a < b not in c";
        let ExprKind::Compare { ops, .. } = parse_expr(src).unwrap().into_kind() else { panic!() };
        assert_eq!(ops[1].1.text(src), "not in");
        let src = "a[1:2]";
        let ExprKind::Subscript { items, .. } = parse_expr(src).unwrap().into_kind() else { panic!() };
        let IndexItem::Slice { span, .. } = &items[0] else { panic!() };
        assert_eq!(span.text(src), "1:2");
    }

    #[test]
    fn statement_spans() {
        let src = "x = 1; y = 2\nif x:\n    pass\nz";
        let cell = parse_cell(src).unwrap();
        let texts: Vec<_> = cell.body.iter().map(|s| s.span.text(src)).collect();
        assert_eq!(texts, ["x = 1", "y = 2", "if x:\n    pass", "z"]);
    }

    #[test]
    fn tokenizer_errors() {
        fails("(1", "SyntaxError: '(' was never closed", 0);
        fails("[1, 2", "SyntaxError: '[' was never closed", 0);
        fails("{1:", "SyntaxError: '{' was never closed", 0);
        fails("([1,2", "SyntaxError: '[' was never closed", 1);
        fails("x = [1,\n2", "SyntaxError: '[' was never closed", 4);
        fails("(]", "SyntaxError: closing parenthesis ']' does not match opening parenthesis '('", 1);
        fails("foo(a]", "SyntaxError: closing parenthesis ']' does not match opening parenthesis '('", 5);
        fails("(1,\n2]", "SyntaxError: closing parenthesis ']' does not match opening parenthesis '(' on line 1", 5);
        fails(")", "SyntaxError: unmatched ')'", 0);
        fails("a)", "SyntaxError: unmatched ')'", 1);
        fails("1 2 )", "SyntaxError: unmatched ')'", 4);
        fails("\"abc", "SyntaxError: unterminated string literal (detected at line 1)", 0);
        fails("x = 'abc", "SyntaxError: unterminated string literal (detected at line 1)", 4);
        fails("x=1\n\"abc\nd", "SyntaxError: unterminated string literal (detected at line 2)", 4);
        fails("x = \"\"\"abc", "SyntaxError: unterminated triple-quoted string literal (detected at line 1)", 4);
        fails("\"\"\"a\nb", "SyntaxError: unterminated triple-quoted string literal (detected at line 2)", 0);
        fails("1abc", "SyntaxError: invalid decimal literal", 0);
        fails("1_", "SyntaxError: invalid decimal literal", 1);
        fails("1__0", "SyntaxError: invalid decimal literal", 1);
        fails("1e", "SyntaxError: invalid decimal literal", 0);
        fails("1.e5x", "SyntaxError: invalid decimal literal", 3);
        fails("1._5", "SyntaxError: invalid decimal literal", 1);
        fails("0x", "SyntaxError: invalid hexadecimal literal", 1);
        fails("0b", "SyntaxError: invalid binary literal", 1);
        fails("0b12", "SyntaxError: invalid digit '2' in binary literal", 3);
        fails("0o8", "SyntaxError: invalid digit '8' in octal literal", 2);
        fails("1e5j5", "SyntaxError: invalid imaginary literal", 3);
        fails(
            "09",
            "SyntaxError: leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers",
            0,
        );
        fails("x = 1 \\ 2", "SyntaxError: unexpected character after line continuation character", 7);
        fails("x = 1 \\", "SyntaxError: unexpected EOF while parsing", 7);
        fails("a $ b", INVALID, 2);
        fails("a ? b", INVALID, 2);
        fails("x = 1 → 2", "SyntaxError: invalid character '→' (U+2192)", 6);
        fails("x²", "SyntaxError: invalid character '²' (U+00B2)", 1);
        fails("a\u{a0}b", "SyntaxError: invalid non-printable character U+00A0", 1);
        fails("x\0", "SyntaxError: source code string cannot contain null bytes", 1);
        fails("x = 10000000000000000000000000000000000000000", "SyntaxError: integer literal is too large", 4);
        fails(
            "\"\\xZZ\"",
            "SyntaxError: (unicode error) 'unicodeescape' codec can't decode bytes in position 0-1: truncated \\xXX escape",
            0,
        );
    }

    #[test]
    fn nesting_limit_of_brackets() {
        let ok = format!("{}{}", "(".repeat(200), ")".repeat(200));
        assert!(parse_cell(&ok).is_ok());
        let deep = format!("{}{}", "(".repeat(201), ")".repeat(201));
        fails(&deep, "SyntaxError: too many nested parentheses", 200);
        fails(&"[".repeat(1000), "SyntaxError: too many nested parentheses", 200);
        fails(&"f(".repeat(300), "SyntaxError: too many nested parentheses", 401);
    }

    #[test]
    fn parser_errors() {
        fails("1 +", INVALID, 3);
        fails("1 +\n2", INVALID, 3);
        fails("a b", INVALID, 2);
        fails("a = 1 2", INVALID, 6);
        fails("1.2.3", INVALID, 3);
        fails("x.1", INVALID, 1);
        fails("a..b", INVALID, 2);
        fails("a.", INVALID, 2);
        fails("not", INVALID, 3);
        fails("a not b", INVALID, 6);
        fails("a is not", INVALID, 8);
        fails("x=1;;", INVALID, 4);
        fails(";", INVALID, 0);
        fails("a = 1; def f(): pass", INVALID, 7);
        fails("print(*)", INVALID, 7);
        fails("f(**)", INVALID, 4);
        fails("a[]", INVALID, 2);
        fails("a[1:2:3:4]", INVALID, 7);
        fails("global x = 1", INVALID, 9);
        fails("import", INVALID, 6);
        fails("from x import", INVALID, 13);
        fails("import a.b as", INVALID, 13);
        fails("import a,", INVALID, 9);
        fails("x = 1 if 2 else", INVALID, 15);
        fails("lambda x x", INVALID, 9);
        fails("[x for x in a b]", INVALID, 14);
        fails("[a \"s\"]", INVALID, 3);
        fails("if x y:\n pass", INVALID, 5);
        fails("while x y: pass", INVALID, 8);
        fails("for x in y z: pass", INVALID, 11);
        fails("else: pass", INVALID, 0);
        fails("x = [1, 2,, 3]", INVALID, 10);
        fails("x = f(,)", INVALID, 6);
        fails("x =", INVALID, 3);
        fails("= 1", INVALID, 0);
        fails("x = a +* b", INVALID, 7);
    }

    #[test]
    fn specific_parser_errors() {
        fails("[1 2]", "SyntaxError: invalid syntax. Perhaps you forgot a comma?", 1);
        fails("f(a b)", "SyntaxError: invalid syntax. Perhaps you forgot a comma?", 2);
        fails("(a b)", "SyntaxError: invalid syntax. Perhaps you forgot a comma?", 1);
        fails("{1 2}", "SyntaxError: invalid syntax. Perhaps you forgot a comma?", 1);
        fails("a[1 2]", "SyntaxError: invalid syntax. Perhaps you forgot a comma?", 2);
        fails("[a not b]", "SyntaxError: invalid syntax. Perhaps you forgot a comma?", 1);
        fails("[1 True]", "SyntaxError: invalid syntax. Perhaps you forgot a comma?", 1);
        fails("[1 lambda: 2]", "SyntaxError: invalid syntax. Perhaps you forgot a comma?", 1);
        fails("def f(x)\n  return x", "SyntaxError: expected ':'", 8);
        fails("def f() x: pass", "SyntaxError: expected ':'", 8);
        fails("if x\n  pass", "SyntaxError: expected ':'", 4);
        fails("for x in y\n  pass", "SyntaxError: expected ':'", 10);
        fails("while x\n  pass", "SyntaxError: expected ':'", 7);
        fails("if x: pass\nelse pass", "SyntaxError: expected ':'", 16);
        fails("1 if 2", "SyntaxError: expected 'else' after 'if' expression", 0);
        fails("[x if c for x in y]", "SyntaxError: expected 'else' after 'if' expression", 1);
        fails("f(x for x in y, 1)", "SyntaxError: Generator expression must be parenthesized", 2);
        fails("f(x for x in y,)", "SyntaxError: Generator expression must be parenthesized", 2);
        fails("f(a=1, b)", "SyntaxError: positional argument follows keyword argument", 7);
        fails("f(**k, a)", "SyntaxError: positional argument follows keyword argument unpacking", 7);
        fails("f(**k, *a)", "SyntaxError: iterable argument unpacking follows keyword argument unpacking", 7);
        fails("f(a=1, a=2)", "SyntaxError: keyword argument repeated: a", 7);
        fails("f(1=2)", "SyntaxError: expression cannot contain assignment, perhaps you meant \"==\"?", 2);
        fails("def f(a=1, b): pass", "SyntaxError: non-default argument follows default argument", 11);
        fails("def f(a, a): pass", "SyntaxError: duplicate argument 'a' in function definition", 9);
        fails("def f(*): pass", "SyntaxError: named arguments must follow bare *", 6);
        fails("def f(**k, a): pass", "SyntaxError: arguments cannot follow var-keyword argument", 11);
        fails("def f(*a, *b): pass", "SyntaxError: * argument may appear only once", 10);
        fails("from x import a,", "SyntaxError: trailing comma not allowed without surrounding parentheses", 16);
        fails("x = {1: 2, 3}", "SyntaxError: ':' expected after dictionary key", 11);
        fails("x = *a", "SyntaxError: can't use starred expression here", 4);
        fails("(*a)", "SyntaxError: cannot use starred expression here", 1);
        fails("[*a for a in b]", "SyntaxError: iterable unpacking cannot be used in comprehension", 1);
    }

    #[test]
    fn assignment_target_errors() {
        fails("1 = x", "SyntaxError: cannot assign to literal", 0);
        fails("f() = 1", "SyntaxError: cannot assign to function call", 0);
        fails("x + 1 = 2", "SyntaxError: cannot assign to expression", 0);
        fails("-x = 1", "SyntaxError: cannot assign to expression", 0);
        fails("a, 1 = x", "SyntaxError: cannot assign to literal", 3);
        fails("x = 1 = 2", "SyntaxError: cannot assign to literal", 4);
        fails("None = 1", "SyntaxError: cannot assign to None", 0);
        fails("True = 1", "SyntaxError: cannot assign to True", 0);
        fails("... = 1", "SyntaxError: cannot assign to ellipsis", 0);
        fails("lambda: 1 = 1", "SyntaxError: cannot assign to lambda", 0);
        fails("a < b = 1", "SyntaxError: cannot assign to comparison", 0);
        fails("[x for x in y] = 1", "SyntaxError: cannot assign to list comprehension", 0);
        fails("{} = 1", "SyntaxError: cannot assign to dict literal", 0);
        fails("{a} = 1", "SyntaxError: cannot assign to set display", 0);
        fails("(x for x in y) = 1", "SyntaxError: cannot assign to generator expression", 0);
        fails("x if y else z = 1", "SyntaxError: cannot assign to conditional expression", 0);
        fails("f\"a\" = 1", "SyntaxError: cannot assign to f-string expression", 0);
        fails("\"a\" = 1", "SyntaxError: cannot assign to literal", 0);
        fails("*a = 1", "SyntaxError: starred assignment target must be in a list or tuple", 0);
        fails("a, *b, *c = x", "SyntaxError: multiple starred expressions in assignment", 0);
        fails("for 1 in x: pass", "SyntaxError: cannot assign to literal", 4);
        fails("[x for 1 in y]", "SyntaxError: cannot assign to literal", 7);
        fails("del 1", "SyntaxError: cannot delete literal", 4);
        fails("del f()", "SyntaxError: cannot delete function call", 4);
        fails("del *a", "SyntaxError: cannot delete starred", 4);
        fails("del (a, *b)", "SyntaxError: cannot delete starred", 8);
        fails("f() += 1", "SyntaxError: 'function call' is an illegal expression for augmented assignment", 0);
        fails("1 += 1", "SyntaxError: 'literal' is an illegal expression for augmented assignment", 0);
        fails("a, b += 1", "SyntaxError: 'tuple' is an illegal expression for augmented assignment", 0);
        fails("[a] += 1", "SyntaxError: 'list' is an illegal expression for augmented assignment", 0);
        fails("[a]: int = 1", "SyntaxError: only single target (not list) can be annotated", 0);
        fails("a, b: int", "SyntaxError: only single target (not tuple) can be annotated", 0);
        fails("f(): int", "SyntaxError: illegal target for annotation", 0);
    }

    #[test]
    fn placement_errors() {
        fails("return 1", "SyntaxError: 'return' outside function", 0);
        fails("return", "SyntaxError: 'return' outside function", 0);
        fails("break", "SyntaxError: 'break' outside loop", 0);
        fails("continue", "SyntaxError: 'continue' not properly in loop", 0);
        fails("x = 1; break", "SyntaxError: 'break' outside loop", 7);
        fails("if x:\n  return", "SyntaxError: 'return' outside function", 8);
        fails("for x in y: pass\nelse: break", "SyntaxError: 'break' outside loop", 23);
        fails("while 1:\n def f(): break", "SyntaxError: 'break' outside loop", 19);
        fails("def f():\n  for x in y:\n    continue\n  break", "SyntaxError: 'break' outside loop", 38);
        stmts("def f():\n  while 1:\n    if x: break\n  return 2", "(def f () (while 1 ((if x (break)))) (return 2))");
    }

    #[test]
    fn indentation_errors() {
        fails(
            "def f(x):\nreturn x",
            "IndentationError: expected an indented block after function definition on line 1",
            10,
        );
        fails("def f(x):\n", "IndentationError: expected an indented block after function definition on line 1", 9);
        fails("def f(x):", "IndentationError: expected an indented block after function definition on line 1", 9);
        fails("if x:\npass", "IndentationError: expected an indented block after 'if' statement on line 1", 6);
        fails("for i in x:\npass", "IndentationError: expected an indented block after 'for' statement on line 1", 12);
        fails("while x:\npass", "IndentationError: expected an indented block after 'while' statement on line 1", 9);
        fails(
            "if x:\n  pass\nelse:\npass",
            "IndentationError: expected an indented block after 'else' statement on line 3",
            19,
        );
        fails(
            "if x:\n  pass\nelif y:\npass",
            "IndentationError: expected an indented block after 'elif' statement on line 3",
            21,
        );
        fails(
            "x = 1\nif x:\n  if y:\n",
            "IndentationError: expected an indented block after 'if' statement on line 3",
            19,
        );
        fails("x = 1\n  y = 2", "IndentationError: unexpected indent", 8);
        fails("x = (1,\n  2)\n  y", "IndentationError: unexpected indent", 15);
        fails("if True:\n  x\n    y", "IndentationError: unexpected indent", 17);
        fails("if x:\n    a\n  b", "IndentationError: unindent does not match any outer indentation level", 14);
        fails(
            "if x:\n  pass\n else:\n  pass",
            "IndentationError: unindent does not match any outer indentation level",
            14,
        );
        let deep: String = (0..=100).map(|n| format!("{}if x:\n", " ".repeat(n))).collect();
        let last_if = deep.rfind("if").unwrap();
        fails(&deep, "IndentationError: too many levels of indentation", last_if);
    }

    #[test]
    fn fstring_errors() {
        fails("f\"{}\"", "SyntaxError: f-string: empty expression not allowed", 3);
        fails("f\"{\"", "SyntaxError: f-string: expecting '}'", 3);
        fails("f\"{x\"", "SyntaxError: f-string: expecting '}'", 4);
        fails("f\"}\"", "SyntaxError: f-string: single '}' is not allowed", 2);
        fails("f\"{x!z}\"", "SyntaxError: f-string: invalid conversion character: expected 's', 'r', or 'a'", 5);
        fails("f\"{x!}\"", "SyntaxError: f-string: invalid conversion character: expected 's', 'r', or 'a'", 5);
        fails("f\"{1 +}\"", "SyntaxError: f-string: invalid syntax", 6);
        fails("f\"{a b}\"", "SyntaxError: f-string: invalid syntax. Perhaps you forgot a comma?", 3);
        fails("f\"{#}\"", "SyntaxError: f-string expression part cannot include '#'", 3);
        fails("f\"{a\\n}\"", "SyntaxError: f-string expression part cannot include a backslash", 4);
        fails("f\"{a)}\"", "SyntaxError: f-string: unmatched ')'", 4);
        fails("f\"{*a}\"", "SyntaxError: f-string: can't use starred expression here", 3);
        fails("f\"{x:{w}}\"", "SyntaxError: nested replacement fields in format specs are not supported", 5);
        fails("f\"{x→}\"", "SyntaxError: f-string: invalid character '→' (U+2192)", 4);
    }

    #[test]
    fn unsupported_features() {
        fails("1j", "SyntaxError: imaginary numbers are not supported", 0);
        fails("b'x'", "SyntaxError: bytes literals are not supported", 0);
        fails("class A: pass", "SyntaxError: 'class' statements are not supported", 0);
        fails("with a: pass", "SyntaxError: 'with' statements are not supported", 0);
        fails("@dec\ndef f(): pass", "SyntaxError: decorators are not supported", 0);
        fails("x = yield", "SyntaxError: 'yield' is not supported", 4);
        fails("{**a for a in b}", "SyntaxError: dict unpacking cannot be used in dict comprehension", 1);
        fails("{*a for a in b}", "SyntaxError: iterable unpacking cannot be used in comprehension", 1);
        fails("def f(a, /): pass", "SyntaxError: positional-only parameters ('/') are not supported", 9);
        fails("'\\N{DASH}'", "SyntaxError: \\N{...} escapes are not supported", 0);
    }

    #[test]
    fn parse_expr_rejects_trailing_input() {
        let err = |src| parse_expr(src).unwrap_err();
        assert_eq!(err("a b").offset, 2);
        assert_eq!(err("x = 1").offset, 2);
        assert_eq!(err("").offset, 0);
        assert_eq!(err("a\nb").offset, 2);
        assert_eq!(err("*a").message, "can't use starred expression here");
        assert!(parse_expr("a + b\n").is_ok());
        assert!(parse_expr("  a + b  # comment").is_ok());
    }

    /// Runs `f` on a thread with a small (2 MiB) stack.
    fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
        std::thread::Builder::new().stack_size(2 << 20).spawn(f).unwrap().join().unwrap()
    }

    #[track_caller]
    fn too_deep_on_small_stack(src: String) {
        let result = on_small_stack(move || parse_cell(&src).map(|_| ()));
        let err = result.expect_err("should be too deep");
        assert_eq!(err.exc_type, "RecursionError");
        assert_eq!(err.message, "maximum recursion depth exceeded during compilation");
    }

    #[test]
    fn deep_expressions_are_recursion_errors() {
        too_deep_on_small_stack(vec!["1"; 100_000].join("+"));
        too_deep_on_small_stack(vec!["1"; 100_000].join("*"));
        too_deep_on_small_stack(vec!["x"; 100_000].join("**"));
        too_deep_on_small_stack(format!("{}x", "not ".repeat(100_000)));
        too_deep_on_small_stack(format!("{}x", "- ".repeat(100_000)));
        too_deep_on_small_stack(format!("{}x", "-".repeat(100_000)));
        too_deep_on_small_stack(format!("{}x", "~".repeat(100_000)));
        too_deep_on_small_stack(format!("a{}", ".b".repeat(100_000)));
        too_deep_on_small_stack(format!("f{}", "()".repeat(100_000)));
        too_deep_on_small_stack(format!("a{}", "[0]".repeat(100_000)));
        too_deep_on_small_stack(format!("{}x", "lambda: ".repeat(100_000)));
        too_deep_on_small_stack(format!("{}x", "x if c else ".repeat(100_000)));
        too_deep_on_small_stack(format!("if x: pass\n{}", "elif y: pass\n".repeat(5000)));
        too_deep_on_small_stack(format!(
            "x = {}",
            vec!["(1 +"; 150].join(" ") + &vec!["1"; 990].join("+") + &")".repeat(150)
        ));
    }

    #[test]
    fn depth_limit_is_exact() {
        let chain = |n: usize| vec!["1"; n].join("+");
        assert!(parse_cell(&chain(1000)).is_ok());
        too_deep_on_small_stack(chain(1001));
        let nots = |n: usize| format!("{}x", "not ".repeat(n));
        assert!(parse_cell(&nots(999)).is_ok());
        too_deep_on_small_stack(nots(1000));
    }

    #[test]
    fn wide_but_shallow_input_is_fine() {
        let list = format!("[{}]", vec!["1"; 100_000].join(", "));
        assert!(on_small_stack(move || parse_cell(&list).is_ok()));
        let or = vec!["x"; 100_000].join(" or ");
        assert!(on_small_stack(move || parse_cell(&or).is_ok()));
        let lines = "x = 1\n".repeat(20_000);
        assert!(on_small_stack(move || parse_cell(&lines).is_ok()));
        let lambdas = format!("{}x", "lambda: ".repeat(900));
        assert!(on_small_stack(move || parse_cell(&lambdas).is_ok()));
        let nested = format!("{}{}", "[".repeat(200), "]".repeat(200));
        assert!(on_small_stack(move || parse_cell(&nested).is_ok()));
        let blocks: String =
            (0..99).map(|n| format!("{}if x:\n", " ".repeat(n))).collect::<String>() + &" ".repeat(99) + "pass";
        assert!(on_small_stack(move || parse_cell(&blocks).is_ok()));
    }

    /// A tiny deterministic pseudo-random generator (xorshift).
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    const SAMPLES: &[&str] = &[
        "def f(x, y=2, *args, z=1, **kw):\n    \"\"\"Doc.\"\"\"\n    return x + y\n",
        "for i in range(3):\n    if i % 2:\n        continue\n    print(f\"{i:>3} {i!r}\")\nelse:\n    pass\n",
        "a, *b = [x ** -2 for x in xs if not x in ys]; c[1:2, ::-1] = {'k': (1,)}\n",
        "x = lambda a, b=[1, 2]: a @ b.T if a is not None else -a[..., 0]\n",
        "import numpy as np\nfrom numpy import array as arr, zeros\nx: int = 0x1F + 0b1_0 + 1.5e-3\n",
        "while x < 10 and y >= 2 or z != 3:\n\tx += 1; del y[0]\n\tassert x, 'msg'\n\tglobal g\n\traise ValueError(\"é→\")\n",
        "s = r'\\d' 'a' \"\"\"b\nc\"\"\" f'{x=}' f\"{{}}{y:.2f}\"\n",
        "print(sum(x for x in y), *a, sep='', **kw)  # comment\n",
    ];

    const ALPHABET: &[&str] = &[
        "(", ")", "[", "]", "{", "}", ",", ":", ";", ".", "...", "=", "+", "-", "*", "**", "/", "//", "%", "@", "&",
        "|", "^", "~", "<", ">", "==", "!=", "<=", "+=", "->", "!", "'", "\"", "'''", "\"\"\"", "f'", "r'", "b'", "#",
        "\\", "\n", "\n    ", "\t", " ", "x", "y1", "é", "→", "_", "0", "1", "0x", "1.5", "1e", "9j", "1_", "if",
        "else", "elif", "for", "in", "not", "is", "and", "or", "lambda", "def", "return", "while", "break", "continue",
        "pass", "del", "global", "import", "from", "as", "assert", "raise", "True", "None", "yield", "class", "{x}",
        "{", "}", "!r", ":.3f", "\r", "\0",
    ];

    fn random_input(rng: &mut Rng) -> String {
        match rng.below(3) {
            0 => (0..rng.below(40)).map(|_| ALPHABET[rng.below(ALPHABET.len())]).collect(),
            1 => {
                let sample = SAMPLES[rng.below(SAMPLES.len())];
                let cut = rng.below(sample.len() + 1);
                sample.char_indices().take_while(|&(k, _)| k < cut).map(|(_, c)| c).collect()
            }
            _ => {
                let mut text = SAMPLES[rng.below(SAMPLES.len())].to_string();
                for _ in 0..1 + rng.below(4) {
                    let at =
                        text.char_indices().nth(rng.below(text.chars().count() + 1)).map_or(text.len(), |(k, _)| k);
                    match rng.below(2) {
                        0 => text.insert_str(at, ALPHABET[rng.below(ALPHABET.len())]),
                        _ => {
                            let end = text[at..].chars().next().map_or(at, |c| at + c.len_utf8());
                            text.replace_range(at..end, "");
                        }
                    }
                }
                text
            }
        }
    }

    #[test]
    fn never_panics_on_random_input() {
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        for _ in 0..30_000 {
            let src = random_input(&mut rng);
            let outcome = std::panic::catch_unwind(|| {
                let cell = parse_cell(&src);
                let expr = parse_expr(&src);
                if let Err(e) = &cell {
                    assert!(e.offset <= src.len(), "offset out of range");
                }
                (cell.is_ok(), expr.is_ok())
            });
            assert!(outcome.is_ok(), "panicked on {src:?}");
        }
    }

    #[test]
    fn samples_parse() {
        for sample in SAMPLES {
            assert!(parse_cell(sample).is_ok(), "{sample:?}: {:?}", parse_cell(sample));
        }
    }
}
