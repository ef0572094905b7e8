//! The step that rewrites the managed cluster: the switch to a managed identity, the OIDC
//! issuer and workload identity, and the Secrets Store CSI driver add-on, in one update.
//!
//! Each is a read-modify-write of the whole cluster with one desired-state function: `plan`
//! applies it to the cluster as read and shows the difference; `apply` reads again, applies the
//! same function, refuses if the difference is no longer the planned one, and PUTs the result
//! with `If-Match`, so a change someone made in between is never overwritten.

use crate::{
    azure::{
        arm::{
            ErrorCode, api,
            models::{
                ACR_PULL_BINDING, ACR_PULL_PREFIX, CONFIG_ROTATION_POLL_INTERVAL, CONFIG_SECRET_ROTATION,
                KEYVAULT_SECRETS_PROVIDER, KUBELET_MIGRATION_PREFIX, ManagedCluster,
            },
            writable::cluster_put_body,
        },
        cluster::{ClusterRef, REPLANS},
        grants, ids,
    },
    error::{Error, Result},
    info,
    model::csi::CsiDriver,
    plan::{Action, FieldChange, Phase, Planned, Request, Step, diff},
    steps::{acr::AcrRegrant, addons::AddonGrants},
    util::Progress,
};
use serde_json::{Value, json};

/// What a cluster-rewriting step wants: from the PUT body (the cluster as read, minus what Azure
/// owns) and the typed view, the body it wants to send.
pub(crate) trait Desired: Send + Sync {
    fn desired(&self, base: &Value, mc: &ManagedCluster) -> Value;
}

/// The body kvwire would PUT for `d`, and what it changes.
fn desired_body(d: &dyn Desired, read: &Value, mc: &ManagedCluster) -> (Value, Vec<FieldChange>) {
    let base = cluster_put_body(read);
    let body = d.desired(&base, mc);
    let changes = diff::changes(&base, &body);
    (body, changes)
}

/// The plan of a cluster-rewriting step: its changes, or — while an operation runs on the
/// cluster — a wait for it (an update whose change is already in the document is not done yet).
pub(crate) fn plan_write(
    c: &ClusterRef,
    d: &dyn Desired,
    planned: Planned,
    read: &Value,
    mc: &ManagedCluster,
    done: &str,
) -> Planned {
    let (body, changes) = desired_body(d, read, mc);
    match (changes.is_empty(), mc.busy()) {
        (true, None) => Planned {
            action: Action::NoOp,
            ..planned.reason(done)
        },
        (true, Some(what)) => planned.waiting(format!("(waits for {what})")),
        (false, busy) => {
            // The switch of the control plane's identity is approved only by the whole word yes.
            let planned = Planned {
                needs_word: changes.iter().any(|c| c.path == IDENTITY_TYPE),
                ..planned.changes(changes)
            };
            match busy {
                Some(what) => {
                    let reason = planned.reason.clone().unwrap_or_default();
                    planned.reason(format!("{reason} (after {what} finishes)"))
                }
                // The PUT as it will go: the cluster as read with the change, only if it still
                // has the entity tag read.
                None => planned.request(put_request(c, body, mc)),
            }
        }
    }
}

/// The change that switches the control plane's identity.
const IDENTITY_TYPE: &str = "identity.type";

/// Send the planned PUT with the planned entity tag; if the cluster moved since (412, or a busy
/// 409): wait until nothing runs on it, read it, and PUT exactly the planned change with the
/// entity tag just read. On 412 (someone wrote in between) or a busy 409 (someone's operation
/// started in between), wait, read and compare again: apply only if the same change still holds,
/// else stop and say what differs. Nothing is ever resent unchanged.
pub(crate) async fn write(c: &ClusterRef, d: &dyn Desired, planned: &Planned, on: Progress<'_>) -> Result<()> {
    // The first PUT is the planned one, guarded by the entity tag the plan read: nothing to read
    // again. Each later one comes from a fresh read (`replan`); those are the attempts counted.
    let mut next = planned.request.clone();
    let mut attempt = 0;
    loop {
        let r = match next.take() {
            Some(r) => r,
            None => {
                attempt += 1;
                match replan(c, d, planned, on).await? {
                    Some(r) => r,
                    // Someone (or an earlier, interrupted run) already made this change.
                    None => return Ok(()),
                }
            }
        };
        match r.send(&c.az, on).await {
            // A saved plan applies exactly: someone else's write in between ends it.
            Err(Error::Arm(e)) if e.is(&ErrorCode::PreconditionFailed) && planned.exact => {
                return Err(Error::stale(format!(
                    "cluster {} changed since the plan (412 on If-Match); nothing was written to it",
                    c.label()
                )));
            }
            Err(Error::Arm(e)) if e.is(&ErrorCode::PreconditionFailed) && attempt < REPLANS => {
                on("the cluster changed since it was read: reading it again");
                info!("cluster {}: 412 PreconditionFailed; re-reading", c.label());
            }
            Err(Error::Arm(e)) if e.code.is_busy() && attempt < REPLANS => c.wait_out(e, on).await?,
            other => return other.map(|_| ()),
        }
    }
}

/// Once nothing runs on the cluster, read it and build the planned change's PUT again, with the
/// entity tag just read; `None` when the change is already made. Refuses when the change would
/// now be another than the planned one, or (a saved plan) the cluster moved at all.
async fn replan(c: &ClusterRef, d: &dyn Desired, planned: &Planned, on: Progress<'_>) -> Result<Option<Request>> {
    let (read, mc) = c.settled(on).await?;
    if planned.exact && planned.observed.is_some() && mc.e_tag != planned.observed {
        return Err(Error::stale(format!(
            "cluster {} changed since the plan (entity tag {} → {}); nothing was written to it",
            c.label(),
            planned.observed.as_deref().unwrap_or("-"),
            mc.e_tag.as_deref().unwrap_or("-")
        )));
    }
    let (body, now) = desired_body(d, &read, &mc);
    if now.is_empty() {
        return Ok(None);
    }
    if !diff::same_change(&now, &planned.changes) {
        let paths: Vec<&str> = now.iter().map(|c| c.path.as_str()).collect();
        return Err(Error::runtime(format!(
            "cluster {} changed since it was planned: the change would now touch {}; nothing was written. Run again to plan against what it is now",
            c.label(),
            paths.join(", ")
        )));
    }
    Ok(Some(put_request(c, body, &mc)))
}

/// The cluster's PUT of `body`, only if it still has the entity tag of `mc`, as read.
fn put_request(c: &ClusterRef, body: Value, mc: &ManagedCluster) -> Request {
    Request::put(c.id(), api::CONTAINER_SERVICE, body).if_match(mc.e_tag.clone())
}

// ---- the cluster update ----------------------------------------------------------------------

/// One cluster update with every change a run wants of the cluster: the switch to a managed
/// identity and the OIDC issuer with the workload identity webhook go in the same PUT, as
/// `az aks update --enable-managed-identity --enable-oidc-issuer --enable-workload-identity` sends
/// them (azure-cli `managed_cluster_decorator.py`: one ManagedCluster, one `begin_create_or_update`).
/// One AKS operation instead of two, on a cluster that takes one at a time.
pub(crate) struct ClusterUpdate {
    pub(crate) cluster: ClusterRef,
    /// Switch the control plane to a managed identity: `Some(None)` system-assigned,
    /// `Some(Some(resource ID))` that user-assigned one.
    pub(crate) managed_identity: Option<Option<String>>,
    /// The OIDC issuer and the workload identity webhook: what federated credentials need.
    pub(crate) workload_identity: bool,
    /// The Secrets Store CSI driver add-on (`azureKeyvaultSecretsProvider`) on, configured so.
    pub(crate) csi_driver: Option<CsiDriver>,
    /// The same run upgrades the node images after the switch (a runbook): no advice to do it.
    pub(crate) node_images_follow: bool,
    /// AcrPull the same run carries over to the kubelet, and what it could not check.
    pub(crate) acr: AcrRegrant,
    /// What the same run re-creates for the add-ons' identities after the switch, and what not.
    pub(crate) addons: AddonGrants,
}

impl Desired for ClusterUpdate {
    fn desired(&self, base: &Value, mc: &ManagedCluster) -> Value {
        let mut body = base.clone();
        if let Some(target) = &self.managed_identity {
            set_identity(&mut body, base, mc, target.as_deref(), &self.acr.registries);
        }
        if self.workload_identity {
            set_workload_identity(&mut body);
        }
        if let Some(csi) = &self.csi_driver {
            set_csi_driver(&mut body, csi);
        }
        body
    }
}

/// `object[key]` as a JSON object, created when absent or null.
fn object_at<'a>(v: &'a mut Value, key: &str) -> &'a mut Value {
    if !v[key].is_object() {
        v[key] = json!({});
    }
    &mut v[key]
}

/// The add-on on, with the settings the user named as strings (ARM's `config` is a map of string
/// to string); every other config key, and a setting nobody named, stays as the cluster has it.
/// AKS "treats addon names and addon config keys as case insensitive, and store them in DB as it
/// is in input" (Azure/azure-cli#15376), so an existing key is reused in its casing, never sent a
/// second time in another.
fn set_csi_driver(body: &mut Value, csi: &CsiDriver) {
    let addons = object_at(object_at(body, "properties"), "addonProfiles");
    let key = key_as_stored(addons, KEYVAULT_SECRETS_PROVIDER);
    let addon = object_at(addons, &key);
    addon["enabled"] = json!(true);
    let mut settings = vec![];
    if let Some(on) = csi.rotation {
        settings.push((CONFIG_SECRET_ROTATION, on.to_string()));
    }
    if let Some(every) = &csi.rotation_poll_interval {
        settings.push((CONFIG_ROTATION_POLL_INTERVAL, every.clone()));
    }
    if settings.is_empty() {
        return;
    }
    let config = object_at(addon, "config");
    for (k, v) in settings {
        let stored = key_as_stored(config, k);
        config[stored] = json!(v);
    }
}

/// `key` as `map` already spells it (matched without case), else as given.
fn key_as_stored(map: &Value, key: &str) -> String {
    map.as_object()
        .and_then(|m| m.keys().find(|k| k.eq_ignore_ascii_case(key)).cloned())
        .unwrap_or_else(|| key.to_string())
}

fn set_identity(
    body: &mut Value,
    base: &Value,
    mc: &ManagedCluster,
    user_assigned: Option<&str>,
    acr: &[crate::azure::registry::Registry],
) {
    match user_assigned {
        None => body["identity"] = json!({"type": "SystemAssigned"}),
        Some(id) => {
            // ARM may return the identity's ID in other casing: keep its key when it is ours.
            let key = base
                .pointer("/identity/userAssignedIdentities")
                .and_then(Value::as_object)
                .and_then(|m| m.keys().find(|k| k.eq_ignore_ascii_case(id)).cloned())
                .unwrap_or_else(|| id.to_string());
            body["identity"] = json!({"type": "UserAssigned", "userAssignedIdentities": {key: {}}});
        }
    }
    if mc.uses_service_principal() {
        // Remember, in Azure itself and in this same write, which image each pool runs: the
        // kubelet moves to its managed identity only when the pool gets a newer one.
        object_at(body, "tags");
        for registry in acr {
            body["tags"][format!("{ACR_PULL_PREFIX}{}", registry.name())] = json!(registry.id);
        }
        if !acr.is_empty() {
            // What makes those records kvwire's: a tag added later is not bound (steps/acr.rs).
            body["tags"][ACR_PULL_BINDING] = json!(crate::steps::acr::switch_binding(mc, acr));
        }
        for p in &mc.properties.agent_pool_profiles {
            if let (Some(name), Some(image)) = (&p.name, &p.node_image_version) {
                body["tags"][format!("{KUBELET_MIGRATION_PREFIX}{name}")] = json!(image);
            }
        }
    }
}

fn set_workload_identity(body: &mut Value) {
    let props = object_at(body, "properties");
    object_at(props, "oidcIssuerProfile")["enabled"] = json!(true);
    object_at(object_at(props, "securityProfile"), "workloadIdentity")["enabled"] = json!(true);
}

impl ClusterUpdate {
    fn identity_kind(&self) -> &'static str {
        match &self.managed_identity {
            Some(Some(_)) => "UserAssigned",
            _ => "SystemAssigned",
        }
    }

    /// What this update is about, for its address and reasons.
    fn parts(&self) -> Vec<&'static str> {
        let mut parts = vec![];
        if self.managed_identity.is_some() {
            parts.push("managed identity");
        }
        if self.workload_identity {
            parts.push("workload identity");
        }
        if self.csi_driver.is_some() {
            parts.push("CSI driver add-on");
        }
        parts
    }

    /// Pools already on the newest node image: AKS re-images only to a newer one, so their kubelet
    /// stays on the service principal until the next image is released.
    async fn pools_on_newest_image(&self) -> Result<Vec<String>> {
        let names = self.cluster.pool_names().await?;
        let pools = futures::future::try_join_all(names.iter().map(|pool| self.cluster.pool(pool))).await?;
        let mut out = vec![];
        for (pool, (p, latest)) in names.iter().zip(pools) {
            if latest.is_some() && latest == p.properties.node_image_version {
                out.push(format!(
                    "pool {pool} already runs the newest node image; AKS re-images only to a newer one (\"an update only works if there's a VHD update to consume\"), so its kubelet stays on the service principal until the next node image: run `kvwire nodepool upgrade-image {} --nodepool {pool}` again then",
                    self.cluster.hint()
                ));
            }
        }
        Ok(out)
    }

    /// What the old service principal was granted: those grants do not follow the switch (except
    /// the AcrPull this run carries over).
    async fn grants_left_behind(&self, sp: &str) -> String {
        let az = &self.cluster.az;
        let fix = format!(
            "re-grant what the kubelet needs to its identity (`kvwire kubelet-identity {}`)",
            self.cluster.hint()
        );
        let found = async {
            let Some(oid) = crate::azure::graph::ServicePrincipal::of_app(sp).object_id(az).await? else {
                return Ok(None);
            };
            grants::held_by(az, &oid).await.map(Some)
        };
        match found.await {
            Ok(Some(list)) => {
                let (carried, left): (Vec<String>, Vec<String>) = list.into_iter().partition(|g| self.acr.carries(g));
                let carried = if carried.is_empty() {
                    String::new()
                } else {
                    let n = carried.len();
                    format!(
                        " (its AcrPull on {n} {} is carried over by this run)",
                        if n == 1 { "registry" } else { "registries" }
                    )
                };
                if left.is_empty() {
                    let other = if carried.is_empty() { "" } else { " other" };
                    format!(
                        "service principal {sp} holds no{other} role assignments or Key Vault access policies in this subscription{carried}"
                    )
                } else {
                    format!(
                        "grants made to service principal {sp} are not moved to the managed identities{carried}; {fix}:\n  - {}",
                        left.join("\n  - ")
                    )
                }
            }
            Ok(None) => format!("service principal {sp} was not found in the directory; if it still exists, {fix}"),
            Err(e) => format!(
                "could not list what service principal {sp} was granted ({e}); check with `az role assignment list --assignee {sp} --all` and {fix}"
            ),
        }
    }
}

#[async_trait::async_trait]
impl Step for ClusterUpdate {
    fn address(&self) -> String {
        format!("cluster {} ({})", self.cluster.label(), self.parts().join(", "))
    }

    fn phase(&self) -> Phase {
        Phase::CLUSTER
    }

    fn operation(&self) -> Option<&'static str> {
        Some("updating the cluster")
    }

    async fn plan(&self) -> Result<Planned> {
        let (read, mc) = self.cluster.read().await?;
        let mut reasons = vec![];
        let mut done = vec![];
        if self.managed_identity.is_some() {
            if mc.uses_service_principal() {
                reasons.push("the control plane uses a service principal".to_string());
            } else {
                reasons.push(format!("identity: {}", self.identity_kind()));
            }
            done.push(format!("uses a {} managed identity", self.identity_kind()));
        }
        if self.workload_identity {
            reasons.push("workload identity needs the cluster's OIDC issuer and webhook".to_string());
            done.push("OIDC issuer and workload identity are enabled".to_string());
        }
        if let Some(csi) = &self.csi_driver {
            match mc.csi_addon() {
                None => reasons.push("pods that mount secrets need the Secrets Store CSI driver".to_string()),
                Some(_) => reasons.push("the CSI driver add-on's settings differ".to_string()),
            }
            done.push(format!("the CSI driver add-on is enabled ({})", csi.describe()));
        }
        let planned = Planned::new(self.address(), self.phase(), ids::MANAGED_CLUSTER, Action::Update)
            .reason(reasons.join("; "))
            .observed(mc.e_tag.clone());
        let planned = plan_write(&self.cluster, self, planned, &read, &mc, &done.join("; "));
        // After the switch, what the registry records said (tags ignored) is said here.
        let switched_notes = if mc.uses_service_principal() {
            vec![]
        } else {
            self.acr.notes.clone()
        };
        if planned.action != Action::Update {
            return Ok(planned.warnings(switched_notes));
        }
        let touches = |prefix: &str| planned.changes.iter().any(|c| c.path.starts_with(prefix));
        let mut effects = vec![];
        let mut warnings = switched_notes;
        if touches("identity") && self.managed_identity == Some(None) {
            effects.push(FieldChange::unknown("identity.principalId"));
        }
        let sp = mc
            .properties
            .service_principal_profile
            .as_ref()
            .and_then(|p| p.client_id.clone());
        if let (Some(_), true, Some(sp)) = (&self.managed_identity, mc.uses_service_principal(), sp) {
            effects.push(FieldChange::set(
                "properties.servicePrincipalProfile.clientId",
                Some(json!(sp)),
                json!("msi"),
            ));
            if mc.kubelet_identity().is_none() {
                effects.push(FieldChange::unknown("properties.identityProfile.kubeletidentity"));
            }
            if !self.node_images_follow {
                warnings.push(format!(
                    "the kubelet keeps using service principal {sp} until the node images are upgraded: then run `kvwire nodepool upgrade-image {} --all`",
                    self.cluster.hint()
                ));
            }
            warnings.extend(self.pools_on_newest_image().await?);
            warnings.extend(self.acr.notes.iter().cloned());
            warnings.extend(self.addons.notes.iter().cloned());
            warnings.push(self.grants_left_behind(&sp).await);
            if let Some(why) = &self.acr.blocked {
                return Ok(planned.effects(effects).warnings(warnings).blocked(why.clone()));
            }
        }
        if touches("properties.oidcIssuerProfile") && mc.oidc_issuer().is_none() {
            effects.push(FieldChange::unknown("properties.oidcIssuerProfile.issuerURL"));
        }
        if self.csi_driver.is_some() && mc.csi_addon_identity().is_none() {
            // AKS creates the add-on's identity (azurekeyvaultsecretsprovider-<cluster>, AKS docs
            // "csi-secrets-store-driver") in the node resource group.
            effects.push(FieldChange::unknown(&format!(
                "properties.addonProfiles.{KEYVAULT_SECRETS_PROVIDER}.identity"
            )));
        }
        Ok(planned.effects(effects).warnings(warnings))
    }

    async fn apply(&self, planned: &Planned, on: Progress<'_>) -> Result<()> {
        write(&self.cluster, self, planned, on).await
    }

    /// Done when, once nothing runs on the cluster, the change holds. Another run's operation
    /// (a pool re-image, say) may still be running when this step's own has ended: that is waited
    /// for, not counted as "still pending".
    async fn verify(&self, _planned: &Planned) -> Result<()> {
        let (read, mc) = self.cluster.settled(&|_| {}).await?;
        let (_, left) = desired_body(self, &read, &mc);
        if left.is_empty() {
            return Ok(());
        }
        let paths: Vec<&str> = left.iter().map(|c| c.path.as_str()).collect();
        Err(Error::runtime(format!(
            "verification failed for {}: Azure still differs at {}",
            self.address(),
            paths.join(", ")
        )))
    }

    async fn outputs(&self) -> Result<Vec<(String, Value)>> {
        if !self.workload_identity {
            return Ok(vec![]);
        }
        let (_, mc) = self.cluster.read().await?;
        Ok(mc
            .oidc_issuer()
            .map(|i| vec![("oidc_issuer_url".into(), json!(i))])
            .unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    //! The cluster update's plan against recorded observations (steps::recorded).

    use super::*;
    use crate::{
        azure::arm::models::KUBELET_MIGRATION_PREFIX,
        plan::After,
        steps::recorded::{Recorded, mi_cluster, sp_cluster},
    };

    const IMAGE: &str = "AKSUbuntu:1604:2020.03.11";

    /// What `up` plans for a runbook that needs a managed identity and workload identity.
    fn update(r: &Recorded) -> ClusterUpdate {
        ClusterUpdate {
            cluster: r.cluster_ref(),
            managed_identity: Some(None),
            workload_identity: true,
            csi_driver: None,
            node_images_follow: true,
            acr: AcrRegrant::default(),
            addons: AddonGrants::default(),
        }
    }

    /// The cluster as `doc`, and what planning the switch of a service-principal cluster reads
    /// besides: its one pool, already on the newest image, and the service principal, which
    /// Microsoft Graph does not know (404).
    fn switch_reads(doc: Value) -> Recorded {
        let r = Recorded::new();
        let id = r.cluster_ref().id();
        r.cluster(doc)
            .list(
                &ids::agent_pools(&id),
                api::CONTAINER_SERVICE,
                None,
                vec![json!({"name": "nodepool1"})],
            )
            .pool(
                "nodepool1",
                json!({"name": "nodepool1", "properties": {"nodeImageVersion": IMAGE, "provisioningState": "Succeeded"}}),
                IMAGE,
            )
            .graph_get("/v1.0/servicePrincipals(appId='clientid')", None)
    }

    fn paths(p: &Planned) -> Vec<&str> {
        let mut paths: Vec<&str> = p.changes.iter().map(|c| c.path.as_str()).collect();
        paths.sort();
        paths
    }

    #[tokio::test]
    async fn a_service_principal_cluster_plans_the_switch_that_only_the_word_yes_approves() {
        let r = switch_reads(sp_cluster());
        let step = update(&r);
        let p = r.plan(&step).await.unwrap();

        assert_eq!(p.action, Action::Update);
        assert!(p.needs_word, "the identity switch needs the whole word yes");
        let migration = format!("tags.{KUBELET_MIGRATION_PREFIX}nodepool1");
        // Exactly these fields are written: nothing else of the example is touched.
        assert_eq!(
            paths(&p),
            [
                "identity.type",
                "properties.oidcIssuerProfile.enabled",
                "properties.securityProfile.workloadIdentity.enabled",
                migration.as_str(),
            ]
        );
        assert_eq!(p.planned_value("identity.type"), Some(&json!("SystemAssigned")));
        assert_eq!(p.planned_value(&migration), Some(&json!(IMAGE)));
        assert_eq!(p.observed.as_deref(), Some("beywbwei"), "the entity tag read");
        assert!(p.effects.contains(&FieldChange::set(
            "properties.servicePrincipalProfile.clientId",
            Some(json!("clientid")),
            json!("msi")
        )));
        for unknown in [
            "identity.principalId",
            "properties.identityProfile.kubeletidentity",
            "properties.oidcIssuerProfile.issuerURL",
        ] {
            assert!(
                p.effects
                    .iter()
                    .any(|e| e.path == unknown && e.after == After::KnownAfterApply),
                "{unknown} in {:?}",
                p.effects
            );
        }
        assert!(
            p.warnings
                .iter()
                .any(|w| w.starts_with("pool nodepool1 already runs the newest node image")),
            "{:#?}",
            p.warnings
        );
        assert!(
            p.warnings
                .iter()
                .any(|w| w.starts_with("service principal clientid was not found in the directory")),
            "{:#?}",
            p.warnings
        );
        assert!(p.held.is_none());
    }

    #[tokio::test]
    async fn a_cluster_already_on_managed_identity_with_workload_identity_is_left_alone() {
        let r = Recorded::new().cluster(mi_cluster());
        let step = update(&r);
        let p = r.plan(&step).await.unwrap();
        assert_eq!(p.action, Action::NoOp, "{:?}", p.changes);
        assert!(p.changes.is_empty() && p.effects.is_empty() && !p.needs_word);
        assert_eq!(
            p.reason.as_deref(),
            Some("uses a SystemAssigned managed identity; OIDC issuer and workload identity are enabled")
        );
    }

    #[tokio::test]
    async fn a_busy_cluster_is_waited_for() {
        // Its change is already in the document, but the operation that makes it still runs.
        let mut doc = mi_cluster();
        doc["properties"]["provisioningState"] = json!("Updating");
        let r = Recorded::new().cluster(doc);
        let step = update(&r);
        let p = r.plan(&step).await.unwrap();
        assert_eq!(p.action, Action::Run);
        assert_eq!(p.reason.as_deref(), Some("(waits for the cluster's update)"));

        // Still to be changed: the update is planned, after the running operation.
        let mut doc = sp_cluster();
        doc["properties"]["provisioningState"] = json!("Updating");
        let r = switch_reads(doc);
        let step = update(&r);
        let p = r.plan(&step).await.unwrap();
        assert_eq!(p.action, Action::Update);
        assert!(
            p.reason
                .as_deref()
                .is_some_and(|r| r.ends_with("(after the cluster's update finishes)")),
            "{:?}",
            p.reason
        );
    }
}
