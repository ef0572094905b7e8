//! Everything a command needs to talk to Azure, built once from the global flags.

use crate::{
    azure::arm::{
        Arm, LroPolicy, RetryPolicy, api,
        models::{ManagedCluster, UserAssignedIdentity},
    },
    azure::auth,
    cli::GlobalArgs,
    azure::cloud::Cloud,
    error::{Error, Result},
    azure::http::{Http, HttpOptions, SharedHttp},
    ui::output::{OutputFormat, Ui},
    plan::RunOptions,
};
use azure_core::credentials::TokenCredential;
use std::{sync::Arc, time::Duration};

pub struct Azure {
    pub arm: Arm,
    pub credential: Arc<dyn TokenCredential>,
    pub cloud: Cloud,
    pub http: SharedHttp,
    pub subscription: String,
}

impl Azure {
    /// Validate configuration (cloud, CA bundle, subscription) and build clients. No network I/O.
    pub fn from_globals(g: &GlobalArgs) -> Result<Azure> {
        let cloud = Cloud::resolve(&g.cloud)?;
        let subscription = g.subscription.clone().ok_or_else(|| {
            Error::usage(
                "--subscription is required (or set AZURE_SUBSCRIPTION_ID): the subscription ID holding the resources",
            )
        })?;
        let http = Arc::new(
            Http::new(&HttpOptions {
                ca_bundle: g.ca_bundle.clone(),
                resolve: g.resolve.clone(),
                timeout: Some(Duration::from_secs(g.timeout.max(1))),
            })
            .map_err(Error::Usage)?,
        );
        let credential = auth::credential(g.auth, &http, &cloud)?;
        let mut arm = Arm::new(
            http.clone(),
            credential.clone(),
            cloud.resource_manager.clone(),
            cloud.arm_scope(),
        );
        arm.retry = RetryPolicy {
            max_attempts: g.retries + 1,
            ..retry_from_env()
        };
        arm.lro = LroPolicy {
            timeout: Duration::from_secs(g.lro_timeout),
            ..LroPolicy::default()
        };
        Ok(Azure {
            arm,
            credential,
            cloud,
            http,
            subscription,
        })
    }

    /// A client for Microsoft Graph (same retries and transport as ARM), when the cloud has one.
    pub fn graph(&self) -> Option<Arm> {
        let base = self.cloud.microsoft_graph.clone()?;
        let scope = format!("{}/.default", base.as_str().trim_end_matches('/'));
        let mut graph = Arm::new(self.http.clone(), self.credential.clone(), base, scope);
        graph.retry = self.arm.retry.clone();
        Some(graph)
    }

    /// A Key Vault data-plane client for the vault at `vault_uri` (from the vault's ARM properties).
    pub fn secret_client(&self, vault_uri: &url::Url) -> Result<azure_security_keyvault_secrets::SecretClient> {
        crate::azure::keyvault::secret_client(&self.http, self.credential.clone(), vault_uri)
    }

    /// The cluster as read — raw JSON (for read-modify-write) and its typed view. Not found is an error.
    pub async fn cluster(&self, rg: &str, name: &str) -> Result<(serde_json::Value, ManagedCluster)> {
        let doc = self
            .arm
            .get_opt(&self.cluster_path(rg, name), api::CONTAINER_SERVICE)
            .await?
            .ok_or_else(|| {
                Error::runtime(format!(
                    "cluster {rg}/{name} was not found in subscription {}",
                    self.subscription
                ))
            })?;
        let mc = serde_json::from_value(doc.clone())
            .map_err(|e| Error::runtime(format!("unexpected managedCluster document: {e}")))?;
        Ok((doc, mc))
    }

    /// The kubelet's managed identity, or an error that names the two commands that create it.
    pub async fn kubelet_identity(&self, rg: &str, name: &str) -> Result<UserAssignedIdentity> {
        let (_, mc) = self.cluster(rg, name).await?;
        match (mc.uses_service_principal(), mc.kubelet_identity()) {
            (false, Some(k)) => Ok(k.clone()),
            _ => Err(Error::runtime(format!(
                "cluster {rg}/{name} has no kubelet managed identity: it still uses a service principal. \
                 Run `kvwire cluster enable-managed-identity -g {rg} -n {name}`, then `kvwire nodepool upgrade-image -g {rg} --cluster {name} --all`"
            ))),
        }
    }

    pub fn cluster_path(&self, rg: &str, name: &str) -> String {
        format!(
            "/subscriptions/{}/resourceGroups/{rg}/providers/Microsoft.ContainerService/managedClusters/{name}",
            self.subscription
        )
    }
}

/// `KVWIRE_RETRY_BASE_MS` shortens the first backoff (tests, or very patient pipelines lengthen it).
fn retry_from_env() -> RetryPolicy {
    let mut p = RetryPolicy::default();
    if let Some(ms) = std::env::var("KVWIRE_RETRY_BASE_MS")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
    {
        p.base_delay = Duration::from_millis(ms);
    }
    p
}

/// Plan-runner options from the global flags.
pub fn run_options(g: &GlobalArgs, command: &str, ui: &Ui, parallel: usize) -> Result<RunOptions> {
    if ui.format == OutputFormat::Env {
        return Err(Error::usage(
            "-o env prints values and only fits commands such as kubelet-identity; use text, json or yaml here",
        ));
    }
    Ok(RunOptions {
        command: command.into(),
        dry_run: g.dry_run,
        yes: g.yes,
        detailed_exitcode: g.detailed_exitcode,
        parallel,
        observe_parallel: parallel.max(crate::plan::OBSERVE_CONCURRENCY),
    })
}
