//! The manifest files a runbook writes, rendered from what Azure holds.

use crate::azure::principal::Principal;
use crate::util::input::{self, Source, read_bounded};
use crate::{
    azure::{context::Azure, vault::Vault},
    error::{Error, Result},
    k8s::{
        self,
        manifests::{Config, Resolved, build, files},
    },
    plan::{Action, FieldChange, Phase, Planned, Step},
    util::{Progress, fs as write},
};
use serde_json::json;
use std::{path::PathBuf, sync::Arc};

/// SecretProviderClass, ServiceAccount and Deployment files in `out_dir`.
pub(crate) struct ManifestFiles {
    pub(crate) az: Arc<Azure>,
    pub(crate) vault: Vault,
    pub(crate) cfg: Config,
    pub(crate) out_dir: PathBuf,
    /// Whose client ID the files carry.
    pub(crate) client: Principal,
    /// Said with the plan: `[manifests]` settings this run does not act on.
    pub(crate) warnings: Vec<String>,
}

impl ManifestFiles {
    /// The files, or `None` while the identity does not exist yet.
    async fn render(&self) -> Result<Option<Vec<(String, String)>>> {
        let client_id = self.client.client_id(&self.az).await?;
        let Some(client_id) = client_id else { return Ok(None) };
        let resolved = Resolved {
            vault_uri: self.vault.uri.to_string(),
            keyvault_name: self.vault.name.clone(),
            tenant_id: self.vault.tenant_id.clone(),
            client_id: Some(client_id),
            cloud: self.az.cloud.clone(),
        };
        Ok(Some(files(&build(&self.cfg, &resolved)?)))
    }

    /// What the files need, as a plan step.
    async fn files_plan(&self) -> Result<Planned> {
        let kind = "Kubernetes manifests (local files)";
        let planned = Planned::new(self.address(), self.phase(), kind, Action::Create);
        // A link where a manifest goes is refused here, while observing: before any write.
        for name in k8s::manifests::FILE_NAMES {
            write::check_target(&self.out_dir.join(name))
                .map_err(|e| e.into_error("[manifests] out_dir", Error::usage))?;
        }
        let Some(files) = self.render().await? else {
            return Ok(planned
                .reason("the identity is created earlier in this run")
                .changes(vec![FieldChange::unknown("files")]));
        };
        let stale: Vec<&String> = files
            .iter()
            .filter(|(name, text)| {
                read_bounded(Source::File(&self.out_dir.join(name)), input::YAML, "")
                    .ok()
                    .as_deref()
                    != Some(text.as_str())
            })
            .map(|(name, _)| name)
            .collect();
        if stale.is_empty() {
            return Ok(Planned {
                action: Action::NoOp,
                ..planned.reason("files are up to date")
            });
        }
        let exists = files.iter().any(|(n, _)| self.out_dir.join(n).exists());
        Ok(Planned {
            action: if exists { Action::Update } else { Action::Create },
            // One field, `files`, known or not: a saved plan made before the identity existed
            // ("(known after apply)") matches the names once they are known.
            ..planned.changes(vec![FieldChange::set("files", None, json!(stale))])
        })
    }
}

#[async_trait::async_trait]
impl Step for ManifestFiles {
    fn address(&self) -> String {
        format!("manifests {}", self.out_dir.display())
    }

    fn phase(&self) -> Phase {
        Phase::MANIFESTS
    }

    async fn plan(&self) -> Result<Planned> {
        Ok(self.files_plan().await?.warnings(self.warnings.clone()))
    }

    async fn apply(&self, _planned: &Planned, on: Progress<'_>) -> Result<()> {
        let files = self
            .render()
            .await?
            .ok_or_else(|| Error::runtime("the pods' identity does not exist yet"))?;
        std::fs::create_dir_all(&self.out_dir)
            .map_err(|e| Error::runtime(format!("creating {}: {e}", self.out_dir.display())))?;
        for (name, text) in files {
            on(&format!("writing {name}"));
            let path = self.out_dir.join(&name);
            write::write_atomic(&path, text.as_bytes(), write::Access::Umask)
                .map_err(|e| e.into_error("[manifests] out_dir", Error::runtime))?;
        }
        Ok(())
    }
}
