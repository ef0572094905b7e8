//! Applying kvwire's objects to a cluster: server-side apply as field manager `kvwire`, its dry
//! run for the plan, the difference a dry run makes to the live object (as `kubectl diff` shows
//! it), and deleting what a runbook applied.
//!
//! Kubernetes behaviour relied on (server-side apply docs,
//! https://kubernetes.io/docs/reference/using-api/server-side-apply/):
//! * `PATCH` with `application/apply-patch+yaml` and `fieldManager` creates or updates; the
//!   applier owns exactly the fields it sent ("Field management").
//! * A field another manager owns with a different value answers 409 `Conflict` with one
//!   `FieldManagerConflict` cause per field; `force=true` takes the field over ("Conflicts").
//! * `dryRun=All` runs the whole request, admission and defaulting included, and stores nothing
//!   (API concepts, "Dry-run": https://kubernetes.io/docs/reference/using-api/api-concepts/#dry-run).
//! * An apply that changes nothing writes nothing: the object keeps its `resourceVersion`
//!   (API concepts, "Resource versions").

use crate::error::{Error, Result};
use kube::{
    Api, Client,
    api::{ApiResource, DeleteParams, DynamicObject, GroupVersionKind, Patch, PatchParams},
};
use serde_json::{Map, Value, json};

/// kvwire's field manager: who owns the fields it applies.
pub(crate) const FIELD_MANAGER: &str = "kvwire";

/// A kind kvwire applies or reads: its API version, plural (the URL's resource) and scope.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Kind {
    pub(crate) kind: &'static str,
    pub(crate) api_version: &'static str,
    pub(crate) plural: &'static str,
    pub(crate) namespaced: bool,
    /// The plan's resource type.
    pub(crate) resource_type: &'static str,
    /// kvwire applies it (else it only reads it: verify's pods, events, mount statuses).
    pub(crate) applied: bool,
}

impl Kind {
    /// The API of this kind, in `namespace` when it is namespaced and one is given, else of the
    /// whole cluster.
    pub(crate) fn api(&self, client: &Client, namespace: Option<&str>) -> Api<DynamicObject> {
        let (group, version) = self.api_version.rsplit_once('/').unwrap_or(("", self.api_version));
        let ar = ApiResource::from_gvk_with_plural(&GroupVersionKind::gvk(group, version, self.kind), self.plural);
        match namespace {
            Some(ns) if self.namespaced => Api::namespaced_with(client.clone(), ns, &ar),
            _ => Api::all_with(client.clone(), &ar),
        }
    }
}

/// Every kind kvwire emits (k8s/manifests.rs), the Namespace it may create, and what verify
/// reads of the pods that run from them.
const KINDS: [Kind; 9] = [
    Kind {
        kind: "Namespace",
        api_version: "v1",
        plural: "namespaces",
        namespaced: false,
        resource_type: "Kubernetes v1 Namespace",
        applied: true,
    },
    Kind {
        kind: "ServiceAccount",
        api_version: "v1",
        plural: "serviceaccounts",
        namespaced: true,
        resource_type: "Kubernetes v1 ServiceAccount",
        applied: true,
    },
    Kind {
        kind: "SecretProviderClass",
        api_version: "secrets-store.csi.x-k8s.io/v1",
        plural: "secretproviderclasses",
        namespaced: true,
        resource_type: "Kubernetes secrets-store.csi.x-k8s.io/v1 SecretProviderClass",
        applied: true,
    },
    Kind {
        kind: "ClusterRole",
        api_version: "rbac.authorization.k8s.io/v1",
        plural: "clusterroles",
        namespaced: false,
        resource_type: "Kubernetes rbac.authorization.k8s.io/v1 ClusterRole",
        applied: true,
    },
    Kind {
        kind: "ClusterRoleBinding",
        api_version: "rbac.authorization.k8s.io/v1",
        plural: "clusterrolebindings",
        namespaced: false,
        resource_type: "Kubernetes rbac.authorization.k8s.io/v1 ClusterRoleBinding",
        applied: true,
    },
    Kind {
        kind: "Deployment",
        api_version: "apps/v1",
        plural: "deployments",
        namespaced: true,
        resource_type: "Kubernetes apps/v1 Deployment",
        applied: true,
    },
    Kind {
        kind: "Pod",
        api_version: "v1",
        plural: "pods",
        namespaced: true,
        resource_type: "Kubernetes v1 Pod",
        applied: false,
    },
    Kind {
        kind: "Event",
        api_version: "v1",
        plural: "events",
        namespaced: true,
        resource_type: "Kubernetes v1 Event",
        applied: false,
    },
    Kind {
        kind: "SecretProviderClassPodStatus",
        api_version: "secrets-store.csi.x-k8s.io/v1",
        plural: "secretproviderclasspodstatuses",
        namespaced: true,
        resource_type: "Kubernetes secrets-store.csi.x-k8s.io/v1 SecretProviderClassPodStatus",
        applied: false,
    },
];

/// The kind of object `doc`, one kvwire applies.
pub(crate) fn kind_of(doc: &Value) -> Result<Kind> {
    let kind = doc["kind"].as_str().unwrap_or_default();
    KINDS
        .iter()
        .find(|k| k.applied && k.kind == kind && doc["apiVersion"] == k.api_version)
        .copied()
        .ok_or_else(|| Error::runtime(format!("kvwire does not apply objects of kind {kind:?}")))
}

/// Kind `kind`, applied or read.
pub(crate) fn kind_named(kind: &str) -> Option<Kind> {
    KINDS.iter().find(|k| k.kind == kind).copied()
}

/// `Kind ns/name` (or `Kind name` for a cluster-scoped object).
pub(crate) fn label_of(doc: &Value) -> String {
    let m = &doc["metadata"];
    let name = m["name"].as_str().unwrap_or_default();
    match m["namespace"].as_str() {
        Some(ns) => format!("{} {ns}/{name}", doc["kind"].as_str().unwrap_or_default()),
        None => format!("{} {name}", doc["kind"].as_str().unwrap_or_default()),
    }
}

/// One object in one cluster, addressed by the API.
pub(crate) struct Target {
    api: Api<DynamicObject>,
    pub(crate) name: String,
}

impl Target {
    pub(crate) fn new(client: &Client, doc: &Value) -> Result<Target> {
        let api = kind_of(doc)?.api(client, doc["metadata"]["namespace"].as_str());
        let name = doc["metadata"]["name"].as_str().unwrap_or_default().to_string();
        Ok(Target { api, name })
    }

    /// The live object, `None` when there is none.
    pub(crate) async fn get(&self) -> Result<Option<Value>> {
        match self.api.get_opt(&self.name).await {
            Ok(o) => Ok(o.map(|o| serde_json::to_value(o).expect("an object is JSON"))),
            Err(e) => Err(api_error(&self.name, "reading", e)),
        }
    }

    /// Server-side apply of `doc` as [`FIELD_MANAGER`]; `dry`: `dryRun=All`, nothing stored;
    /// `force`: take over fields another manager owns.
    pub(crate) async fn apply(&self, doc: &Value, dry: bool, force: bool) -> std::result::Result<Value, Refused> {
        let mut pp = PatchParams::apply(FIELD_MANAGER);
        if force {
            pp = pp.force();
        }
        if dry {
            pp = pp.dry_run();
        }
        match self.api.patch(&self.name, &pp, &Patch::Apply(doc)).await {
            Ok(o) => Ok(serde_json::to_value(o).expect("an object is JSON")),
            Err(kube::Error::Api(s)) if s.code == 409 => {
                let conflicts: Vec<Conflict> = s
                    .details
                    .iter()
                    .flat_map(|d| d.causes.iter())
                    .filter(|c| c.reason == "FieldManagerConflict")
                    .map(|c| Conflict {
                        field: c.field.clone(),
                        manager: c.message.trim_start_matches("conflict with ").to_string(),
                    })
                    .collect();
                if !conflicts.is_empty() {
                    Err(Refused::Conflicts(conflicts))
                } else if s.reason == "Conflict" {
                    // No field-manager cause: the object's resourceVersion is no longer the one
                    // the apply carried (apiserver registry `Store.Update`).
                    Err(Refused::Changed)
                } else {
                    Err(Refused::Other(api_error(&self.name, "applying", kube::Error::Api(s))))
                }
            }
            Err(kube::Error::Api(s)) if s.code == 404 => Err(Refused::NotFound(s.message.clone())),
            Err(e) => Err(Refused::Other(api_error(&self.name, "applying", e))),
        }
    }

    /// Delete the object (its dependents in the background, the API server's default for most
    /// kinds: garbage collection docs, "Cascading deletion"), only while its resourceVersion is
    /// still `version`, the one the decision to delete was made on (DeleteOptions preconditions:
    /// 409 otherwise, as [`Refused::Changed`]). Gone already is done.
    pub(crate) async fn delete(&self, version: Option<&str>) -> std::result::Result<(), Refused> {
        let mut dp = DeleteParams::background();
        dp.preconditions = version.map(|rv| kube::api::Preconditions {
            resource_version: Some(rv.to_string()),
            uid: None,
        });
        match self.api.delete(&self.name, &dp).await {
            Ok(_) => Ok(()),
            Err(kube::Error::Api(s)) if s.code == 404 => Ok(()),
            Err(kube::Error::Api(s)) if s.code == 409 => Err(Refused::Changed),
            Err(e) => Err(Refused::Other(api_error(&self.name, "deleting", e))),
        }
    }
}

/// The ClusterRoleBindings that grant ClusterRole `role`, except those carrying `label`: every
/// runbook on an identity binds the one `use-mi-CLIENT_ID` role with its own binding, so another
/// runbook's binding means the role is still in use.
pub(crate) async fn other_bindings_of(client: &Client, role: &str, label: &(String, String)) -> Result<Vec<String>> {
    let bindings = kind_named("ClusterRoleBinding").expect("a kind kvwire applies");
    let list = bindings
        .api(client, None)
        .list(&kube::api::ListParams::default())
        .await
        .map_err(|e| api_error("clusterrolebindings", "listing", e))?;
    Ok(list
        .items
        .into_iter()
        .map(|o| serde_json::to_value(o).expect("an object is JSON"))
        .filter(|b| b["roleRef"]["kind"] == "ClusterRole" && b["roleRef"]["name"] == role)
        .filter(|b| b["metadata"]["labels"][&label.0].as_str() != Some(label.1.as_str()))
        .filter_map(|b| b["metadata"]["name"].as_str().map(str::to_owned))
        .collect())
}

/// Whether namespace `ns` exists.
pub(crate) async fn namespace_exists(client: &Client, ns: &str) -> Result<bool> {
    let t = Target::new(
        client,
        &json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}}),
    )?;
    Ok(t.get().await?.is_some())
}

/// A field another manager owns, as the API server's 409 names it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Conflict {
    /// `.spec.replicas`
    pub(crate) field: String,
    /// `"kubectl-edit"`, or `"m" using apps/v1` as the server prints it.
    pub(crate) manager: String,
}

/// Why an apply did not go through.
#[derive(Debug)]
pub(crate) enum Refused {
    /// Fields another manager owns (409 with `FieldManagerConflict` causes).
    Conflicts(Vec<Conflict>),
    /// 404: the namespace does not exist.
    NotFound(String),
    /// 409 without field-manager causes: the object is no longer at the resourceVersion the
    /// request was conditional on.
    Changed,
    Other(Error),
}

impl Refused {
    pub(crate) fn into_error(self, what: &str) -> Error {
        match self {
            Refused::Conflicts(c) => Error::runtime(format!(
                "{what}: {}; kvwire does not take fields another field manager owns unless --force-conflicts",
                conflicts_text(&c)
            )),
            Refused::NotFound(m) => Error::runtime(format!("{what}: {m}")),
            Refused::Changed => Error::stale(format!(
                "{what}: changed in the cluster since the plan; nothing was written to it: plan again"
            )),
            Refused::Other(e) => e,
        }
    }
}

/// `field .spec.replicas is owned by "kubectl-edit", …`
pub(crate) fn conflicts_text(conflicts: &[Conflict]) -> String {
    conflicts
        .iter()
        .map(|c| format!("field {} is owned by {}", c.field, c.manager))
        .collect::<Vec<_>>()
        .join(", ")
}

fn api_error(name: &str, doing: &str, e: kube::Error) -> Error {
    match e {
        kube::Error::Api(s) => Error::runtime(format!(
            "{doing} {name}: the API server answered {} {}: {}",
            s.code, s.reason, s.message
        )),
        other => Error::runtime(format!(
            "{doing} {name}: {}",
            other.to_string().lines().next().unwrap_or_default()
        )),
    }
}

/// What the API server sets on every object and `kubectl diff` does not show as a change:
/// managedFields, resourceVersion, generation, uid, creationTimestamp, and status (API
/// conventions, "Metadata" and "Spec and Status": system-populated fields).
pub(crate) fn comparable(doc: &Value) -> Value {
    let mut d = doc.clone();
    if let Some(m) = d.as_object_mut() {
        m.remove("status");
        if let Some(meta) = m.get_mut("metadata").and_then(Value::as_object_mut) {
            for k in [
                "managedFields",
                "resourceVersion",
                "generation",
                "uid",
                "creationTimestamp",
            ] {
                meta.remove(k);
            }
        }
    }
    d
}

/// The resourceVersion of an object as read.
pub(crate) fn resource_version(doc: &Value) -> Option<String> {
    doc["metadata"]["resourceVersion"].as_str().map(str::to_owned)
}

/// Every leaf that differs between `before` and `after` (both [`comparable`]): (path, before,
/// after), `None` where the leaf is absent. Paths are dotted; a key with `.` or `/` in it is
/// quoted (`metadata.labels["app.kubernetes.io/managed-by"]`); list items by index (`[0]`).
pub(crate) fn diff(before: Option<&Value>, after: &Value) -> Vec<(String, Option<Value>, Option<Value>)> {
    let mut a = vec![];
    let mut b = vec![];
    leaves(after, "", &mut a);
    if let Some(before) = before {
        leaves(before, "", &mut b);
    }
    let mut out = vec![];
    for (p, v) in &a {
        match b.iter().find(|(q, _)| q == p) {
            Some((_, w)) if w == v => {}
            Some((_, w)) => out.push((p.clone(), Some(w.clone()), Some(v.clone()))),
            None => out.push((p.clone(), None, Some(v.clone()))),
        }
    }
    for (p, w) in &b {
        if !a.iter().any(|(q, _)| q == p) {
            out.push((p.clone(), Some(w.clone()), None));
        }
    }
    out
}

fn leaves(v: &Value, path: &str, out: &mut Vec<(String, Value)>) {
    match v {
        Value::Object(m) if !m.is_empty() => {
            for (k, item) in m {
                let key = if k.contains(['.', '/']) || k.is_empty() {
                    format!("[{}]", Value::String(k.clone()))
                } else if path.is_empty() {
                    k.clone()
                } else {
                    format!(".{k}")
                };
                leaves(item, &format!("{path}{key}"), out);
            }
        }
        Value::Array(a) if !a.is_empty() => {
            for (i, item) in a.iter().enumerate() {
                leaves(item, &format!("{path}[{i}]"), out);
            }
        }
        other => out.push((path.to_string(), other.clone())),
    }
}

/// `doc` with `labels` added to its `metadata.labels`.
pub(crate) fn with_labels(doc: &Value, labels: &[(String, String)]) -> Value {
    let mut d = doc.clone();
    let meta = d["metadata"].as_object_mut().expect("an object has metadata");
    let l = meta.entry("labels").or_insert_with(|| Value::Object(Map::new()));
    for (k, v) in labels {
        l[k] = json!(v);
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diff_names_leaves_and_quotes_label_keys() {
        let before = json!({"metadata": {"labels": {"app.kubernetes.io/managed-by": "kvwire"}}, "spec": {"replicas": 1, "c": [{"image": "a"}]}});
        let after = json!({"metadata": {"labels": {"app.kubernetes.io/managed-by": "kvwire", "x": "y"}}, "spec": {"replicas": 2, "c": [{"image": "a"}]}});
        let d = diff(Some(&before), &after);
        assert_eq!(
            d,
            vec![
                ("metadata.labels.x".into(), None, Some(json!("y"))),
                ("spec.replicas".into(), Some(json!(1)), Some(json!(2))),
            ]
        );
        let created = diff(None, &before);
        assert_eq!(created[0].0, "metadata.labels[\"app.kubernetes.io/managed-by\"]");
        assert_eq!(created[2].0, "spec.c[0].image");
    }

    #[test]
    fn runbook_label_values_are_valid_label_values() {
        assert_eq!(super::super::runbook_label("shop").1, "shop");
        let long = super::super::runbook_label(&"a".repeat(80)).1;
        assert!(long.len() <= 63, "{long}");
    }
}
