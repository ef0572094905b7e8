//! `kvwire lint`: SecretProviderClass manifests against the Azure provider's rules, and with
//! `--online`, against the vaults they name.

use crate::{
    azure::secret::{SecretRef, SecretState},
    azure::vault::Vault,
    cli::LintArgs,
    error::{Error, ExitStatus, Result},
    k8s::spc::{self, Finding, Severity},
    settings::Settings,
    ui::output::{OutputFormat, Style},
    util::input::{self, Source, read_bounded},
};
use serde_json::{Value, json};

struct Report {
    file: String,
    /// Index of the document in its file, and the SPC's name.
    doc: usize,
    name: String,
    findings: Vec<Finding>,
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
        for (i, doc) in crate::k8s::yaml::parse_documents(&text, &origin)?.iter().enumerate() {
            if spc::is_spc(doc) {
                let name = doc
                    .pointer("/metadata/name")
                    .and_then(Value::as_str)
                    .unwrap_or("?")
                    .to_string();
                reports.push((
                    Report {
                        file: origin.clone(),
                        doc: i,
                        name,
                        findings: spc::lint(doc),
                    },
                    doc.clone(),
                ));
            }
        }
    }
    if reports.is_empty() {
        return Err(Error::usage("no SecretProviderClass found in the given files"));
    }
    if args.online {
        let az = s.connect().await?;
        for (report, doc) in reports.iter_mut() {
            report.findings.extend(check_vault(&az, doc).await?);
        }
    }
    let errors = reports
        .iter()
        .flat_map(|(r, _)| &r.findings)
        .filter(|f| f.severity == Severity::Error || args.strict)
        .count();
    match ui.format {
        OutputFormat::Json | OutputFormat::Yaml => {
            let docs: Vec<Value> = reports
                .iter()
                .map(|(r, _)| json!({"file": r.file, "document": r.doc, "name": r.name, "findings": r.findings}))
                .collect();
            ui.print_document(&json!({"results": docs, "errors": errors}));
        }
        _ => {
            for (r, _) in &reports {
                if r.findings.is_empty() {
                    ui.print(&format!(
                        "{} {} (document {}, {})\n",
                        ui.paint("✔", Style::Add),
                        r.file,
                        r.doc,
                        r.name
                    ));
                }
                for f in &r.findings {
                    let label = match f.severity {
                        Severity::Error => ui.paint("error", Style::Remove),
                        Severity::Warning => ui.paint("warning", Style::Change),
                    };
                    ui.print(&format!(
                        "{}: document {} ({}): {label}: {}: {}\n",
                        r.file, r.doc, r.name, f.path, f.message
                    ));
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

/// Each declared secret must exist (and be enabled) in the named vault.
async fn check_vault(az: &crate::azure::context::Azure, doc: &Value) -> Result<Vec<Finding>> {
    let mut out = vec![];
    let Some(name) = doc.pointer("/spec/parameters/keyvaultName").and_then(Value::as_str) else {
        return Ok(out);
    };
    let v = match Vault::find(az, name.trim(), None).await {
        Ok(v) => v,
        Err(e) => {
            out.push(Finding {
                severity: Severity::Error,
                path: "spec.parameters.keyvaultName".into(),
                message: e.to_string(),
            });
            return Ok(out);
        }
    };
    let tenant = doc
        .pointer("/spec/parameters/tenantID")
        .or(doc.pointer("/spec/parameters/tenantId"))
        .and_then(Value::as_str);
    if tenant.is_some_and(|t| !t.eq_ignore_ascii_case(&v.tenant_id)) {
        out.push(Finding {
            severity: Severity::Error,
            path: "spec.parameters.tenantID".into(),
            message: format!("vault {} is in tenant {}", v.name, v.tenant_id),
        });
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
        let path = format!("spec.parameters.objects.array[{i}].objectName");
        // Checked before it goes anywhere near a URL (`../keys/k1` would read another object).
        if let Err(why) = crate::model::names::keyvault_object_name(name) {
            out.push(Finding {
                severity: Severity::Error,
                path,
                message: format!("{why}; not looked up"),
            });
            continue;
        }
        let problem = match SecretRef::new(client.clone(), &v.name, name).usable().await {
            SecretState::Enabled => None,
            SecretState::Disabled => Some(format!("secret {name} is disabled in vault {}", v.name)),
            SecretState::Missing => Some(format!("secret {name} does not exist in vault {}", v.name)),
            SecretState::Unknown(code) => Some(format!("cannot check secret {name} in vault {}: {code}", v.name)),
        };
        if let Some(message) = problem {
            out.push(Finding {
                severity: Severity::Error,
                path,
                message,
            });
        }
    }
    Ok(out)
}
