//! `matplotlib.pyplot` for npr: `import matplotlib.pyplot as plt`, then
//! `plt.plot`, `plt.scatter`, `plt.hist`, `plt.imshow`, titles, labels and
//! legends as in matplotlib. `plt.show()` prints the figure drawn with
//! braille characters (the cell's printed output); `plt.savefig` writes an
//! SVG or PNG through plotters.
//!
//! Open figures live in a thread-local list (one interpreter per thread).
//! matplotlib's functions return artists (`[<matplotlib.lines.Line2D at
//! 0x...>]`, `Text(0.5, 1.0, 'x')`); npr's return `None`, so a cell like
//! `plt.title('x')` shows no `Out`.
//!
//! | module | role |
//! |---|---|
//! | [`figure`] | the figure model: series, styles, colours, limits, histogram counts |
//! | [`ticks`] | matplotlib's limits, tick positions and tick labels |
//! | [`term`] | the braille renderer |
//! | [`export`] | SVG and PNG through plotters |

pub mod export;
pub mod figure;
pub mod term;
pub mod ticks;

use std::cell::{Cell, RefCell};

use crate::builtins::{Builtin, Keywords, Owner};
use crate::interp::error::{ExcType, PyErr, PyResult};
use crate::interp::eval::{Args, Interp};
use crate::interp::{pyops, warnings};
use crate::ops::cast::as_f64;
use crate::syntax::ast::Ident;
use crate::value::convert::array_from_value;
use crate::value::{Module, Value};
use figure::{Figure, FixedTicks, HistBins, Image, Kind, LegendLoc, LineStyle, Marker, Rgb, Series};
pub use term::TermSize;

thread_local! {
    static FIGURES: RefCell<Vec<Figure>> = const { RefCell::new(Vec::new()) };
    static TERMINAL: Cell<bool> = const { Cell::new(false) };
}

/// Size `plt.show()` output to the terminal (and colour it unless
/// `NO_COLOR` is set). The binary turns this on when stdout is a terminal;
/// otherwise figures are a fixed 72×20 characters without colour.
pub fn use_terminal(on: bool) {
    TERMINAL.with(|t| t.set(on));
}

/// The size `plt.show()` draws at now.
pub fn current_term_size() -> TermSize {
    if !TERMINAL.with(Cell::get) {
        return term::FIXED;
    }
    let (cols, rows) = crossterm::terminal::size().map(|(c, r)| (c as usize, r as usize)).unwrap_or((72, 24));
    let width = cols.clamp(40, 200);
    let height = ((width as f64 * 20.0 / 72.0).round() as usize).clamp(12, rows.saturating_sub(3).max(12));
    let colour = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        && std::env::var("TERM").map(|t| t != "dumb").unwrap_or(true);
    TermSize { width, height, colour }
}

/// Run `f` on the current figure (creating one if none is open).
fn with_fig<R>(f: impl FnOnce(&mut Figure) -> R) -> R {
    FIGURES.with(|figs| {
        let mut figs = figs.borrow_mut();
        if figs.is_empty() {
            figs.push(Figure::default());
        }
        let n = figs.len();
        f(&mut figs[n - 1])
    })
}

/// Close every figure (`plt.close('all')`); also used between tests.
pub fn close_all() {
    FIGURES.with(|figs| figs.borrow_mut().clear());
}

/// A copy of the current figure, if one is open (for tests and tools).
pub fn current_figure() -> Option<Figure> {
    FIGURES.with(|figs| figs.borrow().last().cloned())
}

const PLT: Owner = Owner::Module(Module::Pyplot);

const fn f(
    name: &'static str,
    signature: &'static str,
    doc: &'static str,
    func: crate::builtins::BuiltinFn,
) -> Builtin {
    Builtin { name, owner: PLT, signature, doc, func, keywords: Keywords::Python }
}

/// The functions of `matplotlib.pyplot`.
pub static FUNCTIONS: &[Builtin] = &[
    f(
        "plot",
        "plt.plot([x], y, [fmt], *, label=None, marker=None, linestyle=None, color=None, ...)",
        "Plot y against x as lines (and markers): several (x, y, fmt) groups in one call or several calls add \
         series; a 2-D y plots each column. fmt is matplotlib's shorthand such as 'r--' or 'o'. Returns None.",
        plt_plot,
    ),
    f(
        "scatter",
        "plt.scatter(x, y, s=None, c=None, marker=None, *, label=None, color=None, ...)",
        "Plot unjoined markers at (x, y); x and y must have the same size. c= may be a colour or one value per \
         point (e.g. class labels).",
        plt_scatter,
    ),
    f(
        "hist",
        "plt.hist(x, bins=10, range=None, density=False, weights=None, cumulative=False, histtype='bar', \
         color=None, label=None, ...)",
        "Histogram of the values of x (flattened): bins equal-width bins over range (default min..max) or \
         explicit bin edges, counted as np.histogram does.",
        plt_hist,
    ),
    f(
        "imshow",
        "plt.imshow(X, cmap=None, *, vmin=None, vmax=None, ...)",
        "Show a 2-D array as a heatmap (row 0 at the top, viridis colours; shades in a plain terminal).",
        plt_imshow,
    ),
    f("title", "plt.title(label, fontdict=None, loc=None, pad=None, **kwargs)", "Set the axes title.", plt_title),
    f("xlabel", "plt.xlabel(xlabel, fontdict=None, labelpad=None, **kwargs)", "Set the x-axis label.", plt_xlabel),
    f("ylabel", "plt.ylabel(ylabel, fontdict=None, labelpad=None, **kwargs)", "Set the y-axis label.", plt_ylabel),
    f(
        "legend",
        "plt.legend([labels], *, loc='best', ...)",
        "Show a legend of the labelled series (label=...), or name the series in order with a list of labels.",
        plt_legend,
    ),
    f(
        "show",
        "plt.show(block=None)",
        "Draw every open figure (in the terminal: braille characters with axes, ticks, labels and legend) and \
         close them.",
        plt_show,
    ),
    f(
        "savefig",
        "plt.savefig(fname, *, dpi=None, format=None, ...)",
        "Write the current figure to an image file: .png or .svg (from the name, or format=). Prints nothing.",
        plt_savefig,
    ),
    f(
        "figure",
        "plt.figure(num=None, figsize=None, dpi=None, ...)",
        "Start a new figure; figsize=(width, height) in inches sets the size of saved images (default 6.4×4.8).",
        plt_figure,
    ),
    f(
        "subplots_adjust",
        "plt.subplots_adjust(left=None, bottom=None, right=None, top=None, ...)",
        "Accepted; no effect in npr.",
        plt_subplots_adjust,
    ),
    f("tight_layout", "plt.tight_layout(*, pad=1.08, ...)", "Accepted; no effect in npr.", plt_tight_layout),
    f(
        "xticks",
        "plt.xticks(ticks=None, labels=None, **kwargs)",
        "Set the x tick positions (and their labels); rotation= and other text options are accepted.",
        plt_xticks,
    ),
    f(
        "yticks",
        "plt.yticks(ticks=None, labels=None, **kwargs)",
        "Set the y tick positions (and their labels).",
        plt_yticks,
    ),
    f("grid", "plt.grid(visible=None, which='major', axis='both', **kwargs)", "Turn grid lines on or off.", plt_grid),
    f("xlim", "plt.xlim(left=None, right=None)", "Set the x view limits (with no arguments, return them).", plt_xlim),
    f("ylim", "plt.ylim(bottom=None, top=None)", "Set the y view limits (with no arguments, return them).", plt_ylim),
    f("close", "plt.close(fig=None)", "Close the current figure (or 'all').", plt_close),
    f("clf", "plt.clf()", "Clear the current figure.", plt_clf),
    f("cla", "plt.cla()", "Clear the current axes.", plt_cla),
];

// ---------------------------------------------------------------- arguments

/// Keyword arguments, taken by name; leftovers are matplotlib's errors.
struct Kw(Vec<(Ident, Value)>);

impl Kw {
    fn take(&mut self, names: &[&str]) -> Option<Value> {
        let i = self.0.iter().position(|(k, _)| names.contains(&k.as_str()))?;
        Some(self.0.remove(i).1)
    }
    /// Accept style options npr does not draw; anything else is an error
    /// worded as matplotlib's `{artist}.set()` error.
    fn finish(self, artist: &str, ignored: &[&str]) -> PyResult<()> {
        for (k, _) in self.0 {
            if !ignored.contains(&k.as_str()) && !COMMON_STYLE.contains(&k.as_str()) {
                return Err(PyErr::new(
                    ExcType::AttributeError,
                    format!("{artist}.set() got an unexpected keyword argument '{k}'"),
                ));
            }
        }
        Ok(())
    }
}

/// Style options every artist accepts (they have no effect in npr).
const COMMON_STYLE: &[&str] =
    &["alpha", "zorder", "visible", "clip_on", "rasterized", "snap", "picker", "gid", "url", "antialiased", "aa"];

const LINE_STYLE: &[&str] = &[
    "linewidth",
    "lw",
    "markersize",
    "ms",
    "markerfacecolor",
    "mfc",
    "markeredgecolor",
    "mec",
    "markeredgewidth",
    "mew",
    "fillstyle",
    "markevery",
    "drawstyle",
    "ds",
    "dashes",
    "solid_capstyle",
    "dash_capstyle",
    "solid_joinstyle",
    "dash_joinstyle",
    "scalex",
    "scaley",
    "data",
];

const TEXT_STYLE: &[&str] = &[
    "fontdict",
    "loc",
    "pad",
    "labelpad",
    "y",
    "x",
    "fontsize",
    "size",
    "fontweight",
    "weight",
    "fontstyle",
    "style",
    "fontfamily",
    "family",
    "color",
    "c",
    "rotation",
    "ha",
    "va",
    "horizontalalignment",
    "verticalalignment",
    "wrap",
    "backgroundcolor",
    "bbox",
];

fn kwargs(args: &mut Args) -> Kw {
    Kw(std::mem::take(&mut args.keywords))
}

/// A numeric argument as (shape, values in C order).
fn numeric(v: &Value) -> PyResult<(Vec<usize>, Vec<f64>)> {
    let data = array_from_value(v, None)?;
    let shape = data.shape().to_vec();
    let vals: Vec<f64> = as_f64(&data.view()).iter().copied().collect();
    Ok((shape, vals))
}

fn shape_text(shape: &[usize]) -> String {
    crate::ops::broadcast::shape_repr(shape)
}

fn text_of(v: &Value) -> String {
    crate::display::str_value(v, &Default::default())
}

fn float_of(v: &Value) -> PyResult<f64> {
    match v {
        Value::Float(x) => Ok(*x),
        Value::Int(i) => Ok(*i as f64),
        Value::Bool(b) => Ok(*b as u8 as f64),
        Value::Scalar(s) => Ok(s.as_f64()),
        Value::Array(a) if a.size() == 1 => Ok(as_f64(&a.to_data().view()).iter().next().copied().unwrap_or(0.0)),
        other => Err(PyErr::type_err(format!("must be real number, not {}", other.type_name()))),
    }
}

fn color_arg(v: &Value) -> PyResult<Rgb> {
    let bad = || PyErr::value(format!("{} is not a valid color value.", crate::display::repr_plain(v)));
    match v {
        Value::Str(s) => figure::parse_color(s).ok_or_else(bad),
        Value::Tuple(_) | Value::List(_) => {
            let parts = pyops::iterate(v)?;
            if !(3..=4).contains(&parts.len()) {
                return Err(bad());
            }
            let mut c = [0u8; 3];
            for (k, slot) in c.iter_mut().enumerate() {
                let x = float_of(&parts[k]).map_err(|_| bad())?;
                if !(0.0..=1.0).contains(&x) {
                    return Err(bad());
                }
                *slot = (x * 255.0).round() as u8;
            }
            Ok(Rgb(c[0], c[1], c[2]))
        }
        _ => Err(bad()),
    }
}

fn marker_arg(v: &Value) -> PyResult<Option<Marker>> {
    match v {
        Value::None => Ok(None),
        Value::Str(s) if s.is_empty() || s.as_ref() == "None" || s.as_ref() == "none" || s.as_ref() == " " => Ok(None),
        Value::Str(s) => Marker::parse(s)
            .map(Some)
            .ok_or_else(|| PyErr::value(format!("Unrecognized marker style {}", crate::display::str_repr(s)))),
        other => Err(PyErr::value(format!("Unrecognized marker style {}", crate::display::repr_plain(other)))),
    }
}

fn linestyle_arg(v: &Value) -> PyResult<LineStyle> {
    match v {
        Value::None => Ok(LineStyle::None),
        Value::Str(s) => LineStyle::parse(s).ok_or_else(|| {
            PyErr::value(format!(
                "{} is not a valid value for ls; supported values are '-', '--', '-.', ':', 'None', ' ', '', \
                 'solid', 'dashed', 'dashdot', 'dotted'",
                crate::display::str_repr(s)
            ))
        }),
        other => Err(PyErr::value(format!("{} is not a valid value for ls", crate::display::repr_plain(other)))),
    }
}

/// matplotlib's format strings: colour, marker and line style, e.g. `'ro--'`.
fn parse_fmt(fmt: &str) -> PyResult<(Option<Rgb>, Option<Marker>, Option<LineStyle>)> {
    let invalid =
        |why: String| PyErr::value(format!("{} is not a valid format string ({why})", crate::display::str_repr(fmt)));
    if let Some(c) = (fmt.len() > 1).then(|| figure::parse_color(fmt)).flatten() {
        if !fmt.chars().all(|ch| "bgrcmykw".contains(ch)) {
            return Ok((Some(c), None, None));
        }
    }
    let chars: Vec<char> = fmt.chars().collect();
    let (mut colour, mut marker, mut line) = (None, None, None);
    let mut i = 0;
    while i < chars.len() {
        let two: String = chars[i..(i + 2).min(chars.len())].iter().collect();
        if two == "--" || two == "-." {
            if line.is_some() {
                return Err(invalid("two linestyle symbols".into()));
            }
            line = LineStyle::parse(&two);
            i += 2;
            continue;
        }
        let c = chars[i];
        if c == '-' || c == ':' {
            if line.is_some() {
                return Err(invalid("two linestyle symbols".into()));
            }
            line = LineStyle::parse(&c.to_string());
        } else if c == 'C' && chars.get(i + 1).is_some_and(|d| d.is_ascii_digit()) {
            if colour.is_some() {
                return Err(invalid("two color symbols".into()));
            }
            colour = figure::parse_color(&format!("C{}", chars[i + 1]));
            i += 1;
        } else if "bgrcmykw".contains(c) {
            if colour.is_some() {
                return Err(invalid("two color symbols".into()));
            }
            colour = figure::parse_color(&c.to_string());
        } else if let Some(m) = Marker::parse(&c.to_string()) {
            if marker.is_some() {
                return Err(invalid("two marker symbols".into()));
            }
            marker = Some(m);
        } else {
            return Err(invalid(format!("unrecognized character {}", crate::display::str_repr(&c.to_string()))));
        }
        i += 1;
    }
    // A marker without a line style means markers only.
    if marker.is_some() && line.is_none() {
        line = Some(LineStyle::None);
    }
    Ok((colour, marker, line))
}

fn none() -> PyResult<Value> {
    Ok(Value::None)
}

// ---------------------------------------------------------------- plot, scatter, hist, imshow

fn plt_plot(_: &mut Interp, mut args: Args) -> PyResult<Value> {
    let mut kw = kwargs(&mut args);
    let label = kw.take(&["label"]);
    let color = kw.take(&["color", "c"]).map(|c| color_arg(&c)).transpose()?;
    let marker = kw.take(&["marker"]).map(|m| marker_arg(&m)).transpose()?;
    let linestyle = kw.take(&["linestyle", "ls"]).map(|l| linestyle_arg(&l)).transpose()?;
    kw.finish("Line2D", LINE_STYLE)?;

    // Group the positional arguments as matplotlib does: [x], y, [fmt].
    let mut groups: Vec<(Option<Value>, Value, Option<String>)> = Vec::new();
    let mut rest: std::collections::VecDeque<Value> = args.positional.into();
    while !rest.is_empty() {
        let mut this: Vec<Value> = Vec::new();
        while this.len() < 2 {
            match rest.front() {
                Some(Value::Str(_)) if !this.is_empty() => break,
                Some(_) => this.extend(rest.pop_front()),
                None => break,
            }
        }
        let fmt = match rest.front() {
            Some(Value::Str(s)) => {
                let s = s.to_string();
                rest.pop_front();
                Some(s)
            }
            _ => None,
        };
        match this.len() {
            1 => {
                if let Value::Str(s) = &this[0] {
                    return Err(PyErr::value(format!(
                        "{} is not a valid format string: plot() needs data before a format",
                        crate::display::str_repr(s)
                    )));
                }
                groups.push((None, this.remove(0), fmt));
            }
            2 => {
                let y = this.remove(1);
                groups.push((Some(this.remove(0)), y, fmt));
            }
            _ => break,
        }
    }
    let mut new_series = Vec::new();
    with_fig(|fig| -> PyResult<()> {
        fig.axes = true;
        for (x, y, fmt) in &groups {
            let (fcolour, fmarker, fline) = match fmt {
                Some(f) => parse_fmt(f)?,
                None => (None, None, None),
            };
            let (ys, yv) = numeric(y)?;
            let (xs, xv) = match x {
                Some(x) => numeric(x)?,
                None => {
                    let n = ys.first().copied().unwrap_or(1);
                    (vec![n], (0..n).map(|i| i as f64).collect())
                }
            };
            let (xs, ys) = (if xs.is_empty() { vec![1] } else { xs }, if ys.is_empty() { vec![1] } else { ys });
            if xs.len() > 2 || ys.len() > 2 {
                return Err(PyErr::value(format!(
                    "x and y can be no greater than 2D, but have shapes {} and {}",
                    shape_text(&xs),
                    shape_text(&ys)
                )));
            }
            if xs[0] != ys[0] {
                return Err(PyErr::value(format!(
                    "x and y must have same first dimension, but have shapes {} and {}",
                    shape_text(&xs),
                    shape_text(&ys)
                )));
            }
            let n = xs[0];
            let xcols = xs.get(1).copied().unwrap_or(1);
            let ycols = ys.get(1).copied().unwrap_or(1);
            if xcols != ycols && xcols != 1 && ycols != 1 {
                return Err(PyErr::value(format!("x has {xcols} columns but y has {ycols} columns")));
            }
            let ncols = xcols.max(ycols);
            let labels: Vec<Option<String>> = match &label {
                Some(l @ (Value::List(_) | Value::Tuple(_))) if ncols > 1 => {
                    let items = pyops::iterate(l)?;
                    if items.len() != ncols {
                        return Err(PyErr::value(format!(
                            "label must be scalar or have the same length as the input data, but found {} for {ncols} datasets.",
                            items.len()
                        )));
                    }
                    items.iter().map(|v| Some(text_of(v))).collect()
                }
                Some(l) => vec![Some(text_of(l)); ncols],
                None => vec![None; ncols],
            };
            for (k, lab) in labels.into_iter().enumerate() {
                let col = |vals: &[f64], cols: usize| -> Vec<f64> {
                    let c = if cols == 1 { 0 } else { k };
                    (0..n).map(|i| vals[i * cols + c]).collect()
                };
                let colour = match color.or(fcolour) {
                    Some(c) => c,
                    None => fig.next_line_color(),
                };
                let series = Series {
                    kind: Kind::Line,
                    x: col(&xv, xcols),
                    y: col(&yv, ycols),
                    label: lab,
                    color: colour,
                    marker: marker.unwrap_or(fmarker),
                    line: linestyle.or(fline).unwrap_or(LineStyle::Solid),
                    values: None,
                };
                new_series.push(series);
            }
        }
        fig.series.append(&mut new_series);
        Ok(())
    })?;
    none()
}

fn plt_scatter(_: &mut Interp, mut args: Args) -> PyResult<Value> {
    let mut kw = kwargs(&mut args);
    let mut pos = args.positional.into_iter();
    let x = pos
        .next()
        .or_else(|| kw.take(&["x"]))
        .ok_or_else(|| PyErr::type_err("scatter() missing 2 required positional arguments: 'x' and 'y'"))?;
    let y = pos
        .next()
        .or_else(|| kw.take(&["y"]))
        .ok_or_else(|| PyErr::type_err("scatter() missing 1 required positional argument: 'y'"))?;
    let _s = pos.next().or_else(|| kw.take(&["s"]));
    let c = pos.next().or_else(|| kw.take(&["c"]));
    let marker = pos.next().or_else(|| kw.take(&["marker"])).map(|m| marker_arg(&m)).transpose()?.flatten();
    let label = kw.take(&["label"]).map(|l| text_of(&l));
    let color = kw.take(&["color"]).map(|c| color_arg(&c)).transpose()?;
    kw.finish(
        "PathCollection",
        &[
            "cmap",
            "norm",
            "vmin",
            "vmax",
            "linewidths",
            "edgecolors",
            "edgecolor",
            "ec",
            "facecolor",
            "facecolors",
            "fc",
            "plotnonfinite",
            "data",
            "linewidth",
            "lw",
        ],
    )?;
    let (_, xv) = numeric(&x)?;
    let (_, yv) = numeric(&y)?;
    if xv.len() != yv.len() {
        return Err(PyErr::value("x and y must be the same size"));
    }
    let (colour, values) = match &c {
        None | Some(Value::None) => (color, None),
        Some(v @ Value::Str(_)) => (Some(color_arg(v)?), None),
        Some(v @ Value::Tuple(_)) if pyops::iterate(v)?.iter().all(|p| matches!(p, Value::Float(_))) => {
            (Some(color_arg(v)?), None)
        }
        Some(v) => {
            let (_, cv) = numeric(v)?;
            if cv.len() != xv.len() && cv.len() != 1 {
                return Err(PyErr::value(format!(
                    "'c' argument has {} elements, which is inconsistent with 'x' and 'y' with size {}.",
                    cv.len(),
                    xv.len()
                )));
            }
            (color, Some(cv))
        }
    };
    with_fig(|fig| {
        fig.axes = true;
        let colour = match colour {
            Some(c) => c,
            None => fig.next_patch_color(),
        };
        fig.series.push(Series {
            kind: Kind::Scatter,
            x: xv,
            y: yv,
            label,
            color: colour,
            marker,
            line: LineStyle::None,
            values,
        });
    });
    none()
}

fn plt_hist(_: &mut Interp, mut args: Args) -> PyResult<Value> {
    let mut kw = kwargs(&mut args);
    let mut pos = args.positional.into_iter();
    let x = pos
        .next()
        .or_else(|| kw.take(&["x"]))
        .ok_or_else(|| PyErr::type_err("hist() missing 1 required positional argument: 'x'"))?;
    let bins = pos.next().or_else(|| kw.take(&["bins"]));
    let range = pos.next().or_else(|| kw.take(&["range"]));
    let density = pos.next().or_else(|| kw.take(&["density"]));
    let weights = pos.next().or_else(|| kw.take(&["weights"]));
    let cumulative = pos.next().or_else(|| kw.take(&["cumulative"]));
    let histtype = kw.take(&["histtype"]);
    let color = kw.take(&["color"]).map(|c| color_arg(&c)).transpose()?;
    let label = kw.take(&["label"]).map(|l| text_of(&l));
    kw.finish(
        "Rectangle",
        &[
            "bottom",
            "align",
            "orientation",
            "rwidth",
            "log",
            "stacked",
            "data",
            "edgecolor",
            "ec",
            "facecolor",
            "fc",
            "linewidth",
            "lw",
            "fill",
            "hatch",
        ],
    )?;
    let (shape, data) = numeric(&x)?;
    if shape.len() > 1 {
        return Err(PyErr::new(
            ExcType::NotImplementedError,
            "npr's plt.hist takes one data set: pass a 1-D array (a.ravel() for all values)",
        ));
    }
    let bins = match bins {
        None | Some(Value::None) => HistBins::Count(10),
        Some(Value::Str(s)) => {
            return Err(PyErr::new(
                ExcType::NotImplementedError,
                format!("npr's plt.hist takes bins as a number or edges, not {}", crate::display::str_repr(&s)),
            ))
        }
        Some(v) => match pyops::index_int(&v) {
            Some(n) if n >= 1 => HistBins::Count(n as usize),
            Some(_) => return Err(PyErr::value("`bins` must be positive, when an integer")),
            None => HistBins::Edges(numeric(&v)?.1),
        },
    };
    let range = match range {
        None | Some(Value::None) => None,
        Some(v) => {
            let (_, r) = numeric(&v)?;
            if r.len() != 2 {
                return Err(PyErr::value("too many values to unpack (expected 2)"));
            }
            Some((r[0], r[1]))
        }
    };
    let data: Vec<f64> = match range {
        Some((lo, hi)) => data.into_iter().filter(|v| *v >= lo && *v <= hi).collect(),
        None => data,
    };
    let (mut counts, edges) = match &weights {
        None | Some(Value::None) => figure::histogram(&data, &bins, range).map_err(PyErr::value)?,
        Some(w) => {
            let (_, wv) = numeric(w)?;
            let (_, edges) = figure::histogram(&data, &bins, range).map_err(PyErr::value)?;
            let mut counts = vec![0.0; edges.len().saturating_sub(1)];
            for (v, wt) in data.iter().zip(wv) {
                let (_, one) = figure::histogram(&[*v], &HistBins::Edges(edges.clone()), None).map_err(PyErr::value)?;
                if let Some(k) = one.iter().position(|&c| c > 0.0) {
                    counts[k] += wt;
                }
            }
            (counts, edges)
        }
    };
    if density.map(|d| pyops::truthy(&d)).transpose()?.unwrap_or(false) {
        let total: f64 = counts.iter().sum();
        for (k, c) in counts.iter_mut().enumerate() {
            let width = edges[k + 1] - edges[k];
            *c = if total > 0.0 && width > 0.0 { *c / total / width } else { f64::NAN };
        }
    }
    if cumulative.map(|d| pyops::truthy(&d)).transpose()?.unwrap_or(false) {
        let mut acc = 0.0;
        for c in counts.iter_mut() {
            acc += *c;
            *c = acc;
        }
    }
    let step = match histtype {
        None => false,
        Some(Value::Str(s)) if matches!(s.as_ref(), "bar" | "barstacked" | "stepfilled") => false,
        Some(Value::Str(s)) if s.as_ref() == "step" => true,
        Some(other) => {
            return Err(PyErr::value(format!(
                "{} is not a valid value for histtype; supported values are 'bar', 'barstacked', 'step', 'stepfilled'",
                crate::display::repr_plain(&other)
            )))
        }
    };
    with_fig(|fig| {
        fig.axes = true;
        let colour = match color {
            Some(c) => c,
            None => fig.next_patch_color(),
        };
        if step {
            // The outline of the bars, as one line.
            let mut x = vec![edges[0]];
            let mut y = vec![0.0];
            for (k, c) in counts.iter().enumerate() {
                x.extend([edges[k], edges[k + 1]]);
                y.extend([*c, *c]);
            }
            x.push(edges[edges.len() - 1]);
            y.push(0.0);
            fig.series.push(Series {
                kind: Kind::Line,
                x,
                y,
                label,
                color: colour,
                marker: None,
                line: LineStyle::Solid,
                values: None,
            });
        } else {
            let x: Vec<f64> = edges.windows(2).map(|w| (w[0] + w[1]) / 2.0).collect();
            fig.series.push(Series {
                kind: Kind::Bars { edges },
                x,
                y: counts,
                label,
                color: colour,
                marker: None,
                line: LineStyle::None,
                values: None,
            });
        }
    });
    none()
}

fn plt_imshow(_: &mut Interp, mut args: Args) -> PyResult<Value> {
    let mut kw = kwargs(&mut args);
    let mut pos = args.positional.into_iter();
    let x = pos
        .next()
        .or_else(|| kw.take(&["X"]))
        .ok_or_else(|| PyErr::type_err("imshow() missing 1 required positional argument: 'X'"))?;
    let vmin = kw.take(&["vmin"]).filter(|v| !v.is_none()).map(|v| float_of(&v)).transpose()?;
    let vmax = kw.take(&["vmax"]).filter(|v| !v.is_none()).map(|v| float_of(&v)).transpose()?;
    kw.finish(
        "AxesImage",
        &[
            "cmap",
            "norm",
            "aspect",
            "interpolation",
            "origin",
            "extent",
            "interpolation_stage",
            "filternorm",
            "filterrad",
            "resample",
            "data",
        ],
    )?;
    let (shape, data) = numeric(&x)?;
    let (rows, cols) = match shape.as_slice() {
        [r, c] => (*r, *c),
        [_, _, 3 | 4] => {
            return Err(PyErr::new(ExcType::NotImplementedError, "npr's plt.imshow shows 2-D arrays, not RGB images"))
        }
        other => {
            return Err(PyErr::type_err(format!("Invalid shape {} for image data", shape_text(other))));
        }
    };
    let finite = data.iter().copied().filter(|v| v.is_finite());
    let lo = vmin.unwrap_or_else(|| finite.clone().fold(f64::INFINITY, f64::min));
    let hi = vmax.unwrap_or_else(|| finite.fold(f64::NEG_INFINITY, f64::max));
    with_fig(|fig| {
        fig.axes = true;
        fig.image = Some(Image { rows, cols, data, vmin: lo, vmax: hi });
    });
    none()
}

// ---------------------------------------------------------------- labels, legend, ticks, limits

fn set_text(args: Args, name: &str, set: fn(&mut Figure, String)) -> PyResult<Value> {
    let mut args = args;
    let mut kw = kwargs(&mut args);
    let label = args.positional.into_iter().next().or_else(|| kw.take(&["label", name])).ok_or_else(|| {
        PyErr::type_err(format!(
            "{name}() missing 1 required positional argument: '{}'",
            if name == "title" { "label" } else { name }
        ))
    })?;
    kw.finish("Text", TEXT_STYLE)?;
    let text = text_of(&label);
    with_fig(|fig| {
        fig.axes = true;
        set(fig, text);
    });
    none()
}

fn plt_title(_: &mut Interp, args: Args) -> PyResult<Value> {
    set_text(args, "title", |f, t| f.title = Some(t))
}

fn plt_xlabel(_: &mut Interp, args: Args) -> PyResult<Value> {
    set_text(args, "xlabel", |f, t| f.xlabel = Some(t))
}

fn plt_ylabel(_: &mut Interp, args: Args) -> PyResult<Value> {
    set_text(args, "ylabel", |f, t| f.ylabel = Some(t))
}

fn plt_legend(_: &mut Interp, mut args: Args) -> PyResult<Value> {
    let mut kw = kwargs(&mut args);
    let loc = match kw.take(&["loc"]) {
        None | Some(Value::None) => LegendLoc::Best,
        Some(Value::Str(s)) => LegendLoc::parse(&s).ok_or_else(|| {
            PyErr::value(format!(
                "{} is not a valid value for loc; supported values are 'best', 'upper right', 'upper left', \
                 'lower left', 'lower right', 'right', 'center left', 'center right', 'lower center', \
                 'upper center', 'center'",
                crate::display::str_repr(&s)
            ))
        })?,
        Some(v) => match pyops::index_int(&v) {
            Some(0) => LegendLoc::Best,
            Some(1) | Some(5) | Some(7) => LegendLoc::UpperRight,
            Some(2) | Some(6) | Some(9) | Some(10) => LegendLoc::UpperLeft,
            Some(3) | Some(8) => LegendLoc::LowerLeft,
            Some(4) => LegendLoc::LowerRight,
            _ => return Err(PyErr::value(format!("{} is not a valid value for loc", crate::display::repr_plain(&v)))),
        },
    };
    let labels = args.positional.into_iter().next().or_else(|| kw.take(&["labels"]));
    kw.finish(
        "Legend",
        &[
            "fontsize",
            "title",
            "ncol",
            "ncols",
            "frameon",
            "framealpha",
            "fancybox",
            "shadow",
            "bbox_to_anchor",
            "borderpad",
            "labelspacing",
            "handlelength",
            "handletextpad",
            "borderaxespad",
            "columnspacing",
            "prop",
            "markerscale",
            "numpoints",
            "scatterpoints",
            "facecolor",
            "edgecolor",
            "title_fontsize",
            "labelcolor",
            "handles",
            "mode",
            "alignment",
        ],
    )
    .map_err(|e| PyErr::type_err(e.message.replace("Legend.set()", "Legend.__init__()")))?;
    let labels: Option<Vec<String>> = match labels {
        None | Some(Value::None) => None,
        Some(Value::Str(s)) => Some(s.chars().map(|c| c.to_string()).collect()),
        Some(v) => Some(pyops::iterate(&v)?.iter().map(text_of).collect()),
    };
    let mut warn = false;
    with_fig(|fig| {
        fig.axes = true;
        if let Some(labels) = labels {
            for (s, l) in fig.series.iter_mut().zip(labels) {
                s.label = Some(l);
            }
        }
        if fig.series.iter().any(|s| s.in_legend()) {
            fig.legend = Some(loc);
        } else {
            warn = true;
        }
    });
    if warn {
        warnings::warn(
            "UserWarning",
            "No artists with labels found to put in legend.  Note that artists whose label start with an \
             underscore are ignored when legend() is called with no argument.",
        );
    }
    none()
}

fn ticks_arg(args: Args, name: &str) -> PyResult<Option<FixedTicks>> {
    let mut args = args;
    let mut kw = kwargs(&mut args);
    let mut pos = args.positional.into_iter();
    let ticks = pos.next().or_else(|| kw.take(&["ticks"]));
    let labels = pos.next().or_else(|| kw.take(&["labels"]));
    kw.take(&["minor"]);
    kw.finish("Text", TEXT_STYLE)?;
    let Some(ticks) = ticks.filter(|t| !t.is_none()) else {
        if labels.is_some_and(|l| !l.is_none()) {
            return Err(PyErr::type_err(format!("{name}(): Parameter 'labels' can't be set without setting 'ticks'")));
        }
        return Ok(None);
    };
    let (_, at) = numeric(&ticks)?;
    let labels = match labels.filter(|l| !l.is_none()) {
        None => None,
        Some(l) => {
            let l: Vec<String> = pyops::iterate(&l)?.iter().map(text_of).collect();
            if l.len() != at.len() {
                return Err(PyErr::value(format!(
                    "The number of FixedLocator locations ({}), usually from a call to set_ticks, does not match the number of labels ({}).",
                    at.len(),
                    l.len()
                )));
            }
            Some(l)
        }
    };
    Ok(Some(FixedTicks { at, labels }))
}

fn plt_xticks(_: &mut Interp, args: Args) -> PyResult<Value> {
    let t = ticks_arg(args, "xticks")?;
    with_fig(|fig| {
        fig.axes = true;
        if t.is_some() {
            fig.xticks = t;
        }
    });
    none()
}

fn plt_yticks(_: &mut Interp, args: Args) -> PyResult<Value> {
    let t = ticks_arg(args, "yticks")?;
    with_fig(|fig| {
        fig.axes = true;
        if t.is_some() {
            fig.yticks = t;
        }
    });
    none()
}

fn plt_grid(_: &mut Interp, mut args: Args) -> PyResult<Value> {
    let mut kw = kwargs(&mut args);
    let visible = args.positional.into_iter().next().or_else(|| kw.take(&["visible", "b"]));
    kw.take(&["which"]);
    kw.take(&["axis"]);
    kw.finish("Line2D", &["color", "c", "linestyle", "ls", "linewidth", "lw"])?;
    let on = match visible {
        None | Some(Value::None) => None,
        Some(v) => Some(pyops::truthy(&v)?),
    };
    with_fig(|fig| {
        fig.axes = true;
        fig.grid = on.unwrap_or(!fig.grid);
    });
    none()
}

fn limits(args: Args, names: [&str; 2], x: bool) -> PyResult<Value> {
    let mut args = args;
    let mut kw = kwargs(&mut args);
    let mut lo = kw.take(&[names[0], if x { "xmin" } else { "ymin" }]);
    let mut hi = kw.take(&[names[1], if x { "xmax" } else { "ymax" }]);
    kw.take(&["emit"]);
    kw.take(&["auto"]);
    kw.finish(if x { "xlim" } else { "ylim" }, &[]).map_err(|e| PyErr::type_err(e.message.replace(".set()", "()")))?;
    let mut pos = args.positional.into_iter();
    match pos.next() {
        Some(v @ (Value::Tuple(_) | Value::List(_))) => {
            let items = pyops::iterate(&v)?;
            if items.len() != 2 {
                return Err(PyErr::value("too many values to unpack (expected 2)"));
            }
            lo = Some(items[0].clone());
            hi = Some(items[1].clone());
        }
        Some(v) => {
            lo = Some(v);
            if let Some(h) = pos.next() {
                hi = Some(h);
            }
        }
        None => {}
    }
    let lo = lo.filter(|v| !v.is_none()).map(|v| float_of(&v)).transpose()?;
    let hi = hi.filter(|v| !v.is_none()).map(|v| float_of(&v)).transpose()?;
    let getter = lo.is_none() && hi.is_none();
    let result = with_fig(|fig| {
        fig.axes = true;
        let slot = if x { &mut fig.xlim } else { &mut fig.ylim };
        if let Some(l) = lo {
            slot.0 = Some(l);
        }
        if let Some(h) = hi {
            slot.1 = Some(h);
        }
        let (x0, x1, y0, y1) = fig.limits();
        if x {
            (x0, x1)
        } else {
            (y0, y1)
        }
    });
    if getter {
        Ok(Value::tuple(vec![Value::Float(result.0), Value::Float(result.1)]))
    } else {
        none()
    }
}

fn plt_xlim(_: &mut Interp, args: Args) -> PyResult<Value> {
    limits(args, ["left", "right"], true)
}

fn plt_ylim(_: &mut Interp, args: Args) -> PyResult<Value> {
    limits(args, ["bottom", "top"], false)
}

// ---------------------------------------------------------------- figures

fn plt_figure(_: &mut Interp, mut args: Args) -> PyResult<Value> {
    let mut kw = kwargs(&mut args);
    let mut pos = args.positional.into_iter();
    let _num = pos.next().or_else(|| kw.take(&["num"]));
    let figsize = pos.next().or_else(|| kw.take(&["figsize"]));
    let dpi = pos.next().or_else(|| kw.take(&["dpi"]));
    kw.finish(
        "Figure",
        &["facecolor", "edgecolor", "frameon", "clear", "layout", "tight_layout", "constrained_layout", "linewidth"],
    )
    .map_err(|e| PyErr::type_err(e.message.replace("Figure.set()", "Figure.__init__()")))?;
    let mut fig = Figure::default();
    if let Some(fs) = figsize.filter(|v| !v.is_none()) {
        let items = pyops::iterate(&fs)?;
        if items.len() != 2 {
            return Err(PyErr::value(format!(
                "figure size must be positive finite not {}",
                crate::display::repr_plain(&fs)
            )));
        }
        let (w, h) = (float_of(&items[0])?, float_of(&items[1])?);
        if !(w.is_finite() && h.is_finite() && w > 0.0 && h > 0.0) {
            return Err(PyErr::value(format!(
                "figure size must be positive finite not {}",
                crate::display::repr_plain(&fs)
            )));
        }
        fig.size = (w, h);
    }
    if let Some(d) = dpi.filter(|v| !v.is_none()) {
        let d = float_of(&d)?;
        if !(d.is_finite() && d > 0.0) {
            return Err(PyErr::value("dpi must be positive"));
        }
        fig.dpi = d;
    }
    FIGURES.with(|figs| figs.borrow_mut().push(fig));
    none()
}

/// matplotlib's layout calls: accepted with their own keywords (and no
/// effect in npr); any other keyword is matplotlib's error.
fn plt_subplots_adjust(_: &mut Interp, args: Args) -> PyResult<Value> {
    let known = ["left", "bottom", "right", "top", "wspace", "hspace"];
    crate::builtins::unexpected_keyword(&args, &known, "subplots_adjust")?;
    none()
}

fn plt_tight_layout(_: &mut Interp, args: Args) -> PyResult<Value> {
    crate::builtins::unexpected_keyword(&args, &["pad", "h_pad", "w_pad", "rect"], "tight_layout")?;
    none()
}

fn plt_close(_: &mut Interp, args: Args) -> PyResult<Value> {
    crate::builtins::unexpected_keyword(&args, &["fig"], "close")?;
    let fig = args.positional.first().or(args.keywords.first().map(|(_, v)| v));
    match fig {
        Some(Value::Str(s)) if s.as_ref() == "all" => close_all(),
        _ => FIGURES.with(|figs| {
            figs.borrow_mut().pop();
        }),
    }
    none()
}

fn plt_clf(_: &mut Interp, args: Args) -> PyResult<Value> {
    crate::builtins::unexpected_keyword(&args, &[], "clf")?;
    clear_figure()
}

fn plt_cla(_: &mut Interp, args: Args) -> PyResult<Value> {
    crate::builtins::unexpected_keyword(&args, &[], "cla")?;
    clear_figure()
}

/// `plt.clf()` / `plt.cla()`: the current figure emptied, its size kept.
fn clear_figure() -> PyResult<Value> {
    with_fig(|fig| {
        let (size, dpi) = (fig.size, fig.dpi);
        *fig = Figure { size, dpi, ..Figure::default() };
    });
    none()
}

/// Every open figure as text, separated by blank lines (empty when none has axes).
pub fn render_open_figures(size: TermSize) -> String {
    FIGURES.with(|figs| {
        figs.borrow().iter().filter(|f| f.axes).map(|f| term::render(f, size)).collect::<Vec<_>>().join("\n\n")
    })
}

fn plt_show(_: &mut Interp, mut args: Args) -> PyResult<Value> {
    let mut kw = kwargs(&mut args);
    kw.take(&["block"]);
    if let Some((k, _)) = kw.0.first() {
        return Err(crate::builtins::unexpected_keyword_error("show", k, &["block"]));
    }
    let text = render_open_figures(current_term_size());
    close_all();
    if !text.is_empty() {
        warnings::stdout(format!("{text}\n"));
    }
    none()
}

/// savefig() keywords npr accepts and does not apply (the picture is the same).
const SAVEFIG_IGNORED: &[&str] = &[
    "transparent",
    "metadata",
    "bbox_inches",
    "pad_inches",
    "facecolor",
    "edgecolor",
    "backend",
    "orientation",
    "papertype",
    "bbox_extra_artists",
    "pil_kwargs",
];

const MPL_FORMATS: &str = "eps, jpeg, jpg, pdf, pgf, png, ps, raw, rgba, svg, svgz, tif, tiff, webp";

fn plt_savefig(_: &mut Interp, mut args: Args) -> PyResult<Value> {
    let mut kw = kwargs(&mut args);
    let fname = args
        .positional
        .into_iter()
        .next()
        .or_else(|| kw.take(&["fname"]))
        .ok_or_else(|| PyErr::type_err("savefig() missing 1 required positional argument: 'fname'"))?;
    let dpi = kw.take(&["dpi"]);
    let format = kw.take(&["format"]);
    for k in SAVEFIG_IGNORED {
        kw.take(&[k]);
    }
    if let Some((k, _)) = kw.0.first() {
        let known: Vec<&str> = ["fname", "dpi", "format"].into_iter().chain(SAVEFIG_IGNORED.iter().copied()).collect();
        return Err(crate::builtins::unexpected_keyword_error("savefig", k, &known));
    }
    let Value::Str(path) = &fname else {
        return Err(PyErr::type_err(format!("expected str, bytes or os.PathLike object, not {}", fname.type_name())));
    };
    let mut path = path.to_string();
    let ext = std::path::Path::new(&path).extension().and_then(|e| e.to_str()).map(|e| e.to_ascii_lowercase());
    let fmt = match format.filter(|v| !v.is_none()) {
        Some(Value::Str(f)) => f.to_ascii_lowercase(),
        Some(other) => return Err(PyErr::type_err(format!("format must be a str, not {}", other.type_name()))),
        None => match &ext {
            Some(e) if !e.is_empty() => e.clone(),
            _ => {
                path.push_str(".png");
                "png".into()
            }
        },
    };
    let format = match fmt.as_str() {
        "png" => export::Format::Png,
        "svg" => export::Format::Svg,
        other if MPL_FORMATS.split(", ").any(|f| f == other) => {
            return Err(PyErr::new(
                ExcType::NotImplementedError,
                format!("npr saves figures as .png or .svg, not .{other}"),
            ))
        }
        other => {
            return Err(PyErr::value(format!("Format '{other}' is not supported (supported formats: {MPL_FORMATS})")))
        }
    };
    let fig = with_fig(|fig| fig.clone());
    let dpi = match dpi.filter(|v| !matches!(v, Value::None) && !matches!(v, Value::Str(s) if s.as_ref() == "figure")) {
        Some(d) => {
            let d = float_of(&d)?;
            if !(d.is_finite() && d > 0.0 && d <= 2000.0) {
                return Err(PyErr::value(format!("dpi must be a positive number up to 2000, not {d}")));
            }
            d
        }
        None => fig.dpi,
    };
    let fig = if fig.axes { fig } else { Figure { series: Vec::new(), ..fig } };
    let (w, h) = ((fig.size.0 * dpi).round(), (fig.size.1 * dpi).round());
    if w >= 65536.0 || h >= 65536.0 {
        return Err(PyErr::value(format!(
            "Image size of {w}x{h} pixels is too large. It must be less than 2^16 in each direction."
        )));
    }
    if format == export::Format::Png {
        // The RGB buffer counts against the memory cap like an array would.
        crate::value::alloc::check_alloc(&[w as usize, h as usize, 3], crate::value::DType::Bool)?;
    }
    let bytes = export::render(&fig, format, dpi)
        .map_err(|e| PyErr::new(ExcType::RuntimeError, format!("could not draw the figure: {e}")))?;
    if std::path::Path::new(&path).is_dir() {
        return Err(PyErr::new(
            ExcType::OSError,
            format!("[Errno 21] Is a directory: {}", crate::display::str_repr(&path)),
        ));
    }
    crate::transcript::atomic_write(std::path::Path::new(&path), &bytes)
        .map_err(|e| crate::builtins::io::os_error(&e, &path))?;
    none()
}
