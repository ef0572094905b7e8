//! Redaction for anything that might be logged.

use serde_json::Value;

const SENSITIVE_KEY_PARTS: &[&str] = &["secret", "password", "token", "credential", "assertion"];

fn sensitive(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    SENSITIVE_KEY_PARTS.iter().any(|p| k.contains(p))
}

/// Compact JSON with the string values of sensitive-looking keys replaced.
pub fn json(v: &Value) -> String {
    fn walk(v: &Value) -> Value {
        match v {
            Value::Object(m) => Value::Object(
                m.iter()
                    .map(|(k, v)| {
                        let v = if sensitive(k) && v.is_string() {
                            Value::from("REDACTED")
                        } else {
                            walk(v)
                        };
                        (k.clone(), v)
                    })
                    .collect(),
            ),
            Value::Array(a) => Value::Array(a.iter().map(walk).collect()),
            other => other.clone(),
        }
    }
    walk(v).to_string()
}

#[test]
fn redacts_nested_sensitive_keys() {
    let v = serde_json::json!({"properties":{"servicePrincipalProfile":{"clientId":"c","secret":"s3cr3t"}},"access_token":"t"});
    let out = json(&v);
    assert!(
        !out.contains("s3cr3t") && !out.contains("\"t\"") && out.contains("\"c\""),
        "{out}"
    );
}
