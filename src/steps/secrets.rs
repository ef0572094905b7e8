//! Key Vault secrets: seed one (idempotently: a matching value writes nothing, a differing one is
//! held without consent), or soft-delete one kvwire seeded. The secret itself — its reads and
//! writes — is `azure::secret::SecretRef`; a seed's plan records the PUT it sends (the value only
//! as a marker) and apply sends that with the value from its source.

use crate::{
    azure::{
        ids,
        secret::{self, Found, Live, SecretRef, Tags},
        vault::Vault,
    },
    error::{Error, Result},
    model::{
        secrets::{SecretMapping, SecretValue},
        tags,
    },
    plan::{Action, After, FieldChange, Phase, Planned, Request, Step},
    util::Progress,
};
use azure_security_keyvault_secrets::SecretClient;
use std::{collections::HashMap, sync::Arc};

/// The paths of a secret step's changes: what apply acts on is what the plan showed, by name.
const VALUE: &str = "value";
const VERSION: &str = "version";
/// The secret is soft-deleted and is recovered first (`--recover`).
const RECOVER: &str = "recover";

/// How existing and deleted secrets are treated, and what new versions carry.
#[derive(Debug, Clone, Default)]
pub(crate) struct SeedPolicy {
    /// The runbook seeding it, recorded in the `kvwire-runbooks` tag (see `down`). A secret is not
    /// bound to an identity, so the claim's aliases (the old shared default name) are not taken
    /// as this runbook's: callers pass it [`tags::Claim::without_aliases`].
    pub(crate) claim: Option<tags::Claim>,
    /// Adopt a secret this runbook did not seed without asking (`up --adopt`).
    pub(crate) adopt: bool,
    pub(crate) overwrite: bool,
    pub(crate) recover: bool,
    pub(crate) content_type: Option<String>,
    pub(crate) expires: Option<time::OffsetDateTime>,
}

/// One step per mapping; `values` holds a value for every mapping's key, except in a read-only
/// plan, where a missing one shows as "(value not provided)".
pub(crate) fn seed_steps(
    client: Arc<SecretClient>,
    vault: &Vault,
    mappings: Vec<SecretMapping>,
    values: &HashMap<String, SecretValue>,
    policy: &SeedPolicy,
) -> Vec<Box<dyn Step>> {
    mappings
        .into_iter()
        .map(|m| {
            Box::new(SeedSecret {
                secret: SecretRef {
                    client: client.clone(),
                    vault: vault.name.clone(),
                    vault_uri: vault.uri.clone(),
                    name: m.secret.clone(),
                },
                value: values.get(&m.key).cloned(),
                mapping: m,
                policy: policy.clone(),
            }) as Box<dyn Step>
        })
        .collect()
}

pub(crate) struct SeedSecret {
    secret: SecretRef,
    mapping: SecretMapping,
    /// `None` only in a read-only plan that was not given the value.
    value: Option<SecretValue>,
    policy: SeedPolicy,
}

impl SeedSecret {
    fn name(&self) -> &str {
        &self.secret.name
    }

    /// The plan of a read-only run that was not given the value: what can be said without it.
    /// `exists`: `None` when the vault's list could not be read.
    fn plan_without_value(&self, planned: Planned, exists: Option<bool>, deleted: bool) -> Result<Planned> {
        let key = &self.mapping.key;
        let unknown = |why: String| Planned {
            action: Action::NoOp,
            ..planned.clone().reason(why).warnings(vec![format!(
                "{key} was not provided: the plan cannot say whether secret {} changes (`kvwire up` needs every value)",
                self.name()
            )])
        };
        match exists {
            Some(true) => Ok(unknown("exists; (value not provided), so not compared".into())),
            None => Ok(unknown(
                "(value not provided), and the vault's secret list is not readable".into(),
            )),
            Some(false) if deleted && !self.policy.recover => Err(self.soft_deleted_error()),
            Some(false) => {
                let mut changes = vec![FieldChange {
                    path: VALUE.into(),
                    before: None,
                    after: After::NotProvided,
                }];
                if deleted {
                    changes.insert(0, FieldChange::set(RECOVER, None, serde_json::json!(true)));
                } else {
                    changes.push(FieldChange::set(
                        &format!("tags.{}", tags::MANAGED_BY.0),
                        None,
                        tags::MANAGED_BY.1.into(),
                    ));
                }
                Ok(planned.changes(changes))
            }
        }
    }

    /// The value, which every write needs (`up` and `secrets seed` refuse to start without it).
    fn value(&self) -> Result<&str> {
        self.value.as_ref().map(SecretValue::expose).ok_or_else(|| {
            Error::usage(format!(
                "{} was not provided: no value to write to secret {}",
                self.mapping.key,
                self.name()
            ))
        })
    }

    /// The `kvwire-runbooks` value with this runbook added to what `existing` tags name, as its
    /// maker or (`adopting`) as adopter.
    fn claims_with_mine(&self, existing: Option<&HashMap<String, String>>, adopting: bool) -> Option<String> {
        let mine = self.policy.claim.as_ref()?;
        let mut claims = tags::claims(existing.and_then(|t| t.get(tags::RUNBOOKS)).map(String::as_str));
        if tags::claimed_by(&claims, mine) != Some(true) && !tags::records(&claims, mine) {
            claims.insert(if adopting {
                tags::adopted(mine)
            } else {
                mine.token.clone()
            });
        }
        Some(tags::claims_value(&claims))
    }

    /// The tags a new version gets. A new name: `managed-by=kvwire` and this runbook. An existing
    /// secret keeps its tags (Key Vault gives a new version only the tags sent): its owner's, and
    /// other runbooks' claims; this runbook is added only beside other runbooks on a secret kvwire
    /// made — anything else is an adoption, which a new value does not make (the plan asks for it).
    fn new_version_tags(&self, existing: Option<&HashMap<String, String>>) -> HashMap<String, String> {
        let Some(t) = existing else {
            let mut t = HashMap::new();
            t.insert(tags::MANAGED_BY.0.to_string(), tags::MANAGED_BY.1.to_string());
            if let Some(mine) = &self.policy.claim {
                t.insert(tags::RUNBOOKS.to_string(), mine.token.clone());
            }
            return t;
        };
        let mut t = t.clone();
        let ours = t.get(tags::MANAGED_BY.0).map(String::as_str) == Some(tags::MANAGED_BY.1);
        let claimed = !tags::claims(t.get(tags::RUNBOOKS).map(String::as_str)).is_empty();
        if ours
            && claimed
            && let Some(claims) = self.claims_with_mine(Some(&t), false)
        {
            t.insert(tags::RUNBOOKS.to_string(), claims);
        }
        t
    }

    /// The `kvwire-runbooks` tag a new version gets, as a planned change, when it changes.
    fn claim_change(&self, existing: Option<&HashMap<String, String>>) -> Option<FieldChange> {
        let after = self.new_version_tags(existing).get(tags::RUNBOOKS).cloned()?;
        let before = existing.and_then(|t| t.get(tags::RUNBOOKS)).cloned();
        (before.as_deref() != Some(after.as_str())).then(|| {
            FieldChange::set(
                &format!("tags.{}", tags::RUNBOOKS),
                before.map(serde_json::Value::from),
                serde_json::json!(after),
            )
        })
    }

    /// Record this runbook on the secret as it is (no new version): PATCH the current version's
    /// tags, all of them, and read them back (no `If-Match` here: see
    /// `claims::write_until_it_holds`). A new version since the plan stops it.
    async fn claim_only(&self, planned_version: &str, adopting: bool) -> Result<()> {
        let Some(mine) = &self.policy.claim else { return Ok(()) };
        let read = || async {
            match self.secret.live(None).await? {
                Some(l) if l.version == planned_version => Ok(l.tags),
                _ => Err(Error::runtime(format!(
                    "secret {} in vault {} changed since the plan; nothing more was written: run again",
                    self.name(),
                    self.secret.vault
                ))),
            }
        };
        super::claims::write_until_it_holds(
            &self.address(),
            read,
            |t| self.secret.set_tags(planned_version, t),
            |t| {
                let mut t = t.clone();
                if let Some(claims) = self.claims_with_mine(Some(&t), adopting) {
                    t.insert(tags::RUNBOOKS.to_string(), claims);
                }
                t
            },
            |t| tags::records(&tags::claims(t.get(tags::RUNBOOKS).map(String::as_str)), mine),
        )
        .await
    }

    fn soft_deleted_error(&self) -> Error {
        Error::runtime(format!(
            "secret {} in vault {} is deleted but recoverable (soft delete): pass --recover to recover it and set the new value, \
             or purge it first (`az keyvault secret purge --vault-name {} --name {}`; kvwire never purges)",
            self.name(),
            self.secret.vault,
            self.secret.vault,
            self.name()
        ))
    }

    /// The set (a new version) this step sends: Key Vault gives a new version only what the
    /// request carries, so the tags and content type of the version it replaces (`existing`: its
    /// tags and content type) go with it; the value is a marker until apply.
    fn set_request(&self, existing: Option<(&Tags, Option<String>)>) -> Request {
        let body = SecretRef::set_body(
            self.policy
                .content_type
                .clone()
                .or_else(|| existing.as_ref().and_then(|e| e.1.clone())),
            self.new_version_tags(existing.as_ref().map(|e| e.0)),
            self.policy.expires,
        );
        Request {
            base: Some(self.secret.base()),
            ..Request::put(self.secret.path(), secret::API_VERSION, body)
        }
    }

    /// Send the set `r`, with the value in place of its marker. `Ok(false)`: the name is
    /// soft-deleted and nothing was written.
    async fn send(&self, r: &Request) -> Result<bool> {
        let body = r.body.clone().unwrap_or_default();
        self.secret.set(&body, self.value()?).await
    }
}

#[async_trait::async_trait]
impl Step for SeedSecret {
    fn address(&self) -> String {
        let how = if self.mapping.is_env_style() { "" } else { ", mapped" };
        format!(
            "secret {}/{} (from {}{how})",
            self.secret.vault,
            self.name(),
            self.mapping.key
        )
    }

    fn phase(&self) -> Phase {
        Phase::SECRETS
    }

    /// One shared listing of the vault tells which names exist: a new secret then costs its PUT
    /// (and the read that checks nobody wrote it meanwhile), an existing one a read to compare.
    async fn plan(&self) -> Result<Planned> {
        let planned = Planned::new(self.address(), self.phase(), ids::SECRET, Action::Create);
        let Some(given) = self.value.as_ref().map(SecretValue::expose) else {
            let (live, deleted) = futures::try_join!(self.secret.listed(false), self.secret.listed(true))?;
            return self.plan_without_value(planned, live, deleted == Some(true));
        };
        let found = self.secret.state(given).await?;
        if let Found::Live(Live {
            version,
            tags: current_tags,
            content_type,
            same,
        }) = found
        {
            // Another runbook recorded this runbook's name for something else: say so.
            let clash: Vec<String> = self
                .policy
                .claim
                .iter()
                .filter_map(|c| {
                    tags::clash(
                        &c.token,
                        &tags::claims(current_tags.get(tags::RUNBOOKS).map(String::as_str)),
                    )
                })
                .collect();
            let planned = planned.warnings(clash);
            if same {
                let before = current_tags.get(tags::RUNBOOKS).map(String::as_str);
                let ours = current_tags.get(tags::MANAGED_BY.0).map(String::as_str) == Some(tags::MANAGED_BY.1);
                let claims = tags::claims(before);
                let no_op = |why: String, adoption: bool| Planned {
                    action: Action::NoOp,
                    adoption,
                    ..planned.clone().reason(why)
                };
                let Some(mine) = &self.policy.claim else {
                    return Ok(no_op("value matches".into(), false));
                };
                let adopting = match tags::claimed_by(&claims, mine) {
                    Some(false) if tags::records(&claims, mine) => return Ok(no_op("value matches".into(), false)),
                    // Claimed under its bare name only: the token goes beside it.
                    Some(false) => false,
                    Some(true) => {
                        return Ok(no_op(
                            format!("value matches (adopted by runbook {})", mine.token),
                            true,
                        ));
                    }
                    // Seeded by kvwire for other runbooks: shared, this one is recorded beside them.
                    None if ours && !claims.is_empty() => false,
                    // Made outside kvwire, or by `secrets seed`: never a silent no-op.
                    None => true,
                };
                let update = Planned {
                    action: Action::Update,
                    ..planned.changes(vec![
                        FieldChange::set(
                            &format!("tags.{}", tags::RUNBOOKS),
                            before.map(serde_json::Value::from),
                            serde_json::json!(self.claims_with_mine(Some(&current_tags), adopting)),
                        ),
                        FieldChange::set(VERSION, Some(serde_json::json!(version)), serde_json::json!(version)),
                    ])
                };
                return Ok(if adopting {
                    update
                        .reason("value matches")
                        .adopting(self.policy.adopt, tags::adoption_hold(ours, &mine.token))
                } else {
                    update.reason(format!(
                        "value matches; record that runbook {} uses it (no new version)",
                        mine.token
                    ))
                });
            }
            return Ok(Planned {
                action: Action::Update,
                ..planned
                    .reason("the vault holds a different value")
                    .changes(
                        [
                            FieldChange::sensitive(VALUE, true),
                            FieldChange {
                                path: VERSION.into(),
                                before: Some(serde_json::json!(version)),
                                after: After::KnownAfterApply,
                            },
                        ]
                        .into_iter()
                        .chain(self.claim_change(Some(&current_tags)))
                        .collect(),
                    )
                    .held((!self.policy.overwrite).then(|| {
                        "the vault holds a different value; pass --overwrite to replace it (a new version)".into()
                    }))
                    .request(self.set_request(Some((&current_tags, content_type))))
            });
        }
        if found == Found::Deleted {
            if !self.policy.recover {
                return Err(self.soft_deleted_error());
            }
            // The recovered version's tags go on to the new one: read them (never its value).
            let (deleted_tags, content_type) = self.secret.deleted().await?;
            return Ok(planned
                .reason("soft-deleted: recover it, then set the value")
                .changes(
                    [
                        FieldChange::set(RECOVER, None, serde_json::json!(true)),
                        FieldChange::sensitive(VALUE, false),
                    ]
                    .into_iter()
                    .chain(self.claim_change(Some(&deleted_tags)))
                    .collect(),
                )
                .request(self.set_request(Some((&deleted_tags, content_type)))));
        }
        Ok(planned
            .changes(
                [
                    FieldChange::sensitive(VALUE, false),
                    FieldChange::set(&format!("tags.{}", tags::MANAGED_BY.0), None, tags::MANAGED_BY.1.into()),
                ]
                .into_iter()
                .chain(self.claim_change(None))
                .collect(),
            )
            .request(self.set_request(None)))
    }

    /// Write only if the secret is still as planned: nobody created it (or wrote a new version)
    /// since, as a concurrent `secrets seed` would have. A changed secret is not overwritten.
    async fn apply(&self, planned: &Planned, on: Progress<'_>) -> Result<()> {
        let (name, vault) = (self.name(), &self.secret.vault);
        if planned.planned_value(RECOVER).is_some() {
            on("recovering");
            self.secret.recover().await?;
            on("writing");
            // The planned set: built from the deleted version's tags, which the recovered one has.
            if let Some(r) = &planned.request
                && self.send(r).await?
            {
                return Ok(());
            }
        } else {
            let planned_version = planned
                .changes
                .iter()
                .find(|c| c.path == VERSION)
                .and_then(|c| c.before.as_ref())
                .and_then(|v| v.as_str().map(str::to_owned));
            let given = self.value.as_ref().map(SecretValue::expose);
            let now = self.secret.live(given).await?;
            match (&now, planned_version) {
                (Some(l), None) if l.same => return Ok(()),
                (Some(l), planned) if planned.as_deref() != Some(l.version.as_str()) => {
                    return Err(Error::runtime(format!(
                        "secret {name} in vault {vault} changed since the plan (someone else wrote version {}); nothing was written: run again to see the difference (a differing value is held without --overwrite)",
                        l.version
                    )));
                }
                (None, Some(_)) => {
                    return Err(Error::runtime(format!(
                        "secret {name} in vault {vault} was deleted since the plan; nothing was written: run again"
                    )));
                }
                _ => {}
            }
            let tags_only = !planned.changes.iter().any(|c| c.path == VALUE);
            if let (true, Some(l)) = (tags_only, &now) {
                on("tagging");
                return self.claim_only(&l.version, planned.adoption).await;
            }
            // The planned set, unchanged; the secret as read now must still make the same one (its
            // tags go with the new version: a tag written since the plan is not dropped).
            let now_request = self.set_request(now.as_ref().map(|l| (&l.tags, l.content_type.clone())));
            let r = match &planned.request {
                Some(r) if *r != now_request => {
                    return Err(Error::runtime(format!(
                        "secret {name} in vault {vault} changed since the plan (its tags); nothing was written: run again"
                    )));
                }
                Some(r) => r,
                None => &now_request,
            };
            on("writing");
            if self.send(r).await? {
                return Ok(());
            }
        }
        // Soft-deleted since the plan (or not listable then): recover only when asked, then set
        // what the recovered version makes (planned again: the plan did not know it).
        if !self.policy.recover {
            return Err(self.soft_deleted_error());
        }
        on("recovering");
        self.secret.recover().await?;
        let recovered = self.secret.live(None).await?;
        on("writing");
        let r = self.set_request(recovered.as_ref().map(|l| (&l.tags, l.content_type.clone())));
        if self.send(&r).await? {
            Ok(())
        } else {
            Err(self.soft_deleted_error())
        }
    }

    /// The PUT answered with the new version: nothing to read again.
    async fn verify(&self, _planned: &Planned) -> Result<()> {
        Ok(())
    }
}

/// Soft-delete a secret kvwire seeded (tagged `managed-by=kvwire`); recoverable, never purged.
/// One another runbook still uses (its `kvwire-runbooks` tag) is kept, with this runbook's name
/// taken off.
pub(crate) struct RemoveSecret {
    pub(crate) client: Arc<SecretClient>,
    pub(crate) vault: String,
    pub(crate) name: String,
    /// This runbook's claim. A secret is not bound to an identity, so the claim's aliases (the
    /// old shared default name) are not taken as this runbook's: such a secret is held.
    pub(crate) claim: tags::Claim,
    /// See `remove::Remove::include_adopted`.
    pub(crate) include_adopted: bool,
}

impl RemoveSecret {
    fn secret(&self) -> SecretRef {
        SecretRef::new(self.client.clone(), &self.vault, &self.name)
    }
}

#[async_trait::async_trait]
impl Step for RemoveSecret {
    fn address(&self) -> String {
        format!("secret {}/{}", self.vault, self.name)
    }

    fn phase(&self) -> Phase {
        Phase::REMOVE
    }

    async fn plan(&self) -> Result<Planned> {
        let planned = Planned::new(self.address(), self.phase(), ids::SECRET, Action::Delete);
        let no_op = |why: String| Planned {
            action: Action::NoOp,
            ..planned.clone().reason(why)
        };
        let Some((_, t)) = self.secret().tags(None).await? else {
            return Ok(no_op("absent".into()));
        };
        let before = t.get(tags::RUNBOOKS).map(String::as_str);
        let claims = tags::claims(before);
        let mine = self.claim.without_aliases();
        let adopted_by_me = tags::claimed_by(&claims, &mine) == Some(true);
        if t.get(tags::MANAGED_BY.0).map(String::as_str) != Some(tags::MANAGED_BY.1) && !adopted_by_me {
            return Ok(no_op("not seeded by kvwire: kept".into()));
        }
        let others = tags::without(&claims, &mine);
        if !others.is_empty() && others.iter().all(|c| self.claim.aliases.contains(c)) {
            return Ok(planned.held(Some(format!(
                "claimed only as runbook {}, the default name every runbook without `name` in a file of that name had before: it may be another runbook's. Confirm at the prompt to delete it",
                others.iter().cloned().collect::<Vec<_>>().join(", ")
            ))));
        }
        match tags::release(&claims, &mine) {
            tags::Release::Unclaimed => Ok(planned.held(Some(
                "no runbook is recorded on it (seeded by `secrets seed`, or before kvwire recorded runbooks): it may be another runbook's. Confirm at the prompt to delete it"
                    .into(),
            ))),
            tags::Release::NotMine(names) => Ok(no_op(format!("kept: seeded for runbook(s) {names}, not this one"))),
            tags::Release::Shared(others, names) => Ok(Planned {
                action: Action::Update,
                ..planned
                    .reason(format!(
                        "kept: runbook(s) {names} still use it; only runbook {}'s claim is removed",
                        self.claim.name
                    ))
                    .changes(vec![FieldChange::set(
                        &format!("tags.{}", tags::RUNBOOKS),
                        before.map(serde_json::Value::from),
                        serde_json::json!(tags::claims_value(&others)),
                    )])
            }),
            tags::Release::Adopted if !self.include_adopted => {
                Ok(planned.held(Some(super::remove::adopted_hold(&self.claim.name))))
            }
            tags::Release::Last | tags::Release::Adopted => {
                Ok(planned.reason("soft delete: recoverable for the vault's retention period"))
            }
        }
    }

    /// Claims are read again here: a runbook that recorded itself since the plan keeps the secret.
    async fn apply(&self, planned: &Planned, _on: Progress<'_>) -> Result<()> {
        let secret = self.secret();
        let gone = || {
            Error::runtime(format!(
                "read secret {} in vault {}: it no longer exists",
                self.name, self.vault
            ))
        };
        let (version, t) = secret.tags(None).await?.ok_or_else(gone)?;
        let runbooks = |t: &HashMap<String, String>| tags::claims(t.get(tags::RUNBOOKS).map(String::as_str));
        // Held at plan time when only the old default name claims it: a yes at the prompt
        // deleted it, so that claim goes too.
        let mine = if planned.held.is_some() {
            self.claim.clone()
        } else {
            self.claim.without_aliases()
        };
        let others = tags::without(&runbooks(&t), &mine);
        if planned.action == Action::Update || !others.is_empty() {
            // PATCH replaces the version's tags: send them all, this runbook's name taken off,
            // and read them back (no `If-Match` here: see `claims::write_until_it_holds`).
            let read = || async { Ok(secret.tags(Some(&version)).await?.ok_or_else(gone)?.1) };
            return super::claims::write_until_it_holds(
                &self.address(),
                read,
                |t| secret.set_tags(&version, t),
                |t| {
                    let mut t = t.clone();
                    t.insert(
                        tags::RUNBOOKS.to_string(),
                        tags::claims_value(&tags::without(&runbooks(&t), &mine)),
                    );
                    t
                },
                |t| tags::claimed_by(&runbooks(t), &mine).is_none(),
            )
            .await;
        }
        secret.delete().await
    }
}

#[cfg(test)]
mod tests {
    //! The seed step's plan against recorded observations (steps::recorded): the vault's
    //! listings and the secret as Key Vault answers.

    use super::*;
    use crate::steps::recorded::{Recorded, VAULT_URI};
    use serde_json::{Value, json};

    const NAME: &str = "DB-PASSWORD";
    const VERSION_ID: &str = "4387e9f3d6e14c459867679a90fd0f79";

    fn seed(r: &Recorded, value: &str, policy: SeedPolicy) -> SeedSecret {
        SeedSecret {
            secret: r.secret_ref(NAME),
            mapping: SecretMapping::parse(&format!("DB_PASSWORD={NAME}")).unwrap(),
            value: Some(SecretValue::new(value.into())),
            policy,
        }
    }

    /// The secret as Key Vault's Get Secret answers it.
    fn answer(value: &str, tags: Value) -> Value {
        json!({
            "id": format!("{VAULT_URI}secrets/{NAME}/{VERSION_ID}"),
            "value": value,
            "tags": tags,
            "attributes": {"enabled": true}
        })
    }

    /// The PUT a plan records: the vault's data plane, the value only as the marker.
    fn put(body: Value) -> Request {
        Request {
            method: "PUT".into(),
            path: format!("/secrets/{NAME}"),
            api_version: "2025-07-01".into(),
            body: Some(body),
            if_match: None,
            base: Some("https://kv-demo.vault.azure.net".into()),
        }
    }

    /// Neither the value nor anything derived from it is in a plan's request.
    fn assert_redacted(p: &Planned, value: &str) {
        let shown = format!("{:?}", p.request);
        assert!(!shown.contains(value), "{shown}");
        let digest = crate::plan::saved::sha256(value.as_bytes());
        assert!(!shown.contains(&digest), "{shown}");
    }

    #[tokio::test]
    async fn a_new_secret_is_created_with_its_put() {
        let r = Recorded::new()
            .vault_lists(false, Some(&["OTHER"]))
            .vault_lists(true, Some(&[]));
        let step = seed(&r, "s3cr3t-new", SeedPolicy::default());
        let p = r.plan(&step).await.unwrap();
        assert_eq!(p.action, Action::Create);
        assert_eq!(p.held, None);
        assert_eq!(
            p.changes,
            [
                FieldChange::sensitive(VALUE, false),
                FieldChange::set("tags.managed-by", None, json!("kvwire")),
            ]
        );
        assert_eq!(
            p.request,
            Some(put(json!({"tags": {"managed-by": "kvwire"}, "value": "(sensitive)"})))
        );
        assert_redacted(&p, "s3cr3t-new");
    }

    #[tokio::test]
    async fn the_same_value_is_a_no_op() {
        let r = Recorded::new()
            .vault_lists(false, Some(&[NAME]))
            .vault_lists(true, Some(&[]))
            .secret(NAME, Some(answer("s3cr3t", json!({"managed-by": "kvwire"}))));
        let step = seed(&r, "s3cr3t", SeedPolicy::default());
        let p = r.plan(&step).await.unwrap();
        assert_eq!(p.action, Action::NoOp);
        assert_eq!(p.reason.as_deref(), Some("value matches"));
        assert_eq!(p.request, None, "nothing to send");
    }

    #[tokio::test]
    async fn a_different_value_is_held_for_overwrite() {
        let recorded = || {
            let mut doc = answer("old-value", json!({"managed-by": "kvwire", "team": "payments"}));
            doc["contentType"] = json!("text/plain");
            Recorded::new()
                .vault_lists(false, Some(&[NAME]))
                .vault_lists(true, Some(&[]))
                .secret(NAME, Some(doc))
        };
        let r = recorded();
        let step = seed(&r, "new-value", SeedPolicy::default());
        let p = r.plan(&step).await.unwrap();
        assert_eq!(p.action, Action::Update);
        assert_eq!(
            p.held.as_deref(),
            Some("the vault holds a different value; pass --overwrite to replace it (a new version)")
        );
        assert_eq!(p.changes[0], FieldChange::sensitive(VALUE, true));
        assert_eq!(
            p.changes[1].before,
            Some(json!(VERSION_ID)),
            "apply refuses another version"
        );
        // The new version keeps the owner's tags and content type (Key Vault gives it only what
        // the request carries).
        let expected = put(json!({
            "contentType": "text/plain",
            "tags": {"managed-by": "kvwire", "team": "payments"},
            "value": "(sensitive)"
        }));
        assert_eq!(p.request, Some(expected.clone()));
        assert_redacted(&p, "new-value");
        assert_redacted(&p, "old-value");

        let r = recorded();
        let overwrite = SeedPolicy {
            overwrite: true,
            ..SeedPolicy::default()
        };
        let step = seed(&r, "new-value", overwrite);
        let p = r.plan(&step).await.unwrap();
        assert_eq!((p.action, p.held), (Action::Update, None));
        assert_eq!(p.request, Some(expected));
    }

    #[tokio::test]
    async fn a_soft_deleted_secret_is_recovered_with_recover() {
        let recorded = || {
            Recorded::new()
                .vault_lists(false, Some(&[]))
                .vault_lists(true, Some(&[NAME]))
                .deleted_secret(NAME, json!({"managed-by": "kvwire", "team": "payments"}))
        };
        let r = recorded();
        let step = seed(&r, "s3cr3t", SeedPolicy::default());
        let e = r.plan(&step).await.unwrap_err().to_string();
        assert!(
            e.contains("is deleted but recoverable (soft delete): pass --recover"),
            "{e}"
        );

        let r = recorded();
        let recover = SeedPolicy {
            recover: true,
            ..SeedPolicy::default()
        };
        let step = seed(&r, "s3cr3t", recover);
        let p = r.plan(&step).await.unwrap();
        assert_eq!(p.action, Action::Create);
        assert_eq!(
            p.reason.as_deref(),
            Some("soft-deleted: recover it, then set the value")
        );
        assert_eq!(
            p.changes,
            [
                FieldChange::set(RECOVER, None, json!(true)),
                FieldChange::sensitive(VALUE, false),
            ]
        );
        // The set after recovery: the deleted version's tags go on.
        assert_eq!(
            p.request,
            Some(put(json!({
                "tags": {"managed-by": "kvwire", "team": "payments"},
                "value": "(sensitive)"
            })))
        );
        assert_redacted(&p, "s3cr3t");
    }

    /// Key Vault's own code, never its message, says a name is soft-deleted.
    #[test]
    fn soft_deleted_is_told_by_its_code() {
        let f = |code: Option<&str>, inner: Option<&str>, message: &str| crate::azure::keyvault::KvFailure {
            status: Some(409),
            code: code.map(str::to_owned),
            inner_code: inner.map(str::to_owned),
            message: message.into(),
        };
        let kv = crate::azure::keyvault::KvCode::ObjectIsDeletedButRecoverable;
        assert!(f(Some("Conflict"), Some("ObjectIsDeletedButRecoverable"), "x").is(kv));
        assert!(
            !f(
                Some("Conflict"),
                None,
                "Secret is currently in a deleted but recoverable state"
            )
            .is(kv)
        );
    }
}
