//! The API server's REST surface: discovery, GET/LIST, POST, server-side apply, DELETE.
//!
//! Behaviour and its sources:
//! * Paths, lists (`{Kind}List` with `metadata.resourceVersion`; items of built-in kinds without
//!   `apiVersion`/`kind`), `labelSelector` and `fieldSelector` (`field label not supported: x`
//!   for a field the kind does not index), 404 `the server could not find the requested resource`:
//!   Kubernetes API concepts (kubernetes.io/docs/reference/using-api/api-concepts/) and
//!   api-conventions.md.
//! * Discovery: `/api`, `/apis`, `/api/v1`, `/apis/{group}/{version}` as `APIVersions`,
//!   `APIGroupList` and `APIResourceList`; `/version` as `version.Info`.
//! * POST: 409 `AlreadyExists`, 404 for a namespace that does not exist (NamespaceLifecycle
//!   admission); unknown fields with `fieldValidation=Strict` are 400 `strict decoding error:
//!   unknown field "spec.foo"`, with `Warn` (the server's default) dropped with a `Warning: 299`
//!   header, with `Ignore` dropped (api-concepts.md, "Field validation").
//! * Server-side apply (PATCH `application/apply-patch+yaml`; server-side-apply docs):
//!   `fieldManager` is required (422 `PatchOptions.meta.k8s.io "" is invalid: fieldManager:
//!   Required value: is required for apply patch`, apimachinery ValidatePatchOptions); `force`;
//!   `dryRun=All` answers the would-be object and stores nothing; the applied object must carry the
//!   URL's apiVersion and name (400) and no managedFields (400 `metadata.managedFields must be
//!   nil`); a field the schema does not declare fails the whole apply with HTTP 500 and no reason,
//!   `failed to create typed patch object (ns/name; apps/v1, Kind=Deployment): .spec.foo: field not
//!   declared in schema` (kubernetes/kubernetes#122480, #139253: still 500, not 4xx); a field
//!   another manager owns with a different value is 409 `Conflict` listing each field and manager
//!   (apimachinery managedfields `NewConflictError`), unless `force=true`, which takes it over;
//!   fields the manager applied before and no longer applies are removed unless another manager
//!   owns them; an apply that changes nothing writes nothing (same resourceVersion).
//! * Validation after merging (422 `Invalid`, `Deployment.apps "web" is invalid: …`): the
//!   definitions' `required` fields, a Deployment's selector matching its template's labels and
//!   being immutable (apps/v1 validation).
//! * A `metadata.resourceVersion` in an apply to an existing object is a precondition: another
//!   value is 409 `Conflict`, `the object has been modified; …` (registry `Store.Update`).
//! * DELETE: `preconditions.uid`/`resourceVersion` that do not hold are 409 `Conflict`
//!   (`Precondition failed: …`); `propagationPolicy` Background, Foreground or Orphan (anything else 422);
//!   dependents are deleted unless orphaned (garbage collector, via ownerReferences); a namespace
//!   takes its objects with it. Pods answer with the object, other kinds with a `Success` Status
//!   (apiserver registry `finalizeDelete`).
//!
//! Not modelled (a request for them is recorded as a violation and refused): PUT, other patch
//! types (415 as the API server answers), subresources.

use super::{Cluster, Resource, conflict, controllers, not_found, schema, status};
use crate::{
    contract::Violation,
    router::Reply,
    state::{FakeState, Shared, now_rfc3339},
};
use axum::http::HeaderMap;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};

pub struct Req<'a> {
    pub method: &'a str,
    pub path: &'a str,
    pub query: &'a str,
    pub headers: &'a HeaderMap,
    pub body: &'a [u8],
}

impl Req<'_> {
    fn param(&self, name: &str) -> Option<String> {
        url::form_urlencoded::parse(self.query.as_bytes())
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    }

    fn content_type(&self) -> String {
        self.headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase()
    }
}

/// One request to the API server of cluster `key` (lower-cased ARM ID).
pub fn request(state: &Shared, key: &str, req: &Req) -> Reply {
    let mut s = state.lock().unwrap();
    let arm_id = match s.kube.get(key) {
        Some(c) => c.arm_id.clone(),
        None => return status(503, "ServiceUnavailable", "the cluster is gone", None),
    };
    if !super::authenticated(&s, &s.kube[key], req.headers) {
        return status(401, "Unauthorized", "Unauthorized", None);
    }
    controllers::reconcile(&mut s, &arm_id);
    let context = format!("{} kube{}", req.method, req.path);
    let reply = route(&mut s, &arm_id, req, &context);
    controllers::reconcile(&mut s, &arm_id);
    reply
}

/// The path's segments (`/apis/apps/v1/…` → `["apis", "apps", "v1", …]`).
fn segments(path: &str) -> Vec<&str> {
    path.split('/').filter(|x| !x.is_empty()).collect()
}

fn route(s: &mut FakeState, arm_id: &str, req: &Req, context: &str) -> Reply {
    let segs = segments(req.path);
    let get = req.method == "GET";
    let reply = match segs.as_slice() {
        ["version"] if get => Reply::json(
            200,
            json!({"major": "1", "minor": "31", "gitVersion": "v1.31.1", "gitCommit": "948afe5ca072329a73c8e79ed5938717a5cb3d21",
                   "gitTreeState": "clean", "buildDate": "2024-09-11T21:22:08Z", "goVersion": "go1.22.6",
                   "compiler": "gc", "platform": "linux/amd64"}),
        ),
        ["api"] if get => Reply::json(
            200,
            json!({"kind": "APIVersions", "versions": ["v1"],
                   "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": "10.224.0.4:443"}]}),
        ),
        ["apis"] if get => Reply::json(200, group_list()),
        ["api", "v1"] if get => Reply::json(200, resource_list("", "v1")),
        ["apis", g, v] if get && super::RESOURCES.iter().any(|r| r.group == *g && r.version == *v) => {
            Reply::json(200, resource_list(g, v))
        }
        ["api", "v1", rest @ ..] => objects(s, arm_id, "", "v1", rest, req, context),
        ["apis", g, v, rest @ ..] => objects(s, arm_id, g, v, rest, req, context),
        _ => no_such_path(),
    };
    check_answer(s, &reply, context);
    reply
}

fn no_such_path() -> Reply {
    status(
        404,
        "NotFound",
        "the server could not find the requested resource",
        Some(json!({})),
    )
}

/// Record a violation when an answer the fake built breaks the official vocabulary.
fn check_answer(s: &mut FakeState, reply: &Reply, context: &str) {
    let Some(body) = &reply.body else { return };
    let (Some(api_version), Some(kind)) = (body["apiVersion"].as_str(), body["kind"].as_str()) else {
        return;
    };
    if let Some(kind) = kind.strip_suffix("List")
        && let Some(r) = super::by_kind(api_version, kind)
    {
        for item in body["items"].as_array().into_iter().flatten() {
            let name = item["metadata"]["name"].as_str().unwrap_or("");
            violations(s, r, item, &format!("{context} item {name}"));
        }
        return;
    }
    let root = if kind == "Status" {
        schema::definition("io.k8s.apimachinery.pkg.apis.meta.v1.Status")
    } else if let Some(r) = super::by_kind(api_version, kind) {
        r.schema()
    } else {
        return;
    };
    for (p, problem) in schema::validate(root, body) {
        s.violations.push(Violation {
            context: format!("{context} (response body)"),
            path: schema::path_string(&p),
            problem,
        });
    }
}

fn violations(s: &mut FakeState, r: &Resource, obj: &Value, context: &str) {
    for (p, problem) in schema::validate(r.schema(), obj) {
        s.violations.push(Violation {
            context: format!("{context} (response body)"),
            path: schema::path_string(&p),
            problem,
        });
    }
}

fn group_list() -> Value {
    let mut groups: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for r in super::RESOURCES.iter().filter(|r| !r.group.is_empty()) {
        let v = groups.entry(r.group).or_default();
        if !v.contains(&r.version) {
            v.push(r.version);
        }
    }
    let groups: Vec<Value> = groups
        .iter()
        .map(|(g, versions)| {
            let vs: Vec<Value> = versions
                .iter()
                .map(|v| json!({"groupVersion": format!("{g}/{v}"), "version": v}))
                .collect();
            json!({"name": g, "versions": vs, "preferredVersion": vs[0]})
        })
        .collect();
    json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": groups})
}

fn resource_list(group: &str, version: &str) -> Value {
    let gv = if group.is_empty() {
        version.to_string()
    } else {
        format!("{group}/{version}")
    };
    let mut resources = vec![];
    for r in super::RESOURCES
        .iter()
        .filter(|r| r.group == group && r.version == version)
    {
        let mut entry = json!({"name": r.plural, "singularName": r.singular, "namespaced": r.namespaced, "kind": r.kind,
            "verbs": ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]});
        if !r.short.is_empty() {
            entry["shortNames"] = json!(r.short);
        }
        resources.push(entry);
        if r.status {
            resources.push(
                json!({"name": format!("{}/status", r.plural), "singularName": "", "namespaced": r.namespaced,
                                  "kind": r.kind, "verbs": ["get", "patch", "update"]}),
            );
        }
    }
    json!({"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": gv, "resources": resources})
}

/// `…/namespaces/{ns}/{plural}/{name}` and the other shapes of a resource path.
#[allow(clippy::too_many_arguments)]
fn objects(
    s: &mut FakeState,
    arm_id: &str,
    group: &str,
    version: &str,
    rest: &[&str],
    req: &Req,
    context: &str,
) -> Reply {
    let (ns, plural, name) = match rest {
        ["namespaces", ns, plural, tail @ ..] if tail.len() <= 1 => (Some(*ns), *plural, tail.first().copied()),
        ["namespaces", tail @ ..] if tail.len() <= 1 => (None, "namespaces", tail.first().copied()),
        [plural] => (None, *plural, None),
        [plural, name] => (None, *plural, Some(*name)),
        _ => return unmodelled(s, req, context, "subresources"),
    };
    let Some(r) = super::resource(group, version, plural) else {
        return no_such_path();
    };
    if ns.is_some() && !r.namespaced {
        return no_such_path();
    }
    if !r.namespaced && name.is_none() && ns.is_some() {
        return no_such_path();
    }
    if r.namespaced && ns.is_none() && name.is_some() {
        return no_such_path();
    }
    let ns = ns.unwrap_or("");
    match (req.method, name) {
        ("GET", None) => list(s, arm_id, r, ns, req),
        ("GET", Some(name)) => {
            let c = super::cluster(s, arm_id);
            match c.get(r.plural, ns, name) {
                Some(o) => Reply::json(200, o.clone()),
                None => not_found(r, name),
            }
        }
        ("POST", None) => create(s, arm_id, r, ns, req),
        ("PATCH", Some(name)) => {
            if req.content_type() == "application/apply-patch+yaml" {
                apply(s, arm_id, r, ns, name, req)
            } else {
                unmodelled(s, req, context, "patch types other than server-side apply");
                status(
                    415,
                    "UnsupportedMediaType",
                    &format!(
                        "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml (this fake: {} is not modelled)",
                        req.content_type()
                    ),
                    None,
                )
            }
        }
        ("DELETE", Some(name)) => delete(s, arm_id, r, ns, name, req),
        _ => unmodelled(s, req, context, "this verb"),
    }
}

fn unmodelled(s: &mut FakeState, req: &Req, context: &str, what: &str) -> Reply {
    s.violations.push(Violation {
        context: context.to_string(),
        path: String::new(),
        problem: format!("no route: the fake's Kubernetes API does not model {what}"),
    });
    status(
        405,
        "MethodNotAllowed",
        &format!("the fake does not model {what} ({} {})", req.method, req.path),
        None,
    )
}

// ---- reads ----------------------------------------------------------------------------------

type Selectors = (Vec<Requirement>, Vec<(String, bool, String)>);

/// The request's `labelSelector` and `fieldSelector` (400 when one does not parse).
fn selectors(r: &Resource, req: &Req) -> Result<Selectors, Box<Reply>> {
    let labels = match req.param("labelSelector").map(|l| parse_label_selector(&l)) {
        Some(Err(e)) => return Err(Box::new(status(400, "BadRequest", &e, None))),
        Some(Ok(l)) => l,
        None => vec![],
    };
    let fields = match req.param("fieldSelector").map(|f| parse_field_selector(r, &f)) {
        Some(Err(e)) => return Err(Box::new(status(400, "BadRequest", &e, None))),
        Some(Ok(f)) => f,
        None => vec![],
    };
    Ok((labels, fields))
}

/// The objects of `r` in `ns` ("" for all) that the selectors match.
fn matching<'c>(
    c: &'c Cluster,
    r: &Resource,
    ns: &str,
    (labels, fields): &Selectors,
) -> Vec<(&'c super::Key, &'c Value)> {
    c.of(r.plural)
        .filter(|(k, _)| ns.is_empty() || k.1 == ns)
        .filter(|(_, o)| labels.iter().all(|l| l.matches(&o["metadata"]["labels"])))
        .filter(|(_, o)| {
            fields
                .iter()
                .all(|(f, op_eq, want)| (field_value(o, f) == *want) == *op_eq)
        })
        .collect()
}

fn list(s: &mut FakeState, arm_id: &str, r: &Resource, ns: &str, req: &Req) -> Reply {
    let sel = match selectors(r, req) {
        Ok(s) => s,
        Err(e) => return *e,
    };
    let c = super::cluster(s, arm_id);
    let items: Vec<Value> = matching(c, r, ns, &sel)
        .into_iter()
        .map(|(_, o)| {
            let mut o = o.clone();
            if !r.custom
                && let Some(m) = o.as_object_mut()
            {
                m.remove("apiVersion");
                m.remove("kind");
            }
            o
        })
        .collect();
    Reply::json(
        200,
        json!({"kind": format!("{}List", r.kind), "apiVersion": r.api_version(),
               "metadata": {"resourceVersion": c.rv.to_string()}, "items": items}),
    )
}

// ---- watch ----------------------------------------------------------------------------------

/// A watch (`GET …?watch=true`; API concepts, "Efficient detection of changes"): events
/// `{"type": "ADDED"|"MODIFIED"|"DELETED", "object": …}`, one JSON document per line, for the
/// objects the selectors match; with no `resourceVersion` (or "0") first a synthetic ADDED for
/// each existing object, with one only the changes after it. The fake looks for changes every
/// 100 ms (running the controllers, as any request does) and ends the watch after
/// `timeoutSeconds` (at most 300), as the API server may end any watch; clients watch again.
pub struct Watch {
    arm_id: String,
    r: &'static Resource,
    ns: String,
    query: String,
    since: Option<u64>,
    pub timeout: std::time::Duration,
    /// What the client has been told: key → the object as last sent.
    known: BTreeMap<super::Key, Value>,
    started: bool,
}

/// The watch a request asks for, or the answer that refuses it.
pub fn watch(state: &Shared, key: &str, req: &Req) -> Result<Watch, Box<Reply>> {
    let s = state.lock().unwrap();
    let Some(c) = s.kube.get(key) else {
        return Err(Box::new(status(503, "ServiceUnavailable", "the cluster is gone", None)));
    };
    if !super::authenticated(&s, c, req.headers) {
        return Err(Box::new(status(401, "Unauthorized", "Unauthorized", None)));
    }
    let segs = segments(req.path);
    let (group, version, rest) = match segs.as_slice() {
        ["api", "v1", rest @ ..] => ("", "v1", rest),
        ["apis", g, v, rest @ ..] => (*g, *v, rest),
        _ => return Err(Box::new(no_such_path())),
    };
    let (ns, plural) = match rest {
        ["namespaces", ns, plural] => (*ns, *plural),
        [plural] => ("", *plural),
        _ => return Err(Box::new(no_such_path())),
    };
    let Some(r) = super::resource(group, version, plural) else {
        return Err(Box::new(no_such_path()));
    };
    selectors(r, req)?;
    let since = req
        .param("resourceVersion")
        .and_then(|v| v.parse::<u64>().ok())
        .filter(|v| *v > 0);
    let timeout = req
        .param("timeoutSeconds")
        .and_then(|t| t.parse::<u64>().ok())
        .unwrap_or(300)
        .min(300);
    Ok(Watch {
        arm_id: c.arm_id.clone(),
        r,
        ns: ns.to_string(),
        query: req.query.to_string(),
        since,
        timeout: std::time::Duration::from_secs(timeout),
        known: BTreeMap::new(),
        started: false,
    })
}

impl Watch {
    /// The events since the last poll, as lines.
    pub fn poll(&mut self, state: &Shared) -> Vec<String> {
        let mut s = state.lock().unwrap();
        controllers::reconcile(&mut s, &self.arm_id);
        let headers = HeaderMap::new();
        let req = Req {
            method: "GET",
            path: "",
            query: &self.query,
            headers: &headers,
            body: &[],
        };
        let Ok(sel) = selectors(self.r, &req) else {
            return vec![];
        };
        let c = super::cluster(&mut s, &self.arm_id);
        let now: BTreeMap<super::Key, Value> = matching(c, self.r, &self.ns, &sel)
            .into_iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let rv_of = |o: &Value| {
            o["metadata"]["resourceVersion"]
                .as_str()
                .and_then(|v| v.parse::<u64>().ok())
                .unwrap_or(0)
        };
        let mut events = vec![];
        for (k, o) in &now {
            match self.known.get(k) {
                None if !self.started && self.since.is_some_and(|since| rv_of(o) <= since) => {}
                None => events.push(json!({"type": "ADDED", "object": o})),
                Some(old) if old != o => events.push(json!({"type": "MODIFIED", "object": o})),
                Some(_) => {}
            }
        }
        for (k, o) in &self.known {
            if !now.contains_key(k) {
                let mut gone = o.clone();
                gone["metadata"]["resourceVersion"] = json!(c.rv.to_string());
                events.push(json!({"type": "DELETED", "object": gone}));
            }
        }
        self.known = now;
        self.started = true;
        events.iter().map(|e| format!("{e}\n")).collect()
    }
}

/// A label selector requirement (`k=v`, `k!=v`, `k in (a,b)`, `k notin (a,b)`, `k`, `!k`).
#[derive(Debug)]
pub enum Requirement {
    In(String, Vec<String>),
    NotIn(String, Vec<String>),
    Exists(String),
    NotExists(String),
}

impl Requirement {
    pub fn matches(&self, labels: &Value) -> bool {
        let get = |k: &str| labels.get(k).and_then(Value::as_str);
        match self {
            Requirement::In(k, vs) => get(k).is_some_and(|v| vs.iter().any(|x| x == v)),
            Requirement::NotIn(k, vs) => get(k).is_none_or(|v| !vs.iter().any(|x| x == v)),
            Requirement::Exists(k) => get(k).is_some(),
            Requirement::NotExists(k) => get(k).is_none(),
        }
    }
}

pub fn parse_label_selector(sel: &str) -> Result<Vec<Requirement>, String> {
    let mut out = vec![];
    // Split on commas outside parentheses.
    let (mut depth, mut start, mut parts) = (0, 0, vec![]);
    for (i, ch) in sel.char_indices() {
        match ch {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&sel[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&sel[start..]);
    for p in parts.iter().map(|p| p.trim()).filter(|p| !p.is_empty()) {
        let set = |rest: &str| -> Result<Vec<String>, String> {
            let inner = rest
                .trim()
                .strip_prefix('(')
                .and_then(|x| x.strip_suffix(')'))
                .ok_or_else(|| format!("unable to parse requirement: {p}"))?;
            Ok(inner.split(',').map(|x| x.trim().to_string()).collect())
        };
        let req = if let Some((k, v)) = p.split_once("!=") {
            Requirement::NotIn(k.trim().into(), vec![v.trim().into()])
        } else if let Some((k, v)) = p.split_once("==").or_else(|| p.split_once('=')) {
            Requirement::In(k.trim().into(), vec![v.trim().into()])
        } else if let Some((k, rest)) = p.split_once(" notin ") {
            Requirement::NotIn(k.trim().into(), set(rest)?)
        } else if let Some((k, rest)) = p.split_once(" in ") {
            Requirement::In(k.trim().into(), set(rest)?)
        } else if let Some(k) = p.strip_prefix('!') {
            Requirement::NotExists(k.trim().into())
        } else if !p.contains(' ') {
            Requirement::Exists(p.into())
        } else {
            return Err(format!("unable to parse requirement: {p}"));
        };
        out.push(req);
    }
    Ok(out)
}

/// The field selectors each kind supports (the API server's field label conversion functions:
/// every kind has `metadata.name` and `metadata.namespace`; events `involvedObject.*`, `reason`,
/// `type`, `source`; pods `spec.nodeName`, `spec.serviceAccountName`, `status.phase`).
fn selectable(r: &Resource, f: &str) -> bool {
    if matches!(f, "metadata.name" | "metadata.namespace") {
        return true;
    }
    match r.plural {
        "events" => matches!(
            f,
            "involvedObject.kind"
                | "involvedObject.namespace"
                | "involvedObject.name"
                | "involvedObject.uid"
                | "involvedObject.apiVersion"
                | "involvedObject.resourceVersion"
                | "involvedObject.fieldPath"
                | "reason"
                | "reportingComponent"
                | "source"
                | "type"
        ),
        "pods" => matches!(
            f,
            "spec.nodeName" | "spec.serviceAccountName" | "spec.restartPolicy" | "spec.schedulerName" | "status.phase"
        ),
        _ => false,
    }
}

fn parse_field_selector(r: &Resource, sel: &str) -> Result<Vec<(String, bool, String)>, String> {
    let mut out = vec![];
    for p in sel.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (f, eq, v) = if let Some((f, v)) = p.split_once("!=") {
            (f, false, v)
        } else if let Some((f, v)) = p.split_once("==").or_else(|| p.split_once('=')) {
            (f, true, v)
        } else {
            return Err(format!("invalid selector: '{sel}'; can't understand '{p}'"));
        };
        if !selectable(r, f.trim()) {
            return Err(format!("field label not supported: {}", f.trim()));
        }
        out.push((f.trim().to_string(), eq, v.trim().to_string()));
    }
    Ok(out)
}

fn field_value(o: &Value, f: &str) -> String {
    let v = if f == "source" {
        &o["source"]["component"]
    } else {
        o.pointer(&format!("/{}", f.replace('.', "/"))).unwrap_or(&Value::Null)
    };
    v.as_str().map(str::to_owned).unwrap_or_default()
}

// ---- writes ---------------------------------------------------------------------------------

fn parse_body(req: &Req) -> Result<Value, Box<Reply>> {
    serde_json::from_slice::<Value>(req.body)
        .ok()
        .filter(Value::is_object)
        .ok_or_else(|| {
            Box::new(status(
                400,
                "BadRequest",
                "the fake reads JSON bodies only (JSON is YAML; kubectl and kube-rs send JSON): the body is not a JSON object",
                None,
            ))
        })
}

/// The manager of a non-apply write: `fieldManager`, else the User-Agent's product name
/// (server-side apply docs: "the default field manager name is derived from the user agent").
fn update_manager(req: &Req) -> String {
    req.param("fieldManager").unwrap_or_else(|| {
        req.headers
            .get("user-agent")
            .and_then(|v| v.to_str().ok())
            .and_then(|ua| ua.split('/').next())
            .filter(|m| !m.is_empty())
            .unwrap_or("unknown")
            .to_string()
    })
}

fn namespace_missing(c: &Cluster, r: &Resource, ns: &str) -> Option<Reply> {
    (r.namespaced && c.get("namespaces", "", ns).is_none())
        .then(|| not_found(super::resource("", "v1", "namespaces").unwrap(), ns))
}

/// A path with list indexes (`spec.template.spec.containers[0].foo`), as strict decoding names a field.
fn dotted(obj: &Value, path: &[schema::Pe]) -> String {
    let mut out = String::new();
    let mut at = obj;
    for e in path {
        match e {
            schema::Pe::Field(f) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(f);
                at = &at[f.as_str()];
            }
            other => {
                let el = schema::get(at, std::slice::from_ref(other));
                let i = match (at.as_array(), el) {
                    (Some(a), Some(el)) => a.iter().position(|x| std::ptr::eq(x, el)).unwrap_or(0),
                    _ => 0,
                };
                out.push_str(&format!("[{i}]"));
                at = &at[i];
            }
        }
    }
    out
}

fn create(s: &mut FakeState, arm_id: &str, r: &'static Resource, ns: &str, req: &Req) -> Reply {
    let mut obj = match parse_body(req) {
        Ok(o) => o,
        Err(e) => return *e,
    };
    if let Some(av) = obj["apiVersion"].as_str()
        && av != r.api_version()
    {
        return status(
            400,
            "BadRequest",
            &format!(
                "the API version in the data ({av}) does not match the expected API version ({})",
                r.api_version()
            ),
            None,
        );
    }
    if r.namespaced
        && let Some(body_ns) = obj["metadata"]["namespace"].as_str()
        && body_ns != ns
    {
        return status(
            400,
            "BadRequest",
            "the namespace of the provided object does not match the namespace sent on the request",
            None,
        );
    }
    let mut warnings = vec![];
    let unknown: Vec<schema::Path> = schema::validate(r.schema(), &obj)
        .into_iter()
        .filter(|(_, m)| m == "field not declared in schema")
        .map(|(p, _)| p)
        .collect();
    if !unknown.is_empty() {
        let names: Vec<String> = unknown.iter().map(|p| dotted(&obj, p)).collect();
        match req.param("fieldValidation").as_deref() {
            Some("Strict") => {
                let list: Vec<String> = names.iter().map(|n| format!("unknown field \"{n}\"")).collect();
                return status(
                    400,
                    "BadRequest",
                    &format!(
                        "{} in version \"{}\" cannot be handled as a {}: strict decoding error: {}",
                        r.kind,
                        r.version,
                        r.kind,
                        list.join(", ")
                    ),
                    None,
                );
            }
            Some("Ignore") => {}
            _ => warnings = names.iter().map(|n| format!("unknown field \"{n}\"")).collect(),
        }
        for p in unknown.iter().rev() {
            schema::remove(&mut obj, p);
        }
    }
    let name = match obj["metadata"]["name"].as_str() {
        Some(n) => n.to_string(),
        None => match obj["metadata"]["generateName"].as_str() {
            Some(prefix) => {
                let c = super::cluster(s, arm_id);
                format!("{prefix}{}", c.suffix(5))
            }
            None => {
                return invalid(
                    r,
                    "",
                    &[(
                        "metadata.name".into(),
                        "Required value: name or generateName is required".into(),
                    )],
                );
            }
        },
    };
    let dry = match dry_run(req, "CreateOptions") {
        Ok(d) => d,
        Err(e) => return *e,
    };
    let webhook = controllers::webhook_enabled(s, arm_id);
    let c = super::cluster(s, arm_id);
    if let Some(e) = namespace_missing(c, r, ns) {
        return e;
    }
    if c.get(r.plural, ns, &name).is_some() {
        let details = super::details(r, &name);
        return status(
            409,
            "AlreadyExists",
            &format!("{} \"{name}\" already exists", r.qualified()),
            Some(details),
        );
    }
    obj["apiVersion"] = json!(r.api_version());
    obj["kind"] = json!(r.kind);
    obj["metadata"]["name"] = json!(name);
    if r.namespaced {
        obj["metadata"]["namespace"] = json!(ns);
    }
    controllers::defaults(r, &mut obj);
    if let Some(e) = validate_object(r, &obj, None) {
        return e;
    }
    if r.kind == "Pod"
        && let Err(e) = controllers::admit_pod(c, webhook, &mut obj)
    {
        return status(403, "Forbidden", &e, Some(json!({"name": name, "kind": "pods"})));
    }
    let set = schema::field_set(r.schema(), &obj, r.status);
    let manager = update_manager(req);
    let mut reply = if dry {
        new_identity(c, &mut obj, false);
        set_managed(&mut obj, vec![entry(&manager, "Update", r, &set)]);
        Reply::json(201, obj)
    } else {
        new_identity(c, &mut obj, true);
        set_managed(&mut obj, vec![entry(&manager, "Update", r, &set)]);
        c.objects
            .insert((r.plural.into(), ns.into(), name.clone()), obj.clone());
        if r.plural == "namespaces" {
            controllers::create_namespace(c, &name);
            obj = c.get("namespaces", "", &name).cloned().unwrap_or(obj);
        }
        Reply::json(201, obj)
    };
    for w in warnings {
        reply = reply.header("warning", format!("299 - \"{w}\""));
    }
    reply
}

/// `dryRun`: absent, or `All` (anything else 422, as ValidateDryRun answers).
fn dry_run(req: &Req, options: &str) -> Result<bool, Box<Reply>> {
    match req.param("dryRun").as_deref() {
        None => Ok(false),
        Some("All") => Ok(true),
        Some(other) => Err(Box::new(invalid_options(
            options,
            "dryRun",
            &format!("Unsupported value: \"{other}\": supported values: \"All\""),
            "FieldValueNotSupported",
        ))),
    }
}

fn invalid_options(options: &str, field: &str, message: &str, reason: &str) -> Reply {
    status(
        422,
        "Invalid",
        &format!("{options}.meta.k8s.io \"\" is invalid: {field}: {message}"),
        Some(json!({"group": "meta.k8s.io", "kind": options,
                    "causes": [{"reason": reason, "message": message, "field": field}]})),
    )
}

/// 422 for an object that fails validation: `Deployment.apps "web" is invalid: spec.selector:
/// Required value` (apimachinery `NewInvalid`; several errors are listed in brackets).
fn invalid(r: &Resource, name: &str, errs: &[(String, String)]) -> Reply {
    let parts: Vec<String> = errs.iter().map(|(f, m)| format!("{f}: {m}")).collect();
    let list = if parts.len() == 1 {
        parts[0].clone()
    } else {
        format!("[{}]", parts.join(", "))
    };
    let causes: Vec<Value> = errs
        .iter()
        .map(|(f, m)| {
            let reason = if m.starts_with("Required value") {
                "FieldValueRequired"
            } else {
                "FieldValueInvalid"
            };
            json!({"reason": reason, "message": m, "field": f})
        })
        .collect();
    let mut details = json!({"name": name, "kind": r.kind, "causes": causes});
    if !r.group.is_empty() {
        details["group"] = json!(r.group);
    }
    status(
        422,
        "Invalid",
        &format!("{} \"{name}\" is invalid: {list}", r.qualified_kind()),
        Some(details),
    )
}

/// API validation of a whole object (after merging): required fields, and a Deployment's selector.
fn validate_object(r: &Resource, obj: &Value, old: Option<&Value>) -> Option<Reply> {
    let name = obj["metadata"]["name"].as_str().unwrap_or("");
    let mut errs: Vec<(String, String)> = schema::missing_required(r.schema(), obj)
        .into_iter()
        .map(|f| (f, "Required value".to_string()))
        .collect();
    if r.kind == "Deployment" {
        let selector = &obj["spec"]["selector"];
        let labels = &obj["spec"]["template"]["metadata"]["labels"];
        let ok = selector["matchLabels"]
            .as_object()
            .into_iter()
            .flatten()
            .all(|(k, v)| labels.get(k) == Some(v));
        if selector.is_object() && !ok {
            errs.push((
                "spec.template.metadata.labels".into(),
                format!("Invalid value: {labels}: `selector` does not match template `labels`"),
            ));
        }
        if let Some(old) = old
            && old["spec"]["selector"] != *selector
        {
            errs.push((
                "spec.selector".into(),
                format!("Invalid value: {selector}: field is immutable"),
            ));
        }
    }
    (!errs.is_empty()).then(|| invalid(r, name, &errs))
}

/// uid, creationTimestamp, resourceVersion (unless `stored` is false: a dry run) and generation.
fn new_identity(c: &mut Cluster, obj: &mut Value, stored: bool) {
    let uid = uid(c);
    obj["metadata"]["uid"] = json!(uid);
    obj["metadata"]["creationTimestamp"] = json!(now_rfc3339());
    if stored {
        obj["metadata"]["resourceVersion"] = json!(c.next_rv());
    }
    let r = super::by_kind(
        obj["apiVersion"].as_str().unwrap_or(""),
        obj["kind"].as_str().unwrap_or(""),
    );
    if r.is_some_and(Resource::generation) {
        obj["metadata"]["generation"] = json!(1);
    }
}

/// A fresh UID-shaped ID, unique within the cluster.
pub fn uid(c: &mut Cluster) -> String {
    c.seq += 1;
    let salt = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!(
        "{salt:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        c.seq & 0xffff,
        c.rv % 4096,
        0x8000 | (c.seq % 0x3fff),
        c.seq.wrapping_mul(7919).wrapping_add(c.rv)
    )
}

/// A managedFields entry.
pub fn entry(manager: &str, operation: &str, r: &Resource, set: &BTreeSet<schema::Path>) -> Value {
    json!({"manager": manager, "operation": operation, "apiVersion": r.api_version(), "time": now_rfc3339(),
           "fieldsType": "FieldsV1", "fieldsV1": schema::to_fields_v1(set)})
}

fn set_managed(obj: &mut Value, entries: Vec<Value>) {
    let entries: Vec<Value> = entries
        .into_iter()
        .filter(|e| e["fieldsV1"].as_object().is_some_and(|m| !m.is_empty()))
        .collect();
    if entries.is_empty() {
        if let Some(m) = obj["metadata"].as_object_mut() {
            m.remove("managedFields");
        }
    } else {
        obj["metadata"]["managedFields"] = json!(entries);
    }
}

/// (manager, operation) → its set, from an object's managedFields.
fn managers(obj: &Value) -> Vec<(Value, BTreeSet<schema::Path>)> {
    obj["metadata"]["managedFields"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| (e.clone(), schema::from_fields_v1(&e["fieldsV1"])))
        .collect()
}

/// How a conflict names a manager: `"kvwire"` for an applier, `"kubectl-edit" using apps/v1 at
/// <time>` for an updater (apimachinery managedfields `printManager`).
fn print_manager(e: &Value) -> String {
    let name = e["manager"].as_str().unwrap_or("");
    if e["operation"] == "Update" {
        match e["time"].as_str() {
            Some(t) => format!("\"{name}\" using {} at {t}", e["apiVersion"].as_str().unwrap_or("")),
            None => format!("\"{name}\" using {}", e["apiVersion"].as_str().unwrap_or("")),
        }
    } else {
        format!("\"{name}\"")
    }
}

/// Server-side apply of `req`'s body as `fieldManager`.
fn apply(s: &mut FakeState, arm_id: &str, r: &'static Resource, ns: &str, name: &str, req: &Req) -> Reply {
    let Some(manager) = req.param("fieldManager").filter(|m| !m.is_empty()) else {
        return invalid_options(
            "PatchOptions",
            "fieldManager",
            "Required value: is required for apply patch",
            "FieldValueRequired",
        );
    };
    let force = match req.param("force").as_deref() {
        None | Some("false") => false,
        Some("true") => true,
        Some(other) => {
            return status(
                400,
                "BadRequest",
                &format!("failed to parse \"force\" parameter: strconv.ParseBool: parsing \"{other}\": invalid syntax"),
                None,
            );
        }
    };
    let dry = match dry_run(req, "PatchOptions") {
        Ok(d) => d,
        Err(e) => return *e,
    };
    let applied = match parse_body(req) {
        Ok(o) => o,
        Err(e) => return *e,
    };
    let av = applied["apiVersion"].as_str().unwrap_or("");
    if av != r.api_version() {
        return status(
            400,
            "BadRequest",
            &format!(
                "Incorrect version specified in apply patch. Specified patch version: {av}, expected: {}",
                r.api_version()
            ),
            None,
        );
    }
    if applied["metadata"]["name"].as_str().is_some_and(|n| n != name) {
        return status(
            400,
            "BadRequest",
            &format!(
                "the name of the object ({}) does not match the name on the URL ({name})",
                applied["metadata"]["name"].as_str().unwrap_or("")
            ),
            None,
        );
    }
    if r.namespaced && applied["metadata"]["namespace"].as_str().is_some_and(|n| n != ns) {
        return status(
            400,
            "BadRequest",
            "the namespace of the provided object does not match the namespace sent on the request",
            None,
        );
    }
    if !applied["metadata"]["managedFields"].is_null() {
        return status(400, "BadRequest", "metadata.managedFields must be nil", None);
    }
    let errs = schema::validate(r.schema(), &applied);
    if !errs.is_empty() {
        let gvknn = format!("{ns}/{name}; {}/{}, Kind={}", r.group, r.version, r.kind);
        let lines: Vec<String> = errs
            .iter()
            .map(|(p, m)| format!("{}: {m}", schema::path_string(p)))
            .collect();
        let detail = if lines.len() == 1 {
            lines[0].clone()
        } else {
            format!("errors:\n  {}", lines.join("\n  "))
        };
        return status(
            500,
            "",
            &format!("failed to create typed patch object ({gvknn}): {detail}"),
            None,
        );
    }
    let webhook = controllers::webhook_enabled(s, arm_id);
    let c = super::cluster(s, arm_id);
    if let Some(e) = namespace_missing(c, r, ns) {
        return e;
    }
    let existing = c.get(r.plural, ns, name).cloned();
    let new_set = schema::field_set(r.schema(), &applied, r.status);
    let mut live = existing.clone().unwrap_or_else(|| {
        let mut o = json!({"apiVersion": r.api_version(), "kind": r.kind, "metadata": {"name": name}});
        if r.namespaced {
            o["metadata"]["namespace"] = json!(ns);
        }
        o
    });
    let mut owners = managers(&live);
    if let Some(m) = live["metadata"].as_object_mut() {
        m.remove("managedFields");
    }
    // Conflicts: a field another manager owns, to which this apply gives another value.
    let mut conflicts: Vec<(usize, schema::Path)> = vec![];
    for (i, (e, set)) in owners.iter().enumerate() {
        if e["manager"] == manager.as_str() && e["operation"] == "Apply" {
            continue;
        }
        for p in set.intersection(&new_set) {
            if matches!(p.last(), Some(schema::Pe::Key(_)) | Some(schema::Pe::Value(_))) {
                continue;
            }
            if schema::get(&live, p) != schema::get(&applied, p) {
                conflicts.push((i, p.clone()));
            }
        }
    }
    if !conflicts.is_empty() && !force {
        let causes: Vec<Value> = conflicts
            .iter()
            .map(|(i, p)| {
                json!({"reason": "FieldManagerConflict", "message": format!("conflict with {}", print_manager(&owners[*i].0)),
                       "field": schema::path_string(p)})
            })
            .collect();
        let message = if conflicts.len() == 1 {
            let (i, p) = &conflicts[0];
            format!(
                "Apply failed with 1 conflict: conflict with {}: {}",
                print_manager(&owners[*i].0),
                schema::path_string(p)
            )
        } else {
            let mut by: BTreeMap<String, Vec<String>> = BTreeMap::new();
            for (i, p) in &conflicts {
                by.entry(owners[*i].0["manager"].as_str().unwrap_or("").to_string())
                    .or_default()
                    .push(schema::path_string(p));
            }
            let mut lines = vec![];
            for (m, paths) in &by {
                let e = owners
                    .iter()
                    .find(|(e, _)| e["manager"] == m.as_str())
                    .map(|(e, _)| e)
                    .expect("listed");
                lines.push(format!("conflicts with {}:", print_manager(e)));
                lines.extend(paths.iter().map(|p| format!("- {p}")));
            }
            format!("Apply failed with {} conflicts: {}", conflicts.len(), lines.join("\n"))
        };
        return status(409, "Conflict", &message, Some(json!({"causes": causes})));
    }
    // A resourceVersion in the applied object is a precondition on the object it patches
    // (apiserver registry `Store.Update`: `newResourceVersion != existingResourceVersion` is
    // `NewConflict(…, OptimisticLockErrorMsg)`, after the patch and its field-manager conflicts;
    // kubernetes/kubernetes#15416 and #87951: to make a patch conditional, put the
    // resourceVersion in it). Not modelled: a resourceVersion in an apply that creates.
    if let (Some(want), Some(old)) = (
        applied["metadata"]["resourceVersion"]
            .as_str()
            .filter(|v| !v.is_empty()),
        &existing,
    ) && old["metadata"]["resourceVersion"].as_str() != Some(want)
    {
        return conflict(r, name, OPTIMISTIC_LOCK);
    }
    for (i, p) in &conflicts {
        owners[*i].1.remove(p);
    }
    // Fields this manager applied before and no longer does go, unless another manager owns them.
    let previous: BTreeSet<schema::Path> = owners
        .iter()
        .filter(|(e, _)| e["manager"] == manager.as_str() && e["operation"] == "Apply")
        .flat_map(|(_, s)| s.iter().cloned())
        .collect();
    let others: BTreeSet<schema::Path> = owners
        .iter()
        .filter(|(e, _)| !(e["manager"] == manager.as_str() && e["operation"] == "Apply"))
        .flat_map(|(_, s)| s.iter().cloned())
        .collect();
    let mut applied = applied;
    if r.status
        && let Some(m) = applied.as_object_mut()
    {
        // The main resource's apply resets `status` (server-side apply docs: fields of the status
        // subresource are not set through the main resource).
        m.remove("status");
    }
    schema::merge(r.schema(), &mut live, &applied, true);
    let mut gone: Vec<&schema::Path> = previous
        .iter()
        .filter(|p| !new_set.contains(*p) && !others.contains(*p))
        .collect();
    gone.sort_by_key(|p| std::cmp::Reverse(p.len()));
    for p in gone {
        // An element goes only when nothing inside it is still owned.
        let inside_owned = others.iter().any(|o| o.len() > p.len() && o.starts_with(p));
        if !inside_owned {
            schema::remove(&mut live, p);
        }
    }
    // The new ownership: this manager's set is what it applied; the others keep theirs.
    let mut entries: Vec<Value> = vec![];
    let mut placed = false;
    for (e, set) in owners {
        if e["manager"] == manager.as_str() && e["operation"] == "Apply" {
            let keep_time = set == new_set;
            let mut ne = entry(&manager, "Apply", r, &new_set);
            if keep_time {
                ne["time"] = e["time"].clone();
            }
            entries.push(ne);
            placed = true;
        } else {
            let mut e = e.clone();
            e["fieldsV1"] = schema::to_fields_v1(&set);
            entries.push(e);
        }
    }
    if !placed {
        entries.push(entry(&manager, "Apply", r, &new_set));
    }
    set_managed(&mut live, entries);
    controllers::defaults(r, &mut live);
    if existing.is_none()
        && r.kind == "Pod"
        && let Err(e) = controllers::admit_pod(c, webhook, &mut live)
    {
        return status(403, "Forbidden", &e, Some(json!({"name": name, "kind": "pods"})));
    }
    if let Some(e) = validate_object(r, &live, existing.as_ref()) {
        return e;
    }
    if let Some(old) = &existing
        && *old == live
    {
        return Reply::json(200, live);
    }
    match &existing {
        None => new_identity(c, &mut live, !dry),
        Some(old) => {
            let spec_changed = old["spec"] != live["spec"];
            if r.generation() && spec_changed {
                let g = old["metadata"]["generation"].as_i64().unwrap_or(1);
                live["metadata"]["generation"] = json!(g + 1);
            }
            if !dry {
                live["metadata"]["resourceVersion"] = json!(c.next_rv());
            }
        }
    }
    if !dry {
        c.objects
            .insert((r.plural.into(), ns.into(), name.into()), live.clone());
        if r.plural == "namespaces" && existing.is_none() {
            controllers::create_namespace(c, name);
            live = c.get("namespaces", "", name).cloned().unwrap_or(live);
        }
    }
    Reply::json(if existing.is_some() { 200 } else { 201 }, live)
}

/// apiserver registry `OptimisticLockErrorMsg`, the 409 every kubectl user has met.
const OPTIMISTIC_LOCK: &str =
    "the object has been modified; please apply your changes to the latest version and try again";

fn delete(s: &mut FakeState, arm_id: &str, r: &'static Resource, ns: &str, name: &str, req: &Req) -> Reply {
    let policy = req.param("propagationPolicy").or_else(|| {
        serde_json::from_slice::<Value>(req.body)
            .ok()
            .and_then(|b| b["propagationPolicy"].as_str().map(str::to_owned))
    });
    if let Some(p) = &policy
        && !matches!(p.as_str(), "Background" | "Foreground" | "Orphan")
    {
        return invalid_options(
            "DeleteOptions",
            "propagationPolicy",
            &format!("Unsupported value: \"{p}\": supported values: \"Foreground\", \"Background\", \"Orphan\""),
            "FieldValueNotSupported",
        );
    }
    let dry = match dry_run(req, "DeleteOptions") {
        Ok(d) => d,
        Err(e) => return *e,
    };
    let c = super::cluster(s, arm_id);
    let key = (r.plural.to_string(), ns.to_string(), name.to_string());
    let Some(obj) = c.objects.get(&key).cloned() else {
        return not_found(r, name);
    };
    // DeleteOptions `preconditions` (meta/v1 Preconditions): storage `checkPreconditions` answers
    // `Precondition failed: UID in precondition: …` (or ResourceVersion), which the registry's
    // delete turns into 409 Conflict (`interpretDeleteError`: `IsInvalidObj` → `NewConflict`).
    let options: Value = serde_json::from_slice(req.body).unwrap_or_default();
    for (field, meta) in [("uid", "UID"), ("resourceVersion", "ResourceVersion")] {
        if let Some(want) = options["preconditions"][field].as_str()
            && obj["metadata"][field].as_str() != Some(want)
        {
            let now = obj["metadata"][field].as_str().unwrap_or_default();
            return conflict(
                r,
                name,
                &format!("Precondition failed: {meta} in precondition: {want}, {meta} in object meta: {now}"),
            );
        }
    }
    if !dry {
        c.objects.remove(&key);
        c.rv += 1;
        controllers::collect_garbage(c, &obj, policy.as_deref() == Some("Orphan"));
    }
    if r.plural == "pods" {
        return Reply::json(200, obj);
    }
    let mut details = super::details(r, name);
    details["uid"] = obj["metadata"]["uid"].clone();
    Reply::json(
        200,
        json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "details": details}),
    )
}

/// Server-side apply of `obj` as `manager` straight into the cluster (scenario seeding): the same
/// code path as a PATCH, with `force`.
pub fn apply_as(s: &mut FakeState, arm_id: &str, manager: &str, obj: &Value, operation: &str) -> Reply {
    let api_version = obj["apiVersion"].as_str().unwrap_or("");
    let kind = obj["kind"].as_str().unwrap_or("");
    let r = super::by_kind(api_version, kind).unwrap_or_else(|| panic!("the fake serves no {api_version} {kind}"));
    let ns = obj["metadata"]["namespace"]
        .as_str()
        .unwrap_or(if r.namespaced { "default" } else { "" });
    let name = obj["metadata"]["name"].as_str().expect("a seeded object has a name");
    let body = serde_json::to_vec(obj).unwrap();
    let headers = HeaderMap::new();
    let query = format!("fieldManager={manager}&force=true");
    let req = Req {
        method: "PATCH",
        path: "",
        query: &query,
        headers: &headers,
        body: &body,
    };
    let reply = apply(s, arm_id, r, ns, name, &req);
    if operation == "Update"
        && reply.status < 300
        && let Some(o) = super::cluster(s, arm_id)
            .objects
            .get_mut(&(r.plural.into(), ns.into(), name.into()))
        && let Some(entries) = o["metadata"]["managedFields"].as_array_mut()
    {
        for e in entries.iter_mut().filter(|e| e["manager"] == manager) {
            e["operation"] = json!("Update");
        }
    }
    reply
}
