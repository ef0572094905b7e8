//! `cargo run --release --bin kvwire-demo`: builds kvwire and the local Azure, then runs
//! `plan`, `up`, `up again` and `verify` of examples/onboard.toml against it
//! (`kvwire-fake --demo`).
//!
//! `KVWIRE_BIN` picks an already built kvwire; `--runbook FILE` another runbook.
//!
//! This launcher is a package of its own with no dependencies: `cargo run` builds it in seconds,
//! and the two big binaries are built by one cargo command below, as a build of the whole
//! workspace builds them (docs/benchmarks.md).

use std::{
    path::{Path, PathBuf},
    process::Command,
};

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut runbook = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match (a.as_str(), args.next()) {
            ("--runbook", Some(f)) => runbook = Some(f),
            _ => {
                eprintln!("usage: kvwire-demo [--runbook FILE]");
                std::process::exit(2);
            }
        }
    }
    let me = std::env::current_exe().expect("the demo's own path");
    let dir = me.parent().expect("target/<profile>").to_path_buf();
    let given = std::env::var_os("KVWIRE_BIN").map(PathBuf::from);
    let mut bins = vec!["kvwire-fake"];
    if given.is_none() {
        bins.push("kvwire");
    }
    build(&root, &dir, &bins);
    let exe = |name: &str| dir.join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    let kvwire = given.unwrap_or_else(|| exe("kvwire"));
    let mut demo = Command::new(exe("kvwire-fake"));
    demo.arg("--demo").arg("--kvwire").arg(&kvwire);
    if let Some(f) = &runbook {
        demo.args(["--runbook", f]);
    }
    match demo.status() {
        Ok(s) => std::process::exit(s.code().unwrap_or(1)),
        Err(e) => {
            eprintln!("error: cannot run {}: {e}", exe("kvwire-fake").display());
            std::process::exit(1);
        }
    }
}

/// Build `bins` with the same profile as this launcher, next to it, in one cargo command, and the
/// same packages selected: no `-p`, so the workspace's default members (all of them), as `cargo
/// build --workspace` selects them. Cargo unifies dependencies' features
/// across the selected packages: `-p kvwire` alone would compile serde, tokio, hyper, rustls… a
/// second time with kvwire's features only, and a workspace build would then replace that kvwire.
fn build(root: &Path, dir: &Path, bins: &[&str]) {
    let release = dir.file_name().is_some_and(|n| n == "release");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.current_dir(root).arg("build");
    for b in bins {
        cmd.args(["--bin", b]);
    }
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
    eprintln!("building {} (cargo's progress follows)…", bins.join(" and "));
    match cmd.status() {
        Ok(s) if s.success() => {}
        other => {
            eprintln!("error: building {} failed ({other:?})", bins.join(" and "));
            std::process::exit(1);
        }
    }
}
