//! Duplicates of British and American people, corrupted the way English-
//! language records are: nicknames and Celtic forms of the given name,
//! scanning and typing errors, names spelt as they sound, names in the wrong
//! field or missing, placeholders and initials for the given name, a birth
//! date off by a digit, a year or the order of day and month, a married
//! name, a move, a wrong digit in the Social Security number.

use super::english::{EnId, EnPerson};
use super::*;
use crate::synthetic::tables_en;

/// What a copy may suffer, with its relative weight.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    Nickname,
    Typo,
    Ocr,
    Phonetic,
    Case,
    SwappedNames,
    SurnameInGiven,
    FullNameInGiven,
    MissingGiven,
    MissingSurname,
    Placeholder,
    Title,
    Initial,
    MiddleName,
    MarriedName,
    BirthDigit,
    BirthDayMonth,
    BirthYear,
    MissingBirthDate,
    Moved,
    NewPhone,
    PhoneDigit,
    EmailForm,
    NewEmail,
    IdDigit,
    MissingId,
    MissingPostcode,
    MissingFields,
}

const OPS: [(Op, u32); 28] = [
    (Op::Nickname, 16),
    (Op::Typo, 10),
    (Op::Ocr, 4),
    (Op::Phonetic, 6),
    (Op::Case, 3),
    (Op::SwappedNames, 3),
    (Op::SurnameInGiven, 2),
    (Op::FullNameInGiven, 2),
    (Op::MissingGiven, 2),
    (Op::MissingSurname, 2),
    (Op::Placeholder, 2),
    (Op::Title, 2),
    (Op::Initial, 4),
    (Op::MiddleName, 3),
    (Op::MarriedName, 3),
    (Op::BirthDigit, 3),
    (Op::BirthDayMonth, 3),
    (Op::BirthYear, 3),
    (Op::MissingBirthDate, 4),
    (Op::Moved, 5),
    (Op::NewPhone, 3),
    (Op::PhoneDigit, 2),
    (Op::EmailForm, 3),
    (Op::NewEmail, 2),
    (Op::IdDigit, 3),
    (Op::MissingId, 2),
    (Op::MissingPostcode, 3),
    (Op::MissingFields, 6),
];

/// The operations that rewrite the name fields' structure: at most one
/// applies, the first of this order.
const STRUCTURE: [Op; 8] = [
    Op::Placeholder,
    Op::Initial,
    Op::MissingGiven,
    Op::SurnameInGiven,
    Op::FullNameInGiven,
    Op::SwappedNames,
    Op::MissingSurname,
    Op::Title,
];

/// The other forms a given name goes by ([`tables_en::EN_NICKNAMES`]).
pub(in crate::synthetic) fn en_nickname(given: &str) -> Option<&'static [&'static str]> {
    tables_en::EN_NICKNAMES
        .binary_search_by(|(n, _)| (*n).cmp(given))
        .ok()
        .map(|i| tables_en::EN_NICKNAMES[i].1)
}

/// The other spellings that sound like `name` ([`tables_en::SOUND_ALIKE`]).
fn sound_alike(name: &str) -> Option<&'static [&'static str]> {
    tables_en::SOUND_ALIKE
        .iter()
        .find(|group| group.contains(&name))
        .copied()
}

impl Generator {
    /// A corrupted copy of a British or American person's record, with its
    /// corruptions.
    pub(super) fn en_copy_of(&mut self, original: &EnPerson) -> (Record, Corruptions) {
        let mut p = original.clone();
        let mut labels = Corruptions::default();
        let weights: Vec<u32> = OPS.iter().map(|o| o.1).collect();
        let n = 1 + self.rng.choose(&[45, 35, 20]);
        let mut ops = Vec::with_capacity(n);
        for _ in 0..n {
            let op = OPS[self.rng.choose(&weights)].0;
            if !ops.contains(&op) {
                ops.push(op);
            }
        }
        let has = |ops: &[Op], op: Op| ops.contains(&op);
        let fallback = |ops: &mut Vec<Op>, op: Op| {
            if !ops.contains(&op) {
                ops.push(op);
            }
        };

        // What changes in the person.
        if has(&ops, Op::Nickname) {
            match en_nickname(p.given) {
                Some(forms) => {
                    p.given = *self.rng.pick(forms);
                    labels.insert(Corruption::Nickname);
                }
                None => fallback(&mut ops, Op::Typo),
            }
        }
        if has(&ops, Op::MarriedName) {
            if p.female && p.birth.0 <= 2002 && p.suffix.is_none() {
                let other = loop {
                    let s = self.en_surname(p.us);
                    if *s != *p.surname {
                        break s;
                    }
                };
                p.surname = if self.rng.chance(0.2) {
                    format!("{}-{other}", p.surname).into_boxed_str()
                } else {
                    other.into()
                };
                labels.insert(Corruption::MarriedName);
            } else {
                fallback(&mut ops, Op::Phonetic);
            }
        }
        if has(&ops, Op::BirthDayMonth) {
            let (y, m, d) = p.birth;
            if d <= 12 && d != m {
                p.birth = (y, d, m);
                labels.insert(Corruption::BirthDayMonth);
            } else {
                fallback(&mut ops, Op::BirthDigit);
            }
        }
        if has(&ops, Op::BirthDigit) {
            p.birth = self.birth_digit(p.birth);
            labels.insert(Corruption::BirthDigit);
        }
        if has(&ops, Op::BirthYear) {
            let (y, m, d) = p.birth;
            let delta = if self.rng.chance(0.8) { 1 } else { 10 };
            let y = if u32::from(y) + delta > LAST_YEAR || self.rng.chance(0.5) {
                y - delta as u16
            } else {
                y + delta as u16
            };
            p.birth = (y, m, d.min(days_in_month(y, m)));
            labels.insert(Corruption::BirthYear);
        }
        if has(&ops, Op::Moved) {
            let near = self.rng.chance(0.5).then_some(p.home.town);
            p.home = self.en_home(p.us, near);
            p.landline = None;
            labels.insert(Corruption::Moved);
        }
        if has(&ops, Op::NewPhone) {
            p.mobile = self.en_phone(p.us, p.home.town, true);
            p.landline = None;
            labels.insert(Corruption::NewPhone);
        }
        if has(&ops, Op::NewEmail) {
            let email = self.en_email(p.given, &p.surname, p.birth.0, p.us);
            p.email = email.into_boxed_str();
            labels.insert(Corruption::NewEmail);
        }
        if has(&ops, Op::IdDigit) && p.id == EnId::None {
            fallback(&mut ops, Op::MissingFields);
        }

        // Written, with the middle name when asked for.
        let middle = if has(&ops, Op::MiddleName) {
            if p.middle.is_none() {
                fallback(&mut ops, Op::Typo);
            }
            1.0
        } else {
            0.05
        };
        let (mut r, written) = self.en_render(&p, middle);
        labels = labels.union(written);

        // The name fields' structure.
        if let Some(&op) = STRUCTURE.iter().find(|op| ops.contains(op)) {
            self.restructure(op, &p, &mut r, &mut labels);
        }

        // Spelling: typing, scanning, hearing.
        if has(&ops, Op::Typo) {
            let target = match self.rng.choose(&[40, 50, 10]) {
                0 => Target::Given,
                1 => Target::Surname,
                _ => Target::Street,
            };
            if let Some(text) = target.field(&mut r, &labels) {
                let typo = self.en_typo(text);
                if typo != *text {
                    *text = typo;
                    labels.insert(Corruption::Typo);
                }
            }
        }
        if has(&ops, Op::Ocr) {
            let target = match self.rng.choose(&[40, 45, 15]) {
                0 => Target::Given,
                1 => Target::Surname,
                _ => Target::Street,
            };
            if let Some(text) = target.field(&mut r, &labels) {
                if let Some(read) = self.ocr(text) {
                    *text = read;
                    labels.insert(Corruption::Ocr);
                }
            }
        }
        if has(&ops, Op::Phonetic) {
            let target = if self.rng.chance(0.7) {
                Target::Surname
            } else {
                Target::Given
            };
            // Never back to the truth (`Ann` for a nickname `Ann` of `Anne`
            // spelt `Anne` again).
            let truth = match target {
                Target::Given => original.given,
                _ => &original.surname,
            };
            if let Some(text) = target.field(&mut r, &labels) {
                match self.sound_alike(text, truth) {
                    Some(spelt) => {
                        *text = spelt;
                        labels.insert(Corruption::Phonetic);
                    }
                    None => {
                        let typo = self.en_typo(text);
                        if typo != *text {
                            *text = typo;
                            labels.insert(Corruption::Typo);
                        }
                    }
                }
            }
        }
        if has(&ops, Op::Case) {
            let upper = self.rng.chance(0.75);
            for f in [
                &mut r.given_name,
                &mut r.surname,
                &mut r.street,
                &mut r.locality,
            ]
            .into_iter()
            .flatten()
            {
                let cased = if upper {
                    f.to_uppercase()
                } else {
                    f.to_lowercase()
                };
                if cased != *f {
                    labels.insert(Corruption::Case);
                }
                *f = cased;
            }
        }

        // Contact and identifier.
        if has(&ops, Op::PhoneDigit) {
            if let Some(phone) = &mut r.phone {
                *phone = self.wrong_digit(phone);
                labels.insert(Corruption::PhoneDigit);
            }
        }
        if has(&ops, Op::IdDigit) {
            if let Some(id) = &mut r.national_id {
                *id = self.wrong_digit(id);
                labels.insert(Corruption::IdDigit);
            }
        }
        if has(&ops, Op::EmailForm) {
            if let Some(email) = &mut r.email {
                let form = self.en_email_form(email);
                if form != *email {
                    labels.insert(Corruption::EmailForm);
                }
                *email = form;
            }
        }

        // Fields left out.
        if has(&ops, Op::MissingBirthDate) {
            corrupt::drop_field(&mut r, 7, &mut labels);
            labels.remove(Corruption::MonthFirst);
        }
        if has(&ops, Op::MissingId) {
            corrupt::drop_field(&mut r, 8, &mut labels);
        }
        if has(&ops, Op::MissingPostcode) {
            corrupt::drop_field(&mut r, 3, &mut labels);
        }
        let extra = if has(&ops, Op::MissingFields) {
            self.rng.range(1, 3) as usize
        } else {
            0
        };
        let lost = self.en_drop_fields(&mut r, extra);
        if lost.contains(Corruption::MissingBirthDate) {
            labels.remove(Corruption::MonthFirst);
        }
        (r, labels.union(lost))
    }

    /// Rewrites the name fields: a placeholder or an initial for the given
    /// name, a name left out or typed in the other field, a title.
    fn restructure(&mut self, op: Op, p: &EnPerson, r: &mut Record, labels: &mut Corruptions) {
        let given_gone = |labels: &mut Corruptions| {
            labels.remove(Corruption::Nickname);
            labels.remove(Corruption::MiddleName);
        };
        match op {
            Op::Placeholder => {
                let gendered = if p.female {
                    tables_en::FEMALE_PLACEHOLDERS
                } else {
                    tables_en::MALE_PLACEHOLDERS
                };
                let word = if self.rng.chance(0.5) {
                    *self.rng.pick(gendered)
                } else {
                    *self.rng.pick(tables_en::PLACEHOLDERS)
                };
                r.given_name = Some(word.to_string());
                given_gone(labels);
                labels.insert(Corruption::Placeholder);
            }
            Op::Initial => {
                let Some(given) = &r.given_name else { return };
                let first = given.chars().next().unwrap_or('X');
                let mut text = first.to_string();
                let dotted = self.rng.chance(0.5);
                if dotted {
                    text.push('.');
                }
                if let Some(m) = p.middle.filter(|_| self.rng.chance(0.25)) {
                    let _ = write!(text, " {}", m.chars().next().unwrap_or('X'));
                    if dotted {
                        text.push('.');
                    }
                }
                r.given_name = Some(text);
                labels.remove(Corruption::MiddleName);
                labels.insert(Corruption::Initial);
            }
            Op::MissingGiven => {
                if r.given_name.take().is_some() {
                    given_gone(labels);
                    labels.insert(Corruption::MissingGiven);
                }
            }
            Op::SurnameInGiven => {
                if let Some(surname) = r.surname.take() {
                    r.given_name = Some(surname);
                    given_gone(labels);
                    labels.insert(Corruption::SurnameInGiven);
                }
            }
            Op::FullNameInGiven => {
                if let (Some(given), Some(surname)) = (&r.given_name, r.surname.take()) {
                    r.given_name = Some(if self.rng.chance(0.25) {
                        format!("{surname}, {given}")
                    } else {
                        format!("{given} {surname}")
                    });
                    labels.insert(Corruption::FullNameInGiven);
                }
            }
            Op::SwappedNames => {
                std::mem::swap(&mut r.given_name, &mut r.surname);
                labels.insert(Corruption::SwappedNames);
            }
            Op::MissingSurname => {
                if r.surname.take().is_some() {
                    labels.insert(Corruption::MissingSurname);
                }
            }
            _ => {
                let Some(given) = &r.given_name else { return };
                let titles = if p.female {
                    tables_en::FEMALE_TITLES
                } else {
                    tables_en::MALE_TITLES
                };
                r.given_name = Some(format!("{} {given}", self.rng.pick(titles)));
                labels.insert(Corruption::Title);
            }
        }
    }

    /// A birth date with one digit of the day, the month or the year's last
    /// two wrong, still a date and still in range.
    pub(in crate::synthetic) fn birth_digit(&mut self, (y, m, d): (u16, u8, u8)) -> (u16, u8, u8) {
        for _ in 0..20 {
            let (mut y2, mut m2, mut d2) = (y, m, d);
            match self.rng.choose(&[35, 20, 30, 10, 5]) {
                0 => d2 = d / 10 * 10 + self.rng.below(10) as u8,
                1 => d2 = self.rng.below(4) as u8 * 10 + d % 10,
                2 => y2 = y / 10 * 10 + self.rng.below(10) as u16,
                3 => y2 = y / 100 * 100 + self.rng.below(10) as u16 * 10 + y % 10,
                _ => m2 = m / 10 * 10 + self.rng.below(10) as u8,
            }
            let valid = (1..=12).contains(&m2)
                && d2 >= 1
                && (FIRST_YEAR as u16..=LAST_YEAR as u16).contains(&y2)
                && d2 <= days_in_month(y2, m2);
            if valid && (y2, m2, d2) != (y, m, d) {
                return (y2, m2, d2);
            }
        }
        // Day 1 and 2 are always both valid.
        (y, m, if d == 1 { 2 } else { 1 })
    }

    /// One edit in a word on an English keyboard: a neighbouring key, a
    /// letter lost, doubled, or two letters swapped.
    pub(super) fn en_typo(&mut self, text: &str) -> String {
        self.typo_on(text, tables_en::en_neighbours)
    }

    /// A scanner's misreading of one place in `text`, if any of
    /// [`tables_en::OCR`] is found.
    fn ocr(&mut self, text: &str) -> Option<String> {
        let mut spots: Vec<(usize, &str, &str)> = Vec::new();
        for &(printed, read) in tables_en::OCR {
            for (i, _) in text.match_indices(printed) {
                spots.push((i, printed, read));
            }
        }
        if spots.is_empty() {
            return None;
        }
        let (i, printed, read) = *self.rng.pick(&spots);
        let mut out = String::with_capacity(text.len() + 1);
        out.push_str(&text[..i]);
        out.push_str(read);
        out.push_str(&text[i + printed.len()..]);
        Some(out)
    }

    /// Another spelling that sounds the same, but `not`: a known variant
    /// ([`tables_en::SOUND_ALIKE`]) or one of [`tables_en::SOUND_RULES`].
    fn sound_alike(&mut self, text: &str, not: &str) -> Option<String> {
        if let Some(group) = sound_alike(text) {
            let others: Vec<&str> = group
                .iter()
                .copied()
                .filter(|s| *s != text && *s != not)
                .collect();
            if others.is_empty() {
                return None;
            }
            return Some(self.rng.pick(&others).to_string());
        }
        let lower = text.to_lowercase();
        if lower.len() != text.len() {
            return None;
        }
        // Not the first letter: `Ph` to `F` would rather be a typo.
        let rules: Vec<&(&str, &str)> = tables_en::SOUND_RULES
            .iter()
            .filter(|(what, _)| lower.get(1..).is_some_and(|rest| rest.contains(what)))
            .collect();
        if rules.is_empty() {
            return None;
        }
        let (what, instead) = **self.rng.pick(&rules);
        let i = 1 + lower[1..].find(what).expect("found above");
        let mut out = String::with_capacity(text.len() + 1);
        out.push_str(&text[..i]);
        out.push_str(instead);
        out.push_str(&text[i + what.len()..]);
        // `Lucie` (a nickname of `Lucy`) must not become `Lucy` again.
        (out != not).then_some(out)
    }

    /// The same email written otherwise: other case, dots in a Gmail
    /// address, or a misspelt provider.
    fn en_email_form(&mut self, email: &str) -> String {
        let Some((local, domain)) = email.split_once('@') else {
            return email.to_string();
        };
        match self.rng.choose(&[30, 10, 25, 35]) {
            0 => {
                let mut out = String::with_capacity(email.len());
                let mut start = true;
                for c in email.chars() {
                    if start {
                        out.extend(c.to_uppercase());
                    } else {
                        out.push(c);
                    }
                    start = matches!(c, '.' | '_' | '@');
                }
                out
            }
            1 => email.to_uppercase(),
            2 if domain == "gmail.com" => {
                if local.contains('.') {
                    format!("{}@{domain}", local.replace('.', ""))
                } else {
                    let mid = local.len() / 2;
                    if local.is_char_boundary(mid) && mid > 0 {
                        format!("{}.{}@{domain}", &local[..mid], &local[mid..])
                    } else {
                        email.to_uppercase()
                    }
                }
            }
            _ => {
                let typos: Vec<&str> = tables_en::EN_PROVIDER_TYPOS
                    .iter()
                    .filter(|t| t.0 == domain)
                    .map(|t| t.1)
                    .collect();
                if typos.is_empty() {
                    email.to_uppercase()
                } else {
                    format!("{local}@{}", self.rng.pick(&typos))
                }
            }
        }
    }
}

/// A name or street field that spelling errors fall on.
#[derive(Clone, Copy)]
enum Target {
    Given,
    Surname,
    Street,
}

impl Target {
    /// The field, if it holds a word worth misspelling (not a placeholder
    /// or an initial: the error then falls on the surname).
    fn field<'r>(self, r: &'r mut Record, labels: &Corruptions) -> Option<&'r mut String> {
        let given_spoilt = labels.contains(Corruption::Placeholder)
            || labels.contains(Corruption::Initial)
            || r.given_name.as_ref().is_none_or(|g| g.len() < 3);
        match self {
            Target::Given if !given_spoilt => r.given_name.as_mut(),
            Target::Street => r.street.as_mut(),
            _ => r.surname.as_mut().or(r.given_name.as_mut()),
        }
    }
}
