//! `kvwire-fake --demo` tells the kvwire it runs what the demo's own output is: a terminal's
//! width (`COLUMNS`) and colour (`CLICOLOR_FORCE`), or, piped, the `COLUMNS` it was given and no
//! colour. A stand-in kvwire prints what it was told.
#![cfg(unix)]

use expectrl::{Eof, Expect, Session};
use std::{os::unix::fs::PermissionsExt, path::PathBuf, process::Command, time::Duration};

/// A stand-in kvwire that prints the two variables (the demo runs it for each of its four steps).
fn stand_in() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kvwire-demo-terminal-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("kvwire");
    std::fs::write(
        &path,
        "#!/bin/sh\necho \"kvwire saw COLUMNS=${COLUMNS:-none} CLICOLOR_FORCE=${CLICOLOR_FORCE:-none}\"\n",
    )
    .unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

fn demo(kvwire: &PathBuf) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kvwire-fake"));
    cmd.arg("--demo").arg("--kvwire").arg(kvwire);
    for var in ["COLUMNS", "CLICOLOR_FORCE", "NO_COLOR"] {
        cmd.env_remove(var);
    }
    cmd
}

#[test]
fn the_demo_passes_its_terminal_on_to_kvwire() {
    let kvwire = stand_in();

    // At a terminal 100 columns wide.
    let inner = demo(&kvwire);
    let mut cmd = Command::new("sh");
    cmd.args(["-c", "stty cols 100 rows 50; exec \"$@\"", "sh"])
        .arg(inner.get_program())
        .args(inner.get_args());
    for (k, v) in inner.get_envs() {
        match v {
            Some(v) => cmd.env(k, v),
            None => cmd.env_remove(k),
        };
    }
    let mut p = Session::spawn(cmd).expect("spawn in a pseudo-terminal");
    p.set_expect_timeout(Some(Duration::from_secs(60)));
    p.expect("kvwire saw COLUMNS=100 CLICOLOR_FORCE=1")
        .expect("the terminal's width and colour");
    p.expect(Eof).expect("the demo ends");

    // Piped: no colour, and no width unless COLUMNS names one.
    let out = demo(&kvwire).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("kvwire saw COLUMNS=none CLICOLOR_FORCE=none"), "{text}");
    let out = demo(&kvwire).env("COLUMNS", "90").output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("kvwire saw COLUMNS=90 CLICOLOR_FORCE=none"), "{text}");
    let _ = std::fs::remove_dir_all(kvwire.parent().expect("its directory"));
}
