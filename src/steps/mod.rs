//! Every Step kvwire knows: cluster, node pools, identities, access, secrets, files, removal.
//! No printing, no clap: commands and the runbook compose them into plans.

pub mod access;
pub mod acr;
pub mod addons;
pub mod claims;
pub mod cluster;
pub mod files;
pub mod identity;
pub mod nodepool;
pub mod remove;
pub mod secrets;
