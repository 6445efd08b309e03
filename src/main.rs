//! The `npr` binary: command-line parsing and the terminal front end.
//! All logic lives in the library; this only wires it to the outside.

mod cli;

/// mimalloc: faster small allocations (every statement allocates) and it
/// keeps freed large blocks for reuse instead of unmapping them at once.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `mi_option_purge_delay` (the same index in mimalloc v2 and v3).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Milliseconds a freed block stays mapped before mimalloc returns it to the
/// OS. With mimalloc's default (1 s), a loop making large results (softmax
/// over (10000, 1000), 40 times) still had freed blocks purged and faulted
/// in again, zeroed (about 45 extra 2 MiB faults); 10 s keeps them for reuse
/// and still gives memory back after a burst of large arrays.
const PURGE_DELAY_MS: std::ffi::c_long = 10_000;

fn main() {
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
        // SAFETY: sets one integer option; mimalloc reads it when it next
        // schedules a purge. Called before any other thread exists.
        unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, PURGE_DELAY_MS) };
    }
    // Panics inside evaluation are caught and reported as internal errors
    // with the input that caused them; the default hook's stderr dump is noise.
    std::panic::set_hook(Box::new(|_| {}));
    std::process::exit(cli::main());
}
