//! The domain: validated names, roles, grant targets, secret mappings, tags. No I/O.

pub mod dotenv;
pub mod grant;
pub mod names;
pub mod roles;
pub mod secrets;
pub mod tags;

/// How pods authenticate to Key Vault (manifests and runbooks).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PodIdentity {
    /// A user-assigned identity federated with the pod's service account (recommended).
    WorkloadIdentity,
    /// The cluster's kubelet identity (every pod on the node can use it).
    Kubelet,
    /// A managed identity assigned to the node VMSS, or its system-assigned one.
    VmIdentity,
    /// Deprecated AAD pod identity; emitted with a warning.
    PodIdentity,
}
