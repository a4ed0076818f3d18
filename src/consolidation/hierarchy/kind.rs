//! The kinds of hierarchy: three built in, and custom ones by name.

use std::fmt;
use std::str::FromStr;

use compact_str::CompactString;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::{Error, Result};

/// The longest custom kind name, in bytes.
const MAX_KIND_LEN: usize = 64;

/// What a hierarchy groups.
///
/// A customer may belong to one hierarchy of each kind at once: a person is in a
/// household and works for a company; that company is a subsidiary in a
/// corporate group.
///
/// Kinds are written as `snake_case` strings (in JSON, and by [`Display`]):
/// `household`, `company_contacts`, `corporate`, or a custom name such as
/// `franchise`. Kinds order built-ins first (in that order), then custom kinds
/// by name.
///
/// [`Display`]: fmt::Display
///
/// # Example
///
/// ```
/// use ciclo::consolidation::hierarchy::HierarchyKind;
///
/// assert_eq!(HierarchyKind::new("corporate")?, HierarchyKind::Corporate);
/// let franchise = HierarchyKind::new("franchise")?;
/// assert_eq!(franchise.as_str(), "franchise");
/// assert!(HierarchyKind::new("Franchise!").is_err());
/// # Ok::<(), ciclo::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum HierarchyKind {
    /// People living at one address (`household`); the head is the parent.
    Household,
    /// A company and the people who work there (`company_contacts`); the
    /// company is the parent of its contacts.
    CompanyContacts,
    /// A parent company and its subsidiaries (`corporate`), to any depth.
    Corporate,
    /// A kind the CRM defines, by name.
    Custom(CustomKind),
}

impl HierarchyKind {
    /// The built-in kinds, in order.
    pub const BUILT_IN: [HierarchyKind; 3] = [
        HierarchyKind::Household,
        HierarchyKind::CompanyContacts,
        HierarchyKind::Corporate,
    ];

    /// The kind with this name: a built-in one, or a custom one.
    ///
    /// A custom name is 1 to 64 bytes of lowercase ASCII letters, digits and
    /// `_`, starting with a letter. The built-in names always give the built-in
    /// kinds, so a custom kind never shadows one.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] naming `kind` if the name is not valid.
    ///
    /// # Example
    ///
    /// ```
    /// use ciclo::consolidation::hierarchy::HierarchyKind;
    ///
    /// assert_eq!(HierarchyKind::new("household")?, HierarchyKind::Household);
    /// assert!(matches!(HierarchyKind::new("buying_group")?, HierarchyKind::Custom(_)));
    /// assert!(HierarchyKind::new("").is_err());
    /// # Ok::<(), ciclo::Error>(())
    /// ```
    pub fn new(name: &str) -> Result<HierarchyKind> {
        Ok(match name {
            "household" => HierarchyKind::Household,
            "company_contacts" => HierarchyKind::CompanyContacts,
            "corporate" => HierarchyKind::Corporate,
            _ => HierarchyKind::Custom(CustomKind::new(name)?),
        })
    }

    /// The kind's `snake_case` name.
    ///
    /// # Example
    ///
    /// ```
    /// use ciclo::consolidation::hierarchy::HierarchyKind;
    ///
    /// assert_eq!(HierarchyKind::CompanyContacts.as_str(), "company_contacts");
    /// ```
    pub fn as_str(&self) -> &str {
        match self {
            HierarchyKind::Household => "household",
            HierarchyKind::CompanyContacts => "company_contacts",
            HierarchyKind::Corporate => "corporate",
            HierarchyKind::Custom(custom) => custom.as_str(),
        }
    }
}

impl fmt::Display for HierarchyKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for HierarchyKind {
    type Err = Error;

    fn from_str(name: &str) -> Result<HierarchyKind> {
        HierarchyKind::new(name)
    }
}

impl Serialize for HierarchyKind {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for HierarchyKind {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = String::deserialize(deserializer)?;
        HierarchyKind::new(&name).map_err(serde::de::Error::custom)
    }
}

/// The validated name of a custom [`HierarchyKind`].
///
/// Made only by [`HierarchyKind::new`], so it is never empty, never a built-in
/// name, and always `snake_case`.
///
/// # Example
///
/// ```
/// use ciclo::consolidation::hierarchy::HierarchyKind;
///
/// let HierarchyKind::Custom(name) = HierarchyKind::new("franchise")? else {
///     unreachable!()
/// };
/// assert_eq!(name.as_str(), "franchise");
/// # Ok::<(), ciclo::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CustomKind(CompactString);

impl CustomKind {
    fn new(name: &str) -> Result<CustomKind> {
        let problem = if name.is_empty() {
            "is empty"
        } else if name.len() > MAX_KIND_LEN {
            "is longer than 64 bytes"
        } else if !name.starts_with(|c: char| c.is_ascii_lowercase()) {
            "does not start with a lowercase letter"
        } else if !name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        {
            "holds characters other than lowercase letters, digits and `_`"
        } else {
            return Ok(CustomKind(CompactString::from(name)));
        };
        Err(Error::InvalidArgument {
            field: "kind".to_string(),
            message: format!(
                "hierarchy kind `{}` {problem}",
                crate::model::time::clip(name)
            ),
        })
    }

    /// The name.
    ///
    /// # Example
    ///
    /// ```
    /// use ciclo::consolidation::hierarchy::HierarchyKind;
    ///
    /// if let HierarchyKind::Custom(name) = HierarchyKind::new("region")? {
    ///     assert_eq!(name.as_str(), "region");
    /// }
    /// # Ok::<(), ciclo::Error>(())
    /// ```
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CustomKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_names_give_built_in_kinds() {
        for kind in HierarchyKind::BUILT_IN {
            assert_eq!(HierarchyKind::new(kind.as_str()).unwrap(), kind);
            assert_eq!(kind.to_string().parse::<HierarchyKind>().unwrap(), kind);
        }
    }

    #[test]
    fn custom_names_are_validated() {
        for good in ["franchise", "a", "buying_group_2", &"x".repeat(64)] {
            let kind = HierarchyKind::new(good).unwrap();
            assert_eq!(kind.as_str(), good);
            assert!(matches!(kind, HierarchyKind::Custom(_)));
        }
        for bad in [
            "",
            "Franchise",
            "2nd",
            "_x",
            "a-b",
            "a b",
            "ñandú",
            &"x".repeat(65),
        ] {
            let err = HierarchyKind::new(bad).unwrap_err();
            let Error::InvalidArgument { field, message } = err else {
                panic!("{bad:?}: {err:?}")
            };
            assert_eq!(field, "kind");
            // The name is quoted, clipped to its first 64 bytes.
            assert!(
                message.contains(&format!("`{}", &bad[..bad.len().min(64)])),
                "{message}"
            );
        }
    }

    #[test]
    fn kinds_order_built_ins_first() {
        let mut kinds = [
            HierarchyKind::new("alpha").unwrap(),
            HierarchyKind::Corporate,
            HierarchyKind::Household,
            HierarchyKind::CompanyContacts,
        ];
        kinds.sort();
        let names: Vec<&str> = kinds.iter().map(HierarchyKind::as_str).collect();
        assert_eq!(
            names,
            ["household", "company_contacts", "corporate", "alpha"]
        );
    }

    #[test]
    fn serde_uses_snake_case_strings() {
        let kinds = vec![
            HierarchyKind::Household,
            HierarchyKind::CompanyContacts,
            HierarchyKind::Corporate,
            HierarchyKind::new("franchise").unwrap(),
        ];
        let json = serde_json::to_string(&kinds).unwrap();
        assert_eq!(
            json,
            r#"["household","company_contacts","corporate","franchise"]"#
        );
        let back: Vec<HierarchyKind> = serde_json::from_str(&json).unwrap();
        assert_eq!(back, kinds);
        let err = serde_json::from_str::<HierarchyKind>(r#""Bad Kind""#).unwrap_err();
        assert!(err.to_string().contains("`Bad Kind`"), "{err}");
    }
}
