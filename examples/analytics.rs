//! RFM and cohorts from a transactions export: who the best customers are,
//! who is slipping away, and how each month's new customers keep buying.
//!
//! ```sh
//! cargo run --release --example analytics -- TRANSACTIONS.csv[.gz] OUT_DIR [--as-of YYYY-MM-DD] [--map column=field]... [--currency CODE] [--not-product CODE]...
//! ```
//!
//! `TRANSACTIONS.csv` is a sales export with a header row; the columns are
//! recognised by name (`ciclo::import::transactions`): customer id, date or
//! timestamp, amount (or quantity and unit price), order or invoice id,
//! product, category, currency, description. CDNOW's
//! `customer_id,date,num_cds,dollar_value` and Online Retail's
//! `Invoice,StockCode,Description,Quantity,InvoiceDate,Price,Customer ID` are
//! read as they are; `--map column=field` maps others (fields: customer,
//! date, amount, quantity, unit_price, order, product, category, currency,
//! description, or ignore). A file named `.gz` is decompressed on a thread of
//! its own while the lines are read; `-` reads standard input.
//!
//! Service and charge lines (postage, carriage, fees, discounts, manual
//! adjustments, samples, vouchers: by the first or last word of the
//! description, see `ciclo::analytics::not_product`; and the codes given
//! with the repeatable `--not-product CODE`) count as spend in RFM and
//! cohorts, but are never offered and feed no affinity.
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

const USAGE: &str = "usage: analytics TRANSACTIONS.csv[.gz] OUT_DIR [--as-of YYYY-MM-DD] [--map column=field]... [--currency CODE] [--not-product CODE]...";

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
            "--not-product" => options.not_products.add_code(&value("--not-product")?),
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
        let file = std::fs::File::open(&input).map_err(|e| format!("{input}: {e}"))?;
        if input.to_ascii_lowercase().ends_with(".gz") {
            Box::new(GzPipe::open(file))
        } else {
            Box::new(file)
        }
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
                "next best offers for {} customers from {} affinities; {} service or charge lines (postage, fees, ...) never offered",
                o.customers.len(),
                o.model.affinity_count(),
                file.transactions.not_product_count()
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

/// Reads a gzip file decompressed on a thread of its own, 1 MiB at a time,
/// so that decompressing and parsing overlap on two cores.
struct GzPipe {
    chunks: std::sync::mpsc::Receiver<std::io::Result<Vec<u8>>>,
    chunk: Vec<u8>,
    at: usize,
}

impl GzPipe {
    fn open(file: std::fs::File) -> GzPipe {
        let (send, chunks) = std::sync::mpsc::sync_channel(4);
        std::thread::spawn(move || {
            let mut gz =
                flate2::read::MultiGzDecoder::new(std::io::BufReader::with_capacity(1 << 16, file));
            loop {
                let mut chunk = vec![0; 1 << 20];
                let mut filled = 0;
                let result = loop {
                    match gz.read(&mut chunk[filled..]) {
                        Ok(0) => break Ok(()),
                        Ok(k) => {
                            filled += k;
                            if filled == chunk.len() {
                                break Ok(());
                            }
                        }
                        Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                        Err(e) => break Err(e),
                    }
                };
                chunk.truncate(filled);
                let done = filled == 0 || result.is_err();
                let message = match result {
                    Ok(()) => Ok(chunk),
                    Err(e) => Err(e),
                };
                if send.send(message).is_err() || done {
                    return;
                }
            }
        });
        GzPipe {
            chunks,
            chunk: Vec::new(),
            at: 0,
        }
    }
}

impl Read for GzPipe {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.at == self.chunk.len() {
            match self.chunks.recv() {
                Ok(Ok(chunk)) => {
                    self.chunk = chunk;
                    self.at = 0;
                }
                Ok(Err(e)) => return Err(e),
                Err(_) => return Ok(0),
            }
        }
        let k = buf.len().min(self.chunk.len() - self.at);
        buf[..k].copy_from_slice(&self.chunk[self.at..self.at + k]);
        self.at += k;
        Ok(k)
    }
}
