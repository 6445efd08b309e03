#!/usr/bin/env python3
"""Write the expected transcripts of the differential test suite.

Every corpus file ``tests/diff/corpus/<stem>.ipy`` is replayed through real
IPython with real NumPy, and the session is written to
``tests/diff/expected/<stem>.txt`` in the transcript format that the Rust test
replays through npr (described in ``tests/diff/README.md``).

Usage (from the repository root or anywhere else):

    python3 tests/diff/generate.py                 # regenerate every expected/*.txt
    python3 tests/diff/generate.py printing python # only these stems (or paths)
    python3 tests/diff/generate.py --check         # exit 1 if a committed transcript is stale
    python3 tests/diff/generate.py --verify-piped [stems]
        # also run each file through a real `ipython --simple-prompt` process fed on stdin,
        # convert that session to the transcript format and compare with ours
    python3 tests/diff/generate.py --cpu-check [stems]
        # regenerate with NumPy's AVX-512 code paths disabled and another OpenBLAS kernel,
        # and list the files whose output changed although they do not declare a float tolerance

Each corpus file runs in a fresh Python process (``--worker``), so every file
starts from a fresh namespace, default print options and an unseeded global
random state.  Cells are split exactly like IPython's ``--simple-prompt`` loop
splits piped input: a cell is read line by line until
``InteractiveShell.check_complete`` no longer answers ``incomplete`` (so an
indented block ends at a blank line).  The completeness check runs right
before each cell executes, as in the terminal; this matters because it resets
Python's warning registries, which makes warnings raised inside NumPy's own
Python code reappear in every cell.

Corpus lines that start with ``#!npr `` are directives, not cells: their
remaining text is appended to the transcript header (for example
``#!npr --float-tolerance 1e-12`` for files whose results depend on BLAS or on
SIMD transcendental functions).
"""

import concurrent.futures
import difflib
import io
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS_DIR = os.path.join(HERE, "corpus")
EXPECTED_DIR = os.path.join(HERE, "expected")
HEADER = "# npr: --display repr --no-hints"
DIRECTIVE = "#!npr "
SETUP_CODE = "import numpy as np"

# Environment of every worker: stable set/dict-of-str ordering, single-threaded
# BLAS, no user IPython profile, no colours.
WORKER_ENV = {
    "PYTHONHASHSEED": "0",
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "PYTHONUNBUFFERED": "1",
    "NO_COLOR": "1",
    "TERM": "dumb",
    "COLUMNS": "80",
    "LINES": "24",
}
# Extra environment of --cpu-check: AVX-512 paths off, a different OpenBLAS kernel.
CPU_CHECK_ENV = {
    "NPY_DISABLE_CPU_FEATURES": "X86_V4 AVX512_ICL AVX512_SPR",
    "OPENBLAS_CORETYPE": "Sandybridge",
}


class CorpusError(Exception):
    """A corpus file that cannot be turned into a well-defined transcript."""


# ---------------------------------------------------------------------------
# Corpus files
# ---------------------------------------------------------------------------

def read_corpus(path):
    """Return (header_flags, lines) of a corpus file; directives are removed."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    flags = []
    lines = []
    for line in text.split("\n"):
        if line.startswith(DIRECTIVE):
            flags.append(line[len(DIRECTIVE):].strip())
        else:
            lines.append(line)
    if lines and lines[-1] == "":
        lines.pop()  # the file's final newline
    return flags, lines


def header_line(flags):
    return " ".join([HEADER] + flags)


def continuation_prompt(n):
    """`   ...: ` right-aligned to the width of `In [n]: `."""
    width = len(f"In [{n}]: ")
    return "...: ".rjust(width)


def format_cell(n, source_lines, output):
    text = f"In [{n}]: {source_lines[0]}\n"
    for line in source_lines[1:]:
        text += continuation_prompt(n) + line + "\n"
    return text + output + "\n"


def split_cells(lines, check_complete):
    """Yield (raw_code, shown_lines) like IPython's simple-prompt loop reads stdin.

    `check_complete` is called lazily, right before the cell is returned, so a
    caller that executes each cell before asking for the next one sees the
    same interleaving of completeness checks and execution as the terminal.
    """
    i = 0
    while i < len(lines):
        if not lines[i].strip():
            i += 1
            continue
        cell = [lines[i]]
        i += 1
        while check_complete("\n".join(cell))[0] == "incomplete":
            if i >= len(lines):
                raise CorpusError(f"unterminated cell at end of file: {cell[0]!r}")
            cell.append(lines[i])
            i += 1
        shown = list(cell)
        while shown and not shown[-1].strip():
            shown.pop()
        if any(not line.strip() for line in shown):
            raise CorpusError(f"blank line inside a cell: {cell[0]!r}")
        yield "\n".join(cell), shown


# ---------------------------------------------------------------------------
# Worker: run one corpus file inside this process
# ---------------------------------------------------------------------------

class _Capture(io.TextIOBase):
    """A text stream collecting everything written to it, in order."""

    def __init__(self, parts):
        self.parts = parts

    def writable(self):
        return True

    def write(self, s):
        self.parts.append(s)
        return len(s)

    def flush(self):
        pass


def make_shell():
    from traitlets.config import Config
    from IPython.core.interactiveshell import InteractiveShell

    cfg = Config()
    cfg.HistoryManager.hist_file = ":memory:"
    cfg.InteractiveShell.colors = "NoColor"
    sh = InteractiveShell.instance(config=cfg)

    captured = {}

    def write_format_data(format_dict, md_dict=None):
        # What IPython would print after `Out[N]: `; the prompt itself is ours.
        captured["out"] = format_dict.get("text/plain")

    sh.displayhook.write_output_prompt = lambda: None
    sh.displayhook.write_format_data = write_format_data
    sh.displayhook.finish_displayhook = lambda: None

    def showtraceback(*args, **kwargs):
        # Exceptions of the cell come back in the ExecutionResult; anything else that
        # IPython reports this way (a __repr__ that raises) has no transcript form.
        captured["traceback"] = sys.exc_info()[1]

    sh.showtraceback = showtraceback
    sh.showsyntaxerror = lambda *args, **kwargs: None
    return sh, captured


def exception_line(exc):
    """The last line of IPython's traceback for `exc`."""
    name = type(exc).__name__
    if isinstance(exc, SyntaxError):
        # IPython's SyntaxTB prints `value.msg`, and the bare name when it is empty.
        msg = exc.msg
        return f"{name}: {msg}" if msg else name
    # VerboseTB: always "Name: " + str(value), even when str(value) is empty.
    return f"{name}: {exc}"


SUPPORTED_DTYPES = {"bool", "int64", "float64"}
# Only this corpus file may produce arrays or scalars of other dtypes.
UNSUPPORTED_STEM = "unsupported"


def foreign_dtypes(obj, depth=0):
    """dtype names outside npr's subset found in `obj` (arrays, scalars, containers)."""
    import numpy as np

    if isinstance(obj, (np.ndarray, np.generic)):
        return set() if obj.dtype.name in SUPPORTED_DTYPES else {obj.dtype.name}
    found = set()
    if depth < 3 and isinstance(obj, (list, tuple, dict)):
        for item in (obj.values() if isinstance(obj, dict) else obj):
            found |= foreign_dtypes(item, depth + 1)
    return found


def lint_cell(sh, code, result, text, before):
    """Reject cells whose outcome npr cannot (or should not) reproduce."""
    if re.search(r" at 0x[0-9a-fA-F]+", text):
        raise CorpusError(f"output shows a memory address: {code!r}")
    changed = [v for k, v in sh.user_ns.items()
               if not k.startswith("_") and before.get(k, _MISSING) is not v]
    bad = foreign_dtypes(result)
    for value in changed:
        bad |= foreign_dtypes(value)
    if bad:
        raise CorpusError(f"dtype {', '.join(sorted(bad))} outside bool/int64/float64: {code!r}")


_MISSING = object()


def run_file(path):
    import warnings

    flags, lines = read_corpus(path)
    lint = os.path.splitext(os.path.basename(path))[0] != UNSUPPORTED_STEM
    sh, captured = make_shell()
    sh.run_cell(SETUP_CODE, store_history=False)

    parts = []
    stream = _Capture(parts)

    def showwarning(message, category, filename, lineno, file=None, line=None):
        stream.write(f"{category.__name__}: {message}\n")

    out = [header_line(flags) + "\n"]
    problems = []
    n = 1
    for code, shown in split_cells(lines, sh.check_complete):
        if sh.execution_count != n:
            raise CorpusError(f"execution count {sh.execution_count} != {n}")
        if sh.transform_cell(code).rstrip("\n") != code.rstrip("\n"):
            raise CorpusError(f"IPython rewrites this cell (magic/shell/help syntax?): {code!r}")
        parts.clear()
        captured.clear()
        before = dict(sh.user_ns)
        saved = sys.stdout, sys.stderr, warnings.showwarning
        sys.stdout = sys.stderr = stream
        warnings.showwarning = showwarning
        try:
            res = sh.run_cell(code, store_history=True)
        finally:
            sys.stdout, sys.stderr, warnings.showwarning = saved
        text = "".join(parts)
        exc = res.error_before_exec or res.error_in_exec
        if exc is None and captured.get("traceback") is not None:
            raise CorpusError(f"IPython could not format the value ({exception_line(captured['traceback'])}): "
                              f"{code!r}")
        if exc is not None:
            text += exception_line(exc) + "\n"
        elif captured.get("out") is not None:
            value = captured["out"]
            text += f"Out[{n}]: " + ("\n" if "\n" in value else "") + value + "\n"
        if text and not text.endswith("\n"):
            raise CorpusError(f"cell output does not end with a newline: {code!r}")
        if lint:
            try:
                lint_cell(sh, code, res.result, text, before)
            except CorpusError as e:
                problems.append(f"cell {n}: {e}")
        out.append(format_cell(n, shown, text))
        n += 1
    if problems:
        raise CorpusError("\n".join(problems))
    return "".join(out)


def worker_main(path):
    try:
        transcript = run_file(path)
    except CorpusError as e:
        sys.stderr.write(f"{path}: {e}\n")
        return 2
    sys.stdout.buffer.write(transcript.encode("utf-8"))
    return 0


# ---------------------------------------------------------------------------
# Driver
# ---------------------------------------------------------------------------

def child_env(extra=None):
    env = dict(os.environ)
    env.update(WORKER_ENV)
    env["IPYTHONDIR"] = tempfile.mkdtemp(prefix="npr-diff-ipython-")
    env.pop("PYTHONSTARTUP", None)
    if extra:
        env.update(extra)
    return env


def generate_one(path, extra_env=None):
    env = child_env(extra_env)
    try:
        proc = subprocess.run(
            [sys.executable, os.path.abspath(__file__), "--worker", path],
            capture_output=True, env=env, cwd=HERE)
    finally:
        _rmtree(env["IPYTHONDIR"])
    if proc.returncode != 0:
        raise CorpusError(proc.stderr.decode("utf-8", "replace").strip())
    return proc.stdout.decode("utf-8")


def _rmtree(path):
    import shutil
    shutil.rmtree(path, ignore_errors=True)


def corpus_files(selection):
    if not selection:
        return sorted(os.path.join(CORPUS_DIR, f) for f in os.listdir(CORPUS_DIR)
                      if f.endswith(".ipy"))
    paths = []
    for item in selection:
        if os.path.exists(item):
            paths.append(os.path.abspath(item))
        else:
            stem = os.path.splitext(os.path.basename(item))[0]
            paths.append(os.path.join(CORPUS_DIR, stem + ".ipy"))
    return paths


def expected_path(path):
    stem = os.path.splitext(os.path.basename(path))[0]
    return os.path.join(EXPECTED_DIR, stem + ".txt")


def parallel_map(func, items):
    jobs = max(1, min(len(items), os.cpu_count() or 1))
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = [pool.submit(func, item) for item in items]
        results = []
        for item, fut in zip(items, futures):
            try:
                results.append((item, fut.result(), None))
            except CorpusError as e:
                results.append((item, None, str(e)))
        return results


def cell_count(transcript):
    return sum(1 for line in transcript.split("\n") if re.match(r"In \[\d+\]: ", line))


def cmd_generate(paths, check):
    stale = failed = 0
    total = 0
    os.makedirs(EXPECTED_DIR, exist_ok=True)
    for path, transcript, err in parallel_map(generate_one, paths):
        name = os.path.basename(path)
        if err is not None:
            print(f"FAILED {name}: {err}", file=sys.stderr)
            failed += 1
            continue
        total += cell_count(transcript)
        target = expected_path(path)
        old = None
        if os.path.exists(target):
            with open(target, encoding="utf-8") as f:
                old = f.read()
        if check:
            if old != transcript:
                stale += 1
                print(f"stale: {os.path.relpath(target)}")
                if old is not None:
                    sys.stdout.writelines(list(difflib.unified_diff(
                        old.splitlines(True), transcript.splitlines(True),
                        "committed", "regenerated", n=1))[:40])
        elif old != transcript:
            with open(target, "w", encoding="utf-8", newline="\n") as f:
                f.write(transcript)
            print(f"wrote {os.path.relpath(target)} ({cell_count(transcript)} cells)")
    print(f"{len(paths)} files, {total} cells, {failed} failed"
          + (f", {stale} stale" if check else ""))
    return 1 if failed or stale else 0


def cmd_cpu_check(paths):
    def both(path):
        return generate_one(path), generate_one(path, CPU_CHECK_ENV)

    bad = 0
    for path, pair, err in parallel_map(both, paths):
        if err is not None:
            print(f"FAILED {os.path.basename(path)}: {err}", file=sys.stderr)
            bad += 1
            continue
        a, b = pair
        if a == b:
            continue
        tolerant = "--float-tolerance" in a.split("\n", 1)[0]
        diff = [l for l in difflib.unified_diff(a.splitlines(), b.splitlines(), lineterm="", n=0)
                if l[:1] in "+-" and l[:3] not in ("+++", "---")]
        print(f"{os.path.basename(path)}: {len(diff) // 2} lines depend on the CPU"
              + ("" if tolerant else "  <-- no --float-tolerance declared"))
        for l in diff[:8]:
            print("    " + l)
        bad += 0 if tolerant else 1
    return 1 if bad else 0


# ---------------------------------------------------------------------------
# --verify-piped: the same file through a real terminal IPython on stdin
# ---------------------------------------------------------------------------

_PROMPT = re.compile(r"\nIn \[(\d+)\]: ")
_CONT = re.compile(r" *\.\.\.: ")
_WARNING = re.compile(r"^(?:<ipython-input-\d+-[0-9a-f]+>|/.*?\.py):\d+: (\w+): (.*)$")
_DASHES = "-" * 75
_TB_HEAD = re.compile(r"^(\w+) +Traceback \(most recent call last\)$")


def piped_transcript(path):
    """Run `path` through `ipython --simple-prompt` on stdin; return our transcript of it."""
    from IPython.core.inputtransformer2 import TransformerManager

    flags, lines = read_corpus(path)
    stdin = SETUP_CODE + "\n" + "\n".join(lines) + "\n"
    env = child_env()
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "IPython", "--simple-prompt", "--colors=NoColor",
             "--no-banner", "--HistoryManager.hist_file=:memory:"],
            input=stdin.encode("utf-8"), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            env=env, cwd=HERE)
    finally:
        _rmtree(env["IPYTHONDIR"])
    raw = proc.stdout.decode("utf-8")

    tm = TransformerManager()
    cells = list(split_cells(lines, tm.check_complete))
    pieces = _PROMPT.split(raw)
    # pieces: [before, n1, chunk1, n2, chunk2, ...]; the last chunk is the exit question.
    chunks = [(int(pieces[i]), pieces[i + 1]) for i in range(1, len(pieces), 2)]
    if not chunks or "Do you really want to exit" not in chunks[-1][1]:
        raise CorpusError("piped session did not end normally:\n" + raw[-2000:])
    chunks = chunks[1:-1]  # drop `import numpy as np` and the exit question
    if len(chunks) != len(cells):
        raise CorpusError(f"piped session has {len(chunks)} cells, the splitter {len(cells)}")
    out = [header_line(flags) + "\n"]
    for k, ((num, chunk), (code, shown)) in enumerate(zip(chunks, cells), start=1):
        if num != k + 1:
            raise CorpusError(f"piped session numbered cell {k} as {num}")
        m = re.match(r"(?: *\.\.\.: )*", chunk)
        prompts = chunk[:m.end()].count("...: ")
        if prompts != code.count("\n"):
            raise CorpusError(f"cell {k}: {prompts} continuation prompts for {code!r}")
        body = chunk[m.end():]
        out.append(format_cell(k, shown, _convert_piped_output(body, num, k)))
    return "".join(out)


def _convert_piped_output(body, num, k):
    """Turn the terminal's output of one cell into the transcript form."""
    if body.startswith("  Cell In["):  # SyntaxError: header, source, caret, message, blank
        lines = body.rstrip("\n").split("\n")
        return lines[-1] + "\n"
    lines = body.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    result = []
    i = 0
    while i < len(lines):
        line = lines[i]
        w = _WARNING.match(line)
        if w:
            result.append(f"{w.group(1)}: {w.group(2)}")
            i += 2 if i + 1 < len(lines) and lines[i + 1].startswith("  ") else 1
            continue
        if line == _DASHES and i + 1 < len(lines) and _TB_HEAD.match(lines[i + 1]):
            names = [_TB_HEAD.match(l).group(1) for l in lines[i + 1:] if _TB_HEAD.match(l)]
            name = names[-1]
            last = max(j for j in range(i, len(lines))
                       if lines[j] == name or lines[j].startswith(name + ": "))
            result.extend(lines[last:])
            break
        if line.startswith(f"Out[{num}]: "):
            result.append(f"Out[{k}]: " + line[len(f"Out[{num}]: "):])
            result.extend(lines[i + 1:])
            break
        result.append(line)
        i += 1
    return "".join(l + "\n" for l in result)


def cmd_verify_piped(paths):
    def both(path):
        return generate_one(path), piped_transcript(path)

    bad = 0
    for path, pair, err in parallel_map(both, paths):
        name = os.path.basename(path)
        if err is not None:
            print(f"FAILED {name}: {err}", file=sys.stderr)
            bad += 1
            continue
        ours, theirs = pair
        if ours == theirs:
            print(f"ok {name} ({cell_count(ours)} cells)")
            continue
        bad += 1
        print(f"DIFFERENT {name}")
        sys.stdout.writelines(list(difflib.unified_diff(
            ours.splitlines(True), theirs.splitlines(True), "generate.py", "piped ipython",
            n=2))[:80])
    return 1 if bad else 0


def main(argv):
    if argv[:1] == ["--worker"]:
        return worker_main(argv[1])
    mode = None
    if argv and argv[0] in ("--check", "--verify-piped", "--cpu-check"):
        mode, argv = argv[0], argv[1:]
    if any(a.startswith("-") for a in argv):
        print(__doc__)
        return 2
    paths = corpus_files(argv)
    missing = [p for p in paths if not os.path.exists(p)]
    if missing:
        print("no such corpus file: " + ", ".join(missing), file=sys.stderr)
        return 2
    if mode == "--verify-piped":
        return cmd_verify_piped(paths)
    if mode == "--cpu-check":
        return cmd_cpu_check(paths)
    return cmd_generate(paths, check=(mode == "--check"))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
