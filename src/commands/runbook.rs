//! `kvwire plan|up|down -f runbook.toml`: a runbook's plans, run.

use crate::azure::cluster::ClusterRef;
use crate::plan::RunSpec;
use crate::{
    error::{Error, ExitStatus, Result},
    plan::{
        self,
        saved::{Origin, SavedPlan},
    },
    runbook::{self, build},
    settings::Settings,
    steps::kube::KubeOptions,
};
use std::{
    path::{Path, PathBuf},
    sync::Arc,
};

/// Steps applied at once (node pools, secrets).
const PARALLEL: usize = 8;

/// At most this many steps of a fleet apply at once: each runbook brings a few independent writes
/// (its identity, credential, role assignment), and ARM's subscription write budget (a burst of
/// 200, then 10 a second per subscription and principal: Azure Resource Manager, "Request limits
/// and throttling", regional token-bucket limits)
/// takes 32 in flight without a 429.
const FLEET_PARALLEL: usize = 32;

/// What `plan` and `up` are asked to do with saved plans.
#[derive(Default)]
pub(crate) struct Saved<'a> {
    /// `plan --out FILE`.
    pub(crate) out: Option<&'a Path>,
    /// `up --plan FILE`.
    pub(crate) apply: Option<&'a Path>,
}

/// `plan` (dry run) and `up`; `saved` writes or applies a saved plan; `adopt` (`up --adopt`)
/// adopts what exists and this runbook did not make without asking. More than one runbook (or a
/// directory) is a fleet: see [`fleet`].
pub(crate) async fn up(
    files: &[PathBuf],
    s: &Settings,
    dry_run: bool,
    no_wait: bool,
    saved: Saved<'_>,
    adopt: bool,
    kube: KubeOptions,
) -> Result<ExitStatus> {
    let kube = &kube;
    if files.len() > 1 || files.iter().any(|f| f.is_dir()) {
        if saved.out.is_some() || saved.apply.is_some() {
            return Err(Error::usage(format!(
                "{}: a saved plan holds one runbook; plan and apply each runbook of the fleet apart, or run them together without it",
                if saved.out.is_some() { "--out" } else { "--plan" }
            )));
        }
        return fleet(files, s, dry_run, no_wait, adopt, kube).await;
    }
    // All input — the saved plan, the runbook and every secret value — is read and checked
    // before any request.
    let applying = saved.apply.map(SavedPlan::read).transpose()?;
    let file: PathBuf = match (files.first(), &applying) {
        (Some(f), _) => f.to_path_buf(),
        (None, Some(p)) => p.runbook.clone(),
        (None, None) => unreachable!("clap requires -f without --plan"),
    };
    if let Some(out) = saved.out {
        refuse_out(out, &file)?;
    }
    let rb = runbook::load(&file)?;
    // The digest of the very text that was parsed.
    let sha = rb.sha256.clone();
    if let Some(p) = &applying
        && p.runbook_sha256 != sha
    {
        // The same check runs again below with the subscription; this one saves a sign-in.
        p.check_origin(&Origin {
            runbook: file.clone(),
            runbook_sha256: sha.clone(),
            subscription: p.subscription.clone(),
        })?;
    }
    // A plan only shown may lack secret values; a saved one is applied later and must be whole.
    let seeds = build::read_seeds(&rb, dry_run && saved.out.is_none())?;
    // A saved plan's runbook may seed secrets whatever it says now: it is checked against the plan.
    let scopes = if applying.is_some() {
        super::tokens::runbook_scopes(std::iter::empty())
            .into_iter()
            .chain([crate::azure::auth::Scope::KeyVault])
            .collect()
    } else {
        super::tokens::runbook_scopes(std::iter::once(&rb))
    };
    let az = Arc::new(s.connect_for(!no_wait, scopes).await?);
    let origin = Origin {
        runbook: file.clone(),
        runbook_sha256: sha,
        subscription: az.subscription.clone(),
    };
    if let Some(p) = &applying {
        p.check_origin(&origin)?;
    }
    if saved.out.is_some() {
        // A plan saved while an operation runs records entity tags that operation will move:
        // stale before anyone reviews it. Wait for the cluster and its pools first.
        let cluster = ClusterRef::new(az.clone(), &rb.book.cluster.resource_group, &rb.book.cluster.name);
        if no_wait {
            let (_, mc) = cluster.read().await?;
            if let Some(what) = mc.busy() {
                return Err(Error::runtime(format!(
                    "cluster {}: {what} is running; a plan saved now would be stale before it is reviewed. Nothing was saved: wait for it (`kvwire wait -f {}`), or plan without --no-wait, which waits",
                    cluster.label(),
                    file.display()
                )));
            }
        } else {
            let lines = super::wait::progress_lines(&cluster, s);
            cluster.settled(&|status: &str| lines(status)).await?;
        }
    }
    // One observation for building the plan and for its steps: the cluster, its pools and Graph
    // are read once.
    let observation = crate::util::observation::Observation::default();
    let (p, _) = observation
        .run(build::up_applying(&az, &rb, seeds, adopt, Some(kube)))
        .await?;
    // Resuming a saved plan goes on with the reviewed plan, not a new one — once what this run
    // started in Azure has finished (a saved plan does not adopt a running operation: it compares).
    let apply_hint = match (saved.out, saved.apply) {
        (Some(path), _) => format!("kvwire up --plan {}", path.display()),
        (None, Some(path)) => format!(
            "kvwire wait -f {} && kvwire up --plan {}",
            file.display(),
            path.display()
        ),
        (None, None) => format!("kvwire up -f {}", file.display()),
    };
    let opts = s.run_options(RunSpec {
        parallel: PARALLEL,
        dry_run,
        no_wait,
        apply_hint,
        wait_hint: Some(format!("kvwire wait -f {}", file.display())),
        save: saved.out.map(|o| (o.to_path_buf(), origin)),
        replan_hint: saved
            .apply
            .map(|path| format!("kvwire plan -f {} --out {}", file.display(), path.display())),
        saved: applying,
        ..RunSpec::default()
    })?;
    plan::run_in(observation, p, &opts).await
}

/// Many runbooks in one process (`up -f a.toml -f b.toml`, or `-f DIR`): every runbook and its
/// secret values read and checked first; one sign-in and token cache; one observation, so the
/// cluster, its pools and each vault are read once; one write per cluster that merges what all of
/// them need; then each runbook's own steps side by side, each reported apart. A runbook's failure
/// stops only its own steps; the exit code is the worst.
async fn fleet(
    files: &[PathBuf],
    s: &Settings,
    dry_run: bool,
    no_wait: bool,
    adopt: bool,
    kube: &KubeOptions,
) -> Result<ExitStatus> {
    let books = runbook::load_fleet(files)?;
    let mut seeds = vec![];
    for rb in &books {
        seeds.push(build::read_seeds(rb, dry_run)?);
    }
    // Refused before any request: runbooks that disagree about a cluster's settings.
    let clusters = build::merge_clusters(&books.iter().collect::<Vec<_>>())?;
    let az = Arc::new(
        s.connect_for(!no_wait, super::tokens::runbook_scopes(books.iter()))
            .await?,
    );
    let observation = crate::util::observation::Observation::default();
    let (p, _) = observation
        .run(build::up_fleet(
            &az,
            books.iter().zip(seeds).collect(),
            &clusters,
            adopt,
            Some(kube),
        ))
        .await?;
    let list: Vec<String> = files.iter().map(|f| format!("-f {}", f.display())).collect();
    let again = format!("kvwire up {}", list.join(" "));
    let opts = s.run_options(RunSpec {
        parallel: (PARALLEL * books.len()).min(FLEET_PARALLEL),
        dry_run,
        no_wait,
        apply_hint: again,
        wait_hint: Some(
            clusters
                .iter()
                .map(|c| format!("kvwire wait -g {} -n {}", c.resource_group, c.name))
                .collect::<Vec<_>>()
                .join(" && "),
        ),
        ..RunSpec::default()
    })?;
    plan::run_in(observation, p, &opts).await
}

/// `plan --out FILE` would replace FILE: never the runbook itself (under any spelling, or a hard
/// link to it), never through a link. Checked before any request.
fn refuse_out(out: &Path, runbook: &Path) -> Result<()> {
    crate::util::fs::check_target(out).map_err(|e| e.into_error("--out", Error::usage))?;
    let same = match (std::fs::metadata(out), std::fs::metadata(runbook)) {
        #[cfg(unix)]
        (Ok(a), Ok(b)) => {
            use std::os::unix::fs::MetadataExt;
            (a.dev(), a.ino()) == (b.dev(), b.ino())
        }
        #[cfg(not(unix))]
        (Ok(_), Ok(_)) => std::fs::canonicalize(out).ok() == std::fs::canonicalize(runbook).ok(),
        _ => false,
    };
    if same {
        return Err(Error::usage(format!(
            "--out {}: that is the runbook {}; the plan would replace it. Name another file, e.g. plan.kvwire",
            out.display(),
            runbook.display()
        )));
    }
    Ok(())
}

/// `show FILE`: a saved plan as text, or the file itself as a document.
pub(crate) fn show(file: &Path, s: &Settings) -> Result<ExitStatus> {
    let p = SavedPlan::read(file)?;
    if s.ui.format == crate::ui::output::OutputFormat::Text {
        s.ui.print(&p.text(&s.ui));
    } else {
        s.ui.print_document(&p);
    }
    Ok(ExitStatus::Success)
}

/// `down`: remove only what kvwire created (and, `include_adopted`, what the runbook adopted).
pub(crate) async fn down(
    file: &Path,
    include_secrets: bool,
    include_adopted: bool,
    kube: &KubeOptions,
    s: &Settings,
) -> Result<ExitStatus> {
    let rb = runbook::load(file)?;
    let az = Arc::new(s.connect().await?);
    let p = build::down(&az, &rb, include_secrets, include_adopted, Some(kube)).await?;
    // As `terraform destroy`: only the word `yes` approves, and the run speaks of destroying.
    let opts = s.run_options(RunSpec {
        parallel: 1,
        apply_hint: format!("kvwire down -f {}", file.display()),
        confirm_word: true,
        destroy: true,
        ..RunSpec::default()
    })?;
    plan::run(p, &opts).await
}
