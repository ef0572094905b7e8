//! The checked-in completions under completions/ must match what the binary generates.
//! Regenerate with: `cargo run -- completions bash > completions/kvwire.bash` (and zsh, fish, powershell),
//! or run this test with KVWIRE_REGENERATE=1.

use std::path::PathBuf;

#[test]
fn completions_are_current() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("completions");
    let regenerate = std::env::var_os("KVWIRE_REGENERATE").is_some();
    for (shell, file) in [
        ("bash", "kvwire.bash"),
        ("zsh", "_kvwire"),
        ("fish", "kvwire.fish"),
        ("powershell", "_kvwire.ps1"),
    ] {
        let out = assert_cmd::Command::cargo_bin("kvwire")
            .unwrap()
            .args(["completions", shell])
            .output()
            .unwrap();
        assert!(out.status.success());
        let path = dir.join(file);
        if regenerate {
            std::fs::write(&path, &out.stdout).unwrap();
            continue;
        }
        let checked_in = std::fs::read(&path).unwrap_or_default();
        assert!(
            checked_in == out.stdout,
            "completions/{file} is stale: run `KVWIRE_REGENERATE=1 cargo test --test e2e completions::`"
        );
    }
}
