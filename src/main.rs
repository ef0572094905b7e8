use clap::Parser;
use kvwire::{cli::Cli, commands, error::ExitStatus};
use std::process::ExitCode;

fn main() -> ExitCode {
    // Parse first: `--help` and usage errors never start a runtime or touch the network.
    let cli = Cli::parse();
    kvwire::ui::log::set_level(cli.global.verbose, cli.global.quiet);
    // One thread: kvwire waits on the network, it does not compute; concurrency is futures.
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(ExitStatus::Failure.code());
        }
    };
    match runtime.block_on(commands::dispatch(cli)) {
        Ok(status) => {
            // A reader that went away is not an error (ui/stdout.rs); a full disk is.
            if let Some(kind) = kvwire::ui::stdout::failure() {
                eprintln!("error: cannot write to stdout: {kind}");
                if status == ExitStatus::Success {
                    return ExitCode::from(ExitStatus::Failure.code());
                }
            }
            ExitCode::from(status.code())
        }
        Err(e) => {
            // Whatever built the message, quoted input comes back short.
            eprintln!("error: {}", kvwire::util::text::shorten_quotes(&e.to_string()));
            ExitCode::from(e.exit_status().code())
        }
    }
}
