//! The command line, as clap definitions only; the logic lives in `commands/`.

use crate::{
    azure::{auth::AuthMode, http::ResolveRule},
    error::ExitStatus,
    model::{
        Consumer, PodIdentity,
        grant::{GrantScope, GrantTarget, PrincipalType, RoleChoice},
        names,
        secrets::SecretMapping,
    },
    steps::access::PRINCIPAL_WAIT,
    ui::{output::OutputFormat, query::Query},
};
use clap::{ArgAction, Args, Parser, Subcommand};
use std::{path::PathBuf, time::Duration};

/// A help section: a heading styled like clap's own, then indented lines.
fn section(heading: &str, lines: &[&str]) -> String {
    let h = clap::builder::Styles::default().get_header().to_owned();
    let mut out = format!("{h}{heading}:{h:#}\n");
    for l in lines {
        out.push_str(&format!("  {l}\n"));
    }
    out.trim_end().to_string()
}

/// The "Examples:" section every command's help ends with (taken from docs/).
fn examples(lines: &[&str]) -> String {
    section("Examples", lines)
}

/// `kvwire --help` ends with the exit statuses, from `ExitStatus`, their one list (the man page's
/// EXIT STATUS too).
fn top_after_help() -> String {
    let codes: Vec<String> = ExitStatus::ALL
        .iter()
        .map(|s| format!("{:>3}  {}", s.code(), s.meaning()))
        .collect();
    let codes: Vec<&str> = codes.iter().map(String::as_str).collect();
    format!(
        "{}\n\n{}\n\nEach command's --help lists its own options and examples; docs/ has the details.",
        examples(&[
            "kvwire init -g rg-shop -n aks-shop --vault kv-shop -f onboard.toml",
            "kvwire plan -f onboard.toml          # what would change; reads only",
            "kvwire up -f onboard.toml            # show, ask, apply, verify",
            "kvwire verify -f onboard.toml",
        ]),
        section("Exit status", &codes)
    )
}

/// `kvwire --version`: the version, the commit it was built from, and the api-versions it speaks
/// (one definition each: `azure::arm::api`, `azure::secret::API_VERSION`).
fn long_version() -> &'static str {
    use crate::azure::arm::api;
    static TEXT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    TEXT.get_or_init(|| {
        format!(
            "{} (commit {})\napi-versions: Microsoft.ContainerService {}, Microsoft.Authorization {}, Microsoft.ManagedIdentity {}, Microsoft.KeyVault {}, Key Vault data plane {}, Microsoft.ContainerRegistry {}, Microsoft.Resources (subscriptions) {}",
            env!("CARGO_PKG_VERSION"),
            env!("KVWIRE_COMMIT"),
            api::CONTAINER_SERVICE,
            api::AUTHORIZATION,
            api::MANAGED_IDENTITY,
            api::KEY_VAULT,
            crate::azure::secret::API_VERSION,
            api::CONTAINER_REGISTRY,
            api::SUBSCRIPTIONS,
        )
    })
}

#[derive(Debug, Parser)]
#[command(
    name = "kvwire",
    version,
    long_version = long_version(),
    about = "Wire an AKS cluster to Azure Key Vault end to end",
    long_about = "Wire an AKS cluster to Azure Key Vault end to end.\n\n\
Every command that changes Azure first observes, then shows a plan, asks for confirmation \
(or takes --yes), applies and verifies. --dry-run shows the plan and writes nothing; a re-run changes nothing.",
    after_help = top_after_help(),
    disable_help_flag = true
)]
pub struct Cli {
    /// Print help (`kvwire help COMMAND` describes every option in full).
    #[arg(short = 'h', long = "help", global = true, action = ArgAction::HelpShort, display_order = 999)]
    help: Option<bool>,
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(flatten)]
    pub(crate) early: EarlyArgs,
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// `-o`, `--dry-run`, `--yes` and `--detailed-exitcode` belong to the commands that use them
/// (`kvwire up --yes`). Given before the command (`kvwire --yes up`, as before), they are taken
/// here, unlisted, and refused for a command that has no use for them.
#[derive(Debug, Clone, Default, Args)]
pub(crate) struct EarlyArgs {
    #[arg(short = 'o', long, value_enum, hide = true)]
    pub(crate) output: Option<OutputFormat>,
    #[arg(long, hide = true)]
    pub(crate) dry_run: bool,
    #[arg(short = 'y', long, hide = true)]
    pub(crate) yes: bool,
    #[arg(long, hide = true)]
    pub(crate) detailed_exitcode: bool,
}

/// Flags of every command, listed once under "Global options" after the command's own.
#[derive(Debug, Args)]
#[command(next_help_heading = "Global options")]
pub struct GlobalArgs {
    /// Subscription holding the resources, by ID or name (default: the Azure CLI's default).
    ///
    /// Without --subscription and AZURE_SUBSCRIPTION_ID, the subscription `az account set` chose is
    /// read from the Azure CLI's profile (AZURE_CONFIG_DIR or ~/.azure), without starting az.
    #[arg(long, global = true, env = "AZURE_SUBSCRIPTION_ID", value_parser = names::subscription, value_name = "ID_OR_NAME")]
    pub(crate) subscription: Option<String>,

    /// More detail on stderr: -v steps, -vv HTTP requests, -vvv headers and ARM bodies (always redacted).
    #[arg(short = 'v', long, global = true, action = ArgAction::Count)]
    pub verbose: u8,

    /// Only errors on stderr; no progress bars.
    #[arg(short = 'q', long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,

    /// Azure cloud: AzureCloud, AzureUSGovernment, AzureChinaCloud, or a TOML cloud file (docs/clouds.md).
    #[arg(
        long,
        global = true,
        env = "KVWIRE_CLOUD",
        default_value = "AzureCloud",
        value_name = "NAME|FILE"
    )]
    pub(crate) cloud: String,

    /// How to authenticate.
    #[arg(long, global = true, env = "KVWIRE_AUTH", value_enum, default_value = "auto")]
    pub(crate) auth: AuthMode,

    /// Extra PEM CA certificates to trust, e.g. for a TLS-intercepting corporate proxy.
    #[arg(
        long,
        global = true,
        env = "KVWIRE_CA_BUNDLE",
        hide_short_help = true,
        value_name = "PEM"
    )]
    pub(crate) ca_bundle: Option<PathBuf>,

    /// Connect to ADDR for HOST (curl-style HOST:PORT:ADDR; repeat, or comma-separate in KVWIRE_RESOLVE).
    #[arg(
        long,
        global = true,
        env = "KVWIRE_RESOLVE",
        hide_short_help = true,
        value_delimiter = ',',
        value_name = "HOST:PORT:ADDR"
    )]
    pub(crate) resolve: Vec<ResolveRule>,

    /// Give up on one HTTP request after this many seconds.
    #[arg(
        long,
        global = true,
        env = "KVWIRE_TIMEOUT", hide_short_help = true,
        default_value_t = 100,
        value_name = "SECONDS",
        value_parser = clap::value_parser!(u64).range(1..=3600)
    )]
    pub(crate) timeout: u64,

    /// Retries for throttled (429), failed (5xx) or dropped requests, with exponential backoff.
    #[arg(long, global = true, env = "KVWIRE_RETRIES", hide_short_help = true, default_value_t = 5, value_parser = clap::value_parser!(u32).range(0..=20))]
    pub(crate) retries: u32,

    /// Give up waiting for one long-running Azure operation after this many seconds.
    #[arg(
        long,
        global = true,
        env = "KVWIRE_LRO_TIMEOUT", hide_short_help = true,
        default_value_t = 3600,
        value_name = "SECONDS",
        value_parser = clap::value_parser!(u64).range(1..=7 * 24 * 3600)
    )]
    pub(crate) lro_timeout: u64,

    /// Requests kvwire sends one Key Vault in 10 seconds, at most (Key Vault allows 4,000 per vault
    /// per region; the default leaves headroom for the vault's other clients).
    #[arg(
        long,
        global = true,
        env = "KVWIRE_KEYVAULT_RATE",
        hide_short_help = true,
        default_value_t = crate::azure::pace::DEFAULT_KEYVAULT_RATE,
        value_name = "REQUESTS",
        value_parser = clap::value_parser!(u32).range(10..=100_000)
    )]
    pub(crate) keyvault_rate: u32,

    /// No colour in text output (NO_COLOR is honoured too).
    ///
    /// CLICOLOR_FORCE=1 colours text even where it is not a terminal; COLUMNS=N fits text there
    /// to N columns (docs/output.md).
    #[arg(long, global = true)]
    pub no_color: bool,
}

/// `-o` of commands that print a plan or a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum DocFormat {
    /// For people: aligned, coloured on a terminal
    Text,
    /// One stable JSON document on stdout (docs/plan-format.md)
    Json,
    /// The JSON document as YAML
    Yaml,
    /// Tab-separated values, as az -o tsv writes them (docs/output.md)
    Tsv,
    /// Columns, as az -o table writes them (docs/output.md)
    Table,
}

impl From<DocFormat> for OutputFormat {
    fn from(f: DocFormat) -> OutputFormat {
        match f {
            DocFormat::Text => OutputFormat::Text,
            DocFormat::Json => OutputFormat::Json,
            DocFormat::Yaml => OutputFormat::Yaml,
            DocFormat::Tsv => OutputFormat::Tsv,
            DocFormat::Table => OutputFormat::Table,
        }
    }
}

/// `-o` of `manifests`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum ManifestFormat {
    /// Kubernetes YAML documents separated by `---` (the default, piped or not)
    Yaml,
    /// One Kubernetes `v1` List holding every object
    Json,
}

impl From<ManifestFormat> for OutputFormat {
    fn from(f: ManifestFormat) -> OutputFormat {
        match f {
            ManifestFormat::Yaml => OutputFormat::Yaml,
            ManifestFormat::Json => OutputFormat::Json,
        }
    }
}

#[derive(Debug, Clone, Args)]
pub(crate) struct OutputArg {
    /// Output format (default: text at a terminal, else json; json with --query).
    #[arg(short = 'o', long, value_enum, value_name = "FORMAT")]
    pub(crate) output: Option<DocFormat>,
    #[command(flatten)]
    pub(crate) query: QueryArg,
}

/// `--query`, next to `-o` wherever a command prints a document.
#[derive(Debug, Clone, Args)]
pub(crate) struct QueryArg {
    /// JMESPath query run on the document before it is written, as az's --query (jmespath.org).
    ///
    /// `--query clientId -o tsv` prints the bare value. Needs a document format: json (the
    /// default with --query), yaml, tsv or table. A result of null prints nothing.
    #[arg(long, value_name = "JMESPATH", value_parser = Query::parse)]
    pub(crate) query: Option<Query>,
}

/// The flags of commands that change Azure.
#[derive(Debug, Clone, Args)]
pub(crate) struct ApplyArgs {
    #[command(flatten)]
    pub(crate) output: OutputArg,
    /// Observe and print the plan, but write nothing (reads only).
    #[arg(long)]
    pub(crate) dry_run: bool,
    /// Apply without asking. Required to apply when there is no terminal (CI).
    #[arg(short = 'y', long)]
    pub(crate) yes: bool,
    /// Exit 4 when changes are pending and were not applied (0 = nothing to do).
    #[arg(long)]
    pub(crate) detailed_exitcode: bool,
    #[command(flatten)]
    pub(crate) plan_text: PlanTextArg,
}

/// How the plan's text shows each step, wherever a plan is shown.
#[derive(Debug, Clone, Args)]
pub(crate) struct PlanTextArg {
    /// Show the plan a line per step, without its reasons and field changes.
    ///
    /// As az's --what-if-result-format ResourceIdOnly. Only the text changes: the plan, its
    /// document and a saved plan are the same with or without it. A held step still says it is
    /// held, and a terminal too narrow for the resource types shows the steps without them.
    #[arg(long)]
    pub(crate) brief: bool,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Cluster-level changes.
    #[command(subcommand, after_help = examples(&[
        "kvwire cluster enable-managed-identity -g rg-demo -n aks-demo --dry-run",
        "kvwire cluster enable-managed-identity -g rg-demo -n aks-demo",
    ]))]
    Cluster(ClusterCommand),
    /// Node pool operations.
    #[command(subcommand, after_help = examples(&[
        "kvwire nodepool upgrade-image -g rg-demo --cluster aks-demo --all",
    ]))]
    Nodepool(NodepoolCommand),
    /// Print the kubelet's managed identity (clientId, objectId, resourceId); `-o env` prints
    /// `export KEY='value'` lines for `eval`.
    #[command(after_help = examples(&[
        "kvwire kubelet-identity -g rg-demo -n aks-demo",
        "kvwire kubelet-identity -g rg-demo -n aks-demo -o json",
        "eval \"$(kvwire kubelet-identity -g rg-demo -n aks-demo -o env)\"; echo \"$KUBELET_CLIENT_ID\"",
    ]))]
    KubeletIdentity(KubeletIdentityArgs),
    /// Workload identity for a service account: OIDC issuer, a user-assigned identity, and a
    /// federated credential (or, with --binding, an AKS identity binding).
    #[command(after_help = examples(&[
        "kvwire workload-identity -g rg1 --cluster aks1 --identity id-app --namespace shop --service-account checkout --dry-run",
        "kvwire workload-identity -g rg1 --cluster aks1 --identity id-app --namespace shop --service-account checkout",
    ]))]
    WorkloadIdentity(WorkloadIdentityArgs),
    /// Give a workload least-privilege read access to Key Vault secrets (RBAC role or access policy).
    #[command(after_help = examples(&[
        "kvwire grant --vault kv-demo -g rg1 --to identity:id-app",
        "kvwire grant --vault kv-demo -g rg1 --to kubelet:aks1 --scope secret:db-password",
        "kvwire grant --vault kv-demo --to principal:00000000-0000-0000-0000-000000000000 --principal-type group",
    ]))]
    Grant(GrantArgs),
    /// Key Vault secrets.
    #[command(subcommand, after_help = examples(&[
        "kvwire secrets seed --vault kv-demo --from-env",
    ]))]
    Secrets(SecretsCommand),
    /// Emit Kubernetes YAML: SecretProviderClass, ServiceAccount and (optionally) a Deployment
    /// mounting the vault's secrets. Values are read from Azure (or given with --offline).
    #[command(after_help = examples(&[
        "kvwire manifests --vault kv-demo -g rg1 --namespace shop --identity id-app --service-account checkout",
        "kvwire manifests --vault kv-demo -g rg1 --namespace shop --identity id-app --deployment checkout --image ghcr.io/example/checkout:1.4 --out-dir k8s",
        "kvwire manifests --vault kv-demo --namespace shop --offline --tenant-id TENANT --client-id CLIENT --spc-name db-secrets",
    ]))]
    Manifests(ManifestsArgs),
    /// Check SecretProviderClass manifests against the Azure provider's rules.
    #[command(after_help = examples(&[
        "kvwire lint k8s/secretproviderclass.yaml",
        "kvwire manifests --vault kv-demo --namespace shop --identity id-app | kvwire lint -",
        "kvwire lint --online --strict k8s/*.yaml",
    ]))]
    Lint(LintArgs),
    /// Show every change a runbook would make (reads only).
    #[command(after_help = examples(&[
        "kvwire plan -f onboard.toml",
        "kvwire plan -f onboard.toml -o json --detailed-exitcode > plan.json   # exit 4: changes pending",
        "kvwire plan -f onboard.toml --out plan.kvwire   # then: kvwire up --plan plan.kvwire",
        "kvwire plan -f apps/                         # every runbook in apps/, as one fleet",
    ]))]
    Plan(PlanArgs),
    /// Apply a runbook in dependency order; re-running continues after a failure and duplicates nothing.
    #[command(after_help = examples(&[
        "kvwire up -f onboard.toml",
        "kvwire up -f onboard.toml --yes              # in CI: no prompt",
        "kvwire up -f onboard.toml --no-wait && kvwire wait -f onboard.toml",
        "kvwire up -f onboard.toml --yes --adopt      # in CI: adopt what exists, made outside this runbook",
        "kvwire up --plan plan.kvwire                 # exactly what `plan --out` saved",
        "kvwire up -f shop.toml -f billing.toml --yes # a fleet: one cluster write, each app reported",
    ]))]
    Up(UpArgs),
    /// Print a saved plan (`kvwire plan --out FILE`) as text, or as JSON with -o json.
    #[command(after_help = examples(&[
        "kvwire show plan.kvwire",
        "kvwire show plan.kvwire -o json",
    ]))]
    Show(ShowArgs),
    /// Remove what kvwire created for a runbook (never cluster settings; secrets only when asked).
    #[command(after_help = examples(&[
        "kvwire down -f onboard.toml --dry-run",
        "kvwire down -f onboard.toml                  # asks for the word yes",
        "kvwire down -f onboard.toml --include-secrets",
        "kvwire down -f onboard.toml --include-adopted   # also what the runbook adopted",
    ]))]
    Down(DownArgs),
    /// Check a runbook's setup end to end: ✔/✘ per check with the command that fixes it.
    #[command(after_help = examples(&[
        "kvwire verify -f onboard.toml",
        "kvwire verify -f onboard.toml -o json",
        "kvwire verify -f apps/                       # every runbook in apps/",
    ]))]
    Verify(VerifyArgs),
    /// Move a team off aad-pod-identity onto workload identity, keeping its identity.
    #[command(subcommand, after_help = examples(&[
        "kvwire migrate pod-identity --from k8s/ -g rg-shop -n aks-shop -f shop.toml",
        "kvwire plan -f shop.toml && kvwire up -f shop.toml && kvwire verify -f shop.toml",
    ]))]
    Migrate(MigrateCommand),
    /// Write a commented runbook for a cluster and a vault, pre-filled from what Azure holds.
    #[command(after_help = examples(&[
        "kvwire init -g rg-shop -n aks-shop --vault kv-shop -f onboard.toml",
        "kvwire init -g rg-shop -n aks-shop --vault kv-shop --namespace shop --service-account checkout --offline",
    ]))]
    Init(InitArgs),
    /// Wait until no operation runs on a cluster or its node pools (after --no-wait, an interrupt
    /// or someone else's change).
    #[command(after_help = examples(&[
        "kvwire wait -f onboard.toml",
        "kvwire wait -g rg-demo -n aks-demo",
    ]))]
    Wait(WaitArgs),
    /// Print shell completions for SHELL to stdout.
    #[command(after_help = examples(&[
        "kvwire completions bash > ~/.local/share/bash-completion/completions/kvwire",
        "kvwire completions zsh > \"${fpath[1]}/_kvwire\"",
        "kvwire completions fish > ~/.config/fish/completions/kvwire.fish",
    ]))]
    Completions {
        /// The shell to generate for.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum ClusterCommand {
    /// Switch the cluster's control plane from a service principal to a managed identity.
    ///
    /// With --no-wait, the AcrPull grants the kubelet's identity needs wait for the next run (the
    /// identity exists once the switch is done).
    #[command(after_help = examples(&[
        "kvwire cluster enable-managed-identity -g rg-demo -n aks-demo --dry-run",
        "kvwire cluster enable-managed-identity -g rg-demo -n aks-demo      # asks for the word yes",
        "kvwire cluster enable-managed-identity -g rg -n aks --dry-run --detailed-exitcode -o json > plan.json",
        "kvwire cluster enable-managed-identity -g rg -n aks --yes",
    ]))]
    EnableManagedIdentity(EnableManagedIdentityArgs),
    /// Enable the Secrets Store CSI driver add-on (azureKeyvaultSecretsProvider), which mounts
    /// Key Vault secrets into pods; set its secret rotation.
    #[command(after_help = examples(&[
        "kvwire cluster enable-csi-driver -g rg-demo -n aks-demo --dry-run",
        "kvwire cluster enable-csi-driver -g rg-demo -n aks-demo --rotation --rotation-poll-interval 5m",
    ]))]
    EnableCsiDriver(EnableCsiDriverArgs),
}

#[derive(Debug, Args)]
pub(crate) struct ClusterRef {
    /// Resource group of the cluster.
    #[arg(short = 'g', long, value_parser = names::resource_group)]
    pub(crate) resource_group: String,
    /// Name of the AKS cluster.
    #[arg(short = 'n', long = "name", visible_alias = "cluster", alias = "cluster-name", value_parser = names::cluster_name)]
    pub(crate) name: String,
}

#[derive(Debug, Args)]
pub(crate) struct EnableManagedIdentityArgs {
    #[command(flatten)]
    pub(crate) cluster: ClusterRef,
    /// Use this user-assigned identity (resource ID) instead of a system-assigned one.
    #[arg(long, value_parser = names::identity_resource_id, value_name = "RESOURCE_ID")]
    pub(crate) assign_identity: Option<String>,
    /// Also grant the kubelet identity AcrPull on this registry (name or resource ID;
    /// repeatable), beside the registries where the old service principal holds AcrPull.
    #[arg(long = "acr", value_parser = names::registry_ref, value_name = "NAME_OR_ID")]
    pub(crate) acr: Vec<String>,
    /// Do not look up the registries where the old service principal holds AcrPull (that needs
    /// Microsoft Graph read access); only `--acr` ones are granted.
    #[arg(long)]
    pub(crate) no_regrant_acr: bool,
    #[command(flatten)]
    pub(crate) wait: NoWaitArg,
    #[command(flatten)]
    pub(crate) apply: ApplyArgs,
}

#[derive(Debug, Args)]
pub(crate) struct EnableCsiDriverArgs {
    #[command(flatten)]
    pub(crate) cluster: ClusterRef,
    /// Re-read mounted secrets from Key Vault periodically, so pods see new versions (the
    /// add-on's `enableSecretRotation`). Neither this nor --no-rotation: as the cluster has it
    /// (off on a new add-on, as in AKS).
    #[arg(long, overrides_with = "no_rotation")]
    pub(crate) rotation: bool,
    /// Turn secret rotation off.
    #[arg(long)]
    pub(crate) no_rotation: bool,
    /// How often rotation re-reads (a Go duration: 2m, 90s, 1h30m). Absent: as the cluster has
    /// it (2m on a new add-on, as in AKS).
    #[arg(long, value_parser = names::rotation_poll_interval, value_name = "DURATION")]
    pub(crate) rotation_poll_interval: Option<String>,
    #[command(flatten)]
    pub(crate) wait: NoWaitArg,
    #[command(flatten)]
    pub(crate) apply: ApplyArgs,
}

#[derive(Debug, Subcommand)]
pub(crate) enum NodepoolCommand {
    /// Upgrade node images (only pools that need it), so nodes get the latest image and the kubelet identity.
    #[command(after_help = examples(&[
        "kvwire nodepool upgrade-image -g rg-demo --cluster aks-demo --all --dry-run",
        "kvwire nodepool upgrade-image -g rg-demo --cluster aks-demo --nodepool nodepool1",
        "kvwire nodepool upgrade-image -g rg-demo --cluster aks-demo --all --yes --no-wait",
    ]))]
    UpgradeImage(UpgradeImageArgs),
}

#[derive(Debug, Args)]
pub(crate) struct UpgradeImageArgs {
    #[command(flatten)]
    pub(crate) cluster: ClusterRef,
    /// The node pool to upgrade.
    #[arg(long, alias = "nodepool-name", value_parser = names::nodepool_name, required_unless_present = "all", conflicts_with = "all")]
    pub(crate) nodepool: Option<String>,
    /// Every node pool of the cluster.
    #[arg(long)]
    pub(crate) all: bool,
    /// Upgrade even when the pool already runs the latest node image (re-images its nodes).
    #[arg(long)]
    pub(crate) force: bool,
    /// How many pools to upgrade at once.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u16).range(1..=20))]
    pub(crate) parallel: u16,
    #[command(flatten)]
    pub(crate) wait: NoWaitArg,
    #[command(flatten)]
    pub(crate) apply: ApplyArgs,
}

#[derive(Debug, Args)]
pub(crate) struct KubeletIdentityArgs {
    #[command(flatten)]
    pub(crate) cluster: ClusterRef,
    /// Output format (default: text at a terminal, else json; json with --query).
    #[arg(short = 'o', long, value_enum, value_name = "FORMAT")]
    pub(crate) output: Option<OutputFormat>,
    #[command(flatten)]
    pub(crate) query: QueryArg,
}

#[derive(Debug, Args)]
pub(crate) struct WorkloadIdentityArgs {
    #[command(flatten)]
    pub(crate) cluster: ClusterRef,
    /// User-assigned identity to create, or adopt when it exists.
    #[arg(long, value_parser = names::identity_name)]
    pub(crate) identity: String,
    /// Resource group of the identity (default: the cluster's).
    #[arg(long, value_parser = names::resource_group)]
    pub(crate) identity_resource_group: Option<String>,
    /// Kubernetes namespace of the service account.
    #[arg(long, value_parser = names::k8s_namespace)]
    pub(crate) namespace: String,
    /// Kubernetes service account the pods run as.
    #[arg(long, value_parser = names::k8s_service_account)]
    pub(crate) service_account: String,
    /// Name of the federated credential (default: kvwire-NAMESPACE-SERVICE_ACCOUNT).
    #[arg(long, value_parser = names::credential_name, conflicts_with = "binding")]
    pub(crate) credential_name: Option<String>,
    /// Rewrite a federated credential of the same name that trusts another issuer or subject
    /// (held otherwise: the pods it trusts now would lose access; at a terminal kvwire asks).
    #[arg(long, conflicts_with = "binding")]
    pub(crate) overwrite: bool,
    /// An AKS identity binding instead of a federated credential: any number of service accounts
    /// (RBAC from `kvwire manifests --mode identity-binding`).
    #[arg(long)]
    pub(crate) binding: bool,
    /// Identity binding name (default: the identity's, lower-case letters and digits).
    #[arg(long, value_parser = names::identity_binding_name, requires = "binding")]
    pub(crate) binding_name: Option<String>,
    #[command(flatten)]
    pub(crate) principal_wait: PrincipalWaitArg,
    #[command(flatten)]
    pub(crate) wait: NoWaitArg,
    #[command(flatten)]
    pub(crate) apply: ApplyArgs,
}

#[derive(Debug, Args)]
pub(crate) struct GrantArgs {
    /// The vault: a name (looked up in -g, else in the whole subscription) or its resource ID.
    #[arg(long, value_parser = names::vault_ref)]
    pub(crate) vault: String,
    /// Resource group of the vault; also the default group for kubelet:, addon: and identity: targets.
    #[arg(short = 'g', long, value_parser = names::resource_group)]
    pub(crate) resource_group: Option<String>,
    /// Who gets access: kubelet:[RG/]CLUSTER, addon:[RG/]CLUSTER (the CSI driver add-on's
    /// identity), identity:[RG/]NAME or principal:OBJECT_ID.
    #[arg(long, value_parser = GrantTarget::parse, value_name = "TARGET")]
    pub(crate) to: GrantTarget,
    /// secrets-user (read secret values; the default), secrets-officer (manage secrets; not for
    /// workloads), a role's name as az takes it ("Key Vault Secrets User"), or a role definition GUID.
    #[arg(long, default_value = "secrets-user", value_parser = RoleChoice::parse)]
    pub(crate) role: RoleChoice,
    /// The whole vault, or one secret (secret:NAME, RBAC vaults only).
    #[arg(long, default_value = "vault", value_parser = GrantScope::parse, value_name = "vault|secret:NAME")]
    pub(crate) scope: GrantScope,
    /// Kind of principal for principal: targets (identities and kubelets are service principals).
    #[arg(long, value_enum, default_value = "service-principal")]
    pub(crate) principal_type: PrincipalType,
    /// Access-policy vaults: also grant `list` (enumerate secret names), not only `get`.
    #[arg(long)]
    pub(crate) allow_list: bool,
    /// Allow a role broader than reading secrets (Secrets Officer, Key Vault Administrator, Owner, …) for a workload.
    #[arg(long)]
    pub(crate) allow_broad: bool,
    #[command(flatten)]
    pub(crate) principal_wait: PrincipalWaitArg,
    #[command(flatten)]
    pub(crate) apply: ApplyArgs,
}

/// `--no-wait`, on the commands that start long-running operations.
#[derive(Debug, Args)]
pub(crate) struct NoWaitArg {
    /// Start the long-running operation and return once Azure accepted it; `kvwire wait` (or a
    /// later run, which adopts it) waits for the end.
    #[arg(long)]
    pub(crate) no_wait: bool,
}

/// `--principal-wait`: one bound on every wait for Entra and ARM to catch up with a new identity.
#[derive(Debug, Args)]
pub(crate) struct PrincipalWaitArg {
    /// Keep retrying this long while Azure catches up with a just-created identity.
    ///
    /// That is, while the identity is not yet known to Azure RBAC (PrincipalNotFound) or to its
    /// federated credentials (ParentResourceNotFound), while another federated credential write
    /// holds the identity (409), and while a new role assignment does not show in Azure yet.
    #[arg(long = "principal-wait", hide_short_help = true, default_value_t = PRINCIPAL_WAIT.as_secs(), value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(0..=3600))]
    pub(crate) seconds: u64,
}

impl PrincipalWaitArg {
    pub(crate) fn duration(&self) -> Duration {
        Duration::from_secs(self.seconds)
    }
}

#[derive(Debug, Subcommand)]
pub(crate) enum SecretsCommand {
    /// Write secrets (by default DB_HOST, DB_NAME, DB_USERNAME, DB_PASSWORD) into a vault.
    /// Values come from the environment, a .env file, stdin or a hidden prompt — never from arguments.
    #[command(after_help = examples(&[
        "DB_HOST=pg.internal DB_NAME=orders DB_USERNAME=app DB_PASSWORD=… kvwire secrets seed --vault kv-demo --from-env",
        "kvwire secrets seed --vault kv-demo --from-file .env --all",
        "printf 'API_KEY=%s\\n' \"$KEY\" | kvwire secrets seed --vault kv-demo --stdin --map API_KEY=api-key --yes",
        "kvwire secrets seed --vault kv-demo --from-env --overwrite      # replace values that differ",
    ]))]
    Seed(SeedArgs),
}

#[derive(Debug, Args)]
pub(crate) struct SeedArgs {
    /// The vault: a name (looked up in -g, else in the whole subscription) or its resource ID.
    #[arg(long, value_parser = names::vault_ref)]
    pub(crate) vault: String,
    /// Resource group of the vault.
    #[arg(short = 'g', long, value_parser = names::resource_group)]
    pub(crate) resource_group: Option<String>,
    /// Take each value from the environment variable named by its KEY.
    #[arg(long, group = "source")]
    pub(crate) from_env: bool,
    /// Take values from a .env file (KEY=value lines).
    #[arg(long, group = "source", value_name = "FILE")]
    pub(crate) from_file: Option<PathBuf>,
    /// Take values from .env-style KEY=value lines on standard input.
    #[arg(long, group = "source")]
    pub(crate) stdin: bool,
    /// KEY=secret-name, or KEY alone for DB_PASSWORD → db-password; repeat for each secret.
    /// Default: DB_HOST, DB_NAME, DB_USERNAME, DB_PASSWORD.
    #[arg(long = "map", value_parser = SecretMapping::parse, value_name = "KEY[=NAME]")]
    pub(crate) map: Vec<SecretMapping>,
    /// Seed every key of the file or stdin (env-style names); not with --from-env, which would take the whole environment.
    #[arg(long, conflicts_with_all = ["map", "from_env"])]
    pub(crate) all: bool,
    /// Replace secrets whose value in the vault differs (each replacement is a new version).
    #[arg(long)]
    pub(crate) overwrite: bool,
    /// Recover a soft-deleted secret of the same name, then set it (kvwire never purges).
    #[arg(long)]
    pub(crate) recover: bool,
    /// Content type stored with each new version, e.g. text/plain.
    #[arg(long, value_name = "TYPE")]
    pub(crate) content_type: Option<String>,
    /// Expiry of each new version, RFC 3339 (e.g. 2027-01-31T00:00:00Z).
    #[arg(long, value_parser = parse_rfc3339, value_name = "TIME")]
    pub(crate) expires: Option<time::OffsetDateTime>,
    /// Secrets read and written at once.
    #[arg(long, hide_short_help = true, default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub(crate) concurrency: u16,
    #[command(flatten)]
    pub(crate) apply: ApplyArgs,
}

fn parse_rfc3339(s: &str) -> Result<time::OffsetDateTime, String> {
    time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).map_err(|_| {
        format!(
            "{s_q} is not an RFC 3339 time such as 2027-01-31T00:00:00Z",
            s_q = crate::util::text::quoted(s)
        )
    })
}

#[derive(Debug, Args)]
pub(crate) struct ManifestsArgs {
    /// The vault: a name (looked up in -g, else in the whole subscription) or its resource ID.
    #[arg(long, value_parser = names::vault_ref)]
    pub(crate) vault: String,
    /// Resource group of the vault, and the default for --cluster and --identity.
    #[arg(short = 'g', long, value_parser = names::resource_group)]
    pub(crate) resource_group: Option<String>,
    /// Kubernetes namespace of the emitted objects.
    #[arg(long, value_parser = names::k8s_namespace)]
    pub(crate) namespace: String,
    /// Identity the pods use to reach Key Vault.
    #[arg(long, value_enum, default_value = "workload-identity")]
    pub(crate) mode: PodIdentity,
    /// How the app reads the secrets: mounted files, its own Azure SDK, or both.
    ///
    /// sdk: the Deployment gets KEYVAULT_URL and one NAME_SECRET_NAME per secret (and
    /// AZURE_CLIENT_ID on node identities) instead of a CSI volume; no SecretProviderClass.
    #[arg(long, value_enum, default_value = "csi")]
    pub(crate) consumer: Consumer,
    /// A secret to mount (repeat). Default: db-host, db-name, db-username, db-password.
    #[arg(long = "secret", value_parser = names::secret_name, value_name = "NAME")]
    pub(crate) secrets: Vec<String>,
    /// Also sync the secrets into this Kubernetes Secret (keys DB_HOST, …), for env vars.
    #[arg(long, value_parser = names::k8s_service_account, value_name = "NAME")]
    pub(crate) sync_as_k8s_secret: Option<String>,
    /// Emit a Deployment with this name that mounts the secrets read-only.
    #[arg(long, value_parser = names::k8s_namespace, requires = "image")]
    pub(crate) deployment: Option<String>,
    /// Container image of the Deployment ([REGISTRY/]NAME[:TAG][@DIGEST]).
    #[arg(long, requires = "deployment", value_parser = names::container_image)]
    pub(crate) image: Option<String>,
    /// workload-identity: the user-assigned identity; vm-identity: the VMSS identity (omit for system-assigned).
    #[arg(long, value_parser = names::identity_name)]
    pub(crate) identity: Option<String>,
    /// Resource group of --identity (default: -g).
    #[arg(long, value_parser = names::resource_group)]
    pub(crate) identity_resource_group: Option<String>,
    /// kubelet and addon-identity modes: the AKS cluster (in -g).
    #[arg(long, value_parser = names::cluster_name)]
    pub(crate) cluster: Option<String>,
    /// Service account the pods run as (workload identity).
    #[arg(long, default_value = "workload", value_parser = names::k8s_service_account)]
    pub(crate) service_account: String,
    /// Name of the SecretProviderClass (default: kvwire-VAULT).
    #[arg(long, value_parser = names::k8s_service_account, value_name = "NAME")]
    pub(crate) spc_name: Option<String>,
    /// The old name of --spc-name, refused with a message saying so (`-n`/`--name` is the
    /// cluster in every other command).
    #[arg(long = "name", hide = true, value_name = "NAME")]
    pub(crate) renamed_name: Option<String>,
    /// Write one file per object into this directory instead of printing them.
    #[arg(long, value_name = "DIR")]
    pub(crate) out_dir: Option<PathBuf>,
    /// Read nothing from Azure: take the tenant and client IDs from --tenant-id and --client-id.
    #[arg(long)]
    pub(crate) offline: bool,
    /// With --offline: the vault's tenant ID.
    #[arg(long, requires = "offline", value_parser = names::guid)]
    pub(crate) tenant_id: Option<String>,
    /// With --offline: the client ID of the identity the pods use.
    #[arg(long, requires = "offline", value_parser = names::guid)]
    pub(crate) client_id: Option<String>,
    /// Output format: YAML documents, also when piped (json: one v1 List).
    #[arg(short = 'o', long, value_enum, value_name = "FORMAT")]
    pub(crate) output: Option<ManifestFormat>,
}

#[derive(Debug, Args)]
pub(crate) struct LintArgs {
    /// Manifest files (YAML, several documents allowed); `-` reads standard input.
    #[arg(required = true, value_name = "FILE")]
    pub(crate) files: Vec<PathBuf>,
    /// Also check, with your Azure credentials, that each secret exists in its vault.
    #[arg(long)]
    pub(crate) online: bool,
    /// Treat warnings as errors.
    #[arg(long)]
    pub(crate) strict: bool,
    /// Output format (default: text at a terminal, else json; json with --query).
    #[arg(short = 'o', long, value_enum, value_name = "FORMAT")]
    pub(crate) output: Option<LintFormat>,
    #[command(flatten)]
    pub(crate) query: QueryArg,
}

/// `-o` of `lint`: the documents' formats, and SARIF.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum LintFormat {
    /// For people: FILE:LINE:COL: error: …, coloured on a terminal
    Text,
    /// One JSON document on stdout (docs/lint.md)
    Json,
    /// The JSON document as YAML
    Yaml,
    /// SARIF 2.1.0, for GitHub code scanning (docs/lint.md)
    Sarif,
    /// Tab-separated values, as az -o tsv writes them (docs/output.md)
    Tsv,
    /// Columns, as az -o table writes them (docs/output.md)
    Table,
}

#[derive(Debug, Args)]
pub(crate) struct RunbookArgs {
    /// The runbook (TOML; see docs/runbook.md).
    #[arg(short = 'f', long = "file", value_name = "RUNBOOK")]
    pub(crate) file: PathBuf,
}

/// One runbook, or many run together as a fleet.
#[derive(Debug, Args)]
pub(crate) struct RunbooksArgs {
    /// The runbook (TOML; see docs/runbook.md). Give -f again, or a directory (its *.toml files),
    /// to run many runbooks as one fleet: one observation, one write per cluster for what they
    /// all need, each runbook reported apart; one runbook's failure does not stop the others.
    #[arg(short = 'f', long = "file", value_name = "RUNBOOK", required = true)]
    pub(crate) files: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub(crate) struct PlanArgs {
    #[command(flatten)]
    pub(crate) runbook: RunbooksArgs,
    /// Also save the plan to FILE (mode 0600, written whole or not at all), for
    /// `kvwire up --plan FILE` to apply exactly it later; see docs/plan-format.md.
    #[arg(long, value_name = "FILE")]
    pub(crate) out: Option<PathBuf>,
    /// With --out: refuse, naming the operation, instead of waiting for one that runs on the
    /// cluster or its pools (a plan saved meanwhile would be stale before it is reviewed).
    #[arg(long, requires = "out")]
    pub(crate) no_wait: bool,
    #[command(flatten)]
    pub(crate) output: OutputArg,
    /// Exit 4 when the plan has changes (0 = nothing to do).
    #[arg(long)]
    pub(crate) detailed_exitcode: bool,
    #[command(flatten)]
    pub(crate) plan_text: PlanTextArg,
    #[command(flatten)]
    pub(crate) kube: KubeArgs,
}

#[derive(Debug, Args)]
pub(crate) struct ShowArgs {
    /// The saved plan.
    #[arg(value_name = "FILE")]
    pub(crate) file: PathBuf,
    #[command(flatten)]
    pub(crate) output: OutputArg,
}

#[derive(Debug, Args)]
pub(crate) struct VerifyArgs {
    #[command(flatten)]
    pub(crate) runbook: RunbooksArgs,
    #[command(flatten)]
    pub(crate) output: OutputArg,
    /// Fail when the cluster's API cannot be reached (default: check inside the cluster when
    /// it can be, else say why not and go on).
    #[arg(long, conflicts_with = "no_in_cluster")]
    pub(crate) in_cluster: bool,
    /// Check Azure and the files only, not the objects and pods in the cluster.
    #[arg(long)]
    pub(crate) no_in_cluster: bool,
    #[command(flatten)]
    pub(crate) access: ClusterAccessArgs,
}

/// What `plan` and `up` do in the cluster.
#[derive(Debug, Clone, Args)]
pub(crate) struct KubeArgs {
    /// Also apply the manifests' objects to the cluster, as `[manifests] apply = true` does
    /// (server-side apply; docs/in-cluster.md).
    #[arg(long)]
    pub(crate) apply_manifests: bool,
    /// Take over the fields of those objects another field manager owns (else a conflict blocks).
    #[arg(long)]
    pub(crate) force_conflicts: bool,
    #[command(flatten)]
    pub(crate) access: ClusterAccessArgs,
}

impl From<&ClusterAccessArgs> for crate::k8s::access::AccessOptions {
    fn from(a: &ClusterAccessArgs) -> Self {
        crate::k8s::access::AccessOptions {
            kubeconfig: a.kubeconfig.clone(),
            context: a.context.clone(),
            admin: a.admin,
        }
    }
}

/// How kvwire reaches a cluster's Kubernetes API (docs/in-cluster.md).
#[derive(Debug, Clone, Args)]
pub(crate) struct ClusterAccessArgs {
    /// Kubeconfig whose context reaches the cluster (default: KUBECONFIG, else ~/.kube/config);
    /// without one that points at it, kvwire asks Azure for the cluster user credential.
    #[arg(long, value_name = "FILE")]
    pub(crate) kubeconfig: Option<PathBuf>,
    /// Kubeconfig context to use (default: the current context, if it points at the cluster).
    #[arg(long, value_name = "NAME")]
    pub(crate) context: Option<String>,
    /// The cluster admin credential from Azure instead of the user one.
    #[arg(long)]
    pub(crate) admin: bool,
}

#[derive(Debug, Args)]
pub(crate) struct UpArgs {
    /// The runbook (TOML; see docs/runbook.md). With --plan: default, the one the plan names.
    /// Give -f again, or a directory (its *.toml files), to run many runbooks as one fleet: one
    /// observation, one write per cluster for what they all need, each runbook reported apart;
    /// one runbook's failure does not stop the others, and the exit code is the worst.
    #[arg(short = 'f', long = "file", value_name = "RUNBOOK", required_unless_present = "plan")]
    pub(crate) files: Vec<PathBuf>,
    /// Apply exactly this saved plan (`kvwire plan --out FILE`): refused, before any write, when
    /// the runbook or Azure changed since; nothing is asked, the plan was the review.
    #[arg(long, value_name = "FILE")]
    pub(crate) plan: Option<PathBuf>,
    #[command(flatten)]
    pub(crate) wait: NoWaitArg,
    /// Adopt, without asking, an identity, role assignment or secret that exists and that this
    /// runbook did not make (made outside kvwire, or by `kvwire grant`/`secrets seed`): its claim
    /// is recorded as adopted, which `down` keeps unless --include-adopted. Without it, each
    /// adoption is asked at a terminal and held otherwise, and what needs it does not run.
    #[arg(long, conflicts_with = "plan")]
    pub(crate) adopt: bool,
    #[command(flatten)]
    pub(crate) apply: ApplyArgs,
    #[command(flatten)]
    pub(crate) kube: KubeArgs,
}

#[derive(Debug, Args)]
pub(crate) struct WaitArgs {
    /// The runbook whose cluster to wait for.
    #[arg(short = 'f', long = "file", value_name = "RUNBOOK", required_unless_present = "name", conflicts_with_all = ["name", "resource_group"])]
    pub(crate) file: Option<PathBuf>,
    /// Resource group of the cluster (with -n).
    #[arg(short = 'g', long, value_parser = names::resource_group, requires = "name")]
    pub(crate) resource_group: Option<String>,
    /// The cluster to wait for (with -g).
    #[arg(short = 'n', long = "name", visible_alias = "cluster", value_parser = names::cluster_name, requires = "resource_group")]
    pub(crate) name: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct DownArgs {
    #[command(flatten)]
    pub(crate) runbook: RunbookArgs,
    /// Also soft-delete the secrets kvwire seeded (tagged managed-by=kvwire); they stay recoverable.
    #[arg(long)]
    pub(crate) include_secrets: bool,
    /// Also remove what this runbook adopted rather than made (`up --adopt`, or a yes at its
    /// prompt); without it, those are held, kept unless confirmed at the prompt.
    #[arg(long)]
    pub(crate) include_adopted: bool,
    #[command(flatten)]
    pub(crate) apply: ApplyArgs,
    /// How to reach the cluster whose applied objects `down` removes ([manifests] apply).
    #[command(flatten)]
    pub(crate) access: ClusterAccessArgs,
}

#[derive(Debug, Args)]
pub(crate) struct InitArgs {
    #[command(flatten)]
    pub(crate) cluster: ClusterRef,
    /// The vault's name.
    #[arg(long, value_parser = names::vault_name)]
    pub(crate) vault: String,
    /// Resource group of the vault (default: looked up in Azure, else the cluster's).
    #[arg(long, value_parser = names::resource_group)]
    pub(crate) vault_resource_group: Option<String>,
    /// How pods reach the vault.
    #[arg(long, value_enum, default_value = "workload-identity")]
    pub(crate) mode: InitMode,
    /// workload-identity: the user-assigned identity to create (default: id-SERVICE_ACCOUNT).
    #[arg(long, value_parser = names::identity_name)]
    pub(crate) identity: Option<String>,
    /// Kubernetes namespace of the app.
    #[arg(long, default_value = "default", value_parser = names::k8s_namespace)]
    pub(crate) namespace: String,
    /// Kubernetes service account the app runs as.
    #[arg(long, default_value = "app", value_parser = names::k8s_service_account)]
    pub(crate) service_account: String,
    /// Write the runbook to this file (refused if it exists, unless --force) instead of stdout.
    #[arg(short = 'f', long = "file", value_name = "RUNBOOK")]
    pub(crate) file: Option<PathBuf>,
    /// Overwrite --file if it exists.
    #[arg(long, requires = "file")]
    pub(crate) force: bool,
    /// Read nothing from Azure: fill in only what the flags say.
    #[arg(long)]
    pub(crate) offline: bool,
}

/// What az, kubectl and Terraform users type, and kvwire's way to say it: a tip under the usage
/// error. `invalid` is the argument clap refused, `argv` the command line.
pub fn habit_tip(invalid: &str, argv: &[String]) -> Option<&'static str> {
    let typed = |prefix: &str| argv.iter().any(|a| a.starts_with(prefix));
    if invalid.starts_with("--auto-approve") {
        Some("kvwire's flag for that is --yes (-y): apply without asking")
    } else if invalid.starts_with("--dry-run") && typed("--dry-run=") {
        Some(
            "--dry-run takes no value: kvwire's dry run only reads Azure, what kubectl's client and server dry runs would both be",
        )
    } else if invalid.starts_with("--value") {
        Some(
            "secret values never come from arguments: ps, shell history and CI logs would show them. Use --from-env (the value in the environment), --from-file FILE, --stdin, or run at a terminal to be asked with a hidden prompt",
        )
    } else if (invalid.starts_with("--name") || invalid.starts_with("-n")) && typed("nodepool") {
        Some("on nodepool commands -n is the cluster, as on every kvwire command; the pool is --nodepool (az's -n)")
    } else {
        None
    }
}

#[derive(Debug, Subcommand)]
pub(crate) enum MigrateCommand {
    /// Read aad-pod-identity manifests (AzureIdentity, AzureIdentityBinding, labelled workloads,
    /// SecretProviderClasses) and write a runbook plus the rewritten manifests. Reads Azure,
    /// changes nothing there: `kvwire up -f` does.
    #[command(after_help = examples(&[
        "kvwire migrate pod-identity --from k8s/ -g rg-shop -n aks-shop -f shop.toml",
        "kvwire migrate pod-identity --from identity.yaml --from apps.yaml --out-dir k8s-wi",
    ]))]
    PodIdentity(MigratePodIdentityArgs),
}

#[derive(Debug, Args)]
pub(crate) struct MigratePodIdentityArgs {
    /// The team's manifests: YAML files, or directories of .yaml/.yml files (repeatable).
    #[arg(long = "from", value_name = "PATH", required = true, num_args = 1..)]
    pub(crate) from: Vec<PathBuf>,
    /// Resource group of the cluster (with -n).
    #[arg(short = 'g', long, value_parser = names::resource_group, requires = "name")]
    pub(crate) resource_group: Option<String>,
    /// The AKS cluster (default: the kubeconfig's current context when it is an AKS cluster of
    /// the subscription, else the subscription's only cluster).
    #[arg(short = 'n', long, alias = "cluster", value_parser = names::cluster_name, requires = "resource_group")]
    pub(crate) name: Option<String>,
    /// Write the runbook here (refused if it exists, unless --force).
    #[arg(short = 'f', long = "file", value_name = "RUNBOOK", default_value = "migrate.toml")]
    pub(crate) file: PathBuf,
    /// Write the rewritten manifests here (default: workload-identity/ beside the runbook).
    #[arg(long, value_name = "DIR")]
    pub(crate) out_dir: Option<PathBuf>,
    /// Overwrite the runbook if it exists.
    #[arg(long)]
    pub(crate) force: bool,
}

/// `init --mode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum InitMode {
    /// A user-assigned identity federated with the app's service account (recommended).
    WorkloadIdentity,
    /// The cluster's kubelet identity (every pod on the nodes shares it).
    Kubelet,
}

/// Clap's view of the domain's choices (the domain types stay free of clap).
macro_rules! value_enum {
    ($ty:ty { $($variant:path => $name:literal: $help:literal),+ $(,)? }) => {
        impl clap::ValueEnum for $ty {
            fn value_variants<'a>() -> &'a [Self] {
                &[$($variant),+]
            }
            fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
                Some(match self {
                    $($variant => clap::builder::PossibleValue::new($name).help($help)),+
                })
            }
        }
    };
}

value_enum!(OutputFormat {
    OutputFormat::Text => "text": "For people: aligned, coloured on a terminal",
    OutputFormat::Json => "json": "One stable JSON document on stdout (docs/plan-format.md)",
    OutputFormat::Yaml => "yaml": "The JSON document as YAML",
    OutputFormat::Env => "env": "export KEY='value' lines, safe in eval",
    OutputFormat::Tsv => "tsv": "Tab-separated values, as az -o tsv writes them (docs/output.md)",
    OutputFormat::Table => "table": "Columns, as az -o table writes them (docs/output.md)",
});

value_enum!(AuthMode {
    AuthMode::Auto => "auto": "Workload identity, then a client secret, then managed identity, else the Azure CLI login",
    AuthMode::Cli => "cli": "The Azure CLI's (az login) or Azure Developer CLI's account",
    AuthMode::Env => "env": "A service principal: AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET",
    AuthMode::Workload => "workload": "Federated token: AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_FEDERATED_TOKEN_FILE",
    AuthMode::Msi => "msi": "Managed identity of the Azure host (AZURE_CLIENT_ID picks a user-assigned one)",
});

value_enum!(PodIdentity {
    PodIdentity::WorkloadIdentity => "workload-identity": "A user-assigned identity federated with the pod's service account (recommended)",
    PodIdentity::IdentityBinding => "identity-binding": "A user-assigned identity bound to the cluster (AKS identity binding), with RBAC for the service accounts",
    PodIdentity::Kubelet => "kubelet": "The cluster's kubelet identity (every pod on the node can use it)",
    PodIdentity::VmIdentity => "vm-identity": "A managed identity of the node VMSS (--identity), or its system-assigned one",
    PodIdentity::PodIdentity => "pod-identity": "Deprecated AAD pod identity; emitted with a warning",
    PodIdentity::AddonIdentity => "addon-identity": "The CSI driver add-on's own identity (with --cluster), as the AKS docs use it",
});

value_enum!(Consumer {
    Consumer::Csi => "csi": "Secrets mounted as files by the Secrets Store CSI driver",
    Consumer::Sdk => "sdk": "The app reads Key Vault itself (KEYVAULT_URL, NAME_SECRET_NAME; AZURE_CLIENT_ID on node identities)",
    Consumer::Both => "both": "The mount and the SDK settings",
});

value_enum!(PrincipalType {
    PrincipalType::ServicePrincipal => "service-principal": "An application or managed identity",
    PrincipalType::User => "user": "A person",
    PrincipalType::Group => "group": "An Entra group",
});
