//! A runbook's setup, checked end to end: each check passes or fails with the command that fixes
//! it, and what `up` would still change is reported as drift.

use super::{IdentityMode, Loaded};
use crate::{
    azure::{
        arm::{api, models::ManagedCluster},
        context::Azure,
        grants, ids,
        keyvault::{SecretState, secret_state},
        vault::{self, Vault},
    },
    error::{Error, Result},
    k8s::spc,
    model::secrets,
    plan::{self, Action, Planned},
    steps::{access::Principal, identity},
};
use serde::Serialize;
use serde_json::Value;
use std::{path::Path, sync::Arc};

#[derive(Debug, Serialize)]
pub struct Check {
    pub check: String,
    pub ok: bool,
    pub detail: String,
    /// The command that fixes it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
}

/// What `verify` found.
pub struct Report {
    pub checks: Vec<Check>,
    /// Steps `up` would still change.
    pub drift: Vec<Planned>,
}

fn check(checks: &mut Vec<Check>, check: String, ok: bool, detail: impl Into<String>, fix: impl Into<String>) {
    checks.push(Check {
        check,
        ok,
        detail: detail.into(),
        fix: (!ok).then(|| fix.into()),
    });
}

pub async fn run(az: &Arc<Azure>, rb: &Loaded, file: &Path) -> Result<Report> {
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

    // The identity the pods use.
    let (principal, client_id) = identity_checks(az, rb, &mc, &mut checks).await?;

    // Access and secrets.
    let vault = vault::find(az, &b.vault.name, b.vault.resource_group.as_deref()).await?;
    let object_id = principal.object_id(az).await?;
    let client = az.secret_client(&vault.uri)?;
    let secret_names: Vec<String> = rb.secret_map().into_iter().map(|(_, n)| n).collect();
    for name in &secret_names {
        let access = match &object_id {
            Some(oid) => grants::secret_read_access(az, &vault, oid, name).await?,
            None => None,
        };
        check(
            &mut checks,
            format!("{} can read secret {}/{name}", principal.label(), vault.name),
            access.is_some(),
            access.unwrap_or_else(|| "no role assignment or access policy grants it".into()),
            principal.grant_command(&vault.name),
        );
        let (exists, detail) = match secret_state(&client, name).await {
            SecretState::Enabled => (true, String::new()),
            SecretState::Disabled => (false, "disabled".to_string()),
            SecretState::Missing => (false, "missing".to_string()),
            SecretState::Unknown(code) => (false, code),
        };
        check(
            &mut checks,
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
    if let Some(m) = &b.manifests {
        let path = rb.resolve(&m.out_dir).join("secretproviderclass.yaml");
        let (ok, detail) = match std::fs::read_to_string(&path) {
            Err(e) => (false, format!("{}: {e}", path.display())),
            Ok(text) => match crate::k8s::yaml::parse_documents(&text, &path.display().to_string()) {
                Err(e) => (false, e.to_string()),
                Ok(docs) => spc_mismatch(
                    docs.first().unwrap_or(&Value::Null),
                    &vault,
                    client_id.as_deref(),
                    &secret_names,
                )
                .map_or((true, String::new()), |why| (false, why)),
            },
        };
        check(
            &mut checks,
            format!("{} matches vault {}", path.display(), vault.name),
            ok,
            detail,
            up.clone(),
        );
    }

    // Drift: what `up` would still change (secret values are not compared: they need the sources).
    let (up_plan, _) = super::build::up(az, rb, None).await?;
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
    Ok(Report { checks, drift })
}

/// Identity checks by mode; returns the principal and the client ID the SPC must carry.
async fn identity_checks(
    az: &Azure,
    rb: &Loaded,
    mc: &ManagedCluster,
    checks: &mut Vec<Check>,
) -> Result<(Principal, Option<String>)> {
    let b = &rb.book;
    let (rg, cluster) = (&*b.cluster.resource_group, &*b.cluster.name);
    match b.identity.mode {
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
        IdentityMode::WorkloadIdentity => {
            let name = b
                .identity
                .name
                .as_deref()
                .ok_or_else(|| Error::usage("[identity] needs name"))?;
            let id_rg = rb.identity_rg();
            let found = az.identity(id_rg, name).await?;
            let client_id = found
                .as_ref()
                .and_then(|d| d.pointer("/properties/clientId"))
                .and_then(Value::as_str)
                .map(str::to_owned);
            let wi_fix = |ns: &str, sa: &str| {
                format!(
                    "kvwire workload-identity -g {rg} --cluster {cluster} --identity {name} --identity-resource-group {id_rg} --namespace {ns} --service-account {sa}"
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
            let creds = match found {
                Some(_) => {
                    az.arm
                        .list(
                            &ids::federated_credentials(&az.identity_id(id_rg, name)),
                            api::MANAGED_IDENTITY,
                        )
                        .await?
                }
                None => vec![],
            };
            for sa in &b.service_accounts {
                let subject = identity::Binding {
                    namespace: sa.namespace.0.clone(),
                    service_account: sa.name.0.clone(),
                    credential: None,
                }
                .subject();
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

/// Why an emitted SecretProviderClass no longer matches Azure, if it does not.
fn spc_mismatch(doc: &Value, vault: &Vault, client_id: Option<&str>, secrets: &[String]) -> Option<String> {
    let p = |k: &str| {
        doc.pointer(&format!("/spec/parameters/{k}"))
            .and_then(Value::as_str)
            .unwrap_or("")
    };
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
