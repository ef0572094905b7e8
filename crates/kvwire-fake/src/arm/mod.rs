//! Azure Resource Manager: what every resource provider shares — not-found answers, paging,
//! long-running operations, busy resources and entity tags.

pub mod authorization;
pub mod bindings;
pub mod clusters;
pub mod credentials;
pub mod identities;
pub mod registries;
pub mod subscriptions;
pub mod vaults;

use crate::{
    SUB,
    router::{Ctx, Reply},
    state::{FakeState, LroStyle, OpKind},
};
use serde_json::{Value, json};

/// ARM's 404 for a resource that does not exist: `ResourceNotFound` under a resource group
/// (ARM RPC, common error codes), `NotFound` elsewhere.
pub fn not_found(id: &str) -> Reply {
    let code = if id.to_ascii_lowercase().contains("/resourcegroups/") {
        "ResourceNotFound"
    } else {
        "NotFound"
    };
    Reply::arm_error(404, code, &format!("The Resource '{id}' was not found."))
}

pub fn get(s: &FakeState, id: &str) -> Reply {
    match s.resource(id) {
        Some(v) => Reply::json(200, v.clone()),
        None => not_found(id),
    }
}

/// GET of a resource an operation may run on: for operations that report through the resource's
/// own `provisioningState`, this read is the client's poll.
pub fn get_polled(s: &mut FakeState, id: &str) -> Reply {
    if let Some(op) = s.running_on(id).map(str::to_owned)
        && s.ops[&op].style == LroStyle::ProvisioningState
    {
        s.poll_operation(&op);
    }
    get(s, id)
}

/// DELETE: 200 when it existed, 204 when it did not (ARM RPC, "DELETE a resource"); children go too.
pub fn delete(s: &mut FakeState, id: &str) -> Reply {
    let prefix = format!("{}/", id.to_ascii_lowercase());
    s.resources.retain(|k, _| !k.starts_with(&prefix));
    match s.resources.remove(&id.to_ascii_lowercase()) {
        Some(_) => Reply::empty(200),
        None => Reply::empty(204),
    }
}

/// Direct children of `collection` (a resource ID plus a type segment).
pub fn children(s: &FakeState, collection: &str) -> Vec<Value> {
    let prefix = format!("{}/", collection.to_ascii_lowercase());
    s.resources
        .iter()
        .filter(|(k, _)| k.starts_with(&prefix) && !k[prefix.len()..].contains('/'))
        .map(|(_, v)| v.clone())
        .collect()
}

/// Every resource of one type in the subscription (`provider_type` such as
/// `Microsoft.KeyVault/vaults`): what a List By Subscription answers.
pub fn of_type(s: &FakeState, provider_type: &str) -> Vec<Value> {
    let segment = format!("/providers/{}/", provider_type.to_ascii_lowercase());
    s.resources
        .iter()
        .filter(|(k, _)| k.split(&segment).nth(1).is_some_and(|rest| !rest.contains('/')))
        .map(|(_, v)| v.clone())
        .collect()
}

/// One page of a list: `{"value": [...], "nextLink": "…&$skiptoken=N"}`. Every ARM and Key Vault
/// list kvwire reads is `x-ms-pageable` with `nextLinkName: nextLink` in its API definition;
/// the fake pages them small so clients must follow the link.
pub fn page(c: &Ctx, base: &str, items: Vec<Value>, page_size: usize) -> Value {
    let skip: usize = c.query_param("$skiptoken").and_then(|t| t.parse().ok()).unwrap_or(0);
    let size = page_size.max(1);
    let value: Vec<Value> = items.iter().skip(skip).take(size).cloned().collect();
    let mut doc = json!({ "value": value });
    if skip + size < items.len() {
        let mut url = url::Url::parse(&format!("{base}{}", c.path)).expect("request path is a URL path");
        {
            let mut q = url.query_pairs_mut();
            for (k, v) in url::form_urlencoded::parse(c.query.as_bytes()) {
                if !k.eq_ignore_ascii_case("$skiptoken") {
                    q.append_pair(&k, &v);
                }
            }
            q.append_pair("$skiptoken", &(skip + size).to_string());
        }
        doc["nextLink"] = json!(url.to_string());
    }
    doc
}

/// 409 `OperationNotAllowed` while an operation runs on any of `ids`: AKS accepts one operation
/// per cluster (and per pool) at a time ("Operation is not allowed: Another operation (nodepool1 -
/// Updating) is in progress, please wait for it to finish before starting a new operation. See
/// https://aka.ms/aks-pending-operation", Azure/azure-workload-identity#417). A write with `If-Match`
/// may instead get the bare 409 `EtagMismatch` when the fake is set to ([`FakeState::busy_etag_mismatch`]).
pub fn busy(s: &FakeState, c: &Ctx, ids: &[String]) -> Option<Reply> {
    ids.iter().find_map(|id| {
        let op = s.running_on(id)?;
        let what = match s.ops[op].kind {
            OpKind::ClusterUpdate => "managed cluster - Updating",
            OpKind::NodeImageUpgrade => "nodepool - UpgradingNodeImageVersion",
            OpKind::IdentityBinding => "identity binding - Creating",
        };
        if s.busy_etag_mismatch && c.header("if-match").is_some() {
            return Some(Reply::aks_bare_error(
                409,
                "EtagMismatch",
                "Operation is not allowed: Another operation is in progress",
                "PutManagedClusterAndComponents_Failed",
            ));
        }
        Some(Reply::arm_error(
            409,
            "OperationNotAllowed",
            &format!("Operation is not allowed: Another operation ({what}) is in progress on {id}, please wait for it to finish before starting a new operation. See https://aka.ms/aks-pending-operation."),
        ))
    })
}

/// 429 `Throttled` with `Retry-After` when the AKS budget under `key` is spent (see
/// [`FakeState::aks_put_budget`]).
pub fn throttled(s: &mut FakeState, key: &str, budget: (f64, std::time::Duration)) -> Option<Reply> {
    let wait = s.aks_take(key, budget)?;
    Some(
        Reply::arm_error(
            429,
            "Throttled",
            "The request was throttled: the number of requests exceeded the limit. Retry after the time in the Retry-After header.",
        )
        .header("retry-after", wait.as_secs_f64().ceil().max(1.0).to_string()),
    )
}

/// The entity tag of an AKS resource: top-level `eTag` on managedClusters, `properties.eTag` on
/// agentPools (both read-only in the API definition).
pub fn etag_of(v: &Value) -> Option<&str> {
    v.get("eTag")
        .or_else(|| v.pointer("/properties/eTag"))
        .and_then(Value::as_str)
}

/// `If-Match` / `If-None-Match` against the resource's entity tag (AKS managedClusters and
/// agentPools declare both headers on PUT; AKS docs, "Use eTags for concurrency control": a
/// mismatch is 412 `PreConditionFailed`, both headers at once are `BadRequest`). Headers carry the
/// tag quoted as RFC 9110 entity-tags are (the official SDKs quote the body's value).
pub fn precondition(c: &Ctx, existing: Option<&Value>) -> Option<Reply> {
    let etag = existing.and_then(etag_of);
    let (if_match, if_none) = (c.header("if-match"), c.header("if-none-match"));
    if if_match.is_some() && if_none.is_some() {
        return Some(Reply::arm_error(
            400,
            "BadRequest",
            "If-Match and If-None-Match cannot be used together.",
        ));
    }
    if let Some(want) = if_match {
        let unquoted = want.trim().trim_start_matches("W/").trim_matches('"');
        let ok = match etag {
            Some(have) => want.trim() == "*" || unquoted == have,
            None => false,
        };
        if !ok {
            return Some(Reply::arm_error(
                412,
                "PreConditionFailed",
                &format!(
                    "The resource's eTag is {} but If-Match was {want}.",
                    etag.unwrap_or("(none)")
                ),
            ));
        }
    }
    if if_none.as_deref() == Some("*") && existing.is_some() {
        return Some(Reply::arm_error(
            412,
            "PreConditionFailed",
            "The resource already exists.",
        ));
    }
    None
}

/// The signature an operation URL carries (`s=`), for tests that check it is never printed.
pub fn operation_signature(op: &str) -> String {
    format!("sig{}", op.replace('-', ""))
}

/// The api-version the fake's operation links carry; polls must send it back unchanged (the route
/// table checks them against this).
pub const OPERATIONS_API_VERSION: &str = "2017-08-31";

fn operations_url(s: &FakeState, kind: &str, op: &str) -> String {
    // AKS's operation URLs (`Azure-AsyncOperation` and `Location` headers of managedClusters and
    // agentPools operations). ARM signs them: `t` (ticks), `c` (a certificate), `s` (signature)
    // and `h` (hash) follow the api-version, as recorded operation URLs show
    // (`…/operationStatuses/{id}?api-version=2023-12-01-preview&t=638483731215571130&c=MIIHADCCBeig…`).
    format!(
        "{}/subscriptions/{SUB}/providers/Microsoft.ContainerService/locations/eastus/{kind}/{op}?api-version={OPERATIONS_API_VERSION}&t=638483731215571130&c=MIIHADCCBeigAwIBAgITfake&s={}&h=hash{}",
        s.arm_base(),
        operation_signature(op),
        op.len()
    )
}

/// `Retry-After` on an operation's answers, when the fake is set to send one.
fn with_retry_after(s: &FakeState, reply: Reply) -> Reply {
    match s.poll_retry_after {
        Some(secs) => reply.header("retry-after", secs.to_string()),
        None => reply,
    }
}

/// The first answer of a long-running operation, in the operation's style.
pub fn started(s: &FakeState, op: &str, status: u16, body: Value) -> Reply {
    let style = s.ops[op].style;
    let reply = match style {
        LroStyle::AsyncOperation => Reply::json(status, body)
            .header("azure-asyncoperation", operations_url(s, "operations", op))
            .header("location", operations_url(s, "operationresults", op)),
        LroStyle::Location => Reply::empty(202).header("location", operations_url(s, "operationresults", op)),
        LroStyle::ProvisioningState => Reply::json(status, body),
    };
    with_retry_after(s, reply)
}

/// `GET …/operations/{op}`: the status document (ARM RPC, "Azure-AsyncOperation resource
/// format": `status` InProgress|Succeeded|Failed|Canceled, `error` when it failed).
pub fn operation_status(c: &Ctx) -> Reply {
    let mut s = c.state.lock().unwrap();
    let op = c.p("op").to_string();
    if !s.ops.contains_key(&op) {
        return Reply::arm_error(404, "NotFound", "no such operation");
    }
    let ended = s.poll_operation(&op);
    let o = &s.ops[&op];
    let mut doc = json!({"id": c.path, "name": op, "status": "InProgress", "startTime": "2026-11-22T00:00:00Z"});
    match ended {
        None => return with_retry_after(&s, Reply::json(200, doc)),
        Some(true) => {
            doc["status"] = json!("Succeeded");
            doc["endTime"] = json!("2026-11-22T00:01:00Z");
        }
        Some(false) => {
            let (code, message) = o.failure.clone().unwrap_or_default();
            doc["status"] = json!("Failed");
            doc["endTime"] = json!("2026-11-22T00:01:00Z");
            doc["error"] = json!({"code": code, "message": message});
        }
    }
    Reply::json(200, doc)
}

/// `GET …/operationresults/{op}`: 202 while running; then the resource (200), or the
/// operation's error with a 4xx (ARM RPC, "202 Accepted and Location header").
pub fn operation_result(c: &Ctx) -> Reply {
    let mut s = c.state.lock().unwrap();
    let op = c.p("op").to_string();
    if !s.ops.contains_key(&op) {
        return Reply::arm_error(404, "NotFound", "no such operation");
    }
    match s.poll_operation(&op) {
        None => with_retry_after(
            &s,
            Reply::empty(202).header("location", operations_url(&s, "operationresults", &op)),
        ),
        Some(true) => {
            let o = &s.ops[&op];
            let wire = match o.kind {
                OpKind::ClusterUpdate => clusters::CLUSTER,
                OpKind::NodeImageUpgrade => clusters::POOL,
                OpKind::IdentityBinding => bindings::BINDING,
            };
            match s.resource(&o.resource) {
                Some(v) => Reply::json(200, v.clone()).shaped(wire),
                None => Reply::empty(204),
            }
        }
        Some(false) => {
            let (code, message) = s.ops[&op].failure.clone().unwrap_or_default();
            Reply::arm_error(400, &code, &message)
        }
    }
}

/// Merge `from`'s object members into `into`, recursively (objects only; other values replace).
pub fn deep_merge(into: &mut Value, from: &Value) {
    match (into, from) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in b {
                match a.get_mut(k) {
                    Some(slot) if slot.is_object() && v.is_object() => deep_merge(slot, v),
                    _ => {
                        a.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        (slot, v) => *slot = v.clone(),
    }
}
