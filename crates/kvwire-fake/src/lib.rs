//! A local Azure for kvwire: Entra's token endpoint, Azure Resource Manager (managedClusters,
//! agentPools, roleAssignments, roleDefinitions, userAssignedIdentities,
//! federatedIdentityCredentials, vaults), Microsoft Graph (one lookup) and the Key Vault data
//! plane, over TLS with a throwaway CA, on 127.0.0.1.
//!
//! It is a model of Azure, not of kvwire: every body is checked against the wire vocabulary made
//! from the official API definitions (`contract`), and every behaviour cites its source where it
//! is implemented (see docs/testing.md for the list). kvwire's end-to-end tests, the `kvwire-fake`
//! program and the demo (`kvwire-fake --demo`, which the `kvwire-demo` launcher builds and starts) all run this
//! same code.

pub mod arm;
pub mod contract;
pub mod demo;
pub mod entra;
pub mod graph;
pub mod keyvault;
pub mod kube;
pub mod router;
pub mod routes;
pub mod scenario;
pub mod state;
mod tls;

pub use contract::Violation;
pub use state::{Entry, FakeState, Fault, FaultKind, LroStyle, OpKind, SecretItem, SecretVersion, Shared};

use axum::{
    body::{Body, Bytes},
    extract::{Request, State},
    http::{HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};
use contract::Direction;
use router::{Ctx, Handler, Reply, Service};
use serde_json::{Value, json};
use std::{
    path::PathBuf,
    sync::{Arc, Mutex},
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
/// The object ID of the service principal (client ID `clientid`) an SP cluster runs as.
pub const CLUSTER_SP_OBJECT_ID: &str = "0b5e7e11-0000-4000-8000-000000005b01";
pub const SP_OBJECT_ID: &str = "5e1f0b0e-0000-4000-8000-00000000c11e";

/// A running fake: its port, state and a directory holding the CA and the cloud file.
pub struct Fake {
    pub port: u16,
    pub state: Shared,
    pub dir: PathBuf,
    pub ca_pem: String,
    /// Panic on drop when a contract violation was recorded (tests); the programs report instead.
    pub strict: bool,
    failed_handshakes: Arc<std::sync::atomic::AtomicUsize>,
}

impl Fake {
    /// Start on 127.0.0.1 with an OS-chosen port; the server runs on its own thread.
    pub fn start() -> Fake {
        Self::start_on(0)
    }

    pub fn start_on(port: u16) -> Fake {
        let wildcard = format!("*.{VAULT_SUFFIX}");
        // 127.0.0.1 and localhost: the Kubernetes API servers (`kube`) listen there, and their
        // kubeconfigs name them so.
        let pki = tls::make_pki(&[LOGIN_HOST, ARM_HOST, GRAPH_HOST, &wildcard, "127.0.0.1", "localhost"]);
        let std_listener = std::net::TcpListener::bind(("127.0.0.1", port)).expect("bind 127.0.0.1");
        std_listener.set_nonblocking(true).unwrap();
        let port = std_listener.local_addr().unwrap().port();
        let state: Shared = Arc::new(Mutex::new(FakeState::new(port)));
        let app = axum::Router::new().fallback(handle).with_state(state.clone());
        let config = pki.server_config.clone();
        let failed_handshakes = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let failed = failed_handshakes.clone();
        let (rt_tx, rt_rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .unwrap();
            let _ = rt_tx.send(rt.handle().clone());
            rt.block_on(async move {
                let listener = tls::TlsListener {
                    tcp: tokio::net::TcpListener::from_std(std_listener).unwrap(),
                    acceptor: tokio_rustls::TlsAcceptor::from(config),
                    failed,
                };
                axum::serve(listener, app).await.unwrap();
            });
        });

        state.lock().unwrap().kube_env = Some(Arc::new(kube::Env {
            tls: pki.server_config.clone(),
            rt: rt_rx.recv().expect("the fake's runtime starts"),
            ca_pem: pki.ca_pem.clone(),
            client_cert_pem: pki.client_cert_pem.clone(),
            client_key_pem: pki.client_key_pem.clone(),
        }));
        let dir = std::env::temp_dir().join(format!("kvwire-fake-{}-{port}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("ca.pem"), &pki.ca_pem).unwrap();
        std::fs::write(
            dir.join("cloud.toml"),
            format!(
                "# A local Azure (kvwire-fake) on port {port}\nname = \"LocalAzure\"\nresource_manager = \"https://{ARM_HOST}:{port}/\"\nauthority_host = \"https://{LOGIN_HOST}:{port}\"\narm_audience = \"https://{ARM_HOST}/\"\nkeyvault_dns_suffix = \"{VAULT_SUFFIX}\"\nmicrosoft_graph = \"https://{GRAPH_HOST}:{port}/\"\n"
            ),
        )
        .unwrap();
        Fake {
            port,
            state,
            dir,
            ca_pem: pki.ca_pem,
            strict: true,
            failed_handshakes,
        }
    }

    /// The vault host names the fake holds a vault for.
    fn vault_hosts(&self) -> Vec<String> {
        let s = self.state.lock().unwrap();
        s.resources
            .iter()
            .filter(|(k, _)| {
                k.split("/providers/microsoft.keyvault/vaults/")
                    .nth(1)
                    .is_some_and(|rest| !rest.contains('/'))
            })
            .filter_map(|(_, v)| v["name"].as_str().map(|n| format!("{n}.{VAULT_SUFFIX}")))
            .collect()
    }

    /// `--resolve` rules that send every fake host name to 127.0.0.1.
    pub fn resolve_rules(&self) -> String {
        let mut hosts: Vec<String> = [LOGIN_HOST, ARM_HOST, GRAPH_HOST]
            .iter()
            .map(|h| h.to_string())
            .collect();
        hosts.extend(self.vault_hosts());
        hosts
            .iter()
            .map(|h| format!("{h}:{}:127.0.0.1", self.port))
            .collect::<Vec<_>>()
            .join(",")
    }

    /// The environment kvwire needs to use this fake: a cloud file, the CA, the host mapping and
    /// a service principal's credentials. Nothing here is secret outside this machine.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("KVWIRE_CLOUD", self.dir.join("cloud.toml").display().to_string()),
            ("KVWIRE_CA_BUNDLE", self.dir.join("ca.pem").display().to_string()),
            ("KVWIRE_RESOLVE", self.resolve_rules()),
            ("KVWIRE_AUTH", "env".into()),
            ("AZURE_TENANT_ID", TENANT.into()),
            ("AZURE_CLIENT_ID", CLIENT_ID.into()),
            ("AZURE_CLIENT_SECRET", CLIENT_SECRET.into()),
            ("AZURE_SUBSCRIPTION_ID", SUB.into()),
        ]
    }

    /// TLS handshakes that failed: each is a connection a client gave up on.
    pub fn failed_handshakes(&self) -> usize {
        self.failed_handshakes.load(std::sync::atomic::Ordering::SeqCst)
    }

    pub fn journal(&self) -> Vec<Entry> {
        self.state.lock().unwrap().journal.clone()
    }

    pub fn writes(&self) -> Vec<Entry> {
        self.journal().into_iter().filter(|e| e.is_write()).collect()
    }

    pub fn clear_journal(&self) {
        self.state.lock().unwrap().journal.clear();
    }

    pub fn violations(&self) -> Vec<Violation> {
        self.state.lock().unwrap().violations.clone()
    }

    /// Forget recorded violations (a test that provoked one on purpose).
    pub fn take_violations(&self) -> Vec<Violation> {
        std::mem::take(&mut self.state.lock().unwrap().violations)
    }

    pub fn fault(&self, method: Option<&str>, path_contains: &str, times: usize, kind: FaultKind) {
        self.fault_after(method, path_contains, 0, times, kind);
    }

    /// Like [`Fake::fault`], after `skip` matching requests went through untouched.
    pub fn fault_after(&self, method: Option<&str>, path_contains: &str, skip: usize, times: usize, kind: FaultKind) {
        self.state.lock().unwrap().faults.push(Fault {
            method: method.map(str::to_owned),
            path_contains: path_contains.into(),
            skip,
            times,
            kind,
        });
    }

    pub fn resource(&self, id: &str) -> Option<Value> {
        self.state.lock().unwrap().resource(id).cloned()
    }

    pub fn issued_tokens(&self) -> Vec<String> {
        self.state.lock().unwrap().tokens.keys().cloned().collect()
    }
}

impl Drop for Fake {
    fn drop(&mut self) {
        // The CA, cloud file and anything a test wrote there.
        let _ = std::fs::remove_dir_all(&self.dir);
        if self.strict && !std::thread::panicking() {
            let v = self.violations();
            if !v.is_empty() {
                let list: Vec<String> = v.iter().map(|v| format!("  - {v}")).collect();
                panic!(
                    "{} wire-contract violation(s) against the official API definitions:\n{}",
                    v.len(),
                    list.join("\n")
                );
            }
        }
    }
}

// ---- the server ------------------------------------------------------------------------------

fn service_of(host: &str) -> Option<(Service, String)> {
    match host {
        LOGIN_HOST => Some((Service::Entra, String::new())),
        ARM_HOST => Some((Service::Arm, String::new())),
        GRAPH_HOST => Some((Service::Graph, String::new())),
        h => h
            .strip_suffix(&format!(".{VAULT_SUFFIX}"))
            .map(|v| (Service::KeyVault, v.to_string())),
    }
}

/// The scope a bearer token must have been issued for, per service.
fn audience(service: Service) -> Option<&'static str> {
    match service {
        Service::Arm => Some("https://management.azure.com"),
        Service::Graph => Some("https://graph.microsoft.com"),
        Service::KeyVault => Some("https://vault.azure.net"),
        Service::Entra => None,
    }
}

fn authorized(s: &FakeState, headers: &axum::http::HeaderMap, audience: &str) -> bool {
    headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .is_some_and(|token| s.tokens.get(token).is_some_and(|scope| scope.starts_with(audience)))
}

fn unauthorized(service: Service) -> Reply {
    match service {
        // Key Vault's challenge names the authority and the resource to ask a token for.
        Service::KeyVault => keyvault::error(
            401,
            "Unauthorized",
            "AKV10000: Request is missing a Bearer or PoP token.",
            None,
        )
        .header(
            "www-authenticate",
            format!("Bearer authorization=\"https://{LOGIN_HOST}/{TENANT}\", resource=\"https://vault.azure.net\""),
        ),
        _ => Reply::arm_error(401, "InvalidAuthenticationToken", "The access token is invalid."),
    }
}

/// The single entry point: settle operations, journal, faults, route, check both bodies.
async fn handle(State(state): State<Shared>, req: Request) -> Response {
    let (started, latency) = {
        let mut s = state.lock().unwrap();
        s.settle_due();
        (s.started.elapsed(), s.latency)
    };
    let (parts, body) = req.into_parts();
    let raw = axum::body::to_bytes(body, 16 << 20).await.unwrap_or_default();
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
    let method = parts.method.to_string();
    let json_body: Option<Value> = serde_json::from_slice(&raw).ok();
    let context = format!("{method} {host}{path}");

    let fault = state.lock().unwrap().take_fault(&method, &path);
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    let mut reset_after = false;
    let mut mutate = None;
    let reply: Option<Reply> = match fault {
        Some(FaultKind::Throttle { retry_after_secs }) => Some(
            Reply::arm_error(429, "TooManyRequests", "The request is being throttled.")
                .header("retry-after", retry_after_secs.to_string()),
        ),
        Some(FaultKind::Error { status, code }) => Some(Reply::arm_error(status, &code, "scripted failure")),
        Some(FaultKind::ErrorMessage { status, code, message }) => Some(Reply::arm_error(status, &code, &message)),
        Some(FaultKind::Unavailable) => Some(Reply::arm_error(503, "ServiceUnavailable", "Try again later.")),
        Some(FaultKind::Reset) => None,
        other => {
            let mut lro_failure = None;
            match other {
                Some(FaultKind::FailLro { code, message }) => lro_failure = Some((code, message)),
                Some(FaultKind::ResetAfterApply) => reset_after = true,
                Some(FaultKind::MutateResponse { pointer, value }) => mutate = Some((pointer, value)),
                Some(FaultKind::Before(f)) => f(&mut state.lock().unwrap()),
                _ => {}
            }
            Some(
                route(
                    &state,
                    &host,
                    &method,
                    &path,
                    &query,
                    &parts.headers,
                    raw.to_vec(),
                    json_body.clone(),
                    lro_failure,
                    &context,
                    mutate,
                )
                .await,
            )
        }
    };

    let status = reply.as_ref().map(|r| r.status).unwrap_or(200);
    let logged_body = if method == "GET" { None } else { json_body };
    {
        let mut s = state.lock().unwrap();
        let at = s.started.elapsed();
        s.journal.push(Entry {
            started,
            at,
            method: method.clone(),
            host,
            path,
            query,
            status,
            body: logged_body,
            if_match: parts
                .headers
                .get("if-match")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned),
        });
    }
    match reply {
        Some(r) if !reset_after => into_response(r),
        _ => reset_response(),
    }
}

#[allow(clippy::too_many_arguments)]
async fn route(
    state: &Shared,
    host: &str,
    method: &str,
    path: &str,
    query: &str,
    headers: &axum::http::HeaderMap,
    raw: Vec<u8>,
    body: Option<Value>,
    lro_failure: Option<(String, String)>,
    context: &str,
    mutate: Option<(String, Value)>,
) -> Reply {
    let Some((service, vault)) = service_of(host) else {
        return Reply::arm_error(
            421,
            "MisdirectedRequest",
            &format!("the fake does not serve host {host:?}"),
        );
    };
    let Some((route, params)) = router::find(routes::table(), service, method, path) else {
        state.lock().unwrap().violations.push(Violation {
            context: context.to_string(),
            path: String::new(),
            problem: "no route: the fake does not model this endpoint".into(),
        });
        return Reply::arm_error(
            404,
            "NoRouteInFake",
            &format!("the fake does not model {method} {path}"),
        );
    };
    if let Some(v) = router::check_api_version(route, query, context) {
        state.lock().unwrap().violations.push(v);
    }
    if let Some(aud) = audience(service)
        && !authorized(&state.lock().unwrap(), headers, aud)
    {
        return unauthorized(service);
    }
    if let (Some(w), Some(b)) = (route.request, &body) {
        let v = contract::check(w, b, Direction::Request, context);
        state.lock().unwrap().violations.extend(v);
    }
    let ctx = Ctx {
        state: state.clone(),
        method: method.to_string(),
        path: path.to_string(),
        query: query.to_string(),
        headers: headers.clone(),
        body: body.unwrap_or(Value::Null),
        raw_body: raw,
        params,
        vault,
        lro_failure,
    };
    if service == Service::KeyVault
        && let Some(throttled) = keyvault::over_limit(&ctx)
    {
        return throttled;
    }
    if service == Service::KeyVault
        && let Some(denied) = keyvault::authorize(&ctx)
    {
        return denied;
    }
    let mut reply = match route.handler {
        Handler::Sync(f) => f(&ctx),
        Handler::Async(f) => f(ctx).await,
    };
    if let (Some((pointer, value)), Some(b)) = (mutate, reply.body.as_mut()) {
        set_pointer(b, &pointer, value);
    }
    let shape = if reply.status >= 400 {
        route.error
    } else {
        reply.wire.or(route.response)
    };
    if let (Some(w), Some(b), None) = (shape, &reply.body, reply.unchecked) {
        let v = contract::check(w, b, Direction::Response, context);
        state.lock().unwrap().violations.extend(v);
    }
    reply
}

/// Set a JSON pointer's value, creating objects on the way.
fn set_pointer(doc: &mut Value, pointer: &str, value: Value) {
    let mut at = doc;
    let segs: Vec<&str> = pointer.trim_start_matches('/').split('/').collect();
    for (i, seg) in segs.iter().enumerate() {
        if !at.is_object() {
            *at = json!({});
        }
        if i + 1 == segs.len() {
            at[*seg] = value;
            return;
        }
        at = &mut at[*seg];
    }
}

pub(crate) fn into_response(r: Reply) -> Response {
    let status = StatusCode::from_u16(r.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut resp = match r.body {
        Some(b) => (status, axum::Json(b)).into_response(),
        None => status.into_response(),
    };
    for (k, v) in r.headers {
        if let (Ok(name), Ok(value)) = (
            axum::http::HeaderName::from_bytes(k.as_bytes()),
            HeaderValue::from_str(&v),
        ) {
            resp.headers_mut().append(name, value);
        }
    }
    resp
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
