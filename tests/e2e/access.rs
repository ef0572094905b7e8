//! `kvwire grant` against the fake: RBAC and access-policy vaults, replays, adoption, orphans,
//! PrincipalNotFound, least privilege.

use crate::support;

use serde_json::{Value, json};
use std::time::{Duration, Instant};
use support::{Fake, fake::FaultKind};

const USER: &str = "4633458b-17de-408a-b874-0445c86b69e6";

fn run(fake: &Fake, args: &[&str]) -> (Value, String, i32) {
    support::outcome(fake.kvwire().args(args))
}

fn grant(extra: &[&'static str]) -> Vec<&'static str> {
    let mut v = vec![
        "-o",
        "json",
        "--yes",
        "grant",
        "--vault",
        "kv-demo",
        "-g",
        "rg1",
        "--to",
        "identity:id-app",
    ];
    v.extend(extra);
    v
}

fn assignments_for(fake: &Fake, principal: &str) -> Vec<(String, String, String)> {
    fake.role_assignments()
        .into_iter()
        .filter(|a| a.1 == principal)
        .collect()
}

#[test]
fn rbac_vault_gets_secrets_user_at_vault_scope_and_rerun_is_a_no_op() {
    let fake = Fake::start();
    let vault = fake.seed_vault("kv-demo", true, false);
    let pid = fake.seed_identity("rg1", "id-app", false);
    let (doc, all, code) = run(&fake, &grant(&[]));
    assert_eq!(code, 0, "{all}");
    assert_eq!(doc["steps"][0]["action"], "create");
    assert_eq!(
        assignments_for(&fake, &pid),
        vec![(vault.clone(), pid.clone(), USER.to_string())]
    );
    let put = fake.writes().into_iter().find(|e| e.method == "PUT").unwrap();
    let body = put.body.unwrap();
    assert_eq!(body["properties"]["principalType"], "ServicePrincipal", "always sent");
    assert_eq!(
        body["properties"]["roleDefinitionId"],
        format!(
            "/subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.Authorization/roleDefinitions/{USER}"
        )
    );
    // The name is deterministic: UUIDv5 over scope, principal and role.
    let name = put.path.rsplit('/').next().unwrap().to_string();
    let expected = kvwire::util::uuid5::v5(
        &kvwire::util::uuid5::ROLE_ASSIGNMENT_NAMESPACE,
        &format!("{}|{}|{USER}", vault.to_ascii_lowercase(), pid),
    );
    assert_eq!(name, expected);

    fake.clear_journal();
    let (doc, _, code) = run(&fake, &grant(&[]));
    assert_eq!(code, 0);
    assert_eq!(
        doc["steps"][0]["action"], "no_op",
        "ARM returns roleDefinitionId without the subscription prefix; still the same role"
    );
    assert!(fake.writes().is_empty());
}

#[test]
fn replay_after_a_crash_between_put_and_response_makes_one_assignment() {
    let fake = Fake::start();
    fake.seed_vault("kv-demo", true, false);
    let pid = fake.seed_identity("rg1", "id-app", false);
    fake.fault(Some("PUT"), "roleAssignments", 1, FaultKind::ResetAfterApply);
    let (_, all, code) = run(&fake, &grant(&[]));
    assert_eq!(code, 0, "{all}");
    let puts: Vec<_> = fake.writes().into_iter().filter(|e| e.method == "PUT").collect();
    assert_eq!(puts.len(), 2, "the lost answer was retried");
    assert_eq!(puts[0].path, puts[1].path, "with the same name");
    assert_eq!(assignments_for(&fake, &pid).len(), 1, "and only one assignment exists");
}

#[test]
fn principal_not_found_for_five_seconds_then_success() {
    let fake = Fake::start();
    fake.seed_vault("kv-demo", true, false);
    let pid = fake.seed_identity("rg1", "id-app", true);
    fake.state.lock().unwrap().principal_not_found_for = Duration::from_secs(5);
    let started = Instant::now();
    let (_, all, code) = run(&fake, &grant(&["-o", "text"]));
    assert_eq!(code, 0, "{all}");
    assert!(started.elapsed() >= Duration::from_secs(5));
    assert!(all.contains("waiting for principal"), "shows that it waits: {all}");
    let statuses: Vec<u16> = fake
        .writes()
        .iter()
        .filter(|e| e.method == "PUT")
        .map(|e| e.status)
        .collect();
    assert!(
        statuses.len() >= 2
            && statuses[..statuses.len() - 1].iter().all(|s| *s == 400)
            && *statuses.last().unwrap() == 201,
        "{statuses:?}"
    );
    assert_eq!(assignments_for(&fake, &pid).len(), 1);

    // A window too short gives up with the ARM code.
    let fake = Fake::start();
    fake.seed_vault("kv-demo", true, false);
    fake.seed_identity("rg1", "id-app", true);
    fake.state.lock().unwrap().principal_not_found_for = Duration::from_secs(60);
    let (_, all, code) = run(&fake, &grant(&["--principal-wait", "3"]));
    assert_eq!(code, 1);
    assert!(all.contains("PrincipalNotFound"), "{all}");
}

/// Reads of the new assignment (GET by name and lists) after kvwire's PUT, journal times.
fn assignment_reads(fake: &Fake) -> Vec<support::fake::Entry> {
    let put = fake.writes().into_iter().find(|e| e.method == "PUT").unwrap().at;
    fake.journal()
        .into_iter()
        .filter(|e| e.method == "GET" && e.path.contains("roleAssignments") && e.started > put)
        .collect()
}

#[test]
fn a_new_assignment_that_reads_lag_behind_is_waited_for_and_written_once() {
    let fake = Fake::start();
    fake.seed_vault("kv-demo", true, false);
    fake.seed_identity("rg1", "id-app", false);
    {
        let mut s = fake.state.lock().unwrap();
        s.assignment_get_lag = Duration::from_millis(600);
        s.assignment_list_lag = 20;
    }
    let (doc, all, code) = run(&fake, &grant(&[]));
    assert_eq!(code, 0, "{all}");
    assert_eq!(doc["steps"][0]["outcome"], "applied", "{all}");
    let puts: Vec<u16> = fake
        .writes()
        .iter()
        .filter(|e| e.method == "PUT")
        .map(|e| e.status)
        .collect();
    assert_eq!(puts, [201], "exactly one PUT");
    let gets: Vec<u16> = assignment_reads(&fake)
        .iter()
        .filter(|e| !e.path.ends_with("roleAssignments"))
        .map(|e| e.status)
        .collect();
    assert_eq!(gets.first(), Some(&404), "the first GET by name lags: {gets:?}");
    assert_eq!(gets.last(), Some(&200), "polled until it shows: {gets:?}");
}

#[test]
fn a_new_assignment_that_never_shows_fails_within_the_bound_after_a_last_look() {
    let fake = Fake::start();
    fake.seed_vault("kv-demo", true, false);
    fake.seed_identity("rg1", "id-app", false);
    {
        let mut s = fake.state.lock().unwrap();
        s.assignment_get_lag = Duration::from_secs(600);
        s.assignment_list_lag = 1000;
    }
    let (_, all, code) = run(&fake, &grant(&["--principal-wait", "3"]));
    let ended = fake.state.lock().unwrap().started.elapsed();
    assert_eq!(code, 1, "{all}");
    assert_eq!(fake.writes().iter().filter(|e| e.method == "PUT").count(), 1);
    let reads = assignment_reads(&fake);
    let put = fake.writes()[0].at;
    let last = reads.last().unwrap().at;
    assert!(
        last >= put + Duration::from_millis(2900),
        "kept looking for the whole bound: {:?}",
        last - put
    );
    assert!(
        ended < last + Duration::from_millis(900),
        "a look follows the last sleep, never the other way round: ended {:?} after the last read",
        ended - last
    );
    assert!(all.contains("does not show in Azure after 3s"), "{all}");
}

#[test]
fn existing_assignment_under_another_name_is_adopted() {
    let fake = Fake::start();
    let vault = fake.seed_vault("kv-demo", true, false);
    let pid = fake.seed_identity("rg1", "id-app", false);
    let ra = format!("{vault}/providers/Microsoft.Authorization/roleAssignments/11111111-2222-4333-8444-000000000abc");
    fake.state.lock().unwrap().put_resource(&ra, json!({"id": ra, "name": "11111111-2222-4333-8444-000000000abc",
        "properties": {"roleDefinitionId": format!("/subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.Authorization/roleDefinitions/{USER}"),
                       "principalId": pid, "principalType": "ServicePrincipal", "scope": vault}}));
    let (doc, all, code) = run(&fake, &grant(&[]));
    assert_eq!(code, 0, "{all}");
    assert_eq!(doc["steps"][0]["action"], "no_op");
    assert!(
        doc["steps"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("11111111-2222-4333-8444-000000000abc (adopted)")
    );
    assert!(fake.writes().is_empty());
}

#[test]
fn role_assignment_exists_409_is_adopted() {
    let fake = Fake::start();
    let vault = fake.seed_vault("kv-demo", true, false);
    let pid = fake.seed_identity("rg1", "id-app", false);
    let ra = format!("{vault}/providers/Microsoft.Authorization/roleAssignments/0f0f0f0f-0000-4000-8000-000000000001");
    {
        let mut s = fake.state.lock().unwrap();
        s.put_resource(&ra, json!({"id": ra, "name": "0f0f0f0f-0000-4000-8000-000000000001",
            "properties": {"roleDefinitionId": format!("/providers/Microsoft.Authorization/roleDefinitions/{USER}"), "principalId": pid, "principalType": "ServicePrincipal", "scope": vault}}));
        s.assignment_list_lag = 1; // the plan's read misses it, as a lagging ARM replica would
    }
    let (doc, all, code) = run(&fake, &grant(&[]));
    assert_eq!(code, 0, "{all}");
    assert_eq!(doc["steps"][0]["outcome"], "applied");
    let puts: Vec<u16> = fake.writes().iter().map(|e| e.status).collect();
    assert_eq!(puts, [409]);
    assert_eq!(assignments_for(&fake, &pid).len(), 1);
}

#[test]
fn orphan_with_our_name_is_reported_never_overwritten() {
    let fake = Fake::start();
    let vault = fake.seed_vault("kv-demo", true, false);
    let pid = fake.seed_identity("rg1", "id-app", false);
    let name = kvwire::util::uuid5::v5(
        &kvwire::util::uuid5::ROLE_ASSIGNMENT_NAMESPACE,
        &format!("{}|{}|{USER}", vault.to_ascii_lowercase(), pid),
    );
    let ra = format!("{vault}/providers/Microsoft.Authorization/roleAssignments/{name}");
    let orphan = json!({"id": ra, "name": name, "properties": {"roleDefinitionId": format!("/providers/Microsoft.Authorization/roleDefinitions/{USER}"),
        "principalId": "deleted-principal", "principalType": "ServicePrincipal", "scope": vault}});
    fake.state.lock().unwrap().put_resource(&ra, orphan.clone());
    let (_, all, code) = run(&fake, &grant(&[]));
    assert_eq!(code, 1, "{all}");
    assert!(all.contains("never overwrites") && all.contains(&name), "{all}");
    assert_eq!(fake.resource(&ra).unwrap(), orphan);
}

#[test]
fn access_policy_vault_gets_get_via_add_and_never_a_vault_rewrite() {
    let fake = Fake::start();
    let vault = fake.seed_vault("kv-policy", false, false);
    let pid = fake.seed_identity("rg1", "id-app", false);
    let args = [
        "-o",
        "json",
        "--yes",
        "grant",
        "--vault",
        "kv-policy",
        "--to",
        "identity:rg1/id-app",
    ];
    let (doc, all, code) = run(&fake, &args);
    assert_eq!(code, 0, "{all}");
    assert_eq!(doc["steps"][0]["action"], "create");
    let writes = fake.writes();
    assert_eq!(writes.len(), 1);
    assert!(writes[0].path.ends_with("/accessPolicies/add"), "{}", writes[0].path);
    let policies = fake.resource(&vault).unwrap()["properties"]["accessPolicies"].clone();
    assert_eq!(
        policies,
        json!([{"tenantId": support::fake::TENANT, "objectId": pid, "permissions": {"secrets": ["get"]}}])
    );

    fake.clear_journal();
    let (doc, _, _) = run(&fake, &args);
    assert_eq!(doc["steps"][0]["action"], "no_op");
    assert!(fake.writes().is_empty());

    let mut with_list = args.to_vec();
    with_list.push("--allow-list");
    let (doc, _, code) = run(&fake, &with_list);
    assert_eq!(code, 0);
    // The plan shows the entry `add` sends, and what the vault's policy then holds.
    let sent = doc["steps"][0]["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["path"] == "permissions.secrets")
        .cloned()
        .unwrap();
    assert_eq!(sent["after"], json!(["get", "list"]));
    assert_eq!(doc["steps"][0]["effects"][0]["before"], json!(["get"]));
    assert_eq!(doc["steps"][0]["effects"][0]["after"], json!(["get", "list"]));

    let mut secret_scope = args.to_vec();
    secret_scope.extend(["--scope", "secret:db-password"]);
    let (_, all, code) = run(&fake, &secret_scope);
    assert_eq!(code, 2);
    assert!(all.contains("--scope secret:NAME needs an RBAC vault"), "{all}");
}

#[test]
fn least_privilege_is_enforced_before_any_request() {
    let fake = Fake::start();
    for (role, word) in [
        ("secrets-officer", "Secrets Officer"),
        ("00482a5a-887f-4fb3-b363-3b7fe8e74483", "Key Vault Administrator"),
    ] {
        let (_, all, code) = run(&fake, &grant(&["--role", role]));
        assert_eq!(code, 2, "{all}");
        assert!(all.contains(word) && all.contains("--allow-broad"), "{all}");
    }
    let (_, all, code) = run(
        &fake,
        &[
            "grant",
            "--vault",
            "kv-demo",
            "--to",
            "principal:00000000-0000-0000-0000-00000000abcd",
            "--role",
            "00482a5a-887f-4fb3-b363-3b7fe8e74483",
        ],
    );
    assert_eq!(code, 2, "{all}");
    assert!(fake.journal().is_empty(), "refused before any request");

    // A pipeline principal may manage secrets.
    fake.seed_vault("kv-demo", true, false);
    let (_, all, code) = run(
        &fake,
        &[
            "--yes",
            "grant",
            "--vault",
            "kv-demo",
            "--to",
            "principal:00000000-0000-0000-0000-00000000abcd",
            "--role",
            "secrets-officer",
        ],
    );
    assert_eq!(code, 0, "{all}");
    let (_, all, code) = run(&fake, &grant(&["--to", "identity:nope"]));
    assert_eq!(code, 2, "--to given twice is a usage error: {all}");
}

#[test]
fn secret_scope_and_broader_roles_are_reported() {
    let fake = Fake::start();
    let vault = fake.seed_vault("kv-demo", true, false);
    let pid = fake.seed_identity("rg1", "id-app", false);
    let rg_scope = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg1";
    let ra =
        format!("{rg_scope}/providers/Microsoft.Authorization/roleAssignments/0a0a0a0a-0000-4000-8000-000000000001");
    fake.state.lock().unwrap().put_resource(&ra, json!({"id": ra, "name": "0a0a0a0a-0000-4000-8000-000000000001",
        "properties": {"roleDefinitionId": "/providers/Microsoft.Authorization/roleDefinitions/00482a5a-887f-4fb3-b363-3b7fe8e74483", "principalId": pid, "principalType": "ServicePrincipal", "scope": rg_scope}}));
    let (doc, all, code) = run(&fake, &grant(&["--scope", "secret:db-password"]));
    assert_eq!(code, 0, "{all}");
    assert!(
        all.contains("already holds Key Vault Administrator on its resource group"),
        "{all}"
    );
    assert_eq!(doc["steps"][0]["warnings"].as_array().unwrap().len(), 1);
    assert!(assignments_for(&fake, &pid).contains(&(
        format!("{vault}/secrets/db-password"),
        pid.clone(),
        USER.to_string()
    )));
    assert_eq!(
        assignments_for(&fake, &pid).len(),
        2,
        "the broader role is reported, never created or removed"
    );
}

#[test]
fn kubelet_target_reads_the_kubelet_object_id() {
    let fake = Fake::start();
    fake.seed_vault("kv-demo", true, false);
    fake.seed_sp_cluster("rg1", "aks1", &[("nodepool1", "img", "img")], json!({"servicePrincipalProfile": {"clientId": "msi"}, "identityProfile": {"kubeletidentity": {"clientId": "kc", "objectId": "kubelet-object-1", "resourceId": "r"}}}));
    let (_, all, code) = run(
        &fake,
        &[
            "--yes",
            "grant",
            "--vault",
            "kv-demo",
            "-g",
            "rg1",
            "--to",
            "kubelet:aks1",
        ],
    );
    assert_eq!(code, 0, "{all}");
    assert_eq!(assignments_for(&fake, "kubelet-object-1").len(), 1);
    fake.seed_sp_cluster("rg1", "sp1", &[("nodepool1", "img", "img")], json!({}));
    let (_, all, code) = run(
        &fake,
        &[
            "--yes",
            "grant",
            "--vault",
            "kv-demo",
            "-g",
            "rg1",
            "--to",
            "kubelet:sp1",
        ],
    );
    assert_eq!(code, 1);
    assert!(all.contains("enable-managed-identity"), "{all}");
}

/// Role Based Access Control Administrator (built-in, not in kvwire's table): its definition is
/// read, and what it allows is what refuses it. Actions from Azure's built-in roles reference.
const RBAC_ADMIN: &str = "f58310d9-a9f6-439a-9e8d-f62e7b41a168";

#[test]
fn workloads_get_reading_roles_only_whatever_the_target_says() {
    let fake = Fake::start();
    fake.seed_sp_cluster("rg1", "aks1", &[("nodepool1", "img-1", "img-1")], json!({}));
    fake.seed_vault("kv-demo", true, false);
    // The switch made the kubelet a user-assigned identity; run it to get one.
    let (_, all, code) = run(
        &fake,
        &[
            "--yes",
            "cluster",
            "enable-managed-identity",
            "-g",
            "rg1",
            "-n",
            "aks1",
            "--no-regrant-acr",
        ],
    );
    assert_eq!(code, 0, "{all}");
    let kubelet = fake.resource(&Fake::cluster_id("rg1", "aks1")).unwrap()["properties"]["identityProfile"]
        ["kubeletidentity"]["objectId"]
        .as_str()
        .unwrap()
        .to_string();
    let to = format!("principal:{kubelet}");
    let grant_to = |role: &str, extra: &[&str]| {
        let mut args = vec![
            "--yes",
            "grant",
            "--vault",
            "kv-demo",
            "--to",
            to.as_str(),
            "--role",
            role,
        ];
        args.extend(extra);
        run(&fake, &args)
    };

    // principal:<the kubelet's object ID> is a workload: no Secrets Officer without --allow-broad.
    fake.clear_journal();
    let (_, all, code) = grant_to("secrets-officer", &[]);
    assert_eq!(code, 2, "{all}");
    assert!(
        all.contains(&format!("principal {kubelet} is a managed identity (a workload)")),
        "{all}"
    );
    assert!(
        all.contains("Key Vault Secrets Officer") && all.contains("--allow-broad"),
        "{all}"
    );
    assert!(fake.writes().is_empty());

    // A role that can grant access is refused for what its definition allows.
    fake.seed_custom_role(
        RBAC_ADMIN,
        "Role Based Access Control Administrator",
        &[
            "Microsoft.Authorization/roleAssignments/write",
            "Microsoft.Authorization/roleAssignments/delete",
            "*/read",
        ],
        &[],
    );
    let (_, all, code) = grant_to(RBAC_ADMIN, &[]);
    assert_eq!(code, 2, "{all}");
    assert!(all.contains("Microsoft.Authorization/roleAssignments/write"), "{all}");
    // A custom role that only reads passes.
    let reader = "3c1f0a7e-0000-4000-8000-00000000c0de";
    fake.seed_custom_role(
        reader,
        "Secret Reader (custom)",
        &["Microsoft.KeyVault/vaults/read"],
        &["Microsoft.KeyVault/vaults/secrets/getSecret/action"],
    );
    let (_, all, code) = grant_to(reader, &[]);
    assert_eq!(code, 0, "{all}");
    // Certificate User is on the allow-list; Officer with --allow-broad is the user's call.
    let (_, all, code) = grant_to("db79e9a7-68ee-4b58-9aeb-b90e7c24fcba", &[]);
    assert_eq!(code, 0, "{all}");
    let (_, all, code) = grant_to("secrets-officer", &["--allow-broad"]);
    assert_eq!(code, 0, "{all}");
    let roles: Vec<String> = assignments_for(&fake, &kubelet).into_iter().map(|a| a.2).collect();
    assert_eq!(roles.len(), 3, "{roles:?}");

    // identity: targets are refused offline, before any request.
    fake.clear_journal();
    let (_, all, code) = run(&fake, &grant(&["--role", "acdd72a7-3385-48ef-bd42-f606fba81ae7"]));
    assert_eq!(code, 2, "{all}");
    assert!(
        all.contains("identity rg1/id-app is a workload") && all.contains("Reader"),
        "{all}"
    );
    assert!(fake.journal().is_empty());
}

/// Issue 21 item 5: `…/action` operations change things too. A custom role that may set secrets
/// (data action `Microsoft.KeyVault/vaults/secrets/setSecret/action`, Azure built-in roles
/// reference, Key Vault Secrets Officer) is not read-only: a workload gets it only with
/// --allow-broad, and the refusal names the action.
#[test]
fn a_custom_role_that_sets_secrets_is_refused_for_a_workload_unless_allow_broad() {
    let fake = Fake::start();
    fake.seed_vault("kv-demo", true, false);
    let pid = fake.seed_identity("rg1", "id-app", false);
    let setter = "5e75e7e7-0000-4000-8000-00000000c0de";
    fake.seed_custom_role(
        setter,
        "Secret Setter (custom)",
        &["Microsoft.KeyVault/vaults/read"],
        &[
            "Microsoft.KeyVault/vaults/secrets/getSecret/action",
            "Microsoft.KeyVault/vaults/secrets/setSecret/action",
        ],
    );
    let (_, all, code) = run(&fake, &grant(&["--role", setter]));
    assert_eq!(code, 2, "{all}");
    assert!(
        all.contains("Microsoft.KeyVault/vaults/secrets/setSecret/action") && all.contains("--allow-broad"),
        "{all}"
    );
    assert!(fake.writes().is_empty(), "nothing written");
    assert!(assignments_for(&fake, &pid).is_empty());

    let (_, all, code) = run(&fake, &grant(&["--role", setter, "--allow-broad"]));
    assert_eq!(code, 0, "{all}");
    let granted: Vec<String> = assignments_for(&fake, &pid).into_iter().map(|a| a.2).collect();
    assert_eq!(granted, vec![setter.to_string()]);
}

#[test]
fn a_role_is_taken_by_its_display_name_as_az_takes_it() {
    let fake = Fake::start();
    let vault = fake.seed_vault("kv-demo", true, false);
    let pid = fake.seed_identity("rg1", "id-app", false);
    let (_, all, code) = run(&fake, &grant(&["--role", "key vault secrets user"]));
    assert_eq!(code, 0, "{all}");
    assert_eq!(
        assignments_for(&fake, &pid),
        vec![(vault, pid.clone(), USER.to_string())]
    );
    let (_, all, code) = run(&fake, &grant(&["--role", "Key Vault Chief Officer"]));
    assert_eq!(code, 2, "{all}");
    assert!(all.contains("a role's name"), "{all}");
}
