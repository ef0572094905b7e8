//! Federated credential writes against the fake: Entra's name rule, the identity that has not
//! replicated yet (404 `ParentResourceNotFound`), and the concurrent-write refusal in its short
//! form (409 `Conflict`).

use crate::support;

use serde_json::{Value, json};
use std::time::{Duration, Instant};
use support::{
    Fake,
    fake::{FakeState, FaultKind},
};

const IDENTITY: &str = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg1/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-app";

fn run(fake: &Fake, args: &[&str]) -> (Value, String, i32) {
    support::outcome(fake.kvwire().args(args))
}

/// A managed-identity cluster, ready for workload identity.
fn cluster() -> Fake {
    let fake = Fake::start();
    fake.seed_sp_cluster(
        "rg1",
        "aks1",
        &[("nodepool1", "img-1", "img-1")],
        json!({"servicePrincipalProfile": {"clientId": "msi"},
               "identityProfile": {"kubeletidentity": {"clientId": "kc", "objectId": "ko", "resourceId": "/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/MC_rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/aks1-agentpool"}}}),
    );
    fake
}

fn workload_identity<'a>(namespace: &'a str, sa: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut v = vec![
        "-o",
        "json",
        "--yes",
        "workload-identity",
        "-g",
        "rg1",
        "--cluster",
        "aks1",
        "--identity",
        "id-app",
        "--namespace",
        namespace,
        "--service-account",
        sa,
    ];
    v.extend(extra);
    v
}

/// Status of every credential PUT, in order.
fn credential_puts(fake: &Fake) -> Vec<u16> {
    fake.journal()
        .iter()
        .filter(|e| e.method == "PUT" && e.path.contains("/federatedIdentityCredentials/"))
        .map(|e| e.status)
        .collect()
}

fn credentials(fake: &Fake) -> Vec<Value> {
    let prefix = format!("{IDENTITY}/federatedIdentityCredentials/").to_ascii_lowercase();
    let s = fake.state.lock().unwrap();
    s.resources
        .iter()
        .filter(|(k, _)| k.starts_with(&prefix))
        .map(|(_, v)| v.clone())
        .collect()
}

#[test]
fn a_long_namespace_and_service_account_get_a_name_entra_accepts() {
    let fake = cluster();
    let ns = format!("n{}", "s".repeat(62));
    let sa = format!(
        "{}.{}.{}.{}",
        "a".repeat(63),
        "b".repeat(63),
        "c".repeat(63),
        "d".repeat(61)
    );
    assert_eq!((ns.len(), sa.len()), (63, 253), "the longest Kubernetes allows");
    let (_, all, code) = run(&fake, &workload_identity(&ns, &sa, &[]));
    assert_eq!(code, 0, "{all}");
    assert_eq!(credential_puts(&fake), [201]);
    let creds = credentials(&fake);
    assert_eq!(creds.len(), 1);
    let name = creds[0]["name"].as_str().unwrap();
    assert_eq!(name.len(), 120, "{name}");
    assert!(name.starts_with(&format!("kvwire-{ns}-aaa")), "{name}");
    let digest = kvwire::plan::saved::sha256(format!("{ns}/{sa}").as_bytes());
    assert!(name.ends_with(&format!("-{}", &digest[..10])), "{name}");
    assert_eq!(
        creds[0]["properties"]["subject"],
        format!("system:serviceaccount:{ns}:{sa}")
    );

    // The same name again: the run finds its credential and writes nothing.
    fake.clear_journal();
    let (doc, all, code) = run(&fake, &workload_identity(&ns, &sa, &[]));
    assert_eq!(code, 0, "{all}");
    assert_eq!(doc["steps"][2]["action"], "no_op", "{doc:#}");
    assert_eq!(doc["steps"][2]["reason"], "matches", "{doc:#}");
    assert!(fake.writes().is_empty());
}

#[test]
fn a_credential_on_an_identity_that_has_not_replicated_waits_for_it() {
    let fake = cluster();
    fake.state.lock().unwrap().fic_parent_lag = Duration::from_secs(2);
    let started = Instant::now();
    let (doc, all, code) = run(&fake, &workload_identity("shop", "checkout", &[]));
    assert_eq!(code, 0, "{all}");
    assert!(started.elapsed() >= Duration::from_secs(2));
    assert_eq!(doc["steps"][1]["action"], "create", "the identity is new: {doc:#}");
    let statuses = credential_puts(&fake);
    assert!(
        statuses.len() >= 2
            && statuses[..statuses.len() - 1].iter().all(|s| *s == 404)
            && statuses.last() == Some(&201),
        "{statuses:?}"
    );
    assert_eq!(credentials(&fake).len(), 1);
}

#[test]
fn a_window_too_short_for_replication_names_the_flag() {
    let fake = cluster();
    fake.state.lock().unwrap().fic_parent_lag = Duration::from_secs(60);
    let started = Instant::now();
    let (_, all, code) = run(
        &fake,
        &workload_identity("shop", "checkout", &["--principal-wait", "2"]),
    );
    assert_eq!(code, 1, "{all}");
    assert!(started.elapsed() < Duration::from_secs(30), "bounded by the flag");
    assert!(all.contains("ParentResourceNotFound"), "{all}");
    assert!(all.contains("--principal-wait"), "{all}");
    assert!(credential_puts(&fake).len() >= 2, "retried within the window");
    assert!(credentials(&fake).is_empty());
}

/// Another writer takes the identity's credentials for a moment, just before kvwire's PUT.
fn another_credential_write(s: &mut FakeState) {
    let until = Instant::now() + Duration::from_millis(300);
    s.fic_writing.insert(IDENTITY.to_ascii_lowercase(), until);
}

#[test]
fn a_plain_conflict_on_a_credential_write_is_retried() {
    let fake = cluster();
    fake.state.lock().unwrap().fic_conflict_plain = true;
    fake.fault(
        Some("PUT"),
        "federatedIdentityCredentials/kvwire-shop-checkout",
        1,
        FaultKind::Before(another_credential_write),
    );
    let (_, all, code) = run(&fake, &workload_identity("shop", "checkout", &[]));
    assert_eq!(code, 0, "{all}");
    let puts = credential_puts(&fake);
    assert!(
        puts.len() >= 2 && puts[..puts.len() - 1].iter().all(|s| *s == 409) && puts.last() == Some(&201),
        "refused with plain Conflict while the other write runs, then written: {puts:?}"
    );
    assert_eq!(credentials(&fake).len(), 1);
}
