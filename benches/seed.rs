//! Benchmark (not a test): seed 1,000 secrets into the fake Key Vault with 20 ms added to every
//! answer, at --concurrency 1, 8 and 32. Prints wall time, request count and requests per second.
//!
//! Run: `cargo bench --bench seed` (KVWIRE_BENCH_SECRETS=N to change the count).

#[path = "../tests/support/mod.rs"]
mod support;

use std::time::{Duration, Instant};

fn main() {
    let count: usize = std::env::var("KVWIRE_BENCH_SECRETS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    println!("seeding {count} secrets, 20 ms latency per request");
    println!(
        "{:>11} {:>10} {:>9} {:>9}",
        "concurrency", "wall (s)", "requests", "req/s"
    );
    for concurrency in [1, 8, 32] {
        let fake = support::Fake::start();
        fake.seed_vault("kv-demo", true, true);
        fake.state.lock().unwrap().latency = Duration::from_millis(20);
        let file = fake.dir.join("bulk.env");
        let body: String = (0..count)
            .map(|i| format!("SECRET_{i:04}=value-{i}-{}\n", i * 7919))
            .collect();
        std::fs::write(&file, body).unwrap();
        let started = Instant::now();
        let out = fake
            .kvwire()
            .args([
                "-q",
                "-o",
                "json",
                "--yes",
                "secrets",
                "seed",
                "--vault",
                "kv-demo",
                "--all",
                "--concurrency",
            ])
            .arg(concurrency.to_string())
            .arg("--from-file")
            .arg(&file)
            .output()
            .unwrap();
        let wall = started.elapsed();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let requests = fake.journal().len();
        let written = fake.state.lock().unwrap().secrets.len();
        assert_eq!(written, count);
        println!(
            "{concurrency:>11} {:>10.2} {requests:>9} {:>9.1}",
            wall.as_secs_f64(),
            requests as f64 / wall.as_secs_f64()
        );
    }
}
