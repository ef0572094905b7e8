//! Test harness: a per-test fake Azure over TLS on 127.0.0.1:0 and a `kvwire` command wired to it
//! through a custom cloud file, `--ca-bundle` and `--resolve`, with real client-secret auth.
#![allow(dead_code)]

pub mod fake;
pub mod schema;
mod tls;

use fake::{
    ARM_HOST, CLIENT_ID, CLIENT_SECRET, FakeState, Fault, FaultKind, GRAPH_HOST, LOGIN_HOST, SUB, Shared, TENANT,
    VAULT_SUFFIX,
};
use serde_json::{Value, json};
use std::{
    path::PathBuf,
    sync::{Arc, Mutex},
};

/// The onboarding the runbook tests and the `up` benchmark run: a service-principal cluster,
/// workload identity for shop/checkout, the four DB secrets from the environment, manifests.
pub const ONBOARD_RUNBOOK: &str = r#"
[cluster]
resource_group = "rg1"
name = "aks1"

[vault]
name = "kv-demo"

[identity]
mode = "workload-identity"
name = "id-shop"

[[service_accounts]]
namespace = "shop"
name = "checkout"

[secrets]
source = "env"

[manifests]
out_dir = "k8s"
deployment = "checkout"
image = "ghcr.io/example/checkout:1.4"
sync_as_k8s_secret = "db-creds"
"#;

pub struct Fake {
    pub port: u16,
    pub state: Shared,
    pub dir: PathBuf,
    pub ca_pem: String,
}

/// The official example bodies (`responses.<code>.body`) from ../shared/fixtures/arm.
pub fn fixture(name: &str, status: &str) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/fixtures/arm")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let doc: Value = serde_json::from_str(&text).unwrap();
    doc["responses"][status]["body"].clone()
}

impl Fake {
    pub fn start() -> Fake {
        let vault_hosts: Vec<String> = ["kv-demo", "kv-policy"]
            .iter()
            .map(|v| format!("{v}.{VAULT_SUFFIX}"))
            .collect();
        let mut hosts = vec![LOGIN_HOST, ARM_HOST, GRAPH_HOST];
        hosts.extend(vault_hosts.iter().map(String::as_str));
        let pki = tls::make_pki(&hosts);
        let std_listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        std_listener.set_nonblocking(true).unwrap();
        let port = std_listener.local_addr().unwrap().port();
        let state: Shared = Arc::new(Mutex::new(FakeState::new(port)));
        let app = axum::Router::new().fallback(fake::handle).with_state(state.clone());
        let config = pki.server_config.clone();
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                let listener = tls::TlsListener {
                    tcp: tokio::net::TcpListener::from_std(std_listener).unwrap(),
                    acceptor: tokio_rustls::TlsAcceptor::from(config),
                };
                axum::serve(listener, app).await.unwrap();
            });
        });

        let dir = std::env::temp_dir().join(format!("kvwire-test-{}-{port}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("ca.pem"), &pki.ca_pem).unwrap();
        std::fs::write(
            dir.join("cloud.toml"),
            format!(
                "name = \"FakeAzure\"\nresource_manager = \"https://{ARM_HOST}:{port}/\"\nauthority_host = \"https://{LOGIN_HOST}:{port}\"\narm_audience = \"https://{ARM_HOST}/\"\nkeyvault_dns_suffix = \"{VAULT_SUFFIX}\"\nmicrosoft_graph = \"https://{GRAPH_HOST}:{port}/\"\n"
            ),
        )
        .unwrap();
        Fake {
            port,
            state,
            dir,
            ca_pem: pki.ca_pem,
        }
    }

    /// `--resolve` rules that send every fake host name to 127.0.0.1.
    pub fn resolve_rules(&self) -> String {
        [
            LOGIN_HOST,
            ARM_HOST,
            GRAPH_HOST,
            "kv-demo.vault.azure.net",
            "kv-policy.vault.azure.net",
        ]
        .iter()
        .map(|h| format!("{h}:{}:127.0.0.1", self.port))
        .collect::<Vec<_>>()
        .join(",")
    }

    /// The real binary, configured for this fake only through its documented flags and env vars.
    pub fn kvwire(&self) -> assert_cmd::Command {
        let mut cmd = assert_cmd::Command::cargo_bin("kvwire").unwrap();
        for var in [
            "HTTPS_PROXY",
            "https_proxy",
            "HTTP_PROXY",
            "http_proxy",
            "ALL_PROXY",
            "all_proxy",
            "AZURE_FEDERATED_TOKEN_FILE",
            "IDENTITY_ENDPOINT",
            "MSI_ENDPOINT",
            "KVWIRE_CLOUD",
            "KVWIRE_RESOLVE",
            "KVWIRE_CA_BUNDLE",
            "KVWIRE_AUTH",
        ] {
            cmd.env_remove(var);
        }
        cmd.env("AZURE_TENANT_ID", TENANT)
            .env("AZURE_CLIENT_ID", CLIENT_ID)
            .env("AZURE_CLIENT_SECRET", CLIENT_SECRET)
            .env("AZURE_SUBSCRIPTION_ID", SUB)
            .env("KVWIRE_RETRY_BASE_MS", "20")
            .env("NO_COLOR", "1")
            .env("KVWIRE_CLOUD", self.dir.join("cloud.toml"))
            .arg("--ca-bundle")
            .arg(self.dir.join("ca.pem"))
            .arg("--resolve")
            .arg(self.resolve_rules())
            .env("KVWIRE_AUTH", "env");
        cmd
    }

    pub fn journal(&self) -> Vec<fake::Entry> {
        self.state.lock().unwrap().journal.clone()
    }

    pub fn writes(&self) -> Vec<fake::Entry> {
        self.journal().into_iter().filter(|e| e.is_write()).collect()
    }

    pub fn clear_journal(&self) {
        self.state.lock().unwrap().journal.clear();
    }

    pub fn fault(&self, method: Option<&str>, path_contains: &str, times: usize, kind: FaultKind) {
        self.state.lock().unwrap().faults.push(Fault {
            method: method.map(str::to_owned),
            path_contains: path_contains.into(),
            times,
            kind,
        });
    }

    pub fn resource(&self, id: &str) -> Option<Value> {
        self.state.lock().unwrap().resource(id).cloned()
    }

    pub fn issued_tokens(&self) -> Vec<String> {
        self.state.lock().unwrap().tokens.keys().cloned().collect()
    }

    pub fn cluster_id(rg: &str, name: &str) -> String {
        format!("/subscriptions/{SUB}/resourceGroups/{rg}/providers/Microsoft.ContainerService/managedClusters/{name}")
    }

    /// A service-principal cluster from the official ManagedClustersGet example (plus `extra`
    /// merged into its properties), with each pool of `pools` as (name, image, latest image).
    pub fn seed_sp_cluster(&self, rg: &str, name: &str, pools: &[(&str, &str, &str)], extra: Value) -> String {
        let id = Self::cluster_id(rg, name);
        let mut mc = fixture("ManagedClustersGet.2026-08-01.json", "200");
        mc["id"] = json!(id);
        mc["name"] = json!(name);
        if let (Some(props), Some(extra)) = (mc["properties"].as_object_mut(), extra.as_object()) {
            for (k, v) in extra {
                props.insert(k.clone(), v.clone());
            }
        }
        let template = mc["properties"]["agentPoolProfiles"][0].clone();
        let mut profiles = vec![];
        let mut s = self.state.lock().unwrap();
        for (pool, image, latest) in pools {
            let mut p = template.clone();
            p["name"] = json!(pool);
            p["nodeImageVersion"] = json!(image);
            profiles.push(p.clone());
            let pool_id = format!("{id}/agentPools/{pool}");
            let mut props = p;
            props.as_object_mut().unwrap().remove("name");
            s.put_resource(&pool_id, json!({"id": pool_id, "name": pool, "type": "Microsoft.ContainerService/managedClusters/agentPools", "properties": props}));
            s.latest_node_image
                .insert(pool_id.to_ascii_lowercase(), latest.to_string());
        }
        mc["properties"]["agentPoolProfiles"] = json!(profiles);
        s.put_resource(&id, mc);
        id
    }
}

impl Fake {
    pub fn vault_id(name: &str) -> String {
        format!("/subscriptions/{SUB}/resourceGroups/rg1/providers/Microsoft.KeyVault/vaults/{name}")
    }

    /// A vault in rg1, RBAC or access-policy, where kvwire's own principal may manage secrets
    /// (Key Vault Secrets Officer, or a full secrets access policy) when `kvwire_can_write`.
    pub fn seed_vault(&self, name: &str, rbac: bool, kvwire_can_write: bool) -> String {
        let id = Self::vault_id(name);
        let mut s = self.state.lock().unwrap();
        let policies = if !rbac && kvwire_can_write {
            json!([{"tenantId": TENANT, "objectId": fake::SP_OBJECT_ID, "permissions": {"secrets": ["get", "list", "set", "delete", "recover"]}}])
        } else {
            json!([])
        };
        s.put_resource(&id, json!({"id": id, "name": name, "type": "Microsoft.KeyVault/vaults", "location": "eastus",
            "properties": {"tenantId": TENANT, "sku": {"family": "A", "name": "standard"}, "enableRbacAuthorization": rbac,
                           "enableSoftDelete": true, "accessPolicies": policies,
                           "vaultUri": format!("https://{name}.{VAULT_SUFFIX}:{}/", self.port)}}));
        if rbac && kvwire_can_write {
            let ra =
                format!("{id}/providers/Microsoft.Authorization/roleAssignments/00000000-0000-4000-8000-0000000000a1");
            s.put_resource(&ra, json!({"id": ra, "name": "00000000-0000-4000-8000-0000000000a1", "type": "Microsoft.Authorization/roleAssignments",
                "properties": {"roleDefinitionId": "/providers/Microsoft.Authorization/roleDefinitions/b86a8fe4-44ce-4948-aee5-eccb2c155cd7",
                               "principalId": fake::SP_OBJECT_ID, "principalType": "ServicePrincipal", "scope": id}}));
        }
        id
    }

    /// A user-assigned identity in `rg`; returns its principal ID. `just_created` starts the
    /// PrincipalNotFound window for it.
    pub fn seed_identity(&self, rg: &str, name: &str, just_created: bool) -> String {
        let id = format!(
            "/subscriptions/{SUB}/resourceGroups/{rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/{name}"
        );
        let mut s = self.state.lock().unwrap();
        let (client, principal) = (s.guid(), s.guid());
        if just_created {
            s.principal_created.insert(principal.clone(), std::time::Instant::now());
        }
        s.put_resource(&id, json!({"id": id, "name": name, "type": "Microsoft.ManagedIdentity/userAssignedIdentities", "location": "eastus",
            "properties": {"clientId": client, "principalId": principal, "tenantId": TENANT}}));
        principal
    }

    /// Put a secret straight into the fake's vault (one version).
    pub fn seed_secret(&self, vault: &str, name: &str, value: &str, deleted: bool) {
        let mut s = self.state.lock().unwrap();
        let version = s.guid().replace('-', "");
        s.secrets.insert(
            (vault.to_string(), name.to_ascii_lowercase()),
            fake::SecretItem {
                name: name.to_string(),
                versions: vec![fake::SecretVersion {
                    version,
                    value: value.to_string(),
                    content_type: None,
                    tags: json!({}),
                    created: 1_700_000_000,
                    enabled: true,
                    expires: None,
                }],
                deleted: deleted.then_some(1_700_000_100),
            },
        );
    }

    /// The secret's versions' values, oldest first (empty when absent).
    pub fn secret_versions(&self, vault: &str, name: &str) -> Vec<String> {
        let s = self.state.lock().unwrap();
        s.secrets
            .get(&(vault.to_string(), name.to_ascii_lowercase()))
            .map(|i| i.versions.iter().map(|v| v.value.clone()).collect())
            .unwrap_or_default()
    }

    /// Role assignments in the fake, as (scope, principalId, role GUID).
    pub fn role_assignments(&self) -> Vec<(String, String, String)> {
        let s = self.state.lock().unwrap();
        s.resources
            .iter()
            .filter(|(k, _)| k.contains("/providers/microsoft.authorization/roleassignments/"))
            .map(|(_, v)| {
                let p = |f: &str| {
                    v.pointer(&format!("/properties/{f}"))
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_string()
                };
                (
                    p("scope"),
                    p("principalId"),
                    p("roleDefinitionId").rsplit('/').next().unwrap_or("").to_string(),
                )
            })
            .collect()
    }
}

/// Run a kvwire command: (its stdout as JSON, or Null; stdout and stderr together; exit code).
pub fn outcome(cmd: &mut assert_cmd::Command) -> (Value, String, i32) {
    let out = cmd.output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    (
        serde_json::from_str(&stdout).unwrap_or(Value::Null),
        format!("{stdout}{}", String::from_utf8_lossy(&out.stderr)),
        out.status.code().unwrap_or(-1),
    )
}

impl Drop for Fake {
    fn drop(&mut self) {
        // The CA, cloud file and anything a test wrote there.
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The longest chain of requests where each starts only after the one before it answered: the
/// requests no amount of concurrency could have overlapped.
pub fn critical_path(journal: &[fake::Entry]) -> usize {
    let mut entries: Vec<&fake::Entry> = journal.iter().collect();
    entries.sort_by_key(|e| e.started);
    let mut longest: Vec<usize> = Vec::with_capacity(entries.len());
    for (i, e) in entries.iter().enumerate() {
        let before = (0..i)
            .filter(|&j| entries[j].at <= e.started)
            .map(|j| longest[j])
            .max()
            .unwrap_or(0);
        longest.push(before + 1);
    }
    longest.into_iter().max().unwrap_or(0)
}

/// Every string in `haystack` that must never be printed: the client secret and all issued tokens.
pub fn assert_no_credentials(fake: &Fake, output: &str) {
    assert!(!output.contains(CLIENT_SECRET), "client secret leaked:\n{output}");
    for t in fake.issued_tokens() {
        assert!(!output.contains(&t), "access token leaked:\n{output}");
    }
}
