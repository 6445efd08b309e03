//! Issue 7: no input crashes npr, no session is lost.
//! Each case runs on a thread with a small (2 MiB) stack, as test threads
//! have, to prove depth limits hold without a big main stack.

use npr::Session;

fn on_small_stack<F: FnOnce() + Send + 'static>(f: F) {
    std::thread::Builder::new().stack_size(2 << 20).spawn(f).expect("spawn").join().expect("no crash");
}

#[track_caller]
fn error_line(session: &mut Session, src: &str) -> String {
    let out = session.run_cell(src);
    out.error.map(|e| e.line()).unwrap_or_else(|| panic!("expected an error from {src:.60}"))
}

#[test]
fn issue7_hundred_thousand_nested_brackets() {
    on_small_stack(|| {
        let mut s = Session::new();
        let src = format!("{}{}", "(".repeat(100_000), ")".repeat(100_000));
        assert_eq!(error_line(&mut s, &src), "SyntaxError: too many nested parentheses");
        let src = format!("{}1{}", "[".repeat(100_000), "]".repeat(100_000));
        assert_eq!(error_line(&mut s, &src), "SyntaxError: too many nested parentheses");
    });
}

#[test]
fn issue7_hundred_thousand_term_chain() {
    on_small_stack(|| {
        let mut s = Session::new();
        let src = vec!["1"; 100_000].join("+");
        assert!(error_line(&mut s, &src).starts_with("RecursionError: maximum recursion depth exceeded"));
        let src = format!("{}x", "-".repeat(100_000));
        assert!(error_line(&mut s, &src).starts_with("RecursionError: maximum recursion depth exceeded"));
    });
}

#[test]
fn issue7_deep_user_recursion() {
    on_small_stack(|| {
        let mut s = Session::new();
        s.run_cell("def f(n):\n    return f(n + 1)\n");
        assert_eq!(error_line(&mut s, "f(0)"), "RecursionError: maximum recursion depth exceeded");
        s.run_cell("def g(n):\n    return 0 if n == 0 else 1 + g(n - 1)\n");
        let out = s.run_cell("g(900)");
        assert!(out.error.is_none(), "900 levels are within Python's limit");
    });
}

#[test]
fn issue7_memory_error_keeps_session() {
    let mut s = Session::new();
    s.run_cell("x = np.arange(3)");
    assert_eq!(
        error_line(&mut s, "x = np.zeros((100000, 100000))"),
        "MemoryError: Unable to allocate 74.5 GiB for an array with shape (100000, 100000) and data type float64"
    );
    let out = s.run_cell("x");
    assert!(out.error.is_none());
    assert_eq!(npr::display::repr_plain(&out.value.expect("value")), "array([0, 1, 2])");
    assert!(error_line(&mut s, "np.zeros((2**62, 2**62))").starts_with("ValueError: array is too big;"));
    assert_eq!(error_line(&mut s, "np.zeros(-1)"), "ValueError: negative dimensions are not allowed");
    assert!(
        error_line(&mut s, "np.ones((2**40, 2**40, 8))").starts_with("ValueError: array is too big")
            || error_line(&mut s, "np.ones((2**40, 2**40, 8))").starts_with("MemoryError")
    );
}

#[test]
fn issue7_huge_reshape() {
    let mut s = Session::new();
    assert_eq!(
        error_line(&mut s, "np.ones(10).reshape(2**40, 2**40)"),
        "ValueError: cannot reshape array of size 10 into shape (1099511627776,1099511627776)"
    );
}

#[test]
fn issue7_integer_division_by_zero() {
    let mut s = Session::new();
    let out = s.run_cell("np.array([1, 0, -1]) // 0");
    assert!(out.error.is_none());
    assert_eq!(npr::display::repr_plain(&out.value.expect("value")), "array([0, 0, 0])");
    let out = s.run_cell("np.int64(1) % 0");
    assert_eq!(npr::display::repr_plain(&out.value.expect("value")), "np.int64(0)");
    assert_eq!(error_line(&mut s, "1 // 0"), "ZeroDivisionError: integer division or modulo by zero");
    let out = s.run_cell("np.array([-2**63]) // -1");
    assert_eq!(npr::display::repr_plain(&out.value.expect("value")), "array([-9223372036854775808])");
}

#[test]
fn issue7_injected_panic_is_an_error_and_session_lives() {
    let mut s = Session::new();
    s.run_cell("y = 41");
    npr::interp::inject_panic_on_next_cell();
    let line = error_line(&mut s, "y + 1");
    assert!(line.starts_with("InternalError: npr hit a bug (panic injected by a test)"), "{line}");
    let out = s.run_cell("y + 1");
    assert_eq!(npr::display::repr_plain(&out.value.expect("value")), "42");
}

fn npr_bin() -> std::process::Command {
    std::process::Command::new(env!("CARGO_BIN_EXE_npr"))
}

#[test]
fn issue7_missing_file_exits_2_with_one_line() {
    let out = npr_bin().args(["run", "/nonexistent/x.ipy"]).output().expect("run npr");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("No such file or directory"));
}

#[test]
fn issue7_invalid_utf8_names_the_line() {
    let dir = std::env::temp_dir().join(format!("npr-utf8-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp dir");
    let path = dir.join("bad.ipy");
    std::fs::write(&path, b"x = 1\ny = 2\nz = '\xff'\n").expect("write");
    let out = npr_bin().arg("run").arg(&path).output().expect("run npr");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("invalid UTF-8 on line 3"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn issue7_closed_pipe_is_quiet() {
    use std::io::Read;
    use std::process::Stdio;
    let script: String = (0..2000).map(|i| format!("x{i} = {i}\nx{i}\n")).collect();
    let dir = std::env::temp_dir().join(format!("npr-pipe-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp dir");
    let path = dir.join("long.ipy");
    std::fs::write(&path, script).expect("write");
    let mut child =
        npr_bin().arg("run").arg(&path).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("spawn");
    let mut first = [0u8; 16];
    let mut stdout = child.stdout.take().expect("stdout");
    stdout.read_exact(&mut first).expect("some output");
    drop(stdout); // like `| head -c 16`
    let out = child.wait_with_output().expect("wait");
    assert!(out.stderr.is_empty(), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    assert!(out.status.code().is_some(), "ended by a signal");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn issue7_sigint_stops_a_script_with_status_130_and_keeps_its_transcript() {
    let dir = std::env::temp_dir().join(format!("npr-sigint-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp dir");
    let path = dir.join("forever.ipy");
    std::fs::write(&path, "x = 0\nwhile True:\n    x = x + 1\n").expect("write");
    let child = npr_bin()
        .arg("run")
        .arg(&path)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn");
    // Let it install its handler and enter the loop.
    std::thread::sleep(std::time::Duration::from_millis(500));
    let kill = std::process::Command::new("kill").args(["-INT", &child.id().to_string()]).status().expect("kill");
    assert!(kill.success());
    let out = child.wait_with_output().expect("wait");
    assert_eq!(out.status.code(), Some(130));
    // The transcript so far is written (stdout is a pipe, so block-buffered),
    // ending with the interrupted cell.
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("In [1]: x = 0\n"), "{text}");
    assert!(text.trim_end().ends_with("KeyboardInterrupt"), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn issue7_exit_status_reflects_errors() {
    let ok = npr_bin().args(["-c", "1 + 1"]).output().expect("run");
    assert_eq!(ok.status.code(), Some(0));
    let bad = npr_bin().args(["-c", "1 / 0\n2 + 2"]).output().expect("run");
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stdout).contains("Out[2]: 4"));
}

/// The fuzz targets' smoke pass in CI: inputs they once crashed on
/// (`tests/data/fuzz_regressions`, raw bytes as libFuzzer saved them) and
/// their seed corpus (`fuzz/corpus_seed`), replayed as the `parse` and
/// `eval` targets run them: no panic, and no cell may end in an internal
/// error.
#[test]
fn issue7_fuzz_regressions_replay_cleanly() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut paths = Vec::new();
    for dir in ["tests/data/fuzz_regressions", "fuzz/corpus_seed"] {
        for entry in std::fs::read_dir(root.join(dir)).expect(dir) {
            paths.push(entry.expect("entry").path());
        }
    }
    let mut seen = 0;
    for path in paths {
        let bytes = std::fs::read(&path).expect("read");
        let Ok(src) = String::from_utf8(bytes) else { continue };
        let name = path.display().to_string();
        on_small_stack(move || {
            let _ = npr::syntax::parser::parse_cell(&src);
            let _ = npr::syntax::parser::parse_expr(&src);
            let _ = npr::syntax::cells::check_complete(&src);
            let mut s = Session::new();
            for cell in npr::syntax::cells::split_cells(&src).into_iter().take(16) {
                let out = s.run_cell(&cell.text);
                if let Some(e) = out.error {
                    assert!(e.exc != npr::interp::error::ExcType::InternalError, "{name}: {}", e.line());
                }
            }
        });
        seen += 1;
    }
    assert!(seen >= 9, "{seen} inputs");
}
