//! The domain: validated names, roles, grant targets, secret mappings. No I/O.

pub mod dotenv;
pub mod names;
