//! A runbook as plans: `up` (every command's steps, each after what it needs) and `down` (what
//! kvwire made, in reverse).

use super::{IdentityMode, Loaded, SecretSource};
use crate::azure::binding::BindingRef;
use crate::azure::cluster::ClusterRef;
use crate::azure::identity::IdentityRef;
use crate::azure::principal::Principal;
use crate::util::input::{self, Source, read_bounded};
use crate::{
    azure::{arm::api, context::Azure, ids, vault::Vault},
    error::Result,
    k8s::manifests,
    model::{
        PodIdentity,
        csi::CsiDriver,
        grant::{GrantScope, RoleChoice},
        secrets::{self, SecretMapping, SecretValue},
    },
    plan::{Plan, StepId},
    steps::{
        access::{GrantSpec, PRINCIPAL_WAIT, grant_step},
        acr::AcrRegrant,
        addons::AddonGrants,
        binding::IdentityBinding,
        cluster::ClusterUpdate,
        files::ManifestFiles,
        identity::{Binding, FederatedCredential, Identity},
        kube::{ApplyObject, DeleteObject, KubeCluster, KubeOptions, Render as KubeRender, Slot},
        nodepool::UpgradeNodeImage,
        podidentity::{NewPath, PodIdentityAddonRemoval},
        remove::{Remove, Shared},
        secrets::{RemoveSecret, SeedPolicy, seed_steps},
    },
};
use std::{collections::HashMap, sync::Arc};

/// The runbook's secret values, read before any request: (mappings, values).
pub(crate) type Seeds = (Vec<SecretMapping>, HashMap<String, SecretValue>);

/// Read every secret value the runbook names, from its source. Missing values are usage errors,
/// unless `allow_missing` (`plan` only reads: it shows "(value not provided)").
pub(crate) fn read_seeds(rb: &Loaded, allow_missing: bool) -> Result<Option<Seeds>> {
    let Some(s) = &rb.book.secrets else { return Ok(None) };
    let mappings: Vec<SecretMapping> = rb
        .secret_map()
        .into_iter()
        .map(|(key, secret)| SecretMapping { key, secret })
        .collect();
    let (source, origin) = match s.source {
        SecretSource::Env => (secrets::from_env(&mappings), "the environment".to_string()),
        SecretSource::File => {
            let path = rb.resolve(s.file.as_deref().expect("checked when the runbook was read"));
            let origin = format!("{}: [secrets] file {}", rb.path.display(), path.display());
            let text = read_bounded(Source::File(&path), input::DOTENV, &origin)?;
            (
                crate::model::dotenv::parse(&text, &path.display().to_string())?,
                path.display().to_string(),
            )
        }
    };
    let values = secrets::values_of(&mappings, source, &origin, allow_missing)?;
    Ok(Some((mappings, values)))
}

/// Everything `up` does, each step after only what it needs, so the slow parts overlap: one
/// cluster update (the switch and the OIDC issuer together), then the pool upgrades; meanwhile the
/// identity, and the role assignment (whose wait for Entra replication overlaps the upgrades);
/// the federated credentials once the issuer exists; the secrets from the start. Without `seeds`
/// (verify's drift check) no secret steps are planned.
/// `adopt`: what exists and this runbook did not make is adopted without asking (`up --adopt`).
/// The objects of `[manifests]` are applied to the cluster when the runbook says `apply = true`
/// or `kube` asks (`--apply-manifests`); `kube` `None`: never.
pub(crate) async fn up_applying(
    az: &Arc<Azure>,
    rb: &Loaded,
    seeds: Option<Seeds>,
    adopt: bool,
    kube: Option<&KubeOptions>,
) -> Result<(Plan, Vault)> {
    let clusters = merge_clusters(&[rb])?;
    let (plan, mut vaults) = up_fleet(az, vec![(rb, seeds)], &clusters, adopt, kube).await?;
    Ok((plan, vaults.remove(0)))
}

/// What the runbooks of a fleet that name one cluster want of it, together: each thing any of
/// them turns on ([`merge_clusters`]).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SharedCluster {
    pub(crate) resource_group: String,
    pub(crate) name: String,
    pub(crate) managed_identity: bool,
    pub(crate) workload_identity: bool,
    pub(crate) csi_driver: Option<CsiDriver>,
    pub(crate) upgrade_node_images: bool,
    /// Find and carry over the old service principal's registry pulls (a runbook that switches
    /// and keeps `regrant_acr`).
    pub(crate) regrant_acr: bool,
    /// Every registry any of them names, once.
    pub(crate) acr: Vec<String>,
    /// The runbooks (indexes) that name it.
    pub(crate) apps: Vec<usize>,
}

/// The cluster settings of many runbooks as one write per cluster, decided before any request.
/// Separate runs would each turn on what they want, so together the cluster gets each thing any
/// runbook turns on; the CSI driver's settings, when two runbooks name different values, are a
/// usage error naming both (one run must not overwrite what the other asked for).
pub(crate) fn merge_clusters(books: &[&Loaded]) -> Result<Vec<SharedCluster>> {
    let mut out: Vec<SharedCluster> = vec![];
    // Who set each CSI setting, for the error.
    let mut csi_from: Vec<(Option<&Loaded>, Option<&Loaded>)> = vec![];
    for (i, rb) in books.iter().enumerate() {
        let b = &rb.book;
        let same = |c: &SharedCluster| {
            c.resource_group.eq_ignore_ascii_case(&b.cluster.resource_group)
                && c.name.eq_ignore_ascii_case(&b.cluster.name)
        };
        let at = match out.iter().position(same) {
            Some(at) => at,
            None => {
                out.push(SharedCluster {
                    resource_group: b.cluster.resource_group.0.clone(),
                    name: b.cluster.name.0.clone(),
                    managed_identity: false,
                    workload_identity: false,
                    csi_driver: None,
                    upgrade_node_images: false,
                    regrant_acr: false,
                    acr: vec![],
                    apps: vec![],
                });
                csi_from.push((None, None));
                out.len() - 1
            }
        };
        let c = &mut out[at];
        c.apps.push(i);
        c.managed_identity |= b.cluster.managed_identity;
        c.workload_identity |= b.identity.mode.user_assigned();
        c.upgrade_node_images |= b.cluster.upgrade_node_images;
        c.regrant_acr |= b.cluster.managed_identity && b.cluster.regrant_acr;
        for r in &b.cluster.acr {
            if !c.acr.iter().any(|a| a.eq_ignore_ascii_case(&r.0)) {
                c.acr.push(r.0.clone());
            }
        }
        let Some(want) = rb.csi_driver() else { continue };
        let have = c.csi_driver.get_or_insert_with(CsiDriver::default);
        let (rotation_from, interval_from) = &mut csi_from[at];
        if let Some(r) = want.rotation {
            match (have.rotation, *rotation_from) {
                (Some(h), Some(other)) if h != r => return Err(csi_clash("rotation", other, rb)),
                _ => {
                    have.rotation = Some(r);
                    *rotation_from = Some(rb);
                }
            }
        }
        if let Some(iv) = want.rotation_poll_interval {
            match (&have.rotation_poll_interval, *interval_from) {
                (Some(h), Some(other)) if *h != iv => return Err(csi_clash("rotation_poll_interval", other, rb)),
                _ => {
                    have.rotation_poll_interval = Some(iv);
                    *interval_from = Some(rb);
                }
            }
        }
    }
    Ok(out)
}

fn csi_clash(key: &str, first: &Loaded, second: &Loaded) -> crate::error::Error {
    crate::error::Error::usage(format!(
        "{}: [csi_driver] {key} differs from {} for the same cluster {}/{}; runbooks run together must agree on the cluster's settings (or leave {key} out of one of them)",
        second.path.display(),
        first.path.display(),
        second.book.cluster.resource_group.0,
        second.book.cluster.name.0
    ))
}

/// [`up_applying`] for many runbooks in one plan (`kvwire up -f a.toml -f b.toml`): one write per cluster
/// of `clusters` (what they all need, [`merge_clusters`], decided by the caller before any
/// request) and its pools' upgrades, shared; then each
/// runbook's own steps, as an app of the plan (reported apart; its failure stops only it). One
/// runbook makes a plan with no apps, exactly as before. Returns each runbook's vault.
pub(crate) async fn up_fleet(
    az: &Arc<Azure>,
    apps: Vec<(&Loaded, Option<Seeds>)>,
    clusters: &[SharedCluster],
    adopt: bool,
    kube: Option<&KubeOptions>,
) -> Result<(Plan, Vec<Vault>)> {
    let books: Vec<&Loaded> = apps.iter().map(|(rb, _)| *rb).collect();
    let fleet = apps.len() > 1;
    // Every read the plan is built from, at once: each vault, and per cluster its pools, its
    // registries and add-ons (identical reads are shared by the observation in effect).
    let (vaults, observed) = futures::join!(
        futures::future::join_all(books.iter().map(|rb| Vault::find(
            az,
            &rb.book.vault.name,
            rb.book.vault.resource_group.as_deref()
        ))),
        futures::future::try_join_all(clusters.iter().map(|c| observe_cluster(az, c)))
    );
    let observed = observed?;
    let mut plan = Plan::new();
    let mut updates: Vec<Vec<StepId>> = vec![vec![]; books.len()];
    for (c, (cluster, pools, acr, addons)) in clusters.iter().zip(observed) {
        let update = shared_steps(&mut plan, c, &cluster, pools, acr, addons);
        for &i in &c.apps {
            updates[i] = update.clone();
        }
    }
    // Identities more than one runbook of the run uses (workload-identity mode).
    let identity_of = |rb: &Loaded| {
        rb.book
            .identity
            .mode
            .user_assigned()
            .then_some(rb.book.identity.name.as_deref())
            .flatten()
            .map(|name| format!("{}/{name}", rb.identity_rg()).to_ascii_lowercase())
    };
    let shared = |rb: &Loaded| {
        identity_of(rb).is_some_and(|mine| books.iter().filter(|o| identity_of(o).as_ref() == Some(&mine)).count() > 1)
    };
    // Every service account of the run that federates with an identity: what each of its
    // credentials counts against Azure's 20 (runbooks of a fleet share an identity's budget).
    let federated_on = |rb: &Loaded| -> Arc<Vec<Binding>> {
        let mine = identity_of(rb);
        let mut all: Vec<Binding> = vec![];
        for o in books.iter().filter(|o| mine.is_some() && identity_of(o) == mine) {
            for sa in o.federated_accounts() {
                if !all
                    .iter()
                    .any(|b| b.namespace == sa.namespace.0 && b.service_account == sa.name.0)
                {
                    all.push(sa.binding());
                }
            }
        }
        Arc::new(all)
    };
    let mut found = vec![];
    for (((rb, seeds), update), vault) in apps.into_iter().zip(updates).zip(vaults) {
        let app = fleet.then(|| plan.app(&rb.id));
        let run = InRun {
            shared: shared(rb),
            federated: federated_on(rb),
        };
        // In a fleet, a runbook whose plan cannot be built fails alone.
        let built = match vault {
            Ok(vault) => app_steps(&mut plan, app, az, rb, seeds, adopt, &vault, &update, run, kube).map(|_| vault),
            Err(e) => Err(e),
        };
        match built {
            Ok(vault) => found.push(vault),
            Err(e) if fleet => {
                plan.add_to(
                    app,
                    Box::new(Unplanned {
                        address: format!("runbook {}", rb.path.display()),
                        error: e.to_string(),
                    }),
                    &[],
                );
            }
            Err(e) => return Err(e),
        }
    }
    Ok((plan, found))
}

/// A fleet's runbook whose plan could not be built (its vault is not found, say): observing it
/// fails with why, which fails that runbook alone.
struct Unplanned {
    address: String,
    error: String,
}

#[async_trait::async_trait]
impl crate::plan::Step for Unplanned {
    fn address(&self) -> String {
        self.address.clone()
    }
    fn phase(&self) -> crate::plan::Phase {
        crate::plan::Phase::ACCESS
    }
    async fn plan(&self) -> Result<crate::plan::Planned> {
        Err(crate::error::Error::runtime(self.error.clone()))
    }
    async fn apply(&self, _: &crate::plan::Planned, _: crate::util::Progress<'_>) -> Result<()> {
        Err(crate::error::Error::runtime(self.error.clone()))
    }
}

/// What the plan of a shared cluster is built from: the cluster, the pools to upgrade, the
/// registries to carry over and the add-ons' grants.
async fn observe_cluster(
    az: &Arc<Azure>,
    c: &SharedCluster,
) -> Result<(ClusterRef, Vec<String>, AcrRegrant, AddonGrants)> {
    let cluster = ClusterRef::new(az.clone(), &c.resource_group, &c.name);
    let (pools, (acr, addons)) = futures::try_join!(
        async {
            if c.upgrade_node_images {
                cluster.pool_names().await
            } else {
                Ok(vec![])
            }
        },
        async {
            let (_, mc) = cluster.read().await?;
            let acr = AcrRegrant::find(
                &cluster,
                &mc,
                &c.acr,
                "named in the runbook ([cluster] acr)",
                c.regrant_acr,
            )
            .await?;
            // What az re-creates for the add-ons after the switch: for a cluster this run
            // switches, or one kvwire switched (a re-run, a resume).
            let addons = if c.managed_identity && (mc.uses_service_principal() || mc.switched_by_kvwire()) {
                AddonGrants::find(&mc, &cluster.id(), az.cloud.is_national())
            } else {
                AddonGrants::default()
            };
            Ok((acr, addons))
        }
    )?;
    Ok((cluster, pools, acr, addons))
}

/// The cluster's steps, once for every runbook that names it: its one update, the grants that
/// follow the switch, the pools' upgrades. Returns what the runbooks' own steps wait for.
fn shared_steps(
    plan: &mut Plan,
    c: &SharedCluster,
    cluster: &ClusterRef,
    pools: Vec<String>,
    acr: AcrRegrant,
    addons: AddonGrants,
) -> Vec<StepId> {
    let update: Vec<StepId> = if c.managed_identity || c.workload_identity || c.csi_driver.is_some() {
        vec![plan.add(
            Box::new(ClusterUpdate {
                cluster: cluster.clone(),
                managed_identity: c.managed_identity.then_some(None),
                workload_identity: c.workload_identity,
                csi_driver: c.csi_driver.clone(),
                node_images_follow: c.upgrade_node_images,
                acr: acr.clone(),
                addons: addons.clone(),
            }),
            &[],
        )]
    } else {
        vec![]
    };
    // The kubelet identity exists once the switch is done.
    acr.add_steps(plan, cluster, &update, PRINCIPAL_WAIT);
    addons.add_steps(plan, cluster, &update, PRINCIPAL_WAIT);
    for pool in &pools {
        plan.add(
            Box::new(UpgradeNodeImage {
                cluster: cluster.clone(),
                pool: pool.clone(),
                force: false,
                after_switch: c.managed_identity,
                only_for_kubelet: true,
            }),
            &update,
        );
    }
    update
}

/// What a runbook's steps share with the rest of the run.
struct InRun {
    /// Other runbooks of the run use its identity too.
    shared: bool,
    /// Every service account of the run that federates with its identity.
    federated: Arc<Vec<Binding>>,
}

/// One runbook's own steps (`app` in a fleet): its identity and federated credentials, its
/// access to the vault, its secrets and its files, after the cluster's `update`.
#[allow(clippy::too_many_arguments)]
fn app_steps(
    plan: &mut Plan,
    app: Option<crate::plan::AppId>,
    az: &Arc<Azure>,
    rb: &Loaded,
    seeds: Option<Seeds>,
    adopt: bool,
    vault: &Vault,
    update: &[StepId],
    run: InRun,
    kube: Option<&KubeOptions>,
) -> Result<()> {
    let shared_in_run = run.shared;
    let b = &rb.book;
    let cluster = ClusterRef::new(az.clone(), &b.cluster.resource_group, &b.cluster.name);
    let update = update.to_vec();
    let (principal, identity_ready) = match b.identity.mode {
        IdentityMode::WorkloadIdentity | IdentityMode::IdentityBinding => {
            let name = b.identity.name.as_deref().expect("checked when the runbook was read");
            let identity = IdentityRef {
                cluster: cluster.clone(),
                rg: rb.identity_rg().into(),
                name: name.into(),
            };
            let created = plan.add_to(
                app,
                Box::new(Identity {
                    shared_in_run,
                    identity: identity.clone(),
                    claim: Some(rb.claim.clone()),
                    adopt: adopt || b.identity.adopt,
                }),
                &[],
            );
            // The issuer exists once the cluster update is done; Azure takes one credential write
            // per identity at a time, so each waits for the last.
            let mut last: Vec<StepId> = update.iter().copied().chain([created]).collect();
            if b.identity.mode == IdentityMode::IdentityBinding {
                // One binding for every service account: RBAC in the cluster says which may use it.
                plan.add_to(
                    app,
                    Box::new(IdentityBinding {
                        binding: BindingRef {
                            cluster: cluster.clone(),
                            name: rb.binding_name(),
                        },
                        identity: identity.clone(),
                        workloads: b
                            .service_accounts
                            .iter()
                            .flat_map(|sa| sa.workloads.iter().map(|w| w.0.clone()))
                            .collect(),
                        notes: vec![],
                    }),
                    &last,
                );
            }
            let federated = rb.federated_accounts();
            // The run's service accounts on this identity, every runbook's.
            let siblings = run.federated.clone();
            for sa in federated {
                last = vec![plan.add_to(
                    app,
                    Box::new(FederatedCredential {
                        identity: identity.clone(),
                        binding: sa.binding(),
                        overwrite: b.identity.overwrite_credentials,
                        wait: PRINCIPAL_WAIT,
                        siblings: siblings.clone(),
                        workloads: sa.workloads.iter().map(|w| w.0.clone()).collect(),
                    }),
                    &last,
                )];
            }
            if let Some(addon) = &b.pod_identity_addon {
                let new_path = match b.identity.mode {
                    IdentityMode::IdentityBinding => NewPath::Binding(BindingRef {
                        cluster: cluster.clone(),
                        name: rb.binding_name(),
                    }),
                    _ => NewPath::Credentials(federated.iter().map(|sa| sa.binding()).collect()),
                };
                plan.add_to(
                    app,
                    Box::new(PodIdentityAddonRemoval {
                        cluster: cluster.clone(),
                        entries: addon
                            .remove
                            .iter()
                            .map(|e| (e.namespace.clone(), e.name.clone()))
                            .collect(),
                        identity: identity.clone(),
                        new_path,
                    }),
                    &last,
                );
            }
            (
                Principal::Identity {
                    rg: identity.rg.clone(),
                    name: identity.name.clone(),
                },
                vec![created],
            )
        }
        // AKS creates the add-on's identity when the cluster update enables the add-on.
        IdentityMode::AddonIdentity => (
            Principal::Addon {
                rg: cluster.rg.clone(),
                cluster: cluster.name.clone(),
            },
            update.clone(),
        ),
        // The kubelet identity exists once the switch is done.
        IdentityMode::Kubelet => (
            Principal::Kubelet {
                rg: cluster.rg.clone(),
                cluster: cluster.name.clone(),
            },
            update.clone(),
        ),
    };
    let spec = GrantSpec {
        role: RoleChoice::SecretsUser,
        scope: GrantScope::Vault,
        allow_list: false,
        allow_broad: false,
        principal_wait: PRINCIPAL_WAIT,
        claim: Some(rb.claim.clone()),
        // A reused identity's existing access is reused with it.
        adopt: adopt || b.identity.adopt,
    };
    plan.add_to(
        app,
        grant_step(az.clone(), vault.clone(), principal.clone(), &spec, None)?,
        &identity_ready,
    );
    if let Some((mappings, values)) = seeds {
        let s = b.secrets.as_ref().expect("seeds come from [secrets]");
        let policy = SeedPolicy {
            // A secret is bound to no identity: the old default name is not this runbook's there.
            claim: Some(rb.claim.without_aliases()),
            adopt,
            overwrite: s.overwrite,
            recover: s.recover,
            ..Default::default()
        };
        // kvwire's own principal writes them: they need nothing else of the run.
        let client = Arc::new(az.secret_client(&vault.uri)?);
        for step in seed_steps(client, vault, mappings, &values, &policy) {
            plan.add_to(app, step, &[]);
        }
    }
    if let (Some(m), Some(cfg)) = (&b.manifests, manifest_config(rb)) {
        let applying = m.apply || kube.is_some_and(|k| k.apply);
        let mut warnings = vec![];
        if m.create_namespace && !applying {
            warnings.push(
                "[manifests] create_namespace = true does nothing here: kvwire creates the namespace only when it applies the objects (`apply = true`, or `--apply-manifests`)".to_string(),
            );
        }
        // The files carry the identity's client ID: they need only that.
        plan.add_to(
            app,
            Box::new(ManifestFiles {
                az: az.clone(),
                vault: vault.clone(),
                cfg: cfg.clone(),
                out_dir: rb.resolve(&m.out_dir),
                client: principal.clone(),
                warnings,
            }),
            &identity_ready,
        );
        if let Some(k) = kube.filter(|k| k.apply || m.apply) {
            let render = Arc::new(KubeRender {
                az: az.clone(),
                vault: vault.clone(),
                cfg,
                client: principal,
            });
            add_apply_steps(plan, app, rb, &cluster, render, k, m.create_namespace, &identity_ready)?;
        }
    }
    Ok(())
}

/// The objects of `[manifests]`, one step each after what their client ID needs; with
/// `create_namespace`, each namespace first.
#[allow(clippy::too_many_arguments)]
fn add_apply_steps(
    plan: &mut Plan,
    app: Option<crate::plan::AppId>,
    rb: &Loaded,
    cluster: &ClusterRef,
    render: Arc<KubeRender>,
    k: &KubeOptions,
    create_namespace: bool,
    identity_ready: &[StepId],
) -> Result<()> {
    let kube_cluster = KubeCluster::new(cluster.clone(), k);
    let label = crate::k8s::runbook_label(&rb.stable_name());
    let docs = render.placeholder()?;
    let step = |slot: Slot, doc: &serde_json::Value| -> Result<ApplyObject> {
        let kind = crate::k8s::apply::kind_of(doc)?;
        Ok(ApplyObject {
            cluster: kube_cluster.clone(),
            render: render.clone(),
            slot,
            label: crate::k8s::apply::label_of(doc),
            name: doc["metadata"]["name"].as_str().unwrap_or_default().to_string(),
            kind,
            namespace: doc["metadata"]["namespace"].as_str().map(str::to_owned),
            create_namespace,
            runbook_label: label.clone(),
            force_conflicts: k.force_conflicts,
        })
    };
    let mut needs: Vec<StepId> = identity_ready.to_vec();
    if create_namespace {
        let mut namespaces: Vec<&str> = docs
            .iter()
            .filter_map(|d| d["metadata"]["namespace"].as_str())
            .collect();
        namespaces.dedup();
        namespaces.sort_unstable();
        namespaces.dedup();
        for ns in namespaces {
            let doc = serde_json::json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}});
            let s = step(Slot::Namespace(ns.to_string()), &doc)?;
            needs.push(plan.add_to(app, Box::new(ApplyObject { namespace: None, ..s }), &[]));
        }
    }
    for (i, doc) in docs.iter().enumerate() {
        plan.add_to(app, Box::new(step(Slot::Emitted(i), doc)?), &needs);
    }
    Ok(())
}

/// What `[manifests]` emits, or `None` without the table.
fn manifest_config(rb: &Loaded) -> Option<manifests::Config> {
    let b = &rb.book;
    let m = b.manifests.as_ref()?;
    let first_sa = b.service_accounts.first();
    Some(manifests::Config {
        namespace: m
            .namespace
            .as_ref()
            .map(|n| n.0.clone())
            .or(first_sa.map(|s| s.namespace.0.clone()))
            .unwrap_or_default(),
        mode: match b.identity.mode {
            IdentityMode::WorkloadIdentity => PodIdentity::WorkloadIdentity,
            IdentityMode::IdentityBinding => PodIdentity::IdentityBinding,
            IdentityMode::Kubelet => PodIdentity::Kubelet,
            IdentityMode::AddonIdentity => PodIdentity::AddonIdentity,
        },
        consumer: m.consumer,
        secrets: rb.secret_map().into_iter().map(|(_, name)| name).collect(),
        sync_secret: m.sync_as_k8s_secret.as_ref().map(|s| s.0.clone()),
        deployment: m
            .deployment
            .as_ref()
            .map(|d| d.0.clone())
            .zip(m.image.as_ref().map(|i| i.0.clone())),
        service_account: first_sa.map(|s| s.name.0.clone()).unwrap_or_else(|| "default".into()),
        name: m.name.as_ref().map(|n| n.0.clone()),
        bound: b
            .service_accounts
            .iter()
            .map(|sa| (sa.namespace.0.clone(), sa.name.0.clone()))
            .collect(),
        owner: Some(rb.stable_name()),
    })
}

/// The ID of the role assignment `up` makes for `principal_id` on an RBAC vault (Key Vault Secrets
/// User at the vault, under kvwire's deterministic name).
pub(crate) fn kvwire_assignment(vault: &Vault, principal_id: &str) -> String {
    crate::azure::role_assignment::RoleAssignmentRef::new(
        &vault.id,
        principal_id,
        crate::model::roles::SECRETS_USER.guid,
    )
    .id()
}

/// `down`: only what kvwire created — its federated credentials, its role assignment, the
/// identity when kvwire tagged it, and (asked for) the secrets it tagged. Never cluster settings.
/// `include_adopted`: also what the runbook only adopted (`down --include-adopted`).
/// With `[manifests] apply` (or `kube.apply`), first the objects `up` applied and that carry this
/// runbook's label, the Deployment first; `None`: none of the cluster's objects.
pub(crate) async fn down(
    az: &Arc<Azure>,
    rb: &Loaded,
    include_secrets: bool,
    include_adopted: bool,
    kube: Option<&KubeOptions>,
) -> Result<Plan> {
    let b = &rb.book;
    let vault = Vault::find(az, &b.vault.name, b.vault.resource_group.as_deref()).await?;
    let mut plan = Plan::new();
    let mut credentials = vec![];
    let mut identity_removal = None;
    // The identity and this runbook's credentials on it: what keeps it (and its access) when
    // another app's pods federate with it too.
    let mut identity_use: Option<(String, Vec<String>)> = None;
    let mut binding_removal = None;
    let principal = match b.identity.mode {
        IdentityMode::WorkloadIdentity | IdentityMode::IdentityBinding => {
            let name = b.identity.name.as_deref().expect("checked when the runbook was read");
            let identity = az.identity_id(rb.identity_rg(), name);
            if b.identity.mode == IdentityMode::IdentityBinding {
                binding_removal = binding_removal_of(az, rb, &identity, include_adopted).await?;
            }
            let own: Vec<String> = rb
                .federated_accounts()
                .iter()
                .map(|sa| sa.binding().credential_name())
                .collect();
            for cred in &own {
                // One credential write per identity at a time: each deletion waits for the last.
                let needs: Vec<StepId> = credentials.last().copied().into_iter().collect();
                credentials.push(plan.add(
                    Box::new(Remove {
                        az: az.clone(),
                        address: format!("federated credential {}/{name}/{cred}", rb.identity_rg()),
                        resource_type: ids::FEDERATED_CREDENTIAL,
                        id: ids::federated_credential(&identity, cred),
                        api: api::MANAGED_IDENTITY,
                        only_if_tagged: false,
                        shared: None,
                        own_credentials: None,
                        include_adopted,
                    }),
                    &needs,
                ));
            }
            // AKS's credential for the bindings goes with the binding this run removes (a kept
            // binding keeps the identity: it is another runbook's too).
            let mut using = own.clone();
            if binding_removal.is_some() {
                using.push(crate::azure::binding::AKS_CREDENTIAL.to_string());
            }
            identity_use = Some((identity.clone(), using));
            identity_removal = Some(Remove {
                az: az.clone(),
                address: format!("identity {}/{name}", rb.identity_rg()),
                resource_type: ids::USER_ASSIGNED_IDENTITY,
                id: identity,
                api: api::MANAGED_IDENTITY,
                only_if_tagged: true,
                shared: Some(Shared::Tag {
                    claim: rb.claim.clone(),
                }),
                own_credentials: identity_use.clone(),
                include_adopted,
            });
            Principal::Identity {
                rg: rb.identity_rg().into(),
                name: name.into(),
            }
        }
        IdentityMode::Kubelet => Principal::Kubelet {
            rg: b.cluster.resource_group.0.clone(),
            cluster: b.cluster.name.0.clone(),
        },
        IdentityMode::AddonIdentity => Principal::Addon {
            rg: b.cluster.resource_group.0.clone(),
            cluster: b.cluster.name.0.clone(),
        },
    };
    if let (Some(m), Some(cfg)) = (&b.manifests, manifest_config(rb))
        && let Some(k) = kube.filter(|k| k.apply || m.apply)
    {
        let render = KubeRender {
            az: az.clone(),
            vault: vault.clone(),
            cfg,
            client: principal.clone(),
        };
        let cluster = ClusterRef::new(az.clone(), &b.cluster.resource_group, &b.cluster.name);
        let kube_cluster = KubeCluster::new(cluster, k);
        let label = crate::k8s::runbook_label(&rb.stable_name());
        let mut last: Vec<StepId> = vec![];
        // The namespace stays (deleting it deletes all it holds); an object whose name carries
        // the client ID of an identity that is gone cannot be named.
        for doc in render.docs_or_placeholder().await?.iter().rev() {
            if doc["metadata"]["name"]
                .as_str()
                .is_some_and(|n| n.contains(crate::steps::kube::UNKNOWN_CLIENT_ID))
            {
                continue;
            }
            last = vec![plan.add(
                Box::new(DeleteObject {
                    cluster: kube_cluster.clone(),
                    doc: doc.clone(),
                    kind: crate::k8s::apply::kind_of(doc)?,
                    runbook_label: label.clone(),
                }),
                &last,
            )];
        }
    }
    let mut access = vec![];
    if vault.rbac
        && let Some(pid) = principal.object_id(az).await?
    {
        // kvwire's assignment has kvwire's deterministic name; one adopted under another name is not kvwire's.
        let role = crate::model::roles::SECRETS_USER;
        access.push(plan.add(
            Box::new(Remove {
                az: az.clone(),
                address: format!("role {} for {} on vault {}", role.name, principal.label(), vault.name),
                resource_type: ids::ROLE_ASSIGNMENT,
                id: kvwire_assignment(&vault, &pid),
                api: api::AUTHORIZATION,
                only_if_tagged: false,
                shared: Some(Shared::Description {
                    claim: rb.claim.clone(),
                }),
                own_credentials: identity_use.clone(),
                include_adopted,
            }),
            &credentials,
        ));
    }
    let unbound: Vec<StepId> = binding_removal
        .map(|r| plan.add(Box::new(r), &[]))
        .into_iter()
        .collect();
    if let Some(r) = identity_removal {
        let mut needs = credentials.clone();
        needs.extend(&access);
        needs.extend(&unbound);
        plan.add(Box::new(r), &needs);
    }
    if include_secrets {
        let client = Arc::new(az.secret_client(&vault.uri)?);
        for (_, name) in rb.secret_map() {
            plan.add(
                Box::new(RemoveSecret {
                    client: client.clone(),
                    vault: vault.name.clone(),
                    name,
                    claim: rb.claim.clone(),
                    include_adopted,
                }),
                &access,
            );
        }
    }
    Ok(plan)
}

/// The identity binding goes with the identity: only when this runbook made the identity and no
/// other runbook is recorded on it (the binding has no tags of its own, and every runbook on this
/// identity and cluster shares it: AKS docs, one binding per identity and cluster). A binding
/// that binds another identity is not this runbook's.
async fn binding_removal_of(
    az: &Arc<Azure>,
    rb: &Loaded,
    identity: &str,
    include_adopted: bool,
) -> Result<Option<Remove>> {
    let Some(doc) = az.arm.get_opt(identity, api::MANAGED_IDENTITY).await? else {
        return Ok(None);
    };
    let claims = crate::model::tags::claims(
        doc.pointer(&format!("/tags/{}", crate::model::tags::RUNBOOKS))
            .and_then(serde_json::Value::as_str),
    );
    use crate::model::tags::Release;
    let goes = match crate::model::tags::release(&claims, &rb.claim) {
        Release::Last => true,
        Release::Adopted | Release::Unclaimed => include_adopted,
        Release::NotMine(_) | Release::Shared(..) => false,
    };
    if !goes {
        return Ok(None);
    }
    let cluster = ClusterRef::new(az.clone(), &rb.book.cluster.resource_group, &rb.book.cluster.name);
    let binding = BindingRef {
        cluster,
        name: rb.binding_name(),
    };
    match binding.read().await? {
        Some((_, view)) if view.maps(identity) => Ok(Some(Remove {
            az: az.clone(),
            address: format!("identity binding {}", binding.label()),
            resource_type: ids::IDENTITY_BINDING,
            id: binding.id(),
            api: api::CONTAINER_SERVICE,
            only_if_tagged: false,
            shared: None,
            own_credentials: None,
            include_adopted,
        })),
        _ => Ok(None),
    }
}
