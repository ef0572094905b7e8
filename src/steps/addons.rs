//! Add-on identities across the switch to a managed identity. On a service-principal cluster the
//! add-ons act as the service principal; after the switch each runs as an identity AKS creates for
//! it, which holds nothing. The AKS docs ("Use a managed identity in AKS", update cluster
//! considerations): "The Azure CLI ensures your add-on's permission is correctly set after
//! migrating. If you're not using the Azure CLI to perform the migrating operation, you need to
//! handle the add-on identity's permission by yourself." kvwire does what az 2.91 does after the
//! cluster PUT (azure-cli `acs/managed_cluster_decorator.py::postprocessing_after_mc_created`, with
//! `acs/addonconfiguration.py`): the same roles at the same scopes, to the add-on's identity, once
//! the switch has finished and the identity exists.

use crate::azure::cluster::ClusterRef;
use crate::azure::principal::Principal;
use crate::{
    azure::arm::models::{KEYVAULT_SECRETS_PROVIDER, ManagedCluster},
    model::roles::{self, Role},
    plan::{Plan, StepId},
    steps::access::{OnResource, role_step},
};
use std::time::Duration;

/// Add-on keys and config keys as azure-cli names them (`acs/_consts.py`).
const MONITORING: &str = "omsagent";
const MONITORING_AAD_AUTH: &str = "useAADAuth";
const INGRESS_APPGW: &str = "ingressApplicationGateway";
const APPGW_ID: &str = "applicationGatewayId";
const APPGW_SUBNET_ID: &str = "subnetId";
const APPGW_SUBNET_CIDR: &str = "subnetCIDR";
const VIRTUAL_NODE: &str = "aciConnectorLinux";

/// One role assignment az makes for an add-on's identity after the switch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AddonGrant {
    /// The add-on's key as the cluster spells it.
    pub(crate) addon: String,
    pub(crate) role: Role,
    pub(crate) scope: String,
    /// "cluster", "resource group", "subnet", "virtual network".
    pub(crate) scope_kind: &'static str,
    /// Where az does it, for the plan's reason.
    pub(crate) source: &'static str,
}

/// What the switch carries over for add-ons, and what it cannot.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct AddonGrants {
    pub(crate) grants: Vec<AddonGrant>,
    /// Add-ons that get nothing, and why — never skipped silently.
    pub(crate) notes: Vec<String>,
}

impl AddonGrants {
    /// The grants for the cluster's enabled add-ons. `sovereign`: a national cloud, where az makes
    /// no Monitoring Metrics Publisher assignment (`if cloud_name.lower() == "azurecloud"`).
    pub(crate) fn find(mc: &ManagedCluster, cluster_id: &str, sovereign: bool) -> AddonGrants {
        let mut out = AddonGrants::default();
        // az takes the first agent pool's subnet (`fetch_agentpool`: `safe_list_get(agentpools, 0)`).
        let pool_subnet = mc
            .properties
            .agent_pool_profiles
            .first()
            .and_then(|p| p.vnet_subnet_id.clone());
        for (key, addon) in mc.enabled_addons() {
            let mut grant = |role: Role, scope: String, scope_kind, source| {
                out.grants.push(AddonGrant {
                    addon: key.to_string(),
                    role,
                    scope,
                    scope_kind,
                    source,
                })
            };
            if key.eq_ignore_ascii_case(MONITORING) {
                if addon
                    .setting(MONITORING_AAD_AUTH)
                    .is_some_and(|v| v.eq_ignore_ascii_case("true"))
                {
                    out.notes.push(format!(
                        "add-on {key} uses managed-identity auth (useAADAuth): it needs no Monitoring Metrics Publisher assignment, and az makes none"
                    ));
                } else if sovereign {
                    out.notes.push(format!(
                        "add-on {key}: az grants Monitoring Metrics Publisher only in AzureCloud; in this cloud nothing is re-created for it"
                    ));
                } else {
                    grant(
                        roles::MONITORING_METRICS_PUBLISHER,
                        cluster_id.to_string(),
                        "cluster",
                        "add_monitoring_role_assignment",
                    );
                }
            } else if key.eq_ignore_ascii_case(INGRESS_APPGW) {
                let mut any = false;
                // az 2.67+ (Network Contributor; Contributor before) on the gateway's resource group.
                if let Some(rg) = addon.setting(APPGW_ID).and_then(resource_group_id) {
                    grant(
                        roles::NETWORK_CONTRIBUTOR,
                        rg,
                        "resource group",
                        "add_ingress_appgw_addon_role_assignment",
                    );
                    any = true;
                }
                if let Some(subnet) = addon.setting(APPGW_SUBNET_ID) {
                    grant(
                        roles::NETWORK_CONTRIBUTOR,
                        subnet.to_string(),
                        "subnet",
                        "add_ingress_appgw_addon_role_assignment",
                    );
                    any = true;
                }
                if addon.setting(APPGW_SUBNET_CIDR).is_some() {
                    match pool_subnet.as_deref().and_then(vnet_of) {
                        Some(vnet) => grant(
                            roles::NETWORK_CONTRIBUTOR,
                            vnet,
                            "virtual network",
                            "add_ingress_appgw_addon_role_assignment",
                        ),
                        None => out.notes.push(format!(
                            "add-on {key} has subnetCIDR but the first pool has no vnetSubnetID: az grants nothing for it, nor does kvwire"
                        )),
                    }
                    any = true;
                }
                if !any {
                    out.notes.push(format!(
                        "add-on {key} names no applicationGatewayId, subnetId or subnetCIDR: not handled; check what its identity needs"
                    ));
                }
            } else if key.eq_ignore_ascii_case(VIRTUAL_NODE) {
                match pool_subnet.as_deref().and_then(vnet_of) {
                    Some(vnet) => grant(
                        roles::CONTRIBUTOR,
                        vnet,
                        "virtual network",
                        "add_virtual_node_role_assignment",
                    ),
                    None => out.notes.push(format!(
                        "add-on {key}: not handled — the first pool has no vnetSubnetID, so there is no virtual network to grant on (az would fail here too)"
                    )),
                }
            } else if !key.eq_ignore_ascii_case(KEYVAULT_SECRETS_PROVIDER) {
                out.notes.push(format!(
                    "add-on {key}: not handled — az re-creates no role assignment for it after the switch, and neither does kvwire; check what its identity needs"
                ));
            }
        }
        out
    }

    /// One role step per grant for the add-on's identity, after `needs` (the switch, which
    /// creates the identity).
    pub(crate) fn add_steps(&self, plan: &mut Plan, cluster: &ClusterRef, needs: &[StepId], wait: Duration) {
        for g in &self.grants {
            let principal = Principal::AddonOf {
                rg: cluster.rg.clone(),
                cluster: cluster.name.clone(),
                addon: g.addon.clone(),
            };
            let why = format!(
                "az re-creates this after --enable-managed-identity (azure-cli addonconfiguration.py {}); AKS docs: \"you need to handle the add-on identity's permission by yourself\"",
                g.source
            );
            let label = format!("{} {}", g.scope_kind, crate::azure::ids::name_of(&g.scope));
            plan.add(
                role_step(
                    cluster.az.clone(),
                    OnResource::of(&g.scope, g.scope_kind),
                    label,
                    principal,
                    g.role,
                    wait,
                    Some(why),
                ),
                needs,
            );
        }
    }
}

/// `/subscriptions/S/resourceGroups/RG` of a resource ID.
fn resource_group_id(id: &str) -> Option<String> {
    let segs: Vec<&str> = id.trim_matches('/').split('/').collect();
    let at = segs.iter().position(|s| s.eq_ignore_ascii_case("resourceGroups"))?;
    (at == 2 && segs[0].eq_ignore_ascii_case("subscriptions") && segs.len() > 3)
        .then(|| format!("/{}", segs[..4].join("/")))
}

/// The virtual network of a subnet ID: az's `vnet_subnet_id.rpartition("/")[0]` twice, which
/// strips `/subnets/NAME`.
fn vnet_of(subnet_id: &str) -> Option<String> {
    let (vnet, name) = subnet_id.trim_end_matches('/').rsplit_once("/subnets/")?;
    (!name.is_empty() && !name.contains('/')).then(|| vnet.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const ID: &str = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks";
    const SUBNET: &str =
        "/subscriptions/s/resourceGroups/net/providers/Microsoft.Network/virtualNetworks/vnet/subnets/nodes";
    const VNET: &str = "/subscriptions/s/resourceGroups/net/providers/Microsoft.Network/virtualNetworks/vnet";

    fn cluster(addons: serde_json::Value, subnet: Option<&str>) -> ManagedCluster {
        serde_json::from_value(json!({"properties": {
            "addonProfiles": addons,
            "agentPoolProfiles": [{"name": "system", "vnetSubnetID": subnet}],
        }}))
        .unwrap()
    }

    #[test]
    fn what_az_grants_for_each_addon() {
        let gw = "/subscriptions/s2/resourceGroups/rg-gw/providers/Microsoft.Network/applicationGateways/gw";
        let mc = cluster(
            json!({
                "omsagent": {"enabled": true, "config": {"logAnalyticsWorkspaceResourceID": "/x"}},
                "ingressApplicationGateway": {"enabled": true, "config": {"applicationGatewayId": gw, "subnetCIDR": "10.2.0.0/16"}},
                "aciConnectorLinux": {"enabled": true, "config": {"SubnetName": "aci"}},
                "azureKeyvaultSecretsProvider": {"enabled": true},
                "azurepolicy": {"enabled": true},
                "httpApplicationRouting": {"enabled": false},
            }),
            Some(SUBNET),
        );
        let found = AddonGrants::find(&mc, ID, false);
        let got: Vec<(&str, &str, &str)> = found
            .grants
            .iter()
            .map(|g| (g.addon.as_str(), g.role.name, g.scope.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("aciConnectorLinux", "Contributor", VNET),
                (
                    "ingressApplicationGateway",
                    "Network Contributor",
                    "/subscriptions/s2/resourceGroups/rg-gw"
                ),
                ("ingressApplicationGateway", "Network Contributor", VNET),
                ("omsagent", "Monitoring Metrics Publisher", ID),
            ]
        );
        assert_eq!(found.notes.len(), 1, "{:?}", found.notes);
        assert!(found.notes[0].contains("azurepolicy: not handled"), "{:?}", found.notes);
    }

    #[test]
    fn nothing_where_az_grants_nothing_and_each_reason_said() {
        let mc = cluster(
            json!({
                "OMSAgent": {"enabled": true, "config": {"useaadauth": "True"}},
                "aciConnectorLinux": {"enabled": true},
                "ingressApplicationGateway": {"enabled": true, "config": {"subnetId": SUBNET}},
            }),
            None,
        );
        let found = AddonGrants::find(&mc, ID, false);
        assert_eq!(found.grants.len(), 1);
        assert_eq!(
            (found.grants[0].role, found.grants[0].scope.as_str()),
            (roles::NETWORK_CONTRIBUTOR, SUBNET)
        );
        assert_eq!(found.notes.len(), 2, "{:?}", found.notes);
        let sovereign = AddonGrants::find(&cluster(json!({"omsagent": {"enabled": true}}), None), ID, true);
        assert!(sovereign.grants.is_empty() && sovereign.notes[0].contains("only in AzureCloud"));
    }

    #[test]
    fn scopes_parsed_as_az_does() {
        assert_eq!(vnet_of(SUBNET).as_deref(), Some(VNET));
        assert_eq!(vnet_of(VNET), None);
        assert_eq!(
            resource_group_id(SUBNET).as_deref(),
            Some("/subscriptions/s/resourceGroups/net")
        );
        assert_eq!(resource_group_id("/subscriptions/s"), None);
    }
}
