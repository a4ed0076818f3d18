//! The English-speaking population: British and American people, their
//! names, identifiers (a US Social Security number, a British National
//! Insurance number), phones, emails and homes, and the housemates and
//! namesakes who must not be merged.

use super::*;
use crate::synthetic::tables_en::{self, Town};

/// A British or American national identifier.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum EnId {
    /// None known: most British people, some Americans.
    None,
    /// A US Social Security number, nine digits: area 001 to 899 but 666,
    /// group 01 to 99, serial 0001 to 9999. It has no check digit.
    Ssn(u32),
    /// A British National Insurance number: two prefix letters, six digits,
    /// a suffix letter from `A` to `D`.
    Nino([u8; 2], u32, u8),
}

/// A phone number: ten digits without the trunk prefix (the United States'
/// area code and number, the United Kingdom's number without its 0), and the
/// length of the area code (three in the United States; two to four in the
/// United Kingdom, one for a mobile's `7`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct EnPhone {
    pub(super) digits: u64,
    pub(super) area_len: u8,
}

/// Where a British or American person lives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct EnHome {
    pub(super) town: u16,
    pub(super) street: u16,
    pub(super) street_type: u8,
    /// `N`, `S`, `E` or `W` before an American street name, or 0.
    pub(super) direction: u8,
    pub(super) number: u16,
    /// A flat or apartment: the number and a letter (or 0).
    pub(super) unit: Option<(u16, u8)>,
    /// The ZIP code and its +4 (United States), or the postcode (United
    /// Kingdom: `SW1 2AB`, in `postcode`).
    pub(super) zip: u32,
    pub(super) plus4: u16,
    pub(super) postcode: Box<str>,
}

/// A British or American person as they are: the truth that records are
/// written from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct EnPerson {
    pub(super) us: bool,
    pub(super) female: bool,
    pub(super) given: &'static str,
    pub(super) middle: Option<&'static str>,
    /// The surname: a name of the tables, or a double-barrelled one.
    pub(super) surname: Box<str>,
    /// `Jr.` after a son's surname: shown on every record of his, or none.
    pub(super) suffix: Option<&'static str>,
    pub(super) birth: (u16, u8, u8),
    pub(super) id: EnId,
    pub(super) email: Box<str>,
    pub(super) mobile: EnPhone,
    pub(super) landline: Option<EnPhone>,
    pub(super) home: EnHome,
}

/// The towns of a country.
pub(super) fn towns(us: bool) -> &'static [Town] {
    if us {
        tables_en::US_TOWNS
    } else {
        tables_en::UK_TOWNS
    }
}

impl Generator {
    /// Someone new of the English-speaking population, unrelated to anyone.
    pub(super) fn en_fresh(&mut self, us: bool) -> EnPerson {
        let female = self.rng.chance(0.52);
        let given = self.en_given(us, female);
        let surname = self.en_surname(us);
        let birth = self.birth_date(FIRST_YEAR, LAST_YEAR);
        let home = self.en_home(us, None);
        self.en_person(us, female, given, surname.into(), birth, home)
    }

    /// A person with a middle name (most Americans, many Britons), an
    /// identifier, an email, a mobile and sometimes a landline.
    pub(super) fn en_person(
        &mut self,
        us: bool,
        female: bool,
        given: &'static str,
        surname: Box<str>,
        birth: (u16, u8, u8),
        home: EnHome,
    ) -> EnPerson {
        let middle = if self.rng.chance(if us { 0.7 } else { 0.45 }) {
            Some(self.en_other_given(us, female, given))
        } else {
            None
        };
        let id = self.en_id(us);
        let email = self.en_email(given, &surname, birth.0, us);
        let mobile = self.en_phone(us, home.town, true);
        let landline = if self.rng.chance(0.3) {
            Some(self.en_phone(us, home.town, false))
        } else {
            None
        };
        EnPerson {
            us,
            female,
            given,
            middle,
            surname,
            suffix: None,
            birth,
            id,
            email: email.into_boxed_str(),
            mobile,
            landline,
            home,
        }
    }

    /// Someone living with `anchor`: a spouse, a child, a sibling, a son
    /// with his father's name (a mother's, a daughter's), a twin, or a spouse
    /// or child whose form carries the anchor's Social Security number.
    pub(super) fn en_housemate(&mut self, anchor: &EnPerson) -> (EnPerson, Relation) {
        let us = anchor.us;
        let anchor_year = u32::from(anchor.birth.0);
        let mut kind = self.rng.choose(&[33, 25, 10, 10, 8, 14]);
        if kind == 5 && !matches!(anchor.id, EnId::Ssn(_)) {
            kind = 0;
        }
        let child_year = anchor_year + self.rng.range(20, 38);
        let relation = match kind {
            1 if child_year <= LAST_YEAR => Relation::Child,
            1 | 2 => Relation::Sibling,
            3 => Relation::Junior,
            4 => Relation::Twin,
            5 => Relation::SharedId,
            _ => Relation::Spouse,
        };
        let spouse = |g: &mut Generator| {
            let female = !anchor.female;
            let given = g.en_given(us, female);
            // Most wives take the husband's surname.
            let surname: Box<str> = if g.rng.chance(0.7) {
                anchor.surname.clone()
            } else {
                g.en_surname(us).into()
            };
            let year = (anchor_year + g.rng.range(0, 12))
                .saturating_sub(6)
                .clamp(FIRST_YEAR, LAST_YEAR);
            (female, given, surname, g.birth_date(year, year))
        };
        let (female, given, surname, birth) = match relation {
            Relation::Child => {
                let female = self.rng.chance(0.5);
                let given = self.en_other_given(us, female, anchor.given);
                let birth = self.birth_date(child_year, child_year);
                (female, given, anchor.surname.clone(), birth)
            }
            Relation::Sibling => {
                let female = self.rng.chance(0.5);
                let given = self.en_other_given(us, female, anchor.given);
                let year = (anchor_year + self.rng.range(0, 24))
                    .saturating_sub(12)
                    .clamp(FIRST_YEAR, LAST_YEAR);
                let birth = self.birth_date(year, year);
                (female, given, anchor.surname.clone(), birth)
            }
            Relation::Junior => {
                // The child when young enough, else the parent.
                let year = if child_year <= LAST_YEAR {
                    child_year
                } else {
                    anchor_year
                        .saturating_sub(self.rng.range(20, 38))
                        .max(FIRST_YEAR)
                };
                let birth = self.birth_date(year, year);
                (anchor.female, anchor.given, anchor.surname.clone(), birth)
            }
            Relation::Twin => {
                let female = self.rng.chance(0.5);
                let given = self.en_other_given(us, female, anchor.given);
                (female, given, anchor.surname.clone(), anchor.birth)
            }
            Relation::SharedId if self.rng.chance(0.5) && child_year <= LAST_YEAR => {
                let female = self.rng.chance(0.5);
                let given = self.en_other_given(us, female, anchor.given);
                let birth = self.birth_date(child_year, child_year);
                (female, given, anchor.surname.clone(), birth)
            }
            _ => spouse(self),
        };
        let mut p = self.en_person(us, female, given, surname, birth, anchor.home.clone());
        p.landline = anchor.landline.or(p.landline);
        if self.rng.chance(0.25) {
            // One phone for the family (a child's form with a parent's
            // number, a couple's shared mobile).
            p.mobile = anchor.mobile;
        }
        match relation {
            Relation::Junior if u32::from(birth.0) > anchor_year && us && self.rng.chance(0.4) => {
                p.suffix = Some("Jr.");
            }
            Relation::SharedId => p.id = anchor.id,
            _ => {}
        }
        if self.rng.chance(0.12) {
            // A family email.
            p.email = anchor.email.clone();
        }
        (p, relation)
    }

    /// Someone with `anchor`'s given name and surname and nothing else in
    /// common (but, now and then, the town).
    pub(super) fn en_namesake(&mut self, anchor: &EnPerson) -> EnPerson {
        let us = anchor.us;
        let birth = self.birth_date(FIRST_YEAR, LAST_YEAR);
        let near = if self.rng.chance(0.4) {
            Some(anchor.home.town)
        } else {
            None
        };
        let home = self.en_home(us, near);
        self.en_person(
            us,
            anchor.female,
            anchor.given,
            anchor.surname.clone(),
            birth,
            home,
        )
    }

    pub(super) fn en_given(&mut self, us: bool, female: bool) -> &'static str {
        let list = match (us, female) {
            (false, false) => tables_en::UK_MALE,
            (false, true) => tables_en::UK_FEMALE,
            (true, false) => tables_en::US_MALE,
            (true, true) => tables_en::US_FEMALE,
        };
        let w = 2 * usize::from(us) + usize::from(female);
        list[self.rng.weighted(&self.weights.en_given[w])]
    }

    /// A given name other than `not` (a middle name, a sibling's).
    pub(super) fn en_other_given(&mut self, us: bool, female: bool, not: &str) -> &'static str {
        loop {
            let g = self.en_given(us, female);
            if g != not {
                return g;
            }
        }
    }

    pub(super) fn en_surname(&mut self, us: bool) -> &'static str {
        let list = if us {
            tables_en::US_SURNAMES
        } else {
            tables_en::UK_SURNAMES
        };
        list[self
            .rng
            .weighted(&self.weights.en_surnames[usize::from(us)])]
    }

    /// An identifier: a Social Security number for 90% of Americans, a
    /// National Insurance number for 30% of Britons; unique.
    fn en_id(&mut self, us: bool) -> EnId {
        if us {
            if !self.rng.chance(0.9) {
                return EnId::None;
            }
            loop {
                let area = self.rng.range(1, 899);
                if area == 666 {
                    continue;
                }
                let ssn =
                    area * 1_000_000 + self.rng.range(1, 99) * 10_000 + self.rng.range(1, 9999);
                if self.claim(7, u64::from(ssn)) {
                    return EnId::Ssn(ssn);
                }
            }
        }
        if !self.rng.chance(0.3) {
            return EnId::None;
        }
        const FIRST: &[u8] = b"ABCEGHJKLMNOPRSTWXYZ";
        const SECOND: &[u8] = b"ABCEGHJKLMNPRSTWXYZ";
        loop {
            let prefix = [*self.rng.pick(FIRST), *self.rng.pick(SECOND)];
            if matches!(
                &prefix,
                b"BG" | b"GB" | b"KN" | b"NK" | b"NT" | b"TN" | b"ZZ"
            ) {
                continue;
            }
            let number = self.rng.range(0, 999_999);
            let suffix = b'A' + self.rng.below(4) as u8;
            let value = u64::from(prefix[0]) << 40 | u64::from(prefix[1]) << 32 | u64::from(number);
            if self.claim(8, value) {
                return EnId::Nino(prefix, number, suffix);
            }
        }
    }

    /// An email made from the name, unique.
    pub(super) fn en_email(&mut self, given: &str, surname: &str, year: u16, us: bool) -> String {
        let g = fold_word(given);
        let s = fold_word(surname);
        let gi = &g[..g.chars().next().map_or(0, char::len_utf8)];
        let yy = year % 100;
        let mut local = String::with_capacity(24);
        match self.rng.choose(&[25, 14, 6, 12, 8, 10, 5, 5, 5, 6, 4]) {
            0 => write!(local, "{g}.{s}"),
            1 => write!(local, "{g}{s}"),
            2 => write!(local, "{g}_{s}"),
            3 => write!(local, "{gi}{s}"),
            4 => write!(local, "{g}.{s}{yy:02}"),
            5 => write!(local, "{g}{s}{}", self.rng.range(1, 999)),
            6 => write!(local, "{s}.{g}"),
            7 => write!(local, "{s}{gi}"),
            8 => write!(local, "{gi}.{s}"),
            9 => write!(local, "{gi}{s}{yy:02}"),
            _ => write!(local, "{g}{year}"),
        }
        .expect("writing to a String");
        let providers = if us {
            tables_en::US_PROVIDERS
        } else {
            tables_en::UK_PROVIDERS
        };
        let provider = providers[self
            .rng
            .weighted(&self.weights.en_providers[usize::from(us)])]
        .0;
        // Gmail ignores dots: `gary.hill` and `garyhill` are one mailbox,
        // one person.
        let mailbox = |local: &str| {
            let key = if provider == "gmail.com" {
                local.replace('.', "")
            } else {
                local.to_string()
            };
            fnv(format!("{key}@{provider}").as_bytes())
        };
        let mut email = format!("{local}@{provider}");
        let mut key = mailbox(&local);
        while !self.claim(4, key) {
            let numbered = format!("{local}{}", self.rng.range(1, 9999));
            key = mailbox(&numbered);
            email = format!("{numbered}@{provider}");
        }
        email
    }

    /// A phone number in the person's town (a mobile anywhere), unique.
    pub(super) fn en_phone(&mut self, us: bool, town: u16, mobile: bool) -> EnPhone {
        let t = &towns(us)[usize::from(town)];
        loop {
            let phone = if us {
                // Americans keep their mobile's area code when they move,
                // and a mobile looks like a landline.
                let area: u64 = self.rng.pick(t.phone).parse().expect("an area code");
                let exchange = loop {
                    let e = self.rng.range(200, 999);
                    if e % 100 != 11 && e != 555 {
                        break e;
                    }
                };
                EnPhone {
                    digits: area * 10_000_000
                        + u64::from(exchange) * 10_000
                        + self.rng.below(10_000),
                    area_len: 3,
                }
            } else if mobile {
                EnPhone {
                    digits: 7_000_000_000
                        + self.rng.range(4, 9) as u64 * 100_000_000
                        + self.rng.below(100_000_000),
                    area_len: 1,
                }
            } else {
                let area = *self.rng.pick(t.phone);
                let local = if t.local.is_empty() {
                    self.rng.range(2, 9).to_string()
                } else {
                    (*self.rng.pick(t.local)).to_string()
                };
                let rest = 10 - area.len() - local.len();
                let mut digits = format!("{area}{local}");
                let tail = self.rng.below(10u64.pow(rest as u32));
                let _ = write!(digits, "{tail:0rest$}");
                EnPhone {
                    digits: digits.parse().expect("digits"),
                    area_len: area.len() as u8,
                }
            };
            if self.claim(9 + u8::from(us), phone.digits) {
                return phone;
            }
        }
    }

    /// A home, in the town `near` when given.
    pub(super) fn en_home(&mut self, us: bool, near: Option<u16>) -> EnHome {
        let c = usize::from(us);
        let town = match near {
            Some(t) => t,
            None => self.rng.weighted(&self.weights.en_towns[c]) as u16,
        };
        let t = &towns(us)[usize::from(town)];
        let street = self.rng.weighted(&self.weights.en_streets[c]) as u16;
        let street_type = self.rng.weighted(&self.weights.en_street_types[c]) as u8;
        if us {
            let direction = if self.rng.chance(0.15) {
                *self.rng.pick(b"NSEW")
            } else {
                0
            };
            let number = (self.rng.range(1, 120) * self.rng.range(1, 80)) as u16;
            let unit = if self.rng.chance(0.25) {
                let n = self.rng.range(1, 40) as u16;
                let letter = if self.rng.chance(0.3) {
                    b'A' + self.rng.below(6) as u8
                } else {
                    0
                };
                Some((n, letter))
            } else {
                None
            };
            EnHome {
                town,
                street,
                street_type,
                direction,
                number,
                unit,
                zip: t.zip + self.rng.below(u64::from(t.span)) as u32,
                plus4: self.rng.range(1, 9999) as u16,
                postcode: Box::from(""),
            }
        } else {
            let number = (self.rng.range(1, 60) * self.rng.range(1, 4)) as u16;
            let unit = if self.rng.chance(0.2) {
                Some((self.rng.range(1, 24) as u16, 0))
            } else {
                None
            };
            let district = u32::from(t.district) + self.rng.below(u64::from(t.span)) as u32;
            let sector = self.rng.range(1, 9);
            let letters = tables_en::POSTCODE_LETTERS;
            let (a, b) = (*self.rng.pick(letters), *self.rng.pick(letters));
            let postcode = format!(
                "{}{district} {sector}{}{}",
                t.area,
                char::from(a),
                char::from(b)
            );
            EnHome {
                town,
                street,
                street_type,
                direction: 0,
                number,
                unit,
                zip: 0,
                plus4: 0,
                postcode: postcode.into_boxed_str(),
            }
        }
    }
}
