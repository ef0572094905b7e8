//! `kvwire completions SHELL`: the same scripts that are checked in under completions/.

use crate::{cli::Cli, error::Result};
use clap::CommandFactory;

pub fn run(shell: clap_complete::Shell) -> Result<u8> {
    clap_complete::generate(shell, &mut Cli::command(), "kvwire", &mut std::io::stdout());
    Ok(0)
}
