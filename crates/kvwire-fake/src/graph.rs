//! Microsoft Graph: `GET /v1.0/servicePrincipals(appId='…')` (the alternate-key form of
//! servicePrincipal: Get), used to turn a client ID into an object ID. Graph is not among the
//! SDK packages the wire vocabulary comes from, so these bodies follow the Graph v1.0 reference
//! (`id`, `appId`, `displayName`) and are not contract-checked.

use crate::router::{Ctx, Reply};
use serde_json::json;

pub fn service_principal_by_app_id(c: &Ctx) -> Reply {
    let app_id = c.p("app");
    match c.state.lock().unwrap().service_principals.get(app_id) {
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
