//! Duplicates: a person's copies, corrupted the way real duplicates are.

use super::*;

const TYPO: usize = 0;
const ACCENTS: usize = 1;
const UPPER: usize = 2;
const SWAP_FIELDS: usize = 3;
const PHONE_DIGIT: usize = 4;
const ID_DIGIT: usize = 5;
const EMAIL_FORM: usize = 6;

/// The fields that go missing, by index: email, phone, street, postal code,
/// province, locality, country, birth date, national identifier; with the
/// label of their loss.
pub(super) fn field(r: &mut Record, i: usize) -> (&mut Option<String>, Corruption) {
    match i {
        0 => (&mut r.email, Corruption::MissingEmail),
        1 => (&mut r.phone, Corruption::MissingPhone),
        2 => (&mut r.street, Corruption::MissingStreet),
        3 => (&mut r.postal_code, Corruption::MissingPostcode),
        4 => (&mut r.province, Corruption::MissingProvince),
        5 => (&mut r.locality, Corruption::MissingLocality),
        6 => (&mut r.country, Corruption::MissingCountry),
        7 => (&mut r.birth_date, Corruption::MissingBirthDate),
        _ => (&mut r.national_id, Corruption::MissingId),
    }
}

/// Leaves a field out, noting the loss when there was something to lose.
pub(super) fn drop_field(r: &mut Record, i: usize, labels: &mut Corruptions) {
    let (value, label) = field(r, i);
    if value.take().is_some() {
        labels.insert(label);
    }
}

impl Generator {
    /// Leaves out fields, as people do: at the usual rates, and `extra`
    /// more. Returns the fields lost.
    pub(super) fn drop_fields(&mut self, r: &mut Record, extra: usize) -> Corruptions {
        const RATES: [u32; 9] = [6, 8, 3, 5, 5, 2, 3, 10, 12];
        let mut labels = Corruptions::default();
        for (i, &rate) in RATES.iter().enumerate() {
            if self.rng.below(100) < u64::from(rate) {
                drop_field(r, i, &mut labels);
            }
        }
        for _ in 0..extra {
            let i = self.rng.choose(&[20, 20, 10, 8, 5, 4, 3, 15, 15]);
            drop_field(r, i, &mut labels);
        }
        labels
    }

    /// A corrupted copy of a person's record, with its corruptions.
    pub(super) fn copy_of(&mut self, original: &Person) -> (Record, Corruptions) {
        let mut labels = Corruptions::default();
        let mut p = original.clone();
        let n = 1 + self.rng.choose(&[50, 35, 15]);
        let mut text_ops = [false; 7];
        let mut missing = 0;
        for _ in 0..n {
            match self
                .rng
                .choose(&[18, 8, 7, 8, 8, 3, 4, 4, 2, 12, 6, 5, 6, 3, 5])
            {
                0 => text_ops[TYPO] = true,
                1 => text_ops[ACCENTS] = true,
                2 => text_ops[UPPER] = true,
                3 => match nickname(p.given) {
                    Some(nicks) => {
                        p.given = *self.rng.pick(nicks);
                        labels.insert(Corruption::Nickname);
                    }
                    None => text_ops[TYPO] = true,
                },
                4 => match p.surname2 {
                    Some(_) => {
                        p.surname2 = None;
                        labels.insert(Corruption::SecondSurnameDropped);
                    }
                    None => text_ops[TYPO] = true,
                },
                5 => match p.surname2 {
                    Some(s2) => {
                        p.surname2 = Some(p.surname1);
                        p.surname1 = s2;
                        labels.insert(Corruption::SurnamesSwapped);
                    }
                    None => text_ops[SWAP_FIELDS] = true,
                },
                6 => text_ops[SWAP_FIELDS] = true,
                7 => {
                    p.mobile = self.phone(p.spain, p.home.locality, true);
                    p.landline = None;
                    labels.insert(Corruption::NewPhone);
                }
                8 => text_ops[PHONE_DIGIT] = true,
                9 => missing += self.rng.range(1, 3) as usize,
                10 => text_ops[ID_DIGIT] = true,
                11 => {
                    let (y, m, d) = p.birth;
                    p.birth = if d <= 12 && d != m {
                        labels.insert(Corruption::BirthDayMonth);
                        (y, d, m)
                    } else {
                        // A slip in the year's last digit.
                        labels.insert(Corruption::BirthYear);
                        (if y % 10 == 9 { y - 1 } else { y + 1 }, m, d)
                    };
                }
                12 => text_ops[EMAIL_FORM] = true,
                13 => {
                    let email = self.email(p.given, p.surname1, p.surname2, p.birth.0, p.spain);
                    p.email = email.into_boxed_str();
                    labels.insert(Corruption::NewEmail);
                }
                _ => {
                    labels.insert(Corruption::Moved);
                    let near = if self.rng.chance(0.5) {
                        Some(p.home.locality)
                    } else {
                        None
                    };
                    p.home = self.home(p.spain, near);
                    p.landline = None;
                }
            }
        }
        let mut r = self.render(&p);
        if text_ops[TYPO] {
            let target = match self.rng.choose(&[45, 45, 10]) {
                0 => &mut r.given_name,
                1 => &mut r.surname,
                _ => &mut r.street,
            };
            if let Some(text) = target {
                let typo = self.typo(text);
                if typo != *text {
                    labels.insert(Corruption::Typo);
                }
                *text = typo;
            }
        }
        if text_ops[SWAP_FIELDS] {
            std::mem::swap(&mut r.given_name, &mut r.surname);
            labels.insert(Corruption::SwappedNames);
        }
        if text_ops[PHONE_DIGIT] {
            if let Some(phone) = &mut r.phone {
                *phone = self.wrong_digit(phone);
                labels.insert(Corruption::PhoneDigit);
            }
        }
        if text_ops[ID_DIGIT] {
            if let Some(id) = &mut r.national_id {
                *id = self.wrong_digit(id);
                labels.insert(Corruption::IdDigit);
            }
        }
        if text_ops[EMAIL_FORM] {
            if let Some(email) = &mut r.email {
                let form = self.email_form(email);
                if form != *email {
                    labels.insert(Corruption::EmailForm);
                }
                *email = form;
            }
        }
        if text_ops[ACCENTS] || text_ops[UPPER] {
            let upper = text_ops[UPPER];
            let accents = text_ops[ACCENTS] || self.rng.chance(0.5);
            for f in [
                &mut r.given_name,
                &mut r.surname,
                &mut r.street,
                &mut r.locality,
                &mut r.province,
            ]
            .into_iter()
            .flatten()
            {
                if accents {
                    let plain = drop_accents(f);
                    if plain != *f {
                        labels.insert(Corruption::Accents);
                    }
                    *f = plain;
                }
                if upper {
                    let loud = f.to_uppercase();
                    if loud != *f {
                        labels.insert(Corruption::Case);
                    }
                    *f = loud;
                }
            }
        }
        let lost = self.drop_fields(&mut r, missing);
        (r, labels.union(lost))
    }

    /// One edit in a word: a neighbouring key, a letter lost, doubled, or two
    /// letters swapped.
    pub(super) fn typo(&mut self, text: &str) -> String {
        self.typo_on(text, tables::neighbours)
    }

    /// [`Generator::typo`] on a keyboard whose neighbouring keys
    /// `neighbours` tells.
    pub(super) fn typo_on(&mut self, text: &str, neighbours: fn(char) -> &'static str) -> String {
        let mut chars: Vec<char> = text.chars().collect();
        let letters: Vec<usize> = (1..chars.len())
            .filter(|&i| chars[i].is_alphabetic())
            .collect();
        if letters.is_empty() {
            return text.to_string();
        }
        let i = *self.rng.pick(&letters);
        match self.rng.choose(&[40, 25, 15, 20]) {
            0 => {
                let lower = chars[i].to_lowercase().next().unwrap_or(chars[i]);
                let near = neighbours(lower);
                if near.is_empty() {
                    chars.remove(i);
                } else {
                    let pool: Vec<char> = near.chars().collect();
                    let c = *self.rng.pick(&pool);
                    chars[i] = if chars[i].is_uppercase() {
                        c.to_uppercase().next().unwrap_or(c)
                    } else {
                        c
                    };
                }
            }
            1 if chars.len() > 3 => {
                chars.remove(i);
            }
            2 => chars.insert(i, chars[i]),
            _ if i + 1 < chars.len()
                && chars[i + 1].is_alphabetic()
                && chars[i] != chars[i + 1] =>
            {
                chars.swap(i, i + 1)
            }
            _ => chars.insert(i, chars[i]),
        }
        chars.into_iter().collect()
    }

    /// One digit changed.
    pub(in crate::synthetic) fn wrong_digit(&mut self, text: &str) -> String {
        let digits: Vec<usize> = text
            .char_indices()
            .filter(|(_, c)| c.is_ascii_digit())
            .map(|(i, _)| i)
            .collect();
        if digits.is_empty() {
            return text.to_string();
        }
        let i = *self.rng.pick(&digits);
        let old = text.as_bytes()[i] - b'0';
        let new = (old + 1 + self.rng.below(9) as u8) % 10;
        let mut out = text.to_string();
        out.replace_range(i..=i, &char::from(b'0' + new).to_string());
        out
    }

    /// The same email written otherwise: other case, dots in a Gmail
    /// address, or a misspelt provider.
    pub(super) fn email_form(&mut self, email: &str) -> String {
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
                let typos: Vec<&str> = tables::PROVIDER_TYPOS
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
