//! Applies the built-in sample stream to fresh engines, for profiling the apply path
//! with `perf` or valgrind's callgrind (whose instruction counts, unlike timings, do
//! not move with the load of a shared machine).
//!
//! ```sh
//! cargo build --release --example apply_stream
//! valgrind --tool=callgrind --callgrind-out-file=cg.out \
//!     target/release/examples/apply_stream 1000 3
//! callgrind_annotate --inclusive=yes cg.out | grep 'Engine::apply \['
//! ```
//!
//! Arguments: customers in the stream (default 1,000), rounds (default 3), then
//! either `segments`, to run the six-stage model with five host attributes (the
//! purchases' `canal` among them) and four segments (see BENCHMARKS.md,
//! "Segments"), `profile_segments`, the same with four attributes no event
//! carries instead (the cost of evaluating segments alone), `attributes` or
//! `profile_attributes`, the same attributes without the segments (what
//! segment evaluation adds is the difference), or how many changes the change
//! feed keeps (its retention's `max_changes`; default 100,000; 0 keeps none),
//! to measure what the feed costs.

use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let parse = |arg: Option<String>, default: usize| -> usize {
        match arg.map(|a| a.parse::<usize>()) {
            None => default,
            Some(Ok(n)) => n,
            Some(Err(_)) => {
                eprintln!("usage: apply_stream [CUSTOMERS] [ROUNDS] [segments | profile_segments | attributes | profile_attributes | FEED_MAX_CHANGES]");
                std::process::exit(2);
            }
        }
    };
    let customers = parse(args.next(), 1_000);
    let rounds = parse(args.next(), 3);
    let mut feed_max_changes = None;
    let model = match args.next().as_deref() {
        None => ciclo::StageModel::six_stage(),
        Some("segments") => with_segments(true, true),
        Some("profile_segments") => with_segments(false, true),
        Some("attributes") => with_segments(true, false),
        Some("profile_attributes") => with_segments(false, false),
        Some(n) => {
            feed_max_changes = Some(parse(Some(n.to_string()), 0));
            ciclo::StageModel::six_stage()
        }
    };
    let events = ciclo::sample::events(customers, 7).to_vec();
    let mut applied = 0usize;
    let mut secs = 0.0;
    let mut cpu_secs = 0.0;
    for _ in 0..rounds {
        let engine = ciclo::Engine::new(model.clone());
        if let Some(max_changes) = feed_max_changes {
            let retention = ciclo::engine::FeedRetention {
                max_changes,
                ..Default::default()
            };
            if let Err(e) = engine.set_change_retention(retention) {
                eprintln!("apply_stream: {e}");
                std::process::exit(2);
            }
        }
        let start = Instant::now();
        let cpu_start = thread_cpu_seconds();
        for event in &events {
            if engine.apply(event).is_ok() {
                applied += 1;
            }
        }
        cpu_secs += thread_cpu_seconds() - cpu_start;
        secs += start.elapsed().as_secs_f64();
        std::hint::black_box(&engine);
    }
    println!(
        "{applied} events applied in {rounds} rounds of {customers} customers: \
         {:.2} M events/s ({:.2} M per second of this thread's CPU time)",
        applied as f64 / secs / 1e6,
        applied as f64 / cpu_secs / 1e6,
    );
}

/// CPU time this thread has run, from Linux's scheduler statistics (0 elsewhere):
/// unlike wall-clock time, it does not count the time other processes held the CPU.
fn thread_cpu_seconds() -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<f64>().ok())
        .map_or(0.0, |ns| ns / 1e9)
}

/// The six-stage model with four attributes, and four segments when
/// `segments`: one on an attribute, one on metrics within two stages, one on
/// a time-dependent metric, one on an attribute no event carries. With
/// `canal`, the purchases' `canal` (which changes on most purchases) is a
/// fifth declared attribute and the first segment reads it: the attribute is
/// stored, the segment re-evaluated and both changes put on the feed on most
/// purchases. Without, the first segment reads `province`, which no event of
/// the stream carries (settled by bit masks for customers without
/// attributes): what is left is deciding, after every event, which segments
/// to evaluate, and evaluating those that read metrics.
fn with_segments(canal: bool, segments: bool) -> ciclo::StageModel {
    let mut config = ciclo::lifecycle::presets::six_stage();
    let (canal_decl, first) = if canal {
        (
            r#""canal": {"type": "category", "values": ["web", "app", "tienda", "whatsapp"]},"#,
            r#"{"name": "online", "when": {"attribute": "canal", "in": ["web", "app"]}},"#,
        )
    } else {
        (
            "",
            r#"{"name": "cordoba", "when": {"attribute": "province", "in": ["Córdoba"]}},"#,
        )
    };
    let attributes = format!(
        r#"{{
            {canal_decl}
            "province": {{"type": "category", "values": ["Buenos Aires", "Córdoba", "Santa Fe"]}},
            "income_band": {{"type": "category", "values": ["low", "middle", "high"]}},
            "credit_situation": {{"type": "category", "values": ["1", "2", "3", "4", "5", "6"]}},
            "employees": {{"type": "number", "min": 0}}
        }}"#
    );
    config.attributes = serde_json::from_str(&attributes).expect("valid attributes");
    let list = format!(
        r#"[
            {first}
            {{"name": "repeat_buyers", "stages": ["growth", "retention"],
             "when": {{"all": [{{"metric": "purchase_count", "op": ">=", "value": 2}},
                              {{"metric": "revenue", "op": ">=", "value": 100000}}]}}}},
            {{"name": "active", "when": {{"metric": "days_since_last_activity", "op": "<", "value": 30}}}},
            {{"name": "non_performing", "when": {{"attribute": "credit_situation", "in": ["3", "4", "5", "6"]}}}}
        ]"#
    );
    if segments {
        config.segments = serde_json::from_str(&list).expect("valid segments");
    }
    ciclo::StageModel::compile(config).expect("a valid model")
}
