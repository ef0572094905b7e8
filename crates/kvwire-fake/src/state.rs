//! The fake's state: ARM resources, Key Vault secrets, tokens, running operations, scripted
//! faults and the request journal. One mutex guards it; handlers hold it briefly.

use crate::{SUB, TENANT, contract::Violation};
use serde_json::{Value, json};
use std::{
    collections::{BTreeMap, HashMap},
    sync::{Arc, Mutex},
    time::{Duration, Instant, SystemTime, UNIX_EPOCH},
};

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
    /// The request body (JSON) of writes.
    pub body: Option<Value>,
    /// Request headers kvwire sent that the fake acts on (`if-match`, `if-none-match`).
    pub if_match: Option<String>,
}

impl Entry {
    /// A change to Azure state (token requests are not).
    pub fn is_write(&self) -> bool {
        self.method != "GET" && self.method != "HEAD" && self.host != crate::LOGIN_HOST
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
    /// The same with this message: ARM's `error.message` is the service's free text for people,
    /// which often quotes names and values as given (ARM resource provider contract, common API
    /// details, "Error response content": `{"error": {"code", "message", "target", "details"}}`).
    ErrorMessage { status: u16, code: String, message: String },
    /// The long-running operation this request starts ends in `Failed` with this code.
    FailLro { code: String, message: String },
    /// Answer normally, then apply this change to the JSON body sent back (to prove the contract
    /// check catches a body Azure would never send).
    MutateResponse { pointer: String, value: Value },
    /// Before handling the request, run this (a competing writer, say).
    Before(fn(&mut FakeState)),
}

#[derive(Debug, Clone)]
pub struct Fault {
    pub method: Option<String>,
    /// Case-insensitive substring of the path.
    pub path_contains: String,
    /// Matching requests to let through before the fault starts (e.g. the plan's read, to hit the
    /// apply's read of the same thing).
    pub skip: usize,
    pub times: usize,
    pub kind: FaultKind,
}

/// How a long-running operation tells the client it is still running. Azure's resource
/// providers use all three (ARM RPC, "Asynchronous operations":
/// github.com/cloud-and-ai-microsoft/resource-provider-contract, async-api-reference.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LroStyle {
    /// `Azure-AsyncOperation` header: poll the status document.
    AsyncOperation,
    /// 202 with `Location`: poll until it stops answering 202.
    Location,
    /// No header: poll the resource until `provisioningState` is terminal.
    ProvisioningState,
}

/// Kinds of operation whose duration and LRO style a test can set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OpKind {
    /// managedClusters PUT.
    ClusterUpdate,
    /// agentPools/upgradeNodeImageVersion POST.
    NodeImageUpgrade,
    /// identityBindings PUT.
    IdentityBinding,
}

/// What happens to the resources when an operation ends (`true` = succeeded).
pub type Finish = Box<dyn FnOnce(&mut FakeState, bool) + Send>;

pub struct Operation {
    /// Lower-cased ID of the resource the operation runs on.
    pub resource: String,
    pub kind: OpKind,
    pub style: LroStyle,
    pub done_at: Instant,
    /// Polls still to answer "in progress" before it may end (tests that count polls).
    pub polls_left: u32,
    pub failure: Option<(String, String)>,
    pub finish: Option<Finish>,
    /// `Some(true|false)` once ended.
    pub ended: Option<bool>,
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
    /// Contract violations found in requests and responses (see `contract`).
    pub violations: Vec<Violation>,
    /// access token → scope it was issued for.
    pub tokens: HashMap<String, String>,
    /// Tokens Entra issued to kvwire's service principal (client credentials): app-only tokens,
    /// which carry only the application permissions granted to the app.
    pub app_tokens: std::collections::HashSet<String>,
    /// kvwire's service principal holds Microsoft Graph's `Application.Read.All` application
    /// permission (admin-consented). Off by default, as in most CI setups: Graph then answers its
    /// app-only calls 403.
    pub graph_application_read_all: bool,
    /// ARM resources by lower-cased ID.
    pub resources: BTreeMap<String, Value>,
    /// Agent pool ID (lower-cased) → newest node image.
    pub latest_node_image: HashMap<String, String>,
    /// principalId → when its identity was created (for PrincipalNotFound).
    pub principal_created: HashMap<String, Instant>,
    /// How long a new principal is unknown to role assignments (replication delay).
    pub principal_not_found_for: Duration,
    /// `InProgress` answers before an operation may end.
    pub lro_polls: u32,
    /// How long operations of each kind run (wall clock); absent = no time at all.
    pub op_duration: HashMap<OpKind, Duration>,
    /// How operations of each kind report progress; absent = `Azure-AsyncOperation`.
    pub lro_style: HashMap<OpKind, LroStyle>,
    /// `Retry-After` (seconds) on answers that start or poll an operation; `None`: no header.
    pub poll_retry_after: Option<u64>,
    /// Items per page of every ARM list (Azure pages every list; small pages make paging visible).
    pub page_size: usize,
    /// Most items per Key Vault list page (the service's own maximum is 25).
    pub kv_page_max: usize,
    /// Added to every answer (for benchmarks).
    pub latency: Duration,
    /// The next N role-assignment lists miss everything (ARM read replication lag).
    pub assignment_list_lag: usize,
    /// How long a new role assignment answers GET by name with 404 `RoleAssignmentNotFound`:
    /// ARM reads are eventually consistent (Azure RBAC troubleshooting, "When you assign roles or
    /// remove role assignments, it can take up to 10 minutes for changes to take effect";
    /// terraform-provider-azurerm's role_assignment_resource.go polls GET by name, retrying 404,
    /// until it has replicated).
    pub assignment_get_lag: Duration,
    /// Role assignment (lower-cased ID) → when it was created, for `assignment_get_lag`.
    pub assignment_created: HashMap<String, Instant>,
    /// Service principals in the directory: application (client) ID → object ID.
    pub service_principals: HashMap<String, String>,
    /// `(vault, lower-case name)` → secret.
    pub secrets: BTreeMap<(String, String), SecretItem>,
    /// Answer a write that carries `If-Match` on a busy cluster or pool with AKS's bare 409
    /// `EtagMismatch` ("Operation is not allowed: Another operation is in progress",
    /// Azure/terraform-azurerm-aks#604) instead of `OperationNotAllowed`: real AKS sends both.
    pub busy_etag_mismatch: bool,
    /// AKS's throttling budgets, token buckets as the AKS quotas page gives them
    /// (learn.microsoft.com/azure/aks/quotas-skus-regions, "Throttling limits": "PUT — 20 requests —
    /// 1 request / 1 minute — ManagedClusters"; "LIST — 500 requests — 1 requests / 1 second —
    /// Subscription"; throttled requests get `Throttled`, 429, with `Retry-After`): (bucket size,
    /// time to refill one).
    pub aks_put_budget: (f64, Duration),
    pub aks_list_budget: (f64, Duration),
    /// Bucket state by key (a cluster's ID for PUTs, `list:` + subscription for LISTs).
    pub aks_buckets: HashMap<String, (f64, Instant)>,
    /// Key Vault's service limit: at most this many requests per vault in the window ("All other
    /// transactions: 4,000" per vault per region in 10 seconds; Key Vault service limits), past
    /// which the vault answers 429 with `Retry-After` (Key Vault throttling guidance).
    pub kv_limit: (usize, Duration),
    /// Each vault's requests in the current window (vault name → arrival times).
    pub kv_window: HashMap<String, std::collections::VecDeque<Instant>>,
    /// Requests the vault refused for being over its limit.
    pub kv_throttled: usize,
    /// Identities (lower-cased ID) with a federated-credential write in progress, until when.
    pub fic_writing: HashMap<String, Instant>,
    /// How long one federated-credential write (PUT or DELETE) holds its identity: another write
    /// to a credential of the same identity meanwhile is refused 409
    /// `ConcurrentFederatedIdentityCredentialsWritesForSingleManagedIdentity` (Microsoft Entra
    /// "Workload identity federation considerations", concurrent updates: "Creating multiple
    /// federated identity credentials under the same user-assigned managed identity concurrently
    /// triggers concurrency detection logic, which causes requests to fail with 409-conflict").
    /// The article gives no duration; the default (30 ms) keeps tests fast, benchmarks set their own.
    pub fic_write_hold: Duration,
    /// Refuse a concurrent federated-credential write with plain 409 `Conflict` instead of
    /// `ConcurrentFederatedIdentityCredentialsWritesForSingleManagedIdentity`: the considerations
    /// article's error table lists "409 | Conflict | Concurrent write request to federated identity
    /// credential resources under the same user-assigned identity has been denied."
    pub fic_conflict_plain: bool,
    /// How long a new identity (by its principal's `principal_created`) answers federated-credential
    /// PUTs with 404 `ParentResourceNotFound`, before it has replicated.
    pub fic_parent_lag: Duration,
    pub ops: HashMap<String, Operation>,
    /// Each managed cluster's Kubernetes API server, by lower-cased cluster ID (see `kube`).
    pub kube: BTreeMap<String, crate::kube::Cluster>,
    /// What the Kubernetes API servers' listeners need (set when the fake starts).
    pub kube_env: Option<Arc<crate::kube::Env>>,
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
            violations: vec![],
            tokens: HashMap::new(),
            app_tokens: Default::default(),
            graph_application_read_all: false,
            resources: BTreeMap::new(),
            latest_node_image: HashMap::new(),
            principal_created: HashMap::new(),
            principal_not_found_for: Duration::ZERO,
            lro_polls: 1,
            op_duration: HashMap::new(),
            lro_style: HashMap::new(),
            poll_retry_after: Some(0),
            page_size: 2,
            kv_page_max: 2,
            secrets: BTreeMap::new(),
            service_principals: HashMap::new(),
            latency: Duration::ZERO,
            assignment_list_lag: 0,
            assignment_get_lag: Duration::ZERO,
            assignment_created: HashMap::new(),
            busy_etag_mismatch: false,
            aks_put_budget: (20.0, Duration::from_secs(60)),
            aks_list_budget: (500.0, Duration::from_secs(1)),
            aks_buckets: HashMap::new(),
            kv_limit: (4000, Duration::from_secs(10)),
            kv_window: HashMap::new(),
            kv_throttled: 0,
            fic_writing: Default::default(),
            fic_write_hold: Duration::from_millis(30),
            fic_conflict_plain: false,
            fic_parent_lag: Duration::ZERO,
            ops: HashMap::new(),
            kube: BTreeMap::new(),
            kube_env: None,
            counter: 0,
        }
    }

    /// Take one request from the AKS budget `(size, refill)` kept under `key`; the wait before one
    /// is left when there is none.
    pub fn aks_take(&mut self, key: &str, (size, refill): (f64, Duration)) -> Option<Duration> {
        let now = Instant::now();
        let (tokens, at) = self.aks_buckets.entry(key.to_ascii_lowercase()).or_insert((size, now));
        *tokens = (*tokens + now.duration_since(*at).as_secs_f64() / refill.as_secs_f64()).min(size);
        *at = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            None
        } else {
            Some(refill.mul_f64(1.0 - *tokens))
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

    pub fn resource_mut(&mut self, id: &str) -> Option<&mut Value> {
        self.resources.get_mut(&id.to_ascii_lowercase())
    }

    pub fn arm_base(&self) -> String {
        format!("https://{}:{}", crate::ARM_HOST, self.port)
    }

    /// A new entity tag, as the managedClusters/agentPools bodies carry it: an opaque string
    /// without quotes (official example ManagedClustersGet: `"eTag": "beywbwei"`).
    pub fn new_etag(&mut self) -> String {
        self.guid().replace('-', "")
    }

    /// Start a long-running operation on `resource`; returns its ID.
    pub fn start_operation(
        &mut self,
        resource: &str,
        kind: OpKind,
        failure: Option<(String, String)>,
        finish: Finish,
    ) -> String {
        let id = self.guid();
        let duration = self.op_duration.get(&kind).copied().unwrap_or_default();
        let style = self.lro_style.get(&kind).copied().unwrap_or(LroStyle::AsyncOperation);
        self.ops.insert(
            id.clone(),
            Operation {
                resource: resource.to_ascii_lowercase(),
                kind,
                style,
                done_at: Instant::now() + duration,
                polls_left: self.lro_polls,
                failure,
                finish: Some(finish),
                ended: None,
            },
        );
        id
    }

    /// The operation still running on this resource (lower-cased ID), if any.
    pub fn running_on(&self, resource: &str) -> Option<&str> {
        let r = resource.to_ascii_lowercase();
        self.ops
            .iter()
            .find(|(_, op)| op.ended.is_none() && op.resource == r)
            .map(|(id, _)| id.as_str())
    }

    /// End every operation whose time is up (Azure finishes them whether or not anyone polls).
    /// Operations that must still answer "in progress" to a poll wait for it.
    pub fn settle_due(&mut self) {
        let now = Instant::now();
        let due: Vec<String> = self
            .ops
            .iter()
            .filter(|(_, op)| op.ended.is_none() && op.done_at <= now && op.polls_left == 0)
            .map(|(id, _)| id.clone())
            .collect();
        for id in due {
            self.end_operation(&id);
        }
    }

    /// Count one poll of `op`; ends it when its time is up. Returns whether it has ended.
    pub fn poll_operation(&mut self, op: &str) -> Option<bool> {
        let o = self.ops.get_mut(op)?;
        if o.ended.is_some() {
            return o.ended;
        }
        if o.polls_left > 0 {
            o.polls_left -= 1;
            return None;
        }
        if o.done_at > Instant::now() {
            return None;
        }
        self.end_operation(op)
    }

    fn end_operation(&mut self, id: &str) -> Option<bool> {
        let (finish, ok) = {
            let o = self.ops.get_mut(id)?;
            let ok = o.failure.is_none();
            o.ended = Some(ok);
            (o.finish.take(), ok)
        };
        if let Some(f) = finish {
            f(self, ok);
        }
        Some(ok)
    }

    pub fn take_fault(&mut self, method: &str, path: &str) -> Option<FaultKind> {
        self.take_fault_where(method, path, |_| true)
    }

    /// [`Self::take_fault`], among the faults of the kinds `kind` accepts.
    pub fn take_fault_where(
        &mut self,
        method: &str,
        path: &str,
        kind: impl Fn(&FaultKind) -> bool,
    ) -> Option<FaultKind> {
        let path = path.to_ascii_lowercase();
        let f = self.faults.iter_mut().find(|f| {
            f.times > 0
                && kind(&f.kind)
                && f.method.as_deref().is_none_or(|m| m.eq_ignore_ascii_case(method))
                && path.contains(&f.path_contains.to_ascii_lowercase())
        })?;
        if f.skip > 0 {
            f.skip -= 1;
            return None;
        }
        f.times -= 1;
        Some(f.kind.clone())
    }

    /// A user-assigned identity document, created as Microsoft.ManagedIdentity does.
    pub fn new_identity(&mut self, id: &str, location: &Value, tags: Value) -> Value {
        let (client, principal) = (self.guid(), self.guid());
        self.principal_created.insert(principal.clone(), Instant::now());
        json!({"id": id, "name": id.rsplit('/').next(), "type": "Microsoft.ManagedIdentity/userAssignedIdentities",
               "location": location, "tags": tags,
               "properties": {"clientId": client, "principalId": principal, "tenantId": TENANT, "isolationScope": "None"}})
    }
}

pub fn now_secs() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs()
}

/// Now as the date-time strings ARM bodies carry (`createdOn`: RFC 3339, UTC).
pub fn now_rfc3339() -> String {
    time::OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .unwrap_or_else(|_| time::OffsetDateTime::now_utc())
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// `/subscriptions/{SUB}/resourceGroups/{rg}/providers/{ns}/{type}/{name}`.
pub fn resource_id(rg: &str, ns_type: &str, name: &str) -> String {
    format!("/subscriptions/{SUB}/resourceGroups/{rg}/providers/{ns_type}/{name}")
}
