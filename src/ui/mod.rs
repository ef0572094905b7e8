//! What reaches the user: output formats and colour, leveled logging, redaction.

pub mod log;
pub mod output;
pub mod redact;
pub mod stdout;
