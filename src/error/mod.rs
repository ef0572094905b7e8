//! One error vocabulary for the whole tool, at the bottom of the layers, mapped to the documented
//! exit codes. ARM's error answers are data here ([`ArmError`], typed by code); the ARM client
//! fills them in.

mod arm;

pub(crate) use arm::{ArmError, Ended, ErrorCode};

/// How kvwire exits (README.md, man page EXIT STATUS).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// Success; with `--detailed-exitcode`, also "nothing left to change".
    Success,
    /// Runtime, network or Azure error.
    Failure,
    /// Bad input or usage; nothing was written (clap uses 2 as well).
    Usage,
    /// The command ran and found problems: `verify` checks that failed, `lint` errors.
    ChecksFailed,
    /// With `--detailed-exitcode`: changes are pending (dry run), or some were held back.
    Changes,
    /// Stopped by Ctrl-C or SIGTERM.
    Interrupted,
}

impl ExitStatus {
    /// Every exit status, in the order `--help` and the man page list them.
    pub const ALL: [ExitStatus; 6] = [
        ExitStatus::Success,
        ExitStatus::Failure,
        ExitStatus::Usage,
        ExitStatus::ChecksFailed,
        ExitStatus::Changes,
        ExitStatus::Interrupted,
    ];

    pub fn code(self) -> u8 {
        match self {
            ExitStatus::Success => 0,
            ExitStatus::Failure => 1,
            ExitStatus::Usage => 2,
            ExitStatus::ChecksFailed => 3,
            ExitStatus::Changes => 4,
            ExitStatus::Interrupted => 130,
        }
    }

    /// What the code means, as `kvwire --help` and the man page's EXIT STATUS say it.
    pub fn meaning(self) -> &'static str {
        match self {
            ExitStatus::Success => "success; with --detailed-exitcode also \"nothing left to change\"",
            ExitStatus::Failure => "runtime, network or Azure error",
            ExitStatus::Usage => "bad input or usage, or a cancelled confirmation: nothing was written",
            ExitStatus::ChecksFailed => "checks failed (verify, lint)",
            ExitStatus::Changes => {
                "changes pending: not applied with --dry-run, or held back (only with --detailed-exitcode)"
            }
            ExitStatus::Interrupted => "interrupted (Ctrl-C or SIGTERM): nothing new was started",
        }
    }
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
    /// Getting a token failed: the sign-in setup, not Azure. Exit 2, with what to do.
    #[error("authentication failed: {0}")]
    Auth(String),
    /// Anything else that went wrong at run time.
    #[error("{0}")]
    Runtime(String),
    /// A saved plan no longer matches Azure (an entity tag moved, a 412): applying it again cannot
    /// help, only a new plan can. Exit 1.
    #[error("{0}")]
    Stale(String),
    /// Ctrl-C or SIGTERM: nothing new was started (what runs in Azure goes on).
    #[error("interrupted")]
    Interrupted,
}

impl Error {
    pub(crate) fn usage(msg: impl Into<String>) -> Self {
        Error::Usage(msg.into())
    }
    pub(crate) fn runtime(msg: impl Into<String>) -> Self {
        Error::Runtime(msg.into())
    }
    pub(crate) fn stale(msg: impl Into<String>) -> Self {
        Error::Stale(msg.into())
    }
    pub fn exit_status(&self) -> ExitStatus {
        match self {
            Error::Usage(_) | Error::Auth(_) => ExitStatus::Usage,
            Error::Interrupted => ExitStatus::Interrupted,
            _ => ExitStatus::Failure,
        }
    }
}

pub(crate) type Result<T, E = Error> = std::result::Result<T, E>;
