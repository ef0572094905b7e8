//! AcrPull after the switch to a managed identity: the registries where the old service principal
//! holds AcrPull (as `az aks update --attach-acr` leaves it) get the same grant for the kubelet
//! identity, also when the run is resumed after the switch; without Graph, `--acr` names them.

use crate::support;

use serde_json::{Value, json};
use support::{Fake, fake::state::FaultKind};

const ACR_PULL: &str = "7f951dda-4ed3-4680-a7ca-43fe172d538d";

fn setup() -> (Fake, String) {
    let fake = Fake::start();
    fake.seed_sp_cluster("rg1", "aks1", &[("nodepool1", "img-1", "img-2")], json!({}));
    let acr = fake.seed_registry("rg1", "shopacr01");
    // kvwire's service principal may read the directory (Graph Application.Read.All).
    fake.state.lock().unwrap().graph_application_read_all = true;
    // What `az aks create --attach-acr` (or `az aks update --attach-acr`) made for the service principal.
    fake.seed_role_assignment(&acr, support::fake::CLUSTER_SP_OBJECT_ID, ACR_PULL);
    (fake, acr)
}

fn kubelet_object_id(fake: &Fake) -> String {
    fake.resource(&Fake::cluster_id("rg1", "aks1")).unwrap()["properties"]["identityProfile"]["kubeletidentity"]
        ["objectId"]
        .as_str()
        .expect("the switch made a kubelet identity")
        .to_string()
}

/// AcrPull role assignments on `scope` held by `principal`.
fn acr_pulls(fake: &Fake, scope: &str, principal: &str) -> usize {
    let prefix = format!("{scope}/providers/Microsoft.Authorization/roleAssignments/").to_ascii_lowercase();
    let s = fake.state.lock().unwrap();
    s.resources
        .iter()
        .filter(|(k, v)| {
            k.starts_with(&prefix)
                && v.pointer("/properties/principalId").and_then(Value::as_str) == Some(principal)
                && v.pointer("/properties/roleDefinitionId")
                    .and_then(Value::as_str)
                    .is_some_and(|r| r.ends_with(ACR_PULL))
        })
        .count()
}

fn switch(fake: &Fake, extra: &[&str]) -> (Value, String, i32) {
    let mut cmd = fake.kvwire();
    cmd.args([
        "cluster",
        "enable-managed-identity",
        "-g",
        "rg1",
        "-n",
        "aks1",
        "--yes",
        "-o",
        "json",
    ]);
    support::outcome(cmd.args(extra))
}

#[test]
fn the_switch_carries_acr_pull_over_to_the_kubelet_and_a_rerun_changes_nothing() {
    let (fake, acr) = setup();
    // A grant over a whole resource group is broader than any one registry: reported, not copied.
    let rg2 = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg2";
    fake.seed_role_assignment(rg2, support::fake::CLUSTER_SP_OBJECT_ID, ACR_PULL);

    let mut cmd = fake.kvwire();
    cmd.args([
        "cluster",
        "enable-managed-identity",
        "-g",
        "rg1",
        "-n",
        "aks1",
        "--dry-run",
        "-o",
        "json",
    ]);
    let (plan, all, code) = support::outcome(&mut cmd);
    assert_eq!(code, 0, "{all}");
    let text = plan.to_string();
    assert!(
        text.contains("role AcrPull for kubelet of rg1/aks1 on registry shopacr01"),
        "{plan:#}"
    );
    assert!(
        text.contains(
            "a role that pulls images on /subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg2, above any one registry"
        ),
        "{plan:#}"
    );
    assert!(text.contains("carried over by this run"), "{plan:#}");
    assert!(fake.writes().is_empty(), "a dry run only reads");

    let (_, all, code) = switch(&fake, &[]);
    assert_eq!(code, 0, "{all}");
    let kubelet = kubelet_object_id(&fake);
    assert_eq!(acr_pulls(&fake, &acr, &kubelet), 1, "{all}");
    assert_eq!(acr_pulls(&fake, rg2, &kubelet), 0, "the group-wide grant is not copied");

    fake.clear_journal();
    let (_, all, code) = switch(&fake, &[]);
    assert_eq!(code, 0, "{all}");
    assert!(
        fake.writes().is_empty(),
        "a re-run writes nothing: {:#?}",
        fake.writes()
    );
}

#[test]
fn a_run_interrupted_after_the_switch_grants_acr_pull_when_resumed() {
    let (fake, acr) = setup();
    // The switch succeeds; the role assignment is refused once (the run stops there).
    fake.fault(
        Some("PUT"),
        "/providers/Microsoft.Authorization/roleAssignments/",
        1,
        FaultKind::Error {
            status: 403,
            code: "AuthorizationFailed".into(),
        },
    );
    let (_, all, code) = switch(&fake, &[]);
    assert_ne!(code, 0, "{all}");
    let mc = fake.resource(&Fake::cluster_id("rg1", "aks1")).unwrap();
    assert_eq!(mc["properties"]["servicePrincipalProfile"]["clientId"], json!("msi"));
    let kubelet = kubelet_object_id(&fake);
    assert_eq!(acr_pulls(&fake, &acr, &kubelet), 0);

    // The cluster no longer names its service principal; the switch recorded the registry.
    assert_eq!(mc["tags"]["kvwire-acr-pull-shopacr01"], json!(acr));
    fake.clear_journal();
    let (_, all, code) = switch(&fake, &[]);
    assert_eq!(code, 0, "{all}");
    assert_eq!(acr_pulls(&fake, &acr, &kubelet), 1, "{all}");
    assert!(
        all.contains("recorded at kvwire's switch to a managed identity"),
        "{all}"
    );
    let writes = fake.writes();
    assert!(
        writes.iter().all(|w| w.path.contains("roleAssignments")),
        "only the grant is written on resume: {writes:#?}"
    );
}

#[test]
fn without_graph_the_plan_says_so_and_acr_names_the_registry() {
    let (fake, _) = setup();
    let other = fake.seed_registry("rg1", "otheracr02");
    fake.fault(
        Some("GET"),
        "servicePrincipals(",
        100,
        FaultKind::Error {
            status: 403,
            code: "Authorization_RequestDenied".into(),
        },
    );
    // Registries exist and which of them the service principal pulls from is unknown: the
    // switch is held, never made blind.
    let (plan, all, code) = switch(&fake, &["--dry-run"]);
    assert_eq!(code, 0, "{all}");
    let held = plan.to_string();
    assert!(
        held.contains("which registries service principal clientid pulls from could not be read")
            && held.contains("--acr NAME")
            && held.contains("--no-regrant-acr"),
        "{plan:#}"
    );

    let (_, all, code) = switch(&fake, &["--acr", "otheracr02"]);
    assert_eq!(code, 0, "{all}");
    assert_eq!(acr_pulls(&fake, &other, &kubelet_object_id(&fake)), 1, "{all}");
}

#[test]
fn acr_values_are_checked_before_any_request() {
    let fake = Fake::start();
    let (_, all, code) = switch(&fake, &["--acr", "not-a-registry!"]);
    assert_eq!(code, 2, "{all}");
    assert!(
        all.contains("--acr") && all.contains("not a container registry name"),
        "{all}"
    );
    assert!(fake.journal().is_empty(), "{:#?}", fake.journal());

    fake.seed_sp_cluster("rg1", "aks1", &[("nodepool1", "img-1", "img-2")], json!({}));
    let (_, all, code) = switch(&fake, &["--acr", "nosuchacr9"]);
    assert_ne!(code, 0);
    assert!(all.contains("container registry nosuchacr9 was not found"), "{all}");
    assert!(fake.writes().is_empty());
}

#[test]
fn a_runbook_grants_named_registries_and_verify_checks_them() {
    let (fake, acr) = setup();
    fake.seed_vault("kv-demo", true, true);
    let rb = fake.dir.join("onboard.toml");
    std::fs::write(
        &rb,
        support::ONBOARD_RUNBOOK.replace("name = \"aks1\"\n", "name = \"aks1\"\nacr = [\"shopacr01\"]\n"),
    )
    .unwrap();
    let run = |args: &[&str]| {
        let mut cmd = fake.kvwire();
        for (k, v) in [
            ("DB_HOST", "h"),
            ("DB_NAME", "n"),
            ("DB_USERNAME", "u"),
            ("DB_PASSWORD", "p4ss-acr"),
        ] {
            cmd.env(k, v);
        }
        support::outcome(cmd.args(args).arg("-f").arg(&rb))
    };
    let (_, all, code) = run(&["verify", "-o", "text"]);
    assert_eq!(code, 3, "{all}");
    assert!(all.contains("the kubelet can pull from registry shopacr01"), "{all}");

    let (_, all, code) = run(&["up", "--yes", "-o", "text"]);
    assert_eq!(code, 0, "{all}");
    assert_eq!(acr_pulls(&fake, &acr, &kubelet_object_id(&fake)), 1, "{all}");
    let (report, all, code) = run(&["verify", "-o", "json"]);
    assert_eq!(code, 0, "{all}");
    let check = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["check"] == json!("the kubelet can pull from registry shopacr01"))
        .unwrap_or_else(|| panic!("{report:#}"));
    assert_eq!(check["ok"], json!(true), "{check:#}");
}

const REPOSITORY_READER: &str = "b93aa761-3e63-49ed-ac28-beffa264f7ac";

#[test]
fn an_abac_registry_gets_repository_reader_not_acr_pull() {
    let fake = Fake::start();
    fake.seed_sp_cluster("rg1", "aks1", &[("nodepool1", "img-1", "img-2")], json!({}));
    fake.state.lock().unwrap().graph_application_read_all = true;
    // In ABAC repository-permissions mode AcrPull is not honoured; the service principal pulled
    // with Container Registry Repository Reader.
    let acr = fake.seed_registry_in_mode("rg1", "abacacr01", "AbacRepositoryPermissions");
    fake.seed_role_assignment(&acr, support::fake::CLUSTER_SP_OBJECT_ID, REPOSITORY_READER);
    // One limited to some repositories by an ABAC condition is not copied without it.
    let limited = fake.seed_registry_in_mode("rg1", "limitedacr02", "AbacRepositoryPermissions");
    let ra = fake.seed_role_assignment(&limited, support::fake::CLUSTER_SP_OBJECT_ID, REPOSITORY_READER);
    {
        let mut s = fake.state.lock().unwrap();
        let mut doc = s.resource(&ra).unwrap().clone();
        doc["properties"]["condition"] = json!(
            "@Resource[Microsoft.ContainerRegistry/registries/repositories:name] StringStartsWithIgnoreCase 'shop/'"
        );
        doc["properties"]["conditionVersion"] = json!("2.0");
        s.put_resource(&ra, doc);
    }
    let (plan, all, code) = switch(&fake, &["--dry-run"]);
    assert_eq!(code, 0, "{all}");
    assert!(
        plan.to_string()
            .contains("with an ABAC condition: kvwire does not copy conditional grants"),
        "{plan:#}"
    );
    assert!(!plan.to_string().contains("on registry limitedacr02"), "{plan:#}");
    assert!(
        plan.to_string()
            .contains("role Container Registry Repository Reader for kubelet of rg1/aks1 on registry abacacr01"),
        "{plan:#}"
    );
    let (_, all, code) = switch(&fake, &[]);
    assert_eq!(code, 0, "{all}");
    let kubelet = kubelet_object_id(&fake);
    assert_eq!(acr_pulls(&fake, &acr, &kubelet), 0, "AcrPull would do nothing here");
    let s = fake.state.lock().unwrap();
    let granted = s
        .resources
        .values()
        .filter(|v| {
            v.pointer("/properties/principalId").and_then(Value::as_str) == Some(kubelet.as_str())
                && v.pointer("/properties/roleDefinitionId")
                    .and_then(Value::as_str)
                    .is_some_and(|r| r.ends_with(REPOSITORY_READER))
        })
        .count();
    assert_eq!(granted, 1);
}

/// Issue 21 item 4: whoever may write the cluster's tags (ARM "Tags - Update At Scope",
/// `PATCH {scope}/providers/Microsoft.Resources/tags/default`, needs only
/// `Microsoft.Resources/tags/write`) may add `kvwire-acr-pull-*` tags. The fake's state is edited
/// the way such a write leaves it. A tag kvwire's switch did not record grants nothing and is
/// named in a warning; a value that is no registry ID never fails the plan.
#[test]
fn registry_tags_kvwire_did_not_record_grant_nothing_and_never_fail_the_plan() {
    let (fake, acr) = setup();
    let other = fake.seed_registry("rg1", "otheracr02");
    let planted = fake.seed_registry("rg1", "plantedacr03");
    let cluster = Fake::cluster_id("rg1", "aks1");
    let tag = |k: &str, v: &str| {
        let mut s = fake.state.lock().unwrap();
        let mut mc = s.resource(&cluster).unwrap().clone();
        mc["tags"][k] = json!(v);
        s.put_resource(&cluster, mc);
    };
    // Before the switch: the service principal's role assignments decide, not tags.
    tag("kvwire-acr-pull-plantedacr03", &planted);
    let (_, all, code) = switch(&fake, &[]);
    assert_eq!(code, 0, "{all}");
    let kubelet = kubelet_object_id(&fake);
    assert_eq!(acr_pulls(&fake, &acr, &kubelet), 1, "{all}");
    assert_eq!(acr_pulls(&fake, &planted, &kubelet), 0, "{all}");
    assert!(
        all.contains("cluster tag kvwire-acr-pull-plantedacr03 was not written by kvwire's switch"),
        "{all}"
    );
    assert!(
        all.contains("found through service principal") && all.contains("role assignments"),
        "where the registry came from: {all}"
    );

    // After the switch: a tag naming another registry, and one that names none.
    tag("kvwire-acr-pull-otheracr02", &other);
    tag("kvwire-acr-pull-junk", "not a registry");
    fake.clear_journal();
    let (_, all, code) = switch(&fake, &[]);
    assert_eq!(code, 0, "the plan still succeeds: {all}");
    assert_eq!(acr_pulls(&fake, &other, &kubelet), 0, "{all}");
    assert_eq!(acr_pulls(&fake, &planted, &kubelet), 0, "{all}");
    assert!(fake.writes().is_empty(), "nothing granted: {:#?}", fake.writes());
    for warned in [
        "cluster tag kvwire-acr-pull-otheracr02 names registry",
        "cluster tag kvwire-acr-pull-plantedacr03 names registry",
        "cluster tag kvwire-acr-pull-junk = \"not a registry\": not the resource ID of registry junk",
    ] {
        assert!(all.contains(warned), "{warned}: {all}");
    }
    assert!(all.contains("--acr otheracr02"), "{all}");
}
