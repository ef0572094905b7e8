//! The Azure CLI's subscriptions, read from its profile file without starting `az`: the file is
//! `azureProfile.json` in `$AZURE_CONFIG_DIR`, else `~/.azure` (azure-cli-core `_environment.py`:
//! an empty `AZURE_CONFIG_DIR` falls back too), written as UTF-8 with a byte-order mark
//! (azure-cli `_session.py` uses `utf-8-sig`; Azure/azure-cli#13980). Its `subscriptions` entries
//! carry `id`, `name`, `isDefault`, `tenantId` and `environmentName` (azure-cli `_profile.py`); the
//! default is the one marked `isDefault` for the cloud in use.

use crate::util::input::{self, Source, read_bounded};
use serde::Deserialize;
use std::path::PathBuf;

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CliSubscription {
    pub(crate) id: String,
    #[serde(default)]
    pub(crate) name: String,
    #[serde(default)]
    pub(crate) is_default: bool,
    #[serde(default)]
    pub(crate) tenant_id: Option<String>,
    #[serde(default)]
    pub(crate) environment_name: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Profile {
    #[serde(default)]
    subscriptions: Vec<CliSubscription>,
}

/// Where the CLI keeps its profile.
pub(crate) fn path() -> Option<PathBuf> {
    let dir = std::env::var_os("AZURE_CONFIG_DIR")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".azure")))?;
    Some(dir.join("azureProfile.json"))
}

/// The CLI's subscriptions in `cloud` (by its name, e.g. `AzureCloud`); none when there is no
/// profile or it cannot be read (the CLI itself then starts afresh).
pub(crate) fn subscriptions(cloud: &str) -> Vec<CliSubscription> {
    let Some(text) = path().and_then(|p| read_bounded(Source::File(&p), input::AZURE_PROFILE, "").ok()) else {
        return vec![];
    };
    parse(&text)
        .into_iter()
        .filter(|s| {
            s.environment_name
                .as_deref()
                .is_none_or(|e| e.eq_ignore_ascii_case(cloud))
        })
        .collect()
}

fn parse(text: &str) -> Vec<CliSubscription> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    serde_json::from_str::<Profile>(text)
        .map(|p| p.subscriptions)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_profile_with_a_byte_order_mark() {
        let text = "\u{feff}{\"installationId\": \"x\", \"subscriptions\": [\
            {\"id\": \"11111111-1111-1111-1111-111111111111\", \"name\": \"Dev\", \"isDefault\": false, \"tenantId\": \"t\", \"environmentName\": \"AzureCloud\", \"state\": \"Enabled\", \"user\": {\"name\": \"a\", \"type\": \"user\"}},\
            {\"id\": \"22222222-2222-2222-2222-222222222222\", \"name\": \"Prod\", \"isDefault\": true, \"tenantId\": \"t\", \"environmentName\": \"AzureCloud\"}]}";
        let subs = parse(text);
        assert_eq!(subs.len(), 2);
        assert_eq!(
            subs.iter().find(|s| s.is_default).map(|s| s.name.as_str()),
            Some("Prod")
        );
        assert!(parse("not json").is_empty());
    }
}
