//! Tab completion: `np.` members (and `np.random.`, `np.linalg.`), names in
//! the session, array methods and attributes after `x.`, keyword
//! arguments inside a call, magics after `%`, and file paths inside string
//! literals and after `%run`/`%load`/`%save`.

use std::path::Path;

use npr::builtins::{self, attrs, Owner};
use npr::interp::Session;
use npr::value::Value;
use rustyline::completion::Pair;

use super::hint;

/// Keywords worth completing: Python's, less the statements npr rejects.
fn keywords() -> impl Iterator<Item = &'static str> {
    let unsupported = ["async", "await", "class", "yield"];
    npr::syntax::parser::KEYWORDS.iter().copied().filter(move |k| !unsupported.contains(k))
}

fn pair(display: impl Into<String>, replacement: impl Into<String>) -> Pair {
    Pair { display: display.into(), replacement: replacement.into() }
}

/// Candidates for the text before the cursor: where the replaced word
/// starts, and the candidates.
pub fn complete(session: &Session, line: &str, pos: usize) -> (usize, Vec<Pair>) {
    let pos = pos.min(line.len());
    let before = &line[..pos];
    if before.trim().is_empty() {
        // Tab at the start of a line indents, as in IPython.
        return (pos, vec![pair("    ", "    ")]);
    }
    if let Some(start) = string_start(before) {
        return (start, complete_path(&before[start..]));
    }
    let trimmed = before.trim_start();
    if let Some(rest) = trimmed.strip_prefix('%') {
        let lead = before.len() - trimmed.len();
        match rest.split_once(char::is_whitespace) {
            None => {
                let c = npr::magic::MAGICS.iter().filter(|m| m.starts_with(rest)).map(|m| pair(*m, *m)).collect();
                return (lead + 1, c);
            }
            Some((magic, args)) => {
                let arg_start = before.len() - args.len();
                let word_start =
                    before[arg_start..].rfind(char::is_whitespace).map_or(arg_start, |k| arg_start + k + 1);
                let word = &before[word_start..];
                match magic {
                    "run" | "load" | "save" => return (word_start, complete_path(word)),
                    "display" => return (word_start, words_matching(&["repr", "table", "both"], word)),
                    "reset" => return (word_start, words_matching(&["-f"], word)),
                    "history" => return (word_start, words_matching(&["-n", "-o", "-p", "-l", "-g", "-f"], word)),
                    _ => {}
                }
            }
        }
    }
    let word_start = identifier_start(before);
    let word = &before[word_start..];
    if word_start > 0 && before.as_bytes()[word_start - 1] == b'.' {
        let recv_text = &before[..word_start - 1];
        let recv_start = hint::expression_start(recv_text);
        let recv = recv_text[recv_start..].trim();
        if recv.is_empty() || recv.chars().next().is_some_and(|c| c.is_ascii_digit()) {
            return (word_start, Vec::new());
        }
        return (word_start, attribute_candidates(session, recv, word));
    }
    let mut out = Vec::new();
    if let Some(open) = hint::innermost_open_paren(before) {
        let between = before[open + 1..word_start].trim_end();
        let at_argument = between.is_empty() || between.ends_with(',');
        if at_argument {
            out.extend(keyword_candidates(session, before, open, word));
        }
    }
    if word.is_empty() {
        return (word_start, out);
    }
    out.extend(name_candidates(session, word));
    (word_start, out)
}

fn words_matching(words: &[&str], prefix: &str) -> Vec<Pair> {
    words.iter().filter(|w| w.starts_with(prefix)).map(|w| pair(*w, *w)).collect()
}

/// Start of the identifier that ends `text`.
fn identifier_start(text: &str) -> usize {
    let mut start = text.len();
    for (i, c) in text.char_indices().rev() {
        if c.is_alphanumeric() || c == '_' {
            start = i;
        } else {
            break;
        }
    }
    start
}

/// If `text` ends inside a string literal, where its contents start.
fn string_start(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = 0;
    let mut open: Option<(u8, bool, usize)> = None;
    while i < bytes.len() {
        let c = bytes[i];
        match open {
            Some((q, triple, _)) => {
                if c == b'\\' {
                    i += 2;
                    continue;
                }
                if c == q {
                    if !triple {
                        open = None;
                    } else if bytes[i..].starts_with(&[q, q, q]) {
                        open = None;
                        i += 3;
                        continue;
                    }
                }
            }
            None => {
                if c == b'#' {
                    return None;
                }
                if c == b'\'' || c == b'"' {
                    let triple = bytes[i..].starts_with(&[c, c, c]);
                    let skip = if triple { 3 } else { 1 };
                    open = Some((c, triple, i + skip));
                    i += skip;
                    continue;
                }
            }
        }
        i += 1;
    }
    open.map(|(_, _, start)| start)
}

/// File names completing `typed` (a path prefix); directories end in `/`.
fn complete_path(typed: &str) -> Vec<Pair> {
    let (dir_part, name_part) = match typed.rfind('/') {
        Some(k) => (&typed[..=k], &typed[k + 1..]),
        None => ("", typed),
    };
    let dir = if dir_part.is_empty() {
        std::path::PathBuf::from(".")
    } else if let (Some(rest), Some(home)) = (dir_part.strip_prefix("~/"), std::env::var_os("HOME")) {
        Path::new(&home).join(rest)
    } else {
        std::path::PathBuf::from(dir_part)
    };
    let Ok(entries) = std::fs::read_dir(&dir) else { return Vec::new() };
    let mut out: Vec<Pair> = entries
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().to_string();
            if !name.starts_with(name_part) || (name.starts_with('.') && !name_part.starts_with('.')) {
                return None;
            }
            let is_dir = e.file_type().is_ok_and(|t| t.is_dir()) || e.path().is_dir();
            let shown = if is_dir { format!("{name}/") } else { name };
            Some(pair(shown.clone(), format!("{dir_part}{shown}")))
        })
        .collect();
    out.sort_by(|a, b| a.display.cmp(&b.display));
    out
}

/// Resolve the receiver of `recv.` : dotted names directly, anything else
/// through the pure evaluator.
fn resolve(session: &Session, recv: &str) -> Option<Value> {
    let dotted = recv.split('.').all(|p| !p.is_empty() && p.chars().all(|c| c.is_alphanumeric() || c == '_'));
    if dotted {
        let mut parts = recv.split('.');
        let first = parts.next()?;
        let mut v = session.globals.get(first).cloned().or_else(|| builtins::python_builtin(first))?;
        for p in parts {
            v = attrs::get_attr(&v, p).ok()?;
        }
        return Some(v);
    }
    hint::evaluate_source(session, recv)
}

/// Attribute names of a value.
fn attribute_names(v: &Value) -> Vec<String> {
    let mut names: Vec<String> = match v {
        Value::Module(m) => attrs::module_members(*m).into_iter().map(String::from).collect(),
        Value::Array(_) | Value::Scalar(_) => npr::builtins::numpy::METHODS
            .iter()
            .map(|b| b.name.to_string())
            .chain(attrs::ARRAY_ATTRS.iter().map(|s| s.to_string()))
            .collect(),
        Value::List(_) | Value::Dict(_) | Value::Str(_) | Value::Tuple(_) | Value::Set(_) => {
            attrs::container_methods(v).iter().map(|s| s.to_string()).collect()
        }
        Value::DType(_) => ["name", "itemsize", "kind", "type"].iter().map(|s| s.to_string()).collect(),
        _ => Vec::new(),
    };
    names.sort();
    names.dedup();
    names
}

fn attribute_candidates(session: &Session, recv: &str, word: &str) -> Vec<Pair> {
    let Some(v) = resolve(session, recv) else { return Vec::new() };
    attribute_names(&v)
        .into_iter()
        .filter(|n| n.starts_with(word) && (!n.starts_with('_') || word.starts_with('_')))
        .map(|n| pair(n.clone(), n))
        .collect()
}

/// Parameter names in a signature string: `np.sum(a, axis=None, *, keepdims=False)`.
pub fn signature_params(signature: &str) -> Vec<String> {
    let Some(open) = signature.find('(') else { return Vec::new() };
    let inner = signature[open + 1..].trim_end().trim_end_matches(')');
    let mut params = Vec::new();
    let mut depth = 0i32;
    let mut current = String::new();
    for c in inner.chars().chain(std::iter::once(',')) {
        match c {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => depth -= 1,
            ',' if depth == 0 => {
                let p = current.trim().trim_start_matches('\\').trim();
                let name = p.split('=').next().unwrap_or("").trim();
                if !name.is_empty()
                    && !name.starts_with('*')
                    && name != "..."
                    && name.chars().all(|c| c.is_alphanumeric() || c == '_')
                {
                    params.push(name.to_string());
                }
                current.clear();
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    params
}

/// `name=` candidates for the call whose `(` is at `open`.
fn keyword_candidates(session: &Session, before: &str, open: usize, word: &str) -> Vec<Pair> {
    let Some(callee) = hint::callee_before(&before[..open]) else { return Vec::new() };
    let Some(f) = resolve(session, callee) else { return Vec::new() };
    let params: Vec<String> = match &f {
        Value::Builtin(b) | Value::Method(_, b) => {
            let mut p = signature_params(b.signature);
            if matches!(f, Value::Method(..)) || b.owner == Owner::ArrayMethod {
                p.retain(|n| n != "self");
            }
            p
        }
        Value::Function(func) => {
            func.params.positional.iter().chain(func.params.keyword_only.iter()).map(|(n, _)| n.clone()).collect()
        }
        _ => return Vec::new(),
    };
    let used: Vec<&str> = before[open + 1..]
        .split(',')
        .filter_map(|part| {
            let (name, rest) = part.split_once('=')?;
            (!rest.starts_with('=')).then(|| name.trim())
        })
        .collect();
    params
        .into_iter()
        .filter(|p| p.starts_with(word) && !used.contains(&p.as_str()))
        .map(|p| pair(format!("{p}="), format!("{p}=")))
        .collect()
}

/// Session names, Python builtins and keywords starting with `word`.
fn name_candidates(session: &Session, word: &str) -> Vec<Pair> {
    let hidden = |n: &str| n.starts_with('_') && !word.starts_with('_');
    let mut names: Vec<String> =
        session.globals.keys().filter(|n| n.starts_with(word) && !hidden(n)).cloned().collect();
    names.extend(
        builtins::python_builtin_names().into_iter().filter(|n| n.starts_with(word) && !hidden(n)).map(String::from),
    );
    names.extend(keywords().filter(|k| k.starts_with(word)).map(|k| k.to_string()));
    names.sort();
    names.dedup();
    names.into_iter().map(|n| pair(n.clone(), n)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(session: &Session, line: &str) -> Vec<String> {
        complete(session, line, line.len()).1.into_iter().map(|p| p.replacement).collect()
    }

    fn session_with(src: &str) -> Session {
        let mut s = Session::new();
        for cell in npr::syntax::cells::split_cells(src) {
            let out = s.run_cell(&cell.text);
            assert!(out.error.is_none(), "{}: {:?}", cell.text, out.error);
        }
        s
    }

    #[test]
    fn numpy_members() {
        let s = Session::new();
        let (start, c) = complete(&s, "x = np.li", 9);
        assert_eq!(start, 7);
        let c: Vec<String> = c.into_iter().map(|p| p.replacement).collect();
        assert!(c.contains(&"linspace".to_string()) && c.contains(&"linalg".to_string()), "{c:?}");
        assert!(names(&s, "np.random.ra").contains(&"randn".to_string()));
        assert_eq!(names(&s, "np.linalg.n"), vec!["norm"]);
    }

    #[test]
    fn array_methods_and_session_names() {
        let s = session_with("weights = np.ones((2, 3))\nwidth = 3");
        assert_eq!(names(&s, "weights.resh"), vec!["reshape"]);
        assert!(names(&s, "weights.T.sh").contains(&"shape".to_string()));
        assert!(names(&s, "(weights + 1).su").contains(&"sum".to_string()));
        assert_eq!(names(&s, "wei"), vec!["weights"]);
        assert_eq!(names(&s, "wi"), vec!["width", "with"]);
        assert!(names(&s, "pri").contains(&"print".to_string()));
        assert!(names(&s, "lam").contains(&"lambda".to_string()));
        assert!(!names(&s, "").iter().any(|n| n.starts_with("_")));
    }

    #[test]
    fn keyword_arguments() {
        let s = session_with("a = np.ones((2, 3))\ndef f(x, scale=1):\n    return x");
        assert_eq!(names(&s, "np.sum(a, ax"), vec!["axis="]);
        assert!(names(&s, "np.sum(a, axis=0, ").contains(&"keepdims=".to_string()));
        assert!(!names(&s, "np.sum(a, axis=0, ").contains(&"axis=".to_string()));
        assert_eq!(names(&s, "a.mean(k"), vec!["keepdims="]);
        assert!(names(&s, "f(a, sc").contains(&"scale=".to_string()));
        assert_eq!(
            signature_params("np.std(a, axis=None, ddof=0, *, keepdims=False)"),
            ["a", "axis", "ddof", "keepdims"]
        );
    }

    #[test]
    fn magics_and_paths() {
        let s = Session::new();
        assert_eq!(names(&s, "%ti"), vec!["time", "timeit"]);
        assert_eq!(names(&s, "%display r"), vec!["repr"]);
        let dir = std::env::temp_dir().join(format!("npr-complete-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("sub")).unwrap();
        std::fs::write(dir.join("data.csv"), "1").unwrap();
        let base = dir.display().to_string();
        assert_eq!(names(&s, &format!("np.loadtxt('{base}/da")), vec![format!("{base}/data.csv")]);
        assert_eq!(names(&s, &format!("%run {base}/s")), vec![format!("{base}/sub/")]);
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(complete(&s, "    ", 4).1[0].replacement, "    ");
    }
}
