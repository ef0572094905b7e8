//! The Kubernetes API server and its controllers, through the same entry point a request takes
//! (`api::request`), and over TLS for what a kubeconfig must get right.

use super::{api, controllers};
use crate::Fake;
use axum::http::HeaderMap;
use serde_json::{Value, json};

const NS: &str = "shop";

fn fake() -> (Fake, String) {
    let f = Fake::start();
    let id = f.seed_wi_cluster("rg1", "aks1");
    (f, id)
}

/// One request to the cluster's API server with the admin token: (status, body).
fn call(
    f: &Fake,
    id: &str,
    method: &str,
    path: &str,
    query: &str,
    content_type: &str,
    body: Option<&Value>,
) -> (u16, Value) {
    let token = f.kube_token(id);
    let mut headers = HeaderMap::new();
    headers.insert("authorization", format!("Bearer {token}").parse().unwrap());
    if !content_type.is_empty() {
        headers.insert("content-type", content_type.parse().unwrap());
    }
    let raw = body.map(|b| serde_json::to_vec(b).unwrap()).unwrap_or_default();
    let reply = api::request(
        &f.state,
        &id.to_ascii_lowercase(),
        &api::Req {
            method,
            path,
            query,
            headers: &headers,
            body: &raw,
        },
    );
    (reply.status, reply.body.unwrap_or(Value::Null))
}

fn apply(f: &Fake, id: &str, path: &str, query: &str, body: &Value) -> (u16, Value) {
    call(f, id, "PATCH", path, query, "application/apply-patch+yaml", Some(body))
}

fn namespace(f: &Fake, id: &str) {
    let (st, _) = call(
        f,
        id,
        "POST",
        "/api/v1/namespaces",
        "",
        "application/json",
        Some(&json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": NS}})),
    );
    assert_eq!(st, 201);
}

fn deployment(replicas: u64, label: bool, sa: &str) -> Value {
    let mut labels = json!({"app": "web"});
    if label {
        labels["azure.workload.identity/use"] = json!("true");
    }
    json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": NS},
        "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": "web"}},
                 "template": {"metadata": {"labels": labels},
                              "spec": {"serviceAccountName": sa,
                                       "containers": [{"name": "app", "image": "ghcr.io/example/web:1.0",
                                                       "volumeMounts": [{"name": "secrets", "mountPath": "/mnt/secrets", "readOnly": true}]}],
                                       "volumes": [{"name": "secrets", "csi": {"driver": "secrets-store.csi.k8s.io", "readOnly": true,
                                                    "volumeAttributes": {"secretProviderClass": "kv"}}}]}}}})
}

const DEPLOY: &str = "/apis/apps/v1/namespaces/shop/deployments/web";

#[test]
fn apply_creates_then_an_identical_apply_writes_nothing() {
    let (f, id) = fake();
    namespace(&f, &id);
    let (st, created) = apply(&f, &id, DEPLOY, "fieldManager=kvwire", &deployment(1, false, "default"));
    assert_eq!(st, 201, "{created}");
    assert!(created["metadata"]["resourceVersion"].is_string());
    assert!(created["metadata"]["uid"].as_str().is_some_and(|u| u.len() == 36));
    assert!(created["metadata"]["creationTimestamp"].is_string());
    assert_eq!(created["metadata"]["generation"], 1);
    assert_eq!(created["metadata"]["managedFields"][0]["manager"], "kvwire");
    assert_eq!(created["metadata"]["managedFields"][0]["operation"], "Apply");
    assert!(created["metadata"]["managedFields"][0]["fieldsV1"]["f:spec"]["f:template"]["f:spec"]["f:containers"]
        ["k:{\"name\":\"app\"}"]["f:image"]
        .is_object());
    // The defaults the API server fills in are nobody's fields.
    assert_eq!(created["spec"]["revisionHistoryLimit"], 10);
    // The deployment controller has written its status since: read the version now.
    let (_, now) = call(&f, &id, "GET", DEPLOY, "", "", None);
    let rv = now["metadata"]["resourceVersion"].as_str().unwrap().to_string();
    assert_eq!(now["status"]["replicas"], 1);

    let (st, again) = apply(&f, &id, DEPLOY, "fieldManager=kvwire", &deployment(1, false, "default"));
    assert_eq!(st, 200);
    assert_eq!(
        again["metadata"]["resourceVersion"].as_str(),
        Some(rv.as_str()),
        "a no-op apply wrote"
    );
    let (_, got) = call(&f, &id, "GET", DEPLOY, "", "", None);
    assert_eq!(got["metadata"]["resourceVersion"].as_str(), Some(rv.as_str()));

    let (st, changed) = apply(&f, &id, DEPLOY, "fieldManager=kvwire", &deployment(2, false, "default"));
    assert_eq!(st, 200);
    assert_ne!(changed["metadata"]["resourceVersion"].as_str(), Some(rv.as_str()));
    assert_eq!(changed["metadata"]["generation"], 2);
}

#[test]
fn another_managers_field_conflicts_unless_forced() {
    let (f, id) = fake();
    namespace(&f, &id);
    f.kube_seed_update(&id, "kubectl-edit", deployment(3, false, "default"));
    let (st, body) = apply(&f, &id, DEPLOY, "fieldManager=kvwire", &deployment(2, false, "default"));
    assert_eq!(st, 409, "{body}");
    assert_eq!(body["kind"], "Status");
    assert_eq!(body["reason"], "Conflict");
    let message = body["message"].as_str().unwrap();
    assert!(
        message.starts_with("Apply failed with 1 conflict: conflict with \"kubectl-edit\" using apps/v1 at "),
        "{message}"
    );
    assert!(message.ends_with(": .spec.replicas"), "{message}");
    assert_eq!(body["details"]["causes"][0]["field"], ".spec.replicas");
    assert_eq!(body["details"]["causes"][0]["reason"], "FieldManagerConflict");

    // The same value is shared ownership, not a conflict.
    let (st, _) = apply(&f, &id, DEPLOY, "fieldManager=kvwire", &deployment(3, false, "default"));
    assert_eq!(st, 200);

    let (st, forced) = apply(
        &f,
        &id,
        DEPLOY,
        "fieldManager=kvwire&force=true",
        &deployment(2, false, "default"),
    );
    assert_eq!(st, 200, "{forced}");
    assert_eq!(forced["spec"]["replicas"], 2);
    let edit = forced["metadata"]["managedFields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["manager"] == "kubectl-edit")
        .cloned()
        .unwrap_or(Value::Null);
    assert!(
        edit["fieldsV1"]["f:spec"]["f:replicas"].is_null(),
        "force took the field: {edit}"
    );
}

#[test]
fn dry_run_answers_the_would_be_object_and_stores_nothing() {
    let (f, id) = fake();
    namespace(&f, &id);
    apply(&f, &id, DEPLOY, "fieldManager=kvwire", &deployment(1, false, "default"));
    let (_, created) = call(&f, &id, "GET", DEPLOY, "", "", None);
    let (st, dry) = apply(
        &f,
        &id,
        DEPLOY,
        "fieldManager=kvwire&dryRun=All",
        &deployment(5, false, "default"),
    );
    assert_eq!(st, 200);
    assert_eq!(dry["spec"]["replicas"], 5);
    let (_, stored) = call(&f, &id, "GET", DEPLOY, "", "", None);
    assert_eq!(stored["spec"]["replicas"], 1);
    assert_eq!(
        stored["metadata"]["resourceVersion"],
        created["metadata"]["resourceVersion"]
    );
    let (st, _) = apply(
        &f,
        &id,
        "/api/v1/namespaces/shop/serviceaccounts/new",
        "fieldManager=kvwire&dryRun=All",
        &json!({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "new"}}),
    );
    assert_eq!(st, 201);
    assert!(f.kube_object(&id, "serviceaccounts", NS, "new").is_none());
}

#[test]
fn apply_is_refused_as_the_api_server_refuses_it() {
    let (f, id) = fake();
    namespace(&f, &id);
    let (st, body) = apply(&f, &id, DEPLOY, "", &deployment(1, false, "default"));
    assert_eq!(st, 422);
    assert_eq!(
        body["message"],
        "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch"
    );
    let mut bad = deployment(1, false, "default");
    bad["spec"]["template"]["spec"]["containers"][0]["imagePullSecret"] = json!("x");
    let (st, body) = apply(&f, &id, DEPLOY, "fieldManager=kvwire", &bad);
    assert_eq!(st, 500);
    assert_eq!(
        body["message"],
        "failed to create typed patch object (shop/web; apps/v1, Kind=Deployment): .spec.template.spec.containers[name=\"app\"].imagePullSecret: field not declared in schema"
    );
    assert!(body.get("reason").is_none());
    let mut elsewhere = deployment(1, false, "default");
    elsewhere["metadata"]["namespace"] = json!("nowhere");
    let (st, body) = apply(
        &f,
        &id,
        "/apis/apps/v1/namespaces/nowhere/deployments/web",
        "fieldManager=kvwire",
        &elsewhere,
    );
    assert_eq!(
        (st, body["message"].as_str()),
        (404, Some("namespaces \"nowhere\" not found"))
    );
    let mut unlabelled = deployment(1, false, "default");
    unlabelled["spec"]["selector"]["matchLabels"]["app"] = json!("other");
    let (st, body) = apply(&f, &id, DEPLOY, "fieldManager=kvwire", &unlabelled);
    assert_eq!(st, 422, "{body}");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .starts_with("Deployment.apps \"web\" is invalid: spec.template.metadata.labels")
    );
    let (st, body) = call(
        &f,
        &id,
        "GET",
        "/apis/apps/v1/namespaces/shop/deployments/none",
        "",
        "",
        None,
    );
    assert_eq!(
        (st, body["message"].as_str(), body["details"]["group"].as_str()),
        (404, Some("deployments.apps \"none\" not found"), Some("apps"))
    );
    let (st, body) = call(
        &f,
        &id,
        "POST",
        "/api/v1/namespaces",
        "",
        "application/json",
        Some(&json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": NS}})),
    );
    assert_eq!((st, body["reason"].as_str()), (409, Some("AlreadyExists")));
}

/// The cluster with what a workload needs: identity `id-web` with Key Vault Secrets User on
/// vault `kv1`, secret `db-password`, the SPC `kv` with the identity's client ID, and the service
/// account `web` annotated with it. Returns (fake, cluster, identity ID, principal).
fn chain(federate: bool) -> (Fake, String, String, String) {
    let (f, id) = fake();
    namespace(&f, &id);
    let principal = f.seed_identity("rg1", "id-web", false);
    let identity = Fake::identity_id("rg1", "id-web");
    let client = f.identity_client_id(&identity);
    let vault = f.seed_vault("kv1", true, false);
    f.seed_role_assignment(&vault, &principal, "4633458b-17de-408a-b874-0445c86b69e6");
    f.seed_secret("kv1", "db-password", "s3cret", false);
    if federate {
        f.seed_federated_credential(&identity, "web", &f.oidc_issuer(&id), "system:serviceaccount:shop:web");
    }
    f.kube_seed(
        &id,
        "kvwire",
        json!({"apiVersion": "v1", "kind": "ServiceAccount",
        "metadata": {"name": "web", "namespace": NS, "annotations": {"azure.workload.identity/client-id": client}}}),
    );
    f.kube_seed(&id, "kvwire", json!({"apiVersion": "secrets-store.csi.x-k8s.io/v1", "kind": "SecretProviderClass",
        "metadata": {"name": "kv", "namespace": NS},
        "spec": {"provider": "azure", "parameters": {"usePodIdentity": "false", "clientID": client, "keyvaultName": "kv1",
                 "tenantID": crate::TENANT,
                 "objects": "array:\n  - |\n    objectName: db-password\n    objectType: secret\n    objectVersion: \"\"\n"}}}));
    (f, id, identity, principal)
}

fn pods(f: &Fake, id: &str) -> Vec<Value> {
    f.kube_objects(id, "pods", NS)
}

#[test]
fn the_webhook_injects_workload_identity_into_labelled_pods_only() {
    let (f, id, identity, _) = chain(true);
    let client = f.identity_client_id(&identity);
    let (st, _) = apply(&f, &id, DEPLOY, "fieldManager=kvwire", &deployment(1, true, "web"));
    assert_eq!(st, 201);
    let p = &pods(&f, &id)[0];
    assert!(p["metadata"]["name"].as_str().unwrap().starts_with("web-"));
    let env = &p["spec"]["containers"][0]["env"];
    let var = |n: &str| {
        env.as_array()
            .into_iter()
            .flatten()
            .find(|e| e["name"] == n)
            .map(|e| e["value"].as_str().unwrap_or("").to_string())
    };
    assert_eq!(var("AZURE_CLIENT_ID"), Some(client));
    assert_eq!(var("AZURE_TENANT_ID").as_deref(), Some(crate::TENANT));
    assert_eq!(
        var("AZURE_FEDERATED_TOKEN_FILE").as_deref(),
        Some("/var/run/secrets/azure/tokens/azure-identity-token")
    );
    assert_eq!(
        var("AZURE_AUTHORITY_HOST").as_deref(),
        Some("https://login.microsoftonline.com/")
    );
    let vol = p["spec"]["volumes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["name"] == "azure-identity-token")
        .cloned()
        .expect("the projected token volume");
    assert_eq!(
        vol["projected"]["sources"][0]["serviceAccountToken"]["audience"],
        "api://AzureADTokenExchange"
    );
    assert!(
        p["spec"]["containers"][0]["volumeMounts"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["name"] == "azure-identity-token" && m["mountPath"] == "/var/run/secrets/azure/tokens")
    );
    // The same workload without the label: the webhook leaves it alone.
    let (st, _) = apply(&f, &id, DEPLOY, "fieldManager=kvwire", &deployment(1, false, "web"));
    assert_eq!(st, 200);
    let ps = pods(&f, &id);
    assert_eq!(ps.len(), 1, "the new template replaced the pod");
    assert!(ps[0]["spec"]["containers"][0]["env"].is_null());
    // It still mounts: the CSI driver asks for the service account's token itself and the provider
    // takes the client ID from the SecretProviderClass (the provider's workload identity docs show
    // the pod without the label); only the application's own SDK misses the variables.
    assert_eq!(ps[0]["status"]["phase"], "Running");
    assert!(
        !ps[0]["spec"]["volumes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|v| v["name"] == "azure-identity-token")
    );
}

#[test]
fn the_chain_holds_the_volume_mounts() {
    let (f, id, _, _) = chain(true);
    apply(&f, &id, DEPLOY, "fieldManager=kvwire", &deployment(1, true, "web"));
    let p = &pods(&f, &id)[0];
    assert_eq!(p["status"]["phase"], "Running", "{:?}", f.kube_failed_mounts(&id, NS));
    let name = p["metadata"]["name"].as_str().unwrap();
    let st = f
        .kube_object(&id, "secretproviderclasspodstatuses", NS, &format!("{name}-shop-kv"))
        .expect("the SecretProviderClassPodStatus");
    assert_eq!(st["status"]["mounted"], true);
    assert_eq!(st["status"]["objects"][0]["id"], "secret/db-password");
    let (_, d) = call(&f, &id, "GET", DEPLOY, "", "", None);
    assert_eq!(d["status"]["readyReplicas"], 1);
    let (st, list) = call(
        &f,
        &id,
        "GET",
        "/api/v1/namespaces/shop/events",
        "fieldSelector=involvedObject.name%3Dnone",
        "",
        None,
    );
    assert_eq!(
        (st, list["kind"].as_str(), list["items"].as_array().map(Vec::len)),
        (200, Some("EventList"), Some(0))
    );
}

fn failed_mount(f: &Fake, id: &str) -> String {
    let p = &pods(f, id)[0];
    assert_eq!(p["status"]["phase"], "Pending");
    let name = p["metadata"]["name"].as_str().unwrap();
    let (st, events) = call(
        f,
        id,
        "GET",
        "/api/v1/namespaces/shop/events",
        &format!("fieldSelector=involvedObject.name%3D{name}"),
        "",
        None,
    );
    assert_eq!(st, 200);
    let e = &events["items"][0];
    assert_eq!(
        (e["reason"].as_str(), e["type"].as_str()),
        (Some("FailedMount"), Some("Warning"))
    );
    e["message"].as_str().unwrap().to_string()
}

#[test]
fn without_a_federated_credential_the_mount_fails_with_aadsts70021() {
    let (f, id, _, _) = chain(false);
    apply(&f, &id, DEPLOY, "fieldManager=kvwire", &deployment(1, true, "web"));
    let m = failed_mount(&f, &id);
    assert!(m.starts_with("MountVolume.SetUp failed for volume \"secrets\" : rpc error: code = Unknown desc = failed to mount secrets store objects for pod shop/web-"), "{m}");
    assert!(m.contains("failed to mount objects, error: failed to get objectType:secret, objectName:db-password, objectVersion:: ClientAssertionCredential authentication failed."), "{m}");
    assert!(m.contains(&format!(
        "AADSTS70021: No matching federated identity record found for presented assertion. Assertion Issuer: '{}'. Assertion Subject: 'system:serviceaccount:shop:web'. Assertion Audience: 'api://AzureADTokenExchange'.",
        f.oidc_issuer(&id)
    )), "{m}");
    // The chain mended in Azure: the next read finds the pod mounted (the kubelet retries).
    let identity = Fake::identity_id("rg1", "id-web");
    f.seed_federated_credential(&identity, "web", &f.oidc_issuer(&id), "system:serviceaccount:shop:web");
    assert_eq!(pods(&f, &id)[0]["status"]["phase"], "Running");
}

#[test]
fn without_a_role_the_mount_fails_with_key_vaults_403() {
    let (f, id, _, principal) = chain(true);
    f.remove_role_assignments_of(&principal);
    // Someone else may read the vault: that does not let this identity in.
    f.seed_role_assignment(
        &Fake::vault_id("kv1"),
        crate::SP_OBJECT_ID,
        "4633458b-17de-408a-b874-0445c86b69e6",
    );
    apply(&f, &id, DEPLOY, "fieldManager=kvwire", &deployment(1, true, "web"));
    let m = failed_mount(&f, &id);
    assert!(m.contains("failed to get objectType:secret, objectName:db-password, objectVersion:: GET https://kv1.vault.azure.net/secrets/db-password/\n"), "{m}");
    assert!(m.contains("RESPONSE 403: 403 Forbidden\nERROR CODE: Forbidden"), "{m}");
    assert!(
        m.contains("Caller is not authorized to perform action on resource."),
        "{m}"
    );
    assert!(m.contains("\"code\": \"ForbiddenByRbac\""), "{m}");
    assert!(m.contains(&format!("oid={principal};")), "{m}");
}

#[test]
fn without_the_csi_add_on_the_driver_is_not_registered() {
    let (f, id, _, _) = chain(true);
    f.set_csi_addon(&id, false);
    apply(&f, &id, DEPLOY, "fieldManager=kvwire", &deployment(1, true, "web"));
    assert_eq!(
        failed_mount(&f, &id),
        "MountVolume.SetUp failed for volume \"secrets\" : kubernetes.io/csi: mounter.SetUpAt failed to get CSI client: driver name secrets-store.csi.k8s.io not found in the list of registered CSI drivers"
    );
}

#[test]
fn a_broken_rollout_leaves_the_old_pod_running() {
    let (f, id, _, _) = chain(true);
    apply(&f, &id, DEPLOY, "fieldManager=kvwire", &deployment(1, true, "web"));
    let old = pods(&f, &id)[0]["metadata"]["name"].as_str().unwrap().to_string();
    f.set_csi_addon(&id, false);
    let mut restarted = deployment(1, true, "web");
    restarted["spec"]["template"]["metadata"]["annotations"] =
        json!({"kubectl.kubernetes.io/restartedAt": "2026-01-01T00:00:00Z"});
    apply(&f, &id, DEPLOY, "fieldManager=kvwire", &restarted);
    let ps = pods(&f, &id);
    assert_eq!(ps.len(), 2, "the old pod stays while the new one cannot start");
    let phase = |n: &str| {
        ps.iter()
            .find(|p| p["metadata"]["name"] == n)
            .map(|p| p["status"]["phase"].clone())
    };
    assert_eq!(phase(&old), Some(json!("Running")));
    let new = ps.iter().find(|p| p["metadata"]["name"] != old.as_str()).unwrap();
    assert_eq!(new["status"]["phase"], "Pending");
    let (_, d) = call(&f, &id, "GET", DEPLOY, "", "", None);
    assert_eq!(
        (
            d["status"]["updatedReplicas"].as_u64(),
            d["status"]["availableReplicas"].as_u64()
        ),
        (Some(1), Some(1))
    );
    // Mended: the new pod mounts and the old one goes.
    f.set_csi_addon(&id, true);
    let ps = pods(&f, &id);
    let ps = if ps.len() == 2 { pods(&f, &id) } else { ps };
    assert_eq!(ps.len(), 1);
    assert_ne!(ps[0]["metadata"]["name"], old.as_str());
}

#[test]
fn a_missing_service_account_stops_the_replica_set() {
    let (f, id) = fake();
    namespace(&f, &id);
    apply(&f, &id, DEPLOY, "fieldManager=kvwire", &deployment(1, true, "ghost"));
    assert!(pods(&f, &id).is_empty());
    let events = f.kube_objects(&id, "events", NS);
    let e = events
        .iter()
        .find(|e| e["reason"] == "FailedCreate")
        .expect("FailedCreate");
    assert_eq!(e["involvedObject"]["kind"], "ReplicaSet");
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .ends_with("is forbidden: error looking up service account shop/ghost: serviceaccount \"ghost\" not found")
    );
    let _ = controllers::CSI_DRIVER;
}

#[test]
fn discovery_lists_the_kinds_and_refuses_unknown_field_selectors() {
    let (f, id) = fake();
    let (_, v1) = call(&f, &id, "GET", "/api/v1", "", "", None);
    let names: Vec<&str> = v1["resources"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["name"].as_str())
        .collect();
    for n in ["namespaces", "serviceaccounts", "pods", "events"] {
        assert!(names.contains(&n), "{names:?}");
    }
    let (_, groups) = call(&f, &id, "GET", "/apis", "", "", None);
    let gs: Vec<&str> = groups["groups"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|g| g["name"].as_str())
        .collect();
    assert_eq!(gs, ["apps", "rbac.authorization.k8s.io", "secrets-store.csi.x-k8s.io"]);
    let (_, csi) = call(&f, &id, "GET", "/apis/secrets-store.csi.x-k8s.io/v1", "", "", None);
    assert_eq!(csi["resources"].as_array().unwrap().len(), 2);
    let (st, body) = call(&f, &id, "GET", "/api/v1/events", "fieldSelector=foo%3Dbar", "", None);
    assert_eq!(
        (st, body["message"].as_str()),
        (400, Some("field label not supported: foo"))
    );
    let (st, list) = call(
        &f,
        &id,
        "GET",
        "/api/v1/namespaces",
        "labelSelector=kubernetes.io%2Fmetadata.name%3Ddefault",
        "",
        None,
    );
    assert_eq!((st, list["items"].as_array().map(Vec::len)), (200, Some(1)));
    assert!(
        list["items"][0].get("kind").is_none(),
        "built-in list items carry no kind"
    );
    assert!(f.violations().is_empty(), "{:?}", f.violations());
}

// ---- over TLS -------------------------------------------------------------------------------

/// One HTTPS request to 127.0.0.1:`port` trusting only the fake's CA (SNI `server_name`).
fn https(ca_pem: &str, port: u16, server_name: &str, request: &str) -> std::io::Result<(u16, String)> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio_rustls::rustls::{self, pki_types::pem::PemObject};
    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(rustls::pki_types::CertificateDer::from_pem_slice(ca_pem.as_bytes()).unwrap())
        .unwrap();
    let config =
        rustls::ClientConfig::builder_with_provider(std::sync::Arc::new(rustls::crypto::ring::default_provider()))
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(roots)
            .with_no_client_auth();
    let name = rustls::pki_types::ServerName::try_from(server_name.to_string()).unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async move {
        let tcp = tokio::net::TcpStream::connect(("127.0.0.1", port)).await?;
        let mut tls = tokio_rustls::TlsConnector::from(std::sync::Arc::new(config))
            .connect(name, tcp)
            .await?;
        tls.write_all(request.as_bytes()).await?;
        let mut out = vec![];
        let _ = tls.read_to_end(&mut out).await;
        let text = String::from_utf8_lossy(&out).to_string();
        let status = text.split(' ').nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
        let body = text.split("\r\n\r\n").nth(1).unwrap_or("").to_string();
        Ok((status, body))
    })
}

fn get(path: &str, token: Option<&str>) -> String {
    let auth = token
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{auth}Connection: close\r\n\r\n")
}

#[test]
fn the_kubeconfig_reaches_the_api_server_over_tls_and_tokens_are_checked() {
    let (f, id) = fake();
    let config = f.kubeconfig(&id, true);
    let port: u16 = config
        .split("server: https://127.0.0.1:")
        .nth(1)
        .and_then(|r| r.split('\n').next())
        .and_then(|p| p.parse().ok())
        .expect("the kubeconfig names the listener");
    assert!(config.contains(&format!(
        "certificate-authority-data: {}",
        crate::arm::credentials::base64(f.ca_pem.as_bytes())
    )));
    let token = f.kube_token(&id);
    assert!(config.contains(&format!("token: {token}")));
    let (st, body) = https(
        &f.ca_pem,
        port,
        "127.0.0.1",
        &get("/api/v1/namespaces/default", Some(&token)),
    )
    .unwrap();
    assert_eq!(st, 200, "{body}");
    let (st, body) = https(&f.ca_pem, port, "127.0.0.1", &get("/api/v1/namespaces", None)).unwrap();
    assert_eq!(st, 401);
    assert!(body.contains("\"reason\":\"Unauthorized\""), "{body}");
    // An Entra token for the AKS server application: only on an Entra-integrated cluster.
    f.state
        .lock()
        .unwrap()
        .tokens
        .insert("entra-aks".into(), format!("{}/.default", super::AKS_SERVER_APP));
    f.state
        .lock()
        .unwrap()
        .tokens
        .insert("entra-arm".into(), "https://management.azure.com/.default".into());
    assert_eq!(
        https(&f.ca_pem, port, "127.0.0.1", &get("/api", Some("entra-aks")))
            .unwrap()
            .0,
        401
    );
    {
        let mut s = f.state.lock().unwrap();
        let mc = s.resource_mut(&id).unwrap();
        mc["properties"]["aadProfile"] = json!({"managed": true, "tenantID": crate::TENANT});
    }
    assert_eq!(
        https(&f.ca_pem, port, "127.0.0.1", &get("/api", Some("entra-aks")))
            .unwrap()
            .0,
        200
    );
    assert_eq!(
        https(&f.ca_pem, port, "127.0.0.1", &get("/api", Some("entra-arm")))
            .unwrap()
            .0,
        401
    );
    assert!(
        f.kubeconfig(&id, false)
            .contains("      - 6dae42f8-4368-4678-94ff-3960e28e3630\n")
    );
    f.kube_unreachable(&id);
    // Asking ARM for credentials again does not bring the API back within reach.
    assert!(
        f.kubeconfig(&id, true)
            .contains(&format!("server: https://127.0.0.1:{port}\n"))
    );
    let refused = https(&f.ca_pem, port, "127.0.0.1", &get("/api", Some(&token))).unwrap_err();
    assert_eq!(refused.kind(), std::io::ErrorKind::ConnectionRefused);
    f.kube_reachable(&id);
    assert_eq!(
        https(&f.ca_pem, port, "127.0.0.1", &get("/api", Some(&token)))
            .unwrap()
            .0,
        200
    );
    f.kube_private(&id);
    assert!(f.kubeconfig(&id, true).contains(".privatelink.eastus.azmk8s.io:443\n"));
}

#[test]
fn a_watch_streams_what_changes() {
    let (f, id) = fake();
    namespace(&f, &id);
    let port: u16 = f.kube_url(&id).rsplit(':').next().unwrap().parse().unwrap();
    let token = f.kube_token(&id);
    let (_, list) = call(&f, &id, "GET", "/api/v1/namespaces/shop/pods", "", "", None);
    let rv = list["metadata"]["resourceVersion"].as_str().unwrap().to_string();
    let ca = f.ca_pem.clone();
    let watcher = std::thread::spawn(move || {
        https(
            &ca,
            port,
            "127.0.0.1",
            &get(
                &format!("/api/v1/namespaces/shop/pods?watch=true&resourceVersion={rv}&timeoutSeconds=2"),
                Some(&token),
            ),
        )
    });
    std::thread::sleep(std::time::Duration::from_millis(400));
    apply(&f, &id, DEPLOY, "fieldManager=kvwire", &deployment(1, false, "default"));
    let (st, body) = watcher.join().unwrap().unwrap();
    assert_eq!(st, 200);
    assert!(
        body.contains("{\"type\":\"ADDED\",\"object\":{\"apiVersion\":\"v1\",\"kind\":\"Pod\""),
        "{body}"
    );
    // Without a resourceVersion: the objects that exist, as ADDED, first.
    let (_, body) = https(
        &f.ca_pem,
        port,
        "127.0.0.1",
        &get("/api/v1/namespaces?watch=1&timeoutSeconds=1", Some(&f.kube_token(&id))),
    )
    .unwrap();
    assert!(body.matches("\"type\":\"ADDED\"").count() >= 5, "{body}");
}

#[test]
fn arm_lists_the_cluster_credentials_as_aks_does() {
    let (f, id) = fake();
    f.state
        .lock()
        .unwrap()
        .tokens
        .insert("arm".into(), "https://management.azure.com/.default".into());
    let request = format!(
        "POST {id}/listClusterUserCredential?api-version=2026-08-01 HTTP/1.1\r\nHost: management.azure.com\r\nAuthorization: Bearer arm\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    );
    let (st, body) = https(&f.ca_pem, f.port, "management.azure.com", &request).unwrap();
    assert_eq!(st, 200, "{body}");
    let body: Value = serde_json::from_str(body.trim()).unwrap_or_else(|_| {
        // A chunked body: the JSON is the second line.
        serde_json::from_str(body.lines().nth(1).unwrap_or("")).unwrap()
    });
    assert_eq!(body["kubeconfigs"][0]["name"], "clusterUser");
    let value = body["kubeconfigs"][0]["value"].as_str().unwrap();
    assert_eq!(
        value,
        crate::arm::credentials::base64(f.kubeconfig(&id, false).as_bytes())
    );
    {
        let mut s = f.state.lock().unwrap();
        s.resource_mut(&id).unwrap()["properties"]["disableLocalAccounts"] = json!(true);
    }
    let admin = request.replace("listClusterUserCredential", "listClusterAdminCredential");
    let (st, body) = https(&f.ca_pem, f.port, "management.azure.com", &admin).unwrap();
    assert_eq!(st, 400);
    assert!(
        body.contains(
            "Getting static credential is not allowed because this cluster is set to disable local accounts."
        )
    );
}

/// A resourceVersion in an apply is a precondition on the object it patches; a DELETE's
/// preconditions the same (apiserver registry `Store.Update`, storage `checkPreconditions`).
#[test]
fn a_resource_version_or_uid_that_moved_is_a_conflict() {
    let (f, id) = fake();
    namespace(&f, &id);
    let (st, created) = apply(&f, &id, DEPLOY, "fieldManager=kvwire", &deployment(1, false, "default"));
    assert_eq!(st, 201, "{created}");
    let (_, now) = call(&f, &id, "GET", DEPLOY, "", "", None);
    let rv = now["metadata"]["resourceVersion"].as_str().unwrap().to_string();
    let uid = now["metadata"]["uid"].as_str().unwrap().to_string();

    let mut stale = deployment(2, false, "default");
    stale["metadata"]["resourceVersion"] = json!("1");
    let (st, body) = apply(&f, &id, DEPLOY, "fieldManager=kvwire", &stale);
    assert_eq!(st, 409, "{body}");
    assert_eq!(body["reason"], "Conflict");
    assert_eq!(
        body["message"],
        "Operation cannot be fulfilled on deployments.apps \"web\": the object has been modified; please apply your changes to the latest version and try again"
    );
    assert!(
        body["details"]["causes"].is_null(),
        "not a field-manager conflict: {body}"
    );
    assert_eq!(body["details"]["kind"], "deployments");
    let (_, unchanged) = call(&f, &id, "GET", DEPLOY, "", "", None);
    assert_eq!(unchanged["metadata"]["resourceVersion"].as_str(), Some(rv.as_str()));

    let mut current = deployment(2, false, "default");
    current["metadata"]["resourceVersion"] = json!(rv);
    let (st, body) = apply(&f, &id, DEPLOY, "fieldManager=kvwire", &current);
    assert_eq!(st, 200, "{body}");
    assert_eq!(body["spec"]["replicas"], 2);
    // The deployment controller writes its status after each change: read the version now.
    let (_, now) = call(&f, &id, "GET", DEPLOY, "", "", None);
    let rv = now["metadata"]["resourceVersion"].as_str().unwrap().to_string();

    for (field, other) in [
        ("uid", "00000000-0000-0000-0000-000000000000"),
        ("resourceVersion", "1"),
    ] {
        let options = json!({"kind": "DeleteOptions", "apiVersion": "v1", "preconditions": {field: other}});
        let (st, body) = call(&f, &id, "DELETE", DEPLOY, "", "application/json", Some(&options));
        assert_eq!(st, 409, "{body}");
        assert!(
            body["message"].as_str().unwrap().contains("Precondition failed: "),
            "{body}"
        );
    }
    let options =
        json!({"kind": "DeleteOptions", "apiVersion": "v1", "preconditions": {"uid": uid, "resourceVersion": rv}});
    let (st, body) = call(&f, &id, "DELETE", DEPLOY, "", "application/json", Some(&options));
    assert_eq!(st, 200, "{body}");
    let (st, _) = call(&f, &id, "GET", DEPLOY, "", "", None);
    assert_eq!(st, 404);
}
