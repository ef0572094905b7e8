//! The Secrets Store CSI driver a setup needs for pods that mount secrets.

/// How the driver gets onto the cluster. kvwire reads only Azure, never the cluster's Kubernetes
/// API, so it cannot see a Helm install: a runbook declares it. One driver per cluster (the
/// driver's maintainers: "either use the AKS add-on or install the driver using helm charts",
/// kubernetes-sigs/secrets-store-csi-driver#1260), so with `Helm` kvwire never enables the add-on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum InstalledBy {
    /// The AKS add-on `azureKeyvaultSecretsProvider`, enabled by kvwire when off.
    #[default]
    Addon,
    /// The open-source Helm charts, managed outside kvwire.
    Helm,
}

/// The add-on as kvwire enables it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsiDriver {
    /// Re-read mounted secrets from Key Vault every `rotation_poll_interval`.
    pub rotation: bool,
    /// A Go duration, checked by [`super::names::rotation_poll_interval`].
    pub rotation_poll_interval: String,
}
