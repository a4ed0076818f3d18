//! Builds the C example against the static library with the system compiler, runs
//! it, and checks what it prints. (CI also runs it under valgrind.)

use std::path::PathBuf;
use std::process::Command;

/// The library artifact built with this test: `cargo test` leaves the cdylib and
/// staticlib in `target/<profile>/deps` (only `cargo build` copies them up a level,
/// where they may be stale).
fn artifact(name: &str) -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let deps = exe.parent().unwrap();
    let path = deps.join(name);
    assert!(path.exists(), "{} was not built", path.display());
    path
}

#[test]
fn c_example_builds_runs_and_prints_transitions() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let lib = artifact("libciclo.a");
    let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("lifecycle_c");
    let status = Command::new("cc")
        .args(["-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic", "-g"])
        .arg("-I")
        .arg(root.join("include"))
        .arg(root.join("examples/c/lifecycle.c"))
        .arg(&lib)
        .args(["-lpthread", "-ldl", "-lm", "-o"])
        .arg(&out)
        .status()
        .expect("a C compiler (cc) is installed");
    assert!(status.success(), "the C example does not compile");
    let run = Command::new(&out).output().unwrap();
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(
        run.status.success(),
        "the C example failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&run.stderr)
    );
    for expected in [
        "\"rule\":\"qualified_lead\"",
        "\"rule\":\"first_purchase\"",
        "\"rule\":\"cross_sell\"",
        "\"rule\":\"repeat_purchase\"",
        "\"rule\":\"cancelled\"",
        "\"rule\":\"lapsed\"",
        "rule win_back",
        "CICLO_STATUS_OUT_OF_ORDER",
        "CICLO_STATUS_CORRUPT_SNAPSHOT",
        "4 customers restored",
        "\"to\":\"delivery\"",
        "\"rule\":\"after_sales_period\"",
        "3 customers left",
        "done",
    ] {
        assert!(
            stdout.contains(expected),
            "missing `{expected}` in:\n{stdout}"
        );
    }
}

#[test]
fn shared_library_exports_only_ciclo_symbols() {
    let lib = artifact("libciclo.so");
    let out = Command::new("nm")
        .args(["-D", "--defined-only"])
        .arg(&lib)
        .output()
        .expect("nm (binutils) is installed");
    assert!(out.status.success());
    let mut symbols: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| {
            let mut parts = l.split_whitespace();
            let (_addr, kind, name) = (parts.next()?, parts.next()?, parts.next()?);
            (kind == "T").then(|| name.to_string())
        })
        .collect();
    symbols.sort();
    let foreign: Vec<&String> = symbols
        .iter()
        .filter(|s| !s.starts_with("ciclo_"))
        .collect();
    assert!(
        foreign.is_empty(),
        "exported symbols without the ciclo_ prefix: {foreign:?}"
    );
    insta::assert_snapshot!("exported_symbols", symbols.join("\n"));
}

#[test]
fn readme_c_quickstart_compiles_and_runs() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let start = readme.find("```c\n").expect("README has a C quickstart") + 5;
    let end = start + readme[start..].find("```").unwrap();
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let src = dir.join("readme_quickstart.c");
    std::fs::write(&src, &readme[start..end]).unwrap();
    let out = dir.join("readme_quickstart");
    let status = Command::new("cc")
        .args(["-std=c99", "-Wall", "-Wextra", "-Werror"])
        .arg("-I")
        .arg(root.join("include"))
        .arg(&src)
        .arg(artifact("libciclo.a"))
        .args(["-lpthread", "-ldl", "-lm", "-o"])
        .arg(&out)
        .status()
        .unwrap();
    assert!(
        status.success(),
        "the README's C quickstart does not compile"
    );
    let run = Command::new(&out).output().unwrap();
    assert!(run.status.success());
    assert!(String::from_utf8_lossy(&run.stdout).contains("\"rule\":\"first_purchase\""));
}
