//! `kvwire completions SHELL`: the same scripts that are checked in under completions/.

use crate::{cli::Cli, error::ExitStatus};
use clap::CommandFactory;

pub(crate) fn run(shell: clap_complete::Shell) -> ExitStatus {
    // Into memory first: `generate` panics on a write error, such as a reader that went away.
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "kvwire", &mut script);
    crate::ui::stdout::write(&script);
    ExitStatus::Success
}
