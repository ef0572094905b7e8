//! `kvwire secrets seed` against the fake Key Vault: idempotence, versions, soft delete, sources,
//! and that no value or token ever reaches the output or the process arguments.

use crate::support;

use serde_json::Value;
use std::io::Write;
use support::Fake;

const DB: [(&str, &str, &str); 4] = [
    ("DB_HOST", "db-host", "pg-prod.internal.example"),
    ("DB_NAME", "db-name", "orders"),
    ("DB_USERNAME", "db-username", "orders_app"),
    ("DB_PASSWORD", "db-password", "Zq7!v3ry-s3cr3t-P@ss"),
];

fn seed_cmd(fake: &Fake, extra: &[&str]) -> assert_cmd::Command {
    let mut cmd = fake.kvwire();
    for (k, _, v) in DB {
        cmd.env(k, v);
    }
    cmd.args([
        "-o",
        "json",
        "--yes",
        "secrets",
        "seed",
        "--vault",
        "kv-demo",
        "--from-env",
    ])
    .args(extra);
    cmd
}

fn run(mut cmd: assert_cmd::Command) -> (Value, String, i32) {
    support::outcome(&mut cmd)
}

fn kv_writes(fake: &Fake) -> usize {
    fake.writes()
        .iter()
        .filter(|e| e.host.ends_with(".vault.azure.net"))
        .count()
}

#[test]
fn seeds_four_db_secrets_then_rerun_writes_nothing() {
    let fake = Fake::start();
    fake.seed_vault("kv-demo", true, true);
    let (doc, all, code) = run(seed_cmd(&fake, &[]));
    assert_eq!(code, 0, "{all}");
    let steps = doc["steps"].as_array().unwrap();
    assert_eq!(steps.len(), 4);
    for ((key, name, value), step) in DB.iter().zip(steps) {
        assert_eq!(step["action"], "create");
        assert_eq!(
            step["address"],
            format!("secret kv-demo/{name} (from {key})"),
            "the mapping is shown"
        );
        assert_eq!(step["changes"][0]["sensitive"], true);
        assert_eq!(fake.secret_versions("kv-demo", name), vec![value.to_string()]);
    }
    let tags = fake.state.lock().unwrap().secrets[&("kv-demo".to_string(), "db-host".to_string())].versions[0]
        .tags
        .clone();
    assert_eq!(tags["managed-by"], "kvwire");
    assert_eq!(kv_writes(&fake), 4);

    fake.clear_journal();
    let (doc, all, code) = run(seed_cmd(&fake, &[]));
    assert_eq!(code, 0, "{all}");
    assert!(doc["steps"].as_array().unwrap().iter().all(|s| s["action"] == "no_op"));
    assert_eq!(kv_writes(&fake), 0, "zero writes");
    for (_, name, _) in DB {
        assert_eq!(fake.secret_versions("kv-demo", name).len(), 1, "zero new versions");
    }
}

#[test]
fn changed_value_needs_overwrite() {
    let fake = Fake::start();
    fake.seed_vault("kv-demo", true, true);
    run(seed_cmd(&fake, &[]));
    fake.clear_journal();
    let mut cmd = seed_cmd(&fake, &["--detailed-exitcode"]);
    cmd.env("DB_PASSWORD", "rotated-N3w-pass");
    let (doc, all, code) = run(cmd);
    assert_eq!(code, 4, "held change, nothing written: {all}");
    let step = doc["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["address"].as_str().unwrap().contains("db-password"))
        .unwrap()
        .clone();
    assert_eq!(step["action"], "update");
    assert_eq!(step["outcome"], "held");
    assert!(step["held"].as_str().unwrap().contains("--overwrite"));
    assert_eq!(kv_writes(&fake), 0);
    assert!(!all.contains("rotated-N3w-pass") && !all.contains(DB[3].2));

    let mut cmd = seed_cmd(&fake, &["--overwrite"]);
    cmd.env("DB_PASSWORD", "rotated-N3w-pass");
    let (_, all, code) = run(cmd);
    assert_eq!(code, 0, "{all}");
    assert_eq!(
        fake.secret_versions("kv-demo", "db-password"),
        vec![DB[3].2.to_string(), "rotated-N3w-pass".to_string()]
    );
    assert_eq!(kv_writes(&fake), 1, "only the changed secret got a new version");
}

#[test]
fn soft_deleted_secret_without_and_with_recover() {
    let fake = Fake::start();
    fake.seed_vault("kv-demo", true, true);
    fake.seed_secret("kv-demo", "db-password", "old-value", true);
    let (_, all, code) = run(seed_cmd(&fake, &[]));
    assert_eq!(code, 1, "{all}");
    assert!(
        all.contains("deleted but recoverable") && all.contains("--recover") && all.contains("purge"),
        "{all}"
    );
    assert_eq!(
        kv_writes(&fake),
        0,
        "nothing half-written: the other three were not written either"
    );

    let (doc, all, code) = run(seed_cmd(&fake, &["--recover", "--overwrite"]));
    assert_eq!(code, 0, "{all}");
    let step = doc["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["address"].as_str().unwrap().contains("db-password"))
        .unwrap()
        .clone();
    assert_eq!(step["outcome"], "applied");
    assert_eq!(
        fake.secret_versions("kv-demo", "db-password"),
        vec!["old-value".to_string(), DB[3].2.to_string()]
    );
    let purges = fake.journal().iter().filter(|e| e.method == "DELETE").count();
    assert_eq!(purges, 0, "never purges");
}

#[test]
fn write_time_409_object_is_deleted_but_recoverable_names_both_options() {
    // kvwire may get and set but not list, so it cannot see deleted secrets while planning.
    let fake = Fake::start();
    let vault = fake.seed_vault("kv-policy", false, false);
    {
        let mut s = fake.state.lock().unwrap();
        let mut v = s.resource(&vault).unwrap().clone();
        v["properties"]["accessPolicies"] = serde_json::json!([{"tenantId": support::fake::TENANT, "objectId": support::fake::SP_OBJECT_ID, "permissions": {"secrets": ["get", "set"]}}]);
        s.put_resource(&vault, v);
    }
    fake.seed_secret("kv-policy", "api-key", "x", true);
    let mut cmd = fake.kvwire();
    cmd.env("API_KEY", "k-123456").args([
        "--yes",
        "secrets",
        "seed",
        "--vault",
        "kv-policy",
        "--from-env",
        "--map",
        "API_KEY",
    ]);
    let (_, all, code) = run(cmd);
    assert_eq!(code, 1, "{all}");
    assert!(
        all.contains("deleted but recoverable") && all.contains("--recover") && all.contains("purge"),
        "{all}"
    );
}

#[test]
fn sources_file_stdin_and_maps() {
    let fake = Fake::start();
    fake.seed_vault("kv-policy", false, true);
    let env_file = fake.dir.join("app.env");
    std::fs::write(
        &env_file,
        "# app\nexport API_KEY='k-1'\nREDIS_URL=\"redis://cache:6379\"\n",
    )
    .unwrap();
    let mut cmd = fake.kvwire();
    cmd.args([
        "--yes",
        "-o",
        "json",
        "secrets",
        "seed",
        "--vault",
        "kv-policy",
        "--from-file",
    ])
    .arg(&env_file)
    .args(["--map", "API_KEY", "--map", "REDIS_URL=cache-url"]);
    let (doc, all, code) = run(cmd);
    assert_eq!(code, 0, "{all}");
    assert_eq!(
        doc["steps"][1]["address"],
        "secret kv-policy/cache-url (from REDIS_URL, mapped)"
    );
    assert_eq!(fake.secret_versions("kv-policy", "api-key"), vec!["k-1"]);
    assert_eq!(
        fake.secret_versions("kv-policy", "cache-url"),
        vec!["redis://cache:6379"]
    );

    let mut cmd = fake.kvwire();
    cmd.args([
        "--yes",
        "secrets",
        "seed",
        "--vault",
        "kv-policy",
        "--stdin",
        "--map",
        "API_KEY",
    ])
    .write_stdin("API_KEY=k-2\n");
    let (_, all, code) = run(cmd);
    assert_eq!(code, 0, "held without --overwrite is not an error: {all}");
    assert_eq!(fake.secret_versions("kv-policy", "api-key"), vec!["k-1"]);

    // --all takes every key of the file, with env-style names; never the whole environment.
    let mut cmd = fake.kvwire();
    cmd.args([
        "--yes",
        "-o",
        "json",
        "secrets",
        "seed",
        "--vault",
        "kv-policy",
        "--all",
        "--from-file",
    ])
    .arg(&env_file);
    let (doc, all, code) = run(cmd);
    assert_eq!(code, 0, "{all}");
    let addresses: Vec<&str> = doc["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["address"].as_str().unwrap())
        .collect();
    assert_eq!(
        addresses,
        [
            "secret kv-policy/api-key (from API_KEY)",
            "secret kv-policy/redis-url (from REDIS_URL)"
        ]
    );
    let out = fake
        .kvwire()
        .args(["secrets", "seed", "--vault", "kv-policy", "--all", "--from-env"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn bad_input_is_exit_2_before_any_request() {
    let fake = Fake::start();
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["secrets", "seed", "--vault", "kv-demo"], "no value source"),
        (
            vec!["secrets", "seed", "--vault", "kv-demo", "--value", "x"],
            "unexpected argument '--value'",
        ),
        (
            vec![
                "secrets",
                "seed",
                "--vault",
                "kv-demo",
                "--from-env",
                "--map",
                "DB_HOST=1bad",
            ],
            "is not a Key Vault secret name",
        ),
        (
            vec![
                "secrets",
                "seed",
                "--vault",
                "kv-demo",
                "--from-env",
                "--map",
                "A=x",
                "--map",
                "B=X",
            ],
            "both map to secret",
        ),
        (
            vec!["secrets", "seed", "--vault", "kv-demo", "--from-env", "--stdin"],
            "cannot be used with",
        ),
        (
            vec![
                "secrets",
                "seed",
                "--vault",
                "kv-demo",
                "--from-env",
                "--map",
                "UNSET_VAR_XYZ",
            ],
            "UNSET_VAR_XYZ not set",
        ),
        (
            vec![
                "secrets",
                "seed",
                "--vault",
                "kv-demo",
                "--from-env",
                "--expires",
                "tomorrow",
            ],
            "RFC 3339",
        ),
    ];
    for (args, expect) in cases {
        let out = fake.kvwire().env_remove("UNSET_VAR_XYZ").args(&args).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(expect), "{args:?}: {stderr}");
    }
    assert!(fake.journal().is_empty());
}

#[test]
fn missing_data_plane_permission_is_explained() {
    let fake = Fake::start();
    fake.seed_vault("kv-demo", true, false);
    let (_, all, code) = run(seed_cmd(&fake, &[]));
    assert_eq!(code, 1);
    assert!(
        all.contains("ForbiddenByRbac") && all.contains("Key Vault Secrets Officer"),
        "{all}"
    );
}

#[test]
fn no_secret_or_token_in_any_output_at_any_verbosity() {
    let fake = Fake::start();
    fake.seed_vault("kv-demo", true, true);
    fake.seed_secret("kv-demo", "db-name", "orders-OLD-value", false);
    for args in [
        vec!["-vvv", "-o", "json", "--dry-run"],
        vec!["-vvv", "-o", "text", "--dry-run"],
        vec!["-vvv", "-o", "yaml"],
        vec!["-vvv", "-o", "text", "--overwrite"],
        vec!["-vvv", "-o", "json", "--overwrite"],
    ] {
        let (_, all, code) = run(seed_cmd(&fake, &args));
        assert_eq!(code, 0, "{args:?}: {all}");
        for (_, _, v) in DB {
            assert!(!all.contains(v), "{args:?} leaked a value: {all}");
        }
        assert!(!all.contains("orders-OLD-value"), "{args:?} leaked the old value");
        support::assert_no_credentials(&fake, &all);
        assert!(all.contains("authorization: REDACTED"));
    }
    // The values really were sent to the vault, so the check above is not vacuous.
    assert_eq!(
        fake.secret_versions("kv-demo", "db-password"),
        vec![DB[3].2.to_string()]
    );
    assert_eq!(fake.secret_versions("kv-demo", "db-name").last().unwrap(), DB[1].2);
}

#[test]
fn values_never_appear_in_the_process_arguments() {
    let fake = Fake::start();
    fake.seed_vault("kv-demo", true, true);
    let bin = assert_cmd::cargo::cargo_bin("kvwire");
    let base = fake.kvwire();
    let mut cmd = std::process::Command::new(bin);
    for (k, v) in base.get_envs() {
        match v {
            Some(v) => cmd.env(k, v),
            None => cmd.env_remove(k),
        };
    }
    cmd.args(base.get_args())
        .args(["--yes", "secrets", "seed", "--vault", "kv-demo", "--stdin"]);
    cmd.stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    // While kvwire waits for its input, look at its argv as the OS sees it.
    std::thread::sleep(std::time::Duration::from_millis(200));
    let cmdline = std::fs::read(format!("/proc/{}/cmdline", child.id())).unwrap();
    let cmdline = String::from_utf8_lossy(&cmdline).replace('\0', " ");
    assert!(cmdline.contains("secrets seed"), "{cmdline}");
    let input: String = DB.iter().map(|(k, _, v)| format!("{k}={v}\n")).collect();
    for (_, _, v) in DB {
        assert!(!cmdline.contains(v));
    }
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(
        fake.secret_versions("kv-demo", "db-password"),
        vec![DB[3].2.to_string()]
    );
}

/// Another writer (a second `secrets seed`, a person) sets a new version between kvwire's plan and
/// its write.
fn someone_else_writes_db_password(s: &mut support::fake::state::FakeState) {
    let item = s
        .secrets
        .get_mut(&("kv-demo".to_string(), "db-password".to_string()))
        .expect("seeded");
    let mut v = item.versions.last().unwrap().clone();
    v.version = "0000000000000000000000000000beef".into();
    v.value = "someone-elses-value".into();
    item.versions.push(v);
}

#[test]
fn a_concurrent_write_between_plan_and_apply_is_never_overwritten() {
    let fake = Fake::start();
    fake.seed_vault("kv-demo", true, true);
    run(seed_cmd(&fake, &[]));
    // The plan's read goes through; just before the apply's read, someone else writes.
    fake.fault_after(
        Some("GET"),
        "/secrets/db-password",
        1,
        1,
        support::fake::state::FaultKind::Before(someone_else_writes_db_password),
    );
    let mut cmd = seed_cmd(&fake, &["--overwrite"]);
    cmd.env("DB_PASSWORD", "rotated-N3w-pass");
    let (_, all, code) = run(cmd);
    assert_eq!(code, 1, "{all}");
    assert!(
        all.contains("secret db-password in vault kv-demo changed since the plan"),
        "{all}"
    );
    assert_eq!(
        fake.secret_versions("kv-demo", "db-password"),
        vec![DB[3].2.to_string(), "someone-elses-value".to_string()],
        "the other writer's version stays the latest"
    );
    assert!(!all.contains("someone-elses-value") && !all.contains("rotated-N3w-pass"));
}

#[test]
fn a_recovered_or_overwritten_secret_keeps_its_owners_tags_and_content_type() {
    let fake = Fake::start();
    fake.seed_vault("kv-demo", true, true);
    for (name, deleted) in [("own-sec", true), ("app-token", false)] {
        fake.seed_secret("kv-demo", name, "old", deleted);
        let mut s = fake.state.lock().unwrap();
        let v = s
            .secrets
            .get_mut(&("kv-demo".to_string(), name.to_string()))
            .unwrap()
            .versions
            .last_mut()
            .unwrap();
        v.tags = serde_json::json!({"owner": "team-y"});
        v.content_type = Some("text/plain".into());
    }
    let mut cmd = fake.kvwire();
    cmd.env("OWN", "new-1").env("TOKEN", "new-2").args([
        "--yes",
        "secrets",
        "seed",
        "--vault",
        "kv-demo",
        "--from-env",
        "--map",
        "OWN=own-sec",
        "--map",
        "TOKEN=app-token",
        "--recover",
        "--overwrite",
    ]);
    let (_, all, code) = run(cmd);
    assert_eq!(code, 0, "{all}");
    for name in ["own-sec", "app-token"] {
        let s = fake.state.lock().unwrap();
        let item = &s.secrets[&("kv-demo".to_string(), name.to_string())];
        let v = item.versions.last().unwrap();
        assert_eq!(v.value, if name == "own-sec" { "new-1" } else { "new-2" });
        assert_eq!(
            v.tags,
            serde_json::json!({"owner": "team-y"}),
            "{name}: not made kvwire's"
        );
        assert_eq!(v.content_type.as_deref(), Some("text/plain"), "{name}");
    }
}

/// `seed --all` takes its key names from the input, so a wrapped value's tail (`ZXI=`, `ZXI==`) or
/// a malformed line would become a "key": every complaint names the line number, never its text,
/// and nothing is sent.
#[test]
fn seed_all_never_echoes_a_wrapped_value_as_a_key() {
    let fake = Fake::start();
    fake.seed_vault("kv-demo", true, true);
    let tail = "U2VjcmV0VGFpbEZyYWdtZW50";
    let long = "Q".repeat(130);
    let cases = [
        // The last line of a wrapped base64 value: a valid-looking name with an empty value.
        (format!("API_KEY=c2VjcmV0LXZhbHVlLXRoYXQtd3JhcHM\n{tail}=\n"), "stdin:2"),
        // ... or with padding that reads as the value "=".
        (
            format!("API_KEY=c2VjcmV0LXZhbHVlLXRoYXQtd3JhcHM\n{tail}==\n"),
            "stdin:2",
        ),
        // A name Key Vault cannot take (too long; leading '_').
        (format!("API_KEY=x\n{long}=y\n"), "stdin:2"),
        (format!("_{tail}=y\n"), "stdin:1"),
        // Two lines naming one secret (names are case-insensitive).
        (
            format!("{tail}=a\n{}=b\n", tail.to_ascii_lowercase()),
            "stdin:2: names the same secret as line 1",
        ),
    ];
    for (input, line) in cases {
        let mut cmd = fake.kvwire();
        cmd.args(["--yes", "secrets", "seed", "--vault", "kv-demo", "--all", "--stdin"])
            .write_stdin(input.clone());
        let (_, all, code) = run(cmd);
        assert_eq!(code, 2, "{input:?}: {all}");
        assert!(all.contains(line), "{input:?}: {all}");
        for needle in [tail, &tail.to_ascii_lowercase(), "u2vjcmv0", &long[..20], "c2VjcmV0"] {
            assert!(!all.contains(needle), "{input:?} echoed {needle}: {all}");
        }
    }
    assert!(fake.journal().is_empty(), "{:#?}", fake.journal());
}

#[test]
fn a_large_seed_is_paced_under_the_vaults_limit_and_never_throttled() {
    let fake = Fake::start();
    fake.seed_vault("kv-demo", true, true);
    // The service's rule, on a shorter clock: at most 32 requests per vault in any 2 seconds.
    fake.state.lock().unwrap().kv_limit = (32, std::time::Duration::from_secs(2));
    let env = fake.dir.join("many.env");
    let text: String = (0..20).map(|i| format!("SECRET_{i:02}=value-{i}\n")).collect();
    std::fs::write(&env, text).unwrap();
    // kvwire's window on the same clock: at most 30 in any 2 seconds.
    let (_, all, code) = support::outcome(
        fake.kvwire()
            .env("KVWIRE_KEYVAULT_WINDOW_MS", "2000")
            .args([
                "--keyvault-rate",
                "30",
                "--yes",
                "secrets",
                "seed",
                "--vault",
                "kv-demo",
                "--all",
                "--from-file",
            ])
            .arg(&env),
    );
    assert_eq!(code, 0, "{all}");
    assert_eq!(
        fake.state.lock().unwrap().kv_throttled,
        0,
        "paced, never throttled:\n{all}"
    );
    assert_eq!(fake.secret_versions("kv-demo", "SECRET-19").len(), 1, "{all}");

    // Unpaced, the same seed (new values) meets the limit and leans on 429s.
    let text: String = (0..20).map(|i| format!("SECRET_{i:02}=other-{i}\n")).collect();
    std::fs::write(&env, text).unwrap();
    let (_, all, code) = support::outcome(
        fake.kvwire()
            .env("KVWIRE_KEYVAULT_WINDOW_MS", "2000")
            .args([
                "--keyvault-rate",
                "100000",
                "--yes",
                "secrets",
                "seed",
                "--vault",
                "kv-demo",
                "--all",
                "--overwrite",
                "--from-file",
            ])
            .arg(&env),
    );
    assert_eq!(code, 0, "{all}");
    assert!(fake.state.lock().unwrap().kv_throttled > 0, "the fake's limit bites");
}
