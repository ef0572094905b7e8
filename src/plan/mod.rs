//! The plan core. Every mutating command is a [`Plan`] of [`Step`]s run as
//! observe → plan → (confirm) → apply → verify. Observation is read-only, so `--dry-run`
//! performs only reads; apply gets back exactly what plan showed.

pub(crate) mod diff;
pub(crate) mod document;
pub(crate) mod render;
mod runner;
pub mod saved;
mod step;

pub(crate) use runner::{AppId, OBSERVE_CONCURRENCY, Plan, RunOptions, RunSpec, StepId, observe, run, run_in};

/// What a run shows, as it happens: the runner sends a [`report::Reporter`] events; the console
/// one is `crate::report::Console`.
pub(crate) mod report {
    pub(crate) use super::runner::{End, Reporter, RunView, Running, StepLine};
}
pub(crate) use step::{Action, After, FieldChange, Phase, Planned, Request, Step};
