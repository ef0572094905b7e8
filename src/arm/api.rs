//! Pinned GA api-versions, one per resource provider (see docs/architecture.md for why these).

/// Microsoft.ContainerService (managedClusters, agentPools, upgradeProfiles).
pub const CONTAINER_SERVICE: &str = "2025-10-01";
/// Microsoft.Authorization (roleAssignments, roleDefinitions).
pub const AUTHORIZATION: &str = "2022-04-01";
/// Microsoft.ManagedIdentity (userAssignedIdentities, federatedIdentityCredentials).
pub const MANAGED_IDENTITY: &str = "2023-01-31";
/// Microsoft.KeyVault (vaults, accessPolicies).
pub const KEY_VAULT: &str = "2023-07-01";
