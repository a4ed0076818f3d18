//! `ciclo dedup`: one golden customer id per record of a CSV export (the example
//! `examples/dedup.rs`, with a progress bar and the output next to the input by
//! default).
//!
//! The header row names the columns; the first column is the record id. Known
//! columns are recognised by name (FEBRL's, dupes_es's, and the usual English
//! and Spanish names: see `ciclo::import`); `--map` maps others. The match
//! model's parameters are estimated from the file itself, without labels,
//! unless `--no-estimate`.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use ciclo::consolidation::dedup::{deduplicate, deduplicate_golden, Dedup, DedupOptions, Progress};
use ciclo::consolidation::golden::{SourceKey, Survivorship};
use ciclo::json::consolidation::{golden_value, score_weights};
use ciclo::model::time::Timestamp;

use crate::input::RecordInput;
use crate::{output, progress};

/// The arguments of `ciclo dedup`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The export: CSV with a header row, the record id in the first column
    pub input: PathBuf,

    /// Where to write `rec_id,golden_id` for every record, in input order (the
    /// golden id is the id of the customer's first record) [default: INPUT's
    /// name with `.golden_ids.csv`, next to it]
    #[arg(short, long, value_name = "OUT.csv")]
    pub out: Option<PathBuf>,

    /// Also write each customer's golden record, one JSON object a line, in the
    /// order of their first records
    #[arg(long, value_name = "GOLDEN.jsonl")]
    pub golden: Option<PathBuf>,

    /// Also write the pairs left to a data steward, most probable first:
    /// `rec_id_a,rec_id_b,probability,reason,weights`
    #[arg(long, value_name = "REVIEW.csv")]
    pub review: Option<PathBuf>,

    /// Score with the built-in match parameters instead of estimating them from
    /// the file
    #[arg(long)]
    pub no_estimate: bool,

    #[command(flatten)]
    pub records: RecordInput,
}

/// Reads, deduplicates, and writes what was asked; the summary goes to stderr.
pub fn run(args: &Args) -> Result<(), String> {
    let start = Instant::now();
    let out = output::path(&args.input, args.out.as_deref(), ".golden_ids.csv")?;
    let mut outputs = vec![("--out", out.as_path())];
    for (option, extra) in [("--golden", &args.golden), ("--review", &args.review)] {
        if let Some(extra) = extra {
            output::path(&args.input, Some(extra), "")?;
            outputs.push((option, extra.as_path()));
        }
    }
    output::distinct(&outputs)?;
    let export = args.records.read(&args.input)?;
    let input = args.input.display();

    // The records' keys in the golden records, checked before any work.
    let keys = match &args.golden {
        None => Vec::new(),
        Some(_) => export
            .ids
            .iter()
            .enumerate()
            .map(|(i, id)| {
                SourceKey::new("export", id)
                    .map_err(|e| format!("{input}: record {} (line {}): {e}", i + 1, i + 2))
            })
            .collect::<Result<Vec<_>, _>>()?,
    };
    let mut options = DedupOptions::new(args.records.options());
    if args.no_estimate {
        options.estimate = None;
    }
    let mut steps = progress::Steps::new();
    let mut on_progress = |p: Progress| steps.update(p);
    let (dedup, golden) = match &args.golden {
        None => (
            deduplicate(&export.records, &options, &mut on_progress),
            None,
        ),
        Some(_) => {
            let updated = Timestamp::from_millis(0, "updated").map_err(|e| e.to_string())?;
            let (dedup, golden) = deduplicate_golden(
                &export.records,
                &keys,
                updated,
                &options,
                &Survivorship::default(),
                &mut on_progress,
            )
            .map_err(|e| e.to_string())?;
            (dedup, Some(golden))
        }
    };
    steps.finish();

    write_golden_ids(&out, &export.ids, &dedup)?;
    eprintln!("golden ids written to {}", out.display());
    eprintln!("model: {}", describe_model(&dedup));
    if let (Some(path), Some(golden)) = (&args.golden, &golden) {
        let fail = |e: std::io::Error| format!("{}: {e}", path.display());
        let mut file = BufWriter::new(File::create(path).map_err(fail)?);
        for (first, record) in golden {
            let line = golden_value(&export.ids[*first as usize], record);
            writeln!(file, "{line}").map_err(fail)?;
        }
        file.flush().map_err(fail)?;
        eprintln!("golden records written to {}", path.display());
    }
    let reviews = dedup.reviews();
    if let Some(path) = &args.review {
        let fail = |e: csv::Error| format!("{}: {e}", path.display());
        let mut writer = csv::Writer::from_path(path).map_err(fail)?;
        writer
            .write_record(["rec_id_a", "rec_id_b", "probability", "reason", "weights"])
            .map_err(fail)?;
        for r in &reviews {
            writer
                .write_record([
                    export.ids[r.a as usize].as_str(),
                    export.ids[r.b as usize].as_str(),
                    &format!("{:.6}", r.score.probability),
                    &r.explain(),
                    &score_weights(&r.score).to_string(),
                ])
                .map_err(fail)?;
        }
        writer
            .flush()
            .map_err(|e| format!("{}: {e}", path.display()))?;
        eprintln!("review pairs written to {}", path.display());
    }
    eprintln!(
        "records: {}\ngolden records: {}\nmerges: {}\nreview pairs: {}\npairs compared: {}\ntime: {:.3} s",
        export.records.len(),
        dedup.customers(),
        dedup.clusters.merged.len(),
        reviews.len(),
        dedup.compared_pairs,
        start.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Writes `rec_id,golden_id` for every record, in input order.
fn write_golden_ids(path: &Path, ids: &[String], dedup: &Dedup) -> Result<(), String> {
    let fail = |e: csv::Error| format!("{}: {e}", path.display());
    let mut writer = csv::Writer::from_path(path).map_err(fail)?;
    writer.write_record(["rec_id", "golden_id"]).map_err(fail)?;
    for (i, id) in ids.iter().enumerate() {
        let golden = &ids[dedup.clusters.leader[i] as usize];
        writer.write_record([id, golden]).map_err(fail)?;
    }
    writer
        .flush()
        .map_err(|e| format!("{}: {e}", path.display()))
}

/// How the match model's parameters were set.
fn describe_model(dedup: &Dedup) -> String {
    let Some(e) = &dedup.estimate else {
        return "default parameters".to_string();
    };
    match &e.m {
        Some(m) => format!(
            "estimated: u from {} random pairs; m and prior by EM on {} candidate pairs \
             ({} patterns), {} iterations{}, {:.0} matches expected",
            e.u.sampled_pairs,
            m.pairs,
            m.patterns,
            m.iterations,
            if m.converged {
                ", converged"
            } else {
                ", not converged"
            },
            m.matches
        ),
        None => format!(
            "u estimated from {} random pairs; too few candidate pairs for EM: default m",
            e.u.sampled_pairs
        ),
    }
}
