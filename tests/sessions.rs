//! Every golden transcript under `sessions/` replays to the same output.
//! Re-bless after a reviewed change with
//! `cargo run -- check --bless sessions/*/*.txt`.

use std::path::{Path, PathBuf};

fn transcripts(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            transcripts(&p, out);
        } else if p.extension().is_some_and(|x| x == "txt") {
            out.push(p);
        }
    }
}

#[test]
fn golden_sessions_replay_identically() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("sessions");
    let mut files = Vec::new();
    transcripts(&root, &mut files);
    files.sort();
    assert!(!files.is_empty(), "no transcripts under sessions/");
    let mut failures = Vec::new();
    for f in &files {
        let report = npr::check_transcript(f).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        if !report.mismatches.is_empty() {
            failures.push(npr::transcript::render_report(&f.display().to_string(), &report));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_session_script_has_a_transcript() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("sessions");
    let mut missing = Vec::new();
    for dir in std::fs::read_dir(&root).expect("sessions/").flatten() {
        for e in std::fs::read_dir(dir.path()).into_iter().flatten().flatten() {
            let p = e.path();
            if p.extension().is_some_and(|x| x == "ipy") && !p.with_extension("txt").exists() {
                missing.push(p.display().to_string());
            }
        }
    }
    assert!(missing.is_empty(), "scripts without a golden transcript: {missing:?}");
}
