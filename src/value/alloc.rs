//! Every array allocation asks here first. Sizes are computed with checked
//! arithmetic and compared with a memory cap, so a user asking for a
//! 75 GiB array gets NumPy's `MemoryError` instead of an allocator abort.

use std::sync::atomic::{AtomicU64, Ordering};

use crate::interp::error::{ExcType, PyErr};
use crate::value::DType;

/// 0 = not yet decided (use the machine's available memory).
static MEMORY_CAP: AtomicU64 = AtomicU64::new(0);

/// Set the cap in bytes (from `--max-memory` or `NPR_MAX_MEMORY`).
pub fn set_memory_cap(bytes: u64) {
    MEMORY_CAP.store(bytes, Ordering::Relaxed);
}

/// The cap in bytes.
pub fn memory_cap() -> u64 {
    let cap = MEMORY_CAP.load(Ordering::Relaxed);
    if cap != 0 {
        return cap;
    }
    let detected = std::env::var("NPR_MAX_MEMORY").ok().and_then(|s| parse_size(&s)).unwrap_or_else(available_memory);
    MEMORY_CAP.store(detected, Ordering::Relaxed);
    detected
}

/// Parse `512M`, `2G`, `1.5GiB`, `1000000` into bytes.
pub fn parse_size(s: &str) -> Option<u64> {
    let s = s.trim();
    let split = s.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let num: f64 = num.parse().ok()?;
    let mult: f64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1.0,
        "k" | "kb" | "kib" => 1024.0,
        "m" | "mb" | "mib" => 1024.0 * 1024.0,
        "g" | "gb" | "gib" => 1024.0 * 1024.0 * 1024.0,
        "t" | "tb" | "tib" => 1024.0f64.powi(4),
        _ => return None,
    };
    let bytes = num * mult;
    (bytes.is_finite() && bytes >= 1.0).then_some(bytes as u64)
}

/// Available memory: MemAvailable from /proc/meminfo, lowered to the cgroup limit.
fn available_memory() -> u64 {
    let mem = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("MemAvailable:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse::<u64>().ok()))
        })
        .map(|kib| kib * 1024)
        .unwrap_or(8 << 30);
    let cgroup = ["/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"]
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .filter_map(|s| s.trim().parse::<u64>().ok())
        .min();
    match cgroup {
        Some(c) => mem.min(c),
        None => mem,
    }
}

/// NumPy's byte-size text: `74.5 GiB`, `800. MiB`, `8.00 KiB`, `100 bytes`
/// (three significant digits, as `numpy._core._exceptions._size_to_string`).
pub fn size_to_string(bytes: u128) -> String {
    const UNITS: [&str; 7] = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
    let mut exp = 0usize;
    let mut b = bytes;
    while b >= 1024 && exp < 6 {
        b /= 1024;
        exp += 1;
    }
    if exp == 0 {
        return format!("{bytes} bytes");
    }
    let mut unit = exp;
    let mut val = bytes as f64 / 1024f64.powi(unit as i32);
    // NumPy bumps to the next unit when rounding to 3 significant digits reaches 1024.
    if round_sig3(val) >= 1024.0 && unit < 6 {
        unit += 1;
        val /= 1024.0;
    }
    format!("{} {}", format_sig3(val), UNITS[unit])
}

fn round_sig3(v: f64) -> f64 {
    let digits = if v >= 100.0 {
        0
    } else if v >= 10.0 {
        1
    } else {
        2
    };
    let p = 10f64.powi(digits);
    (v * p).round() / p
}

/// `{:.3g}`-like with NumPy's `'{:.{}g}'` then trailing `.` rule: 74.5, 800., 8.00.
fn format_sig3(v: f64) -> String {
    if v >= 100.0 {
        format!("{:.0}.", v)
    } else if v >= 10.0 {
        format!("{:.1}", v)
    } else {
        format!("{:.2}", v)
    }
}

/// NumPy's compact shape text for messages: `(2,)`, `(100000, 100000)`.
fn shape_text(shape: &[usize]) -> String {
    match shape.len() {
        1 => format!("({},)", shape[0]),
        _ => format!("({})", shape.iter().map(|n| n.to_string()).collect::<Vec<_>>().join(", ")),
    }
}

/// Check that an array of `shape` and `dtype` may be allocated. Returns the
/// element count.
pub fn check_alloc(shape: &[usize], dtype: DType) -> Result<usize, PyErr> {
    let too_big = || {
        PyErr::new(
            ExcType::ValueError,
            "array is too big; `arr.size * arr.dtype.itemsize` is larger than the maximum possible size.",
        )
    };
    let mut count: usize = 1;
    for &n in shape {
        count = count.checked_mul(n).ok_or_else(too_big)?;
    }
    let bytes = count.checked_mul(dtype.itemsize()).ok_or_else(too_big)?;
    if bytes > isize::MAX as usize {
        return Err(too_big());
    }
    if bytes as u64 > memory_cap() {
        return Err(PyErr::new(
            ExcType::MemoryError,
            format!(
                "Unable to allocate {} for an array with shape {} and data type {}",
                size_to_string(bytes as u128),
                shape_text(shape),
                dtype.name()
            ),
        ));
    }
    Ok(count)
}

/// Check that `n` Python objects (lists, strings, ranges turned into
/// lists) fit under the memory cap; about 64 bytes are counted per item.
pub fn check_items(n: usize) -> Result<(), PyErr> {
    match n.checked_mul(64) {
        Some(bytes) if (bytes as u64) <= memory_cap() => Ok(()),
        _ => Err(PyErr::new(ExcType::MemoryError, "")),
    }
}

/// Convert user-given dimensions (which may be negative) into a shape.
pub fn dims_from_i64(dims: &[i64]) -> Result<Vec<usize>, PyErr> {
    dims.iter()
        .map(|&d| {
            usize::try_from(d).map_err(|_| PyErr::new(ExcType::ValueError, "negative dimensions are not allowed"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_print_like_numpy() {
        assert_eq!(size_to_string(100000u128 * 100000 * 8), "74.5 GiB");
        assert_eq!(size_to_string(800 * 1024 * 1024), "800. MiB");
        assert_eq!(size_to_string(8 * 1024), "8.00 KiB");
        assert_eq!(size_to_string(100), "100 bytes");
    }
}
