//! One thin module per command: settings → steps → plan::run → exit status. `dispatch` routes.

mod completions;
mod enable_managed_identity;
mod grant;
mod init;
mod kubelet_identity;
mod lint;
mod manifests;
mod runbook;
mod seed;
mod upgrade_image;
mod verify;
mod wait;
mod workload_identity;

use crate::{
    cli::{Cli, ClusterCommand, Command, NodepoolCommand, SecretsCommand},
    error::{ExitStatus, Result},
    settings::Settings,
};

pub async fn dispatch(cli: Cli) -> Result<ExitStatus> {
    if let Command::Completions { shell } = cli.command {
        return Ok(completions::run(shell));
    }
    let s = Settings::from_args(&cli.global)?;
    match cli.command {
        Command::Completions { .. } => unreachable!("handled above"),
        Command::Cluster(ClusterCommand::EnableManagedIdentity(args)) => enable_managed_identity::run(&args, &s).await,
        Command::Nodepool(NodepoolCommand::UpgradeImage(args)) => upgrade_image::run(&args, &s).await,
        Command::WorkloadIdentity(args) => workload_identity::run(&args, &s).await,
        Command::Grant(args) => grant::run(&args, &s).await,
        Command::Secrets(SecretsCommand::Seed(args)) => seed::run(&args, &s).await,
        Command::Manifests(args) => manifests::run(&args, &s).await,
        Command::Lint(args) => lint::run(&args, &s).await,
        Command::Plan(args) => runbook::up(&args.file, &s, true, false).await,
        Command::Up(args) => runbook::up(&args.runbook.file, &s, false, args.no_wait).await,
        Command::Down(args) => runbook::down(&args.runbook.file, args.include_secrets, &s).await,
        Command::Verify(args) => verify::run(&args.file, &s).await,
        Command::KubeletIdentity(args) => kubelet_identity::run(&args, &s).await,
        Command::Init(args) => init::run(&args, &s).await,
        Command::Wait(args) => wait::run(&args, &s).await,
    }
}
