//! Splitting scripts into cells (temporary version; replaced by the full one).

pub struct CellSource {
    pub text: String,
    pub first_line: usize,
}

pub enum Completeness {
    Complete,
    Incomplete { indent: usize },
    Invalid,
}

fn depth(s: &str) -> i64 {
    let mut d = 0i64;
    for c in s.chars() {
        match c {
            '(' | '[' | '{' => d += 1,
            ')' | ']' | '}' => d -= 1,
            _ => {}
        }
    }
    d
}

pub fn split_cells(script: &str) -> Vec<CellSource> {
    let mut out = Vec::new();
    let mut cur: Option<CellSource> = None;
    let mut block = false;
    for (i, line) in script.lines().enumerate() {
        if let Some(c) = &mut cur {
            let open = depth(&c.text) > 0;
            let indented = line.starts_with(' ') || line.starts_with('\t');
            if open || (block && (indented && !line.trim().is_empty())) {
                c.text.push('\n');
                c.text.push_str(line);
                continue;
            }
            out.push(cur.take().unwrap_or_else(|| unreachable!()));
            block = false;
        }
        if line.trim().is_empty() {
            continue;
        }
        block = line.trim_end().ends_with(':');
        cur = Some(CellSource { text: line.trim_start().to_string(), first_line: i + 1 });
    }
    out.extend(cur);
    out
}

pub fn check_complete(text: &str) -> Completeness {
    if depth(text) > 0 {
        return Completeness::Incomplete { indent: 4 };
    }
    let first = text.lines().next().unwrap_or("");
    if first.trim_end().ends_with(':') && !text.ends_with('\n') && text.lines().last().is_some_and(|l| !l.trim().is_empty()) {
        return Completeness::Incomplete { indent: 4 };
    }
    Completeness::Complete
}
