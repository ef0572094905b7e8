//! Microsoft.KeyVault vaults: read, list, and access policies through
//! `accessPolicies/{add|replace|remove}` (Vaults - Update Access Policy), which change the
//! policies without rewriting the vault.
//!
//! A vault whose `enableRbacAuthorization` is absent or null uses access policies, as one with
//! `false` does (Key Vault docs, "Azure RBAC for Key Vault": the property defaults to false on
//! api-versions before 2026-02-01; the data plane here authorizes accordingly).

use super::{not_found, page};
use crate::{
    contract::{Wire, wire},
    router::{Ctx, Reply},
};
use serde_json::{Value, json};

pub const VAULT: Wire = wire("vault", "resource");
pub const VAULT_LIST: Wire = wire("vault", "list");
pub const ACCESS_POLICY_UPDATE: Wire = wire("vault", "access_policy_update");

fn vault_id(c: &Ctx) -> String {
    format!(
        "/subscriptions/{}/resourceGroups/{}/providers/Microsoft.KeyVault/vaults/{}",
        c.p("sub"),
        c.p("rg"),
        c.p("vault")
    )
}

pub fn get_vault(c: &Ctx) -> Reply {
    super::get(&c.state.lock().unwrap(), &vault_id(c))
}

/// Vaults - List By Subscription.
pub fn list_vaults(c: &Ctx) -> Reply {
    let s = c.state.lock().unwrap();
    let items = super::of_type(&s, "Microsoft.KeyVault/vaults");
    let base = s.arm_base();
    Reply::json(200, page(c, &base, items, s.page_size))
}

pub fn update_access_policies(c: &Ctx) -> Reply {
    let id = vault_id(c);
    let mut s = c.state.lock().unwrap();
    let Some(mut vault) = s.resource(&id).cloned() else {
        return not_found(&id);
    };
    let incoming = c
        .body
        .pointer("/properties/accessPolicies")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let mut policies = vault
        .pointer("/properties/accessPolicies")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let key = |p: &Value| {
        (
            p["tenantId"].as_str().unwrap_or("").to_ascii_lowercase(),
            p["objectId"].as_str().unwrap_or("").to_ascii_lowercase(),
        )
    };
    match c.p("kind").to_ascii_lowercase().as_str() {
        "add" => {
            for p in incoming {
                match policies.iter_mut().find(|e| key(e) == key(&p)) {
                    Some(e) => {
                        for kind in ["keys", "secrets", "certificates", "storage"] {
                            let mut merged: Vec<Value> = e["permissions"][kind].as_array().cloned().unwrap_or_default();
                            for perm in p["permissions"][kind].as_array().cloned().unwrap_or_default() {
                                if !merged.contains(&perm) {
                                    merged.push(perm);
                                }
                            }
                            if !merged.is_empty() {
                                e["permissions"][kind] = json!(merged);
                            }
                        }
                    }
                    None => policies.push(p),
                }
            }
        }
        "replace" => policies = incoming,
        "remove" => policies.retain(|e| !incoming.iter().any(|p| key(p) == key(e))),
        _ => {
            return Reply::arm_error(
                400,
                "InvalidOperationKind",
                "operationKind must be add, replace or remove",
            );
        }
    }
    vault["properties"]["accessPolicies"] = json!(policies);
    s.put_resource(&id, vault);
    Reply::json(
        200,
        json!({"id": format!("{id}/accessPolicies/{}", c.p("kind")), "name": c.p("kind"), "type": "Microsoft.KeyVault/vaults/accessPolicies", "properties": {"accessPolicies": policies}}),
    )
}
