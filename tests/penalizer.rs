//! The penalizer documented for small populations does not depend on the
//! unit: the same customers with amounts in pesos and in centavos, or with
//! time in weeks and in days, fit to the same predictions. (It once crushed
//! a Gamma-Gamma fit on amounts in minor units, and blamed the data.)

use ciclo::import::read_summaries_csv;
use ciclo::lifecycle::StageModel;
use ciclo::model::{BuiltinKind, Currency, Event, Money, Timestamp};
use ciclo::retention::{BgNbd, CustomerSummary, GammaGamma, ModelFitOptions, Signal};
use ciclo::Engine;

fn cdnow() -> Vec<CustomerSummary> {
    let path = format!(
        "{}/tests/data/cdnow_summary.csv",
        env!("CARGO_MANIFEST_DIR")
    );
    read_summaries_csv(std::fs::File::open(path).expect("the CDNOW summary"))
        .expect("a valid summary")
        .customers
}

#[track_caller]
fn close(a: f64, b: f64, bar: f64, what: &str) {
    let error = ((a - b) / b).abs();
    assert!(
        error <= bar,
        "{what}: {a} against {b} (relative error {error:e})"
    );
}

/// A small population: the first 40 CDNOW customers.
fn small() -> Vec<CustomerSummary> {
    cdnow().into_iter().take(40).collect()
}

#[test]
fn spend_fits_alike_in_units_and_in_cents() {
    for population in [small(), cdnow()] {
        let cents: Vec<CustomerSummary> = population
            .iter()
            .map(|c| CustomerSummary {
                monetary_value: c.monetary_value * 100.0,
                ..*c
            })
            .collect();
        for penalizer in [0.0, 0.001, 0.01, 0.1] {
            let units = GammaGamma::fit_penalized(&population, penalizer).unwrap();
            let minor = GammaGamma::fit_penalized(&cents, penalizer)
                .unwrap_or_else(|e| panic!("penalizer {penalizer} in cents: {e}"));
            let what =
                |s: &str| format!("{s}, {} customers, penalizer {penalizer}", population.len());
            close(minor.model.p, units.model.p, 1e-6, &what("p"));
            close(minor.model.q, units.model.q, 1e-6, &what("q"));
            close(minor.model.v / 100.0, units.model.v, 1e-6, &what("v"));
            for (c, m) in population
                .iter()
                .zip(&cents)
                .filter(|(c, _)| c.frequency > 0.0)
            {
                close(
                    minor.model.expected_average_value(m).unwrap() / 100.0,
                    units.model.expected_average_value(c).unwrap(),
                    1e-6,
                    &what("expected spend"),
                );
            }
        }
    }
}

#[test]
fn purchases_fit_alike_in_weeks_and_in_days() {
    for population in [small(), cdnow()] {
        let days: Vec<CustomerSummary> = population
            .iter()
            .map(|c| CustomerSummary {
                recency: c.recency * 7.0,
                t: c.t * 7.0,
                ..*c
            })
            .collect();
        for penalizer in [0.0, 0.001, 0.01] {
            let weeks = BgNbd::fit_penalized(&population, penalizer).unwrap();
            let daily = BgNbd::fit_penalized(&days, penalizer).unwrap();
            let what =
                |s: &str| format!("{s}, {} customers, penalizer {penalizer}", population.len());
            close(daily.model.r, weeks.model.r, 1e-5, &what("r"));
            close(
                daily.model.alpha / 7.0,
                weeks.model.alpha,
                1e-5,
                &what("alpha"),
            );
            for (w, d) in population.iter().zip(&days) {
                close(
                    daily.model.p_alive(d).unwrap(),
                    weeks.model.p_alive(w).unwrap(),
                    1e-5,
                    &what("p_alive"),
                );
            }
        }
    }
}

/// An engine whose customers buy the same amounts in whole pesos, `unit`
/// minor units a peso (1: the amounts in pesos; 100: in centavos).
fn engine(unit: i64) -> Engine {
    let engine = Engine::new(StageModel::six_stage());
    let ars = Currency::parse("ARS", "currency").unwrap();
    for (i, c) in small().iter().enumerate() {
        // CDNOW's summaries as purchases: the first at week 0, the repeat
        // ones spread to the recency, each of the monetary value.
        let start = 1_767_225_600_000i64;
        let week = 7 * 86_400_000i64;
        let n = c.frequency as i64;
        for k in 0..=n {
            let at = start
                + if n == 0 {
                    0
                } else {
                    (c.recency * week as f64) as i64 * k / n
                };
            let amount = c.monetary_value.max(5.0).round() as i64 * unit;
            let e = Event::new(
                format!("c{i}"),
                Timestamp::from_millis(at, "at").unwrap(),
                BuiltinKind::Purchase,
            )
            .with_amount(Money {
                minor: amount,
                currency: ars,
            });
            engine.apply(&e).unwrap();
        }
    }
    engine
}

#[test]
fn an_engine_in_centavos_fits_with_a_penalizer_as_in_pesos() {
    let now = Timestamp::parse("2026-10-01T00:00:00Z", "now").unwrap();
    let options = ModelFitOptions {
        penalizer: 0.001,
        ..ModelFitOptions::new(7.0)
    };
    let (pesos, centavos) = (engine(1), engine(100));
    let (_, a) = pesos.fit_models(now, &options).unwrap();
    let (_, b) = centavos
        .fit_models(now, &options)
        .expect("a small population in minor units fits with the documented penalizer");
    close(b.model.q, a.model.q, 1e-6, "q");
    for i in 0..40 {
        let who = format!("c{i}");
        let value = |e: &Engine| e.signals(&who, now).unwrap().get(Signal::ExpectedValue);
        match (value(&pesos), value(&centavos)) {
            (Some(x), Some(y)) => close(y / 100.0, x, 1e-5, &who),
            (x, y) => assert_eq!(x.is_some(), y.is_some(), "{who}"),
        }
    }
}
