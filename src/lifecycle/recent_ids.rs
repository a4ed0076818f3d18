//! The event ids a customer's state remembers, to recognise redeliveries.
//!
//! Kept: the fingerprints of the last [`RECENT_IDS`] events with an id, inline in the
//! state (no allocation, no extra cache line), and of every event at the watermark
//! instant, up to [`MAX_IDS_AT_INSTANT`] (the ones beyond the ring go to a side list
//! that exists only while a host sends many events with one timestamp). See the
//! module documentation of [`step`](mod@super::step) for what this guarantees.

use crate::error::{Error, Result};

/// How many recent event ids a state remembers to recognise redeliveries (besides
/// the ids of every event at the watermark instant).
pub const RECENT_IDS: usize = 4;

/// Most ids of events at the watermark instant a state keeps (bounding memory and
/// time when a host stamps many events with one timestamp).
pub const MAX_IDS_AT_INSTANT: usize = 256;

/// Fingerprints of remembered event ids (0 marks an empty slot; an id whose
/// fingerprint is 0 is remembered as 1).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct RecentIds {
    /// Oldest first; empty slots (0) at the front.
    ring: [u64; RECENT_IDS],
    /// Ids at the watermark instant that left the ring, oldest first. Boxed: a thin
    /// pointer in every state for a list that exists only while a host sends many
    /// events with one timestamp.
    #[allow(clippy::box_collection)]
    at_instant: Option<Box<Vec<u64>>>,
    /// How many of the remembered ids (newest first) are at the watermark instant.
    ids_at_watermark: u32,
}

impl RecentIds {
    /// Whether an id with this fingerprint was remembered.
    pub(crate) fn contains(&self, fingerprint: u64) -> bool {
        let fp = fingerprint.max(1);
        self.ring.contains(&fp) || self.at_instant.as_ref().is_some_and(|v| v.contains(&fp))
    }

    /// The watermark moved to a later instant: ids at the old instant need no
    /// keeping beyond the ring.
    pub(crate) fn watermark_advanced(&mut self) {
        self.ids_at_watermark = 0;
        self.at_instant = None;
    }

    /// Remembers the id of an event applied at the watermark instant.
    pub(crate) fn remember(&mut self, fingerprint: u64) {
        self.ids_at_watermark = (self.ids_at_watermark + 1).min(MAX_IDS_AT_INSTANT as u32);
        let evicted = self.ring[0];
        self.ring.rotate_left(1);
        self.ring[RECENT_IDS - 1] = fingerprint.max(1);
        if evicted != 0 && self.ids_at_watermark as usize > RECENT_IDS {
            let extra = self.at_instant.get_or_insert_with(Default::default);
            if extra.len() == MAX_IDS_AT_INSTANT - RECENT_IDS {
                extra.remove(0);
            }
            extra.push(evicted);
        }
    }

    /// How many remembered ids are at the watermark instant.
    pub(crate) fn at_watermark(&self) -> u32 {
        self.ids_at_watermark
    }

    /// Every remembered fingerprint, oldest first.
    pub(crate) fn to_list(&self) -> Vec<u64> {
        let extra = self.at_instant.as_deref().map_or(&[][..], Vec::as_slice);
        extra
            .iter()
            .chain(self.ring.iter().filter(|&&f| f != 0))
            .copied()
            .collect()
    }

    /// Rebuilds from [`RecentIds::to_list`] and the count at the watermark.
    pub(crate) fn from_list(list: &[u64], ids_at_watermark: u32) -> Result<RecentIds> {
        let at = ids_at_watermark as usize;
        if at > MAX_IDS_AT_INSTANT || at > list.len() {
            return Err(Error::invalid(
                "state.ids_at_watermark",
                "is larger than the number of recent event ids (or than 256)",
            ));
        }
        if list.len() > RECENT_IDS.max(at) {
            return Err(Error::invalid(
                "state.recent_event_ids",
                format!("at most {RECENT_IDS} ids besides those at the watermark"),
            ));
        }
        if list.contains(&0) {
            return Err(Error::invalid(
                "state.recent_event_ids",
                "0 is not a fingerprint",
            ));
        }
        let split = list.len().saturating_sub(RECENT_IDS);
        let mut ring = [0u64; RECENT_IDS];
        let tail = &list[split..];
        ring[RECENT_IDS - tail.len()..].copy_from_slice(tail);
        Ok(RecentIds {
            ring,
            at_instant: (split > 0).then(|| Box::new(list[..split].to_vec())),
            ids_at_watermark,
        })
    }

    /// Heap bytes used besides the inline ring.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.at_instant
            .as_ref()
            .map_or(0, |v| 24 + v.capacity() * 8)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_last_ids_and_all_at_the_instant() {
        let mut r = RecentIds::default();
        for fp in 1..=10 {
            r.remember(fp);
        }
        // All ten at one instant: all kept.
        assert!((1..=10).all(|fp| r.contains(fp)));
        assert_eq!(r.to_list(), (1..=10).collect::<Vec<_>>());
        let back = RecentIds::from_list(&r.to_list(), r.at_watermark()).unwrap();
        assert_eq!(back, r);
        // The instant passes: only the ring stays.
        r.watermark_advanced();
        r.remember(11);
        assert!(!r.contains(1) && !r.contains(7) && r.contains(8) && r.contains(11));
        assert_eq!(r.to_list(), vec![8, 9, 10, 11]);
    }

    #[test]
    fn fingerprint_zero_is_remembered() {
        let mut r = RecentIds::default();
        assert!(!r.contains(0));
        r.remember(0);
        assert!(r.contains(0));
    }

    #[test]
    fn at_most_the_limit_at_one_instant() {
        let mut r = RecentIds::default();
        for fp in 1..=1000u64 {
            r.remember(fp);
        }
        assert_eq!(r.to_list().len(), MAX_IDS_AT_INSTANT);
        assert!(r.contains(1000) && r.contains(1000 - MAX_IDS_AT_INSTANT as u64 + 1));
        assert!(!r.contains(1));
    }
}
