//! `[manifests] apply`: the objects a runbook emits, applied to its cluster one step per object
//! (server-side apply, field manager `kvwire`, labelled with the runbook), planned from the API
//! server's dry run; and `down`'s deletion of what carries this runbook's label.

use crate::{
    azure::{cluster::ClusterRef, context::Azure, principal::Principal, vault::Vault},
    error::{Error, Result},
    k8s::{
        access::{self, AccessOptions},
        apply::{self, Kind, Refused, Target},
        manifests::{Config, Resolved, build},
    },
    plan::{Action, After, FieldChange, Phase, Planned, Step},
    util::Progress,
};
use serde_json::{Value, json};
use std::sync::Arc;
use tokio::sync::OnceCell;

/// How `up`/`plan` treat the cluster's objects (flags of the command line).
#[derive(Clone, Default)]
pub(crate) struct KubeOptions {
    /// `--apply-manifests`: apply even when the runbook does not say `apply = true`.
    pub(crate) apply: bool,
    /// `--force-conflicts`: take over fields another field manager owns.
    pub(crate) force_conflicts: bool,
    /// How to reach the cluster's API (`--kubeconfig`, `--context`, `--admin`).
    pub(crate) access: AccessOptions,
    /// A client already connected that way (verify's, for its drift plan), used instead of
    /// connecting again.
    pub(crate) connected: Option<kube::Client>,
}

/// The objects the runbooks of this run apply, by cluster: a fleet's runbooks plan side by side
/// before any applies, so an object two of them name is caught here, not by the API server.
static CLAIMS: std::sync::Mutex<Vec<(String, String, String)>> = std::sync::Mutex::new(Vec::new());

/// Claim `object` in `cluster` for `runbook`; the runbook that claimed it first, if another.
fn claim(cluster: &str, object: &str, runbook: &str) -> Option<String> {
    let mut claims = CLAIMS.lock().expect("claims");
    match claims.iter().find(|(c, o, _)| c == cluster && o == object) {
        Some((_, _, owner)) => Some(owner.clone()),
        None => {
            claims.push((cluster.to_string(), object.to_string(), runbook.to_string()));
            None
        }
    }
}

/// The cluster's API, reached once for all of a runbook's Kubernetes steps, when the first needs it.
#[derive(Clone)]
pub(crate) struct KubeCluster {
    cluster: ClusterRef,
    access: AccessOptions,
    client: Arc<OnceCell<std::result::Result<kube::Client, String>>>,
}

impl KubeCluster {
    pub(crate) fn new(cluster: ClusterRef, k: &KubeOptions) -> KubeCluster {
        KubeCluster {
            cluster,
            access: k.access.clone(),
            client: Arc::new(OnceCell::new_with(k.connected.clone().map(Ok))),
        }
    }

    pub(crate) fn label(&self) -> String {
        format!("{}/{}", self.cluster.rg, self.cluster.name)
    }

    /// A client for the API server, or why there is none (`access::connect`'s words).
    async fn client(&self) -> Result<kube::Client> {
        let c = &self.cluster;
        let reached = self
            .client
            .get_or_init(|| async {
                let (_, mc) = c.read().await.map_err(|e| e.to_string())?;
                access::connect(&c.az, &c.rg, &c.name, &mc, &self.access)
                    .await
                    .map(|r| r.client)
                    .map_err(|u| u.0)
            })
            .await;
        reached.clone().map_err(Error::runtime)
    }
}

/// The objects of a runbook's `[manifests]`, rendered from what Azure holds.
pub(crate) struct Render {
    pub(crate) az: Arc<Azure>,
    pub(crate) vault: Vault,
    pub(crate) cfg: Config,
    /// Whose client ID the objects carry.
    pub(crate) client: Principal,
}

/// Where a client ID goes in an object rendered before it is known (an address, a down plan for
/// an identity that is gone).
pub(crate) const UNKNOWN_CLIENT_ID: &str = "(identity client ID)";

impl Render {
    fn resolved(&self, client_id: Option<String>) -> Resolved {
        Resolved {
            vault_uri: self.vault.uri.to_string(),
            keyvault_name: self.vault.name.clone(),
            tenant_id: self.vault.tenant_id.clone(),
            client_id,
            cloud: self.az.cloud.clone(),
        }
    }

    /// The objects, or `None` while the identity does not exist yet.
    async fn docs(&self) -> Result<Option<Vec<Value>>> {
        let Some(id) = self.client.client_id(&self.az).await? else {
            return Ok(None);
        };
        Ok(Some(build(&self.cfg, &self.resolved(Some(id)))?))
    }

    /// The objects with the client ID as read now, or [`UNKNOWN_CLIENT_ID`] in its place.
    pub(crate) async fn docs_or_placeholder(&self) -> Result<Vec<Value>> {
        match self.docs().await? {
            Some(d) => Ok(d),
            None => self.placeholder(),
        }
    }

    /// The objects with [`UNKNOWN_CLIENT_ID`]: which there are, and their addresses.
    pub(crate) fn placeholder(&self) -> Result<Vec<Value>> {
        build(&self.cfg, &self.resolved(Some(UNKNOWN_CLIENT_ID.into())))
    }
}

/// Which object a step applies.
#[derive(Clone)]
pub(crate) enum Slot {
    /// The `[manifests] create_namespace` Namespace.
    Namespace(String),
    /// The n-th object [`Render`] emits.
    Emitted(usize),
}

/// One object applied to the cluster.
pub(crate) struct ApplyObject {
    pub(crate) cluster: KubeCluster,
    pub(crate) render: Arc<Render>,
    pub(crate) slot: Slot,
    /// `Kind ns/name` as known before anything is read.
    pub(crate) label: String,
    /// The object's name (before the identity it may name exists: [`UNKNOWN_CLIENT_ID`] in it).
    pub(crate) name: String,
    pub(crate) kind: Kind,
    /// The namespace the object goes in, checked before any write.
    pub(crate) namespace: Option<String>,
    pub(crate) create_namespace: bool,
    /// The runbook's label ([`crate::k8s::runbook_label`]).
    pub(crate) runbook_label: (String, String),
    pub(crate) force_conflicts: bool,
}

impl ApplyObject {
    /// The object as its address names it (kind, namespace, name), known before the identity
    /// it names is: enough to read it.
    fn addressed(&self) -> Value {
        let mut doc =
            json!({"apiVersion": self.kind.api_version, "kind": self.kind.kind, "metadata": {"name": self.name}});
        if let Some(ns) = &self.namespace {
            doc["metadata"]["namespace"] = json!(ns);
        }
        doc
    }

    /// The object as applied, labelled; `None` while the identity does not exist yet.
    async fn desired(&self) -> Result<Option<Value>> {
        let labels = [self.runbook_label.clone()];
        match &self.slot {
            Slot::Namespace(ns) => Ok(Some(apply::with_labels(
                &json!({"apiVersion": "v1", "kind": "Namespace",
                        "metadata": {"name": ns, "labels": crate::k8s::managed_by_label()}}),
                &labels,
            ))),
            Slot::Emitted(i) => Ok(self
                .render
                .docs()
                .await?
                .and_then(|d| d.get(*i).cloned())
                .map(|d| apply::with_labels(&d, &labels))),
        }
    }
}

/// Each leaf of `doc` as a change from nothing.
fn creation(doc: &Value) -> Vec<FieldChange> {
    changes(apply::diff(None, &apply::comparable(doc)))
}

fn changes(d: Vec<(String, Option<Value>, Option<Value>)>) -> Vec<FieldChange> {
    d.into_iter()
        .map(|(path, before, after)| FieldChange {
            path,
            before,
            after: After::Value(after.unwrap_or(Value::Null)),
        })
        .collect()
}

impl ApplyObject {
    /// Why this runbook may not apply the object when runbook `owner` does: kvwire is one field
    /// manager for every runbook, so the API server would let one take over another's object
    /// without a conflict. Runbooks do not share objects, but for the identity's ClusterRole,
    /// which `down` keeps while another runbook binds it, and namespaces.
    fn taken(&self, owner: &str) -> Option<String> {
        let (key, mine) = &self.runbook_label;
        (owner != mine && !self.shared()).then(|| {
            format!(
                "{} is runbook {owner}'s ({key}={owner}): two runbooks cannot apply one object; give this runbook's [manifests] another name or namespace",
                self.label
            )
        })
    }

    /// The kinds runbooks share: the identity's ClusterRole, and namespaces (`down` never
    /// deletes one).
    fn shared(&self) -> bool {
        matches!(self.kind.kind, "ClusterRole" | "Namespace")
    }
}

#[async_trait::async_trait]
impl Step for ApplyObject {
    fn address(&self) -> String {
        format!("kubernetes {}", self.label)
    }

    fn phase(&self) -> Phase {
        Phase::KUBERNETES
    }

    async fn plan(&self) -> Result<Planned> {
        let client = self.cluster.client().await?;
        let planned = Planned::new(self.address(), self.phase(), self.kind.resource_type, Action::Create);
        // Another runbook's object: applying in this run (a fleet), or in the cluster already.
        let mut owner = claim(&self.cluster.label(), &self.label, &self.runbook_label.1);
        // (Shared kinds need no read; a name that holds a client ID not made yet names nothing.)
        if owner.is_none() && !self.shared() && !self.name.contains(UNKNOWN_CLIENT_ID) {
            let live = Target::new(&client, &self.addressed())?.get().await?;
            owner = live.and_then(|l| {
                l["metadata"]["labels"][&self.runbook_label.0]
                    .as_str()
                    .map(str::to_owned)
            });
        }
        if let Some(why) = owner.and_then(|o| self.taken(&o)) {
            return Ok(planned.blocked(why));
        }
        if let Some(ns) = &self.namespace
            && !apply::namespace_exists(&client, ns).await?
        {
            if !self.create_namespace {
                // A namespaced object cannot be created in a namespace that does not exist (API
                // concepts; the NamespaceLifecycle admission plugin answers 404).
                return Ok(planned.blocked(format!(
                    "namespace {ns} does not exist in cluster {}; set [manifests] create_namespace = true for kvwire to create it, or create it first",
                    self.cluster.label()
                )));
            }
            let Some(doc) = self.desired().await? else {
                return Ok(planned
                    .reason("the identity is created earlier in this run")
                    .changes(vec![FieldChange::unknown("object")]));
            };
            return Ok(planned
                .reason(format!("namespace {ns} is created earlier in this run"))
                .changes(creation(&doc)));
        }
        let Some(doc) = self.desired().await? else {
            return Ok(planned
                .reason("the identity is created earlier in this run")
                .changes(vec![FieldChange::unknown("object")]));
        };
        let target = Target::new(&client, &doc)?;
        let live = target.get().await?;
        // kvwire is one field manager for every runbook, so the API server would let one runbook
        // take over another's object without a conflict. Runbooks do not share objects (but the
        // identity's ClusterRole, which `down` keeps while another binds it).
        let action = if live.is_some() { Action::Update } else { Action::Create };
        let planned = Planned {
            action,
            ..planned.observed(live.as_ref().and_then(apply::resource_version))
        };
        let before = live.as_ref().map(apply::comparable);
        // The plan is the API server's own answer to this apply, stored nothing (dryRun=All), as
        // `kubectl diff` shows it.
        let dry = match target.apply(&doc, true, self.force_conflicts).await {
            Ok(d) => d,
            Err(Refused::Conflicts(c)) => {
                // Server-side apply docs, "Conflicts": another manager's field is never taken over
                // without force.
                let mine: Vec<FieldChange> = changes(apply::diff(before.as_ref(), &apply::comparable(&doc)))
                    .into_iter()
                    .filter(|c| c.after != After::Value(Value::Null))
                    .collect();
                return Ok(planned.changes(mine).blocked(format!(
                    "conflicts with another field manager: {}; kvwire does not take them over: pass --force-conflicts to, or leave those fields to their manager",
                    apply::conflicts_text(&c)
                )));
            }
            Err(e) => return Err(e.into_error(&self.address())),
        };
        let diff = changes(apply::diff(before.as_ref(), &apply::comparable(&dry)));
        if diff.is_empty() {
            return Ok(Planned {
                action: Action::NoOp,
                ..planned.reason("in the cluster as kvwire applies it")
            });
        }
        Ok(planned.changes(diff))
    }

    async fn apply(&self, planned: &Planned, on: Progress<'_>) -> Result<()> {
        let client = self.cluster.client().await?;
        let mut doc = self
            .desired()
            .await?
            .ok_or_else(|| Error::runtime("the pods' identity does not exist yet"))?;
        let target = Target::new(&client, &doc)?;
        if planned.exact
            && let Some(rv) = &planned.observed
        {
            // A saved plan applies to the object it was made from: its resourceVersion changes
            // on every write (API concepts, "Resource versions"). The apply carries it, so the
            // API server refuses it if the object moved on since (409); the read first tells a
            // deleted object, which an apply would create again.
            doc["metadata"]["resourceVersion"] = Value::String(rv.clone());
            let now = target.get().await?;
            let now_rv = now.as_ref().and_then(apply::resource_version);
            if now_rv.as_deref() != Some(rv.as_str()) {
                return Err(Error::stale(format!(
                    "{}: changed in the cluster since the plan (resourceVersion {rv} → {}); nothing was written to it: plan again",
                    self.label,
                    now_rv.as_deref().unwrap_or("gone")
                )));
            }
        }
        on(&format!("applying {}", self.label));
        target
            .apply(&doc, false, self.force_conflicts)
            .await
            .map_err(|e| e.into_error(&self.address()))?;
        Ok(())
    }
}

/// `down`: one object `up` applied, deleted when it carries this runbook's label.
pub(crate) struct DeleteObject {
    pub(crate) cluster: KubeCluster,
    /// The object as emitted (its kind, name and namespace are what count).
    pub(crate) doc: Value,
    pub(crate) kind: Kind,
    pub(crate) runbook_label: (String, String),
}

#[async_trait::async_trait]
impl Step for DeleteObject {
    fn address(&self) -> String {
        format!("kubernetes {}", apply::label_of(&self.doc))
    }

    fn phase(&self) -> Phase {
        Phase::REMOVE
    }

    async fn plan(&self) -> Result<Planned> {
        let client = self.cluster.client().await?;
        let planned = Planned::new(self.address(), self.phase(), self.kind.resource_type, Action::NoOp);
        let Some(live) = Target::new(&client, &self.doc)?.get().await? else {
            return Ok(planned.reason("not in the cluster"));
        };
        let (key, value) = &self.runbook_label;
        // The identity's ClusterRole is one for every runbook on the identity (its label names
        // the last to apply it): kvwire's, it goes with the last binding that grants it.
        let shared_role =
            self.doc["kind"] == "ClusterRole" && live["metadata"]["labels"]["app.kubernetes.io/managed-by"] == "kvwire";
        if !shared_role && live["metadata"]["labels"][key].as_str() != Some(value.as_str()) {
            let why = format!(
                "{} is left in place: it does not carry the label {key}={value} (this runbook did not apply it)",
                apply::label_of(&self.doc)
            );
            return Ok(planned.reason(why.clone()).warnings(vec![why]));
        }
        // ... and stays while another runbook's ClusterRoleBinding grants it.
        if shared_role {
            let role = self.doc["metadata"]["name"].as_str().unwrap_or_default();
            let others = apply::other_bindings_of(&client, role, &self.runbook_label).await?;
            if !others.is_empty() {
                return Ok(planned.reason(format!(
                    "kept: still granted by ClusterRoleBinding {} (another runbook's service accounts use the identity)",
                    others.join(", ")
                )));
            }
        }
        Ok(Planned {
            action: Action::Delete,
            ..planned
                .observed(apply::resource_version(&live))
                .changes(vec![FieldChange {
                    path: "object".into(),
                    before: Some(json!(apply::label_of(&self.doc))),
                    after: After::Value(Value::Null),
                }])
        })
    }

    async fn apply(&self, planned: &Planned, on: Progress<'_>) -> Result<()> {
        let client = self.cluster.client().await?;
        on(&format!("deleting {}", apply::label_of(&self.doc)));
        // Deleted as it was when `down` decided to (its label, no other binding): a runbook that
        // took it over since has changed its resourceVersion.
        Target::new(&client, &self.doc)?
            .delete(planned.observed.as_deref())
            .await
            .map_err(|e| e.into_error(&self.address()))
    }
}
