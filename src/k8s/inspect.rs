//! What the cluster itself says about the chain kvwire wired: the objects it emitted, as the API
//! server holds them, the pods running from them, and why a pod could not start or mount.
//! Read only: every check is a GET or a LIST.

use super::{apply::kind_named, manifests, spc, yaml::pointer_segment as key};
use kube::{
    Api,
    api::{DynamicObject, ListParams},
};
use serde_json::Value;

/// The workload identity webhook's label, client-ID annotation and injected settings
/// (azure-workload-identity docs, "Service Account Labels and Annotations", and
/// `pkg/webhook/consts.go`).
pub(crate) const USE_LABEL: &str = "azure.workload.identity/use";
pub(crate) const CLIENT_ID_ANNOTATION: &str = "azure.workload.identity/client-id";
pub(crate) const TENANT_ID_ANNOTATION: &str = "azure.workload.identity/tenant-id";
const INJECTED: [&str; 2] = ["AZURE_FEDERATED_TOKEN_FILE", "AZURE_CLIENT_ID"];

/// One finding: the same shape as verify's Azure checks.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Found {
    pub(crate) check: String,
    pub(crate) ok: bool,
    pub(crate) detail: String,
    pub(crate) fix: String,
}

/// What the runbook expects to find.
pub(crate) struct Expected<'a> {
    /// The manifests kvwire emitted (the files `up` wrote), as documents.
    pub(crate) docs: &'a [Value],
    /// Where they are, for the fix (`kubectl apply -f DIR`).
    pub(crate) dir: &'a str,
    /// The identity the pods should run as, in workload-identity and identity-binding modes.
    pub(crate) client_id: Option<&'a str>,
    /// The command that puts Azure right (`kvwire up -f FILE`).
    pub(crate) up: &'a str,
    /// `kvwire cluster enable-csi-driver -g RG -n CLUSTER`.
    pub(crate) enable_csi: &'a str,
    /// The cluster's OIDC issuer, for the federated-credential diagnosis.
    pub(crate) issuer: Option<&'a str>,
}

/// A read that failed, in words: a 403 is the caller's RBAC in the cluster, not the chain.
fn read_failed(what: &str, e: &kube::Error) -> String {
    match e {
        kube::Error::Api(s) if s.code == 403 => format!(
            "kvwire's caller may not read {what} (403 {}); docs/in-cluster.md lists the RBAC it needs",
            s.reason
        ),
        other => format!(
            "cannot read {what}: {}",
            other.to_string().lines().next().unwrap_or_default()
        ),
    }
}

/// The API of `kind` (apply.rs's table of kinds), in namespace `ns`.
fn api(client: &kube::Client, kind: &str, ns: Option<&str>) -> Result<Api<DynamicObject>, String> {
    kind_named(kind)
        .map(|k| k.api(client, ns))
        .ok_or_else(|| format!("kvwire reads no objects of kind {kind:?}"))
}

async fn get(client: &kube::Client, kind: &str, ns: Option<&str>, name: &str) -> Result<Option<Value>, String> {
    let what = match ns {
        Some(ns) => format!("{kind} {ns}/{name}"),
        None => format!("{kind} {name}"),
    };
    match api(client, kind, ns)?.get_opt(name).await {
        Ok(found) => Ok(found.map(|o| serde_json::to_value(o).unwrap_or_default())),
        Err(e) => Err(read_failed(&what, &e)),
    }
}

async fn list(client: &kube::Client, kind: &str, ns: &str, params: &ListParams) -> Result<Vec<Value>, String> {
    match api(client, kind, Some(ns))?.list(params).await {
        Ok(list) => Ok(list
            .items
            .into_iter()
            .map(|o| serde_json::to_value(o).unwrap_or_default())
            .collect()),
        Err(e) => Err(read_failed(&format!("{kind}s in namespace {ns}"), &e)),
    }
}

fn text<'v>(v: &'v Value, pointer: &str) -> Option<&'v str> {
    v.pointer(pointer).and_then(Value::as_str)
}

/// One emitted object as the cluster holds it: `None` when it is not there, `Err` the read's
/// failure in words.
pub(crate) type Live = Result<Option<Value>, String>;

/// Each of `docs` as the cluster holds it, read once for [`check`] and for counting what is there.
pub(crate) async fn read(client: &kube::Client, docs: &[Value]) -> Vec<Live> {
    let mut lives = Vec::with_capacity(docs.len());
    for doc in docs {
        let kind = doc["kind"].as_str().unwrap_or_default();
        let name = text(doc, "/metadata/name").unwrap_or_default();
        lives.push(get(client, kind, text(doc, "/metadata/namespace"), name).await);
    }
    lives
}

/// Every check of the chain inside the cluster, in the order a pod needs them; `lives`: what
/// [`read`] found of `want.docs`.
pub(crate) async fn check(client: &kube::Client, want: &Expected<'_>, lives: Vec<Live>) -> Vec<Found> {
    let mut found = vec![];
    let apply = format!("kubectl apply -f {}", want.dir);
    let push = |found: &mut Vec<Found>, check: String, ok: bool, detail: String, fix: String| {
        found.push(Found {
            check,
            ok,
            detail,
            fix: if ok { String::new() } else { fix },
        });
    };
    for (doc, live) in want.docs.iter().zip(lives) {
        let kind = doc["kind"].as_str().unwrap_or_default();
        let ns = text(doc, "/metadata/namespace");
        let name = text(doc, "/metadata/name").unwrap_or_default();
        let label = match ns {
            Some(ns) => format!("{} {ns}/{name}", kind_words(kind)),
            None => format!("{} {name}", kind_words(kind)),
        };
        let live = match live {
            Ok(Some(live)) => live,
            Ok(None) => {
                push(
                    &mut found,
                    format!("{label} is in the cluster"),
                    false,
                    "not found".into(),
                    apply.clone(),
                );
                continue;
            }
            Err(why) => {
                push(
                    &mut found,
                    format!("{label} is in the cluster"),
                    false,
                    why,
                    apply.clone(),
                );
                continue;
            }
        };
        match kind {
            "ServiceAccount" => {
                for annotation in [CLIENT_ID_ANNOTATION, TENANT_ID_ANNOTATION] {
                    let pointer = format!("/metadata/annotations/{}", key(annotation));
                    let Some(expected) = text(doc, &pointer) else { continue };
                    let actual = text(&live, &pointer);
                    push(
                        &mut found,
                        format!("{label} has {annotation} {expected}"),
                        actual == Some(expected),
                        actual.map_or("not annotated".into(), |a| format!("found {a}")),
                        format!(
                            "{apply}, then restart its pods (`kubectl rollout restart deployment -n {}`): the webhook reads the annotation when a pod starts",
                            ns.unwrap_or("default")
                        ),
                    );
                }
            }
            "SecretProviderClass" => {
                let differs = differences("spec", &doc["spec"], &live["spec"]);
                push(
                    &mut found,
                    format!("{label} in the cluster is the one kvwire emitted"),
                    differs.is_empty(),
                    differs.join("; "),
                    apply.clone(),
                );
            }
            "Deployment" => found.extend(deployment(client, want, doc, &live, &label, &apply).await),
            _ => {
                // RBAC for identity bindings: the rules and subjects kvwire emitted.
                for part in ["rules", "subjects", "roleRef"] {
                    if doc.get(part).is_some() {
                        let differs = differences(part, &doc[part], &live[part]);
                        push(
                            &mut found,
                            format!("{label} in the cluster has the {part} kvwire emitted"),
                            differs.is_empty(),
                            differs.join("; "),
                            apply.clone(),
                        );
                    }
                }
            }
        }
    }
    found
}

/// The Deployment's pod template, its running pods, their mounts and what went wrong.
async fn deployment(
    client: &kube::Client,
    want: &Expected<'_>,
    doc: &Value,
    live: &Value,
    label: &str,
    apply: &str,
) -> Vec<Found> {
    let mut found = vec![];
    let mut push = |check: String, ok: bool, detail: String, fix: String| {
        found.push(Found {
            check,
            ok,
            detail,
            fix: if ok { String::new() } else { fix },
        });
    };
    let ns = text(doc, "/metadata/namespace").unwrap_or("default");
    let name = text(doc, "/metadata/name").unwrap_or_default();
    let sa_pointer = "/spec/template/spec/serviceAccountName";
    if let Some(sa) = text(doc, sa_pointer) {
        let actual = text(live, sa_pointer);
        push(
            format!("{label} runs its pods as service account {sa}"),
            actual == Some(sa),
            actual.map_or("runs as default".into(), |a| format!("runs as {a}")),
            apply.to_string(),
        );
    }
    let label_pointer = format!("/spec/template/metadata/labels/{}", key(USE_LABEL));
    let workload_identity = text(doc, &label_pointer) == Some("true");
    if workload_identity {
        let actual = text(live, &label_pointer);
        push(
            format!("{label}'s pods carry the label {USE_LABEL}: \"true\""),
            actual == Some("true"),
            actual.map_or("no such label: the webhook leaves its pods alone".into(), |a| {
                format!("{USE_LABEL}: {a:?}")
            }),
            apply.to_string(),
        );
    }
    let binding_pointer = format!(
        "/spec/template/metadata/annotations/{}",
        key(manifests::USE_IDENTITY_BINDING)
    );
    if text(doc, &binding_pointer) == Some("true") {
        let actual = text(live, &binding_pointer);
        push(
            format!("{label}'s pods are annotated {}", manifests::USE_IDENTITY_BINDING),
            actual == Some("true"),
            actual.map_or("not annotated".into(), |a| format!("{a:?}")),
            apply.to_string(),
        );
    }
    let spc_name = doc
        .pointer("/spec/template/spec/volumes")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .find(|v| text(v, "/csi/driver") == Some(spc::CSI_DRIVER))
        .and_then(|v| text(v, "/csi/volumeAttributes/secretProviderClass"))
        .map(str::to_owned);

    // The pods: selected as the Deployment selects them.
    let selector = live
        .pointer("/spec/selector/matchLabels")
        .or_else(|| doc.pointer("/spec/selector/matchLabels"))
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or_default()))
                .collect::<Vec<_>>()
                .join(",")
        })
        .unwrap_or_default();
    let pods = match list(client, "Pod", ns, &ListParams::default().labels(&selector)).await {
        Ok(p) => p,
        Err(why) => {
            push(format!("{label} has running pods"), false, why, apply.to_string());
            return found;
        }
    };
    let running: Vec<&Value> = pods
        .iter()
        .filter(|p| text(p, "/status/phase") == Some("Running"))
        .collect();
    let events = list(client, "Event", ns, &ListParams::default())
        .await
        .unwrap_or_default();
    let causes = diagnose(&events, name, want);
    // The mount statuses of the namespace, read once for all its pods.
    let statuses = match (&spc_name, running.is_empty()) {
        (Some(_), false) => list(client, "SecretProviderClassPodStatus", ns, &ListParams::default())
            .await
            .unwrap_or_default(),
        _ => vec![],
    };
    push(
        format!("{label} has running pods"),
        !running.is_empty(),
        if running.is_empty() {
            format!("{} pod(s), none running", pods.len())
        } else {
            format!("{} running", running.len())
        },
        causes
            .first()
            .map(|c| c.fix.clone())
            .unwrap_or_else(|| format!("kubectl describe pods -n {ns} -l {selector}")),
    );
    for pod in &running {
        let pod_name = text(pod, "/metadata/name").unwrap_or_default();
        if workload_identity {
            let env = container_env(pod);
            let missing: Vec<&str> = INJECTED
                .iter()
                .copied()
                .filter(|k| !env.iter().any(|(n, _)| n == k))
                .collect();
            let client_id = env
                .iter()
                .find(|(n, _)| n == "AZURE_CLIENT_ID")
                .map(|(_, v)| v.as_str());
            let wrong_id = want.client_id.filter(|c| client_id.is_some_and(|got| got != *c));
            push(
                format!("pod {ns}/{pod_name} has the workload identity token and client ID"),
                missing.is_empty() && wrong_id.is_none(),
                match (missing.is_empty(), wrong_id) {
                    (false, _) => format!(
                        "{} not injected: the pod started before its service account was annotated, or without the label",
                        missing.join(", ")
                    ),
                    (true, Some(c)) => format!("AZURE_CLIENT_ID is {}, not {c}", client_id.unwrap_or_default()),
                    _ => String::new(),
                },
                format!("kubectl rollout restart deployment/{name} -n {ns}"),
            );
        }
        if let Some(spc_name) = &spc_name {
            let mounted = statuses.iter().any(|s| {
                text(s, "/status/podName") == Some(pod_name)
                    && text(s, "/status/secretProviderClassName") == Some(spc_name)
                    && s.pointer("/status/mounted") == Some(&Value::Bool(true))
            });
            let cause = causes.iter().find(|c| c.pod.as_deref() == Some(pod_name));
            push(
                format!("pod {ns}/{pod_name} mounted the secrets of {spc_name}"),
                mounted,
                if mounted {
                    String::new()
                } else {
                    cause.map_or("no SecretProviderClassPodStatus says mounted".into(), Cause::said)
                },
                cause.map_or(format!("kubectl describe pod {pod_name} -n {ns}"), |c| c.fix.clone()),
            );
        }
    }
    // Pods that do not run: a rollout stuck behind a pod that cannot mount (the old pod may still
    // serve, which hides it), each with the cause its events give.
    for pod in pods
        .iter()
        .filter(|p| !matches!(text(p, "/status/phase"), Some("Running" | "Succeeded")))
    {
        let pod_name = text(pod, "/metadata/name").unwrap_or_default();
        let cause = causes.iter().find(|c| c.pod.as_deref() == Some(pod_name));
        push(
            format!("pod {ns}/{pod_name} is running"),
            false,
            cause.map_or(
                format!(
                    "{}, no event says why",
                    text(pod, "/status/phase").unwrap_or("not running")
                ),
                Cause::said,
            ),
            cause.map_or(format!("kubectl describe pod {pod_name} -n {ns}"), |c| c.fix.clone()),
        );
    }
    // No pod at all: what stopped the ReplicaSet from making one (FailedCreate).
    if pods.is_empty() {
        for c in causes.iter().filter(|c| c.pod.is_none()) {
            push(
                format!("{} {}: {}", c.reason, c.object, c.what),
                false,
                c.why.clone(),
                c.fix.clone(),
            );
        }
    }
    found
}

/// A Kubernetes event turned into its cause and the command that fixes it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Cause {
    /// `FailedMount` or `FailedCreate`.
    pub(crate) reason: String,
    /// The pod or ReplicaSet it is about.
    pub(crate) object: String,
    pub(crate) pod: Option<String>,
    /// The cause in a few words.
    pub(crate) what: String,
    /// The event's own message, first line.
    pub(crate) why: String,
    pub(crate) fix: String,
}

/// Recent `FailedMount` and `FailedCreate` events of the Deployment's pods and ReplicaSets
/// (named `DEPLOYMENT-…`), newest first, one per distinct cause.
pub(crate) fn diagnose(events: &[Value], deployment: &str, want: &Expected<'_>) -> Vec<Cause> {
    let prefix = format!("{deployment}-");
    let mut ours: Vec<&Value> = events
        .iter()
        .filter(|e| matches!(text(e, "/reason"), Some("FailedMount" | "FailedCreate")))
        .filter(|e| text(e, "/involvedObject/name").is_some_and(|n| n.starts_with(&prefix)))
        .collect();
    ours.sort_by(|a, b| event_time(b).cmp(event_time(a)));
    let mut causes: Vec<Cause> = vec![];
    for e in ours {
        let message = text(e, "/message").unwrap_or_default();
        let (what, fix) = cause_of(message, want);
        if causes.iter().any(|c| c.what == what) {
            continue;
        }
        let object = text(e, "/involvedObject/name").unwrap_or_default().to_string();
        causes.push(Cause {
            reason: text(e, "/reason").unwrap_or_default().to_string(),
            pod: (text(e, "/involvedObject/kind") == Some("Pod")).then(|| object.clone()),
            object,
            what,
            why: gist(message),
            fix,
        });
    }
    causes
}

/// An event's message in one line: its first, and the line that carries the code (Entra's
/// `AADSTS…` and Key Vault's `RESPONSE 403` come lines later in azidentity's and azcore's text).
fn gist(message: &str) -> String {
    let lines: Vec<&str> = message.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    let first = lines.first().copied().unwrap_or_default();
    // The most telling code first: Entra's own error beats the HTTP status that carried it.
    let coded = CODES
        .iter()
        .find_map(|c| lines.iter().find(|l| l.contains(c)))
        .filter(|l| **l != first);
    match coded {
        Some(coded) => format!("{first} … {coded}"),
        None => first.to_string(),
    }
}

/// What marks the line of a message that says what went wrong, most telling first.
const CODES: [&str; 4] = ["AADSTS", "RESPONSE ", "StatusCode=", "ERROR CODE"];

impl Cause {
    /// The cause, then the event's own words.
    fn said(&self) -> String {
        format!("{}: {} ({})", self.reason, self.what, self.why)
    }
}

fn event_time(e: &Value) -> &str {
    text(e, "/lastTimestamp")
        .or_else(|| text(e, "/eventTime"))
        .or_else(|| text(e, "/metadata/creationTimestamp"))
        .unwrap_or_default()
}

/// The cause behind an event's message, keyed on the codes the components put there (Entra's
/// AADSTS codes, Key Vault's status, the kubelet's CSI registry), never on prose alone.
fn cause_of(message: &str, want: &Expected<'_>) -> (String, String) {
    // Entra: no federated credential matches the token's issuer and subject (AADSTS70021;
    // azure-workload-identity troubleshooting).
    if message.contains("AADSTS70021") {
        let issuer = want.issuer.map(|i| format!(" and issuer {i}")).unwrap_or_default();
        return (
            format!("no federated credential of the identity trusts the pod's service account{issuer}"),
            want.up.to_string(),
        );
    }
    // Entra: the client ID the pod presented does not exist in the tenant.
    if message.contains("AADSTS700016") {
        return (
            "the pod's client ID is no application in the tenant".into(),
            format!("kubectl apply -f {}", want.dir),
        );
    }
    // The provider relays Key Vault's 403 (secrets-store-csi-driver-provider-azure: "StatusCode=403").
    if message.contains("StatusCode=403") || message.contains("403 Forbidden") || message.contains("ForbiddenByRbac") {
        return (
            "the identity may not read the vault's secrets".into(),
            want.up.to_string(),
        );
    }
    // The kubelet has no CSI driver of that name: the add-on is off (secrets-store-csi-driver
    // troubleshooting, "driver name … not found in the list of registered CSI drivers").
    if message.contains("not found in the list of registered CSI drivers") {
        return (
            "the Secrets Store CSI driver is not installed".into(),
            want.enable_csi.to_string(),
        );
    }
    // The ReplicaSet controller: `error looking up service account NS/NAME: serviceaccount "NAME" not found`.
    if message.contains("serviceaccount") && message.contains("not found") {
        return (
            "the pods' service account does not exist".into(),
            format!("kubectl apply -f {}", want.dir),
        );
    }
    // Key Vault has no such secret (404 SecretNotFound, relayed by the provider).
    if message.contains("SecretNotFound") {
        return (
            "a secret the SecretProviderClass names is not in the vault".into(),
            want.up.to_string(),
        );
    }
    // A node identity the pod asked for is not on the nodes (IMDS: "Identity not found").
    if message.contains("Identity not found") {
        return ("the identity is not assigned to the nodes".into(), want.up.to_string());
    }
    // The SecretProviderClass the volume names is not in the pod's namespace (the driver's
    // "failed to get secretproviderclass NS/NAME").
    if message.contains("failed to get secretproviderclass")
        || (message.contains("secretproviderclasses") && message.contains("not found"))
    {
        return (
            "the SecretProviderClass is not in the cluster".into(),
            format!("kubectl apply -f {}", want.dir),
        );
    }
    (
        "the pod could not start".into(),
        "kubectl describe pod (see the event's message)".into(),
    )
}

/// The env vars of a pod's first container, as (name, value).
fn container_env(pod: &Value) -> Vec<(String, String)> {
    pod.pointer("/spec/containers/0/env")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|e| {
            Some((
                e["name"].as_str()?.to_string(),
                e["value"].as_str().unwrap_or_default().to_string(),
            ))
        })
        .collect()
}

/// Where `want` and `live` differ, as `path: want → live` (only what `want` sets: the API
/// server adds defaults of its own).
fn differences(path: &str, want: &Value, live: &Value) -> Vec<String> {
    match (want, live) {
        (Value::Object(w), Value::Object(l)) => w
            .iter()
            .flat_map(|(k, wv)| differences(&format!("{path}.{k}"), wv, l.get(k).unwrap_or(&Value::Null)))
            .collect(),
        (w, l) if w == l => vec![],
        (w, Value::Null) => vec![format!("{path}: missing, kvwire emitted {}", short(w))],
        (w, l) => vec![format!(
            "{path}: {} in the cluster, kvwire emitted {}",
            short(l),
            short(w)
        )],
    }
}

fn short(v: &Value) -> String {
    let s = match v {
        Value::String(s) => format!("{s:?}"),
        other => other.to_string(),
    };
    crate::util::text::quoted(s.trim_matches('"'))
}

fn kind_words(kind: &str) -> &str {
    match kind {
        "ServiceAccount" => "service account",
        "SecretProviderClass" => "SecretProviderClass",
        "Deployment" => "deployment",
        "ClusterRole" => "ClusterRole",
        "ClusterRoleBinding" => "ClusterRoleBinding",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn want() -> Expected<'static> {
        Expected {
            docs: &[],
            dir: "./k8s",
            client_id: Some("cid"),
            up: "kvwire up -f onboard.toml",
            enable_csi: "kvwire cluster enable-csi-driver -g rg -n aks",
            issuer: Some("https://issuer/"),
        }
    }

    fn event(name: &str, kind: &str, reason: &str, message: &str, at: &str) -> Value {
        json!({"reason": reason, "message": message, "lastTimestamp": at,
               "involvedObject": {"kind": kind, "name": name}})
    }

    #[test]
    fn events_map_to_causes_and_fixes() {
        let events = [
            // The provider's real wording (secrets-store-csi-driver-provider-azure issue threads).
            event(
                "app-7d9-x1",
                "Pod",
                "FailedMount",
                "MountVolume.SetUp failed for volume \"secrets-store\" : rpc error: code = Unknown desc = failed to mount secrets store objects for pod shop/app-7d9-x1, err: rpc error: code = Unknown desc = failed to mount objects, error: failed to get objectType:secret, objectName:db-host, objectVersion:: FromAssertion: ... AADSTS70021: No matching federated identity record found for presented assertion.",
                "2026-12-03T10:00:02Z",
            ),
            event(
                "app-7d9-x1",
                "Pod",
                "FailedMount",
                "... keyvault.BaseClient#GetSecret: Failure responding to request: StatusCode=403 -- Original Error: autorest/azure: Service returned an error. Status=403 Code=\"Forbidden\"",
                "2026-12-03T10:00:01Z",
            ),
            event(
                "app-7d9",
                "ReplicaSet",
                "FailedCreate",
                "Error creating: pods \"app-7d9-\" is forbidden: error looking up service account shop/app: serviceaccount \"app\" not found",
                "2026-12-03T09:59:00Z",
            ),
            event("other-1", "Pod", "FailedMount", "AADSTS70021", "2026-12-03T10:00:03Z"),
            event("app-7d9-x1", "Pod", "Scheduled", "ok", "2026-12-03T10:00:04Z"),
            event(
                "app-7d9-x1",
                "Pod",
                "FailedMount",
                "driver name secrets-store.csi.k8s.io not found in the list of registered CSI drivers",
                "2026-12-03T10:00:00Z",
            ),
        ];
        let causes = diagnose(&events, "app", &want());
        let got: Vec<(&str, &str)> = causes.iter().map(|c| (c.what.as_str(), c.fix.as_str())).collect();
        assert_eq!(
            got,
            [
                (
                    "no federated credential of the identity trusts the pod's service account and issuer https://issuer/",
                    "kvwire up -f onboard.toml"
                ),
                (
                    "the identity may not read the vault's secrets",
                    "kvwire up -f onboard.toml"
                ),
                (
                    "the Secrets Store CSI driver is not installed",
                    "kvwire cluster enable-csi-driver -g rg -n aks"
                ),
                ("the pods' service account does not exist", "kubectl apply -f ./k8s"),
            ]
        );
        assert_eq!(causes[0].pod.as_deref(), Some("app-7d9-x1"));
        assert_eq!(causes[3].pod, None);
    }

    #[test]
    fn differences_name_the_path_and_ignore_server_defaults() {
        let want = json!({"provider": "azure", "parameters": {"keyvaultName": "kv-a", "tenantId": "t"}});
        let live = json!({"provider": "azure", "parameters": {"keyvaultName": "kv-b", "tenantId": "t", "extra": "x"}});
        assert_eq!(
            differences("spec", &want, &live),
            ["spec.parameters.keyvaultName: \"kv-b\" in the cluster, kvwire emitted \"kv-a\""]
        );
        assert!(differences("spec", &want, &want).is_empty());
    }
}
