//! One module per command; `dispatch` only routes.

/// The four DB values seeded by default.
pub use seed::DEFAULT_KEYS as DEFAULT_SECRET_KEYS;

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
mod workload_identity;

use crate::{
    cli::{Cli, ClusterCommand, Command, NodepoolCommand, SecretsCommand},
    azure::context::Azure,
    error::Result,
    ui::output::Ui,
};
use std::sync::Arc;

pub async fn dispatch(cli: Cli) -> Result<u8> {
    let g = &cli.global;
    let ui = Ui::detect(g.output, g.no_color, g.quiet);
    match cli.command {
        Command::Completions { shell } => completions::run(shell),
        Command::Init(args) => init::run(&args, g).await,
        Command::Cluster(ClusterCommand::EnableManagedIdentity(args)) => {
            let az = Arc::new(Azure::from_globals(g)?);
            enable_managed_identity::run(az, &args, g, &ui).await
        }
        Command::Nodepool(NodepoolCommand::UpgradeImage(args)) => {
            let az = Arc::new(Azure::from_globals(g)?);
            upgrade_image::run(az, &args, g, &ui).await
        }
        Command::WorkloadIdentity(args) => {
            let az = Arc::new(Azure::from_globals(g)?);
            workload_identity::run(az, &args, g, &ui).await
        }
        Command::Grant(args) => {
            let az = Arc::new(Azure::from_globals(g)?);
            grant::run(az, &args, g, &ui).await
        }
        Command::Secrets(SecretsCommand::Seed(args)) => seed::run(&args, g, &ui).await,
        Command::Manifests(args) => manifests::run(&args, g, &ui).await,
        Command::Lint(args) => lint::run(&args, g, &ui).await,
        Command::Plan(args) => runbook::up(&args.file, g, &ui, true).await,
        Command::Up(args) => runbook::up(&args.file, g, &ui, false).await,
        Command::Down(args) => runbook::down(&args.runbook.file, args.include_secrets, g, &ui).await,
        Command::Verify(args) => verify::run(&args.file, g, &ui).await,
        Command::KubeletIdentity(args) => {
            let az = Azure::from_globals(g)?;
            kubelet_identity::run(&az, &args, &ui).await
        }
    }
}
