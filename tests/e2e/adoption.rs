//! No hidden adoption: what exists and a runbook did not make is never silently taken as its own
//! (`up` holds it, `up --plan` refuses it, `down` keeps it), and a claim written where Azure offers
//! no precondition survives a competing writer.

use crate::support;

use serde_json::{Value, json};
use support::Fake;
use support::fake::state::{FakeState, Fault, FaultKind};

const DB: [(&str, &str); 4] = [
    ("DB_HOST", "pg.adopt.example"),
    ("DB_NAME", "orders"),
    ("DB_USERNAME", "orders_app"),
    ("DB_PASSWORD", "Zq7!adopt-s3cr3t"),
];

const SECRETS_USER: &str = "4633458b-17de-408a-b874-0445c86b69e6";

fn fresh() -> Fake {
    let fake = Fake::start();
    fake.seed_sp_cluster(
        "rg1",
        "aks1",
        &[("nodepool1", "img-1", "img-2"), ("userpool", "img-1", "img-2")],
        json!({}),
    );
    fake.seed_vault("kv-demo", true, true);
    for name in ["onboard", "shop-a", "shop-b"] {
        std::fs::write(fake.dir.join(format!("{name}.toml")), support::ONBOARD_RUNBOOK).unwrap();
    }
    fake
}

/// The claim kvwire records for the runbook in `file` (`fresh` writes each with the same text): a
/// runbook without `name` is named after its file plus a digest of what it wires up.
fn claim(file: &str) -> String {
    kvwire::runbook::parse(support::ONBOARD_RUNBOOK, std::path::Path::new(file))
        .unwrap()
        .claim
        .token
}

fn kvwire(fake: &Fake, args: &[&str]) -> (Value, String, i32) {
    let mut cmd = fake.kvwire();
    for (k, v) in DB {
        cmd.env(k, v);
    }
    support::outcome(cmd.current_dir(&fake.dir).args(args))
}

fn identity(fake: &Fake) -> Value {
    fake.resource(&support::fake::Fake::identity_id("rg1", "id-shop"))
        .unwrap()
}

fn step<'a>(doc: &'a Value, prefix: &str) -> &'a Value {
    doc["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["address"].as_str().unwrap().starts_with(prefix))
        .unwrap_or_else(|| panic!("no step {prefix}: {doc:#}"))
}

fn secrets_user_for(fake: &Fake, principal: &str) -> Vec<(String, String, String)> {
    fake.role_assignments()
        .into_iter()
        .filter(|a| a.1 == principal && a.2 == SECRETS_USER)
        .collect()
}

fn secret_tags(fake: &Fake, name: &str) -> Value {
    let s = fake.state.lock().unwrap();
    let item = &s.secrets[&("kv-demo".to_string(), name.to_string())];
    assert!(item.deleted.is_none(), "secret {name} was deleted");
    item.versions.last().unwrap().tags.clone()
}

/// Issue 21 item 1: a reviewed "create" never becomes "adopt someone else's identity".
#[test]
fn a_saved_create_that_now_finds_someone_elses_identity_is_refused() {
    let fake = fresh();
    let (_, all, code) = kvwire(&fake, &["plan", "-f", "onboard.toml", "--out", "plan.kvwire"]);
    assert_eq!(code, 0, "{all}");
    let saved = std::fs::read_to_string(fake.dir.join("plan.kvwire")).unwrap();
    assert!(saved.contains("\"identity rg1/id-shop\""), "{saved}");
    // Another party creates the identity after the review.
    let theirs = fake.seed_identity("rg1", "id-shop", false);
    fake.clear_journal();
    let (_, all, code) = kvwire(&fake, &["-o", "text", "up", "--plan", "plan.kvwire"]);
    assert_eq!(code, 1, "{all}");
    assert!(
        all.contains("identity rg1/id-shop: planned create, but it now exists and this runbook did not make it"),
        "{all}"
    );
    assert!(
        fake.writes().is_empty(),
        "refused before any write: {:#?}",
        fake.writes()
    );
    assert!(secrets_user_for(&fake, &theirs).is_empty());
    assert_eq!(identity(&fake)["tags"], json!({}), "their identity is untouched");
}

/// Issue 21 item 1: `up -f` shows adopting an identity made outside kvwire, holds it without a
/// terminal (exit 4 with --detailed-exitcode, as a held secret), runs nothing that would use it,
/// and adopts it only with --adopt.
#[test]
fn up_holds_an_identity_made_outside_kvwire_until_adopt() {
    let fake = fresh();
    let theirs = fake.seed_identity("rg1", "id-shop", false);
    let (doc, all, code) = kvwire(
        &fake,
        &["-o", "json", "--yes", "up", "-f", "onboard.toml", "--detailed-exitcode"],
    );
    assert_eq!(code, 4, "{all}");
    let id = step(&doc, "identity rg1/id-shop");
    assert_eq!(id["action"], json!("update"), "{id:#}");
    assert_eq!(id["outcome"], json!("held"), "{id:#}");
    assert!(
        id["held"]
            .as_str()
            .unwrap()
            .starts_with("exists, made outside kvwire: adopt it?"),
        "{id:#}"
    );
    for dependent in ["federated credential rg1/id-shop/", "role Key Vault Secrets User"] {
        assert_eq!(step(&doc, dependent)["outcome"], json!("not_run"), "{doc:#}");
    }
    assert!(secrets_user_for(&fake, &theirs).is_empty(), "no access granted to it");
    assert_eq!(identity(&fake)["tags"], json!({}));
    let creds = fake
        .state
        .lock()
        .unwrap()
        .resources
        .keys()
        .filter(|k| k.contains("/federatedidentitycredentials/"))
        .count();
    assert_eq!(creds, 0, "no service account federated onto it");

    // --adopt: recorded as adopted, and the rest goes on.
    let (_, all, code) = kvwire(&fake, &["--yes", "up", "-f", "onboard.toml", "--adopt"]);
    assert_eq!(code, 0, "{all}");
    assert_eq!(
        identity(&fake)["tags"],
        json!({"kvwire-runbooks": format!("{}(adopted)", claim("onboard.toml"))})
    );
    assert_eq!(secrets_user_for(&fake, &theirs).len(), 1);
    // Adopted once, it is this runbook's to use: nothing is asked again.
    let (_, all, code) = kvwire(&fake, &["--yes", "up", "-f", "onboard.toml", "--detailed-exitcode"]);
    assert_eq!(code, 0, "{all}");
}

/// Issue 21 item 3: `up` does not claim what plain `grant` and `secrets seed` made; adopted, it
/// records the claim as adopted, and `down` keeps it unless --include-adopted.
#[test]
fn down_keeps_what_up_found_made_by_plain_grant_and_seed() {
    let fake = fresh();
    // Another team's app, set up with plain commands: kvwire made the grant and the secrets,
    // outside any runbook.
    let (_, all, code) = kvwire(&fake, &["--yes", "secrets", "seed", "--vault", "kv-demo", "--from-env"]);
    assert_eq!(code, 0, "{all}");
    // (Its identity, made outside kvwire: no federated credential of another app keeps it.)
    fake.seed_identity("rg1", "id-shop", false);
    let (_, all, code) = kvwire(
        &fake,
        &[
            "--yes",
            "grant",
            "--vault",
            "kv-demo",
            "-g",
            "rg1",
            "--to",
            "identity:id-shop",
        ],
    );
    assert_eq!(code, 0, "{all}");
    let pid2 = identity(&fake)["properties"]["principalId"]
        .as_str()
        .unwrap()
        .to_string();
    let assignment = || {
        let s = fake.state.lock().unwrap();
        s.resources
            .values()
            .find(|v| {
                v.pointer("/properties/principalId").and_then(Value::as_str) == Some(pid2.as_str())
                    && v.pointer("/properties/roleDefinitionId")
                        .and_then(Value::as_str)
                        .is_some_and(|r| r.ends_with(SECRETS_USER))
            })
            .cloned()
    };
    assert!(assignment().is_some());

    // Without a terminal and without --adopt, nothing of theirs is claimed.
    let (_, all, code) = kvwire(&fake, &["--yes", "up", "-f", "onboard.toml"]);
    assert_eq!(code, 0, "{all}");
    assert!(assignment().unwrap()["properties"]["description"].is_null(), "{all}");
    assert!(secret_tags(&fake, "db-password").get("kvwire-runbooks").is_none());
    // So `down` removes none of it.
    let (_, all, code) = kvwire(&fake, &["--yes", "down", "-f", "onboard.toml", "--include-secrets"]);
    assert_eq!(code, 0, "{all}");
    assert!(assignment().is_some(), "the other team's grant stays: {all}");
    assert_eq!(secret_tags(&fake, "db-password")["managed-by"], json!("kvwire"));

    // Adopted: recorded as adopted, and still kept by `down`…
    let (_, all, code) = kvwire(&fake, &["--yes", "up", "-f", "onboard.toml", "--adopt"]);
    assert_eq!(code, 0, "{all}");
    assert_eq!(
        assignment().unwrap()["properties"]["description"],
        json!(format!("kvwire runbooks: {}(adopted)", claim("onboard.toml")))
    );
    assert_eq!(
        secret_tags(&fake, "db-password")["kvwire-runbooks"],
        json!(format!("{}(adopted)", claim("onboard.toml")))
    );
    let (doc, all, code) = kvwire(
        &fake,
        &["-o", "json", "--yes", "down", "-f", "onboard.toml", "--include-secrets"],
    );
    assert_eq!(code, 0, "{all}");
    assert!(
        step(&doc, "role Key Vault Secrets User")["held"]
            .as_str()
            .unwrap()
            .contains(&format!("runbook {} adopted it", claim("onboard.toml"))),
        "{doc:#}"
    );
    assert!(assignment().is_some(), "{all}");
    assert_eq!(secret_tags(&fake, "db-password")["managed-by"], json!("kvwire"));
    // …unless asked to include it.
    let (_, all, code) = kvwire(
        &fake,
        &[
            "--yes",
            "down",
            "-f",
            "onboard.toml",
            "--include-secrets",
            "--include-adopted",
        ],
    );
    assert_eq!(code, 0, "{all}");
    assert!(assignment().is_none(), "{all}");
    assert!(
        fake.resource(&support::fake::Fake::identity_id("rg1", "id-shop"))
            .is_none(),
        "{all}"
    );
    assert!(fake.state.lock().unwrap().secrets.values().all(|s| s.deleted.is_some()));
}

/// A writer whose stale tag map lands right after kvwire's write (it read before it): armed by
/// kvwire's PATCH, it strikes on the next read, putting back the claims without `shop-b`.
fn stale_identity_tags(s: &mut FakeState) {
    let id = support::fake::Fake::identity_id("rg1", "id-shop");
    let mut doc = s.resource(&id).unwrap().clone();
    doc["tags"] = json!({"managed-by": "kvwire", "kvwire-runbooks": claim("shop-a.toml")});
    s.put_resource(&id, doc);
}

fn arm_stale_identity_tags(s: &mut FakeState) {
    s.faults.push(Fault {
        method: Some("GET".into()),
        path_contains: "userAssignedIdentities/id-shop".into(),
        skip: 0,
        times: 1,
        kind: FaultKind::Before(stale_identity_tags),
    });
}

fn stale_secret_tags(s: &mut FakeState) {
    let item = s
        .secrets
        .get_mut(&("kv-demo".to_string(), "db-password".to_string()))
        .unwrap();
    item.versions.last_mut().unwrap().tags = json!({"managed-by": "kvwire", "kvwire-runbooks": claim("shop-a.toml")});
}

fn arm_stale_secret_tags(s: &mut FakeState) {
    s.faults.push(Fault {
        method: Some("GET".into()),
        path_contains: "/secrets/db-password".into(),
        skip: 0,
        times: 1,
        kind: FaultKind::Before(stale_secret_tags),
    });
}

/// Issue 21 item 15: tags take no `If-Match`; a claim lost to a competing write is written again.
#[test]
fn a_claim_lost_to_a_competing_tag_write_is_written_again() {
    let fake = fresh();
    let (_, all, code) = kvwire(&fake, &["--yes", "up", "-f", "shop-a.toml"]);
    assert_eq!(code, 0, "{all}");
    fake.fault(
        Some("PATCH"),
        "userAssignedIdentities/id-shop",
        1,
        FaultKind::Before(arm_stale_identity_tags),
    );
    fake.fault(
        Some("PATCH"),
        "/secrets/db-password/",
        1,
        FaultKind::Before(arm_stale_secret_tags),
    );
    let (_, all, code) = kvwire(&fake, &["--yes", "up", "-f", "shop-b.toml"]);
    assert_eq!(code, 0, "{all}");
    assert_eq!(
        identity(&fake)["tags"]["kvwire-runbooks"],
        json!(format!("{},{}", claim("shop-a.toml"), claim("shop-b.toml"))),
        "{all}"
    );
    assert_eq!(
        secret_tags(&fake, "db-password")["kvwire-runbooks"],
        json!(format!("{},{}", claim("shop-a.toml"), claim("shop-b.toml"))),
        "{all}"
    );
    let patches = fake
        .writes()
        .iter()
        .filter(|e| e.method == "PATCH" && e.path.contains("id-shop"))
        .count();
    assert_eq!(patches, 2, "written, lost, written again");
}
