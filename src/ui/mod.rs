//! What reaches the user: output formats and colour, leveled logging, redaction.

pub mod log;
pub(crate) mod output;
pub mod query;
pub(crate) mod tabular;
pub use output::stderr_colour;
pub(crate) mod redact;
pub mod stdout;
pub(crate) mod width;
