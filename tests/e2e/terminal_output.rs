//! What kvwire prints cannot drive the terminal: control characters in text from Azure (error
//! messages, tag values), from a saved plan file or from an argument clap rejects are shown
//! escaped (`\u{1b}`), never raw, in every output format.

use crate::support;

use serde_json::{Value, json};
use support::{Fake, fake::state::FaultKind};

/// Clear the line, go back to its start, retitle the window, move up a line.
const HOSTILE: &str = "evil\x1b[2K\r\x1b]0;owned\x07\x1b[1A\u{9b}2J";

const DB: [(&str, &str); 4] = [
    ("DB_HOST", "pg.internal.example"),
    ("DB_NAME", "orders"),
    ("DB_USERNAME", "orders_app"),
    ("DB_PASSWORD", "Zq7!terminal-s3cr3t"),
];

fn fresh() -> (Fake, std::path::PathBuf) {
    let fake = Fake::start();
    fake.seed_sp_cluster("rg1", "aks1", &[("nodepool1", "img-1", "img-1")], json!({}));
    fake.seed_vault("kv-demo", true, true);
    let rb = fake.dir.join("onboard.toml");
    std::fs::write(&rb, support::ONBOARD_RUNBOOK).unwrap();
    (fake, rb)
}

/// stdout and stderr together, and the exit code.
fn run(fake: &Fake, args: &[&str]) -> (String, i32) {
    let mut cmd = fake.kvwire();
    for (k, v) in DB {
        cmd.env(k, v);
    }
    let (_, all, code) = support::outcome(cmd.current_dir(&fake.dir).args(args));
    (all, code)
}

/// No raw control character but newline and tab; in text, the hostile text is there, escaped
/// (JSON and YAML have escapes of their own).
fn assert_escaped(all: &str, format: &str) {
    let raw: Vec<char> = all
        .chars()
        .filter(|c| c.is_control() && *c != '\n' && *c != '\t')
        .collect();
    assert!(raw.is_empty(), "raw control characters {raw:?} in:\n{all}");
    if format == "text" {
        assert!(
            all.contains(r"evil\u{1b}[2K\u{d}\u{1b}]0;owned\u{7}\u{1b}[1A\u{9b}2J"),
            "{all}"
        );
    } else {
        assert!(all.contains("evil"), "{all}");
    }
}

#[test]
fn plan_shows_an_azure_error_message_escaped() {
    let (fake, _) = fresh();
    for format in ["text", "json"] {
        fake.fault(
            Some("GET"),
            "managedClusters/aks1",
            1,
            FaultKind::ErrorMessage {
                status: 403,
                code: "AuthorizationFailed".into(),
                message: format!("The client does not have authorization over scope '{HOSTILE}'"),
            },
        );
        let (all, code) = run(&fake, &["plan", "-o", format, "-f", "onboard.toml"]);
        assert_ne!(code, 0, "{all}");
        // The error line is text whatever -o says.
        assert_escaped(&all, "text");
    }
}

#[test]
fn down_shows_tag_values_from_azure_escaped() {
    let (fake, _) = fresh();
    let (all, code) = run(&fake, &["--yes", "up", "-f", "onboard.toml"]);
    assert_eq!(code, 0, "{all}");
    // Another runbook's name, as anyone with write access to the tag can set it.
    let tagged: Vec<String> = {
        let mut s = fake.state.lock().unwrap();
        let mut ids = vec![];
        for (id, doc) in s.resources.iter_mut() {
            if doc.pointer("/tags/kvwire-runbooks").is_some() {
                doc["tags"]["kvwire-runbooks"] = json!(format!("onboard,{HOSTILE}"));
                ids.push(id.clone());
            }
        }
        ids
    };
    assert!(!tagged.is_empty(), "up records its runbook on what it shares");
    for format in ["text", "json", "yaml"] {
        let (all, code) = run(&fake, &["down", "--dry-run", "-o", format, "-f", "onboard.toml"]);
        assert_eq!(code, 0, "{all}");
        assert_escaped(&all, format);
    }
}

#[test]
fn show_escapes_what_a_saved_plan_file_holds() {
    let (fake, _) = fresh();
    let (all, code) = run(&fake, &["plan", "-f", "onboard.toml", "--out", "p.json"]);
    assert_eq!(code, 0, "{all}");
    let path = fake.dir.join("p.json");
    let mut doc: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    doc["subscription"] = json!(HOSTILE);
    doc["steps"][0]["address"] = json!(HOSTILE);
    doc["steps"][0]["reason"] = json!(HOSTILE);
    // Signed again, as someone who can write the file could: the digest detects edits, it does
    // not authenticate, so what `show` prints must be safe either way.
    doc.as_object_mut().unwrap().remove(kvwire::plan::saved::DIGEST);
    let digest = kvwire::plan::saved::content_sha256(&doc);
    doc[kvwire::plan::saved::DIGEST] = json!(digest);
    std::fs::write(&path, doc.to_string()).unwrap();
    for format in ["text", "json", "yaml"] {
        let (all, code) = run(&fake, &["show", "-o", format, "p.json"]);
        assert_eq!(code, 0, "{all}");
        assert_escaped(&all, format);
    }
}

#[test]
fn an_argument_clap_rejects_is_echoed_escaped() {
    let fake = Fake::start();
    for args in [
        vec![HOSTILE],
        vec!["plan", "-f", "onboard.toml", "-o", HOSTILE],
        vec!["plan", "-f", "onboard.toml", HOSTILE],
    ] {
        let (all, code) = run(&fake, &args);
        assert_eq!(code, 2, "{all}");
        assert_escaped(&all, "text");
    }
}

/// `CLICOLOR_FORCE` colours output that is not a terminal (bixense.com/clicolors: for wrappers
/// such as the demo that show it at one); `NO_COLOR` and `--no-color` still win.
#[test]
fn clicolor_force_colours_piped_text_unless_no_color_says_otherwise() {
    let (fake, rb) = fresh();
    let plan = |env: &[(&str, &str)], extra: &[&str]| {
        let mut cmd = fake.kvwire();
        cmd.env_remove("NO_COLOR");
        for (k, v) in DB.iter().chain(env) {
            cmd.env(k, v);
        }
        let out = cmd
            .args(["plan", "-o", "text", "-f"])
            .arg(&rb)
            .args(extra)
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    assert!(!plan(&[], &[]).contains('\x1b'));
    assert!(!plan(&[("CLICOLOR_FORCE", "0")], &[]).contains('\x1b'));
    let forced = plan(&[("CLICOLOR_FORCE", "1")], &[]);
    assert!(forced.contains("\x1b[32m+\x1b[0m"), "{forced}");
    assert!(!plan(&[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")], &[]).contains('\x1b'));
    assert!(!plan(&[("CLICOLOR_FORCE", "1")], &["--no-color"]).contains('\x1b'));
}

/// Piped, the plan is left as it is, unless `COLUMNS` names a width (as kvwire's own --help takes
/// it): then it fits that width, as at a terminal of it.
#[test]
fn piped_text_fits_the_width_columns_names() {
    let (fake, rb) = fresh();
    let plan = |columns: Option<&str>| {
        let mut cmd = fake.kvwire();
        for (k, v) in DB {
            cmd.env(k, v);
        }
        if let Some(c) = columns {
            cmd.env("COLUMNS", c);
        }
        let out = cmd.args(["plan", "-o", "text", "-f"]).arg(&rb).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    };
    let widest = |s: &str| s.lines().map(|l| l.chars().count()).max().unwrap_or(0);
    let as_is = plan(None);
    assert!(widest(&as_is) > 100, "{as_is}");
    assert_eq!(plan(Some("not-a-number")), as_is);
    let fitted = plan(Some("80"));
    // A word wider than the room (an ID) is never cut: it is alone on its line.
    let over = support::overflowing(&fitted, 79);
    assert!(over.is_empty(), "{over:#?}\n{fitted}");
    // Broken between words: the same words, in the same order (a resource type too long for its
    // own line is shortened in its middle, as at a terminal).
    let words = |s: &str| {
        s.split_whitespace()
            .filter(|w| !w.starts_with("Microsoft."))
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    assert_eq!(words(&fitted), words(&as_is));
}
