//! Money: integer minor units with an ISO 4217 currency code. Never floating point.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::{Error, Result};

/// An ISO 4217 currency code: three ASCII upper-case letters (`ARS`, `EUR`, `USD`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Currency([u8; 3]);

impl Currency {
    /// Parses a currency code. Lower case is accepted and upper-cased.
    pub fn parse(code: &str, field: &str) -> Result<Currency> {
        let bytes = code.as_bytes();
        if bytes.len() == 3 && bytes.iter().all(u8::is_ascii_alphabetic) {
            let mut c = [0u8; 3];
            for (dst, src) in c.iter_mut().zip(bytes) {
                *dst = src.to_ascii_uppercase();
            }
            Ok(Currency(c))
        } else {
            Err(Error::InvalidAmount {
                field: field.to_string(),
                message: format!(
                    "`{}` is not an ISO 4217 currency code (three letters)",
                    crate::model::time::clip(code)
                ),
            })
        }
    }

    /// The code as a string slice.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).expect("currency codes are ASCII")
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Currency {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Currency {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        use serde::de::Error as _;
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Currency::parse(&text, "currency").map_err(D::Error::custom)
    }
}

/// An amount of money: minor units (cents, centavos) and a currency.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Money {
    /// Amount in minor units of the currency (12550 ARS means ARS 125.50).
    pub minor: i64,
    /// The currency.
    pub currency: Currency,
}

impl Money {
    /// A non-negative amount; `field` names the amount in errors.
    pub fn non_negative(minor: i64, currency: Currency, field: &str) -> Result<Money> {
        if minor < 0 {
            return Err(Error::InvalidAmount {
                field: field.to_string(),
                message: format!("{minor} is negative; amounts are minor units >= 0"),
            });
        }
        Ok(Money { minor, currency })
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.currency, self.minor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn currency_codes() {
        assert_eq!(Currency::parse("ars", "c").unwrap().as_str(), "ARS");
        assert!(Currency::parse("AR", "c").is_err());
        assert!(Currency::parse("A$S", "c").is_err());
        assert!(Currency::parse("ÑAR", "c").is_err());
    }

    #[test]
    fn negative_amounts_are_rejected() {
        let ars = Currency::parse("ARS", "c").unwrap();
        let err = Money::non_negative(-1, ars, "event.amount").unwrap_err();
        assert!(err.to_string().contains("event.amount"));
    }
}
