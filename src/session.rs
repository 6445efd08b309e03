//! Replaying session scripts into transcripts, and checking transcripts
//! against a fresh replay. Both `npr run`, `npr check` and the library API
//! for other crates' tests go through here.

use std::path::Path;

use crate::display::{render_outcome, DisplayMode, RenderOptions};
use crate::interp::{interrupt, CellOutcome, Prepared, Session};
use crate::syntax::cells::cells;
use crate::transcript::{self, CheckReport, CompareOptions, TranscriptError};

/// How to replay a script.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ScriptOptions {
    pub render: RenderOptions,
    /// Parse each cell just before running it, never on a second thread
    /// (the transcript is the same; see [`run_script_with`]).
    pub one_thread: bool,
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
    render(session, &outcome, src)
}

fn render(session: &Session, outcome: &CellOutcome, src: &str) -> (usize, String, bool) {
    let opts = session.render;
    let text = render_outcome(outcome, src, prompt_width(outcome.number), &session.print_options, &opts);
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
/// soon as it has run (so `npr run` streams its transcript). Ctrl-C in
/// `npr run` ([`interrupt::request_stop`]) stops the script after the
/// running cell (which raises `KeyboardInterrupt`).
///
/// A long script is split into cells and parsed on a second thread, a few
/// dozen cells ahead of the one running (parsing is about half the work of
/// a line of small array operations). Cells still run one at a time, in
/// order, on this thread; the transcript is the same either way.
pub fn run_script_with(session: &mut Session, script: &str, opts: &ScriptOptions, sink: &mut dyn FnMut(ReplayedCell)) {
    session.render = opts.render;
    // At most one cell per line.
    session.reserve_cells(script.bytes().filter(|&b| b == b'\n').count() + 1);
    // Runs a cell; false once the script is to stop.
    let mut run = |cell: &mut Prepared| {
        let outcome = session.run_prepared(cell);
        let (number, output, failed) = render(session, &outcome, &cell.text);
        sink(ReplayedCell { number, source: std::mem::take(&mut cell.text), output, failed });
        !interrupt::stop_requested()
    };
    let ahead = !opts.one_thread && parse_ahead(script);
    if !(ahead && run_parsed_ahead(script, &mut run)) {
        cells(script).all(|c| run(&mut Prepared::new(c.text)));
    }
}

/// Runs `script`'s cells through `run` (until it returns false), parsed on
/// a second thread ahead of the one running. Returns false, having run
/// nothing, when that thread cannot be started.
fn run_parsed_ahead(script: &str, run: &mut dyn FnMut(&mut Prepared) -> bool) -> bool {
    std::thread::scope(|scope| {
        let (to_runner, batches) = std::sync::mpsc::sync_channel::<Vec<Prepared>>(AHEAD_BATCHES);
        // Cells that have run go back to the parsing thread to be freed
        // there: freeing a block another thread allocated is several times
        // slower (for mimalloc) than freeing one's own.
        let (to_parser, done) = std::sync::mpsc::channel::<Vec<Prepared>>();
        let parser = std::thread::Builder::new().name("npr-parse".into()).stack_size(PARSER_STACK).spawn_scoped(
            scope,
            move || {
                // Small batches first, so the first cells start at once.
                let mut batch = Vec::new();
                let mut size = 1;
                for c in cells(script) {
                    batch.push(Prepared::new(c.text));
                    if batch.len() == size {
                        if to_runner.send(std::mem::take(&mut batch)).is_err() {
                            return;
                        }
                        size = (size * 2).min(BATCH);
                        done.try_iter().for_each(drop);
                    }
                }
                let _ = to_runner.send(batch);
                drop(to_runner);
                done.iter().for_each(drop);
            },
        );
        if parser.is_err() {
            return false;
        }
        for mut batch in batches {
            let go_on = batch.iter_mut().all(&mut *run);
            let _ = to_parser.send(batch);
            if !go_on {
                break;
            }
        }
        true
    })
}

/// Cells in one hand-over from the parsing thread (each hand-over may wake
/// a sleeping thread: a few microseconds).
const BATCH: usize = 64;

/// Batches the parsing thread may run ahead by.
const AHEAD_BATCHES: usize = 4;

/// The parsing thread's stack: as deep as the main thread's, so a cell
/// nests as deeply before needing extra stack segments (`stack.rs`).
const PARSER_STACK: usize = 8 << 20;

/// Scripts of more than this many lines are parsed on a second thread;
/// shorter ones would gain less than starting the thread costs.
const PARSE_AHEAD_LINES: usize = 200;

/// Whether to parse `script` on a second thread: a long script, and more
/// than one thread allowed (`NPR_THREADS`).
fn parse_ahead(script: &str) -> bool {
    script.bytes().filter(|&b| b == b'\n').nth(PARSE_AHEAD_LINES).is_some()
        && crate::ops::parallel::allowed_threads() > 1
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Every kind of cell (assignments, values, errors, a syntax error, a
    /// block, magics, `?` help, history names, printing, warnings) in a
    /// script long enough to be parsed ahead on a second thread: the
    /// transcript is the one cell-by-cell parsing gives.
    #[test]
    fn parse_ahead_gives_the_same_transcript() {
        let cells = [
            "x = np.arange(6).reshape(2, 3)",
            "x.T @ x",
            "np.ones((2, 1)) @ np.ones((2, 1))",
            "1 +",
            "def f(a):\n    return a * 2\n",
            "f(x).shape",
            "%who",
            "np.dot?",
            "print(x.sum(axis=0))",
            "np.log(np.array([0.0, 1.0]))",
            "x[5]",
            "_",
            "In[2]",
            "y = (x +\n     1)",
        ];
        let mut script = String::new();
        while script.lines().count() <= PARSE_AHEAD_LINES {
            for c in cells {
                script.push_str(c);
                script.push('\n');
            }
        }
        let one = ScriptOptions { one_thread: true, ..ScriptOptions::default() };
        let sequential = run_script(&script, &one);
        let ahead = run_script(&script, &ScriptOptions::default());
        assert!(parse_ahead(&script) || crate::ops::parallel::allowed_threads() == 1);
        assert_eq!(sequential.cells.len(), ahead.cells.len());
        assert!(sequential.had_error());
        assert_eq!(sequential.transcript(), ahead.transcript());
    }
}
