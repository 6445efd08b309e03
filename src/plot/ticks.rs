//! Axis limits, tick positions and tick labels, following matplotlib's
//! defaults: 5% margins around the data, "nice" steps of 1, 2, 2.5 and 5
//! times a power of ten (its `MaxNLocator`), and labels that all show the
//! same number of decimals (its `ScalarFormatter`), with a Unicode minus.
//! The terminal renderer and the image export share these, so both show
//! the same ticks.

/// matplotlib's default `axes.xmargin` / `axes.ymargin`.
pub const MARGIN: f64 = 0.05;

/// View limits for data spanning `lo..hi`: widened when empty or singular,
/// then padded by [`MARGIN`] of the span on each side. A `sticky` value
/// (a histogram's zero baseline) is never padded past.
pub fn autoscale(lo: f64, hi: f64, sticky: Option<f64>) -> (f64, f64) {
    if !lo.is_finite() || !hi.is_finite() || lo > hi {
        return (0.0, 1.0);
    }
    let (lo, hi) = nonsingular(lo, hi);
    // (hi - lo) could overflow for data near ±1.8e308.
    let pad = hi * MARGIN - lo * MARGIN;
    let mut a = lo - pad;
    let mut b = hi + pad;
    if let Some(s) = sticky {
        if lo >= s && a < s {
            a = s;
        }
        if hi <= s && b > s {
            b = s;
        }
    }
    (a, b)
}

/// Widen a zero-width interval as matplotlib does (by 5% of the value, or
/// to ±0.05 around zero).
pub fn nonsingular(lo: f64, hi: f64) -> (f64, f64) {
    let tiny = f64::EPSILON * 1e3;
    if hi - lo <= tiny * lo.abs().max(hi.abs()).max(1e-300) {
        if hi == 0.0 && lo == 0.0 {
            return (-0.05, 0.05);
        }
        return (lo - 0.05 * lo.abs(), hi + 0.05 * hi.abs());
    }
    (lo, hi)
}

fn scale_range(vmin: f64, vmax: f64, n: usize) -> (f64, f64) {
    let dv = (vmax - vmin).abs();
    let meanv = (vmax + vmin) / 2.0;
    let offset = if meanv.abs() / dv < 100.0 { 0.0 } else { 10f64.powf(meanv.abs().log10().floor()).copysign(meanv) };
    let scale = 10f64.powf((dv / n as f64).log10().floor());
    (scale, offset)
}

/// Tick positions for the view `vmin..vmax` with at most about `nbins`
/// intervals (matplotlib's `MaxNLocator(nbins, steps=[1, 2, 2.5, 5, 10])`).
/// Only ticks inside the view are returned.
pub fn locate(vmin: f64, vmax: f64, nbins: usize) -> Vec<f64> {
    let (vmin, vmax) = if vmin <= vmax { (vmin, vmax) } else { (vmax, vmin) };
    if !(vmin.is_finite() && vmax.is_finite()) || vmax - vmin <= 0.0 {
        return vec![vmin];
    }
    if !(vmax - vmin).is_finite() {
        // A span wider than f64 can hold: locate on a scaled copy.
        return locate(vmin * 1e-10, vmax * 1e-10, nbins).into_iter().map(|t| t * 1e10).collect();
    }
    let nbins = nbins.clamp(1, 9);
    let (scale, offset) = scale_range(vmin, vmax, nbins);
    let (lo, hi) = (vmin - offset, vmax - offset);
    let steps: Vec<f64> = [0.1, 0.2, 0.25, 0.5, 1.0, 2.0, 2.5, 5.0, 10.0, 20.0].iter().map(|s| s * scale).collect();
    let raw = (hi - lo) / nbins as f64;
    let istep = steps.iter().position(|&s| s >= raw).unwrap_or(steps.len() - 1);
    let tol =
        if offset > 0.0 { (10f64.powf((offset / steps[istep]).log10() - 12.0)).clamp(1e-10, 0.4999) } else { 1e-10 };
    let mut ticks = Vec::new();
    for &step in steps[..=istep].iter().rev() {
        let best = (lo / step).floor() * step;
        let le = |x: f64| {
            let (d, m) = ((x / step).floor(), x.rem_euclid(step));
            if (m / step - 1.0).abs() < tol {
                d + 1.0
            } else {
                d
            }
        };
        let ge = |x: f64| {
            let (d, m) = ((x / step).floor(), x.rem_euclid(step));
            if (m / step).abs() < tol {
                d
            } else {
                d + 1.0
            }
        };
        let (low, high) = (le(lo - best), ge(hi - best));
        ticks = (0..=((high - low).clamp(0.0, 1000.0) as usize)).map(|k| (low + k as f64) * step + best).collect();
        let shown = ticks.iter().filter(|&&t| t >= lo && t <= hi).count();
        if shown >= 2 {
            break;
        }
    }
    let eps = (vmax - vmin) * 1e-10;
    ticks.into_iter().map(|t| t + offset).filter(|&t| t >= vmin - eps && t <= vmax + eps).collect()
}

/// Tick labels for `ticks` (matplotlib's `ScalarFormatter`): one number of
/// decimals for all, `−` for negatives. Values of 1e6 and more (or below
/// 1e-5) are divided by a power of ten, returned as the second element
/// (shown as `1e6` by the axis).
pub fn labels(ticks: &[f64]) -> (Vec<String>, Option<i32>) {
    if ticks.is_empty() {
        return (Vec::new(), None);
    }
    let max_abs = ticks.iter().filter(|t| t.is_finite()).fold(0.0f64, |m, t| m.max(t.abs()));
    let oom = if max_abs == 0.0 { 0 } else { max_abs.log10().floor() as i32 };
    let power = if oom <= -5 || oom >= 6 { oom } else { 0 };
    // Scale in two steps: 10^±320 alone would overflow or underflow.
    let (f1, f2) = (10f64.powi(-power / 2), 10f64.powi(-power - (-power / 2)));
    let locs: Vec<f64> = ticks.iter().map(|t| t * f1 * f2).collect();
    let lo = locs.iter().cloned().fold(f64::INFINITY, f64::min);
    let hi = locs.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    let mut range = hi - lo;
    if range == 0.0 {
        range = lo.abs().max(hi.abs());
    }
    if range == 0.0 {
        range = 1.0;
    }
    let range_oom = range.log10().floor() as i32;
    let mut sigfigs: i32 = (3 - range_oom).max(0);
    let thresh = 1e-3 * 10f64.powi(range_oom);
    while sigfigs >= 0 {
        let p = 10f64.powi(sigfigs);
        let err = locs.iter().map(|x| (x - (x * p).round() / p).abs()).fold(0.0, f64::max);
        if err < thresh {
            sigfigs -= 1;
        } else {
            break;
        }
    }
    let decimals = (sigfigs + 1).max(0) as usize;
    let text = locs
        .iter()
        .map(|&x| {
            let x = if x.abs() < 1e-8 { 0.0 } else { x };
            let s = format!("{x:.decimals$}");
            match s.strip_prefix('-') {
                Some(rest) => format!("\u{2212}{rest}"),
                None => s,
            }
        })
        .collect();
    (text, (power != 0).then_some(power))
}

/// `1e6`, `1e−5`: the multiplier label of an axis.
pub fn power_label(power: i32) -> String {
    if power < 0 {
        format!("1e\u{2212}{}", -power)
    } else {
        format!("1e{power}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: &[f64], b: &[f64]) -> bool {
        a.len() == b.len() && a.iter().zip(b).all(|(x, y)| (x - y).abs() < 1e-9)
    }

    #[test]
    fn matplotlib_default_ticks() {
        // plt.plot([0, 1], [0, 34.5]): view (-0.05, 1.05) and (-1.725, 36.225).
        let (a, b) = autoscale(0.0, 1.0, None);
        assert!(close(&[a, b], &[-0.05, 1.05]));
        assert!(close(&locate(a, b, 9), &[0.0, 0.2, 0.4, 0.6, 0.8, 1.0]));
        let (a, b) = autoscale(0.0, 34.5, None);
        assert!(close(&locate(a, b, 9), &[0.0, 5.0, 10.0, 15.0, 20.0, 25.0, 30.0, 35.0]));
        assert!(close(&locate(0.0, 1.0, 9), &[0.0, 0.2, 0.4, 0.6, 0.8, 1.0]));
        assert!(close(&locate(-0.5, 2.5, 9), &[-0.5, 0.0, 0.5, 1.0, 1.5, 2.0, 2.5]));
    }

    #[test]
    fn labels_share_decimals() {
        assert_eq!(labels(&[0.0, 0.2, 0.4]).0, vec!["0.0", "0.2", "0.4"]);
        assert_eq!(labels(&[0.0, 5.0, 10.0]).0, vec!["0", "5", "10"]);
        assert_eq!(labels(&[-2.5, 0.0, 2.5]).0, vec!["\u{2212}2.5", "0.0", "2.5"]);
        assert_eq!(labels(&[0.0, 0.25, 0.5]).0, vec!["0.00", "0.25", "0.50"]);
        let (l, p) = labels(&[0.0, 2e6, 4e6]);
        assert_eq!((l, p), (vec!["0".to_string(), "2".into(), "4".into()], Some(6)));
    }

    #[test]
    fn sticky_zero_baseline() {
        let (a, b) = autoscale(0.0, 10.0, Some(0.0));
        assert_eq!(a, 0.0);
        assert!((b - 10.5).abs() < 1e-12);
    }
}
