//! Writing a British or American person as a CRM record, each field in one of
//! the ways people type it: dates month first in the United States and day
//! first in the United Kingdom, phones with and without `+1` or `+44`, states
//! by code or name, ZIP+4, postcodes with and without their space.

use super::english::{towns, EnHome, EnId, EnPerson, EnPhone};
use super::*;
use crate::synthetic::tables_en;

impl Generator {
    /// A person's first record: written, with the fields people leave out.
    pub(super) fn en_original(&mut self, p: &EnPerson) -> (Record, Corruptions) {
        let (mut r, mut labels) = self.en_render(p, 0.05);
        labels = labels.union(self.en_drop_fields(&mut r, 0));
        (r, labels)
    }

    /// Leaves out fields, as people do: at the usual rates, and `extra`
    /// more. Returns the fields lost.
    pub(super) fn en_drop_fields(&mut self, r: &mut Record, extra: usize) -> Corruptions {
        // Email, phone, street, postal code, province, locality, country,
        // birth date, national identifier (as `corrupt::field` numbers them).
        const RATES: [u32; 9] = [8, 8, 3, 5, 6, 2, 6, 10, 12];
        let mut labels = Corruptions::default();
        for (i, &rate) in RATES.iter().enumerate() {
            if self.rng.below(100) < u64::from(rate) {
                corrupt::drop_field(r, i, &mut labels);
            }
        }
        for _ in 0..extra {
            let i = self.rng.choose(&[25, 25, 12, 12, 8, 8, 5]);
            corrupt::drop_field(r, i, &mut labels);
        }
        labels
    }

    /// Writes a person as a record, each field in one of its usual forms; the
    /// middle name after the given name with chance `middle`. Returns the
    /// record and what in its writing departs from the person: the middle
    /// name shown, a date written month first that reads otherwise day first.
    pub(super) fn en_render(&mut self, p: &EnPerson, middle: f64) -> (Record, Corruptions) {
        let mut labels = Corruptions::default();
        let mut given = p.given.to_string();
        if let Some(m) = p.middle {
            if self.rng.chance(middle) {
                if self.rng.chance(0.5) {
                    let _ = write!(given, " {m}");
                } else {
                    let initial = m.chars().next().unwrap_or('X');
                    let _ = write!(given, " {initial}.");
                }
                labels.insert(Corruption::MiddleName);
            }
        }
        let surname = match p.suffix {
            Some(s) => format!("{} {s}", p.surname),
            None => p.surname.to_string(),
        };
        let phone = match p.landline {
            Some(l) if self.rng.chance(0.35) => l,
            _ => p.mobile,
        };
        let (locality, province, postal) = self.en_place(p.us, &p.home);
        let country = self.en_country(p.us, &p.home);
        let (date, month_first) = self.en_write_date(p.us, p.birth);
        if month_first {
            labels.insert(Corruption::MonthFirst);
        }
        let record = Record {
            given_name: Some(given),
            surname: Some(surname),
            email: Some(p.email.to_string()),
            phone: Some(self.en_write_phone(p.us, phone)),
            street: Some(self.en_write_street(p.us, &p.home)),
            locality: Some(locality),
            province,
            postal_code: Some(postal),
            country: Some(country.to_string()),
            birth_date: Some(date),
            national_id: self.en_write_id(p.id),
            ..Record::default()
        };
        (record, labels)
    }

    /// Town, state or county (a British county is often left out) and postal
    /// code as written.
    pub(super) fn en_place(&mut self, us: bool, h: &EnHome) -> (String, Option<String>, String) {
        let t = &towns(us)[usize::from(h.town)];
        let town = if !t.aliases.is_empty() && self.rng.chance(0.2) {
            *self.rng.pick(t.aliases)
        } else {
            t.name
        };
        if us {
            let (code, name) = tables_en::US_STATES[usize::from(t.state)];
            let state = if self.rng.chance(0.8) { code } else { name };
            let zip = match self.rng.choose(&[70, 18, 12]) {
                1 => format!("{:05}-{:04}", h.zip, h.plus4),
                // A spreadsheet ate the leading zero.
                2 if h.zip < 10_000 => h.zip.to_string(),
                _ => format!("{:05}", h.zip),
            };
            (town.to_string(), Some(state.to_string()), zip)
        } else {
            let county = self.rng.chance(0.45).then(|| t.county.to_string());
            let postcode = match self.rng.choose(&[72, 15, 10, 3]) {
                0 => h.postcode.to_string(),
                1 => h.postcode.replace(' ', ""),
                2 => h.postcode.to_lowercase(),
                _ => h.postcode.replace(' ', "  "),
            };
            (town.to_string(), county, postcode)
        }
    }

    /// The country as written: a code or a name (`UK`, `England`, `USA`).
    fn en_country(&mut self, us: bool, h: &EnHome) -> &'static str {
        if us {
            return ["US", "USA", "United States", "U.S.A."][self.rng.choose(&[55, 25, 15, 5])];
        }
        let nation = towns(us)[usize::from(h.town)].nation;
        match self.rng.choose(&[40, 30, 20, 10]) {
            0 => "GB",
            1 => "UK",
            2 => "United Kingdom",
            _ => ["England", "Scotland", "Wales", "Northern Ireland"][usize::from(nation)],
        }
    }

    pub(super) fn en_write_street(&mut self, us: bool, h: &EnHome) -> String {
        let mut s = String::with_capacity(40);
        let number = h.number;
        if us {
            let (name, alias) = tables_en::US_STREETS[usize::from(h.street)];
            let (kind, abbr) = tables_en::US_STREET_TYPES[usize::from(h.street_type)];
            let name = if !alias.is_empty() && self.rng.chance(0.5) {
                alias
            } else {
                name
            };
            let short = self.rng.chance(0.65);
            let _ = write!(s, "{number} ");
            if h.direction != 0 {
                let d = char::from(h.direction);
                let _ = match self.rng.choose(&[60, 15, 25]) {
                    0 => write!(s, "{d} "),
                    1 => write!(s, "{d}. "),
                    _ => write!(
                        s,
                        "{} ",
                        match d {
                            'N' => "North",
                            'S' => "South",
                            'E' => "East",
                            _ => "West",
                        }
                    ),
                };
            }
            let dot = if short && self.rng.chance(0.15) {
                "."
            } else {
                ""
            };
            let _ = write!(s, "{name} {}{dot}", if short { abbr } else { kind });
            if let Some((n, letter)) = h.unit {
                let unit = if letter == 0 {
                    n.to_string()
                } else {
                    format!("{n}{}", char::from(letter))
                };
                let _ = match self.rng.choose(&[45, 15, 20, 10, 10]) {
                    0 => write!(s, " Apt {unit}"),
                    1 => write!(s, " Apt. {unit}"),
                    2 => write!(s, " #{unit}"),
                    3 => write!(s, ", Apt {unit}"),
                    _ => write!(s, " Unit {unit}"),
                };
            }
        } else {
            let name = tables_en::UK_STREETS[usize::from(h.street)];
            let (kind, abbr) = tables_en::UK_STREET_TYPES[usize::from(h.street_type)];
            let kind = if !abbr.is_empty() && self.rng.chance(0.3) {
                abbr
            } else {
                kind
            };
            let flat = h.unit.map(|(n, _)| n);
            let _ = match (flat, self.rng.choose(&[55, 25, 20])) {
                (None, _) => write!(s, "{number} {name} {kind}"),
                (Some(f), 0) => write!(s, "Flat {f}, {number} {name} {kind}"),
                (Some(f), 1) => write!(s, "{number} {name} {kind}, Flat {f}"),
                (Some(f), _) => write!(s, "{f}/{number} {name} {kind}"),
            };
        }
        s
    }

    pub(super) fn en_write_phone(&mut self, us: bool, phone: EnPhone) -> String {
        let n = format!("{:010}", phone.digits);
        if us {
            let (a, b, c) = (&n[..3], &n[3..6], &n[6..]);
            return match self.rng.choose(&[30, 25, 8, 10, 7, 12, 5, 3]) {
                0 => format!("({a}) {b}-{c}"),
                1 => format!("{a}-{b}-{c}"),
                2 => format!("{a}.{b}.{c}"),
                3 => format!("+1 {a} {b} {c}"),
                4 => format!("+1 ({a}) {b}-{c}"),
                5 => n,
                6 => format!("1-{a}-{b}-{c}"),
                _ => format!("+1{n}"),
            };
        }
        if phone.area_len == 1 {
            // A mobile: 07700 900123.
            let (a, b) = n.split_at(4);
            return match self.rng.choose(&[40, 20, 20, 10, 5, 5]) {
                0 => format!("0{a} {b}"),
                1 => format!("+44 {a} {b}"),
                2 => format!("0{n}"),
                3 => format!("+44{n}"),
                4 => format!("+44 (0){a} {b}"),
                _ => format!("0{a} {} {}", &b[..3], &b[3..]),
            };
        }
        let (area, local) = n.split_at(usize::from(phone.area_len));
        let local = if local.len() == 8 {
            format!("{} {}", &local[..4], &local[4..])
        } else if local.len() == 7 {
            format!("{} {}", &local[..3], &local[3..])
        } else {
            local.to_string()
        };
        match self.rng.choose(&[45, 15, 15, 20, 5]) {
            0 => format!("0{area} {local}"),
            1 => format!("(0{area}) {local}"),
            2 => format!("+44 {area} {local}"),
            3 => format!("0{n}"),
            _ => format!("+44 (0){area} {local}"),
        }
    }

    /// A birth date as written, and whether it is written month first in a
    /// way that reads as another date day first.
    pub(super) fn en_write_date(&mut self, us: bool, (y, m, d): (u16, u8, u8)) -> (String, bool) {
        let month = tables_en::EN_MONTHS[usize::from(m) - 1];
        if us {
            let form = self.rng.choose(&[40, 10, 30, 10, 5, 5]);
            let text = match form {
                0 => format!("{m:02}/{d:02}/{y}"),
                1 => format!("{m}/{d}/{y}"),
                2 => format!("{y}-{m:02}-{d:02}"),
                3 => format!("{month} {d}, {y}"),
                4 => format!("{m:02}-{d:02}-{y}"),
                _ => format!("{m:02}/{d:02}/{:02}", y % 100),
            };
            let ambiguous = matches!(form, 0 | 1 | 4 | 5) && d <= 12 && d != m;
            return (text, ambiguous);
        }
        let text = match self.rng.choose(&[50, 10, 25, 10, 5]) {
            0 => format!("{d:02}/{m:02}/{y}"),
            1 => format!("{d}/{m}/{y}"),
            2 => format!("{y}-{m:02}-{d:02}"),
            3 => format!("{d} {month} {y}"),
            _ => format!("{d:02}-{m:02}-{y}"),
        };
        (text, false)
    }

    pub(super) fn en_write_id(&mut self, id: EnId) -> Option<String> {
        match id {
            EnId::None => None,
            EnId::Ssn(n) => {
                let (a, g, s) = (n / 1_000_000, n / 10_000 % 100, n % 10_000);
                Some(match self.rng.choose(&[60, 30, 10]) {
                    0 => format!("{a:03}-{g:02}-{s:04}"),
                    1 => format!("{n:09}"),
                    _ => format!("{a:03} {g:02} {s:04}"),
                })
            }
            EnId::Nino(prefix, n, suffix) => {
                let p = std::str::from_utf8(&prefix).expect("ASCII letters");
                let x = char::from(suffix);
                let d = format!("{n:06}");
                Some(match self.rng.choose(&[60, 30, 10]) {
                    0 => format!("{p}{d}{x}"),
                    1 => format!("{p} {} {} {} {x}", &d[..2], &d[2..4], &d[4..]),
                    _ => format!("{p}{d}{x}").to_lowercase(),
                })
            }
        }
    }
}
