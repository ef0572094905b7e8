//! Kubernetes objects kvwire emits, checked against the vocabulary of the official Kubernetes
//! client's models (tests/fixtures/k8s, written by scripts/k8s-vocabulary.py): every field known
//! by its wire name, of its type, and the fields the client requires present.

use serde_json::Value;

/// `deployment` or `service-account`: the vocabulary file under tests/fixtures/k8s.
pub fn vocabulary(name: &str) -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/fixtures/k8s/{name}.json"));
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

/// Errors for `doc` against the vocabulary's root model; empty when it conforms.
pub fn check(vocab: &Value, doc: &Value) -> Vec<String> {
    let mut errors = vec![];
    let root = vocab["root"].as_str().unwrap();
    model(vocab, root, doc, "", &mut errors);
    errors
}

fn model(vocab: &Value, name: &str, v: &Value, path: &str, errors: &mut Vec<String>) {
    let Some(obj) = v.as_object() else {
        errors.push(format!("{path}: expected an object ({name})"));
        return;
    };
    let fields = vocab["models"][name]["fields"]
        .as_object()
        .unwrap_or_else(|| panic!("no model {name}"));
    for (k, val) in obj {
        match fields.get(k) {
            None => errors.push(format!("{path}.{k}: not a field of {name}")),
            Some(f) => field(vocab, f, val, &format!("{path}.{k}"), errors),
        }
    }
    for (k, f) in fields {
        if f["required"] == true && !obj.contains_key(k) {
            errors.push(format!("{path}.{k}: required by {name}"));
        }
    }
}

fn field(vocab: &Value, f: &Value, v: &Value, path: &str, errors: &mut Vec<String>) {
    let ok = match f["type"].as_str().unwrap() {
        "string" => v.is_string(),
        "integer" => v.is_i64() || v.is_u64(),
        "number" => v.is_number(),
        "boolean" => v.is_boolean(),
        "int-or-string" => v.is_string() || v.is_number(),
        "list" => {
            for (i, item) in v.as_array().map(Vec::as_slice).unwrap_or_default().iter().enumerate() {
                field(vocab, &f["items"], item, &format!("{path}[{i}]"), errors);
            }
            v.is_array()
        }
        "map" => {
            for (k, item) in v.as_object().into_iter().flatten() {
                field(vocab, &f["values"], item, &format!("{path}.{k}"), errors);
            }
            v.is_object()
        }
        "model" => {
            model(vocab, f["model"].as_str().unwrap(), v, path, errors);
            true
        }
        other => panic!("unknown type {other}"),
    };
    if !ok {
        errors.push(format!("{path}: expected {}, found {v}", f["type"]));
    }
}
