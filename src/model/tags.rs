//! Tags kvwire writes on what it creates, and reads to know what it may remove.

/// On identities and secrets kvwire created: `managed-by=kvwire`.
pub const MANAGED_BY: (&str, &str) = ("managed-by", "kvwire");

/// Whether tags (a JSON object, or a map) say kvwire created the thing.
pub fn is_kvwire(tags: Option<&serde_json::Value>) -> bool {
    tags.and_then(|t| t.get(MANAGED_BY.0))
        .and_then(|v| v.as_str())
        .is_some_and(|v| v == MANAGED_BY.1)
}

/// The tags kvwire puts on what it creates, as JSON.
pub fn kvwire_tags() -> serde_json::Value {
    serde_json::json!({ MANAGED_BY.0: MANAGED_BY.1 })
}
