//! `kvwire grant`: least-privilege access to a vault's secrets. An RBAC vault gets a role
//! assignment; a vault with `enableRbacAuthorization: false` gets an access policy through
//! `accessPolicies/add` (never a rewrite of the whole vault).

use crate::{
    azure::arm::{ErrorCode, OnStatus, api},
    cli::{GlobalArgs, GrantArgs, GrantScope, GrantTarget, RoleChoice},
    azure::context::{Azure, run_options},
    error::{Error, Result},
    azure::grants, info,
    ui::output::Ui,
    plan::{self, Action, FieldChange, Planned, Step},
    util::uuid5,
    azure::vault::{self, Vault},
};
use serde_json::{Value, json};
use std::{
    sync::Arc,
    time::{Duration, Instant},
};

pub const SECRETS_USER: &str = "4633458b-17de-408a-b874-0445c86b69e6";
pub const SECRETS_OFFICER: &str = "b86a8fe4-44ce-4948-aee5-eccb2c155cd7";

/// Roles that do more than read secret values, and why a workload should not hold them.
const BROAD: &[(&str, &str)] = &[
    (
        SECRETS_OFFICER,
        "Key Vault Secrets Officer can create, change and delete every secret",
    ),
    (
        "00482a5a-887f-4fb3-b363-3b7fe8e74483",
        "Key Vault Administrator can do everything to keys, secrets and certificates",
    ),
    (
        "8b54135c-b56d-4d72-a534-26097cfdc8d8",
        "Key Vault Data Access Administrator can grant itself any data access",
    ),
    (
        "f25e0fa2-a7c8-4377-a976-54943a77a395",
        "Key Vault Contributor manages the vault and can rewrite its access policies",
    ),
    (
        "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
        "Owner can do anything, including granting access",
    ),
    (
        "b24988ac-6180-42a0-ab88-20f7382dd24c",
        "Contributor can change the vault itself",
    ),
    (
        "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9",
        "User Access Administrator can grant any role",
    ),
];

/// Secret permissions an access policy gets for each role.
const OFFICER_PERMISSIONS: &[&str] = &["get", "list", "set", "delete", "recover", "backup", "restore"];

fn broad_reason(guid: &str) -> Option<&'static str> {
    BROAD
        .iter()
        .find(|(g, _)| g.eq_ignore_ascii_case(guid))
        .map(|(_, why)| *why)
}

/// Who gets access. Resolved when needed: in a runbook the identity (or the kubelet identity)
/// may only come into being in an earlier step of the same run.
#[derive(Debug, Clone)]
pub enum Principal {
    Known { object_id: String, kind: &'static str },
    Identity { rg: String, name: String },
    Kubelet { rg: String, cluster: String },
}

impl Principal {
    pub fn label(&self) -> String {
        match self {
            Principal::Known { object_id, .. } => format!("principal {object_id}"),
            Principal::Identity { rg, name } => format!("identity {rg}/{name}"),
            Principal::Kubelet { rg, cluster } => format!("kubelet of {rg}/{cluster}"),
        }
    }

    pub fn kind(&self) -> &'static str {
        match self {
            Principal::Known { kind, .. } => kind,
            _ => "ServicePrincipal",
        }
    }

    pub fn is_workload(&self) -> bool {
        !matches!(self, Principal::Known { .. })
    }

    /// The object ID, or `None` while the identity does not exist yet.
    pub async fn object_id(&self, az: &Azure) -> Result<Option<String>> {
        match self {
            Principal::Known { object_id, .. } => Ok(Some(object_id.clone())),
            Principal::Identity { rg, name } => {
                let path = format!(
                    "/subscriptions/{}/resourceGroups/{rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/{name}",
                    az.subscription
                );
                Ok(az.arm.get_opt(&path, api::MANAGED_IDENTITY).await?.and_then(|d| {
                    d.pointer("/properties/principalId")
                        .and_then(Value::as_str)
                        .map(str::to_owned)
                }))
            }
            Principal::Kubelet { rg, cluster } => match az.kubelet_identity(rg, cluster).await {
                Ok(k) => Ok(k.object_id),
                Err(Error::Runtime(_)) => Ok(None),
                Err(e) => Err(e),
            },
        }
    }

    /// Like [`Principal::object_id`], but a missing identity is an error saying how to create it.
    pub async fn require(&self, az: &Azure) -> Result<String> {
        self.object_id(az).await?.ok_or_else(|| match self {
            Principal::Identity { rg, name } => Error::runtime(format!(
                "managed identity {rg}/{name} was not found: create it with `kvwire workload-identity … --identity {name}`"
            )),
            Principal::Kubelet { rg, cluster } => Error::runtime(format!(
                "cluster {rg}/{cluster} has no kubelet managed identity: run `kvwire cluster enable-managed-identity -g {rg} -n {cluster}` first"
            )),
            Principal::Known { .. } => unreachable!("a known principal always resolves"),
        })
    }
}

/// What to grant.
#[derive(Debug, Clone)]
pub struct GrantSpec {
    pub role: RoleChoice,
    pub scope: GrantScope,
    /// Access-policy vaults: also `list`.
    pub allow_list: bool,
    pub allow_broad: bool,
    pub principal_wait: Duration,
}

impl GrantSpec {
    fn role_guid(&self) -> String {
        match &self.role {
            RoleChoice::SecretsUser => SECRETS_USER.to_string(),
            RoleChoice::SecretsOfficer => SECRETS_OFFICER.to_string(),
            RoleChoice::Custom(g) => g.clone(),
        }
    }

    /// Least privilege, checked before anything is read: workloads read; people and pipelines may
    /// manage secrets; nobody gets administration without saying so.
    pub fn check(&self, principal: &Principal) -> Result<()> {
        let guid = self.role_guid();
        if let Some(why) = broad_reason(&guid) {
            let officer_for_person = guid == SECRETS_OFFICER && !principal.is_workload();
            if !officer_for_person && !self.allow_broad {
                return Err(Error::usage(format!(
                    "--role: {why}. A workload that reads secrets needs Key Vault Secrets User (--role secrets-user, the default); pass --allow-broad if this principal really needs more"
                )));
            }
        }
        Ok(())
    }
}

pub async fn run(az: Arc<Azure>, args: &GrantArgs, g: &GlobalArgs, ui: &Ui) -> Result<u8> {
    let principal = principal_from(args)?;
    let spec = GrantSpec {
        role: args.role.clone(),
        scope: args.scope.clone(),
        allow_list: args.allow_list,
        allow_broad: args.allow_broad,
        principal_wait: Duration::from_secs(args.principal_wait),
    };
    spec.check(&principal)?;
    let vault = vault::find(&az, &args.vault, args.resource_group.as_deref()).await?;
    // On its own, grant needs the principal to exist already.
    let label = principal.label();
    let object_id = principal.require(&az).await?;
    let principal = Principal::Known {
        object_id,
        kind: principal.kind(),
    };
    let labelled = step(az, vault, principal, &spec, Some(label))?;
    let opts = run_options(g, "grant", ui, 1)?;
    plan::run(vec![labelled], &opts, ui).await
}

fn principal_from(args: &GrantArgs) -> Result<Principal> {
    let rg_for = |rg: &Option<String>, what: &str| {
        rg.clone().or_else(|| args.resource_group.clone()).ok_or_else(|| {
            Error::usage(format!(
                "--to {what}: give the resource group as {what}RG/NAME or with -g"
            ))
        })
    };
    Ok(match &args.to {
        GrantTarget::Kubelet(rg, cluster) => Principal::Kubelet {
            rg: rg_for(rg, "kubelet:")?,
            cluster: cluster.clone(),
        },
        GrantTarget::Identity(rg, name) => Principal::Identity {
            rg: rg_for(rg, "identity:")?,
            name: name.clone(),
        },
        GrantTarget::Principal(oid) => Principal::Known {
            object_id: oid.clone(),
            kind: args.principal_type.as_arm(),
        },
    })
}

/// The one step that gives `principal` access to `vault`, by the vault's permission model.
/// `who` overrides the label shown in plans.
pub fn step(
    az: Arc<Azure>,
    vault: Vault,
    principal: Principal,
    spec: &GrantSpec,
    who: Option<String>,
) -> Result<Box<dyn Step>> {
    let who = who.unwrap_or_else(|| principal.label());
    if vault.rbac {
        let scope = match &spec.scope {
            GrantScope::Vault => vault.id.clone(),
            GrantScope::Secret(name) => format!("{}/secrets/{name}", vault.id),
        };
        return Ok(Box::new(RoleAssignment {
            az,
            scope_label: match &spec.scope {
                GrantScope::Vault => format!("vault {}", vault.name),
                GrantScope::Secret(n) => format!("secret {}/{n}", vault.name),
            },
            scope,
            vault,
            principal,
            resolved: None,
            who,
            role_guid: spec.role_guid(),
            wait: spec.principal_wait,
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
        resolved: None,
        who,
        permissions: permissions.into_iter().map(str::to_owned).collect(),
    }))
}

fn role_guid_of(role_definition_id: &str) -> String {
    role_definition_id.rsplit('/').next().unwrap_or("").to_ascii_lowercase()
}

// ---- RBAC vaults ----------------------------------------------------------------------------

struct RoleAssignment {
    az: Arc<Azure>,
    vault: Vault,
    /// The vault's ID, or `{vault}/secrets/{name}`.
    scope: String,
    scope_label: String,
    principal: Principal,
    /// The principal's object ID once known (observed, or resolved at apply).
    resolved: Option<String>,
    who: String,
    role_guid: String,
    wait: Duration,
}

impl RoleAssignment {
    /// Same scope, principal and role → same name, so a replayed PUT never makes a twin.
    fn name(&self, principal_id: &str) -> String {
        let key = format!(
            "{}|{}|{}",
            self.scope.to_ascii_lowercase(),
            principal_id.to_ascii_lowercase(),
            self.role_guid
        );
        uuid5::v5(&uuid5::ROLE_ASSIGNMENT_NAMESPACE, &key)
    }

    fn role_definition_id(&self) -> String {
        format!(
            "/subscriptions/{}/providers/Microsoft.Authorization/roleDefinitions/{}",
            self.az.subscription, self.role_guid
        )
    }

    /// Assignments this principal holds at or above the scope (ARM returns inherited ones too).
    async fn held(&self, principal_id: &str) -> Result<Vec<Value>> {
        let filter = format!("principalId eq '{principal_id}'");
        self.az
            .arm
            .list_filtered(
                &format!("{}/providers/Microsoft.Authorization/roleAssignments", self.scope),
                api::AUTHORIZATION,
                Some(&filter),
            )
            .await
    }

    /// Broader roles already held on the vault, its resource group or the subscription: reported, never created.
    async fn broader(&self, held: &[Value]) -> Vec<String> {
        let sub = format!("/subscriptions/{}", self.az.subscription).to_ascii_lowercase();
        let rg = format!(
            "{sub}/resourcegroups/{}",
            self.vault.resource_group.to_ascii_lowercase()
        );
        let vault = self.vault.id.to_ascii_lowercase();
        let mut out = vec![];
        for a in held {
            let scope = a
                .pointer("/properties/scope")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_ascii_lowercase();
            let guid = role_guid_of(
                a.pointer("/properties/roleDefinitionId")
                    .and_then(Value::as_str)
                    .unwrap_or(""),
            );
            let level = if scope == vault {
                "the vault"
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
            if broad_reason(&guid).is_some() || guid == SECRETS_USER {
                let role = grants::role_name(&self.az, &guid_path(&guid)).await;
                out.push(format!(
                    "{} already holds {role} on {level} ({scope}); kvwire does not remove it",
                    self.who
                ));
            }
        }
        out
    }
}

fn guid_path(guid: &str) -> String {
    format!("/providers/Microsoft.Authorization/roleDefinitions/{guid}")
}

#[async_trait::async_trait]
impl Step for RoleAssignment {
    async fn plan(&mut self) -> Result<Planned> {
        let role = grants::role_name(&self.az, &guid_path(&self.role_guid)).await;
        let address = format!("role {role} for {} on {}", self.who, self.scope_label);
        let kind = "Microsoft.Authorization/roleAssignments";
        self.resolved = self.principal.object_id(&self.az).await?;
        let Some(pid) = self.resolved.clone() else {
            // The identity is created by an earlier step of this run.
            return Ok(Planned {
                address,
                resource_type: kind.into(),
                action: Action::Create,
                reason: Some(format!("{} is created earlier in this run", self.principal.label())),
                changes: vec![
                    FieldChange::unknown("name"),
                    FieldChange::set("properties.roleDefinitionId", None, json!(self.role_definition_id())),
                    FieldChange::unknown("properties.principalId"),
                    FieldChange::set("properties.principalType", None, json!(self.principal.kind())),
                    FieldChange::set("properties.scope", None, json!(self.scope)),
                ],
                warnings: vec![],
                held: None,
            });
        };
        let held = self.held(&pid).await?;
        let warnings = self.broader(&held).await;
        let same = held.iter().find(|a| {
            a.pointer("/properties/scope")
                .and_then(Value::as_str)
                .is_some_and(|s| s.eq_ignore_ascii_case(&self.scope))
                && role_guid_of(
                    a.pointer("/properties/roleDefinitionId")
                        .and_then(Value::as_str)
                        .unwrap_or(""),
                ) == self.role_guid
        });
        if let Some(a) = same {
            let name = a["name"].as_str().unwrap_or("?");
            let why = if name == self.name(&pid) {
                "assigned".to_string()
            } else {
                format!("already assigned as {name} (adopted)")
            };
            return Ok(Planned {
                warnings,
                ..Planned::no_op(address, kind, why)
            });
        }
        Ok(Planned {
            address,
            resource_type: kind.into(),
            action: Action::Create,
            reason: None,
            changes: vec![
                FieldChange::set("name", None, json!(self.name(&pid))),
                FieldChange::set("properties.roleDefinitionId", None, json!(self.role_definition_id())),
                FieldChange::set("properties.principalId", None, json!(pid)),
                FieldChange::set("properties.principalType", None, json!(self.principal.kind())),
                FieldChange::set("properties.scope", None, json!(self.scope)),
            ],
            warnings,
            held: None,
        })
    }

    async fn apply(&mut self, on: OnStatus<'_>) -> Result<()> {
        let pid = match self.resolved.clone() {
            Some(p) => p,
            None => self.principal.require(&self.az).await?,
        };
        let name = self.name(&pid);
        let path = format!(
            "{}/providers/Microsoft.Authorization/roleAssignments/{name}",
            self.scope
        );
        let body = json!({"properties": {
            "roleDefinitionId": self.role_definition_id(),
            "principalId": pid,
            "principalType": self.principal.kind(),
        }});
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
                        "role assignment {name} at {} already exists for another principal or role (an orphan left by a deleted identity?); kvwire never overwrites it. Inspect and remove it with `az role assignment delete --ids {path}`, then run again",
                        self.scope
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

    /// Role-assignment lists lag behind writes (ARM reads are eventually consistent), so a list
    /// right after the PUT may not show it: read kvwire's own assignment by name first, and
    /// look at the list (for one adopted under another name) a few times before giving up.
    async fn verify(&mut self) -> Result<()> {
        let pid = match self.resolved.clone() {
            Some(p) => p,
            None => self.principal.require(&self.az).await?,
        };
        let path = format!(
            "{}/providers/Microsoft.Authorization/roleAssignments/{}",
            self.scope,
            self.name(&pid)
        );
        if self.az.arm.get_opt(&path, api::AUTHORIZATION).await?.is_some() {
            return Ok(());
        }
        let mut delay = Duration::from_secs(1);
        for _ in 0..4 {
            if self.plan().await?.action == Action::NoOp {
                return Ok(());
            }
            tokio::time::sleep(delay).await;
            delay *= 2;
        }
        Err(Error::runtime(format!(
            "verification failed: the role assignment for {} on {} does not show in Azure",
            self.who, self.scope_label
        )))
    }
}

// ---- access-policy vaults -------------------------------------------------------------------

struct AccessPolicy {
    az: Arc<Azure>,
    vault: Vault,
    principal: Principal,
    resolved: Option<String>,
    who: String,
    /// Secret permissions wanted, e.g. ["get"].
    permissions: Vec<String>,
}

#[async_trait::async_trait]
impl Step for AccessPolicy {
    async fn plan(&mut self) -> Result<Planned> {
        let address = format!("access policy for {} on vault {}", self.who, self.vault.name);
        let kind = "Microsoft.KeyVault/vaults/accessPolicies";
        self.resolved = self.principal.object_id(&self.az).await?;
        let Some(object_id) = self.resolved.clone() else {
            return Ok(Planned {
                address,
                resource_type: kind.into(),
                action: Action::Create,
                reason: Some(format!("{} is created earlier in this run", self.principal.label())),
                changes: vec![
                    FieldChange::unknown("objectId"),
                    FieldChange::set("permissions.secrets", None, json!(self.permissions)),
                ],
                warnings: vec![],
                held: None,
            });
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
                warnings,
                ..Planned::no_op(
                    address,
                    kind,
                    format!("already grants secrets: {}", self.permissions.join(", ")),
                )
            });
        }
        let mut after = have.clone();
        after.extend(missing.iter().map(|s| s.to_string()));
        Ok(Planned {
            address,
            resource_type: kind.into(),
            action: if current.is_some() {
                Action::Update
            } else {
                Action::Create
            },
            reason: Some("the vault uses access policies (enableRbacAuthorization: false)".into()),
            changes: vec![FieldChange::set(
                "permissions.secrets",
                current.map(|_| json!(have)),
                json!(after),
            )],
            warnings,
            held: None,
        })
    }

    async fn apply(&mut self, on: OnStatus<'_>) -> Result<()> {
        // `add` merges into the existing policy; the rest of the vault is never rewritten.
        let object_id = match self.resolved.clone() {
            Some(o) => o,
            None => self.principal.require(&self.az).await?,
        };
        let body = json!({"properties": {"accessPolicies": [{
            "tenantId": self.vault.tenant_id,
            "objectId": object_id,
            "permissions": {"secrets": self.permissions},
        }]}});
        self.az
            .arm
            .put(
                &format!("{}/accessPolicies/add", self.vault.id),
                api::KEY_VAULT,
                &body,
                on,
            )
            .await?;
        Ok(())
    }
}
