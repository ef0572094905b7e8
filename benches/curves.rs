//! Benchmark (not a test): how kvwire's wall time grows with the size of the job, one curve per
//! dimension, against the local Azure of `benches/up.rs` (20 ms added to every answer, a cluster
//! update that runs 3 s, a node-image upgrade that runs 4 s per pool, `Retry-After: 1`, Key Vault
//! pages of 25 and its limit of 4,000 requests per 10 s per vault).
//!
//! For each point it prints the wall time, the floor, their ratio, requests, writes, answers that
//! refused (409 and 429) and the critical path (`support::critical_path`; `KVWIRE_BENCH_CHAIN=1`
//! prints it). RT below is one answer's latency (20 ms). Each floor is what no client can beat:
//! the operations on the longest dependency chain plus the round trips that chain cannot overlap.
//!
//! * **pools** (1, 4, 12, 32): runbook `up` (tests/support's onboarding runbook) on a
//!   service-principal cluster with N outdated pools. AKS re-images pools side by side, so N does
//!   not lengthen the chain: token, cluster read, PUT, the poll that sees it done, the upgrade
//!   POSTs, the poll that sees them done, one read to verify —
//!   `floor = 3 s + 4 s + 7 RT = 7.14 s` for every N.
//! * **accounts** (1, 5, 20): a workload-identity runbook (cluster, vault, a new identity, N
//!   `[[service_accounts]]`, so N federated credentials on that one identity) on a cluster a
//!   first `up` already switched and enabled (that warm-up is not measured). The service takes
//!   one credential write at a time per identity (a concurrent one is 409
//!   `ConcurrentFederatedIdentityCredentialsWritesForSingleManagedIdentity`; Microsoft Entra,
//!   "Workload identity federation considerations"), and each write holds the identity for
//!   `FIC_HOLD` (the article gives no duration: 500 ms is this benchmark's assumption, set with the
//!   fake's `fic_write_hold`). Chain, counting the reads as the pools floor does (a run that
//!   changes nothing twice must look before it writes, and looks again after): token, one round of
//!   reads (the identity, its credentials, the cluster's issuer, side by side), the identity PUT,
//!   the first credential PUT's trip, then N holds back to back, and one read to verify —
//!   `floor = 5 RT + N × FIC_HOLD`.
//! * **secrets** (10, 100, 1,000, 10,000): `secrets seed --all --from-file` of N new secrets into
//!   an empty vault, at the default `--concurrency` (8) and `--keyvault-rate` (3,600 per 10 s).
//!   kvwire never overwrites a value someone wrote since the plan, and `SetSecret` takes no
//!   precondition, so each new secret costs a read that checks it is still absent, then the PUT:
//!   2 requests, one after the other. Chain: token, the vault's ARM lookup, the official Key Vault
//!   client's first request without a token (it learns the vault's scope from the 401 challenge
//!   and never sends a body before it has: `azure_security_keyvault_secrets`' `KeyVaultAuthorizer`),
//!   one listing of the (empty) vault, then the secrets in waves of the concurrency — and no more
//!   than the vault's 4,000 requests in any 10 s (Key Vault service limits) —
//!   `floor = 4 RT + max(⌈N / c⌉ × 2 RT, (⌈(2N + 1) / 4000⌉ − 1) × 10 s)`, c = 8. This is the floor
//!   of a client with kvwire's guarantee at that concurrency; the service's own (unlimited
//!   concurrency, one request per secret) is printed as `service floor` in the note.
//! * **runbooks** (1, 10, 50): K separate `kvwire up` processes started at once on one
//!   service-principal cluster with two outdated pools, each runbook its own app, identity and
//!   service account (as tests/many_runbooks.rs). The work on the cluster merges — one cluster
//!   update, one upgrade per pool — and each app's identity, credential and grant are independent
//!   of the others', so the floor is the pools curve's: `3 s + 4 s + 7 RT = 7.14 s`.
//!   Two rows per point: K processes, and one fleet process (`kvwire up -f DIR`) for all of them.
//!
//! Run: `cargo bench --bench curves` (all curves, several minutes), or pick curves and points:
//! `cargo bench --bench curves -- pools accounts` or `KVWIRE_BENCH_CURVE=secrets
//! KVWIRE_BENCH_POINTS=10,100 cargo bench --bench curves`. `KVWIRE_BENCH_JOURNAL=1` prints every
//! request of each point.

#[path = "../tests/support/mod.rs"]
mod support;

use kvwire_fake::OpKind;
use std::{
    path::PathBuf,
    process::Stdio,
    time::{Duration, Instant},
};

const LATENCY: Duration = Duration::from_millis(20);
const CLUSTER_OP: Duration = Duration::from_secs(3);
const POOL_OP: Duration = Duration::from_secs(4);
/// How long one federated-credential write holds its identity (an assumption; see above).
const FIC_HOLD: Duration = Duration::from_millis(500);
/// Key Vault's documented limit: requests per vault per window.
const KV_LIMIT: (usize, Duration) = (4000, Duration::from_secs(10));
/// kvwire's default `--keyvault-rate`: requests per vault in any 10 s.
const KV_PACE: f64 = 3600.0;

const CURVES: [&str; 4] = ["pools", "accounts", "secrets", "runbooks"];

fn main() {
    let (curves, points) = selection();
    println!(
        "curves against the local Azure: {} ms per answer, cluster update {} s, node-image upgrade {} s per pool, \
         credential write hold {} ms, Key Vault {} per {} s",
        LATENCY.as_millis(),
        CLUSTER_OP.as_secs(),
        POOL_OP.as_secs(),
        FIC_HOLD.as_millis(),
        KV_LIMIT.0,
        KV_LIMIT.1.as_secs()
    );
    println!(
        "{:<10} {:>7} {:<10} {:>8} {:>8} {:>6} {:>8} {:>6} {:>7} {:>8}",
        "curve", "point", "mode", "wall (s)", "floor", "ratio", "requests", "writes", "refused", "critical"
    );
    let pick = |curve: &str, default: &[usize]| -> Vec<usize> {
        if !curves.iter().any(|c| c == curve) {
            return vec![];
        }
        points.clone().unwrap_or_else(|| default.to_vec())
    };
    for n in pick("pools", &[1, 4, 12, 32]) {
        pools(n);
    }
    let accounts_points = pick("accounts", &[1, 5, 20]);
    if !accounts_points.is_empty() {
        accounts(&accounts_points);
    }
    for n in pick("secrets", &[10, 100, 1000, 10_000]) {
        secrets(n);
    }
    for k in pick("runbooks", &[1, 10, 50]) {
        for mode in RunbooksMode::ALL {
            runbooks(k, mode);
        }
    }
    println!();
    println!(
        "floor: see the module comment of benches/curves.rs (RT = {} ms);",
        LATENCY.as_millis()
    );
    println!("refused: answers 409 or 429; critical: requests on the longest chain that waited for each other.");
}

/// Curves from the arguments (`cargo bench` adds `--bench`, skipped) or KVWIRE_BENCH_CURVE, else
/// all; points from KVWIRE_BENCH_POINTS (comma-separated), else each curve's own.
fn selection() -> (Vec<String>, Option<Vec<usize>>) {
    let mut curves: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with('-')).collect();
    if curves.is_empty()
        && let Ok(v) = std::env::var("KVWIRE_BENCH_CURVE")
    {
        curves = v
            .split(',')
            .map(|c| c.trim().to_string())
            .filter(|c| !c.is_empty())
            .collect();
    }
    if curves.is_empty() {
        curves = CURVES.iter().map(|c| c.to_string()).collect();
    }
    for c in &curves {
        assert!(CURVES.contains(&c.as_str()), "unknown curve {c}: pick from {CURVES:?}");
    }
    let points = std::env::var("KVWIRE_BENCH_POINTS").ok().map(|v| {
        v.split(',')
            .map(|p| p.trim().replace('_', "").parse().expect("KVWIRE_BENCH_POINTS: numbers"))
            .collect()
    });
    (curves, points)
}

/// A fresh local Azure with the benchmark's latency and operation times.
fn azure() -> support::Fake {
    let fake = support::Fake::start();
    {
        let mut s = fake.state.lock().unwrap();
        s.latency = LATENCY;
        s.op_duration.insert(OpKind::ClusterUpdate, CLUSTER_OP);
        s.op_duration.insert(OpKind::NodeImageUpgrade, POOL_OP);
        s.poll_retry_after = Some(1);
        // Key Vault's own page size (maxresults ≤ 25) and limit (the fake's defaults already).
        s.kv_page_max = 25;
        s.kv_limit = KV_LIMIT;
        // One poll sees the end once the operation's time is up (real AKS: when it is done).
        s.lro_polls = 0;
        s.fic_write_hold = FIC_HOLD;
    }
    fake
}

/// kvwire against `fake`, with real retry timing (not the test suite's shortened one).
fn kvwire(fake: &support::Fake) -> std::process::Command {
    let mut cmd = fake.kvwire_process();
    cmd.env_remove("KVWIRE_RETRY_BASE_MS")
        .env("DB_HOST", "pg.internal")
        .env("DB_NAME", "orders")
        .env("DB_USERNAME", "app")
        .env("DB_PASSWORD", "bench-only-password");
    cmd
}

/// Run one command to the end; its wall time. A failure stops the benchmark.
fn timed(mut cmd: std::process::Command, what: &str) -> Duration {
    let started = Instant::now();
    let out = cmd.output().unwrap();
    let wall = started.elapsed();
    assert!(
        out.status.success(),
        "{what}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    wall
}

fn up(fake: &support::Fake, runbook: &PathBuf) -> std::process::Command {
    let mut cmd = kvwire(fake);
    cmd.args(["-q", "-o", "json", "--yes", "up", "-f"]).arg(runbook);
    cmd
}

fn pools(n: usize) {
    let fake = azure();
    let names: Vec<String> = (1..=n).map(|i| format!("pool{i:02}")).collect();
    let pools: Vec<(&str, &str, &str)> = names.iter().map(|p| (p.as_str(), "img-1", "img-2")).collect();
    fake.seed_sp_cluster("rg1", "aks1", &pools, serde_json::json!({}));
    fake.seed_vault("kv-demo", true, true);
    let rb = fake.dir.join("onboard.toml");
    std::fs::write(&rb, support::ONBOARD_RUNBOOK).unwrap();
    fake.clear_journal();
    let wall = timed(up(&fake, &rb), "pools");
    let upgrades = fake
        .writes()
        .iter()
        .filter(|e| e.method == "POST" && e.status < 400 && e.path.contains("upgradeNodeImageVersion"))
        .count();
    assert_eq!(upgrades, n, "each pool re-imaged once");
    report("pools", n, "", &fake, wall, CLUSTER_OP + POOL_OP + 7 * LATENCY, None);
}

/// A workload-identity runbook: its own identity, `accounts` service accounts, no secrets.
fn identity_runbook(app: &str, accounts: usize) -> String {
    let sas: String = (0..accounts)
        .map(|i| format!("\n[[service_accounts]]\nnamespace = \"{app}\"\nname = \"sa{i}\"\n"))
        .collect();
    format!(
        r#"
name = "{app}"

[cluster]
resource_group = "rg1"
name = "aks1"

[vault]
name = "kv-demo"

[identity]
mode = "workload-identity"
name = "id-{app}"
{sas}"#
    )
}

fn accounts(points: &[usize]) {
    let fake = azure();
    fake.seed_sp_cluster(
        "rg1",
        "aks1",
        &[("pool1", "img-1", "img-2"), ("pool2", "img-1", "img-2")],
        serde_json::json!({}),
    );
    fake.seed_vault("kv-demo", true, true);
    // Warm-up, not measured: the cluster switched to managed identity, OIDC issuer and workload
    // identity on, pools re-imaged.
    let warm = fake.dir.join("warm.toml");
    std::fs::write(&warm, identity_runbook("warm", 1)).unwrap();
    timed(up(&fake, &warm), "accounts warm-up");
    for &n in points {
        assert!(n <= 20, "an identity holds at most 20 federated credentials");
        let app = format!("accounts{n}");
        let rb = fake.dir.join(format!("{app}.toml"));
        std::fs::write(&rb, identity_runbook(&app, n)).unwrap();
        fake.clear_journal();
        let wall = timed(up(&fake, &rb), "accounts");
        let credentials = fake
            .writes()
            .iter()
            .filter(|e| e.method == "PUT" && e.status < 400 && e.path.contains("/federatedIdentityCredentials/"))
            .count();
        assert_eq!(credentials, n, "one credential per service account");
        report("accounts", n, "", &fake, wall, 5 * LATENCY + FIC_HOLD * n as u32, None);
    }
}

fn secrets(n: usize) {
    let fake = azure();
    fake.seed_vault("kv-demo", true, true);
    let file = fake.dir.join("bulk.env");
    let body: String = (0..n)
        .map(|i| format!("SECRET_{i:05}=value-{i}-{}\n", i * 7919))
        .collect();
    std::fs::write(&file, body).unwrap();
    fake.clear_journal();
    let mut cmd = kvwire(&fake);
    cmd.args(["-q", "secrets", "seed", "--vault", "kv-demo", "--all", "--from-file"])
        .arg(&file)
        .args(["--yes", "-o", "json"]);
    let wall = timed(cmd, "secrets");
    let (stored, throttled) = {
        let s = fake.state.lock().unwrap();
        (s.secrets.len(), s.kv_throttled)
    };
    assert_eq!(stored, n);
    const CONCURRENCY: u32 = 8;
    let waves = (n as u32).div_ceil(CONCURRENCY) * 2 * LATENCY;
    let limit = KV_LIMIT.1 * ((2 * n + 1).div_ceil(KV_LIMIT.0) as u32 - 1);
    let floor = 4 * LATENCY + waves.max(limit);
    let service = 4 * LATENCY + KV_LIMIT.1 * ((n + 1).div_ceil(KV_LIMIT.0) as u32 - 1);
    let pace = KV_LIMIT.1.mul_f64(((2 * n + 3) as f64 / KV_PACE).floor());
    let note = format!(
        "service floor {:.2} s; kvwire's pace alone {:.1} s; vault 429s {throttled}",
        service.as_secs_f64(),
        pace.as_secs_f64()
    );
    report("secrets", n, "", &fake, wall, floor, Some(note));
}

/// How the runbooks of one point run.
#[derive(Clone, Copy)]
enum RunbooksMode {
    /// One `kvwire up -f RUNBOOK` process per runbook, all started at once.
    Processes,
    /// One `kvwire up -f DIR` process for all of them (fleet mode).
    Fleet,
}

impl RunbooksMode {
    const ALL: [RunbooksMode; 2] = [RunbooksMode::Processes, RunbooksMode::Fleet];

    fn label(self) -> &'static str {
        match self {
            RunbooksMode::Processes => "processes",
            RunbooksMode::Fleet => "fleet",
        }
    }
}

fn runbooks(k: usize, mode: RunbooksMode) {
    let fake = azure();
    fake.seed_sp_cluster(
        "rg1",
        "aks1",
        &[("pool1", "img-1", "img-2"), ("pool2", "img-1", "img-2")],
        serde_json::json!({}),
    );
    fake.seed_vault("kv-demo", true, true);
    let dir = fake.dir.join("apps");
    std::fs::create_dir_all(&dir).unwrap();
    let books: Vec<PathBuf> = (0..k)
        .map(|i| {
            let p = dir.join(format!("app{i}.toml"));
            std::fs::write(&p, identity_runbook(&format!("app{i}"), 1)).unwrap();
            p
        })
        .collect();
    fake.clear_journal();
    let started = Instant::now();
    match mode {
        RunbooksMode::Processes => {
            let children: Vec<_> = books
                .iter()
                .map(|rb| {
                    let mut cmd = up(&fake, rb);
                    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
                    cmd.spawn().unwrap()
                })
                .collect();
            for (i, c) in children.into_iter().enumerate() {
                let out = c.wait_with_output().unwrap();
                assert!(
                    out.status.success(),
                    "app{i}: {}{}",
                    String::from_utf8_lossy(&out.stdout),
                    String::from_utf8_lossy(&out.stderr)
                );
            }
        }
        RunbooksMode::Fleet => {
            let out = up(&fake, &dir).output().unwrap();
            assert!(
                out.status.success(),
                "fleet: {}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
    let wall = started.elapsed();
    report(
        "runbooks",
        k,
        mode.label(),
        &fake,
        wall,
        CLUSTER_OP + POOL_OP + 7 * LATENCY,
        None,
    );
}

fn report(
    curve: &str,
    point: usize,
    mode: &str,
    fake: &support::Fake,
    wall: Duration,
    floor: Duration,
    note: Option<String>,
) {
    let journal = fake.journal();
    let writes = journal.iter().filter(|e| e.is_write()).count();
    let refused = journal.iter().filter(|e| e.status == 409 || e.status == 429).count();
    let chain = support::critical_path(&journal);
    println!(
        "{curve:<10} {point:>7} {mode:<10} {:>8.2} {:>8.2} {:>5.2}× {:>8} {writes:>6} {refused:>7} {:>8}{}",
        wall.as_secs_f64(),
        floor.as_secs_f64(),
        wall.as_secs_f64() / floor.as_secs_f64(),
        journal.len(),
        chain.len(),
        note.map(|n| format!("  ({n})")).unwrap_or_default()
    );
    if std::env::var_os("KVWIRE_BENCH_JOURNAL").is_some() {
        let mut all: Vec<&kvwire_fake::Entry> = journal.iter().collect();
        all.sort_by_key(|e| e.started);
        for e in all {
            println!(
                "  | {:>6} ms  {:>6} ms  {} {} {}{}",
                e.started.as_millis(),
                e.at.as_millis(),
                e.status,
                e.method,
                e.host,
                e.path
            );
        }
    }
    if std::env::var_os("KVWIRE_BENCH_CHAIN").is_some() {
        let mut refusals: std::collections::BTreeMap<String, usize> = Default::default();
        for e in journal.iter().filter(|e| e.status == 409 || e.status == 429) {
            *refusals
                .entry(format!("{} {} {}", e.status, e.method, e.path))
                .or_default() += 1;
        }
        for (what, n) in refusals {
            println!("  refused {n}×: {what}");
        }
        for e in &chain {
            println!(
                "    {:>6} ms  {:>6} ms  {} {} {}{}",
                e.started.as_millis(),
                e.at.as_millis(),
                e.status,
                e.method,
                e.host,
                e.path
            );
        }
    }
}
