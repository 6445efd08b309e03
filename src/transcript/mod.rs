//! Session transcripts: npr's single format for saved sessions, replay output and golden files.
//!
//! A transcript is a sequence of IPython-style cells:
//!
//! ```text
//! # npr: --display repr --no-hints
//! In [1]: a = np.array([1, 2, 3])
//!
//! In [2]: a
//! Out[2]: array([1, 2, 3])
//!
//! In [3]: def f(x):
//!    ...:     return x + 1
//! ```
//!
//! The module is deliberately independent of the interpreter: replaying a transcript takes a
//! closure that turns one cell's source into that cell's output text. That keeps parsing,
//! comparison, diffing and blessing testable without evaluating any code, and lets every front
//! end (`--check`, `--bless`, golden tests, notebook export) share one implementation.
//!
//! Submodules:
//! - [`header`]: the optional `# npr: <flags>` first line.
//! - [`parse`]: npr / IPython-paste / doctest parsing and the canonical cell renderer.
//! - [`compare`]: the rules that decide whether a recorded output still matches.
//! - [`numbers`]: number tokenizing used by `--float-tolerance` and `# shape-only`.
//! - [`check`]: replaying a transcript, mismatch reports and re-blessed text.
//! - [`diff`]: unified diffs for reports.
//! - [`fsio`]: atomic writes and the "never bless in CI" rule.
//! - [`notebook`]: Jupyter nbformat 4.5 export and code-cell import.

pub mod check;
pub mod compare;
pub mod diff;
pub mod fsio;
pub mod header;
pub mod notebook;
pub mod numbers;
pub mod parse;

use std::path::PathBuf;

pub use check::{check_transcript, check_transcript_with, render_report, CheckReport, Mismatch};
pub use compare::{outputs_match, CompareOptions};
pub use diff::unified_diff;
pub use fsio::{atomic_write, bless_write};
pub use header::HeaderOptions;
pub use notebook::{code_cells_from_ipynb, nb_cells_from_transcript, to_ipynb, NbCell, NbOutput};
pub use parse::{parse_transcript, render_cell, render_cell_into, PromptStyle, RecordedCell, Transcript};

/// Everything that can go wrong while reading, checking or writing transcripts and notebooks.
#[derive(Debug, thiserror::Error)]
pub enum TranscriptError {
    /// The transcript text is malformed at `line` (1-based).
    #[error("line {line}: {message}")]
    Parse { line: usize, message: String },
    /// The notebook JSON is not something we can read.
    #[error("invalid notebook: {0}")]
    Notebook(String),
    /// Blessing was requested while the `CI` environment variable is set.
    #[error("refusing to bless {} while CI is set: blessing never writes in CI", path.display())]
    BlessInCi { path: PathBuf },
    /// A filesystem operation failed.
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

#[cfg(test)]
mod tests;
