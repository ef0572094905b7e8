//! The Kubernetes side of an onboarding — SecretProviderClass, ServiceAccount, Deployment — built
//! from IDs read from Azure (or given offline), never guessed.

use super::spc::{self, IdentityMode, SpcSpec, VaultObject};
use crate::{
    azure::cloud::Cloud,
    error::{Error, Result},
    model::{PodIdentity, secrets},
    ui::output::to_yaml,
    warn,
};
use serde_json::{Value, json};

/// Default secrets: the four DB values `secrets seed` writes.
const MOUNT_PATH: &str = "/mnt/secrets-store";
const VOLUME: &str = "secrets-store";

/// The IDs that come from Azure.
pub struct Resolved {
    pub keyvault_name: String,
    pub tenant_id: String,
    pub client_id: Option<String>,
    pub cloud: Cloud,
}

/// What to emit, independent of where the IDs come from.
#[derive(Debug, Clone)]
pub struct Config {
    pub namespace: String,
    pub mode: PodIdentity,
    pub secrets: Vec<String>,
    pub sync_secret: Option<String>,
    /// (name, image)
    pub deployment: Option<(String, String)>,
    pub service_account: String,
    pub name: Option<String>,
}

impl Config {
    /// The four DB secrets, env-style: what `secrets seed` writes when nothing else is said.
    pub fn default_secrets() -> Vec<String> {
        secrets::default_mappings().into_iter().map(|m| m.secret).collect()
    }
}

/// One file per object: `secretproviderclass.yaml`, `serviceaccount.yaml`, `deployment.yaml`.
pub fn files(docs: &[Value]) -> Vec<(String, String)> {
    docs.iter()
        .map(|d| {
            (
                format!("{}.yaml", d["kind"].as_str().unwrap_or("object").to_ascii_lowercase()),
                to_yaml(d),
            )
        })
        .collect()
}

/// The provider's cloudName for kvwire's built-in clouds (the public cloud is its default).
pub fn provider_cloud_name(cloud: &Cloud) -> Option<String> {
    match cloud.name.as_str() {
        "AzureUSGovernment" => Some("AzureUSGovernmentCloud".into()),
        "AzureChinaCloud" => Some("AzureChinaCloud".into()),
        _ => None,
    }
}

pub fn build(cfg: &Config, r: &Resolved) -> Result<Vec<Value>> {
    let mode = match cfg.mode {
        PodIdentity::WorkloadIdentity => IdentityMode::WorkloadIdentity {
            client_id: r
                .client_id
                .clone()
                .ok_or_else(|| Error::runtime("the identity has no clientId"))?,
        },
        PodIdentity::Kubelet | PodIdentity::VmIdentity => IdentityMode::VmIdentity {
            user_assigned_client_id: r.client_id.clone(),
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
    let mut docs = vec![spc::secret_provider_class(&spec)];
    let workload = matches!(spec.mode, IdentityMode::WorkloadIdentity { .. });
    if workload {
        docs.push(json!({
            "apiVersion": "v1",
            "kind": "ServiceAccount",
            "metadata": {
                "name": cfg.service_account,
                "namespace": cfg.namespace,
                "labels": super::managed_by_label(),
                "annotations": {
                    "azure.workload.identity/client-id": r.client_id,
                    "azure.workload.identity/tenant-id": r.tenant_id,
                },
            },
        }));
    }
    if let Some((name, image)) = &cfg.deployment {
        docs.push(deployment(
            name,
            image,
            &cfg.namespace,
            &spec,
            workload.then_some(cfg.service_account.as_str()),
        ));
    }
    Ok(docs)
}

fn deployment(name: &str, image: &str, namespace: &str, spec: &SpcSpec, service_account: Option<&str>) -> Value {
    let mut labels = super::managed_by_label();
    labels["app"] = json!(name);
    let mut pod_labels = json!({"app": name});
    if service_account.is_some() {
        // The workload identity webhook injects the token only into pods with this label.
        pod_labels["azure.workload.identity/use"] = json!("true");
    }
    let mut container = json!({
        "name": name,
        "image": image,
        "volumeMounts": [{"name": VOLUME, "mountPath": MOUNT_PATH, "readOnly": true}],
    });
    if let Some(secret) = &spec.sync_secret {
        let env: Vec<Value> = spec
            .objects
            .iter()
            .map(|o| {
                let key = secrets::env_key(&o.name);
                json!({"name": key, "valueFrom": {"secretKeyRef": {"name": secret, "key": key}}})
            })
            .collect();
        container["env"] = json!(env);
    }
    let mut pod_spec = json!({
        "containers": [container],
        "volumes": [{
            "name": VOLUME,
            "csi": {"driver": spc::CSI_DRIVER, "readOnly": true, "volumeAttributes": {"secretProviderClass": spec.name}},
        }],
    });
    if let Some(sa) = service_account {
        pod_spec["serviceAccountName"] = json!(sa);
    }
    json!({
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "namespace": namespace, "labels": labels},
        "spec": {
            "replicas": 1,
            "selector": {"matchLabels": {"app": name}},
            "template": {"metadata": {"labels": pod_labels}, "spec": pod_spec},
        },
    })
}
