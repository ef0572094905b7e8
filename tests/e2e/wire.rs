//! kvwire against the wire vocabulary (tests/fixtures/wire, generated from the official Azure SDK
//! for Python models): the check bites, kvwire's own read-only list and every field it reads
//! exist in the official definitions.

use crate::support;

use serde_json::json;
use support::{
    Fake,
    fake::{
        FaultKind,
        arm::clusters::CLUSTER,
        contract::{self, Direction},
    },
};

#[test]
fn a_response_with_issuer_url_in_the_wrong_case_is_a_violation() {
    let mut body = support::fixture("ManagedClustersGet.2026-08-01.json", "200");
    body["properties"]["oidcIssuerProfile"] = json!({"enabled": true, "issuerUrl": "https://issuer/"});
    let v = contract::check(CLUSTER, &body, Direction::Response, "GET cluster");
    assert_eq!(v.len(), 1, "{v:#?}");
    assert_eq!(v[0].path, "properties.oidcIssuerProfile.issuerUrl");
    assert!(
        v[0].problem.contains("the wire name is \"issuerURL\""),
        "{}",
        v[0].problem
    );

    body["properties"]["oidcIssuerProfile"] = json!({"enabled": true, "issuerURL": "https://issuer/"});
    assert!(contract::check(CLUSTER, &body, Direction::Response, "GET cluster").is_empty());
    // Read-only in a request; a number where ARM wants a string.
    let v = contract::check(CLUSTER, &body, Direction::Request, "PUT cluster");
    assert!(
        v.iter()
            .any(|v| v.path == "properties.oidcIssuerProfile.issuerURL" && v.problem.contains("read-only")),
        "{v:#?}"
    );
    body["properties"]["addonProfiles"] =
        json!({"azureKeyvaultSecretsProvider": {"enabled": true, "config": {"enableSecretRotation": true}}});
    let v = contract::check(CLUSTER, &body, Direction::Response, "GET cluster");
    assert!(
        v.iter()
            .any(|v| v.path.ends_with("[\"enableSecretRotation\"]") && v.problem.contains("expected a string")),
        "{v:#?}"
    );
}

#[test]
fn the_fake_reports_a_body_azure_would_never_send() {
    let fake = Fake::start();
    fake.seed_sp_cluster("rg1", "aks1", &[("nodepool1", "img-1", "img-1")], json!({}));
    fake.fault(
        Some("GET"),
        "managedClusters/aks1",
        1,
        FaultKind::MutateResponse {
            pointer: "/properties/oidcIssuerProfile/issuerUrl".into(),
            value: json!("https://issuer/"),
        },
    );
    let _ = fake
        .kvwire()
        .args(["-o", "json", "kubelet-identity", "-g", "rg1", "-n", "aks1"])
        .output()
        .unwrap();
    let v = fake.take_violations();
    assert!(
        v.iter().any(|v| v.path == "properties.oidcIssuerProfile.issuerUrl"),
        "the mutated answer was caught: {v:#?}"
    );
}

#[test]
fn kvwires_read_only_list_is_the_official_one() {
    let official = contract::readonly_pointers(CLUSTER, 12);
    let mine: Vec<String> = kvwire::azure::arm::writable::MANAGED_CLUSTER_READ_ONLY
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(
        mine,
        official,
        "src/azure/arm/writable.rs MANAGED_CLUSTER_READ_ONLY is out of step with tests/fixtures/wire/managed-cluster.json; paste:\n{}",
        official
            .iter()
            .map(|p| format!("    \"{p}\","))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// `/// Wire: file#root/pointer` above a struct in src/arm/models.rs names the body it views;
/// each field (camelCase, or its serde rename) must exist there.
#[test]
fn every_typed_view_field_exists_in_the_official_definitions() {
    let src = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/src/azure/arm/models.rs")).unwrap();
    let mut wire: Option<(String, String, String)> = None;
    let mut rename: Option<String> = None;
    let mut in_struct = false;
    let mut checked = 0;
    let mut problems = vec![];
    // Items and fields are `pub` or `pub(crate)` (src/lib.rs lists what the tests use).
    for line in src.lines().map(|l| l.trim().replacen("pub(crate) ", "pub ", 1)) {
        if let Some(w) = line.strip_prefix("/// Wire: `").and_then(|w| w.strip_suffix('`')) {
            let (file, rest) = w.split_once('#').expect("Wire: file#root/pointer");
            let (root, pointer) = rest
                .split_once('/')
                .map(|(r, p)| (r, format!("/{p}")))
                .unwrap_or((rest, String::new()));
            wire = Some((file.into(), root.into(), pointer));
        } else if line.starts_with("pub struct ") {
            in_struct = wire.is_some();
        } else if line == "}" {
            in_struct = false;
            wire = None;
        } else if let Some(r) = line.strip_prefix("#[serde(rename = \"").and_then(|r| r.split_once('"')) {
            rename = Some(r.0.to_string());
        } else if in_struct && let Some(field) = line.strip_prefix("pub ").and_then(|f| f.split_once(':')).map(|f| f.0)
        {
            let (file, root, pointer) = wire.clone().unwrap();
            let name = rename.take().unwrap_or_else(|| camel(field));
            let w = contract::Wire {
                file: Box::leak(file.into_boxed_str()),
                root: Box::leak(root.into_boxed_str()),
            };
            checked += 1;
            if contract::type_at(w, &format!("{pointer}/{name}")).is_none() {
                problems.push(format!("{}#{}{pointer}/{name}", w.file, w.root));
            }
        }
    }
    assert!(checked > 20, "the parser found the annotated views ({checked} fields)");
    assert!(
        problems.is_empty(),
        "kvwire reads fields the official definitions do not have: {problems:#?}"
    );
}

fn camel(snake: &str) -> String {
    let mut out = String::new();
    let mut up = false;
    for c in snake.chars() {
        if c == '_' {
            up = true;
        } else if up {
            out.push(c.to_ascii_uppercase());
            up = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// Every `.pointer("/…")` kvwire reads from an Azure body resolves in some official model
/// (Kubernetes documents, `/spec` and `/metadata`, are not Azure's; k8s/inspect.rs reads
/// Kubernetes objects, checked against Kubernetes' own definitions below).
#[test]
fn every_json_pointer_kvwire_reads_exists_in_the_official_definitions() {
    let mut missing = vec![];
    let mut seen = 0;
    let inspect = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/src/k8s/inspect.rs"));
    for file in rust_files(std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/src"))) {
        if file == inspect {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        for part in text.split(".pointer(\"").skip(1) {
            let pointer = part.split('"').next().unwrap();
            if pointer.starts_with("/spec") || pointer.starts_with("/metadata") {
                continue;
            }
            seen += 1;
            if contract::models_with_path(pointer).is_empty() {
                missing.push(format!("{}: {pointer}", file.display()));
            }
        }
    }
    assert!(seen > 5, "found the pointers ({seen})");
    assert!(missing.is_empty(), "no official model has these paths: {missing:#?}");
}

/// Every path the in-cluster checks read from a Kubernetes object (`"/status/podName"`)
/// resolves in Kubernetes' OpenAPI definitions or the CSI driver's CRDs
/// (tests/fixtures/k8s/api-server.json), so a misspelt field cannot pass for an absent one.
#[test]
fn every_path_the_in_cluster_checks_read_exists_in_kubernetes_definitions() {
    let vocab: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/k8s/api-server.json"
        ))
        .unwrap(),
    )
    .unwrap();
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/src/k8s/inspect.rs")).unwrap();
    let code = text.split("#[cfg(test)]").next().unwrap();
    let pointers: Vec<&str> = code
        .split('"')
        .skip(1)
        .step_by(2)
        .filter(|s| s.starts_with('/') && s.len() > 1 && !s.contains(['{', ' ']))
        .collect();
    assert!(pointers.len() > 10, "found the paths: {pointers:?}");
    let missing: Vec<&&str> = pointers.iter().filter(|p| !k8s_resolves(&vocab, p)).collect();
    assert!(
        missing.is_empty(),
        "no Kubernetes definition has these paths: {missing:#?}"
    );
    // The check bites: a misspelt field does not resolve.
    assert!(!k8s_resolves(&vocab, "/status/podname"));
    assert!(k8s_resolves(&vocab, "/status/podName"));
}

/// Whether `pointer` walks through some top-level definition or CRD schema of `vocab`.
fn k8s_resolves<'a>(vocab: &'a serde_json::Value, pointer: &str) -> bool {
    let defs = &vocab["definitions"];
    let roots = defs
        .as_object()
        .unwrap()
        .values()
        .chain(vocab["crds"].as_object().unwrap().values().map(|c| &c["schema"]));
    let segments: Vec<&str> = pointer.trim_start_matches('/').split('/').collect();
    let walk = |mut node: &'a serde_json::Value| {
        for seg in &segments {
            while let Some(r) = node["$ref"].as_str() {
                node = &defs[r];
            }
            node = if seg.parse::<usize>().is_ok() && node.get("items").is_some() {
                &node["items"]
            } else if let Some(p) = node["properties"].get(*seg) {
                p
            } else if node.get("additionalProperties").is_some() {
                &node["additionalProperties"]
            } else {
                return false;
            };
        }
        true
    };
    roots.into_iter().any(walk)
}

fn rust_files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = vec![];
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(rust_files(&p));
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
    out
}
