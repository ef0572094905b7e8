//! `down`: delete one ARM resource kvwire made — or, when other runbooks still use it, only take
//! this runbook's name off it.

use super::{access::PRINCIPAL_WAIT, identity::one_credential_write_at_a_time};
use crate::{
    azure::{arm::api, context::Azure, ids},
    error::Result,
    model::tags,
    plan::{Action, FieldChange, Phase, Planned, Step},
    util::Progress,
};
use serde_json::{Value, json};
use std::{collections::BTreeSet, sync::Arc};

/// Where a shared resource records the runbooks that use it ([`tags::RUNBOOKS`]), and this
/// runbook's claim. Both are bound to this runbook's identity (kvwire's assignment name covers the
/// principal and the vault; the identity is the runbook's own), so the claim's aliases count.
pub(crate) enum Shared {
    /// A role assignment: its description.
    Description { claim: tags::Claim },
    /// An identity: its `kvwire-runbooks` tag.
    Tag { claim: tags::Claim },
}

impl Shared {
    fn claim(&self) -> &tags::Claim {
        match self {
            Shared::Description { claim } | Shared::Tag { claim } => claim,
        }
    }

    fn path(&self) -> String {
        match self {
            Shared::Description { .. } => "properties.description".into(),
            Shared::Tag { .. } => format!("tags.{}", tags::RUNBOOKS),
        }
    }

    fn read(&self, doc: &Value) -> Option<String> {
        match self {
            Shared::Description { .. } => {
                crate::azure::arm::models::RoleAssignment::of(doc)
                    .properties
                    .description
            }
            Shared::Tag { .. } => doc
                .pointer(&format!("/tags/{}", tags::RUNBOOKS))
                .and_then(Value::as_str)
                .map(str::to_owned),
        }
    }

    fn claims(&self, doc: &Value) -> BTreeSet<String> {
        match self {
            Shared::Description { .. } => tags::description_claims(self.read(doc).as_deref()),
            Shared::Tag { .. } => tags::claims(self.read(doc).as_deref()),
        }
    }

    fn written(&self, claims: &BTreeSet<String>) -> String {
        match self {
            Shared::Description { .. } => tags::claims_description(claims),
            Shared::Tag { .. } => tags::claims_value(claims),
        }
    }
}

/// Delete one ARM resource if it exists (and, for `only_if_tagged`, carries `managed-by=kvwire`).
/// With `shared`, a resource other runbooks also claim is kept and only this runbook's claim goes.
pub(crate) struct Remove {
    pub(crate) az: Arc<Azure>,
    pub(crate) address: String,
    pub(crate) resource_type: &'static str,
    pub(crate) id: String,
    pub(crate) api: &'static str,
    pub(crate) only_if_tagged: bool,
    pub(crate) shared: Option<Shared>,
    /// An identity (its resource ID) and the federated credentials this runbook made on it. A
    /// credential it did not make means pods of another app still use the identity: the identity,
    /// and the access granted to it, are kept.
    pub(crate) own_credentials: Option<(String, Vec<String>)>,
    /// `down --include-adopted`: delete what this runbook only adopted, as what it made.
    pub(crate) include_adopted: bool,
}

/// Why `down` keeps what a runbook adopted (see `tags::ADOPTED_MARK`), unless told otherwise.
pub(crate) fn adopted_hold(runbook: &str) -> String {
    format!(
        "runbook {runbook} adopted it (it existed before, made outside kvwire or outside any runbook): kept unless `down --include-adopted`, or a yes at the prompt"
    )
}

#[async_trait::async_trait]
impl Step for Remove {
    fn address(&self) -> String {
        self.address.clone()
    }

    fn phase(&self) -> Phase {
        Phase::REMOVE
    }

    async fn plan(&self) -> Result<Planned> {
        let planned = Planned::new(self.address(), self.phase(), self.resource_type, Action::Delete);
        let no_op = |why: &str| Planned {
            action: Action::NoOp,
            ..planned.clone().reason(why)
        };
        let Some(doc) = self.az.arm.get_opt(&self.id, self.api).await? else {
            return Ok(no_op("absent"));
        };
        let adopted_by_me = self
            .shared
            .as_ref()
            .is_some_and(|sh| tags::claimed_by(&sh.claims(&doc), sh.claim()) == Some(true));
        if self.only_if_tagged && !tags::is_kvwire(doc.get("tags")) && !adopted_by_me {
            return Ok(no_op("not created by kvwire (no managed-by=kvwire tag): kept"));
        }
        // Pods of another app still federate with this identity: it stays whoever claims it.
        let mut foreign: Vec<String> = vec![];
        if let Some((identity, ours)) = &self.own_credentials {
            let creds = self
                .az
                .arm
                .list(&ids::federated_credentials(identity), api::MANAGED_IDENTITY)
                .await?;
            foreign = creds
                .iter()
                .filter_map(|c| c["name"].as_str())
                .filter(|n| !ours.iter().any(|o| o.eq_ignore_ascii_case(n)))
                .map(str::to_owned)
                .collect();
        }
        let foreign_why = (!foreign.is_empty()).then(|| {
            format!(
                "federated credential(s) {} that this runbook did not make still use the identity",
                foreign.join(", ")
            )
        });
        if let Some(shared) = &self.shared {
            let me = &shared.claim().name;
            let release = |others: &BTreeSet<String>, why: String| Planned {
                action: Action::Update,
                ..planned
                    .clone()
                    .reason(format!("kept: {why}; only runbook {me}'s claim is removed"))
                    .changes(vec![FieldChange::set(
                        &shared.path(),
                        shared.read(&doc).map(Value::from),
                        json!(shared.written(others)),
                    )])
            };
            return Ok(match (tags::release(&shared.claims(&doc), shared.claim()), foreign_why) {
                (tags::Release::Unclaimed, Some(why)) => no_op(&format!("kept: {why}")),
                // Made before kvwire recorded runbooks, or tagged by hand: nobody can say whose.
                (tags::Release::Unclaimed, None) => planned.held(Some(
                    "no runbook is recorded on it (made before kvwire recorded runbooks?): it may be another runbook's. Run `kvwire up` once for each runbook that uses it, or confirm at the prompt"
                        .into(),
                )),
                (tags::Release::NotMine(_), Some(why)) => no_op(&format!("kept: {why}")),
                (tags::Release::NotMine(names), None) => {
                    no_op(&format!("kept: used by runbook(s) {names}, not by this one"))
                }
                (tags::Release::Shared(others, names), Some(f)) => {
                    release(&others, format!("runbook(s) {names} still use it, and {f}"))
                }
                (tags::Release::Shared(others, names), None) => {
                    release(&others, format!("runbook(s) {names} still use it"))
                }
                (tags::Release::Last | tags::Release::Adopted, Some(f)) => release(&BTreeSet::new(), f),
                (tags::Release::Last, None) => planned,
                (tags::Release::Adopted, None) if self.include_adopted => {
                    planned.reason(format!("adopted by runbook {me}; --include-adopted"))
                }
                (tags::Release::Adopted, None) => planned.held(Some(adopted_hold(me))),
            });
        } else if let Some(why) = foreign_why {
            return Ok(no_op(&format!("kept: {why}")));
        }
        Ok(planned)
    }

    /// Claims are read again here: a runbook that recorded itself since the plan keeps the
    /// resource (this run then only takes its own name off — less than planned, never more).
    async fn apply(&self, planned: &Planned, on: Progress<'_>) -> Result<()> {
        if let Some(shared) = &self.shared {
            let doc = self.az.arm.get(&self.id, self.api).await?;
            let others = tags::without(&shared.claims(&doc), shared.claim());
            if planned.action == Action::Update || !others.is_empty() {
                return match shared {
                    // A role assignment is PUT back whole.
                    Shared::Description { .. } => {
                        let body = crate::azure::grants::assignment_with_description(&doc, &shared.written(&others));
                        self.az.arm.put(&self.id, self.api, &body, on).await.map(|_| ())
                    }
                    // A PATCH of tags sends them all, and is read back (no `If-Match` here: see
                    // `claims::write_until_it_holds`).
                    Shared::Tag { claim } => {
                        super::claims::write_until_it_holds(
                            &self.address,
                            || self.az.arm.get(&self.id, self.api),
                            |body| async move { self.az.arm.patch(&self.id, self.api, &body, on).await.map(|_| ()) },
                            |doc| tags::runbooks_tag_patch(doc, &tags::without(&shared.claims(doc), claim)),
                            |doc| tags::claimed_by(&shared.claims(doc), claim).is_none(),
                        )
                        .await
                    }
                };
            }
        }
        if self.resource_type == ids::FEDERATED_CREDENTIAL {
            return one_credential_write_at_a_time(&self.id, PRINCIPAL_WAIT, on, || {
                self.az.arm.delete(&self.id, self.api, on)
            })
            .await;
        }
        self.az.arm.delete(&self.id, self.api, on).await
    }
}
