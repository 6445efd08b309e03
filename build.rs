//! Link options for the `npr` binary (README "Performance", start-up).
//!
//! On Linux with glibc, built for the machine it runs on, npr is linked
//! statically and position-dependent. A dynamically linked npr loads
//! libgcc_s, libm and libc at every launch (opening and mapping each,
//! running their constructors, binding symbols); a position-independent
//! one also carries about 8,600 relative relocations that are applied at
//! every launch. Linked statically, a one-line `npr run` starts in about
//! 1.25-1.5 ms instead of 2.0 (`perf stat -r 300`, run after run), and in
//! about 1.7 instead of 2.4 ms right after a NumPy run has cooled the
//! caches, as in the benchmark. The price is that npr's own image is not
//! address-randomised (the stack, heap and mappings still are).
//!
//! Cargo cannot give `-C target-feature=+crt-static` to the binary alone
//! (proc-macro crates cannot be built with it, and cargo's
//! `target-applies-to-host` is unstable), so the static link is made here:
//! rustc asks the linker for `-lgcc_s -lutil -lrt -lpthread -lm -ldl -lc`,
//! and a directory of linker scripts under OUT_DIR, searched before the
//! system's directories, names the C toolchain's static archives for each
//! (`cc -print-file-name`).
//! If an archive is missing, or with `NPR_LINK=dynamic`, npr is linked
//! dynamically, position-dependent and lazily bound, as before.

use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=NPR_LINK");
    let var = |k: &str| std::env::var(k).unwrap_or_default();
    if var("CARGO_CFG_TARGET_OS") != "linux" || var("CARGO_CFG_TARGET_ENV") != "gnu" {
        return;
    }
    if var("CARGO_CFG_TARGET_FEATURE").split(',').any(|f| f == "crt-static") {
        // rustc links statically itself (static-pie); nothing to add.
        return;
    }
    if var("TARGET") == var("HOST") && var("NPR_LINK") != "dynamic" {
        let linker = std::env::var("RUSTC_LINKER").unwrap_or_else(|_| "cc".into());
        let dir = PathBuf::from(var("OUT_DIR")).join("static-libs");
        match static_library_scripts(&linker, &dir) {
            Ok(()) => {
                println!("cargo:rustc-link-arg-bins=-L{}", dir.display());
                println!("cargo:rustc-link-arg-bins=-static");
                println!("cargo:rustc-link-arg-bins=-no-pie");
                return;
            }
            Err(why) => println!("cargo:warning=npr is linked dynamically (slower start-up): {why}"),
        }
    }
    println!("cargo:rustc-link-arg-bins=-no-pie");
    println!("cargo:rustc-link-arg-bins=-Wl,-z,lazy");
}

/// Writes into `dir` one linker script per library rustc links
/// dynamically, each naming the static archive(s) that replace it.
fn static_library_scripts(linker: &str, dir: &Path) -> Result<(), String> {
    let archive = |name: &str| -> Result<String, String> {
        let out = Command::new(linker)
            .arg(format!("-print-file-name={name}"))
            .output()
            .map_err(|e| format!("cannot run {linker}: {e}"))?;
        let path = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
        match path.is_absolute() && path.exists() {
            true => Ok(path.display().to_string()),
            false => Err(format!("{linker} has no {name}")),
        }
    };
    let (libc, libgcc, libgcc_eh) = (archive("libc.a")?, archive("libgcc.a")?, archive("libgcc_eh.a")?);
    let mut scripts = vec![
        // The unwinder (catch_unwind keeps a session alive after a bug).
        ("libgcc_s.so".to_string(), format!("GROUP ( {libgcc_eh} {libgcc} )")),
        // libc and the compiler runtime need each other's symbols.
        ("libc.so".to_string(), format!("GROUP ( {libc} {libgcc} {libgcc_eh} )")),
    ];
    for lib in ["m", "pthread", "dl", "rt", "util"] {
        scripts.push((format!("lib{lib}.so"), format!("INPUT ( {} )", archive(&format!("lib{lib}.a"))?)));
    }
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    for (name, text) in scripts {
        std::fs::write(dir.join(&name), text).map_err(|e| format!("cannot write {name}: {e}"))?;
    }
    Ok(())
}
