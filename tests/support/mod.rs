//! Test harness: a per-test local Azure (the `kvwire-fake` crate: TLS on 127.0.0.1, checked
//! against the official API definitions) and a `kvwire` command wired to it through its documented
//! flags and environment only.
#![allow(dead_code)]

pub mod k8s;
pub mod schema;

pub use kvwire_fake as fake;
use serde_json::Value;
use std::{ops::Deref, path::PathBuf};

/// The onboarding the runbook tests and the `up` benchmark run: a service-principal cluster,
/// workload identity for shop/checkout, the four DB secrets from the environment, manifests.
pub const ONBOARD_RUNBOOK: &str = r#"
[cluster]
resource_group = "rg1"
name = "aks1"

[vault]
name = "kv-demo"

[identity]
mode = "workload-identity"
name = "id-shop"

[[service_accounts]]
namespace = "shop"
name = "checkout"

[secrets]
source = "env"

[manifests]
out_dir = "k8s"
deployment = "checkout"
image = "ghcr.io/example/checkout:1.4"
sync_as_k8s_secret = "db-creds"
"#;

/// The four DB values a runbook's `[secrets] source = "env"` reads (the password is never shown).
pub fn with_secrets(mut cmd: assert_cmd::Command) -> assert_cmd::Command {
    for (k, v) in [
        ("DB_HOST", "h"),
        ("DB_NAME", "n"),
        ("DB_USERNAME", "u"),
        ("DB_PASSWORD", "p-not-shown"),
    ] {
        cmd.env(k, v);
    }
    cmd
}

/// A local Azure for one test. Dropping it fails the test if any request or answer broke the wire
/// contract (see `kvwire_fake::contract`).
pub struct Fake(fake::Fake);

impl Deref for Fake {
    type Target = fake::Fake;
    fn deref(&self) -> &fake::Fake {
        &self.0
    }
}

/// The official example bodies (`responses.<code>.body`) vendored in tests/fixtures/arm.
pub fn fixture(name: &str, status: &str) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/arm")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    fake::scenario::example_body(&text, status)
}

impl Fake {
    pub fn start() -> Fake {
        Fake(fake::Fake::start())
    }

    pub fn cluster_id(rg: &str, name: &str) -> String {
        fake::Fake::cluster_id(rg, name)
    }

    pub fn vault_id(name: &str) -> String {
        fake::Fake::vault_id(name)
    }

    /// The real binary, configured for this fake only through its documented flags and env vars.
    pub fn kvwire(&self) -> assert_cmd::Command {
        assert_cmd::Command::from_std(self.kvwire_process())
    }

    /// The same, as a process to spawn (and kill).
    pub fn kvwire_process(&self) -> std::process::Command {
        let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("kvwire"));
        for var in [
            "HTTPS_PROXY",
            "https_proxy",
            "HTTP_PROXY",
            "http_proxy",
            "ALL_PROXY",
            "all_proxy",
            "AZURE_FEDERATED_TOKEN_FILE",
            "IDENTITY_ENDPOINT",
            "MSI_ENDPOINT",
            "KVWIRE_CLOUD",
            "KVWIRE_RESOLVE",
            "KVWIRE_CA_BUNDLE",
            "KVWIRE_AUTH",
            "AZURE_CONFIG_DIR",
            "CLICOLOR_FORCE",
            "COLUMNS",
        ] {
            cmd.env_remove(var);
        }
        for (k, v) in self.env() {
            cmd.env(k, v);
        }
        cmd.env("KVWIRE_RETRY_BASE_MS", "20").env("NO_COLOR", "1");
        // Never the Azure CLI profile of whoever runs the tests (its default subscription).
        cmd.env("AZURE_CONFIG_DIR", self.dir.join("az-config"));
        // Nor their kubeconfig: a cluster is reached as the test sets up (--kubeconfig, or Azure).
        cmd.env("KUBECONFIG", self.dir.join("no-kubeconfig"));
        cmd
    }
}

/// The current context of a kubeconfig file (the fake writes its admin kubeconfig with one).
pub fn current_context(kubeconfig: &std::path::Path) -> String {
    let text = std::fs::read_to_string(kubeconfig).unwrap();
    text.lines()
        .find_map(|l| l.trim().strip_prefix("current-context:"))
        .unwrap_or_else(|| panic!("no current-context in {text}"))
        .trim()
        .trim_matches('"')
        .to_string()
}

/// Run a kvwire command: (its stdout as JSON, or Null; stdout and stderr together; exit code).
pub fn outcome(cmd: &mut assert_cmd::Command) -> (Value, String, i32) {
    let out = cmd.output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    (
        serde_json::from_str(&stdout).unwrap_or(Value::Null),
        format!("{stdout}{}", String::from_utf8_lossy(&out.stderr)),
        out.status.code().unwrap_or(-1),
    )
}

/// The longest chain of requests where each starts only after the one before it answered: the
/// requests no amount of concurrency could have overlapped.
pub fn critical_path(journal: &[fake::Entry]) -> Vec<fake::Entry> {
    let mut entries: Vec<&fake::Entry> = journal.iter().collect();
    entries.sort_by_key(|e| e.started);
    // For each request: the longest chain ending in it, and the request before it on that chain.
    let mut longest: Vec<(usize, Option<usize>)> = Vec::with_capacity(entries.len());
    for (i, e) in entries.iter().enumerate() {
        let before = (0..i)
            .filter(|&j| entries[j].at <= e.started)
            .max_by_key(|&j| longest[j].0);
        longest.push((before.map_or(0, |j| longest[j].0) + 1, before));
    }
    let mut chain = vec![];
    let mut at = (0..entries.len()).max_by_key(|&i| longest[i].0);
    while let Some(i) = at {
        chain.push(entries[i].clone());
        at = longest[i].1;
    }
    chain.reverse();
    chain
}

/// The client secret and every issued token must never be printed.
pub fn assert_no_credentials(fake: &Fake, output: &str) {
    assert!(!output.contains(fake::CLIENT_SECRET), "client secret leaked:\n{output}");
    for t in fake.issued_tokens() {
        assert!(!output.contains(&t), "access token leaked:\n{output}");
    }
}

/// Lines of `text` wider than `columns` that could have been broken: more than one word. (A word
/// wider than the room, an ID or URL, is never cut, so it may stand alone on a longer line.)
pub fn overflowing(text: &str, columns: usize) -> Vec<&str> {
    text.lines()
        .filter(|l| l.chars().count() > columns && l.split_whitespace().count() > 1)
        .collect()
}
