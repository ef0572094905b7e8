//! Identity bindings (`[identity] mode = "identity-binding"`): past Entra's 20 federated
//! credentials per identity, one AKS identity binding and Kubernetes RBAC instead of a credential
//! per service account; and the plan-time count that points there.

use crate::support;

use serde_json::{Value, json};
use support::{Fake, with_secrets};

const ACCOUNTS: usize = 25;

fn runbook(fake: &Fake, mode: &str, accounts: usize) -> std::path::PathBuf {
    fake.seed_sp_cluster("rg1", "aks1", &[("pool1", "img-1", "img-2")], json!({}));
    fake.seed_vault("kv-demo", true, true);
    let mut text = format!(
        r#"
[cluster]
resource_group = "rg1"
name = "aks1"

[vault]
name = "kv-demo"

[identity]
mode = "{mode}"
name = "id-shop"

[secrets]
source = "env"

[manifests]
out_dir = "k8s"
deployment = "checkout"
image = "ghcr.io/example/checkout:1.4"
consumer = "both"
"#
    );
    for i in 0..accounts {
        text.push_str(&format!(
            "\n[[service_accounts]]\nnamespace = \"team{}\"\nname = \"app-{i}\"\n",
            i % 3
        ));
    }
    let rb = fake.dir.join("onboard.toml");
    std::fs::write(&rb, text).unwrap();
    rb
}

fn credentials_of(fake: &Fake, identity: &str) -> Vec<String> {
    let s = fake.state.lock().unwrap();
    let prefix = format!("{}/federatedidentitycredentials/", identity.to_ascii_lowercase());
    s.resources
        .iter()
        .filter(|(k, _)| k.starts_with(&prefix))
        .map(|(_, v)| v["name"].as_str().unwrap_or("").to_string())
        .collect()
}

#[test]
fn twenty_five_service_accounts_share_one_binding() {
    let fake = Fake::start();
    let rb = runbook(&fake, "identity-binding", ACCOUNTS);
    let (doc, all, code) = support::outcome(
        with_secrets(fake.kvwire())
            .args(["-o", "json", "--yes", "up", "-f"])
            .arg(&rb),
    );
    assert_eq!(code, 0, "{all}");
    let identity = kvwire_fake::Fake::identity_id("rg1", "id-shop");
    let binding = fake
        .resource(&format!("{}/identityBindings/idshop", Fake::cluster_id("rg1", "aks1")))
        .expect("one binding, named after the identity");
    assert_eq!(binding["properties"]["provisioningState"], "Succeeded");
    assert!(
        binding["properties"]["managedIdentity"]["resourceId"]
            .as_str()
            .unwrap()
            .eq_ignore_ascii_case(&identity)
    );
    // No credential per service account: only the one AKS keeps for its bindings.
    assert_eq!(
        credentials_of(&fake, &identity),
        vec!["aks-identity-binding".to_string()]
    );
    let puts: Vec<_> = fake
        .writes()
        .into_iter()
        .filter(|e| e.path.contains("/federatedIdentityCredentials/"))
        .collect();
    assert!(puts.is_empty(), "kvwire wrote credentials itself: {puts:?}");
    let steps = doc["steps"].as_array().unwrap();
    assert_eq!(
        steps
            .iter()
            .filter(|s| s["resource_type"] == "Microsoft.ContainerService/managedClusters/identityBindings")
            .count(),
        1,
        "{doc:#}"
    );

    // The RBAC: one ClusterRole on the identity's client ID, one binding naming all 25.
    let client_id = fake.resource(&identity).unwrap()["properties"]["clientId"]
        .as_str()
        .unwrap()
        .to_string();
    let k8s = fake.dir.join("k8s");
    let role = std::fs::read_to_string(k8s.join("clusterrole.yaml")).unwrap();
    assert!(role.contains(&format!("name: use-mi-{client_id}")), "{role}");
    assert!(
        role.contains("use-managed-identity") && role.contains("cid.wi.aks.azure.com"),
        "{role}"
    );
    let rbac = std::fs::read_to_string(k8s.join("clusterrolebinding.yaml")).unwrap();
    for i in 0..ACCOUNTS {
        assert!(rbac.contains(&format!("name: app-{i}\n")), "app-{i} missing:\n{rbac}");
    }
    let accounts = std::fs::read_to_string(k8s.join("serviceaccount.yaml")).unwrap();
    assert_eq!(accounts.matches("kind: ServiceAccount").count(), ACCOUNTS);
    assert_eq!(
        accounts.matches("azure.workload.identity/client-id").count(),
        ACCOUNTS,
        "{accounts}"
    );
    assert_eq!(accounts.matches(client_id.as_str()).count(), ACCOUNTS, "{accounts}");
    let spc = std::fs::read_to_string(k8s.join("secretproviderclass.yaml")).unwrap();
    assert!(
        spc.contains("useAzureTokenProxy: \"true\"") && spc.contains(&client_id),
        "{spc}"
    );
    let deployment = std::fs::read_to_string(k8s.join("deployment.yaml")).unwrap();
    assert!(
        deployment.contains("azure.workload.identity/use-identity-binding: \"true\""),
        "{deployment}"
    );

    // Again: nothing to change. Then verify: all passes.
    let (doc, all, code) = support::outcome(
        with_secrets(fake.kvwire())
            .args(["-o", "json", "--yes", "up", "-f"])
            .arg(&rb),
    );
    assert_eq!(code, 0, "{all}");
    let changed: Vec<&Value> = doc["steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["action"] != "no_op")
        .collect();
    assert!(changed.is_empty(), "a re-run changes nothing: {changed:#?}");
    let (doc, all, code) = support::outcome(fake.kvwire().args(["-o", "json", "verify", "-f"]).arg(&rb));
    assert_eq!(code, 0, "{all}");
    let checks = doc["checks"].as_array().unwrap();
    assert!(checks.iter().all(|c| c["ok"] == true), "{checks:#?}");
    // Each secret's line names where the grant is, in words, not the vault's whole scope again.
    let read = checks
        .iter()
        .find(|c| c["check"] == "identity rg1/id-shop can read secret kv-demo/db-host")
        .unwrap_or_else(|| panic!("{checks:#?}"));
    assert_eq!(read["detail"], "Key Vault Secrets User at vault kv-demo", "{read:#}");
    for wanted in [
        "identity binding rg1/aks1/idshop binds the identity",
        "AKS's credential",
        "lets the runbook's service accounts use the identity",
    ] {
        assert!(
            checks.iter().any(|c| c["check"].as_str().unwrap().contains(wanted)),
            "no check {wanted:?}: {checks:#?}"
        );
    }
}

#[test]
fn verify_fails_when_aks_credential_is_gone_or_rbac_misses_an_account() {
    let fake = Fake::start();
    let rb = runbook(&fake, "identity-binding", 3);
    let (_, all, code) = support::outcome(with_secrets(fake.kvwire()).args(["--yes", "up", "-f"]).arg(&rb));
    assert_eq!(code, 0, "{all}");
    let identity = kvwire_fake::Fake::identity_id("rg1", "id-shop");
    fake.state
        .lock()
        .unwrap()
        .resources
        .remove(&format!("{identity}/federatedIdentityCredentials/aks-identity-binding").to_ascii_lowercase());
    let rbac = fake.dir.join("k8s/clusterrolebinding.yaml");
    let text = std::fs::read_to_string(&rbac)
        .unwrap()
        .replace("name: app-2\n", "name: someone-else\n");
    std::fs::write(&rbac, text).unwrap();
    let (doc, all, code) = support::outcome(fake.kvwire().args(["-o", "json", "verify", "-f"]).arg(&rb));
    assert_ne!(code, 0, "{all}");
    let failed: Vec<String> = doc["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["ok"] == false)
        .map(|c| format!("{} — {}", c["check"], c["detail"]))
        .collect();
    assert!(failed.iter().any(|f| f.contains("AKS's credential")), "{failed:#?}");
    assert!(failed.iter().any(|f| f.contains("team2/app-2")), "{failed:#?}");
}

#[test]
fn a_binding_of_that_name_for_another_identity_blocks_the_plan() {
    let fake = Fake::start();
    let rb = runbook(&fake, "identity-binding", 1);
    fake.seed_identity("rg1", "id-other", false);
    let other = kvwire_fake::Fake::identity_id("rg1", "id-other");
    let cluster = Fake::cluster_id("rg1", "aks1");
    fake.state.lock().unwrap().put_resource(
        &format!("{cluster}/identityBindings/idshop"),
        json!({"id": format!("{cluster}/identityBindings/idshop"), "name": "idshop",
               "type": "Microsoft.ContainerService/managedClusters/identityBindings", "eTag": "e1",
               "properties": {"managedIdentity": {"resourceId": other}, "provisioningState": "Succeeded"}}),
    );
    let (_, all, code) = support::outcome(with_secrets(fake.kvwire()).args(["--yes", "up", "-f"]).arg(&rb));
    assert_eq!(code, 2, "{all}");
    assert!(
        all.contains("already binds") && all.contains("[identity] binding"),
        "{all}"
    );
    assert!(
        fake.writes().iter().all(|e| !e.path.contains("/identityBindings/")),
        "nothing written over another identity's binding"
    );
}

#[test]
fn past_twenty_credentials_the_plan_refuses_and_points_at_bindings() {
    let fake = Fake::start();
    let rb = runbook(&fake, "workload-identity", 21);
    let (_, all, code) = support::outcome(with_secrets(fake.kvwire()).args(["plan", "-f"]).arg(&rb));
    assert_eq!(code, 0, "plan shows a blocked step and succeeds: {all}");
    assert!(
        all.contains("would hold 21 federated credentials") && all.contains("identity-binding"),
        "{all}"
    );
    fake.clear_journal();
    let (_, all, code) = support::outcome(with_secrets(fake.kvwire()).args(["--yes", "up", "-f"]).arg(&rb));
    assert_eq!(code, 2, "{all}");
    assert!(
        fake.writes().is_empty(),
        "no write before the refusal: {:?}",
        fake.writes()
    );
}

#[test]
fn nineteen_credentials_are_warned_and_made() {
    let fake = Fake::start();
    let rb = runbook(&fake, "workload-identity", 19);
    let (_, all, code) = support::outcome(with_secrets(fake.kvwire()).args(["plan", "-f"]).arg(&rb));
    assert_eq!(code, 0, "{all}");
    assert!(all.contains("will hold 19 of the 20 federated credentials"), "{all}");
}

#[test]
fn down_removes_the_binding_with_the_identity_this_runbook_made_and_keeps_one_it_did_not() {
    let fake = Fake::start();
    let rb = runbook(&fake, "identity-binding", 2);
    let (_, all, code) = support::outcome(with_secrets(fake.kvwire()).args(["--yes", "up", "-f"]).arg(&rb));
    assert_eq!(code, 0, "{all}");
    let binding = format!("{}/identityBindings/idshop", Fake::cluster_id("rg1", "aks1"));
    let identity = kvwire_fake::Fake::identity_id("rg1", "id-shop");
    // Another runbook's claim on the identity: both stay.
    {
        let mut s = fake.state.lock().unwrap();
        let doc = s.resource_mut(&identity).unwrap();
        let runbooks = doc["tags"]["kvwire-runbooks"].as_str().unwrap().to_string();
        doc["tags"]["kvwire-runbooks"] = json!(format!("{runbooks},other@abc123"));
    }
    let (_, all, code) = support::outcome(fake.kvwire().args(["--yes", "down", "-f"]).arg(&rb));
    assert_eq!(code, 0, "{all}");
    assert!(
        fake.resource(&binding).is_some(),
        "another runbook still uses it: {all}"
    );
    assert!(fake.resource(&identity).is_some());
    // Only this runbook's: the binding goes, then the identity.
    let (_, all, code) = support::outcome(with_secrets(fake.kvwire()).args(["--yes", "up", "-f"]).arg(&rb));
    assert_eq!(code, 0, "{all}");
    {
        let mut s = fake.state.lock().unwrap();
        let doc = s.resource_mut(&identity).unwrap();
        let mine: Vec<&str> = doc["tags"]["kvwire-runbooks"]
            .as_str()
            .unwrap()
            .split(',')
            .filter(|c| *c != "other@abc123")
            .collect();
        doc["tags"]["kvwire-runbooks"] = json!(mine.join(","));
    }
    let (_, all, code) = support::outcome(fake.kvwire().args(["--yes", "down", "-f"]).arg(&rb));
    assert_eq!(code, 0, "{all}");
    assert!(fake.resource(&binding).is_none(), "{all}");
    assert!(fake.resource(&identity).is_none(), "{all}");
}

/// `kvwire init` for shop/checkout on identity id-shop.
fn init_shop(fake: &Fake) -> (Value, String, i32) {
    support::outcome(fake.kvwire().args([
        "init",
        "-g",
        "rg1",
        "-n",
        "aks1",
        "--vault",
        "kv-demo",
        "--identity",
        "id-shop",
        "--namespace",
        "shop",
        "--service-account",
        "checkout",
    ]))
}

/// An identity that holds 20 credentials already, AKS's for an earlier binding among them or not.
fn full_identity(fake: &Fake, name: &str, with_aks_credential: bool) -> String {
    let identity = kvwire_fake::Fake::identity_id("rg1", name);
    fake.seed_identity("rg1", name, false);
    let client = fake.resource(&identity).unwrap()["properties"]["clientId"]
        .as_str()
        .unwrap()
        .to_string();
    let mut s = fake.state.lock().unwrap();
    for i in 0..20 {
        // AKS's credential trusts the identity's binding issuer, whatever the cluster.
        let (cred, issuer) = if with_aks_credential && i == 0 {
            (
                "aks-identity-binding".to_string(),
                kvwire_fake::arm::bindings::issuer_of(kvwire_fake::TENANT, &client),
            )
        } else {
            (format!("other{i}"), "https://elsewhere/".to_string())
        };
        let id = format!("{identity}/federatedIdentityCredentials/{cred}");
        s.put_resource(
            &id,
            json!({"id": id, "name": cred, "properties": {"issuer": issuer, "subject": format!("system:serviceaccount:x:s{i}"), "audiences": ["api://AzureADTokenExchange"]}}),
        );
    }
    identity
}

#[test]
fn init_and_migrate_choose_binding_mode_when_the_count_requires_it() {
    let fake = Fake::start();
    runbook(&fake, "workload-identity", 1);
    full_identity(&fake, "id-shop", true);
    let (out, all, code) = init_shop(&fake);
    assert_eq!(code, 0, "{all}");
    let text = out.as_str().map(str::to_owned).unwrap_or(all.clone());
    assert!(
        text.contains("mode = \"identity-binding\"") && text.contains("holds 20 federated credentials"),
        "{all}"
    );

    // The same identity, named by a team's aad-pod-identity manifests.
    let runbook = fake.dir.join("shop.toml");
    let (_, all, code) = crate::migrate::migrate(&fake, &runbook);
    assert_eq!(code, 0, "{all}");
    let text = std::fs::read_to_string(&runbook).unwrap();
    assert!(text.contains("mode = \"identity-binding\""), "{text}");
    let out = fake.dir.join("workload-identity");
    let spc = std::fs::read_to_string(out.join("secretproviderclass-shop-azure-kvname-podid.yaml")).unwrap();
    assert!(spc.contains("useAzureTokenProxy"), "{spc}");
    let rbac = std::fs::read_to_string(out.join("clusterrolebinding.yaml")).unwrap();
    assert!(
        rbac.contains("name: checkout") && rbac.contains("name: ledger"),
        "{rbac}"
    );
    // And the binding is made: AKS's credential is the identity's already.
    let (_, all, code) = support::outcome(fake.kvwire().args(["--yes", "up", "-f"]).arg(&runbook));
    assert_eq!(code, 0, "{all}");
    let binding = format!("{}/identityBindings/idshop", Fake::cluster_id("rg1", "aks1"));
    assert_eq!(
        fake.resource(&binding).expect("bound")["properties"]["provisioningState"],
        "Succeeded"
    );
}

#[test]
fn a_full_identity_without_akss_credential_gets_neither_mode_silently() {
    let fake = Fake::start();
    let rb = runbook(&fake, "identity-binding", 1);
    full_identity(&fake, "id-shop", false);
    // `up` in binding mode: blocked before any write, naming AKS's credential.
    fake.clear_journal();
    let (_, all, code) = support::outcome(with_secrets(fake.kvwire()).args(["--yes", "up", "-f"]).arg(&rb));
    assert_eq!(code, 2, "{all}");
    assert!(all.contains("needs one more (AKS's aks-identity-binding)"), "{all}");
    assert!(fake.writes().is_empty(), "{:?}", fake.writes());
    // init says so instead of choosing a mode that cannot work.
    let (out, all, code) = init_shop(&fake);
    assert_eq!(code, 0, "{all}");
    let text = out.as_str().map(str::to_owned).unwrap_or(all.clone());
    assert!(
        text.contains("mode = \"workload-identity\"") && text.contains("none is AKS's"),
        "{all}"
    );
}

#[test]
fn runbooks_of_one_run_share_their_identitys_twenty() {
    let fake = Fake::start();
    runbook(&fake, "workload-identity", 1);
    let identity = kvwire_fake::Fake::identity_id("rg1", "id-shop");
    fake.seed_identity("rg1", "id-shop", false);
    {
        let mut s = fake.state.lock().unwrap();
        for i in 0..17 {
            let id = format!("{identity}/federatedIdentityCredentials/other{i}");
            s.put_resource(
                &id,
                json!({"id": id, "name": format!("other{i}"), "properties": {"issuer": "https://elsewhere/", "subject": format!("system:serviceaccount:x:s{i}"), "audiences": ["api://AzureADTokenExchange"]}}),
            );
        }
    }
    // Two runbooks on that identity, two service accounts each: 17 + 4 = 21.
    let files: Vec<_> = ["a", "b"]
        .iter()
        .map(|team| {
            let path = fake.dir.join(format!("{team}.toml"));
            std::fs::write(
                &path,
                format!(
                    "name = \"{team}\"\n[cluster]\nresource_group = \"rg1\"\nname = \"aks1\"\n[vault]\nname = \"kv-demo\"\n[identity]\nmode = \"workload-identity\"\nname = \"id-shop\"\n\
                     [[service_accounts]]\nnamespace = \"{team}\"\nname = \"one\"\n[[service_accounts]]\nnamespace = \"{team}\"\nname = \"two\"\n"
                ),
            )
            .unwrap();
            path
        })
        .collect();
    fake.clear_journal();
    let (_, all, code) = support::outcome(
        fake.kvwire()
            .args(["--yes", "up", "-f"])
            .arg(&files[0])
            .arg("-f")
            .arg(&files[1]),
    );
    assert_eq!(code, 2, "{all}");
    assert!(all.contains("would hold 21 federated credentials (17 now"), "{all}");
    assert!(
        fake.writes()
            .iter()
            .all(|e| !e.path.contains("/federatedIdentityCredentials/")),
        "no credential written before the refusal: {:?}",
        fake.writes()
    );
}
