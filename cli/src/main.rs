//! `ciclo`: the command-line program of the ciclo engine, for data stewards.
//!
//! ```text
//! ciclo lifecycle [--customers N] [--seed S]
//! ciclo dedup INPUT.csv [--out OUT.csv] [--golden G.jsonl] [--review R.csv] [...]
//! ciclo clv SUMMARY.csv [--out PREDICTIONS.csv] [--unit weeks|days|months] [...]
//! ciclo standardize INPUT.csv [--out OUT.jsonl] [...]
//! ciclo analytics TRANSACTIONS.csv [--out DIR] [--as-of YYYY-MM-DD] [--map column=field]...
//! ```
//!
//! Each subcommand is what one of the crate's examples does (`examples/`: the
//! code to copy into a program of your own), with arguments read by clap and
//! progress bars on a terminal. Files are written where `--out` says, or next to
//! the input, never into the current directory unasked. Errors name the argument
//! or the file at fault; the exit status is 2 for a bad argument, 1 for a failure.
//!
//! Installed with `cargo install --path cli`; a crate that depends on ciclo
//! compiles none of this.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod analytics;
mod clv;
mod dedup;
mod input;
mod lifecycle;
mod output;
mod progress;
mod standardize;

/// The ciclo engine's data-steward commands: lifecycle stages, deduplication,
/// customer value and record standardisation.
#[derive(Parser)]
#[command(name = "ciclo", version, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run a year of a Spanish-language retailer's CRM events (built in) through
    /// the engine and report the customers per stage, the transitions and the
    /// fastest and slowest paths.
    Lifecycle(lifecycle::Args),
    /// Deduplicate a CSV export: one golden customer id per record, and
    /// optionally the golden records and the pairs left to review.
    Dedup(dedup::Args),
    /// Fit the BG/NBD and Gamma-Gamma models to a customer summary and predict
    /// each customer's purchases, probability alive and lifetime value.
    Clv(clv::Args),
    /// Validate and standardise every record of a CSV export: one JSON line per
    /// record with its standard form and what was found.
    Standardize(standardize::Args),
    /// RFM scores and segments, acquisition cohorts, churn and reactivation
    /// from a transactions export, with an HTML report.
    Analytics(analytics::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let (name, result) = match cli.command {
        Command::Lifecycle(args) => ("lifecycle", Ok(lifecycle::run(&args))),
        Command::Dedup(args) => ("dedup", dedup::run(&args).map(|()| ExitCode::SUCCESS)),
        Command::Clv(args) => ("clv", clv::run(&args).map(|()| ExitCode::SUCCESS)),
        Command::Standardize(args) => (
            "standardize",
            standardize::run(&args).map(|()| ExitCode::SUCCESS),
        ),
        Command::Analytics(args) => (
            "analytics",
            analytics::run(&args).map(|()| ExitCode::SUCCESS),
        ),
    };
    result.unwrap_or_else(|message| {
        eprintln!("ciclo {name}: {message}");
        ExitCode::FAILURE
    })
}
