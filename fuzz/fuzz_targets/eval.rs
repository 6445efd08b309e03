//! Fuzz evaluation under resource limits: a 64 MiB array cap and a
//! watchdog that interrupts any cell running longer than 200 ms. Every
//! input must end in a value or a Python-style error; an `InternalError`
//! (a caught panic) is a bug and aborts the run.
#![no_main]

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use libfuzzer_sys::fuzz_target;

/// One clock for the fuzzer and the watchdog thread.
static ORIGIN: OnceLock<Instant> = OnceLock::new();
/// When the running cell started (ms since `ORIGIN`, plus one), or 0.
static CELL_STARTED_MS: AtomicU64 = AtomicU64::new(0);

fn now_ms() -> u64 {
    ORIGIN.get().map_or(0, |o| o.elapsed().as_millis() as u64 + 1)
}

fn setup() {
    ORIGIN.get_or_init(|| {
        npr::value::alloc::set_memory_cap(64 << 20);
        std::thread::spawn(|| loop {
            std::thread::sleep(Duration::from_millis(20));
            let started = CELL_STARTED_MS.load(Ordering::SeqCst);
            if started != 0 && now_ms().saturating_sub(started) > 200 {
                npr::interp::interrupt::request();
            }
        });
        Instant::now()
    });
}

fuzz_target!(|data: &[u8]| {
    setup();
    let Ok(src) = std::str::from_utf8(data) else { return };
    let mut session = npr::Session::new();
    for cell in npr::syntax::cells::split_cells(src).into_iter().take(16) {
        CELL_STARTED_MS.store(now_ms(), Ordering::SeqCst);
        let out = session.run_cell(&cell.text);
        CELL_STARTED_MS.store(0, Ordering::SeqCst);
        if let Some(e) = &out.error {
            assert!(e.exc != npr::interp::error::ExcType::InternalError, "{}\n{}", cell.text, e.line());
        }
    }
});
