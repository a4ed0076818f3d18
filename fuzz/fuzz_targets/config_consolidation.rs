//! Consolidation configuration JSON: `ciclo_engine_configure_consolidation`, then
//! records ingested under it (matching, survivorship and golden records), and the
//! engine round-trips through a snapshot.
#![no_main]
use ciclo_fuzz::*;
use libfuzzer_sys::fuzz_target;

const RECORDS: [&std::ffi::CStr; 3] = [
    c"{\"system\": \"crm\", \"id\": \"C-1042\", \"updated\": \"2026-03-01T10:00:00Z\", \"record\": {\"given_name\": \"José Luis\", \"surname\": \"García Pérez\", \"email\": \"jose.garcia@gmail.com\", \"phone\": \"+54 9 11 2345-6789\", \"national_id\": \"20-12345678-6\", \"birth_date\": \"09/01/1986\"}}",
    c"{\"system\": \"erp\", \"id\": \"000233\", \"updated\": \"2026-05-10T09:00:00Z\", \"record\": {\"given_name\": \"Pepe\", \"surname\": \"Garcia\", \"email\": \"JOSE.GARCIA@gmail.com\", \"phone\": \"011 15-2345-6789\", \"birth_date\": \"1986-01-09\", \"street\": \"Av. Corrientes 1234\", \"locality\": \"CABA\"}}",
    c"{\"system\": \"web\", \"id\": \"w-9\", \"updated\": \"2026-06-01T09:00:00Z\", \"record\": {\"full_name\": \"José García\", \"email\": \"jgarcia@hotmail.com\", \"country\": \"AR\"}}",
];

fuzz_target!(|data: &[u8]| {
    let config = cstr(data);
    let engine = Engine::default_preset();
    let st = check(
        unsafe { ciclo_engine_configure_consolidation(engine.0, config.as_ptr()) },
        "ciclo_engine_configure_consolidation",
    );
    let mut goldens = Vec::new();
    for record in RECORDS {
        if let Ok(answer) = engine.ingest_json(record) {
            let id = answer["golden_id"].as_str().expect("golden_id").to_owned();
            goldens.push(id);
        }
    }
    for id in &goldens {
        engine
            .get_json(
                ciclo_engine_golden_json,
                &cstr(id.as_bytes()),
                "ciclo_engine_golden_json",
            )
            .expect("a golden id just returned is found");
    }
    engine.get_json0(ciclo_engine_reviews_json, "ciclo_engine_reviews_json");
    if st == CICLO_STATUS_OK {
        // Configuring once records exist is a conflict.
        if !goldens.is_empty() {
            let again = check(
                unsafe { ciclo_engine_configure_consolidation(engine.0, config.as_ptr()) },
                "ciclo_engine_configure_consolidation",
            );
            assert_eq!(again, CICLO_STATUS_CONFLICT);
        }
    }
    if sometimes(data) {
        engine.round_trip();
    }
});
