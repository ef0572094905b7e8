//! Everything a command needs to talk to Azure, built once from typed settings (no clap here).

use crate::{
    azure::{
        arm::{
            Arm, LroPolicy, RetryPolicy, api,
            models::{ManagedCluster, UserAssignedIdentity},
        },
        auth::{self, AuthMode, Scope},
        cloud::Cloud,
        http::{Http, HttpOptions, SharedHttp},
        ids, profile,
    },
    error::{Error, Result},
    model::names,
};
use azure_core::credentials::TokenCredential;
use std::sync::Arc;

/// How to reach Azure: from the global flags, validated before any request.
#[derive(Debug, Clone)]
pub(crate) struct AzureSettings {
    pub(crate) cloud: Cloud,
    pub(crate) subscription: Option<String>,
    pub(crate) auth: AuthMode,
    pub(crate) http: HttpOptions,
    pub(crate) retry: RetryPolicy,
    pub(crate) lro: LroPolicy,
    /// The token scopes the command will need: under `--auth cli` their tokens are all fetched at
    /// once when it connects (one `az` run each, side by side) rather than one after another as
    /// requests first need them.
    pub(crate) scopes: Vec<Scope>,
}

pub(crate) struct Azure {
    pub(crate) arm: Arm,
    pub(crate) credential: Arc<dyn TokenCredential>,
    pub(crate) cloud: Cloud,
    pub(crate) http: SharedHttp,
    pub(crate) subscription: String,
}

impl Azure {
    /// Build the clients. No network I/O unless the subscription is given by a name the Azure
    /// CLI's profile does not know (then ARM lists the subscriptions the identity sees); the first
    /// token request happens on first use.
    pub(crate) async fn connect(s: &AzureSettings) -> Result<Azure> {
        let http = Arc::new(Http::new(&s.http).map_err(Error::Usage)?);
        // Plain http endpoints (a local cloud file) must stay on this host whatever --resolve says.
        for url in [
            Some(&s.cloud.resource_manager),
            Some(&s.cloud.authority_host),
            s.cloud.microsoft_graph.as_ref(),
        ]
        .into_iter()
        .flatten()
        {
            http.check_url(url).map_err(Error::Usage)?;
        }
        let tokens = auth::cached(s.auth, &http, &s.cloud)?;
        if auth::detect(s.auth) == AuthMode::Cli {
            // Each fetch is a run of `az` (about a second of Python start-up): start them all now.
            for scope in s.scopes.iter().filter_map(|scope| scope.in_cloud(&s.cloud)) {
                tokens.prefetch(scope);
            }
        }
        let credential: Arc<dyn TokenCredential> = tokens;
        let mut arm = Arm::new(
            http.clone(),
            credential.clone(),
            s.cloud.resource_manager.clone(),
            s.cloud.arm_scope(),
        );
        arm.retry = s.retry.clone();
        arm.lro = s.lro.clone();
        let subscription = subscription(s.subscription.as_deref(), &s.cloud, &arm).await?;
        Ok(Azure {
            arm,
            credential,
            cloud: s.cloud.clone(),
            http,
            subscription,
        })
    }

    /// A client for Microsoft Graph (same retries and transport as ARM), when the cloud has one.
    pub(crate) fn graph(&self) -> Option<Arm> {
        let base = self.cloud.microsoft_graph.clone()?;
        let scope = Scope::Graph.in_cloud(&self.cloud)?;
        let mut graph = Arm::new(self.http.clone(), self.credential.clone(), base, scope);
        graph.retry = self.arm.retry.clone();
        Some(graph)
    }

    /// A Key Vault data-plane client for the vault at `vault_uri` (from the vault's ARM properties).
    ///
    /// The client's first request is sent without a token to learn the scope from the vault's
    /// challenge; the token for that scope is fetched now, beside the reads that come first,
    /// so it is in the cache when the challenge asks for it (one round trip less).
    pub(crate) fn secret_client(&self, vault_uri: &url::Url) -> Result<azure_security_keyvault_secrets::SecretClient> {
        let client =
            crate::azure::keyvault::secret_client(&self.http, self.credential.clone(), &self.cloud, vault_uri)?;
        let (credential, scope) = (self.credential.clone(), self.cloud.keyvault_scope());
        if tokio::runtime::Handle::try_current().is_ok() {
            // A failure here is met again, and reported, by the request that needs the token.
            tokio::spawn(async move { credential.get_token(&[&scope], None).await.ok() });
        }
        Ok(client)
    }

    pub(crate) fn cluster_id(&self, rg: &str, name: &str) -> String {
        ids::managed_cluster(&self.subscription, rg, name)
    }

    pub(crate) fn identity_id(&self, rg: &str, name: &str) -> String {
        ids::user_assigned_identity(&self.subscription, rg, name)
    }

    /// The cluster as read — raw JSON (for read-modify-write) and its typed view. Not found is an error.
    pub(crate) async fn cluster(&self, rg: &str, name: &str) -> Result<(serde_json::Value, ManagedCluster)> {
        let Some(doc) = self
            .arm
            .get_opt(&self.cluster_id(rg, name), api::CONTAINER_SERVICE)
            .await?
        else {
            // What exists instead, read only now that it is needed (a failed list adds nothing).
            let hint = match self
                .arm
                .list(
                    &ids::managed_clusters_in_subscription(&self.subscription),
                    api::CONTAINER_SERVICE,
                )
                .await
            {
                Ok(all) => {
                    let found: Vec<String> = all.iter().filter_map(|c| c["id"].as_str().map(str::to_owned)).collect();
                    ids::nearby("AKS clusters", &found, Some(rg))
                }
                Err(_) => String::new(),
            };
            return Err(Error::runtime(format!(
                "cluster {rg}/{name} was not found in subscription {}{hint}",
                self.subscription
            )));
        };
        let mc = serde_json::from_value(doc.clone())
            .map_err(|e| Error::runtime(format!("unexpected managedCluster document: {e}")))?;
        Ok((doc, mc))
    }

    /// The kubelet's managed identity; `None` while the cluster still runs on a service principal.
    /// A cluster that does not exist is an error.
    pub(crate) async fn kubelet_identity(&self, rg: &str, name: &str) -> Result<Option<UserAssignedIdentity>> {
        let (_, mc) = self.cluster(rg, name).await?;
        Ok(match (mc.uses_service_principal(), mc.kubelet_identity()) {
            (false, Some(k)) => Some(k.clone()),
            _ => None,
        })
    }

    /// Like [`Azure::kubelet_identity`], but a service-principal cluster is an error naming the two
    /// commands that give it a kubelet identity.
    pub(crate) async fn require_kubelet_identity(&self, rg: &str, name: &str) -> Result<UserAssignedIdentity> {
        self.kubelet_identity(rg, name)
            .await?
            .ok_or_else(|| Azure::no_kubelet_identity(rg, name))
    }

    /// The one wording of "this cluster has no kubelet identity", naming the two commands that
    /// give it one.
    pub(crate) fn no_kubelet_identity(rg: &str, name: &str) -> Error {
        Error::runtime(format!(
            "cluster {rg}/{name} has no kubelet managed identity: it still uses a service principal. \
             Run `kvwire cluster enable-managed-identity -g {rg} -n {name}`, then `kvwire nodepool upgrade-image -g {rg} --cluster {name} --all`"
        ))
    }

    /// The one wording of "this cluster has no CSI driver add-on identity", naming the command
    /// that enables the add-on.
    pub(crate) fn no_addon_identity(rg: &str, name: &str) -> Error {
        Error::runtime(format!(
            "cluster {rg}/{name} has no Secrets Store CSI driver add-on identity: enable the add-on with `kvwire cluster enable-csi-driver -g {rg} -n {name}`"
        ))
    }

    /// The CSI driver add-on's own identity; `None` while the add-on is off (AKS creates the
    /// identity when the add-on is enabled). A cluster that does not exist is an error.
    pub(crate) async fn addon_identity(&self, rg: &str, name: &str) -> Result<Option<UserAssignedIdentity>> {
        let (_, mc) = self.cluster(rg, name).await?;
        Ok(mc.csi_addon_identity().cloned())
    }

    /// Like [`Azure::addon_identity`], but an add-on that is off is an error naming the command
    /// that enables it.
    pub(crate) async fn require_addon_identity(&self, rg: &str, name: &str) -> Result<UserAssignedIdentity> {
        self.addon_identity(rg, name)
            .await?
            .ok_or_else(|| Azure::no_addon_identity(rg, name))
    }

    /// A user-assigned identity's document, or `None` when it does not exist.
    pub(crate) async fn identity(&self, rg: &str, name: &str) -> Result<Option<serde_json::Value>> {
        self.arm
            .get_opt(&self.identity_id(rg, name), api::MANAGED_IDENTITY)
            .await
    }

    /// The user-assigned identity in this subscription whose principal (object) ID is
    /// `object_id`, if kvwire can see one: kubelet and add-on identities are user-assigned too.
    pub(crate) async fn identity_with_principal(&self, object_id: &str) -> Result<Option<serde_json::Value>> {
        let all = self
            .arm
            .list(
                &ids::user_assigned_identities_in_subscription(&self.subscription),
                api::MANAGED_IDENTITY,
            )
            .await?;
        Ok(all.into_iter().find(|i| {
            i.pointer("/properties/principalId")
                .and_then(serde_json::Value::as_str)
                .is_some_and(|p| p.eq_ignore_ascii_case(object_id))
        }))
    }
}

/// The subscription: an ID as given; a name, looked up in the Azure CLI's profile, else among the
/// subscriptions ARM lists; nothing given, the Azure CLI's default (as `az` itself would use).
async fn subscription(given: Option<&str>, cloud: &Cloud, arm: &Arm) -> Result<String> {
    let cli = profile::subscriptions(&cloud.name);
    let Some(given) = given else {
        return match cli.iter().find(|s| s.is_default) {
            Some(d) => {
                crate::info!("subscription: the Azure CLI's default, {} ({})", d.name, d.id);
                Ok(d.id.to_ascii_lowercase())
            }
            None => Err(Error::usage(
                "no subscription: pass --subscription ID_OR_NAME, set AZURE_SUBSCRIPTION_ID, or choose a default with `az account set --subscription …`",
            )),
        };
    };
    if let Ok(id) = names::guid(given) {
        return Ok(id);
    }
    let by_name = |subs: Vec<(String, String)>| -> Result<Option<String>> {
        let found: Vec<(String, String)> = subs
            .into_iter()
            .filter(|(_, n)| n.eq_ignore_ascii_case(given))
            .collect();
        match found.as_slice() {
            [] => Ok(None),
            [(id, _)] => Ok(Some(id.to_ascii_lowercase())),
            many => Err(Error::usage(format!(
                "--subscription: {} subscriptions are named {given_q} ({}); pass the ID",
                many.len(),
                many.iter().map(|(id, _)| id.as_str()).collect::<Vec<_>>().join(", "),
                given_q = crate::util::text::quoted(given)
            ))),
        }
    };
    if let Some(id) = by_name(cli.into_iter().map(|s| (s.id, s.name)).collect())? {
        return Ok(id);
    }
    let listed = arm.list("/subscriptions", api::SUBSCRIPTIONS).await?;
    by_name(
        listed
            .iter()
            .filter_map(|s| {
                Some((
                    s["subscriptionId"].as_str()?.to_string(),
                    s["displayName"].as_str()?.to_string(),
                ))
            })
            .collect(),
    )?
    .ok_or_else(|| {
        Error::usage(format!(
            "--subscription: no subscription named {given_q} is visible to this identity (by ID or by name)",
            given_q = crate::util::text::quoted(given)
        ))
    })
}

#[cfg(test)]
impl Azure {
    /// The subscription of [`Azure::offline`]: the one the official ARM examples name.
    pub(crate) const OFFLINE_SUBSCRIPTION: &'static str = "00000000-0000-0000-0000-000000000000";

    /// A context for unit tests that does no I/O: the public cloud, a fixed subscription, and a
    /// credential that panics when asked for a token — a read the test did not record (see
    /// `Observation::recorded`) fails loudly instead of going to Azure.
    pub(crate) fn offline() -> Azure {
        #[derive(Debug)]
        struct NoToken;

        #[async_trait::async_trait]
        impl TokenCredential for NoToken {
            async fn get_token(
                &self,
                scopes: &[&str],
                _: Option<azure_core::credentials::TokenRequestOptions<'_>>,
            ) -> azure_core::Result<azure_core::credentials::AccessToken> {
                panic!(
                    "a token for {} was asked for: the test made a request it did not record",
                    scopes.join(" ")
                )
            }
        }

        let cloud = Cloud::resolve("AzureCloud").expect("a built-in cloud");
        let http = Arc::new(Http::new(&HttpOptions::default()).expect("an HTTP client"));
        let credential: Arc<dyn TokenCredential> = Arc::new(NoToken);
        let arm = Arm::new(
            http.clone(),
            credential.clone(),
            cloud.resource_manager.clone(),
            cloud.arm_scope(),
        );
        Azure {
            arm,
            credential,
            cloud,
            http,
            subscription: Azure::OFFLINE_SUBSCRIPTION.to_string(),
        }
    }
}
