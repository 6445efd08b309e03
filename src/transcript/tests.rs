//! Cross-module tests: check → bless → re-check on disk, and generated malformed inputs.

use std::fs;

use super::fsio::bless_write_with_ci;
use super::*;

/// A deterministic xorshift generator, so generated cases are reproducible.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const FRAGMENTS: &[&str] = &[
    "In [",
    "1",
    "88",
    "]:",
    " ",
    "]: ",
    "...:",
    "   ...: ",
    ">>> ",
    ">>>",
    "... ",
    "...",
    "\n",
    "\n",
    "\n",
    "\r\n",
    "Out[",
    "Out[3]: ",
    "---------------------------------------------------------------------------\n",
    "Traceback (most recent call last)",
    "NameError",
    ": ",
    "  Cell In[2], line 1",
    "[..]",
    "é",
    "shape (",
    ")",
    "# may vary",
    "# shape-only",
    "0.5",
    "-inf",
    "nan",
    "1e-05",
    "^^^",
    "hint: ",
    "<BLANKLINE>",
    "# npr: ",
    "--float-tolerance",
    "\t",
    "x",
    "array([",
    "])",
];

fn random_text(rng: &mut Rng, max_fragments: usize) -> String {
    let count = rng.below(max_fragments + 1);
    (0..count).map(|_| rng.pick(FRAGMENTS)).collect()
}

/// A fake interpreter whose outputs are generated text.
fn random_interpreter(seed: u64) -> impl FnMut(&str) -> String {
    let mut rng = Rng(seed);
    move |_source: &str| random_text(&mut rng, 8)
}

#[test]
fn generated_inputs_never_panic() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for case in 0..3000 {
        let text = random_text(&mut rng, 40);
        let Ok(transcript) = parse_transcript(&text) else {
            continue;
        };
        let _ = transcript.render_canonical();
        let mut run = random_interpreter(case + 1);
        let report = check_transcript(&transcript, &mut run, &CompareOptions::default());
        let _ = render_report("fuzz", &report);
        let _ = to_ipynb(&nb_cells_from_transcript(&transcript));
        let other = random_text(&mut rng, 12);
        for rtol in [None, Some(1e-9)] {
            let opts = CompareOptions { float_tolerance: rtol };
            let _ = outputs_match(&text, &other, &opts, &other);
            let _ = outputs_match(&other, &text, &opts, "x  # shape-only");
        }
        let _ = unified_diff(&text, &other, "a", "b");
        let _ = code_cells_from_ipynb(&text);
    }
}

#[test]
fn canonical_rendering_preserves_cells() {
    let mut rng = Rng(42);
    for _ in 0..3000 {
        let text = random_text(&mut rng, 40);
        let Ok(original) = parse_transcript(&text) else {
            continue;
        };
        if original.style != Some(PromptStyle::IPython) {
            continue;
        }
        let rendered = original.render_canonical();
        let reparsed = parse_transcript(&rendered).expect("canonical text parses");
        let cells = |t: &Transcript| -> Vec<(String, String)> {
            t.cells.iter().map(|c| (c.source.clone(), c.output.clone())).collect()
        };
        assert_eq!(cells(&reparsed), cells(&original), "text {text:?}");
        assert_eq!(reparsed.render_canonical(), rendered, "not a fixed point: {text:?}");
    }
}

#[test]
fn replaying_own_outputs_always_matches() {
    let mut rng = Rng(7);
    for _ in 0..3000 {
        let text = random_text(&mut rng, 40);
        let Ok(transcript) = parse_transcript(&text) else {
            continue;
        };
        if transcript.style != Some(PromptStyle::IPython) {
            continue;
        }
        let mut outputs = transcript.cells.iter().map(|c| c.output.clone());
        let mut run = |_: &str| outputs.next().unwrap_or_default();
        let report = check_transcript(&transcript, &mut run, &CompareOptions::default());
        assert!(report.is_ok(), "text {text:?}: {:?}", report.mismatches);
        assert_eq!(report.blessed_text, text);
    }
}

#[test]
fn blessed_transcripts_then_match() {
    let mut rng = Rng(99);
    for case in 0..3000 {
        let text = random_text(&mut rng, 40);
        let Ok(transcript) = parse_transcript(&text) else {
            continue;
        };
        let mut outputs = Vec::new();
        let mut generate = random_interpreter(case);
        let mut record = |source: &str| {
            // Outputs that would read back as prompts or doctest markup cannot round-trip.
            let output = generate(source)
                .replace("In [", "In[")
                .replace(">>>", ">> >")
                .replace("<BLANKLINE>", "<BLANK>")
                .replace("...", "…");
            outputs.push(output.clone());
            output
        };
        let report = check_transcript(&transcript, &mut record, &CompareOptions::default());
        let Ok(blessed) = parse_transcript(&report.blessed_text) else {
            panic!("blessed text does not parse: {:?}", report.blessed_text);
        };
        let mut replay = outputs.into_iter();
        let mut run = |_: &str| replay.next().unwrap_or_default();
        let again = check_transcript(&blessed, &mut run, &CompareOptions::default());
        assert!(
            again.is_ok(),
            "text {text:?}\nblessed {:?}\noutputs {:?}\n{}",
            report.blessed_text,
            report.mismatches.iter().map(|m| &m.actual).collect::<Vec<_>>(),
            render_report("case", &again)
        );
    }
}

#[test]
fn check_bless_recheck_on_disk() {
    let dir = std::env::temp_dir().join(format!("npr-transcript-e2e-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    let path = dir.join("session.npr");
    let original = "\
# npr: --display repr
# hand-written comment   
In [1]: a = np.arange(3)

In [2]: a * 2
Out[2]: array([0, 2, 4])

In [3]: a.sum()   
Out[3]: np.int64(3)  


In [4]: a.mean()
Out[4]: np.float64(1.0)
";
    fs::write(&path, original).unwrap();
    let mut interpreter = |source: &str| match source.trim_end() {
        "a * 2" => "Out[2]: array([0, 2, 4])".to_owned(),
        "a.sum()" => "Out[3]: np.int64(3)".to_owned(),
        "a.mean()" => "Out[4]: np.float64(1.5)".to_owned(),
        _ => String::new(),
    };
    let text = fs::read_to_string(&path).unwrap();
    let report = check_transcript_with(&text, &mut interpreter, &CompareOptions::default()).unwrap();
    assert_eq!(report.mismatches.len(), 1);
    bless_write_with_ci(&path, &report.blessed_text, None).unwrap();
    let blessed = fs::read_to_string(&path).unwrap();
    assert_eq!(blessed, original.replace("np.float64(1.0)", "np.float64(1.5)"));
    let again = check_transcript_with(&blessed, &mut interpreter, &CompareOptions::default()).unwrap();
    assert!(again.is_ok());
    assert_eq!(render_report("session.npr", &again), "ok: session.npr (4 cells)\n");
    let names: Vec<_> = fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names, ["session.npr"]);
    fs::remove_dir_all(dir).unwrap();
}
