//! Name standardisation on `tests/data/dupes_es.csv`: 20,000 Spanish and Argentine
//! customer records with a `cluster_id` ground truth, where corrupted copies of a
//! person have typos, lost accents, upper case, nicknames, one surname dropped or
//! the two surnames swapped.
//!
//! For every pair of records of one cluster (the same person) we ask whether their
//! given names agree and whether their surnames agree, first on the raw text folded
//! (case and accents removed, the whole field compared), then on the standard keys
//! (given: the canonical keys, nicknames resolved, share an entry; surnames: the
//! surname keys share one). Typos are left to the fuzzy comparison that comes after
//! standardisation, so neither reaches 100%. For pairs of records of different
//! clusters the same figures say how often the keys agree by accident.

mod common;

use std::collections::BTreeMap;

use ciclo::standardize::names::{parse_full_name, parse_person, PersonName};

struct Record {
    cluster: String,
    given: String,
    surname: String,
    name: PersonName,
    problems: Vec<&'static str>,
}

/// Case and accents folded, punctuation as spaces: the raw baseline.
fn fold(text: &str) -> String {
    use unicode_normalization::char::is_combining_mark;
    use unicode_normalization::UnicodeNormalization;
    let mut out = String::new();
    for c in text.nfd().filter(|c| !is_combining_mark(*c)) {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.is_empty() && !out.ends_with(' ') {
            out.push(' ');
        }
    }
    out.trim_end().to_string()
}

fn intersect(a: &[String], b: &[String]) -> bool {
    a.iter().any(|x| b.contains(x))
}

/// Words seen at least five times in a column: typos are rare strings, so a field
/// made of such words is taken as typed without a typo.
fn frequent_words<'a>(values: impl Iterator<Item = &'a str>) -> BTreeMap<String, usize> {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for v in values {
        for w in fold(v).split(' ').filter(|w| !w.is_empty()) {
            *counts.entry(w.to_string()).or_default() += 1;
        }
    }
    counts.retain(|_, n| *n >= 5);
    counts
}

fn without_typo(text: &str, frequent: &BTreeMap<String, usize>) -> bool {
    fold(text).split(' ').all(|w| frequent.contains_key(w))
}

#[derive(Default)]
struct Tally {
    pairs: usize,
    given_raw: usize,
    given_key: usize,
    given_canonical: usize,
    surname_raw: usize,
    surname_keys: usize,
    both_raw: usize,
    both_std: usize,
}

impl Tally {
    fn add(&mut self, a: &Record, b: &Record) {
        self.pairs += 1;
        let given_raw = fold(&a.given) == fold(&b.given);
        let surname_raw = fold(&a.surname) == fold(&b.surname);
        let given_std = intersect(
            &a.name.given_canonical_keys(),
            &b.name.given_canonical_keys(),
        );
        let surname_std = intersect(&a.name.surname_keys(), &b.name.surname_keys());
        self.given_raw += usize::from(given_raw);
        self.given_key += usize::from(a.name.given_key() == b.name.given_key());
        self.given_canonical += usize::from(given_std);
        self.surname_raw += usize::from(surname_raw);
        self.surname_keys += usize::from(surname_std);
        self.both_raw += usize::from(given_raw && surname_raw);
        self.both_std += usize::from(given_std && surname_std);
    }

    fn rate(&self, n: usize) -> f64 {
        n as f64 / self.pairs.max(1) as f64
    }

    fn print(&self, what: &str) {
        println!("{what}: {} pairs", self.pairs);
        println!(
            "  given names agree:  raw folded {:.4}  given_key {:.4}  canonical keys {:.4}",
            self.rate(self.given_raw),
            self.rate(self.given_key),
            self.rate(self.given_canonical)
        );
        println!(
            "  surnames agree:     raw folded {:.4}  surname keys {:.4}",
            self.rate(self.surname_raw),
            self.rate(self.surname_keys)
        );
        println!(
            "  both agree:         raw folded {:.4}  standard keys {:.4}",
            self.rate(self.both_raw),
            self.rate(self.both_std)
        );
    }
}

fn load() -> Vec<Record> {
    let (header, rows) = common::csv("dupes_es.csv");
    let col = |name: &str| header.iter().position(|h| h == name).expect(name);
    let (cluster, given, surname) = (col("cluster_id"), col("given_name"), col("surname"));
    rows.iter()
        .map(|row| {
            let (name, problems) =
                parse_person(&row[given], &row[surname]).unwrap_or_else(|e| panic!("{row:?}: {e}"));
            Record {
                cluster: row[cluster].clone(),
                given: row[given].clone(),
                surname: row[surname].clone(),
                name,
                problems: problems.iter().map(|p| p.code).collect(),
            }
        })
        .collect()
}

#[test]
fn dupes_es_names_agree_within_clusters() {
    let records = load();
    assert_eq!(records.len(), 20_000);

    let mut clusters: BTreeMap<&str, Vec<&Record>> = BTreeMap::new();
    for r in &records {
        clusters.entry(r.cluster.as_str()).or_default().push(r);
    }
    let mut same = Tally::default();
    for members in clusters.values() {
        for (i, a) in members.iter().enumerate() {
            for b in &members[i + 1..] {
                same.add(a, b);
            }
        }
    }
    // Different people: each record against the next one of another cluster.
    let mut different = Tally::default();
    for pair in records.windows(2) {
        if pair[0].cluster != pair[1].cluster {
            different.add(&pair[0], &pair[1]);
        }
    }
    same.print("same person");
    different.print("different people (consecutive records)");

    // The same pairs, for each part only where neither record has a typo in it
    // (every word frequent in the file): what standardisation can fix.
    let given_words = frequent_words(records.iter().map(|r| r.given.as_str()));
    let surname_words = frequent_words(records.iter().map(|r| r.surname.as_str()));
    let (mut given_clean, mut surname_clean) = (Tally::default(), Tally::default());
    let (mut given_shown, mut surname_shown) = (0, 0);
    for members in clusters.values() {
        for (i, a) in members.iter().enumerate() {
            for b in &members[i + 1..] {
                if without_typo(&a.given, &given_words) && without_typo(&b.given, &given_words) {
                    given_clean.add(a, b);
                    let (ka, kb) = (a.name.given_canonical_keys(), b.name.given_canonical_keys());
                    if !intersect(&ka, &kb) && given_shown < 6 {
                        given_shown += 1;
                        println!(
                            "  given names differ: {:?} {ka:?} / {:?} {kb:?}",
                            a.given, b.given
                        );
                    }
                }
                if without_typo(&a.surname, &surname_words)
                    && without_typo(&b.surname, &surname_words)
                {
                    surname_clean.add(a, b);
                    let (ka, kb) = (a.name.surname_keys(), b.name.surname_keys());
                    if !intersect(&ka, &kb) && surname_shown < 6 {
                        surname_shown += 1;
                        println!(
                            "  surnames differ: {:?} {ka:?} / {:?} {kb:?}",
                            a.surname, b.surname
                        );
                    }
                }
            }
        }
    }
    given_clean.print("same person, given names without typos");
    surname_clean.print("same person, surnames without typos");

    // Bars set just under the figures measured when this test was written:
    // all pairs, given 0.5920 -> 0.6230, surnames 0.4612 -> 0.7535, both 0.2764 ->
    // 0.4760; pairs without typos, given 0.9443 -> 0.9942, surnames 0.7410 -> 0.9912
    // (what is left are typos that make another common word: Ema / Emma, Rios /
    // Riso). Between different people both parts agree in 0.0001 of pairs.
    assert!(same.pairs > 5_000, "{} pairs", same.pairs);
    assert!(same.rate(same.given_canonical) >= 0.62);
    assert!(same.rate(same.surname_keys) >= 0.75);
    assert!(same.rate(same.both_std) >= 0.47);
    assert!(same.given_canonical >= same.given_raw + same.pairs / 40);
    assert!(same.surname_keys >= same.surname_raw + same.pairs / 5);
    assert!(given_clean.pairs > 3_000 && surname_clean.pairs > 3_000);
    assert!(given_clean.rate(given_clean.given_raw) < 0.95);
    assert!(given_clean.rate(given_clean.given_canonical) >= 0.99);
    assert!(surname_clean.rate(surname_clean.surname_raw) < 0.75);
    assert!(surname_clean.rate(surname_clean.surname_keys) >= 0.99);
    assert!(different.rate(different.both_std) < 0.002);
    assert!(different.rate(different.given_canonical) < 0.01);
    assert!(different.rate(different.surname_keys) < 0.02);
}

#[test]
fn dupes_es_is_idempotent_and_fast() {
    let records = load();
    // The file has no titles and no given names in the surname field: whatever is
    // reported would be a false alarm.
    let mut codes: BTreeMap<&str, usize> = BTreeMap::new();
    for r in &records {
        for code in &r.problems {
            *codes.entry(code).or_default() += 1;
        }
    }
    println!("problems on 20,000 records: {codes:?}");
    assert!(codes.is_empty(), "{codes:?}");
    for r in &records {
        let (again, problems) = parse_person(&r.name.given, &r.name.surnames.join(" "))
            .unwrap_or_else(|e| panic!("{:?}: {e}", r.name));
        assert_eq!(again.given, r.name.given);
        assert_eq!(again.surnames, r.name.surnames);
        assert!(problems.is_empty(), "{:?}: {problems:?}", r.name);
    }
}

/// The same records typed the wrong way: the two fields swapped, or the whole name
/// in one field in three orders. The oracle is the two-field reading.
#[test]
fn dupes_es_swapped_fields_and_full_names() {
    let records = load();
    let same =
        |p: &PersonName, r: &Record| p.given == r.name.given && p.surnames == r.name.surnames;
    let (mut swapped, mut given_first, mut comma, mut surname_first) = (0, 0, 0, 0);
    let mut both = 0;
    for r in &records {
        if r.given.trim().is_empty() || r.surname.trim().is_empty() {
            continue;
        }
        both += 1;
        if parse_person(&r.surname, &r.given).is_ok_and(|(p, _)| same(&p, r)) {
            swapped += 1;
        }
        let full = format!("{} {}", r.given, r.surname);
        if parse_full_name(&full).is_ok_and(|(p, _)| same(&p, r)) {
            given_first += 1;
        }
        let full = format!("{}, {}", r.surname, r.given);
        if parse_full_name(&full).is_ok_and(|(p, _)| same(&p, r)) {
            comma += 1;
        }
        let full = format!("{} {}", r.surname, r.given);
        if parse_full_name(&full).is_ok_and(|(p, _)| same(&p, r)) {
            surname_first += 1;
        }
    }
    let rate = |n: usize| n as f64 / both as f64;
    println!("{both} records with both fields, read back as typed in two fields:");
    println!(
        "  fields swapped, swapped back:          {:.4}",
        rate(swapped)
    );
    println!(
        "  one field, given names first:          {:.4}",
        rate(given_first)
    );
    println!(
        "  one field, `surnames, given names`:    {:.4}",
        rate(comma)
    );
    println!(
        "  one field, surnames first, no comma:   {:.4}",
        rate(surname_first)
    );
    // Bars just under the figures measured when this test was written: swapped
    // 0.7603, given first 0.9839, comma 1.0000, surnames first 0.7683. What is left
    // is mostly typos (a misspelt given name is not known to be one, and is left
    // where it is rather than risk a wrong swap), words that are both given names
    // and surnames (Luna, Cruz, Pascual, Alfonso), and surnames one typo away from a
    // given name (Soria and Sonia). No record of the file, as typed, is swapped or
    // split: see `dupes_es_is_idempotent_and_fast`.
    assert!(both > 19_000);
    assert!(rate(comma) >= 0.999);
    assert!(rate(given_first) >= 0.98);
    assert!(rate(swapped) >= 0.75);
    assert!(rate(surname_first) >= 0.76);
}
