//! An AKS identity binding: one user-assigned identity mapped to one cluster, so that any number of
//! its service accounts may use the identity without a federated credential each (AKS docs,
//! "Identity bindings concepts"). AKS keeps one credential on the identity for all its bindings,
//! named [`AKS_CREDENTIAL`].

use crate::{
    azure::{
        arm::{api, models::IdentityBindingDoc},
        cluster::ClusterRef,
        ids,
    },
    error::Result,
};
use serde_json::{Value, json};

/// The federated credential AKS creates on the identity for its bindings ("AKS automatically
/// creates a federated identity credential (FIC) named `aks-identity-binding` under the managed
/// identity … don't modify or delete it while identity bindings are in use", identity-bindings.md).
pub(crate) const AKS_CREDENTIAL: &str = "aks-identity-binding";

/// Whether AKS's credential `cred` (as read; `None`: absent) trusts the binding's `issuer`: what
/// token exchange through the binding relies on.
pub(crate) fn aks_credential_trusts(cred: Option<&Value>, issuer: &str) -> bool {
    cred.map(crate::azure::arm::models::FederatedCredentialDoc::of)
        .and_then(|c| c.properties.issuer)
        .as_deref()
        == Some(issuer)
}

/// One binding of a cluster, by name.
#[derive(Clone)]
pub(crate) struct BindingRef {
    pub(crate) cluster: ClusterRef,
    pub(crate) name: String,
}

impl BindingRef {
    pub(crate) fn id(&self) -> String {
        ids::identity_binding(&self.cluster.id(), &self.name)
    }

    pub(crate) fn label(&self) -> String {
        format!("{}/{}", self.cluster.label(), self.name)
    }

    /// The binding as read, and its typed view; `None` when there is none.
    pub(crate) async fn read(&self) -> Result<Option<(Value, IdentityBindingDoc)>> {
        Ok(self
            .cluster
            .az
            .arm
            .get_opt(&self.id(), api::CONTAINER_SERVICE)
            .await?
            .map(|v| {
                let view = IdentityBindingDoc::of(&v);
                (v, view)
            }))
    }

    /// The body that binds `identity_id`: the one field a client writes, and only on create
    /// (`managedIdentity.resourceId`, visibility read+create in the 2026-08-01 definition).
    pub(crate) fn body(identity_id: &str) -> Value {
        json!({"properties": {"managedIdentity": {"resourceId": identity_id}}})
    }
}
