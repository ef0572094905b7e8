//! `kvwire lint` as a CI job runs it: each finding placed at FILE:LINE:COL in text and JSON.

use crate::support::Fake;
use serde_json::Value;

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
