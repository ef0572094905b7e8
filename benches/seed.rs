//! Benchmark (not a test): seed 1,000 new secrets into the local Key Vault (20 ms added to every
//! answer, Key Vault's own page size of 25), then seed the same values again, at --concurrency 1,
//! 8 and 32. Prints wall time, requests, and Key Vault requests per secret (the token and the
//! vault's 401 challenge included).
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
    println!("seeding {count} secrets, 20 ms latency per request, Key Vault pages of 25");
    println!(
        "{:>11} {:<9} {:>9} {:>9} {:>12}",
        "concurrency", "run", "wall (s)", "requests", "per secret"
    );
    for concurrency in [1, 8, 32] {
        let fake = support::Fake::start();
        fake.seed_vault("kv-demo", true, true);
        {
            let mut s = fake.state.lock().unwrap();
            s.latency = Duration::from_millis(20);
            // Key Vault's maximum (maxresults ≤ 25); the fake's default of 2 shows paging in tests.
            s.kv_page_max = 25;
        }
        let file = fake.dir.join("bulk.env");
        let body: String = (0..count)
            .map(|i| format!("SECRET_{i:04}=value-{i}-{}\n", i * 7919))
            .collect();
        std::fs::write(&file, body).unwrap();
        for run in ["new", "unchanged"] {
            fake.clear_journal();
            let started = Instant::now();
            let out = fake
                .kvwire()
                .env_remove("KVWIRE_RETRY_BASE_MS")
                .args(["-q", "secrets", "seed", "--vault", "kv-demo", "--all", "--concurrency"])
                .arg(concurrency.to_string())
                .arg("--from-file")
                .arg(&file)
                .args(["--yes", "-o", "json"])
                .output()
                .unwrap();
            let wall = started.elapsed();
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
            let journal = fake.journal();
            let kv = journal.iter().filter(|e| e.host.ends_with("vault.azure.net")).count();
            assert_eq!(fake.state.lock().unwrap().secrets.len(), count);
            println!(
                "{concurrency:>11} {run:<9} {:>9.2} {:>9} {:>12.3}",
                wall.as_secs_f64(),
                journal.len(),
                kv as f64 / count as f64
            );
        }
    }
}
