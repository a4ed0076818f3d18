//! Agreement of `phone::parse` with Google's libphonenumber (python `phonenumbers`
//! 9.0.43) on `tests/data/phones.csv`: 2,000 numbers of the nine supported
//! regions, written nationally, internationally, with `00`, Argentine domestic
//! mobiles with `15`, and cut short.
//!
//! Columns: `region_hint,input,valid,e164,type`; no field is quoted.

use ciclo::consolidation::standardize::phone::parse;
use ciclo::consolidation::standardize::Country;

struct Row<'a> {
    region: &'a str,
    input: &'a str,
    valid: bool,
    e164: &'a str,
    line: &'a str,
}

fn rows(text: &str) -> Vec<Row<'_>> {
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("region_hint,input,valid,e164,type"));
    lines
        .filter(|l| !l.is_empty())
        .map(|l| {
            assert!(!l.contains('"'), "quoted field in {l}");
            let f: Vec<&str> = l.split(',').collect();
            assert_eq!(f.len(), 5, "{l}");
            Row {
                region: f[0],
                input: f[1],
                valid: match f[2] {
                    "True" => true,
                    "False" => false,
                    other => panic!("valid column {other:?} in {l}"),
                },
                e164: f[3],
                line: f[4],
            }
        })
        .collect()
}

#[test]
fn agrees_with_libphonenumber() {
    let text = include_str!("data/phones.csv");
    let rows = rows(text);
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
    let text = include_str!("data/phones.csv");
    for row in rows(text) {
        let region = Country::parse(row.region).expect("region code");
        if let Ok(first) = parse(row.input, region) {
            let again = parse(&first.e164, region).expect("E.164 re-parses");
            assert_eq!(again, first, "{}", row.input);
        }
    }
}
