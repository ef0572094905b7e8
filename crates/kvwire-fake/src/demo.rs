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

/// Where the demo is shown. kvwire's own output is captured, not a terminal: it is told what the
/// demo's is.
#[derive(Debug, Clone, Copy, Default)]
pub struct Terminal {
    /// kvwire colours its text (`CLICOLOR_FORCE`).
    pub colour: bool,
    /// kvwire fits its text to this width (`COLUMNS`); the demo's own lines are narrower than 80.
    pub columns: Option<usize>,
}

/// Run the demo with `kvwire` (a built binary) on `runbook` (shown to the user as `shown`),
/// copied into a scratch directory so the manifests it writes stay out of the source tree.
/// `print` sees each piece as it comes.
pub fn run(
    kvwire: &Path,
    runbook: &Path,
    shown: &str,
    terminal: Terminal,
    print: &mut dyn FnMut(&str),
) -> Result<Outcome, String> {
    let started = Instant::now();
    // kvwire runs in the scratch directory: a path relative to here would not find it.
    let kvwire = &std::path::absolute(kvwire).map_err(|e| format!("{}: {e}", kvwire.display()))?;
    let mut fake = Fake::start();
    fake.strict = false;
    fake.seed_demo();
    let work = fake.dir.join("demo");
    std::fs::create_dir_all(&work).map_err(|e| e.to_string())?;
    let text = std::fs::read_to_string(runbook).map_err(|e| format!("{}: {e}", runbook.display()))?;
    // Laid out as `shown` says, under the scratch directory kvwire runs in: kvwire then prints the
    // paths the user would see running it themselves (examples/onboard.toml, examples/k8s), and
    // fits its lines to the terminal with them. A runbook named otherwise (an absolute path, ..)
    // is shown by its file name.
    let relative = Path::new(shown)
        .components()
        .all(|c| matches!(c, std::path::Component::Normal(_)));
    let arg: PathBuf = if relative {
        PathBuf::from(shown)
    } else {
        PathBuf::from(runbook.file_name().unwrap_or("onboard.toml".as_ref()))
    };
    let shown = arg.display().to_string();
    let rb = work.join(&arg);
    if let Some(dir) = rb.parent() {
        std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    }
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
        "A local Azure on 127.0.0.1:{} (kvwire-fake, over TLS) holding cluster\n\
         rg-demo/aks-demo, on a service principal, and vault kv-demo.\n",
        fake.port
    ));
    // What each run shows, as a comment on its command line. `plan --brief`: a line per step, the
    // first screen a new user reads; without it, `plan` also shows why each step is there and
    // every field it sets.
    let steps: [(&str, &[&str]); 4] = [
        ("what would change", &["plan", "--brief", "-f"]),
        ("apply it", &["up", "--yes", "-f"]),
        ("again: nothing left to do", &["up", "--yes", "-f"]),
        ("check it end to end", &["verify", "-f"]),
    ];
    let mut codes = vec![];
    let mut second_up_writes = 0;
    for (i, (what, args)) in steps.iter().enumerate() {
        say!(&format!("\n$ kvwire {} {shown}   # {what}\n", args.join(" ")));
        let before = fake.writes().len();
        let mut cmd = Command::new(kvwire);
        cmd.current_dir(&work).args(*args).arg(&arg).args(["-o", "text"]);
        for (k, v) in fake.env() {
            cmd.env(k, v);
        }
        for (k, v) in DEMO_SECRETS {
            cmd.env(k, v);
        }
        if terminal.colour {
            cmd.env("CLICOLOR_FORCE", "1");
        } else {
            cmd.env_remove("CLICOLOR_FORCE");
        }
        match terminal.columns {
            Some(c) => cmd.env("COLUMNS", c.to_string()),
            None => cmd.env_remove("COLUMNS"),
        };
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
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        // Blocks: a line and the indented lines under it (its entries, or the rest of a line
        // fitted to the terminal).
        let mut blocks: Vec<Vec<&str>> = vec![];
        for line in stdout.lines().chain(stderr.lines()) {
            match blocks.last_mut() {
                Some(b) if strip_sgr(line).starts_with(' ') => b.push(line),
                _ => blocks.push(vec![line]),
            }
        }
        let mut fresh = String::new();
        let mut planned = false;
        // What was shown so far, as text: the same for every block of this run.
        let shown_so_far = strip_sgr(&transcript).into_owned();
        for block in blocks {
            let plain: Vec<_> = block.iter().map(|l| strip_sgr(l).into_owned()).collect();
            let plain = plain.join("\n");
            let seen = shown_so_far.contains(&plain);
            let lead = plain.split([' ', '\n']).next().unwrap_or_default();
            // `up` shows the plan again before applying it, and the same outputs and warnings
            // again say nothing new: each is shown once.
            let replaced = match lead {
                "──" | "Plan:" if args[0] == "up" => (!planned).then_some("(the plan shown above)\n"),
                "Outputs:" | "warning:" if seen => Some(""),
                _ => {
                    for line in &block {
                        fresh.push_str(line);
                        fresh.push('\n');
                    }
                    continue;
                }
            };
            planned |= lead == "──" || lead == "Plan:";
            fresh.push_str(replaced.unwrap_or_default());
        }
        // What was left out leaves its blank lines behind: one is enough, and none at the end.
        while let Some(at) = fresh.find("\n\n\n") {
            fresh.remove(at);
        }
        while fresh.ends_with("\n\n") {
            fresh.pop();
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
        "\n{} in {:.1} s: {} requests, {} writes; the second up wrote {}.\n",
        if ok { "Done" } else { "FAILED" },
        started.elapsed().as_secs_f64(),
        fake.journal().len(),
        fake.writes().len(),
        second_up_writes
    ));
    say!(
        "\nNext: kvwire on PATH, a local Azure for your runbook, then your own runbook:\n\
         \x20 cargo install --locked --path .         # into ~/.cargo/bin\n\
         \x20 cargo run --release --bin kvwire-fake   # docs/testing-your-runbook.md\n\
         \x20 kvwire init -g RG -n CLUSTER --vault VAULT -f onboard.toml\n"
    );
    Ok(Outcome { transcript, ok })
}
