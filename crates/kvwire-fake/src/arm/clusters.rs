//! Microsoft.ContainerService: managedClusters and their agentPools.
//!
//! Behaviour and its sources:
//! * PUT replaces the resource (ARM RPC, "PUT Resource": the body is the complete desired state);
//!   read-only properties are the service's and survive, everything omitted is gone.
//! * One operation at a time per cluster and per pool: a write while one runs is 409
//!   `OperationNotAllowed` (AKS troubleshooting, error-code-operationnotallowed). Different pools
//!   may upgrade at the same time (`az aks nodepool upgrade` per pool).
//! * While an operation runs the resource reads `provisioningState: Updating` (cluster) or
//!   `UpgradingNodeImageVersion` (pool upgrade), as AKS reports them.
//! * `eTag` changes on every write; `If-Match`/`If-None-Match` are honoured (412 on mismatch),
//!   as the managedClusters/agentPools API definitions declare.
//! * When a switch to managed identity finishes, AKS reports `servicePrincipalProfile.clientId =
//!   "msi"`, the cluster identity's principal, and a kubelet identity in the node resource group
//!   (AKS docs, "Use a managed identity in AKS": the kubelet identity is
//!   `<cluster>-agentpool` in the node resource group); enabling the OIDC issuer sets
//!   `oidcIssuerProfile.issuerURL` (read-only).
//! * Enabling the Secrets Store CSI driver add-on (`addonProfiles.azureKeyvaultSecretsProvider`,
//!   `config` values as strings) creates its identity: "The add-on creates a managed identity named
//!   `azurekeyvaultsecretsprovider-xxxxx` in the node resource group" (AKS docs,
//!   csi-secrets-store-driver), reported read-only in the add-on's `identity` (`clientId`,
//!   `objectId`, `resourceId`; csi-secrets-store-identity-access reads
//!   `addonProfiles.azureKeyvaultSecretsProvider.identity.clientId`).

use super::{busy, deep_merge, not_found, page, precondition, started};
use crate::{
    SUB, TENANT,
    contract::{self, Wire, wire},
    router::{Ctx, Reply},
    state::{FakeState, OpKind},
};
use serde_json::{Value, json};

pub const CLUSTER: Wire = wire("managed-cluster", "resource");
pub const CLUSTER_LIST: Wire = wire("managed-cluster", "list");
pub const TAGS: Wire = wire("managed-cluster", "tags_object");
pub const OPERATION: Wire = wire("managed-cluster", "operation_status");
pub const ARM_ERROR: Wire = wire("managed-cluster", "error");
pub const POOL: Wire = wire("agent-pool", "resource");
pub const POOL_LIST: Wire = wire("agent-pool", "list");
pub const UPGRADE_PROFILE: Wire = wire("agent-pool", "upgrade_profile");

pub(crate) fn cluster_id(c: &Ctx) -> String {
    format!(
        "/subscriptions/{}/resourceGroups/{}/providers/Microsoft.ContainerService/managedClusters/{}",
        c.p("sub"),
        c.p("rg"),
        c.p("cluster")
    )
}

fn pool_id(c: &Ctx) -> String {
    format!("{}/agentPools/{}", cluster_id(c), c.p("pool"))
}

/// The cluster and every pool in it: a cluster write waits for all of them.
fn cluster_and_pools(s: &FakeState, id: &str) -> Vec<String> {
    let mut ids = vec![id.to_string()];
    ids.extend(
        super::children(s, &format!("{id}/agentPools"))
            .iter()
            .filter_map(|p| p["id"].as_str().map(str::to_owned)),
    );
    ids
}

/// Managed Clusters - List (by subscription), paged like every ARM list.
pub fn list_clusters(c: &Ctx) -> Reply {
    let s = c.state.lock().unwrap();
    let items = super::of_type(&s, "Microsoft.ContainerService/managedClusters");
    let base = s.arm_base();
    Reply::json(200, super::page(c, &base, items, s.page_size))
}

pub fn get_cluster(c: &Ctx) -> Reply {
    super::get_polled(&mut c.state.lock().unwrap(), &cluster_id(c))
}

pub fn put_cluster(c: &Ctx) -> Reply {
    let id = cluster_id(c);
    let mut s = c.state.lock().unwrap();
    let budget = s.aks_put_budget;
    if let Some(r) = super::throttled(&mut s, &id, budget) {
        return r;
    }
    if let Some(r) = busy(&s, c, &cluster_and_pools(&s, &id)) {
        return r;
    }
    let existing = s.resource(&id).cloned();
    if let Some(r) = precondition(c, existing.as_ref()) {
        return r;
    }
    let mut doc = c.body.clone();
    contract::strip_readonly(CLUSTER, &mut doc);
    if let Some(e) = &existing {
        deep_merge(&mut doc, &contract::readonly_part(CLUSTER, e));
    }
    doc["id"] = json!(id);
    doc["name"] = json!(c.p("cluster"));
    doc["type"] = json!("Microsoft.ContainerService/managedClusters");
    if !doc["properties"].is_object() {
        doc["properties"] = json!({});
    }
    doc["properties"]["provisioningState"] = json!("Updating");
    doc["eTag"] = json!(s.new_etag());
    // A nodeImageVersion in the PUT that differs from the pool's is a request to change it
    // (writable since api-version 2026-04-01, for rollback); anything else about pools is theirs.
    let wanted: Vec<(String, String)> = doc
        .pointer("/properties/agentPoolProfiles")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|p| {
                    Some((
                        p["name"].as_str()?.to_string(),
                        p["nodeImageVersion"].as_str()?.to_string(),
                    ))
                })
                .collect()
        })
        .unwrap_or_default();
    s.put_resource(&id, doc.clone());
    for (pool, image) in wanted {
        let pid = format!("{id}/agentPools/{pool}");
        let current = s
            .resource(&pid)
            .and_then(|p| p.pointer("/properties/nodeImageVersion"))
            .and_then(Value::as_str)
            .map(str::to_owned);
        if current.is_some_and(|c| c != image) {
            start_image_change(&mut s, &pid, Some(image), None);
        }
    }
    sync_profiles(&mut s, &id);
    let doc = s.resource(&id).cloned().unwrap_or(doc);
    let owned = id.clone();
    let op = s.start_operation(
        &id,
        OpKind::ClusterUpdate,
        c.lro_failure.clone(),
        Box::new(move |s: &mut FakeState, ok: bool| {
            let etag = s.new_etag();
            let Some(mut mc) = s.resource(&owned).cloned() else {
                return;
            };
            mc["properties"]["provisioningState"] = json!(if ok { "Succeeded" } else { "Failed" });
            mc["eTag"] = json!(etag);
            if ok {
                settle_identity(s, &mut mc);
                settle_addons(s, &mut mc);
            }
            s.put_resource(&owned, mc);
        }),
    );
    started(&s, &op, if existing.is_some() { 200 } else { 201 }, doc)
}

/// Managed Clusters - Update Tags (PATCH with a TagsObject): the tags are replaced.
pub fn patch_tags(c: &Ctx) -> Reply {
    let id = cluster_id(c);
    let mut s = c.state.lock().unwrap();
    if let Some(r) = busy(&s, c, &cluster_and_pools(&s, &id)) {
        return r;
    }
    let Some(mut mc) = s.resource(&id).cloned() else {
        return not_found(&id);
    };
    if let Some(r) = precondition(c, Some(&mc)) {
        return r;
    }
    mc["tags"] = c.body.get("tags").cloned().unwrap_or(json!({}));
    mc["eTag"] = json!(s.new_etag());
    s.put_resource(&id, mc.clone());
    Reply::json(200, mc)
}

/// What AKS does once a cluster update that asks for managed identity or the OIDC issuer ends.
fn settle_identity(s: &mut FakeState, mc: &mut Value) {
    let kind = mc
        .pointer("/identity/type")
        .and_then(Value::as_str)
        .unwrap_or("None")
        .to_string();
    let name = mc["name"].as_str().unwrap_or("cluster").to_string();
    if kind == "SystemAssigned" {
        if mc.pointer("/identity/principalId").is_none() {
            mc["identity"]["principalId"] = json!(s.guid());
            mc["identity"]["tenantId"] = json!(TENANT);
        }
    } else if kind == "UserAssigned" {
        let ids: Vec<String> = mc
            .pointer("/identity/userAssignedIdentities")
            .and_then(Value::as_object)
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default();
        for uai in ids {
            let props = s.resource(&uai).map(|r| r["properties"].clone()).unwrap_or(json!({}));
            mc["identity"]["userAssignedIdentities"][&uai] =
                json!({"principalId": props["principalId"], "clientId": props["clientId"]});
        }
    }
    if kind == "SystemAssigned" || kind == "UserAssigned" {
        mc["properties"]["servicePrincipalProfile"] = json!({"clientId": "msi"});
        if mc.pointer("/properties/identityProfile/kubeletidentity").is_none() {
            let node_rg = mc
                .pointer("/properties/nodeResourceGroup")
                .and_then(Value::as_str)
                .unwrap_or("MC_rg")
                .to_string();
            let rid = format!(
                "/subscriptions/{SUB}/resourcegroups/{node_rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/{name}-agentpool"
            );
            let identity = s.new_identity(&rid, &mc["location"], json!({}));
            let p = identity["properties"].clone();
            s.put_resource(&rid, identity);
            mc["properties"]["identityProfile"] = json!({"kubeletidentity": {"clientId": p["clientId"], "objectId": p["principalId"], "resourceId": rid}});
        }
    }
    if mc.pointer("/properties/oidcIssuerProfile/enabled") == Some(&json!(true))
        && mc.pointer("/properties/oidcIssuerProfile/issuerURL").is_none()
    {
        mc["properties"]["oidcIssuerProfile"]["issuerURL"] =
            json!(format!("https://eastus.oic.prod-aks.azure.com/{TENANT}/{}/", s.guid()));
    }
}

/// What AKS does once an update ends: each enabled add-on has its own identity in the node
/// resource group, named `<addon>-<cluster>` in lower case — "The add-on creates a managed
/// identity named `azurekeyvaultsecretsprovider-xxxxx`" (AKS docs, csi-secrets-store-driver);
/// `omsagent-<cluster>`, `ingressapplicationgateway-<cluster>`, `aciconnectorlinux-<cluster>`
/// (AKS docs, managed-identity-overview, "Add-on identities"). On a service-principal cluster the
/// other add-ons act as the service principal (azure-cli `add_monitoring_role_assignment` &c.
/// grant the service principal when `servicePrincipalProfile.clientId` is not "msi"), so their
/// identities appear when the cluster runs as a managed identity; the CSI add-on's at once.
fn settle_addons(s: &mut FakeState, mc: &mut Value) {
    let name = mc["name"].as_str().unwrap_or("cluster").to_string();
    let node_rg = mc
        .pointer("/properties/nodeResourceGroup")
        .and_then(Value::as_str)
        .unwrap_or("MC_rg")
        .to_string();
    let location = mc["location"].clone();
    let managed = mc.pointer("/properties/servicePrincipalProfile/clientId") == Some(&json!("msi"));
    let Some(addons) = mc
        .pointer_mut("/properties/addonProfiles")
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    for (key, addon) in addons.iter_mut() {
        let csi = key.eq_ignore_ascii_case("azureKeyvaultSecretsProvider");
        if addon["enabled"] != json!(true) || addon.pointer("/identity/clientId").is_some() || !(csi || managed) {
            continue;
        }
        let rid = format!(
            "/subscriptions/{SUB}/resourcegroups/{node_rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/{}-{name}",
            key.to_ascii_lowercase()
        );
        let identity = s.new_identity(&rid, &location, json!({}));
        let p = identity["properties"].clone();
        s.put_resource(&rid, identity);
        addon["identity"] = json!({"clientId": p["clientId"], "objectId": p["principalId"], "resourceId": rid});
    }
}

/// The cluster's `agentPoolProfiles` as AKS reports them: one per pool, from the pool itself.
pub fn sync_profiles(s: &mut FakeState, cluster: &str) {
    let pools = super::children(s, &format!("{cluster}/agentPools"));
    let Some(mc) = s.resource_mut(cluster) else {
        return;
    };
    let profiles: Vec<Value> = pools
        .iter()
        .map(|p| {
            let mut profile = json!({"name": p["name"]});
            deep_merge(&mut profile, &p["properties"]);
            profile
        })
        .collect();
    mc["properties"]["agentPoolProfiles"] = json!(profiles);
}

pub fn list_pools(c: &Ctx) -> Reply {
    let id = cluster_id(c);
    let mut s = c.state.lock().unwrap();
    let budget = s.aks_list_budget;
    if let Some(r) = super::throttled(&mut s, &format!("list:{}", c.p("sub")), budget) {
        return r;
    }
    if s.resource(&id).is_none() {
        return not_found(&id);
    }
    let base = s.arm_base();
    let items = super::children(&s, &format!("{id}/agentPools"));
    Reply::json(200, page(c, &base, items, s.page_size))
}

pub fn get_pool(c: &Ctx) -> Reply {
    super::get_polled(&mut c.state.lock().unwrap(), &pool_id(c))
}

/// `agentPools/{p}/upgradeProfiles/default`: the newest node image the pool could run.
pub fn upgrade_profile(c: &Ctx) -> Reply {
    let s = c.state.lock().unwrap();
    let pid = pool_id(c);
    let Some(pool) = s.resource(&pid) else {
        return not_found(&pid);
    };
    let latest = s.latest_node_image.get(&pid.to_ascii_lowercase()).cloned().or_else(|| {
        pool.pointer("/properties/nodeImageVersion")
            .and_then(Value::as_str)
            .map(str::to_owned)
    });
    Reply::json(
        200,
        json!({"id": c.path, "name": "default", "type": "Microsoft.ContainerService/managedClusters/agentPools/upgradeProfiles",
               "properties": {"kubernetesVersion": pool.pointer("/properties/orchestratorVersion"), "osType": "Linux", "upgrades": [], "latestNodeImageVersion": latest}}),
    )
}

/// POST upgradeNodeImageVersion: a long-running re-image of every node of the pool to the newest
/// image (AgentPools_UpgradeNodeImageVersion, 202).
pub fn upgrade_node_image(c: &Ctx) -> Reply {
    let pid = pool_id(c);
    let mut s = c.state.lock().unwrap();
    if let Some(r) = busy(&s, c, &[pid.clone(), cluster_id(c)]) {
        return r;
    }
    if s.resource(&pid).is_none() {
        return not_found(&pid);
    }
    let op = start_image_change(&mut s, &pid, None, c.lro_failure.clone());
    let pool = s.resource(&pid).cloned().unwrap_or(Value::Null);
    started(&s, &op, 202, pool)
}

/// Start re-imaging a pool, to `image` (a rollback through a cluster PUT) or to the newest.
pub fn start_image_change(
    s: &mut FakeState,
    pid: &str,
    image: Option<String>,
    failure: Option<(String, String)>,
) -> String {
    let cluster = pid.rsplitn(3, '/').nth(2).unwrap_or("").to_string();
    let etag = s.new_etag();
    if let Some(pool) = s.resource_mut(pid) {
        pool["properties"]["provisioningState"] = json!("UpgradingNodeImageVersion");
        pool["properties"]["eTag"] = json!(etag);
    }
    sync_profiles(s, &cluster);
    let owned = pid.to_string();
    s.start_operation(
        pid,
        OpKind::NodeImageUpgrade,
        failure,
        Box::new(move |s: &mut FakeState, ok: bool| {
            let target = image.or_else(|| s.latest_node_image.get(&owned.to_ascii_lowercase()).cloned());
            let etag = s.new_etag();
            if let Some(pool) = s.resource_mut(&owned) {
                pool["properties"]["provisioningState"] = json!(if ok { "Succeeded" } else { "Failed" });
                pool["properties"]["eTag"] = json!(etag);
                if let (true, Some(t)) = (ok, target) {
                    pool["properties"]["nodeImageVersion"] = json!(t);
                }
            }
            sync_profiles(s, &cluster);
        }),
    )
}
