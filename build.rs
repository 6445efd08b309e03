//! Link options for the `npr` binary (README "Performance", start-up).
//!
//! On Linux with glibc the binary is linked position-dependent (`-no-pie`)
//! and with lazy binding (`-z lazy`). A position-independent npr has about
//! 8,600 relative relocations that the dynamic loader applies at every
//! launch, copying about 40 pages of read-only data to do so, and
//! `-z now` has it bind every imported C function before `main`. Without
//! them a one-line `npr run` starts about 0.3 ms sooner (1.65 -> 1.32 ms,
//! `perf stat -r 200`), a fifth of its start-up. The price is that the
//! executable's own image is not address-randomised and its global offset
//! table stays writable; the shared libraries it loads are unaffected.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    if os == "linux" && env == "gnu" {
        println!("cargo:rustc-link-arg-bins=-no-pie");
        println!("cargo:rustc-link-arg-bins=-Wl,-z,lazy");
    }
}
