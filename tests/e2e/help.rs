//! What `--help` offers, read from the real binary: every command ends with examples, the flags
//! every command shares are listed once under "Global options", and a command offers only the
//! flags that do something for it.

use clap::CommandFactory;

/// Every command line that has a help page: `["up"]`, `["cluster", "enable-managed-identity"]`, …
fn commands() -> Vec<Vec<String>> {
    fn walk(cmd: &clap::Command, path: &[String], out: &mut Vec<Vec<String>>) {
        for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
            let mut p = path.to_vec();
            p.push(sub.get_name().to_string());
            out.push(p.clone());
            walk(sub, &p, out);
        }
    }
    let mut out = vec![vec![]];
    walk(&kvwire::cli::Cli::command(), &[], &mut out);
    out
}

fn kvwire(args: &[&str]) -> (String, String, i32) {
    let out = assert_cmd::Command::cargo_bin("kvwire")
        .unwrap()
        .env("COLUMNS", "100")
        .env_remove("AZURE_SUBSCRIPTION_ID")
        .args(args)
        .output()
        .unwrap();
    (
        String::from_utf8_lossy(&out.stdout).to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
        out.status.code().unwrap_or(-1),
    )
}

/// The text of a help section: from its heading line to the next blank line.
fn section<'a>(help: &'a str, heading: &str) -> Option<&'a str> {
    let start = help.find(&format!("\n{heading}:\n"))? + 1;
    let rest = &help[start..];
    Some(&rest[..rest.find("\n\n").unwrap_or(rest.len())])
}

const GLOBAL: [&str; 6] = [
    "--subscription",
    "--verbose",
    "--quiet",
    "--cloud",
    "--auth",
    "--no-color",
];

#[test]
fn every_help_has_examples_and_global_options_once() {
    let all = commands();
    assert!(all.len() >= 19, "{all:?}");
    for path in &all {
        let name = format!("kvwire {}", path.join(" "));
        for flag in ["--help", "-h"] {
            let mut args: Vec<&str> = path.iter().map(String::as_str).collect();
            args.push(flag);
            let (help, stderr, code) = kvwire(&args);
            assert_eq!(code, 0, "{name} {flag}: {stderr}");
            let examples = section(&help, "Examples").unwrap_or_else(|| panic!("{name} {flag}: no Examples:\n{help}"));
            let prefix = if path.is_empty() {
                "kvwire ".to_string()
            } else {
                format!("{name} ")
            };
            assert!(
                examples.lines().skip(1).any(|l| l.trim_start().starts_with(&prefix)
                    || l.contains(&format!("| {prefix}"))
                    || l.contains(&format!(" {prefix}"))),
                "{name}: the examples run {prefix}…:\n{examples}"
            );
            let global =
                section(&help, "Global options").unwrap_or_else(|| panic!("{name} {flag}: no Global options:\n{help}"));
            let options = section(&help, "Options").unwrap_or_else(|| panic!("{name} {flag}: no Options:\n{help}"));
            for g in GLOBAL {
                assert!(
                    global.contains(g),
                    "{name} {flag}: {g} not under Global options:\n{help}"
                );
                assert!(
                    !options.contains(g),
                    "{name} {flag}: {g} among the command's own options:\n{help}"
                );
                let listed = help
                    .lines()
                    .filter(|l| l.trim_start().starts_with(g) || l.contains(&format!(", {g}")))
                    .count();
                assert_eq!(listed, 1, "{name} {flag}: {g} listed once:\n{help}");
            }
        }
    }
}

#[test]
fn short_help_is_short() {
    for path in commands() {
        let mut args: Vec<&str> = path.iter().map(String::as_str).collect();
        args.push("--help");
        let (help, _, _) = kvwire(&args);
        // manifests has the most flags of all (modes, consumers, offline IDs).
        let limit = if path.first().is_some_and(|c| c == "manifests") {
            72
        } else {
            66
        };
        assert!(
            help.lines().count() <= limit,
            "kvwire {} --help: {} lines\n{help}",
            path.join(" "),
            help.lines().count()
        );
    }
    let (long, _, code) = kvwire(&["help", "up"]);
    assert_eq!(code, 0);
    for detail in [
        "--ca-bundle",
        "--lro-timeout",
        "Possible values:",
        "[env: KVWIRE_AUTH=]",
    ] {
        assert!(
            long.contains(detail),
            "`kvwire help up` describes everything: {detail}\n{long}"
        );
    }
}

/// Which plan flags each command offers.
#[test]
fn flags_are_offered_only_where_they_do_something() {
    let applying = [
        "cluster enable-managed-identity",
        "cluster enable-csi-driver",
        "nodepool upgrade-image",
        "workload-identity",
        "grant",
        "secrets seed",
        "up",
        "down",
    ];
    for path in commands() {
        let name = path.join(" ");
        let mut args: Vec<&str> = path.iter().map(String::as_str).collect();
        args.push("--help");
        let (help, _, _) = kvwire(&args);
        let applies = applying.contains(&name.as_str());
        // Flags as listed (`  -y, --yes  …`), not as mentioned in a description.
        let offers = |flag: &str| {
            help.lines().map(str::trim_start).any(|l| {
                l.starts_with(&format!("{flag} "))
                    || l.contains(&format!(", {flag} "))
                    || l == flag
                    || l.ends_with(&format!(", {flag}"))
            })
        };
        for flag in ["--dry-run", "--yes"] {
            assert_eq!(offers(flag), applies, "kvwire {name}: {flag}\n{help}");
        }
        let detailed = applies || name == "plan";
        assert_eq!(offers("--detailed-exitcode"), detailed, "kvwire {name}\n{help}");
        let output = ![
            "",
            "cluster",
            "nodepool",
            "secrets",
            "migrate",
            "migrate pod-identity",
            "init",
            "wait",
            "completions",
        ]
        .contains(&name.as_str());
        assert_eq!(offers("--output"), output, "kvwire {name}: -o\n{help}");
        let flat = help.split_whitespace().collect::<Vec<_>>().join(" ");
        let env_format = flat.contains("text, json, yaml, env, tsv, table]");
        assert_eq!(env_format, name == "kubelet-identity", "kvwire {name}: -o env\n{help}");
    }
}

#[test]
fn flags_that_do_nothing_are_refused() {
    let spc = [
        "manifests",
        "--vault",
        "kv-demo",
        "--namespace",
        "shop",
        "--offline",
        "--tenant-id",
        "72f988bf-86f1-41af-91ab-2d7cd011db47",
        "--client-id",
        "4f1c7a8e-0000-4000-8000-000000000001",
    ];
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["lint", "--dry-run", "x.yaml"], "--dry-run"),
        (
            vec!["--dry-run", "lint", "x.yaml"],
            "--dry-run: `kvwire lint` changes nothing",
        ),
        (vec!["--yes", "verify", "-f", "r.toml"], "--yes: `kvwire verify`"),
        (vec!["plan", "--yes", "-f", "r.toml"], "--yes"),
        (vec!["--dry-run", "plan", "-f", "r.toml"], "--dry-run: `kvwire plan`"),
        (
            vec!["--detailed-exitcode", "kubelet-identity", "-g", "rg", "-n", "aks"],
            "--detailed-exitcode: `kvwire kubelet-identity`",
        ),
        (
            vec!["-o", "json", "init", "-g", "rg", "-n", "aks", "--vault", "kv-demo"],
            "-o/--output: `kvwire init` has no output formats",
        ),
        (vec!["wait", "-o", "json", "-g", "rg", "-n", "aks"], "-o"),
        (
            [&spc[..], &["-o", "env"]].concat(),
            "invalid value 'env' for '--output <FORMAT>'",
        ),
        (
            [&["-o", "env"], &spc[..]].concat(),
            "-o/--output: `kvwire manifests` prints yaml, json, not env",
        ),
        ([&spc[..], &["--name", "db"]].concat(), "--name is now --spc-name"),
        (vec!["--yes", "completions", "bash"], "--yes: `kvwire completions`"),
    ];
    for (args, says) in cases {
        let (stdout, stderr, code) = kvwire(&args);
        assert_eq!(code, 2, "{args:?}: {stdout}{stderr}");
        assert!(stderr.contains(says), "{args:?} should say {says:?}:\n{stderr}");
    }
    // Before the command, as before, where it does something.
    let (stdout, stderr, code) = kvwire(&[&["-o", "json"], &spc[..], &["--spc-name", "db-secrets"]].concat());
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.contains("\"kind\": \"List\"") && stdout.contains("\"name\": \"db-secrets\""),
        "{stdout}"
    );
}

#[test]
fn up_help_snapshot() {
    let (help, _, code) = kvwire(&["up", "--help"]);
    assert_eq!(code, 0);
    insta::assert_snapshot!("up_help", help);
}

/// In CI the environment sets the globals (AZURE_SUBSCRIPTION_ID, KVWIRE_AUTH): a usage error
/// names what is missing, not them, and carries no styling escapes when stderr is not a terminal.
#[test]
fn usage_errors_name_what_is_missing_not_what_the_environment_set() {
    let out = assert_cmd::Command::cargo_bin("kvwire")
        .unwrap()
        .env("AZURE_SUBSCRIPTION_ID", "00000000-0000-0000-0000-000000000000")
        .env("KVWIRE_AUTH", "cli")
        .env("KVWIRE_CLOUD", "AzureCloud")
        .arg("up")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    let usage = err
        .lines()
        .find(|l| l.starts_with("Usage:"))
        .unwrap_or_else(|| panic!("{err}"));
    assert_eq!(usage, "Usage: kvwire up --file <RUNBOOK>", "{err}");
    assert!(!err.contains("\\u{1b}") && !err.contains('\u{1b}'), "{err}");
    assert!(err.contains("--file <RUNBOOK>"), "{err}");
}

/// What az, kubectl and Terraform users type gets kvwire's way to say it, before any request.
#[test]
fn az_and_terraform_habits_get_a_tip_naming_kvwires_way() {
    let cases: &[(&[&str], &str)] = &[
        (
            &["up", "-f", "x.toml", "--auto-approve"],
            "tip: kvwire's flag for that is --yes",
        ),
        (
            &["up", "-f", "x.toml", "--dry-run=client"],
            "tip: --dry-run takes no value",
        ),
        (
            &["secrets", "seed", "--vault", "kv-demo", "--value", "hunter2-not-shown"],
            "tip: secret values never come from arguments",
        ),
        (
            &[
                "nodepool",
                "upgrade-image",
                "-g",
                "rg",
                "--cluster-name",
                "aks",
                "-n",
                "pool1",
            ],
            "tip: on nodepool commands -n is the cluster",
        ),
    ];
    for (args, tip) in cases {
        let (_, err, code) = kvwire(args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(err.contains(tip), "{args:?}: {err}");
        assert!(
            !err.contains("hunter2"),
            "a value typed where it should not be is not echoed: {err}"
        );
        assert!(err.trim_end().ends_with("For more information, try '--help'."), "{err}");
    }
    // az's names are taken where they do not conflict.
    for args in [
        &[
            "nodepool",
            "upgrade-image",
            "-g",
            "rg",
            "--cluster-name",
            "aks",
            "--nodepool-name",
            "p1",
            "--help",
        ][..],
        &[
            "cluster",
            "enable-csi-driver",
            "-g",
            "rg",
            "--cluster-name",
            "aks",
            "--help",
        ][..],
    ] {
        let (_, err, code) = kvwire(args);
        assert_eq!(code, 0, "{args:?}: {err}");
    }
}

/// With --detailed-exitcode, exit 2 (a usage error here) ends with a line telling it from 4.
#[test]
fn a_usage_error_under_detailed_exitcode_says_what_2_and_4_mean() {
    let (_, err, code) = kvwire(&["plan", "-f", "/nonexistent/onboard.toml", "--detailed-exitcode"]);
    assert_eq!(code, 2, "{err}");
    let last = err.trim_end().lines().last().unwrap_or("");
    assert!(
        last.starts_with("note: with --detailed-exitcode, 2 means a usage error")
            && last.contains("4 means changes pending"),
        "{err}"
    );
    let (_, err, code) = kvwire(&["plan", "--detailed-exitcode"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.trim_end().ends_with("esac"), "clap's usage errors too: {err}");
    let (_, err, _) = kvwire(&["plan", "-f", "/nonexistent/onboard.toml"]);
    assert!(
        !err.contains("--detailed-exitcode"),
        "only when it was asked for: {err}"
    );
}

/// `--version` says what was built and what it speaks: the version, the commit and every pinned
/// api-version (read from src/azure/arm/api.rs, so a new pin shows up here or fails).
#[test]
fn version_names_the_commit_and_every_api_version() {
    let (out, err, code) = kvwire(&["--version"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with(&format!("kvwire {} (commit ", env!("CARGO_PKG_VERSION"))),
        "{out}"
    );
    let api = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/src/azure/arm/api.rs")).unwrap();
    let pins: Vec<&str> = api
        .lines()
        .filter_map(|l| l.strip_prefix("pub const "))
        .filter_map(|l| l.split('"').nth(1))
        .collect();
    assert!(pins.len() >= 6, "{pins:?}");
    for pin in pins {
        assert!(out.contains(pin), "{pin} missing: {out}");
    }
    assert!(out.contains("Key Vault data plane 2025-07-01"), "{out}");
}
