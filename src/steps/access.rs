//! Least-privilege access to a vault's secrets: a role assignment on an RBAC vault; on a vault
//! that uses access policies, a policy added through `accessPolicies/add` (never a rewrite of the
//! whole vault).

use crate::azure::principal::Principal;
use crate::{
    azure::{
        arm::{ErrorCode, api},
        context::Azure,
        ids,
        role_assignment::{Assignment, RoleAssignmentRef, RoleDefinitionRef},
        vault::Vault,
    },
    error::{Error, Result},
    info,
    model::{
        grant::{GrantScope, RoleChoice},
        roles, tags,
    },
    plan::{Action, FieldChange, Phase, Planned, Request, Step},
    util::{Progress, backoff::jittered},
};
use serde_json::{Value, json};
use std::{
    sync::Arc,
    time::{Duration, Instant},
};

/// A role assignment's planned changes that are its URL, not its body.
const IN_THE_URL: &[&str] = &["name", "properties.scope"];

/// A role assignment's body: its planned changes but those that address it.
fn body_of_assignment(changes: &[FieldChange]) -> Value {
    let sent: Vec<FieldChange> = changes
        .iter()
        .filter(|c| !IN_THE_URL.contains(&c.path.as_str()))
        .cloned()
        .collect();
    crate::plan::diff::body_of(&sent)
}

/// Secret permissions an access policy gets for Secrets Officer.
const OFFICER_PERMISSIONS: &[&str] = &["get", "list", "set", "delete", "recover", "backup", "restore"];

/// What to grant.
#[derive(Debug, Clone)]
pub(crate) struct GrantSpec {
    pub(crate) role: RoleChoice,
    pub(crate) scope: GrantScope,
    /// Access-policy vaults: also `list`.
    pub(crate) allow_list: bool,
    pub(crate) allow_broad: bool,
    pub(crate) principal_wait: Duration,
    /// The runbook this grant is for: recorded on the role assignment, so `down` for one runbook
    /// keeps an assignment another still uses.
    pub(crate) claim: Option<tags::Claim>,
    /// Adopt an assignment this runbook did not make without asking (`up --adopt`).
    pub(crate) adopt: bool,
}

impl GrantSpec {
    /// Least privilege, checked before anything is written. Workloads (a kubelet, an add-on, a
    /// user-assigned identity, or a `principal:` that is one of those) get a role that reads:
    /// Secrets, Certificate or Crypto User, or a custom role that changes nothing. People and
    /// pipelines may also manage secrets (Secrets Officer). Anything broader needs `--allow-broad`.
    ///
    /// This part needs no request: `Ok(true)` when it decided, `Ok(false)` when [`Self::check`]
    /// must read Azure (is the principal a managed identity? what does a custom role allow?).
    pub(crate) fn check_offline(&self, principal: &Principal) -> Result<bool> {
        let guid = self.role.guid();
        if self.allow_broad || roles::WORKLOAD_ROLES.iter().any(|r| r.guid == guid) {
            return Ok(true);
        }
        if let Some(why) = roles::too_broad(&guid)
            && guid != roles::SECRETS_OFFICER.guid
        {
            return Err(Error::usage(format!(
                "--role: {why}. A workload that reads secrets needs Key Vault Secrets User (--role secrets-user, the default); pass --allow-broad if this principal really needs more"
            )));
        }
        match (principal, roles::by_guid(&guid)) {
            (Principal::Known { .. }, _) | (_, None) => Ok(false),
            (_, Some(r)) => Err(Self::too_much_for_a_workload(
                &format!("{} is a workload", principal.label()),
                r,
            )),
        }
    }

    fn too_much_for_a_workload(who: &str, r: &roles::Role) -> Error {
        Error::usage(format!(
            "--role: {who}, and {} is more than it needs to read secrets{}. Use Key Vault Secrets User (--role secrets-user, the default), Certificate User or Crypto User, or pass --allow-broad",
            r.name,
            r.broad.map(|b| format!(" ({b})")).unwrap_or_default()
        ))
    }

    /// The whole check: [`Self::check_offline`], then what needs Azure.
    pub(crate) async fn check(&self, az: &Azure, principal: &Principal) -> Result<()> {
        if self.check_offline(principal)? {
            return Ok(());
        }
        let guid = self.role.guid();
        let (workload, who) = match principal {
            Principal::Known { object_id, .. } => (
                az.identity_with_principal(object_id).await?.is_some(),
                format!("principal {object_id} is a managed identity (a workload)"),
            ),
            _ => (true, format!("{} is a workload", principal.label())),
        };
        if !workload && roles::by_guid(&guid).is_some() {
            // A person or pipeline: Secrets Officer and the narrow built-in roles are fine.
            return Ok(());
        }
        if let Some(r) = roles::by_guid(&guid) {
            return Err(Self::too_much_for_a_workload(&who, r));
        }
        let Some(def) = RoleDefinitionRef::of(&az.subscription, &guid).read(az).await? else {
            return Err(Error::usage(format!(
                "--role: no role definition {guid} in subscription {}",
                az.subscription
            )));
        };
        let name = def.name().unwrap_or(&guid);
        // Workloads: only what reads (an allow-list); anyone else: nothing that grants access.
        if workload && let Some(action) = def.beyond_reading() {
            return Err(Error::usage(format!(
                "--role: {who}, and role {name} allows {action}, which is more than reading: a workload may hold only `…/read` actions and the data actions Microsoft.KeyVault/vaults/secrets/getSecret/action and …/readMetadata/action. Pass --allow-broad if it really needs {action}"
            )));
        }
        if !workload && let Some(action) = def.grants_access() {
            return Err(Error::usage(format!(
                "--role: role {name} allows {action}: whoever holds it can grant access. Pass --allow-broad if this principal really needs it"
            )));
        }
        Ok(())
    }
}

/// The one step that gives `principal` access to `vault`, by the vault's permission model.
/// `who` overrides the label shown in plans.
pub(crate) fn grant_step(
    az: Arc<Azure>,
    vault: Vault,
    principal: Principal,
    spec: &GrantSpec,
    who: Option<String>,
) -> Result<Box<dyn Step>> {
    let who = who.unwrap_or_else(|| principal.label());
    if vault.rbac {
        let (scope, scope_label) = match &spec.scope {
            GrantScope::Vault => (vault.id.clone(), format!("vault {}", vault.name)),
            GrantScope::Secret(name) => (
                format!("{}/secrets/{name}", vault.id),
                format!("secret {}/{name}", vault.name),
            ),
        };
        return Ok(Box::new(RoleAssignment {
            az,
            on: OnResource {
                id: vault.id.clone(),
                resource_group: vault.resource_group.clone(),
                kind: "vault",
            },
            scope,
            scope_label,
            principal,
            who,
            role_guid: spec.role.guid(),
            wait: spec.principal_wait,
            claim: spec.claim.clone(),
            adopt: spec.adopt,
            why: None,
        }));
    }
    if let GrantScope::Secret(_) = spec.scope {
        return Err(Error::usage(format!(
            "--scope secret:NAME needs an RBAC vault; vault {} uses access policies, which apply to every secret in it",
            vault.name
        )));
    }
    let permissions: Vec<&str> = match &spec.role {
        RoleChoice::SecretsUser if spec.allow_list => vec!["get", "list"],
        RoleChoice::SecretsUser => vec!["get"],
        RoleChoice::SecretsOfficer => OFFICER_PERMISSIONS.to_vec(),
        RoleChoice::Custom(_) => {
            return Err(Error::usage(format!(
                "--role GUID needs an RBAC vault; vault {} uses access policies: use secrets-user or secrets-officer",
                vault.name
            )));
        }
    };
    Ok(Box::new(AccessPolicy {
        az,
        vault,
        principal,
        who,
        permissions: permissions.into_iter().map(str::to_owned).collect(),
    }))
}

/// First and longest pause while a new role assignment is not yet visible (see
/// `RoleAssignment::wait_until_visible`).
const VISIBLE_FIRST_DELAY: Duration = Duration::from_secs(1);
const VISIBLE_MAX_DELAY: Duration = Duration::from_secs(15);

/// How long kvwire waits for Entra and ARM to catch up with a new identity — a grant for its
/// principal to reach Azure RBAC (400 `PrincipalNotFound`), a federated credential for the
/// identity to replicate or for its turn (`identity::one_credential_write_at_a_time`) — unless
/// `--principal-wait` says otherwise.
pub(crate) const PRINCIPAL_WAIT: Duration = Duration::from_secs(300);

/// The pull role for `principal` on a registry — AcrPull, or Container Registry Repository Reader
/// in ABAC mode — the grant `az aks update --attach-acr` makes.
pub(crate) fn acr_pull_step(
    az: Arc<Azure>,
    registry: &crate::azure::registry::Registry,
    principal: Principal,
    wait: Duration,
    origin: Option<String>,
) -> Box<dyn Step> {
    role_step(
        az,
        OnResource::of(&registry.id, "registry"),
        format!("registry {}", registry.name()),
        principal,
        roles::pull_role(registry.abac),
        wait,
        origin,
    )
}

/// `role` for `principal` on the resource `on` (no runbook claim: what the switch carries over
/// belongs to the cluster, not to one runbook). `why` is the plan's reason for a new assignment.
pub(crate) fn role_step(
    az: Arc<Azure>,
    on: OnResource,
    scope_label: String,
    principal: Principal,
    role: roles::Role,
    wait: Duration,
    why: Option<String>,
) -> Box<dyn Step> {
    Box::new(RoleAssignment {
        az,
        scope: on.id.clone(),
        on,
        scope_label,
        who: principal.label(),
        principal,
        role_guid: role.guid.to_string(),
        wait,
        claim: None,
        adopt: false,
        why,
    })
}

// ---- RBAC vaults ----------------------------------------------------------------------------

/// The resource a role assignment is made on (a vault, a registry): its ID and resource group,
/// for reporting roles already held above it.
#[derive(Debug, Clone)]
pub(crate) struct OnResource {
    pub(crate) id: String,
    pub(crate) resource_group: String,
    /// "vault", "registry": how messages name it.
    pub(crate) kind: &'static str,
}

impl OnResource {
    pub(crate) fn of(id: &str, kind: &'static str) -> OnResource {
        OnResource {
            id: id.to_string(),
            resource_group: ids::resource_group_of(id).unwrap_or_default().to_string(),
            kind,
        }
    }
}

pub(crate) struct RoleAssignment {
    az: Arc<Azure>,
    on: OnResource,
    /// The resource's ID, or below it (`{vault}/secrets/{name}`).
    scope: String,
    scope_label: String,
    principal: Principal,
    who: String,
    role_guid: String,
    wait: Duration,
    /// See [`GrantSpec::claim`].
    claim: Option<tags::Claim>,
    /// See [`GrantSpec::adopt`].
    adopt: bool,
    /// Why a new assignment is planned, when the caller knows better than "create".
    why: Option<String>,
}

impl RoleAssignment {
    /// kvwire's assignment of this role to `principal_id` at this scope.
    fn handle(&self, principal_id: &str) -> RoleAssignmentRef {
        RoleAssignmentRef::new(&self.scope, principal_id, &self.role_guid)
    }

    fn role_definition_id(&self) -> String {
        RoleDefinitionRef::of(&self.az.subscription, &self.role_guid).id
    }

    fn role_label(&self) -> String {
        roles::by_guid(&self.role_guid)
            .map(|r| r.name.to_string())
            .unwrap_or_else(|| format!("role {}", self.role_guid))
    }

    /// Assignments this principal holds at or above the scope (ARM returns inherited ones too).
    async fn held(&self, principal_id: &str) -> Result<Vec<Assignment>> {
        self.handle(principal_id).held(&self.az).await
    }

    /// Broad roles, or this same role at a broader level, already held on the resource, its
    /// resource group or the subscription: reported, never created or removed.
    async fn broader(&self, held: &[Assignment]) -> Vec<String> {
        let sub = ids::subscription(&self.az.subscription).to_ascii_lowercase();
        let rg = ids::resource_group(&self.az.subscription, &self.on.resource_group).to_ascii_lowercase();
        let resource = self.on.id.to_ascii_lowercase();
        let mut out = vec![];
        for a in held.iter().map(|a| &a.view) {
            let scope = a.scope().to_ascii_lowercase();
            let guid = roles::guid_of(a.role());
            let this = format!("the {}", self.on.kind);
            let level = if scope == resource {
                this.as_str()
            } else if scope == rg {
                "its resource group"
            } else if scope == sub || scope == "/" {
                "the subscription"
            } else {
                continue;
            };
            if guid == self.role_guid && scope == self.scope.to_ascii_lowercase() {
                continue;
            }
            if roles::too_broad(&guid).is_some() || guid == self.role_guid {
                let role = RoleDefinitionRef::of(&self.az.subscription, &guid).name(&self.az).await;
                out.push(format!(
                    "{} already holds {role} on {level} ({scope}); kvwire does not remove it",
                    self.who
                ));
            }
        }
        out
    }

    /// A new assignment's description: the runbook it is made for.
    fn claim_change(&self) -> Option<FieldChange> {
        let c = self.claim.as_ref()?;
        Some(FieldChange::set(
            "properties.description",
            None,
            json!(tags::claims_description(&[c.token.clone()].into())),
        ))
    }

    /// This role at this scope, under any name, among `held`.
    fn same<'a>(&self, held: &'a [Assignment]) -> Option<&'a Assignment> {
        held.iter().find(|a| a.is(&self.scope, &self.role_guid))
    }

    /// kvwire's assignment read by name, when it is this principal's (the name may also hold an
    /// orphan of another principal, which apply reports).
    async fn by_name(&self, principal_id: &str) -> Result<Option<Assignment>> {
        self.handle(principal_id).read(&self.az).await
    }

    /// Whether Azure shows the assignment: kvwire's by name, or one adopted under another name
    /// (`RoleAssignmentExists`), which only the list finds.
    async fn visible(&self, principal_id: &str) -> Result<bool> {
        if self.by_name(principal_id).await?.is_some() {
            return Ok(true);
        }
        Ok(self.same(&self.held(principal_id).await?).is_some())
    }

    /// Waits until a new assignment shows in Azure. ARM reads of role assignments are eventually
    /// consistent: a GET by name answers 404 `RoleAssignmentNotFound` and lists miss it for a
    /// while after the PUT (Azure RBAC troubleshooting: "it can take up to 10 minutes for changes
    /// to take effect"; terraform-provider-azurerm polls GET by name until it has replicated).
    /// Exponential backoff with jitter, bounded by the step's `wait` (`--principal-wait`, the
    /// one bound kvwire has for RBAC replication); a last look always follows the last sleep.
    async fn wait_until_visible(&self, principal_id: &str) -> Result<()> {
        let started = Instant::now();
        let mut delay = VISIBLE_FIRST_DELAY;
        loop {
            if self.visible(principal_id).await? {
                return Ok(());
            }
            let left = self.wait.saturating_sub(started.elapsed());
            if left.is_zero() {
                return Err(Error::runtime(format!(
                    "verification failed: the role assignment for {} on {} does not show in Azure after {}s (--principal-wait); it may still be replicating: run the command again to check, it will not create a second one",
                    self.who,
                    self.scope_label,
                    self.wait.as_secs()
                )));
            }
            info!(
                "waiting for the role assignment for {} on {} to show in Azure ({}s of {}s)",
                self.who,
                self.scope_label,
                started.elapsed().as_secs(),
                self.wait.as_secs()
            );
            tokio::time::sleep(jittered(delay).min(left)).await;
            delay = (delay * 2).min(VISIBLE_MAX_DELAY);
        }
    }

    /// Record this runbook on an existing assignment — kvwire's, or one adopted under another
    /// name: PUT it back whole (its condition kept) with the runbooks read now (another may have
    /// recorded itself since the plan). Its principal, role and scope are never changed.
    async fn record_claim(&self, planned: &Planned, on: Progress<'_>) -> Result<()> {
        let Some(me) = &self.claim else { return Ok(()) };
        if planned.planned_value("properties.description").is_none() {
            // An adoption consented to where nothing can be recorded (see `plan`).
            return Ok(());
        }
        let pid = self.principal.require(&self.az).await?;
        let existing = match self.by_name(&pid).await? {
            Some(a) => a,
            None => self.same(&self.held(&pid).await?).cloned().ok_or_else(|| {
                Error::runtime(format!(
                    "the role assignment for {} on {} is gone since the plan; nothing was written: run again",
                    self.who, self.scope_label
                ))
            })?,
        };
        let description = existing.view.description();
        if !tags::description_is_free(description) {
            return Err(Error::runtime(format!(
                "the role assignment for {} on {} got its own description since the plan; nothing was written: run again",
                self.who, self.scope_label
            )));
        }
        let mut claims = tags::description_claims(description);
        claims.insert(if planned.adoption {
            tags::adopted(me)
        } else {
            me.token.clone()
        });
        existing
            .with_description(&tags::claims_description(&claims))
            .send(&self.az, on)
            .await
    }
}

#[async_trait::async_trait]
impl Step for RoleAssignment {
    fn address(&self) -> String {
        format!("role {} for {} on {}", self.role_label(), self.who, self.scope_label)
    }

    fn phase(&self) -> Phase {
        Phase::ACCESS
    }

    async fn plan(&self) -> Result<Planned> {
        let planned = Planned::new(self.address(), self.phase(), ids::ROLE_ASSIGNMENT, Action::Create);
        let Some(pid) = self.principal.object_id(&self.az).await? else {
            // The identity is created by an earlier step of this run.
            let mut changes = vec![
                FieldChange::unknown("name"),
                FieldChange::set("properties.roleDefinitionId", None, json!(self.role_definition_id())),
                FieldChange::unknown("properties.principalId"),
                FieldChange::set("properties.principalType", None, json!(self.principal.kind())),
                FieldChange::set("properties.scope", None, json!(self.scope)),
            ];
            changes.extend(self.claim_change());
            let reason = match &self.why {
                Some(w) => format!("{w}; {} is created earlier in this run", self.principal.label()),
                None => format!("{} is created earlier in this run", self.principal.label()),
            };
            return Ok(planned.reason(reason).changes(changes));
        };
        let held = self.held(&pid).await?;
        let mut warnings = self.broader(&held).await;
        let by_name = match self.same(&held) {
            Some(_) => None,
            // Lists lag behind writes: one made moments ago may only show by name.
            None => self.by_name(&pid).await?,
        };
        let same = self.same(&held).or(by_name.as_ref());
        let kvwires_own = self.handle(&pid);
        let name = kvwires_own.name();
        if let Some(a) = same {
            let existing = a.name();
            let description = a.view.description();
            let mut claims = tags::description_claims(description);
            let kvwires = existing == name;
            let found = if kvwires {
                "assigned".to_string()
            } else {
                format!("already assigned as {existing}")
            };
            // Another runbook recorded this runbook's name for something else: say so.
            if let Some(c) = &self.claim {
                warnings.extend(tags::clash(&c.token, &claims));
            }
            let no_op = |why: String, adoption: bool| Planned {
                action: Action::NoOp,
                adoption,
                ..planned.clone().reason(why).warnings(warnings.clone())
            };
            let Some(me) = &self.claim else {
                let why = if kvwires { found } else { format!("{found} (adopted)") };
                return Ok(no_op(why, !kvwires));
            };
            // kvwire's assignment is bound to this principal and vault by its name, so the
            // claim's aliases count on it; on one made under another name they do not.
            let me = if kvwires { me.clone() } else { me.without_aliases() };
            let adopting = match tags::claimed_by(&claims, &me) {
                Some(false) if tags::records(&claims, &me) => return Ok(no_op(found, false)),
                // Claimed under its bare name or the old default only: the token goes beside it.
                Some(false) => false,
                Some(true) => {
                    return Ok(no_op(format!("{found} (adopted by runbook {})", me.token), true));
                }
                // kvwire's assignment, made for other runbooks (or before runbooks were
                // recorded): add this one, keep the others.
                None if kvwires && !claims.is_empty() => false,
                // Made outside kvwire, or by `kvwire grant`: never a silent no-op.
                None => true,
            };
            claims.insert(if adopting { tags::adopted(&me) } else { me.token.clone() });
            let record = FieldChange::set(
                "properties.description",
                description.map(|d| json!(d)),
                json!(tags::claims_description(&claims)),
            );
            if !adopting {
                return Ok(Planned {
                    action: Action::Update,
                    ..planned
                        .reason(format!(
                            "kvwire's assignment: record that runbook {} uses it too",
                            me.token
                        ))
                        .warnings(warnings)
                        .changes(vec![record])
                });
            }
            let mut warnings = warnings;
            let changes = if tags::description_is_free(description) {
                vec![record]
            } else {
                // Someone's own description stays: the adoption is consented to, not recorded.
                warnings.push(format!(
                    "role assignment {existing} has its own description: adopting it records nothing on it, and the next run asks again"
                ));
                vec![]
            };
            return Ok(Planned {
                action: Action::Update,
                ..planned.reason(found).warnings(warnings).changes(changes)
            }
            .adopting(self.adopt, tags::adoption_hold(kvwires, &me.token)));
        }
        let mut changes = vec![
            FieldChange::set("name", None, json!(name)),
            FieldChange::set("properties.roleDefinitionId", None, json!(self.role_definition_id())),
            FieldChange::set("properties.principalId", None, json!(pid)),
            FieldChange::set("properties.principalType", None, json!(self.principal.kind())),
            FieldChange::set("properties.scope", None, json!(self.scope)),
        ];
        changes.extend(self.claim_change());
        let planned = match &self.why {
            Some(w) => planned.reason(w.clone()),
            None => planned,
        };
        let request = kvwires_own.create(body_of_assignment(&changes));
        Ok(planned.warnings(warnings).changes(changes).request(request))
    }

    async fn apply(&self, planned: &Planned, on: Progress<'_>) -> Result<()> {
        if planned.action == Action::Update {
            return self.record_claim(planned, on).await;
        }
        let pid = match planned.planned_value("properties.principalId").and_then(Value::as_str) {
            Some(p) => p.to_string(),
            None => self.principal.require(&self.az).await?,
        };
        // The plan's request; or, for a principal made earlier in this run, the same built from the
        // plan's changes with the principal filled in now that it exists.
        let (path, body) = match &planned.request {
            Some(r) => (r.path.clone(), r.body.clone().unwrap_or_default()),
            None => {
                let mut body = body_of_assignment(&planned.changes);
                body["properties"]["principalId"] = json!(pid);
                (self.handle(&pid).id(), body)
            }
        };
        let started = Instant::now();
        let mut delay = Duration::from_secs(2);
        loop {
            match self.az.arm.put(&path, api::AUTHORIZATION, &body, on).await {
                Ok(_) => return Ok(()),
                Err(Error::Arm(e)) if e.is(&ErrorCode::RoleAssignmentExists) => {
                    info!("the role assignment already exists under another name: adopted");
                    return Ok(());
                }
                Err(Error::Arm(e)) if e.is(&ErrorCode::RoleAssignmentUpdateNotPermitted) => {
                    return Err(Error::runtime(format!(
                        "role assignment {path} already exists for another principal or role (an orphan left by a deleted identity?); kvwire never overwrites it. Inspect and remove it with `az role assignment delete --ids {path}`, then run again"
                    )));
                }
                Err(Error::Arm(e)) if e.is(&ErrorCode::PrincipalNotFound) && started.elapsed() + delay <= self.wait => {
                    let msg = format!(
                        "waiting for principal {pid} to reach Azure RBAC ({}s of {}s)",
                        started.elapsed().as_secs(),
                        self.wait.as_secs()
                    );
                    on(&msg);
                    crate::warn!("{msg}");
                    tokio::time::sleep(delay).await;
                    delay = (delay * 2).min(Duration::from_secs(15));
                }
                Err(e) => return Err(e),
            }
        }
    }

    async fn verify(&self, _planned: &Planned) -> Result<()> {
        let pid = self.principal.require(&self.az).await?;
        self.wait_until_visible(&pid).await
    }
}

// ---- access-policy vaults -------------------------------------------------------------------

pub(crate) struct AccessPolicy {
    az: Arc<Azure>,
    vault: Vault,
    principal: Principal,
    who: String,
    /// Secret permissions wanted, e.g. ["get"].
    permissions: Vec<String>,
}

impl AccessPolicy {
    /// The one entry `accessPolicies/add` sends: the tenant, the principal (known after apply
    /// while it does not exist yet), and the secret permissions it needs.
    fn entry(&self, object_id: Option<&str>) -> Vec<FieldChange> {
        vec![
            FieldChange::set("tenantId", None, json!(self.vault.tenant_id)),
            match object_id {
                Some(o) => FieldChange::set("objectId", None, json!(o)),
                None => FieldChange::unknown("objectId"),
            },
            FieldChange::set("permissions.secrets", None, json!(self.permissions)),
        ]
    }

    /// The `accessPolicies/add` write of `entry` ([`AccessPolicy::entry`]).
    fn add(&self, entry: &[FieldChange]) -> Request {
        self.vault.add_access_policy(crate::plan::diff::body_of(entry))
    }
}

#[async_trait::async_trait]
impl Step for AccessPolicy {
    fn address(&self) -> String {
        format!("access policy for {} on vault {}", self.who, self.vault.name)
    }

    fn phase(&self) -> Phase {
        Phase::ACCESS
    }

    async fn plan(&self) -> Result<Planned> {
        let planned = Planned::new(self.address(), self.phase(), ids::ACCESS_POLICY, Action::Create);
        let Some(object_id) = self.principal.object_id(&self.az).await? else {
            return Ok(planned
                .reason(format!("{} is created earlier in this run", self.principal.label()))
                .changes(self.entry(None)));
        };
        let current = self.vault.secret_permissions(&self.az, &object_id).await?;
        let have = current.clone().unwrap_or_default();
        let mut warnings = vec![];
        let extra: Vec<&String> = have.iter().filter(|p| !self.permissions.contains(p)).collect();
        if !extra.is_empty() {
            warnings.push(format!(
                "{} already holds secret permissions beyond what it needs ({}); kvwire does not remove them",
                self.who,
                extra.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
            ));
        }
        let missing: Vec<&String> = self.permissions.iter().filter(|p| !have.contains(p)).collect();
        if missing.is_empty() {
            return Ok(Planned {
                action: Action::NoOp,
                ..planned
                    .reason(format!("already grants secrets: {}", self.permissions.join(", ")))
                    .warnings(warnings)
            });
        }
        let mut after = have.clone();
        after.extend(missing.iter().map(|s| s.to_string()));
        let entry = self.entry(Some(&object_id));
        Ok(Planned {
            action: if current.is_some() {
                Action::Update
            } else {
                Action::Create
            },
            ..planned
                .reason("the vault uses access policies (enableRbacAuthorization is not true)")
                .warnings(warnings)
                .request(self.add(&entry))
                .changes(entry)
                // `add` merges into the principal's policy: what the vault then holds.
                .effects(vec![FieldChange::set(
                    "accessPolicies[objectId].permissions.secrets",
                    current.map(|_| json!(have)),
                    json!(after),
                )])
        })
    }

    /// Sends the planned entry, the principal filled in once it exists. `add` merges into the
    /// existing policy; the rest of the vault is never rewritten.
    async fn apply(&self, planned: &Planned, on: Progress<'_>) -> Result<()> {
        let (path, body) = match &planned.request {
            Some(r) => (r.path.clone(), r.body.clone().unwrap_or_default()),
            None => {
                let r = self.add(&self.entry(Some(&self.principal.require(&self.az).await?)));
                (r.path, r.body.unwrap_or_default())
            }
        };
        self.az.arm.put(&path, api::KEY_VAULT, &body, on).await?;
        Ok(())
    }
}

#[cfg(test)]
pub(crate) mod tests {
    //! The role assignment's plan against recorded observations (steps::recorded).

    use super::*;
    use crate::steps::recorded::{RG, Recorded, example};

    /// The principal of the IdentityCreate example.
    pub(crate) const PRINCIPAL: &str = "25cc773c-7f05-40fc-a104-32d2300754ad";

    pub(crate) fn vault_id() -> String {
        ids::vault(Azure::OFFLINE_SUBSCRIPTION, RG, "vault1")
    }

    /// Key Vault Secrets User on vault1 for the identity of the IdentityCreate example.
    fn grant(r: &Recorded) -> RoleAssignment {
        let principal = Principal::Identity {
            rg: RG.into(),
            name: "identityName".into(),
        };
        RoleAssignment {
            az: r.az.clone(),
            on: OnResource::of(&vault_id(), "vault"),
            scope: vault_id(),
            scope_label: "vault vault1".into(),
            who: principal.label(),
            principal,
            role_guid: roles::SECRETS_USER.guid.into(),
            wait: Duration::ZERO,
            claim: None,
            adopt: false,
            why: None,
        }
    }

    /// The identity exists; the principal holds `held` at or above the vault; a GET of kvwire's
    /// name for the assignment finds `by_name`.
    fn reads(held: Vec<Value>, by_name: Option<Value>) -> Recorded {
        let r = Recorded::new();
        let identity = r.az.identity_id(RG, "identityName");
        let filter = format!("principalId eq '{PRINCIPAL}'");
        let path = ids::role_assignment(
            &vault_id(),
            &ids::role_assignment_name(&vault_id(), PRINCIPAL, roles::SECRETS_USER.guid),
        );
        r.get(
            &identity,
            api::MANAGED_IDENTITY,
            Some(example("IdentityCreate.2026-05-31.json", "200")),
        )
        .list(
            &ids::role_assignments(&vault_id()),
            api::AUTHORIZATION,
            Some(&filter),
            held,
        )
        .get(&path, api::AUTHORIZATION, by_name)
    }

    /// The RoleAssignments_CreateForResource example, made Secrets User for PRINCIPAL on the
    /// vault, under `name`.
    pub(crate) fn assignment(name: &str) -> Value {
        let mut a = example("RoleAssignments_CreateForResource.2022-04-01.json", "200");
        a["name"] = json!(name);
        a["id"] = json!(ids::role_assignment(&vault_id(), name));
        a["properties"]["scope"] = json!(vault_id());
        a["properties"]["roleDefinitionId"] = json!(ids::role_definition(
            Azure::OFFLINE_SUBSCRIPTION,
            roles::SECRETS_USER.guid
        ));
        a["properties"]["principalId"] = json!(PRINCIPAL);
        a["properties"]["principalType"] = json!("ServicePrincipal");
        a
    }

    /// kvwire's name for this assignment, as it has always been (`down` finds what `up` made by it).
    pub(crate) const NAME: &str = "c2cd1c93-e3ca-5f20-952a-c99c9d37a827";

    #[tokio::test]
    async fn a_new_assignment_is_created_under_its_deterministic_name() {
        let r = reads(vec![], None);
        let step = grant(&r);
        let p = r.plan(&step).await.unwrap();
        assert_eq!(p.action, Action::Create);
        assert_eq!(
            p.changes,
            [
                FieldChange::set("name", None, json!(NAME)),
                FieldChange::set(
                    "properties.roleDefinitionId",
                    None,
                    json!(
                        "/subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.Authorization/roleDefinitions/4633458b-17de-408a-b874-0445c86b69e6"
                    )
                ),
                FieldChange::set("properties.principalId", None, json!(PRINCIPAL)),
                FieldChange::set("properties.principalType", None, json!("ServicePrincipal")),
                FieldChange::set("properties.scope", None, json!(vault_id())),
            ]
        );
        assert!(p.warnings.is_empty() && p.held.is_none());
    }

    #[tokio::test]
    async fn an_assignment_already_made_is_left_alone() {
        let r = reads(vec![assignment(NAME)], None);
        let step = grant(&r);
        let p = r.plan(&step).await.unwrap();
        assert_eq!(p.action, Action::NoOp);
        assert_eq!(p.reason.as_deref(), Some("assigned"));
        assert!(!p.adoption && p.changes.is_empty());

        // Lists lag behind writes: one made moments ago shows only by name.
        let r = reads(vec![], Some(assignment(NAME)));
        let step = grant(&r);
        let p = r.plan(&step).await.unwrap();
        assert_eq!(p.action, Action::NoOp);

        // The same role under another name (the example's) is adopted, not made twice.
        let r = reads(vec![assignment("05c5a614-a7d6-4502-b150-c2fb455033ff")], None);
        let step = grant(&r);
        let p = r.plan(&step).await.unwrap();
        assert_eq!(p.action, Action::NoOp);
        assert_eq!(
            p.reason.as_deref(),
            Some("already assigned as 05c5a614-a7d6-4502-b150-c2fb455033ff (adopted)")
        );
        assert!(p.adoption);
    }

    // ---- the access policy -------------------------------------------------------------------

    const TENANT: &str = "72f988bf-86f1-41af-91ab-2d7cd011db47";

    /// `get` for the identity of the IdentityCreate example on an access-policy vault holding
    /// `policies`.
    fn policy(policies: Value) -> (Recorded, AccessPolicy) {
        let r = Recorded::new();
        let identity = r.az.identity_id(RG, "identityName");
        let vault = Vault {
            id: vault_id(),
            name: "vault1".into(),
            resource_group: RG.into(),
            uri: "https://vault1.vault.azure.net/".parse().unwrap(),
            tenant_id: TENANT.into(),
            rbac: false,
        };
        let r = r
            .get(
                &identity,
                api::MANAGED_IDENTITY,
                Some(example("IdentityCreate.2026-05-31.json", "200")),
            )
            .get(
                &vault_id(),
                api::KEY_VAULT,
                Some(json!({"id": vault_id(), "properties": {"tenantId": TENANT, "accessPolicies": policies}})),
            );
        let principal = Principal::Identity {
            rg: RG.into(),
            name: "identityName".into(),
        };
        let step = AccessPolicy {
            az: r.az.clone(),
            vault,
            who: principal.label(),
            principal,
            permissions: vec!["get".into()],
        };
        (r, step)
    }

    #[tokio::test]
    async fn an_access_policy_plan_is_the_entry_add_sends() {
        let (r, step) = policy(json!([]));
        let p = r.plan(&step).await.unwrap();
        assert_eq!(p.action, Action::Create);
        let entry = json!({"tenantId": TENANT, "objectId": PRINCIPAL, "permissions": {"secrets": ["get"]}});
        assert_eq!(
            crate::plan::diff::body_of(&p.changes),
            entry,
            "the changes are the entry"
        );
        let r = p.request.expect("the plan knows the whole write");
        assert_eq!(r.path, format!("{}/accessPolicies/add", vault_id()));
        assert_eq!(r.body, Some(json!({"properties": {"accessPolicies": [entry]}})));
    }

    #[tokio::test]
    async fn an_access_policy_adds_only_what_is_missing_and_shows_the_merged_result() {
        let held = json!([{"tenantId": TENANT, "objectId": PRINCIPAL, "permissions": {"secrets": ["list"]}}]);
        let (r, step) = policy(held);
        let p = r.plan(&step).await.unwrap();
        assert_eq!(p.action, Action::Update);
        assert_eq!(
            p.effects,
            [FieldChange::set(
                "accessPolicies[objectId].permissions.secrets",
                Some(json!(["list"])),
                json!(["list", "get"])
            )]
        );
        assert!(p.warnings[0].contains("beyond what it needs"), "{:?}", p.warnings);

        let (r, step) =
            policy(json!([{"tenantId": TENANT, "objectId": PRINCIPAL, "permissions": {"secrets": ["get"]}}]));
        let p = r.plan(&step).await.unwrap();
        assert_eq!(p.action, Action::NoOp);
        assert!(p.request.is_none());
    }
}
