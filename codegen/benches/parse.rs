//! Parse-only baseline for `cargo xtask regen` (issue 13.13): the time to merely parse every pinned
//! descriptions with `serde_yaml` into `openapiv3::OpenAPI`, nothing else (no JSON tree, no
//! lowering, no emitting). The user-facing `cargo xtask regen` is compared with it in BENCHMARKS.md.
//!
//! `cargo bench -p intercom-api-codegen --bench parse` runs one warm-up and `BENCH_RUNS` (default
//! 20) measured runs and prints the median per file and for all of them. Without `--bench` (that is, under
//! `cargo test --benches`) or with `BENCH_SMOKE=1` it parses each file once, only to check that it
//! works. `BENCH_RUNS=1` with `--bench` makes one process do one parse of each file, for timing the
//! process from outside (hyperfine).

use std::path::Path;
use std::time::{Duration, Instant};

use codegen::workspace;

fn main() {
    let bench = std::env::args().any(|a| a == "--bench");
    let smoke = !bench || std::env::var_os("BENCH_SMOKE").is_some_and(|v| v != "0");
    let runs = if smoke {
        1
    } else {
        std::env::var("BENCH_RUNS")
            .ok()
            .and_then(|v| v.parse().ok())
            .filter(|&n: &usize| n > 0)
            .unwrap_or(20)
    };
    let root = workspace::find_root(Path::new(env!("CARGO_MANIFEST_DIR")))
        .expect("the codegen crate is inside the workspace");
    let pins = codegen::specs::load_pins(&root).expect("pins load");
    let texts: Vec<String> = pins
        .iter()
        .map(|p| {
            codegen::specs::locate(&root, p)
                .unwrap_or_else(|e| panic!("{e}"))
                .text
        })
        .collect();

    let parse = |text: &str| -> openapiv3::OpenAPI {
        serde_yaml::from_str(text).unwrap_or_else(|e| panic!("not an OpenAPI document: {e}"))
    };
    let warmup = usize::from(!smoke && runs > 1);
    let mut per_file: Vec<Vec<Duration>> = vec![Vec::new(); pins.len()];
    let mut all = Vec::new();
    for run in 0..warmup + runs {
        let mut sum = Duration::ZERO;
        for (i, text) in texts.iter().enumerate() {
            let t = Instant::now();
            let doc = parse(text);
            let elapsed = t.elapsed();
            // Checks the result (also in smoke runs): every description has operations.
            assert!(!doc.paths.paths.is_empty(), "{}: no paths", pins[i].version);
            std::hint::black_box(doc);
            if run >= warmup {
                per_file[i].push(elapsed);
            }
            sum += elapsed;
        }
        if run >= warmup {
            all.push(sum);
        }
    }
    let versions: Vec<&str> = pins.iter().map(|p| p.version.as_str()).collect();
    if smoke {
        println!(
            "parse (smoke, 1 run, not a measurement): {} parsed in {} ms",
            versions.join(" + "),
            ms(all[0])
        );
        return;
    }
    println!("parse-only baseline (serde_yaml -> openapiv3::OpenAPI), median of {runs} runs:");
    for (pin, samples) in pins.iter().zip(&per_file) {
        println!("  {}: {} ms", pin.version, ms(median(samples)));
    }
    println!("  all: {} ms", ms(median(&all)));
}

fn median(samples: &[Duration]) -> Duration {
    let mut s = samples.to_vec();
    s.sort();
    s.get(s.len() / 2).copied().unwrap_or_default()
}

fn ms(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1e3)
}
