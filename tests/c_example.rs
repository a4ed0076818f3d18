//! Builds the C example against the static library with the system compiler, runs
//! it, and checks what it prints. (CI also runs it under valgrind.) Also checks the
//! shared library: its soname, and its exported symbols against the committed
//! snapshot `abi/symbols.txt` (see `tests/abi_snapshot/mod.rs`).

use std::path::PathBuf;
use std::process::Command;

mod abi_snapshot;

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

/// Builds `examples/c/<name>.c` against the static library, runs it, and gives
/// what it printed.
fn build_and_run_example(name: &str) -> String {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let lib = artifact("libciclo.a");
    let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("{name}_c"));
    let status = Command::new("cc")
        .args(["-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic", "-g"])
        .arg("-I")
        .arg(root.join("include"))
        .arg(root.join(format!("examples/c/{name}.c")))
        .arg(&lib)
        .args(["-lpthread", "-ldl", "-lm", "-o"])
        .arg(&out)
        .status()
        .expect("a C compiler (cc) is installed");
    assert!(status.success(), "the C example {name}.c does not compile");
    let run = Command::new(&out).output().unwrap();
    let stdout = String::from_utf8_lossy(&run.stdout).into_owned();
    assert!(
        run.status.success(),
        "the C example {name}.c failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&run.stderr)
    );
    stdout
}

#[test]
fn consolidation_c_example_builds_runs_and_consolidates() {
    let stdout = build_and_run_example("consolidation");
    for expected in [
        "merged   -> G1",
        "cross-reference: erp/000233 is G1",
        "\"given_name\":\"José Luis\"",
        "\"national_id\":\"20-12345678-6\"",
        "\"decided\":{\"by\":\"only_source\"},\"field\":\"address\"",
        "survivor G1",
        "crm/C-2001 is G2 again",
        "\"total\":105000000",
        "CICLO_STATUS_INVALID_CONFIG",
        "would make a cycle",
        "nothing to unmerge",
        "progress: cluster 3/3",
        "\"golden\":[\"r1\",\"r1\",\"r3\"]",
        "the engine scores with the batch's model: yes",
        "\"key\":\"email:pepegonzalez@gmail.com\"",
        "Pepe González Pérez and José Gonzalez: merge",
        "a: no field to compare",
        "options.model.merge_threshold",
        "done",
    ] {
        assert!(
            stdout.contains(expected),
            "missing `{expected}` in:\n{stdout}"
        );
    }
}

#[test]
fn retention_c_example_builds_runs_and_predicts() {
    let stdout = build_and_run_example("retention");
    for expected in [
        "{\"bgnbd\":{\"r\":",
        "\"customers\":10,\"skipped\":4}}",
        "c04: P(alive) 0.",
        "c12: P(alive) 0.",
        "12-month CLV",
        "new: {\"customers\":[{\"id\":\"new\",\"p_alive\":",
        "customers[0].recency: 40 is after T",
        "customers: the population is empty",
        "gamma_gamma.q: 0.9 is not above 1",
        "unknown field `horizon` in options",
        "CICLO_STATUS_NULL_ARGUMENT",
        "done",
    ] {
        assert!(
            stdout.contains(expected),
            "missing `{expected}` in:\n{stdout}"
        );
    }
    // c12 bought last week, c04 nine weeks ago: c12 is likelier still a customer.
    let p_alive = |id: &str| -> f64 {
        let line = stdout
            .lines()
            .find(|l| l.trim_start().starts_with(&format!("{id}: P(alive)")))
            .unwrap_or_else(|| panic!("no line for {id} in:\n{stdout}"));
        line.split_whitespace()
            .nth(2)
            .unwrap()
            .trim_end_matches(',')
            .parse()
            .unwrap()
    };
    assert!(p_alive("c12") > p_alive("c04"), "{stdout}");
}

#[test]
fn triggers_c_example_builds_runs_and_fires() {
    let stdout = build_and_run_example("triggers");
    for expected in [
        "triggers set",
        "{\"customer\":\"ana\",\"rule\":\"complaint_callback\",\"action\":\"call_back\",\"priority\":95,\"at\":\"2026-04-03T12:00:00Z\"",
        "{\"signal\":\"complaints_in_window\",\"op\":\">=\",\"threshold\":2.0,\"actual\":2.0}",
        "{\"customer\":\"beto\",\"rule\":\"win_back\",\"action\":\"win_back_offer\"",
        "{\"customer\":\"caro\",\"rule\":\"win_back\"",
        "{\"firings\":[]}",
        "{\"customer\":\"ana\",\"score\":",
        "\"exit_reason\":\"precio\",\"lapsed_at\":\"2026-03-01T10:00:00Z\"",
        "\"by_reason\":{\"precio\":{\"attempts\":1,\"won\":1,\"rate\":1.0}}",
        "rules[0].when.signal: unknown signal `mood`",
        "unknown stage `limbo` in rules[0].stages[0]",
        "customer `nobody` not found",
        "invalid argument won: 7",
        "CICLO_STATUS_NULL_ARGUMENT",
        "done",
    ] {
        assert!(
            stdout.contains(expected),
            "missing `{expected}` in:\n{stdout}"
        );
    }
    // Firings sorted by customer; candidates by expected value (caro brought
    // more a year while she bought).
    let at = |s: &str| {
        stdout
            .find(s)
            .unwrap_or_else(|| panic!("no `{s}` in:\n{stdout}"))
    };
    assert!(at("\"customer\":\"ana\",\"rule\"") < at("\"customer\":\"beto\",\"rule\""));
    assert!(
        at("\"customer\":\"caro\",\"exit_reason\"") < at("\"customer\":\"beto\",\"exit_reason\"")
    );
}

#[test]
fn changes_c_example_builds_runs_and_keeps_ids_only() {
    let stdout = build_and_run_example("changes");
    for expected in [
        "\"seq\":1,\"type\":\"customer_created\",\"customer\":\"ana\",\"stage\":\"awareness\"",
        "\"type\":\"stage_moved\",\"customer\":\"ana\",\"from\":\"awareness\",\"to\":\"conversion\"",
        "\"rule\":\"repeat_purchase\"",
        "\"type\":\"golden_created\",\"golden_id\":\"G1\"",
        "\"type\":\"erased\",\"customers\":[\"G1\"],\"sources\":[{\"id\":\"C-1\",\"system\":\"crm\"},{\"id\":\"E-9\",\"system\":\"erp\"}]",
        "callback: ",
        "from 0: CICLO_STATUS_CHANGES_DROPPED: changes after sequence 0 are no longer kept",
        "done",
    ] {
        assert!(
            stdout.contains(expected),
            "missing `{expected}` in:\n{stdout}"
        );
    }
    // After the erasure, the feed holds none of the person's data (the ids
    // of their records are there, for the host to delete its rows by).
    let after = &stdout[stdout.find("erased G1").unwrap()..];
    let after = &after[..after.find("callback: ").unwrap()];
    for value in ["Dolores", "Fuentes", "dolores", "4777"] {
        assert!(
            !after.contains(value),
            "{value} after the erasure:\n{after}"
        );
    }
}

#[test]
fn c_example_builds_runs_and_prints_transitions() {
    let stdout = build_and_run_example("lifecycle");
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
        "-> +5491123456789",
        "-> +5492916757491",
        "-> +34612301815",
        "-> 20-12345678-6",
        "-> 12.345.678",
        "-> 12345678Z",
        "-> X1234567L",
        "CICLO_STATUS_INVALID_VALUE",
        "\"code\":\"email.domain_typo\"",
        "\"code\":\"date.impossible\"",
        "\"surname\":\"García Márquez\"",
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
    let symbols: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| Some(l.split_whitespace().nth(2)?.to_string()))
        .collect();
    let foreign: Vec<&String> = symbols
        .iter()
        .filter(|s| !s.starts_with("ciclo_"))
        .collect();
    assert!(
        foreign.is_empty(),
        "exported symbols without the ciclo_ prefix: {foreign:?}"
    );
    let current = symbols.into_iter().map(|s| (s, String::new())).collect();
    abi_snapshot::check(
        "symbols.txt",
        "The exported symbols",
        "The dynamic symbols libciclo.so exports (`nm -D --defined-only`), checked by\n\
         tests/c_example.rs against the library the tests build.",
        &current,
    );
}

#[test]
fn shared_library_soname_is_the_abi_version() {
    let lib = artifact("libciclo.so");
    let out = Command::new("readelf")
        .arg("-d")
        .arg(&lib)
        .output()
        .expect("readelf (binutils) is installed");
    assert!(out.status.success());
    let dynamic = String::from_utf8_lossy(&out.stdout);
    let expected = format!(
        "Library soname: [libciclo.so.{}]",
        ciclo::ffi::version::CICLO_ABI_VERSION
    );
    assert!(dynamic.contains(&expected), "{expected} not in:\n{dynamic}");
}

#[test]
fn readme_c_quickstart_compiles_and_runs() {
    let blocks = readme_c_blocks();
    let stdout = compile_and_run("readme_quickstart", &blocks[0]);
    assert!(stdout.contains("\"rule\":\"first_purchase\""));
}

#[test]
fn readme_c_fragments_compile_and_run() {
    // Blocks after the quickstart are fragments: each runs inside a main() that
    // fails if any `if (... == CICLO_STATUS_OK)` branch was not taken.
    let blocks = readme_c_blocks();
    assert!(blocks.len() >= 2, "README has C fragments");
    for (i, block) in blocks.iter().enumerate().skip(1) {
        let body = block.replace("== CICLO_STATUS_OK) {", "== CICLO_STATUS_OK) { taken++;");
        let branches = block.matches("== CICLO_STATUS_OK) {").count();
        let program = format!(
            "#include <stdio.h>\n#include \"ciclo.h\"\nint main(void) {{\n    int taken = 0;\n\
             {body}\n    printf(\"taken %d\\n\", taken);\n    return taken == {branches} ? 0 : 1;\n}}\n"
        );
        let stdout = compile_and_run(&format!("readme_fragment_{i}"), &program);
        assert!(stdout.contains(&format!("taken {branches}")), "{stdout}");
    }
}

/// The README's ```c blocks, in order.
fn readme_c_blocks() -> Vec<String> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    readme
        .split("```c\n")
        .skip(1)
        .map(|rest| rest[..rest.find("```").unwrap()].to_string())
        .collect()
}

/// Compiles a C program against the static library, runs it, returns its stdout.
fn compile_and_run(name: &str, source: &str) -> String {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let src = dir.join(format!("{name}.c"));
    std::fs::write(&src, source).unwrap();
    let out = dir.join(name);
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
        "the README's C block `{name}` does not compile"
    );
    let run = Command::new(&out).output().unwrap();
    let stdout = String::from_utf8_lossy(&run.stdout).into_owned();
    assert!(run.status.success(), "`{name}` failed: {stdout}");
    stdout
}

#[test]
fn analytics_c_example_builds_runs_and_explains_the_base() {
    let stdout = build_and_run_example("analytics");
    for expected in [
        "funnel: {\"from\":\"2026-01-01T00:00:00Z\",\"to\":\"2026-04-01T00:00:00Z\",\"customers\":7,",
        "{\"from\":\"conversion\",\"to\":\"growth\",\"rules\":[\"cross_sell\",\"repeat_purchase\"],\"entered\":5,\"converted\":2,\"rate\":0.4,",
        "funnel.svg: ",
        " bytes, an XML document",
        "\"reached\":5,\"moved_on\":2,\"pending\":0,\"dropped\":3,",
        "{\"reason\":\"cancelled\",\"detail\":\"precio\",\"customers\":1,",
        "\"last_move\":{\"stage\":\"reactivation\",\"cause\":\"cancellation\",\"at\":\"2026-01-25T10:00:00Z\"}",
        "{\"reason\":\"payment_failures\",\"detail\":null,\"customers\":1,",
        "{\"reason\":\"complaints\",\"detail\":null,\"customers\":1,",
        "{\"month\":\"2026-02\",\"customers\":3,",
        "\"revenue\":[{\"currency\":\"ARS\",\"customers\":2,\"revenue\":13500000}]",
        "{\"month\":\"2026-03\",\"active_at_start\":4,",
        "non_performing funnel: {\"from\":\"2026-01-01T00:00:00Z\",\"to\":\"2026-04-01T00:00:00Z\",\"customers\":2,\"stages\":[{\"stage\":\"applicant\",\"entered\":2,\"still_in\":1,",
        "{\"from\":\"applicant\",\"to\":\"borrower\",\"rules\":[\"first_loan\"],\"entered\":2,\"converted\":1,\"rate\":0.5,",
        "\"segments\":[{\"segment\":\"non_performing\",\"customers\":1,",
        "invalid argument options.segment: `vip` is not a segment of the model (it has: non_performing)",
        "flowchart LR",
        "s2 -->|\"cross_sell, repeat_purchase\"| s3",
        "s5 -.->|\"win_back\"| s2",
        "digraph \"five_stage\" {",
        "s2 -> s3 [label=\"after_sales_contact, after_sales_period\"];",
        "invalid argument options.to: the period ends (2026-01-01T00:00:00Z) before it starts",
        "unknown stage `limbo` in options.stage",
        "invalid argument options.horizon_days",
        "CICLO_STATUS_INVALID_JSON: invalid JSON in options",
        "`options_json` is not valid UTF-8",
        "`options_json` is NULL",
        "`png` is not a diagram format",
        "empty base: {\"from\":\"2026-01-01T00:00:00Z\"",
        "done",
    ] {
        assert!(
            stdout.contains(expected),
            "missing `{expected}` in:\n{stdout}"
        );
    }
}

#[test]
fn offers_c_example_builds_runs_and_offers() {
    let stdout = build_and_run_example("offers");
    for expected in [
        "affinities: {\"as_of\":\"2026-01-21T10:00:00Z\",\"products\":4,\"orders\":12,\"customers\":8,",
        "{\"from\":\"mate imperial\",\"to\":\"bombilla alpaca\",\"kind\":\"together\",\"support\":6,",
        "\"offers\":[{\"rank\":1,\"kind\":\"cross_sell\",\"action\":\"offer_product\",\"product\":\"bombilla alpaca\",",
        "\"action\":\"offer_category\",\"product\":\"bombillas\",",
        "\"product\":\"yerbas\"",
        "rfm: {\"as_of\":\"2026-02-01T00:00:00Z\",\"currencies\":[{\"currency\":\"ARS\",\"customers\":7,",
        "{\"currency\":\"EUR\",\"customers\":1,",
        "{\"customer\":\"ana\",\"currency\":\"ARS\",\"recency_days\":12,\"frequency\":1,\"monetary\":1800000,\"r\":5,\"f\":1,\"m\":1,\"segment\":\"new_customers\"}",
        "\"next_cursor\":\"c1\"}",
        "rfm: 3 pages",
        "invalid argument options.top_k",
        "unknown variant `brand`",
        "invalid argument max: 0 is not between 1 and 100",
        "customer `nadie` not found",
        "`customer_id` is NULL",
        "invalid argument options.as_of: `beto` bought at 2026-01-21T10:00:00Z",
        "`ayer` is not an RFC 3339 timestamp",
        "`options_json` is not valid UTF-8",
        "invalid argument options.limit",
        "ciclo_engine_rfm_json: `engine` is NULL",
        "empty base: {\"as_of\":null,\"currencies\":[],\"customers\":[],\"next_cursor\":null}",
        "done",
    ] {
        assert!(
            stdout.contains(expected),
            "missing `{expected}` in:\n{stdout}"
        );
    }
}
