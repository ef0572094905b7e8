//! A reader that goes away (`kvwire completions zsh | head -1`) ends the output quietly: no panic,
//! no message, the command's own exit status (docs/security.md, "A closed stdout").

use crate::support;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use support::Fake;

/// Runs `cmd`, reads the first line of its stdout, closes the pipe, and returns that line, the
/// exit code and stderr. The output must exceed a pipe's buffer (64 KiB on Linux) so that kvwire
/// is still writing when the pipe closes.
fn head_1(mut cmd: Command) -> (String, Option<i32>, String) {
    let mut child = cmd.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    // The reader is dropped here: the pipe is closed.
    let out = child.wait_with_output().unwrap();
    (
        first,
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

#[test]
fn completions_into_a_closed_pipe_end_quietly() {
    let f = Fake::start();
    let mut cmd = f.kvwire_process();
    cmd.args(["completions", "zsh"]);
    let (first, code, stderr) = head_1(cmd);
    assert_eq!(first, "#compdef kvwire\n");
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stderr.is_empty(), "{stderr}");
}

#[test]
fn lint_into_a_closed_pipe_ends_quietly_in_text_and_json() {
    let f = Fake::start();
    let m = f
        .kvwire()
        .args(["manifests", "--offline", "--vault", "kv-demo", "--namespace", "shop"])
        .args([
            "--tenant-id",
            support::fake::TENANT,
            "--client-id",
            support::fake::CLIENT_ID,
        ])
        .output()
        .unwrap();
    assert!(m.status.success(), "{}", String::from_utf8_lossy(&m.stderr));
    let all = String::from_utf8(m.stdout).unwrap();
    let spc = all.split("---\n").next().unwrap();
    assert!(spc.contains("kind: SecretProviderClass"), "{spc}");
    // About 300 KB of output, each line flushed as it is written.
    let many: Vec<String> = (0..3000)
        .map(|i| spc.replace("name: kvwire-kv-demo", &format!("name: spc-{i}")))
        .collect();
    let path = f.dir.join("many.yaml");
    std::fs::write(&path, many.join("---\n")).unwrap();
    for format in ["text", "json"] {
        let mut cmd = f.kvwire_process();
        cmd.args(["-o", format, "lint"]).arg(&path);
        let (first, code, stderr) = head_1(cmd);
        assert!(!first.is_empty(), "{format}");
        assert_eq!(code, Some(0), "{format}: {stderr}");
        assert!(!stderr.contains("panicked"), "{format}: {stderr}");
        assert!(stderr.is_empty(), "{format}: {stderr}");
    }
}
