//! `verify` inside the cluster (docs/in-cluster.md): against the fake's Kubernetes API, whose
//! webhook and CSI driver decide from the fake's Azure whether a pod gets its identity and mounts.

use crate::support;

use serde_json::{Value, json};
use support::{Fake, outcome, with_secrets};

/// The suite's runbook on a cluster that starts on a service principal (switched and re-imaged
/// by `up`), without a synced Kubernetes Secret (the fake does not model Secrets).
fn runbook() -> String {
    support::ONBOARD_RUNBOOK
        .replace(
            "name = \"aks1\"\n",
            "name = \"aks1\"\nmanaged_identity = true\nupgrade_node_images = true\n",
        )
        .replace("sync_as_k8s_secret = \"db-creds\"\n", "")
}

/// The runbook applied by `up`: a service-principal cluster switched, re-imaged, and given the
/// OIDC issuer, workload identity and the CSI add-on; nothing in the cluster yet.
fn set_up() -> (Fake, String, std::path::PathBuf) {
    let (fake, id, rb, _) = set_up_with("");
    (fake, id, rb)
}

/// [`set_up`] with more `[manifests]` keys (`APPLY`: kvwire applies the objects too); also the
/// document the first `up` printed.
fn set_up_with(manifests: &str) -> (Fake, String, std::path::PathBuf, Value) {
    let fake = Fake::start();
    let id = fake.seed_sp_cluster("rg1", "aks1", &[("nodepool1", "img-1", "img-2")], json!({}));
    fake.seed_vault("kv-demo", true, true);
    let rb = fake.dir.join("onboard.toml");
    std::fs::write(&rb, format!("{}{manifests}", runbook())).unwrap();
    let (doc, all, code) = up(&fake, &rb);
    assert_eq!(code, 0, "{all}");
    (fake, id, rb, doc)
}

/// The runbook applies its objects to the cluster, creating their namespace.
const APPLY: &str = "apply = true\ncreate_namespace = true\n";

fn up(fake: &Fake, rb: &std::path::Path) -> (Value, String, i32) {
    outcome(
        with_secrets(fake.kvwire())
            .args(["-o", "json", "up", "--yes", "-f"])
            .arg(rb),
    )
}

/// A workload-identity cluster, the runbook applied by kvwire in Azure and by "kubectl" in the
/// cluster (kvwire does not apply manifests itself yet). Returns the cluster's ID and the runbook.
fn deployed() -> (Fake, String, std::path::PathBuf) {
    let (fake, id, rb) = set_up();
    fake.kube_seed(
        &id,
        "kubectl",
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop"}}),
    );
    for doc in emitted(&fake) {
        fake.kube_seed(&id, "kubectl", doc);
    }
    (fake, id, rb)
}

fn emitted(fake: &Fake) -> Vec<Value> {
    let dir = fake.dir.join("k8s");
    let mut docs = vec![];
    for name in ["serviceaccount.yaml", "secretproviderclass.yaml", "deployment.yaml"] {
        let text = std::fs::read_to_string(dir.join(name)).unwrap();
        docs.extend(kvwire::k8s::yaml::parse_documents(&text, name).unwrap());
    }
    docs
}

fn verify(fake: &Fake, rb: &std::path::Path, extra: &[&str]) -> (Value, String, i32) {
    outcome(fake.kvwire().args(["verify", "-o", "json", "-f"]).arg(rb).args(extra))
}

/// The in-cluster checks of a verify document, as (check, ok, fix).
fn inside(doc: &Value) -> Vec<(String, bool, String)> {
    doc["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| {
            c["check"].as_str().unwrap().starts_with("in the cluster: ")
                || c["check"] == "the cluster's API can be checked"
        })
        .map(|c| {
            (
                c["check"].as_str().unwrap().to_string(),
                c["ok"].as_bool().unwrap(),
                c["fix"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

#[test]
fn verify_follows_the_chain_to_a_mounted_pod() {
    let (fake, _id, rb) = deployed();
    let (doc, all, code) = verify(&fake, &rb, &["--in-cluster"]);
    assert_eq!(code, 0, "{all}");
    let checks = inside(&doc);
    let names: Vec<&str> = checks.iter().map(|(c, _, _)| c.as_str()).collect();
    assert!(checks.iter().all(|(_, ok, _)| *ok), "{checks:#?}");
    for want in [
        "the cluster's API can be checked",
        "in the cluster: SecretProviderClass shop/kvwire-kv-demo in the cluster is the one kvwire emitted",
        "in the cluster: deployment shop/checkout runs its pods as service account checkout",
        "in the cluster: deployment shop/checkout's pods carry the label azure.workload.identity/use: \"true\"",
        "in the cluster: deployment shop/checkout has running pods",
    ] {
        assert!(names.contains(&want), "{want} missing from {names:#?}");
    }
    assert!(
        names
            .iter()
            .any(|n| n
                .starts_with("in the cluster: service account shop/checkout has azure.workload.identity/client-id ")),
        "{names:#?}"
    );
    assert!(
        names
            .iter()
            .any(|n| n.ends_with("has the workload identity token and client ID")),
        "{names:#?}"
    );
    assert!(
        names
            .iter()
            .any(|n| n.ends_with("mounted the secrets of kvwire-kv-demo")),
        "{names:#?}"
    );
}

#[test]
fn a_pod_without_the_label_gets_no_token_and_the_fix_says_so() {
    let (fake, id, rb) = deployed();
    let mut dep = emitted(&fake).into_iter().find(|d| d["kind"] == "Deployment").unwrap();
    dep["spec"]["template"]["metadata"]["labels"]
        .as_object_mut()
        .unwrap()
        .remove("azure.workload.identity/use");
    fake.kube_seed(&id, "kubectl", dep);
    let (doc, all, code) = verify(&fake, &rb, &["--in-cluster"]);
    assert_eq!(code, 3, "{all}");
    let failed: Vec<(String, bool, String)> = inside(&doc).into_iter().filter(|c| !c.1).collect();
    assert!(
        failed.iter().any(
            |(c, _, fix)| c.ends_with("'s pods carry the label azure.workload.identity/use: \"true\"")
                && fix.starts_with("kubectl apply -f ")
        ),
        "{failed:#?}"
    );
}

#[test]
fn a_wrong_client_id_annotation_is_named_with_its_fix() {
    let (fake, id, rb) = deployed();
    let mut sa = emitted(&fake)
        .into_iter()
        .find(|d| d["kind"] == "ServiceAccount")
        .unwrap();
    sa["metadata"]["annotations"]["azure.workload.identity/client-id"] = json!("00000000-0000-0000-0000-00000000dead");
    fake.kube_seed(&id, "kubectl", sa);
    let (doc, all, code) = verify(&fake, &rb, &["--in-cluster"]);
    assert_eq!(code, 3, "{all}");
    let failed: Vec<(String, bool, String)> = inside(&doc).into_iter().filter(|c| !c.1).collect();
    let sa_check = failed
        .iter()
        .find(|(c, _, _)| c.contains("service account shop/checkout has azure.workload.identity/client-id"))
        .unwrap_or_else(|| panic!("{failed:#?}"));
    assert!(sa_check.2.contains("kubectl rollout restart"), "{sa_check:?}");
}

#[test]
fn a_credential_for_another_subject_is_diagnosed_from_the_mount_failure() {
    let (fake, id, rb) = deployed();
    // The federated credential now trusts another service account: Entra refuses the pod's token
    // (AADSTS70021) and the CSI driver reports FailedMount.
    let identity = support::fake::Fake::identity_id("rg1", "id-shop");
    fake.seed_federated_credential(
        &identity,
        "kvwire-shop-checkout",
        &fake.oidc_issuer(&id),
        "system:serviceaccount:shop:other",
    );
    // A new pod: the old one mounted before the credential changed.
    let mut dep = emitted(&fake).into_iter().find(|d| d["kind"] == "Deployment").unwrap();
    dep["spec"]["template"]["metadata"]["annotations"] = json!({"restartedAt": "now"});
    fake.kube_seed(&id, "kubectl", dep);
    let (doc, all, code) = verify(&fake, &rb, &["--in-cluster"]);
    assert_eq!(code, 3, "{all}");
    // The old pod still serves (a rollout keeps it until the new one runs): the new one is named,
    // with the cause its FailedMount event gives and the command that fixes it.
    let stuck: Vec<&Value> = doc["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["ok"] == false && c["check"].as_str().unwrap().ends_with(" is running"))
        .collect();
    assert!(
        stuck.iter().any(|c| {
            let detail = c["detail"].as_str().unwrap();
            detail.starts_with(
                "FailedMount: no federated credential of the identity trusts the pod's service account and issuer https://",
            ) && detail.contains("AADSTS70021")
                && c["fix"] == format!("kvwire up -f {}", rb.display())
        }),
        "{stuck:#?}\n{all}"
    );
}

#[test]
fn nothing_applied_yet_is_a_warning_unless_required() {
    let (fake, _, rb) = set_up();
    let (doc, all, code) = verify(&fake, &rb, &[]);
    assert_eq!(code, 0, "{all}");
    let warnings = doc["warnings"].to_string();
    assert!(warnings.contains("none of the 3 objects"), "{warnings}");
    let (doc, _, code) = verify(&fake, &rb, &["--in-cluster"]);
    assert_eq!(code, 3);
    assert!(
        inside(&doc)
            .iter()
            .any(|(c, ok, _)| !ok && c == "in the cluster: service account shop/checkout is in the cluster"),
        "{doc:#}"
    );
    let (doc, _, code) = verify(&fake, &rb, &["--no-in-cluster"]);
    assert_eq!(code, 0);
    assert!(!doc["warnings"].to_string().contains("in-cluster"), "{doc:#}");
}

#[test]
fn a_private_or_unreachable_api_names_command_invoke_and_does_not_hang() {
    let (fake, id, rb) = deployed();
    fake.kube_private(&id);
    let (doc, all, code) = verify(&fake, &rb, &["--in-cluster"]);
    assert_eq!(code, 3, "{all}");
    let api = doc["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["check"] == "the cluster's API can be checked")
        .unwrap_or_else(|| panic!("{doc:#}"));
    assert_eq!(api["ok"], false);
    let detail = api["detail"].as_str().unwrap();
    assert!(
        detail.contains("private cluster") && detail.contains("az aks command invoke -g rg1 -n aks1"),
        "{detail}"
    );
    // Without --in-cluster it is a warning and verify goes on.
    let (doc, all, code) = verify(&fake, &rb, &[]);
    assert_eq!(code, 0, "{all}");
    assert!(doc["warnings"].to_string().contains("az aks command invoke"), "{doc:#}");
}

#[test]
fn an_entra_cluster_is_signed_in_with_kvwires_own_token() {
    let (fake, id, rb) = deployed();
    // Entra only: no static token works; kubelogin is in the kubeconfig but never started.
    fake.kube_entra(&id, false);
    let (doc, all, code) = verify(&fake, &rb, &["--in-cluster"]);
    assert_eq!(code, 0, "{all}");
    assert!(inside(&doc).iter().all(|(_, ok, _)| *ok), "{doc:#}");
}

#[test]
fn a_named_context_is_used_as_given() {
    let (fake, id, rb) = deployed();
    let kubeconfig = fake.kubeconfig_file(&id);
    let context = support::current_context(&kubeconfig);
    let through = |ctx: &str| {
        verify(
            &fake,
            &rb,
            &[
                "--in-cluster",
                "--kubeconfig",
                kubeconfig.to_str().unwrap(),
                "--context",
                ctx,
            ],
        )
    };
    let (doc, all, code) = through(&context);
    assert_eq!(code, 0, "{all}");
    let api = doc["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["check"] == "the cluster's API can be checked")
        .unwrap();
    assert_eq!(api["detail"], format!("through kubeconfig context {context}"));
    let (doc, _, code) = through("nope");
    assert_eq!(code, 3);
    assert!(
        doc.to_string().contains("--context: no context \\\"nope\\\""),
        "{doc:#}"
    );
}

/// The whole loop: `up` applies Azure and the cluster, `up` again writes nothing in
/// either, and `verify --in-cluster` passes every check down to the mounted pod.
#[test]
fn up_applies_then_reruns_clean_then_verify_passes_in_the_cluster() {
    let (fake, _, rb, doc) = set_up_with(APPLY);
    let applied: Vec<&str> = doc["steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["phase"] == "kubernetes")
        .map(|s| s["outcome"].as_str().unwrap())
        .collect();
    assert!(
        applied.len() >= 4 && applied.iter().all(|o| *o == "applied"),
        "{applied:?}"
    );
    let before = fake.journal().len();
    let (doc, all, code) = up(&fake, &rb);
    assert_eq!(code, 0, "{all}");
    assert!(
        doc["steps"].as_array().unwrap().iter().all(|s| s["action"] == "no_op"),
        "{doc:#}"
    );
    let writes: Vec<String> = fake.journal()[before..]
        .iter()
        .filter(|e| {
            e.method != "GET" && !e.query.contains("dryRun=All") && !e.path.ends_with("/listClusterUserCredential")
        })
        .filter(|e| !(e.method == "POST" && e.host.starts_with("login.")))
        .map(|e| format!("{} {}{}", e.method, e.host, e.path))
        .collect();
    assert!(writes.is_empty(), "the second up wrote: {writes:#?}");
    let (doc, all, code) = verify(&fake, &rb, &["--in-cluster"]);
    assert_eq!(code, 0, "{all}");
    let checks = inside(&doc);
    assert!(checks.iter().all(|(_, ok, _)| *ok), "{checks:#?}");
    assert!(
        checks
            .iter()
            .any(|(c, _, _)| c.ends_with("mounted the secrets of kvwire-kv-demo")),
        "{checks:#?}"
    );
    assert!(
        checks
            .iter()
            .any(|(c, _, _)| c.ends_with("has the workload identity token and client ID")),
        "{checks:#?}"
    );
}

/// With `apply = true`, what the cluster holds is part of verify's drift: an object changed
/// there is a change `up` would make.
#[test]
fn drift_in_the_cluster_is_drift() {
    let (fake, id, rb, _) = set_up_with(APPLY);
    let mut dep = fake.kube_object(&id, "deployments", "shop", "checkout").unwrap();
    dep["spec"]["template"]["spec"]["containers"][0]["image"] = json!("ghcr.io/example/checkout:9.9");
    for k in [
        "managedFields",
        "resourceVersion",
        "uid",
        "creationTimestamp",
        "generation",
    ] {
        dep["metadata"].as_object_mut().unwrap().remove(k);
    }
    dep.as_object_mut().unwrap().remove("status");
    fake.kube_seed(&id, "kvwire", dep);
    let before = fake.journal().len();
    let (doc, all, code) = verify(&fake, &rb, &["--in-cluster"]);
    assert_eq!(code, 3, "{all}");
    // The checks and the drift plan share one connection: the credential is asked for once.
    let credentials = fake.journal()[before..]
        .iter()
        .filter(|e| e.path.ends_with("/listClusterUserCredential"))
        .count();
    assert_eq!(credentials, 1, "{all}");
    let drift = doc["drift"].to_string();
    assert!(
        drift.contains("kubernetes") && drift.contains("checkout:1.4"),
        "{doc:#}"
    );
}
