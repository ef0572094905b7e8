//! End-to-end tests of the cluster commands against the fake.

use crate::support;

use serde_json::{Value, json};
use support::{Fake, fake::FaultKind};

fn run(fake: &Fake, args: &[&str]) -> (Value, String, i32) {
    support::outcome(fake.kvwire().args(args))
}

fn mi_extra() -> Value {
    json!({"servicePrincipalProfile": {"clientId": "msi"},
           "identityProfile": {"kubeletidentity": {"clientId": "kc", "objectId": "ko", "resourceId": "/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/MC_rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/aks1-agentpool"}}})
}

#[test]
fn sp_cluster_moves_to_managed_identity_with_one_put_and_keeps_unknown_fields() {
    let fake = Fake::start();
    let id = fake.seed_sp_cluster(
        "rg1",
        "aks1",
        &[("nodepool1", "img-1", "img-1")],
        json!({"autoUpgradeProfile": {"upgradeChannel": "node-image", "nodeOSUpgradeChannel": "NodeImage"}}),
    );
    let before = fake.resource(&id).unwrap();
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

    let writes = fake.writes();
    assert_eq!(writes.len(), 1, "exactly one write: {writes:#?}");
    assert_eq!(writes[0].method, "PUT");
    assert!(writes[0].path.eq_ignore_ascii_case(&id));
    assert!(
        fake.journal().iter().any(|e| e.path.contains("/operations/")),
        "the LRO was polled"
    );

    // The PUT body is the GET body minus what Azure owns (read-only, per the official API
    // definition) and minus the nodeImageVersion echo, with only `identity` changed: nothing
    // kvwire does not model is dropped, nothing is invented.
    // ...plus the tag that says the kubelet still waits for re-imaged nodes.
    let sent = writes[0].body.clone().unwrap();
    let mut expected = before.clone();
    support::fake::contract::strip_readonly(support::fake::arm::clusters::CLUSTER, &mut expected);
    for p in expected["properties"]["agentPoolProfiles"].as_array_mut().unwrap() {
        p.as_object_mut().unwrap().remove("nodeImageVersion");
    }
    expected["identity"] = json!({"type": "SystemAssigned"});
    // The pool's image at the switch: the record of which kubelets still use the service principal.
    expected["tags"]["kvwire-kubelet-migration-nodepool1"] = json!("img-1");
    assert_eq!(
        sent, expected,
        "round trip keeps every field, including autoUpgradeProfile"
    );

    let after = fake.resource(&id).unwrap();
    assert_eq!(after["properties"]["servicePrincipalProfile"]["clientId"], "msi");
    assert_eq!(
        after["properties"]["autoUpgradeProfile"]["upgradeChannel"],
        "node-image"
    );

    fake.clear_journal();
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
    assert_eq!(doc["steps"][0]["action"], "no_op");
    assert!(fake.writes().is_empty(), "re-run writes nothing");
}

#[test]
fn user_assigned_identity_switch() {
    let fake = Fake::start();
    let id = fake.seed_sp_cluster("rg1", "aks1", &[("nodepool1", "img-1", "img-1")], json!({}));
    let uai = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg1/providers/Microsoft.ManagedIdentity/userAssignedIdentities/cp-id";
    fake.state.lock().unwrap().put_resource(
        uai,
        json!({"id": uai, "name": "cp-id", "properties": {"clientId": "cc", "principalId": "pp"}}),
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
            "--assign-identity",
            uai,
        ],
    );
    assert_eq!(code, 0, "{all}");
    let mc = fake.resource(&id).unwrap();
    assert_eq!(mc["identity"]["type"], "UserAssigned");
    assert_eq!(mc["identity"]["userAssignedIdentities"][uai]["principalId"], "pp");
    fake.clear_journal();
    let (doc, _, _) = run(
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
            "--assign-identity",
            uai,
        ],
    );
    assert_eq!(doc["steps"][0]["action"], "no_op");
    assert!(fake.writes().is_empty());
}

#[test]
fn upgrade_is_skipped_when_the_image_is_current() {
    let fake = Fake::start();
    fake.seed_sp_cluster(
        "rg1",
        "aks1",
        &[("nodepool1", "img-2", "img-2"), ("pool2", "img-2", "img-2")],
        mi_extra(),
    );
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
    let steps = doc["steps"].as_array().unwrap();
    for step in steps
        .iter()
        .filter(|s| s["address"].as_str().unwrap().starts_with("nodepool"))
    {
        assert_eq!(step["action"], "no_op");
        assert!(step["reason"].as_str().unwrap().contains("is the latest"));
    }
    assert!(
        steps
            .iter()
            .all(|s| s["address"].as_str().unwrap().starts_with("nodepool")),
        "{steps:#?}"
    );
    assert!(fake.writes().is_empty());
}

#[test]
fn two_pools_upgrade_in_parallel_and_the_failing_one_is_named() {
    let fake = Fake::start();
    let id = fake.seed_sp_cluster(
        "rg1",
        "aks1",
        &[("pool1", "img-1", "img-2"), ("pool2", "img-1", "img-2")],
        mi_extra(),
    );
    fake.state.lock().unwrap().lro_polls = 4;
    fake.fault(
        Some("POST"),
        "agentPools/pool2/upgradeNodeImageVersion",
        1,
        FaultKind::FailLro {
            code: "ReimageFailed".into(),
            message: "node aks-pool2-0 did not come back".into(),
        },
    );
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
    assert_eq!(code, 1, "{all}");
    let steps = doc["steps"].as_array().unwrap();
    assert_eq!(steps[0]["address"], "nodepool rg1/aks1/pool1");
    assert_eq!(steps[0]["outcome"], "applied");
    assert_eq!(steps[1]["address"], "nodepool rg1/aks1/pool2");
    assert_eq!(steps[1]["outcome"], "failed");
    // The operation's own code and message, and how it ended (its poll's 200 says nothing).
    assert!(
        steps[1]["error"]
            .as_str()
            .unwrap()
            .ends_with("failed: ReimageFailed (the operation ended Failed): node aks-pool2-0 did not come back"),
        "{}",
        steps[1]
    );
    assert!(all.contains("1 of 2 step(s) failed"), "{all}");
    assert_eq!(
        fake.resource(&format!("{id}/agentPools/pool1")).unwrap()["properties"]["nodeImageVersion"],
        "img-2"
    );
    assert_eq!(
        fake.resource(&format!("{id}/agentPools/pool2")).unwrap()["properties"]["provisioningState"],
        "Failed"
    );
    // Pool2's POST went out while pool1's operation was still being polled: the pools ran side by side.
    let j = fake.journal();
    let posts: Vec<usize> = j
        .iter()
        .enumerate()
        .filter(|(_, e)| e.method == "POST" && e.host != "login.microsoftonline.com")
        .map(|(i, _)| i)
        .collect();
    assert_eq!(posts.len(), 2);
    let first_op = j.iter().find(|e| e.path.contains("/operations/")).unwrap().path.clone();
    let last_poll_of_first_op = j.iter().rposition(|e| e.path == first_op).unwrap();
    assert!(
        posts[1] < last_poll_of_first_op,
        "pools were upgraded one after the other: {j:#?}"
    );
}

#[test]
fn kubelet_identity_in_three_formats_and_guidance_for_sp_clusters() {
    let fake = Fake::start();
    fake.seed_sp_cluster("rg1", "aks1", &[("nodepool1", "img-1", "img-1")], mi_extra());
    let out = fake
        .kvwire()
        .args(["-o", "text", "kubelet-identity", "-g", "rg1", "-n", "aks1"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        text,
        "clientId:   kc\nobjectId:   ko\nresourceId: /subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/MC_rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/aks1-agentpool\n"
    );
    let (doc, _, code) = run(&fake, &["-o", "json", "kubelet-identity", "-g", "rg1", "-n", "aks1"]);
    assert_eq!(code, 0);
    assert_eq!(
        doc,
        json!({"clientId": "kc", "objectId": "ko", "resourceId": "/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/MC_rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/aks1-agentpool"})
    );
    let out = fake
        .kvwire()
        .args(["-o", "env", "kubelet-identity", "-g", "rg1", "-n", "aks1"])
        .output()
        .unwrap();
    let env = String::from_utf8(out.stdout).unwrap();
    assert!(
        env.starts_with(
            "export KUBELET_CLIENT_ID='kc'\nexport KUBELET_OBJECT_ID='ko'\nexport KUBELET_RESOURCE_ID='/subscriptions/"
        ),
        "{env}"
    );

    fake.seed_sp_cluster("rg1", "sp1", &[("nodepool1", "img-1", "img-1")], json!({}));
    let (_, all, code) = run(&fake, &["-o", "json", "kubelet-identity", "-g", "rg1", "-n", "sp1"]);
    assert_eq!(code, 1);
    assert!(
        all.contains("enable-managed-identity") && all.contains("upgrade-image"),
        "{all}"
    );
}

const WI: &[&str] = &[
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
    "shop",
    "--service-account",
    "checkout",
];

fn fic_id() -> String {
    "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg1/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-app/federatedIdentityCredentials/kvwire-shop-checkout".into()
}

#[test]
fn workload_identity_from_scratch_then_rerun_then_drift() {
    let fake = Fake::start();
    let cluster = fake.seed_sp_cluster("rg1", "aks1", &[("nodepool1", "img-1", "img-1")], mi_extra());
    let (doc, all, code) = run(&fake, WI);
    assert_eq!(code, 0, "{all}");
    let actions: Vec<&str> = doc["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["update", "create", "create"]);
    let writes: Vec<String> = fake
        .writes()
        .iter()
        .map(|e| format!("{} {}", e.method, e.path))
        .collect();
    assert_eq!(
        writes.len(),
        3,
        "one cluster update, one identity, one credential: {writes:#?}"
    );

    let mc = fake.resource(&cluster).unwrap();
    let issuer = mc["properties"]["oidcIssuerProfile"]["issuerURL"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(mc["properties"]["securityProfile"]["workloadIdentity"]["enabled"], true);
    let fic = fake.resource(&fic_id()).unwrap();
    assert_eq!(
        fic["properties"]["issuer"], issuer,
        "issuer taken verbatim, trailing slash included"
    );
    assert_eq!(fic["properties"]["subject"], "system:serviceaccount:shop:checkout");
    assert_eq!(fic["properties"]["audiences"], json!(["api://AzureADTokenExchange"]));
    let identity = fake.resource("/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg1/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-app").unwrap();
    assert_eq!(doc["outputs"]["identity_client_id"], identity["properties"]["clientId"]);
    assert_eq!(identity["tags"]["managed-by"], "kvwire");

    fake.clear_journal();
    let (doc, all, code) = run(&fake, WI);
    assert_eq!(code, 0, "{all}");
    assert!(
        doc["steps"].as_array().unwrap().iter().all(|s| s["action"] == "no_op"),
        "{doc}"
    );
    assert!(fake.writes().is_empty(), "re-run writes nothing");

    // Someone edits the credential: the plan shows the drift as an update, and --dry-run changes nothing.
    let mut drifted = fic.clone();
    drifted["properties"]["subject"] = json!("system:serviceaccount:shop:other");
    fake.state.lock().unwrap().put_resource(&fic_id(), drifted);
    let mut dry: Vec<&str> = WI.to_vec();
    dry.extend(["--dry-run", "--detailed-exitcode"]);
    let (doc, _, code) = run(&fake, &dry);
    assert_eq!(code, 4);
    let step = &doc["steps"][2];
    assert_eq!(step["action"], "update");
    assert_eq!(
        step["changes"],
        json!([{"path": "properties.subject", "before": "system:serviceaccount:shop:other", "after": "system:serviceaccount:shop:checkout", "after_unknown": false, "sensitive": false}])
    );
    assert!(fake.writes().is_empty());
    // A credential that trusts another subject is held like a changed secret value: the pods it
    // trusts now would lose access.
    let mut held: Vec<&str> = WI.to_vec();
    held.push("--detailed-exitcode");
    let (doc, all, code) = run(&fake, &held);
    assert_eq!(code, 4, "{all}");
    assert_eq!(doc["steps"][2]["outcome"], "held", "{doc:#}");
    assert!(
        doc["steps"][2]["held"].as_str().unwrap().contains("--overwrite"),
        "{doc:#}"
    );
    assert!(fake.writes().is_empty(), "{:#?}", fake.writes());
    let mut overwrite: Vec<&str> = WI.to_vec();
    overwrite.push("--overwrite");
    let (_, all, code) = run(&fake, &overwrite);
    assert_eq!(code, 0, "{all}");
    assert_eq!(
        fake.resource(&fic_id()).unwrap()["properties"]["subject"],
        "system:serviceaccount:shop:checkout"
    );
}

#[test]
fn plan_shows_known_after_apply_for_a_new_identity() {
    let fake = Fake::start();
    fake.seed_sp_cluster("rg1", "aks1", &[("nodepool1", "img-1", "img-1")], mi_extra());
    let out = fake
        .kvwire()
        .args([
            "-o",
            "text",
            "--dry-run",
            "workload-identity",
            "-g",
            "rg1",
            "--cluster",
            "aks1",
            "--identity",
            "id-app",
            "--namespace",
            "shop",
            "--service-account",
            "checkout",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("properties.clientId = (known after apply)"), "{text}");
    assert!(text.contains("properties.issuer = (known after apply)"), "{text}");
    insta::assert_snapshot!("workload_identity_plan", text);
    assert!(fake.writes().is_empty());
}

#[test]
fn credential_with_same_issuer_and_subject_is_adopted() {
    let fake = Fake::start();
    let cluster = fake.seed_sp_cluster("rg1", "aks1", &[("nodepool1", "img-1", "img-1")], mi_extra());
    run(&fake, WI);
    let issuer = fake.resource(&cluster).unwrap()["properties"]["oidcIssuerProfile"]["issuerURL"].clone();
    // Replace kvwire's credential by a hand-made one with another name.
    let legacy = fic_id().replace("kvwire-shop-checkout", "legacy");
    {
        let mut s = fake.state.lock().unwrap();
        s.resources.remove(&fic_id().to_ascii_lowercase());
        s.put_resource(&legacy, json!({"id": legacy, "name": "legacy", "properties": {"issuer": issuer, "subject": "system:serviceaccount:shop:checkout", "audiences": ["api://AzureADTokenExchange"]}}));
    }
    fake.clear_journal();
    let (doc, all, code) = run(&fake, WI);
    assert_eq!(code, 0, "{all}");
    assert!(
        doc["steps"][2]["reason"]
            .as_str()
            .unwrap()
            .contains("adopted existing credential legacy"),
        "{doc}"
    );
    assert!(fake.writes().is_empty());
}

#[test]
fn twenty_credentials_is_a_clear_error_and_concurrent_writes_are_retried() {
    let fake = Fake::start();
    fake.seed_sp_cluster("rg1", "aks1", &[("nodepool1", "img-1", "img-1")], mi_extra());
    let identity = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg1/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-app";
    {
        let mut s = fake.state.lock().unwrap();
        s.put_resource(
            identity,
            json!({"id": identity, "name": "id-app", "properties": {"clientId": "c", "principalId": "p"}}),
        );
        for i in 0..20 {
            let id = format!("{identity}/federatedIdentityCredentials/other{i}");
            s.put_resource(&id, json!({"id": id, "name": format!("other{i}"), "properties": {"issuer": "https://elsewhere/", "subject": format!("system:serviceaccount:x:s{i}"), "audiences": ["api://AzureADTokenExchange"]}}));
        }
    }
    let (_, all, code) = run(&fake, WI);
    assert_eq!(code, 2, "the plan holds it: {all}");
    assert!(
        all.contains("would hold 21 federated credentials (20 now") && all.contains("identity-binding"),
        "{all}"
    );
    assert!(fake.writes().is_empty(), "validated before the first write");

    fake.state
        .lock()
        .unwrap()
        .resources
        .retain(|k, _| !k.contains("/federatedidentitycredentials/other"));
    fake.fault(
        Some("PUT"),
        "federatedIdentityCredentials/kvwire-shop-checkout",
        1,
        FaultKind::Error {
            status: 409,
            code: "ConcurrentFederatedIdentityCredentialsWritesForSingleManagedIdentity".into(),
        },
    );
    let (_, all, code) = run(&fake, WI);
    assert_eq!(code, 0, "{all}");
    let fic_puts: Vec<u16> = fake
        .journal()
        .iter()
        .filter(|e| e.method == "PUT" && e.path.contains("federatedIdentityCredentials"))
        .map(|e| e.status)
        .collect();
    assert_eq!(fic_puts, [409, 201]);
}

#[test]
fn switch_lists_what_the_old_service_principal_was_granted() {
    let fake = Fake::start();
    fake.seed_sp_cluster("rg1", "aks1", &[("nodepool1", "img-1", "img-1")], json!({}));
    let sub = "/subscriptions/00000000-0000-0000-0000-000000000000";
    let acr = fake.seed_registry("rg1", "acr1");
    assert_eq!(
        acr,
        format!("{sub}/resourceGroups/rg1/providers/Microsoft.ContainerRegistry/registries/acr1")
    );
    let ra = format!("{acr}/providers/Microsoft.Authorization/roleAssignments/6b2c0f8e-0000-4000-8000-000000000001");
    let vault = format!("{sub}/resourceGroups/rg1/providers/Microsoft.KeyVault/vaults/kv-legacy");
    {
        let mut s = fake.state.lock().unwrap();
        // kvwire's service principal may read the directory (Graph Application.Read.All).
        s.graph_application_read_all = true;
        s.service_principals.insert("clientid".into(), "sp-object-1".into());
        s.put_resource(&ra, json!({"id": ra, "name": "6b2c0f8e-0000-4000-8000-000000000001", "type": "Microsoft.Authorization/roleAssignments",
            "properties": {"roleDefinitionId": "/providers/Microsoft.Authorization/roleDefinitions/7f951dda-4ed3-4680-a7ca-43fe172d538d", "principalId": "sp-object-1", "principalType": "ServicePrincipal", "scope": acr}}));
        s.put_resource(&vault, json!({"id": vault, "name": "kv-legacy", "type": "Microsoft.KeyVault/vaults",
            "properties": {"tenantId": support::fake::TENANT, "enableRbacAuthorization": false, "accessPolicies": [
                {"tenantId": support::fake::TENANT, "objectId": "sp-object-1", "permissions": {"secrets": ["get", "list"]}},
                {"tenantId": support::fake::TENANT, "objectId": "someone-else", "permissions": {"secrets": ["get"]}}]}}));
    }
    let out = fake
        .kvwire()
        .args([
            "-o",
            "text",
            "--dry-run",
            "cluster",
            "enable-managed-identity",
            "-g",
            "rg1",
            "-n",
            "aks1",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    // AcrPull is carried over by a step of the same run, not left behind.
    assert!(!stderr.contains(&format!("  - AcrPull on {acr}")), "{stderr}");
    assert!(
        stderr.contains("its AcrPull on 1 registry is carried over by this run"),
        "{stderr}"
    );
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("role AcrPull for kubelet of rg1/aks1 on registry acr1"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(
        stderr.contains("  - Key Vault access policy on vault kv-legacy (secrets: get, list)"),
        "{stderr}"
    );
    assert!(!stderr.contains("someone-else"));
    assert!(fake.writes().is_empty());

    // A principal Graph does not know is said plainly.
    fake.state.lock().unwrap().service_principals.clear();
    let out = fake
        .kvwire()
        .args([
            "-o",
            "text",
            "--dry-run",
            "cluster",
            "enable-managed-identity",
            "-g",
            "rg1",
            "-n",
            "aks1",
        ])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("service principal clientid was not found in the directory"));
}

const UPGRADE_ALL: &[&str] = &[
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
];
const SWITCH: &[&str] = &[
    "-o",
    "json",
    "--yes",
    "cluster",
    "enable-managed-identity",
    "-g",
    "rg1",
    "-n",
    "aks1",
];

fn posts(fake: &Fake) -> Vec<String> {
    let mut p = fake
        .writes()
        .into_iter()
        .filter(|e| e.method == "POST")
        .map(|e| e.path.split('/').rev().nth(1).unwrap_or("").to_string())
        .collect::<Vec<_>>();
    // Sorted, never deduplicated: a second upgrade of a pool must show.
    p.sort();
    p
}

#[test]
fn kubelet_migration_survives_a_crash_between_switch_and_reimage() {
    let fake = Fake::start();
    let id = fake.seed_sp_cluster(
        "rg1",
        "aks1",
        &[("pool1", "img-1", "img-2"), ("pool2", "img-1", "img-2")],
        json!({}),
    );
    let (_, all, code) = run(&fake, SWITCH);
    assert_eq!(code, 0, "{all}");
    // The switch's own PUT records each pool's image: no extra operation.
    let tags = fake.resource(&id).unwrap()["tags"].clone();
    assert_eq!(tags["kvwire-kubelet-migration-pool1"], "img-1");
    assert_eq!(tags["kvwire-kubelet-migration-pool2"], "img-1");
    assert_eq!(fake.writes().len(), 1);

    // A later run (after a crash, say) knows from Azure alone that both pools still need re-imaging.
    fake.clear_journal();
    let (doc, all, code) = run(&fake, UPGRADE_ALL);
    assert_eq!(code, 0, "{all}");
    let steps = doc["steps"].as_array().unwrap();
    assert_eq!(steps.len(), 2, "no extra step to clear a record");
    assert!(steps.iter().all(|s| s["action"] == "run"));
    assert!(
        steps[0]["reason"]
            .as_str()
            .unwrap()
            .contains("still uses the service principal")
    );
    assert_eq!(posts(&fake), ["pool1", "pool2"]);
    assert_eq!(fake.writes().len(), 2, "only the two upgrades: {:#?}", fake.writes());
    let mc = fake.resource(&id).unwrap();
    assert_eq!(mc["tags"]["tier"], "production", "other tags are kept");

    fake.clear_journal();
    let (doc, _, _) = run(&fake, UPGRADE_ALL);
    assert!(doc["steps"].as_array().unwrap().iter().all(|s| s["action"] == "no_op"));
    assert!(fake.writes().is_empty(), "a re-imaged pool is never re-imaged again");
}

#[test]
fn after_one_pool_fails_a_rerun_upgrades_only_that_pool() {
    let fake = Fake::start();
    fake.seed_sp_cluster(
        "rg1",
        "aks1",
        &[("pool1", "img-1", "img-2"), ("pool2", "img-1", "img-2")],
        json!({}),
    );
    run(&fake, SWITCH);
    fake.fault(
        Some("POST"),
        "agentPools/pool2/upgradeNodeImageVersion",
        1,
        FaultKind::FailLro {
            code: "ReimageFailed".into(),
            message: "x".into(),
        },
    );
    fake.clear_journal();
    let (_, _, code) = run(&fake, UPGRADE_ALL);
    assert_eq!(code, 1);
    assert_eq!(posts(&fake), ["pool1", "pool2"]);

    fake.clear_journal();
    let (doc, all, code) = run(&fake, UPGRADE_ALL);
    assert_eq!(code, 0, "{all}");
    assert_eq!(posts(&fake), ["pool2"], "pool1 succeeded before and is left alone");
    assert_eq!(doc["steps"][0]["action"], "no_op");
}

#[test]
fn a_pool_already_on_the_newest_image_is_not_reimaged_in_vain() {
    let fake = Fake::start();
    fake.seed_sp_cluster("rg1", "aks1", &[("pool1", "img-2", "img-2")], json!({}));
    let (_, all, code) = run(&fake, SWITCH);
    assert_eq!(code, 0, "{all}");
    assert!(
        all.contains("pool pool1 already runs the newest node image"),
        "said at switch time: {all}"
    );
    fake.clear_journal();
    let (doc, all, code) = run(&fake, UPGRADE_ALL);
    assert_eq!(code, 0, "{all}");
    assert_eq!(
        doc["steps"][0]["action"], "no_op",
        "a run whose before and after are equal is never planned"
    );
    assert!(
        all.contains("stays on the service principal until a newer node image"),
        "{all}"
    );
    assert!(fake.writes().is_empty());
}

/// A cluster or vault that is not there: the error lists what is, in the resource group first.
#[test]
fn what_is_not_found_comes_with_what_exists_nearby() {
    let fake = Fake::start();
    fake.seed_sp_cluster("rg1", "aks1", &[("nodepool1", "img-1", "img-1")], mi_extra());
    fake.seed_sp_cluster("rg2", "aks-other", &[("nodepool1", "img-1", "img-1")], mi_extra());
    fake.seed_vault("kv-demo", true, true);
    let (_, all, code) = support::outcome(fake.kvwire().args(["kubelet-identity", "-g", "rg1", "-n", "aks-typo"]));
    assert_eq!(code, 1, "{all}");
    assert!(
        all.contains("cluster rg1/aks-typo was not found")
            && all.contains("resource group rg1 has AKS clusters rg1/aks1"),
        "{all}"
    );
    assert!(!all.contains("aks-other"), "the resource group's first: {all}");
    let (_, all, _) = support::outcome(fake.kvwire().args(["kubelet-identity", "-g", "rg-typo", "-n", "aks1"]));
    assert!(
        all.contains("the subscription has AKS clusters") && all.contains("rg2/aks-other"),
        "{all}"
    );
    let (_, all, _) = support::outcome(fake.kvwire().args([
        "manifests",
        "--vault",
        "kv-demox",
        "--namespace",
        "shop",
        "--identity",
        "id-app",
    ]));
    assert!(
        all.contains("Key Vault kv-demox was not found") && all.contains("rg1/kv-demo"),
        "{all}"
    );
}
