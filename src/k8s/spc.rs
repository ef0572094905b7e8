//! SecretProviderClass (secrets-store.csi.x-k8s.io/v1, provider azure): what kvwire emits and
//! the rules `kvwire lint` checks. Parameter names and object rules follow the Azure provider's
//! own code (pkg/provider/types/constants.go, pkg/provider/validate.go).

use crate::k8s::yaml::{Pos, Positions};
use crate::util::text::quoted;
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
//
// Each rule has a stable ID, defined once beside the code that checks it (SARIF's `ruleId`: code
// scanning matches results across runs by it; never reuse or renumber one). Each malformed input
// yields one finding, for its root cause: a rule says nothing about a value an earlier rule
// already reported (a parameter of the wrong type or spelling, an `objects` that is not a list).

/// One lint rule.
#[derive(Debug, PartialEq, Eq)]
pub struct Rule {
    /// Stable: `KVW` and three digits.
    pub id: &'static str,
    /// A short kebab-case name.
    pub name: &'static str,
    /// What the rule checks, in one sentence.
    pub summary: &'static str,
    /// How to comply.
    pub help: &'static str,
}

/// Every rule `lint` checks offline, in ID order (`commands::lint` adds those of `--online`).
pub(crate) const RULES: &[&Rule] = &[
    &RULE_API_VERSION,
    &RULE_NAME,
    &RULE_PROVIDER,
    &RULE_PARAMETER_NAME,
    &RULE_PARAMETER_TYPE,
    &RULE_VAULT_NAME,
    &RULE_TENANT,
    &RULE_BOOLEAN,
    &RULE_IDENTITY,
    &RULE_OBJECTS,
    &RULE_OBJECT_FIELDS,
    &RULE_OBJECT_FILE,
    &RULE_SECRET_OBJECTS,
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Finding {
    #[serde(serialize_with = "rule_id")]
    pub rule: &'static Rule,
    pub severity: Severity,
    /// Where in the document, e.g. `spec.parameters.userAssignedIdentityId`.
    pub path: String,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    /// The node it is about, to place it in the file ([`Spot::locate`]).
    #[serde(skip)]
    pub(crate) spot: Spot,
}

fn rule_id<S: serde::Serializer>(rule: &&'static Rule, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(rule.id)
}

impl Finding {
    pub(crate) fn error(rule: &'static Rule, spot: &Spot, message: impl Into<String>) -> Finding {
        Finding {
            rule,
            severity: Severity::Error,
            path: spot.dotted(),
            message: message.into(),
            hint: None,
            spot: spot.clone(),
        }
    }

    pub(crate) fn warning(rule: &'static Rule, spot: &Spot, message: impl Into<String>) -> Finding {
        Finding {
            severity: Severity::Warning,
            ..Finding::error(rule, spot, message)
        }
    }

    pub(crate) fn hint(self, hint: impl Into<String>) -> Finding {
        Finding {
            hint: Some(hint.into()),
            ..self
        }
    }
}

/// The node a finding is about: a path into the document that may go on into the YAML text held
/// by `objects`, and from there into the text of one of its entries.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Spot {
    /// One path per text: the document's, then `objects`'s, then the entry's.
    levels: Vec<Vec<Seg>>,
    /// The node's key rather than its value (a misspelt name).
    key: bool,
    /// A place in the text the node holds (where that YAML does not parse).
    at: Option<Pos>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Seg {
    Key(String),
    Index(usize),
}

impl Spot {
    /// A path of mapping keys from the document's root.
    pub(crate) fn doc(keys: &[&str]) -> Spot {
        Spot {
            levels: vec![keys.iter().map(|k| Seg::Key(k.to_string())).collect()],
            ..Spot::default()
        }
    }

    fn push(&self, seg: Seg) -> Spot {
        let mut s = self.clone();
        match s.levels.last_mut() {
            Some(l) => l.push(seg),
            None => s.levels.push(vec![seg]),
        }
        s
    }

    /// The value of `key` in this mapping.
    pub(crate) fn k(&self, key: &str) -> Spot {
        self.push(Seg::Key(key.to_string()))
    }

    /// Entry `i` of this list.
    pub(crate) fn i(&self, i: usize) -> Spot {
        self.push(Seg::Index(i))
    }

    /// Into the YAML text this string holds.
    pub(crate) fn text(&self) -> Spot {
        let mut s = self.clone();
        s.levels.push(vec![]);
        s
    }

    /// This node's key.
    fn key(mut self) -> Spot {
        self.key = true;
        self
    }

    /// A place in the YAML text this string holds.
    fn at(mut self, at: Pos) -> Spot {
        self.at = Some(at);
        self
    }

    /// `spec.parameters.objects.array[0].objectType`.
    pub(crate) fn dotted(&self) -> String {
        let mut out = String::new();
        for seg in self.levels.iter().flatten() {
            match seg {
                Seg::Key(k) if out.is_empty() => out.push_str(k),
                Seg::Key(k) => {
                    out.push('.');
                    out.push_str(k);
                }
                Seg::Index(i) => out.push_str(&format!("[{i}]")),
            }
        }
        out
    }

    /// Line and column in the file of `doc` (its `positions`); for a node that is missing, the
    /// mapping that lacks it.
    pub(crate) fn locate(&self, doc: &Value, positions: &Positions) -> Pos {
        let pointers: Vec<String> = self
            .levels
            .iter()
            .map(|level| {
                level
                    .iter()
                    .map(|seg| match seg {
                        Seg::Key(k) => format!("/{}", crate::k8s::yaml::pointer_segment(k)),
                        Seg::Index(i) => format!("/{i}"),
                    })
                    .collect()
            })
            .collect();
        positions.resolve(doc, &pointers, self.key, self.at)
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
    api_version(doc, &mut f);
    name(doc, &mut f);
    let Some(params) = spec(doc, &mut f) else {
        return f;
    };
    let params = Params::read(params, &mut f);
    vault_name(&params, &mut f);
    tenant(&params, &mut f);
    identity(&params, &mut f);
    let files = objects(&params, &mut f);
    secret_objects(doc, files.as_deref(), &mut f);
    f
}

pub(crate) const RULE_API_VERSION: Rule = Rule {
    id: "KVW001",
    name: "api-version",
    summary: "apiVersion is secrets-store.csi.x-k8s.io/v1.",
    help: "Set apiVersion: secrets-store.csi.x-k8s.io/v1. v1alpha1 still works but is deprecated.",
};

fn api_version(doc: &Value, f: &mut Vec<Finding>) {
    let at = Spot::doc(&["apiVersion"]);
    match doc["apiVersion"].as_str() {
        Some(API_VERSION) => {}
        Some(DEPRECATED_API_VERSION) => f.push(
            Finding::warning(
                &RULE_API_VERSION,
                &at,
                format!("{DEPRECATED_API_VERSION} is deprecated"),
            )
            .hint(format!("use {API_VERSION}")),
        ),
        other => f.push(
            Finding::error(
                &RULE_API_VERSION,
                &at,
                format!(
                    "must be {API_VERSION}, found {}",
                    other.map(quoted).unwrap_or("nothing".into())
                ),
            )
            .hint(format!("apiVersion: {API_VERSION}")),
        ),
    }
}

pub(crate) const RULE_NAME: Rule = Rule {
    id: "KVW002",
    name: "metadata-name",
    summary: "The SecretProviderClass has a name.",
    help: "Set metadata.name: pods name it in volumes[].csi.volumeAttributes.secretProviderClass.",
};

fn name(doc: &Value, f: &mut Vec<Finding>) {
    if doc
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .is_none_or(str::is_empty)
    {
        f.push(
            Finding::error(&RULE_NAME, &Spot::doc(&["metadata", "name"]), "is required")
                .hint("pods mount the class by this name (volumeAttributes.secretProviderClass)"),
        );
    }
}

pub(crate) const RULE_PROVIDER: Rule = Rule {
    id: "KVW003",
    name: "azure-provider",
    summary: "spec.provider is azure and spec.parameters is a mapping.",
    help: "Set spec.provider: azure and give the provider's parameters under spec.parameters.",
};

/// The parameters of an Azure SecretProviderClass, or why there are none to check.
fn spec<'a>(doc: &'a Value, f: &mut Vec<Finding>) -> Option<&'a serde_json::Map<String, Value>> {
    let at = Spot::doc(&["spec"]);
    let spec = match doc.get("spec") {
        Some(Value::Object(spec)) => spec,
        None | Some(Value::Null) => {
            f.push(
                Finding::error(&RULE_PROVIDER, &at, "is required").hint("spec: with provider: azure and parameters:"),
            );
            return None;
        }
        Some(_) => {
            f.push(
                Finding::error(&RULE_PROVIDER, &at, "must be a mapping")
                    .hint("spec: with provider: azure and parameters:"),
            );
            return None;
        }
    };
    match spec.get("provider") {
        Some(Value::String(p)) if p == "azure" => {}
        None | Some(Value::Null) => {
            f.push(Finding::error(&RULE_PROVIDER, &at.k("provider"), "is required").hint("provider: azure"));
            return None;
        }
        Some(other) => {
            let found = match other {
                Value::String(s) => quoted(s),
                v => v.to_string(),
            };
            f.push(
                Finding::error(
                    &RULE_PROVIDER,
                    &at.k("provider"),
                    format!("is {found}, not \"azure\": these are the Azure provider's rules"),
                )
                .hint("provider: azure"),
            );
            return None;
        }
    }
    let at = at.k("parameters");
    match spec.get("parameters") {
        Some(Value::Object(params)) => Some(params),
        None | Some(Value::Null) => {
            f.push(
                Finding::error(&RULE_PROVIDER, &at, "is required")
                    .hint("the provider reads keyvaultName, tenantID and objects from spec.parameters"),
            );
            None
        }
        Some(_) => {
            f.push(
                Finding::error(&RULE_PROVIDER, &at, "must be a mapping of parameter names to strings")
                    .hint("one `name: \"value\"` line per parameter under parameters:"),
            );
            None
        }
    }
}

pub(crate) const RULE_PARAMETER_NAME: Rule = Rule {
    id: "KVW004",
    name: "parameter-name",
    summary: "Each parameter is one the Azure provider reads, spelled as it reads it.",
    help: "Rename the parameter to the provider's exact spelling (keyvaultName, tenantID, clientID, userAssignedIdentityID, …) or remove it: the provider ignores any other.",
};

pub(crate) const RULE_PARAMETER_TYPE: Rule = Rule {
    id: "KVW005",
    name: "parameter-type",
    summary: "Each parameter's value is a string.",
    help: "Quote the value (usePodIdentity: \"false\"): spec.parameters maps names to strings.",
};

/// The parameters as the provider reads them, and those already reported.
struct Params<'a> {
    map: &'a serde_json::Map<String, Value>,
    /// Reported for their type or spelling: later rules say nothing more about them.
    reported: Vec<&'static str>,
}

impl<'a> Params<'a> {
    fn read(map: &'a serde_json::Map<String, Value>, f: &mut Vec<Finding>) -> Params<'a> {
        let mut reported = vec![];
        for (k, v) in map {
            let at = Spot::doc(&["spec", "parameters", k]);
            let Some(known) = PARAMETERS.iter().find(|p| **p == k.as_str()) else {
                match PARAMETERS.iter().find(|p| p.eq_ignore_ascii_case(k)) {
                    Some(right) => {
                        reported.push(*right);
                        f.push(
                            Finding::error(
                                &RULE_PARAMETER_NAME,
                                &at.key(),
                                format!(
                                    "the provider reads {} (exact case); {} is ignored",
                                    quoted(right),
                                    quoted(k)
                                ),
                            )
                            .hint(format!("rename it to {right}")),
                        );
                    }
                    None => f.push(
                        Finding::error(
                            &RULE_PARAMETER_NAME,
                            &at.key(),
                            "unknown parameter: the provider ignores it",
                        )
                        .hint(format!("the Azure provider reads: {}", PARAMETERS.join(", "))),
                    ),
                }
                continue;
            };
            let finding = match v {
                Value::String(_) => continue,
                // The provider reads `objects` as YAML text; a mapping here is its most common slip.
                Value::Object(_) | Value::Array(_) if k == "objects" => Finding::error(
                    &RULE_OBJECTS,
                    &at,
                    format!(
                        "must be a string holding YAML, found a {}",
                        if v.is_object() { "mapping" } else { "list" }
                    ),
                )
                .hint(OBJECTS_HINT),
                Value::Bool(_) | Value::Number(_) => {
                    Finding::error(&RULE_PARAMETER_TYPE, &at, format!("must be a string, found {v}"))
                        .hint(format!("quote it: {k}: \"{v}\""))
                }
                Value::Null => Finding::error(&RULE_PARAMETER_TYPE, &at, "has no value")
                    .hint("give it a quoted value, or remove it"),
                Value::Object(_) => Finding::error(&RULE_PARAMETER_TYPE, &at, "must be a string, found a mapping"),
                Value::Array(_) => Finding::error(&RULE_PARAMETER_TYPE, &at, "must be a string, found a list"),
            };
            reported.push(*known);
            f.push(finding);
        }
        Params { map, reported }
    }

    /// The value as the provider reads it (it trims each: pkg/provider/provider.go), `""` for one
    /// missing or already reported.
    fn get(&self, k: &str) -> &'a str {
        if self.reported.contains(&k) {
            return "";
        }
        self.map.get(k).and_then(Value::as_str).map(str::trim).unwrap_or("")
    }

    /// Neither set nor already reported.
    fn missing(&self, k: &str) -> bool {
        self.get(k).is_empty() && !self.reported.contains(&k)
    }
}

pub(crate) const RULE_VAULT_NAME: Rule = Rule {
    id: "KVW006",
    name: "vault-name",
    summary: "keyvaultName is set and is a name Azure allows for a vault.",
    help: "A Key Vault's name is 3-24 letters, digits and hyphens, starts with a letter, ends with a letter or digit, and has no two hyphens in a row.",
};

fn vault_name(p: &Params, f: &mut Vec<Finding>) {
    let at = Spot::doc(&["spec", "parameters", "keyvaultName"]);
    let name = p.get("keyvaultName");
    if p.missing("keyvaultName") {
        f.push(Finding::error(&RULE_VAULT_NAME, &at, "is required").hint("the name of the vault to read from"));
    } else if let Some(why) = crate::model::names::vault_name_problem(name)
        && !name.is_empty()
        // A template's placeholder (`${KEYVAULT_NAME}`, `<vault>`, `{{ .Values.vault }}`) is
        // filled in later.
        && !name.contains(['$', '<', '{'])
    {
        // Azure's rule for a vault's name: no vault of that name can exist.
        f.push(
            Finding::error(
                &RULE_VAULT_NAME,
                &at,
                format!("{} is not a Key Vault name: {why}", quoted(name)),
            )
            .hint("3-24 letters, digits and hyphens, starting with a letter and ending with a letter or digit, no two hyphens in a row"),
        );
    }
}

pub(crate) const RULE_TENANT: Rule = Rule {
    id: "KVW007",
    name: "tenant",
    summary: "tenantID names the vault's tenant (tenantId is the deprecated spelling).",
    help: "Set tenantID to the vault's tenant ID (az keyvault show -n VAULT --query properties.tenantId); rename tenantId to tenantID.",
};

fn tenant(p: &Params, f: &mut Vec<Finding>) {
    let at = Spot::doc(&["spec", "parameters"]);
    let old = p.map.contains_key("tenantId") && !p.reported.contains(&"tenantId");
    let (id, old_id) = (p.get("tenantID"), p.get("tenantId"));
    if !id.is_empty() {
        if old {
            f.push(
                Finding::warning(&RULE_TENANT, &at.k("tenantId").key(), "is ignored when tenantID is set")
                    .hint("remove it"),
            );
        }
    } else if !old_id.is_empty() {
        f.push(Finding::warning(&RULE_TENANT, &at.k("tenantId").key(), "is deprecated").hint("rename it to tenantID"));
    } else if !p.reported.contains(&"tenantID") && !p.reported.contains(&"tenantId") {
        let spot = if old { at.k("tenantId") } else { at.k("tenantID") };
        f.push(
            Finding::error(&RULE_TENANT, &spot, "is required: the tenant of the vault")
                .hint("tenantID: the vault's tenant ID (az keyvault show -n VAULT --query properties.tenantId)"),
        );
    }
}

pub(crate) const RULE_BOOLEAN: Rule = Rule {
    id: "KVW008",
    name: "boolean-parameter",
    summary: "usePodIdentity, useVMManagedIdentity and useAzureTokenProxy are booleans.",
    help: "Write \"true\" or \"false\": the provider parses these with Go's strconv.ParseBool.",
};

pub(crate) const RULE_IDENTITY: Rule = Rule {
    id: "KVW009",
    name: "identity-mode",
    summary: "Exactly one identity reads the vault, with the parameters it needs.",
    help: "Set one of clientID (workload identity; with useAzureTokenProxy: \"true\", an identity binding), useVMManagedIdentity: \"true\" (with userAssignedIdentityID for a user-assigned one) or usePodIdentity: \"true\" (deprecated). None: the nodePublishSecretRef's service principal.",
};

fn identity(p: &Params, f: &mut Vec<Finding>) {
    let at = Spot::doc(&["spec", "parameters"]);
    let not_boolean = |key: &str| {
        Finding::error(
            &RULE_BOOLEAN,
            &at.k(key),
            format!("{} is not a boolean", quoted(p.get(key))),
        )
        .hint("\"true\" or \"false\"")
    };
    let mut modes = vec![];
    for key in ["usePodIdentity", "useVMManagedIdentity"] {
        match parse_bool(p.get(key)) {
            Some(true) => modes.push(key),
            Some(false) => {}
            None => f.push(not_boolean(key)),
        }
    }
    let client_id = !p.get("clientID").is_empty();
    if client_id {
        modes.push("clientID (workload identity)");
    }
    match parse_bool(p.get(TOKEN_PROXY)) {
        Some(true) if !client_id && !p.reported.contains(&"clientID") => f.push(
            Finding::error(
                &RULE_IDENTITY,
                &at.k(TOKEN_PROXY),
                "identity binding needs clientID (the user-assigned identity)",
            )
            .hint("set clientID to the identity's client ID"),
        ),
        Some(_) => {}
        None => f.push(not_boolean(TOKEN_PROXY)),
    }
    if modes.len() > 1 {
        f.push(
            Finding::error(
                &RULE_IDENTITY,
                &at.clone().key(),
                format!("more than one identity mode: {}", modes.join(", ")),
            )
            .hint("set exactly one"),
        );
    }
    if modes.contains(&"usePodIdentity") {
        f.push(
            Finding::warning(
                &RULE_IDENTITY,
                &at.k("usePodIdentity"),
                "AAD pod identity is deprecated",
            )
            .hint("use workload identity (clientID): kvwire migrate pod-identity"),
        );
    }
    if !p.get("userAssignedIdentityID").is_empty() && !modes.contains(&"useVMManagedIdentity") {
        f.push(
            Finding::warning(
                &RULE_IDENTITY,
                &at.k("userAssignedIdentityID"),
                "is only used with useVMManagedIdentity: \"true\"",
            )
            .hint("remove it, or set useVMManagedIdentity: \"true\""),
        );
    }
}

pub(crate) const RULE_OBJECTS: Rule = Rule {
    id: "KVW010",
    name: "objects-parameter",
    summary: "objects is a string holding YAML: an `array:` list of at least one YAML string.",
    help: OBJECTS_HINT,
};

const OBJECTS_HINT: &str = "write `objects: |`, then under it `array:` and one `- |` entry per object, its fields indented under the `- |` (the provider reads objects, and each entry, as YAML text)";

/// The file name each object is written to, or `None` when the list is not read whole (a rule
/// that compares against it would only echo this one).
fn objects(p: &Params, f: &mut Vec<Finding>) -> Option<Vec<String>> {
    let at = Spot::doc(&["spec", "parameters", "objects"]);
    if p.reported.contains(&"objects") {
        return None;
    }
    let text = p.map.get("objects").and_then(Value::as_str).unwrap_or("");
    if text.trim().is_empty() {
        f.push(Finding::error(&RULE_OBJECTS, &at, "is required: the Key Vault objects to mount").hint(OBJECTS_HINT));
        return None;
    }
    let outer = match crate::k8s::yaml::read(text) {
        Ok(docs) => docs.into_iter().next().map(|d| d.value).unwrap_or(Value::Null),
        Err(e) => {
            f.push(Finding::error(&RULE_OBJECTS, &at.clone().at(e.at), e.why).hint(OBJECTS_HINT));
            return None;
        }
    };
    let list = at.text().k("array");
    let array = match outer.get("array") {
        Some(Value::Array(a)) => a,
        None => {
            f.push(Finding::error(&RULE_OBJECTS, &at, "must hold an `array:` list").hint(OBJECTS_HINT));
            return None;
        }
        Some(_) => {
            f.push(Finding::error(&RULE_OBJECTS, &list, "must be a list").hint(OBJECTS_HINT));
            return None;
        }
    };
    if array.is_empty() {
        f.push(Finding::error(&RULE_OBJECTS, &list, "declares no objects").hint(OBJECTS_HINT));
        return None;
    }
    let mut files = vec![];
    let mut whole = true;
    for (i, item) in array.iter().enumerate() {
        let entry = list.i(i);
        let Some(text) = item.as_str() else {
            f.push(
                Finding::error(&RULE_OBJECTS, &entry, "must be a YAML string")
                    .hint("start the entry with `- |` and indent its fields under it"),
            );
            whole = false;
            continue;
        };
        match crate::k8s::yaml::read(text) {
            Ok(docs) => {
                let o = docs.into_iter().next().map(|d| d.value).unwrap_or(Value::Null);
                whole &= object(f, &entry.text(), &o, &mut files);
            }
            Err(e) => {
                f.push(Finding::error(&RULE_OBJECTS, &entry.at(e.at), e.why));
                whole = false;
            }
        }
    }
    whole.then_some(files)
}

pub(crate) const RULE_OBJECT_FIELDS: Rule = Rule {
    id: "KVW011",
    name: "object-fields",
    summary: "Each object has an objectName and a valid objectType, objectFormat and objectEncoding.",
    help: "Each entry of objects: objectName (required), objectType secret, key or cert; objectFormat pem or pfx (pfx only for secret); objectEncoding hex, base64 or utf-8 (only for secret); not both objectVersion and objectNotAfter. Field names are case-sensitive.",
};

pub(crate) const RULE_OBJECT_FILE: Rule = Rule {
    id: "KVW012",
    name: "object-file",
    summary: "Each object is written to its own file, a relative path without '..'.",
    help: "The file is objectAlias, or objectName without one: make it a relative path without '..', and give objects that would share a file an objectAlias.",
};

/// One entry of `objects` (KeyVaultObject); false when it names no valid file (secretObjects
/// cannot be checked against it).
fn object(f: &mut Vec<Finding>, at: &Spot, o: &Value, files: &mut Vec<String>) -> bool {
    let Some(map) = o.as_object() else {
        f.push(
            Finding::error(
                &RULE_OBJECT_FIELDS,
                at,
                "must be a mapping of objectName, objectType, …",
            )
            .hint("objectName: NAME and objectType: secret, one per line"),
        );
        return false;
    };
    // Misspelt fields are reported once, as misspelt, not again as missing.
    let mut misspelt = vec![];
    for k in map.keys() {
        if OBJECT_FIELDS.contains(&k.as_str()) {
            continue;
        }
        match OBJECT_FIELDS.iter().find(|x| x.eq_ignore_ascii_case(k)) {
            Some(right) => {
                misspelt.push(*right);
                f.push(
                    Finding::error(
                        &RULE_OBJECT_FIELDS,
                        &at.k(k).key(),
                        format!("unknown field: the provider reads {right} (exact case)"),
                    )
                    .hint(format!("rename it to {right}")),
                );
            }
            None => f.push(
                Finding::error(&RULE_OBJECT_FIELDS, &at.k(k).key(), "unknown field")
                    .hint(format!("the provider reads: {}", OBJECT_FIELDS.join(", "))),
            ),
        }
    }
    // The provider trims each field (formatKeyVaultObject).
    let s = |k: &str| match &o[k] {
        Value::String(s) => s.trim().to_string(),
        Value::Null => String::new(),
        other => other.to_string(),
    };
    let name = s("objectName");
    if name.is_empty() && !misspelt.contains(&"objectName") {
        f.push(
            Finding::error(&RULE_OBJECT_FIELDS, &at.k("objectName"), "is required")
                .hint("the name of the secret, key or certificate in the vault"),
        );
    }
    let kind = s("objectType");
    let kinds = ["secret", "key", "cert"];
    let kind_ok = kinds.contains(&kind.as_str());
    // A misspelt objectType is reported as misspelt, not also as missing.
    let reported = kind.is_empty() && misspelt.contains(&"objectType");
    if !kind_ok && !reported {
        let lower = kind.to_ascii_lowercase();
        let finding = if kind.is_empty() {
            Finding::error(&RULE_OBJECT_FIELDS, &at.k("objectType"), "is required")
        } else {
            Finding::error(
                &RULE_OBJECT_FIELDS,
                &at.k("objectType"),
                format!("{} must be secret, key or cert", quoted(&kind)),
            )
        };
        f.push(if kinds.contains(&lower.as_str()) {
            finding.hint(format!("write it in lower case: {lower}"))
        } else {
            finding.hint("secret, key or cert (a certificate with its private key: secret)")
        });
    }
    let format = s("objectFormat");
    if !format.is_empty() {
        if !format.eq_ignore_ascii_case("pem") && !format.eq_ignore_ascii_case("pfx") {
            f.push(Finding::error(
                &RULE_OBJECT_FIELDS,
                &at.k("objectFormat"),
                format!("{} must be pem or pfx", quoted(&format)),
            ));
        } else if kind_ok && format.eq_ignore_ascii_case("pfx") && kind != "secret" {
            f.push(
                Finding::error(
                    &RULE_OBJECT_FIELDS,
                    &at.k("objectFormat"),
                    "pfx is only for objectType: secret",
                )
                .hint("a certificate as PFX: objectType: secret with objectFormat: pfx"),
            );
        }
    }
    let encoding = s("objectEncoding");
    if !encoding.is_empty() {
        if kind_ok && kind != "secret" {
            f.push(
                Finding::error(
                    &RULE_OBJECT_FIELDS,
                    &at.k("objectEncoding"),
                    "is only for objectType: secret",
                )
                .hint("remove it"),
            );
        } else if !["hex", "base64", "utf-8"]
            .iter()
            .any(|e| e.eq_ignore_ascii_case(&encoding))
        {
            f.push(Finding::error(
                &RULE_OBJECT_FIELDS,
                &at.k("objectEncoding"),
                format!("{} must be hex, base64 or utf-8", quoted(&encoding)),
            ));
        }
    }
    if !s("objectVersion").is_empty() && !s("objectNotAfter").is_empty() {
        f.push(
            Finding::error(
                &RULE_OBJECT_FIELDS,
                &at.k("objectNotAfter").key(),
                "objectVersion and objectNotAfter are mutually exclusive",
            )
            .hint("keep one"),
        );
    }
    let alias = s("objectAlias");
    let (file, field) = if alias.is_empty() {
        (name, "objectName")
    } else {
        (alias, "objectAlias")
    };
    if file.is_empty() {
        return false;
    }
    let file_hint = "the file's name under the volume's mount path, e.g. db-password";
    // The provider's validateFileName: relative, no "..". A reported name is not compared with
    // secretObjects (that would only echo this finding).
    let valid = !file.starts_with('/') && !file.contains("..");
    if file.starts_with('/') {
        f.push(
            Finding::error(
                &RULE_OBJECT_FILE,
                &at.k(field),
                format!("{} must be a relative path", quoted(&file)),
            )
            .hint(file_hint),
        );
    } else if file.contains("..") {
        f.push(
            Finding::error(
                &RULE_OBJECT_FILE,
                &at.k(field),
                format!("{} must not contain '..'", quoted(&file)),
            )
            .hint(file_hint),
        );
    }
    if files.contains(&file) {
        f.push(
            Finding::error(
                &RULE_OBJECT_FILE,
                &at.k(field),
                format!("two objects would be written to the same file {}", quoted(&file)),
            )
            .hint("give one of them another objectAlias"),
        );
    }
    files.push(file);
    valid
}

/// The declared files, each once.
fn declared(files: &[String]) -> String {
    let mut once: Vec<&str> = vec![];
    for f in files {
        if !once.contains(&f.as_str()) {
            once.push(f);
        }
    }
    once.join(", ")
}

pub(crate) const RULE_SECRET_OBJECTS: Rule = Rule {
    id: "KVW013",
    name: "secret-objects",
    summary: "Each secretObjects entry has secretName, type and data whose objectName is a declared object.",
    help: "Each secretObjects entry: secretName, type (Opaque, kubernetes.io/tls, …) and data: a list of objectName (the objectAlias of a declared object, or its objectName when it has none) and key.",
};

fn secret_objects(doc: &Value, files: Option<&[String]>, f: &mut Vec<Finding>) {
    let at = Spot::doc(&["spec", "secretObjects"]);
    let list = match doc.pointer("/spec/secretObjects") {
        None | Some(Value::Null) => return,
        Some(Value::Array(list)) => list,
        Some(_) => {
            f.push(
                Finding::error(&RULE_SECRET_OBJECTS, &at, "must be a list")
                    .hint("one `- secretName: …` entry per Kubernetes Secret to sync"),
            );
            return;
        }
    };
    for (i, so) in list.iter().enumerate() {
        let at = at.i(i);
        let Some(so) = so.as_object() else {
            f.push(
                Finding::error(&RULE_SECRET_OBJECTS, &at, "must be a mapping")
                    .hint("secretName, type and data, one per line"),
            );
            continue;
        };
        for field in ["secretName", "type"] {
            if so.get(field).and_then(Value::as_str).is_none_or(str::is_empty) {
                f.push(Finding::error(&RULE_SECRET_OBJECTS, &at.k(field), "is required"));
            }
        }
        let data = match so.get("data") {
            None | Some(Value::Null) => continue,
            Some(Value::Array(data)) => data,
            Some(_) => {
                f.push(
                    Finding::error(&RULE_SECRET_OBJECTS, &at.k("data"), "must be a list")
                        .hint("one `- objectName: …` with its `key:` per entry"),
                );
                continue;
            }
        };
        for (j, d) in data.iter().enumerate() {
            let at = at.k("data").i(j);
            let Some(d) = d.as_object() else {
                f.push(
                    Finding::error(&RULE_SECRET_OBJECTS, &at, "must be a mapping")
                        .hint("objectName and key, one per line"),
                );
                continue;
            };
            let name = d.get("objectName").and_then(Value::as_str).unwrap_or("");
            let file_hint = "the objectAlias of a declared object, or its objectName when it has none";
            if name.is_empty() {
                f.push(Finding::error(&RULE_SECRET_OBJECTS, &at.k("objectName"), "is required").hint(file_hint));
            } else if let Some(files) = files
                && !files.iter().any(|f| f == name)
            {
                f.push(
                    Finding::error(
                        &RULE_SECRET_OBJECTS,
                        &at.k("objectName"),
                        format!("{} is not a declared object", quoted(name)),
                    )
                    .hint(format!("{file_hint}: {}", declared(files))),
                );
            }
            if d.get("key").and_then(Value::as_str).is_none_or(str::is_empty) {
                f.push(
                    Finding::error(&RULE_SECRET_OBJECTS, &at.k("key"), "is required")
                        .hint("the key of the Kubernetes Secret to write the object to"),
                );
            }
        }
    }
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

    fn good() -> Value {
        secret_provider_class(&spec(IdentityMode::WorkloadIdentity { client_id: "c".into() }))
    }

    fn with_object(entry: &str) -> Value {
        let mut doc = good();
        doc["spec"]["parameters"]["objects"] = json!(format!("array:\n  - |\n{entry}"));
        doc
    }

    #[test]
    fn each_malformed_input_is_one_finding_for_its_root_cause_with_the_hint_that_fixes_it() {
        let mut cases: Vec<(&str, Value, &str, &str, &str)> = vec![];
        let mut case = |what, edit: &dyn Fn(&mut Value), rule, path, hint| {
            let mut doc = good();
            edit(&mut doc);
            cases.push((what, doc, rule, path, hint));
        };
        case(
            "objects as a mapping (not a string holding YAML)",
            &|d| {
                d["spec"]["parameters"]["objects"] =
                    json!({"array": [{"objectName": "db-password", "objectType": "secret"}]})
            },
            "KVW010",
            "spec.parameters.objects",
            "objects: |",
        );
        case(
            "objects as a list",
            &|d| d["spec"]["parameters"]["objects"] = json!(["db-password"]),
            "KVW010",
            "spec.parameters.objects",
            "objects: |",
        );
        case(
            "objects that is not YAML (and secretObjects naming its objects)",
            &|d| d["spec"]["parameters"]["objects"] = json!("array: [\n"),
            "KVW010",
            "spec.parameters.objects",
            "array:",
        );
        case(
            "an entry that is a mapping, not a `- |` string (and secretObjects naming it)",
            &|d| {
                d["spec"]["parameters"]["objects"] =
                    json!("array:\n  - objectName: db-password\n    objectType: secret\n")
            },
            "KVW010",
            "spec.parameters.objects.array[0]",
            "- |",
        );
        case(
            "keyvaultName misspelt (not also reported missing)",
            &|d| {
                let p = d["spec"]["parameters"].as_object_mut().unwrap();
                let v = p.remove("keyvaultName").unwrap();
                p.insert("keyVaultName".into(), v);
            },
            "KVW004",
            "spec.parameters.keyVaultName",
            "rename it to keyvaultName",
        );
        case(
            "tenantID misspelt (not also reported missing)",
            &|d| {
                let p = d["spec"]["parameters"].as_object_mut().unwrap();
                let v = p.remove("tenantID").unwrap();
                p.insert("tenantid".into(), v);
            },
            "KVW004",
            "spec.parameters.tenantid",
            "rename it to tenantID",
        );
        case(
            "tenantID a number (not also reported missing)",
            &|d| d["spec"]["parameters"]["tenantID"] = json!(123),
            "KVW005",
            "spec.parameters.tenantID",
            "quote it: tenantID: \"123\"",
        );
        case(
            "keyvaultName without a value (not also reported missing)",
            &|d| d["spec"]["parameters"]["keyvaultName"] = Value::Null,
            "KVW005",
            "spec.parameters.keyvaultName",
            "quoted value",
        );
        case(
            "a boolean not quoted",
            &|d| d["spec"]["parameters"]["usePodIdentity"] = json!(false),
            "KVW005",
            "spec.parameters.usePodIdentity",
            "quote it: usePodIdentity: \"false\"",
        );
        case(
            "no spec (not \"provider must be azure\")",
            &|d| {
                d.as_object_mut().unwrap().remove("spec");
            },
            "KVW003",
            "spec",
            "provider: azure",
        );
        case(
            "parameters that are not a mapping (not \"is required\")",
            &|d| d["spec"]["parameters"] = json!("keyvaultName=kv-demo"),
            "KVW003",
            "spec.parameters",
            "under parameters:",
        );
        case(
            "a vault name with two hyphens in a row",
            &|d| d["spec"]["parameters"]["keyvaultName"] = json!("kv--demo"),
            "KVW006",
            "spec.parameters.keyvaultName",
            "ending with a letter or digit, no two hyphens in a row",
        );
        case(
            "secretObjects data without objectName (not \"\"\" is not a declared object\")",
            &|d| {
                d["spec"]["secretObjects"][0]["data"][0]
                    .as_object_mut()
                    .unwrap()
                    .remove("objectName");
            },
            "KVW013",
            "spec.secretObjects[0].data[0].objectName",
            "objectAlias of a declared object",
        );
        for (entry, rule, path, hint) in [
            (
                "    objectName: db-password\n    objectType: Secret\n    objectFormat: pfx\n    objectEncoding: hex\n",
                "KVW011",
                "spec.parameters.objects.array[0].objectType",
                "lower case: secret",
            ),
            (
                "    objectName: db-password\n    objecttype: secret\n",
                "KVW011",
                "spec.parameters.objects.array[0].objecttype",
                "rename it to objectType",
            ),
            (
                "    objectname: db-password\n    objectType: secret\n",
                "KVW011",
                "spec.parameters.objects.array[0].objectname",
                "rename it to objectName",
            ),
            (
                "    objectName: db-password\n    objectType: secret\n    objectAlias: /../db-password\n",
                "KVW012",
                "spec.parameters.objects.array[0].objectAlias",
                "mount path",
            ),
        ] {
            cases.push(("one objects entry", with_object(entry), rule, path, hint));
        }
        for (what, doc, rule, path, hint) in cases {
            let found = lint(&doc);
            assert_eq!(
                found.iter().map(|f| (f.rule.id, f.path.as_str())).collect::<Vec<_>>(),
                vec![(rule, path)],
                "{what}: {found:#?}"
            );
            let got = found[0].hint.as_deref().unwrap_or("");
            assert!(got.contains(hint), "{what}: hint {got:?} lacks {hint:?}");
        }
    }

    #[test]
    fn rule_ids_are_unique_and_in_order() {
        let ids: Vec<&str> = RULES.iter().map(|r| r.id).collect();
        let expected: Vec<String> = (1..=RULES.len()).map(|i| format!("KVW{i:03}")).collect();
        assert_eq!(ids, expected);
        for r in RULES {
            assert!(
                !r.summary.is_empty() && !r.help.is_empty() && !r.name.contains(' '),
                "{r:?}"
            );
        }
        assert_eq!(lint(&good()), vec![]);
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
        // Not compared with a file name already reported.
        assert!(!all.contains("\"nope\" is not a declared object"), "{all}");
    }
}
