//! The README's first command and the examples: the demo runs the main job against the local Azure
//! and every check passes; every runbook in examples/ plans cleanly against the same local Azure.

use crate::support;

use std::path::Path;
use support::fake::demo;

fn kvwire() -> std::path::PathBuf {
    assert_cmd::cargo::cargo_bin("kvwire")
}

#[test]
fn the_demo_plans_applies_reapplies_and_verifies() {
    let rb = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/onboard.toml");
    let o = demo::run(&kvwire(), &rb, "examples/onboard.toml", Default::default(), &mut |_| {}).unwrap();
    assert!(o.ok, "{}", o.transcript);
    // The first thing a new user reads: under 80 lines, the plan once (a line per step), and no
    // escape codes when not asked.
    let lines = o.transcript.lines().count();
    assert!(lines < 80, "{lines} lines:\n{}", o.transcript);
    assert_eq!(o.transcript.matches("\nPlan: ").count(), 1, "{}", o.transcript);
    assert!(!o.transcript.contains('\x1b'), "{}", o.transcript);
    let verify = o.transcript.split("$ kvwire verify").nth(1).unwrap();
    assert!(verify.matches('✔').count() >= 10, "{verify}");
    assert!(!verify.contains('✘'), "{verify}");
    assert!(o.transcript.contains("the second up wrote 0"), "{}", o.transcript);
    for (_, value) in demo::DEMO_SECRETS.iter().filter(|(k, _)| *k == "DB_PASSWORD") {
        assert!(!o.transcript.contains(value), "a secret value was printed");
    }
}

/// At a terminal the demo shows kvwire's colours (CLICOLOR_FORCE for the kvwire it runs).
#[test]
fn the_demo_is_coloured_when_asked() {
    let rb = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/onboard.toml");
    let terminal = demo::Terminal {
        colour: true,
        columns: None,
    };
    let o = demo::run(&kvwire(), &rb, "examples/onboard.toml", terminal, &mut |_| {}).unwrap();
    assert!(o.ok, "{}", o.transcript);
    assert!(o.transcript.contains("\x1b[32m"), "{}", o.transcript);
}

/// At an 80-column terminal every line fits (kvwire's through COLUMNS, the demo's own by being
/// short), and the whole still takes under 80 rows.
#[test]
fn the_demo_fits_an_80_column_terminal() {
    let rb = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/onboard.toml");
    let terminal = demo::Terminal {
        colour: false,
        columns: Some(80),
    };
    let o = demo::run(&kvwire(), &rb, "examples/onboard.toml", terminal, &mut |_| {}).unwrap();
    assert!(o.ok, "{}", o.transcript);
    // kvwire leaves the last column free; a word wider than a line (a URL) is never cut.
    let over = support::overflowing(&o.transcript, 79);
    assert!(over.is_empty(), "{over:#?}");
    // A command in backticks (a hint to copy) is whole on its line.
    let split: Vec<&str> = o
        .transcript
        .lines()
        .filter(|l| l.matches('`').count() % 2 == 1)
        .collect();
    assert!(split.is_empty(), "{split:#?}");
    let rows: usize = o
        .transcript
        .lines()
        .map(|l| l.chars().count().div_ceil(80).max(1))
        .sum();
    assert!(rows < 80, "{rows} rows:\n{}", o.transcript);
    assert_eq!(o.transcript.matches("\nPlan: ").count(), 1, "{}", o.transcript);
    assert_eq!(o.transcript.matches("Outputs:").count(), 1, "{}", o.transcript);
    assert_eq!(o.transcript.matches("warning: ").count(), 1, "{}", o.transcript);
}

#[test]
fn every_example_runbook_plans_against_the_local_azure() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut planned = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "toml") {
            continue;
        }
        let fake = support::Fake::start();
        fake.seed_demo();
        let mut cmd = fake.kvwire();
        for (k, v) in demo::DEMO_SECRETS {
            cmd.env(k, v);
        }
        let (doc, all, code) = support::outcome(cmd.args(["-o", "json", "plan", "-f"]).arg(&path));
        assert_eq!(code, 0, "{}: {all}", path.display());
        assert!(
            doc["steps"].as_array().is_some_and(|s| !s.is_empty()),
            "{}: {doc}",
            path.display()
        );
        assert!(fake.writes().is_empty(), "plan wrote nothing");
        planned += 1;
    }
    assert!(planned >= 3, "{planned} examples");
}
