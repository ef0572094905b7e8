//! Where traffic goes and what is printed about it: no proxy for plain http (managed identity
//! endpoints), no plain http to an address that is not loopback, certificate failures answered
//! at once with what to do, and operation URLs' signatures never logged.

use crate::support;

use serde_json::json;
use std::{
    io::Read,
    net::TcpListener,
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
};
use support::{Fake, fake};

/// A listener that counts connections and closes them: a stand-in proxy (or a dead endpoint).
fn counting_listener() -> (u16, Arc<AtomicUsize>) {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    let n = Arc::new(AtomicUsize::new(0));
    let seen = n.clone();
    std::thread::spawn(move || {
        for s in l.incoming().flatten() {
            seen.fetch_add(1, Ordering::SeqCst);
            let mut s = s;
            let mut buf = [0u8; 1024];
            let _ = s.set_read_timeout(Some(std::time::Duration::from_millis(200)));
            let _ = s.read(&mut buf);
        }
    });
    (port, n)
}

#[test]
fn managed_identity_endpoints_never_go_through_a_proxy() {
    let f = Fake::start();
    let (proxy_port, proxied) = counting_listener();
    let (endpoint_port, reached) = counting_listener();
    let proxy = format!("http://127.0.0.1:{proxy_port}");
    let out = f
        .kvwire()
        .env("HTTP_PROXY", &proxy)
        .env("HTTPS_PROXY", &proxy)
        .env("ALL_PROXY", &proxy)
        .env(
            "IDENTITY_ENDPOINT",
            format!("http://127.0.0.1:{endpoint_port}/msi/token"),
        )
        .env("IDENTITY_HEADER", "app-service-secret-header")
        .env_remove("AZURE_CLIENT_SECRET")
        .args([
            "--auth",
            "msi",
            "--retries",
            "0",
            "kubelet-identity",
            "-g",
            "rg1",
            "-n",
            "aks1",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_ne!(out.status.code(), Some(0), "{stderr}");
    assert!(
        reached.load(Ordering::SeqCst) >= 1,
        "the identity endpoint was asked directly: {stderr}"
    );
    assert_eq!(
        proxied.load(Ordering::SeqCst),
        0,
        "plain http went through the proxy: {stderr}"
    );
    assert!(!stderr.contains("app-service-secret-header"), "{stderr}");
}

#[test]
fn vvv_never_prints_the_managed_identity_header_secret() {
    let f = Fake::start();
    let (endpoint_port, reached) = counting_listener();
    let out = f
        .kvwire()
        .env(
            "IDENTITY_ENDPOINT",
            format!("http://127.0.0.1:{endpoint_port}/msi/token"),
        )
        .env("IDENTITY_HEADER", "app-service-secret-header")
        .env_remove("AZURE_CLIENT_SECRET")
        .args([
            "-vvv",
            "--auth",
            "msi",
            "--retries",
            "0",
            "kubelet-identity",
            "-g",
            "rg1",
            "-n",
            "aks1",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(reached.load(Ordering::SeqCst) >= 1, "{stderr}");
    // The request was logged with its headers: the secret's header by name, its value never.
    assert!(stderr.contains("x-identity-header: REDACTED"), "{stderr}");
    assert!(stderr.contains("metadata: true"), "{stderr}");
    assert!(!stderr.contains("app-service-secret-header"), "{stderr}");
}

#[test]
fn https_uses_the_proxy_unless_no_proxy_says_otherwise() {
    let f = Fake::start();
    let (proxy_port, proxied) = counting_listener();
    let proxy = format!("http://127.0.0.1:{proxy_port}");
    let run = |no_proxy: &str| {
        f.kvwire()
            .env("HTTPS_PROXY", &proxy)
            .env("NO_PROXY", no_proxy)
            .args(["--retries", "0", "kubelet-identity", "-g", "rg1", "-n", "aks1"])
            .output()
            .unwrap()
    };
    let out = run("");
    assert_ne!(out.status.code(), Some(0));
    assert!(proxied.load(Ordering::SeqCst) >= 1, "https went through HTTPS_PROXY");
    let before = proxied.load(Ordering::SeqCst);
    let _ = run("login.microsoftonline.com,management.azure.com");
    assert_eq!(proxied.load(Ordering::SeqCst), before, "NO_PROXY hosts go direct");

    // Loopback never goes through the proxy, https included, whatever NO_PROXY says.
    let cloud = f.dir.join("loopback.toml");
    std::fs::write(
        &cloud,
        format!(
            "name = \"Local\"\nresource_manager = \"https://localhost:{0}/\"\nauthority_host = \"https://localhost:{0}\"\narm_audience = \"https://management.azure.com/\"\nkeyvault_dns_suffix = \"vault.azure.net\"\n",
            f.port
        ),
    )
    .unwrap();
    let _ = f
        .kvwire()
        .env("HTTPS_PROXY", &proxy)
        .env("NO_PROXY", "")
        .env("KVWIRE_CLOUD", &cloud)
        .args(["--retries", "0", "kubelet-identity", "-g", "rg1", "-n", "aks1"])
        .output()
        .unwrap();
    assert_eq!(
        proxied.load(Ordering::SeqCst),
        before,
        "https to localhost went through the proxy"
    );
}

#[test]
fn plain_http_to_an_address_that_is_not_loopback_is_refused_before_any_token() {
    let f = Fake::start();
    let cloud = f.dir.join("plain.toml");
    std::fs::write(
        &cloud,
        format!(
            "name = \"Local\"\nresource_manager = \"http://localhost:{0}/\"\nauthority_host = \"https://login.microsoftonline.com:{0}\"\narm_audience = \"https://management.azure.com/\"\nkeyvault_dns_suffix = \"vault.azure.net\"\n",
            f.port
        ),
    )
    .unwrap();
    let out = f
        .kvwire()
        .env("KVWIRE_CLOUD", &cloud)
        .env(
            "KVWIRE_RESOLVE",
            format!("{},localhost:{}:10.255.255.1", f.resolve_rules(), f.port),
        )
        .args(["kubelet-identity", "-g", "rg1", "-n", "aks1"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("refusing plain http to localhost") && stderr.contains("10.255.255.1"),
        "{stderr}"
    );
    assert!(f.journal().is_empty(), "no token was asked for: {:#?}", f.journal());
}

#[test]
fn a_resolve_rule_for_another_port_does_not_slip_plain_http_past_the_guard() {
    let f = Fake::start();
    let cloud = f.dir.join("plain.toml");
    std::fs::write(
        &cloud,
        format!(
            "name = \"Local\"\nresource_manager = \"http://localhost:{0}/\"\nauthority_host = \"https://login.microsoftonline.com:{0}\"\narm_audience = \"https://management.azure.com/\"\nkeyvault_dns_suffix = \"vault.azure.net\"\n",
            f.port
        ),
    )
    .unwrap();
    // The rule names port 443; the cloud's URL is another port. reqwest dials the rule's address
    // with the URL's port all the same.
    let other = if f.port == 443 { 8443 } else { 443 };
    let out = f
        .kvwire()
        .env("KVWIRE_CLOUD", &cloud)
        .env(
            "KVWIRE_RESOLVE",
            format!("{},localhost:{other}:192.0.2.1", f.resolve_rules()),
        )
        .args([
            "--retries",
            "0",
            "--timeout",
            "3",
            "kubelet-identity",
            "-g",
            "rg1",
            "-n",
            "aks1",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("refusing plain http to localhost") && stderr.contains("192.0.2.1"),
        "{stderr}"
    );
    assert!(f.journal().is_empty(), "no token was asked for: {:#?}", f.journal());
}

#[test]
fn an_untrusted_certificate_fails_at_once_and_says_what_to_do() {
    let f = Fake::start();
    let out = f
        .kvwire()
        .env_remove("KVWIRE_CA_BUNDLE")
        .args(["--retries", "5", "kubelet-identity", "-g", "rg1", "-n", "aks1"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_ne!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("not trusted") && stderr.contains("--ca-bundle"),
        "{stderr}"
    );
    // The server notices the refused handshake on its own task: give it a moment to count it,
    // then make sure no second attempt followed.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(3);
    while f.failed_handshakes() == 0 && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    std::thread::sleep(std::time::Duration::from_millis(200));
    assert_eq!(
        f.failed_handshakes(),
        1,
        "a certificate failure is not retried: {stderr}"
    );
}

#[test]
fn operation_signatures_are_never_printed() {
    let f = Fake::start();
    f.seed_sp_cluster("rg1", "aks1", &[("nodepool1", "img-1", "img-1")], json!({}));
    f.state.lock().unwrap().lro_polls = 2;
    let out = f
        .kvwire()
        .args([
            "-vvv",
            "cluster",
            "enable-managed-identity",
            "-g",
            "rg1",
            "-n",
            "aks1",
            "--yes",
        ])
        .output()
        .unwrap();
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.status.code(), Some(0), "{all}");
    let ops: Vec<String> = f
        .journal()
        .iter()
        .filter(|e| e.path.contains("/operations/"))
        .filter_map(|e| e.path.rsplit('/').next().map(str::to_owned))
        .collect();
    assert!(!ops.is_empty(), "the switch was polled");
    assert!(all.contains("azure-asyncoperation"), "-vvv shows the headers: {all}");
    for op in ops {
        let sig = fake::arm::operation_signature(&op);
        assert!(!all.contains(&sig), "signature {sig} printed:\n{all}");
    }
    assert!(!all.contains("MIIHADCCBeig"), "{all}");
}
