//! Agreement of `phone::parse` with Google's libphonenumber (python `phonenumbers`
//! 9.0.43) on `tests/data/phones.csv`: 2,000 numbers of the nine supported
//! regions, written nationally, internationally, with `00`, Argentine domestic
//! mobiles with `15`, and cut short.
//!
//! Columns: `region_hint,input,valid,e164,type`.

mod common;

use ciclo::standardize::phone::parse;
use ciclo::standardize::Country;

struct Row<'a> {
    region: &'a str,
    input: &'a str,
    valid: bool,
    e164: &'a str,
    line: &'a str,
}

fn rows(table: &[Vec<String>]) -> Vec<Row<'_>> {
    table
        .iter()
        .map(|f| Row {
            region: &f[0],
            input: &f[1],
            valid: match f[2].as_str() {
                "True" => true,
                "False" => false,
                other => panic!("valid column {other:?} in {f:?}"),
            },
            e164: &f[3],
            line: &f[4],
        })
        .collect()
}

/// The oracle's rows.
fn table() -> Vec<Vec<String>> {
    let (header, rows) = common::csv("phones.csv");
    assert_eq!(header, ["region_hint", "input", "valid", "e164", "type"]);
    rows
}

#[test]
fn agrees_with_libphonenumber() {
    let table = table();
    let rows = rows(&table);
    assert_eq!(rows.len(), 2000);
    let (mut same_number, mut same_all) = (0usize, 0usize);
    for row in &rows {
        let region = Country::parse(row.region).expect("region code");
        let ours = parse(row.input, region);
        let (valid, e164, line) = match &ours {
            Ok(p) => (true, p.e164.as_str(), p.line.as_str()),
            Err(_) => (false, "", ""),
        };
        let number_agrees = valid == row.valid && e164 == row.e164;
        let line_agrees = !row.valid || line == row.line;
        if number_agrees {
            same_number += 1;
        }
        if number_agrees && line_agrees {
            same_all += 1;
        } else {
            let ours = match &ours {
                Ok(p) => format!("{} {}", p.e164, p.line.as_str()),
                Err(e) => format!("{} ({})", e.code, e.message),
            };
            println!(
                "disagree: {} {:?}: libphonenumber valid={} {} {:?}; ours {}",
                row.region, row.input, row.valid, row.e164, row.line, ours
            );
        }
    }
    let n = rows.len() as f64;
    let (number_rate, all_rate) = (same_number as f64 / n, same_all as f64 / n);
    println!(
        "phones.csv agreement: (valid, e164) {same_number}/{} = {:.2}%; (valid, e164, type) {same_all}/{} = {:.2}%",
        rows.len(),
        100.0 * number_rate,
        rows.len(),
        100.0 * all_rate
    );
    // The bar is 99%; these are what the module reaches (the one type
    // disagreement, UY 2123, is a gap in the oracle file: see BENCHMARKS.md).
    assert!(number_rate >= 1.0, "(valid, e164) agreement {number_rate}");
    assert!(
        all_rate >= 0.9995,
        "(valid, e164, type) agreement {all_rate}"
    );
}

#[test]
fn valid_rows_are_idempotent() {
    let table = table();
    for row in rows(&table) {
        let region = Country::parse(row.region).expect("region code");
        if let Ok(first) = parse(row.input, region) {
            let again = parse(&first.e164, region).expect("E.164 re-parses");
            assert_eq!(again, first, "{}", row.input);
        }
    }
}
