//! `exp` and `log` over slices, vectorised, within 1 ulp.
//!
//! Every ufunc and the fused evaluator call these, so one input gives one
//! output whatever the array's size, alignment or the path that computed it.
//!
//! # Algorithm (both functions)
//!
//! Each element is computed branch-free, so the compiler vectorises the loop
//! (one gather per table): table-based argument reduction formed exactly with
//! FMA, a short polynomial, and every term but the largest summed apart, so
//! the result is the largest term plus a small correction, rounded once. The
//! tables (`transcendental_tables.rs`, generated with mpmath) need no
//! correction entries of their own, because on AVX-512 and AVX2 a gather
//! costs as much as several arithmetic instructions: exp packs `2^(j/128)`'s
//! rounding error into the spare bits of its entry, and log's `log c` is
//! exact to 2^-72 by the choice of `c`.
//!
//! * log: `x = 2^k z`, `z` in `[OFF, 2 OFF)` (OFF ≈ 0.709), 256 intervals
//!   indexed by the top mantissa bits of `x - OFF`; with `invc ≈ 1/c` for the
//!   interval, `log x = k ln2 + log c + log1p(r)`, `r = z invc - 1`
//!   (exact as `r + rl`, `|r| <= 2^-8`). Each `invc` is a double within
//!   2^-24 of the interval's `1/center`, picked so that `log c = -log(invc)`
//!   lies within 2^-72 of a multiple of 2^-42 (Gal's accurate tables): that
//!   multiple is the table's `log c`, one double, and `k ln2_hi + log c` is
//!   exact. The two intervals around 1 use `invc = 1`, so results near 1
//!   keep full relative accuracy.
//! * exp: `x = (128 i + j) ln2/128 + r`, `|r| <= ln2/256`, `exp x = 2^i
//!   2^(j/128) exp(r)` (Cody–Waite reduction with a 35-bit constant and FMA).
//!
//! Error: the final rounding (0.5 ulp) plus at most about 0.02 ulp from the
//! correction terms. Measured against mpmath on 10 million random inputs per
//! function (`bench/tools/check_transcendental.py`), the largest error is
//! below 0.52 ulp for both. Special inputs — zero, negative, subnormal, inf,
//! nan for log; `|x| >= 708` and nan for exp — go to the C library's
//! `log`/`exp`, which give NumPy's special values exactly. The path depends
//! only on the input value, so results are deterministic.

use super::transcendental_tables::*;

/// Elements per chunk: the vector loop runs over a chunk, then the rare
/// special elements of the chunk are recomputed.
const CHUNK: usize = 512;

/// The floating-point exceptions NumPy reports for these functions.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Flags {
    /// `log(±0)`.
    pub divide: bool,
    /// `log` of a negative number (including -inf).
    pub invalid: bool,
    /// `exp` of a finite number too large for float64.
    pub overflow: bool,
}

impl Flags {
    pub fn merge(self, o: Flags) -> Flags {
        Flags {
            divide: self.divide | o.divide,
            invalid: self.invalid | o.invalid,
            overflow: self.overflow | o.overflow,
        }
    }
}

/// `a + b` exactly as `s + e`, for `|a| >= |b|` (or `a == 0`).
#[inline(always)]
fn fast_two_sum(a: f64, b: f64) -> (f64, f64) {
    let s = a + b;
    (s, b - (s - a))
}

/// `a * b` exactly as `p + e`.
#[inline(always)]
fn two_prod(a: f64, b: f64) -> (f64, f64) {
    let p = a * b;
    (p, a.mul_add(b, -p))
}

/// Whether `log` leaves `x` to the C library: zero, subnormal, negative,
/// inf and nan (everything but positive, normal and finite).
#[inline(always)]
fn log_special(x: f64) -> bool {
    const MIN_NORMAL: u64 = 0x0010_0000_0000_0000;
    const INF: u64 = 0x7ff0_0000_0000_0000;
    x.to_bits().wrapping_sub(MIN_NORMAL) >= INF - MIN_NORMAL
}

/// log of one element; meaningless where [`log_special`] holds. `AVX512`
/// picks how `k` becomes a float (the same value either way): AVX-512 has
/// a 64-bit arithmetic shift and an int64 -> float64 conversion, AVX2 has
/// neither.
#[inline(always)]
pub fn log_core<const AVX512: bool>(x: f64) -> f64 {
    const ONE_BITS: u64 = 0x3ff0_0000_0000_0000;
    let bits = x.to_bits();
    let tmp = bits.wrapping_sub(LOG_OFF);
    let i = ((tmp >> (52 - LOG_TABLE_BITS)) & ((1 << LOG_TABLE_BITS) - 1)) as usize;
    let z = f64::from_bits(bits.wrapping_sub(tmp & 0xfff0_0000_0000_0000));
    let kf = if AVX512 {
        ((tmp as i64) >> 52) as f64
    } else {
        // k + 1023 in the low bits of 2^52's mantissa.
        let biased_k = bits.wrapping_add(ONE_BITS - LOG_OFF) >> 52;
        f64::from_bits(0x4330_0000_0000_0000 | (biased_k & 0x7ff)) - (4503599627370496.0 + 1023.0)
    };
    let invc = LOG_INVC[i];
    // log(c) = -log(invc), a multiple of 2^-42 (within 2^-72 of the exact
    // value), so w = k ln2_hi + log(c) is exact: both are multiples of 2^-42
    // below 2^10.
    let w = kf.mul_add(LN2_HI, LOG_LOGC[i]);
    // r + rl = z * invc - 1 exactly (p - 1 is exact by Sterbenz).
    let (p, rl) = two_prod(z, invc);
    let r = p - 1.0;
    // A fast two-sum is exact here: w is 0 (k = 0 and invc = 1) or larger
    // than r (|k ln2 + log c| >= 0.34 when k != 0; the intervals next to 1
    // keep |r| below |log c|).
    let (hi, e) = fast_two_sum(w, r);
    // log1p(r) - r = r^2 q(r), q = -1/2 + r/3 - r^2/4 + ...: LOG_Q is the
    // series to its r^6 term (-r^8/8 in log1p) with that term economized
    // away, within 2^-56 (economization) + 2^-59 (truncation) of q for |r|
    // <= LOG_MAX_R = 2^-8; log1p(r + rl) - log1p(r) = rl (1 - r) to 2^-70.
    let poly = r.mul_add(
        r.mul_add(r.mul_add(r.mul_add(r.mul_add(LOG_Q[5], LOG_Q[4]), LOG_Q[3]), LOG_Q[2]), LOG_Q[1]),
        LOG_Q[0],
    );
    let lo = (r * r).mul_add(poly, kf.mul_add(LN2_LO, e) + rl.mul_add(-r, rl));
    hi + lo
}

/// Whether `exp` leaves `x` to the C library: `|x| >= 708` and nan.
#[inline(always)]
fn exp_special(x: f64) -> bool {
    x.is_nan() || x.abs() >= 708.0
}

/// exp of one element; meaningless where [`exp_special`] holds.
#[inline(always)]
pub fn exp_core(x: f64) -> f64 {
    const SHIFT: f64 = 6755399441055744.0; // 1.5 * 2^52
    const SHIFT_BITS: u64 = 0x4338_0000_0000_0000;
    const ONE_BITS: u64 = 0x3ff0_0000_0000_0000;
    const MANTISSA: u64 = (1 << 52) - 1;
    let t = x.mul_add(EXP_INV_C, SHIFT);
    let kbits = t.to_bits().wrapping_sub(SHIFT_BITS); // k, two's complement
    let kf = t - SHIFT;
    let j = (kbits & ((1 << EXP_TABLE_BITS) - 1)) as usize;
    // x - k C_HI is exact; the k C_LO term's rounding is below 2^-61 of r.
    let r = (-kf).mul_add(EXP_C_LO, (-kf).mul_add(EXP_C_HI, x));
    // exp(r) - 1, truncation < 2^-60.
    let p = (r * r).mul_add(r.mul_add(r.mul_add(r.mul_add(1.0 / 120.0, 1.0 / 24.0), 1.0 / 6.0), 0.5), r);
    // 2^(j/128) = th + tl, unpacked from one table entry.
    let packed = EXP_T[j];
    let th = f64::from_bits((packed & MANTISSA) | ONE_BITS);
    let tl = (f64::from_bits(0x4330_0000_0000_0000 | (packed >> 52)) - (4503599627370496.0 + 2048.0))
        * (1.0 / 9223372036854775808.0); // 2^-63
    let y = th + th.mul_add(p, tl);
    // Scale by 2^(k >> 7): add it to the exponent field (the result is normal).
    let scale = (kbits & !((1 << EXP_TABLE_BITS) - 1)) << (52 - EXP_TABLE_BITS);
    f64::from_bits(y.to_bits().wrapping_add(scale))
}

/// The C library's log, and the flags NumPy raises for this input.
#[inline(never)]
fn log_fallback(x: f64, flags: &mut Flags) -> f64 {
    if x == 0.0 {
        flags.divide = true;
    } else if x < 0.0 {
        flags.invalid = true;
    }
    x.ln()
}

#[inline(never)]
fn exp_fallback(x: f64, flags: &mut Flags) -> f64 {
    let y = x.exp();
    if y.is_infinite() && x.is_finite() {
        flags.overflow = true;
    }
    y
}

/// The body of every `log` slice kernel (compiled once per SIMD level in
/// `super::simd`). `out.len()` must equal `x.len()`.
#[inline(always)]
pub fn log_slice_body(x: &[f64], out: &mut [f64]) -> Flags {
    map_checked(x, out, log_core::<false>, log_special, log_fallback)
}

/// [`log_slice_body`] for AVX-512.
#[inline(always)]
pub fn log_slice_body_avx512(x: &[f64], out: &mut [f64]) -> Flags {
    map_checked(x, out, log_core::<true>, log_special, log_fallback)
}

/// The body of every `exp` slice kernel.
#[inline(always)]
pub fn exp_slice_body(x: &[f64], out: &mut [f64]) -> Flags {
    map_checked(x, out, exp_core, exp_special, exp_fallback)
}

/// `core` over a chunk, then `fallback` for the chunk's elements that
/// `special` picks out, if any.
#[inline(always)]
fn map_checked(
    x: &[f64],
    out: &mut [f64],
    core: impl Fn(f64) -> f64 + Copy,
    special: impl Fn(f64) -> bool + Copy,
    fallback: fn(f64, &mut Flags) -> f64,
) -> Flags {
    let mut flags = Flags::default();
    for (xc, oc) in x.chunks(CHUNK).zip(out.chunks_mut(CHUNK)) {
        let mut any_special = false;
        for (o, &v) in oc.iter_mut().zip(xc) {
            *o = core(v);
            any_special |= special(v);
        }
        if any_special {
            for (o, &v) in oc.iter_mut().zip(xc) {
                if special(v) {
                    *o = fallback(v, &mut flags);
                }
            }
        }
    }
    flags
}

/// `log` of every element of `x` into `out` (same length), with NumPy's flags.
pub fn log_slice(x: &[f64], out: &mut [f64]) -> Flags {
    super::simd::log_slice(super::simd::level(), x, out)
}

/// `exp` of every element of `x` into `out` (same length), with NumPy's flags.
pub fn exp_slice(x: &[f64], out: &mut [f64]) -> Flags {
    super::simd::exp_slice(super::simd::level(), x, out)
}

/// Natural logarithm of one value (the same bits as [`log_slice`]).
#[inline]
pub fn log(x: f64) -> f64 {
    let mut y = [0.0];
    log_slice(&[x], &mut y);
    y[0]
}

/// e**x of one value (the same bits as [`exp_slice`]).
#[inline]
pub fn exp(x: f64) -> f64 {
    let mut y = [0.0];
    exp_slice(&[x], &mut y);
    y[0]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::simd::{self, Level};

    /// Recorded cases: `log|exp x y` with `y` the correctly rounded result
    /// (mpmath, 200 bits), as hex bit patterns. Generator:
    /// `bench/tools/check_transcendental.py cases`.
    const CASES: &str = include_str!("testdata/transcendental_cases.txt");

    fn same(a: f64, b: f64) -> bool {
        a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
    }

    /// Distance in ulps between two finite doubles of the same sign.
    fn ulps(a: f64, b: f64) -> u64 {
        a.to_bits().abs_diff(b.to_bits())
    }

    #[test]
    fn recorded_cases_are_within_one_ulp() {
        let mut by_kind: [(Vec<f64>, Vec<f64>); 2] = Default::default();
        for line in CASES.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()) {
            let f: Vec<&str> = line.split_whitespace().collect();
            let v = |h: &str| f64::from_bits(u64::from_str_radix(h, 16).unwrap());
            let k = usize::from(f[0] == "exp");
            by_kind[k].0.push(v(f[1]));
            by_kind[k].1.push(v(f[2]));
        }
        assert!(by_kind[0].0.len() > 1000 && by_kind[1].0.len() > 1000);
        for level in simd::available_levels() {
            for (k, (xs, want)) in by_kind.iter().enumerate() {
                let mut got = vec![0.0; xs.len()];
                if k == 0 {
                    simd::log_slice(level, xs, &mut got);
                } else {
                    simd::exp_slice(level, xs, &mut got);
                }
                let far: Vec<String> = (0..xs.len())
                    .filter(|&i| !same(got[i], want[i]) && (got[i] * want[i] < 0.0 || ulps(got[i], want[i]) > 1))
                    .map(|i| format!("{} {:e}: {:e} want {:e}", ["log", "exp"][k], xs[i], got[i], want[i]))
                    .collect();
                assert!(far.is_empty(), "{level:?}: {}", far.join("\n"));
                // Errors stay near half an ulp, so nearly every result is
                // the correctly rounded one.
                let off = (0..xs.len()).filter(|&i| !same(got[i], want[i])).count();
                assert!(off * 100 < xs.len(), "{level:?}: {off} of {} not correctly rounded", xs.len());
            }
        }
    }

    /// Writes `NPR_DUMP_N` random inputs with npr's and glibc's results for
    /// `bench/tools/check_transcendental.py check` (the 10-million-input check).
    #[test]
    #[ignore]
    fn dump_random_inputs() {
        let Ok(path) = std::env::var("NPR_TRANSCENDENTAL_DUMP") else { return };
        let n: usize = std::env::var("NPR_DUMP_N").ok().and_then(|s| s.parse().ok()).unwrap_or(1_000_000);
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for kind in ["log", "exp"] {
            let xs: Vec<f64> = (0..n)
                .map(|i| {
                    let u = (next() >> 11) as f64 / (1u64 << 53) as f64;
                    match (kind, i % 4) {
                        ("log", 0) => f64::from_bits(0x0010_0000_0000_0000 + next() % 0x7fe0_0000_0000_0000),
                        ("log", 1) => 1.0 + (u - 0.5) * 0.05,
                        ("log", _) => u,
                        (_, 0) => u * 1416.0 - 708.0,
                        (_, 1) => u * 2.0 - 1.0,
                        _ => u * 40.0 - 20.0,
                    }
                })
                .collect();
            let mut y = vec![0.0; n];
            if kind == "log" {
                log_slice(&xs, &mut y);
            } else {
                exp_slice(&xs, &mut y);
            }
            let mut buf = Vec::with_capacity(n * 32);
            for (i, &x) in xs.iter().enumerate() {
                let (g, special) = if kind == "log" { (x.ln(), log_special(x)) } else { (x.exp(), exp_special(x)) };
                for w in [x.to_bits(), y[i].to_bits(), g.to_bits(), special as u64] {
                    buf.extend_from_slice(&w.to_le_bytes());
                }
            }
            std::fs::write(format!("{path}.{kind}"), buf).unwrap();
        }
    }

    #[test]
    fn special_values_are_exact() {
        let nan = f64::NAN;
        let inf = f64::INFINITY;
        let sub = f64::from_bits(1);
        let cases: &[(f64, f64, f64)] = &[
            (0.0, -inf, 1.0),
            (-0.0, -inf, 1.0),
            (1.0, 0.0, std::f64::consts::E),
            (-1.0, nan, 1.0 / std::f64::consts::E),
            (inf, inf, inf),
            (-inf, nan, 0.0),
            (nan, nan, nan),
            (sub, -744.4400719213812, 1.0),
            (-sub, nan, 1.0),
            (710.0, 6.565264970035361, inf),
            (-746.0, nan, 0.0),
            (-745.0, nan, 5e-324),
            (709.782712893384, 6.564958885017789, 1.7976931348622732e308),
        ];
        for &(x, lg, ex) in cases {
            assert!(same(log(x), lg) || lg.is_nan() && log(x).is_nan(), "log({x:e}) = {:e}", log(x));
            assert!(same(exp(x), ex), "exp({x:e}) = {:e}", exp(x));
        }
        assert!(log(-0.0).is_sign_negative() && log(0.0) == f64::NEG_INFINITY);
        assert!(log(1.0).is_sign_positive());
    }

    #[test]
    fn flags_match_numpy() {
        let mut out = [0.0; 4];
        let f = log_slice(&[1.0, 0.0, 2.0, 3.0], &mut out);
        assert_eq!(f, Flags { divide: true, invalid: false, overflow: false });
        let f = log_slice(&[1.0, -1.0, nan(), 3.0], &mut out);
        assert_eq!(f, Flags { divide: false, invalid: true, overflow: false });
        let f = log_slice(&[nan(), f64::INFINITY, 1.0, 3.0], &mut out);
        assert_eq!(f, Flags::default());
        let f = exp_slice(&[1.0, 1000.0, f64::INFINITY, -1000.0], &mut out);
        assert_eq!(f, Flags { divide: false, invalid: false, overflow: true });
        let f = exp_slice(&[nan(), f64::INFINITY, 1.0, -1000.0], &mut out);
        assert_eq!(f, Flags::default());
    }

    fn nan() -> f64 {
        f64::NAN
    }

    /// Same bits whatever the length, the offset in the slice and the SIMD level.
    #[test]
    fn independent_of_size_alignment_and_level() {
        let mut state = 0x1234_5678_9abc_def0u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let xs: Vec<f64> = (0..3000)
            .map(|i| {
                let u = (next() >> 11) as f64 / (1u64 << 53) as f64;
                match i % 3 {
                    0 => u * 40.0 - 20.0,
                    1 => (u * 1400.0 - 700.0).exp(),
                    _ => 1.0 + (u - 0.5) * 0.02,
                }
            })
            .collect();
        let one_by_one: Vec<(f64, f64)> = xs.iter().map(|&x| (log(x), exp(x))).collect();
        for level in simd::available_levels() {
            for offset in [0, 1, 3, 7] {
                for len in [1, 5, 8, 17, 511, 512, 513, 1500] {
                    let src = &xs[offset..offset + len];
                    let (mut l, mut e) = (vec![0.0; len], vec![0.0; len]);
                    simd::log_slice(level, src, &mut l);
                    simd::exp_slice(level, src, &mut e);
                    for i in 0..len {
                        assert!(same(l[i], one_by_one[offset + i].0), "{level:?} log {}", src[i]);
                        assert!(same(e[i], one_by_one[offset + i].1), "{level:?} exp {}", src[i]);
                    }
                }
            }
        }
        let _ = Level::Generic;
    }
}
