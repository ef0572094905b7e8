//! `kvwire plan|up|down -f runbook.toml`: every command's steps as one ordered run. Reads happen
//! together (concurrently); writes go phase by phase in dependency order; every step observes
//! before it acts, so a re-run after a failure continues where it stopped and duplicates nothing.

use super::{
    enable_managed_identity,
    grant::{self, GrantSpec, Principal},
    manifests::{self, ClientSource, ManifestFiles},
    seed::{self, SecretValue, SeedPolicy},
    upgrade_image, workload_identity,
};
use crate::{
    azure::arm::{OnStatus, api},
    cli::{GlobalArgs, GrantScope, ManifestMode, RoleChoice, SecretMapping},
    azure::context::{Azure, run_options},
    error::{Error, Result},
    azure::keyvault::KvFailure,
    ui::output::Ui,
    plan::{self, Action, Phased, Planned, Step},
    runbook::{IdentityMode, Loaded, SecretSource},
    azure::vault::{self, Vault},
};
use serde_json::Value;
use std::{collections::HashMap, path::Path, sync::Arc, time::Duration};

/// Phases of `up`, in dependency order.
const CLUSTER: u16 = 0;
const NODE_IMAGES: u16 = 10;
const WORKLOAD_IDENTITY: u16 = 20;
const GRANT: u16 = 60;
const SECRETS: u16 = 70;
const MANIFESTS: u16 = 80;
/// Concurrency within a phase (node pools, secrets).
const PARALLEL: usize = 8;

fn phased(phase: u16, inner: Box<dyn Step>) -> Box<dyn Step> {
    Box::new(Phased {
        phase: phase + inner.phase(),
        inner,
    })
}

/// The runbook's secret values, read before any request: (mappings, values).
type Seeds = (Vec<SecretMapping>, HashMap<String, SecretValue>);

fn read_seeds(rb: &Loaded) -> Result<Option<Seeds>> {
    let Some(s) = &rb.book.secrets else { return Ok(None) };
    let mappings: Vec<SecretMapping> = rb
        .secret_map()
        .into_iter()
        .map(|(key, secret)| SecretMapping { key, secret })
        .collect();
    let (source, origin) = match s.source {
        SecretSource::Env => (
            mappings
                .iter()
                .filter_map(|m| std::env::var(&m.key).ok().map(|v| (m.key.clone(), v)))
                .collect(),
            "the environment".to_string(),
        ),
        SecretSource::File => {
            let path = rb.resolve(s.file.as_deref().expect("checked when the runbook was read"));
            let text = std::fs::read_to_string(&path)
                .map_err(|e| Error::usage(format!("{}: [secrets] file {}: {e}", rb.path.display(), path.display())))?;
            (
                crate::model::dotenv::parse(&text, &path.display().to_string())?,
                path.display().to_string(),
            )
        }
    };
    let values = seed::values_for(&mappings, source, &origin)?;
    Ok(Some((mappings, values)))
}

/// Everything `up` does, as phased steps.
pub async fn up_steps(az: &Arc<Azure>, rb: &Loaded, seeds: Option<Seeds>) -> Result<(Vec<Box<dyn Step>>, Vault)> {
    let b = &rb.book;
    let (rg, cluster) = (&*b.cluster.resource_group, &*b.cluster.name);
    let vault = vault::find(az, &b.vault.name, b.vault.resource_group.as_deref()).await?;
    let mut steps: Vec<Box<dyn Step>> = vec![];
    if b.cluster.managed_identity {
        steps.push(phased(
            CLUSTER,
            enable_managed_identity::step(az.clone(), rg, cluster, None),
        ));
    }
    if b.cluster.upgrade_node_images {
        for s in upgrade_image::steps(az.clone(), rg, cluster, None, false, b.cluster.managed_identity).await? {
            steps.push(phased(NODE_IMAGES, s));
        }
    }
    let (principal, client) = match b.identity.mode {
        IdentityMode::WorkloadIdentity => {
            let name = b.identity.name.as_deref().expect("checked when the runbook was read");
            let id_rg = rb.identity_rg();
            let bindings: Vec<workload_identity::Binding> = b
                .service_accounts
                .iter()
                .map(|sa| workload_identity::Binding {
                    namespace: sa.namespace.0.clone(),
                    service_account: sa.name.0.clone(),
                    credential: None,
                })
                .collect();
            // Cluster features, identity, then each credential in a phase of its own: Azure takes
            // one credential write per identity at a time.
            for (i, s) in workload_identity::steps(az.clone(), rg, cluster, id_rg, name, &bindings)
                .into_iter()
                .enumerate()
            {
                steps.push(phased(WORKLOAD_IDENTITY + i as u16, s));
            }
            let path = format!(
                "/subscriptions/{}/resourceGroups/{id_rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/{name}",
                az.subscription
            );
            (
                Principal::Identity {
                    rg: id_rg.into(),
                    name: name.into(),
                },
                ClientSource::Identity(path),
            )
        }
        IdentityMode::Kubelet => (
            Principal::Kubelet {
                rg: rg.into(),
                cluster: cluster.into(),
            },
            ClientSource::Kubelet {
                rg: rg.into(),
                cluster: cluster.into(),
            },
        ),
    };
    let spec = GrantSpec {
        role: RoleChoice::SecretsUser,
        scope: GrantScope::Vault,
        allow_list: false,
        allow_broad: false,
        principal_wait: Duration::from_secs(300),
    };
    steps.push(phased(
        GRANT,
        grant::step(az.clone(), vault.clone(), principal, &spec, None)?,
    ));
    if let Some((mappings, values)) = seeds {
        let s = b.secrets.as_ref().expect("seeds come from [secrets]");
        let policy = SeedPolicy {
            overwrite: s.overwrite,
            recover: s.recover,
            ..Default::default()
        };
        for step in seed::steps(az, &vault, mappings, values, &policy)? {
            steps.push(phased(SECRETS, step));
        }
    }
    if let Some(m) = &b.manifests {
        let first_sa = b.service_accounts.first();
        let cfg = manifests::Config {
            namespace: m
                .namespace
                .as_ref()
                .map(|n| n.0.clone())
                .or(first_sa.map(|s| s.namespace.0.clone()))
                .unwrap_or_default(),
            mode: match b.identity.mode {
                IdentityMode::WorkloadIdentity => ManifestMode::WorkloadIdentity,
                IdentityMode::Kubelet => ManifestMode::Kubelet,
            },
            secrets: rb.secret_map().into_iter().map(|(_, name)| name).collect(),
            sync_secret: m.sync_as_k8s_secret.as_ref().map(|s| s.0.clone()),
            deployment: m
                .deployment
                .as_ref()
                .map(|d| d.0.clone())
                .zip(m.image.as_ref().map(|i| i.0.clone())),
            service_account: first_sa.map(|s| s.name.0.clone()).unwrap_or_else(|| "default".into()),
            name: m.name.as_ref().map(|n| n.0.clone()),
        };
        let files = ManifestFiles {
            az: az.clone(),
            vault: vault.clone(),
            cfg,
            out_dir: rb.resolve(&m.out_dir),
            client,
        };
        steps.push(phased(MANIFESTS, Box::new(files)));
    }
    Ok((steps, vault))
}

/// `plan` (dry_run) and `up`.
pub async fn up(file: &Path, g: &GlobalArgs, ui: &Ui, dry_run: bool) -> Result<u8> {
    // All input — the runbook and every secret value — is read and checked before any request.
    let rb = crate::runbook::load(file)?;
    let seeds = read_seeds(&rb)?;
    let az = Arc::new(Azure::from_globals(g)?);
    let (steps, _) = up_steps(&az, &rb, seeds).await?;
    let mut opts = run_options(g, if dry_run { "plan" } else { "up" }, ui, PARALLEL)?;
    opts.dry_run |= dry_run;
    plan::run(steps, &opts, ui).await
}

/// `down`: remove only what kvwire created — its federated credentials, its role assignment, the
/// identity when kvwire tagged it, and (asked for) the secrets it tagged. Never cluster settings.
pub async fn down(file: &Path, include_secrets: bool, g: &GlobalArgs, ui: &Ui) -> Result<u8> {
    let rb = crate::runbook::load(file)?;
    let az = Arc::new(Azure::from_globals(g)?);
    let b = &rb.book;
    let vault = vault::find(&az, &b.vault.name, b.vault.resource_group.as_deref()).await?;
    let mut steps: Vec<Box<dyn Step>> = vec![];
    let principal = match b.identity.mode {
        IdentityMode::WorkloadIdentity => {
            let name = b.identity.name.as_deref().expect("checked when the runbook was read");
            let identity = format!(
                "/subscriptions/{}/resourceGroups/{}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/{name}",
                az.subscription,
                rb.identity_rg()
            );
            for sa in &b.service_accounts {
                let cred = workload_identity::Binding {
                    namespace: sa.namespace.0.clone(),
                    service_account: sa.name.0.clone(),
                    credential: None,
                }
                .credential_name();
                steps.push(Box::new(Remove {
                    az: az.clone(),
                    address: format!("federated credential {}/{name}/{cred}", rb.identity_rg()),
                    kind: "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials",
                    path: format!("{identity}/federatedIdentityCredentials/{cred}"),
                    api: api::MANAGED_IDENTITY,
                    only_if_tagged: false,
                    phase: 0,
                }));
            }
            steps.push(Box::new(Remove {
                az: az.clone(),
                address: format!("identity {}/{name}", rb.identity_rg()),
                kind: "Microsoft.ManagedIdentity/userAssignedIdentities",
                path: identity,
                api: api::MANAGED_IDENTITY,
                only_if_tagged: true,
                phase: 2,
            }));
            Principal::Identity {
                rg: rb.identity_rg().into(),
                name: name.into(),
            }
        }
        IdentityMode::Kubelet => Principal::Kubelet {
            rg: b.cluster.resource_group.0.clone(),
            cluster: b.cluster.name.0.clone(),
        },
    };
    if vault.rbac
        && let Some(pid) = principal.object_id(&az).await?
    {
        // kvwire's assignment has kvwire's deterministic name; one adopted under another name is not kvwire's.
        let key = format!(
            "{}|{}|{}",
            vault.id.to_ascii_lowercase(),
            pid.to_ascii_lowercase(),
            grant::SECRETS_USER
        );
        let name = crate::util::uuid5::v5(&crate::util::uuid5::ROLE_ASSIGNMENT_NAMESPACE, &key);
        steps.push(Box::new(Remove {
            az: az.clone(),
            address: format!(
                "role Key Vault Secrets User for {} on vault {}",
                principal.label(),
                vault.name
            ),
            kind: "Microsoft.Authorization/roleAssignments",
            path: format!("{}/providers/Microsoft.Authorization/roleAssignments/{name}", vault.id),
            api: api::AUTHORIZATION,
            only_if_tagged: false,
            phase: 1,
        }));
    }
    if include_secrets {
        let client = Arc::new(az.secret_client(&vault.uri)?);
        for (_, name) in rb.secret_map() {
            steps.push(Box::new(RemoveSecret {
                client: client.clone(),
                vault: vault.name.clone(),
                name,
            }));
        }
    }
    let opts = run_options(g, "down", ui, 1)?;
    plan::run(steps, &opts, ui).await
}

/// Delete one ARM resource if it exists (and, for `only_if_tagged`, carries `managed-by=kvwire`).
struct Remove {
    az: Arc<Azure>,
    address: String,
    kind: &'static str,
    path: String,
    api: &'static str,
    only_if_tagged: bool,
    phase: u16,
}

#[async_trait::async_trait]
impl Step for Remove {
    async fn plan(&mut self) -> Result<Planned> {
        let Some(doc) = self.az.arm.get_opt(&self.path, self.api).await? else {
            return Ok(Planned::no_op(&self.address, self.kind, "absent"));
        };
        if self.only_if_tagged && doc.pointer("/tags/managed-by").and_then(Value::as_str) != Some("kvwire") {
            return Ok(Planned::no_op(
                &self.address,
                self.kind,
                "not created by kvwire (no managed-by=kvwire tag): kept",
            ));
        }
        Ok(Planned {
            address: self.address.clone(),
            resource_type: self.kind.into(),
            action: Action::Delete,
            reason: None,
            changes: vec![],
            warnings: vec![],
            held: None,
        })
    }

    async fn apply(&mut self, on: OnStatus<'_>) -> Result<()> {
        self.az.arm.delete(&self.path, self.api, on).await
    }

    fn phase(&self) -> u16 {
        self.phase
    }
}

/// Soft-delete a secret kvwire seeded (tagged `managed-by=kvwire`); recoverable, never purged.
struct RemoveSecret {
    client: Arc<azure_security_keyvault_secrets::SecretClient>,
    vault: String,
    name: String,
}

#[async_trait::async_trait]
impl Step for RemoveSecret {
    async fn plan(&mut self) -> Result<Planned> {
        let address = format!("secret {}/{}", self.vault, self.name);
        let kind = "Microsoft.KeyVault/vaults/secrets";
        match self.client.get_secret(&self.name, None).await {
            Ok(r) => {
                let tags = r.into_model().ok().and_then(|s| s.tags).unwrap_or_default();
                if tags.get("managed-by").map(String::as_str) != Some("kvwire") {
                    return Ok(Planned::no_op(address, kind, "not seeded by kvwire: kept"));
                }
                Ok(Planned {
                    address,
                    resource_type: kind.into(),
                    action: Action::Delete,
                    reason: Some("soft delete: recoverable for the vault's retention period".into()),
                    changes: vec![],
                    warnings: vec![],
                    held: None,
                })
            }
            Err(e) if KvFailure::from_sdk(&e).status == Some(404) => Ok(Planned::no_op(address, kind, "absent")),
            Err(e) => Err(Error::runtime(format!(
                "reading secret {}: {}",
                self.name,
                KvFailure::from_sdk(&e).message
            ))),
        }
    }

    async fn apply(&mut self, _on: OnStatus<'_>) -> Result<()> {
        self.client
            .delete_secret(&self.name, None)
            .await
            .map(|_| ())
            .map_err(|e| {
                Error::runtime(format!(
                    "deleting secret {}: {}",
                    self.name,
                    KvFailure::from_sdk(&e).message
                ))
            })
    }

    fn phase(&self) -> u16 {
        3
    }
}
