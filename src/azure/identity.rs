//! A user-assigned identity as kvwire addresses and reads it.

use crate::{azure::cluster::ClusterRef, error::Result};
use serde_json::Value;

/// A user-assigned identity, by resource group and name.
#[derive(Clone)]
pub struct IdentityRef {
    pub cluster: ClusterRef,
    pub rg: String,
    pub name: String,
}

impl IdentityRef {
    pub fn id(&self) -> String {
        self.cluster.az.identity_id(&self.rg, &self.name)
    }

    pub fn label(&self) -> String {
        format!("{}/{}", self.rg, self.name)
    }

    pub async fn read(&self) -> Result<Option<Value>> {
        self.cluster.az.identity(&self.rg, &self.name).await
    }
}
