//! The one-shot runbook against a fresh fake: `up` from a service-principal cluster to a pod's
//! manifests, `up` again (zero writes), `verify`, a broken grant caught by `verify`, `down`.

use crate::support;

use serde_json::{Value, json};
use support::Fake;

const DB: [(&str, &str); 4] = [
    ("DB_HOST", "pg.internal.example"),
    ("DB_NAME", "orders"),
    ("DB_USERNAME", "orders_app"),
    ("DB_PASSWORD", "Zq7!runbook-s3cr3t"),
];

fn runbook(fake: &Fake) -> std::path::PathBuf {
    let path = fake.dir.join("onboard.toml");
    std::fs::write(&path, support::ONBOARD_RUNBOOK).unwrap();
    path
}

fn fresh() -> (Fake, std::path::PathBuf) {
    let fake = Fake::start();
    fake.seed_sp_cluster(
        "rg1",
        "aks1",
        &[("nodepool1", "img-1", "img-2"), ("userpool", "img-1", "img-2")],
        json!({}),
    );
    fake.seed_vault("kv-demo", true, true);
    let rb = runbook(&fake);
    (fake, rb)
}

/// The name kvwire gives a runbook without `name` (its file name and a digest of what it wires up).
fn name_of(rb: &std::path::Path) -> String {
    kvwire::runbook::load(rb).unwrap().id
}

fn kvwire(fake: &Fake, args: &[&str], rb: &std::path::Path) -> (Value, String, i32) {
    let mut cmd = fake.kvwire();
    for (k, v) in DB {
        cmd.env(k, v);
    }
    support::outcome(cmd.args(args).arg("-f").arg(rb))
}

#[test]
fn up_from_scratch_then_rerun_writes_nothing() {
    let (fake, rb) = fresh();
    let (doc, all, code) = kvwire(&fake, &["-o", "json", "plan"], &rb);
    assert_eq!(code, 0, "{all}");
    assert!(fake.writes().is_empty(), "plan only reads");
    let planned: Vec<String> = doc["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| format!("{} {}", s["action"].as_str().unwrap(), s["address"].as_str().unwrap()))
        .collect();
    assert!(planned.len() >= 11, "{planned:#?}");

    let (doc, all, code) = kvwire(&fake, &["-o", "json", "--yes", "up"], &rb);
    assert_eq!(code, 0, "{all}");
    let failed: Vec<&Value> = doc["steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["outcome"] != "applied" && s["outcome"] != "unchanged")
        .collect();
    let summary: Vec<String> = doc["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| format!("{} {} {} {}", s["outcome"], s["action"], s["address"], s["error"]))
        .collect();
    assert!(failed.is_empty(), "{summary:#?}");
    assert_eq!(
        fake.secret_versions("kv-demo", "db-password"),
        vec!["Zq7!runbook-s3cr3t"]
    );
    let spc = kvwire::k8s::yaml::parse_documents(
        &std::fs::read_to_string(fake.dir.join("k8s/secretproviderclass.yaml")).unwrap(),
        "spc",
    )
    .unwrap()
    .remove(0);
    let identity = fake.resource("/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg1/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-shop").unwrap();
    assert_eq!(
        spc["spec"]["parameters"]["clientID"],
        identity["properties"]["clientId"]
    );
    assert!(!all.contains("Zq7!runbook-s3cr3t"));

    fake.clear_journal();
    let (doc, all, code) = kvwire(&fake, &["-o", "json", "--yes", "up"], &rb);
    assert_eq!(code, 0, "{all}");
    let changed: Vec<&Value> = doc["steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["action"] != "no_op")
        .collect();
    assert!(changed.is_empty(), "{changed:#?}");
    assert!(
        fake.writes().is_empty(),
        "second up writes nothing: {:#?}",
        fake.writes()
    );
}

#[test]
fn verify_passes_then_catches_a_broken_grant_with_its_fix() {
    let (fake, rb) = fresh();
    let (_, all, code) = kvwire(&fake, &["--yes", "up"], &rb);
    assert_eq!(code, 0, "{all}");
    let (doc, all, code) = kvwire(&fake, &["-o", "json", "verify"], &rb);
    assert_eq!(code, 0, "{all}");
    let checks = doc["checks"].as_array().unwrap();
    assert!(checks.len() >= 14, "{checks:#?}");
    assert!(checks.iter().all(|c| c["ok"] == true), "{checks:#?}");
    assert_eq!(doc["drift"], json!([]));

    // Someone removes the grant.
    let principal = fake.resource("/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg1/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-shop").unwrap()["properties"]["principalId"].as_str().unwrap().to_string();
    fake.state
        .lock()
        .unwrap()
        .resources
        .retain(|k, v| !(k.contains("/roleassignments/") && v["properties"]["principalId"] == principal.as_str()));
    let out = fake
        .kvwire()
        .args(["-o", "text", "verify", "-f"])
        .arg(&rb)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(3), "{text}");
    assert!(
        text.contains("✘ identity rg1/id-shop can read secret kv-demo/db-password"),
        "{text}"
    );
    assert!(
        text.contains("fix: kvwire grant --vault kv-demo --to identity:rg1/id-shop"),
        "{text}"
    );
    assert!(
        text.contains("Drift (what `up` would change):")
            && text.contains("+ create    role Key Vault Secrets User for identity rg1/id-shop"),
        "{text}"
    );
    assert!(
        // Passing checks of one kind read as one line; the failures above stay one each.
        text.contains("✔ secrets db-host, db-name, db-username, db-password of vault kv-demo exist and are enabled"),
        "{text}"
    );
    let shown = text.replace(&fake.dir.display().to_string(), "DIR");
    insta::with_settings!({filters => vec![(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "[GUID]")]}, {
        insta::assert_snapshot!("verify_broken_grant", shown);
    });

    // The fix named by verify repairs it.
    let (_, all, code) = kvwire(&fake, &["--yes", "up"], &rb);
    assert_eq!(code, 0, "{all}");
    let (_, _, code) = kvwire(&fake, &["verify"], &rb);
    assert_eq!(code, 0);
}

#[test]
fn verify_reports_a_grant_made_minutes_ago_as_propagating_and_an_old_one_as_failed() {
    let (fake, rb) = fresh();
    let (_, all, code) = kvwire(&fake, &["--yes", "up"], &rb);
    assert_eq!(code, 0, "{all}");
    let principal = fake.resource("/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg1/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-shop").unwrap()["properties"]["principalId"].as_str().unwrap().to_string();
    // Role-assignment lists have not caught up with the grant `up` just made.
    fake.state.lock().unwrap().assignment_list_lag = 1000;
    let (doc, all, code) = kvwire(&fake, &["-o", "json", "verify"], &rb);
    assert_eq!(code, 0, "a new grant is not a failure: {all}");
    let read = |doc: &Value| {
        doc["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["check"] == "identity rg1/id-shop can read secret kv-demo/db-password")
            .cloned()
            .unwrap()
    };
    let c = read(&doc);
    assert_eq!(
        (c["ok"].clone(), c["pending"].clone()),
        (json!(true), json!(true)),
        "{c:#}"
    );
    assert!(
        c["detail"]
            .as_str()
            .unwrap()
            .contains("may still be propagating (Azure RBAC can take minutes)"),
        "{c:#}"
    );
    let out = fake
        .kvwire()
        .args(["-o", "text", "verify", "-f"])
        .arg(&rb)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(
        text.contains("! identity rg1/id-shop can read secret kv-demo/db-password (granted at "),
        "{text}"
    );

    // The same assignment made long ago: not propagation, a failure.
    {
        let mut s = fake.state.lock().unwrap();
        for (k, v) in s.resources.iter_mut() {
            if k.contains("/roleassignments/") && v["properties"]["principalId"] == principal.as_str() {
                v["properties"]["createdOn"] = json!("2020-01-01T00:00:00Z");
            }
        }
    }
    let (doc, all, code) = kvwire(&fake, &["-o", "json", "verify"], &rb);
    assert_eq!(code, 3, "{all}");
    let c = read(&doc);
    assert_eq!(c["ok"], json!(false), "{c:#}");
    assert!(c.get("pending").is_none(), "{c:#}");
}

#[test]
fn a_failed_up_resumes_without_duplicates() {
    let (fake, rb) = fresh();
    // The credential write fails for good this time: up stops there, later phases do not run.
    fake.fault(
        Some("PUT"),
        "federatedIdentityCredentials",
        10,
        support::fake::FaultKind::Error {
            status: 400,
            code: "BadRequest".into(),
        },
    );
    let (doc, _, code) = kvwire(&fake, &["-o", "json", "--yes", "--retries", "0", "up"], &rb);
    assert_eq!(code, 1);
    let outcomes: Vec<(String, String)> = doc["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["address"].as_str().unwrap().to_string(),
                s["outcome"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert!(
        outcomes
            .iter()
            .any(|(a, o)| a.starts_with("federated credential") && o == "failed"),
        "{outcomes:#?}"
    );
    fake.state.lock().unwrap().faults.clear();
    fake.clear_journal();
    let (doc, all, code) = kvwire(&fake, &["-o", "json", "--yes", "up"], &rb);
    assert_eq!(code, 0, "{all}");
    let applied: Vec<&str> = doc["steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["outcome"] == "applied")
        .map(|s| s["address"].as_str().unwrap())
        .collect();
    assert!(
        !applied
            .iter()
            .any(|a| a.starts_with("cluster") || a.starts_with("identity") || a.starts_with("nodepool")),
        "done work is not redone: {applied:#?}"
    );
    assert_eq!(
        applied,
        ["federated credential rg1/id-shop/kvwire-shop-checkout"],
        "only what failed"
    );
    assert_eq!(fake.writes().len(), 1, "{:#?}", fake.writes());
    let identities = fake
        .state
        .lock()
        .unwrap()
        .resources
        .keys()
        .filter(|k| k.ends_with("/userassignedidentities/id-shop"))
        .count();
    assert_eq!(identities, 1);
    assert_eq!(fake.secret_versions("kv-demo", "db-password").len(), 1);
}

#[test]
fn down_removes_only_what_kvwire_created() {
    let (fake, rb) = fresh();
    let (_, all, code) = kvwire(&fake, &["--yes", "up"], &rb);
    assert_eq!(code, 0, "{all}");
    let roles_before = fake.role_assignments().len();
    let (doc, all, code) = kvwire(&fake, &["-o", "json", "--yes", "down"], &rb);
    assert_eq!(code, 0, "{all}");
    let deleted: Vec<&str> = doc["steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["outcome"] == "applied")
        .map(|s| s["address"].as_str().unwrap())
        .collect();
    assert_eq!(deleted.len(), 3, "credential, role assignment, identity: {deleted:#?}");
    assert!(fake.resource("/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg1/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-shop").is_none());
    assert_eq!(
        fake.role_assignments().len(),
        roles_before - 1,
        "kvwire's own Officer assignment is kept"
    );
    assert_eq!(
        fake.secret_versions("kv-demo", "db-host").len(),
        1,
        "secrets stay unless asked"
    );
    let mc = fake.resource(&Fake::cluster_id("rg1", "aks1")).unwrap();
    assert_eq!(
        mc["properties"]["servicePrincipalProfile"]["clientId"], "msi",
        "cluster settings are never reverted"
    );

    let (_, _, code) = kvwire(&fake, &["--yes", "down", "--include-secrets"], &rb);
    assert_eq!(code, 0);
    assert!(
        fake.state.lock().unwrap().secrets.values().all(|s| s.deleted.is_some()),
        "soft-deleted, recoverable"
    );
    fake.clear_journal();
    let (_, _, code) = kvwire(&fake, &["--yes", "down", "--include-secrets"], &rb);
    assert_eq!(code, 0);
    assert!(fake.writes().is_empty(), "down twice changes nothing");
}

#[test]
fn bad_runbooks_are_exit_2_with_file_line_and_column() {
    let fake = Fake::start();
    let rb = fake.dir.join("bad.toml");
    std::fs::write(&rb, "[cluster]\nresource_group = \"rg1\"\nname = \"aks1\"\n\n[vault]\nname = \"kv-demo\"\n\n[identity]\nmode = \"pod-identity\"\n").unwrap();
    let out = fake.kvwire().args(["up", "-f"]).arg(&rb).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr.contains("bad.toml:9:8:") && stderr.contains("`workload-identity`") && stderr.contains("`kubelet`"),
        "{stderr}"
    );
    std::fs::write(&rb, "[cluster]\nresource_group = \"rg1\"\nname = \"aks1\"\nnodes = 3\n").unwrap();
    let out = fake.kvwire().args(["plan", "-f"]).arg(&rb).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr.contains("bad.toml:4:1:") && stderr.contains("unknown field `nodes`"),
        "{stderr}"
    );
    assert!(fake.journal().is_empty());
}

#[test]
fn down_with_three_service_accounts_removes_their_credentials_one_at_a_time() {
    let (fake, _) = fresh();
    let rb = fake.dir.join("three.toml");
    let text = support::ONBOARD_RUNBOOK.replace(
        "[[service_accounts]]\nnamespace = \"shop\"\nname = \"checkout\"\n",
        "[[service_accounts]]\nnamespace = \"shop\"\nname = \"checkout\"\n\n[[service_accounts]]\nnamespace = \"shop\"\nname = \"cart\"\n\n[[service_accounts]]\nnamespace = \"shop\"\nname = \"search\"\n",
    );
    assert!(text.contains("search"));
    std::fs::write(&rb, text).unwrap();
    let (_, all, code) = kvwire(&fake, &["-o", "json", "--yes", "up"], &rb);
    assert_eq!(code, 0, "{all}");
    fake.clear_journal();
    let (doc, all, code) = kvwire(&fake, &["-o", "json", "--yes", "down"], &rb);
    assert_eq!(code, 0, "{all}");
    let deleted: Vec<&str> = doc["steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["outcome"] == "applied")
        .map(|s| s["address"].as_str().unwrap())
        .collect();
    assert_eq!(
        deleted.iter().filter(|a| a.starts_with("federated credential")).count(),
        3,
        "{deleted:#?}"
    );
    assert!(
        fake.journal().iter().all(|e| e.status != 409),
        "no concurrent credential writes: {:#?}",
        fake.journal().iter().filter(|e| e.status == 409).collect::<Vec<_>>()
    );
}

#[test]
fn plan_without_a_secret_value_shows_it_as_not_provided_and_up_refuses() {
    let (fake, rb) = fresh();
    fake.seed_secret("kv-demo", "db-host", "pg.old.example", false);
    let run = |args: &[&str]| {
        let mut cmd = fake.kvwire();
        for (k, v) in &DB[1..3] {
            cmd.env(k, v);
        }
        cmd.env_remove("DB_HOST").env_remove("DB_PASSWORD");
        support::outcome(cmd.args(args).arg("-f").arg(&rb))
    };
    // plan only reads: a value it was not given is shown as such, never a failure.
    let (_, all, code) = run(&["-o", "text", "plan"]);
    assert_eq!(code, 0, "{all}");
    assert!(all.contains("secret kv-demo/db-password (from DB_PASSWORD)"), "{all}");
    assert!(all.contains("value = (value not provided)"), "{all}");
    assert!(
        all.contains("DB_HOST was not provided: the plan cannot say whether secret db-host changes"),
        "{all}"
    );
    assert!(!all.contains("pg.old.example"), "{all}");
    let (doc, all, code) = run(&["-o", "json", "plan"]);
    assert_eq!(code, 0, "{all}");
    let step = doc["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["address"].as_str().unwrap().contains("db-password"))
        .unwrap()
        .clone();
    assert_eq!(step["changes"][0]["sensitive"], json!(true), "{step:#}");
    assert!(fake.writes().is_empty());

    // up writes: every value first, or nothing happens.
    let (_, all, code) = run(&["--yes", "up"]);
    assert_eq!(code, 2, "{all}");
    assert!(all.contains("DB_HOST") && all.contains("DB_PASSWORD"), "{all}");
    assert!(
        fake.journal().iter().all(|e| e.method == "GET" || e.method == "POST"),
        "no write"
    );
    assert!(fake.writes().is_empty());
}

pub(crate) const KUBELET_RUNBOOK: &str = r#"
[cluster]
resource_group = "rg1"
name = "aks1"

[vault]
name = "kv-demo"

[identity]
mode = "kubelet"

[secrets]
source = "env"
"#;

#[test]
fn down_keeps_what_another_runbook_still_uses() {
    let (fake, _) = fresh();
    // Two apps on one cluster: the same kubelet reads the same vault and the same secrets.
    let a = fake.dir.join("shop-a.toml");
    let b = fake.dir.join("shop-b.toml");
    std::fs::write(&a, KUBELET_RUNBOOK).unwrap();
    std::fs::write(&b, KUBELET_RUNBOOK).unwrap();
    for rb in [&a, &b] {
        let (_, all, code) = kvwire(&fake, &["--yes", "up"], rb);
        assert_eq!(code, 0, "{all}");
    }
    let kubelet = fake.resource(&Fake::cluster_id("rg1", "aks1")).unwrap()["properties"]["identityProfile"]
        ["kubeletidentity"]["objectId"]
        .as_str()
        .unwrap()
        .to_string();
    let secrets_user = |fake: &Fake| {
        let s = fake.state.lock().unwrap();
        s.resources
            .values()
            .filter(|v| {
                v.pointer("/properties/principalId").and_then(Value::as_str) == Some(kubelet.as_str())
                    && v.pointer("/properties/roleDefinitionId")
                        .and_then(Value::as_str)
                        .is_some_and(|r| r.ends_with("4633458b-17de-408a-b874-0445c86b69e6"))
            })
            .cloned()
            .collect::<Vec<Value>>()
    };
    let ra = secrets_user(&fake);
    assert_eq!(ra.len(), 1, "one shared assignment: {ra:#?}");
    let (na, nb) = (name_of(&a), name_of(&b));
    assert!(na.starts_with("shop-a-") && nb.starts_with("shop-b-"), "{na} {nb}");
    assert_eq!(
        ra[0]["properties"]["description"],
        json!(format!("kvwire runbooks: {na},{nb}"))
    );
    let tags = |fake: &Fake, name: &str| {
        fake.state.lock().unwrap().secrets[&("kv-demo".to_string(), name.to_string())]
            .versions
            .last()
            .unwrap()
            .tags
            .clone()
    };
    assert_eq!(
        tags(&fake, "db-password")["kvwire-runbooks"],
        json!(format!("{na},{nb}"))
    );
    assert_eq!(
        fake.secret_versions("kv-demo", "db-password").len(),
        1,
        "recording a runbook makes no new version"
    );

    // down for shop-a keeps what shop-b uses, and says so.
    let (doc, all, code) = kvwire(&fake, &["-o", "json", "--yes", "down", "--include-secrets"], &a);
    assert_eq!(code, 0, "{all}");
    assert!(
        doc.to_string().contains(&format!(
            "kept: runbook(s) {nb} still use it; only runbook {na}'s claim is removed"
        )),
        "{doc:#}"
    );
    let ra = secrets_user(&fake);
    assert_eq!(ra.len(), 1, "shop-b's pods keep their access");
    assert_eq!(
        ra[0]["properties"]["description"],
        json!(format!("kvwire runbooks: {nb}"))
    );
    assert!(fake.state.lock().unwrap().secrets.values().all(|s| s.deleted.is_none()));
    assert_eq!(tags(&fake, "db-password")["kvwire-runbooks"], json!(nb));
    let (_, all, code) = kvwire(&fake, &["verify", "-o", "text"], &b);
    assert_eq!(code, 0, "{all}");

    // The last one out removes it.
    let (_, all, code) = kvwire(&fake, &["--yes", "down", "--include-secrets"], &b);
    assert_eq!(code, 0, "{all}");
    assert!(secrets_user(&fake).is_empty());
    assert!(fake.state.lock().unwrap().secrets.values().all(|s| s.deleted.is_some()));
}

#[test]
fn a_shared_workload_identity_stays_while_another_runbook_uses_it() {
    let (fake, _) = fresh();
    let a = fake.dir.join("checkout.toml");
    let b = fake.dir.join("orders.toml");
    std::fs::write(&a, support::ONBOARD_RUNBOOK).unwrap();
    std::fs::write(
        &b,
        support::ONBOARD_RUNBOOK.replace("name = \"checkout\"", "name = \"orders\""),
    )
    .unwrap();
    for rb in [&a, &b] {
        let (_, all, code) = kvwire(&fake, &["--yes", "up"], rb);
        assert_eq!(code, 0, "{all}");
    }
    let identity = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg1/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-shop";
    let tags = |fake: &Fake| fake.resource(identity).map(|i| i["tags"].clone());
    let (na, nb) = (name_of(&a), name_of(&b));
    assert_eq!(
        tags(&fake).unwrap(),
        json!({"managed-by": "kvwire", "kvwire-runbooks": format!("{na},{nb}")})
    );

    let (doc, all, code) = kvwire(&fake, &["-o", "json", "--yes", "down"], &a);
    assert_eq!(code, 0, "{all}");
    let step = |address: &str| {
        doc["steps"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["address"] == json!(address))
            .unwrap_or_else(|| panic!("{address}: {doc:#}"))
            .clone()
    };
    assert_eq!(step("identity rg1/id-shop")["action"], json!("update"));
    assert_eq!(
        step("identity rg1/id-shop")["reason"],
        json!(format!(
            "kept: runbook(s) {nb} still use it, and federated credential(s) kvwire-shop-orders that this runbook did not make still use the identity; only runbook {na}'s claim is removed"
        ))
    );
    assert_eq!(
        step("federated credential rg1/id-shop/kvwire-shop-checkout")["action"],
        json!("delete")
    );
    assert_eq!(
        tags(&fake).unwrap(),
        json!({"managed-by": "kvwire", "kvwire-runbooks": nb}),
        "the other tags are kept"
    );
    let (_, all, code) = kvwire(&fake, &["verify", "-o", "text"], &b);
    assert_eq!(code, 0, "orders still works: {all}");

    let (_, all, code) = kvwire(&fake, &["--yes", "down"], &b);
    assert_eq!(code, 0, "{all}");
    assert!(tags(&fake).is_none(), "the last one out removes the identity");
}

#[test]
fn new_versions_keep_tags_and_down_holds_what_nobody_claims() {
    let (fake, rb) = fresh();
    let (_, all, code) = kvwire(&fake, &["--yes", "up"], &rb);
    assert_eq!(code, 0, "{all}");
    let tags = |fake: &Fake, name: &str| {
        fake.state.lock().unwrap().secrets[&("kv-demo".to_string(), name.to_string())]
            .versions
            .last()
            .unwrap()
            .tags
            .clone()
    };
    // `secrets seed --overwrite` (no runbook) keeps the runbook's claim on the new version.
    let out = fake
        .kvwire()
        .env("DB_PASSWORD", "rotated-by-hand")
        .args(["--yes", "secrets", "seed", "--vault", "kv-demo", "--from-env", "--map"])
        .arg("DB_PASSWORD=db-password")
        .arg("--overwrite")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(fake.secret_versions("kv-demo", "db-password").len(), 2);
    assert_eq!(tags(&fake, "db-password")["kvwire-runbooks"], json!(name_of(&rb)));

    // A secret someone else made keeps its owner's tags when a runbook overwrites its value, and
    // is not made kvwire's: down never deletes it.
    fake.seed_secret("kv-demo", "db-name", "old-name", false);
    {
        let mut s = fake.state.lock().unwrap();
        let item = s
            .secrets
            .get_mut(&("kv-demo".to_string(), "db-name".to_string()))
            .unwrap();
        item.versions.last_mut().unwrap().tags = json!({"owner": "alice", "cost-center": "42"});
    }
    let with_overwrite = fake.dir.join("overwrite.toml");
    std::fs::write(
        &with_overwrite,
        support::ONBOARD_RUNBOOK.replace("source = \"env\"", "source = \"env\"\noverwrite = true"),
    )
    .unwrap();
    let (_, all, code) = kvwire(&fake, &["--yes", "up"], &with_overwrite);
    assert_eq!(code, 0, "{all}");
    assert_eq!(tags(&fake, "db-name"), json!({"owner": "alice", "cost-center": "42"}));

    // Made before kvwire recorded runbooks: nobody can say whose — held, not deleted.
    {
        let mut s = fake.state.lock().unwrap();
        let item = s
            .secrets
            .get_mut(&("kv-demo".to_string(), "db-host".to_string()))
            .unwrap();
        item.versions.last_mut().unwrap().tags = json!({"managed-by": "kvwire"});
    }
    let (doc, all, code) = kvwire(&fake, &["-o", "json", "--yes", "down", "--include-secrets"], &rb);
    assert_eq!(code, 0, "{all}");
    let step = |address: &str| {
        doc["steps"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["address"] == json!(address))
            .unwrap_or_else(|| panic!("{address}: {doc:#}"))
            .clone()
    };
    assert_eq!(step("secret kv-demo/db-host")["outcome"], json!("held"), "{doc:#}");
    assert_eq!(
        step("secret kv-demo/db-name")["action"],
        json!("no_op"),
        "alice's secret"
    );
    assert_eq!(step("secret kv-demo/db-password")["outcome"], json!("applied"));
    let s = fake.state.lock().unwrap();
    assert!(
        s.secrets[&("kv-demo".to_string(), "db-host".to_string())]
            .deleted
            .is_none()
    );
    assert!(
        s.secrets[&("kv-demo".to_string(), "db-name".to_string())]
            .deleted
            .is_none()
    );
}

#[test]
fn an_identity_other_apps_federate_with_is_kept() {
    let (fake, rb) = fresh();
    let (_, all, code) = kvwire(&fake, &["--yes", "up"], &rb);
    assert_eq!(code, 0, "{all}");
    // Another app's credential on the same identity, made without this runbook.
    let out = fake
        .kvwire()
        .args([
            "--yes",
            "workload-identity",
            "-g",
            "rg1",
            "--cluster",
            "aks1",
            "--identity",
            "id-shop",
            "--namespace",
            "billing",
            "--service-account",
            "invoicer",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let (doc, all, code) = kvwire(&fake, &["-o", "json", "--yes", "down"], &rb);
    assert_eq!(code, 0, "{all}");
    let identity = doc["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["address"] == json!("identity rg1/id-shop"))
        .unwrap()
        .clone();
    assert_eq!(
        identity["action"],
        json!("update"),
        "only its own claim is taken off: {identity:#}"
    );
    assert!(
        identity["reason"].as_str().unwrap().contains(
            "federated credential(s) kvwire-billing-invoicer that this runbook did not make still use the identity"
        ),
        "{identity:#}"
    );
    assert!(fake
        .resource("/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg1/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-shop")
        .is_some());
    // Its pods still read the vault through it: the role assignment stays too.
    let role = doc["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| {
            s["address"]
                .as_str()
                .unwrap()
                .starts_with("role Key Vault Secrets User for identity rg1/id-shop")
        })
        .unwrap()
        .clone();
    assert_eq!(role["action"], json!("update"), "{role:#}");
    let principal = fake
        .resource("/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg1/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-shop")
        .unwrap()["properties"]["principalId"]
        .clone();
    assert!(
        fake.role_assignments().iter().any(|a| json!(a.1) == principal),
        "the identity keeps its access"
    );
}

#[test]
fn a_runbook_reimages_only_where_the_kubelet_needs_it() {
    // A cluster the runbook does not switch (managed_identity = false), with a newer node image
    // out: a newer image alone is no reason for `up` to drain and re-image every node.
    let (fake, _) = fresh();
    let rb = fake.dir.join("no-switch.toml");
    std::fs::write(
        &rb,
        support::ONBOARD_RUNBOOK.replace("name = \"aks1\"\n", "name = \"aks1\"\nmanaged_identity = false\n"),
    )
    .unwrap();
    let (doc, all, code) = kvwire(&fake, &["-o", "json", "plan"], &rb);
    assert_eq!(code, 0, "{all}");
    let pool = doc["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["address"] == "nodepool rg1/aks1/userpool")
        .unwrap_or_else(|| panic!("{doc:#}"));
    assert_eq!(pool["action"], "no_op", "{pool:#}");
    assert!(
        pool["reason"]
            .as_str()
            .unwrap()
            .contains("kvwire nodepool upgrade-image -g rg1 --cluster aks1 --nodepool userpool"),
        "the plan says how to upgrade on purpose: {pool:#}"
    );
    let (_, all, code) = kvwire(&fake, &["-o", "json", "--yes", "up"], &rb);
    assert_eq!(code, 0, "{all}");
    let reimages: Vec<_> = fake
        .writes()
        .into_iter()
        .filter(|e| e.path.ends_with("upgradeNodeImageVersion"))
        .collect();
    assert!(reimages.is_empty(), "no pool re-imaged: {reimages:#?}");
}

/// A runbook's `[manifests] out_dir` holding a symbolic link where a manifest goes: `up` refuses
/// before any write (exit 2, naming the link), and the file the link points to is unchanged.
#[cfg(unix)]
#[test]
fn up_never_writes_a_manifest_through_a_symlink() {
    let (fake, rb) = fresh();
    let k8s = fake.dir.join("k8s");
    std::fs::create_dir_all(&k8s).unwrap();
    std::fs::write(fake.dir.join("outside.txt"), "keep me\n").unwrap();
    std::os::unix::fs::symlink("../outside.txt", k8s.join("secretproviderclass.yaml")).unwrap();
    let mut cmd = fake.kvwire();
    for (k, v) in DB {
        cmd.env(k, v);
    }
    let (_, all, code) = support::outcome(cmd.current_dir(&fake.dir).args(["--yes", "up", "-f"]).arg(&rb));
    assert_eq!(code, 2, "{all}");
    assert!(
        all.contains("k8s/secretproviderclass.yaml") && all.contains("symbolic link"),
        "{all}"
    );
    assert_eq!(
        std::fs::read_to_string(fake.dir.join("outside.txt")).unwrap(),
        "keep me\n"
    );
    assert!(
        fake.writes().is_empty(),
        "refused before any write: {:#?}",
        fake.writes()
    );
}

/// Issue 21 item 13: two runbooks both in a file named `onboard.toml` (two teams, two clusters,
/// one vault and its secrets) used to share the claim `onboard`, so one team's `down` deleted
/// what the other still used. The default name now carries a digest of what each wires up.
/// Claims written under that old name are this runbook's only where the resource is bound to its
/// identity (kvwire's role assignment), and two runbooks given one `name` for different clusters
/// are warned about.
#[test]
fn two_default_named_runbooks_never_share_a_claim() {
    let (fake, _) = fresh();
    fake.seed_sp_cluster("rg1", "aks2", &[("nodepool1", "img-1", "img-2")], json!({}));
    let (da, db) = (fake.dir.join("team-a"), fake.dir.join("team-b"));
    std::fs::create_dir_all(&da).unwrap();
    std::fs::create_dir_all(&db).unwrap();
    let (a, b) = (da.join("onboard.toml"), db.join("onboard.toml"));
    std::fs::write(&a, KUBELET_RUNBOOK).unwrap();
    std::fs::write(&b, KUBELET_RUNBOOK.replace("name = \"aks1\"", "name = \"aks2\"")).unwrap();
    for rb in [&a, &b] {
        let (_, all, code) = kvwire(&fake, &["--yes", "up"], rb);
        assert_eq!(code, 0, "{all}");
    }
    let secret_deleted = |fake: &Fake| {
        fake.state.lock().unwrap().secrets[&("kv-demo".to_string(), "db-password".to_string())]
            .deleted
            .is_some()
    };
    let (_, all, code) = kvwire(&fake, &["--yes", "down", "--include-secrets"], &a);
    assert_eq!(code, 0, "{all}");
    assert!(!secret_deleted(&fake), "team b still uses the secrets: {all}");
    assert!(all.contains("still use it"), "{all}");

    // Claims an older kvwire wrote under the shared default name: kvwire's role assignment for
    // team b's kubelet is team b's (alias); a secret claimed only so is held, not deleted.
    {
        let mut s = fake.state.lock().unwrap();
        for v in s.resources.values_mut() {
            if v.pointer("/properties/description").is_some() {
                v["properties"]["description"] = json!("kvwire runbooks: onboard");
            }
        }
        let item = s
            .secrets
            .get_mut(&("kv-demo".to_string(), "db-password".to_string()))
            .unwrap();
        item.versions.last_mut().unwrap().tags["kvwire-runbooks"] = json!("onboard");
    }
    let (doc, all, code) = kvwire(&fake, &["-o", "json", "--dry-run", "down", "--include-secrets"], &b);
    assert_eq!(code, 0, "{all}");
    let step = |prefix: &str| {
        doc["steps"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["address"].as_str().unwrap().starts_with(prefix))
            .unwrap_or_else(|| panic!("{prefix}: {doc:#}"))
            .clone()
    };
    assert_eq!(
        step("role Key Vault Secrets User")["action"],
        json!("delete"),
        "{doc:#}"
    );
    let secret = step("secret kv-demo/db-password");
    assert!(
        secret
            .to_string()
            .contains("the default name every runbook without `name`"),
        "{secret:#}"
    );

    // One `name` for two clusters: each claims name@digest, and the second is warned.
    let c = fake.dir.join("c.toml");
    let d = fake.dir.join("d.toml");
    std::fs::write(&c, format!("name = \"shop\"\n{KUBELET_RUNBOOK}")).unwrap();
    std::fs::write(
        &d,
        format!(
            "name = \"shop\"\n{}",
            KUBELET_RUNBOOK.replace("name = \"aks1\"", "name = \"aks2\"")
        ),
    )
    .unwrap();
    let (_, all, code) = kvwire(&fake, &["--yes", "up"], &c);
    assert_eq!(code, 0, "{all}");
    let (_, all, code) = kvwire(&fake, &["--yes", "up"], &d);
    assert_eq!(code, 0, "{all}");
    assert!(
        all.contains("runbook name shop is already recorded here as shop@"),
        "{all}"
    );
}
