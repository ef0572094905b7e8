//! kvwire: wire an AKS cluster to Azure Key Vault end to end.
//! The binary is `src/main.rs`; this library exists so integration tests can reuse the types.
//! docs/architecture.md draws the layers; tests/e2e/architecture.rs keeps them free of cycles.

// stdout is written through ui::stdout, which survives a reader that went away.
#![deny(clippy::print_stdout)]

// Everything is `pub(crate)` unless used from outside the library, so the compiler reports dead
// code. What the outside uses:
// - src/main.rs: cli::{Cli (its global verbose, quiet, no_color), habit_tip}, commands::dispatch, error::{Error,
//   ExitStatus}, ui::log::set_level, ui::{stderr_colour, stdout::failure}, util::text::{printable, shorten_quotes}.
// - tests/: cli::Cli, error::ExitStatus::{ALL, code, meaning}; runbook::{load, parse} (the Loaded fields id, book, claim);
//   azure::{auth::client_secret, cloud::Cloud, http::{Http, HttpOptions, ResolveRule, SharedHttp},
//   keyvault::{secret_client, KvFailure}, arm::{Arm, api::*, models::{ManagedCluster, AgentPool},
//   writable::{cluster_put_body, MANAGED_CLUSTER_READ_ONLY}}}; k8s::{yaml::parse_documents,
//   spc::{lint, is_spc, declared_objects, Finding, Severity}}; util::{input::RUNBOOK,
//   uuid5::{v5, ROLE_ASSIGNMENT_NAMESPACE}}; plan::saved::{DIGEST, content_sha256, sha256}.
// - benches/ and crates/kvwire-fake use none of it (they run the binary).

pub mod ui;

pub mod azure;
pub mod cli;
pub mod commands;
pub mod error;
pub mod k8s;
pub(crate) mod model;
pub mod plan;
pub(crate) mod report;
pub mod runbook;
pub(crate) mod settings;
pub(crate) mod steps;
pub mod util;
