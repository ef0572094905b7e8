//! The domain: validated names, roles, grant targets, secret mappings, tags. No I/O.

pub(crate) mod csi;
pub(crate) mod dotenv;
pub(crate) mod grant;
pub(crate) mod names;
pub(crate) mod roles;
pub(crate) mod secrets;
pub(crate) mod tags;

/// How pods authenticate to Key Vault (manifests and runbooks).
// The variants are Azure's names for these identities ("workload identity", "pod identity").
#[allow(clippy::enum_variant_names)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PodIdentity {
    /// A user-assigned identity federated with the pod's service account (recommended).
    WorkloadIdentity,
    /// A user-assigned identity bound to the cluster with an AKS identity binding; Kubernetes RBAC
    /// says which service accounts may use it (past 20 service accounts).
    IdentityBinding,
    /// The cluster's kubelet identity (every pod on the node can use it).
    Kubelet,
    /// A managed identity assigned to the node VMSS, or its system-assigned one.
    VmIdentity,
    /// Deprecated AAD pod identity; emitted with a warning.
    PodIdentity,
    /// The CSI driver add-on's own identity (`azurekeyvaultsecretsprovider-<cluster>`, which AKS
    /// creates in the node resource group and assigns to the node VMSS), as the AKS docs use it.
    AddonIdentity,
}

impl PodIdentity {
    /// The pods reach Key Vault through an identity of the nodes (IMDS): an SDK there needs the
    /// identity's client ID, since the nodes carry several (AKS nodes: the kubelet's and the
    /// add-on's; IMDS: "Required, if your VM has multiple user-assigned managed identities").
    pub(crate) fn uses_node_identity(self) -> bool {
        matches!(
            self,
            PodIdentity::Kubelet | PodIdentity::VmIdentity | PodIdentity::AddonIdentity
        )
    }
}

/// How the app reads its secrets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Consumer {
    /// Files mounted by the Secrets Store CSI driver (a SecretProviderClass and a CSI volume).
    #[default]
    Csi,
    /// The app reads Key Vault itself with an Azure SDK (`KEYVAULT_URL`, `*_SECRET_NAME`).
    Sdk,
    /// Both: the mount and the SDK settings.
    Both,
}

impl Consumer {
    pub(crate) fn mounts(self) -> bool {
        matches!(self, Consumer::Csi | Consumer::Both)
    }

    pub(crate) fn reads_with_sdk(self) -> bool {
        matches!(self, Consumer::Sdk | Consumer::Both)
    }
}
