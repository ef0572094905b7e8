//! The Secrets Store CSI driver a setup needs for pods that mount secrets.

/// How the driver gets onto the cluster. kvwire reads only Azure, never the cluster's Kubernetes
/// API, so it cannot see a Helm install: a runbook declares it. One driver per cluster (the
/// driver's maintainers: "either use the AKS add-on or install the driver using helm charts",
/// kubernetes-sigs/secrets-store-csi-driver#1260), so with `Helm` kvwire never enables the add-on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum InstalledBy {
    /// The AKS add-on `azureKeyvaultSecretsProvider`, enabled by kvwire when off.
    #[default]
    Addon,
    /// The open-source Helm charts, managed outside kvwire.
    Helm,
}

/// The add-on as kvwire enables it. A setting that is `None` was not named by the user: kvwire
/// leaves it as the cluster has it (AKS's own default, `"false"`/`"2m"`, on a new add-on), never
/// turning off what someone else turned on.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct CsiDriver {
    /// Re-read mounted secrets from Key Vault every `rotation_poll_interval`.
    pub(crate) rotation: Option<bool>,
    /// A Go duration, checked by [`super::names::rotation_poll_interval`].
    pub(crate) rotation_poll_interval: Option<String>,
}

impl CsiDriver {
    /// The settings in words, for plans and fixes.
    pub(crate) fn describe(&self) -> String {
        match (self.rotation, &self.rotation_poll_interval) {
            (Some(true), Some(i)) => format!("rotation every {i}"),
            (Some(true), None) => "rotation on".into(),
            (Some(false), _) => "no rotation".into(),
            (None, Some(i)) => format!("rotation interval {i}, rotation as it is"),
            (None, None) => "rotation as it is".into(),
        }
    }

    /// The flags that ask `kvwire cluster enable-csi-driver` for the same.
    pub(crate) fn flags(&self) -> String {
        let mut out = String::new();
        match self.rotation {
            Some(true) => out.push_str(" --rotation"),
            Some(false) => out.push_str(" --no-rotation"),
            None => {}
        }
        if let Some(i) = &self.rotation_poll_interval {
            out.push_str(&format!(" --rotation-poll-interval {i}"));
        }
        out
    }
}
