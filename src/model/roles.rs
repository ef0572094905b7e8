//! The one table of Azure built-in roles kvwire names, grants, refuses or recognises
//! (GUIDs from Azure's built-in roles reference; they are the same in every tenant and cloud).

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Role {
    pub(crate) guid: &'static str,
    pub(crate) name: &'static str,
    /// A Key Vault data role that reads secret values.
    pub(crate) reads_values: bool,
    /// Why a workload should not hold it, when it does more than read.
    pub(crate) broad: Option<&'static str>,
}

pub(crate) const SECRETS_USER: Role = Role {
    guid: "4633458b-17de-408a-b874-0445c86b69e6",
    name: "Key Vault Secrets User",
    reads_values: true,
    broad: None,
};
pub(crate) const SECRETS_OFFICER: Role = Role {
    guid: "b86a8fe4-44ce-4948-aee5-eccb2c155cd7",
    name: "Key Vault Secrets Officer",
    reads_values: true,
    broad: Some("Key Vault Secrets Officer can create, change and delete every secret"),
};
pub(crate) const ACR_PULL: Role = Role {
    guid: "7f951dda-4ed3-4680-a7ca-43fe172d538d",
    name: "AcrPull",
    reads_values: false,
    broad: None,
};

pub(crate) const CERTIFICATE_USER: Role = Role {
    guid: "db79e9a7-68ee-4b58-9aeb-b90e7c24fcba",
    name: "Key Vault Certificate User",
    reads_values: false,
    broad: None,
};
pub(crate) const CRYPTO_USER: Role = Role {
    guid: "12338af0-0e69-4776-bea7-57ae8d297424",
    name: "Key Vault Crypto User",
    reads_values: false,
    broad: None,
};

/// The built-in roles a workload may get without `--allow-broad`: they read or use what is in a
/// vault and change nothing.
pub(crate) const WORKLOAD_ROLES: &[Role] = &[SECRETS_USER, CERTIFICATE_USER, CRYPTO_USER];

pub(crate) const ACR_PUSH: Role = Role {
    guid: "8311e382-0749-4cb8-b61a-304f252e45ec",
    name: "AcrPush",
    reads_values: false,
    broad: None,
};

/// What AcrPull is in a registry in ABAC repository-permissions mode (registry-wide when the
/// assignment has no condition).
pub(crate) const REPOSITORY_READER: Role = Role {
    guid: "b93aa761-3e63-49ed-ac28-beffa264f7ac",
    name: "Container Registry Repository Reader",
    reads_values: false,
    broad: None,
};

pub(crate) const OWNER: Role = Role {
    guid: "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
    name: "Owner",
    reads_values: false,
    broad: Some("Owner can do anything, including granting access"),
};
pub(crate) const CONTRIBUTOR: Role = Role {
    guid: "b24988ac-6180-42a0-ab88-20f7382dd24c",
    name: "Contributor",
    reads_values: false,
    broad: Some("Contributor can change the vault itself"),
};
pub(crate) const NETWORK_CONTRIBUTOR: Role = Role {
    guid: "4d97b98b-1d4f-4787-a291-c67834d212e7",
    name: "Network Contributor",
    reads_values: false,
    broad: None,
};
/// What the monitoring add-on (Container insights) publishes custom metrics with, when it does not
/// use managed-identity auth (azure-cli `addonconfiguration.py::add_monitoring_role_assignment`).
pub(crate) const MONITORING_METRICS_PUBLISHER: Role = Role {
    guid: "3913510d-42f4-4e42-8a64-420c390055eb",
    name: "Monitoring Metrics Publisher",
    reads_values: false,
    broad: None,
};

/// Every role kvwire knows by name.
pub(crate) const ROLES: &[Role] = &[
    SECRETS_USER,
    SECRETS_OFFICER,
    CERTIFICATE_USER,
    CRYPTO_USER,
    Role {
        guid: "00482a5a-887f-4fb3-b363-3b7fe8e74483",
        name: "Key Vault Administrator",
        reads_values: true,
        broad: Some("Key Vault Administrator can do everything to keys, secrets and certificates"),
    },
    Role {
        guid: "8b54135c-b56d-4d72-a534-26097cfdc8d8",
        name: "Key Vault Data Access Administrator",
        reads_values: false,
        broad: Some("Key Vault Data Access Administrator can grant itself any data access"),
    },
    Role {
        guid: "f25e0fa2-a7c8-4377-a976-54943a77a395",
        name: "Key Vault Contributor",
        reads_values: false,
        broad: Some("Key Vault Contributor manages the vault and can rewrite its access policies"),
    },
    OWNER,
    CONTRIBUTOR,
    Role {
        guid: "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9",
        name: "User Access Administrator",
        reads_values: false,
        broad: Some("User Access Administrator can grant any role"),
    },
    Role {
        guid: "acdd72a7-3385-48ef-bd42-f606fba81ae7",
        name: "Reader",
        reads_values: false,
        broad: None,
    },
    ACR_PULL,
    ACR_PUSH,
    REPOSITORY_READER,
    NETWORK_CONTRIBUTOR,
    MONITORING_METRICS_PUBLISHER,
];

/// The GUID at the end of a role definition ID (or a bare GUID), lower-cased.
pub(crate) fn guid_of(role_definition_id: &str) -> String {
    role_definition_id.rsplit('/').next().unwrap_or("").to_ascii_lowercase()
}

/// The built-in role with this GUID (or role definition ID).
/// A role kvwire knows by its display name, as az takes it (`--role "Key Vault Secrets User"`),
/// without regard to case.
pub(crate) fn by_name(name: &str) -> Option<&'static Role> {
    ROLES.iter().find(|r| r.name.eq_ignore_ascii_case(name.trim()))
}

pub(crate) fn by_guid(guid_or_id: &str) -> Option<&'static Role> {
    let g = guid_of(guid_or_id);
    ROLES.iter().find(|r| r.guid == g)
}

/// Data roles that read secret values (Secrets User, Secrets Officer, Administrator).
pub(crate) fn reads_values(guid_or_id: &str) -> bool {
    by_guid(guid_or_id).is_some_and(|r| r.reads_values)
}

/// Why a workload should not hold this role, when it should not.
pub(crate) fn too_broad(guid_or_id: &str) -> Option<&'static str> {
    by_guid(guid_or_id)?.broad
}

/// Roles that let their holder pull images from a registry (ACR docs, "Azure Container Registry
/// roles and permissions"): in the default mode AcrPull, AcrPush, Contributor and Owner; in ABAC
/// repository-permissions mode, where those are not honoured, the Container Registry Repository
/// Reader, Writer and Contributor roles.
pub(crate) fn pulls_images(guid_or_id: &str, abac: bool) -> bool {
    let g = guid_of(guid_or_id);
    let roles: &[&str] = if abac {
        &[
            REPOSITORY_READER.guid,
            "2a1e307c-b015-4ebd-883e-5b7698a07328", // Container Registry Repository Writer
            "2efddaa5-3f1f-4df3-97df-af3f13818f4c", // Container Registry Repository Contributor
        ]
    } else {
        &[ACR_PULL.guid, ACR_PUSH.guid, CONTRIBUTOR.guid, OWNER.guid]
    };
    roles.contains(&g.as_str())
}

/// The data action of a registry pull (ACR docs, "Azure Container Registry custom roles":
/// `Microsoft.ContainerRegistry/registries/pull/read`). Lower-case.
pub(crate) const PULL_ACTION: &str = "microsoft.containerregistry/registries/pull/read";

/// ARM action patterns: `*` matches any run of characters; actions compare without case.
pub(crate) fn action_matches(pattern: &str, action: &str) -> bool {
    wildcard_match(&pattern.to_ascii_lowercase(), &action.to_ascii_lowercase())
}

fn wildcard_match(pattern: &str, text: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == text,
        Some((head, rest)) => {
            text.starts_with(head)
                && (0..=text.len() - head.len()).any(|i| wildcard_match(rest, &text[head.len() + i..]))
        }
    }
}

/// The role a kubelet needs to pull from a registry in that mode.
pub(crate) fn pull_role(abac: bool) -> Role {
    if abac { REPOSITORY_READER } else { ACR_PULL }
}

/// The data actions a workload may hold through a custom role: reading a secret's value and its
/// metadata (Azure built-in roles reference, Key Vault Secrets User). Lower-case. With `…/read`
/// actions, all a workload's custom role may allow: an allow-list, not a deny-list, because
/// `…/action` operations change things too (`setSecret/action`, `purge/action`,
/// `runCommand/action`, `listClusterAdminCredential/action`).
pub(crate) const WORKLOAD_DATA_ACTIONS: &[&str] = &[
    "microsoft.keyvault/vaults/secrets/getsecret/action",
    "microsoft.keyvault/vaults/secrets/readmetadata/action",
];

/// Actions that let their holder grant access: writing role assignments or role definitions.
pub(crate) const GRANTING_ACTIONS: &[&str] = &[
    "microsoft.authorization/roleassignments/write",
    "microsoft.authorization/roledefinitions/write",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pull_role_follows_the_registry_mode() {
        assert!(pulls_images(ACR_PULL.guid, false) && !pulls_images(ACR_PULL.guid, true));
        assert!(pulls_images(REPOSITORY_READER.guid, true) && !pulls_images(REPOSITORY_READER.guid, false));
        assert_eq!(pull_role(true), REPOSITORY_READER);
    }
}
