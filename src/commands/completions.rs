//! `kvwire completions SHELL`: the same scripts that are checked in under completions/.

use crate::{cli::Cli, error::ExitStatus};
use clap::CommandFactory;

pub fn run(shell: clap_complete::Shell) -> ExitStatus {
    clap_complete::generate(shell, &mut Cli::command(), "kvwire", &mut std::io::stdout());
    ExitStatus::Success
}
