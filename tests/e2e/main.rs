//! The end-to-end tests, in one test binary (one link of the dependency graph instead of one per
//! file): the real `kvwire` binary against a local Azure (`support::Fake`, the `kvwire-fake`
//! crate), plus the checks that read the repository (module layers, completions, man pages,
//! `--help`, the wire vocabularies). One module per area; run one with
//! `cargo test --test e2e access::` (docs/testing.md).
//!
//! `tests/pty.rs` stays a binary of its own: `expectrl` opens the pseudo-terminal and its
//! exec-error pipe without close-on-exec, so a process another test spawned meanwhile in the same
//! binary would inherit them (and the spawn would wait for that process to exit).

#[path = "../support/mod.rs"]
mod support;

mod access;
mod acr;
mod adoption;
mod api_versions;
mod apply_manifests;
mod architecture;
mod auth_defaults;
#[cfg(target_os = "linux")]
mod bounded_input;
#[cfg(unix)]
mod closed_pipe;
mod cluster_commands;
mod completions;
mod csi_addon;
mod demo;
mod federated_credentials;
mod fidelity;
mod foundation;
mod help;
mod hostile_input;
mod identity_bindings;
mod in_cluster;
mod init;
mod keyvault_sdk;
mod lint;
mod lived_in;
mod long_operations;
mod man;
mod manifests;
mod many_runbooks;
mod migrate;
mod network_safety;
mod plan_document;
mod query;
mod runbook;
mod saved_plans;
mod secrets;
mod terminal_output;
mod user_output;
mod wire;
