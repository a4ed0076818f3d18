//! Evaluates next best offer on a transactions file (the Online Retail II
//! export: `Invoice,StockCode,Description,Quantity,InvoiceDate,Price,
//! Customer ID,Country`), honestly: learn from what happened before a date,
//! judge on what customers bought after it.
//!
//! ```sh
//! cargo run --release --example offer_eval -- ../shared/data/online_retail_ii_2009_2010.csv.gz [--as-of 2010-09-01]... [--days 90] [--n 3] [--grid] [--not-product CODE]...
//! ```
//!
//! The file may be gzip-compressed (by its `.gz` name) or plain CSV.
//! Purchases are the lines with a customer id, a positive quantity and price,
//! an invoice not starting with `C` (cancellations) and a product: not a
//! service or charge line by the rule the `analytics` command uses
//! (`ciclo::analytics::not_product`: postage, carriage, fees, discounts,
//! manual adjustments, bank charges, samples and gift vouchers by the first
//! or last word of their `Description`, such as `POST` "POSTAGE", `DOT`
//! "DOTCOM POSTAGE", `M` "Manual", `BANK CHARGES`, `gift_0001_10`
//! "Dotcomgiftshop Gift Voucher £10.00"), nor a code given with
//! `--not-product` (repeatable).
//!
//! For each as-of date (default 2010-06-01, where the settings were chosen,
//! and 2010-09-01, where they are reported): the recommenders learn from the
//! purchases before it; the customers evaluated are those with a purchase
//! before it and one in the `--days` after it (default 90). A customer is a
//! hit at `n` (default 3) when one of their top `n` suggested products, none
//! of which they bought before the date, is among the products they buy in
//! the window. Three recommenders, all completing their list with the most
//! popular products not bought when they suggest fewer than `n`:
//!
//! - **popularity**: the `n` products in most orders that the customer has
//!   not bought;
//! - **co-occurrence**: the plain "bought together" recommender
//!   (`AffinityOptions::plain`, `RecommendOptions::plain`): a candidate
//!   scores the number of orders it shares with each product the customer
//!   bought, summed;
//! - **ciclo**: the defaults (`AffinityOptions::default`,
//!   `RecommendOptions::new`).
//!
//! `--grid` also prints the settings tried when choosing the defaults.

use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::process::ExitCode;
use std::time::Instant;

use ciclo::analytics::affinity::{
    AffinityModel, AffinityOptions, BasketLine, HistoryItem, RecommendOptions,
};
use ciclo::analytics::not_product::NotProducts;
use ciclo::model::time::{Timestamp, MS_PER_DAY};

/// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// `YYYY-MM-DD[ HH:MM[:SS]]` as epoch milliseconds.
fn parse_time(text: &str) -> Option<i64> {
    let b = text.trim();
    let num = |s: &str| s.parse::<i64>().ok();
    let (date, clock) = b.split_once([' ', 'T']).unwrap_or((b, "00:00:00"));
    let mut d = date.split('-');
    let (y, m, dd) = (num(d.next()?)?, num(d.next()?)?, num(d.next()?)?);
    let mut c = clock.split(':');
    let h = num(c.next()?)?;
    let mi = num(c.next().unwrap_or("0"))?;
    let s = num(c.next().unwrap_or("0"))?;
    Some(((days_from_civil(y, m, dd) * 24 + h) * 60 + mi) * 60_000 + s * 1000)
}

struct Data {
    lines: Vec<BasketLine>,
}

fn read(path: &str, not_products: &NotProducts) -> Result<Data, String> {
    let file = std::fs::File::open(path).map_err(|e| format!("{path}: {e}"))?;
    let reader: Box<dyn Read> = if path.ends_with(".gz") {
        Box::new(flate2::read::MultiGzDecoder::new(std::io::BufReader::new(
            file,
        )))
    } else {
        Box::new(std::io::BufReader::new(file))
    };
    let mut csv = csv::Reader::from_reader(reader);
    let headers = csv.headers().map_err(|e| e.to_string())?.clone();
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(name))
            .ok_or_else(|| format!("{path}: no `{name}` column"))
    };
    let (invoice, code, quantity, date, price, customer) = (
        col("Invoice")?,
        col("StockCode")?,
        col("Quantity")?,
        col("InvoiceDate")?,
        col("Price")?,
        col("Customer ID")?,
    );
    let description = col("Description").ok();
    let mut customers: HashMap<String, u32> = HashMap::new();
    let mut orders: HashMap<String, u32> = HashMap::new();
    let mut products: HashMap<String, u32> = HashMap::new();
    let mut lines = Vec::new();
    let mut record = csv::StringRecord::new();
    while csv.read_record(&mut record).map_err(|e| e.to_string())? {
        let inv = record[invoice].trim();
        let stock = record[code].trim();
        let cust = record[customer].trim();
        let positive = |i: usize| record[i].trim().parse::<f64>().is_ok_and(|v| v > 0.0);
        if cust.is_empty()
            || inv.starts_with(['C', 'c'])
            || stock.is_empty()
            || not_products.is_not_product(Some(stock), description.map(|d| &record[d]))
            || !positive(quantity)
            || !positive(price)
        {
            continue;
        }
        let Some(at) = parse_time(&record[date]) else {
            return Err(format!("{path}: bad date `{}`", &record[date]));
        };
        let intern = |map: &mut HashMap<String, u32>, key: String| {
            let next = map.len() as u32;
            *map.entry(key).or_insert(next)
        };
        let customer = intern(&mut customers, cust.trim_end_matches(".0").to_string());
        let order = intern(&mut orders, inv.to_string());
        let product = intern(&mut products, stock.to_ascii_uppercase());
        lines.push(BasketLine {
            customer,
            order,
            at: Timestamp::from_millis(at, "InvoiceDate").map_err(|e| e.to_string())?,
            product,
            category: None,
        });
    }
    Ok(Data { lines })
}

/// The customers to judge at one date, with their history and what they
/// bought in the window.
struct Split {
    train: Vec<BasketLine>,
    /// Customer → products bought before (with their last purchase).
    history: HashMap<u32, Vec<HistoryItem>>,
    /// Customer → products bought in the window (customers with a history).
    future: Vec<(u32, HashSet<u32>)>,
    as_of: Timestamp,
}

fn split(data: &Data, as_of: i64, days: i64) -> Split {
    let end = as_of + days * MS_PER_DAY;
    let train: Vec<BasketLine> = data
        .lines
        .iter()
        .filter(|l| l.at.as_millis() < as_of)
        .copied()
        .collect();
    let mut last: HashMap<(u32, u32), i64> = HashMap::new();
    for l in &train {
        let e = last.entry((l.customer, l.product)).or_insert(i64::MIN);
        *e = (*e).max(l.at.as_millis());
    }
    let mut history: HashMap<u32, Vec<HistoryItem>> = HashMap::new();
    for ((c, p), t) in last {
        history.entry(c).or_default().push(HistoryItem {
            product: p,
            last: Timestamp::from_millis(t, "t").expect("a read moment"),
        });
    }
    for h in history.values_mut() {
        h.sort_by_key(|i| i.product);
    }
    let mut future: HashMap<u32, HashSet<u32>> = HashMap::new();
    for l in &data.lines {
        let t = l.at.as_millis();
        if t >= as_of && t < end && history.contains_key(&l.customer) {
            future.entry(l.customer).or_default().insert(l.product);
        }
    }
    let mut future: Vec<(u32, HashSet<u32>)> = future.into_iter().collect();
    future.sort_by_key(|f| f.0);
    Split {
        train,
        history,
        future,
        as_of: Timestamp::from_millis(as_of, "as_of").expect("a read moment"),
    }
}

/// Hit rate at `n` of a recommender given as a function of the history.
fn hit_rate(split: &Split, n: usize, mut recommend: impl FnMut(&[HistoryItem]) -> Vec<u32>) -> f64 {
    let mut hits = 0usize;
    for (customer, bought) in &split.future {
        let history = &split.history[customer];
        let offers = recommend(history);
        debug_assert!(offers.len() <= n);
        debug_assert!(offers
            .iter()
            .all(|p| history.binary_search_by_key(p, |h| h.product).is_err()));
        if offers.iter().any(|p| bought.contains(p)) {
            hits += 1;
        }
    }
    hits as f64 / split.future.len().max(1) as f64
}

fn run_model(
    split: &Split,
    n: usize,
    options: &AffinityOptions,
    recommend: impl Fn(Timestamp) -> RecommendOptions,
) -> f64 {
    let options = AffinityOptions {
        as_of: Some(split.as_of),
        ..*options
    };
    let model = AffinityModel::learn(&split.train, &options).expect("valid options");
    let ropts = recommend(split.as_of);
    hit_rate(split, n, |h| {
        model
            .recommend(h, &RecommendOptions { n, ..ropts })
            .into_iter()
            .map(|o| o.product)
            .collect()
    })
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut path = None;
    let mut dates = Vec::new();
    let mut days = 90;
    let mut n = 3;
    let mut grid = false;
    let mut not_products = NotProducts::new();
    let mut k = 0;
    while k < args.len() {
        match args[k].as_str() {
            "--as-of" if k + 1 < args.len() => {
                dates.push(args[k + 1].clone());
                k += 1;
            }
            "--days" if k + 1 < args.len() => {
                days = args[k + 1].parse().unwrap_or(90);
                k += 1;
            }
            "--n" if k + 1 < args.len() => {
                n = args[k + 1].parse().unwrap_or(3);
                k += 1;
            }
            "--not-product" if k + 1 < args.len() => {
                not_products.add_code(&args[k + 1]);
                k += 1;
            }
            "--grid" => grid = true,
            other if path.is_none() && !other.starts_with("--") => path = Some(other.to_string()),
            other => {
                eprintln!("unknown argument `{other}`");
                return ExitCode::FAILURE;
            }
        }
        k += 1;
    }
    let Some(path) = path else {
        eprintln!("usage: offer_eval TRANSACTIONS.csv[.gz] [--as-of YYYY-MM-DD]... [--days 90] [--n 3] [--grid] [--not-product CODE]...");
        return ExitCode::FAILURE;
    };
    if dates.is_empty() {
        dates = vec!["2010-06-01".into(), "2010-09-01".into()];
    }
    let started = Instant::now();
    let data = match read(&path, &not_products) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    println!(
        "{} purchase lines read in {:.2} s",
        data.lines.len(),
        started.elapsed().as_secs_f64()
    );
    for date in &dates {
        let Some(as_of) = parse_time(date) else {
            eprintln!("bad date `{date}`");
            return ExitCode::FAILURE;
        };
        let split = split(&data, as_of, days);
        let started = Instant::now();
        // Popularity: orders holding the product, before the date.
        let counts =
            AffinityModel::learn(&split.train, &AffinityOptions::plain()).expect("valid options");
        let popularity = hit_rate(&split, n, |h| {
            let bought: Vec<u32> = h.iter().map(|i| i.product).collect();
            counts
                .popular_not_bought(&bought, n)
                .into_iter()
                .map(|o| o.product)
                .collect()
        });
        let plain = run_model(&split, n, &AffinityOptions::plain(), |t| {
            RecommendOptions::plain(n, t)
        });
        let ours = run_model(&split, n, &AffinityOptions::default(), |t| {
            RecommendOptions::new(n, t)
        });
        println!(
            "as of {date}, {days} days, {} customers evaluated ({} with history): hit@{n} popularity {:.4}, co-occurrence {:.4} ({:.2}x), ciclo {:.4} ({:.2}x; {:.2}x co-occurrence) [{:.1} s]",
            split.future.len(),
            split.history.len(),
            popularity,
            plain,
            plain / popularity,
            ours,
            ours / popularity,
            ours / plain,
            started.elapsed().as_secs_f64()
        );
        if grid {
            run_grid(&split, n, popularity);
        }
    }
    ExitCode::SUCCESS
}

/// The settings tried when choosing the defaults, one or two changes at a
/// time from them.
fn run_grid(split: &Split, n: usize, popularity: f64) {
    let base = AffinityOptions::default();
    let show = |label: String, options: AffinityOptions, r: RecommendOptions| {
        let rate = run_model(split, n, &options, |t| RecommendOptions { now: t, ..r });
        println!("  {label:<52} {rate:.4} ({:.2}x)", rate / popularity);
    };
    let r0 = RecommendOptions::new(n, split.as_of);
    show("defaults".into(), base, r0);
    for p in [0.2, 0.3, 0.4, 0.5, 0.7] {
        for h in [Some(30.0), Some(60.0), Some(120.0)] {
            for later in [0.0, 0.5] {
                show(
                    format!("popularity_exponent {p}, half_life_days {h:?}, later {later}"),
                    AffinityOptions {
                        popularity_exponent: p,
                        half_life_days: h,
                        later,
                        ..base
                    },
                    r0,
                );
            }
        }
    }
    for w in [None, Some(90.0)] {
        show(
            format!("later 1, later_within_days {w:?}"),
            AffinityOptions {
                later: 1.0,
                later_within_days: w,
                ..base
            },
            r0,
        );
    }
    for (a, s) in [(0.25, 0.0), (0.5, 5.0)] {
        show(
            format!("antecedent_exponent {a}, shrinkage {s}"),
            AffinityOptions {
                antecedent_exponent: a,
                shrinkage: s,
                ..base
            },
            r0,
        );
    }
    for k in [20, 100] {
        show(
            format!("top_k {k}"),
            AffinityOptions { top_k: k, ..base },
            r0,
        );
    }
    for m in [1, 5] {
        show(
            format!("min_support {m}"),
            AffinityOptions {
                min_support: m,
                ..base
            },
            r0,
        );
    }
    for h in [None, Some(30.0), Some(120.0)] {
        show(
            format!("history_half_life_days {h:?}"),
            base,
            RecommendOptions {
                history_half_life_days: h,
                ..r0
            },
        );
    }
    for b in [0.0, 1.0, 5.0] {
        show(
            format!("popularity_blend {b}"),
            base,
            RecommendOptions {
                popularity_blend: b,
                ..r0
            },
        );
    }
}
