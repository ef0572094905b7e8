//! What runs inside an AKS cluster besides the API server, reduced to what `verify` observes.
//! [`reconcile`] runs before and after every request (and before every read through the `Fake`),
//! so a change in Azure (a role assignment, a federated credential) is seen at the next read, as
//! the kubelet retrying a failed mount would see it.
//!
//! Behaviour and its sources:
//! * Deployment controller: `spec.replicas` (default 1) pods named
//!   `{deployment}-{pod-template-hash}-{5 chars}` from `spec.template`, owned by the ReplicaSet
//!   `{deployment}-{hash}` and labelled `pod-template-hash`; a changed template replaces them
//!   (RollingUpdate: the new pods first, the old ones deleted once the new ones run, so a broken
//!   rollout leaves the old pods serving; Recreate: the old ones first); `status` replicas, readyReplicas, availableReplicas,
//!   updatedReplicas, observedGeneration and the Available condition (apps/v1 API reference).
//!   ReplicaSets themselves are not served.
//! * ServiceAccount admission plugin: `serviceAccountName` defaults to `default`; a pod whose
//!   service account does not exist is refused, reported on the ReplicaSet as the controller does:
//!   `FailedCreate` "Error creating: pods "web-5d4c8f6b9-" is forbidden: error looking up service
//!   account shop/web: serviceaccount "web" not found"; the `kube-api-access-*` projected volume is
//!   mounted unless `automountServiceAccountToken` is false (Kubernetes docs, "Configure Service
//!   Accounts for Pods"; "Managing Service Accounts").
//! * The workload identity webhook (Azure/azure-workload-identity v1.5.1 pkg/webhook, installed
//!   on AKS when `securityProfile.workloadIdentity.enabled`): a pod labelled
//!   `azure.workload.identity/use: "true"` gets, in every container not listed in the
//!   `azure.workload.identity/skip-containers` annotation, the env `AZURE_CLIENT_ID` (the service
//!   account's `azure.workload.identity/client-id` annotation; not added when empty),
//!   `AZURE_TENANT_ID` (`azure.workload.identity/tenant-id`, else the cluster's tenant),
//!   `AZURE_FEDERATED_TOKEN_FILE=/var/run/secrets/azure/tokens/azure-identity-token` and
//!   `AZURE_AUTHORITY_HOST=https://login.microsoftonline.com/` (variables the container already
//!   sets are kept), the mount of the projected volume `azure-identity-token` (audience
//!   `api://AzureADTokenExchange`, `expirationSeconds` from
//!   `azure.workload.identity/service-account-token-expiration` or 3600). It runs when the pod is
//!   created only: annotating the service account later changes no running pod.
//! * The Secrets Store CSI driver (kubernetes-sigs/secrets-store-csi-driver) and its Azure
//!   provider (Azure/secrets-store-csi-driver-provider-azure): see [`mount`] for each check and
//!   the source of each message. A mount that succeeds makes the SecretProviderClassPodStatus
//!   `{pod}-{namespace}-{spc}` (`mounted: true`, objects `secret/{name}` with their versions;
//!   driver pkg/secrets-store/utils.go) and the pod Running; one that fails leaves the pod
//!   Pending (ContainerCreating) with a `Warning FailedMount` event from the kubelet carrying the
//!   error text. A mounted volume stays mounted: the chain is re-checked for pods still waiting.

use super::{Cluster, NODE, api};
use crate::{
    TENANT,
    state::{FakeState, now_rfc3339},
};
use serde_json::{Value, json};
use std::hash::{Hash, Hasher};

pub const USE_LABEL: &str = "azure.workload.identity/use";
pub const CLIENT_ID_ANNOTATION: &str = "azure.workload.identity/client-id";
pub const TENANT_ID_ANNOTATION: &str = "azure.workload.identity/tenant-id";
pub const TOKEN_VOLUME: &str = "azure-identity-token";
pub const TOKEN_MOUNT_PATH: &str = "/var/run/secrets/azure/tokens";
pub const CSI_DRIVER: &str = "secrets-store.csi.k8s.io";
const AUDIENCE: &str = "api://AzureADTokenExchange";

/// A namespace object and, as the service account controller makes it, its `default` account.
pub fn create_namespace(c: &mut Cluster, name: &str) {
    if c.get("namespaces", "", name).is_none() {
        let mut ns = json!({"apiVersion": "v1", "kind": "Namespace",
            "metadata": {"name": name, "labels": {"kubernetes.io/metadata.name": name}},
            "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}});
        stamp(c, &mut ns);
        c.objects.insert(("namespaces".into(), String::new(), name.into()), ns);
    } else if let Some(ns) = c.objects.get_mut(&("namespaces".into(), String::new(), name.into())) {
        // The namespace lifecycle: the label and phase every namespace has.
        ns["metadata"]["labels"]["kubernetes.io/metadata.name"] = json!(name);
        ns["status"]["phase"] = json!("Active");
        ns["spec"]["finalizers"] = json!(["kubernetes"]);
    }
    if c.get("serviceaccounts", name, "default").is_none() {
        let mut sa =
            json!({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "default", "namespace": name}});
        stamp(c, &mut sa);
        c.objects
            .insert(("serviceaccounts".into(), name.into(), "default".into()), sa);
    }
}

/// uid, creationTimestamp and a new resourceVersion for an object a controller creates.
fn stamp(c: &mut Cluster, o: &mut Value) {
    o["metadata"]["uid"] = json!(api::uid(c));
    o["metadata"]["creationTimestamp"] = json!(now_rfc3339());
    o["metadata"]["resourceVersion"] = json!(c.next_rv());
}

/// Store `o` when it differs from what is stored, with a new resourceVersion.
fn put(c: &mut Cluster, plural: &str, o: Value) {
    let key = (
        plural.to_string(),
        o["metadata"]["namespace"].as_str().unwrap_or("").to_string(),
        o["metadata"]["name"].as_str().unwrap_or("").to_string(),
    );
    if c.objects.get(&key) == Some(&o) {
        return;
    }
    let mut o = o;
    o["metadata"]["resourceVersion"] = json!(c.next_rv());
    c.objects.insert(key, o);
}

/// The defaults the API server fills in (the API reference's "Defaults to …" of each field).
pub fn defaults(r: &super::Resource, o: &mut Value) {
    match r.kind {
        "Deployment" => {
            let spec = &mut o["spec"];
            if !spec.is_object() {
                return;
            }
            for (k, v) in [
                ("replicas", json!(1)),
                ("revisionHistoryLimit", json!(10)),
                ("progressDeadlineSeconds", json!(600)),
                (
                    "strategy",
                    json!({"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"}}),
                ),
            ] {
                if spec[k].is_null() {
                    spec[k] = v;
                }
            }
            pod_spec_defaults(&mut spec["template"]["spec"]);
        }
        "Pod" => pod_spec_defaults(&mut o["spec"]),
        _ => {}
    }
}

fn pod_spec_defaults(spec: &mut Value) {
    if !spec.is_object() {
        return;
    }
    for (k, v) in [
        ("restartPolicy", json!("Always")),
        ("terminationGracePeriodSeconds", json!(30)),
        ("dnsPolicy", json!("ClusterFirst")),
        ("securityContext", json!({})),
        ("schedulerName", json!("default-scheduler")),
    ] {
        if spec[k].is_null() {
            spec[k] = v;
        }
    }
    for list in ["containers", "initContainers"] {
        for ctr in spec[list].as_array_mut().into_iter().flatten() {
            let image = ctr["image"].as_str().unwrap_or("").to_string();
            let latest = !image.rsplit('/').next().unwrap_or("").contains(':') || image.ends_with(":latest");
            for (k, v) in [
                ("terminationMessagePath", json!("/dev/termination-log")),
                ("terminationMessagePolicy", json!("File")),
                ("imagePullPolicy", json!(if latest { "Always" } else { "IfNotPresent" })),
                ("resources", json!({})),
            ] {
                if ctr[k].is_null() {
                    ctr[k] = v;
                }
            }
        }
    }
}

/// Dependents of a deleted object go with it (the garbage collector follows ownerReferences;
/// `orphan` keeps them); a namespace takes everything in it.
pub fn collect_garbage(c: &mut Cluster, owner: &Value, orphan: bool) {
    let uid = owner["metadata"]["uid"].as_str().unwrap_or("").to_string();
    if owner["kind"] == "Namespace" {
        let ns = owner["metadata"]["name"].as_str().unwrap_or("").to_string();
        c.objects.retain(|k, _| k.1 != ns);
        return;
    }
    if orphan {
        return;
    }
    let mut owners = vec![uid];
    // A Deployment owns its ReplicaSets, which own the pods: the fake names the ReplicaSet only.
    if owner["kind"] == "Deployment" {
        let ns = owner["metadata"]["namespace"].as_str().unwrap_or("").to_string();
        let name = owner["metadata"]["name"].as_str().unwrap_or("").to_string();
        let rs: Vec<String> = c
            .of("pods")
            .filter(|(k, p)| k.1 == ns && owned_by_deployment(p, &name))
            .map(|(_, p)| {
                p["metadata"]["ownerReferences"][0]["uid"]
                    .as_str()
                    .unwrap_or("")
                    .to_string()
            })
            .collect();
        owners.extend(rs);
    }
    loop {
        let doomed: Vec<super::Key> = c
            .objects
            .iter()
            .filter(|(_, o)| {
                o["metadata"]["ownerReferences"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|r| r["uid"].as_str().is_some_and(|u| owners.iter().any(|o| o == u)))
            })
            .map(|(k, _)| k.clone())
            .collect();
        if doomed.is_empty() {
            break;
        }
        for k in doomed {
            if let Some(o) = c.objects.remove(&k)
                && let Some(u) = o["metadata"]["uid"].as_str()
            {
                owners.push(u.to_string());
            }
        }
    }
}

fn owned_by_deployment(pod: &Value, deployment: &str) -> bool {
    let owner = &pod["metadata"]["ownerReferences"][0];
    let hash = pod["metadata"]["labels"]["pod-template-hash"].as_str().unwrap_or("");
    owner["kind"] == "ReplicaSet" && owner["name"].as_str() == Some(&format!("{deployment}-{hash}"))
}

/// What the cluster knows of Azure: the managed cluster's profile.
struct Aks {
    addon: bool,
    issuer: String,
    webhook: bool,
    /// Identities on the nodes' VM scale set: the kubelet's and the CSI add-on's (client, principal).
    node_identities: Vec<(String, String)>,
}

impl Aks {
    fn of(s: &FakeState, arm_id: &str) -> Aks {
        let mc = s.resource(arm_id).cloned().unwrap_or(Value::Null);
        let p = &mc["properties"];
        let addon = p["addonProfiles"]
            .as_object()
            .and_then(|m| {
                m.iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case("azureKeyvaultSecretsProvider"))
                    .map(|(_, v)| v.clone())
            })
            .unwrap_or(Value::Null);
        let mut node_identities = vec![];
        for id in [&p["identityProfile"]["kubeletidentity"], &addon["identity"]] {
            if let (Some(c), Some(o)) = (id["clientId"].as_str(), id["objectId"].as_str()) {
                node_identities.push((c.to_string(), o.to_string()));
            }
        }
        Aks {
            addon: addon["enabled"] == true,
            // Without the OIDC issuer, service account tokens carry the API server's default
            // issuer, which no federated credential names.
            issuer: match (
                p["oidcIssuerProfile"]["enabled"] == true,
                p["oidcIssuerProfile"]["issuerURL"].as_str(),
            ) {
                (true, Some(u)) => u.to_string(),
                _ => "https://kubernetes.default.svc.cluster.local".to_string(),
            },
            webhook: p["securityProfile"]["workloadIdentity"]["enabled"] == true,
            node_identities,
        }
    }
}

pub fn reconcile(s: &mut FakeState, arm_id: &str) {
    let key = arm_id.to_ascii_lowercase();
    let Some(mut c) = s.kube.remove(&key) else {
        return;
    };
    let aks = Aks::of(s, &c.arm_id);
    deployments(&mut c, &aks);
    mounts(&mut c, s, &aks);
    deployment_status(&mut c);
    s.kube.insert(key, c);
}

fn template_hash(template: &Value) -> String {
    const ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    let mut h = std::collections::hash_map::DefaultHasher::new();
    template.to_string().hash(&mut h);
    let mut n = h.finish();
    (0..10)
        .map(|_| {
            let ch = ALPHABET[(n % ALPHABET.len() as u64) as usize] as char;
            n /= ALPHABET.len() as u64;
            ch
        })
        .collect()
}

fn deployments(c: &mut Cluster, aks: &Aks) {
    let list: Vec<Value> = c.of("deployments").map(|(_, d)| d.clone()).collect();
    for d in list {
        let ns = d["metadata"]["namespace"].as_str().unwrap_or("").to_string();
        let name = d["metadata"]["name"].as_str().unwrap_or("").to_string();
        let replicas = d["spec"]["replicas"].as_u64().unwrap_or(1) as usize;
        let template = &d["spec"]["template"];
        let hash = template_hash(template);
        let rs = format!("{name}-{hash}");
        let mine: Vec<(super::Key, Value)> = c
            .of("pods")
            .filter(|(k, p)| k.1 == ns && owned_by_deployment(p, &name))
            .map(|(k, p)| (k.clone(), p.clone()))
            .collect();
        // The rollout: new pods first; the old ones go once the new ones run (RollingUpdate with
        // its default 25% surge and 25% unavailable, which for small replica counts rounds to
        // "one more, none less"), or at once with the Recreate strategy.
        let recreate = d["spec"]["strategy"]["type"] == "Recreate";
        let (mut current, mut ready) = (0, 0);
        let mut doomed = vec![];
        let mut old = vec![];
        for (k, p) in &mine {
            if p["metadata"]["labels"]["pod-template-hash"] == hash.as_str() && current < replicas {
                current += 1;
                ready += usize::from(p["status"]["phase"] == "Running");
            } else if p["metadata"]["labels"]["pod-template-hash"] == hash.as_str() {
                doomed.push(k.clone());
            } else {
                old.push(k.clone());
            }
        }
        if recreate || ready >= replicas {
            doomed.extend(old);
        }
        for k in doomed {
            if let Some(o) = c.objects.remove(&k) {
                collect_garbage(c, &o, false);
            }
            c.rv += 1;
        }
        while current < replicas {
            match new_pod(c, aks, &d, &rs, &hash) {
                Ok(pod) => {
                    let key = (
                        "pods".to_string(),
                        ns.clone(),
                        pod["metadata"]["name"].as_str().unwrap_or("").to_string(),
                    );
                    c.objects.insert(key, pod);
                    current += 1;
                }
                Err(message) => {
                    let involved = json!({"kind": "ReplicaSet", "namespace": ns, "name": rs, "apiVersion": "apps/v1",
                                          "uid": rs_uid(&d, &hash)});
                    event(
                        c,
                        &involved,
                        "Warning",
                        "FailedCreate",
                        &message,
                        "replicaset-controller",
                        None,
                    );
                    break;
                }
            }
        }
    }
}

fn rs_uid(d: &Value, hash: &str) -> String {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (d["metadata"]["uid"].as_str().unwrap_or(""), hash).hash(&mut h);
    let n = h.finish();
    format!(
        "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
        n >> 32,
        (n >> 16) & 0xffff,
        n & 0xfff,
        (n >> 4) & 0xfff,
        n & 0xffff_ffff_ffff
    )
}

/// Whether the cluster runs the workload identity webhook (`securityProfile.workloadIdentity`).
pub fn webhook_enabled(s: &FakeState, arm_id: &str) -> bool {
    Aks::of(s, arm_id).webhook
}

/// A pod of ReplicaSet `rs`, through the admission chain (see the module docs).
fn new_pod(c: &mut Cluster, aks: &Aks, d: &Value, rs: &str, hash: &str) -> Result<Value, String> {
    let ns = d["metadata"]["namespace"].as_str().unwrap_or("");
    let template = &d["spec"]["template"];
    let name = format!("{rs}-{}", c.suffix(5));
    let mut labels = template["metadata"]["labels"].clone();
    if !labels.is_object() {
        labels = json!({});
    }
    labels["pod-template-hash"] = json!(hash);
    let mut meta = json!({"name": name, "generateName": format!("{rs}-"), "namespace": ns, "labels": labels,
        "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": rs, "uid": rs_uid(d, hash),
                             "controller": true, "blockOwnerDeletion": true}]});
    if template["metadata"]["annotations"].is_object() {
        meta["annotations"] = template["metadata"]["annotations"].clone();
    }
    let mut pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": template["spec"].clone()});
    admit_pod(c, aks.webhook, &mut pod)
        .map_err(|e| format!("Error creating: {}", e.replacen(&name, &format!("{rs}-"), 1)))?;
    stamp(c, &mut pod);
    Ok(pod)
}

/// Admission of a new pod: the ServiceAccount plugin (the account must exist; its token volume),
/// the workload identity webhook when `webhook`, scheduling to the node, `Pending`. The refusal:
/// `pods "x" is forbidden: error looking up service account ns/sa: serviceaccount "sa" not found`.
pub fn admit_pod(c: &mut Cluster, webhook: bool, pod: &mut Value) -> Result<(), String> {
    let ns = pod["metadata"]["namespace"].as_str().unwrap_or("").to_string();
    let name = pod["metadata"]["name"].as_str().unwrap_or("").to_string();
    let sa_name = pod["spec"]["serviceAccountName"]
        .as_str()
        .or(pod["spec"]["serviceAccount"].as_str())
        .unwrap_or("default")
        .to_string();
    let Some(sa) = c.get("serviceaccounts", &ns, &sa_name).cloned() else {
        return Err(format!(
            "pods \"{name}\" is forbidden: error looking up service account {ns}/{sa_name}: serviceaccount \"{sa_name}\" not found"
        ));
    };
    pod["spec"]["serviceAccountName"] = json!(sa_name);
    pod["spec"]["serviceAccount"] = json!(sa_name);
    pod["spec"]["nodeName"] = json!(NODE);
    pod_spec_defaults(&mut pod["spec"]);
    pod["status"] = json!({"phase": "Pending", "qosClass": "BestEffort",
        "conditions": [{"type": "PodScheduled", "status": "True", "lastProbeTime": null, "lastTransitionTime": now_rfc3339()}]});
    let automount = pod["spec"]["automountServiceAccountToken"]
        .as_bool()
        .or(sa["automountServiceAccountToken"].as_bool())
        .unwrap_or(true);
    if automount {
        let volume = format!("kube-api-access-{}", c.suffix(5));
        add_volume(
            pod,
            json!({"name": volume, "projected": {"defaultMode": 420, "sources": [
                {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
                {"configMap": {"name": "kube-root-ca.crt", "items": [{"key": "ca.crt", "path": "ca.crt"}]}},
                {"downwardAPI": {"items": [{"path": "namespace", "fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"}}]}}]}}),
        );
        mount_everywhere(
            pod,
            json!({"name": volume, "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount", "readOnly": true}),
            &[],
        );
    }
    if webhook && pod["metadata"]["labels"][USE_LABEL] == "true" {
        workload_identity_webhook(pod, &sa);
    }
    Ok(())
}

fn add_volume(pod: &mut Value, volume: Value) {
    if !pod["spec"]["volumes"].is_array() {
        pod["spec"]["volumes"] = json!([]);
    }
    let vols = pod["spec"]["volumes"].as_array_mut().expect("set");
    vols.retain(|v| v["name"] != volume["name"]);
    vols.push(volume);
}

fn mount_everywhere(pod: &mut Value, mount: Value, skip: &[String]) {
    for list in ["initContainers", "containers"] {
        for ctr in pod["spec"][list].as_array_mut().into_iter().flatten() {
            if ctr["name"].as_str().is_some_and(|n| skip.iter().any(|s| s == n)) {
                continue;
            }
            if !ctr["volumeMounts"].is_array() {
                ctr["volumeMounts"] = json!([]);
            }
            let mounts = ctr["volumeMounts"].as_array_mut().expect("set");
            mounts.retain(|m| m["name"] != mount["name"]);
            mounts.push(mount.clone());
        }
    }
}

/// The mutation of azure-workload-identity v1.5.1 `podMutator.Handle` (see the module docs).
pub fn workload_identity_webhook(pod: &mut Value, sa: &Value) {
    let annotations = &sa["metadata"]["annotations"];
    let client_id = annotations[CLIENT_ID_ANNOTATION].as_str().unwrap_or("").to_string();
    let tenant_id = annotations[TENANT_ID_ANNOTATION].as_str().unwrap_or(TENANT).to_string();
    let expiration = pod["metadata"]["annotations"]["azure.workload.identity/service-account-token-expiration"]
        .as_str()
        .or(annotations["azure.workload.identity/service-account-token-expiration"].as_str())
        .and_then(|e| e.parse::<i64>().ok())
        .unwrap_or(3600);
    let skip: Vec<String> = pod["metadata"]["annotations"]["azure.workload.identity/skip-containers"]
        .as_str()
        .map(|s| s.split(';').map(|x| x.trim().to_string()).collect())
        .unwrap_or_default();
    let envs = [
        ("AZURE_CLIENT_ID", client_id),
        ("AZURE_TENANT_ID", tenant_id),
        (
            "AZURE_FEDERATED_TOKEN_FILE",
            format!("{TOKEN_MOUNT_PATH}/{TOKEN_VOLUME}"),
        ),
        ("AZURE_AUTHORITY_HOST", "https://login.microsoftonline.com/".to_string()),
    ];
    for list in ["initContainers", "containers"] {
        for ctr in pod["spec"][list].as_array_mut().into_iter().flatten() {
            if ctr["name"].as_str().is_some_and(|n| skip.iter().any(|s| s == n)) {
                continue;
            }
            if !ctr["env"].is_array() {
                ctr["env"] = json!([]);
            }
            let env = ctr["env"].as_array_mut().expect("set");
            for (k, v) in &envs {
                if !v.is_empty() && !env.iter().any(|e| e["name"] == *k) {
                    env.push(json!({"name": k, "value": v}));
                }
            }
        }
    }
    mount_everywhere(
        pod,
        json!({"name": TOKEN_VOLUME, "mountPath": TOKEN_MOUNT_PATH, "readOnly": true}),
        &skip,
    );
    add_volume(
        pod,
        json!({"name": TOKEN_VOLUME, "projected": {"defaultMode": 420, "sources": [
            {"serviceAccountToken": {"path": TOKEN_VOLUME, "expirationSeconds": expiration, "audience": AUDIENCE}}]}}),
    );
}

/// An event: `involved` is the object reference; `host` the node for kubelet events.
fn event(
    c: &mut Cluster,
    involved: &Value,
    kind: &str,
    reason: &str,
    message: &str,
    component: &str,
    host: Option<&str>,
) {
    let ns = involved["namespace"].as_str().unwrap_or("default").to_string();
    let name = involved["name"].as_str().unwrap_or("").to_string();
    let exists = c.of("events").any(|(k, e)| {
        k.1 == ns && e["involvedObject"]["name"] == name.as_str() && e["reason"] == reason && e["message"] == message
    });
    if exists {
        return;
    }
    let now = now_rfc3339();
    let mut source = json!({"component": component});
    if let Some(h) = host {
        source["host"] = json!(h);
    }
    let suffix: String = api::uid(c).chars().filter(char::is_ascii_hexdigit).take(16).collect();
    let mut e = json!({"apiVersion": "v1", "kind": "Event",
        "metadata": {"name": format!("{name}.{suffix}"), "namespace": ns},
        "involvedObject": involved, "reason": reason, "message": message, "source": source,
        "firstTimestamp": now, "lastTimestamp": now, "count": 1, "type": kind, "eventTime": null,
        "reportingComponent": component, "reportingInstance": host.unwrap_or("")});
    stamp(c, &mut e);
    let key = (
        "events".to_string(),
        ns,
        e["metadata"]["name"].as_str().unwrap_or("").to_string(),
    );
    c.objects.insert(key, e);
}

fn mounts(c: &mut Cluster, s: &FakeState, aks: &Aks) {
    let pods: Vec<Value> = c.of("pods").map(|(_, p)| p.clone()).collect();
    for mut pod in pods {
        if pod["status"]["phase"] != "Pending" {
            continue;
        }
        let ns = pod["metadata"]["namespace"].as_str().unwrap_or("").to_string();
        let name = pod["metadata"]["name"].as_str().unwrap_or("").to_string();
        let volumes: Vec<Value> = pod["spec"]["volumes"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|v| v["csi"]["driver"] == CSI_DRIVER)
            .cloned()
            .collect();
        let mut failures = vec![];
        let mut statuses = vec![];
        for v in &volumes {
            match mount(c, s, aks, &pod, v) {
                Ok(st) => statuses.push(st),
                Err(m) => failures.push(m),
            }
        }
        let involved = json!({"kind": "Pod", "namespace": ns, "name": name, "uid": pod["metadata"]["uid"],
                              "apiVersion": "v1", "resourceVersion": pod["metadata"]["resourceVersion"]});
        if !failures.is_empty() {
            for m in failures {
                event(c, &involved, "Warning", "FailedMount", &m, "kubelet", Some(NODE));
            }
            let waiting: Vec<Value> = pod["spec"]["containers"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|ctr| {
                    json!({"name": ctr["name"], "image": ctr["image"], "imageID": "", "ready": false, "restartCount": 0,
                                  "started": false, "state": {"waiting": {"reason": "ContainerCreating"}}})
                })
                .collect();
            if pod["status"]["containerStatuses"] != json!(waiting) {
                pod["status"]["containerStatuses"] = json!(waiting);
                put(c, "pods", pod);
            }
            continue;
        }
        for st in statuses {
            put(c, "secretproviderclasspodstatuses", st);
        }
        let now = now_rfc3339();
        let running: Vec<Value> = pod["spec"]["containers"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|ctr| {
                json!({"name": ctr["name"], "image": ctr["image"], "imageID": "", "ready": true, "restartCount": 0,
                              "started": true, "state": {"running": {"startedAt": now}}})
            })
            .collect();
        pod["status"]["phase"] = json!("Running");
        pod["status"]["podIP"] = json!("10.244.0.17");
        pod["status"]["hostIP"] = json!("10.224.0.4");
        pod["status"]["startTime"] = json!(now);
        pod["status"]["containerStatuses"] = json!(running);
        pod["status"]["conditions"] = json!(
            ["PodScheduled", "Initialized", "ContainersReady", "Ready"]
                .iter()
                .map(|t| json!({"type": t, "status": "True", "lastProbeTime": null, "lastTransitionTime": now}))
                .collect::<Vec<_>>()
        );
        put(c, "pods", pod);
    }
}

fn deployment_status(c: &mut Cluster) {
    let list: Vec<Value> = c.of("deployments").map(|(_, d)| d.clone()).collect();
    for mut d in list {
        let ns = d["metadata"]["namespace"].as_str().unwrap_or("").to_string();
        let name = d["metadata"]["name"].as_str().unwrap_or("").to_string();
        let hash = template_hash(&d["spec"]["template"]);
        let pods: Vec<&Value> = c
            .of("pods")
            .filter(|(k, p)| k.1 == ns && owned_by_deployment(p, &name))
            .map(|(_, p)| p)
            .collect();
        let total = pods.len();
        let updated = pods
            .iter()
            .filter(|p| p["metadata"]["labels"]["pod-template-hash"] == hash.as_str())
            .count();
        let ready = pods.iter().filter(|p| p["status"]["phase"] == "Running").count();
        let want = d["spec"]["replicas"].as_u64().unwrap_or(1) as usize;
        let available = ready >= want;
        let old = d["status"]["conditions"].clone();
        let transition = |t: &str, st: &str| {
            old.as_array()
                .into_iter()
                .flatten()
                .find(|x| x["type"] == t && x["status"] == st)
                .map(|x| x["lastTransitionTime"].clone())
                .unwrap_or(json!(now_rfc3339()))
        };
        let mut status = json!({"observedGeneration": d["metadata"]["generation"], "replicas": total,
            "updatedReplicas": updated,
            "conditions": [
                {"type": "Available", "status": if available { "True" } else { "False" },
                 "reason": if available { "MinimumReplicasAvailable" } else { "MinimumReplicasUnavailable" },
                 "message": if available { "Deployment has minimum availability." } else { "Deployment does not have minimum availability." },
                 "lastUpdateTime": transition("Available", if available { "True" } else { "False" }),
                 "lastTransitionTime": transition("Available", if available { "True" } else { "False" })},
                {"type": "Progressing", "status": "True", "reason": if available { "NewReplicaSetAvailable" } else { "ReplicaSetUpdated" },
                 "message": format!("ReplicaSet \"{name}-{hash}\" {}.", if available { "has successfully progressed" } else { "is progressing" }),
                 "lastUpdateTime": transition("Progressing", "True"), "lastTransitionTime": transition("Progressing", "True")}]});
        if ready > 0 {
            status["readyReplicas"] = json!(ready);
            status["availableReplicas"] = json!(ready);
        }
        if total > ready {
            status["unavailableReplicas"] = json!(total - ready);
        }
        if d["status"] != status {
            d["status"] = status;
            put(c, "deployments", d);
        }
    }
}

// ---- the CSI driver and the Azure provider ----------------------------------------------------

/// Mount one `secrets-store.csi.k8s.io` volume of `pod`: the SecretProviderClassPodStatus it
/// makes, or the FailedMount message. Each message is the real component's text:
/// * add-on disabled: the kubelet has no such CSI driver, "kubernetes.io/csi: mounter.SetUpAt
///   failed to get CSI client: driver name secrets-store.csi.k8s.io not found in the list of
///   registered CSI drivers" (provider docs, troubleshooting);
/// * no such SecretProviderClass: "failed to get secretproviderclass ns/x, error:
///   secretproviderclasses.secrets-store.csi.x-k8s.io "x" not found" (driver
///   pkg/secrets-store/utils.go, docs/book troubleshooting);
/// * the provider's errors, wrapped by the driver ("failed to mount secrets store objects for pod
///   ns/pod, err: …", nodeserver.go) and the provider's server ("failed to mount objects, error:
///   …", pkg/server/server.go): see [`provider`].
fn mount(c: &Cluster, s: &FakeState, aks: &Aks, pod: &Value, vol: &Value) -> Result<Value, String> {
    let vname = vol["name"].as_str().unwrap_or("");
    let ns = pod["metadata"]["namespace"].as_str().unwrap_or("");
    let pname = pod["metadata"]["name"].as_str().unwrap_or("");
    let prefix = format!("MountVolume.SetUp failed for volume \"{vname}\" : ");
    if !aks.addon {
        return Err(format!(
            "{prefix}kubernetes.io/csi: mounter.SetUpAt failed to get CSI client: driver name {CSI_DRIVER} not found in the list of registered CSI drivers"
        ));
    }
    let rpc = format!("{prefix}rpc error: code = Unknown desc = ");
    let spc_name = vol["csi"]["volumeAttributes"]["secretProviderClass"]
        .as_str()
        .unwrap_or("");
    let Some(spc) = c.get("secretproviderclasses", ns, spc_name) else {
        return Err(format!(
            "{rpc}failed to get secretproviderclass {ns}/{spc_name}, error: secretproviderclasses.secrets-store.csi.x-k8s.io \"{spc_name}\" not found"
        ));
    };
    let wrapped = format!(
        "{rpc}failed to mount secrets store objects for pod {ns}/{pname}, err: rpc error: code = Unknown desc = failed to mount objects, error: "
    );
    let sa = pod["spec"]["serviceAccountName"].as_str().unwrap_or("default");
    let objects = provider(c, s, aks, &spc["spec"]["parameters"], ns, sa).map_err(|e| format!("{wrapped}{e}"))?;
    let uid = pod["metadata"]["uid"].as_str().unwrap_or("");
    Ok(
        json!({"apiVersion": "secrets-store.csi.x-k8s.io/v1", "kind": "SecretProviderClassPodStatus",
        "metadata": {"name": format!("{pname}-{ns}-{spc_name}"), "namespace": ns,
                     "labels": {"internal.secrets-store.csi.k8s.io/node-name": NODE},
                     "ownerReferences": [{"apiVersion": "v1", "kind": "Pod", "name": pname, "uid": uid}],
                     "uid": format!("{}5c", &uid[..uid.len().saturating_sub(2)]), "creationTimestamp": now_rfc3339()},
        "status": {"podName": pname, "secretProviderClassName": spc_name, "mounted": true,
                   "targetPath": format!("/var/lib/kubelet/pods/{uid}/volumes/kubernetes.io~csi/{vname}/mount"),
                   "objects": objects}}),
    )
}

/// One object of the SPC's `objects` parameter (a YAML `array:` of YAML documents).
struct VaultObject {
    name: String,
    kind: String,
    version: String,
}

/// The `objects` parameter's entries (`objectName`, `objectType`, `objectVersion`), read line by
/// line: each `- |` starts one.
fn vault_objects(text: &str) -> Vec<VaultObject> {
    let mut out: Vec<VaultObject> = vec![];
    for line in text.lines() {
        let t = line.trim().trim_start_matches("- ").trim();
        if line.trim_start().starts_with('-') {
            out.push(VaultObject {
                name: String::new(),
                kind: String::new(),
                version: String::new(),
            });
        }
        let field = |key: &str| {
            t.strip_prefix(key)
                .map(|v| v.trim().trim_matches('"').trim_matches('\'').to_string())
        };
        let Some(last) = out.last_mut() else { continue };
        if let Some(v) = field("objectName:") {
            last.name = v;
        } else if let Some(v) = field("objectType:") {
            last.kind = v;
        } else if let Some(v) = field("objectVersion:") {
            last.version = v;
        }
    }
    out.retain(|o| !o.name.is_empty());
    out
}

/// The Azure provider's `GetSecretsStoreObjectContent` (pkg/provider/provider.go at
/// d5f7cf5b), in its order: the identity mode and its parameters, the credential, then each
/// object fetched from Key Vault. Errors are its texts:
/// * "only one identity mode can be enabled at a time: …", "keyvaultName is not provided",
///   "tenantId is not provided", "failed to build auth config for mode None: failed to get
///   credentials, nodePublishSecretRef secret is not set" (an SPC with no clientID and no other
///   mode), "failed to build auth config for mode AzureTokenProxy: clientID is required for
///   identity binding", "objects is not set";
/// * Key Vault answers through azsecrets: "failed to get objectType:secret, objectName:x,
///   objectVersion:: " (`wrapObjectTypeError`) and azcore's `ResponseError` text (`GET https://…`,
///   `RESPONSE 403: 403 Forbidden`, `ERROR CODE: Forbidden`, the JSON body): 403 `ForbiddenByRbac`
///   ("Caller is not authorized to perform action on resource. … Action:
///   'Microsoft.KeyVault/vaults/secrets/getSecret/action'", piyushsachdeva/Terraform_AKS#2) or
///   `AccessDenied` ("The user, group or application 'appid=…;oid=…;iss=…' does not have secrets
///   get permission on key vault '…'", turbot/steampipe-plugin-azure#127), 404 `SecretNotFound`;
/// * a token that cannot be had fails the first object the same way, with azidentity's
///   `AuthenticationFailedError` text ("ClientAssertionCredential authentication failed." and
///   Entra's answer): AADSTS70021 "No matching federated identity record found for presented
///   assertion. Assertion Issuer: '…'. Assertion Subject: 'system:serviceaccount:ns:sa'. Assertion
///   Audience: 'api://AzureADTokenExchange'." (MicrosoftDocs/azure-docs#106441,
///   Azure/azure-workload-identity#340), AADSTS700016 for a client ID no identity has; for VM
///   identities, IMDS's "Identity not found" (ManagedIdentityCredential).
fn provider(c: &Cluster, s: &FakeState, aks: &Aks, params: &Value, ns: &str, sa: &str) -> Result<Vec<Value>, String> {
    let p = |k: &str| params[k].as_str().unwrap_or("").trim().to_string();
    let flag = |k: &str| p(k).eq_ignore_ascii_case("true") || p(k) == "1";
    let (pod_identity, vm, proxy) = (
        flag("usePodIdentity"),
        flag("useVMManagedIdentity"),
        flag("useAzureTokenProxy"),
    );
    if [pod_identity, vm, proxy].iter().filter(|x| **x).count() > 1 {
        return Err(
            "only one identity mode can be enabled at a time: usePodIdentity, useVMManagedIdentity, or useAzureTokenProxy"
                .into(),
        );
    }
    let vault = p("keyvaultName");
    if vault.is_empty() {
        return Err("keyvaultName is not provided".into());
    }
    let tenant = if p("tenantID").is_empty() {
        p("tenantId")
    } else {
        p("tenantID")
    };
    if tenant.is_empty() {
        return Err("tenantId is not provided".into());
    }
    let client_id = p("clientID");
    if proxy && client_id.is_empty() {
        return Err(
            "failed to build auth config for mode AzureTokenProxy: clientID is required for identity binding".into(),
        );
    }
    if !pod_identity && !vm && !proxy && client_id.is_empty() {
        return Err(
            "failed to build auth config for mode None: failed to get credentials, nodePublishSecretRef secret is not set"
                .into(),
        );
    }
    let objects = vault_objects(&p("objects"));
    if objects.is_empty() {
        return Err("objects is not set".into());
    }
    let first = &objects[0];
    let wrap = |o: &VaultObject, e: String| {
        format!(
            "failed to get objectType:{}, objectName:{}, objectVersion:{}: {e}",
            o.kind, o.name, o.version
        )
    };
    let token_url = format!("https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token");
    // The principal the provider gets a token for.
    let principal = if pod_identity {
        return Err(wrap(
            first,
            "the fake does not model AAD pod identity (usePodIdentity): NMI is not running".into(),
        ));
    } else if vm {
        let wanted = p("userAssignedIdentityID");
        match aks.node_identities.iter().find(|(cid, _)| *cid == wanted) {
            Some((_, principal)) => principal.clone(),
            None => {
                return Err(wrap(
                    first,
                    auth_failed(
                        "ManagedIdentityCredential",
                        "the requested identity isn't assigned to this resource",
                        "GET http://169.254.169.254/metadata/identity/oauth2/token",
                        "400 Bad Request",
                        json!({"error": "invalid_request", "error_description": "Identity not found"}),
                        Some("managed-id"),
                    ),
                ));
            }
        }
    } else {
        let Some(identity) = identity_by_client(s, &client_id) else {
            let desc = format!(
                "AADSTS700016: Application with identifier '{client_id}' was not found in the directory '{tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant."
            );
            return Err(wrap(
                first,
                entra_error(&token_url, "unauthorized_client", &desc, 700016),
            ));
        };
        let subject = format!("system:serviceaccount:{ns}:{sa}");
        let ok = if proxy {
            binding_allows(c, s, &client_id, ns, sa)
        } else {
            federated(s, &identity.0, &aks.issuer, &subject)
        };
        if !ok {
            let desc = if proxy {
                format!(
                    "the fake's identity binding check failed: no succeeded identityBinding of this cluster for client ID '{client_id}', or no ClusterRoleBinding granting 'use-managed-identity' on it to {subject}"
                )
            } else {
                format!(
                    "AADSTS70021: No matching federated identity record found for presented assertion. Assertion Issuer: '{}'. Assertion Subject: '{subject}'. Assertion Audience: '{AUDIENCE}'. https://docs.microsoft.com/en-us/azure/active-directory/develop/workload-identity-federation\r\nTrace ID: 00000000-0000-0000-0000-000000000000\r\nCorrelation ID: 00000000-0000-0000-0000-000000000000\r\nTimestamp: 2026-01-01 00:00:00Z",
                    aks.issuer
                )
            };
            return Err(wrap(first, entra_error(&token_url, "invalid_request", &desc, 70021)));
        }
        identity.1
    };
    let Some((vault_id, vault_doc)) = s.resources.iter().find(|(k, v)| {
        k.contains("/providers/microsoft.keyvault/vaults/")
            && v["name"].as_str().is_some_and(|n| n.eq_ignore_ascii_case(&vault))
    }) else {
        return Err(wrap(
            first,
            format!(
                "Get \"https://{vault}.vault.azure.net/secrets/{}/{}?api-version=7.5\": dial tcp: lookup {vault}.vault.azure.net: no such host",
                first.name, first.version
            ),
        ));
    };
    let mut out = vec![];
    for o in &objects {
        if o.kind != "secret" {
            return Err(wrap(
                o,
                format!("the fake models objectType secret only, not {:?}", o.kind),
            ));
        }
        let url = format!("GET https://{vault}.vault.azure.net/secrets/{}/{}", o.name, o.version);
        if let Err((inner, message)) = may_read(s, vault_id, vault_doc, &principal, &vault, &o.name, &tenant) {
            return Err(wrap(
                o,
                response_error(
                    &url,
                    "403 Forbidden",
                    "Forbidden",
                    json!({"error": {"code": "Forbidden", "message": message, "innererror": {"code": inner}}}),
                ),
            ));
        }
        let item = s
            .secrets
            .get(&(vault.to_ascii_lowercase(), o.name.to_ascii_lowercase()))
            .or_else(|| s.secrets.get(&(vault.clone(), o.name.to_ascii_lowercase())))
            .filter(|i| i.deleted.is_none());
        let version = item.and_then(|i| {
            if o.version.is_empty() || o.version == "latest" {
                i.versions.last()
            } else {
                i.versions.iter().find(|v| v.version == o.version)
            }
        });
        let Some(v) = version else {
            return Err(wrap(
                o,
                response_error(
                    &url,
                    "404 Not Found",
                    "SecretNotFound",
                    json!({"error": {"code": "SecretNotFound", "message": format!("A secret with (name/id) {} was not found in this key vault. If you recently deleted this secret you may be able to recover it using the correct recovery command. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182", o.name)}}),
                ),
            ));
        };
        out.push(json!({"id": format!("secret/{}", o.name), "version": v.version}));
    }
    out.sort_by(|a, b| a["id"].as_str().cmp(&b["id"].as_str()));
    Ok(out)
}

/// The user-assigned identity with this client ID: (resource ID, principal ID).
fn identity_by_client(s: &FakeState, client_id: &str) -> Option<(String, String)> {
    s.resources
        .iter()
        .filter(|(k, _)| {
            k.split("/providers/microsoft.managedidentity/userassignedidentities/")
                .nth(1)
                .is_some_and(|rest| !rest.contains('/'))
        })
        .find(|(_, v)| v["properties"]["clientId"].as_str() == Some(client_id))
        .map(|(k, v)| {
            (
                k.clone(),
                v["properties"]["principalId"].as_str().unwrap_or("").to_string(),
            )
        })
}

/// Whether the identity holds a federated credential for this issuer and subject, with the
/// token's audience (workload identity docs: issuer, subject and audience must match exactly).
fn federated(s: &FakeState, identity: &str, issuer: &str, subject: &str) -> bool {
    let prefix = format!("{}/federatedidentitycredentials/", identity.to_ascii_lowercase());
    s.resources
        .iter()
        .filter(|(k, _)| k.starts_with(&prefix))
        .any(|(_, v)| {
            let p = &v["properties"];
            p["issuer"].as_str() == Some(issuer)
                && p["subject"].as_str() == Some(subject)
                && p["audiences"]
                    .as_array()
                    .is_some_and(|a| a.iter().any(|x| x == AUDIENCE))
        })
}

/// Identity binding (AKS docs identity-bindings.md): a succeeded identityBinding of this cluster
/// for the identity, and a ClusterRoleBinding giving the service account a ClusterRole that
/// allows `use-managed-identity` on `cid.wi.aks.azure.com` resource `<client id>`.
fn binding_allows(c: &Cluster, s: &FakeState, client_id: &str, ns: &str, sa: &str) -> bool {
    let prefix = format!("{}/identitybindings/", c.arm_id.to_ascii_lowercase());
    let bound = s.resources.iter().any(|(k, v)| {
        k.starts_with(&prefix)
            && v["properties"]["provisioningState"] == "Succeeded"
            && v["properties"]["managedIdentity"]["clientId"].as_str() == Some(client_id)
    });
    let role_allows = |role: &str| {
        c.get("clusterroles", "", role).is_some_and(|r| {
            r["rules"].as_array().into_iter().flatten().any(|rule| {
                let has = |f: &str, v: &str| rule[f].as_array().is_some_and(|a| a.iter().any(|x| x == v || x == "*"));
                has("verbs", "use-managed-identity")
                    && has("apiGroups", "cid.wi.aks.azure.com")
                    && has("resources", client_id)
            })
        })
    };
    let granted = c.of("clusterrolebindings").any(|(_, b)| {
        b["roleRef"]["kind"] == "ClusterRole"
            && b["roleRef"]["name"].as_str().is_some_and(role_allows)
            && b["subjects"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|x| x["kind"] == "ServiceAccount" && x["name"] == sa && x["namespace"] == ns)
    });
    bound && granted
}

/// Whether `principal` may get secret `name` from the vault, by the vault's permission model
/// (Key Vault docs, "Azure RBAC for Key Vault": the data roles Key Vault Secrets User, Secrets
/// Officer and Administrator at the vault, or a scope above it, or the secret; otherwise access
/// policies with the secrets `get` permission): the inner error code and message when not.
fn may_read(
    s: &FakeState,
    vault_id: &str,
    vault: &Value,
    principal: &str,
    vault_name: &str,
    name: &str,
    tenant: &str,
) -> Result<(), (&'static str, String)> {
    let caller =
        format!("appid=00000000-0000-0000-0000-000000000000;oid={principal};iss=https://sts.windows.net/{tenant}/");
    if vault["properties"]["enableRbacAuthorization"] == true {
        let secret_scope = format!("{vault_id}/secrets/{}", name.to_ascii_lowercase());
        let ok = s
            .resources
            .iter()
            .filter(|(k, _)| k.contains("/providers/microsoft.authorization/roleassignments/"))
            .any(|(_, a)| {
                let scope = a["properties"]["scope"].as_str().unwrap_or("").to_ascii_lowercase();
                let covers = vault_id == scope || vault_id.starts_with(&format!("{scope}/")) || secret_scope == scope;
                let role =
                    crate::arm::authorization::role_guid(a["properties"]["roleDefinitionId"].as_str().unwrap_or(""));
                a["properties"]["principalId"].as_str() == Some(principal)
                    && covers
                    && matches!(
                        role.as_str(),
                        "4633458b-17de-408a-b874-0445c86b69e6"
                            | "b86a8fe4-44ce-4948-aee5-eccb2c155cd7"
                            | "00482a5a-887f-4fb3-b363-3b7fe8e74483"
                    )
            });
        return if ok {
            Ok(())
        } else {
            Err((
                "ForbiddenByRbac",
                format!(
                    "Caller is not authorized to perform action on resource.\r\nIf role assignments, deny assignments or role definitions were changed recently, please observe propagation time.\r\nCaller: {caller}\r\nAction: 'Microsoft.KeyVault/vaults/secrets/getSecret/action'\r\nResource: '{secret_scope}'\r\nAssignment: (not found)\r\nDenyAssignmentId: null\r\nDecisionReason: 'DeniedWithNoValidRBAC' \r\nVault: {vault_name};location=eastus\r\n"
                ),
            ))
        };
    }
    let ok = vault["properties"]["accessPolicies"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|p| {
            p["objectId"].as_str() == Some(principal)
                && p["permissions"]["secrets"].as_array().is_some_and(|a| {
                    a.iter().any(|x| {
                        x.as_str()
                            .is_some_and(|x| x.eq_ignore_ascii_case("get") || x.eq_ignore_ascii_case("all"))
                    })
                })
        });
    if ok {
        Ok(())
    } else {
        Err((
            "AccessDenied",
            format!(
                "The user, group or application '{caller}' does not have secrets get permission on key vault '{vault_name};location=eastus'. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125287"
            ),
        ))
    }
}

const SEPARATOR: &str = "--------------------------------------------------------------------------------";

/// azcore's `ResponseError.Error()` (sdk/azcore/internal/exported/response_error.go).
fn response_error(request: &str, status_line: &str, code: &str, body: Value) -> String {
    format!(
        "{request}\n{SEPARATOR}\nRESPONSE {}: {status_line}\nERROR CODE: {code}\n{SEPARATOR}\n{}\n{SEPARATOR}\n",
        status_line.split(' ').next().unwrap_or(""),
        serde_json::to_string_pretty(&body).unwrap_or_default()
    )
}

/// azidentity's `AuthenticationFailedError.Error()` (sdk/azidentity/errors.go).
fn auth_failed(
    cred: &str,
    message: &str,
    request: &str,
    status_line: &str,
    body: Value,
    anchor: Option<&str>,
) -> String {
    let mut m = format!(
        "{cred} authentication failed. {message}\n{request}\n{SEPARATOR}\nRESPONSE {}: {status_line}\n{SEPARATOR}\n{}\n{SEPARATOR}\n",
        status_line.split(' ').next().unwrap_or(""),
        serde_json::to_string_pretty(&body).unwrap_or_default()
    );
    if let Some(a) = anchor {
        m.push_str(&format!(
            "To troubleshoot, visit https://aka.ms/azsdk/go/identity/troubleshoot#{a}"
        ));
    }
    m
}

/// Entra's token endpoint refusing the client assertion (400, `{"error", "error_description",
/// "error_codes"}`), as the provider's ClientAssertionCredential reports it.
fn entra_error(token_url: &str, error: &str, description: &str, code: u64) -> String {
    auth_failed(
        "ClientAssertionCredential",
        "",
        &format!("POST {token_url}"),
        "400 Bad Request",
        json!({"error": error, "error_description": description, "error_codes": [code],
               "timestamp": "2026-01-01 00:00:00Z", "trace_id": "00000000-0000-0000-0000-000000000000",
               "correlation_id": "00000000-0000-0000-0000-000000000000",
               "error_uri": format!("https://login.microsoftonline.com/error?code={code}")}),
        None,
    )
}

/// The pod's FailedMount messages (for tests and `Fake` helpers).
pub fn failed_mounts(c: &Cluster, ns: &str, pod: &str) -> Vec<String> {
    c.of("events")
        .filter(|(k, e)| k.1 == ns && e["involvedObject"]["name"] == pod && e["reason"] == "FailedMount")
        .filter_map(|(_, e)| e["message"].as_str().map(str::to_owned))
        .collect()
}
