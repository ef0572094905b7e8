//! Every Step kvwire knows: cluster, node pools, identities, access, secrets, files, removal.
//! No printing, no clap: commands and the runbook compose them into plans.

pub(crate) mod access;
pub(crate) mod acr;
pub(crate) mod addons;
pub(crate) mod claims;
pub(crate) mod cluster;
pub(crate) mod files;
pub(crate) mod identity;
pub(crate) mod nodepool;
pub(crate) mod remove;
pub(crate) mod secrets;
