//! Fits the customer-base models to a population and predicts each customer's
//! future: probability alive, purchases to expect, lifetime value.
//!
//! ```sh
//! cargo run --release --example clv -- SUMMARY.csv [--out PREDICTIONS.csv] [--unit weeks|days|months] [--discount 0.01] [--months 12] [--penalizer 0]
//! ```
//!
//! The installed `ciclo` program does the same as `ciclo clv` (`cli/`: clap
//! arguments, progress bars, output next to the input); this example is the code
//! to copy into a program of your own.
//!
//! `SUMMARY.csv` is in the `lifetimes` summary format, as `cdnow_summary.csv`:
//! `customer_id,frequency,recency,T,monetary_value` (the customer id first, the
//! other columns by name, in any order; `ciclo::import::read_summaries_csv`).
//!
//! Fits the BG/NBD model (purchases and dropout) on every customer and the
//! Gamma-Gamma model (spend) on the customers with repeat purchases and
//! positive spend, both by maximum likelihood, and prints the parameters as
//! JSON on stdout:
//!
//! ```json
//! {"bgnbd": {"r": …, "alpha": …, "a": …, "b": …, "log_likelihood": …, "customers": …},
//!  "gamma_gamma": {"p": …, "q": …, "v": …, "log_likelihood": …, "customers": …, "skipped": …}}
//! ```
//!
//! Writes one row per customer, in input order, to `PREDICTIONS.csv` (by
//! default `<SUMMARY stem>.predictions.csv` next to the summary):
//! `customer_id,p_alive,expected_purchases_30,expected_purchases_90,expected_average_value,clv`.
//! Expected purchases are over the next 30 and 90 time units of the summary;
//! `clv` is the value of the next `--months` months (12), discounted by
//! `--discount` a month (0.01), with months of 4.345 weeks, 30 days or 1 month
//! as `--unit` says (weeks: CDNOW's unit). `--penalizer` adds lifetimes'
//! L2 penalty to both fits (for small populations). Timings and counts go to
//! stderr.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use ciclo::import::read_summaries_csv;
use ciclo::retention::{predict, BgNbd, ClvOptions, GammaGamma};

const USAGE: &str = "usage: clv SUMMARY.csv [--out PREDICTIONS.csv] [--unit weeks|days|months] [--discount 0.01] [--months 12] [--penalizer 0]";

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("clv: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    let mut input = None;
    let mut out = None;
    let mut options = ClvOptions::new(0.01, ClvOptions::WEEKS);
    let mut penalizer = 0.0;
    while let Some(arg) = args.next() {
        let mut value = |name: &str| {
            args.next()
                .ok_or_else(|| format!("{name} needs a value; {USAGE}"))
        };
        let number = |name: &str, text: String| {
            text.parse::<f64>()
                .map_err(|_| format!("{name} {text}: not a number"))
        };
        match arg.as_str() {
            "--out" => out = Some(value("--out")?),
            "--unit" => {
                options.periods_per_month = match value("--unit")?.as_str() {
                    "weeks" => ClvOptions::WEEKS,
                    "days" => ClvOptions::DAYS,
                    "months" => 1.0,
                    other => return Err(format!("--unit {other}: expected weeks, days or months")),
                }
            }
            "--discount" => options.monthly_discount = number("--discount", value("--discount")?)?,
            "--months" => {
                let text = value("--months")?;
                options.months = text
                    .parse()
                    .map_err(|_| format!("--months {text}: not a whole number of months"))?;
            }
            "--penalizer" => penalizer = number("--penalizer", value("--penalizer")?)?,
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(());
            }
            flag if flag.starts_with("--") => {
                return Err(format!("unknown option {flag}; {USAGE}"))
            }
            path if input.is_none() => input = Some(path.to_string()),
            extra => return Err(format!("unexpected argument {extra}; {USAGE}")),
        }
    }
    let input = input.ok_or(USAGE)?;
    let out = out.unwrap_or_else(|| {
        let input = Path::new(&input);
        let stem = input
            .file_stem()
            .map_or("summary".into(), |s| s.to_string_lossy());
        let out = input.with_file_name(format!("{stem}.predictions.csv"));
        out.to_string_lossy().into_owned()
    });

    let file = File::open(&input).map_err(|e| format!("{input}: {e}"))?;
    let summaries = read_summaries_csv(file).map_err(|e| format!("{input}: {e}"))?;
    let customers = &summaries.customers;

    let started = Instant::now();
    let purchases =
        BgNbd::fit_penalized(customers, penalizer).map_err(|e| format!("BG/NBD: {e}"))?;
    let bgnbd_time = started.elapsed();
    let started = Instant::now();
    let spend =
        GammaGamma::fit_penalized(customers, penalizer).map_err(|e| format!("Gamma-Gamma: {e}"))?;
    let gg_time = started.elapsed();

    let parameters = serde_json::json!({
        "bgnbd": {
            "r": purchases.model.r,
            "alpha": purchases.model.alpha,
            "a": purchases.model.a,
            "b": purchases.model.b,
            "log_likelihood": purchases.log_likelihood,
            "customers": purchases.customers,
        },
        "gamma_gamma": {
            "p": spend.model.p,
            "q": spend.model.q,
            "v": spend.model.v,
            "log_likelihood": spend.log_likelihood,
            "customers": spend.customers,
            "skipped": spend.skipped,
        },
    });
    println!("{parameters}");

    let started = Instant::now();
    let file = File::create(&out).map_err(|e| format!("{out}: {e}"))?;
    let mut writer = BufWriter::new(file);
    let write_error = |e: std::io::Error| format!("{out}: {e}");
    writeln!(
        writer,
        "customer_id,p_alive,expected_purchases_30,expected_purchases_90,expected_average_value,clv"
    )
    .map_err(write_error)?;
    let bgnbd = &purchases.model;
    for (id, c) in summaries.ids.iter().zip(customers) {
        let p = predict(bgnbd, &spend.model, c, &[30.0, 90.0], &options)
            .map_err(|e| format!("customer {id}: {e}"))?;
        let (alive, value, clv) = (p.p_alive, p.expected_average_value, p.clv);
        let (e30, e90) = (p.expected_purchases[0], p.expected_purchases[1]);
        writeln!(
            writer,
            "{},{alive},{e30},{e90},{value},{clv}",
            csv_field(id)
        )
        .map_err(write_error)?;
    }
    writer.flush().map_err(write_error)?;
    eprintln!(
        "clv: {} customers; BG/NBD fitted in {:.2} ms ({} iterations), Gamma-Gamma on {} ({} skipped: no repeat purchase or no spend) in {:.2} ms ({} iterations); predictions in {:.1} ms written to {out}",
        customers.len(),
        bgnbd_time.as_secs_f64() * 1e3,
        purchases.iterations,
        spend.customers,
        spend.skipped,
        gg_time.as_secs_f64() * 1e3,
        spend.iterations,
        started.elapsed().as_secs_f64() * 1e3,
    );
    Ok(())
}

/// A CSV field, quoted when it needs to be.
fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}
