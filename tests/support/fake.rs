//! A stateful fake of the Azure endpoints kvwire uses: Entra token endpoint (client credentials),
//! Azure Resource Manager (managedClusters, agentPools, roleAssignments, roleDefinitions,
//! userAssignedIdentities, federatedIdentityCredentials, vaults) and the Key Vault data plane.
//! Bodies follow the official examples in ../shared/fixtures/arm. Every request is journaled;
//! faults (throttling, 503, resets, failing LROs, PrincipalNotFound) are scripted per test.

use axum::{
    body::{Body, Bytes},
    extract::{Request, State},
    http::{HeaderMap, HeaderValue, Method, StatusCode},
    response::{IntoResponse, Response},
};
use serde_json::{Value, json};
use std::{
    collections::{BTreeMap, HashMap, HashSet},
    sync::{Arc, Mutex},
    time::{Duration, Instant, SystemTime, UNIX_EPOCH},
};

pub const TENANT: &str = "72f988bf-0000-4000-8000-2d7cd011db47";
pub const CLIENT_ID: &str = "11111111-2222-4333-8444-555555555555";
pub const CLIENT_SECRET: &str = "fake-Client~Secret.DO-NOT-LEAK.7c1e";
/// The service account token a workload-identity pod would find in AZURE_FEDERATED_TOKEN_FILE.
pub const FEDERATED_TOKEN: &str = "eyJhbGciOiJSUzI1NiJ9.fake-projected-sa-token.sig";
pub const SUB: &str = "00000000-0000-0000-0000-000000000000";
pub const LOGIN_HOST: &str = "login.microsoftonline.com";
pub const ARM_HOST: &str = "management.azure.com";
pub const VAULT_SUFFIX: &str = "vault.azure.net";
pub const GRAPH_HOST: &str = "graph.microsoft.com";
/// Object ID of the service principal kvwire signs in as (CLIENT_ID).
pub const SP_OBJECT_ID: &str = "5e1f0b0e-0000-4000-8000-00000000c11e";

/// Well-known built-in role definitions (name, GUID).
pub const ROLES: &[(&str, &str)] = &[
    ("Key Vault Secrets User", "4633458b-17de-408a-b874-0445c86b69e6"),
    ("Key Vault Secrets Officer", "b86a8fe4-44ce-4948-aee5-eccb2c155cd7"),
    ("Key Vault Administrator", "00482a5a-887f-4fb3-b363-3b7fe8e74483"),
    ("Owner", "8e3af657-a8ff-443c-a75c-2fe8c4bcb635"),
    ("Contributor", "b24988ac-6180-42a0-ab88-20f7382dd24c"),
    ("Reader", "acdd72a7-3385-48ef-bd42-f606fba81ae7"),
    ("AcrPull", "7f951dda-4ed3-4680-a7ca-43fe172d538d"),
];

/// One request as the fake saw it.
#[derive(Debug, Clone)]
pub struct Entry {
    /// When the request arrived, since the fake started.
    pub started: Duration,
    /// When the answer was ready, since the fake started.
    pub at: Duration,
    pub method: String,
    pub host: String,
    pub path: String,
    pub query: String,
    pub status: u16,
    pub body: Option<Value>,
}

impl Entry {
    /// A change to Azure state (token requests are not).
    pub fn is_write(&self) -> bool {
        self.method != "GET" && self.method != "HEAD" && self.host != LOGIN_HOST
    }
}

#[derive(Debug, Clone)]
pub enum FaultKind {
    /// 429 with `Retry-After: secs`.
    Throttle { retry_after_secs: u64 },
    /// 503 without Retry-After.
    Unavailable,
    /// Drop the connection mid-answer.
    Reset,
    /// Do the work, then drop the connection: the client never learns it succeeded.
    ResetAfterApply,
    /// An ARM error answer with this status and code.
    Error { status: u16, code: String },
    /// The long-running operation this request starts ends in `Failed` with this code.
    FailLro { code: String, message: String },
}

#[derive(Debug, Clone)]
pub struct Fault {
    pub method: Option<String>,
    /// Case-insensitive substring of the path.
    pub path_contains: String,
    pub times: usize,
    pub kind: FaultKind,
}

/// What happens to the resource when its operation ends (`true` = succeeded).
type Finish = Box<dyn FnOnce(&mut FakeState, bool) + Send>;

struct Operation {
    polls_left: u32,
    failure: Option<(String, String)>,
    finish: Option<Finish>,
}

#[derive(Debug, Clone)]
pub struct SecretVersion {
    pub version: String,
    pub value: String,
    pub content_type: Option<String>,
    pub tags: Value,
    pub created: u64,
    pub enabled: bool,
    pub expires: Option<u64>,
}

#[derive(Debug, Clone, Default)]
pub struct SecretItem {
    pub name: String,
    pub versions: Vec<SecretVersion>,
    /// Set while soft-deleted: the deletion time.
    pub deleted: Option<u64>,
}

pub struct FakeState {
    pub port: u16,
    pub started: Instant,
    pub journal: Vec<Entry>,
    pub faults: Vec<Fault>,
    /// access token → scope it was issued for.
    pub tokens: HashMap<String, String>,
    /// ARM resources by lower-cased ID.
    pub resources: BTreeMap<String, Value>,
    /// Agent pool ID (lower-cased) → newest node image.
    pub latest_node_image: HashMap<String, String>,
    /// principalId → when its identity was created (for PrincipalNotFound).
    pub principal_created: HashMap<String, Instant>,
    /// How long a new principal is unknown to role assignments (replication delay).
    pub principal_not_found_for: Duration,
    /// `InProgress` answers before an operation ends.
    pub lro_polls: u32,
    /// Added to every answer (for benchmarks).
    pub latency: Duration,
    /// The next N role-assignment lists miss everything (ARM read replication lag).
    pub assignment_list_lag: usize,
    /// Service principals in the directory: application (client) ID → object ID.
    pub service_principals: HashMap<String, String>,
    /// `(vault, lower-case name)` → secret.
    pub secrets: BTreeMap<(String, String), SecretItem>,
    fic_writing: HashSet<String>,
    ops: HashMap<String, Operation>,
    counter: u64,
}

pub type Shared = Arc<Mutex<FakeState>>;

impl FakeState {
    pub fn new(port: u16) -> FakeState {
        FakeState {
            port,
            started: Instant::now(),
            journal: vec![],
            faults: vec![],
            tokens: HashMap::new(),
            resources: BTreeMap::new(),
            latest_node_image: HashMap::new(),
            principal_created: HashMap::new(),
            principal_not_found_for: Duration::ZERO,
            lro_polls: 1,
            secrets: BTreeMap::new(),
            service_principals: HashMap::new(),
            latency: Duration::ZERO,
            assignment_list_lag: 0,
            fic_writing: HashSet::new(),
            ops: HashMap::new(),
            counter: 0,
        }
    }

    /// A fresh GUID-shaped ID, unique within this fake.
    pub fn guid(&mut self) -> String {
        self.counter += 1;
        let salt = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().subsec_nanos();
        format!(
            "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
            salt,
            self.counter & 0xffff,
            self.counter % 4096,
            salt % 4096,
            self.counter
        )
    }

    pub fn put_resource(&mut self, id: &str, v: Value) {
        self.resources.insert(id.to_ascii_lowercase(), v);
    }

    pub fn resource(&self, id: &str) -> Option<&Value> {
        self.resources.get(&id.to_ascii_lowercase())
    }

    fn arm_base(&self) -> String {
        format!("https://{ARM_HOST}:{}", self.port)
    }

    /// Start a long-running operation; returns its Azure-AsyncOperation URL.
    fn start_operation(&mut self, failure: Option<(String, String)>, finish: Finish) -> String {
        let id = self.guid();
        self.ops.insert(
            id.clone(),
            Operation {
                polls_left: self.lro_polls,
                failure,
                finish: Some(finish),
            },
        );
        format!(
            "{}/subscriptions/{SUB}/providers/Microsoft.ContainerService/locations/eastus/operations/{id}?api-version=2017-08-31",
            self.arm_base()
        )
    }

    fn take_fault(&mut self, method: &str, path: &str) -> Option<FaultKind> {
        let path = path.to_ascii_lowercase();
        let f = self.faults.iter_mut().find(|f| {
            f.times > 0
                && f.method.as_deref().is_none_or(|m| m.eq_ignore_ascii_case(method))
                && path.contains(&f.path_contains.to_ascii_lowercase())
        })?;
        f.times -= 1;
        Some(f.kind.clone())
    }
}

fn now_secs() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs()
}

fn arm_error(status: StatusCode, code: &str, message: &str) -> Response {
    (status, axum::Json(json!({"error": {"code": code, "message": message}}))).into_response()
}

fn json_response(status: StatusCode, v: Value) -> Response {
    (status, axum::Json(v)).into_response()
}

/// The single entry point: journal, faults, then route by host.
pub async fn handle(State(state): State<Shared>, req: Request) -> Response {
    let started = state.lock().unwrap().started.elapsed();
    let (parts, body) = req.into_parts();
    let body = axum::body::to_bytes(body, 16 << 20).await.unwrap_or_default();
    let host = parts
        .headers
        .get("host")
        .and_then(|h| h.to_str().ok())
        .or(parts.uri.host())
        .unwrap_or("")
        .split(':')
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    let path = parts.uri.path().to_string();
    let query = parts.uri.query().unwrap_or("").to_string();
    let method = parts.method.clone();

    let (fault, latency) = {
        let mut s = state.lock().unwrap();
        (s.take_fault(method.as_str(), &path), s.latency)
    };
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    let reset_after = matches!(fault, Some(FaultKind::ResetAfterApply));
    let response = match fault {
        Some(FaultKind::Throttle { retry_after_secs }) => {
            let mut r = arm_error(
                StatusCode::TOO_MANY_REQUESTS,
                "TooManyRequests",
                "The request is being throttled.",
            );
            r.headers_mut().insert(
                "retry-after",
                HeaderValue::from_str(&retry_after_secs.to_string()).unwrap(),
            );
            r
        }
        Some(FaultKind::Error { status, code }) => {
            arm_error(StatusCode::from_u16(status).unwrap(), &code, "scripted failure")
        }
        Some(FaultKind::Unavailable) => arm_error(
            StatusCode::SERVICE_UNAVAILABLE,
            "ServiceUnavailable",
            "Try again later.",
        ),
        Some(FaultKind::Reset) => reset_response(),
        other => {
            let lro_failure = match other {
                Some(FaultKind::FailLro { code, message }) => Some((code, message)),
                _ => None,
            };
            if host == LOGIN_HOST {
                entra(&state, &method, &path, &body)
            } else if host == ARM_HOST {
                match authorized(&state, &parts.headers, "https://management.azure.com") {
                    true => arm(&state, &method, &path, &query, &body, lro_failure).await,
                    false => arm_error(
                        StatusCode::UNAUTHORIZED,
                        "InvalidAuthenticationToken",
                        "The access token is invalid.",
                    ),
                }
            } else if host == GRAPH_HOST {
                match authorized(&state, &parts.headers, "https://graph.microsoft.com") {
                    true => graph(&state, &method, &path),
                    false => arm_error(
                        StatusCode::UNAUTHORIZED,
                        "InvalidAuthenticationToken",
                        "Access token is empty or invalid.",
                    ),
                }
            } else if let Some(vault) = host.strip_suffix(&format!(".{VAULT_SUFFIX}")) {
                match authorized(&state, &parts.headers, "https://vault.azure.net") {
                    true => keyvault(&state, vault, &method, &path, &body),
                    false => {
                        let mut r = (StatusCode::UNAUTHORIZED, axum::Json(json!({"error": {"code": "Unauthorized", "message": "AKV10000: Request is missing a Bearer or PoP token."}}))).into_response();
                        let challenge = format!(
                            "Bearer authorization=\"https://{LOGIN_HOST}/{TENANT}\", resource=\"https://vault.azure.net\""
                        );
                        r.headers_mut()
                            .insert("www-authenticate", HeaderValue::from_str(&challenge).unwrap());
                        r
                    }
                }
            } else {
                (
                    StatusCode::MISDIRECTED_REQUEST,
                    format!("the fake does not serve host {host:?}"),
                )
                    .into_response()
            }
        }
    };

    let response = if reset_after { reset_response() } else { response };
    let logged_body = if method == Method::GET {
        None
    } else {
        serde_json::from_slice(&body).ok()
    };
    let mut s = state.lock().unwrap();
    let at = s.started.elapsed();
    s.journal.push(Entry {
        started,
        at,
        method: method.to_string(),
        host,
        path,
        query,
        status: response.status().as_u16(),
        body: logged_body,
    });
    response
}

/// An answer whose body fails: the connection drops before the client reads a status it can trust.
fn reset_response() -> Response {
    let stream = futures::stream::once(async {
        Err::<Bytes, std::io::Error>(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "connection reset by fake",
        ))
    });
    (StatusCode::OK, Body::from_stream(stream)).into_response()
}

fn authorized(state: &Shared, headers: &HeaderMap, audience: &str) -> bool {
    let Some(token) = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
    else {
        return false;
    };
    state
        .lock()
        .unwrap()
        .tokens
        .get(token)
        .is_some_and(|scope| scope.starts_with(audience))
}

// ---- Entra ID ------------------------------------------------------------------------------

fn entra(state: &Shared, method: &Method, path: &str, body: &[u8]) -> Response {
    let token_path = format!("/{TENANT}/oauth2/v2.0/token");
    if method != Method::POST || path != token_path {
        return (StatusCode::NOT_FOUND, axum::Json(json!({"error": "invalid_request", "error_description": format!("AADSTS90002: Tenant or path not found: {path}"), "error_codes": [90002]}))).into_response();
    }
    let form: HashMap<String, String> = url::form_urlencoded::parse(body).into_owned().collect();
    let get = |k: &str| form.get(k).map(String::as_str).unwrap_or("");
    let by_secret = get("client_secret") == CLIENT_SECRET;
    let by_assertion = get("client_assertion_type") == "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
        && get("client_assertion") == FEDERATED_TOKEN;
    if get("grant_type") != "client_credentials" || get("client_id") != CLIENT_ID || !(by_secret || by_assertion) {
        return (StatusCode::UNAUTHORIZED, axum::Json(json!({"error": "invalid_client", "error_description": "AADSTS7000215: Invalid client secret provided.", "error_codes": [7000215]}))).into_response();
    }
    let scope = get("scope").to_string();
    let mut s = state.lock().unwrap();
    let token = format!("eyJfake.{}.{}", s.guid(), s.guid()).replace('-', "");
    s.tokens.insert(token.clone(), scope);
    json_response(
        StatusCode::OK,
        json!({"token_type": "Bearer", "expires_in": 3599, "ext_expires_in": 3599, "access_token": token}),
    )
}

// ---- Microsoft Graph ----------------------------------------------------------------------

fn graph(state: &Shared, method: &Method, path: &str) -> Response {
    let path = path.replace("%27", "'");
    let app_id = path
        .strip_prefix("/v1.0/servicePrincipals(appId='")
        .and_then(|r| r.strip_suffix("')"));
    match (method.as_str(), app_id) {
        ("GET", Some(app_id)) => match state.lock().unwrap().service_principals.get(app_id) {
            Some(oid) => json_response(
                StatusCode::OK,
                json!({"id": oid, "appId": app_id, "displayName": format!("sp-{app_id}")}),
            ),
            None => arm_error(
                StatusCode::NOT_FOUND,
                "Request_ResourceNotFound",
                &format!(
                    "Resource '{app_id}' does not exist or one of its queried reference-property objects are not present."
                ),
            ),
        },
        _ => arm_error(StatusCode::BAD_REQUEST, "BadRequest", "unsupported Graph request"),
    }
}

// ---- Azure Resource Manager ----------------------------------------------------------------

fn lower_segments(path: &str) -> Vec<String> {
    path.trim_matches('/')
        .split('/')
        .map(|s| s.to_ascii_lowercase())
        .collect()
}

async fn arm(
    state: &Shared,
    method: &Method,
    path: &str,
    query: &str,
    body: &[u8],
    lro_failure: Option<(String, String)>,
) -> Response {
    let segs = lower_segments(path);
    let seg = |i: usize| segs.get(i).map(String::as_str).unwrap_or("");
    let body: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    let n = segs.len();

    // Operation status: /subscriptions/S/providers/Microsoft.ContainerService/locations/L/operations/ID
    if n == 8 && seg(6) == "operations" {
        return operation_status(state, path.rsplit('/').next().unwrap_or(""));
    }
    if let Some(i) = segs.iter().position(|s| s == "microsoft.authorization") {
        let scope = "/".to_string()
            + &path
                .trim_matches('/')
                .split('/')
                .take(i - 1)
                .collect::<Vec<_>>()
                .join("/");
        return match (seg(i + 1), segs.get(i + 2)) {
            ("roleassignments", Some(_)) => role_assignment(state, method, &scope, path, &body),
            ("roleassignments", None) => list_role_assignments(state, &scope, query),
            ("roledefinitions", Some(g)) => role_definition(g),
            _ => arm_error(StatusCode::NOT_FOUND, "NotFound", "unknown authorization path"),
        };
    }
    let id = path.trim_end_matches('/').to_string();
    // /subscriptions/S/providers/NS/TYPE: every resource of that type in the subscription.
    if n == 5 && seg(2) == "providers" && method == Method::GET {
        let s = state.lock().unwrap();
        let marker = format!("/providers/{}/{}/", seg(3), seg(4));
        let items: Vec<Value> = s
            .resources
            .iter()
            .filter(|(k, _)| k.split(&marker).nth(1).is_some_and(|rest| !rest.contains('/')))
            .map(|(_, v)| v.clone())
            .collect();
        return json_response(StatusCode::OK, json!({"value": items}));
    }
    // managedClusters and below
    if seg(6) == "managedclusters" {
        return match (n, method.as_str()) {
            (8, "GET") => get_resource(state, &id),
            (8, "PUT") => put_cluster(state, &id, body, lro_failure),
            (8, "PATCH") => {
                // Managed Clusters - Update Tags: the tags are replaced.
                let mut s = state.lock().unwrap();
                let Some(mut mc) = s.resource(&id).cloned() else {
                    return not_found(&id);
                };
                mc["tags"] = body.get("tags").cloned().unwrap_or(json!({}));
                s.put_resource(&id, mc.clone());
                json_response(StatusCode::OK, mc)
            }
            (9, "GET") if seg(8) == "agentpools" => list_children(state, &id),
            (10, "GET") if seg(8) == "agentpools" => get_resource(state, &id),
            (12, "GET") if seg(10) == "upgradeprofiles" => upgrade_profile(state, &id),
            (11, "POST") if seg(10) == "upgradenodeimageversion" => upgrade_node_image(state, &id, lro_failure),
            _ => arm_error(StatusCode::NOT_FOUND, "NotFound", "unsupported managedClusters path"),
        };
    }
    if seg(6) == "userassignedidentities" {
        return match (n, method.as_str()) {
            (8, "PUT") => put_identity(state, &id, body),
            (9, "GET") => list_children(state, &id),
            (10, "PUT") => put_fic(state, &id, body).await,
            (_, "DELETE") => delete_resource(state, &id),
            (_, "GET") => get_resource(state, &id),
            _ => arm_error(StatusCode::NOT_FOUND, "NotFound", "unsupported identity path"),
        };
    }
    if seg(6) == "vaults" && n == 10 && seg(8) == "accesspolicies" && method == Method::PUT {
        return access_policies(state, &id, seg(9), body);
    }
    match method.as_str() {
        "GET" => get_resource(state, &id),
        "DELETE" => delete_resource(state, &id),
        "PUT" => {
            let mut s = state.lock().unwrap();
            let existed = s.resource(&id).is_some();
            let mut v = body;
            v["id"] = json!(id);
            v["name"] = json!(id.rsplit('/').next());
            s.put_resource(&id, v.clone());
            json_response(if existed { StatusCode::OK } else { StatusCode::CREATED }, v)
        }
        _ => arm_error(
            StatusCode::METHOD_NOT_ALLOWED,
            "MethodNotAllowed",
            "not supported by the fake",
        ),
    }
}

fn not_found(id: &str) -> Response {
    let kind = if id.to_ascii_lowercase().contains("/resourcegroups/") {
        "ResourceNotFound"
    } else {
        "NotFound"
    };
    arm_error(
        StatusCode::NOT_FOUND,
        kind,
        &format!("The Resource '{id}' was not found."),
    )
}

fn get_resource(state: &Shared, id: &str) -> Response {
    match state.lock().unwrap().resource(id) {
        Some(v) => json_response(StatusCode::OK, v.clone()),
        None => not_found(id),
    }
}

fn delete_resource(state: &Shared, id: &str) -> Response {
    let mut s = state.lock().unwrap();
    let prefix = format!("{}/", id.to_ascii_lowercase());
    s.resources.retain(|k, _| !k.starts_with(&prefix));
    match s.resources.remove(&id.to_ascii_lowercase()) {
        Some(_) => StatusCode::OK.into_response(),
        None => StatusCode::NO_CONTENT.into_response(),
    }
}

/// Direct children of a collection path: `{"value": [...]}`.
fn list_children(state: &Shared, collection: &str) -> Response {
    let s = state.lock().unwrap();
    let prefix = format!("{}/", collection.to_ascii_lowercase());
    let parent = collection
        .rsplit_once('/')
        .map(|x| x.0)
        .unwrap_or("")
        .to_ascii_lowercase();
    if !parent.is_empty() && !s.resources.contains_key(&parent) {
        return not_found(&parent);
    }
    let items: Vec<Value> = s
        .resources
        .iter()
        .filter(|(k, _)| k.starts_with(&prefix) && !k[prefix.len()..].contains('/'))
        .map(|(_, v)| v.clone())
        .collect();
    json_response(StatusCode::OK, json!({"value": items}))
}

fn operation_status(state: &Shared, op_id: &str) -> Response {
    let mut s = state.lock().unwrap();
    let Some(op) = s.ops.get_mut(op_id) else {
        return arm_error(StatusCode::NOT_FOUND, "NotFound", "no such operation");
    };
    if op.polls_left > 0 {
        op.polls_left -= 1;
        let mut r = json_response(
            StatusCode::OK,
            json!({"name": op_id, "status": "InProgress", "startTime": "2026-11-22T00:00:00Z"}),
        );
        r.headers_mut().insert("retry-after", HeaderValue::from_static("0"));
        return r;
    }
    let failure = op.failure.clone();
    if let Some(finish) = op.finish.take() {
        finish(&mut s, failure.is_none());
    }
    match failure {
        None => json_response(
            StatusCode::OK,
            json!({"name": op_id, "status": "Succeeded", "startTime": "2026-11-22T00:00:00Z", "endTime": "2026-11-22T00:01:00Z"}),
        ),
        Some((code, message)) => json_response(
            StatusCode::OK,
            json!({"name": op_id, "status": "Failed", "error": {"code": code, "message": message}}),
        ),
    }
}

fn async_response(status: StatusCode, body: Value, op_url: &str) -> Response {
    let mut r = json_response(status, body);
    r.headers_mut()
        .insert("azure-asyncoperation", HeaderValue::from_str(op_url).unwrap());
    r.headers_mut().insert("retry-after", HeaderValue::from_static("0"));
    r
}

fn put_cluster(state: &Shared, id: &str, mut body: Value, lro_failure: Option<(String, String)>) -> Response {
    let mut s = state.lock().unwrap();
    let existed = s.resource(id).is_some();
    body["id"] = json!(id);
    body["name"] = json!(id.rsplit('/').next());
    body["type"] = json!("Microsoft.ContainerService/managedClusters");
    body["properties"]["provisioningState"] = json!("Updating");
    s.put_resource(id, body.clone());
    let id_owned = id.to_string();
    let op = s.start_operation(
        lro_failure,
        Box::new(move |s: &mut FakeState, ok: bool| {
            let Some(mut mc) = s.resource(&id_owned).cloned() else {
                return;
            };
            mc["properties"]["provisioningState"] = json!(if ok { "Succeeded" } else { "Failed" });
            if ok {
                settle_cluster_identity(s, &mut mc);
            }
            s.put_resource(&id_owned, mc);
        }),
    );
    async_response(if existed { StatusCode::OK } else { StatusCode::CREATED }, body, &op)
}

/// What AKS does once a cluster update that asks for managed identity, OIDC or workload identity finishes.
fn settle_cluster_identity(s: &mut FakeState, mc: &mut Value) {
    let kind = mc
        .pointer("/identity/type")
        .and_then(Value::as_str)
        .unwrap_or("None")
        .to_string();
    let name = mc["name"].as_str().unwrap_or("cluster").to_string();
    if kind == "SystemAssigned" {
        if mc.pointer("/identity/principalId").is_none() {
            mc["identity"]["principalId"] = json!(s.guid());
            mc["identity"]["tenantId"] = json!(TENANT);
        }
    } else if kind == "UserAssigned" {
        let ids: Vec<String> = mc
            .pointer("/identity/userAssignedIdentities")
            .and_then(Value::as_object)
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default();
        for uai in ids {
            let props = s.resource(&uai).map(|r| r["properties"].clone()).unwrap_or(json!({}));
            mc["identity"]["userAssignedIdentities"][&uai] =
                json!({"principalId": props["principalId"], "clientId": props["clientId"]});
        }
    }
    if kind == "SystemAssigned" || kind == "UserAssigned" {
        mc["properties"]["servicePrincipalProfile"] = json!({"clientId": "msi"});
        if mc.pointer("/properties/identityProfile/kubeletidentity").is_none() {
            let node_rg = mc
                .pointer("/properties/nodeResourceGroup")
                .and_then(Value::as_str)
                .unwrap_or("MC_rg")
                .to_string();
            let rid = format!(
                "/subscriptions/{SUB}/resourcegroups/{node_rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/{name}-agentpool"
            );
            let (client, object) = (s.guid(), s.guid());
            s.put_resource(&rid, json!({"id": rid, "name": format!("{name}-agentpool"), "type": "Microsoft.ManagedIdentity/userAssignedIdentities", "location": mc["location"], "properties": {"clientId": client, "principalId": object, "tenantId": TENANT}}));
            mc["properties"]["identityProfile"] =
                json!({"kubeletidentity": {"clientId": client, "objectId": object, "resourceId": rid}});
        }
    }
    if mc.pointer("/properties/oidcIssuerProfile/enabled") == Some(&json!(true))
        && mc.pointer("/properties/oidcIssuerProfile/issuerUrl").is_none()
    {
        mc["properties"]["oidcIssuerProfile"]["issuerUrl"] =
            json!(format!("https://eastus.oic.prod-aks.azure.com/{TENANT}/{}/", s.guid()));
    }
}

fn upgrade_profile(state: &Shared, id: &str) -> Response {
    let s = state.lock().unwrap();
    let pool_id = id.rsplitn(3, '/').nth(2).unwrap_or("");
    let Some(pool) = s.resource(pool_id) else {
        return not_found(pool_id);
    };
    let latest = s
        .latest_node_image
        .get(&pool_id.to_ascii_lowercase())
        .cloned()
        .or_else(|| {
            pool.pointer("/properties/nodeImageVersion")
                .and_then(Value::as_str)
                .map(str::to_owned)
        });
    json_response(
        StatusCode::OK,
        json!({"id": id, "name": "default", "type": "Microsoft.ContainerService/managedClusters/agentPools/upgradeProfiles",
               "properties": {"kubernetesVersion": pool.pointer("/properties/orchestratorVersion"), "osType": "Linux", "upgrades": [], "latestNodeImageVersion": latest}}),
    )
}

fn upgrade_node_image(state: &Shared, action_id: &str, lro_failure: Option<(String, String)>) -> Response {
    let mut s = state.lock().unwrap();
    let pool_id = action_id.rsplit_once('/').map(|x| x.0).unwrap_or("").to_string();
    let Some(mut pool) = s.resource(&pool_id).cloned() else {
        return not_found(&pool_id);
    };
    pool["properties"]["provisioningState"] = json!("UpgradingNodeImageVersion");
    s.put_resource(&pool_id, pool.clone());
    let pid = pool_id.clone();
    let op = s.start_operation(
        lro_failure,
        Box::new(move |s: &mut FakeState, ok: bool| {
            let latest = s.latest_node_image.get(&pid.to_ascii_lowercase()).cloned();
            let Some(mut pool) = s.resource(&pid).cloned() else {
                return;
            };
            pool["properties"]["provisioningState"] = json!(if ok { "Succeeded" } else { "Failed" });
            if let (true, Some(l)) = (ok, latest) {
                pool["properties"]["nodeImageVersion"] = json!(l);
            }
            s.put_resource(&pid, pool);
        }),
    );
    async_response(StatusCode::ACCEPTED, pool, &op)
}

fn put_identity(state: &Shared, id: &str, body: Value) -> Response {
    let mut s = state.lock().unwrap();
    let existing = s.resource(id).cloned();
    let props = match &existing {
        Some(e) => e["properties"].clone(),
        None => {
            let (client, principal) = (s.guid(), s.guid());
            s.principal_created.insert(principal.clone(), Instant::now());
            json!({"clientId": client, "principalId": principal, "tenantId": TENANT, "isolationScope": "None"})
        }
    };
    let v = json!({"id": id, "name": id.rsplit('/').next(), "type": "Microsoft.ManagedIdentity/userAssignedIdentities",
                   "location": body["location"], "tags": body.get("tags").cloned().unwrap_or(json!({})), "properties": props});
    s.put_resource(id, v.clone());
    json_response(
        if existing.is_some() {
            StatusCode::OK
        } else {
            StatusCode::CREATED
        },
        v,
    )
}

async fn put_fic(state: &Shared, id: &str, body: Value) -> Response {
    let identity = id.rsplitn(3, '/').nth(2).unwrap_or("").to_ascii_lowercase();
    {
        let mut s = state.lock().unwrap();
        if s.resource(&identity).is_none() {
            return not_found(&identity);
        }
        if !s.fic_writing.insert(identity.clone()) {
            return arm_error(
                StatusCode::CONFLICT,
                "ConcurrentFederatedIdentityCredentialsWritesForSingleManagedIdentity",
                "Too many Federated Identity Credentials are written concurrently for the managed identity. Retry sequentially.",
            );
        }
    }
    // Writes take a moment, as in Azure: a concurrent write in this window is refused.
    tokio::time::sleep(Duration::from_millis(30)).await;
    let mut s = state.lock().unwrap();
    s.fic_writing.remove(&identity);
    let prefix = format!("{identity}/federatedidentitycredentials/");
    let count = s.resources.keys().filter(|k| k.starts_with(&prefix)).count();
    let existed = s.resource(id).is_some();
    if !existed && count >= 20 {
        return arm_error(
            StatusCode::BAD_REQUEST,
            "BadRequest",
            "Too many Federated Identity Credentials are assigned to the managed identity (limit 20).",
        );
    }
    let v = json!({"id": id, "name": id.rsplit('/').next(), "type": "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials",
                   "properties": {"issuer": body.pointer("/properties/issuer"), "subject": body.pointer("/properties/subject"), "audiences": body.pointer("/properties/audiences")}});
    s.put_resource(id, v.clone());
    json_response(if existed { StatusCode::OK } else { StatusCode::CREATED }, v)
}

fn role_guid(role_definition_id: &str) -> String {
    role_definition_id.rsplit('/').next().unwrap_or("").to_ascii_lowercase()
}

fn role_assignment(state: &Shared, method: &Method, scope: &str, id: &str, body: &Value) -> Response {
    let mut s = state.lock().unwrap();
    match method.as_str() {
        "GET" => match s.resource(id) {
            Some(v) => json_response(StatusCode::OK, v.clone()),
            None => arm_error(
                StatusCode::NOT_FOUND,
                "RoleAssignmentNotFound",
                "The role assignment was not found.",
            ),
        },
        "DELETE" => match s.resources.remove(&id.to_ascii_lowercase()) {
            Some(v) => json_response(StatusCode::OK, v),
            None => StatusCode::NO_CONTENT.into_response(),
        },
        "PUT" => {
            let principal = body
                .pointer("/properties/principalId")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            let role = body
                .pointer("/properties/roleDefinitionId")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            let guid = role_guid(&role);
            if !ROLES.iter().any(|(_, g)| *g == guid) {
                return arm_error(
                    StatusCode::BAD_REQUEST,
                    "RoleDefinitionDoesNotExist",
                    &format!("The specified role definition with ID '{guid}' does not exist."),
                );
            }
            if let Some(created) = s.principal_created.get(&principal)
                && created.elapsed() < s.principal_not_found_for
            {
                return arm_error(
                    StatusCode::BAD_REQUEST,
                    "PrincipalNotFound",
                    &format!(
                        "Principal {principal} does not exist in the directory {TENANT}. Check that you have the correct principal ID. If you are creating this principal and then immediately assigning a role, this error might be related to a replication delay."
                    ),
                );
            }
            let same = |v: &Value| {
                v.pointer("/properties/principalId").and_then(Value::as_str) == Some(principal.as_str())
                    && v.pointer("/properties/roleDefinitionId")
                        .and_then(Value::as_str)
                        .map(role_guid)
                        .as_deref()
                        == Some(guid.as_str())
            };
            if let Some(existing) = s.resource(id) {
                return if same(existing) {
                    json_response(StatusCode::CREATED, existing.clone())
                } else {
                    arm_error(
                        StatusCode::CONFLICT,
                        "RoleAssignmentUpdateNotPermitted",
                        "Tenant ID, application ID, principal ID, and scope are not allowed to be updated.",
                    )
                };
            }
            let scope_l = scope.to_ascii_lowercase();
            let duplicate = s.resources.iter().any(|(k, v)| {
                k.contains("/providers/microsoft.authorization/roleassignments/")
                    && v.pointer("/properties/scope")
                        .and_then(Value::as_str)
                        .map(str::to_ascii_lowercase)
                        .as_deref()
                        == Some(scope_l.as_str())
                    && same(v)
            });
            if duplicate {
                return arm_error(
                    StatusCode::CONFLICT,
                    "RoleAssignmentExists",
                    "The role assignment already exists.",
                );
            }
            let v = json!({
                "properties": {
                    "roleDefinitionId": format!("/providers/Microsoft.Authorization/roleDefinitions/{guid}"),
                    "principalId": principal,
                    "principalType": body.pointer("/properties/principalType").cloned().unwrap_or(json!("ServicePrincipal")),
                    "scope": scope,
                    "createdOn": "2026-11-22T00:00:00Z"
                },
                "id": id, "type": "Microsoft.Authorization/roleAssignments", "name": id.rsplit('/').next()
            });
            s.put_resource(id, v.clone());
            json_response(StatusCode::CREATED, v)
        }
        _ => arm_error(StatusCode::METHOD_NOT_ALLOWED, "MethodNotAllowed", "not supported"),
    }
}

/// Role assignments at, above and (without `atScope()`) below a scope, optionally for one principal.
fn list_role_assignments(state: &Shared, scope: &str, query: &str) -> Response {
    let mut s = state.lock().unwrap();
    if s.assignment_list_lag > 0 {
        s.assignment_list_lag -= 1;
        return json_response(StatusCode::OK, json!({"value": []}));
    }
    let q: HashMap<String, String> = url::form_urlencoded::parse(query.as_bytes()).into_owned().collect();
    let filter = q.get("$filter").cloned().unwrap_or_default();
    let at_scope = filter.contains("atScope()");
    let principal = filter
        .split("principalId eq '")
        .nth(1)
        .and_then(|r| r.split('\'').next())
        .map(str::to_owned);
    let scope_l = scope.to_ascii_lowercase().trim_end_matches('/').to_string();
    let items: Vec<Value> = s
        .resources
        .iter()
        .filter(|(k, _)| k.contains("/providers/microsoft.authorization/roleassignments/"))
        .map(|(_, v)| v)
        .filter(|v| {
            let vs = v
                .pointer("/properties/scope")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_ascii_lowercase();
            let above_or_at = scope_l == vs || scope_l.starts_with(&format!("{vs}/")) || vs == "/";
            let below = vs.starts_with(&format!("{scope_l}/"));
            above_or_at || (!at_scope && below)
        })
        .filter(|v| {
            principal
                .as_deref()
                .is_none_or(|p| v.pointer("/properties/principalId").and_then(Value::as_str) == Some(p))
        })
        .cloned()
        .collect();
    json_response(StatusCode::OK, json!({"value": items}))
}

fn role_definition(guid: &str) -> Response {
    match ROLES.iter().find(|(_, g)| *g == guid) {
        Some((name, g)) => json_response(
            StatusCode::OK,
            json!({"id": format!("/subscriptions/{SUB}/providers/Microsoft.Authorization/roleDefinitions/{g}"), "name": g,
                   "type": "Microsoft.Authorization/roleDefinitions", "properties": {"roleName": name, "type": "BuiltInRole", "permissions": []}}),
        ),
        None => arm_error(
            StatusCode::NOT_FOUND,
            "RoleDefinitionDoesNotExist",
            "The role definition does not exist.",
        ),
    }
}

fn access_policies(state: &Shared, id: &str, kind: &str, body: Value) -> Response {
    let mut s = state.lock().unwrap();
    let vault_id = id.rsplitn(3, '/').nth(2).unwrap_or("").to_string();
    let Some(mut vault) = s.resource(&vault_id).cloned() else {
        return not_found(&vault_id);
    };
    let incoming = body
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
            p["tenantId"].as_str().unwrap_or("").to_string(),
            p["objectId"].as_str().unwrap_or("").to_string(),
        )
    };
    match kind {
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
            return arm_error(
                StatusCode::BAD_REQUEST,
                "InvalidOperationKind",
                "operationKind must be add, replace or remove",
            );
        }
    }
    vault["properties"]["accessPolicies"] = json!(policies);
    s.put_resource(&vault_id, vault);
    json_response(
        StatusCode::OK,
        json!({"id": format!("{vault_id}/accessPolicies/"), "type": "Microsoft.KeyVault/vaults/accessPolicies", "properties": {"accessPolicies": policies}}),
    )
}

// ---- Key Vault data plane ------------------------------------------------------------------

fn kv_error(status: StatusCode, code: &str, message: &str, inner: Option<&str>) -> Response {
    let mut e = json!({"error": {"code": code, "message": message}});
    if let Some(i) = inner {
        e["error"]["innererror"] = json!({"code": i});
    }
    json_response(status, e)
}

fn secret_bundle(vault: &str, port: u16, item: &SecretItem, v: &SecretVersion, with_value: bool) -> Value {
    let mut b = json!({
        "id": format!("https://{vault}.{VAULT_SUFFIX}:{port}/secrets/{}/{}", item.name, v.version),
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

fn valid_secret_name(name: &str) -> bool {
    !name.is_empty() && name.len() <= 127 && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

/// The permission an operation needs, in access-policy terms.
fn needed_permission(method: &str, segs: &[&str]) -> &'static str {
    match (method, segs) {
        ("PUT", _) => "set",
        ("GET", ["secrets"]) | ("GET", ["secrets", _, "versions"]) | ("GET", ["deletedsecrets", ..]) => "list",
        ("GET", _) => "get",
        ("DELETE", ["secrets", ..]) => "delete",
        ("POST", ["deletedsecrets", _, "recover"]) => "recover",
        ("DELETE", ["deletedsecrets", ..]) => "purge",
        _ => "get",
    }
}

/// Whether kvwire's principal may do `perm` on `secret` in `vault`, by the vault's own model:
/// RBAC data roles (at the secret, the vault or above) or its access policies. A vault that was
/// never seeded as an ARM resource is not checked.
fn data_plane_allows(s: &FakeState, vault: &str, secret: Option<&str>, perm: &str) -> Result<(), &'static str> {
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
                let guid = role_guid(
                    a.pointer("/properties/roleDefinitionId")
                        .and_then(Value::as_str)
                        .unwrap_or(""),
                );
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

fn keyvault(state: &Shared, vault: &str, method: &Method, path: &str, body: &[u8]) -> Response {
    let segs: Vec<&str> = path.trim_matches('/').split('/').collect();
    let mut s = state.lock().unwrap();
    let perm = needed_permission(method.as_str(), &segs);
    if let Err(inner) = data_plane_allows(&s, vault, segs.get(1).copied(), perm) {
        return kv_error(
            StatusCode::FORBIDDEN,
            "Forbidden",
            &format!("The caller '{SP_OBJECT_ID}' does not have secrets {perm} permission on key vault '{vault}'."),
            Some(inner),
        );
    }
    let port = s.port;
    let key = |name: &str| (vault.to_string(), name.to_ascii_lowercase());
    match (method.as_str(), segs.as_slice()) {
        ("PUT", ["secrets", name]) => {
            if !valid_secret_name(name) {
                return kv_error(
                    StatusCode::BAD_REQUEST,
                    "BadParameter",
                    "The request URI contains an invalid name",
                    None,
                );
            }
            let req: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
            let Some(value) = req["value"].as_str() else {
                return kv_error(
                    StatusCode::BAD_REQUEST,
                    "BadParameter",
                    "Property 'value' is required",
                    None,
                );
            };
            let version = s.guid().replace('-', "");
            let item = s.secrets.entry(key(name)).or_insert_with(|| SecretItem {
                name: name.to_string(),
                ..Default::default()
            });
            if item.deleted.is_some() {
                return kv_error(
                    StatusCode::CONFLICT,
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
                content_type: req["contentType"].as_str().map(str::to_owned),
                tags: req.get("tags").cloned().unwrap_or(json!({})),
                created: now_secs(),
                enabled: req
                    .pointer("/attributes/enabled")
                    .and_then(Value::as_bool)
                    .unwrap_or(true),
                expires: req.pointer("/attributes/exp").and_then(Value::as_u64),
            };
            item.versions.push(v.clone());
            let item = item.clone();
            json_response(StatusCode::OK, secret_bundle(vault, port, &item, &v, true))
        }
        ("GET", ["secrets", name, rest @ ..]) => {
            let Some(item) = s
                .secrets
                .get(&key(name))
                .filter(|i| i.deleted.is_none() && !i.versions.is_empty())
            else {
                return kv_error(
                    StatusCode::NOT_FOUND,
                    "SecretNotFound",
                    &format!("A secret with (name/id) {name} was not found in this key vault."),
                    None,
                );
            };
            match rest {
                [] | [""] => json_response(
                    StatusCode::OK,
                    secret_bundle(vault, port, item, item.versions.last().unwrap(), true),
                ),
                ["versions"] => {
                    let list: Vec<Value> = item
                        .versions
                        .iter()
                        .map(|v| secret_bundle(vault, port, item, v, false))
                        .collect();
                    json_response(StatusCode::OK, json!({"value": list, "nextLink": null}))
                }
                [ver] => match item.versions.iter().find(|v| v.version == *ver) {
                    Some(v) => json_response(StatusCode::OK, secret_bundle(vault, port, item, v, true)),
                    None => kv_error(StatusCode::NOT_FOUND, "SecretNotFound", "version not found", None),
                },
                _ => kv_error(StatusCode::NOT_FOUND, "NotFound", "unknown path", None),
            }
        }
        ("GET", ["secrets"]) => {
            let list: Vec<Value> = s
                .secrets
                .iter()
                .filter(|((v, _), i)| v == vault && i.deleted.is_none() && !i.versions.is_empty())
                .map(|(_, i)| {
                    let mut b = secret_bundle(vault, port, i, i.versions.last().unwrap(), false);
                    b["id"] = json!(format!("https://{vault}.{VAULT_SUFFIX}:{port}/secrets/{}", i.name));
                    b
                })
                .collect();
            json_response(StatusCode::OK, json!({"value": list, "nextLink": null}))
        }
        ("DELETE", ["secrets", name]) => {
            let Some(item) = s.secrets.get_mut(&key(name)).filter(|i| i.deleted.is_none()) else {
                return kv_error(
                    StatusCode::NOT_FOUND,
                    "SecretNotFound",
                    &format!("A secret with (name/id) {name} was not found in this key vault."),
                    None,
                );
            };
            let when = now_secs();
            item.deleted = Some(when);
            let item = item.clone();
            let mut b = secret_bundle(vault, port, &item, item.versions.last().unwrap(), false);
            b["recoveryId"] = json!(format!(
                "https://{vault}.{VAULT_SUFFIX}:{port}/deletedsecrets/{}",
                item.name
            ));
            b["deletedDate"] = json!(when);
            b["scheduledPurgeDate"] = json!(when + 90 * 86400);
            json_response(StatusCode::OK, b)
        }
        ("GET", ["deletedsecrets", name]) => match s.secrets.get(&key(name)).filter(|i| i.deleted.is_some()) {
            Some(item) => {
                let mut b = secret_bundle(vault, port, item, item.versions.last().unwrap(), false);
                b["recoveryId"] = json!(format!(
                    "https://{vault}.{VAULT_SUFFIX}:{port}/deletedsecrets/{}",
                    item.name
                ));
                b["deletedDate"] = json!(item.deleted);
                b["scheduledPurgeDate"] = json!(item.deleted.unwrap() + 90 * 86400);
                json_response(StatusCode::OK, b)
            }
            None => kv_error(
                StatusCode::NOT_FOUND,
                "SecretNotFound",
                &format!("Deleted Secret not found: {name}"),
                None,
            ),
        },
        ("POST", ["deletedsecrets", name, "recover"]) => {
            match s.secrets.get_mut(&key(name)).filter(|i| i.deleted.is_some()) {
                Some(item) => {
                    item.deleted = None;
                    let item = item.clone();
                    json_response(
                        StatusCode::OK,
                        secret_bundle(vault, port, &item, item.versions.last().unwrap(), false),
                    )
                }
                None => kv_error(
                    StatusCode::NOT_FOUND,
                    "SecretNotFound",
                    &format!("Deleted Secret not found: {name}"),
                    None,
                ),
            }
        }
        ("DELETE", ["deletedsecrets", name]) => match s.secrets.get(&key(name)).filter(|i| i.deleted.is_some()) {
            Some(_) => {
                s.secrets.remove(&key(name));
                StatusCode::NO_CONTENT.into_response()
            }
            None => kv_error(
                StatusCode::NOT_FOUND,
                "SecretNotFound",
                &format!("Deleted Secret not found: {name}"),
                None,
            ),
        },
        _ => kv_error(
            StatusCode::NOT_FOUND,
            "NotFound",
            &format!("unsupported path {path}"),
            None,
        ),
    }
}
