//! A data steward's corrections: merge two customers, unmerge a record, dismiss
//! a review, remove a record its source deleted, erase a customer.

use super::{Candidate, GoldenId, Registry};
use crate::consolidation::golden::SourceKey;
use crate::error::{Error, Result};

/// A record waiting for a data steward: it may be one of the candidates.
#[derive(Clone, Copy, Debug)]
pub struct Review<'a> {
    /// The record.
    pub record: &'a SourceKey,
    /// The golden customer it is in now.
    pub golden: GoldenId,
    /// The customers it may belong to, best first, with explanations.
    pub candidates: &'a [Candidate],
}

/// What [`Registry::erase`] erased.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Erased {
    /// The erased golden id first, then the retired ids that resolved to it.
    pub ids: Vec<GoldenId>,
    /// The source records erased, sorted.
    pub sources: Vec<SourceKey>,
}

/// The outcome of [`Registry::merge`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Merged {
    /// The golden id that stays: the older of the two.
    pub survivor: GoldenId,
    /// The golden id retired; it resolves to the survivor from now on.
    pub retired: GoldenId,
}

impl Registry {
    /// Merges two golden customers into one. The older id survives; the other
    /// is retired and resolves to it. The golden record is recomputed from all
    /// the members, so which of the two is named first does not matter.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] when `a` and `b` are one customer,
    /// [`Error::NotFound`] for an id that is not live (a retired id's error says
    /// what it was merged into). Nothing changes on an error.
    pub fn merge(&mut self, a: GoldenId, b: GoldenId) -> Result<Merged> {
        self.touched.clear();
        self.merge_live(a, b)
    }

    /// [`Registry::merge`], noting the reviews it changes after those noted
    /// already.
    pub(super) fn merge_live(&mut self, a: GoldenId, b: GoldenId) -> Result<Merged> {
        self.live(a)?;
        self.live(b)?;
        if a == b {
            return Err(Error::InvalidArgument {
                field: "golden_id".into(),
                message: format!("{a} cannot be merged with itself"),
            });
        }
        let (survivor, retired) = (a.min(b), a.max(b));
        let moved = self.goldens.remove(&retired).expect("checked live");
        for &slot in &moved {
            self.entry_mut(slot).golden = survivor;
        }
        let members = self.goldens.get_mut(&survivor).expect("checked live");
        members.extend(moved);
        members.sort_unstable();
        self.retired.insert(retired, survivor);
        self.settle_reviews(retired, survivor);
        Ok(Merged { survivor, retired })
    }

    /// Takes a source record out of its golden customer and makes it a customer
    /// of its own: the golden id it had before it was merged, if that id is
    /// retired and nothing else resolves through it, else a new id. The id a
    /// record had first is the one its ingest answered with: for a record that
    /// joined customers into one
    /// ([`Ingested::joined`](super::Ingested::joined)) the survivor, never an
    /// id the join retired (the host holds that one for the records it
    /// retired with). The customer it leaves gets exactly the golden record
    /// its other members make.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for an unknown record, [`Error::Conflict`] when the
    /// record is its customer's only member (nothing to unmerge). Nothing changes
    /// on an error.
    pub fn unmerge(&mut self, key: &SourceKey) -> Result<GoldenId> {
        self.touched.clear();
        let slot = self.slot_of(key)?;
        let (golden, origin) = {
            let e = self.entry(slot);
            (e.golden, e.origin)
        };
        if self.goldens[&golden].len() == 1 {
            return Err(Error::Conflict {
                field: "source".into(),
                message: format!("{key} is the only record of {golden}: nothing to unmerge"),
            });
        }
        let revivable = origin != golden
            && self.retired.contains_key(&origin)
            && !self.retired.values().any(|&to| to == origin);
        let id = if revivable {
            self.retired.remove(&origin);
            origin
        } else {
            self.issue_id()
        };
        self.goldens
            .get_mut(&golden)
            .expect("a record's golden is live")
            .retain(|&s| s != slot);
        self.goldens.insert(id, vec![slot]);
        self.entry_mut(slot).golden = id;
        Ok(id)
    }

    /// Drops the review of a record: the steward decided it is a customer of its
    /// own.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] when the record has no review.
    pub fn dismiss_review(&mut self, key: &SourceKey) -> Result<()> {
        self.touched.clear();
        self.reviews
            .remove(key)
            .map(|_| self.touched.push(key.clone()))
            .ok_or_else(|| Error::NotFound {
                what: "review",
                id: key.to_string(),
            })
    }

    /// Removes a source record that its system deleted. Its golden customer
    /// keeps the other members, and its golden record is exactly the one they
    /// make without it; a customer left with none is gone (its id, and the ids
    /// merged into it, no longer resolve). Reviews of the record, and review
    /// candidates that name it, go with it. Returns the golden id the record was
    /// in and whether that customer is gone.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for an unknown record.
    pub fn remove(&mut self, key: &SourceKey) -> Result<(GoldenId, bool)> {
        self.touched.clear();
        let slot = self.slot_of(key)?;
        let golden = self.entry(slot).golden;
        let gone = self.goldens[&golden].len() == 1;
        self.drop_entry(slot);
        if gone {
            self.drop_golden(golden);
        }
        Ok((golden, gone))
    }

    /// Erases a golden customer: every source record in it (as given and
    /// standardised), its place in the blocking index and the cross-reference,
    /// the reviews of its records and every review candidate naming it, and the
    /// golden ids merged into it. Afterwards neither `id` nor any id merged into
    /// it resolves, and nothing the registry holds (its [`image`](Registry::image)
    /// included) carries a value of the erased records. Golden ids are never
    /// issued again. Returns the erased ids: `id` first, then the retired ids
    /// that resolved to it, and the erased source keys.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for an id that is not live (a retired id's error says
    /// what it was merged into). Nothing changes on an error.
    pub fn erase(&mut self, id: GoldenId) -> Result<Erased> {
        self.touched.clear();
        let slots = self.live(id)?.clone();
        let mut sources = Vec::with_capacity(slots.len());
        for slot in slots {
            sources.push(self.entry(slot).member.key.clone());
            self.drop_entry(slot);
        }
        sources.sort();
        let mut ids = vec![id];
        ids.extend(self.drop_golden(id));
        Ok(Erased { ids, sources })
    }

    /// Removes a record's entry: slot, index, cross-reference, its reviews and
    /// candidates naming it. Its golden's member list loses it.
    fn drop_entry(&mut self, slot: u32) {
        let entry = self.entries[slot as usize]
            .take()
            .expect("slots point at live entries");
        let key = &entry.member.key;
        self.slots.remove(key);
        self.index.remove(&entry.keys, slot);
        if self.reviews.remove(key).is_some() {
            self.touched.push(key.clone());
        }
        self.drop_candidates(|c| &c.source == key);
        if let Some(members) = self.goldens.get_mut(&entry.golden) {
            members.retain(|&s| s != slot);
        }
    }

    /// Drops a golden id left with no member: the id, the retired ids that
    /// resolve to it (returned, sorted) and review candidates naming it.
    fn drop_golden(&mut self, id: GoldenId) -> Vec<GoldenId> {
        self.goldens.remove(&id);
        // Retired ids whose chain ends at `id`: resolve before removing any.
        let gone: Vec<GoldenId> = self
            .retired
            .keys()
            .copied()
            .filter(|&r| self.resolve_chain(r) == Some(id))
            .collect();
        for r in &gone {
            self.retired.remove(r);
        }
        self.drop_candidates(|c| c.golden == id);
        gone
    }

    /// Where a retired id's chain ends, live or not.
    fn resolve_chain(&self, id: GoldenId) -> Option<GoldenId> {
        let mut id = id;
        for _ in 0..=self.retired.len() {
            match self.retired.get(&id) {
                Some(&next) => id = next,
                None => return Some(id),
            }
        }
        None
    }

    /// After `retired` merged into `survivor`: candidates name the survivor, and
    /// a review whose every candidate is now its own customer is settled.
    fn settle_reviews(&mut self, retired: GoldenId, survivor: GoldenId) {
        let mut settled = Vec::new();
        for (key, candidates) in self.reviews.iter_mut() {
            let before = candidates.len();
            let mut renamed = false;
            for c in candidates.iter_mut() {
                if c.golden == retired {
                    c.golden = survivor;
                    renamed = true;
                }
            }
            let own = self.slots.get(key).map(|&s| {
                self.entries[s as usize]
                    .as_ref()
                    .expect("slots point at live entries")
                    .golden
            });
            candidates.retain(|c| Some(c.golden) != own);
            if renamed || candidates.len() != before {
                self.touched.push(key.clone());
            }
            if candidates.is_empty() {
                settled.push(key.clone());
            }
        }
        for key in settled {
            self.reviews.remove(&key);
        }
    }
}
