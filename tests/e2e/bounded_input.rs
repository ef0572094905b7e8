//! Every input is bounded (docs/security.md, "Bounded input"): an endless or oversized file or
//! stream, or a YAML file whose aliases expand to gigabytes, is refused with exit 2 and a message
//! naming it. The binary runs with its address space capped, so a reader without a bound aborts
//! at the cap instead of taking the machine's memory.

use crate::support;

use std::path::Path;
use std::process::{Command, Output, Stdio};
use support::Fake;

/// Far above what kvwire needs (a debug build runs in under 300 MiB of address space), far below
/// what an unbounded read of /dev/zero or an expanded alias bomb asks for.
const ADDRESS_SPACE_KIB: u64 = 512 * 1024;

/// `f.kvwire()` run under `ulimit -v`.
fn capped(f: &Fake, args: &[&str]) -> Command {
    let inner = f.kvwire_process();
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(format!("ulimit -v {ADDRESS_SPACE_KIB} && exec \"$@\""))
        .arg("sh")
        .arg(inner.get_program())
        .args(args);
    for (k, v) in inner.get_envs() {
        match v {
            Some(v) => cmd.env(k, v),
            None => cmd.env_remove(k),
        };
    }
    cmd
}

fn refused(mut cmd: Command, stdin: Stdio, names: &[&str]) -> String {
    let out: Output = cmd.stdin(stdin).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(2), "{:?} {}", out.status, stderr);
    for n in names {
        assert!(stderr.contains(n), "{n:?} not in: {stderr}");
    }
    assert!(out.stdout.is_empty(), "{}", String::from_utf8_lossy(&out.stdout));
    stderr
}

const DB: [(&str, &str); 4] = [
    ("DB_HOST", "h"),
    ("DB_NAME", "n"),
    ("DB_USERNAME", "u"),
    ("DB_PASSWORD", "p"),
];

fn zero() -> Stdio {
    Stdio::from(std::fs::File::open("/dev/zero").unwrap())
}

/// An SPC of about 670 KB: one 100,000-character anchored scalar aliased 190,000 times, 19 GB
/// once expanded. Few nodes, so a node budget alone lets it through.
fn alias_bomb(path: &Path) {
    let mut text = String::from(
        "apiVersion: secrets-store.csi.x-k8s.io/v1\nkind: SecretProviderClass\nmetadata:\n  name: app\n  annotations:\n",
    );
    text.push_str(&format!("    pad: &a {}\n", "x".repeat(100_000)));
    text.push_str("spec:\n  provider: azure\n  parameters:\n    padding: [");
    text.push_str(&vec!["*a"; 190_000].join(","));
    text.push_str("]\n");
    assert!(text.len() > 600_000 && text.len() < 1_000_000);
    std::fs::write(path, text).unwrap();
}

#[test]
fn lint_refuses_aliases_before_expanding_them() {
    let f = Fake::start();
    let path = f.dir.join("spc-bomb.yaml");
    alias_bomb(&path);
    let e = refused(
        capped(&f, &["lint", path.to_str().unwrap()]),
        Stdio::null(),
        &["spc-bomb.yaml:6:", "anchors and aliases"],
    );
    assert!(e.len() < 400, "{e}");
}

#[test]
fn verify_refuses_an_emitted_manifest_turned_alias_bomb() {
    let f = Fake::start();
    f.seed_sp_cluster("rg1", "aks1", &[("nodepool1", "img-1", "img-2")], serde_json::json!({}));
    f.seed_vault("kv-demo", true, true);
    let rb = f.dir.join("onboard.toml");
    std::fs::write(&rb, support::ONBOARD_RUNBOOK).unwrap();
    let out = f
        .kvwire()
        .envs(DB)
        .args(["--yes", "up", "-f"])
        .arg(&rb)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let spc = f.dir.join("k8s/secretproviderclass.yaml");
    assert!(spc.exists());
    alias_bomb(&spc);
    let out = capped(&f, &["verify", "-f", rb.to_str().unwrap()])
        .envs(DB)
        .output()
        .unwrap();
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    // The check fails, naming the file and why; verify itself runs to its end.
    assert_eq!(out.status.code(), Some(3), "{:?} {all}", out.status);
    assert!(
        all.contains("secretproviderclass.yaml:6:") && all.contains("anchors and aliases"),
        "{all}"
    );
}

#[test]
fn an_endless_runbook_is_refused() {
    let f = Fake::start();
    refused(
        capped(&f, &["plan", "-f", "/dev/zero"]),
        Stdio::null(),
        &["/dev/zero", "larger than 1 MiB", "a runbook"],
    );
}

#[test]
fn an_endless_env_file_and_stdin_are_refused() {
    let f = Fake::start();
    refused(
        capped(
            &f,
            &["secrets", "seed", "--vault", "kv-demo", "--from-file", "/dev/zero"],
        ),
        Stdio::null(),
        &["--from-file /dev/zero", "larger than 1 MiB"],
    );
    refused(
        capped(&f, &["secrets", "seed", "--vault", "kv-demo", "--stdin"]),
        zero(),
        &["--stdin", "larger than 1 MiB"],
    );
    // A runbook's [secrets] file.
    let rb = f.dir.join("rb.toml");
    std::fs::write(
        &rb,
        support::ONBOARD_RUNBOOK.replace("source = \"env\"", "source = \"file\"\nfile = \"/dev/zero\""),
    )
    .unwrap();
    refused(
        capped(&f, &["plan", "-f", rb.to_str().unwrap()]),
        Stdio::null(),
        &["[secrets] file /dev/zero", "larger than 1 MiB"],
    );
}

#[test]
fn an_endless_plan_file_is_refused() {
    let f = Fake::start();
    refused(
        capped(&f, &["up", "--plan", "/dev/zero"]),
        Stdio::null(),
        &["--plan /dev/zero", "larger than 16 MiB", "a saved plan"],
    );
}

#[test]
fn endless_yaml_is_refused_from_a_file_and_from_stdin() {
    let f = Fake::start();
    refused(
        capped(&f, &["lint", "/dev/zero"]),
        Stdio::null(),
        &["/dev/zero", "larger than 4 MiB"],
    );
    refused(capped(&f, &["lint", "-"]), zero(), &["stdin", "larger than 4 MiB"]);
}

#[test]
fn an_endless_cloud_file_and_ca_bundle_are_refused() {
    let f = Fake::start();
    for (flag, limit) in [("--cloud", "1 MiB"), ("--ca-bundle", "4 MiB")] {
        let mut cmd = capped(
            &f,
            &[flag, "/dev/zero", "secrets", "seed", "--vault", "kv-demo", "--from-env"],
        );
        cmd.envs(DB);
        refused(cmd, Stdio::null(), &[&format!("{flag} /dev/zero"), limit]);
    }
}
