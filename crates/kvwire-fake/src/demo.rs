//! The README's first command: the main job — plan, up, up again, verify of a runbook — run by
//! the real kvwire binary against this local Azure, printed as a user would see it.

use crate::Fake;
use std::{
    path::{Path, PathBuf},
    process::Command,
    time::Instant,
};

/// The demo's DB values: made up, and only ever sent to the local Azure.
pub const DEMO_SECRETS: &[(&str, &str)] = &[
    ("DB_HOST", "checkout-db.postgres.example"),
    ("DB_NAME", "orders"),
    ("DB_USERNAME", "checkout"),
    ("DB_PASSWORD", "demo-only-not-a-secret"),
];

/// `line` without kvwire's colour codes (SGR sequences), to compare what it says.
fn strip_sgr(line: &str) -> std::borrow::Cow<'_, str> {
    if !line.contains('\x1b') {
        return line.into();
    }
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(at) = rest.find("\x1b[") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 2..];
        rest = after.find('m').map_or("", |m| &after[m + 1..]);
    }
    out.push_str(rest);
    out.into()
}

/// What one demo run found.
pub struct Outcome {
    /// Everything printed, in order.
    pub transcript: String,
    /// `verify` exited 0, the second `up` changed nothing, and no body broke the wire contract.
    pub ok: bool,
}

/// Run the demo with `kvwire` (a built binary) on `runbook` (shown to the user as `shown`),
/// copied into a scratch directory so the manifests it writes stay out of the source tree.
/// `print` sees each piece as it comes; `colour`: kvwire colours its text (the demo's own output
/// is a terminal), through `CLICOLOR_FORCE`.
pub fn run(
    kvwire: &Path,
    runbook: &Path,
    shown: &str,
    colour: bool,
    print: &mut dyn FnMut(&str),
) -> Result<Outcome, String> {
    let started = Instant::now();
    let mut fake = Fake::start();
    fake.strict = false;
    fake.seed_demo();
    let work = fake.dir.join("demo");
    std::fs::create_dir_all(&work).map_err(|e| e.to_string())?;
    let text = std::fs::read_to_string(runbook).map_err(|e| format!("{}: {e}", runbook.display()))?;
    let rb: PathBuf = work.join(runbook.file_name().unwrap_or("onboard.toml".as_ref()));
    std::fs::write(&rb, text).map_err(|e| e.to_string())?;

    let mut transcript = String::new();
    // A macro, not a closure: what was said is read back between sayings.
    macro_rules! say {
        ($s:expr) => {{
            let s: &str = $s;
            transcript.push_str(s);
            print(s);
        }};
    }
    say!(&format!(
        "A local Azure on 127.0.0.1:{} (kvwire-fake, over TLS): cluster rg-demo/aks-demo on a service principal, vault kv-demo.\n",
        fake.port
    ));
    let steps: [(&str, &[&str]); 4] = [
        ("plan: what would change (reads only)", &["plan", "-f"]),
        ("up: apply it", &["up", "--yes", "-f"]),
        ("up again: nothing left to do", &["up", "--yes", "-f"]),
        ("verify: check it end to end", &["verify", "-f"]),
    ];
    let mut codes = vec![];
    let mut second_up_writes = 0;
    for (i, (what, args)) in steps.iter().enumerate() {
        say!(&format!("\n── {what}\n$ kvwire {} {shown}\n", args.join(" ")));
        let before = fake.writes().len();
        let mut cmd = Command::new(kvwire);
        cmd.args(*args).arg(&rb).args(["-o", "text"]);
        for (k, v) in fake.env() {
            cmd.env(k, v);
        }
        for (k, v) in DEMO_SECRETS {
            cmd.env(k, v);
        }
        if colour {
            cmd.env("CLICOLOR_FORCE", "1");
        } else {
            cmd.env_remove("CLICOLOR_FORCE");
        }
        for var in [
            "HTTPS_PROXY",
            "https_proxy",
            "HTTP_PROXY",
            "http_proxy",
            "ALL_PROXY",
            "all_proxy",
        ] {
            cmd.env_remove(var);
        }
        let out = cmd
            .output()
            .map_err(|e| format!("cannot run {}: {e}", kvwire.display()))?;
        // Paths as the user typed them: the scratch copy is gone when the demo ends.
        let clean = |b: &[u8]| {
            String::from_utf8_lossy(b)
                .replace(&rb.display().to_string(), shown)
                .replace(&work.display().to_string(), ".")
        };
        let stdout = clean(&out.stdout);
        // `up` shows the plan again before applying it: once is enough here.
        let stdout = match (args[0], stdout.find("\nPlan: ")) {
            ("up", Some(at)) => {
                let rest = &stdout[at + 1..];
                let after = rest.find('\n').map(|n| &rest[n + 1..]).unwrap_or("");
                format!("(the plan shown above)\n{after}")
            }
            _ => stdout,
        };
        // The same outputs and warnings again say nothing new: shown once.
        let mut fresh = String::new();
        let mut block = false;
        for line in stdout.lines().chain(clean(&out.stderr).lines()) {
            let plain = strip_sgr(line);
            let shown = strip_sgr(&transcript);
            if plain.starts_with("Outputs:") {
                block = shown.contains(&*plain);
                if block {
                    fresh.push_str("(outputs as above)\n");
                    continue;
                }
            } else if !plain.starts_with("  ") {
                block = false;
            }
            let repeated = plain.starts_with("warning: ") && shown.contains(&*plain);
            if !block && !repeated {
                fresh.push_str(line);
                fresh.push('\n');
            }
        }
        say!(&fresh);
        codes.push(out.status.code().unwrap_or(-1));
        if i == 2 {
            second_up_writes = fake.writes().len() - before;
        }
    }
    let violations = fake.violations();
    for v in &violations {
        say!(&format!("wire-contract violation: {v}\n"));
    }
    let ok = codes.iter().all(|c| *c == 0) && second_up_writes == 0 && violations.is_empty();
    say!(&format!(
        "\n{} in {:.1} s: {} requests to the local Azure, {} writes; the second up wrote {}.\n",
        if ok { "Done" } else { "FAILED" },
        started.elapsed().as_secs_f64(),
        fake.journal().len(),
        fake.writes().len(),
        second_up_writes
    ));
    say!(
        "\nNext:\n\
         \x20 cargo install --locked --path .          # puts kvwire on PATH (~/.cargo/bin)\n\
         \x20 cargo run --release --bin kvwire-fake    # a local Azure for your own runbook: docs/testing-your-runbook.md\n\
         \x20 kvwire init -g RG -n CLUSTER --vault VAULT -f onboard.toml   # your own runbook, from what Azure holds\n"
    );
    Ok(Outcome { transcript, ok })
}
