//! Finding a Key Vault through ARM: its ID, data-plane URI, tenant and permission model.

use crate::{
    azure::{arm::api, context::Azure, ids},
    error::{Error, Result},
};
use serde_json::Value;
use url::Url;

#[derive(Debug, Clone)]
pub(crate) struct Vault {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) resource_group: String,
    /// Data-plane URI, e.g. `https://kv-demo.vault.azure.net/`.
    pub(crate) uri: Url,
    pub(crate) tenant_id: String,
    /// `properties.enableRbacAuthorization`: Azure RBAC (true) or access policies (false).
    pub(crate) rbac: bool,
}

/// Read the vault: by ID, by name in `resource_group`, or by name anywhere in the subscription.
pub(crate) async fn find(az: &Azure, vault: &str, resource_group: Option<&str>) -> Result<Vault> {
    let doc = if vault.starts_with('/') {
        az.arm.get_opt(vault, api::KEY_VAULT).await?
    } else if let Some(rg) = resource_group {
        let id = ids::vault(&az.subscription, rg, vault);
        az.arm.get_opt(&id, api::KEY_VAULT).await?
    } else {
        let all = az
            .arm
            .list(&ids::vaults_in_subscription(&az.subscription), api::KEY_VAULT)
            .await?;
        all.into_iter()
            .find(|v| v["name"].as_str().is_some_and(|n| n.eq_ignore_ascii_case(vault)))
    };
    let doc = doc.ok_or_else(|| {
        Error::runtime(format!(
            "Key Vault {vault} was not found in subscription {}",
            az.subscription
        ))
    })?;
    from_doc(doc)
}

impl Vault {
    /// The secret permissions (lower-case) of `object_id`'s own access policy — not one for a
    /// compound identity (with an applicationId) — read fresh from the vault; `None`: no policy.
    pub(crate) async fn secret_permissions(&self, az: &Azure, object_id: &str) -> Result<Option<Vec<String>>> {
        let doc = az.arm.get(&self.id, api::KEY_VAULT).await?;
        let policies = doc
            .pointer("/properties/accessPolicies")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        Ok(policies
            .iter()
            .find(|p| {
                p["objectId"]
                    .as_str()
                    .is_some_and(|o| o.eq_ignore_ascii_case(object_id))
                    && p["tenantId"]
                        .as_str()
                        .is_some_and(|t| t.eq_ignore_ascii_case(&self.tenant_id))
                    && p["applicationId"].as_str().unwrap_or("").is_empty()
            })
            .map(|p| {
                p.pointer("/permissions/secrets")
                    .and_then(Value::as_array)
                    .map(|a| {
                        a.iter()
                            .filter_map(Value::as_str)
                            .map(str::to_ascii_lowercase)
                            .collect()
                    })
                    .unwrap_or_default()
            }))
    }
}

fn from_doc(doc: Value) -> Result<Vault> {
    let s = |p: &str| doc.pointer(p).and_then(Value::as_str).unwrap_or("").to_string();
    let id = s("/id");
    let uri = Url::parse(&s("/properties/vaultUri"))
        .map_err(|e| Error::runtime(format!("vault {id} has no usable vaultUri: {e}")))?;
    let resource_group = ids::resource_group_of(&id).unwrap_or("").to_string();
    Ok(Vault {
        name: s("/name"),
        resource_group,
        uri,
        tenant_id: s("/properties/tenantId"),
        rbac: doc
            .pointer("/properties/enableRbacAuthorization")
            .and_then(Value::as_bool)
            .unwrap_or(false),
        id,
    })
}
