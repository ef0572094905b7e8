//! Typed *views* of ARM resources: just the fields kvwire reads. Writes never serialise these
//! (that would drop fields kvwire does not know); they edit the JSON that was read.

use crate::model::roles;
use serde::Deserialize;
use std::collections::BTreeMap;

/// Cluster tags kvwire writes in the same PUT that switches a cluster to managed identity, one per
/// pool: `kvwire-kubelet-migration-<pool>` = the pool's node image at the switch. ARM does not say
/// which credential a kubelet uses, and the kubelet moves to its managed identity only when its
/// nodes are re-imaged; AKS re-images only to a newer image (AKS docs, "Use a system-assigned
/// managed identity": "An update only works if there's a VHD update to consume"). So a pool whose
/// image is still the recorded one has not moved, and one whose image changed has: the record
/// costs no operation, survives interruptions, and never asks to re-image a pool twice. The tags
/// stay afterwards (a record of the switch); a tag whose pool moved on means nothing more.
pub(crate) const KUBELET_MIGRATION_PREFIX: &str = "kvwire-kubelet-migration-";

/// Tags the switch to a managed identity writes, in the same PUT, one per registry whose AcrPull
/// it carries over to the kubelet (`kvwire-acr-pull-<registry>` = the registry's resource ID):
/// after the switch the service principal is no longer named by the cluster, and a resumed run or
/// a re-run must still know the registries — without asking Microsoft Graph again.
pub(crate) const ACR_PULL_PREFIX: &str = "kvwire-acr-pull-";

/// The cluster tag the same PUT writes beside those records: one short digest per registry the
/// switch carried over, each over the cluster, its migration records and the registry
/// (`steps::acr::binding_item`). A `kvwire-acr-pull-*` tag someone adds later is in no digest, so
/// it is only a hint. Outside [`ACR_PULL_PREFIX`] (and registry names have no hyphen).
pub(crate) const ACR_PULL_BINDING: &str = "kvwire-acr-switch";

/// Wire: `managed-cluster#resource`
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ManagedCluster {
    pub(crate) id: Option<String>,
    /// Entity tag, for `If-Match` on writes.
    #[serde(rename = "eTag")]
    pub(crate) e_tag: Option<String>,
    pub(crate) location: Option<String>,
    pub(crate) tags: Option<BTreeMap<String, String>>,
    pub(crate) identity: Option<ManagedServiceIdentity>,
    #[serde(default)]
    pub properties: ManagedClusterProperties,
}

/// Wire: `managed-cluster#resource/identity`
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ManagedServiceIdentity {
    /// `SystemAssigned`, `UserAssigned` or `None`.
    #[serde(rename = "type")]
    pub(crate) kind: Option<String>,
}

/// Wire: `managed-cluster#resource/properties`
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ManagedClusterProperties {
    pub(crate) provisioning_state: Option<String>,
    pub service_principal_profile: Option<ServicePrincipalProfile>,
    /// Keyed by role; kvwire reads `kubeletidentity`.
    pub(crate) identity_profile: Option<BTreeMap<String, UserAssignedIdentity>>,
    #[serde(default)]
    pub agent_pool_profiles: Vec<AgentPoolProfile>,
    pub(crate) oidc_issuer_profile: Option<OidcIssuerProfile>,
    pub(crate) security_profile: Option<SecurityProfile>,
    /// Keyed by add-on name; kvwire reads `azureKeyvaultSecretsProvider`.
    pub(crate) addon_profiles: Option<BTreeMap<String, AddonProfile>>,
    /// The API server's names: what a kubeconfig's `server` points at.
    pub(crate) fqdn: Option<String>,
    #[serde(rename = "privateFQDN")]
    pub(crate) private_fqdn: Option<String>,
    /// The AKS-managed aad-pod-identity add-on (deprecated), if the cluster has it.
    pub(crate) pod_identity_profile: Option<PodIdentityProfile>,
    pub(crate) api_server_access_profile: Option<ApiServerAccessProfile>,
    pub(crate) aad_profile: Option<AadProfile>,
}

/// Wire: `managed-cluster#resource/properties/apiServerAccessProfile`
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ApiServerAccessProfile {
    /// API server VNet integration, where identity bindings are not supported (AKS docs,
    /// identity-bindings-concepts "What limitations exist for identity bindings?").
    pub(crate) enable_vnet_integration: Option<bool>,
    /// A private cluster: its API server answers only inside its virtual network.
    pub(crate) enable_private_cluster: Option<bool>,
}

/// Wire: `managed-cluster#resource/properties/aadProfile`
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub(crate) struct AadProfile {
    /// AKS-managed Entra integration: kubeconfigs sign in with kubelogin.
    pub(crate) managed: Option<bool>,
}

/// Wire: `managed-cluster#resource/properties/podIdentityProfile`
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub(crate) struct PodIdentityProfile {
    #[serde(default)]
    pub(crate) user_assigned_identities: Vec<PodIdentity>,
}

/// Wire: `managed-cluster#resource/properties/podIdentityProfile/userAssignedIdentities/0`
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub(crate) struct PodIdentity {
    pub(crate) name: Option<String>,
    pub(crate) namespace: Option<String>,
    pub(crate) identity: Option<UserAssignedIdentity>,
}

impl PodIdentity {
    pub(crate) fn of(doc: &serde_json::Value) -> PodIdentity {
        serde_json::from_value(doc.clone()).unwrap_or_default()
    }

    /// It maps the user-assigned identity `identity_id` (resource IDs compare case-insensitively).
    pub(crate) fn maps(&self, identity_id: &str) -> bool {
        self.identity
            .as_ref()
            .and_then(|i| i.resource_id.as_deref())
            .is_some_and(|r| r.eq_ignore_ascii_case(identity_id))
    }

    /// `namespace/name`, as a runbook names it.
    pub(crate) fn label(&self) -> String {
        format!(
            "{}/{}",
            self.namespace.as_deref().unwrap_or(""),
            self.name.as_deref().unwrap_or("")
        )
    }
}

/// The Secrets Store CSI driver with the Azure Key Vault provider, as an AKS add-on, and the
/// keys of its `config` (azure-cli `acs/_consts.py`: `CONST_AZURE_KEYVAULT_SECRETS_PROVIDER_ADDON_NAME`,
/// `CONST_SECRET_ROTATION_ENABLED`, `CONST_ROTATION_POLL_INTERVAL`). Config values are strings
/// (the API's `config` is a map of string to string): "true"/"false", a Go duration such as "2m".
pub(crate) const KEYVAULT_SECRETS_PROVIDER: &str = "azureKeyvaultSecretsProvider";
pub(crate) const CONFIG_SECRET_ROTATION: &str = "enableSecretRotation";
pub(crate) const CONFIG_ROTATION_POLL_INTERVAL: &str = "rotationPollInterval";
/// What AKS (and az) use when the add-on is enabled without saying (azure-cli
/// `managed_cluster_decorator.py`; AKS docs "csi-secrets-store-driver": `"enableSecretRotation":
/// "false", "rotationPollInterval": "2m"`).
pub(crate) const DEFAULT_ROTATION_POLL_INTERVAL: &str = "2m";

/// Wire: `managed-cluster#resource/properties/addonProfiles/azureKeyvaultSecretsProvider`
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub(crate) struct AddonProfile {
    pub(crate) enabled: Option<bool>,
    pub(crate) config: Option<BTreeMap<String, String>>,
    /// Created by AKS when the add-on is enabled (read-only): for the CSI add-on, the identity
    /// `azurekeyvaultsecretsprovider-<cluster>` in the node resource group.
    pub(crate) identity: Option<UserAssignedIdentity>,
}

impl AddonProfile {
    /// A config value, its key matched without case (see [`ManagedCluster::addon`]).
    pub(crate) fn setting(&self, key: &str) -> Option<&str> {
        self.config
            .as_ref()?
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v.as_str())
    }
}

/// Wire: `managed-cluster#resource/properties/servicePrincipalProfile`
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ServicePrincipalProfile {
    pub client_id: Option<String>,
}

/// Wire: `managed-cluster#resource/properties/identityProfile/kubeletidentity`
#[derive(Debug, Clone, Deserialize, Default, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub(crate) struct UserAssignedIdentity {
    pub(crate) client_id: Option<String>,
    pub(crate) object_id: Option<String>,
    pub(crate) resource_id: Option<String>,
}

/// Wire: `managed-cluster#resource/properties/agentPoolProfiles/0`
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct AgentPoolProfile {
    pub(crate) name: Option<String>,
    pub(crate) provisioning_state: Option<String>,
    pub(crate) node_image_version: Option<String>,
    /// The pool's subnet in a custom virtual network (absent on AKS's managed one).
    #[serde(rename = "vnetSubnetID")]
    pub(crate) vnet_subnet_id: Option<String>,
}

/// Wire: `managed-cluster#resource/properties/oidcIssuerProfile`
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub(crate) struct OidcIssuerProfile {
    pub(crate) enabled: Option<bool>,
    /// The wire name is `issuerURL` (az prints `issuerUrl` only because it re-serialises).
    #[serde(rename = "issuerURL")]
    pub(crate) issuer_url: Option<String>,
}

/// Wire: `managed-cluster#resource/properties/securityProfile`
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SecurityProfile {
    pub(crate) workload_identity: Option<Toggle>,
}

/// Wire: `managed-cluster#resource/properties/securityProfile/workloadIdentity`
#[derive(Debug, Clone, Deserialize, Default)]
pub(crate) struct Toggle {
    pub(crate) enabled: Option<bool>,
}

impl ManagedCluster {
    /// The API server's host names, public first.
    pub(crate) fn api_server_hosts(&self) -> Vec<&str> {
        [&self.properties.fqdn, &self.properties.private_fqdn]
            .into_iter()
            .flatten()
            .map(String::as_str)
            .collect()
    }

    pub(crate) fn private(&self) -> bool {
        self.properties
            .api_server_access_profile
            .as_ref()
            .and_then(|p| p.enable_private_cluster)
            .unwrap_or(false)
    }

    pub(crate) fn entra_integrated(&self) -> bool {
        self.properties
            .aad_profile
            .as_ref()
            .is_some_and(|a| a.managed.unwrap_or(true))
    }

    /// The AKS pod identity add-on's entries (none without the add-on).
    pub(crate) fn pod_identities(&self) -> impl Iterator<Item = &PodIdentity> {
        self.properties
            .pod_identity_profile
            .iter()
            .flat_map(|p| &p.user_assigned_identities)
    }

    /// The typed view of a cluster document; what does not fit reads as absent.
    pub(crate) fn of(doc: &serde_json::Value) -> ManagedCluster {
        serde_json::from_value(doc.clone()).unwrap_or_default()
    }

    /// A cluster whose control plane still uses a service principal: AKS reports
    /// `servicePrincipalProfile.clientId == "msi"` once it runs on managed identity.
    pub fn uses_service_principal(&self) -> bool {
        match self
            .properties
            .service_principal_profile
            .as_ref()
            .and_then(|p| p.client_id.as_deref())
        {
            Some("msi") => false,
            Some(_) => true,
            None => self.identity_type().is_none(),
        }
    }

    pub(crate) fn identity_type(&self) -> Option<&str> {
        self.identity
            .as_ref()
            .and_then(|i| i.kind.as_deref())
            .filter(|t| !t.eq_ignore_ascii_case("None"))
    }

    /// The service principal the cluster runs as, while it does.
    pub(crate) fn service_principal(&self) -> Option<&str> {
        if !self.uses_service_principal() {
            return None;
        }
        self.properties
            .service_principal_profile
            .as_ref()
            .and_then(|p| p.client_id.as_deref())
    }

    /// `kvwire-acr-pull-<registry>` tags as read: (the registry name in the key, the value).
    /// Anyone who may write the cluster's tags may add one: hints, checked by `steps::acr`.
    pub(crate) fn acr_pull_records(&self) -> Vec<(&str, &str)> {
        self.tags
            .iter()
            .flatten()
            .filter_map(|(k, v)| Some((k.strip_prefix(ACR_PULL_PREFIX)?, v.as_str())))
            .collect()
    }

    /// The `kvwire-kubelet-migration-<pool>` records: (pool, node image at the switch).
    pub(crate) fn migration_records(&self) -> Vec<(&str, &str)> {
        self.tags
            .iter()
            .flatten()
            .filter_map(|(k, v)| Some((k.strip_prefix(KUBELET_MIGRATION_PREFIX)?, v.as_str())))
            .collect()
    }

    /// The tag value for `key`, when the cluster carries it.
    pub(crate) fn tag(&self, key: &str) -> Option<&str> {
        self.tags.as_ref()?.get(key).map(String::as_str)
    }

    /// The node image `pool` ran when kvwire switched the cluster to managed identity.
    pub(crate) fn migration_baseline(&self, pool: &str) -> Option<&str> {
        self.tags
            .as_ref()?
            .get(&format!("{KUBELET_MIGRATION_PREFIX}{pool}"))
            .map(String::as_str)
    }

    /// Pools whose kubelet still runs on the service principal: still on the image recorded at the
    /// switch.
    pub(crate) fn pools_awaiting_reimage(&self) -> Vec<&str> {
        self.properties
            .agent_pool_profiles
            .iter()
            .filter_map(|p| {
                let name = p.name.as_deref()?;
                let baseline = self.migration_baseline(name)?;
                (p.node_image_version.as_deref() == Some(baseline)).then_some(name)
            })
            .collect()
    }

    /// An operation runs on the cluster or one of its pools: what, in words.
    pub(crate) fn busy(&self) -> Option<String> {
        if let Some(s) = self
            .properties
            .provisioning_state
            .as_deref()
            .filter(|s| !super::is_terminal(s))
        {
            return Some(format!("the cluster's {}", super::operation_in_words(s)));
        }
        self.properties.agent_pool_profiles.iter().find_map(|p| {
            let s = p.provisioning_state.as_deref().filter(|s| !super::is_terminal(s))?;
            Some(format!(
                "pool {}'s {}",
                p.name.as_deref().unwrap_or("?"),
                super::operation_in_words(s)
            ))
        })
    }

    /// The OIDC issuer URL, verbatim (trailing slash included), once the issuer is on.
    pub(crate) fn oidc_issuer(&self) -> Option<&str> {
        self.properties
            .oidc_issuer_profile
            .as_ref()
            .filter(|p| p.enabled == Some(true))
            .and_then(|p| p.issuer_url.as_deref())
    }

    /// The OIDC issuer and the workload identity webhook are both on.
    pub(crate) fn workload_identity_ready(&self) -> bool {
        let wi = self
            .properties
            .security_profile
            .as_ref()
            .and_then(|s| s.workload_identity.as_ref())
            .and_then(|w| w.enabled)
            == Some(true);
        wi && self.oidc_issuer().is_some()
    }

    pub(crate) fn kubelet_identity(&self) -> Option<&UserAssignedIdentity> {
        self.properties.identity_profile.as_ref()?.get("kubeletidentity")
    }

    /// An add-on's profile. AKS treats add-on names and config keys without case and stores them
    /// as sent (Azure/azure-cli#15376), so they are matched without case.
    pub(crate) fn addon(&self, name: &str) -> Option<&AddonProfile> {
        self.properties
            .addon_profiles
            .as_ref()?
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    }

    /// The enabled add-ons, by their key as the cluster spells it.
    pub(crate) fn enabled_addons(&self) -> Vec<(&str, &AddonProfile)> {
        self.properties
            .addon_profiles
            .iter()
            .flatten()
            .filter(|(_, a)| a.enabled == Some(true))
            .map(|(k, a)| (k.as_str(), a))
            .collect()
    }

    /// kvwire switched this cluster to a managed identity (its switch left the per-pool
    /// migration records in the cluster's tags).
    pub(crate) fn switched_by_kvwire(&self) -> bool {
        self.tags
            .iter()
            .flatten()
            .any(|(k, _)| k.starts_with(KUBELET_MIGRATION_PREFIX))
    }

    /// The Secrets Store CSI driver add-on, when enabled.
    pub(crate) fn csi_addon(&self) -> Option<&AddonProfile> {
        self.addon(KEYVAULT_SECRETS_PROVIDER)
            .filter(|a| a.enabled == Some(true))
    }

    /// The CSI add-on's own identity, once AKS created it.
    pub(crate) fn csi_addon_identity(&self) -> Option<&UserAssignedIdentity> {
        self.csi_addon()?.identity.as_ref().filter(|i| i.client_id.is_some())
    }
}

/// Wire: `agent-pool#resource`
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct AgentPool {
    #[serde(default)]
    pub properties: AgentPoolProperties,
}

/// Wire: `agent-pool#resource/properties`
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct AgentPoolProperties {
    pub node_image_version: Option<String>,
    pub provisioning_state: Option<String>,
}

/// `agentPools/{p}/upgradeProfiles/default`.
/// Wire: `agent-pool#upgrade_profile`
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub(crate) struct AgentPoolUpgradeProfile {
    #[serde(default)]
    pub(crate) properties: AgentPoolUpgradeProfileProperties,
}

/// Wire: `agent-pool#upgrade_profile/properties`
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub(crate) struct AgentPoolUpgradeProfileProperties {
    pub(crate) latest_node_image_version: Option<String>,
}

/// A user-assigned identity as read.
/// Wire: `user-assigned-identity#resource`
#[derive(Debug, Clone, Deserialize, Default)]
pub(crate) struct Identity {
    #[serde(default)]
    pub(crate) properties: IdentityProperties,
}

/// Wire: `user-assigned-identity#resource/properties`
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub(crate) struct IdentityProperties {
    pub(crate) client_id: Option<String>,
    pub(crate) principal_id: Option<String>,
    pub(crate) tenant_id: Option<String>,
}

impl Identity {
    /// The typed view of an identity document; what does not fit reads as absent.
    pub(crate) fn of(doc: &serde_json::Value) -> Identity {
        serde_json::from_value(doc.clone()).unwrap_or_default()
    }

    pub(crate) fn client_id(&self) -> Option<&str> {
        self.properties.client_id.as_deref()
    }

    pub(crate) fn principal_id(&self) -> Option<&str> {
        self.properties.principal_id.as_deref()
    }
}

/// A federated identity credential as read.
/// Wire: `federated-identity-credential#resource`
#[derive(Debug, Clone, Deserialize, Default)]
pub(crate) struct FederatedCredentialDoc {
    #[serde(default)]
    pub(crate) properties: FederatedCredentialProperties,
}

/// Wire: `federated-identity-credential#resource/properties`
#[derive(Debug, Clone, Deserialize, Default)]
pub(crate) struct FederatedCredentialProperties {
    pub(crate) issuer: Option<String>,
    pub(crate) subject: Option<String>,
    #[serde(default)]
    pub(crate) audiences: Vec<String>,
}

impl FederatedCredentialDoc {
    pub(crate) fn of(doc: &serde_json::Value) -> FederatedCredentialDoc {
        serde_json::from_value(doc.clone()).unwrap_or_default()
    }

    /// Whether it does the job: this issuer (verbatim), this subject, and `audience`.
    pub(crate) fn trusts(&self, issuer: &str, subject: &str, audience: &str) -> bool {
        let p = &self.properties;
        p.issuer.as_deref() == Some(issuer)
            && p.subject.as_deref() == Some(subject)
            && p.audiences.iter().any(|a| a == audience)
    }
}

/// An AKS identity binding as read.
/// Wire: `identity-binding#resource`
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub(crate) struct IdentityBindingDoc {
    pub(crate) e_tag: Option<String>,
    #[serde(default)]
    pub(crate) properties: IdentityBindingProperties,
}

/// Wire: `identity-binding#resource/properties`
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub(crate) struct IdentityBindingProperties {
    #[serde(default)]
    pub(crate) managed_identity: IdentityBindingIdentity,
    #[serde(default)]
    pub(crate) oidc_issuer: IdentityBindingIssuer,
    pub(crate) provisioning_state: Option<String>,
}

/// Wire: `identity-binding#resource/properties/managedIdentity`
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub(crate) struct IdentityBindingIdentity {
    pub(crate) resource_id: Option<String>,
}

/// Wire: `identity-binding#resource/properties/oidcIssuer`
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub(crate) struct IdentityBindingIssuer {
    pub(crate) oidc_issuer_url: Option<String>,
}

impl IdentityBindingDoc {
    pub(crate) fn of(doc: &serde_json::Value) -> IdentityBindingDoc {
        serde_json::from_value(doc.clone()).unwrap_or_default()
    }

    /// The identity it maps (resource IDs compare case-insensitively).
    pub(crate) fn maps(&self, identity_id: &str) -> bool {
        self.properties
            .managed_identity
            .resource_id
            .as_deref()
            .is_some_and(|r| r.eq_ignore_ascii_case(identity_id))
    }

    pub(crate) fn state(&self) -> &str {
        self.properties.provisioning_state.as_deref().unwrap_or("")
    }

    /// Its last operation succeeded.
    pub(crate) fn succeeded(&self) -> bool {
        self.state().eq_ignore_ascii_case("Succeeded")
    }

    /// It binds `identity_id` and is in place: what pods using the binding rely on.
    pub(crate) fn binds(&self, identity_id: &str) -> bool {
        self.maps(identity_id) && self.succeeded()
    }

    pub(crate) fn issuer(&self) -> Option<&str> {
        self.properties.oidc_issuer.oidc_issuer_url.as_deref()
    }
}

/// A role assignment as read (`roleAssignments` GET and lists).
/// Wire: `role-assignment#resource`
#[derive(Debug, Clone, Deserialize, Default)]
pub(crate) struct RoleAssignment {
    #[serde(default)]
    pub(crate) properties: RoleAssignmentProperties,
}

/// Wire: `role-assignment#resource/properties`
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RoleAssignmentProperties {
    pub(crate) scope: Option<String>,
    pub(crate) role_definition_id: Option<String>,
    pub(crate) principal_id: Option<String>,
    /// An ABAC condition (say, only some repositories).
    pub(crate) condition: Option<String>,
    pub(crate) description: Option<String>,
    pub(crate) created_on: Option<String>,
}

impl RoleAssignment {
    /// The typed view of an assignment document; what does not fit reads as absent.
    pub(crate) fn of(doc: &serde_json::Value) -> RoleAssignment {
        serde_json::from_value(doc.clone()).unwrap_or_default()
    }

    pub(crate) fn scope(&self) -> &str {
        self.properties.scope.as_deref().unwrap_or("")
    }

    /// The role definition ID.
    pub(crate) fn role(&self) -> &str {
        self.properties.role_definition_id.as_deref().unwrap_or("")
    }

    pub(crate) fn principal(&self) -> Option<&str> {
        self.properties.principal_id.as_deref()
    }

    pub(crate) fn description(&self) -> Option<&str> {
        self.properties.description.as_deref()
    }

    /// Whether it carries an ABAC condition: copied without it, it would grant more.
    pub(crate) fn conditional(&self) -> bool {
        self.properties
            .condition
            .as_deref()
            .is_some_and(|c| !c.trim().is_empty())
    }
}

/// A role definition as read (`roleDefinitions` GET): its name and what it permits.
/// Wire: `role-definition#resource`
#[derive(Debug, Clone, Deserialize, Default)]
pub(crate) struct RoleDefinition {
    #[serde(default)]
    pub(crate) properties: RoleDefinitionProperties,
}

/// Wire: `role-definition#resource/properties`
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RoleDefinitionProperties {
    pub(crate) role_name: Option<String>,
    #[serde(default)]
    pub(crate) permissions: Vec<Permission>,
}

/// Wire: `role-definition#resource/properties/permissions/0`
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Permission {
    #[serde(default)]
    pub(crate) actions: Vec<String>,
    #[serde(default)]
    pub(crate) not_actions: Vec<String>,
    #[serde(default)]
    pub(crate) data_actions: Vec<String>,
}

impl RoleDefinition {
    /// The typed view of a definition document; what does not fit reads as absent.
    pub(crate) fn of(doc: &serde_json::Value) -> RoleDefinition {
        serde_json::from_value(doc.clone()).unwrap_or_default()
    }

    pub(crate) fn name(&self) -> Option<&str> {
        self.properties.role_name.as_deref()
    }

    /// Whether it lets its holder pull images: an action (not excluded by `notActions`) that
    /// matches the pull action, wildcards included (`*`, `Microsoft.ContainerRegistry/*`,
    /// `…/registries/*/read`).
    pub(crate) fn pulls_images(&self) -> bool {
        let any = |list: &[String]| list.iter().any(|a| roles::action_matches(a, roles::PULL_ACTION));
        self.properties
            .permissions
            .iter()
            .any(|p| any(&p.actions) && !any(&p.not_actions))
    }

    /// The first action or data action a workload (a kubelet, an add-on, a user-assigned
    /// identity) may not hold through it: allowed are `actions` ending in `/read` (`*/read`
    /// included: a wildcard that still matches only reads) and [`roles::WORKLOAD_DATA_ACTIONS`];
    /// everything else, other wildcards included, is returned. `None`: read only.
    pub(crate) fn beyond_reading(&self) -> Option<&str> {
        self.properties.permissions.iter().find_map(|p| {
            let action = p.actions.iter().find(|a| !a.to_ascii_lowercase().ends_with("/read"));
            let data = p
                .data_actions
                .iter()
                .find(|a| !roles::WORKLOAD_DATA_ACTIONS.contains(&a.to_ascii_lowercase().as_str()));
            action.or(data).map(String::as_str)
        })
    }

    /// What in it lets its holder grant access ([`roles::GRANTING_ACTIONS`]), wildcards included
    /// (`*`, `Microsoft.Authorization/*`). `None`: it cannot.
    pub(crate) fn grants_access(&self) -> Option<&str> {
        self.properties
            .permissions
            .iter()
            .flat_map(|p| &p.actions)
            .find(|a| roles::GRANTING_ACTIONS.iter().any(|g| roles::action_matches(a, g)))
            .map(String::as_str)
    }
}

#[cfg(test)]
mod role_definition_tests {
    use super::RoleDefinition;
    use serde_json::json;

    fn def(actions: &[&str], data: &[&str]) -> RoleDefinition {
        RoleDefinition::of(&json!({"properties": {"permissions": [{"actions": actions, "dataActions": data}]}}))
    }

    fn custom_role_beyond_reading(d: &RoleDefinition) -> Option<String> {
        d.beyond_reading().map(str::to_string)
    }

    fn custom_role_grants_access(d: &RoleDefinition) -> Option<String> {
        d.grants_access().map(str::to_string)
    }

    fn custom_role_pulls(d: &RoleDefinition) -> bool {
        d.pulls_images()
    }

    #[test]
    fn a_workload_custom_role_may_only_read() {
        // Read only: `*/read` and other reads in actions, the two secret-reading data actions.
        assert_eq!(
            custom_role_beyond_reading(&def(
                &[
                    "*/read",
                    "Microsoft.Authorization/*/read",
                    "Microsoft.KeyVault/vaults/read"
                ],
                &[
                    "Microsoft.KeyVault/vaults/secrets/getSecret/action",
                    "microsoft.keyvault/vaults/secrets/readmetadata/action"
                ]
            )),
            None
        );
        // Everything else is named, `…/action` operations and wildcards included.
        for action in [
            "Microsoft.KeyVault/vaults/write",
            "Microsoft.KeyVault/vaults/secrets/delete",
            "Microsoft.Authorization/roleAssignments/write",
            "Microsoft.Authorization/roleAssignments/*",
            "Microsoft.Compute/virtualMachines/runCommand/action",
            "Microsoft.ContainerService/managedClusters/listClusterAdminCredential/action",
            "Microsoft.ContainerService/managedClusters/runCommand/action",
            "Microsoft.KeyVault/*",
            "Microsoft.KeyVault/*/action",
            "Microsoft.KeyVault/vaults/*read",
            "read",
            "*",
        ] {
            assert_eq!(
                custom_role_beyond_reading(&def(&["*/read", action], &[])).as_deref(),
                Some(action)
            );
        }
        for data in [
            "Microsoft.KeyVault/vaults/secrets/setSecret/action",
            "Microsoft.KeyVault/vaults/secrets/purge/action",
            "Microsoft.KeyVault/*/action",
            "Microsoft.KeyVault/vaults/secrets/*",
            "Microsoft.KeyVault/vaults/keys/decrypt/action",
            "*",
        ] {
            assert_eq!(
                custom_role_beyond_reading(&def(&[], &["Microsoft.KeyVault/vaults/secrets/getSecret/action", data]))
                    .as_deref(),
                Some(data)
            );
        }
    }

    #[test]
    fn custom_roles_that_grant_access_are_found() {
        for grants in [
            "Microsoft.Authorization/roleAssignments/write",
            "Microsoft.Authorization/roleAssignments/*",
            "Microsoft.Authorization/*",
            "microsoft.authorization/roledefinitions/write",
            "*",
        ] {
            assert_eq!(
                custom_role_grants_access(&def(&["Microsoft.KeyVault/vaults/write", grants], &[])).as_deref(),
                Some(grants)
            );
        }
        assert_eq!(
            custom_role_grants_access(&def(
                &["Microsoft.Authorization/*/read", "Microsoft.KeyVault/*"],
                &["Microsoft.KeyVault/vaults/secrets/setSecret/action"]
            )),
            None
        );
    }

    #[test]
    fn custom_roles_that_pull_are_found() {
        let def = |actions: &[&str], not: &[&str]| {
            RoleDefinition::of(&json!({"properties": {"permissions": [{"actions": actions, "notActions": not}]}}))
        };
        for pulls in [
            "Microsoft.ContainerRegistry/registries/pull/read",
            "Microsoft.ContainerRegistry/*",
            "Microsoft.ContainerRegistry/registries/*/read",
            "*",
        ] {
            assert!(custom_role_pulls(&def(&[pulls], &[])), "{pulls}");
        }
        assert!(!custom_role_pulls(&def(
            &["Microsoft.ContainerRegistry/registries/read"],
            &[]
        )));
        assert!(!custom_role_pulls(&def(&["*"], &["Microsoft.ContainerRegistry/*"])));
    }
}
