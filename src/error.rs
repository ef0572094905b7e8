//! One error type for the whole tool, mapped to the documented exit codes.

use crate::azure::arm::ArmError;

/// Process exit codes (documented in README.md).
pub mod exit {
    /// Success; with `--detailed-exitcode`, also "no changes".
    pub const OK: u8 = 0;
    /// Runtime, network or Azure error.
    pub const RUNTIME: u8 = 1;
    /// Bad input or usage (clap uses 2 as well).
    pub const USAGE: u8 = 2;
    /// With `--detailed-exitcode`: the plan has changes (dry run) or changes were applied.
    pub const CHANGES: u8 = 4;
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The user asked for something impossible: wrong flag value, bad file. Exit 2.
    #[error("{0}")]
    Usage(String),
    /// Azure Resource Manager answered with an error (typed by `error.code`).
    #[error(transparent)]
    Arm(#[from] ArmError),
    /// Transport failure after retries: DNS, TLS, connection, timeout.
    #[error("{0}")]
    Http(String),
    /// Getting a token failed.
    #[error("authentication failed: {0}")]
    Auth(String),
    /// Anything else that went wrong at run time.
    #[error("{0}")]
    Runtime(String),
}

impl Error {
    pub fn usage(msg: impl Into<String>) -> Self {
        Error::Usage(msg.into())
    }
    pub fn runtime(msg: impl Into<String>) -> Self {
        Error::Runtime(msg.into())
    }
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Usage(_) => exit::USAGE,
            _ => exit::RUNTIME,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
