//! Azure CLI defaults and sign-in help: the default subscription from the CLI's profile file
//! (without starting az), a subscription by name, and what to do when no credential works.

use crate::support;

use serde_json::json;
use support::{Fake, fake};

const OTHER: &str = "11111111-2222-3333-4444-555555555555";

/// The CLI's profile as `az` writes it: UTF-8 with a byte-order mark (azure-cli `_session.py`).
fn write_profile(fake: &Fake, subscriptions: serde_json::Value) {
    let dir = fake.dir.join("az-config");
    std::fs::create_dir_all(&dir).unwrap();
    let text = format!(
        "\u{feff}{}",
        json!({"installationId": "5e1f…", "subscriptions": subscriptions})
    );
    std::fs::write(dir.join("azureProfile.json"), text).unwrap();
}

fn sub(id: &str, name: &str, default: bool, cloud: &str) -> serde_json::Value {
    json!({"id": id, "name": name, "state": "Enabled", "isDefault": default, "tenantId": fake::TENANT,
           "environmentName": cloud, "user": {"name": "dev@example.com", "type": "user"}})
}

fn kubelet_identity(fake: &Fake, extra: &[&str]) -> (String, i32) {
    let mut cmd = fake.kvwire();
    cmd.env_remove("AZURE_SUBSCRIPTION_ID")
        .args(["kubelet-identity", "-g", "rg1", "-n", "aks1", "-o", "json"])
        .args(extra);
    let (_, all, code) = support::outcome(&mut cmd);
    (all, code)
}

fn fake_with_cluster() -> Fake {
    let fake = Fake::start();
    fake.seed_sp_cluster("rg1", "aks1", &[("nodepool1", "img-1", "img-1")], json!({}));
    fake
}

#[test]
fn the_cli_default_subscription_of_this_cloud_is_used() {
    let fake = fake_with_cluster();
    // The default of another cloud is not this cloud's default (az filters by environmentName).
    write_profile(
        &fake,
        json!([
            sub(OTHER, "Gov", true, "AzureUSGovernment"),
            sub(OTHER, "Other", false, "LocalAzure"),
            sub(fake::SUB, "Dev", true, "LocalAzure")
        ]),
    );
    let (all, code) = kubelet_identity(&fake, &[]);
    // The cluster still has a service principal: the point is which subscription was asked.
    assert_eq!(code, 1, "{all}");
    assert!(all.contains("has no kubelet managed identity"), "{all}");
    let paths: Vec<String> = fake.journal().iter().map(|e| e.path.clone()).collect();
    assert!(
        paths
            .iter()
            .any(|p| p.starts_with(&format!("/subscriptions/{}/", fake::SUB))),
        "{paths:#?}"
    );
    assert!(!paths.iter().any(|p| p.contains(OTHER)), "{paths:#?}");
}

#[test]
fn without_any_subscription_the_message_says_how_to_give_one() {
    let fake = fake_with_cluster();
    let (all, code) = kubelet_identity(&fake, &[]);
    assert_eq!(code, 2, "{all}");
    assert!(
        all.contains("--subscription") && all.contains("az account set"),
        "{all}"
    );
    assert!(fake.journal().is_empty());
}

#[test]
fn a_subscription_by_name_from_the_profile_or_from_arm() {
    let fake = fake_with_cluster();
    write_profile(&fake, json!([sub(fake::SUB, "Contoso Dev", false, "LocalAzure")]));
    let (all, code) = kubelet_identity(&fake, &["--subscription", "contoso dev"]);
    assert_eq!(code, 1, "{all}");
    assert!(all.contains("has no kubelet managed identity"), "{all}");
    assert!(
        !fake.journal().iter().any(|e| e.path == "/subscriptions"),
        "a name the profile knows needs no request"
    );

    // Not in the profile: ARM's list of subscriptions names it.
    std::fs::remove_dir_all(fake.dir.join("az-config")).unwrap();
    fake.clear_journal();
    let (all, code) = kubelet_identity(&fake, &["--subscription", "kvwire-fake"]);
    assert_eq!(code, 1, "{all}");
    assert!(fake.journal().iter().any(|e| e.path == "/subscriptions"));
    let (all, code) = kubelet_identity(&fake, &["--subscription", "Nope"]);
    assert_eq!(code, 2, "{all}");
    assert!(all.contains("no subscription named \"Nope\""), "{all}");
}

#[test]
fn a_half_set_service_principal_names_the_missing_variable() {
    let fake = fake_with_cluster();
    let mut cmd = fake.kvwire();
    cmd.env("KVWIRE_AUTH", "auto")
        .env_remove("AZURE_TENANT_ID")
        .args(["kubelet-identity", "-g", "rg1", "-n", "aks1"]);
    let (_, all, code) = support::outcome(&mut cmd);
    assert_eq!(code, 2, "{all}");
    assert!(
        all.contains("AZURE_CLIENT_SECRET is set, but AZURE_TENANT_ID is not"),
        "{all}"
    );
    assert!(!all.contains(fake::CLIENT_SECRET), "{all}");
    assert!(fake.journal().is_empty(), "nothing was sent");
}

#[test]
fn no_way_to_sign_in_says_az_login() {
    let fake = fake_with_cluster();
    // PATH without az or azd.
    let empty = fake.dir.join("empty-path");
    std::fs::create_dir_all(&empty).unwrap();
    let mut cmd = fake.kvwire();
    cmd.env("KVWIRE_AUTH", "auto")
        .env("PATH", &empty)
        .env_remove("AZURE_CLIENT_SECRET")
        .args(["kubelet-identity", "-g", "rg1", "-n", "aks1"]);
    let (_, all, code) = support::outcome(&mut cmd);
    assert_eq!(code, 2, "{all}");
    assert!(all.contains("az login") && all.contains("AZURE_CLIENT_SECRET"), "{all}");

    // az is there but signed out: its failure comes with what to do, exit 2.
    let bin = fake.dir.join("az-signed-out");
    std::fs::create_dir_all(&bin).unwrap();
    let az = bin.join("az");
    std::fs::write(
        &az,
        "#!/bin/sh\necho \"ERROR: Please run 'az login' to setup account.\" >&2\nexit 1\n",
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&az, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let mut cmd = fake.kvwire();
    cmd.env("KVWIRE_AUTH", "cli")
        .env("PATH", format!("{}:/usr/bin:/bin", bin.display()))
        .args(["kubelet-identity", "-g", "rg1", "-n", "aks1"]);
    let (_, all, code) = support::outcome(&mut cmd);
    assert_eq!(code, 2, "{all}");
    assert!(
        all.contains("authentication failed") && all.contains("Sign in with `az login`"),
        "{all}"
    );
}
