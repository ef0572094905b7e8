//! Microsoft.ManagedIdentity: userAssignedIdentities and their federatedIdentityCredentials.
//!
//! Behaviour and its sources:
//! * Creating an identity makes a new service principal; role assignments to it fail with
//!   `PrincipalNotFound` until Entra replicates it (Azure RBAC troubleshooting, "Symptom -
//!   PrincipalNotFound": assign with principalType and retry).
//! * Federated credentials: at most 20 per identity, and one write at a time per identity — a
//!   concurrent write is 409 `ConcurrentFederatedIdentityCredentialsWritesForSingleManagedIdentity`
//!   (Workload identity docs, "Federated identity credential limits": "No concurrent writes to
//!   federated identity credentials under the same user-assigned managed identity").
//! * The considerations article's error table (MicrosoftDocs/azure-docs,
//!   articles/active-directory/workload-identities/workload-identity-federation-considerations.md):
//!   a name that is not 3-120 letters, digits, `-` and `_` starting with a letter or digit is 400
//!   "Federated Identity Credential name '{ficName}' is invalid."; a concurrent write may instead
//!   be "409 | Conflict" ([`FakeState::fic_conflict_plain`]); "404 | The parent user-assigned
//!   identity doesn't exist." — for a while also for an identity just created, in ARM's form for a
//!   nested resource, `ParentResourceNotFound` ("Can not perform requested operation on nested
//!   resource. Parent resource '…' not found.", microsoftarchive/Learn-LTI#240), until it has
//!   replicated ([`FakeState::fic_parent_lag`]).

use super::{not_found, page};
use crate::{
    contract::{Wire, wire},
    router::{Ctx, Reply},
    state::FakeState,
};
use futures::future::BoxFuture;
use serde_json::json;
use std::time::Duration;

pub const IDENTITY: Wire = wire("user-assigned-identity", "resource");
pub const IDENTITY_UPDATE: Wire = wire("user-assigned-identity", "update");
pub const IDENTITY_LIST: Wire = wire("user-assigned-identity", "list");
pub const CREDENTIAL: Wire = wire("federated-identity-credential", "resource");
pub const CREDENTIAL_LIST: Wire = wire("federated-identity-credential", "list");

/// The most federated credentials one identity may hold.
pub const MAX_CREDENTIALS: usize = 20;

/// The answer to a credential past the limit (400 `BadRequest`).
pub const TOO_MANY_CREDENTIALS: &str =
    "Too many Federated Identity Credentials are assigned to the managed identity (limit 20).";

/// Whether the identity (its resource ID) has room for one more federated credential.
pub fn room_for_credential(s: &FakeState, identity: &str) -> bool {
    let prefix = format!("{}/federatedidentitycredentials/", identity.to_ascii_lowercase());
    s.resources.keys().filter(|k| k.starts_with(&prefix)).count() < MAX_CREDENTIALS
}

/// UserAssignedIdentities - Update (PATCH): `tags`, when given, replace the identity's tags (ARM
/// PATCH semantics: the object sent is the new tag map).
pub fn patch_identity(c: &Ctx) -> Reply {
    let id = identity_id(c);
    let mut s = c.state.lock().unwrap();
    let Some(mut doc) = s.resource(&id).cloned() else {
        return not_found(&id);
    };
    if let Some(t) = c.body.get("tags") {
        doc["tags"] = t.clone();
    }
    s.put_resource(&id, doc.clone());
    Reply::json(200, doc)
}

/// UserAssignedIdentities - List By Subscription: every identity, kubelet and add-on ones included
/// (AKS makes those as user-assigned identities in the node resource group).
pub fn list_identities(c: &Ctx) -> Reply {
    let s = c.state.lock().unwrap();
    let items = super::of_type(&s, "Microsoft.ManagedIdentity/userAssignedIdentities");
    let base = s.arm_base();
    Reply::json(200, page(c, &base, items, s.page_size))
}

fn identity_id(c: &Ctx) -> String {
    format!(
        "/subscriptions/{}/resourceGroups/{}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/{}",
        c.p("sub"),
        c.p("rg"),
        c.p("identity")
    )
}

pub fn get_identity(c: &Ctx) -> Reply {
    super::get(&c.state.lock().unwrap(), &identity_id(c))
}

/// PUT creates (201) or updates (200) the identity; its IDs are the service's.
pub fn put_identity(c: &Ctx) -> Reply {
    let id = identity_id(c);
    let mut s = c.state.lock().unwrap();
    let tags = c.body.get("tags").cloned().unwrap_or(json!({}));
    match s.resource(&id).cloned() {
        Some(mut existing) => {
            existing["tags"] = tags;
            existing["location"] = c.body["location"].clone();
            s.put_resource(&id, existing.clone());
            Reply::json(200, existing)
        }
        None => {
            let v = s.new_identity(&id, &c.body["location"], tags);
            s.put_resource(&id, v.clone());
            Reply::json(201, v)
        }
    }
}

pub fn delete_identity(c: &Ctx) -> Reply {
    super::delete(&mut c.state.lock().unwrap(), &identity_id(c))
}

pub fn list_credentials(c: &Ctx) -> Reply {
    let id = identity_id(c);
    let s = c.state.lock().unwrap();
    if s.resource(&id).is_none() {
        return not_found(&id);
    }
    let items = super::children(&s, &format!("{id}/federatedIdentityCredentials"));
    let base = s.arm_base();
    Reply::json(200, page(c, &base, items, s.page_size))
}

pub fn get_credential(c: &Ctx) -> Reply {
    super::get(&c.state.lock().unwrap(), &c.id())
}

/// Writes (PUT and DELETE) hold the identity for a moment; another write meanwhile is refused.
/// The write itself happens at once, on the service's side: a client that goes away while it
/// waits for the answer does not undo it (nor leave the identity held).
/// Returns the identity and how long the write holds it ([`FakeState::fic_write_hold`]).
fn begin_write(c: &Ctx) -> Result<(String, Duration), Box<Reply>> {
    let identity = identity_id(c).to_ascii_lowercase();
    let mut s = c.state.lock().unwrap();
    if s.resource(&identity).is_none() {
        return Err(Box::new(not_found(&identity)));
    }
    let now = std::time::Instant::now();
    if s.fic_writing.get(&identity).is_some_and(|until| *until > now) {
        return Err(Box::new(if s.fic_conflict_plain {
            Reply::arm_error(
                409,
                "Conflict",
                "Concurrent write request to federated identity credential resources under the same user-assigned identity has been denied.",
            )
        } else {
            Reply::arm_error(
                409,
                "ConcurrentFederatedIdentityCredentialsWritesForSingleManagedIdentity",
                "Too many Federated Identity Credentials are written concurrently for the managed identity. Retry sequentially.",
            )
        }));
    }
    let hold = s.fic_write_hold;
    s.fic_writing.insert(identity.clone(), now + hold);
    Ok((identity, hold))
}

/// Entra's rule for a credential's name (the considerations article's error table): "Alphanumeric,
/// dash, underscore, no more than 3-120 symbols. First symbol is alphanumeric."
fn valid_credential_name(name: &str) -> bool {
    (3..=120).contains(&name.len())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        && name.starts_with(|c: char| c.is_ascii_alphanumeric())
}

/// Whether `identity` was created less than `fic_parent_lag` ago (its principal's creation time).
fn not_replicated(s: &FakeState, identity: &str) -> bool {
    s.resource(identity)
        .and_then(|v| v.pointer("/properties/principalId"))
        .and_then(|p| p.as_str())
        .and_then(|p| s.principal_created.get(p))
        .is_some_and(|created| created.elapsed() < s.fic_parent_lag)
}

pub fn put_credential(c: Ctx) -> BoxFuture<'static, Reply> {
    Box::pin(async move {
        let name = c.p("credential").to_string();
        if !valid_credential_name(&name) {
            return Reply::arm_error(
                400,
                "BadRequest",
                &format!("Federated Identity Credential name '{name}' is invalid."),
            );
        }
        if not_replicated(&c.state.lock().unwrap(), &identity_id(&c)) {
            return Reply::arm_error(
                404,
                "ParentResourceNotFound",
                &format!(
                    "Can not perform requested operation on nested resource. Parent resource '{}' not found.",
                    c.p("identity")
                ),
            );
        }
        let (identity, hold) = match begin_write(&c) {
            Ok(i) => i,
            Err(r) => return *r,
        };
        let reply = {
            let id = c.id();
            let mut s = c.state.lock().unwrap();
            let existed = s.resource(&id).is_some();
            if !existed && !room_for_credential(&s, &identity) {
                Reply::arm_error(400, "BadRequest", TOO_MANY_CREDENTIALS)
            } else {
                let v = json!({"id": id, "name": c.p("credential"), "type": "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials",
                               "properties": {"issuer": c.body.pointer("/properties/issuer"), "subject": c.body.pointer("/properties/subject"), "audiences": c.body.pointer("/properties/audiences")}});
                s.put_resource(&id, v.clone());
                Reply::json(if existed { 200 } else { 201 }, v)
            }
        };
        tokio::time::sleep(hold).await;
        reply
    })
}

pub fn delete_credential(c: Ctx) -> BoxFuture<'static, Reply> {
    Box::pin(async move {
        let hold = match begin_write(&c) {
            Ok((_, hold)) => hold,
            Err(r) => return *r,
        };
        let reply = super::delete(&mut c.state.lock().unwrap(), &c.id());
        tokio::time::sleep(hold).await;
        reply
    })
}
