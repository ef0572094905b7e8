//! What reaches the user: output formats and colour, leveled logging, redaction.

pub mod log;
pub(crate) mod output;
pub(crate) mod redact;
pub mod stdout;
