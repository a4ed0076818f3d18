//! The truth beyond the person: which corruptions a record carries, and how a
//! person who must not be merged is related to someone written before.

use std::fmt;

/// One way a record departs from the person it was written from: a
/// corruption of a duplicate, a field left out, or a form the standardiser
/// is known to misread.
///
/// Every record carries its [`Corruptions`] (originals too: a field left out
/// of a first record is as much a reason for a missed pair as one left out of
/// a copy). A corruption is listed only when it changed the record: an
/// upper-cased copy of an upper-case name, or a missing field that was
/// already empty, is not.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u8)]
pub enum Corruption {
    /// The given name replaced by a nickname or another form of it (`Bill`
    /// for `William`, `Peggy` for `Margaret`, `Gwilym` for `William`, `Pepe`
    /// for `José`).
    Nickname,
    /// One edit in a name or the street: a neighbouring key, a letter lost or
    /// doubled, two letters swapped.
    Typo,
    /// A misread scan in a name: `rn` for `m`, `1` for `l`, `0` for `O`, `cl`
    /// for `d`.
    Ocr,
    /// A name spelt as it sounds, another way: `Smyth` for `Smith`, `Thomson`
    /// for `Thompson`, `Philips` for `Phillips`.
    Phonetic,
    /// Accents and tildes lost (`Munoz` for `Muñoz`).
    Accents,
    /// Names and address in upper case.
    Case,
    /// Given name and surname typed in each other's field.
    SwappedNames,
    /// The surname typed in the given-name field, the surname field empty.
    SurnameInGiven,
    /// The whole name (`John Smith`) in the given-name field, the surname
    /// field empty.
    FullNameInGiven,
    /// The given name left out.
    MissingGiven,
    /// The surname left out.
    MissingSurname,
    /// A placeholder where the given name should be: `Resident`, `Baby`,
    /// `Girl`, `Unknown`, `Sir`, `Mr`.
    Placeholder,
    /// A title typed before the given name (`Mr John`, `Mrs. Mary`).
    Title,
    /// An initial instead of the given name (`J.`, `J`).
    Initial,
    /// The middle name or its initial written after the given name (`John
    /// Michael`, `John M.`).
    MiddleName,
    /// Another surname: a woman's after marriage (or before it), sometimes
    /// double-barrelled.
    MarriedName,
    /// The second surname left out (Spain, Argentina).
    SecondSurnameDropped,
    /// The two surnames in the other order (Spain, Argentina).
    SurnamesSwapped,
    /// One digit of the birth date wrong.
    BirthDigit,
    /// Day and month of the birth date swapped.
    BirthDayMonth,
    /// The birth year off (by one, or by ten).
    BirthYear,
    /// A birth date written month first (`03/04/1986` for 4 March, as in the
    /// United States) where both readings are dates: the standardiser reads
    /// day first and gets another date.
    MonthFirst,
    /// The birth date left out.
    MissingBirthDate,
    /// The person moved house: another street, often another town.
    Moved,
    /// Another phone number.
    NewPhone,
    /// One digit of the phone number wrong.
    PhoneDigit,
    /// The phone left out.
    MissingPhone,
    /// The email written otherwise: case, dots in a Gmail address, a misspelt
    /// provider.
    EmailForm,
    /// Another email address.
    NewEmail,
    /// The email left out.
    MissingEmail,
    /// One digit of the national identifier wrong.
    IdDigit,
    /// The national identifier left out.
    MissingId,
    /// The street line left out.
    MissingStreet,
    /// The postal code left out.
    MissingPostcode,
    /// The locality (city, town) left out.
    MissingLocality,
    /// The province, state or county left out.
    MissingProvince,
    /// The country left out.
    MissingCountry,
}

impl Corruption {
    /// Every corruption, in declaration order.
    pub const ALL: [Corruption; 37] = [
        Corruption::Nickname,
        Corruption::Typo,
        Corruption::Ocr,
        Corruption::Phonetic,
        Corruption::Accents,
        Corruption::Case,
        Corruption::SwappedNames,
        Corruption::SurnameInGiven,
        Corruption::FullNameInGiven,
        Corruption::MissingGiven,
        Corruption::MissingSurname,
        Corruption::Placeholder,
        Corruption::Title,
        Corruption::Initial,
        Corruption::MiddleName,
        Corruption::MarriedName,
        Corruption::SecondSurnameDropped,
        Corruption::SurnamesSwapped,
        Corruption::BirthDigit,
        Corruption::BirthDayMonth,
        Corruption::BirthYear,
        Corruption::MonthFirst,
        Corruption::MissingBirthDate,
        Corruption::Moved,
        Corruption::NewPhone,
        Corruption::PhoneDigit,
        Corruption::MissingPhone,
        Corruption::EmailForm,
        Corruption::NewEmail,
        Corruption::MissingEmail,
        Corruption::IdDigit,
        Corruption::MissingId,
        Corruption::MissingStreet,
        Corruption::MissingPostcode,
        Corruption::MissingLocality,
        Corruption::MissingProvince,
        Corruption::MissingCountry,
    ];

    /// The label in snake case: `nickname`, `missing_birth_date`, ...
    pub fn as_str(self) -> &'static str {
        match self {
            Corruption::Nickname => "nickname",
            Corruption::Typo => "typo",
            Corruption::Ocr => "ocr",
            Corruption::Phonetic => "phonetic",
            Corruption::Accents => "accents",
            Corruption::Case => "case",
            Corruption::SwappedNames => "swapped_names",
            Corruption::SurnameInGiven => "surname_in_given",
            Corruption::FullNameInGiven => "full_name_in_given",
            Corruption::MissingGiven => "missing_given",
            Corruption::MissingSurname => "missing_surname",
            Corruption::Placeholder => "placeholder",
            Corruption::Title => "title",
            Corruption::Initial => "initial",
            Corruption::MiddleName => "middle_name",
            Corruption::MarriedName => "married_name",
            Corruption::SecondSurnameDropped => "second_surname_dropped",
            Corruption::SurnamesSwapped => "surnames_swapped",
            Corruption::BirthDigit => "birth_digit",
            Corruption::BirthDayMonth => "birth_day_month",
            Corruption::BirthYear => "birth_year",
            Corruption::MonthFirst => "month_first",
            Corruption::MissingBirthDate => "missing_birth_date",
            Corruption::Moved => "moved",
            Corruption::NewPhone => "new_phone",
            Corruption::PhoneDigit => "phone_digit",
            Corruption::MissingPhone => "missing_phone",
            Corruption::EmailForm => "email_form",
            Corruption::NewEmail => "new_email",
            Corruption::MissingEmail => "missing_email",
            Corruption::IdDigit => "id_digit",
            Corruption::MissingId => "missing_id",
            Corruption::MissingStreet => "missing_street",
            Corruption::MissingPostcode => "missing_postcode",
            Corruption::MissingLocality => "missing_locality",
            Corruption::MissingProvince => "missing_province",
            Corruption::MissingCountry => "missing_country",
        }
    }

    /// The corruption with this label ([`Corruption::as_str`]).
    pub fn from_name(name: &str) -> Option<Corruption> {
        Corruption::ALL.into_iter().find(|c| c.as_str() == name)
    }
}

impl fmt::Display for Corruption {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The corruptions a record carries: a small set of [`Corruption`]s.
///
/// ```
/// use ciclo::synthetic::{Corruption, Corruptions};
///
/// let mut c = Corruptions::default();
/// c.insert(Corruption::Typo);
/// c.insert(Corruption::Nickname);
/// assert!(c.contains(Corruption::Typo));
/// assert_eq!(c.len(), 2);
/// // Listed in declaration order.
/// assert_eq!(c.iter().collect::<Vec<_>>(), [Corruption::Nickname, Corruption::Typo]);
/// assert_eq!(c.to_string(), "nickname|typo");
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Corruptions(u64);

impl Corruptions {
    /// Adds a corruption.
    pub fn insert(&mut self, c: Corruption) {
        self.0 |= 1 << (c as u8);
    }

    /// Takes a corruption away.
    pub fn remove(&mut self, c: Corruption) {
        self.0 &= !(1 << (c as u8));
    }

    /// Whether the set holds `c`.
    pub fn contains(self, c: Corruption) -> bool {
        self.0 & (1 << (c as u8)) != 0
    }

    /// Whether the record carries no corruption.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// How many corruptions.
    pub fn len(self) -> usize {
        self.0.count_ones() as usize
    }

    /// The corruptions of either set.
    pub fn union(self, other: Corruptions) -> Corruptions {
        Corruptions(self.0 | other.0)
    }

    /// The corruptions, in declaration order.
    pub fn iter(self) -> impl Iterator<Item = Corruption> {
        Corruption::ALL
            .into_iter()
            .filter(move |&c| self.contains(c))
    }
}

impl FromIterator<Corruption> for Corruptions {
    fn from_iter<I: IntoIterator<Item = Corruption>>(iter: I) -> Corruptions {
        let mut set = Corruptions::default();
        for c in iter {
            set.insert(c);
        }
        set
    }
}

impl fmt::Display for Corruptions {
    /// The labels joined by `|` (empty when there are none).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, c) in self.iter().enumerate() {
            if i > 0 {
                f.write_str("|")?;
            }
            f.write_str(c.as_str())?;
        }
        Ok(())
    }
}

/// How a person who must not be merged is related to someone written before
/// them: the hard negatives.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Relation {
    /// A spouse: same address and landline, often the same surname.
    Spouse,
    /// A child (or parent) with another given name, at the same address.
    Child,
    /// A brother or sister, at the same address.
    Sibling,
    /// A parent and child with the same given name and surname at one
    /// address (`John Smith` and `John Smith Jr.`).
    Junior,
    /// A twin: same birth date, surname and address, another given name.
    Twin,
    /// A household member whose form carries another member's national
    /// identifier (a US SSN copied onto a child's or spouse's form): the
    /// identifier identical, given name and birth date different.
    SharedId,
    /// Someone with the same given name and surname, and nothing else in
    /// common (but sometimes the town).
    Namesake,
}

impl Relation {
    /// Every relation, in declaration order.
    pub const ALL: [Relation; 7] = [
        Relation::Spouse,
        Relation::Child,
        Relation::Sibling,
        Relation::Junior,
        Relation::Twin,
        Relation::SharedId,
        Relation::Namesake,
    ];

    /// `spouse`, `child`, `sibling`, `junior`, `twin`, `shared_id` or
    /// `namesake`.
    pub fn as_str(self) -> &'static str {
        match self {
            Relation::Spouse => "spouse",
            Relation::Child => "child",
            Relation::Sibling => "sibling",
            Relation::Junior => "junior",
            Relation::Twin => "twin",
            Relation::SharedId => "shared_id",
            Relation::Namesake => "namesake",
        }
    }

    /// Whether the two live together (every relation but
    /// [`Relation::Namesake`]).
    pub fn household(self) -> bool {
        self != Relation::Namesake
    }
}

impl fmt::Display for Relation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
