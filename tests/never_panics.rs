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
