//! `kvwire lint -o sarif`: SARIF 2.1.0 (OASIS), one run, as GitHub code scanning reads it
//! (docs.github.com, "SARIF support for code scanning"): the tool's rules with a stable `id`,
//! `shortDescription` and `help`; each result's `ruleId`, `level`, `message.text` and one
//! physical location with `region.startLine` (code scanning needs at least that line).

use super::Report;
use crate::k8s::spc::{Rule, Severity};
use serde_json::{Value, json};

/// The schema of the version written: the OASIS errata 01 schema GitHub's docs link to.
const SCHEMA: &str = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// The SARIF log of these reports, declaring every rule (code scanning shows a rule's help with
/// each alert; listing all keeps each rule's `ruleIndex` the same from run to run).
pub(super) fn log(reports: &[Report], rules: &[&Rule]) -> Value {
    let rule_index = |id: &str| rules.iter().position(|r| r.id == id);
    let results: Vec<Value> = reports
        .iter()
        .flat_map(|r| r.findings.iter().map(move |(f, at)| (r, f, at)))
        .map(|(r, f, at)| {
            let text = match &f.hint {
                Some(hint) => format!("{}: {}\nhint: {hint}", f.path, f.message),
                None => format!("{}: {}", f.path, f.message),
            };
            let mut result = json!({
                "ruleId": f.rule.id,
                "level": level(f.severity),
                "message": {"text": text},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": {"uri": uri(&r.file)},
                        "region": {"startLine": at.line, "startColumn": at.column},
                    }
                }],
            });
            if let Some(i) = rule_index(f.rule.id) {
                result["ruleIndex"] = json!(i);
            }
            result
        })
        .collect();
    let rules: Vec<Value> = rules
        .iter()
        .map(|r| {
            json!({
                "id": r.id,
                "name": r.name,
                "shortDescription": {"text": r.summary},
                "help": {"text": r.help},
                "defaultConfiguration": {"level": "error"},
            })
        })
        .collect();
    let mut driver = json!({
        "name": "kvwire",
        "version": env!("CARGO_PKG_VERSION"),
        "semanticVersion": env!("CARGO_PKG_VERSION"),
        "rules": rules,
    });
    if let Some(uri) = information_uri() {
        driver["informationUri"] = json!(uri);
    }
    json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": driver},
            // yaml-rust2 counts columns in characters.
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    })
}

/// The project's page, from Cargo.toml (`homepage`, else `repository`), when it names one.
fn information_uri() -> Option<&'static str> {
    [env!("CARGO_PKG_HOMEPAGE"), env!("CARGO_PKG_REPOSITORY")]
        .into_iter()
        .find(|u| u.starts_with("https://"))
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// The path as given, as a relative URI reference (RFC 3986): `/` separates segments (also a
/// Windows `\`), anything but unreserved characters and `/` is percent-encoded (a `:` could read
/// as a scheme; a space or `#` would end the path).
pub(super) fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        match b {
            b'\\' if cfg!(windows) => out.push('/'),
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_become_relative_uri_references() {
        assert_eq!(uri("k8s/spc.yaml"), "k8s/spc.yaml");
        assert_eq!(uri("my dir/a#b:c.yaml"), "my%20dir/a%23b%3Ac.yaml");
        assert_eq!(uri("é.yaml"), "%C3%A9.yaml");
    }
}
