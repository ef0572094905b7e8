//! `down`: delete one ARM resource kvwire made — or, when other runbooks still use it, only take
//! this runbook's name off it.

use super::{access::PRINCIPAL_WAIT, identity::one_credential_write_at_a_time};
use crate::{
    azure::{context::Azure, ids, role_assignment::Assignment, write::Request},
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
            Shared::Description { .. } => Assignment::of(doc.clone()).view.properties.description,
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

    /// The write that leaves `others` recorded on resource `doc` (read at `id`): a role
    /// assignment is PUT back whole with its description rewritten; an identity's tags are
    /// PATCHed, all of them.
    fn release(&self, id: &str, api: &'static str, doc: &Value, others: &BTreeSet<String>) -> Request {
        match self {
            Shared::Description { .. } => Request {
                path: id.to_string(),
                ..Assignment::of(doc.clone()).with_description(&self.written(others))
            },
            Shared::Tag { .. } => Request::patch(id, api, tags::runbooks_tag_patch(doc, others)),
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
        let planned =
            Planned::new(self.address(), self.phase(), self.resource_type, Action::Delete).request(self.delete());
        let no_op = |why: &str| Planned {
            action: Action::NoOp,
            request: None,
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
            let creds = crate::azure::identity::credentials_of(&self.az, identity).await?;
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
                    .request(shared.release(&self.id, self.api, &doc, others))
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
                    Shared::Description { .. } => {
                        shared
                            .release(&self.id, self.api, &doc, &others)
                            .send(&self.az, on)
                            .await
                    }
                    // Tags are read back (no `If-Match` here: see `claims::write_until_it_holds`).
                    Shared::Tag { claim } => {
                        super::claims::write_until_it_holds(
                            &self.address,
                            || self.az.arm.get(&self.id, self.api),
                            |body| async move { self.az.arm.patch(&self.id, self.api, &body, on).await.map(|_| ()) },
                            |doc| {
                                let others = tags::without(&shared.claims(doc), claim);
                                shared
                                    .release(&self.id, self.api, doc, &others)
                                    .body
                                    .unwrap_or_default()
                            },
                            |doc| tags::claimed_by(&shared.claims(doc), claim).is_none(),
                        )
                        .await
                    }
                };
            }
        }
        let delete = self.delete();
        if self.resource_type == ids::FEDERATED_CREDENTIAL {
            return one_credential_write_at_a_time(&self.id, PRINCIPAL_WAIT, on, || delete.send(&self.az, on)).await;
        }
        delete.send(&self.az, on).await
    }
}

impl Remove {
    /// The DELETE of the resource.
    fn delete(&self) -> Request {
        Request::delete(&self.id, self.api)
    }
}

#[cfg(test)]
mod tests {
    //! The removal's plan against recorded observations (steps::recorded).

    use super::*;
    use crate::azure::arm::api;
    use crate::{
        azure::role_assignment::RoleAssignmentRef,
        model::roles,
        steps::{
            access::tests::{NAME, PRINCIPAL, assignment, vault_id},
            recorded::{RG, Recorded, example},
        },
    };

    /// This runbook's claim.
    fn me() -> tags::Claim {
        tags::Claim {
            token: "app@1111".into(),
            name: "app".into(),
            aliases: vec![],
        }
    }

    /// kvwire's Secrets User assignment on vault1 for the identity of the IdentityCreate example.
    fn assignment_id() -> String {
        RoleAssignmentRef::new(&vault_id(), PRINCIPAL, roles::SECRETS_USER.guid).id()
    }

    /// `down`'s removal of that assignment, which is read as `doc`.
    fn remove_assignment(doc: Option<Value>) -> (Recorded, Remove) {
        let r = Recorded::new().get(&assignment_id(), api::AUTHORIZATION, doc);
        let step = Remove {
            az: r.az.clone(),
            address: "role Key Vault Secrets User for identity rg1/identityName on vault vault1".into(),
            resource_type: ids::ROLE_ASSIGNMENT,
            id: assignment_id(),
            api: api::AUTHORIZATION,
            only_if_tagged: false,
            shared: Some(Shared::Description { claim: me() }),
            own_credentials: None,
            include_adopted: false,
        };
        (r, step)
    }

    /// kvwire's assignment, its description naming `claims`.
    fn claimed_assignment(claims: &[&str]) -> Value {
        let mut a = assignment(NAME);
        a["id"] = json!(assignment_id());
        let claims = claims.iter().map(|c| c.to_string()).collect();
        a["properties"]["description"] = json!(tags::claims_description(&claims));
        a
    }

    /// `down`'s removal of the identity of the IdentityCreate example, read with `tags`, whose
    /// federated credentials are `credentials` (this runbook made `cred1`).
    fn remove_identity(tags: Option<Value>, credentials: &[&str]) -> (Recorded, Remove) {
        let r = Recorded::new();
        let id = r.az.identity_id(RG, "identityName");
        let doc = tags.map(|t| {
            let mut d = example("IdentityCreate.2026-05-31.json", "200");
            d["tags"] = t;
            d
        });
        let creds = credentials.iter().map(|c| json!({ "name": c })).collect();
        let r = r.get(&id, api::MANAGED_IDENTITY, doc).list(
            &ids::federated_credentials(&id),
            api::MANAGED_IDENTITY,
            None,
            creds,
        );
        let step = Remove {
            az: r.az.clone(),
            address: "identity rg1/identityName".into(),
            resource_type: ids::USER_ASSIGNED_IDENTITY,
            id: id.clone(),
            api: api::MANAGED_IDENTITY,
            only_if_tagged: true,
            shared: Some(Shared::Tag { claim: me() }),
            own_credentials: Some((id, vec!["cred1".into()])),
            include_adopted: false,
        };
        (r, step)
    }

    #[tokio::test]
    async fn what_only_this_runbook_uses_is_deleted() {
        let (r, step) = remove_assignment(Some(claimed_assignment(&["app@1111"])));
        let p = r.plan(&step).await.unwrap();
        assert_eq!(p.action, Action::Delete);
        assert!(p.held.is_none() && p.changes.is_empty());
        let sent = p.request.expect("the plan knows the DELETE");
        assert_eq!(
            (sent.method.as_str(), sent.path, sent.api_version.as_str(), sent.body),
            ("DELETE", assignment_id(), api::AUTHORIZATION, None)
        );

        let tags = json!({"managed-by": "kvwire", "kvwire-runbooks": "app@1111"});
        let (r, step) = remove_identity(Some(tags), &["cred1"]);
        let p = r.plan(&step).await.unwrap();
        assert_eq!(p.action, Action::Delete);
        let sent = p.request.expect("the plan knows the DELETE");
        assert_eq!((sent.method.as_str(), sent.path), ("DELETE", step.id.clone()));
    }

    #[tokio::test]
    async fn what_another_runbook_uses_is_kept_and_only_this_claim_goes() {
        let (r, step) = remove_assignment(Some(claimed_assignment(&["app@1111", "other@2222"])));
        let p = r.plan(&step).await.unwrap();
        assert_eq!(p.action, Action::Update);
        assert_eq!(
            p.changes,
            [FieldChange::set(
                "properties.description",
                Some(json!("kvwire runbooks: app@1111,other@2222")),
                json!("kvwire runbooks: other@2222")
            )]
        );
        // The assignment is PUT back whole: only its description changes.
        let sent = p.request.expect("the plan knows the PUT");
        let read = claimed_assignment(&[]);
        assert_eq!((sent.method.as_str(), sent.path), ("PUT", assignment_id()));
        assert_eq!(
            sent.body,
            Some(json!({"properties": {
                "description": "kvwire runbooks: other@2222",
                "roleDefinitionId": read["properties"]["roleDefinitionId"],
                "principalId": PRINCIPAL,
                "principalType": "ServicePrincipal",
            }}))
        );

        // An identity's other tags stay as they are.
        let tags = json!({"managed-by": "kvwire", "kvwire-runbooks": "app@1111,other@2222", "team": "x"});
        let (r, step) = remove_identity(Some(tags), &["cred1"]);
        let p = r.plan(&step).await.unwrap();
        assert_eq!(p.action, Action::Update);
        let sent = p.request.expect("the plan knows the PATCH");
        assert_eq!((sent.method.as_str(), sent.path), ("PATCH", step.id.clone()));
        assert_eq!(
            sent.body,
            Some(json!({"tags": {"managed-by": "kvwire", "kvwire-runbooks": "other@2222", "team": "x"}}))
        );
    }

    #[tokio::test]
    async fn what_another_app_federates_with_is_kept() {
        let tags = json!({"managed-by": "kvwire", "kvwire-runbooks": "app@1111"});
        let (r, step) = remove_identity(Some(tags), &["cred1", "theirs"]);
        let p = r.plan(&step).await.unwrap();
        // Only this runbook's name goes; the identity stays.
        assert_eq!(p.action, Action::Update);
        assert!(p.reason.as_deref().unwrap().contains("theirs"), "{:?}", p.reason);
        assert_eq!(p.request.unwrap().method, "PATCH");
    }

    #[tokio::test]
    async fn nothing_is_done_to_what_is_already_gone() {
        let (r, step) = remove_assignment(None);
        let p = r.plan(&step).await.unwrap();
        assert_eq!(p.action, Action::NoOp);
        assert_eq!(p.reason.as_deref(), Some("absent"));
        assert!(p.request.is_none());

        let (r, step) = remove_identity(None, &[]);
        let p = r.plan(&step).await.unwrap();
        assert_eq!(p.action, Action::NoOp);
        assert!(p.request.is_none());
    }
}
