//! The interactive REPL driven through a real pseudo-terminal: completion,
//! a multi-line `def`, hints, Ctrl-C during a computation, `%timeit`, `?`
//! help, history across restarts, a corrupt history file, and Ctrl-D.
//!
//! Skipped (with a message) where no pseudo-terminal can be opened.

#![cfg(unix)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use rexpect::process::WaitStatus;
use rexpect::session::{Options, PtySession};

/// Generous, so a loaded machine does not fail the test; every wait that
/// succeeds returns as soon as its text appears.
const TIMEOUT_MS: u64 = 20_000;

fn temp_path(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("npr-repl-pty-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir.join(name)
}

/// Start `npr` on a pty with this history file; None (and a message) if
/// the system has no pseudo-terminals.
fn start(history: &Path) -> Option<PtySession> {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_npr"));
    cmd.args(["--display", "repr"])
        .env("NPR_HISTORY", history)
        .env("NO_COLOR", "1")
        .env("TERM", "xterm")
        .env_remove("XDG_STATE_HOME");
    let options = Options::new().timeout_ms(Some(TIMEOUT_MS)).strip_ansi_escape_codes(true);
    match rexpect::session::spawn_with_options(cmd, options) {
        Ok(p) => Some(p),
        Err(e) => {
            eprintln!("skipping the pty test: cannot open a pseudo-terminal ({e})");
            None
        }
    }
}

fn expect(p: &mut PtySession, text: &str) -> String {
    match p.exp_string(text) {
        Ok(before) => before,
        Err(e) => panic!("waiting for {text:?}: {e}"),
    }
}

fn expect_regex(p: &mut PtySession, re: &str) {
    if let Err(e) = p.exp_regex(re) {
        panic!("waiting for /{re}/: {e}");
    }
}

fn send(p: &mut PtySession, text: &str) {
    p.send(text).expect("send");
    p.flush().expect("flush");
}

/// Type a line and press Enter.
fn enter(p: &mut PtySession, line: &str) {
    send(p, &format!("{line}\r"));
}

fn ctrl(p: &mut PtySession, c: char) {
    p.send_control(c).expect("send control");
}

fn exits_cleanly(p: &mut PtySession) {
    ctrl(p, 'd');
    p.exp_eof().expect("npr exits on Ctrl-D");
    match p.process().wait() {
        Ok(WaitStatus::Exited(_, code)) => assert_eq!(code, 0, "exit status after Ctrl-D"),
        other => panic!("npr did not exit normally: {other:?}"),
    }
}

#[test]
fn interactive_session_and_history_across_restarts() {
    let started = Instant::now();
    let history = temp_path("history");
    let _ = std::fs::remove_file(&history);
    let Some(mut p) = start(&history) else { return };
    expect(&mut p, "In [1]: ");

    // Tab completion: `np.li` completes to the common prefix, a second Tab lists both.
    send(&mut p, "np.li\t");
    std::thread::sleep(Duration::from_millis(200));
    send(&mut p, "\t");
    expect_regex(&mut p, r"linalg\s+linspace");
    // The line is drawn again under the list.
    expect(&mut p, "In [1]: np.lin");
    // Ctrl-C at the prompt clears the line; no cell number is used. (Wait
    // for the new prompt before typing: like readline, rustyline drops
    // keys typed ahead of an interrupted line.)
    ctrl(&mut p, 'c');
    expect(&mut p, "In [1]: ");

    // A unique completion is inserted; the cell runs.
    send(&mut p, "x = np.linsp\t");
    expect(&mut p, "np.linspace");
    enter(&mut p, "(0, 1, 5)");
    expect(&mut p, "In [2]: ");
    enter(&mut p, "x.shape");
    expect(&mut p, "Out[2]: (5,)");

    // The hint shows the shape of the expression being typed.
    send(&mut p, "x[:, None] * x");
    // (rexpect reads bytes as Latin-1: match the ASCII part after the arrow)
    expect(&mut p, "x[:, None] * x  ");
    expect(&mut p, " float64 (5, 5)");
    ctrl(&mut p, 'c');
    expect(&mut p, "In [3]: ");

    // A multi-line def: continuation prompt, automatic indentation, a blank line ends it.
    enter(&mut p, "def double(v):");
    expect(&mut p, "   ...: ");
    enter(&mut p, "return v * 2");
    expect(&mut p, "   ...: ");
    enter(&mut p, "");
    expect(&mut p, "In [4]: ");
    enter(&mut p, "double(21)");
    expect(&mut p, "Out[4]: 42");

    // Ctrl-C stops a computation quickly; the session and its variables survive.
    enter(&mut p, "y = 1");
    expect(&mut p, "In [6]: ");
    enter(&mut p, "while True: y = y + 1");
    expect(&mut p, "   ...: ");
    enter(&mut p, "");
    std::thread::sleep(Duration::from_millis(300));
    let t = Instant::now();
    ctrl(&mut p, 'c');
    expect(&mut p, "KeyboardInterrupt");
    assert!(t.elapsed() < Duration::from_secs(3), "Ctrl-C took {:?}", t.elapsed());
    expect(&mut p, "In [7]: ");
    enter(&mut p, "y > 1, double(1)");
    expect(&mut p, "Out[7]: (True, 2)");

    // An interrupted assignment leaves the old value.
    enter(&mut p, "def spin():");
    expect(&mut p, "   ...: ");
    enter(&mut p, "while True: pass");
    expect(&mut p, "   ...: ");
    enter(&mut p, "");
    expect(&mut p, "In [9]: ");
    enter(&mut p, "z = 5");
    expect(&mut p, "In [10]: ");
    enter(&mut p, "z = spin()");
    std::thread::sleep(Duration::from_millis(300));
    ctrl(&mut p, 'c');
    expect(&mut p, "KeyboardInterrupt");
    expect(&mut p, "In [11]: ");
    enter(&mut p, "z");
    expect(&mut p, "Out[11]: 5");

    // %timeit prints IPython's line.
    enter(&mut p, "%timeit -n 100 -r 3 x.sum()");
    expect_regex(&mut p, r"[0-9.]+ \S*s \S+ [0-9.]+ \S*s per loop \(mean \S+ std\. dev\. of 3 runs, 100 loops each\)");

    // `?` help: signature, rule and live examples.
    enter(&mut p, "np.dot?");
    expect(&mut p, "np.dot(a, b)");
    expect(&mut p, "Shape rule:");
    expect(&mut p, ">>> np.dot(np.array([1, 2, 3]), np.array([4, 5, 6]))");
    expect(&mut p, "np.int64(32)");
    expect(&mut p, "In [14]: ");

    exits_cleanly(&mut p);
    drop(p);

    // A new session recalls the previous one's last line with Up.
    let Some(mut q) = start(&history) else { return };
    expect(&mut q, "In [1]: ");
    send(&mut q, "\x1b[A");
    expect(&mut q, "np.dot?");
    send(&mut q, "\x1b[A");
    expect(&mut q, "%timeit -n 100 -r 3 x.sum()");
    ctrl(&mut q, 'c');
    expect(&mut q, "In [1]: ");
    enter(&mut q, "1 + 1");
    expect(&mut q, "Out[1]: 2");
    exits_cleanly(&mut q);

    let saved = std::fs::read_to_string(&history).expect("history file");
    assert!(saved.contains("def double(v):\\n    return v * 2"), "{saved}");
    assert!(saved.contains("1 + 1"), "{saved}");
    assert!(started.elapsed() < Duration::from_secs(50), "took {:?}", started.elapsed());
}

#[test]
fn corrupt_history_is_moved_aside() {
    let history = temp_path("corrupt-history");
    let aside = temp_path("corrupt-history.corrupt");
    let _ = std::fs::remove_file(&aside);
    std::fs::write(&history, b"#V2\nok line\n\xff\xfe not text\n").unwrap();
    let Some(mut p) = start(&history) else { return };
    expect(&mut p, "could not be read");
    expect(&mut p, "In [1]: ");
    enter(&mut p, "2 * 3");
    expect(&mut p, "Out[1]: 6");
    exits_cleanly(&mut p);
    assert!(aside.exists(), "the corrupt file was not kept");
    let fresh = std::fs::read_to_string(&history).expect("a new history file");
    assert!(fresh.contains("2 * 3") && !fresh.contains("ok line"), "{fresh}");
}
