//! What a managedCluster PUT may carry. ARM's PUT replaces the resource, so kvwire writes the
//! cluster it read (keeping every field it does not model) minus what the service owns
//! (read-only properties) and minus writable fields whose echo could start another operation.
//! This is what `az aks update` sends too: its SDK models drop read-only properties on
//! serialisation.

use serde_json::Value;

/// Read-only properties of a managedCluster at api-version [`super::api::CONTAINER_SERVICE`], as
/// JSON pointers (`*` = any array element or map key). From the wire vocabulary
/// (tests/fixtures/wire/managed-cluster.json); tests/e2e/wire.rs fails when they drift apart.
pub const MANAGED_CLUSTER_READ_ONLY: &[&str] = &[
    "/eTag",
    "/id",
    "/identity/principalId",
    "/identity/tenantId",
    "/identity/userAssignedIdentities/*/clientId",
    "/identity/userAssignedIdentities/*/principalId",
    "/name",
    "/properties/addonProfiles/*/identity",
    "/properties/agentPoolProfiles/*/currentOrchestratorVersion",
    "/properties/agentPoolProfiles/*/eTag",
    "/properties/agentPoolProfiles/*/localDNSProfile/state",
    "/properties/agentPoolProfiles/*/provisioningState",
    "/properties/agentPoolProfiles/*/status/provisioningError",
    "/properties/azurePortalFQDN",
    "/properties/currentKubernetesVersion",
    "/properties/fqdn",
    "/properties/ingressProfile/webAppRouting/identity",
    "/properties/maxAgentPools",
    "/properties/networkProfile/loadBalancerProfile/effectiveOutboundIPs",
    "/properties/networkProfile/natGatewayProfile/effectiveOutboundIPs",
    "/properties/oidcIssuerProfile/issuerURL",
    "/properties/podIdentityProfile/userAssignedIdentities/*/provisioningInfo",
    "/properties/podIdentityProfile/userAssignedIdentities/*/provisioningState",
    "/properties/powerState",
    "/properties/privateFQDN",
    "/properties/privateLinkResources/*/privateLinkServiceID",
    "/properties/provisioningState",
    "/properties/resourceUID",
    "/properties/status/provisioningError",
    "/systemData",
    "/type",
];

/// Writable, but echoing a stale value starts an operation: since api-version 2026-04-01 a
/// profile's `nodeImageVersion` rolls the pool's nodes to that image. kvwire never changes it
/// through the cluster (node images go through `upgradeNodeImageVersion`), so it is left out.
pub(crate) const MANAGED_CLUSTER_TRIGGERS: &[&str] = &["/properties/agentPoolProfiles/*/nodeImageVersion"];

/// The body for a managedCluster PUT, from the document as read.
pub fn cluster_put_body(read: &Value) -> Value {
    let mut body = read.clone();
    for p in MANAGED_CLUSTER_READ_ONLY.iter().chain(MANAGED_CLUSTER_TRIGGERS) {
        remove_pointer(&mut body, p);
    }
    body
}

/// Remove the value at `pointer` (where `*` matches every array element or map key).
pub(crate) fn remove_pointer(doc: &mut Value, pointer: &str) {
    let segs: Vec<&str> = pointer.trim_start_matches('/').split('/').collect();
    remove_at(doc, &segs);
}

fn remove_at(v: &mut Value, segs: &[&str]) {
    let Some((first, rest)) = segs.split_first() else {
        return;
    };
    match v {
        Value::Object(m) if rest.is_empty() && *first != "*" => {
            m.remove(*first);
        }
        Value::Object(m) if *first == "*" => m.values_mut().for_each(|x| remove_at_last(x, rest)),
        Value::Object(m) => {
            if let Some(x) = m.get_mut(*first) {
                remove_at(x, rest);
            }
        }
        Value::Array(a) if *first == "*" => a.iter_mut().for_each(|x| remove_at_last(x, rest)),
        _ => {}
    }
}

/// After a `*`: an empty rest means the element itself, which is kept (only fields are removed).
fn remove_at_last(v: &mut Value, rest: &[&str]) {
    if !rest.is_empty() {
        remove_at(v, rest);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn removes_nested_and_wildcard_paths() {
        let mut v = json!({"id": "x", "properties": {"fqdn": "f", "agentPoolProfiles": [{"name": "a", "nodeImageVersion": "i", "eTag": "e"}],
                           "addonProfiles": {"k": {"enabled": true, "identity": {"clientId": "c"}}}}});
        for p in [
            "/id",
            "/properties/fqdn",
            "/properties/agentPoolProfiles/*/nodeImageVersion",
            "/properties/agentPoolProfiles/*/eTag",
            "/properties/addonProfiles/*/identity",
        ] {
            remove_pointer(&mut v, p);
        }
        assert_eq!(
            v,
            json!({"properties": {"agentPoolProfiles": [{"name": "a"}], "addonProfiles": {"k": {"enabled": true}}}})
        );
    }
}
