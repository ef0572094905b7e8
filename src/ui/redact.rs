//! Redaction for anything that might be logged.

use serde_json::Value;

/// HTTP headers whose values are credentials, by name (lower case): never printed, at any
/// verbosity. `Metadata: true` (IMDS) is a marker, not a secret, and stays visible.
pub(crate) const CREDENTIAL_HEADERS: &[&str] = &[
    "authorization",
    "proxy-authorization",
    "cookie",
    "set-cookie",
    // ARM's cross-tenant tokens.
    "x-ms-authorization-auxiliary",
    // App Service / Functions managed identity (api-version 2019-08-01): IDENTITY_HEADER's value,
    // what azure_identity's App Service source sends to IDENTITY_ENDPOINT.
    "x-identity-header",
    // The same for the older App Service api-version 2017-09-01 (MSI_SECRET) and Azure ML.
    "secret",
    // API Management subscription keys (an APIM front for a proxy or an endpoint).
    "ocp-apim-subscription-key",
];

/// Whether a header's value is a credential (names compare without case).
pub(crate) fn credential_header(name: &str) -> bool {
    CREDENTIAL_HEADERS.iter().any(|h| h.eq_ignore_ascii_case(name))
}

const SENSITIVE_KEY_PARTS: &[&str] = &["secret", "password", "token", "credential", "assertion"];

fn sensitive(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    SENSITIVE_KEY_PARTS.iter().any(|p| k.contains(p))
}

/// Compact JSON with the string values of sensitive-looking keys replaced.
pub(crate) fn json(v: &Value) -> String {
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
