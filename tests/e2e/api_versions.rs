//! api-versions: what kvwire pins (src/azure/arm/api.rs), what the Key Vault SDK sends and what
//! every route of the fake expects are the versions of the wire vocabularies (tests/fixtures/wire,
//! each file's `api_version`), and a request with another version is a violation.

use crate::support;

use azure_core::http::RequestContent;
use azure_security_keyvault_secrets::{SecretClient, SecretClientOptions, models::SetSecretParameters};
use kvwire::azure::{
    arm::{Arm, api},
    cloud::Cloud,
    http::{Http, HttpOptions, SharedHttp},
};
use std::sync::Arc;
use support::{
    Fake,
    fake::{
        self,
        arm::{OPERATIONS_API_VERSION, subscriptions},
        contract::vocabularies,
        router::{ApiVersion, Service},
        routes,
    },
};

/// Each constant of api.rs and the vocabulary files generated for it (scripts/wire-vocabulary.py),
/// or, for the one provider no vocabulary covers, the version the fake's route pins.
fn pinned_by(name: &str) -> Option<Vec<(&'static str, String)>> {
    let files: &[&str] = match name {
        "CONTAINER_SERVICE" => &["managed-cluster", "agent-pool", "identity-binding"],
        "AUTHORIZATION" => &["role-assignment", "role-definition"],
        "MANAGED_IDENTITY" => &["user-assigned-identity", "federated-identity-credential"],
        "KEY_VAULT" => &["vault"],
        "CONTAINER_REGISTRY" => &["container-registry"],
        "SUBSCRIPTIONS" => {
            return Some(vec![(
                "the fake's GET /subscriptions (arm/subscriptions.rs)",
                subscriptions::API_VERSION.to_string(),
            )]);
        }
        _ => return None,
    };
    Some(
        files
            .iter()
            .map(|f| (*f, vocabularies()[f].api_version.clone()))
            .collect(),
    )
}

/// Every `pub const NAME: &str = "…";` of src/azure/arm/api.rs, read as text so a new pin cannot
/// escape the check.
fn api_rs() -> Vec<(String, String)> {
    include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/src/azure/arm/api.rs"))
        .lines()
        .filter_map(|l| {
            let rest = l.trim().strip_prefix("pub const ")?;
            let (name, value) = rest.split_once(": &str = ")?;
            Some((
                name.to_string(),
                value.trim_end_matches(';').trim_matches('"').to_string(),
            ))
        })
        .collect()
}

#[test]
fn api_rs_pins_the_vocabularies_api_versions() {
    let pins = api_rs();
    assert_eq!(pins.len(), 6, "api.rs constants as read: {pins:?}");
    for (name, value) in &pins {
        let sources = pinned_by(name).unwrap_or_else(|| {
            panic!("api.rs {name} = {value:?}: name the vocabulary it must equal in tests/e2e/api_versions.rs")
        });
        for (source, version) in sources {
            assert_eq!(
                value, &version,
                "src/azure/arm/api.rs {name} is {value} but {source} is api-version {version}"
            );
        }
    }
    // The library's constants are the text just read.
    assert!(pins.contains(&("CONTAINER_SERVICE".into(), api::CONTAINER_SERVICE.into())));
    assert!(pins.contains(&("SUBSCRIPTIONS".into(), api::SUBSCRIPTIONS.into())));
}

#[test]
fn the_key_vault_sdk_sends_the_vocabularys_api_version() {
    assert_eq!(
        SecretClientOptions::default().api_version,
        vocabularies()["keyvault-secret"].api_version,
        "azure_security_keyvault_secrets' default api-version is not tests/fixtures/wire/keyvault-secret.json's"
    );
}

/// The provider a route's pattern belongs to: its last `providers/{namespace}` segment.
fn provider(pattern: &str) -> Option<&str> {
    pattern.rsplit_once("/providers/")?.1.split('/').next()
}

#[test]
fn every_arm_route_expects_what_kvwire_pins() {
    for r in routes::table().iter().filter(|r| r.service == Service::Arm) {
        let expected = r.api_version.expected();
        if let ApiVersion::Pinned { version, .. } = r.api_version
            && version == OPERATIONS_API_VERSION
        {
            // Operation links: the fake mints them, kvwire follows them as sent.
            assert!(r.pattern.contains("/operation"), "{}", r.pattern);
            continue;
        }
        let pin = match provider(r.pattern) {
            Some("Microsoft.ContainerService") => api::CONTAINER_SERVICE,
            Some("Microsoft.Authorization") => api::AUTHORIZATION,
            Some("Microsoft.ManagedIdentity") => api::MANAGED_IDENTITY,
            Some("Microsoft.KeyVault") => api::KEY_VAULT,
            Some("Microsoft.ContainerRegistry") => api::CONTAINER_REGISTRY,
            None if r.pattern == "/subscriptions" => api::SUBSCRIPTIONS,
            other => panic!("route {} {}: which api.rs pin is {other:?}?", r.method, r.pattern),
        };
        assert_eq!(
            expected,
            Some(pin),
            "route {} {} expects {expected:?}, kvwire pins {pin}",
            r.method,
            r.pattern
        );
    }
}

fn http(f: &Fake) -> (SharedHttp, Cloud) {
    let cloud = Cloud::from_toml(
        &std::fs::read_to_string(f.dir.join("cloud.toml")).unwrap(),
        "cloud.toml",
    )
    .unwrap();
    let http = Arc::new(
        Http::new(&HttpOptions {
            ca_bundle: Some(f.dir.join("ca.pem")),
            resolve: f.resolve_rules().split(',').map(|r| r.parse().unwrap()).collect(),
            timeout: None,
            retries: 1,
            keyvault_pace: None,
        })
        .unwrap(),
    );
    (http, cloud)
}

#[tokio::test]
async fn a_request_with_another_or_no_api_version_is_a_violation() {
    let f = Fake::start();
    let id = f.seed_sp_cluster("rg1", "aks1", &[("nodepool1", "img-1", "img-1")], serde_json::json!({}));
    let (http, cloud) = http(&f);
    let cred =
        kvwire::azure::auth::client_secret(fake::TENANT, fake::CLIENT_ID, fake::CLIENT_SECRET, &http, &cloud).unwrap();
    let arm = Arm::new(http, cred, cloud.resource_manager.clone(), cloud.arm_scope());

    arm.get(&id, api::CONTAINER_SERVICE).await.unwrap();
    assert_eq!(f.violations(), vec![], "the pinned version is the vocabulary's");

    arm.get(&id, "2024-01-01").await.unwrap();
    arm.get(&id, "").await.unwrap();
    let v = f.take_violations();
    assert_eq!(v.len(), 2, "{v:#?}");
    let route = "route GET /subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.ContainerService/managedClusters/{cluster}";
    for (violation, sent) in v.iter().zip(["2024-01-01", "none"]) {
        assert_eq!(violation.path, "?api-version");
        assert!(
            violation.problem.starts_with(route)
                && violation
                    .problem
                    .contains("expects api-version 2026-08-01 (tests/fixtures/wire/managed-cluster.json)")
                && violation.problem.ends_with(&format!("the request sent {sent}")),
            "{violation}"
        );
    }
}

#[tokio::test]
async fn a_key_vault_request_with_another_api_version_is_a_violation() {
    let f = Fake::start();
    f.seed_vault("kv-demo", true, true);
    let (http, cloud) = http(&f);
    let cred =
        kvwire::azure::auth::client_secret(fake::TENANT, fake::CLIENT_ID, fake::CLIENT_SECRET, &http, &cloud).unwrap();
    let vault = f.resource(&Fake::vault_id("kv-demo")).unwrap();
    let options = SecretClientOptions {
        api_version: "7.5".into(),
        client_options: http.sdk_options(),
        ..Default::default()
    };
    let c = SecretClient::new(vault["properties"]["vaultUri"].as_str().unwrap(), cred, Some(options)).unwrap();
    let params: RequestContent<SetSecretParameters> = SetSecretParameters {
        value: Some("hunter2".into()),
        ..Default::default()
    }
    .try_into()
    .unwrap();
    c.set_secret("db-password", params, None).await.unwrap();
    let v = f.take_violations();
    assert!(!v.is_empty(), "the challenge and the set both sent 7.5");
    for violation in &v {
        assert!(
            violation
                .problem
                .starts_with("route PUT /secrets/{name} expects api-version 2025-07-01")
                && violation.problem.ends_with("the request sent 7.5"),
            "{violation}"
        );
    }
}
