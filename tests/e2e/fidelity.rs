//! The fake behaves as Azure does where kvwire is most easily wrong, and kvwire copes: operations
//! reported through `Location` or only through `provisioningState`, paged lists, lists that lag
//! behind writes, vaults without `enableRbacAuthorization`, and entity tags.

use crate::support;

use serde_json::{Value, json};
use support::{
    Fake,
    fake::{FakeState, FaultKind, LroStyle, OpKind},
};

fn run(fake: &Fake, args: &[&str]) -> (Value, String, i32) {
    support::outcome(fake.kvwire().args(args))
}

fn mi_extra() -> Value {
    json!({"servicePrincipalProfile": {"clientId": "msi"},
           "identityProfile": {"kubeletidentity": {"clientId": "kc", "objectId": "ko", "resourceId": "/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/MC_rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/aks1-agentpool"}}})
}

#[test]
fn a_node_image_upgrade_reported_through_location_is_followed_to_the_end() {
    let fake = Fake::start();
    let id = fake.seed_sp_cluster("rg1", "aks1", &[("nodepool1", "img-1", "img-2")], mi_extra());
    {
        let mut s = fake.state.lock().unwrap();
        s.lro_style.insert(OpKind::NodeImageUpgrade, LroStyle::Location);
        s.lro_polls = 2;
    }
    let (doc, all, code) = run(
        &fake,
        &[
            "-o",
            "json",
            "--yes",
            "nodepool",
            "upgrade-image",
            "-g",
            "rg1",
            "--cluster",
            "aks1",
            "--nodepool",
            "nodepool1",
        ],
    );
    assert_eq!(code, 0, "{all}");
    assert_eq!(doc["steps"][0]["outcome"], "applied");
    let polls: Vec<u16> = fake
        .journal()
        .iter()
        .filter(|e| e.path.contains("/operationresults/"))
        .map(|e| e.status)
        .collect();
    assert_eq!(polls, [202, 202, 200], "Location polled until it stopped answering 202");
    assert!(!fake.journal().iter().any(|e| e.path.contains("/operations/")));
    let pool = fake.resource(&format!("{id}/agentPools/nodepool1")).unwrap();
    assert_eq!(pool["properties"]["nodeImageVersion"], "img-2");
    assert_eq!(pool["properties"]["provisioningState"], "Succeeded");
}

#[test]
fn a_cluster_update_reported_only_through_provisioning_state_is_awaited() {
    let fake = Fake::start();
    let id = fake.seed_sp_cluster("rg1", "aks1", &[("nodepool1", "img-1", "img-1")], json!({}));
    {
        let mut s = fake.state.lock().unwrap();
        s.lro_style.insert(OpKind::ClusterUpdate, LroStyle::ProvisioningState);
        s.lro_polls = 2;
    }
    let (doc, all, code) = run(
        &fake,
        &[
            "-o",
            "json",
            "--yes",
            "cluster",
            "enable-managed-identity",
            "-g",
            "rg1",
            "-n",
            "aks1",
        ],
    );
    assert_eq!(code, 0, "{all}");
    assert_eq!(doc["steps"][0]["outcome"], "applied");
    let journal = fake.journal();
    assert!(
        !journal.iter().any(|e| e.path.contains("/operation")),
        "no operation URL to poll"
    );
    let put = journal.iter().position(|e| e.method == "PUT").unwrap();
    let gets_after = journal[put..]
        .iter()
        .filter(|e| e.method == "GET" && e.path.eq_ignore_ascii_case(&id))
        .count();
    assert!(gets_after >= 2, "the cluster itself was polled: {gets_after}");
    let mc = fake.resource(&id).unwrap();
    assert_eq!(mc["properties"]["provisioningState"], "Succeeded");
    assert_eq!(mc["properties"]["servicePrincipalProfile"]["clientId"], "msi");
}

#[test]
fn every_page_of_a_list_is_read() {
    let fake = Fake::start();
    let pools: Vec<(String, &str, &str)> = (1..=5).map(|i| (format!("pool{i}"), "img-1", "img-2")).collect();
    let pools: Vec<(&str, &str, &str)> = pools.iter().map(|(n, a, b)| (n.as_str(), *a, *b)).collect();
    let id = fake.seed_sp_cluster("rg1", "aks1", &pools, mi_extra());
    for v in ["kv-a1", "kv-a2", "kv-a3", "kv-demo"] {
        fake.seed_vault(v, true, true);
    }
    let (doc, all, code) = run(
        &fake,
        &[
            "-o",
            "json",
            "--yes",
            "nodepool",
            "upgrade-image",
            "-g",
            "rg1",
            "--cluster",
            "aks1",
            "--all",
        ],
    );
    assert_eq!(code, 0, "{all}");
    let upgraded = doc["steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["outcome"] == "applied")
        .count();
    assert!(upgraded >= 5, "all five pools, across three pages: {doc}");
    for p in &pools {
        let pool = fake.resource(&format!("{id}/agentPools/{}", p.0)).unwrap();
        assert_eq!(pool["properties"]["nodeImageVersion"], "img-2", "{}", p.0);
    }
    assert!(
        fake.journal().iter().any(|e| e.query.contains("skiptoken")),
        "nextLink was followed"
    );

    // A vault found by name anywhere in the subscription is on the last page.
    fake.clear_journal();
    let (_, all, code) = run(
        &fake,
        &[
            "-o",
            "json",
            "--dry-run",
            "grant",
            "--vault",
            "kv-demo",
            "--to",
            "kubelet:rg1/aks1",
        ],
    );
    assert_eq!(code, 0, "{all}");
    let vault_pages = fake
        .journal()
        .iter()
        .filter(|e| e.path.ends_with("/Microsoft.KeyVault/vaults"))
        .count();
    assert!(vault_pages >= 2, "{vault_pages} pages");
}

#[test]
fn a_role_assignment_list_that_lags_does_not_fail_verification() {
    let fake = Fake::start();
    fake.seed_vault("kv-demo", true, true);
    fake.seed_identity("rg1", "id-app", false);
    // Every list for a while misses everything, the new assignment included.
    fake.state.lock().unwrap().assignment_list_lag = 3;
    let (doc, all, code) = run(
        &fake,
        &[
            "-o",
            "json",
            "--yes",
            "grant",
            "--vault",
            "kv-demo",
            "--to",
            "identity:rg1/id-app",
        ],
    );
    assert_eq!(code, 0, "{all}");
    assert_eq!(doc["steps"][0]["outcome"], "applied");
    let puts = fake
        .writes()
        .iter()
        .filter(|e| e.path.contains("roleAssignments"))
        .count();
    assert_eq!(puts, 1);
}

#[test]
fn a_vault_without_enable_rbac_authorization_uses_access_policies() {
    let fake = Fake::start();
    let vault = fake.seed_vault("kv-policy", false, true);
    {
        let mut s = fake.state.lock().unwrap();
        let v = s.resource_mut(&vault).unwrap();
        v["properties"]
            .as_object_mut()
            .unwrap()
            .remove("enableRbacAuthorization");
    }
    fake.seed_identity("rg1", "id-app", false);
    let (_, all, code) = run(
        &fake,
        &[
            "-o",
            "json",
            "--yes",
            "grant",
            "--vault",
            "kv-policy",
            "--to",
            "identity:rg1/id-app",
        ],
    );
    assert_eq!(code, 0, "{all}");
    let writes = fake.writes();
    assert_eq!(writes.len(), 1, "{writes:#?}");
    assert!(writes[0].path.ends_with("/accessPolicies/add"), "{}", writes[0].path);
}

/// Someone else changes the cluster between kvwire's read and its write.
fn competing_write(s: &mut FakeState) {
    let id = Fake::cluster_id("rg1", "aks1");
    let etag = s.new_etag();
    let mc = s.resource_mut(&id).unwrap();
    mc["tags"]["owner"] = json!("someone-else");
    mc["eTag"] = json!(etag);
}

#[test]
fn a_write_between_read_and_put_gets_412_and_the_same_change_is_made_on_top_of_it() {
    let fake = Fake::start();
    let id = fake.seed_sp_cluster("rg1", "aks1", &[("nodepool1", "img-1", "img-1")], json!({}));
    fake.fault(
        Some("PUT"),
        "managedClusters/aks1",
        1,
        FaultKind::Before(competing_write),
    );
    let (_, all, code) = run(
        &fake,
        &[
            "-o",
            "json",
            "--yes",
            "cluster",
            "enable-managed-identity",
            "-g",
            "rg1",
            "-n",
            "aks1",
        ],
    );
    assert_eq!(code, 0, "{all}");
    let puts: Vec<_> = fake.writes().into_iter().filter(|e| e.method == "PUT").collect();
    assert_eq!(
        puts.iter().map(|p| p.status).collect::<Vec<_>>(),
        [412, 200],
        "refused, then made again on the fresh read"
    );
    assert!(
        puts.iter().all(|p| p
            .if_match
            .as_deref()
            .is_some_and(|m| m.starts_with('"') && m.ends_with('"'))),
        "every PUT carries If-Match, quoted as an entity-tag: {puts:#?}"
    );
    assert_ne!(
        puts[0].if_match, puts[1].if_match,
        "the second carries the new entity tag"
    );
    let mc = fake.resource(&id).unwrap();
    assert_eq!(
        mc["tags"]["owner"], "someone-else",
        "the other writer's change survives"
    );
    assert_eq!(mc["identity"]["type"], "SystemAssigned");
}

/// Someone else switches the cluster to a user-assigned identity in between.
fn competing_identity(s: &mut FakeState) {
    let id = Fake::cluster_id("rg1", "aks1");
    let etag = s.new_etag();
    let mc = s.resource_mut(&id).unwrap();
    mc["identity"] = json!({"type": "UserAssigned", "userAssignedIdentities": {"/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg1/providers/Microsoft.ManagedIdentity/userAssignedIdentities/theirs": {}}});
    mc["eTag"] = json!(etag);
}

#[test]
fn when_a_competing_write_changes_what_kvwire_changes_it_stops_and_names_the_fields() {
    let fake = Fake::start();
    let id = fake.seed_sp_cluster("rg1", "aks1", &[("nodepool1", "img-1", "img-1")], json!({}));
    fake.fault(
        Some("PUT"),
        "managedClusters/aks1",
        1,
        FaultKind::Before(competing_identity),
    );
    let (_, all, code) = run(
        &fake,
        &[
            "-o",
            "text",
            "--yes",
            "cluster",
            "enable-managed-identity",
            "-g",
            "rg1",
            "-n",
            "aks1",
        ],
    );
    assert_eq!(code, 1, "{all}");
    assert!(
        all.contains("changed since it was planned") && all.contains("identity.type"),
        "{all}"
    );
    let puts = fake.writes().into_iter().filter(|e| e.method == "PUT").count();
    assert_eq!(puts, 1, "only the refused one");
    assert_eq!(
        fake.resource(&id).unwrap()["identity"]["type"],
        "UserAssigned",
        "theirs stands"
    );
}

#[test]
fn a_vault_uri_outside_the_clouds_key_vault_suffix_gets_no_token() {
    let fake = Fake::start();
    let vault = fake.seed_vault("kv-demo", true, true);
    {
        let mut s = fake.state.lock().unwrap();
        let v = s.resource_mut(&vault).unwrap();
        v["properties"]["vaultUri"] = json!("https://kv-demo.collector.example/");
    }
    let (_, all, code) = support::outcome(fake.kvwire().env("DB_HOST", "h").args([
        "-o",
        "json",
        "--yes",
        "secrets",
        "seed",
        "--vault",
        "kv-demo",
        "--from-env",
        "--map",
        "DB_HOST",
    ]));
    assert_eq!(code, 1, "{all}");
    assert!(all.contains("not under this cloud's Key Vault suffix"), "{all}");
    assert!(!fake.journal().iter().any(|e| e.host.contains("collector")));
}

#[test]
fn operation_not_allowed_with_nothing_running_is_a_refusal_not_a_wait() {
    let fake = Fake::start();
    fake.seed_sp_cluster("rg1", "aks1", &[("nodepool1", "img-1", "img-2")], mi_extra());
    // AKS answers OperationNotAllowed also for what it will never do on a pool.
    fake.fault(
        Some("POST"),
        "upgradeNodeImageVersion",
        1,
        FaultKind::Error {
            status: 409,
            code: "OperationNotAllowed".into(),
        },
    );
    let started = std::time::Instant::now();
    let (_, all, code) = run(
        &fake,
        &[
            "-o",
            "json",
            "--yes",
            "--lro-timeout",
            "60",
            "nodepool",
            "upgrade-image",
            "-g",
            "rg1",
            "--cluster",
            "aks1",
            "--nodepool",
            "nodepool1",
        ],
    );
    assert_eq!(code, 1, "{all}");
    assert!(all.contains("OperationNotAllowed"), "{all}");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(20),
        "did not wait for the timeout"
    );
    let posts = fake.writes().iter().filter(|e| e.method == "POST").count();
    assert_eq!(posts, 1);
}
