//! The route table: every endpoint the fake serves, with the wire shapes of its bodies. A request
//! that matches no row is answered 404 and recorded as a contract violation, so kvwire cannot
//! depend on an endpoint nobody modelled.

use crate::{
    arm::{
        self, authorization as authz, bindings, clusters, credentials, identities, registries, subscriptions, vaults,
    },
    contract::Wire,
    entra, graph, keyvault as kv,
    router::{ApiVersion, Handler, Route, Service},
};
use std::sync::OnceLock;

const MC: &str =
    "/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.ContainerService/managedClusters/{cluster}";
const UAI: &str =
    "/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/{identity}";
const VAULT: &str = "/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.KeyVault/vaults/{vault}";

struct Row(
    Service,
    &'static str,
    String,
    Handler,
    Option<Wire>,
    Option<Wire>,
    Option<Wire>,
    Api,
);

/// A row's `api-version`: `B`, the vocabulary of its own request and answer bodies (one
/// definition: the vocabulary file's `api_version`), or given explicitly where the row has no
/// body shape or no vocabulary describes it.
enum Api {
    B,
    Is(ApiVersion),
}
use Api::B;

fn of(wire: Wire) -> Api {
    Api::Is(ApiVersion::Vocabulary(wire))
}

fn pinned(version: &'static str, source: &'static str) -> Api {
    Api::Is(ApiVersion::Pinned { version, source })
}

fn none(why: &'static str) -> Api {
    Api::Is(ApiVersion::None { why })
}

/// Entra's v2.0 token endpoint has no api-version (Microsoft identity platform, "OAuth 2.0 client
/// credentials flow": `POST /{tenant}/oauth2/v2.0/token`, the version is in the path).
const ENTRA: &str = "Entra's token endpoint is versioned by its path (/oauth2/v2.0/token)";
/// Microsoft Graph versions its paths (`/v1.0/…`), never a query parameter (Graph REST API
/// "Versioning").
const GRAPH: &str = "Microsoft Graph is versioned by its path (/v1.0)";
/// Operation status and result URLs are not built by clients: they follow the
/// `Azure-AsyncOperation` and `Location` links the service sent, as sent (ARM RPC, "Asynchronous
/// operations"). The fake mints those links (`arm::operations_url`), so a poll must carry exactly
/// the version it minted.
const OPERATION_LINKS: &str =
    "the version the fake's own Azure-AsyncOperation/Location links carry (arm::operations_url)";

/// The row's api-version; a row whose request and answer shapes come from different api-versions,
/// or that names a vocabulary its bodies contradict, is a bug in this table. (A pinned version
/// stands on its own source: an operation poll's link is the fake's, its body the provider's.)
fn api_version(method: &str, pattern: &str, api: Api, bodies: [Option<Wire>; 2]) -> ApiVersion {
    let declared = match api {
        Api::Is(v) => v,
        B => ApiVersion::Vocabulary(
            bodies
                .into_iter()
                .flatten()
                .next()
                .unwrap_or_else(|| panic!("route {method} {pattern}: no body shape to take an api-version from")),
        ),
    };
    if !matches!(declared, ApiVersion::Vocabulary(_)) {
        return declared;
    }
    for w in bodies.into_iter().flatten() {
        assert_eq!(
            Some(w.api_version()),
            declared.expected(),
            "route {method} {pattern}: body shape {}#{} is api-version {}",
            w.file,
            w.root,
            w.api_version()
        );
    }
    declared
}

fn s(f: crate::router::SyncHandler) -> Handler {
    Handler::Sync(f)
}

fn a(f: crate::router::AsyncHandler) -> Handler {
    Handler::Async(f)
}

pub fn table() -> &'static [Route] {
    static T: OnceLock<Vec<Route>> = OnceLock::new();
    T.get_or_init(|| {
        use Service::*;
        let arm_err = Some(clusters::ARM_ERROR);
        let kv_err = Some(kv::ERROR);
        let rows = vec![
            Row(
                Entra,
                "POST",
                "/{tenant}/oauth2/v2.0/token".into(),
                s(entra::token),
                None,
                None,
                None,
                none(ENTRA),
            ),
            Row(
                Graph,
                "GET",
                "/v1.0/servicePrincipals(appId='{app}')".into(),
                s(graph::service_principal_by_app_id),
                None,
                None,
                None,
                none(GRAPH),
            ),
            // Microsoft.Resources
            Row(
                Arm,
                "GET",
                "/subscriptions".into(),
                s(subscriptions::list),
                None,
                None,
                arm_err,
                pinned(subscriptions::API_VERSION, subscriptions::API_VERSION_SOURCE),
            ),
            // Microsoft.ContainerService
            Row(
                Arm,
                "GET",
                "/subscriptions/{sub}/providers/Microsoft.ContainerService/managedClusters".into(),
                s(clusters::list_clusters),
                None,
                Some(clusters::CLUSTER_LIST),
                arm_err,
                B,
            ),
            Row(
                Arm,
                "GET",
                MC.into(),
                s(clusters::get_cluster),
                None,
                Some(clusters::CLUSTER),
                arm_err,
                B,
            ),
            Row(
                Arm,
                "PUT",
                MC.into(),
                s(clusters::put_cluster),
                Some(clusters::CLUSTER),
                Some(clusters::CLUSTER),
                arm_err,
                B,
            ),
            Row(
                Arm,
                "PATCH",
                MC.into(),
                s(clusters::patch_tags),
                Some(clusters::TAGS),
                Some(clusters::CLUSTER),
                arm_err,
                B,
            ),
            Row(
                Arm,
                "POST",
                format!("{MC}/listClusterUserCredential"),
                s(credentials::list_user),
                None,
                Some(credentials::CREDENTIALS),
                arm_err,
                B,
            ),
            Row(
                Arm,
                "POST",
                format!("{MC}/listClusterAdminCredential"),
                s(credentials::list_admin),
                None,
                Some(credentials::CREDENTIALS),
                arm_err,
                B,
            ),
            Row(
                Arm,
                "GET",
                format!("{MC}/agentPools"),
                s(clusters::list_pools),
                None,
                Some(clusters::POOL_LIST),
                arm_err,
                B,
            ),
            Row(
                Arm,
                "GET",
                format!("{MC}/agentPools/{{pool}}"),
                s(clusters::get_pool),
                None,
                Some(clusters::POOL),
                arm_err,
                B,
            ),
            Row(
                Arm,
                "GET",
                format!("{MC}/agentPools/{{pool}}/upgradeProfiles/default"),
                s(clusters::upgrade_profile),
                None,
                Some(clusters::UPGRADE_PROFILE),
                arm_err,
                B,
            ),
            Row(
                Arm,
                "POST",
                format!("{MC}/agentPools/{{pool}}/upgradeNodeImageVersion"),
                s(clusters::upgrade_node_image),
                None,
                Some(clusters::POOL),
                arm_err,
                B,
            ),
            Row(
                Arm,
                "GET",
                format!("{MC}/identityBindings"),
                s(bindings::list_bindings),
                None,
                Some(bindings::BINDING_LIST),
                arm_err,
                B,
            ),
            Row(
                Arm,
                "GET",
                format!("{MC}/identityBindings/{{binding}}"),
                s(bindings::get_binding),
                None,
                Some(bindings::BINDING),
                arm_err,
                B,
            ),
            Row(
                Arm,
                "PUT",
                format!("{MC}/identityBindings/{{binding}}"),
                s(bindings::put_binding),
                Some(bindings::BINDING),
                Some(bindings::BINDING),
                arm_err,
                B,
            ),
            Row(
                Arm,
                "DELETE",
                format!("{MC}/identityBindings/{{binding}}"),
                s(bindings::delete_binding),
                None,
                None,
                arm_err,
                of(bindings::BINDING),
            ),
            Row(
                Arm,
                "GET",
                "/subscriptions/{sub}/providers/Microsoft.ContainerService/locations/{location}/operations/{op}".into(),
                s(arm::operation_status),
                None,
                Some(clusters::OPERATION),
                arm_err,
                pinned(arm::OPERATIONS_API_VERSION, OPERATION_LINKS),
            ),
            Row(
                Arm,
                "GET",
                "/subscriptions/{sub}/providers/Microsoft.ContainerService/locations/{location}/operationresults/{op}"
                    .into(),
                s(arm::operation_result),
                None,
                None,
                arm_err,
                pinned(arm::OPERATIONS_API_VERSION, OPERATION_LINKS),
            ),
            // Microsoft.ManagedIdentity
            Row(
                Arm,
                "GET",
                "/subscriptions/{sub}/providers/Microsoft.ManagedIdentity/userAssignedIdentities".into(),
                s(identities::list_identities),
                None,
                Some(identities::IDENTITY_LIST),
                arm_err,
                B,
            ),
            Row(
                Arm,
                "GET",
                UAI.into(),
                s(identities::get_identity),
                None,
                Some(identities::IDENTITY),
                arm_err,
                B,
            ),
            Row(
                Arm,
                "PATCH",
                UAI.into(),
                s(identities::patch_identity),
                Some(identities::IDENTITY_UPDATE),
                Some(identities::IDENTITY),
                arm_err,
                B,
            ),
            Row(
                Arm,
                "PUT",
                UAI.into(),
                s(identities::put_identity),
                Some(identities::IDENTITY),
                Some(identities::IDENTITY),
                arm_err,
                B,
            ),
            Row(
                Arm,
                "DELETE",
                UAI.into(),
                s(identities::delete_identity),
                None,
                None,
                arm_err,
                of(identities::IDENTITY),
            ),
            Row(
                Arm,
                "GET",
                format!("{UAI}/federatedIdentityCredentials"),
                s(identities::list_credentials),
                None,
                Some(identities::CREDENTIAL_LIST),
                arm_err,
                B,
            ),
            Row(
                Arm,
                "GET",
                format!("{UAI}/federatedIdentityCredentials/{{credential}}"),
                s(identities::get_credential),
                None,
                Some(identities::CREDENTIAL),
                arm_err,
                B,
            ),
            Row(
                Arm,
                "PUT",
                format!("{UAI}/federatedIdentityCredentials/{{credential}}"),
                a(identities::put_credential),
                Some(identities::CREDENTIAL),
                Some(identities::CREDENTIAL),
                arm_err,
                B,
            ),
            Row(
                Arm,
                "DELETE",
                format!("{UAI}/federatedIdentityCredentials/{{credential}}"),
                a(identities::delete_credential),
                None,
                None,
                arm_err,
                of(identities::CREDENTIAL),
            ),
            // Microsoft.ContainerRegistry (read only)
            Row(
                Arm,
                "GET",
                "/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.ContainerRegistry/registries/{registry}"
                    .into(),
                s(registries::get_registry),
                None,
                Some(registries::REGISTRY),
                arm_err,
                B,
            ),
            Row(
                Arm,
                "GET",
                "/subscriptions/{sub}/providers/Microsoft.ContainerRegistry/registries".into(),
                s(registries::list_registries),
                None,
                Some(registries::REGISTRY_LIST),
                arm_err,
                B,
            ),
            // Microsoft.KeyVault
            Row(
                Arm,
                "GET",
                VAULT.into(),
                s(vaults::get_vault),
                None,
                Some(vaults::VAULT),
                arm_err,
                B,
            ),
            Row(
                Arm,
                "GET",
                "/subscriptions/{sub}/providers/Microsoft.KeyVault/vaults".into(),
                s(vaults::list_vaults),
                None,
                Some(vaults::VAULT_LIST),
                arm_err,
                B,
            ),
            Row(
                Arm,
                "PUT",
                format!("{VAULT}/accessPolicies/{{kind}}"),
                s(vaults::update_access_policies),
                Some(vaults::ACCESS_POLICY_UPDATE),
                Some(vaults::ACCESS_POLICY_UPDATE),
                arm_err,
                B,
            ),
            // Microsoft.Authorization, at any scope
            Row(
                Arm,
                "GET",
                "{scope*}/providers/Microsoft.Authorization/roleAssignments".into(),
                s(authz::list_assignments),
                None,
                Some(authz::ASSIGNMENT_LIST),
                Some(authz::ASSIGNMENT_ERROR),
                B,
            ),
            Row(
                Arm,
                "GET",
                "{scope*}/providers/Microsoft.Authorization/roleAssignments/{name}".into(),
                s(authz::get_assignment),
                None,
                Some(authz::ASSIGNMENT),
                Some(authz::ASSIGNMENT_ERROR),
                B,
            ),
            Row(
                Arm,
                "PUT",
                "{scope*}/providers/Microsoft.Authorization/roleAssignments/{name}".into(),
                s(authz::put_assignment),
                Some(authz::ASSIGNMENT_CREATE),
                Some(authz::ASSIGNMENT),
                Some(authz::ASSIGNMENT_ERROR),
                B,
            ),
            Row(
                Arm,
                "DELETE",
                "{scope*}/providers/Microsoft.Authorization/roleAssignments/{name}".into(),
                s(authz::delete_assignment),
                None,
                Some(authz::ASSIGNMENT),
                Some(authz::ASSIGNMENT_ERROR),
                B,
            ),
            Row(
                Arm,
                "GET",
                "{scope*}/providers/Microsoft.Authorization/roleDefinitions/{guid}".into(),
                s(authz::get_definition),
                None,
                Some(authz::DEFINITION),
                Some(authz::ASSIGNMENT_ERROR),
                B,
            ),
            // Key Vault data plane
            Row(
                KeyVault,
                "GET",
                "/secrets".into(),
                s(kv::list),
                None,
                Some(kv::LIST),
                kv_err,
                B,
            ),
            Row(
                KeyVault,
                "PUT",
                "/secrets/{name}".into(),
                s(kv::set),
                Some(kv::SET),
                Some(kv::BUNDLE),
                kv_err,
                B,
            ),
            Row(
                KeyVault,
                "GET",
                "/secrets/{name}".into(),
                s(kv::get),
                None,
                Some(kv::BUNDLE),
                kv_err,
                B,
            ),
            Row(
                KeyVault,
                "PATCH",
                "/secrets/{name}/{version}".into(),
                s(kv::update_version),
                Some(kv::UPDATE),
                Some(kv::BUNDLE),
                kv_err,
                B,
            ),
            Row(
                KeyVault,
                "GET",
                "/secrets/{name}/versions".into(),
                s(kv::list_versions),
                None,
                Some(kv::LIST),
                kv_err,
                B,
            ),
            Row(
                KeyVault,
                "GET",
                "/secrets/{name}/{version}".into(),
                s(kv::get_version),
                None,
                Some(kv::BUNDLE),
                kv_err,
                B,
            ),
            Row(
                KeyVault,
                "DELETE",
                "/secrets/{name}".into(),
                s(kv::delete),
                None,
                Some(kv::DELETED_BUNDLE),
                kv_err,
                B,
            ),
            Row(
                KeyVault,
                "GET",
                "/deletedsecrets".into(),
                s(kv::list_deleted),
                None,
                Some(kv::DELETED_LIST),
                kv_err,
                B,
            ),
            Row(
                KeyVault,
                "GET",
                "/deletedsecrets/{name}".into(),
                s(kv::get_deleted),
                None,
                Some(kv::DELETED_BUNDLE),
                kv_err,
                B,
            ),
            Row(
                KeyVault,
                "POST",
                "/deletedsecrets/{name}/recover".into(),
                s(kv::recover),
                None,
                Some(kv::BUNDLE),
                kv_err,
                B,
            ),
            Row(
                KeyVault,
                "DELETE",
                "/deletedsecrets/{name}".into(),
                s(kv::purge),
                None,
                None,
                kv_err,
                of(kv::DELETED_BUNDLE),
            ),
        ];
        rows.into_iter()
            .map(
                |Row(service, method, pattern, handler, request, response, error, api)| Route {
                    service,
                    method,
                    api_version: api_version(method, &pattern, api, [response, request]),
                    pattern: Box::leak(pattern.into_boxed_str()),
                    handler,
                    request,
                    response,
                    error,
                },
            )
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The table builds (its api-version assertions hold) and every route says which version it
    /// expects: a vocabulary's, a pinned one with a source, or none with the reason.
    #[test]
    fn every_route_declares_its_api_version() {
        for r in table() {
            match r.api_version {
                ApiVersion::Vocabulary(w) => assert!(!w.api_version().is_empty(), "{}", r.pattern),
                ApiVersion::Pinned { version, source } => assert!(!version.is_empty() && !source.is_empty()),
                ApiVersion::None { why } => {
                    assert!(
                        matches!(r.service, Service::Entra | Service::Graph),
                        "{}: {why}",
                        r.pattern
                    )
                }
            }
        }
        let kv: Vec<_> = table().iter().filter(|r| r.service == Service::KeyVault).collect();
        assert!(
            kv.iter()
                .all(|r| r.api_version.expected() == Some(kv::BUNDLE.api_version()))
        );
    }
}
