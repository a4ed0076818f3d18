//! The main job: run a year of CRM events through the engine and see where the
//! customers ended up, how they got there and how long it took.
//!
//! ```text
//! cargo run --release --example lifecycle [-- --customers N --seed S]
//! ```
//!
//! The installed `ciclo` program does the same as `ciclo lifecycle` (`cli/`: clap
//! arguments, a progress bar); this example is the code to copy into a program of
//! your own.
//!
//! Generates the deterministic sample of [`ciclo::sample`], applies every event in
//! time order to an [`Engine`] on the default `six_stage` preset with a tick at the
//! start of every month, then prints customers per stage, transition counts, and the
//! fastest and slowest paths to conversion, growth and retention.

use std::collections::HashMap;
use std::process::ExitCode;
use std::time::Instant;

use ciclo::lifecycle::{CustomerState, RuleId, StageId, StageModel};
use ciclo::model::Timestamp;
use ciclo::{sample, Engine};

const USAGE: &str = "usage: lifecycle [--customers N] [--seed S]
  --customers N   customers to simulate, 0 to 1000000 (default 5000)
  --seed S        seed of the sample, an unsigned 64-bit integer (default 42)";
const MAX_CUSTOMERS: usize = 1_000_000;

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Option<(usize, u64)>, String> {
    let (mut customers, mut seed) = (5000usize, 42u64);
    while let Some(arg) = args.next() {
        let (name, inline) = match arg.split_once('=') {
            Some((n, v)) => (n.to_string(), Some(v.to_string())),
            None => (arg, None),
        };
        let mut value = || inline.clone().or_else(|| args.next());
        match name.as_str() {
            "-h" | "--help" => return Ok(None),
            "--customers" => {
                let v = value().ok_or("--customers needs a value")?;
                customers = v
                    .parse()
                    .ok()
                    .filter(|&n| n <= MAX_CUSTOMERS)
                    .ok_or(format!(
                        "--customers: `{v}` is not a number from 0 to {MAX_CUSTOMERS}"
                    ))?;
            }
            "--seed" => {
                let v = value().ok_or("--seed needs a value")?;
                seed = v
                    .parse()
                    .map_err(|_| format!("--seed: `{v}` is not an unsigned 64-bit integer"))?;
            }
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    Ok(Some((customers, seed)))
}

fn main() -> ExitCode {
    let (customers, seed) = match parse_args(std::env::args().skip(1)) {
        Ok(Some(args)) => args,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("error: {message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };

    let started = Instant::now();
    let events = sample::events(customers, seed);
    let generated = started.elapsed();

    let engine = Engine::new(StageModel::six_stage());
    let (mut errors, mut first_error, mut ticks, mut tick_moves) = (0usize, None, 0usize, 0usize);
    let mut tick = |now| {
        tick_moves += engine.tick(now).moves.len();
        ticks += 1;
    };
    let mut pending = sample::tick_times().into_iter().peekable();
    let started = Instant::now();
    for event in &events {
        // Each month's tick runs before the events at or after its moment.
        while let Some(now) = pending.next_if(|&t| t <= event.at) {
            tick(now);
        }
        if let Err(e) = engine.apply(event) {
            errors += 1;
            first_error
                .get_or_insert_with(|| format!("{}: {e}", event.id.as_deref().unwrap_or("?")));
        }
    }
    pending.for_each(tick);
    let applied = started.elapsed().as_secs_f64();

    let model = engine.model();
    println!("ciclo lifecycle: preset `{}`, seed {seed}", model.name());
    println!(
        "  {} customers, {} events from {} to {} (generated in {:.0} ms)",
        group(engine.len()),
        group(events.len()),
        date(sample::start(), 10),
        date(sample::end(), 10),
        generated.as_secs_f64() * 1e3
    );
    println!(
        "  applied in {:.1} ms with {ticks} monthly ticks: {} events/s; {} tick moves, {errors} errors",
        applied * 1e3,
        group((events.len() as f64 / applied.max(1e-9)) as usize),
        group(tick_moves)
    );
    if let Some(e) = first_error {
        println!("  first error: {e}");
    }

    println!("\nCustomers per stage");
    println!("  {:<14} {:>10} {:>7}", "stage", "customers", "share");
    let total = engine.len().max(1) as f64;
    for (stage, n) in engine.stage_counts() {
        let share = n as f64 / total;
        let bar = "#".repeat((share * 40.0).round() as usize);
        let line = format!(
            "  {:<14} {:>10} {:>6.1}%  {bar}",
            model.stage_name(stage),
            group(n),
            share * 100.0
        );
        println!("{}", line.trim_end());
    }

    // One pass over every customer: transition counts and days to each stage.
    let targets: Vec<StageId> = ["conversion", "growth", "retention"]
        .iter()
        .filter_map(|s| model.stage_id(s))
        .collect();
    let mut moves: HashMap<(StageId, StageId, RuleId, &str), usize> = HashMap::new();
    let mut reached: Vec<Vec<(f64, String)>> = vec![Vec::new(); targets.len()];
    engine.for_each(|id, state| {
        for t in state.history() {
            if let (Some(from), Some(rule)) = (t.from, t.rule) {
                *moves
                    .entry((from, t.to, rule, t.cause.name(model)))
                    .or_default() += 1;
            }
        }
        for (i, &stage) in targets.iter().enumerate() {
            if let Some(at) = state.first_entered(stage) {
                reached[i].push((at.days_since(state.metrics().first_seen), id.to_string()));
            }
        }
    });

    println!(
        "\nTransitions\n  {:<28} {:<16} {:<17} {:>7}",
        "from -> to", "rule", "cause", "count"
    );
    let mut moves: Vec<_> = moves.into_iter().collect();
    moves.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    for ((from, to, rule, cause), n) in &moves {
        let path = format!("{} -> {}", model.stage_name(*from), model.stage_name(*to));
        let rule = &model.rule(*rule).name;
        println!("  {path:<28} {rule:<16} {cause:<17} {:>7}", group(*n));
    }
    if moves.is_empty() {
        println!("  (none)");
    }

    println!("\nDays from first seen to first entering a stage");
    println!(
        "  {:<12} {:>9} {:>7} {:>7} {:>7}   {:<10} slowest",
        "stage", "customers", "min", "median", "max", "fastest"
    );
    for list in reached.iter_mut() {
        // Fastest first; ties by customer id, so the output is deterministic.
        list.sort_by(|a, b| a.0.total_cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
    }
    for (stage, list) in targets.iter().zip(&reached) {
        let name = model.stage_name(*stage);
        let (Some(fast), Some(slow)) = (list.first(), list.last()) else {
            println!("  {name:<12} {:>9}", list.len());
            continue;
        };
        let median = (list[(list.len() - 1) / 2].0 + list[list.len() / 2].0) / 2.0;
        println!(
            "  {name:<12} {:>9} {:>7.1} {median:>7.1} {:>7.1}   {:<10} {}",
            group(list.len()),
            fast.0,
            slow.0,
            fast.1,
            slow.1
        );
    }

    // Full paths of the fastest and slowest customers to the deepest stage reached.
    if let Some(i) = reached.iter().rposition(|l| !l.is_empty()) {
        let (name, list) = (model.stage_name(targets[i]), &reached[i]);
        for (label, (days, id)) in [("Fastest", &list[0]), ("Slowest", &list[list.len() - 1])] {
            println!("\n{label} to {name}: {id}, {days:.1} days");
            match engine.customer(id) {
                Ok(state) => print_path(model, &state),
                Err(e) => println!("  ({e})"),
            }
        }
    }
    ExitCode::from(u8::from(errors > 0))
}

/// One line per move: date, stage entered, rule and cause.
fn print_path(model: &StageModel, state: &CustomerState) {
    for t in state.history() {
        let how = match t.rule {
            Some(rule) => format!("{} ({})", model.rule(rule).name, t.cause.name(model)),
            None => format!("first seen ({})", t.cause.name(model)),
        };
        println!("  {}  {:<13} {how}", date(t.at, 16), model.stage_name(t.to));
    }
    let m = state.metrics();
    println!(
        "  now: {} purchases, revenue {} {}, {} renewals",
        m.purchase_count(),
        group(usize::try_from(m.revenue() / 100).unwrap_or(0)),
        m.purchases
            .as_ref()
            .and_then(|p| p.currency)
            .map_or("-".to_string(), |c| c.to_string()),
        m.relationship.as_ref().map_or(0, |r| r.renewal_count)
    );
}

/// The first `len` characters of the RFC 3339 form, `T` as a space.
fn date(t: Timestamp, len: usize) -> String {
    let text = t.to_rfc3339();
    text.chars()
        .take(len)
        .map(|c| if c == 'T' { ' ' } else { c })
        .collect()
}

/// 1234567 as "1,234,567".
fn group(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}
