//! Azure clouds: the three public ones built in, any other (Azure Stack, tests) from a TOML file,
//! in the spirit of `az cloud register`.

use crate::error::{Error, Result};
use crate::util::input::{self, Source, read_bounded};
use serde::Deserialize;
use std::path::Path;
use url::Url;

/// The endpoints kvwire needs to talk to one Azure cloud.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cloud {
    pub(crate) name: String,
    /// Azure Resource Manager, e.g. `https://management.azure.com/`.
    pub resource_manager: Url,
    /// Microsoft Entra authority, e.g. `https://login.microsoftonline.com/`.
    pub(crate) authority_host: Url,
    /// Token audience for ARM; the scope requested is `{audience}/.default`.
    pub(crate) arm_audience: String,
    /// DNS suffix of Key Vault data-plane hosts, e.g. `vault.azure.net`.
    pub(crate) keyvault_dns_suffix: String,
    /// Microsoft Graph root, e.g. `https://graph.microsoft.com/`; only used to find what a service
    /// principal was granted. `None` (allowed in cloud files) skips that lookup.
    pub(crate) microsoft_graph: Option<Url>,
}

impl Cloud {
    /// A national cloud (US Government, China), where some public-cloud features are missing —
    /// az, for one, grants the monitoring add-on nothing there. A cloud file is taken to model the
    /// public cloud unless it carries one of those names.
    pub(crate) fn is_national(&self) -> bool {
        ["AzureUSGovernment", "AzureChinaCloud"]
            .iter()
            .any(|n| self.name.eq_ignore_ascii_case(n))
    }
}

/// The custom cloud file. Unknown keys are errors so a typo never silently falls back.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CloudFile {
    name: Option<String>,
    resource_manager: String,
    authority_host: String,
    arm_audience: Option<String>,
    keyvault_dns_suffix: String,
    microsoft_graph: Option<String>,
}

const BUILT_IN: &[(&str, &str, &str, &str, &str, &str)] = &[
    // name, ARM, authority, ARM audience, Key Vault suffix, Microsoft Graph
    (
        "AzureCloud",
        "https://management.azure.com/",
        "https://login.microsoftonline.com/",
        "https://management.azure.com",
        "vault.azure.net",
        "https://graph.microsoft.com/",
    ),
    (
        "AzureUSGovernment",
        "https://management.usgovcloudapi.net/",
        "https://login.microsoftonline.us/",
        "https://management.usgovcloudapi.net",
        "vault.usgovcloudapi.net",
        "https://graph.microsoft.us/",
    ),
    (
        "AzureChinaCloud",
        "https://management.chinacloudapi.cn/",
        "https://login.chinacloudapi.cn/",
        "https://management.chinacloudapi.cn",
        "vault.azure.cn",
        "https://microsoftgraph.chinacloudapi.cn/",
    ),
];

pub(crate) fn built_in_names() -> impl Iterator<Item = &'static str> {
    BUILT_IN.iter().map(|c| c.0)
}

impl Cloud {
    /// `--cloud NAME|FILE`: a built-in name (case-insensitive) or a path to a TOML file.
    pub(crate) fn resolve(name_or_file: &str) -> Result<Cloud> {
        if let Some(c) = BUILT_IN.iter().find(|c| c.0.eq_ignore_ascii_case(name_or_file)) {
            return Ok(Cloud {
                name: c.0.into(),
                resource_manager: Url::parse(c.1).expect("built-in URL"),
                authority_host: Url::parse(c.2).expect("built-in URL"),
                arm_audience: c.3.into(),
                keyvault_dns_suffix: c.4.into(),
                microsoft_graph: Some(Url::parse(c.5).expect("built-in URL")),
            });
        }
        let path = Path::new(name_or_file);
        if !path.exists() {
            return Err(Error::usage(format!(
                "--cloud: '{name_or_file}' is neither a built-in cloud ({}) nor an existing file",
                built_in_names().collect::<Vec<_>>().join(", ")
            )));
        }
        let text = read_bounded(
            Source::File(path),
            input::CLOUD_FILE,
            &format!("--cloud {}", path.display()),
        )?;
        Self::from_toml(&text, &path.display().to_string())
    }

    pub fn from_toml(text: &str, origin: &str) -> Result<Cloud> {
        let file: CloudFile = toml::from_str(text).map_err(|e| Error::usage(format!("cloud file {origin}: {e}")))?;
        let url = |field: &str, value: &str| -> Result<Url> {
            let mut u = Url::parse(value).map_err(|e| {
                Error::usage(format!(
                    "cloud file {origin}: `{field}` = {value_q} is not a URL ({e})",
                    value_q = crate::util::text::quoted(value)
                ))
            })?;
            crate::azure::http::check_scheme(&u)
                .map_err(|e| Error::usage(format!("cloud file {origin}: `{field}`: {e}")))?;
            if !u.path().ends_with('/') {
                let p = format!("{}/", u.path());
                u.set_path(&p);
            }
            Ok(u)
        };
        let resource_manager = url("resource_manager", &file.resource_manager)?;
        let authority_host = url("authority_host", &file.authority_host)?;
        let suffix = file.keyvault_dns_suffix.trim_start_matches('.').to_string();
        if suffix.is_empty() || suffix.contains('/') || suffix.contains(':') {
            return Err(Error::usage(format!(
                "cloud file {origin}: `keyvault_dns_suffix` must be a DNS suffix such as \"vault.azure.net\""
            )));
        }
        let microsoft_graph = file
            .microsoft_graph
            .as_deref()
            .map(|g| url("microsoft_graph", g))
            .transpose()?;
        let arm_audience = file
            .arm_audience
            .unwrap_or_else(|| resource_manager.as_str().trim_end_matches('/').to_string());
        Ok(Cloud {
            name: file.name.unwrap_or_else(|| "custom".into()),
            resource_manager,
            authority_host,
            arm_audience,
            keyvault_dns_suffix: suffix,
            microsoft_graph,
        })
    }

    /// The OAuth scope for ARM tokens.
    pub fn arm_scope(&self) -> String {
        format!("{}/.default", self.arm_audience.trim_end_matches('/'))
    }

    /// The OAuth scope of Key Vault tokens: what the vault's 401 challenge names
    /// (`resource="https://vault.azure.net"` in the public cloud, the DNS suffix in every cloud).
    pub(crate) fn keyvault_scope(&self) -> String {
        format!("https://{}/.default", self.keyvault_dns_suffix)
    }

    /// The SDK's view of this cloud (authority host only; audiences come from challenges).
    pub(crate) fn sdk_cloud(&self) -> azure_core::cloud::CloudConfiguration {
        let mut custom = azure_core::cloud::CustomConfiguration::default();
        custom.authority_host = self.authority_host.as_str().trim_end_matches('/').to_string();
        custom.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_ins_resolve_case_insensitively() {
        let c = Cloud::resolve("azureusgovernment").unwrap();
        assert_eq!(c.name, "AzureUSGovernment");
        assert_eq!(c.arm_scope(), "https://management.usgovcloudapi.net/.default");
    }

    #[test]
    fn custom_file_rejects_unknown_keys_and_plain_http() {
        let err = Cloud::from_toml(
            "resource_manager='https://a.example/'\nauthority_host='https://l.example'\nkeyvault_dns_suffix='v.example'\nbogus=1",
            "t.toml",
        )
        .unwrap_err();
        assert!(err.to_string().contains("bogus"), "{err}");
        let err = Cloud::from_toml(
            "resource_manager='http://management.example.com/'\nauthority_host='https://l.example'\nkeyvault_dns_suffix='v.example'",
            "t.toml",
        )
        .unwrap_err();
        assert!(err.to_string().contains("resource_manager"), "{err}");
        assert_eq!(err.exit_status().code(), 2);
    }
}
