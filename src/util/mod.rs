//! Small pieces with no knowledge of the rest of kvwire.

pub(crate) mod backoff;
pub(crate) mod fs;
pub mod input;
pub mod uuid5;

/// Progress of one piece of work ("InProgress", "waiting for …"), e.g. for a spinner or a
/// heartbeat line. The plan runner gives one to each step; the ARM client reports through it.
pub(crate) type Progress<'a> = &'a (dyn Fn(&str) + Send + Sync);
pub(crate) mod observation;
pub mod text;
pub(crate) mod turns;
pub(crate) mod yaml;
