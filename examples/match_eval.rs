//! Measures the matcher on a synthetic population with known truth: generates
//! the records (`ciclo::synthetic`), deduplicates them with the default
//! options (`ciclo::consolidation::dedup::deduplicate`) and says what was
//! found, what was missed and why, and what was wrongly merged.
//!
//! ```sh
//! cargo run --release --example match_eval -- [--population en|es|mixed] [--records N] [--seed S] [--us SHARE] [--duplicates SHARE] [--keep FIELD,...] [--csv OUT.csv] [--examples K] [--only LABEL]
//! ```
//!
//! Defaults: `--population en --records 20000 --seed 1 --examples 10`. The
//! English population is `SyntheticOptions::english` (12% of people in a
//! household with someone else); `es` is the default Hispanic population
//! (`SyntheticOptions::new`); `mixed` is half of each, with the English mix of
//! households. `--duplicates 0.6` makes 60% of the records copies (more
//! copies per person, as in FEBRL's third file) instead of 15%. `--keep given_name,surname,birth_date,locality,email` empties
//! every other field before matching, for files that carry fewer columns (a
//! marketing list, a sign-up form).
//!
//! Printed:
//!
//! - pairwise precision, recall and F1 of the merges (a pair is two records;
//!   it is true when both are of one person, found when both are in one
//!   customer);
//! - **merged-or-reviewed recall**: the share of true pairs whose records were
//!   merged, or whose two customers are joined *directly* by a review pair
//!   (`Dedup::clusters.review` holds `(a, b, reason)`: the pair counts as
//!   reviewed when one of its records is in `a`'s customer and the other in
//!   `b`'s). Review pairs are not followed transitively: a steward sees one
//!   pair at a time;
//! - review pairs, in all and as a percentage of the records;
//! - the missed true pairs by why they were missed: the records share no
//!   blocking key (`no_shared_key`), the pair scores below the review
//!   threshold (`distinct`), it scores for review (`review_uncertain`), it
//!   would merge but a field vetoes it (`vetoed`), or it scores a merge but the
//!   clustering did not join the two customers (`chaining`);
//! - the missed true pairs by corruption label: for each label, the true pairs
//!   where either record carries it, how many were missed, and how many of
//!   those were at least reviewed (a pair carries the labels of both of its
//!   records; a pair with several labels counts under each);
//! - the wrong merges (pairs of records of different people in one customer)
//!   by how the two people are related: the relation of one to the other
//!   (`spouse`, `child`, `sibling`, `junior`, `twin`, `shared_id`,
//!   `namesake`), members of one household not directly related
//!   (`household`), or `unrelated`;
//! - `--examples K` examples of each label's misses and each kind of wrong
//!   merge (default 10; pairs with that label alone first), the two records
//!   one above the other with the pair's score and its comparison levels.
//!   `--only LABEL` shows only the examples of that label or kind.
//!
//! `--csv OUT.csv` writes the records with their truth, in the layout of
//! `ciclo::synthetic::write_csv` plus four columns: `corruptions` (labels
//! joined by `|`), `relation` and `related_cluster` (how the record's person is
//! related to an earlier one), and `found_cluster` (the customer the matcher
//! put the record in: the index of its first record). `tools/splink_compare.py`
//! reads it.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;
use std::process::ExitCode;
use std::time::Instant;

use ciclo::consolidation::dedup::{deduplicate, Dedup, DedupOptions};
use ciclo::consolidation::matching::{blocking_keys, Decision, Score};
use ciclo::model::Record;
use ciclo::standardize::Options;
use ciclo::synthetic::{
    generate, pair_counts, Corruption, Corruptions, Population, Relation, Synthetic,
    SyntheticOptions, CSV_COLUMNS,
};

const USAGE: &str = "usage: match_eval [--population en|es|mixed] [--records N] [--seed S] [--us SHARE] [--duplicates SHARE] [--keep FIELD,...] [--csv OUT.csv] [--examples K] [--only LABEL]";

/// Every field of `record` with its name (as in [`Record`] and its JSON): the
/// fields `--keep` may name.
fn fields(record: &mut Record) -> [(&'static str, &mut Option<String>); 17] {
    [
        ("title", &mut record.title),
        ("given_name", &mut record.given_name),
        ("surname", &mut record.surname),
        ("full_name", &mut record.full_name),
        ("company", &mut record.company),
        ("email", &mut record.email),
        ("phone", &mut record.phone),
        ("mobile", &mut record.mobile),
        ("street", &mut record.street),
        ("street_number", &mut record.street_number),
        ("address_extra", &mut record.address_extra),
        ("locality", &mut record.locality),
        ("province", &mut record.province),
        ("postal_code", &mut record.postal_code),
        ("country", &mut record.country),
        ("birth_date", &mut record.birth_date),
        ("national_id", &mut record.national_id),
    ]
}

/// Empties every field of `record` not named in `keep`: a file that carries
/// fewer columns (a marketing list with names, birth date, city and email).
fn keep_only(record: &mut Record, keep: &[String]) {
    for (name, slot) in fields(record) {
        if !keep.iter().any(|k| k == name) {
            *slot = None;
        }
    }
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("match_eval: {message}");
            ExitCode::FAILURE
        }
    }
}

struct Args {
    population: Population,
    records: usize,
    seed: u64,
    us_share: Option<f64>,
    csv: Option<String>,
    examples: usize,
    only: Option<String>,
    keep: Option<Vec<String>>,
    duplicates: Option<f64>,
}

fn parse_args() -> Result<Option<Args>, String> {
    let mut a = Args {
        population: Population::English,
        records: 20_000,
        seed: 1,
        us_share: None,
        csv: None,
        examples: 10,
        only: None,
        keep: None,
        duplicates: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || {
            args.next()
                .ok_or_else(|| format!("{arg}: a value\n{USAGE}"))
        };
        match arg.as_str() {
            "--population" => {
                let v = value()?;
                a.population = Population::parse(&v)
                    .ok_or_else(|| format!("--population {v}: en, es or mixed"))?;
            }
            "--records" => {
                let v = value()?;
                a.records = v
                    .replace('_', "")
                    .parse()
                    .map_err(|_| format!("--records {v}: not a number"))?;
            }
            "--seed" => {
                let v = value()?;
                a.seed = v.parse().map_err(|_| format!("--seed {v}: not a number"))?;
            }
            "--us" => {
                let v = value()?;
                let share: f64 = v.parse().map_err(|_| format!("--us {v}: not a number"))?;
                if !(0.0..=1.0).contains(&share) {
                    return Err("--us must lie in 0..=1".into());
                }
                a.us_share = Some(share);
            }
            "--duplicates" => {
                let v = value()?;
                let share: f64 = v
                    .parse()
                    .map_err(|_| format!("--duplicates {v}: not a number"))?;
                if !(0.0..=0.75).contains(&share) {
                    return Err("--duplicates must lie in 0..=0.75".into());
                }
                a.duplicates = Some(share);
            }
            "--csv" => a.csv = Some(value()?),
            "--examples" => {
                let v = value()?;
                a.examples = v
                    .parse()
                    .map_err(|_| format!("--examples {v}: not a number"))?;
            }
            "--only" => a.only = Some(value()?),
            "--keep" => {
                let v = value()?;
                let keep: Vec<String> = v.split(',').map(|f| f.trim().to_string()).collect();
                let known = fields(&mut Record::default()).map(|(name, _)| name);
                if let Some(bad) = keep.iter().find(|f| !known.contains(&f.as_str())) {
                    return Err(format!(
                        "--keep {bad}: not a record field ({})",
                        known.join(", ")
                    ));
                }
                a.keep = Some(keep);
            }
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(None);
            }
            _ => return Err(format!("unknown argument {arg}\n{USAGE}")),
        }
    }
    Ok(Some(a))
}

fn run() -> Result<(), String> {
    let Some(args) = parse_args()? else {
        return Ok(());
    };
    let mut options = match args.population {
        Population::Hispanic => SyntheticOptions::new(args.records, args.seed),
        population => SyntheticOptions {
            population,
            ..SyntheticOptions::english(args.records, args.seed)
        },
    };
    if let Some(share) = args.us_share {
        options.us_share = share;
    }
    if let Some(share) = args.duplicates {
        options.duplicate_share = share;
    }

    let start = Instant::now();
    let mut data = generate(&options);
    if let Some(keep) = &args.keep {
        for record in &mut data.records {
            keep_only(record, keep);
        }
    }
    let generated = start.elapsed().as_secs_f64();
    let today = time::macros::date!(2026 - 01 - 01);
    let dedup_options = DedupOptions::new(Options::new(None, today));
    let start = Instant::now();
    let dedup = deduplicate(&data.records, &dedup_options, &mut |_| {});
    let deduplicated = start.elapsed().as_secs_f64();

    let eval = Eval::new(&data, &dedup);
    eval.print_summary(&args, &options, generated, deduplicated);
    eval.print_misses(&args);
    eval.print_wrong_merges(&args);
    if let Some(path) = &args.csv {
        write_csv(path, &data, &dedup).map_err(|e| format!("{path}: {e}"))?;
        println!("\nwrote {path}");
    }
    Ok(())
}

/// Why a true pair was not merged.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Cause {
    NoSharedKey,
    Distinct,
    ReviewUncertain,
    Vetoed,
    Chaining,
}

impl Cause {
    fn as_str(self) -> &'static str {
        match self {
            Cause::NoSharedKey => "no_shared_key",
            Cause::Distinct => "distinct",
            Cause::ReviewUncertain => "review_uncertain",
            Cause::Vetoed => "vetoed",
            Cause::Chaining => "chaining",
        }
    }
}

/// A true pair that was not merged.
struct Miss {
    a: u32,
    b: u32,
    labels: Corruptions,
    reviewed: bool,
    cause: Cause,
}

/// A pair of records of different people merged into one customer.
struct Wrong {
    a: u32,
    b: u32,
    kind: &'static str,
}

struct Eval<'a> {
    data: &'a Synthetic,
    dedup: &'a Dedup,
    true_pairs: u64,
    merged_pairs: u64,
    reviewed_pairs: u64,
    /// Per label: true pairs carrying it, and how many of them were missed.
    by_label: BTreeMap<Corruption, (u64, u64)>,
    /// True pairs without any label, and how many of them were missed.
    unlabelled: (u64, u64),
    misses: Vec<Miss>,
    wrong: Vec<Wrong>,
}

impl<'a> Eval<'a> {
    fn new(data: &'a Synthetic, dedup: &'a Dedup) -> Eval<'a> {
        let leader = &dedup.clusters.leader;
        let reviews: HashSet<(u32, u32)> = dedup
            .clusters
            .review
            .iter()
            .map(|&(a, b, _)| {
                let (x, y) = (leader[a as usize], leader[b as usize]);
                (x.min(y), x.max(y))
            })
            .collect();
        let mut members: HashMap<u32, Vec<u32>> = HashMap::new();
        for (i, &c) in data.cluster.iter().enumerate() {
            members.entry(c).or_default().push(i as u32);
        }
        let mut eval = Eval {
            data,
            dedup,
            true_pairs: 0,
            merged_pairs: 0,
            reviewed_pairs: 0,
            by_label: BTreeMap::new(),
            unlabelled: (0, 0),
            misses: Vec::new(),
            wrong: Vec::new(),
        };
        let mut people: Vec<&Vec<u32>> = members.values().filter(|m| m.len() > 1).collect();
        people.sort();
        for records in people {
            for (i, &a) in records.iter().enumerate() {
                for &b in &records[i + 1..] {
                    eval.true_pair(a, b, &reviews);
                }
            }
        }

        let mut customers: HashMap<u32, Vec<u32>> = HashMap::new();
        for (i, &l) in leader.iter().enumerate() {
            customers.entry(l).or_default().push(i as u32);
        }
        let mut groups: Vec<&Vec<u32>> = customers.values().filter(|m| m.len() > 1).collect();
        groups.sort();
        let roots = household_roots(data);
        for records in groups {
            for (i, &a) in records.iter().enumerate() {
                for &b in &records[i + 1..] {
                    if data.cluster[a as usize] != data.cluster[b as usize] {
                        let kind = kind_of(data, &roots, a, b);
                        eval.wrong.push(Wrong { a, b, kind });
                    }
                }
            }
        }
        eval
    }

    fn true_pair(&mut self, a: u32, b: u32, reviews: &HashSet<(u32, u32)>) {
        let leader = &self.dedup.clusters.leader;
        let (la, lb) = (leader[a as usize], leader[b as usize]);
        let merged = la == lb;
        let reviewed = !merged && reviews.contains(&(la.min(lb), la.max(lb)));
        self.true_pairs += 1;
        self.merged_pairs += u64::from(merged);
        self.reviewed_pairs += u64::from(merged || reviewed);
        let labels = self.data.corruptions[a as usize].union(self.data.corruptions[b as usize]);
        for c in labels.iter() {
            let e = self.by_label.entry(c).or_default();
            e.0 += 1;
            e.1 += u64::from(!merged);
        }
        if labels.is_empty() {
            self.unlabelled.0 += 1;
            self.unlabelled.1 += u64::from(!merged);
        }
        if !merged {
            let cause = self.cause(a, b);
            self.misses.push(Miss {
                a,
                b,
                labels,
                reviewed,
                cause,
            });
        }
    }

    fn score(&self, a: u32, b: u32) -> Score {
        let p = &self.dedup.profiles;
        self.dedup.model.score(
            &p[a as usize],
            &p[b as usize],
            self.dedup.term_frequencies.as_ref(),
        )
    }

    fn cause(&self, a: u32, b: u32) -> Cause {
        let p = &self.dedup.profiles;
        let keys: HashSet<String> = blocking_keys(&p[a as usize])
            .iter()
            .map(|k| k.to_string())
            .collect();
        let shared = blocking_keys(&p[b as usize])
            .iter()
            .any(|k| keys.contains(&k.to_string()));
        if !shared {
            return Cause::NoSharedKey;
        }
        let score = self.score(a, b);
        match self.dedup.model.decide(&score) {
            Decision::Merge => Cause::Chaining,
            Decision::Review if score.vetoed() => Cause::Vetoed,
            Decision::Review => Cause::ReviewUncertain,
            Decision::Distinct => Cause::Distinct,
        }
    }

    fn print_summary(&self, args: &Args, options: &SyntheticOptions, gen: f64, dedup: f64) {
        let data = self.data;
        let n = data.len();
        let found: Vec<u32> = self.dedup.clusters.leader.clone();
        let pc = pair_counts(&data.cluster, &found);
        let us = match options.population {
            Population::Hispanic => String::new(),
            _ => format!(
                ", {:.0}% US among the English-speaking",
                options.us_share * 100.0
            ),
        };
        println!(
            "population {} ({n} records, seed {}{us}), generated in {gen:.2} s, deduplicated in {dedup:.2} s",
            options.population.as_str(),
            args.seed,
        );
        let mut relations: BTreeMap<Relation, usize> = BTreeMap::new();
        let mut seen = HashSet::new();
        for (c, r) in data.cluster.iter().zip(&data.relation) {
            if let Some((rel, _)) = r {
                if seen.insert(*c) {
                    *relations.entry(*rel).or_default() += 1;
                }
            }
        }
        let rel_text: Vec<String> = relations
            .iter()
            .map(|(r, n)| format!("{} {n}", r.as_str()))
            .collect();
        println!(
            "people {}, duplicate records {}, related people: {}",
            data.persons(),
            data.duplicates(),
            rel_text.join(", ")
        );
        println!(
            "customers found {}, pairs compared {}",
            self.dedup.customers(),
            self.dedup.compared_pairs
        );
        println!();
        println!(
            "pairwise: precision {:.4}  recall {:.4}  F1 {:.4}   (true pairs {}, found {}, correct {})",
            pc.precision(),
            pc.recall(),
            pc.f1(),
            pc.true_pairs,
            pc.found_pairs,
            pc.correct_pairs
        );
        println!(
            "merged-or-reviewed recall {:.4} ({} of {} true pairs)",
            ratio(self.reviewed_pairs, self.true_pairs),
            self.reviewed_pairs,
            self.true_pairs
        );
        let reviews = self.dedup.clusters.review.len();
        let mut reasons: BTreeMap<&str, usize> = BTreeMap::new();
        for (_, _, r) in &self.dedup.clusters.review {
            *reasons.entry(r.as_str()).or_default() += 1;
        }
        let reasons: Vec<String> = reasons.iter().map(|(r, n)| format!("{r} {n}")).collect();
        println!(
            "review pairs {reviews} ({:.2}% of records: {})",
            100.0 * reviews as f64 / n.max(1) as f64,
            reasons.join(", ")
        );
        println!(
            "wrong merges {} pairs of records",
            pc.found_pairs - pc.correct_pairs
        );
    }

    fn print_misses(&self, args: &Args) {
        println!(
            "\nmissed true pairs: {} of {}",
            self.misses.len(),
            self.true_pairs
        );
        let mut causes: BTreeMap<Cause, (usize, usize)> = BTreeMap::new();
        for m in &self.misses {
            let e = causes.entry(m.cause).or_default();
            e.0 += 1;
            e.1 += usize::from(m.reviewed);
        }
        println!("  by cause (missed, of which reviewed):");
        for (c, (n, r)) in &causes {
            println!("    {:<18} {n:>6} {r:>6}", c.as_str());
        }
        let mut rows: Vec<(Corruption, u64, u64, u64)> = self
            .by_label
            .iter()
            .map(|(&c, &(t, m))| {
                let reviewed = self
                    .misses
                    .iter()
                    .filter(|x| x.reviewed && x.labels.contains(c))
                    .count() as u64;
                (c, t, m, reviewed)
            })
            .collect();
        rows.sort_by(|x, y| y.2.cmp(&x.2).then(x.0.cmp(&y.0)));
        println!("  by corruption label (a pair carries both records' labels):");
        println!(
            "    {:<24} {:>8} {:>8} {:>8} {:>9}",
            "label", "pairs", "missed", "reviewed", "miss rate"
        );
        for (c, t, m, r) in &rows {
            println!(
                "    {:<24} {t:>8} {m:>8} {r:>8} {:>8.1}%",
                c.as_str(),
                100.0 * ratio(*m, *t)
            );
        }
        let (t, m) = self.unlabelled;
        if t > 0 {
            println!(
                "    {:<24} {t:>8} {m:>8} {:>8} {:>8.1}%",
                "(no label)",
                "",
                100.0 * ratio(m, t)
            );
        }
        if args.examples == 0 {
            return;
        }
        for (c, _, m, _) in &rows {
            if *m == 0 || args.only.as_deref().is_some_and(|o| o != c.as_str()) {
                continue;
            }
            let mut chosen: Vec<&Miss> = self
                .misses
                .iter()
                .filter(|x| x.labels.contains(*c))
                .collect();
            // The label alone first: the clearest examples.
            chosen.sort_by_key(|x| (x.labels.len(), x.a, x.b));
            println!("\n== missed, {} ({} pairs):", c.as_str(), m);
            for x in chosen.iter().take(args.examples) {
                let note = format!(
                    "{}{}; labels {}",
                    x.cause.as_str(),
                    if x.reviewed { ", reviewed" } else { "" },
                    x.labels
                );
                self.print_pair(x.a, x.b, &note);
            }
        }
        if args.only.as_deref().is_none_or(|o| o == "(no label)") && self.unlabelled.1 > 0 {
            println!("\n== missed, no label ({} pairs):", self.unlabelled.1);
            for x in self
                .misses
                .iter()
                .filter(|x| x.labels.is_empty())
                .take(args.examples)
            {
                self.print_pair(x.a, x.b, x.cause.as_str());
            }
        }
    }

    fn print_wrong_merges(&self, args: &Args) {
        let mut kinds: BTreeMap<&str, Vec<&Wrong>> = BTreeMap::new();
        for w in &self.wrong {
            kinds.entry(w.kind).or_default().push(w);
        }
        println!("\nwrong merges by kind (pairs of records):");
        for (k, v) in &kinds {
            println!("    {k:<18} {:>6}", v.len());
        }
        if args.examples == 0 {
            return;
        }
        for (k, v) in &kinds {
            if args.only.as_deref().is_some_and(|o| o != *k) {
                continue;
            }
            println!("\n== wrongly merged, {k} ({} pairs):", v.len());
            for w in v.iter().take(args.examples) {
                self.print_pair(w.a, w.b, k);
            }
        }
    }

    /// Two records one above the other, and the pair's score.
    fn print_pair(&self, a: u32, b: u32, note: &str) {
        let data = self.data;
        println!("  -- {note}");
        for i in [a, b] {
            let i = i as usize;
            println!(
                "     {:>7} c{:<6} {}  [{}]",
                data.ids[i],
                data.cluster[i],
                row(&data.records[i]),
                data.corruptions[i]
            );
        }
        let score = self.score(a, b);
        let mut levels = String::new();
        for c in &score.contributions {
            let _ = write!(
                levels,
                " {}={}({:+.1}{})",
                c.field.name(),
                c.level,
                c.weight,
                if c.veto { ",veto" } else { "" }
            );
        }
        println!(
            "     weight {:+.1} p={:.3} {}{}{}",
            score.weight,
            score.probability,
            self.dedup.model.decide(&score).as_str(),
            if score.names_swapped {
                " names_swapped"
            } else {
                ""
            },
            levels
        );
    }
}

/// A record's fields in fixed-width columns.
fn row(r: &Record) -> String {
    let f = |v: &Option<String>, w: usize| {
        let t = v.as_deref().unwrap_or("·");
        let t: String = t.chars().take(w).collect();
        format!("{t:<w$}")
    };
    format!(
        "{} {} {} {} {} {} {} {} {} {} {}",
        f(&r.given_name, 16),
        f(&r.surname, 14),
        f(&r.birth_date, 17),
        f(&r.national_id, 13),
        f(&r.email, 28),
        f(&r.phone, 18),
        f(&r.street, 30),
        f(&r.locality, 12),
        f(&r.province, 6),
        f(&r.postal_code, 10),
        f(&r.country, 6),
    )
}

fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 {
        1.0
    } else {
        a as f64 / b as f64
    }
}

/// Per person, the first person of their household: following household
/// relations back to someone who lives with no one written before.
fn household_roots(data: &Synthetic) -> HashMap<u32, u32> {
    let mut anchor: HashMap<u32, u32> = HashMap::new();
    for (c, r) in data.cluster.iter().zip(&data.relation) {
        if let Some((rel, to)) = r {
            if rel.household() {
                anchor.insert(*c, *to);
            }
        }
    }
    let mut roots = HashMap::new();
    for &c in anchor.keys() {
        let mut root = c;
        while let Some(&up) = anchor.get(&root) {
            root = up;
        }
        roots.insert(c, root);
    }
    roots
}

/// How the people of two records are related.
fn kind_of(data: &Synthetic, roots: &HashMap<u32, u32>, a: u32, b: u32) -> &'static str {
    let (ca, cb) = (data.cluster[a as usize], data.cluster[b as usize]);
    let (ra, rb) = (data.relation[a as usize], data.relation[b as usize]);
    if let Some((rel, to)) = rb
        .filter(|&(_, to)| to == ca)
        .or(ra.filter(|&(_, to)| to == cb))
    {
        let _ = to;
        return rel.as_str();
    }
    let root = |c: u32| roots.get(&c).copied().unwrap_or(c);
    if root(ca) == root(cb) {
        return "household";
    }
    if let (Some((Relation::Namesake, x)), Some((Relation::Namesake, y))) = (ra, rb) {
        if x == y {
            return "namesake";
        }
    }
    "unrelated"
}

fn write_csv(path: &str, data: &Synthetic, dedup: &Dedup) -> std::io::Result<()> {
    let mut w = csv::Writer::from_path(path)?;
    let mut header: Vec<&str> = CSV_COLUMNS.to_vec();
    header.extend([
        "corruptions",
        "relation",
        "related_cluster",
        "found_cluster",
    ]);
    w.write_record(&header)?;
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    for (i, r) in data.records.iter().enumerate() {
        let (relation, related) = match data.relation[i] {
            Some((rel, to)) => (rel.as_str().to_string(), to.to_string()),
            None => (String::new(), String::new()),
        };
        w.write_record([
            data.ids[i].clone(),
            data.cluster[i].to_string(),
            text(&r.given_name),
            text(&r.surname),
            text(&r.email),
            text(&r.phone),
            text(&r.street),
            text(&r.locality),
            text(&r.province),
            text(&r.postal_code),
            text(&r.country),
            text(&r.birth_date),
            text(&r.national_id),
            data.corruptions[i].to_string(),
            relation,
            related,
            dedup.clusters.leader[i].to_string(),
        ])?;
    }
    w.flush()
}
