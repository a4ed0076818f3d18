//! The blocking index: which source records hold a blocking key.
//!
//! Keys are stored as 64-bit fingerprints, not as text: a million records hold
//! several million keys, and a fingerprint collision only adds a candidate that
//! scoring then rejects.

use hashbrown::HashMap;

/// Fingerprints of blocking keys to the slots of the records that hold them.
#[derive(Debug, Default, Clone)]
pub(super) struct BlockIndex {
    buckets: HashMap<u64, Vec<u32>, foldhash::fast::FixedState>,
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

    /// The slots holding the key with this fingerprint.
    pub(super) fn bucket(&self, key: u64) -> &[u32] {
        self.buckets.get(&key).map_or(&[], Vec::as_slice)
    }

    /// How many distinct keys the index holds.
    pub(super) fn len(&self) -> usize {
        self.buckets.len()
    }
}
