//! A runbook's setup, checked end to end: each check passes or fails with the command that fixes
//! it, and what `up` would still change is reported as drift.

use super::{IdentityMode, Loaded};
use crate::azure::principal::Principal;
use crate::k8s::yaml::read_documents;
use crate::{
    azure::{
        arm::models::{self, ManagedCluster},
        context::Azure,
        grants, ids,
        registry::Registry,
        secret::{SecretRef, SecretState},
        vault::Vault,
    },
    error::{Error, Result},
    k8s::{
        access::{self, AccessOptions},
        inspect, manifests, spc,
    },
    model::{csi::InstalledBy, secrets},
    plan::{self, Action, Planned},
    steps::{addons::AddonGrants, identity, kube::KubeOptions},
};
use serde::Serialize;
use serde_json::Value;
use std::{path::Path, sync::Arc};

#[derive(Debug, Serialize)]
pub(crate) struct Check {
    pub(crate) check: String,
    pub(crate) ok: bool,
    pub(crate) detail: String,
    /// Not confirmed yet, and not a failure: a grant made minutes ago that Azure may still be
    /// propagating (`ok` is true so it does not fail the run).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub(crate) pending: bool,
    /// The command that fixes it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) fix: Option<String>,
    /// Text may fold passing checks of one kind into a line: the line with `{}` for the items,
    /// and this check's item (`("… can read secrets {} of vault kv", "db-host")`). JSON keeps each.
    #[serde(skip)]
    pub(crate) family: Option<(String, String)>,
}

/// What `verify` found.
pub(crate) struct Report {
    pub(crate) checks: Vec<Check>,
    /// Steps `up` would still change.
    pub(crate) drift: Vec<Planned>,
    /// Worth knowing, not failures (e.g. a vault on legacy access policies).
    pub(crate) warnings: Vec<String>,
}

fn check(checks: &mut Vec<Check>, check: String, ok: bool, detail: impl Into<String>, fix: impl Into<String>) {
    checks.push(Check {
        check,
        ok,
        pending: false,
        detail: detail.into(),
        fix: (!ok).then(|| fix.into()),
        family: None,
    });
}

/// The same, one of a family that text may fold into a line (see [`Check::family`]).
fn check_of(checks: &mut Vec<Check>, family: (String, &str), check: String, ok: bool, detail: String, fix: String) {
    checks.push(Check {
        check,
        ok,
        pending: false,
        detail,
        fix: (!ok).then_some(fix),
        family: Some((family.0, family.1.to_string())),
    });
}

/// Whether `verify` looks inside the cluster too (`--in-cluster`, `--no-in-cluster`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum InCluster {
    /// When the cluster's API can be reached; otherwise say why not, and go on.
    #[default]
    IfReachable,
    /// An unreachable API is a failed check.
    Required,
    Skip,
}

/// What `verify` needs to look inside the cluster.
#[derive(Debug, Clone, Default)]
pub(crate) struct ClusterChecks {
    pub(crate) mode: InCluster,
    pub(crate) access: AccessOptions,
}

pub(crate) async fn run(az: &Arc<Azure>, rb: &Loaded, file: &Path, inside: &ClusterChecks) -> Result<Report> {
    let up = format!("kvwire up -f {}", file.display());
    let mut checks = vec![];
    let b = &rb.book;
    let (rg, cluster) = (&*b.cluster.resource_group, &*b.cluster.name);

    // The cluster and its identity mode.
    let (_, mc) = az.cluster(rg, cluster).await?;
    check(
        &mut checks,
        format!("cluster {rg}/{cluster} uses a managed identity"),
        !mc.uses_service_principal(),
        mc.identity_type().unwrap_or("service principal"),
        format!("kvwire cluster enable-managed-identity -g {rg} -n {cluster}"),
    );
    let awaiting = mc.pools_awaiting_reimage();
    check(
        &mut checks,
        "the kubelet runs on its managed identity".into(),
        !mc.uses_service_principal() && awaiting.is_empty(),
        if awaiting.is_empty() {
            String::new()
        } else {
            format!("not re-imaged since the switch: {}", awaiting.join(", "))
        },
        format!("kvwire nodepool upgrade-image -g {rg} --cluster {cluster} --all"),
    );

    // Image pulls from the registries the runbook names.
    if !b.cluster.acr.is_empty() {
        let kubelet = mc.kubelet_identity().and_then(|k| k.object_id.clone());
        for r in &b.cluster.acr {
            let found = Registry::find(az, r).await?;
            let access = match &kubelet {
                Some(oid) => grants::registry_pull_access(az, &found, oid).await?,
                None => None,
            };
            check(
                &mut checks,
                format!("the kubelet can pull from registry {}", found.name()),
                access.is_some(),
                access.unwrap_or_else(|| match (&kubelet, found.abac) {
                    (None, _) => "the cluster has no kubelet identity yet".into(),
                    (Some(_), false) => "no AcrPull (or broader) role assignment".into(),
                    (Some(_), true) => "no Container Registry Repository Reader (or broader) role assignment; the registry uses ABAC repository permissions, where AcrPull is not honoured".into(),
                }),
                up.clone(),
            );
        }
    }

    // What the switch re-created for the add-ons' identities (only on a cluster kvwire switched).
    if b.cluster.managed_identity && mc.switched_by_kvwire() {
        let addons = AddonGrants::find(&mc, &az.cluster_id(rg, cluster), az.cloud.is_national());
        for g in &addons.grants {
            let oid = mc
                .addon(&g.addon)
                .and_then(|a| a.identity.as_ref())
                .and_then(|i| i.object_id.clone());
            let access = match &oid {
                Some(oid) => grants::role_held(az, &g.scope, oid, g.role).await?,
                None => None,
            };
            check(
                &mut checks,
                format!(
                    "add-on {} holds {} on {} {} (as az re-creates it after the switch)",
                    g.addon,
                    g.role.name,
                    g.scope_kind,
                    ids::name_of(&g.scope)
                ),
                access.is_some(),
                access.unwrap_or_else(|| match oid {
                    None => "the add-on has no identity yet".into(),
                    Some(_) => "no such role assignment".into(),
                }),
                up.clone(),
            );
        }
    }

    csi_checks(rb, &mc, &mut checks);

    // The identity the pods use.
    let (principal, client_id) = identity_checks(az, rb, &mc, &mut checks).await?;

    // Access and secrets.
    let vault = Vault::find(az, &b.vault.name, b.vault.resource_group.as_deref()).await?;
    let object_id = principal.object_id(az).await?;
    let mut warnings = vec![];
    access_model(&vault, &principal, object_id.as_deref(), &mut checks, &mut warnings);
    let client = std::sync::Arc::new(az.secret_client(&vault.uri)?);
    let secret_names: Vec<String> = rb.checked_secrets();
    for name in &secret_names {
        let access = match &object_id {
            Some(oid) => grants::secret_read_access(az, &vault, oid, name).await?,
            None => None,
        };
        let what = format!("{} can read secret {}/{name}", principal.label(), vault.name);
        let fresh = match (&access, &object_id) {
            // Not seen, but kvwire's grant exists and is new: lists (and RBAC) lag behind it.
            (None, Some(oid)) if vault.rbac => {
                grants::recent_assignment(az, &super::build::kvwire_assignment(&vault, oid)).await?
            }
            _ => None,
        };
        match fresh {
            Some(created) => checks.push(Check {
                check: what,
                ok: true,
                pending: true,
                detail: format!("granted at {created}; may still be propagating (Azure RBAC can take minutes)"),
                fix: None,
                family: None,
            }),
            None => check_of(
                &mut checks,
                (
                    format!("{} can read secrets {{}} of vault {}", principal.label(), vault.name),
                    name,
                ),
                what,
                access.is_some(),
                access.unwrap_or_else(|| "no role assignment or access policy grants it".into()),
                principal.grant_command(&vault.name),
            ),
        }
        let (exists, detail) = match SecretRef::new(client.clone(), &vault.name, name).usable().await {
            SecretState::Enabled => (true, String::new()),
            SecretState::Disabled => (false, "disabled".to_string()),
            SecretState::Missing => (false, "missing".to_string()),
            SecretState::Unknown(code) => (false, code),
        };
        check_of(
            &mut checks,
            (
                format!("secrets {{}} of vault {} exist and are enabled", vault.name),
                name,
            ),
            format!("secret {}/{name} exists and is enabled", vault.name),
            exists,
            detail,
            format!(
                "kvwire secrets seed --vault {} --from-env --map {}={name}",
                vault.name,
                secrets::env_key(name)
            ),
        );
    }

    // The emitted SecretProviderClass matches Azure.
    if let Some(m) = b.manifests.as_ref().filter(|m| m.consumer.mounts()) {
        let path = rb.resolve(&m.out_dir).join("secretproviderclass.yaml");
        let (ok, detail) = match read_documents(&path) {
            Err(e) => (false, e.to_string()),
            Ok(docs) => spc_mismatch(
                docs.first().unwrap_or(&Value::Null),
                &vault,
                client_id.as_deref(),
                &secret_names,
                b.identity.mode == IdentityMode::IdentityBinding,
            )
            .map_or((true, String::new()), |why| (false, why)),
        };
        check(
            &mut checks,
            format!("{} matches vault {}", path.display(), vault.name),
            ok,
            detail,
            up.clone(),
        );
    }

    // Binding mode: the emitted RBAC lets every service account of the runbook use the identity.
    if let (Some(m), IdentityMode::IdentityBinding, Some(cid)) = (&b.manifests, b.identity.mode, &client_id) {
        let path = rb.resolve(&m.out_dir).join("clusterrolebinding.yaml");
        let (ok, detail) = match read_documents(&path) {
            Err(e) => (false, e.to_string()),
            Ok(docs) => {
                let bound: Vec<(String, String)> = docs
                    .iter()
                    .filter_map(|d| manifests::bound_subjects(d, cid))
                    .flatten()
                    .collect();
                let missing: Vec<String> = b
                    .service_accounts
                    .iter()
                    .filter(|sa| !bound.iter().any(|(ns, n)| *ns == sa.namespace.0 && *n == sa.name.0))
                    .map(|sa| format!("{}/{}", sa.namespace.0, sa.name.0))
                    .collect();
                if missing.is_empty() {
                    (true, format!("{} service accounts", bound.len()))
                } else {
                    (false, format!("no use-mi-{cid} binding for {}", missing.join(", ")))
                }
            }
        };
        check(
            &mut checks,
            format!(
                "{} lets the runbook's service accounts use the identity",
                path.display()
            ),
            ok,
            detail,
            up.clone(),
        );
    }

    // An app that reads Key Vault itself is pointed at this vault.
    if let Some(m) = b
        .manifests
        .as_ref()
        .filter(|m| m.consumer.reads_with_sdk() && m.deployment.is_some())
    {
        let path = rb.resolve(&m.out_dir).join("deployment.yaml");
        let want = vault.uri.to_string();
        let found = read_documents(&path)
            .ok()
            .and_then(|docs| docs.into_iter().next())
            .and_then(|d| container_env(&d, manifests::KEYVAULT_URL_ENV));
        check(
            &mut checks,
            format!(
                "{} gives the app {} of vault {}",
                path.display(),
                manifests::KEYVAULT_URL_ENV,
                vault.name
            ),
            found.as_deref() == Some(want.as_str()),
            found
                .map(|f| format!("{} = {f}", manifests::KEYVAULT_URL_ENV))
                .unwrap_or_else(|| "not set".into()),
            up.clone(),
        );
    }

    // Inside the cluster: what kvwire emitted, as the API server holds it, and the pods.
    let mut reached = None;
    if inside.mode != InCluster::Skip {
        reached = in_cluster(
            az,
            rb,
            &mc,
            client_id.as_deref(),
            &up,
            inside,
            &mut checks,
            &mut warnings,
        )
        .await;
    }

    // Drift: what `up` would still change (secret values are not compared: they need the
    // sources), in the cluster too when kvwire applies the manifests and the API answered: the
    // API server's dry run, as `up` plans it (it stores nothing).
    let kube = reached
        .filter(|_| b.manifests.as_ref().is_some_and(|m| m.apply))
        .map(|client| KubeOptions {
            apply: false,
            force_conflicts: false,
            access: inside.access.clone(),
            connected: Some(client),
        });
    let (up_plan, _) = super::build::up_applying(az, rb, None, false, kube.as_ref()).await?;
    let drift: Vec<Planned> = plan::observe(&up_plan, plan::OBSERVE_CONCURRENCY)
        .await?
        .into_iter()
        .filter(|p| p.action != Action::NoOp)
        .collect();
    check(
        &mut checks,
        "no drift: up would change nothing".into(),
        drift.is_empty(),
        format!("{} step(s) would change", drift.len()),
        up,
    );
    Ok(Report {
        checks,
        drift,
        warnings,
    })
}

/// The chain inside the cluster (k8s/inspect.rs), when its API can be reached; the client that
/// reached it, when it was checked.
#[allow(clippy::too_many_arguments)]
async fn in_cluster(
    az: &Azure,
    rb: &Loaded,
    mc: &ManagedCluster,
    client_id: Option<&str>,
    up: &str,
    inside: &ClusterChecks,
    checks: &mut Vec<Check>,
    warnings: &mut Vec<String>,
) -> Option<kube::Client> {
    let (rg, cluster) = (&*rb.book.cluster.resource_group, &*rb.book.cluster.name);
    let required = inside.mode == InCluster::Required;
    let mut unavailable = |why: String, fix: String| {
        if required {
            check(checks, "the cluster's API can be checked".into(), false, why, fix);
        } else {
            warnings.push(format!(
                "in-cluster checks skipped: {why} (--in-cluster makes this a failure)"
            ));
        }
        None
    };
    let Some(m) = &rb.book.manifests else {
        return unavailable(
            "the runbook emits no manifests ([manifests])".into(),
            "add a [manifests] section (docs/runbook.md)".into(),
        );
    };
    let dir = rb.resolve(&m.out_dir);
    let mut docs = vec![];
    for name in manifests::FILE_NAMES {
        let path = dir.join(name);
        if !path.exists() {
            continue;
        }
        match read_documents(&path) {
            Ok(found) => docs.extend(found),
            Err(e) => return unavailable(e.to_string(), up.to_string()),
        }
    }
    if docs.is_empty() {
        return unavailable(format!("no manifests in {} yet", dir.display()), up.to_string());
    }
    let reached = match access::connect(az, rg, cluster, mc, &inside.access).await {
        Ok(r) => r,
        Err(why) => {
            return unavailable(
                why.to_string(),
                format!(
                    "--context NAME for a kubeconfig that reaches it, or `az aks command invoke -g {rg} -n {cluster} --command \"kubectl get pods -A\"`"
                ),
            );
        }
    };
    // Not applied at all is not deployed yet, not a broken chain: said, unless required.
    let lives = inspect::read(&reached.client, &docs).await;
    if !required && lives.iter().all(|l| matches!(l, Ok(None))) {
        warnings.push(format!(
            "in-cluster checks skipped: none of the {} objects in {} is in the cluster yet (`kubectl apply -f {}`; --in-cluster makes this a failure)",
            docs.len(),
            dir.display(),
            dir.display()
        ));
        return None;
    }
    check(
        checks,
        "the cluster's API can be checked".into(),
        true,
        format!("through {}", reached.via),
        String::new(),
    );
    let dir_shown = dir.display().to_string();
    let enable_csi = format!("kvwire cluster enable-csi-driver -g {rg} -n {cluster}");
    let want = inspect::Expected {
        docs: &docs,
        dir: &dir_shown,
        client_id,
        up,
        enable_csi: &enable_csi,
        issuer: mc.oidc_issuer(),
    };
    for f in inspect::check(&reached.client, &want, lives).await {
        check(checks, format!("in the cluster: {}", f.check), f.ok, f.detail, f.fix);
    }
    Some(reached.client)
}

/// The value of env var `name` in a Deployment's first container.
fn container_env(deployment: &Value, name: &str) -> Option<String> {
    deployment
        .pointer("/spec/template/spec/containers/0/env")?
        .as_array()?
        .iter()
        .find(|e| e["name"] == name)?["value"]
        .as_str()
        .map(str::to_owned)
}

/// The Secrets Store CSI driver: the add-on on, as the runbook configures it — or, when the
/// runbook declares a Helm install (which kvwire cannot see), not the add-on as well.
fn csi_checks(rb: &Loaded, mc: &ManagedCluster, checks: &mut Vec<Check>) {
    let (rg, cluster) = (&*rb.book.cluster.resource_group, &*rb.book.cluster.name);
    let rotation = |a: &models::AddonProfile| match a.setting(models::CONFIG_SECRET_ROTATION) {
        Some(on) if on.eq_ignore_ascii_case("true") => format!(
            "rotation every {}",
            a.setting(models::CONFIG_ROTATION_POLL_INTERVAL)
                .unwrap_or(models::DEFAULT_ROTATION_POLL_INTERVAL)
        ),
        _ => "no rotation".into(),
    };
    if let Some(want) = rb.csi_driver() {
        let fix = format!("kvwire cluster enable-csi-driver -g {rg} -n {cluster}{}", want.flags());
        check(
            checks,
            format!("cluster {rg}/{cluster} has the Secrets Store CSI driver add-on"),
            mc.csi_addon().is_some(),
            mc.csi_addon().map(rotation).unwrap_or_else(|| "not enabled".into()),
            fix,
        );
    } else if rb
        .book
        .csi_driver
        .as_ref()
        .is_some_and(|c| c.installed_by == InstalledBy::Helm)
    {
        check(
            checks,
            "the Secrets Store CSI driver comes from Helm (declared; kvwire reads only Azure), not also the AKS add-on"
                .into(),
            mc.csi_addon().is_none(),
            if mc.csi_addon().is_some() {
                "the AKS add-on is enabled too: one driver per cluster"
            } else {
                "declared"
            },
            format!(
                "keep one driver: `az aks disable-addons --addons azure-keyvault-secrets-provider -g {rg} -n {cluster}`, or `helm delete` the release and set installed_by = \"addon\""
            ),
        );
    }
}

/// Which permission model the vault uses. Access policies work, but are the legacy model: say
/// which role assignment would replace the one policy kvwire relies on.
fn access_model(
    vault: &Vault,
    principal: &Principal,
    object_id: Option<&str>,
    checks: &mut Vec<Check>,
    warnings: &mut Vec<String>,
) {
    let model = if vault.rbac {
        "Azure RBAC"
    } else {
        "access policies (enableRbacAuthorization is off or absent)"
    };
    check(
        checks,
        format!("vault {} permission model", vault.name),
        true,
        model,
        "",
    );
    if !vault.rbac {
        let who = object_id.unwrap_or("OBJECT_ID");
        warnings.push(format!(
            "vault {} uses access policies, the legacy permission model (Microsoft recommends Azure RBAC). The role assignment that replaces the policy kvwire relies on for {}: Key Vault Secrets User on the vault — `az role assignment create --role \"Key Vault Secrets User\" --assignee-object-id {who} --assignee-principal-type ServicePrincipal --scope {}`; once every reader has its role, switch the vault with `az keyvault update -n {} --enable-rbac-authorization true`",
            vault.name,
            principal.label(),
            vault.id,
            vault.name
        ));
    }
}

/// Identity checks by mode; returns the principal and the client ID the SPC must carry.
async fn identity_checks(
    az: &Arc<Azure>,
    rb: &Loaded,
    mc: &ManagedCluster,
    checks: &mut Vec<Check>,
) -> Result<(Principal, Option<String>)> {
    let b = &rb.book;
    let (rg, cluster) = (&*b.cluster.resource_group, &*b.cluster.name);
    match b.identity.mode {
        IdentityMode::AddonIdentity => {
            let a = mc.csi_addon_identity();
            check(
                checks,
                format!("cluster {rg}/{cluster} has the CSI driver add-on's identity"),
                a.is_some(),
                a.and_then(|a| a.client_id.clone()).unwrap_or_default(),
                format!("kvwire cluster enable-csi-driver -g {rg} -n {cluster}"),
            );
            Ok((
                Principal::Addon {
                    rg: rg.into(),
                    cluster: cluster.into(),
                },
                a.and_then(|a| a.client_id.clone()),
            ))
        }
        IdentityMode::Kubelet => {
            let k = mc.kubelet_identity().filter(|_| !mc.uses_service_principal());
            check(
                checks,
                format!("cluster {rg}/{cluster} has a kubelet identity"),
                k.is_some(),
                k.and_then(|k| k.client_id.clone()).unwrap_or_default(),
                format!("kvwire cluster enable-managed-identity -g {rg} -n {cluster}"),
            );
            Ok((
                Principal::Kubelet {
                    rg: rg.into(),
                    cluster: cluster.into(),
                },
                k.and_then(|k| k.client_id.clone()),
            ))
        }
        IdentityMode::WorkloadIdentity | IdentityMode::IdentityBinding => {
            let binding_mode = b.identity.mode == IdentityMode::IdentityBinding;
            let name = b
                .identity
                .name
                .as_deref()
                .ok_or_else(|| Error::usage("[identity] needs name"))?;
            let id_rg = rb.identity_rg();
            let found = az.identity(id_rg, name).await?;
            let client_id = found.as_ref().and_then(|d| {
                crate::azure::arm::models::Identity::of(d)
                    .client_id()
                    .map(str::to_owned)
            });
            let wi_fix = |ns: &str, sa: &str| {
                format!(
                    "kvwire workload-identity -g {rg} --cluster {cluster} --identity {name} --identity-resource-group {id_rg} --namespace {ns} --service-account {sa}{}",
                    match (binding_mode, &b.identity.binding) {
                        (true, Some(n)) => format!(" --binding --binding-name {}", n.0),
                        (true, None) => " --binding".to_string(),
                        _ => String::new(),
                    }
                )
            };
            let first = b
                .service_accounts
                .first()
                .map(|s| (s.namespace.0.as_str(), s.name.0.as_str()))
                .unwrap_or(("NS", "SA"));
            check(
                checks,
                format!("identity {id_rg}/{name} exists"),
                found.is_some(),
                client_id.clone().unwrap_or_default(),
                wi_fix(first.0, first.1),
            );
            let issuer = mc.oidc_issuer();
            check(
                checks,
                format!("cluster {rg}/{cluster} has the OIDC issuer and workload identity enabled"),
                mc.workload_identity_ready(),
                issuer.unwrap_or_default(),
                wi_fix(first.0, first.1),
            );
            if binding_mode {
                let fix = wi_fix(first.0, first.1);
                verify_binding(az, rb, found.is_some(), checks, &fix).await?;
                return Ok((
                    Principal::Identity {
                        rg: id_rg.into(),
                        name: name.into(),
                    },
                    client_id,
                ));
            }
            let creds = match found {
                Some(_) => crate::azure::identity::credentials_of(az, &az.identity_id(id_rg, name)).await?,
                None => vec![],
            };
            for sa in &b.service_accounts {
                let subject = sa.binding().subject();
                let matching = creds
                    .iter()
                    .find(|c| issuer.is_some_and(|i| identity::credential_matches(c, i, &subject)));
                check(
                    checks,
                    format!("federated credential for {subject} matches the cluster's issuer"),
                    matching.is_some(),
                    matching
                        .and_then(|c| c["name"].as_str())
                        .unwrap_or("none with this issuer and subject"),
                    wi_fix(&sa.namespace.0, &sa.name.0),
                );
            }
            Ok((
                Principal::Identity {
                    rg: id_rg.into(),
                    name: name.into(),
                },
                client_id,
            ))
        }
    }
}

/// Binding mode: the binding binds the identity and has succeeded, and the identity holds AKS's
/// credential for the binding's issuer (what token exchange through the binding relies on).
async fn verify_binding(
    az: &Arc<Azure>,
    rb: &Loaded,
    identity_exists: bool,
    checks: &mut Vec<Check>,
    fix: &str,
) -> Result<()> {
    let b = &rb.book;
    let cluster = crate::azure::cluster::ClusterRef::new(az.clone(), &b.cluster.resource_group, &b.cluster.name);
    let binding = crate::azure::binding::BindingRef {
        cluster,
        name: rb.binding_name(),
    };
    let identity_ref = crate::azure::identity::IdentityRef {
        cluster: binding.cluster.clone(),
        rg: rb.identity_rg().into(),
        name: b.identity.name.as_deref().unwrap_or("").into(),
    };
    let identity = identity_ref.id();
    let read = binding.read().await?;
    let view = read.as_ref().map(|(_, v)| v);
    let ok = view.is_some_and(|v| v.binds(&identity));
    let detail = match view {
        None => "none".to_string(),
        Some(v) if !v.maps(&identity) => format!(
            "binds {}",
            v.properties
                .managed_identity
                .resource_id
                .as_deref()
                .unwrap_or("another identity")
        ),
        Some(v) => format!("provisioning state {}", v.state()),
    };
    check(
        checks,
        format!("identity binding {} binds the identity", binding.label()),
        ok,
        detail,
        fix,
    );
    let issuer = view.filter(|_| ok).and_then(|v| v.issuer());
    let cred = match (issuer, identity_exists) {
        (Some(_), true) => identity_ref.credential(crate::azure::binding::AKS_CREDENTIAL).await?,
        _ => None,
    };
    check(
        checks,
        format!(
            "identity holds AKS's credential {} for the binding's issuer",
            crate::azure::binding::AKS_CREDENTIAL
        ),
        issuer.is_some_and(|i| crate::azure::binding::aks_credential_trusts(cred.as_ref(), i)),
        issuer.unwrap_or("the binding reports no issuer"),
        fix,
    );
    Ok(())
}

/// Why an emitted SecretProviderClass no longer matches Azure, if it does not.
fn spc_mismatch(
    doc: &Value,
    vault: &Vault,
    client_id: Option<&str>,
    secrets: &[String],
    token_proxy: bool,
) -> Option<String> {
    let p = |k: &str| {
        doc.pointer(&format!("/spec/parameters/{k}"))
            .and_then(Value::as_str)
            .unwrap_or("")
    };
    // Through a binding the provider must ask AKS's token proxy: without it, it would look for a
    // credential for the service account that binding mode never makes.
    if token_proxy && !p(spc::TOKEN_PROXY).eq_ignore_ascii_case("true") {
        return Some("useAzureTokenProxy is not \"true\": in identity-binding mode the pods' tokens come through AKS's token proxy".into());
    }
    if p("keyvaultName") != vault.name {
        return Some(format!("keyvaultName is {:?}", p("keyvaultName")));
    }
    if !p("tenantID").eq_ignore_ascii_case(&vault.tenant_id) {
        return Some(format!(
            "tenantID {:?} is not the vault's tenant {}",
            p("tenantID"),
            vault.tenant_id
        ));
    }
    let id = if p("clientID").is_empty() {
        p("userAssignedIdentityID")
    } else {
        p("clientID")
    };
    if let Some(c) = client_id.filter(|c| !id.eq_ignore_ascii_case(c)) {
        return Some(format!("the client ID is {id:?}, the identity's is {c}"));
    }
    let declared: Vec<String> = spc::declared_objects(p("objects"))
        .unwrap_or_default()
        .iter()
        .filter_map(|o| o["objectName"].as_str().map(str::to_owned))
        .collect();
    let missing: Vec<&String> = secrets.iter().filter(|s| !declared.contains(s)).collect();
    if !missing.is_empty() {
        return Some(format!(
            "objects lack {}",
            missing.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
        ));
    }
    None
}
