//! Role assignments and role definitions: kvwire's assignment of a role to a principal at a scope
//! (its deterministic name and ID, its create and description writes), the assignments a
//! principal holds as read, and a role definition's name and permissions.

use crate::{
    azure::{
        arm::{api, models},
        context::Azure,
        ids,
        write::Request,
    },
    error::Result,
    model::roles,
};
use serde_json::{Value, json};

/// kvwire's assignment of role `role_guid` to `principal_id` at `scope` (a resource, or below it:
/// `{vault}/secrets/{name}`), under kvwire's name for it ([`ids::role_assignment_name`]).
#[derive(Debug, Clone)]
pub(crate) struct RoleAssignmentRef {
    pub(crate) scope: String,
    pub(crate) principal_id: String,
    pub(crate) role_guid: String,
}

impl RoleAssignmentRef {
    pub(crate) fn new(scope: &str, principal_id: &str, role_guid: &str) -> RoleAssignmentRef {
        RoleAssignmentRef {
            scope: scope.into(),
            principal_id: principal_id.into(),
            role_guid: role_guid.into(),
        }
    }

    /// kvwire's name: the same inputs always give the same name, so a replayed PUT never makes a
    /// twin, and `down` finds exactly what kvwire made.
    pub(crate) fn name(&self) -> String {
        ids::role_assignment_name(&self.scope, &self.principal_id, &self.role_guid)
    }

    pub(crate) fn id(&self) -> String {
        ids::role_assignment(&self.scope, &self.name())
    }

    /// The assignment under kvwire's name, when it is this principal's and this role at this
    /// scope (the name may also hold an orphan of another principal).
    pub(crate) async fn read(&self, az: &Azure) -> Result<Option<Assignment>> {
        Ok(az
            .arm
            .get_opt(&self.id(), api::AUTHORIZATION)
            .await?
            .map(Assignment::of)
            .filter(|a| a.view.principal() == Some(&self.principal_id) && a.is(&self.scope, &self.role_guid)))
    }

    /// The assignments this principal holds at or above the scope, under any name.
    pub(crate) async fn held(&self, az: &Azure) -> Result<Vec<Assignment>> {
        Assignment::held_at(az, &self.scope, &self.principal_id).await
    }

    /// The PUT that creates it with `body` (its role, principal and description).
    pub(crate) fn create(&self, body: Value) -> Request {
        Request::put(self.id(), api::AUTHORIZATION, body)
    }
}

/// A role assignment as read: the document, and its typed view.
#[derive(Debug, Clone)]
pub(crate) struct Assignment {
    doc: Value,
    pub(crate) view: models::RoleAssignment,
}

impl Assignment {
    pub(crate) fn of(doc: Value) -> Assignment {
        Assignment {
            view: models::RoleAssignment::of(&doc),
            doc,
        }
    }

    pub(crate) fn id(&self) -> &str {
        self.doc["id"].as_str().unwrap_or_default()
    }

    pub(crate) fn name(&self) -> &str {
        self.doc["name"].as_str().unwrap_or("?")
    }

    /// Whether it is role `role_guid` at exactly `scope`.
    pub(crate) fn is(&self, scope: &str, role_guid: &str) -> bool {
        self.view.scope().eq_ignore_ascii_case(scope) && roles::guid_of(self.view.role()) == role_guid
    }

    /// Whether it applies to `target`: made there, or at a scope above it.
    pub(crate) fn covers(&self, target: &str) -> bool {
        let scope = self.view.scope().to_ascii_lowercase();
        let target = target.to_ascii_lowercase();
        target == scope || target.starts_with(&format!("{}/", scope.trim_end_matches('/')))
    }

    /// The PUT that writes it back with `description`: its role, principal and condition as read
    /// (an assignment's description may change; those may not).
    pub(crate) fn with_description(&self, description: &str) -> Request {
        let mut props = json!({ "description": description });
        for k in [
            "roleDefinitionId",
            "principalId",
            "principalType",
            "condition",
            "conditionVersion",
        ] {
            if let Some(v) = self.doc["properties"].get(k).filter(|v| !v.is_null()) {
                props[k] = v.clone();
            }
        }
        Request::put(self.id(), api::AUTHORIZATION, json!({ "properties": props }))
    }

    /// The assignments `principal_id` holds at `scope` or above (a list at a scope includes
    /// inherited assignments).
    pub(crate) async fn held_at(az: &Azure, scope: &str, principal_id: &str) -> Result<Vec<Assignment>> {
        let filter = format!("principalId eq '{principal_id}'");
        let found = az
            .arm
            .list_filtered(&ids::role_assignments(scope), api::AUTHORIZATION, Some(&filter))
            .await?;
        Ok(found.into_iter().map(Assignment::of).collect())
    }

    /// The assignments anywhere in the subscription held by `object_id` itself (`assignedTo` also
    /// returns those of groups it belongs to).
    pub(crate) async fn assigned_to(az: &Azure, object_id: &str) -> Result<Vec<Assignment>> {
        let sub = ids::subscription(&az.subscription);
        let filter = format!("assignedTo('{object_id}')");
        let found = az
            .arm
            .list_filtered(&ids::role_assignments(&sub), api::AUTHORIZATION, Some(&filter))
            .await?;
        Ok(found
            .into_iter()
            .map(Assignment::of)
            .filter(|a| a.view.principal().is_some_and(|p| p.eq_ignore_ascii_case(object_id)))
            .collect())
    }

    /// The assignment with resource ID `id`, or `None` when there is none.
    pub(crate) async fn read(az: &Azure, id: &str) -> Result<Option<Assignment>> {
        Ok(az.arm.get_opt(id, api::AUTHORIZATION).await?.map(Assignment::of))
    }
}

/// A role definition, by its resource ID.
#[derive(Debug, Clone)]
pub(crate) struct RoleDefinitionRef {
    pub(crate) id: String,
}

impl RoleDefinitionRef {
    /// Role `guid` as the subscription sees it.
    pub(crate) fn of(subscription: &str, guid: &str) -> RoleDefinitionRef {
        RoleDefinitionRef {
            id: ids::role_definition(subscription, guid),
        }
    }

    pub(crate) fn by_id(id: &str) -> RoleDefinitionRef {
        RoleDefinitionRef { id: id.into() }
    }

    /// The definition, or `None` when the subscription has no such role.
    pub(crate) async fn read(&self, az: &Azure) -> Result<Option<models::RoleDefinition>> {
        Ok(az
            .arm
            .get_opt(&self.id, api::AUTHORIZATION)
            .await?
            .map(|d| models::RoleDefinition::of(&d)))
    }

    /// Its display name: from the built-in table, else read (the GUID when it cannot be).
    pub(crate) async fn name(&self, az: &Azure) -> String {
        let guid = roles::guid_of(&self.id);
        if let Some(r) = roles::by_guid(&guid) {
            return r.name.to_string();
        }
        match self.read(az).await {
            Ok(Some(d)) => d.name().unwrap_or(&guid).to_string(),
            _ => format!("role {guid}"),
        }
    }
}
