//! `kvwire migrate pod-identity`: from aad-pod-identity manifests in the style of the old
//! walkthroughs to workload identity on the same identity, then `up`, `up` again and `verify`.

use crate::support;

use serde_json::{Value, json};
use support::Fake;

pub(crate) const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/k8s/pod-identity");
const KV_SECRETS_USER: &str = "4633458b-17de-408a-b874-0445c86b69e6";

/// A lived-in cluster: the team's identity exists and already reads the vault; the secrets exist;
/// the AKS pod identity add-on maps the identity too.
fn estate(fake: &Fake) -> (String, String) {
    let identity = kvwire_fake::Fake::identity_id("rg1", "id-shop");
    let principal = fake.seed_identity("rg1", "id-shop", false);
    let client = fake.resource(&identity).unwrap()["properties"]["clientId"]
        .as_str()
        .unwrap()
        .to_string();
    fake.seed_sp_cluster(
        "rg1",
        "aks1",
        &[("nodepool1", "img-1", "img-1")],
        json!({"servicePrincipalProfile": {"clientId": "msi"},
               "podIdentityProfile": {"enabled": true, "userAssignedIdentities": [
                   {"name": "shop-identity", "namespace": "shop", "bindingSelector": "shop",
                    "identity": {"resourceId": identity, "clientId": client, "objectId": principal}}]}}),
    );
    let vault = fake.seed_vault("kv-demo", true, true);
    fake.seed_role_assignment(&vault, &principal, KV_SECRETS_USER);
    fake.seed_secret("kv-demo", "db-password", "existing-not-shown", false);
    fake.seed_secret("kv-demo", "db-host", "db.internal", false);
    (identity, client)
}

/// `kvwire migrate pod-identity` of the fixtures for rg1/aks1, writing `runbook`.
pub(crate) fn migrate(fake: &Fake, runbook: &std::path::Path) -> (Value, String, i32) {
    support::outcome(
        fake.kvwire()
            .args([
                "migrate",
                "pod-identity",
                "--from",
                FIXTURES,
                "-g",
                "rg1",
                "-n",
                "aks1",
                "-f",
            ])
            .arg(runbook),
    )
}

fn read_yaml(path: &std::path::Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    kvwire::k8s::yaml::parse_documents(&text, "out").unwrap().remove(0)
}

fn count_of(fake: &Fake, kind: &str) -> usize {
    let s = fake.state.lock().unwrap();
    s.resources
        .values()
        .filter(|v| v["type"].as_str().is_some_and(|t| t.eq_ignore_ascii_case(kind)))
        .count()
}

#[test]
fn a_pod_identity_team_moves_to_workload_identity_on_the_same_identity() {
    let fake = Fake::start();
    let (identity, client) = estate(&fake);
    let runbook = fake.dir.join("shop.toml");
    let (_, all, code) = migrate(&fake, &runbook);
    assert_eq!(code, 0, "{all}");
    assert!(
        fake.writes().is_empty(),
        "migrate reads Azure and changes nothing: {:?}",
        fake.writes()
    );
    // What it cannot map is said, in the output and in the runbook.
    let text = std::fs::read_to_string(&runbook).unwrap();
    for unmapped in ["legacy-sp", "nobody-uses-this"] {
        assert!(all.contains(unmapped), "{unmapped} not reported: {all}");
        assert!(text.contains(unmapped), "{unmapped} not in the runbook:\n{text}");
    }
    assert!(all.contains("[pod_identity_addon]"), "the add-on's entry: {all}");
    assert!(text.contains("# remove = [\"shop/shop-identity\"]"), "{text}");
    assert!(
        text.contains("adopt = true") && text.contains("name = \"id-shop\""),
        "{text}"
    );
    assert!(text.contains("names = [\"db-password\", \"db-host\"]"), "{text}");

    // The plan says, per workload, what changes in Azure (its credential) and in Kubernetes.
    let (plan, all, code) = support::outcome(fake.kvwire().args(["-o", "json", "plan", "-f"]).arg(&runbook));
    assert_eq!(code, 0, "{all}");
    let step = |address: &str| {
        plan["steps"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["address"].as_str().unwrap().ends_with(address))
            .cloned()
            .unwrap_or_else(|| panic!("no step {address}: {plan:#}"))
    };
    let checkout = step("kvwire-shop-checkout");
    let why = checkout["reason"].as_str().unwrap_or("");
    assert!(
        why.contains("Deployment shop/checkout")
            && why.contains("kubectl apply -f")
            && why.contains("deployment-shop-checkout.yaml"),
        "{checkout:#}"
    );
    assert!(
        step("kvwire-shop-ledger")["reason"]
            .as_str()
            .unwrap_or("")
            .contains("StatefulSet shop/ledger")
    );

    let identities = count_of(&fake, "Microsoft.ManagedIdentity/userAssignedIdentities");
    let assignments = fake.role_assignments().len();
    let (_, all, code) = support::outcome(fake.kvwire().args(["--yes", "up", "-f"]).arg(&runbook));
    assert_eq!(code, 0, "{all}");
    assert!(!all.contains("existing-not-shown"));
    // The same identity, federated for both workloads; no new identity, no new role assignment.
    assert_eq!(
        count_of(&fake, "Microsoft.ManagedIdentity/userAssignedIdentities"),
        identities
    );
    assert_eq!(fake.role_assignments().len(), assignments, "{all}");
    for sa in ["checkout", "ledger"] {
        let cred = fake
            .resource(&format!("{identity}/federatedIdentityCredentials/kvwire-shop-{sa}"))
            .unwrap_or_else(|| panic!("no credential for {sa}: {all}"));
        assert_eq!(
            cred["properties"]["subject"],
            format!("system:serviceaccount:shop:{sa}")
        );
    }
    // The secrets existed: not written.
    assert_eq!(fake.secret_versions("kv-demo", "db-password").len(), 1);

    // Again: no write at all.
    fake.clear_journal();
    let (_, all, code) = support::outcome(fake.kvwire().args(["--yes", "up", "-f"]).arg(&runbook));
    assert_eq!(code, 0, "{all}");
    assert!(fake.writes().is_empty(), "a re-run writes nothing: {:?}", fake.writes());
    let (doc, all, code) = support::outcome(fake.kvwire().args(["-o", "json", "verify", "-f"]).arg(&runbook));
    assert_eq!(code, 0, "{all}");
    let checks = doc["checks"].as_array().unwrap();
    assert!(checks.iter().all(|c| c["ok"] == true), "{checks:#?}");
    assert!(
        checks.iter().any(|c| c["check"].as_str().unwrap().contains("db-host")),
        "the existing secrets are checked: {checks:#?}"
    );

    // The rewritten manifests: a v1 SPC on the identity's client ID, everything else as it was;
    // the workloads labelled for the webhook with their service accounts, the old label kept.
    let out = fake.dir.join("workload-identity");
    let spc = read_yaml(&out.join("secretproviderclass-shop-azure-kvname-podid.yaml"));
    assert_eq!(spc["apiVersion"], "secrets-store.csi.x-k8s.io/v1");
    assert_eq!(spc["spec"]["parameters"]["clientID"], client.as_str());
    assert_eq!(spc["spec"]["parameters"]["usePodIdentity"], "false");
    assert_eq!(spc["spec"]["secretObjects"][0]["secretName"], "db-creds");
    let deployment = read_yaml(&out.join("deployment-shop-checkout.yaml"));
    let pod = &deployment["spec"]["template"];
    assert_eq!(pod["metadata"]["labels"]["azure.workload.identity/use"], "true");
    assert_eq!(pod["metadata"]["labels"]["aadpodidbinding"], "shop");
    assert_eq!(
        pod["spec"]["serviceAccountName"], "checkout",
        "it ran as default: a service account of its own"
    );
    let sa = read_yaml(&out.join("serviceaccount-shop-checkout.yaml"));
    assert_eq!(
        sa["metadata"]["annotations"]["azure.workload.identity/client-id"],
        client.as_str()
    );
    let ledger = read_yaml(&out.join("statefulset-shop-ledger.yaml"));
    assert_eq!(ledger["spec"]["template"]["spec"]["serviceAccountName"], "ledger");
}

#[test]
fn without_a_cluster_named_and_several_to_choose_from_it_asks_for_one() {
    let fake = Fake::start();
    estate(&fake);
    fake.seed_sp_cluster("rg2", "aks2", &[("nodepool1", "img-1", "img-1")], json!({}));
    let runbook = fake.dir.join("shop.toml");
    let (_, all, code) = support::outcome(
        fake.kvwire()
            .env("KUBECONFIG", fake.dir.join("no-such-kubeconfig"))
            .args(["migrate", "pod-identity", "--from", FIXTURES, "-f"])
            .arg(&runbook),
    );
    assert_eq!(code, 2, "{all}");
    assert!(all.contains("-g RESOURCE_GROUP -n CLUSTER"), "{all}");
    assert!(!runbook.exists());
}

#[test]
fn the_kubeconfig_context_names_the_cluster() {
    let fake = Fake::start();
    estate(&fake);
    fake.seed_sp_cluster("rg2", "aks2", &[("nodepool1", "img-1", "img-1")], json!({}));
    // aks2's API server gets a name of its own; the kubeconfig points at it.
    fake.state
        .lock()
        .unwrap()
        .resource_mut(&Fake::cluster_id("rg2", "aks2"))
        .unwrap()["properties"]["fqdn"] = json!("aks2-dns-1234.hcp.eastus.azmk8s.io");
    let kubeconfig = fake.dir.join("kubeconfig");
    std::fs::write(
        &kubeconfig,
        "apiVersion: v1\nkind: Config\ncurrent-context: aks2\ncontexts:\n- name: aks2\n  context:\n    cluster: aks2\n    user: u\nclusters:\n- name: aks2\n  cluster:\n    server: https://aks2-dns-1234.hcp.eastus.azmk8s.io:443\n",
    )
    .unwrap();
    let runbook = fake.dir.join("shop.toml");
    let (_, all, code) = support::outcome(
        fake.kvwire()
            .env("KUBECONFIG", &kubeconfig)
            .args(["migrate", "pod-identity", "--from", FIXTURES, "-f"])
            .arg(&runbook),
    );
    assert_eq!(code, 0, "{all}");
    let text = std::fs::read_to_string(&runbook).unwrap();
    assert!(text.contains("resource_group = \"rg2\"\nname = \"aks2\""), "{text}");
}

#[test]
fn manifests_without_a_managed_identity_are_a_usage_error_naming_what_was_found() {
    let fake = Fake::start();
    let dir = fake.dir.join("sp-only");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("id.yaml"),
        "apiVersion: aadpodidentity.k8s.io/v1\nkind: AzureIdentity\nmetadata:\n  name: legacy\nspec:\n  type: 1\n  clientID: x\n",
    )
    .unwrap();
    let (_, all, code) = support::outcome(
        fake.kvwire()
            .args(["migrate", "pod-identity", "--from"])
            .arg(&dir)
            .args(["-g", "rg1", "-n", "aks1"]),
    );
    assert_eq!(code, 2, "{all}");
    assert!(all.contains("--from") && all.contains("service principal"), "{all}");
    assert!(fake.journal().is_empty(), "nothing asked of Azure");
}

#[test]
fn the_add_on_entry_goes_after_the_cut_over_never_in_the_run_that_sets_up_the_new_path() {
    let fake = Fake::start();
    estate(&fake);
    let runbook = fake.dir.join("shop.toml");
    let (_, all, code) = migrate(&fake, &runbook);
    assert_eq!(code, 0, "{all}");
    // The team asks for the removal from the start: the first run still keeps the entry.
    let text = std::fs::read_to_string(&runbook)
        .unwrap()
        .replace("# [pod_identity_addon]\n# remove", "[pod_identity_addon]\nremove");
    std::fs::write(&runbook, text).unwrap();
    let entries = |fake: &Fake| {
        fake.resource(&Fake::cluster_id("rg1", "aks1")).unwrap()["properties"]["podIdentityProfile"]["userAssignedIdentities"]
            .as_array()
            .map(Vec::len)
            .unwrap_or(0)
    };
    let (_, all, code) = support::outcome(fake.kvwire().args(["--yes", "up", "-f"]).arg(&runbook));
    assert_eq!(code, 0, "{all}");
    assert_eq!(entries(&fake), 1, "kept in the run that made the credentials: {all}");
    assert!(all.contains("kept for now"), "{all}");
    // A later run: the credentials were there when it read Azure; the entry goes, nothing else.
    let (_, all, code) = support::outcome(fake.kvwire().args(["--yes", "up", "-f"]).arg(&runbook));
    assert_eq!(code, 0, "{all}");
    assert_eq!(entries(&fake), 0, "{all}");
    let mc = fake.resource(&Fake::cluster_id("rg1", "aks1")).unwrap();
    assert_eq!(
        mc["properties"]["podIdentityProfile"]["enabled"], true,
        "only the entry changed"
    );
    fake.clear_journal();
    let (_, all, code) = support::outcome(fake.kvwire().args(["--yes", "up", "-f"]).arg(&runbook));
    assert_eq!(code, 0, "{all}");
    assert!(fake.writes().is_empty(), "{:?}", fake.writes());
}

#[test]
fn an_add_on_entry_of_another_identity_is_never_removed() {
    let fake = Fake::start();
    estate(&fake);
    // Another team's mapping under a name the runbook lists by mistake.
    let other = kvwire_fake::Fake::identity_id("rg1", "id-other");
    fake.seed_identity("rg1", "id-other", false);
    fake.state.lock().unwrap().resource_mut(&Fake::cluster_id("rg1", "aks1")).unwrap()["properties"]["podIdentityProfile"]
        ["userAssignedIdentities"]
        .as_array_mut()
        .unwrap()
        .push(json!({"name": "ledger-identity", "namespace": "shop", "bindingSelector": "ledger", "identity": {"resourceId": other, "clientId": "c", "objectId": "o"}}));
    let runbook = fake.dir.join("shop.toml");
    let (_, all, code) = migrate(&fake, &runbook);
    assert_eq!(code, 0, "{all}");
    let (_, all, code) = support::outcome(fake.kvwire().args(["--yes", "up", "-f"]).arg(&runbook));
    assert_eq!(code, 0, "{all}");
    let text = std::fs::read_to_string(&runbook).unwrap().replace(
        "# [pod_identity_addon]\n# remove = [\"shop/shop-identity\"]",
        "[pod_identity_addon]\nremove = [\"shop/shop-identity\", \"shop/ledger-identity\"]",
    );
    std::fs::write(&runbook, text).unwrap();
    fake.clear_journal();
    let (_, all, code) = support::outcome(fake.kvwire().args(["--yes", "up", "-f"]).arg(&runbook));
    assert_eq!(code, 2, "{all}");
    assert!(
        all.contains("shop/ledger-identity") && all.contains("another identity"),
        "{all}"
    );
    assert!(fake.writes().is_empty(), "{:?}", fake.writes());
}
