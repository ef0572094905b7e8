//! Who gets access, or signs in: a principal kvwire may have to wait for (an identity, or the
//! kubelet's or an add-on's identity, created earlier in the same run), read when needed.

use crate::{
    azure::{
        arm::models::{Identity, UserAssignedIdentity},
        context::Azure,
    },
    error::{Error, Result},
};

/// Who gets access. Resolved when needed: in a runbook the identity (or the kubelet identity)
/// may only come into being in an earlier step of the same run.
#[derive(Debug, Clone)]
pub(crate) enum Principal {
    Known {
        object_id: String,
        kind: &'static str,
    },
    Identity {
        rg: String,
        name: String,
    },
    Kubelet {
        rg: String,
        cluster: String,
    },
    /// The CSI driver add-on's identity of a cluster.
    Addon {
        rg: String,
        cluster: String,
    },
    /// Another add-on's identity (monitoring, the application gateway ingress controller, virtual
    /// nodes): AKS creates it in the node resource group once the cluster runs as a managed
    /// identity. `addon` is the add-on's key as the cluster spells it.
    AddonOf {
        rg: String,
        cluster: String,
        addon: String,
    },
}

impl Principal {
    pub(crate) fn label(&self) -> String {
        match self {
            Principal::Known { object_id, .. } => format!("principal {object_id}"),
            Principal::Identity { rg, name } => format!("identity {rg}/{name}"),
            Principal::Kubelet { rg, cluster } => format!("kubelet of {rg}/{cluster}"),
            Principal::Addon { rg, cluster } => format!("CSI driver add-on of {rg}/{cluster}"),
            Principal::AddonOf { rg, cluster, addon } => format!("add-on {addon} of {rg}/{cluster}"),
        }
    }

    pub(crate) fn kind(&self) -> &'static str {
        match self {
            Principal::Known { kind, .. } => kind,
            _ => "ServicePrincipal",
        }
    }

    /// The `kvwire grant` command that gives this principal access to `vault`.
    pub(crate) fn grant_command(&self, vault: &str) -> String {
        let to = match self {
            Principal::Identity { rg, name } => format!("identity:{rg}/{name}"),
            Principal::Kubelet { rg, cluster } => format!("kubelet:{rg}/{cluster}"),
            Principal::Addon { rg, cluster } => format!("addon:{rg}/{cluster}"),
            Principal::Known { object_id, .. } => format!("principal:{object_id}"),
            Principal::AddonOf { rg, cluster, addon } => {
                format!("principal:OBJECT_ID (`kvwire up` grants the {addon} add-on of {rg}/{cluster} what az does)")
            }
        };
        format!("kvwire grant --vault {vault} --to {to}")
    }

    /// The object ID, or `None` while the identity does not exist yet.
    pub(crate) async fn object_id(&self, az: &Azure) -> Result<Option<String>> {
        if let Principal::Known { object_id, .. } = self {
            return Ok(Some(object_id.clone()));
        }
        Ok(self.ids(az).await?.and_then(|i| i.object_id))
    }

    /// The client (application) ID a pod uses to sign in as it, or `None` while it does not exist
    /// yet. A principal known only by its object ID has none kvwire can read.
    pub(crate) async fn client_id(&self, az: &Azure) -> Result<Option<String>> {
        Ok(self.ids(az).await?.and_then(|i| i.client_id))
    }

    /// The identity's IDs as Azure shows them, or `None` while it does not exist (or is known
    /// only by its object ID).
    async fn ids(&self, az: &Azure) -> Result<Option<UserAssignedIdentity>> {
        Ok(match self {
            Principal::Known { .. } => None,
            Principal::Identity { rg, name } => az.identity(rg, name).await?.map(|d| {
                let view = Identity::of(&d);
                UserAssignedIdentity {
                    client_id: view.client_id().map(str::to_owned),
                    object_id: view.principal_id().map(str::to_owned),
                    resource_id: None,
                }
            }),
            Principal::Kubelet { rg, cluster } => az.kubelet_identity(rg, cluster).await?,
            Principal::Addon { rg, cluster } => az.addon_identity(rg, cluster).await?,
            Principal::AddonOf { rg, cluster, addon } => {
                let (_, mc) = az.cluster(rg, cluster).await?;
                mc.addon(addon).and_then(|a| a.identity.clone())
            }
        })
    }

    /// Like [`Principal::object_id`], but a missing identity is an error saying how to create it.
    pub(crate) async fn require(&self, az: &Azure) -> Result<String> {
        self.object_id(az).await?.ok_or_else(|| match self {
            Principal::Identity { rg, name } => Error::runtime(format!(
                "managed identity {rg}/{name} was not found: create it with `kvwire workload-identity … --identity {name}`"
            )),
            Principal::Kubelet { rg, cluster } => Azure::no_kubelet_identity(rg, cluster),
            Principal::Addon { rg, cluster } => Azure::no_addon_identity(rg, cluster),
            Principal::AddonOf { rg, cluster, addon } => Error::runtime(format!(
                "cluster {rg}/{cluster}: add-on {addon} has no identity (AKS creates one when the cluster runs as a managed identity and the add-on is enabled); check `az aks show -g {rg} -n {cluster} --query addonProfiles`"
            )),
            Principal::Known { .. } => unreachable!("a known principal always resolves"),
        })
    }
}
