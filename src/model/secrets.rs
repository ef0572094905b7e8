//! Secrets to seed: which environment-style KEY goes to which Key Vault secret name, the values
//! (never printed), and where they come from.

use super::names;
use crate::error::{Error, Result};
use std::collections::{BTreeMap, HashMap};

/// The four database values seeded when nothing else is said.
pub(crate) const DEFAULT_KEYS: [&str; 4] = ["DB_HOST", "DB_NAME", "DB_USERNAME", "DB_PASSWORD"];

/// `KEY=secret-name`, or `KEY` for the env-style mapping (DB_PASSWORD → db-password).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SecretMapping {
    pub(crate) key: String,
    pub(crate) secret: String,
}

impl SecretMapping {
    pub(crate) fn parse(s: &str) -> Result<SecretMapping, String> {
        let (key, secret) = match s.split_once('=') {
            Some((k, n)) => (k.to_string(), n.to_string()),
            None => (s.to_string(), env_style(s)),
        };
        if !super::dotenv::valid_key(&key) {
            return Err(format!(
                "{key_q} is not a variable name (letters, digits and '_', not starting with a digit)",
                key_q = crate::util::text::quoted(&key)
            ));
        }
        names::secret_name(&secret).map(|secret| SecretMapping { key, secret })
    }

    /// The env-style mapping of `key`.
    pub(crate) fn env_style(key: &str) -> SecretMapping {
        SecretMapping {
            key: key.to_string(),
            secret: env_style(key),
        }
    }

    /// Whether the secret name is the env-style name of the key.
    pub(crate) fn is_env_style(&self) -> bool {
        env_style(&self.key) == self.secret
    }
}

/// DB_PASSWORD → db-password.
pub(crate) fn env_style(key: &str) -> String {
    key.to_ascii_lowercase().replace('_', "-")
}

/// db-password → DB_PASSWORD: the key a secret takes in a Kubernetes Secret or an env var.
pub(crate) fn env_key(secret: &str) -> String {
    secret.to_ascii_uppercase().replace('-', "_")
}

/// The four DB values, env-style.
pub(crate) fn default_mappings() -> Vec<SecretMapping> {
    DEFAULT_KEYS.iter().map(|k| SecretMapping::env_style(k)).collect()
}

/// Two keys may not write one secret (Key Vault names are case-insensitive).
pub(crate) fn check_unique(list: &[SecretMapping]) -> Result<()> {
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

/// A secret value. Its Debug never shows it, so it cannot leak through `{:?}` or a panic message.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct SecretValue(String);

impl SecretValue {
    pub(crate) fn new(value: String) -> SecretValue {
        SecretValue(value)
    }

    /// The value, for the one place that sends it to Key Vault or compares it.
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for SecretValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretValue(sensitive)")
    }
}

/// The values of `mappings`' keys in the process environment (the one place kvwire reads them).
pub(crate) fn from_env(mappings: &[SecretMapping]) -> BTreeMap<String, String> {
    mappings
        .iter()
        .filter_map(|m| std::env::var(&m.key).ok().map(|v| (m.key.clone(), v)))
        .collect()
}

/// One value per mapping from `source` (KEY → value); missing or empty keys are usage errors
/// that name the keys, never the values.
pub(crate) fn values_for(
    mappings: &[SecretMapping],
    source: BTreeMap<String, String>,
    origin: &str,
) -> Result<HashMap<String, SecretValue>> {
    values_of(mappings, source, origin, false)
}

/// Like [`values_for`]; with `allow_missing` (a read-only `plan`) keys not set are left out
/// instead of refused.
pub(crate) fn values_of(
    mappings: &[SecretMapping],
    source: BTreeMap<String, String>,
    origin: &str,
    allow_missing: bool,
) -> Result<HashMap<String, SecretValue>> {
    let keys: Vec<&str> = mappings
        .iter()
        .map(|m| m.key.as_str())
        .filter(|k| !allow_missing || source.contains_key(*k))
        .collect();
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
