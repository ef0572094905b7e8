//! `kvwire cluster enable-managed-identity`: move the control plane off its service principal.
//! Read-modify-write of the whole cluster JSON, so fields kvwire does not know survive the PUT.

use crate::{
    azure::arm::{
        OnStatus, api,
        models::{KUBELET_MIGRATION_TAG, ManagedCluster},
    },
    cli::{EnableManagedIdentityArgs, GlobalArgs},
    azure::context::{Azure, run_options},
    error::Result,
    azure::grants,
    ui::output::Ui,
    plan::{self, Action, After, FieldChange, Planned, Step},
};
use serde_json::{Value, json};
use std::sync::Arc;

const TYPE: &str = "Microsoft.ContainerService/managedClusters";

pub async fn run(az: Arc<Azure>, args: &EnableManagedIdentityArgs, g: &GlobalArgs, ui: &Ui) -> Result<u8> {
    let s = step(
        az,
        &args.cluster.resource_group,
        &args.cluster.name,
        args.assign_identity.clone(),
    );
    let opts = run_options(g, "cluster enable-managed-identity", ui, 1)?;
    plan::run(vec![s], &opts, ui).await
}

/// The switch to a managed identity: system-assigned, or the user-assigned `identity` (resource ID).
pub fn step(az: Arc<Azure>, rg: &str, name: &str, identity: Option<String>) -> Box<dyn Step> {
    Box::new(EnableManagedIdentity {
        rg: rg.into(),
        name: name.into(),
        path: az.cluster_path(rg, name),
        address: format!("cluster {rg}/{name}"),
        hint: format!("-g {rg} --cluster {name}"),
        target: identity,
        az,
    })
}

struct EnableManagedIdentity {
    az: Arc<Azure>,
    rg: String,
    name: String,
    path: String,
    address: String,
    /// `-g RG --cluster NAME`, for the follow-up commands we suggest.
    hint: String,
    /// `None` = system-assigned; `Some(id)` = this user-assigned identity.
    target: Option<String>,
}

impl EnableManagedIdentity {
    fn desired_identity(&self) -> Value {
        match &self.target {
            None => json!({"type": "SystemAssigned"}),
            Some(id) => json!({"type": "UserAssigned", "userAssignedIdentities": {id: {}}}),
        }
    }

    fn already_there(&self, mc: &ManagedCluster) -> bool {
        if mc.uses_service_principal() {
            return false;
        }
        match (&self.target, mc.identity.as_ref()) {
            (None, Some(i)) => i
                .kind
                .as_deref()
                .is_some_and(|k| k.eq_ignore_ascii_case("SystemAssigned")),
            (Some(id), Some(i)) => {
                i.kind
                    .as_deref()
                    .is_some_and(|k| k.eq_ignore_ascii_case("UserAssigned"))
                    && i.user_assigned_identities
                        .as_ref()
                        .is_some_and(|m| m.keys().any(|k| k.eq_ignore_ascii_case(id)))
            }
            _ => false,
        }
    }
}

impl EnableManagedIdentity {
    /// What the old service principal was granted: those grants do not follow the switch.
    async fn grants_left_behind(&self, sp: &str) -> String {
        let fix = format!(
            "re-grant what the kubelet needs to its identity (`kvwire kubelet-identity {}`)",
            self.hint
        );
        let found = async {
            let Some(oid) = grants::service_principal_object_id(&self.az, sp).await? else {
                return Ok(None);
            };
            grants::held_by(&self.az, &oid).await.map(Some)
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
    async fn plan(&mut self) -> Result<Planned> {
        let (_, mc) = self.az.cluster(&self.rg, &self.name).await?;
        let target_kind = if self.target.is_some() {
            "UserAssigned"
        } else {
            "SystemAssigned"
        };
        if self.already_there(&mc) {
            return Ok(Planned::no_op(
                &self.address,
                TYPE,
                format!("already uses a {target_kind} managed identity"),
            ));
        }
        let mut changes = vec![FieldChange::set(
            "identity.type",
            Some(mc.identity_type().map(Value::from).unwrap_or(Value::Null)),
            json!(target_kind),
        )];
        match &self.target {
            None => changes.push(FieldChange::unknown("identity.principalId")),
            Some(id) => changes.push(FieldChange::set("identity.userAssignedIdentities", None, json!([id]))),
        }
        let mut warnings = vec![];
        let sp = mc
            .properties
            .service_principal_profile
            .as_ref()
            .and_then(|p| p.client_id.clone());
        if let (true, Some(sp)) = (mc.uses_service_principal(), sp) {
            changes.push(FieldChange {
                path: "servicePrincipalProfile.clientId".into(),
                before: Some(json!(sp)),
                after: After::Value(json!("msi")),
            });
            if mc.kubelet_identity().is_none() {
                changes.push(FieldChange::unknown("identityProfile.kubeletidentity"));
            }
            changes.push(FieldChange::set(
                &format!("tags.{KUBELET_MIGRATION_TAG}"),
                None,
                json!("pending"),
            ));
            warnings.push(format!(
                "the kubelet keeps using service principal {sp} until the node images are upgraded: then run `kvwire nodepool upgrade-image {} --all`",
                self.hint
            ));
            warnings.push(self.grants_left_behind(&sp).await);
        }
        Ok(Planned {
            address: self.address.clone(),
            resource_type: TYPE.into(),
            action: Action::Update,
            reason: Some(if mc.uses_service_principal() {
                "the control plane uses a service principal".into()
            } else {
                format!("switch identity to {target_kind}")
            }),
            changes,
            warnings,
            held: None,
        })
    }

    async fn apply(&mut self, on: OnStatus<'_>) -> Result<()> {
        // Read again right before writing, so the PUT never carries a stale copy of the cluster.
        let (read, mc) = self.az.cluster(&self.rg, &self.name).await?;
        let from_service_principal = mc.uses_service_principal();
        let mut body = crate::azure::arm::writable::cluster_put_body(&read);
        body["identity"] = self.desired_identity();
        if from_service_principal {
            // Remember, in Azure itself, that the kubelet still needs its nodes re-imaged.
            if !body["tags"].is_object() {
                body["tags"] = json!({});
            }
            body["tags"][KUBELET_MIGRATION_TAG] = json!("pending");
        }
        self.az
            .arm
            .put_if_match(&self.path, api::CONTAINER_SERVICE, &body, mc.e_tag.as_deref(), on)
            .await?;
        Ok(())
    }
}
