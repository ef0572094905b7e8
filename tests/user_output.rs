//! Snapshots of what a person sees at a terminal (text mode), with volatile values filtered.

mod support;

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
    let acr = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-demo/providers/Microsoft.ContainerRegistry/registries/acrdemo";
    let ra = format!("{acr}/providers/Microsoft.Authorization/roleAssignments/0b1c2d3e-0000-4000-8000-000000000001");
    {
        let mut s = fake.state.lock().unwrap();
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
