//! Agreement with python-stdnum 2.2 on `tests/data/ids.csv`: for every row, the
//! identifier is valid exactly when stdnum says so, and its canonical form is
//! stdnum's.
//!
//! Columns: `kind,input,valid,normalized,note`. Inputs keep their surrounding
//! spaces (they are part of the case); fields may be quoted, RFC 4180 style.

use ciclo::consolidation::standardize::ids::{normalize, IdKind};

/// Splits one CSV record into fields: commas separate, a field starting with `"`
/// runs to the next lone `"` with `""` read as one quote. Nothing is trimmed.
fn fields(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut field = String::new();
    let mut chars = line.chars().peekable();
    let mut quoted = false;
    let mut at_start = true;
    while let Some(c) = chars.next() {
        if quoted {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    chars.next();
                    field.push('"');
                } else {
                    quoted = false;
                }
            } else {
                field.push(c);
            }
        } else if c == '"' && at_start {
            quoted = true;
            at_start = false;
        } else if c == ',' {
            out.push(std::mem::take(&mut field));
            at_start = true;
        } else {
            field.push(c);
            at_start = false;
        }
    }
    out.push(field);
    out
}

#[test]
fn csv_parser_keeps_spaces_and_reads_quotes() {
    assert_eq!(fields("a, b ,c"), ["a", " b ", "c"]);
    assert_eq!(fields(r#"a,"x, ""y""",c"#), ["a", r#"x, "y""#, "c"]);
    assert_eq!(fields("a,,"), ["a", "", ""]);
}

#[test]
fn agrees_with_stdnum() {
    let text = include_str!("data/ids.csv");
    let mut lines = text.lines();
    let header = lines.next().map(fields);
    assert_eq!(
        header.as_deref(),
        Some(&["kind", "input", "valid", "normalized", "note"].map(String::from)[..])
    );
    let mut checked = 0usize;
    let mut disagreements = Vec::new();
    for (n, line) in lines.enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.is_empty() {
            continue;
        }
        let row = fields(line);
        let [kind, input, valid, normalized, note] = row.as_slice() else {
            panic!("line {}: expected 5 fields, got {row:?}", n + 2);
        };
        let kind = IdKind::parse(kind).unwrap_or_else(|| panic!("line {}: kind {kind}", n + 2));
        let valid = match valid.as_str() {
            "True" => true,
            "False" => false,
            other => panic!("line {}: valid = {other:?}", n + 2),
        };
        checked += 1;
        let ours = normalize(kind, input);
        let agrees = match (&ours, valid) {
            (Ok(id), true) => id.canonical() == normalized,
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
