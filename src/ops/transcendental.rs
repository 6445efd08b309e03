//! Scalar kernels for `exp` and `log`. One place to swap in vectorised
//! versions: every ufunc and the fused evaluator call these.

/// e**x.
#[inline]
pub fn exp(x: f64) -> f64 {
    x.exp()
}

/// Natural logarithm.
#[inline]
pub fn log(x: f64) -> f64 {
    x.ln()
}
