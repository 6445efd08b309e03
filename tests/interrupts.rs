//! Ctrl-C reaches long kernels, not only statement loops: an interrupt
//! requested while one large operation runs stops it part-way, raises
//! `KeyboardInterrupt`, and leaves the target name unbound.
//!
//! Each case is timed first without an interrupt (T0), then interrupted at
//! T0/8; it must end well before T0. One test function runs the cases in
//! turn, because the interrupt flag is process-wide.

use std::time::{Duration, Instant};

use npr::interp::error::ExcType;
use npr::interp::interrupt;
use npr::Session;

fn run_ok(s: &mut Session, src: &str) {
    let out = s.run_cell(src);
    assert!(out.error.is_none(), "{src}: {:?}", out.error.map(|e| e.line()));
}

/// Run `op` (an assignment to `r`, or a magic) to completion, then again
/// with Ctrl-C after an eighth of that time.
fn assert_interruptible(s: &mut Session, what: &str, op: &str) {
    let t = Instant::now();
    run_ok(s, op);
    let t0 = t.elapsed();
    run_ok(s, "r = 0; del r");
    assert!(t0 >= Duration::from_millis(200), "{what}: too fast to time ({t0:?}); make the case bigger");

    let delay = t0 / 8;
    let waker = std::thread::spawn(move || {
        std::thread::sleep(delay);
        interrupt::request();
    });
    let t = Instant::now();
    let out = s.run_cell(op);
    let t1 = t.elapsed();
    waker.join().unwrap();
    let exc = out.error.map(|e| e.exc);
    assert_eq!(exc, Some(ExcType::KeyboardInterrupt), "{what}: not interrupted");
    assert!(t1 < t0 * 6 / 10, "{what}: the kernel ran on after Ctrl-C ({t1:?} of {t0:?})");
    let out = s.run_cell("r");
    assert_eq!(out.error.map(|e| e.exc), Some(ExcType::NameError), "{what}: a partial result was bound");
    // The session goes on and computes correctly afterwards.
    run_ok(s, "assert float(np.sum(np.ones(10))) == 10.0");
}

#[test]
fn ctrl_c_stops_long_kernels() {
    let mut s = Session::new();
    run_ok(&mut s, "a = np.linspace(0.5, 1.5, 24_000_000)");
    run_ok(&mut s, "i = np.arange(36_000_000).reshape(6000, 6000)");
    // A generic elementwise loop (no SIMD fast path).
    assert_interruptible(&mut s, "arctan2", "r = np.arctan2(a, a)");
    // An elementwise loop over a strided, broadcast view.
    assert_interruptible(&mut s, "int power", "r = i.T ** 3");
    // A float64 matrix product (several panels).
    run_ok(&mut s, "m = np.ones((4096, 4096))");
    assert_interruptible(&mut s, "matmul", "r = m @ m");
    run_ok(&mut s, "del m, a, i");
    // Random generation.
    run_ok(&mut s, "np.random.seed(0)");
    assert_interruptible(&mut s, "randn", "r = np.random.randn(20_000_000)");
    // A fused result written over the array the name holds (the loop cannot
    // stop half way): Ctrl-C comes after the name is rebound, and the
    // value is whole.
    let op = "r = np.exp(a) * 2 + a";
    run_ok(&mut s, "a = np.linspace(0.5, 1.5, 24_000_000)\nr = a * 1.0\nnew = np.exp(a) * 2 + a");
    let t = Instant::now();
    run_ok(&mut s, op);
    let delay = t.elapsed() / 8;
    run_ok(&mut s, "r = a * 1.0");
    let waker = std::thread::spawn(move || {
        std::thread::sleep(delay);
        interrupt::request();
    });
    let out = s.run_cell(op);
    waker.join().unwrap();
    assert_eq!(out.error.map(|e| e.exc), Some(ExcType::KeyboardInterrupt), "in place: not interrupted");
    run_ok(&mut s, "assert np.array_equal(r, new)\ndel a, r, new");
    // %timeit's repetitions.
    run_ok(&mut s, "x = np.ones((64, 64))");
    assert_interruptible(&mut s, "%timeit", "%timeit -n 60000 -r 1 x @ x");
}
