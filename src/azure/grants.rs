//! What a principal has been granted that kvwire can see: role assignments in the subscription
//! and Key Vault access policies. Used to say what a service-principal → managed-identity switch
//! leaves behind.

use crate::{
    azure::{
        arm::api,
        context::Azure,
        ids,
        role_assignment::{Assignment, RoleDefinitionRef},
        vault::AccessPolicyEntry,
    },
    error::Result,
    model::roles,
};

/// One grant, described for people: "AcrPull on /subscriptions/…/registries/acr1".
pub(crate) type Grant = String;

/// Where `object_id` holds a role that can pull images: registries, or groups and subscriptions
/// above them. Any such role counts — AcrPull and Container Registry Repository Reader, but also
/// AcrPush, Contributor, Owner, the repository Writer/Contributor roles, and custom roles whose
/// actions include `…/registries/pull/read` — since each lets the service principal pull today.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PullGrant {
    pub(crate) scope: String,
    /// The role definition ID.
    pub(crate) role: String,
    /// A custom role that pulls (built-in roles are judged per registry mode, see
    /// [`roles::pulls_images`]).
    pub(crate) custom: bool,
    /// The assignment has an ABAC condition (say, only some repositories): copying it without the
    /// condition would grant more.
    pub(crate) conditional: bool,
}

impl PullGrant {
    /// Whether this grant lets its holder pull from a registry in that mode (ACR docs: legacy
    /// roles are not honoured in ABAC mode; custom roles are judged by their actions).
    pub(crate) fn pulls(&self, abac: bool) -> bool {
        self.custom || roles::pulls_images(&self.role, abac)
    }
}

pub(crate) async fn pull_grants(az: &Azure, object_id: &str) -> Result<Vec<PullGrant>> {
    let mut found = vec![];
    for held in Assignment::assigned_to(az, object_id).await? {
        let a = &held.view;
        let role = a.role().to_string();
        let builtin = roles::pulls_images(&role, false) || roles::pulls_images(&role, true);
        let custom = !builtin
            && roles::by_guid(&role).is_none()
            && RoleDefinitionRef::by_id(&role)
                .read(az)
                .await?
                .is_some_and(|d| d.pulls_images());
        if !builtin && !custom || a.properties.scope.is_none() {
            continue;
        }
        found.push(PullGrant {
            scope: a.scope().to_owned(),
            role,
            custom,
            conditional: a.conditional(),
        });
    }
    found.sort_by_key(|g| (g.scope.to_ascii_lowercase(), g.conditional, g.role.to_ascii_lowercase()));
    Ok(found)
}

/// Role assignments anywhere in the subscription, and vault access policies, held by `object_id`.
pub(crate) async fn held_by(az: &Azure, object_id: &str) -> Result<Vec<Grant>> {
    let mut grants = vec![];
    for a in &Assignment::assigned_to(az, object_id).await? {
        let scope = a.view.properties.scope.as_deref().unwrap_or("?");
        let role = RoleDefinitionRef::by_id(a.view.role()).name(az).await;
        grants.push(format!("{role} on {scope}"));
    }
    let vaults = az
        .arm
        .list(&ids::vaults_in_subscription(&az.subscription), api::KEY_VAULT)
        .await?;
    for v in &vaults {
        let policies = AccessPolicyEntry::all_of(v);
        for p in policies.iter().filter(|p| p.object_id.as_deref() == Some(object_id)) {
            let perms: Vec<String> = p
                .permissions()
                .into_iter()
                .filter(|(_, list)| !list.is_empty())
                .map(|(k, list)| format!("{k}: {}", list.join(", ")))
                .collect();
            grants.push(format!(
                "Key Vault access policy on vault {} ({})",
                v["name"].as_str().unwrap_or("?"),
                perms.join("; ")
            ));
        }
    }
    Ok(grants)
}

/// How long Azure may take to honour a new role assignment (Azure RBAC troubleshooting: "When you
/// assign roles or remove role assignments, it can take up to 10 minutes for changes to take
/// effect").
pub(crate) const RBAC_PROPAGATION: std::time::Duration = std::time::Duration::from_secs(600);

/// The `createdOn` of role assignment `id` when it exists and was made within
/// [`RBAC_PROPAGATION`]: Azure may not show or honour it everywhere yet.
pub(crate) async fn recent_assignment(az: &Azure, id: &str) -> Result<Option<String>> {
    use time::{OffsetDateTime, format_description::well_known::Rfc3339};
    let Some(a) = Assignment::read(az, id).await? else {
        return Ok(None);
    };
    let Some(created) = a.view.properties.created_on else {
        return Ok(None);
    };
    let recent =
        OffsetDateTime::parse(&created, &Rfc3339).is_ok_and(|t| OffsetDateTime::now_utc() - t < RBAC_PROPAGATION);
    Ok(recent.then_some(created))
}

/// How `object_id` can read `secret` in `vault`, or `None` when it cannot: a data role at the
/// secret, the vault or above (RBAC vaults), or an access policy with `get` (the others).
pub(crate) async fn secret_read_access(
    az: &Azure,
    vault: &crate::azure::vault::Vault,
    object_id: &str,
    secret: &str,
) -> Result<Option<String>> {
    if !vault.rbac {
        let perms = vault.secret_permissions(az, object_id).await?.unwrap_or_default();
        let ok = perms.iter().any(|p| p == "get" || p == "all");
        return Ok(ok.then(|| format!("access policy on vault {}", vault.name)));
    }
    let secret_scope = format!("{}/secrets/{secret}", vault.id);
    role_covering(az, &secret_scope, object_id, roles::reads_values).await
}

/// How `object_id` can pull from registry `registry_id`, or `None`: a role that pulls images, at
/// the registry or above (the list at a scope includes inherited assignments).
pub(crate) async fn registry_pull_access(
    az: &Azure,
    registry: &crate::azure::registry::Registry,
    object_id: &str,
) -> Result<Option<String>> {
    role_covering(az, &registry.id, object_id, |role| {
        roles::pulls_images(role, registry.abac)
    })
    .await
}

/// How `object_id` holds `role` at `target` or above (or Owner, which includes every role), or
/// `None`.
pub(crate) async fn role_held(az: &Azure, target: &str, object_id: &str, role: roles::Role) -> Result<Option<String>> {
    role_covering(az, target, object_id, |r| {
        let g = roles::guid_of(r);
        g == role.guid || g == roles::OWNER.guid
    })
    .await
}

/// The first role `object_id` holds at `target` or above (a list at a scope includes inherited
/// assignments) that `fits`, described as "ROLE at SCOPE"; `None` when there is none.
async fn role_covering(
    az: &Azure,
    target: &str,
    object_id: &str,
    fits: impl Fn(&str) -> bool,
) -> Result<Option<String>> {
    for a in Assignment::held_at(az, target, object_id).await? {
        let role = a.view.role();
        if a.covers(target) && fits(role) {
            return Ok(Some(format!(
                "{} {}",
                RoleDefinitionRef::by_id(role).name(az).await,
                scope_words(a.view.scope())
            )));
        }
    }
    Ok(None)
}

/// Where an assignment is, in words a line can carry once per secret: `at vault kv-demo`, `at
/// resource group rg1`, `at the subscription`, `on secret db-password`; else the scope as written.
fn scope_words(scope: &str) -> String {
    let parts: Vec<&str> = scope.trim_matches('/').split('/').collect();
    let at = |i: usize, key: &str| parts.get(i).is_some_and(|p| p.eq_ignore_ascii_case(key));
    match parts.len() {
        2 if at(0, "subscriptions") => "at the subscription".into(),
        4 if at(2, "resourceGroups") => format!("at resource group {}", parts[3]),
        8 if at(6, "vaults") => format!("at vault {}", parts[7]),
        10 if at(8, "secrets") => format!("on secret {}", parts[9]),
        _ => format!("at {scope}"),
    }
}

#[cfg(test)]
mod tests {
    use super::scope_words;

    #[test]
    fn scopes_read_as_words() {
        let sub = "/subscriptions/00000000-0000-0000-0000-000000000000";
        assert_eq!(scope_words(sub), "at the subscription");
        assert_eq!(
            scope_words(&format!("{sub}/resourceGroups/rg1")),
            "at resource group rg1"
        );
        let vault = format!("{sub}/resourceGroups/rg1/providers/Microsoft.KeyVault/vaults/kv-demo");
        assert_eq!(scope_words(&vault), "at vault kv-demo");
        assert_eq!(
            scope_words(&format!("{vault}/secrets/db-password")),
            "on secret db-password"
        );
        assert_eq!(
            scope_words("/providers/Microsoft.Management/managementGroups/mg1"),
            "at /providers/Microsoft.Management/managementGroups/mg1"
        );
    }
}
