//! Runtime errors. An error is data until the display layer renders it: the
//! Python exception class, NumPy's exact message, where it happened, the
//! operands involved (source text and shape) and an optional hint.

use crate::syntax::Span;

/// Python exception classes npr raises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ExcType {
    ValueError,
    TypeError,
    IndexError,
    KeyError,
    AxisError,
    NameError,
    UnboundLocalError,
    AttributeError,
    ZeroDivisionError,
    OverflowError,
    MemoryError,
    RecursionError,
    AssertionError,
    RuntimeError,
    StopIteration,
    NotImplementedError,
    KeyboardInterrupt,
    FileNotFoundError,
    OSError,
    EOFError,
    /// `zipfile.BadZipFile` (a damaged `.npz`).
    BadZipFile,
    SyntaxError,
    IndentationError,
    ModuleNotFoundError,
    ImportError,
    LinAlgError,
    UFuncTypeError,
    UsageError,
    Exception,
    /// A bug in npr caught at the top level.
    InternalError,
}

impl ExcType {
    pub fn name(self) -> &'static str {
        match self {
            ExcType::ValueError => "ValueError",
            ExcType::TypeError => "TypeError",
            ExcType::IndexError => "IndexError",
            ExcType::KeyError => "KeyError",
            ExcType::AxisError => "AxisError",
            ExcType::NameError => "NameError",
            ExcType::UnboundLocalError => "UnboundLocalError",
            ExcType::AttributeError => "AttributeError",
            ExcType::ZeroDivisionError => "ZeroDivisionError",
            ExcType::OverflowError => "OverflowError",
            ExcType::MemoryError => "MemoryError",
            ExcType::RecursionError => "RecursionError",
            ExcType::AssertionError => "AssertionError",
            ExcType::RuntimeError => "RuntimeError",
            ExcType::StopIteration => "StopIteration",
            ExcType::NotImplementedError => "NotImplementedError",
            ExcType::KeyboardInterrupt => "KeyboardInterrupt",
            ExcType::FileNotFoundError => "FileNotFoundError",
            ExcType::OSError => "OSError",
            ExcType::EOFError => "EOFError",
            ExcType::BadZipFile => "BadZipFile",
            ExcType::SyntaxError => "SyntaxError",
            ExcType::IndentationError => "IndentationError",
            ExcType::ModuleNotFoundError => "ModuleNotFoundError",
            ExcType::ImportError => "ImportError",
            ExcType::LinAlgError => "LinAlgError",
            ExcType::UFuncTypeError => "UFuncTypeError",
            ExcType::UsageError => "UsageError",
            ExcType::Exception => "Exception",
            ExcType::InternalError => "InternalError",
        }
    }

    /// Exception classes a user can name (`raise ValueError("x")`, `except`).
    pub fn from_name(name: &str) -> Option<ExcType> {
        use ExcType::*;
        Some(match name {
            "ValueError" => ValueError,
            "TypeError" => TypeError,
            "IndexError" => IndexError,
            "KeyError" => KeyError,
            "NameError" => NameError,
            "AttributeError" => AttributeError,
            "ZeroDivisionError" => ZeroDivisionError,
            "OverflowError" => OverflowError,
            "MemoryError" => MemoryError,
            "RecursionError" => RecursionError,
            "AssertionError" => AssertionError,
            "RuntimeError" => RuntimeError,
            "StopIteration" => StopIteration,
            "NotImplementedError" => NotImplementedError,
            "KeyboardInterrupt" => KeyboardInterrupt,
            "FileNotFoundError" => FileNotFoundError,
            "OSError" => OSError,
            "EOFError" => EOFError,
            "Exception" => Exception,
            _ => return None,
        })
    }

    /// Is `self` caught by an `except other` clause?
    pub fn is_subclass_of(self, other: ExcType) -> bool {
        use ExcType::*;
        self == other
            || other == Exception && !matches!(self, KeyboardInterrupt)
            || (self == AxisError && (other == ValueError || other == IndexError))
            || (self == UnboundLocalError && other == NameError)
            || (self == FileNotFoundError && other == OSError)
            || (self == ModuleNotFoundError && other == ImportError)
            || (self == IndentationError && other == SyntaxError)
            || (self == LinAlgError && other == ValueError)
            || (self == UFuncTypeError && other == TypeError)
    }
}

/// An operand of a failing operation: its source text and shape.
#[derive(Debug, Clone, PartialEq)]
pub struct Operand {
    pub span: Span,
    pub shape: Option<Vec<usize>>,
}

/// A Python exception on its way to the user. Boxed: `PyResult<Value>`
/// is what nearly every evaluation step returns, and with the error's
/// fields inline it was 112 bytes to move on every return instead of 32.
#[derive(Clone, PartialEq)]
pub struct PyErr(Box<PyErrInfo>);

/// What a [`PyErr`] holds (its fields are reached through it).
#[derive(Debug, Clone, PartialEq)]
pub struct PyErrInfo {
    pub exc: ExcType,
    pub message: String,
    /// The failing part of the cell source, if known.
    pub span: Option<Span>,
    /// Operands with their shapes, for shape errors.
    pub operands: Vec<Operand>,
    /// A suggestion for the fix ("transpose the first operand: ...").
    pub hint: Option<String>,
}

impl std::ops::Deref for PyErr {
    type Target = PyErrInfo;
    fn deref(&self) -> &PyErrInfo {
        &self.0
    }
}

impl std::ops::DerefMut for PyErr {
    fn deref_mut(&mut self) -> &mut PyErrInfo {
        &mut self.0
    }
}

impl std::fmt::Debug for PyErr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl PyErr {
    pub fn new(exc: ExcType, message: impl Into<String>) -> PyErr {
        PyErr(Box::new(PyErrInfo { exc, message: message.into(), span: None, operands: Vec::new(), hint: None }))
    }
    pub fn value(message: impl Into<String>) -> PyErr {
        PyErr::new(ExcType::ValueError, message)
    }
    pub fn type_err(message: impl Into<String>) -> PyErr {
        PyErr::new(ExcType::TypeError, message)
    }
    pub fn index(message: impl Into<String>) -> PyErr {
        PyErr::new(ExcType::IndexError, message)
    }
    pub fn axis(axis: i64, ndim: usize) -> PyErr {
        PyErr::new(ExcType::AxisError, format!("axis {axis} is out of bounds for array of dimension {ndim}"))
    }
    /// Attach the span of the failing expression, unless one is already set.
    pub fn at(mut self, span: Span) -> PyErr {
        if self.span.is_none() {
            self.span = Some(span);
        }
        self
    }
    pub fn with_hint(mut self, hint: impl Into<String>) -> PyErr {
        if self.hint.is_none() {
            self.hint = Some(hint.into());
        }
        self
    }
    /// The `ExcType: message` line IPython ends a traceback with.
    pub fn line(&self) -> String {
        if self.message.is_empty() && self.exc == ExcType::KeyboardInterrupt {
            self.exc.name().to_string()
        } else {
            format!("{}: {}", self.exc.name(), self.message)
        }
    }
}

pub type PyResult<T> = Result<T, PyErr>;
