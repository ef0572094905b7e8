use clap::Parser;
use kvwire::{cli::Cli, commands, error::exit};
use std::process::ExitCode;

fn main() -> ExitCode {
    // Parse first: `--help` and usage errors never start a runtime or touch the network.
    let cli = Cli::parse();
    kvwire::ui::log::set_level(cli.global.verbose, cli.global.quiet);
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(exit::RUNTIME);
        }
    };
    match runtime.block_on(commands::dispatch(cli)) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}
