//! The token scopes each command will need, known before it connects: under `--auth cli` kvwire
//! fetches them all at start-up, side by side (`Azure::connect`), instead of one `az` run after
//! another as requests first need them. A scope a command never talks to is not fetched.

use crate::{
    azure::auth::Scope,
    cli::{ClusterCommand, Command, SecretsCommand},
    runbook,
};
use std::path::Path;

pub fn scopes(command: &Command) -> Vec<Scope> {
    use Scope::{Arm, Graph, KeyVault};
    match command {
        // The switch reads, through Graph, what the cluster's service principal was granted.
        Command::Cluster(ClusterCommand::EnableManagedIdentity(_)) => vec![Arm, Graph],
        Command::Secrets(SecretsCommand::Seed(_)) | Command::Lint(_) => vec![Arm, KeyVault],
        // Graph is needed only for a cluster that still runs on a service principal, which is known
        // only once the cluster is read: waiting for that would put a whole `az` run in the way,
        // so its token is fetched beside the others (and unused on a managed-identity cluster).
        Command::Plan(a) => runbook_scopes(Some(&a.runbook.file)),
        Command::Up(a) => runbook_scopes(a.file.as_deref()),
        // Checks the runbook's secrets (the default names when it has no [secrets]).
        Command::Verify(_) => vec![Arm, KeyVault],
        Command::Down(a) if a.include_secrets => vec![Arm, KeyVault],
        _ => vec![Arm],
    }
}

/// `plan` and `up`: Key Vault when the runbook seeds secrets (a saved plan's runbook, or one that
/// does not load, counts as one that does: `up` reports what is wrong with it before connecting).
fn runbook_scopes(file: Option<&Path>) -> Vec<Scope> {
    let seeds = file.is_none_or(|f| runbook::load(f).map_or(true, |rb| rb.book.secrets.is_some()));
    if seeds {
        vec![Scope::Arm, Scope::Graph, Scope::KeyVault]
    } else {
        vec![Scope::Arm, Scope::Graph]
    }
}
