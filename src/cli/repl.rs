//! The interactive terminal, modelled on IPython's: `In [n]:` prompts and
//! `...:` continuation lines with automatic indentation, `Out[n]:` results,
//! Tab completion, syntax colouring, a hint with the shape of the
//! expression being typed, persistent history shared safely between
//! sessions, and Ctrl-C that interrupts a computation without losing the
//! session.

use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::rc::Rc;

use npr::display::{render_outcome, RenderOptions};
use npr::interp::error::ExcType;
use npr::interp::{CellOutcome, Session};
use npr::syntax::cells::{check_complete, Completeness};
use rustyline::completion::{Completer, Pair};
use rustyline::error::ReadlineError;
use rustyline::highlight::{CmdKind, Highlighter};
use rustyline::hint::{Hint, Hinter};
use rustyline::history::{FileHistory, History};
use rustyline::validate::Validator;
use rustyline::{ColorMode, CompletionType, Config, Context, Editor, Helper};

use super::{complete, highlight, hint};

/// Lines (cells) longer than this are not stored in history.
const MAX_HISTORY_LINE: usize = 10_000;

/// Where history lives: `NPR_HISTORY` (empty disables), else the state dir.
fn history_path() -> Option<PathBuf> {
    match std::env::var_os("NPR_HISTORY") {
        Some(p) if p.is_empty() => None,
        Some(p) => Some(PathBuf::from(p)),
        None => {
            let base = std::env::var_os("XDG_STATE_HOME")
                .filter(|s| !s.is_empty())
                .map(PathBuf::from)
                .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/state")))?;
            Some(base.join("npr").join("history"))
        }
    }
}

/// Colour only on a terminal, and never with `NO_COLOR` set or `TERM=dumb`.
fn use_colour() -> bool {
    std::io::stdout().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        && std::env::var("TERM").map_or(true, |t| t != "dumb")
}

/// The hint shown after the cursor; it is never inserted into the line.
pub struct ShapeHint(String);

impl Hint for ShapeHint {
    fn display(&self) -> &str {
        &self.0
    }
    fn completion(&self) -> Option<&str> {
        None
    }
}

/// Completion, hints and colours, reading the session between cells.
pub struct NprHelper {
    session: Rc<RefCell<Session>>,
    colour: bool,
    /// Reading a continuation line (no hints: the line is not the cell).
    continuation: Cell<bool>,
    /// Bumped after every cell, to forget cached hints.
    generation: Cell<u64>,
    hint_cache: RefCell<Option<(u64, String, Option<String>)>>,
    /// Mark the bracket matching the one at the cursor (not in the line
    /// left on screen once it is submitted).
    show_bracket: Cell<bool>,
}

impl NprHelper {
    fn new(session: Rc<RefCell<Session>>, colour: bool) -> NprHelper {
        NprHelper {
            session,
            colour,
            continuation: Cell::new(false),
            generation: Cell::new(0),
            hint_cache: RefCell::new(None),
            show_bracket: Cell::new(true),
        }
    }
}

impl Completer for NprHelper {
    type Candidate = Pair;

    fn complete(&self, line: &str, pos: usize, _ctx: &Context<'_>) -> rustyline::Result<(usize, Vec<Pair>)> {
        let Ok(session) = self.session.try_borrow() else { return Ok((pos, Vec::new())) };
        Ok(complete::complete(&session, line, pos))
    }
}

impl Hinter for NprHelper {
    type Hint = ShapeHint;

    fn hint(&self, line: &str, pos: usize, _ctx: &Context<'_>) -> Option<ShapeHint> {
        if pos < line.len() || self.continuation.get() || line.trim().is_empty() {
            return None;
        }
        let generation = self.generation.get();
        if let Some((g, l, h)) = &*self.hint_cache.borrow() {
            if *g == generation && l == line {
                return h.clone().map(|h| ShapeHint(format!("  {h}")));
            }
        }
        let computed = {
            let session = self.session.try_borrow().ok()?;
            hint::hint_for_line(&session, line)
        };
        *self.hint_cache.borrow_mut() = Some((generation, line.to_string(), computed.clone()));
        computed.map(|h| ShapeHint(format!("  {h}")))
    }
}

impl Highlighter for NprHelper {
    fn highlight<'l>(&self, line: &'l str, pos: usize) -> Cow<'l, str> {
        if self.colour {
            Cow::Owned(highlight::highlight_line(line, self.show_bracket.get().then_some(pos)))
        } else {
            Cow::Borrowed(line)
        }
    }

    fn highlight_prompt<'b, 's: 'b, 'p: 'b>(&'s self, prompt: &'p str, _default: bool) -> Cow<'b, str> {
        if self.colour {
            Cow::Owned(highlight::prompt(prompt))
        } else {
            Cow::Borrowed(prompt)
        }
    }

    fn highlight_hint<'h>(&self, hint: &'h str) -> Cow<'h, str> {
        if self.colour {
            Cow::Owned(highlight::hint(hint))
        } else {
            Cow::Borrowed(hint)
        }
    }

    fn highlight_char(&self, _line: &str, _pos: usize, kind: CmdKind) -> bool {
        self.show_bracket.set(kind != CmdKind::ForcedRefresh);
        self.colour
    }
}

impl Validator for NprHelper {}

impl Helper for NprHelper {}

type Repl = Editor<NprHelper, FileHistory>;

/// The history file, if history is kept.
struct HistoryFile {
    path: PathBuf,
    warned: bool,
}

/// A free name next to `path` for a history file that could not be read.
fn aside_path(path: &Path) -> PathBuf {
    let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_else(|| "history".into());
    let mut candidate = path.with_file_name(format!("{name}.corrupt"));
    let mut k = 1;
    while candidate.exists() {
        candidate = path.with_file_name(format!("{name}.corrupt.{k}"));
        k += 1;
    }
    candidate
}

/// Load the history file; a file that cannot be read is moved aside with a
/// warning and a new one is started.
fn open_history(rl: &mut Repl) -> Option<HistoryFile> {
    let path = history_path()?;
    if path.is_dir() {
        eprintln!("npr: history file {} is a directory; history is not saved", path.display());
        return None;
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        if let Err(e) = std::fs::create_dir_all(dir) {
            eprintln!("npr: cannot create {} ({e}); history is not saved", dir.display());
            return None;
        }
    }
    if path.exists() {
        if let Err(e) = rl.load_history(&path) {
            let _ = rl.clear_history();
            let aside = aside_path(&path);
            match std::fs::rename(&path, &aside) {
                Ok(()) => eprintln!(
                    "npr: history file {} could not be read ({e}); moved it to {} and started a new one",
                    path.display(),
                    aside.display()
                ),
                Err(e2) => {
                    eprintln!("npr: history file {} could not be read ({e}) nor moved aside ({e2})", path.display());
                    return None;
                }
            }
        }
    }
    Some(HistoryFile { path, warned: false })
}

/// Remember a cell: in memory for Up/Down and Ctrl-R, and appended to the
/// history file (appending merges with what other sessions wrote).
fn remember(rl: &mut Repl, file: &mut Option<HistoryFile>, cell: &str) {
    if cell.chars().count() > MAX_HISTORY_LINE {
        return;
    }
    if !matches!(rl.history_mut().add(cell), Ok(true)) {
        return;
    }
    if let Some(f) = file {
        if let Err(e) = rl.append_history(&f.path) {
            if !f.warned {
                eprintln!("npr: cannot write history file {}: {e}", f.path.display());
                f.warned = true;
            }
        }
    }
}

/// The first word of a line.
fn first_word(line: &str) -> &str {
    let t = line.trim_start();
    &t[..t.find(|c: char| !(c.is_alphanumeric() || c == '_')).unwrap_or(t.len())]
}

/// The indentation for the next line: IPython dedents after `return`,
/// `pass`, `break`, `continue` and `raise`.
fn next_indent(cell: &str, suggested: usize) -> usize {
    let last = cell.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("");
    if matches!(first_word(last), "return" | "pass" | "break" | "continue" | "raise") {
        suggested.saturating_sub(4)
    } else {
        suggested
    }
}

fn is_exit(cell: &str) -> bool {
    matches!(cell.trim(), "exit" | "quit" | "exit()" | "quit()")
}

/// Print text to the terminal and flush.
fn show(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes()).and_then(|_| out.flush());
}

/// Run a cell and print its output (coloured when `colour`).
fn run_cell(session: &RefCell<Session>, src: &str, colour: bool) {
    let mut s = session.borrow_mut();
    let mut outcome = s.run_cell(src);
    // Ctrl-C: the terminal echoed `^C` where the cursor was; no carets.
    let interrupted = match &mut outcome.error {
        Some(e) if matches!(e.exc, ExcType::KeyboardInterrupt) => {
            e.span = None;
            e.operands.clear();
            true
        }
        _ => false,
    };
    let width = npr::session::prompt_width(outcome.number);
    let render = s.render;
    let text = render_outcome(&outcome, src, width, &s.print_options, &render);
    if text.is_empty() {
        return;
    }
    let text = if colour { colour_output(&outcome, &text, src, width, &s, render) } else { text };
    show(&format!("{}{text}\n", if interrupted { "\r" } else { "" }));
}

/// Find where the value and the error are in the rendered text and colour them.
fn colour_output(
    outcome: &CellOutcome,
    text: &str,
    src: &str,
    width: usize,
    s: &Session,
    render: RenderOptions,
) -> String {
    let part = |value: bool| {
        let only = CellOutcome {
            number: outcome.number,
            events: Vec::new(),
            value: if value { outcome.value.clone() } else { None },
            error: if value { None } else { outcome.error.clone() },
        };
        render_outcome(&only, src, width, &s.print_options, &render)
    };
    let error_start = outcome.error.as_ref().and_then(|_| {
        let e = part(false);
        (!e.is_empty() && text.ends_with(&e)).then(|| text.len() - e.len())
    });
    let value_start = outcome.value.as_ref().and_then(|_| {
        let v = part(true);
        let head = v.split('\n').next().unwrap_or("");
        text[..error_start.unwrap_or(text.len())].rfind(head).filter(|_| !head.is_empty())
    });
    highlight::output(text, value_start, error_start)
}

/// Run the interactive loop. Returns the exit status.
pub fn run(render: RenderOptions) -> i32 {
    let colour = use_colour();
    let config = match Config::builder()
        .auto_add_history(false)
        .max_history_size(10_000)
        .and_then(|b| b.history_ignore_dups(true))
    {
        Ok(b) => b
            .completion_type(CompletionType::List)
            .color_mode(if colour { ColorMode::Enabled } else { ColorMode::Disabled })
            .build(),
        Err(e) => {
            eprintln!("npr: cannot configure the terminal: {e}");
            return 2;
        }
    };
    let mut rl: Repl = match Editor::with_config(config) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("npr: cannot start the terminal: {e}");
            return 2;
        }
    };
    let session = Rc::new(RefCell::new(Session::new()));
    session.borrow_mut().render = render;
    rl.set_helper(Some(NprHelper::new(Rc::clone(&session), colour)));
    let mut history = open_history(&mut rl);
    super::signals::install(super::signals::OnInterrupt::Raise);
    show(&format!(
        "npr {} — NumPy with the shapes showing. Type %quickref for help, np.dot? for a function, Ctrl-D to exit.\n",
        env!("CARGO_PKG_VERSION")
    ));
    loop {
        let number = session.borrow().execution_count;
        let prompt = format!("In [{number}]: ");
        show("\n");
        if let Some(h) = rl.helper() {
            h.continuation.set(false);
        }
        let mut cell = match rl.readline(&prompt) {
            Ok(line) => line,
            Err(ReadlineError::Interrupted) => continue,
            Err(ReadlineError::Eof) => break,
            Err(e) => {
                eprintln!("npr: {e}");
                return 1;
            }
        };
        if cell.trim().is_empty() {
            continue;
        }
        if is_exit(&cell) {
            break;
        }
        let cont = format!("{:>width$}", "...: ", width = prompt.len());
        let mut interrupted = false;
        while let Completeness::Incomplete { indent } = check_complete(&cell) {
            if let Some(h) = rl.helper() {
                h.continuation.set(true);
            }
            let indent = " ".repeat(next_indent(&cell, indent));
            match rl.readline_with_initial(&cont, (&indent, "")) {
                Ok(line) => {
                    cell.push('\n');
                    cell.push_str(&line);
                }
                Err(ReadlineError::Interrupted) => {
                    interrupted = true;
                    break;
                }
                Err(ReadlineError::Eof) => break,
                Err(e) => {
                    eprintln!("npr: {e}");
                    return 1;
                }
            }
        }
        if interrupted {
            continue;
        }
        let cell = cell.trim_end().to_string();
        remember(&mut rl, &mut history, &cell);
        run_cell(&session, &cell, colour);
        if let Some(h) = rl.helper() {
            h.generation.set(h.generation.get() + 1);
        }
    }
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indentation_after_block_enders() {
        assert_eq!(next_indent("def f(x):\n    return x", 4), 0);
        assert_eq!(next_indent("for i in x:\n    if i:\n        break", 8), 4);
        assert_eq!(next_indent("def f(x):", 4), 4);
    }

    #[test]
    fn aside_names_are_free() {
        let dir = std::env::temp_dir().join(format!("npr-aside-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("history");
        assert_eq!(aside_path(&p), dir.join("history.corrupt"));
        std::fs::write(dir.join("history.corrupt"), "").unwrap();
        assert_eq!(aside_path(&p), dir.join("history.corrupt.1"));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn exit_words() {
        assert!(is_exit("exit") && is_exit(" quit() ") && !is_exit("exit(1)") && !is_exit("exits"));
    }
}
