//! NumPy print options (`np.set_printoptions`), with NumPy 2.4's defaults.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FloatMode {
    Fixed,
    Unique,
    MaxPrec,
    MaxPrecEqual,
}

impl FloatMode {
    pub fn name(self) -> &'static str {
        match self {
            FloatMode::Fixed => "fixed",
            FloatMode::Unique => "unique",
            FloatMode::MaxPrec => "maxprec",
            FloatMode::MaxPrecEqual => "maxprec_equal",
        }
    }
}

/// `legacy=` print option. Only the behaviours npr reproduces are kept:
/// `'1.25'` and older drop the `np.float64(...)` scalar wrapper and the
/// `shape=` extra; `'2.1'` drops only `shape=`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Legacy {
    Off,
    V113,
    V121,
    V125,
    V21,
    V22,
}

impl Legacy {
    /// Scalars print as `1.5` instead of `np.float64(1.5)`.
    pub fn plain_scalars(self) -> bool {
        matches!(self, Legacy::V113 | Legacy::V121 | Legacy::V125)
    }
    /// Summarised arrays get no `shape=(...)` extra.
    pub fn no_shape_extra(self) -> bool {
        matches!(self, Legacy::V113 | Legacy::V121 | Legacy::V125 | Legacy::V21 | Legacy::V22)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct PrintOptions {
    pub precision: usize,
    pub threshold: usize,
    pub edgeitems: usize,
    pub linewidth: usize,
    pub suppress: bool,
    pub floatmode: FloatMode,
    /// `'-'`, `'+'` or `' '`.
    pub sign: char,
    pub nanstr: String,
    pub infstr: String,
    pub legacy: Legacy,
    /// IPython's `%precision N` for Python floats in `Out[n]` (not a NumPy option).
    pub python_float_precision: Option<usize>,
}

impl Default for PrintOptions {
    fn default() -> Self {
        PrintOptions {
            precision: 8,
            threshold: 1000,
            edgeitems: 3,
            linewidth: 75,
            suppress: false,
            floatmode: FloatMode::MaxPrec,
            sign: '-',
            nanstr: "nan".into(),
            infstr: "inf".into(),
            legacy: Legacy::Off,
            python_float_precision: None,
        }
    }
}
