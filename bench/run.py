#!/usr/bin/env python3
"""npr vs python3 + NumPy on the same scripts, on this machine.

    python3 bench/run.py                 # everything (builds npr --release first)
    python3 bench/run.py bce softmax     # benchmarks whose name contains a word
    python3 bench/run.py --runs 5 --no-build

Every benchmark is a plain Python script (`import numpy as np` at the top)
that runs unchanged under `npr run` and `python3`: setup, then a `for` loop
repeating the measured statement REPS times. Each script is written twice,
with REPS = N and REPS = 0, and whole processes are timed; the work per
repetition is (t(N) - t(0)) / N, so start-up and setup cancel out. Peak
memory is the child's max RSS, from a separate untimed run. --runs rounds
are made; a round times every configuration once, NumPy and npr back to
back, and each ratio is the median of the rounds' own ratios, so a slow
spell of the machine lands on both sides of a ratio. npr runs with
NPR_THREADS=1 and with its default (all cores), NumPy with
OPENBLAS_NUM_THREADS=1 and with its default; NumPy's elementwise code is
single-threaded either way. The scripts land in target/bench-scripts/ for inspection.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# name, setup, statement, repetitions, flops per repetition (for GFLOP/s)
BENCHMARKS = [
    ("startup", "", "", 0, 0),
    ("small_ops_20000_lines", None, None, 0, 0),  # generated, see small_ops_script
    ("add_1x8", "a = np.ones((1, 8))\nb = np.ones((1, 8))", "c = a + b", 1000000, 0),
    (
        "bce_1e6",
        "np.random.seed(0)\nY = (np.random.rand(1000000) > 0.5) * 1.0\nA = np.random.rand(1000000) * 0.98 + 0.01",
        "cost = -np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A)) / 1000000",
        100,
        0,
    ),
    (
        "bce_1e7",
        "np.random.seed(0)\nY = (np.random.rand(10000000) > 0.5) * 1.0\nA = np.random.rand(10000000) * 0.98 + 0.01",
        "cost = -np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A)) / 10000000",
        10,
        0,
    ),
    (
        "softmax_10000x1000",
        "np.random.seed(0)\nz = np.random.randn(10000, 1000)",
        "e = np.exp(z - z.max(axis=1, keepdims=True))\np = e / e.sum(axis=1, keepdims=True)",
        10,
        0,
    ),
    ("sum_1e7", "np.random.seed(0)\na = np.random.rand(10000000)", "s = np.sum(a)", 50, 0),
    ("exp_1e7", "np.random.seed(0)\na = np.random.rand(10000000)", "e = np.exp(a)", 20, 0),
    ("log_1e7", "np.random.seed(0)\na = np.random.rand(10000000)", "e = np.log(a)", 20, 0),
    (
        "add_1e7",
        "np.random.seed(0)\na = np.random.rand(10000000)\nb = np.random.rand(10000000)",
        "c = a + b",
        20,
        0,
    ),
] + [
    (
        f"matmul_{n}",
        f"np.random.seed(0)\na = np.random.rand({n}, {n})\nb = np.random.rand({n}, {n})",
        "c = a @ b",
        max(2, int(4e10 / (2 * n**3))) if n < 2048 else 4,
        2 * n**3,
    )
    for n in (256, 512, 1024, 2048)
]


def small_ops_script(lines=20000):
    """A 20,000-line script of small array operations (deterministic)."""
    # The same lines are timed one by one by `cargo bench --bench kernels -- statements`.
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "small_ops.txt")) as f:
        ops = [line for line in f.read().splitlines() if line.strip()]
    head = [
        "import numpy as np",
        "a = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])",
        "b = np.array([[0.5, 1.5], [2.5, 3.5], [4.5, 5.5]])",
    ]
    body = [ops[i % len(ops)] for i in range(lines - len(head))]
    return "\n".join(head + body) + "\n"


def script(setup, stmt, reps):
    text = "import numpy as np\n"
    if setup:
        text += setup + "\n"
    if stmt:
        text += f"for _ in range({reps}):\n"
        text += "".join("    " + line + "\n" for line in stmt.splitlines())
        text += "\n"
    return text


TIME = "/usr/bin/time" if os.path.exists("/usr/bin/time") else None


def run_once(cmd, env, with_rss):
    """Wall seconds, peak RSS bytes (0 unless `with_rss`), CPU seconds of one run.

    Timed runs are started with posix_spawn, output to /dev/null: the
    lightest start this process can give, so the start-up figure is npr's
    and not the runner's (subprocess.Popen with a pipe for errors added
    about 0.3 ms to every run, a fifth of npr's whole start-up). A failed
    run is repeated with its errors captured, to report them. Peak RSS needs
    /usr/bin/time (a child forked from this Python process would otherwise
    report Python's own RSS: ru_maxrss counts the pre-exec image), and its
    extra fork and exec (about a millisecond) would inflate the start-up
    figure, so RSS is taken from a separate, untimed run."""
    if with_rss:
        p = subprocess.run([TIME, "-f", "%M"] + cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
        err = p.stderr.decode(errors="replace")
        if p.returncode != 0:
            sys.exit(f"{' '.join(cmd)} failed ({p.returncode}):\n{err[-2000:]}")
        return 0.0, int(err.strip().splitlines()[-1]) * 1024, 0.0
    quiet = [(os.POSIX_SPAWN_OPEN, fd, os.devnull, os.O_WRONLY, 0) for fd in (1, 2)]
    t0 = time.perf_counter()
    pid = os.posix_spawnp(cmd[0], cmd, env, file_actions=quiet)
    _, status, ru = os.wait4(pid, 0)
    t1 = time.perf_counter()
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
        sys.exit(f"{' '.join(cmd)} failed ({code}):\n{p.stderr.decode(errors='replace')[-2000:]}")
    return t1 - t0, 0, ru.ru_utime + ru.ru_stime


def measure_rounds(jobs, runs):
    """Time every configuration once per round, in turn, for `runs` rounds.

    `jobs` maps a configuration to (cmd, env, reps, cmd0): the measured
    script and, unless it is None, the REPS = 0 script whose time is taken
    off. Returns {configuration: [(wall s, CPU s) per repetition, one per
    round]} and {configuration: peak RSS bytes}. Interleaving puts NumPy's
    and npr's runs of a round within seconds of each other, so a slow spell
    of this shared VM lands on both instead of on whichever ran then."""
    per = {k: [] for k in jobs}
    for _ in range(runs):
        for k, (cmd, env, reps, cmd0) in jobs.items():
            t, _, c = run_once(cmd, env, False)
            if cmd0 is not None:
                t0, _, c0 = run_once(cmd0, env, False)
                t, c = max(t - t0, 1e-9), max(c - c0, 1e-9)
            per[k].append((t / reps, c / reps))
    rss = {k: run_once(cmd, env, True)[1] if TIME else 0 for k, (cmd, env, _, _) in jobs.items()}
    return per, rss


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("filter", nargs="*")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--no-build", action="store_true")
    ap.add_argument("--npr", help="npr binary (default: the release build)")
    ap.add_argument("--python", default=sys.executable)
    args = ap.parse_args()

    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    npr = args.npr or os.path.join(target, "release", "npr")
    global OUT
    OUT = os.path.join(target, "bench-scripts")
    if not args.no_build and not args.npr:
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    if not os.path.exists(npr):
        sys.exit(f"no npr binary at {npr}")
    os.makedirs(OUT, exist_ok=True)

    base = dict(os.environ)
    base.pop("NPR_THREADS", None)
    # Each round runs these in this order, so each ratio's two runs are neighbours.
    envs = {
        "np1": dict(base, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1"),
        "npr1": dict(base, NPR_THREADS="1"),
        "np": dict(base),
        "npr": dict(base),
    }
    cmds = {"np1": [args.python], "np": [args.python], "npr1": [npr, "run"], "npr": [npr, "run"]}

    print(f"# {time.strftime('%Y-%m-%d %H:%M')}, load average {os.getloadavg()[0]:.2f}, {os.cpu_count()} CPUs, median of {args.runs} rounds")
    print("# ms per repetition (whole process for startup; per line for the script), median over the rounds;")
    print("# ratio = NumPy time / npr time, the median of the rounds' own ratios (a round runs NumPy and npr back to back);")
    print("# cpu = the same ratio on CPU time (user + sys) of the single-threaded runs, steadier on a busy machine")
    header = (
        f"{'benchmark':<24}{'NumPy 1T':>10}{'npr 1T':>10}{'ratio':>7}{'cpu':>7}"
        f"{'NumPy':>10}{'npr 2T':>10}{'ratio':>7}{'NumPy MiB':>11}{'npr MiB':>9}{'load':>6}"
    )
    print(header)
    for name, setup, stmt, reps, flops in BENCHMARKS:
        if args.filter and not any(f in name for f in args.filter):
            continue
        if name.startswith("small_ops"):
            path = os.path.join(OUT, f"{name}.py")
            with open(path, "w") as f:
                f.write(small_ops_script())
            path0 = os.path.join(OUT, "startup_0.py")
            with open(path0, "w") as f:
                f.write(script("", "", 0))
            jobs = {k: (cmds[k] + [path], envs[k], 20000, cmds[k] + [path0]) for k in envs}
        elif not stmt:
            path = os.path.join(OUT, f"{name}_0.py")
            with open(path, "w") as f:
                f.write(script(setup, "", 0))
            jobs = {k: (cmds[k] + [path], envs[k], 1, None) for k in envs}
        else:
            paths = {}
            for r in (reps, 0):
                paths[r] = os.path.join(OUT, f"{name}_{r}.py")
                with open(paths[r], "w") as f:
                    f.write(script(setup, stmt, r))
            jobs = {k: (cmds[k] + [paths[reps]], envs[k], reps, cmds[k] + [paths[0]]) for k in envs}
        per, rss = measure_rounds(jobs, args.runs)

        def ratio(np_k, npr_k, i):
            # Median of the rounds' own ratios: each compares runs made back to back.
            return statistics.median(a[i] / b[i] for a, b in zip(per[np_k], per[npr_k]))

        ms = {k: statistics.median(t for t, _ in v) * 1e3 for k, v in per.items()}
        mib = {k: v / 2**20 for k, v in rss.items()}
        line = (
            f"{name:<24}{ms['np1']:>10.4g}{ms['npr1']:>10.4g}{ratio('np1', 'npr1', 0):>7.2f}{ratio('np1', 'npr1', 1):>7.2f}"
            f"{ms['np']:>10.4g}{ms['npr']:>10.4g}{ratio('np', 'npr', 0):>7.2f}"
            f"{max(mib['np1'], mib['np']):>11.1f}{max(mib['npr1'], mib['npr']):>9.1f}{os.getloadavg()[0]:>6.1f}"
        )
        if flops:
            line += f"   GFLOP/s NumPy {flops / ms['np'] / 1e6:.1f}, npr {flops / ms['npr'] / 1e6:.1f}"
        print(line, flush=True)


if __name__ == "__main__":
    main()
