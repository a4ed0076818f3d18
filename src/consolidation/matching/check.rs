//! [`MatchModel::validate`]: whether a model's parameters can score pairs.

use super::compare::Field;
use super::model::MatchModel;
use crate::error::{Error, Result};

impl MatchModel {
    /// Checks that the model can score pairs: the prior in (0, 1); the merge
    /// and review thresholds in [0, 1], review at most merge; at least one
    /// field, each at most once, with an `m` and a `u` in (0, 1] for every one
    /// of its [`Field::levels`] (not below [`f64::MIN_POSITIVE`], so that no
    /// weight `log2(m / u)` overflows) and vetoes naming its levels, each once; given
    /// names and surnames both compared or neither (they are compared
    /// together, straight and crosswise); every veto lifter a level of a
    /// compared field, each once.
    ///
    /// The `m` (and the `u`) of a field's levels need not add up to one: a
    /// level's weight is the ratio `log2(m / u)`.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] naming the first parameter at fault by its path in
    /// the model's JSON form (`fields.birth_date.levels.exact.m`, `prior`,
    /// `veto_lifters[0]`).
    ///
    /// ```
    /// use ciclo::consolidation::matching::{Field, MatchModel};
    ///
    /// let mut model = MatchModel::default();
    /// assert!(model.validate().is_ok());
    /// let birth = model.fields.iter_mut().find(|f| f.field == Field::BirthDate).unwrap();
    /// birth.levels[0].m = 0.0;
    /// let err = model.validate().unwrap_err();
    /// assert!(err.to_string().contains("fields.birth_date.levels.exact.m"), "{err}");
    /// ```
    pub fn validate(&self) -> Result<()> {
        if !(self.prior > 0.0 && self.prior < 1.0) {
            return Err(Error::config(
                "prior",
                format!(
                    "{} is not a probability strictly between 0 and 1",
                    self.prior
                ),
            ));
        }
        for (name, t) in [
            ("merge_threshold", self.merge_threshold),
            ("review_threshold", self.review_threshold),
        ] {
            if !(0.0..=1.0).contains(&t) {
                return Err(Error::config(name, format!("{t} is not within 0..=1")));
            }
        }
        if self.review_threshold > self.merge_threshold {
            return Err(Error::config(
                "review_threshold",
                format!(
                    "{} is above the merge threshold {}",
                    self.review_threshold, self.merge_threshold
                ),
            ));
        }
        if self.fields.is_empty() {
            return Err(Error::config("fields", "no field is compared"));
        }
        for (k, params) in self.fields.iter().enumerate() {
            let field = params.field;
            let path = format!("fields.{}", field.name());
            if self.fields[..k].iter().any(|p| p.field == field) {
                return Err(Error::config(path, "given twice"));
            }
            let names = field.levels();
            if params.levels.len() != names.len() {
                return Err(Error::config(
                    format!("{path}.levels"),
                    format!(
                        "{} levels given; {} has {} ({})",
                        params.levels.len(),
                        field.name(),
                        names.len(),
                        names.join(", ")
                    ),
                ));
            }
            for (level, name) in params.levels.iter().zip(names) {
                for (p, value) in [("m", level.m), ("u", level.u)] {
                    // Not below the smallest normal number: `m / u` stays
                    // finite.
                    if !(f64::MIN_POSITIVE..=1.0).contains(&value) {
                        return Err(Error::config(
                            format!("{path}.levels.{name}.{p}"),
                            format!(
                                "{value} is not a probability in (0, 1] (and at least {:e})",
                                f64::MIN_POSITIVE
                            ),
                        ));
                    }
                }
            }
            for (i, &veto) in params.vetoes.iter().enumerate() {
                let at = format!("{path}.vetoes[{i}]");
                let Some(name) = names.get(veto as usize) else {
                    return Err(Error::config(at, format!("no level {veto}")));
                };
                if params.vetoes[..i].contains(&veto) {
                    return Err(Error::config(at, format!("`{name}` given twice")));
                }
            }
        }
        let has = |f: Field| self.field(f).is_some();
        if has(Field::GivenName) != has(Field::Surname) {
            let (missing, present) = if has(Field::GivenName) {
                (Field::Surname, Field::GivenName)
            } else {
                (Field::GivenName, Field::Surname)
            };
            return Err(Error::config(
                format!("fields.{}", missing.name()),
                format!(
                    "missing: names are compared together (straight and crosswise), \
                     so {} needs {} too",
                    present.name(),
                    missing.name()
                ),
            ));
        }
        for (i, &(field, level)) in self.veto_lifters.iter().enumerate() {
            let at = format!("veto_lifters[{i}]");
            let Some(params) = self.field(field) else {
                return Err(Error::config(
                    at,
                    format!("{} is not a compared field", field.name()),
                ));
            };
            let Some(name) = params.field.levels().get(level as usize) else {
                return Err(Error::config(
                    at,
                    format!("{} has no level {level}", field.name()),
                ));
            };
            if self.veto_lifters[..i].contains(&(field, level)) {
                return Err(Error::config(
                    at,
                    format!("{} `{name}` given twice", field.name()),
                ));
            }
        }
        Ok(())
    }
}
