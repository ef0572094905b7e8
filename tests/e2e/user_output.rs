//! Snapshots of what a person sees at a terminal (text mode), with volatile values filtered.

use crate::support;

use serde_json::json;
use support::Fake;

fn text(fake: &Fake, args: &[&str]) -> (String, String, i32) {
    let out = fake.kvwire().args(["-o", "text"]).args(args).output().unwrap();
    (
        String::from_utf8_lossy(&out.stdout).to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
        out.status.code().unwrap_or(-1),
    )
}

#[test]
fn enable_managed_identity_dry_run_plan() {
    let fake = Fake::start();
    fake.seed_sp_cluster("rg-demo", "aks-demo", &[("nodepool1", "img-1", "img-1")], json!({}));
    let acr = fake.seed_registry("rg-demo", "acrdemo");
    let ra = format!("{acr}/providers/Microsoft.Authorization/roleAssignments/0b1c2d3e-0000-4000-8000-000000000001");
    {
        let mut s = fake.state.lock().unwrap();
        // kvwire's service principal may read the directory (Graph Application.Read.All).
        s.graph_application_read_all = true;
        s.service_principals.insert("clientid".into(), "sp-object-1".into());
        s.put_resource(&ra, json!({"id": ra, "name": "0b1c2d3e-0000-4000-8000-000000000001", "properties": {
            "roleDefinitionId": "/providers/Microsoft.Authorization/roleDefinitions/7f951dda-4ed3-4680-a7ca-43fe172d538d",
            "principalId": "sp-object-1", "principalType": "ServicePrincipal", "scope": acr}}));
    }
    let (stdout, stderr, code) = text(
        &fake,
        &[
            "--dry-run",
            "cluster",
            "enable-managed-identity",
            "-g",
            "rg-demo",
            "-n",
            "aks-demo",
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    insta::assert_snapshot!("enable_mi_plan", stdout);
    insta::assert_snapshot!("enable_mi_warnings", stderr);
}

#[test]
fn upgrade_image_plan_mixes_runs_and_no_ops() {
    let fake = Fake::start();
    fake.seed_sp_cluster(
        "rg-demo",
        "aks-demo",
        &[
            (
                "nodepool1",
                "AKSUbuntu-2204gen2containerd-202510.01.0",
                "AKSUbuntu-2204gen2containerd-202511.03.0",
            ),
            (
                "userpool",
                "AKSUbuntu-2204gen2containerd-202511.03.0",
                "AKSUbuntu-2204gen2containerd-202511.03.0",
            ),
        ],
        json!({}),
    );
    let (stdout, stderr, code) = text(
        &fake,
        &[
            "--dry-run",
            "nodepool",
            "upgrade-image",
            "-g",
            "rg-demo",
            "--cluster",
            "aks-demo",
            "--all",
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    insta::assert_snapshot!("upgrade_image_plan", stdout);
}

#[test]
fn usage_errors_name_the_field() {
    let fake = Fake::start();
    let (_, stderr, code) = text(
        &fake,
        &[
            "nodepool",
            "upgrade-image",
            "-g",
            "rg-demo",
            "--cluster",
            "aks-demo",
            "--nodepool",
            "Bad_Pool",
        ],
    );
    assert_eq!(code, 2);
    insta::assert_snapshot!("bad_nodepool_name", stderr);
    let (_, stderr, code) = text(
        &fake,
        &["nodepool", "upgrade-image", "-g", "rg-demo", "--cluster", "aks-demo"],
    );
    assert_eq!(code, 2);
    assert!(
        stderr.contains("required arguments were not provided") && stderr.contains("--nodepool"),
        "{stderr}"
    );
    assert!(fake.journal().is_empty(), "usage errors send nothing");
}

const DB: [(&str, &str); 4] = [
    ("DB_HOST", "pg.internal.example"),
    ("DB_NAME", "orders"),
    ("DB_USERNAME", "orders_app"),
    ("DB_PASSWORD", "Zq7!output-s3cr3t"),
];

/// `kvwire ARGS -f RUNBOOK` in text mode with the DB values in the environment.
fn runbook_text(fake: &Fake, args: &[&str], rb: &std::path::Path) -> (String, String, i32) {
    let mut cmd = fake.kvwire();
    for (k, v) in DB {
        cmd.env(k, v);
    }
    let out = cmd.args(args).args(["-o", "text", "-f"]).arg(rb).output().unwrap();
    (
        String::from_utf8_lossy(&out.stdout).to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
        out.status.code().unwrap_or(-1),
    )
}

fn onboard() -> (Fake, std::path::PathBuf) {
    let fake = Fake::start();
    fake.seed_sp_cluster("rg1", "aks1", &[("nodepool1", "img-1", "img-2")], json!({}));
    fake.seed_vault("kv-demo", true, true);
    let rb = fake.dir.join("onboard.toml");
    std::fs::write(&rb, support::ONBOARD_RUNBOOK).unwrap();
    (fake, rb)
}

#[test]
fn plan_says_which_command_applies_it() {
    let (fake, rb) = onboard();
    let (stdout, stderr, code) = runbook_text(&fake, &["plan"], &rb);
    assert_eq!(code, 0, "{stderr}");
    let last = stdout.trim_end().lines().last().unwrap_or_default().to_string();
    assert_eq!(
        last,
        format!("Dry run: nothing was changed. To apply: kvwire up -f {}", rb.display()),
        "{stdout}"
    );
    assert!(
        !stdout.contains("--dry-run"),
        "plan has no --dry-run to drop:\n{stdout}"
    );
}

#[test]
fn a_no_op_run_says_no_changes_and_lists_steps_only_with_v() {
    let (fake, rb) = onboard();
    let (_, stderr, code) = runbook_text(&fake, &["up", "--yes"], &rb);
    assert_eq!(code, 0, "{stderr}");

    let (stdout, stderr, code) = runbook_text(&fake, &["up", "--yes"], &rb);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.starts_with("No changes: Azure already matches ("),
        "nothing listed before the verdict:\n{stdout}"
    );
    assert!(!stdout.contains("unchanged"), "{stdout}");
    assert!(!stdout.contains("Apply complete"), "{stdout}");

    let (verbose, stderr, code) = runbook_text(&fake, &["up", "--yes", "-v"], &rb);
    assert_eq!(code, 0, "{stderr}");
    assert!(verbose.contains("= unchanged"), "{verbose}");
    // The identity kvwire created is its own, not adopted.
    let line = verbose
        .lines()
        .skip_while(|l| !l.contains("identity rg1/id-shop"))
        .nth(1)
        .unwrap_or_default();
    assert!(
        line.contains("exists (clientId ") && line.ends_with(", created by kvwire)"),
        "{verbose}"
    );
}

#[test]
fn an_identity_kvwire_did_not_create_reads_adopted() {
    let (fake, rb) = onboard();
    fake.seed_identity("rg1", "id-shop", false);
    let (stdout, stderr, code) = runbook_text(&fake, &["plan", "-v"], &rb);
    assert_eq!(code, 0, "{stderr}");
    let line = stdout
        .lines()
        .skip_while(|l| !l.contains("identity rg1/id-shop"))
        .nth(1)
        .unwrap_or_default();
    assert!(
        line.contains("exists (clientId ") && line.ends_with(", adopted)"),
        "{stdout}"
    );
}

/// `secrets seed` of DB_PASSWORD, with `args`, over a vault that holds another value: a held step.
fn seed_over_another_value(args: &[&str]) -> std::process::Output {
    let fake = Fake::start();
    fake.seed_vault("kv-demo", true, true);
    fake.seed_secret("kv-demo", "db-password", "the-old-value", false);
    let mut cmd = fake.kvwire();
    for (k, v) in DB {
        cmd.env(k, v);
    }
    cmd.args([
        "secrets",
        "seed",
        "--vault",
        "kv-demo",
        "--from-env",
        "--map",
        "DB_PASSWORD",
    ])
    .args(args)
    .args(["-o", "text"])
    .output()
    .unwrap()
}

#[test]
fn a_held_change_is_not_a_green_apply_complete() {
    let out = seed_over_another_value(&["--yes", "--detailed-exitcode"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(4), "{stdout}");
    // Secret versions are new IDs on every run.
    insta::with_settings!({filters => vec![(r#""[0-9a-f]{32}""#, "\"[version]\"")]}, {
        insta::assert_snapshot!("held_change", stdout);
    });
}

#[test]
fn down_ends_destroy_complete() {
    let (fake, rb) = onboard();
    let (_, stderr, code) = runbook_text(&fake, &["up", "--yes"], &rb);
    assert_eq!(code, 0, "{stderr}");
    let (stdout, stderr, code) = runbook_text(&fake, &["down", "--dry-run"], &rb);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.trim_end().ends_with(&format!(
            "Dry run: nothing was changed. To destroy: kvwire down -f {}",
            rb.display()
        )),
        "{stdout}"
    );
    let (stdout, stderr, code) = runbook_text(&fake, &["down", "--yes"], &rb);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout
            .trim_end()
            .ends_with("✔ Destroy complete: 3 destroyed and verified."),
        "{stdout}"
    );
    let (stdout, stderr, code) = runbook_text(&fake, &["down", "--yes"], &rb);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.starts_with("No changes: nothing kvwire created is left to destroy"),
        "{stdout}"
    );
}

#[test]
fn env_output_is_safe_in_eval() {
    let fake = Fake::start();
    let nasty = "it's $(touch pwned) `touch pwned2` \\ \"q\"";
    fake.seed_sp_cluster(
        "rg1",
        "aks1",
        &[("nodepool1", "img-1", "img-1")],
        json!({"servicePrincipalProfile": {"clientId": "msi"},
               "identityProfile": {"kubeletidentity": {"clientId": nasty, "objectId": "o", "resourceId": "r"}}}),
    );
    let out = fake
        .kvwire()
        .args(["kubelet-identity", "-g", "rg1", "-n", "aks1", "-o", "env"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let env = String::from_utf8(out.stdout).unwrap();
    assert!(env.lines().all(|l| l.starts_with("export KUBELET_")), "{env}");
    let shell = std::process::Command::new("sh")
        .args(["-c", "eval \"$OUT\"; printf '%s|%s|%s' \"$KUBELET_CLIENT_ID\" \"$KUBELET_OBJECT_ID\" \"$KUBELET_RESOURCE_ID\"; sh -c 'printf \"|%s\" \"$KUBELET_OBJECT_ID\"'"])
        .env("OUT", &env)
        .current_dir(&fake.dir)
        .output()
        .unwrap();
    assert!(shell.status.success(), "{}", String::from_utf8_lossy(&shell.stderr));
    assert_eq!(
        String::from_utf8_lossy(&shell.stdout),
        format!("{nasty}|o|r|o"),
        "eval assigns each value verbatim, exported"
    );
    assert!(!fake.dir.join("pwned").exists() && !fake.dir.join("pwned2").exists());
}

/// Two runbooks, billing and shop, on one service-principal cluster and vault: their directory.
fn two_app_fleet(fake: &Fake) -> std::path::PathBuf {
    fake.seed_sp_cluster("rg1", "aks1", &[("nodepool1", "img-1", "img-2")], json!({}));
    fake.seed_vault("kv-demo", true, true);
    let dir = fake.dir.join("apps");
    std::fs::create_dir_all(&dir).unwrap();
    for app in ["billing", "shop"] {
        std::fs::write(
            dir.join(format!("{app}.toml")),
            format!(
                "name = \"{app}\"\n[cluster]\nresource_group = \"rg1\"\nname = \"aks1\"\n[vault]\nname = \"kv-demo\"\n[identity]\nmode = \"workload-identity\"\nname = \"id-{app}\"\n[[service_accounts]]\nnamespace = \"{app}\"\nname = \"api\"\n"
            ),
        )
        .unwrap();
    }
    dir
}

#[test]
fn a_fleet_plan_shows_the_shared_cluster_once_and_each_runbook_apart() {
    let fake = Fake::start();
    let dir = two_app_fleet(&fake);
    let (stdout, stderr, code) = text(&fake, &["plan", "-f", &dir.display().to_string()]);
    assert_eq!(code, 0, "{stderr}");
    let at = regex_escape(&dir.display().to_string());
    insta::with_settings!({filters => vec![(at.as_str(), "[dir]")]}, {
        insta::assert_snapshot!("fleet_plan", stdout);
    });
}

fn regex_escape(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '/' || c == '_' || c == '-' {
                c.to_string()
            } else {
                format!("\\{c}")
            }
        })
        .collect()
}

/// `--brief`: the same plan, a line per step. Every step and the counts are there; no reason or
/// field line is; the document is the same with or without it; a held step still says so.
#[test]
fn brief_shows_every_step_on_one_line_and_the_same_plan() {
    let (fake, rb) = onboard();
    let (full, stderr, code) = runbook_text(&fake, &["plan"], &rb);
    assert_eq!(code, 0, "{stderr}");
    let (brief, stderr, code) = runbook_text(&fake, &["plan", "--brief"], &rb);
    assert_eq!(code, 0, "{stderr}");
    let steps = |s: &str| -> Vec<String> {
        s.lines()
            .filter(|l| ["  + ", "  ~ ", "  > ", "  - "].iter().any(|p| l.starts_with(p)))
            .map(str::to_owned)
            .collect()
    };
    assert!(steps(&full).len() >= 5, "{full}");
    assert_eq!(steps(&brief), steps(&full), "{brief}");
    let detail = |s: &str| s.lines().filter(|l| l.starts_with("      ")).count();
    assert!(detail(&full) > 0, "{full}");
    assert_eq!(detail(&brief), 0, "no reason or field lines:\n{brief}");
    let tail = |s: &str| s[s.find("\nPlan: ").expect("counts")..].to_owned();
    assert_eq!(tail(&brief), tail(&full));
    let shown = brief.replace(&fake.dir.display().to_string(), "[dir]");
    insta::assert_snapshot!("brief_plan", shown);

    // The plan document is not shaped by --brief.
    let doc = |extra: &[&str]| {
        let mut cmd = fake.kvwire();
        for (k, v) in DB {
            cmd.env(k, v);
        }
        support::outcome(cmd.args(["-o", "json", "plan"]).args(extra).arg("-f").arg(&rb)).0
    };
    assert_eq!(doc(&["--brief"]), doc(&[]));
}

#[test]
fn brief_still_shows_a_held_step() {
    let out = seed_over_another_value(&["--dry-run", "--brief"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    let lines: Vec<&str> = stdout.lines().collect();
    let at = lines.iter().position(|l| l.contains("kv-demo/db-password")).unwrap();
    assert!(lines[at + 1].starts_with("      # held: "), "{stdout}");
    assert!(!stdout.contains("value ="), "{stdout}");
}

/// A fleet's verify, each runbook's checks indented under it, fits the width as one runbook's does.
#[test]
fn a_fleet_verify_fits_the_width() {
    let fake = Fake::start();
    let dir = two_app_fleet(&fake);
    let out = fake
        .kvwire()
        .env("COLUMNS", "60")
        .args(["-o", "text", "verify", "-f"])
        .arg(&dir)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(3), "nothing is set up yet: {stdout}");
    assert!(stdout.contains("billing") && stdout.contains("shop"), "{stdout}");
    let over = support::overflowing(&stdout, 59);
    assert!(over.is_empty(), "{over:#?}\n{stdout}");
}
