//! `ciclo standardize`: every record of a CSV export validated and in standard
//! form, one JSON line per record, and a count of what was found.
//!
//! Each line is `{"id", "record", "country", "valid", "findings", "parsed"}`:
//! the record's id (the first column), then what
//! `ciclo::json::standardized_to_json` gives for it (the standard record, whether
//! no field had an error, each finding with its field, severity, code, message
//! and suggestion, and the parsed values with their comparison keys).

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::time::Instant;

use ciclo::json::standardized_to_json;
use ciclo::standardize::standardize;

use crate::input::RecordInput;
use crate::{output, progress};

/// How many finding codes the summary lists, most frequent first.
const CODES_SHOWN: usize = 10;

/// The arguments of `ciclo standardize`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The export: CSV with a header row, the record id in the first column
    pub input: PathBuf,

    /// Where to write the JSON lines, `-` for standard output [default: INPUT's
    /// name with `.standardized.jsonl`, next to it]
    #[arg(short, long, value_name = "OUT.jsonl")]
    pub out: Option<PathBuf>,

    #[command(flatten)]
    pub records: RecordInput,
}

/// Standardises every record, writes the lines, and sums up on stderr.
pub fn run(args: &Args) -> Result<(), String> {
    let start = Instant::now();
    let to_stdout = args.out.as_deref() == Some("-".as_ref());
    let out = if to_stdout {
        PathBuf::from("-")
    } else {
        output::path(&args.input, args.out.as_deref(), ".standardized.jsonl")?
    };
    let export = args.records.read(&args.input)?;
    let options = args.records.options();

    let name = if to_stdout {
        "standard output".to_string()
    } else {
        out.display().to_string()
    };
    let fail = |e: std::io::Error| format!("{name}: {e}");
    let mut writer: Box<dyn Write> = if to_stdout {
        Box::new(BufWriter::new(std::io::stdout().lock()))
    } else {
        Box::new(BufWriter::new(File::create(&out).map_err(fail)?))
    };
    let (mut valid, mut codes) = (0usize, BTreeMap::<&'static str, usize>::new());
    let bar = progress::bar(export.records.len(), "records");
    for (i, (id, record)) in export.ids.iter().zip(&export.records).enumerate() {
        bar.set_position(i as u64);
        let result = standardize(record, &options);
        valid += usize::from(!result.has_errors());
        for finding in &result.findings {
            *codes.entry(finding.problem.code).or_default() += 1;
        }
        let json = standardized_to_json(&result);
        let fields = json.strip_prefix('{').unwrap_or(&json);
        let id = serde_json::Value::from(id.as_str());
        writeln!(writer, "{{\"id\":{id},{fields}").map_err(fail)?;
    }
    bar.finish_and_clear();
    writer.flush().map_err(fail)?;
    drop(writer);

    let records = export.records.len();
    eprintln!(
        "records: {records}\nvalid: {valid}\nwith an error: {}",
        records - valid
    );
    let mut codes: Vec<(&str, usize)> = codes.into_iter().collect();
    codes.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    if !codes.is_empty() {
        let shown: Vec<String> = codes
            .iter()
            .take(CODES_SHOWN)
            .map(|(code, n)| format!("{code} {n}"))
            .collect();
        let more = codes.len().saturating_sub(CODES_SHOWN);
        let more = if more > 0 {
            format!(" (and {more} more codes)")
        } else {
            String::new()
        };
        eprintln!("findings: {}{more}", shown.join(", "));
    }
    eprintln!(
        "written to {name}\ntime: {:.3} s",
        start.elapsed().as_secs_f64()
    );
    Ok(())
}
