//! Agreement with python-stdnum 2.2 on `tests/data/ids.csv`: for every row, the
//! identifier is valid exactly when stdnum says so, and its canonical form is
//! stdnum's.
//!
//! Columns: `kind,input,valid,normalized,note`. Inputs keep their surrounding
//! spaces (they are part of the case); read with the `csv` crate.

mod common;

use ciclo::standardize::ids::{normalize, IdKind};

#[test]
fn agrees_with_stdnum() {
    // Inputs keep their spaces: the reader trims nothing.
    let (header, rows) = common::csv("ids.csv");
    assert_eq!(header, ["kind", "input", "valid", "normalized", "note"]);
    let mut checked = 0usize;
    let mut disagreements = Vec::new();
    for (n, row) in rows.iter().enumerate() {
        let row: Vec<&str> = row.iter().map(String::as_str).collect();
        let [kind, input, valid, normalized, note] = row.as_slice() else {
            panic!("line {}: expected 5 fields, got {row:?}", n + 2);
        };
        let kind = IdKind::parse(kind).unwrap_or_else(|| panic!("line {}: kind {kind}", n + 2));
        let valid = match *valid {
            "True" => true,
            "False" => false,
            other => panic!("line {}: valid = {other:?}", n + 2),
        };
        checked += 1;
        let ours = normalize(kind, input);
        let agrees = match (&ours, valid) {
            (Ok(id), true) => id.canonical() == *normalized,
            (Err(_), false) => true,
            _ => false,
        };
        if !agrees {
            let ours = match &ours {
                Ok(id) => format!("valid {}", id.canonical()),
                Err(p) => format!("invalid: {p}"),
            };
            disagreements.push(format!(
                "line {}: {kind} {input:?} ({note}): stdnum {}, ours {ours}",
                n + 2,
                if valid {
                    format!("valid {normalized}")
                } else {
                    "invalid".into()
                },
            ));
        }
    }
    println!(
        "ids.csv: {checked} rows checked, {} disagreements",
        disagreements.len()
    );
    for d in &disagreements {
        println!("{d}");
    }
    assert!(checked >= 2900, "only {checked} rows read");
    assert!(
        disagreements.is_empty(),
        "{} disagreements",
        disagreements.len()
    );
}
