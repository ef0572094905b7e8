//! Microsoft.ContainerService/managedClusters/identityBindings (api-version 2026-08-01).
//!
//! Behaviour and its sources:
//! * The wire shape is the official model's (`tests/fixtures/wire/identity-binding.json`, from
//!   azure-mgmt-containerservice 41.8.0): `properties.managedIdentity.resourceId` is the one field
//!   a client writes, and only on create (visibility `["read","create"]`); `clientId`,
//!   `objectId`, `tenantId`, `oidcIssuer.oidcIssuerUrl`, `provisioningState` and the top-level
//!   `eTag` are the service's.
//! * A binding's name matches `^[a-z][a-z0-9]{0,63}$` (the API definition's `identityBindingName`
//!   parameter, as the Bicep reference for the type shows it).
//! * PUT is a long-running operation (`IdentityBindingsOperations.begin_create_or_update`; the Go
//!   SDK's `BeginCreateOrUpdate` … `PollUntilDone`). DELETE is one too (`begin_delete`); the fake
//!   answers it at once (200, or 204 when there was none), which a poller takes as done.
//! * "When the cluster operator creates an identity binding, AKS automatically creates (or
//!   reuses) the single federated identity credential for that UAMI", named
//!   `aks-identity-binding`, whose issuer is the binding's `oidcIssuerUrl`, one per identity
//!   whatever the cluster (MicrosoftDocs/azure-aks-docs, identity-bindings.md and
//!   identity-bindings-concepts.md). It counts against the identity's 20 credentials, and "If the
//!   caller lacks permission to create FIC resources, the identity binding creation fails".
//!   Deleting the last binding does not delete it ("There's no automatic garbage collection of the
//!   FIC today").
//! * The issuer's form is the docs' example output:
//!   `https://ib.oic.prod-aks.azure.com/<MI-tenant-id>/<MI-client-id>`. The docs do not give the
//!   credential's subject: the fake writes a placeholder, and kvwire must not read it.

use super::{
    clusters::cluster_id,
    identities::{TOO_MANY_CREDENTIALS, room_for_credential},
    not_found, page, precondition, started,
};
use crate::{
    contract::{self, Wire, wire},
    router::{Ctx, Reply},
    state::{FakeState, OpKind},
};
use serde_json::{Value, json};

pub const BINDING: Wire = wire("identity-binding", "resource");
pub const BINDING_LIST: Wire = wire("identity-binding", "list");

/// The credential AKS keeps on an identity for all its bindings.
pub const CREDENTIAL_NAME: &str = "aks-identity-binding";

fn binding_id(c: &Ctx) -> String {
    format!("{}/identityBindings/{}", cluster_id(c), c.p("binding"))
}

fn valid_name(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
}

/// The resource ID of AKS's credential on the identity `identity`.
fn aks_credential_id(identity: &str) -> String {
    format!("{identity}/federatedIdentityCredentials/{CREDENTIAL_NAME}")
}

/// The issuer AKS keeps for an identity's bindings (the docs' example output).
pub fn issuer_of(tenant: &str, client_id: &str) -> String {
    format!("https://ib.oic.prod-aks.azure.com/{tenant}/{client_id}")
}

pub fn get_binding(c: &Ctx) -> Reply {
    super::get_polled(&mut c.state.lock().unwrap(), &binding_id(c))
}

pub fn list_bindings(c: &Ctx) -> Reply {
    let id = cluster_id(c);
    let s = c.state.lock().unwrap();
    if s.resource(&id).is_none() {
        return not_found(&id);
    }
    let items = super::children(&s, &format!("{id}/identityBindings"));
    let base = s.arm_base();
    Reply::json(200, page(c, &base, items, s.page_size))
}

pub fn put_binding(c: &Ctx) -> Reply {
    let id = binding_id(c);
    let name = c.p("binding").to_string();
    if !valid_name(&name) {
        return Reply::arm_error(
            400,
            "InvalidParameter",
            &format!("The identity binding name '{name}' is invalid: it must match ^[a-z][a-z0-9]{{0,63}}$."),
        );
    }
    let mut s = c.state.lock().unwrap();
    let cluster = cluster_id(c);
    if s.resource(&cluster).is_none() {
        return not_found(&cluster);
    }
    if let Some(r) = super::busy(&s, c, std::slice::from_ref(&id)) {
        return r;
    }
    let existing = s.resource(&id).cloned();
    if let Some(r) = precondition(c, existing.as_ref()) {
        return r;
    }
    let Some(identity) = c
        .body
        .pointer("/properties/managedIdentity/resourceId")
        .and_then(Value::as_str)
        .map(str::to_owned)
    else {
        return Reply::arm_error(
            400,
            "InvalidParameter",
            "properties.managedIdentity.resourceId is required.",
        );
    };
    // Written on create only: a binding maps one identity for good.
    if let Some(e) = &existing
        && !e
            .pointer("/properties/managedIdentity/resourceId")
            .and_then(Value::as_str)
            .is_some_and(|r| r.eq_ignore_ascii_case(&identity))
    {
        return Reply::arm_error(
            400,
            "InvalidParameter",
            "properties.managedIdentity.resourceId cannot be changed on an existing identity binding.",
        );
    }
    let Some(uami) = s.resource(&identity).cloned() else {
        return Reply::arm_error(
            400,
            "InvalidParameter",
            &format!("The managed identity '{identity}' was not found."),
        );
    };
    // AKS's credential would be the identity's 21st: the binding's operation fails (the FIC limit
    // and its error text are the federated credential's own, see identities.rs).
    let cred_id = aks_credential_id(&identity);
    let failure = if s.resource(&cred_id).is_none() && !room_for_credential(&s, &identity) {
        Some(("BadRequest".to_string(), TOO_MANY_CREDENTIALS.to_string()))
    } else {
        c.lro_failure.clone()
    };
    let mut doc = c.body.clone();
    contract::strip_readonly(BINDING, &mut doc);
    doc["id"] = json!(id);
    doc["name"] = json!(name);
    doc["type"] = json!("Microsoft.ContainerService/managedClusters/identityBindings");
    doc["eTag"] = json!(s.new_etag());
    doc["properties"]["provisioningState"] = json!(if existing.is_some() { "Updating" } else { "Creating" });
    s.put_resource(&id, doc.clone());
    let owned = id.clone();
    let op = s.start_operation(
        &id,
        OpKind::IdentityBinding,
        failure,
        Box::new(move |s: &mut FakeState, ok: bool| finish(s, &owned, &identity, &uami, ok)),
    );
    started(&s, &op, if existing.is_some() { 200 } else { 201 }, doc)
}

/// The operation's end: the binding reports the identity and its issuer, and the identity holds
/// AKS's credential.
fn finish(s: &mut FakeState, id: &str, identity: &str, uami: &Value, ok: bool) {
    let client = uami.pointer("/properties/clientId").cloned().unwrap_or_default();
    let tenant = uami.pointer("/properties/tenantId").cloned().unwrap_or_default();
    let issuer = issuer_of(tenant.as_str().unwrap_or(""), client.as_str().unwrap_or(""));
    let cred_id = aks_credential_id(identity);
    if ok && s.resource(&cred_id).is_none() {
        s.put_resource(
            &cred_id,
            json!({"id": cred_id, "name": CREDENTIAL_NAME,
                   "type": "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials",
                   "properties": {"issuer": issuer, "subject": format!("aks-identity-binding:{}", client.as_str().unwrap_or("")),
                                  "audiences": ["api://AzureADTokenExchange"]}}),
        );
    }
    let etag = s.new_etag();
    let Some(b) = s.resource_mut(id) else { return };
    b["eTag"] = json!(etag);
    b["properties"]["provisioningState"] = json!(if ok { "Succeeded" } else { "Failed" });
    if ok {
        b["properties"]["managedIdentity"]["clientId"] = client;
        b["properties"]["managedIdentity"]["objectId"] =
            uami.pointer("/properties/principalId").cloned().unwrap_or_default();
        b["properties"]["managedIdentity"]["tenantId"] = tenant;
        b["properties"]["oidcIssuer"] = json!({"oidcIssuerUrl": issuer});
    }
}

pub fn delete_binding(c: &Ctx) -> Reply {
    let id = binding_id(c);
    let mut s = c.state.lock().unwrap();
    if let Some(r) = super::busy(&s, c, std::slice::from_ref(&id)) {
        return r;
    }
    super::delete(&mut s, &id)
}
