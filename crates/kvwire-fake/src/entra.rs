//! Microsoft Entra ID's token endpoint (OAuth 2.0 client credentials, v2.0): a client secret or a
//! federated assertion (workload identity) buys a bearer token for one scope.
//! Errors follow Entra's `{"error", "error_description", "error_codes"}` shape (AADSTS codes).

use crate::{
    CLIENT_ID, CLIENT_SECRET, FEDERATED_TOKEN,
    router::{Ctx, Reply},
};
use serde_json::json;
use std::collections::HashMap;

pub fn token(c: &Ctx) -> Reply {
    if c.p("tenant") != crate::TENANT {
        return Reply::json(
            400,
            json!({"error": "invalid_request", "error_description": format!("AADSTS90002: Tenant '{}' not found.", c.p("tenant")), "error_codes": [90002]}),
        );
    }
    let form: HashMap<String, String> = url::form_urlencoded::parse(&c.raw_body).into_owned().collect();
    let get = |k: &str| form.get(k).map(String::as_str).unwrap_or("");
    let by_secret = get("client_secret") == CLIENT_SECRET;
    let by_assertion = get("client_assertion_type") == "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
        && get("client_assertion") == FEDERATED_TOKEN;
    if get("grant_type") != "client_credentials" || get("client_id") != CLIENT_ID || !(by_secret || by_assertion) {
        return Reply::json(
            401,
            json!({"error": "invalid_client", "error_description": "AADSTS7000215: Invalid client secret provided.", "error_codes": [7000215]}),
        );
    }
    let scope = get("scope").to_string();
    let mut s = c.state.lock().unwrap();
    let token = format!("eyJfake.{}.{}", s.guid(), s.guid()).replace('-', "");
    s.tokens.insert(token.clone(), scope);
    s.app_tokens.insert(token.clone());
    Reply::json(
        200,
        json!({"token_type": "Bearer", "expires_in": 3599, "ext_expires_in": 3599, "access_token": token}),
    )
}
