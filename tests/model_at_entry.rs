//! The estimated model at the point of entry: records ingested one call at a
//! time reach the batch's accuracy.

use std::collections::{HashMap, HashSet};
use std::fs::File;

use ciclo::consolidation::dedup::{deduplicate, Dedup, DedupOptions};
use ciclo::consolidation::golden::SourceKey;
use ciclo::consolidation::registry::RegistryConfig;
use ciclo::import::{read_csv, Export};
use ciclo::lifecycle::StageModel;
use ciclo::model::Timestamp;
use ciclo::standardize::Options;
use ciclo::Engine;

type Pairs = HashSet<(String, String)>;

fn data(name: &str) -> String {
    format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn export(name: &str) -> Export {
    read_csv(File::open(data(name)).unwrap(), &[]).unwrap()
}

fn ordered(a: &str, b: &str) -> (String, String) {
    if a <= b {
        (a.to_string(), b.to_string())
    } else {
        (b.to_string(), a.to_string())
    }
}

fn pairs_of_groups<K: std::hash::Hash + Eq>(ids: &[String], group: impl Fn(usize) -> K) -> Pairs {
    let mut groups: HashMap<K, Vec<usize>> = HashMap::new();
    for i in 0..ids.len() {
        groups.entry(group(i)).or_default().push(i);
    }
    let mut pairs = HashSet::new();
    for members in groups.values() {
        for (k, &a) in members.iter().enumerate() {
            for &b in &members[k + 1..] {
                pairs.insert(ordered(&ids[a], &ids[b]));
            }
        }
    }
    pairs
}

fn f1(found: &Pairs, truth: &Pairs) -> (f64, f64, f64) {
    let tp = found.intersection(truth).count() as f64;
    let p = if found.is_empty() { 1.0 } else { tp / found.len() as f64 };
    let r = tp / truth.len() as f64;
    (p, r, 2.0 * p * r / (p + r))
}

const TODAY: &str = "2026-11-23T00:00:00Z";

fn batch(export: &Export, tf: bool) -> Dedup {
    let mut options = DedupOptions::new(Options::new(None, time::macros::date!(2026 - 11 - 23)));
    options.term_frequencies = tf;
    deduplicate(&export.records, &options, &mut |_| {})
}

fn ingest_all(export: &Export, engine: &Engine) -> Pairs {
    let at = Timestamp::parse(TODAY, "updated").unwrap();
    let mut golden = Vec::with_capacity(export.ids.len());
    for (id, record) in export.ids.iter().zip(&export.records) {
        let out = engine
            .ingest(SourceKey::new("file", id).unwrap(), at, record.clone())
            .unwrap();
        golden.push(out.golden);
    }
    let golden: Vec<String> = golden.iter().map(|g| engine.resolve(&g.to_string()).unwrap()).collect();
    pairs_of_groups(&export.ids, |i| golden[i].clone())
}

fn truth_dupes() -> Pairs {
    let mut r = csv::Reader::from_path(data("dupes_es.csv")).unwrap();
    let h = r.headers().unwrap().clone();
    let col = h.iter().position(|h| h == "cluster_id").unwrap();
    let rows: Vec<_> = r.records().map(|r| r.unwrap()).collect();
    let ids: Vec<String> = rows.iter().map(|r| r[0].to_string()).collect();
    pairs_of_groups(&ids, |i| rows[i][col].to_string())
}

fn truth_file(name: &str) -> Pairs {
    let mut reader = csv::Reader::from_path(data(name)).unwrap();
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            ordered(&r[0], &r[1])
        })
        .collect()
}

fn experiment(name: &str, truth: &Pairs) {
    let export = export(name);
    for tf in [true, false] {
        let b = batch(&export, tf);
        let found = pairs_of_groups(&export.ids, |i| b.clusters.leader[i]);
        println!("{name} batch tf={tf}: {:?}", f1(&found, truth));
        if tf {
            let engine = Engine::new(StageModel::six_stage());
            engine
                .configure_consolidation(RegistryConfig {
                    model: b.model.clone(),
                    ..RegistryConfig::default()
                })
                .unwrap();
            let t = std::time::Instant::now();
            let entry = ingest_all(&export, &engine);
            println!("{name} entry (batch model): {:?} in {:?}", f1(&entry, truth), t.elapsed());
            let only_batch: Vec<_> = found.difference(&entry).take(10).collect();
            let only_entry: Vec<_> = entry.difference(&found).take(10).collect();
            println!("  batch only {} {only_batch:?}\n  entry only {} {only_entry:?}", found.difference(&entry).count(), entry.difference(&found).count());
        }
    }
    let engine = Engine::new(StageModel::six_stage());
    let entry = ingest_all(&export, &engine);
    println!("{name} entry (default model): {:?}", f1(&entry, truth));
}

#[test]
fn experiment_dupes() {
    experiment("dupes_es.csv", &truth_dupes());
}

#[test]
fn experiment_febrl2() {
    experiment("febrl2.csv", &truth_file("febrl2_true_pairs.csv"));
}

fn diagnose(name: &str, truth: &Pairs) {
    use ciclo::consolidation::registry::IngestDecision;
    let export = export(name);
    let b = batch(&export, true);
    let found = pairs_of_groups(&export.ids, |i| b.clusters.leader[i]);
    let engine = Engine::new(StageModel::six_stage());
    engine
        .configure_consolidation(RegistryConfig {
            model: b.model.clone(),
            ..RegistryConfig::default()
        })
        .unwrap();
    let at = Timestamp::parse(TODAY, "updated").unwrap();
    let mut outs = Vec::new();
    let mut golden = Vec::new();
    for (id, record) in export.ids.iter().zip(&export.records) {
        let out = engine
            .ingest(SourceKey::new("file", id).unwrap(), at, record.clone())
            .unwrap();
        golden.push(out.golden);
        outs.push(out);
    }
    let golden: Vec<String> = golden.iter().map(|g| engine.resolve(&g.to_string()).unwrap()).collect();
    let index: HashMap<&str, usize> = export.ids.iter().enumerate().map(|(i, id)| (id.as_str(), i)).collect();
    let entry = pairs_of_groups(&export.ids, |i| golden[i].clone());
    let mut cats: HashMap<String, usize> = HashMap::new();
    // Per batch-only pair: the customers at the end; the decision of the later.
    let mut seen_groups = HashSet::new();
    for (x, y) in found.difference(&entry) {
        let (i, j) = (index[x.as_str()], index[y.as_str()]);
        let (i, j) = (i.min(j), i.max(j));
        let key = (golden[i].clone(), golden[j].clone());
        if !seen_groups.insert(key) { continue; }
        let later = &outs[j];
        let cand = later.candidates.iter().find(|c| engine.resolve(&c.golden.to_string()).ok() == Some(golden[i].clone()));
        let cat = format!("{:?} cand_of_other={:?} n_merge_cands={}", later.decision, cand.map(|c| c.decision), later.candidates.iter().filter(|c| c.decision == ciclo::consolidation::matching::Decision::Merge).count());
        *cats.entry(cat.clone()).or_default() += 1;
        if later.decision == IngestDecision::Review || cand.is_some() {
            println!("{x} {y}: {cat}");
        }
    }
    println!("{name}: {cats:#?}");
}

#[test]
fn diagnose_dupes() {
    diagnose("dupes_es.csv", &truth_dupes());
}

#[test]
fn diagnose_febrl2() {
    diagnose("febrl2.csv", &truth_file("febrl2_true_pairs.csv"));
}

#[test]
fn trace_febrl2() {
    let export = export("febrl2.csv");
    let b = batch(&export, true);
    let engine = Engine::new(StageModel::six_stage());
    engine
        .configure_consolidation(RegistryConfig {
            model: b.model.clone(),
            ..RegistryConfig::default()
        })
        .unwrap();
    let at = Timestamp::parse(TODAY, "updated").unwrap();
    for (i, (id, record)) in export.ids.iter().zip(&export.records).enumerate() {
        let out = engine
            .ingest(SourceKey::new("file", id).unwrap(), at, record.clone())
            .unwrap();
        if ["rec-419-", "rec-3400-", "rec-320-"].iter().any(|p| id.starts_with(p)) {
            println!("#{i} {id} -> {} {:?} joined {:?}", out.golden, out.decision, out.joined);
            for c in &out.candidates {
                println!("   {} {} {:?} p={:.4} vetoed={} {:?}", c.golden, c.source.id, c.decision, c.score.probability, c.score.vetoed(),
                    c.score.contributions.iter().map(|c| format!("{}:{}{}", c.field.name(), c.level, if c.veto {"!"} else {""})).collect::<Vec<_>>());
            }
        }
    }
    let p = |id: &str| b.profiles[export.ids.iter().position(|x| x == id).unwrap()].clone();
    for (x, y) in [("rec-419-dup-0", "rec-419-org"), ("rec-419-dup-0", "rec-419-dup-1"), ("rec-419-dup-0", "rec-419-dup-2"), ("rec-419-dup-1", "rec-419-org"),("rec-419-dup-2", "rec-419-org"),("rec-419-dup-1", "rec-419-dup-2")] {
        let s = b.model.score(&p(x), &p(y), None);
        println!("{x} {y} p={:.4} vetoed={} {:?}", s.probability, s.vetoed(), s.contributions.iter().map(|c| format!("{}:{}{}", c.field.name(), c.level, if c.veto {"!"} else {""})).collect::<Vec<_>>());
    }
}
