//! Host attributes: what a customer is (province, income band, BCRA debtor
//! situation, industry, employees), as opposed to what they did.
//!
//! The model declares each attribute with a type ([`AttributeConfig`]):
//! `text`, `number` (optionally bounded), `date` (`YYYY-MM-DD`) or `category`
//! (one of a declared set of values). A customer's attributes are kept in
//! their [`CustomerState`](crate::lifecycle::CustomerState) and set two ways:
//!
//! - **by an event**: an event attribute whose name the model declares sets the
//!   customer's attribute (from the event's time on); other event attributes
//!   (`reason`, `product`...) stay what they were, the event's own. A declared
//!   attribute of the wrong type rejects the whole event, naming it
//!   (`event.attributes.employees`), and nothing changes. A host that wants a
//!   dedicated event declares a custom kind (`profile_updated`) carrying only
//!   attributes;
//! - **by a call**: [`CustomerState::set_attributes`](crate::lifecycle::CustomerState::set_attributes)
//!   (and [`Engine::set_attributes`](crate::Engine::set_attributes)), where a
//!   name the model does not declare is an error too.
//!
//! Values are checked against the declaration: a `number` takes a finite number
//! within its bounds, a `date` a `"YYYY-MM-DD"` string, a `text` a string, a
//! `category` one of its values (a whole number is read as its decimal text, so
//! `3` is the category `"3"`).
//!
//! The BCRA's debtor situation (1 normal ... 6 irrecoverable by technical
//! disposition) is best declared as a `category` with values `"1"` to `"6"`:
//! situations are classes rather than quantities, a condition picks them with
//! `in` (`{"attribute": "credit_situation", "in": ["3", "4", "5", "6"]}` for
//! non-performing debtors), and a value outside 1-6 is refused.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use crate::error::{Error, Result};
use crate::lifecycle::config::{AttributeConfig, AttributeType};
use crate::model::event::AttrValue;
use crate::model::time::Timestamp;

/// Most host attributes a model may declare.
pub const MAX_ATTRIBUTES: usize = 256;
/// Most values a category may declare.
pub const MAX_CATEGORY_VALUES: usize = 1024;
/// Longest text attribute value, in bytes.
pub const MAX_TEXT_VALUE: usize = 1024;

/// A declared attribute, by its position in the model's (name-sorted)
/// declarations.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AttributeId(pub(crate) u16);

impl AttributeId {
    /// Position of the attribute among the model's declarations, sorted by name.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// A set of attributes of a model, by id: a fixed-size bit set (a model
/// declares at most [`MAX_ATTRIBUTES`]), copied without allocating.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct AttributeSet([u64; MAX_ATTRIBUTES / 64]);

impl AttributeSet {
    /// Adds `id`.
    pub fn insert(&mut self, id: AttributeId) {
        self.0[id.index() / 64] |= 1u64 << (id.index() % 64);
    }

    /// Whether `id` is in the set.
    pub fn contains(&self, id: AttributeId) -> bool {
        self.0[id.index() / 64] & (1u64 << (id.index() % 64)) != 0
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.0 == [0; MAX_ATTRIBUTES / 64]
    }

    /// How many attributes the set holds.
    pub fn len(&self) -> usize {
        self.0.iter().map(|w| w.count_ones() as usize).sum()
    }

    /// The attributes, in id order.
    pub fn iter(&self) -> impl Iterator<Item = AttributeId> + '_ {
        self.0.iter().enumerate().flat_map(|(w, &word)| {
            let mut rest = word;
            std::iter::from_fn(move || {
                (rest != 0).then(|| {
                    let bit = rest.trailing_zeros() as usize;
                    rest &= rest - 1;
                    AttributeId((w * 64 + bit) as u16)
                })
            })
        })
    }
}

impl FromIterator<AttributeId> for AttributeSet {
    fn from_iter<I: IntoIterator<Item = AttributeId>>(iter: I) -> AttributeSet {
        let mut set = AttributeSet::default();
        iter.into_iter().for_each(|id| set.insert(id));
        set
    }
}

/// A validated attribute declaration.
#[derive(Clone, Debug, PartialEq)]
pub struct AttributeDecl {
    /// The name.
    pub name: String,
    /// The type.
    pub kind: AttributeType,
    /// A category's values, in declaration order.
    pub values: Vec<String>,
    /// A number's bounds.
    pub min: Option<f64>,
    /// A number's bounds.
    pub max: Option<f64>,
}

/// A customer's value of an attribute, typed as its declaration.
#[derive(Clone, Debug, PartialEq)]
pub enum AttributeValue {
    /// A text.
    Text(Box<str>),
    /// A number.
    Number(f64),
    /// A date, as days since 1970-01-01.
    Date(i32),
    /// A category, as the index of its value in the declaration.
    Category(u16),
}

/// The declared attributes of a model, sorted by name.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AttributeSchema {
    decls: Vec<AttributeDecl>,
    /// The [`name_bit`]s of the declared names, or-ed: a name whose bit is
    /// not set is not declared, known without a search (most attributes an
    /// event carries are its own, not declared ones).
    name_bits: u64,
}

/// One bit of 64 chosen by a name's length and first byte: a one-word
/// filter that rejects most undeclared names at once.
#[inline]
fn name_bit(name: &str) -> u64 {
    let first = name.as_bytes().first().copied().unwrap_or(0) as usize;
    1u64 << ((name.len().wrapping_mul(7).wrapping_add(first)) % 64)
}

impl AttributeSchema {
    /// Validates the declarations (`attributes.<name>` in errors).
    pub(crate) fn compile(config: &BTreeMap<String, AttributeConfig>) -> Result<AttributeSchema> {
        if config.len() > MAX_ATTRIBUTES {
            return Err(Error::config(
                "attributes",
                format!("at most {MAX_ATTRIBUTES} attributes"),
            ));
        }
        let mut decls = Vec::with_capacity(config.len());
        for (name, ac) in config {
            let field = |f: &str| format!("attributes.{name}{f}");
            crate::lifecycle::model::check_name(&field(""), name)?;
            let is = |k| ac.kind == k;
            if !is(AttributeType::Category) && !ac.values.is_empty() {
                return Err(Error::config(
                    field(".values"),
                    "only a category declares values",
                ));
            }
            if !is(AttributeType::Number) && (ac.min.is_some() || ac.max.is_some()) {
                return Err(Error::config(
                    field(if ac.min.is_some() { ".min" } else { ".max" }),
                    "only a number has bounds",
                ));
            }
            for (key, bound) in [(".min", ac.min), (".max", ac.max)] {
                if bound.is_some_and(|b| !b.is_finite()) {
                    return Err(Error::config(field(key), "must be finite"));
                }
            }
            if let (Some(min), Some(max)) = (ac.min, ac.max) {
                if min > max {
                    return Err(Error::config(field(".max"), "is less than min"));
                }
            }
            if is(AttributeType::Category) {
                if ac.values.is_empty() {
                    return Err(Error::config(
                        field(".values"),
                        "a category needs at least one value",
                    ));
                }
                if ac.values.len() > MAX_CATEGORY_VALUES {
                    return Err(Error::config(
                        field(".values"),
                        format!("at most {MAX_CATEGORY_VALUES} values"),
                    ));
                }
                for (i, v) in ac.values.iter().enumerate() {
                    crate::lifecycle::model::check_name(&field(&format!(".values[{i}]")), v)?;
                    if ac.values[..i].contains(v) {
                        return Err(Error::config(
                            field(&format!(".values[{i}]")),
                            format!("duplicate value `{v}`"),
                        ));
                    }
                }
            }
            decls.push(AttributeDecl {
                name: name.clone(),
                kind: ac.kind,
                values: ac.values.clone(),
                min: ac.min,
                max: ac.max,
            });
        }
        let name_bits = decls.iter().fold(0, |m, d| m | name_bit(&d.name));
        Ok(AttributeSchema { decls, name_bits })
    }

    /// Whether no attribute is declared.
    pub fn is_empty(&self) -> bool {
        self.decls.is_empty()
    }

    /// The declarations, sorted by name.
    pub fn decls(&self) -> &[AttributeDecl] {
        &self.decls
    }

    /// The declaration of an attribute.
    pub fn decl(&self, id: AttributeId) -> &AttributeDecl {
        &self.decls[id.index()]
    }

    /// The attribute with this name.
    #[inline]
    pub fn id(&self, name: &str) -> Option<AttributeId> {
        if self.name_bits & name_bit(name) == 0 {
            return None;
        }
        self.decls
            .binary_search_by(|d| d.name.as_str().cmp(name))
            .ok()
            .map(|i| AttributeId(i as u16))
    }

    /// Reads a value given for attribute `id`; `field` names it in errors.
    pub fn read(&self, id: AttributeId, value: &AttrValue, field: &str) -> Result<AttributeValue> {
        let decl = self.decl(id);
        let wrong = |expected: &str| {
            Error::invalid(
                field,
                format!(
                    "attribute `{}` is a {expected}, not {}",
                    decl.name,
                    describe(value)
                ),
            )
        };
        Ok(match decl.kind {
            AttributeType::Text => match value {
                AttrValue::Text(t) => {
                    if t.len() > MAX_TEXT_VALUE {
                        return Err(Error::invalid(
                            field,
                            format!("longer than {MAX_TEXT_VALUE} bytes"),
                        ));
                    }
                    if let Some(problem) = crate::model::event::text_problem(t, true) {
                        return Err(Error::invalid(field, problem));
                    }
                    AttributeValue::Text(t.as_str().into())
                }
                _ => return Err(wrong("text")),
            },
            AttributeType::Number => {
                let n = match value {
                    AttrValue::Integer(i) => *i as f64,
                    AttrValue::Number(n) if n.is_finite() => *n,
                    _ => return Err(wrong("number")),
                };
                if decl.min.is_some_and(|m| n < m) || decl.max.is_some_and(|m| n > m) {
                    return Err(Error::invalid(
                        field,
                        format!(
                            "{n} is outside the bounds of `{}` ({} to {})",
                            decl.name,
                            decl.min.map_or("-inf".into(), |m| m.to_string()),
                            decl.max.map_or("inf".into(), |m| m.to_string())
                        ),
                    ));
                }
                AttributeValue::Number(n)
            }
            AttributeType::Date => match value {
                AttrValue::Text(t) => AttributeValue::Date(parse_date(t).ok_or_else(|| {
                    Error::invalid(
                        field,
                        format!("attribute `{}` is a date written YYYY-MM-DD", decl.name),
                    )
                })?),
                _ => return Err(wrong("date (YYYY-MM-DD)")),
            },
            AttributeType::Category => {
                let text = match value {
                    AttrValue::Text(t) => std::borrow::Cow::Borrowed(t.as_str()),
                    AttrValue::Integer(i) => std::borrow::Cow::Owned(i.to_string()),
                    _ => return Err(wrong("category")),
                };
                let i = decl.values.iter().position(|v| *v == text).ok_or_else(|| {
                    Error::invalid(
                        field,
                        format!(
                            "`{}` is not one of the values of `{}`",
                            crate::model::time::clip(&text),
                            decl.name
                        ),
                    )
                })?;
                AttributeValue::Category(i as u16)
            }
        })
    }

    /// Whether a given value is the stored one (without allocating), so an
    /// event repeating a value changes nothing.
    pub(crate) fn same(&self, id: AttributeId, stored: &AttributeValue, given: &AttrValue) -> bool {
        match (stored, given) {
            (AttributeValue::Text(s), AttrValue::Text(g)) => **s == **g,
            (AttributeValue::Number(s), AttrValue::Number(g)) => s == g,
            (AttributeValue::Number(s), AttrValue::Integer(g)) => *s == *g as f64,
            (AttributeValue::Date(s), AttrValue::Text(g)) => parse_date(g) == Some(*s),
            (AttributeValue::Category(c), AttrValue::Text(g)) => {
                self.decl(id).values[*c as usize] == *g
            }
            (AttributeValue::Category(c), AttrValue::Integer(g)) => {
                use std::io::Write;
                let mut buf = [0u8; 24];
                let len = {
                    let mut cursor = &mut buf[..];
                    let _ = write!(cursor, "{g}");
                    24 - cursor.len()
                };
                self.decl(id).values[*c as usize].as_bytes() == &buf[..len]
            }
            _ => false,
        }
    }

    /// A value in portable form: a number, or a string (a category's value, a
    /// date as `YYYY-MM-DD`).
    pub fn portable(&self, id: AttributeId, value: &AttributeValue) -> AttrValue {
        match value {
            AttributeValue::Text(t) => AttrValue::Text(t.to_string()),
            AttributeValue::Number(n) if n.fract() == 0.0 && n.abs() < 9.0e15 => {
                AttrValue::Integer(*n as i64)
            }
            AttributeValue::Number(n) => AttrValue::Number(*n),
            AttributeValue::Date(d) => AttrValue::Text(format_date(*d)),
            AttributeValue::Category(c) => {
                AttrValue::Text(self.decl(id).values[*c as usize].clone())
            }
        }
    }
}

fn describe(value: &AttrValue) -> &'static str {
    match value {
        AttrValue::Bool(_) => "a boolean",
        AttrValue::Integer(_) | AttrValue::Number(_) => "a number",
        AttrValue::Text(_) => "a string",
    }
}

/// Days since 1970-01-01 of a `YYYY-MM-DD` date (years 0001-9999), without
/// allocating.
pub(crate) fn parse_date(text: &str) -> Option<i32> {
    let b = text.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        b[r].iter().try_fold(0i64, |n, &c| {
            c.is_ascii_digit().then(|| n * 10 + (c - b'0') as i64)
        })
    };
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let month_days = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    if y < 1 || !(1..=12).contains(&m) || d < 1 || d > month_days[(m - 1) as usize] {
        return None;
    }
    // Days from civil (Howard Hinnant's algorithm).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some((era * 146_097 + doe - 719_468) as i32)
}

/// `YYYY-MM-DD` of days since 1970-01-01.
pub(crate) fn format_date(days: i32) -> String {
    let at = Timestamp::from_millis(days as i64 * crate::model::time::MS_PER_DAY, "date")
        .expect("dates are within the timestamp range");
    at.to_rfc3339()[..10].to_string()
}

/// Compares a customer's value with a condition's constant of the same type.
pub(crate) fn compare(a: &AttributeValue, b: &AttributeValue) -> Option<Ordering> {
    match (a, b) {
        (AttributeValue::Number(x), AttributeValue::Number(y)) => x.partial_cmp(y),
        (AttributeValue::Date(x), AttributeValue::Date(y)) => Some(x.cmp(y)),
        (AttributeValue::Text(x), AttributeValue::Text(y)) => Some(x.cmp(y)),
        (AttributeValue::Category(x), AttributeValue::Category(y)) => Some(x.cmp(y)),
        _ => None,
    }
}

/// What a customer is: their attributes, and the segments they are in with
/// the moment they entered each. Kept boxed in the state, absent until the
/// customer has an attribute or a segment.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Profile {
    /// Values by attribute, sorted by attribute id.
    pub(crate) values: Box<[(AttributeId, AttributeValue)]>,
    /// Segments the customer is in, with their entry time.
    pub(crate) segments: Memberships,
}

/// The segments a customer is in: a bit mask (bit `i` for segment `i`), read
/// on every evaluation without walking a list, and the entry times, sorted
/// by segment id. Up to two memberships are held inline in the profile: a
/// customer entering or leaving a segment allocates nothing unless they are
/// in more than two.
///
/// Two memberships are equal when they hold the same segments with the same
/// entry times (`fresh`, a cache, is not compared).
#[derive(Clone, Debug, Default)]
pub(crate) struct Memberships {
    /// Bit `i` set when the customer is in segment `i`.
    bits: u64,
    /// The memberships, sorted by segment id, one per bit of `bits`.
    list: smallvec::SmallVec<[(crate::lifecycle::segments::SegmentId, Timestamp); 2]>,
    /// Bit `i` set when segment `i`, whose only clock metric is
    /// `days_since_last_activity`, was last evaluated at a moment when that
    /// metric was 0 (at the customer's last activity). A set bit means the
    /// watermark is the last activity, and an event keeps them equal, so
    /// after it the metric is 0 again and the outcome can only differ if
    /// something else it reads changed, which the event path evaluates
    /// anyway: such a segment is not evaluated again after an event while
    /// its bit is set. Cleared by an evaluation at a later moment (a tick
    /// that moves the customer, a refresh); unknown (0) in a state read from
    /// a snapshot or a record.
    pub(crate) fresh: u64,
}

impl PartialEq for Memberships {
    fn eq(&self, other: &Memberships) -> bool {
        self.bits == other.bits && self.list == other.list
    }
}

impl Memberships {
    /// Memberships from a list sorted by segment id, without repeats.
    pub(crate) fn from_sorted(
        list: Vec<(crate::lifecycle::segments::SegmentId, Timestamp)>,
    ) -> Memberships {
        let bits = list.iter().fold(0, |m, (s, _)| m | 1u64 << s.index());
        Memberships {
            bits,
            list: smallvec::SmallVec::from_vec(list),
            fresh: 0,
        }
    }

    /// The segments, as bits.
    #[inline]
    pub(crate) fn bits(&self) -> u64 {
        self.bits
    }

    /// The memberships, sorted by segment id.
    #[inline]
    pub(crate) fn as_slice(&self) -> &[(crate::lifecycle::segments::SegmentId, Timestamp)] {
        &self.list
    }

    /// Whether the customer is in no segment.
    #[inline]
    pub(crate) fn is_empty(&self) -> bool {
        self.bits == 0
    }

    /// Leaves the segments of `left` and enters those of `entered` at `at`
    /// (disjoint from the current ones), keeping the others' entry times.
    pub(crate) fn change(&mut self, entered: u64, left: u64, at: Timestamp) {
        debug_assert!(
            entered & self.bits == 0 && left & !self.bits == 0,
            "enters only new segments and leaves only current ones"
        );
        if left != 0 {
            self.list.retain(|(s, _)| left & (1u64 << s.index()) == 0);
        }
        let mut rest = entered;
        while rest != 0 {
            let i = rest.trailing_zeros() as u16;
            rest &= rest - 1;
            let id = crate::lifecycle::segments::SegmentId(i);
            let pos = self.list.partition_point(|(s, _)| *s < id);
            self.list.insert(pos, (id, at));
        }
        self.bits = (self.bits & !left) | entered;
    }

    /// Bytes on the heap beyond the profile (none up to two memberships).
    fn heap_bytes(&self) -> usize {
        if self.list.spilled() {
            self.list.capacity()
                * std::mem::size_of::<(crate::lifecycle::segments::SegmentId, Timestamp)>()
        } else {
            0
        }
    }
}

impl Profile {
    /// The value of an attribute, if the customer has it.
    pub fn get(&self, id: AttributeId) -> Option<&AttributeValue> {
        self.values
            .binary_search_by_key(&id, |(a, _)| *a)
            .ok()
            .map(|i| &self.values[i].1)
    }

    /// The attributes, sorted by attribute id.
    pub fn values(&self) -> &[(AttributeId, AttributeValue)] {
        &self.values
    }

    /// The segments the customer is in, with when they entered, sorted by
    /// segment id.
    pub fn segments(&self) -> &[(crate::lifecycle::segments::SegmentId, Timestamp)] {
        self.segments.as_slice()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.values.is_empty() && self.segments.is_empty()
    }

    /// Sets (`Some`) or removes (`None`) values; answers whether anything
    /// changed. Allocates only when something does.
    pub(crate) fn update(&mut self, changes: &[(AttributeId, Option<AttributeValue>)]) -> bool {
        let differs = changes.iter().any(|(id, v)| self.get(*id) != v.as_ref());
        if !differs {
            return false;
        }
        // Values replaced in place, without allocating, when every change
        // sets an attribute the customer has.
        let in_place = changes.iter().all(|(id, v)| {
            v.is_some() && self.values.binary_search_by_key(id, |(a, _)| *a).is_ok()
        });
        if in_place {
            for (id, v) in changes {
                if let (Ok(i), Some(v)) = (self.values.binary_search_by_key(id, |(a, _)| *a), v) {
                    self.values[i].1.clone_from(v);
                }
            }
            return true;
        }
        let mut values: Vec<(AttributeId, AttributeValue)> = std::mem::take(&mut self.values)
            .into_vec()
            .into_iter()
            .filter(|(id, _)| !changes.iter().any(|(c, _)| c == id))
            .collect();
        // The last change of an attribute given twice wins.
        for (i, (id, v)) in changes.iter().enumerate() {
            if changes[i + 1..].iter().any(|(c, _)| c == id) {
                continue;
            }
            if let Some(v) = v {
                values.push((*id, v.clone()));
            }
        }
        values.sort_by_key(|(id, _)| *id);
        self.values = values.into_boxed_slice();
        true
    }

    pub(crate) fn heap_bytes(&self) -> usize {
        std::mem::size_of::<Profile>()
            + self.values.len() * std::mem::size_of::<(AttributeId, AttributeValue)>()
            + self
                .values
                .iter()
                .map(|(_, v)| match v {
                    AttributeValue::Text(t) => t.len(),
                    _ => 0,
                })
                .sum::<usize>()
            + self.segments.heap_bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip() {
        for text in [
            "1970-01-01",
            "2026-02-28",
            "0001-01-01",
            "9999-12-31",
            "1969-07-20",
        ] {
            assert_eq!(format_date(parse_date(text).unwrap()), text);
        }
        for bad in [
            "2026-2-28",
            "2026-02-30",
            "26-02-2026",
            "2026-02-28T00:00:00Z",
            "",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn update_changes_only_what_differs() {
        let mut p = Profile::default();
        let (a, b) = (AttributeId(0), AttributeId(1));
        assert!(p.update(&[(b, Some(AttributeValue::Number(3.0)))]));
        assert!(!p.update(&[(b, Some(AttributeValue::Number(3.0)))]));
        assert!(p.update(&[
            (a, Some(AttributeValue::Date(5))),
            (b, None),
            (a, Some(AttributeValue::Date(6)))
        ]));
        assert_eq!(p.values(), &[(a, AttributeValue::Date(6))]);
        assert!(!p.update(&[(b, None)]));
    }
}
