//! Snapshots: the whole engine as bytes, and back.
//!
//! Layout (integers little-endian):
//!
//! | bytes | content |
//! |---|---|
//! | 8 | magic `CICLOSNP` |
//! | 4 | format version (3; version 2, without retention, and version 1, without consolidation either, still restore) |
//! | 8 | payload length |
//! | 4 | CRC-32 (IEEE) of the payload |
//! | n | payload: postcard encoding of the model configuration (as JSON text) and every customer's id and [`StateRecord`], sorted by id, then the consolidation state as JSON text (empty when no record was ingested): its configuration, the registry's image (every source record as given, its golden id, retired ids, reviews), the hierarchies, the events of golden customers and the hierarchy links merges moved; then the retention state as JSON text (empty when untouched): the trigger configuration, the customer-base models, every customer's firing log and the win-back outcomes |
//!
//! Restoring checks everything before building anything: a truncated, corrupt or
//! unknown-version snapshot is an [`Error::CorruptSnapshot`], never a half-loaded
//! engine. The same engine always gives the same bytes.

use std::hash::BuildHasher;

use serde::{Deserialize, Serialize};

use super::retention::{Retention, RetentionImage};
use super::{Engine, Shard};
use std::collections::BTreeMap;

use crate::consolidation::hierarchy::{Hierarchies, Rename};
use crate::consolidation::registry::{GoldenId, Registry, RegistryConfig, RegistryImage};
use crate::error::{Error, Result};
use crate::json::consolidation as cjson;
use crate::lifecycle::{CustomerState, StageModel, StateRecord};

const MAGIC: &[u8; 8] = b"CICLOSNP";
const VERSION: u32 = 3;
const HEADER: usize = 8 + 4 + 8 + 4;

#[derive(Serialize, Deserialize)]
struct Payload {
    config_json: String,
    customers: Vec<(String, StateRecord)>,
    identity_json: String,
    retention_json: String,
}

/// The payload of version 2 snapshots.
#[derive(Deserialize)]
struct PayloadV2 {
    config_json: String,
    customers: Vec<(String, StateRecord)>,
    identity_json: String,
}

/// The payload of version 1 snapshots.
#[derive(Deserialize)]
struct PayloadV1 {
    config_json: String,
    customers: Vec<(String, StateRecord)>,
}

/// The consolidation state in a snapshot.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct IdentityImage {
    config_json: String,
    registry: RegistryImage,
    hierarchies: Hierarchies,
    /// Per golden customer: (id the event was sent for, event as JSON).
    logs: Vec<(GoldenId, Vec<(GoldenId, String)>)>,
    renames: Vec<(GoldenId, Rename)>,
    /// The last tick, epoch milliseconds (recomputed states tick to it).
    last_tick: Option<i64>,
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
            identity_json: self.identity_json(),
            retention_json: self.retention_json(),
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
        if !(1..=VERSION).contains(&version) {
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
        // Every byte of the payload must be read: a payload of one version
        // labelled as the other is refused, not half-read.
        fn whole<'a, T: Deserialize<'a>>(body: &'a [u8]) -> std::result::Result<T, String> {
            match postcard::take_from_bytes(body) {
                Ok((value, [])) => Ok(value),
                Ok((_, rest)) => Err(format!("{} bytes left over", rest.len())),
                Err(e) => Err(e.to_string()),
            }
        }
        let undecodable = |e: String| corrupt(format!("undecodable payload: {e}"));
        let payload: Payload = if version == 1 {
            let v1: PayloadV1 = whole(body).map_err(undecodable)?;
            Payload {
                config_json: v1.config_json,
                customers: v1.customers,
                identity_json: String::new(),
                retention_json: String::new(),
            }
        } else if version == 2 {
            let v2: PayloadV2 = whole(body).map_err(undecodable)?;
            Payload {
                config_json: v2.config_json,
                customers: v2.customers,
                identity_json: v2.identity_json,
                retention_json: String::new(),
            }
        } else {
            whole(body).map_err(undecodable)?
        };
        let model = crate::json::config_from_json(&payload.config_json)
            .map_err(|e| corrupt(format!("model: {e}")))?;
        let engine = restore_into(model, payload.customers)?;
        if !payload.identity_json.is_empty() {
            engine.restore_identity(&payload.identity_json)?;
        }
        if !payload.retention_json.is_empty() {
            engine.restore_retention(&payload.retention_json)?;
        }
        Ok(engine)
    }

    /// The retention state as JSON; empty when untouched.
    fn retention_json(&self) -> String {
        let retention = self.retention.lock().unwrap_or_else(|p| p.into_inner());
        if retention.untouched() {
            return String::new();
        }
        serde_json::to_string(&retention.image()).expect("images serialise")
    }

    /// Restores the retention state into a fresh engine.
    fn restore_retention(&self, text: &str) -> Result<()> {
        let corrupt = |m: String| Error::CorruptSnapshot(format!("retention: {m}"));
        let image: RetentionImage =
            serde_json::from_str(text).map_err(|e| corrupt(e.to_string()))?;
        let triggers = crate::retention::Triggers::compile(&image.config, &self.model)
            .map_err(|e| corrupt(e.to_string()))?;
        let mut retention = self.retention.lock().unwrap_or_else(|p| p.into_inner());
        *retention = Retention {
            config: image.config,
            triggers,
            models: image.models,
            logs: image
                .logs
                .into_iter()
                .map(|(id, log)| (compact_str::CompactString::from(id), log))
                .collect(),
            stats: image.stats,
        };
        Ok(())
    }

    /// The consolidation state as JSON; empty when nothing was ever ingested.
    fn identity_json(&self) -> String {
        let identity = self.identity.read().unwrap_or_else(|p| p.into_inner());
        let untouched = identity.registry.source_count() == 0
            && identity.registry.golden_count() == 0
            && identity.hierarchies.is_empty()
            && identity.registry.config() == &RegistryConfig::default();
        if untouched {
            return String::new();
        }
        let image = IdentityImage {
            config_json: cjson::consolidation_config_to_json(identity.registry.config()),
            registry: identity.registry.image(),
            hierarchies: identity.hierarchies.clone(),
            logs: identity
                .logs
                .iter()
                .map(|(g, events)| {
                    let events = events
                        .iter()
                        .map(|(sent, e)| (*sent, cjson::event_to_json(e)))
                        .collect();
                    (*g, events)
                })
                .collect(),
            renames: identity
                .renames
                .iter()
                .map(|(g, r)| (*g, r.clone()))
                .collect(),
            last_tick: Some(self.last_tick.load(std::sync::atomic::Ordering::Acquire))
                .filter(|&t| t != i64::MIN),
        };
        serde_json::to_string(&image).expect("images serialise")
    }

    /// Restores the consolidation state into a fresh engine.
    fn restore_identity(&self, text: &str) -> Result<()> {
        let corrupt = |m: String| Error::CorruptSnapshot(format!("consolidation: {m}"));
        let image: IdentityImage =
            serde_json::from_str(text).map_err(|e| corrupt(e.to_string()))?;
        let config = cjson::consolidation_config_from_json(&image.config_json)
            .map_err(|e| corrupt(e.to_string()))?;
        let registry = Registry::from_image(config, image.registry)?;
        let mut logs = BTreeMap::new();
        for (golden, events) in image.logs {
            let events = events
                .into_iter()
                .map(|(sent, e)| {
                    crate::json::event_from_json(&e)
                        .map(|e| (sent, e))
                        .map_err(|e| corrupt(format!("event of {golden}: {e}")))
                })
                .collect::<Result<Vec<_>>>()?;
            logs.insert(golden, events);
        }
        let consolidating = registry.source_count() > 0;
        let mut identity = self.identity.write().unwrap_or_else(|p| p.into_inner());
        *identity = super::identity::Identity {
            registry,
            hierarchies: image.hierarchies,
            logs,
            renames: image.renames.into_iter().collect(),
        };
        self.consolidating
            .store(consolidating, std::sync::atomic::Ordering::Release);
        if let Some(t) = image.last_tick {
            self.last_tick
                .store(t, std::sync::atomic::Ordering::Release);
        }
        Ok(())
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
