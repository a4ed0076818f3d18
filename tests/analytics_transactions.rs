//! The analytics command's files against pandas, and its errors on bad input.
//!
//! `tests/data/cdnow_expected*/` were written by `tools/rfm_cohorts_pandas.py`
//! (pandas) from `tests/data/cdnow_sample_transactions.csv`; the files
//! `ciclo::export::write_analytics` writes must equal them byte for byte:
//! every recency, frequency, monetary value, score, segment, cohort count,
//! share, revenue and monthly count.

use std::path::{Path, PathBuf};

use ciclo::analytics::rfm::Segment;
use ciclo::export::{parse_as_of, write_analytics};
use ciclo::import::transactions::{read_transactions_csv, TransactionsCsvOptions};
use ciclo::ErrorKind;

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data");

fn out_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ciclo-analytics-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn read(text: &str) -> ciclo::Result<ciclo::import::transactions::TransactionsFile> {
    read_transactions_csv(text.as_bytes(), &TransactionsCsvOptions::default())
}

fn same_files(expected: &Path, got: &Path) {
    for name in [
        "rfm.csv",
        "cohorts.csv",
        "cohort_revenue.csv",
        "activity.csv",
    ] {
        let want = std::fs::read_to_string(expected.join(name)).unwrap();
        let have = std::fs::read_to_string(got.join(name)).unwrap();
        assert!(want.lines().count() > 1, "{name}: an empty expectation");
        for (i, (w, h)) in want.lines().zip(have.lines()).enumerate() {
            assert_eq!(h, w, "{name} line {}", i + 1);
        }
        assert_eq!(have.lines().count(), want.lines().count(), "{name}: lines");
    }
}

fn cdnow() -> ciclo::import::transactions::TransactionsFile {
    let file = std::fs::File::open(format!("{DATA}/cdnow_sample_transactions.csv")).unwrap();
    read_transactions_csv(file, &TransactionsCsvOptions::default()).unwrap()
}

#[test]
fn cdnow_rfm_and_cohorts_equal_pandas() {
    let file = cdnow();
    assert_eq!((file.rows, file.guests), (6_919, 0));
    let dir = out_dir("cdnow");
    let run = write_analytics(&file, None, &dir, "cdnow").unwrap();
    assert_eq!(run.as_of, parse_as_of("1998-07-01").unwrap());
    assert_eq!(run.rfm[0].rows.len(), 2_357);
    same_files(&Path::new(DATA).join("cdnow_expected"), &dir);
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    assert!(html.contains("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert!(html.contains("1997-01 (781)"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn cdnow_as_of_1998_equals_pandas() {
    let dir = out_dir("cdnow-1998");
    let as_of = parse_as_of("1998-01-01").unwrap();
    let run = write_analytics(&cdnow(), Some(as_of), &dir, "cdnow").unwrap();
    assert!(run.purchases < 6_919);
    same_files(&Path::new(DATA).join("cdnow_expected_1998"), &dir);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn returns_cancellations_and_guests_are_not_purchases() {
    // Online Retail's columns. Customer 1: two invoices (one of two lines, one
    // with a price of tenths of a penny), a cancelled invoice and a return;
    // customer 2: one invoice in February; a guest.
    let csv = "Invoice,StockCode,Description,Quantity,InvoiceDate,Price,Customer ID,Country\n\
               100,A,\"Cups, blue\",2,2010-01-04 09:00:00,1.25,1,UK\n\
               100,B,Tea,1,2010-01-04 09:00:00,3.105,1,UK\n\
               101,A,Cups,10,2010-01-20 10:30:00,0.001,1,UK\n\
               C102,A,Cups,-2,2010-01-21 10:00:00,1.25,1,UK\n\
               103,B,Tea,-1,2010-01-22 10:00:00,3.105,1,UK\n\
               104,A,Cups,4,2010-02-01 12:00:00,1.25,2,UK\n\
               105,A,Cups,4,2010-02-02 12:00:00,1.25,,UK\n";
    let file = read(csv).unwrap();
    assert_eq!((file.rows, file.guests, file.transactions.len()), (7, 1, 6));
    let as_of = file.transactions.day_after_last().unwrap();
    assert_eq!(as_of, parse_as_of("2010-02-02").unwrap());
    let tables = ciclo::analytics::rfm::rfm(&file.transactions, as_of);
    assert_eq!(tables.len(), 1);
    let rows: Vec<(&str, i64, u64, String)> = tables[0]
        .rows
        .iter()
        .map(|r| {
            (
                file.transactions.customers().name(r.customer),
                r.recency_days,
                r.frequency,
                r.monetary.to_string(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("1", 13, 2, "5.615".to_string()),
            ("2", 1, 1, "5.00".to_string())
        ]
    );
    // Two customers: ranks 1 and 2 score 1 and 5.
    let s: Vec<_> = tables[0].rows.iter().map(|r| r.score).collect();
    assert_eq!(
        (s[0].r, s[0].f, s[0].m, s[0].segment),
        (1, 5, 5, Segment::CantLoseThem)
    );
    assert_eq!(
        (s[1].r, s[1].f, s[1].m, s[1].segment),
        (5, 1, 1, Segment::NewCustomers)
    );
    let cohorts = ciclo::analytics::cohorts::cohorts(&file.transactions, as_of).unwrap();
    let active: Vec<(String, Vec<u64>)> = cohorts
        .cohorts
        .iter()
        .map(|c| (c.month.to_string(), c.active.clone()))
        .collect();
    assert_eq!(
        active,
        [
            ("2010-01".to_string(), vec![1, 0]),
            ("2010-02".to_string(), vec![1])
        ]
    );
    assert_eq!(cohorts.activity[1].churned, 1);
}

#[test]
fn a_missing_customer_or_date_column_is_named() {
    let err = read("date,amount\n20100101,5\n").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidArgument);
    let text = err.to_string();
    assert!(
        text.starts_with("invalid argument csv header: no customer column"),
        "{text}"
    );
    assert!(text.contains(r#"columns seen: "date", "amount""#), "{text}");

    let err = read("Customer ID,Price,Quantity\n1,5,1\n").unwrap_err();
    assert!(
        err.to_string()
            .starts_with("invalid argument csv header: no date column"),
        "{err}"
    );

    let err = read("customer,date,Quantity\n1,20100101,1\n").unwrap_err();
    assert!(
        err.to_string()
            .starts_with("invalid argument csv header: no amount column"),
        "{err}"
    );

    // Mapped by hand, the same columns read.
    let file = read_transactions_csv(
        "buyer,when,paid\n1,20100101,5\n".as_bytes(),
        &TransactionsCsvOptions {
            mapping: vec![
                ("buyer".into(), "customer".into()),
                ("when".into(), "date".into()),
                ("paid".into(), "amount".into()),
            ],
            ..TransactionsCsvOptions::default()
        },
    )
    .unwrap();
    assert_eq!(file.transactions.len(), 1);
    let err = read_transactions_csv(
        "buyer,when,paid\n1,20100101,5\n".as_bytes(),
        &TransactionsCsvOptions {
            mapping: vec![("buyer".into(), "client".into())],
            ..TransactionsCsvOptions::default()
        },
    )
    .unwrap_err();
    assert!(err.to_string().contains("unknown field `client`"), "{err}");
}

#[test]
fn two_columns_for_one_field_are_refused() {
    let err = read("customer,client,date,amount\n1,2,20100101,5\n").unwrap_err();
    assert!(
        err.to_string()
            .contains("columns `customer` and `client` both fill `customer`"),
        "{err}"
    );
}

#[test]
fn malformed_amounts_dates_and_quantities_name_line_and_column() {
    let err =
        read("customer_id,date,dollar_value\n1,19970101,29.33\n2,19970102,12$\n").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidAmount);
    assert_eq!(
        err.to_string(),
        "invalid amount in csv line 3.dollar_value: `12$` is not an amount (such as 29.33 or -1.5)"
    );
    let err = read("customer_id,date,dollar_value\n1,19970101,\n").unwrap_err();
    assert!(err.to_string().contains("csv line 2.dollar_value"), "{err}");
    let err = read("Customer ID,InvoiceDate,Quantity,Price\n1,2010-01-01,2.5,1\n").unwrap_err();
    assert!(
        err.to_string()
            .contains("csv line 2.Quantity: `2.5` is not a whole quantity"),
        "{err}"
    );
    let err = read("Customer ID,InvoiceDate,Quantity,Price\n1,1/12/2010 10:00,1,1\n").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidTimestamp);
    assert!(
        err.to_string()
            .contains("csv line 2.InvoiceDate: `1/12/2010 10:00` is not a date"),
        "{err}"
    );
    let err = read("customer,date,amount,currency\n1,20100101,5,euro\n").unwrap_err();
    assert!(err.to_string().contains("csv line 2.currency"), "{err}");
}

#[test]
fn gzip_is_refused_with_the_command_to_use() {
    let gzip: &[u8] = b"\x1f\x8b\x08\0\0\0\0\0";
    let err = read_transactions_csv(gzip, &TransactionsCsvOptions::default()).unwrap_err();
    assert!(err.to_string().contains("zcat"), "{err}");
}

#[test]
fn an_as_of_before_all_data_gives_empty_results() {
    let dir = out_dir("early");
    let run = write_analytics(
        &cdnow(),
        Some(parse_as_of("1996-01-01").unwrap()),
        &dir,
        "cdnow",
    )
    .unwrap();
    assert_eq!(run.purchases, 0);
    assert!(run.rfm.is_empty());
    assert!(run.cohorts.cohorts.is_empty() && run.cohorts.activity.is_empty());
    let rfm = std::fs::read_to_string(dir.join("rfm.csv")).unwrap();
    assert_eq!(
        rfm,
        "customer_id,recency_days,frequency,monetary,r,f,m,segment\n"
    );
    let cohorts = std::fs::read_to_string(dir.join("cohorts.csv")).unwrap();
    assert_eq!(cohorts, "cohort,month,customers,share\n");
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    assert!(html.contains("No purchases before the as-of date."));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn an_empty_file_gives_empty_results() {
    let file = read("customer_id,date,amount\n").unwrap();
    let dir = out_dir("empty");
    let run = write_analytics(&file, None, &dir, "empty").unwrap();
    assert!(run.rfm.is_empty() && run.cohorts.cohorts.is_empty());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn several_currencies_are_scored_apart() {
    let csv = "customer,date,amount,currency\n\
               a,20100101,10,EUR\nb,20100102,20,EUR\na,20100103,5,USD\n";
    let file = read(csv).unwrap();
    let dir = out_dir("currencies");
    let run = write_analytics(&file, None, &dir, "mixed").unwrap();
    assert_eq!(run.rfm.len(), 2);
    let rfm = std::fs::read_to_string(dir.join("rfm.csv")).unwrap();
    assert_eq!(
        rfm,
        "customer_id,recency_days,frequency,monetary,r,f,m,segment,currency\n\
         a,3,1,10.00,1,1,1,lost,EUR\n\
         b,2,1,20.00,5,5,5,champions,EUR\n\
         a,1,1,5.00,5,1,1,new_customers,USD\n"
    );
    let revenue = std::fs::read_to_string(dir.join("cohort_revenue.csv")).unwrap();
    assert_eq!(
        revenue,
        "cohort,month,currency,revenue\n2010-01,0,EUR,30.00\n2010-01,0,USD,5.00\n"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The top-affinities SVG of the hand-made baskets' report.
fn affinities_svg() -> String {
    let dir = out_dir("affinities-for-rsvg");
    write_analytics(&read(BASKETS).unwrap(), None, &dir, "baskets").unwrap();
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    report_svgs(&html).pop().unwrap()
}

#[test]
fn the_report_svgs_draw() {
    // rsvg-convert, when installed, must render the cohort heat map and the
    // RFM grid of the CDNOW sample, and the top affinities.
    let Ok(status) = std::process::Command::new("rsvg-convert")
        .arg("--version")
        .output()
    else {
        eprintln!("rsvg-convert is not installed: skipped");
        return;
    };
    assert!(status.status.success());
    let file = cdnow();
    let as_of = file.transactions.day_after_last().unwrap();
    let cohorts = ciclo::analytics::cohorts::cohorts(&file.transactions, as_of).unwrap();
    let rfm = ciclo::analytics::rfm::rfm(&file.transactions, as_of);
    let dir = out_dir("svg");
    std::fs::create_dir_all(&dir).unwrap();
    for (name, svg) in [
        (
            "cohorts",
            ciclo::analytics::svg::cohort_heatmap(&cohorts, "Cohorts & <retention>"),
        ),
        ("rfm", ciclo::analytics::svg::rfm_grid(&rfm[0], "RFM")),
        ("affinities", affinities_svg()),
    ] {
        let path = dir.join(format!("{name}.svg"));
        std::fs::write(&path, svg).unwrap();
        let out = std::process::Command::new("rsvg-convert")
            .arg(&path)
            .arg("-o")
            .arg(dir.join(format!("{name}.png")))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let png = std::fs::read(dir.join(format!("{name}.png"))).unwrap();
        assert!(png.starts_with(b"\x89PNG"), "{name}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

mod properties {
    use ciclo::analytics::rfm::{score, RfmInput};
    use ciclo::analytics::transactions::Amount;
    use ciclo::import::transactions::{read_transactions_csv, TransactionsCsvOptions};
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Any bytes after a known header read or fail with an error: never a panic.
        #[test]
        fn the_reader_never_panics(body in proptest::collection::vec(any::<u8>(), 0..400)) {
            let mut bytes = b"Invoice,Quantity,InvoiceDate,Price,Customer ID,currency\n".to_vec();
            bytes.extend_from_slice(&body);
            let _ = read_transactions_csv(bytes.as_slice(), &TransactionsCsvOptions::default());
        }

        #[test]
        fn amounts_never_panic(text in "[-+0-9.,e ]{0,30}") {
            let usd = ciclo::model::Currency::parse("USD", "c").unwrap();
            if let Some(a) = Amount::parse(&text, usd) {
                // What parses writes back as the same value.
                let again = Amount::parse(&a.to_string(), usd).unwrap();
                prop_assert_eq!(again, a);
            }
        }

        /// Better values never score lower, and each score holds a fifth of
        /// the base (within one customer).
        #[test]
        fn scores_are_monotonic_quintiles(
            base in proptest::collection::vec((0i64..50, 0u64..20, -5i64..100), 1..200)
        ) {
            let inputs: Vec<RfmInput> = base
                .iter()
                .map(|&(recency, frequency, monetary)| RfmInput { recency, frequency, monetary })
                .collect();
            let s = score(&inputs);
            let n = inputs.len();
            for i in 0..n {
                for j in 0..n {
                    if inputs[i].frequency > inputs[j].frequency {
                        prop_assert!(s[i].f >= s[j].f);
                    }
                    if inputs[i].recency < inputs[j].recency {
                        prop_assert!(s[i].r >= s[j].r);
                    }
                    if inputs[i].monetary > inputs[j].monetary {
                        prop_assert!(s[i].m >= s[j].m);
                    }
                }
            }
            if n >= 5 {
                for q in 1..=5u8 {
                    let count = s.iter().filter(|s| s.f == q).count();
                    prop_assert!(count + 1 >= n / 5 && count <= n / 5 + 2, "{} of {} score {}", count, n, q);
                }
            }
        }
    }
}

#[test]
fn a_year_0001_first_purchase_is_refused_naming_the_line() {
    let csv = "customer,date,amount\nb,2010-01-02,20\na,0001-01-05,10\na,2010-03-01,5\n";
    let file = read(csv).unwrap();
    let dir = out_dir("year-1");
    let err = write_analytics(&file, None, &dir, "placeholder").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidArgument);
    let text = err.to_string();
    assert!(
        text.starts_with("invalid argument csv line 3.date: "),
        "{text}"
    );
    assert!(
        text.contains("0001-01-05") && text.contains("at most 1200"),
        "{text}"
    );
    assert!(!dir.exists(), "nothing is written");
    // The pure function refuses it too, naming the date and the customer.
    let as_of = parse_as_of("2010-04-01").unwrap();
    let err = ciclo::analytics::cohorts::cohorts(&file.transactions, as_of).unwrap_err();
    assert!(err.to_string().contains("customer `a`"), "{err}");
}

#[test]
fn an_as_of_centuries_after_the_data_is_refused() {
    let dir = out_dir("as-of-9999");
    let as_of = parse_as_of("9999-12-31").unwrap();
    let err = write_analytics(&cdnow(), Some(as_of), &dir, "cdnow").unwrap_err();
    let text = err.to_string();
    assert!(
        text.starts_with("invalid argument as_of: 9999-12-31 is "),
        "{text}"
    );
    assert!(text.contains("at most 1200"), "{text}");
    assert!(!dir.exists(), "nothing is written");
    // A century exactly is still allowed: 1997-01 to 2096-12.
    let ok = parse_as_of("2097-01-01").unwrap();
    let c = ciclo::analytics::cohorts::cohorts(&cdnow().transactions, ok).unwrap();
    assert_eq!(c.activity.len(), 1200);
    let over = parse_as_of("2097-02-01").unwrap();
    assert!(ciclo::analytics::cohorts::cohorts(&cdnow().transactions, over).is_err());
}

#[test]
fn a_far_future_placeholder_is_refused_naming_the_line() {
    // Before: the default as-of became 10000-01-01, every real purchase
    // scored thousands of years old, and the results were silently wrong.
    let csv = "customer,date,amount\na,2010-01-02,20\nb,9999-12-31,10\nb,2010-03-01,5\n";
    let file = read(csv).unwrap();
    let dir = out_dir("year-9999");
    let err = write_analytics(&file, None, &dir, "placeholder").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidTimestamp);
    let text = err.to_string();
    assert!(
        text.contains("csv line 3.date: 9999-12-31 is in the future"),
        "{text}"
    );
    assert!(text.contains("--as-of"), "{text}");
    assert!(!dir.exists(), "nothing is written");

    // With an as-of, the placeholder is one of the lines not used, counted.
    let as_of = parse_as_of("2010-04-01").unwrap();
    let run = write_analytics(&file, Some(as_of), &dir, "placeholder").unwrap();
    assert_eq!((run.purchases, run.after_as_of), (2, 1));
    assert_eq!(run.rfm[0].rows.len(), 2);
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    assert!(html.contains("<th>lines on or after the as-of date (not used)</th><td>1</td>"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_future_is_relative_to_the_moment_of_the_run() {
    use ciclo::export::{write_analytics_with, AnalyticsOptions};
    let csv = "customer,date,amount\na,2010-01-02,20\nb,2010-06-03,10\n";
    let file = read(csv).unwrap();
    let dir = out_dir("future");
    let at = |now: &str| AnalyticsOptions {
        as_of: None,
        now: parse_as_of(now).unwrap(),
        source: "future",
    };
    // A day of slack for time zones: 2010-06-03 is not the future on 06-02.
    let run = write_analytics_with(&file, &at("2010-06-02"), &dir).unwrap();
    assert_eq!(run.as_of, parse_as_of("2010-06-04").unwrap());
    std::fs::remove_dir_all(&dir).unwrap();
    let err = write_analytics_with(&file, &at("2010-06-01"), &dir).unwrap_err();
    assert!(
        err.to_string()
            .contains("csv line 3.date: 2010-06-03 is in the future (today is 2010-06-01)"),
        "{err}"
    );
    assert!(!dir.exists());
}

/// Eight orders on one day; `x` bought A alone. Products in order of first
/// appearance: A B C D E.
const BASKETS: &str = "customer,order,product,date,amount\n\
    c1,o1,A,2010-01-04,1\nc1,o1,B,2010-01-04,1\nc1,o1,C,2010-01-04,1\n\
    c2,o2,A,2010-01-04,1\nc2,o2,B,2010-01-04,1\n\
    c3,o3,A,2010-01-04,1\nc3,o3,C,2010-01-04,1\n\
    c4,o4,B,2010-01-04,1\nc4,o4,C,2010-01-04,1\n\
    c5,o5,A,2010-01-04,1\nc5,o5,B,2010-01-04,1\nc5,o5,D,2010-01-04,1\n\
    c6,o6,D,2010-01-04,1\nc6,o6,E,2010-01-04,1\n\
    c7,o7,D,2010-01-04,1\nc7,o7,E,2010-01-04,1\n\
    x,o8,A,2010-01-04,1\n";

fn offer_rows(dir: &Path, customer: &str) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(dir.join("next_best_offer.csv")).unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(
        reader.headers().unwrap(),
        vec!["customer_id", "rank", "product", "score", "reason"]
    );
    reader
        .records()
        .map(|r| r.unwrap())
        .filter(|r| &r[0] == customer)
        .map(|r| r.iter().map(str::to_string).collect())
        .collect()
}

#[test]
fn next_best_offers_rank_as_computed_by_hand() {
    let file = read(BASKETS).unwrap();
    let dir = out_dir("offers");
    let run = write_analytics(&file, None, &dir, "baskets").unwrap();
    assert!(matches!(run.offers, ciclo::export::Offers::Written(_)));
    // The defaults (AffinityOptions::default, RecommendOptions::new), as of
    // 2010-01-05: every order is a day old, so each counts w = 0.5^(1/60)
    // (half-life 60 days), and x's one product pulls alike. Orders: 8; A in
    // 5, B in 4, C in 3, D in 3, E in 2. Together affinities kept (support at
    // least 2) from A: B (3 orders: o1 o2 o5) and C (2: o1 o3); A and D share
    // one order only. The weight of A → b is w × support / share(b)^0.3; a
    // score is that weight (x has one product) plus 0.05 × b's orders over
    // the most popular's (A's 5). D and E compete on the 0.05 blend alone.
    let w = 0.5f64.powf(1.0 / 60.0);
    let b = w * 3.0 / (4.0f64 / 8.0).powf(0.3) + 0.05 * 4.0 / 5.0;
    let c = w * 2.0 / (3.0f64 / 8.0).powf(0.3) + 0.05 * 3.0 / 5.0;
    let want = [
        (
            "B",
            b,
            "bought A; together in 3 orders: lift 1.2, confidence 0.60",
        ),
        (
            "C",
            c,
            "bought A; together in 2 orders: lift 1.1, confidence 0.40",
        ),
        ("D", 0.05 * 3.0 / 5.0, "popular: in 3 orders (37.5% of all)"),
        ("E", 0.05 * 2.0 / 5.0, "popular: in 2 orders (25.0% of all)"),
    ];
    let rows = offer_rows(&dir, "x");
    assert_eq!(rows.len(), want.len(), "{rows:?}");
    for (k, (row, (product, score, reason))) in rows.iter().zip(want).enumerate() {
        assert_eq!(row[1], (k + 1).to_string());
        assert_eq!(row[2], product, "rank {}", k + 1);
        let got: f64 = row[3].parse().unwrap();
        assert!(
            (got - score).abs() < 1e-3,
            "{product}: {got} against {score}"
        );
        assert_eq!(row[4], reason);
    }
    // c6 bought D and E: no affinity leads elsewhere, so the most popular
    // products not bought, in order of orders.
    let rows = offer_rows(&dir, "c6");
    let products: Vec<&str> = rows.iter().map(|r| r[2].as_str()).collect();
    assert_eq!(products, ["A", "B", "C"]);
    assert!(rows.iter().all(|r| r[4].starts_with("popular: in ")));
    // Nobody is offered what they bought; every customer with a history has
    // rows, in order of first appearance.
    let text = std::fs::read_to_string(dir.join("next_best_offer.csv")).unwrap();
    let mut customers: Vec<String> = Vec::new();
    for line in text.lines().skip(1) {
        let cells: Vec<&str> = line.split(',').collect();
        if customers.last().map(String::as_str) != Some(cells[0]) {
            customers.push(cells[0].to_string());
        }
        let bought = BASKETS.lines().any(|l| {
            l.starts_with(&format!("{},", cells[0])) && l.split(',').nth(2) == Some(cells[2])
        });
        assert!(!bought, "{line}");
    }
    assert_eq!(customers, ["c1", "c2", "c3", "c4", "c5", "c6", "c7", "x"]);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn without_a_product_column_no_offers_are_written_and_the_run_says_why() {
    let dir = out_dir("cdnow-offers");
    std::fs::create_dir_all(&dir).unwrap();
    // A file an earlier run left: removed, so the directory never mixes runs.
    std::fs::write(dir.join("next_best_offer.csv"), "stale\n").unwrap();
    let run = write_analytics(&cdnow(), None, &dir, "cdnow").unwrap();
    match &run.offers {
        ciclo::export::Offers::NotWritten(why) => {
            assert!(why.starts_with("the file has no product column"), "{why}")
        }
        other => panic!("{other:?}"),
    }
    assert!(!dir.join("next_best_offer.csv").exists());
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    assert!(html.contains("No next best offers: the file has no product column"));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Every `<svg>` of a report parses as XML, with the SVG namespace.
fn report_svgs(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<svg ") {
        let end = rest[start..].find("</svg>").expect("closed") + start + "</svg>".len();
        let svg = &rest[start..end];
        let doc = roxmltree::Document::parse(svg).expect("well-formed SVG");
        assert_eq!(
            doc.root_element().tag_name().namespace(),
            Some("http://www.w3.org/2000/svg")
        );
        out.push(svg.to_string());
        rest = &rest[end..];
    }
    out
}

#[test]
fn the_report_draws_the_top_affinities_as_well_formed_svg() {
    // Product names with markup, to prove they are escaped.
    let file = read(&BASKETS.replace(",A,", ",A<&x>,")).unwrap();
    let dir = out_dir("affinity-svg");
    write_analytics(&file, None, &dir, "baskets").unwrap();
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    let svgs = report_svgs(&html);
    assert_eq!(svgs.len(), 3, "cohorts, RFM, affinities");
    let section = &html[html
        .find("<section id=\"top-affinities\">")
        .expect("the section")..];
    assert!(section.contains("Learned from 8 orders of 8 customers"));
    let doc = roxmltree::Document::parse(&svgs[2]).unwrap();
    let texts: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text())
        .collect();
    // The strongest first: A → B (3 orders over B's share of 4 in 8).
    let first = texts.iter().position(|t| t.contains('→')).unwrap();
    assert_eq!(texts[first], "A<&x> → B");
    assert_eq!(
        texts[first + 1],
        "together in 3 orders, confidence 60.0%, lift 1.2"
    );
    // The CDNOW report (no products) stays well-formed, with its two SVGs.
    let dir2 = out_dir("cdnow-svg");
    write_analytics(&cdnow(), None, &dir2, "cdnow").unwrap();
    let html = std::fs::read_to_string(dir2.join("report.html")).unwrap();
    assert_eq!(report_svgs(&html).len(), 2);
    for d in [dir, dir2] {
        std::fs::remove_dir_all(&d).unwrap();
    }
}

#[test]
fn utf16_and_windows_1252_transactions_are_refused_with_the_fix() {
    // UTF-16 with a byte order mark, as Excel's "Unicode text" saves.
    let mut utf16 = vec![0xFF, 0xFE];
    for unit in "customer,date,amount\na,2010-01-04,1\n".encode_utf16() {
        utf16.extend(unit.to_le_bytes());
    }
    let err = read_transactions_csv(&utf16[..], &TransactionsCsvOptions::default()).unwrap_err();
    let text = err.to_string();
    assert!(
        text.starts_with("invalid argument csv header: the file is UTF-16"),
        "{text}"
    );
    assert!(text.contains("iconv -f UTF-16 -t UTF-8"), "{text}");
    // The same without the mark: the header's zero bytes give it away.
    let err = read_transactions_csv(&utf16[2..], &TransactionsCsvOptions::default()).unwrap_err();
    assert!(err.to_string().contains("the file is UTF-16"), "{err}");
    // Windows-1252 (Excel's plain "CSV" in Spanish): the line, the column and
    // the cell as it reads, with the command to convert.
    let latin: &[u8] = b"cliente,fecha,importe\nMu\xF1oz,2010-01-04,1\n";
    let err = read_transactions_csv(latin, &TransactionsCsvOptions::default()).unwrap_err();
    let text = err.to_string();
    assert!(
        text.starts_with("invalid argument csv line 2: invalid UTF-8 in column 1 (`cliente`)"),
        "{text}"
    );
    assert!(
        text.contains("Windows-1252") && text.contains("\"Muñoz\""),
        "{text}"
    );
    assert!(text.contains("iconv -f WINDOWS-1252 -t UTF-8"), "{text}");
    // A Windows-1252 header too.
    let err = read_transactions_csv(
        &b"cliente,fecha,a\xF1o\n"[..],
        &TransactionsCsvOptions::default(),
    )
    .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("invalid argument csv header: invalid UTF-8"),
        "{err}"
    );
}

/// Orders of mugs, tea and a carriage clock, each with a postage line; a test
/// product; a customer who paid postage only.
const WITH_POSTAGE: &str = "Invoice,StockCode,Description,Quantity,InvoiceDate,Price,Customer ID\n\
    1,MUG,WHITE MUG,1,2010-01-04 10:00,2.00,c1\n1,TEA,GREEN TEA,1,2010-01-04 10:00,3.00,c1\n\
    1,POST,POSTAGE,1,2010-01-04 10:00,5.00,c1\n\
    2,MUG,WHITE MUG,1,2010-01-04 11:00,2.00,c2\n2,TEA,GREEN TEA,1,2010-01-04 11:00,3.00,c2\n\
    2,POST,POSTAGE,1,2010-01-04 11:00,5.00,c2\n2,TEST1,This is a test product.,1,2010-01-04 11:00,1.00,c2\n\
    3,MUG,WHITE MUG,1,2010-01-04 12:00,2.00,c3\n3,CLOCK,BLACK CARRIAGE CLOCK,1,2010-01-04 12:00,9.00,c3\n\
    3,POST,POSTAGE,1,2010-01-04 12:00,5.00,c3\n3,TEST1,This is a test product.,1,2010-01-04 12:00,1.00,c3\n\
    4,CLOCK,BLACK CARRIAGE CLOCK,1,2010-01-04 13:00,9.00,c4\n4,POST,POSTAGE,1,2010-01-04 13:00,5.00,c4\n\
    5,POST,DOTCOM POSTAGE,1,2010-01-04 14:00,5.00,c5\n\
    6,TEA,GREEN TEA,1,2010-01-04 15:00,3.00,c6\n";

#[test]
fn service_lines_count_as_spend_but_are_never_offered() {
    let mut options = TransactionsCsvOptions::default();
    options.not_products.add_code("test1");
    let file = read_transactions_csv(WITH_POSTAGE.as_bytes(), &options).unwrap();
    // Five POSTAGE lines and two of the test product (by hand).
    assert_eq!(file.transactions.not_product_count(), 7);
    let dir = out_dir("postage");
    let run = write_analytics(&file, None, &dir, "postage").unwrap();
    // Postage is money paid: c1's spend is 2 + 3 + 5, c5 is a customer.
    let rfm = std::fs::read_to_string(dir.join("rfm.csv")).unwrap();
    assert!(rfm.lines().any(|l| l.starts_with("c1,1,1,10.00,")), "{rfm}");
    assert!(rfm.lines().any(|l| l.starts_with("c5,")), "{rfm}");
    let ciclo::export::Offers::Written(offers) = &run.offers else {
        panic!("{:?}", run.offers)
    };
    let tx = &file.transactions;
    for a in offers.model.top_affinities(1000) {
        let (from, to) = (tx.products().name(a.from), tx.products().name(a.to));
        assert!(
            ![from, to].iter().any(|p| ["POST", "TEST1"].contains(p)),
            "{from} → {to}"
        );
    }
    let text = std::fs::read_to_string(dir.join("next_best_offer.csv")).unwrap();
    for line in text.lines().skip(1) {
        let product = line.split(',').nth(2).unwrap();
        assert!(!["POST", "TEST1"].contains(&product), "{line}");
        assert!(!line.contains("bought POST"), "{line}");
    }
    // A carriage clock is a product; c6 (tea) is offered the mug first.
    assert_eq!(offer_rows(&dir, "c6")[0][2], "MUG");
    assert!(text.lines().any(|l| l.split(',').nth(2) == Some("CLOCK")));
    // Postage only: no product history, no offers.
    assert!(offer_rows(&dir, "c5").is_empty());
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    assert!(html.contains("never offered"));

    // Without the description (nor the code by hand), postage is one more
    // product, in almost every order: it is offered.
    let blind = TransactionsCsvOptions {
        mapping: vec![("Description".into(), "ignore".into())],
        ..TransactionsCsvOptions::default()
    };
    let file = read_transactions_csv(WITH_POSTAGE.as_bytes(), &blind).unwrap();
    assert_eq!(file.transactions.not_product_count(), 0);
    write_analytics(&file, None, &dir, "postage").unwrap();
    assert!(offer_rows(&dir, "c6").iter().any(|r| r[2] == "POST"));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A description only helps: a second column named like one is ignored, and a
/// byte that is not UTF-8 in it does not refuse the file.
#[test]
fn descriptions_never_refuse_a_file() {
    let options = TransactionsCsvOptions::default();
    // Two description-like columns: the first is read.
    let two = "Invoice,StockCode,Product Name,Description,Quantity,InvoiceDate,Price,Customer ID\n\
        1,MUG,WHITE MUG,a mug,1,2010-01-04 10:00,2.00,c1\n\
        1,POST,POSTAGE,a mug too,1,2010-01-04 10:00,5.00,c1\n";
    let file = read_transactions_csv(two.as_bytes(), &options).unwrap();
    assert_eq!(file.transactions.not_product_count(), 1);
    // Mapping the second makes it the one read (here it names no service).
    let mapped = TransactionsCsvOptions {
        mapping: vec![("Description".into(), "description".into())],
        ..TransactionsCsvOptions::default()
    };
    let file = read_transactions_csv(two.as_bytes(), &mapped).unwrap();
    assert_eq!(file.transactions.not_product_count(), 0);
    // Two columns of the same name, one mapped: the mapped one is read, the
    // other ignored.
    let twins = "Invoice,StockCode,Description,Description,Quantity,InvoiceDate,Price,Customer ID
        1,MUG,WHITE MUG,a mug,1,2010-01-04 10:00,2.00,c1
        1,POST,POSTAGE,a mug too,1,2010-01-04 10:00,5.00,c1
";
    let file = read_transactions_csv(twins.as_bytes(), &mapped).unwrap();
    assert_eq!(file.transactions.not_product_count(), 1);
    // A Windows-1252 byte in a description (`CAFÉ`): read, not refused.
    let mut latin = b"Invoice,StockCode,Description,Quantity,InvoiceDate,Price,Customer ID\n\
        1,MUG,CAF"
        .to_vec();
    latin.push(0xC9);
    latin.extend_from_slice(
        b" MUG,1,2010-01-04 10:00,2.00,c1\n1,POST,POSTAGE,1,2010-01-04 10:00,5.00,c1\n",
    );
    let file = read_transactions_csv(&latin[..], &options).unwrap();
    assert_eq!(file.transactions.len(), 2);
    assert_eq!(file.transactions.not_product_count(), 1);
}
