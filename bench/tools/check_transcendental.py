#!/usr/bin/env python3
"""Offline checks of npr's vectorised exp/log (src/ops/transcendental.rs).

    # recorded cases for the unit test (a few thousand, mpmath at 200 bits)
    python3 bench/tools/check_transcendental.py cases > src/ops/testdata/transcendental_cases.txt

    # check a dump written by the ignored test `dump_random_inputs`:
    NPR_TRANSCENDENTAL_DUMP=/tmp/tr.bin NPR_DUMP_N=10000000 \
        cargo test --release --lib dump_random_inputs -- --ignored
    python3 bench/tools/check_transcendental.py check /tmp/tr.bin.log /tmp/tr.bin.exp

The dump holds, per input, seven little-endian u64: x, npr's result, glibc's
result, 1 if the element took the fallback, and the unrounded hi, lo (and for
exp the reduction's k: hi + lo approximates exp(x) / 2**(k >> 7)). `check` compares npr and glibc
with the correctly rounded value (mpmath, 120 bits; exact ties cannot occur).
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


def check(path, kind):
    mp.prec = 120
    fn = mpmath.log if kind == "log" else mpmath.exp
    data = open(path, "rb").read()
    n = len(data) // 56
    npr_wrong = glibc_wrong = differ = fallback = 0
    fast_wrong = 0
    max_err = mpf(0)
    for i in range(n):
        x, y, g, fb, hi, lo, k = struct.unpack_from("<7Q", data, 56 * i)
        xf = from_bits(x)
        exact = fn(mpf(xf))
        want = bits(float(exact))
        special = not (0x0010000000000000 <= x < 0x7FF0000000000000) if kind == "log" else not abs(xf) < 708
        if not special:
            if kind == "exp":
                k = k - (1 << 64) if k >= 1 << 63 else k
                exact = exact / mpf(2) ** (k >> 7)
            err = abs((mpf(from_bits(hi)) + mpf(from_bits(lo))) - exact) / abs(exact) if exact != 0 else mpf(0)
            max_err = max(max_err, err)
        fallback += fb
        if y != want:
            npr_wrong += 1
            if not fb:
                fast_wrong += 1
                print("CERTIFIED BUT WRONG", kind, repr(xf), hex(y), hex(want))
        if g != want:
            glibc_wrong += 1
        if y != g:
            differ += 1
    print(
        f"{kind}: {n} inputs; npr not correctly rounded: {npr_wrong} ({fast_wrong} on the fast path); "
        f"glibc not correctly rounded: {glibc_wrong}; npr != glibc: {differ}; fallbacks: {fallback} "
        f"({100.0 * fallback / max(n, 1):.4f}%); max relative error of hi + lo: 2^{float(mpmath.log(max_err, 2)) if max_err else float('-inf'):.2f}"
    )
    return fast_wrong == 0


if __name__ == "__main__":
    if sys.argv[1] == "cases":
        cases()
    elif sys.argv[1] == "check":
        ok = True
        for p in sys.argv[2:]:
            ok &= check(p, "log" if p.endswith(".log") else "exp")
        sys.exit(0 if ok else 1)
