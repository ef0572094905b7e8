//! `kvwire manifests` and `kvwire lint`: emitted objects validate against the SecretProviderClass
//! CRD, round-trip through a YAML parser, carry IDs read from Azure; lint accepts the official
//! examples except those that truly break the provider's rules.

use crate::support;

use serde_json::{Value, json};
use std::path::PathBuf;
use support::{Fake, fake, schema};

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/spc")
}

fn crd_v1() -> Value {
    let text = std::fs::read_to_string(fixtures().join("secretproviderclass-crd.yaml")).unwrap();
    let crd = kvwire::k8s::yaml::parse_documents(&text, "crd").unwrap().remove(0);
    schema::crd_schema(&crd, "v1")
}

fn yaml_docs(stdout: &[u8]) -> Vec<Value> {
    kvwire::k8s::yaml::parse_documents(&String::from_utf8_lossy(stdout), "stdout").unwrap()
}

fn by_kind<'a>(docs: &'a [Value], kind: &str) -> &'a Value {
    docs.iter()
        .find(|d| d["kind"] == kind)
        .unwrap_or_else(|| panic!("no {kind} in {docs:#?}"))
}

fn assert_valid_spc(spc: &Value) {
    let mut errors = vec![];
    schema::validate(&crd_v1(), spc, "", &mut errors);
    assert!(errors.is_empty(), "{errors:#?}\n{spc:#}");
    let errors: Vec<_> = kvwire::k8s::spc::lint(spc)
        .into_iter()
        .filter(|f| f.severity == kvwire::k8s::spc::Severity::Error)
        .collect();
    assert_eq!(errors, vec![], "emitted SPC passes lint");
}

#[test]
fn workload_identity_manifests_from_azure() {
    let f = Fake::start();
    f.seed_vault("kv-demo", true, true);
    f.seed_identity("rg1", "id-app", false);
    let identity = f.resource("/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg1/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-app").unwrap();
    let client_id = identity["properties"]["clientId"].as_str().unwrap().to_string();
    let args = [
        "manifests",
        "--vault",
        "kv-demo",
        "-g",
        "rg1",
        "--namespace",
        "shop",
        "--identity",
        "id-app",
        "--service-account",
        "checkout",
        "--sync-as-k8s-secret",
        "db-creds",
        "--deployment",
        "checkout",
        "--image",
        "ghcr.io/example/checkout:1.4",
    ];
    let out = f.kvwire().args(["-o", "yaml"]).args(args).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let docs = yaml_docs(&out.stdout);
    assert_eq!(docs.len(), 3);

    let spc = by_kind(&docs, "SecretProviderClass");
    assert_valid_spc(spc);
    let p = &spc["spec"]["parameters"];
    assert_eq!(p["clientID"], client_id, "read from the identity, not guessed");
    assert_eq!(p["tenantID"], fake::TENANT, "read from the vault");
    assert_eq!(p["keyvaultName"], "kv-demo");
    assert!(p.get("tenantId").is_none() && p.get("useVMManagedIdentity").is_none());
    let objects = kvwire::k8s::spc::declared_objects(p["objects"].as_str().unwrap()).unwrap();
    let names: Vec<&str> = objects.iter().map(|o| o["objectName"].as_str().unwrap()).collect();
    assert_eq!(names, ["db-host", "db-name", "db-username", "db-password"]);
    assert_eq!(
        spc["spec"]["secretObjects"][0]["data"][3],
        json!({"objectName": "db-password", "key": "DB_PASSWORD"})
    );

    let sa = by_kind(&docs, "ServiceAccount");
    assert_eq!(sa["metadata"]["name"], "checkout");
    assert_eq!(
        sa["metadata"]["annotations"]["azure.workload.identity/client-id"],
        client_id
    );
    assert_eq!(
        sa["metadata"]["annotations"]["azure.workload.identity/tenant-id"],
        fake::TENANT
    );

    let dep = by_kind(&docs, "Deployment");
    let pod = &dep["spec"]["template"];
    assert_eq!(pod["metadata"]["labels"]["azure.workload.identity/use"], "true");
    assert_eq!(pod["spec"]["serviceAccountName"], "checkout");
    assert_eq!(
        pod["spec"]["volumes"][0]["csi"],
        json!({"driver": "secrets-store.csi.k8s.io", "readOnly": true, "volumeAttributes": {"secretProviderClass": "kvwire-kv-demo"}})
    );
    assert_eq!(pod["spec"]["containers"][0]["volumeMounts"][0]["readOnly"], true);
    assert_eq!(
        pod["spec"]["containers"][0]["env"][0]["valueFrom"]["secretKeyRef"],
        json!({"name": "db-creds", "key": "DB_HOST"})
    );

    // JSON output is the same objects: the YAML round-trips.
    let out = f.kvwire().args(["-o", "json"]).args(args).output().unwrap();
    let list: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(list["items"].as_array().unwrap(), &docs);
    assert!(f.writes().is_empty(), "manifests only read");
}

#[test]
fn kubelet_mode_uses_the_kubelet_client_id() {
    let f = Fake::start();
    f.seed_vault("kv-demo", true, true);
    f.seed_sp_cluster("rg1", "aks1", &[("nodepool1", "img", "img")], json!({"servicePrincipalProfile": {"clientId": "msi"}, "identityProfile": {"kubeletidentity": {"clientId": "11111111-0000-4000-8000-00000000beef", "objectId": "o", "resourceId": "r"}}}));
    let out = f
        .kvwire()
        .args([
            "manifests",
            "--vault",
            "kv-demo",
            "-g",
            "rg1",
            "--namespace",
            "shop",
            "--mode",
            "kubelet",
            "--cluster",
            "aks1",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let docs = yaml_docs(&out.stdout);
    assert_eq!(docs.len(), 1, "no service account in kubelet mode");
    let p = &docs[0]["spec"]["parameters"];
    assert_eq!(p["useVMManagedIdentity"], "true");
    assert_eq!(p["userAssignedIdentityID"], "11111111-0000-4000-8000-00000000beef");
    assert_valid_spc(&docs[0]);
}

#[test]
fn offline_reads_nothing_and_writes_files() {
    let f = Fake::start();
    let dir = f.dir.join("k8s");
    let out = f
        .kvwire()
        .args([
            "manifests",
            "--offline",
            "--vault",
            "kv-demo",
            "--namespace",
            "shop",
            "--tenant-id",
            fake::TENANT,
            "--client-id",
            fake::CLIENT_ID,
            "--deployment",
            "web",
            "--image",
            "nginx:1.27",
            "--out-dir",
        ])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(f.journal().is_empty(), "--offline makes no request");
    for (file, kind) in [
        ("secretproviderclass.yaml", "SecretProviderClass"),
        ("serviceaccount.yaml", "ServiceAccount"),
        ("deployment.yaml", "Deployment"),
    ] {
        let docs = kvwire::k8s::yaml::parse_documents(&std::fs::read_to_string(dir.join(file)).unwrap(), file).unwrap();
        assert_eq!(docs[0]["kind"], kind);
    }
    let out = f
        .kvwire()
        .args([
            "manifests",
            "--offline",
            "--vault",
            "kv-demo",
            "--namespace",
            "shop",
            "--client-id",
            fake::CLIENT_ID,
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--tenant-id"));

    let out = f
        .kvwire()
        .args([
            "manifests",
            "--offline",
            "--vault",
            "kv-demo",
            "--namespace",
            "shop",
            "--tenant-id",
            fake::TENANT,
            "--mode",
            "pod-identity",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("deprecated"),
        "pod identity only with a warning"
    );
    assert_valid_spc(&yaml_docs(&out.stdout)[0]);
    let out = f
        .kvwire()
        .args([
            "manifests",
            "--offline",
            "--vault",
            "kv-demo",
            "--namespace",
            "shop",
            "--tenant-id",
            fake::TENANT,
            "--mode",
            "vm-identity",
        ])
        .output()
        .unwrap();
    assert_valid_spc(&yaml_docs(&out.stdout)[0]);
}

/// Official examples that truly break the provider's rules, and why.
const EXCEPTIONS: &[(&str, &str)] = &[
    (
        "azure-provider/keyvault-secrets__v1alpha1_secretproviderclass_secrets.yaml",
        "objectEncoding: \"SECRET_ALIAS\" (a copy-paste slip in the example; the provider rejects it: hex, base64 or utf-8)",
    ),
    (
        "csi-driver/azure_synck8s_v1_secretproviderclass.yaml",
        "envsubst template: apiVersion is the placeholder $API_VERSION",
    ),
    (
        "csi-driver/azure_v1_multiple_secretproviderclass.yaml",
        "envsubst template: apiVersion is the placeholder $API_VERSION",
    ),
    (
        "csi-driver/azure_v1_secretproviderclass.yaml",
        "envsubst template: apiVersion is the placeholder $API_VERSION",
    ),
    (
        "csi-driver/azure_v1_secretproviderclass_ns.yaml",
        "envsubst template, and a deliberate `provider: invalidprovider` negative case",
    ),
];

#[test]
fn lint_accepts_the_official_examples_except_true_violations() {
    let root = fixtures();
    let mut checked = 0;
    for dir in ["azure-provider", "azure-provider-docs", "csi-driver"] {
        for entry in std::fs::read_dir(root.join(dir)).unwrap() {
            let path = entry.unwrap().path();
            let rel = format!("{dir}/{}", path.file_name().unwrap().to_string_lossy());
            let text = std::fs::read_to_string(&path).unwrap();
            let docs = kvwire::k8s::yaml::parse_documents(&text, &rel).unwrap();
            let spcs: Vec<&Value> = docs.iter().filter(|d| kvwire::k8s::spc::is_spc(d)).collect();
            if spcs.is_empty() {
                continue; // Pods and Deployments: nothing to lint
            }
            checked += 1;
            let errors: Vec<String> = spcs
                .iter()
                .flat_map(|d| kvwire::k8s::spc::lint(d))
                .filter(|f| f.severity == kvwire::k8s::spc::Severity::Error)
                .map(|f| format!("{}: {}", f.path, f.message))
                .collect();
            match EXCEPTIONS.iter().find(|(f, _)| *f == rel) {
                Some((_, why)) => assert!(!errors.is_empty(), "{rel} is listed as an exception ({why}) but passes"),
                None => assert!(errors.is_empty(), "{rel}: {errors:#?}"),
            }
        }
    }
    assert!(checked >= 20, "only {checked} SecretProviderClass files found");
}

#[test]
fn lint_command_reports_and_exits() {
    let f = Fake::start();
    let bad = f.dir.join("bad.yaml");
    std::fs::write(&bad, "apiVersion: secrets-store.csi.x-k8s.io/v1\nkind: SecretProviderClass\nmetadata:\n  name: x\nspec:\n  provider: azure\n  parameters:\n    useVMManagedIdentity: \"true\"\n    userAssignedIdentityId: abc\n    keyvaultName: kv\n    tenantId: t\n    objects: |\n      array:\n        - |\n          objectName: s\n          objectType: secret\n          objectAlias: /etc/s\n").unwrap();
    let out = f.kvwire().args(["-o", "text", "lint"]).arg(&bad).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(3), "{stdout}");
    assert!(
        stdout.contains("userAssignedIdentityId: the provider reads \"userAssignedIdentityID\""),
        "{stdout}"
    );
    assert!(stdout.contains("tenantId: is deprecated"), "{stdout}");
    assert!(stdout.contains("must be a relative path"), "{stdout}");
    let good = fixtures().join("azure-provider-docs/workload-identity-mode__0_SecretProviderClass.yaml");
    let out = f.kvwire().args(["lint"]).arg(&good).output().unwrap();
    assert!(out.status.success());
    let out = f
        .kvwire()
        .args(["lint", "--strict"])
        .arg(fixtures().join("azure-provider/keyvault-keys__v1alpha1_secretproviderclass_keys.yaml"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3), "--strict fails on the tenantId warning");
    let out = f.kvwire().args(["lint", "/nonexistent.yaml"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn lint_online_checks_the_vault() {
    let f = Fake::start();
    f.seed_vault("kv-demo", true, true);
    f.seed_secret("kv-demo", "db-host", "h", false);
    let out = f
        .kvwire()
        .args([
            "manifests",
            "--offline",
            "--vault",
            "kv-demo",
            "--namespace",
            "shop",
            "--tenant-id",
            fake::TENANT,
            "--client-id",
            fake::CLIENT_ID,
            "--secret",
            "db-host",
            "--secret",
            "db-password",
        ])
        .output()
        .unwrap();
    let file = f.dir.join("spc.yaml");
    std::fs::write(&file, &out.stdout).unwrap();
    let out = f
        .kvwire()
        .args(["-o", "json", "lint", "--online"])
        .arg(&file)
        .output()
        .unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(3));
    let findings = &doc["results"][0]["findings"];
    assert_eq!(findings.as_array().unwrap().len(), 1, "{findings}");
    assert!(
        findings[0]["message"]
            .as_str()
            .unwrap()
            .contains("secret db-password does not exist in vault kv-demo")
    );
}

/// Every Deployment and ServiceAccount kvwire emits, for each pod identity and each consumer,
/// uses only fields Kubernetes defines, of their types, with what it requires.
#[test]
fn deployments_and_service_accounts_match_the_kubernetes_api() {
    let f = Fake::start();
    let deployment = support::k8s::vocabulary("deployment");
    let service_account = support::k8s::vocabulary("service-account");
    let mut checked = 0;
    for mode in ["workload-identity", "kubelet", "vm-identity"] {
        for consumer in ["csi", "sdk", "both"] {
            let sync: &[&str] = if consumer == "sdk" {
                &[]
            } else {
                &["--sync-as-k8s-secret", "db-creds"]
            };
            let out = f
                .kvwire()
                .args([
                    "manifests",
                    "--offline",
                    "--vault",
                    "kv-demo",
                    "--namespace",
                    "shop",
                    "--tenant-id",
                    fake::TENANT,
                    "--client-id",
                    fake::CLIENT_ID,
                    "--mode",
                    mode,
                    "--consumer",
                    consumer,
                    "--deployment",
                    "web",
                    "--image",
                    "ghcr.io/example/web@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
                ])
                .args(sync)
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{mode}/{consumer}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            let docs = yaml_docs(&out.stdout);
            for doc in &docs {
                let (vocab, api) = match doc["kind"].as_str() {
                    Some("Deployment") => (&deployment, "apps/v1"),
                    Some("ServiceAccount") => (&service_account, "v1"),
                    _ => continue,
                };
                assert_eq!(doc["apiVersion"], api, "{mode}/{consumer}");
                let errors = support::k8s::check(vocab, doc);
                assert!(
                    errors.is_empty(),
                    "{mode}/{consumer} {}: {errors:#?}\n{doc:#}",
                    doc["kind"]
                );
                checked += 1;
            }
        }
    }
    assert!(checked >= 9, "a Deployment per combination at least ({checked})");

    // The check bites: a misspelt field, a wrong type and a missing container name are caught.
    let mut bad = by_kind(
        &yaml_docs(
            &f.kvwire()
                .args([
                    "manifests",
                    "--offline",
                    "--vault",
                    "kv-demo",
                    "--namespace",
                    "shop",
                    "--tenant-id",
                    fake::TENANT,
                    "--client-id",
                    fake::CLIENT_ID,
                    "--deployment",
                    "web",
                    "--image",
                    "nginx:1.27",
                ])
                .output()
                .unwrap()
                .stdout,
        ),
        "Deployment",
    )
    .clone();
    let c = &mut bad["spec"]["template"]["spec"]["containers"][0];
    c["envs"] = serde_json::json!([]);
    c.as_object_mut().unwrap().remove("name");
    bad["spec"]["replicas"] = serde_json::json!("1");
    let errors = support::k8s::check(&deployment, &bad).join("\n");
    for e in [
        ".envs: not a field of V1Container",
        ".name: required by V1Container",
        ".spec.replicas: expected",
    ] {
        assert!(errors.contains(e), "{e} in:\n{errors}");
    }
}

/// A symbolic link where kvwire writes a manifest is refused, naming it, before any file is
/// written: kvwire never writes through a link to a file outside the directory.
#[cfg(unix)]
#[test]
fn out_dir_never_writes_through_a_symlink() {
    let f = Fake::start();
    let dir = f.dir.join("k8s");
    std::fs::create_dir_all(&dir).unwrap();
    let outside = f.dir.join("outside.txt");
    std::fs::write(&outside, "not a manifest\n").unwrap();
    std::os::unix::fs::symlink("../outside.txt", dir.join("secretproviderclass.yaml")).unwrap();
    let out = f
        .kvwire()
        .args([
            "manifests",
            "--offline",
            "--vault",
            "kv-demo",
            "--namespace",
            "shop",
            "--tenant-id",
            fake::TENANT,
            "--client-id",
            fake::CLIENT_ID,
            "--out-dir",
        ])
        .arg(&dir)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("secretproviderclass.yaml") && stderr.contains("symbolic link"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_to_string(&outside).unwrap(), "not a manifest\n");
    assert!(
        std::fs::symlink_metadata(dir.join("secretproviderclass.yaml"))
            .unwrap()
            .file_type()
            .is_symlink(),
        "the link itself is left alone"
    );
    // Nothing half-written: no other manifest, no temporary file.
    let names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["secretproviderclass.yaml"]);
}
