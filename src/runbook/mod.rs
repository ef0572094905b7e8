//! The runbook: one TOML file describing a whole onboarding, for `kvwire plan|up|down|verify -f`.
//! Every name is validated while the file is read, so errors carry the file, line and column and
//! say what is allowed; unknown keys are errors. `build` turns a runbook into plans; `verify`
//! checks what it set up.

pub(crate) mod build;
pub(crate) mod verify;

use crate::util::input::{self, Source, read_bounded};
use crate::{
    error::{Error, Result},
    model::{
        Consumer,
        csi::{CsiDriver, InstalledBy},
        names, secrets,
        tags::Claim,
    },
};
use serde::Deserialize;
use std::{
    collections::BTreeMap,
    path::{Path, PathBuf},
};

/// A string checked by one of `model::names`' rules while the file is parsed.
macro_rules! checked {
    ($name:ident, $rule:path) => {
        #[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
        #[serde(try_from = "String")]
        pub struct $name(pub(crate) String);
        impl TryFrom<String> for $name {
            type Error = String;
            fn try_from(s: String) -> std::result::Result<Self, String> {
                $rule(&s).map($name)
            }
        }
        impl std::ops::Deref for $name {
            type Target = str;
            fn deref(&self) -> &str {
                &self.0
            }
        }
    };
}

checked!(ResourceGroup, names::resource_group);
checked!(ClusterName, names::cluster_name);
checked!(VaultName, names::vault_name);
checked!(IdentityName, names::identity_name);
checked!(Namespace, names::k8s_namespace);
checked!(ServiceAccountName, names::k8s_service_account);
checked!(SecretName, names::secret_name);
checked!(ContainerImage, names::container_image);
checked!(RotationInterval, names::rotation_poll_interval);
checked!(RegistryRef, names::registry_ref);
checked!(RunbookName, names::runbook_name);
checked!(BindingName, names::identity_binding_name);

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Runbook {
    /// What kvwire records on shared resources this runbook uses (default: the file's name).
    pub(crate) name: Option<RunbookName>,
    pub cluster: ClusterSection,
    pub(crate) vault: VaultSection,
    pub(crate) identity: IdentitySection,
    /// Who may use the workload identity (workload-identity mode).
    #[serde(default)]
    pub(crate) service_accounts: Vec<ServiceAccountSection>,
    pub(crate) secrets: Option<SecretsSection>,
    /// The AKS pod identity add-on's entries this runbook's identity replaces: removed in a run
    /// after the one that sets up the new path, never in it.
    pub(crate) pod_identity_addon: Option<PodIdentityAddonSection>,
    /// Secrets that exist already (a migrated app's): `up` never writes them, `verify` checks
    /// that they exist and that the identity can read them.
    pub(crate) existing_secrets: Option<ExistingSecretsSection>,
    pub(crate) manifests: Option<ManifestsSection>,
    /// The Secrets Store CSI driver.
    pub(crate) csi_driver: Option<CsiDriverSection>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClusterSection {
    pub(crate) resource_group: ResourceGroup,
    pub name: ClusterName,
    /// Switch a service-principal cluster to a system-assigned managed identity.
    #[serde(default = "yes")]
    pub(crate) managed_identity: bool,
    /// Upgrade node images when needed (always after a switch to managed identity).
    #[serde(default = "yes")]
    pub(crate) upgrade_node_images: bool,
    /// Grant the kubelet identity AcrPull on each registry where the old service principal holds
    /// it (found through Microsoft Graph and the subscription's role assignments).
    #[serde(default = "yes")]
    pub(crate) regrant_acr: bool,
    /// Registries (names or resource IDs) the kubelet identity gets AcrPull on in any case;
    /// `verify` checks each.
    #[serde(default)]
    pub(crate) acr: Vec<RegistryRef>,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct VaultSection {
    pub(crate) name: VaultName,
    /// Default: found anywhere in the subscription.
    pub(crate) resource_group: Option<ResourceGroup>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum IdentityMode {
    WorkloadIdentity,
    /// A user-assigned identity bound to the cluster with an AKS identity binding: no federated
    /// credential per service account, so past Entra's 20 (AKS docs, "Identity bindings").
    IdentityBinding,
    Kubelet,
    /// The CSI driver add-on's own identity (created by AKS with the add-on).
    AddonIdentity,
}

impl IdentityMode {
    /// The runbook names a user-assigned identity, and service accounts that use it.
    pub(crate) fn user_assigned(self) -> bool {
        matches!(self, IdentityMode::WorkloadIdentity | IdentityMode::IdentityBinding)
    }

    /// The word the runbook spells it with.
    pub(crate) fn word(self) -> &'static str {
        match self {
            IdentityMode::WorkloadIdentity => "workload-identity",
            IdentityMode::IdentityBinding => "identity-binding",
            IdentityMode::Kubelet => "kubelet",
            IdentityMode::AddonIdentity => "addon-identity",
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct IdentitySection {
    pub(crate) mode: IdentityMode,
    /// workload-identity: the user-assigned identity to create or adopt.
    pub(crate) name: Option<IdentityName>,
    /// Default: the cluster's resource group.
    pub(crate) resource_group: Option<ResourceGroup>,
    /// identity-binding: the binding's name. Default: the identity's name, lower-case letters and
    /// digits only.
    pub(crate) binding: Option<BindingName>,
    /// The identity exists and is reused as it is, with its access to the vault (a migration keeps
    /// the pods' identity): this runbook records itself on both as adopter without asking. `down`
    /// keeps them.
    #[serde(default)]
    pub(crate) adopt: bool,
    /// Rewrite federated credentials of kvwire's names that trust another issuer or subject
    /// (held otherwise, as a changed secret value is).
    #[serde(default)]
    pub(crate) overwrite_credentials: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ServiceAccountSection {
    pub(crate) namespace: Namespace,
    pub(crate) name: ServiceAccountName,
    /// What runs as it and what changes for it in Kubernetes, in words (`migrate` writes them):
    /// shown in the plan beside its Azure change.
    #[serde(default)]
    pub(crate) workloads: Vec<WorkloadNote>,
}

impl ServiceAccountSection {
    /// The service account as the identity's federated credential names it (kvwire's name).
    pub(crate) fn binding(&self) -> crate::steps::identity::Binding {
        crate::steps::identity::Binding {
            namespace: self.namespace.0.clone(),
            service_account: self.name.0.clone(),
            credential: None,
        }
    }
}

/// A line of text for the plan: printable, at most 300 characters.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct WorkloadNote(pub(crate) String);

impl TryFrom<String> for WorkloadNote {
    type Error = String;
    fn try_from(s: String) -> std::result::Result<Self, String> {
        if s.chars().count() > 300 || s.chars().any(char::is_control) {
            return Err(format!(
                "{} is not a workload note: one line of at most 300 characters",
                crate::util::text::quoted(&s)
            ));
        }
        Ok(WorkloadNote(s))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum SecretSource {
    /// Environment variables named by the keys of `map`.
    Env,
    /// A .env file (`file`, relative to the runbook).
    File,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SecretsSection {
    pub(crate) source: SecretSource,
    pub(crate) file: Option<PathBuf>,
    /// KEY = "secret-name". Default: DB_HOST, DB_NAME, DB_USERNAME, DB_PASSWORD → db-host, ….
    #[serde(default)]
    pub(crate) map: BTreeMap<String, SecretName>,
    #[serde(default)]
    pub(crate) overwrite: bool,
    #[serde(default)]
    pub(crate) recover: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PodIdentityAddonSection {
    /// `namespace/name` of each `podIdentityProfile.userAssignedIdentities` entry.
    pub(crate) remove: Vec<PodIdentityEntry>,
}

/// `namespace/name`, each a Kubernetes name.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct PodIdentityEntry {
    pub(crate) namespace: String,
    pub(crate) name: String,
}

impl TryFrom<String> for PodIdentityEntry {
    type Error = String;
    fn try_from(s: String) -> std::result::Result<Self, String> {
        let (ns, name) = s
            .split_once('/')
            .ok_or_else(|| format!("{} is not namespace/name", crate::util::text::quoted(&s)))?;
        Ok(PodIdentityEntry {
            namespace: names::k8s_namespace(ns)?,
            name: names::k8s_service_account(name)?,
        })
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ExistingSecretsSection {
    pub(crate) names: Vec<SecretName>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ManifestsSection {
    /// Where the YAML files go, relative to the runbook.
    pub(crate) out_dir: PathBuf,
    /// Default: the first service account's namespace.
    pub(crate) namespace: Option<Namespace>,
    pub(crate) name: Option<ServiceAccountName>,
    pub(crate) sync_as_k8s_secret: Option<ServiceAccountName>,
    pub(crate) deployment: Option<Namespace>,
    pub(crate) image: Option<ContainerImage>,
    /// How the app reads the secrets: mounted by the CSI driver, with the Azure SDK, or both.
    #[serde(default)]
    pub(crate) consumer: Consumer,
    /// Also apply the objects to the cluster (server-side apply, field manager `kvwire`).
    #[serde(default)]
    pub(crate) apply: bool,
    /// With `apply`: create the namespace when it does not exist (else a missing one blocks).
    #[serde(default)]
    pub(crate) create_namespace: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CsiDriverSection {
    /// Default: on when the runbook emits a SecretProviderClass or uses the add-on's identity.
    pub(crate) enabled: Option<bool>,
    /// `addon` (kvwire enables the AKS add-on) or `helm` (installed outside kvwire: never enabled).
    #[serde(default)]
    pub(crate) installed_by: InstalledBy,
    /// Absent: as the cluster has it (AKS's default on a new add-on).
    pub(crate) rotation: Option<bool>,
    /// Absent: as the cluster has it (AKS's default, 2m, on a new add-on).
    pub(crate) rotation_poll_interval: Option<RotationInterval>,
}

/// A parsed, checked runbook and where it came from.
#[derive(Debug)]
pub struct Loaded {
    pub book: Runbook,
    /// The runbook's name: `name`, else the file name without `.toml` and a digest of what the
    /// runbook wires up ([`identity_digest`]).
    pub id: String,
    /// What the runbook records on shared resources, and which records are its own.
    pub claim: Claim,
    pub(crate) path: PathBuf,
    /// The runbook's directory: relative paths in it are relative to here.
    pub(crate) dir: PathBuf,
    /// SHA-256 of the very text that was parsed (what a saved plan records).
    pub(crate) sha256: String,
}

impl Loaded {
    pub(crate) fn resolve(&self, p: &Path) -> PathBuf {
        if p.is_absolute() {
            p.to_path_buf()
        } else {
            self.dir.join(p)
        }
    }

    /// The secrets to seed: (ENV_KEY, secret name).
    pub(crate) fn secret_map(&self) -> Vec<(String, String)> {
        match &self.book.secrets {
            Some(s) if !s.map.is_empty() => s.map.iter().map(|(k, v)| (k.clone(), v.0.clone())).collect(),
            _ => secrets::default_mappings()
                .into_iter()
                .map(|m| (m.key, m.secret))
                .collect(),
        }
    }

    /// The secrets `verify` checks: those `up` seeds and those that exist already; the four DB
    /// values when the runbook names neither.
    pub(crate) fn checked_secrets(&self) -> Vec<String> {
        let existing = self
            .book
            .existing_secrets
            .iter()
            .flat_map(|e| e.names.iter().map(|n| n.0.clone()));
        match &self.book.secrets {
            None if self.book.existing_secrets.is_some() => existing.collect(),
            _ => {
                let mut all: Vec<String> = self.secret_map().into_iter().map(|(_, n)| n).collect();
                all.extend(existing.filter(|n| !all.contains(n)).collect::<Vec<_>>());
                all
            }
        }
    }

    /// The CSI driver add-on as kvwire enables it, or `None` when the runbook does not want it
    /// (or installs the driver with Helm).
    pub(crate) fn csi_driver(&self) -> Option<CsiDriver> {
        let b = &self.book;
        let wanted_by_default =
            b.identity.mode == IdentityMode::AddonIdentity || b.manifests.as_ref().is_some_and(|m| m.consumer.mounts());
        let section = b.csi_driver.as_ref();
        let enabled = section.and_then(|c| c.enabled).unwrap_or(wanted_by_default);
        let by_addon = section.is_none_or(|c| c.installed_by == InstalledBy::Addon);
        (enabled && by_addon).then(|| CsiDriver {
            rotation: section.and_then(|c| c.rotation),
            rotation_poll_interval: section
                .and_then(|c| c.rotation_poll_interval.as_ref())
                .map(|i| i.0.clone()),
        })
    }

    /// The service accounts that get a federated credential each: workload-identity mode's (a
    /// binding mode runbook federates none itself).
    pub(crate) fn federated_accounts(&self) -> &[ServiceAccountSection] {
        match self.book.identity.mode {
            IdentityMode::WorkloadIdentity => &self.book.service_accounts,
            _ => &[],
        }
    }

    /// A name for what this runbook owns in the cluster that stays when its service accounts
    /// change: `name`, else the file's name (the runbook's id carries a digest of its service
    /// accounts, and a renamed RBAC binding would leave the old one behind, still granting).
    pub(crate) fn stable_name(&self) -> String {
        match &self.book.name {
            Some(n) => n.0.clone(),
            None => names::runbook_slug(
                &self.path.file_stem().map(|s| s.to_string_lossy()).unwrap_or_default(),
                40,
            ),
        }
    }

    /// identity-binding: the binding's name.
    pub(crate) fn binding_name(&self) -> String {
        let i = &self.book.identity;
        match &i.binding {
            Some(b) => b.0.clone(),
            None => names::default_binding_name(i.name.as_deref().unwrap_or("")),
        }
    }

    pub(crate) fn identity_rg(&self) -> &str {
        self.book
            .identity
            .resource_group
            .as_deref()
            .unwrap_or(&self.book.cluster.resource_group)
    }
}

pub fn load(path: &Path) -> Result<Loaded> {
    let origin = path.display().to_string();
    let text = read_bounded(Source::File(path), input::RUNBOOK, &origin)?;
    parse(&text, path)
}

pub fn parse(text: &str, path: &Path) -> Result<Loaded> {
    let origin = path.display().to_string();
    let book: Runbook = toml::from_str(text).map_err(|e| Error::usage(located(&origin, text, &e)))?;
    let at = |section: &str| format!("{origin}:{}: [{section}]", line_of(text, &format!("[{section}]")));
    if book.identity.mode.user_assigned() {
        let mode = book.identity.mode.word();
        if book.identity.name.is_none() {
            return Err(Error::usage(format!(
                "{}: mode = \"{mode}\" needs name = \"the user-assigned identity\"",
                at("identity")
            )));
        }
        if book.service_accounts.is_empty() {
            return Err(Error::usage(format!(
                "{origin}: mode = \"{mode}\" needs at least one [[service_accounts]] with namespace and name"
            )));
        }
    }
    if book.pod_identity_addon.is_some() && !book.identity.mode.user_assigned() {
        return Err(Error::usage(format!(
            "{origin}: [pod_identity_addon] replaces the add-on with workload identity: it needs mode = \"workload-identity\" or \"identity-binding\""
        )));
    }
    if book.identity.binding.is_some() && book.identity.mode != IdentityMode::IdentityBinding {
        return Err(Error::usage(format!(
            "{}: binding names an identity binding, which only mode = \"identity-binding\" makes",
            at("identity")
        )));
    }
    if book.identity.mode == IdentityMode::AddonIdentity
        && let Some(c) = &book.csi_driver
        && (c.enabled == Some(false) || c.installed_by == InstalledBy::Helm)
    {
        return Err(Error::usage(format!(
            "{}: mode = \"addon-identity\" uses the identity AKS creates with the CSI driver add-on: the add-on cannot be off or replaced by a Helm install",
            at("csi_driver")
        )));
    }
    if let Some(s) = &book.secrets {
        if s.source == SecretSource::File && s.file.is_none() {
            return Err(Error::usage(format!(
                "{}: source = \"file\" needs file = \"path/to/.env\"",
                at("secrets")
            )));
        }
        for key in s.map.keys() {
            if !crate::model::dotenv::valid_key(key) {
                return Err(Error::usage(format!(
                    "{}: map key {key_q} is not a variable name (letters, digits and '_', not starting with a digit)",
                    at("secrets.map"),
                    key_q = crate::util::text::quoted(key)
                )));
            }
        }
    }
    if let Some(m) = &book.manifests {
        if m.deployment.is_some() != m.image.is_some() {
            return Err(Error::usage(format!(
                "{}: deployment and image go together",
                at("manifests")
            )));
        }
        if m.namespace.is_none() && book.service_accounts.is_empty() {
            return Err(Error::usage(format!(
                "{}: needs namespace (there is no [[service_accounts]] to take it from)",
                at("manifests")
            )));
        }
    }
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let digest = identity_digest(&book);
    let stem = path.file_stem().map(|s| s.to_string_lossy()).unwrap_or_default();
    let claim = match &book.name {
        Some(n) => Claim {
            token: format!("{}@{digest}", n.0),
            name: n.0.clone(),
            aliases: vec![],
        },
        None => {
            // The file name, lower-cased, other characters as hyphens, plus the digest:
            // `Shop_Prod.toml` is shop-prod-1a2b3c. Two `onboard.toml` for different clusters,
            // vaults, identities or service accounts get different names.
            let name = digested_name(&stem, &digest);
            // What kvwire named such a runbook before: the file name alone.
            let legacy = names::runbook_name(&names::runbook_slug(&stem, 63)).ok();
            Claim {
                token: name.clone(),
                name,
                aliases: legacy.into_iter().collect(),
            }
        }
    };
    let id = claim.name.clone();
    Ok(Loaded {
        book,
        id,
        claim,
        path: path.to_path_buf(),
        dir,
        sha256: crate::plan::saved::sha256(text.as_bytes()),
    })
}

/// Many runbooks for one run (`up -f a.toml -f b.toml`, or `-f DIR` for every `*.toml` directly
/// in it, by name): all read and checked before any request. The same file twice, or two
/// runbooks of one name (their claims on shared resources would be one), is a usage error.
pub(crate) fn load_fleet(paths: &[PathBuf]) -> Result<Vec<Loaded>> {
    let mut files = vec![];
    for p in paths {
        if p.is_dir() {
            let mut inside: Vec<PathBuf> = std::fs::read_dir(p)
                .map_err(|e| Error::usage(format!("-f {}: cannot list the directory: {e}", p.display())))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| f.is_file() && f.extension().is_some_and(|x| x == "toml"))
                .collect();
            if inside.is_empty() {
                return Err(Error::usage(format!(
                    "-f {}: the directory holds no runbook (*.toml)",
                    p.display()
                )));
            }
            inside.sort();
            files.extend(inside);
        } else {
            files.push(p.clone());
        }
    }
    let mut loaded: Vec<Loaded> = vec![];
    for f in files {
        let rb = load(&f)?;
        let same_file = |a: &Path, b: &Path| match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
            (Ok(a), Ok(b)) => a == b,
            _ => a == b,
        };
        if let Some(other) = loaded.iter().find(|o| same_file(&o.path, &rb.path)) {
            return Err(Error::usage(format!(
                "-f {}: given twice (also as {})",
                rb.path.display(),
                other.path.display()
            )));
        }
        if let Some(other) = loaded.iter().find(|o| o.id == rb.id) {
            return Err(Error::usage(format!(
                "-f {}: its name {} is also the name of {}; runbooks run together need names of their own (name = \"…\")",
                rb.path.display(),
                crate::util::text::quoted(&rb.id),
                other.path.display()
            )));
        }
        loaded.push(rb);
    }
    Ok(loaded)
}

/// `raw` as a runbook name ([`names::runbook_slug`], at most 55 characters) ending in the first 6
/// hex digits of SHA-256 over `what`: `kvwire init`'s names and runbooks' default names.
pub(crate) fn digested_name(raw: &str, what: &str) -> String {
    let slug = names::runbook_slug(raw, 55);
    let digest = crate::plan::saved::sha256(what.as_bytes());
    if slug.is_empty() {
        digest[..6].to_string()
    } else {
        format!("{slug}-{}", &digest[..6])
    }
}

/// What a runbook wires up, as names resolve (lower-cased, Azure names ignore case): the cluster,
/// the vault, the identity (mode, and the user-assigned identity with its resource group) and
/// the service accounts, sorted. Its SHA-256, cut to 6 hex digits, tells runbooks apart.
pub(crate) fn identity_digest(book: &Runbook) -> String {
    let i = &book.identity;
    let mut accounts: Vec<String> = book
        .service_accounts
        .iter()
        .map(|sa| format!("{}/{}", sa.namespace.0, sa.name.0))
        .collect();
    accounts.sort();
    // Binding mode is workload identity past 20 accounts: a runbook that moves to it keeps its
    // name, and so its claims on the identity and its grants.
    let mode = match i.mode {
        IdentityMode::IdentityBinding => IdentityMode::WorkloadIdentity,
        m => m,
    };
    let text = format!(
        "cluster {}/{}\nvault {}/{}\nidentity {:?} {}/{}\nservice accounts {}",
        book.cluster.resource_group.0,
        book.cluster.name.0,
        book.vault.resource_group.as_deref().unwrap_or(""),
        book.vault.name.0,
        mode,
        i.resource_group.as_deref().unwrap_or(&book.cluster.resource_group.0),
        i.name.as_deref().unwrap_or(""),
        accounts.join(",")
    )
    .to_ascii_lowercase();
    crate::plan::saved::sha256(text.as_bytes())[..6].to_string()
}

/// toml's message already holds line, column and a caret; prefix the file in the usual form.
fn located(origin: &str, text: &str, e: &toml::de::Error) -> String {
    match e.span() {
        Some(span) => {
            let (line, col) = line_col(text, span.start);
            format!(
                "{origin}:{line}:{col}: {}",
                crate::util::text::shorten_quotes(e.message())
            )
        }
        None => format!("{origin}: {}", crate::util::text::shorten_quotes(e.message())),
    }
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map(|l| l.chars().count()).unwrap_or(0) + 1;
    (line, col)
}

fn line_of(text: &str, needle: &str) -> usize {
    text.find(needle).map(|o| line_col(text, o).0).unwrap_or(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
[cluster]
resource_group = "rg1"
name = "aks1"

[vault]
name = "kv-demo"

[identity]
mode = "workload-identity"
name = "id-app"

[[service_accounts]]
namespace = "shop"
name = "checkout"

[secrets]
source = "env"
"#;

    fn err(text: &str) -> String {
        parse(text, Path::new("rb.toml")).unwrap_err().to_string()
    }

    #[test]
    fn good_runbook_parses_with_defaults() {
        let l = parse(GOOD, Path::new("/x/rb.toml")).unwrap();
        assert!(l.book.cluster.managed_identity && l.book.cluster.upgrade_node_images);
        assert_eq!(
            l.secret_map()[3],
            ("DB_PASSWORD".to_string(), "db-password".to_string())
        );
        assert_eq!(l.identity_rg(), "rg1");
    }

    #[test]
    fn errors_have_line_column_and_allowed_values() {
        let e = err(&GOOD.replace("mode = \"workload-identity\"", "mode = \"pod-identity\""));
        assert!(
            e.starts_with("rb.toml:10:8:") && e.contains("workload-identity") && e.contains("kubelet"),
            "{e}"
        );
        let e = err(&GOOD.replace("name = \"aks1\"", "name = \"aks1\"\nbogus = 1"));
        assert!(
            e.starts_with("rb.toml:5:1:") && e.contains("bogus") && e.contains("managed_identity"),
            "{e}"
        );
        let e = err(&GOOD.replace("\"rg1\"", "\"rg.\""));
        assert!(
            e.starts_with("rb.toml:3:18:") && e.contains("not a resource group name"),
            "{e}"
        );
        let e = err(&GOOD.replace("source = \"env\"", "source = \"file\""));
        assert!(e.contains("[secrets]") && e.contains("needs file"), "{e}");
    }
}
