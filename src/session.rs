//! Replaying session scripts into transcripts, and checking transcripts
//! against a fresh replay. Both `npr run`, `npr check` and the library API
//! for other crates' tests go through here.

use std::path::Path;

use crate::display::{render_outcome, DisplayMode, RenderOptions};
use crate::interp::Session;
use crate::syntax::cells::cells;
use crate::transcript::{self, CheckReport, CompareOptions, TranscriptError};

/// How to replay a script.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ScriptOptions {
    pub render: RenderOptions,
}

/// One replayed cell.
#[derive(Debug, Clone)]
pub struct ReplayedCell {
    pub number: usize,
    pub source: String,
    pub output: String,
    pub failed: bool,
}

/// The result of replaying a script.
#[derive(Debug, Clone)]
pub struct ScriptResult {
    pub cells: Vec<ReplayedCell>,
    /// The header line recording how the transcript was rendered.
    pub header: String,
}

impl ScriptResult {
    pub fn had_error(&self) -> bool {
        self.cells.iter().any(|c| c.failed)
    }
    /// The whole transcript text.
    pub fn transcript(&self) -> String {
        let mut out = format!("{}\n", self.header);
        for c in &self.cells {
            out.push_str(&transcript::render_cell(c.number, &c.source, &c.output));
        }
        out
    }
}

/// The `# npr: ...` header for these options.
pub fn header_line(opts: &RenderOptions) -> String {
    let mut h = format!("# npr: --display {}", opts.display.name());
    if !opts.hints {
        h.push_str(" --no-hints");
    }
    h
}

/// Width of the `In [n]: ` prompt.
pub fn prompt_width(number: usize) -> usize {
    "In []: ".len() + number.checked_ilog10().map_or(1, |d| d as usize + 1)
}

/// Run one cell and render its output text with the session's current
/// render options (`%display` may change them from one cell to the next).
pub fn run_and_render(session: &mut Session, src: &str) -> (usize, String, bool) {
    let outcome = session.run_cell(src);
    let opts = session.render;
    let text = render_outcome(&outcome, src, prompt_width(outcome.number), &session.print_options, &opts);
    (outcome.number, text, outcome.error.is_some())
}

/// Replay a whole script in a fresh session.
pub fn run_script(script: &str, opts: &ScriptOptions) -> ScriptResult {
    let mut session = Session::new();
    run_script_in(&mut session, script, opts)
}

/// Replay a script in an existing session.
pub fn run_script_in(session: &mut Session, script: &str, opts: &ScriptOptions) -> ScriptResult {
    let mut cells = Vec::new();
    run_script_with(session, script, opts, &mut |c| cells.push(c));
    ScriptResult { cells, header: header_line(&opts.render) }
}

/// Replay a script in an existing session, handing each cell to `sink` as
/// soon as it has run (so `npr run` streams its transcript).
pub fn run_script_with(session: &mut Session, script: &str, opts: &ScriptOptions, sink: &mut dyn FnMut(ReplayedCell)) {
    session.render = opts.render;
    for cell in cells(script) {
        let (number, output, failed) = run_and_render(session, &cell.text);
        sink(ReplayedCell { number, source: cell.text, output, failed });
    }
}

/// Render options recorded in a transcript's header.
pub fn render_options_from_header(h: &transcript::HeaderOptions) -> RenderOptions {
    let display = h.display.as_deref().and_then(DisplayMode::parse).unwrap_or(DisplayMode::Repr);
    RenderOptions { display, hints: !h.no_hints }
}

/// Check transcript text by replaying its cells in a fresh session.
pub fn check_transcript_text(text: &str, opts: &CompareOptions) -> Result<CheckReport, TranscriptError> {
    let parsed = transcript::parse_transcript(text)?;
    let render = render_options_from_header(&parsed.header);
    let mut session = Session::new();
    session.render = render;
    let mut run = |src: &str| run_and_render(&mut session, src).1;
    transcript::check_transcript_with(text, &mut run, opts)
}

/// Library API: check a transcript file (for other crates' `cargo test`).
/// Returns the report; `report.mismatches` is empty when it matches.
pub fn check_transcript(path: impl AsRef<Path>) -> Result<CheckReport, TranscriptError> {
    let path = path.as_ref();
    let text =
        std::fs::read_to_string(path).map_err(|source| TranscriptError::Io { path: path.to_path_buf(), source })?;
    check_transcript_text(&text, &CompareOptions::default())
}
