//! Ctrl-C. The terminal front end sets the flag from its signal handler;
//! long loops in the interpreter and kernels poll it and raise
//! `KeyboardInterrupt`, so the session and its variables survive.

use std::sync::atomic::{AtomicBool, Ordering};

use super::error::{ExcType, PyErr, PyResult};

static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// Set by Ctrl-C while a script runs; cells never clear it.
static STOP: AtomicBool = AtomicBool::new(false);

/// Request an interrupt (called from a signal handler).
pub fn request() {
    INTERRUPTED.store(true, Ordering::SeqCst);
}

/// Interrupt the running cell and stop the script after it (called from a
/// signal handler). Returns whether a stop had already been requested.
pub fn request_stop() -> bool {
    INTERRUPTED.store(true, Ordering::SeqCst);
    STOP.swap(true, Ordering::SeqCst)
}

/// Has Ctrl-C asked the running script to stop?
pub fn stop_requested() -> bool {
    STOP.load(Ordering::Relaxed)
}

/// Forget a pending interrupt (at the start of a cell). Read first: a
/// store is a full barrier (`xchg`) on x86, paid by every cell otherwise.
pub fn clear() {
    if INTERRUPTED.load(Ordering::Relaxed) {
        INTERRUPTED.store(false, Ordering::SeqCst);
    }
}

/// Is an interrupt pending?
pub fn pending() -> bool {
    INTERRUPTED.load(Ordering::Relaxed)
}

/// Raise `KeyboardInterrupt` if Ctrl-C was pressed. A plain load comes
/// first: this runs at every loop iteration, and the swap is a full barrier.
pub fn check() -> PyResult<()> {
    if INTERRUPTED.load(Ordering::Relaxed) && INTERRUPTED.swap(false, Ordering::SeqCst) {
        Err(PyErr::new(ExcType::KeyboardInterrupt, ""))
    } else {
        Ok(())
    }
}
