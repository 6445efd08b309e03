#!/usr/bin/env python3
"""Offline checks of npr's vectorised exp/log (src/ops/transcendental.rs).

    # recorded cases for the unit test (a few thousand, mpmath at 200 bits)
    python3 bench/tools/check_transcendental.py cases > src/ops/testdata/transcendental_cases.txt

    # check a dump written by the ignored test `dump_random_inputs`:
    NPR_TRANSCENDENTAL_DUMP=/tmp/tr.bin NPR_DUMP_N=10000000 \
        cargo test --release --lib dump_random_inputs -- --ignored
    python3 bench/tools/check_transcendental.py check /tmp/tr.bin.log /tmp/tr.bin.exp

The dump holds, per input, four little-endian u64: x, npr's result, glibc's
result, and 1 if the element is special (computed by glibc). `check` measures
the error of npr and glibc in ulps of the exact value (mpmath, 120 bits) and
fails if any npr result is 1 ulp or more away.
"""
import math
import random
import struct
import sys

import mpmath
from mpmath import mp, mpf


def bits(x):
    return struct.unpack("<Q", struct.pack("<d", x))[0]


def from_bits(b):
    return struct.unpack("<d", struct.pack("<Q", b))[0]


def cr(fn, x):
    """Correctly rounded fn(x) as a double (normal range only)."""
    return float(fn(mpf(x)))


def cases():
    mp.prec = 200
    rng = random.Random(20260521)
    xs = []
    for _ in range(1500):  # log: positive doubles over the whole exponent range
        xs.append(("log", from_bits(rng.randrange(0x0010000000000000, 0x7FF0000000000000))))
    for _ in range(500):  # log near 1 (the invc = 1 intervals and their neighbours)
        xs.append(("log", 1.0 + rng.uniform(-0.02, 0.02)))
    for _ in range(200):
        xs.append(("log", 1.0 + rng.uniform(-1e-9, 1e-9)))
    for _ in range(1500):  # exp over the normal-result range
        xs.append(("exp", rng.uniform(-707.9, 707.9)))
    for _ in range(500):
        xs.append(("exp", rng.uniform(-1.0, 1.0)))
    for _ in range(200):
        xs.append(("exp", rng.uniform(-1e-6, 1e-6)))
    print("# kind x correctly-rounded-result, as hex bit patterns (mpmath, 200 bits)")
    for kind, x in xs:
        y = cr(mpmath.log if kind == "log" else mpmath.exp, x)
        print("%s %016x %016x" % (kind, bits(x), bits(y)))


def ulp_error(y, exact):
    """|y - exact| in units of the last place of exact (as a double)."""
    if exact == 0:
        return mpf(0) if y == 0 else mpf("inf")
    _, e = mpmath.frexp(exact)  # exact = m * 2**e, 0.5 <= |m| < 1
    e = max(e, -1021)  # subnormal results: the ulp is fixed
    return abs(mpf(y) - exact) / mpf(2) ** (e - 53)


def check(path, kind):
    mp.prec = 120
    fn = mpmath.log if kind == "log" else mpmath.exp
    data = open(path, "rb").read()
    n = len(data) // 32
    npr_wrong = glibc_wrong = differ = special_n = 0
    max_npr = max_glibc = mpf(0)
    worst = None
    for i in range(n):
        x, y, g, special = struct.unpack_from("<4Q", data, 32 * i)
        xf, yf, gf = from_bits(x), from_bits(y), from_bits(g)
        special_n += special
        if special or not math.isfinite(yf):
            if y != g:
                print("SPECIAL DIFFERS FROM GLIBC", kind, repr(xf), hex(y), hex(g))
                npr_wrong += 1
            continue
        exact = fn(mpf(xf))
        want = bits(float(exact))
        e_npr, e_g = ulp_error(yf, exact), ulp_error(gf, exact)
        if e_npr > max_npr:
            max_npr, worst = e_npr, xf
        max_glibc = max(max_glibc, e_g)
        npr_wrong += y != want
        glibc_wrong += g != want
        differ += y != g
    print(
        f"{kind}: {n} inputs ({special_n} special); largest error npr {float(max_npr):.4f} ulp (x = {worst!r}), "
        f"glibc {float(max_glibc):.4f} ulp; not correctly rounded: npr {npr_wrong} "
        f"({100.0 * npr_wrong / max(n, 1):.3f}%), glibc {glibc_wrong}; npr != glibc: {differ}"
    )
    return max_npr < 1


if __name__ == "__main__":
    if sys.argv[1] == "cases":
        cases()
    elif sys.argv[1] == "check":
        ok = True
        for p in sys.argv[2:]:
            ok &= check(p, "log" if p.endswith(".log") else "exp")
        sys.exit(0 if ok else 1)
