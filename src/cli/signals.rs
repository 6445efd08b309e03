//! Ctrl-C. On Unix the handler is installed with `sigaction` directly: a
//! watcher thread (what the `ctrlc` crate starts) costs a thread start-up
//! and a stack mapping on every launch of `npr run`, for a signal that
//! usually never comes.

/// What Ctrl-C does.
#[derive(Clone, Copy)]
pub enum OnInterrupt {
    /// Stop a script (`npr run`): the running cell raises
    /// `KeyboardInterrupt`, its output is written, and npr exits with
    /// status 130. A second Ctrl-C exits at once.
    Exit,
    /// Raise `KeyboardInterrupt` in the running cell (the REPL).
    Raise,
}

#[cfg(unix)]
pub fn install(action: OnInterrupt) {
    extern "C" fn exit_130(_: libc::c_int) {
        // Atomic operations and _exit: async-signal-safe.
        if npr::interp::interrupt::request_stop() {
            // SAFETY: _exit is async-signal-safe; nothing else runs here.
            unsafe { libc::_exit(130) }
        }
    }
    extern "C" fn raise(_: libc::c_int) {
        // An atomic store: async-signal-safe.
        npr::interp::interrupt::request();
    }
    let handler: extern "C" fn(libc::c_int) = match action {
        OnInterrupt::Exit => exit_130,
        OnInterrupt::Raise => raise,
    };
    // SAFETY: a zeroed sigaction is a valid starting point; the handler is a
    // plain function that only does async-signal-safe work, and SA_RESTART
    // keeps interrupted reads and writes going.
    unsafe {
        let mut sa: libc::sigaction = std::mem::zeroed();
        sa.sa_sigaction = handler as libc::sighandler_t;
        sa.sa_flags = libc::SA_RESTART;
        libc::sigemptyset(&mut sa.sa_mask);
        libc::sigaction(libc::SIGINT, &sa, std::ptr::null_mut());
    }
}

#[cfg(not(unix))]
pub fn install(action: OnInterrupt) {
    let _ = match action {
        OnInterrupt::Exit => ctrlc::set_handler(|| {
            if npr::interp::interrupt::request_stop() {
                std::process::exit(130)
            }
        }),
        OnInterrupt::Raise => ctrlc::set_handler(npr::interp::interrupt::request),
    };
}
