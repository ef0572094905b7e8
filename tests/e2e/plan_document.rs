//! The plan document: every one the tests make validates against docs/plan-schema.json; a runbook
//! plan's addresses are unique; and what apply sends is exactly what the plan showed.

use crate::support;

use serde_json::{Value, json};
use support::{Fake, schema};

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

fn with_secrets(mut cmd: assert_cmd::Command) -> assert_cmd::Command {
    for (k, v) in [
        ("DB_HOST", "h"),
        ("DB_NAME", "n"),
        ("DB_USERNAME", "u"),
        ("DB_PASSWORD", "p-not-shown"),
    ] {
        cmd.env(k, v);
    }
    cmd
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
