//! A Key Vault through ARM: found by ID or name, its data-plane URI, tenant and permission model,
//! its access policies as read, and the `accessPolicies/add` write.

use crate::{
    azure::{arm::api, context::Azure, ids, write::Request},
    error::{Error, Result},
};
use serde::Deserialize;
use serde_json::{Value, json};
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

/// One entry of a vault's `properties.accessPolicies`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct AccessPolicyEntry {
    pub(crate) tenant_id: Option<String>,
    pub(crate) object_id: Option<String>,
    /// Set on a compound identity (an application acting for a user).
    pub(crate) application_id: Option<String>,
    pub(crate) permissions: Option<AccessPolicyPermissions>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct AccessPolicyPermissions {
    pub(crate) secrets: Option<Vec<Value>>,
    pub(crate) keys: Option<Vec<Value>>,
    pub(crate) certificates: Option<Vec<Value>>,
}

impl AccessPolicyEntry {
    /// The access policies of vault document `doc` (an entry that does not fit reads as empty).
    pub(crate) fn all_of(doc: &Value) -> Vec<AccessPolicyEntry> {
        doc.pointer("/properties/accessPolicies")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .map(|p| serde_json::from_value(p.clone()).unwrap_or_default())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Each kind's permissions as written: secrets, keys, certificates.
    pub(crate) fn permissions(&self) -> [(&'static str, Vec<&str>); 3] {
        fn list(l: Option<&Vec<Value>>) -> Vec<&str> {
            l.into_iter().flatten().filter_map(Value::as_str).collect()
        }
        let p = self.permissions.as_ref();
        [
            ("secrets", list(p.and_then(|p| p.secrets.as_ref()))),
            ("keys", list(p.and_then(|p| p.keys.as_ref()))),
            ("certificates", list(p.and_then(|p| p.certificates.as_ref()))),
        ]
    }

    fn secrets(&self) -> Vec<String> {
        let [(_, secrets), ..] = self.permissions();
        secrets.iter().map(|s| s.to_ascii_lowercase()).collect()
    }
}

impl Vault {
    /// Read the vault: by ID, by name in `resource_group`, or by name anywhere in the subscription.
    pub(crate) async fn find(az: &Azure, vault: &str, resource_group: Option<&str>) -> Result<Vault> {
        let in_subscription = ids::vaults_in_subscription(&az.subscription);
        let list = || az.arm.list(&in_subscription, api::KEY_VAULT);
        let (doc, listed) = if vault.starts_with('/') {
            (az.arm.get_opt(vault, api::KEY_VAULT).await?, None)
        } else if let Some(rg) = resource_group {
            let id = ids::vault(&az.subscription, rg, vault);
            (az.arm.get_opt(&id, api::KEY_VAULT).await?, None)
        } else {
            let all = list().await?;
            let found = all
                .iter()
                .find(|v| v["name"].as_str().is_some_and(|n| n.eq_ignore_ascii_case(vault)))
                .cloned();
            (found, Some(all))
        };
        let Some(doc) = doc else {
            // What exists instead (listed only now, unless the search already did).
            let all = match listed {
                Some(all) => Some(all),
                None => list().await.ok(),
            };
            let hint = all
                .map(|all| {
                    let found: Vec<String> = all.iter().filter_map(|v| v["id"].as_str().map(str::to_owned)).collect();
                    ids::nearby("Key Vaults", &found, resource_group)
                })
                .unwrap_or_default();
            return Err(Error::runtime(format!(
                "Key Vault {vault} was not found in subscription {}{hint}",
                az.subscription
            )));
        };
        Vault::of(doc)
    }

    /// The secret permissions (lower-case) of `object_id`'s own access policy — not one for a
    /// compound identity (with an applicationId) — read fresh from the vault; `None`: no policy.
    pub(crate) async fn secret_permissions(&self, az: &Azure, object_id: &str) -> Result<Option<Vec<String>>> {
        let doc = az.arm.get(&self.id, api::KEY_VAULT).await?;
        let same = |a: &Option<String>, b: &str| a.as_deref().is_some_and(|a| a.eq_ignore_ascii_case(b));
        Ok(AccessPolicyEntry::all_of(&doc)
            .iter()
            .find(|p| {
                same(&p.object_id, object_id)
                    && same(&p.tenant_id, &self.tenant_id)
                    && p.application_id.as_deref().unwrap_or("").is_empty()
            })
            .map(AccessPolicyEntry::secrets))
    }

    /// The `accessPolicies/add` write of one access-policy `entry` (tenant, object ID,
    /// permissions): Azure merges it into the principal's policy; the rest of the vault is never
    /// rewritten.
    pub(crate) fn add_access_policy(&self, entry: Value) -> Request {
        Request::put(
            format!("{}/accessPolicies/add", self.id),
            api::KEY_VAULT,
            json!({"properties": {"accessPolicies": [entry]}}),
        )
    }

    fn of(doc: Value) -> Result<Vault> {
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
}
