//! The match model's JSON form: it round-trips exactly, and every problem is
//! an error naming its path. The cases are generated from `FIELDS` and
//! `Field::levels()`, so a level added later is covered without a change
//! here.

use ciclo::consolidation::matching::{Field, MatchModel, FIELDS};
use ciclo::json::consolidation::{consolidation_config_from_json, consolidation_config_to_json};
use ciclo::json::matching::{
    em_options_from_json, match_model_from_json, match_model_to_json, match_model_value,
    score_options_from_json,
};
use ciclo::ErrorKind;
use serde_json::{json, Value};

fn default_value() -> Value {
    match_model_value(&MatchModel::default())
}

/// The error of reading `value`, which must fail with `kind` naming `path`.
fn refused(value: &Value, kind: ErrorKind, path: &str) -> String {
    let err = match_model_from_json(&value.to_string()).unwrap_err();
    let message = err.to_string();
    assert_eq!(err.kind(), kind, "{path}: {message}");
    assert!(message.contains(path), "`{message}` should name `{path}`");
    message
}

#[test]
fn the_model_round_trips_exactly() {
    let text = match_model_to_json(&MatchModel::default());
    let model = match_model_from_json(&text).unwrap();
    assert_eq!(model, MatchModel::default());
    assert_eq!(match_model_to_json(&model), text);

    // Numbers with every bit of their precision, and a model missing fields.
    let mut odd = MatchModel {
        prior: 1.0 / 3.0 * 1e-5,
        merge_threshold: 0.1 + 0.2,
        review_threshold: 0.3,
        ..MatchModel::default()
    };
    for (k, f) in odd.fields.iter_mut().enumerate() {
        for (j, l) in f.levels.iter_mut().enumerate() {
            l.m = 1.0 / (3.0 + k as f64 + j as f64 * 3.1);
            l.u = f64::MIN_POSITIVE * (1 + j) as f64;
        }
    }
    odd.fields
        .retain(|f| f.field != Field::Company && f.field != Field::Street);
    odd.veto_lifters.reverse();
    let back = match_model_from_json(&match_model_to_json(&odd)).unwrap();
    assert_eq!(back, odd);
    for (a, b) in back.fields.iter().zip(&odd.fields) {
        for (x, y) in a.levels.iter().zip(&b.levels) {
            assert_eq!(
                (x.m.to_bits(), x.u.to_bits()),
                (y.m.to_bits(), y.u.to_bits())
            );
        }
    }

    // Every field and level by name, vetoes by level name.
    let v = default_value();
    for field in FIELDS {
        let levels = v["fields"][field.name()]["levels"].as_object().unwrap();
        assert_eq!(levels.len(), field.levels().len());
        for level in field.levels() {
            assert!(levels[*level]["m"].is_f64() && levels[*level]["u"].is_f64());
        }
    }
    assert_eq!(v["fields"]["birth_date"]["vetoes"], json!(["different"]));
    assert_eq!(
        v["veto_lifters"][0],
        json!({"field": "national_id", "level": "exact"})
    );
}

#[test]
fn a_field_left_out_is_not_compared() {
    let mut v = default_value();
    v["fields"].as_object_mut().unwrap().remove("email");
    let model = match_model_from_json(&v.to_string()).unwrap();
    assert!(model.field(Field::Email).is_none());
    assert_eq!(model.fields.len(), FIELDS.len() - 1);
    // Names go together.
    let mut v = default_value();
    v["fields"].as_object_mut().unwrap().remove("surname");
    refused(&v, ErrorKind::Config, "fields.surname");
    let mut v = default_value();
    v["fields"] = json!({});
    refused(&v, ErrorKind::Config, "fields");
}

#[test]
fn every_level_of_every_field_is_checked_by_its_path() {
    for field in FIELDS {
        let name = field.name();
        for level in field.levels() {
            let at = format!("fields.{name}.levels.{level}");
            // A level left out.
            let mut v = default_value();
            v["fields"][name]["levels"]
                .as_object_mut()
                .unwrap()
                .remove(*level);
            let message = refused(&v, ErrorKind::Config, &at);
            assert!(message.contains("missing"), "{message}");
            for p in ["m", "u"] {
                let at = format!("{at}.{p}");
                // Missing, out of range, of the wrong type.
                let mut v = default_value();
                v["fields"][name]["levels"][*level]
                    .as_object_mut()
                    .unwrap()
                    .remove(p);
                refused(&v, ErrorKind::Config, &at);
                for bad in [
                    json!(0.0),
                    json!(-0.1),
                    json!(1.5),
                    json!(1e-310),
                    json!(null),
                ] {
                    let mut v = default_value();
                    v["fields"][name]["levels"][*level][p] = bad;
                    refused(&v, ErrorKind::Config, &at);
                }
                let mut v = default_value();
                v["fields"][name]["levels"][*level][p] = json!("0.5");
                refused(&v, ErrorKind::Json, &at);
            }
            // An unknown key inside a level.
            let mut v = default_value();
            v["fields"][name]["levels"][*level]["w"] = json!(1.0);
            refused(&v, ErrorKind::UnknownField, &format!("{at}.w"));
        }
        // An unknown level, an unknown veto.
        let mut v = default_value();
        v["fields"][name]["levels"]["almost"] = json!({"m": 0.1, "u": 0.1});
        let message = refused(
            &v,
            ErrorKind::Config,
            &format!("fields.{name}.levels.almost"),
        );
        assert!(
            message.contains(field.levels()[0]),
            "lists the levels: {message}"
        );
        let mut v = default_value();
        v["fields"][name]["vetoes"] = json!(["different", "almost"]);
        refused(&v, ErrorKind::Config, &format!("fields.{name}.vetoes[1]"));
        let mut v = default_value();
        v["fields"][name]["vetoes"] = json!(["different", "different"]);
        refused(&v, ErrorKind::Config, &format!("fields.{name}.vetoes[1]"));
        for key in ["levels", "vetoes"] {
            let mut v = default_value();
            v["fields"][name].as_object_mut().unwrap().remove(key);
            refused(&v, ErrorKind::Config, &format!("fields.{name}.{key}"));
        }
    }
}

#[test]
fn the_rest_of_the_model_is_checked_by_its_path() {
    let edit = |f: &dyn Fn(&mut Value)| {
        let mut v = default_value();
        f(&mut v);
        v
    };
    for key in [
        "prior",
        "merge_threshold",
        "review_threshold",
        "fields",
        "veto_lifters",
    ] {
        let v = edit(&|v| {
            v.as_object_mut().unwrap().remove(key);
        });
        refused(&v, ErrorKind::Config, key);
    }
    for bad in [0.0, 1.0, -1e-9] {
        refused(
            &edit(&|v| v["prior"] = json!(bad)),
            ErrorKind::Config,
            "prior",
        );
    }
    refused(
        &edit(&|v| v["merge_threshold"] = json!(1.01)),
        ErrorKind::Config,
        "merge_threshold",
    );
    refused(
        &edit(&|v| v["review_threshold"] = json!(0.999)),
        ErrorKind::Config,
        "review_threshold",
    );
    refused(
        &edit(&|v| v["fields"]["nombre"] = json!({"levels": {}, "vetoes": []})),
        ErrorKind::Config,
        "fields.nombre",
    );
    refused(
        &edit(&|v| v["extra"] = json!(1)),
        ErrorKind::UnknownField,
        "extra",
    );
    refused(
        &edit(&|v| v["fields"]["email"]["weights"] = json!(1)),
        ErrorKind::UnknownField,
        "fields.email.weights",
    );
    refused(
        &edit(&|v| v["veto_lifters"] = json!([{"field": "national_id", "level": "fuzzy"}])),
        ErrorKind::Config,
        "veto_lifters[0].level",
    );
    refused(
        &edit(&|v| v["veto_lifters"] = json!([{"field": "dni", "level": "exact"}])),
        ErrorKind::Config,
        "veto_lifters[0].field",
    );
    refused(
        &edit(&|v| v["veto_lifters"] = json!([{"field": "national_id"}])),
        ErrorKind::Config,
        "veto_lifters[0].level",
    );
    refused(
        &edit(&|v| {
            v["veto_lifters"] = json!([{"field": "national_id", "level": "exact"},
                                       {"field": "national_id", "level": "exact"}])
        }),
        ErrorKind::Config,
        "veto_lifters[1]",
    );
    // A lifter on a field not compared.
    refused(
        &edit(&|v| {
            v["fields"].as_object_mut().unwrap().remove("national_id");
        }),
        ErrorKind::Config,
        "veto_lifters[0]",
    );
    // Repeated keys and malformed text.
    let text = default_value().to_string();
    let twice = text.replacen("{\"fields\":", "{\"prior\":0.5,\"fields\":", 1);
    assert_eq!(
        match_model_from_json(&twice).unwrap_err().kind(),
        ErrorKind::Json
    );
    assert_eq!(
        match_model_from_json(&text[..text.len() - 1])
            .unwrap_err()
            .kind(),
        ErrorKind::Json
    );
}

#[test]
fn the_consolidation_configuration_carries_the_model() {
    let model = MatchModel {
        prior: 2.5e-5,
        ..MatchModel::default()
    };
    let config =
        consolidation_config_from_json(&format!("{{\"model\": {}}}", match_model_to_json(&model)))
            .unwrap();
    assert_eq!(config.model, model);
    // Written and read back, the whole configuration is the same.
    let text = consolidation_config_to_json(&config);
    assert_eq!(consolidation_config_from_json(&text).unwrap(), config);
    // The thresholds given beside the model override its own.
    let config = consolidation_config_from_json(&format!(
        "{{\"merge_threshold\": 0.995, \"model\": {}}}",
        match_model_to_json(&model)
    ))
    .unwrap();
    assert_eq!(config.model.merge_threshold, 0.995);
    assert_eq!(config.model.prior, model.prior);
    // Errors inside the model name their path from the configuration.
    let mut v = default_value();
    v["fields"]["birth_date"]["levels"]["exact"]["m"] = json!(0);
    let err = consolidation_config_from_json(&json!({ "model": v }).to_string()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
    assert!(
        err.to_string()
            .contains("model.fields.birth_date.levels.exact.m"),
        "{err}"
    );
    let mut v = default_value();
    v["fields"]["birth_date"]["levels"]["exact"]["x"] = json!(0);
    let err = consolidation_config_from_json(&json!({ "model": v }).to_string()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::UnknownField);
    assert!(
        err.to_string()
            .contains("model.fields.birth_date.levels.exact.x"),
        "{err}"
    );
}

#[test]
fn score_and_estimate_options() {
    let today = time::macros::date!(2026 - 11 - 23);
    let (_, model) = score_options_from_json("", today).unwrap();
    assert_eq!(model, MatchModel::default());
    let custom = MatchModel {
        review_threshold: 0.25,
        ..MatchModel::default()
    };
    let (options, model) = score_options_from_json(
        &json!({"default_country": "AR", "model": match_model_value(&custom)}).to_string(),
        today,
    )
    .unwrap();
    assert_eq!(model, custom);
    assert_eq!(
        options.default_country,
        ciclo::standardize::Country::parse("AR")
    );
    let mut v = default_value();
    v["fields"]["phone"]["levels"]
        .as_object_mut()
        .unwrap()
        .remove("last_digits");
    let err = score_options_from_json(&json!({ "model": v }).to_string(), today).unwrap_err();
    assert!(
        err.to_string()
            .contains("options.model.fields.phone.levels.last_digits"),
        "{err}"
    );
    let err = score_options_from_json(r#"{"modelo": {}}"#, today).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::UnknownField);

    let o = em_options_from_json(r#"{"u_sample": 500, "seed": 9}"#).unwrap();
    assert_eq!((o.u_sample, o.seed), (500, 9));
    assert_eq!(o.max_iterations, 100);
    assert_eq!(
        em_options_from_json(" ").unwrap(),
        ciclo::consolidation::matching::EmOptions::default()
    );
    assert_eq!(
        em_options_from_json(r#"{"samples": 1}"#)
            .unwrap_err()
            .kind(),
        ErrorKind::UnknownField
    );
    assert_eq!(
        em_options_from_json(r#"{"u_sample": -1}"#)
            .unwrap_err()
            .kind(),
        ErrorKind::Json
    );
}
