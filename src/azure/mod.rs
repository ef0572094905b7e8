//! Azure: one HTTP client, credentials, clouds, the ARM client and the Key Vault data plane, and
//! the lookups built on them. Nothing here knows about plans, steps or the command line.

pub mod arm;
pub mod auth;
pub(crate) mod binding;
pub mod cloud;
pub(crate) mod cluster;
pub(crate) mod context;
pub(crate) mod grants;
pub(crate) mod graph;
pub mod http;
pub(crate) mod identity;
pub(crate) mod ids;
pub mod keyvault;
pub(crate) mod pace;
pub(crate) mod principal;
pub(crate) mod profile;
pub(crate) mod registry;
pub(crate) mod role_assignment;
pub(crate) mod secret;
pub(crate) mod vault;
pub(crate) mod write;
