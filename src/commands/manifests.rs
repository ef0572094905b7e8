//! `kvwire manifests`: the Kubernetes side — SecretProviderClass, ServiceAccount, Deployment —
//! with every ID read from Azure (or, with --offline, from flags), never guessed.

use crate::{
    azure::arm::api,
    cli::{GlobalArgs, ManifestMode, ManifestsArgs},
    azure::cloud::Cloud,
    azure::context::Azure,
    error::{Error, Result},
    ui::output::{OutputFormat, Ui, to_yaml},
    k8s::spc::{self, IdentityMode, SpcSpec, VaultObject},
    azure::vault, warn,
};
use serde_json::{Value, json};

/// Default secrets: the four DB values `secrets seed` writes.
pub const DEFAULT_SECRETS: [&str; 4] = ["db-host", "db-name", "db-username", "db-password"];
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
    pub mode: ManifestMode,
    pub secrets: Vec<String>,
    pub sync_secret: Option<String>,
    /// (name, image)
    pub deployment: Option<(String, String)>,
    pub service_account: String,
    pub name: Option<String>,
}

impl Config {
    fn from_args(a: &ManifestsArgs) -> Config {
        Config {
            namespace: a.namespace.clone(),
            mode: a.mode,
            secrets: if a.secrets.is_empty() {
                DEFAULT_SECRETS.iter().map(|s| s.to_string()).collect()
            } else {
                a.secrets.clone()
            },
            sync_secret: a.sync_as_k8s_secret.clone(),
            deployment: a.deployment.clone().zip(a.image.clone()),
            service_account: a.service_account.clone(),
            name: a.name.clone(),
        }
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

pub async fn run(args: &ManifestsArgs, g: &GlobalArgs, ui: &Ui) -> Result<u8> {
    let resolved = if args.offline {
        offline(args, g)?
    } else {
        online(args, g).await?
    };
    let docs = build(&Config::from_args(args), &resolved)?;
    if let Some(dir) = &args.out_dir {
        std::fs::create_dir_all(dir).map_err(|e| Error::usage(format!("--out-dir {}: {e}", dir.display())))?;
        for (name, text) in files(&docs) {
            let file = dir.join(name);
            std::fs::write(&file, text).map_err(|e| Error::runtime(format!("writing {}: {e}", file.display())))?;
            if !ui.quiet {
                eprintln!("wrote {}", file.display());
            }
        }
        return Ok(0);
    }
    // Manifests are YAML even when piped; only an explicit -o json gives a List document.
    match g.output {
        Some(OutputFormat::Json) => ui.print_document(&json!({"apiVersion": "v1", "kind": "List", "items": docs})),
        Some(OutputFormat::Env) => {
            return Err(Error::usage(
                "-o env does not fit manifests: use yaml (default) or json",
            ));
        }
        _ => {
            let texts: Vec<String> = docs.iter().map(to_yaml).collect();
            print!("{}", texts.join("---\n"));
        }
    }
    Ok(0)
}

fn offline(args: &ManifestsArgs, g: &GlobalArgs) -> Result<Resolved> {
    let tenant_id = args
        .tenant_id
        .clone()
        .ok_or_else(|| Error::usage("--offline needs --tenant-id (the vault's tenant)"))?;
    let needs_client = matches!(args.mode, ManifestMode::WorkloadIdentity | ManifestMode::Kubelet);
    if needs_client && args.client_id.is_none() {
        return Err(Error::usage(
            "--offline with this --mode needs --client-id (the identity the pods use)",
        ));
    }
    Ok(Resolved {
        keyvault_name: args.vault.rsplit('/').next().unwrap_or(&args.vault).to_string(),
        tenant_id,
        client_id: args.client_id.clone(),
        cloud: Cloud::resolve(&g.cloud)?,
    })
}

async fn online(args: &ManifestsArgs, g: &GlobalArgs) -> Result<Resolved> {
    let rg_for = |what: &str| {
        args.identity_resource_group
            .clone()
            .or(args.resource_group.clone())
            .ok_or_else(|| {
                Error::usage(format!(
                    "{what} needs a resource group: pass -g (or --identity-resource-group)"
                ))
            })
    };
    // Check the mode's flags before the first request.
    match args.mode {
        ManifestMode::WorkloadIdentity if args.identity.is_none() => {
            return Err(Error::usage(
                "--mode workload-identity needs --identity NAME (the user-assigned identity of the pods)",
            ));
        }
        ManifestMode::Kubelet if args.cluster.is_none() => {
            return Err(Error::usage("--mode kubelet needs --cluster NAME (with -g)"));
        }
        _ => {}
    }
    let az = Azure::from_globals(g)?;
    let v = vault::find(&az, &args.vault, args.resource_group.as_deref()).await?;
    let client_id = match (args.mode, &args.identity, &args.cluster) {
        (ManifestMode::Kubelet, _, Some(cluster)) => {
            let rg = args
                .resource_group
                .clone()
                .ok_or_else(|| Error::usage("--cluster needs -g"))?;
            az.kubelet_identity(&rg, cluster).await?.client_id
        }
        (ManifestMode::WorkloadIdentity | ManifestMode::VmIdentity, Some(name), _) => {
            let rg = rg_for("--identity")?;
            let path = format!(
                "/subscriptions/{}/resourceGroups/{rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/{name}",
                az.subscription
            );
            let doc = az.arm.get_opt(&path, api::MANAGED_IDENTITY).await?.ok_or_else(|| {
                Error::runtime(format!(
                    "managed identity {rg}/{name} was not found (create it with `kvwire workload-identity`)"
                ))
            })?;
            doc.pointer("/properties/clientId")
                .and_then(Value::as_str)
                .map(str::to_owned)
        }
        _ => None,
    };
    Ok(Resolved {
        keyvault_name: v.name,
        tenant_id: v.tenant_id,
        client_id,
        cloud: az.cloud.clone(),
    })
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
        ManifestMode::WorkloadIdentity => IdentityMode::WorkloadIdentity {
            client_id: r
                .client_id
                .clone()
                .ok_or_else(|| Error::runtime("the identity has no clientId"))?,
        },
        ManifestMode::Kubelet | ManifestMode::VmIdentity => IdentityMode::VmIdentity {
            user_assigned_client_id: r.client_id.clone(),
        },
        ManifestMode::PodIdentity => {
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
                "labels": {"app.kubernetes.io/managed-by": "kvwire"},
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
                let key = spc::env_key(&o.name);
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
        "metadata": {"name": name, "namespace": namespace, "labels": {"app": name, "app.kubernetes.io/managed-by": "kvwire"}},
        "spec": {
            "replicas": 1,
            "selector": {"matchLabels": {"app": name}},
            "template": {"metadata": {"labels": pod_labels}, "spec": pod_spec},
        },
    })
}

/// Where the pods' client ID comes from when the identity may be created in the same run.
#[derive(Debug, Clone)]
pub enum ClientSource {
    /// A user-assigned identity's resource path.
    Identity(String),
    Kubelet {
        rg: String,
        cluster: String,
    },
}

/// A runbook step: the manifest files in `out_dir`, rendered from what Azure holds.
pub struct ManifestFiles {
    pub az: std::sync::Arc<Azure>,
    pub vault: vault::Vault,
    pub cfg: Config,
    pub out_dir: std::path::PathBuf,
    pub client: ClientSource,
}

impl ManifestFiles {
    /// The files, or `None` while the identity does not exist yet.
    async fn render(&self) -> Result<Option<Vec<(String, String)>>> {
        let client_id = match &self.client {
            ClientSource::Identity(path) => self.az.arm.get_opt(path, api::MANAGED_IDENTITY).await?.and_then(|d| {
                d.pointer("/properties/clientId")
                    .and_then(Value::as_str)
                    .map(str::to_owned)
            }),
            ClientSource::Kubelet { rg, cluster } => match self.az.kubelet_identity(rg, cluster).await {
                Ok(k) => k.client_id,
                Err(Error::Runtime(_)) => None,
                Err(e) => return Err(e),
            },
        };
        let Some(client_id) = client_id else { return Ok(None) };
        let resolved = Resolved {
            keyvault_name: self.vault.name.clone(),
            tenant_id: self.vault.tenant_id.clone(),
            client_id: Some(client_id),
            cloud: self.az.cloud.clone(),
        };
        Ok(Some(files(&build(&self.cfg, &resolved)?)))
    }
}

#[async_trait::async_trait]
impl crate::plan::Step for ManifestFiles {
    async fn plan(&mut self) -> Result<crate::plan::Planned> {
        use crate::plan::{Action, FieldChange, Planned};
        let address = format!("manifests {}", self.out_dir.display());
        let kind = "Kubernetes manifests (local files)";
        let Some(files) = self.render().await? else {
            return Ok(Planned {
                address,
                resource_type: kind.into(),
                action: Action::Create,
                reason: Some("the identity is created earlier in this run".into()),
                changes: vec![FieldChange::unknown("files")],
                warnings: vec![],
                held: None,
            });
        };
        let stale: Vec<&String> = files
            .iter()
            .filter(|(name, text)| {
                std::fs::read_to_string(self.out_dir.join(name)).ok().as_deref() != Some(text.as_str())
            })
            .map(|(name, _)| name)
            .collect();
        if stale.is_empty() {
            return Ok(Planned::no_op(address, kind, "files are up to date"));
        }
        let exists = files.iter().any(|(n, _)| self.out_dir.join(n).exists());
        Ok(Planned {
            address,
            resource_type: kind.into(),
            action: if exists { Action::Update } else { Action::Create },
            reason: None,
            changes: stale
                .iter()
                .map(|n| FieldChange::set(&format!("file {n}"), None, json!("written")))
                .collect(),
            warnings: vec![],
            held: None,
        })
    }

    async fn apply(&mut self, on: crate::azure::arm::OnStatus<'_>) -> Result<()> {
        let files = self
            .render()
            .await?
            .ok_or_else(|| Error::runtime("the pods' identity does not exist yet"))?;
        std::fs::create_dir_all(&self.out_dir)
            .map_err(|e| Error::runtime(format!("creating {}: {e}", self.out_dir.display())))?;
        for (name, text) in files {
            on(&format!("writing {name}"));
            let path = self.out_dir.join(&name);
            std::fs::write(&path, text).map_err(|e| Error::runtime(format!("writing {}: {e}", path.display())))?;
        }
        Ok(())
    }
}
