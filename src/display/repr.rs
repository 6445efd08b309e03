//! NumPy-compatible text for arrays and scalars, plus Python's float `repr`
//! and the format-spec mini-language.
//!
//! # Arrays (`repr()` / `str()`)
//!
//! The output reproduces NumPy 2.4's `arrayprint` for bool, int64 and float64:
//!
//! 1. **Summarisation.** When `size > threshold`, every axis longer than
//!    `2 * edgeitems` shows only its first and last `edgeitems` entries with
//!    `...` in between ([`displayed_indices`]).
//! 2. **One element format per array**, decided from the displayed elements
//!    only (the cartesian product of the displayed indices of every axis;
//!    with `edgeitems == 0` NumPy samples the whole axis):
//!    * bool: `' True'` / `'False'` (`'True'` in a 0-d array);
//!    * int64: right-aligned to the widest of `str(max)` / `str(min)`, with
//!      room for a `+` / space sign;
//!    * float64: positional or scientific notation is chosen from the finite
//!      non-zero magnitudes (`max >= 1e8`, or without `suppress`
//!      `min < 1e-4` or `max / min > 1000`). A first pass renders every
//!      finite value with NumPy's Dragon4 rules (shortest round-trip digits,
//!      or the exact binary value rounded half-even to `precision` digits) to
//!      find the common `pad_left` / `pad_right` (and for scientific notation
//!      the common number of mantissa digits and exponent width); a second
//!      pass renders each value padded to those widths. `nan` / `inf` are
//!      right-aligned in the same total width.
//! 3. **Layout.** Nested brackets, one per axis. The last axis is filled word
//!    by word and wrapped when a line would exceed `linewidth` (minus the
//!    closing `)` for repr and one column per nesting level); outer axes are
//!    separated by `,` plus one newline per remaining axis. Continuation lines
//!    are indented under their opening bracket.
//! 4. **Extras** (`repr` only): `shape=(..)` for summarised arrays (unless a
//!    `legacy` mode is active) and for empty arrays other than `(0,)`,
//!    `dtype=..` for empty arrays, placed on the last line or on a new line
//!    when they would exceed `linewidth`.
//!
//! Digit generation relies on Rust's float formatting: `{:e}` yields the
//! shortest round-trip digits (like Python's `repr`), `{:.N}` / `{:.Ne}`
//! round the exact binary value half-to-even (like Dragon4 and `dtoa`).
//!
//! # Python formatting
//!
//! [`py_float_repr`] is Python's `repr(float)`; [`format_float_spec`],
//! [`format_int_spec`] and [`format_str_spec`] implement Python 3.11's
//! format-spec mini-language (`[[fill]align][sign][z][#][0][width][,|_][.precision][type]`)
//! with CPython's error messages.

use crate::display::options::{FloatMode, Legacy, PrintOptions};
use crate::value::data::{AView, DType};

// ---------------------------------------------------------------------------
// Public API: arrays
// ---------------------------------------------------------------------------

/// NumPy's `repr(a)`, e.g. `array([1., 2.])`.
pub fn array_repr(a: &AView, opts: &PrintOptions) -> String {
    let prefix = "array(";
    let shape = a.shape();
    let legacy = legacy_level(opts.legacy);
    let body = if legacy <= 113 && shape.is_empty() {
        element(a, &[]).map(python_repr).unwrap_or_default()
    } else {
        array_to_string(a, opts, ", ", prefix, 1)
    };
    let extras = repr_extras(a, opts);
    if extras.is_empty() {
        return format!("{prefix}{body})");
    }
    let text = format!("{prefix}{body},");
    let extra = format!("{})", extras.join(", "));
    let last_line = text.rsplit('\n').next().unwrap_or("");
    let too_long = char_len(last_line) + char_len(&extra) + 1 > opts.linewidth;
    let spacer = if legacy > 113 && too_long {
        format!("\n{}", " ".repeat(prefix.len()))
    } else {
        " ".to_string()
    };
    format!("{text}{spacer}{extra}")
}

/// NumPy's `str(a)` (what `print(a)` shows), e.g. `[1. 2.]`.
///
/// A 0-d array prints like the `str` of its scalar (full precision).
pub fn array_str(a: &AView, opts: &PrintOptions) -> String {
    if a.shape().is_empty() {
        return element(a, &[]).map(python_repr).unwrap_or_default();
    }
    array_to_string(a, opts, " ", "", 0)
}

/// Which indices along each axis are displayed, and whether the array is
/// summarised (`size > threshold`). A jump between consecutive indices is the
/// hidden `...` gap.
pub fn displayed_indices(shape: &[usize], opts: &PrintOptions) -> (bool, Vec<Vec<usize>>) {
    let summarize = is_summarized(shape, opts);
    let axes = shape
        .iter()
        .map(|&n| axis_display(n, opts.edgeitems, summarize))
        .collect();
    (summarize, axes)
}

/// NumPy's element formatter for one array: the common format of all
/// displayed elements, usable to print single elements (e.g. in a table).
#[derive(Debug, Clone)]
pub struct ElementFormatter {
    kind: FormatKind,
    summarized: bool,
}

impl ElementFormatter {
    /// Builds the formatter from the displayed elements of `a`.
    pub fn new(a: &AView, opts: &PrintOptions) -> ElementFormatter {
        let shape = a.shape();
        let summarized = is_summarized(shape, opts);
        let sample_axes: Vec<Vec<usize>> = shape
            .iter()
            .map(|&n| axis_sample(n, opts.edgeitems, summarized))
            .collect();
        let zero_d = shape.is_empty();
        let kind = match a {
            AView::Bool(_) => FormatKind::Bool { zero_d },
            AView::Int(v) => {
                let values = sample(&sample_axes, |i| v.get(i).copied());
                FormatKind::Int(IntFormat::new(&values, opts.sign))
            }
            AView::Float(v) => {
                let values = sample(&sample_axes, |i| v.get(i).copied());
                FormatKind::Float(Box::new(FloatFormat::new(&values, zero_d, opts)))
            }
        };
        ElementFormatter { kind, summarized }
    }

    /// The padded text NumPy prints for the element at `index` (empty if the
    /// index is out of range).
    pub fn format(&self, a: &AView, index: &[usize]) -> String {
        element(a, index)
            .map(|x| self.format_scalar(x))
            .unwrap_or_default()
    }

    /// Whether the array is summarised (`size > threshold`).
    pub fn summarized(&self) -> bool {
        self.summarized
    }

    fn format_scalar(&self, x: Scalar) -> String {
        match (&self.kind, x) {
            (FormatKind::Bool { zero_d }, Scalar::Bool(b)) => bool_word(b, *zero_d).to_string(),
            (FormatKind::Int(f), Scalar::Int(i)) => f.format(i),
            (FormatKind::Float(f), Scalar::Float(v)) => f.format(v),
            (_, other) => python_repr(other),
        }
    }
}

// ---------------------------------------------------------------------------
// Public API: scalars
// ---------------------------------------------------------------------------

/// Python's `repr(float)`: shortest round-trip digits, scientific notation
/// below `1e-4` and from `1e16` on (`'1.0'`, `'1e+16'`, `'1e-05'`, `'nan'`).
pub fn py_float_repr(x: f64) -> String {
    if let Some(word) = non_finite_word(x, false) {
        return word;
    }
    let body = render_general(&Digits::shortest(x.abs()), General::REPR);
    with_minus(x, body)
}

/// `repr(np.float64(x))`: `np.float64(1.5)`, or `1.5` with a legacy mode
/// (`'1.13'` uses the old 17-significant-digit form).
pub fn scalar_repr_f64(x: f64, opts: &PrintOptions) -> String {
    match opts.legacy {
        Legacy::V113 => legacy_float_text(x, 17),
        l if l.plain_scalars() => py_float_repr(x),
        _ => format!("np.float64({})", py_float_repr(x)),
    }
}

/// `str(np.float64(x))`: Python's float repr (`'1.13'` legacy: 12 digits).
pub fn scalar_str_f64(x: f64, opts: &PrintOptions) -> String {
    match opts.legacy {
        Legacy::V113 => legacy_float_text(x, 12),
        _ => py_float_repr(x),
    }
}

/// `repr(np.int64(x))`: `np.int64(3)`, or `3` with a legacy mode.
pub fn scalar_repr_i64(x: i64, opts: &PrintOptions) -> String {
    if opts.legacy.plain_scalars() {
        x.to_string()
    } else {
        format!("np.int64({x})")
    }
}

/// `repr(np.bool_(x))`: `np.True_` / `np.False_`, or `True` / `False` with a
/// legacy mode.
pub fn scalar_repr_bool(x: bool, opts: &PrintOptions) -> String {
    let word = if x { "True" } else { "False" };
    if opts.legacy.plain_scalars() {
        word.to_string()
    } else {
        format!("np.{word}_")
    }
}

// ---------------------------------------------------------------------------
// Elements
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq)]
enum Scalar {
    Bool(bool),
    Int(i64),
    Float(f64),
}

/// The element at a logical index (any strides), or `None` out of range.
fn element(a: &AView, index: &[usize]) -> Option<Scalar> {
    match a {
        AView::Bool(v) => v.get(index).map(|&b| Scalar::Bool(b)),
        AView::Int(v) => v.get(index).map(|&i| Scalar::Int(i)),
        AView::Float(v) => v.get(index).map(|&f| Scalar::Float(f)),
    }
}

/// Python's `repr()` of the element as a Python object (`.item()`).
fn python_repr(x: Scalar) -> String {
    match x {
        Scalar::Bool(b) => if b { "True" } else { "False" }.to_string(),
        Scalar::Int(i) => i.to_string(),
        Scalar::Float(f) => py_float_repr(f),
    }
}

/// Collects the values at the cartesian product of the per-axis indices.
fn sample<T>(axes: &[Vec<usize>], get: impl Fn(&[usize]) -> Option<T>) -> Vec<T> {
    let mut out = Vec::new();
    let mut index = Vec::with_capacity(axes.len());
    collect_product(axes, &mut index, &get, &mut out);
    out
}

fn collect_product<T>(
    axes: &[Vec<usize>],
    index: &mut Vec<usize>,
    get: &impl Fn(&[usize]) -> Option<T>,
    out: &mut Vec<T>,
) {
    let Some(indices) = axes.get(index.len()) else {
        out.extend(get(index));
        return;
    };
    for &i in indices {
        index.push(i);
        collect_product(axes, index, get, out);
        index.pop();
    }
}

fn is_summarized(shape: &[usize], opts: &PrintOptions) -> bool {
    let size = shape.iter().fold(1usize, |acc, &n| acc.saturating_mul(n));
    size > opts.threshold
}

/// Indices printed along an axis of length `n`.
fn axis_display(n: usize, edge: usize, summarize: bool) -> Vec<usize> {
    if summarize && n > edge.saturating_mul(2) {
        if edge == 0 {
            // NumPy prints "..." and then the last element only.
            return vec![n - 1];
        }
        (0..edge).chain(n - edge..n).collect()
    } else {
        (0..n).collect()
    }
}

/// Indices whose values decide the element format (NumPy's
/// `_leading_trailing`; with `edgeitems == 0` that is the whole axis).
fn axis_sample(n: usize, edge: usize, summarize: bool) -> Vec<usize> {
    if summarize && n > edge.saturating_mul(2) && edge > 0 {
        (0..edge).chain(n - edge..n).collect()
    } else {
        (0..n).collect()
    }
}

/// NumPy's internal legacy number (`sys.maxsize` when off).
fn legacy_level(legacy: Legacy) -> u32 {
    match legacy {
        Legacy::V113 => 113,
        Legacy::V121 => 121,
        Legacy::V125 => 125,
        Legacy::V21 => 201,
        Legacy::V22 => 202,
        Legacy::Off => u32::MAX,
    }
}

fn char_len(s: &str) -> usize {
    s.chars().count()
}

/// Right-aligns `s` in `width` characters (never truncates).
fn pad_left_to(s: &str, width: usize) -> String {
    let n = char_len(s);
    if n >= width {
        s.to_string()
    } else {
        format!("{}{s}", " ".repeat(width - n))
    }
}

/// Left-aligns `s` in `width` characters (never truncates).
fn pad_right_to(s: &str, width: usize) -> String {
    let n = char_len(s);
    if n >= width {
        s.to_string()
    } else {
        format!("{s}{}", " ".repeat(width - n))
    }
}

// ---------------------------------------------------------------------------
// Element formats
// ---------------------------------------------------------------------------

#[derive(Debug, Clone)]
enum FormatKind {
    Bool { zero_d: bool },
    Int(IntFormat),
    Float(Box<FloatFormat>),
}

fn bool_word(b: bool, zero_d: bool) -> &'static str {
    match (b, zero_d) {
        (true, true) => "True",
        (true, false) => " True",
        (false, _) => "False",
    }
}

/// NumPy's `IntegerFormat`: Python's `'{:<sign><width>d}'`.
#[derive(Debug, Clone)]
struct IntFormat {
    width: usize,
    sign: char,
}

impl IntFormat {
    fn new(values: &[i64], sign: char) -> IntFormat {
        let (Some(&max), Some(&min)) = (values.iter().max(), values.iter().min()) else {
            return IntFormat { width: 0, sign };
        };
        let sign = if sign == ' ' && min < 0 { '-' } else { sign };
        let mut max_len = max.to_string().len();
        if max >= 0 && (sign == '+' || sign == ' ') {
            max_len += 1;
        }
        let width = max_len.max(min.to_string().len());
        IntFormat { width, sign }
    }

    fn format(&self, x: i64) -> String {
        let text = match self.sign {
            '+' if x >= 0 => format!("+{x}"),
            ' ' if x >= 0 => format!(" {x}"),
            _ => x.to_string(),
        };
        pad_left_to(&text, self.width)
    }
}

/// Dragon4's digit-count controls (`unique`, `precision`, `min_digits`,
/// `trim='k'` versus `trim='.'`).
#[derive(Debug, Clone, Copy)]
struct DigitRule {
    unique: bool,
    precision: Option<usize>,
    min_digits: usize,
    keep_zeros: bool,
}

/// NumPy's `FloatingFormat`: the common layout of all displayed floats.
#[derive(Debug, Clone)]
struct FloatFormat {
    exp_format: bool,
    rule: DigitRule,
    sign_plus: bool,
    pad_left: usize,
    pad_right: usize,
    exp_size: usize,
    nanstr: String,
    infstr: String,
}

impl FloatFormat {
    fn new(values: &[f64], zero_d: bool, opts: &PrintOptions) -> FloatFormat {
        let legacy = legacy_level(opts.legacy);
        let mut sign = opts.sign;
        if legacy <= 113 && !zero_d && sign == '-' {
            sign = ' ';
        }
        let finite: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
        let precision = match opts.floatmode {
            FloatMode::Unique => None,
            _ => Some(opts.precision),
        };
        let mut f = FloatFormat {
            exp_format: use_scientific(&finite, opts.suppress),
            rule: DigitRule {
                unique: true,
                precision,
                min_digits: 0,
                keep_zeros: false,
            },
            sign_plus: sign == '+',
            pad_left: 0,
            pad_right: 0,
            exp_size: 0,
            nanstr: opts.nanstr.clone(),
            infstr: opts.infstr.clone(),
        };
        if !finite.is_empty() {
            if f.exp_format {
                f.fill_scientific(&finite, opts.floatmode, legacy);
            } else {
                f.fill_positional(&finite, opts.floatmode, legacy);
            }
        }
        if legacy > 113 && sign == ' ' && !finite.iter().any(|x| x.is_sign_negative()) {
            f.pad_left += 1;
        }
        if finite.len() != values.len() {
            let neg_inf = sign != '-' || values.iter().any(|&x| x == f64::NEG_INFINITY);
            f.widen_for_non_finite(neg_inf);
        }
        f
    }

    /// First pass in scientific notation: common mantissa digits and
    /// exponent width.
    fn fill_scientific(&mut self, finite: &[f64], mode: FloatMode, legacy: u32) {
        let fixed = mode == FloatMode::Fixed || legacy <= 113;
        let first = DigitRule {
            unique: !fixed,
            precision: self.rule.precision,
            min_digits: 0,
            keep_zeros: fixed,
        };
        let parts: Vec<SciParts> = finite
            .iter()
            .map(|&x| scientific_parts(x, first, self.sign_plus))
            .collect();
        let digits = parts.iter().map(|p| p.frac.len()).max().unwrap_or(0);
        self.exp_size = parts.iter().map(|p| exp_digits(p.exp)).max().unwrap_or(2);
        self.rule = DigitRule {
            unique: first.unique,
            precision: Some(digits),
            min_digits: digits,
            keep_zeros: true,
        };
        self.pad_left = if legacy <= 113 {
            3
        } else {
            parts.iter().map(|p| p.int.len()).max().unwrap_or(0)
        };
        self.pad_right = self.exp_size + 2 + digits;
    }

    /// First pass in positional notation: common integer/fraction widths.
    fn fill_positional(&mut self, finite: &[f64], mode: FloatMode, legacy: u32) {
        let fixed = mode == FloatMode::Fixed;
        let first = DigitRule {
            unique: !fixed,
            precision: self.rule.precision,
            min_digits: 0,
            keep_zeros: fixed,
        };
        let parts: Vec<(String, String)> = finite
            .iter()
            .map(|&x| positional_parts(x, first, self.sign_plus))
            .collect();
        self.pad_left = if legacy <= 113 {
            1 + parts
                .iter()
                .map(|(i, _)| i.trim_start_matches(['-', '+']).len())
                .max()
                .unwrap_or(0)
        } else {
            parts.iter().map(|(i, _)| i.len()).max().unwrap_or(0)
        };
        self.pad_right = parts.iter().map(|(_, f)| f.len()).max().unwrap_or(0);
        if fixed || mode == FloatMode::MaxPrecEqual {
            self.rule = DigitRule {
                unique: first.unique,
                precision: Some(self.pad_right),
                min_digits: self.pad_right,
                keep_zeros: true,
            };
        }
    }

    fn widen_for_non_finite(&mut self, neg_inf: bool) {
        let offset = self.pad_right as i64 + 1;
        let nan = char_len(&self.nanstr) as i64 - offset;
        let inf = char_len(&self.infstr) as i64 + i64::from(neg_inf) - offset;
        let widest = nan.max(inf).max(0) as usize;
        self.pad_left = self.pad_left.max(widest);
    }

    fn format(&self, x: f64) -> String {
        if !x.is_finite() {
            return pad_left_to(&self.non_finite(x), self.pad_left + self.pad_right + 1);
        }
        if self.exp_format {
            let p = scientific_parts(x, self.rule, self.sign_plus);
            let exp_sign = if p.exp < 0 { '-' } else { '+' };
            format!(
                "{}.{}e{exp_sign}{:0>width$}",
                pad_left_to(&p.int, self.pad_left),
                p.frac,
                p.exp.unsigned_abs(),
                width = self.exp_size
            )
        } else {
            let (int, frac) = positional_parts(x, self.rule, self.sign_plus);
            format!(
                "{}.{}",
                pad_left_to(&int, self.pad_left),
                pad_right_to(&frac, self.pad_right)
            )
        }
    }

    fn non_finite(&self, x: f64) -> String {
        let sign = if x.is_nan() || x > 0.0 {
            if self.sign_plus {
                "+"
            } else {
                ""
            }
        } else {
            "-"
        };
        let word = if x.is_nan() {
            &self.nanstr
        } else {
            &self.infstr
        };
        format!("{sign}{word}")
    }
}

/// NumPy's choice of scientific notation from the finite values.
fn use_scientific(finite: &[f64], suppress: bool) -> bool {
    let magnitudes = finite.iter().map(|x| x.abs()).filter(|&x| x != 0.0);
    let (mut max, mut min) = (f64::NEG_INFINITY, f64::INFINITY);
    for m in magnitudes {
        max = max.max(m);
        min = min.min(m);
    }
    if max == f64::NEG_INFINITY {
        return false;
    }
    max >= 1e8 || (!suppress && (min < 1e-4 || max / min > 1000.0))
}

/// Number of exponent digits NumPy writes (at least 2).
fn exp_digits(exp: i32) -> usize {
    exp.unsigned_abs().to_string().len().max(2)
}

fn sign_text(x: f64, sign_plus: bool) -> &'static str {
    if x.is_sign_negative() {
        "-"
    } else if sign_plus {
        "+"
    } else {
        ""
    }
}

/// Dragon4 positional output split at the point: (sign + integer, fraction).
fn positional_parts(x: f64, rule: DigitRule, sign_plus: bool) -> (String, String) {
    let v = x.abs();
    let digits = if rule.unique {
        let mut d = Digits::shortest(v);
        if let Some(p) = rule.precision {
            if d.frac_len() > p {
                d = Digits::fractional(v, p);
            }
        }
        if rule.min_digits > d.frac_len() {
            d = Digits::fractional(v, rule.min_digits);
        }
        d
    } else {
        Digits::fractional(v, rule.precision.unwrap_or(0))
    };
    let target = if rule.unique {
        rule.min_digits
    } else {
        rule.precision.unwrap_or(0)
    };
    let frac = finish_fraction(digits.fraction(), target, rule.keep_zeros);
    (format!("{}{}", sign_text(x, sign_plus), digits.integer()), frac)
}

struct SciParts {
    /// Sign and the digit before the point.
    int: String,
    frac: String,
    exp: i32,
}

/// Dragon4 scientific output: mantissa parts and decimal exponent.
fn scientific_parts(x: f64, rule: DigitRule, sign_plus: bool) -> SciParts {
    let v = x.abs();
    let digits = if rule.unique {
        let mut d = Digits::shortest(v);
        if let Some(p) = rule.precision {
            if d.len() > p + 1 {
                d = Digits::significant(v, p + 1);
            }
        }
        if rule.min_digits + 1 > d.len() {
            d = Digits::significant(v, rule.min_digits + 1);
        }
        d
    } else {
        Digits::significant(v, rule.precision.unwrap_or(0) + 1)
    };
    let target = if rule.unique {
        rule.min_digits
    } else {
        rule.precision.unwrap_or(0)
    };
    let (first, rest) = digits.digits.split_at(1.min(digits.digits.len()));
    let frac = finish_fraction(ascii(rest), target, rule.keep_zeros);
    SciParts {
        int: format!("{}{}", sign_text(x, sign_plus), ascii(first)),
        frac,
        exp: if digits.is_zero() { 0 } else { digits.point - 1 },
    }
}

/// Pads the fraction with zeros to `target` digits, or trims trailing zeros.
fn finish_fraction(mut frac: String, target: usize, keep_zeros: bool) -> String {
    if keep_zeros {
        while frac.len() < target {
            frac.push('0');
        }
    } else {
        frac.truncate(frac.trim_end_matches('0').len());
    }
    frac
}

fn ascii(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

// ---------------------------------------------------------------------------
// Decimal digits
// ---------------------------------------------------------------------------

/// Decimal digits of a non-negative finite value: `0.d1d2d3… × 10^point`.
/// `digits` is never empty; zero is `"0"` with `point == 1`.
#[derive(Debug, Clone, PartialEq)]
struct Digits {
    digits: Vec<u8>,
    point: i32,
}

impl Digits {
    fn zero() -> Digits {
        Digits {
            digits: vec![b'0'],
            point: 1,
        }
    }

    /// Shortest digits that round-trip and, among those, the closest to the
    /// exact value with ties to even (Python `repr`, Dragon4 unique).
    ///
    /// Rust's `{:e}` gives the shortest length but rounds an exact tie up
    /// (`1682947643261978.25` → `…783` where Python prints `…782`), so the
    /// exact value rounded half-even to that length is preferred whenever
    /// it round-trips too.
    fn shortest(v: f64) -> Digits {
        let rust = Digits::from_scientific(&format!("{v:e}"));
        let exact = Digits::significant(v, rust.len());
        if exact != rust && exact.to_f64() == Some(v) {
            exact
        } else {
            rust
        }
    }

    /// The value these digits denote, parsed back.
    fn to_f64(&self) -> Option<f64> {
        let exp = i64::from(self.point) - self.len() as i64;
        format!("{}e{exp}", ascii(&self.digits)).parse().ok()
    }

    /// The exact value rounded half-even to `n >= 1` significant digits,
    /// trailing zeros removed.
    fn significant(v: f64, n: usize) -> Digits {
        Digits::from_scientific(&format!("{:.*e}", n.saturating_sub(1), v)).trimmed()
    }

    /// The exact value rounded half-even to `n` fractional digits, trailing
    /// zeros removed.
    fn fractional(v: f64, n: usize) -> Digits {
        Digits::from_fixed(&format!("{v:.n$}")).trimmed()
    }

    /// Parses Rust's `d.ddde±x` output.
    fn from_scientific(s: &str) -> Digits {
        let (mantissa, exp) = s.split_once('e').unwrap_or((s, "0"));
        let digits: Vec<u8> = mantissa.bytes().filter(u8::is_ascii_digit).collect();
        let exp: i32 = exp.parse().unwrap_or(0);
        Digits::normalized(digits, exp.saturating_add(1))
    }

    /// Parses Rust's `ddd.ddd` output.
    fn from_fixed(s: &str) -> Digits {
        let (int, frac) = s.split_once('.').unwrap_or((s, ""));
        let digits: Vec<u8> = int.bytes().chain(frac.bytes()).collect();
        Digits::normalized(digits, i32::try_from(int.len()).unwrap_or(i32::MAX))
    }

    /// Drops leading zeros (adjusting the point); all zeros become zero.
    fn normalized(digits: Vec<u8>, point: i32) -> Digits {
        let lead = digits.iter().take_while(|&&d| d == b'0').count();
        if lead == digits.len() {
            return Digits::zero();
        }
        Digits {
            digits: digits[lead..].to_vec(),
            point: point.saturating_sub(i32::try_from(lead).unwrap_or(i32::MAX)),
        }
    }

    fn trimmed(mut self) -> Digits {
        while self.digits.len() > 1 && self.digits.last() == Some(&b'0') {
            self.digits.pop();
        }
        self
    }

    fn len(&self) -> usize {
        self.digits.len()
    }

    fn is_zero(&self) -> bool {
        self.digits.iter().all(|&d| d == b'0')
    }

    /// Number of digits after the decimal point.
    fn frac_len(&self) -> usize {
        if self.is_zero() {
            return 0;
        }
        (self.len() as i64 - i64::from(self.point)).max(0) as usize
    }

    /// Digits before the point (`"0"` when there are none).
    fn integer(&self) -> String {
        if self.point <= 0 || self.is_zero() {
            return "0".to_string();
        }
        let point = self.point as usize;
        let mut s = ascii(&self.digits[..point.min(self.len())]);
        s.extend(std::iter::repeat_n('0', point.saturating_sub(self.len())));
        s
    }

    /// Digits after the point, without padding.
    fn fraction(&self) -> String {
        if self.is_zero() {
            return String::new();
        }
        if self.point >= 0 {
            let point = (self.point as usize).min(self.len());
            return ascii(&self.digits[point..]);
        }
        let zeros = "0".repeat(self.point.unsigned_abs() as usize);
        format!("{zeros}{}", ascii(&self.digits))
    }
}

// ---------------------------------------------------------------------------
// Layout
// ---------------------------------------------------------------------------

/// `array2string`: body of repr/str for any ndim (empty arrays are `[]`).
fn array_to_string(
    a: &AView,
    opts: &PrintOptions,
    separator: &'static str,
    prefix: &str,
    suffix_len: usize,
) -> String {
    let shape = a.shape();
    if shape.contains(&0) {
        return "[]".to_string();
    }
    let legacy = legacy_level(opts.legacy);
    let mut line_width = opts.linewidth as i64;
    if legacy > 113 {
        line_width -= suffix_len as i64;
    }
    let formatter = ElementFormatter::new(a, opts);
    let layout = Layout {
        view: a,
        shape,
        formatter: &formatter,
        separator,
        edgeitems: opts.edgeitems,
        legacy,
    };
    let hanging = " ".repeat(1 + char_len(prefix));
    let mut index = Vec::with_capacity(shape.len());
    layout.recurse(&mut index, &hanging, line_width)
}

/// NumPy's `_formatArray`: nested brackets, wrapping and summarisation.
struct Layout<'a, 'v> {
    view: &'a AView<'v>,
    shape: &'a [usize],
    formatter: &'a ElementFormatter,
    separator: &'static str,
    edgeitems: usize,
    legacy: u32,
}

/// What one axis shows: `leading` items, maybe `...`, then `trailing` items.
struct AxisPlan {
    len: usize,
    leading: usize,
    trailing: usize,
    summary: bool,
}

impl Layout<'_, '_> {
    fn recurse(&self, index: &mut Vec<usize>, hanging: &str, width: i64) -> String {
        let axis = index.len();
        let Some(&len) = self.shape.get(axis) else {
            return self.formatter.format(self.view, index);
        };
        if len == 0 {
            return "[]".to_string();
        }
        let summary = self.formatter.summarized && self.edgeitems.saturating_mul(2) < len;
        let plan = AxisPlan {
            len,
            leading: if summary { self.edgeitems } else { 0 },
            trailing: if summary { self.edgeitems } else { len },
            summary,
        };
        let body = if axis + 1 == self.shape.len() {
            self.row(index, &plan, hanging, width)
        } else {
            self.block(index, &plan, hanging, width)
        };
        let rest: String = body.chars().skip(char_len(hanging)).collect();
        format!("[{rest}]")
    }

    /// The positions shown along an axis, `None` standing for `...`.
    fn positions(plan: &AxisPlan) -> Vec<Option<usize>> {
        let mut out: Vec<Option<usize>> = (0..plan.leading).map(Some).collect();
        if plan.summary {
            out.push(None);
        }
        // NumPy always prints the last item, even with `edgeitems == 0`.
        let first_trailing = plan.len.saturating_sub(plan.trailing.max(1));
        out.extend((first_trailing..plan.len).map(Some));
        out
    }

    fn child(&self, index: &mut Vec<usize>, i: usize, hanging: &str, width: i64) -> String {
        let next_width = if self.legacy <= 113 { width } else { width - 1 };
        index.push(i);
        let text = self.recurse(index, &format!("{hanging} "), next_width);
        index.pop();
        text
    }

    /// The last axis: words separated by the separator, wrapped at `width`.
    fn row(&self, index: &mut Vec<usize>, plan: &AxisPlan, hanging: &str, width: i64) -> String {
        let sep_len = self.separator.trim_end().len() as i64;
        let elem_width = if self.legacy <= 113 {
            width - sep_len
        } else {
            width - sep_len.max(1)
        };
        let mut wrap = Wrapper {
            text: String::new(),
            line: hanging.to_string(),
            hanging,
            legacy: self.legacy,
        };
        let positions = Self::positions(plan);
        let last = positions.len().saturating_sub(1);
        for (k, pos) in positions.into_iter().enumerate() {
            match pos {
                Some(i) => {
                    let word = self.child(index, i, hanging, width);
                    let limit = if k == last && self.legacy <= 113 {
                        width
                    } else {
                        elem_width
                    };
                    wrap.push(&word, limit);
                }
                None => wrap.push("...", elem_width),
            }
            if k != last {
                let summary_sep = pos.is_none() && self.legacy <= 113;
                wrap.line.push_str(if summary_sep { ", " } else { self.separator });
            }
        }
        wrap.text.push_str(&wrap.line);
        wrap.text
    }

    /// An outer axis: sub-blocks separated by `,` and newlines.
    fn block(&self, index: &mut Vec<usize>, plan: &AxisPlan, hanging: &str, width: i64) -> String {
        let axes_left = self.shape.len() - index.len();
        let line_sep = format!(
            "{}{}",
            self.separator.trim_end(),
            "\n".repeat(axes_left - 1)
        );
        let positions = Self::positions(plan);
        let last = positions.len().saturating_sub(1);
        let mut s = String::new();
        for (k, pos) in positions.into_iter().enumerate() {
            s.push_str(hanging);
            match pos {
                Some(i) => s.push_str(&self.child(index, i, hanging, width)),
                None => s.push_str("..."),
            }
            if k != last {
                let summary_sep = pos.is_none() && self.legacy <= 113;
                s.push_str(if summary_sep { ", \n" } else { &line_sep });
            }
        }
        s
    }
}

/// Line filling for the last axis (NumPy's `_extendLine`).
struct Wrapper<'h> {
    text: String,
    line: String,
    hanging: &'h str,
    legacy: u32,
}

impl Wrapper<'_> {
    fn push(&mut self, word: &str, limit: i64) {
        let line_len = char_len(&self.line);
        let mut wrap = (line_len + char_len(word)) as i64 > limit;
        if self.legacy > 113 && line_len <= char_len(self.hanging) {
            wrap = false;
        }
        if wrap {
            self.text.push_str(self.line.trim_end());
            self.text.push('\n');
            self.line = self.hanging.to_string();
        }
        self.line.push_str(word);
    }
}

/// `shape=` / `dtype=` extras of `repr`.
fn repr_extras(a: &AView, opts: &PrintOptions) -> Vec<String> {
    let shape = a.shape();
    let size = shape.iter().fold(1usize, |acc, &n| acc.saturating_mul(n));
    let legacy = legacy_level(opts.legacy);
    let mut extras = Vec::new();
    let empty_not_1d = size == 0 && shape != [0];
    if empty_not_1d || (legacy > 210 && size > opts.threshold) {
        extras.push(format!("shape={}", shape_tuple(shape)));
    }
    let implied = !(legacy <= 113 && a.dtype() == DType::Bool);
    if size == 0 || !implied {
        extras.push(format!("dtype={}", a.dtype().name()));
    }
    extras
}

/// Python's repr of a shape tuple: `()`, `(3,)`, `(2, 3)`.
fn shape_tuple(shape: &[usize]) -> String {
    match shape {
        [n] => format!("({n},)"),
        _ => {
            let parts: Vec<String> = shape.iter().map(|n| n.to_string()).collect();
            format!("({})", parts.join(", "))
        }
    }
}

// ---------------------------------------------------------------------------
// Python float rendering (CPython's `format_float_short`)
// ---------------------------------------------------------------------------

/// Parameters of CPython's `'r'` / `'g'` rendering.
#[derive(Debug, Clone, Copy)]
struct General {
    /// Scientific when the decimal-point position exceeds this.
    max_point: i32,
    /// Minimum number of significant digits to show (alternate form).
    min_digits: usize,
    /// Keep at least one digit after the point (`repr`, type-less specs).
    add_dot_0: bool,
    /// Alternate form `#`: keep a trailing `.`.
    alt: bool,
}

impl General {
    const REPR: General = General {
        max_point: 16,
        min_digits: 0,
        add_dot_0: true,
        alt: false,
    };
}

/// Renders digits positionally or with an exponent, CPython style.
fn render_general(d: &Digits, style: General) -> String {
    let len = d.len() as i64;
    let mut point = i64::from(d.point);
    let use_exp = point <= -4 || point > i64::from(style.max_point);
    let exp = point - 1;
    if use_exp {
        point = 1;
    }
    let start = if point <= 0 { point - 1 } else { 0 };
    let mut end = len.max(style.min_digits as i64);
    let min_end = if !use_exp && style.add_dot_0 {
        point + 1
    } else {
        point
    };
    end = end.max(min_end);
    let mut s = String::new();
    for i in start..end {
        if i == point {
            s.push('.');
        }
        let digit = usize::try_from(i)
            .ok()
            .and_then(|i| d.digits.get(i).copied())
            .unwrap_or(b'0');
        s.push(char::from(digit));
    }
    if point == end {
        s.push('.');
    }
    if s.ends_with('.') && !style.alt {
        s.pop();
    }
    if use_exp {
        let sign = if exp < 0 { '-' } else { '+' };
        s.push_str(&format!("e{sign}{:02}", exp.unsigned_abs()));
    }
    s
}

/// `'nan'`, `'inf'`, `'-inf'` (upper-case for `E`/`F`/`G`), or `None`.
fn non_finite_word(x: f64, upper: bool) -> Option<String> {
    let word = if x.is_nan() {
        "nan"
    } else if x.is_infinite() {
        if x < 0.0 {
            "-inf"
        } else {
            "inf"
        }
    } else {
        return None;
    };
    Some(if upper {
        word.to_uppercase()
    } else {
        word.to_string()
    })
}

fn with_minus(x: f64, body: String) -> String {
    if x.is_sign_negative() {
        format!("-{body}")
    } else {
        body
    }
}

/// NumPy 1.13's float scalar text: `'%.{n}g'` plus `.0` for integers.
fn legacy_float_text(x: f64, significant: usize) -> String {
    if let Some(word) = non_finite_word(x, false) {
        return word;
    }
    let style = General {
        max_point: significant as i32,
        min_digits: 0,
        add_dot_0: false,
        alt: false,
    };
    let body = render_general(&Digits::significant(x.abs(), significant), style);
    let mut s = with_minus(x, body);
    if s.bytes().all(|b| b.is_ascii_digit() || b == b'-') {
        s.push_str(".0");
    }
    s
}

// ---------------------------------------------------------------------------
// Format-spec mini-language
// ---------------------------------------------------------------------------

/// Largest width / precision accepted (Python would raise `MemoryError`
/// long before text of this size could be built).
const MAX_FIELD: usize = 100_000_000;

/// A parsed format spec (CPython's `InternalFormatSpec`).
#[derive(Debug, Clone)]
struct Spec {
    fill: char,
    align: char,
    sign: Option<char>,
    no_neg_0: bool,
    alternate: bool,
    width: usize,
    grouping: Option<char>,
    precision: Option<usize>,
    ty: char,
}

/// Python's `format(x, spec)` for a float.
pub fn format_float_spec(x: f64, spec: &str) -> Result<String, String> {
    let s = parse_spec(spec, '>', '\0', "float")?;
    match s.ty {
        '\0' | 'e' | 'E' | 'f' | 'F' | 'g' | 'G' | 'n' | '%' => format_float_with(x, &s),
        t => Err(unknown_code(t, "float")),
    }
}

/// Python's `format(n, spec)` for an int. For a `'c'` code out of range the
/// error is the text of Python's `OverflowError` (`%c arg not in
/// range(0x110000)`, `Python int too large to convert to C long`).
pub fn format_int_spec(x: i128, spec: &str) -> Result<String, String> {
    let s = parse_spec(spec, '>', 'd', "int")?;
    match s.ty {
        'b' | 'c' | 'd' | 'o' | 'x' | 'X' | 'n' => format_int_with(x, &s),
        'e' | 'E' | 'f' | 'F' | 'g' | 'G' | '%' => format_float_with(x as f64, &s),
        t => Err(unknown_code(t, "int")),
    }
}

/// Python's `format(s, spec)` for a str.
pub fn format_str_spec(text: &str, spec: &str) -> Result<String, String> {
    let s = parse_spec(spec, '<', 's', "str")?;
    if s.ty != 's' {
        return Err(unknown_code(s.ty, "str"));
    }
    match s.sign {
        Some(' ') => return Err("Space not allowed in string format specifier".into()),
        Some(_) => return Err("Sign not allowed in string format specifier".into()),
        None => {}
    }
    if s.no_neg_0 {
        return Err("Negative zero coercion (z) not allowed in string format specifier".into());
    }
    if s.alternate {
        return Err("Alternate form (#) not allowed in string format specifier".into());
    }
    if s.align == '=' {
        return Err("'=' alignment not allowed in string format specifier".into());
    }
    let body: String = match s.precision {
        Some(p) => text.chars().take(p).collect(),
        None => text.to_string(),
    };
    Ok(pad_field(&body, &s))
}

fn unknown_code(t: char, type_name: &str) -> String {
    let code = printable_code(t);
    format!("Unknown format code '{code}' for object of type '{type_name}'")
}

/// `%c` for printable ASCII, else `\x..` (CPython's messages).
fn printable_code(t: char) -> String {
    let u = u32::from(t);
    if u > 32 && u < 128 {
        t.to_string()
    } else {
        format!("\\x{u:x}")
    }
}

fn is_align(c: char) -> bool {
    matches!(c, '<' | '>' | '=' | '^')
}

/// Parses `[[fill]align][sign][z][#][0][width][,|_][.precision][type]`.
fn parse_spec(spec: &str, default_align: char, default_type: char, type_name: &str) -> Result<Spec, String> {
    let c: Vec<char> = spec.chars().collect();
    let mut s = Spec {
        fill: ' ',
        align: default_align,
        sign: None,
        no_neg_0: false,
        alternate: false,
        width: 0,
        grouping: None,
        precision: None,
        ty: default_type,
    };
    let mut pos = 0;
    let (mut fill_given, mut align_given) = (false, false);
    if c.len() >= 2 && is_align(c[1]) {
        (s.fill, s.align, pos) = (c[0], c[1], 2);
        (fill_given, align_given) = (true, true);
    } else if !c.is_empty() && is_align(c[0]) {
        (s.align, pos, align_given) = (c[0], 1, true);
    }
    let at = |pos: usize, ch: char| c.get(pos) == Some(&ch);
    if let Some(&sign) = c.get(pos).filter(|&&ch| matches!(ch, '+' | '-' | ' ')) {
        s.sign = Some(sign);
        pos += 1;
    }
    if at(pos, 'z') {
        s.no_neg_0 = true;
        pos += 1;
    }
    if at(pos, '#') {
        s.alternate = true;
        pos += 1;
    }
    if !fill_given && at(pos, '0') {
        s.fill = '0';
        if !align_given && default_align == '>' {
            s.align = '=';
        }
        pos += 1;
    }
    s.width = parse_integer(&c, &mut pos)?.unwrap_or(0);
    parse_grouping(&c, &mut pos, &mut s)?;
    if at(pos, '.') {
        pos += 1;
        let p = parse_integer(&c, &mut pos)?;
        s.precision = Some(p.ok_or("Format specifier missing precision")?);
    }
    if c.len() > pos + 1 {
        return Err(format!(
            "Invalid format specifier '{spec}' for object of type '{type_name}'"
        ));
    }
    if let Some(&t) = c.get(pos) {
        s.ty = t;
    }
    check_grouping(&mut s)?;
    if s.width > MAX_FIELD || s.precision.is_some_and(|p| p > MAX_FIELD) {
        return Err("Too many decimal digits in format string".into());
    }
    Ok(s)
}

/// Reads decimal digits; `None` when there are none.
fn parse_integer(c: &[char], pos: &mut usize) -> Result<Option<usize>, String> {
    let mut value: Option<usize> = None;
    while let Some(d) = c.get(*pos).and_then(|ch| ch.to_digit(10)) {
        let next = value
            .unwrap_or(0)
            .checked_mul(10)
            .and_then(|v| v.checked_add(d as usize))
            .filter(|&v| v <= i64::MAX as usize);
        value = Some(next.ok_or("Too many decimal digits in format string")?);
        *pos += 1;
    }
    Ok(value)
}

fn parse_grouping(c: &[char], pos: &mut usize, s: &mut Spec) -> Result<(), String> {
    const BOTH: &str = "Cannot specify both ',' and '_'.";
    if c.get(*pos) == Some(&',') {
        s.grouping = Some(',');
        *pos += 1;
    }
    if c.get(*pos) == Some(&'_') {
        if s.grouping.is_some() {
            return Err(BOTH.into());
        }
        s.grouping = Some('_');
        *pos += 1;
    }
    if c.get(*pos) == Some(&',') && s.grouping == Some('_') {
        return Err(BOTH.into());
    }
    Ok(())
}

/// Grouping is only valid for some presentation types.
fn check_grouping(s: &mut Spec) -> Result<(), String> {
    let Some(g) = s.grouping else {
        return Ok(());
    };
    let ok = match s.ty {
        'd' | 'e' | 'f' | 'g' | 'E' | 'G' | '%' | 'F' | '\0' => true,
        'b' | 'o' | 'x' | 'X' => g == '_',
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(format!("Cannot specify '{g}' with '{}'.", printable_code(s.ty)))
    }
}

/// The float path of `format()` (also used for ints with float codes).
fn format_float_with(x: f64, s: &Spec) -> Result<String, String> {
    let upper = matches!(s.ty, 'E' | 'F' | 'G');
    let percent = s.ty == '%';
    let v = if percent { x * 100.0 } else { x };
    let body = match non_finite_word(v.abs(), upper) {
        Some(word) => word,
        None => float_body(v.abs(), s),
    };
    let mut negative = v.is_sign_negative() && !v.is_nan();
    if negative && s.no_neg_0 && v.is_finite() && is_zero_text(&body) {
        negative = false;
    }
    let body = if upper { body.to_uppercase() } else { body };
    let body = if percent { format!("{body}%") } else { body };
    let int_len = body.bytes().take_while(u8::is_ascii_digit).count();
    let (digits, rest) = body.split_at(int_len);
    let group = s.grouping.map(|g| (g, 3));
    Ok(layout_number(sign_char(negative, s.sign), "", digits, rest, s, group))
}

/// Whether a rendered finite number shows as zero (for the `z` option).
fn is_zero_text(body: &str) -> bool {
    let mantissa = body.split(['e', 'E']).next().unwrap_or("");
    !mantissa.bytes().any(|b| (b'1'..=b'9').contains(&b))
}

/// Digits of a finite non-negative value per the presentation type.
fn float_body(v: f64, s: &Spec) -> String {
    match s.ty {
        'e' | 'E' => {
            let p = s.precision.unwrap_or(6);
            let d = Digits::from_scientific(&format!("{v:.p$e}"));
            let exp = if d.is_zero() { 0 } else { d.point - 1 };
            let mut mantissa = ascii(&d.digits[..1]);
            if p > 0 || s.alternate {
                mantissa.push('.');
            }
            let rest = d.digits.get(1..).map(ascii).unwrap_or_default();
            mantissa.push_str(&format!("{rest:0<p$}"));
            let sign = if exp < 0 { '-' } else { '+' };
            format!("{mantissa}e{sign}{:02}", exp.unsigned_abs())
        }
        'f' | 'F' | '%' => {
            let p = s.precision.unwrap_or(6);
            let mut text = format!("{v:.p$}");
            if p == 0 && s.alternate {
                text.push('.');
            }
            text
        }
        '\0' if s.precision.is_none() => render_general(
            &Digits::shortest(v),
            General {
                alt: s.alternate,
                ..General::REPR
            },
        ),
        _ => {
            let add_dot_0 = s.ty == '\0';
            let p = s.precision.unwrap_or(6).max(1);
            let style = General {
                max_point: if add_dot_0 { p as i32 - 1 } else { p as i32 },
                min_digits: if s.alternate { p } else { 0 },
                add_dot_0,
                alt: s.alternate,
            };
            render_general(&Digits::significant(v, p), style)
        }
    }
}

fn sign_char(negative: bool, sign: Option<char>) -> Option<char> {
    match (negative, sign) {
        (true, _) => Some('-'),
        (false, Some('+')) => Some('+'),
        (false, Some(' ')) => Some(' '),
        _ => None,
    }
}

/// The integer path of `format()`.
fn format_int_with(x: i128, s: &Spec) -> Result<String, String> {
    if s.precision.is_some() {
        return Err("Precision not allowed in integer format specifier".into());
    }
    if s.no_neg_0 {
        return Err("Negative zero coercion (z) not allowed in integer format specifier".into());
    }
    if s.ty == 'c' {
        return format_char(x, s);
    }
    let magnitude = x.unsigned_abs();
    let (digits, prefix, group_size) = match s.ty {
        'b' => (format!("{magnitude:b}"), "0b", 4),
        'o' => (format!("{magnitude:o}"), "0o", 4),
        'x' => (format!("{magnitude:x}"), "0x", 4),
        'X' => (format!("{magnitude:X}"), "0X", 4),
        _ => (magnitude.to_string(), "", 3),
    };
    let prefix = if s.alternate { prefix } else { "" };
    let group = s.grouping.map(|g| (g, if g == '_' { group_size } else { 3 }));
    Ok(layout_number(sign_char(x < 0, s.sign), prefix, &digits, "", s, group))
}

fn format_char(x: i128, s: &Spec) -> Result<String, String> {
    if s.sign.is_some() {
        return Err("Sign not allowed with integer format specifier 'c'".into());
    }
    if s.alternate {
        return Err("Alternate form (#) not allowed with integer format specifier 'c'".into());
    }
    if i64::try_from(x).is_err() {
        return Err("Python int too large to convert to C long".into());
    }
    let ch = u32::try_from(x)
        .ok()
        .filter(|&u| u < 0x110000)
        .ok_or("%c arg not in range(0x110000)")?;
    // Lone surrogates cannot live in a Rust string; use U+FFFD for them.
    let ch = char::from_u32(ch).unwrap_or('\u{fffd}');
    Ok(layout_number(None, "", "", &ch.to_string(), s, None))
}

/// CPython's number layout: `[lpad][sign][prefix][spad][digits][rest][rpad]`,
/// with zero padding going into the (grouped) digits.
fn layout_number(
    sign: Option<char>,
    prefix: &str,
    digits: &str,
    rest: &str,
    s: &Spec,
    group: Option<(char, usize)>,
) -> String {
    let fixed = usize::from(sign.is_some()) + prefix.len() + char_len(rest);
    let min_width = if s.fill == '0' && s.align == '=' {
        s.width as i64 - fixed as i64
    } else {
        0
    };
    let grouped = if digits.is_empty() {
        String::new()
    } else {
        group_digits(digits, min_width, group)
    };
    let total = fixed + grouped.len();
    let padding = s.width.saturating_sub(total);
    let (left, inner, right) = match s.align {
        '<' => (0, 0, padding),
        '^' => (padding / 2, 0, padding - padding / 2),
        '=' => (0, padding, 0),
        _ => (padding, 0, 0),
    };
    let fill = |n: usize| s.fill.to_string().repeat(n);
    let sign = sign.map(String::from).unwrap_or_default();
    format!(
        "{}{sign}{prefix}{}{grouped}{rest}{}",
        fill(left),
        fill(inner),
        fill(right)
    )
}

/// Inserts group separators, zero-extending the digits to `min_width`
/// characters (separators included) the way CPython does.
fn group_digits(digits: &str, min_width: i64, group: Option<(char, usize)>) -> String {
    let Some((sep, size)) = group else {
        let zeros = (min_width - digits.len() as i64).max(0) as usize;
        return format!("{}{digits}", "0".repeat(zeros));
    };
    let bytes = digits.as_bytes();
    let mut remaining = bytes.len() as i64;
    let mut min_width = min_width;
    let mut groups: Vec<String> = Vec::new();
    loop {
        let len = (size as i64).min(remaining.max(min_width).max(1));
        let n_chars = remaining.min(len).max(0);
        let n_zeros = (len - remaining).max(0);
        let end = remaining as usize;
        let start = (remaining - n_chars) as usize;
        let mut g = "0".repeat(n_zeros as usize);
        g.push_str(&digits[start..end]);
        groups.push(g);
        remaining -= n_chars;
        min_width -= len;
        if remaining <= 0 && min_width <= 0 {
            break;
        }
        min_width -= 1;
    }
    groups.reverse();
    groups.join(&sep.to_string())
}

/// Pads a non-numeric field (strings) per fill/align/width.
fn pad_field(body: &str, s: &Spec) -> String {
    let padding = s.width.saturating_sub(char_len(body));
    let (left, right) = match s.align {
        '>' => (padding, 0),
        '^' => (padding / 2, padding - padding / 2),
        _ => (0, padding),
    };
    let fill = |n: usize| s.fill.to_string().repeat(n);
    format!("{}{body}{}", fill(left), fill(right))
}

// ---------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------

#[cfg(test)]
mod diff_tests {
    //! Differential test against real NumPy: `tests/data/repr_cases.txt` is
    //! written by `gen_repr_cases.py` (format described there).

    use super::*;
    use crate::value::data::ArrayData;
    use ndarray::{ArrayD, ArrayViewD, Axis, IxDyn};

    const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/repr_cases.txt");
    const MAX_REPORTED: usize = 8;

    #[derive(Default)]
    struct Report {
        checked: usize,
        failures: Vec<String>,
        failed: usize,
        failed_by_kind: std::collections::BTreeMap<String, usize>,
    }

    impl Report {
        fn check(&mut self, what: &str, got: &str, expected: &str, context: &dyn Fn() -> String) {
            self.checked += 1;
            if got == expected {
                return;
            }
            self.failed += 1;
            *self.failed_by_kind.entry(what.to_string()).or_insert(0) += 1;
            if self.failures.len() < MAX_REPORTED {
                self.failures.push(format!(
                    "{what} mismatch\n  case: {}\n  expected:\n{expected}\n  got:\n{got}\n",
                    context()
                ));
            }
        }
    }

    fn unescape(s: &str) -> String {
        let mut out = String::with_capacity(s.len());
        let mut chars = s.chars();
        while let Some(c) = chars.next() {
            if c != '\\' {
                out.push(c);
                continue;
            }
            match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some(other) => out.push(other),
                None => out.push('\\'),
            }
        }
        out
    }

    fn parse_options(field: &str) -> PrintOptions {
        let f: Vec<&str> = field.split('|').collect();
        assert_eq!(f.len(), 10, "bad options line {field:?}");
        PrintOptions {
            precision: f[0].parse().unwrap(),
            threshold: f[1].parse().unwrap(),
            edgeitems: f[2].parse().unwrap(),
            linewidth: f[3].parse().unwrap(),
            suppress: f[4] == "1",
            floatmode: match f[5] {
                "fixed" => FloatMode::Fixed,
                "unique" => FloatMode::Unique,
                "maxprec_equal" => FloatMode::MaxPrecEqual,
                _ => FloatMode::MaxPrec,
            },
            sign: f[6].chars().next().unwrap(),
            nanstr: f[7].to_string(),
            infstr: f[8].to_string(),
            legacy: match f[9] {
                "1.13" => Legacy::V113,
                "1.21" => Legacy::V121,
                "1.25" => Legacy::V125,
                "2.1" => Legacy::V21,
                "2.2" => Legacy::V22,
                _ => Legacy::Off,
            },
        }
    }

    fn float_bits(s: &str) -> f64 {
        f64::from_bits(u64::from_str_radix(s, 16).unwrap())
    }

    /// Builds the logical array; `edges` data fills only the displayed
    /// positions and everything else gets a value that would show up.
    fn build<T: Clone>(shape: &[usize], edges: Option<usize>, values: Vec<T>, poison: T) -> ArrayD<T> {
        let Some(e) = edges else {
            return ArrayD::from_shape_vec(IxDyn(shape), values).unwrap();
        };
        let mut a = ArrayD::from_elem(IxDyn(shape), poison);
        let axes: Vec<Vec<usize>> = shape
            .iter()
            .map(|&n| if n > 2 * e { (0..e).chain(n - e..n).collect() } else { (0..n).collect() })
            .collect();
        let positions = sample(&axes, |i| Some(i.to_vec()));
        assert_eq!(positions.len(), values.len(), "edge value count");
        for (pos, v) in positions.into_iter().zip(values) {
            a[IxDyn(&pos)] = v;
        }
        a
    }

    fn parse_array(dtype: &str, shape: &[usize], edges: Option<usize>, values: &str) -> ArrayData {
        match dtype {
            "f" => {
                let v = values.split_whitespace().map(float_bits).collect();
                ArrayData::Float(build(shape, edges, v, 1e300))
            }
            "i" => {
                let v = values.split_whitespace().map(|s| s.parse().unwrap()).collect();
                ArrayData::Int(build(shape, edges, v, i64::MIN))
            }
            _ => {
                let v = values.chars().map(|c| c == '1').collect();
                ArrayData::Bool(build(shape, edges, v, true))
            }
        }
    }

    /// Calls `f` with the same logical array stored C-order, F-order and
    /// with every axis negatively strided.
    fn with_layouts<T: Clone>(
        a: &ArrayD<T>,
        wrap: impl for<'a> Fn(ArrayViewD<'a, T>) -> AView<'a>,
        f: &mut dyn FnMut(&AView, &str),
    ) {
        f(&wrap(a.view()), "C");
        let transposed = a.t().as_standard_layout().into_owned();
        f(&wrap(transposed.t()), "F");
        let mut flipped = a.view();
        for ax in 0..a.ndim() {
            flipped.invert_axis(Axis(ax));
        }
        let stored = flipped.as_standard_layout().into_owned();
        let mut view = stored.view();
        for ax in 0..a.ndim() {
            view.invert_axis(Axis(ax));
        }
        f(&wrap(view), "negative strides");
    }

    fn wrap_bool(v: ArrayViewD<'_, bool>) -> AView<'_> {
        AView::Bool(v)
    }
    fn wrap_int(v: ArrayViewD<'_, i64>) -> AView<'_> {
        AView::Int(v)
    }
    fn wrap_float(v: ArrayViewD<'_, f64>) -> AView<'_> {
        AView::Float(v)
    }

    fn for_each_layout(a: &ArrayData, f: &mut dyn FnMut(&AView, &str)) {
        match a {
            ArrayData::Bool(x) => with_layouts(x, wrap_bool, f),
            ArrayData::Int(x) => with_layouts(x, wrap_int, f),
            ArrayData::Float(x) => with_layouts(x, wrap_float, f),
        }
    }

    fn check_array(r: &mut Report, opts: &PrintOptions, fields: &[&str], line_no: usize) {
        let [_, dtype, shape, mode, values, repr, text] = fields else {
            panic!("line {line_no}: bad A line");
        };
        let shape: Vec<usize> = shape.split(',').filter(|s| !s.is_empty()).map(|s| s.parse().unwrap()).collect();
        let edges = (*mode == "edges").then_some(opts.edgeitems);
        let a = parse_array(dtype, &shape, edges, values);
        let (repr, text) = (unescape(repr), unescape(text));
        let context = || format!("line {line_no}: {opts:?} dtype {dtype} shape {shape:?} values {values:.300}");
        for_each_layout(&a, &mut |v, layout| {
            let ctx = || format!("{} [{layout}]", context());
            r.check("repr", &array_repr(v, opts), &repr, &ctx);
            r.check("str", &array_str(v, opts), &text, &ctx);
        });
    }

    fn check_scalar(r: &mut Report, opts: &PrintOptions, fields: &[&str], line_no: usize) {
        let [_, dtype, value, repr, text] = fields else {
            panic!("line {line_no}: bad X line");
        };
        let (got_repr, got_str) = match *dtype {
            "f" => {
                let x = float_bits(value);
                (scalar_repr_f64(x, opts), scalar_str_f64(x, opts))
            }
            "i" => {
                let x: i64 = value.parse().unwrap();
                (scalar_repr_i64(x, opts), x.to_string())
            }
            _ => {
                let x = *value == "1";
                (scalar_repr_bool(x, opts), python_repr(Scalar::Bool(x)))
            }
        };
        let ctx = || format!("line {line_no}: {opts:?} scalar {dtype} {value}");
        r.check("scalar repr", &got_repr, &unescape(repr), &ctx);
        r.check("scalar str", &got_str, &unescape(text), &ctx);
    }

    fn check_format(r: &mut Report, fields: &[&str], line_no: usize) {
        let [_, kind, value, spec, expected] = fields else {
            panic!("line {line_no}: bad F line");
        };
        let spec = unescape(spec);
        let got = match *kind {
            "f" => format_float_spec(float_bits(value), &spec),
            "i" => format_int_spec(value.parse().unwrap(), &spec),
            _ => format_str_spec(&unescape(value), &spec),
        };
        let got = match got {
            Ok(s) => format!("={s}"),
            Err(e) => format!("!{e}"),
        };
        let ctx = || format!("line {line_no}: format({kind} {value}, {spec:?})");
        r.check("format", &got, &unescape(expected), &ctx);
    }

    #[test]
    fn matches_numpy_on_recorded_cases() {
        // NPR_REPR_CASES=<file> runs a bigger soak set made with other seeds.
        let path = std::env::var("NPR_REPR_CASES").unwrap_or_else(|_| DATA.to_string());
        let data = std::fs::read_to_string(&path).expect("repr cases file");
        let mut opts = PrintOptions::default();
        let mut r = Report::default();
        let mut counts = std::collections::BTreeMap::new();
        for (i, line) in data.lines().enumerate() {
            let fields: Vec<&str> = line.split('\t').collect();
            *counts.entry(fields[0]).or_insert(0usize) += 1;
            match fields[0] {
                "O" => opts = parse_options(fields[1]),
                "A" => check_array(&mut r, &opts, &fields, i + 1),
                "X" => check_scalar(&mut r, &opts, &fields, i + 1),
                "P" => {
                    let ctx = || format!("line {}: repr(float) {}", i + 1, fields[1]);
                    r.check("py repr", &py_float_repr(float_bits(fields[1])), fields[2], &ctx);
                }
                "F" => check_format(&mut r, &fields, i + 1),
                _ => {}
            }
        }
        eprintln!("checked {} comparisons from {counts:?}", r.checked);
        assert!(
            r.failed == 0,
            "{} of {} comparisons differ from NumPy ({:?}); first ones:\n{}",
            r.failed,
            r.checked,
            r.failed_by_kind,
            r.failures.join("\n")
        );
    }
}
