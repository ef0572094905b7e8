//! Benchmark (not a test): the whole runbook `up` against a fresh local Azure shaped like the real
//! one — a service-principal cluster with two outdated pools, an RBAC vault, workload identity,
//! four DB secrets, manifests — with 20 ms added to every answer, a cluster update that runs 3 s
//! and a node-image upgrade that runs 4 s per pool. Then `up` and `plan` again on the finished
//! setup.
//!
//! For each run it prints the wall time, the floor, their ratio, requests, writes and the critical
//! path (the longest chain of requests each of which started only after the one before answered).
//!
//! The floor is what no client can beat: the operations on the longest dependency chain (cluster
//! update, then the pools' upgrades, which run in parallel) plus the round trips that chain cannot
//! overlap — token, read the cluster, PUT it, the poll that sees it done, POST the upgrades, the
//! poll that sees them done, and one read to verify: `3 s + 4 s + 7 × 20 ms = 7.14 s`. Everything
//! else (identity, federated credential, role assignment, secrets) can run beside that chain.
//! A re-run or `plan` has no operations; its floor is token, read, read (pools, vault and
//! identity at once, after the cluster read names them): 3 round trips.
//!
//! Under `--auth cli` with a stand-in `az` that takes 1 s a run (as a real one does), one run
//! replaces the token's round trip on that chain: the scopes' runs can all happen at once.
//!
//! Run: `cargo bench --bench up` (`KVWIRE_BENCH_CHAIN=1` also prints each critical path).

#[path = "../tests/support/mod.rs"]
mod support;

use kvwire_fake::OpKind;
use std::time::{Duration, Instant};

const LATENCY: Duration = Duration::from_millis(20);
const CLUSTER_OP: Duration = Duration::from_secs(3);
const POOL_OP: Duration = Duration::from_secs(4);
/// Serial round trips on the floor's chain (see the module comment).
const CHAIN_ROUND_TRIPS: u32 = 7;
const RERUN_ROUND_TRIPS: u32 = 3;

#[derive(Clone, Copy)]
enum Auth {
    Env,
    /// `--auth cli` with the fake's stand-in `az` first on PATH, taking this long per run.
    Cli(Duration),
}

/// About what a real `az account get-access-token` takes (Python start-up).
const AZ_RUN: Duration = Duration::from_secs(1);

fn main() {
    println!(
        "runbook up against the local Azure: {} ms per answer, cluster update {} s, node-image upgrade {} s per pool (2 pools)",
        LATENCY.as_millis(),
        CLUSTER_OP.as_secs(),
        POOL_OP.as_secs()
    );
    println!(
        "{:<34} {:>8} {:>8} {:>6} {:>8} {:>6} {:>8} {:>8}",
        "run", "wall (s)", "floor", "ratio", "requests", "writes", "critical", "az runs"
    );
    let floor = CLUSTER_OP + POOL_OP + CHAIN_ROUND_TRIPS * LATENCY;
    let rerun_floor = RERUN_ROUND_TRIPS * LATENCY;

    for (label, retry_after, auth) in [
        ("up, Retry-After: 1", Some(1), Auth::Env),
        ("up, no Retry-After", None, Auth::Env),
        ("up, --auth cli, Retry-After: 1", Some(1), Auth::Cli(Duration::ZERO)),
        ("up, --auth cli, az takes 1 s", Some(1), Auth::Cli(AZ_RUN)),
    ] {
        let fake = setup(retry_after);
        let first = run(&fake, auth, "up");
        // A slow `az` puts one run (not one per scope: they run side by side) on the chain, in
        // place of the token's round trip.
        let floor = match auth {
            Auth::Cli(az) if !az.is_zero() => floor - LATENCY + az,
            _ => floor,
        };
        report(label, &fake, first, floor);
        if matches!(auth, Auth::Env) && retry_after.is_some() {
            // The finished setup: a re-run and a plan change nothing and read as little as they can.
            for verb in ["up", "plan"] {
                fake.clear_journal();
                let wall = run(&fake, auth, verb);
                report(&format!("{verb} again (nothing to do)"), &fake, wall, rerun_floor);
            }
        }
    }
    println!();
    println!(
        "floor: operations on the longest chain + {CHAIN_ROUND_TRIPS} round trips ({RERUN_ROUND_TRIPS} for a re-run);"
    );
    println!("critical: requests on the longest chain of requests that waited for each other;");
    println!("az runs: runs of the stand-in az / distinct token scopes asked for (--auth cli).");
}

fn setup(retry_after: Option<u64>) -> support::Fake {
    let fake = support::Fake::start();
    fake.seed_sp_cluster(
        "rg1",
        "aks1",
        &[("pool1", "img-1", "img-2"), ("pool2", "img-1", "img-2")],
        serde_json::json!({}),
    );
    fake.seed_vault("kv-demo", true, true);
    {
        let mut s = fake.state.lock().unwrap();
        s.latency = LATENCY;
        s.op_duration.insert(OpKind::ClusterUpdate, CLUSTER_OP);
        s.op_duration.insert(OpKind::NodeImageUpgrade, POOL_OP);
        s.poll_retry_after = retry_after;
        // Key Vault's own page size (maxresults is at most 25; the fake's default of 2 is there
        // to make paging visible in tests).
        s.kv_page_max = 25;
        // One poll sees the end once the operation's time is up (real AKS: when it is done).
        s.lro_polls = 0;
    }
    std::fs::write(fake.dir.join("onboard.toml"), support::ONBOARD_RUNBOOK).unwrap();
    fake.clear_journal();
    fake
}

fn run(fake: &support::Fake, auth: Auth, verb: &str) -> Duration {
    let mut cmd = fake.kvwire();
    // Real retry timing, not the suite's shortened one.
    cmd.env_remove(kvwire_settings_retry_env());
    if let Auth::Cli(az) = auth {
        let stub = fake.az_cli_stub_taking(az);
        let path = format!("{}:{}", stub.display(), std::env::var("PATH").unwrap_or_default());
        cmd.env("PATH", path).env("KVWIRE_AUTH", "cli");
    }
    cmd.env("DB_HOST", "pg.internal")
        .env("DB_NAME", "orders")
        .env("DB_USERNAME", "app")
        .env("DB_PASSWORD", "bench-only-password")
        .args(["-q", verb, "-f"])
        .arg(fake.dir.join("onboard.toml"))
        .args(["-o", "json"]);
    if verb == "up" {
        cmd.arg("--yes");
    }
    let started = Instant::now();
    let out = cmd.output().unwrap();
    let wall = started.elapsed();
    assert!(out.status.success(), "{verb}: {}", String::from_utf8_lossy(&out.stderr));
    wall
}

fn kvwire_settings_retry_env() -> &'static str {
    // Mirrors kvwire's settings::RETRY_BASE_ENV (benches cannot import the binary crate's modules).
    "KVWIRE_RETRY_BASE_MS"
}

fn report(label: &str, fake: &support::Fake, wall: Duration, floor: Duration) {
    let journal = fake.journal();
    let writes = journal.iter().filter(|e| e.is_write()).count();
    let chain = support::critical_path(&journal);
    let critical = chain.len();
    let runs = fake.az_cli_runs();
    let scopes: std::collections::BTreeSet<&str> = runs
        .iter()
        .filter_map(|r| r.split_whitespace().skip_while(|a| *a != "--scope").nth(1))
        .collect();
    let az = format!("{}/{}", runs.len(), scopes.len());
    println!(
        "{label:<34} {:>8.2} {:>8.2} {:>5.2}× {:>8} {writes:>6} {critical:>8} {az:>8}",
        wall.as_secs_f64(),
        floor.as_secs_f64(),
        wall.as_secs_f64() / floor.as_secs_f64(),
        journal.len(),
    );
    if std::env::var_os("KVWIRE_BENCH_CHAIN").is_some() {
        for e in &chain {
            println!("    {:>6} ms  {} {}{}", e.started.as_millis(), e.method, e.host, e.path);
        }
    }
}
