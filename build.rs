//! The commit kvwire was built from, for `kvwire --version` (`KVWIRE_COMMIT`); "unknown" outside a
//! git checkout (a crate tarball, `cargo install` from a registry).

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
    // Rebuilt when HEAD moves (a checkout, a commit), not on every build.
    for f in [".git/HEAD", ".git/refs/heads", ".git/packed-refs"] {
        println!("cargo:rerun-if-changed={f}");
    }
}
