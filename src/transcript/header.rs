//! The optional `# npr: <flags>` header line.
//!
//! A transcript records the render options it was produced with so that a replay renders the
//! same way. The raw flags are kept verbatim (the interpreter's own argument parser is the
//! authority on them); the few that the transcript machinery itself needs are also parsed into
//! typed fields here. Unknown flags are kept and ignored so that newer transcripts still load.

use super::TranscriptError;

/// The prefix that marks the header line.
pub const HEADER_PREFIX: &str = "# npr:";

/// Render options recorded in a transcript header.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HeaderOptions {
    /// The raw flags, split on whitespace, exactly as written.
    pub flags: Vec<String>,
    /// `--display repr|table|both`.
    pub display: Option<String>,
    /// `--no-hints`.
    pub no_hints: bool,
    /// `--float-tolerance RTOL`.
    pub float_tolerance: Option<f64>,
    /// `--precision N`.
    pub precision: Option<usize>,
}

impl HeaderOptions {
    /// Parses the flags of a header line (the text after `# npr:`). `line` is used for errors.
    pub fn parse_flags(text: &str, line: usize) -> Result<Self, TranscriptError> {
        let flags: Vec<String> = text.split_whitespace().map(str::to_owned).collect();
        let mut options = HeaderOptions { flags: flags.clone(), ..HeaderOptions::default() };
        let mut tokens = flags.iter().map(String::as_str);
        while let Some(token) = tokens.next() {
            let (name, inline) = match token.split_once('=') {
                Some((name, value)) => (name, Some(value)),
                None => (token, None),
            };
            let mut value =
                || inline.or_else(|| tokens.next()).ok_or_else(|| header_error(line, format!("{name} needs a value")));
            match name {
                "--display" => options.display = Some(parse_display(value()?, line)?),
                "--no-hints" => options.no_hints = true,
                "--float-tolerance" => options.float_tolerance = Some(parse_rtol(value()?, line)?),
                "--precision" => options.precision = Some(parse_precision(value()?, line)?),
                _ => {}
            }
        }
        Ok(options)
    }

    /// Parses a whole header line such as `# npr: --no-hints`; `None` when it is not one.
    pub fn parse_line(text: &str, line: usize) -> Option<Result<Self, TranscriptError>> {
        let rest = text.strip_prefix(HEADER_PREFIX)?;
        Some(Self::parse_flags(rest, line))
    }

    /// Renders the header line (with newline) for these flags.
    pub fn render(&self) -> String {
        if self.flags.is_empty() {
            format!("{HEADER_PREFIX}\n")
        } else {
            format!("{HEADER_PREFIX} {}\n", self.flags.join(" "))
        }
    }
}

fn header_error(line: usize, message: String) -> TranscriptError {
    TranscriptError::Parse { line, message }
}

fn parse_display(value: &str, line: usize) -> Result<String, TranscriptError> {
    match value {
        "repr" | "table" | "both" => Ok(value.to_owned()),
        _ => Err(header_error(line, format!("--display must be repr, table or both, not {value:?}"))),
    }
}

fn parse_rtol(value: &str, line: usize) -> Result<f64, TranscriptError> {
    match value.parse::<f64>() {
        Ok(rtol) if rtol.is_finite() && rtol >= 0.0 => Ok(rtol),
        _ => Err(header_error(line, format!("--float-tolerance needs a finite number >= 0, not {value:?}"))),
    }
}

fn parse_precision(value: &str, line: usize) -> Result<usize, TranscriptError> {
    value
        .parse::<usize>()
        .map_err(|_| header_error(line, format!("--precision needs a non-negative integer, not {value:?}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn parsed(text: &str) -> HeaderOptions {
        HeaderOptions::parse_flags(text, 1).expect("header should parse")
    }

    #[track_caller]
    fn rejected(text: &str, needle: &str) {
        let err = HeaderOptions::parse_flags(text, 1).expect_err("header should be rejected");
        assert!(err.to_string().contains(needle), "{err} lacks {needle:?}");
    }

    #[test]
    fn parses_known_flags() {
        let h = parsed(" --display table --no-hints --float-tolerance 1e-12 --precision 4");
        assert_eq!(h.display.as_deref(), Some("table"));
        assert!(h.no_hints);
        assert_eq!(h.float_tolerance, Some(1e-12));
        assert_eq!(h.precision, Some(4));
        assert_eq!(h.flags.len(), 7);
    }

    #[test]
    fn accepts_equals_form_and_unknown_flags() {
        let h = parsed("--display=both --future-flag --float-tolerance=0.5");
        assert_eq!(h.display.as_deref(), Some("both"));
        assert_eq!(h.float_tolerance, Some(0.5));
        assert_eq!(h.flags, ["--display=both", "--future-flag", "--float-tolerance=0.5"]);
    }

    #[test]
    fn empty_header_is_default() {
        assert_eq!(parsed(""), HeaderOptions::default());
    }

    #[test]
    fn rejects_bad_values() {
        rejected("--display html", "--display");
        rejected("--float-tolerance", "needs a value");
        rejected("--float-tolerance abc", "--float-tolerance");
        rejected("--float-tolerance -1", "--float-tolerance");
        rejected("--float-tolerance nan", "--float-tolerance");
        rejected("--precision -3", "--precision");
    }

    #[test]
    fn parse_line_requires_prefix() {
        assert!(HeaderOptions::parse_line("# a comment", 1).is_none());
        let h = HeaderOptions::parse_line("# npr: --no-hints", 1).unwrap().unwrap();
        assert!(h.no_hints);
    }

    #[test]
    fn render_round_trips() {
        let h = parsed("--display repr --no-hints");
        assert_eq!(h.render(), "# npr: --display repr --no-hints\n");
        assert_eq!(HeaderOptions::default().render(), "# npr:\n");
    }
}
