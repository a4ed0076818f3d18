//! `deduplicate` called N times on one reference file in one process: the warm
//! path, made for instruction counts under callgrind, where criterion's timing
//! loop would make the count depend on time.
//!
//! ```sh
//! cargo bench --bench dedup_calls --no-run     # prints the binary's path
//! valgrind --tool=callgrind target/release/deps/dedup_calls-HASH febrl2 1
//! valgrind --tool=callgrind target/release/deps/dedup_calls-HASH febrl2 4
//! ```
//!
//! The difference between the two counts, divided by 3, is one warm call (the
//! file read and the name tables built once are in both). Arguments: the file
//! under `tests/data` without `.csv` (default `febrl1`) and the number of calls
//! (default 1). As a test (`cargo test --benches`) it runs once on FEBRL1.

use ciclo::consolidation::dedup::{deduplicate, DedupOptions};
use ciclo::standardize::Options;

fn main() {
    // `cargo bench` passes `--bench`; criterion-style flags are not used here.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let name = args.first().map_or("febrl1", String::as_str);
    let calls: usize = match args.get(1) {
        Some(n) => n.parse().expect("the number of calls"),
        None => 1,
    };
    let path = format!("{}/tests/data/{name}.csv", env!("CARGO_MANIFEST_DIR"));
    let file = std::fs::File::open(&path).expect("a reference file under tests/data");
    let export = ciclo::import::read_csv(file, &[]).expect("a readable export");
    let options = DedupOptions::new(Options::new(None, time::macros::date!(2026 - 01 - 01)));
    for _ in 0..calls {
        std::hint::black_box(deduplicate(&export.records, &options, &mut |_| {}));
    }
}
