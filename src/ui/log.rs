//! Minimal leveled logging to stderr, driven by `-v`/`-q`.
//! Level 0 = warnings only (with `-q`: errors only), 1 = steps, 2 = HTTP requests, 3 = HTTP headers and ARM bodies.
//! Nothing here may ever print a token or a secret value: callers pass redacted data only.

use std::sync::atomic::{AtomicI8, Ordering};

static LEVEL: AtomicI8 = AtomicI8::new(0);

pub fn set_level(verbose: u8, quiet: bool) {
    let level = if quiet { -1 } else { verbose.min(3) as i8 };
    LEVEL.store(level, Ordering::Relaxed);
}

pub(crate) fn enabled(level: i8) -> bool {
    LEVEL.load(Ordering::Relaxed) >= level
}

#[macro_export]
macro_rules! log_at {
    ($lvl:expr, $tag:expr, $($arg:tt)*) => {
        if $crate::ui::log::enabled($lvl) {
            // Log lines quote Azure's answers and headers: escaped like all output.
            eprintln!("{}: {}", $tag, $crate::util::text::printable(&format!($($arg)*)));
        }
    };
}
/// Something the user should know even without `-v`.
#[macro_export]
macro_rules! warn { ($($arg:tt)*) => { $crate::log_at!(0, "warning", $($arg)*) }; }
/// Steps of a command (`-v`).
#[macro_export]
macro_rules! info { ($($arg:tt)*) => { $crate::log_at!(1, "info", $($arg)*) }; }
/// HTTP request lines (`-vv`).
#[macro_export]
macro_rules! debug { ($($arg:tt)*) => { $crate::log_at!(2, "debug", $($arg)*) }; }
/// Headers and ARM bodies, redacted (`-vvv`).
#[macro_export]
macro_rules! trace { ($($arg:tt)*) => { $crate::log_at!(3, "trace", $($arg)*) }; }
