//! Hostile or malformed input, end to end: it is refused with exit 2 and a short message that
//! names the field, nothing is written, and no secret comes back.

use crate::support;

use serde_json::json;
use support::{Fake, fake};

fn manifests_with_image(f: &Fake, image: &str) -> std::process::Output {
    f.kvwire()
        .args([
            "manifests",
            "--offline",
            "--vault",
            "kv-demo",
            "--namespace",
            "shop",
            "--tenant-id",
            fake::TENANT,
            "--client-id",
            fake::CLIENT_ID,
            "--deployment",
            "web",
            &format!("--image={image}"),
        ])
        .output()
        .unwrap()
}

#[test]
fn an_image_either_round_trips_or_is_refused() {
    let f = Fake::start();
    // The injection of the security review, then a deterministic sample of odd references.
    let mut images = vec![
        "nginx\nhostPID: true".to_string(),
        "nginx\r\n    hostPID: true".to_string(),
        "nginx\u{2028}hostPID: true".to_string(),
        "nginx\u{85}hostPID: true".to_string(),
        "ghcr.io/example/checkout:1.4".to_string(),
        "localhost:5000/app@sha256:0123456789abcdef0123456789abcdef".to_string(),
    ];
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let pool: Vec<char> = "abcz019:/@._-+ #\"'\n\r\t\u{2028}\u{85}&*!|>{}[]ÉA".chars().collect();
    for _ in 0..60 {
        let len = 1 + (state % 24) as usize;
        let s: String = (0..len)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                pool[(state % pool.len() as u64) as usize]
            })
            .collect();
        images.push(s);
    }
    let mut accepted = 0;
    for image in &images {
        let out = manifests_with_image(&f, image);
        let stderr = String::from_utf8_lossy(&out.stderr);
        match out.status.code() {
            Some(2) => assert!(stderr.contains("--image"), "{image:?}: {stderr}"),
            Some(0) => {
                accepted += 1;
                let docs = kvwire::k8s::yaml::parse_documents(&String::from_utf8_lossy(&out.stdout), "out").unwrap();
                let d = docs.iter().find(|d| d["kind"] == "Deployment").unwrap();
                assert_eq!(d["spec"]["template"]["spec"]["containers"][0]["image"], json!(image));
                assert!(d["spec"]["template"]["spec"].get("hostPID").is_none(), "{d:#}");
            }
            other => panic!("{image:?}: exit {other:?}: {stderr}"),
        }
    }
    assert!(accepted >= 2, "valid references are accepted ({accepted})");
    for injected in &images[..4] {
        assert_eq!(
            manifests_with_image(&f, injected).status.code(),
            Some(2),
            "{injected:?}"
        );
    }
}

#[test]
fn lint_refuses_an_alias_bomb_quickly() {
    let f = Fake::start();
    let mut bomb = String::from("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
    for (prev, name) in ["a", "b", "c", "d", "e", "f", "g", "h"]
        .iter()
        .zip(["b", "c", "d", "e", "f", "g", "h", "i"])
    {
        bomb.push_str(&format!(
            "{name}: &{name} [{}]\n",
            vec![format!("*{prev}"); 9].join(",")
        ));
    }
    let path = f.dir.join("bomb.yaml");
    std::fs::write(&path, &bomb).unwrap();
    let out = f.kvwire().arg("lint").arg(&path).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("bomb.yaml") && stderr.contains("alias bomb"),
        "{stderr}"
    );
}

#[test]
fn env_file_errors_name_line_and_key_never_the_value() {
    let f = Fake::start();
    f.seed_vault("kv-demo", true, true);
    for (text, secret) in [
        ("DB_HOST=h\nDB_PASSWORD: hunter2=x\n", "hunter2"),
        ("DB_PASSWORD=\"c2VjcmV0LXZhbHVl\nc2VjcmV0LXRhaWw=\n", "c2VjcmV0LXRhaWw"),
    ] {
        let file = f.dir.join("db.env");
        std::fs::write(&file, text).unwrap();
        let out = f
            .kvwire()
            .args(["secrets", "seed", "--vault", "kv-demo", "--yes", "--from-file"])
            .arg(&file)
            .output()
            .unwrap();
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(out.status.code(), Some(2), "{all}");
        assert!(all.contains("db.env:"), "names the file and line: {all}");
        assert!(!all.contains(secret), "{all}");
        assert!(f.writes().is_empty());
    }
}

#[test]
fn numbers_out_of_range_are_refused_before_any_request() {
    let f = Fake::start();
    for (flag, value) in [
        ("--lro-timeout", "18446744073709551615"),
        ("--timeout", "0"),
        ("--retries", "1000"),
    ] {
        let out = f
            .kvwire()
            .args([flag, value, "kubelet-identity", "-g", "rg1", "-n", "aks1"])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{flag}: {stderr}");
        assert!(stderr.contains(flag), "{stderr}");
    }
    let out = f
        .kvwire()
        .args([
            "grant",
            "--vault",
            "kv-demo",
            "--to",
            "principal:00000000-0000-0000-0000-000000000001",
            "--principal-wait",
            "18446744073709551615",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("--principal-wait"), "{stderr}");
    assert!(f.journal().is_empty(), "nothing was sent");
}

#[test]
fn a_huge_invalid_runbook_value_is_not_echoed_whole() {
    let f = Fake::start();
    // Most of what a runbook may hold, so it is the value that is refused, not the file's size.
    let huge = "x ".repeat(kvwire::util::input::RUNBOOK.bytes / 3);
    for (what, text) in [
        (
            "image",
            support::ONBOARD_RUNBOOK.replace(
                "image = \"ghcr.io/example/checkout:1.4\"",
                &format!("image = \"{huge}\""),
            ),
        ),
        (
            "managed_identity",
            support::ONBOARD_RUNBOOK.replace(
                "name = \"aks1\"",
                &format!("name = \"aks1\"\nmanaged_identity = \"{huge}\""),
            ),
        ),
    ] {
        let rb = f.dir.join("big.toml");
        std::fs::write(&rb, text).unwrap();
        let out = f.kvwire().args(["plan", "-f"]).arg(&rb).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{what}");
        assert!(stderr.len() < 2_000, "{what}: {} bytes of error", stderr.len());
        assert!(
            stderr.contains("big.toml:") && stderr.contains("more characters"),
            "{what}: {stderr}"
        );
    }
}

#[test]
fn lint_online_validates_object_names_and_never_reads_values() {
    let f = Fake::start();
    f.seed_vault("kv-demo", true, true);
    f.seed_secret("kv-demo", "db-host", "h", false);
    let spc = format!(
        "apiVersion: secrets-store.csi.x-k8s.io/v1\nkind: SecretProviderClass\nmetadata:\n  name: x\nspec:\n  provider: azure\n  parameters:\n    clientID: {}\n    keyvaultName: kv-demo\n    tenantID: {}\n    objects: |\n      array:\n        - |\n          objectName: db-host\n          objectType: secret\n        - |\n          objectName: ../keys/k1\n          objectType: secret\n          objectAlias: k1\n",
        fake::CLIENT_ID,
        fake::TENANT
    );
    let path = f.dir.join("spc.yaml");
    std::fs::write(&path, spc).unwrap();
    let out = f
        .kvwire()
        .args(["lint", "--online", "-o", "text"])
        .arg(&path)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(3),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("\"../keys/k1\" is not a Key Vault object name"),
        "{stdout}"
    );
    let journal = f.journal();
    assert!(!journal.iter().any(|e| e.path.contains("/keys")), "{journal:#?}");
    let value_reads: Vec<&String> = journal
        .iter()
        .filter(|e| e.method == "GET" && e.path.starts_with("/secrets/"))
        .map(|e| &e.path)
        .collect();
    assert!(value_reads.is_empty(), "a secret's value was read: {value_reads:?}");
}
