//! The installed library, as a C host meets it: `install.sh` copies the library
//! built with this test into a temporary prefix; C programs are built against
//! that copy with `pkg-config --cflags --libs ciclo` and with CMake's
//! `find_package(ciclo)`, and run from another directory, linked through the
//! soname `libciclo.so.<CICLO_ABI_VERSION>`.
//!
//! Needs `pkg-config` and `cmake`; without them the tests say so and pass,
//! unless `CICLO_CI` is set (`.ci/run` sets it and installs both), where a
//! missing tool is a failure. Valgrind, when present (always under `CICLO_CI`),
//! checks that the shipped suppressions cover what the library keeps.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use ciclo::ffi::version::{
    CICLO_ABI_VERSION, CICLO_VERSION_MAJOR, CICLO_VERSION_MINOR, CICLO_VERSION_PATCH,
};

const PROGRAM: &str = r#"#include <stdio.h>
#include <ciclo.h>

int main(void) {
    char *out = NULL;
    ciclo_status st;
    if (ciclo_abi_version() != CICLO_ABI_VERSION) {
        fprintf(stderr, "ABI %u, header %u\n", ciclo_abi_version(), CICLO_ABI_VERSION);
        return 1;
    }
    /* Standardising a record builds the lookup tables kept for the process. */
    st = ciclo_record_standardize_json(
        "{\"given_name\": \"Pepa\", \"surname\": \"García\", \"phone\": \"011 15-2345-6789\","
        " \"street\": \"Av. Corrientes 1234\", \"province\": \"Capital Federal\"}",
        "{\"default_country\": \"AR\"}", &out);
    if (st != CICLO_STATUS_OK) {
        fprintf(stderr, "%s: %s\n", ciclo_status_name(st), ciclo_last_error_message());
        return 1;
    }
    printf("ciclo %s (ABI %u): %s\n", ciclo_version(), ciclo_abi_version(), out);
    ciclo_string_free(out);
    return 0;
}
"#;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("install")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn soname() -> String {
    format!("libciclo.so.{CICLO_ABI_VERSION}")
}

fn version() -> String {
    format!("{CICLO_VERSION_MAJOR}.{CICLO_VERSION_MINOR}.{CICLO_VERSION_PATCH}")
}

/// Whether the tools a test needs are installed; panics under `CICLO_CI`
/// when one is not, says which are missing otherwise.
fn have(tools: &[&str]) -> bool {
    let missing: Vec<&str> = tools
        .iter()
        .copied()
        .filter(|tool| {
            Command::new(tool)
                .arg("--version")
                .output()
                .map_or(true, |o| !o.status.success())
        })
        .collect();
    if missing.is_empty() {
        return true;
    }
    let message = format!(
        "{} not installed (apt-get install {})",
        missing.join(" and "),
        missing.join(" ")
    );
    assert!(std::env::var_os("CICLO_CI").is_none(), "{message}");
    eprintln!("skipped: {message}");
    false
}

/// Runs a command, failing with its output when it fails.
fn run(command: &mut Command) -> Output {
    let out = command
        .output()
        .unwrap_or_else(|e| panic!("cannot run {command:?}: {e}"));
    assert!(
        out.status.success(),
        "{command:?} failed ({}):\n{}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// The directory where `cargo test` left the cdylib and staticlib built with
/// this test (only `cargo build` copies them a level up, where they may be stale).
fn artifacts() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let deps = exe.parent().unwrap().to_path_buf();
    for name in ["libciclo.so", "libciclo.a"] {
        assert!(deps.join(name).exists(), "{name} was not built");
    }
    deps
}

fn install_script(args: &[&str]) -> Command {
    let mut command = Command::new("sh");
    command
        .arg(root().join("install.sh"))
        .args(args)
        .env_remove("PREFIX")
        .env_remove("DESTDIR");
    command
}

/// The prefix the library is installed into once, for every test here.
fn prefix() -> &'static Path {
    static PREFIX: OnceLock<PathBuf> = OnceLock::new();
    PREFIX.get_or_init(|| {
        let prefix = scratch("prefix");
        let from = artifacts();
        run(&mut install_script(&[
            "--from",
            from.to_str().unwrap(),
            "--prefix",
            prefix.to_str().unwrap(),
        ]));
        prefix
    })
}

/// The run-time dependencies (`NEEDED`) of a program.
fn needed(program: &Path) -> Vec<String> {
    let out = run(Command::new("readelf").arg("-d").arg(program));
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| l.contains("(NEEDED)"))
        .filter_map(|l| Some(l.split_once('[')?.1.split_once(']')?.0.to_string()))
        .collect()
}

/// Checks what the program printed when it ran.
fn check_output(out: &Output) {
    let stdout = String::from_utf8_lossy(&out.stdout);
    let expected = format!("ciclo {} (ABI {CICLO_ABI_VERSION}): ", version());
    assert!(stdout.starts_with(&expected), "{stdout}");
    assert!(stdout.contains("\"e164\":\"+5491123456789\""), "{stdout}");
}

#[test]
fn install_lays_out_libraries_headers_and_package_files() {
    let prefix = prefix();
    let lib = prefix.join("lib");
    let real = format!("libciclo.so.{CICLO_ABI_VERSION}.{}", version());
    assert!(lib.join(&real).is_file());
    assert_eq!(
        std::fs::read_link(lib.join(soname())).unwrap(),
        Path::new(&real)
    );
    assert_eq!(
        std::fs::read_link(lib.join("libciclo.so")).unwrap(),
        Path::new(&soname())
    );
    assert!(lib.join("libciclo.a").is_file());
    assert_eq!(
        std::fs::read(prefix.join("include/ciclo.h")).unwrap(),
        std::fs::read(root().join("include/ciclo.h")).unwrap()
    );
    assert_eq!(
        prefix.join("include/ciclo.hpp").exists(),
        root().join("include/ciclo.hpp").exists()
    );
    for file in [
        "lib/pkgconfig/ciclo.pc",
        "lib/cmake/ciclo/ciclo-config.cmake",
        "lib/cmake/ciclo/ciclo-config-version.cmake",
        "share/ciclo/ciclo.supp",
        "share/doc/ciclo/README.md",
        "share/doc/ciclo/LICENSE-MIT",
        "share/doc/ciclo/LICENSE-APACHE",
        "share/doc/ciclo/nicknames-LICENSE-APACHE",
        "share/doc/ciclo/nicknames-README.md",
    ] {
        assert!(prefix.join(file).is_file(), "{file} not installed");
    }
    let pc = std::fs::read_to_string(lib.join("pkgconfig/ciclo.pc")).unwrap();
    assert!(
        pc.contains(&format!("prefix={}\n", prefix.display())),
        "{pc}"
    );
    assert!(pc.contains(&format!("Version: {}\n", version())), "{pc}");
}

#[test]
fn destdir_stages_files_but_package_files_name_the_prefix() {
    let dir = scratch("staged");
    let destdir = dir.join("stage");
    let from = artifacts();
    run(&mut install_script(&[
        "--from",
        from.to_str().unwrap(),
        "--prefix",
        "/opt/ciclo",
        "--libdir",
        "/opt/ciclo/lib/x86_64-linux-gnu",
        "--destdir",
        destdir.to_str().unwrap(),
    ]));
    let libdir = destdir.join("opt/ciclo/lib/x86_64-linux-gnu");
    let pc = std::fs::read_to_string(libdir.join("pkgconfig/ciclo.pc")).unwrap();
    assert!(pc.starts_with("prefix=/opt/ciclo\n"), "{pc}");
    assert!(
        pc.contains("libdir=${prefix}/lib/x86_64-linux-gnu\n"),
        "{pc}"
    );
    assert!(!pc.contains(destdir.to_str().unwrap()), "{pc}");
    let cmake = std::fs::read_to_string(libdir.join("cmake/ciclo/ciclo-config.cmake")).unwrap();
    // lib/x86_64-linux-gnu/cmake/ciclo is four levels below the prefix.
    assert!(
        cmake.contains("\"${CMAKE_CURRENT_LIST_DIR}/../../../..\""),
        "{cmake}"
    );
    assert!(!cmake.contains(destdir.to_str().unwrap()), "{cmake}");
    assert!(libdir.join(soname()).exists());
    // A quarter of a gigabyte of debug libraries no other test reads.
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn install_script_names_what_is_wrong() {
    let out = install_script(&["--prefx", "/tmp/x"]).output().unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("unknown argument `--prefx`"), "{stderr}");

    let out = install_script(&["--prefix"]).output().unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("--prefix needs a value"), "{stderr}");

    let empty = scratch("empty");
    let target = scratch("not-written");
    let out = install_script(&[
        "--from",
        empty.to_str().unwrap(),
        "--prefix",
        target.to_str().unwrap(),
    ])
    .output()
    .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("{}/libciclo.so not found", empty.display())),
        "{stderr}"
    );
    assert_eq!(std::fs::read_dir(&target).unwrap().count(), 0);
}

#[test]
fn pkg_config_builds_a_program_that_runs_from_another_directory() {
    if !have(&["pkg-config"]) {
        return;
    }
    let prefix = prefix();
    let dir = scratch("pkg-config");
    std::fs::write(dir.join("app.c"), PROGRAM).unwrap();
    let flags = run(Command::new("pkg-config")
        .args(["--cflags", "--libs", "ciclo"])
        .env("PKG_CONFIG_PATH", prefix.join("lib/pkgconfig")));
    let flags = String::from_utf8(flags.stdout).unwrap();
    assert!(
        flags.contains(&format!("-I{}", prefix.join("include").display())),
        "{flags}"
    );
    let app = dir.join("app");
    run(Command::new("cc")
        .args(["-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic", "-g"])
        .arg(dir.join("app.c"))
        .args(flags.split_whitespace())
        .arg("-o")
        .arg(&app));
    assert!(needed(&app).contains(&soname()), "{:?}", needed(&app));

    // The C++ binding, when the tree has it, builds against the installed copy
    // with the same flags.
    if root().join("include/ciclo.hpp").exists() {
        let cpp = dir.join("app.cpp");
        std::fs::write(
            &cpp,
            "#include <ciclo.hpp>\n#include <cstdio>\n\
             int main() { std::printf(\"%s\\n\", ciclo::version().c_str()); \
             return ciclo::abi_version() == CICLO_ABI_VERSION ? 0 : 1; }\n",
        )
        .unwrap();
        let app_cpp = dir.join("app_cpp");
        run(Command::new("c++")
            .args(["-std=c++17", "-Wall", "-Wextra", "-Werror"])
            .arg(&cpp)
            .args(flags.split_whitespace())
            .arg("-o")
            .arg(&app_cpp));
        let out = run(Command::new(&app_cpp).env("LD_LIBRARY_PATH", prefix.join("lib")));
        assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), version());
    }

    // From another directory: the loader finds the soname through
    // LD_LIBRARY_PATH, and without it not at all (so it is not linked statically).
    let elsewhere = scratch("pkg-config-run");
    let libdir = prefix.join("lib");
    let out = run(Command::new(&app)
        .current_dir(&elsewhere)
        .env("LD_LIBRARY_PATH", &libdir));
    check_output(&out);
    let out = Command::new(&app)
        .current_dir(&elsewhere)
        .env_remove("LD_LIBRARY_PATH")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains(&soname()),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // The shipped suppressions cover the tables kept for the process: no leak
    // of any kind, no error.
    if !have(&["valgrind"]) {
        return;
    }
    let supp = run(Command::new("pkg-config")
        .args(["--variable=suppressions", "ciclo"])
        .env("PKG_CONFIG_PATH", prefix.join("lib/pkgconfig")));
    let supp = PathBuf::from(String::from_utf8(supp.stdout).unwrap().trim());
    assert_eq!(supp, prefix.join("share/ciclo/ciclo.supp"));
    let out = Command::new("valgrind")
        .args([
            "--leak-check=full",
            "--show-leak-kinds=definite,indirect,possible",
            "--errors-for-leak-kinds=definite,indirect,possible",
            "--error-exitcode=1",
            "-q",
            "--num-callers=50",
        ])
        .arg(format!("--suppressions={}", supp.display()))
        .arg(&app)
        .current_dir(&elsewhere)
        .env("LD_LIBRARY_PATH", &libdir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "valgrind with {}:\n{}",
        supp.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    check_output(&out);
}

#[test]
fn cmake_find_package_builds_shared_and_static_programs() {
    if !have(&["cmake"]) {
        return;
    }
    let prefix = prefix();
    let dir = scratch("cmake");
    std::fs::write(dir.join("app.c"), PROGRAM).unwrap();
    std::fs::write(
        dir.join("CMakeLists.txt"),
        format!(
            "cmake_minimum_required(VERSION 3.13)\n\
             project(app C)\n\
             find_package(ciclo {CICLO_VERSION_MAJOR}.{CICLO_VERSION_MINOR} REQUIRED)\n\
             if(NOT ciclo_ABI_VERSION EQUAL {CICLO_ABI_VERSION} OR NOT EXISTS \"${{ciclo_VALGRIND_SUPPRESSIONS}}\")\n\
             \x20 message(FATAL_ERROR \"ciclo_ABI_VERSION or ciclo_VALGRIND_SUPPRESSIONS wrong\")\n\
             endif()\n\
             add_executable(app_shared app.c)\n\
             target_link_libraries(app_shared PRIVATE ciclo::ciclo)\n\
             add_executable(app_static app.c)\n\
             target_link_libraries(app_static PRIVATE ciclo::ciclo_static)\n"
        ),
    )
    .unwrap();
    let build = dir.join("build");
    run(Command::new("cmake")
        .arg("-S")
        .arg(&dir)
        .arg("-B")
        .arg(&build)
        .arg(format!("-DCMAKE_PREFIX_PATH={}", prefix.display())));
    run(Command::new("cmake")
        .arg("--build")
        .arg(&build)
        .env("CMAKE_BUILD_PARALLEL_LEVEL", "1"));

    // The shared build finds the library through the run path CMake gives it;
    // the static one needs none.
    let elsewhere = scratch("cmake-run");
    let shared = build.join("app_shared");
    assert!(needed(&shared).contains(&soname()), "{:?}", needed(&shared));
    check_output(&run(Command::new(&shared)
        .current_dir(&elsewhere)
        .env_remove("LD_LIBRARY_PATH")));
    let stat = build.join("app_static");
    assert!(
        !needed(&stat).iter().any(|n| n.starts_with("libciclo")),
        "{:?}",
        needed(&stat)
    );
    check_output(&run(Command::new(&stat)
        .current_dir(&elsewhere)
        .env_remove("LD_LIBRARY_PATH")));

    // A request for a version this is not compatible with fails.
    let wrong = scratch("cmake-wrong-version");
    std::fs::write(
        wrong.join("CMakeLists.txt"),
        format!(
            "cmake_minimum_required(VERSION 3.13)\nproject(app C)\n\
             find_package(ciclo {} REQUIRED)\n",
            CICLO_VERSION_MAJOR + 1
        ),
    )
    .unwrap();
    let out = Command::new("cmake")
        .arg("-S")
        .arg(&wrong)
        .arg("-B")
        .arg(wrong.join("build"))
        .arg(format!("-DCMAKE_PREFIX_PATH={}", prefix.display()))
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(&version()), "{stderr}");
}
