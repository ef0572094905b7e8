//! SecretProviderClass (secrets-store.csi.x-k8s.io/v1, provider azure): what kvwire emits and
//! the rules `kvwire lint` checks. Parameter names and object rules follow the Azure provider's
//! own code (pkg/provider/types/constants.go, pkg/provider/validate.go).

use serde_json::{Value, json};

pub(crate) const API_VERSION: &str = "secrets-store.csi.x-k8s.io/v1";
pub(crate) const DEPRECATED_API_VERSION: &str = "secrets-store.csi.x-k8s.io/v1alpha1";
pub(crate) const CSI_DRIVER: &str = "secrets-store.csi.k8s.io";
/// The parameter that sends the provider through AKS's token proxy (identity bindings).
pub(crate) const TOKEN_PROXY: &str = "useAzureTokenProxy";

/// Every parameter the Azure provider reads, spelled exactly as it reads them.
pub(crate) const PARAMETERS: &[&str] = &[
    "keyvaultName",
    "cloudName",
    "usePodIdentity",
    "useVMManagedIdentity",
    "userAssignedIdentityID",
    "tenantID",
    "tenantId",
    "cloudEnvFileName",
    "clientID",
    "objects",
    // Identity binding (a variant of workload identity through the AKS token proxy); needs clientID.
    TOKEN_PROXY,
];

/// Fields of one entry of `objects` (KeyVaultObject).
pub(crate) const OBJECT_FIELDS: &[&str] = &[
    "objectName",
    "objectAlias",
    "objectVersion",
    "objectVersionHistory",
    "objectType",
    "objectFormat",
    "objectEncoding",
    "filePermission",
    "objectNotAfter",
];

/// How pods authenticate to Key Vault.
// The variants are Azure's names for these identities ("workload identity", "pod identity").
#[allow(clippy::enum_variant_names)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum IdentityMode {
    /// `clientID` of a user-assigned identity federated with the pod's service account.
    WorkloadIdentity { client_id: String },
    /// `clientID` and `useAzureTokenProxy`: the identity through an AKS identity binding (the
    /// provider's "Identity Binding" access mode, website/content/en/configurations/
    /// identity-access-modes/identity-binding-mode.md).
    IdentityBinding { client_id: String },
    /// `useVMManagedIdentity` with the identity of the nodes (the kubelet's, or another one on the VMSS;
    /// `None` = the VMSS's system-assigned identity).
    VmIdentity { user_assigned_client_id: Option<String> },
    /// Deprecated AAD pod identity.
    PodIdentity,
}

/// One Key Vault object to mount.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct VaultObject {
    pub(crate) name: String,
    /// `secret`, `key` or `cert`.
    pub(crate) kind: String,
    pub(crate) alias: Option<String>,
}

impl VaultObject {
    pub(crate) fn file_name(&self) -> &str {
        self.alias.as_deref().unwrap_or(&self.name)
    }
}

/// Everything that goes into an SPC.
#[derive(Debug, Clone)]
pub(crate) struct SpcSpec {
    pub(crate) name: String,
    pub(crate) namespace: String,
    pub(crate) keyvault_name: String,
    pub(crate) tenant_id: String,
    /// The provider's cloud name, for clouds other than the public one.
    pub(crate) cloud_name: Option<String>,
    pub(crate) mode: IdentityMode,
    pub(crate) objects: Vec<VaultObject>,
    /// Sync the mounted objects into this Kubernetes Secret (keys: env-style names).
    pub(crate) sync_secret: Option<String>,
}

/// The provider's `objects` parameter: a YAML string holding `array:` of YAML strings.
pub(crate) fn objects_parameter(objects: &[VaultObject]) -> String {
    let mut out = String::from("array:\n");
    for o in objects {
        out.push_str(&format!(
            "  - |\n    objectName: {}\n    objectType: {}\n",
            o.name, o.kind
        ));
        if let Some(a) = &o.alias {
            out.push_str(&format!("    objectAlias: {a}\n"));
        }
    }
    out
}

pub(crate) fn secret_provider_class(s: &SpcSpec) -> Value {
    let mut params = serde_json::Map::new();
    match &s.mode {
        IdentityMode::WorkloadIdentity { client_id } => {
            params.insert("usePodIdentity".into(), json!("false"));
            params.insert("clientID".into(), json!(client_id));
        }
        IdentityMode::IdentityBinding { client_id } => {
            params.insert("usePodIdentity".into(), json!("false"));
            params.insert(TOKEN_PROXY.into(), json!("true"));
            params.insert("clientID".into(), json!(client_id));
        }
        IdentityMode::VmIdentity {
            user_assigned_client_id,
        } => {
            params.insert("usePodIdentity".into(), json!("false"));
            params.insert("useVMManagedIdentity".into(), json!("true"));
            params.insert(
                "userAssignedIdentityID".into(),
                json!(user_assigned_client_id.clone().unwrap_or_default()),
            );
        }
        IdentityMode::PodIdentity => {
            params.insert("usePodIdentity".into(), json!("true"));
        }
    }
    params.insert("keyvaultName".into(), json!(s.keyvault_name));
    if let Some(c) = &s.cloud_name {
        params.insert("cloudName".into(), json!(c));
    }
    params.insert("tenantID".into(), json!(s.tenant_id));
    params.insert("objects".into(), json!(objects_parameter(&s.objects)));
    let mut spec = json!({"provider": "azure", "parameters": params});
    if let Some(secret) = &s.sync_secret {
        let data: Vec<Value> = s
            .objects
            .iter()
            .map(|o| json!({"objectName": o.file_name(), "key": crate::model::secrets::env_key(&o.name)}))
            .collect();
        spec["secretObjects"] = json!([{"secretName": secret, "type": "Opaque", "data": data}]);
    }
    json!({
        "apiVersion": API_VERSION,
        "kind": "SecretProviderClass",
        "metadata": {"name": s.name, "namespace": s.namespace, "labels": super::managed_by_label()},
        "spec": spec,
    })
}

// ---- lint -----------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Finding {
    pub severity: Severity,
    /// Where in the document, e.g. `spec.parameters.userAssignedIdentityId`.
    pub path: String,
    pub message: String,
}

fn err(path: &str, message: impl Into<String>) -> Finding {
    Finding {
        severity: Severity::Error,
        path: path.into(),
        message: message.into(),
    }
}

fn warn(path: &str, message: impl Into<String>) -> Finding {
    Finding {
        severity: Severity::Warning,
        path: path.into(),
        message: message.into(),
    }
}

/// Go's strconv.ParseBool, which the provider uses.
fn parse_bool(s: &str) -> Option<bool> {
    match s.trim() {
        "" => Some(false),
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

/// Is this document a SecretProviderClass?
pub fn is_spc(doc: &Value) -> bool {
    doc["kind"] == "SecretProviderClass"
}

/// The objects declared in an SPC (for lint and verify), or the reason they cannot be read.
pub fn declared_objects(objects: &str) -> Result<Vec<Value>, String> {
    let outer = crate::k8s::yaml::parse_documents(objects, "objects").map_err(|e| e.to_string())?;
    let outer = outer.into_iter().next().unwrap_or(Value::Null);
    let Some(array) = outer.get("array").and_then(Value::as_array) else {
        return Err("must be a YAML document with an `array:` list".into());
    };
    array
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let text = item
                .as_str()
                .ok_or_else(|| format!("array[{i}] must be a YAML string (use `- |`)"))?;
            let docs =
                crate::k8s::yaml::parse_documents(text, &format!("objects.array[{i}]")).map_err(|e| e.to_string())?;
            Ok(docs.into_iter().next().unwrap_or(Value::Null))
        })
        .collect()
}

/// All findings for one SecretProviderClass document.
pub fn lint(doc: &Value) -> Vec<Finding> {
    let mut f = vec![];
    match doc["apiVersion"].as_str() {
        Some(API_VERSION) => {}
        Some(DEPRECATED_API_VERSION) => f.push(warn(
            "apiVersion",
            format!("{DEPRECATED_API_VERSION} is deprecated; use {API_VERSION}"),
        )),
        other => f.push(err(
            "apiVersion",
            format!(
                "must be {API_VERSION}, found {}",
                other.map(crate::util::text::quoted).unwrap_or("nothing".into())
            ),
        )),
    }
    if doc
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .is_none_or(str::is_empty)
    {
        f.push(err("metadata.name", "is required"));
    }
    if doc.pointer("/spec/provider").and_then(Value::as_str) != Some("azure") {
        f.push(err("spec.provider", "must be \"azure\" for these rules"));
        return f;
    }
    let Some(params) = doc.pointer("/spec/parameters").and_then(Value::as_object) else {
        f.push(err("spec.parameters", "is required"));
        return f;
    };
    for (k, v) in params {
        let path = format!("spec.parameters.{k}");
        if !v.is_string() {
            f.push(err(&path, "must be a string (quote booleans: \"true\")"));
        }
        if !PARAMETERS.contains(&k.as_str()) {
            match PARAMETERS.iter().find(|p| p.eq_ignore_ascii_case(k)) {
                Some(right) => f.push(err(
                    &path,
                    format!(
                        "the provider reads {right_q} (exact case); {k_q} is ignored",
                        right_q = crate::util::text::quoted(right),
                        k_q = crate::util::text::quoted(k)
                    ),
                )),
                None => f.push(err(
                    &path,
                    format!("unknown parameter; the Azure provider reads: {}", PARAMETERS.join(", ")),
                )),
            }
        }
    }
    let p = |k: &str| params.get(k).and_then(Value::as_str).unwrap_or("");
    if p("keyvaultName").trim().is_empty() {
        f.push(err("spec.parameters.keyvaultName", "is required"));
    } else if let Err(why) = crate::model::names::vault_name(p("keyvaultName"))
        && !p("keyvaultName").contains(['$', '<'])
    {
        // Azure's rule for a vault's name: no vault of that name can exist. A template's
        // placeholder (`${KEYVAULT_NAME}`, `<vault>`) is filled in later.
        f.push(err("spec.parameters.keyvaultName", why));
    }
    match (p("tenantID").trim().is_empty(), params.contains_key("tenantId")) {
        (true, true) => f.push(warn("spec.parameters.tenantId", "is deprecated: use tenantID")),
        (false, true) => f.push(warn(
            "spec.parameters.tenantId",
            "is deprecated and ignored when tenantID is set: remove it",
        )),
        (true, false) => f.push(err("spec.parameters.tenantID", "is required: the tenant of the vault")),
        (false, false) => {}
    }
    let mut modes = vec![];
    for key in ["usePodIdentity", "useVMManagedIdentity"] {
        match parse_bool(p(key)) {
            Some(true) => modes.push(key),
            Some(false) => {}
            None => f.push(err(
                &format!("spec.parameters.{key}"),
                format!("{:?} is not a boolean", p(key)),
            )),
        }
    }
    if !p("clientID").trim().is_empty() {
        modes.push("clientID (workload identity)");
    }
    match parse_bool(p(TOKEN_PROXY)) {
        Some(true) if p("clientID").trim().is_empty() => f.push(err(
            "spec.parameters.useAzureTokenProxy",
            "identity binding needs clientID (the user-assigned identity)",
        )),
        Some(_) => {}
        None => f.push(err(
            "spec.parameters.useAzureTokenProxy",
            format!("{:?} is not a boolean", p(TOKEN_PROXY)),
        )),
    }
    if modes.len() > 1 {
        f.push(err(
            "spec.parameters",
            format!("more than one identity mode: {}; set exactly one", modes.join(", ")),
        ));
    }
    if modes.contains(&"usePodIdentity") {
        f.push(warn(
            "spec.parameters.usePodIdentity",
            "AAD pod identity is deprecated: use workload identity (clientID)",
        ));
    }
    if !p("userAssignedIdentityID").trim().is_empty() && !modes.contains(&"useVMManagedIdentity") {
        f.push(warn(
            "spec.parameters.userAssignedIdentityID",
            "is only used with useVMManagedIdentity: \"true\"",
        ));
    }
    let mut files = vec![];
    match declared_objects(p("objects")) {
        Err(e) => f.push(err("spec.parameters.objects", e)),
        Ok(objects) if objects.is_empty() => f.push(err("spec.parameters.objects", "declares no objects")),
        Ok(objects) => {
            for (i, o) in objects.iter().enumerate() {
                lint_object(&mut f, &format!("spec.parameters.objects.array[{i}]"), o, &mut files);
            }
        }
    }
    if let Some(secret_objects) = doc.pointer("/spec/secretObjects").and_then(Value::as_array) {
        for (i, so) in secret_objects.iter().enumerate() {
            let path = format!("spec.secretObjects[{i}]");
            for field in ["secretName", "type"] {
                if so[field].as_str().is_none_or(str::is_empty) {
                    f.push(err(&format!("{path}.{field}"), "is required"));
                }
            }
            for (j, d) in so["data"].as_array().cloned().unwrap_or_default().iter().enumerate() {
                let dpath = format!("{path}.data[{j}]");
                let name = d["objectName"].as_str().unwrap_or("");
                if !files.iter().any(|f| f == name) {
                    f.push(err(
                        &format!("{dpath}.objectName"),
                        format!(
                            "{name_q} is not a declared object (its objectAlias, or objectName when it has no alias)",
                            name_q = crate::util::text::quoted(name)
                        ),
                    ));
                }
                if d["key"].as_str().is_none_or(str::is_empty) {
                    f.push(err(&format!("{dpath}.key"), "is required"));
                }
            }
        }
    }
    f
}

fn lint_object(f: &mut Vec<Finding>, path: &str, o: &Value, files: &mut Vec<String>) {
    let Some(map) = o.as_object() else {
        f.push(err(path, "must be a mapping of objectName, objectType, …"));
        return;
    };
    for k in map.keys() {
        if !OBJECT_FIELDS.contains(&k.as_str()) {
            let hint = OBJECT_FIELDS
                .iter()
                .find(|x| x.eq_ignore_ascii_case(k))
                .map(|r| format!(" (did you mean {r}?)"))
                .unwrap_or_default();
            f.push(err(&format!("{path}.{k}"), format!("unknown field{hint}")));
        }
    }
    let s = |k: &str| match &o[k] {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    };
    let name = s("objectName");
    if name.trim().is_empty() {
        f.push(err(&format!("{path}.objectName"), "is required"));
    }
    let kind = s("objectType");
    if !["secret", "key", "cert"].contains(&kind.as_str()) {
        f.push(err(
            &format!("{path}.objectType"),
            format!(
                "{kind_q} must be secret, key or cert",
                kind_q = crate::util::text::quoted(&kind)
            ),
        ));
    }
    let format = s("objectFormat");
    if !format.is_empty() {
        if !format.eq_ignore_ascii_case("pem") && !format.eq_ignore_ascii_case("pfx") {
            f.push(err(
                &format!("{path}.objectFormat"),
                format!(
                    "{format_q} must be pem or pfx",
                    format_q = crate::util::text::quoted(&format)
                ),
            ));
        } else if format == "pfx" && kind != "secret" {
            f.push(err(
                &format!("{path}.objectFormat"),
                "pfx is only for objectType: secret",
            ));
        }
    }
    let encoding = s("objectEncoding");
    if !encoding.is_empty() {
        if kind != "secret" {
            f.push(err(&format!("{path}.objectEncoding"), "is only for objectType: secret"));
        } else if !["hex", "base64", "utf-8"]
            .iter()
            .any(|e| e.eq_ignore_ascii_case(&encoding))
        {
            f.push(err(
                &format!("{path}.objectEncoding"),
                format!(
                    "{encoding_q} must be hex, base64 or utf-8",
                    encoding_q = crate::util::text::quoted(&encoding)
                ),
            ));
        }
    }
    if !s("objectVersion").is_empty() && !s("objectNotAfter").is_empty() {
        f.push(err(path, "objectVersion and objectNotAfter are mutually exclusive"));
    }
    let alias = s("objectAlias");
    let file = if alias.is_empty() { name.clone() } else { alias.clone() };
    if file.starts_with('/') {
        f.push(err(
            &format!("{path}.objectAlias"),
            format!(
                "{file_q} must be a relative path",
                file_q = crate::util::text::quoted(&file)
            ),
        ));
    }
    if file.split('/').any(|part| part == "..") || file.contains("..") {
        f.push(err(
            &format!("{path}.objectAlias"),
            format!(
                "{file_q} must not contain '..'",
                file_q = crate::util::text::quoted(&file)
            ),
        ));
    }
    if files.contains(&file) {
        f.push(err(
            path,
            format!(
                "two objects would be written to the same file {file_q}",
                file_q = crate::util::text::quoted(&file)
            ),
        ));
    }
    files.push(file);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(mode: IdentityMode) -> SpcSpec {
        SpcSpec {
            name: "db".into(),
            namespace: "shop".into(),
            keyvault_name: "kv-demo".into(),
            tenant_id: "t".into(),
            cloud_name: None,
            mode,
            objects: vec![VaultObject {
                name: "db-password".into(),
                kind: "secret".into(),
                alias: None,
            }],
            sync_secret: Some("db".into()),
        }
    }

    #[test]
    fn emitted_spcs_pass_their_own_lint() {
        for mode in [
            IdentityMode::WorkloadIdentity { client_id: "c".into() },
            IdentityMode::IdentityBinding { client_id: "c".into() },
            IdentityMode::VmIdentity {
                user_assigned_client_id: Some("k".into()),
            },
        ] {
            let doc = secret_provider_class(&spec(mode));
            assert_eq!(lint(&doc), vec![], "{doc}");
        }
    }

    #[test]
    fn a_vault_name_azure_would_refuse_is_an_error() {
        let mut doc = secret_provider_class(&spec(IdentityMode::WorkloadIdentity { client_id: "c".into() }));
        doc["spec"]["parameters"]["keyvaultName"] = json!("kv_demo");
        let found = lint(&doc);
        assert!(
            found
                .iter()
                .any(|f| f.path == "spec.parameters.keyvaultName" && f.message.contains("is not a Key Vault name")),
            "{found:?}"
        );
        doc["spec"]["parameters"]["keyvaultName"] = json!("kv-demo");
        assert_eq!(lint(&doc), vec![]);
    }

    #[test]
    fn catches_the_classic_mistakes() {
        let mut doc = secret_provider_class(&spec(IdentityMode::VmIdentity {
            user_assigned_client_id: Some("k".into()),
        }));
        let params = doc["spec"]["parameters"].as_object_mut().unwrap();
        let v = params.remove("userAssignedIdentityID").unwrap();
        params.insert("userAssignedIdentityId".into(), v);
        params.insert("clientID".into(), json!("c"));
        params.insert(
            "objects".into(),
            json!("array:\n  - |\n    objectName: x\n    objectType: Secret\n    objectAlias: ../etc/passwd\n"),
        );
        doc["spec"]["secretObjects"][0]["data"][0]["objectName"] = json!("nope");
        let messages: Vec<String> = lint(&doc)
            .iter()
            .map(|f| format!("{}: {}", f.path, f.message))
            .collect();
        let all = messages.join("\n");
        assert!(
            all.contains("userAssignedIdentityId: the provider reads \"userAssignedIdentityID\""),
            "{all}"
        );
        assert!(all.contains("more than one identity mode"), "{all}");
        assert!(
            all.contains("objectType: \"Secret\" must be secret, key or cert"),
            "{all}"
        );
        assert!(all.contains("must not contain '..'"), "{all}");
        assert!(all.contains("\"nope\" is not a declared object"), "{all}");
    }
}
