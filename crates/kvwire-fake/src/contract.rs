//! The wire contract: every JSON body the fake answers with, and every JSON body kvwire sends,
//! is checked against the wire vocabulary generated from the official Azure SDK for Python
//! models (tests/fixtures/wire/, made by scripts/wire-vocabulary.py). The vocabulary, not
//! kvwire's code, says what a field is called and who may write it.
//!
//! * A property the vocabulary does not define is a violation, except inside free-form maps
//!   (`tags`, `userAssignedIdentities`, `addonProfiles`, …) and `any` values.
//! * A read-only property in a request body is a violation unless it is on [`READONLY_IN_REQUEST`].
//! * A value of the wrong JSON type (a number where ARM wants a string, say) is a violation.

use serde::Deserialize;
use serde_json::Value;
use std::{collections::BTreeMap, sync::OnceLock};

/// One field's type, as the vocabulary files spell it.
#[derive(Debug, Clone, Deserialize)]
pub struct Type {
    #[serde(flatten)]
    pub kind: Kind,
    #[serde(default)]
    pub readonly: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Kind {
    String,
    Integer,
    Number,
    Boolean,
    Any,
    Array { items: Box<Type> },
    Map { values: Box<Type> },
    Model { model: String },
    Object { fields: BTreeMap<String, Type> },
}

#[derive(Debug, Clone, Deserialize)]
pub struct Model {
    pub fields: BTreeMap<String, Type>,
}

/// One vocabulary file.
#[derive(Debug, Clone, Deserialize)]
pub struct Vocabulary {
    pub package: String,
    pub package_version: String,
    pub api_version: String,
    pub roots: BTreeMap<String, String>,
    pub models: BTreeMap<String, Model>,
}

/// The committed vocabulary files, by name. Embedded so the fake and the demo need nothing beside
/// the binary.
const FILES: &[(&str, &str)] = &[
    (
        "managed-cluster",
        include_str!("../../../tests/fixtures/wire/managed-cluster.json"),
    ),
    (
        "managed-cluster-credentials",
        include_str!("../../../tests/fixtures/wire/managed-cluster-credentials.json"),
    ),
    (
        "agent-pool",
        include_str!("../../../tests/fixtures/wire/agent-pool.json"),
    ),
    (
        "role-assignment",
        include_str!("../../../tests/fixtures/wire/role-assignment.json"),
    ),
    (
        "role-definition",
        include_str!("../../../tests/fixtures/wire/role-definition.json"),
    ),
    (
        "user-assigned-identity",
        include_str!("../../../tests/fixtures/wire/user-assigned-identity.json"),
    ),
    (
        "federated-identity-credential",
        include_str!("../../../tests/fixtures/wire/federated-identity-credential.json"),
    ),
    (
        "identity-binding",
        include_str!("../../../tests/fixtures/wire/identity-binding.json"),
    ),
    ("vault", include_str!("../../../tests/fixtures/wire/vault.json")),
    (
        "container-registry",
        include_str!("../../../tests/fixtures/wire/container-registry.json"),
    ),
    (
        "keyvault-secret",
        include_str!("../../../tests/fixtures/wire/keyvault-secret.json"),
    ),
];

pub fn vocabularies() -> &'static BTreeMap<&'static str, Vocabulary> {
    static V: OnceLock<BTreeMap<&'static str, Vocabulary>> = OnceLock::new();
    V.get_or_init(|| {
        FILES
            .iter()
            .map(|(name, text)| {
                let v: Vocabulary =
                    serde_json::from_str(text).unwrap_or_else(|e| panic!("wire vocabulary {name}.json: {e}"));
                (*name, v)
            })
            .collect()
    })
}

/// A body shape: `file#root`, e.g. `managed-cluster#resource`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Wire {
    pub file: &'static str,
    pub root: &'static str,
}

pub const fn wire(file: &'static str, root: &'static str) -> Wire {
    Wire { file, root }
}

impl Wire {
    fn vocabulary(&self) -> &'static Vocabulary {
        vocabularies()
            .get(self.file)
            .unwrap_or_else(|| panic!("no wire vocabulary {}", self.file))
    }

    /// The root model's name, or `None` when this vocabulary has no such root.
    pub fn model(&self) -> Option<&'static str> {
        self.vocabulary().roots.get(self.root).map(String::as_str)
    }

    /// The api-version whose models this shape comes from: the vocabulary file's `api_version`,
    /// the one definition the route table checks requests against.
    pub fn api_version(&self) -> &'static str {
        &self.vocabulary().api_version
    }

    pub fn exists(&self) -> bool {
        vocabularies()
            .get(self.file)
            .is_some_and(|v| v.roots.contains_key(self.root))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// A body kvwire sent.
    Request,
    /// A body the fake answered with.
    Response,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// `PUT /subscriptions/…` and whether it was the request or the answer.
    pub context: String,
    /// Dotted path in the body, e.g. `properties.oidcIssuerProfile.issuerUrl`.
    pub path: String,
    pub problem: String,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}: {}", self.context, self.path, self.problem)
    }
}

/// Read-only properties a request body may carry, each with the reason it is tolerated.
/// (file, dotted path). Keep this list short: every entry is a field Azure ignores on write.
pub const READONLY_IN_REQUEST: &[(&str, &str, &str)] = &[];

/// Check `body` against `wire`. `context` names the request for the report.
pub fn check(wire: Wire, body: &Value, direction: Direction, context: &str) -> Vec<Violation> {
    let Some(model) = wire.model() else {
        return vec![];
    };
    let mut out = vec![];
    let mut c = Checker {
        vocabulary: wire.vocabulary(),
        file: wire.file,
        direction,
        context,
        out: &mut out,
    };
    c.model(model, body, "");
    out
}

struct Checker<'a> {
    vocabulary: &'static Vocabulary,
    file: &'static str,
    direction: Direction,
    context: &'a str,
    out: &'a mut Vec<Violation>,
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

impl Checker<'_> {
    fn report(&mut self, path: &str, problem: String) {
        self.out.push(Violation {
            context: format!(
                "{} ({})",
                self.context,
                match self.direction {
                    Direction::Request => "request body",
                    Direction::Response => "response body",
                }
            ),
            path: path.to_string(),
            problem,
        });
    }

    fn model(&mut self, name: &str, v: &Value, path: &str) {
        let Some(m) = self.vocabulary.models.get(name) else {
            self.report(path, format!("vocabulary has no model {name}"));
            return;
        };
        self.fields(&m.fields, v, path, name);
    }

    fn fields(&mut self, fields: &BTreeMap<String, Type>, v: &Value, path: &str, owner: &str) {
        let Some(obj) = v.as_object() else {
            if !v.is_null() {
                self.report(path, format!("expected an object ({owner}), found {}", kind_of(v)));
            }
            return;
        };
        for (key, value) in obj {
            let here = join(path, key);
            match fields.get(key) {
                None => {
                    let hint = fields
                        .keys()
                        .find(|k| k.eq_ignore_ascii_case(key))
                        .map(|k| format!("; the wire name is {k:?}"))
                        .unwrap_or_default();
                    self.report(&here, format!("{owner} defines no property {key:?}{hint}"));
                }
                Some(t) => {
                    if t.readonly && self.direction == Direction::Request && !value.is_null() {
                        let allowed = READONLY_IN_REQUEST
                            .iter()
                            .any(|(f, p, _)| *f == self.file && *p == here);
                        if !allowed {
                            self.report(&here, "is read-only: Azure ignores it on write".into());
                        }
                    }
                    self.value(t, value, &here);
                }
            }
        }
    }

    fn value(&mut self, t: &Type, v: &Value, path: &str) {
        if v.is_null() {
            return;
        }
        let ok = match &t.kind {
            Kind::Any => true,
            Kind::String => v.is_string(),
            Kind::Integer => v.is_i64() || v.is_u64(),
            Kind::Number => v.is_number(),
            Kind::Boolean => v.is_boolean(),
            Kind::Array { items } => match v.as_array() {
                Some(a) => {
                    for (i, x) in a.iter().enumerate() {
                        self.value(items, x, &format!("{path}[{i}]"));
                    }
                    true
                }
                None => false,
            },
            Kind::Map { values } => match v.as_object() {
                Some(m) => {
                    for (k, x) in m {
                        self.value(values, x, &format!("{path}[{k:?}]"));
                    }
                    true
                }
                None => false,
            },
            Kind::Model { model } => {
                self.model(model, v, path);
                true
            }
            Kind::Object { fields } => {
                self.fields(fields, v, path, "this object");
                true
            }
        };
        if !ok {
            self.report(path, format!("expected {}, found {}", expected(&t.kind), kind_of(v)));
        }
    }
}

fn expected(k: &Kind) -> &'static str {
    match k {
        Kind::String => "a string",
        Kind::Integer => "an integer",
        Kind::Number => "a number",
        Kind::Boolean => "a boolean",
        Kind::Array { .. } => "an array",
        Kind::Map { .. } | Kind::Model { .. } | Kind::Object { .. } => "an object",
        Kind::Any => "anything",
    }
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

// ---- paths, for tests and for PUT-replaces semantics -----------------------------------------

/// The type at a JSON pointer (`/properties/oidcIssuerProfile/issuerURL`) below `wire`'s root, or
/// `None` when the vocabulary defines no such path. Map keys and array indexes match anything.
pub fn type_at(wire: Wire, pointer: &str) -> Option<Type> {
    let root = wire.model()?;
    let mut t = Type {
        kind: Kind::Model { model: root.into() },
        readonly: false,
    };
    let voc = wire.vocabulary();
    for seg in pointer.trim_start_matches('/').split('/').filter(|s| !s.is_empty()) {
        t = step(voc, &t, seg)?;
    }
    Some(t)
}

fn step(voc: &Vocabulary, t: &Type, seg: &str) -> Option<Type> {
    match &t.kind {
        Kind::Model { model } => voc.models.get(model)?.fields.get(seg).cloned(),
        Kind::Object { fields } => fields.get(seg).cloned(),
        Kind::Map { values } => Some((**values).clone()),
        Kind::Array { items } if seg.parse::<usize>().is_ok() => Some((**items).clone()),
        Kind::Any => Some(t.clone()),
        _ => None,
    }
}

/// Remove every read-only property from `body` (what a PUT is allowed to set), in place.
pub fn strip_readonly(wire: Wire, body: &mut Value) {
    if let Some(root) = wire.model() {
        let voc = wire.vocabulary();
        let t = Type {
            kind: Kind::Model { model: root.into() },
            readonly: false,
        };
        strip(voc, &t, body);
    }
}

fn strip(voc: &Vocabulary, t: &Type, v: &mut Value) {
    match (&t.kind, v) {
        (Kind::Model { model }, Value::Object(obj)) => {
            if let Some(m) = voc.models.get(model) {
                strip_fields(voc, &m.fields, obj);
            }
        }
        (Kind::Object { fields }, Value::Object(obj)) => strip_fields(voc, fields, obj),
        (Kind::Map { values }, Value::Object(obj)) => {
            for x in obj.values_mut() {
                strip(voc, values, x);
            }
        }
        (Kind::Array { items }, Value::Array(a)) => {
            for x in a {
                strip(voc, items, x);
            }
        }
        _ => {}
    }
}

fn strip_fields(voc: &Vocabulary, fields: &BTreeMap<String, Type>, obj: &mut serde_json::Map<String, Value>) {
    obj.retain(|k, _| !fields.get(k).is_some_and(|t| t.readonly));
    for (k, x) in obj.iter_mut() {
        if let Some(t) = fields.get(k) {
            strip(voc, t, x);
        }
    }
}

/// Every read-only path of `wire`'s root, as JSON pointers (`*` for any array element or map
/// key), to the given depth. For tests that compare kvwire's own list with the vocabulary.
pub fn readonly_pointers(wire: Wire, max_depth: usize) -> Vec<String> {
    let mut out = vec![];
    if let Some(root) = wire.model() {
        let voc = wire.vocabulary();
        let t = Type {
            kind: Kind::Model { model: root.into() },
            readonly: false,
        };
        walk_readonly(voc, &t, String::new(), max_depth, &mut out);
    }
    out
}

fn walk_readonly(voc: &Vocabulary, t: &Type, at: String, depth: usize, out: &mut Vec<String>) {
    if depth == 0 {
        return;
    }
    let fields = match &t.kind {
        Kind::Model { model } => voc.models.get(model).map(|m| &m.fields),
        Kind::Object { fields } => Some(fields),
        Kind::Array { items } => return walk_readonly(voc, items, format!("{at}/*"), depth, out),
        Kind::Map { values } => return walk_readonly(voc, values, format!("{at}/*"), depth, out),
        _ => None,
    };
    for (k, f) in fields.into_iter().flatten() {
        let p = format!("{at}/{k}");
        if f.readonly {
            out.push(p);
        } else {
            walk_readonly(voc, f, p, depth - 1, out);
        }
    }
}

/// Only the read-only properties of `doc` (and the objects that lead to them): what the service
/// owns and keeps across a PUT that replaces everything else.
pub fn readonly_part(wire: Wire, doc: &Value) -> Value {
    let Some(root) = wire.model() else {
        return Value::Null;
    };
    let voc = wire.vocabulary();
    let t = Type {
        kind: Kind::Model { model: root.into() },
        readonly: false,
    };
    keep(voc, &t, doc).unwrap_or(Value::Null)
}

fn keep(voc: &Vocabulary, t: &Type, v: &Value) -> Option<Value> {
    if t.readonly {
        return Some(v.clone());
    }
    let fields = match (&t.kind, v) {
        (Kind::Model { model }, Value::Object(_)) => &voc.models.get(model)?.fields,
        (Kind::Object { fields }, Value::Object(_)) => fields,
        (Kind::Map { values }, Value::Object(obj)) => {
            let kept: serde_json::Map<String, Value> = obj
                .iter()
                .filter_map(|(k, x)| keep(voc, values, x).map(|x| (k.clone(), x)))
                .collect();
            return (!kept.is_empty()).then_some(Value::Object(kept));
        }
        _ => return None,
    };
    let obj = v.as_object()?;
    let kept: serde_json::Map<String, Value> = obj
        .iter()
        .filter_map(|(k, x)| keep(voc, fields.get(k)?, x).map(|x| (k.clone(), x)))
        .collect();
    (!kept.is_empty()).then_some(Value::Object(kept))
}

/// The type at `pointer` below `model` of vocabulary `file`, when it has one.
pub fn type_in_model(file: &str, model: &str, pointer: &str) -> Option<Type> {
    let voc = vocabularies().get(file)?;
    voc.models.get(model)?;
    let mut t = Type {
        kind: Kind::Model { model: model.into() },
        readonly: false,
    };
    for seg in pointer.trim_start_matches('/').split('/').filter(|s| !s.is_empty()) {
        t = step(voc, &t, seg)?;
    }
    Some(t)
}

/// Where in the vocabulary a pointer resolves from some model: `file#Model` names.
pub fn models_with_path(pointer: &str) -> Vec<String> {
    vocabularies()
        .iter()
        .flat_map(|(file, voc)| {
            voc.models
                .keys()
                .filter(move |m| type_in_model(file, m, pointer).is_some())
                .map(move |m| format!("{file}#{m}"))
        })
        .collect()
}
