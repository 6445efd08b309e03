//! The `npr` binary: command-line parsing and the terminal front end.
//! All logic lives in the library; this only wires it to the outside.

#![cfg_attr(all(target_os = "linux", target_env = "gnu"), no_main)]

mod cli;

/// mimalloc: faster small allocations (every statement allocates) and it
/// keeps freed large blocks for reuse instead of unmapping them at once.
#[global_allocator]
static GLOBAL: npr::alloc::Mimalloc = npr::alloc::Mimalloc;

/// mimalloc's `mi_option_purge_delay` (the same index in mimalloc v2 and v3).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Milliseconds a freed block stays mapped before mimalloc returns it to the
/// OS. With mimalloc's default (1 s), a loop making large results (softmax
/// over (10000, 1000), 40 times) still had freed blocks purged and faulted
/// in again, zeroed (about 45 extra 2 MiB faults); 10 s keeps them for reuse
/// and still gives memory back after a burst of large arrays.
const PURGE_DELAY_MS: std::ffi::c_long = 10_000;

/// mimalloc v3's `mi_option_arena_reserve` (KiB).
const MI_OPTION_ARENA_RESERVE: libmimalloc_sys::mi_option_t = 23;

/// The first arena's reservation (address space only; pages come as they
/// are touched). mimalloc's default, 1 GiB, has bitmaps of 2 KiB for each of
/// its eighty-odd size bins, and setting up the first arena wrote to each:
/// 42 page faults, a quarter of `npr run`'s at start-up. 32 MiB (mimalloc's
/// smallest arena) takes three. Later arenas double every eight, and a
/// block larger than the reservation gets an arena of its own size, so
/// large arrays are unaffected (the benchmarks' times and peak memory did
/// not move).
const ARENA_RESERVE_KIB: std::ffi::c_long = 32 * 1024;

/// The program (after the process set-up in `main`).
fn run() -> i32 {
    // SAFETY (both calls): sets one integer option. The purge delay is read
    // when mimalloc next schedules a purge; the arena size when it first
    // reserves an arena, at the first allocation, which comes after this
    // (nothing allocates before `main`). Called before any other thread
    // exists. An environment variable of the same name keeps precedence.
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
        unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, PURGE_DELAY_MS) };
    }
    if std::env::var_os("MIMALLOC_ARENA_RESERVE").is_none() {
        unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_ARENA_RESERVE, ARENA_RESERVE_KIB) };
    }
    // Panics inside evaluation are caught and reported as internal errors
    // with the input that caused them; the default hook's stderr dump is noise.
    std::panic::set_hook(Box::new(|_| {}));
    // A panic outside evaluation ends npr with Rust's usual status.
    std::panic::catch_unwind(cli::main).unwrap_or(101)
}

/// On Linux with glibc, npr defines the C `main` itself (`#![no_main]`). Rust's start-up
/// would also install a stack-overflow guard for the main thread, and
/// finding that thread's stack means reading and parsing
/// `/proc/self/maps`: about 0.15 ms of `npr run`'s 2 ms start-up on a small
/// script. npr never relies on the guard (deep nesting continues on fresh
/// stack segments, see `stack.rs` in the library), so it keeps only the two
/// things from that start-up it does rely on: SIGPIPE ignored (a closed
/// pipe is a write error that ends npr quietly, not a signal) and standard
/// streams that are open (a closed one is reopened on /dev/null, so no file
/// npr opens can take its number). Arguments need nothing: with glibc the
/// standard library reads them itself, before `main` (elsewhere it needs its
/// own start-up, so other targets keep the usual `fn main`).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[unsafe(no_mangle)]
extern "C" fn main(_argc: std::ffi::c_int, _argv: *const *const std::ffi::c_char) -> std::ffi::c_int {
    npr::alloc::defer_huge_pages();
    // SAFETY: plain libc calls on file descriptors 0-2 and a signal
    // disposition, made before any other thread exists.
    unsafe {
        let mut fds: [libc::pollfd; 3] =
            std::array::from_fn(|fd| libc::pollfd { fd: fd as i32, events: 0, revents: 0 });
        if libc::poll(fds.as_mut_ptr(), 3, 0) != -1 {
            for pfd in fds {
                if pfd.revents & libc::POLLNVAL != 0 {
                    libc::open(c"/dev/null".as_ptr(), libc::O_RDWR);
                }
            }
        }
        libc::signal(libc::SIGPIPE, libc::SIG_IGN);
    }
    exit(run())
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn main() {
    exit(run())
}

/// Leave with `code` once standard output is flushed. On Unix this skips
/// the C library's exit handlers: mimalloc's would hand every freed page
/// back to the OS one `madvise` at a time, work the kernel does anyway when
/// the process ends (measurable in a short `npr run`).
fn exit(code: i32) -> ! {
    use std::io::Write;
    let _ = std::io::stdout().flush();
    #[cfg(unix)]
    // SAFETY: every file npr writes is closed by now and standard output
    // was just flushed; no other state needs tearing down.
    unsafe {
        libc::_exit(code)
    }
    #[cfg(not(unix))]
    std::process::exit(code)
}
