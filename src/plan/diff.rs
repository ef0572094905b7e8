//! Field changes between two JSON documents: what a read-modify-write changes, path by path.

use super::step::{After, FieldChange};
use serde_json::Value;

/// Every leaf that differs between `before` and `after`, as dotted paths. Objects are compared
/// member by member; anything else (arrays included) is compared whole. A member that disappears
/// is one change at its own path; one that appears shows its leaves.
pub(crate) fn changes(before: &Value, after: &Value) -> Vec<FieldChange> {
    let mut out = vec![];
    walk(before, after, "", &mut out);
    out
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

fn walk(before: &Value, after: &Value, path: &str, out: &mut Vec<FieldChange>) {
    match (before, after) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, bv) in b {
                match a.get(k) {
                    Some(av) => walk(av, bv, &join(path, k), out),
                    // A new object shows as its leaves: `identity.type = "SystemAssigned"`.
                    None if bv.as_object().is_some_and(|o| !o.is_empty()) => {
                        walk(&Value::Object(Default::default()), bv, &join(path, k), out)
                    }
                    None => out.push(FieldChange::set(&join(path, k), None, bv.clone())),
                }
            }
            for (k, av) in a {
                if !b.contains_key(k) {
                    out.push(FieldChange::set(&join(path, k), Some(av.clone()), Value::Null));
                }
            }
        }
        (a, b) if a != b => out.push(FieldChange::set(path, Some(a.clone()), b.clone())),
        _ => {}
    }
}

/// Whether two plans of the same write agree on what it changes, from what to what (values
/// Azure assigns aside).
pub(crate) fn same_change(a: &[FieldChange], b: &[FieldChange]) -> bool {
    let key = |c: &FieldChange| {
        (
            c.path.clone(),
            c.before.as_ref().map(|v| v.to_string()),
            match &c.after {
                After::Value(v) => v.to_string(),
                After::KnownAfterApply => "?".into(),
                After::Sensitive => "*".into(),
                After::NotProvided => "-".into(),
            },
        )
    };
    let mut x: Vec<_> = a.iter().map(key).collect();
    let mut y: Vec<_> = b.iter().map(key).collect();
    x.sort();
    y.sort();
    x == y
}

/// The object the `After::Value` changes describe, built from their dotted paths: a body made
/// from the plan, so what is sent is what was shown.
pub(crate) fn body_of(changes: &[FieldChange]) -> Value {
    let mut body = Value::Object(Default::default());
    for c in changes {
        if let After::Value(v) = &c.after {
            let mut at = &mut body;
            let segs: Vec<&str> = c.path.split('.').collect();
            for (i, seg) in segs.iter().enumerate() {
                if !at.is_object() {
                    *at = Value::Object(Default::default());
                }
                if i + 1 == segs.len() {
                    at[*seg] = v.clone();
                } else {
                    at = &mut at[*seg];
                }
            }
        }
    }
    body
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn leaf_changes_with_paths() {
        let a = json!({"identity": null, "tags": {"a": "1"}, "p": {"x": 1, "y": [1]}});
        let b = json!({"identity": {"type": "SystemAssigned"}, "tags": {"a": "1", "b": "2"}, "p": {"y": [2]}});
        let c = changes(&a, &b);
        let paths: Vec<&str> = c.iter().map(|c| c.path.as_str()).collect();
        assert_eq!(paths, ["identity", "tags.b", "p.y", "p.x"]);
        let added = changes(&json!({}), &json!({"identity": {"type": "SystemAssigned"}}));
        assert_eq!(
            added,
            vec![FieldChange::set("identity.type", None, json!("SystemAssigned"))]
        );
        assert_eq!(body_of(&added), json!({"identity": {"type": "SystemAssigned"}}));
        assert_eq!(c[1], FieldChange::set("tags.b", None, json!("2")));
        assert!(changes(&a, &a).is_empty());
    }
}
