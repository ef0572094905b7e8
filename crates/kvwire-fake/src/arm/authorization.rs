//! Microsoft.Authorization: roleAssignments and roleDefinitions.
//!
//! Behaviour and its sources (Azure RBAC docs, "Troubleshoot Azure RBAC"; the 2022-04-01 API
//! definition):
//! * PUT of an assignment that exists with the same principal and role under another name: 409
//!   `RoleAssignmentExists`; PUT on an existing name with a different principal or role: 409
//!   `RoleAssignmentUpdateNotPermitted`.
//! * A principal created moments ago is unknown to RBAC: 400 `PrincipalNotFound` (replication).
//! * Lists lag behind writes (ARM reads are eventually consistent); `$filter=principalId eq '…'`
//!   and `atScope()` narrow them; `assignedTo('…')` is the principal filter at subscription scope.
//! * So does GET by name: a new assignment answers 404 `RoleAssignmentNotFound` for a while
//!   ("it can take up to 10 minutes for changes to take effect"; terraform-provider-azurerm,
//!   role_assignment_resource.go, polls GET by name with `NewEventualConsistencyPoller`,
//!   retrying 404, until five reads in a row succeed).
//! * `createdOn` is when the assignment was made (2022-04-01 `RoleAssignment.created_on`).

use super::{not_found, page};
use crate::{
    SUB, TENANT,
    contract::{Wire, wire},
    router::{Ctx, Reply},
    state::now_rfc3339,
};
use serde_json::{Value, json};

pub const ASSIGNMENT: Wire = wire("role-assignment", "resource");
pub const ASSIGNMENT_CREATE: Wire = wire("role-assignment", "create");
pub const ASSIGNMENT_LIST: Wire = wire("role-assignment", "list");
pub const ASSIGNMENT_ERROR: Wire = wire("role-assignment", "error");
pub const DEFINITION: Wire = wire("role-definition", "resource");

/// Built-in role definitions the fake knows (name, GUID); Azure's built-in roles reference.
pub const ROLES: &[(&str, &str)] = &[
    ("Key Vault Secrets User", "4633458b-17de-408a-b874-0445c86b69e6"),
    ("Key Vault Secrets Officer", "b86a8fe4-44ce-4948-aee5-eccb2c155cd7"),
    ("Key Vault Administrator", "00482a5a-887f-4fb3-b363-3b7fe8e74483"),
    ("Owner", "8e3af657-a8ff-443c-a75c-2fe8c4bcb635"),
    ("Contributor", "b24988ac-6180-42a0-ab88-20f7382dd24c"),
    ("Reader", "acdd72a7-3385-48ef-bd42-f606fba81ae7"),
    ("AcrPull", "7f951dda-4ed3-4680-a7ca-43fe172d538d"),
    ("Key Vault Certificate User", "db79e9a7-68ee-4b58-9aeb-b90e7c24fcba"),
    ("Key Vault Crypto User", "12338af0-0e69-4776-bea7-57ae8d297424"),
    (
        "Container Registry Repository Reader",
        "b93aa761-3e63-49ed-ac28-beffa264f7ac",
    ),
    ("AcrPush", "8311e382-0749-4cb8-b61a-304f252e45ec"),
    ("Network Contributor", "4d97b98b-1d4f-4787-a291-c67834d212e7"),
    ("Monitoring Metrics Publisher", "3913510d-42f4-4e42-8a64-420c390055eb"),
];

pub fn role_guid(role_definition_id: &str) -> String {
    role_definition_id.rsplit('/').next().unwrap_or("").to_ascii_lowercase()
}

fn is_assignment(key: &str) -> bool {
    key.contains("/providers/microsoft.authorization/roleassignments/")
}

pub fn get_assignment(c: &Ctx) -> Reply {
    let s = c.state.lock().unwrap();
    let replicating = s
        .assignment_created
        .get(&c.id().to_ascii_lowercase())
        .is_some_and(|t| t.elapsed() < s.assignment_get_lag);
    match s.resource(&c.id()) {
        Some(v) if !replicating => Reply::json(200, v.clone()),
        _ => Reply::arm_error(404, "RoleAssignmentNotFound", "The role assignment was not found."),
    }
}

pub fn delete_assignment(c: &Ctx) -> Reply {
    match c.state.lock().unwrap().resources.remove(&c.id().to_ascii_lowercase()) {
        Some(v) => Reply::json(200, v),
        None => Reply::empty(204),
    }
}

pub fn put_assignment(c: &Ctx) -> Reply {
    let id = c.id();
    let scope = c.p("scope").to_string();
    let mut s = c.state.lock().unwrap();
    let p = |f: &str| {
        c.body
            .pointer(&format!("/properties/{f}"))
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    let (principal, guid) = (p("principalId"), role_guid(&p("roleDefinitionId")));
    if !ROLES.iter().any(|(_, g)| *g == guid) && s.resource(&custom_role_id(&guid)).is_none() {
        return Reply::arm_error(
            400,
            "RoleDefinitionDoesNotExist",
            &format!("The specified role definition with ID '{guid}' does not exist."),
        );
    }
    if let Some(created) = s.principal_created.get(&principal)
        && created.elapsed() < s.principal_not_found_for
    {
        return Reply::arm_error(
            400,
            "PrincipalNotFound",
            &format!(
                "Principal {principal} does not exist in the directory {TENANT}. Check that you have the correct principal ID. If you are creating this principal and then immediately assigning a role, this error might be related to a replication delay."
            ),
        );
    }
    let same = |v: &Value| {
        v.pointer("/properties/principalId").and_then(Value::as_str) == Some(principal.as_str())
            && v.pointer("/properties/roleDefinitionId")
                .and_then(Value::as_str)
                .map(role_guid)
                .as_deref()
                == Some(guid.as_str())
    };
    if let Some(existing) = s.resource(&id).cloned() {
        return if same(&existing) {
            // An assignment's description (and condition) may change; principal, role and scope
            // may not (azure-cli `az role assignment update` PUTs the assignment back with a new
            // description; 409 RoleAssignmentUpdateNotPermitted otherwise, below).
            let mut updated = existing;
            if let Some(d) = c.body.pointer("/properties/description") {
                updated["properties"]["description"] = d.clone();
            }
            s.put_resource(&id, updated.clone());
            Reply::json(200, updated)
        } else {
            Reply::arm_error(
                409,
                "RoleAssignmentUpdateNotPermitted",
                "Tenant ID, application ID, principal ID, and scope are not allowed to be updated.",
            )
        };
    }
    let scope_l = scope.to_ascii_lowercase();
    let duplicate = s.resources.iter().any(|(k, v)| {
        is_assignment(k)
            && v.pointer("/properties/scope")
                .and_then(Value::as_str)
                .map(str::to_ascii_lowercase)
                .as_deref()
                == Some(scope_l.as_str())
            && same(v)
    });
    if duplicate {
        return Reply::arm_error(409, "RoleAssignmentExists", "The role assignment already exists.");
    }
    let now = now_rfc3339();
    let v = json!({
        "properties": {
            "roleDefinitionId": format!("/subscriptions/{SUB}/providers/Microsoft.Authorization/roleDefinitions/{guid}"),
            "principalId": principal,
            "principalType": c.body.pointer("/properties/principalType").cloned().unwrap_or(json!("ServicePrincipal")),
            "scope": scope,
            "createdOn": now,
            "updatedOn": now,
        },
        "id": id, "type": "Microsoft.Authorization/roleAssignments", "name": c.p("name")
    });
    let mut v = v;
    if let Some(d) = c.body.pointer("/properties/description") {
        v["properties"]["description"] = d.clone();
    }
    s.put_resource(&id, v.clone());
    s.assignment_created
        .insert(id.to_ascii_lowercase(), std::time::Instant::now());
    Reply::json(201, v)
}

/// Role assignments at, above and (without `atScope()`) below a scope.
pub fn list_assignments(c: &Ctx) -> Reply {
    let scope = c.p("scope").to_string();
    let mut s = c.state.lock().unwrap();
    if s.assignment_list_lag > 0 {
        s.assignment_list_lag -= 1;
        return Reply::json(200, json!({"value": []}));
    }
    let filter = c.query_param("$filter").unwrap_or_default();
    let at_scope = filter.contains("atScope()");
    let principal = ["principalId eq '", "assignedTo('"]
        .iter()
        .find_map(|p| filter.split(p).nth(1))
        .and_then(|r| r.split('\'').next())
        .map(str::to_owned);
    let scope_l = scope.to_ascii_lowercase().trim_end_matches('/').to_string();
    let items: Vec<Value> = s
        .resources
        .iter()
        .filter(|(k, _)| is_assignment(k))
        .map(|(_, v)| v)
        .filter(|v| {
            let vs = v
                .pointer("/properties/scope")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_ascii_lowercase();
            let above_or_at = scope_l == vs || scope_l.starts_with(&format!("{vs}/")) || vs == "/";
            let below = vs.starts_with(&format!("{scope_l}/"));
            above_or_at || (!at_scope && below)
        })
        .filter(|v| {
            principal
                .as_deref()
                .is_none_or(|p| v.pointer("/properties/principalId").and_then(Value::as_str) == Some(p))
        })
        .cloned()
        .collect();
    let base = s.arm_base();
    Reply::json(200, page(c, &base, items, s.page_size))
}

/// Where a custom role definition made with [`crate::Fake::seed_custom_role`] is kept.
pub fn custom_role_id(guid: &str) -> String {
    format!("/subscriptions/{SUB}/providers/Microsoft.Authorization/roleDefinitions/{guid}")
}

pub fn get_definition(c: &Ctx) -> Reply {
    let guid = c.p("guid").to_ascii_lowercase();
    if let Some(custom) = c.state.lock().unwrap().resource(&custom_role_id(&guid)) {
        return Reply::json(200, custom.clone());
    }
    match ROLES.iter().find(|(_, g)| *g == guid) {
        Some((name, g)) => Reply::json(
            200,
            json!({"id": format!("/subscriptions/{SUB}/providers/Microsoft.Authorization/roleDefinitions/{g}"), "name": g,
                   "type": "Microsoft.Authorization/roleDefinitions", "properties": {"roleName": name, "type": "BuiltInRole", "permissions": []}}),
        ),
        None => not_found(c.path.as_str()),
    }
}
