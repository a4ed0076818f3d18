//! The `ciclo` program as a data steward runs it: each subcommand on the built-in
//! sample or the data under `tests/data/`, run from an empty directory (which
//! must stay empty: nothing is written there unasked), and bad arguments refused
//! with a message that names them.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/data")
        .join(name)
}

/// A fresh directory for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("cli")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs `ciclo` with `args` from `cwd`.
fn ciclo(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ciclo"))
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("the ciclo binary runs")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Runs `ciclo` and expects success.
fn ok(cwd: &Path, args: &[&str]) -> Output {
    let out = ciclo(cwd, args);
    assert!(
        out.status.success(),
        "ciclo {args:?} failed ({}):\n{}\n{}",
        out.status,
        stdout(&out),
        stderr(&out)
    );
    out
}

/// Runs `ciclo`, expects exit status `code` and every one of `needles` in stderr.
fn fails(cwd: &Path, args: &[&str], code: i32, needles: &[&str]) {
    let out = ciclo(cwd, args);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(code), "ciclo {args:?}:\n{err}");
    for needle in needles {
        assert!(err.contains(needle), "`{needle}` not in:\n{err}");
    }
}

fn empty(dir: &Path) -> bool {
    std::fs::read_dir(dir).unwrap().next().is_none()
}

fn lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .lines()
        .map(str::to_string)
        .collect()
}

/// A copy of `tests/data/<name>` in a fresh directory of its own.
fn copy_of(test: &str, name: &str) -> PathBuf {
    let dir = scratch(test);
    let path = dir.join(name);
    std::fs::copy(data(name), &path).unwrap();
    path
}

#[test]
fn help_and_version() {
    let cwd = scratch("help");
    let out = ok(&cwd, &["--help"]);
    for command in ["lifecycle", "dedup", "clv", "standardize", "analytics"] {
        assert!(stdout(&out).contains(command), "{}", stdout(&out));
    }
    let out = ok(&cwd, &["--version"]);
    assert_eq!(stdout(&out).trim(), "ciclo 0.1.0");
    fails(&cwd, &["churn"], 2, &["unrecognized subcommand 'churn'"]);
}

#[test]
fn lifecycle_runs_the_built_in_sample() {
    let cwd = scratch("lifecycle");
    let out = ok(&cwd, &["lifecycle", "--customers", "300", "--seed", "7"]);
    let text = stdout(&out);
    for expected in [
        "ciclo lifecycle: preset `six_stage`, seed 7",
        "  300 customers, ",
        " 0 errors",
        "Customers per stage",
        "Transitions",
        "first_purchase",
        "Days from first seen to first entering a stage",
    ] {
        assert!(text.contains(expected), "`{expected}` not in:\n{text}");
    }
    // The customers per stage add up to all of them.
    let section = text.split("Customers per stage").nth(1).unwrap();
    let total: usize = section
        .lines()
        .skip(2)
        .take_while(|l| !l.trim().is_empty())
        .map(|l| l.split_whitespace().nth(1).unwrap().replace(',', ""))
        .map(|n| n.parse::<usize>().unwrap())
        .sum();
    assert_eq!(total, 300, "{text}");
    assert!(empty(&cwd));
}

#[test]
fn lifecycle_refuses_bad_arguments_by_name() {
    let cwd = scratch("lifecycle-bad");
    fails(
        &cwd,
        &["lifecycle", "--customers", "2000000"],
        2,
        &["--customers", "2000000 is not in 0..=1000000"],
    );
    fails(
        &cwd,
        &["lifecycle", "--seed", "x"],
        2,
        &["invalid value 'x' for '--seed <S>'"],
    );
    fails(
        &cwd,
        &["lifecycle", "--customer", "5"],
        2,
        &["unexpected argument '--customer'"],
    );
}

#[test]
fn dedup_writes_next_to_the_input_or_where_asked() {
    let input = copy_of("dedup", "febrl1.csv");
    let dir = input.parent().unwrap();
    let cwd = scratch("dedup-cwd");
    let golden = dir.join("golden.jsonl");
    let review = dir.join("review.csv");
    let out = ok(
        &cwd,
        &[
            "dedup",
            input.to_str().unwrap(),
            "--golden",
            golden.to_str().unwrap(),
            "--review",
            review.to_str().unwrap(),
        ],
    );
    let err = stderr(&out);
    assert!(err.contains("delimiter: ',' (detected)"), "{err}");
    assert!(err.contains("records: 1000"), "{err}");
    assert!(empty(&cwd), "dedup wrote into the current directory");

    let ids = lines(&dir.join("febrl1.golden_ids.csv"));
    assert_eq!(ids.len(), 1001);
    assert_eq!(ids[0], "rec_id,golden_id");
    let mut customers: Vec<&str> = ids[1..]
        .iter()
        .map(|l| l.split(',').nth(1).unwrap())
        .collect();
    customers.sort_unstable();
    customers.dedup();
    assert!(
        err.contains(&format!("golden records: {}\n", customers.len())),
        "{err}"
    );
    assert_eq!(lines(&golden).len(), customers.len());
    assert_eq!(
        lines(&review)[0],
        "rec_id_a,rec_id_b,probability,reason,weights"
    );

    // --out elsewhere; a `;` export is detected and said.
    let semicolon = dir.join("febrl1_semicolon.csv");
    let text = std::fs::read_to_string(&input).unwrap().replace(',', ";");
    std::fs::write(&semicolon, text).unwrap();
    let chosen = cwd.join("chosen.csv");
    let out = ok(
        &cwd,
        &[
            "dedup",
            semicolon.to_str().unwrap(),
            "--out",
            "chosen.csv",
            "--no-estimate",
        ],
    );
    assert!(
        stderr(&out).contains("delimiter: ';' (detected)"),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("model: default parameters"));
    assert_eq!(lines(&chosen).len(), 1001);
}

#[test]
fn dedup_refuses_bad_arguments_and_files_by_name() {
    let input = copy_of("dedup-bad", "febrl1.csv");
    let path = input.to_str().unwrap();
    let cwd = scratch("dedup-bad-cwd");
    fails(
        &cwd,
        &["dedup", path, "--country", "XX"],
        2,
        &["'--country <CC>'", "not an ISO 3166"],
    );
    fails(
        &cwd,
        &["dedup", path, "--delimiter", ":"],
        2,
        &["'--delimiter <D>'", "expected one of , ; | tab"],
    );
    fails(
        &cwd,
        &["dedup", path, "--date-order", "ymd"],
        2,
        &["'--date-order <ORDER>'", "expected dmy or mdy"],
    );
    fails(
        &cwd,
        &["dedup", path, "--map", "surname"],
        2,
        &["'--map <COLUMN=FIELD>'"],
    );
    fails(
        &cwd,
        &["dedup", path, "--map", "surname=nickname"],
        1,
        &["--map: unknown field `nickname`"],
    );
    fails(
        &cwd,
        &["dedup", path, "--out", path],
        1,
        &["would overwrite the input"],
    );
    // Two outputs naming one file: the second would replace the first unsaid.
    let golden_ids = input.with_file_name("febrl1.golden_ids.csv");
    let review = golden_ids.to_str().unwrap();
    fails(
        &cwd,
        &["dedup", path, "--review", review],
        1,
        &["--out and --review both name"],
    );
    assert!(!golden_ids.exists());
    let golden = cwd.join("same.jsonl");
    fails(
        &cwd,
        &[
            "dedup",
            path,
            "--out",
            "same.jsonl",
            "--golden",
            golden.to_str().unwrap(),
        ],
        1,
        &["--out and --golden both name"],
    );
    assert!(!golden.exists());
    fails(
        &cwd,
        &["dedup", "missing.csv"],
        1,
        &["ciclo dedup: missing.csv: "],
    );
    let only_ids = cwd.join("ids.csv");
    std::fs::write(&only_ids, "id\n1\n2\n").unwrap();
    fails(
        &cwd,
        &["dedup", "ids.csv"],
        1,
        &["ids.csv: ", "no known column found"],
    );
    fails(&cwd, &["dedup"], 2, &["<INPUT>"]);
    assert!(!cwd.join("ids.golden_ids.csv").exists());
}

#[test]
fn clv_writes_predictions_next_to_the_input_or_where_asked() {
    let input = copy_of("clv", "cdnow_summary.csv");
    let cwd = scratch("clv-cwd");
    let out = ok(&cwd, &["clv", input.to_str().unwrap()]);
    assert!(empty(&cwd), "clv wrote into the current directory");
    let parameters: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert!(parameters["bgnbd"]["r"].as_f64().unwrap() > 0.0);
    assert_eq!(parameters["bgnbd"]["customers"], 2357);
    let predictions = input.with_file_name("cdnow_summary.predictions.csv");
    let rows = lines(&predictions);
    assert_eq!(rows.len(), 2358);
    assert_eq!(
        rows[0],
        "customer_id,p_alive,expected_purchases_30,expected_purchases_90,expected_average_value,clv"
    );
    assert!(stderr(&out).contains(&format!("written to {}", predictions.display())));

    // Where --out says, with the options that change the value.
    ok(
        &cwd,
        &[
            "clv",
            input.to_str().unwrap(),
            "--out",
            "p.csv",
            "--months",
            "24",
            "--discount",
            "0",
        ],
    );
    let longer = lines(&cwd.join("p.csv"));
    let clv = |row: &str| row.rsplit(',').next().unwrap().parse::<f64>().unwrap();
    let (first_12, first_24) = (clv(&rows[1]), clv(&longer[1]));
    assert!(first_24 > first_12, "{first_24} vs {first_12}");
}

#[test]
fn clv_refuses_bad_arguments_and_files_by_name() {
    let input = copy_of("clv-bad", "cdnow_summary.csv");
    let path = input.to_str().unwrap();
    let cwd = scratch("clv-bad-cwd");
    fails(
        &cwd,
        &["clv", path, "--discount", "-1"],
        2,
        &["'--discount <RATE>'", "at least 0"],
    );
    fails(
        &cwd,
        &["clv", path, "--penalizer", "abc"],
        2,
        &["'--penalizer <P>'", "not a number"],
    );
    fails(
        &cwd,
        &["clv", path, "--months", "500"],
        2,
        &["'--months <N>'", "500 is not in 0..=120"],
    );
    fails(
        &cwd,
        &["clv", path, "--unit", "years"],
        2,
        &["'--unit <UNIT>'", "weeks, days, months"],
    );
    fails(
        &cwd,
        &["clv", "nothere.csv"],
        1,
        &["ciclo clv: nothere.csv: "],
    );
    let bad = cwd.join("bad.csv");
    std::fs::write(&bad, "customer_id,frequency,recency,T\nc1,2,5,1\n").unwrap();
    fails(
        &cwd,
        &["clv", "bad.csv", "--out", "out.csv"],
        1,
        &["bad.csv: ", "line 2.recency: 5 is after T"],
    );
    assert!(!cwd.join("out.csv").exists());
}

#[test]
fn standardize_writes_one_line_per_record() {
    let input = copy_of("standardize", "dupes_es.csv");
    let cwd = scratch("standardize-cwd");
    let out = ok(
        &cwd,
        &["standardize", input.to_str().unwrap(), "--country", "ES"],
    );
    assert!(empty(&cwd), "standardize wrote into the current directory");
    let records = lines(&data("dupes_es.csv")).len() - 1;
    let written = lines(&input.with_file_name("dupes_es.standardized.jsonl"));
    assert_eq!(written.len(), records);
    let first: serde_json::Value = serde_json::from_str(&written[0]).unwrap();
    assert!(first["id"].is_string(), "{first}");
    for key in ["record", "valid", "findings", "parsed"] {
        assert!(first.get(key).is_some(), "no `{key}` in {first}");
    }
    let err = stderr(&out);
    assert!(err.contains(&format!("records: {records}\n")), "{err}");

    // `--out -`: standard output.
    let out = ok(
        &cwd,
        &["standardize", input.to_str().unwrap(), "--out", "-"],
    );
    assert_eq!(stdout(&out).lines().count(), records);
    assert!(empty(&cwd));
}

#[test]
fn standardize_refuses_bad_arguments_by_name() {
    let input = copy_of("standardize-bad", "dupes_es.csv");
    let path = input.to_str().unwrap();
    let cwd = scratch("standardize-bad-cwd");
    fails(
        &cwd,
        &["standardize", path, "--map", "phone=fax"],
        1,
        &["--map: unknown field `fax`"],
    );
    fails(
        &cwd,
        &["standardize", path, "--country", "Argentina"],
        2,
        &["'--country <CC>'"],
    );
    fails(
        &cwd,
        &["standardize", path, "--out", path],
        1,
        &["would overwrite the input"],
    );
}

#[test]
fn analytics_writes_next_to_the_input_or_where_asked() {
    let input = copy_of("analytics", "cdnow_sample_transactions.csv");
    let cwd = scratch("analytics-cwd");
    let out = ok(&cwd, &["analytics", input.to_str().unwrap()]);
    assert!(empty(&cwd), "analytics wrote into the current directory");
    assert!(stderr(&out).contains("2357 customers"), "{}", stderr(&out));
    // CDNOW names no product: no offers, and the command says why.
    assert!(
        stderr(&out).contains("no next best offers: the file has no product column"),
        "{}",
        stderr(&out)
    );
    let dir = input.with_file_name("cdnow_sample_transactions.analytics");
    assert!(!dir.join("next_best_offer.csv").exists());
    let rfm = lines(&dir.join("rfm.csv"));
    assert_eq!(
        rfm[0],
        "customer_id,recency_days,frequency,monetary,r,f,m,segment"
    );
    assert_eq!(rfm.len(), 2_358);
    assert_eq!(
        lines(&dir.join("cohorts.csv")),
        lines(&data("cdnow_expected/cohorts.csv"))
    );
    let there = scratch("analytics-out");
    ok(
        &cwd,
        &[
            "analytics",
            input.to_str().unwrap(),
            "--out",
            there.to_str().unwrap(),
            "--as-of",
            "1998-01-01",
        ],
    );
    assert_eq!(
        lines(&there.join("rfm.csv")),
        lines(&data("cdnow_expected_1998/rfm.csv"))
    );
    assert!(there.join("report.html").exists());
}

#[test]
fn analytics_refuses_bad_arguments_and_files_by_name() {
    let input = copy_of("analytics-bad", "cdnow_sample_transactions.csv");
    let path = input.to_str().unwrap();
    let cwd = scratch("analytics-bad-cwd");
    fails(
        &cwd,
        &["analytics", path, "--as-of", "1998-13-01"],
        2,
        &["--as-of", "YYYY-MM-DD"],
    );
    fails(
        &cwd,
        &["analytics", path, "--map", "customer_id"],
        2,
        &["--map", "column=field"],
    );
    fails(
        &cwd,
        &["analytics", path, "--map", "customer_id=ignore"],
        1,
        &["no customer column"],
    );
    fails(&cwd, &["analytics", "-"], 1, &["give --out DIR"]);
    // A placeholder date in the future: refused by line, nothing written;
    // accepted with --as-of, the line left out.
    let dir = scratch("analytics-future");
    let future = dir.join("future.csv");
    std::fs::write(
        &future,
        "customer,date,amount\na,2010-01-04,1\nb,9999-12-31,2\n",
    )
    .unwrap();
    let f = future.to_str().unwrap();
    fails(
        &cwd,
        &["analytics", f],
        1,
        &["csv line 3.date: 9999-12-31 is in the future", "--as-of"],
    );
    assert!(!dir.join("future.analytics").exists());
    let out = ok(&cwd, &["analytics", f, "--as-of", "2010-02-01"]);
    assert!(
        stderr(&out).contains("(1 lines on or after it not used)"),
        "{}",
        stderr(&out)
    );
    assert!(empty(&cwd));
}

#[test]
fn analytics_writes_next_best_offers_from_a_file_with_products() {
    let dir = scratch("analytics-offers");
    let input = dir.join("baskets.csv");
    std::fs::write(
        &input,
        "customer,order,product,date,amount\n\
         a,1,mate,2010-01-04,1\na,1,yerba,2010-01-04,1\n\
         b,2,mate,2010-01-04,1\nb,2,yerba,2010-01-04,1\nc,3,mate,2010-01-04,1\n",
    )
    .unwrap();
    let out = ok(
        &dir,
        &["analytics", input.to_str().unwrap(), "--out", "out"],
    );
    assert!(
        stderr(&out).contains("next_best_offer.csv"),
        "{}",
        stderr(&out)
    );
    let rows = lines(&dir.join("out/next_best_offer.csv"));
    assert_eq!(rows[0], "customer_id,rank,product,score,reason");
    assert!(
        rows.iter().any(|r| r.starts_with("c,1,yerba,")
            && r.ends_with(",\"bought mate; together in 2 orders: lift 1.0, confidence 0.67\"")),
        "{rows:?}"
    );
}
