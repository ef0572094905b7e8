//! Lived-in clusters: add-ons, registries and callers without Microsoft Graph. The switch to a
//! managed identity never breaks what already runs: add-ons get back what az re-creates for them,
//! every registry the service principal pulls from is carried over, and when kvwire cannot tell
//! which registries that is, the switch is held — nothing is written — until the user says.

use crate::support;

use serde_json::{Value, json};
use support::Fake;

const SUB: &str = "/subscriptions/00000000-0000-0000-0000-000000000000";
const ACR_PULL: &str = "7f951dda-4ed3-4680-a7ca-43fe172d538d";
const ACR_PUSH: &str = "8311e382-0749-4cb8-b61a-304f252e45ec";
const CONTRIBUTOR: &str = "b24988ac-6180-42a0-ab88-20f7382dd24c";
const READER: &str = "acdd72a7-3385-48ef-bd42-f606fba81ae7";
const NETWORK_CONTRIBUTOR: &str = "4d97b98b-1d4f-4787-a291-c67834d212e7";
const METRICS_PUBLISHER: &str = "3913510d-42f4-4e42-8a64-420c390055eb";

const DB: [(&str, &str); 4] = [
    ("DB_HOST", "pg.lived-in.example"),
    ("DB_NAME", "orders"),
    ("DB_USERNAME", "orders_app"),
    ("DB_PASSWORD", "Zq7!lived-in-s3cr3t"),
];

fn vnet() -> String {
    format!("{SUB}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet-shop")
}

fn gateway() -> String {
    format!("{SUB}/resourceGroups/rg-gw/providers/Microsoft.Network/applicationGateways/agw-shop")
}

/// A service-principal cluster as teams run them: Container insights (without managed-identity
/// auth), the application gateway ingress controller, virtual nodes, Azure Policy, nodes in a
/// custom subnet, and a registry attached with `--attach-acr`.
fn lived_in() -> (Fake, String) {
    let fake = Fake::start();
    let addons = json!({
        "omsagent": {"enabled": true, "config": {"logAnalyticsWorkspaceResourceID": format!("{SUB}/resourceGroups/rg-logs/providers/Microsoft.OperationalInsights/workspaces/logs")}},
        "ingressApplicationGateway": {"enabled": true, "config": {"applicationGatewayId": gateway(), "subnetCIDR": "10.225.0.0/16"}},
        "aciConnectorLinux": {"enabled": true, "config": {"SubnetName": "virtual-node-aci"}},
        "azurepolicy": {"enabled": true},
    });
    fake.seed_sp_cluster(
        "rg1",
        "aks1",
        &[("nodepool1", "img-1", "img-2")],
        json!({"addonProfiles": addons}),
    );
    {
        // The pool runs in a custom subnet (az takes the first pool's `vnetSubnetID`).
        let mut s = fake.state.lock().unwrap();
        let pool = format!("{}/agentPools/nodepool1", Fake::cluster_id("rg1", "aks1"));
        s.resource_mut(&pool).unwrap()["properties"]["vnetSubnetID"] = json!(format!("{}/subnets/nodes", vnet()));
        support::fake::arm::clusters::sync_profiles(&mut s, &Fake::cluster_id("rg1", "aks1"));
    }
    let acr = fake.seed_registry("rg1", "shopacr01");
    fake.seed_role_assignment(&acr, support::fake::CLUSTER_SP_OBJECT_ID, ACR_PULL);
    fake.seed_vault("kv-demo", true, true);
    (fake, acr)
}

fn runbook(fake: &Fake, extra_cluster: &str) -> std::path::PathBuf {
    let rb = fake.dir.join("onboard.toml");
    std::fs::write(
        &rb,
        support::ONBOARD_RUNBOOK.replace("name = \"aks1\"\n", &format!("name = \"aks1\"\n{extra_cluster}")),
    )
    .unwrap();
    rb
}

fn kvwire(fake: &Fake, args: &[&str]) -> (Value, String, i32) {
    let mut cmd = fake.kvwire();
    for (k, v) in DB {
        cmd.env(k, v);
    }
    support::outcome(cmd.args(args))
}

/// Role assignments of `role` held by `principal` at exactly `scope`.
fn held(fake: &Fake, scope: &str, principal: &str, role: &str) -> usize {
    let prefix = format!("{scope}/providers/Microsoft.Authorization/roleAssignments/").to_ascii_lowercase();
    let s = fake.state.lock().unwrap();
    s.resources
        .iter()
        .filter(|(k, v)| {
            k.starts_with(&prefix)
                && !k[prefix.len()..].contains('/')
                && v.pointer("/properties/principalId").and_then(Value::as_str) == Some(principal)
                && v.pointer("/properties/roleDefinitionId")
                    .and_then(Value::as_str)
                    .is_some_and(|r| r.ends_with(role))
        })
        .count()
}

fn addon_principal(fake: &Fake, addon: &str) -> String {
    fake.resource(&Fake::cluster_id("rg1", "aks1")).unwrap()["properties"]["addonProfiles"][addon]["identity"]
        ["objectId"]
        .as_str()
        .unwrap_or_else(|| panic!("AKS made no identity for {addon}"))
        .to_string()
}

#[test]
fn without_graph_the_switch_is_held_with_nothing_written_then_acr_carries_everything_over() {
    let (fake, acr) = lived_in();
    let path = runbook(&fake, "");
    let rb = path.to_str().unwrap();

    // Plan: the switch shows as held, with both ways forward; a plan is not a failure.
    let (_, all, code) = kvwire(&fake, &["-o", "text", "plan", "-f", rb]);
    assert_eq!(code, 0, "{all}");
    assert!(
        all.contains("held: which registries service principal clientid pulls from could not be read"),
        "{all}"
    );
    assert!(
        all.contains("subscription 00000000-0000-0000-0000-000000000000 has 1 container registry (shopacr01)"),
        "{all}"
    );
    assert!(
        all.contains("[cluster] acr") && all.contains("regrant_acr = false"),
        "{all}"
    );
    let (_, all, code) = kvwire(&fake, &["-o", "text", "plan", "-f", rb, "--detailed-exitcode"]);
    assert_eq!(code, 4, "{all}");

    // up and the single command: exit 2, and not one write.
    let (_, all, code) = kvwire(&fake, &["-o", "text", "--yes", "up", "-f", rb]);
    assert_eq!(code, 2, "{all}");
    assert!(all.contains("is held") && all.contains("Nothing was written"), "{all}");
    let (_, all, code) = kvwire(
        &fake,
        &["--yes", "cluster", "enable-managed-identity", "-g", "rg1", "-n", "aks1"],
    );
    assert_eq!(code, 2, "{all}");
    assert!(fake.writes().is_empty(), "{:#?}", fake.writes());

    // Naming the registry releases it: the plan shows what az re-creates for each add-on.
    let path = runbook(&fake, "acr = [\"shopacr01\"]\n");
    let rb = path.to_str().unwrap();
    let (plan, all, code) = kvwire(&fake, &["-o", "json", "plan", "-f", rb]);
    assert_eq!(code, 0, "{all}");
    let steps = plan["steps"].as_array().unwrap();
    let step = |address: &str| {
        steps
            .iter()
            .find(|s| s["address"] == address)
            .unwrap_or_else(|| panic!("no step {address}: {plan:#}"))
    };
    let monitoring = step("role Monitoring Metrics Publisher for add-on omsagent of rg1/aks1 on cluster aks1");
    assert!(
        monitoring["reason"]
            .as_str()
            .unwrap()
            .contains("az re-creates this after --enable-managed-identity"),
        "{monitoring:#}"
    );
    let principal = monitoring["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["path"] == "properties.principalId")
        .unwrap();
    assert_eq!(
        principal["after_unknown"], true,
        "the add-on's identity is known after apply: {monitoring:#}"
    );
    step("role Network Contributor for add-on ingressApplicationGateway of rg1/aks1 on resource group rg-gw");
    step("role Network Contributor for add-on ingressApplicationGateway of rg1/aks1 on virtual network vnet-shop");
    step("role Contributor for add-on aciConnectorLinux of rg1/aks1 on virtual network vnet-shop");
    assert!(plan.to_string().contains("add-on azurepolicy: not handled"), "{plan:#}");

    let (_, all, code) = kvwire(&fake, &["-o", "text", "--yes", "up", "-f", rb]);
    assert_eq!(code, 0, "{all}");
    let mc = fake.resource(&Fake::cluster_id("rg1", "aks1")).unwrap();
    let kubelet = mc["properties"]["identityProfile"]["kubeletidentity"]["objectId"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(held(&fake, &acr, &kubelet, ACR_PULL), 1, "the kubelet pulls as before");
    let cluster = Fake::cluster_id("rg1", "aks1");
    assert_eq!(
        held(&fake, &cluster, &addon_principal(&fake, "omsagent"), METRICS_PUBLISHER),
        1
    );
    let agic = addon_principal(&fake, "ingressApplicationGateway");
    assert_eq!(
        held(
            &fake,
            &format!("{SUB}/resourceGroups/rg-gw"),
            &agic,
            NETWORK_CONTRIBUTOR
        ),
        1
    );
    assert_eq!(held(&fake, &vnet(), &agic, NETWORK_CONTRIBUTOR), 1);
    assert_eq!(
        held(
            &fake,
            &vnet(),
            &addon_principal(&fake, "aciConnectorLinux"),
            CONTRIBUTOR
        ),
        1
    );

    // A re-run writes nothing; verify checks every add-on grant.
    fake.clear_journal();
    let (_, all, code) = kvwire(&fake, &["-o", "text", "--yes", "up", "-f", rb]);
    assert_eq!(code, 0, "{all}");
    assert!(
        fake.writes().is_empty(),
        "a re-run writes nothing: {:#?}",
        fake.writes()
    );
    let (_, all, code) = kvwire(&fake, &["-o", "text", "verify", "-f", rb]);
    assert_eq!(code, 0, "{all}");
    for line in [
        "add-on omsagent holds Monitoring Metrics Publisher on cluster aks1",
        "add-on ingressApplicationGateway holds Network Contributor on resource group rg-gw",
        "add-on aciConnectorLinux holds Contributor on virtual network vnet-shop",
    ] {
        assert!(all.contains(line), "{line}:\n{all}");
    }

    // verify catches an add-on grant someone removed, and names the fix.
    {
        let mut s = fake.state.lock().unwrap();
        let oms = addon_principal_in(&s, "omsagent");
        s.resources.retain(|_, v| {
            !(v.pointer("/properties/principalId").and_then(Value::as_str) == Some(oms.as_str())
                && v.pointer("/properties/roleDefinitionId")
                    .and_then(Value::as_str)
                    .is_some_and(|r| r.ends_with(METRICS_PUBLISHER)))
        });
    }
    let (_, all, code) = kvwire(&fake, &["-o", "text", "verify", "-f", rb]);
    assert_eq!(code, 3, "{all}");
}

fn addon_principal_in(s: &support::fake::FakeState, addon: &str) -> String {
    s.resource(&Fake::cluster_id("rg1", "aks1")).unwrap()["properties"]["addonProfiles"][addon]["identity"]["objectId"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn no_registry_in_the_subscription_holds_nothing_and_no_regrant_acr_releases_the_hold() {
    let fake = Fake::start();
    fake.seed_sp_cluster("rg1", "aks1", &[("nodepool1", "img-1", "img-2")], json!({}));
    let (_, all, code) = kvwire(
        &fake,
        &[
            "-o",
            "text",
            "--dry-run",
            "cluster",
            "enable-managed-identity",
            "-g",
            "rg1",
            "-n",
            "aks1",
        ],
    );
    assert_eq!(code, 0, "{all}");
    assert!(!all.contains("held"), "nothing to break, nothing held:\n{all}");

    let (fake, _) = lived_in();
    let (_, all, code) = kvwire(
        &fake,
        &[
            "--yes",
            "cluster",
            "enable-managed-identity",
            "-g",
            "rg1",
            "-n",
            "aks1",
            "--no-regrant-acr",
        ],
    );
    assert_eq!(code, 0, "the user checked: {all}");
}

#[test]
fn any_role_that_pulls_is_carried_over_as_the_least_role_that_pulls() {
    let fake = Fake::start();
    fake.seed_sp_cluster("rg1", "aks1", &[("nodepool1", "img-1", "img-2")], json!({}));
    fake.state.lock().unwrap().graph_application_read_all = true;
    let sp = support::fake::CLUSTER_SP_OBJECT_ID;
    let push = fake.seed_registry("rg1", "pushacr01");
    fake.seed_role_assignment(&push, sp, ACR_PUSH);
    let contrib = fake.seed_registry("rg1", "contribacr02");
    fake.seed_role_assignment(&contrib, sp, CONTRIBUTOR);
    let custom_guid = "5a1e0000-0000-4000-8000-00000000c0de";
    fake.seed_custom_role(
        custom_guid,
        "Image puller",
        &["Microsoft.ContainerRegistry/registries/*/read"],
        &[],
    );
    let custom = fake.seed_registry("rg1", "customacr03");
    fake.seed_role_assignment(&custom, sp, custom_guid);
    // Reader sees the registry but cannot pull: nothing to carry.
    let reader = fake.seed_registry("rg1", "readeracr04");
    fake.seed_role_assignment(&reader, sp, READER);
    // Contributor is not honoured in ABAC repository-permissions mode: nothing to carry there.
    let abac = fake.seed_registry_in_mode("rg1", "abacacr05", "AbacRepositoryPermissions");
    fake.seed_role_assignment(&abac, sp, CONTRIBUTOR);

    let (_, all, code) = kvwire(
        &fake,
        &["--yes", "cluster", "enable-managed-identity", "-g", "rg1", "-n", "aks1"],
    );
    assert_eq!(code, 0, "{all}");
    let kubelet = fake.resource(&Fake::cluster_id("rg1", "aks1")).unwrap()["properties"]["identityProfile"]
        ["kubeletidentity"]["objectId"]
        .as_str()
        .unwrap()
        .to_string();
    for r in [&push, &contrib, &custom] {
        assert_eq!(held(&fake, r, &kubelet, ACR_PULL), 1, "{r}: {all}");
    }
    for r in [&reader, &abac] {
        let any = fake.state.lock().unwrap().resources.values().any(|v| {
            v.pointer("/properties/principalId").and_then(Value::as_str) == Some(kubelet.as_str())
                && v.pointer("/properties/scope")
                    .and_then(Value::as_str)
                    .is_some_and(|s| s.eq_ignore_ascii_case(r))
        });
        assert!(!any, "{r} gets nothing: {all}");
    }
}
