//! `kvwire verify -f runbook.toml`: the runbook's setup, checked end to end. Each check prints
//! ✔ or ✘ with the command that fixes it; any ✘ exits 1. What `up` would still change is shown
//! as a plan (drift).

use super::{grant::Principal, runbook::up_steps, workload_identity::AUDIENCE};
use crate::{
    azure::arm::api,
    azure::context::Azure,
    error::{Error, Result},
    azure::grants,
    azure::keyvault::{SecretState, secret_state},
    ui::output::{OutputFormat, Style, Ui},
    plan::{self, Action},
    runbook::{IdentityMode, Loaded},
    k8s::spc,
};
use serde_json::{Value, json};
use std::{path::Path, sync::Arc};

#[derive(Debug, serde::Serialize)]
struct Check {
    check: String,
    ok: bool,
    detail: String,
    /// The command that fixes it.
    #[serde(skip_serializing_if = "Option::is_none")]
    fix: Option<String>,
}

fn check(checks: &mut Vec<Check>, check: String, ok: bool, detail: impl Into<String>, fix: impl Into<String>) {
    checks.push(Check {
        check,
        ok,
        detail: detail.into(),
        fix: (!ok).then(|| fix.into()),
    });
}

pub async fn run(file: &Path, g: &crate::cli::GlobalArgs, ui: &Ui) -> Result<u8> {
    let rb = crate::runbook::load(file)?;
    let az = Arc::new(Azure::from_globals(g)?);
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
    check(
        &mut checks,
        "the kubelet runs on its managed identity".into(),
        !mc.uses_service_principal() && !mc.kubelet_migration_pending(),
        if mc.kubelet_migration_pending() {
            "node images not re-imaged since the switch"
        } else {
            ""
        },
        format!("kvwire nodepool upgrade-image -g {rg} --cluster {cluster} --all"),
    );

    // The identity the pods use.
    let (principal, client_id) = identity_checks(&az, &rb, &mc, &mut checks).await?;

    // Access and secrets.
    let vault = crate::azure::vault::find(&az, &b.vault.name, b.vault.resource_group.as_deref()).await?;
    let object_id = principal.object_id(&az).await?;
    let client = az.secret_client(&vault.uri)?;
    let grant_fix = match &principal {
        Principal::Identity { rg, name } => format!("kvwire grant --vault {} --to identity:{rg}/{name}", vault.name),
        Principal::Kubelet { rg, cluster } => {
            format!("kvwire grant --vault {} --to kubelet:{rg}/{cluster}", vault.name)
        }
        Principal::Known { object_id, .. } => format!("kvwire grant --vault {} --to principal:{object_id}", vault.name),
    };
    let secrets: Vec<String> = rb.secret_map().into_iter().map(|(_, n)| n).collect();
    for name in &secrets {
        let access = match &object_id {
            Some(oid) => grants::secret_read_access(&az, &vault, oid, name).await?,
            None => None,
        };
        check(
            &mut checks,
            format!("{} can read secret {}/{name}", principal.label(), vault.name),
            access.is_some(),
            access.unwrap_or_else(|| "no role assignment or access policy grants it".into()),
            grant_fix.clone(),
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
                crate::k8s::spc::env_key(name)
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
                    &secrets,
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
    let (mut steps, _) = up_steps(&az, &rb, None).await?;
    let planned = plan::observe_all(&mut steps, plan::OBSERVE_CONCURRENCY).await?;
    let drift: Vec<&plan::Planned> = planned.iter().filter(|p| p.action != Action::NoOp).collect();
    check(
        &mut checks,
        "no drift: up would change nothing".into(),
        drift.is_empty(),
        format!("{} step(s) would change", drift.len()),
        up,
    );

    let failed = checks.iter().filter(|c| !c.ok).count();
    match ui.format {
        OutputFormat::Json | OutputFormat::Yaml => {
            let drift_doc: Vec<Value> = drift
                .iter()
                .map(|p| json!({"address": p.address, "resource_type": p.resource_type, "action": p.action, "reason": p.reason}))
                .collect();
            ui.print_document(&json!({"checks": checks, "drift": drift_doc, "failed": failed}));
        }
        _ => {
            for c in &checks {
                let mark = if c.ok {
                    ui.paint("✔", Style::Add)
                } else {
                    ui.paint("✘", Style::Remove)
                };
                let detail = if c.detail.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", c.detail)
                };
                println!("{mark} {}{detail}", c.check);
                if let Some(fix) = &c.fix {
                    println!("    fix: {fix}");
                }
            }
            if !drift.is_empty() {
                println!("\nDrift (what `up` would change):");
                let owned: Vec<plan::Planned> = drift.iter().map(|p| (*p).clone()).collect();
                print!("{}", plan::render_text(&owned, ui));
            }
        }
    }
    Ok(if failed > 0 { 1 } else { 0 })
}

/// Identity checks by mode; returns the principal and the client ID the SPC must carry.
async fn identity_checks(
    az: &Azure,
    rb: &Loaded,
    mc: &crate::azure::arm::models::ManagedCluster,
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
            let path = format!(
                "/subscriptions/{}/resourceGroups/{id_rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/{name}",
                az.subscription
            );
            let identity = az.arm.get_opt(&path, api::MANAGED_IDENTITY).await?;
            let client_id = identity
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
                identity.is_some(),
                client_id.clone().unwrap_or_default(),
                wi_fix(first.0, first.1),
            );
            let issuer = mc
                .properties
                .oidc_issuer_profile
                .as_ref()
                .filter(|p| p.enabled == Some(true))
                .and_then(|p| p.issuer_url.clone());
            let wi_on = mc
                .properties
                .security_profile
                .as_ref()
                .and_then(|s| s.workload_identity.as_ref())
                .and_then(|w| w.enabled)
                == Some(true);
            check(
                checks,
                format!("cluster {rg}/{cluster} has the OIDC issuer and workload identity enabled"),
                issuer.is_some() && wi_on,
                issuer.clone().unwrap_or_default(),
                wi_fix(first.0, first.1),
            );
            let creds = match identity {
                Some(_) => {
                    az.arm
                        .list(&format!("{path}/federatedIdentityCredentials"), api::MANAGED_IDENTITY)
                        .await?
                }
                None => vec![],
            };
            for sa in &b.service_accounts {
                let subject = format!("system:serviceaccount:{}:{}", sa.namespace.0, sa.name.0);
                let found = creds.iter().find(|c| {
                    c.pointer("/properties/subject").and_then(Value::as_str) == Some(subject.as_str())
                        && issuer.is_some()
                        && c.pointer("/properties/issuer").and_then(Value::as_str) == issuer.as_deref()
                        && c.pointer("/properties/audiences")
                            .and_then(Value::as_array)
                            .is_some_and(|a| a.iter().any(|x| x == AUDIENCE))
                });
                check(
                    checks,
                    format!("federated credential for {subject} matches the cluster's issuer"),
                    found.is_some(),
                    found
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
fn spc_mismatch(
    doc: &Value,
    vault: &crate::azure::vault::Vault,
    client_id: Option<&str>,
    secrets: &[String],
) -> Option<String> {
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
