//! A runbook as plans: `up` (every command's steps, each after what it needs) and `down` (what
//! kvwire made, in reverse).

use super::{IdentityMode, Loaded, SecretSource};
use crate::util::input::{self, Source, read_bounded};
use crate::{
    azure::{
        arm::api,
        context::Azure,
        ids,
        vault::{self, Vault},
    },
    error::Result,
    k8s::manifests,
    model::{
        PodIdentity,
        grant::{GrantScope, RoleChoice},
        secrets::{self, SecretMapping, SecretValue},
    },
    plan::{Plan, StepId},
    steps::{
        access::{GrantSpec, PRINCIPAL_WAIT, Principal, grant_step},
        acr::AcrRegrant,
        addons::AddonGrants,
        cluster::{ClusterRef, ClusterUpdate},
        files::{ClientSource, ManifestFiles},
        identity::{Binding, FederatedCredential, Identity, IdentityRef},
        nodepool::{UpgradeNodeImage, pool_names},
        remove::{Remove, Shared},
        secrets::{RemoveSecret, SeedPolicy, seed_steps},
    },
};
use std::{collections::HashMap, sync::Arc};

/// The runbook's secret values, read before any request: (mappings, values).
pub type Seeds = (Vec<SecretMapping>, HashMap<String, SecretValue>);

/// Read every secret value the runbook names, from its source. Missing values are usage errors,
/// unless `allow_missing` (`plan` only reads: it shows "(value not provided)").
pub fn read_seeds(rb: &Loaded, allow_missing: bool) -> Result<Option<Seeds>> {
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
pub async fn up(az: &Arc<Azure>, rb: &Loaded, seeds: Option<Seeds>, adopt: bool) -> Result<(Plan, Vault)> {
    let b = &rb.book;
    let cluster = ClusterRef::new(az.clone(), &b.cluster.resource_group, &b.cluster.name);
    let workload = b.identity.mode == IdentityMode::WorkloadIdentity;
    let csi_driver = rb.csi_driver();
    let explicit_acr: Vec<String> = b.cluster.acr.iter().map(|r| r.0.clone()).collect();
    let switch = b.cluster.managed_identity;
    let (vault, pools, (acr, addons)) = futures::try_join!(
        vault::find(az, &b.vault.name, b.vault.resource_group.as_deref()),
        async {
            if b.cluster.upgrade_node_images {
                pool_names(&cluster).await
            } else {
                Ok(vec![])
            }
        },
        async {
            let (_, mc) = cluster.read().await?;
            let acr = AcrRegrant::find(
                &cluster,
                &mc,
                &explicit_acr,
                "named in the runbook ([cluster] acr)",
                switch && b.cluster.regrant_acr,
            )
            .await?;
            // What az re-creates for the add-ons after the switch: for a cluster this run
            // switches, or one kvwire switched (a re-run, a resume).
            let addons = if switch && (mc.uses_service_principal() || mc.switched_by_kvwire()) {
                AddonGrants::find(&mc, &cluster.id(), az.cloud.is_national())
            } else {
                AddonGrants::default()
            };
            Ok((acr, addons))
        }
    )?;
    let mut plan = Plan::new();

    let update: Vec<StepId> = if b.cluster.managed_identity || workload || csi_driver.is_some() {
        vec![plan.add(
            Box::new(ClusterUpdate {
                cluster: cluster.clone(),
                managed_identity: b.cluster.managed_identity.then_some(None),
                workload_identity: workload,
                csi_driver,
                node_images_follow: b.cluster.upgrade_node_images,
                acr: acr.clone(),
                addons: addons.clone(),
            }),
            &[],
        )]
    } else {
        vec![]
    };
    // The kubelet identity exists once the switch is done.
    acr.add_steps(&mut plan, &cluster, &update, PRINCIPAL_WAIT);
    addons.add_steps(&mut plan, &cluster, &update, PRINCIPAL_WAIT);
    for pool in &pools {
        plan.add(
            Box::new(UpgradeNodeImage {
                cluster: cluster.clone(),
                pool: pool.clone(),
                force: false,
                after_switch: b.cluster.managed_identity,
                only_for_kubelet: true,
            }),
            &update,
        );
    }

    let (principal, client, identity_ready) = match b.identity.mode {
        IdentityMode::WorkloadIdentity => {
            let name = b.identity.name.as_deref().expect("checked when the runbook was read");
            let identity = IdentityRef {
                cluster: cluster.clone(),
                rg: rb.identity_rg().into(),
                name: name.into(),
            };
            let created = plan.add(
                Box::new(Identity {
                    identity: identity.clone(),
                    claim: Some(rb.claim.clone()),
                    adopt,
                }),
                &[],
            );
            // The issuer exists once the cluster update is done; Azure takes one credential write
            // per identity at a time, so each waits for the last.
            let mut last: Vec<StepId> = update.iter().copied().chain([created]).collect();
            for sa in &b.service_accounts {
                last = vec![plan.add(
                    Box::new(FederatedCredential {
                        identity: identity.clone(),
                        binding: Binding {
                            namespace: sa.namespace.0.clone(),
                            service_account: sa.name.0.clone(),
                            credential: None,
                        },
                        overwrite: b.identity.overwrite_credentials,
                        wait: PRINCIPAL_WAIT,
                    }),
                    &last,
                )];
            }
            (
                Principal::Identity {
                    rg: identity.rg.clone(),
                    name: identity.name.clone(),
                },
                ClientSource::Identity(identity.id()),
                vec![created],
            )
        }
        // AKS creates the add-on's identity when the cluster update enables the add-on.
        IdentityMode::AddonIdentity => (
            Principal::Addon {
                rg: cluster.rg.clone(),
                cluster: cluster.name.clone(),
            },
            ClientSource::Addon {
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
            ClientSource::Kubelet {
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
        adopt,
    };
    plan.add(
        grant_step(az.clone(), vault.clone(), principal, &spec, None)?,
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
        for step in seed_steps(client, &vault, mappings, &values, &policy) {
            plan.add(step, &[]);
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
                IdentityMode::WorkloadIdentity => PodIdentity::WorkloadIdentity,
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
        };
        // The files carry the identity's client ID: they need only that.
        plan.add(
            Box::new(ManifestFiles {
                az: az.clone(),
                vault: vault.clone(),
                cfg,
                out_dir: rb.resolve(&m.out_dir),
                client,
            }),
            &identity_ready,
        );
    }
    Ok((plan, vault))
}

/// The ID of the role assignment `up` makes for `principal_id` on an RBAC vault (Key Vault Secrets
/// User at the vault, under kvwire's deterministic name).
pub fn kvwire_assignment(vault: &Vault, principal_id: &str) -> String {
    let name = ids::role_assignment_name(&vault.id, principal_id, crate::model::roles::SECRETS_USER.guid);
    ids::role_assignment(&vault.id, &name)
}

/// `down`: only what kvwire created — its federated credentials, its role assignment, the
/// identity when kvwire tagged it, and (asked for) the secrets it tagged. Never cluster settings.
/// `include_adopted`: also what the runbook only adopted (`down --include-adopted`).
pub async fn down(az: &Arc<Azure>, rb: &Loaded, include_secrets: bool, include_adopted: bool) -> Result<Plan> {
    let b = &rb.book;
    let vault = vault::find(az, &b.vault.name, b.vault.resource_group.as_deref()).await?;
    let mut plan = Plan::new();
    let mut credentials = vec![];
    let mut identity_removal = None;
    // The identity and this runbook's credentials on it: what keeps it (and its access) when
    // another app's pods federate with it too.
    let mut identity_use: Option<(String, Vec<String>)> = None;
    let principal = match b.identity.mode {
        IdentityMode::WorkloadIdentity => {
            let name = b.identity.name.as_deref().expect("checked when the runbook was read");
            let identity = az.identity_id(rb.identity_rg(), name);
            let own: Vec<String> = b
                .service_accounts
                .iter()
                .map(|sa| {
                    Binding {
                        namespace: sa.namespace.0.clone(),
                        service_account: sa.name.0.clone(),
                        credential: None,
                    }
                    .credential_name()
                })
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
            identity_use = Some((identity.clone(), own.clone()));
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
    if let Some(r) = identity_removal {
        let mut needs = credentials.clone();
        needs.extend(&access);
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
