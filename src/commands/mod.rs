//! One thin module per command: settings → steps → plan::run → exit status. `dispatch` routes.

mod completions;
mod enable_csi_driver;
mod enable_managed_identity;
mod grant;
mod init;
mod kubelet_identity;
mod lint;
mod manifests;
mod runbook;
mod seed;
mod tokens;
mod upgrade_image;
mod verify;
mod wait;
mod workload_identity;

use crate::{
    cli::{ApplyArgs, Cli, ClusterCommand, Command, EarlyArgs, NodepoolCommand, OutputArg, SecretsCommand},
    error::{Error, ExitStatus, Result},
    settings::{CommandFlags, Settings},
    ui::output::OutputFormat,
};

pub async fn dispatch(cli: Cli) -> Result<ExitStatus> {
    let flags = command_flags(&cli.command, &cli.early)?;
    if let Command::Completions { shell } = cli.command {
        return Ok(completions::run(shell));
    }
    let mut s = Settings::from_args(&cli.global, &flags)?;
    s.azure.scopes = tokens::scopes(&cli.command);
    match cli.command {
        Command::Completions { .. } => unreachable!("handled above"),
        Command::Cluster(ClusterCommand::EnableManagedIdentity(args)) => enable_managed_identity::run(&args, &s).await,
        Command::Cluster(ClusterCommand::EnableCsiDriver(args)) => enable_csi_driver::run(&args, &s).await,
        Command::Nodepool(NodepoolCommand::UpgradeImage(args)) => upgrade_image::run(&args, &s).await,
        Command::WorkloadIdentity(args) => workload_identity::run(&args, &s).await,
        Command::Grant(args) => grant::run(&args, &s).await,
        Command::Secrets(SecretsCommand::Seed(args)) => seed::run(&args, &s).await,
        Command::Manifests(args) => manifests::run(&args, &s).await,
        Command::Lint(args) => lint::run(&args, &s).await,
        Command::Plan(args) => {
            let saved = runbook::Saved {
                out: args.out.as_deref(),
                ..Default::default()
            };
            runbook::up(&args.runbook.files, &s, true, args.no_wait, saved, false).await
        }
        Command::Up(args) => {
            let saved = runbook::Saved {
                apply: args.plan.as_deref(),
                ..Default::default()
            };
            runbook::up(&args.files, &s, false, args.no_wait, saved, args.adopt).await
        }
        Command::Show(args) => runbook::show(&args.file, &s),
        Command::Down(args) => runbook::down(&args.runbook.file, args.include_secrets, args.include_adopted, &s).await,
        Command::Verify(args) => verify::run(&args.runbook.files, &s).await,
        Command::KubeletIdentity(args) => kubelet_identity::run(&args, &s).await,
        Command::Init(args) => init::run(&args, &s).await,
        Command::Wait(args) => wait::run(&args, &s).await,
    }
}

/// Which of `-o`, `--dry-run`, `--yes` and `--detailed-exitcode` a command has a use for.
struct Takes {
    name: &'static str,
    formats: &'static [OutputFormat],
    apply: bool,
    detailed_exitcode: bool,
}

const DOCUMENTS: &[OutputFormat] = &[OutputFormat::Text, OutputFormat::Json, OutputFormat::Yaml];

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
        dry_run: a.dry_run,
        yes: a.yes,
        detailed_exitcode: a.detailed_exitcode,
    }
}

fn output(o: &OutputArg) -> CommandFlags {
    CommandFlags {
        output: o.output.map(Into::into),
        ..CommandFlags::default()
    }
}

/// The command's own flags, and those given before it (`kvwire --yes up`, still accepted) where
/// the command takes them; elsewhere they are refused (exit 2) rather than ignored.
fn command_flags(command: &Command, early: &EarlyArgs) -> Result<CommandFlags> {
    const MANIFESTS: &[OutputFormat] = &[OutputFormat::Yaml, OutputFormat::Json];
    const KUBELET: &[OutputFormat] = &[
        OutputFormat::Text,
        OutputFormat::Json,
        OutputFormat::Yaml,
        OutputFormat::Env,
    ];
    let (takes, flags) = match command {
        Command::Cluster(ClusterCommand::EnableManagedIdentity(a)) => (
            Takes::new("cluster enable-managed-identity", DOCUMENTS, true, true),
            applying(&a.apply),
        ),
        Command::Cluster(ClusterCommand::EnableCsiDriver(a)) => (
            Takes::new("cluster enable-csi-driver", DOCUMENTS, true, true),
            applying(&a.apply),
        ),
        Command::Nodepool(NodepoolCommand::UpgradeImage(a)) => (
            Takes::new("nodepool upgrade-image", DOCUMENTS, true, true),
            applying(&a.apply),
        ),
        Command::WorkloadIdentity(a) => (
            Takes::new("workload-identity", DOCUMENTS, true, true),
            applying(&a.apply),
        ),
        Command::Grant(a) => (Takes::new("grant", DOCUMENTS, true, true), applying(&a.apply)),
        Command::Secrets(SecretsCommand::Seed(a)) => {
            (Takes::new("secrets seed", DOCUMENTS, true, true), applying(&a.apply))
        }
        Command::Up(a) => (Takes::new("up", DOCUMENTS, true, true), applying(&a.apply)),
        Command::Down(a) => (Takes::new("down", DOCUMENTS, true, true), applying(&a.apply)),
        Command::Plan(a) => (
            Takes::new("plan", DOCUMENTS, false, true),
            CommandFlags {
                detailed_exitcode: a.detailed_exitcode,
                ..output(&a.output)
            },
        ),
        Command::Verify(a) => (Takes::new("verify", DOCUMENTS, false, false), output(&a.output)),
        Command::Show(a) => (Takes::new("show", DOCUMENTS, false, false), output(&a.output)),
        Command::Lint(a) => (Takes::new("lint", DOCUMENTS, false, false), output(&a.output)),
        Command::Manifests(a) => (
            Takes::new("manifests", MANIFESTS, false, false),
            CommandFlags {
                output: a.output.map(Into::into),
                ..CommandFlags::default()
            },
        ),
        Command::KubeletIdentity(a) => (
            Takes::new("kubelet-identity", KUBELET, false, false),
            CommandFlags {
                output: a.output,
                ..CommandFlags::default()
            },
        ),
        Command::Init(_) => (Takes::new("init", &[], false, false), CommandFlags::default()),
        Command::Wait(_) => (Takes::new("wait", &[], false, false), CommandFlags::default()),
        Command::Completions { .. } => (Takes::new("completions", &[], false, false), CommandFlags::default()),
    };
    merge(&takes, flags, early)
}

fn format_name(f: OutputFormat) -> &'static str {
    match f {
        OutputFormat::Text => "text",
        OutputFormat::Json => "json",
        OutputFormat::Yaml => "yaml",
        OutputFormat::Env => "env",
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
