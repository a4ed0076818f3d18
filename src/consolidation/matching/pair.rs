//! [`MatchModel::score_records`]: a pair of records as typed, scored in one
//! call, for hosts that keep their records themselves.

use super::model::{MatchModel, Score};
use super::profile::Profile;
use crate::error::{Error, Result};
use crate::model::record::Record;
use crate::standardize::{standardize, Options};

impl MatchModel {
    /// Scores two records as typed: standardises both with `options`, reduces
    /// them to [`Profile`]s and scores the pair ([`MatchModel::score`], without
    /// term frequencies). The stateless path for a host that stores its
    /// records itself: it indexes each record's
    /// [`blocking_keys`](super::blocking_keys), fetches the records sharing a
    /// key with a new one, and asks only for the scores;
    /// [`MatchModel::decide`] gives the decision.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] naming `a` (or `b`) when the record has no
    /// field the model compares (every field empty, or only values that do not
    /// parse, or only fields the model does not compare), and naming `b` when
    /// the two have no compared field in common (nothing to score).
    ///
    /// ```
    /// use ciclo::consolidation::matching::{Decision, MatchModel};
    /// use ciclo::model::Record;
    /// use ciclo::standardize::Options;
    ///
    /// let a = Record {
    ///     given_name: Some("Pepe".into()),
    ///     surname: Some("González Pérez".into()),
    ///     birth_date: Some("03/04/1980".into()),
    ///     national_id: Some("20-12345678-6".into()),
    ///     ..Record::default()
    /// };
    /// let b = Record {
    ///     given_name: Some("José".into()),
    ///     surname: Some("Gonzalez".into()),
    ///     birth_date: Some("1980-04-03".into()),
    ///     national_id: Some("12.345.678".into()),
    ///     ..Record::default()
    /// };
    /// let options = Options::new(None, time::macros::date!(2026 - 11 - 23));
    /// let model = MatchModel::default();
    /// let score = model.score_records(&a, &b, &options)?;
    /// assert_eq!(model.decide(&score), Decision::Merge);
    ///
    /// let empty = model.score_records(&Record::default(), &b, &options).unwrap_err();
    /// assert_eq!(empty.to_string(), "invalid argument a: no field to compare");
    /// # Ok::<(), ciclo::Error>(())
    /// ```
    pub fn score_records(&self, a: &Record, b: &Record, options: &Options) -> Result<Score> {
        let pa = Profile::new(&standardize(a, options));
        let pb = Profile::new(&standardize(b, options));
        let fields = |p: &Profile| -> Vec<&'static str> {
            self.compare_straight(p, p)
                .fields()
                .map(|(f, _)| f.name())
                .collect()
        };
        let (fa, fb) = (fields(&pa), fields(&pb));
        for (name, f) in [("a", &fa), ("b", &fb)] {
            if f.is_empty() {
                return Err(Error::invalid(name, "no field to compare"));
            }
        }
        let score = self.score(&pa, &pb, None);
        if score.contributions.is_empty() {
            return Err(Error::invalid(
                "b",
                format!(
                    "no field to compare with a (a has {}; b has {})",
                    fa.join(", "),
                    fb.join(", ")
                ),
            ));
        }
        Ok(score)
    }
}
