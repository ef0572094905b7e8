//! `kvwire workload-identity`: OIDC issuer + workload identity on the cluster, a user-assigned
//! identity, and one federated credential binding it to `system:serviceaccount:NS:SA`.

use crate::{
    azure::arm::{ErrorCode, OnStatus, api, models::ManagedCluster},
    cli::{GlobalArgs, WorkloadIdentityArgs},
    azure::context::{Azure, run_options},
    error::{Error, Result},
    info,
    ui::output::Ui,
    plan::{self, Action, FieldChange, Planned, Step},
};
use serde_json::{Value, json};
use std::{sync::Arc, time::Duration};

/// Audience Entra expects for Kubernetes service account token exchange.
pub const AUDIENCE: &str = "api://AzureADTokenExchange";
/// Azure allows at most this many federated credentials on one identity.
pub const MAX_CREDENTIALS: usize = 20;
const TAG_KEY: &str = "managed-by";
const TAG_VALUE: &str = "kvwire";

pub async fn run(az: Arc<Azure>, args: &WorkloadIdentityArgs, g: &GlobalArgs, ui: &Ui) -> Result<u8> {
    let id_rg = args
        .identity_resource_group
        .as_deref()
        .unwrap_or(&args.cluster.resource_group);
    let binding = Binding {
        namespace: args.namespace.clone(),
        service_account: args.service_account.clone(),
        credential: args.credential_name.clone(),
    };
    let steps = steps(
        az,
        &args.cluster.resource_group,
        &args.cluster.name,
        id_rg,
        &args.identity,
        &[binding],
    );
    let opts = run_options(g, "workload-identity", ui, 1)?;
    plan::run(steps, &opts, ui).await
}

/// One Kubernetes service account that may use the identity.
#[derive(Debug, Clone)]
pub struct Binding {
    pub namespace: String,
    pub service_account: String,
    /// Federated credential name; default `kvwire-NS-SA`.
    pub credential: Option<String>,
}

impl Binding {
    pub fn credential_name(&self) -> String {
        self.credential
            .clone()
            .unwrap_or_else(|| format!("kvwire-{}-{}", self.namespace, self.service_account.replace('.', "-")))
    }
}

/// Cluster features, the identity, then one federated credential per binding — in that order,
/// since Azure takes one credential write per identity at a time.
pub fn steps(
    az: Arc<Azure>,
    rg: &str,
    cluster: &str,
    id_rg: &str,
    identity: &str,
    bindings: &[Binding],
) -> Vec<Box<dyn Step>> {
    let target = Target {
        cluster_path: az.cluster_path(rg, cluster),
        identity_path: format!(
            "/subscriptions/{}/resourceGroups/{id_rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/{identity}",
            az.subscription
        ),
        az,
        rg: rg.into(),
        cluster: cluster.into(),
        cluster_label: format!("{rg}/{cluster}"),
        identity_label: format!("{id_rg}/{identity}"),
    };
    let mut steps: Vec<Box<dyn Step>> = vec![
        Box::new(ClusterFeatures { t: target.clone() }),
        Box::new(Identity { t: target.clone() }),
    ];
    for b in bindings {
        steps.push(Box::new(FederatedCredential {
            t: target.clone(),
            name: b.credential_name(),
            subject: format!("system:serviceaccount:{}:{}", b.namespace, b.service_account),
        }));
    }
    steps
}

/// What every step needs to find its resources.
#[derive(Clone)]
struct Target {
    az: Arc<Azure>,
    rg: String,
    cluster: String,
    cluster_path: String,
    cluster_label: String,
    identity_path: String,
    identity_label: String,
}

impl Target {
    async fn cluster(&self) -> Result<(Value, ManagedCluster)> {
        self.az.cluster(&self.rg, &self.cluster).await
    }

    /// The issuer URL, verbatim, once the OIDC issuer is on.
    async fn issuer(&self) -> Result<Option<String>> {
        let (_, mc) = self.cluster().await?;
        Ok(mc
            .properties
            .oidc_issuer_profile
            .filter(|p| p.enabled == Some(true))
            .and_then(|p| p.issuer_url))
    }

    async fn identity(&self) -> Result<Option<Value>> {
        self.az.arm.get_opt(&self.identity_path, api::MANAGED_IDENTITY).await
    }
}

// ---- 1. the cluster's OIDC issuer and workload identity -------------------------------------

struct ClusterFeatures {
    t: Target,
}

#[async_trait::async_trait]
impl Step for ClusterFeatures {
    async fn plan(&mut self) -> Result<Planned> {
        let (_, mc) = self.t.cluster().await?;
        let oidc = mc
            .properties
            .oidc_issuer_profile
            .as_ref()
            .and_then(|p| p.enabled)
            .unwrap_or(false);
        let wi = mc
            .properties
            .security_profile
            .as_ref()
            .and_then(|p| p.workload_identity.as_ref())
            .and_then(|w| w.enabled)
            .unwrap_or(false);
        let address = format!("cluster {}", self.t.cluster_label);
        let kind = "Microsoft.ContainerService/managedClusters";
        if oidc && wi {
            return Ok(Planned::no_op(
                address,
                kind,
                "OIDC issuer and workload identity are enabled",
            ));
        }
        let mut changes = vec![];
        if !oidc {
            changes.push(FieldChange::set(
                "properties.oidcIssuerProfile.enabled",
                Some(json!(oidc)),
                json!(true),
            ));
            changes.push(FieldChange::unknown("properties.oidcIssuerProfile.issuerURL"));
        }
        if !wi {
            changes.push(FieldChange::set(
                "properties.securityProfile.workloadIdentity.enabled",
                Some(json!(wi)),
                json!(true),
            ));
        }
        Ok(Planned {
            address,
            resource_type: kind.into(),
            action: Action::Update,
            reason: Some("workload identity needs the cluster's OIDC issuer and webhook".into()),
            changes,
            warnings: vec![],
            held: None,
        })
    }

    async fn apply(&mut self, on: OnStatus<'_>) -> Result<()> {
        // One cluster update for both switches, on the cluster exactly as read.
        // Read again right before writing: an earlier step of this run may have changed the cluster
        // (a switch to managed identity), and writing the plan-time copy back would undo it.
        let (read, mc) = self.t.cluster().await?;
        let mut body = crate::azure::arm::writable::cluster_put_body(&read);
        let props = body["properties"]
            .as_object_mut()
            .ok_or_else(|| Error::runtime("cluster has no properties"))?;
        let oidc = props.entry("oidcIssuerProfile").or_insert_with(|| json!({}));
        oidc["enabled"] = json!(true);
        let security = props.entry("securityProfile").or_insert_with(|| json!({}));
        if security.get("workloadIdentity").is_none() {
            security["workloadIdentity"] = json!({});
        }
        security["workloadIdentity"]["enabled"] = json!(true);
        self.t
            .az
            .arm
            .put_if_match(
                &self.t.cluster_path,
                api::CONTAINER_SERVICE,
                &body,
                mc.e_tag.as_deref(),
                on,
            )
            .await?;
        Ok(())
    }

    async fn outputs(&mut self) -> Result<Vec<(String, Value)>> {
        Ok(self
            .t
            .issuer()
            .await?
            .map(|i| vec![("oidc_issuer_url".into(), json!(i))])
            .unwrap_or_default())
    }
}

// ---- 2. the user-assigned identity ----------------------------------------------------------

struct Identity {
    t: Target,
}

#[async_trait::async_trait]
impl Step for Identity {
    async fn plan(&mut self) -> Result<Planned> {
        let address = format!("identity {}", self.t.identity_label);
        let kind = "Microsoft.ManagedIdentity/userAssignedIdentities";
        if let Some(existing) = self.t.identity().await? {
            let client = existing
                .pointer("/properties/clientId")
                .and_then(Value::as_str)
                .unwrap_or("?");
            return Ok(Planned::no_op(
                address,
                kind,
                format!("exists (clientId {client}): adopted"),
            ));
        }
        let (_, mc) = self.t.cluster().await?;
        Ok(Planned {
            address,
            resource_type: kind.into(),
            action: Action::Create,
            reason: None,
            changes: vec![
                FieldChange::set("location", None, json!(mc.location)),
                FieldChange::set(&format!("tags.{TAG_KEY}"), None, json!(TAG_VALUE)),
                FieldChange::unknown("properties.clientId"),
                FieldChange::unknown("properties.principalId"),
            ],
            warnings: vec![],
            held: None,
        })
    }

    async fn apply(&mut self, on: OnStatus<'_>) -> Result<()> {
        let (_, mc) = self.t.cluster().await?;
        let body = json!({"location": mc.location, "tags": {TAG_KEY: TAG_VALUE}});
        self.t
            .az
            .arm
            .put(&self.t.identity_path, api::MANAGED_IDENTITY, &body, on)
            .await?;
        Ok(())
    }

    async fn outputs(&mut self) -> Result<Vec<(String, Value)>> {
        let Some(id) = self.t.identity().await? else {
            return Ok(vec![]);
        };
        Ok(["clientId", "principalId", "tenantId"]
            .iter()
            .map(|k| (format!("identity_{}", snake(k)), id["properties"][*k].clone()))
            .collect())
    }
}

fn snake(camel: &str) -> String {
    camel
        .chars()
        .flat_map(|c| {
            if c.is_uppercase() {
                vec!['_', c.to_ascii_lowercase()]
            } else {
                vec![c]
            }
        })
        .collect()
}

// ---- 3. the federated credential ------------------------------------------------------------

struct FederatedCredential {
    t: Target,
    name: String,
    subject: String,
}

impl FederatedCredential {
    fn collection(&self) -> String {
        format!("{}/federatedIdentityCredentials", self.t.identity_path)
    }
}

fn fic_field<'a>(v: &'a Value, f: &str) -> Option<&'a Value> {
    v.pointer(&format!("/properties/{f}"))
}

#[async_trait::async_trait]
impl Step for FederatedCredential {
    async fn plan(&mut self) -> Result<Planned> {
        let address = format!("federated credential {}/{}", self.t.identity_label, self.name);
        let kind = "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials";
        let issuer = self.t.issuer().await?;
        let existing = match self.t.identity().await? {
            Some(_) => self.t.az.arm.list(&self.collection(), api::MANAGED_IDENTITY).await?,
            None => vec![],
        };
        let issuer_json = issuer.clone().map(Value::from);
        let matches = |c: &Value| {
            issuer_json.is_some()
                && fic_field(c, "issuer") == issuer_json.as_ref()
                && fic_field(c, "subject").and_then(Value::as_str) == Some(self.subject.as_str())
        };
        // Same issuer and subject under any name: that credential already does the job.
        if let Some(found) = existing.iter().find(|c| matches(c)) {
            let name = found["name"].as_str().unwrap_or("?");
            let audiences = fic_field(found, "audiences").cloned().unwrap_or(Value::Null);
            if audiences.as_array().is_some_and(|a| a.iter().any(|x| x == AUDIENCE)) {
                let why = if name == self.name {
                    "matches".to_string()
                } else {
                    format!("adopted existing credential {name} (same issuer and subject)")
                };
                return Ok(Planned::no_op(address, kind, why));
            }
        }
        let issuer_change = |before: Option<Value>| match &issuer {
            Some(i) => FieldChange::set("properties.issuer", before, json!(i)),
            None => FieldChange {
                before,
                ..FieldChange::unknown("properties.issuer")
            },
        };
        let same_name = existing
            .iter()
            .find(|c| c["name"].as_str().is_some_and(|n| n.eq_ignore_ascii_case(&self.name)));
        if let Some(current) = same_name {
            let mut changes = vec![];
            let cur_issuer = fic_field(current, "issuer").cloned();
            if cur_issuer != issuer_json {
                changes.push(issuer_change(cur_issuer));
            }
            let cur_subject = fic_field(current, "subject").cloned();
            if cur_subject.as_ref().and_then(Value::as_str) != Some(self.subject.as_str()) {
                changes.push(FieldChange::set("properties.subject", cur_subject, json!(self.subject)));
            }
            let cur_aud = fic_field(current, "audiences").cloned();
            if cur_aud != Some(json!([AUDIENCE])) {
                changes.push(FieldChange::set("properties.audiences", cur_aud, json!([AUDIENCE])));
            }
            return Ok(Planned {
                address,
                resource_type: kind.into(),
                action: Action::Update,
                reason: Some("the credential has drifted from the cluster's issuer or the service account".into()),
                changes,
                warnings: vec![format!(
                    "federated credential {} will be rewritten: pods that relied on its old issuer or subject lose access",
                    self.name
                )],
                held: None,
            });
        }
        if existing.len() >= MAX_CREDENTIALS {
            return Err(Error::runtime(format!(
                "identity {} already has {} federated credentials, the most Azure allows ({MAX_CREDENTIALS}): remove one or use another identity",
                self.t.identity_label,
                existing.len()
            )));
        }
        Ok(Planned {
            address,
            resource_type: kind.into(),
            action: Action::Create,
            reason: None,
            changes: vec![
                issuer_change(None),
                FieldChange::set("properties.subject", None, json!(self.subject)),
                FieldChange::set("properties.audiences", None, json!([AUDIENCE])),
            ],
            warnings: vec![],
            held: None,
        })
    }

    async fn apply(&mut self, on: OnStatus<'_>) -> Result<()> {
        // The issuer may have been created by the cluster step of this same run: read it now.
        let issuer =
            self.t.issuer().await?.ok_or_else(|| {
                Error::runtime(format!("cluster {} has no OIDC issuer URL yet", self.t.cluster_label))
            })?;
        let body = json!({"properties": {"issuer": issuer, "subject": self.subject, "audiences": [AUDIENCE]}});
        let path = format!("{}/{}", self.collection(), self.name);
        // Azure takes one federated-credential write per identity at a time; wait our turn.
        let mut delay = Duration::from_millis(500);
        for attempt in 1..=6 {
            match self.t.az.arm.put(&path, api::MANAGED_IDENTITY, &body, on).await {
                Err(Error::Arm(e))
                    if e.is(&ErrorCode::ConcurrentFederatedIdentityCredentialsWritesForSingleManagedIdentity)
                        && attempt < 6 =>
                {
                    info!("another federated credential write is in progress on this identity; retrying in {delay:?}");
                    on("waiting for another credential write");
                    tokio::time::sleep(delay).await;
                    delay *= 2;
                }
                other => return other.map(|_| ()),
            }
        }
        unreachable!("the last attempt returns")
    }
}
