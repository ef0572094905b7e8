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
            // kubelogin's azurecli login asks for the AKS server application.
            ("aks", "6dae42f8-4368-4678-94ff-3960e28e3630/.default"),
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
  if [ "$1" = "--scope" ] || [ "$1" = "--resource" ]; then scope="$2"; fi
  shift
done
{timed}case "$scope" in
  https://management.azure.com*) tok=fake-az-cli-arm ;;
  https://vault.azure.net*) tok=fake-az-cli-vault ;;
  https://graph.microsoft.com*) tok=fake-az-cli-graph ;;
  6dae42f8-4368-4678-94ff-3960e28e3630*) tok=fake-az-cli-aks ;;
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

// ---- the clusters' Kubernetes API (see `kube`) ----------------------------------------------

impl Fake {
    /// A cluster ready for workload identity, as AKS reports one once `az aks update
    /// --enable-oidc-issuer --enable-workload-identity` and `az aks enable-addons -a
    /// azure-keyvault-secrets-provider` have run: the official ManagedClustersGet example (one pool)
    /// with `oidcIssuerProfile` (and its `issuerURL`), `securityProfile.workloadIdentity.enabled` and
    /// the CSI add-on with its identity. Returns the cluster's ID.
    pub fn seed_wi_cluster(&self, rg: &str, name: &str) -> String {
        let id = self.seed_sp_cluster(
            rg,
            name,
            &[(
                "nodepool1",
                "AKSUbuntu-2204gen2containerd-202510.01.0",
                "AKSUbuntu-2204gen2containerd-202510.01.0",
            )],
            json!({"oidcIssuerProfile": {"enabled": true},
                   "securityProfile": {"workloadIdentity": {"enabled": true}}}),
        );
        let mut s = self.state.lock().unwrap();
        let issuer = format!("https://eastus.oic.prod-aks.azure.com/{TENANT}/{}/", s.guid());
        let mut mc = s.resource(&id).cloned().expect("seeded");
        let node_rg = mc["properties"]["nodeResourceGroup"]
            .as_str()
            .unwrap_or("MC_rg")
            .to_string();
        let rid = format!(
            "/subscriptions/{SUB}/resourcegroups/{node_rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/azurekeyvaultsecretsprovider-{name}"
        );
        let identity = s.new_identity(&rid, &json!("eastus"), json!({}));
        let p = identity["properties"].clone();
        s.principal_created.remove(p["principalId"].as_str().unwrap_or(""));
        s.put_resource(&rid, identity);
        mc["properties"]["oidcIssuerProfile"]["issuerURL"] = json!(issuer);
        mc["properties"]["addonProfiles"] = json!({"azureKeyvaultSecretsProvider": {"enabled": true,
            "config": {"enableSecretRotation": "false", "rotationPollInterval": "2m"},
            "identity": {"clientId": p["clientId"], "objectId": p["principalId"], "resourceId": rid}}});
        s.put_resource(&id, mc);
        id
    }

    /// The cluster's OIDC issuer URL (empty when it has none).
    pub fn oidc_issuer(&self, cluster_id: &str) -> String {
        self.resource(cluster_id)
            .and_then(|mc| mc.pointer("/properties/oidcIssuerProfile/issuerURL").cloned())
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default()
    }

    /// An identity's client ID.
    pub fn identity_client_id(&self, identity_id: &str) -> String {
        self.resource(identity_id)
            .and_then(|i| i.pointer("/properties/clientId").cloned())
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default()
    }

    /// A federated identity credential on the identity, as `az identity federated-credential
    /// create` makes one (audience `api://AzureADTokenExchange`).
    pub fn seed_federated_credential(&self, identity_id: &str, name: &str, issuer: &str, subject: &str) {
        let id = format!("{identity_id}/federatedIdentityCredentials/{name}");
        self.state.lock().unwrap().put_resource(
            &id,
            json!({"id": id, "name": name, "type": "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials",
                   "properties": {"issuer": issuer, "subject": subject, "audiences": ["api://AzureADTokenExchange"]}}),
        );
    }

    /// Turn the Secrets Store CSI driver add-on on or off (`az aks enable-addons` /
    /// `disable-addons -a azure-keyvault-secrets-provider`).
    pub fn set_csi_addon(&self, cluster_id: &str, enabled: bool) {
        let mut s = self.state.lock().unwrap();
        if let Some(mc) = s.resource_mut(cluster_id) {
            mc["properties"]["addonProfiles"]["azureKeyvaultSecretsProvider"]["enabled"] = json!(enabled);
        }
    }

    /// Remove every role assignment of a principal (a chain broken in RBAC).
    pub fn remove_role_assignments_of(&self, principal_id: &str) {
        self.state.lock().unwrap().resources.retain(|k, v| {
            !(k.contains("/providers/microsoft.authorization/roleassignments/")
                && v.pointer("/properties/principalId").and_then(Value::as_str) == Some(principal_id))
        });
    }

    /// AKS-managed Microsoft Entra integration (`aadProfile.managed`): the API server accepts Entra
    /// tokens for the AKS server application and the user kubeconfig carries kubelogin; with
    /// `local_accounts` false (`disableLocalAccounts`) static tokens are refused and the admin
    /// credential is not to be had.
    pub fn kube_entra(&self, cluster_id: &str, local_accounts: bool) {
        let mut s = self.state.lock().unwrap();
        if let Some(mc) = s.resource_mut(cluster_id) {
            mc["properties"]["aadProfile"] = json!({"managed": true, "enableAzureRBAC": false, "tenantID": TENANT});
            mc["properties"]["disableLocalAccounts"] = json!(!local_accounts);
        }
    }

    /// The cluster's Kubernetes API server URL (`https://127.0.0.1:PORT`); starts it.
    pub fn kube_url(&self, cluster_id: &str) -> String {
        format!("https://127.0.0.1:{}", crate::kube::serve(&self.state, cluster_id))
    }

    /// The kubeconfig `listClusterUserCredential` (or, `admin`, `listClusterAdminCredential`)
    /// returns for the cluster, decoded: its server, CA and credentials.
    pub fn kubeconfig(&self, cluster_id: &str, admin: bool) -> String {
        crate::arm::credentials::kubeconfig(&self.state, cluster_id, admin)
    }

    /// The admin kubeconfig written to a file in the fake's directory (for `KUBECONFIG`).
    pub fn kubeconfig_file(&self, cluster_id: &str) -> std::path::PathBuf {
        let name = cluster_id.rsplit('/').next().unwrap_or("cluster");
        let path = self.dir.join(format!("kubeconfig-{name}"));
        std::fs::write(&path, self.kubeconfig(cluster_id, true)).unwrap();
        path
    }

    /// The static token of the cluster's admin kubeconfig.
    pub fn kube_token(&self, cluster_id: &str) -> String {
        let mut s = self.state.lock().unwrap();
        crate::kube::cluster(&mut s, cluster_id).admin_token.clone()
    }

    /// Stop the cluster's API server: its port refuses connections (a cluster whose API is out
    /// of reach: stopped, or behind authorized IP ranges) until [`Fake::kube_reachable`].
    pub fn kube_unreachable(&self, cluster_id: &str) {
        crate::kube::reachable(&self.state, cluster_id, false);
    }

    /// Serve the cluster's API again, on the same port.
    pub fn kube_reachable(&self, cluster_id: &str) {
        crate::kube::reachable(&self.state, cluster_id, true);
    }

    /// Make the cluster private (`apiServerAccessProfile.enablePrivateCluster`, with its
    /// `privateFQDN`): its credential kubeconfigs name `https://{privateFQDN}:443`, which resolves
    /// only inside the cluster's virtual network, and the public endpoint refuses connections.
    pub fn kube_private(&self, cluster_id: &str) {
        {
            let mut s = self.state.lock().unwrap();
            let guid = s.guid();
            if let Some(mc) = s.resource_mut(cluster_id) {
                let prefix = mc["properties"]["dnsPrefix"].as_str().unwrap_or("cluster").to_string();
                mc["properties"]["apiServerAccessProfile"]["enablePrivateCluster"] = json!(true);
                mc["properties"]["privateFQDN"] = json!(format!(
                    "{prefix}-{}.{}.privatelink.eastus.azmk8s.io",
                    &guid[..8],
                    &guid[9..13]
                ));
            }
        }
        crate::kube::reachable(&self.state, cluster_id, false);
    }

    /// Put an object into the cluster as field manager `manager` would have applied it
    /// (server-side apply, forced): fields another tool owns. Panics when the API server refuses it.
    pub fn kube_seed(&self, cluster_id: &str, manager: &str, obj: Value) -> Value {
        self.kube_write(cluster_id, manager, obj, "Apply")
    }

    /// The same, recorded as an `Update` (what `kubectl edit`, `kubectl apply` without
    /// `--server-side`, or a controller's PUT leaves in managedFields).
    pub fn kube_seed_update(&self, cluster_id: &str, manager: &str, obj: Value) -> Value {
        self.kube_write(cluster_id, manager, obj, "Update")
    }

    fn kube_write(&self, cluster_id: &str, manager: &str, obj: Value, operation: &str) -> Value {
        let mut s = self.state.lock().unwrap();
        crate::kube::cluster(&mut s, cluster_id);
        let r = crate::kube::api::apply_as(&mut s, cluster_id, manager, &obj, operation);
        assert!(r.status < 300, "the API server refused the seeded object: {:?}", r.body);
        crate::kube::controllers::reconcile(&mut s, cluster_id);
        r.body.unwrap_or_default()
    }

    /// An object as the API server holds it now (controllers run first).
    pub fn kube_object(&self, cluster_id: &str, plural: &str, namespace: &str, name: &str) -> Option<Value> {
        let mut s = self.state.lock().unwrap();
        crate::kube::cluster(&mut s, cluster_id);
        crate::kube::controllers::reconcile(&mut s, cluster_id);
        crate::kube::cluster(&mut s, cluster_id)
            .get(plural, namespace, name)
            .cloned()
    }

    /// Every object of a kind (`pods`, `events`, …) in a namespace ("" for all), controllers run first.
    pub fn kube_objects(&self, cluster_id: &str, plural: &str, namespace: &str) -> Vec<Value> {
        let mut s = self.state.lock().unwrap();
        crate::kube::cluster(&mut s, cluster_id);
        crate::kube::controllers::reconcile(&mut s, cluster_id);
        crate::kube::cluster(&mut s, cluster_id)
            .of(plural)
            .filter(|(k, _)| namespace.is_empty() || k.1 == namespace)
            .map(|(_, v)| v.clone())
            .collect()
    }

    /// The FailedMount messages of the pods in a namespace, as (pod, message).
    pub fn kube_failed_mounts(&self, cluster_id: &str, namespace: &str) -> Vec<(String, String)> {
        self.kube_objects(cluster_id, "events", namespace)
            .iter()
            .filter(|e| e["reason"] == "FailedMount")
            .map(|e| {
                (
                    e["involvedObject"]["name"].as_str().unwrap_or("").to_string(),
                    e["message"].as_str().unwrap_or("").to_string(),
                )
            })
            .collect()
    }
}
