//! What a principal has been granted that kvwire can see: role assignments in the subscription
//! and Key Vault access policies. Used to say what a service-principal → managed-identity switch
//! leaves behind.

use crate::{
    azure::{
        arm::{
            api,
            models::{RoleAssignment, RoleDefinition},
        },
        context::Azure,
        ids,
    },
    error::{Error, Result},
    model::roles,
};
use serde_json::Value;

/// One grant, described for people: "AcrPull on /subscriptions/…/registries/acr1".
pub(crate) type Grant = String;

/// The object ID of the service principal with application (client) ID `app_id`, via Microsoft Graph.
pub(crate) async fn service_principal_object_id(az: &Azure, app_id: &str) -> Result<Option<String>> {
    let graph = az
        .graph()
        .ok_or_else(|| Error::runtime("this cloud has no Microsoft Graph endpoint configured"))?;
    let path = format!("/v1.0/servicePrincipals(appId='{app_id}')");
    Ok(graph
        .get_opt(&path, "")
        .await?
        .and_then(|v| v["id"].as_str().map(str::to_owned)))
}

/// Role assignments anywhere in the subscription held by `object_id` itself (`assignedTo` also
/// returns those of groups it belongs to).
async fn assignments_of(az: &Azure, object_id: &str) -> Result<Vec<Value>> {
    let sub = ids::subscription(&az.subscription);
    let filter = format!("assignedTo('{object_id}')");
    let assignments = az
        .arm
        .list_filtered(&ids::role_assignments(&sub), api::AUTHORIZATION, Some(&filter))
        .await?;
    Ok(assignments
        .into_iter()
        .filter(|a| {
            a.pointer("/properties/principalId")
                .and_then(Value::as_str)
                .is_some_and(|p| p.eq_ignore_ascii_case(object_id))
        })
        .collect())
}

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
    for doc in assignments_of(az, object_id).await? {
        let a = RoleAssignment::of(&doc);
        let role = a.role().to_string();
        let builtin = roles::pulls_images(&role, false) || roles::pulls_images(&role, true);
        let custom = !builtin
            && roles::by_guid(&role).is_none()
            && az
                .arm
                .get_opt(&role, api::AUTHORIZATION)
                .await?
                .is_some_and(|d| RoleDefinition::of(&d).pulls_images());
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
    for a in &assignments_of(az, object_id).await? {
        let role_id = a
            .pointer("/properties/roleDefinitionId")
            .and_then(Value::as_str)
            .unwrap_or("");
        let scope = a.pointer("/properties/scope").and_then(Value::as_str).unwrap_or("?");
        grants.push(format!("{} on {scope}", role_name(az, role_id).await));
    }
    let vaults = az
        .arm
        .list(&ids::vaults_in_subscription(&az.subscription), api::KEY_VAULT)
        .await?;
    for v in &vaults {
        let policies = v
            .pointer("/properties/accessPolicies")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        for p in policies.iter().filter(|p| p["objectId"].as_str() == Some(object_id)) {
            let perms: Vec<String> = ["secrets", "keys", "certificates"]
                .iter()
                .filter_map(|k| {
                    let list: Vec<&str> = p["permissions"][*k]
                        .as_array()?
                        .iter()
                        .filter_map(Value::as_str)
                        .collect();
                    (!list.is_empty()).then(|| format!("{k}: {}", list.join(", ")))
                })
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

/// A role's display name: from the built-in table, else read from ARM.
pub(crate) async fn role_name(az: &Azure, role_definition_id: &str) -> String {
    let guid = roles::guid_of(role_definition_id);
    if let Some(r) = roles::by_guid(&guid) {
        return r.name.to_string();
    }
    match az.arm.get_opt(role_definition_id, api::AUTHORIZATION).await {
        Ok(Some(d)) => RoleDefinition::of(&d).name().unwrap_or(&guid).to_string(),
        _ => format!("role {guid}"),
    }
}

/// The PUT body that writes role assignment `existing` back with `description`: its role,
/// principal and condition as read (an assignment's description may change; those may not).
pub(crate) fn assignment_with_description(existing: &Value, description: &str) -> Value {
    let mut props = serde_json::json!({ "description": description });
    for k in [
        "roleDefinitionId",
        "principalId",
        "principalType",
        "condition",
        "conditionVersion",
    ] {
        if let Some(v) = existing.pointer(&format!("/properties/{k}")).filter(|v| !v.is_null()) {
            props[k] = v.clone();
        }
    }
    serde_json::json!({ "properties": props })
}

/// How long Azure may take to honour a new role assignment (Azure RBAC troubleshooting: "When you
/// assign roles or remove role assignments, it can take up to 10 minutes for changes to take
/// effect").
pub(crate) const RBAC_PROPAGATION: std::time::Duration = std::time::Duration::from_secs(600);

/// The `createdOn` of role assignment `id` when it exists and was made within
/// [`RBAC_PROPAGATION`]: Azure may not show or honour it everywhere yet.
pub(crate) async fn recent_assignment(az: &Azure, id: &str) -> Result<Option<String>> {
    use time::{OffsetDateTime, format_description::well_known::Rfc3339};
    let Some(a) = az.arm.get_opt(id, api::AUTHORIZATION).await? else {
        return Ok(None);
    };
    let Some(created) = RoleAssignment::of(&a).properties.created_on else {
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
    let filter = format!("principalId eq '{object_id}'");
    let held = az
        .arm
        .list_filtered(&ids::role_assignments(target), api::AUTHORIZATION, Some(&filter))
        .await?;
    let target = target.to_ascii_lowercase();
    for a in held {
        let scope = a
            .pointer("/properties/scope")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_ascii_lowercase();
        let role = a
            .pointer("/properties/roleDefinitionId")
            .and_then(Value::as_str)
            .unwrap_or("");
        let covers = target == scope || target.starts_with(&format!("{}/", scope.trim_end_matches('/')));
        if covers && fits(role) {
            return Ok(Some(format!("{} at {scope}", role_name(az, role).await)));
        }
    }
    Ok(None)
}
