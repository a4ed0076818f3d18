//! Writing analytics results as files: the CSV tables and the HTML report of
//! the `analytics` command (the example and `ciclo analytics`).
//!
//! [`write_analytics`] computes RFM and cohorts ([`crate::analytics`]) from a
//! transactions export read by [`crate::import::transactions`] and writes,
//! into a directory:
//!
//! - `rfm.csv`: `customer_id,recency_days,frequency,monetary,r,f,m,segment`,
//!   one row per customer in order of first purchase (when the file holds
//!   more than one currency, each currency's customers are scored among
//!   themselves, one row per customer and currency, and a last `currency`
//!   column says which);
//! - `cohorts.csv`: `cohort,month,customers,share`: cohort `yyyy-mm`, month
//!   `k` since it, customers of the cohort buying in calendar month cohort +
//!   `k`, and their share of the cohort (six decimals, rounded half up);
//! - `cohort_revenue.csv`: `cohort,month,currency,revenue`;
//! - `activity.csv`: `month,active,new,retained,reactivated,churned`;
//! - `next_best_offer.csv`: `customer_id,rank,product,score,reason`: for
//!   every customer with a product bought before the as-of date (in order of
//!   first appearance), the 10 best products they have not bought, learned
//!   from the file's purchases before the date
//!   ([`crate::analytics::transaction_offers`]); service and charge lines
//!   (postage, fees, discounts, vouchers: [`crate::analytics::not_product`])
//!   are never offered and feed no affinity, though RFM and cohorts count
//!   their money; rank 1 best, the score the
//!   recommender ranked by (four decimals) and why in words
//!   ([`transaction_offers::reason`]). Not written when the file has no
//!   product column or no purchase before the date names a product
//!   ([`AnalyticsRun::offers`] says which; a file of that name left by an
//!   earlier run is removed, so the directory never mixes two runs);
//! - `report.html`: the cohort heat map, the RFM grid and the top product
//!   affinities as inline SVG.
//!
//! Monetary amounts are exact decimals with at least two places (`29.33`,
//! `0.001`).

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use crate::analytics::cohorts::{self, Cohorts};
use crate::analytics::rfm::{self, RfmTable};
use crate::analytics::svg::{self, AffinityBar, Report};
use crate::analytics::transaction_offers::{self, NextBestOffers};
use crate::analytics::transactions::{format_ten_thousandths, Transactions};
use crate::error::{Error, Result};
use crate::import::transactions::{TransactionField, TransactionsFile};
use crate::model::Timestamp;

/// What [`write_analytics`] computed, for the caller to print.
#[derive(Clone, Debug)]
pub struct AnalyticsRun {
    /// The as-of date used (midnight UTC).
    pub as_of: Timestamp,
    /// Purchase lines used (before as-of, not returns or cancellations).
    pub purchases: u64,
    /// Lines dated on or after the as-of date, not used.
    pub after_as_of: u64,
    /// The RFM tables, one per currency.
    pub rfm: Vec<RfmTable>,
    /// The cohorts.
    pub cohorts: Cohorts,
    /// The next best offers, or why `next_best_offer.csv` was not written.
    pub offers: Offers,
}

/// Products offered per customer in `next_best_offer.csv`.
const OFFERS_PER_CUSTOMER: usize = 10;

/// Affinities drawn in the report.
const AFFINITIES_SHOWN: usize = 15;

/// The next best offers of a run, or why there are none.
#[derive(Clone, Debug)]
pub enum Offers {
    /// Learned and written to `next_best_offer.csv`.
    Written(Box<NextBestOffers>),
    /// Not written, and why (for people: "the file has no product column
    /// ...").
    NotWritten(String),
}

/// How [`write_analytics_with`] runs.
#[derive(Clone, Debug)]
pub struct AnalyticsOptions<'a> {
    /// Count only purchases strictly before this instant; `None`: the day
    /// after the file's latest line, which must not lie after `now`.
    pub as_of: Option<Timestamp>,
    /// The moment the analysis runs (the clock, for [`write_analytics`]): a
    /// file line later than a day after it cannot be a purchase and, without
    /// an explicit as-of, is refused.
    pub now: Timestamp,
    /// The input's name, shown in the report.
    pub source: &'a str,
}

/// The clock as a [`Timestamp`] (the Unix epoch if the clock reads earlier).
pub fn now() -> Timestamp {
    let ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
    Timestamp::from_millis(ms.min(Timestamp::MAX.as_millis()), "now").unwrap_or(Timestamp::MAX)
}

/// [`write_analytics_with`] as of `as_of`, now, naming the input `source`.
///
/// # Errors
///
/// As [`write_analytics_with`].
pub fn write_analytics(
    file: &TransactionsFile,
    as_of: Option<Timestamp>,
    out_dir: &Path,
    source: &str,
) -> Result<AnalyticsRun> {
    let options = AnalyticsOptions {
        as_of,
        now: now(),
        source,
    };
    write_analytics_with(file, &options, out_dir)
}

/// Computes RFM and cohorts as of `options.as_of` and writes the files listed
/// in the [module](self) into `out_dir` (created if missing).
///
/// **Dates.** Without an as-of, it is the day after the file's latest line
/// ([`Transactions::day_after_last`]). A line dated more than a day after
/// `options.now` is not a purchase that happened: it is most often a
/// placeholder for an unknown date (`9999-12-31`, `2099-01-01`), and taking
/// it as the latest would put every real purchase years before the as-of
/// date, scoring everyone alike. So without an as-of such a line is refused,
/// naming its line and column; with one, lines on or after it are not used
/// and counted ([`AnalyticsRun::after_as_of`]), placeholders included. A
/// placeholder far in the past (`0001-01-01`, `1900-01-01`) shows as the
/// first purchase, and is refused when the cohorts would span more than a
/// century ([`cohorts::cohorts`]). An empty file gives empty results.
///
/// # Errors
///
/// [`Error::InvalidTimestamp`] naming the line and column
/// (`csv line 7.InvoiceDate`) of a date after `now` when `as_of` is `None`.
/// [`Error::InvalidArgument`] naming the line and column of a first purchase,
/// or `as_of`, when the cohorts would span more than a century; and naming
/// the file that cannot be created or written. Nothing is written when the
/// data are refused.
pub fn write_analytics_with(
    file: &TransactionsFile,
    options: &AnalyticsOptions<'_>,
    out_dir: &Path,
) -> Result<AnalyticsRun> {
    let tx = &file.transactions;
    let source = options.source;
    let as_of = match options.as_of {
        Some(as_of) => as_of,
        None => {
            check_not_future(file, options.now)?;
            // An empty file: every result is empty whatever the date.
            tx.day_after_last().unwrap_or(Timestamp::MIN)
        }
    };
    // The offers (learning and ranking, on the available cores) while this
    // thread computes RFM and cohorts: the results do not depend on it.
    let (rfm, cohorts, offers) = std::thread::scope(|scope| {
        let offers = scope.spawn(|| offers(file, as_of));
        let rfm = rfm::rfm(tx, as_of);
        let cohorts = cohorts::cohorts(tx, as_of);
        let offers = offers
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (rfm, cohorts, offers)
    });
    let run = AnalyticsRun {
        as_of,
        purchases: tx.purchases_before(as_of).count() as u64,
        after_as_of: tx.at_column().iter().filter(|at| **at >= as_of).count() as u64,
        rfm,
        cohorts: cohorts.map_err(|e| name_line(e, file))?,
        offers: offers?,
    };
    std::fs::create_dir_all(out_dir)
        .map_err(|e| Error::invalid(out_dir.display(), format!("cannot create: {e}")))?;
    write_file(out_dir, "rfm.csv", |w| rfm_csv(w, &run.rfm, tx))?;
    write_file(out_dir, "cohorts.csv", |w| cohorts_csv(w, &run.cohorts))?;
    write_file(out_dir, "cohort_revenue.csv", |w| {
        cohort_revenue_csv(w, &run.cohorts)
    })?;
    write_file(out_dir, "activity.csv", |w| activity_csv(w, &run.cohorts))?;
    let affinities = match &run.offers {
        Offers::Written(offers) => {
            write_file(out_dir, "next_best_offer.csv", |w| {
                next_best_offer_csv(w, offers, tx)
            })?;
            let top = offers.model.top_affinities(AFFINITIES_SHOWN);
            let bars: Vec<AffinityBar<'_>> = top
                .iter()
                .map(|a| AffinityBar {
                    from: tx.products().name(a.from),
                    to: tx.products().name(a.to),
                    kind: a.kind,
                    support: a.support,
                    confidence: a.confidence,
                    lift: a.lift,
                })
                .collect();
            format!(
                "<p>Learned from {} orders of {} customers before the as-of date: the {} \
                 strongest of {} affinities kept (at least {} orders or customers each).</p>\n{}",
                offers.model.order_count(),
                offers.model.customer_count(),
                top.len(),
                offers.model.affinity_count(),
                offers.model.options().min_support,
                svg::affinity_bars(&bars, "Top product affinities")
            )
        }
        Offers::NotWritten(why) => {
            let stale = out_dir.join("next_best_offer.csv");
            if stale.exists() {
                std::fs::remove_file(&stale).map_err(|e| {
                    Error::invalid(
                        stale.display(),
                        format!("cannot remove an earlier run's: {e}"),
                    )
                })?;
            }
            format!("<p>No next best offers: {}.</p>", svg::escape(why))
        }
    };
    let as_of_text = as_of.to_rfc3339();
    let facts = vec![
        ("file".to_string(), source.to_string()),
        (
            "as of".to_string(),
            as_of_text.get(..10).unwrap_or(&as_of_text).to_string(),
        ),
        ("lines read".to_string(), file.rows.to_string()),
        (
            "guest lines skipped (no customer id)".to_string(),
            file.guests.to_string(),
        ),
        ("purchase lines used".to_string(), run.purchases.to_string()),
        (
            "lines marked as service or charges (postage, fees, ...: spend when they are \
             purchases, never offered)"
                .to_string(),
            tx.not_product_count().to_string(),
        ),
        (
            "lines on or after the as-of date (not used)".to_string(),
            run.after_as_of.to_string(),
        ),
        (
            "customers with a purchase".to_string(),
            run.cohorts
                .cohorts
                .iter()
                .map(|c| c.size())
                .sum::<u64>()
                .to_string(),
        ),
    ];
    let html = svg::report_html(&Report {
        title: "Customer analytics",
        facts: &facts,
        cohorts: &run.cohorts,
        rfm: &run.rfm,
        top_affinities: Some(&affinities),
    });
    write_file(out_dir, "report.html", |w| w.write_all(html.as_bytes()))?;
    Ok(run)
}

/// The next best offers as of `as_of`, or why there are none.
fn offers(file: &TransactionsFile, as_of: Timestamp) -> Result<Offers> {
    if !file
        .columns
        .iter()
        .any(|(_, f)| *f == Some(TransactionField::Product))
    {
        return Ok(Offers::NotWritten(
            "the file has no product column (named product, StockCode, sku, item, ...; or \
             mapped with --map column=product), so next_best_offer.csv is not written"
                .to_string(),
        ));
    }
    let offers =
        transaction_offers::next_best_offers(&file.transactions, as_of, OFFERS_PER_CUSTOMER)?;
    if offers.customers.is_empty() {
        return Ok(Offers::NotWritten(
            "no purchase before the as-of date names a product (service and charge lines \
             excluded), so next_best_offer.csv is not written"
                .to_string(),
        ));
    }
    Ok(Offers::Written(Box::new(offers)))
}

/// Refuses a file whose latest line lies more than a day after `now` (see
/// [`write_analytics_with`]).
fn check_not_future(file: &TransactionsFile, now: Timestamp) -> Result<()> {
    let Some(latest) = &file.latest else {
        return Ok(());
    };
    if latest.at <= now.plus_days(1.0) {
        return Ok(());
    }
    let day = |t: Timestamp| {
        let text = t.to_rfc3339();
        text.get(..10).unwrap_or(&text).to_string()
    };
    Err(Error::InvalidTimestamp {
        field: latest.field(),
        message: format!(
            "{} is in the future (today is {}): a purchase cannot be, and as the latest \
             line it would set the as-of date and leave every real purchase years behind. Is \
             it a placeholder for an unknown date? Correct or remove the line, or give an \
             as-of date (--as-of YYYY-MM-DD): lines on or after it are not used",
            day(latest.at),
            day(now)
        ),
    })
}

/// A cohorts error about the first purchase's date, naming the line and
/// column of the file's earliest date when that is the date in question.
fn name_line(e: Error, file: &TransactionsFile) -> Error {
    match (e, &file.earliest) {
        (Error::InvalidArgument { field, message }, Some(earliest)) if field == "date" => {
            let day = earliest.at.to_rfc3339();
            if message.contains(&format!("from {}", day.get(..10).unwrap_or(&day))) {
                Error::invalid(earliest.field(), message)
            } else {
                Error::InvalidArgument { field, message }
            }
        }
        (e, _) => e,
    }
}

fn write_file(
    dir: &Path,
    name: &str,
    f: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<()> {
    let path = dir.join(name);
    let fail = |e: std::io::Error| Error::invalid(path.display(), format!("cannot write: {e}"));
    let mut w = BufWriter::new(File::create(&path).map_err(fail)?);
    f(&mut w).map_err(fail)?;
    w.flush().map_err(fail)
}

/// A CSV cell: quoted when it holds a comma, a quote or a line break.
fn cell(text: &str) -> std::borrow::Cow<'_, str> {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\"")).into()
    } else {
        text.into()
    }
}

/// Writes `rfm.csv` (see the [module](self)).
///
/// # Errors
///
/// Whatever `w` returns.
pub fn rfm_csv(w: &mut dyn Write, tables: &[RfmTable], tx: &Transactions) -> std::io::Result<()> {
    let several = tables.len() > 1;
    w.write_all(b"customer_id,recency_days,frequency,monetary,r,f,m,segment")?;
    w.write_all(if several { b",currency\n" } else { b"\n" })?;
    for table in tables {
        for row in &table.rows {
            write!(
                w,
                "{},{},{},{},{},{},{},{}",
                cell(tx.customers().name(row.customer)),
                row.recency_days,
                row.frequency,
                row.monetary,
                row.score.r,
                row.score.f,
                row.score.m,
                row.score.segment.name()
            )?;
            if several {
                write!(w, ",{}", table.currency)?;
            }
            w.write_all(b"\n")?;
        }
    }
    Ok(())
}

/// Writes `next_best_offer.csv` (see the [module](self)).
///
/// # Errors
///
/// Whatever `w` returns.
pub fn next_best_offer_csv(
    w: &mut dyn Write,
    offers: &NextBestOffers,
    tx: &Transactions,
) -> std::io::Result<()> {
    w.write_all(b"customer_id,rank,product,score,reason\n")?;
    for c in &offers.customers {
        let customer = cell(tx.customers().name(c.customer));
        for (rank, offer) in c.offers.iter().enumerate() {
            writeln!(
                w,
                "{customer},{},{},{:.4},{}",
                rank + 1,
                cell(tx.products().name(offer.product)),
                offer.score,
                cell(&transaction_offers::reason(tx, offer))
            )?;
        }
    }
    Ok(())
}

/// Writes `cohorts.csv` (see the [module](self)).
///
/// # Errors
///
/// Whatever `w` returns.
pub fn cohorts_csv(w: &mut dyn Write, cohorts: &Cohorts) -> std::io::Result<()> {
    w.write_all(b"cohort,month,customers,share\n")?;
    for c in &cohorts.cohorts {
        for (k, n) in c.active.iter().enumerate() {
            let share = c.share_millionths(k);
            writeln!(
                w,
                "{},{k},{n},{}.{:06}",
                c.month,
                share / 1_000_000,
                share % 1_000_000
            )?;
        }
    }
    Ok(())
}

/// Writes `cohort_revenue.csv` (see the [module](self)).
///
/// # Errors
///
/// Whatever `w` returns.
pub fn cohort_revenue_csv(w: &mut dyn Write, cohorts: &Cohorts) -> std::io::Result<()> {
    w.write_all(b"cohort,month,currency,revenue\n")?;
    for c in &cohorts.cohorts {
        for revenue in &c.revenue {
            for (k, value) in revenue.by_month.iter().enumerate() {
                writeln!(
                    w,
                    "{},{k},{},{}",
                    c.month,
                    revenue.currency,
                    format_ten_thousandths(*value)
                )?;
            }
        }
    }
    Ok(())
}

/// Writes `activity.csv` (see the [module](self)).
///
/// # Errors
///
/// Whatever `w` returns.
pub fn activity_csv(w: &mut dyn Write, cohorts: &Cohorts) -> std::io::Result<()> {
    w.write_all(b"month,active,new,retained,reactivated,churned\n")?;
    for a in &cohorts.activity {
        writeln!(
            w,
            "{},{},{},{},{},{}",
            a.month, a.active, a.new, a.retained, a.reactivated, a.churned
        )?;
    }
    Ok(())
}

/// Parses an as-of date, `yyyy-mm-dd`, as midnight UTC.
///
/// # Errors
///
/// [`Error::InvalidTimestamp`] naming `--as-of`.
///
/// ```
/// let t = ciclo::export::parse_as_of("2010-12-10")?;
/// assert_eq!(t.to_rfc3339(), "2010-12-10T00:00:00Z");
/// assert!(ciclo::export::parse_as_of("2010-12-10 10:00").is_err());
/// # Ok::<(), ciclo::Error>(())
/// ```
pub fn parse_as_of(text: &str) -> Result<Timestamp> {
    let t = text.trim();
    match crate::import::transactions::parse_date(t) {
        Some(at) if t.len() == 10 => Ok(at),
        _ => Err(Error::InvalidTimestamp {
            field: "--as-of".to_string(),
            message: format!(
                "`{}` is not a date as yyyy-mm-dd",
                crate::model::time::clip(t)
            ),
        }),
    }
}
