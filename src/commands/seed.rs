//! `kvwire secrets seed`: write named values into Key Vault, idempotently. Values come from the
//! environment, a .env file, stdin or a hidden prompt; they are never arguments, never printed,
//! and plans show only whether a value changes.

use crate::{
    azure::arm::OnStatus,
    cli::{GlobalArgs, SecretMapping, SeedArgs},
    azure::context::{Azure, run_options},
    error::{Error, Result},
    azure::keyvault::KvFailure,
    ui::output::Ui,
    plan::{self, Action, After, FieldChange, Planned, Step},
    azure::vault,
};
use azure_core::http::RequestContent;
use azure_security_keyvault_secrets::{
    SecretClient,
    models::{SecretAttributes, SetSecretParameters},
};
use std::{
    collections::{BTreeMap, HashMap},
    io::{IsTerminal, Read},
    sync::Arc,
    time::Duration,
};

/// The four database values, in env-style names, seeded when no --map is given.
pub const DEFAULT_KEYS: [&str; 4] = ["DB_HOST", "DB_NAME", "DB_USERNAME", "DB_PASSWORD"];

/// A secret value. Its Debug never shows it, so it cannot leak through `{:?}` or a panic message.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretValue(String);

impl std::fmt::Debug for SecretValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretValue(sensitive)")
    }
}

pub async fn run(args: &SeedArgs, g: &GlobalArgs, ui: &Ui) -> Result<u8> {
    // All input is read and checked before the first request.
    let (mappings, values) = if args.all {
        let source = read_source(args, ui)?.ok_or_else(|| Error::usage("--all needs --from-file or --stdin"))?;
        let maps: Vec<SecretMapping> = source
            .keys()
            .map(|k| SecretMapping::parse(k).map_err(|e| Error::usage(format!("--all: {e}"))))
            .collect::<Result<_>>()?;
        check_unique(&maps)?;
        let values = values_for(&maps, source, "the input")?;
        (maps, values)
    } else {
        let maps = mappings(args)?;
        let values = read_values(args, &maps, ui)?;
        (maps, values)
    };
    let az = Azure::from_globals(g)?;
    let vault = vault::find(&az, &args.vault, args.resource_group.as_deref()).await?;
    let policy = SeedPolicy {
        overwrite: args.overwrite,
        recover: args.recover,
        content_type: args.content_type.clone(),
        expires: args.expires,
    };
    let steps = steps(&az, &vault, mappings, values, &policy)?;
    let mut opts = run_options(g, "secrets seed", ui, args.concurrency as usize)?;
    opts.observe_parallel = args.concurrency as usize;
    plan::run(steps, &opts, ui).await
}

/// How existing and deleted secrets are treated, and what new versions carry.
#[derive(Debug, Clone, Default)]
pub struct SeedPolicy {
    pub overwrite: bool,
    pub recover: bool,
    pub content_type: Option<String>,
    pub expires: Option<time::OffsetDateTime>,
}

/// One step per mapping; `values` holds a value for every mapping's key.
pub fn steps(
    az: &Azure,
    vault: &crate::azure::vault::Vault,
    mappings: Vec<SecretMapping>,
    values: HashMap<String, SecretValue>,
    policy: &SeedPolicy,
) -> Result<Vec<Box<dyn Step>>> {
    let client = Arc::new(az.secret_client(&vault.uri)?);
    let mut tags = HashMap::new();
    tags.insert("managed-by".to_string(), "kvwire".to_string());
    Ok(mappings
        .into_iter()
        .map(|m| {
            let value = values[&m.key].clone();
            Box::new(SeedSecret {
                client: client.clone(),
                address: if SecretMapping::env_style(&m.key) == m.secret {
                    format!("secret {}/{} (from {})", vault.name, m.secret, m.key)
                } else {
                    format!("secret {}/{} (from {}, mapped)", vault.name, m.secret, m.key)
                },
                vault_name: vault.name.clone(),
                name: m.secret,
                value,
                overwrite: policy.overwrite,
                recover: policy.recover,
                content_type: policy.content_type.clone(),
                expires: policy.expires,
                tags: tags.clone(),
                soft_deleted: false,
            }) as Box<dyn Step>
        })
        .collect())
}

fn mappings(args: &SeedArgs) -> Result<Vec<SecretMapping>> {
    let list: Vec<SecretMapping> = if args.map.is_empty() {
        DEFAULT_KEYS
            .iter()
            .map(|k| SecretMapping {
                key: k.to_string(),
                secret: SecretMapping::env_style(k),
            })
            .collect()
    } else {
        args.map.clone()
    };
    check_unique(&list)?;
    Ok(list)
}

fn check_unique(list: &[SecretMapping]) -> Result<()> {
    let mut seen: BTreeMap<String, &str> = BTreeMap::new();
    for m in list {
        if let Some(other) = seen.insert(m.secret.to_ascii_lowercase(), &m.key) {
            return Err(Error::usage(format!(
                "--map: {other} and {} both map to secret {} (secret names are case-insensitive)",
                m.key, m.secret
            )));
        }
    }
    Ok(())
}

fn read_values(args: &SeedArgs, mappings: &[SecretMapping], ui: &Ui) -> Result<HashMap<String, SecretValue>> {
    let source = if args.from_env {
        mappings
            .iter()
            .filter_map(|m| std::env::var(&m.key).ok().map(|v| (m.key.clone(), v)))
            .collect()
    } else {
        match read_source(args, ui)? {
            Some(source) => source,
            None => return prompt(mappings),
        }
    };
    values_for(
        mappings,
        source,
        if args.from_env { "the environment" } else { "the input" },
    )
}

/// KEY=value pairs from --from-file or --stdin; `None` means "ask at the terminal".
fn read_source(args: &SeedArgs, ui: &Ui) -> Result<Option<BTreeMap<String, String>>> {
    Ok(Some(if let Some(path) = &args.from_file {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Error::usage(format!("--from-file {}: cannot read: {e}", path.display())))?;
        crate::model::dotenv::parse(&text, &path.display().to_string())?
    } else if args.stdin {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| Error::usage(format!("--stdin: cannot read: {e}")))?;
        crate::model::dotenv::parse(&text, "stdin")?
    } else if ui.stdin_tty && std::io::stderr().is_terminal() && !args.all {
        return Ok(None);
    } else {
        return Err(Error::usage(
            "no value source: pass --from-env, --from-file FILE or --stdin (a hidden prompt needs a terminal); values are never taken from arguments",
        ));
    }))
}

pub(crate) fn values_for(
    mappings: &[SecretMapping],
    source: BTreeMap<String, String>,
    origin: &str,
) -> Result<HashMap<String, SecretValue>> {
    let keys: Vec<&str> = mappings.iter().map(|m| m.key.as_str()).collect();
    let missing: Vec<&str> = keys.iter().copied().filter(|k| !source.contains_key(*k)).collect();
    if !missing.is_empty() {
        return Err(Error::usage(format!("{} not set in {origin}", missing.join(", "))));
    }
    let empty: Vec<&str> = keys.iter().copied().filter(|k| source[*k].is_empty()).collect();
    if !empty.is_empty() {
        return Err(Error::usage(format!(
            "{} empty in {origin}: Key Vault secrets need a value",
            empty.join(", ")
        )));
    }
    Ok(keys
        .iter()
        .map(|k| (k.to_string(), SecretValue(source[*k].clone())))
        .collect())
}

fn prompt(mappings: &[SecretMapping]) -> Result<HashMap<String, SecretValue>> {
    let mut out = HashMap::new();
    for m in mappings {
        let v = dialoguer::Password::new()
            .with_prompt(format!("{} (secret {})", m.key, m.secret))
            .interact()
            .map_err(|e| Error::usage(format!("prompt for {}: {e}", m.key)))?;
        out.insert(m.key.clone(), SecretValue(v));
    }
    Ok(out)
}

struct SeedSecret {
    client: Arc<SecretClient>,
    address: String,
    vault_name: String,
    name: String,
    value: SecretValue,
    overwrite: bool,
    recover: bool,
    content_type: Option<String>,
    expires: Option<time::OffsetDateTime>,
    tags: HashMap<String, String>,
    /// Observed: the name is soft-deleted and will be recovered first.
    soft_deleted: bool,
}

const KIND: &str = "Microsoft.KeyVault/vaults/secrets";

impl SeedSecret {
    fn soft_deleted_error(&self) -> Error {
        Error::runtime(format!(
            "secret {} in vault {} is deleted but recoverable (soft delete): pass --recover to recover it and set the new value, \
             or purge it first (`az keyvault secret purge --vault-name {} --name {}`; kvwire never purges)",
            self.name, self.vault_name, self.vault_name, self.name
        ))
    }

    fn access_error(&self, f: &KvFailure, what: &str) -> Error {
        Error::runtime(format!(
            "cannot {what} secret {} in vault {}: {} ({}); kvwire's identity needs Key Vault Secrets Officer on the vault (or get, list, set and recover access policy permissions)",
            self.name,
            self.vault_name,
            f.inner_code.as_deref().or(f.code.as_deref()).unwrap_or("error"),
            f.status.map(|s| s.to_string()).unwrap_or_default()
        ))
    }

    fn sdk_error(&self, f: KvFailure, what: &str) -> Error {
        if f.status == Some(403) {
            return self.access_error(&f, what);
        }
        Error::runtime(format!(
            "{what} secret {} in vault {}: {}",
            self.name, self.vault_name, f.message
        ))
    }

    async fn current_value(&self) -> Result<Option<String>> {
        match self.client.get_secret(&self.name, None).await {
            Ok(resp) => {
                let s = resp
                    .into_model()
                    .map_err(|e| Error::runtime(format!("reading secret {}: {e}", self.name)))?;
                Ok(Some(s.value.unwrap_or_default()))
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

    async fn is_soft_deleted(&self) -> Result<bool> {
        match self.client.get_deleted_secret(&self.name, None).await {
            Ok(_) => Ok(true),
            Err(e) => {
                let f = KvFailure::from_sdk(&e);
                match f.status {
                    // Not deleted, or not allowed to look (secrets/list): the write will tell.
                    Some(404) | Some(403) => Ok(false),
                    _ => Err(self.sdk_error(f, "look up deleted")),
                }
            }
        }
    }

    async fn set(&self) -> Result<()> {
        let params = SetSecretParameters {
            value: Some(self.value.0.clone()),
            content_type: self.content_type.clone(),
            tags: Some(self.tags.clone()),
            secret_attributes: self.expires.map(|exp| SecretAttributes {
                expires: Some(exp),
                ..Default::default()
            }),
        };
        let body: RequestContent<SetSecretParameters> = params
            .try_into()
            .map_err(|e: azure_core::Error| Error::runtime(format!("encoding secret {}: {e}", self.name)))?;
        match self.client.set_secret(&self.name, body, None).await {
            Ok(_) => Ok(()),
            Err(e) => {
                let f = KvFailure::from_sdk(&e);
                if f.is("ObjectIsDeletedButRecoverable") {
                    return Err(self.soft_deleted_error());
                }
                Err(self.sdk_error(f, "write"))
            }
        }
    }
}

#[async_trait::async_trait]
impl Step for SeedSecret {
    async fn plan(&mut self) -> Result<Planned> {
        let value_change = |before: bool| FieldChange {
            path: "value".into(),
            before: before.then_some(serde_json::Value::Null),
            after: After::Sensitive,
        };
        match self.current_value().await? {
            Some(v) if v == self.value.0 => Ok(Planned::no_op(&self.address, KIND, "value matches")),
            Some(_) => Ok(Planned {
                address: self.address.clone(),
                resource_type: KIND.into(),
                action: Action::Update,
                reason: Some("the vault holds a different value".into()),
                changes: vec![value_change(true)],
                warnings: vec![],
                held: (!self.overwrite).then(|| {
                    "the vault holds a different value; pass --overwrite to replace it (a new version)".into()
                }),
            }),
            None if self.is_soft_deleted().await? => {
                if !self.recover {
                    return Err(self.soft_deleted_error());
                }
                self.soft_deleted = true;
                Ok(Planned {
                    address: self.address.clone(),
                    resource_type: KIND.into(),
                    action: Action::Create,
                    reason: Some("soft-deleted: recover it, then set the value".into()),
                    changes: vec![
                        FieldChange::set("recover", None, serde_json::json!(true)),
                        value_change(false),
                    ],
                    warnings: vec![],
                    held: None,
                })
            }
            None => Ok(Planned {
                address: self.address.clone(),
                resource_type: KIND.into(),
                action: Action::Create,
                reason: None,
                changes: vec![
                    value_change(false),
                    FieldChange::set("tags.managed-by", None, serde_json::json!("kvwire")),
                ],
                warnings: vec![],
                held: None,
            }),
        }
    }

    async fn apply(&mut self, on: OnStatus<'_>) -> Result<()> {
        if self.soft_deleted {
            on("recovering");
            if let Err(e) = self.client.recover_deleted_secret(&self.name, None).await {
                return Err(self.sdk_error(KvFailure::from_sdk(&e), "recover"));
            }
            // Recovery finishes in the background; the name is usable once a read succeeds.
            let mut waited = Duration::ZERO;
            while self.current_value().await?.is_none() {
                if waited > Duration::from_secs(60) {
                    return Err(Error::runtime(format!(
                        "secret {} was not usable 60 s after recovery",
                        self.name
                    )));
                }
                tokio::time::sleep(Duration::from_secs(1)).await;
                waited += Duration::from_secs(1);
            }
        }
        on("writing");
        self.set().await
    }
}
