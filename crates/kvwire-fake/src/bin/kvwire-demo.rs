//! `cargo run --release --bin kvwire-demo`: builds kvwire, starts a local Azure, and runs
//! `plan`, `up`, `up` again and `verify` of examples/onboard.toml against it.
//!
//! `KVWIRE_BIN` picks an already built kvwire; `--runbook FILE` another runbook.

use std::{
    io::Write,
    path::{Path, PathBuf},
    process::Command,
};

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut runbook = root.join("examples/onboard.toml");
    let mut shown = "examples/onboard.toml".to_string();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match (a.as_str(), args.next()) {
            ("--runbook", Some(f)) => {
                runbook = PathBuf::from(&f);
                shown = f;
            }
            _ => {
                eprintln!("usage: kvwire-demo [--runbook FILE]");
                std::process::exit(2);
            }
        }
    }
    let kvwire = match std::env::var_os("KVWIRE_BIN") {
        Some(p) => PathBuf::from(p),
        None => build_kvwire(&root),
    };
    let mut out = std::io::stdout();
    // Colour and width as kvwire itself would at this terminal (no-color.org's NO_COLOR is
    // honoured there); piped, the width COLUMNS names, if any.
    let terminal = kvwire_fake::demo::Terminal {
        colour: std::io::IsTerminal::is_terminal(&out),
        columns: terminal_size::terminal_size_of(&out)
            .map(|(w, _)| usize::from(w.0))
            .or_else(|| std::env::var("COLUMNS").ok()?.trim().parse().ok()),
    };
    let result = kvwire_fake::demo::run(&kvwire, &runbook, &shown, terminal, &mut |s| {
        let _ = out.write_all(s.as_bytes());
        let _ = out.flush();
    });
    match result {
        Ok(o) if o.ok => {}
        Ok(_) => std::process::exit(1),
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    }
}

/// Build the kvwire binary with the same profile as this demo, next to it, and the same packages
/// selected: no `-p`, so the workspace's default members, as `cargo run --bin kvwire-demo` and
/// `cargo build --workspace` select them. Cargo unifies dependencies' features across the selected
/// packages: `-p kvwire` alone would compile serde, tokio, hyper, rustls… a second time with
/// kvwire's features only, and a workspace build would then replace that kvwire.
fn build_kvwire(root: &Path) -> PathBuf {
    let me = std::env::current_exe().expect("the demo's own path");
    let dir = me.parent().expect("target/<profile>").to_path_buf();
    let release = dir.file_name().is_some_and(|n| n == "release");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.current_dir(root).args(["build", "--bin", "kvwire"]);
    if release {
        cmd.arg("--release");
    }
    // `cargo run` set these for this process; passed on, they change the fingerprints of
    // dependencies whose build scripts read them (ring's), so this build and the next `cargo run`
    // would rebuild each other every time.
    for (k, _) in std::env::vars_os() {
        let k = k.to_string_lossy();
        if k.starts_with("CARGO_PKG_")
            || [
                "CARGO_MANIFEST_DIR",
                "CARGO_MANIFEST_PATH",
                "CARGO_MANIFEST_LINKS",
                "CARGO_CRATE_NAME",
                "CARGO_BIN_NAME",
                "CARGO_PRIMARY_PACKAGE",
            ]
            .contains(&k.as_ref())
        {
            cmd.env_remove(k.as_ref());
        }
    }
    eprintln!("building kvwire (cargo's progress follows)…");
    match cmd.status() {
        Ok(s) if s.success() => dir.join(format!("kvwire{}", std::env::consts::EXE_SUFFIX)),
        other => {
            eprintln!("error: building kvwire failed ({other:?}); set KVWIRE_BIN to a built kvwire");
            std::process::exit(1);
        }
    }
}
