//! `ciclo analytics`: RFM and cohorts from a transactions export (the example
//! `examples/analytics.rs`, with the results in a directory next to the input
//! by default).
//!
//! The export's columns are recognised by name (customer id, date or
//! timestamp, amount or quantity and unit price, order or invoice, product,
//! category, currency, description; `ciclo::import::transactions`), or mapped with
//! `--map column=field`. Service and charge lines (postage, fees, discounts:
//! `ciclo::analytics::not_product`, plus the codes of `--not-product`) count
//! as spend but are never offered. Writes `rfm.csv`, `cohorts.csv`,
//! `cohort_revenue.csv`, `activity.csv`, `next_best_offer.csv` (when the
//! file has a product column) and `report.html` (`ciclo::export`).

use std::path::PathBuf;
use std::time::Instant;

use ciclo::export::Offers;
use ciclo::import::transactions::{read_transactions_csv, TransactionsCsvOptions};
use ciclo::model::{Currency, Timestamp};

use crate::output;

/// The arguments of `ciclo analytics`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// A transactions export with a header row (customer id, date, amount or
    /// quantity and price, ...); `-` reads standard input (for a gzipped file:
    /// `zcat file.csv.gz | ciclo analytics - --out DIR`)
    pub transactions: PathBuf,

    /// The directory to write into [default: TRANSACTIONS's name with
    /// `.analytics`, next to it]
    #[arg(short, long, value_name = "DIR")]
    pub out: Option<PathBuf>,

    /// Count only purchases strictly before this date [default: the day after
    /// the last line]. Without it, a line dated in the future (a placeholder
    /// such as 9999-12-31) is refused, naming its line; with it, lines on or
    /// after it are not used, and counted. Cohorts span at most a century.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = as_of)]
    pub as_of: Option<Timestamp>,

    /// Map a column by hand: column=field (fields: customer, date, amount,
    /// quantity, unit_price, order, product, category, currency, description,
    /// or ignore); repeatable
    #[arg(long = "map", value_name = "COLUMN=FIELD", value_parser = mapping)]
    pub mapping: Vec<(String, String)>,

    /// The currency of lines without a currency column (ISO 4217 code)
    #[arg(long, value_name = "CODE", default_value = "XXX", value_parser = currency)]
    pub currency: Currency,

    /// A product code whose lines are not a product sold (a fee, a test
    /// item), besides those whose description names postage, carriage,
    /// delivery, a discount, a fee, a charge, an adjustment, a sample or a
    /// voucher: still spend in RFM and cohorts, never offered, no affinity;
    /// repeatable
    #[arg(long = "not-product", value_name = "CODE")]
    pub not_products: Vec<String>,
}

fn as_of(text: &str) -> Result<Timestamp, String> {
    ciclo::export::parse_as_of(text).map_err(|_| "expected a date as YYYY-MM-DD".to_string())
}

fn mapping(text: &str) -> Result<(String, String), String> {
    text.split_once('=')
        .map(|(c, f)| (c.to_string(), f.to_string()))
        .ok_or_else(|| "expected column=field".to_string())
}

fn currency(text: &str) -> Result<Currency, String> {
    Currency::parse(text, "--currency").map_err(|_| "expected a three-letter code".to_string())
}

/// Reads, computes and writes; counts and timings to stderr.
pub fn run(args: &Args) -> Result<(), String> {
    let stdin = args.transactions.as_os_str() == "-";
    let out = match (&args.out, stdin) {
        (Some(dir), _) => dir.clone(),
        (None, true) => return Err("reading standard input: give --out DIR".to_string()),
        (None, false) => output::path(&args.transactions, None, ".analytics")?,
    };
    let input = args.transactions.display();
    let mut options = TransactionsCsvOptions {
        mapping: args.mapping.clone(),
        currency: args.currency,
        ..TransactionsCsvOptions::default()
    };
    for code in &args.not_products {
        options.not_products.add_code(code);
    }
    let started = Instant::now();
    let file = if stdin {
        read_transactions_csv(std::io::stdin().lock(), &options)
    } else {
        let f = std::fs::File::open(&args.transactions).map_err(|e| format!("{input}: {e}"))?;
        read_transactions_csv(std::io::BufReader::with_capacity(1 << 20, f), &options)
    }
    .map_err(|e| format!("{input}: {e}"))?;
    let run = ciclo::export::write_analytics(&file, args.as_of, &out, &input.to_string())
        .map_err(|e| e.to_string())?;
    let customers: usize = run.rfm.iter().map(|t| t.rows.len()).sum();
    let offers = match &run.offers {
        Offers::Written(_) => ", next_best_offer.csv",
        Offers::NotWritten(why) => {
            eprintln!("analytics: no next best offers: {why}");
            ""
        }
    };
    eprintln!(
        "analytics: {} lines, {} guest lines skipped, {} purchase lines before {} ({} lines on \
         or after it not used); {} customers, {} cohorts; {:.0} ms; wrote rfm.csv, cohorts.csv, \
         cohort_revenue.csv, activity.csv{offers} and report.html into {}",
        file.rows,
        file.guests,
        run.purchases,
        &run.as_of.to_rfc3339()[..10],
        run.after_as_of,
        customers,
        run.cohorts.cohorts.len(),
        started.elapsed().as_secs_f64() * 1e3,
        out.display()
    );
    Ok(())
}
