//! `kvwire init`: a commented runbook that parses, plans against the local Azure, and says what
//! Azure holds; it never overwrites a file by accident.

use crate::support;

use support::{Fake, fake::demo};

#[test]
fn init_writes_a_runbook_that_plans() {
    let fake = Fake::start();
    fake.seed_demo();
    let rb = fake.dir.join("onboard.toml");
    let (_, all, code) = support::outcome(
        fake.kvwire()
            .args([
                "init",
                "-g",
                "rg-demo",
                "-n",
                "aks-demo",
                "--vault",
                "kv-legacy",
                "--namespace",
                "shop",
                "--service-account",
                "checkout",
                "-f",
            ])
            .arg(&rb),
    );
    assert_eq!(code, 0, "{all}");
    let text = std::fs::read_to_string(&rb).unwrap();
    assert!(text.contains("# uses a service principal today"), "{text}");
    assert!(text.contains("re-images its node pools (system, user)"), "{text}");
    assert!(text.contains("uses access policies"), "{text}");
    assert!(
        text.contains("resource_group = \"rg-demo\"\n"),
        "the vault's group was looked up: {text}"
    );
    kvwire::runbook::parse(&text, &rb).unwrap();

    let mut plan = fake.kvwire();
    for (k, v) in demo::DEMO_SECRETS {
        plan.env(k, v);
    }
    let (doc, all, code) = support::outcome(plan.args(["-o", "json", "plan", "-f"]).arg(&rb));
    assert_eq!(code, 0, "{all}");
    assert!(
        doc["steps"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["address"].as_str().unwrap().starts_with("federated credential"))
    );

    // Never overwritten without --force.
    std::fs::write(&rb, "mine").unwrap();
    let (_, all, code) = support::outcome(
        fake.kvwire()
            .args(["init", "-g", "rg-demo", "-n", "aks-demo", "--vault", "kv-demo", "-f"])
            .arg(&rb),
    );
    assert_eq!(code, 2, "{all}");
    assert!(all.contains("--force"), "{all}");
    assert_eq!(std::fs::read_to_string(&rb).unwrap(), "mine");
    assert!(fake.writes().is_empty());
}

#[test]
fn offline_init_in_both_modes_parses() {
    for mode in ["workload-identity", "kubelet"] {
        let out = assert_cmd::Command::cargo_bin("kvwire")
            .unwrap()
            .args([
                "init",
                "--offline",
                "-g",
                "rg1",
                "-n",
                "aks1",
                "--vault",
                "kv-demo",
                "--mode",
                mode,
            ])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let text = String::from_utf8(out.stdout).unwrap();
        let rb = kvwire::runbook::parse(&text, std::path::Path::new("x.toml")).unwrap();
        assert_eq!(&*rb.book.cluster.name, "aks1");
        assert!(text.contains(&format!("mode = \"{mode}\"")), "{text}");
    }
}

/// `init -f LINK --force` where LINK is a symbolic link: refused, naming it; the file it points to
/// is unchanged.
#[cfg(unix)]
#[test]
fn init_force_never_writes_through_a_symlink() {
    let fake = Fake::start();
    let target = fake.dir.join("elsewhere.toml");
    std::fs::write(&target, "mine\n").unwrap();
    let link = fake.dir.join("link.toml");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let (_, all, code) = support::outcome(
        fake.kvwire()
            .args([
                "init",
                "--offline",
                "-g",
                "rg-demo",
                "-n",
                "aks-demo",
                "--vault",
                "kv-demo",
                "--force",
                "-f",
            ])
            .arg(&link),
    );
    assert_eq!(code, 2, "{all}");
    assert!(all.contains("link.toml") && all.contains("symbolic link"), "{all}");
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "mine\n");
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
    assert!(fake.journal().is_empty());
}
