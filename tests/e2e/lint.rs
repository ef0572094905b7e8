//! `kvwire lint` as a CI job runs it: each finding placed at FILE:LINE:COL in text, JSON and
//! SARIF, and the SARIF valid against the official SARIF 2.1.0 schema (tests/fixtures/sarif).

use crate::support::Fake;
use serde_json::Value;
use std::path::PathBuf;

/// Three SecretProviderClasses: one with a finding per rule it breaks, one whose `objects` is a
/// mapping (one finding, not two), one clean. The comments say where each finding must point.
const MANIFEST: &str = r#"apiVersion: secrets-store.csi.x-k8s.io/v1
kind: SecretProviderClass
metadata:
  name: shop-db
spec:
  provider: azure
  parameters:
    clientID: "00000000-0000-0000-0000-000000000001"
    keyvaultName: kv--shop
    tenantID: "72f988bf-86f1-41af-91ab-2d7cd011db47"
    userAssignedIdentityId: abc
    objects: |
      array:
        - |
          objectName: db-password
          objectType: Secret
        - |
          objectName: db-user
          objectType: secret
          objectAlias: db-password
  secretObjects:
  - secretName: db
    type: Opaque
    data:
    - objectName: nope
      key: password
---
apiVersion: secrets-store.csi.x-k8s.io/v1
kind: SecretProviderClass
metadata:
  name: shop-cache
spec:
  provider: azure
  parameters:
    clientID: "00000000-0000-0000-0000-000000000001"
    keyvaultName: kv-shop
    tenantID: "72f988bf-86f1-41af-91ab-2d7cd011db47"
    objects:
      array:
        - objectName: cache-key
          objectType: secret
---
apiVersion: secrets-store.csi.x-k8s.io/v1
kind: SecretProviderClass
metadata:
  name: shop-ok
spec:
  provider: azure
  parameters:
    clientID: "00000000-0000-0000-0000-000000000001"
    keyvaultName: kv-shop
    tenantID: "72f988bf-86f1-41af-91ab-2d7cd011db47"
    objects: |
      array:
        - |
          objectName: db-password
          objectType: secret
"#;

/// (rule, line, column) of every finding in MANIFEST, in the file's order.
const EXPECTED: &[(&str, usize, usize)] = &[
    ("KVW006", 9, 19),  // keyvaultName's value
    ("KVW004", 11, 5),  // the misspelt key userAssignedIdentityId
    ("KVW011", 16, 23), // "Secret", inside objects' first entry
    ("KVW012", 20, 24), // the second entry's objectAlias: the first's file again
    ("KVW013", 25, 19), // data[0].objectName
    ("KVW010", 39, 7),  // the mapping under objects (one finding: not also "is not an `array:`")
];

/// Runs `kvwire ARGS bad.yaml` in the fake's directory (so paths print relative, as in CI).
fn lint(f: &Fake, args: &[&str]) -> (String, i32) {
    std::fs::write(f.dir.join("bad.yaml"), MANIFEST).unwrap();
    let out = f
        .kvwire()
        .current_dir(&f.dir)
        .args(args)
        .arg("bad.yaml")
        .output()
        .unwrap();
    assert!(out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
    (String::from_utf8(out.stdout).unwrap(), out.status.code().unwrap_or(-1))
}

#[test]
fn findings_are_placed_at_their_line_and_column_in_text_and_json() {
    let f = Fake::start();
    let (text, code) = lint(&f, &["lint", "-o", "text"]);
    assert_eq!(code, 3, "{text}");
    let places: Vec<(String, usize, usize)> = text
        .lines()
        .filter_map(|l| {
            let mut parts = l.splitn(4, ':');
            let (file, line, column) = (parts.next()?, parts.next()?, parts.next()?);
            let rule = l.rsplit_once('[')?.1.trim_end_matches(']');
            (file == "bad.yaml").then(|| (rule.to_string(), line.parse().unwrap(), column.parse().unwrap()))
        })
        .collect();
    let expected: Vec<(String, usize, usize)> = EXPECTED.iter().map(|(r, l, c)| (r.to_string(), *l, *c)).collect();
    assert_eq!(places, expected, "{text}");
    insta::assert_snapshot!("lint_text", text);

    let (json, code) = lint(&f, &["lint", "-o", "json"]);
    assert_eq!(code, 3);
    let doc: Value = serde_json::from_str(&json).unwrap();
    let found: Vec<(String, usize, usize)> = doc["results"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["findings"].as_array().unwrap().clone())
        .map(|f| {
            assert!(f["hint"].is_string(), "every finding here says how to fix it: {f}");
            (
                f["rule"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap() as usize,
                f["column"].as_u64().unwrap() as usize,
            )
        })
        .collect();
    assert_eq!(found, expected, "{json}");
    assert_eq!(doc["errors"], EXPECTED.len());
    let cache = &doc["results"][1];
    assert_eq!(cache["name"], "shop-cache");
    assert_eq!(cache["findings"][0]["path"], "spec.parameters.objects");
    assert!(
        cache["findings"][0]["hint"].as_str().unwrap().contains("`objects: |`"),
        "the hint that fixes a mapping under objects: {cache}"
    );
}

fn sarif_schema() -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sarif/sarif-schema-2.1.0.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn schema_errors(validator: &jsonschema::Validator, doc: &Value) -> Vec<String> {
    validator
        .iter_errors(doc)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

#[test]
fn sarif_is_valid_sarif_2_1_0_with_rules_and_placed_results() {
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&sarif_schema())
        .unwrap();
    // The validator does reject what the schema forbids (so a pass below means something).
    for broken in [
        serde_json::json!({"runs": []}),
        serde_json::json!({"version": "2.1.0", "runs": [{"tool": {"driver": {}}}]}),
        serde_json::json!({"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [{"message": {"text": "m"}, "level": "fatal"}]}]}),
    ] {
        assert!(!schema_errors(&validator, &broken).is_empty(), "{broken}");
    }

    let f = Fake::start();
    let (sarif, code) = lint(&f, &["lint", "-o", "sarif"]);
    assert_eq!(code, 3, "findings fail the job, as with -o json");
    let doc: Value = serde_json::from_str(&sarif).unwrap();
    let errors = schema_errors(&validator, &doc);
    assert!(errors.is_empty(), "{errors:#?}\n{sarif}");

    // What GitHub code scanning reads.
    assert_eq!(doc["version"], "2.1.0");
    let runs = doc["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1);
    let driver = &runs[0]["tool"]["driver"];
    assert_eq!(driver["name"], "kvwire");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    let rules = driver["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    let mut unique = ids.clone();
    unique.dedup();
    assert_eq!(ids, unique, "one rule per id");
    for r in rules {
        assert!(
            r["shortDescription"]["text"].as_str().is_some_and(|t| !t.is_empty()),
            "{r}"
        );
        assert!(r["help"]["text"].as_str().is_some_and(|t| !t.is_empty()), "{r}");
    }
    let results = runs[0]["results"].as_array().unwrap();
    let placed: Vec<(String, usize, usize)> = results
        .iter()
        .map(|r| {
            let i = r["ruleIndex"].as_u64().unwrap() as usize;
            assert_eq!(rules[i]["id"], r["ruleId"], "ruleIndex names the rule: {r}");
            assert_eq!(r["level"], "error");
            assert!(r["message"]["text"].as_str().unwrap().contains("hint: "), "{r}");
            let location = &r["locations"][0]["physicalLocation"];
            assert_eq!(location["artifactLocation"]["uri"], "bad.yaml", "the path as given");
            (
                r["ruleId"].as_str().unwrap().to_string(),
                location["region"]["startLine"].as_u64().unwrap() as usize,
                location["region"]["startColumn"].as_u64().unwrap() as usize,
            )
        })
        .collect();
    let expected: Vec<(String, usize, usize)> = EXPECTED.iter().map(|(r, l, c)| (r.to_string(), *l, *c)).collect();
    assert_eq!(placed, expected, "{sarif}");

    // A clean file: a valid log with no results, exit 0.
    let clean = f.dir.join("clean.yaml");
    std::fs::write(&clean, MANIFEST.rsplit("---\n").next().unwrap()).unwrap();
    let out = f.kvwire().args(["lint", "-o", "sarif"]).arg(&clean).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(schema_errors(&validator, &doc), Vec::<String>::new());
    assert_eq!(doc["runs"][0]["results"], serde_json::json!([]));
}
