//! Steps that rewrite the managed cluster: the switch to a managed identity, the OIDC issuer and
//! workload identity, and clearing kvwire's kubelet-migration record.
//!
//! Each is a read-modify-write of the whole cluster with one desired-state function: `plan`
//! applies it to the cluster as read and shows the difference; `apply` reads again, applies the
//! same function, refuses if the difference is no longer the planned one, and PUTs the result
//! with `If-Match`, so a change someone made in between is never overwritten.

use crate::{
    azure::{
        arm::{api, models::KUBELET_MIGRATION_TAG, models::ManagedCluster, writable::cluster_put_body},
        context::Azure,
        grants, ids,
    },
    error::{Error, Result},
    plan::{Action, FieldChange, Phase, Planned, Step, diff},
    util::Progress,
};
use serde_json::{Value, json};
use std::sync::Arc;

/// The cluster one step rewrites.
#[derive(Clone)]
pub struct ClusterRef {
    pub az: Arc<Azure>,
    pub rg: String,
    pub name: String,
}

impl ClusterRef {
    pub fn new(az: Arc<Azure>, rg: &str, name: &str) -> ClusterRef {
        ClusterRef {
            az,
            rg: rg.into(),
            name: name.into(),
        }
    }

    pub fn id(&self) -> String {
        self.az.cluster_id(&self.rg, &self.name)
    }

    pub fn label(&self) -> String {
        format!("{}/{}", self.rg, self.name)
    }

    /// `-g RG --cluster NAME`, for the follow-up commands kvwire suggests.
    fn hint(&self) -> String {
        format!("-g {} --cluster {}", self.rg, self.name)
    }

    pub async fn read(&self) -> Result<(Value, ManagedCluster)> {
        self.az.cluster(&self.rg, &self.name).await
    }
}

/// What a cluster-rewriting step wants: from the PUT body (the cluster as read, minus what Azure
/// owns) and the typed view, the body it wants to send.
trait Desired: Send + Sync {
    fn desired(&self, base: &Value, mc: &ManagedCluster) -> Value;
}

/// The planned body changes for `d` against the cluster as it is now.
fn planned_changes(d: &dyn Desired, read: &Value, mc: &ManagedCluster) -> Vec<FieldChange> {
    let base = cluster_put_body(read);
    diff::changes(&base, &d.desired(&base, mc))
}

/// Read again, and PUT exactly the planned change, guarded by the entity tag just read.
async fn write(c: &ClusterRef, d: &dyn Desired, planned: &Planned, on: Progress<'_>) -> Result<()> {
    let (read, mc) = c.read().await?;
    let base = cluster_put_body(&read);
    let body = d.desired(&base, &mc);
    let now = diff::changes(&base, &body);
    if now.is_empty() {
        // Someone (or an earlier, interrupted run) already made this change.
        return Ok(());
    }
    if !diff::same_change(&now, &planned.changes) {
        let paths: Vec<&str> = now.iter().map(|c| c.path.as_str()).collect();
        return Err(Error::runtime(format!(
            "cluster {} changed since it was planned: the change would now touch {}; nothing was written. Run again to plan against what it is now",
            c.label(),
            paths.join(", ")
        )));
    }
    c.az.arm
        .put_if_match(&c.id(), api::CONTAINER_SERVICE, &body, mc.e_tag.as_deref(), on)
        .await?;
    Ok(())
}

// ---- the switch to a managed identity --------------------------------------------------------

/// The control plane's identity: system-assigned, or the user-assigned `identity` (resource ID).
pub struct EnableManagedIdentity {
    pub cluster: ClusterRef,
    pub user_assigned: Option<String>,
}

impl Desired for EnableManagedIdentity {
    fn desired(&self, base: &Value, mc: &ManagedCluster) -> Value {
        let mut body = base.clone();
        match &self.user_assigned {
            None => body["identity"] = json!({"type": "SystemAssigned"}),
            Some(id) => {
                // ARM may return the identity's ID in other casing: keep its key when it is ours.
                let key = base
                    .pointer("/identity/userAssignedIdentities")
                    .and_then(Value::as_object)
                    .and_then(|m| m.keys().find(|k| k.eq_ignore_ascii_case(id)).cloned())
                    .unwrap_or_else(|| id.clone());
                body["identity"] = json!({"type": "UserAssigned", "userAssignedIdentities": {key: {}}});
            }
        }
        if mc.uses_service_principal() {
            // Remember, in Azure itself, that the kubelet still needs its nodes re-imaged.
            if !body["tags"].is_object() {
                body["tags"] = json!({});
            }
            body["tags"][KUBELET_MIGRATION_TAG] = json!("pending");
        }
        body
    }
}

impl EnableManagedIdentity {
    fn kind(&self) -> &'static str {
        if self.user_assigned.is_some() {
            "UserAssigned"
        } else {
            "SystemAssigned"
        }
    }

    /// What the old service principal was granted: those grants do not follow the switch.
    async fn grants_left_behind(&self, sp: &str) -> String {
        let az = &self.cluster.az;
        let fix = format!(
            "re-grant what the kubelet needs to its identity (`kvwire kubelet-identity {}`)",
            self.cluster.hint()
        );
        let found = async {
            let Some(oid) = grants::service_principal_object_id(az, sp).await? else {
                return Ok(None);
            };
            grants::held_by(az, &oid).await.map(Some)
        };
        match found.await {
            Ok(Some(list)) if list.is_empty() => {
                format!(
                    "service principal {sp} holds no role assignments or Key Vault access policies in this subscription"
                )
            }
            Ok(Some(list)) => format!(
                "grants made to service principal {sp} are not moved to the managed identities; {fix}:\n  - {}",
                list.join("\n  - ")
            ),
            Ok(None) => format!("service principal {sp} was not found in the directory; if it still exists, {fix}"),
            Err(e) => format!(
                "could not list what service principal {sp} was granted ({e}); check with `az role assignment list --assignee {sp} --all` and {fix}"
            ),
        }
    }
}

#[async_trait::async_trait]
impl Step for EnableManagedIdentity {
    fn address(&self) -> String {
        format!("cluster {} (managed identity)", self.cluster.label())
    }

    fn phase(&self) -> Phase {
        Phase::CLUSTER
    }

    async fn plan(&self) -> Result<Planned> {
        let (read, mc) = self.cluster.read().await?;
        let changes = planned_changes(self, &read, &mc);
        let planned = Planned::new(self.address(), self.phase(), ids::MANAGED_CLUSTER, Action::Update);
        if changes.is_empty() {
            return Ok(Planned {
                action: Action::NoOp,
                ..planned.reason(format!("already uses a {} managed identity", self.kind()))
            });
        }
        let mut effects = vec![];
        let mut warnings = vec![];
        if self.user_assigned.is_none() {
            effects.push(FieldChange::unknown("identity.principalId"));
        }
        let sp = mc
            .properties
            .service_principal_profile
            .as_ref()
            .and_then(|p| p.client_id.clone());
        if let (true, Some(sp)) = (mc.uses_service_principal(), sp) {
            effects.push(FieldChange::set(
                "properties.servicePrincipalProfile.clientId",
                Some(json!(sp)),
                json!("msi"),
            ));
            if mc.kubelet_identity().is_none() {
                effects.push(FieldChange::unknown("properties.identityProfile.kubeletidentity"));
            }
            warnings.push(format!(
                "the kubelet keeps using service principal {sp} until the node images are upgraded: then run `kvwire nodepool upgrade-image {} --all`",
                self.cluster.hint()
            ));
            warnings.push(self.grants_left_behind(&sp).await);
        }
        let reason = if mc.uses_service_principal() {
            "the control plane uses a service principal".to_string()
        } else {
            format!("switch identity to {}", self.kind())
        };
        Ok(planned
            .reason(reason)
            .changes(changes)
            .effects(effects)
            .warnings(warnings))
    }

    async fn apply(&self, planned: &Planned, on: Progress<'_>) -> Result<()> {
        write(&self.cluster, self, planned, on).await
    }
}

// ---- the OIDC issuer and workload identity ---------------------------------------------------

/// The cluster's OIDC issuer and the workload identity webhook: what federated credentials need.
pub struct WorkloadIdentityFeatures {
    pub cluster: ClusterRef,
}

impl Desired for WorkloadIdentityFeatures {
    fn desired(&self, base: &Value, _: &ManagedCluster) -> Value {
        let mut body = base.clone();
        if !body["properties"].is_object() {
            body["properties"] = json!({});
        }
        let props = &mut body["properties"];
        if !props["oidcIssuerProfile"].is_object() {
            props["oidcIssuerProfile"] = json!({});
        }
        props["oidcIssuerProfile"]["enabled"] = json!(true);
        if !props["securityProfile"].is_object() {
            props["securityProfile"] = json!({});
        }
        if !props["securityProfile"]["workloadIdentity"].is_object() {
            props["securityProfile"]["workloadIdentity"] = json!({});
        }
        props["securityProfile"]["workloadIdentity"]["enabled"] = json!(true);
        body
    }
}

#[async_trait::async_trait]
impl Step for WorkloadIdentityFeatures {
    fn address(&self) -> String {
        format!("cluster {} (workload identity)", self.cluster.label())
    }

    fn phase(&self) -> Phase {
        Phase::WORKLOAD_IDENTITY
    }

    async fn plan(&self) -> Result<Planned> {
        let (read, mc) = self.cluster.read().await?;
        let changes = planned_changes(self, &read, &mc);
        let planned = Planned::new(self.address(), self.phase(), ids::MANAGED_CLUSTER, Action::Update);
        if changes.is_empty() {
            return Ok(Planned {
                action: Action::NoOp,
                ..planned.reason("OIDC issuer and workload identity are enabled")
            });
        }
        let effects = if mc.oidc_issuer().is_none() {
            vec![FieldChange::unknown("properties.oidcIssuerProfile.issuerURL")]
        } else {
            vec![]
        };
        Ok(planned
            .reason("workload identity needs the cluster's OIDC issuer and webhook")
            .changes(changes)
            .effects(effects))
    }

    async fn apply(&self, planned: &Planned, on: Progress<'_>) -> Result<()> {
        write(&self.cluster, self, planned, on).await
    }

    async fn outputs(&self) -> Result<Vec<(String, Value)>> {
        let (_, mc) = self.cluster.read().await?;
        Ok(mc
            .oidc_issuer()
            .map(|i| vec![("oidc_issuer_url".into(), json!(i))])
            .unwrap_or_default())
    }
}

// ---- the kubelet-migration record ------------------------------------------------------------

/// Removes the kubelet-migration tag once every pool runs a re-imaged node image.
pub struct ClearMigrationTag {
    pub cluster: ClusterRef,
    /// Part of a run that also switches the cluster to managed identity (a runbook).
    pub after_switch: bool,
    pub pools: Vec<String>,
}

#[async_trait::async_trait]
impl Step for ClearMigrationTag {
    fn address(&self) -> String {
        format!("cluster {} (kubelet migration)", self.cluster.label())
    }

    fn phase(&self) -> Phase {
        Phase::NODE_IMAGES
    }

    async fn plan(&self) -> Result<Planned> {
        let (_, mc) = self.cluster.read().await?;
        let planned = Planned::new(self.address(), self.phase(), ids::MANAGED_CLUSTER, Action::Update);
        let no_op = |why: &str| Planned {
            action: Action::NoOp,
            ..planned.clone().reason(why)
        };
        if !mc.kubelet_migration_pending() && !mc.uses_service_principal() {
            return Ok(no_op("no kubelet migration pending"));
        }
        if mc.uses_service_principal() && !mc.kubelet_migration_pending() && !self.after_switch {
            return Ok(no_op("the cluster still uses a service principal"));
        }
        Ok(planned
            .reason("once every pool is re-imaged the kubelet runs on its managed identity")
            .changes(vec![FieldChange::set(
                &format!("tags.{KUBELET_MIGRATION_TAG}"),
                Some(json!("pending")),
                Value::Null,
            )]))
    }

    async fn apply(&self, _planned: &Planned, on: Progress<'_>) -> Result<()> {
        let az = &self.cluster.az;
        let id = self.cluster.id();
        for pool in &self.pools {
            let p = az.arm.get(&ids::agent_pool(&id, pool), api::CONTAINER_SERVICE).await?;
            let state = p
                .pointer("/properties/provisioningState")
                .and_then(Value::as_str)
                .unwrap_or("");
            if !state.eq_ignore_ascii_case("Succeeded") {
                return Err(Error::runtime(format!(
                    "node pool {pool} is {state}: the kubelet migration is finished only when every pool is re-imaged; run again later"
                )));
            }
        }
        let (doc, _) = self.cluster.read().await?;
        let mut tags = doc["tags"].as_object().cloned().unwrap_or_default();
        tags.remove(KUBELET_MIGRATION_TAG);
        az.arm
            .patch(&id, api::CONTAINER_SERVICE, &json!({"tags": tags}), on)
            .await?;
        Ok(())
    }
}
