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
    let shown = text(&before).replace("\r\n", "\n");
    for expected in [
        // 80 columns: the address breaks between words, its resource type goes under it.
        "~ update    cluster rg1/aks1 (managed identity, workload identity, CSI driver\n              add-on)\n              Microsoft.ContainerService/managedClusters\n",
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

/// The rows of the terminals below: the screen a transcript is replayed into is this tall too,
/// so it scrolls as the terminal did.
const ROWS: u16 = 60;

/// `kvwire up -f onboard.toml` at a terminal `cols` wide that echoes what is typed, as a shell's
/// terminal does (the pseudo-terminal starts 80 columns wide, without echo).
fn up_at(fake: &Fake, cols: u16) -> Pty {
    spawn_sh(
        fake,
        &format!("stty cols {cols} rows {ROWS} echo; exec \"$KVWIRE\" up -f onboard.toml"),
    )
}

/// A runbook to apply whose cluster update and node image upgrade take `secs` each, long enough
/// for spinners to turn and for the operation's status to be polled.
fn slow_onboarding(secs: f64) -> Fake {
    let fake = Fake::start();
    fake.seed_sp_cluster("rg1", "aks1", &[("nodepool1", "img-1", "img-2")], json!({}));
    fake.seed_vault("kv-demo", true, true);
    {
        let mut s = fake.state.lock().unwrap();
        for kind in [
            support::fake::OpKind::ClusterUpdate,
            support::fake::OpKind::NodeImageUpgrade,
        ] {
            s.op_duration.insert(kind, Duration::from_secs_f64(secs));
        }
        s.lro_polls = 0;
    }
    runbook(&fake);
    fake
}

/// Every byte the terminal received, across expectations.
#[derive(Default)]
struct Transcript(Vec<u8>);

impl Transcript {
    fn expect(&mut self, p: &mut Pty, needle: &str) {
        let c = p
            .expect(needle)
            .unwrap_or_else(|e| panic!("{needle:?} never came ({e}):\n{}", String::from_utf8_lossy(&self.0)));
        self.0.extend_from_slice(c.before());
        self.0.extend_from_slice(c.get(0).unwrap_or_default());
    }

    /// Read what comes for `time`, as a terminal does: what the program writes meanwhile must not
    /// wait in the pseudo-terminal, where Ctrl-C would discard it.
    fn read_for(&mut self, p: &mut Pty, time: Duration) {
        let until = std::time::Instant::now() + time;
        let mut buf = [0u8; 4096];
        while std::time::Instant::now() < until {
            match p.try_read(&mut buf) {
                Ok(n) if n > 0 => self.0.extend_from_slice(&buf[..n]),
                _ => std::thread::sleep(Duration::from_millis(10)),
            }
        }
    }

    /// To the end; the exit code.
    fn finish(&mut self, p: &mut Pty) -> i32 {
        let (code, rest) = finish(p);
        self.0.extend_from_slice(rest.as_bytes());
        code
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0).into_owned()
    }

    /// What a person sees at the end: the bytes replayed into a screen `cols` wide.
    fn screen(&self, cols: u16) -> Vec<String> {
        let mut term = vt100::Parser::new(nonzero(ROWS), nonzero(cols), 0);
        term.process(&self.0);
        term.screen().rows(0, cols).collect()
    }

    /// Rows a line ran past the terminal's edge on, at any moment of the run. kvwire leaves the
    /// last column blank, so a row written to it is a line the terminal wrapped; unless that row is
    /// one word (an ID or a URL wider than the terminal, which kvwire never cuts).
    fn overflows(&self, cols: u16) -> Vec<String> {
        let mut term = vt100::Parser::new(nonzero(ROWS), nonzero(cols), 0);
        let mut found = vec![];
        for chunk in self.0.chunks(64) {
            term.process(chunk);
            let screen = term.screen();
            for (row, text) in screen.rows(0, cols).enumerate() {
                let full = screen
                    .cell(row as u16, cols - 1)
                    .is_some_and(|c| !c.contents().trim().is_empty());
                if full && text.trim().contains(' ') && !found.contains(&text) {
                    found.push(text);
                }
            }
        }
        found
    }
}

fn nonzero(n: u16) -> std::num::NonZeroU16 {
    n.try_into().expect("a size")
}

/// Issue 24, "terminal width": the plan, the progress lines and what ends the run fit the
/// terminal at 80 and 120 columns, and the operation's status is said in kvwire's words.
#[test]
fn a_plan_and_its_apply_fit_80_and_120_columns() {
    for cols in [80, 120] {
        let fake = slow_onboarding(1.5);
        let mut p = up_at(&fake, cols);
        let mut seen = Transcript::default();
        seen.expect(&mut p, "Enter a value: ");
        p.send("yes\r").unwrap();
        let code = seen.finish(&mut p);
        let text = seen.text();
        assert_eq!(code, 0, "{text}");
        assert!(text.contains("Apply complete: 10 applied"), "{text}");
        let overflows = seen.overflows(cols);
        assert!(
            overflows.is_empty(),
            "at {cols} columns, lines ran past the edge:\n{}",
            overflows.join("\n")
        );
        // ARM's status, polled while the cluster updates, in kvwire's words.
        assert!(!text.contains("InProgress"), "{text}");
        assert!(text.contains(": in progress ("), "{text}");
        let screen = seen.screen(cols).join("\n");
        assert!(
            screen.contains("✔ nodepool rg1/aks1/nodepool1: done ("),
            "each step's last line stays, whole:\n{screen}"
        );
    }
}

/// Ctrl-C during an apply clears the spinners of what still runs; the lines of the steps that
/// finished stay on the screen above the interrupt's report.
#[test]
fn ctrl_c_keeps_the_lines_of_finished_steps() {
    let fake = slow_onboarding(60.0);
    let mut p = up_at(&fake, 80);
    let mut seen = Transcript::default();
    seen.expect(&mut p, "Enter a value: ");
    p.send("yes\r").unwrap();
    // The identity needs nothing that runs long: it is done while the cluster update runs.
    seen.expect(&mut p, "identity rg1/id-shop: done (");
    seen.read_for(&mut p, Duration::from_millis(500));
    p.send("\x03").unwrap();
    let code = seen.finish(&mut p);
    assert_eq!(code, 130, "{}", seen.text());
    let screen = seen.screen(80);
    let shown = screen.join("\n");
    assert!(
        screen.iter().any(|r| r.starts_with("✔ identity rg1/id-shop: done (")),
        "the finished step's line was erased:\n{shown}"
    );
    assert!(shown.contains("Interrupted: nothing new was started"), "{shown}");
    assert!(
        shown.contains(
            "  cluster rg1/aks1 (managed identity, workload identity, CSI driver add-on):\n    updating the cluster ("
        ),
        "what goes on in Azure is listed:\n{shown}"
    );
    let spinning: Vec<&String> = screen
        .iter()
        .filter(|r| r.starts_with(|c: char| ('\u{2800}'..='\u{28ff}').contains(&c)))
        .collect();
    assert!(
        spinning.is_empty(),
        "spinners left on the screen: {spinning:#?}\n{shown}"
    );
}
