//! `kvwire lint`: SecretProviderClass manifests against the Azure provider's rules, and with
//! `--online`, against the vaults they name. Findings read like a compiler's (FILE:LINE:COL), or
//! as a document: JSON, YAML, or SARIF for code scanning.

mod sarif;

use crate::{
    azure::secret::{SecretRef, SecretState},
    azure::vault::Vault,
    cli::{LintArgs, LintFormat},
    error::{Error, ExitStatus, Result},
    k8s::spc::{self, Finding, Rule, Severity, Spot},
    k8s::yaml::Pos,
    settings::Settings,
    ui::output::{OutputFormat, Style},
    util::input::{self, Source, read_bounded},
};
use serde_json::{Value, json};

/// The format the Ui is set up for: SARIF is a JSON document.
pub(crate) fn document_format(f: LintFormat) -> OutputFormat {
    match f {
        LintFormat::Text => OutputFormat::Text,
        LintFormat::Json | LintFormat::Sarif => OutputFormat::Json,
        LintFormat::Yaml => OutputFormat::Yaml,
        LintFormat::Tsv => OutputFormat::Tsv,
        LintFormat::Table => OutputFormat::Table,
    }
}

/// One SecretProviderClass's findings, each with where it is in the file.
struct Report {
    file: String,
    /// Index of the document in its file, and the SPC's name.
    doc: usize,
    name: String,
    findings: Vec<(Finding, Pos)>,
}

pub(crate) async fn run(args: &LintArgs, s: &Settings) -> Result<ExitStatus> {
    let ui = &s.ui;
    let mut reports = vec![];
    for path in &args.files {
        let (origin, from) = if path.as_os_str() == "-" {
            ("stdin".to_string(), Source::Stdin)
        } else {
            (path.display().to_string(), Source::File(path))
        };
        let text = read_bounded(from, input::YAML, &origin)?;
        for (i, doc) in crate::k8s::yaml::parse_located(&text, &origin)?.into_iter().enumerate() {
            if spc::is_spc(&doc.value) {
                let name = doc
                    .value
                    .pointer("/metadata/name")
                    .and_then(Value::as_str)
                    .unwrap_or("?")
                    .to_string();
                let findings = spc::lint(&doc.value);
                reports.push((origin.clone(), i, name, doc, findings));
            }
        }
    }
    if reports.is_empty() {
        return Err(Error::usage("no SecretProviderClass found in the given files"));
    }
    if args.online {
        let az = s.connect().await?;
        for (.., doc, findings) in reports.iter_mut() {
            findings.extend(check_vault(&az, &doc.value).await?);
        }
    }
    let reports: Vec<Report> = reports
        .into_iter()
        .map(|(file, doc, name, located, findings)| {
            let mut findings: Vec<(Finding, Pos)> = findings
                .into_iter()
                .map(|f| {
                    let at = f.spot.locate(&located.value, &located.positions);
                    (f, at)
                })
                .collect();
            // In the file's order, as a compiler reports.
            findings.sort_by_key(|(_, at)| *at);
            Report {
                file,
                doc,
                name,
                findings,
            }
        })
        .collect();
    let errors = reports
        .iter()
        .flat_map(|r| &r.findings)
        .filter(|(f, _)| f.severity == Severity::Error || args.strict)
        .count();
    match (args.output, ui.format) {
        (Some(LintFormat::Sarif), _) => ui.print_document(&sarif::log(&reports, &rules())),
        (_, f) if f.is_document() => {
            let docs: Vec<Value> = reports
                .iter()
                .map(|r| {
                    let findings: Vec<Value> = r
                        .findings
                        .iter()
                        .map(|(f, at)| {
                            let mut v = serde_json::to_value(f).expect("findings serialise");
                            v["line"] = json!(at.line);
                            v["column"] = json!(at.column);
                            v
                        })
                        .collect();
                    json!({"file": r.file, "document": r.doc, "name": r.name, "findings": findings})
                })
                .collect();
            ui.print_document(&json!({"results": docs, "errors": errors}));
        }
        _ => {
            for r in &reports {
                if r.findings.is_empty() {
                    ui.print(&format!(
                        "{} {} (document {}, {})\n",
                        ui.paint("✔", Style::Add),
                        r.file,
                        r.doc,
                        r.name
                    ));
                }
                for (f, at) in &r.findings {
                    let label = match f.severity {
                        Severity::Error => ui.paint("error", Style::Remove),
                        Severity::Warning => ui.paint("warning", Style::Change),
                    };
                    ui.print(&format!(
                        "{}:{}:{}: {label}: {}: {} [{}]\n",
                        r.file, at.line, at.column, f.path, f.message, f.rule.id
                    ));
                    if let Some(hint) = &f.hint {
                        ui.print(&format!("  {}: {hint}\n", ui.paint("hint", Style::Run)));
                    }
                }
            }
        }
    }
    Ok(if errors > 0 {
        ExitStatus::ChecksFailed
    } else {
        ExitStatus::Success
    })
}

/// Every rule, offline and online, in ID order.
fn rules() -> Vec<&'static Rule> {
    spc::RULES.iter().copied().chain(ONLINE_RULES.iter().copied()).collect()
}

const ONLINE_RULES: &[&Rule] = &[&RULE_VAULT, &RULE_SECRET];

pub(crate) const RULE_VAULT: Rule = Rule {
    id: "KVW014",
    name: "vault-exists",
    summary: "With --online: the vault exists where your credentials can see it, in tenantID's tenant.",
    help: "Check keyvaultName (and the subscription your credentials see) and set tenantID to the vault's tenant.",
};

pub(crate) const RULE_SECRET: Rule = Rule {
    id: "KVW015",
    name: "secret-exists",
    summary: "With --online: each secret object exists and is enabled in the vault.",
    help: "Create or enable the secret in the vault (kvwire secrets seed), or fix its objectName.",
};

/// Each declared secret must exist (and be enabled) in the named vault.
async fn check_vault(az: &crate::azure::context::Azure, doc: &Value) -> Result<Vec<Finding>> {
    let mut out = vec![];
    let params = Spot::doc(&["spec", "parameters"]);
    let Some(name) = doc.pointer("/spec/parameters/keyvaultName").and_then(Value::as_str) else {
        return Ok(out);
    };
    let v = match Vault::find(az, name.trim(), None).await {
        Ok(v) => v,
        Err(e) => {
            out.push(Finding::error(&RULE_VAULT, &params.k("keyvaultName"), e.to_string()));
            return Ok(out);
        }
    };
    let (key, tenant) = match doc.pointer("/spec/parameters/tenantID").and_then(Value::as_str) {
        Some(t) if !t.trim().is_empty() => ("tenantID", Some(t)),
        _ => (
            "tenantId",
            doc.pointer("/spec/parameters/tenantId").and_then(Value::as_str),
        ),
    };
    if tenant.is_some_and(|t| !t.trim().eq_ignore_ascii_case(&v.tenant_id)) {
        out.push(
            Finding::error(
                &RULE_VAULT,
                &params.k(key),
                format!("vault {} is in tenant {}", v.name, v.tenant_id),
            )
            .hint(format!("{key}: \"{}\"", v.tenant_id)),
        );
    }
    let client = std::sync::Arc::new(az.secret_client(&v.uri)?);
    let objects = doc
        .pointer("/spec/parameters/objects")
        .and_then(Value::as_str)
        .unwrap_or("");
    for (i, o) in spc::declared_objects(objects).unwrap_or_default().iter().enumerate() {
        if o["objectType"] != "secret" {
            continue;
        }
        let name = o["objectName"].as_str().unwrap_or("");
        let at = params.k("objects").text().k("array").i(i).text().k("objectName");
        // Checked before it goes anywhere near a URL (`../keys/k1` would read another object).
        if let Err(why) = crate::model::names::keyvault_object_name(name) {
            out.push(Finding::error(&RULE_SECRET, &at, format!("{why}; not looked up")));
            continue;
        }
        let problem = match SecretRef::new(client.clone(), &v.name, name).usable().await {
            SecretState::Enabled => None,
            SecretState::Disabled => Some(format!("secret {name} is disabled in vault {}", v.name)),
            SecretState::Missing => Some(format!("secret {name} does not exist in vault {}", v.name)),
            SecretState::Unknown(code) => Some(format!("cannot check secret {name} in vault {}: {code}", v.name)),
        };
        if let Some(message) = problem {
            out.push(Finding::error(&RULE_SECRET, &at, message));
        }
    }
    Ok(out)
}
