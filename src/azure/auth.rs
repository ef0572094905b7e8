//! Credentials from azure_identity 1.x, all using kvwire's shared HTTP client as transport.

use crate::{
    azure::cloud::Cloud,
    azure::http::SharedHttp,
    error::{Error, Result},
};
use azure_core::{
    credentials::TokenCredential,
    http::{ClientOptions, Transport},
};
use azure_identity::{
    AzureCliCredential, AzureCliCredentialOptions, ClientAssertionCredentialOptions, ClientSecretCredential,
    ClientSecretCredentialOptions, DeveloperToolsCredential, ManagedIdentityCredential,
    ManagedIdentityCredentialOptions, UserAssignedId, WorkloadIdentityCredential, WorkloadIdentityCredentialOptions,
};
use std::sync::Arc;

/// `--auth`: where tokens come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthMode {
    /// Workload identity, then client secret (from AZURE_* env vars), then managed identity when
    /// IDENTITY_ENDPOINT or MSI_ENDPOINT is set, else the Azure CLI / Azure Developer CLI login.
    Auto,
    /// The Azure CLI's (`az login`) or Azure Developer CLI's (`azd auth login`) account.
    Cli,
    /// A service principal: AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET.
    Env,
    /// Federated token file: AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_FEDERATED_TOKEN_FILE.
    Workload,
    /// Managed identity of the Azure host (AZURE_CLIENT_ID picks a user-assigned one).
    Msi,
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn client_options(http: &SharedHttp, cloud: &Cloud) -> ClientOptions {
    ClientOptions {
        transport: Some(Transport::new(http.clone())),
        cloud: Some(Arc::new(cloud.sdk_cloud())),
        ..Default::default()
    }
}

fn need(mode: &str, names: &[&str]) -> Result<Vec<String>> {
    let missing: Vec<&str> = names.iter().copied().filter(|n| env(n).is_none()).collect();
    if !missing.is_empty() {
        return Err(Error::usage(format!(
            "--auth {mode} needs the environment variables {}; missing: {}",
            names.join(", "),
            missing.join(", ")
        )));
    }
    Ok(names.iter().map(|n| env(n).unwrap_or_default()).collect())
}

/// Pick `auto`'s concrete mode from the environment, the way the Azure SDKs' default chain does.
pub fn detect(mode: AuthMode) -> AuthMode {
    if mode != AuthMode::Auto {
        return mode;
    }
    let has = |n: &str| env(n).is_some();
    if has("AZURE_FEDERATED_TOKEN_FILE") && has("AZURE_CLIENT_ID") && has("AZURE_TENANT_ID") {
        AuthMode::Workload
    } else if has("AZURE_CLIENT_SECRET") && has("AZURE_CLIENT_ID") && has("AZURE_TENANT_ID") {
        AuthMode::Env
    } else if has("IDENTITY_ENDPOINT") || has("MSI_ENDPOINT") {
        AuthMode::Msi
    } else {
        AuthMode::Cli
    }
}

/// Build the credential, behind kvwire's one token cache. Construction reads no network; the first
/// token request does.
pub fn credential(mode: AuthMode, http: &SharedHttp, cloud: &Cloud) -> Result<Arc<dyn TokenCredential>> {
    Ok(Arc::new(Cached::new(uncached(mode, http, cloud)?)))
}

fn uncached(mode: AuthMode, http: &SharedHttp, cloud: &Cloud) -> Result<Arc<dyn TokenCredential>> {
    let sdk_err = |e: azure_core::Error| Error::Auth(e.to_string());
    let mode = detect(mode);
    crate::info!("authentication: {mode:?}");
    Ok(match mode {
        AuthMode::Env => {
            let v = need("env", &["AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET"])?;
            client_secret(&v[0], &v[1], &v[2], http, cloud)?
        }
        AuthMode::Workload => {
            let v = need(
                "workload",
                &["AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_FEDERATED_TOKEN_FILE"],
            )?;
            WorkloadIdentityCredential::new(Some(WorkloadIdentityCredentialOptions {
                credential_options: ClientAssertionCredentialOptions {
                    client_options: client_options(http, cloud),
                },
                tenant_id: Some(v[0].clone()),
                client_id: Some(v[1].clone()),
                token_file_path: Some(v[2].clone().into()),
            }))
            .map_err(sdk_err)?
        }
        AuthMode::Msi => ManagedIdentityCredential::new(Some(ManagedIdentityCredentialOptions {
            user_assigned_id: env("AZURE_CLIENT_ID").map(UserAssignedId::ClientId),
            client_options: client_options(http, cloud),
        }))
        .map_err(sdk_err)?,
        AuthMode::Cli => {
            if which("az") {
                AzureCliCredential::new(Some(AzureCliCredentialOptions {
                    tenant_id: env("AZURE_TENANT_ID"),
                    ..Default::default()
                }))
                .map_err(sdk_err)?
            } else {
                DeveloperToolsCredential::new(None).map_err(sdk_err)?
            }
        }
        AuthMode::Auto => unreachable!("detect() resolves auto"),
    })
}

/// A service principal with a client secret.
pub fn client_secret(
    tenant_id: &str,
    client_id: &str,
    secret: &str,
    http: &SharedHttp,
    cloud: &Cloud,
) -> Result<Arc<dyn TokenCredential>> {
    let cred = ClientSecretCredential::new(
        tenant_id,
        client_id.to_string(),
        secret.to_string().into(),
        Some(ClientSecretCredentialOptions {
            client_options: client_options(http, cloud),
        }),
    )
    .map_err(|e| Error::Auth(e.to_string()))?;
    Ok(cred)
}

fn which(program: &str) -> bool {
    std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).any(|d| d.join(program).is_file()))
        .unwrap_or(false)
}

/// Tokens, cached per scope and reused until five minutes before they expire, whatever the
/// credential: `AzureCliCredential` keeps no cache of its own, so without this every request
/// would start `az account get-access-token`. One fetch at a time, so concurrent requests for a
/// scope share the one that is under way.
#[derive(Debug)]
pub struct Cached {
    inner: Arc<dyn TokenCredential>,
    tokens: tokio::sync::Mutex<std::collections::HashMap<String, azure_core::credentials::AccessToken>>,
}

/// A cached token is renewed this long before it expires.
const RENEW_BEFORE: std::time::Duration = std::time::Duration::from_secs(300);

impl Cached {
    pub fn new(inner: Arc<dyn TokenCredential>) -> Cached {
        Cached {
            inner,
            tokens: Default::default(),
        }
    }
}

#[async_trait::async_trait]
impl TokenCredential for Cached {
    async fn get_token(
        &self,
        scopes: &[&str],
        options: Option<azure_core::credentials::TokenRequestOptions<'_>>,
    ) -> azure_core::Result<azure_core::credentials::AccessToken> {
        let key = scopes.join(" ");
        let mut tokens = self.tokens.lock().await;
        let fresh_until = azure_core::time::OffsetDateTime::now_utc() + RENEW_BEFORE;
        if let Some(t) = tokens.get(&key).filter(|t| t.expires_on > fresh_until) {
            return Ok(t.clone());
        }
        let t = self.inner.get_token(scopes, options).await?;
        tokens.insert(key, t.clone());
        Ok(t)
    }
}
