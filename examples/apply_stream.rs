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
//! Arguments: customers in the stream (default 1,000) and rounds (default 3).

use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let parse = |arg: Option<String>, default: usize| -> usize {
        match arg.map(|a| a.parse::<usize>()) {
            None => default,
            Some(Ok(n)) => n,
            Some(Err(_)) => {
                eprintln!("usage: apply_stream [CUSTOMERS] [ROUNDS]");
                std::process::exit(2);
            }
        }
    };
    let customers = parse(args.next(), 1_000);
    let rounds = parse(args.next(), 3);
    let events = ciclo::sample::events(customers, 7).to_vec();
    let mut applied = 0usize;
    let start = Instant::now();
    for _ in 0..rounds {
        let engine = ciclo::Engine::new(ciclo::StageModel::six_stage());
        for event in &events {
            if engine.apply(event).is_ok() {
                applied += 1;
            }
        }
        std::hint::black_box(&engine);
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{applied} events applied in {rounds} rounds of {customers} customers: {:.2} M events/s",
        applied as f64 / secs / 1e6
    );
}
