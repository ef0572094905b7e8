//! The Kubernetes side of an onboarding — SecretProviderClass, ServiceAccount, Deployment — built
//! from IDs read from Azure (or given offline), never guessed.

use super::spc::{self, IdentityMode, SpcSpec, VaultObject};
use crate::{
    azure::cloud::Cloud,
    error::{Error, Result},
    model::{Consumer, PodIdentity, secrets},
    ui::output::to_yaml,
    warn,
};
use serde_json::{Value, json};

/// Default secrets: the four DB values `secrets seed` writes.
const MOUNT_PATH: &str = "/mnt/secrets-store";
const VOLUME: &str = "secrets-store";

/// The IDs that come from Azure.
pub(crate) struct Resolved {
    pub(crate) keyvault_name: String,
    /// The vault's `vaultUri` (what an SDK client is built with).
    pub(crate) vault_uri: String,
    pub(crate) tenant_id: String,
    pub(crate) client_id: Option<String>,
    pub(crate) cloud: Cloud,
}

/// The env var an SDK app reads a vault's URL from.
pub(crate) const KEYVAULT_URL_ENV: &str = "KEYVAULT_URL";

/// The env var that names one secret for an SDK app: `DB_PASSWORD_SECRET_NAME=db-password`.
pub(crate) fn secret_name_env(secret: &str) -> String {
    format!("{}_SECRET_NAME", secrets::env_key(secret))
}

/// What to emit, independent of where the IDs come from.
#[derive(Debug, Clone)]
pub(crate) struct Config {
    pub(crate) namespace: String,
    pub(crate) mode: PodIdentity,
    pub(crate) consumer: Consumer,
    pub(crate) secrets: Vec<String>,
    pub(crate) sync_secret: Option<String>,
    /// (name, image)
    pub(crate) deployment: Option<(String, String)>,
    pub(crate) service_account: String,
    pub(crate) name: Option<String>,
    /// identity-binding: every service account that may use the identity, as (namespace, name);
    /// empty: the one above. Each gets an annotated ServiceAccount and a subject in the RBAC.
    pub(crate) bound: Vec<(String, String)>,
    /// identity-binding: whose ClusterRoleBinding this is (the runbook's name), so two runbooks on
    /// one identity do not overwrite each other's subjects; `None`: the namespace.
    pub(crate) owner: Option<String>,
}

impl Config {
    /// The four DB secrets, env-style: what `secrets seed` writes when nothing else is said.
    pub(crate) fn default_secrets() -> Vec<String> {
        secrets::default_mappings().into_iter().map(|m| m.secret).collect()
    }
}

/// Every name [`files`] gives: a runbook's manifests step checks them all for links before any
/// write, even before it knows which it will write.
pub(crate) const FILE_NAMES: [&str; 5] = [
    "secretproviderclass.yaml",
    "serviceaccount.yaml",
    "clusterrole.yaml",
    "clusterrolebinding.yaml",
    "deployment.yaml",
];

/// One file per kind of object, in the order they come: `secretproviderclass.yaml`,
/// `serviceaccount.yaml` (one document per account), `clusterrole.yaml`,
/// `clusterrolebinding.yaml`, `deployment.yaml`.
pub(crate) fn files(docs: &[Value]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = vec![];
    for d in docs {
        let name = format!("{}.yaml", d["kind"].as_str().unwrap_or("object").to_ascii_lowercase());
        debug_assert!(FILE_NAMES.contains(&name.as_str()), "{name} missing from FILE_NAMES");
        match out.iter_mut().find(|(n, _)| *n == name) {
            Some((_, text)) => {
                text.push_str("---\n");
                text.push_str(&to_yaml(d));
            }
            None => out.push((name, to_yaml(d))),
        }
    }
    out
}

/// The pod annotation for which the workload identity webhook injects the token proxy's settings
/// (AKS docs, identity-bindings.md).
pub(crate) const USE_IDENTITY_BINDING: &str = "azure.workload.identity/use-identity-binding";

/// The RBAC verb, API group and resource (the identity's client ID) that AKS's identity binding
/// checks before it exchanges a service account's token (identity-bindings.md, "Authorize
/// namespaces and service accounts").
const USE_IDENTITY_VERB: &str = "use-managed-identity";
const USE_IDENTITY_GROUP: &str = "cid.wi.aks.azure.com";

/// The ClusterRole that lets its subjects use the identity `client_id` through a binding, as the
/// AKS docs name it (`use-mi-<client id>`): the same for every runbook on that identity.
pub(crate) fn use_identity_role(client_id: &str) -> Value {
    json!({
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "ClusterRole",
        "metadata": {"name": format!("use-mi-{client_id}"), "labels": super::managed_by_label()},
        "rules": [{"verbs": [USE_IDENTITY_VERB], "apiGroups": [USE_IDENTITY_GROUP], "resources": [client_id]}],
    })
}

/// Which service accounts may use it: one ClusterRoleBinding per owner.
pub(crate) fn use_identity_binding(client_id: &str, owner: &str, accounts: &[(String, String)]) -> Value {
    let role = format!("use-mi-{client_id}");
    let subjects: Vec<Value> = accounts
        .iter()
        .map(|(ns, sa)| json!({"kind": "ServiceAccount", "name": sa, "namespace": ns}))
        .collect();
    json!({
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "ClusterRoleBinding",
        "metadata": {"name": format!("{role}-{owner}"), "labels": super::managed_by_label()},
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": role},
        "subjects": subjects,
    })
}

/// The service accounts an identity binding's RBAC names, from its documents (for `verify`).
pub(crate) fn bound_subjects(doc: &Value, client_id: &str) -> Option<Vec<(String, String)>> {
    let role = format!("use-mi-{client_id}");
    (doc["kind"] == "ClusterRoleBinding" && doc["roleRef"]["name"].as_str() == Some(role.as_str())).then(|| {
        doc["subjects"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|s| s["kind"] == "ServiceAccount")
            .filter_map(|s| Some((s["namespace"].as_str()?.to_string(), s["name"].as_str()?.to_string())))
            .collect()
    })
}

/// The provider's cloudName for kvwire's built-in clouds (the public cloud is its default).
pub(crate) fn provider_cloud_name(cloud: &Cloud) -> Option<String> {
    match cloud.name.as_str() {
        "AzureUSGovernment" => Some("AzureUSGovernmentCloud".into()),
        "AzureChinaCloud" => Some("AzureChinaCloud".into()),
        _ => None,
    }
}

pub(crate) fn build(cfg: &Config, r: &Resolved) -> Result<Vec<Value>> {
    if cfg.sync_secret.is_some() && !cfg.consumer.mounts() {
        return Err(Error::usage(
            "sync_as_k8s_secret (--sync-as-k8s-secret) syncs what the CSI driver mounts: it needs consumer csi or both",
        ));
    }
    let mode = match cfg.mode {
        PodIdentity::WorkloadIdentity => IdentityMode::WorkloadIdentity {
            client_id: r
                .client_id
                .clone()
                .ok_or_else(|| Error::runtime("the identity has no clientId"))?,
        },
        PodIdentity::IdentityBinding => IdentityMode::IdentityBinding {
            client_id: r
                .client_id
                .clone()
                .ok_or_else(|| Error::runtime("the identity has no clientId"))?,
        },
        PodIdentity::Kubelet | PodIdentity::VmIdentity => IdentityMode::VmIdentity {
            user_assigned_client_id: r.client_id.clone(),
        },
        PodIdentity::AddonIdentity => IdentityMode::VmIdentity {
            user_assigned_client_id: Some(
                r.client_id
                    .clone()
                    .ok_or_else(|| Error::runtime("the CSI driver add-on has no identity yet"))?,
            ),
        },
        PodIdentity::PodIdentity => {
            warn!(
                "AAD pod identity is deprecated and no longer supported on new clusters: prefer --mode workload-identity"
            );
            IdentityMode::PodIdentity
        }
    };
    let spec = SpcSpec {
        name: cfg
            .name
            .clone()
            .unwrap_or_else(|| format!("kvwire-{}", r.keyvault_name)),
        namespace: cfg.namespace.clone(),
        keyvault_name: r.keyvault_name.clone(),
        tenant_id: r.tenant_id.clone(),
        cloud_name: provider_cloud_name(&r.cloud),
        objects: cfg
            .secrets
            .iter()
            .map(|s| VaultObject {
                name: s.clone(),
                kind: "secret".into(),
                alias: None,
            })
            .collect(),
        sync_secret: cfg.sync_secret.clone(),
        mode,
    };
    let mut docs = vec![];
    if cfg.consumer.mounts() {
        docs.push(spc::secret_provider_class(&spec));
    }
    let bound = matches!(spec.mode, IdentityMode::IdentityBinding { .. });
    let workload = bound || matches!(spec.mode, IdentityMode::WorkloadIdentity { .. });
    let accounts = if bound && !cfg.bound.is_empty() {
        cfg.bound.clone()
    } else {
        vec![(cfg.namespace.clone(), cfg.service_account.clone())]
    };
    if workload {
        for (ns, sa) in &accounts {
            docs.push(json!({
                "apiVersion": "v1",
                "kind": "ServiceAccount",
                "metadata": {
                    "name": sa,
                    "namespace": ns,
                    "labels": super::managed_by_label(),
                    "annotations": {
                        "azure.workload.identity/client-id": r.client_id,
                        "azure.workload.identity/tenant-id": r.tenant_id,
                    },
                },
            }));
        }
    }
    if let IdentityMode::IdentityBinding { client_id } = &spec.mode {
        let owner = cfg.owner.clone().unwrap_or_else(|| cfg.namespace.clone());
        docs.push(use_identity_role(client_id));
        docs.push(use_identity_binding(client_id, &owner, &accounts));
    }
    if let Some((name, image)) = &cfg.deployment {
        let app = App {
            name,
            image,
            namespace: &cfg.namespace,
            spc: cfg.consumer.mounts().then_some(&spec),
            service_account: workload.then_some(cfg.service_account.as_str()),
            token_proxy: bound,
            sdk: cfg.consumer.reads_with_sdk().then(|| sdk_env(cfg, r)),
        };
        docs.push(deployment(&app));
    }
    Ok(docs)
}

/// What an app that reads Key Vault itself needs: the vault's URL, each secret's name, and — on
/// an identity of the nodes — which one to use. In workload-identity mode the webhook injects
/// AZURE_CLIENT_ID, AZURE_TENANT_ID, AZURE_FEDERATED_TOKEN_FILE and AZURE_AUTHORITY_HOST
/// (azure-workload-identity `pkg/webhook/consts.go`), so nothing more is written.
fn sdk_env(cfg: &Config, r: &Resolved) -> Vec<Value> {
    let mut env = vec![json!({"name": KEYVAULT_URL_ENV, "value": r.vault_uri})];
    env.extend(
        cfg.secrets
            .iter()
            .map(|s| json!({"name": secret_name_env(s), "value": s})),
    );
    if cfg.mode.uses_node_identity()
        && let Some(id) = &r.client_id
    {
        env.push(json!({"name": "AZURE_CLIENT_ID", "value": id}));
    }
    env
}

/// The Deployment's parts.
struct App<'a> {
    name: &'a str,
    image: &'a str,
    namespace: &'a str,
    /// Mount this SecretProviderClass.
    spc: Option<&'a SpcSpec>,
    service_account: Option<&'a str>,
    /// Through an identity binding: the webhook injects the token proxy's settings into pods
    /// annotated `azure.workload.identity/use-identity-binding: "true"` (identity-bindings.md).
    token_proxy: bool,
    /// Env vars for an app that reads Key Vault itself.
    sdk: Option<Vec<Value>>,
}

fn deployment(app: &App) -> Value {
    let name = app.name;
    let mut labels = super::managed_by_label();
    labels["app"] = json!(name);
    let mut pod_labels = json!({"app": name});
    if app.service_account.is_some() {
        // The workload identity webhook injects the token only into pods with this label.
        pod_labels["azure.workload.identity/use"] = json!("true");
    }
    let mut container = json!({"name": name, "image": app.image});
    let mut env: Vec<Value> = vec![];
    let mut pod_spec = json!({"containers": []});
    if let Some(spec) = app.spc {
        container["volumeMounts"] = json!([{"name": VOLUME, "mountPath": MOUNT_PATH, "readOnly": true}]);
        if let Some(secret) = &spec.sync_secret {
            env.extend(spec.objects.iter().map(|o| {
                let key = secrets::env_key(&o.name);
                json!({"name": key, "valueFrom": {"secretKeyRef": {"name": secret, "key": key}}})
            }));
        }
        pod_spec["volumes"] = json!([{
            "name": VOLUME,
            "csi": {"driver": spc::CSI_DRIVER, "readOnly": true, "volumeAttributes": {"secretProviderClass": spec.name}},
        }]);
    }
    env.extend(app.sdk.iter().flatten().cloned());
    if !env.is_empty() {
        container["env"] = json!(env);
    }
    pod_spec["containers"] = json!([container]);
    if let Some(sa) = app.service_account {
        pod_spec["serviceAccountName"] = json!(sa);
    }
    let mut template = json!({"metadata": {"labels": pod_labels}, "spec": pod_spec});
    if app.token_proxy {
        template["metadata"]["annotations"] = json!({ USE_IDENTITY_BINDING: "true" });
    }
    json!({
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "namespace": app.namespace, "labels": labels},
        "spec": {
            "replicas": 1,
            "selector": {"matchLabels": {"app": name}},
            "template": template,
        },
    })
}
