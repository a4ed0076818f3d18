//! Writes synthetic Spanish and Argentine customer records with known
//! duplicates, as a CSV file in the layout of `tests/data/dupes_es.csv`.
//!
//! ```sh
//! cargo run --release --example synth -- N OUTPUT.csv [--seed S] [--duplicates SHARE] [--spain SHARE] [--population es|en|mixed] [--us SHARE]
//! ```
//!
//! The columns are `rec_id,cluster_id,given_name,surname,email,phone,street,
//! city,province,postal_code,country,birth_date,national_id`; `cluster_id` is
//! the truth (the person behind the record). `--duplicates` is the share of
//! records that are corrupted copies (default 0.15), `--spain` the share of
//! Spanish people (default 0.5). `--population en` writes British and
//! American people instead (`SyntheticOptions::english`), `--population mixed`
//! half of each; `--us` is the share of Americans among them (default 0.5). The records are streamed to the file, so a
//! large N needs little memory.
//!
//! The dedup example reads the file as it is (it ignores `cluster_id`):
//!
//! ```sh
//! cargo run --release --example synth -- 100000 /tmp/synth.csv
//! cargo run --release --example dedup -- /tmp/synth.csv /tmp/golden.csv
//! ```

use std::fs::File;
use std::io::{BufWriter, Write};
use std::process::ExitCode;
use std::time::Instant;

use ciclo::synthetic::{write_csv, Generator, Origin, Population, SyntheticOptions};

const USAGE: &str = "usage: synth N OUTPUT.csv [--seed S] [--duplicates SHARE] [--spain SHARE] [--population es|en|mixed] [--us SHARE]";

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("synth: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    let mut positional = Vec::new();
    let mut options = SyntheticOptions::new(0, 0);
    let number = |flag: &str, value: Option<String>| -> Result<f64, String> {
        let value = value.ok_or(USAGE)?;
        value
            .parse::<f64>()
            .map_err(|_| format!("{flag} {value}: not a number"))
    };
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--seed" => {
                let value = args.next().ok_or(USAGE)?;
                options.seed = value
                    .parse()
                    .map_err(|_| format!("--seed {value}: not an unsigned integer"))?;
            }
            "--duplicates" => {
                options.duplicate_share = number("--duplicates", args.next())?;
                if !(0.0..=0.75).contains(&options.duplicate_share) {
                    return Err("--duplicates must lie in 0..=0.75".into());
                }
            }
            "--spain" => {
                options.spain_share = number("--spain", args.next())?;
                if !(0.0..=1.0).contains(&options.spain_share) {
                    return Err("--spain must lie in 0..=1".into());
                }
            }
            "--us" => {
                options.us_share = number("--us", args.next())?;
                if !(0.0..=1.0).contains(&options.us_share) {
                    return Err("--us must lie in 0..=1".into());
                }
            }
            "--population" => {
                let value = args.next().ok_or(USAGE)?;
                let population = Population::parse(&value)
                    .ok_or_else(|| format!("--population {value}: es, en or mixed"))?;
                if population != Population::Hispanic {
                    // The English-speaking population's mix of households.
                    options.household_share = SyntheticOptions::english(0, 0).household_share;
                }
                options.population = population;
            }
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(());
            }
            _ if arg.starts_with("--") => return Err(format!("unknown option {arg}\n{USAGE}")),
            _ => positional.push(arg),
        }
    }
    let [n, output] = positional.as_slice() else {
        return Err(USAGE.to_string());
    };
    options.records = n
        .replace('_', "")
        .parse()
        .map_err(|_| format!("{n}: not a number of records"))?;

    let start = Instant::now();
    let file = File::create(output).map_err(|e| format!("{output}: {e}"))?;
    let mut out = BufWriter::with_capacity(1 << 20, file);
    let (mut persons, mut duplicates) = (0usize, 0usize);
    let records = Generator::new(&options).inspect(|s| {
        persons = persons.max(s.cluster as usize + 1);
        duplicates += usize::from(s.origin == Origin::Duplicate);
    });
    write_csv(records, &mut out).map_err(|e| format!("{output}: {e}"))?;
    out.flush().map_err(|e| format!("{output}: {e}"))?;
    eprintln!(
        "records: {}\npeople: {persons}\nduplicates: {duplicates}\ntime: {:.3} s",
        options.records,
        start.elapsed().as_secs_f64()
    );
    Ok(())
}
