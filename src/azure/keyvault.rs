//! The Key Vault data plane through the official SDK, on kvwire's shared HTTP client.

use crate::{
    azure::{
        cloud::Cloud,
        http::{SharedHttp, check_scheme},
    },
    error::{Error, Result},
    util::observation::{Names, Observation},
};
use azure_core::credentials::TokenCredential;
use azure_security_keyvault_secrets::{SecretClient, SecretClientOptions};
use std::{collections::BTreeMap, sync::Arc};
use url::Url;

/// The SDK authenticates through Key Vault's 401 challenge: the first request goes out without a
/// token (and without its body), the vault answers with the resource to ask a token for, and the
/// SDK checks that the vault host ends with that resource's domain before it sends the token.
///
/// The vault's URI comes from ARM; a host outside the cloud's Key Vault DNS suffix is refused
/// before any token is asked for, so a tampered `vaultUri` cannot collect one.
pub fn secret_client(
    http: &SharedHttp,
    credential: Arc<dyn TokenCredential>,
    cloud: &Cloud,
    vault_uri: &Url,
) -> Result<SecretClient> {
    check_scheme(vault_uri).map_err(Error::Usage)?;
    let host = vault_uri.host_str().unwrap_or("").to_ascii_lowercase();
    if !host.ends_with(&format!(".{}", cloud.keyvault_dns_suffix.to_ascii_lowercase())) {
        return Err(Error::runtime(format!(
            "vault URI {vault_uri} is not under this cloud's Key Vault suffix ({}): refusing to send it a token",
            cloud.keyvault_dns_suffix
        )));
    }
    let options = SecretClientOptions {
        client_options: http.sdk_options(),
        ..Default::default()
    };
    SecretClient::new(vault_uri.as_str(), credential, Some(options)).map_err(|e| Error::runtime(e.to_string()))
}

/// The Key Vault data-plane codes kvwire acts on (`error.code` or `error.innererror.code`), each
/// spelled once, as the ARM ones are (`error::arm::ErrorCode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KvCode {
    /// 409: a secret of that name is soft-deleted; recover it or pick another name (Key Vault
    /// soft-delete overview).
    ObjectIsDeletedButRecoverable,
}

impl KvCode {
    pub fn as_str(self) -> &'static str {
        match self {
            KvCode::ObjectIsDeletedButRecoverable => "ObjectIsDeletedButRecoverable",
        }
    }
}

/// A Key Vault data-plane failure, keyed on the service's codes, never on message text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KvFailure {
    pub status: Option<u16>,
    /// `error.code`, e.g. `Conflict`, `SecretNotFound`, `Forbidden`.
    pub code: Option<String>,
    /// `error.innererror.code`, e.g. `ObjectIsDeletedButRecoverable`, `ForbiddenByRbac`.
    pub(crate) inner_code: Option<String>,
    pub(crate) message: String,
}

impl KvFailure {
    pub fn from_sdk(e: &azure_core::Error) -> KvFailure {
        use azure_core::error::ErrorKind;
        let mut f = KvFailure {
            status: None,
            code: None,
            inner_code: None,
            message: e.to_string(),
        };
        if let ErrorKind::HttpResponse {
            status,
            error_code,
            raw_response,
        } = e.kind()
        {
            f.status = Some(u16::from(*status));
            f.code = error_code.clone();
            if let Some(raw) = raw_response
                && let Ok(v) = serde_json::from_slice::<serde_json::Value>(raw.body().as_ref())
            {
                f.inner_code = v
                    .pointer("/error/innererror/code")
                    .and_then(|c| c.as_str())
                    .map(str::to_owned);
                if let Some(c) = v.pointer("/error/code").and_then(|c| c.as_str()) {
                    f.code = Some(c.to_owned());
                }
            }
        }
        f
    }

    /// True when `code` is this failure's code or inner code.
    pub fn is(&self, code: KvCode) -> bool {
        let code = code.as_str();
        self.code.as_deref() == Some(code) || self.inner_code.as_deref() == Some(code)
    }
}

/// The observation's key for a listing of the vault's secrets (live, or soft-deleted).
pub(crate) fn names_key(vault: &Url, deleted: bool) -> String {
    format!("{}{vault}", if deleted { "deleted:" } else { "secrets:" })
}

/// Names of the vault's secrets — live ones, or soft-deleted ones with `deleted` — lower-cased, with
/// whether each is enabled, from one paged listing shared by every step of an observation (25 a
/// page, the service's most); `None` when kvwire's identity may not list them. Listing returns no
/// values.
pub(crate) async fn secret_names(client: &SecretClient, vault: &Url, deleted: bool) -> Result<Names> {
    use futures::TryStreamExt;
    let fetch = || async {
        let name = |id: Option<String>| {
            id.and_then(|i| i.trim_end_matches('/').rsplit('/').next().map(str::to_ascii_lowercase))
        };
        let enabled = |a: Option<azure_security_keyvault_secrets::models::SecretAttributes>| {
            a.and_then(|a| a.enabled).unwrap_or(true)
        };
        let listed: std::result::Result<BTreeMap<String, bool>, azure_core::Error> = if deleted {
            let options = azure_security_keyvault_secrets::models::SecretClientListDeletedSecretPropertiesOptions {
                maxresults: Some(25),
                ..Default::default()
            };
            match client.list_deleted_secret_properties(Some(options)) {
                Ok(pager) => {
                    pager
                        .try_filter_map(|p| async move { Ok(name(p.id).map(|n| (n, enabled(p.attributes)))) })
                        .try_collect()
                        .await
                }
                Err(e) => Err(e),
            }
        } else {
            let options = azure_security_keyvault_secrets::models::SecretClientListSecretPropertiesOptions {
                maxresults: Some(25),
                ..Default::default()
            };
            match client.list_secret_properties(Some(options)) {
                Ok(pager) => {
                    pager
                        .try_filter_map(|p| async move { Ok(name(p.id).map(|n| (n, enabled(p.attributes)))) })
                        .try_collect()
                        .await
                }
                Err(e) => Err(e),
            }
        };
        match listed {
            Ok(names) => Ok(Some(names)),
            Err(e) if KvFailure::from_sdk(&e).status == Some(403) => Ok(None),
            Err(e) => Err(Error::runtime(format!(
                "listing the secrets of {vault}: {}",
                KvFailure::from_sdk(&e).message
            ))),
        }
    };
    match Observation::current() {
        Some(o) => o
            .names(&names_key(vault, deleted))
            .get_or_try_init(fetch)
            .await
            .cloned(),
        None => fetch().await,
    }
}
