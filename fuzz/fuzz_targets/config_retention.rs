//! Retention trigger configuration JSON: `ciclo_engine_set_retention_json`. A
//! configuration that loads prints (`ciclo_engine_retention_json`) to JSON that
//! loads to the same configuration; a refused one changes nothing; evaluation runs
//! under it and the engine round-trips through a snapshot.
#![no_main]
use ciclo_fuzz::*;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

const EVENTS: [&std::ffi::CStr; 5] = [
    c"{\"customer\": \"c1\", \"at\": \"2025-01-10T10:00:00Z\", \"kind\": \"purchase\", \"amount\": 125000, \"currency\": \"ARS\"}",
    c"{\"customer\": \"c1\", \"at\": \"2025-03-10T10:00:00Z\", \"kind\": \"purchase\", \"amount\": 99000, \"currency\": \"ARS\"}",
    c"{\"customer\": \"c1\", \"at\": \"2025-04-01T10:00:00Z\", \"kind\": \"complaint\", \"reason\": \"late\"}",
    c"{\"customer\": \"c1\", \"at\": \"2025-04-02T10:00:00Z\", \"kind\": \"complaint\"}",
    c"{\"customer\": \"c2\", \"at\": \"2025-02-01T10:00:00Z\", \"kind\": \"cancellation\", \"reason\": \"price\"}",
];

fn default_retention() -> &'static Value {
    static D: OnceLock<Value> = OnceLock::new();
    D.get_or_init(|| {
        Engine::default_preset()
            .get_json0(ciclo_engine_retention_json, "ciclo_engine_retention_json")
    })
}

fuzz_target!(|data: &[u8]| {
    let config = cstr(data);
    let engine = Engine::default_preset();
    for e in EVENTS {
        engine.apply_json(e).expect("fixed event");
    }
    let st = check(
        unsafe { ciclo_engine_set_retention_json(engine.0, config.as_ptr()) },
        "ciclo_engine_set_retention_json",
    );
    let printed = engine.get_json0(ciclo_engine_retention_json, "ciclo_engine_retention_json");
    if st != CICLO_STATUS_OK {
        assert_eq!(
            &printed,
            default_retention(),
            "a refused configuration changed the engine"
        );
    } else {
        let text = cstr(printed.to_string().as_bytes());
        let again = check(
            unsafe { ciclo_engine_set_retention_json(engine.0, text.as_ptr()) },
            "ciclo_engine_set_retention_json",
        );
        assert_eq!(
            again,
            CICLO_STATUS_OK,
            "printed configuration refused: {}",
            last_error()
        );
        let reprinted =
            engine.get_json0(ciclo_engine_retention_json, "ciclo_engine_retention_json");
        assert_eq!(printed, reprinted, "retention JSON round trip changed it");
    }
    let now = BASE_MS;
    engine.evaluate_all(now).expect("evaluate at a valid time");
    engine
        .evaluate_all(now)
        .expect("evaluate twice at one moment");
    let mut out = sentinel();
    let st = check(
        unsafe { ciclo_engine_win_back_json(engine.0, now, usize::MAX, &mut out) },
        "ciclo_engine_win_back_json",
    );
    take_json(st, out, "ciclo_engine_win_back_json");
    if sometimes(data) {
        engine.round_trip();
    }
});
