//! Writes the snapshot seeds of `corpus/snapshot_raw` and
//! `corpus/snapshot_resealed` (run from `fuzz/`:
//! `cargo +nightly run --example seed_snapshots`).
use ciclo_fuzz::*;
use std::fs;

fn main() {
    let raw = "corpus/snapshot_raw";
    let resealed = "corpus/snapshot_resealed";
    fs::create_dir_all(raw).unwrap();
    fs::create_dir_all(resealed).unwrap();

    let empty = Engine::default_preset();
    let events = Engine::default_preset();
    for e in [
        c"{\"customer\": \"c1\", \"at\": \"2026-01-01T00:00:00Z\", \"kind\": \"visit\"}",
        c"{\"customer\": \"c1\", \"at\": \"2026-01-02T00:00:00Z\", \"kind\": \"purchase\", \"amount\": 100, \"currency\": \"ARS\"}",
        c"{\"customer\": \"c2\", \"at\": \"2026-01-03T00:00:00Z\", \"kind\": \"survey\", \"score\": 40}",
    ] {
        events.apply_json(e).unwrap();
    }
    let mini = Engine::new(Some(c"{\"name\": \"mini\", \"stages\": [{\"name\": \"a\"}, {\"name\": \"b\"}], \"rules\": [{\"name\": \"r\", \"to\": \"b\", \"on\": \"purchase\"}]}")).unwrap();
    mini.apply_json(c"{\"id\": \"e\", \"customer\": \"c\", \"at\": \"2026-01-01T00:00:00Z\", \"kind\": \"purchase\", \"amount\": 1, \"currency\": \"ARS\"}").unwrap();
    let ingest = Engine::default_preset();
    ingest.ingest_json(c"{\"system\": \"crm\", \"id\": \"1\", \"updated\": \"2026-01-01T00:00:00Z\", \"record\": {\"given_name\": \"Ana\", \"surname\": \"López\"}}").unwrap();
    let small = small_engine();

    for (name, engine) in [
        ("empty", &empty),
        ("events", &events),
        ("mini", &mini),
        ("ingest", &ingest),
        ("small", &small),
    ] {
        let bytes = engine.snapshot();
        fs::write(format!("{raw}/{name}.snap"), &bytes).unwrap();
        // Mode 0x04: the payload, sealed as version 3.
        let mut seed = vec![0x04u8];
        seed.extend_from_slice(&bytes[HEADER..]);
        fs::write(format!("{resealed}/{name}.v3"), &seed).unwrap();
    }
    // The mini payload labelled as versions 1 and 2.
    let mini_payload = &mini.snapshot()[HEADER..];
    for (mode, v) in [(0x00u8, 1), (0x02u8, 2)] {
        let mut seed = vec![mode];
        seed.extend_from_slice(mini_payload);
        fs::write(format!("{resealed}/mini.as_v{v}"), &seed).unwrap();
    }
    // Header-level damage for the raw target.
    let small_bytes = small.snapshot();
    fs::write(format!("{raw}/header_only"), &small_bytes[..HEADER]).unwrap();
    fs::write(
        format!("{raw}/truncated"),
        &small_bytes[..small_bytes.len() / 2],
    )
    .unwrap();
    let mut v9 = small_bytes.clone();
    v9[8] = 9;
    fs::write(format!("{raw}/version9"), &v9).unwrap();
    let mut magic = empty.snapshot();
    magic[0] = b'X';
    fs::write(format!("{raw}/bad_magic"), &magic).unwrap();
    // Edit lists on the small engine's payload (mode 1): overwrite, insert,
    // delete, xor at a few offsets.
    for (name, edits) in [
        ("edit_overwrite", vec![(10u16, 0u8, 0xffu8), (40, 0, 0)]),
        ("edit_insert", vec![(0, 1, 0x05)]),
        ("edit_delete", vec![(3, 2, 0)]),
        ("edit_xor", vec![(100, 3, 0x20), (200, 3, 0x01)]),
    ] {
        let mut seed = vec![0x01u8];
        for (at, op, b) in edits {
            seed.extend_from_slice(&at.to_le_bytes());
            seed.push(op);
            seed.push(b);
        }
        fs::write(format!("{resealed}/{name}"), &seed).unwrap();
    }
    println!("small snapshot: {} bytes", small_bytes.len());
}
