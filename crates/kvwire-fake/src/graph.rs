//! Microsoft Graph: `GET /v1.0/servicePrincipals(appId='…')` (the alternate-key form of
//! servicePrincipal: Get), used to turn a client ID into an object ID. Graph is not among the
//! SDK packages the wire vocabulary comes from, so these bodies follow the Graph v1.0 reference
//! (`id`, `appId`, `displayName`) and are not contract-checked.
//!
//! Permissions: reading a service principal needs `Application.Read.All` ("Get servicePrincipal",
//! Permissions: Application — Application.Read.All, least privileged). An app-only token without it
//! is refused 403 `Authorization_RequestDenied`, "Insufficient privileges to complete the
//! operation." (Microsoft Graph error codes). A signed-in user (the az CLI's token) reads it, as
//! Entra's default user permissions allow.

use crate::router::{Ctx, Reply};
use serde_json::json;

pub fn service_principal_by_app_id(c: &Ctx) -> Reply {
    let app_id = c.p("app");
    let s = c.state.lock().unwrap();
    let token = c
        .header("authorization")
        .and_then(|h| h.strip_prefix("Bearer ").map(str::to_owned))
        .unwrap_or_default();
    if s.app_tokens.contains(&token) && !s.graph_application_read_all {
        return Reply::json(
            403,
            json!({"error": {"code": "Authorization_RequestDenied", "message": "Insufficient privileges to complete the operation.",
                             "innerError": {"date": "2026-12-02T00:00:00", "request-id": "00000000-0000-0000-0000-000000000000"}}}),
        );
    }
    match s.service_principals.get(app_id) {
        Some(oid) => Reply::json(
            200,
            json!({"id": oid, "appId": app_id, "displayName": format!("sp-{app_id}")}),
        ),
        None => Reply::arm_error(
            404,
            "Request_ResourceNotFound",
            &format!(
                "Resource '{app_id}' does not exist or one of its queried reference-property objects are not present."
            ),
        ),
    }
}
