//! Gives the shared library a soname, `libciclo.so.<CICLO_ABI_VERSION>`, so that a
//! program linked with `-lciclo` records the ABI it was built against and the
//! dynamic loader refuses a library of another ABI instead of running with it.
//!
//! The ABI version is read from `src/ffi/version.rs` (the one place it is
//! defined; the header's `CICLO_ABI_VERSION` is generated from it). Only ELF
//! targets get a soname; elsewhere the library is built as cargo builds it.

use std::path::Path;

const VERSION_FILE: &str = "src/ffi/version.rs";
const ABI_CONSTANT: &str = "pub const CICLO_ABI_VERSION: u32 = ";

fn main() {
    println!("cargo:rerun-if-changed={VERSION_FILE}");
    println!("cargo:rerun-if-changed=build.rs");
    // Read when the script runs, not when it is compiled: a compiled script may
    // be reused for a checkout elsewhere that shares the target directory.
    let manifest_dir =
        std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let path = Path::new(&manifest_dir).join(VERSION_FILE);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let abi: u32 = text
        .lines()
        .find_map(|line| line.trim().strip_prefix(ABI_CONSTANT)?.strip_suffix(';'))
        .and_then(|value| value.trim().parse().ok())
        .unwrap_or_else(|| {
            panic!(
                "{}: no line `{ABI_CONSTANT}<number>;` to take the soname from",
                path.display()
            )
        });
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let family = std::env::var("CARGO_CFG_TARGET_FAMILY").unwrap_or_default();
    let elf = family == "unix" && !matches!(os.as_str(), "macos" | "ios" | "tvos" | "watchos");
    if elf {
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libciclo.so.{abi}");
    }
}
