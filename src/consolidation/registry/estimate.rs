//! The registry's match model estimated from the records it holds, and a new
//! model installed.

use super::Registry;
use crate::consolidation::dedup::candidate_pairs;
use crate::consolidation::matching::{estimate_with, EmOptions, Estimate, MatchModel, Patterns};
use crate::error::{Error, Result};

/// The largest [`EmOptions::u_sample`] [`Registry::estimate_model`] draws:
/// ten million pairs (some hundreds of megabytes of pairs and comparisons at
/// most). (Not public: cbindgen would put any public constant in the C header.)
const MAX_U_SAMPLE: usize = 10_000_000;

/// The most EM iterations [`Registry::estimate_model`] runs.
const MAX_ITERATIONS: usize = 10_000;

impl Registry {
    /// Estimates the match model from the records the registry holds, as batch
    /// deduplication does from an export: `u` from
    /// [`EmOptions::u_sample`] seeded random pairs of records, then `m` and the
    /// prior by expectation–maximisation over the candidate pairs (records
    /// sharing a blocking key, blocks refined and capped by
    /// [`RegistryConfig::refine_block`](super::RegistryConfig::refine_block)
    /// and [`RegistryConfig::max_block`](super::RegistryConfig::max_block) as a
    /// batch's are), starting from the installed model, whose fields, levels,
    /// vetoes, veto lifters and thresholds the estimate keeps
    /// ([`estimate`](crate::consolidation::matching::estimate)). It does not
    /// install it: [`Registry::set_model`] does.
    ///
    /// The records are taken in the order they were first ingested, so a
    /// registry that ingested an export in file order estimates exactly the
    /// model that batch deduplication of the export estimates (with the same
    /// starting model and options). Runs on the calling thread; the cost is
    /// that of the batch's comparisons (every candidate pair once, and the
    /// sample). With too few records the starting model comes back
    /// ([`Estimate::estimated`] says).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] naming the option for an
    /// [`EmOptions::u_sample`] over ten million, an
    /// [`EmOptions::max_iterations`] over ten thousand, a tolerance,
    /// floor or pseudo-count that is negative or not finite, or a floor of
    /// a quarter or more.
    pub fn estimate_model(&self, options: &EmOptions) -> Result<Estimate> {
        check_options(options)?;
        let model = &self.config.model;
        let profiles: Vec<_> = self.entries.iter().flatten().map(|e| &e.profile).collect();
        let (pairs, _) =
            candidate_pairs(&profiles, self.config.max_block, self.config.refine_block);
        let patterns = Patterns::from_counts(
            pairs
                .iter()
                .map(|&(a, b)| (model.compare(profiles[a as usize], profiles[b as usize]), 1)),
        );
        Ok(estimate_with(
            profiles.len(),
            &patterns,
            model,
            options,
            &mut |sample| {
                sample
                    .iter()
                    .map(|&(a, b)| {
                        model.compare_straight(profiles[a as usize], profiles[b as usize])
                    })
                    .collect()
            },
        ))
    }

    /// Installs a match model: records ingested from now on are scored with
    /// it. The records already held stay where they are (a data steward's
    /// decisions are not undone); the candidates of the records waiting for
    /// review are scored again, as a restored snapshot would score them.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] when the model cannot score pairs
    /// ([`MatchModel::validate`]; the path prefixed with `model.`). Nothing
    /// changes on an error.
    pub fn set_model(&mut self, model: MatchModel) -> Result<()> {
        model.validate().map_err(|e| e.within("model."))?;
        self.touched.clear();
        self.config.model = model;
        let Registry {
            config,
            entries,
            slots,
            reviews,
            touched,
            ..
        } = self;
        let profile = |key| {
            &entries[slots[key] as usize]
                .as_ref()
                .expect("slots point at live entries")
                .profile
        };
        for (key, candidates) in reviews.iter_mut() {
            touched.push(key.clone());
            for c in candidates.iter_mut() {
                let score = config.model.score(profile(key), profile(&c.source), None);
                c.decision = config.model.decide(&score);
                c.score = score;
            }
        }
        Ok(())
    }
}

/// Refuses options that would make the estimate allocate without bound or
/// compute nonsense.
fn check_options(o: &EmOptions) -> Result<()> {
    if o.u_sample > MAX_U_SAMPLE {
        return Err(Error::invalid(
            "u_sample",
            format!("{} is over the limit of {}", o.u_sample, MAX_U_SAMPLE),
        ));
    }
    if o.max_iterations > MAX_ITERATIONS {
        return Err(Error::invalid(
            "max_iterations",
            format!(
                "{} is over the limit of {}",
                o.max_iterations, MAX_ITERATIONS
            ),
        ));
    }
    for (name, v) in [
        ("tolerance", o.tolerance),
        ("m_pseudo_pairs", o.m_pseudo_pairs),
        ("u_pseudo_pairs", o.u_pseudo_pairs),
        ("min_matches", o.min_matches),
        ("floor", o.floor),
    ] {
        if !(v.is_finite() && v >= 0.0) {
            return Err(Error::invalid(
                name,
                format!("{v} is not a finite number of 0 or more"),
            ));
        }
    }
    if o.floor >= 0.25 {
        return Err(Error::invalid(
            "floor",
            format!("{} is not below 0.25", o.floor),
        ));
    }
    Ok(())
}
