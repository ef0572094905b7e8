//! The token scopes each command will need, known before it connects: under `--auth cli` kvwire
//! fetches them all at start-up, side by side (`Azure::connect`), instead of one `az` run after
//! another as requests first need them. A scope a command never talks to is not fetched.

use crate::{azure::auth::Scope, runbook};

/// `plan` and `up`, once their runbooks are read: ARM; Graph, which is needed only for a cluster
/// that still runs on a service principal — known only once the cluster is read, and waiting for
/// that would put a whole `az` run in the way, so its token is fetched beside the others (unused
/// on a managed-identity cluster); Key Vault when a runbook seeds secrets.
pub(crate) fn runbook_scopes<'a>(mut books: impl Iterator<Item = &'a runbook::Loaded>) -> Vec<Scope> {
    if books.any(|rb| rb.book.secrets.is_some()) {
        vec![Scope::Arm, Scope::Graph, Scope::KeyVault]
    } else {
        vec![Scope::Arm, Scope::Graph]
    }
}
