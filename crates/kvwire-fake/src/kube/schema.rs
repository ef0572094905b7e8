//! The Kubernetes schema vocabulary (tests/fixtures/k8s/api-server.json, written by
//! scripts/k8s-api-vocabulary.py from the Kubernetes 1.31 OpenAPI specification and the Secrets
//! Store CSI driver's CRDs), and what the API server does with it:
//!
//! * strict typing of applied objects: a field the schema does not declare is refused with
//!   structured-merge-diff's `field not declared in schema`, duplicate keys of an associative list
//!   with `duplicate entries for key [name="x"]` (the messages of kubernetes/kubernetes#122480 and
//!   of `failed to create typed patch object … errors:` answers);
//! * the field sets server-side apply tracks (`managedFields[].fieldsV1`): maps are granular,
//!   `x-kubernetes-list-type: map` lists are merged by their `x-kubernetes-list-map-keys` (`k:`),
//!   `set` lists by value (`v:`), every other list and `x-kubernetes-map-type: atomic` map is one
//!   field (server-side apply docs, "Merge strategy");
//! * paths printed as structured-merge-diff prints them: `.spec.template.spec.containers[name="app"].image`.

use serde_json::{Map, Value, json};
use std::{collections::BTreeSet, sync::OnceLock};

const TEXT: &str = include_str!("../../../../tests/fixtures/k8s/api-server.json");

pub fn vocabulary() -> &'static Value {
    static V: OnceLock<Value> = OnceLock::new();
    V.get_or_init(|| serde_json::from_str(TEXT).expect("tests/fixtures/k8s/api-server.json is JSON"))
}

pub const OBJECT_META: &str = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";

pub fn definition(name: &str) -> &'static Value {
    let d = &vocabulary()["definitions"][name];
    assert!(d.is_object(), "the Kubernetes vocabulary has no definition {name}");
    d
}

/// The root schema of a built-in kind (by `x-kubernetes-group-version-kind`), or of a CRD's kind.
pub fn root(group: &str, version: &str, kind: &str) -> Option<&'static Value> {
    let v = vocabulary();
    if let Some(crd) = v["crds"].get(format!("{group}/{version}/{kind}")) {
        return Some(&crd["schema"]);
    }
    v["definitions"].as_object()?.values().find(|d| {
        d["x-kubernetes-group-version-kind"].as_array().is_some_and(|gvks| {
            gvks.iter()
                .any(|g| g["group"] == group && g["version"] == version && g["kind"] == kind)
        })
    })
}

/// Follow `$ref`s to the definition.
pub fn resolve(node: &'static Value) -> &'static Value {
    let mut n = node;
    while let Some(r) = n.get("$ref").and_then(Value::as_str) {
        n = definition(r);
    }
    n
}

#[derive(Debug, Clone)]
pub enum ListKind {
    Atomic,
    Set,
    Map(Vec<String>),
}

pub enum Shape {
    /// `free`: an object the schema does not describe (RawExtension, FieldsV1): anything goes, and
    /// it is one field.
    Object {
        props: Option<&'static Map<String, Value>>,
        additional: Option<&'static Value>,
        atomic: bool,
        free: bool,
    },
    List {
        items: &'static Value,
        kind: ListKind,
    },
    Scalar(&'static str, &'static str),
    Any,
}

pub fn shape(node: &'static Value) -> Shape {
    let n = resolve(node);
    if n["x-kubernetes-preserve-unknown-fields"] == true {
        return Shape::Any;
    }
    if n["x-kubernetes-int-or-string"] == true {
        return Shape::Scalar("string", "int-or-string");
    }
    let format = n["format"].as_str().unwrap_or("");
    match n["type"].as_str() {
        Some("array") => {
            let kind = match n["x-kubernetes-list-type"].as_str() {
                Some("map") => Shape::list_keys(n),
                Some("set") => ListKind::Set,
                _ => ListKind::Atomic,
            };
            Shape::List {
                items: &n["items"],
                kind,
            }
        }
        Some(t @ ("string" | "integer" | "number" | "boolean")) => Shape::Scalar(t, format),
        Some("object") | None if n.get("properties").is_some() || n["type"] == "object" => {
            let props = n["properties"].as_object();
            let additional = n.get("additionalProperties").filter(|a| a.is_object());
            let free = props.is_none() && additional.is_none();
            Shape::Object {
                props,
                additional,
                atomic: free || n["x-kubernetes-map-type"] == "atomic",
                free,
            }
        }
        _ => Shape::Any,
    }
}

impl Shape {
    fn list_keys(n: &Value) -> ListKind {
        ListKind::Map(
            n["x-kubernetes-list-map-keys"]
                .as_array()
                .map(|a| a.iter().filter_map(|k| k.as_str().map(str::to_owned)).collect())
                .unwrap_or_default(),
        )
    }
}

// ---- paths ----------------------------------------------------------------------------------

/// One step of a field path, as structured-merge-diff's `fieldpath.PathElement`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Pe {
    Field(String),
    /// An associative list's element by its key fields: (name, JSON of the value), sorted by name.
    Key(Vec<(String, String)>),
    /// A set list's element by value (JSON).
    Value(String),
    /// An atomic list's element (only in validation messages).
    Index(usize),
}

pub type Path = Vec<Pe>;

pub fn path_string(p: &[Pe]) -> String {
    let mut s = String::new();
    for e in p {
        match e {
            Pe::Field(f) => {
                s.push('.');
                s.push_str(f);
            }
            Pe::Key(k) => {
                let parts: Vec<String> = k.iter().map(|(n, v)| format!("{n}={v}")).collect();
                s.push_str(&format!("[{}]", parts.join(",")));
            }
            Pe::Value(v) => s.push_str(&format!("[={v}]")),
            Pe::Index(i) => s.push_str(&format!("[{i}]")),
        }
    }
    s
}

fn json_of(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or(Value::Null)
}

fn key_of(item: &Value, keys: &[String]) -> Vec<(String, String)> {
    let mut k: Vec<(String, String)> = keys
        .iter()
        .filter_map(|name| item.get(name).map(|v| (name.clone(), v.to_string())))
        .collect();
    k.sort();
    k
}

fn matches_key(item: &Value, key: &[(String, String)]) -> bool {
    key.iter()
        .all(|(n, v)| item.get(n).map(|x| x.to_string()).as_deref() == Some(v.as_str()))
}

/// Fields the server owns and never records in a field set: type and identity, and what the
/// system sets (apimachinery's fieldmanager strips them before computing managed fields).
const SYSTEM_META: &[&str] = &[
    "name",
    "namespace",
    "uid",
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "managedFields",
    "selfLink",
];

// ---- validation -----------------------------------------------------------------------------

/// Problems of `v` against `root` (a kind's root schema), as (path, message).
pub fn validate(root: &'static Value, v: &Value) -> Vec<(Path, String)> {
    let mut errs = vec![];
    let mut path = vec![];
    check(root, v, &mut path, &mut errs, true);
    errs
}

fn kind_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "numeric",
        Value::String(_) => "string",
        Value::Array(_) => "list",
        Value::Object(_) => "map",
    }
}

fn check(node: &'static Value, v: &Value, path: &mut Path, errs: &mut Vec<(Path, String)>, root: bool) {
    if v.is_null() {
        return;
    }
    match shape(node) {
        Shape::Any => {}
        Shape::Scalar(t, format) => {
            let ok = match (t, format) {
                (_, "int-or-string") => v.is_string() || v.is_i64() || v.is_u64(),
                (_, "quantity") => v.is_string() || v.is_number(),
                ("string", _) => v.is_string(),
                ("integer", _) => v.is_i64() || v.is_u64(),
                ("number", _) => v.is_number(),
                ("boolean", _) => v.is_boolean(),
                _ => true,
            };
            if !ok {
                let want = match t {
                    "integer" | "number" => "numeric (int or float)",
                    "boolean" => "boolean",
                    _ => "string",
                };
                errs.push((path.clone(), format!("expected {want}, got {}", kind_name(v))));
            }
        }
        Shape::List { items, kind } => {
            let Some(a) = v.as_array() else {
                errs.push((path.clone(), format!("expected list, got {}", kind_name(v))));
                return;
            };
            let mut seen = BTreeSet::new();
            for (i, item) in a.iter().enumerate() {
                let el = match &kind {
                    ListKind::Map(keys) => {
                        let k = key_of(item, keys);
                        if !seen.insert(k.clone()) {
                            errs.push((
                                path.clone(),
                                format!("duplicate entries for key {}", path_string(&[Pe::Key(k.clone())])),
                            ));
                        }
                        Pe::Key(k)
                    }
                    ListKind::Set => {
                        if !seen.insert(vec![(String::new(), item.to_string())]) {
                            errs.push((path.clone(), format!("duplicate entries for value {item}")));
                        }
                        Pe::Value(item.to_string())
                    }
                    ListKind::Atomic => Pe::Index(i),
                };
                path.push(el);
                check(items, item, path, errs, false);
                path.pop();
            }
        }
        Shape::Object {
            props,
            additional,
            free,
            ..
        } => {
            let Some(obj) = v.as_object() else {
                errs.push((path.clone(), format!("expected map, got {}", kind_name(v))));
                return;
            };
            if free {
                return;
            }
            for (k, child) in obj {
                let schema = if root && k == "metadata" {
                    Some(definition(OBJECT_META))
                } else {
                    props.and_then(|p| p.get(k)).or(additional)
                };
                path.push(Pe::Field(k.clone()));
                match schema {
                    Some(s) => check(s, child, path, errs, false),
                    None if child.is_null() => {}
                    None => errs.push((path.clone(), "field not declared in schema".into())),
                }
                path.pop();
            }
        }
    }
}

/// Required fields (`required` of each definition) missing from `v`, as dotted paths the way
/// the API server's validation names them (`spec.selector`).
pub fn missing_required(root: &'static Value, v: &Value) -> Vec<String> {
    let mut out = vec![];
    required_walk(root, v, String::new(), &mut out, true);
    out
}

fn required_walk(node: &'static Value, v: &Value, at: String, out: &mut Vec<String>, root: bool) {
    let n = resolve(node);
    match shape(node) {
        Shape::Object { props, additional, .. } => {
            let Some(obj) = v.as_object() else { return };
            for r in n["required"].as_array().into_iter().flatten().filter_map(Value::as_str) {
                if obj.get(r).is_none_or(Value::is_null) {
                    out.push(join_dot(&at, r));
                }
            }
            for (k, child) in obj {
                if root && k == "metadata" {
                    continue;
                }
                if let Some(s) = props.and_then(|p| p.get(k)).or(additional) {
                    required_walk(s, child, join_dot(&at, k), out, false);
                }
            }
        }
        Shape::List { items, .. } => {
            for (i, item) in v.as_array().into_iter().flatten().enumerate() {
                required_walk(items, item, format!("{at}[{i}]"), out, false);
            }
        }
        _ => {}
    }
}

fn join_dot(at: &str, k: &str) -> String {
    if at.is_empty() {
        k.to_string()
    } else {
        format!("{at}.{k}")
    }
}

// ---- field sets -----------------------------------------------------------------------------

/// The fields `v` sets, as server-side apply records them. `status_reset`: the kind has a status
/// subresource, so the main resource's apply ignores `status`.
pub fn field_set(root: &'static Value, v: &Value, status_reset: bool) -> BTreeSet<Path> {
    let mut out = BTreeSet::new();
    let Some(obj) = v.as_object() else { return out };
    for (k, child) in obj {
        if child.is_null() || k == "apiVersion" || k == "kind" || (status_reset && k == "status") {
            continue;
        }
        let mut path = vec![Pe::Field(k.clone())];
        if k == "metadata" {
            for (mk, mv) in child.as_object().into_iter().flatten() {
                if SYSTEM_META.contains(&mk.as_str()) || mv.is_null() {
                    continue;
                }
                let s = &definition(OBJECT_META)["properties"][mk];
                path.push(Pe::Field(mk.clone()));
                fields(s, mv, &mut path, &mut out);
                path.pop();
            }
            continue;
        }
        if let Some(s) = child_schema(root, k) {
            fields(s, child, &mut path, &mut out);
        }
    }
    out
}

fn child_schema(node: &'static Value, k: &str) -> Option<&'static Value> {
    match shape(node) {
        Shape::Object { props, additional, .. } => props.and_then(|p| p.get(k)).or(additional),
        _ => None,
    }
}

fn fields(node: &'static Value, v: &Value, path: &mut Path, out: &mut BTreeSet<Path>) {
    match (shape(node), v) {
        (
            Shape::Object {
                props,
                additional,
                atomic: false,
                ..
            },
            Value::Object(obj),
        ) if !obj.is_empty() => {
            for (k, child) in obj {
                if child.is_null() {
                    continue;
                }
                path.push(Pe::Field(k.clone()));
                match props.and_then(|p| p.get(k)).or(additional) {
                    Some(s) => fields(s, child, path, out),
                    None => {
                        out.insert(path.clone());
                    }
                }
                path.pop();
            }
        }
        (
            Shape::List {
                items,
                kind: ListKind::Map(keys),
            },
            Value::Array(a),
        ) if !a.is_empty() => {
            for item in a {
                path.push(Pe::Key(key_of(item, &keys)));
                out.insert(path.clone());
                fields(items, item, path, out);
                path.pop();
            }
        }
        (
            Shape::List {
                kind: ListKind::Set, ..
            },
            Value::Array(a),
        ) if !a.is_empty() => {
            for item in a {
                path.push(Pe::Value(item.to_string()));
                out.insert(path.clone());
                path.pop();
            }
        }
        _ => {
            out.insert(path.clone());
        }
    }
}

/// The value at `path` in `v`.
pub fn get<'v>(v: &'v Value, path: &[Pe]) -> Option<&'v Value> {
    let mut at = v;
    for e in path {
        at = match e {
            Pe::Field(f) => at.get(f)?,
            Pe::Key(k) => at.as_array()?.iter().find(|i| matches_key(i, k))?,
            Pe::Value(j) => {
                let jv = json_of(j);
                at.as_array()?.iter().find(|i| **i == jv)?
            }
            Pe::Index(i) => at.get(*i)?,
        };
    }
    Some(at)
}

/// Remove the field (or list element) at `path` from `v`.
pub fn remove(v: &mut Value, path: &[Pe]) {
    let Some((last, parent)) = path.split_last() else {
        return;
    };
    let mut at = v;
    for e in parent {
        let next = match e {
            Pe::Field(f) => at.get_mut(f),
            Pe::Key(k) => at.as_array_mut().and_then(|a| a.iter_mut().find(|i| matches_key(i, k))),
            Pe::Value(j) => {
                let jv = json_of(j);
                at.as_array_mut().and_then(|a| a.iter_mut().find(|i| **i == jv))
            }
            Pe::Index(i) => at.get_mut(*i),
        };
        match next {
            Some(n) => at = n,
            None => return,
        }
    }
    match last {
        Pe::Field(f) => {
            if let Some(o) = at.as_object_mut() {
                o.remove(f);
            }
        }
        Pe::Key(k) => {
            if let Some(a) = at.as_array_mut() {
                a.retain(|i| !matches_key(i, k));
            }
        }
        Pe::Value(j) => {
            let jv = json_of(j);
            if let Some(a) = at.as_array_mut() {
                a.retain(|i| *i != jv);
            }
        }
        Pe::Index(i) => {
            if let Some(a) = at.as_array_mut()
                && *i < a.len()
            {
                a.remove(*i);
            }
        }
    }
}

/// Merge an applied configuration into the live object: maps field by field, associative lists
/// element by element (by key), set lists by value, anything else replaced.
pub fn merge(node: &'static Value, live: &mut Value, applied: &Value, root: bool) {
    match (shape(node), applied) {
        (
            Shape::Object {
                props,
                additional,
                atomic: false,
                ..
            },
            Value::Object(a),
        ) if live.is_object() => {
            for (k, av) in a {
                if av.is_null() {
                    continue;
                }
                let schema = if root && k == "metadata" {
                    Some(definition(OBJECT_META))
                } else {
                    props.and_then(|p| p.get(k)).or(additional)
                };
                let slot = &mut live[k];
                match schema {
                    Some(s) if !slot.is_null() => merge(s, slot, av, false),
                    _ => *slot = av.clone(),
                }
            }
        }
        (
            Shape::List {
                items,
                kind: ListKind::Map(keys),
            },
            Value::Array(a),
        ) if live.is_array() => {
            let l = live.as_array_mut().expect("checked");
            for item in a {
                let k = key_of(item, &keys);
                match l.iter_mut().find(|i| key_of(i, &keys) == k) {
                    Some(existing) => merge(items, existing, item, false),
                    None => l.push(item.clone()),
                }
            }
        }
        (
            Shape::List {
                kind: ListKind::Set, ..
            },
            Value::Array(a),
        ) if live.is_array() => {
            let l = live.as_array_mut().expect("checked");
            for item in a {
                if !l.contains(item) {
                    l.push(item.clone());
                }
            }
        }
        _ => *live = applied.clone(),
    }
}

// ---- fieldsV1 -------------------------------------------------------------------------------

/// A field set in `fieldsV1` form (`{"f:spec": {"f:replicas": {}}}`; `k:{…}` for associative list
/// elements, `v:…` for set elements, `.` for the element itself).
pub fn to_fields_v1(set: &BTreeSet<Path>) -> Value {
    let mut root = json!({});
    for p in set {
        let mut at = &mut root;
        for e in p {
            let key = match e {
                Pe::Field(f) => format!("f:{f}"),
                Pe::Key(k) => {
                    let mut m = Map::new();
                    for (n, v) in k {
                        m.insert(n.clone(), serde_json::from_str(v).unwrap_or(Value::Null));
                    }
                    format!("k:{}", Value::Object(m))
                }
                Pe::Value(v) => format!("v:{v}"),
                Pe::Index(i) => format!("i:{i}"),
            };
            at = at
                .as_object_mut()
                .expect("fieldsV1 nodes are objects")
                .entry(key)
                .or_insert_with(|| json!({}));
        }
        if matches!(p.last(), Some(Pe::Key(_)) | Some(Pe::Value(_))) {
            at.as_object_mut()
                .expect("fieldsV1 nodes are objects")
                .insert(".".into(), json!({}));
        }
    }
    root
}

pub fn from_fields_v1(v: &Value) -> BTreeSet<Path> {
    let mut out = BTreeSet::new();
    let mut path = vec![];
    decode(v, &mut path, &mut out);
    out
}

fn decode(v: &Value, path: &mut Path, out: &mut BTreeSet<Path>) {
    let Some(obj) = v.as_object() else { return };
    for (k, child) in obj {
        if k == "." {
            out.insert(path.clone());
            continue;
        }
        let e = if let Some(f) = k.strip_prefix("f:") {
            Pe::Field(f.to_string())
        } else if let Some(j) = k.strip_prefix("k:") {
            let m: Map<String, Value> = serde_json::from_str(j).unwrap_or_default();
            let mut key: Vec<(String, String)> = m.iter().map(|(n, v)| (n.clone(), v.to_string())).collect();
            key.sort();
            Pe::Key(key)
        } else if let Some(j) = k.strip_prefix("v:") {
            Pe::Value(j.to_string())
        } else if let Some(i) = k.strip_prefix("i:") {
            Pe::Index(i.parse().unwrap_or(0))
        } else {
            continue;
        };
        path.push(e);
        if child.as_object().is_some_and(|c| c.is_empty()) {
            out.insert(path.clone());
        } else {
            decode(child, path, out);
        }
        path.pop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn associative_lists_are_keyed_and_paths_print_as_structured_merge_diff_does() {
        let root = root("apps", "v1", "Deployment").unwrap();
        let d = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "labels": {"app": "web"}},
            "spec": {"replicas": 2, "template": {"spec": {"containers": [{"name": "app", "image": "x", "ports": [{"containerPort": 80}]}]}}}});
        let set = field_set(root, &d, true);
        let strings: Vec<String> = set.iter().map(|p| path_string(p)).collect();
        assert!(strings.contains(&".metadata.labels.app".to_string()), "{strings:?}");
        assert!(strings.contains(&".spec.template.spec.containers[name=\"app\"].image".to_string()));
        assert!(strings.contains(&".spec.template.spec.containers[name=\"app\"]".to_string()));
        assert!(!strings.iter().any(|s| s.starts_with(".metadata.name")));
        assert_eq!(from_fields_v1(&to_fields_v1(&set)), set);
        let errs = validate(
            root,
            &json!({"spec": {"replicas": "2", "template": {"spec": {"containers": [{"name": "a", "foo": 1}, {"name": "a"}]}}}}),
        );
        let msgs: Vec<String> = errs.iter().map(|(p, m)| format!("{}: {m}", path_string(p))).collect();
        assert!(
            msgs.contains(&".spec.replicas: expected numeric (int or float), got string".to_string()),
            "{msgs:?}"
        );
        assert!(
            msgs.contains(&".spec.template.spec.containers[name=\"a\"].foo: field not declared in schema".to_string())
        );
        assert!(msgs.contains(&".spec.template.spec.containers: duplicate entries for key [name=\"a\"]".to_string()));
    }
}
