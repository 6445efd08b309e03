//! Jupyter notebook (nbformat 4.5) export and code-cell import.
//!
//! Export writes one code cell per input, with its outputs, in the layout Jupyter itself
//! saves: keys sorted, one-space indentation, multi-line strings as lists of lines, and a
//! final newline, so an exported notebook that is opened and saved unchanged diffs cleanly.
//! nbformat 4.5 requires a unique `id` per cell; ids are derived from the cell position
//! (`cell-1`, `cell-2`, …) so that exports are deterministic.
//!
//! Import reads only the sources of code cells: a notebook's outputs come from whatever
//! kernel produced them, so npr replays the sources rather than trusting the outputs.

use serde_json::{json, Value};

use super::compare::{is_exception_line, is_warning_line, split_out_prompt};
use super::parse::{PromptStyle, Transcript};
use super::TranscriptError;

/// One output of a notebook code cell.
#[derive(Debug, Clone, PartialEq)]
pub enum NbOutput {
    /// The cell's value (`Out[N]:`), shown as `text/plain`.
    ExecuteResult { count: usize, text: String },
    /// Printed text; `name` is `stdout` or `stderr`.
    Stream { name: String, text: String },
    /// An exception.
    Error { ename: String, evalue: String, traceback: Vec<String> },
}

/// One notebook code cell.
#[derive(Debug, Clone, PartialEq)]
pub struct NbCell {
    /// The cell's source code.
    pub source: String,
    /// The `In [N]` number; `None` for a cell that was never run.
    pub execution_count: Option<usize>,
    /// The outputs, in display order.
    pub outputs: Vec<NbOutput>,
}

/// Serializes `cells` as a valid nbformat 4.5 notebook for a Python kernel.
pub fn to_ipynb(cells: &[NbCell]) -> String {
    let cells: Vec<Value> = cells.iter().enumerate().map(|(index, cell)| cell_json(index, cell)).collect();
    let notebook = json!({
        "cells": cells,
        "metadata": notebook_metadata(),
        "nbformat": 4,
        "nbformat_minor": 5
    });
    let mut out = pretty_json(&notebook);
    out.push('\n');
    out
}

/// Jupyter's layout (Python's `json.dumps(nb, sort_keys=True, indent=1, ensure_ascii=False)`):
/// one-space indentation, sorted keys, `[]` and `{}` for empty containers.
fn pretty_json(value: &Value) -> String {
    let mut out = String::new();
    write_json(&mut out, value, 0);
    out
}

fn write_json(out: &mut String, value: &Value, depth: usize) {
    match value {
        Value::Array(items) if !items.is_empty() => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                open_item(out, i, depth + 1);
                write_json(out, item, depth + 1);
            }
            close_container(out, ']', depth);
        }
        Value::Object(map) if !map.is_empty() => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            out.push('{');
            for (i, (key, item)) in entries.into_iter().enumerate() {
                open_item(out, i, depth + 1);
                out.push_str(&Value::String(key.clone()).to_string());
                out.push_str(": ");
                write_json(out, item, depth + 1);
            }
            close_container(out, '}', depth);
        }
        scalar_or_empty => out.push_str(&scalar_or_empty.to_string()),
    }
}

fn open_item(out: &mut String, index: usize, depth: usize) {
    if index > 0 {
        out.push(',');
    }
    out.push('\n');
    out.push_str(&" ".repeat(depth));
}

fn close_container(out: &mut String, close: char, depth: usize) {
    out.push('\n');
    out.push_str(&" ".repeat(depth));
    out.push(close);
}

fn notebook_metadata() -> Value {
    json!({
        "kernelspec": {
            "display_name": "Python 3 (ipykernel)",
            "language": "python",
            "name": "python3"
        },
        "language_info": {
            "codemirror_mode": { "name": "ipython", "version": 3 },
            "file_extension": ".py",
            "mimetype": "text/x-python",
            "name": "python",
            "nbconvert_exporter": "python",
            "pygments_lexer": "ipython3"
        }
    })
}

fn cell_json(index: usize, cell: &NbCell) -> Value {
    let outputs: Vec<Value> = cell.outputs.iter().map(output_json).collect();
    json!({
        "cell_type": "code",
        "execution_count": cell.execution_count,
        "id": format!("cell-{}", index + 1),
        "metadata": {},
        "outputs": outputs,
        "source": multiline(&cell.source)
    })
}

fn output_json(output: &NbOutput) -> Value {
    match output {
        NbOutput::ExecuteResult { count, text } => json!({
            "data": { "text/plain": multiline(text) },
            "execution_count": count,
            "metadata": {},
            "output_type": "execute_result"
        }),
        NbOutput::Stream { name, text } => json!({
            "name": name,
            "output_type": "stream",
            "text": multiline(text)
        }),
        NbOutput::Error { ename, evalue, traceback } => json!({
            "ename": ename,
            "evalue": evalue,
            "output_type": "error",
            "traceback": traceback
        }),
    }
}

/// Jupyter's multi-line string: a list of lines, each but the last ending in `\n`.
fn multiline(text: &str) -> Vec<&str> {
    text.split_inclusive('\n').collect()
}

/// The sources of a notebook's code cells, in order. A source may be stored as one string or
/// as a list of strings; trailing newlines are dropped.
pub fn code_cells_from_ipynb(json: &str) -> Result<Vec<String>, TranscriptError> {
    let notebook: Value = serde_json::from_str(json).map_err(|e| notebook_error(e.to_string()))?;
    if let Some(major) = notebook.get("nbformat").and_then(Value::as_u64) {
        if major < 4 {
            return Err(notebook_error(format!("nbformat {major} is not supported (need 4)")));
        }
    }
    let cells =
        notebook.get("cells").and_then(Value::as_array).ok_or_else(|| notebook_error("no \"cells\" list".into()))?;
    cells
        .iter()
        .enumerate()
        .filter(|(_, cell)| cell.get("cell_type").and_then(Value::as_str) == Some("code"))
        .map(|(index, cell)| cell_source(index, cell))
        .collect()
}

fn cell_source(index: usize, cell: &Value) -> Result<String, TranscriptError> {
    let bad = || notebook_error(format!("cell {} has no valid \"source\"", index + 1));
    let source = match cell.get("source").ok_or_else(bad)? {
        Value::String(text) => text.clone(),
        Value::Array(parts) => parts.iter().map(|part| part.as_str().ok_or_else(bad)).collect::<Result<String, _>>()?,
        _ => return Err(bad()),
    };
    Ok(source.trim_end_matches(['\n', '\r']).to_owned())
}

fn notebook_error(message: String) -> TranscriptError {
    TranscriptError::Notebook(message)
}

/// Converts a transcript into notebook cells, splitting each recorded output into Jupyter
/// outputs: `Out[N]:` and what follows is the execute result, `…Warning:` lines go to
/// stderr, an error (with npr's decoration, or a whole IPython traceback) becomes an error
/// output, and other lines are stdout. In doctest transcripts plain lines are the value.
pub fn nb_cells_from_transcript(transcript: &Transcript) -> Vec<NbCell> {
    transcript
        .cells
        .iter()
        .enumerate()
        .map(|(index, cell)| {
            let count = cell.number.unwrap_or(index + 1);
            NbCell {
                source: cell.source.clone(),
                execution_count: Some(count),
                outputs: split_outputs(&cell.output, count, cell.style),
            }
        })
        .collect()
}

/// Splits one cell's output text into notebook outputs.
pub fn split_outputs(output: &str, count: usize, style: PromptStyle) -> Vec<NbOutput> {
    let lines: Vec<&str> = if output.is_empty() { Vec::new() } else { output.split('\n').collect() };
    let error_start = error_section_start(&lines);
    let mut outputs = plain_outputs(&lines[..error_start], count, style);
    if error_start < lines.len() {
        outputs.push(error_output(&lines[error_start..]));
    }
    outputs
}

/// Where the trailing error section begins (`lines.len()` when there is none): the first
/// line that starts a traceback or is an exception, extended back over decoration.
fn error_section_start(lines: &[&str]) -> usize {
    let Some(mut start) = lines.iter().position(|l| starts_error(l)) else {
        return lines.len();
    };
    while start > 0 && is_error_decoration(lines[start - 1]) {
        start -= 1;
    }
    start
}

fn starts_error(line: &str) -> bool {
    let is_rule = line.len() >= 20 && line.bytes().all(|b| b == b'-');
    is_rule
        || line.starts_with("Traceback (most recent call last)")
        || line.trim_start().starts_with("Cell In[")
        || (is_exception_line(line) && !is_warning_line(line))
}

fn is_error_decoration(line: &str) -> bool {
    line.starts_with([' ', '\t']) || line.starts_with("note: ")
}

fn error_output(lines: &[&str]) -> NbOutput {
    let exception = lines
        .iter()
        .rev()
        .find(|l| is_exception_line(l) && !is_warning_line(l))
        .or(lines.last())
        .copied()
        .unwrap_or("");
    let (ename, evalue) = exception.split_once(": ").unwrap_or((exception, ""));
    NbOutput::Error {
        ename: ename.trim_end_matches(':').to_owned(),
        evalue: evalue.to_owned(),
        traceback: lines.iter().map(|l| l.to_string()).collect(),
    }
}

/// Outputs for the lines before any error, merging neighbouring lines of the same kind.
fn plain_outputs(lines: &[&str], count: usize, style: PromptStyle) -> Vec<NbOutput> {
    let mut outputs: Vec<NbOutput> = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if let Some((_, rest)) = split_out_prompt(line) {
            outputs.push(execute_result(rest, &lines[i + 1..], count));
            break;
        }
        let kind = match style {
            _ if is_warning_line(line) => LineKind::Stderr,
            PromptStyle::Doctest => LineKind::Value,
            PromptStyle::IPython => LineKind::Stdout,
        };
        push_line(&mut outputs, kind, line, count);
    }
    outputs
}

#[derive(Clone, Copy)]
enum LineKind {
    Stdout,
    Stderr,
    Value,
}

fn push_line(outputs: &mut Vec<NbOutput>, kind: LineKind, line: &str, count: usize) {
    match (kind, outputs.last_mut()) {
        (LineKind::Value, Some(NbOutput::ExecuteResult { text, .. })) => {
            text.push('\n');
            text.push_str(line);
        }
        (LineKind::Value, _) => outputs.push(NbOutput::ExecuteResult { count, text: line.to_owned() }),
        (LineKind::Stdout | LineKind::Stderr, last) => {
            let wanted = if matches!(kind, LineKind::Stdout) { "stdout" } else { "stderr" };
            match last {
                Some(NbOutput::Stream { name, text }) if name == wanted => {
                    text.push_str(line);
                    text.push('\n');
                }
                _ => outputs.push(NbOutput::Stream { name: wanted.to_owned(), text: format!("{line}\n") }),
            }
        }
    }
}

/// `Out[N]: value` or `Out[N]: ` followed by a multi-line value.
fn execute_result(rest: &str, following: &[&str], count: usize) -> NbOutput {
    let first = rest.strip_prefix(' ').unwrap_or(rest);
    let mut lines: Vec<&str> = Vec::new();
    if !first.trim().is_empty() {
        lines.push(first);
    }
    lines.extend_from_slice(following);
    NbOutput::ExecuteResult { count, text: lines.join("\n") }
}

#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::process::{Command, Stdio};

    use super::super::parse::parse_transcript;
    use super::*;

    fn sample_cells() -> Vec<NbCell> {
        vec![
            NbCell { source: "a = np.array([1, 2, 3])".into(), execution_count: Some(1), outputs: vec![] },
            NbCell { source: "def f(x):\n    return x\n".into(), execution_count: None, outputs: vec![] },
            NbCell {
                source: "np.log(0)".into(),
                execution_count: Some(3),
                outputs: vec![
                    NbOutput::Stream {
                        name: "stderr".into(),
                        text: "RuntimeWarning: divide by zero encountered in log\n".into(),
                    },
                    NbOutput::ExecuteResult { count: 3, text: "np.float64(-inf)".into() },
                ],
            },
            NbCell {
                source: "foo  # «ünïcode» \"quoted\" \t tab".into(),
                execution_count: Some(4),
                outputs: vec![NbOutput::Error {
                    ename: "NameError".into(),
                    evalue: "name 'foo' is not defined".into(),
                    traceback: vec!["NameError: name 'foo' is not defined".into()],
                }],
            },
            NbCell {
                source: String::new(),
                execution_count: Some(5),
                outputs: vec![NbOutput::ExecuteResult { count: 5, text: "array([[1., 0.],\n       [0., 1.]])".into() }],
            },
        ]
    }

    /// Validates `notebook` with nbformat (warnings, such as a missing cell id, count as
    /// errors) and checks that it is laid out exactly as `nbformat.writes` would write it.
    /// `None` when python3 or nbformat is not available.
    const VALIDATE_SCRIPT: &str = r#"
import sys, warnings
try:
    import nbformat
except ImportError:
    sys.exit(77)
warnings.simplefilter("error")
text = sys.stdin.read()
nb = nbformat.reads(text, as_version=4)
nbformat.validate(nb)
if nbformat.writes(nb) + "\n" != text:
    sys.exit("layout differs from nbformat.writes")
"#;

    fn nbformat_validate(notebook: &str) -> Option<Result<(), String>> {
        let script = VALIDATE_SCRIPT;
        let mut child = Command::new("python3")
            .args(["-c", script])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .ok()?;
        child.stdin.take()?.write_all(notebook.as_bytes()).ok()?;
        let output = child.wait_with_output().ok()?;
        match output.status.code() {
            Some(0) => Some(Ok(())),
            Some(77) => None,
            _ => Some(Err(String::from_utf8_lossy(&output.stderr).into_owned())),
        }
    }

    #[test]
    fn notebook_validates_with_nbformat() {
        let notebook = to_ipynb(&sample_cells());
        match nbformat_validate(&notebook) {
            Some(result) => result.expect("nbformat rejected the notebook"),
            None => println!("note: python3 with nbformat not available; validation skipped"),
        }
    }

    #[test]
    fn validator_rejects_broken_notebooks() {
        let notebook = to_ipynb(&sample_cells());
        let without_ids = notebook.replace("   \"id\": \"cell-2\",\n", "");
        let bad_output = notebook.replace("\"stream\"", "\"bogus\"");
        let relaid = notebook.replace(" \"nbformat\": 4,", "  \"nbformat\": 4,");
        for broken in [without_ids, bad_output, relaid] {
            assert_ne!(broken, notebook);
            if let Some(result) = nbformat_validate(&broken) {
                assert!(result.is_err(), "accepted:\n{broken}");
            }
        }
    }

    #[test]
    fn notebook_layout_matches_jupyter() {
        let notebook = to_ipynb(&sample_cells()[..1]);
        let expected = r#"{
 "cells": [
  {
   "cell_type": "code",
   "execution_count": 1,
   "id": "cell-1",
   "metadata": {},
   "outputs": [],
   "source": [
    "a = np.array([1, 2, 3])"
   ]
  }
 ],
 "metadata": {
  "kernelspec": {
   "display_name": "Python 3 (ipykernel)",
   "language": "python",
   "name": "python3"
  },
  "language_info": {
   "codemirror_mode": {
    "name": "ipython",
    "version": 3
   },
   "file_extension": ".py",
   "mimetype": "text/x-python",
   "name": "python",
   "nbconvert_exporter": "python",
   "pygments_lexer": "ipython3"
  }
 },
 "nbformat": 4,
 "nbformat_minor": 5
}
"#;
        assert_eq!(notebook, expected);
    }

    #[test]
    fn notebook_fields() {
        let value: Value = serde_json::from_str(&to_ipynb(&sample_cells())).unwrap();
        let cells = value["cells"].as_array().unwrap();
        assert_eq!(cells.len(), 5);
        assert_eq!(cells[1]["execution_count"], Value::Null);
        assert_eq!(cells[1]["source"], json!(["def f(x):\n", "    return x\n"]));
        assert_eq!(cells[4]["source"], json!([]));
        let outputs = &cells[2]["outputs"];
        assert_eq!(outputs[0]["output_type"], "stream");
        assert_eq!(outputs[1]["data"]["text/plain"], json!(["np.float64(-inf)"]));
        assert_eq!(outputs[1]["execution_count"], 3);
        assert_eq!(cells[3]["outputs"][0]["ename"], "NameError");
        let ids: Vec<&str> = cells.iter().map(|c| c["id"].as_str().unwrap()).collect();
        assert_eq!(ids, ["cell-1", "cell-2", "cell-3", "cell-4", "cell-5"]);
    }

    #[test]
    fn import_round_trip() {
        let cells = sample_cells();
        let sources = code_cells_from_ipynb(&to_ipynb(&cells)).unwrap();
        let expected: Vec<String> = cells.iter().map(|c| c.source.trim_end_matches('\n').to_owned()).collect();
        assert_eq!(sources, expected);
    }

    #[test]
    fn import_accepts_string_sources_and_skips_markdown() {
        let json = r##"{"cells": [
            {"cell_type": "markdown", "source": "# Title", "metadata": {}},
            {"cell_type": "code", "source": "x = 1\ny = 2\n", "metadata": {}, "outputs": []},
            {"cell_type": "raw", "source": ["raw"], "metadata": {}},
            {"cell_type": "code", "source": ["a\n", "b"], "metadata": {}, "outputs": []}
        ], "nbformat": 4, "nbformat_minor": 2, "metadata": {}}"##;
        assert_eq!(code_cells_from_ipynb(json).unwrap(), ["x = 1\ny = 2", "a\nb"]);
    }

    #[track_caller]
    fn import_fails(json: &str, needle: &str) {
        let err = code_cells_from_ipynb(json).unwrap_err();
        assert!(matches!(err, TranscriptError::Notebook(_)), "{err}");
        assert!(err.to_string().contains(needle), "{err} lacks {needle:?}");
    }

    #[test]
    fn import_errors() {
        import_fails("", "invalid notebook");
        import_fails("{\"cells\": [", "invalid notebook");
        import_fails("[]", "cells");
        import_fails("{\"cells\": {}}", "cells");
        import_fails("{\"nbformat\": 3, \"worksheets\": []}", "nbformat 3");
        import_fails(r#"{"cells": [{"cell_type": "code"}]}"#, "cell 1");
        import_fails(r#"{"cells": [{"cell_type": "code", "source": 7}]}"#, "source");
        import_fails(r#"{"cells": [{"cell_type": "code", "source": ["a", 1]}]}"#, "source");
    }

    #[track_caller]
    fn assert_split(output: &str, style: PromptStyle, expected: &[NbOutput]) {
        assert_eq!(split_outputs(output, 7, style), expected, "{output:?}");
    }

    fn result(text: &str) -> NbOutput {
        NbOutput::ExecuteResult { count: 7, text: text.into() }
    }

    fn stream(name: &str, text: &str) -> NbOutput {
        NbOutput::Stream { name: name.into(), text: text.into() }
    }

    fn error(ename: &str, evalue: &str, traceback: &[&str]) -> NbOutput {
        NbOutput::Error {
            ename: ename.into(),
            evalue: evalue.into(),
            traceback: traceback.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn split_outputs_table() {
        use PromptStyle::{Doctest, IPython};
        assert_split("", IPython, &[]);
        assert_split("Out[2]: array([1, 2, 3])", IPython, &[result("array([1, 2, 3])")]);
        assert_split(
            "Out[5]: \narray([[1., 0.],\n       [0., 1.]])",
            IPython,
            &[result("array([[1., 0.],\n       [0., 1.]])")],
        );
        assert_split(
            "RuntimeWarning: divide by zero\nOut[3]: np.float64(-inf)",
            IPython,
            &[stream("stderr", "RuntimeWarning: divide by zero\n"), result("np.float64(-inf)")],
        );
        assert_split("0\n1", IPython, &[stream("stdout", "0\n1\n")]);
        assert_split(
            "printed\n  foo\n  ^^^\nNameError: name 'foo' is not defined\nhint: x",
            IPython,
            &[
                stream("stdout", "printed\n"),
                error(
                    "NameError",
                    "name 'foo' is not defined",
                    &["  foo", "  ^^^", "NameError: name 'foo' is not defined", "hint: x"],
                ),
            ],
        );
        assert_split("KeyboardInterrupt", IPython, &[error("KeyboardInterrupt", "", &["KeyboardInterrupt"])]);
        assert_split("array([0, 1])", Doctest, &[result("array([0, 1])")]);
        assert_split(
            "Traceback (most recent call last):\n  ...\nValueError: bad",
            Doctest,
            &[error("ValueError", "bad", &["Traceback (most recent call last):", "  ...", "ValueError: bad"])],
        );
    }

    #[test]
    fn transcript_to_notebook() {
        let text = "\
In [1]: a = 1

In [2]: a
Out[2]: 1

In [8]: foo
---------------------------------------------------------------------------
NameError                                 Traceback (most recent call last)
Cell In[8], line 1
----> 1 foo

NameError: name 'foo' is not defined
";
        let transcript = parse_transcript(text).unwrap();
        let cells = nb_cells_from_transcript(&transcript);
        assert_eq!(cells.len(), 3);
        assert_eq!(cells[1].outputs, [NbOutput::ExecuteResult { count: 2, text: "1".into() }]);
        assert_eq!(cells[2].execution_count, Some(8));
        match &cells[2].outputs[..] {
            [NbOutput::Error { ename, evalue, traceback }] => {
                assert_eq!((ename.as_str(), evalue.as_str()), ("NameError", "name 'foo' is not defined"));
                assert_eq!(traceback.len(), 6);
            }
            other => panic!("unexpected outputs {other:?}"),
        }
        let notebook = to_ipynb(&cells);
        if let Some(result) = nbformat_validate(&notebook) {
            result.expect("nbformat rejected the notebook");
        }
        let sources = code_cells_from_ipynb(&notebook).unwrap();
        assert_eq!(sources, ["a = 1", "a", "foo"]);
    }
}
