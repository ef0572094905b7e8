//! A Kubernetes API server per AKS cluster, with the controllers `verify` depends on: what kvwire
//! meets once it server-side-applies its ServiceAccount, SecretProviderClass and Deployment.
//!
//! Each managed cluster of the fake gets its own listener on 127.0.0.1 (its own port, as each
//! AKS cluster has its own API server), served with the fake's TLS certificate (which names
//! 127.0.0.1) and reached through the kubeconfig that `listClusterUserCredential` /
//! `listClusterAdminCredential` return (arm::credentials) or [`crate::Fake::kubeconfig`].
//!
//! Behaviour and its sources (see docs/testing.md for the table):
//! * Objects, errors and discovery follow the Kubernetes API conventions
//!   (kubernetes/community contributors/devel/sig-architecture/api-conventions.md): `Status`
//!   bodies with `reason`, `code` and `details`; `resourceVersion` changes on every write and
//!   only then; `metadata.uid`, `creationTimestamp`; `generation` bumped by spec changes.
//! * Server-side apply (kubernetes.io/docs/reference/using-api/server-side-apply/): `api.rs`,
//!   `schema.rs`.
//! * Authentication: bearer tokens only. A cluster with AKS-managed Entra ID integration accepts
//!   Entra tokens issued for the AKS server application `6dae42f8-4368-4678-94ff-3960e28e3630`
//!   (Azure/kubelogin docs, concepts/aks.md; learn.microsoft.com/azure/aks/kubelogin-authentication),
//!   and, unless local accounts are disabled, the static tokens its credential kubeconfigs carry;
//!   anything else is 401 with the API server's `Unauthorized` Status.
//! * Controllers (`controllers.rs`): Deployment → pods, the ServiceAccount admission plugin,
//!   the workload identity webhook, the Secrets Store CSI driver and its Azure provider.

pub mod api;
pub mod controllers;
pub mod schema;
#[cfg(test)]
mod tests;

use crate::{
    router::Reply,
    state::{FakeState, Shared},
};
use axum::{
    extract::{Request, State},
    response::Response,
};
use serde_json::{Value, json};
use std::{collections::BTreeMap, sync::Arc};
use tokio_rustls::rustls;

/// The Entra application every AKS cluster's API server accepts tokens for (Azure/kubelogin,
/// docs/book/src/concepts/aks.md: "Azure Kubernetes Service AAD Server").
pub const AKS_SERVER_APP: &str = "6dae42f8-4368-4678-94ff-3960e28e3630";
/// The public client kubelogin signs users in with (same page: "Azure Kubernetes Service AAD Client").
pub const AKS_CLIENT_APP: &str = "80faf920-1908-4b52-b5ef-a8e7bedfc67a";
/// The node every pod of the fake runs on.
pub const NODE: &str = "aks-nodepool1-12345678-vmss000000";

/// A kind the fake serves.
#[derive(Debug)]
pub struct Resource {
    pub group: &'static str,
    pub version: &'static str,
    pub kind: &'static str,
    pub plural: &'static str,
    pub singular: &'static str,
    pub namespaced: bool,
    /// Has a `status` subresource: apply to the main resource ignores `status`, and spec changes
    /// bump `metadata.generation`.
    pub status: bool,
    pub short: &'static [&'static str],
    /// Served from a CRD (its objects keep `apiVersion`/`kind` in lists, and get `generation`).
    pub custom: bool,
}

impl Resource {
    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.to_string()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }

    /// `deployments.apps`, `namespaces`: how the API server names the resource in messages.
    pub fn qualified(&self) -> String {
        if self.group.is_empty() {
            self.plural.to_string()
        } else {
            format!("{}.{}", self.plural, self.group)
        }
    }

    /// `Deployment.apps`, `Pod`: how validation errors name the kind.
    pub fn qualified_kind(&self) -> String {
        if self.group.is_empty() {
            self.kind.to_string()
        } else {
            format!("{}.{}", self.kind, self.group)
        }
    }

    pub fn schema(&self) -> &'static Value {
        schema::root(self.group, self.version, self.kind).unwrap_or_else(|| panic!("no schema for {}", self.kind))
    }

    /// Whether spec changes bump `metadata.generation` (apps objects and custom resources).
    pub fn generation(&self) -> bool {
        self.custom || self.group == "apps"
    }
}

const WRITE: bool = true;

/// The kinds served (the subset of a 1.31 API server kvwire reads or writes), with the names
/// discovery gives them.
pub const RESOURCES: &[Resource] = &[
    Resource {
        group: "",
        version: "v1",
        kind: "Namespace",
        plural: "namespaces",
        singular: "namespace",
        namespaced: false,
        status: WRITE,
        short: &["ns"],
        custom: false,
    },
    Resource {
        group: "",
        version: "v1",
        kind: "ServiceAccount",
        plural: "serviceaccounts",
        singular: "serviceaccount",
        namespaced: true,
        status: false,
        short: &["sa"],
        custom: false,
    },
    Resource {
        group: "",
        version: "v1",
        kind: "Pod",
        plural: "pods",
        singular: "pod",
        namespaced: true,
        status: WRITE,
        short: &["po"],
        custom: false,
    },
    Resource {
        group: "",
        version: "v1",
        kind: "Event",
        plural: "events",
        singular: "event",
        namespaced: true,
        status: false,
        short: &["ev"],
        custom: false,
    },
    Resource {
        group: "apps",
        version: "v1",
        kind: "Deployment",
        plural: "deployments",
        singular: "deployment",
        namespaced: true,
        status: WRITE,
        short: &["deploy"],
        custom: false,
    },
    Resource {
        group: "rbac.authorization.k8s.io",
        version: "v1",
        kind: "ClusterRole",
        plural: "clusterroles",
        singular: "clusterrole",
        namespaced: false,
        status: false,
        short: &[],
        custom: false,
    },
    Resource {
        group: "rbac.authorization.k8s.io",
        version: "v1",
        kind: "ClusterRoleBinding",
        plural: "clusterrolebindings",
        singular: "clusterrolebinding",
        namespaced: false,
        status: false,
        short: &[],
        custom: false,
    },
    Resource {
        group: "secrets-store.csi.x-k8s.io",
        version: "v1",
        kind: "SecretProviderClass",
        plural: "secretproviderclasses",
        singular: "secretproviderclass",
        namespaced: true,
        status: false,
        short: &[],
        custom: true,
    },
    Resource {
        group: "secrets-store.csi.x-k8s.io",
        version: "v1",
        kind: "SecretProviderClassPodStatus",
        plural: "secretproviderclasspodstatuses",
        singular: "secretproviderclasspodstatus",
        namespaced: true,
        status: false,
        short: &[],
        custom: true,
    },
];

pub fn resource(group: &str, version: &str, plural: &str) -> Option<&'static Resource> {
    RESOURCES
        .iter()
        .find(|r| r.group == group && r.version == version && r.plural == plural)
}

pub fn by_kind(api_version: &str, kind: &str) -> Option<&'static Resource> {
    RESOURCES
        .iter()
        .find(|r| r.api_version() == api_version && r.kind == kind)
}

/// (plural, namespace, name); cluster-scoped objects have namespace "".
pub type Key = (String, String, String);

/// One cluster's API server: its objects and its listener.
pub struct Cluster {
    /// The managed cluster's ARM ID, as the fake holds it.
    pub arm_id: String,
    pub objects: BTreeMap<Key, Value>,
    /// The last resourceVersion handed out (etcd's revision: one counter for every kind).
    pub rv: u64,
    pub port: Option<u16>,
    serving: Option<(tokio::sync::oneshot::Sender<()>, std::sync::mpsc::Receiver<()>)>,
    /// The static tokens of the user and admin credential kubeconfigs.
    pub user_token: String,
    pub admin_token: String,
    /// Out of reach (a knob, or a private cluster): [`serve`] keeps the port closed.
    pub blocked: bool,
    pub(crate) seq: u64,
}

impl Cluster {
    pub fn next_rv(&mut self) -> String {
        self.rv += 1;
        self.rv.to_string()
    }

    /// A short random-looking suffix, as generated names carry (`-x7k2p`).
    pub fn suffix(&mut self, len: usize) -> String {
        const ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
        self.seq += 1;
        let salt = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos() as u64)
            .unwrap_or(0);
        let mut n = self.seq.wrapping_mul(2654435761).wrapping_add(salt);
        (0..len)
            .map(|_| {
                let c = ALPHABET[(n % ALPHABET.len() as u64) as usize] as char;
                n /= ALPHABET.len() as u64;
                n = n.wrapping_add(self.seq.wrapping_mul(7919));
                c
            })
            .collect()
    }

    pub fn get(&self, plural: &str, ns: &str, name: &str) -> Option<&Value> {
        self.objects
            .get(&(plural.to_string(), ns.to_string(), name.to_string()))
    }

    pub fn of(&self, plural: &str) -> impl Iterator<Item = (&Key, &Value)> {
        let plural = plural.to_string();
        self.objects.iter().filter(move |(k, _)| k.0 == plural)
    }
}

/// What every cluster's listener needs: the fake's TLS setup and runtime.
pub struct Env {
    pub tls: Arc<rustls::ServerConfig>,
    pub rt: tokio::runtime::Handle,
    pub ca_pem: String,
    /// A client certificate signed by the fake's CA (`CN=masterclient, O=system:masters`), which the
    /// credential kubeconfigs carry as AKS's do; the fake asks for no client certificate.
    pub client_cert_pem: String,
    pub client_key_pem: String,
}

/// The cluster's API server state, created (with the namespaces and service accounts a new
/// cluster has) on first use.
pub fn cluster<'s>(s: &'s mut FakeState, arm_id: &str) -> &'s mut Cluster {
    let key = arm_id.to_ascii_lowercase();
    if !s.kube.contains_key(&key) {
        let user_token = hex_token(&s.guid());
        let admin_token = hex_token(&s.guid());
        let mut c = Cluster {
            arm_id: arm_id.to_string(),
            objects: BTreeMap::new(),
            rv: 1000,
            port: None,
            serving: None,
            user_token,
            admin_token,
            blocked: false,
            seq: 0,
        };
        // A new cluster's namespaces (Kubernetes docs, "Namespaces": default, kube-node-lease,
        // kube-public, kube-system), each with its `default` service account (the service
        // account controller creates one in every namespace).
        for ns in ["default", "kube-node-lease", "kube-public", "kube-system"] {
            controllers::create_namespace(&mut c, ns);
        }
        s.kube.insert(key.clone(), c);
    }
    s.kube.get_mut(&key).expect("inserted")
}

fn hex_token(guid: &str) -> String {
    let hex: String = guid.chars().filter(char::is_ascii_hexdigit).collect();
    format!("{hex}{}", hex.chars().rev().collect::<String>())
}

/// A `Status` failure body (api-conventions.md, "Response Status Kind").
pub fn status(code: u16, reason: &str, message: &str, details: Option<Value>) -> Reply {
    let mut body = json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                          "message": message, "code": code});
    if !reason.is_empty() {
        body["reason"] = json!(reason);
    }
    if let Some(d) = details {
        body["details"] = d;
    }
    Reply::json(code, body)
}

/// A `Status`'s `details` for object `name` of resource `r` (meta/v1 StatusDetails: `kind` is the
/// resource's plural, `group` only for a named group).
pub fn details(r: &Resource, name: &str) -> Value {
    let mut details = json!({"name": name, "kind": r.plural});
    if !r.group.is_empty() {
        details["group"] = json!(r.group);
    }
    details
}

/// 404 for an object that does not exist: `deployments.apps "web" not found`.
pub fn not_found(r: &Resource, name: &str) -> Reply {
    let details = details(r, name);
    status(
        404,
        "NotFound",
        &format!("{} \"{name}\" not found", r.qualified()),
        Some(details),
    )
}

/// 409 for a precondition that no longer holds (apimachinery `NewConflict`): `Operation cannot be
/// fulfilled on deployments.apps "web": {why}`.
pub fn conflict(r: &Resource, name: &str, why: &str) -> Reply {
    let details = details(r, name);
    status(
        409,
        "Conflict",
        &format!("Operation cannot be fulfilled on {} \"{name}\": {why}", r.qualified()),
        Some(details),
    )
}

/// Whether the request's bearer token may use this cluster's API (see the module docs).
pub fn authenticated(s: &FakeState, c: &Cluster, headers: &axum::http::HeaderMap) -> bool {
    let Some(token) = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
    else {
        return false;
    };
    let mc = s.resource(&c.arm_id);
    let prop = |p: &str| mc.and_then(|m| m.pointer(&format!("/properties/{p}"))).cloned();
    let local_accounts = prop("disableLocalAccounts") != Some(json!(true));
    let entra = prop("aadProfile/managed") == Some(json!(true));
    if local_accounts && (token == c.admin_token || (!entra && token == c.user_token)) {
        return true;
    }
    entra
        && s.tokens
            .get(token)
            .is_some_and(|scope| scope.starts_with(AKS_SERVER_APP))
}

/// Start the cluster's API server (if it is not running, and not out of reach) and answer its
/// port. It listens on the port it had before, if it had one; a cluster out of reach gets a port
/// that refuses connections.
pub fn serve(state: &Shared, arm_id: &str) -> u16 {
    let (env, port) = {
        let mut s = state.lock().unwrap();
        let env = s.kube_env.clone().expect("the fake's runtime is up");
        let c = cluster(&mut s, arm_id);
        if c.serving.is_some() {
            return c.port.expect("a serving cluster has a port");
        }
        if c.blocked {
            let port = c.port.unwrap_or_else(|| bind(0).local_addr().unwrap().port());
            c.port = Some(port);
            return port;
        }
        (env, c.port)
    };
    let std_listener = bind(port.unwrap_or(0));
    std_listener.set_nonblocking(true).unwrap();
    let port = std_listener.local_addr().unwrap().port();
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let (done_tx, done_rx) = std::sync::mpsc::channel::<()>();
    {
        let mut s = state.lock().unwrap();
        let c = cluster(&mut s, arm_id);
        c.port = Some(port);
        c.serving = Some((stop_tx, done_rx));
    }
    let app = axum::Router::new()
        .fallback(handle)
        .with_state((state.clone(), arm_id.to_ascii_lowercase()));
    let tls = env.tls.clone();
    env.rt.spawn(async move {
        let listener = crate::tls::TlsListener {
            tcp: tokio::net::TcpListener::from_std(std_listener).unwrap(),
            acceptor: tokio_rustls::TlsAcceptor::from(tls),
            failed: Default::default(),
        };
        let _ = axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = stop_rx.await;
            })
            .await;
        let _ = done_tx.send(());
    });
    port
}

/// Bind 127.0.0.1:`port` (0: any), retrying a moment when the port was just released.
fn bind(port: u16) -> std::net::TcpListener {
    for _ in 0..50 {
        match std::net::TcpListener::bind(("127.0.0.1", port)) {
            Ok(l) => return l,
            Err(_) if port != 0 => std::thread::sleep(std::time::Duration::from_millis(20)),
            Err(e) => panic!("bind 127.0.0.1:{port}: {e}"),
        }
    }
    panic!("127.0.0.1:{port} stayed busy")
}

/// Put the cluster out of reach (`blocked`) or back: connections to its port are refused while
/// it is out of reach.
pub fn reachable(state: &Shared, arm_id: &str, yes: bool) {
    {
        let mut s = state.lock().unwrap();
        cluster(&mut s, arm_id).blocked = !yes;
    }
    if yes {
        serve(state, arm_id);
    } else {
        stop(state, arm_id);
    }
}

/// Stop the cluster's listener: connections to its port are refused until [`serve`] again.
fn stop(state: &Shared, arm_id: &str) {
    let serving = {
        let mut s = state.lock().unwrap();
        cluster(&mut s, arm_id).serving.take()
    };
    if let Some((stop, done)) = serving {
        let _ = stop.send(());
        let _ = done.recv_timeout(std::time::Duration::from_secs(5));
    }
}

/// A watch's answer: its events as they happen, one JSON document per line, until its timeout.
fn watch_response(state: Shared, w: api::Watch) -> Response {
    let deadline = tokio::time::Instant::now() + w.timeout;
    let stream = futures::stream::unfold(
        (state, w, std::collections::VecDeque::<String>::new()),
        move |(state, mut w, mut pending)| async move {
            loop {
                if let Some(line) = pending.pop_front() {
                    return Some((
                        Ok::<_, std::io::Error>(axum::body::Bytes::from(line)),
                        (state, w, pending),
                    ));
                }
                if tokio::time::Instant::now() >= deadline {
                    return None;
                }
                pending.extend(w.poll(&state));
                if pending.is_empty() {
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                }
            }
        },
    );
    let mut resp = Response::new(axum::body::Body::from_stream(stream));
    resp.headers_mut().insert(
        axum::http::header::CONTENT_TYPE,
        axum::http::HeaderValue::from_static("application/json"),
    );
    resp
}

async fn handle(State((state, key)): State<(Shared, String)>, req: Request) -> Response {
    let started = state.lock().unwrap().started.elapsed();
    let (parts, body) = req.into_parts();
    let raw = axum::body::to_bytes(body, 16 << 20).await.unwrap_or_default();
    let host = parts
        .headers
        .get("host")
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1")
        .to_string();
    let path = parts.uri.path().to_string();
    let query = parts.uri.query().unwrap_or("").to_string();
    let method = parts.method.to_string();
    let watching = method == "GET"
        && url::form_urlencoded::parse(query.as_bytes()).any(|(k, v)| k == "watch" && (v == "true" || v == "1"));
    let req = api::Req {
        method: &method,
        path: &path,
        query: &query,
        headers: &parts.headers,
        body: &raw,
    };
    // One journal entry per request, a write's body with it.
    let record = |status: u16, body: Option<Value>| {
        let mut s = state.lock().unwrap();
        let at = s.started.elapsed();
        s.journal.push(crate::Entry {
            started,
            at,
            method: method.clone(),
            host: host.clone(),
            path: path.clone(),
            query: query.clone(),
            status,
            body,
            if_match: None,
        });
    };
    if watching {
        let plan = api::watch(&state, &key, &req);
        record(plan.as_ref().map(|_| 200).unwrap_or_else(|r| r.status), None);
        return match plan {
            Err(reply) => crate::into_response(*reply),
            Ok(w) => watch_response(state, w),
        };
    }
    // A competing writer registered as `FaultKind::Before` runs right before the request, as on
    // Azure's routes (the one fault kind that means something to the Kubernetes API).
    {
        let mut s = state.lock().unwrap();
        if let Some(crate::state::FaultKind::Before(f)) =
            s.take_fault_where(&method, &path, |k| matches!(k, crate::state::FaultKind::Before(_)))
        {
            f(&mut s);
        }
    }
    let reply = api::request(&state, &key, &req);
    let logged = if method == "GET" {
        None
    } else {
        serde_json::from_slice(&raw).ok()
    };
    record(reply.status, logged);
    crate::into_response(reply)
}
