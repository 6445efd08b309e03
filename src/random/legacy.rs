//! The legacy global `np.random` generator: NumPy's `RandomState` driven by MT19937.
//!
//! Everything here reproduces NumPy 2.4's legacy stream bit for bit, so a program that seeds
//! `np.random` and draws numbers sees exactly what NumPy would print.
//!
//! # The bit source
//!
//! MT19937 keeps 624 32-bit words and a read position. Seeding with an integer fills the table
//! with Knuth's linear recurrence (`x[i] = 1812433253 * (x[i-1] ^ (x[i-1] >> 30)) + i`); seeding
//! with a list runs the reference `init_by_array` mixing passes on top of the table built from
//! 19650218. Either way the position is left at 624, so the first draw regenerates ("twists")
//! the whole table. Each 32-bit output is one table word passed through the tempering shifts.
//! A 64-bit draw is two 32-bit draws, the first one forming the high half.
//!
//! # Derived draws
//!
//! * **Doubles** take two 32-bit words, keep the top 27 bits of the first and the top 26 of the
//!   second, and scale the resulting 53-bit integer by `2^-53`: uniform on `[0, 1)`.
//! * **Normals** use the polar Box–Muller method. Two uniforms in `(-1, 1)` are drawn until the
//!   point lies strictly inside the unit circle (and is not the origin); the method yields two
//!   normals, one is returned and the other is cached for the next request. Only reseeding drops
//!   the cache; every other kind of draw leaves it alone.
//! * **Bounded integers** (`randint`, the Fisher–Yates step of `shuffle`, `choice` without `p`)
//!   always use masked rejection: with `r` the inclusive span, draw words, AND them with the
//!   smallest all-ones mask covering `r`, and retry until the value is `<= r`. Spans below
//!   `2^32 - 1` use one 32-bit word per attempt, spans up to `2^64 - 1` one 64-bit draw; the spans
//!   `2^32 - 1` and `2^64 - 1` take a raw word with no test, and a span of zero draws nothing.
//!   The array path of `randint` consumes the stream exactly like repeated scalar calls (the
//!   8/16-bit buffering NumPy has applies to narrower dtypes only).
//! * **`shuffle`** walks `i` from `n - 1` down to `1`, swapping slot `i` with a bounded draw in
//!   `[0, i]`. `permutation(n)` shuffles `0..n`.
//! * **`choice`** validates its arguments in NumPy's order (with NumPy's messages), then uses
//!   `randint` (uniform, with replacement), a cumulative-probability search over doubles (with
//!   `p`), a full `permutation` truncated to `size` (uniform, without replacement, which
//!   consumes the stream even when `size` is 0), or repeated rounds of the `p` search with
//!   already-chosen entries zeroed (with `p`, without replacement).
//!
//! The transcendental functions (`ln`, `exp`) come from the platform C library, like NumPy's.

use std::collections::hash_map::RandomState;
use std::fmt;
use std::hash::{BuildHasher, Hasher};
use std::time::{SystemTime, UNIX_EPOCH};

/// Number of 32-bit words in the MT19937 state.
const N: usize = 624;
/// Offset of the word combined with the twisted pair.
const M: usize = 397;
const MATRIX_A: u32 = 0x9908_b0df;
const UPPER_MASK: u32 = 0x8000_0000;
const LOWER_MASK: u32 = 0x7fff_ffff;

/// Largest `lam` the legacy `poisson` accepts (`LONG_MAX - 10 * sqrt(LONG_MAX)` in doubles).
const LEGACY_POISSON_LAM_MAX: f64 = 9.223_372_006_484_771e18;

/// The legacy `RandomState` generator: MT19937 state plus the cached second normal.
#[derive(Clone)]
pub struct LegacyRandom {
    key: Box<[u32; N]>,
    pos: usize,
    gauss: Option<f64>,
}

impl fmt::Debug for LegacyRandom {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LegacyRandom").field("pos", &self.pos).field("gauss", &self.gauss).finish_non_exhaustive()
    }
}

/// One step of the MT19937 recurrence: combine the top bit of `a` with the low bits of `b`,
/// shift, conditionally apply the twist matrix, and mix in `far`.
#[inline(always)]
fn twist_word(a: u32, b: u32, far: u32) -> u32 {
    let y = (a & UPPER_MASK) | (b & LOWER_MASK);
    far ^ (y >> 1) ^ ((y & 1).wrapping_neg() & MATRIX_A)
}

/// Smallest `2^k - 1` that is `>= v`.
#[inline]
fn fill_mask(v: u64) -> u64 {
    if v == 0 {
        0
    } else {
        u64::MAX >> v.leading_zeros()
    }
}

/// Compensated sum used by NumPy to check that `p` sums to one (0 for an empty slice).
fn kahan_sum(values: &[f64]) -> f64 {
    let Some((&first, rest)) = values.split_first() else {
        return 0.0;
    };
    let mut sum = first;
    let mut c = 0.0;
    for &v in rest {
        let y = v - c;
        let t = sum + y;
        c = (t - sum) - y;
        sum = t;
    }
    sum
}

/// Running sum of `p` (left to right, as `np.cumsum`) divided by its last element.
fn normalized_cdf(p: &[f64]) -> Vec<f64> {
    let mut acc = 0.0;
    let mut cdf: Vec<f64> = p
        .iter()
        .map(|&v| {
            acc += v;
            acc
        })
        .collect();
    if let Some(&total) = cdf.last() {
        for c in &mut cdf {
            *c /= total;
        }
    }
    cdf
}

/// `searchsorted(cdf, u, side='right')` for a non-decreasing `cdf`.
#[inline]
fn search_right(cdf: &[f64], u: f64) -> usize {
    cdf.partition_point(|&c| c <= u)
}

/// Log-gamma as NumPy's distributions compute it (series after shifting `x` up to at least 7).
fn loggam(x: f64) -> f64 {
    // Stirling-series coefficients as published with SPECFUN (some digits beyond f64).
    #[allow(clippy::excessive_precision)]
    const COEF: [f64; 10] = [
        8.333333333333333e-02,
        -2.777777777777778e-03,
        7.936507936507937e-04,
        -5.952380952380952e-04,
        8.417508417508418e-04,
        -1.917526917526918e-03,
        6.410256410256410e-03,
        -2.955065359477124e-02,
        1.796443723688307e-01,
        -1.39243221690590e+00,
    ];
    const LN_2PI: f64 = 1.8378770664093453e+00;
    if x == 1.0 || x == 2.0 {
        return 0.0;
    }
    let shift: i64 = if x < 7.0 { (7.0 - x) as i64 } else { 0 };
    let mut x0 = x + shift as f64;
    let x2 = (1.0 / x0) * (1.0 / x0);
    let mut series = COEF[9];
    for &c in COEF[..9].iter().rev() {
        series *= x2;
        series += c;
    }
    let mut gl = series / x0 + 0.5 * LN_2PI + (x0 - 0.5) * x0.ln() - x0;
    for _ in 0..shift {
        gl -= (x0 - 1.0).ln();
        x0 -= 1.0;
    }
    gl
}

impl LegacyRandom {
    /// `np.random.seed(seed)` with an integer seed: Knuth initialisation, empty normal cache.
    pub fn from_seed(seed: u32) -> Self {
        let mut rng = LegacyRandom { key: Box::new([0; N]), pos: N, gauss: None };
        rng.init_genrand(seed);
        rng
    }

    /// `np.random.seed([a, b, ...])`: the reference `init_by_array`.
    ///
    /// NumPy rejects an empty list ("Seed must be non-empty"); the caller should do the same.
    /// Here an empty key is treated like `[0]` instead of failing.
    pub fn from_seed_array(key: &[u32]) -> Self {
        let key = if key.is_empty() { &[0u32][..] } else { key };
        let mut rng = Self::from_seed(19_650_218);
        let mt = &mut *rng.key;
        let mut i = 1usize;
        let mut j = 0usize;
        for _ in 0..N.max(key.len()) {
            let prev = mt[i - 1];
            mt[i] = (mt[i] ^ (prev ^ (prev >> 30)).wrapping_mul(1_664_525)).wrapping_add(key[j]).wrapping_add(j as u32);
            i += 1;
            j += 1;
            if i >= N {
                mt[0] = mt[N - 1];
                i = 1;
            }
            if j >= key.len() {
                j = 0;
            }
        }
        for _ in 0..N - 1 {
            let prev = mt[i - 1];
            mt[i] = (mt[i] ^ (prev ^ (prev >> 30)).wrapping_mul(1_566_083_941)).wrapping_sub(i as u32);
            i += 1;
            if i >= N {
                mt[0] = mt[N - 1];
                i = 1;
            }
        }
        mt[0] = 0x8000_0000;
        rng
    }

    /// An unseeded generator (like importing NumPy without calling `seed`): the table is mixed
    /// from the clock, the process id and the standard library's per-process random keys.
    pub fn from_entropy() -> Self {
        let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
        let mut words = Vec::with_capacity(16);
        for round in 0..8u64 {
            let mut h = RandomState::new().build_hasher();
            h.write_u128(nanos);
            h.write_u32(std::process::id());
            h.write_u64(round);
            let v = h.finish();
            words.push(v as u32);
            words.push((v >> 32) as u32);
        }
        Self::from_seed_array(&words)
    }

    fn init_genrand(&mut self, seed: u32) {
        let mt = &mut *self.key;
        mt[0] = seed;
        for i in 1..N {
            let prev = mt[i - 1];
            mt[i] = 1_812_433_253u32.wrapping_mul(prev ^ (prev >> 30)).wrapping_add(i as u32);
        }
        self.pos = N;
        self.gauss = None;
    }

    /// Regenerate all 624 words of the table.
    fn twist(&mut self) {
        let k = &mut *self.key;
        for i in 0..N - M {
            k[i] = twist_word(k[i], k[i + 1], k[i + M]);
        }
        for i in N - M..N - 1 {
            k[i] = twist_word(k[i], k[i + 1], k[i + M - N]);
        }
        k[N - 1] = twist_word(k[N - 1], k[0], k[M - 1]);
        self.pos = 0;
    }

    /// One tempered 32-bit MT19937 output.
    #[inline]
    pub fn next_u32(&mut self) -> u32 {
        if self.pos >= N {
            self.twist();
        }
        let mut y = self.key[self.pos];
        self.pos += 1;
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c_5680;
        y ^= (y << 15) & 0xefc6_0000;
        y ^ (y >> 18)
    }

    /// Two 32-bit outputs, the first as the high half.
    #[inline]
    pub fn next_u64(&mut self) -> u64 {
        let hi = u64::from(self.next_u32());
        let lo = u64::from(self.next_u32());
        (hi << 32) | lo
    }

    /// `np.random.random_sample()`: a double in `[0, 1)` with 53 random bits.
    #[inline]
    pub fn random_sample(&mut self) -> f64 {
        let a = f64::from(self.next_u32() >> 5);
        let b = f64::from(self.next_u32() >> 6);
        (a * 67_108_864.0 + b) / 9_007_199_254_740_992.0
    }

    /// `np.random.standard_normal()`: polar Box–Muller with one cached value.
    pub fn standard_normal(&mut self) -> f64 {
        if let Some(g) = self.gauss.take() {
            return g;
        }
        let (x1, x2, r2) = loop {
            let x1 = 2.0 * self.random_sample() - 1.0;
            let x2 = 2.0 * self.random_sample() - 1.0;
            let r2 = x1 * x1 + x2 * x2;
            if r2 < 1.0 && r2 != 0.0 {
                break (x1, x2, r2);
            }
        };
        let f = (-2.0 * r2.ln() / r2).sqrt();
        self.gauss = Some(f * x1);
        f * x2
    }

    /// `np.random.uniform(low, high)`: `low + (high - low) * u`.
    ///
    /// NumPy first raises `OverflowError: Range exceeds valid bounds` when `high - low` is not
    /// finite; see [`check_uniform_range`].
    pub fn uniform(&mut self, low: f64, high: f64) -> f64 {
        let range = high - low;
        low + range * self.random_sample()
    }

    /// `np.random.normal(loc, scale)`: `loc + scale * standard_normal()`.
    ///
    /// NumPy rejects a negative (or `-0.0`) scale first; see [`check_non_negative`].
    pub fn normal(&mut self, loc: f64, scale: f64) -> f64 {
        loc + scale * self.standard_normal()
    }

    /// `np.random.standard_exponential()`: `-ln(1 - u)`.
    pub fn standard_exponential(&mut self) -> f64 {
        -(1.0 - self.random_sample()).ln()
    }

    /// `np.random.exponential(scale)`: `scale * standard_exponential()`.
    ///
    /// NumPy rejects a negative (or `-0.0`) scale first; see [`check_non_negative`].
    pub fn exponential(&mut self, scale: f64) -> f64 {
        scale * self.standard_exponential()
    }

    /// `np.random.poisson(lam)`: multiplication of uniforms for `lam < 10`, Hörmann's
    /// transformed rejection (PTRS) otherwise. Validate `lam` with [`check_poisson_lam`] first.
    pub fn poisson(&mut self, lam: f64) -> i64 {
        if lam >= 10.0 {
            self.poisson_ptrs(lam)
        } else if lam == 0.0 {
            0
        } else {
            self.poisson_mult(lam)
        }
    }

    fn poisson_mult(&mut self, lam: f64) -> i64 {
        let limit = (-lam).exp();
        let mut count = 0;
        let mut prod = 1.0;
        loop {
            prod *= self.random_sample();
            if prod > limit {
                count += 1;
            } else {
                return count;
            }
        }
    }

    fn poisson_ptrs(&mut self, lam: f64) -> i64 {
        let slam = lam.sqrt();
        let loglam = lam.ln();
        let b = 0.931 + 2.53 * slam;
        let a = -0.059 + 0.02483 * b;
        let invalpha = 1.1239 + 1.1328 / (b - 3.4);
        let vr = 0.9277 - 3.6224 / (b - 2.0);
        loop {
            let u = self.random_sample() - 0.5;
            let v = self.random_sample();
            let us = 0.5 - u.abs();
            let k = ((2.0 * a / us + b) * u + lam + 0.43).floor() as i64;
            if us >= 0.07 && v <= vr {
                return k;
            }
            if k < 0 || (us < 0.013 && v > us) {
                continue;
            }
            let lhs = v.ln() + invalpha.ln() - (a / (us * us) + b).ln();
            let rhs = -lam + k as f64 * loglam - loggam(k as f64 + 1.0);
            if lhs <= rhs {
                return k;
            }
        }
    }

    /// A value in `[0, span]` by masked rejection (NumPy's legacy bounded draw, also used by
    /// `shuffle`). Consumes nothing when `span` is 0.
    fn bounded(&mut self, span: u64) -> u64 {
        if span == 0 {
            0
        } else if span < 0xffff_ffff {
            let mask = fill_mask(span) as u32;
            let span = span as u32;
            loop {
                let v = self.next_u32() & mask;
                if v <= span {
                    return u64::from(v);
                }
            }
        } else if span == 0xffff_ffff {
            u64::from(self.next_u32())
        } else if span == u64::MAX {
            self.next_u64()
        } else {
            let mask = fill_mask(span);
            loop {
                let v = self.next_u64() & mask;
                if v <= span {
                    return v;
                }
            }
        }
    }

    /// `np.random.randint(low, high)` (int64): a value in `[low, high)`.
    ///
    /// Requires `low < high` (check with [`check_randint_bounds`]); otherwise the result is
    /// meaningless but nothing panics.
    pub fn randint(&mut self, low: i64, high: i64) -> i64 {
        self.randint_inclusive(low, high.wrapping_sub(1))
    }

    /// A value in the closed interval `[low, high]` (`randint(low, high + 1)`); this form also
    /// covers `randint(-2**63, 2**63)`, whose exclusive bound does not fit in `i64`.
    pub fn randint_inclusive(&mut self, low: i64, high: i64) -> i64 {
        let span = high.wrapping_sub(low) as u64;
        low.wrapping_add(self.bounded(span) as i64)
    }

    /// `np.random.randint(low, high, size=n)` flattened: the array path draws exactly like
    /// `n` scalar calls (one masked-rejection loop per element, no bit buffering for int64).
    pub fn randint_fill(&mut self, low: i64, high: i64, n: usize) -> Vec<i64> {
        (0..n).map(|_| self.randint(low, high)).collect()
    }

    /// The order `np.random.shuffle` leaves a length-`n` first axis in: element `k` of the
    /// result is the original element `result[k]`.
    pub fn shuffle_indices(&mut self, n: usize) -> Vec<usize> {
        let mut perm: Vec<usize> = (0..n).collect();
        for i in (1..n).rev() {
            let j = self.bounded(i as u64) as usize;
            perm.swap(i, j);
        }
        perm
    }

    /// `np.random.permutation(n)`.
    pub fn permutation(&mut self, n: usize) -> Vec<usize> {
        self.shuffle_indices(n)
    }

    /// `np.random.choice(n, size, replace, p)`: indices into a population of `n`.
    ///
    /// `size = None` in NumPy draws like `size = 1`. On error nothing is drawn and the message
    /// is NumPy's `ValueError` text. (The `p.ndim` check and a float32 `p`'s looser tolerance
    /// are the caller's business; `p` is float64 here.)
    pub fn choice(&mut self, n: usize, size: usize, replace: bool, p: Option<&[f64]>) -> Result<Vec<usize>, String> {
        if n == 0 && size != 0 {
            return Err("a must be greater than 0 unless no samples are taken".into());
        }
        if let Some(p) = p {
            if p.len() != n {
                return Err("'a' and 'p' must have same size".into());
            }
            let total = kahan_sum(p);
            if total.is_nan() {
                return Err("probabilities contain NaN".into());
            }
            if p.iter().any(|&v| v < 0.0) {
                return Err("probabilities are not non-negative".into());
            }
            if (total - 1.0).abs() > f64::EPSILON.sqrt() {
                return Err("probabilities do not sum to 1".into());
            }
        }

        if replace {
            return Ok(match p {
                Some(p) => {
                    let cdf = normalized_cdf(p);
                    (0..size).map(|_| search_right(&cdf, self.random_sample())).collect()
                }
                None => (0..size).map(|_| self.bounded(n as u64 - 1) as usize).collect(),
            });
        }

        if size > n {
            return Err("Cannot take a larger sample than population when 'replace=False'".into());
        }
        let Some(p) = p else {
            let mut perm = self.permutation(n);
            perm.truncate(size);
            return Ok(perm);
        };
        if p.iter().filter(|&&v| v > 0.0).count() < size {
            return Err("Fewer non-zero entries in p than size".into());
        }
        let mut weights = p.to_vec();
        let mut found: Vec<usize> = Vec::with_capacity(size);
        let mut seen = vec![false; n];
        while found.len() < size {
            let draws: Vec<f64> = (found.len()..size).map(|_| self.random_sample()).collect();
            for &f in &found {
                if let Some(w) = weights.get_mut(f) {
                    *w = 0.0;
                }
            }
            let cdf = normalized_cdf(&weights);
            seen.iter_mut().for_each(|s| *s = false);
            for u in draws {
                let idx = search_right(&cdf, u);
                if let Some(s) = seen.get_mut(idx) {
                    if !*s {
                        *s = true;
                        found.push(idx);
                    }
                }
            }
        }
        Ok(found)
    }
}

/// NumPy's check before `uniform`: `OverflowError: Range exceeds valid bounds` when
/// `high - low` is infinite or NaN.
pub fn check_uniform_range(low: f64, high: f64) -> Result<(), String> {
    if (high - low).is_finite() {
        Ok(())
    } else {
        Err("Range exceeds valid bounds".into())
    }
}

/// NumPy's non-negativity check for `scale` of `normal`/`exponential`: `ValueError: {name} < 0`
/// when the sign bit is set (so `-0.0` is rejected too) and the value is not NaN.
pub fn check_non_negative(name: &str, value: f64) -> Result<(), String> {
    if !value.is_nan() && value.is_sign_negative() {
        Err(format!("{name} < 0"))
    } else {
        Ok(())
    }
}

/// NumPy's check on the legacy `poisson(lam)` argument (`ValueError` texts).
pub fn check_poisson_lam(lam: f64) -> Result<(), String> {
    if lam.is_nan() || lam < 0.0 {
        Err("lam < 0 or lam is NaN".into())
    } else if lam > LEGACY_POISSON_LAM_MAX {
        Err("lam value too large".into())
    } else {
        Ok(())
    }
}

/// NumPy's `randint` bounds error for `[low, high)`: `"high <= 0"` when `low` is 0 (the
/// one-argument form), `"low >= high"` otherwise. NumPy skips this check when `size` has a
/// zero in it and returns an empty array instead.
pub fn check_randint_bounds(low: i64, high: i64) -> Result<(), String> {
    if low < high {
        Ok(())
    } else if low == 0 {
        Err("high <= 0".into())
    } else {
        Err("low >= high".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_tables_match_numpy() {
        let r = LegacyRandom::from_seed(0);
        assert_eq!(r.key[..4], [0, 1, 1_812_433_255, 1_900_727_105]);
        let r = LegacyRandom::from_seed(42);
        assert_eq!(r.key[..4], [42, 3_107_752_595, 1_895_908_407, 3_900_362_577]);
    }

    #[test]
    fn first_outputs_match_numpy() {
        let mut r = LegacyRandom::from_seed(0);
        let got: Vec<u32> = (0..6).map(|_| r.next_u32()).collect();
        assert_eq!(got, [2357136044, 2546248239, 3071714933, 3626093760, 2588848963, 3684848379]);
        let mut r = LegacyRandom::from_seed(42);
        let got: Vec<u32> = (0..6).map(|_| r.next_u32()).collect();
        assert_eq!(got, [1608637542, 3421126067, 4083286876, 787846414, 3143890026, 3348747335]);
        assert_eq!(LegacyRandom::from_seed(0).random_sample(), 0.5488135039273248);
        assert_eq!(LegacyRandom::from_seed(42).random_sample(), 0.3745401188473625);
    }

    #[test]
    fn fact_sheet_session() {
        let mut r = LegacyRandom::from_seed(0);
        assert_eq!(r.random_sample(), 0.5488135039273248);
        for _ in 0..3 {
            r.random_sample();
        }
        assert_eq!(r.standard_normal(), 1.8675579901499675);
        for _ in 0..6 {
            r.standard_normal();
        }
        assert_eq!(r.randint(0, 10), 8);
        assert_eq!(r.randint_fill(0, 10, 5), [1, 5, 9, 8, 9]);
        assert_eq!(r.randint_fill(-3, 3, 4), [1, 0, -3, 0]);
        assert_eq!(r.random_sample(), 0.9571551589530464);

        let mut r = LegacyRandom::from_seed(0);
        assert_eq!(r.randint_fill(0, 10, 10), [5, 0, 3, 3, 7, 9, 3, 5, 2, 4]);
        let mut r = LegacyRandom::from_seed(0);
        assert_eq!(r.randint_fill(0, 100, 10), [44, 47, 64, 67, 67, 9, 83, 21, 36, 87]);
        let mut r = LegacyRandom::from_seed(0);
        assert_eq!(r.randint_fill(0, 1 << 40, 3), [741280623151, 506137267392, 291447657211]);
        let mut r = LegacyRandom::from_seed(0);
        let v: Vec<i64> = (0..10).map(|_| r.randint(0, 3)).collect();
        assert_eq!(v, [0, 1, 0, 1, 1, 2, 0, 2, 0, 0]);
        let mut r = LegacyRandom::from_seed(42);
        assert_eq!(r.randint_fill(0, 10, 10), [6, 3, 7, 4, 6, 9, 2, 6, 7, 4]);
        let mut r = LegacyRandom::from_seed(42);
        assert_eq!(r.randint_fill(1, 7, 6), [4, 5, 3, 5, 5, 2]);
        let mut r = LegacyRandom::from_seed(42);
        assert_eq!(r.standard_normal(), 0.4967141530112327);
        assert_eq!(r.standard_normal(), -0.13826430117118466);
        assert_eq!(r.standard_normal(), 0.6476885381006925);
        assert_eq!(LegacyRandom::from_seed(42).randint(0, 5), 3);
    }

    #[test]
    fn reseeding_clears_the_normal_cache() {
        let mut r = LegacyRandom::from_seed(7);
        r.standard_normal();
        assert!(r.gauss.is_some());
        let fresh = LegacyRandom::from_seed(7);
        assert!(fresh.gauss.is_none());
    }

    #[test]
    fn choice_errors_and_edges() {
        let mut r = LegacyRandom::from_seed(1);
        let before = r.clone().next_u64();
        assert_eq!(r.choice(0, 1, true, None).unwrap_err(), "a must be greater than 0 unless no samples are taken");
        assert_eq!(
            r.choice(3, 4, false, None).unwrap_err(),
            "Cannot take a larger sample than population when 'replace=False'"
        );
        assert_eq!(r.choice(2, 1, true, Some(&[0.5, 0.6])).unwrap_err(), "probabilities do not sum to 1");
        assert_eq!(r.choice(2, 1, true, Some(&[1.5, -0.5])).unwrap_err(), "probabilities are not non-negative");
        assert_eq!(r.choice(2, 1, true, Some(&[f64::NAN, 1.0])).unwrap_err(), "probabilities contain NaN");
        assert_eq!(r.choice(3, 1, true, Some(&[0.5, 0.5])).unwrap_err(), "'a' and 'p' must have same size");
        assert_eq!(r.choice(3, 2, false, Some(&[1.0, 0.0, 0.0])).unwrap_err(), "Fewer non-zero entries in p than size");
        assert_eq!(r.choice(0, 0, true, Some(&[])).unwrap_err(), "probabilities do not sum to 1");
        assert_eq!(r.choice(0, 0, true, None), Ok(vec![]));
        assert_eq!(r.choice(0, 0, false, None), Ok(vec![]));
        assert_eq!(r.next_u64(), before, "errors must not consume the stream");
    }

    #[test]
    fn helpers() {
        assert_eq!(fill_mask(0), 0);
        assert_eq!(fill_mask(1), 1);
        assert_eq!(fill_mask(9), 15);
        assert_eq!(fill_mask(16), 31);
        assert_eq!(fill_mask(u64::MAX), u64::MAX);
        assert_eq!(check_randint_bounds(0, 0).unwrap_err(), "high <= 0");
        assert_eq!(check_randint_bounds(5, 5).unwrap_err(), "low >= high");
        assert!(check_non_negative("scale", -0.0).is_err());
        assert!(check_non_negative("scale", f64::NAN).is_ok());
        assert!(check_uniform_range(-f64::MAX, f64::MAX).is_err());
        assert_eq!(check_poisson_lam(-1.0).unwrap_err(), "lam < 0 or lam is NaN");
        assert_eq!(check_poisson_lam(1e19).unwrap_err(), "lam value too large");
        assert!(check_poisson_lam(LEGACY_POISSON_LAM_MAX).is_ok());
        assert_eq!(LEGACY_POISSON_LAM_MAX, i64::MAX as f64 - (i64::MAX as f64).sqrt() * 10.0);
        let a = LegacyRandom::from_entropy().next_u64();
        let b = LegacyRandom::from_entropy().next_u64();
        assert_ne!(a, b);
    }

    // ---- differential replay of tests/data/random_cases.txt (written by gen_random_cases.py) ----

    /// Parses Python's `float.hex()` output exactly.
    fn parse_hex_float(s: &str) -> f64 {
        let (neg, body) = match s.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, s),
        };
        let value = match body {
            "inf" => f64::INFINITY,
            "nan" => f64::NAN,
            _ => {
                let body = body.strip_prefix("0x").expect("hex float");
                let (mant, exp) = body.split_once('p').expect("exponent");
                let exp: i32 = exp.parse().expect("exponent value");
                let (int_part, frac) = mant.split_once('.').unwrap_or((mant, ""));
                assert!(frac.len() <= 13, "fraction too long: {s}");
                let frac_bits = if frac.is_empty() {
                    0
                } else {
                    u64::from_str_radix(frac, 16).expect("fraction") << (52 - 4 * frac.len())
                };
                let bits = match int_part {
                    "1" => (((exp + 1023) as u64) << 52) | frac_bits,
                    "0" if frac_bits == 0 => 0,
                    "0" => {
                        assert_eq!(exp, -1022, "subnormal exponent: {s}");
                        frac_bits
                    }
                    _ => panic!("bad hex float {s}"),
                };
                f64::from_bits(bits)
            }
        };
        if neg {
            -value
        } else {
            value
        }
    }

    /// Formats an `f64` the way `float.hex()` does (for readable failure messages and the
    /// exact comparison).
    fn hex_float(x: f64) -> String {
        if x.is_nan() {
            return "nan".into();
        }
        let sign = if x.is_sign_negative() { "-" } else { "" };
        if x.is_infinite() {
            return format!("{sign}inf");
        }
        let bits = x.to_bits() & !(1u64 << 63);
        let exp = (bits >> 52) as i32;
        let frac = bits & ((1u64 << 52) - 1);
        if exp == 0 && frac == 0 {
            return format!("{sign}0x0.0p+0");
        }
        let (lead, e) = if exp == 0 { (0, -1022) } else { (1, exp - 1023) };
        let e_sign = if e >= 0 { "+" } else { "" };
        format!("{sign}0x{lead}.{frac:013x}p{e_sign}{e}")
    }

    fn ints<T: ToString>(v: impl IntoIterator<Item = T>) -> Vec<String> {
        v.into_iter().map(|x| x.to_string()).collect()
    }

    /// Count argument: `-` means a scalar call (`size=None`), which draws like size 1.
    fn count(tok: &str) -> usize {
        if tok == "-" {
            1
        } else {
            tok.parse().expect("count")
        }
    }

    /// Runs one recorded operation and renders its outputs as the data file does.
    fn run_op(rng: &mut LegacyRandom, op: &str, args: &[&str]) -> Vec<String> {
        let f = |i: usize| parse_hex_float(args[i]);
        let i = |k: usize| -> i64 { args[k].parse().expect("int arg") };
        match op {
            "rand" => (0..count(args[0])).map(|_| hex_float(rng.random_sample())).collect(),
            "randn" => (0..count(args[0])).map(|_| hex_float(rng.standard_normal())).collect(),
            "uniform" => (0..count(args[2])).map(|_| hex_float(rng.uniform(f(0), f(1)))).collect(),
            "normal" => (0..count(args[2])).map(|_| hex_float(rng.normal(f(0), f(1)))).collect(),
            "stdexp" => (0..count(args[0])).map(|_| hex_float(rng.standard_exponential())).collect(),
            "exponential" => (0..count(args[1])).map(|_| hex_float(rng.exponential(f(0)))).collect(),
            "poisson" => ints((0..count(args[1])).map(|_| rng.poisson(f(0)))),
            "randint" => {
                if args[2] == "-" {
                    ints([rng.randint(i(0), i(1))])
                } else {
                    ints(rng.randint_fill(i(0), i(1), count(args[2])))
                }
            }
            "randint_incl" => ints((0..count(args[2])).map(|_| rng.randint_inclusive(i(0), i(1)))),
            "next32" => ints((0..count(args[0])).map(|_| rng.next_u32())),
            "next64" => ints((0..count(args[0])).map(|_| rng.next_u64())),
            "shuffle" | "shuffle2d" | "shufflelist" => ints(rng.shuffle_indices(args[0].parse().expect("n"))),
            "permutation" => ints(rng.permutation(args[0].parse().expect("n"))),
            "choice" => {
                let n: usize = args[0].parse().expect("n");
                let size = count(args[1]);
                let replace = args[2] == "1";
                let p: Option<Vec<f64>> = (args[3] != "-")
                    .then(|| args[3].split(',').filter(|t| !t.is_empty()).map(parse_hex_float).collect());
                match rng.choice(n, size, replace, p.as_deref()) {
                    Ok(v) => ints(v),
                    Err(e) => vec![format!("!{e}")],
                }
            }
            _ => panic!("unknown op {op}"),
        }
    }

    #[test]
    fn differential_cases_match_numpy() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/random_cases.txt");
        let text = std::fs::read_to_string(path).expect("random_cases.txt (run gen_random_cases.py)");
        let mut rng = LegacyRandom::from_seed(0);
        let mut case = String::new();
        let (mut ops, mut values, mut cases) = (0usize, 0usize, 0usize);
        for (lineno, line) in text.lines().enumerate() {
            let line = line.trim_end();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (head, expected) = match line.split_once(" =") {
                Some((h, e)) => (h, Some(e.trim_start())),
                None => (line, None),
            };
            let toks: Vec<&str> = head.split_whitespace().collect();
            match toks[0] {
                "case" => {
                    case = toks[1..].join(" ");
                    cases += 1;
                }
                "seed" => rng = LegacyRandom::from_seed(toks[1].parse().expect("seed")),
                "seedarr" => {
                    let key: Vec<u32> = toks[1..].iter().map(|t| t.parse().expect("key")).collect();
                    rng = LegacyRandom::from_seed_array(&key);
                }
                op => {
                    let expected = expected.unwrap_or("");
                    let want: Vec<String> = if let Some(msg) = expected.strip_prefix('!') {
                        vec![format!("!{msg}")]
                    } else {
                        expected.split_whitespace().map(str::to_string).collect()
                    };
                    let got = run_op(&mut rng, op, &toks[1..]);
                    assert_eq!(got, want, "case {case}, line {}: {head}", lineno + 1);
                    ops += 1;
                    values += want.len();
                }
            }
        }
        assert!(cases >= 12 && ops > 1000, "too few cases: {cases} cases, {ops} ops");
        eprintln!("replayed {cases} cases, {ops} operations, {values} values");
    }
}
