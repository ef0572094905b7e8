//! Key Vault secrets: seed one (idempotently: a matching value writes nothing, a differing one is
//! held without consent), or soft-delete one kvwire seeded.

use crate::{
    azure::{
        ids,
        keyvault::{KvFailure, secret_names},
        vault::Vault,
    },
    error::{Error, Result},
    model::{
        secrets::{SecretMapping, SecretValue},
        tags,
    },
    plan::{Action, After, FieldChange, Phase, Planned, Step},
    util::Progress,
};
use azure_core::http::RequestContent;
use azure_security_keyvault_secrets::{
    SecretClient,
    models::{
        SecretAttributes, SecretClientGetSecretOptions, SecretClientUpdateSecretPropertiesOptions, SetSecretParameters,
        UpdateSecretPropertiesParameters,
    },
};
use std::{collections::HashMap, sync::Arc, time::Duration};

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

/// What a new version takes over from the version it replaces: Key Vault gives a new version only
/// what the request carries, so an owner's tags and content type go back with it.
#[derive(Debug, Clone, Default)]
struct Inherited {
    tags: HashMap<String, String>,
    content_type: Option<String>,
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
                client: client.clone(),
                vault_name: vault.name.clone(),
                vault_uri: vault.uri.clone(),
                value: values.get(&m.key).cloned(),
                mapping: m,
                policy: policy.clone(),
            }) as Box<dyn Step>
        })
        .collect()
}

pub(crate) struct SeedSecret {
    client: Arc<SecretClient>,
    vault_name: String,
    vault_uri: url::Url,
    mapping: SecretMapping,
    /// `None` only in a read-only plan that was not given the value.
    value: Option<SecretValue>,
    policy: SeedPolicy,
}

impl SeedSecret {
    fn name(&self) -> &str {
        &self.mapping.secret
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
            match self.current().await? {
                Some((_, version, inherited)) if version == planned_version => Ok(inherited.tags),
                _ => Err(Error::runtime(format!(
                    "secret {} in vault {} changed since the plan; nothing more was written: run again",
                    self.name(),
                    self.vault_name
                ))),
            }
        };
        super::claims::write_until_it_holds(
            &self.address(),
            read,
            |t| set_tags(&self.client, &self.vault_name, self.name(), planned_version, t),
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
            self.vault_name,
            self.vault_name,
            self.name()
        ))
    }

    fn sdk_error(&self, f: KvFailure, what: &str) -> Error {
        sdk_error(&f, what, self.name(), &self.vault_name)
    }

    /// The secret's value, version and what a new version inherits, or `None` when it does not exist.
    async fn current(&self) -> Result<Option<(String, String, Inherited)>> {
        match self.client.get_secret(self.name(), None).await {
            Ok(resp) => {
                let s = resp
                    .into_model()
                    .map_err(|e| Error::runtime(format!("reading secret {}: {e}", self.name())))?;
                let version = version_of(s.id.as_deref());
                let inherited = Inherited {
                    tags: s.tags.unwrap_or_default(),
                    content_type: s.content_type,
                };
                Ok(Some((s.value.unwrap_or_default(), version, inherited)))
            }
            Err(e) => {
                let f = KvFailure::from_sdk(&e);
                if f.status == Some(404) {
                    Ok(None)
                } else {
                    Err(self.sdk_error(f, "read"))
                }
            }
        }
    }

    async fn recover(&self, on: Progress<'_>) -> Result<()> {
        on("recovering");
        if let Err(e) = self.client.recover_deleted_secret(self.name(), None).await {
            return Err(self.sdk_error(KvFailure::from_sdk(&e), "recover"));
        }
        // Recovery finishes in the background; the name is usable once a read succeeds.
        let mut waited = Duration::ZERO;
        while self.current().await?.is_none() {
            if waited > Duration::from_secs(60) {
                return Err(Error::runtime(format!(
                    "secret {} was not usable 60 s after recovery",
                    self.name()
                )));
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
            waited += Duration::from_secs(1);
        }
        Ok(())
    }

    /// PUT the value (a new version). `Ok(false)`: the name is soft-deleted (409 with inner code
    /// `ObjectIsDeletedButRecoverable`) and nothing was written.
    async fn set(&self, existing: Option<&Inherited>) -> Result<bool> {
        let tag_map = self.new_version_tags(existing.map(|e| &e.tags));
        let params = SetSecretParameters {
            value: Some(self.value()?.to_string()),
            content_type: self
                .policy
                .content_type
                .clone()
                .or_else(|| existing.and_then(|e| e.content_type.clone())),
            tags: Some(tag_map),
            secret_attributes: self.policy.expires.map(|exp| SecretAttributes {
                expires: Some(exp),
                ..Default::default()
            }),
        };
        let body: RequestContent<SetSecretParameters> = params
            .try_into()
            .map_err(|e: azure_core::Error| Error::runtime(format!("encoding secret {}: {e}", self.name())))?;
        match self.client.set_secret(self.name(), body, None).await {
            Ok(_) => Ok(true),
            Err(e) => {
                let f = KvFailure::from_sdk(&e);
                if f.is(crate::azure::keyvault::KvCode::ObjectIsDeletedButRecoverable) {
                    return Ok(false);
                }
                Err(self.sdk_error(f, "write"))
            }
        }
    }
}

/// Data-plane failures in words; a 403 says which role or permissions kvwire's identity needs.
fn sdk_error(f: &KvFailure, what: &str, name: &str, vault: &str) -> Error {
    if f.status == Some(403) {
        return Error::runtime(format!(
            "cannot {what} secret {name} in vault {vault}: {} ({}); kvwire's identity needs Key Vault Secrets Officer on the vault (or get, list, set and recover access policy permissions)",
            f.inner_code.as_deref().or(f.code.as_deref()).unwrap_or("error"),
            f.status.map(|s| s.to_string()).unwrap_or_default()
        ));
    }
    Error::runtime(format!("{what} secret {name} in vault {vault}: {}", f.message))
}

#[async_trait::async_trait]
impl Step for SeedSecret {
    fn address(&self) -> String {
        let how = if self.mapping.is_env_style() { "" } else { ", mapped" };
        format!(
            "secret {}/{} (from {}{how})",
            self.vault_name,
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
        let (live, deleted) = futures::try_join!(
            secret_names(&self.client, &self.vault_uri, false),
            secret_names(&self.client, &self.vault_uri, true)
        )?;
        let key = self.name().to_ascii_lowercase();
        // Without permission to list, read the secret itself.
        let Some(given) = self.value.as_ref().map(SecretValue::expose) else {
            return self.plan_without_value(
                planned,
                live.as_ref().map(|n| n.contains_key(&key)),
                deleted.is_some_and(|d| d.contains_key(&key)),
            );
        };
        if live.as_ref().is_none_or(|n| n.contains_key(&key))
            && let Some((value, version, Inherited { tags: current_tags, .. })) = self.current().await?
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
            if value == given {
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
            });
        }
        if deleted.is_some_and(|d| d.contains_key(&key)) {
            if !self.policy.recover {
                return Err(self.soft_deleted_error());
            }
            // The recovered version's tags go on to the new one: read them (never its value).
            let deleted_tags = match self.client.get_deleted_secret(self.name(), None).await {
                Ok(r) => r.into_model().ok().and_then(|d| d.tags).unwrap_or_default(),
                Err(e) => return Err(self.sdk_error(KvFailure::from_sdk(&e), "read")),
            };
            return Ok(planned.reason("soft-deleted: recover it, then set the value").changes(
                [
                    FieldChange::set(RECOVER, None, serde_json::json!(true)),
                    FieldChange::sensitive(VALUE, false),
                ]
                .into_iter()
                .chain(self.claim_change(Some(&deleted_tags)))
                .collect(),
            ));
        }
        Ok(planned.changes(
            [
                FieldChange::sensitive(VALUE, false),
                FieldChange::set(&format!("tags.{}", tags::MANAGED_BY.0), None, tags::MANAGED_BY.1.into()),
            ]
            .into_iter()
            .chain(self.claim_change(None))
            .collect(),
        ))
    }

    /// Write only if the secret is still as planned: nobody created it (or wrote a new version)
    /// since, as a concurrent `secrets seed` would have. A changed secret is not overwritten.
    async fn apply(&self, planned: &Planned, on: Progress<'_>) -> Result<()> {
        if planned.planned_value(RECOVER).is_some() {
            self.recover(on).await?;
        } else {
            let planned_version = planned
                .changes
                .iter()
                .find(|c| c.path == VERSION)
                .and_then(|c| c.before.as_ref())
                .and_then(|v| v.as_str().map(str::to_owned));
            let now = self.current().await?;
            match (&now, planned_version) {
                (Some((value, _, _)), None) if value == self.value()? => return Ok(()),
                (Some((_, version, _)), planned) if planned.as_deref() != Some(version.as_str()) => {
                    return Err(Error::runtime(format!(
                        "secret {} in vault {} changed since the plan (someone else wrote version {version}); nothing was written: run again to see the difference (a differing value is held without --overwrite)",
                        self.name(),
                        self.vault_name
                    )));
                }
                (None, Some(_)) => {
                    return Err(Error::runtime(format!(
                        "secret {} in vault {} was deleted since the plan; nothing was written: run again",
                        self.name(),
                        self.vault_name
                    )));
                }
                _ => {}
            }
            let tags_only = !planned.changes.iter().any(|c| c.path == VALUE);
            if let (true, Some((_, version, _))) = (tags_only, &now) {
                on("tagging");
                return self.claim_only(version, planned.adoption).await;
            }
            on("writing");
            if self.set(now.as_ref().map(|n| &n.2)).await? {
                return Ok(());
            }
        }
        if planned.planned_value(RECOVER).is_some() {
            on("writing");
            // The recovered version is the one replaced: its owner's tags go on.
            let recovered = self.current().await?;
            if self.set(recovered.as_ref().map(|r| &r.2)).await? {
                return Ok(());
            }
        }
        // Soft-deleted since the plan (or not listable then): recover only when asked.
        if !self.policy.recover {
            return Err(self.soft_deleted_error());
        }
        self.recover(on).await?;
        let recovered = self.current().await?;
        if self.set(recovered.as_ref().map(|r| &r.2)).await? {
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

/// The version in a secret's ID (`https://VAULT/secrets/NAME/VERSION`).
fn version_of(id: Option<&str>) -> String {
    id.and_then(|id| id.trim_end_matches('/').rsplit('/').next())
        .unwrap_or_default()
        .to_string()
}

/// Replace the tags of one version (Update Secret, a PATCH; no new version). Key Vault replaces
/// the whole tag map, so `tags` is all of them.
async fn set_tags(
    client: &SecretClient,
    vault: &str,
    name: &str,
    version: &str,
    tags: HashMap<String, String>,
) -> Result<()> {
    let body: RequestContent<UpdateSecretPropertiesParameters> = UpdateSecretPropertiesParameters {
        tags: Some(tags),
        ..Default::default()
    }
    .try_into()
    .map_err(|e: azure_core::Error| Error::runtime(format!("encoding secret {name}: {e}")))?;
    let options = SecretClientUpdateSecretPropertiesOptions {
        secret_version: Some(version.to_string()),
        ..Default::default()
    };
    client
        .update_secret_properties(name, body, Some(options))
        .await
        .map(|_| ())
        .map_err(|e| sdk_error(&KvFailure::from_sdk(&e), "tag", name, vault))
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
        let t = match self.client.get_secret(&self.name, None).await {
            Ok(r) => r.into_model().ok().and_then(|s| s.tags).unwrap_or_default(),
            Err(e) if KvFailure::from_sdk(&e).status == Some(404) => return Ok(no_op("absent".into())),
            Err(e) => return Err(sdk_error(&KvFailure::from_sdk(&e), "read", &self.name, &self.vault)),
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
        let err = |e: &azure_core::Error, what: &str| sdk_error(&KvFailure::from_sdk(e), what, &self.name, &self.vault);
        let s = self
            .client
            .get_secret(&self.name, None)
            .await
            .map_err(|e| err(&e, "read"))?
            .into_model()
            .map_err(|e| Error::runtime(format!("reading secret {}: {e}", self.name)))?;
        let t = s.tags.unwrap_or_default();
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
            let version = version_of(s.id.as_deref());
            let read = || async {
                let s = self
                    .client
                    .get_secret(
                        &self.name,
                        Some(SecretClientGetSecretOptions {
                            secret_version: Some(version.clone()),
                            ..Default::default()
                        }),
                    )
                    .await
                    .map_err(|e| err(&e, "read"))?
                    .into_model()
                    .map_err(|e| Error::runtime(format!("reading secret {}: {e}", self.name)))?;
                Ok(s.tags.unwrap_or_default())
            };
            return super::claims::write_until_it_holds(
                &self.address(),
                read,
                |t| set_tags(&self.client, &self.vault, &self.name, &version, t),
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
        self.client
            .delete_secret(&self.name, None)
            .await
            .map(|_| ())
            .map_err(|e| err(&e, "delete"))
    }
}
