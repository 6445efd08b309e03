//! `import matplotlib.pyplot as plt`: figures printed in braille by
//! `plt.show()` (a fixed 72×20 when not in a terminal) and saved as SVG and
//! PNG by `plt.savefig`.

use std::path::PathBuf;

use npr::interp::Event;
use npr::plot::figure::Kind;
use npr::value::Value;
use npr::Session;

fn session() -> Session {
    npr::plot::close_all();
    let mut s = Session::new();
    run(&mut s, "import matplotlib.pyplot as plt");
    s
}

/// Run a cell; its printed output. Panics on an error.
fn run(s: &mut Session, code: &str) -> String {
    let o = s.run_cell(code);
    if let Some(e) = &o.error {
        panic!("{code}\n  raised {}", e.line());
    }
    assert!(o.value.is_none() || code.starts_with("plt.xlim"), "{code} showed a value");
    o.events
        .iter()
        .filter_map(|e| match e {
            Event::Stdout(t) => Some(t.clone()),
            Event::Warning(_) => None,
        })
        .collect()
}

fn error(s: &mut Session, code: &str) -> String {
    s.run_cell(code).error.map(|e| e.line()).unwrap_or_else(|| panic!("{code}: expected an error"))
}

fn temp(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("npr-plot-{}-{name}", std::process::id()))
}

fn py(p: &std::path::Path) -> String {
    format!("{:?}", p.to_string_lossy())
}

fn braille(line: &str) -> usize {
    line.chars().filter(|c| ('\u{2801}'..='\u{28ff}').contains(c)).count()
}

#[test]
fn show_prints_a_fixed_size_braille_figure() {
    let mut s = session();
    run(&mut s, "x = np.linspace(0, 1, 11)");
    run(&mut s, "plt.plot(x, x ** 2, marker='.', label='square')");
    run(&mut s, "plt.title('Squares')");
    run(&mut s, "plt.xlabel('x')");
    run(&mut s, "plt.ylabel('x squared')");
    run(&mut s, "plt.legend()");
    let out = run(&mut s, "plt.show()");
    let lines: Vec<&str> = out.trim_end_matches('\n').lines().collect();
    assert_eq!(lines.len(), 20, "{out}");
    assert!(lines.iter().all(|l| l.chars().count() <= 72), "{out}");
    assert_eq!(lines[0].trim(), "Squares");
    assert_eq!(lines[1], "x squared");
    assert!(lines[2].contains('┌') && lines[2].ends_with('┐'));
    assert_eq!(lines[19].trim(), "x");
    assert!(lines[18].contains("0.0") && lines[18].contains("1.0"), "{out}");
    assert!(lines.iter().any(|l| l.starts_with("1.0┤")), "{out}");
    assert!(lines.iter().map(|l| braille(l)).sum::<usize>() > 20, "{out}");
    assert!(out.contains("─•─ square"), "{out}");
    // 11 points, each marked with '•' (some may share a cell).
    assert!(out.matches('•').count() >= 8, "{out}");
    // show() closes the figure: a second show prints nothing.
    assert_eq!(run(&mut s, "plt.show()"), "");
}

#[test]
fn series_get_distinct_markers_without_colour() {
    let mut s = session();
    run(&mut s, "t = np.arange(10)");
    run(&mut s, "plt.plot(t, t, label='a')");
    run(&mut s, "plt.plot(t, 9 - t, label='b')");
    run(&mut s, "plt.scatter([2, 7], [5, 5], label='c')");
    run(&mut s, "plt.legend(loc='lower right')");
    let out = run(&mut s, "plt.show()");
    assert!(out.contains("─•─ a"), "{out}");
    assert!(out.contains("─×─ b"), "{out}");
    assert!(out.contains(" ●  c"), "{out}");
    assert!(out.contains('×') && out.contains('●'));
    assert!(!out.contains('\x1b'), "no colour codes when not a terminal");
}

#[test]
fn hist_counts_like_numpy() {
    let mut s = session();
    run(&mut s, "data = np.array([1, 2, 2, 3, 3, 3, 4, 4, 4, 4])");
    run(&mut s, "plt.hist(data, bins=4)");
    let fig = npr::plot::current_figure().expect("a figure");
    let bars = &fig.series[0];
    let Kind::Bars { edges } = &bars.kind else { panic!("not bars") };
    assert_eq!(bars.y, vec![1.0, 2.0, 3.0, 4.0]);
    assert_eq!(edges, &vec![1.0, 1.75, 2.5, 3.25, 4.0]);
    let out = run(&mut s, "plt.show()");
    // y runs from exactly 0 (bars stand on the axis) with a 0 tick on the last plot row.
    let last_plot_row = out.lines().rev().nth(2).unwrap();
    assert!(last_plot_row.trim_start().starts_with("0┤"), "{out}");
    assert!(out.contains('⣿'), "{out}");
}

#[test]
fn imshow_draws_shades() {
    let mut s = session();
    run(&mut s, "plt.imshow(np.eye(3))");
    let out = run(&mut s, "plt.show()");
    assert!(out.contains('█'), "{out}");
    assert!(out.lines().count() <= 20);
}

#[test]
fn savefig_writes_svg_and_png() {
    let mut s = session();
    let (svg, png) = (temp("fig.svg"), temp("fig.png"));
    run(&mut s, "plt.figure(figsize=(4, 3))");
    run(&mut s, "plt.plot([0, 1, 2], [0, 1, 4], 'o-', label='quadratic')");
    run(&mut s, "plt.scatter([0.5, 1.5], [2, 3], label='points')");
    run(&mut s, "plt.hist([0.2, 0.4, 0.4, 1.9], bins=3, label='counts')");
    run(&mut s, "plt.title('Saved figure')");
    run(&mut s, "plt.xlabel('x'); plt.ylabel('y'); plt.legend(); plt.grid(True)");
    assert_eq!(run(&mut s, &format!("plt.savefig({})", py(&svg))), "");
    assert_eq!(run(&mut s, &format!("plt.savefig({}, dpi=50)", py(&png))), "");

    let text = std::fs::read_to_string(&svg).unwrap();
    assert!(text.starts_with("<svg") && text.contains("width=\"400\"") && text.contains("height=\"300\""));
    for needle in ["Saved figure", "quadratic", "points", "counts", ">\ny\n<", "#1F77B4"] {
        assert!(text.contains(needle), "SVG lacks {needle:?}");
    }

    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&png).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!((info.width, info.height), (200, 150));
    let pixels: Vec<&[u8]> = buf[..info.buffer_size()].chunks(3).collect();
    // Mostly white, with the default blue of the first series.
    let white = pixels.iter().filter(|p| **p == [255u8, 255, 255]).count();
    assert!(white > pixels.len() / 2);
    assert!(pixels.iter().any(|p| *p == [0x1fu8, 0x77, 0xb4]), "no tab:blue pixels");

    // Nothing printed, and the figure is still open for show().
    assert!(run(&mut s, "plt.show()").contains("Saved figure"));
    let _ = std::fs::remove_file(svg);
    let _ = std::fs::remove_file(png);
}

#[test]
fn matplotlib_errors() {
    let mut s = session();
    assert_eq!(
        error(&mut s, "plt.plot([1, 2, 3], [4, 5])"),
        "ValueError: x and y must have same first dimension, but have shapes (3,) and (2,)"
    );
    assert_eq!(
        error(&mut s, "plt.plot([1, 2], [3, 4], 'zz')"),
        "ValueError: 'zz' is not a valid format string (unrecognized character 'z')"
    );
    assert_eq!(
        error(&mut s, "plt.plot([1, 2], colour='r')"),
        "AttributeError: Line2D.set() got an unexpected keyword argument 'colour'"
    );
    assert_eq!(error(&mut s, "plt.scatter([1, 2], [3])"), "ValueError: x and y must be the same size");
    assert!(error(&mut s, "plt.savefig('figure.xyz')").starts_with("ValueError: Format 'xyz' is not supported"));
    let o = s.run_cell("plt.legend()");
    assert!(o.error.is_none());
    assert!(matches!(&o.events[..], [Event::Warning(w)] if w.message.starts_with("No artists with labels")));
    npr::plot::close_all();
}

#[test]
fn accepted_no_ops_and_limits() {
    let mut s = session();
    run(&mut s, "plt.plot([1, 2, 3])");
    run(&mut s, "plt.subplots_adjust(bottom=0.2)");
    run(&mut s, "plt.xticks([0, 1, 2], ['a', 'b', 'c'], rotation=70)");
    run(&mut s, "plt.ylim(0, 4)");
    let lim = s.run_cell("plt.ylim()").value.unwrap();
    assert!(
        matches!(&lim, Value::Tuple(t) if matches!(t[..], [Value::Float(a), Value::Float(b)] if a == 0.0 && b == 4.0))
    );
    let out = run(&mut s, "plt.show()");
    let ticks = out.lines().last().unwrap();
    assert!(ticks.contains('a') && ticks.contains('b') && ticks.contains('c'), "{out}");
    assert!(out.lines().any(|l| l.starts_with("4┤")), "{out}");
}
