//! Everything kvwire writes to stdout goes through here (`out!`, `outln!`, [`write`]); lib.rs
//! denies `print!`/`println!`, which panic when the reader has gone (`kvwire show plan | head`).
//!
//! A closed stdout ends the output, not the command: kvwire stops writing to it and finishes
//! what it is doing, so a pipe closed early never interrupts a change half-way, and exits with the
//! command's own status (0 for `kvwire completions zsh | head -1`). Any other write error is
//! reported once at exit, with status 1 if the command had succeeded.

use std::io::Write;
use std::sync::OnceLock;

/// The first write error; nothing more is written after it.
static FAILED: OnceLock<std::io::ErrorKind> = OnceLock::new();

/// Write `bytes` to stdout unless an earlier write failed.
pub(crate) fn write(bytes: &[u8]) {
    if FAILED.get().is_some() {
        return;
    }
    let mut out = std::io::stdout().lock();
    // Flushed here so a failure is seen now, not lost in the flush at exit.
    if let Err(e) = out.write_all(bytes).and_then(|()| out.flush()) {
        let _ = FAILED.set(e.kind());
    }
}

pub(crate) fn write_fmt(args: std::fmt::Arguments<'_>) {
    match args.as_str() {
        Some(s) => write(s.as_bytes()),
        None => write(args.to_string().as_bytes()),
    }
}

/// Why the command's document was not written as `--query`/`-o` asked (a query that fails on
/// this document): reported by main with status 1, like a failed write, after the command has
/// finished what it was doing.
static UNWRITTEN: OnceLock<String> = OnceLock::new();

pub(crate) fn unwritten(why: String) {
    let _ = UNWRITTEN.set(why);
}

/// See [`unwritten`].
pub fn unwritten_reason() -> Option<&'static str> {
    UNWRITTEN.get().map(String::as_str)
}

/// A write error other than a reader that went away, for main to report.
pub fn failure() -> Option<std::io::ErrorKind> {
    FAILED.get().copied().filter(|k| *k != std::io::ErrorKind::BrokenPipe)
}

/// `print!` that survives a closed stdout.
macro_rules! out {
    ($($arg:tt)*) => { $crate::ui::stdout::write_fmt(format_args!($($arg)*)) };
}
/// `println!` that survives a closed stdout.
macro_rules! outln {
    () => { $crate::ui::stdout::write(b"\n") };
    ($($arg:tt)*) => { $crate::ui::stdout::write_fmt(format_args!("{}\n", format_args!($($arg)*))) };
}
pub(crate) use {out, outln};
