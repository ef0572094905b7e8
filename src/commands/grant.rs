//! `kvwire grant`: least-privilege access to a vault's secrets. An RBAC vault gets a role
//! assignment; a vault with `enableRbacAuthorization: false` gets an access policy through
//! `accessPolicies/add` (never a rewrite of the whole vault).

use crate::{
    arm::{ErrorCode, OnStatus, api},
    cli::{GlobalArgs, GrantArgs, GrantScope, GrantTarget, RoleChoice},
    context::{Azure, run_options},
    error::{Error, Result},
    grants, info,
    output::Ui,
    plan::{self, Action, FieldChange, Planned, Step},
    uuid5,
    vault::{self, Vault},
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

pub async fn run(az: Arc<Azure>, args: &GrantArgs, g: &GlobalArgs, ui: &Ui) -> Result<u8> {
    let role_guid = match &args.role {
        RoleChoice::SecretsUser => SECRETS_USER.to_string(),
        RoleChoice::SecretsOfficer => SECRETS_OFFICER.to_string(),
        RoleChoice::Custom(g) => g.clone(),
    };
    // Least privilege before anything is read: workloads read; people and pipelines may manage,
    // nobody gets administration without saying so.
    if let Some(why) = broad_reason(&role_guid) {
        let officer_for_person = role_guid == SECRETS_OFFICER && !args.to.is_workload();
        if !officer_for_person && !args.allow_broad {
            return Err(Error::usage(format!(
                "--role: {why}. A workload that reads secrets needs Key Vault Secrets User (--role secrets-user, the default); pass --allow-broad if this principal really needs more"
            )));
        }
    }
    let vault = vault::find(&az, &args.vault, args.resource_group.as_deref()).await?;
    let (principal_id, principal_type, who) = resolve_principal(&az, args).await?;
    let opts = run_options(g, "grant", ui, 1)?;
    let step: Box<dyn Step> = if vault.rbac {
        let scope = match &args.scope {
            GrantScope::Vault => vault.id.clone(),
            GrantScope::Secret(name) => format!("{}/secrets/{name}", vault.id),
        };
        Box::new(RoleAssignment {
            az: az.clone(),
            scope_label: match &args.scope {
                GrantScope::Vault => format!("vault {}", vault.name),
                GrantScope::Secret(n) => format!("secret {}/{n}", vault.name),
            },
            scope,
            vault,
            principal_id,
            principal_type,
            who,
            role_guid,
            wait: Duration::from_secs(args.principal_wait),
        })
    } else {
        if let GrantScope::Secret(_) = args.scope {
            return Err(Error::usage(format!(
                "--scope secret:NAME needs an RBAC vault; vault {} uses access policies, which apply to every secret in it",
                vault.name
            )));
        }
        let permissions: Vec<&str> = match &args.role {
            RoleChoice::SecretsUser if args.allow_list => vec!["get", "list"],
            RoleChoice::SecretsUser => vec!["get"],
            RoleChoice::SecretsOfficer => OFFICER_PERMISSIONS.to_vec(),
            RoleChoice::Custom(_) => {
                return Err(Error::usage(format!(
                    "--role GUID needs an RBAC vault; vault {} uses access policies: use secrets-user or secrets-officer",
                    vault.name
                )));
            }
        };
        Box::new(AccessPolicy {
            az: az.clone(),
            vault,
            object_id: principal_id,
            who,
            permissions: permissions.into_iter().map(str::to_owned).collect(),
        })
    };
    plan::run(vec![step], &opts, ui).await
}

/// Object ID, principal type and a label for the target, read from Azure (nothing guessed).
async fn resolve_principal(az: &Azure, args: &GrantArgs) -> Result<(String, &'static str, String)> {
    let rg_for = |rg: &Option<String>, what: &str| {
        rg.clone().or_else(|| args.resource_group.clone()).ok_or_else(|| {
            Error::usage(format!(
                "--to {what}: give the resource group as {what}RG/NAME or with -g"
            ))
        })
    };
    match &args.to {
        GrantTarget::Kubelet(rg, cluster) => {
            let rg = rg_for(rg, "kubelet:")?;
            let kubelet = az.kubelet_identity(&rg, cluster).await?;
            let oid = kubelet.object_id.ok_or_else(|| {
                Error::runtime(format!("cluster {rg}/{cluster}: the kubelet identity has no objectId"))
            })?;
            Ok((oid, "ServicePrincipal", format!("kubelet of {rg}/{cluster}")))
        }
        GrantTarget::Identity(rg, name) => {
            let rg = rg_for(rg, "identity:")?;
            let path = format!(
                "/subscriptions/{}/resourceGroups/{rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/{name}",
                az.subscription
            );
            let doc = az.arm.get_opt(&path, api::MANAGED_IDENTITY).await?.ok_or_else(|| {
                Error::runtime(format!(
                    "managed identity {rg}/{name} was not found: create it with `kvwire workload-identity … --identity {name}`"
                ))
            })?;
            let oid = doc
                .pointer("/properties/principalId")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            Ok((oid, "ServicePrincipal", format!("identity {rg}/{name}")))
        }
        GrantTarget::Principal(oid) => Ok((oid.clone(), args.principal_type.as_arm(), format!("principal {oid}"))),
    }
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
    principal_id: String,
    principal_type: &'static str,
    who: String,
    role_guid: String,
    wait: Duration,
}

impl RoleAssignment {
    /// Same scope, principal and role → same name, so a replayed PUT never makes a twin.
    fn name(&self) -> String {
        let key = format!(
            "{}|{}|{}",
            self.scope.to_ascii_lowercase(),
            self.principal_id.to_ascii_lowercase(),
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
    async fn held(&self) -> Result<Vec<Value>> {
        let filter = format!("principalId eq '{}'", self.principal_id);
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
        let held = self.held().await?;
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
            let why = if name == self.name() {
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
                FieldChange::set("name", None, json!(self.name())),
                FieldChange::set("properties.roleDefinitionId", None, json!(self.role_definition_id())),
                FieldChange::set("properties.principalId", None, json!(self.principal_id)),
                FieldChange::set("properties.principalType", None, json!(self.principal_type)),
                FieldChange::set("properties.scope", None, json!(self.scope)),
            ],
            warnings,
            held: None,
        })
    }

    async fn apply(&mut self, on: OnStatus<'_>) -> Result<()> {
        let path = format!(
            "{}/providers/Microsoft.Authorization/roleAssignments/{}",
            self.scope,
            self.name()
        );
        let body = json!({"properties": {
            "roleDefinitionId": self.role_definition_id(),
            "principalId": self.principal_id,
            "principalType": self.principal_type,
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
                        "role assignment {} at {} already exists for another principal or role (an orphan left by a deleted identity?); kvwire never overwrites it. Inspect and remove it with `az role assignment delete --ids {path}`, then run again",
                        self.name(),
                        self.scope
                    )));
                }
                Err(Error::Arm(e)) if e.is(&ErrorCode::PrincipalNotFound) && started.elapsed() + delay <= self.wait => {
                    let msg = format!(
                        "waiting for principal {} to reach Azure RBAC ({}s of {}s)",
                        self.principal_id,
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
}

// ---- access-policy vaults -------------------------------------------------------------------

struct AccessPolicy {
    az: Arc<Azure>,
    vault: Vault,
    object_id: String,
    who: String,
    /// Secret permissions wanted, e.g. ["get"].
    permissions: Vec<String>,
}

#[async_trait::async_trait]
impl Step for AccessPolicy {
    async fn plan(&mut self) -> Result<Planned> {
        let address = format!("access policy for {} on vault {}", self.who, self.vault.name);
        let kind = "Microsoft.KeyVault/vaults/accessPolicies";
        let doc = self.az.arm.get(&self.vault.id, api::KEY_VAULT).await?;
        let policies = doc
            .pointer("/properties/accessPolicies")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let mine = policies.iter().find(|p| {
            p["objectId"]
                .as_str()
                .is_some_and(|o| o.eq_ignore_ascii_case(&self.object_id))
                && p["tenantId"]
                    .as_str()
                    .is_some_and(|t| t.eq_ignore_ascii_case(&self.vault.tenant_id))
                && p["applicationId"].as_str().unwrap_or("").is_empty()
        });
        let have: Vec<String> = mine
            .and_then(|p| p.pointer("/permissions/secrets"))
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_ascii_lowercase)
                    .collect()
            })
            .unwrap_or_default();
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
            action: if mine.is_some() { Action::Update } else { Action::Create },
            reason: Some("the vault uses access policies (enableRbacAuthorization: false)".into()),
            changes: vec![FieldChange::set(
                "permissions.secrets",
                mine.map(|_| json!(have)),
                json!(after),
            )],
            warnings,
            held: None,
        })
    }

    async fn apply(&mut self, on: OnStatus<'_>) -> Result<()> {
        // `add` merges into the existing policy; the rest of the vault is never rewritten.
        let body = json!({"properties": {"accessPolicies": [{
            "tenantId": self.vault.tenant_id,
            "objectId": self.object_id,
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
