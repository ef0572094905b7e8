//! Observe every step, show the plan, confirm, apply in dependency order, verify.

use super::{
    document::{self, Outcome},
    render,
    step::{Action, Planned, Step},
};
use crate::{
    error::{Error, ExitStatus, Result},
    ui::output::{OutputFormat, Style, Ui},
};
use futures::{StreamExt, stream::FuturesUnordered};
use serde_json::Value;

/// Index of a step in its [`Plan`].
pub type StepId = usize;

/// Steps and what each needs to have succeeded (or found nothing to do) before it applies.
#[derive(Default)]
pub struct Plan {
    steps: Vec<Box<dyn Step>>,
    needs: Vec<Vec<StepId>>,
}

impl Plan {
    pub fn new() -> Plan {
        Plan::default()
    }

    /// Add a step that applies only after every step in `needs`.
    pub fn add(&mut self, step: Box<dyn Step>, needs: &[StepId]) -> StepId {
        debug_assert!(
            !self.steps.iter().any(|s| s.address() == step.address()),
            "two steps with address {}",
            step.address()
        );
        self.steps.push(step);
        self.needs.push(needs.to_vec());
        self.steps.len() - 1
    }

    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }

    pub fn addresses(&self) -> Vec<String> {
        self.steps.iter().map(|s| s.address()).collect()
    }
}

/// Flags that shape a run.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// The command line, for the plan document, e.g. `cluster enable-managed-identity`.
    pub command: String,
    pub dry_run: bool,
    pub yes: bool,
    pub detailed_exitcode: bool,
    /// List unchanged steps too (`-v`).
    pub show_unchanged: bool,
    /// How many steps may apply at once.
    pub parallel: usize,
    /// How many steps may observe (read) at once.
    pub observe_parallel: usize,
    /// What to run to apply a dry run's plan, e.g. `kvwire up -f onboard.toml`.
    pub apply_hint: String,
}

/// Steps observe at once (reads only), up to this many in flight, unless a command says otherwise.
pub const OBSERVE_CONCURRENCY: usize = 8;

/// Observe every step (reads only), in plan order.
pub async fn observe(plan: &Plan, concurrency: usize) -> Result<Vec<Planned>> {
    let results: Vec<Result<Planned>> = futures::stream::iter(plan.steps.iter().map(|s| s.plan()))
        .buffered(concurrency.max(1))
        .collect()
        .await;
    results.into_iter().collect()
}

/// Observe, show, confirm, apply, verify. Returns how kvwire should exit.
pub async fn run(plan: Plan, opts: &RunOptions, ui: &Ui) -> Result<ExitStatus> {
    let planned = observe(&plan, opts.observe_parallel).await?;
    let mut outcomes: Vec<(Outcome, Option<String>)> = planned
        .iter()
        .map(|p| {
            let o = if p.action == Action::NoOp {
                Outcome::Unchanged
            } else {
                Outcome::Planned
            };
            (o, None)
        })
        .collect();

    let text = ui.format == OutputFormat::Text;
    if !ui.quiet {
        for w in planned.iter().flat_map(|p| &p.warnings) {
            eprintln!("{}: {w}", ui.paint("warning", Style::Change));
        }
    }
    let changes = planned.iter().any(|p| p.action != Action::NoOp);
    if text {
        print!("{}", render::text(&planned, ui, opts.show_unchanged));
        if changes {
            print!("\n{}", render::summary(&planned));
        }
    }
    if !changes || opts.dry_run {
        let outputs = if opts.dry_run {
            vec![]
        } else {
            collect_outputs(&plan).await?
        };
        if !text {
            ui.print_document(&document::document(
                &opts.command,
                opts.dry_run,
                &planned,
                &outcomes,
                &outputs,
            ));
        } else if changes {
            println!("\nDry run: nothing was changed. To apply: {}", opts.apply_hint);
        } else {
            println!("No changes: Azure already matches ({} step(s) checked).", planned.len());
            print!("{}", render::outputs(&outputs));
        }
        return Ok(if changes && opts.detailed_exitcode {
            ExitStatus::Changes
        } else {
            ExitStatus::Success
        });
    }

    // Held steps (a secret whose value differs, say) need their own yes; without it they stay.
    let mut pending = vec![false; planned.len()];
    for (i, p) in planned.iter().enumerate() {
        match (&p.action, &p.held) {
            (Action::NoOp, _) => {}
            (_, None) => pending[i] = true,
            (_, Some(why)) if consent(ui, opts, &p.address, why)? => pending[i] = true,
            (_, Some(_)) => outcomes[i].0 = Outcome::Held,
        }
    }
    let to_apply = pending.iter().filter(|p| **p).count();
    if to_apply > 0 {
        confirm(opts, ui, to_apply)?;
    }

    apply_all(&plan, &planned, &pending, &mut outcomes, opts.parallel, ui).await;
    for (o, _) in outcomes.iter_mut() {
        if *o == Outcome::Planned {
            *o = Outcome::NotRun;
        }
    }
    let count = |x: Outcome| outcomes.iter().filter(|o| o.0 == x).count();
    let (failed, held) = (count(Outcome::Failed), count(Outcome::Held));
    let outputs = if failed == 0 {
        collect_outputs(&plan).await?
    } else {
        vec![]
    };
    if text {
        println!();
        for (i, (o, err)) in outcomes.iter().enumerate() {
            match (o, err) {
                (Outcome::Failed, Some(e)) => println!("{} {}: {e}", ui.paint("✘", Style::Remove), planned[i].address),
                (Outcome::Held, _) => println!(
                    "{} {}: not changed: {}",
                    ui.paint("!", Style::Change),
                    planned[i].address,
                    planned[i].held.as_deref().unwrap_or("")
                ),
                _ => {}
            }
        }
        let applied = count(Outcome::Applied);
        if failed > 0 {
            println!(
                "Apply failed: {applied} applied, {failed} failed, {} not run.",
                count(Outcome::NotRun)
            );
        } else if held > 0 {
            println!(
                "{} Apply complete except {held} held back: {applied} applied and verified.",
                ui.paint("!", Style::Change)
            );
        } else {
            println!(
                "{} Apply complete: {applied} applied and verified.",
                ui.paint("✔", Style::Add)
            );
        }
        print!("{}", render::outputs(&outputs));
    } else {
        ui.print_document(&document::document(&opts.command, false, &planned, &outcomes, &outputs));
    }
    if failed > 0 {
        return Err(Error::runtime(format!("{failed} of {to_apply} step(s) failed")));
    }
    Ok(if held > 0 && opts.detailed_exitcode {
        ExitStatus::Changes
    } else {
        ExitStatus::Success
    })
}

/// Ask about one held step, only at a terminal and only without --yes (which never implies consent).
fn consent(ui: &Ui, opts: &RunOptions, address: &str, why: &str) -> Result<bool> {
    if opts.yes || !(ui.stdin_tty && ui.interactive_stderr) {
        return Ok(false);
    }
    dialoguer::Confirm::new()
        .with_prompt(format!("{address}: {why}. Change it anyway?"))
        .default(false)
        .interact()
        .map_err(|e| Error::runtime(format!("prompt failed: {e}")))
}

fn confirm(opts: &RunOptions, ui: &Ui, n: usize) -> Result<()> {
    if opts.yes {
        return Ok(());
    }
    if !(ui.stdin_tty && ui.interactive_stderr) {
        return Err(Error::usage(
            "changes need confirmation, but there is no terminal to ask on: pass --yes to apply, or --dry-run to only show the plan",
        ));
    }
    let ok = dialoguer::Confirm::new()
        .with_prompt(format!("Apply {n} change(s)?"))
        .default(false)
        .interact()
        .map_err(|e| Error::runtime(format!("prompt failed: {e}")))?;
    if ok {
        Ok(())
    } else {
        Err(Error::usage("cancelled: nothing was changed"))
    }
}

/// Apply pending steps as their needs are met, up to `parallel` at once. After a failure nothing
/// new starts (what runs finishes); steps that never became ready stay not run.
async fn apply_all(
    plan: &Plan,
    planned: &[Planned],
    pending: &[bool],
    outcomes: &mut [(Outcome, Option<String>)],
    parallel: usize,
    ui: &Ui,
) {
    use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
    let multi = MultiProgress::with_draw_target(if ui.interactive_stderr {
        ProgressDrawTarget::stderr()
    } else {
        ProgressDrawTarget::hidden()
    });
    let style = ProgressStyle::with_template("{spinner} {prefix} {wide_msg} {elapsed}").expect("valid template");
    let satisfied = |o: Outcome| matches!(o, Outcome::Unchanged | Outcome::Applied | Outcome::Held);
    let mut started = vec![false; planned.len()];
    let mut running = FuturesUnordered::new();
    let mut failed = false;
    loop {
        if !failed {
            for i in 0..planned.len() {
                if running.len() >= parallel.max(1) {
                    break;
                }
                let ready = pending[i] && !started[i] && plan.needs[i].iter().all(|&n| satisfied(outcomes[n].0));
                if ready {
                    started[i] = true;
                    let bar = multi.add(ProgressBar::new_spinner().with_style(style.clone()));
                    bar.set_prefix(planned[i].address.clone());
                    bar.enable_steady_tick(std::time::Duration::from_millis(120));
                    running.push(apply_one(i, plan.steps[i].as_ref(), &planned[i], bar));
                }
            }
        }
        let Some((i, r)) = running.next().await else {
            break;
        };
        outcomes[i] = match r {
            Ok(()) => (Outcome::Applied, None),
            Err(e) => {
                failed = true;
                (Outcome::Failed, Some(e.to_string()))
            }
        };
    }
}

/// Apply then verify one step, reporting on its progress line.
async fn apply_one(i: usize, step: &dyn Step, planned: &Planned, bar: indicatif::ProgressBar) -> (usize, Result<()>) {
    crate::info!("applying {}", planned.address);
    let on = |status: &str| bar.set_message(status.to_string());
    let r = match step.apply(planned, &on).await {
        Ok(()) => {
            bar.set_message("verifying");
            step.verify(planned).await
        }
        Err(e) => Err(e),
    };
    bar.finish_with_message(if r.is_ok() { "done" } else { "failed" });
    (i, r)
}

async fn collect_outputs(plan: &Plan) -> Result<Vec<(String, Value)>> {
    let mut all = vec![];
    for s in &plan.steps {
        all.extend(s.outputs().await?);
    }
    Ok(all)
}
