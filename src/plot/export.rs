//! `plt.savefig`: the figure as an SVG or PNG image, drawn with plotters.
//! The layout follows matplotlib's defaults (axes box from 12.5% to 90% of
//! the width and 11% to 88% of the height, 10 pt tick labels, 12 pt title)
//! and uses the same limits and ticks as the terminal renderer. PNG text
//! is rendered with an embedded subset of DejaVu Sans (matplotlib's default
//! font), so images look the same on every machine.

use plotters::coord::ranged1d::{KeyPointHint, NoDefaultFormatting, Ranged, ValueFormatter};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::figure::{Axis, Figure, Kind, LegendLoc, LineStyle, Marker, Rgb};

/// DejaVu Sans (Bitstream Vera licence, see `font/LICENSE`), reduced to
/// Latin, Greek and common symbols.
static FONT: &[u8] = include_bytes!("font/DejaVuSans-npr.ttf");

fn register_font() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // The embedded font is valid; if it were not, text would be missing, not wrong.
        let _ = plotters::style::register_font("sans-serif", FontStyle::Normal, FONT);
    });
}

/// Image formats `savefig` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Svg,
    Png,
}

/// Render `fig` in `format` at `dpi`.
pub fn render(fig: &Figure, format: Format, dpi: f64) -> Result<Vec<u8>, String> {
    register_font();
    let (wf, hf) = ((fig.size.0 * dpi).round(), (fig.size.1 * dpi).round());
    if !(wf < 65536.0 && hf < 65536.0) {
        return Err(format!(
            "Image size of {wf}x{hf} pixels is too large. It must be less than 2^16 in each direction."
        ));
    }
    let (w, h) = (wf.max(16.0) as u32, hf.max(16.0) as u32);
    let scale = dpi / 72.0;
    match format {
        Format::Svg => {
            let mut text = String::new();
            {
                let root = SVGBackend::with_string(&mut text, (w, h)).into_drawing_area();
                draw(&root, fig, scale)?;
                root.present().map_err(|e| format!("{e:?}"))?;
            }
            Ok(text.into_bytes())
        }
        Format::Png => {
            let mut buf = vec![255u8; (w as usize) * (h as usize) * 3];
            {
                let root = BitMapBackend::with_buffer(&mut buf, (w, h)).into_drawing_area();
                draw(&root, fig, scale)?;
                root.present().map_err(|e| format!("{e:?}"))?;
            }
            encode_png(&buf, w, h, dpi)
        }
    }
}

fn encode_png(rgb: &[u8], w: u32, h: u32, dpi: f64) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, w, h);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        let ppm = (dpi / 0.0254).round() as u32;
        enc.set_pixel_dims(Some(png::PixelDimensions { xppu: ppm, yppu: ppm, unit: png::Unit::Meter }));
        let mut writer = enc.write_header().map_err(|e| e.to_string())?;
        writer.write_image_data(rgb).map_err(|e| e.to_string())?;
    }
    Ok(out)
}

fn rgb(c: Rgb) -> RGBColor {
    RGBColor(c.0, c.1, c.2)
}

type Chart<'a, DB> = ChartContext<'a, DB, Cartesian2d<TickAxis, TickAxis>>;

/// Markers at data points, `r` pixels in radius, one colour per point.
fn draw_markers<DB: DrawingBackend>(
    chart: &mut Chart<'_, DB>,
    m: Marker,
    pts: &[(usize, (f64, f64))],
    r: i32,
    colour_of: &dyn Fn(usize) -> RGBColor,
) -> Result<(), String> {
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| format!("{e:?}");
    let it = pts.iter().map(|&(i, p)| (p, colour_of(i)));
    match m {
        Marker::Point | Marker::Circle | Marker::Pixel => {
            chart
                .draw_series(it.map(|(p, c)| EmptyElement::at(p) + Circle::new((0, 0), r, c.filled())))
                .map_err(err)?;
        }
        Marker::Square => {
            chart
                .draw_series(it.map(|(p, c)| EmptyElement::at(p) + Rectangle::new([(-r, -r), (r, r)], c.filled())))
                .map_err(err)?;
        }
        Marker::TriangleUp | Marker::TriangleDown | Marker::Diamond => {
            let shape: Vec<(i32, i32)> = match m {
                Marker::TriangleUp => vec![(0, -r - 1), (-r - 1, r), (r + 1, r)],
                Marker::TriangleDown => vec![(0, r + 1), (-r - 1, -r), (r + 1, -r)],
                _ => vec![(0, -r - 1), (r, 0), (0, r + 1), (-r, 0)],
            };
            chart
                .draw_series(it.map(|(p, c)| EmptyElement::at(p) + Polygon::new(shape.clone(), c.filled())))
                .map_err(err)?;
        }
        Marker::Plus | Marker::Cross | Marker::Star => {
            let mut strokes: Vec<[(i32, i32); 2]> = Vec::new();
            if m != Marker::Cross {
                strokes.extend([[(-r, 0), (r, 0)], [(0, -r), (0, r)]]);
            }
            if m != Marker::Plus {
                let d = if m == Marker::Star { r - 1 } else { r };
                strokes.extend([[(-d, -d), (d, d)], [(-d, d), (d, -d)]]);
            }
            for st in strokes {
                chart
                    .draw_series(pts.iter().map(|&(i, p)| {
                        EmptyElement::at(p) + PathElement::new(st.to_vec(), colour_of(i).stroke_width(2))
                    }))
                    .map_err(err)?;
            }
        }
    }
    Ok(())
}

/// matplotlib's 'best' legend corner: the one covering the fewest data points.
fn best_corner(fig: &Figure, lim: (f64, f64, f64, f64)) -> SeriesLabelPosition {
    let (x0, x1, y0, y1) = lim;
    let n = fig.series.iter().filter(|s| s.in_legend()).count() as f64;
    let (bw, bh) = (0.4, (0.08 * n + 0.04).min(0.9));
    let mut pts: Vec<(f64, f64)> = Vec::new();
    for s in &fig.series {
        match &s.kind {
            Kind::Bars { edges } => {
                for (i, &hgt) in s.y.iter().enumerate() {
                    let xm = (edges[i] + edges[i + 1]) / 2.0;
                    for k in 0..=4 {
                        pts.push((xm, hgt * k as f64 / 4.0));
                    }
                }
            }
            _ => pts.extend(s.x.iter().copied().zip(s.y.iter().copied())),
        }
    }
    let norm: Vec<(f64, f64)> = pts.iter().map(|&(x, y)| ((x - x0) / (x1 - x0), (y - y0) / (y1 - y0))).collect();
    let count =
        |fx: f64, fy: f64| norm.iter().filter(|&&(x, y)| x >= fx && x <= fx + bw && y >= fy && y <= fy + bh).count();
    let candidates = [
        (SeriesLabelPosition::UpperRight, 1.0 - bw, 1.0 - bh),
        (SeriesLabelPosition::UpperLeft, 0.0, 1.0 - bh),
        (SeriesLabelPosition::LowerLeft, 0.0, 0.0),
        (SeriesLabelPosition::LowerRight, 1.0 - bw, 0.0),
    ];
    candidates
        .iter()
        .min_by_key(|(_, fx, fy)| count(*fx, *fy))
        .map(|(p, _, _)| p.clone())
        .unwrap_or(SeriesLabelPosition::UpperRight)
}

/// An axis with exactly our ticks and labels, for plotters' mesh.
#[derive(Clone)]
struct TickAxis(Axis);

impl Ranged for TickAxis {
    type FormatOption = NoDefaultFormatting;
    type ValueType = f64;

    fn map(&self, v: &f64, limit: (i32, i32)) -> i32 {
        let (lo, hi) = (self.0.lo.min(self.0.hi), self.0.lo.max(self.0.hi));
        let f = (v * 0.5 - lo * 0.5) / (hi * 0.5 - lo * 0.5);
        let len = (limit.1 - limit.0) as f64;
        let p = limit.0 as f64 + len * f + 1e-3;
        // Far-away points (outside xlim) stay far away without overflowing.
        let bound = 4.0 * len.abs() + 10000.0;
        p.clamp(limit.0.min(limit.1) as f64 - bound, limit.0.max(limit.1) as f64 + bound).floor() as i32
    }

    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            Vec::new()
        } else {
            self.0.ticks.clone()
        }
    }

    fn range(&self) -> std::ops::Range<f64> {
        self.0.lo.min(self.0.hi)..self.0.lo.max(self.0.hi)
    }
}

impl ValueFormatter<f64> for TickAxis {
    fn format_ext(&self, v: &f64) -> String {
        let tol = (self.0.hi - self.0.lo).abs() * 1e-9;
        self.0.ticks.iter().position(|t| (t - v).abs() <= tol).map(|i| self.0.labels[i].clone()).unwrap_or_default()
    }
}

fn draw<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, fig: &Figure, scale: f64) -> Result<(), String> {
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| format!("{e:?}");
    root.fill(&WHITE).map_err(err)?;
    if !fig.axes {
        return Ok(());
    }
    let (w, h) = root.dim_in_pixel();
    let (w, h) = (w as f64, h as f64);
    let px = |pt: f64| (pt * scale).round().max(1.0);
    let (x0, x1, ylo, yhi) = fig.limits();
    // An image's y axis runs downwards: draw it on -y.
    let flip = fig.image.is_some() && ylo > yhi;
    let (y0, y1) = if flip { (-ylo, -yhi) } else { (ylo, yhi) };

    let (cx0, cx1) = if x0 <= x1 { (x0, x1) } else { (x1, x0) };
    let (cy0, cy1) = if y0 <= y1 { (y0, y1) } else { (y1, y0) };
    // matplotlib's axes box; an image keeps square pixels, so its box shrinks to the image's aspect.
    let (mut bl, mut br, mut bt, mut bb) = (w * 0.125, w * 0.9, h * 0.12, h * 0.89);
    if let Some(img) = &fig.image {
        let (aw, ah) = (br - bl, bb - bt);
        let want = (cx1 - cx0).abs() / (cy1 - cy0).abs().max(1e-300);
        if want.is_finite() && img.rows > 0 && img.cols > 0 {
            if want > aw / ah {
                let nh = aw / want;
                bt += (ah - nh) / 2.0;
                bb = bt + nh;
            } else {
                let nw = ah * want;
                bl += (aw - nw) / 2.0;
                br = bl + nw;
            }
        }
    }
    let (box_w, box_h) = (br - bl, bb - bt);
    let nx = ((box_w / scale) / 30.0).floor().clamp(1.0, 9.0) as usize;
    let ny = ((box_h / scale) / 20.0).floor().clamp(1.0, 9.0) as usize;
    let xaxis = Axis::new(x0, x1, nx, fig.xticks.as_ref());
    let mut yaxis = if flip {
        let a = Axis::new(yhi, ylo, ny, fig.yticks.as_ref());
        let ticks = a.ticks.iter().map(|t| -t).collect();
        Axis { lo: y0, hi: y1, ticks, ..a }
    } else {
        Axis::new(y0, y1, ny, fig.yticks.as_ref())
    };
    if let Some(p) = yaxis.power.take() {
        let style = TextStyle::from(("sans-serif", px(10.0)).into_font()).pos(Pos::new(HPos::Left, VPos::Bottom));
        root.draw_text(&p, &style, (bl as i32, (bt - px(4.0)) as i32)).map_err(err)?;
    }
    if let Some(p) = &xaxis.power {
        let style = TextStyle::from(("sans-serif", px(10.0)).into_font()).pos(Pos::new(HPos::Right, VPos::Top));
        root.draw_text(p, &style, (br as i32, (bb + px(24.0)) as i32)).map_err(err)?;
    }

    let yaxis_labels = yaxis.labels.clone();
    let mut chart = ChartBuilder::on(root)
        .margin_top(bt as u32)
        .margin_right((w - br) as u32)
        .margin_left(0)
        .x_label_area_size((h - bb) as u32)
        .y_label_area_size(bl as u32)
        .build_cartesian_2d(TickAxis(Axis { lo: cx0, hi: cx1, ..xaxis }), TickAxis(Axis { lo: cy0, hi: cy1, ..yaxis }))
        .map_err(err)?;

    let grid = RGBColor(0xb0, 0xb0, 0xb0);
    let mut mesh = chart.configure_mesh();
    mesh.label_style(("sans-serif", px(10.0)))
        .axis_desc_style(("sans-serif", px(10.0)))
        .axis_style(BLACK.stroke_width(1))
        .set_all_tick_mark_size(px(3.5) as i32)
        .bold_line_style(if fig.grid { grid.stroke_width(1) } else { TRANSPARENT.stroke_width(0) })
        .light_line_style(TRANSPARENT.stroke_width(0))
        .max_light_lines(0);
    mesh.draw().map_err(err)?;

    // Axis labels beyond the tick labels, as matplotlib places them.
    let tick_style = TextStyle::from(("sans-serif", px(10.0)).into_font());
    let widest = |labels: &[String]| {
        labels.iter().filter_map(|l| root.estimate_text_size(l, &tick_style).ok()).map(|(w, _)| w).max().unwrap_or(0)
            as f64
    };
    let (box_l, box_r, box_t, box_b) = (bl, br, bt, bb);
    if let Some(l) = &fig.xlabel {
        let style = TextStyle::from(("sans-serif", px(10.0)).into_font()).pos(Pos::new(HPos::Center, VPos::Top));
        let y = box_b + px(3.5) + px(3.5) + px(10.0) + px(4.0);
        root.draw_text(l, &style, (((box_l + box_r) / 2.0) as i32, y as i32)).map_err(err)?;
    }
    if let Some(l) = &fig.ylabel {
        let style = TextStyle::from(("sans-serif", px(10.0)).into_font())
            .transform(FontTransform::Rotate270)
            .pos(Pos::new(HPos::Center, VPos::Bottom));
        let x = box_l - px(3.5) - px(3.5) - widest(&yaxis_labels) - px(4.0);
        root.draw_text(l, &style, (x.max(px(12.0)) as i32, ((box_t + box_b) / 2.0) as i32)).map_err(err)?;
    }

    if let Some(img) = &fig.image {
        let cells = (0..img.rows).flat_map(|r| (0..img.cols).map(move |c| (r, c)));
        chart
            .draw_series(cells.filter_map(|(r, c)| {
                let v = img.norm(r, c);
                if v.is_nan() {
                    return None;
                }
                let (a, b) = (c as f64 - 0.5, c as f64 + 0.5);
                let (top, bot) = (r as f64 - 0.5, r as f64 + 0.5);
                let (ya, yb) = if flip { (-top, -bot) } else { (top, bot) };
                Some(Rectangle::new([(a, ya), (b, yb)], rgb(super::figure::viridis(v)).filled()))
            }))
            .map_err(err)?;
    }

    for s in &fig.series {
        let colour = rgb(s.color);
        let label = s.in_legend().then(|| s.label.clone().unwrap_or_default());
        match &s.kind {
            Kind::Bars { edges } => {
                let bars =
                    s.y.iter()
                        .enumerate()
                        .map(|(i, &hgt)| Rectangle::new([(edges[i], 0.0), (edges[i + 1], hgt)], colour.filled()));
                let ann = chart.draw_series(bars).map_err(err)?;
                if let Some(l) = label {
                    ann.label(l).legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 20, y + 5)], colour.filled()));
                }
            }
            Kind::Line | Kind::Scatter => {
                let segments = split_finite(&s.x, &s.y, flip);
                let lw = px(1.5) as u32;
                let draw_line = s.kind == Kind::Line && s.line != LineStyle::None;
                if draw_line {
                    for seg in &segments {
                        let style = colour.stroke_width(lw);
                        match s.line {
                            LineStyle::Dashed | LineStyle::DashDot => {
                                chart
                                    .draw_series(DashedLineSeries::new(
                                        seg.clone(),
                                        px(3.7 * 1.5) as u32,
                                        px(1.6 * 1.5) as u32,
                                        style,
                                    ))
                                    .map_err(err)?;
                            }
                            LineStyle::Dotted => {
                                chart
                                    .draw_series(DashedLineSeries::new(
                                        seg.clone(),
                                        px(1.5) as u32,
                                        px(1.65 * 1.5) as u32,
                                        style,
                                    ))
                                    .map_err(err)?;
                            }
                            _ => {
                                chart.draw_series(LineSeries::new(seg.clone(), style)).map_err(err)?;
                            }
                        }
                    }
                }
                let marker = match s.kind {
                    Kind::Scatter => Some(s.marker.unwrap_or(Marker::Circle)),
                    _ => s.marker,
                };
                let r = match (s.kind.clone(), marker) {
                    (Kind::Scatter, _) => px(3.0) as i32,
                    (_, Some(Marker::Point)) => px(1.5) as i32,
                    (_, Some(Marker::Pixel)) => 1,
                    _ => px(3.0) as i32,
                };
                if let Some(m) = marker {
                    let pts: Vec<(usize, (f64, f64))> = finite_points(&s.x, &s.y, flip);
                    draw_markers(&mut chart, m, &pts, r, &|i| rgb(s.point_color(i)))?;
                }
                // Draw an empty series just to carry the legend entry.
                if let Some(l) = label {
                    let ann = chart.draw_series(std::iter::empty::<Circle<(f64, f64), i32>>()).map_err(err)?;
                    let line_colour = if draw_line { colour.to_rgba() } else { TRANSPARENT };
                    let dot_colour = if marker.is_some() { colour.to_rgba() } else { TRANSPARENT };
                    ann.label(l).legend(move |(x, y)| {
                        EmptyElement::at((x, y))
                            + PathElement::new(vec![(0, 0), (20, 0)], line_colour.stroke_width(lw))
                            + Circle::new((10, 0), r.max(2), dot_colour.filled())
                    });
                }
            }
        }
    }

    // The other two sides of matplotlib's axes frame.
    chart
        .draw_series(std::iter::once(PathElement::new(vec![(cx0, cy1), (cx1, cy1), (cx1, cy0)], BLACK.stroke_width(1))))
        .map_err(err)?;

    if fig.legend.is_some() && fig.series.iter().any(|s| s.in_legend()) {
        let pos = match fig.legend {
            Some(LegendLoc::UpperLeft) => SeriesLabelPosition::UpperLeft,
            Some(LegendLoc::LowerLeft) => SeriesLabelPosition::LowerLeft,
            Some(LegendLoc::LowerRight) => SeriesLabelPosition::LowerRight,
            Some(LegendLoc::UpperRight) => SeriesLabelPosition::UpperRight,
            _ => best_corner(fig, (x0, x1, ylo.min(yhi), yhi.max(ylo))),
        };
        chart
            .configure_series_labels()
            .position(pos)
            .margin(px(6.0) as u32)
            .label_font(("sans-serif", px(10.0)))
            .background_style(WHITE.mix(0.8))
            .border_style(RGBColor(0xcc, 0xcc, 0xcc))
            .draw()
            .map_err(err)?;
    }

    if let Some(t) = &fig.title {
        let style = TextStyle::from(("sans-serif", px(12.0)).into_font()).pos(Pos::new(HPos::Center, VPos::Bottom));
        let cx = ((bl + br) / 2.0) as i32;
        root.draw_text(t, &style, (cx, (bt - px(6.0)) as i32)).map_err(err)?;
    }
    Ok(())
}

/// The finite points with their indices.
fn finite_points(x: &[f64], y: &[f64], flip: bool) -> Vec<(usize, (f64, f64))> {
    x.iter()
        .zip(y)
        .enumerate()
        .filter(|(_, (a, b))| a.is_finite() && b.is_finite())
        .map(|(i, (&a, &b))| (i, (a, if flip { -b } else { b })))
        .collect()
}

/// The finite runs of points (a NaN or inf breaks a line, as in matplotlib).
fn split_finite(x: &[f64], y: &[f64], flip: bool) -> Vec<Vec<(f64, f64)>> {
    let mut out: Vec<Vec<(f64, f64)>> = vec![Vec::new()];
    for (&a, &b) in x.iter().zip(y) {
        if a.is_finite() && b.is_finite() {
            if let Some(last) = out.last_mut() {
                last.push((a, if flip { -b } else { b }));
            }
        } else if out.last().is_some_and(|l| !l.is_empty()) {
            out.push(Vec::new());
        }
    }
    out.retain(|s| !s.is_empty());
    out
}
