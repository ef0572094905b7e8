//! Credentials from azure_identity 1.x, all using kvwire's shared HTTP client as transport.

use crate::{
    azure::cloud::Cloud,
    azure::http::SharedHttp,
    error::{Error, Result},
};
use azure_core::{credentials::TokenCredential, http::ClientOptions};
use azure_identity::{
    AzureCliCredential, AzureCliCredentialOptions, ClientAssertionCredentialOptions, ClientSecretCredential,
    ClientSecretCredentialOptions, DeveloperToolsCredential, ManagedIdentityCredential,
    ManagedIdentityCredentialOptions, UserAssignedId, WorkloadIdentityCredential, WorkloadIdentityCredentialOptions,
};
use std::sync::Arc;

/// `--auth`: where tokens come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AuthMode {
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
        cloud: Some(Arc::new(cloud.sdk_cloud())),
        ..http.sdk_options()
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
pub(crate) fn detect(mode: AuthMode) -> AuthMode {
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

/// The variable sets of the two service-principal modes: (what, all three, the one that picks it).
const SERVICE_PRINCIPAL_SETS: [(&str, [&str; 3]); 2] = [
    (
        "--auth env (a client secret)",
        ["AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET"],
    ),
    (
        "--auth workload (a federated token)",
        ["AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_FEDERATED_TOKEN_FILE"],
    ),
];

/// A secret or token file given without the rest of its set: `auto` would quietly fall through
/// to the Azure CLI, so say which variable is missing instead.
fn half_set() -> Option<String> {
    SERVICE_PRINCIPAL_SETS.iter().find_map(|(what, set)| {
        let missing: Vec<&str> = set.iter().copied().filter(|n| env(n).is_none()).collect();
        (env(set[2]).is_some() && !missing.is_empty()).then(|| {
            format!(
                "{} is set, but {} {} not: {what} needs {}",
                set[2],
                missing.join(" and "),
                if missing.len() == 1 { "is" } else { "are" },
                set.join(", ")
            )
        })
    })
}

/// What to do when a mode's sign-in fails: said with the failure, at any verbosity.
fn sign_in_help(mode: AuthMode) -> &'static str {
    match mode {
        AuthMode::Cli | AuthMode::Auto => {
            "Sign in with `az login` (or `azd auth login`); in a pipeline set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET (--auth env) or AZURE_FEDERATED_TOKEN_FILE (--auth workload); on an Azure host with a managed identity use --auth msi"
        }
        AuthMode::Env => {
            "Check AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET (an expired secret is a common cause)"
        }
        AuthMode::Workload => {
            "Check AZURE_TENANT_ID, AZURE_CLIENT_ID, the token in AZURE_FEDERATED_TOKEN_FILE, and that the app registration or identity has a federated credential for its issuer and subject"
        }
        AuthMode::Msi => {
            "No managed identity answered: run on an Azure host that has one (AZURE_CLIENT_ID picks a user-assigned identity), or use --auth cli, env or workload"
        }
    }
}

/// Build the credential, behind kvwire's one token cache (returned as the cache itself, for
/// [`Cached::prefetch`]). Construction reads no network; the first token request does. Half-set
/// variables and a missing `az` are exit 2 here, before any request.
pub(crate) fn cached(mode: AuthMode, http: &SharedHttp, cloud: &Cloud) -> Result<Arc<Cached>> {
    if mode == AuthMode::Auto
        && let Some(why) = half_set()
    {
        return Err(Error::usage(format!("cannot sign in: {why}")));
    }
    let mode = detect(mode);
    Ok(Arc::new(Cached::new(uncached(mode, http, cloud)?, sign_in_help(mode))))
}

fn uncached(mode: AuthMode, http: &SharedHttp, cloud: &Cloud) -> Result<Arc<dyn TokenCredential>> {
    let sdk_err = |e: azure_core::Error| Error::Auth(e.to_string());
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
            } else if which("azd") {
                DeveloperToolsCredential::new(None).map_err(sdk_err)?
            } else {
                return Err(Error::usage(format!(
                    "cannot sign in: no credential in the environment and neither az nor azd on PATH. {}",
                    sign_in_help(AuthMode::Cli)
                )));
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

/// The token audiences kvwire talks to: what a command may need a token for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scope {
    /// Azure Resource Manager: every command that talks to Azure.
    Arm,
    /// Microsoft Graph: the service principal a cluster still runs as.
    Graph,
    /// Key Vault's data plane: secret values.
    KeyVault,
}

impl Scope {
    /// The OAuth scope in `cloud`; `None` for Graph in a cloud without a Graph endpoint.
    pub(crate) fn in_cloud(self, cloud: &Cloud) -> Option<String> {
        match self {
            Scope::Arm => Some(cloud.arm_scope()),
            Scope::KeyVault => Some(cloud.keyvault_scope()),
            Scope::Graph => cloud
                .microsoft_graph
                .as_ref()
                .map(|base| format!("{}/.default", base.as_str().trim_end_matches('/'))),
        }
    }
}

/// Tokens, cached per scope and reused until five minutes before they expire, whatever the
/// credential: `AzureCliCredential` keeps no cache of its own, so without this every request
/// would start `az account get-access-token`. One fetch at a time per scope, so concurrent
/// requests for a scope share the one that is under way; fetches for different scopes run side
/// by side (under `--auth cli`, one `az` run each).
#[derive(Debug)]
pub(crate) struct Cached {
    inner: Arc<dyn TokenCredential>,
    slots: std::sync::Mutex<std::collections::HashMap<String, Arc<tokio::sync::Mutex<Slot>>>>,
    /// Added to a failure: what to do about it.
    help: &'static str,
}

/// One scope's token, or the failure of a fetch started ahead ([`Cached::prefetch`]) that no
/// request has met yet.
#[derive(Debug, Default)]
enum Slot {
    #[default]
    Empty,
    Token(azure_core::credentials::AccessToken),
    Failed(azure_core::Error),
}

/// A cached token is renewed this long before it expires.
const RENEW_BEFORE: std::time::Duration = std::time::Duration::from_secs(300);

impl Cached {
    pub(crate) fn new(inner: Arc<dyn TokenCredential>, help: &'static str) -> Cached {
        Cached {
            inner,
            slots: Default::default(),
            help,
        }
    }

    fn slot(&self, key: &str) -> Arc<tokio::sync::Mutex<Slot>> {
        self.slots
            .lock()
            .expect("token slots")
            .entry(key.to_string())
            .or_default()
            .clone()
    }

    fn fresh(slot: &Slot) -> Option<&azure_core::credentials::AccessToken> {
        let fresh_until = azure_core::time::OffsetDateTime::now_utc() + RENEW_BEFORE;
        match slot {
            Slot::Token(t) if t.expires_on > fresh_until => Some(t),
            _ => None,
        }
    }

    async fn fetch(
        &self,
        scopes: &[&str],
        options: Option<azure_core::credentials::TokenRequestOptions<'_>>,
    ) -> azure_core::Result<azure_core::credentials::AccessToken> {
        self.inner.get_token(scopes, options).await.map_err(|e| {
            // A transport failure (an untrusted certificate, a refused connection) has its own advice;
            // the sign-in help would send the user to the wrong place.
            if crate::azure::http::transport_failure(&e).is_some() {
                return e;
            }
            let why = crate::azure::http::error_chain(&e);
            azure_core::Error::with_message(e.kind().clone(), format!("{why}. {}", self.help))
        })
    }

    /// Start fetching `scope`'s token in the background unless it is cached or under way, so it is
    /// there when the first request needs it. A failure is kept for that request to report (it
    /// is not fetched again for it); nothing is said when no request needs the scope after all.
    pub(crate) fn prefetch(self: &Arc<Self>, scope: String) {
        if tokio::runtime::Handle::try_current().is_err() {
            return;
        }
        let this = self.clone();
        let slot = self.slot(&scope);
        // Taken before the task starts, so a request made right after this call waits for it.
        let Ok(mut held) = slot.clone().try_lock_owned() else {
            return; // under way
        };
        tokio::spawn(async move {
            if matches!(*held, Slot::Failed(_)) || Cached::fresh(&held).is_some() {
                return;
            }
            *held = match this.fetch(&[&scope], None).await {
                Ok(t) => Slot::Token(t),
                Err(e) => Slot::Failed(e),
            };
        });
    }
}

#[async_trait::async_trait]
impl TokenCredential for Cached {
    async fn get_token(
        &self,
        scopes: &[&str],
        options: Option<azure_core::credentials::TokenRequestOptions<'_>>,
    ) -> azure_core::Result<azure_core::credentials::AccessToken> {
        let slot = self.slot(&scopes.join(" "));
        let mut held = slot.lock().await;
        if let Some(t) = Cached::fresh(&held) {
            return Ok(t.clone());
        }
        if let Slot::Failed(e) = std::mem::take(&mut *held) {
            return Err(e);
        }
        let t = self.fetch(scopes, options).await?;
        *held = Slot::Token(t.clone());
        Ok(t)
    }
}
