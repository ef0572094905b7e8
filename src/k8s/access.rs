//! Reaching a cluster's Kubernetes API: the kubeconfig's context when it points at this cluster,
//! else the cluster user credential from Azure, signed in with kvwire's own Azure credential
//! where AKS would have kubelogin do it.

use crate::{
    azure::{
        arm::{api, models::ManagedCluster},
        context::Azure,
    },
    error::{Error, Result},
};
use kube::config::{KubeConfigOptions, Kubeconfig};
use std::{path::PathBuf, time::Duration};

/// The AKS AAD server application: the audience of every token an Entra-integrated cluster
/// accepts (kubelogin's `--server-id`; AKS docs, kubelogin-authentication: "the AKS AAD server
/// ID 6dae42f8-4368-4678-94ff-3960e28e3630").
pub(crate) const AKS_SERVER_APP: &str = "6dae42f8-4368-4678-94ff-3960e28e3630";

/// How long to try to open a connection to the API server before calling it unreachable: a
/// private or firewalled API server drops packets, and kvwire must not hang on it.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long one request may take once connected.
const READ_TIMEOUT: Duration = Duration::from_secs(30);

/// Where the cluster's credentials come from.
#[derive(Debug, Clone, Default)]
pub(crate) struct AccessOptions {
    /// `--kubeconfig` (else `KUBECONFIG`, else `~/.kube/config`).
    pub(crate) kubeconfig: Option<PathBuf>,
    /// `--context` (else the kubeconfig's current context).
    pub(crate) context: Option<String>,
    /// `--admin`: the cluster admin credential instead of the user one.
    pub(crate) admin: bool,
}

/// A client for the cluster's API, and how it was reached (for the report).
pub(crate) struct Reached {
    pub(crate) client: kube::Client,
    pub(crate) via: String,
}

/// Why the cluster's API cannot be used, with what to do instead.
#[derive(Debug)]
pub(crate) struct Unreachable(pub(crate) String);

impl std::fmt::Display for Unreachable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Connect to cluster `rg/name` and prove it answers (`GET /api`).
pub(crate) async fn connect(
    az: &Azure,
    rg: &str,
    name: &str,
    mc: &ManagedCluster,
    opts: &AccessOptions,
) -> std::result::Result<Reached, Unreachable> {
    let hosts = mc.api_server_hosts();
    let local = local_context(opts, &hosts);
    if let Some(named) = &opts.context
        && local.is_none()
    {
        return Err(Unreachable(format!(
            "--context: no context {named:?} in {}",
            opts.kubeconfig
                .as_ref()
                .map_or("the kubeconfig (KUBECONFIG or ~/.kube/config)".to_string(), |p| p
                    .display()
                    .to_string())
        )));
    }
    let (kubeconfig, context, via) = match local {
        Some((kc, ctx)) => {
            let via = format!("kubeconfig context {ctx}");
            (kc, Some(ctx), via)
        }
        None => {
            let kc = credential(az, rg, name, opts.admin).await.map_err(|e| {
                Unreachable(format!(
                    "cannot get credentials for cluster {rg}/{name}: {e}. Your kubeconfig can be used instead: `az aks get-credentials -g {rg} -n {name}`, then --context"
                ))
            })?;
            let what = if opts.admin { "admin" } else { "user" };
            (kc, None, format!("the cluster {what} credential from Azure"))
        }
    };
    let options = KubeConfigOptions {
        context: context.clone(),
        ..KubeConfigOptions::default()
    };
    let mut config = kube::Config::from_custom_kubeconfig(kubeconfig, &options)
        .await
        .map_err(|e| Unreachable(format!("the kubeconfig for cluster {rg}/{name} cannot be used: {e}")))?;
    // kubelogin (an exec plugin) would sign in again on its own; kvwire uses the Azure credential
    // it already has, as `kubelogin convert-kubeconfig -l azurecli` does, so nothing else needs
    // installing and CI's workload identity works the same.
    if uses_kubelogin(&config.auth_info) || (mc.entra_integrated() && config.auth_info.exec.is_some()) {
        let scope = format!("{AKS_SERVER_APP}/.default");
        let token = az
            .credential
            .get_token(&[&scope], None)
            .await
            .map_err(|e| Unreachable(format!("cannot sign in to cluster {rg}/{name}'s API: {e}")))?;
        config.auth_info.exec = None;
        config.auth_info.auth_provider = None;
        config.auth_info.token = Some(token.token.secret().to_string().into());
    }
    config.connect_timeout = Some(CONNECT_TIMEOUT);
    config.read_timeout = Some(READ_TIMEOUT);
    config.reset_reader_on_write = true;
    let server = config.cluster_url.to_string();
    let client = kube::Client::try_from(config).map_err(|e| {
        Unreachable(format!(
            "cannot use the API server of cluster {rg}/{name} ({server}): {e}"
        ))
    })?;
    // The connect timeout does not cover the name lookup (a private FQDN outside its network may
    // take its resolver's time to fail): the whole probe is bounded too.
    let probe = tokio::time::timeout(CONNECT_TIMEOUT + READ_TIMEOUT, client.list_core_api_versions()).await;
    let out_of_reach = |what: String| {
        let private = if mc.private() {
            " It is a private cluster: its API server answers only inside its virtual network."
        } else {
            ""
        };
        Unreachable(format!(
            "cannot reach the API server of cluster {rg}/{name} ({server}): {what}.{private} Run kvwire where it can reach the API server, or run kubectl in the cluster with `az aks command invoke -g {rg} -n {name} --command \"kubectl get pods -A\"`"
        ))
    };
    let Ok(probe) = probe else {
        return Err(out_of_reach(format!(
            "no answer in {} s",
            (CONNECT_TIMEOUT + READ_TIMEOUT).as_secs()
        )));
    };
    match probe {
        Ok(_) => Ok(Reached { client, via }),
        Err(kube::Error::Api(s)) if s.code == 401 || s.code == 403 => Err(Unreachable(format!(
            "the API server of cluster {rg}/{name} refused kvwire's credential ({} {}): {}",
            s.code, s.reason, s.message
        ))),
        Err(e) => Err(out_of_reach(
            e.to_string().lines().next().unwrap_or_default().to_string(),
        )),
    }
}

/// The kubeconfig context to use: `--context` as named (the user chose it), else the current
/// context when its server is one of `hosts` (the cluster's API server names).
fn local_context(opts: &AccessOptions, hosts: &[&str]) -> Option<(Kubeconfig, String)> {
    let kc = match &opts.kubeconfig {
        Some(path) => Kubeconfig::read_from(path).ok()?,
        None => Kubeconfig::read().ok()?,
    };
    if let Some(named) = &opts.context {
        let found = kc.contexts.iter().any(|c| c.name == *named);
        return found.then(|| (kc, named.clone()));
    }
    let name = kc.current_context.clone()?;
    let host = server_host(&kc, &name)?;
    hosts
        .iter()
        .any(|h| h.eq_ignore_ascii_case(&host))
        .then_some((kc, name))
}

/// The host of context `name`'s API server.
fn server_host(kc: &Kubeconfig, name: &str) -> Option<String> {
    let context = kc.contexts.iter().find(|c| c.name == name)?.context.as_ref()?;
    let cluster = kc
        .clusters
        .iter()
        .find(|c| c.name == context.cluster)?
        .cluster
        .as_ref()?;
    url::Url::parse(cluster.server.as_deref()?)
        .ok()?
        .host_str()
        .map(str::to_owned)
}

/// `listClusterUserCredential` (or the admin one): the kubeconfig AKS hands out, as
/// `az aks get-credentials` fetches it (API: managedClusters.json, ListClusterUserCredentials).
async fn credential(az: &Azure, rg: &str, name: &str, admin: bool) -> Result<Kubeconfig> {
    let action = if admin {
        "listClusterAdminCredential"
    } else {
        "listClusterUserCredential"
    };
    let path = format!("{}/{action}", az.cluster_id(rg, name));
    let doc = az
        .arm
        .post(&path, api::CONTAINER_SERVICE, None, &|_| {})
        .await?
        .unwrap_or_default();
    let encoded = doc
        .pointer("/kubeconfigs/0/value")
        .and_then(|v| v.as_str())
        .ok_or_else(|| Error::runtime(format!("{action} returned no kubeconfig")))?;
    let bytes = azure_core::base64::decode(encoded)
        .map_err(|e| Error::runtime(format!("{action}: the kubeconfig is not base64: {e}")))?;
    let text =
        String::from_utf8(bytes).map_err(|_| Error::runtime(format!("{action}: the kubeconfig is not UTF-8")))?;
    Kubeconfig::from_yaml(&text).map_err(|e| Error::runtime(format!("{action}: {e}")))
}

/// Whether the user signs in through kubelogin (the exec plugin AKS's kubeconfigs name).
fn uses_kubelogin(user: &kube::config::AuthInfo) -> bool {
    user.exec
        .as_ref()
        .and_then(|e| e.command.as_deref())
        .is_some_and(|c| std::path::Path::new(c).file_stem().is_some_and(|s| s == "kubelogin"))
}

/// The host of the current context's API server, when a kubeconfig says (`migrate` uses it to
/// find the cluster).
pub(crate) fn current_server_host() -> Option<String> {
    let kc = Kubeconfig::read().ok()?;
    server_host(&kc, kc.current_context.as_deref()?)
}
