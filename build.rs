//! The commit kvwire was built from, for `kvwire --version` (`KVWIRE_COMMIT`); "unknown" outside a
//! git checkout (a crate tarball, `cargo install` from a registry).

use std::path::Path;

fn main() {
    let commit = std::process::Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "unknown".into());
    println!("cargo:rustc-env=KVWIRE_COMMIT={commit}");
    // Rebuilt when HEAD moves (a checkout, a commit), not on every build. Only files that exist
    // are named: cargo counts a missing one as changed, every time.
    let head = Path::new(".git/HEAD");
    let mut watch = vec![head.to_path_buf()];
    if let Some(branch) = std::fs::read_to_string(head)
        .ok()
        .and_then(|h| h.strip_prefix("ref: ").map(|r| r.trim().to_string()))
    {
        watch.push(Path::new(".git").join(branch));
    }
    watch.push(Path::new(".git/packed-refs").to_path_buf());
    if watch.iter().all(|p| !p.exists()) {
        // Not a git checkout: nothing to watch but this script.
        println!("cargo:rerun-if-changed=build.rs");
    }
    for p in watch.iter().filter(|p| p.exists()) {
        println!("cargo:rerun-if-changed={}", p.display());
    }
}
