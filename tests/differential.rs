//! The differential suite: transcripts recorded from real NumPy 2.4.6 under
//! IPython (`tests/diff/generate.py`) replayed through npr, cell by cell.
//!
//! Cells that npr does not match yet are listed in
//! `tests/diff/known_failures.txt`; any other mismatch fails the test, so
//! the list can only shrink. `NPR_UPDATE_KNOWN=1 cargo test --test
//! differential` rewrites the list (for a reviewed change).

use std::collections::BTreeSet;
use std::path::Path;

use npr::transcript::CompareOptions;

fn cell_key(file: &str, index: usize, source: &str) -> String {
    format!("{file}:{index}: {}", source.lines().next().unwrap_or("").trim())
}

#[test]
fn differential_suite_matches_numpy() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/diff");
    let known_path = dir.join("known_failures.txt");
    let known: BTreeSet<String> = std::fs::read_to_string(&known_path)
        .unwrap_or_default()
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect();
    let mut files: Vec<_> = std::fs::read_dir(dir.join("expected"))
        .expect("tests/diff/expected exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    files.sort();
    let (mut total, mut failing) = (0usize, BTreeSet::new());
    let mut details = Vec::new();
    let mut all_details = Vec::new();
    for path in &files {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("?").to_string();
        let text = std::fs::read_to_string(path).expect("readable transcript");
        let report = npr::session::check_transcript_text(&text, &CompareOptions::default())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        total += report.cells;
        for m in &report.mismatches {
            let key = cell_key(&name, m.index, &m.source);
            if !known.contains(&key) {
                details.push(format!("{key}\n{}", m.diff));
            }
            all_details.push(format!("{key}\n{}", m.diff));
            failing.insert(key);
        }
    }
    let passed = total - failing.len();
    println!(
        "differential suite: {passed} of {total} cells identical to NumPy/IPython ({:.1}%), {} known failures",
        100.0 * passed as f64 / total.max(1) as f64,
        known.len()
    );
    if std::env::var("NPR_UPDATE_KNOWN").is_ok_and(|v| v == "1") {
        let mut text =
            String::from("# Cells of tests/diff/expected that npr does not match yet (file:cell: first line).\n");
        for k in &failing {
            text.push_str(k);
            text.push('\n');
        }
        std::fs::write(&known_path, text).expect("write known failures");
        return;
    }
    if let Ok(report_path) = std::env::var("NPR_DIFF_REPORT") {
        std::fs::write(report_path, all_details.join("\n")).expect("write report");
    }
    let fixed: Vec<&String> = known.difference(&failing).collect();
    if !fixed.is_empty() {
        println!("{} known failures now pass; run with NPR_UPDATE_KNOWN=1 to drop them:", fixed.len());
        for k in fixed.iter().take(20) {
            println!("  {k}");
        }
    }
    assert!(
        details.is_empty(),
        "{} cells regressed or newly differ from NumPy:\n\n{}",
        details.len(),
        details.iter().take(40).cloned().collect::<Vec<_>>().join("\n")
    );
}
