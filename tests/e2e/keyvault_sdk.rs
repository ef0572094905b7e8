//! The official Key Vault SDK, on kvwire's shared HTTP client, against the fake's data plane:
//! TLS with the throwaway CA, `--resolve`-style host mapping, the 401 challenge, versions, soft delete.

use crate::support;

use azure_core::http::RequestContent;
use azure_security_keyvault_secrets::models::SetSecretParameters;
use kvwire::azure::{
    cloud::Cloud,
    http::{Http, HttpOptions},
};
use std::sync::Arc;
use support::{Fake, fake};

fn client(f: &Fake) -> azure_security_keyvault_secrets::SecretClient {
    f.seed_vault("kv-demo", true, true);
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
            retries: 3,
            keyvault_pace: None,
        })
        .unwrap(),
    );
    let cred =
        kvwire::azure::auth::client_secret(fake::TENANT, fake::CLIENT_ID, fake::CLIENT_SECRET, &http, &cloud).unwrap();
    let vault = f.resource(&support::Fake::vault_id("kv-demo")).unwrap();
    let uri = url::Url::parse(vault["properties"]["vaultUri"].as_str().unwrap()).unwrap();
    kvwire::azure::keyvault::secret_client(&http, cred, &cloud, &uri).unwrap()
}

fn params(value: &str) -> RequestContent<SetSecretParameters> {
    SetSecretParameters {
        value: Some(value.into()),
        ..Default::default()
    }
    .try_into()
    .unwrap()
}

#[tokio::test]
async fn sdk_authenticates_through_the_challenge_and_round_trips() {
    let f = Fake::start();
    let c = client(&f);
    let set = c
        .set_secret("db-password", params("hunter2"), None)
        .await
        .unwrap()
        .into_model()
        .unwrap();
    assert_eq!(set.value.as_deref(), Some("hunter2"));
    let got = c.get_secret("db-password", None).await.unwrap().into_model().unwrap();
    assert_eq!(got.value.as_deref(), Some("hunter2"));

    let j = f.journal();
    let kv: Vec<_> = j.iter().filter(|e| e.host == "kv-demo.vault.azure.net").collect();
    assert_eq!(
        kv[0].status, 401,
        "first request is unauthenticated and gets the challenge"
    );
    assert_eq!(
        kv[0].body, None,
        "the SDK withholds the secret from the unauthenticated request"
    );
    assert!(kv[1..].iter().all(|e| e.status == 200), "{kv:#?}");
    let scope = f.state.lock().unwrap().tokens.values().cloned().collect::<Vec<_>>();
    assert!(
        scope.iter().any(|s| s == "https://vault.azure.net/.default"),
        "{scope:?}"
    );
}

#[tokio::test]
async fn every_set_makes_a_version_and_soft_delete_blocks_reuse() {
    let f = Fake::start();
    let c = client(&f);
    c.set_secret("db-host", params("a"), None).await.unwrap();
    c.set_secret("db-host", params("a"), None).await.unwrap();
    assert_eq!(
        f.state.lock().unwrap().secrets[&("kv-demo".into(), "db-host".into())]
            .versions
            .len(),
        2
    );

    c.delete_secret("db-host", None).await.unwrap();
    let err = c.set_secret("db-host", params("b"), None).await.unwrap_err();
    assert_eq!(err.http_status(), Some(azure_core::http::StatusCode::Conflict), "{err}");
    let failure = kvwire::azure::keyvault::KvFailure::from_sdk(&err);
    assert_eq!(failure.status, Some(409));
    assert_eq!(failure.code.as_deref(), Some("Conflict"));
    assert!(
        failure.is(kvwire::azure::keyvault::KvCode::ObjectIsDeletedButRecoverable),
        "{failure:?}"
    );

    c.recover_deleted_secret("db-host", None).await.unwrap();
    c.set_secret("db-host", params("b"), None).await.unwrap();
    let got = c.get_secret("db-host", None).await.unwrap().into_model().unwrap();
    assert_eq!(got.value.as_deref(), Some("b"));
}
