//! Saved plans: `plan --out FILE` now, `up --plan FILE` later — exactly what was saved, or nothing
//! when the runbook or Azure changed in between. No plan file holds a secret value or a hash of one.

use crate::support;

use serde_json::{Value, json};
use support::Fake;

const DB: [(&str, &str); 4] = [
    ("DB_HOST", "pg.saved.example"),
    ("DB_NAME", "orders"),
    ("DB_USERNAME", "orders_app"),
    ("DB_PASSWORD", "Zq7!saved-plan-s3cr3t"),
];

fn fresh() -> (Fake, std::path::PathBuf) {
    let fake = Fake::start();
    fake.seed_sp_cluster(
        "rg1",
        "aks1",
        &[("nodepool1", "img-1", "img-2"), ("userpool", "img-1", "img-2")],
        json!({}),
    );
    fake.seed_vault("kv-demo", true, true);
    let rb = fake.dir.join("onboard.toml");
    std::fs::write(&rb, support::ONBOARD_RUNBOOK).unwrap();
    (fake, rb)
}

fn kvwire(fake: &Fake, args: &[&str]) -> (Value, String, i32) {
    let mut cmd = fake.kvwire();
    for (k, v) in DB {
        cmd.env(k, v);
    }
    support::outcome(cmd.current_dir(&fake.dir).args(args))
}

/// Neither a value nor its SHA-256 (hex, either case) nor its base64 is anywhere in the file.
fn assert_no_secret_in(path: &std::path::Path) {
    let text = std::fs::read_to_string(path).unwrap();
    for (_, v) in DB {
        let sha = kvwire::plan::saved::sha256(v.as_bytes());
        for needle in [v.to_string(), sha.clone(), sha.to_ascii_uppercase()] {
            assert!(!text.contains(&needle), "{} holds {needle:?}:\n{text}", path.display());
        }
    }
}

/// What kind of resource a write is to, by its path.
fn kind_of_write(e: &support::fake::Entry) -> &'static str {
    let p = e.path.to_ascii_lowercase();
    if p.contains("/federatedidentitycredentials/") {
        "federated credential"
    } else if p.contains("/roleassignments/") {
        "role"
    } else if p.contains("upgradenodeimageversion") {
        "nodepool"
    } else if p.contains("/userassignedidentities/") {
        "identity"
    } else if p.contains("/managedclusters/") {
        "cluster"
    } else if p.starts_with("/secrets/") {
        "secret"
    } else {
        "other"
    }
}

#[test]
fn a_saved_plan_applies_exactly_its_steps() {
    let (fake, _) = fresh();
    let (_, all, code) = kvwire(
        &fake,
        &["-o", "text", "plan", "-f", "onboard.toml", "--out", "plan.kvwire"],
    );
    assert_eq!(code, 0, "{all}");
    assert!(all.contains("Saved the plan to plan.kvwire"), "{all}");
    assert!(fake.writes().is_empty(), "plan only reads");
    let file = fake.dir.join("plan.kvwire");
    assert_no_secret_in(&file);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "owner only");
    }
    let saved: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(saved["kind"], json!("kvwire saved plan"));
    let cluster = saved["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["address"].as_str().unwrap().starts_with("cluster "))
        .unwrap();
    assert!(
        cluster["observed"].is_string(),
        "the cluster's entity tag is recorded: {cluster:#}"
    );
    // The writes it keeps: a pool's re-image is its POST, without a body; a secret's set is a
    // PUT to the vault's data plane, its body by digest (the value in it only as a marker).
    let request_of = |prefix: &str| {
        saved["steps"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["address"].as_str().unwrap().starts_with(prefix))
            .map(|s| s["request"].clone())
            .unwrap()
    };
    let pool = request_of("nodepool rg1/aks1/nodepool1");
    assert_eq!(pool["method"], json!("POST"), "{pool:#}");
    assert!(
        pool["path"]
            .as_str()
            .unwrap()
            .ends_with("/agentPools/nodepool1/upgradeNodeImageVersion"),
        "{pool:#}"
    );
    assert_eq!(
        (&pool["body_sha256"], pool.get("base")),
        (&Value::Null, None),
        "{pool:#}"
    );
    let secret = request_of("secret kv-demo/db-password");
    assert_eq!(
        (&secret["method"], &secret["path"], &secret["api_version"]),
        (&json!("PUT"), &json!("/secrets/db-password"), &json!("2025-07-01")),
        "{secret:#}"
    );
    assert!(
        secret["base"]
            .as_str()
            .unwrap()
            .starts_with("https://kv-demo.vault.azure.net"),
        "{secret:#}"
    );
    assert!(secret["body_sha256"].is_string(), "{secret:#}");

    // `show` prints it.
    let (_, all, code) = kvwire(&fake, &["-o", "text", "show", "plan.kvwire"]);
    assert_eq!(code, 0, "{all}");
    assert!(all.contains("~ update    cluster rg1/aks1"), "{all}");
    let (doc, all, code) = kvwire(&fake, &["-o", "json", "show", "plan.kvwire"]);
    assert_eq!(code, 0, "{all}");
    assert_eq!(doc, saved);

    // Apply it: no -f (the plan names the runbook), no question; every write belongs to a step
    // the plan holds, as many as it holds of each kind.
    fake.clear_journal();
    let (_, all, code) = kvwire(&fake, &["-o", "json", "up", "--plan", "plan.kvwire"]);
    assert_eq!(code, 0, "{all}");
    let mut planned: Vec<&str> = saved["steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["action"] != json!("no_op"))
        .map(|s| s["address"].as_str().unwrap())
        .filter_map(|a| {
            [
                "federated credential",
                "role",
                "nodepool",
                "identity",
                "cluster",
                "secret",
            ]
            .into_iter()
            .find(|k| a.starts_with(k))
        })
        .collect();
    let mut written: Vec<&str> = fake
        .writes()
        .iter()
        .filter(|e| !e.path.contains("/operations/"))
        .map(kind_of_write)
        .collect();
    planned.sort();
    written.sort();
    assert_eq!(written, planned, "{:#?}", fake.writes());

    // Applied again, every step is done: doing less than the plan is allowed, more never.
    fake.clear_journal();
    let (_, all, code) = kvwire(&fake, &["-o", "json", "up", "--plan", "plan.kvwire"]);
    assert_eq!(code, 0, "{all}");
    assert!(fake.writes().is_empty(), "{:#?}", fake.writes());
}

#[test]
fn a_change_to_the_cluster_after_the_plan_is_refused_before_any_write() {
    let (fake, _) = fresh();
    let (_, all, code) = kvwire(&fake, &["plan", "-f", "onboard.toml", "--out", "plan.kvwire"]);
    assert_eq!(code, 0, "{all}");
    assert_no_secret_in(&fake.dir.join("plan.kvwire"));
    // Someone tags the cluster (a PATCH of its tags, which gives it a new entity tag).
    {
        let mut s = fake.state.lock().unwrap();
        let id = Fake::cluster_id("rg1", "aks1");
        let etag = s.new_etag();
        let mut mc = s.resource(&id).unwrap().clone();
        mc["tags"]["owner"] = json!("team-payments");
        mc["eTag"] = json!(etag);
        s.put_resource(&id, mc);
    }
    fake.clear_journal();
    let (_, all, code) = kvwire(&fake, &["up", "--plan", "plan.kvwire"]);
    assert_eq!(code, 1, "{all}");
    assert!(all.contains("nothing was written"), "{all}");
    assert!(
        all.contains(
            "cluster rg1/aks1 (managed identity, workload identity, CSI driver add-on): changed in Azure since the plan"
        ),
        "{all}"
    );
    assert!(fake.writes().is_empty(), "{:#?}", fake.writes());
}

#[test]
fn an_edited_runbook_is_refused_before_any_request() {
    let (fake, rb) = fresh();
    let (_, all, code) = kvwire(&fake, &["plan", "-f", "onboard.toml", "--out", "plan.kvwire"]);
    assert_eq!(code, 0, "{all}");
    assert_no_secret_in(&fake.dir.join("plan.kvwire"));
    std::fs::write(
        &rb,
        support::ONBOARD_RUNBOOK.replace("name = \"checkout\"", "name = \"orders\""),
    )
    .unwrap();
    fake.clear_journal();
    let (_, all, code) = kvwire(&fake, &["up", "--plan", "plan.kvwire"]);
    assert_eq!(code, 1, "{all}");
    assert!(all.contains("the runbook onboard.toml changed since the plan"), "{all}");
    assert!(fake.journal().is_empty(), "not even a token: {:#?}", fake.journal());

    // A changed secret value makes the step differ: stopped too, without saying the value.
    std::fs::write(&rb, support::ONBOARD_RUNBOOK).unwrap();
    let (_, all, code) = kvwire(&fake, &["--yes", "up", "-f", "onboard.toml"]);
    assert_eq!(code, 0, "{all}");
    let (_, all, code) = kvwire(&fake, &["plan", "-f", "onboard.toml", "--out", "plan2.kvwire"]);
    assert_eq!(code, 0, "{all}");
    assert_no_secret_in(&fake.dir.join("plan2.kvwire"));
    fake.clear_journal();
    let mut cmd = fake.kvwire();
    for (k, v) in DB {
        cmd.env(k, v);
    }
    cmd.env("DB_PASSWORD", "rotated-after-review");
    let (_, all, code) = support::outcome(cmd.current_dir(&fake.dir).args(["up", "--plan", "plan2.kvwire"]));
    assert_eq!(code, 1, "{all}");
    assert!(
        all.contains("secret kv-demo/db-password (from DB_PASSWORD): planned no_op, now update"),
        "{all}"
    );
    assert!(!all.contains("rotated-after-review") && !all.contains(DB[3].1), "{all}");
    assert!(fake.writes().is_empty(), "{:#?}", fake.writes());
}

#[test]
fn not_a_plan_file_is_a_usage_error() {
    let fake = Fake::start();
    std::fs::write(fake.dir.join("x.kvwire"), "{\"steps\": []}").unwrap();
    let (_, all, code) = kvwire(&fake, &["up", "--plan", "x.kvwire"]);
    assert_eq!(code, 2, "{all}");
    assert!(all.contains("plan file x.kvwire: not a kvwire saved plan"), "{all}");
    let (_, all, code) = kvwire(&fake, &["up"]);
    assert_eq!(code, 2, "-f or --plan: {all}");

    // A saved plan is applied later: it needs every secret value now (a shown plan does not).
    std::fs::write(fake.dir.join("onboard.toml"), support::ONBOARD_RUNBOOK).unwrap();
    let (_, all, code) = support::outcome(fake.kvwire().current_dir(&fake.dir).args([
        "plan",
        "-f",
        "onboard.toml",
        "--out",
        "plan.kvwire",
    ]));
    assert_eq!(code, 2, "{all}");
    assert!(all.contains("DB_HOST"), "{all}");
    assert!(!fake.dir.join("plan.kvwire").exists());
}

/// Someone tags the cluster between kvwire's last read and its PUT.
fn competing_write(s: &mut support::fake::state::FakeState) {
    let id = Fake::cluster_id("rg1", "aks1");
    let etag = s.new_etag();
    let mut mc = s.resource(&id).unwrap().clone();
    mc["tags"]["owner"] = json!("someone-else");
    mc["eTag"] = json!(etag);
    s.put_resource(&id, mc);
}

#[test]
fn a_write_between_the_check_and_the_put_ends_a_saved_plan() {
    let (fake, _) = fresh();
    let (_, all, code) = kvwire(&fake, &["plan", "-f", "onboard.toml", "--out", "plan.kvwire"]);
    assert_eq!(code, 0, "{all}");
    fake.fault(
        Some("PUT"),
        "managedClusters/aks1",
        1,
        support::fake::state::FaultKind::Before(competing_write),
    );
    let (_, all, code) = kvwire(&fake, &["-o", "text", "up", "--plan", "plan.kvwire"]);
    assert_eq!(code, 1, "{all}");
    assert!(
        all.contains("cluster rg1/aks1 changed since the plan (412 on If-Match)"),
        "{all}"
    );
    // The hint agrees with the error: a stale plan is planned again, never applied again.
    assert!(
        all.contains("The saved plan is stale: plan again (`kvwire plan -f onboard.toml --out plan.kvwire`)"),
        "{all}"
    );
    assert!(!all.contains("kvwire up --plan plan.kvwire` again"), "{all}");
    let mc = fake.resource(&Fake::cluster_id("rg1", "aks1")).unwrap();
    assert_eq!(
        mc["properties"]["servicePrincipalProfile"]["clientId"],
        json!("clientid"),
        "never applied over the other write"
    );
}

#[test]
fn an_interrupted_saved_plan_is_resumed_with_the_same_file() {
    let (fake, _) = fresh();
    let (_, all, code) = kvwire(&fake, &["plan", "-f", "onboard.toml", "--out", "plan.kvwire"]);
    assert_eq!(code, 0, "{all}");
    // The run stops after the cluster update and the identity: the credential write is refused once.
    fake.fault(
        Some("PUT"),
        "/federatedIdentityCredentials/",
        1,
        support::fake::state::FaultKind::Error {
            status: 403,
            code: "AuthorizationFailed".into(),
        },
    );
    let (_, all, code) = kvwire(&fake, &["-o", "text", "up", "--plan", "plan.kvwire"]);
    assert_eq!(code, 1, "{all}");
    assert!(
        all.contains("kvwire up --plan plan.kvwire"),
        "the hint resumes the reviewed plan: {all}"
    );
    // What was "(known after apply)" in the plan (the issuer, the new identity's principal) is
    // known now, and matches.
    let (_, all, code) = kvwire(&fake, &["up", "--plan", "plan.kvwire"]);
    assert_eq!(code, 0, "{all}");
    let (_, all, code) = kvwire(&fake, &["verify", "-f", "onboard.toml"]);
    assert_eq!(code, 0, "{all}");
}

#[test]
fn a_saved_plan_resumes_after_its_manifests_failed() {
    let (fake, _) = fresh();
    let (_, all, code) = kvwire(&fake, &["plan", "-f", "onboard.toml", "--out", "plan.kvwire"]);
    assert_eq!(code, 0, "{all}");
    // The manifests' directory cannot be made: a file is in the way.
    std::fs::write(fake.dir.join("k8s"), "in the way").unwrap();
    let (_, all, code) = kvwire(&fake, &["-o", "text", "up", "--plan", "plan.kvwire"]);
    assert_eq!(code, 1, "{all}");
    std::fs::remove_file(fake.dir.join("k8s")).unwrap();
    let (_, all, code) = kvwire(&fake, &["-o", "text", "up", "--plan", "plan.kvwire"]);
    assert_eq!(
        code, 0,
        "the files, \"(known after apply)\" in the plan, are the ones now known: {all}"
    );
    assert!(fake.dir.join("k8s/secretproviderclass.yaml").exists());
}

/// An operation someone else started on the cluster, running for a second; it moves the entity tag
/// when it ends, as every AKS operation does.
fn someone_elses_operation(s: &mut support::fake::state::FakeState) {
    let id = Fake::cluster_id("rg1", "aks1");
    s.op_duration.insert(
        support::fake::OpKind::ClusterUpdate,
        std::time::Duration::from_millis(1500),
    );
    // Nobody polls someone else's operation: it ends on time.
    s.lro_polls = 0;
    if let Some(mc) = s.resource_mut(&id) {
        mc["properties"]["provisioningState"] = json!("Updating");
    }
    let owned = id.clone();
    s.start_operation(
        &id,
        support::fake::OpKind::ClusterUpdate,
        None,
        Box::new(move |s, _| {
            let etag = s.new_etag();
            if let Some(mc) = s.resource_mut(&owned) {
                mc["properties"]["provisioningState"] = json!("Succeeded");
                mc["eTag"] = json!(etag);
            }
        }),
    );
}

#[test]
fn plan_out_waits_for_a_running_operation_so_the_saved_plan_is_not_stale() {
    let (fake, _) = fresh();
    someone_elses_operation(&mut fake.state.lock().unwrap());
    let (_, all, code) = kvwire(&fake, &["plan", "-f", "onboard.toml", "--out", "plan.kvwire"]);
    assert_eq!(code, 0, "{all}");
    assert!(all.contains("waiting for the cluster's update to finish"), "{all}");
    let (_, all, code) = kvwire(&fake, &["-o", "text", "up", "--plan", "plan.kvwire"]);
    assert_eq!(code, 0, "the plan was made after the operation, so it applies:\n{all}");
}

#[test]
fn plan_out_no_wait_refuses_while_an_operation_runs() {
    let (fake, _) = fresh();
    someone_elses_operation(&mut fake.state.lock().unwrap());
    let (_, all, code) = kvwire(
        &fake,
        &["plan", "-f", "onboard.toml", "--out", "plan.kvwire", "--no-wait"],
    );
    assert_eq!(code, 1, "{all}");
    assert!(
        all.contains("the cluster's update is running") && all.contains("kvwire wait -f onboard.toml"),
        "{all}"
    );
    assert!(!fake.dir.join("plan.kvwire").exists(), "nothing saved");
    let (_, all, code) = kvwire(&fake, &["plan", "-f", "onboard.toml", "--no-wait"]);
    assert_eq!(code, 2, "--no-wait goes with --out: {all}");
}

/// An edit to the plan file — even to a reason, which only a reviewer reads — is refused by `show`
/// and `up --plan` (exit 2) before any request.
#[test]
fn an_edited_plan_file_is_refused() {
    let (fake, _) = fresh();
    let (_, all, code) = kvwire(&fake, &["plan", "-f", "onboard.toml", "--out", "plan.kvwire"]);
    assert_eq!(code, 0, "{all}");
    let file = fake.dir.join("plan.kvwire");
    let mut saved: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert!(saved["content_sha256"].is_string(), "{saved:#}");
    saved["steps"][0]["reason"] = json!("harmless, approve");
    std::fs::write(&file, serde_json::to_string_pretty(&saved).unwrap()).unwrap();
    fake.clear_journal();
    for args in [&["show", "plan.kvwire"][..], &["up", "--plan", "plan.kvwire"]] {
        let (_, all, code) = kvwire(&fake, args);
        assert_eq!(code, 2, "{args:?}: {all}");
        assert!(all.contains("the plan file was edited"), "{args:?}: {all}");
    }
    assert!(fake.journal().is_empty(), "{:#?}", fake.journal());

    // Re-indenting or reordering keys is not an edit: the digest is over the content.
    let (_, all, code) = kvwire(&fake, &["plan", "-f", "onboard.toml", "--out", "plan.kvwire"]);
    assert_eq!(code, 0, "{all}");
    let saved: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    std::fs::write(&file, serde_json::to_string(&saved).unwrap()).unwrap();
    let (_, all, code) = kvwire(&fake, &["show", "plan.kvwire"]);
    assert_eq!(code, 0, "{all}");
}

/// The cluster's entity tag was recorded; now Azure answers without one: that is drift, not a
/// match, and nothing is written.
#[test]
fn a_missing_entity_tag_where_one_was_recorded_is_drift() {
    let (fake, _) = fresh();
    let (_, all, code) = kvwire(&fake, &["plan", "-f", "onboard.toml", "--out", "plan.kvwire"]);
    assert_eq!(code, 0, "{all}");
    {
        let mut s = fake.state.lock().unwrap();
        let id = Fake::cluster_id("rg1", "aks1");
        let mut mc = s.resource(&id).unwrap().clone();
        mc.as_object_mut().unwrap().remove("eTag");
        s.put_resource(&id, mc);
    }
    fake.clear_journal();
    let (_, all, code) = kvwire(&fake, &["up", "--plan", "plan.kvwire"]);
    assert_eq!(code, 1, "{all}");
    assert!(all.contains("changed in Azure since the plan"), "{all}");
    assert!(fake.writes().is_empty(), "{:#?}", fake.writes());
}

/// `plan --out` naming the runbook itself (under any spelling) would replace the runbook with the
/// plan: refused before any request, the runbook unchanged.
#[test]
fn plan_out_over_the_runbook_is_refused() {
    let (fake, rb) = fresh();
    for out in ["onboard.toml", "./onboard.toml", "../{dir}/onboard.toml"] {
        let dir = fake.dir.file_name().unwrap().to_string_lossy().into_owned();
        let out = out.replace("{dir}", &dir);
        let (_, all, code) = kvwire(&fake, &["plan", "-f", "onboard.toml", "--out", &out]);
        assert_eq!(code, 2, "{out}: {all}");
        assert!(all.contains("--out") && all.contains("the runbook"), "{out}: {all}");
        assert_eq!(std::fs::read_to_string(&rb).unwrap(), support::ONBOARD_RUNBOOK);
    }
    assert!(fake.journal().is_empty(), "{:#?}", fake.journal());
}

/// The temporary file a plan is written through has a name nobody can guess: one planted at the
/// old predictable name (`.NAME.PID.tmp`) neither stops the write nor receives it.
#[cfg(unix)]
#[test]
fn the_temporary_plan_file_has_an_unpredictable_name() {
    let (fake, _) = fresh();
    std::fs::write(fake.dir.join("outside.txt"), "keep me\n").unwrap();
    let mut cmd = fake.kvwire_process();
    for (k, v) in DB {
        cmd.env(k, v);
    }
    let child = cmd
        .current_dir(&fake.dir)
        .args(["plan", "-f", "onboard.toml", "--out", "plan.kvwire"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Planted at once: kvwire signs in and reads Azure before it writes anything.
    std::os::unix::fs::symlink("outside.txt", fake.dir.join(format!(".plan.kvwire.{}.tmp", child.id()))).unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(fake.dir.join("outside.txt")).unwrap(),
        "keep me\n"
    );
    let saved: Value = serde_json::from_str(&std::fs::read_to_string(fake.dir.join("plan.kvwire")).unwrap()).unwrap();
    assert_eq!(saved["kind"], json!("kvwire saved plan"));
}

/// A plan file whose step lost its recorded entity tag (the digest recomputed, as a tool that
/// rewrites the file would) is refused: without the tag the drift check would be skipped, and a
/// cluster changed since the plan would be written.
#[test]
fn a_plan_file_without_its_entity_tag_is_refused() {
    let (fake, _) = fresh();
    let (_, all, code) = kvwire(&fake, &["plan", "-f", "onboard.toml", "--out", "plan.kvwire"]);
    assert_eq!(code, 0, "{all}");
    let file = fake.dir.join("plan.kvwire");
    let mut saved: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let saved_obj = saved.as_object_mut().unwrap();
    saved_obj.remove("content_sha256");
    for step in saved_obj["steps"].as_array_mut().unwrap() {
        step.as_object_mut().unwrap().remove("observed");
    }
    let digest = kvwire::plan::saved::content_sha256(&saved);
    saved["content_sha256"] = json!(digest);
    std::fs::write(&file, serde_json::to_string_pretty(&saved).unwrap()).unwrap();
    // Someone tags the cluster after the plan.
    {
        let mut s = fake.state.lock().unwrap();
        let id = Fake::cluster_id("rg1", "aks1");
        let etag = s.new_etag();
        let mut mc = s.resource(&id).unwrap().clone();
        mc["tags"]["owner"] = json!("team-payments");
        mc["eTag"] = json!(etag);
        s.put_resource(&id, mc);
    }
    fake.clear_journal();
    let (_, all, code) = kvwire(&fake, &["up", "--plan", "plan.kvwire"]);
    assert_eq!(code, 2, "{all}");
    assert!(all.contains("observed"), "{all}");
    assert!(fake.writes().is_empty(), "{:#?}", fake.writes());
}
