//! The plan core. Every mutating command is a [`Plan`] of [`Step`]s run as
//! observe → plan → (confirm) → apply → verify. Observation is read-only, so `--dry-run`
//! performs only reads; apply gets back exactly what plan showed.

pub mod diff;
pub mod document;
pub mod render;
mod runner;
pub mod saved;
mod step;

pub use runner::{AppId, OBSERVE_CONCURRENCY, Plan, RunOptions, StepId, observe, run, run_in};

/// What a run shows, as it happens: the runner sends a [`report::Reporter`] events; the console
/// one is `crate::report::Console`.
pub mod report {
    pub use super::runner::{End, Reporter, RunView, Running, StepLine};
}
pub use step::{Action, After, FieldChange, Phase, Planned, Step};
