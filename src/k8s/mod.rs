//! Kubernetes documents: the SecretProviderClass and its lint rules, YAML in and out.

pub mod manifests;
pub mod spc;
pub mod yaml;
