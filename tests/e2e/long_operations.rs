//! Long-running operations against a fake whose operations take seconds of wall-clock time:
//! kvwire killed at several points and run again, `--no-wait` then `wait` then `up`, Ctrl-C,
//! progress lines without a terminal, a re-run while the cluster's own update is in flight.

use crate::support;

use std::{
    process::{Child, Stdio},
    time::{Duration, Instant},
};
use support::{
    Fake, ONBOARD_RUNBOOK,
    fake::{Entry, OpKind},
};

const SECRETS: &[(&str, &str)] = &[
    ("DB_HOST", "h"),
    ("DB_NAME", "n"),
    ("DB_USERNAME", "u"),
    ("DB_PASSWORD", "p"),
];

/// A service-principal cluster with two pools behind on their image, whose operations take `secs`.
fn slow_fake(secs: f64) -> (Fake, std::path::PathBuf) {
    let fake = Fake::start();
    fake.seed_sp_cluster(
        "rg1",
        "aks1",
        &[("pool1", "img-1", "img-2"), ("pool2", "img-1", "img-2")],
        serde_json::json!({}),
    );
    fake.seed_vault("kv-demo", true, true);
    {
        let mut s = fake.state.lock().unwrap();
        s.op_duration
            .insert(OpKind::ClusterUpdate, Duration::from_secs_f64(secs));
        s.op_duration
            .insert(OpKind::NodeImageUpgrade, Duration::from_secs_f64(secs));
        s.lro_polls = 0;
        s.poll_retry_after = Some(0);
    }
    let rb = fake.dir.join("onboard.toml");
    std::fs::write(&rb, ONBOARD_RUNBOOK).unwrap();
    (fake, rb)
}

fn up(fake: &Fake, rb: &std::path::Path, extra: &[&str]) -> std::process::Command {
    let mut cmd = fake.kvwire_process();
    for (k, v) in SECRETS {
        cmd.env(k, v);
    }
    cmd.args(["-o", "json", "--yes", "up", "-f"]).arg(rb).args(extra);
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    cmd
}

/// Wait until the journal shows a request matching `pred`, then a moment more.
fn wait_for(fake: &Fake, pred: impl Fn(&Entry) -> bool, what: &str) {
    let started = Instant::now();
    while !fake.journal().iter().any(&pred) {
        assert!(started.elapsed() < Duration::from_secs(60), "never saw {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn finish(child: Child) -> (i32, String) {
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

/// Writes by kind over the whole journal: (cluster PUTs, upgrade POSTs per pool).
fn writes(fake: &Fake) -> (usize, Vec<String>) {
    let w = fake.writes();
    let cluster_puts = w
        .iter()
        .filter(|e| {
            e.method == "PUT" && e.path.to_ascii_lowercase().ends_with("managedclusters/aks1") && e.status < 400
        })
        .count();
    let mut upgrades: Vec<String> = w
        .iter()
        .filter(|e| e.method == "POST" && e.status < 400)
        .map(|e| e.path.split('/').rev().nth(1).unwrap().to_string())
        .collect();
    upgrades.sort();
    (cluster_puts, upgrades)
}

fn is_switch_put(e: &Entry) -> bool {
    e.method == "PUT" && e.path.to_ascii_lowercase().ends_with("managedclusters/aks1")
}

fn is_upgrade(e: &Entry) -> bool {
    e.method == "POST" && e.path.ends_with("upgradeNodeImageVersion")
}

#[test]
fn killed_during_the_switch_then_run_again_writes_nothing_twice() {
    let (fake, rb) = slow_fake(2.0);
    let mut child = up(&fake, &rb, &[]).spawn().unwrap();
    wait_for(&fake, is_switch_put, "the switch");
    child.kill().unwrap();
    child.wait().unwrap();
    // Immediately again, while Azure is still switching.
    let (code, all) = finish(up(&fake, &rb, &[]).spawn().unwrap());
    assert_eq!(code, 0, "{all}");
    let (puts, upgrades) = writes(&fake);
    assert_eq!(
        puts, 1,
        "one cluster update (the switch and workload identity together), never repeated"
    );
    assert_eq!(upgrades, ["pool1", "pool2"], "each pool upgraded once");
    assert!(
        fake.journal().iter().all(|e| e.status != 409),
        "never raced a running operation"
    );
}

#[test]
fn killed_during_the_pool_upgrades_then_run_again_adopts_them() {
    let (fake, rb) = slow_fake(2.0);
    let mut child = up(&fake, &rb, &[]).spawn().unwrap();
    wait_for(&fake, |e| is_upgrade(e) && e.path.contains("pool2"), "the upgrades");
    wait_for(&fake, |e| is_upgrade(e) && e.path.contains("pool1"), "the upgrades");
    child.kill().unwrap();
    child.wait().unwrap();
    let (code, all) = finish(up(&fake, &rb, &[]).spawn().unwrap());
    assert_eq!(code, 0, "{all}");
    assert!(all.contains("waits for the running node image upgrade"), "{all}");
    // Waiting is not applying: the verdict says what this run did.
    assert!(
        all.contains("0 applied and verified; 3 waited for (already running in Azure)"),
        "the switch and both re-images were already running: {all}"
    );
    assert!(all.contains("nodepool rg1/aks1/pool1: waited ("), "{all}");
    let (puts, upgrades) = writes(&fake);
    assert_eq!(puts, 1);
    assert_eq!(
        upgrades,
        ["pool1", "pool2"],
        "the running upgrades were adopted, not started again"
    );
}

#[test]
fn killed_after_the_upgrades_then_run_again_finishes_the_rest() {
    let (fake, rb) = slow_fake(1.0);
    let mut child = up(&fake, &rb, &[]).spawn().unwrap();
    wait_for(
        &fake,
        |e| e.method == "PUT" && e.path.contains("userAssignedIdentities/id-shop"),
        "the identity",
    );
    child.kill().unwrap();
    child.wait().unwrap();
    let (code, all) = finish(up(&fake, &rb, &[]).spawn().unwrap());
    assert_eq!(code, 0, "{all}");
    let (puts, upgrades) = writes(&fake);
    assert_eq!(puts, 1);
    assert_eq!(upgrades, ["pool1", "pool2"]);
    let identity_puts = fake
        .writes()
        .iter()
        .filter(|e| e.method == "PUT" && e.path.ends_with("userAssignedIdentities/id-shop"))
        .count();
    assert_eq!(identity_puts, 1);
}

#[test]
fn no_wait_then_wait_then_up_ends_where_one_up_ends() {
    let (fake, rb) = slow_fake(1.0);
    let (code, all) = finish(up(&fake, &rb, &["--no-wait"]).spawn().unwrap());
    assert_eq!(code, 0, "{all}");
    assert!(all.contains("\"outcome\": \"started\""), "{all}");
    let mut wait = fake.kvwire_process();
    wait.args(["wait", "-f"]).arg(&rb);
    let out = wait.output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    // Twice more: the switch was started; now the pools; then the rest.
    for _ in 0..3 {
        let (code, all) = finish(up(&fake, &rb, &[]).spawn().unwrap());
        assert_eq!(code, 0, "{all}");
    }
    let (puts, upgrades) = writes(&fake);
    assert_eq!(puts, 1);
    assert_eq!(upgrades, ["pool1", "pool2"]);
    let mut verify = fake.kvwire_process();
    verify.args(["-o", "json", "verify", "-f"]).arg(&rb);
    let out = verify.output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
}

#[test]
fn without_a_terminal_a_progress_line_comes_every_heartbeat() {
    let (fake, rb) = slow_fake(3.0);
    let mut cmd = up(&fake, &rb, &[]);
    cmd.env("KVWIRE_HEARTBEAT_SECS", "1");
    let (code, all) = finish(cmd.spawn().unwrap());
    assert_eq!(code, 0, "{all}");
    let lines: Vec<&str> = all.lines().filter(|l| l.contains(": upgrading node image, ")).collect();
    assert!(lines.len() >= 2, "heartbeats: {all}");
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("nodepool rg1/aks1/pool1: upgrading node image, ")),
        "{lines:#?}"
    );
    assert!(
        all.contains(
            "cluster rg1/aks1 (managed identity, workload identity, CSI driver add-on): updating the cluster, "
        ),
        "{all}"
    );
    assert!(!all.contains("operations/"), "no raw operation URLs");
}

#[test]
fn ctrl_c_starts_nothing_new_says_what_keeps_running_and_exits_130() {
    let (fake, rb) = slow_fake(3.0);
    let child = up(&fake, &rb, &[]).spawn().unwrap();
    wait_for(&fake, is_upgrade, "an upgrade");
    std::thread::sleep(Duration::from_millis(200));
    let pid = child.id() as i32;
    // SIGINT, as a terminal sends on Ctrl-C.
    assert!(
        std::process::Command::new("kill")
            .args(["-INT", &pid.to_string()])
            .status()
            .unwrap()
            .success()
    );
    let (code, all) = finish(child);
    assert_eq!(code, 130, "{all}");
    assert!(all.contains("Interrupted: nothing new was started"), "{all}");
    assert!(all.contains("nodepool rg1/aks1/pool1: upgrading node image"), "{all}");
    assert!(all.contains("kvwire wait -f") && all.contains("kvwire up -f"), "{all}");
    let writes_then = fake.writes().len();
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(fake.writes().len(), writes_then, "nothing started after the interrupt");
}

#[test]
fn a_rerun_while_the_clusters_update_runs_waits_for_it() {
    let (fake, rb) = slow_fake(2.0);
    // Someone else's cluster update is running.
    let mut other = fake.kvwire_process();
    other.args([
        "--yes",
        "cluster",
        "enable-managed-identity",
        "-g",
        "rg1",
        "-n",
        "aks1",
        "--no-wait",
    ]);
    assert!(other.output().unwrap().status.success());
    fake.clear_journal();
    let mut plan = fake.kvwire_process();
    for (k, v) in SECRETS {
        plan.env(k, v);
    }
    let out = plan.args(["-o", "text", "plan", "-f"]).arg(&rb).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("the cluster's update"), "says what it waits for: {text}");
    let (code, all) = finish(up(&fake, &rb, &[]).spawn().unwrap());
    assert_eq!(code, 0, "{all}");
    let (puts, _) = writes(&fake);
    assert_eq!(puts, 1, "one update, made after the running one finished");
    assert!(fake.journal().iter().all(|e| e.status != 409), "never raced");
}

/// Another pipeline's cluster update that starts between kvwire's read and its PUT: the tag it
/// adds and the new entity tag are what a competing `az aks update` leaves behind.
fn another_pipeline_updates_the_cluster(s: &mut support::fake::FakeState) {
    let id = Fake::cluster_id("rg1", "aks1");
    let etag = s.new_etag();
    if let Some(mc) = s.resource_mut(&id) {
        mc["tags"]["owner"] = serde_json::json!("platform-team");
        mc["eTag"] = serde_json::json!(etag);
        mc["properties"]["provisioningState"] = serde_json::json!("Updating");
    }
    let owned = id.clone();
    s.start_operation(
        &id,
        OpKind::ClusterUpdate,
        None,
        Box::new(move |s, _| {
            if let Some(mc) = s.resource_mut(&owned) {
                mc["properties"]["provisioningState"] = serde_json::json!("Succeeded");
            }
        }),
    );
}

#[test]
fn a_bare_etag_mismatch_is_waited_out_and_the_switch_planned_again_not_resent() {
    let (fake, _) = slow_fake(1.0);
    fake.state.lock().unwrap().busy_etag_mismatch = true;
    fake.fault(
        Some("PUT"),
        "managedClusters/aks1",
        1,
        support::fake::FaultKind::Before(another_pipeline_updates_the_cluster),
    );
    let (_, all, code) = support::outcome(fake.kvwire().args([
        "--yes",
        "cluster",
        "enable-managed-identity",
        "-g",
        "rg1",
        "-n",
        "aks1",
        "--no-regrant-acr",
    ]));
    assert_eq!(code, 0, "{all}");
    let puts: Vec<Entry> = fake.journal().into_iter().filter(is_switch_put).collect();
    assert_eq!(
        puts.iter().map(|e| e.status).collect::<Vec<_>>(),
        [409, 200],
        "one refused PUT (bare EtagMismatch), then one PUT planned again from a fresh read"
    );
    assert_ne!(
        puts[0].if_match, puts[1].if_match,
        "the second PUT carries the new entity tag"
    );
    let mc = fake.resource(&Fake::cluster_id("rg1", "aks1")).unwrap();
    assert_eq!(
        mc["tags"]["owner"], "platform-team",
        "the other pipeline's change is kept"
    );
    assert_eq!(mc["identity"]["type"], "SystemAssigned");
}

/// Another run's re-image of pool1 that starts just before kvwire's POST reaches AKS.
fn another_run_reimages_pool1(s: &mut support::fake::FakeState) {
    let pid = format!("{}/agentPools/pool1", Fake::cluster_id("rg1", "aks1"));
    support::fake::arm::clusters::start_image_change(s, &pid, None, None);
}

#[test]
fn a_pool_another_run_is_reimaging_is_awaited_and_never_reimaged_again() {
    let (fake, _) = slow_fake(1.0);
    fake.fault(
        Some("POST"),
        "agentPools/pool1/upgradeNodeImageVersion",
        1,
        support::fake::FaultKind::Before(another_run_reimages_pool1),
    );
    let (_, all, code) = support::outcome(fake.kvwire().args([
        "--yes",
        "nodepool",
        "upgrade-image",
        "-g",
        "rg1",
        "--cluster",
        "aks1",
        "--nodepool",
        "pool1",
    ]));
    assert_eq!(code, 0, "{all}");
    let posts: Vec<u16> = fake
        .journal()
        .into_iter()
        .filter(is_upgrade)
        .map(|e| e.status)
        .collect();
    assert_eq!(
        posts,
        [409],
        "kvwire's POST was refused while the other re-image ran, and never sent again"
    );
    let pool = fake
        .resource(&format!("{}/agentPools/pool1", Fake::cluster_id("rg1", "aks1")))
        .unwrap();
    assert_eq!(pool["properties"]["nodeImageVersion"], "img-2", "{all}");
}

/// Another run's re-image of pool2, started while this run's cluster update is still running.
fn another_run_reimages_pool2(s: &mut support::fake::FakeState) {
    let pid = format!("{}/agentPools/pool2", Fake::cluster_id("rg1", "aks1"));
    if s.running_on(&pid).is_none() {
        // It outlasts this run's own update.
        s.op_duration.insert(OpKind::NodeImageUpgrade, Duration::from_secs(3));
        support::fake::arm::clusters::start_image_change(s, &pid, None, None);
    }
}

#[test]
fn the_switch_is_verified_once_another_runs_reimage_has_finished() {
    let (fake, _) = slow_fake(1.0);
    fake.fault(
        Some("GET"),
        "/operations/",
        1,
        support::fake::FaultKind::Before(another_run_reimages_pool2),
    );
    let (_, all, code) = support::outcome(fake.kvwire().args([
        "--yes",
        "cluster",
        "enable-managed-identity",
        "-g",
        "rg1",
        "-n",
        "aks1",
        "--no-regrant-acr",
    ]));
    assert_eq!(code, 0, "{all}");
    assert!(
        fake.journal()
            .iter()
            .any(|e| e.method == "GET" && e.path.ends_with("managedClusters/aks1")),
        "verified by reading the cluster"
    );
}

#[test]
fn twelve_pools_reimage_together_not_in_waves() {
    let fake = Fake::start();
    let names: Vec<String> = (1..=12).map(|i| format!("pool{i:02}")).collect();
    let pools: Vec<(&str, &str, &str)> = names.iter().map(|n| (n.as_str(), "img-1", "img-2")).collect();
    fake.seed_sp_cluster("rg1", "aks1", &pools, serde_json::json!({}));
    {
        let mut s = fake.state.lock().unwrap();
        s.op_duration
            .insert(OpKind::NodeImageUpgrade, Duration::from_millis(1500));
        s.lro_polls = 0;
    }
    fake.seed_vault("kv-demo", true, true);
    let rb = fake.dir.join("kubelet.toml");
    std::fs::write(
        &rb,
        "[cluster]\nresource_group = \"rg1\"\nname = \"aks1\"\n[vault]\nname = \"kv-demo\"\n[identity]\nmode = \"kubelet\"\n",
    )
    .unwrap();
    let (_, all, code) = support::outcome(fake.kvwire().args(["--yes", "up", "-f"]).arg(&rb));
    assert_eq!(code, 0, "{all}");
    let posts: Vec<Entry> = fake
        .journal()
        .into_iter()
        .filter(|e| is_upgrade(e) && e.status < 400)
        .collect();
    assert_eq!(posts.len(), 12, "{all}");
    // Waiting for one re-image holds no slot: the last starts before the first can have ended.
    let first = posts.iter().map(|e| e.at).min().unwrap();
    let last = posts.iter().map(|e| e.started).max().unwrap();
    assert!(
        last < first + Duration::from_millis(1500),
        "a second wave started after the first ended"
    );

    // `nodepool upgrade-image --parallel N` is the user's bound on pools at once, and holds.
    fake.state
        .lock()
        .unwrap()
        .latest_node_image
        .values_mut()
        .for_each(|v| *v = "img-3".into());
    fake.clear_journal();
    let (_, all, code) = support::outcome(fake.kvwire().args([
        "--yes",
        "nodepool",
        "upgrade-image",
        "-g",
        "rg1",
        "--cluster",
        "aks1",
        "--all",
        "--parallel",
        "4",
    ]));
    assert_eq!(code, 0, "{all}");
    let posts: Vec<Entry> = fake
        .journal()
        .into_iter()
        .filter(|e| is_upgrade(e) && e.status < 400)
        .collect();
    let first = posts.iter().map(|e| e.at).min().unwrap();
    let before_any_ended = posts
        .iter()
        .filter(|e| e.started < first + Duration::from_millis(1500))
        .count();
    assert_eq!(before_any_ended, 4, "four at once, as --parallel 4 says");
}

#[test]
fn a_cluster_put_over_the_aks_budget_waits_out_retry_after() {
    let fake = Fake::start();
    fake.seed_sp_cluster("rg1", "aks1", &[("pool1", "img-1", "img-1")], serde_json::json!({}));
    // AKS's PUT budget (a burst of 20, then 1 a minute per cluster), on a shorter clock.
    fake.state.lock().unwrap().aks_put_budget = (2.0, Duration::from_secs(2));
    for flags in [
        &["--rotation"][..],
        &["--no-rotation"],
        &["--rotation-poll-interval", "5m"],
    ] {
        let (_, all, code) = support::outcome(
            fake.kvwire()
                .args(["--yes", "cluster", "enable-csi-driver", "-g", "rg1", "-n", "aks1"])
                .args(flags),
        );
        assert_eq!(code, 0, "{flags:?}: {all}");
    }
    let puts: Vec<u16> = fake
        .journal()
        .into_iter()
        .filter(is_switch_put)
        .map(|e| e.status)
        .collect();
    assert_eq!(
        puts,
        [200, 200, 429, 200],
        "the third update waited out Retry-After, then went through"
    );
    let addon = &fake.resource(&Fake::cluster_id("rg1", "aks1")).unwrap()["properties"]["addonProfiles"]["azureKeyvaultSecretsProvider"];
    assert_eq!(addon["config"]["rotationPollInterval"], "5m");
}
