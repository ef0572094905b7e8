//! `--query` and `-o tsv|table`: az's semantics on kvwire's documents. The formatting itself is
//! checked byte for byte against az's own code in ui/tabular.rs; these run the binary.

use crate::support;

use serde_json::json;
use support::{Fake, with_secrets};

const KUBELET_CLIENT: &str = "kc";

fn cluster(fake: &Fake) {
    fake.seed_sp_cluster(
        "rg1",
        "aks1",
        &[("nodepool1", "img-1", "img-1")],
        json!({"identityProfile": {"kubeletidentity": {
            "clientId": KUBELET_CLIENT, "objectId": "ko",
            "resourceId": "/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/MC_rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/aks1-agentpool"}},
            "servicePrincipalProfile": {"clientId": "msi"}}),
    );
}

fn kubelet(fake: &Fake, extra: &[&str]) -> (String, String, i32) {
    let out = fake
        .kvwire()
        .args(["kubelet-identity", "-g", "rg1", "-n", "aks1"])
        .args(extra)
        .output()
        .unwrap();
    (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
        out.status.code().unwrap(),
    )
}

#[test]
fn tsv_of_a_scalar_is_the_bare_value_for_scripts() {
    let fake = Fake::start();
    cluster(&fake);
    // The line: `kvwire kubelet-identity -g RG -n C --query clientId -o tsv`.
    let (out, err, code) = kubelet(&fake, &["--query", "clientId", "-o", "tsv"]);
    assert_eq!((out.as_str(), code), ("kc\n", 0), "{err}");
    // Without -o a query's result is JSON, as az's default.
    let (out, _, code) = kubelet(&fake, &["--query", "clientId"]);
    assert_eq!((out.as_str(), code), ("\"kc\"\n", 0));
    let (out, _, _) = kubelet(&fake, &["--query", "[clientId, objectId]", "-o", "tsv"]);
    assert_eq!(out, "kc\nko\n");
    // The query's own key order makes the columns, as az's OrderedDict does.
    let (out, _, _) = kubelet(&fake, &["--query", "{o: objectId, c: clientId}", "-o", "tsv"]);
    assert_eq!(out, "ko\tkc\n");
    // null prints nothing at all, and is not an error.
    let (out, _, code) = kubelet(&fake, &["--query", "nothingHere", "-o", "tsv"]);
    assert_eq!((out.as_str(), code), ("", 0));
}

#[test]
fn table_reads_like_az() {
    let fake = Fake::start();
    cluster(&fake);
    let (out, err, code) = kubelet(
        &fake,
        &["-o", "table", "--query", "{Client: clientId, Object: objectId}"],
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, "Client    Object\n--------  --------\nkc        ko\n");
    let (out, _, _) = kubelet(&fake, &["-o", "tsv"]);
    assert_eq!(
        out,
        "kc\tko\t/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/MC_rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/aks1-agentpool\n"
    );
}

#[test]
fn a_bad_query_is_a_usage_error_naming_the_flag() {
    let fake = Fake::start();
    cluster(&fake);
    let (out, err, code) = kubelet(&fake, &["--query", "[?clientId"]);
    assert_eq!(code, 2, "{err}");
    assert!(out.is_empty());
    assert!(err.contains("--query") && err.contains("JMESPath"), "{err}");
    // A query needs a document: text and env lines are none.
    for format in ["text", "env"] {
        let (_, err, code) = kubelet(&fake, &["--query", "clientId", "-o", format]);
        assert_eq!(code, 2, "{err}");
        assert!(
            err.contains("--query") && err.contains(&format!("-o {format}")),
            "{err}"
        );
    }
    // One that fails on this document (abs of a string): status 1, nothing on stdout.
    let (out, err, code) = kubelet(&fake, &["--query", "abs(clientId)"]);
    assert_eq!((out.as_str(), code), ("", 1), "{err}");
    assert!(err.contains("error: --query:"), "{err}");
}

#[test]
fn a_plan_document_queried_and_tabled() {
    let fake = Fake::start();
    fake.seed_sp_cluster("rg1", "aks1", &[("pool1", "img-1", "img-2")], json!({}));
    fake.seed_vault("kv-demo", true, true);
    let rb = fake.dir.join("onboard.toml");
    std::fs::write(&rb, support::ONBOARD_RUNBOOK).unwrap();
    let out = with_secrets(fake.kvwire())
        .args(["plan", "-f"])
        .arg(&rb)
        .args(["--query", "steps[?action!='no_op'].[phase, action]", "-o", "tsv"])
        .output()
        .unwrap();
    let (stdout, stderr) = (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    );
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let rows: Vec<&str> = stdout.lines().collect();
    assert!(rows.contains(&"cluster\tupdate"), "{stdout}");
    assert!(rows.iter().all(|r| r.split('\t').count() == 2), "{stdout}");
    // The whole document as a table: its scalar fields only, sorted, as az without --query.
    let out = with_secrets(fake.kvwire())
        .args(["plan", "-f"])
        .arg(&rb)
        .args(["-o", "table"])
        .output()
        .unwrap();
    let table = String::from_utf8(out.stdout).unwrap();
    let header = table.lines().next().unwrap();
    assert!(
        header.starts_with("Command") && header.contains("Dry_run") && header.contains("Format_version"),
        "{table}"
    );
    assert!(!table.contains("Steps"), "{table}");
}
