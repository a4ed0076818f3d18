//! RFM and cohorts from a transactions export: who the best customers are,
//! who is slipping away, and how each month's new customers keep buying.
//!
//! ```sh
//! cargo run --release --example analytics -- TRANSACTIONS.csv OUT_DIR [--as-of YYYY-MM-DD] [--map column=field]... [--currency CODE]
//! ```
//!
//! `TRANSACTIONS.csv` is a sales export with a header row; the columns are
//! recognised by name (`ciclo::import::transactions`): customer id, date or
//! timestamp, amount (or quantity and unit price), order or invoice id,
//! product, category, currency. CDNOW's `customer_id,date,num_cds,dollar_value`
//! and Online Retail's `Invoice,StockCode,Quantity,InvoiceDate,Price,Customer ID`
//! are read as they are; `--map column=field` maps others (fields: customer,
//! date, amount, quantity, unit_price, order, product, category, currency, or
//! ignore). `-` reads standard input, so a gzipped file is read with
//! `zcat file.csv.gz | cargo run --release --example analytics -- - OUT_DIR`.
//! `--currency` names the currency of files without a currency column
//! (default `XXX`, "no currency").
//!
//! Only purchases strictly before `--as-of` count (default: the day after the
//! last line); returns (negative quantities), cancellations (invoices `C`
//! and a digit) and guests' lines (no customer id, counted) are not
//! purchases. A date in the future (a placeholder such as `9999-12-31`) is
//! refused, naming its line and column, unless `--as-of` is given: lines on
//! or after it are then not used, and counted. Cohorts span at most a
//! century (a `0001-01-01` first purchase is refused the same way).
//!
//! Writes `rfm.csv`, `cohorts.csv`, `cohort_revenue.csv`, `activity.csv`,
//! `next_best_offer.csv` (each customer's 10 best products not bought yet,
//! from the product affinities of the file's own purchases before the as-of
//! date; not written, and stderr says why, when the file has no product
//! column) and `report.html` into `OUT_DIR` (see `ciclo::export`); counts
//! and timings go to stderr.
//!
//! The installed `ciclo` program does the same as `ciclo analytics`.

use std::io::Read;
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use ciclo::import::transactions::{read_transactions_csv, TransactionsCsvOptions};
use ciclo::model::Currency;

const USAGE: &str = "usage: analytics TRANSACTIONS.csv OUT_DIR [--as-of YYYY-MM-DD] [--map column=field]... [--currency CODE]";

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("analytics: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    let mut paths = Vec::new();
    let mut as_of = None;
    let mut options = TransactionsCsvOptions::default();
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or(format!("{name} needs a value; {USAGE}"));
        match arg.as_str() {
            "--as-of" => {
                as_of = Some(
                    ciclo::export::parse_as_of(&value("--as-of")?).map_err(|e| e.to_string())?,
                )
            }
            "--map" => {
                let pair = value("--map")?;
                let (column, field) = pair
                    .split_once('=')
                    .ok_or(format!("--map `{pair}`: expected column=field"))?;
                options
                    .mapping
                    .push((column.to_string(), field.to_string()));
            }
            "--currency" => {
                options.currency = Currency::parse(&value("--currency")?, "--currency")
                    .map_err(|e| e.to_string())?
            }
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(());
            }
            other if other.starts_with("--") => {
                return Err(format!("unknown option {other}; {USAGE}"))
            }
            _ => paths.push(arg),
        }
    }
    let [input, out_dir] = <[String; 2]>::try_from(paths).map_err(|_| USAGE.to_string())?;
    let started = Instant::now();
    let reader: Box<dyn Read> = if input == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        Box::new(std::fs::File::open(&input).map_err(|e| format!("{input}: {e}"))?)
    };
    let file = read_transactions_csv(std::io::BufReader::with_capacity(1 << 20, reader), &options)
        .map_err(|e| format!("{input}: {e}"))?;
    let read = started.elapsed();
    let run = ciclo::export::write_analytics(&file, as_of, Path::new(&out_dir), &input)
        .map_err(|e| e.to_string())?;
    let customers: usize = run.rfm.iter().map(|t| t.rows.len()).sum();
    eprintln!(
        "{} lines, {} guest lines skipped, {} purchase lines before {} ({} lines on or after it not used); {} customers, {} cohorts",
        file.rows,
        file.guests,
        run.purchases,
        &run.as_of.to_rfc3339()[..10],
        run.after_as_of,
        customers,
        run.cohorts.cohorts.len()
    );
    let offers = match &run.offers {
        ciclo::export::Offers::Written(o) => {
            eprintln!(
                "next best offers for {} customers from {} affinities",
                o.customers.len(),
                o.model.affinity_count()
            );
            ", next_best_offer.csv"
        }
        ciclo::export::Offers::NotWritten(why) => {
            eprintln!("no next best offers: {why}");
            ""
        }
    };
    eprintln!(
        "read {:.0} ms, RFM + cohorts + offers + files {:.0} ms; wrote {out_dir}/rfm.csv, cohorts.csv, cohort_revenue.csv, activity.csv{offers}, report.html",
        read.as_secs_f64() * 1e3,
        (started.elapsed() - read).as_secs_f64() * 1e3
    );
    Ok(())
}
