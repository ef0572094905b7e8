//! `kvwire plan|up|down -f runbook.toml`: a runbook's plans, run.

use crate::{
    error::{ExitStatus, Result},
    plan,
    runbook::{self, build},
    settings::Settings,
};
use std::{path::Path, sync::Arc};

/// Steps applied at once (node pools, secrets).
const PARALLEL: usize = 8;

/// `plan` (dry run) and `up`.
pub async fn up(file: &Path, s: &Settings, dry_run: bool, no_wait: bool) -> Result<ExitStatus> {
    // All input — the runbook and every secret value — is read and checked before any request.
    let rb = runbook::load(file)?;
    let seeds = build::read_seeds(&rb, dry_run)?;
    let az = Arc::new(s.connect_waiting(!no_wait).await?);
    let (p, _) = build::up(&az, &rb, seeds).await?;
    let mut opts = s.run_options(
        if dry_run { "plan" } else { "up" },
        PARALLEL,
        format!("kvwire up -f {}", file.display()),
    )?;
    opts.dry_run |= dry_run;
    opts.no_wait = no_wait;
    opts.wait_hint = format!("kvwire wait -f {}", file.display());
    plan::run(p, &opts, &s.ui).await
}

/// `down`: remove only what kvwire created.
pub async fn down(file: &Path, include_secrets: bool, s: &Settings) -> Result<ExitStatus> {
    let rb = runbook::load(file)?;
    let az = Arc::new(s.connect().await?);
    let p = build::down(&az, &rb, include_secrets).await?;
    let mut opts = s.run_options("down", 1, format!("kvwire down -f {}", file.display()))?;
    // As `terraform destroy`: only the word `yes` approves, and the run speaks of destroying.
    opts.confirm_word = true;
    opts.destroy = true;
    plan::run(p, &opts, &s.ui).await
}
