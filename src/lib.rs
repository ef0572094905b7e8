//! kvwire: wire an AKS cluster to Azure Key Vault end to end.
//! The binary is `src/main.rs`; this library exists so integration tests can reuse the types.
//! docs/architecture.md draws the layers; tests/e2e/architecture.rs keeps them free of cycles.

// stdout is written through ui::stdout, which survives a reader that went away.
#![deny(clippy::print_stdout)]

pub mod ui;

pub mod azure;
pub mod cli;
pub mod commands;
pub mod error;
pub mod k8s;
pub mod model;
pub mod plan;
pub mod report;
pub mod runbook;
pub mod settings;
pub mod steps;
pub mod util;
