//! Replaying a transcript against an interpreter and reporting what changed.
//!
//! The interpreter is a closure from a cell's source to that cell's output in npr's format
//! (`Out[N]: …` prompts, no trailing blank line), so this module never evaluates anything
//! itself. The replay yields both a report and the re-blessed text: the original transcript
//! with only the outputs of mismatching cells replaced, so a `--bless` run changes nothing but
//! the outputs that actually changed.

use super::compare::{is_warning_line, outputs_match, split_out_prompt, CompareOptions};
use super::diff::unified_diff;
use super::parse::{parse_transcript, strip_trailing_blank_lines, PromptStyle, RecordedCell, Transcript};
use super::TranscriptError;

/// One cell whose replayed output no longer matches the recording.
#[derive(Debug, Clone, PartialEq)]
pub struct Mismatch {
    /// 0-based position of the cell in the transcript.
    pub index: usize,
    /// The cell's `In [N]` number, if it has one.
    pub number: Option<usize>,
    /// 1-based line of the cell's prompt.
    pub line: usize,
    /// The cell's source.
    pub source: String,
    /// The recorded output.
    pub recorded: String,
    /// The replayed output in the cell's dialect: `Out[N]` renumbered to the cell's own `N`,
    /// or without `Out[N]:` prompts for doctest cells. This is what blessing writes.
    pub actual: String,
    /// Unified diff from `recorded` to `actual` (`--- recorded` / `+++ actual`).
    pub diff: String,
}

/// The outcome of replaying a transcript.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckReport {
    /// How many cells were replayed.
    pub cells: usize,
    /// The cells whose output differs, in file order.
    pub mismatches: Vec<Mismatch>,
    /// The transcript with the actual outputs of mismatching cells; all else byte-identical.
    pub blessed_text: String,
}

impl CheckReport {
    /// Whether every cell matched.
    pub fn is_ok(&self) -> bool {
        self.mismatches.is_empty()
    }
}

/// Parses `text` and replays it; see [`check_transcript`].
pub fn check_transcript_with(
    text: &str,
    run: &mut dyn FnMut(&str) -> String,
    opts: &CompareOptions,
) -> Result<CheckReport, TranscriptError> {
    let transcript = parse_transcript(text)?;
    Ok(check_transcript(&transcript, run, opts))
}

/// Runs every cell's source through `run` in order and compares the outputs.
///
/// A float tolerance in `opts` overrides the one in the transcript's header.
pub fn check_transcript(
    transcript: &Transcript,
    run: &mut dyn FnMut(&str) -> String,
    opts: &CompareOptions,
) -> CheckReport {
    let opts = CompareOptions { float_tolerance: opts.float_tolerance.or(transcript.header.float_tolerance) };
    let mut mismatches = Vec::new();
    for (index, cell) in transcript.cells.iter().enumerate() {
        let actual = in_cell_dialect(cell, &run(&cell.source));
        if !outputs_match(&cell.output, &actual, &opts, &cell.source) {
            mismatches.push(mismatch(index, cell, actual));
        }
    }
    let replacements: Vec<(usize, String)> = mismatches.iter().map(|m| (m.index, m.actual.clone())).collect();
    CheckReport { cells: transcript.cells.len(), blessed_text: transcript.with_outputs(&replacements), mismatches }
}

fn mismatch(index: usize, cell: &RecordedCell, actual: String) -> Mismatch {
    Mismatch {
        index,
        number: cell.number,
        line: cell.line_number(),
        source: cell.source.clone(),
        recorded: cell.output.clone(),
        diff: unified_diff(&cell.output, &actual, "recorded", "actual"),
        actual,
    }
}

/// Converts npr's output for `cell` into the form the cell records outputs in.
fn in_cell_dialect(cell: &RecordedCell, actual: &str) -> String {
    let actual = strip_trailing_blank_lines(actual);
    let lines = actual.split('\n');
    let converted: Vec<String> = match (cell.style, cell.number) {
        (PromptStyle::Doctest, _) => lines.filter_map(without_out_prompt).collect(),
        (PromptStyle::IPython, Some(number)) => lines.map(|l| renumbered(l, number)).collect(),
        (PromptStyle::IPython, None) => lines.map(str::to_owned).collect(),
    };
    converted.join("\n")
}

/// Doctest records bare values: `Out[N]: x` becomes `x`, and a lone `Out[N]: ` disappears.
/// Like Python's doctest, which only sees stdout, it does not record warnings.
fn without_out_prompt(line: &str) -> Option<String> {
    if is_warning_line(line) {
        return None;
    }
    match split_out_prompt(line) {
        Some((_, rest)) if rest.trim().is_empty() => None,
        Some((_, rest)) => Some(rest.strip_prefix(' ').unwrap_or(rest).to_owned()),
        None => Some(line.to_owned()),
    }
}

fn renumbered(line: &str, number: usize) -> String {
    match split_out_prompt(line) {
        Some((_, rest)) => format!("Out[{number}]:{rest}"),
        None => line.to_owned(),
    }
}

/// Renders a report: `ok: <path> (<n> cells)` on success; otherwise a header and a unified
/// diff for each mismatching cell followed by a `failed:` summary line.
pub fn render_report(path: &str, report: &CheckReport) -> String {
    if report.is_ok() {
        return format!("ok: {path} ({})\n", plural(report.cells, "cell"));
    }
    let mut out = String::new();
    for m in &report.mismatches {
        let first_line = m.source.lines().next().unwrap_or("");
        let prompt = match m.number {
            Some(n) => format!("In [{n}]"),
            None => format!("line {}", m.line),
        };
        out.push_str(&format!("mismatch in {path}, cell {} ({prompt}): {first_line}\n", m.index + 1));
        out.push_str(&m.diff);
    }
    out.push_str(&format!("failed: {path} ({} of {} differ)\n", report.mismatches.len(), plural(report.cells, "cell")));
    out
}

fn plural(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("{count} {noun}")
    } else {
        format!("{count} {noun}s")
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    /// A fake interpreter: looks each source up in a table; unknown sources print nothing.
    fn fake(answers: &[(&str, &str)]) -> impl FnMut(&str) -> String {
        let table: HashMap<String, String> = answers.iter().map(|(s, o)| (s.to_string(), o.to_string())).collect();
        move |source: &str| table.get(source).cloned().unwrap_or_default()
    }

    #[track_caller]
    fn run_check(text: &str, answers: &[(&str, &str)]) -> CheckReport {
        let mut run = fake(answers);
        check_transcript_with(text, &mut run, &CompareOptions::default()).expect("check")
    }

    const SESSION: &str = "\
# npr: --no-hints
# a comment that must survive
In [1]: a = np.array([1, 2, 3])

In [2]: a
Out[2]: array([1, 2, 3])

In [3]:   weird   spacing  
Out[3]:   1   

In [4]: a.sum()
Out[4]: np.int64(5)


In [5]: np.eye(2)
Out[5]: 
array([[1., 0.],
       [0., 1.]])
";

    fn session_answers() -> Vec<(&'static str, &'static str)> {
        vec![
            ("a", "Out[1]: array([1, 2, 3])"),
            ("  weird   spacing  ", "Out[1]:   1"),
            ("a.sum()", "Out[1]: np.int64(6)"),
            ("np.eye(2)", "Out[1]: \narray([[1., 0.],\n       [0., 1.]])\n"),
        ]
    }

    #[test]
    fn all_cells_match() {
        let mut answers = session_answers();
        answers[2].1 = "Out[4]: np.int64(5)";
        let report = run_check(SESSION, &answers);
        assert!(report.is_ok(), "{:?}", report.mismatches);
        assert_eq!(report.cells, 5);
        assert_eq!(report.blessed_text, SESSION);
        assert_eq!(render_report("s.txt", &report), "ok: s.txt (5 cells)\n");
    }

    #[test]
    fn bless_replaces_only_mismatching_outputs() {
        let report = run_check(SESSION, &session_answers());
        assert_eq!(report.mismatches.len(), 1);
        let m = &report.mismatches[0];
        assert_eq!((m.index, m.number, m.line), (3, Some(4), 11));
        assert_eq!(m.recorded, "Out[4]: np.int64(5)");
        assert_eq!(m.actual, "Out[4]: np.int64(6)");
        let expected = SESSION.replace("np.int64(5)", "np.int64(6)");
        assert_eq!(report.blessed_text, expected);
        let again = run_check(&report.blessed_text, &session_answers());
        assert!(again.is_ok());
    }

    #[test]
    fn report_format() {
        let report = run_check(SESSION, &session_answers());
        let expected = "\
mismatch in s.txt, cell 4 (In [4]): a.sum()
--- recorded
+++ actual
@@ -1 +1 @@
-Out[4]: np.int64(5)
+Out[4]: np.int64(6)
failed: s.txt (1 of 5 cells differ)
";
        assert_eq!(render_report("s.txt", &report), expected);
    }

    #[test]
    fn cells_run_in_order_with_their_sources() {
        let mut seen = Vec::new();
        let mut run = |source: &str| {
            seen.push(source.to_owned());
            String::new()
        };
        let text = "In [88]: a = 1\n\nIn [89]: def f():\n    ...:     pass\n\n";
        let report = check_transcript_with(text, &mut run, &CompareOptions::default()).unwrap();
        assert!(report.is_ok());
        assert_eq!(seen, ["a = 1", "def f():\n    pass"]);
    }

    #[test]
    fn high_numbers_replay_from_one() {
        let text = "In [88]: x\nOut[88]: 1\n\nIn [89]: y\nOut[89]: 2\n";
        let report = run_check(text, &[("x", "Out[1]: 1"), ("y", "Out[2]: 3")]);
        assert_eq!(report.mismatches.len(), 1);
        assert_eq!(report.mismatches[0].actual, "Out[89]: 3");
        assert_eq!(report.blessed_text, "In [88]: x\nOut[88]: 1\n\nIn [89]: y\nOut[89]: 3\n");
    }

    #[test]
    fn header_tolerance_applies_and_options_override() {
        let text = "# npr: --float-tolerance 1e-6\nIn [1]: x\nOut[1]: 0.1\n";
        let answers = [("x", "Out[1]: 0.100001")];
        assert!(!run_check(text, &answers).is_ok());
        let answers = [("x", "Out[1]: 0.10000001")];
        assert!(run_check(text, &answers).is_ok());
        let mut run = fake(&answers);
        let strict = CompareOptions { float_tolerance: Some(0.0) };
        let report = check_transcript_with(text, &mut run, &strict).unwrap();
        assert!(!report.is_ok());
    }

    #[test]
    fn ipython_paste_checks_against_npr_errors() {
        let text = "\
In [8]: foo
---------------------------------------------------------------------------
NameError                                 Traceback (most recent call last)
Cell In[8], line 1
----> 1 foo

NameError: name 'foo' is not defined

In [9]: 1 +
  Cell In[9], line 1
    1 +
       ^
SyntaxError: invalid syntax
";
        let answers = [
            ("foo", "NameError: name 'foo' is not defined\nhint: define it first"),
            ("1 +", "  1 +\n    ^\nSyntaxError: invalid syntax"),
        ];
        let report = run_check(text, &answers);
        assert!(report.is_ok(), "{:?}", report.mismatches);
        assert_eq!(report.blessed_text, text);
    }

    #[test]
    fn doctest_cells_compare_without_out_prompts() {
        let text = "\
Example:

    >>> a = np.arange(3)
    >>> a
    array([0, 1, 2])
    >>> np.zeros((2, 1, 1))
    array([[[0.]],
    <BLANKLINE>
           [[0.]]])

Done.
";
        let zeros = "Out[3]: \narray([[[0.]],\n\n       [[0.]]])";
        let answers = [("a", "Out[2]: array([0, 1, 2])"), ("np.zeros((2, 1, 1))", zeros)];
        let report = run_check(text, &answers);
        assert!(report.is_ok(), "{:?}", report.mismatches);
        let answers = [("a", "Out[2]: array([0, 1, 5])"), ("np.zeros((2, 1, 1))", zeros)];
        let report = run_check(text, &answers);
        assert_eq!(report.mismatches.len(), 1);
        assert_eq!(report.mismatches[0].actual, "array([0, 1, 5])");
        assert_eq!(report.blessed_text, text.replace("[0, 1, 2]", "[0, 1, 5]"));
        assert!(render_report("d.md", &report).contains("cell 2 (line 4): a\n"));
    }

    #[test]
    fn may_vary_cells_are_never_rewritten() {
        let text = "In [1]: np.random.rand()  # may vary\nOut[1]: 0.1\n\n";
        let report = run_check(text, &[("np.random.rand()  # may vary", "Out[1]: 0.7")]);
        assert!(report.is_ok());
        assert_eq!(report.blessed_text, text);
    }

    #[test]
    fn empty_and_malformed_inputs() {
        let report = run_check("", &[]);
        assert_eq!(report.cells, 0);
        assert_eq!(render_report("e", &report), "ok: e (0 cells)\n");
        let report = run_check("In [1]: x", &[("x", "Out[1]: 1")]);
        assert_eq!(report.blessed_text, "In [1]: x\nOut[1]: 1");
        let mut run = fake(&[]);
        let err = check_transcript_with("# npr: --precision x\n", &mut run, &CompareOptions::default());
        assert!(err.is_err());
    }

    #[test]
    fn one_cell_plural() {
        let report = run_check("In [1]: x\n", &[]);
        assert_eq!(render_report("p", &report), "ok: p (1 cell)\n");
    }
}
