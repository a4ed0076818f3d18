//! Snapshots: the whole engine as bytes, and back.
//!
//! Layout (integers little-endian):
//!
//! | bytes | content |
//! |---|---|
//! | 8 | magic `CICLOSNP` |
//! | 4 | format version (8; 7 without the customers' sets of items bought, 6 without customers' attributes and segments either, 5 without purchase histories either, 4 and 3 without the change feed either, 2 without retention either, and 1 without consolidation either, still restore) |
//! | 8 | payload length |
//! | 4 | CRC-32 (IEEE) of the payload |
//! | n | payload: postcard encoding of the model configuration (as JSON text) and every customer's id and [`StateRecord`], sorted by id, then the consolidation state as JSON text (empty when consolidation was never configured): its configuration, the registry's image (every source record as given, its golden id, retired ids, reviews), the hierarchies, the events and imported states of golden customers and the hierarchy links merges moved; then the retention state as JSON text (empty when untouched): the trigger configuration, the customer-base models, every customer's firing log and the win-back outcomes; then the change feed as JSON text (empty when it never recorded a change and keeps the default retention): the next sequence number, the oldest kept, the retention and every change kept, in the JSON shape hosts read (see [`crate::json::changes`]), a change whose call goes on past it naming the call's last number; then the purchase histories as JSON text (empty when no customer has one): every customer's purchase lines, sorted by customer id, and (version 8) every customer's set of items ever bought (hashes, see [`super::history`]), in the same order. A snapshot without purchase histories (versions 1 to 5, or an engine without any) has them rebuilt from the events the engine keeps of golden customers (see [`Engine::merge`]); other customers' events are not kept, and their histories start empty |
//!
//! # One moment, without stopping writers
//!
//! A snapshot is one consistent moment: it holds the consolidation state
//! (shared) while it takes the cut of every shard (customer states and the
//! events of golden customers) and of the retention state at once, so no
//! merge, event or evaluation is half in it. The cut copies 64 pairs of table
//! pointers, the firing-log pointer and the change feed's chunk pointers
//! (states, event logs, firing logs and the feed's chunks are copy-on-write:
//! a writer copies only what it changes while a snapshot shares it) and a
//! list of the registry's entries whose records are shared, not copied; then
//! every lock is let go and everything is encoded. The feed's changes are the
//! ones behind the states the snapshot holds: a call still running at the
//! cut (a tick between two shards) ends there in the restored engine. Events never
//! wait for the encoding; ingests, merges and erasures wait only for the cut.
//!
//! The bytes are written once into a buffer of their exact size (a first pass
//! measures them), so a snapshot needs little more memory than its own size.
//!
//! # Restore checks content, not only the checksum
//!
//! Restoring checks everything before building anything: a truncated, corrupt
//! or unknown-version snapshot, and one whose parts do not agree (events or
//! imported states of a golden id that is not live, a customer's events given
//! twice, a state for a retired or never-issued golden id, a firing log of a
//! customer without a state that is not a live golden id, a bad consolidation configuration, hierarchy
//! links of a golden id that is not live), is an [`Error::CorruptSnapshot`]
//! naming what is wrong, never a half-loaded engine. The same engine always
//! gives the same bytes.

use std::collections::{BTreeMap, HashSet};
use std::hash::BuildHasher;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::identity::Identity;
use super::retention::{Retention, RetentionImage};
use super::{Engine, Shard};

use crate::consolidation::hierarchy::{Hierarchies, Rename};
use crate::consolidation::registry::{
    GoldenId, Registry, RegistryConfig, RegistryCut, RegistryImage,
};
use crate::error::{Error, Result};
use crate::json::consolidation as cjson;
use crate::lifecycle::state::StateRecordV1;
use crate::lifecycle::{CustomerState, StageModel, StateRecord};

/// Records of an older version as today's.
fn upgrade(customers: Vec<(String, StateRecordV1)>) -> Vec<(String, StateRecord)> {
    customers
        .into_iter()
        .map(|(id, record)| (id, record.into()))
        .collect()
}

const MAGIC: &[u8; 8] = b"CICLOSNP";
const VERSION: u32 = 8;
const HEADER: usize = 8 + 4 + 8 + 4;

#[derive(Serialize, Deserialize)]
struct Payload {
    config_json: String,
    customers: Vec<(String, StateRecord)>,
    identity_json: String,
    retention_json: String,
    feed_json: String,
    histories_json: String,
}

/// The payload of version 6 snapshots: states without attributes and
/// segments.
#[derive(Deserialize)]
struct PayloadV6 {
    config_json: String,
    customers: Vec<(String, StateRecordV1)>,
    identity_json: String,
    retention_json: String,
    feed_json: String,
    histories_json: String,
}

/// The purchase histories in a snapshot: every customer's lines, and
/// (version 8) their set of items ever bought, both sorted by customer id.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct HistoriesImage<K, H, B> {
    histories: Vec<(K, H)>,
    /// Absent before version 8: then made from the lines.
    #[serde(default = "Vec::new")]
    bought: Vec<(K, B)>,
}

/// The payload of version 5 snapshots: states without attributes and
/// segments, and no purchase histories.
#[derive(Deserialize)]
struct PayloadV5 {
    config_json: String,
    customers: Vec<(String, StateRecordV1)>,
    identity_json: String,
    retention_json: String,
    feed_json: String,
}

/// The payload of version 3 and 4 snapshots.
#[derive(Deserialize)]
struct PayloadV4 {
    config_json: String,
    customers: Vec<(String, StateRecordV1)>,
    identity_json: String,
    retention_json: String,
}

/// The payload of version 2 snapshots.
#[derive(Deserialize)]
struct PayloadV2 {
    config_json: String,
    customers: Vec<(String, StateRecordV1)>,
    identity_json: String,
}

/// The payload of version 1 snapshots.
#[derive(Deserialize)]
struct PayloadV1 {
    config_json: String,
    customers: Vec<(String, StateRecordV1)>,
}

/// The consolidation state at the snapshot's moment, to encode after the
/// identity is let go.
struct IdentityCut {
    config_json: String,
    registry: RegistryCut,
    hierarchies: Hierarchies,
    imported: Vec<(GoldenId, Vec<(GoldenId, CustomerState)>)>,
    renames: Vec<(GoldenId, Rename)>,
    configured: bool,
    legacy: Vec<String>,
}

/// The consolidation state being written: [`IdentityImage`]'s fields in its
/// order.
#[derive(Serialize)]
struct IdentityOut<'a> {
    config_json: String,
    registry: RegistryCut,
    hierarchies: Hierarchies,
    logs: LogsOut<'a>,
    imported: Vec<(GoldenId, Vec<(GoldenId, StateRecord)>)>,
    renames: Vec<(GoldenId, Rename)>,
    last_tick: Option<i64>,
    configured: Option<bool>,
    legacy: Vec<String>,
}

/// Golden customers' events, each written as its JSON text when serialised.
struct LogsOut<'a>(&'a [(GoldenId, &'a super::EventLog)]);

impl Serialize for LogsOut<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        struct Events<'a>(&'a super::EventLog);
        impl Serialize for Events<'_> {
            fn serialize<S: serde::Serializer>(
                &self,
                s: S,
            ) -> std::result::Result<S::Ok, S::Error> {
                let mut seq = s.serialize_seq(Some(self.0.len()))?;
                for (sent, event) in self.0 {
                    seq.serialize_element(&(sent, cjson::event_to_json(event)))?;
                }
                seq.end()
            }
        }
        let mut seq = s.serialize_seq(Some(self.0.len()))?;
        for (golden, log) in self.0 {
            seq.serialize_element(&(golden, Events(log)))?;
        }
        seq.end()
    }
}

/// A JSON text's length, measured by writing it nowhere.
fn json_len<T: Serialize>(value: &T) -> usize {
    struct Count(usize);
    impl std::io::Write for Count {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0 += buf.len();
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut count = Count(0);
    serde_json::to_writer(&mut count, value).expect("images serialise");
    count.0
}

/// Writes `value` as a postcard string of its JSON text: the length, then the
/// text, written straight into `out`.
fn encode_json<T: Serialize>(value: Option<&T>, len: usize, mut out: Vec<u8>) -> Vec<u8> {
    out = encode(&(len as u64), out);
    if let Some(value) = value {
        serde_json::to_writer(&mut out, value).expect("images serialise");
    }
    out
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
    /// Per golden customer: (id the state was imported for, the state).
    #[serde(default)]
    imported: Vec<(GoldenId, Vec<(GoldenId, StateRecord)>)>,
    renames: Vec<(GoldenId, Rename)>,
    /// The last tick, epoch milliseconds (recomputed states tick to it).
    last_tick: Option<i64>,
    /// Whether consolidation was configured (absent before version 4: then
    /// whether a record was ingested or the configuration is not the default).
    #[serde(default)]
    configured: Option<bool>,
    /// Customers with golden-shaped ids tracked before consolidation was
    /// configured (absent before version 4).
    #[serde(default)]
    legacy: Vec<String>,
}

impl Engine {
    /// The engine as bytes: model, every customer state, the consolidation and
    /// retention state, versioned and checksummed. One consistent moment, taken
    /// without stopping writers for longer than the cut (see the module
    /// documentation). Thread-safe.
    pub fn snapshot(&self) -> Vec<u8> {
        let identity = self.identity_guard();
        let (tables, retention, last_tick, feed) = {
            let shards = self.lock_all();
            let tables: Vec<(
                Arc<super::Table>,
                Arc<super::LogTable>,
                Arc<super::history::HistoryTable>,
            )> = shards
                .iter()
                .map(|s| {
                    (
                        Arc::clone(&s.table),
                        Arc::clone(&s.logs),
                        Arc::clone(&s.histories),
                    )
                })
                .collect();
            let retention = self
                .retention
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .cut();
            let last_tick = self.last_tick.load(std::sync::atomic::Ordering::Acquire);
            let feed = self.feed.cut();
            (tables, retention, last_tick, feed)
        };
        let identity_cut = self.identity_cut(&identity);
        drop(identity);
        let mut logs: Vec<(GoldenId, &super::EventLog)> = tables
            .iter()
            .flat_map(|(_, l, _)| l.iter().map(|(g, log)| (*g, &**log)))
            .collect();
        logs.sort_unstable_by_key(|(g, _)| *g);
        let identity = identity_cut.map(|cut| self.identity_out(cut, &logs, last_tick));
        let identity_len = identity.as_ref().map_or(0, json_len);
        let retention_out = (!retention.untouched).then(|| retention.out());
        let retention_len = retention_out.as_ref().map_or(0, json_len);
        let feed_out = (!feed.untouched()).then(|| crate::json::changes::FeedOut {
            model: &self.model,
            next_seq: feed.next,
            oldest_seq: feed.oldest,
            retention: feed.retention,
            entries: feed.entries().map(|(seq, e)| {
                // A change naming erased ids of a host's is written emptied.
                let change = if e.private {
                    std::borrow::Cow::Owned(e.change.emptied())
                } else {
                    std::borrow::Cow::Borrowed(&e.change)
                };
                (
                    seq,
                    change,
                    e.redacted || e.private,
                    e.call_end.min(feed.next - 1),
                )
            }),
        });
        let feed_len = feed_out.as_ref().map_or(0, json_len);
        let config_json = crate::json::config_to_json(self.model.config());

        let mut customers: Vec<(&str, &CustomerState)> = tables
            .iter()
            .flat_map(|(t, _, _)| t.iter().map(|(k, s)| (k.as_str(), &**s)))
            .collect();
        customers.sort_unstable_by(|a, b| a.0.cmp(b.0));
        let mut purchases: Vec<(&str, &super::history::Purchases)> = tables
            .iter()
            .flat_map(|(_, _, h)| h.iter().map(|(k, h)| (k.as_str(), &**h)))
            .collect();
        purchases.sort_unstable_by(|a, b| a.0.cmp(b.0));
        let histories_out = (!purchases.is_empty()).then(|| HistoriesImage {
            histories: purchases.iter().map(|(k, p)| (*k, &p.lines)).collect(),
            bought: purchases
                .iter()
                .map(|(k, p)| (*k, p.bought.as_slice()))
                .collect(),
        });
        let histories_len = histories_out.as_ref().map_or(0, json_len);
        let version = VERSION;

        // Measure, then write into a buffer of the exact size.
        let mut len = encoded_len(&config_json)
            + varint_len(identity_len as u64)
            + identity_len
            + varint_len(retention_len as u64)
            + retention_len
            + varint_len(feed_len as u64)
            + feed_len
            + varint_len(histories_len as u64)
            + histories_len;
        len += varint_len(customers.len() as u64);
        for (id, state) in &customers {
            len += encoded_len(&(*id, state.to_record(&self.model)));
        }
        let mut out = Vec::with_capacity(HEADER + len);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&version.to_le_bytes());
        out.extend_from_slice(&(len as u64).to_le_bytes());
        out.extend_from_slice(&[0; 4]);
        // The payload is the postcard encoding of `Payload`, written field by
        // field: a struct is its fields in order, a sequence its length then
        // its elements.
        let mut out = encode(&config_json, out);
        out = encode(&(customers.len() as u64), out);
        for (id, state) in &customers {
            out = encode(&(*id, state.to_record(&self.model)), out);
        }
        out = encode_json(identity.as_ref(), identity_len, out);
        out = encode_json(retention_out.as_ref(), retention_len, out);
        out = encode_json(feed_out.as_ref(), feed_len, out);
        out = encode_json(histories_out.as_ref(), histories_len, out);
        debug_assert_eq!(out.len(), HEADER + len);
        let crc = crc32fast::hash(&out[HEADER..]);
        out[20..24].copy_from_slice(&crc.to_le_bytes());
        out
    }

    /// An engine from bytes written by [`Engine::snapshot`].
    ///
    /// # Errors
    ///
    /// [`Error::CorruptSnapshot`] naming what is wrong (see the module
    /// documentation); nothing is built.
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
                customers: upgrade(v1.customers),
                identity_json: String::new(),
                retention_json: String::new(),
                feed_json: String::new(),
                histories_json: String::new(),
            }
        } else if version == 2 {
            let v2: PayloadV2 = whole(body).map_err(undecodable)?;
            Payload {
                config_json: v2.config_json,
                customers: upgrade(v2.customers),
                identity_json: v2.identity_json,
                retention_json: String::new(),
                feed_json: String::new(),
                histories_json: String::new(),
            }
        } else if version <= 4 {
            let v4: PayloadV4 = whole(body).map_err(undecodable)?;
            Payload {
                config_json: v4.config_json,
                customers: upgrade(v4.customers),
                identity_json: v4.identity_json,
                retention_json: v4.retention_json,
                feed_json: String::new(),
                histories_json: String::new(),
            }
        } else if version == 5 {
            let v5: PayloadV5 = whole(body).map_err(undecodable)?;
            Payload {
                config_json: v5.config_json,
                customers: upgrade(v5.customers),
                identity_json: v5.identity_json,
                retention_json: v5.retention_json,
                feed_json: v5.feed_json,
                histories_json: String::new(),
            }
        } else if version == 6 {
            let v6: PayloadV6 = whole(body).map_err(undecodable)?;
            Payload {
                config_json: v6.config_json,
                customers: upgrade(v6.customers),
                identity_json: v6.identity_json,
                retention_json: v6.retention_json,
                feed_json: v6.feed_json,
                histories_json: v6.histories_json,
            }
        } else {
            whole(body).map_err(undecodable)?
        };
        let model = crate::json::config_from_json(&payload.config_json)
            .map_err(|e| corrupt(format!("model: {e}")))?;
        let engine = restore_into(model, payload.customers)?;
        if !payload.identity_json.is_empty() {
            engine.restore_identity(&payload.identity_json, version)?;
        }
        if !payload.retention_json.is_empty() {
            engine.restore_retention(&payload.retention_json)?;
        }
        if !payload.feed_json.is_empty() {
            let feed = crate::json::changes::feed_from_json(&engine.model, &payload.feed_json)
                .map_err(|m| corrupt(format!("change feed: {m}")))?;
            engine
                .feed
                .restore(feed.next_seq, feed.oldest_seq, feed.retention, feed.entries);
        }
        if payload.histories_json.is_empty() {
            engine.rebuild_histories();
        } else {
            engine.restore_histories(&payload.histories_json)?;
        }
        Ok(engine)
    }

    /// Rebuilds the purchase histories of a snapshot without them (versions
    /// 1 to 5, or an engine without any) from the events the engine keeps:
    /// those of golden customers. Other customers' events are not kept:
    /// their histories start empty.
    fn rebuild_histories(&self) {
        for shard in self.shards.iter() {
            let mut shard = super::lock(shard);
            if shard.logs.is_empty() {
                continue;
            }
            let logs: Vec<(GoldenId, Arc<super::EventLog>)> = shard
                .logs
                .iter()
                .map(|(g, l)| (*g, Arc::clone(l)))
                .collect();
            for (g, log) in logs {
                let customer = g.to_string();
                let hash = self.hasher.hash_one(customer.as_str());
                if shard.contains(hash, &customer) {
                    let purchases = super::history::history_of(log.iter().map(|(_, e)| e));
                    shard.set_history(&self.hasher, hash, &customer, purchases);
                }
            }
        }
    }

    /// Restores the purchase histories into a fresh engine whose customers
    /// are restored: each of a customer with a state, given once, at most
    /// [`super::MAX_HISTORY`] lines in time order, each naming a product;
    /// each set of items bought (version 8) of a customer with lines, sorted,
    /// distinct, at most [`super::MAX_BOUGHT`], holding the lines' items
    /// unless full. Without sets (versions 6 and 7), each is made from the
    /// lines.
    fn restore_histories(&self, text: &str) -> Result<()> {
        use super::history::{item_hash, Item, Purchases};
        let corrupt = |m: String| Error::CorruptSnapshot(format!("purchase histories: {m}"));
        let image: HistoriesImage<String, super::history::History, Vec<u64>> =
            serde_json::from_str(text).map_err(|e| corrupt(e.to_string()))?;
        let given_sets = !image.bought.is_empty();
        if given_sets && image.bought.len() != image.histories.len() {
            return Err(corrupt(format!(
                "{} sets of items bought for {} histories",
                image.bought.len(),
                image.histories.len()
            )));
        }
        let mut sets = image.bought.into_iter();
        for (id, history) in image.histories {
            let bought = match sets.next() {
                None => Purchases::bought_of(&history),
                Some((owner, bought)) => {
                    let name = crate::model::time::clip(&owner);
                    if owner != id {
                        return Err(corrupt(format!(
                            "set of items bought of `{name}` out of the histories' order"
                        )));
                    }
                    let full = bought.len() == super::MAX_BOUGHT;
                    if bought.len() > super::MAX_BOUGHT
                        || bought.windows(2).any(|w| w[0] >= w[1])
                        || (!full
                            && history.iter().any(|l| {
                                std::iter::once(item_hash(Item::Product, &l.product))
                                    .chain(
                                        l.category.as_deref().map(|c| item_hash(Item::Category, c)),
                                    )
                                    .any(|h| bought.binary_search(&h).is_err())
                            }))
                    {
                        return Err(corrupt(format!(
                            "set of items bought of `{name}` is unsorted, too long (at most {}) \
                             or misses an item of the lines",
                            super::MAX_BOUGHT
                        )));
                    }
                    bought
                }
            };
            let name = crate::model::time::clip(&id);
            let (hash, shard) = self.locate(&id);
            let mut shard = super::lock(shard);
            if !shard.contains(hash, &id) {
                return Err(corrupt(format!(
                    "history of `{name}`, which is not a customer"
                )));
            }
            if shard.history(hash, &id).is_some() {
                return Err(corrupt(format!("history of `{name}` given twice")));
            }
            if history.is_empty() || history.len() > super::MAX_HISTORY {
                return Err(corrupt(format!(
                    "history of `{name}` has {} lines (1 to {})",
                    history.len(),
                    super::MAX_HISTORY
                )));
            }
            if history.windows(2).any(|w| w[0].at > w[1].at)
                || history.iter().any(|l| {
                    std::iter::once(&l.product)
                        .chain(l.category.as_ref())
                        .any(|p| p.trim().is_empty() || p.len() > crate::model::event::MAX_TEXT_LEN)
                })
            {
                return Err(corrupt(format!(
                    "history of `{name}` is out of time order or names an empty or too long \
                     product or category"
                )));
            }
            shard.set_history(
                &self.hasher,
                hash,
                &id,
                Purchases {
                    lines: history,
                    bought,
                },
            );
        }
        Ok(())
    }

    /// Restores the retention state into a fresh engine whose customers are
    /// restored.
    fn restore_retention(&self, text: &str) -> Result<()> {
        let corrupt = |m: String| Error::CorruptSnapshot(format!("retention: {m}"));
        let image: RetentionImage =
            serde_json::from_str(text).map_err(|e| corrupt(e.to_string()))?;
        let triggers = crate::retention::Triggers::compile(&image.config, &self.model)
            .map_err(|e| corrupt(e.to_string()))?;
        let mut logs = super::retention::FiringLogs::default();
        for (id, log) in image.logs {
            let (hash, shard) = self.locate(&id);
            // A live golden customer keeps its firing log without a state:
            // an unmerge may leave it no event while what fired for it
            // still counts against its cooldowns.
            let golden = id.starts_with('G')
                && id
                    .parse()
                    .is_ok_and(|g| self.identity_guard().registry.contains(g));
            if !golden && !super::lock(shard).contains(hash, &id) {
                return Err(corrupt(format!(
                    "firing log of `{}`, which is not a customer",
                    crate::model::time::clip(&id)
                )));
            }
            if logs
                .insert(compact_str::CompactString::from(id.as_str()), log)
                .is_some()
            {
                return Err(corrupt(format!(
                    "firing log of `{}` given twice",
                    crate::model::time::clip(&id)
                )));
            }
        }
        let mut retention = self.retention.lock().unwrap_or_else(|p| p.into_inner());
        *retention = Retention {
            config: image.config,
            triggers,
            models: image.models,
            logs: Arc::new(logs),
            stats: image.stats,
        };
        Ok(())
    }

    /// The consolidation state at this moment, taken cheaply (the records as
    /// given are shared, not copied); `None` when consolidation was never
    /// configured.
    fn identity_cut(&self, identity: &Identity) -> Option<IdentityCut> {
        let untouched = !identity.configured
            && identity.registry.source_count() == 0
            && identity.registry.golden_count() == 0
            && identity.hierarchies.is_empty()
            && identity.registry.config() == &RegistryConfig::default();
        if untouched {
            return None;
        }
        Some(IdentityCut {
            config_json: cjson::consolidation_config_to_json(identity.registry.config()),
            registry: identity.registry.cut(),
            hierarchies: identity.hierarchies.clone(),
            imported: identity
                .imported
                .iter()
                .map(|(g, states)| (*g, states.clone()))
                .collect(),
            renames: identity
                .renames
                .iter()
                .map(|(g, r)| (*g, r.clone()))
                .collect(),
            configured: identity.configured,
            legacy: identity.legacy.iter().cloned().collect(),
        })
    }

    /// The consolidation state, serialising as JSON in the shape of
    /// [`IdentityImage`] without an intermediate copy: each event's JSON is made
    /// as it is written.
    fn identity_out<'a>(
        &'a self,
        cut: IdentityCut,
        logs: &'a [(GoldenId, &'a super::EventLog)],
        last_tick: i64,
    ) -> IdentityOut<'a> {
        IdentityOut {
            config_json: cut.config_json,
            registry: cut.registry,
            hierarchies: cut.hierarchies,
            logs: LogsOut(logs),
            imported: cut
                .imported
                .iter()
                .map(|(g, states)| {
                    let states = states
                        .iter()
                        .map(|(sent, s)| (*sent, s.to_record(&self.model)))
                        .collect();
                    (*g, states)
                })
                .collect(),
            renames: cut.renames,
            last_tick: Some(last_tick).filter(|&t| t != i64::MIN),
            configured: Some(cut.configured),
            legacy: cut.legacy,
        }
    }

    /// Restores the consolidation state into a fresh engine whose customers are
    /// restored, checking that every part agrees with the registry.
    fn restore_identity(&self, text: &str, version: u32) -> Result<()> {
        let corrupt = |m: String| Error::CorruptSnapshot(format!("consolidation: {m}"));
        let image: IdentityImage =
            serde_json::from_str(text).map_err(|e| corrupt(e.to_string()))?;
        let mut config = cjson::consolidation_config_from_json(&image.config_json)
            .map_err(|e| corrupt(format!("configuration: {e}")))?;
        let default_config = config == RegistryConfig::default();
        if version < 4 && !image.config_json.contains("customers_from_events") {
            // Before version 4 events created customers under any id: an
            // engine restored from then keeps doing so.
            config.customers_from_events = true;
        }
        let mut registry = Registry::from_image(config, image.registry).map_err(|e| match e {
            Error::CorruptSnapshot(m) => corrupt(m),
            other => corrupt(format!("configuration: {other}")),
        })?;
        let configured = image.configured.unwrap_or(
            registry.source_count() > 0 || registry.golden_count() > 0 || !default_config,
        );
        // A golden id's events and imported states: under a live id, each sent
        // for an id that resolves to it; each customer once.
        let owned_by = |golden: GoldenId, sent: GoldenId, what: &str| -> Result<()> {
            if !registry.contains(golden) {
                return Err(corrupt(format!(
                    "{what} of {golden}, which is not a live golden id"
                )));
            }
            if registry.resolve(sent) != Some(golden) {
                return Err(corrupt(format!(
                    "{what} of {golden} sent for {sent}, which does not resolve to it"
                )));
            }
            Ok(())
        };
        let mut logs = BTreeMap::new();
        for (golden, events) in image.logs {
            let mut list = Vec::with_capacity(events.len());
            for (sent, e) in events {
                owned_by(golden, sent, "events")?;
                let event = crate::json::event_from_json(&e)
                    .map_err(|e| corrupt(format!("event of {golden}: {e}")))?;
                list.push((sent, event));
            }
            if logs.insert(golden, list).is_some() {
                return Err(corrupt(format!("the events of {golden} are given twice")));
            }
        }
        let mut imported = BTreeMap::new();
        for (golden, states) in image.imported {
            let mut list = Vec::with_capacity(states.len());
            for (sent, record) in states {
                owned_by(golden, sent, "imported state")?;
                let state = CustomerState::from_record(&self.model, record)
                    .map_err(|e| corrupt(format!("imported state of {golden}: {e}")))?;
                list.push((sent, state));
            }
            if imported.insert(golden, list).is_some() {
                return Err(corrupt(format!(
                    "the imported states of {golden} are given twice"
                )));
            }
        }
        let mut renames = BTreeMap::new();
        for (id, rename) in image.renames {
            // Links a merge moved, kept for an unmerge: of retired ids only.
            if registry.resolve(id).is_none_or(|live| live == id) {
                if version < 4 {
                    // Older engines kept them after the customer went.
                    continue;
                }
                return Err(corrupt(format!(
                    "moved links of {id}, which is not a retired id"
                )));
            }
            if renames.insert(id, rename).is_some() {
                return Err(corrupt(format!("the moved links of {id} are given twice")));
            }
        }
        let golden_node = |node: &str| node.starts_with('G') && node.parse::<GoldenId>().is_ok();
        let mut seen = HashSet::new();
        for kind in image.hierarchies.kinds() {
            for (parent, child) in image.hierarchies.links(kind) {
                for node in [parent, child] {
                    if !seen.insert(node.to_string()) {
                        continue;
                    }
                    let live = node.parse::<GoldenId>().is_ok_and(|g| registry.contains(g));
                    let tracked = {
                        let (hash, shard) = self.locate(node);
                        super::lock(shard).contains(hash, node)
                    };
                    if configured && golden_node(node) && !live && !tracked {
                        return Err(corrupt(format!(
                            "hierarchy link of {}, which is not a live golden id",
                            crate::model::time::clip(node)
                        )));
                    }
                }
            }
        }
        let mut legacy = std::collections::BTreeSet::new();
        for id in image.legacy {
            let g = golden_node(&id)
                .then(|| id.parse::<GoldenId>().ok())
                .flatten()
                .filter(|&g| registry.issued(g) && registry.resolve(g).is_none())
                .ok_or_else(|| {
                    corrupt(format!(
                        "customer {} tracked before consolidation is not a golden-shaped id \
                         the registry reserved",
                        crate::model::time::clip(&id)
                    ))
                })?;
            let _ = g;
            if !legacy.insert(id) {
                return Err(corrupt(
                    "a customer tracked before consolidation is given twice".into(),
                ));
            }
        }
        // States of golden-shaped ids: live customers, or customers tracked
        // before consolidation. Older engines also kept states of ids that
        // were never issued (then plain customers) and of retired ids
        // (imported after a merge, out of any event's reach): the first stay
        // plain customers, the second are joined to their survivor.
        let mut retired_states: Vec<(String, GoldenId, GoldenId)> = Vec::new();
        if configured {
            for shard in self.shards.iter() {
                for (id, _) in super::lock(shard).iter() {
                    let Some(g) = golden_node(id)
                        .then(|| id.parse::<GoldenId>().ok())
                        .flatten()
                    else {
                        continue;
                    };
                    if registry.contains(g) || legacy.contains(id) {
                        continue;
                    }
                    if version >= 4 {
                        return Err(corrupt(format!(
                            "a lifecycle state for {g}, which is not a live golden id"
                        )));
                    }
                    match registry.resolve(g) {
                        Some(live) => retired_states.push((id.to_string(), g, live)),
                        None => {
                            registry.reserve_through(g);
                            legacy.insert(id.to_string());
                        }
                    }
                }
            }
        }
        if version < 4 {
            // Before version 4 imported states were not kept apart: a live
            // golden customer with a state and no events had it imported.
            for shard in self.shards.iter() {
                for (id, state) in super::lock(shard).iter() {
                    if let Ok(g) = id.parse::<GoldenId>() {
                        if registry.contains(g) && !logs.contains_key(&g) {
                            imported.insert(g, vec![(g, state.clone())]);
                        }
                    }
                }
            }
        }
        for (id, g, live) in retired_states {
            let (hash, shard) = self.locate(&id);
            let retired = super::lock(shard).remove(hash, &id).expect("listed above");
            let survivor = live.to_string();
            let (hash, shard) = self.locate(&survivor);
            let mut shard = super::lock(shard);
            let joined = match shard.remove(hash, &survivor) {
                Some(own) => own.combine(&retired, &self.model),
                None => retired.clone(),
            };
            shard.insert_new(&self.hasher, hash, &survivor, joined);
            imported.entry(live).or_default().push((g, retired));
        }
        let consolidating = configured;
        for (golden, log) in logs {
            self.set_log(golden, log);
        }
        let mut identity = self.identity.write().unwrap_or_else(|p| p.into_inner());
        *identity = Identity {
            registry,
            hierarchies: image.hierarchies,
            imported,
            renames,
            configured,
            legacy,
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
        let state = CustomerState::from_record(&engine.model, record).map_err(|e| {
            Error::CorruptSnapshot(format!("customer `{}`: {e}", crate::model::time::clip(&id)))
        })?;
        let hash = engine.hasher.hash_one(id.as_str());
        let shard = &mut staged[super::shard_index(hash)];
        if shard.contains(hash, &id) {
            return Err(Error::CorruptSnapshot(format!(
                "customer `{}` appears twice",
                crate::model::time::clip(&id)
            )));
        }
        shard.insert_new(&engine.hasher, hash, &id, state);
    }
    for (slot, shard) in engine.shards.iter().zip(staged) {
        *super::lock(slot) = shard;
    }
    Ok(engine)
}

/// Postcard-encodes `value` at the end of `out`.
fn encode<T: Serialize + ?Sized>(value: &T, out: Vec<u8>) -> Vec<u8> {
    postcard::to_extend(value, out).expect("encoding into memory cannot fail")
}

/// The length of an unsigned LEB128 varint.
fn varint_len(mut n: u64) -> usize {
    let mut len = 1;
    while n >= 0x80 {
        n >>= 7;
        len += 1;
    }
    len
}

/// The length of `value`'s postcard encoding.
fn encoded_len<T: Serialize + ?Sized>(value: &T) -> usize {
    postcard::serialize_with_flavor(value, postcard::ser_flavors::Size::default())
        .expect("measuring cannot fail")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streamed_payload_is_the_postcard_encoding() {
        use crate::model::event::{BuiltinKind, Event};
        use crate::model::time::Timestamp;
        let engine = Engine::new(StageModel::six_stage());
        for (i, c) in ["b", "a", "c"].iter().enumerate() {
            let at = Timestamp::from_millis(1_700_000_000_000 + i as i64, "t").unwrap();
            engine
                .apply(&Event::new(*c, at, BuiltinKind::Visit))
                .unwrap();
        }
        let bytes = engine.snapshot();
        let mut customers: Vec<(String, StateRecord)> = Vec::new();
        engine.for_each(|id, s| customers.push((id.to_string(), s.to_record(engine.model()))));
        customers.sort_by(|a, b| a.0.cmp(&b.0));
        let payload = Payload {
            config_json: crate::json::config_to_json(engine.model().config()),
            customers,
            identity_json: String::new(),
            retention_json: String::new(),
            feed_json: String::new(),
            histories_json: String::new(),
        };
        // The feed holds the customers' creation: compare without it (and
        // without the empty purchase histories after it).
        let mut expected = postcard::to_allocvec(&payload).unwrap();
        expected.truncate(expected.len() - 2);
        assert!(bytes[HEADER..].starts_with(&expected));
        assert_eq!(varint_len(127), 1);
        assert_eq!(varint_len(128), 2);
        assert_eq!(varint_len(u64::MAX), 10);
    }
}
