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

/// Which runbooks use a shared resource, so that `down` for one keeps what another still uses. On
/// identities and secrets a tag (`kvwire-runbooks` = `a,b`); on role assignments, which have no
/// tags, the description (`kvwire runbooks: a,b`).
pub const RUNBOOKS: &str = "kvwire-runbooks";
const DESCRIPTION_PREFIX: &str = "kvwire runbooks: ";

/// The runbooks named in a claims value (`a,b`).
pub fn claims(value: Option<&str>) -> std::collections::BTreeSet<String> {
    value
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// `claims` written back (sorted, so the same set is always the same text).
pub fn claims_value(claims: &std::collections::BTreeSet<String>) -> String {
    claims.iter().cloned().collect::<Vec<_>>().join(",")
}

/// The runbooks a role assignment's description names (empty when it is not kvwire's form).
pub fn description_claims(description: Option<&str>) -> std::collections::BTreeSet<String> {
    claims(description.and_then(|d| d.strip_prefix(DESCRIPTION_PREFIX)))
}

/// Whether a role assignment's description may carry claims: empty, or kvwire's form. Someone's
/// own text is never replaced.
pub fn description_is_free(description: Option<&str>) -> bool {
    description.is_none_or(|d| d.trim().is_empty() || d.starts_with(DESCRIPTION_PREFIX))
}

/// A role assignment description naming `claims`.
pub fn claims_description(claims: &std::collections::BTreeSet<String>) -> String {
    format!("{DESCRIPTION_PREFIX}{}", claims_value(claims))
}

/// A PATCH body that sets the `kvwire-runbooks` tag to `claims` and keeps every other tag of
/// `doc` (ARM's PATCH replaces the whole tag map).
pub fn runbooks_tag_patch(doc: &serde_json::Value, claims: &std::collections::BTreeSet<String>) -> serde_json::Value {
    let mut t = doc.get("tags").cloned().unwrap_or_else(|| serde_json::json!({}));
    t[RUNBOOKS] = serde_json::json!(claims_value(claims));
    serde_json::json!({ "tags": t })
}

/// How a runbook's claim reads when it adopted the resource rather than made it: it existed
/// before, made outside kvwire or by kvwire outside any runbook (`kvwire grant`, `secrets seed`).
/// `down` keeps what a runbook only adopted unless `--include-adopted`. A kvwire that predates
/// the marker reads `NAME(adopted)` as another runbook's claim, and keeps the resource too.
pub const ADOPTED_MARK: &str = "(adopted)";

/// `runbook`'s claim on a resource it adopted (see [`ADOPTED_MARK`]).
pub fn adopted(runbook: &str) -> String {
    format!("{runbook}{ADOPTED_MARK}")
}

/// Whether `me` is recorded on a resource: `Some(false)` as its maker, `Some(true)` as adopter.
pub fn claimed_by(claims: &std::collections::BTreeSet<String>, me: &str) -> Option<bool> {
    if claims.contains(me) {
        Some(false)
    } else if claims.contains(&adopted(me)) {
        Some(true)
    } else {
        None
    }
}

/// Why `up` holds the adoption of a resource this runbook did not make (`kvwire_made`: it carries
/// `managed-by=kvwire` but no runbook's claim). Released by a yes at the prompt or `--adopt`.
pub fn adoption_hold(kvwire_made: bool, runbook: &str) -> String {
    let by = if kvwire_made {
        "by kvwire outside any runbook (`kvwire grant`, `secrets seed`, or before runbooks were recorded)"
    } else {
        "outside kvwire"
    };
    format!(
        "exists, made {by}: adopt it? Adopting records runbook {runbook} on it as {} (`down` keeps it unless --include-adopted) and lets the steps that use it go on; confirm at the prompt, or pass --adopt",
        adopted(runbook)
    )
}

/// What `down` may do with a shared resource, given the runbooks recorded on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Release {
    /// No runbook is recorded on it: nobody can say whose it is.
    Unclaimed,
    /// Only this runbook uses it, and it adopted it rather than made it: kept unless
    /// `--include-adopted`.
    Adopted,
    /// Other runbooks use it and this one never did (their names, joined).
    NotMine(String),
    /// Others still use it: only this runbook's name comes off; the claims left, and their names.
    Shared(std::collections::BTreeSet<String>, String),
    /// This runbook is the last to use it.
    Last,
}

/// The claims without `me` (as maker or adopter).
pub fn without(claims: &std::collections::BTreeSet<String>, me: &str) -> std::collections::BTreeSet<String> {
    let adopted = adopted(me);
    claims.iter().filter(|c| *c != me && **c != adopted).cloned().collect()
}

pub fn release(claims: &std::collections::BTreeSet<String>, me: &str) -> Release {
    let others = without(claims, me);
    let names = others.iter().cloned().collect::<Vec<_>>().join(", ");
    match (claims.is_empty(), claimed_by(claims, me), others.is_empty()) {
        (true, _, _) => Release::Unclaimed,
        (false, None, _) => Release::NotMine(names),
        (false, Some(_), false) => Release::Shared(others, names),
        (false, Some(true), true) => Release::Adopted,
        (false, Some(false), true) => Release::Last,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claims_round_trip() {
        let c = claims(Some("b, a,,a"));
        assert_eq!(claims_value(&c), "a,b");
        assert_eq!(description_claims(Some(&claims_description(&c))), c);
        assert!(description_claims(Some("made by hand")).is_empty());
    }

    #[test]
    fn release_decisions() {
        assert_eq!(release(&claims(None), "a"), Release::Unclaimed);
        assert_eq!(release(&claims(Some("b,c")), "a"), Release::NotMine("b, c".into()));
        assert_eq!(
            release(&claims(Some("a,b")), "a"),
            Release::Shared(claims(Some("b")), "b".into())
        );
        assert_eq!(release(&claims(Some("a")), "a"), Release::Last);
        assert_eq!(release(&claims(Some("a(adopted)")), "a"), Release::Adopted);
        assert_eq!(
            release(&claims(Some("a(adopted),b")), "a"),
            Release::Shared(claims(Some("b")), "b".into())
        );
        assert_eq!(
            release(&claims(Some("b(adopted)")), "a"),
            Release::NotMine("b(adopted)".into())
        );
        assert_eq!(claimed_by(&claims(Some("a(adopted)")), "a"), Some(true));
    }
}
