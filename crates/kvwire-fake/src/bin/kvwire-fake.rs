//! `kvwire-fake`: a local Azure to run kvwire against — no subscription, no network.
//!
//! Prints `export NAME='value'` lines for kvwire (eval them, or pass `--env-file`), then serves
//! until Ctrl-C (or SIGTERM), when it prints what it was asked and any answer that broke the wire contract.

use kvwire_fake::{Fake, OpKind};
use std::{io::Write, time::Duration};

const HELP: &str = "kvwire-fake: a local Azure (Entra, ARM, Key Vault) for kvwire, on 127.0.0.1

Usage: kvwire-fake [--port N] [--empty] [--op-seconds S] [--env-file FILE] [--kubeconfig FILE]
       kvwire-fake --demo --kvwire PATH [--runbook FILE]

Options:
  --port N          listen on 127.0.0.1:N (default: any free port)
  --empty           start with nothing; default: service-principal cluster rg-demo/aks-demo
                    (pools system and user, a newer node image available) and RBAC vault kv-demo
  --op-seconds S    cluster updates and node-image upgrades take S seconds (default 0)
  --env-file FILE   also write the export lines to FILE
  --kubeconfig FILE write the admin kubeconfig of rg-demo/aks-demo's Kubernetes API (kubectl
                    and kube-rs reach it on 127.0.0.1 with the fake's CA)
  --demo --kvwire PATH [--runbook FILE]
                    run the README's demo (plan, up, up again, verify) with the kvwire at PATH
                    against a local Azure of its own; `cargo run --release --bin kvwire-demo`
                    builds both binaries and starts this
  -h, --help        this help

Then, in another shell:  eval \"$(cat FILE)\"  and run kvwire as usual.";

fn main() {
    let mut args = std::env::args().skip(1);
    let (mut port, mut empty, mut op_seconds, mut env_file) = (0u16, false, 0f64, None);
    let mut kubeconfig = None;
    let (mut demo, mut kvwire, mut runbook) = (false, None, None);
    while let Some(a) = args.next() {
        let mut value = |name: &str| {
            args.next().unwrap_or_else(|| {
                eprintln!("error: {name} needs a value\n\n{HELP}");
                std::process::exit(2)
            })
        };
        match a.as_str() {
            "--port" => port = parse(&value("--port"), "--port"),
            "--empty" => empty = true,
            "--op-seconds" => op_seconds = parse(&value("--op-seconds"), "--op-seconds"),
            "--env-file" => env_file = Some(value("--env-file")),
            "--kubeconfig" => kubeconfig = Some(value("--kubeconfig")),
            "--demo" => demo = true,
            "--kvwire" => kvwire = Some(value("--kvwire")),
            "--runbook" => runbook = Some(value("--runbook")),
            "-h" | "--help" => {
                println!("{HELP}");
                return;
            }
            other => {
                eprintln!("error: unknown argument {other:?}\n\n{HELP}");
                std::process::exit(2);
            }
        }
    }
    if demo {
        let Some(kvwire) = kvwire else {
            eprintln!("error: --demo needs --kvwire PATH\n\n{HELP}");
            std::process::exit(2)
        };
        run_demo(kvwire.as_ref(), runbook);
    }
    let mut fake = Fake::start_on(port);
    fake.strict = false;
    if !empty {
        fake.seed_demo();
    }
    {
        let mut s = fake.state.lock().unwrap();
        let d = Duration::from_secs_f64(op_seconds.max(0.0));
        s.op_duration.insert(OpKind::ClusterUpdate, d);
        s.op_duration.insert(OpKind::NodeImageUpgrade, d);
        s.lro_polls = 0;
        s.poll_retry_after = Some(if op_seconds > 0.0 { 1 } else { 0 });
    }
    if let Some(f) = kubeconfig {
        if empty {
            eprintln!("error: --kubeconfig needs the demo cluster (drop --empty)");
            std::process::exit(2);
        }
        let text = fake.kubeconfig(&Fake::cluster_id("rg-demo", "aks-demo"), true);
        if let Err(e) = std::fs::write(&f, text) {
            eprintln!("error: --kubeconfig {f}: {e}");
            std::process::exit(1);
        }
    }
    let lines: String = fake.env().iter().map(|(k, v)| format!("export {k}='{v}'\n")).collect();
    print!("{lines}");
    std::io::stdout().flush().ok();
    if let Some(f) = env_file
        && let Err(e) = std::fs::write(&f, &lines)
    {
        eprintln!("error: --env-file {f}: {e}");
        std::process::exit(1);
    }
    eprintln!(
        "kvwire-fake: serving on 127.0.0.1:{} (Ctrl-C to stop); the credentials above only work here",
        fake.port
    );
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        // Ctrl-C, or `kill` (SIGTERM) from a CI script.
        #[cfg(unix)]
        {
            let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).unwrap();
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
        }
        #[cfg(not(unix))]
        let _ = tokio::signal::ctrl_c().await;
    });
    let journal = fake.journal();
    let writes = journal.iter().filter(|e| e.is_write()).count();
    eprintln!("\nkvwire-fake: {} requests, {writes} writes", journal.len());
    let violations = fake.violations();
    for v in &violations {
        eprintln!("contract violation: {v}");
    }
    std::process::exit(if violations.is_empty() { 0 } else { 1 });
}

/// The demo, shown at this process's terminal (its stdout is the user's): examples/onboard.toml
/// unless another runbook is named.
fn run_demo(kvwire: &std::path::Path, runbook: Option<String>) -> ! {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let (runbook, shown) = match runbook {
        Some(f) => (std::path::PathBuf::from(&f), f),
        None => (root.join("examples/onboard.toml"), "examples/onboard.toml".to_string()),
    };
    let mut out = std::io::stdout();
    // Colour and width as kvwire itself would at this terminal (no-color.org's NO_COLOR is
    // honoured there); piped, the width COLUMNS names, if any.
    let terminal = kvwire_fake::demo::Terminal {
        colour: std::io::IsTerminal::is_terminal(&out),
        columns: terminal_size::terminal_size_of(&out)
            .map(|(w, _)| usize::from(w.0))
            .or_else(|| std::env::var("COLUMNS").ok()?.trim().parse().ok()),
    };
    let result = kvwire_fake::demo::run(kvwire, &runbook, &shown, terminal, &mut |s| {
        let _ = out.write_all(s.as_bytes());
        let _ = out.flush();
    });
    match result {
        Ok(o) if o.ok => std::process::exit(0),
        Ok(_) => std::process::exit(1),
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    }
}

fn parse<T: std::str::FromStr>(v: &str, name: &str) -> T {
    v.parse().unwrap_or_else(|_| {
        eprintln!("error: {name}: {v:?} is not a number");
        std::process::exit(2)
    })
}
