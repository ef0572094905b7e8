//! The plan document: every one the tests make validates against docs/plan-schema.json; a runbook
//! plan's addresses are unique; and what apply sends is exactly what the plan showed.

use crate::support;

use serde_json::{Value, json};
use support::{Fake, schema, with_secrets};

fn plan_schema() -> Value {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/plan-schema.json")).unwrap();
    schema::inline_refs(&serde_json::from_str(&text).unwrap())
}

fn assert_valid(doc: &Value) {
    let mut errors = vec![];
    schema::validate(&plan_schema(), doc, "$", &mut errors);
    assert!(errors.is_empty(), "{errors:#?}\n{doc:#}");
}

fn runbook(fake: &Fake) -> std::path::PathBuf {
    fake.seed_sp_cluster(
        "rg1",
        "aks1",
        &[("pool1", "img-1", "img-2"), ("pool2", "img-1", "img-2")],
        json!({}),
    );
    fake.seed_vault("kv-demo", true, true);
    let rb = fake.dir.join("onboard.toml");
    std::fs::write(&rb, support::ONBOARD_RUNBOOK).unwrap();
    rb
}

#[test]
fn documents_match_the_schema_and_addresses_are_unique() {
    let fake = Fake::start();
    let rb = runbook(&fake);
    let (plan, all, code) = support::outcome(with_secrets(fake.kvwire()).args(["-o", "json", "plan", "-f"]).arg(&rb));
    assert_eq!(code, 0, "{all}");
    assert_valid(&plan);
    let addresses: Vec<&str> = plan["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["address"].as_str().unwrap())
        .collect();
    let mut unique = addresses.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), addresses.len(), "{addresses:#?}");
    let phases: Vec<&str> = plan["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["phase"].as_str().unwrap())
        .collect();
    assert!(phases.contains(&"cluster") && phases.contains(&"secrets"), "{phases:?}");

    let (applied, all, code) = support::outcome(
        with_secrets(fake.kvwire())
            .args(["-o", "json", "--yes", "up", "-f"])
            .arg(&rb),
    );
    assert_eq!(code, 0, "{all}");
    assert_valid(&applied);
    let (again, _, code) = support::outcome(
        with_secrets(fake.kvwire())
            .args(["-o", "json", "--yes", "up", "-f"])
            .arg(&rb),
    );
    assert_eq!(code, 0);
    assert_valid(&again);
    // A failed step carries its error.
    fake.fault(
        Some("GET"),
        "managedClusters/aks1",
        100,
        support::fake::FaultKind::Error {
            status: 400,
            code: "BadRequest".into(),
        },
    );
    let (failed, _, code) = support::outcome(
        fake.kvwire()
            .args(["-o", "json", "--retries", "0", "verify", "-f"])
            .arg(&rb),
    );
    assert_ne!(code, 0);
    assert_eq!(failed, Value::Null, "verify prints no plan document on an error");
}

/// Set `value` at a dotted path.
fn set_path(doc: &mut Value, path: &str, value: Value) {
    let mut at = doc;
    let segs: Vec<&str> = path.split('.').collect();
    for (i, s) in segs.iter().enumerate() {
        if i + 1 == segs.len() {
            at[*s] = value;
            return;
        }
        at = &mut at[*s];
    }
}

#[test]
fn the_cluster_put_is_the_cluster_read_plus_exactly_the_planned_changes() {
    let fake = Fake::start();
    let id = fake.seed_sp_cluster(
        "rg1",
        "aks1",
        &[("pool1", "img-1", "img-1")],
        json!({"autoUpgradeProfile": {"upgradeChannel": "stable"}}),
    );
    let before = fake.resource(&id).unwrap();
    let args = [
        "-o",
        "json",
        "cluster",
        "enable-managed-identity",
        "-g",
        "rg1",
        "-n",
        "aks1",
    ];
    let (plan, all, code) = support::outcome(fake.kvwire().args(args).arg("--dry-run"));
    assert_eq!(code, 0, "{all}");
    let (_, all, code) = support::outcome(fake.kvwire().args(args).arg("--yes"));
    assert_eq!(code, 0, "{all}");
    let sent = fake
        .writes()
        .into_iter()
        .find(|e| e.method == "PUT")
        .unwrap()
        .body
        .unwrap();

    let mut expected = kvwire::azure::arm::writable::cluster_put_body(&before);
    let changes = plan["steps"][0]["changes"].as_array().unwrap();
    assert!(!changes.is_empty());
    for c in changes {
        assert_eq!(c["after_unknown"], false, "a cluster body holds no unknowns: {c}");
        set_path(&mut expected, c["path"].as_str().unwrap(), c["after"].clone());
    }
    assert_eq!(
        sent, expected,
        "the PUT body is what the plan showed, applied to what was read"
    );
}

#[test]
fn a_fleets_documents_match_the_schema_and_say_each_runbooks_part() {
    let fake = Fake::start();
    let rb = runbook(&fake);
    // A second runbook beside the first, on the same cluster and vault.
    let other = fake.dir.join("billing.toml");
    std::fs::write(
        &other,
        "name = \"billing\"\n[cluster]\nresource_group = \"rg1\"\nname = \"aks1\"\n[vault]\nname = \"kv-demo\"\n[identity]\nmode = \"workload-identity\"\nname = \"id-billing\"\n[[service_accounts]]\nnamespace = \"billing\"\nname = \"api\"\n",
    )
    .unwrap();
    for verb in [&["plan"][..], &["--yes", "up"][..]] {
        let (doc, all, code) = support::outcome(
            with_secrets(fake.kvwire())
                .args(["-o", "json"])
                .args(verb)
                .arg("-f")
                .arg(&rb)
                .arg("-f")
                .arg(&other),
        );
        assert_eq!(code, 0, "{all}");
        assert_valid(&doc);
        let apps: Vec<&str> = doc["apps"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["name"].as_str().unwrap())
            .collect();
        assert_eq!(apps.len(), 2, "{apps:?}");
        assert!(apps.contains(&"billing"), "{apps:?}");
        let mut addresses: Vec<&str> = doc["steps"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["address"].as_str().unwrap())
            .collect();
        let n = addresses.len();
        addresses.sort();
        addresses.dedup();
        assert_eq!(addresses.len(), n, "addresses are unique across the fleet");
    }
}

/// Every leaf of `v` as (dotted path, value); arrays are leaves.
fn leaves(v: &Value, at: &str, out: &mut Vec<(String, Value)>) {
    match v {
        Value::Object(m) if !m.is_empty() => {
            for (k, x) in m {
                let path = if at.is_empty() { k.clone() } else { format!("{at}.{k}") };
                leaves(x, &path, out);
            }
        }
        _ => out.push((at.to_string(), v.clone())),
    }
}

/// The value at a dotted path.
/// Whether `e` writes a resource of `step`'s type: the URL's next-to-last segment is the type's last.
fn of_its_type(step: &Value, e: &support::fake::Entry) -> bool {
    let kind = step["resource_type"].as_str().unwrap().rsplit('/').next().unwrap();
    let url = e.path.to_ascii_lowercase();
    let segments: Vec<&str> = url.trim_end_matches('/').split('/').collect();
    segments.len() >= 2 && segments[segments.len() - 2] == kind.to_ascii_lowercase()
}

fn at_path<'a>(v: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.').try_fold(v, |v, k| v.get(k))
}

/// The plan is the request: for every step the runbook's plan shows, the write its apply sends
/// carries each planned value it knew, and a step that creates sends nothing the plan did not show
/// (values Azure assigns aside, which the plan shows as known after apply).
#[test]
fn every_write_sends_what_its_plan_showed() {
    let fake = Fake::start();
    let rb = runbook(&fake);
    let (plan, all, code) = support::outcome(with_secrets(fake.kvwire()).args(["-o", "json", "plan", "-f"]).arg(&rb));
    assert_eq!(code, 0, "{all}");
    fake.clear_journal();
    let (_, all, code) = support::outcome(
        with_secrets(fake.kvwire())
            .args(["-o", "json", "--yes", "up", "-f"])
            .arg(&rb),
    );
    assert_eq!(code, 0, "{all}");
    let writes: Vec<_> = fake
        .journal()
        .into_iter()
        .filter(|e| e.is_write() && e.status < 400)
        .collect();
    let mut checked = 0;
    for step in plan["steps"].as_array().unwrap() {
        let action = step["action"].as_str().unwrap();
        if !["create", "update"].contains(&action) {
            continue;
        }
        let known: Vec<(String, Value)> = step["changes"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["after_unknown"] == false && c["sensitive"] == false)
            .map(|c| (c["path"].as_str().unwrap().to_string(), c["after"].clone()))
            .collect();
        if known.is_empty() {
            continue;
        }
        let address = step["address"].as_str().unwrap();
        // The request that carries every planned value: in its body, at the planned path, or in
        // its URL (a role assignment's name and scope address it).
        let sent = writes.iter().find(|e| {
            let url = e.path.to_ascii_lowercase();
            of_its_type(step, e)
                && known.iter().all(|(path, value)| {
                    e.body.as_ref().and_then(|b| at_path(b, path)) == Some(value)
                        || value.as_str().is_some_and(|v| url.contains(&v.to_ascii_lowercase()))
                })
        });
        let Some(body) = sent.and_then(|e| e.body.as_ref()) else {
            panic!("{address}: no write sent its planned values {known:#?}");
        };
        if action == "create" {
            let planned: Vec<&str> = step["changes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["path"].as_str().unwrap())
                .collect();
            let mut sent_leaves = vec![];
            leaves(body, "", &mut sent_leaves);
            for (path, value) in sent_leaves {
                let shown = planned
                    .iter()
                    .any(|p| *p == path || path.starts_with(&format!("{p}.")) || p.starts_with(&format!("{path}.")));
                assert!(shown, "{address}: sent {path} = {value}, which its plan did not show");
            }
        }
        checked += 1;
    }
    assert!(
        checked >= 4,
        "the cluster, the identity, the credential and the grant at least: {checked}"
    );
}

/// `down`'s plan (`--dry-run`), then `down`: each write is one its plan showed — a DELETE for a
/// step that deletes, a PUT or PATCH carrying the planned value for one that updates — of the
/// step's resource type, and nothing else is written.
fn down_writes_what_its_plan_showed(fake: &Fake, rb: &std::path::Path) -> Vec<String> {
    let (plan, all, code) = support::outcome(fake.kvwire().args(["-o", "json", "down", "--dry-run", "-f"]).arg(rb));
    assert_eq!(code, 0, "{all}");
    fake.clear_journal();
    let (_, all, code) = support::outcome(fake.kvwire().args(["-o", "json", "--yes", "down", "-f"]).arg(rb));
    assert_eq!(code, 0, "{all}");
    let mut writes: Vec<_> = fake
        .journal()
        .into_iter()
        .filter(|e| e.is_write() && e.status < 400)
        .collect();
    let mut shown = vec![];
    for step in plan["steps"].as_array().unwrap() {
        let action = step["action"].as_str().unwrap();
        let methods: &[&str] = match action {
            "delete" => &["DELETE"],
            "update" => &["PUT", "PATCH"],
            _ => continue,
        };
        let address = step["address"].as_str().unwrap();
        let planned: Vec<(&str, &Value)> = step["changes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| (c["path"].as_str().unwrap(), &c["after"]))
            .collect();
        let at = writes.iter().position(|e| {
            methods.contains(&e.method.as_str())
                && of_its_type(step, e)
                && planned
                    .iter()
                    .all(|(path, value)| e.body.as_ref().and_then(|b| at_path(b, path)) == Some(*value))
        });
        let Some(at) = at else {
            panic!("{address}: no {methods:?} sent what its plan showed {planned:#?}");
        };
        let e = writes.remove(at);
        shown.push(format!(
            "{} {action} ({})",
            e.method,
            step["resource_type"].as_str().unwrap()
        ));
    }
    let unplanned: Vec<String> = writes.iter().map(|e| format!("{} {}", e.method, e.path)).collect();
    assert!(
        unplanned.is_empty(),
        "writes no step of the plan showed: {unplanned:#?}"
    );
    shown
}

#[test]
fn every_write_down_sends_is_one_its_plan_showed() {
    let fake = Fake::start();
    let onboard = runbook(&fake);
    // Two apps on one cluster: the same kubelet reads the same vault.
    let (a, b) = (fake.dir.join("shop-a.toml"), fake.dir.join("shop-b.toml"));
    std::fs::write(&a, crate::runbook::KUBELET_RUNBOOK).unwrap();
    std::fs::write(&b, crate::runbook::KUBELET_RUNBOOK).unwrap();
    for rb in [&onboard, &a, &b] {
        let (_, all, code) = support::outcome(with_secrets(fake.kvwire()).args(["--yes", "up", "-f"]).arg(rb));
        assert_eq!(code, 0, "{all}");
    }
    // Shared with shop-b: only shop-a's name goes from the description of the kubelet's assignment.
    let shown = down_writes_what_its_plan_showed(&fake, &a);
    assert_eq!(shown, ["PUT update (Microsoft.Authorization/roleAssignments)"]);
    // Its own: the credential, the role assignment and the identity are deleted.
    let shown = down_writes_what_its_plan_showed(&fake, &onboard);
    assert_eq!(shown.len(), 3, "{shown:#?}");
    assert!(shown.iter().all(|s| s.starts_with("DELETE delete")), "{shown:#?}");
}

/// The saved plan's requests against the journal: every POST `up` sends (a node-image upgrade)
/// and every secret set is one its plan recorded — the same method and path, and for a secret
/// the same body with the value where the plan has its marker; and each was sent. A POST or a
/// secret write the plan did not record fails the test.
#[test]
fn every_post_and_secret_set_is_a_request_its_saved_plan_recorded() {
    let fake = Fake::start();
    let rb = runbook(&fake);
    let file = fake.dir.join("plan.kvwire");
    let (_, all, code) = support::outcome(
        with_secrets(fake.kvwire())
            .args(["plan", "-f"])
            .arg(&rb)
            .arg("--out")
            .arg(&file),
    );
    assert_eq!(code, 0, "{all}");
    let saved: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let requests: Vec<&Value> = saved["steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["request"].as_object().map(|_| &s["request"]))
        .collect();
    fake.clear_journal();
    let (_, all, code) = support::outcome(with_secrets(fake.kvwire()).args(["--yes", "up", "--plan"]).arg(&file));
    assert_eq!(code, 0, "{all}");

    let mut sent = vec![];
    for e in fake.journal().into_iter().filter(|e| e.is_write() && e.status < 400) {
        let secret_set = e.method == "PUT" && e.path.starts_with("/secrets/");
        if e.method != "POST" && !secret_set {
            continue;
        }
        let body = e.body.clone().map(|mut b| {
            if secret_set {
                assert!(b["value"].is_string(), "{b}");
                b["value"] = json!("(sensitive)");
            }
            kvwire::plan::saved::content_sha256(&b)
        });
        // A data-plane write names its vault in `base`; an ARM one has none.
        let host = |h: &str| h.split(':').next().unwrap_or_default().to_ascii_lowercase();
        let base = (host(&e.host) != support::fake::ARM_HOST).then(|| host(&e.host));
        let planned = requests.iter().position(|r| {
            r["method"] == e.method.as_str()
                && r["path"].as_str().unwrap().eq_ignore_ascii_case(&e.path)
                && r["base"].as_str().map(|b| host(b.trim_start_matches("https://"))) == base
                && r["body_sha256"].as_str().map(str::to_owned) == body
        });
        let Some(i) = planned else {
            panic!(
                "{} {}{}: a write no step's plan recorded\n{:#?}",
                e.method, e.host, e.path, requests
            );
        };
        assert!(!sent.contains(&i), "{} {} sent twice", e.method, e.path);
        sent.push(i);
    }
    let posts = requests.iter().filter(|r| r["method"] == "POST").count();
    let secrets = requests.iter().filter(|r| r["base"].is_string()).count();
    assert_eq!(
        (posts, secrets),
        (2, 4),
        "both pools re-imaged, four secrets set: {requests:#?}"
    );
    for (i, r) in requests.iter().enumerate() {
        if r["method"] == "POST" || r["base"].is_string() {
            assert!(sent.contains(&i), "planned, never sent: {r}");
        }
    }
}

/// In CI (stdout and stderr not terminals) stdout is the document alone, and stderr is a log a
/// person can read: the plan's counts, a line per step as it ends, and the verdict.
#[test]
fn ci_logs_say_what_happened_on_stderr_while_stdout_is_the_document() {
    let fake = Fake::start();
    let rb = runbook(&fake);
    let out = with_secrets(fake.kvwire())
        .args(["--yes", "up", "-f"])
        .arg(&rb)
        .output()
        .unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let doc: Value = serde_json::from_str(&stdout).expect("stdout is one JSON document");
    assert_eq!(doc["command"], "up");
    assert!(stderr.contains("Plan: "), "the counts: {stderr}");
    for step in doc["steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["outcome"] == "applied")
    {
        let address = step["address"].as_str().unwrap();
        assert!(stderr.contains(&format!("✔ {address}: done (")), "{address}: {stderr}");
    }
    assert!(stderr.contains("✔ Apply complete:"), "{stderr}");
    assert!(!stderr.contains("p-not-shown") && !stdout.contains("p-not-shown"));
}
