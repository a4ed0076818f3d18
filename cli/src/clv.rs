//! `ciclo clv`: fits the customer-base models to a population and predicts each
//! customer's future (the example `examples/clv.rs`, with a progress bar and
//! the predictions next to the input by default).
//!
//! The summary is in the `lifetimes` format, as `tests/data/cdnow_summary.csv`:
//! `customer_id,frequency,recency,T,monetary_value` (the id first, the other
//! columns by name, in any order). Fits BG/NBD (purchases and dropout) on every
//! customer and Gamma-Gamma (spend) on those with repeat purchases and positive
//! spend, prints the parameters as JSON on stdout, and writes one row per
//! customer, in input order:
//! `customer_id,p_alive,expected_purchases_30,expected_purchases_90,expected_average_value,clv`.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::time::Instant;

use ciclo::import::read_summaries_csv;
use ciclo::retention::{predict, BgNbd, ClvOptions, GammaGamma};

use crate::{output, progress};

/// The time unit of a summary's `recency` and `T`.
#[derive(clap::ValueEnum, Clone, Copy, Debug)]
pub enum Unit {
    /// 4.345 weeks a month (CDNOW's unit)
    Weeks,
    /// 30 days a month
    Days,
    /// Months
    Months,
}

impl Unit {
    fn per_month(self) -> f64 {
        match self {
            Unit::Weeks => ClvOptions::WEEKS,
            Unit::Days => ClvOptions::DAYS,
            Unit::Months => 1.0,
        }
    }
}

/// The arguments of `ciclo clv`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Customer summaries in the `lifetimes` format:
    /// customer_id,frequency,recency,T,monetary_value
    pub summary: PathBuf,

    /// Where to write the predictions [default: SUMMARY's name with
    /// `.predictions.csv`, next to it]
    #[arg(short, long, value_name = "PREDICTIONS.csv")]
    pub out: Option<PathBuf>,

    /// The time unit of `recency` and `T`; expected purchases are over the next 30
    /// and 90 of them
    #[arg(long, value_enum, default_value_t = Unit::Weeks)]
    pub unit: Unit,

    /// Discount rate a month for the lifetime value (0.01 is 1%), at least 0
    #[arg(long, value_name = "RATE", default_value_t = 0.01, value_parser = non_negative,
          allow_negative_numbers = true)]
    pub discount: f64,

    /// Months of value counted in `clv`, 0 to 120
    #[arg(long, value_name = "N", default_value_t = 12,
          value_parser = clap::value_parser!(u32).range(0..=i64::from(ClvOptions::MAX_MONTHS)))]
    pub months: u32,

    /// lifetimes' L2 penalty on both fits (for small populations), at least 0
    #[arg(long, value_name = "P", default_value_t = 0.0, value_parser = non_negative,
          allow_negative_numbers = true)]
    pub penalizer: f64,
}

fn non_negative(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(v) if v.is_finite() && v >= 0.0 => Ok(v),
        Ok(_) => Err("expected a number of at least 0".to_string()),
        Err(_) => Err("not a number".to_string()),
    }
}

/// Fits, prints the parameters, writes the predictions; timings to stderr.
pub fn run(args: &Args) -> Result<(), String> {
    let out = output::path(&args.summary, args.out.as_deref(), ".predictions.csv")?;
    let mut options = ClvOptions::new(args.discount, args.unit.per_month());
    options.months = args.months;
    options.check().map_err(|e| e.to_string())?;

    let input = args.summary.display();
    let file = File::open(&args.summary).map_err(|e| format!("{input}: {e}"))?;
    let summaries = read_summaries_csv(file).map_err(|e| format!("{input}: {e}"))?;
    let customers = &summaries.customers;

    let started = Instant::now();
    let purchases =
        BgNbd::fit_penalized(customers, args.penalizer).map_err(|e| format!("BG/NBD: {e}"))?;
    let bgnbd_time = started.elapsed();
    let started = Instant::now();
    let spend = GammaGamma::fit_penalized(customers, args.penalizer)
        .map_err(|e| format!("Gamma-Gamma: {e}"))?;
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
    let name = out.display();
    let write_error = |e: std::io::Error| format!("{name}: {e}");
    let mut writer = BufWriter::new(File::create(&out).map_err(write_error)?);
    writeln!(
        writer,
        "customer_id,p_alive,expected_purchases_30,expected_purchases_90,expected_average_value,clv"
    )
    .map_err(write_error)?;
    let bar = progress::bar(customers.len(), "customers");
    for (i, (id, c)) in summaries.ids.iter().zip(customers).enumerate() {
        bar.set_position(i as u64);
        let p = predict(&purchases.model, &spend.model, c, &[30.0, 90.0], &options)
            .map_err(|e| format!("customer {id}: {e}"))?;
        let (alive, value, clv) = (p.p_alive, p.expected_average_value, p.clv);
        let (e30, e90) = (p.expected_purchases[0], p.expected_purchases[1]);
        let id = output::csv_field(id);
        writeln!(writer, "{id},{alive},{e30},{e90},{value},{clv}").map_err(write_error)?;
    }
    bar.finish_and_clear();
    writer.flush().map_err(write_error)?;
    eprintln!(
        "clv: {} customers; BG/NBD fitted in {:.2} ms ({} iterations), Gamma-Gamma on {} ({} \
         skipped: no repeat purchase or no spend) in {:.2} ms ({} iterations); predictions in \
         {:.1} ms written to {name}",
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
