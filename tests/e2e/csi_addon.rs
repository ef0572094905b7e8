//! The Secrets Store CSI driver add-on, the add-on's own identity, apps that read Key Vault with
//! the Azure SDK, a Helm-installed driver, and verify's report of the vault's permission model.

use crate::support;

use serde_json::{Value, json};
use support::Fake;

const DB: [(&str, &str); 4] = [
    ("DB_HOST", "pg.internal.example"),
    ("DB_NAME", "orders"),
    ("DB_USERNAME", "orders_app"),
    ("DB_PASSWORD", "Zq7!csi-s3cr3t"),
];

const ADDON_IDENTITY_RUNBOOK: &str = r#"
[cluster]
resource_group = "rg1"
name = "aks1"

[vault]
name = "kv-demo"

[identity]
mode = "addon-identity"

[csi_driver]
rotation = true
rotation_poll_interval = "5m"

[secrets]
source = "env"

[manifests]
out_dir = "k8s"
namespace = "shop"
deployment = "checkout"
image = "ghcr.io/example/checkout:1.4"
"#;

const SDK_RUNBOOK: &str = r#"
[cluster]
resource_group = "rg1"
name = "aks1"

[vault]
name = "kv-demo"

[identity]
mode = "kubelet"

[secrets]
source = "env"

[manifests]
out_dir = "k8s"
namespace = "shop"
deployment = "checkout"
image = "ghcr.io/example/checkout:1.4"
consumer = "sdk"
"#;

fn cluster(fake: &Fake) -> Value {
    fake.resource(&Fake::cluster_id("rg1", "aks1")).unwrap()
}

fn addon(fake: &Fake) -> Value {
    cluster(fake)["properties"]["addonProfiles"]["azureKeyvaultSecretsProvider"].clone()
}

fn setup(runbook: &str, rbac: bool) -> (Fake, std::path::PathBuf) {
    let fake = Fake::start();
    fake.seed_sp_cluster("rg1", "aks1", &[("nodepool1", "img-1", "img-2")], json!({}));
    fake.seed_vault("kv-demo", rbac, true);
    let rb = fake.dir.join("onboard.toml");
    std::fs::write(&rb, runbook).unwrap();
    (fake, rb)
}

fn kvwire(fake: &Fake, args: &[&str], rb: &std::path::Path) -> (Value, String, i32) {
    let mut cmd = fake.kvwire();
    for (k, v) in DB {
        cmd.env(k, v);
    }
    support::outcome(cmd.args(args).arg("-f").arg(rb))
}

fn yaml(path: std::path::PathBuf) -> Value {
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    kvwire::k8s::yaml::parse_documents(&text, "test").unwrap().remove(0)
}

fn env_of(deployment: &Value) -> Vec<(String, String)> {
    deployment["spec"]["template"]["spec"]["containers"][0]["env"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|e| {
            (
                e["name"].as_str().unwrap().to_string(),
                e["value"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

#[test]
fn addon_identity_runbook_enables_the_addon_grants_its_identity_and_reruns_clean() {
    let (fake, rb) = setup(ADDON_IDENTITY_RUNBOOK, true);
    let (plan, all, code) = kvwire(&fake, &["plan", "-o", "json"], &rb);
    assert_eq!(code, 0, "{all}");
    let update = plan["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["address"].as_str().unwrap().contains("CSI driver add-on"))
        .unwrap_or_else(|| panic!("no add-on in the plan: {plan:#}"));
    assert!(
        update
            .to_string()
            .contains("properties.addonProfiles.azureKeyvaultSecretsProvider.identity"),
        "the add-on's identity is known after apply: {update:#}"
    );

    let (_, all, code) = kvwire(&fake, &["up", "--yes", "-o", "text"], &rb);
    assert_eq!(code, 0, "{all}");
    let a = addon(&fake);
    assert_eq!(a["enabled"], json!(true), "{a:#}");
    // ARM's add-on config is a map of string to string.
    assert_eq!(
        a["config"],
        json!({"enableSecretRotation": "true", "rotationPollInterval": "5m"})
    );
    let (client_id, object_id) = (a["identity"]["clientId"].clone(), a["identity"]["objectId"].clone());
    assert!(client_id.is_string() && object_id.is_string(), "{a:#}");

    // The role assignment is for the add-on's identity, and the SecretProviderClass uses it.
    let assignments: Vec<Value> = fake
        .state
        .lock()
        .unwrap()
        .resources
        .iter()
        .filter(|(k, _)| k.contains("/providers/microsoft.authorization/roleassignments/"))
        .map(|(_, v)| v.clone())
        .collect();
    assert!(
        assignments.iter().any(|r| r["properties"]["principalId"] == object_id
            && r["properties"]["roleDefinitionId"]
                .as_str()
                .unwrap()
                .ends_with("4633458b-17de-408a-b874-0445c86b69e6")),
        "{assignments:#?}"
    );
    let spc = yaml(fake.dir.join("k8s/secretproviderclass.yaml"));
    assert_eq!(spc["spec"]["parameters"]["useVMManagedIdentity"], json!("true"));
    assert_eq!(spc["spec"]["parameters"]["userAssignedIdentityID"], client_id);
    assert!(!all.contains("Zq7!csi-s3cr3t"));

    let (_, all, code) = kvwire(&fake, &["verify", "-o", "text"], &rb);
    assert_eq!(code, 0, "{all}");
    assert!(
        all.contains("✔ cluster rg1/aks1 has the Secrets Store CSI driver add-on (rotation every 5m)"),
        "{all}"
    );
    assert!(
        all.contains("✔ cluster rg1/aks1 has the CSI driver add-on's identity"),
        "{all}"
    );

    fake.clear_journal();
    let (_, all, code) = kvwire(&fake, &["up", "--yes"], &rb);
    assert_eq!(code, 0, "{all}");
    assert!(
        fake.writes().is_empty(),
        "a re-run writes nothing: {:#?}",
        fake.writes()
    );
}

#[test]
fn sdk_consumer_in_kubelet_mode_gets_the_vault_url_secret_names_and_client_id() {
    let (fake, rb) = setup(SDK_RUNBOOK, true);
    let (_, all, code) = kvwire(&fake, &["up", "--yes"], &rb);
    assert_eq!(code, 0, "{all}");
    let d = yaml(fake.dir.join("k8s/deployment.yaml"));
    let env = env_of(&d);
    let vault_uri = fake.resource(&Fake::vault_id("kv-demo")).unwrap()["properties"]["vaultUri"]
        .as_str()
        .unwrap()
        .to_string();
    let kubelet = cluster(&fake)["properties"]["identityProfile"]["kubeletidentity"]["clientId"]
        .as_str()
        .unwrap()
        .to_string();
    for (k, v) in [
        ("KEYVAULT_URL", vault_uri.as_str()),
        ("DB_PASSWORD_SECRET_NAME", "db-password"),
        ("DB_HOST_SECRET_NAME", "db-host"),
        ("AZURE_CLIENT_ID", kubelet.as_str()),
    ] {
        assert!(
            env.contains(&(k.to_string(), v.to_string())),
            "{k}={v} missing: {env:#?}"
        );
    }
    assert!(
        d["spec"]["template"]["spec"]["volumes"].is_null(),
        "no CSI volume: {d:#}"
    );
    assert!(!fake.dir.join("k8s/secretproviderclass.yaml").exists());
    assert!(
        addon(&fake).is_null(),
        "an SDK consumer needs no CSI driver: {:#}",
        cluster(&fake)["properties"]["addonProfiles"]
    );
    let (_, all, code) = kvwire(&fake, &["verify", "-o", "text"], &rb);
    assert_eq!(code, 0, "{all}");
    assert!(all.contains("gives the app KEYVAULT_URL of vault kv-demo"), "{all}");
}

#[test]
fn enable_csi_driver_keeps_other_addons_and_is_idempotent() {
    let fake = Fake::start();
    // Another add-on, which the PUT (a whole replacement) must keep.
    let oms = json!({"enabled": true, "config": {"logAnalyticsWorkspaceResourceID": "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg1/providers/Microsoft.OperationalInsights/workspaces/logs"}});
    fake.seed_sp_cluster(
        "rg1",
        "aks1",
        &[("nodepool1", "img-1", "img-1")],
        json!({"addonProfiles": {"omsagent": oms}}),
    );
    let run = |extra: &[&str]| {
        let mut cmd = fake.kvwire();
        cmd.args(["cluster", "enable-csi-driver", "-g", "rg1", "-n", "aks1", "--yes"])
            .args(extra);
        support::outcome(&mut cmd)
    };
    let (_, all, code) = run(&[]);
    assert_eq!(code, 0, "{all}");
    let addons = &cluster(&fake)["properties"]["addonProfiles"];
    assert_eq!(addons["omsagent"], oms, "{addons:#}");
    assert!(
        addons["azureKeyvaultSecretsProvider"].get("config").is_none(),
        "settings nobody named are not sent (AKS's defaults apply): {addons:#}"
    );
    fake.clear_journal();
    let (_, all, code) = run(&[]);
    assert_eq!(code, 0, "{all}");
    assert!(fake.writes().is_empty(), "{:#?}", fake.writes());
    // Turning rotation on is one more update of the same add-on.
    let (_, all, code) = run(&["--rotation", "--rotation-poll-interval", "90s"]);
    assert_eq!(code, 0, "{all}");
    assert_eq!(
        addon(&fake)["config"],
        json!({"enableSecretRotation": "true", "rotationPollInterval": "90s"})
    );
    // Without a rotation flag, rotation stays on; --no-rotation turns it off, keeping the interval.
    fake.clear_journal();
    let (_, all, code) = run(&[]);
    assert_eq!(code, 0, "{all}");
    assert!(fake.writes().is_empty(), "{:#?}", fake.writes());
    let (_, all, code) = run(&["--no-rotation"]);
    assert_eq!(code, 0, "{all}");
    assert_eq!(
        addon(&fake)["config"],
        json!({"enableSecretRotation": "false", "rotationPollInterval": "90s"})
    );

    fake.clear_journal();
    let (_, all, code) = run(&["--rotation-poll-interval", "2min"]);
    assert_eq!(code, 2, "{all}");
    assert!(
        all.contains("--rotation-poll-interval") && all.contains("2m, 90s"),
        "{all}"
    );
    assert!(fake.journal().is_empty(), "bad input sends nothing");
}

#[test]
fn addon_names_and_config_keys_are_matched_without_case() {
    // AKS keeps add-on names and config keys as they were sent (Azure/azure-cli#15376).
    let fake = Fake::start();
    fake.seed_sp_cluster(
        "rg1",
        "aks1",
        &[("nodepool1", "img-1", "img-1")],
        json!({"addonProfiles": {"azurekeyvaultsecretsprovider": {"enabled": false, "config": {"enablesecretrotation": "true", "rotationpollinterval": "9m"}}}}),
    );
    let (_, all, code) =
        support::outcome(
            fake.kvwire()
                .args(["cluster", "enable-csi-driver", "-g", "rg1", "-n", "aks1", "--yes"]),
        );
    assert_eq!(code, 0, "{all}");
    let addons = cluster(&fake)["properties"]["addonProfiles"].clone();
    assert_eq!(
        addons,
        json!({"azurekeyvaultsecretsprovider": {"enabled": true, "config": {"enablesecretrotation": "true", "rotationpollinterval": "9m"},
               "identity": addons["azurekeyvaultsecretsprovider"]["identity"]}}),
        "one add-on, and the settings someone else chose kept as they were"
    );
    // Named settings are written into the keys the cluster already has, in their casing.
    let (_, all, code) = support::outcome(fake.kvwire().args([
        "cluster",
        "enable-csi-driver",
        "-g",
        "rg1",
        "-n",
        "aks1",
        "--yes",
        "--no-rotation",
        "--rotation-poll-interval",
        "5m",
    ]));
    assert_eq!(code, 0, "{all}");
    assert_eq!(
        cluster(&fake)["properties"]["addonProfiles"]["azurekeyvaultsecretsprovider"]["config"],
        json!({"enablesecretrotation": "false", "rotationpollinterval": "5m"}),
        "one key per setting"
    );
}

#[test]
fn a_runbook_without_csi_settings_keeps_the_rotation_someone_turned_on() {
    let fake = Fake::start();
    let rotation = json!({"enableSecretRotation": "true", "rotationPollInterval": "30s"});
    fake.seed_sp_cluster(
        "rg1",
        "aks1",
        &[("nodepool1", "img-1", "img-1")],
        json!({"addonProfiles": {"azureKeyvaultSecretsProvider": {"enabled": true, "config": rotation}}}),
    );
    fake.seed_vault("kv-demo", true, true);
    let rb = fake.dir.join("onboard.toml");
    std::fs::write(&rb, support::ONBOARD_RUNBOOK).unwrap();
    let (_, all, code) = kvwire(&fake, &["plan", "-o", "text"], &rb);
    assert_eq!(code, 0, "{all}");
    assert!(
        !all.contains("enableSecretRotation"),
        "the plan leaves rotation alone:\n{all}"
    );
    let (_, all, code) = kvwire(&fake, &["up", "--yes"], &rb);
    assert_eq!(code, 0, "{all}");
    assert_eq!(addon(&fake)["config"], rotation, "{all}");
}

#[test]
fn grant_to_the_addon_identity() {
    let fake = Fake::start();
    fake.seed_sp_cluster("rg1", "aks1", &[("nodepool1", "img-1", "img-1")], json!({}));
    fake.seed_vault("kv-demo", true, true);
    let grant = || {
        support::outcome(fake.kvwire().args([
            "grant",
            "--vault",
            "kv-demo",
            "-g",
            "rg1",
            "--to",
            "addon:aks1",
            "--yes",
        ]))
    };
    let (_, all, code) = grant();
    assert_eq!(code, 1, "no add-on yet: {all}");
    assert!(all.contains("kvwire cluster enable-csi-driver -g rg1 -n aks1"), "{all}");
    let (_, all, code) =
        support::outcome(
            fake.kvwire()
                .args(["cluster", "enable-csi-driver", "-g", "rg1", "-n", "aks1", "--yes"]),
        );
    assert_eq!(code, 0, "{all}");
    let (_, all, code) = grant();
    assert_eq!(code, 0, "{all}");
    let oid = addon(&fake)["identity"]["objectId"].clone();
    let granted = fake
        .state
        .lock()
        .unwrap()
        .resources
        .values()
        .any(|r| r["properties"]["principalId"] == oid && r["properties"]["scope"].is_string());
    assert!(granted, "a role assignment for the add-on's identity");
}

#[test]
fn a_helm_installed_driver_is_never_doubled_by_the_addon() {
    let text = format!("{}\n[csi_driver]\ninstalled_by = \"helm\"\n", support::ONBOARD_RUNBOOK);
    let (fake, rb) = setup(&text, true);
    let (_, all, code) = kvwire(&fake, &["up", "--yes"], &rb);
    assert_eq!(code, 0, "{all}");
    assert!(
        addon(&fake).is_null(),
        "kvwire left the add-on alone: {:#}",
        cluster(&fake)
    );
    let (_, all, code) = kvwire(&fake, &["verify", "-o", "text"], &rb);
    assert_eq!(code, 0, "{all}");
    assert!(all.contains("✔ the Secrets Store CSI driver comes from Helm"), "{all}");

    // Someone enables the add-on as well: two drivers.
    {
        let mut s = fake.state.lock().unwrap();
        let mc = s.resource_mut(&Fake::cluster_id("rg1", "aks1")).unwrap();
        mc["properties"]["addonProfiles"] = json!({"azureKeyvaultSecretsProvider": {"enabled": true, "config": {"enableSecretRotation": "false", "rotationPollInterval": "2m"}}});
    }
    let (_, all, code) = kvwire(&fake, &["verify", "-o", "text"], &rb);
    assert_eq!(code, 3, "{all}");
    assert!(
        all.contains("one driver per cluster") && all.contains("az aks disable-addons"),
        "{all}"
    );
}

#[test]
fn verify_reports_the_vault_permission_model() {
    let (fake, rb) = setup(SDK_RUNBOOK, false);
    let (_, all, code) = kvwire(&fake, &["up", "--yes"], &rb);
    assert_eq!(code, 0, "{all}");
    let (_, all, code) = kvwire(&fake, &["verify", "-o", "text"], &rb);
    assert_eq!(code, 0, "legacy is a warning, not a failure: {all}");
    let kubelet_oid = cluster(&fake)["properties"]["identityProfile"]["kubeletidentity"]["objectId"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(all.contains("vault kv-demo permission model (access policies"), "{all}");
    assert!(all.contains("legacy permission model"), "{all}");
    assert!(
        all.contains(&format!(
            "az role assignment create --role \"Key Vault Secrets User\" --assignee-object-id {kubelet_oid}"
        )),
        "{all}"
    );

    let (fake, rb) = setup(SDK_RUNBOOK, true);
    let (_, all, code) = kvwire(&fake, &["up", "--yes"], &rb);
    assert_eq!(code, 0, "{all}");
    // Azure's side only: no manifests are in the cluster, which would be a warning of its own.
    let (doc, all, code) = kvwire(&fake, &["verify", "--no-in-cluster", "-o", "json"], &rb);
    assert_eq!(code, 0, "{all}");
    assert!(all.contains("Azure RBAC"), "{all}");
    assert_eq!(doc["warnings"], json!([]), "{doc:#}");
}
