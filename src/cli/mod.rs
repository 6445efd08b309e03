//! Command line: `npr`, `npr run`, `npr check`, `npr -c`.

mod complete;
mod highlight;
mod hint;
mod repl;
mod signals;

use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;

use clap::{Parser, Subcommand};
use npr::display::{DisplayMode, RenderOptions};
use npr::session::{self, ScriptOptions};
use npr::transcript::{self, CompareOptions};

#[derive(Parser, Debug)]
#[command(name = "npr", version, about = "A NumPy REPL that shows the shape of everything")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// Run CODE and print its transcript.
    #[arg(short = 'c', value_name = "CODE")]
    code: Option<String>,
    /// How results are shown: repr (exactly as IPython), table (shape-first), or both.
    #[arg(long, global = true, value_name = "MODE")]
    display: Option<String>,
    /// Do not print carets, operand shapes and hints around errors.
    #[arg(long, global = true)]
    no_hints: bool,
    /// Memory cap for arrays, e.g. 4G (default: available memory).
    #[arg(long, global = true, value_name = "SIZE")]
    max_memory: Option<String>,
    /// A script to replay (same as `npr run FILE`).
    file: Option<PathBuf>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Replay session scripts and print their transcripts.
    Run {
        files: Vec<PathBuf>,
        /// Also write a Jupyter notebook.
        #[arg(long, value_name = "OUT.ipynb")]
        ipynb: Option<PathBuf>,
    },
    /// Replay transcripts and compare with their recorded outputs.
    Check {
        files: Vec<PathBuf>,
        /// Rewrite the transcripts with the new outputs (also NPR_BLESS=1).
        #[arg(long)]
        bless: bool,
        /// Relative tolerance for numbers in outputs.
        #[arg(long, value_name = "RTOL")]
        float_tolerance: Option<f64>,
    },
}

fn render_options(cli: &Cli) -> Result<RenderOptions, String> {
    let display = match &cli.display {
        None => DisplayMode::Table,
        Some(d) => {
            DisplayMode::parse(d).ok_or_else(|| format!("npr: unknown display mode '{d}' (use repr, table or both)"))?
        }
    };
    Ok(RenderOptions { display, hints: !cli.no_hints })
}

/// Write to stdout; a closed pipe ends the program quietly.
fn emit(text: &str) {
    let mut out = std::io::stdout().lock();
    if out.write_all(text.as_bytes()).and_then(|_| out.flush()).is_err() {
        std::process::exit(0);
    }
}

/// Read a script: UTF-8 required, with the failing line named.
fn read_script(path: &std::path::Path) -> Result<String, (String, i32)> {
    let bytes =
        std::fs::read(path).map_err(|e| (format!("npr: cannot read {}: {}", path.display(), io_reason(&e)), 2))?;
    decode_utf8(bytes).map_err(|line| (format!("npr: {}: invalid UTF-8 on line {line}", path.display()), 2))
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "No such file or directory".into(),
        std::io::ErrorKind::PermissionDenied => "Permission denied".into(),
        _ => e.to_string(),
    }
}

/// The text of a script (its bytes become the string, uncopied), or the
/// line of the first invalid byte.
fn decode_utf8(bytes: Vec<u8>) -> Result<String, usize> {
    String::from_utf8(bytes).map_err(|e| {
        let upto = e.utf8_error().valid_up_to();
        e.as_bytes()[..upto].iter().filter(|&&b| b == b'\n').count() + 1
    })
}

pub fn main() -> i32 {
    let cli = Cli::parse();
    if let Some(m) = &cli.max_memory {
        match npr::value::alloc::parse_size(m) {
            Some(b) => npr::value::alloc::set_memory_cap(b),
            None => {
                eprintln!("npr: invalid --max-memory '{m}' (use e.g. 512M or 4G)");
                return 2;
            }
        }
    }
    let render = match render_options(&cli) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("{e}");
            return 2;
        }
    };
    // plt.show() follows the terminal's size and colour when output goes to one (never for `check`).
    npr::plot::use_terminal(std::io::stdout().is_terminal() && !matches!(cli.command, Some(Command::Check { .. })));
    match &cli.command {
        Some(Command::Run { files, ipynb }) => run_files(files, render, ipynb.as_deref()),
        Some(Command::Check { files, bless, float_tolerance }) => check_files(files, *bless, *float_tolerance),
        None => {
            if let Some(code) = &cli.code {
                return run_text(code, render, None);
            }
            if let Some(f) = &cli.file {
                return run_files(std::slice::from_ref(f), render, None);
            }
            if std::io::stdin().is_terminal() {
                return repl::run(render);
            }
            let mut bytes = Vec::new();
            if std::io::stdin().read_to_end(&mut bytes).is_err() {
                eprintln!("npr: cannot read standard input");
                return 2;
            }
            match decode_utf8(bytes) {
                Ok(text) => run_text(&text, render, None),
                Err(line) => {
                    eprintln!("npr: standard input: invalid UTF-8 on line {line}");
                    2
                }
            }
        }
    }
}

fn run_text(text: &str, render: RenderOptions, ipynb: Option<&std::path::Path>) -> i32 {
    // For `npr run` and pipes: Ctrl-C stops the script with status 130.
    signals::install(signals::OnInterrupt::Exit);
    let opts = ScriptOptions { render, ..ScriptOptions::default() };
    // The transcript is written cell by cell as the script runs (flushed
    // after every cell on a terminal, in large blocks into a pipe or file);
    // it is kept whole only when a notebook is to be written from it.
    let mut out = Emitter::new();
    let header = format!("{}\n", session::header_line(&render));
    out.write(&header);
    let mut kept = ipynb.map(|_| header.clone());
    let mut failed = false;
    let mut s = npr::Session::new();
    let mut cell = String::new();
    session::run_script_with(&mut s, text, &opts, &mut |c| {
        cell.clear();
        transcript::render_cell_into(&mut cell, c.number, &c.source, &c.output);
        out.write(&cell);
        out.cell_done();
        failed |= c.failed;
        if let Some(k) = kept.as_mut() {
            k.push_str(&cell);
        }
    });
    out.finish();
    let interrupted = npr::interp::interrupt::stop_requested();
    // The process ends right after: tearing the session's history down
    // (one allocation per cell) would only cost time.
    std::mem::forget(s);
    if let (Some(path), Some(text)) = (ipynb, kept) {
        let cells =
            transcript::parse_transcript(&text).map(|t| transcript::nb_cells_from_transcript(&t)).unwrap_or_default();
        if let Err(e) = transcript::atomic_write(path, transcript::to_ipynb(&cells).as_bytes()) {
            eprintln!("npr: cannot write {}: {e}", path.display());
            return 2;
        }
    }
    match (interrupted, failed) {
        (true, _) => 130,
        (false, true) => 1,
        (false, false) => 0,
    }
}

/// Standard output for a streamed transcript. A closed pipe ends npr
/// quietly (`npr run x.ipy | head -1`).
struct Emitter {
    out: std::io::BufWriter<std::io::StdoutLock<'static>>,
    terminal: bool,
}

impl Emitter {
    fn new() -> Emitter {
        use std::io::IsTerminal;
        let stdout = std::io::stdout();
        let terminal = stdout.is_terminal();
        Emitter { out: std::io::BufWriter::with_capacity(1 << 16, stdout.lock()), terminal }
    }
    fn write(&mut self, text: &str) {
        if self.out.write_all(text.as_bytes()).is_err() {
            std::process::exit(0);
        }
    }
    /// A cell ended: show it now if someone is watching.
    fn cell_done(&mut self) {
        if self.terminal {
            self.finish();
        }
    }
    fn finish(&mut self) {
        if self.out.flush().is_err() {
            std::process::exit(0);
        }
    }
}

fn run_files(files: &[PathBuf], render: RenderOptions, ipynb: Option<&std::path::Path>) -> i32 {
    if files.is_empty() {
        eprintln!("npr run: no script given");
        return 2;
    }
    let mut status = 0;
    for f in files {
        let text = match read_script(f) {
            Ok(t) => t,
            Err((msg, code)) => {
                eprintln!("{msg}");
                return code;
            }
        };
        let text = if f.extension().is_some_and(|e| e == "ipynb") {
            match transcript::code_cells_from_ipynb(&text) {
                Ok(cells) => cells.join("\n\n") + "\n",
                Err(e) => {
                    eprintln!("npr: {}: {e}", f.display());
                    return 2;
                }
            }
        } else {
            text
        };
        status = status.max(run_text(&text, render, ipynb));
        if npr::interp::interrupt::stop_requested() {
            // Ctrl-C stops the whole run, not just this file.
            break;
        }
    }
    status
}

fn check_files(files: &[PathBuf], bless: bool, tolerance: Option<f64>) -> i32 {
    if files.is_empty() {
        eprintln!("npr check: no transcript given");
        return 2;
    }
    let bless = bless || std::env::var("NPR_BLESS").is_ok_and(|v| v == "1");
    let mut status = 0;
    for f in files {
        let text = match read_script(f) {
            Ok(t) => t,
            Err((msg, code)) => {
                eprintln!("{msg}");
                return code;
            }
        };
        let opts = CompareOptions { float_tolerance: tolerance };
        let report = match session::check_transcript_text(&text, &opts) {
            Ok(r) => r,
            Err(e) => {
                eprintln!("npr: {}: {e}", f.display());
                return 2;
            }
        };
        let name = f.display().to_string();
        if report.mismatches.is_empty() {
            emit(&format!("{}\n", transcript::render_report(&name, &report).trim_end()));
            continue;
        }
        if bless {
            match transcript::bless_write(f, &report.blessed_text) {
                Ok(()) => emit(&format!("blessed: {name} ({} cells updated)\n", report.mismatches.len())),
                Err(e) => {
                    eprintln!("npr: {e}");
                    status = 1;
                }
            }
        } else {
            emit(&transcript::render_report(&name, &report));
            status = 1;
        }
    }
    status
}
