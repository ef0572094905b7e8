//! The Key Vault data plane (secrets), as the Key Vault REST reference describes it:
//! * The first request carries no token; the vault answers 401 with a `WWW-Authenticate` challenge
//!   naming the resource to ask a token for (Key Vault "Authentication" docs).
//! * Every set makes a new version (Set Secret: "If the named secret already exists, Azure Key
//!   Vault creates a new version of that secret").
//! * A soft-deleted name cannot be reused: 409 with inner code `ObjectIsDeletedButRecoverable`
//!   until it is recovered or purged (soft-delete overview).
//! * Authorization is the vault's own model: Azure RBAC data roles when `enableRbacAuthorization`
//!   is true, else its access policies; denials are 403 with inner codes `ForbiddenByRbac` or
//!   `AccessDenied` (Key Vault error codes reference).
//! * Lists are paged with `nextLink`.

use crate::{
    SP_OBJECT_ID, VAULT_SUFFIX,
    contract::{Wire, wire},
    router::{Ctx, Reply},
    state::{FakeState, SecretItem, SecretVersion, now_secs},
};
use serde_json::{Value, json};

pub const BUNDLE: Wire = wire("keyvault-secret", "bundle");
pub const SET: Wire = wire("keyvault-secret", "set");
pub const UPDATE: Wire = wire("keyvault-secret", "update");
pub const LIST: Wire = wire("keyvault-secret", "list");
pub const DELETED_BUNDLE: Wire = wire("keyvault-secret", "deleted_bundle");
pub const DELETED_LIST: Wire = wire("keyvault-secret", "deleted_list");
pub const ERROR: Wire = wire("keyvault-secret", "error");

pub fn error(status: u16, code: &str, message: &str, inner: Option<&str>) -> Reply {
    let mut e = json!({"error": {"code": code, "message": message}});
    if let Some(i) = inner {
        e["error"]["innererror"] = json!({"code": i});
    }
    Reply::json(status, e)
}

fn base(vault: &str, port: u16) -> String {
    format!("https://{vault}.{VAULT_SUFFIX}:{port}")
}

fn bundle(vault: &str, port: u16, item: &SecretItem, v: &SecretVersion, with_value: bool) -> Value {
    let mut b = json!({
        "id": format!("{}/secrets/{}/{}", base(vault, port), item.name, v.version),
        "attributes": {"enabled": v.enabled, "created": v.created, "updated": v.created, "recoveryLevel": "Recoverable+Purgeable", "recoverableDays": 90},
        "tags": v.tags,
    });
    if with_value {
        b["value"] = json!(v.value);
    }
    if let Some(ct) = &v.content_type {
        b["contentType"] = json!(ct);
    }
    if let Some(exp) = v.expires {
        b["attributes"]["exp"] = json!(exp);
    }
    b
}

fn deleted_bundle(vault: &str, port: u16, item: &SecretItem) -> Value {
    let mut b = bundle(
        vault,
        port,
        item,
        item.versions.last().expect("a secret has a version"),
        false,
    );
    let when = item.deleted.unwrap_or_else(now_secs);
    b["recoveryId"] = json!(format!("{}/deletedsecrets/{}", base(vault, port), item.name));
    b["deletedDate"] = json!(when);
    b["scheduledPurgeDate"] = json!(when + 90 * 86400);
    b
}

/// 429 when this request would take the vault past its limit within the window (see
/// [`FakeState::kv_limit`]); `Retry-After` says when the oldest request leaves the window.
pub fn over_limit(c: &Ctx) -> Option<Reply> {
    let mut s = c.state.lock().unwrap();
    let (limit, window) = s.kv_limit;
    let now = std::time::Instant::now();
    let seen = s.kv_window.entry(c.vault.clone()).or_default();
    while seen.front().is_some_and(|t| now.duration_since(*t) >= window) {
        seen.pop_front();
    }
    if seen.len() < limit {
        seen.push_back(now);
        return None;
    }
    let wait = window.saturating_sub(now.duration_since(*seen.front().expect("over the limit")));
    s.kv_throttled += 1;
    Some(
        error(
            429,
            "Throttled",
            "Request was not processed because too many requests were received. Reason: VaultRequestTypeLimitReached",
            None,
        )
        .header("retry-after", wait.as_secs().max(1).to_string()),
    )
}

fn not_found(name: &str) -> Reply {
    error(
        404,
        "SecretNotFound",
        &format!("A secret with (name/id) {name} was not found in this key vault."),
        None,
    )
}

fn key(c: &Ctx) -> (String, String) {
    (c.vault.clone(), c.p("name").to_ascii_lowercase())
}

/// The permission an operation needs, in access-policy terms.
fn needed_permission(c: &Ctx) -> &'static str {
    let segs: Vec<&str> = c.path.trim_matches('/').split('/').collect();
    match (c.method.as_str(), segs.as_slice()) {
        ("PUT", _) | ("PATCH", _) => "set",
        ("GET", ["secrets"]) | ("GET", ["secrets", _, "versions"]) | ("GET", ["deletedsecrets", ..]) => "list",
        ("GET", _) => "get",
        ("DELETE", ["secrets", ..]) => "delete",
        ("POST", ["deletedsecrets", _, "recover"]) => "recover",
        ("DELETE", ["deletedsecrets", ..]) => "purge",
        _ => "get",
    }
}

/// Whether kvwire's principal may do `perm` on `secret` in `vault`, by the vault's own model. A
/// vault that was never seeded as an ARM resource is not checked.
fn allows(s: &FakeState, vault: &str, secret: Option<&str>, perm: &str) -> Result<(), &'static str> {
    let suffix = format!("/providers/microsoft.keyvault/vaults/{vault}");
    let Some((vault_key, doc)) = s.resources.iter().find(|(k, _)| k.ends_with(&suffix)) else {
        return Ok(());
    };
    if doc.pointer("/properties/enableRbacAuthorization") == Some(&json!(true)) {
        let reader = ["get", "list"].contains(&perm);
        let ok = s
            .resources
            .iter()
            .filter(|(k, _)| k.contains("/providers/microsoft.authorization/roleassignments/"))
            .any(|(_, a)| {
                let scope = a
                    .pointer("/properties/scope")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_ascii_lowercase();
                let covers = vault_key.starts_with(&format!("{scope}/"))
                    || *vault_key == scope
                    || secret.is_some_and(|n| scope == format!("{vault_key}/secrets/{}", n.to_ascii_lowercase()));
                let guid = crate::arm::authorization::role_guid(
                    a.pointer("/properties/roleDefinitionId")
                        .and_then(Value::as_str)
                        .unwrap_or(""),
                );
                // Built-in Key Vault data roles (Azure built-in roles reference).
                let role_ok = match guid.as_str() {
                    "00482a5a-887f-4fb3-b363-3b7fe8e74483" => true,
                    "b86a8fe4-44ce-4948-aee5-eccb2c155cd7" => perm != "purge",
                    "4633458b-17de-408a-b874-0445c86b69e6" => reader,
                    _ => false,
                };
                a.pointer("/properties/principalId").and_then(Value::as_str) == Some(SP_OBJECT_ID) && covers && role_ok
            });
        return if ok { Ok(()) } else { Err("ForbiddenByRbac") };
    }
    let policies = doc
        .pointer("/properties/accessPolicies")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let ok = policies.iter().any(|p| {
        p["objectId"].as_str() == Some(SP_OBJECT_ID)
            && p.pointer("/permissions/secrets")
                .and_then(Value::as_array)
                .is_some_and(|a| {
                    a.iter().any(|x| {
                        x.as_str()
                            .is_some_and(|x| x.eq_ignore_ascii_case(perm) || x.eq_ignore_ascii_case("all"))
                    })
                })
    });
    if ok { Ok(()) } else { Err("AccessDenied") }
}

/// The data-plane authorization check every Key Vault route runs first.
pub fn authorize(c: &Ctx) -> Option<Reply> {
    let s = c.state.lock().unwrap();
    let perm = needed_permission(c);
    let secret = c.params.iter().find(|(n, _)| *n == "name").map(|(_, v)| v.as_str());
    allows(&s, &c.vault, secret, perm).err().map(|inner| {
        error(
            403,
            "Forbidden",
            &format!(
                "The caller '{SP_OBJECT_ID}' does not have secrets {perm} permission on key vault '{}'.",
                c.vault
            ),
            Some(inner),
        )
    })
}

fn valid_name(name: &str) -> bool {
    !name.is_empty() && name.len() <= 127 && name.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '-')
}

pub fn set(c: &Ctx) -> Reply {
    let name = c.p("name").to_string();
    if !valid_name(&name) {
        return error(400, "BadParameter", "The request URI contains an invalid name", None);
    }
    let Some(value) = c.body["value"].as_str() else {
        return error(400, "BadParameter", "Property 'value' is required", None);
    };
    let mut s = c.state.lock().unwrap();
    let port = s.port;
    let version = s.guid().replace('-', "");
    let item = s.secrets.entry(key(c)).or_insert_with(|| SecretItem {
        name: name.clone(),
        ..Default::default()
    });
    if item.deleted.is_some() {
        return error(
            409,
            "Conflict",
            &format!(
                "Secret {name} is currently in a deleted but recoverable state, and its name cannot be reused; in this state, the secret can only be recovered or purged."
            ),
            Some("ObjectIsDeletedButRecoverable"),
        );
    }
    let v = SecretVersion {
        version,
        value: value.to_string(),
        content_type: c.body["contentType"].as_str().map(str::to_owned),
        tags: c.body.get("tags").cloned().unwrap_or(json!({})),
        created: now_secs(),
        enabled: c
            .body
            .pointer("/attributes/enabled")
            .and_then(Value::as_bool)
            .unwrap_or(true),
        expires: c.body.pointer("/attributes/exp").and_then(Value::as_u64),
    };
    item.versions.push(v.clone());
    let item = item.clone();
    Reply::json(200, bundle(&c.vault, port, &item, &v, true))
}

fn live(s: &FakeState, k: &(String, String)) -> Option<SecretItem> {
    s.secrets
        .get(k)
        .filter(|i| i.deleted.is_none() && !i.versions.is_empty())
        .cloned()
}

pub fn get(c: &Ctx) -> Reply {
    let s = c.state.lock().unwrap();
    match live(&s, &key(c)) {
        Some(item) => Reply::json(
            200,
            bundle(&c.vault, s.port, &item, item.versions.last().unwrap(), true),
        ),
        None => not_found(c.p("name")),
    }
}

/// Update Secret (PATCH `/secrets/{name}/{version}`): changes one version's attributes, content
/// type or tags without a new version; `tags`, when sent, replace the version's tags (Key Vault
/// REST reference, "Update Secret": "The UPDATE operation changes specified attributes of an
/// existing stored secret. Attributes that are not specified in the request are left unchanged").
pub fn update_version(c: &Ctx) -> Reply {
    let mut s = c.state.lock().unwrap();
    let port = s.port;
    let k = key(c);
    let Some(item) = s.secrets.get_mut(&k).filter(|i| i.deleted.is_none()) else {
        return not_found(c.p("name"));
    };
    let Some(v) = item.versions.iter_mut().find(|v| v.version == c.p("version")) else {
        return error(404, "SecretNotFound", "version not found", None);
    };
    if let Some(t) = c.body.get("tags") {
        v.tags = t.clone();
    }
    if let Some(ct) = c.body.get("contentType").and_then(Value::as_str) {
        v.content_type = Some(ct.to_string());
    }
    let v = v.clone();
    let item = item.clone();
    Reply::json(200, bundle(&c.vault, port, &item, &v, false))
}

pub fn get_version(c: &Ctx) -> Reply {
    let s = c.state.lock().unwrap();
    let Some(item) = live(&s, &key(c)) else {
        return not_found(c.p("name"));
    };
    match item.versions.iter().find(|v| v.version == c.p("version")) {
        Some(v) => Reply::json(200, bundle(&c.vault, s.port, &item, v, true)),
        None => error(404, "SecretNotFound", "version not found", None),
    }
}

pub fn list_versions(c: &Ctx) -> Reply {
    let s = c.state.lock().unwrap();
    let Some(item) = live(&s, &key(c)) else {
        return not_found(c.p("name"));
    };
    let items: Vec<Value> = item
        .versions
        .iter()
        .map(|v| bundle(&c.vault, s.port, &item, v, false))
        .collect();
    Reply::json(200, crate::arm::page(c, &base(&c.vault, s.port), items, s.page_size))
}

/// Key Vault list pages: `maxresults` items when asked (the service allows at most 25), else 25;
/// never more than the fake's `kv_page_max` (small in tests, so paging is exercised).
fn kv_page_size(c: &Ctx, s: &FakeState) -> usize {
    let asked: usize = c.query_param("maxresults").and_then(|m| m.parse().ok()).unwrap_or(25);
    asked.clamp(1, 25).min(s.kv_page_max)
}

/// GetDeletedSecrets: the soft-deleted secrets, without values.
pub fn list_deleted(c: &Ctx) -> Reply {
    let s = c.state.lock().unwrap();
    let items: Vec<Value> = s
        .secrets
        .iter()
        .filter(|((v, _), i)| *v == c.vault && i.deleted.is_some() && !i.versions.is_empty())
        .map(|(_, i)| {
            let mut b = deleted_bundle(&c.vault, s.port, i);
            b["id"] = json!(format!("{}/secrets/{}", base(&c.vault, s.port), i.name));
            b
        })
        .collect();
    Reply::json(
        200,
        crate::arm::page(c, &base(&c.vault, s.port), items, kv_page_size(c, &s)),
    )
}

pub fn list(c: &Ctx) -> Reply {
    let s = c.state.lock().unwrap();
    let items: Vec<Value> = s
        .secrets
        .iter()
        .filter(|((v, _), i)| *v == c.vault && i.deleted.is_none() && !i.versions.is_empty())
        .map(|(_, i)| {
            let mut b = bundle(&c.vault, s.port, i, i.versions.last().unwrap(), false);
            b["id"] = json!(format!("{}/secrets/{}", base(&c.vault, s.port), i.name));
            b
        })
        .collect();
    Reply::json(
        200,
        crate::arm::page(c, &base(&c.vault, s.port), items, kv_page_size(c, &s)),
    )
}

pub fn delete(c: &Ctx) -> Reply {
    let mut s = c.state.lock().unwrap();
    let port = s.port;
    let Some(item) = s.secrets.get_mut(&key(c)).filter(|i| i.deleted.is_none()) else {
        return not_found(c.p("name"));
    };
    item.deleted = Some(now_secs());
    let item = item.clone();
    Reply::json(200, deleted_bundle(&c.vault, port, &item))
}

pub fn get_deleted(c: &Ctx) -> Reply {
    let s = c.state.lock().unwrap();
    match s.secrets.get(&key(c)).filter(|i| i.deleted.is_some()) {
        Some(item) => Reply::json(200, deleted_bundle(&c.vault, s.port, item)),
        None => error(
            404,
            "SecretNotFound",
            &format!("Deleted Secret not found: {}", c.p("name")),
            None,
        ),
    }
}

pub fn recover(c: &Ctx) -> Reply {
    let mut s = c.state.lock().unwrap();
    let port = s.port;
    match s.secrets.get_mut(&key(c)).filter(|i| i.deleted.is_some()) {
        Some(item) => {
            item.deleted = None;
            let item = item.clone();
            Reply::json(200, bundle(&c.vault, port, &item, item.versions.last().unwrap(), false))
        }
        None => error(
            404,
            "SecretNotFound",
            &format!("Deleted Secret not found: {}", c.p("name")),
            None,
        ),
    }
}

pub fn purge(c: &Ctx) -> Reply {
    let mut s = c.state.lock().unwrap();
    match s.secrets.get(&key(c)).filter(|i| i.deleted.is_some()) {
        Some(_) => {
            s.secrets.remove(&key(c));
            Reply::empty(204)
        }
        None => error(
            404,
            "SecretNotFound",
            &format!("Deleted Secret not found: {}", c.p("name")),
            None,
        ),
    }
}
