//! The blocking index: which source records hold a blocking key.
//!
//! Keys are stored as 64-bit fingerprints, not as text: a million records hold
//! several million keys, and a fingerprint collision only adds a candidate that
//! scoring then rejects.

use std::hash::BuildHasher;

use hashbrown::HashMap;

use crate::consolidation::matching::BlockingKey;

/// Fingerprints of blocking keys to the slots of the records that hold them.
#[derive(Debug, Default, Clone)]
pub(super) struct BlockIndex {
    buckets: HashMap<u64, Vec<u32>, foldhash::fast::FixedState>,
}

/// The fingerprint of a key; fixed seed, so an index rebuilt from a snapshot is
/// the same index.
pub(super) fn fingerprint(key: &BlockingKey) -> u64 {
    foldhash::fast::FixedState::with_seed(0x6369_636c_6f00_0001).hash_one(key)
}

impl BlockIndex {
    /// Adds `slot` under every key.
    pub(super) fn insert(&mut self, keys: &[u64], slot: u32) {
        for &k in keys {
            let bucket = self.buckets.entry(k).or_default();
            if !bucket.contains(&slot) {
                bucket.push(slot);
            }
        }
    }

    /// Removes `slot` from under every key.
    pub(super) fn remove(&mut self, keys: &[u64], slot: u32) {
        for k in keys {
            if let Some(bucket) = self.buckets.get_mut(k) {
                bucket.retain(|&s| s != slot);
                if bucket.is_empty() {
                    self.buckets.remove(k);
                }
            }
        }
    }

    /// The slots sharing a key with `keys`, each once, sorted; buckets larger
    /// than `max_block` are skipped (a key that many records share tells little).
    pub(super) fn candidates(&self, keys: &[u64], max_block: usize) -> Vec<u32> {
        let mut out = Vec::new();
        for k in keys {
            if let Some(bucket) = self.buckets.get(k) {
                if bucket.len() <= max_block {
                    out.extend_from_slice(bucket);
                }
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    /// How many distinct keys the index holds.
    pub(super) fn len(&self) -> usize {
        self.buckets.len()
    }
}
