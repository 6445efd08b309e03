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
//! `legacy='1.13'` is reproduced too (space sign, fixed scientific digits,
//! its wrapping quirks, `repr` of the item for 0-d arrays, `dtype=bool`,
//! `%.17g` scalar reprs). Note that NumPy's `set_printoptions` forces
//! `sign='-'` whenever the legacy mode is `'1.13'`; that belongs to the
//! caller that stores the options.
//!
//! Digit generation relies on Rust's float formatting: `{:.N}` / `{:.Ne}`
//! round the exact binary value half-to-even (like Dragon4 and `dtoa`), and
//! `{:e}` yields the shortest round-trip length; its digits are corrected
//! for exact decimal ties, which Rust rounds up but Python and NumPy round
//! to even. Only the displayed elements are ever read, so a summarised
//! `(1000, 1000)` array costs the same as a `(6, 6)` one.
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
    let spacer = if legacy > 113 && too_long { format!("\n{}", " ".repeat(prefix.len())) } else { " ".to_string() };
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
    let axes = shape.iter().map(|&n| axis_display(n, opts.edgeitems, summarize)).collect();
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
        let sample_axes: Vec<Vec<usize>> = shape.iter().map(|&n| axis_sample(n, opts.edgeitems, summarized)).collect();
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
        element(a, index).map(|x| self.format_scalar(x)).unwrap_or_default()
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

/// NumPy refuses to print more digits than this ("Float formatting result
/// too large"); npr caps the precision instead.
const MAX_PRECISION: usize = 16_000;

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
            _ => Some(opts.precision.min(MAX_PRECISION)),
        };
        let mut f = FloatFormat {
            exp_format: use_scientific(&finite, opts.suppress),
            rule: DigitRule { unique: true, precision, min_digits: 0, keep_zeros: false },
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
            let neg_inf = sign != '-' || values.contains(&f64::NEG_INFINITY);
            f.widen_for_non_finite(neg_inf);
        }
        f
    }

    /// First pass in scientific notation: common mantissa digits and
    /// exponent width.
    fn fill_scientific(&mut self, finite: &[f64], mode: FloatMode, legacy: u32) {
        let fixed = mode == FloatMode::Fixed || legacy <= 113;
        let first = DigitRule { unique: !fixed, precision: self.rule.precision, min_digits: 0, keep_zeros: fixed };
        let parts: Vec<SciParts> = finite.iter().map(|&x| scientific_parts(x, first, self.sign_plus)).collect();
        let digits = parts.iter().map(|p| p.frac.len()).max().unwrap_or(0);
        self.exp_size = parts.iter().map(|p| exp_digits(p.exp)).max().unwrap_or(2);
        self.rule = DigitRule { unique: first.unique, precision: Some(digits), min_digits: digits, keep_zeros: true };
        self.pad_left = if legacy <= 113 { 3 } else { parts.iter().map(|p| p.int.len()).max().unwrap_or(0) };
        self.pad_right = self.exp_size + 2 + digits;
    }

    /// First pass in positional notation: common integer/fraction widths.
    fn fill_positional(&mut self, finite: &[f64], mode: FloatMode, legacy: u32) {
        let fixed = mode == FloatMode::Fixed;
        let first = DigitRule { unique: !fixed, precision: self.rule.precision, min_digits: 0, keep_zeros: fixed };
        let parts: Vec<(String, String)> = finite.iter().map(|&x| positional_parts(x, first, self.sign_plus)).collect();
        self.pad_left = if legacy <= 113 {
            1 + parts.iter().map(|(i, _)| i.trim_start_matches(['-', '+']).len()).max().unwrap_or(0)
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
            format!("{}.{}", pad_left_to(&int, self.pad_left), pad_right_to(&frac, self.pad_right))
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
        let word = if x.is_nan() { &self.nanstr } else { &self.infstr };
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

impl DigitRule {
    /// Fraction digits every value is padded to (`trim='k'`).
    fn target(&self) -> usize {
        if self.unique {
            self.min_digits
        } else {
            self.precision.unwrap_or(0)
        }
    }

    /// Dragon4's digits of `v >= 0`: the shortest round-trip digits cut at
    /// `precision` and extended to `min_digits` (both by rounding the exact
    /// value), or with `unique == false` the exact value rounded to
    /// `precision`. `count` tells how many digits a result has, `round`
    /// produces the exact value rounded to that many.
    fn digits(&self, v: f64, count: impl Fn(&Digits) -> usize, round: impl Fn(f64, usize) -> Digits) -> Digits {
        if !self.unique {
            return round(v, self.precision.unwrap_or(0));
        }
        let mut d = Digits::shortest(v);
        if let Some(p) = self.precision {
            if count(&d) > p {
                d = round(v, p);
            }
        }
        if self.min_digits > count(&d) {
            d = round(v, self.min_digits);
        }
        d
    }
}

/// Dragon4 positional output split at the point: (sign + integer, fraction).
fn positional_parts(x: f64, rule: DigitRule, sign_plus: bool) -> (String, String) {
    let digits = rule.digits(x.abs(), Digits::frac_len, Digits::fractional);
    let frac = finish_fraction(digits.fraction(), rule.target(), rule.keep_zeros);
    let int = format!("{}{}", sign_text(x, sign_plus), digits.integer());
    (int, frac)
}

struct SciParts {
    /// Sign and the digit before the point.
    int: String,
    frac: String,
    exp: i32,
}

/// Dragon4 scientific output: mantissa parts and decimal exponent.
fn scientific_parts(x: f64, rule: DigitRule, sign_plus: bool) -> SciParts {
    let digits =
        rule.digits(x.abs(), |d| d.len().saturating_sub(1), |v, n| Digits::significant(v, n.saturating_add(1)));
    let (first, rest) = digits.digits.split_at(1.min(digits.len()));
    SciParts {
        int: format!("{}{}", sign_text(x, sign_plus), ascii(first)),
        frac: finish_fraction(ascii(rest), rule.target(), rule.keep_zeros),
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

/// Enough digits to write any f64 exactly (at most 767 significant and 1074
/// fractional digits are ever non-zero).
const EXACT_DIGITS: usize = 1100;

/// Decimal digits of a non-negative finite value: `0.d1d2d3… × 10^point`.
/// `digits` is never empty; zero is `"0"` with `point == 1`.
#[derive(Debug, Clone, PartialEq)]
struct Digits {
    digits: Vec<u8>,
    point: i32,
}

impl Digits {
    fn zero() -> Digits {
        Digits { digits: vec![b'0'], point: 1 }
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
        // With 15 digits or fewer, two candidates half a decimal unit away
        // cannot both round-trip, so only long outputs can hit a tie.
        if rust.len() < 16 {
            return rust;
        }
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
        // Rust's runtime precision is limited to u16; beyond EXACT_DIGITS
        // every f64 is exact anyway.
        let n = n.clamp(1, EXACT_DIGITS);
        Digits::from_scientific(&format!("{:.*e}", n - 1, v)).trimmed()
    }

    /// The exact value rounded half-even to `n` fractional digits, trailing
    /// zeros removed.
    fn fractional(v: f64, n: usize) -> Digits {
        let n = n.min(EXACT_DIGITS);
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
        Digits { digits: digits[lead..].to_vec(), point: point.saturating_sub(i32::try_from(lead).unwrap_or(i32::MAX)) }
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
fn array_to_string(a: &AView, opts: &PrintOptions, separator: &'static str, prefix: &str, suffix_len: usize) -> String {
    let shape = a.shape();
    if shape.contains(&0) {
        return "[]".to_string();
    }
    let legacy = legacy_level(opts.legacy);
    let mut line_width = i64::try_from(opts.linewidth).unwrap_or(i64::MAX);
    if legacy > 113 {
        line_width -= suffix_len as i64;
    }
    let formatter = ElementFormatter::new(a, opts);
    let layout = Layout { view: a, shape, formatter: &formatter, separator, edgeitems: opts.edgeitems, legacy };
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
        let elem_width = if self.legacy <= 113 { width - sep_len } else { width - sep_len.max(1) };
        let mut wrap = Wrapper::new(hanging, self.legacy);
        let positions = Self::positions(plan);
        let last = positions.len().saturating_sub(1);
        for (k, pos) in positions.into_iter().enumerate() {
            match pos {
                Some(i) => {
                    let word = self.child(index, i, hanging, width);
                    let limit = if k == last && self.legacy <= 113 { width } else { elem_width };
                    wrap.push(&word, limit);
                }
                None => wrap.push("...", elem_width),
            }
            if k != last {
                let summary_sep = pos.is_none() && self.legacy <= 113;
                wrap.append(if summary_sep { ", " } else { self.separator });
            }
        }
        wrap.finish()
    }

    /// An outer axis: sub-blocks separated by `,` and newlines.
    fn block(&self, index: &mut Vec<usize>, plan: &AxisPlan, hanging: &str, width: i64) -> String {
        let axes_left = self.shape.len() - index.len();
        let line_sep = format!("{}{}", self.separator.trim_end(), "\n".repeat(axes_left - 1));
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

/// Line filling for the last axis (NumPy's `_extendLine`). Lengths are
/// counted in characters and tracked incrementally, so very long rows
/// (huge `linewidth`) stay linear.
struct Wrapper<'h> {
    text: String,
    line: String,
    line_len: usize,
    hanging: &'h str,
    hanging_len: usize,
    legacy: u32,
}

impl<'h> Wrapper<'h> {
    fn new(hanging: &'h str, legacy: u32) -> Wrapper<'h> {
        let hanging_len = char_len(hanging);
        Wrapper { text: String::new(), line: hanging.to_string(), line_len: hanging_len, hanging, hanging_len, legacy }
    }

    /// Adds a word, first breaking the line if it would exceed `limit`.
    fn push(&mut self, word: &str, limit: i64) {
        let word_len = char_len(word);
        let mut wrap = (self.line_len + word_len) as i64 > limit;
        if self.legacy > 113 && self.line_len <= self.hanging_len {
            // NumPy does not wrap when it would not help.
            wrap = false;
        }
        if wrap {
            self.text.push_str(self.line.trim_end());
            self.text.push('\n');
            self.line = self.hanging.to_string();
            self.line_len = self.hanging_len;
        }
        self.append(word);
    }

    fn append(&mut self, s: &str) {
        self.line.push_str(s);
        self.line_len += char_len(s);
    }

    fn finish(mut self) -> String {
        self.text.push_str(&self.line);
        self.text
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
    const REPR: General = General { max_point: 16, min_digits: 0, add_dot_0: true, alt: false };
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
    let min_end = if !use_exp && style.add_dot_0 { point + 1 } else { point };
    end = end.max(min_end);
    let mut s = String::new();
    for i in start..end {
        if i == point {
            s.push('.');
        }
        let digit = usize::try_from(i).ok().and_then(|i| d.digits.get(i).copied()).unwrap_or(b'0');
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
    Some(if upper { word.to_uppercase() } else { word.to_string() })
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
    let style = General { max_point: significant as i32, min_digits: 0, add_dot_0: false, alt: false };
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
        return Err(format!("Invalid format specifier '{spec}' for object of type '{type_name}'"));
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
            let d = Digits::significant(v, p + 1);
            let exp = if d.is_zero() { 0 } else { d.point - 1 };
            let (first, rest) = d.digits.split_at(1.min(d.len()));
            let frac = finish_fraction(ascii(rest), p, true);
            let dot = if p > 0 || s.alternate { "." } else { "" };
            let sign = if exp < 0 { '-' } else { '+' };
            format!("{}{dot}{frac}e{sign}{:02}", ascii(first), exp.unsigned_abs())
        }
        'f' | 'F' | '%' => {
            let p = s.precision.unwrap_or(6);
            let d = Digits::fractional(v, p);
            let frac = finish_fraction(d.fraction(), p, true);
            let dot = if p > 0 || s.alternate { "." } else { "" };
            format!("{}{dot}{frac}", d.integer())
        }
        '\0' if s.precision.is_none() => {
            render_general(&Digits::shortest(v), General { alt: s.alternate, ..General::REPR })
        }
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
    let ch = u32::try_from(x).ok().filter(|&u| u < 0x110000).ok_or("%c arg not in range(0x110000)")?;
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
    let min_width = if s.fill == '0' && s.align == '=' { s.width as i64 - fixed as i64 } else { 0 };
    let grouped = if digits.is_empty() { String::new() } else { group_digits(digits, min_width, group) };
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
    format!("{}{sign}{prefix}{}{grouped}{rest}{}", fill(left), fill(inner), fill(right))
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
                self.failures
                    .push(format!("{what} mismatch\n  case: {}\n  expected:\n{expected}\n  got:\n{got}\n", context()));
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
                Some('r') => out.push('\r'),
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
            python_float_precision: None,
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

#[cfg(test)]
mod fact_sheet_tests {
    //! Every example of NUMPY-FACTS.md §1–§4, expected text copied verbatim.

    use super::*;
    use crate::value::data::ArrayData;
    use ndarray::{ArrayD, IxDyn};
    use std::f64::consts::{E, PI, SQRT_2};

    fn def() -> PrintOptions {
        PrintOptions::default()
    }

    fn with(f: impl FnOnce(&mut PrintOptions)) -> PrintOptions {
        let mut o = PrintOptions::default();
        f(&mut o);
        o
    }

    fn fm(shape: &[usize], v: &[f64]) -> ArrayData {
        ArrayData::Float(ArrayD::from_shape_vec(IxDyn(shape), v.to_vec()).unwrap())
    }
    fn fv(v: &[f64]) -> ArrayData {
        fm(&[v.len()], v)
    }
    fn f0(x: f64) -> ArrayData {
        fm(&[], &[x])
    }
    fn im(shape: &[usize], v: &[i64]) -> ArrayData {
        ArrayData::Int(ArrayD::from_shape_vec(IxDyn(shape), v.to_vec()).unwrap())
    }
    fn iv(v: &[i64]) -> ArrayData {
        im(&[v.len()], v)
    }
    fn i0(x: i64) -> ArrayData {
        im(&[], &[x])
    }
    fn bm(shape: &[usize], v: &[bool]) -> ArrayData {
        ArrayData::Bool(ArrayD::from_shape_vec(IxDyn(shape), v.to_vec()).unwrap())
    }
    fn bv(v: &[bool]) -> ArrayData {
        bm(&[v.len()], v)
    }
    fn b0(x: bool) -> ArrayData {
        bm(&[], &[x])
    }
    /// `np.arange(n).reshape(shape)`
    fn ar(shape: &[usize]) -> ArrayData {
        ar_scaled(shape, 1)
    }
    fn ar_scaled(shape: &[usize], k: i64) -> ArrayData {
        let n: usize = shape.iter().product();
        im(shape, &(0..n as i64).map(|i| i * k).collect::<Vec<_>>())
    }
    /// `np.arange(n.).reshape(shape) * k`
    fn arf(shape: &[usize], k: f64) -> ArrayData {
        let n: usize = shape.iter().product();
        fm(shape, &(0..n).map(|i| i as f64 * k).collect::<Vec<_>>())
    }
    fn linspace(a: f64, b: f64, n: usize) -> ArrayData {
        let step = (b - a) / (n - 1) as f64;
        fv(&(0..n).map(|i| if i == n - 1 { b } else { a + i as f64 * step }).collect::<Vec<_>>())
    }
    fn zeros_with(n: usize, at: usize, x: f64) -> ArrayData {
        let mut v = vec![0.0; n];
        v[at] = x;
        fv(&v)
    }
    fn int_zeros_with(n: usize, at: usize, x: i64) -> ArrayData {
        let mut v = vec![0; n];
        v[at] = x;
        iv(&v)
    }
    /// `np.random.RandomState(0).randn(40, 30)`: only the displayed corners
    /// matter, so they get the printed values and the rest stays zero.
    fn randn_40_30() -> ArrayData {
        let corners: [[f64; 6]; 6] = [
            [1.76405235, 0.40015721, 0.97873798, -0.18718385, 1.53277921, 1.46935877],
            [0.15494743, 0.37816252, -0.88778575, 0.3024719, -0.63432209, -0.36274117],
            [-0.67246045, -0.35955316, -0.81314628, -0.17992484, -1.07075262, 1.05445173],
            [-0.06205313, 1.25916713, 0.70411102, 0.07821118, 1.40454551, 0.14644077],
            [-1.48124596, -1.27255814, 1.51875934, 0.37775917, 0.23986711, 0.15895867],
            [0.19286396, -1.15701728, 0.77067305, -0.59377745, -2.01188032, 0.58970361],
        ];
        let mut a = ArrayD::zeros(IxDyn(&[40, 30]));
        let edge = [0, 1, 2, 27, 28, 29];
        for (r, row) in [0, 1, 2, 37, 38, 39].into_iter().zip(corners) {
            for (c, x) in edge.into_iter().zip(row) {
                a[[r, c]] = x;
            }
        }
        ArrayData::Float(a)
    }

    #[track_caller]
    fn rep(o: &PrintOptions, a: ArrayData, expected: &[&str]) {
        assert_eq!(array_repr(&a.view(), o), expected.join("\n"));
    }
    #[track_caller]
    fn st(o: &PrintOptions, a: ArrayData, expected: &[&str]) {
        assert_eq!(array_str(&a.view(), o), expected.join("\n"));
    }
    #[track_caller]
    fn scalar(got: String, expected: &[&str]) {
        assert_eq!(got, expected.join("\n"));
    }

    #[test]
    fn section_1_layout() {
        rep(&def(), iv(&[1, 2, 3]), &["array([1, 2, 3])"]);
        rep(&def(), iv(&[-1, 20, -300]), &["array([  -1,   20, -300])"]);
        rep(&def(), im(&[2, 2], &[1, -2, 30, 4]), &["array([[ 1, -2],", "       [30,  4]])"]);
        rep(&def(), bv(&[true, false, true]), &["array([ True, False,  True])"]);
        rep(&def(), bv(&[true, true]), &["array([ True,  True])"]);
        rep(&def(), bm(&[2, 2], &[true, false, false, true]), &["array([[ True, False],", "       [False,  True]])"]);
        rep(&def(), b0(true), &["array(True)"]);
        rep(&def(), i0(5), &["array(5)"]);
        rep(&def(), f0(1.0), &["array(1.)"]);
        rep(&def(), f0(1e-5), &["array(1.e-05)"]);
        rep(&def(), fv(&[]), &["array([], dtype=float64)"]);
        rep(&def(), iv(&[]), &["array([], dtype=int64)"]);
        rep(&def(), fm(&[0, 3], &[]), &["array([], shape=(0, 3), dtype=float64)"]);
        rep(&def(), bm(&[2, 0, 3], &[]), &["array([], shape=(2, 0, 3), dtype=bool)"]);
        rep(&def(), fm(&[0, 0], &[]), &["array([], shape=(0, 0), dtype=float64)"]);
        rep(
            &def(),
            ar(&[30]),
            &[
                "array([ 0,  1,  2,  3,  4,  5,  6,  7,  8,  9, 10, 11, 12, 13, 14, 15, 16,",
                "       17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29])",
            ],
        );
        rep(
            &def(),
            arf(&[30], 1.0),
            &[
                "array([ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., 11., 12.,",
                "       13., 14., 15., 16., 17., 18., 19., 20., 21., 22., 23., 24., 25.,",
                "       26., 27., 28., 29.])",
            ],
        );
        rep(
            &def(),
            linspace(0.0, 1.0, 7),
            &["array([0.        , 0.16666667, 0.33333333, 0.5       , 0.66666667,", "       0.83333333, 1.        ])"],
        );
        rep(
            &def(),
            ar(&[2, 20]),
            &[
                "array([[ 0,  1,  2,  3,  4,  5,  6,  7,  8,  9, 10, 11, 12, 13, 14, 15,",
                "        16, 17, 18, 19],",
                "       [20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35,",
                "        36, 37, 38, 39]])",
            ],
        );
        rep(
            &def(),
            arf(&[3, 20], 1.5),
            &[
                "array([[ 0. ,  1.5,  3. ,  4.5,  6. ,  7.5,  9. , 10.5, 12. , 13.5, 15. ,",
                "        16.5, 18. , 19.5, 21. , 22.5, 24. , 25.5, 27. , 28.5],",
                "       [30. , 31.5, 33. , 34.5, 36. , 37.5, 39. , 40.5, 42. , 43.5, 45. ,",
                "        46.5, 48. , 49.5, 51. , 52.5, 54. , 55.5, 57. , 58.5],",
                "       [60. , 61.5, 63. , 64.5, 66. , 67.5, 69. , 70.5, 72. , 73.5, 75. ,",
                "        76.5, 78. , 79.5, 81. , 82.5, 84. , 85.5, 87. , 88.5]])",
            ],
        );
        rep(
            &def(),
            ar_scaled(&[4, 6], 1000000),
            &[
                "array([[       0,  1000000,  2000000,  3000000,  4000000,  5000000],",
                "       [ 6000000,  7000000,  8000000,  9000000, 10000000, 11000000],",
                "       [12000000, 13000000, 14000000, 15000000, 16000000, 17000000],",
                "       [18000000, 19000000, 20000000, 21000000, 22000000, 23000000]])",
            ],
        );
        rep(
            &def(),
            ar(&[2, 3, 4]),
            &[
                "array([[[ 0,  1,  2,  3],",
                "        [ 4,  5,  6,  7],",
                "        [ 8,  9, 10, 11]],",
                "",
                "       [[12, 13, 14, 15],",
                "        [16, 17, 18, 19],",
                "        [20, 21, 22, 23]]])",
            ],
        );
        rep(
            &def(),
            ar(&[2, 2, 2, 2]),
            &[
                "array([[[[ 0,  1],",
                "         [ 2,  3]],",
                "",
                "        [[ 4,  5],",
                "         [ 6,  7]]],",
                "",
                "",
                "       [[[ 8,  9],",
                "         [10, 11]],",
                "",
                "        [[12, 13],",
                "         [14, 15]]]])",
            ],
        );
        rep(&def(), ar(&[2000]), &["array([   0,    1,    2, ..., 1997, 1998, 1999], shape=(2000,))"]);
        rep(&def(), ar(&[1001]), &["array([   0,    1,    2, ...,  998,  999, 1000], shape=(1001,))"]);
        rep(
            &def(),
            bm(&[1001], &[true; 1001]),
            &["array([ True,  True,  True, ...,  True,  True,  True], shape=(1001,))"],
        );
        rep(
            &def(),
            arf(&[2000], 1.0),
            &[
                "array([0.000e+00, 1.000e+00, 2.000e+00, ..., 1.997e+03, 1.998e+03,",
                "       1.999e+03], shape=(2000,))",
            ],
        );
        rep(
            &def(),
            fm(&[2, 3, 200], &[0.0; 1200]),
            &[
                "array([[[0., 0., 0., ..., 0., 0., 0.],",
                "        [0., 0., 0., ..., 0., 0., 0.],",
                "        [0., 0., 0., ..., 0., 0., 0.]],",
                "",
                "       [[0., 0., 0., ..., 0., 0., 0.],",
                "        [0., 0., 0., ..., 0., 0., 0.],",
                "        [0., 0., 0., ..., 0., 0., 0.]]], shape=(2, 3, 200))",
            ],
        );
        rep(
            &def(),
            ar(&[1000, 1000]),
            &[
                "array([[     0,      1,      2, ...,    997,    998,    999],",
                "       [  1000,   1001,   1002, ...,   1997,   1998,   1999],",
                "       [  2000,   2001,   2002, ...,   2997,   2998,   2999],",
                "       ...,",
                "       [997000, 997001, 997002, ..., 997997, 997998, 997999],",
                "       [998000, 998001, 998002, ..., 998997, 998998, 998999],",
                "       [999000, 999001, 999002, ..., 999997, 999998, 999999]],",
                "      shape=(1000, 1000))",
            ],
        );
        rep(
            &def(),
            randn_40_30(),
            &[
                "array([[ 1.76405235,  0.40015721,  0.97873798, ..., -0.18718385,",
                "         1.53277921,  1.46935877],",
                "       [ 0.15494743,  0.37816252, -0.88778575, ...,  0.3024719 ,",
                "        -0.63432209, -0.36274117],",
                "       [-0.67246045, -0.35955316, -0.81314628, ..., -0.17992484,",
                "        -1.07075262,  1.05445173],",
                "       ...,",
                "       [-0.06205313,  1.25916713,  0.70411102, ...,  0.07821118,",
                "         1.40454551,  0.14644077],",
                "       [-1.48124596, -1.27255814,  1.51875934, ...,  0.37775917,",
                "         0.23986711,  0.15895867],",
                "       [ 0.19286396, -1.15701728,  0.77067305, ..., -0.59377745,",
                "        -2.01188032,  0.58970361]], shape=(40, 30))",
            ],
        );
        rep(&def(), zeros_with(2000, 1000, 1e10), &["array([0., 0., 0., ..., 0., 0., 0.], shape=(2000,))"]);
        rep(
            &def(),
            zeros_with(2000, 1, 1e10),
            &["array([0.e+00, 1.e+10, 0.e+00, ..., 0.e+00, 0.e+00, 0.e+00], shape=(2000,))"],
        );
        rep(&def(), int_zeros_with(2000, 1000, -123456), &["array([0, 0, 0, ..., 0, 0, 0], shape=(2000,))"]);
        rep(
            &with(|o| {
                o.threshold = 5;
            }),
            ar(&[10]),
            &["array([0, 1, 2, ..., 7, 8, 9], shape=(10,))"],
        );
        rep(
            &with(|o| {
                o.threshold = 5;
            }),
            ar(&[6]),
            &["array([0, 1, 2, 3, 4, 5], shape=(6,))"],
        );
        rep(
            &with(|o| {
                o.threshold = 5;
            }),
            ar(&[5]),
            &["array([0, 1, 2, 3, 4])"],
        );
        rep(
            &with(|o| {
                o.threshold = 5;
                o.edgeitems = 1;
            }),
            ar(&[3, 4]),
            &["array([[ 0, ...,  3],", "       ...,", "       [ 8, ..., 11]], shape=(3, 4))"],
        );
        rep(
            &with(|o| {
                o.linewidth = 40;
            }),
            ar(&[20]),
            &[
                "array([ 0,  1,  2,  3,  4,  5,  6,  7,",
                "        8,  9, 10, 11, 12, 13, 14, 15,",
                "       16, 17, 18, 19])",
            ],
        );
        rep(
            &with(|o| {
                o.linewidth = 40;
            }),
            arf(&[2, 10], 1.0),
            &[
                "array([[ 0.,  1.,  2.,  3.,  4.,  5.,",
                "         6.,  7.,  8.,  9.],",
                "       [10., 11., 12., 13., 14., 15.,",
                "        16., 17., 18., 19.]])",
            ],
        );
    }

    #[test]
    fn section_1_4_dimensional_summary() {
        // Described in prose: hidden 3-D blocks become "...," plus a blank line,
        // and shape= goes on its own line.
        let text = array_repr(&ar(&[2, 7, 11, 13]).view(), &def());
        assert!(text.contains("\n        ...,\n\n"), "{text}");
        assert!(text.contains("1000]]],\n\n\n       [[[1001,"), "{text}");
        assert!(
            text.ends_with("         [1989, 1990, 1991, ..., 1999, 2000, 2001]]]],\n      shape=(2, 7, 11, 13))"),
            "{text}"
        );
    }

    #[test]
    fn section_2_floats() {
        rep(&def(), fv(&[1.0, 2.0]), &["array([1., 2.])"]);
        rep(&def(), fv(&[1.5, 2.0]), &["array([1.5, 2. ])"]);
        rep(&def(), fv(&[0.1 + 0.2]), &["array([0.3])"]);
        rep(&def(), fv(&[1.0 / 3.0, 2.0 / 3.0, 1.0]), &["array([0.33333333, 0.66666667, 1.        ])"]);
        rep(&def(), fv(&[-1.5, 2.25, 100.0]), &["array([ -1.5 ,   2.25, 100.  ])"]);
        rep(&def(), fv(&[-0.5, 0.5]), &["array([-0.5,  0.5])"]);
        rep(&def(), fv(&[0.0, -0.0]), &["array([ 0., -0.])"]);
        rep(&def(), fv(&[1e-4]), &["array([0.0001])"]);
        rep(&def(), fv(&[9.9e-5]), &["array([9.9e-05])"]);
        rep(&def(), fv(&[1e-4, 1.0]), &["array([1.e-04, 1.e+00])"]);
        rep(&def(), fv(&[1e-4, 0.1]), &["array([0.0001, 0.1   ])"]);
        rep(&def(), fv(&[1e-4, 0.2]), &["array([1.e-04, 2.e-01])"]);
        rep(&def(), fv(&[1.0, 1000.0]), &["array([   1., 1000.])"]);
        rep(&def(), fv(&[1.0, 1000.1]), &["array([1.0000e+00, 1.0001e+03])"]);
        rep(&def(), fv(&[1.0, 1001.0]), &["array([1.000e+00, 1.001e+03])"]);
        rep(&def(), fv(&[0.5, 501.0]), &["array([5.00e-01, 5.01e+02])"]);
        rep(&def(), fv(&[1e8]), &["array([1.e+08])"]);
        rep(&def(), fv(&[99999999.0]), &["array([99999999.])"]);
        rep(&def(), fv(&[1e7, 2e7]), &["array([10000000., 20000000.])"]);
        rep(&def(), fv(&[123456789.0]), &["array([1.23456789e+08])"]);
        rep(&def(), fv(&[1.5e-10, 1.0]), &["array([1.5e-10, 1.0e+00])"]);
        rep(&def(), fv(&[0.0, 1e-10]), &["array([0.e+00, 1.e-10])"]);
        rep(&def(), fv(&[0.0, 1e-3]), &["array([0.   , 0.001])"]);
        rep(&def(), fv(&[f64::NAN, 1.0]), &["array([nan,  1.])"]);
        rep(&def(), fv(&[f64::INFINITY, f64::NEG_INFINITY, f64::NAN]), &["array([ inf, -inf,  nan])"]);
        rep(&def(), fv(&[f64::NEG_INFINITY, 1.5]), &["array([-inf,  1.5])"]);
        rep(&def(), fv(&[f64::NAN, -1.25]), &["array([  nan, -1.25])"]);
        rep(&def(), fv(&[f64::NAN, 1e-5]), &["array([   nan, 1.e-05])"]);
        rep(
            &def(),
            fm(&[2, 2], &[f64::NAN, 1.0, f64::NEG_INFINITY, 1e-6]),
            &["array([[   nan, 1.e+00],", "       [  -inf, 1.e-06]])"],
        );
        rep(&def(), fv(&[1.23456789012, 2.0]), &["array([1.23456789, 2.        ])"]);
        rep(&def(), fv(&[1.000000005]), &["array([1.])"]);
        rep(&def(), fv(&[0.123456785]), &["array([0.12345678])"]);
        rep(&def(), fv(&[123456.123456789]), &["array([123456.12345679])"]);
        rep(&def(), fv(&[0.001953125]), &["array([0.00195312])"]);
        rep(&def(), fv(&[0.005859375]), &["array([0.00585938])"]);
        rep(&def(), fv(&[1e-5, -1e5]), &["array([ 1.e-05, -1.e+05])"]);
        rep(&def(), fv(&[1e-300, 1.0]), &["array([1.e-300, 1.e+000])"]);
        rep(&def(), fv(&[-1e100, 1.0]), &["array([-1.e+100,  1.e+000])"]);
        rep(&def(), fv(&[1.5e-5, 2.25e-5]), &["array([1.50e-05, 2.25e-05])"]);
        rep(&def(), fv(&[12345.678, 0.5]), &["array([1.2345678e+04, 5.0000000e-01])"]);
        rep(&def(), fv(&[5e-324]), &["array([5.e-324])"]);
        rep(&def(), fv(&[1.7976931348623157e308]), &["array([1.79769313e+308])"]);
        rep(&def(), fv(&[PI, E, -SQRT_2]), &["array([ 3.14159265,  2.71828183, -1.41421356])"]);
        rep(&def(), fm(&[2, 2], &[1.0, -2.5, 1e3, 0.0]), &["array([[   1. ,   -2.5],", "       [1000. ,    0. ]])"]);
        rep(
            &def(),
            fm(&[2, 2], &[1.0, -2.5, 1e4, 0.0]),
            &["array([[ 1.0e+00, -2.5e+00],", "       [ 1.0e+04,  0.0e+00]])"],
        );
        rep(&def(), linspace(-1.0, 1.0, 4), &["array([-1.        , -0.33333333,  0.33333333,  1.        ])"]);
        rep(
            &def(),
            fv(&[0.417022005, 0.720324493, 1.14374817e-4]),
            &["array([4.17022005e-01, 7.20324493e-01, 1.14374817e-04])"],
        );
        rep(&def(), f0(f64::NAN), &["array(nan)"]);
        rep(&def(), f0(-0.0), &["array(-0.)"]);
        rep(&def(), f0(1.0 / 3.0), &["array(0.33333333)"]);
        rep(&def(), f0(1e20), &["array(1.e+20)"]);
        rep(&def(), fv(&[1e-323, 1.0]), &["array([1.e-323, 1.e+000])"]);
        rep(&def(), fv(&[1e-323, 1.5]), &["array([9.9e-324, 1.5e+000])"]);
        rep(&def(), fv(&[5e-324, 1.0 / 3.0]), &["array([4.94065646e-324, 3.33333333e-001])"]);
        rep(&with(|o| o.suppress = true), fv(&[1e-10, 1.0, 1000.0]), &["array([   0.,    1., 1000.])"]);
        rep(&with(|o| o.suppress = true), fv(&[1e-5, 1e5]), &["array([     0.00001, 100000.     ])"]);
        rep(&with(|o| o.suppress = true), fv(&[4e-9, 1.0]), &["array([0., 1.])"]);
        rep(&with(|o| o.suppress = true), fv(&[6e-9, 1.0]), &["array([0.00000001, 1.        ])"]);
        rep(&with(|o| o.suppress = true), fv(&[1.5e-5, 2.0]), &["array([0.000015, 2.      ])"]);
        rep(&with(|o| o.suppress = true), fv(&[-1e-12, 3.0]), &["array([-0.,  3.])"]);
        rep(&with(|o| o.suppress = true), fv(&[1e8, 1.0]), &["array([1.e+08, 1.e+00])"]);
        rep(&with(|o| o.suppress = true), f0(1e-10), &["array(0.)"]);
        rep(&with(|o| o.precision = 3), fv(&[1.0 / 3.0, 2.0 / 3.0]), &["array([0.333, 0.667])"]);
        rep(&with(|o| o.precision = 3), fv(&[PI * 1e5, 1.0]), &["array([3.142e+05, 1.000e+00])"]);
        rep(&with(|o| o.precision = 3), fv(&[1.23456e-5]), &["array([1.235e-05])"]);
        rep(&with(|o| o.precision = 3), f0(1.0 / 3.0), &["array(0.333)"]);
        scalar(scalar_repr_f64(1.0 / 3.0, &with(|o| o.precision = 3)), &["np.float64(0.3333333333333333)"]);
    }

    #[test]
    fn section_2_print_options_in_prose() {
        let p0 = with(|o| o.precision = 0);
        rep(&p0, fv(&[1.5, 2.5, 0.4]), &["array([2., 2., 0.])"]);
        let fixed = with(|o| {
            o.floatmode = FloatMode::Fixed;
            o.precision = 3;
        });
        rep(&fixed, fv(&[1.0, 2.5]), &["array([1.000, 2.500])"]);
        let unique = with(|o| o.floatmode = FloatMode::Unique);
        rep(&unique, fv(&[1.0 / 3.0, 1.5]), &["array([0.3333333333333333, 1.5               ])"]);
        let equal = with(|o| o.floatmode = FloatMode::MaxPrecEqual);
        rep(&equal, fv(&[1.0, 1.5]), &["array([1.0, 1.5])"]);
        rep(&equal, fv(&[0.1, 0.25]), &["array([0.10, 0.25])"]);
        rep(&with(|o| o.sign = '+'), fv(&[1.0, -2.0]), &["array([+1., -2.])"]);
        let words = with(|o| {
            o.nanstr = "NaN".into();
            o.infstr = "Inf".into();
        });
        rep(&words, fv(&[f64::NAN, f64::INFINITY, 1.0]), &["array([NaN, Inf,  1.])"]);
        scalar(scalar_repr_f64(f64::NAN, &words), &["np.float64(nan)"]);
    }

    #[test]
    fn section_3_scalars() {
        scalar(scalar_repr_f64(1.0, &def()), &["np.float64(1.0)"]);
        scalar(scalar_repr_f64(0.1, &def()), &["np.float64(0.1)"]);
        scalar(scalar_repr_f64(1.0 / 3.0, &def()), &["np.float64(0.3333333333333333)"]);
        scalar(scalar_repr_f64(1e16, &def()), &["np.float64(1e+16)"]);
        scalar(scalar_repr_f64(9999999999999998.0, &def()), &["np.float64(9999999999999998.0)"]);
        scalar(scalar_repr_f64(1e-4, &def()), &["np.float64(0.0001)"]);
        scalar(scalar_repr_f64(9.99e-5, &def()), &["np.float64(9.99e-05)"]);
        scalar(scalar_repr_f64(123456789.0, &def()), &["np.float64(123456789.0)"]);
        scalar(scalar_repr_f64(-0.0, &def()), &["np.float64(-0.0)"]);
        scalar(scalar_repr_f64(f64::NAN, &def()), &["np.float64(nan)"]);
        scalar(scalar_repr_f64(f64::NEG_INFINITY, &def()), &["np.float64(-inf)"]);
        scalar(scalar_repr_f64(1.5e300, &def()), &["np.float64(1.5e+300)"]);
        scalar(scalar_repr_i64(-7, &def()), &["np.int64(-7)"]);
        scalar(scalar_repr_bool(true, &def()), &["np.True_"]);
        scalar(scalar_repr_f64(6.5, &def()), &["np.float64(6.5)"]);
        scalar(scalar_repr_i64(1, &def()), &["np.int64(1)"]);
        scalar(scalar_repr_i64(2, &def()), &["np.int64(2)"]);
        scalar(scalar_repr_bool(true, &def()), &["np.True_"]);
        scalar(scalar_repr_i64(14, &def()), &["np.int64(14)"]);
        scalar(scalar_repr_i64(5, &def()), &["np.int64(5)"]);
        scalar(scalar_repr_i64(6, &def()), &["np.int64(6)"]);
        scalar(scalar_repr_bool(true, &def()), &["np.True_"]);
        scalar(scalar_repr_i64(3, &def()), &["np.int64(3)"]);
        scalar(scalar_repr_bool(true, &def()), &["np.True_"]);
        scalar(python_repr(Scalar::Bool(true)), &["True"]);
        rep(&def(), i0(1), &["array(1)"]);
        rep(&def(), i0(5), &["array(5)"]);
        scalar(scalar_repr_f64(5.0, &def()), &["np.float64(5.0)"]);
        rep(&def(), i0(5), &["array(5)"]);
        rep(&def(), f0(5.0), &["array(5.)"]);
        rep(&def(), i0(1), &["array(1)"]);
        rep(&def(), iv(&[5]), &["array([5])"]);
        scalar(scalar_repr_i64(1, &def()), &["np.int64(1)"]);
        scalar(py_float_repr(1.5), &["1.5"]);
        scalar(python_repr(Scalar::Int(7)), &["7"]);
        scalar(python_repr(Scalar::Bool(true)), &["True"]);
        scalar(scalar_repr_f64(0.0, &def()), &["np.float64(0.0)"]);
        scalar(scalar_repr_f64(1.5, &with(|o| o.legacy = Legacy::V125)), &["1.5"]);
        scalar(scalar_repr_i64(3, &with(|o| o.legacy = Legacy::V125)), &["3"]);
        scalar(scalar_repr_bool(true, &with(|o| o.legacy = Legacy::V125)), &["True"]);
        scalar(scalar_repr_i64(6, &with(|o| o.legacy = Legacy::V125)), &["6"]);
        scalar(scalar_repr_f64(1e16, &with(|o| o.legacy = Legacy::V125)), &["1e+16"]);
        rep(&with(|o| o.legacy = Legacy::V125), ar(&[2000]), &["array([   0,    1,    2, ..., 1997, 1998, 1999])"]);
        scalar(scalar_repr_bool(true, &with(|o| o.legacy = Legacy::V125)), &["True"]);
    }

    #[test]
    fn section_3_3_legacy_in_prose() {
        let v125 = with(|o| o.legacy = Legacy::V125);
        rep(&v125, fv(&[1.0, 2.5]), &["array([1. , 2.5])"]);
        rep(&v125, i0(5), &["array(5)"]);
        let v21 = with(|o| o.legacy = Legacy::V21);
        scalar(scalar_repr_f64(1.5, &v21), &["np.float64(1.5)"]);
        rep(&v21, ar(&[2000]), &["array([   0,    1,    2, ..., 1997, 1998, 1999])"]);
        rep(&def(), ar(&[2000]), &["array([   0,    1,    2, ..., 1997, 1998, 1999], shape=(2000,))"]);
    }

    #[test]
    fn section_4_str() {
        st(&def(), iv(&[1, 2, 3]), &["[1 2 3]"]);
        st(&def(), fm(&[2, 2], &[1.0, 2.5, -3.0, 4.0]), &["[[ 1.   2.5]", " [-3.   4. ]]"]);
        st(&def(), i0(5), &["5"]);
        st(&def(), f0(1.0 / 3.0), &["0.3333333333333333"]);
        st(&def(), fm(&[0, 3], &[]), &["[]"]);
        st(
            &def(),
            ar(&[30]),
            &["[ 0  1  2  3  4  5  6  7  8  9 10 11 12 13 14 15 16 17 18 19 20 21 22 23", " 24 25 26 27 28 29]"],
        );
        st(&def(), ar(&[2000]), &["[   0    1    2 ... 1997 1998 1999]"]);
        st(
            &def(),
            ar(&[2, 3, 4]),
            &[
                "[[[ 0  1  2  3]",
                "  [ 4  5  6  7]",
                "  [ 8  9 10 11]]",
                "",
                " [[12 13 14 15]",
                "  [16 17 18 19]",
                "  [20 21 22 23]]]",
            ],
        );
        st(&def(), bv(&[true, false]), &["[ True False]"]);
        st(&def(), fv(&[f64::NAN, f64::NEG_INFINITY, 1.0]), &["[ nan -inf   1.]"]);
        st(
            &def(),
            linspace(0.0, 1.0, 7),
            &["[0.         0.16666667 0.33333333 0.5        0.66666667 0.83333333", " 1.        ]"],
        );
    }
}

#[cfg(test)]
mod api_tests {
    use super::*;
    use crate::value::data::ArrayData;
    use ndarray::{ArrayD, Axis, IxDyn};
    use std::time::Instant;

    fn with(f: impl FnOnce(&mut PrintOptions)) -> PrintOptions {
        let mut o = PrintOptions::default();
        f(&mut o);
        o
    }

    fn floats(shape: &[usize], f: impl Fn(usize) -> f64) -> ArrayData {
        let n: usize = shape.iter().product();
        ArrayData::Float(ArrayD::from_shape_vec(IxDyn(shape), (0..n).map(f).collect()).unwrap())
    }

    #[track_caller]
    fn fmt(got: Result<String, String>, expected: &str) {
        assert_eq!(got, Ok(expected.to_string()));
    }

    #[track_caller]
    fn fmt_err(got: Result<String, String>, expected: &str) {
        assert_eq!(got, Err(expected.to_string()));
    }

    #[test]
    fn displayed_indices_follow_summarisation() {
        let o = PrintOptions::default();
        assert_eq!(displayed_indices(&[3, 4], &o), (false, vec![vec![0, 1, 2], vec![0, 1, 2, 3]]));
        let (summarized, axes) = displayed_indices(&[1000, 1000], &o);
        assert!(summarized);
        assert_eq!(axes, vec![vec![0, 1, 2, 997, 998, 999]; 2]);
        let small = with(|o| {
            o.threshold = 5;
            o.edgeitems = 1;
        });
        assert_eq!(displayed_indices(&[3, 2], &small), (true, vec![vec![0, 2], vec![0, 1]]));
        let zero = with(|o| {
            o.threshold = 5;
            o.edgeitems = 0;
        });
        assert_eq!(displayed_indices(&[10], &zero), (true, vec![vec![9]]));
        assert_eq!(displayed_indices(&[], &o), (false, vec![]));
        assert!(displayed_indices(&[usize::MAX, 2], &o).0);
    }

    #[test]
    fn element_formatter_pads_like_the_array() {
        let a = floats(&[2, 2], |i| [1.0, -2.5, 1000.0, 0.0][i]);
        let f = ElementFormatter::new(&a.view(), &PrintOptions::default());
        assert!(!f.summarized());
        assert_eq!(f.format(&a.view(), &[0, 0]), "   1. ");
        assert_eq!(f.format(&a.view(), &[1, 0]), "1000. ");
        assert_eq!(f.format(&a.view(), &[0, 1]), "  -2.5");
        assert_eq!(f.format(&a.view(), &[2, 0]), "");
        assert_eq!(f.format(&a.view(), &[0]), "");
        let big = floats(&[2000], |i| if i == 1000 { 1e10 } else { i as f64 });
        let f = ElementFormatter::new(&big.view(), &PrintOptions::default());
        assert!(f.summarized());
        assert_eq!(f.format(&big.view(), &[1999]), "1.999e+03");
        let b = ArrayData::Bool(ArrayD::from_elem(IxDyn(&[]), true));
        assert_eq!(ElementFormatter::new(&b.view(), &PrintOptions::default()).format(&b.view(), &[]), "True");
    }

    #[test]
    fn strided_views_print_logically() {
        let a = ArrayD::from_shape_vec(IxDyn(&[2, 3]), (0..6).collect::<Vec<i64>>()).unwrap();
        let t = a.t();
        let o = PrintOptions::default();
        assert_eq!(array_repr(&AView::Int(t), &o), "array([[0, 3],\n       [1, 4],\n       [2, 5]])");
        let mut r = a.view();
        r.invert_axis(Axis(1));
        assert_eq!(array_str(&AView::Int(r), &o), "[[2 1 0]\n [5 4 3]]");
    }

    #[test]
    fn scalars_and_python_repr() {
        let o = PrintOptions::default();
        assert_eq!(py_float_repr(1.0), "1.0");
        assert_eq!(py_float_repr(1e16), "1e+16");
        assert_eq!(py_float_repr(1e-5), "1e-05");
        assert_eq!(py_float_repr(f64::INFINITY), "inf");
        assert_eq!(py_float_repr(-0.0), "-0.0");
        // exact value 1682947643261978.25: a decimal tie at 17 digits
        let tie = f64::from_bits(0x4317_ea87_21cf_1069);
        assert_eq!(py_float_repr(tie), "1682947643261978.2");
        assert_eq!(scalar_repr_f64(1.5, &o), "np.float64(1.5)");
        assert_eq!(scalar_repr_i64(3, &o), "np.int64(3)");
        assert_eq!(scalar_repr_bool(false, &o), "np.False_");
        let v113 = with(|o| o.legacy = Legacy::V113);
        assert_eq!(scalar_repr_f64(0.1, &v113), "0.10000000000000001");
        assert_eq!(scalar_str_f64(1.0 / 3.0, &v113), "0.333333333333");
        assert_eq!(scalar_repr_f64(1e16, &v113), "10000000000000000.0");
        let b = ArrayData::Bool(ArrayD::from_elem(IxDyn(&[]), true));
        assert_eq!(array_repr(&b.view(), &v113), "array(True, dtype=bool)");
    }

    #[test]
    fn format_spec_examples() {
        fmt(format_float_spec(1.23456, ".3f"), "1.235");
        fmt(format_float_spec(1234.5, ">8.2e"), "1.23e+03");
        fmt(format_float_spec(1234567.0, ","), "1,234,567.0");
        fmt(format_float_spec(0.25, ".1%"), "25.0%");
        fmt(format_float_spec(0.0001, "g"), "0.0001");
        fmt(format_int_spec(42, "05d"), "00042");
        fmt(format_int_spec(1234, "0=10,"), "00,001,234");
        fmt(format_int_spec(255, "#_b"), "0b1111_1111");
        fmt(format_str_spec("ab", ">10"), "        ab");
        fmt(format_str_spec("abc", "*^7.2"), "**ab***");
        fmt_err(format_float_spec(1.5, "d"), "Unknown format code 'd' for object of type 'float'");
        fmt_err(format_int_spec(5, ".2f,"), "Invalid format specifier '.2f,' for object of type 'int'");
        fmt_err(format_str_spec("x", "+"), "Sign not allowed in string format specifier");
        fmt(format_float_spec(1.5, ".100000f"), &format!("1.5{}", "0".repeat(99_999)));
        fmt(format_float_spec(5e-324, ".2000e").map(|s| s[..12].to_string()), "4.9406564584");
    }

    #[test]
    fn summarised_float_array_is_fast() {
        let a = floats(&[1000, 1000], |i| (i as f64).sqrt());
        let o = PrintOptions::default();
        let start = Instant::now();
        for _ in 0..100 {
            let text = array_repr(&a.view(), &o);
            assert!(text.ends_with("shape=(1000, 1000))"));
        }
        let elapsed = start.elapsed();
        assert!(elapsed.as_millis() < 1000, "100 reprs took {elapsed:?}");
    }

    #[test]
    fn extreme_inputs_do_not_panic() {
        let deep = floats(&[1; 32], |_| 1.5);
        let text = array_repr(&deep.view(), &PrintOptions::default());
        assert_eq!(text, format!("array({}1.5{})", "[".repeat(32), "]".repeat(32)));
        let wide = floats(&[2; 12], |i| i as f64 * 0.37 - 100.0);
        let options = [
            with(|o| o.linewidth = 0),
            with(|o| o.linewidth = usize::MAX),
            with(|o| o.threshold = 0),
            with(|o| o.edgeitems = usize::MAX),
            with(|o| {
                o.threshold = 0;
                o.edgeitems = 0;
            }),
            with(|o| o.legacy = Legacy::V113),
            with(|o| {
                o.nanstr = String::new();
                o.sign = '?';
            }),
        ];
        for o in &options {
            for a in [&deep, &wide] {
                let _ = array_repr(&a.view(), o);
                let _ = array_str(&a.view(), o);
            }
            let i = ArrayData::Int(ArrayD::from_elem(IxDyn(&[3, 0, 2]), 1));
            assert_eq!(array_str(&i.view(), o), "[]");
        }
        let huge = with(|o| {
            o.precision = usize::MAX;
            o.floatmode = FloatMode::Fixed;
        });
        let few = floats(&[3], |i| [5e-324, 1.5, f64::NAN][i]);
        let text = array_str(&few.view(), &huge);
        assert!(text.starts_with("[4.9406564584124654417656879286822137236505980261432476442558"), "{text:.80}");
        assert!(text.contains("e-324\n 1.5000000000") && text.ends_with(" nan]"));
        let specs = ["", "}", "<", "0", "99999999999999999999999", ".", "=^", "\u{10ffff}^5", ",_,", "z#0,.5%"];
        for spec in specs {
            let _ = format_float_spec(f64::MIN_POSITIVE, spec);
            let _ = format_int_spec(i128::MIN, spec);
            let _ = format_str_spec("\u{e9}", spec);
        }
        assert!(format_int_spec(i128::MAX, "c").is_err());
        assert!(format_float_spec(1.0, "999999999").is_err());
    }
}

#[cfg(test)]
mod fuzz_tests {
    use super::*;

    /// Deterministic pseudo-random specs: nothing may panic.
    #[test]
    fn random_specs_never_panic() {
        let alphabet: Vec<char> = "<>=^+- z#0123456789,_.eEfFgGn%bcdoxXs*\u{e9}".chars().collect();
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        };
        let floats = [0.0, -0.0, 1.5, -1234.5678, 1e300, 5e-324, f64::NAN, f64::NEG_INFINITY];
        let ints = [0i128, -1, 65, 1 << 70, i128::MIN, i128::MAX];
        for _ in 0..20_000 {
            let len = next(9);
            let spec: String = (0..len).map(|_| alphabet[next(alphabet.len())]).collect();
            let _ = format_float_spec(floats[next(floats.len())], &spec);
            let _ = format_int_spec(ints[next(ints.len())], &spec);
            let _ = format_str_spec("h\u{e9}llo", &spec);
        }
    }
}
