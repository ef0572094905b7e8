//! One thin module per command: settings → steps → plan::run → exit status. `dispatch` routes.

mod completions;
mod enable_csi_driver;
mod enable_managed_identity;
mod grant;
mod init;
mod kubelet_identity;
mod lint;
mod manifests;
mod migrate;
mod runbook;
mod seed;
mod tokens;
mod upgrade_image;
mod verify;
mod wait;
mod workload_identity;

use crate::{
    azure::auth::Scope,
    cli::{
        ApplyArgs, Cli, ClusterAccessArgs, ClusterCommand, Command, EarlyArgs, GlobalArgs, MigrateCommand,
        NodepoolCommand, OutputArg, SecretsCommand,
    },
    error::{Error, ExitStatus, Result},
    settings::{CommandFlags, Settings},
    ui::output::OutputFormat,
};
use futures::future::LocalBoxFuture;

/// Run the command. One match says, per command, everything about it: its name as typed, the
/// output formats and plan flags it takes, the token scopes it needs, and what runs it.
pub async fn dispatch(cli: Cli) -> Result<ExitStatus> {
    use Scope::{Arm, Graph, KeyVault};
    const MANIFESTS: &[OutputFormat] = &[OutputFormat::Yaml, OutputFormat::Json];
    const KUBELET: &[OutputFormat] = &[
        OutputFormat::Text,
        OutputFormat::Json,
        OutputFormat::Yaml,
        OutputFormat::Env,
        OutputFormat::Tsv,
        OutputFormat::Table,
    ];
    let Cli {
        global, early, command, ..
    } = cli;
    let (g, e) = (&global, &early);
    // Settings for `takes` (refusing early flags the command has no use for), then `run`.
    macro_rules! go {
        ($takes:expr, $flags:expr, $scopes:expr, |$s:ident| $run:expr) => {
            go(g, e, $takes, $flags, $scopes, |$s| {
                Box::pin(async move { $run.await })
            })
            .await
        };
    }
    match &command {
        Command::Completions { shell } => {
            merge(
                &Takes::new("completions", &[], false, false),
                CommandFlags::default(),
                e,
            )?;
            Ok(completions::run(*shell))
        }
        Command::Cluster(ClusterCommand::EnableManagedIdentity(a)) => go!(
            Takes::new("cluster enable-managed-identity", DOCUMENTS, true, true),
            applying(&a.apply),
            // The switch reads, through Graph, what the cluster's service principal was granted.
            &[Arm, Graph],
            |s| enable_managed_identity::run(a, &s)
        ),
        Command::Cluster(ClusterCommand::EnableCsiDriver(a)) => go!(
            Takes::new("cluster enable-csi-driver", DOCUMENTS, true, true),
            applying(&a.apply),
            &[Arm],
            |s| enable_csi_driver::run(a, &s)
        ),
        Command::Nodepool(NodepoolCommand::UpgradeImage(a)) => go!(
            Takes::new("nodepool upgrade-image", DOCUMENTS, true, true),
            applying(&a.apply),
            &[Arm],
            |s| upgrade_image::run(a, &s)
        ),
        Command::WorkloadIdentity(a) => go!(
            Takes::new("workload-identity", DOCUMENTS, true, true),
            applying(&a.apply),
            &[Arm],
            |s| workload_identity::run(a, &s)
        ),
        Command::Grant(a) => go!(
            Takes::new("grant", DOCUMENTS, true, true),
            applying(&a.apply),
            &[Arm],
            |s| grant::run(a, &s)
        ),
        Command::Secrets(SecretsCommand::Seed(a)) => go!(
            Takes::new("secrets seed", DOCUMENTS, true, true),
            applying(&a.apply),
            &[Arm, KeyVault],
            |s| seed::run(a, &s)
        ),
        Command::Manifests(a) => go!(
            Takes::new("manifests", MANIFESTS, false, false),
            CommandFlags {
                output: a.output.map(Into::into),
                ..CommandFlags::default()
            },
            &[Arm],
            |s| manifests::run(a, &s)
        ),
        Command::Lint(a) => go!(
            Takes::new("lint", DOCUMENTS, false, false),
            CommandFlags {
                output: a.output.map(lint::document_format),
                query: a.query.query.clone(),
                ..CommandFlags::default()
            },
            &[Arm, KeyVault],
            |s| lint::run(a, &s)
        ),
        // `plan` and `up` ask for more tokens once their runbooks are read (tokens::runbook_scopes).
        Command::Plan(a) => go!(
            Takes::new("plan", DOCUMENTS, false, true),
            CommandFlags {
                detailed_exitcode: a.detailed_exitcode,
                brief: a.plan_text.brief,
                ..output(&a.output)
            },
            &[Arm],
            |s| {
                let saved = runbook::Saved {
                    out: a.out.as_deref(),
                    ..Default::default()
                };
                let kube = kube_options(a.kube.apply_manifests, a.kube.force_conflicts, &a.kube.access);
                runbook::up(&a.runbook.files, &s, true, a.no_wait, saved, false, kube)
            }
        ),
        Command::Up(a) => go!(
            Takes::new("up", DOCUMENTS, true, true),
            applying(&a.apply),
            &[Arm],
            |s| {
                let saved = runbook::Saved {
                    apply: a.plan.as_deref(),
                    ..Default::default()
                };
                let kube = kube_options(a.kube.apply_manifests, a.kube.force_conflicts, &a.kube.access);
                runbook::up(&a.files, &s, false, a.wait.no_wait, saved, a.adopt, kube)
            }
        ),
        Command::Show(a) => go!(
            Takes::new("show", DOCUMENTS, false, false),
            output(&a.output),
            &[],
            |s| async { runbook::show(&a.file, &s) }
        ),
        Command::Down(a) => go!(
            Takes::new("down", DOCUMENTS, true, true),
            applying(&a.apply),
            if a.include_secrets {
                &[Arm, KeyVault][..]
            } else {
                &[Arm][..]
            },
            |s| runbook::down(
                &a.runbook.file,
                a.include_secrets,
                a.include_adopted,
                &kube_options(false, false, &a.access),
                &s
            )
        ),
        // Checks the runbook's secrets (the default names when it has no [secrets]).
        Command::Verify(a) => go!(
            Takes::new("verify", DOCUMENTS, false, false),
            output(&a.output),
            &[Arm, KeyVault],
            |s| verify::run(a, &s)
        ),
        Command::KubeletIdentity(a) => go!(
            Takes::new("kubelet-identity", KUBELET, false, false),
            CommandFlags {
                output: a.output,
                query: a.query.query.clone(),
                ..CommandFlags::default()
            },
            &[Arm],
            |s| kubelet_identity::run(a, &s)
        ),
        Command::Migrate(MigrateCommand::PodIdentity(a)) => go!(
            Takes::new("migrate pod-identity", &[], false, false),
            CommandFlags::default(),
            &[Arm],
            |s| migrate::run(a, &s)
        ),
        Command::Init(a) => go!(
            Takes::new("init", &[], false, false),
            CommandFlags::default(),
            &[Arm],
            |s| init::run(a, &s)
        ),
        Command::Wait(a) => go!(
            Takes::new("wait", &[], false, false),
            CommandFlags::default(),
            &[Arm],
            |s| wait::run(a, &s)
        ),
    }
}

/// Settings for a command that `takes` these flags (its own, and those given before it), its
/// token scopes, then the command.
async fn go<'a>(
    global: &GlobalArgs,
    early: &EarlyArgs,
    takes: Takes,
    flags: CommandFlags,
    scopes: &[Scope],
    run: impl FnOnce(Settings) -> LocalBoxFuture<'a, Result<ExitStatus>>,
) -> Result<ExitStatus> {
    let flags = CommandFlags {
        command: takes.name,
        ..merge(&takes, flags, early)?
    };
    let mut s = Settings::from_args(global, &flags)?;
    s.azure.scopes = scopes.to_vec();
    run(s).await
}

/// Which of `-o`, `--dry-run`, `--yes` and `--detailed-exitcode` a command has a use for.
struct Takes {
    name: &'static str,
    formats: &'static [OutputFormat],
    apply: bool,
    detailed_exitcode: bool,
}

const DOCUMENTS: &[OutputFormat] = &[
    OutputFormat::Text,
    OutputFormat::Json,
    OutputFormat::Yaml,
    OutputFormat::Tsv,
    OutputFormat::Table,
];

impl Takes {
    const fn new(name: &'static str, formats: &'static [OutputFormat], apply: bool, detailed_exitcode: bool) -> Takes {
        Takes {
            name,
            formats,
            apply,
            detailed_exitcode,
        }
    }
}

fn applying(a: &ApplyArgs) -> CommandFlags {
    CommandFlags {
        output: a.output.output.map(Into::into),
        query: a.output.query.query.clone(),
        dry_run: a.dry_run,
        yes: a.yes,
        detailed_exitcode: a.detailed_exitcode,
        brief: a.plan_text.brief,
        ..CommandFlags::default()
    }
}

fn output(o: &OutputArg) -> CommandFlags {
    CommandFlags {
        output: o.output.map(Into::into),
        query: o.query.query.clone(),
        ..CommandFlags::default()
    }
}

fn format_name(f: OutputFormat) -> &'static str {
    match f {
        OutputFormat::Text => "text",
        OutputFormat::Json => "json",
        OutputFormat::Yaml => "yaml",
        OutputFormat::Env => "env",
        OutputFormat::Tsv => "tsv",
        OutputFormat::Table => "table",
    }
}

fn merge(takes: &Takes, mut flags: CommandFlags, early: &EarlyArgs) -> Result<CommandFlags> {
    let name = takes.name;
    if let Some(f) = early.output {
        if !takes.formats.contains(&f) {
            let offered: Vec<&str> = takes.formats.iter().map(|f| format_name(*f)).collect();
            return Err(Error::usage(if offered.is_empty() {
                format!("-o/--output: `kvwire {name}` has no output formats")
            } else {
                format!(
                    "-o/--output: `kvwire {name}` prints {}, not {}",
                    offered.join(", "),
                    format_name(f)
                )
            }));
        }
        flags.output = flags.output.or(Some(f));
    }
    if let Some(f) = flags.output.filter(|f| flags.query.is_some() && !f.is_document()) {
        return Err(Error::usage(format!(
            "--query: runs on a document; -o {} prints none (use json, yaml, tsv or table)",
            format_name(f)
        )));
    }
    let refuse = |flag: &str, why: &str| Err(Error::usage(format!("{flag}: `kvwire {name}` {why}")));
    if early.dry_run {
        if !takes.apply {
            return refuse("--dry-run", "changes nothing in Azure; it only reads");
        }
        flags.dry_run = true;
    }
    if early.yes {
        if !takes.apply {
            return refuse("--yes", "asks nothing: it changes nothing in Azure");
        }
        flags.yes = true;
    }
    if early.detailed_exitcode {
        if !takes.detailed_exitcode {
            return refuse("--detailed-exitcode", "shows no plan");
        }
        flags.detailed_exitcode = true;
    }
    Ok(flags)
}

/// `--apply-manifests`, `--force-conflicts` and how to reach the cluster, as `up` and `plan` take them.
fn kube_options(apply: bool, force_conflicts: bool, access: &ClusterAccessArgs) -> crate::steps::kube::KubeOptions {
    crate::steps::kube::KubeOptions {
        apply,
        force_conflicts,
        access: access.into(),
        connected: None,
    }
}
