//! A user-assigned identity as kvwire addresses and reads it.

use crate::{azure::cluster::ClusterRef, error::Result};
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
}
