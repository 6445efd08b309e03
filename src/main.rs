//! The `npr` binary: command-line parsing and the terminal front end.
//! All logic lives in the library; this only wires it to the outside.

mod cli;

/// mimalloc: faster small allocations (every statement allocates) and it
/// keeps freed large blocks for reuse instead of unmapping them at once.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    // Panics inside evaluation are caught and reported as internal errors
    // with the input that caused them; the default hook's stderr dump is noise.
    std::panic::set_hook(Box::new(|_| {}));
    std::process::exit(cli::main());
}
