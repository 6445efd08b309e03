//! The interactive terminal: rustyline with IPython's prompts, multi-line
//! cells, persistent history and Ctrl-C that interrupts a computation
//! without losing the session.

use std::path::PathBuf;

use npr::display::RenderOptions;
use npr::interp::Session;
use npr::syntax::cells::{check_complete, Completeness};
use rustyline::error::ReadlineError;
use rustyline::history::{FileHistory, History};
use rustyline::{Config, Editor};

/// Where history lives: `NPR_HISTORY` (empty disables), else the state dir.
fn history_path() -> Option<PathBuf> {
    match std::env::var_os("NPR_HISTORY") {
        Some(p) if p.is_empty() => None,
        Some(p) => Some(PathBuf::from(p)),
        None => {
            let base = std::env::var_os("XDG_STATE_HOME")
                .map(PathBuf::from)
                .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/state")))?;
            Some(base.join("npr").join("history"))
        }
    }
}

/// Lines longer than this are not stored in history.
const MAX_HISTORY_LINE: usize = 10_000;

/// For `npr run` and pipes: Ctrl-C stops the script with status 130.
pub fn install_interrupt_handler_for_scripts() {
    let _ = ctrlc::set_handler(|| std::process::exit(130));
}

fn load_history(rl: &mut Editor<(), FileHistory>, path: &PathBuf) {
    if !path.exists() {
        return;
    }
    if rl.load_history(path).is_err() {
        let aside = path.with_extension("corrupt");
        let _ = std::fs::rename(path, &aside);
        eprintln!("npr: history file {} could not be read; moved it to {}", path.display(), aside.display());
    }
}

/// Run the interactive loop. Returns the exit status.
pub fn run(render: RenderOptions) -> i32 {
    let config = Config::builder().auto_add_history(false).max_history_size(10_000).map(|b| b.build());
    let Ok(config) = config else { return 2 };
    let mut rl: Editor<(), FileHistory> = match Editor::with_config(config) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("npr: cannot start the terminal: {e}");
            return 2;
        }
    };
    let hist = history_path();
    if let Some(p) = &hist {
        if let Some(dir) = p.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        load_history(&mut rl, p);
    }
    let _ = ctrlc::set_handler(npr::interp::interrupt::request);
    let mut session = Session::new();
    session.render = render;
    println!("npr {} — NumPy with shapes. Type %quickref for help, Ctrl-D to exit.", env!("CARGO_PKG_VERSION"));
    loop {
        let number = session.execution_count;
        let prompt = format!("\nIn [{number}]: ");
        let mut cell = match rl.readline(&prompt) {
            Ok(line) => line,
            Err(ReadlineError::Interrupted) => continue,
            Err(ReadlineError::Eof) => break,
            Err(e) => {
                eprintln!("npr: {e}");
                break;
            }
        };
        if cell.trim().is_empty() {
            continue;
        }
        let cont = format!("{:>width$}", "...: ", width = format!("In [{number}]: ").len());
        let mut interrupted = false;
        while let Completeness::Incomplete { indent } = check_complete(&cell) {
            match rl.readline_with_initial(&cont, (&" ".repeat(indent), "")) {
                Ok(line) => {
                    cell.push('\n');
                    cell.push_str(&line);
                }
                Err(ReadlineError::Interrupted) => {
                    interrupted = true;
                    break;
                }
                Err(_) => break,
            }
        }
        if interrupted {
            continue;
        }
        let cell = cell.trim_end().to_string();
        if cell.len() <= MAX_HISTORY_LINE {
            let _ = rl.history_mut().add(&cell);
            if let Some(p) = &hist {
                let _ = rl.append_history(p);
            }
        }
        let (_, output, _) = npr::session::run_and_render(&mut session, &cell);
        if !output.is_empty() {
            println!("{output}");
        }
    }
    0
}
