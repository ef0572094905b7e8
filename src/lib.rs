//! kvwire: wire an AKS cluster to Azure Key Vault end to end.
//! The binary is `src/main.rs`; this library exists so integration tests can reuse the types.

pub mod log;

pub mod arm;
pub mod auth;
pub mod cli;
pub mod cloud;
pub mod commands;
pub mod context;
pub mod dotenv;
pub mod error;
pub mod grants;
pub mod http;
pub mod keyvault;
pub mod output;
pub mod plan;
pub mod redact;
pub mod runbook;
pub mod spc;
pub mod uuid5;
pub mod validate;
pub mod vault;
pub mod yaml;
