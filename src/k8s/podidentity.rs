//! aad-pod-identity manifests as a team has them, and what moving them to workload identity means:
//! which identity, which workloads and service accounts, which SecretProviderClasses — and what
//! cannot be moved. Pure: no I/O (the command reads the files and Azure).
//!
//! Shapes, from aad-pod-identity's v1 API and the walkthroughs that use it: an `AzureIdentity`
//! (`aadpodidentity.k8s.io/v1`) has `spec.type` (0 a user-assigned identity, 1 a service
//! principal), `spec.resourceID` and `spec.clientID`; an `AzureIdentityBinding` has
//! `spec.azureIdentity` (the AzureIdentity's name) and `spec.selector`; a pod uses it when it
//! carries the label `aadpodidbinding: <selector>`. Walkthroughs also spell the keys
//! `ResourceID`, `ClientID`, `AzureIdentity` and `Selector`: keys are matched without case.

use super::spc;
use crate::util::yaml::to_yaml;
use serde_json::{Value, json};

/// The label aad-pod-identity matches a binding's selector against.
pub(crate) const POD_LABEL: &str = "aadpodidbinding";
/// The label the workload identity webhook looks for (azure-workload-identity, "Quick start").
pub(crate) const USE_LABEL: &str = "azure.workload.identity/use";

/// One document and the file it came from.
#[derive(Debug, Clone)]
pub(crate) struct Doc {
    pub(crate) file: String,
    pub(crate) value: Value,
}

/// A workload that uses pod identity through its pod template's label.
#[derive(Debug, Clone)]
pub(crate) struct Workload {
    pub(crate) doc: Doc,
    pub(crate) kind: String,
    pub(crate) name: String,
    pub(crate) namespace: String,
    pub(crate) selector: String,
    /// The service account to federate: its own, or a new one named after it when it runs as
    /// `default` (federating `default` would hand the identity to every pod of the namespace).
    pub(crate) service_account: String,
    pub(crate) new_service_account: bool,
}

/// The identity the team's pods use, and everything that moves with it.
#[derive(Debug, Clone)]
pub(crate) struct Migration {
    /// The AzureIdentity's name.
    pub(crate) name: String,
    pub(crate) resource_id: String,
    pub(crate) client_id: Option<String>,
    pub(crate) workloads: Vec<Workload>,
    /// SecretProviderClasses with `usePodIdentity` that this identity's workloads mount.
    pub(crate) spcs: Vec<Doc>,
}

/// What the manifests say.
#[derive(Debug, Default)]
pub(crate) struct Inventory {
    pub(crate) migrations: Vec<Migration>,
    /// What could not be mapped, in words (each also a runbook comment).
    pub(crate) unmapped: Vec<String>,
    /// The vault the SecretProviderClasses name (the first one's), its tenant, and the objects they
    /// read: secrets that exist already.
    pub(crate) vault: Option<String>,
    pub(crate) tenant: Option<String>,
    pub(crate) secrets: Vec<String>,
}

/// `doc[key]` with the key matched without case.
fn get<'a>(doc: &'a Value, key: &str) -> Option<&'a Value> {
    doc.as_object()?
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
        .map(|(_, v)| v)
}

fn text(doc: &Value, key: &str) -> Option<String> {
    get(doc, key).and_then(|v| match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    })
}

fn kind(doc: &Value) -> &str {
    doc["kind"].as_str().unwrap_or("")
}

fn name(doc: &Value) -> String {
    doc.pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string()
}

fn namespace(doc: &Value) -> String {
    doc.pointer("/metadata/namespace")
        .and_then(Value::as_str)
        .unwrap_or("default")
        .to_string()
}

fn describe(d: &Doc) -> String {
    format!(
        "{} {}/{} ({})",
        kind(&d.value),
        namespace(&d.value),
        name(&d.value),
        d.file
    )
}

/// Whether a SecretProviderClass reads Key Vault through pod identity.
fn uses_pod_identity(doc: &Value) -> bool {
    kind(doc) == "SecretProviderClass"
        && doc
            .pointer("/spec/parameters/usePodIdentity")
            .and_then(Value::as_str)
            .is_some_and(|v| v.eq_ignore_ascii_case("true"))
}

/// The pod template of a Deployment, StatefulSet or DaemonSet (a bare Pod is its own).
fn template(doc: &Value) -> Option<&Value> {
    match kind(doc) {
        "Deployment" | "StatefulSet" | "DaemonSet" => doc.pointer("/spec/template"),
        "Pod" => Some(doc),
        _ => None,
    }
}

/// The SecretProviderClasses a pod template mounts.
fn mounted_spcs(template: &Value) -> Vec<String> {
    template
        .pointer("/spec/volumes")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|v| {
            v["csi"]["volumeAttributes"]["secretProviderClass"]
                .as_str()
                .map(str::to_owned)
        })
        .collect()
}

/// Read the team's documents: which identities, workloads and SecretProviderClasses move.
pub(crate) fn inventory(docs: &[Doc]) -> Inventory {
    let mut inv = Inventory::default();
    let identities: Vec<&Doc> = docs.iter().filter(|d| kind(&d.value) == "AzureIdentity").collect();
    let bindings: Vec<&Doc> = docs
        .iter()
        .filter(|d| kind(&d.value) == "AzureIdentityBinding")
        .collect();
    let spcs: Vec<&Doc> = docs.iter().filter(|d| uses_pod_identity(&d.value)).collect();
    let mut used_selectors = vec![];
    let mut used_spcs = vec![];
    for id in &identities {
        let spec = get(&id.value, "spec").cloned().unwrap_or(Value::Null);
        let id_type = text(&spec, "type").unwrap_or_else(|| "0".into());
        if id_type != "0" {
            inv.unmapped.push(format!(
                "{}: type {id_type} is a service principal, not a managed identity; workload identity federates a managed identity or an app registration, which kvwire does not manage: move it by hand",
                describe(id)
            ));
            continue;
        }
        let Some(resource_id) = text(&spec, "resourceID").filter(|r| r.starts_with('/')) else {
            inv.unmapped.push(format!("{}: no spec.resourceID", describe(id)));
            continue;
        };
        let id_name = name(&id.value);
        let selectors: Vec<String> = bindings
            .iter()
            .filter(|b| {
                get(&b.value, "spec")
                    .and_then(|s| text(s, "azureIdentity"))
                    .is_some_and(|n| n == id_name)
            })
            .filter_map(|b| get(&b.value, "spec").and_then(|s| text(s, "selector")))
            .collect();
        let mut workloads = vec![];
        for d in docs {
            let Some(t) = template(&d.value) else { continue };
            let Some(selector) = t
                .pointer(&format!("/metadata/labels/{POD_LABEL}"))
                .and_then(Value::as_str)
            else {
                continue;
            };
            if !selectors.iter().any(|s| s == selector) {
                continue;
            }
            used_selectors.push(selector.to_string());
            let wname = name(&d.value);
            let sa = t
                .pointer("/spec/serviceAccountName")
                .or_else(|| t.pointer("/spec/serviceAccount"))
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty() && *s != "default");
            used_spcs.extend(mounted_spcs(t));
            workloads.push(Workload {
                doc: d.clone(),
                kind: kind(&d.value).to_string(),
                namespace: namespace(&d.value),
                selector: selector.to_string(),
                service_account: sa.map(str::to_owned).unwrap_or_else(|| wname.clone()),
                new_service_account: sa.is_none(),
                name: wname,
            });
        }
        let mine: Vec<Doc> = spcs
            .iter()
            .filter(|s| {
                workloads.iter().any(|w| {
                    w.namespace == namespace(&s.value)
                        && mounted_spcs(template(&w.doc.value).unwrap_or(&Value::Null)).contains(&name(&s.value))
                })
            })
            .map(|d| (*d).clone())
            .collect();
        inv.migrations.push(Migration {
            name: id_name,
            resource_id,
            client_id: text(&spec, "clientID"),
            workloads,
            spcs: mine,
        });
    }
    for b in &bindings {
        let selector = get(&b.value, "spec")
            .and_then(|s| text(s, "selector"))
            .unwrap_or_default();
        if !used_selectors.contains(&selector) {
            inv.unmapped.push(format!(
                "{}: no Deployment, StatefulSet or DaemonSet carries {POD_LABEL}: {selector}",
                describe(b)
            ));
        }
    }
    // The vault: the first SecretProviderClass's; one naming another is not this runbook's.
    for s in &spcs {
        let p = |k: &str| {
            s.value
                .pointer(&format!("/spec/parameters/{k}"))
                .and_then(Value::as_str)
                .map(str::to_owned)
        };
        let vault = p("keyvaultName").unwrap_or_default();
        match &inv.vault {
            None => {
                inv.vault = Some(vault);
                inv.tenant = p("tenantId").or_else(|| p("tenantID"));
            }
            Some(v) if !v.eq_ignore_ascii_case(&vault) => {
                inv.unmapped.push(format!(
                    "{}: names vault {vault}, and the runbook is for {v}: migrate it with its own runbook",
                    describe(s)
                ));
                continue;
            }
            Some(_) => {}
        }
        for o in spc::declared_objects(&p("objects").unwrap_or_default()).unwrap_or_default() {
            let type_ok = o["objectType"].as_str().is_none_or(|t| t == "secret");
            if let (true, Some(n)) = (type_ok, o["objectName"].as_str())
                && !inv.secrets.iter().any(|s| s == n)
            {
                inv.secrets.push(n.to_string());
            }
        }
        if !used_spcs.contains(&name(&s.value)) {
            inv.unmapped
                .push(format!("{}: no migrated workload mounts it", describe(s)));
        }
    }
    inv
}

/// The SecretProviderClass on workload identity: `v1`, `clientID`, no `usePodIdentity` (and through
/// an identity binding, `useAzureTokenProxy`); every other parameter, `objects` and
/// `secretObjects` as they were.
pub(crate) fn rewrite_spc(doc: &Value, client_id: &str, token_proxy: bool) -> Value {
    let mut out = doc.clone();
    out["apiVersion"] = json!(spc::API_VERSION);
    if let Some(p) = out.pointer_mut("/spec/parameters").and_then(Value::as_object_mut) {
        p.insert("usePodIdentity".into(), json!("false"));
        p.insert("clientID".into(), json!(client_id));
        if token_proxy {
            p.insert(spc::TOKEN_PROXY.into(), json!("true"));
        }
    }
    out
}

/// The workload on workload identity: the webhook's label beside the old one (both paths work until
/// the old label goes), its service account, and through an identity binding the webhook's
/// annotation for the token proxy.
pub(crate) fn rewrite_workload(w: &Workload, token_proxy: bool) -> Value {
    let mut out = w.doc.value.clone();
    let t = match w.kind.as_str() {
        "Pod" => Some(&mut out),
        _ => out.pointer_mut("/spec/template"),
    };
    if let Some(t) = t {
        if !t["metadata"]["labels"].is_object() {
            t["metadata"]["labels"] = json!({});
        }
        t["metadata"]["labels"][USE_LABEL] = json!("true");
        if !t["spec"].is_object() {
            t["spec"] = json!({});
        }
        t["spec"]["serviceAccountName"] = json!(w.service_account);
        if token_proxy {
            t["metadata"]["annotations"][super::manifests::USE_IDENTITY_BINDING] = json!("true");
        }
    }
    out
}

/// An annotated ServiceAccount for a workload (the webhook reads the client ID from it).
pub(crate) fn service_account(namespace: &str, name: &str, client_id: &str, tenant_id: &str) -> Value {
    json!({
        "apiVersion": "v1",
        "kind": "ServiceAccount",
        "metadata": {
            "name": name,
            "namespace": namespace,
            "labels": super::managed_by_label(),
            "annotations": {
                "azure.workload.identity/client-id": client_id,
                "azure.workload.identity/tenant-id": tenant_id,
            },
        },
    })
}

/// The rewritten manifests, one file per object: the SecretProviderClasses on workload identity (or
/// through the binding), the workloads labelled for the webhook, and an annotated ServiceAccount
/// for each service account.
pub(crate) fn manifests(
    m: &Migration,
    client_id: &str,
    tenant: &str,
    binding_mode: bool,
    owner: &str,
) -> Vec<(String, String)> {
    let file = |v: &Value| {
        file_name(
            v["kind"].as_str().unwrap_or("object"),
            v.pointer("/metadata/namespace")
                .and_then(Value::as_str)
                .unwrap_or("default"),
            v.pointer("/metadata/name").and_then(Value::as_str).unwrap_or("unnamed"),
        )
    };
    let mut out = vec![];
    for s in &m.spcs {
        let v = rewrite_spc(&s.value, client_id, binding_mode);
        out.push((file(&v), to_yaml(&v)));
    }
    let mut accounts: Vec<(String, String)> = vec![];
    for w in &m.workloads {
        let v = rewrite_workload(w, binding_mode);
        out.push((file(&v), to_yaml(&v)));
        if !accounts.contains(&(w.namespace.clone(), w.service_account.clone())) {
            accounts.push((w.namespace.clone(), w.service_account.clone()));
        }
    }
    for (ns, sa) in &accounts {
        let v = service_account(ns, sa, client_id, tenant);
        out.push((file(&v), to_yaml(&v)));
    }
    if binding_mode {
        // Which service accounts may use the identity through the binding (AKS identity-bindings).
        for v in [
            super::manifests::use_identity_role(client_id),
            super::manifests::use_identity_binding(client_id, owner, &accounts),
        ] {
            out.push((
                format!("{}.yaml", v["kind"].as_str().unwrap_or("object").to_ascii_lowercase()),
                to_yaml(&v),
            ));
        }
    }
    out
}

/// The rewritten manifest of one object: `kind-namespace-name.yaml`.
pub(crate) fn file_name(kind: &str, namespace: &str, name: &str) -> String {
    format!("{}-{namespace}-{name}.yaml", kind.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(v: Value) -> Doc {
        Doc {
            file: "app.yaml".into(),
            value: v,
        }
    }

    fn team() -> Vec<Doc> {
        vec![
            doc(
                json!({"apiVersion": "aadpodidentity.k8s.io/v1", "kind": "AzureIdentity", "metadata": {"name": "shop-id"},
                       "spec": {"type": 0, "ResourceID": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-shop", "ClientID": "c1"}}),
            ),
            doc(
                json!({"apiVersion": "aadpodidentity.k8s.io/v1", "kind": "AzureIdentityBinding", "metadata": {"name": "shop-binding"},
                       "spec": {"AzureIdentity": "shop-id", "Selector": "shop"}}),
            ),
            doc(
                json!({"apiVersion": "aadpodidentity.k8s.io/v1", "kind": "AzureIdentityBinding", "metadata": {"name": "unused"},
                       "spec": {"azureIdentity": "shop-id", "selector": "nobody"}}),
            ),
            doc(
                json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "checkout", "namespace": "shop"},
                       "spec": {"template": {"metadata": {"labels": {"app": "checkout", "aadpodidbinding": "shop"}},
                                "spec": {"containers": [], "volumes": [{"name": "s", "csi": {"driver": "secrets-store.csi.k8s.io", "volumeAttributes": {"secretProviderClass": "kv"}}}]}}}}),
            ),
            doc(
                json!({"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "ledger", "namespace": "shop"},
                       "spec": {"template": {"metadata": {"labels": {"aadpodidbinding": "shop"}}, "spec": {"serviceAccountName": "ledger-sa", "containers": []}}}}),
            ),
            doc(
                json!({"apiVersion": "secrets-store.csi.x-k8s.io/v1alpha1", "kind": "SecretProviderClass", "metadata": {"name": "kv", "namespace": "shop"},
                       "spec": {"provider": "azure", "parameters": {"usePodIdentity": "true", "keyvaultName": "kv-demo", "tenantId": "t1",
                                "objects": "array:\n  - |\n    objectName: db-password\n    objectType: secret\n  - |\n    objectName: tls\n    objectType: cert\n"}}}),
            ),
            doc(
                json!({"apiVersion": "secrets-store.csi.x-k8s.io/v1", "kind": "SecretProviderClass", "metadata": {"name": "other", "namespace": "shop"},
                       "spec": {"provider": "azure", "parameters": {"usePodIdentity": "true", "keyvaultName": "kv-else", "objects": ""}}}),
            ),
            doc(
                json!({"apiVersion": "aadpodidentity.k8s.io/v1", "kind": "AzureIdentity", "metadata": {"name": "legacy"},
                       "spec": {"type": 1, "ClientID": "sp"}}),
            ),
        ]
    }

    #[test]
    fn maps_identity_workloads_service_accounts_and_existing_secrets() {
        let inv = inventory(&team());
        assert_eq!(inv.migrations.len(), 1);
        let m = &inv.migrations[0];
        assert!(m.resource_id.ends_with("/id-shop") && m.client_id.as_deref() == Some("c1"));
        let w: Vec<(&str, &str, bool)> = m
            .workloads
            .iter()
            .map(|w| (w.name.as_str(), w.service_account.as_str(), w.new_service_account))
            .collect();
        assert_eq!(w, vec![("checkout", "checkout", true), ("ledger", "ledger-sa", false)]);
        assert_eq!(m.spcs.len(), 1);
        assert_eq!(inv.vault.as_deref(), Some("kv-demo"));
        assert_eq!(inv.tenant.as_deref(), Some("t1"));
        // Only secrets: a cert is not a secret kvwire checks.
        assert_eq!(inv.secrets, vec!["db-password".to_string()]);
    }

    #[test]
    fn reports_what_it_cannot_map() {
        let inv = inventory(&team());
        let all = inv.unmapped.join("\n");
        assert!(
            all.contains("AzureIdentity default/legacy") && all.contains("service principal"),
            "{all}"
        );
        assert!(
            all.contains("AzureIdentityBinding default/unused") && all.contains("aadpodidbinding: nobody"),
            "{all}"
        );
        assert!(
            all.contains("SecretProviderClass shop/other") && all.contains("kv-else"),
            "{all}"
        );
        assert_eq!(inv.unmapped.len(), 3, "{all}");
    }

    #[test]
    fn rewrites_keep_everything_else() {
        let inv = inventory(&team());
        let m = &inv.migrations[0];
        let spc = rewrite_spc(&m.spcs[0].value, "c1", false);
        assert_eq!(spc["apiVersion"], "secrets-store.csi.x-k8s.io/v1");
        assert_eq!(spc["spec"]["parameters"]["clientID"], "c1");
        assert_eq!(spc["spec"]["parameters"]["usePodIdentity"], "false");
        assert_eq!(
            spc["spec"]["parameters"]["objects"],
            m.spcs[0].value["spec"]["parameters"]["objects"]
        );
        assert_eq!(spc["spec"]["parameters"]["tenantId"], "t1");
        let d = rewrite_workload(&m.workloads[0], false);
        let labels = &d["spec"]["template"]["metadata"]["labels"];
        assert_eq!(labels[USE_LABEL], "true");
        assert_eq!(
            labels[POD_LABEL], "shop",
            "the old path keeps working until the label goes"
        );
        assert_eq!(d["spec"]["template"]["spec"]["serviceAccountName"], "checkout");
        assert_eq!(
            d["spec"]["template"]["spec"]["volumes"],
            m.workloads[0].doc.value["spec"]["template"]["spec"]["volumes"]
        );
    }
}
