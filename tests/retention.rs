//! The customer-base models against the reference implementation: the
//! `lifetimes` package (0.11.3) fitted on CDNOW (`tests/data/cdnow_summary.csv`,
//! 2,357 customers, time in weeks; its fits in
//! `tests/data/lifetimes_reference.json`).

use ciclo::import::read_summaries_csv;
use ciclo::retention::{lifetime_value, BgNbd, ClvOptions, CustomerSummary, GammaGamma};
use serde_json::Value;

fn cdnow() -> Vec<CustomerSummary> {
    let path = format!(
        "{}/tests/data/cdnow_summary.csv",
        env!("CARGO_MANIFEST_DIR")
    );
    read_summaries_csv(std::fs::File::open(path).expect("the CDNOW summary"))
        .expect("a valid summary")
        .customers
}

fn reference() -> Value {
    let path = format!(
        "{}/tests/data/lifetimes_reference.json",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(path).expect("the reference")).expect("JSON")
}

fn number(v: &Value) -> f64 {
    v.as_f64().expect("a number")
}

#[track_caller]
fn relative(ours: f64, theirs: f64, bar: f64, what: &str) {
    let error = ((ours - theirs) / theirs).abs();
    assert!(
        error <= bar,
        "{what}: {ours} against {theirs} (relative error {error:e}, bar {bar:e})"
    );
}

#[track_caller]
fn absolute(ours: f64, theirs: f64, bar: f64, what: &str) {
    let error = (ours - theirs).abs();
    assert!(
        error <= bar,
        "{what}: {ours} against {theirs} (error {error:e}, bar {bar:e})"
    );
}

#[test]
fn bgnbd_reproduces_lifetimes_on_cdnow() {
    let customers = cdnow();
    let reference = reference();
    assert_eq!(
        customers.len() as u64,
        reference["n_customers"].as_u64().unwrap()
    );
    let fit = BgNbd::fit(&customers).unwrap();
    let theirs = &reference["bgnbd"];
    for (name, ours) in [
        ("r", fit.model.r),
        ("alpha", fit.model.alpha),
        ("a", fit.model.a),
        ("b", fit.model.b),
    ] {
        relative(ours, number(&theirs[name]), 1e-3, name);
    }
    relative(
        fit.log_likelihood,
        number(&reference["bgnbd_loglik_total"]),
        1e-6,
        "log-likelihood",
    );
    // The likelihood at lifetimes' own parameters is theirs too (the same
    // function, not only the same maximum), and ours is no lower.
    let at_theirs = BgNbd {
        r: number(&theirs["r"]),
        alpha: number(&theirs["alpha"]),
        a: number(&theirs["a"]),
        b: number(&theirs["b"]),
    }
    .log_likelihood(&customers)
    .unwrap();
    relative(
        at_theirs,
        number(&reference["bgnbd_loglik_total"]),
        1e-9,
        "log-likelihood at lifetimes' parameters",
    );
    assert!(fit.log_likelihood >= at_theirs - 1e-9);
    assert_eq!(fit.customers, customers.len());
}

#[test]
fn gamma_gamma_reproduces_lifetimes_on_cdnow() {
    let customers = cdnow();
    let reference = reference();
    let fit = GammaGamma::fit(&customers).unwrap();
    let theirs = &reference["gamma_gamma"];
    for (name, ours) in [("p", fit.model.p), ("q", fit.model.q), ("v", fit.model.v)] {
        relative(ours, number(&theirs[name]), 1e-3, name);
    }
    // Fitted on the customers with repeat purchases (all of whom spent).
    let repeat = customers.iter().filter(|c| c.frequency > 0.0).count();
    assert_eq!(
        (fit.customers, fit.skipped),
        (repeat, customers.len() - repeat)
    );
    assert_eq!(fit.customers, 946);
}

#[test]
fn predictions_reproduce_lifetimes_on_cdnow() {
    let customers = cdnow();
    let reference = reference();
    let bgnbd = BgNbd::fit(&customers).unwrap().model;
    let spend = GammaGamma::fit(&customers).unwrap().model;
    let options = ClvOptions::new(0.01, ClvOptions::WEEKS);
    let rows = reference["customers"].as_array().unwrap();
    assert_eq!(rows.len(), 20);
    for (i, row) in rows.iter().enumerate() {
        let c = customers[i];
        // The reference rows are the file's first customers.
        assert_eq!(c.frequency, number(&row["frequency"]));
        assert_eq!(c.recency, number(&row["recency"]));
        let what = |name: &str| format!("customer {} {name}", row["customer_id"]);
        absolute(
            bgnbd.p_alive(&c).unwrap(),
            number(&row["p_alive"]),
            1e-4,
            &what("P(alive)"),
        );
        for horizon in [30, 90] {
            absolute(
                bgnbd.expected_purchases(&c, f64::from(horizon)).unwrap(),
                number(&row[format!("expected_purchases_{horizon}")]),
                1e-4,
                &what(&format!("expected purchases in {horizon}")),
            );
        }
        relative(
            lifetime_value(&bgnbd, &spend, &c, &options).unwrap(),
            number(&row["clv_12_months_monthly_discount_0.01_weeks"]),
            1e-4,
            &what("12-month CLV"),
        );
    }
}

#[test]
fn every_cdnow_prediction_is_finite_and_in_range() {
    let customers = cdnow();
    let bgnbd = BgNbd::fit(&customers).unwrap().model;
    let spend = GammaGamma::fit(&customers).unwrap().model;
    let options = ClvOptions::new(0.01, ClvOptions::WEEKS);
    for c in &customers {
        let alive = bgnbd.p_alive(c).unwrap();
        assert!((0.0..=1.0).contains(&alive), "{c:?}");
        let (e30, e90) = (
            bgnbd.expected_purchases(c, 30.0).unwrap(),
            bgnbd.expected_purchases(c, 90.0).unwrap(),
        );
        assert!(0.0 <= e30 && e30 <= e90 && e90.is_finite(), "{c:?}");
        let value = lifetime_value(&bgnbd, &spend, c, &options).unwrap();
        assert!(value.is_finite() && value >= 0.0, "{c:?}");
    }
}

/// Simulated populations (`tests/data/hard_fits/`, rows of frequency, recency,
/// T, monetary value) on which an earlier optimiser stopped short of the
/// maximum or gave up: each fit must reach the interior maximum found from
/// many starting points.
#[test]
fn hard_populations_reach_their_maximum() {
    let read = |name: &str| -> Vec<CustomerSummary> {
        let path = format!(
            "{}/tests/data/hard_fits/{name}.csv",
            env!("CARGO_MANIFEST_DIR")
        );
        std::fs::read_to_string(path)
            .expect("the population")
            .lines()
            .map(|l| {
                let v: Vec<f64> = l.split(',').map(|x| x.parse().expect("a number")).collect();
                CustomerSummary::new(v[0], v[1], v[2], v[3])
            })
            .collect()
    };
    for (name, r, alpha, a, b) in [
        ("pop176", 78.6236, 544.800, 17.6748, 26.2669),
        ("pop322", 1.05211, 8.74964, 10.8454, 9.46790),
    ] {
        let fit = BgNbd::fit(&read(name)).unwrap();
        for (ours, theirs) in [
            (fit.model.r, r),
            (fit.model.alpha, alpha),
            (fit.model.a, a),
            (fit.model.b, b),
        ] {
            relative(ours, theirs, 1e-4, name);
        }
    }
    for (name, p, q, v) in [
        ("gg1450", 15.6950, 6.28413, 34.1094),
        ("gg632", 3.86222, 4.51884, 203.030),
    ] {
        let fit = GammaGamma::fit(&read(name)).unwrap();
        for (ours, theirs) in [(fit.model.p, p), (fit.model.q, q), (fit.model.v, v)] {
            relative(ours, theirs, 1e-4, name);
        }
    }
}
