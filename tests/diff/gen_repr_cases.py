#!/usr/bin/env python3
"""Generate differential test cases for npr's array printing engine.

Runs real NumPy (2.4.6) and records, for random arrays and print options, the
exact `repr()` and `str()` text, plus NumPy scalar reprs, Python float reprs
and Python `format(x, spec)` results.  Output: tests/data/repr_cases.txt.

File format: one case per line, fields separated by TAB; text fields escape
backslash, newline, tab and carriage return as \\\\, \\n, \\t, \\r.

    O <prec>|<threshold>|<edgeitems>|<linewidth>|<suppress 0/1>|<floatmode>|<sign>|<nanstr>|<infstr>|<legacy>
        sets the print options for the following A and X lines
        (legacy is off, 1.13, 1.21, 1.25, 2.1 or 2.2; sign is '-', '+' or ' ')
    A <dtype b/i/f> <shape, comma separated> <full|edges> <values> <repr> <str>
        values: space separated, in C order; floats as 16 hex digits of the
        IEEE bit pattern, ints in decimal, bools 0/1.  `edges`: only the
        values at the displayed (edge) indices of a summarised array, in C
        order; every other element is irrelevant to the output.
    X <dtype b/i/f> <value> <repr(np scalar)> <str(np scalar)>
    P <float bits> <repr(float)>
    F <kind f/i/s> <value> <spec> <=result | !error message>
        (ValueError text, or OverflowError text for code c; for kind s the
        value is an escaped string; ints are decimal)

Usage (from the crate root, where the default output path is relative to):
    python3 tests/diff/gen_repr_cases.py [output path] [--seed N] [--arrays N] [--formats N]
The committed tests/data/repr_cases.txt uses the defaults. Other seeds and
sizes make soak sets: run them with
    NPR_REPR_CASES=<path> cargo test --release display::repr::diff_tests
"""
import argparse
import math
import random
import struct

import numpy as np

SEED = 20240611
R = random.Random(SEED)
RNG = np.random.default_rng(SEED)


def reseed(seed):
    global R, RNG
    R = random.Random(seed)
    RNG = np.random.default_rng(seed)

SPECIALS = [
    0.0, -0.0, 1.0, -1.0, 0.5, 1.5, 2.5, -2.5, 0.1, 0.2, 0.3, 1 / 3, 2 / 3,
    math.nan, math.inf, -math.inf, 5e-324, -5e-324, 1e-323, 2.2250738585072014e-308,
    2.2250738585072009e-308, 1.7976931348623157e308, -1.7976931348623157e308,
    1e8, 99999999.0, 99999999.5, 1e-4, 9.9e-5, 0.00010000000000000002, 1000.0,
    1000.1, 1001.0, 0.001953125, 0.005859375, 1e16, 9999999999999998.0, 1e-5,
    1e22, 1e23, 1e-300, 1e300, 123456789.0, 0.123456785, 1.000000005,
    123456.123456789, 4e-9, 6e-9, 5e-9, 1e-10, 12345.678, math.pi, math.e,
    0.30000000000000004, 2 ** 53, 2 ** 53 + 2.0, 9.5, 0.05, 0.15, 0.25, 0.35,
    0.45, 1e15, 1e17, 1.5e-10,
]

ESC = str.maketrans({"\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r"})


def esc(s):
    return s.translate(ESC)


def fbits(x):
    return "%016x" % struct.unpack("<Q", struct.pack("<d", float(x)))[0]


# ---------------------------------------------------------------- options

DEFAULTS = dict(precision=8, threshold=1000, edgeitems=3, linewidth=75,
                suppress=False, floatmode="maxprec", sign="-", nanstr="nan",
                infstr="inf", legacy=False)


def random_options():
    o = dict(DEFAULTS)
    if R.random() < 0.35:
        return o
    for _ in range(R.randint(1, 4)):
        key = R.choice(["precision", "precision", "threshold", "edgeitems",
                        "linewidth", "linewidth", "suppress", "floatmode",
                        "floatmode", "sign", "nan", "legacy", "legacy"])
        if key == "precision":
            o["precision"] = R.randint(0, 10) if R.random() < 0.85 else R.randint(11, 40)
        elif key == "threshold":
            o["threshold"] = R.choice([5, 5, 1000, 20, 0, 100])
        elif key == "edgeitems":
            o["edgeitems"] = R.choice([1, 1, 3, 2, 0])
        elif key == "linewidth":
            o["linewidth"] = R.choice([40, 40, 75, 120, 120, 120, 20, 10, 1])
        elif key == "suppress":
            o["suppress"] = True
        elif key == "floatmode":
            o["floatmode"] = R.choice(["fixed", "unique", "maxprec_equal", "maxprec"])
        elif key == "sign":
            o["sign"] = R.choice(["+", " "])
        elif key == "nan":
            o["nanstr"], o["infstr"] = R.choice([("NaN", "Inf"), ("N/A", "\u221e"), ("nan", "Infinity")])
        elif key == "legacy":
            o["legacy"] = R.choice(["1.13", "1.21", "1.25", "2.1", "2.2"])
    return o


def options_line(eff):
    legacy = eff["legacy"] if eff["legacy"] else "off"
    fields = [eff["precision"], eff["threshold"], eff["edgeitems"], eff["linewidth"],
              int(eff["suppress"]), eff["floatmode"], eff["sign"], eff["nanstr"],
              eff["infstr"], legacy]
    return "O\t" + "|".join(str(f) for f in fields)


# ---------------------------------------------------------------- values

def random_floats(n):
    kind = R.choice(["normal", "normal", "ints", "round", "mixed", "special",
                     "bits", "uniform", "ties", "sprinkle", "sprinkle", "small",
                     "big", "const", "halfway"])
    if kind == "normal":
        return RNG.standard_normal(n) * 10.0 ** R.randint(-12, 12)
    if kind == "ints":
        scale = R.choice([1, 0.5, 0.25, 10, 1e6, 1e-3, 0.1])
        return RNG.integers(-1000, 1000, n).astype(float) * scale
    if kind == "round":
        base = [0.1, 0.2, 0.25, 1 / 3, 0.5, 1.0, 2.0, 10.0, 100.0, 1e3, 1e4, 0.01, 0.001]
        return np.array([R.choice(base) * R.choice([1, -1, 2, 3, 7]) for _ in range(n)])
    if kind == "mixed":
        return np.array([R.choice([1, -1]) * 10 ** R.uniform(-30, 30) for _ in range(n)])
    if kind == "special":
        return np.array([R.choice(SPECIALS) for _ in range(n)])
    if kind == "bits":
        out = []
        for _ in range(n):
            b = R.getrandbits(64)
            out.append(struct.unpack("<d", struct.pack("<Q", b))[0])
        return np.array(out)
    if kind == "uniform":
        return RNG.random(n) * R.choice([1, 10, 1000, 1e-3])
    if kind == "ties":
        m = R.randint(1, 12)
        return np.array([R.randint(-5000, 5000) / 2 ** m for _ in range(n)])
    if kind == "small":
        return RNG.standard_normal(n) * 10.0 ** R.randint(-320, -290)
    if kind == "big":
        return RNG.standard_normal(n) * 10.0 ** R.randint(100, 307)
    if kind == "const":
        return np.full(n, R.choice(SPECIALS))
    if kind == "halfway":
        # 17-digit values whose exact binary value is a decimal tie
        scale = 2.0 ** R.randint(-60, 20)
        return np.array([(R.randint(2 ** 40, 2 ** 53) + R.choice([0.25, 0.75, 0.5])) * scale
                         for _ in range(n)])
    # sprinkle: a normal base with a few specials
    a = RNG.standard_normal(n) * 10.0 ** R.randint(-3, 4)
    for _ in range(R.randint(1, 3)):
        a[R.randrange(n)] = R.choice(SPECIALS)
    return a


def random_ints(n):
    kind = R.choice(["small", "small", "wide", "huge", "neg", "mixed", "const"])
    if kind == "small":
        return RNG.integers(0, 20, n)
    if kind == "wide":
        hi = 10 ** R.randint(1, 18)
        return RNG.integers(-hi, hi, n)
    if kind == "huge":
        return RNG.integers(-2 ** 63, 2 ** 63 - 1, n, endpoint=True)
    if kind == "neg":
        return -RNG.integers(0, 10 ** R.randint(1, 6), n)
    if kind == "const":
        return np.full(n, R.choice([0, -1, 7, 2 ** 63 - 1, -2 ** 63]), dtype=np.int64)
    a = RNG.integers(-100, 100, n)
    for _ in range(R.randint(1, 2)):
        a[R.randrange(n)] = R.choice([2 ** 63 - 1, -2 ** 63, 0, -7])
    return a


def random_values(dtype, n):
    if n == 0:
        return np.zeros(0, dtype={"f": np.float64, "i": np.int64, "b": bool}[dtype])
    if dtype == "f":
        return np.asarray(random_floats(n), dtype=np.float64)
    if dtype == "i":
        return np.asarray(random_ints(n), dtype=np.int64)
    return RNG.random(n) < R.choice([0.5, 0.1, 0.9, 1.0, 0.0])


def random_shape(edgeitems):
    r = R.random()
    if r >= 0.94 and edgeitems == 0:
        # with edgeitems=0 NumPy samples every element; keep these small
        return R.choice([(30,), (5, 8), (3, 4, 5)])
    if r < 0.08:
        return ()
    if r < 0.42:
        return (R.randint(1, 16),)
    if r < 0.64:
        return (R.randint(1, 5), R.randint(1, 8))
    if r < 0.74:
        return (R.randint(1, 4), R.randint(1, 4), R.randint(1, 6))
    if r < 0.79:
        return tuple(R.randint(1, 3) for _ in range(4))
    if r < 0.85:
        return R.choice([(0,), (0, 3), (2, 0), (2, 0, 3), (3, 0), (0, 0), (1, 0, 2, 2)])
    if r < 0.94:
        return R.choice([(R.randint(17, 45),), (R.randint(1, 3), R.randint(9, 20))])
    if R.random() < 0.04:
        return R.choice([(11, 11, 11), (2, 7, 11, 13), (2, 3, 4, 50)])
    return R.choice([(1001,), (2000,), (40, 30), (3, 400), (2, 3, 200), (4, 251),
                     (1000, 2), (35, 35), (1000, 1000)])


# ---------------------------------------------------------------- arrays

def edge_indices(n, e):
    if n > 2 * e:
        return list(range(e)) + list(range(n - e, n))
    return list(range(n))


def encode_values(a, dtype, eff):
    size = a.size
    summarized = size > eff["threshold"]
    if summarized and eff["edgeitems"] > 0 and size > 60:
        sel = [edge_indices(n, eff["edgeitems"]) for n in a.shape]
        vals = a[np.ix_(*sel)].ravel() if a.ndim else a.ravel()
        mode = "edges"
    else:
        vals = a.ravel()
        mode = "full"
    if dtype == "f":
        text = " ".join(fbits(v) for v in vals)
    elif dtype == "i":
        text = " ".join(str(int(v)) for v in vals)
    else:
        text = "".join("1" if v else "0" for v in vals)
    return mode, text


def array_case(eff):
    dtype = R.choice(["f", "f", "f", "i", "b"])
    shape = random_shape(eff["edgeitems"])
    n = int(np.prod(shape)) if shape else 1
    a = random_values(dtype, n).reshape(shape)
    try:
        r, s = repr(a), str(a)
    except TypeError:
        # NumPy itself fails for floatmode='unique' with legacy='1.13'
        # on scientific notation; nothing to compare against.
        return None
    mode, values = encode_values(a, dtype, eff)
    shape_text = ",".join(str(n) for n in shape)
    return "\t".join(["A", dtype, shape_text, mode, values, esc(r), esc(s)])


def scalar_case():
    dtype = R.choice(["f", "f", "i", "b"])
    if dtype == "f":
        x = np.float64(random_floats(1)[0])
        value = fbits(x)
    elif dtype == "i":
        x = np.int64(random_ints(1)[0])
        value = str(int(x))
    else:
        x = np.bool_(R.random() < 0.5)
        value = "1" if x else "0"
    return "\t".join(["X", dtype, value, esc(repr(x)), esc(str(x))])


def py_repr_case():
    x = float(random_floats(1)[0])
    return "\t".join(["P", fbits(x), repr(x)])


# ---------------------------------------------------------------- format specs

FILLS = ["", "", "", "*", "0", "x", "\u00e9", " ", "<", "="]


def random_spec(kind):
    parts = []
    if R.random() < 0.35:
        align = R.choice("<>=^")
        parts.append(R.choice(FILLS) + align)
    if R.random() < 0.3:
        parts.append(R.choice("+- "))
    if R.random() < 0.08:
        parts.append("z")
    if R.random() < 0.15:
        parts.append("#")
    if R.random() < 0.2:
        parts.append("0")
    if R.random() < 0.5:
        parts.append(str(R.randint(0, 25)))
    if R.random() < 0.2:
        parts.append(R.choice([",", "_"]))
    if R.random() < 0.5:
        parts.append("." + str(R.randint(0, 20)))
    if R.random() < 0.8:
        if kind == "f":
            parts.append(R.choice("eEfFgGn%") if R.random() < 0.95 else R.choice("dxsc"))
        elif kind == "i":
            parts.append(R.choice("bcdoxXneEfFgG%") if R.random() < 0.95 else R.choice("s?"))
        else:
            parts.append("s" if R.random() < 0.9 else R.choice("dfr"))
    return "".join(parts)


FIXED_SPECS = [
    "", ".3f", ">8.2e", ",", ".1%", "g", "05d", ">10", "010", "<010", "=10", "+010",
    "z.1f", "010.2%", "#x", "#010b", "c", "_", ",.2f", "n", ".3n", "e", ".0e", "#.0f",
    "#g", ".3", ".0", "#.3", "10", "d", ".f", "abc", ",x", ",b", "_x", ",n", "_n", ",c",
    "+c", "#c", "z", "zd", ".2", ".2d", "=c", "+", "#", "=", "_", ".1", "05", "s", ",_",
    "_,", ",,", "__", "99999999999999999999", ".99999999999999999999", "x<", "<<10",
    "^^", "\u00e9^9", " ", " 10", "#o", "#X", "#_x", "_b", "%", ".2%", "F", "E", "G",
    "z.3", "z.2e", "=^10", "^4", "^5", "10,", "-", "--", "#_o", "0=12,", "*^+12,.3f",
    "08,", "09,", "012_x", ",.0f", "#.0e", "+.3g", " .2e", ".17g", ".16g", ".12g",
    ".1g", "#.1g", ".15", ".20e", ".30f", ">+#012_X", "08.3f", "-08.3f", "=+08.3",
]

FMT_FLOATS = [1.5, -1.5, -0.0, 1234.5, 1e16, 1e-5, math.nan, -math.inf,
              1234567.891, 0.125, 2.5, 1e100, 5e-324, 123456789.0, -0.0004,
              9.999999, 99.95, 1e22]
FMT_INTS = [0, 5, -5, 255, -255, 1234, -1234567, 65, 0x110000, -1, 2 ** 63 - 1,
            -2 ** 63, 10 ** 20, 123456789]
FMT_STRS = ["", "ab", "hello world", "\u00e9t\u00e9", "x"]


def run_format(value, spec):
    try:
        return "=" + format(value, spec)
    except ValueError as e:
        return "!" + str(e)
    except OverflowError as e:
        return "!" + str(e)


def format_case(kind, value, spec):
    if kind == "f":
        vtext = fbits(value)
    elif kind == "i":
        vtext = str(value)
    else:
        vtext = esc(value)
    return "\t".join(["F", kind, vtext, esc(spec), esc(run_format(value, spec))])


def format_cases(n_random):
    out = []
    for spec in FIXED_SPECS:
        for v in FMT_FLOATS:
            out.append(format_case("f", v, spec))
        for v in FMT_INTS:
            out.append(format_case("i", v, spec))
        for v in FMT_STRS[:3]:
            out.append(format_case("s", v, spec))
    for _ in range(n_random):
        kind = R.choice(["f", "f", "i", "s"])
        spec = random_spec(kind)
        if kind == "f":
            v = float(random_floats(1)[0]) if R.random() < 0.7 else R.choice(FMT_FLOATS)
        elif kind == "i":
            v = int(random_ints(1)[0]) if R.random() < 0.7 else R.choice(FMT_INTS)
        else:
            v = R.choice(FMT_STRS)
        out.append(format_case(kind, v, spec))
    return out


# ---------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("path", nargs="?", default="tests/data/repr_cases.txt")
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--arrays", type=int, default=3000)
    ap.add_argument("--formats", type=int, default=2000)
    args = ap.parse_args()
    reseed(args.seed)
    assert np.__version__ == "2.4.6", np.__version__
    lines = ["# generated by gen_repr_cases.py with numpy %s, seed %d" % (np.__version__, args.seed)]
    n_arrays = 0
    while n_arrays < args.arrays:
        o = random_options()
        np.set_printoptions(**o)
        eff = np.get_printoptions()
        lines.append(options_line(eff))
        for _ in range(R.randint(3, 10)):
            case = array_case(eff)
            if case is not None:
                lines.append(case)
                n_arrays += 1
        for _ in range(R.randint(0, 3)):
            lines.append(scalar_case())
    np.set_printoptions(**DEFAULTS)
    for _ in range(2000):
        lines.append(py_repr_case())
    lines.extend(format_cases(args.formats))
    with open(args.path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
