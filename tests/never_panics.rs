//! Arbitrary input never panics: every entry point answers with a value or an error.

use ciclo::lifecycle::{CustomerState, StageModel};
use ciclo::{json, Engine};
use proptest::prelude::*;

/// JSON-looking text: fragments of the real shapes, shuffled and cut.
fn jsonish() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "{",
        "}",
        "[",
        "]",
        ",",
        ":",
        "\"customer\"",
        "\"at\"",
        "\"kind\"",
        "\"purchase\"",
        "\"amount\"",
        "\"currency\"",
        "\"ARS\"",
        "\"2026-01-01T00:00:00Z\"",
        "-1",
        "1e308",
        "9223372036854775807",
        "null",
        "true",
        "\"stages\"",
        "\"rules\"",
        "\"name\"",
        "\"to\"",
        "\"on\"",
        "\"tick\"",
        "\"when\"",
        "\"metric\"",
        "\"history\"",
        "\"metrics\"",
        "\"\\u0000\"",
        "\"ñ\"",
        " ",
        "\"preset\"",
        "\"six_stage\"",
    ]);
    prop::collection::vec(pieces, 0..40).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn events_configs_and_states_from_any_text(text in prop_oneof![jsonish(), ".*"]) {
        let model = StageModel::six_stage();
        let _ = json::event_from_json(&text);
        let _ = json::config_from_json(&text);
        let _ = json::state_from_json(&model, &text);
        let engine = Engine::new(model);
        if let Ok(event) = json::event_from_json(&text) {
            let _ = engine.apply(&event);
        }
    }

    #[test]
    fn snapshots_and_state_bytes_from_any_bytes(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = Engine::restore(&bytes);
        let _ = CustomerState::from_bytes(&StageModel::six_stage(), &bytes);
        let mut framed = b"CICLOSNP\x01\x00\x00\x00".to_vec();
        framed.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
        framed.extend_from_slice(&crc32fast::hash(&bytes).to_le_bytes());
        framed.extend_from_slice(&bytes);
        // A valid frame around garbage gets past the checksum to the decoder, which
        // must refuse it (garbage is never a model and its customers).
        prop_assert!(Engine::restore(&framed).is_err());
    }

    #[test]
    fn csv_exports_from_any_bytes(bytes in prop::collection::vec(prop_oneof![
        4 => prop::sample::select(b"id,;\t|\"\r\nnombre email".to_vec()),
        1 => any::<u8>(),
    ], 0..256), delimiter in prop::option::of(prop::sample::select(
        ciclo::import::Delimiter::ALL.to_vec()))) {
        let mut with_bom = b"\xEF\xBB\xBF".to_vec();
        with_bom.extend_from_slice(&bytes);
        for input in [&bytes, &with_bom] {
            let options = ciclo::import::CsvOptions { delimiter, ..Default::default() };
            if let Ok(export) = ciclo::import::read_csv_with(input.as_slice(), &options) {
                // Read, so some column after the id was known.
                prop_assert!(export.columns.iter().any(|(_, f)| f.is_some()));
                prop_assert_eq!(export.ids.len(), export.records.len());
            }
        }
        let _ = ciclo::import::Delimiter::detect(&bytes, false);
    }
}

/// Pieces of a match model's JSON form: its keys, every field and level name,
/// and numbers in and out of range.
fn model_jsonish() -> impl Strategy<Value = String> {
    use ciclo::consolidation::matching::FIELDS;
    let mut pieces: Vec<String> = [
        "{",
        "}",
        "[",
        "]",
        ",",
        ":",
        "\"prior\"",
        "\"merge_threshold\"",
        "\"review_threshold\"",
        "\"fields\"",
        "\"levels\"",
        "\"vetoes\"",
        "\"veto_lifters\"",
        "\"field\"",
        "\"level\"",
        "\"m\"",
        "\"u\"",
        "\"model\"",
        "0",
        "1",
        "0.5",
        "-1",
        "1e-320",
        "1e308",
        "null",
        "\"\"",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for f in FIELDS {
        pieces.push(format!("\"{}\"", f.name()));
        pieces.extend(f.levels().iter().map(|l| format!("\"{l}\"")));
    }
    prop::collection::vec(prop::sample::select(pieces), 0..60).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    /// Match models, scoring options and a pair of records from any text:
    /// an answer or an error, never a panic.
    #[test]
    fn match_models_and_pair_scores_from_any_text(
        text in prop_oneof![model_jsonish(), jsonish(), ".*"],
        edit in any::<(u8, u8, f64)>(),
    ) {
        use ciclo::consolidation::matching::{Field, MatchModel, FIELDS};
        use ciclo::json::{consolidation, matching};
        let today = time::macros::date!(2026 - 11 - 23);
        let _ = matching::match_model_from_json(&text);
        let _ = matching::em_options_from_json(&text);
        let _ = consolidation::consolidation_config_from_json(&text);
        let _ = matching::score_options_from_json(&text, today);
        // A valid model with one number changed to anything: scoring with it,
        // when it validates, gives finite numbers.
        let mut model = MatchModel::default();
        let f = &mut model.fields[edit.0 as usize % FIELDS.len()];
        let n = f.levels.len();
        let l = &mut f.levels[edit.1 as usize % n];
        if edit.1 % 2 == 0 { l.m = edit.2 } else { l.u = edit.2 }
        if model.validate().is_ok() {
            let back = matching::match_model_from_json(&matching::match_model_to_json(&model));
            prop_assert_eq!(back.as_ref(), Ok(&model));
            let record = |given: &str| ciclo::model::Record {
                given_name: Some(given.into()),
                surname: Some("Paz".into()),
                birth_date: Some("1980-01-02".into()),
                ..Default::default()
            };
            let options = ciclo::standardize::Options::new(None, today);
            let s = model.score_records(&record("Ana"), &record("Ana"), &options).unwrap();
            prop_assert!(s.weight.is_finite() && s.probability.is_finite());
            prop_assert!(s.contributions.iter().any(|c| c.field == Field::GivenName));
        }
        if let Ok(record) = json::record_from_json(&text) {
            let options = ciclo::standardize::Options::new(None, today);
            let _ = MatchModel::default().score_records(&record, &record, &options);
        }
    }
}
