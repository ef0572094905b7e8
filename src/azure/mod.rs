//! Azure: one HTTP client, credentials, clouds, the ARM client and the Key Vault data plane, and
//! the lookups built on them. Nothing here knows about plans, steps or the command line.

pub mod arm;
pub mod auth;
pub mod cloud;
pub mod cluster;
pub mod context;
pub mod grants;
pub mod http;
pub mod identity;
pub mod ids;
pub mod keyvault;
pub mod pace;
pub mod principal;
pub mod profile;
pub mod registry;
pub mod vault;
