//! A user-assigned identity and its federated credentials: what lets a pod's service account
//! token be exchanged for an Entra token.

use crate::azure::identity::IdentityRef;
use crate::{
    azure::{arm::ErrorCode, arm::api, ids},
    error::{Error, Result},
    info,
    model::{names, tags},
    plan::{Action, FieldChange, Phase, Planned, Request, Step, diff, saved},
    util::Progress,
};
use serde_json::{Value, json};
use std::{
    sync::Arc,
    time::{Duration, Instant},
};

/// Audience Entra expects for Kubernetes service account token exchange.
pub(crate) const AUDIENCE: &str = "api://AzureADTokenExchange";
/// The paths of a credential's changes that apply and the policy read back, by name.
const ISSUER: &str = "properties.issuer";
const SUBJECT: &str = "properties.subject";
/// Azure allows at most this many federated credentials on one identity.
pub(crate) const MAX_CREDENTIALS: usize = 20;

/// One Kubernetes service account that may use the identity.
#[derive(Debug, Clone)]
pub(crate) struct Binding {
    pub(crate) namespace: String,
    pub(crate) service_account: String,
    /// Federated credential name; default [`default_credential_name`].
    pub(crate) credential: Option<String>,
}

/// kvwire's name for the credential of NAMESPACE/SERVICE_ACCOUNT: `kvwire-NS-SA` (dots as dashes)
/// when Entra accepts that, as always. A name that would break Entra's rule (longer than 120: a
/// namespace may have 63 characters, a service account 253) is cut and ends in `-` and the first
/// 10 hex digits of SHA-256 of `NS/SA`, so two long names that share a prefix stay apart.
pub(crate) fn default_credential_name(namespace: &str, service_account: &str) -> String {
    let plain = format!("kvwire-{namespace}-{}", service_account.replace('.', "-"));
    if names::credential_name(&plain).is_ok() {
        return plain;
    }
    let digest = saved::sha256(format!("{namespace}/{service_account}").as_bytes());
    let digest = &digest[..10];
    let keep: String = plain
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .take(names::CREDENTIAL_NAME_MAX - 1 - digest.len())
        .collect();
    format!("{keep}-{digest}")
}

impl Binding {
    pub(crate) fn credential_name(&self) -> String {
        self.credential
            .clone()
            .unwrap_or_else(|| default_credential_name(&self.namespace, &self.service_account))
    }

    pub(crate) fn subject(&self) -> String {
        format!("system:serviceaccount:{}:{}", self.namespace, self.service_account)
    }
}

/// Whether a federated credential does the job: this issuer (verbatim), this subject, and the
/// token-exchange audience.
pub(crate) fn credential_matches(cred: &Value, issuer: &str, subject: &str) -> bool {
    crate::azure::arm::models::FederatedCredentialDoc::of(cred).trusts(issuer, subject, AUDIENCE)
}

// ---- the identity --------------------------------------------------------------------------

pub(crate) struct Identity {
    pub(crate) identity: IdentityRef,
    /// The runbook that uses it, recorded in its `kvwire-runbooks` tag (see `down`). The identity
    /// is the runbook's own, so the claim's aliases count.
    pub(crate) claim: Option<tags::Claim>,
    /// Adopt an existing identity this runbook did not make without asking (`up --adopt`).
    pub(crate) adopt: bool,
    /// Other runbooks of this run (a fleet) use it too: the one that comes second finds it made
    /// and records itself on it instead of creating it again over the first one's tags.
    pub(crate) shared_in_run: bool,
}

#[async_trait::async_trait]
impl Step for Identity {
    fn address(&self) -> String {
        format!("identity {}", self.identity.label())
    }

    fn phase(&self) -> Phase {
        Phase::WORKLOAD_IDENTITY
    }

    async fn plan(&self) -> Result<Planned> {
        let planned = Planned::new(
            self.address(),
            self.phase(),
            ids::USER_ASSIGNED_IDENTITY,
            Action::Create,
        );
        if let Some(existing) = self.identity.read().await? {
            let view = crate::azure::arm::models::Identity::of(&existing);
            let client = view.client_id().unwrap_or("?");
            let ours = tags::is_kvwire(existing.get("tags"));
            let whose = if ours { "created by kvwire" } else { "adopted" };
            let before = existing
                .pointer(&format!("/tags/{}", tags::RUNBOOKS))
                .and_then(Value::as_str);
            let mut claims = tags::claims(before);
            // Another runbook recorded this runbook's name for something else: say so.
            let clash: Vec<String> = self
                .claim
                .iter()
                .filter_map(|c| tags::clash(&c.token, &claims))
                .collect();
            let no_op = |why: String, adoption: bool| Planned {
                action: Action::NoOp,
                adoption,
                ..planned.clone().reason(why).warnings(clash.clone())
            };
            let Some(me) = &self.claim else {
                return Ok(no_op(format!("exists (clientId {client}, {whose})"), !ours));
            };
            let adopting = match tags::claimed_by(&claims, me) {
                Some(false) if tags::records(&claims, me) => {
                    return Ok(no_op(format!("exists (clientId {client}, {whose})"), false));
                }
                // Claimed under its bare name or the old default only: the token goes beside it.
                Some(false) => false,
                Some(true) => {
                    return Ok(no_op(
                        format!("exists (clientId {client}, adopted by runbook {})", me.token),
                        true,
                    ));
                }
                // Made by kvwire for other runbooks: shared, this one is recorded beside them.
                None if ours && !claims.is_empty() => false,
                // Made outside kvwire, or by kvwire outside any runbook: never a silent no-op.
                None => true,
            };
            claims.insert(if adopting { tags::adopted(me) } else { me.token.clone() });
            let change = FieldChange::set(
                &format!("tags.{}", tags::RUNBOOKS),
                before.map(Value::from),
                json!(tags::claims_value(&claims)),
            );
            let update = Planned {
                action: Action::Update,
                ..planned.changes(vec![change]).warnings(clash)
            };
            return Ok(if adopting {
                update
                    .reason(format!("exists (clientId {client}, {whose})"))
                    .adopting(self.adopt, tags::adoption_hold(ours, &me.token))
            } else {
                update.reason(format!(
                    "exists (clientId {client}, {whose}): record that runbook {} uses it",
                    me.token
                ))
            });
        }
        // New identities go where the cluster is.
        let (_, mc) = self.identity.cluster.read().await?;
        let mut t = tags::kvwire_tags();
        if let Some(c) = &self.claim {
            t[tags::RUNBOOKS] = json!(c.token);
        }
        let body = json!({"location": mc.location, "tags": t});
        Ok(planned
            .changes(diff::changes(&json!({}), &body))
            .request(Request::put(self.identity.id(), api::MANAGED_IDENTITY, body))
            .effects(vec![
                FieldChange::unknown("properties.clientId"),
                FieldChange::unknown("properties.principalId"),
            ]))
    }

    /// The body is the plan's: its location and tags, nothing else. Recording a runbook on an
    /// existing identity PATCHes its tags, which replaces the whole map: the others go back as
    /// read, and the claim is read back (no `If-Match` here: see `claims::write_until_it_holds`).
    /// Runbooks of one fleet that share the identity take turns here; one that finds it created
    /// since the plan by another runbook of kvwire records itself on it instead of creating it
    /// again (a second PUT would replace the first one's tags). Only a shared one is read again.
    async fn apply(&self, planned: &Planned, on: Progress<'_>) -> Result<()> {
        let arm = &self.identity.cluster.az.arm;
        let _turn = crate::util::turns::turn(&self.identity.id()).await;
        let joining = planned.action == Action::Create
            && self.shared_in_run
            && match self.identity.read().await? {
                None => false,
                Some(doc) if doc.pointer(&format!("/tags/{}", tags::RUNBOOKS)).is_some() => true,
                Some(_) => {
                    return Err(Error::Stale(format!(
                        "{} was created outside kvwire since the plan; run again to see it and decide whether to adopt it",
                        self.address()
                    )));
                }
            };
        if planned.action == Action::Update || joining {
            let Some(me) = &self.claim else { return Ok(()) };
            let mine = if planned.adoption {
                tags::adopted(me)
            } else {
                me.token.clone()
            };
            let id = self.identity.id();
            let id = id.as_str();
            let runbooks = |doc: &Value| {
                tags::claims(
                    doc.pointer(&format!("/tags/{}", tags::RUNBOOKS))
                        .and_then(Value::as_str),
                )
            };
            // Read again: another runbook may have recorded itself since the plan.
            return super::claims::write_until_it_holds(
                &self.address(),
                || arm.get(id, api::MANAGED_IDENTITY),
                |body| async move { arm.patch(id, api::MANAGED_IDENTITY, &body, on).await.map(|_| ()) },
                |doc| {
                    let mut claims = runbooks(doc);
                    claims.insert(mine.clone());
                    tags::runbooks_tag_patch(doc, &claims)
                },
                |doc| tags::records(&runbooks(doc), me),
            )
            .await;
        }
        let Some(r) = &planned.request else {
            return Err(Error::runtime(format!("{}: the plan holds no write", self.address())));
        };
        let body = r.body.clone().unwrap_or_default();
        arm.put(&r.path, &r.api_version, &body, on).await?;
        Ok(())
    }

    async fn outputs(&self) -> Result<Vec<(String, Value)>> {
        let Some(id) = self.identity.read().await? else {
            return Ok(vec![]);
        };
        Ok([
            ("clientId", "client_id"),
            ("principalId", "principal_id"),
            ("tenantId", "tenant_id"),
        ]
        .iter()
        .map(|(k, out)| (format!("identity_{out}"), id["properties"][*k].clone()))
        .collect())
    }
}

// ---- one federated credential ----------------------------------------------------------------

pub(crate) struct FederatedCredential {
    pub(crate) identity: IdentityRef,
    pub(crate) binding: Binding,
    /// Rewrite a credential of the same name that trusts another issuer or subject. Without it
    /// that change is held (as a changed secret value is): the pods it trusts now would lose access.
    pub(crate) overwrite: bool,
    /// How long the write waits for the identity to replicate or for its turn (`--principal-wait`).
    pub(crate) wait: Duration,
    /// Every service account of the run that federates with this identity, this one included:
    /// what the plan counts against Azure's 20 before any write.
    pub(crate) siblings: Arc<Vec<Binding>>,
    /// What runs as the service account and what changes for it in Kubernetes (runbook
    /// `workloads`): said in the plan.
    pub(crate) workloads: Vec<String>,
}

/// Past this many credentials on one identity, the plan warns that the limit is near.
const CREDENTIALS_WARN_PAST: usize = 18;

impl FederatedCredential {
    fn name(&self) -> String {
        self.binding.credential_name()
    }

    /// How many credentials the identity holds once the run has written its own (this one counted
    /// even when a sibling list leaves it out).
    fn after_run(&self, existing: &[Value], issuer: Option<&str>) -> usize {
        credentials_after(existing, &self.siblings, issuer).max(existing.len() + 1)
    }
}

/// How many federated credentials an identity holds once `accounts` have theirs: those it has, and
/// each account's that none of them already is (by kvwire's name, or by issuer and subject when
/// the issuer is known). What `up`'s plan, `init` and `migrate` count against [`MAX_CREDENTIALS`].
pub(crate) fn credentials_after(existing: &[Value], accounts: &[Binding], issuer: Option<&str>) -> usize {
    let new = accounts
        .iter()
        .filter(|b| {
            let name = b.credential_name();
            !existing.iter().any(|c| {
                c["name"].as_str().is_some_and(|n| n.eq_ignore_ascii_case(&name))
                    || issuer.is_some_and(|i| credential_matches(c, i, &b.subject()))
            })
        })
        .count();
    existing.len() + new
}

/// Whether an identity binding can be made for an identity with these credentials: AKS adds its
/// own (`aks-identity-binding`) unless the identity has it, and it counts against the 20 ("If the
/// caller lacks permission to create FIC resources, the identity binding creation fails", AKS
/// identity-bindings concepts; the limit is the credential's own).
pub(crate) fn binding_fits(existing: &[Value]) -> bool {
    existing
        .iter()
        .any(|c| c["name"].as_str() == Some(crate::azure::binding::AKS_CREDENTIAL))
        || existing.len() < MAX_CREDENTIALS
}

#[async_trait::async_trait]
impl Step for FederatedCredential {
    fn address(&self) -> String {
        format!("federated credential {}/{}", self.identity.label(), self.name())
    }

    fn phase(&self) -> Phase {
        Phase::WORKLOAD_IDENTITY
    }

    async fn plan(&self) -> Result<Planned> {
        // The cluster's issuer and the identity's credentials, read at once (an identity that does
        // not exist yet has none).
        let ((_, mc), existing) = futures::try_join!(self.identity.cluster.read(), self.identity.credentials())?;
        let issuer = mc.oidc_issuer().map(str::to_owned);
        let subject = self.binding.subject();
        let planned = Planned::new(self.address(), self.phase(), ids::FEDERATED_CREDENTIAL, Action::Create);
        // Same issuer and subject under any name: that credential already does the job.
        if let Some(issuer) = &issuer
            && let Some(found) = existing.iter().find(|c| credential_matches(c, issuer, &subject))
        {
            let name = found["name"].as_str().unwrap_or("?");
            let why = if name.eq_ignore_ascii_case(&self.name()) {
                "matches".to_string()
            } else {
                format!("adopted existing credential {name} (same issuer and subject)")
            };
            return Ok(Planned {
                action: Action::NoOp,
                ..planned.reason(why)
            });
        }
        // Entra takes one credential per issuer and subject on an identity ("The combination of
        // issuer and subject must be unique", workload identity federation considerations): one
        // under another name that trusts them for another audience would make a Create fail.
        if let Some(issuer) = &issuer
            && let Some(other) = existing.iter().find(|c| {
                let view = crate::azure::arm::models::FederatedCredentialDoc::of(c);
                let mine = c["name"].as_str().is_some_and(|n| n.eq_ignore_ascii_case(&self.name()));
                !mine
                    && view.properties.issuer.as_deref() == Some(issuer.as_str())
                    && view.properties.subject.as_deref() == Some(subject.as_str())
            })
        {
            let name = other["name"].as_str().unwrap_or("?");
            return Ok(planned.blocked(format!(
                "federated credential {name} already trusts this issuer and subject, for another audience than {AUDIENCE}; Entra takes one credential per issuer and subject: give {name} that audience, or remove it, then run again"
            )));
        }
        let issuer_change = |before: Option<Value>| match &issuer {
            Some(i) => FieldChange::set(ISSUER, before, json!(i)),
            None => FieldChange {
                before,
                ..FieldChange::unknown(ISSUER)
            },
        };
        let field = |c: &Value, f: &str| c.pointer(&format!("/properties/{f}")).cloned();
        if let Some(current) = existing
            .iter()
            .find(|c| c["name"].as_str().is_some_and(|n| n.eq_ignore_ascii_case(&self.name())))
        {
            let mut changes = vec![];
            let cur_issuer = field(current, "issuer");
            if cur_issuer != issuer.clone().map(Value::from) {
                changes.push(issuer_change(cur_issuer));
            }
            let cur_subject = field(current, "subject");
            if cur_subject.as_ref().and_then(Value::as_str) != Some(subject.as_str()) {
                changes.push(FieldChange::set(SUBJECT, cur_subject, json!(subject)));
            }
            let cur_aud = field(current, "audiences");
            if cur_aud != Some(json!([AUDIENCE])) {
                changes.push(FieldChange::set("properties.audiences", cur_aud, json!([AUDIENCE])));
            }
            let trusts_other = changes.iter().any(|c| c.path == ISSUER || c.path == SUBJECT);
            let held = (trusts_other && !self.overwrite).then(|| {
                format!(
                    "federated credential {} trusts another issuer or subject; rewriting it cuts off the pods it trusts now: pass --overwrite (runbook: [identity] overwrite_credentials = true) or name this one differently with --credential-name",
                    self.name()
                )
            });
            let warnings = if trusts_other && self.overwrite {
                vec![format!(
                    "federated credential {} will be rewritten: pods that relied on its old issuer or subject lose access",
                    self.name()
                )]
            } else {
                vec![]
            };
            let planned = match &issuer {
                Some(i) => planned.request(self.request(i)),
                None => planned,
            };
            return Ok(Planned {
                action: Action::Update,
                ..planned
                    .reason("the credential has drifted from the cluster's issuer or the service account")
                    .changes(changes)
                    .warnings(warnings)
                    .held(held)
            });
        }
        // Azure's limit, counted for the whole run before any write (Workload identity docs: "A
        // maximum of 20 federated identity credentials can be added to an application or
        // user-assigned managed identity").
        let total = self.after_run(&existing, issuer.as_deref());
        if total > MAX_CREDENTIALS {
            return Ok(planned.blocked(format!(
                "identity {} would hold {total} federated credentials ({} now, and this run's service accounts), past the {MAX_CREDENTIALS} Azure allows: set mode = \"identity-binding\" in [identity] (one AKS identity binding for any number of service accounts), or use another identity",
                self.identity.label(),
                existing.len()
            )));
        }
        let planned = if total > CREDENTIALS_WARN_PAST {
            planned.warnings(vec![format!(
                "identity {} will hold {total} of the {MAX_CREDENTIALS} federated credentials Azure allows; past that, use mode = \"identity-binding\"",
                self.identity.label()
            )])
        } else {
            planned
        };
        let planned = if self.workloads.is_empty() {
            planned
        } else {
            planned.reason(format!("for {}", self.workloads.join("; ")))
        };
        // A new credential: its changes are its request's body, or, while the issuer is known only
        // after the cluster step of this run, the same with the issuer unknown.
        Ok(match &issuer {
            Some(i) => {
                let r = self.request(i);
                let body = r.body.clone().unwrap_or_default();
                planned.changes(diff::changes(&json!({}), &body)).request(r)
            }
            None => planned.changes(vec![
                issuer_change(None),
                FieldChange::set(SUBJECT, None, json!(subject)),
                FieldChange::set("properties.audiences", None, json!([AUDIENCE])),
            ]),
        })
    }

    /// Sends the planned body. Only an issuer the plan could not know — the cluster step of this
    /// same run turns it on — is read now.
    async fn apply(&self, planned: &Planned, on: Progress<'_>) -> Result<()> {
        let r = match &planned.request {
            Some(r) => r.clone(),
            None => self.request(&self.cluster_issuer().await?),
        };
        put_credential(&self.identity, &self.name(), r.body.as_ref(), self.wait, on).await
    }

    /// The credential as written, against the cluster's issuer as it is now: one round trip (both
    /// read at once), where observing again would list every credential of the identity.
    async fn verify(&self, _planned: &Planned) -> Result<()> {
        let name = self.name();
        let (issuer, written) = futures::try_join!(self.cluster_issuer(), self.identity.credential(&name))?;
        match written {
            Some(c) if credential_matches(&c, &issuer, &self.binding.subject()) => Ok(()),
            Some(_) => Err(Error::runtime(format!(
                "verification failed for {}: it does not trust the cluster's issuer {issuer} and subject {}; the issuer may have changed since the plan: run again",
                self.address(),
                self.binding.subject()
            ))),
            None => Err(Error::runtime(format!(
                "verification failed for {}: Azure does not show it after the write",
                self.address()
            ))),
        }
    }
}

impl FederatedCredential {
    /// The write of this credential trusting `issuer`: what plan shows and apply sends.
    fn request(&self, issuer: &str) -> Request {
        Request::put(
            self.identity.credential_id(&self.name()),
            api::MANAGED_IDENTITY,
            json!({"properties": {"issuer": issuer, "subject": self.binding.subject(), "audiences": [AUDIENCE]}}),
        )
    }

    /// The cluster's OIDC issuer URL, which must exist by now.
    async fn cluster_issuer(&self) -> Result<String> {
        let (_, mc) = self.identity.cluster.read().await?;
        mc.oidc_issuer().map(str::to_owned).ok_or_else(|| {
            Error::runtime(format!(
                "cluster {} has no OIDC issuer URL yet",
                self.identity.cluster.label()
            ))
        })
    }
}

/// PUT (or, without a body, DELETE) one federated credential, waiting its turn.
pub(crate) async fn put_credential(
    identity: &IdentityRef,
    name: &str,
    body: Option<&Value>,
    wait: Duration,
    on: Progress<'_>,
) -> Result<()> {
    let az = &identity.cluster.az;
    let path = identity.credential_id(name);
    one_credential_write_at_a_time(&path, wait, on, || async {
        match body {
            Some(b) => az.arm.put(&path, api::MANAGED_IDENTITY, b, on).await.map(|_| ()),
            None => az.arm.delete(&path, api::MANAGED_IDENTITY, on).await,
        }
    })
    .await
}

/// Why Microsoft.ManagedIdentity refuses a federated-credential write that may succeed later
/// (workload identity federation considerations, error table): another write on the identity
/// (409, `ConcurrentFederatedIdentityCredentialsWritesForSingleManagedIdentity` or plain
/// `Conflict`), or an identity created moments ago that has not replicated (404
/// `ParentResourceNotFound`).
fn refused_for_now(code: &ErrorCode) -> Option<&'static str> {
    match code {
        ErrorCode::ConcurrentFederatedIdentityCredentialsWritesForSingleManagedIdentity | ErrorCode::Conflict => {
            Some("another federated credential write is in progress on this identity")
        }
        ErrorCode::ParentResourceNotFound => Some("the new identity has not replicated yet"),
        _ => None,
    }
}

/// The identity a federated credential's ID is under (its ID up to `/federatedIdentityCredentials/`),
/// lower-cased: ARM IDs compare without case.
fn parent_identity(credential: &str) -> String {
    let lower = credential.to_ascii_lowercase();
    match lower.find("/federatedidentitycredentials/") {
        Some(i) => lower[..i].to_string(),
        None => lower,
    }
}

/// Azure refuses concurrent credential writes on one identity (workload identity federation
/// considerations: "Creating multiple federated identity credentials under the same user-assigned
/// managed identity concurrently triggers concurrency detection logic, which causes requests to
/// fail with 409-conflict"; terraform-provider-azurerm 3.40.0 creates them one at a time under a
/// lock on the parent identity for the same reason). Writes of this run — of every runbook in a
/// fleet — take turns on the identity instead of finding out by a 409.
fn credential_turn_key(credential: &str) -> String {
    format!("federated credentials of {}", parent_identity(credential))
}

/// The first pause after a refused write. Within one process writes take turns
/// ([`credential_turn_key`]), so a refusal means another process (another pipeline) wrote: its write
/// takes about one round trip, so a short first pause, growing, is enough.
const FIRST_PAUSE: Duration = Duration::from_millis(100);

/// Run one federated-credential write to `credential` (its ID) — create, update, delete; every one
/// goes here — after the writes of this process to the same identity, retrying what
/// [`refused_for_now`] names with a growing, jittered pause for up to `wait`
/// (`--principal-wait`: the one bound on waiting for Entra and ARM to catch up).
pub(crate) async fn one_credential_write_at_a_time<F, Fut>(
    credential: &str,
    wait: Duration,
    on: Progress<'_>,
    write: F,
) -> Result<()>
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Result<()>>,
{
    let key = credential_turn_key(credential);
    let _turn = match crate::util::turns::try_turn(&key) {
        Some(t) => t,
        None => {
            on("waiting for this run's other credential write on the identity");
            crate::util::turns::turn(&key).await
        }
    };
    let started = Instant::now();
    let mut delay = FIRST_PAUSE;
    loop {
        let e = match write().await {
            Err(Error::Arm(e)) => e,
            other => return other,
        };
        let Some(why) = refused_for_now(&e.code) else {
            return Err(Error::Arm(e));
        };
        let pause = crate::util::backoff::jittered(delay);
        if started.elapsed() + pause > wait {
            return Err(Error::runtime(format!(
                "{e}; {why}, still after {}s: wait longer with --principal-wait SECONDS (now {}), or run again",
                started.elapsed().as_secs(),
                wait.as_secs()
            )));
        }
        info!("{why}; retrying in {pause:?}");
        on(&format!("waiting: {why}"));
        tokio::time::sleep(pause).await;
        delay = (delay * 2).min(Duration::from_secs(10));
    }
}

#[cfg(test)]
mod tests {
    use super::default_credential_name as name;
    use crate::model::names;

    #[test]
    fn names_that_fit_are_as_they_always_were() {
        assert_eq!(name("shop", "checkout"), "kvwire-shop-checkout");
        assert_eq!(name("shop", "app.sa"), "kvwire-shop-app-sa");
        // Exactly 120: kept whole.
        let sa = "s".repeat(120 - "kvwire-ns-".len());
        assert_eq!(name("ns", &sa), format!("kvwire-ns-{sa}"));
    }

    #[test]
    fn long_names_are_cut_and_told_apart_by_a_digest() {
        let ns = "n".repeat(63);
        let sa = format!(
            "{}.{}.{}.{}",
            "a".repeat(63),
            "b".repeat(63),
            "c".repeat(63),
            "d".repeat(61)
        );
        let n = name(&ns, &sa);
        assert_eq!(n.len(), names::CREDENTIAL_NAME_MAX);
        assert!(names::credential_name(&n).is_ok(), "{n}");
        assert!(n.starts_with(&format!("kvwire-{ns}-aaa")), "{n}");
        let digest = crate::plan::saved::sha256(format!("{ns}/{sa}").as_bytes());
        assert_eq!(&n[n.len() - 11..], format!("-{}", &digest[..10]));
        assert_eq!(n, name(&ns, &sa), "deterministic");
        // Same first 120 characters, different service accounts: different names.
        let other = format!("{sa}x");
        assert_ne!(n, name(&ns, &other));
        assert_eq!(n[..109], name(&ns, &other)[..109]);
        // One character over the limit is cut too.
        let sa = "s".repeat(121 - "kvwire-ns-".len());
        let n = name("ns", &sa);
        assert_eq!(n.len(), names::CREDENTIAL_NAME_MAX);
        assert!(names::credential_name(&n).is_ok(), "{n}");
    }
}

#[cfg(test)]
mod plan_tests {
    //! The identity's and the federated credential's plans against recorded observations
    //! (steps::recorded).

    use super::*;
    use crate::{
        plan::After,
        steps::recorded::{ISSUER, Recorded, example, mi_cluster, sp_cluster},
    };

    const NAME: &str = "identityName";

    fn claim() -> tags::Claim {
        tags::Claim {
            token: "shop@1a2b3c4d".into(),
            name: "shop".into(),
            aliases: vec![],
        }
    }

    fn identity(r: &Recorded, adopt: bool) -> Identity {
        Identity {
            identity: r.identity_ref(NAME),
            claim: Some(claim()),
            adopt,
            shared_in_run: false,
        }
    }

    /// The identity as the IdentityCreate example answers, with these tags.
    fn existing(tags: Value) -> Value {
        let mut doc = example("IdentityCreate.2026-05-31.json", "200");
        doc["tags"] = tags;
        doc
    }

    fn reads(doc: Option<Value>) -> Recorded {
        let r = Recorded::new();
        let id = r.identity_ref(NAME).id();
        r.get(&id, api::MANAGED_IDENTITY, doc).cluster(sp_cluster())
    }

    #[tokio::test]
    async fn an_absent_identity_is_created_where_the_cluster_is_with_the_claim() {
        let r = reads(None);
        let step = identity(&r, false);
        let p = r.plan(&step).await.unwrap();
        assert_eq!(p.action, Action::Create);
        assert_eq!(
            p.changes,
            [
                FieldChange::set("location", None, json!("location1")),
                FieldChange::set("tags.managed-by", None, json!("kvwire")),
                FieldChange::set("tags.kvwire-runbooks", None, json!("shop@1a2b3c4d")),
            ]
        );
        assert!(
            p.effects
                .iter()
                .any(|e| e.path == "properties.principalId" && e.after == After::KnownAfterApply)
        );
        assert!(p.held.is_none() && !p.adoption);
    }

    #[tokio::test]
    async fn an_identity_kvwire_may_not_read_is_an_error_not_a_create() {
        let r = Recorded::new();
        let id = r.identity_ref(NAME).id();
        let r = r
            .get_refused(&id, api::MANAGED_IDENTITY, 403, "AuthorizationFailed")
            .cluster(sp_cluster());
        let step = identity(&r, false);
        let e = r.plan(&step).await.unwrap_err();
        assert!(
            matches!(&e, Error::Arm(a) if a.is(&ErrorCode::AuthorizationFailed) && a.status == 403),
            "{e}"
        );
    }

    #[tokio::test]
    async fn an_identity_another_runbook_claimed_gets_this_claim_beside_it() {
        let r = reads(Some(existing(
            json!({"managed-by": "kvwire", "kvwire-runbooks": "billing@9f8e7d6c"}),
        )));
        let step = identity(&r, false);
        let p = r.plan(&step).await.unwrap();
        assert_eq!(p.action, Action::Update);
        assert_eq!(
            p.changes,
            [FieldChange::set(
                "tags.kvwire-runbooks",
                Some(json!("billing@9f8e7d6c")),
                json!("billing@9f8e7d6c,shop@1a2b3c4d")
            )]
        );
        assert!(p.held.is_none() && !p.adoption, "shared, not adopted: {:?}", p.held);
        assert!(
            p.reason
                .as_deref()
                .unwrap()
                .contains("4024ab25-56a8-4370-aea6-6389221caf29")
        );
    }

    #[tokio::test]
    async fn an_identity_made_outside_kvwire_is_adopted_only_with_consent() {
        // The example's own tags: no managed-by, no runbook.
        let doc = example("IdentityCreate.2026-05-31.json", "200");
        let r = reads(Some(doc.clone()));
        let step = identity(&r, false);
        let p = r.plan(&step).await.unwrap();
        assert_eq!(p.action, Action::Update);
        assert!(p.adoption);
        assert!(
            p.held.as_deref().is_some_and(|h| h.contains("outside kvwire")),
            "{:?}",
            p.held
        );
        assert_eq!(
            p.planned_value("tags.kvwire-runbooks"),
            Some(&json!(tags::adopted(&claim())))
        );

        let r = reads(Some(doc));
        let step = identity(&r, true);
        let p = r.plan(&step).await.unwrap();
        assert!(p.adoption && p.held.is_none(), "--adopt releases it");
    }

    // ---- the federated credential --------------------------------------------------------

    fn credential(r: &Recorded, sa: &str, name: Option<&str>, overwrite: bool) -> FederatedCredential {
        let binding = Binding {
            namespace: "ns".into(),
            service_account: sa.into(),
            credential: name.map(str::to_owned),
        };
        FederatedCredential {
            identity: r.identity_ref(NAME),
            workloads: vec![],
            siblings: Arc::new(vec![binding.clone()]),
            binding,
            overwrite,
            wait: Duration::ZERO,
        }
    }

    /// A runbook's credential for `sa`, among `all` of its service accounts.
    fn among(r: &Recorded, sa: &str, all: usize) -> FederatedCredential {
        let mut step = credential(r, sa, None, false);
        step.siblings = Arc::new(
            (0..all)
                .map(|i| Binding {
                    namespace: "ns".into(),
                    service_account: if i == 0 { sa.into() } else { format!("{sa}-{i}") },
                    credential: None,
                })
                .collect(),
        );
        step
    }

    fn existing_credentials(n: usize) -> Vec<Value> {
        (0..n)
            .map(|i| {
                let mut c = fic();
                c["name"] = json!(format!("fic-{i}"));
                c["properties"]["subject"] = json!(format!("system:serviceaccount:ns:sa-{i}"));
                c
            })
            .collect()
    }

    /// The cluster, with its issuer on, and the identity's credentials.
    fn credentials(existing: Vec<Value>) -> Recorded {
        let r = Recorded::new();
        let list = ids::federated_credentials(&r.identity_ref(NAME).id());
        r.cluster(mi_cluster())
            .list(&list, api::MANAGED_IDENTITY, None, existing)
    }

    /// The FederatedIdentityCredentialCreate example: `ficResourceName` trusts ISSUER and
    /// `system:serviceaccount:ns:svcaccount`.
    fn fic() -> Value {
        example("FederatedIdentityCredentialCreate.2026-05-31.json", "200")
    }

    #[tokio::test]
    async fn a_credential_of_an_identity_not_made_yet_is_created() {
        let r = Recorded::new();
        let list = ids::federated_credentials(&r.identity_ref(NAME).id());
        let r = r
            .cluster(mi_cluster())
            .list_refused(&list, api::MANAGED_IDENTITY, 404, "ResourceNotFound");
        let step = credential(&r, "svcaccount", None, false);
        let p = r.plan(&step).await.unwrap();
        assert_eq!(p.action, Action::Create);
        assert_eq!(p.address, "federated credential rg1/identityName/kvwire-ns-svcaccount");
        assert_eq!(
            p.changes,
            [
                FieldChange::set("properties.issuer", None, json!(ISSUER)),
                FieldChange::set("properties.subject", None, json!("system:serviceaccount:ns:svcaccount")),
                FieldChange::set("properties.audiences", None, json!([AUDIENCE])),
            ]
        );
    }

    #[tokio::test]
    async fn a_credential_with_the_same_issuer_and_subject_under_another_name_is_adopted() {
        let r = credentials(vec![fic()]);
        let step = credential(&r, "svcaccount", None, false);
        let p = r.plan(&step).await.unwrap();
        assert_eq!(p.action, Action::NoOp);
        assert_eq!(
            p.reason.as_deref(),
            Some("adopted existing credential ficResourceName (same issuer and subject)")
        );
    }

    #[tokio::test]
    async fn another_credential_for_the_same_issuer_and_subject_but_another_audience_blocks() {
        let mut other = fic();
        other["properties"]["audiences"] = json!(["api://SomethingElse"]);
        let r = credentials(vec![other]);
        let step = credential(&r, "svcaccount", None, false);
        let p = r.plan(&step).await.unwrap();
        assert_eq!(p.action, Action::Create);
        assert!(
            p.blocks,
            "a Create would fail: Entra takes one credential per issuer and subject"
        );
        assert!(
            p.held
                .as_deref()
                .is_some_and(|h| h.contains("ficResourceName") && h.contains(AUDIENCE)),
            "{:?}",
            p.held
        );
    }

    #[tokio::test]
    async fn a_credential_of_the_same_name_for_another_subject_is_rewritten_only_with_overwrite() {
        let r = credentials(vec![fic()]);
        let step = credential(&r, "other", Some("ficResourceName"), false);
        let p = r.plan(&step).await.unwrap();
        assert_eq!(p.action, Action::Update);
        assert_eq!(
            p.changes,
            [FieldChange::set(
                "properties.subject",
                Some(json!("system:serviceaccount:ns:svcaccount")),
                json!("system:serviceaccount:ns:other")
            )]
        );
        assert!(
            p.held.as_deref().is_some_and(|h| h.contains("--overwrite")),
            "{:?}",
            p.held
        );

        let r = credentials(vec![fic()]);
        let step = credential(&r, "other", Some("ficResourceName"), true);
        let p = r.plan(&step).await.unwrap();
        assert_eq!(p.action, Action::Update);
        assert!(p.held.is_none());
        assert!(p.warnings[0].contains("lose access"), "{:?}", p.warnings);
    }

    #[tokio::test]
    async fn a_twenty_first_credential_blocks_the_plan_pointing_at_identity_bindings() {
        let r = credentials(existing_credentials(MAX_CREDENTIALS));
        let step = credential(&r, "svcaccount", None, false);
        let p = r.plan(&step).await.unwrap();
        let why = p.held.clone().unwrap_or_default();
        assert!(p.blocks, "{p:?}");
        assert!(
            why.contains("would hold 21 federated credentials (20 now") && why.contains("mode = \"identity-binding\""),
            "{why}"
        );
    }

    #[tokio::test]
    async fn the_run_is_counted_whole_before_any_write() {
        // 17 exist; this runbook brings 4: every one of its credentials is blocked, the first too.
        let r = credentials(existing_credentials(17));
        let step = among(&r, "app", 4);
        let p = r.plan(&step).await.unwrap();
        assert!(
            p.blocks && p.held.as_deref().unwrap_or("").contains("would hold 21"),
            "{p:?}"
        );
        // 16 and 3: 19, past 18, warned and planned.
        let r = credentials(existing_credentials(16));
        let step = among(&r, "app", 3);
        let p = r.plan(&step).await.unwrap();
        assert!(!p.blocks && p.held.is_none(), "{p:?}");
        assert!(
            p.warnings.iter().any(|w| w.contains("will hold 19 of the 20")),
            "{:?}",
            p.warnings
        );
        // 15 and 3: 18, nothing to say.
        let r = credentials(existing_credentials(15));
        let step = among(&r, "app", 3);
        let p = r.plan(&step).await.unwrap();
        assert!(p.warnings.is_empty() && !p.blocks, "{p:?}");
    }
}
