//! Confirmation at a real terminal: the binary runs in a pseudo-terminal against the fake, and the
//! test types as a person would.
#![cfg(unix)]

mod support;

use expectrl::{Eof, Expect, Session, process::unix::WaitStatus};
use serde_json::{Value, json};
use std::{process::Command, time::Duration};
use support::Fake;

const DB: [(&str, &str); 4] = [
    ("DB_HOST", "pg.internal.example"),
    ("DB_NAME", "orders"),
    ("DB_USERNAME", "orders_app"),
    ("DB_PASSWORD", "Zq7!pty-s3cr3t"),
];

type Pty = expectrl::session::OsSession;

/// `kvwire ARGS` in a pseudo-terminal: stdin, stdout and stderr are the terminal.
fn spawn(fake: &Fake, args: &[&str]) -> Pty {
    let mut cmd = fake.kvwire_process();
    cmd.args(args);
    for (k, v) in DB {
        cmd.env(k, v);
    }
    session(cmd)
}

/// `sh -c SCRIPT` in a pseudo-terminal with the environment `fake.kvwire()` gets; `$KVWIRE` is the binary.
fn spawn_sh(fake: &Fake, script: &str) -> Pty {
    let kvwire = fake.kvwire_process();
    let mut cmd = Command::new("sh");
    cmd.args(["-c", script]).current_dir(&fake.dir);
    for (k, v) in kvwire.get_envs() {
        match v {
            Some(v) => cmd.env(k, v),
            None => cmd.env_remove(k),
        };
    }
    cmd.env("KVWIRE", kvwire.get_program());
    for (k, v) in DB {
        cmd.env(k, v);
    }
    session(cmd)
}

fn session(cmd: Command) -> Pty {
    let mut p = Session::spawn(cmd).expect("spawn in a pseudo-terminal");
    p.set_expect_timeout(Some(Duration::from_secs(60)));
    p
}

/// Read to the end and return the exit code and everything after the last expectation.
fn finish(p: &mut Pty) -> (i32, String) {
    let rest = p.expect(Eof).expect("the program ends");
    let rest = String::from_utf8_lossy(rest.get(0).unwrap_or_default()).to_string();
    match p.get_process().wait().expect("wait") {
        WaitStatus::Exited(_, code) => (code, rest),
        other => panic!("{other:?}\n{rest}"),
    }
}

fn text(c: &expectrl::Captures) -> String {
    String::from_utf8_lossy(c.before()).to_string()
}

#[test]
fn y_then_es_is_one_answer_read_at_enter() {
    let fake = Fake::start();
    fake.seed_sp_cluster("rg1", "aks1", &[("nodepool1", "img-1", "img-1")], json!({}));
    let args = [
        "workload-identity",
        "-g",
        "rg1",
        "-n",
        "aks1",
        "--identity",
        "id-app",
        "--namespace",
        "shop",
        "--service-account",
        "checkout",
    ];
    let mut p = spawn(&fake, &args);
    let plan = p.expect("change(s)? [y/N] ").unwrap();
    assert!(
        text(&plan).contains("Plan: "),
        "the plan comes before the question:\n{}",
        text(&plan)
    );
    p.send("y").unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    assert!(fake.writes().is_empty(), "one keypress applied: {:#?}", fake.writes());
    p.send("es\r").unwrap();
    let (code, rest) = finish(&mut p);
    assert_eq!(code, 0, "{rest}");
    assert!(rest.contains("Apply complete"), "{rest}");
    assert!(!fake.writes().is_empty(), "the whole line `yes` applies");

    // Enter alone is no.
    let fake = Fake::start();
    fake.seed_sp_cluster("rg1", "aks1", &[("nodepool1", "img-1", "img-1")], json!({}));
    let mut p = spawn(&fake, &args);
    p.expect("change(s)? [y/N] ").unwrap();
    p.send("\r").unwrap();
    let (code, rest) = finish(&mut p);
    assert_eq!(code, 2, "{rest}");
    assert!(rest.contains("cancelled: nothing was changed"), "{rest}");
    assert!(fake.writes().is_empty());
}

#[test]
fn the_managed_identity_switch_needs_the_word_yes() {
    let fake = Fake::start();
    fake.seed_sp_cluster("rg1", "aks1", &[("nodepool1", "img-1", "img-1")], json!({}));
    let args = ["cluster", "enable-managed-identity", "-g", "rg1", "-n", "aks1"];

    let mut p = spawn(&fake, &args);
    p.expect("Only 'yes' will be accepted to approve.").unwrap();
    p.expect("Enter a value: ").unwrap();
    p.send("y\r").unwrap();
    let (code, rest) = finish(&mut p);
    assert_eq!(code, 2, "{rest}");
    assert!(rest.contains("only the word 'yes' approves"), "{rest}");
    assert!(
        fake.writes().is_empty(),
        "`y` switched the cluster: {:#?}",
        fake.writes()
    );

    let mut p = spawn(&fake, &args);
    p.expect("Enter a value: ").unwrap();
    p.send("yes\r").unwrap();
    let (code, rest) = finish(&mut p);
    assert_eq!(code, 0, "{rest}");
    assert!(rest.contains("Apply complete: 1 applied"), "{rest}");
    assert_eq!(fake.writes().len(), 1, "{:#?}", fake.writes());
}

fn runbook(fake: &Fake) -> std::path::PathBuf {
    let path = fake.dir.join("onboard.toml");
    std::fs::write(&path, support::ONBOARD_RUNBOOK).unwrap();
    path
}

#[test]
fn piped_stdout_still_shows_the_plan_at_the_terminal() {
    let fake = Fake::start();
    fake.seed_sp_cluster("rg1", "aks1", &[("nodepool1", "img-1", "img-2")], json!({}));
    fake.seed_vault("kv-demo", true, true);
    runbook(&fake);
    let mut p = spawn_sh(&fake, "\"$KVWIRE\" up -f onboard.toml | tee log");
    let before = p.expect("Enter a value: ").unwrap();
    let shown = text(&before);
    for expected in [
        "~ update    cluster rg1/aks1 (managed identity, workload identity, CSI driver add-on)",
        "+ create    identity rg1/id-shop",
        "Plan: ",
        "Apply ",
    ] {
        assert!(
            shown.contains(expected),
            "{expected:?} not shown before the question:\n{shown}"
        );
    }
    assert!(!shown.contains('{'), "the document waits for the end:\n{shown}");
    assert!(
        !shown.contains("keeps using service principal"),
        "up upgrades the node images itself: no advice to run it by hand:\n{shown}"
    );
    p.send("yes\r").unwrap();
    let (code, rest) = finish(&mut p);
    assert_eq!(code, 0, "{rest}");
    let log = std::fs::read_to_string(fake.dir.join("log")).unwrap();
    let doc: Value = serde_json::from_str(&log).unwrap_or_else(|e| panic!("{e}: stdout is the JSON document:\n{log}"));
    assert_eq!(doc["command"], "up");
    assert!(
        !log.contains("Plan: "),
        "the text plan goes to the terminal, not the log"
    );
}

#[test]
fn down_needs_the_word_yes_and_ends_destroy_complete() {
    let fake = Fake::start();
    fake.seed_sp_cluster("rg1", "aks1", &[("nodepool1", "img-1", "img-2")], json!({}));
    fake.seed_vault("kv-demo", true, true);
    let rb = runbook(&fake);
    let mut up = fake.kvwire();
    for (k, v) in DB {
        up.env(k, v);
    }
    let (_, all, code) = support::outcome(up.args(["up", "--yes", "-o", "json", "-f"]).arg(&rb));
    assert_eq!(code, 0, "{all}");
    fake.clear_journal();

    let args = ["down", "-f", rb.to_str().unwrap()];
    let mut p = spawn(&fake, &args);
    let asked = p.expect("Enter a value: ").unwrap();
    let asked = text(&asked);
    assert!(
        asked.contains("Destroy 3 resource(s)?") && asked.contains("Only 'yes' will be accepted to approve."),
        "{asked}"
    );
    p.send("y\r").unwrap();
    let (code, rest) = finish(&mut p);
    assert_eq!(code, 2, "{rest}");
    assert!(fake.writes().is_empty(), "`y` destroyed: {:#?}", fake.writes());

    let mut p = spawn(&fake, &args);
    p.expect("Enter a value: ").unwrap();
    p.send("yes\r").unwrap();
    let (code, rest) = finish(&mut p);
    assert_eq!(code, 0, "{rest}");
    assert!(rest.contains("Destroy complete: 3 destroyed"), "{rest}");
    assert_eq!(
        fake.writes().iter().filter(|w| w.method == "DELETE").count(),
        3,
        "{:#?}",
        fake.writes()
    );
}

/// At a terminal `error:` is red; NO_COLOR (any non-empty value) and --no-color turn it off.
#[test]
fn errors_are_red_at_a_terminal_unless_no_color() {
    let fake = Fake::start();
    let mut cmd = fake.kvwire_process();
    cmd.args(["kubelet-identity", "-g", "rg1", "-n", "no-such-cluster"])
        .env_remove("NO_COLOR");
    let mut p = session(cmd);
    let (code, out) = finish(&mut p);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("\u{1b}[1;31merror\u{1b}[0m: cluster rg1/no-such-cluster was not found"),
        "{out:?}"
    );
    let mut cmd = fake.kvwire_process();
    cmd.args(["kubelet-identity", "-g", "rg1", "-n", "no-such-cluster"])
        .env("NO_COLOR", "1");
    let mut p = session(cmd);
    let (_, out) = finish(&mut p);
    assert!(
        out.contains("error: cluster rg1/no-such-cluster") && !out.contains("\u{1b}[1;31m"),
        "{out:?}"
    );
    let mut cmd = fake.kvwire_process();
    cmd.args(["--no-color", "kubelet-identity", "-g", "rg1", "-n", "no-such-cluster"])
        .env_remove("NO_COLOR");
    let mut p = session(cmd);
    let (_, out) = finish(&mut p);
    assert!(!out.contains("\u{1b}[1;31m"), "{out:?}");
}
