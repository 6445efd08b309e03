#!/usr/bin/env python3
"""Generate src/ops/transcendental_tables.rs: the lookup tables of npr's
vectorised exp and log (src/ops/transcendental.rs), computed with mpmath at
200 bits. Each element costs one table load (a gather) per table. log's
tables hold, per interval, a double `invc` near 1/c and `logc = -log(invc)`
as one double with no low part: `invc` is chosen (Gal's accurate tables) so
that `-log(invc)` lies within 2**-66 of a multiple of 2**-42, and that
multiple is stored, which also makes `k*LN2_HI + logc` exact. exp's
2**(j/N) is packed as its 52 mantissa bits with the rounding error of that
double in the 12 bits above them.

    python3 bench/tools/gen_transcendental_tables.py > src/ops/transcendental_tables.rs
"""
import struct

import mpmath
from mpmath import mp, mpf

mp.prec = 200


def bits(x):
    return struct.unpack("<Q", struct.pack("<d", float(x)))[0]


def from_bits(b):
    return struct.unpack("<d", struct.pack("<Q", b))[0]


def split(v):
    """A high-precision value as a double-double (hi, lo), both round-to-nearest."""
    hi = float(v)
    lo = float(v - mpf(hi))
    return hi, lo


def truncate(v, nbits):
    """v rounded to a double with at most nbits significant bits."""
    m, e = mpmath.frexp(v)
    return float(mpmath.nint(m * 2**nbits) * mpf(2) ** (e - nbits))


LOG_BITS = 8
LOG_N = 1 << LOG_BITS
SHIFT = 52 - LOG_BITS
# z = x / 2**k lies in [OFF, 2*OFF); 1.0 is the start of interval ONE_INDEX.
ONE_INDEX = 149
OFF = bits(1.0) - (ONE_INDEX << SHIFT)

EXP_BITS = 7
EXP_N = 1 << EXP_BITS


def hexf(x):
    return "f64::from_bits(0x%016x)" % bits(x)


def table(name, values, doc):
    out = ["/// %s" % doc, "pub static %s: [f64; %d] = [" % (name, len(values))]
    for v in values:
        out.append("    %s, // %r" % (hexf(v), v))
    out.append("];")
    return "\n".join(out)


def table_u64(name, values, doc):
    out = ["/// %s" % doc, "pub static %s: [u64; %d] = [" % (name, len(values))]
    for v, comment in values:
        out.append("    0x%016x, // %s" % (v, comment))
    out.append("];")
    return "\n".join(out)


# log: logc is a multiple of 2**-LOGC_FRAC, within 2**-LOGC_ERR of -log(invc).
LOGC_FRAC = 42
LOGC_ERR = 72


def accurate_invc(center):
    """A double near 1/center whose log is within 2**-LOGC_ERR of a multiple
    of 2**-LOGC_FRAC: walk m outwards from -log(1/center) * 2**LOGC_FRAC and
    take the first exp(-m * 2**-LOGC_FRAC) that a double rounds closely
    enough (relative error below 2**-LOGC_ERR). Returns (invc, m)."""
    P = 160  # fixed-point bits of the walk
    m0 = int(mpmath.nint(mpmath.log(center) * 2**LOGC_FRAC))
    step_dn = int(mpmath.nint(mpmath.exp(-(mpf(2) ** -LOGC_FRAC)) * mpf(2) ** P))
    step_up = int(mpmath.nint(mpmath.exp(mpf(2) ** -LOGC_FRAC) * mpf(2) ** P))
    start = int(mpmath.nint(mpmath.exp(-mpf(m0) * mpf(2) ** -LOGC_FRAC) * mpf(2) ** P))
    walks = [(m0, start, 1, step_dn), (m0 - 1, start * step_up >> P, -1, step_up)]
    limit = mpf(2) ** -LOGC_ERR
    for _ in range(1 << 24):
        for n, (m, e, dm, step) in enumerate(walks):
            # e ~ exp(-m * 2**-LOGC_FRAC) * 2**P; round it to 53 significant bits.
            shift = e.bit_length() - 53
            q = (e + (1 << (shift - 1))) >> shift
            if abs((q << shift) - e) * 2**LOGC_ERR < e:
                invc = float(mpf(q) * mpf(2) ** (shift - P))
                err = abs(-mpmath.log(mpf(invc)) - mpf(m) * mpf(2) ** -LOGC_FRAC)
                assert err < limit, (center, m, err)
                return invc, m
            walks[n] = (m + dm, e * step >> P, dm, step)
    raise AssertionError("no accurate invc near 1/%s" % center)


def main():
    invc, logc = [], []
    max_r = mpf(0)
    for i in range(LOG_N):
        z_lo = mpf(from_bits(OFF + (i << SHIFT)))
        z_hi = mpf(from_bits(OFF + ((i + 1) << SHIFT)))
        if i in (ONE_INDEX - 1, ONE_INDEX):
            ic, m = 1.0, 0
        else:
            ic, m = accurate_invc((z_lo + z_hi) / 2)
        lc = float(mpf(m) * mpf(2) ** -LOGC_FRAC)
        assert lc == mpf(m) * mpf(2) ** -LOGC_FRAC
        invc.append(ic)
        logc.append(lc)
        for z in (z_lo, z_hi):
            max_r = max(max_r, abs(z * mpf(ic) - 1))
    # q(r) = (log1p(r) - r) / r^2 = sum of (-1)**(j+1) r**(j-2) / j, j = 2..8,
    # with the r**6 term economized (Chebyshev, on |r| <= h): r**6 is
    # replaced by h**6 (48 x**4 - 18 x**2 + 1) / 32, x = r/h, which differs
    # from it by h**6 T6(x) / 32, so q moves by at most h**6 / 256.
    h = max_r
    c = [mpf((-1) ** (j + 1)) / j for j in range(2, 9)]
    c8 = c.pop()
    c[0] += c8 * h**6 / 32
    c[2] -= c8 * 18 * h**4 / 32
    c[4] += c8 * 48 * h**2 / 32
    log_q = [float(v) for v in c]
    ln2 = mpmath.log(2)
    ln2_hi = truncate(ln2, 42)
    ln2_lo = float(ln2 - mpf(ln2_hi))
    c = ln2 / EXP_N
    c_hi = truncate(c, 35)
    c_lo = float(c - mpf(c_hi))
    t_hi, t_lo = [], []
    for j in range(EXP_N):
        hi, lo = split(mpf(2) ** (mpf(j) / EXP_N))
        q = int(mpmath.nint(mpf(lo) * mpf(2) ** 63))
        assert 1.0 <= hi < 2.0 and abs(q) <= 1024
        t_hi.append(hi)
        t_lo.append(q)
    print("//! Tables of the vectorised `exp` and `log` (`super::transcendental`).")
    print("//! Generated by `bench/tools/gen_transcendental_tables.py` with mpmath at")
    print("//! 200 bits; do not edit by hand.")
    print()
    print("/// log: index bits taken from the mantissa of `x - OFF`.")
    print("pub const LOG_TABLE_BITS: u32 = %d;" % LOG_BITS)
    print("/// log: bit pattern of the start of the reduced range [OFF, 2*OFF).")
    print("pub const LOG_OFF: u64 = 0x%016x;" % OFF)
    print("/// log: largest |z * invc - 1| over all intervals: %s." % mpmath.nstr(max_r, 6))
    print("pub const LOG_MAX_R: f64 = %r;" % float(max_r))
    print("/// log: (log1p(r) - r) / r^2 to within 2**-56 for |r| <= LOG_MAX_R, lowest degree first.")
    print("pub const LOG_Q: [f64; %d] = [" % len(log_q))
    for v in log_q:
        print("    %s," % hexf(v))
    print("];")
    print("/// ln 2 with 42 significant bits (k * LN2_HI is exact for |k| < 2**11).")
    print("pub const LN2_HI: f64 = %s;" % hexf(ln2_hi))
    print("pub const LN2_LO: f64 = %s;" % hexf(ln2_lo))
    print("/// exp: N = 2**%d table entries per octave." % EXP_BITS)
    print("pub const EXP_TABLE_BITS: u32 = %d;" % EXP_BITS)
    print("/// exp: N / ln 2.")
    print("pub const EXP_INV_C: f64 = %s;" % hexf(float(EXP_N / ln2)))
    print("/// exp: ln 2 / N with 35 significant bits (k * C_HI is exact for |k| < 2**18).")
    print("pub const EXP_C_HI: f64 = %s;" % hexf(c_hi))
    print("pub const EXP_C_LO: f64 = %s;" % hexf(c_lo))
    print()
    print(table("LOG_INVC", invc, "log: a double near 1/c (r = z*invc - 1 is formed exactly)."))
    print()
    print(
        table(
            "LOG_LOGC",
            logc,
            "log: -log(invc) to within 2**-%d, a multiple of 2**-%d (so k*LN2_HI + logc is exact)."
            % (LOGC_ERR, LOGC_FRAC),
        )
    )
    print()
    packed = [
        ((bits(h) & ((1 << 52) - 1)) | ((q + 2048) << 52), "%r %+d" % (h, q)) for h, q in zip(t_hi, t_lo)
    ]
    print(
        table_u64(
            "EXP_T",
            packed,
            "exp: 2**(j/N) = 1.m + q * 2**-63: the mantissa bits m of the double nearest, and q + 2048\n"
            "/// (|q| <= 1024) in the top 12 bits.",
        )
    )


if __name__ == "__main__":
    main()
