//! Starting states: resources put straight into the fake, built from the official API examples
//! (tests/fixtures/arm, copied from Azure/azure-rest-api-specs). Tests compose these; the demo and
//! `kvwire-fake` start from [`Fake::seed_demo`].

use crate::{
    CLUSTER_SP_OBJECT_ID, Fake, SP_OBJECT_ID, SUB, TENANT, VAULT_SUFFIX,
    arm::clusters,
    state::{SecretItem, SecretVersion},
};
use serde_json::{Value, json};

/// Official example bodies, embedded: `ManagedClustersGet` shows a service-principal cluster.
const MANAGED_CLUSTERS_GET: &str = include_str!("../../../tests/fixtures/arm/ManagedClustersGet.2026-08-01.json");

/// The example's `responses.<status>.body`.
pub fn example_body(example: &str, status: &str) -> Value {
    let doc: Value = serde_json::from_str(example).expect("official example is JSON");
    doc["responses"][status]["body"].clone()
}

impl Fake {
    pub fn cluster_id(rg: &str, name: &str) -> String {
        format!("/subscriptions/{SUB}/resourceGroups/{rg}/providers/Microsoft.ContainerService/managedClusters/{name}")
    }

    /// A vault seeded by [`Fake::seed_vault`] (resource group rg1).
    pub fn vault_id(name: &str) -> String {
        Self::vault_id_in("rg1", name)
    }

    pub fn vault_id_in(rg: &str, name: &str) -> String {
        format!("/subscriptions/{SUB}/resourceGroups/{rg}/providers/Microsoft.KeyVault/vaults/{name}")
    }

    pub fn identity_id(rg: &str, name: &str) -> String {
        format!(
            "/subscriptions/{SUB}/resourceGroups/{rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/{name}"
        )
    }

    /// A service-principal cluster from the official ManagedClustersGet example (plus `extra`
    /// merged into its properties), with each pool of `pools` as (name, image, latest image).
    pub fn seed_sp_cluster(&self, rg: &str, name: &str, pools: &[(&str, &str, &str)], extra: Value) -> String {
        let id = Self::cluster_id(rg, name);
        let mut mc = example_body(MANAGED_CLUSTERS_GET, "200");
        mc["id"] = json!(id);
        mc["name"] = json!(name);
        mc["location"] = json!("eastus");
        if let (Some(props), Some(extra)) = (mc["properties"].as_object_mut(), extra.as_object()) {
            for (k, v) in extra {
                props.insert(k.clone(), v.clone());
            }
        }
        let template = mc["properties"]["agentPoolProfiles"][0].clone();
        let mut s = self.state.lock().unwrap();
        s.service_principals
            .insert("clientid".into(), CLUSTER_SP_OBJECT_ID.into());
        for (pool, image, latest) in pools {
            let mut props = template.clone();
            props["nodeImageVersion"] = json!(image);
            props.as_object_mut().unwrap().remove("name");
            props["eTag"] = json!(s.new_etag());
            let pool_id = format!("{id}/agentPools/{pool}");
            s.put_resource(
                &pool_id,
                json!({"id": pool_id, "name": pool, "type": "Microsoft.ContainerService/managedClusters/agentPools", "properties": props}),
            );
            s.latest_node_image
                .insert(pool_id.to_ascii_lowercase(), latest.to_string());
        }
        s.put_resource(&id, mc);
        clusters::sync_profiles(&mut s, &id);
        id
    }

    /// A vault in rg1, RBAC or access-policy, where kvwire's own principal may manage secrets
    /// (Key Vault Secrets Officer, or a full secrets access policy) when `kvwire_can_write`.
    pub fn seed_vault(&self, name: &str, rbac: bool, kvwire_can_write: bool) -> String {
        self.seed_vault_in("rg1", name, rbac, kvwire_can_write)
    }

    pub fn seed_vault_in(&self, rg: &str, name: &str, rbac: bool, kvwire_can_write: bool) -> String {
        let id = Self::vault_id_in(rg, name);
        let mut s = self.state.lock().unwrap();
        let policies = if !rbac && kvwire_can_write {
            json!([{"tenantId": TENANT, "objectId": SP_OBJECT_ID, "permissions": {"secrets": ["get", "list", "set", "delete", "recover"]}}])
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
                "properties": {"roleDefinitionId": format!("/subscriptions/{SUB}/providers/Microsoft.Authorization/roleDefinitions/b86a8fe4-44ce-4948-aee5-eccb2c155cd7"),
                               "principalId": SP_OBJECT_ID, "principalType": "ServicePrincipal", "scope": id}}));
        }
        id
    }

    /// A container registry in `rg` (RBAC registry permissions, the default); returns its ID.
    pub fn seed_registry(&self, rg: &str, name: &str) -> String {
        self.seed_registry_in_mode(rg, name, "LegacyRegistryPermissions")
    }

    /// A container registry with this `roleAssignmentMode` (`AbacRepositoryPermissions`: AcrPull
    /// is not honoured there).
    pub fn seed_registry_in_mode(&self, rg: &str, name: &str, mode: &str) -> String {
        let id =
            format!("/subscriptions/{SUB}/resourceGroups/{rg}/providers/Microsoft.ContainerRegistry/registries/{name}");
        self.state.lock().unwrap().put_resource(
            &id,
            json!({"id": id, "name": name, "type": "Microsoft.ContainerRegistry/registries", "location": "eastus",
                   "sku": {"name": "Standard", "tier": "Standard"},
                   "properties": {"loginServer": format!("{name}.azurecr.io"), "provisioningState": "Succeeded",
                                  "adminUserEnabled": false, "roleAssignmentMode": mode}}),
        );
        id
    }

    /// A role assignment made outside kvwire (as `az aks update --attach-acr` or the portal makes
    /// one): a random name. Returns its ID.
    pub fn seed_role_assignment(&self, scope: &str, principal_id: &str, role_guid: &str) -> String {
        let mut s = self.state.lock().unwrap();
        let name = s.guid();
        let id = format!("{scope}/providers/Microsoft.Authorization/roleAssignments/{name}");
        s.put_resource(&id, json!({"id": id, "name": name, "type": "Microsoft.Authorization/roleAssignments",
            "properties": {"roleDefinitionId": format!("/subscriptions/{SUB}/providers/Microsoft.Authorization/roleDefinitions/{role_guid}"),
                           "principalId": principal_id, "principalType": "ServicePrincipal", "scope": scope}}));
        id
    }

    /// A custom role definition with these actions and data actions (Role Definitions - Get
    /// answers it, role assignments may name it).
    pub fn seed_custom_role(&self, guid: &str, name: &str, actions: &[&str], data_actions: &[&str]) {
        let id = crate::arm::authorization::custom_role_id(guid);
        self.state.lock().unwrap().put_resource(
            &id,
            json!({"id": id, "name": guid, "type": "Microsoft.Authorization/roleDefinitions",
                   "properties": {"roleName": name, "type": "CustomRole", "description": "",
                                  "assignableScopes": [format!("/subscriptions/{SUB}")],
                                  "permissions": [{"actions": actions, "notActions": [], "dataActions": data_actions, "notDataActions": []}]}}),
        );
    }

    /// A user-assigned identity in `rg`; returns its principal ID. `just_created` starts the
    /// PrincipalNotFound window for it.
    pub fn seed_identity(&self, rg: &str, name: &str, just_created: bool) -> String {
        let id = Self::identity_id(rg, name);
        let mut s = self.state.lock().unwrap();
        let v = s.new_identity(&id, &json!("eastus"), json!({}));
        let principal = v["properties"]["principalId"].as_str().unwrap().to_string();
        if !just_created {
            s.principal_created.remove(&principal);
        }
        s.put_resource(&id, v);
        principal
    }

    /// Put a secret straight into the fake's vault (one version).
    pub fn seed_secret(&self, vault: &str, name: &str, value: &str, deleted: bool) {
        let mut s = self.state.lock().unwrap();
        let version = s.guid().replace('-', "");
        s.secrets.insert(
            (vault.to_string(), name.to_ascii_lowercase()),
            SecretItem {
                name: name.to_string(),
                versions: vec![SecretVersion {
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
                    crate::arm::authorization::role_guid(&p("roleDefinitionId")),
                )
            })
            .collect()
    }

    /// The demo's starting point (what examples/ expect): service-principal cluster
    /// `rg-demo/aks-demo` with pools `system` and `user` that have a newer node image, RBAC vault
    /// `kv-demo` where kvwire's principal (`AZURE_CLIENT_ID`) is Key Vault Secrets Officer, and
    /// access-policy vault `kv-legacy` where it has a full secrets policy.
    pub fn seed_demo(&self) {
        self.seed_sp_cluster(
            "rg-demo",
            "aks-demo",
            &[
                (
                    "system",
                    "AKSUbuntu-2204gen2containerd-202510.01.0",
                    "AKSUbuntu-2204gen2containerd-202511.03.0",
                ),
                (
                    "user",
                    "AKSUbuntu-2204gen2containerd-202510.01.0",
                    "AKSUbuntu-2204gen2containerd-202511.03.0",
                ),
            ],
            json!({}),
        );
        self.seed_vault_in("rg-demo", "kv-demo", true, true);
        self.seed_vault_in("rg-demo", "kv-legacy", false, true);
    }
}

impl Fake {
    /// A stand-in `az` (a shell script) in a directory to put first on PATH: `az account
    /// get-access-token -o json --scope S` prints a token this fake accepts for S, in the Azure CLI's
    /// format (`accessToken`, `expires_on`, `tokenType`; azure_identity's AzureCliCredential reads
    /// these), and appends a line to `az-runs` in the same directory so callers can count runs.
    pub fn az_cli_stub(&self) -> std::path::PathBuf {
        self.az_cli_stub_taking(std::time::Duration::ZERO)
    }

    /// The same stand-in, taking `run_time` per run (as a real `az` takes about a second of
    /// Python start-up), and recording each run's start and end (nanoseconds since the epoch)
    /// and scope in `az-times`: see [`Fake::az_cli_times`].
    pub fn az_cli_stub_taking(&self, run_time: std::time::Duration) -> std::path::PathBuf {
        let dir = self.dir.join("az-cli");
        std::fs::create_dir_all(&dir).unwrap();
        let mut s = self.state.lock().unwrap();
        for (name, scope) in [
            ("arm", "https://management.azure.com/.default"),
            ("vault", "https://vault.azure.net/.default"),
            ("graph", "https://graph.microsoft.com/.default"),
        ] {
            s.tokens.insert(format!("fake-az-cli-{name}"), scope.to_string());
        }
        let runs = dir.join("az-runs");
        let (started, timed) = if run_time.is_zero() {
            (String::new(), String::new())
        } else {
            (
                "started=$(date +%s%N)\n".to_string(),
                format!(
                    "sleep {:.3}\necho \"$started $(date +%s%N) $scope\" >> '{}'\n",
                    run_time.as_secs_f64(),
                    dir.join("az-times").display()
                ),
            )
        };
        let script = format!(
            r#"#!/bin/sh
# kvwire-fake's stand-in for `az account get-access-token`.
{started}echo "$*" >> '{runs}'
scope=""
while [ $# -gt 0 ]; do
  if [ "$1" = "--scope" ]; then scope="$2"; fi
  shift
done
{timed}case "$scope" in
  https://management.azure.com*) tok=fake-az-cli-arm ;;
  https://vault.azure.net*) tok=fake-az-cli-vault ;;
  https://graph.microsoft.com*) tok=fake-az-cli-graph ;;
  *) echo "ERROR: unknown scope $scope" >&2; exit 1 ;;
esac
printf '{{"accessToken": "%s", "expires_on": %s, "tokenType": "Bearer", "tenant": "{TENANT}", "subscription": "{SUB}"}}\n' "$tok" "$(( $(date +%s) + 3600 ))"
"#,
            runs = runs.display()
        );
        let path = dir.join("az");
        std::fs::write(&path, script).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        dir
    }

    /// Runs of [`Fake::az_cli_stub_taking`]'s stand-in: (start, end, scope), in order of ending.
    pub fn az_cli_times(&self) -> Vec<(std::time::Duration, std::time::Duration, String)> {
        let ns = |t: &str| std::time::Duration::from_nanos(t.parse().expect("date +%s%N"));
        std::fs::read_to_string(self.dir.join("az-cli/az-times"))
            .map(|t| {
                t.lines()
                    .filter_map(|l| {
                        let mut f = l.split_whitespace();
                        Some((ns(f.next()?), ns(f.next()?), f.next().unwrap_or("").to_string()))
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// How many times the `az` stub ran.
    pub fn az_cli_runs(&self) -> Vec<String> {
        std::fs::read_to_string(self.dir.join("az-cli/az-runs"))
            .map(|t| t.lines().map(str::to_owned).collect())
            .unwrap_or_default()
    }
}
