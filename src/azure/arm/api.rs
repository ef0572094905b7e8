//! Pinned GA api-versions, one per resource provider (docs/architecture.md says why these). Each
//! matches the official SDK models the wire vocabulary in tests/fixtures/wire was generated from.

/// Microsoft.ContainerService (managedClusters, agentPools, upgradeProfiles, identityBindings):
/// newest stable; has `eTag` with `If-Match` on clusters and pools; identity bindings are GA since
/// 2026-04-01.
pub const CONTAINER_SERVICE: &str = "2026-08-01";
/// Microsoft.Authorization (roleAssignments, roleDefinitions).
pub const AUTHORIZATION: &str = "2022-04-01";
/// Microsoft.ManagedIdentity (userAssignedIdentities, federatedIdentityCredentials).
pub const MANAGED_IDENTITY: &str = "2024-11-30";
/// Microsoft.KeyVault (vaults, accessPolicies): versions before 2026-02-01 retire on 2027-02-27.
pub const KEY_VAULT: &str = "2026-02-01";
/// Microsoft.Resources subscriptions (Subscriptions - List): to find a subscription by name.
pub const SUBSCRIPTIONS: &str = "2022-12-01";
/// Microsoft.ContainerRegistry registries, read only (to find one named with `--acr`): the default
/// of azure-mgmt-containerregistry 15.0.0, whose models the wire vocabulary comes from.
pub const CONTAINER_REGISTRY: &str = "2025-11-01";
