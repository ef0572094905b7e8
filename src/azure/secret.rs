//! One Key Vault secret as kvwire reads and writes it: one handle that owns its address, its
//! reads (whether it is listed, live or soft-deleted; its value compared where it is read, never
//! handed on) and its writes (set, recover, tag, soft delete — kvwire never purges).

use crate::{
    azure::keyvault::{KvCode, KvFailure, secret_names},
    error::{Error, Result},
    util::observation::Observation,
};
use azure_core::http::RequestContent;
use azure_security_keyvault_secrets::{
    SecretClient,
    models::{
        DeletedSecret, Secret, SecretAttributes, SecretClientGetSecretOptions,
        SecretClientUpdateSecretPropertiesOptions, SetSecretParameters, UpdateSecretPropertiesParameters,
    },
};
use serde_json::Value;
use std::{collections::HashMap, future::Future, sync::Arc, time::Duration};
use url::Url;

/// The data-plane api-version of the secret requests: what `azure_security_keyvault_secrets`
/// 1.0.1 sends.
pub(crate) const API_VERSION: &str = "2025-07-01";

/// What a planned set carries in place of the value: the value is never in a plan, nor anything
/// derived from it (a digest of a low-entropy password would be a leak).
pub(crate) const VALUE_REDACTED: &str = "(sensitive)";

pub(crate) type Tags = HashMap<String, String>;

/// A secret of one vault.
#[derive(Clone)]
pub(crate) struct SecretRef {
    pub(crate) client: Arc<SecretClient>,
    /// The vault's name, for messages.
    pub(crate) vault: String,
    /// The vault's URI (`https://VAULT.vault.azure.net/`), as ARM reports it.
    pub(crate) vault_uri: Url,
    pub(crate) name: String,
}

/// A live secret's current version, as a write needs it: its value stays where it was read.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Live {
    pub(crate) version: String,
    pub(crate) tags: Tags,
    pub(crate) content_type: Option<String>,
    /// Its value is the one given.
    pub(crate) same: bool,
}

/// A secret as observed against the value a run would write.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Found {
    /// No secret of that name, live or soft-deleted.
    Absent,
    Live(Live),
    /// Soft-deleted and recoverable: the name is taken until it is recovered or purged.
    Deleted,
}

/// Whether a secret can be used, as its vault reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SecretState {
    Enabled,
    Disabled,
    Missing,
    /// The read failed for another reason (the service's code).
    Unknown(String),
}

impl SecretRef {
    /// Its state from the vault's listing (its properties: the listing carries no values), so
    /// checking that a secret exists never downloads it. Without permission to list, it is not
    /// checked: reading the secret itself would fetch its value.
    pub(crate) async fn usable(&self) -> SecretState {
        match secret_names(&self.client, &self.vault_uri, false).await {
            Ok(Some(names)) => match names.get(&self.name.to_ascii_lowercase()) {
                Some(true) => SecretState::Enabled,
                Some(false) => SecretState::Disabled,
                None => SecretState::Missing,
            },
            Ok(None) => SecretState::Unknown("not allowed to list the vault's secrets (needs list)".into()),
            Err(e) => SecretState::Unknown(e.to_string()),
        }
    }
}

impl SecretRef {
    /// Secret `name` of the vault `client` is for (its URI is the client's endpoint).
    pub(crate) fn new(client: Arc<SecretClient>, vault: &str, name: &str) -> SecretRef {
        SecretRef {
            vault_uri: client.endpoint().clone(),
            client,
            vault: vault.into(),
            name: name.into(),
        }
    }

    /// The request path of the secret under its vault's URI.
    pub(crate) fn path(&self) -> String {
        format!("/secrets/{}", self.name)
    }

    /// The vault's URI as a request's base (no trailing slash: the path has its own).
    pub(crate) fn base(&self) -> String {
        self.vault_uri.as_str().trim_end_matches('/').to_string()
    }

    /// The observation's key for a read of the secret (its URL, without the api-version).
    pub(crate) fn live_key(&self) -> String {
        format!("{}{}", self.base(), self.path())
    }

    /// The observation's key for a read of the soft-deleted secret.
    pub(crate) fn deleted_key(&self) -> String {
        format!("{}/deletedsecrets/{}", self.base(), self.name)
    }

    /// Whether the vault's listing (live, or soft-deleted with `deleted`) names the secret;
    /// `None` when kvwire may not list. One listing per vault serves every secret of an observation.
    pub(crate) async fn listed(&self, deleted: bool) -> Result<Option<bool>> {
        let names = secret_names(&self.client, &self.vault_uri, deleted).await?;
        Ok(names.map(|n| n.contains_key(&self.name.to_ascii_lowercase())))
    }

    /// The secret against `value`: live (the same value or not), soft-deleted, or absent. A name
    /// the listing does not show is not read (a new secret costs no GET); without permission to
    /// list, the secret itself is read.
    pub(crate) async fn state(&self, value: &str) -> Result<Found> {
        let (live, deleted) = futures::try_join!(self.listed(false), self.listed(true))?;
        if live != Some(false)
            && let Some(l) = self.live(Some(value)).await?
        {
            return Ok(Found::Live(l));
        }
        Ok(if deleted == Some(true) {
            Found::Deleted
        } else {
            Found::Absent
        })
    }

    /// The current version, or `None` when there is none; `same` compares its value with `value`
    /// (`false` without one). Within an observation the read is shared (and recordable in tests).
    pub(crate) async fn live(&self, value: Option<&str>) -> Result<Option<Live>> {
        let key = self.live_key();
        let fetch = || async {
            match self.client.get_secret(&self.name, None).await {
                Ok(resp) => {
                    let s = resp
                        .into_model()
                        .map_err(|e| Error::runtime(format!("reading secret {}: {e}", self.name)))?;
                    Ok(Some(serde_json::to_value(s).expect("a secret is JSON")))
                }
                Err(e) => match KvFailure::from_sdk(&e) {
                    f if f.status == Some(404) => Ok(None),
                    f => Err(self.error(&f, "read")),
                },
            }
        };
        let Some(doc) = shared(&key, fetch).await? else {
            return Ok(None);
        };
        let s: Secret =
            serde_json::from_value(doc).map_err(|e| Error::runtime(format!("reading secret {}: {e}", self.name)))?;
        Ok(Some(Live {
            version: version_of(s.id.as_deref()),
            same: value.is_some() && s.value.as_deref() == value,
            tags: s.tags.unwrap_or_default(),
            content_type: s.content_type,
        }))
    }

    /// The tags and content type of the soft-deleted secret (never its value): what the version
    /// recovered carries.
    pub(crate) async fn deleted(&self) -> Result<(Tags, Option<String>)> {
        let key = self.deleted_key();
        let fetch = || async {
            match self.client.get_deleted_secret(&self.name, None).await {
                Ok(r) => Ok(r.into_model().ok().map(|d: DeletedSecret| {
                    serde_json::json!({"tags": d.tags.unwrap_or_default(), "contentType": d.content_type})
                })),
                Err(e) => Err(self.error(&KvFailure::from_sdk(&e), "read")),
            }
        };
        let doc = shared(&key, fetch).await?.unwrap_or_default();
        Ok((
            serde_json::from_value(doc["tags"].clone()).unwrap_or_default(),
            doc["contentType"].as_str().map(str::to_owned),
        ))
    }

    /// The tags and version of the current version, without comparing its value (`down`);
    /// `None` when the secret does not exist.
    pub(crate) async fn tags(&self, version: Option<&str>) -> Result<Option<(String, Tags)>> {
        let options = version.map(|v| SecretClientGetSecretOptions {
            secret_version: Some(v.to_string()),
            ..Default::default()
        });
        match self.client.get_secret(&self.name, options).await {
            Ok(r) => {
                let s = r
                    .into_model()
                    .map_err(|e| Error::runtime(format!("reading secret {}: {e}", self.name)))?;
                Ok(Some((version_of(s.id.as_deref()), s.tags.unwrap_or_default())))
            }
            Err(e) => match KvFailure::from_sdk(&e) {
                f if f.status == Some(404) => Ok(None),
                f => Err(self.error(&f, "read")),
            },
        }
    }

    /// The body of a set (a new version) as a plan shows it: every attribute it sends, the value
    /// as [`VALUE_REDACTED`].
    pub(crate) fn set_body(content_type: Option<String>, tags: Tags, expires: Option<time::OffsetDateTime>) -> Value {
        let params = SetSecretParameters {
            value: Some(VALUE_REDACTED.into()),
            content_type,
            tags: Some(tags),
            secret_attributes: expires.map(|exp| SecretAttributes {
                expires: Some(exp),
                ..Default::default()
            }),
        };
        let mut body = serde_json::to_value(params).expect("set parameters are JSON");
        // One order for the tags, whatever the map's: the body reads the same in every plan.
        if let Some(t) = body.get_mut("tags").and_then(Value::as_object_mut) {
            t.sort_keys();
        }
        body
    }

    /// Set the value (a new version): `body` as planned ([`SecretRef::set_body`]) with `value` in
    /// place of its marker. `Ok(false)`: the name is soft-deleted (409
    /// `ObjectIsDeletedButRecoverable`) and nothing was written.
    pub(crate) async fn set(&self, body: &Value, value: &str) -> Result<bool> {
        let mut params: SetSecretParameters = serde_json::from_value(body.clone())
            .map_err(|e| Error::runtime(format!("the planned write of secret {}: {e}", self.name)))?;
        if params.value.as_deref() != Some(VALUE_REDACTED) {
            return Err(Error::runtime(format!(
                "the planned write of secret {} holds no value marker",
                self.name
            )));
        }
        params.value = Some(value.to_string());
        let body: RequestContent<SetSecretParameters> = params
            .try_into()
            .map_err(|e: azure_core::Error| Error::runtime(format!("encoding secret {}: {e}", self.name)))?;
        match self.client.set_secret(&self.name, body, None).await {
            Ok(_) => Ok(true),
            Err(e) => {
                let f = KvFailure::from_sdk(&e);
                if f.is(KvCode::ObjectIsDeletedButRecoverable) {
                    return Ok(false);
                }
                Err(self.error(&f, "write"))
            }
        }
    }

    /// Recover the soft-deleted secret, and wait until its name is usable (recovery finishes in
    /// the background; at most 60 s).
    pub(crate) async fn recover(&self) -> Result<()> {
        if let Err(e) = self.client.recover_deleted_secret(&self.name, None).await {
            return Err(self.error(&KvFailure::from_sdk(&e), "recover"));
        }
        let mut waited = Duration::ZERO;
        while self.live(None).await?.is_none() {
            if waited > Duration::from_secs(60) {
                return Err(Error::runtime(format!(
                    "secret {} was not usable 60 s after recovery",
                    self.name
                )));
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
            waited += Duration::from_secs(1);
        }
        Ok(())
    }

    /// Replace the tags of one version (Update Secret, a PATCH; no new version). Key Vault
    /// replaces the whole tag map, so `tags` is all of them.
    pub(crate) async fn set_tags(&self, version: &str, tags: Tags) -> Result<()> {
        let body: RequestContent<UpdateSecretPropertiesParameters> = UpdateSecretPropertiesParameters {
            tags: Some(tags),
            ..Default::default()
        }
        .try_into()
        .map_err(|e: azure_core::Error| Error::runtime(format!("encoding secret {}: {e}", self.name)))?;
        let options = SecretClientUpdateSecretPropertiesOptions {
            secret_version: Some(version.to_string()),
            ..Default::default()
        };
        self.client
            .update_secret_properties(&self.name, body, Some(options))
            .await
            .map(|_| ())
            .map_err(|e| self.error(&KvFailure::from_sdk(&e), "tag"))
    }

    /// Soft-delete the secret: recoverable for the vault's retention period (never purged).
    pub(crate) async fn delete(&self) -> Result<()> {
        self.client
            .delete_secret(&self.name, None)
            .await
            .map(|_| ())
            .map_err(|e| self.error(&KvFailure::from_sdk(&e), "delete"))
    }

    /// A data-plane failure in words; a 403 says which role or permissions kvwire's identity needs.
    pub(crate) fn error(&self, f: &KvFailure, what: &str) -> Error {
        let (name, vault) = (&self.name, &self.vault);
        if f.status == Some(403) {
            return Error::runtime(format!(
                "cannot {what} secret {name} in vault {vault}: {} ({}); kvwire's identity needs Key Vault Secrets Officer on the vault (or get, list, set and recover access policy permissions)",
                f.inner_code.as_deref().or(f.code.as_deref()).unwrap_or("error"),
                f.status.map(|s| s.to_string()).unwrap_or_default()
            ));
        }
        Error::runtime(format!("{what} secret {name} in vault {vault}: {}", f.message))
    }
}

/// One read, shared with identical reads of the same observation (404 = `None`); a failure is
/// not kept: the next asker reads again.
async fn shared<F, Fut>(key: &str, fetch: F) -> Result<Option<Value>>
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = Result<Option<Value>>>,
{
    match Observation::current() {
        Some(o) => {
            let slot = o.read(key);
            let answer = slot.get_or_try_init(|| async { fetch().await.map(Ok) }).await?;
            answer.clone().map_err(Error::Arm)
        }
        None => fetch().await,
    }
}

/// The version in a secret's ID (`https://VAULT/secrets/NAME/VERSION`).
fn version_of(id: Option<&str>) -> String {
    id.and_then(|id| id.trim_end_matches('/').rsplit('/').next())
        .unwrap_or_default()
        .to_string()
}
