//! The generator's randomness: a small seeded PRNG, so that the same options
//! give the same records on every platform and with every version of every
//! dependency, and the weights of the name, street and place tables.

use super::{tables, tables_en};
use crate::splitmix::SplitMix64;

/// The generator's source of randomness: [`SplitMix64`], seeded, with the
/// draws the generator needs.
#[derive(Clone, Debug)]
pub(super) struct Rng(pub(super) SplitMix64);

impl Rng {
    pub(super) fn next_u64(&mut self) -> u64 {
        self.0.next()
    }

    /// A number in `0..n` (`n > 0`), by multiply-shift.
    pub(super) fn below(&mut self, n: u64) -> u64 {
        self.0.below(n)
    }

    /// A number in `lo..=hi`.
    pub(super) fn range(&mut self, lo: u32, hi: u32) -> u32 {
        lo + self.below(u64::from(hi - lo) + 1) as u32
    }

    /// A number in `[0, 1)`.
    pub(super) fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    pub(super) fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    pub(super) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    /// An index drawn with the given cumulative weights.
    pub(super) fn weighted(&mut self, cumulative: &[u32]) -> usize {
        let total = *cumulative.last().expect("a non-empty table");
        let x = self.below(u64::from(total)) as u32;
        cumulative.partition_point(|&c| c <= x)
    }

    /// An index drawn with small literal weights.
    pub(super) fn choose(&mut self, weights: &[u32]) -> usize {
        let total: u32 = weights.iter().sum();
        let mut x = self.below(u64::from(total)) as u32;
        for (i, &w) in weights.iter().enumerate() {
            if x < w {
                return i;
            }
            x -= w;
        }
        weights.len() - 1
    }
}

/// Cumulative weights of a table.
pub(super) fn cumulative(weights: impl Iterator<Item = u32>) -> Vec<u32> {
    let mut sum = 0u32;
    weights
        .map(|w| {
            sum += w.max(1);
            sum
        })
        .collect()
}

/// Zipf-like weights by rank: `1 / (rank + offset)`, scaled.
pub(super) fn zipf(len: usize, offset: u32) -> Vec<u32> {
    cumulative((0..len as u32).map(|r| 1_000_000 / (r + offset)))
}

/// The cumulative weights of every table, built once per generator.
#[derive(Clone, Debug)]
pub(super) struct Weights {
    pub(super) given: [Vec<u32>; 4],
    pub(super) surnames: [Vec<u32>; 2],
    pub(super) streets: [Vec<u32>; 2],
    pub(super) localities: [Vec<u32>; 2],
    pub(super) providers: [Vec<u32>; 2],
    /// The English-speaking tables, indexed by `us` (0 the United Kingdom,
    /// 1 the United States): given names by `2 * us + female`.
    pub(super) en_given: [Vec<u32>; 4],
    pub(super) en_surnames: [Vec<u32>; 2],
    pub(super) en_streets: [Vec<u32>; 2],
    pub(super) en_street_types: [Vec<u32>; 2],
    pub(super) en_towns: [Vec<u32>; 2],
    pub(super) en_providers: [Vec<u32>; 2],
}

impl Weights {
    pub(super) fn new() -> Weights {
        Weights {
            given: [
                zipf(tables::AR_MALE.len(), 6),
                zipf(tables::AR_FEMALE.len(), 6),
                zipf(tables::ES_MALE.len(), 6),
                zipf(tables::ES_FEMALE.len(), 6),
            ],
            surnames: [
                zipf(tables::AR_SURNAMES.len(), 12),
                zipf(tables::ES_SURNAMES.len(), 12),
            ],
            streets: [
                zipf(tables::AR_STREETS.len(), 20),
                zipf(tables::ES_STREETS.len(), 20),
            ],
            localities: [
                cumulative(tables::AR_LOCALITIES.iter().map(|l| l.weight)),
                cumulative(tables::ES_LOCALITIES.iter().map(|l| l.weight)),
            ],
            providers: [
                cumulative(tables::AR_PROVIDERS.iter().map(|p| p.1)),
                cumulative(tables::ES_PROVIDERS.iter().map(|p| p.1)),
            ],
            en_given: [
                zipf(tables_en::UK_MALE.len(), 8),
                zipf(tables_en::UK_FEMALE.len(), 8),
                zipf(tables_en::US_MALE.len(), 8),
                zipf(tables_en::US_FEMALE.len(), 8),
            ],
            en_surnames: [
                zipf(tables_en::UK_SURNAMES.len(), 20),
                zipf(tables_en::US_SURNAMES.len(), 20),
            ],
            en_streets: [
                zipf(tables_en::UK_STREETS.len(), 10),
                zipf(tables_en::US_STREETS.len(), 10),
            ],
            en_street_types: [
                zipf(tables_en::UK_STREET_TYPES.len(), 1),
                zipf(tables_en::US_STREET_TYPES.len(), 1),
            ],
            en_towns: [
                cumulative(tables_en::UK_TOWNS.iter().map(|t| t.weight)),
                cumulative(tables_en::US_TOWNS.iter().map(|t| t.weight)),
            ],
            en_providers: [
                cumulative(tables_en::UK_PROVIDERS.iter().map(|p| p.1)),
                cumulative(tables_en::US_PROVIDERS.iter().map(|p| p.1)),
            ],
        }
    }
}
