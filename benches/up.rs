//! Benchmark (not a test): the whole runbook `up` on a fresh fake — service-principal cluster with
//! two pools, RBAC vault, workload identity, four DB secrets, manifests — with 20 ms added to
//! every answer. Prints wall time, request count and the critical path: the longest chain of
//! requests that each had to wait for the one before.
//!
//! Run: `cargo bench --bench up`.

#[path = "../tests/support/mod.rs"]
mod support;

use std::time::{Duration, Instant};

fn main() {
    let latency = Duration::from_millis(20);
    println!(
        "runbook up on a fresh fake, {} ms latency per request",
        latency.as_millis()
    );
    println!(
        "{:<12} {:>9} {:>9} {:>14} {:>16}",
        "run", "wall (s)", "requests", "critical path", "critical × 20ms"
    );
    let fake = support::Fake::start();
    fake.seed_sp_cluster(
        "rg1",
        "aks1",
        &[("pool1", "img-1", "img-2"), ("pool2", "img-1", "img-2")],
        serde_json::json!({}),
    );
    fake.seed_vault("kv-demo", true, true);
    fake.state.lock().unwrap().latency = latency;
    let rb = fake.dir.join("onboard.toml");
    std::fs::write(&rb, support::ONBOARD_RUNBOOK).unwrap();
    for run in ["first up", "second up"] {
        fake.clear_journal();
        let started = Instant::now();
        let out = fake
            .kvwire()
            .env("DB_HOST", "pg.internal")
            .env("DB_NAME", "orders")
            .env("DB_USERNAME", "app")
            .env("DB_PASSWORD", "bench-only-password")
            .args(["-q", "-o", "json", "--yes", "up", "-f"])
            .arg(&rb)
            .output()
            .unwrap();
        let wall = started.elapsed();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let journal = fake.journal();
        let critical = support::critical_path(&journal);
        println!(
            "{run:<12} {:>9.2} {:>9} {critical:>14} {:>15.2}s",
            wall.as_secs_f64(),
            journal.len(),
            (critical as u32 * latency).as_secs_f64()
        );
    }
}
