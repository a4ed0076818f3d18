//! Snapshots: the whole engine as bytes, and back.
//!
//! Layout (integers little-endian):
//!
//! | bytes | content |
//! |---|---|
//! | 8 | magic `CICLOSNP` |
//! | 4 | format version (1) |
//! | 8 | payload length |
//! | 4 | CRC-32 (IEEE) of the payload |
//! | n | payload: postcard encoding of the model configuration (as JSON text) and every customer's id and [`StateRecord`], sorted by id |
//!
//! Restoring checks everything before building anything: a truncated, corrupt or
//! unknown-version snapshot is an [`Error::CorruptSnapshot`], never a half-loaded
//! engine. The same engine always gives the same bytes.

use std::hash::BuildHasher;

use serde::{Deserialize, Serialize};

use super::{Engine, Shard};
use crate::error::{Error, Result};
use crate::lifecycle::{CustomerState, StageModel, StateRecord};

const MAGIC: &[u8; 8] = b"CICLOSNP";
const VERSION: u32 = 1;
const HEADER: usize = 8 + 4 + 8 + 4;

#[derive(Serialize, Deserialize)]
struct Payload {
    config_json: String,
    customers: Vec<(String, StateRecord)>,
}

impl Engine {
    /// The engine as bytes: model and every customer state, versioned and
    /// checksummed. Consistent: taken with every shard locked at once.
    pub fn snapshot(&self) -> Vec<u8> {
        let shards = self.lock_all();
        let mut customers: Vec<(String, StateRecord)> = shards
            .iter()
            .flat_map(|s| s.iter())
            .map(|(id, state)| (id.to_string(), state.to_record(&self.model)))
            .collect();
        drop(shards);
        customers.sort_by(|a, b| a.0.cmp(&b.0));
        let payload = Payload {
            config_json: crate::json::config_to_json(self.model.config()),
            customers,
        };
        let body = postcard::to_allocvec(&payload).expect("encoding into memory cannot fail");
        let mut out = Vec::with_capacity(HEADER + body.len());
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&VERSION.to_le_bytes());
        out.extend_from_slice(&(body.len() as u64).to_le_bytes());
        out.extend_from_slice(&crc32fast::hash(&body).to_le_bytes());
        out.extend_from_slice(&body);
        out
    }

    /// An engine from bytes written by [`Engine::snapshot`].
    pub fn restore(bytes: &[u8]) -> Result<Engine> {
        let corrupt = |m: String| Error::CorruptSnapshot(m);
        if bytes.len() < HEADER {
            return Err(corrupt(format!(
                "{} bytes is shorter than the header",
                bytes.len()
            )));
        }
        if &bytes[..8] != MAGIC {
            return Err(corrupt("not a ciclo snapshot (bad magic)".into()));
        }
        let version = u32::from_le_bytes(bytes[8..12].try_into().expect("4 bytes"));
        if version != VERSION {
            return Err(corrupt(format!("unsupported snapshot version {version}")));
        }
        let len = u64::from_le_bytes(bytes[12..20].try_into().expect("8 bytes"));
        let crc = u32::from_le_bytes(bytes[20..24].try_into().expect("4 bytes"));
        let body = &bytes[HEADER..];
        if body.len() as u64 != len {
            return Err(corrupt(format!(
                "payload is {} bytes, the header says {len} (truncated or padded)",
                body.len()
            )));
        }
        if crc32fast::hash(body) != crc {
            return Err(corrupt("checksum mismatch".into()));
        }
        let payload: Payload =
            postcard::from_bytes(body).map_err(|e| corrupt(format!("undecodable payload: {e}")))?;
        let model = crate::json::config_from_json(&payload.config_json)
            .map_err(|e| corrupt(format!("model: {e}")))?;
        restore_into(model, payload.customers)
    }
}

fn restore_into(model: StageModel, customers: Vec<(String, StateRecord)>) -> Result<Engine> {
    let engine = Engine::new(model);
    let mut staged: Vec<Shard> = (0..engine.shards.len()).map(|_| Shard::default()).collect();
    for (id, record) in customers {
        let state = CustomerState::from_record(&engine.model, record)
            .map_err(|e| Error::CorruptSnapshot(format!("customer `{id}`: {e}")))?;
        let hash = engine.hasher.hash_one(id.as_str());
        let shard = &mut staged[super::shard_index(hash)];
        if shard.contains(hash, &id) {
            return Err(Error::CorruptSnapshot(format!(
                "customer `{id}` appears twice"
            )));
        }
        shard.insert_new(&engine.hasher, hash, &id, state);
    }
    for (slot, shard) in engine.shards.iter().zip(staged) {
        *super::lock(slot) = shard;
    }
    Ok(engine)
}
