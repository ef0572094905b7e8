//! Many runbooks at once: ten app pipelines start `kvwire up` together on one service-principal
//! cluster whose operations take seconds. Every one ends 0, each pool is re-imaged once, every app
//! gets its federated credential and grant, and a second wave writes nothing.

use crate::support;

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
    busy_estate(&fake);
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

/// The cluster and pools of the concurrency tests: a service-principal cluster with two outdated
/// pools and slow operations, and an RBAC vault.
fn busy_estate(fake: &Fake) {
    fake.seed_sp_cluster(
        "rg1",
        "aks1",
        &[("system", "img-1", "img-2"), ("user1", "img-1", "img-2")],
        serde_json::json!({}),
    );
    fake.seed_vault("kv-demo", true, true);
    let mut s = fake.state.lock().unwrap();
    s.op_duration.insert(OpKind::ClusterUpdate, Duration::from_millis(1500));
    s.op_duration
        .insert(OpKind::NodeImageUpgrade, Duration::from_millis(2000));
    s.lro_polls = 0;
    s.poll_retry_after = Some(0);
}

/// `APPS` runbooks in a directory of their own, app{i}.toml each.
fn fleet_dir(fake: &Fake, body: impl Fn(usize) -> String) -> std::path::PathBuf {
    let dir = fake.dir.join("apps");
    std::fs::create_dir_all(&dir).unwrap();
    for i in 0..APPS {
        std::fs::write(dir.join(format!("app{i}.toml")), body(i)).unwrap();
    }
    dir
}

fn cluster_puts(fake: &Fake) -> usize {
    fake.writes()
        .iter()
        .filter(|e| {
            e.method == "PUT" && e.status < 400 && e.path.to_ascii_lowercase().ends_with("managedclusters/aks1")
        })
        .count()
}

fn json_of(out: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

#[test]
fn a_fleet_of_ten_in_one_process_writes_the_cluster_once_and_reports_each_app() {
    let fake = Fake::start();
    busy_estate(&fake);
    let dir = fleet_dir(&fake, runbook);
    fake.clear_journal();

    let out = fake
        .kvwire()
        .args(["-o", "json", "up", "--yes", "-f"])
        .arg(&dir)
        .output()
        .unwrap();
    let doc = json_of(&out);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(cluster_puts(&fake), 1, "one cluster write merges what all ten need");
    let reimages = |pool: &str| {
        fake.writes()
            .iter()
            .filter(|e| e.method == "POST" && e.status < 400 && e.path.contains(&format!("agentPools/{pool}/")))
            .count()
    };
    assert_eq!(
        (reimages("system"), reimages("user1")),
        (1, 1),
        "each pool re-imaged once"
    );
    let apps = doc["apps"].as_array().expect("a fleet reports its apps");
    assert_eq!(apps.len(), APPS);
    for (i, app) in apps.iter().enumerate() {
        assert_eq!(app["name"], format!("app{i}"));
        assert_eq!(app["outcome"], "applied", "{app}");
        let cred = format!(
            "{}/federatedIdentityCredentials/kvwire-app{i}-app{i}",
            support::fake::Fake::identity_id("rg1", &format!("id-app{i}"))
        );
        assert!(fake.resource(&cred).is_some(), "app{i} has its credential");
    }
    // Each app's steps carry its name; the cluster's are shared.
    let steps = doc["steps"].as_array().unwrap();
    assert!(
        steps
            .iter()
            .any(|s| s["app"].is_null() && s["address"].as_str().unwrap().starts_with("cluster "))
    );
    assert!(
        steps
            .iter()
            .any(|s| s["app"] == "app3" && s["address"].as_str().unwrap().starts_with("[app3] "))
    );
    assert!(
        doc["outputs"].get("app3.identity_client_id").is_some(),
        "{}",
        doc["outputs"]
    );

    // Observed once for all: the cluster was read once before its write.
    let journal = fake.journal();
    let first_put = journal
        .iter()
        .position(|e| e.method == "PUT" && e.path.to_ascii_lowercase().ends_with("managedclusters/aks1"))
        .unwrap();
    let cluster_reads = journal[..first_put]
        .iter()
        .filter(|e| e.method == "GET" && e.path.to_ascii_lowercase().ends_with("managedclusters/aks1"))
        .count();
    // One read observes it for all ten, and the write sends the planned PUT with that read's
    // entity tag.
    assert_eq!(cluster_reads, 1, "the cluster is read once for ten runbooks");

    // Again: nothing to do, and every runbook checks out.
    fake.clear_journal();
    let again = fake.kvwire().args(["up", "--yes", "-f"]).arg(&dir).output().unwrap();
    assert_eq!(
        again.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    assert!(fake.writes().is_empty(), "{:#?}", fake.writes());
    let verify = fake
        .kvwire()
        .args(["-o", "json", "verify", "-f"])
        .arg(&dir)
        .output()
        .unwrap();
    let v = json_of(&verify);
    let apps = v["apps"].as_array().unwrap();
    assert_eq!(apps.len(), APPS);
    // These runbooks seed no secrets: each finds its four missing, and nothing else wrong.
    assert_eq!(verify.status.code(), Some(3));
    for app in apps {
        let failed: Vec<&str> = app["checks"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["ok"] == false)
            .map(|c| c["check"].as_str().unwrap())
            .collect();
        assert_eq!(failed.len(), 4, "{}: {failed:?}", app["name"]);
        assert!(failed.iter().all(|c| c.starts_with("secret kv-demo/db-")), "{failed:?}");
    }
}

#[test]
fn one_apps_failure_does_not_stop_the_others_and_the_exit_code_is_the_worst() {
    let fake = Fake::start();
    busy_estate(&fake);
    // app3 names a vault that does not exist; app5's identity cannot be created.
    let dir = fleet_dir(&fake, |i| match i {
        3 => runbook(i).replace("kv-demo", "kv-gone"),
        _ => runbook(i),
    });
    fake.fault(
        Some("PUT"),
        "userAssignedIdentities/id-app5",
        100,
        support::fake::FaultKind::Error {
            status: 403,
            code: "AuthorizationFailed".into(),
        },
    );
    let out = fake
        .kvwire()
        .args(["-o", "json", "up", "--yes", "-f"])
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let doc = json_of(&out);
    let outcome = |i: usize| doc["apps"][i]["outcome"].as_str().unwrap().to_string();
    assert_eq!(outcome(3), "failed", "{}", doc["apps"][3]);
    assert_eq!(outcome(5), "failed", "{}", doc["apps"][5]);
    for i in (0..APPS).filter(|i| ![3, 5].contains(i)) {
        assert_eq!(outcome(i), "applied", "app{i}: {}", doc["apps"][i]);
    }

    // In text: a line per app says what became of it.
    let text = fake
        .kvwire()
        .args(["-o", "text", "up", "--yes", "-f"])
        .arg(&dir)
        .output()
        .unwrap();
    let all = String::from_utf8_lossy(&text.stdout);
    assert_eq!(text.status.code(), Some(1), "{all}");
    assert!(all.contains("✘ app3: failed"), "{all}");
    assert!(all.contains("✔ app0: unchanged"), "{all}");
}

#[test]
fn runbooks_that_disagree_about_the_cluster_are_refused_before_any_request() {
    let fake = Fake::start();
    busy_estate(&fake);
    let with_rotation = |i: usize, on: bool| format!("{}\n[csi_driver]\nenabled = true\nrotation = {on}\n", runbook(i));
    let a = fake.dir.join("a.toml");
    let b = fake.dir.join("b.toml");
    std::fs::write(&a, with_rotation(0, true)).unwrap();
    std::fs::write(&b, with_rotation(1, false)).unwrap();
    fake.clear_journal();
    let out = fake
        .kvwire()
        .args(["up", "--yes", "-f"])
        .arg(&a)
        .arg("-f")
        .arg(&b)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("rotation") && err.contains("a.toml") && err.contains("b.toml"),
        "{err}"
    );
    assert!(
        fake.journal().is_empty(),
        "nothing was asked of Azure: {:#?}",
        fake.journal()
    );

    // The same file twice, a saved plan of a fleet: refused too.
    let twice = fake
        .kvwire()
        .args(["plan", "-f"])
        .arg(&a)
        .arg("-f")
        .arg(&a)
        .output()
        .unwrap();
    assert_eq!(twice.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&twice.stderr).contains("given twice"));
    let c = fake.dir.join("c.toml");
    std::fs::write(&c, runbook(2)).unwrap();
    let saved = fake
        .kvwire()
        .args(["plan", "--out"])
        .arg(fake.dir.join("p.kvwire"))
        .arg("-f")
        .arg(&b)
        .arg("-f")
        .arg(&c)
        .output()
        .unwrap();
    assert_eq!(saved.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&saved.stderr).contains("--out"));
    assert!(fake.journal().is_empty());
}

#[test]
fn apps_of_a_fleet_that_share_an_identity_take_turns_writing_its_credentials() {
    let fake = Fake::start();
    busy_estate(&fake);
    // Ten teams, one identity, two service accounts each: twenty credentials on one identity.
    let dir = fleet_dir(&fake, |i| {
        format!(
            "{}\n[[service_accounts]]\nnamespace = \"app{i}\"\nname = \"worker\"\n",
            runbook(i).replace(&format!("id-app{i}"), "id-shared")
        )
    });
    let out = fake.kvwire().args(["up", "--yes", "-f"]).arg(&dir).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let refused = fake
        .journal()
        .iter()
        .filter(|e| e.status == 409 && e.path.contains("federatedIdentityCredentials"))
        .count();
    assert_eq!(
        refused, 0,
        "kvwire serialises its own writes; Azure never had to refuse one"
    );
    let identity = support::fake::Fake::identity_id("rg1", "id-shared");
    for i in 0..APPS {
        for sa in [format!("app{i}"), "worker".to_string()] {
            let cred = format!("{identity}/federatedIdentityCredentials/kvwire-app{i}-{sa}");
            assert!(fake.resource(&cred).is_some(), "{cred}");
        }
    }
}
