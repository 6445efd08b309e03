//! npr: a REPL for a NumPy-like language that makes array shapes visible.
//!
//! The pipeline, one module per stage:
//!
//! | module | role |
//! |---|---|
//! | [`syntax`] | text → AST with spans (nom); cell splitting |
//! | [`interp`] | evaluates cells; owns the namespace and In/Out history; returns outcomes, never prints |
//! | [`value`] | the value model: Python values, NumPy scalars, arrays (views share memory) |
//! | [`ops`] | NumPy semantics: promotion, broadcasting, ufuncs, reductions, linear algebra, indexing |
//! | [`builtins`] | the one table of functions and methods (`np.*`, Python builtins, array methods) |
//! | [`plot`] | `matplotlib.pyplot`: figures drawn in braille in the terminal, saved as SVG/PNG |
//! | [`random`] | NumPy's legacy MT19937 generator, bit for bit |
//! | [`display`] | repr / table / error rendering with hints |
//! | [`session`] | replaying scripts into transcripts |
//! | [`transcript`] | parsing, checking and blessing transcripts; notebooks |
//!
//! The binary (`src/main.rs` and `src/cli/`) adds the terminal: clap and rustyline;
//! [`alloc`] is the allocator it (and the benchmarks) run on.

// Only `ops::simd` (run-time SIMD dispatch) and `alloc` (the global
// allocator) may use `unsafe`; see their docs.
#![deny(unsafe_code)]

pub mod alloc;
pub mod builtins;
pub mod display;
pub mod explain;
pub mod help;
pub mod interp;
pub mod magic;
pub mod ops;
pub mod plot;
pub mod random;
pub mod session;
mod stack;
pub mod syntax;
pub mod transcript;
pub mod value;

pub use interp::{CellOutcome, Session};
pub use session::{check_transcript, run_script, ScriptOptions};
