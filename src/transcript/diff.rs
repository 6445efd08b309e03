//! Unified diffs for mismatch reports.
//!
//! Line-based with three lines of context, like `diff -u`. Both sides are treated as text
//! whose last line is terminated, so a missing final newline never shows up as a change.

use similar::TextDiff;

/// A unified diff from `expected` to `actual`; empty when the texts are equal.
pub fn unified_diff(expected: &str, actual: &str, label_expected: &str, label_actual: &str) -> String {
    let expected = terminated(expected);
    let actual = terminated(actual);
    if expected == actual {
        return String::new();
    }
    TextDiff::from_lines(&expected, &actual)
        .unified_diff()
        .context_radius(3)
        .header(label_expected, label_actual)
        .to_string()
}

fn terminated(text: &str) -> String {
    if text.is_empty() || text.ends_with('\n') {
        text.to_owned()
    } else {
        format!("{text}\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn assert_diff(expected: &str, actual: &str, diff: &str) {
        assert_eq!(unified_diff(expected, actual, "recorded", "actual"), diff);
    }

    #[test]
    fn diff_table() {
        assert_diff("a\nb", "a\nb\n", "");
        assert_diff("", "", "");
        assert_diff("a\nb\nc", "a\nB\nc", "--- recorded\n+++ actual\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n");
        assert_diff("", "x", "--- recorded\n+++ actual\n@@ -0,0 +1 @@\n+x\n");
        assert_diff("x", "", "--- recorded\n+++ actual\n@@ -1 +0,0 @@\n-x\n");
    }

    #[test]
    fn distant_changes_make_separate_hunks() {
        let old: Vec<String> = (0..20).map(|i| i.to_string()).collect();
        let mut new = old.clone();
        new[1] = "one".into();
        new[18] = "eighteen".into();
        let diff = unified_diff(&old.join("\n"), &new.join("\n"), "a", "b");
        assert_eq!(diff.matches("\n@@ ").count(), 2, "{diff}");
        assert!(!diff.contains("No newline"), "{diff}");
    }
}
