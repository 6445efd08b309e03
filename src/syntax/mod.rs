//! Text → AST. The grammar is documented in [`parser`]; cells are split from
//! scripts by [`cells`].

pub mod ast;
pub mod cells;
pub mod parser;

pub use ast::Span;

/// A failure to parse a cell. `exc_type` is the Python exception class that
/// CPython would raise for it (`SyntaxError`, `IndentationError`, or
/// `RecursionError` for expressions nested too deeply to compile).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{exc_type}: {message}")]
pub struct SyntaxError {
    pub exc_type: &'static str,
    pub message: String,
    /// Byte offset in the cell source where the caret goes.
    pub offset: usize,
}

impl SyntaxError {
    pub fn invalid(offset: usize) -> SyntaxError {
        SyntaxError::new("SyntaxError", "invalid syntax", offset)
    }
    pub fn new(exc_type: &'static str, message: impl Into<String>, offset: usize) -> SyntaxError {
        SyntaxError { exc_type, message: message.into(), offset }
    }
}
