//! Stage model configuration JSON: `ciclo_engine_new` and `ciclo_model_new`.
//! A model that loads prints (`ciclo_engine_model_json`) to JSON that loads again
//! into the same model; stage and rule names are UTF-8 and indexes end in
//! OUT_OF_RANGE.
#![no_main]
use ciclo_fuzz::*;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let config = cstr(data);
    let engine = Engine::new(Some(&config));
    let model = Model::new(Some(&config));
    assert_eq!(
        engine.as_ref().err(),
        model.as_ref().err(),
        "ciclo_engine_new and ciclo_model_new disagree"
    );
    let Ok(engine) = engine else { return };
    engine.stage_and_rule_counts();
    let printed = engine.get_json0(ciclo_engine_model_json, "ciclo_engine_model_json");
    let text = cstr(printed.to_string().as_bytes());
    let again = Engine::new(Some(&text))
        .unwrap_or_else(|st| panic!("a printed model does not load ({st}): {}", last_error()));
    let reprinted = again.get_json0(ciclo_engine_model_json, "ciclo_engine_model_json");
    assert_eq!(
        printed, reprinted,
        "model JSON round trip changed the model"
    );
    // A fresh engine of this model answers a first event and snapshots.
    let _ = engine.apply_json(
        c"{\"customer\": \"c1\", \"at\": \"2026-03-01T10:00:00Z\", \"kind\": \"visit\"}",
    );
    if sometimes(data) {
        engine.round_trip();
    }
});
