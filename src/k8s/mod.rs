//! Kubernetes documents: the SecretProviderClass and its lint rules, YAML in and out.

pub(crate) mod access;
pub(crate) mod inspect;
pub(crate) mod manifests;
pub(crate) mod podidentity;
pub mod spc;
pub mod yaml;

/// The label on every object kvwire emits (the Kubernetes recommended `managed-by` label).
pub(crate) fn managed_by_label() -> serde_json::Value {
    serde_json::json!({"app.kubernetes.io/managed-by": "kvwire"})
}
