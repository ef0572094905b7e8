//! Container registries kvwire grants pulls on: found by resource ID or by name anywhere in the
//! subscription (registry names are global), with the registry's permission mode.

use crate::{
    azure::{arm::api, context::Azure, ids},
    error::{Error, Result},
};
use serde_json::Value;

/// A registry, as far as granting pulls goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Registry {
    /// The resource ID as ARM spells it.
    pub(crate) id: String,
    /// `properties.roleAssignmentMode` is `AbacRepositoryPermissions`: AcrPull is not honoured
    /// there, Container Registry Repository Reader is (ACR docs, "Azure ABAC repository
    /// permissions": "Legacy ACR roles such as AcrPull, AcrPush, and AcrDelete are not honored in
    /// ABAC-enabled registries").
    pub(crate) abac: bool,
}

impl Registry {
    fn of(doc: &Value) -> Option<Registry> {
        Some(Registry {
            id: doc["id"].as_str()?.to_string(),
            abac: doc.pointer("/properties/roleAssignmentMode").and_then(Value::as_str)
                == Some("AbacRepositoryPermissions"),
        })
    }

    pub(crate) fn name(&self) -> &str {
        ids::name_of(&self.id)
    }

    /// The registry named with `--acr` (a name or a resource ID); not finding it is an error.
    pub(crate) async fn find(az: &Azure, name_or_id: &str) -> Result<Registry> {
        let doc = if name_or_id.starts_with('/') {
            az.arm.get_opt(name_or_id, api::CONTAINER_REGISTRY).await?
        } else {
            Registry::all(az)
                .await?
                .into_iter()
                .find(|r| r["name"].as_str().is_some_and(|n| n.eq_ignore_ascii_case(name_or_id)))
        };
        doc.as_ref().and_then(Registry::of).ok_or_else(|| {
            Error::runtime(format!(
                "container registry {name_or_id} was not found in subscription {}",
                az.subscription
            ))
        })
    }

    /// The registry with this resource ID, or `None` when it no longer exists.
    pub(crate) async fn read(az: &Azure, id: &str) -> Result<Option<Registry>> {
        Ok(az
            .arm
            .get_opt(id, api::CONTAINER_REGISTRY)
            .await?
            .as_ref()
            .and_then(Registry::of))
    }

    /// The names of the subscription's registries.
    pub(crate) async fn names_in_subscription(az: &Azure) -> Result<Vec<String>> {
        Ok(Registry::all(az)
            .await?
            .iter()
            .filter_map(|r| r["name"].as_str().map(str::to_owned))
            .collect())
    }

    async fn all(az: &Azure) -> Result<Vec<Value>> {
        az.arm
            .list(
                &ids::registries_in_subscription(&az.subscription),
                api::CONTAINER_REGISTRY,
            )
            .await
    }
}
