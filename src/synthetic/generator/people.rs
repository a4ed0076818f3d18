//! Inventing people: names, birth dates, identifiers, emails, phones and
//! homes, and the housemates and namesakes who must not be merged.

use super::*;

impl Generator {
    /// A new person: someone related to a person written before (living
    /// with them, or their namesake), or someone new, of the population the
    /// options ask for.
    pub(super) fn new_person(&mut self) -> (Who, Origin, Option<(Relation, u32)>) {
        let x = self.rng.unit();
        let household = self.options.household_share;
        if !self.reservoir.is_empty() && x < household + self.options.namesake_share {
            let (cluster, anchor) = self.rng.pick(&self.reservoir).clone();
            return match anchor {
                Who::Es(anchor) if x < household => {
                    let (p, relation) = self.housemate(&anchor);
                    (
                        Who::Es(Arc::new(p)),
                        Origin::Household,
                        Some((relation, cluster)),
                    )
                }
                Who::Es(anchor) => (
                    Who::Es(Arc::new(self.namesake(&anchor))),
                    Origin::Namesake,
                    Some((Relation::Namesake, cluster)),
                ),
                Who::En(anchor) if x < household => {
                    let (p, relation) = self.en_housemate(&anchor);
                    (
                        Who::En(Arc::new(p)),
                        Origin::Household,
                        Some((relation, cluster)),
                    )
                }
                Who::En(anchor) => (
                    Who::En(Arc::new(self.en_namesake(&anchor))),
                    Origin::Namesake,
                    Some((Relation::Namesake, cluster)),
                ),
            };
        }
        let english = match self.options.population {
            Population::Hispanic => false,
            Population::English => true,
            Population::Mixed => self.rng.chance(0.5),
        };
        if english {
            let us = self.rng.chance(self.options.us_share);
            return (Who::En(Arc::new(self.en_fresh(us))), Origin::Person, None);
        }
        let spain = self.rng.chance(self.options.spain_share);
        (Who::Es(Arc::new(self.fresh(spain))), Origin::Person, None)
    }

    /// Someone new, unrelated to anyone.
    pub(super) fn fresh(&mut self, spain: bool) -> Person {
        let female = self.rng.chance(0.52);
        let given = self.given_name(spain, female);
        let (surname1, surname2) = self.surnames(spain);
        let birth = self.birth_date(FIRST_YEAR, LAST_YEAR);
        let home = self.home(spain, None);
        self.person(spain, female, given, surname1, surname2, birth, home)
    }

    /// A first surname, and a second one: always in Spain, for a quarter of
    /// the people in Argentina.
    fn surnames(&mut self, spain: bool) -> (&'static str, Option<&'static str>) {
        let surname1 = self.surname(spain);
        let surname2 = if spain || self.rng.chance(0.25) {
            Some(self.second_surname(spain, surname1))
        } else {
            None
        };
        (surname1, surname2)
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn person(
        &mut self,
        spain: bool,
        female: bool,
        given: &'static str,
        surname1: &'static str,
        surname2: Option<&'static str>,
        birth: (u16, u8, u8),
        home: Home,
    ) -> Person {
        let id = self.national_id(spain, female, birth.0);
        let email = self.email(given, surname1, surname2, birth.0, spain);
        let mobile = self.phone(spain, home.locality, true);
        let landline = if self.rng.chance(0.3) {
            Some(self.phone(spain, home.locality, false))
        } else {
            None
        };
        Person {
            spain,
            female,
            given,
            surname1,
            surname2,
            birth,
            id,
            email: email.into_boxed_str(),
            mobile,
            landline,
            home,
        }
    }

    /// Someone living with `anchor`: a spouse, a child, a sibling, or a child
    /// with the parent's name.
    pub(super) fn housemate(&mut self, anchor: &Person) -> (Person, Relation) {
        let spain = anchor.spain;
        let anchor_year = u32::from(anchor.birth.0);
        let kind = self.rng.choose(&[45, 30, 15, 10]);
        let child_year = anchor_year + self.rng.range(22, 36);
        let (female, given, surname1, surname2, birth, relation) = match kind {
            // A child.
            1 if child_year <= LAST_YEAR => {
                let female = self.rng.chance(0.5);
                let given = self.given_name(spain, female);
                let surname2 = if spain || self.rng.chance(0.3) {
                    Some(self.second_surname(spain, anchor.surname1))
                } else {
                    None
                };
                let birth = self.birth_date(child_year, child_year);
                (
                    female,
                    given,
                    anchor.surname1,
                    surname2,
                    birth,
                    Relation::Child,
                )
            }
            // A child with the parent's name (or the parent of one).
            3 => {
                let year = if child_year <= LAST_YEAR {
                    child_year
                } else {
                    anchor_year
                        .saturating_sub(self.rng.range(22, 36))
                        .max(FIRST_YEAR)
                };
                let surname2 = if spain {
                    Some(self.second_surname(spain, anchor.surname1))
                } else {
                    anchor.surname2
                };
                let birth = self.birth_date(year, year);
                (
                    anchor.female,
                    anchor.given,
                    anchor.surname1,
                    surname2,
                    birth,
                    Relation::Junior,
                )
            }
            // A sibling.
            2 | 1 => {
                let female = self.rng.chance(0.5);
                let given = self.given_name(spain, female);
                let year = (anchor_year + self.rng.range(0, 24))
                    .saturating_sub(12)
                    .clamp(FIRST_YEAR, LAST_YEAR);
                let birth = self.birth_date(year, year);
                (
                    female,
                    given,
                    anchor.surname1,
                    anchor.surname2,
                    birth,
                    Relation::Sibling,
                )
            }
            // A spouse.
            _ => {
                let female = !anchor.female;
                let given = self.given_name(spain, female);
                let (surname1, surname2) = self.surnames(spain);
                let year = (anchor_year + self.rng.range(0, 12))
                    .saturating_sub(6)
                    .clamp(FIRST_YEAR, LAST_YEAR);
                let birth = self.birth_date(year, year);
                (female, given, surname1, surname2, birth, Relation::Spouse)
            }
        };
        let mut p = self.person(spain, female, given, surname1, surname2, birth, anchor.home);
        p.landline = anchor.landline.or(p.landline);
        if self.rng.chance(0.12) {
            // A family email.
            p.email = anchor.email.clone();
        }
        (p, relation)
    }

    /// Someone with `anchor`'s name and nothing else in common (but, now and
    /// then, the province).
    pub(super) fn namesake(&mut self, anchor: &Person) -> Person {
        let spain = anchor.spain;
        let birth = self.birth_date(FIRST_YEAR, LAST_YEAR);
        let near = if self.rng.chance(0.4) {
            Some(anchor.home.locality)
        } else {
            None
        };
        let home = self.home(spain, near);
        self.person(
            spain,
            anchor.female,
            anchor.given,
            anchor.surname1,
            anchor.surname2,
            birth,
            home,
        )
    }

    pub(super) fn given_name(&mut self, spain: bool, female: bool) -> &'static str {
        let (list, w) = match (spain, female) {
            (false, false) => (tables::AR_MALE, 0),
            (false, true) => (tables::AR_FEMALE, 1),
            (true, false) => (tables::ES_MALE, 2),
            (true, true) => (tables::ES_FEMALE, 3),
        };
        list[self.rng.weighted(&self.weights.given[w])]
    }

    pub(super) fn surname(&mut self, spain: bool) -> &'static str {
        let (list, w) = if spain {
            (tables::ES_SURNAMES, 1)
        } else {
            (tables::AR_SURNAMES, 0)
        };
        list[self.rng.weighted(&self.weights.surnames[w])]
    }

    /// A second surname, different from the first (it may be the same in
    /// life, but rarely).
    pub(super) fn second_surname(&mut self, spain: bool, first: &str) -> &'static str {
        loop {
            let s = self.surname(spain);
            if s != first {
                return s;
            }
        }
    }

    /// A birth date with the year in `first..=last`, mostly in mid-range
    /// when the range is wide.
    pub(super) fn birth_date(&mut self, first: u32, last: u32) -> (u16, u8, u8) {
        let span = last - first;
        let year = first + ((self.rng.range(0, span) + self.rng.range(0, span)) / 2);
        let month = self.rng.range(1, 12) as u8;
        let day = self
            .rng
            .range(1, u32::from(days_in_month(year as u16, month))) as u8;
        (year as u16, month, day)
    }

    pub(super) fn national_id(&mut self, spain: bool, female: bool, year: u16) -> Id {
        loop {
            let id = if spain {
                if self.rng.chance(0.08) {
                    let letter = self.rng.choose(&[50, 45, 5]) as u8;
                    Id::EsNie(letter, self.rng.range(0, 9_999_999))
                } else {
                    Id::EsDni(self.rng.range(100_000, 79_999_999))
                }
            } else {
                let dni = if self.rng.chance(0.02) {
                    // Residents born abroad.
                    self.rng.range(92_000_000, 95_999_999)
                } else {
                    let base = dni_millions(year);
                    ((base + self.rng.unit() * 1.2) * 1e6) as u32
                };
                let (prefix, check) = cuit(if female { 27 } else { 20 }, dni);
                Id::Ar { dni, prefix, check }
            };
            let (tag, value) = match id {
                Id::Ar { dni, .. } => (1, u64::from(dni)),
                Id::EsDni(n) => (2, u64::from(n)),
                Id::EsNie(l, n) => (3, u64::from(l) << 32 | u64::from(n)),
            };
            if self.claim(tag, value) {
                return id;
            }
        }
    }

    /// An email made from the name, unique.
    pub(super) fn email(
        &mut self,
        given: &str,
        surname1: &str,
        surname2: Option<&str>,
        year: u16,
        spain: bool,
    ) -> String {
        let g = fold_word(given.split(' ').next().unwrap_or(given));
        let s = fold_word(strip_particles(surname1));
        let s2 = surname2.map(|s| fold_word(strip_particles(s)));
        let gi = &g[..g.chars().next().map_or(0, char::len_utf8)];
        let yy = year % 100;
        let mut local = String::with_capacity(24);
        match self.rng.choose(&[25, 12, 8, 12, 10, 10, 5, 5, 5, 4, 4]) {
            0 => write!(local, "{g}.{s}"),
            1 => write!(local, "{g}{s}"),
            2 => write!(local, "{g}_{s}"),
            3 => write!(local, "{gi}{s}"),
            4 => write!(local, "{g}.{s}{yy:02}"),
            5 => write!(local, "{g}{s}{}", self.rng.range(1, 999)),
            6 => write!(local, "{s}.{g}"),
            7 => match &s2 {
                Some(s2) => write!(local, "{g}.{s}.{s2}"),
                None => write!(local, "{g}.{s}"),
            },
            8 => match &s2 {
                Some(s2) => write!(local, "{gi}{s}{}", s2.get(..1).unwrap_or("")),
                None => write!(local, "{gi}{s}"),
            },
            9 => write!(local, "{g}{year}"),
            _ => write!(local, "{s}{gi}"),
        }
        .expect("writing to a String");
        let providers = if spain {
            tables::ES_PROVIDERS
        } else {
            tables::AR_PROVIDERS
        };
        let provider = providers[self
            .rng
            .weighted(&self.weights.providers[usize::from(spain)])]
        .0;
        let mut email = format!("{local}@{provider}");
        while !self.claim(4, fnv(email.as_bytes())) {
            email = format!("{local}{}@{provider}", self.rng.range(1, 9999));
        }
        email
    }

    /// A phone number in the person's area, unique.
    pub(super) fn phone(&mut self, spain: bool, locality: u16, mobile: bool) -> Phone {
        loop {
            let phone = if spain {
                let number = if mobile {
                    if self.rng.chance(0.85) {
                        600_000_000 + self.rng.range(0, 99_999_999)
                    } else {
                        710_000_000 + self.rng.range(0, 39_999_999)
                    }
                } else {
                    let area = tables::ES_LOCALITIES[usize::from(locality)].area;
                    let rest = 9 - area.len() as u32;
                    let prefix: u32 = area.parse().expect("a numeric prefix");
                    let scale = 10u32.pow(rest);
                    let first = self.rng.range(1, 8);
                    prefix * scale
                        + first * scale / 10
                        + self.rng.below(u64::from(scale / 10)) as u32
                };
                Phone {
                    area: "",
                    number,
                    mobile,
                }
            } else {
                let l = &tables::AR_LOCALITIES[usize::from(locality)];
                let len = 10 - l.area.len() as u32;
                let first = u32::from(self.rng.pick(l.first.as_bytes()) - b'0');
                let scale = 10u32.pow(len - 1);
                Phone {
                    area: l.area,
                    number: first * scale + self.rng.below(u64::from(scale)) as u32,
                    mobile,
                }
            };
            let digits = format!("{}{}", phone.area, phone.number);
            let value: u64 = digits.parse().expect("digits");
            if self.claim(5 + u8::from(spain), value) {
                return phone;
            }
        }
    }

    /// A home, in `near`'s locality when given.
    pub(super) fn home(&mut self, spain: bool, near: Option<u16>) -> Home {
        let c = usize::from(spain);
        let locality = match near {
            Some(l) => l,
            None => self.rng.weighted(&self.weights.localities[c]) as u16,
        };
        let l = if spain {
            &tables::ES_LOCALITIES[usize::from(locality)]
        } else {
            &tables::AR_LOCALITIES[usize::from(locality)]
        };
        let street = self.rng.weighted(&self.weights.streets[c]) as u16;
        let street_type = if spain {
            self.rng.choose(&[70, 14, 5, 4, 3, 2, 2]) as u8
        } else {
            self.rng.choose(&[60, 30, 4, 4, 2]) as u8
        };
        let number = if spain {
            // Mostly low numbers, a few long streets.
            (self.rng.range(1, 60) * self.rng.range(1, 4)) as u16
        } else {
            (self.rng.range(1, 60) * self.rng.range(1, 80)) as u16
        };
        let flats = if spain {
            0.6
        } else if l.province == tables::CABA {
            0.7
        } else {
            0.3
        };
        let flat = if self.rng.chance(flats) {
            let floor = self.rng.range(1, 12) as u8;
            let unit = if spain && self.rng.chance(0.6) {
                b'1' + self.rng.below(4) as u8
            } else {
                b'A' + self.rng.below(if spain { 4 } else { 8 }) as u8
            };
            Some((floor, unit))
        } else {
            None
        };
        let postal = l.postal + self.rng.below(u64::from(l.span)) as u32;
        let mut cpa = [0u8; 3];
        for b in &mut cpa {
            *b = b'A' + self.rng.below(26) as u8;
        }
        Home {
            locality,
            street_type,
            street,
            number,
            flat,
            postal,
            cpa,
        }
    }
}
