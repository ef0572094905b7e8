//! Resource IDs and ARM types: the one place each is spelled.

use crate::util::uuid5;

pub(crate) const MANAGED_CLUSTER: &str = "Microsoft.ContainerService/managedClusters";
pub(crate) const NODE_IMAGE_UPGRADE: &str =
    "Microsoft.ContainerService/managedClusters/agentPools/upgradeNodeImageVersion";
pub(crate) const IDENTITY_BINDING: &str = "Microsoft.ContainerService/managedClusters/identityBindings";
pub(crate) const USER_ASSIGNED_IDENTITY: &str = "Microsoft.ManagedIdentity/userAssignedIdentities";
pub(crate) const FEDERATED_CREDENTIAL: &str =
    "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials";
pub(crate) const ROLE_ASSIGNMENT: &str = "Microsoft.Authorization/roleAssignments";
pub(crate) const ACCESS_POLICY: &str = "Microsoft.KeyVault/vaults/accessPolicies";
pub(crate) const VAULT: &str = "Microsoft.KeyVault/vaults";
pub(crate) const SECRET: &str = "Microsoft.KeyVault/vaults/secrets";
pub(crate) const REGISTRY: &str = "Microsoft.ContainerRegistry/registries";

pub(crate) fn subscription(sub: &str) -> String {
    format!("/subscriptions/{sub}")
}

pub(crate) fn resource_group(sub: &str, rg: &str) -> String {
    format!("/subscriptions/{sub}/resourceGroups/{rg}")
}

pub(crate) fn managed_cluster(sub: &str, rg: &str, name: &str) -> String {
    format!("/subscriptions/{sub}/resourceGroups/{rg}/providers/{MANAGED_CLUSTER}/{name}")
}

pub(crate) fn managed_clusters_in_subscription(sub: &str) -> String {
    format!("/subscriptions/{sub}/providers/Microsoft.ContainerService/managedClusters")
}

pub(crate) fn agent_pools(cluster_id: &str) -> String {
    format!("{cluster_id}/agentPools")
}

pub(crate) fn agent_pool(cluster_id: &str, pool: &str) -> String {
    format!("{cluster_id}/agentPools/{pool}")
}

pub(crate) fn identity_binding(cluster_id: &str, name: &str) -> String {
    format!("{cluster_id}/identityBindings/{name}")
}

pub(crate) fn user_assigned_identity(sub: &str, rg: &str, name: &str) -> String {
    format!("/subscriptions/{sub}/resourceGroups/{rg}/providers/{USER_ASSIGNED_IDENTITY}/{name}")
}

pub(crate) fn user_assigned_identities_in_subscription(sub: &str) -> String {
    format!("/subscriptions/{sub}/providers/{USER_ASSIGNED_IDENTITY}")
}

pub(crate) fn federated_credentials(identity_id: &str) -> String {
    format!("{identity_id}/federatedIdentityCredentials")
}

pub(crate) fn federated_credential(identity_id: &str, name: &str) -> String {
    format!("{identity_id}/federatedIdentityCredentials/{name}")
}

pub(crate) fn vault(sub: &str, rg: &str, name: &str) -> String {
    format!("/subscriptions/{sub}/resourceGroups/{rg}/providers/{VAULT}/{name}")
}

pub(crate) fn vaults_in_subscription(sub: &str) -> String {
    format!("/subscriptions/{sub}/providers/{VAULT}")
}

pub(crate) fn registries_in_subscription(sub: &str) -> String {
    format!("/subscriptions/{sub}/providers/{REGISTRY}")
}

/// Whether `scope` is a container registry itself (not a group or subscription above it).
pub(crate) fn is_registry(scope: &str) -> bool {
    let parts: Vec<&str> = scope.trim_matches('/').split('/').collect();
    parts.len() == 8
        && parts[5].eq_ignore_ascii_case("Microsoft.ContainerRegistry")
        && parts[6].eq_ignore_ascii_case("registries")
}

/// The last segment of a resource ID: the resource's name.
pub(crate) fn name_of(id: &str) -> &str {
    id.trim_end_matches('/').rsplit('/').next().unwrap_or(id)
}

pub(crate) fn role_assignments(scope: &str) -> String {
    format!("{scope}/providers/{ROLE_ASSIGNMENT}")
}

pub(crate) fn role_assignment(scope: &str, name: &str) -> String {
    format!("{scope}/providers/{ROLE_ASSIGNMENT}/{name}")
}

pub(crate) fn role_definition(sub: &str, guid: &str) -> String {
    format!("/subscriptions/{sub}/providers/Microsoft.Authorization/roleDefinitions/{guid}")
}

/// kvwire's name for the assignment of `role_guid` to `principal_id` at `scope`: the same inputs
/// always give the same name (UUIDv5), so a replayed PUT never makes a twin, and `down` finds
/// exactly what kvwire made.
pub(crate) fn role_assignment_name(scope: &str, principal_id: &str, role_guid: &str) -> String {
    let key = format!(
        "{}|{}|{}",
        scope.to_ascii_lowercase(),
        principal_id.to_ascii_lowercase(),
        role_guid.to_ascii_lowercase()
    );
    uuid5::v5(&uuid5::ROLE_ASSIGNMENT_NAMESPACE, &key)
}

/// The resource group named in a resource ID.
pub(crate) fn resource_group_of(id: &str) -> Option<&str> {
    let mut parts = id.trim_start_matches('/').split('/');
    while let Some(p) = parts.next() {
        if p.eq_ignore_ascii_case("resourceGroups") {
            return parts.next();
        }
    }
    None
}

/// What exists near a name that was not found, for the error: those of `ids` (resource IDs) in
/// resource group `rg` first, else all, at most 10, as `rg/name`; `kind` names them ("clusters").
pub(crate) fn nearby(kind: &str, ids: &[String], rg: Option<&str>) -> String {
    let label = |id: &String| format!("{}/{}", resource_group_of(id).unwrap_or("?"), name_of(id));
    let in_rg: Vec<String> = ids
        .iter()
        .filter(|id| rg.is_some_and(|rg| resource_group_of(id).is_some_and(|r| r.eq_ignore_ascii_case(rg))))
        .map(label)
        .collect();
    let (shown, where_) = if in_rg.is_empty() {
        (
            ids.iter().map(label).collect::<Vec<_>>(),
            "the subscription has".to_string(),
        )
    } else {
        (in_rg, format!("resource group {} has", rg.unwrap_or("")))
    };
    match shown.len() {
        0 => format!("; the subscription has no {kind}"),
        n if n > 10 => format!("; {where_} {n} {kind}, among them {}", shown[..10].join(", ")),
        _ => format!("; {where_} {kind} {}", shown.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_stable() {
        // Fixed: changing the formula would make `down` miss assignments kvwire made before.
        assert_eq!(
            role_assignment_name("/Subscriptions/S/x", "P", "4633458B-17de-408a-b874-0445c86b69e6"),
            role_assignment_name("/subscriptions/s/x", "p", "4633458b-17de-408a-b874-0445c86b69e6")
        );
        assert_eq!(
            resource_group_of("/subscriptions/s/resourceGroups/rg1/providers/x/y/z"),
            Some("rg1")
        );
    }
}
