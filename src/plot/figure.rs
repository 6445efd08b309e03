//! The figure model shared by the terminal renderer and the image export:
//! what was plotted, with which style, and the axes it implies.

use super::ticks;

/// An RGB colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

/// matplotlib's default colour cycle (`tab10`).
pub const TAB10: [Rgb; 10] = [
    Rgb(0x1f, 0x77, 0xb4),
    Rgb(0xff, 0x7f, 0x0e),
    Rgb(0x2c, 0xa0, 0x2c),
    Rgb(0xd6, 0x27, 0x28),
    Rgb(0x94, 0x67, 0xbd),
    Rgb(0x8c, 0x56, 0x4b),
    Rgb(0xe3, 0x77, 0xc2),
    Rgb(0x7f, 0x7f, 0x7f),
    Rgb(0xbc, 0xbd, 0x22),
    Rgb(0x17, 0xbe, 0xcf),
];

/// A matplotlib colour specification: `'r'`, `'C1'`, `'tab:blue'`, a name or `'#rrggbb'`.
pub fn parse_color(s: &str) -> Option<Rgb> {
    let s = s.trim();
    let lower = s.to_ascii_lowercase();
    if let Some(hex) = lower.strip_prefix('#') {
        let h = |i: usize| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok();
        return match hex.len() {
            6 | 8 => Some(Rgb(h(0)?, h(2)?, h(4)?)),
            3 => {
                let d = |i: usize| u8::from_str_radix(hex.get(i..i + 1)?, 16).ok().map(|v| v * 17);
                Some(Rgb(d(0)?, d(1)?, d(2)?))
            }
            _ => None,
        };
    }
    if let Some(n) = s.strip_prefix('C') {
        if let Ok(i) = n.parse::<usize>() {
            return Some(TAB10[i % 10]);
        }
    }
    let tab = ["blue", "orange", "green", "red", "purple", "brown", "pink", "gray", "olive", "cyan"];
    if let Some(name) = lower.strip_prefix("tab:") {
        let name = if name == "grey" { "gray" } else { name };
        return tab.iter().position(|t| *t == name).map(|i| TAB10[i]);
    }
    Some(match lower.as_str() {
        "b" | "blue" => Rgb(0, 0, 255),
        "g" => Rgb(0, 128, 0),
        "green" => Rgb(0, 128, 0),
        "r" | "red" => Rgb(255, 0, 0),
        "c" => Rgb(0, 191, 191),
        "cyan" | "aqua" => Rgb(0, 255, 255),
        "m" => Rgb(191, 0, 191),
        "magenta" | "fuchsia" => Rgb(255, 0, 255),
        "y" => Rgb(191, 191, 0),
        "yellow" => Rgb(255, 255, 0),
        "k" | "black" => Rgb(0, 0, 0),
        "w" | "white" => Rgb(255, 255, 255),
        "orange" => Rgb(255, 165, 0),
        "purple" => Rgb(128, 0, 128),
        "brown" => Rgb(165, 42, 42),
        "pink" => Rgb(255, 192, 203),
        "gray" | "grey" => Rgb(128, 128, 128),
        "lightgray" | "lightgrey" => Rgb(211, 211, 211),
        "darkgray" | "darkgrey" => Rgb(169, 169, 169),
        "navy" => Rgb(0, 0, 128),
        "teal" => Rgb(0, 128, 128),
        "olive" => Rgb(128, 128, 0),
        "maroon" => Rgb(128, 0, 0),
        "lime" => Rgb(0, 255, 0),
        "gold" => Rgb(255, 215, 0),
        "steelblue" => Rgb(70, 130, 180),
        "skyblue" => Rgb(135, 206, 235),
        "salmon" => Rgb(250, 128, 114),
        "crimson" => Rgb(220, 20, 60),
        "indigo" => Rgb(75, 0, 130),
        "violet" => Rgb(238, 130, 238),
        "darkblue" => Rgb(0, 0, 139),
        "darkgreen" => Rgb(0, 100, 0),
        "darkred" => Rgb(139, 0, 0),
        "darkorange" => Rgb(255, 140, 0),
        "lightblue" => Rgb(173, 216, 230),
        "lightgreen" => Rgb(144, 238, 144),
        _ => return None,
    })
}

/// A marker style (`marker='o'`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Marker {
    Point,
    Pixel,
    Circle,
    Square,
    TriangleUp,
    TriangleDown,
    Diamond,
    Plus,
    Cross,
    Star,
}

impl Marker {
    /// matplotlib's marker codes.
    pub fn parse(c: &str) -> Option<Marker> {
        Some(match c {
            "." => Marker::Point,
            "," => Marker::Pixel,
            "o" => Marker::Circle,
            "s" => Marker::Square,
            "^" | "<" | ">" | "2" | "3" | "4" => Marker::TriangleUp,
            "v" | "1" => Marker::TriangleDown,
            "D" | "d" => Marker::Diamond,
            "+" | "P" => Marker::Plus,
            "x" | "X" => Marker::Cross,
            "*" | "p" | "h" | "H" | "8" => Marker::Star,
            _ => return None,
        })
    }
    /// The character drawn for the marker in the terminal.
    pub fn glyph(self) -> char {
        match self {
            Marker::Point => '•',
            Marker::Pixel => '·',
            Marker::Circle => '●',
            Marker::Square => '■',
            Marker::TriangleUp => '▲',
            Marker::TriangleDown => '▼',
            Marker::Diamond => '◆',
            Marker::Plus => '+',
            Marker::Cross => '×',
            Marker::Star => '*',
        }
    }
}

/// Markers given to series, in order, when the terminal has no colour to
/// tell them apart.
pub const MONO_MARKERS: [Marker; 8] = [
    Marker::Point,
    Marker::Cross,
    Marker::Plus,
    Marker::TriangleUp,
    Marker::Square,
    Marker::Diamond,
    Marker::Star,
    Marker::Circle,
];

/// Line styles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineStyle {
    Solid,
    Dashed,
    Dotted,
    DashDot,
    None,
}

impl LineStyle {
    pub fn parse(s: &str) -> Option<LineStyle> {
        Some(match s {
            "-" | "solid" => LineStyle::Solid,
            "--" | "dashed" => LineStyle::Dashed,
            ":" | "dotted" => LineStyle::Dotted,
            "-." | "dashdot" => LineStyle::DashDot,
            "" | " " | "None" | "none" => LineStyle::None,
            _ => return None,
        })
    }
}

/// What a series draws.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    /// `plt.plot`: points joined by lines, optionally marked.
    Line,
    /// `plt.scatter`: unjoined markers.
    Scatter,
    /// `plt.hist`: bars over `edges` (len = heights + 1), heights in `y`.
    Bars { edges: Vec<f64> },
}

/// One plotted data set.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub kind: Kind,
    pub x: Vec<f64>,
    pub y: Vec<f64>,
    pub label: Option<String>,
    pub color: Rgb,
    pub marker: Option<Marker>,
    pub line: LineStyle,
    /// Per-point values mapped to colours (`plt.scatter(x, y, c=labels)`).
    pub values: Option<Vec<f64>>,
}

impl Series {
    /// Is this series shown in the legend (labelled, not `_hidden`)?
    pub fn in_legend(&self) -> bool {
        self.label.as_ref().is_some_and(|l| !l.starts_with('_'))
    }

    /// The colour of point `i`: from `values` through viridis, else the series colour.
    pub fn point_color(&self, i: usize) -> Rgb {
        match &self.values {
            Some(v) if !v.is_empty() => {
                let lo = v.iter().copied().filter(|x| x.is_finite()).fold(f64::INFINITY, f64::min);
                let hi = v.iter().copied().filter(|x| x.is_finite()).fold(f64::NEG_INFINITY, f64::max);
                let t = if hi > lo { (v[i % v.len()] - lo) / (hi - lo) } else { 0.5 };
                viridis(t)
            }
            _ => self.color,
        }
    }
}

/// The viridis colour map (matplotlib's default for images), from ten stops.
pub fn viridis(t: f64) -> Rgb {
    const STOPS: [(u8, u8, u8); 10] = [
        (0x44, 0x01, 0x54),
        (0x48, 0x28, 0x78),
        (0x3e, 0x49, 0x89),
        (0x31, 0x68, 0x8e),
        (0x26, 0x82, 0x8e),
        (0x1f, 0x9e, 0x89),
        (0x35, 0xb7, 0x79),
        (0x6e, 0xce, 0x58),
        (0xb5, 0xde, 0x2b),
        (0xfd, 0xe7, 0x25),
    ];
    let t = if t.is_finite() { t.clamp(0.0, 1.0) } else { 0.0 };
    let pos = t * (STOPS.len() - 1) as f64;
    let i = (pos.floor() as usize).min(STOPS.len() - 2);
    let f = pos - i as f64;
    let mix = |a: u8, b: u8| (a as f64 + (b as f64 - a as f64) * f).round() as u8;
    let (a, b) = (STOPS[i], STOPS[i + 1]);
    Rgb(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// `plt.imshow` data: a row-major matrix.
#[derive(Debug, Clone, PartialEq)]
pub struct Image {
    pub rows: usize,
    pub cols: usize,
    pub data: Vec<f64>,
    pub vmin: f64,
    pub vmax: f64,
}

impl Image {
    /// Value at (r, c) scaled to 0..=1 (NaN stays NaN).
    pub fn norm(&self, r: usize, c: usize) -> f64 {
        let v = self.data[r * self.cols + c];
        if self.vmax > self.vmin {
            ((v - self.vmin) / (self.vmax - self.vmin)).clamp(0.0, 1.0)
        } else if v.is_nan() {
            v
        } else {
            0.0
        }
    }
}

/// Where `plt.legend(loc=...)` puts the legend.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LegendLoc {
    Best,
    UpperRight,
    UpperLeft,
    LowerLeft,
    LowerRight,
}

impl LegendLoc {
    pub fn parse(s: &str) -> Option<LegendLoc> {
        Some(match s {
            "best" => LegendLoc::Best,
            "upper right" | "right" | "center right" => LegendLoc::UpperRight,
            "upper left" | "center left" | "upper center" | "center" => LegendLoc::UpperLeft,
            "lower left" | "lower center" => LegendLoc::LowerLeft,
            "lower right" => LegendLoc::LowerRight,
            _ => return None,
        })
    }
}

/// Explicit ticks from `plt.xticks(ticks, labels)`.
#[derive(Debug, Clone, PartialEq)]
pub struct FixedTicks {
    pub at: Vec<f64>,
    pub labels: Option<Vec<String>>,
}

/// The current figure.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    pub series: Vec<Series>,
    pub image: Option<Image>,
    pub title: Option<String>,
    pub xlabel: Option<String>,
    pub ylabel: Option<String>,
    pub legend: Option<LegendLoc>,
    pub grid: bool,
    /// Inches, as `figsize=`.
    pub size: (f64, f64),
    pub dpi: f64,
    pub xlim: (Option<f64>, Option<f64>),
    pub ylim: (Option<f64>, Option<f64>),
    pub xticks: Option<FixedTicks>,
    pub yticks: Option<FixedTicks>,
    /// Position in the line and patch colour cycles.
    pub line_cycle: usize,
    pub patch_cycle: usize,
    /// Has anything created the axes (a plot, a title, a label...)?
    pub axes: bool,
}

impl Default for Figure {
    fn default() -> Self {
        Figure {
            series: Vec::new(),
            image: None,
            title: None,
            xlabel: None,
            ylabel: None,
            legend: None,
            grid: false,
            size: (6.4, 4.8),
            dpi: 100.0,
            xlim: (None, None),
            ylim: (None, None),
            xticks: None,
            yticks: None,
            line_cycle: 0,
            patch_cycle: 0,
            axes: false,
        }
    }
}

/// One axis: its view limits and ticks.
#[derive(Debug, Clone, PartialEq)]
pub struct Axis {
    pub lo: f64,
    pub hi: f64,
    pub ticks: Vec<f64>,
    pub labels: Vec<String>,
    /// `1e6` shown at the end of the axis when labels are scaled.
    pub power: Option<String>,
}

impl Axis {
    /// Ticks for a view, with `nbins` intervals at most, or the fixed ones.
    pub fn new(lo: f64, hi: f64, nbins: usize, fixed: Option<&FixedTicks>) -> Axis {
        let (a, b) = if lo <= hi { (lo, hi) } else { (hi, lo) };
        match fixed {
            Some(f) => {
                let eps = (b - a).abs() * 1e-9;
                let mut ticks = Vec::new();
                let mut labels = Vec::new();
                let auto = ticks::labels(&f.at).0;
                for (i, &t) in f.at.iter().enumerate() {
                    if t >= a - eps && t <= b + eps {
                        ticks.push(t);
                        labels.push(match &f.labels {
                            Some(l) => l.get(i).cloned().unwrap_or_default(),
                            None => auto[i].clone(),
                        });
                    }
                }
                Axis { lo, hi, ticks, labels, power: None }
            }
            None => {
                let ticks = ticks::locate(a, b, nbins);
                let (labels, power) = ticks::labels(&ticks);
                Axis { lo, hi, ticks, labels, power: power.map(ticks::power_label) }
            }
        }
    }
}

/// Data limits of the figure: (xmin, xmax, ymin, ymax), and whether y has
/// a sticky zero baseline (bars).
pub struct DataBounds {
    pub x: (f64, f64),
    pub y: (f64, f64),
    pub y_sticky: Option<f64>,
}

fn extend(b: &mut (f64, f64), v: f64) {
    if v.is_finite() {
        b.0 = b.0.min(v);
        b.1 = b.1.max(v);
    }
}

impl Figure {
    pub fn is_empty(&self) -> bool {
        self.series.is_empty() && self.image.is_none()
    }

    pub fn bounds(&self) -> DataBounds {
        let mut x = (f64::INFINITY, f64::NEG_INFINITY);
        let mut y = (f64::INFINITY, f64::NEG_INFINITY);
        let mut sticky = None;
        for s in &self.series {
            match &s.kind {
                Kind::Bars { edges } => {
                    for &e in edges {
                        extend(&mut x, e);
                    }
                    extend(&mut y, 0.0);
                    for &h in &s.y {
                        extend(&mut y, h);
                    }
                    sticky = Some(0.0);
                }
                _ => {
                    for (&a, &b) in s.x.iter().zip(&s.y) {
                        if a.is_finite() && b.is_finite() {
                            extend(&mut x, a);
                            extend(&mut y, b);
                        }
                    }
                }
            }
        }
        DataBounds { x, y, y_sticky: sticky }
    }

    /// View limits (xlo, xhi, ylo, yhi). For an image, y runs downwards:
    /// ylo is the top row's edge, as in matplotlib's `origin='upper'`.
    pub fn limits(&self) -> (f64, f64, f64, f64) {
        let b = self.bounds();
        let (mut x0, mut x1, mut y0, mut y1);
        if let Some(img) = &self.image {
            x0 = -0.5;
            x1 = img.cols as f64 - 0.5;
            y0 = img.rows as f64 - 0.5;
            y1 = -0.5;
        } else {
            (x0, x1) = ticks::autoscale(b.x.0, b.x.1, None);
            (y0, y1) = ticks::autoscale(b.y.0, b.y.1, b.y_sticky);
        }
        if let Some(v) = self.xlim.0 {
            x0 = v;
        }
        if let Some(v) = self.xlim.1 {
            x1 = v;
        }
        if let Some(v) = self.ylim.0 {
            y0 = v;
        }
        if let Some(v) = self.ylim.1 {
            y1 = v;
        }
        if x0 == x1 {
            (x0, x1) = ticks::nonsingular(x0, x1);
        }
        if y0 == y1 {
            (y0, y1) = ticks::nonsingular(y0, y1);
        }
        (x0, x1, y0, y1)
    }

    /// The next colour of the line cycle (`plt.plot`).
    pub fn next_line_color(&mut self) -> Rgb {
        let c = TAB10[self.line_cycle % 10];
        self.line_cycle += 1;
        c
    }

    /// The next colour of the patch cycle (`plt.scatter`, `plt.hist`).
    pub fn next_patch_color(&mut self) -> Rgb {
        let c = TAB10[self.patch_cycle % 10];
        self.patch_cycle += 1;
        c
    }
}

/// `np.histogram`'s counts: `bins` equal-width bins over `range` (default
/// the data's min..max), or explicit edges. The last bin includes its
/// right edge.
pub fn histogram(data: &[f64], bins: &HistBins, range: Option<(f64, f64)>) -> Result<(Vec<f64>, Vec<f64>), String> {
    let finite: Vec<f64> = data.iter().copied().filter(|v| !v.is_nan()).collect();
    let edges: Vec<f64> = match bins {
        HistBins::Edges(e) => {
            if e.windows(2).any(|w| w[1] < w[0]) {
                return Err("`bins` must increase monotonically, when an array".into());
            }
            e.clone()
        }
        HistBins::Count(n) => {
            if *n == 0 {
                return Err("`bins` must be positive, when an integer".into());
            }
            let (mut lo, mut hi) = match range {
                Some(r) => r,
                None if finite.is_empty() => (0.0, 1.0),
                None => (
                    finite.iter().cloned().fold(f64::INFINITY, f64::min),
                    finite.iter().cloned().fold(f64::NEG_INFINITY, f64::max),
                ),
            };
            if !(lo.is_finite() && hi.is_finite()) {
                return Err(format!("autodetected range of [{lo}, {hi}] is not finite"));
            }
            if lo > hi {
                return Err("max must be larger than min in range parameter.".into());
            }
            if lo == hi {
                lo -= 0.5;
                hi += 0.5;
            }
            (0..=*n).map(|i| lo + (hi - lo) * i as f64 / *n as f64).collect()
        }
    };
    let nb = edges.len().saturating_sub(1);
    let mut counts = vec![0.0; nb];
    if nb == 0 {
        return Ok((counts, edges));
    }
    let (first, last) = (edges[0], edges[nb]);
    for &v in &finite {
        if v < first || v > last {
            continue;
        }
        // The bin whose left edge is the last one <= v; v == last goes in the last bin.
        let k = match edges.partition_point(|&e| e <= v) {
            0 => 0,
            p => (p - 1).min(nb - 1),
        };
        counts[k] += 1.0;
    }
    Ok((counts, edges))
}

/// `bins=` of `plt.hist`.
#[derive(Debug, Clone, PartialEq)]
pub enum HistBins {
    Count(usize),
    Edges(Vec<f64>),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_matches_numpy() {
        // np.histogram([1, 2, 2, 3, 4], bins=3) -> [1, 2, 2], edges 1, 2, 3, 4
        let (c, e) = histogram(&[1.0, 2.0, 2.0, 3.0, 4.0], &HistBins::Count(3), None).unwrap();
        assert_eq!(c, vec![1.0, 2.0, 2.0]);
        assert_eq!(e, vec![1.0, 2.0, 3.0, 4.0]);
        let (c, _) = histogram(&[0.5, 1.0, 1.5, 2.0], &HistBins::Edges(vec![0.0, 1.0, 2.0]), None).unwrap();
        assert_eq!(c, vec![1.0, 3.0]);
    }

    #[test]
    fn colors() {
        assert_eq!(parse_color("C1"), Some(TAB10[1]));
        assert_eq!(parse_color("#ff0000"), Some(Rgb(255, 0, 0)));
        assert_eq!(parse_color("tab:green"), Some(TAB10[2]));
        assert_eq!(parse_color("nope"), None);
    }
}
