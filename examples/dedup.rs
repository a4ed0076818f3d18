//! Deduplicates a CSV export: one golden customer id per record.
//!
//! ```sh
//! cargo run --release --example dedup -- INPUT.csv OUTPUT.csv [--map column=field]... [--delimiter D] [--date-order dmy|mdy] [--country CC] [--no-estimate] [--progress] [--golden GOLDEN.jsonl] [--review REVIEW.csv]
//! ```
//!
//! The installed `ciclo` program does the same as `ciclo dedup` (`cli/`: clap
//! arguments, progress bars, output next to the input); this example is the code
//! to copy into a program of your own.
//!
//! The header row names the columns; the first column is the record id. Known
//! columns are recognised by name (FEBRL's, dupes_es's, and the usual English and
//! Spanish names: see `ciclo::import`); others are ignored unless mapped with
//! `--map column=field` (a field of `ciclo::model::Record`, or `ignore`). A file
//! where no column after the id is known is an error that shows the columns
//! seen. The delimiter (`,` `;` tab `|`) is detected from the header line and
//! the first data lines, and said on stderr (`delimiter: ';' (detected)`);
//! `--delimiter` gives it instead (`,` `;` `|` `tab`). The file must be UTF-8
//! (a byte order mark is fine): one in Windows-1252, as Excel saves plain "CSV"
//! in Spanish, is refused with the line and what to run to convert it.
//! `--date-order` says how dates written with numbers only are read:
//! `01/02/1990` is 1 February with `dmy` (the default) and 2 January with `mdy`.
//! `--country` sets the country assumed for records that do not tell theirs
//! (phones written domestically, identifiers without a country).
//!
//! The match model's parameters are estimated from the file itself, without
//! labels (`u` from random pairs, `m` and the prior by EM over the candidate
//! pairs: `ciclo::consolidation::matching::estimate`); `--no-estimate` scores
//! with the built-in defaults instead.
//!
//! Writes `rec_id,golden_id` for every input record, in input order; the golden id
//! is the id of the customer's first record in the file. Prints a summary on
//! stderr, with progress (and the time spent so far) on inputs of 50,000 records
//! or more, or always with `--progress`.
//!
//! `--golden GOLDEN.jsonl` also writes each customer's golden record, one JSON
//! object a line, in the order of their first records: the surviving values in
//! standard form, where each came from (`lineage`), every email, phone and
//! address any record holds (`emails`, `phones`, `addresses`), the records'
//! keys (`sources`, system `export`), and the `golden_id`. The default
//! survivorship applies: a validated value first; for the name, company, birth
//! date and identifier then the most frequent, then the most complete. An export
//! does not say when each record changed, so the rest is decided by the smallest
//! record key.
//!
//! `--review REVIEW.csv` writes the pairs left to a data steward, one per pair
//! of customers, most probable first: `rec_id_a,rec_id_b,probability,reason,
//! weights`, where `reason` says why the pair was not merged (`vetoed:
//! given_name different` for two people who share everything but the given
//! name, such as twins; `uncertain: probability 0.874 between the thresholds`;
//! `chaining: ...` when merging would link records that differ) and `weights`
//! is what every field added, as JSON (`{"given_name": {"level": "different",
//! "weight": -6.1, "veto": true}, ...}`).

use std::fs::File;
use std::io::{BufWriter, Write};
use std::process::ExitCode;
use std::time::Instant;

use ciclo::consolidation::dedup::{deduplicate, deduplicate_golden, DedupOptions, Progress};
use ciclo::consolidation::golden::{SourceKey, Survivorship};
use ciclo::import::{read_csv_with, CsvOptions, Delimiter};
use ciclo::json::consolidation::{golden_value, score_weights};
use ciclo::standardize::dates::DateOrder;
use ciclo::standardize::{Country, Options};

const USAGE: &str =
    "usage: dedup INPUT.csv OUTPUT.csv [--map column=field]... [--delimiter D] [--date-order dmy|mdy] [--country CC] [--no-estimate] [--progress] [--golden GOLDEN.jsonl] [--review REVIEW.csv]";

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("dedup: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    let mut paths = Vec::new();
    let mut mapping = Vec::new();
    let mut country = None;
    let mut show_progress = false;
    let mut estimate = true;
    let mut golden_path = None;
    let mut review_path = None;
    let mut delimiter = None;
    let mut date_order = DateOrder::Dmy;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--map" => {
                let spec = args.next().ok_or(USAGE)?;
                let (column, field) = spec
                    .split_once('=')
                    .ok_or_else(|| format!("--map {spec}: expected column=field"))?;
                mapping.push((column.to_string(), field.to_string()));
            }
            "--country" => {
                let code = args.next().ok_or(USAGE)?;
                country =
                    Some(Country::parse(&code).ok_or_else(|| {
                        format!("--country {code}: not an ISO 3166 country code")
                    })?);
            }
            "--delimiter" => {
                let text = args.next().ok_or(USAGE)?;
                delimiter = Some(
                    Delimiter::parse(&text)
                        .ok_or_else(|| format!("--delimiter {text}: expected one of , ; | tab"))?,
                );
            }
            "--date-order" => {
                let text = args.next().ok_or(USAGE)?;
                date_order = DateOrder::parse(&text)
                    .ok_or_else(|| format!("--date-order {text}: expected dmy or mdy"))?;
            }
            "--progress" => show_progress = true,
            "--golden" => golden_path = Some(args.next().ok_or(USAGE)?),
            "--review" => review_path = Some(args.next().ok_or(USAGE)?),
            "--no-estimate" => estimate = false,
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(());
            }
            _ if arg.starts_with("--") => return Err(format!("unknown option {arg}\n{USAGE}")),
            _ => paths.push(arg),
        }
    }
    let [input, output] = paths.as_slice() else {
        return Err(USAGE.to_string());
    };

    let start = Instant::now();
    let file = File::open(input).map_err(|e| format!("{input}: {e}"))?;
    let csv_options = CsvOptions { delimiter, mapping };
    let export = read_csv_with(file, &csv_options).map_err(|e| match &e {
        ciclo::Error::InvalidArgument { field, .. } if field == "csv header" => format!(
            "{input}: {e}\n(--map column=field maps a column by hand; --delimiter sets the delimiter)"
        ),
        _ => format!("{input}: {e}"),
    })?;
    if let Some(format) = export.csv {
        let how = if format.detected { "detected" } else { "given" };
        eprintln!("delimiter: {} ({how})", format.delimiter);
    }
    let ignored: Vec<&str> = export
        .columns
        .iter()
        .filter(|(_, f)| f.is_none())
        .map(|(c, _)| c.as_str())
        .collect();
    if !ignored.is_empty() {
        eprintln!("ignored columns: {}", ignored.join(", "));
    }

    // The records' keys in the golden records, checked before any work.
    let keys = match &golden_path {
        None => Vec::new(),
        Some(_) => export
            .ids
            .iter()
            .enumerate()
            .map(|(i, id)| {
                SourceKey::new("export", id)
                    .map_err(|e| format!("{input}: record {} (line {}): {e}", i + 1, i + 2))
            })
            .collect::<Result<Vec<_>, _>>()?,
    };
    let today = today();
    let mut options = DedupOptions::new(Options::new(country, today).with_date_order(date_order));
    if !estimate {
        options.estimate = None;
    }
    let long = show_progress || export.records.len() >= 50_000;
    let mut last_step = "";
    let mut progress = |p: Progress| {
        if long && (p.step != last_step || p.done == p.total || p.done % (p.total / 10).max(1) == 0)
        {
            eprintln!(
                "{:>11} {:>3}% ({}/{}) {:.3} s",
                p.step,
                p.done * 100 / p.total.max(1),
                p.done,
                p.total,
                start.elapsed().as_secs_f64()
            );
            last_step = p.step;
        }
    };
    let (dedup, golden) = match &golden_path {
        None => (deduplicate(&export.records, &options, &mut progress), None),
        Some(_) => {
            let updated = ciclo::model::time::Timestamp::from_millis(0, "updated")
                .map_err(|e| e.to_string())?;
            let (dedup, golden) = deduplicate_golden(
                &export.records,
                &keys,
                updated,
                &options,
                &Survivorship::default(),
                &mut progress,
            )
            .map_err(|e| e.to_string())?;
            (dedup, Some(golden))
        }
    };

    let out = File::create(output).map_err(|e| format!("{output}: {e}"))?;
    let mut out = BufWriter::new(out);
    let mut writer = csv::Writer::from_writer(&mut out);
    let fail = |e: csv::Error| format!("{output}: {e}");
    writer.write_record(["rec_id", "golden_id"]).map_err(fail)?;
    for (i, id) in export.ids.iter().enumerate() {
        let golden = &export.ids[dedup.clusters.leader[i] as usize];
        writer.write_record([id, golden]).map_err(fail)?;
    }
    writer.flush().map_err(|e| format!("{output}: {e}"))?;
    drop(writer);
    out.flush().map_err(|e| format!("{output}: {e}"))?;

    let model =
        match &dedup.estimate {
            None => "default parameters".to_string(),
            Some(e) => {
                match &e.m {
                    Some(m) => format!(
                "estimated: u from {} random pairs; m and prior by EM on {} candidate pairs \
                 ({} patterns), {} iterations{}, {:.0} matches expected",
                e.u.sampled_pairs,
                m.pairs,
                m.patterns,
                m.iterations,
                if m.converged { ", converged" } else { ", not converged" },
                m.matches
            ),
                    None => format!(
                "u estimated from {} random pairs; too few candidate pairs for EM: default m",
                e.u.sampled_pairs
            ),
                }
            }
        };
    eprintln!("model: {model}");
    if let (Some(path), Some(golden)) = (&golden_path, &golden) {
        let built = Instant::now();
        let file = File::create(path).map_err(|e| format!("{path}: {e}"))?;
        let mut file = BufWriter::new(file);
        for (first, record) in golden {
            let line = golden_value(&export.ids[*first as usize], record);
            writeln!(file, "{line}").map_err(|e| format!("{path}: {e}"))?;
        }
        file.flush().map_err(|e| format!("{path}: {e}"))?;
        eprintln!(
            "golden records written to {path} in {:.3} s",
            built.elapsed().as_secs_f64()
        );
    }
    let reviews = dedup.reviews();
    if let Some(path) = &review_path {
        let fail = |e: csv::Error| format!("{path}: {e}");
        let mut writer = csv::Writer::from_path(path).map_err(fail)?;
        writer
            .write_record(["rec_id_a", "rec_id_b", "probability", "reason", "weights"])
            .map_err(fail)?;
        for r in &reviews {
            writer
                .write_record([
                    export.ids[r.a as usize].as_str(),
                    export.ids[r.b as usize].as_str(),
                    &format!("{:.6}", r.score.probability),
                    &r.explain(),
                    &score_weights(&r.score).to_string(),
                ])
                .map_err(fail)?;
        }
        writer.flush().map_err(|e| format!("{path}: {e}"))?;
        eprintln!("review pairs written to {path}");
    }
    eprintln!(
        "records: {}\ngolden records: {}\nmerges: {}\nreview pairs: {}\npairs compared: {}\ntime: {:.3} s",
        export.records.len(),
        dedup.customers(),
        dedup.clusters.merged.len(),
        reviews.len(),
        dedup.compared_pairs,
        start.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Today's date (UTC), for judging birth dates in the future.
fn today() -> time::Date {
    time::OffsetDateTime::now_utc().date()
}
