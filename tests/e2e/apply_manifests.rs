//! `[manifests] apply = true`: the emitted objects applied to the fake cluster's API server with
//! server-side apply (field manager `kvwire`, the runbook's label), planned from its dry run;
//! a re-run that writes nothing; conflicts with another field manager; `down` removing only what
//! carries the runbook's label; a saved plan refused when an object changed.

use crate::support::{self, Fake};
use serde_json::{Value, json};
use std::path::PathBuf;

/// The onboarding runbook, its objects applied too (`extra`: more `[manifests]` keys).
fn runbook(fake: &Fake, extra: &str) -> PathBuf {
    let path = fake.dir.join("onboard.toml");
    std::fs::write(&path, format!("{}apply = true\n{extra}", support::ONBOARD_RUNBOOK)).unwrap();
    path
}

/// A workload-identity-ready cluster rg1/aks1 with namespace `shop` (when `namespace`), the vault.
fn fresh(namespace: bool) -> (Fake, String) {
    let fake = Fake::start();
    let id = fake.seed_wi_cluster("rg1", "aks1");
    fake.seed_vault("kv-demo", true, true);
    if namespace {
        fake.kube_seed(
            &id,
            "kubectl",
            json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop"}}),
        );
    }
    (fake, id)
}

fn run(fake: &Fake, args: &[&str]) -> (Value, String, i32) {
    support::outcome(support::with_secrets(fake.kvwire()).args(args))
}

/// The steps of the kubernetes phase: address → (action, held).
fn kube_steps(doc: &Value) -> Vec<(String, String, Value)> {
    doc["steps"]
        .as_array()
        .unwrap_or(&vec![])
        .iter()
        .filter(|s| s["phase"] == "kubernetes")
        .map(|s| {
            (
                s["address"].as_str().unwrap().to_string(),
                s["action"].as_str().unwrap().to_string(),
                s["held"].clone(),
            )
        })
        .collect()
}

/// Applies to the Kubernetes API that were not dry runs, from journal entry `from` on.
fn kube_writes(fake: &Fake, from: usize) -> Vec<String> {
    fake.journal()[from..]
        .iter()
        .filter(|e| e.host.starts_with("127.0.0.1") && e.method != "GET" && !e.query.contains("dryRun=All"))
        .map(|e| format!("{} {}?{}", e.method, e.path, e.query))
        .collect()
}

/// Writes to Azure (the credential listing, a POST that reads, aside).
fn azure_writes(fake: &Fake, from: usize) -> Vec<String> {
    fake.journal()[from..]
        .iter()
        .filter(|e| e.is_write() && !e.host.starts_with("127.0.0.1") && !e.path.ends_with("/listClusterUserCredential"))
        .map(|e| format!("{} {}", e.method, e.path))
        .collect()
}

fn manager_of(obj: &Value, manager: &str) -> Option<Value> {
    obj["metadata"]["managedFields"]
        .as_array()?
        .iter()
        .find(|e| e["manager"] == manager)
        .cloned()
}

#[test]
fn up_applies_the_objects_then_a_rerun_writes_nothing() {
    let (fake, id) = fresh(true);
    let rb = runbook(&fake, "");
    let rbs = rb.to_str().unwrap();

    let (doc, all, code) = run(&fake, &["-o", "json", "plan", "-f", rbs]);
    assert_eq!(code, 0, "{all}");
    let planned = kube_steps(&doc);
    let addresses: Vec<&str> = planned.iter().map(|(a, _, _)| a.as_str()).collect();
    assert_eq!(
        addresses,
        [
            "kubernetes SecretProviderClass shop/kvwire-kv-demo",
            "kubernetes ServiceAccount shop/checkout",
            "kubernetes Deployment shop/checkout"
        ],
        "{all}"
    );
    assert!(planned.iter().all(|(_, a, _)| a == "create"), "{planned:?}");
    assert!(kube_writes(&fake, 0).is_empty(), "plan only reads");

    let (doc, all, code) = run(&fake, &["-o", "json", "--yes", "up", "-f", rbs]);
    assert_eq!(code, 0, "{all}");
    assert!(
        doc["steps"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["outcome"] == "applied" || s["outcome"] == "unchanged"),
        "{all}"
    );
    for (plural, name) in [
        ("deployments", "checkout"),
        ("serviceaccounts", "checkout"),
        ("secretproviderclasses", "kvwire-kv-demo"),
    ] {
        let obj = fake
            .kube_object(&id, plural, "shop", name)
            .unwrap_or_else(|| panic!("{plural} shop/{name} not applied: {all}"));
        assert_eq!(obj["metadata"]["labels"]["kvwire.io/runbook"], "onboard", "{obj:#}");
        let entry = manager_of(&obj, "kvwire").unwrap_or_else(|| panic!("no kvwire manager: {obj:#}"));
        assert_eq!(entry["operation"], "Apply", "{entry:#}");
    }
    let sa = fake.kube_object(&id, "serviceaccounts", "shop", "checkout").unwrap();
    let client_id = sa["metadata"]["annotations"]["azure.workload.identity/client-id"]
        .as_str()
        .unwrap()
        .to_string();
    let identity = support::fake::Fake::identity_id("rg1", "id-shop");
    assert_eq!(
        fake.identity_client_id(&identity),
        client_id,
        "the ServiceAccount names the identity's client ID"
    );
    let rv = fake.kube_object(&id, "deployments", "shop", "checkout").unwrap()["metadata"]["resourceVersion"].clone();

    let mark = fake.journal().len();
    let (doc, all, code) = run(&fake, &["-o", "json", "--yes", "up", "-f", rbs]);
    assert_eq!(code, 0, "{all}");
    assert!(
        kube_steps(&doc).iter().all(|(_, a, _)| a == "no_op"),
        "{:?}",
        kube_steps(&doc)
    );
    assert_eq!(
        kube_writes(&fake, mark),
        Vec::<String>::new(),
        "the re-run applies nothing"
    );
    assert_eq!(azure_writes(&fake, mark), Vec::<String>::new(), "nor writes to Azure");
    assert_eq!(
        fake.kube_object(&id, "deployments", "shop", "checkout").unwrap()["metadata"]["resourceVersion"],
        rv
    );
    support::assert_no_credentials(&fake, &all);
    assert!(!all.contains("p-not-shown"), "no secret value in the output");
}

#[test]
fn a_missing_namespace_blocks_unless_create_namespace() {
    let (fake, id) = fresh(false);
    let rb = runbook(&fake, "");
    let rbs = rb.to_str().unwrap();
    let (doc, all, code) = run(&fake, &["-o", "json", "plan", "-f", rbs]);
    assert_eq!(code, 0, "{all}");
    let held: Vec<String> = kube_steps(&doc)
        .iter()
        .map(|(_, _, h)| h.as_str().unwrap_or("").to_string())
        .collect();
    assert!(
        held.iter()
            .all(|h| h.contains("namespace shop does not exist") && h.contains("create_namespace")),
        "{held:?}"
    );
    let (_, all, code) = run(&fake, &["--yes", "up", "-f", rbs]);
    assert_eq!(code, 2, "{all}");
    assert!(all.contains("create_namespace"), "{all}");
    assert!(
        azure_writes(&fake, 0).is_empty(),
        "nothing written: {:?}",
        azure_writes(&fake, 0)
    );

    let rb = runbook(&fake, "create_namespace = true\n");
    let (_, all, code) = run(&fake, &["--yes", "up", "-f", rb.to_str().unwrap()]);
    assert_eq!(code, 0, "{all}");
    let ns = fake.kube_object(&id, "namespaces", "", "shop").expect("created");
    assert_eq!(ns["metadata"]["labels"]["kvwire.io/runbook"], "onboard");
    assert!(fake.kube_object(&id, "deployments", "shop", "checkout").is_some());
}

#[test]
fn a_conflict_with_another_manager_is_shown_and_forced_only_when_asked() {
    let (fake, id) = fresh(true);
    let rb = runbook(&fake, "");
    let rbs = rb.to_str().unwrap();
    let (_, all, code) = run(&fake, &["--yes", "up", "-f", rbs]);
    assert_eq!(code, 0, "{all}");
    // Someone scales the Deployment with an apply of their own: they own .spec.replicas now.
    fake.kube_seed(
        &id,
        "hpa-tuner",
        json!({"apiVersion": "apps/v1", "kind": "Deployment",
               "metadata": {"name": "checkout", "namespace": "shop"}, "spec": {"replicas": 3}}),
    );
    let (doc, all, code) = run(&fake, &["-o", "json", "plan", "-f", rbs]);
    assert_eq!(code, 0, "{all}");
    let steps = kube_steps(&doc);
    let (_, _, held) = steps
        .iter()
        .find(|(a, _, _)| a == "kubernetes Deployment shop/checkout")
        .unwrap();
    let held = held.as_str().unwrap_or_default();
    assert!(held.contains(".spec.replicas") && held.contains("hpa-tuner"), "{held}");
    assert!(held.contains("--force-conflicts"), "{held}");

    let mark = fake.journal().len();
    let (_, all, code) = run(&fake, &["--yes", "up", "-f", rbs]);
    assert_eq!(code, 2, "{all}");
    assert!(all.contains(".spec.replicas"), "{all}");
    assert!(kube_writes(&fake, mark).is_empty(), "{:?}", kube_writes(&fake, mark));
    assert_eq!(
        fake.kube_object(&id, "deployments", "shop", "checkout").unwrap()["spec"]["replicas"],
        3
    );

    let (_, all, code) = run(&fake, &["--yes", "up", "--force-conflicts", "-f", rbs]);
    assert_eq!(code, 0, "{all}");
    let d = fake.kube_object(&id, "deployments", "shop", "checkout").unwrap();
    assert_eq!(d["spec"]["replicas"], 1, "{d:#}");
    assert!(
        kube_writes(&fake, mark)
            .iter()
            .any(|w| w.contains("deployments/checkout") && w.contains("force=true")),
        "{:?}",
        kube_writes(&fake, mark)
    );
}

#[test]
fn down_removes_only_what_carries_the_runbooks_label() {
    let (fake, id) = fresh(true);
    let rb = runbook(&fake, "");
    let rbs = rb.to_str().unwrap();
    let (_, all, code) = run(&fake, &["--yes", "up", "-f", rbs]);
    assert_eq!(code, 0, "{all}");
    let other =
        json!({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "other", "namespace": "shop"}});
    fake.kube_seed(&id, "kubectl", other);

    let (_, all, code) = run(&fake, &["--yes", "down", "-f", rbs]);
    assert_eq!(code, 0, "{all}");
    assert!(
        fake.kube_object(&id, "deployments", "shop", "checkout").is_none(),
        "{all}"
    );
    assert!(
        fake.kube_object(&id, "serviceaccounts", "shop", "checkout").is_none(),
        "{all}"
    );
    assert!(
        fake.kube_object(&id, "secretproviderclasses", "shop", "kvwire-kv-demo")
            .is_none()
    );
    assert!(fake.kube_object(&id, "serviceaccounts", "shop", "other").is_some());
    assert!(
        fake.kube_object(&id, "namespaces", "", "shop").is_some(),
        "the namespace stays"
    );

    // A Deployment of the same name that this runbook did not apply: left, with a note.
    fake.kube_seed(
        &id,
        "kubectl",
        json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "checkout", "namespace": "shop"},
               "spec": {"selector": {"matchLabels": {"app": "checkout"}},
                        "template": {"metadata": {"labels": {"app": "checkout"}},
                                     "spec": {"containers": [{"name": "c", "image": "nginx"}]}}}}),
    );
    let (_, all, code) = run(&fake, &["--yes", "down", "-f", rbs]);
    assert_eq!(code, 0, "{all}");
    assert!(
        fake.kube_object(&id, "deployments", "shop", "checkout").is_some(),
        "{all}"
    );
    assert!(
        all.contains("left in place") && all.contains("kvwire.io/runbook=onboard"),
        "{all}"
    );
}

/// Applied once, then the image changed and the plan saved: the saved plan updates the
/// Deployment. The saved plan's path.
fn saved_image_update(fake: &Fake, id: &str) -> PathBuf {
    let rb = runbook(fake, "");
    let rbs = rb.to_str().unwrap();
    let (_, all, code) = run(fake, &["--yes", "up", "-f", rbs]);
    assert_eq!(code, 0, "{all}");
    // A new image: the saved plan updates the Deployment.
    let text = std::fs::read_to_string(&rb)
        .unwrap()
        .replace("checkout:1.4", "checkout:1.5");
    std::fs::write(&rb, text).unwrap();
    let out = fake.dir.join("plan.kvwire");
    let (_, all, code) = run(fake, &["plan", "-f", rbs, "--out", out.to_str().unwrap()]);
    assert_eq!(code, 0, "{all}");
    let saved: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    let step = saved["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["address"] == "kubernetes Deployment shop/checkout")
        .unwrap_or_else(|| panic!("{saved:#}"))
        .clone();
    assert_eq!(step["action"], "update", "{step:#}");
    let rv = fake.kube_object(id, "deployments", "shop", "checkout").unwrap()["metadata"]["resourceVersion"].clone();
    assert_eq!(step["observed"], rv, "the resourceVersion read");
    assert!(
        step["changes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["path"] == "spec.template.spec.containers[0].image"),
        "{step:#}"
    );
    out
}

/// Someone annotates the Deployment: nothing kvwire changes, but not the object a plan was made
/// from. As a `FaultKind::Before`, a competing writer (hence a plain function over the state).
fn annotate_checkout(s: &mut support::fake::state::FakeState) {
    let id = s.kube.keys().next().expect("one cluster").clone();
    let obj = json!({"apiVersion": "apps/v1", "kind": "Deployment",
                     "metadata": {"name": "checkout", "namespace": "shop", "annotations": {"team": "payments"}}});
    let r = support::fake::kube::api::apply_as(s, &id, "kubectl-annotate", &obj, "Update");
    assert!(r.status < 300, "{:?}", r.body);
}

fn checkout_image(fake: &Fake, id: &str) -> Value {
    fake.kube_object(id, "deployments", "shop", "checkout").unwrap()["spec"]["template"]["spec"]["containers"][0]["image"]
        .clone()
}

#[test]
fn a_saved_plan_refuses_when_an_object_changed() {
    let (fake, id) = fresh(true);
    let out = saved_image_update(&fake, &id);
    fake.kube_seed_update(
        &id,
        "kubectl-annotate",
        json!({"apiVersion": "apps/v1", "kind": "Deployment",
               "metadata": {"name": "checkout", "namespace": "shop", "annotations": {"team": "payments"}}}),
    );
    let mark = fake.journal().len();
    let (_, all, code) = run(&fake, &["up", "--plan", out.to_str().unwrap()]);
    assert_ne!(code, 0, "{all}");
    assert!(
        all.contains("kubernetes Deployment shop/checkout: changed in the cluster since the plan (resourceVersion"),
        "{all}"
    );
    assert!(kube_writes(&fake, mark).is_empty(), "{:?}", kube_writes(&fake, mark));
    assert_eq!(checkout_image(&fake, &id), "ghcr.io/example/checkout:1.4");
}

/// The object moves on between kvwire's last read and its write: the apply carries the planned
/// resourceVersion, and the API server refuses it (409), so the other writer's change stands
/// and nothing of the saved plan is written to it.
#[test]
fn a_saved_plan_is_refused_by_the_api_server_when_the_object_moves_during_the_apply() {
    let (fake, id) = fresh(true);
    let out = saved_image_update(&fake, &id);
    // The fresh observation's dry run is the first apply to it; the write is the second.
    fake.fault_after(
        Some("PATCH"),
        "/deployments/checkout",
        1,
        1,
        support::fake::state::FaultKind::Before(annotate_checkout),
    );
    let (_, all, code) = run(&fake, &["up", "--plan", out.to_str().unwrap()]);
    assert_eq!(code, 1, "{all}");
    assert!(
        all.contains("kubernetes Deployment shop/checkout: changed in the cluster since the plan; nothing was written to it: plan again"),
        "{all}"
    );
    assert!(all.contains("The saved plan is stale"), "{all}");
    let live = fake.kube_object(&id, "deployments", "shop", "checkout").unwrap();
    assert_eq!(live["metadata"]["annotations"]["team"], "payments");
    assert_eq!(checkout_image(&fake, &id), "ghcr.io/example/checkout:1.4");
}

/// `down` deletes an object as it was when it decided to: one changed in the meantime (annotated
/// here; another runbook taking it over changes it the same way) is left in place.
#[test]
fn down_leaves_an_object_that_changed_after_its_plan() {
    let (fake, id) = fresh(true);
    let rb = runbook(&fake, "");
    let rbs = rb.to_str().unwrap();
    let (_, all, code) = run(&fake, &["--yes", "up", "-f", rbs]);
    assert_eq!(code, 0, "{all}");
    fake.fault(
        Some("DELETE"),
        "/deployments/checkout",
        1,
        support::fake::state::FaultKind::Before(annotate_checkout),
    );
    let (_, all, code) = run(&fake, &["--yes", "down", "-f", rbs]);
    assert_eq!(code, 1, "{all}");
    assert!(
        all.contains("kubernetes Deployment shop/checkout: changed in the cluster since the plan; nothing was written to it: plan again"),
        "{all}"
    );
    assert!(fake.kube_object(&id, "deployments", "shop", "checkout").is_some());
}

#[test]
fn an_unreachable_cluster_fails_before_any_write() {
    let (fake, id) = fresh(true);
    fake.kube_unreachable(&id);
    let rb = runbook(&fake, "");
    let (_, all, code) = run(&fake, &["--yes", "up", "-f", rb.to_str().unwrap()]);
    assert_ne!(code, 0, "{all}");
    assert!(all.contains("cannot reach the API server of cluster rg1/aks1"), "{all}");
    assert!(azure_writes(&fake, 0).is_empty(), "{:?}", azure_writes(&fake, 0));
}

/// `down` reaches the cluster as `up` does: a named kubeconfig context is used, and one that does
/// not exist stops it before anything is removed.
#[test]
fn down_reaches_the_cluster_through_a_named_context() {
    let (fake, id) = fresh(true);
    let rb = runbook(&fake, "");
    let rbs = rb.to_str().unwrap();
    let (_, all, code) = run(&fake, &["--yes", "up", "-f", rbs]);
    assert_eq!(code, 0, "{all}");
    let kubeconfig = fake.kubeconfig_file(&id);
    let kc = kubeconfig.to_str().unwrap();
    let (_, all, code) = run(
        &fake,
        &["--yes", "down", "-f", rbs, "--kubeconfig", kc, "--context", "nope"],
    );
    assert_ne!(code, 0, "{all}");
    assert!(all.contains("--context: no context \"nope\""), "{all}");
    assert!(fake.kube_object(&id, "deployments", "shop", "checkout").is_some());
    let context = support::current_context(&kubeconfig);
    let (_, all, code) = run(
        &fake,
        &["--yes", "down", "-f", rbs, "--kubeconfig", kc, "--context", &context],
    );
    assert_eq!(code, 0, "{all}");
    assert!(
        fake.kube_object(&id, "deployments", "shop", "checkout").is_none(),
        "{all}"
    );
}

/// Identity-binding mode: every runbook on the identity binds the one `use-mi-CLIENT_ID`
/// ClusterRole with a binding of its own. One runbook's `down` removes its own binding and keeps
/// the role while another's still grants it; the last one's `down` removes the role too.
#[test]
fn a_shared_cluster_role_stays_while_another_runbook_binds_it() {
    let (fake, id) = fresh(true);
    let book = |name: &str, sa: &str| {
        let path = fake.dir.join(format!("{name}.toml"));
        let text = support::ONBOARD_RUNBOOK
            .replace("mode = \"workload-identity\"", "mode = \"identity-binding\"")
            .replace("name = \"checkout\"\n", &format!("name = \"{sa}\"\n"))
            .replace("out_dir = \"k8s\"", &format!("out_dir = \"k8s-{name}\""))
            .replace("deployment = \"checkout\"", &format!("deployment = \"{sa}\""))
            .replace("sync_as_k8s_secret = \"db-creds\"\n", "");
        // Each its own SecretProviderClass: runbooks do not share objects.
        std::fs::write(
            &path,
            format!("name = \"{name}\"\n{text}apply = true\nname = \"{sa}-secrets\"\n"),
        )
        .unwrap();
        path
    };
    let (a, b) = (book("team-a", "checkout"), book("team-b", "billing"));
    for rb in [&a, &b] {
        let (_, all, code) = run(&fake, &["--yes", "up", "-f", rb.to_str().unwrap()]);
        assert_eq!(code, 0, "{all}");
    }
    let roles: Vec<String> = fake
        .kube_objects(&id, "clusterroles", "")
        .iter()
        .filter_map(|r| r["metadata"]["name"].as_str().map(str::to_owned))
        .filter(|n| n.starts_with("use-mi-"))
        .collect();
    assert_eq!(roles.len(), 1, "{roles:?}");
    let bindings = || fake.kube_objects(&id, "clusterrolebindings", "").len();
    assert_eq!(bindings(), 2);

    // team-b applied the role last (its label is on it): its down keeps it for team-a.
    let (_, all, code) = run(&fake, &["--yes", "down", "-f", b.to_str().unwrap()]);
    assert_eq!(code, 0, "{all}");
    assert!(
        fake.kube_object(&id, "clusterroles", "", &roles[0]).is_some(),
        "team-a still uses it:\n{all}"
    );
    assert_eq!(bindings(), 1, "{all}");

    // The last runbook's down removes it, whichever runbook's label it carries.
    let (_, all, code) = run(&fake, &["--yes", "down", "-f", a.to_str().unwrap()]);
    assert_eq!(code, 0, "{all}");
    assert!(fake.kube_object(&id, "clusterroles", "", &roles[0]).is_none(), "{all}");
    assert_eq!(bindings(), 0, "{all}");
}

/// What `up` sends to the API server is what its plan showed: every leaf of each apply body is
/// among the planned changes of that object's step, with the same value (the plan shows the
/// API server's dry-run result, which adds defaults; nothing sent is missing from it).
#[test]
fn what_up_applies_is_what_the_plan_showed() {
    let (fake, _id) = fresh(true);
    // The identity first: objects that name a client ID made in the same run are planned as
    // "(known after apply)", with no leaves to compare.
    let first = fake.dir.join("first.toml");
    std::fs::write(&first, support::ONBOARD_RUNBOOK).unwrap();
    let (_, all, code) = run(&fake, &["--yes", "up", "-f", first.to_str().unwrap()]);
    assert_eq!(code, 0, "{all}");
    let rb = runbook(&fake, "");
    let (doc, all, code) = run(&fake, &["-o", "json", "--yes", "up", "-f", rb.to_str().unwrap()]);
    assert_eq!(code, 0, "{all}");
    let sent: Vec<_> = fake
        .journal()
        .into_iter()
        .filter(|e| e.host.starts_with("127.0.0.1") && e.method == "PATCH" && !e.query.contains("dryRun"))
        .collect();
    assert_eq!(sent.len(), 3, "{sent:#?}");
    for e in &sent {
        let body = e.body.clone().unwrap_or_else(|| panic!("no body: {e:?}"));
        let name = body["metadata"]["name"].as_str().unwrap();
        let kind = body["kind"].as_str().unwrap();
        let step = doc["steps"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| {
                s["phase"] == "kubernetes" && s["address"].as_str().unwrap().ends_with(&format!("{kind} shop/{name}"))
            })
            .unwrap_or_else(|| panic!("no step for {kind} {name}: {doc:#}"));
        let mut sent_leaves = vec![];
        leaves(&body, "", &mut sent_leaves);
        assert!(sent_leaves.len() > 5, "{sent_leaves:?}");
        for (path, value) in sent_leaves {
            // apiVersion and kind address the object; the rest is what it holds.
            if path == "apiVersion"
                || path == "kind"
                || path.starts_with("metadata.name")
                || path.starts_with("metadata.namespace")
            {
                continue;
            }
            assert!(
                step["changes"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|c| c["path"] == path && c["after"] == value),
                "{kind} {name}: sent {path} = {value}, not planned: {:#}",
                step["changes"]
            );
        }
    }
}

/// Leaves as the plan names them: dotted paths, a key with `.` or `/` quoted (`labels["a/b"]`),
/// list items by index.
fn leaves(v: &Value, path: &str, out: &mut Vec<(String, Value)>) {
    match v {
        Value::Object(m) if !m.is_empty() => {
            for (k, item) in m {
                let key = if k.contains(['.', '/']) {
                    format!("[{}]", Value::String(k.clone()))
                } else if path.is_empty() {
                    k.clone()
                } else {
                    format!(".{k}")
                };
                leaves(item, &format!("{path}{key}"), out);
            }
        }
        Value::Array(a) if !a.is_empty() => {
            for (i, item) in a.iter().enumerate() {
                leaves(item, &format!("{path}[{i}]"), out);
            }
        }
        other => out.push((path.to_string(), other.clone())),
    }
}

/// Two runbooks as one fleet (`up -f a -f b`): an object both would apply (the default
/// SecretProviderClass name is the vault's) is refused before any write; with names of their
/// own, each applies its own objects, labelled with its own name, and the fleet run again writes
/// nothing to the cluster. Apart, the second runbook is refused the first one's object too.
#[test]
fn a_fleet_applies_each_runbooks_objects() {
    let (fake, id) = fresh(true);
    let book = |name: &str, app: &str, spc: Option<&str>| {
        let path = fake.dir.join(format!("{name}.toml"));
        let text = support::ONBOARD_RUNBOOK
            .replace("name = \"checkout\"\n", &format!("name = \"{app}\"\n"))
            .replace("out_dir = \"k8s\"", &format!("out_dir = \"k8s-{name}\""))
            .replace("deployment = \"checkout\"", &format!("deployment = \"{app}\""))
            .replace("sync_as_k8s_secret = \"db-creds\"\n", "")
            .replace("name = \"id-shop\"", &format!("name = \"id-{app}\""));
        let spc = spc.map(|s| format!("name = \"{s}\"\n")).unwrap_or_default();
        std::fs::write(&path, format!("name = \"{name}\"\n{text}apply = true\n{spc}")).unwrap();
        path
    };
    let (a, b) = (book("team-a", "checkout", None), book("team-b", "billing", None));
    let args = ["--yes", "up", "-f", a.to_str().unwrap(), "-f", b.to_str().unwrap()];
    let (_, all, code) = run(&fake, &args);
    assert_eq!(code, 2, "{all}");
    assert!(all.contains("two runbooks cannot apply one object"), "{all}");
    assert!(kube_writes(&fake, 0).is_empty(), "{:#?}", kube_writes(&fake, 0));

    // Apart: team-a applies, then team-b is refused team-a's SecretProviderClass.
    let (_, all, code) = run(&fake, &["--yes", "up", "-f", a.to_str().unwrap()]);
    assert_eq!(code, 0, "{all}");
    let (_, all, code) = run(&fake, &["--yes", "up", "-f", b.to_str().unwrap()]);
    assert_eq!(code, 2, "{all}");
    assert!(all.contains("is runbook team-a's (kvwire.io/runbook=team-a)"), "{all}");

    let b = book("team-b", "billing", Some("billing-secrets"));
    let args = ["--yes", "up", "-f", a.to_str().unwrap(), "-f", b.to_str().unwrap()];
    let (_, all, code) = run(&fake, &args);
    assert_eq!(code, 0, "{all}");
    for (app, team) in [("checkout", "team-a"), ("billing", "team-b")] {
        let d = fake
            .kube_object(&id, "deployments", "shop", app)
            .unwrap_or_else(|| panic!("{app} not applied: {all}"));
        assert_eq!(d["metadata"]["labels"]["kvwire.io/runbook"], team, "{d:#}");
    }
    let before = fake.journal().len();
    let (_, all, code) = run(&fake, &args);
    assert_eq!(code, 0, "{all}");
    assert!(
        kube_writes(&fake, before).is_empty(),
        "{:#?}",
        kube_writes(&fake, before)
    );
}

/// `create_namespace` acts only where kvwire applies the objects: without `apply` the plan says
/// so instead of ignoring it; with `--apply-manifests` it is in force and nothing is said.
#[test]
fn create_namespace_without_apply_is_pointed_out() {
    let (fake, _) = fresh(false);
    let path = fake.dir.join("onboard.toml");
    std::fs::write(&path, format!("{}create_namespace = true\n", support::ONBOARD_RUNBOOK)).unwrap();
    let rb = path.to_str().unwrap();
    let (_, all, code) = run(&fake, &["plan", "-f", rb]);
    assert_eq!(code, 0, "{all}");
    assert!(
        all.contains("warning: [manifests] create_namespace = true does nothing here: kvwire creates the namespace only when it applies the objects (`apply = true`, or `--apply-manifests`)"),
        "{all}"
    );
    let (doc, all, code) = run(&fake, &["plan", "-f", rb, "--apply-manifests"]);
    assert_eq!(code, 0, "{all}");
    assert!(!all.contains("create_namespace = true does nothing"), "{all}");
    assert!(
        kube_steps(&doc)
            .iter()
            .any(|(a, _, _)| a == "kubernetes Namespace shop"),
        "{doc:#}"
    );
}
