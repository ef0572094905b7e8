//! Tags kvwire writes on what it creates, and reads to know what it may remove.

/// On identities and secrets kvwire created: `managed-by=kvwire`.
pub(crate) const MANAGED_BY: (&str, &str) = ("managed-by", "kvwire");

/// Whether tags (a JSON object, or a map) say kvwire created the thing.
pub(crate) fn is_kvwire(tags: Option<&serde_json::Value>) -> bool {
    tags.and_then(|t| t.get(MANAGED_BY.0))
        .and_then(|v| v.as_str())
        .is_some_and(|v| v == MANAGED_BY.1)
}

/// The tags kvwire puts on what it creates, as JSON.
pub(crate) fn kvwire_tags() -> serde_json::Value {
    serde_json::json!({ MANAGED_BY.0: MANAGED_BY.1 })
}

/// Which runbooks use a shared resource, so that `down` for one keeps what another still uses. On
/// identities and secrets a tag (`kvwire-runbooks` = `a,b`); on role assignments, which have no
/// tags, the description (`kvwire runbooks: a,b`).
pub(crate) const RUNBOOKS: &str = "kvwire-runbooks";
const DESCRIPTION_PREFIX: &str = "kvwire runbooks: ";

/// The runbooks named in a claims value (`a,b`).
pub(crate) fn claims(value: Option<&str>) -> std::collections::BTreeSet<String> {
    value
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// `claims` written back (sorted, so the same set is always the same text).
pub(crate) fn claims_value(claims: &std::collections::BTreeSet<String>) -> String {
    claims.iter().cloned().collect::<Vec<_>>().join(",")
}

/// The runbooks a role assignment's description names (empty when it is not kvwire's form).
pub(crate) fn description_claims(description: Option<&str>) -> std::collections::BTreeSet<String> {
    claims(description.and_then(|d| d.strip_prefix(DESCRIPTION_PREFIX)))
}

/// Whether a role assignment's description may carry claims: empty, or kvwire's form. Someone's
/// own text is never replaced.
pub(crate) fn description_is_free(description: Option<&str>) -> bool {
    description.is_none_or(|d| d.trim().is_empty() || d.starts_with(DESCRIPTION_PREFIX))
}

/// A role assignment description naming `claims`.
pub(crate) fn claims_description(claims: &std::collections::BTreeSet<String>) -> String {
    format!("{DESCRIPTION_PREFIX}{}", claims_value(claims))
}

/// A PATCH body that sets the `kvwire-runbooks` tag to `claims` and keeps every other tag of
/// `doc` (ARM's PATCH replaces the whole tag map).
pub(crate) fn runbooks_tag_patch(
    doc: &serde_json::Value,
    claims: &std::collections::BTreeSet<String>,
) -> serde_json::Value {
    let mut t = doc.get("tags").cloned().unwrap_or_else(|| serde_json::json!({}));
    t[RUNBOOKS] = serde_json::json!(claims_value(claims));
    serde_json::json!({ "tags": t })
}

/// How a runbook records itself on what it uses, and which recorded claims are its own.
///
/// A runbook without `name` is named after its file plus a digest of what it wires up (cluster,
/// vault, identity, service accounts), so that name is its claim. A runbook with `name` claims
/// `name@DIGEST`: two runbooks given one name for different things then claim differently, and
/// each sees the other's claim (see [`clash`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    /// What `up` records (`kvwire-runbooks`, a role assignment's description).
    pub token: String,
    /// The runbook's name: a claim of just this name was recorded before claims carried the
    /// digest, and is this runbook's too.
    pub(crate) name: String,
    /// Claims that are this runbook's only where the caller checked the resource is this
    /// runbook's identity's (the default name runbooks without `name` shared before, `onboard`).
    pub(crate) aliases: Vec<String>,
}

impl Claim {
    /// Whether `recorded` is this runbook's claim as maker (see [`claimed_by`] for adopters).
    pub(crate) fn is_mine(&self, recorded: &str) -> bool {
        recorded == self.token || recorded == self.name || self.aliases.iter().any(|a| a == recorded)
    }

    /// The same claim without its aliases.
    pub(crate) fn without_aliases(&self) -> Claim {
        Claim {
            aliases: vec![],
            ..self.clone()
        }
    }
}

/// A claim recorded under the name in `token` (`name@DIGEST`) for something else (another
/// digest): two runbooks share the name. What the plan warns. An adopter's claim counts as its
/// token (`name@DIGEST(adopted)`).
pub(crate) fn clash(token: &str, claims: &std::collections::BTreeSet<String>) -> Option<String> {
    let (name, digest) = token.split_once('@')?;
    let other = claims.iter().find(|c| {
        let c = c.strip_suffix(ADOPTED_MARK).unwrap_or(c);
        c.split_once('@').is_some_and(|(n, d)| n == name && d != digest)
    })?;
    Some(format!(
        "runbook name {name} is already recorded here as {other}, by a runbook with the same name for another cluster, vault, identity or service accounts (this one is {token}): give each runbook its own `name`"
    ))
}

/// How a runbook's claim reads when it adopted the resource rather than made it: it existed
/// before, made outside kvwire or by kvwire outside any runbook (`kvwire grant`, `secrets seed`).
/// `down` keeps what a runbook only adopted unless `--include-adopted`. A kvwire that predates
/// the marker reads `NAME(adopted)` as another runbook's claim, and keeps the resource too.
pub(crate) const ADOPTED_MARK: &str = "(adopted)";

/// `me`'s claim on a resource it adopted: its token and [`ADOPTED_MARK`].
pub(crate) fn adopted(me: &Claim) -> String {
    format!("{}{ADOPTED_MARK}", me.token)
}

/// Whether `me` is recorded on a resource: `Some(false)` as its maker, `Some(true)` as adopter.
pub(crate) fn claimed_by(claims: &std::collections::BTreeSet<String>, me: &Claim) -> Option<bool> {
    if claims.iter().any(|c| me.is_mine(c)) {
        Some(false)
    } else if claims
        .iter()
        .any(|c| c.strip_suffix(ADOPTED_MARK).is_some_and(|c| me.is_mine(c)))
    {
        Some(true)
    } else {
        None
    }
}

/// Whether `me`'s token is recorded on a resource, as maker or adopter. A claim recorded only under
/// the bare name or an alias ([`claimed_by`] still finds it) gets the token beside it on `up`.
pub(crate) fn records(claims: &std::collections::BTreeSet<String>, me: &Claim) -> bool {
    claims.contains(&me.token) || claims.contains(&adopted(me))
}

/// Why `up` holds the adoption of a resource this runbook did not make (`kvwire_made`: it carries
/// `managed-by=kvwire` but no runbook's claim). Released by a yes at the prompt or `--adopt`.
/// `token`: the claim's token ([`Claim::token`]).
pub(crate) fn adoption_hold(kvwire_made: bool, token: &str) -> String {
    let by = if kvwire_made {
        "by kvwire outside any runbook (`kvwire grant`, `secrets seed`, or before runbooks were recorded)"
    } else {
        "outside kvwire"
    };
    format!(
        "exists, made {by}: adopt it? Adopting records runbook {token} on it as {token}{ADOPTED_MARK} (`down` keeps it unless --include-adopted) and lets the steps that use it go on; confirm at the prompt, or pass --adopt"
    )
}

/// What `down` may do with a shared resource, given the runbooks recorded on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Release {
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

/// The claims without `me`'s (as maker or adopter).
pub(crate) fn without(claims: &std::collections::BTreeSet<String>, me: &Claim) -> std::collections::BTreeSet<String> {
    claims
        .iter()
        .filter(|c| !me.is_mine(c) && !c.strip_suffix(ADOPTED_MARK).is_some_and(|c| me.is_mine(c)))
        .cloned()
        .collect()
}

pub(crate) fn release(claims: &std::collections::BTreeSet<String>, me: &Claim) -> Release {
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

    fn claim(token: &str, name: &str, aliases: &[&str]) -> Claim {
        Claim {
            token: token.into(),
            name: name.into(),
            aliases: aliases.iter().map(|a| a.to_string()).collect(),
        }
    }

    #[test]
    fn release_decisions() {
        let a = claim("a", "a", &[]);
        assert_eq!(release(&claims(None), &a), Release::Unclaimed);
        assert_eq!(release(&claims(Some("b,c")), &a), Release::NotMine("b, c".into()));
        assert_eq!(
            release(&claims(Some("a,b")), &a),
            Release::Shared(claims(Some("b")), "b".into())
        );
        assert_eq!(release(&claims(Some("a")), &a), Release::Last);
        assert_eq!(release(&claims(Some("a(adopted)")), &a), Release::Adopted);
        assert_eq!(
            release(&claims(Some("a(adopted),b")), &a),
            Release::Shared(claims(Some("b")), "b".into())
        );
        assert_eq!(
            release(&claims(Some("b(adopted)")), &a),
            Release::NotMine("b(adopted)".into())
        );
        assert_eq!(claimed_by(&claims(Some("a(adopted)")), &a), Some(true));
    }

    #[test]
    fn a_named_claim_carries_its_digest_and_sees_a_clash() {
        let me = claim("shop@1a2b3c", "shop", &["onboard"]);
        // Its own token, the bare name older kvwire wrote, and the checked alias are its own.
        assert_eq!(release(&claims(Some("shop@1a2b3c,shop,onboard")), &me), Release::Last);
        // The same name for something else is another runbook's.
        assert_eq!(
            release(&claims(Some("shop@1a2b3c,shop@ffffff")), &me),
            Release::Shared(claims(Some("shop@ffffff")), "shop@ffffff".into())
        );
        assert!(
            clash(&me.token, &claims(Some("shop@ffffff")))
                .unwrap()
                .contains("shop@ffffff")
        );
        assert_eq!(clash(&me.token, &claims(Some("shop@1a2b3c,shop,other@ffffff"))), None);
        // Without the alias, the old default name is someone else's.
        assert_eq!(
            release(&claims(Some("onboard")), &me.without_aliases()),
            Release::NotMine("onboard".into())
        );
    }

    #[test]
    fn an_adopted_claim_is_the_token_marked() {
        let me = claim("shop@1a2b3c", "shop", &["onboard"]);
        assert_eq!(adopted(&me), "shop@1a2b3c(adopted)");
        // Its own token adopted, the legacy name adopted, the alias adopted: adopter.
        for recorded in ["shop@1a2b3c(adopted)", "shop(adopted)", "onboard(adopted)"] {
            assert_eq!(claimed_by(&claims(Some(recorded)), &me), Some(true), "{recorded}");
            assert_eq!(release(&claims(Some(recorded)), &me), Release::Adopted, "{recorded}");
            assert!(without(&claims(Some(recorded)), &me).is_empty(), "{recorded}");
        }
        assert!(records(&claims(Some("shop@1a2b3c(adopted)")), &me));
        assert!(!records(&claims(Some("shop,onboard")), &me));
        // Maker wins over adopter when both are recorded.
        assert_eq!(
            claimed_by(&claims(Some("shop@1a2b3c,shop@1a2b3c(adopted)")), &me),
            Some(false)
        );
        // Another digest adopted is another runbook's, and a clash; its own adopted claim is not.
        assert_eq!(
            release(&claims(Some("shop@ffffff(adopted)")), &me),
            Release::NotMine("shop@ffffff(adopted)".into())
        );
        assert!(clash(&me.token, &claims(Some("shop@ffffff(adopted)"))).is_some());
        assert_eq!(clash(&me.token, &claims(Some("shop@1a2b3c(adopted)"))), None);
    }
}
