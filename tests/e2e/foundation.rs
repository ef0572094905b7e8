//! End-to-end tests of the foundation: the real binary against the TLS fake.

use crate::support;

use serde_json::json;
use support::{Fake, fake::FaultKind, fixture};

#[test]
fn fake_bodies_deserialize_like_the_official_examples() {
    use kvwire::azure::arm::models::{AgentPool, ManagedCluster};
    // The official examples...
    let official: ManagedCluster =
        serde_json::from_value(fixture("ManagedClustersGet.2026-08-01.json", "200")).unwrap();
    assert!(official.uses_service_principal());
    let pool: AgentPool =
        serde_json::from_value(fixture("AgentPoolsUpgradeNodeImageVersion.2025-10-01.json", "202")).unwrap();
    assert_eq!(
        pool.properties.provisioning_state.as_deref(),
        Some("UpgradingNodeImageVersion")
    );
    // ...and what the fake serves, read through the real binary's GETs, parse with the same types.
    let fake = Fake::start();
    let id = fake.seed_sp_cluster("rg1", "aks1", &[("nodepool1", "img-1", "img-1")], json!({}));
    let served: ManagedCluster = serde_json::from_value(fake.resource(&id).unwrap()).unwrap();
    assert_eq!(served.properties.agent_pool_profiles.len(), 1);
    assert_eq!(
        served
            .properties
            .service_principal_profile
            .unwrap()
            .client_id
            .as_deref(),
        Some("clientid")
    );
    let served_pool: AgentPool =
        serde_json::from_value(fake.resource(&format!("{id}/agentPools/nodepool1")).unwrap()).unwrap();
    assert_eq!(served_pool.properties.node_image_version.as_deref(), Some("img-1"));
}

#[test]
fn client_secret_auth_and_read_over_tls() {
    let fake = Fake::start();
    let id = fake.seed_sp_cluster("rg1", "aks1", &[("nodepool1", "img-1", "img-1")], json!({}));
    let (doc, stderr, code) = support::outcome(fake.kvwire().args([
        "-o",
        "json",
        "nodepool",
        "upgrade-image",
        "-g",
        "rg1",
        "--cluster",
        "aks1",
        "--all",
        "--dry-run",
    ]));
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(doc["format_version"], "2");
    assert_eq!(doc["steps"][0]["action"], "no_op");
    let journal = fake.journal();
    let token_requests: Vec<_> = journal
        .iter()
        .filter(|e| e.host == "login.microsoftonline.com")
        .collect();
    assert_eq!(
        token_requests.len(),
        1,
        "one token, cached for every ARM call: {journal:#?}"
    );
    assert!(journal.iter().any(|e| {
        e.path
            .eq_ignore_ascii_case(&format!("{id}/agentPools/nodepool1/upgradeProfiles/default"))
    }));
}

#[test]
fn wrong_client_secret_is_an_auth_error() {
    let fake = Fake::start();
    let out = fake
        .kvwire()
        .env("AZURE_CLIENT_SECRET", "Wr0ng~s3cret.value")
        .args(["kubelet-identity", "-g", "rg1", "-n", "aks1"])
        .output()
        .unwrap();
    // A sign-in problem is the caller's to fix: exit 2, with what to check.
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("authentication failed")
            && stderr.contains("7000215")
            && stderr.contains("Check AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("Wr0ng~s3cret.value"),
        "the secret given is not echoed: {stderr}"
    );
}

#[test]
fn retries_honour_retry_after() {
    let fake = Fake::start();
    let id = fake.seed_sp_cluster("rg1", "aks1", &[("nodepool1", "img-1", "img-1")], json!({"servicePrincipalProfile": {"clientId": "msi"}, "identityProfile": {"kubeletidentity": {"clientId": "c", "objectId": "o", "resourceId": "r"}}}));
    fake.fault(
        Some("GET"),
        "managedClusters/aks1",
        2,
        FaultKind::Throttle { retry_after_secs: 1 },
    );
    let out = fake
        .kvwire()
        .args(["-o", "json", "kubelet-identity", "-g", "rg1", "-n", "aks1"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let gets: Vec<_> = fake
        .journal()
        .into_iter()
        .filter(|e| e.path.eq_ignore_ascii_case(&id))
        .collect();
    assert_eq!(gets.iter().map(|e| e.status).collect::<Vec<_>>(), vec![429, 429, 200]);
    for pair in gets.windows(2) {
        let gap = pair[1].at - pair[0].at;
        assert!(
            gap >= std::time::Duration::from_millis(950),
            "retried after {gap:?}, before Retry-After: 1"
        );
    }
}

#[test]
fn retries_503_and_dropped_connections_then_gives_up() {
    let fake = Fake::start();
    fake.seed_sp_cluster("rg1", "aks1", &[("nodepool1", "img-1", "img-1")], json!({"servicePrincipalProfile": {"clientId": "msi"}, "identityProfile": {"kubeletidentity": {"clientId": "c", "objectId": "o", "resourceId": "r"}}}));
    fake.fault(Some("GET"), "managedClusters/aks1", 1, FaultKind::Unavailable);
    fake.fault(Some("GET"), "managedClusters/aks1", 1, FaultKind::Reset);
    let out = fake
        .kvwire()
        .args(["-o", "env", "kubelet-identity", "-g", "rg1", "-n", "aks1"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "export KUBELET_CLIENT_ID='c'\nexport KUBELET_OBJECT_ID='o'\nexport KUBELET_RESOURCE_ID='r'\n"
    );

    // Bounded: with --retries 2 a persistent 503 fails after exactly 3 tries.
    fake.clear_journal();
    fake.fault(Some("GET"), "managedClusters/aks1", 10, FaultKind::Unavailable);
    let out = fake
        .kvwire()
        .args(["--retries", "2", "kubelet-identity", "-g", "rg1", "-n", "aks1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("ServiceUnavailable"), "{stderr}");
    assert_eq!(
        fake.journal()
            .iter()
            .filter(|e| e.host == "management.azure.com")
            .count(),
        3
    );
}

#[test]
fn lro_follows_azure_async_operation_to_succeeded() {
    let fake = Fake::start();
    let id = fake.seed_sp_cluster("rg1", "aks1", &[("nodepool1", "img-1", "img-2")], json!({}));
    fake.state.lock().unwrap().lro_polls = 2;
    let (doc, stderr, code) = support::outcome(fake.kvwire().args([
        "-o",
        "json",
        "--yes",
        "nodepool",
        "upgrade-image",
        "-g",
        "rg1",
        "--cluster",
        "aks1",
        "--nodepool",
        "nodepool1",
    ]));
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(doc["steps"][0]["outcome"], "applied");
    let journal = fake.journal();
    let polls: Vec<_> = journal
        .iter()
        .filter(|e| e.path.contains("/operations/"))
        .map(|e| e.status)
        .collect();
    assert_eq!(polls.len(), 3, "InProgress, InProgress, Succeeded");
    let pool = fake.resource(&format!("{id}/agentPools/nodepool1")).unwrap();
    assert_eq!(pool["properties"]["nodeImageVersion"], "img-2");
    assert_eq!(fake.writes().len(), 1);
}

#[test]
fn lro_failure_surfaces_the_arm_code() {
    let fake = Fake::start();
    fake.seed_sp_cluster("rg1", "aks1", &[("nodepool1", "img-1", "img-2")], json!({}));
    fake.fault(
        Some("POST"),
        "upgradeNodeImageVersion",
        1,
        FaultKind::FailLro {
            code: "NodeImageUpgradeFailed".into(),
            message: "VMSS reimage failed on 1 node".into(),
        },
    );
    let out = fake
        .kvwire()
        .args([
            "--yes",
            "-o",
            "text",
            "nodepool",
            "upgrade-image",
            "-g",
            "rg1",
            "--cluster",
            "aks1",
            "--nodepool",
            "nodepool1",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        all.contains("NodeImageUpgradeFailed") && all.contains("VMSS reimage failed on 1 node"),
        "{all}"
    );
    assert!(all.contains("nodepool rg1/aks1/nodepool1"), "names the pool: {all}");
}

#[test]
fn plain_http_to_a_remote_host_is_refused() {
    let fake = Fake::start();
    let cloud = fake.dir.join("http-cloud.toml");
    std::fs::write(&cloud, "resource_manager = \"http://management.azure.com/\"\nauthority_host = \"https://login.microsoftonline.com\"\nkeyvault_dns_suffix = \"vault.azure.net\"\n").unwrap();
    let out = fake
        .kvwire()
        .env("KVWIRE_CLOUD", &cloud)
        .args(["kubelet-identity", "-g", "rg1", "-n", "aks1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("resource_manager") && stderr.contains("refusing plain http"),
        "{stderr}"
    );
    assert!(fake.journal().is_empty(), "nothing was sent");
}

#[test]
fn dry_run_makes_zero_writes() {
    let fake = Fake::start();
    let id = fake.seed_sp_cluster("rg1", "aks1", &[("nodepool1", "img-1", "img-2")], json!({}));
    let (doc, stderr, code) = support::outcome(fake.kvwire().args([
        "-o",
        "json",
        "--dry-run",
        "--detailed-exitcode",
        "cluster",
        "enable-managed-identity",
        "-g",
        "rg1",
        "-n",
        "aks1",
    ]));
    assert_eq!(code, 4, "changes pending: {stderr}");
    assert_eq!(doc["dry_run"], true);
    assert_eq!(doc["steps"][0]["action"], "update");
    let (doc2, _, code) = support::outcome(fake.kvwire().args([
        "-o",
        "json",
        "--dry-run",
        "nodepool",
        "upgrade-image",
        "-g",
        "rg1",
        "--cluster",
        "aks1",
        "--all",
    ]));
    assert_eq!(code, 0);
    assert_eq!(doc2["steps"][0]["action"], "run");
    assert!(fake.writes().is_empty(), "{:#?}", fake.writes());
    assert_eq!(
        fake.resource(&id).unwrap()["properties"]["servicePrincipalProfile"]["clientId"],
        "clientid"
    );
}

#[test]
fn no_terminal_and_no_yes_refuses_with_usage_error() {
    let fake = Fake::start();
    fake.seed_sp_cluster("rg1", "aks1", &[("nodepool1", "img-1", "img-2")], json!({}));
    let out = fake
        .kvwire()
        .args([
            "-o",
            "json",
            "cluster",
            "enable-managed-identity",
            "-g",
            "rg1",
            "-n",
            "aks1",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--yes"));
    assert!(fake.writes().is_empty());
}

#[test]
fn tokens_and_secrets_never_appear_in_verbose_output() {
    let fake = Fake::start();
    fake.seed_sp_cluster("rg1", "aks1", &[("nodepool1", "img-1", "img-2")], json!({}));
    for args in [
        vec![
            "-vvv",
            "-o",
            "json",
            "--yes",
            "cluster",
            "enable-managed-identity",
            "-g",
            "rg1",
            "-n",
            "aks1",
        ],
        vec![
            "-vvv",
            "-o",
            "text",
            "--yes",
            "nodepool",
            "upgrade-image",
            "-g",
            "rg1",
            "--cluster",
            "aks1",
            "--all",
        ],
        vec!["-vvv", "-o", "yaml", "kubelet-identity", "-g", "rg1", "-n", "aks1"],
    ] {
        let out = fake.kvwire().args(&args).output().unwrap();
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(out.status.success(), "{args:?}: {all}");
        assert!(
            all.contains("authorization: REDACTED"),
            "-vvv shows headers, redacted: {all}"
        );
        support::assert_no_credentials(&fake, &all);
    }
    assert!(!fake.issued_tokens().is_empty());
}

#[test]
fn workload_identity_auth_uses_the_federated_token_file() {
    let fake = Fake::start();
    fake.seed_sp_cluster("rg1", "aks1", &[("nodepool1", "img-1", "img-1")], json!({"servicePrincipalProfile": {"clientId": "msi"}, "identityProfile": {"kubeletidentity": {"clientId": "c", "objectId": "o", "resourceId": "r"}}}));
    let token_file = fake.dir.join("sa-token");
    std::fs::write(&token_file, support::fake::FEDERATED_TOKEN).unwrap();
    let out = fake
        .kvwire()
        .env_remove("AZURE_CLIENT_SECRET")
        .env("AZURE_FEDERATED_TOKEN_FILE", &token_file)
        .args([
            "--auth",
            "auto",
            "-v",
            "-o",
            "json",
            "kubelet-identity",
            "-g",
            "rg1",
            "-n",
            "aks1",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("authentication: Workload"), "{stderr}");
    assert!(!stderr.contains(support::fake::FEDERATED_TOKEN));
}

#[test]
fn auth_cli_starts_az_once_per_scope() {
    let fake = Fake::start();
    fake.seed_sp_cluster(
        "rg1",
        "aks1",
        &[("pool1", "img-1", "img-2"), ("pool2", "img-1", "img-2")],
        json!({}),
    );
    fake.seed_vault("kv-demo", true, true);
    let stub = fake.az_cli_stub();
    let path = format!("{}:{}", stub.display(), std::env::var("PATH").unwrap_or_default());
    let rb = fake.dir.join("onboard.toml");
    std::fs::write(&rb, support::ONBOARD_RUNBOOK).unwrap();
    let (_, all, code) = support::outcome(
        fake.kvwire()
            .env("PATH", path)
            .env("KVWIRE_AUTH", "cli")
            .env_remove("AZURE_CLIENT_SECRET")
            .envs([
                ("DB_HOST", "h"),
                ("DB_NAME", "n"),
                ("DB_USERNAME", "u"),
                ("DB_PASSWORD", "p"),
            ])
            .args(["-o", "json", "--yes", "up", "-f"])
            .arg(&rb),
    );
    assert_eq!(code, 0, "{all}");
    let runs = fake.az_cli_runs();
    let mut scopes: Vec<&str> = runs
        .iter()
        .filter_map(|r| r.split("--scope ").nth(1))
        .map(|s| s.split(' ').next().unwrap())
        .collect();
    scopes.sort();
    let mut unique = scopes.clone();
    unique.dedup();
    assert_eq!(scopes, unique, "az ran more than once for a scope: {runs:#?}");
    assert!(scopes.len() <= 3, "{runs:#?}");
    assert!(
        fake.journal().iter().all(|e| e.host != "login.microsoftonline.com"),
        "no client-secret sign-in"
    );
}

/// The host a token scope is for (`https://graph.microsoft.com:PORT/.default` → the name).
fn scope_host(scope: &str) -> &str {
    scope
        .trim_start_matches("https://")
        .split([':', '/'])
        .next()
        .unwrap_or("")
}

/// `kvwire` under `--auth cli` with a stand-in `az` that takes `run_time` per run.
fn with_slow_az(fake: &Fake, run_time: std::time::Duration) -> assert_cmd::Command {
    let stub = fake.az_cli_stub_taking(run_time);
    let path = format!("{}:{}", stub.display(), std::env::var("PATH").unwrap_or_default());
    let mut cmd = fake.kvwire();
    cmd.env("PATH", path)
        .env("KVWIRE_AUTH", "cli")
        .env_remove("AZURE_CLIENT_SECRET");
    cmd
}

#[test]
fn auth_cli_fetches_the_tokens_of_every_scope_together_at_start_up() {
    let fake = Fake::start();
    fake.seed_sp_cluster("rg1", "aks1", &[("pool1", "img-1", "img-2")], json!({}));
    fake.seed_vault("kv-demo", true, true);
    let rb = fake.dir.join("onboard.toml");
    std::fs::write(&rb, support::ONBOARD_RUNBOOK).unwrap();
    // A real `az` takes about a second per run; one after another, three would take three.
    let run_time = std::time::Duration::from_millis(700);
    let (_, all, code) = support::outcome(
        with_slow_az(&fake, run_time)
            .envs([
                ("DB_HOST", "h"),
                ("DB_NAME", "n"),
                ("DB_USERNAME", "u"),
                ("DB_PASSWORD", "p"),
            ])
            .args(["-o", "json", "--yes", "up", "-f"])
            .arg(&rb),
    );
    assert_eq!(code, 0, "{all}");
    let times = fake.az_cli_times();
    let mut hosts: Vec<&str> = times.iter().map(|(_, _, s)| scope_host(s)).collect();
    hosts.sort();
    assert_eq!(
        hosts,
        ["graph.microsoft.com", "management.azure.com", "vault.azure.net"],
        "one run per scope: {times:#?}"
    );
    // Every run started before the first one ended: they ran side by side.
    let first_end = times.iter().map(|(_, end, _)| *end).min().unwrap();
    let last_start = times.iter().map(|(start, _, _)| *start).max().unwrap();
    assert!(last_start < first_end, "the az runs did not overlap: {times:#?}");
}

#[test]
fn auth_cli_fetches_no_token_a_command_never_uses() {
    let fake = Fake::start();
    fake.seed_sp_cluster("rg1", "aks1", &[("pool1", "img-1", "img-2")], json!({}));
    let (_, all, code) = support::outcome(with_slow_az(&fake, std::time::Duration::from_millis(100)).args([
        "-o",
        "json",
        "--dry-run",
        "nodepool",
        "upgrade-image",
        "-g",
        "rg1",
        "--cluster",
        "aks1",
        "--all",
    ]));
    assert_eq!(code, 0, "{all}");
    let times = fake.az_cli_times();
    let hosts: Vec<&str> = times.iter().map(|(_, _, s)| scope_host(s)).collect();
    assert_eq!(hosts, ["management.azure.com"], "{all}");
}
