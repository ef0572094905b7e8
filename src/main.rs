use clap::{CommandFactory, Parser, error::ErrorKind};
use kvwire::{cli::Cli, commands, error::ExitStatus, util::text::printable};
use std::process::ExitCode;

fn main() -> ExitCode {
    // Parse first: `--help` and usage errors never start a runtime or touch the network.
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        // clap echoes the rejected argument as typed: shown escaped, as all output is. Rendered
        // without clap's styles, so any escape sequence left is the argument's own. Help and
        // version are kvwire's own text and print as clap prints them.
        Err(e) if e.use_stderr() && e.kind() != ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let e = plain_usage_error(e);
            eprint!("{}", printable(&with_habit_tip(&e)));
            let code = u8::try_from(e.exit_code()).unwrap_or(2);
            detailed_exitcode_note(code);
            return ExitCode::from(code);
        }
        Err(e) => e.exit(),
    };
    kvwire::ui::log::set_level(cli.global.verbose, cli.global.quiet);
    let paint_errors = kvwire::ui::stderr_colour(cli.global.no_color);
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
            if let Some(why) = kvwire::ui::stdout::unwritten_reason() {
                eprintln!("error: {}", printable(why));
                if status == ExitStatus::Success {
                    return ExitCode::from(ExitStatus::Failure.code());
                }
            }
            if let Some(kind) = kvwire::ui::stdout::failure() {
                eprintln!("error: cannot write to stdout: {kind}");
                if status == ExitStatus::Success {
                    return ExitCode::from(ExitStatus::Failure.code());
                }
            }
            ExitCode::from(status.code())
        }
        Err(e) => {
            // Whatever built the message, quoted input comes back short, and nothing in it
            // (an Azure error message, a file's text) reaches the terminal raw.
            let message = kvwire::util::text::shorten_quotes(&e.to_string());
            let label = if paint_errors {
                "\x1b[1;31merror\x1b[0m"
            } else {
                "error"
            };
            eprintln!("{label}: {}", printable(&message));
            detailed_exitcode_note(e.exit_status().code());
            ExitCode::from(e.exit_status().code())
        }
    }
}

/// The usage error as the user should read it: without clap's styles (the usage line was styled
/// when the error was made), and with a usage line that names what was typed and what is required,
/// not the globals the environment set (`AZURE_SUBSCRIPTION_ID`, `KVWIRE_AUTH`: clap counts those
/// as given). Parsed again for that without the environment; when the environment was the error's
/// cause, the first error stands, unstyled.
fn plain_usage_error(e: clap::Error) -> clap::Error {
    let plain = || Cli::command().styles(clap::builder::Styles::plain());
    let again = plain()
        .mut_args(|a| a.env(clap::builder::Resettable::Reset))
        .try_get_matches_from(std::env::args_os());
    match again {
        Err(again) if again.kind() == e.kind() => again,
        _ => e.with_cmd(&plain()),
    }
}

/// The rendered error, with kvwire's tip for an az, kubectl or Terraform habit (`cli::habit_tip`)
/// above the last line.
fn with_habit_tip(e: &clap::Error) -> String {
    let text = e.render().ansi().to_string();
    let invalid = e
        .get(clap::error::ContextKind::InvalidArg)
        .map(|v| v.to_string())
        .unwrap_or_default();
    let argv: Vec<String> = std::env::args_os().map(|a| a.to_string_lossy().into_owned()).collect();
    match kvwire::cli::habit_tip(&invalid, &argv) {
        Some(tip) => match text.rfind("\nFor more information") {
            Some(at) => format!("{}  tip: {tip}\n\n{}", &text[..at + 1], &text[at + 1..]),
            None => format!("{text}  tip: {tip}\n"),
        },
        None => text,
    }
}

/// With `--detailed-exitcode`, exit 2 is kvwire's (and az's) usage error, not Terraform's "changes
/// pending" (kvwire's 4): a CI script's `|| [ $? -eq 2 ]` would turn a broken runbook green. The
/// last line says so where the CI author looks.
fn detailed_exitcode_note(code: u8) {
    if code == ExitStatus::Usage.code() && std::env::args_os().any(|a| a == "--detailed-exitcode") {
        eprintln!(
            "note: with --detailed-exitcode, 2 means a usage error here (nothing was written) and 4 means changes pending; in CI: case $? in 0) …;; 4) …;; *) exit 1;; esac"
        );
    }
}
