//! File I/O is interchangeable with NumPy: `.npy` bit for bit, `.npz`, and
//! text files. When `python3 -c 'import numpy'` works, NumPy writes files
//! that npr reads (values and dtypes compared exactly) and reads files that
//! npr writes (for `.npy`, the bytes are compared with `np.save`'s). The
//! committed files under `tests/data/io/` (written by NumPy, see its
//! `generate.py`) are checked always, so the tests mean something without
//! Python too.

use std::path::{Path, PathBuf};
use std::process::Command;

use npr::value::{AView, Value};
use npr::Session;

fn cell(s: &mut Session, code: &str) -> Value {
    let o = s.run_cell(code);
    if let Some(e) = o.error {
        panic!("{code}\n  raised {}", e.line());
    }
    o.value.unwrap_or(Value::None)
}

fn error(s: &mut Session, code: &str) -> String {
    match s.run_cell(code).error {
        Some(e) => e.line(),
        None => panic!("{code}: expected an error"),
    }
}

fn repr(v: &Value) -> String {
    npr::display::repr_plain(v)
}

/// (dtype, shape, little-endian bytes in C order) of an array value.
fn parts(v: &Value) -> (String, Vec<usize>, Vec<u8>) {
    let Value::Array(a) = v else { panic!("not an array: {}", repr(v)) };
    let bytes = a.with_view(|view| match view {
        AView::Bool(x) => x.iter().map(|&b| b as u8).collect(),
        AView::Int(x) => x.iter().flat_map(|e| e.to_le_bytes()).collect(),
        AView::Float(x) => x.iter().flat_map(|e| e.to_le_bytes()).collect(),
    });
    (a.dtype().name().to_string(), a.shape(), bytes)
}

fn py(path: &Path) -> String {
    format!("{:?}", path.to_string_lossy())
}

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/io")
}

struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        let p = std::env::temp_dir().join(format!("npr-io-{}-{tag}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).expect("temp dir");
        TempDir(p)
    }
    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn numpy_available() -> bool {
    Command::new("python3").args(["-c", "import numpy"]).output().map(|o| o.status.success()).unwrap_or(false)
}

/// Run a Python script with the directory as `sys.argv[1]`; its stdout.
fn python(script: &str, dir: &Path) -> String {
    let out = Command::new("python3").arg("-c").arg(script).arg(dir).output().expect("python3");
    assert!(
        out.status.success(),
        "python failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

// ---------------------------------------------------------------- committed NumPy files (always)

fn f64_bytes(v: &[f64]) -> Vec<u8> {
    v.iter().flat_map(|x| x.to_le_bytes()).collect()
}

fn i64_bytes(v: &[i64]) -> Vec<u8> {
    v.iter().flat_map(|x| x.to_le_bytes()).collect()
}

#[test]
fn loads_numpy_written_npy_files() {
    let d = data_dir();
    let mut s = Session::new();
    let load = |s: &mut Session, name: &str| cell(s, &format!("np.load({})", py(&d.join(name))));
    let cases: Vec<(&str, &str, Vec<usize>, Vec<u8>)> = vec![
        ("f8_2x3.npy", "float64", vec![2, 3], f64_bytes(&[0., 1., 2., 3., 4., 5.])),
        ("f8_fortran.npy", "float64", vec![2, 3], f64_bytes(&[0., 1., 2., 3., 4., 5.])),
        ("i8_big_endian.npy", "int64", vec![3], i64_bytes(&[1, -2, 3])),
        ("f8_big_endian.npy", "float64", vec![3], f64_bytes(&[1.5, -0.0, f64::INFINITY])),
        ("b1.npy", "bool", vec![2, 2], vec![1, 0, 0, 1]),
        ("f8_0d.npy", "float64", vec![], f64_bytes(&[3.25])),
        ("i8_empty.npy", "int64", vec![0, 3], vec![]),
        ("f8_special.npy", "float64", vec![4], f64_bytes(&[f64::NAN, f64::NEG_INFINITY, 5e-324, -0.0])),
    ];
    for (name, dtype, shape, bytes) in cases {
        let v = load(&mut s, name);
        assert_eq!(parts(&v), (dtype.to_string(), shape, bytes), "{name}");
    }
    assert_eq!(repr(&load(&mut s, "f8_fortran.npy")), "array([[0., 1., 2.],\n       [3., 4., 5.]])");
    let e = error(&mut s, &format!("np.load({})", py(&d.join("f4.npy"))));
    assert!(e.starts_with("NotImplementedError: npr supports the dtypes bool, int64 and float64;"), "{e}");
    assert!(e.ends_with("holds float32 data"), "{e}");
}

#[test]
fn writes_the_bytes_numpy_writes() {
    // Saving what NumPy saved reproduces NumPy's file byte for byte,
    // including Fortran order for a transposed view.
    let d = data_dir();
    let t = TempDir::new("bytes");
    let mut s = Session::new();
    for name in ["f8_2x3.npy", "b1.npy", "f8_0d.npy", "i8_empty.npy", "f8_special.npy", "f8_fortran.npy"] {
        let out = t.path(name);
        cell(&mut s, &format!("np.save({}, np.load({}))", py(&out), py(&d.join(name))));
        assert_eq!(std::fs::read(&out).unwrap(), std::fs::read(d.join(name)).unwrap(), "{name}");
    }
    // A big-endian file is read into native order and saved little-endian.
    let out = t.path("native.npy");
    cell(&mut s, &format!("np.save({}, np.load({}))", py(&out), py(&d.join("i8_big_endian.npy"))));
    cell(&mut s, &format!("b = np.load({})", py(&out)));
    assert_eq!(repr(&cell(&mut s, "b")), "array([ 1, -2,  3])");
    // np.save adds .npy to a bare name.
    cell(&mut s, &format!("np.save({}, np.arange(3))", py(&t.path("bare"))));
    assert!(t.path("bare.npy").exists());
}

#[test]
fn loads_numpy_written_npz_and_text() {
    let d = data_dir();
    let mut s = Session::new();
    cell(&mut s, &format!("z = np.load({})", py(&d.join("arrays.npz"))));
    assert_eq!(repr(&cell(&mut s, "z.files")), "['a', 'b', 'c']");
    assert!(repr(&cell(&mut s, "z")).ends_with("arrays.npz' with keys: a, b, c"));
    assert_eq!(repr(&cell(&mut s, "z['a']")), "array([0, 1, 2])");
    assert_eq!(repr(&cell(&mut s, "z['b']")), "array([[1., 0.],\n       [0., 1.]])");
    assert_eq!(repr(&cell(&mut s, "z['c']")), "array(True)");
    assert_eq!(error(&mut s, "z['d']"), "KeyError: 'd is not a file in the archive'");
    cell(&mut s, &format!("c = np.load({})", py(&d.join("compressed.npz"))));
    assert_eq!(repr(&cell(&mut s, "c['x']")), "array([0.  , 0.25, 0.5 , 0.75, 1.  ])");
    assert_eq!(repr(&cell(&mut s, "c['y']")), "array([[0, 1],\n       [2, 3]])");

    let csv = py(&d.join("data.csv"));
    assert_eq!(
        repr(&cell(&mut s, &format!("np.loadtxt({csv}, delimiter=',')"))),
        "array([[ 1.5 ,  2.  , -3.  ],\n       [ 4.  ,  5.25,  6.  ]])"
    );
    assert_eq!(
        repr(&cell(&mut s, &format!("np.loadtxt({csv}, delimiter=',', usecols=(0, 2), skiprows=2)"))),
        "array([4., 6.])"
    );
    let ints = py(&d.join("ints.txt"));
    assert_eq!(repr(&cell(&mut s, &format!("np.loadtxt({ints}, dtype=int)"))), "array([[1, 2],\n       [3, 4]])");
    let missing = py(&d.join("missing.csv"));
    assert_eq!(
        repr(&cell(&mut s, &format!("np.genfromtxt({missing}, delimiter=',')"))),
        "array([[ 1.,  2.,  3.],\n       [ 4., nan,  6.],\n       [ 7.,  8., nan]])"
    );
    assert_eq!(
        error(&mut s, &format!("np.loadtxt({missing}, delimiter=',')")),
        "ValueError: could not convert string '' to float64 at row 1, column 2."
    );
}

#[test]
fn bad_files_are_python_errors() {
    let t = TempDir::new("bad");
    let mut s = Session::new();
    let good = std::fs::read(data_dir().join("f8_2x3.npy")).unwrap();
    let write = |name: &str, bytes: &[u8]| {
        std::fs::write(t.path(name), bytes).unwrap();
        format!("np.load({})", py(&t.path(name)))
    };
    assert_eq!(
        error(&mut s, "np.load('no_such_file_here.npy')"),
        "FileNotFoundError: [Errno 2] No such file or directory: 'no_such_file_here.npy'"
    );
    assert_eq!(
        error(&mut s, &write("truncated.npy", &good[..good.len() - 8])),
        "ValueError: Failed to read all data for array. Expected (2, 3) = 6 elements, could only read 5 elements. \
         (file seems not fully written?)"
    );
    assert_eq!(
        error(&mut s, &write("short_header.npy", &good[..20])),
        "ValueError: EOF: reading array header, expected 118 bytes got 10"
    );
    assert!(error(&mut s, &write("magic.npy", b"not a numpy file at all"))
        .starts_with("ValueError: This file contains pickled (object) data."));
    assert_eq!(error(&mut s, &write("empty.npy", b"")), "EOFError: No data left in file");
    let mut bad_version = good.clone();
    bad_version[6] = 9;
    assert_eq!(
        error(&mut s, &write("version.npy", &bad_version)),
        "ValueError: we only support format version (1,0), (2,0), and (3,0), not (9, 0)"
    );
    let mut fixed = good.clone();
    let at = good.windows(3).position(|w| w == b"<f8").unwrap();
    fixed[at..at + 3].copy_from_slice(b"zz8");
    assert_eq!(error(&mut s, &write("descr.npy", &fixed)), "ValueError: descr is not a valid dtype descriptor: 'zz8'");
    assert_eq!(error(&mut s, &write("zip.npz", b"PK\x03\x04garbage")), "BadZipFile: File is not a zip file");
    std::fs::write(t.path("ragged.csv"), "1,2,3\n4,5\n").unwrap();
    assert_eq!(
        error(&mut s, &format!("np.loadtxt({}, delimiter=',')", py(&t.path("ragged.csv")))),
        "ValueError: the number of columns changed from 3 to 2 at row 2; use `usecols` to select a subset and avoid \
         this error"
    );
    assert_eq!(
        error(&mut s, &format!("np.genfromtxt({}, delimiter=',')", py(&t.path("ragged.csv")))),
        "ValueError: Some errors were detected !\n    Line #2 (got 2 columns instead of 3)"
    );
    assert_eq!(error(&mut s, "np.loadtxt('no_such.csv')"), "FileNotFoundError: no_such.csv not found.");
    assert_eq!(
        error(&mut s, &format!("np.save({}, [1])", py(&t.path("no_dir/x.npy")))),
        format!("FileNotFoundError: [Errno 2] No such file or directory: {}", py_repr(&t.path("no_dir/x.npy")))
    );
}

fn py_repr(p: &Path) -> String {
    format!("'{}'", p.to_string_lossy())
}

// ---------------------------------------------------------------- live round trips with NumPy

const NUMPY_WRITES: &str = r#"
import sys, json, os
import numpy as np
d = sys.argv[1]
arrays = {
    "f8_2d": np.arange(12.0).reshape(3, 4) / 7,
    "f8_fortran": np.asfortranarray(np.arange(12.0).reshape(3, 4)),
    "f8_3d": np.linspace(-1, 1, 24).reshape(2, 3, 4),
    "f8_special": np.array([np.nan, np.inf, -np.inf, -0.0, 5e-324, 1.7976931348623157e308]),
    "f8_big": np.arange(5.0).astype(">f8"),
    "i8": np.array([[-(2**63), 2**63 - 1], [0, -1]], dtype=np.int64),
    "i8_big": np.arange(-3, 3).astype(">i8"),
    "i8_fortran_3d": np.asfortranarray(np.arange(24).reshape(2, 3, 4)),
    "b1": np.array([True, False, True]),
    "f8_0d": np.array(-2.5),
    "i8_empty": np.zeros((0,), dtype=np.int64),
    "b1_2d": np.eye(3, dtype=bool),
}
manifest = {}
for name, a in arrays.items():
    np.save(os.path.join(d, name + ".npy"), a)
    le = np.ascontiguousarray(a).astype(a.dtype.newbyteorder("<"))
    manifest[name] = {"dtype": a.dtype.name, "shape": list(a.shape), "hex": le.tobytes().hex()}
np.savez(os.path.join(d, "plain.npz"), first=arrays["f8_2d"], second=arrays["i8"])
np.savez_compressed(os.path.join(d, "packed.npz"), arrays["b1"], x=arrays["f8_3d"])
np.savetxt(os.path.join(d, "table.csv"), arrays["f8_2d"], delimiter=",", header="w,x,y,z")
np.savetxt(os.path.join(d, "table.txt"), arrays["i8"], fmt="%d")
print(json.dumps(manifest))
"#;

#[test]
fn npr_reads_what_numpy_writes() {
    if !numpy_available() {
        eprintln!("python3 with numpy not found: checked only the committed files");
        return;
    }
    let t = TempDir::new("from-numpy");
    let manifest: serde_json::Value = serde_json::from_str(&python(NUMPY_WRITES, &t.0)).unwrap();
    let mut s = Session::new();
    let mut seen = 0;
    for (name, m) in manifest.as_object().unwrap() {
        let v = cell(&mut s, &format!("np.load({})", py(&t.path(&format!("{name}.npy")))));
        let (dtype, shape, bytes) = parts(&v);
        assert_eq!(dtype, m["dtype"].as_str().unwrap(), "{name}");
        let want_shape: Vec<usize> =
            m["shape"].as_array().unwrap().iter().map(|x| x.as_u64().unwrap() as usize).collect();
        assert_eq!(shape, want_shape, "{name}");
        let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(hex, m["hex"].as_str().unwrap(), "{name}");
        seen += 1;
    }
    assert_eq!(seen, 12);
    // .npz members are the same arrays.
    cell(&mut s, &format!("z = np.load({})", py(&t.path("plain.npz"))));
    assert_eq!(repr(&cell(&mut s, "z.files")), "['first', 'second']");
    cell(&mut s, &format!("a = np.load({})", py(&t.path("f8_2d.npy"))));
    assert_eq!(repr(&cell(&mut s, "np.array_equal(z['first'], a)")), "True");
    cell(&mut s, &format!("p = np.load({})", py(&t.path("packed.npz"))));
    assert_eq!(repr(&cell(&mut s, "p.files")), "['x', 'arr_0']");
    assert_eq!(repr(&cell(&mut s, "p['arr_0']")), "array([ True, False,  True])");
    cell(&mut s, &format!("x3 = np.load({})", py(&t.path("f8_3d.npy"))));
    assert_eq!(repr(&cell(&mut s, "np.array_equal(p['x'], x3)")), "True");
    // Text: %.18e round-trips doubles exactly.
    cell(&mut s, &format!("c = np.loadtxt({}, delimiter=',')", py(&t.path("table.csv"))));
    assert_eq!(repr(&cell(&mut s, "np.array_equal(c, a)")), "True");
    cell(&mut s, &format!("g = np.genfromtxt({}, delimiter=',')", py(&t.path("table.csv"))));
    assert_eq!(repr(&cell(&mut s, "np.array_equal(g, a)")), "True");
    cell(&mut s, &format!("i = np.loadtxt({}, dtype=int)", py(&t.path("table.txt"))));
    assert_eq!(
        repr(&cell(&mut s, "i")),
        "array([[-9223372036854775808,  9223372036854775807],\n       [                   0,                   -1]])"
    );
}

const NUMPY_READS: &str = r#"
import sys, os, io
import numpy as np
d = sys.argv[1]
def same(x, y):
    assert x.dtype == y.dtype, (x.dtype, y.dtype)
    assert x.shape == y.shape, (x.shape, y.shape)
    assert x.tobytes() == y.tobytes(), (x, y)
expected = {
    "f8_2d": np.arange(12.0).reshape(3, 4) / 7,
    "f8_T": (np.arange(6.0).reshape(2, 3)).T,
    "i8_T3": np.arange(24).reshape(2, 3, 4).transpose(),
    "f8_slice": np.arange(10.0)[::3],
    "f8_special": np.array([np.nan, np.inf, -np.inf, -0.0, 5e-324]),
    "i8": np.array([[-(2**63), 2**63 - 1], [0, -1]]),
    "b1": np.array([True, False, True]),
    "f8_0d": np.array(-2.5),
    "i8_empty": np.zeros((0, 2), dtype=np.int64),
    "list": np.array([[1, 2], [3, 4]]),
}
for name, want in expected.items():
    path = os.path.join(d, name + ".npy")
    got = np.load(path)
    same(got, want)
    buf = io.BytesIO()
    np.save(buf, want)
    assert open(path, "rb").read() == buf.getvalue(), name
z = np.load(os.path.join(d, "both.npz"))
assert z.files == ["a", "b", "arr_0"], z.files
same(z["a"], expected["f8_2d"]); same(z["b"], expected["b1"]); same(z["arr_0"], expected["i8"])
c = np.load(os.path.join(d, "packed.npz"))
assert c.files == ["x"]
same(c["x"], expected["f8_special"])
import zipfile
assert zipfile.ZipFile(os.path.join(d, "packed.npz")).infolist()[0].compress_type == zipfile.ZIP_DEFLATED
for name, args in [("t1.txt", dict()), ("t2.csv", dict(fmt="%d", delimiter=",", header="a,b\nsecond", footer="end")),
                   ("t3.txt", dict(fmt=["%.3f", "%g"], comments="// ", header="h"))]:
    data = expected["i8"] if name == "t2.csv" else expected["f8_2d"][:, :2]
    buf = io.StringIO()
    np.savetxt(buf, data, **args)
    got = open(os.path.join(d, name)).read()
    assert got == buf.getvalue(), (name, got, buf.getvalue())
same(np.loadtxt(os.path.join(d, "t1.txt")), expected["f8_2d"][:, :2])
print("ok")
"#;

#[test]
fn numpy_reads_what_npr_writes() {
    if !numpy_available() {
        eprintln!("python3 with numpy not found: checked only the committed files");
        return;
    }
    let t = TempDir::new("to-numpy");
    let mut s = Session::new();
    let save = |s: &mut Session, name: &str, expr: &str| {
        cell(s, &format!("np.save({}, {expr})", py(&t.path(&format!("{name}.npy")))));
    };
    save(&mut s, "f8_2d", "np.arange(12.0).reshape(3, 4) / 7");
    save(&mut s, "f8_T", "np.arange(6.0).reshape(2, 3).T");
    save(&mut s, "i8_T3", "np.arange(24).reshape(2, 3, 4).transpose()");
    save(&mut s, "f8_slice", "np.arange(10.0)[::3]");
    save(&mut s, "f8_special", "np.array([np.nan, np.inf, -np.inf, -0.0, 5e-324])");
    save(&mut s, "i8", "np.array([[-2**63, 2**63 - 1], [0, -1]])");
    save(&mut s, "b1", "np.array([True, False, True])");
    save(&mut s, "f8_0d", "np.array(-2.5)");
    save(&mut s, "i8_empty", "np.zeros((0, 2), dtype=int)");
    save(&mut s, "list", "[[1, 2], [3, 4]]");
    cell(
        &mut s,
        &format!(
            "np.savez({}, np.array([[-2**63, 2**63 - 1], [0, -1]]), a=np.arange(12.0).reshape(3, 4) / 7, b=np.array([True, False, True]))",
            py(&t.path("both"))
        ),
    );
    cell(
        &mut s,
        &format!(
            "np.savez_compressed({}, x=np.array([np.nan, np.inf, -np.inf, -0.0, 5e-324]))",
            py(&t.path("packed.npz"))
        ),
    );
    cell(&mut s, "d = np.arange(12.0).reshape(3, 4) / 7");
    cell(&mut s, &format!("np.savetxt({}, d[:, :2])", py(&t.path("t1.txt"))));
    cell(
        &mut s,
        &format!(
            "np.savetxt({}, np.array([[-2**63, 2**63 - 1], [0, -1]]), fmt='%d', delimiter=',', header='a,b\\nsecond', footer='end')",
            py(&t.path("t2.csv"))
        ),
    );
    cell(
        &mut s,
        &format!("np.savetxt({}, d[:, :2], fmt=['%.3f', '%g'], comments='// ', header='h')", py(&t.path("t3.txt"))),
    );
    assert_eq!(python(NUMPY_READS, &t.0).trim(), "ok");
}
