//! A user-assigned identity as kvwire addresses and reads it.

use crate::{
    azure::{arm::api, cluster::ClusterRef, context::Azure, ids},
    error::{Error, Result},
};
use serde_json::Value;

/// A user-assigned identity, by resource group and name.
#[derive(Clone)]
pub(crate) struct IdentityRef {
    pub(crate) cluster: ClusterRef,
    pub(crate) rg: String,
    pub(crate) name: String,
}

impl IdentityRef {
    pub(crate) fn id(&self) -> String {
        self.cluster.az.identity_id(&self.rg, &self.name)
    }

    pub(crate) fn label(&self) -> String {
        format!("{}/{}", self.rg, self.name)
    }

    pub(crate) async fn read(&self) -> Result<Option<Value>> {
        self.cluster.az.identity(&self.rg, &self.name).await
    }

    /// Its federated credentials (none while it does not exist).
    pub(crate) async fn credentials(&self) -> Result<Vec<Value>> {
        credentials_of(&self.cluster.az, &self.id()).await
    }

    /// The resource ID of its federated credential `name`.
    pub(crate) fn credential_id(&self, name: &str) -> String {
        ids::federated_credential(&self.id(), name)
    }

    /// Its federated credential `name` as read; `None` when there is none.
    pub(crate) async fn credential(&self, name: &str) -> Result<Option<Value>> {
        self.cluster
            .az
            .arm
            .get_opt(&self.credential_id(name), api::MANAGED_IDENTITY)
            .await
    }
}

/// The federated credentials of the identity `identity_id` (a resource ID): none while the
/// identity does not exist (the list answers 404 then).
pub(crate) async fn credentials_of(az: &Azure, identity_id: &str) -> Result<Vec<Value>> {
    match az
        .arm
        .list(&ids::federated_credentials(identity_id), api::MANAGED_IDENTITY)
        .await
    {
        Err(Error::Arm(e)) if e.is_not_found() => Ok(vec![]),
        other => other,
    }
}
