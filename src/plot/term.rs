//! Drawing a figure as text: the plot area is a grid of Unicode braille
//! characters (2×4 dots per cell) inside a frame with tick marks, tick
//! labels, the title, the axis labels and a legend box. Markers are drawn
//! as whole characters (`•`, `×`, `▲`...); without colour every series gets
//! its own marker so that series stay distinguishable.

use super::figure::{Axis, Figure, Kind, LegendLoc, LineStyle, Marker, Rgb, Series, MONO_MARKERS};

/// The size of the text figure and whether to use ANSI colours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TermSize {
    /// Total width in columns, tick labels included.
    pub width: usize,
    /// Total height in lines, title and labels included.
    pub height: usize,
    pub colour: bool,
}

/// The size used when output is not a terminal: fixed, so transcripts are stable.
pub const FIXED: TermSize = TermSize { width: 72, height: 20, colour: false };

#[derive(Clone, Copy, Default)]
struct Cell {
    bits: u8,
    dot_colour: Option<Rgb>,
    glyph: Option<char>,
    glyph_colour: Option<Rgb>,
    bg: Option<Rgb>,
}

struct Canvas {
    w: usize,
    h: usize,
    cells: Vec<Cell>,
}

impl Canvas {
    fn new(w: usize, h: usize) -> Canvas {
        Canvas { w, h, cells: vec![Cell::default(); w * h] }
    }
    fn dot(&mut self, dx: i64, dy: i64, colour: Rgb) {
        if dx < 0 || dy < 0 || dx >= 2 * self.w as i64 || dy >= 4 * self.h as i64 {
            return;
        }
        let (cx, cy) = ((dx / 2) as usize, (dy / 4) as usize);
        let bit = match (dx % 2, dy % 4) {
            (0, 0) => 0x01,
            (0, 1) => 0x02,
            (0, 2) => 0x04,
            (1, 0) => 0x08,
            (1, 1) => 0x10,
            (1, 2) => 0x20,
            (0, 3) => 0x40,
            _ => 0x80,
        };
        let c = &mut self.cells[cy * self.w + cx];
        c.bits |= bit;
        c.dot_colour = Some(colour);
    }
    fn glyph(&mut self, cx: i64, cy: i64, ch: char, colour: Option<Rgb>) {
        if cx < 0 || cy < 0 || cx >= self.w as i64 || cy >= self.h as i64 {
            return;
        }
        let c = &mut self.cells[cy as usize * self.w + cx as usize];
        c.glyph = Some(ch);
        c.glyph_colour = colour;
    }
    fn used(&self, cx: usize, cy: usize) -> bool {
        let c = &self.cells[cy * self.w + cx];
        c.bits != 0 || c.glyph.is_some() || c.bg.is_some()
    }
}

/// Maps data coordinates to dot coordinates of the plot area.
struct Map {
    x0: f64,
    x1: f64,
    y0: f64,
    y1: f64,
    w: usize,
    h: usize,
}

impl Map {
    // Halved operands keep spans near ±1.8e308 finite.
    fn dx(&self, x: f64) -> f64 {
        (x * 0.5 - self.x0 * 0.5) / (self.x1 * 0.5 - self.x0 * 0.5) * (2 * self.w) as f64
    }
    fn dy(&self, y: f64) -> f64 {
        (self.y1 * 0.5 - y * 0.5) / (self.y1 * 0.5 - self.y0 * 0.5) * (4 * self.h) as f64
    }
    fn col(&self, x: f64) -> Option<usize> {
        let d = self.dx(x);
        (d >= -1e-9 && d <= (2 * self.w) as f64 + 1e-9).then(|| ((d / 2.0).floor().max(0.0) as usize).min(self.w - 1))
    }
    fn row(&self, y: f64) -> Option<usize> {
        let d = self.dy(y);
        (d >= -1e-9 && d <= (4 * self.h) as f64 + 1e-9).then(|| ((d / 4.0).floor().max(0.0) as usize).min(self.h - 1))
    }
}

/// Clip the segment a→b to the box [0, w]×[0, h] (Liang–Barsky).
fn clip(a: (f64, f64), b: (f64, f64), w: f64, h: f64) -> Option<((f64, f64), (f64, f64))> {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let (mut t0, mut t1) = (0.0f64, 1.0f64);
    for (p, q) in [(-dx, a.0), (dx, w - a.0), (-dy, a.1), (dy, h - a.1)] {
        if p == 0.0 {
            if q < 0.0 {
                return None;
            }
        } else {
            let r = q / p;
            if p < 0.0 {
                t0 = t0.max(r);
            } else {
                t1 = t1.min(r);
            }
        }
    }
    (t0 <= t1).then_some(((a.0 + t0 * dx, a.1 + t0 * dy), (a.0 + t1 * dx, a.1 + t1 * dy)))
}

fn draw_segment(c: &mut Canvas, a: (f64, f64), b: (f64, f64), style: LineStyle, colour: Rgb, phase: &mut usize) {
    if ![a.0, a.1, b.0, b.1].iter().all(|v| v.is_finite()) {
        return;
    }
    let (w, h) = ((2 * c.w) as f64 - 1e-6, (4 * c.h) as f64 - 1e-6);
    let Some((a, b)) = clip(a, b, w, h) else { return };
    // A clipped segment is at most the canvas diagonal long.
    let steps = (b.0 - a.0).abs().max((b.1 - a.1).abs()).ceil().clamp(1.0, 1e6) as usize;
    for i in 0..=steps {
        let t = i as f64 / steps as f64;
        let (x, y) = (a.0 + (b.0 - a.0) * t, a.1 + (b.1 - a.1) * t);
        let on = match style {
            LineStyle::Solid => true,
            LineStyle::Dashed => *phase % 6 < 4,
            LineStyle::Dotted => (*phase).is_multiple_of(3),
            LineStyle::DashDot => matches!(*phase % 8, 0..=3 | 6),
            LineStyle::None => false,
        };
        if i > 0 || *phase == 0 {
            *phase += 1;
        }
        if on {
            c.dot(x.floor() as i64, y.floor() as i64, colour);
        }
    }
}

/// Markers used in the terminal: explicit ones, and distinct ones for
/// every series when there is no colour to tell series apart.
fn term_markers(fig: &Figure, colour: bool) -> Vec<Option<Marker>> {
    let marked = fig.series.iter().filter(|s| !matches!(s.kind, Kind::Bars { .. })).count();
    let mut used: Vec<Marker> = Vec::new();
    fig.series
        .iter()
        .map(|s| {
            let natural = match s.kind {
                Kind::Bars { .. } => return None,
                Kind::Scatter => Some(s.marker.unwrap_or(Marker::Circle)),
                Kind::Line => s.marker.or_else(|| (!colour && marked > 1).then_some(Marker::Point)),
            };
            let m = natural?;
            let m = if !colour && used.contains(&m) {
                MONO_MARKERS.iter().copied().find(|c| !used.contains(c)).unwrap_or(m)
            } else {
                m
            };
            used.push(m);
            Some(m)
        })
        .collect()
}

/// Dot patterns for bar series when there is no colour (full, checkered, striped).
fn bar_pattern(k: usize, dx: i64, dy: i64) -> bool {
    match k % 3 {
        0 => true,
        1 => (dx + dy) % 2 == 0,
        _ => dy % 2 == 0,
    }
}

fn bar_sample(k: usize, colour: bool) -> String {
    if colour {
        return "███".into();
    }
    let ch = match k % 3 {
        0 => '⣿',
        1 => '⢕',
        _ => '⠭',
    };
    std::iter::repeat_n(ch, 3).collect()
}

fn truncate(s: &str, width: usize) -> String {
    let n = s.chars().count();
    if n <= width {
        return s.to_string();
    }
    if width == 0 {
        return String::new();
    }
    let mut t: String = s.chars().take(width - 1).collect();
    t.push('…');
    t
}

fn centered(text: &str, offset: usize, width: usize) -> String {
    let t = truncate(text, width);
    let pad = (width - t.chars().count()) / 2;
    format!("{}{}{}", " ".repeat(offset), " ".repeat(pad), t)
}

/// The legend's entries: the sample drawn before each label.
fn legend_entries(fig: &Figure, markers: &[Option<Marker>], colour: bool) -> Vec<(String, String, Rgb)> {
    let mut bar_index = 0;
    let mut out = Vec::new();
    for (s, m) in fig.series.iter().zip(markers) {
        let sample = match (&s.kind, m) {
            (Kind::Bars { .. }, _) => {
                bar_index += 1;
                bar_sample(bar_index - 1, colour)
            }
            (Kind::Scatter, Some(m)) => format!(" {} ", m.glyph()),
            (Kind::Line, Some(m)) if s.line == LineStyle::None => format!(" {} ", m.glyph()),
            (Kind::Line, Some(m)) => format!("─{}─", m.glyph()),
            (Kind::Line, None) if s.line == LineStyle::Dashed => "╌╌╌".into(),
            (Kind::Line, None) if s.line == LineStyle::Dotted => "┄┄┄".into(),
            _ => "───".into(),
        };
        if s.in_legend() {
            out.push((sample, s.label.clone().unwrap_or_default(), s.color));
        }
    }
    out
}

/// Render the figure as text (no trailing newline).
pub fn render(fig: &Figure, size: TermSize) -> String {
    let colour = size.colour;
    let width = size.width.max(30);
    let (x0, x1, y0, y1) = fig.limits();
    let markers = term_markers(fig, colour);
    let legend = match fig.legend {
        Some(loc) => {
            let e = legend_entries(fig, &markers, colour);
            (!e.is_empty()).then_some((loc, e))
        }
        None => None,
    };

    // Rows: title, y label, top frame, plot, bottom frame, x tick labels, x label.
    let fixed_rows = usize::from(fig.title.is_some()) + 1 + 1 + 1 + 1 + usize::from(fig.xlabel.is_some());
    let mut ph = size.height.saturating_sub(fixed_rows).max(4);

    // y ticks first: their labels' width decides the plot width.
    let mut ny = (ph / 2).clamp(1, 9);
    let yaxis = loop {
        let ax = Axis::new(y0, y1, ny, fig.yticks.as_ref());
        let map = Map { x0: 0.0, x1: 1.0, y0, y1, w: 1, h: ph };
        let rows: Vec<usize> = ax.ticks.iter().filter_map(|&t| map.row(t)).collect();
        let distinct = rows.windows(2).all(|w| w[0].abs_diff(w[1]) >= 2);
        if distinct || ny == 1 || fig.yticks.is_some() {
            break ax;
        }
        ny -= 1;
    };
    let ylabel_line = match (&fig.ylabel, &yaxis.power) {
        (Some(l), Some(p)) => Some(format!("{p}  {l}")),
        (Some(l), None) => Some(l.clone()),
        (None, Some(p)) => Some(p.clone()),
        (None, None) => None,
    };
    if ylabel_line.is_none() {
        ph += 1;
    }
    let lw = yaxis.labels.iter().map(|l| l.chars().count()).max().unwrap_or(0);
    let mut pw = width.saturating_sub(lw + 2).max(8);

    // An image keeps square pixels: two columns per row.
    if let Some(img) = &fig.image {
        if fig.xlim == (None, None) && fig.ylim == (None, None) {
            let s = (pw as f64 / (2 * img.cols) as f64).min(ph as f64 / img.rows as f64);
            pw = ((2 * img.cols) as f64 * s).round().clamp(2.0, pw as f64) as usize;
            ph = (img.rows as f64 * s).round().clamp(1.0, ph as f64) as usize;
        }
    }
    let legend_below = legend.as_ref().is_some_and(|(_, e)| {
        let bw = e.iter().map(|(s, l, _)| s.chars().count() + 1 + l.chars().count()).max().unwrap_or(0) + 4;
        bw + 2 > pw || e.len() + 2 > ph
    });
    if legend_below {
        ph = ph.saturating_sub(1).max(3);
    }
    let map = Map { x0, x1, y0, y1, w: pw, h: ph };

    // x ticks: as many as fit without their labels touching.
    let mut nx = (pw / 8).clamp(1, 9);
    let xaxis = loop {
        let ax = Axis::new(x0, x1, nx, fig.xticks.as_ref());
        let cols: Vec<usize> = ax.ticks.iter().filter_map(|&t| map.col(t)).collect();
        let maxlen = ax.labels.iter().map(|l| l.chars().count()).max().unwrap_or(0);
        let fits = cols.windows(2).all(|w| w[0].abs_diff(w[1]) > maxlen);
        if fits || nx == 1 || fig.xticks.is_some() {
            break ax;
        }
        nx -= 1;
    };

    let mut canvas = Canvas::new(pw, ph);
    if let Some(img) = &fig.image {
        for cy in 0..ph {
            for cx in 0..pw {
                let x = x0 + (cx as f64 + 0.5) / pw as f64 * (x1 - x0);
                let y = y1 + (cy as f64 + 0.5) / ph as f64 * (y0 - y1);
                let (c, r) = ((x + 0.5).floor(), (y + 0.5).floor());
                if c < 0.0 || r < 0.0 || c >= img.cols as f64 || r >= img.rows as f64 {
                    continue;
                }
                let v = img.norm(r as usize, c as usize);
                if v.is_nan() {
                    continue;
                }
                if colour {
                    canvas.cells[cy * pw + cx].bg = Some(super::figure::viridis(v));
                } else {
                    let shade = [' ', '░', '▒', '▓', '█'][((v * 5.0).floor() as usize).min(4)];
                    if shade != ' ' {
                        canvas.glyph(cx as i64, cy as i64, shade, None);
                    }
                }
            }
        }
    }
    let mut bar_index = 0;
    for (s, m) in fig.series.iter().zip(&markers) {
        draw_series(&mut canvas, &map, s, *m, &mut bar_index, colour);
    }

    // The legend box, in the emptiest corner ('best') or where asked.
    let mut below_line = None;
    if let Some((loc, entries)) = &legend {
        if legend_below {
            let parts: Vec<String> = entries.iter().map(|(s, l, _)| format!("{s} {l}")).collect();
            below_line = Some(truncate(&format!("{}{}", " ".repeat(lw + 1), parts.join("   ")), width));
        } else {
            draw_legend(&mut canvas, *loc, entries, colour);
        }
    }

    // Grid lines go under the data: a dotted '·' line, only in empty cells.
    if fig.grid {
        let grey = colour.then_some(Rgb(0x80, 0x80, 0x80));
        let empty = |c: &Canvas, x: usize, y: usize| !c.used(x, y);
        let cols: Vec<usize> = xaxis.ticks.iter().filter_map(|&t| map.col(t)).collect();
        let rows: Vec<usize> = yaxis.ticks.iter().filter_map(|&t| map.row(t)).collect();
        for &cx in &cols {
            for cy in 0..ph {
                if empty(&canvas, cx, cy) {
                    canvas.glyph(cx as i64, cy as i64, '·', grey);
                }
            }
        }
        for &cy in &rows {
            for cx in (0..pw).filter(|x| x % 3 == 0) {
                if empty(&canvas, cx, cy) {
                    canvas.glyph(cx as i64, cy as i64, '·', grey);
                }
            }
        }
    }

    // Assemble the lines.
    let mut lines: Vec<String> = Vec::new();
    if let Some(t) = &fig.title {
        lines.push(centered(t, lw + 1, pw));
    }
    if let Some(l) = &ylabel_line {
        lines.push(truncate(l, width));
    }
    let tick_rows: Vec<Option<usize>> = yaxis.ticks.iter().map(|&t| map.row(t)).collect();
    let tick_cols: Vec<usize> = xaxis.ticks.iter().filter_map(|&t| map.col(t)).collect();
    lines.push(format!("{}┌{}┐", " ".repeat(lw), "─".repeat(pw)));
    for cy in 0..ph {
        let label = tick_rows.iter().position(|r| *r == Some(cy)).map(|i| yaxis.labels[i].clone()).unwrap_or_default();
        let tick = if tick_rows.contains(&Some(cy)) { '┤' } else { '│' };
        let mut line = format!("{:>lw$}{tick}", label, lw = lw);
        line.push_str(&row_text(&canvas, cy, colour));
        line.push('│');
        lines.push(line);
    }
    let mut bottom = format!("{}└", " ".repeat(lw));
    for cx in 0..pw {
        bottom.push(if tick_cols.contains(&cx) { '┬' } else { '─' });
    }
    bottom.push('┘');
    lines.push(bottom);
    lines.push(tick_label_line(&xaxis, &map, lw + 1, width));
    if let Some(l) = &fig.xlabel {
        lines.push(centered(l, lw + 1, pw));
    }
    if let Some(l) = below_line {
        lines.push(l);
    }
    lines.iter().map(|l| l.trim_end()).collect::<Vec<_>>().join("\n")
}

fn draw_series(c: &mut Canvas, map: &Map, s: &Series, marker: Option<Marker>, bar_index: &mut usize, colour: bool) {
    match &s.kind {
        Kind::Bars { edges } => {
            let k = *bar_index;
            *bar_index += 1;
            let base = map.dy(0.0_f64.max(map.y0.min(map.y1)));
            for (i, &hgt) in s.y.iter().enumerate() {
                if hgt == 0.0 || !hgt.is_finite() {
                    continue;
                }
                let xa = map.dx(edges[i]).round() as i64;
                let mut xb = map.dx(edges[i + 1]).round() as i64 - 1;
                if xb - xa >= 2 {
                    xb -= 1; // a one-dot gap between bars
                }
                let (ya, yb) = {
                    let top = map.dy(hgt).round() as i64;
                    let bot = base.round() as i64 - 1;
                    (top.min(bot), top.max(bot))
                };
                for dx in xa..=xb.max(xa) {
                    for dy in ya..=yb {
                        if colour || bar_pattern(k, dx, dy) {
                            c.dot(dx, dy, s.color);
                        }
                    }
                }
            }
        }
        Kind::Line | Kind::Scatter => {
            let pts: Vec<Option<(f64, f64)>> =
                s.x.iter()
                    .zip(&s.y)
                    .map(|(&x, &y)| (x.is_finite() && y.is_finite()).then(|| (map.dx(x), map.dy(y))))
                    .collect();
            if s.kind == Kind::Line && s.line != LineStyle::None {
                let mut phase = 0;
                for w in pts.windows(2) {
                    if let [Some(a), Some(b)] = w {
                        draw_segment(c, *a, *b, s.line, s.color, &mut phase);
                    }
                }
                if pts.len() == 1 && marker.is_none() {
                    if let Some((x, y)) = pts[0] {
                        c.dot(x.floor() as i64, y.floor() as i64, s.color);
                    }
                }
            }
            if let Some(m) = marker {
                // Markers chosen only to tell series apart are thinned out on dense lines.
                let step = if s.marker.is_none() && s.kind == Kind::Line {
                    pts.len().div_ceil((c.w / 3).max(1)).max(1)
                } else {
                    1
                };
                // Without colour, a few distinct `c=` values get a marker each.
                let classes: Vec<f64> = match &s.values {
                    Some(v) if !colour => {
                        let mut d: Vec<f64> = v.iter().copied().filter(|x| x.is_finite()).collect();
                        d.sort_by(f64::total_cmp);
                        d.dedup();
                        if d.len() <= MONO_MARKERS.len() {
                            d
                        } else {
                            Vec::new()
                        }
                    }
                    _ => Vec::new(),
                };
                for (i, p) in pts.iter().enumerate().step_by(step) {
                    let Some((x, y)) = *p else { continue };
                    let (w, h) = ((2 * c.w) as f64, (4 * c.h) as f64);
                    if x >= 0.0 && y >= 0.0 && x <= w && y <= h {
                        let cx = ((x / 2.0).floor() as i64).min(c.w as i64 - 1);
                        let cy = ((y / 4.0).floor() as i64).min(c.h as i64 - 1);
                        let glyph = match (&s.values, classes.is_empty()) {
                            (Some(v), false) => {
                                let k = classes.iter().position(|&x| x == v[i % v.len()]).unwrap_or(0);
                                MONO_MARKERS[k].glyph()
                            }
                            _ => m.glyph(),
                        };
                        c.glyph(cx, cy, glyph, colour.then(|| s.point_color(i)));
                    }
                }
            }
        }
    }
}

fn draw_legend(c: &mut Canvas, loc: LegendLoc, entries: &[(String, String, Rgb)], colour: bool) {
    let inner = entries.iter().map(|(s, l, _)| s.chars().count() + 1 + l.chars().count()).max().unwrap_or(0);
    let (bw, bh) = (inner + 4, entries.len() + 2);
    let corners = |l: LegendLoc| -> (usize, usize) {
        let right = c.w.saturating_sub(bw + 1);
        let bottom = c.h.saturating_sub(bh);
        match l {
            LegendLoc::UpperRight | LegendLoc::Best => (right, 0),
            LegendLoc::UpperLeft => (1, 0),
            LegendLoc::LowerLeft => (1, bottom),
            LegendLoc::LowerRight => (right, bottom),
        }
    };
    let (x, y) = if loc == LegendLoc::Best {
        let order = [LegendLoc::UpperRight, LegendLoc::UpperLeft, LegendLoc::LowerLeft, LegendLoc::LowerRight];
        let overlap = |l: LegendLoc| {
            let (x, y) = corners(l);
            let mut n = 0;
            for cy in y..(y + bh).min(c.h) {
                for cx in x..(x + bw).min(c.w) {
                    n += usize::from(c.used(cx, cy));
                }
            }
            n
        };
        let best = order.iter().copied().min_by_key(|&l| overlap(l)).unwrap_or(LegendLoc::UpperRight);
        corners(best)
    } else {
        corners(loc)
    };
    let mut put = |cx: usize, cy: usize, ch: char, col: Option<Rgb>| {
        let cell = &mut c.cells[cy * c.w + cx];
        *cell = Cell { glyph: Some(ch), glyph_colour: col, ..Cell::default() };
    };
    for dy in 0..bh {
        let cy = y + dy;
        if cy >= c.h {
            break;
        }
        let row: Vec<(char, Option<Rgb>)> = if dy == 0 {
            std::iter::once('┌')
                .chain(std::iter::repeat_n('─', bw - 2))
                .chain(std::iter::once('┐'))
                .map(|ch| (ch, None))
                .collect()
        } else if dy == bh - 1 {
            std::iter::once('└')
                .chain(std::iter::repeat_n('─', bw - 2))
                .chain(std::iter::once('┘'))
                .map(|ch| (ch, None))
                .collect()
        } else {
            let (sample, label, rgb) = &entries[dy - 1];
            let mut r = vec![('│', None), (' ', None)];
            r.extend(sample.chars().map(|ch| (ch, colour.then_some(*rgb))));
            r.push((' ', None));
            r.extend(label.chars().map(|ch| (ch, None)));
            while r.len() < bw - 1 {
                r.push((' ', None));
            }
            r.push(('│', None));
            r
        };
        for (dx, (ch, col)) in row.into_iter().enumerate() {
            if x + dx < c.w {
                put(x + dx, cy, ch, col);
            }
        }
    }
}

fn ansi_fg(c: Rgb) -> String {
    format!("\x1b[38;2;{};{};{}m", c.0, c.1, c.2)
}

fn ansi_bg(c: Rgb) -> String {
    format!("\x1b[48;2;{};{};{}m", c.0, c.1, c.2)
}

fn row_text(c: &Canvas, cy: usize, colour: bool) -> String {
    let mut out = String::new();
    let mut current: (Option<Rgb>, Option<Rgb>) = (None, None);
    for cx in 0..c.w {
        let cell = &c.cells[cy * c.w + cx];
        let (ch, fg) = match cell.glyph {
            Some(g) => (g, cell.glyph_colour),
            None if cell.bits != 0 => (char::from_u32(0x2800 + cell.bits as u32).unwrap_or(' '), cell.dot_colour),
            None => (' ', None),
        };
        if colour {
            let want = (fg, cell.bg);
            if want != current {
                out.push_str("\x1b[0m");
                if let Some(f) = fg {
                    out.push_str(&ansi_fg(f));
                }
                if let Some(b) = cell.bg {
                    out.push_str(&ansi_bg(b));
                }
                current = want;
            }
        }
        out.push(ch);
    }
    if colour && current != (None, None) {
        out.push_str("\x1b[0m");
    }
    out
}

/// The x tick labels, centred under their tick marks, never overlapping.
fn tick_label_line(ax: &Axis, map: &Map, offset: usize, width: usize) -> String {
    let mut line: Vec<char> = vec![' '; width];
    let mut next_free = 0usize;
    for (t, label) in ax.ticks.iter().zip(&ax.labels) {
        let Some(col) = map.col(*t) else { continue };
        let chars: Vec<char> = label.chars().collect();
        let n = chars.len();
        let centre = offset + col;
        let start = centre.saturating_sub(n.saturating_sub(1) / 2).min(width.saturating_sub(n));
        if start < next_free {
            continue;
        }
        for (i, ch) in chars.into_iter().enumerate() {
            if start + i < width {
                line[start + i] = ch;
            }
        }
        next_free = start + n + 1;
    }
    if let Some(p) = &ax.power {
        let n = p.chars().count();
        if next_free + n < width {
            for (i, ch) in p.chars().enumerate() {
                line[width - n + i] = ch;
            }
        }
    }
    line.into_iter().collect()
}
