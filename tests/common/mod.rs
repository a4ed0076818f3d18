//! Readers of the reference data under `tests/data/`, shared by the integration
//! tests and the standardisation benchmark.
#![allow(dead_code)] // each test crate uses its own part

use ciclo::model::Record;

/// The header and the rows of `tests/data/<name>`, fields exactly as written
/// (nothing trimmed: some oracle inputs keep their spaces on purpose).
pub fn csv(name: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
    let mut reader = csv::Reader::from_path(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let header = reader
        .headers()
        .expect("a header row")
        .iter()
        .map(str::to_string)
        .collect();
    let rows = reader
        .records()
        .map(|r| r.expect("a CSV row").iter().map(str::to_string).collect())
        .collect();
    (header, rows)
}

/// The 20,000 records of `tests/data/dupes_es.csv` as the host would send them:
/// empty fields absent, `city` as the locality.
pub fn dupes_es_records() -> Vec<Record> {
    let (header, rows) = csv("dupes_es.csv");
    let col = |name: &str| header.iter().position(|h| h == name).expect(name);
    // The columns after `rec_id` and `cluster_id`: the synthetic generator
    // writes the same layout.
    let cols: Vec<usize> = ciclo::synthetic::CSV_COLUMNS[2..]
        .iter()
        .map(|c| col(c))
        .collect();
    rows.iter()
        .map(|row| {
            let v = |i: usize| Some(row[cols[i]].clone()).filter(|s| !s.is_empty());
            Record {
                given_name: v(0),
                surname: v(1),
                email: v(2),
                phone: v(3),
                street: v(4),
                locality: v(5),
                province: v(6),
                postal_code: v(7),
                country: v(8),
                birth_date: v(9),
                national_id: v(10),
                ..Record::default()
            }
        })
        .collect()
}
