//! Who gets access to a vault, to what, with which role.

use super::{names, roles};

/// Who `grant` gives access to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum GrantTarget {
    /// The kubelet identity of an AKS cluster: (resource group, cluster).
    Kubelet(Option<String>, String),
    /// A user-assigned managed identity: (resource group, name).
    Identity(Option<String>, String),
    /// The Secrets Store CSI driver add-on's identity of an AKS cluster: (resource group, cluster).
    Addon(Option<String>, String),
    /// Any Entra principal by object ID.
    Principal(String),
}

impl GrantTarget {
    pub(crate) fn parse(s: &str) -> Result<GrantTarget, String> {
        let split_rg = |rest: &str| match rest.split_once('/') {
            Some((rg, name)) => names::resource_group(rg).map(|rg| (Some(rg), name.to_string())),
            None => Ok((None, rest.to_string())),
        };
        match s.split_once(':') {
            Some(("kubelet", rest)) => {
                let (rg, name) = split_rg(rest)?;
                Ok(GrantTarget::Kubelet(rg, names::cluster_name(&name)?))
            }
            Some(("addon", rest)) => {
                let (rg, name) = split_rg(rest)?;
                Ok(GrantTarget::Addon(rg, names::cluster_name(&name)?))
            }
            Some(("identity", rest)) => {
                let (rg, name) = split_rg(rest)?;
                Ok(GrantTarget::Identity(rg, names::identity_name(&name)?))
            }
            Some(("principal", id)) => {
                Ok(GrantTarget::Principal(names::guid(id).map_err(|_| {
                    format!("principal:{id}: expected an object ID (GUID)")
                })?))
            }
            _ => Err(format!(
                "{s_q}: expected kubelet:[RG/]CLUSTER, addon:[RG/]CLUSTER, identity:[RG/]NAME or principal:OBJECT_ID",
                s_q = crate::util::text::quoted(s)
            )),
        }
    }
}

/// `grant --role`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum RoleChoice {
    SecretsUser,
    SecretsOfficer,
    /// A role definition GUID.
    Custom(String),
}

impl RoleChoice {
    pub(crate) fn parse(s: &str) -> Result<RoleChoice, String> {
        // A role's display name, as az takes it, names the same role.
        let guid = |g: &str| match g {
            g if g == roles::SECRETS_USER.guid => RoleChoice::SecretsUser,
            g if g == roles::SECRETS_OFFICER.guid => RoleChoice::SecretsOfficer,
            g => RoleChoice::Custom(g.to_string()),
        };
        match s {
            "secrets-user" => Ok(RoleChoice::SecretsUser),
            "secrets-officer" => Ok(RoleChoice::SecretsOfficer),
            other => match roles::by_name(other) {
                Some(r) => Ok(guid(r.guid)),
                None => names::guid(other).map(RoleChoice::Custom).map_err(|_| {
                    format!(
                        "{other_q}: expected secrets-user, secrets-officer, a role's name (\"Key Vault Secrets User\") or a role definition GUID",
                        other_q = crate::util::text::quoted(other)
                    )
                }),
            },
        }
    }

    pub(crate) fn guid(&self) -> String {
        match self {
            RoleChoice::SecretsUser => roles::SECRETS_USER.guid.to_string(),
            RoleChoice::SecretsOfficer => roles::SECRETS_OFFICER.guid.to_string(),
            RoleChoice::Custom(g) => g.to_ascii_lowercase(),
        }
    }
}

/// `grant --scope`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum GrantScope {
    Vault,
    Secret(String),
}

impl GrantScope {
    pub(crate) fn parse(s: &str) -> Result<GrantScope, String> {
        match s.split_once(':') {
            None if s == "vault" => Ok(GrantScope::Vault),
            Some(("secret", name)) => names::secret_name(name).map(GrantScope::Secret),
            _ => Err(format!(
                "{s_q}: expected vault or secret:NAME",
                s_q = crate::util::text::quoted(s)
            )),
        }
    }
}

/// The kind of Entra principal, as role assignments record it (`principalType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PrincipalType {
    ServicePrincipal,
    User,
    Group,
}

impl PrincipalType {
    pub(crate) fn as_arm(self) -> &'static str {
        match self {
            PrincipalType::ServicePrincipal => "ServicePrincipal",
            PrincipalType::User => "User",
            PrincipalType::Group => "Group",
        }
    }
}
