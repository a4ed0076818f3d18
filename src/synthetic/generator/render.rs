//! Writing a person as a CRM record, each field in one of the ways people type
//! it.

use super::*;

impl Generator {
    /// Writes a person as a record, each field in one of its usual forms.
    pub(super) fn render(&mut self, p: &Person) -> Record {
        let surname = match p.surname2 {
            Some(s2) => format!("{} {s2}", p.surname1),
            None => p.surname1.to_string(),
        };
        let phone = match p.landline {
            Some(l) if self.rng.chance(0.35) => l,
            _ => p.mobile,
        };
        let (locality, province, postal) = self.place(p);
        let country = match (p.spain, self.rng.choose(&[82, 13, 5])) {
            (false, 0) => "AR",
            (false, _) => "Argentina",
            (true, 0) => "ES",
            (true, 1) => "España",
            (true, _) => "Spain",
        };
        Record {
            given_name: Some(p.given.to_string()),
            surname: Some(surname),
            email: Some(p.email.to_string()),
            phone: Some(self.write_phone(phone)),
            street: Some(self.write_street(p)),
            locality: Some(locality),
            province: Some(province),
            postal_code: Some(postal),
            country: Some(country.to_string()),
            birth_date: Some(self.write_date(p.birth)),
            national_id: Some(self.write_id(p.id)),
            ..Record::default()
        }
    }

    /// Locality, province and postal code as written.
    pub(super) fn place(&mut self, p: &Person) -> (String, String, String) {
        let h = &p.home;
        if p.spain {
            let l = &tables::ES_LOCALITIES[usize::from(h.locality)];
            let (name, aliases) = tables::ES_PROVINCES[usize::from(l.province)];
            let province = if !aliases.is_empty() && self.rng.chance(0.25) {
                self.rng.pick(aliases)
            } else {
                name
            };
            let postal = if h.postal < 10_000 && self.rng.chance(0.2) {
                // A spreadsheet ate the leading zero.
                h.postal.to_string()
            } else {
                format!("{:05}", h.postal)
            };
            (l.name.to_string(), province.to_string(), postal)
        } else {
            let l = &tables::AR_LOCALITIES[usize::from(h.locality)];
            let (letter, name, aliases) = tables::AR_PROVINCES[usize::from(l.province)];
            let province = if !aliases.is_empty() && self.rng.chance(0.3) {
                self.rng.pick(aliases)
            } else {
                name
            };
            let locality = if l.province == tables::CABA {
                match self.rng.choose(&[65, 20, 10, 5]) {
                    0 => l.name,
                    1 => "CABA",
                    2 => "Capital Federal",
                    _ => "Buenos Aires",
                }
            } else {
                l.name
            };
            let cpa = || {
                let suffix = std::str::from_utf8(&h.cpa).expect("ASCII letters");
                format!("{}{}{suffix}", char::from(letter), h.postal)
            };
            let postal = match self.rng.choose(&[65, 3, 32]) {
                0 => cpa(),
                1 => cpa().to_lowercase(),
                _ => h.postal.to_string(),
            };
            (locality.to_string(), province.to_string(), postal)
        }
    }

    pub(super) fn write_street(&mut self, p: &Person) -> String {
        let h = &p.home;
        let mut s = String::with_capacity(40);
        if p.spain {
            const TYPES: [&[&str]; 7] = [
                &["C/ ", "Calle ", "Cl. ", "c/ "],
                &["Avda. ", "Avenida ", "Av. "],
                &["Pza. ", "Plaza ", "Pl. "],
                &["Pº ", "Paseo ", "Pso. "],
                &["Rda. ", "Ronda "],
                &["Cno. ", "Camino "],
                &["Trav. ", "Travesía "],
            ];
            let forms = TYPES[usize::from(h.street_type)];
            let form = forms[self.rng.choose(&[45, 35, 15, 5][..forms.len()])];
            s.push_str(form);
            let name = tables::ES_STREETS[usize::from(h.street)];
            if self.rng.chance(0.45) {
                s.push_str(strip_particles(name));
            } else {
                s.push_str(name);
            }
            let number = h.number;
            let _ = match self.rng.choose(&[55, 30, 15]) {
                0 => write!(s, ", {number}"),
                1 => write!(s, " {number}"),
                _ => write!(s, ", nº {number}"),
            };
            if let Some((floor, unit)) = h.flat {
                let unit = char::from(unit);
                let door = unit.is_ascii_digit();
                let _ = match (door, self.rng.choose(&[60, 25, 15])) {
                    (true, 0) => write!(s, ", {floor}º {unit}ª"),
                    (true, 1) => write!(s, " {floor}º {unit}ª"),
                    (true, _) => write!(s, ", {floor}º, {unit}ª"),
                    (false, 0) => write!(s, ", {floor}º {unit}"),
                    (false, 1) => write!(s, " {floor}º{unit}"),
                    (false, _) => write!(s, ", {floor}º {unit}"),
                };
            }
        } else {
            const TYPES: [&[&str]; 5] = [
                &["", "Calle "],
                &["Av. ", "Avenida ", "Avda. "],
                &["Pje. ", "Pasaje "],
                &["Bv. ", "Boulevard "],
                &["Diag. ", "Diagonal "],
            ];
            let forms = TYPES[usize::from(h.street_type)];
            let form = forms[self.rng.choose(&[65, 25, 10][..forms.len()])];
            s.push_str(form);
            s.push_str(tables::AR_STREETS[usize::from(h.street)]);
            let _ = write!(s, " {}", h.number);
            if let Some((floor, unit)) = h.flat {
                let unit = char::from(unit);
                let _ = match self.rng.choose(&[35, 15, 25, 10, 15]) {
                    0 => write!(s, ", {floor}º {unit}"),
                    1 => write!(s, " {floor}º {unit}"),
                    2 => write!(s, ", Piso {floor} Dpto. {unit}"),
                    3 => write!(s, " Piso {floor} Depto. {unit}"),
                    _ => write!(s, " {floor}° {unit}"),
                };
            }
        }
        s
    }

    pub(super) fn write_phone(&mut self, phone: Phone) -> String {
        if phone.area.is_empty() {
            // Spain: nine digits.
            let n = format!("{:09}", phone.number);
            let (a, b, c) = (&n[..3], &n[3..6], &n[6..]);
            let two = matches!(phone.number / 10_000_000, 91 | 93 | 94 | 96);
            return match self.rng.choose(&[22, 30, 12, 16, 5, 10, 3, 2]) {
                0 => format!("+34 {a} {b} {c}"),
                1 => n,
                2 if !phone.mobile && two => {
                    format!("{} {} {} {}", &n[..2], &n[2..5], &n[5..7], &n[7..])
                }
                2 => format!("{a} {} {} {}", &n[3..5], &n[5..7], &n[7..]),
                3 => format!("{a} {b} {c}"),
                4 => format!("0034 {n}"),
                5 => format!("+34{n}"),
                6 => format!("(+34) {a}-{b}-{c}"),
                _ => format!("{a}-{b}-{c}"),
            };
        }
        let a = phone.area;
        let len = 10 - a.len();
        let n = format!("{:0len$}", phone.number);
        let (s1, s2) = n.split_at(len - 4);
        if phone.mobile {
            match self.rng.choose(&[20, 15, 18, 8, 6, 5, 4, 10, 4]) {
                0 => format!("+54 9 {a} {s1}-{s2}"),
                1 => format!("+549{a}{n}"),
                2 => format!("0{a} 15-{s1}-{s2}"),
                3 => format!("(0{a}) 15 {s1}-{s2}"),
                4 => format!("{a} 15 {s1} {s2}"),
                5 => format!("0{a}15{n}"),
                6 => format!("54 9 {a} {n}"),
                7 => format!("+54 9 {a} {s1} {s2}"),
                // Without the 9 nor the 15: reads as a landline.
                _ => format!("{a}{n}"),
            }
        } else {
            match self.rng.choose(&[35, 30, 20, 10, 5]) {
                0 => format!("(0{a}) {s1}-{s2}"),
                1 => format!("0{a} {s1}-{s2}"),
                2 => format!("+54 {a} {s1}-{s2}"),
                3 => format!("0{a}{n}"),
                _ => format!("{a} {s1} {s2}"),
            }
        }
    }

    pub(super) fn write_date(&mut self, (y, m, d): (u16, u8, u8)) -> String {
        match self.rng.choose(&[35, 35, 12, 8, 3, 4, 3]) {
            0 => format!("{y}-{m:02}-{d:02}"),
            1 => format!("{d:02}/{m:02}/{y}"),
            2 => format!("{d}/{m}/{y}"),
            3 => format!("{d:02}-{m:02}-{y}"),
            4 => format!("{d:02}.{m:02}.{y}"),
            5 => format!("{d} de {} de {y}", tables::MONTHS[usize::from(m) - 1]),
            _ => format!("{d:02}/{m:02}/{:02}", y % 100),
        }
    }

    pub(super) fn write_id(&mut self, id: Id) -> String {
        match id {
            Id::Ar { dni, prefix, check } => match self.rng.choose(&[30, 28, 4, 22, 16]) {
                0 => dni.to_string(),
                1 => group_thousands(dni),
                2 => group_thousands(dni).replace('.', " "),
                3 => format!("{prefix}-{dni:08}-{check}"),
                _ => format!("{prefix}{dni:08}{check}"),
            },
            Id::EsDni(n) => {
                let letter = char::from(DNI_LETTERS[(n % 23) as usize]);
                match self.rng.choose(&[75, 15, 10]) {
                    0 => format!("{n:08}{letter}"),
                    1 => format!("{n:08}-{letter}"),
                    _ => format!("{n:08}{}", letter.to_ascii_lowercase()),
                }
            }
            Id::EsNie(l, n) => {
                let letter =
                    char::from(DNI_LETTERS[((u32::from(l) * 10_000_000 + n) % 23) as usize]);
                let x = char::from(b"XYZ"[usize::from(l)]);
                match self.rng.choose(&[75, 25]) {
                    0 => format!("{x}{n:07}{letter}"),
                    _ => format!("{x}-{n:07}-{letter}"),
                }
            }
        }
    }
}
