//! Many runbooks at once: ten app pipelines start `kvwire up` together on one service-principal
//! cluster whose operations take seconds. Every one ends 0, each pool is re-imaged once, every app
//! gets its federated credential and grant, and a second wave writes nothing.

mod support;

use std::{
    process::Stdio,
    time::{Duration, Instant},
};
use support::{Fake, fake::OpKind};

const APPS: usize = 10;

fn runbook(app: usize) -> String {
    format!(
        r#"
name = "app{app}"

[cluster]
resource_group = "rg1"
name = "aks1"

[vault]
name = "kv-demo"

[identity]
mode = "workload-identity"
name = "id-app{app}"

[[service_accounts]]
namespace = "app{app}"
name = "app{app}"
"#
    )
}

/// Start every runbook at once; wait for all; (exit code, output) per app.
fn wave(fake: &Fake, books: &[std::path::PathBuf]) -> Vec<(i32, String)> {
    let children: Vec<_> = books
        .iter()
        .map(|rb| {
            let mut cmd = fake.kvwire_process();
            cmd.args(["-o", "text", "--yes", "up", "-f"])
                .arg(rb)
                .stdout(Stdio::piped())
                .stderr(Stdio::piped());
            cmd.spawn().unwrap()
        })
        .collect();
    children
        .into_iter()
        .map(|c| {
            let out = c.wait_with_output().unwrap();
            (
                out.status.code().unwrap_or(-1),
                format!(
                    "{}{}",
                    String::from_utf8_lossy(&out.stdout),
                    String::from_utf8_lossy(&out.stderr)
                ),
            )
        })
        .collect()
}

#[test]
fn ten_runbooks_at_once_reimage_each_pool_once_and_a_second_wave_writes_nothing() {
    let fake = Fake::start();
    fake.seed_sp_cluster(
        "rg1",
        "aks1",
        &[("system", "img-1", "img-2"), ("user1", "img-1", "img-2")],
        serde_json::json!({}),
    );
    fake.seed_vault("kv-demo", true, true);
    {
        let mut s = fake.state.lock().unwrap();
        s.op_duration.insert(OpKind::ClusterUpdate, Duration::from_millis(1500));
        s.op_duration
            .insert(OpKind::NodeImageUpgrade, Duration::from_millis(2000));
        s.lro_polls = 0;
        s.poll_retry_after = Some(0);
    }
    let books: Vec<_> = (0..APPS)
        .map(|i| {
            let p = fake.dir.join(format!("app{i}.toml"));
            std::fs::write(&p, runbook(i)).unwrap();
            p
        })
        .collect();

    let started = Instant::now();
    let results = wave(&fake, &books);
    for (i, (code, all)) in results.iter().enumerate() {
        assert_eq!(*code, 0, "app{i}:\n{all}");
    }
    let took = started.elapsed();

    let writes = fake.writes();
    let reimages = |pool: &str| {
        writes
            .iter()
            .filter(|e| e.method == "POST" && e.status < 400 && e.path.contains(&format!("agentPools/{pool}/")))
            .count()
    };
    assert_eq!(
        (reimages("system"), reimages("user1")),
        (1, 1),
        "each pool re-imaged once"
    );
    let switches = writes
        .iter()
        .filter(|e| {
            e.method == "PUT" && e.status < 400 && e.path.to_ascii_lowercase().ends_with("managedclusters/aks1")
        })
        .count();
    assert!(switches >= 1, "the cluster was updated");
    for i in 0..APPS {
        let cred = format!(
            "{}/federatedIdentityCredentials/kvwire-app{i}-app{i}",
            support::fake::Fake::identity_id("rg1", &format!("id-app{i}"))
        );
        assert!(fake.resource(&cred).is_some(), "app{i} has its credential");
    }

    fake.clear_journal();
    let results = wave(&fake, &books);
    for (i, (code, all)) in results.iter().enumerate() {
        assert_eq!(*code, 0, "second wave, app{i}:\n{all}");
    }
    assert!(
        fake.writes().is_empty(),
        "the second wave writes nothing: {:#?}",
        fake.writes()
    );
    eprintln!("first wave: {took:?}");
}

#[test]
fn a_plan_reads_each_thing_once_and_shares_azures_refusals() {
    let fake = Fake::start();
    fake.seed_sp_cluster("rg1", "aks1", &[("system", "img-1", "img-2")], serde_json::json!({}));
    fake.seed_vault("kv-demo", true, true);
    let accounts: String = (0..20)
        .map(|i| format!("\n[[service_accounts]]\nnamespace = \"shop\"\nname = \"sa{i}\"\n"))
        .collect();
    let rb = fake.dir.join("shop.toml");
    std::fs::write(
        &rb,
        format!(
            "{}{accounts}",
            runbook(0).replace("[[service_accounts]]\nnamespace = \"app0\"\nname = \"app0\"\n", "")
        ),
    )
    .unwrap();
    let out = fake
        .kvwire()
        .args(["-o", "json", "plan", "-f"])
        .arg(&rb)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let journal = fake.journal();
    let count = |pred: &dyn Fn(&support::fake::Entry) -> bool| journal.iter().filter(|e| pred(e)).count();
    let cluster = count(&|e| e.method == "GET" && e.path.to_ascii_lowercase().ends_with("managedclusters/aks1"));
    let graph = count(&|e| e.path.contains("servicePrincipals("));
    let credentials = count(&|e| e.method == "GET" && e.path.ends_with("/federatedIdentityCredentials"));
    assert_eq!(
        (cluster, graph, credentials),
        (1, 1, 1),
        "the cluster, Graph (a 403 here) and the missing identity's credential list, once each"
    );
}
