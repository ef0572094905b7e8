//! Observe every step, show the plan, confirm, apply in dependency order, verify.

use super::{
    document::{self, Outcome},
    render,
    step::{Action, Planned, Step},
};
use crate::{
    error::{Error, ExitStatus, Result},
    ui::output::{OutputFormat, Style, Ui},
    util::observation::Observation,
};
use futures::{StreamExt, stream::FuturesUnordered};
use serde_json::Value;

/// Index of a step in its [`Plan`].
pub type StepId = usize;

/// Index of an app (one runbook of a fleet) in its [`Plan`].
pub type AppId = usize;

/// Steps and what each needs to have succeeded (or found nothing to do) before it applies.
#[derive(Default)]
pub struct Plan {
    steps: Vec<Box<dyn Step>>,
    needs: Vec<Vec<StepId>>,
    /// The app each step belongs to in a fleet (`kvwire up -f a.toml -f b.toml`); `None`: shared
    /// by all (the cluster, its pools), or a plan of one runbook.
    app: Vec<Option<AppId>>,
    /// Each app's name (its runbook's), shown before its steps' addresses.
    apps: Vec<String>,
}

impl Plan {
    pub fn new() -> Plan {
        Plan::default()
    }

    /// Add a step that applies only after every step in `needs`.
    pub fn add(&mut self, step: Box<dyn Step>, needs: &[StepId]) -> StepId {
        self.add_to(None, step, needs)
    }

    /// A new app of a fleet, named `name`: its steps ([`Plan::add_to`]) are shown as `[name] …`,
    /// reported apart, and a failure among them stops only them.
    pub fn app(&mut self, name: &str) -> AppId {
        self.apps.push(name.to_string());
        self.apps.len() - 1
    }

    /// [`Plan::add`], for `app` (`None`: shared).
    pub fn add_to(&mut self, app: Option<AppId>, step: Box<dyn Step>, needs: &[StepId]) -> StepId {
        debug_assert!(
            !self
                .steps
                .iter()
                .zip(&self.app)
                .any(|(s, a)| *a == app && s.address() == step.address()),
            "two steps with address {}",
            step.address()
        );
        self.steps.push(step);
        self.needs.push(needs.to_vec());
        self.app.push(app);
        self.steps.len() - 1
    }

    /// The name of the app step `i` belongs to, in a fleet.
    fn app_name(&self, i: StepId) -> Option<&str> {
        self.app[i].map(|a| self.apps[a].as_str())
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
    /// How many steps may apply at once, not counting those that wait on a long-running
    /// operation (see `operations`).
    pub parallel: usize,
    /// How many steps that wait on a long-running operation may run at once: `None` leaves it to
    /// AKS (one operation per pool or cluster); a command whose user bounds it (`upgrade-image
    /// --parallel`, to keep capacity) says so.
    pub operations: Option<usize>,
    /// How many steps may observe (read) at once.
    pub observe_parallel: usize,
    /// What to run to apply a dry run's plan, e.g. `kvwire up -f onboard.toml`; also how to
    /// resume after an interrupt.
    pub apply_hint: String,
    /// What waits for the operations this run started, e.g. `kvwire wait -f onboard.toml`.
    pub wait_hint: String,
    /// `--no-wait`: start long-running operations and return; what needs them waits for a later run.
    pub no_wait: bool,
    /// Without a terminal: a progress line per running operation this often (CI runners kill jobs
    /// that print nothing for a while).
    pub heartbeat: Option<std::time::Duration>,
    /// Only the whole word `yes` approves (`down`, as `terraform destroy`). A plan that switches
    /// the control plane's identity (`identity.type`) asks so whatever this says.
    pub confirm_word: bool,
    /// `down`: the question and the last line speak of destroying.
    pub destroy: bool,
    /// `plan --out FILE`: save the observed plan there, with where it came from.
    pub save: Option<(std::path::PathBuf, super::saved::Origin)>,
    /// `up --plan FILE`: apply only what this saved plan says, after checking that a fresh
    /// observation matches it; the plan was reviewed, so nothing is asked.
    pub saved: Option<super::saved::SavedPlan>,
    /// With `saved`: how to make a new plan when this one turns out stale, e.g.
    /// `kvwire plan -f onboard.toml --out plan.json`.
    pub replan_hint: Option<String>,
}

/// Steps observe at once (reads only), up to this many in flight, unless a command says otherwise.
pub const OBSERVE_CONCURRENCY: usize = 8;

/// Observe every step (reads only), in plan order, as one observation: identical reads of
/// different steps are made once (inside an observation already in effect, that one). In a fleet
/// each app's steps are addressed `[app] …`.
pub async fn observe(plan: &Plan, concurrency: usize) -> Result<Vec<Planned>> {
    let (planned, mut failures) = observe_apps(plan, concurrency).await?;
    match failures.pop() {
        Some((_, e)) => Err(e),
        None => Ok(planned),
    }
}

/// [`observe`], where a step of a fleet's app that cannot be observed fails only its app: it is
/// shown as not planned and returned with its error. Any other failure ends the observation.
async fn observe_apps(plan: &Plan, concurrency: usize) -> Result<(Vec<Planned>, Vec<(StepId, Error)>)> {
    let observation = Observation::current().unwrap_or_default();
    let results: Vec<Result<Planned>> = observation
        .run(
            futures::stream::iter(plan.steps.iter().map(|s| s.plan()))
                .buffered(concurrency.max(1))
                .collect(),
        )
        .await;
    let mut planned = Vec::with_capacity(results.len());
    let mut failures = vec![];
    for (i, r) in results.into_iter().enumerate() {
        let mut p = match r {
            Ok(p) => p,
            Err(e) if plan.app[i].is_some() => {
                failures.push((i, e));
                let s = &plan.steps[i];
                Planned::new(s.address(), s.phase(), "", Action::NoOp).reason("could not be observed")
            }
            Err(e) => return Err(e),
        };
        if let Some(app) = plan.app_name(i) {
            p.address = format!("[{app}] {}", p.address);
        }
        planned.push(p);
    }
    Ok((planned, failures))
}

/// Observe, show, confirm, apply, verify. Returns how kvwire should exit.
pub async fn run(plan: Plan, opts: &RunOptions, ui: &Ui) -> Result<ExitStatus> {
    run_in(Observation::default(), plan, opts, ui).await
}

/// [`run`], observing inside `observation`: reads the command made while building the plan (the
/// cluster, Graph, the pools) are not made again, and Azure's refusals are not asked twice.
pub async fn run_in(observation: Observation, plan: Plan, opts: &RunOptions, ui: &Ui) -> Result<ExitStatus> {
    let (planned, unobserved) = observation.run(observe_apps(&plan, opts.observe_parallel)).await?;
    // A saved plan applies exactly or not at all: checked on this observation, before any write.
    if let Some(saved) = &opts.saved {
        saved.check(&planned)?;
    }
    if let Some((path, origin)) = &opts.save {
        super::saved::SavedPlan::new(origin, &planned).write(path)?;
        if !ui.quiet {
            ui.eprint(&format!(
                "Saved the plan to {}: apply exactly it with `kvwire up --plan {}`\n",
                path.display(),
                path.display()
            ));
        }
    }
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
    // A fleet's app that could not be observed has failed already; the others go on.
    let unobserved_apps: std::collections::HashSet<Option<AppId>> =
        unobserved.iter().map(|(i, _)| plan.app[*i]).collect();
    for (i, e) in &unobserved {
        outcomes[*i] = (Outcome::Failed, Some(e.to_string()));
    }
    for (i, o) in outcomes.iter_mut().enumerate() {
        if o.0 == Outcome::Planned && unobserved_apps.contains(&plan.app[i]) {
            o.0 = Outcome::NotRun;
        }
    }

    let text = ui.format == OutputFormat::Text;
    if !ui.quiet {
        for w in planned.iter().flat_map(|p| &p.warnings) {
            ui.eprint(&format!("{}: {w}\n", ui.for_stderr().paint("warning", Style::Change)));
        }
    }
    let changes = planned.iter().any(|p| p.action != Action::NoOp);
    if text {
        ui.print(&render::text(&planned, ui, opts.show_unchanged));
        if changes {
            ui.print(&format!("\n{}", render::summary(&planned)));
        }
        if !plan.apps.is_empty() {
            ui.print(&format!("\n{}", app_lines(&plan, &outcomes, ui)));
        }
    } else if changes && !opts.dry_run && will_ask(opts, ui) {
        // stdout holds the document (`kvwire up -f r.toml | tee log`): the person asked at the
        // terminal still sees what they approve, there, before the question.
        let ui = ui.for_stderr();
        ui.eprint(&format!(
            "{}\n{}",
            render::text(&planned, &ui, opts.show_unchanged),
            render::summary(&planned)
        ));
    }
    if !unobserved.is_empty() && text {
        ui.print("\n");
        ui.print(&failure_lines(&planned, &outcomes, ui));
    }
    if (!changes || opts.dry_run) && !unobserved.is_empty() {
        if text {
            ui.print(&app_lines(&plan, &outcomes, ui));
        } else {
            ui.print_document(&the_document(&plan, opts, opts.dry_run, &planned, &outcomes, &[]));
        }
        return Err(Error::runtime(format!(
            "{} runbook(s) could not be planned",
            unobserved_apps.len()
        )));
    }
    if !changes || opts.dry_run {
        // Nothing changed since the observation: its reads serve the outputs too.
        let outputs = if opts.dry_run {
            vec![]
        } else {
            observation.run(collect_outputs(&plan)).await?
        };
        if !text {
            ui.print_document(&the_document(&plan, opts, opts.dry_run, &planned, &outcomes, &outputs));
        } else if changes {
            let to = if opts.destroy { "To destroy" } else { "To apply" };
            ui.print(&format!("\nDry run: nothing was changed. {to}: {}\n", opts.apply_hint));
        } else if opts.destroy {
            ui.print(&format!(
                "No changes: nothing kvwire created is left to destroy ({} step(s) checked).\n",
                planned.len()
            ));
        } else {
            ui.print(&format!(
                "No changes: Azure already matches ({} step(s) checked).\n",
                planned.len()
            ));
            ui.print(&render::outputs(&outputs));
        }
        return Ok(if changes && opts.detailed_exitcode {
            ExitStatus::Changes
        } else {
            ExitStatus::Success
        });
    }

    // A hold no consent releases (the switch, while the registries it would break are unknown):
    // nothing at all is written, and the reason says how to go on.
    if let Some(p) = planned.iter().find(|p| p.blocks && p.action != Action::NoOp) {
        return Err(Error::usage(format!(
            "{} is held: {}. Nothing was written",
            p.address,
            p.held.as_deref().unwrap_or("")
        )));
    }
    // Held steps (a secret whose value differs, say) need their own yes; without it they stay.
    let mut pending = vec![false; planned.len()];
    for (i, p) in planned.iter().enumerate() {
        match (&p.action, &p.held) {
            (Action::NoOp, _) => {}
            (_, None) => pending[i] = true,
            // A saved plan's held steps stay held: applying it asks nothing.
            (_, Some(why)) if opts.saved.is_none() && consent(ui, opts, &p.address, why)? => pending[i] = true,
            (_, Some(_)) => outcomes[i].0 = Outcome::Held,
        }
    }
    let to_apply = pending.iter().filter(|p| **p).count();
    if to_apply > 0 && opts.saved.is_none() {
        let word = opts.confirm_word || planned.iter().zip(&pending).any(|(p, &go)| go && needs_word(p));
        confirm(opts, ui, to_apply, word)?;
    }

    let planned: Vec<Planned> = planned
        .into_iter()
        .map(|p| Planned {
            exact: opts.saved.is_some(),
            ..p
        })
        .collect();
    let mut stops = Stops {
        apps: unobserved_apps,
        stale: false,
    };
    let interrupted = apply_all(&plan, &planned, &pending, &mut outcomes, &mut stops, opts, ui).await;
    let stale = stops.stale;
    for (o, _) in outcomes.iter_mut() {
        if *o == Outcome::Planned {
            *o = Outcome::NotRun;
        }
    }
    if let Some(running) = interrupted {
        report_interrupt(&running, opts, ui);
        if ui.format != OutputFormat::Text {
            ui.print_document(&the_document(&plan, opts, false, &planned, &outcomes, &[]));
        }
        return Err(Error::Interrupted);
    }
    let count = |x: Outcome| outcomes.iter().filter(|o| o.0 == x).count();
    let (failed, held, started) = (count(Outcome::Failed), count(Outcome::Held), count(Outcome::Started));
    // Outputs of what succeeded: all of them, or in a fleet those of the apps that did not fail.
    let outputs = if failed == 0 || !plan.apps.is_empty() {
        collect_outputs_where(&plan, |i| {
            outcomes
                .iter()
                .enumerate()
                .filter(|(j, (o, _))| *o == Outcome::Failed && (plan.app[*j].is_none() || plan.app[*j] == plan.app[i]))
                .count()
                == 0
        })
        .await?
    } else {
        vec![]
    };
    if text {
        ui.print("\n");
        ui.print(&failure_lines(&planned, &outcomes, ui));
        if !plan.apps.is_empty() {
            ui.print(&app_lines(&plan, &outcomes, ui));
        }
        let applied = count(Outcome::Applied);
        // `down` that only took its name off a shared resource did not destroy it: say so.
        let released = outcomes
            .iter()
            .zip(&planned)
            .filter(|((o, _), p)| *o == Outcome::Applied && p.action == Action::Update)
            .count();
        let kept = if opts.destroy && released > 0 {
            format!(" ({released} of them kept for other runbooks, only this runbook's name removed)")
        } else {
            String::new()
        };
        let (verb, done) = if opts.destroy {
            ("Destroy", "destroyed")
        } else {
            ("Apply", "applied")
        };
        if started > 0 {
            ui.print(&format!(
                "Started {started} operation(s) that go on in Azure (--no-wait); {applied} applied, {} waiting for them. Next: {}, then {}.\n",
                count(Outcome::NotRun),
                opts.wait_hint,
                opts.apply_hint
            ));
        } else if let (true, Some(replan)) = (failed > 0 && stale, &opts.replan_hint) {
            // Applying the same file again cannot help: only a new plan can.
            ui.print(&format!(
                "{verb} failed: {applied} {done}, {failed} failed, {} not run. The saved plan is stale: plan again (`{replan}`), review it, then apply the new plan.\n",
                count(Outcome::NotRun)
            ));
        } else if failed > 0 {
            // Re-running goes on where this stopped: done steps do nothing.
            let again = if opts.apply_hint.starts_with("kvwire ") {
                format!("`{}`", opts.apply_hint)
            } else {
                "the same command".to_string()
            };
            ui.print(&format!(
                "{verb} failed: {applied} {done}, {failed} failed, {} not run. Fix the cause, then run {again} again.\n",
                count(Outcome::NotRun)
            ));
        } else if held > 0 {
            let waiting = match count(Outcome::NotRun) {
                0 => String::new(),
                n => format!("; {n} not run: they need what was held back"),
            };
            ui.print(&format!(
                "{} {verb} complete except {held} held back: {applied} {done}{kept} and verified{waiting}.\n",
                ui.paint("!", Style::Change)
            ));
        } else {
            ui.print(&format!(
                "{} {verb} complete: {applied} {done}{kept} and verified.\n",
                ui.paint("✔", Style::Add)
            ));
        }
        ui.print(&render::outputs(&outputs));
    } else {
        ui.print_document(&the_document(&plan, opts, false, &planned, &outcomes, &outputs));
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

/// Whether a prompt will be shown: at a terminal (stdin and stderr), without --yes.
fn will_ask(opts: &RunOptions, ui: &Ui) -> bool {
    !opts.yes && ui.stdin_tty && ui.interactive_stderr
}

/// A change only the whole word `yes` approves, as its step declared ([`Planned::needs_word`]).
fn needs_word(p: &Planned) -> bool {
    p.action != Action::NoOp && p.needs_word
}

/// Ask about one held step, only at a terminal and only without --yes (which never implies consent).
fn consent(ui: &Ui, opts: &RunOptions, address: &str, why: &str) -> Result<bool> {
    if !will_ask(opts, ui) {
        return Ok(false);
    }
    let answer = ask(&format!("{address}: {why}. Change it anyway? [y/N] "))?;
    Ok(approves(answer.as_deref(), false))
}

/// Ask once for the whole plan. `word`: only `yes` approves, as `terraform apply` asks.
fn confirm(opts: &RunOptions, ui: &Ui, n: usize, word: bool) -> Result<()> {
    if opts.yes {
        return Ok(());
    }
    if !will_ask(opts, ui) {
        return Err(Error::usage(
            "changes need confirmation, but there is no terminal to ask on: pass --yes to apply, or --dry-run to only show the plan",
        ));
    }
    let question = if opts.destroy {
        format!("Destroy {n} resource(s)?")
    } else {
        format!("Apply {n} change(s)?")
    };
    let answer = if word {
        let what = if opts.destroy {
            "kvwire will delete what it created, as shown above. There is no undo."
        } else {
            "kvwire will make the changes shown above, including the cluster's identity."
        };
        ask(&format!(
            "\n{question}\n  {what}\n  Only 'yes' will be accepted to approve.\n\n  Enter a value: "
        ))?
    } else {
        ask(&format!("{question} [y/N] "))?
    };
    if approves(answer.as_deref(), word) {
        Ok(())
    } else if word && approves(answer.as_deref(), false) {
        Err(Error::usage(
            "cancelled: only the word 'yes' approves this plan; nothing was changed",
        ))
    } else {
        Err(Error::usage("cancelled: nothing was changed"))
    }
}

/// Whether an answer approves: `yes` (or `y`, unless the whole word is required), on a line of its own.
fn approves(answer: Option<&str>, word: bool) -> bool {
    let Some(a) = answer.map(str::trim) else {
        return false;
    };
    if word {
        a == "yes"
    } else {
        a.eq_ignore_ascii_case("y") || a.eq_ignore_ascii_case("yes")
    }
}

/// Show `prompt` on stderr and read one whole line (Enter required) from the terminal; `None` at
/// end of input. Reading a line, not a key, keeps the rest of a typed `yes` away from the shell.
fn ask(prompt: &str) -> Result<Option<String>> {
    use std::io::{BufRead, Write};
    let mut err = std::io::stderr().lock();
    // The prompt names a step and why it is held: text from Azure, escaped as all output is.
    err.write_all(crate::util::text::printable(prompt).as_bytes())
        .and_then(|_| err.flush())
        .map_err(|e| Error::runtime(format!("prompt failed: {e}")))?;
    drop(err);
    let mut line = String::new();
    let n = std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| Error::runtime(format!("prompt failed: {e}")))?;
    Ok((n > 0).then_some(line))
}

/// What failures stopped while applying.
struct Stops {
    /// Every app (`None`: a shared step, or a plan of one runbook, failed), or these.
    apps: std::collections::HashSet<Option<AppId>>,
    /// A failure was a saved plan found stale.
    stale: bool,
}

/// A step being applied: what it is doing, for heartbeats and interrupt reports.
struct Running {
    address: String,
    operation: Option<&'static str>,
    started: std::time::Instant,
    status: String,
}

type Board = std::sync::Mutex<std::collections::BTreeMap<usize, Running>>;

fn minutes(d: std::time::Duration) -> String {
    let s = d.as_secs();
    if s < 60 {
        format!("{s}s")
    } else {
        format!("{}m", s / 60)
    }
}

/// Apply pending steps as their needs are met, up to `parallel` at once — not counting steps that
/// wait on a long-running operation (a re-image, a cluster update), which only `operations` bounds:
/// they spend their time polling, AKS bounds them (one operation per pool or cluster), and their
/// polls share one budget (`PollBudget`), so 32 pools re-image together instead of in waves of 8.
/// After a failure nothing new starts (what runs finishes) — in a fleet, nothing new of the failed
/// step's app, or of any app when a shared step (the cluster, a pool) failed; steps that never
/// became ready stay not run. On Ctrl-C or
/// SIGTERM nothing new starts and the steps in flight are let go: returns what was running.
async fn apply_all(
    plan: &Plan,
    planned: &[Planned],
    pending: &[bool],
    outcomes: &mut [(Outcome, Option<String>)],
    stops: &mut Stops,
    opts: &RunOptions,
    ui: &Ui,
) -> Option<Vec<Running>> {
    use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
    let multi = MultiProgress::with_draw_target(if ui.interactive_stderr {
        ProgressDrawTarget::stderr()
    } else {
        ProgressDrawTarget::hidden()
    });
    let style = ProgressStyle::with_template("{spinner} {prefix} {wide_msg} {elapsed}").expect("valid template");
    // A held step lets what needs it go on (it stays as it is), except an adoption not consented
    // to: what would use the resource must not treat it as this runbook's.
    let satisfied = |n: usize, o: Outcome| match o {
        Outcome::Unchanged | Outcome::Applied => true,
        Outcome::Held => !planned[n].adoption,
        _ => false,
    };
    let board: Board = Default::default();
    let mut started = vec![false; planned.len()];
    let waits_on_operation: Vec<bool> = plan.steps.iter().map(|s| s.operation().is_some()).collect();
    // Slots in use: [other steps, steps that wait on an operation].
    let mut slots = [0usize; 2];
    let limit = [opts.parallel.max(1), opts.operations.unwrap_or(usize::MAX).max(1)];
    let mut running = FuturesUnordered::new();
    let mut interrupt = std::pin::pin!(interrupted());
    let mut heartbeat = opts
        .heartbeat
        .filter(|_| !ui.interactive_stderr && !ui.quiet)
        .map(|every| tokio::time::interval_at(tokio::time::Instant::now() + every, every));
    loop {
        if !stops.apps.contains(&None) {
            for i in 0..planned.len() {
                let ready = pending[i]
                    && !started[i]
                    && !stops.apps.contains(&plan.app[i])
                    && plan.needs[i].iter().all(|&n| satisfied(n, outcomes[n].0));
                let kind = usize::from(waits_on_operation[i]);
                if ready && slots[kind] >= limit[kind] {
                    continue;
                }
                if ready {
                    started[i] = true;
                    slots[kind] += 1;
                    let bar = multi.add(ProgressBar::new_spinner().with_style(style.clone()));
                    bar.set_prefix(crate::util::text::printable(&planned[i].address).into_owned());
                    bar.enable_steady_tick(std::time::Duration::from_millis(120));
                    board.lock().unwrap().insert(
                        i,
                        Running {
                            address: planned[i].address.clone(),
                            operation: plan.steps[i].operation(),
                            started: std::time::Instant::now(),
                            status: "starting".into(),
                        },
                    );
                    running.push(apply_one(
                        i,
                        plan.steps[i].as_ref(),
                        &planned[i],
                        bar,
                        &board,
                        opts.no_wait,
                    ));
                }
            }
        }
        if running.is_empty() {
            break;
        }
        tokio::select! {
            Some((i, r)) = running.next() => {
                board.lock().unwrap().remove(&i);
                slots[usize::from(waits_on_operation[i])] -= 1;
                outcomes[i] = match r {
                    Ok(o) => (o, None),
                    Err(e) => {
                        stops.apps.insert(plan.app[i]);
                        stops.stale |= matches!(e, Error::Stale(_));
                        (Outcome::Failed, Some(e.to_string()))
                    }
                };
            }
            _ = &mut interrupt => {
                drop(running);
                multi.clear().ok();
                return Some(std::mem::take(&mut *board.lock().unwrap()).into_values().collect());
            }
            _ = async { heartbeat.as_mut().expect("guarded").tick().await }, if heartbeat.is_some() => {
                for r in board.lock().unwrap().values() {
                    ui.eprint(&format!(
                        "{}: {}, {}, {}\n",
                        r.address,
                        r.operation.unwrap_or("applying"),
                        minutes(r.started.elapsed()),
                        r.status
                    ));
                }
            }
        }
    }
    None
}

/// Ctrl-C, or SIGTERM (what CI runners and `kill` send).
async fn interrupted() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    let _ = tokio::signal::ctrl_c().await;
}

/// What an interrupt leaves running in Azure, and how to go on.
fn report_interrupt(running: &[Running], opts: &RunOptions, ui: &Ui) {
    ui.eprint(&format!(
        "\n{} Interrupted: nothing new was started.\n",
        ui.for_stderr().paint("!", Style::Change)
    ));
    let in_azure: Vec<&Running> = running.iter().filter(|r| r.operation.is_some()).collect();
    if !in_azure.is_empty() {
        ui.eprint("These may still be running in Azure; they go on without kvwire:\n");
        for r in in_azure {
            ui.eprint(&format!(
                "  {}: {} ({}, {})\n",
                r.address,
                r.operation.unwrap_or("applying"),
                minutes(r.started.elapsed()),
                r.status
            ));
        }
    }
    ui.eprint(&format!(
        "To wait for them: {}\nTo go on (what is done stays done, what runs is adopted): {}\n",
        opts.wait_hint, opts.apply_hint
    ));
}

/// Apply then verify one step, reporting on its progress line and the board.
async fn apply_one(
    i: usize,
    step: &dyn Step,
    planned: &Planned,
    bar: indicatif::ProgressBar,
    board: &Board,
    no_wait: bool,
) -> (usize, Result<Outcome>) {
    crate::info!("applying {}", planned.address);
    let on = |status: &str| {
        bar.set_message(crate::util::text::printable(status).into_owned());
        if let Some(r) = board.lock().unwrap().get_mut(&i) {
            r.status = status.to_string();
        }
    };
    let r = match step.apply(planned, &on).await {
        Ok(()) if no_wait && step.operation().is_some() => Ok(Outcome::Started),
        Ok(()) => {
            on("verifying");
            step.verify(planned).await.map(|_| Outcome::Applied)
        }
        Err(e) => Err(e),
    };
    bar.finish_with_message(match &r {
        Ok(Outcome::Started) => "started",
        Ok(_) => "done",
        Err(_) => "failed",
    });
    (i, r)
}

async fn collect_outputs(plan: &Plan) -> Result<Vec<(String, Value)>> {
    collect_outputs_where(plan, |_| true).await
}

/// The outputs of the steps `keep` says; in a fleet, each app's named `app.output`.
async fn collect_outputs_where(plan: &Plan, keep: impl Fn(StepId) -> bool) -> Result<Vec<(String, Value)>> {
    let mut all = vec![];
    for (i, s) in plan.steps.iter().enumerate() {
        if !keep(i) {
            continue;
        }
        let outputs = s.outputs().await?;
        all.extend(outputs.into_iter().map(|(name, v)| match plan.app_name(i) {
            Some(app) => (format!("{app}.{name}"), v),
            None => (name, v),
        }));
    }
    Ok(all)
}

/// The plan document, with each app's part in a fleet.
fn the_document(
    plan: &Plan,
    opts: &RunOptions,
    dry_run: bool,
    planned: &[Planned],
    outcomes: &[(Outcome, Option<String>)],
    outputs: &[(String, Value)],
) -> document::Document {
    let doc = document::document(&opts.command, dry_run, planned, outcomes, outputs);
    if plan.apps.is_empty() {
        return doc;
    }
    let app_of: Vec<Option<String>> = (0..plan.steps.len())
        .map(|i| plan.app_name(i).map(str::to_owned))
        .collect();
    document::with_apps(doc, &plan.apps, &app_of)
}

/// A line per step that failed or was held, with why.
fn failure_lines(planned: &[Planned], outcomes: &[(Outcome, Option<String>)], ui: &Ui) -> String {
    let mut out = String::new();
    for (i, (o, err)) in outcomes.iter().enumerate() {
        match (o, err) {
            (Outcome::Failed, Some(e)) => out.push_str(&format!(
                "{} {}: {e}\n",
                ui.paint("✘", Style::Remove),
                planned[i].address
            )),
            (Outcome::Held, _) => out.push_str(&format!(
                "{} {}: not changed: {}\n",
                ui.paint("!", Style::Change),
                planned[i].address,
                planned[i].held.as_deref().unwrap_or("")
            )),
            _ => {}
        }
    }
    out
}

/// A fleet's text report: a line per app with what became of its steps.
fn app_lines(plan: &Plan, outcomes: &[(Outcome, Option<String>)], ui: &Ui) -> String {
    let mut out = String::new();
    for (a, name) in plan.apps.iter().enumerate() {
        let mine: Vec<Outcome> = outcomes
            .iter()
            .enumerate()
            .filter(|(i, _)| plan.app[*i] == Some(a))
            .map(|(_, (o, _))| *o)
            .collect();
        let worst = Outcome::worst(mine.iter().copied());
        let mark = match worst {
            Outcome::Failed => ui.paint("✘", Style::Remove),
            Outcome::NotRun | Outcome::Held | Outcome::Started | Outcome::Planned => ui.paint("!", Style::Change),
            Outcome::Applied | Outcome::Unchanged => ui.paint("✔", Style::Add),
        };
        let mut counts: Vec<String> = vec![];
        for o in [
            Outcome::Applied,
            Outcome::Planned,
            Outcome::Started,
            Outcome::Held,
            Outcome::Failed,
            Outcome::NotRun,
            Outcome::Unchanged,
        ] {
            let n = mine.iter().filter(|m| **m == o).count();
            if n > 0 {
                counts.push(format!("{n} {}", o.name().replace('_', " ")));
            }
        }
        out.push_str(&format!(
            "{mark} {}: {} ({})\n",
            crate::util::text::printable(name),
            worst.name().replace('_', " "),
            counts.join(", ")
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::Phase;

    #[test]
    fn a_line_approves_only_as_a_whole() {
        for yes in ["y\n", "Y\n", "yes\n", "YES\r\n", "  yes  \n"] {
            assert!(approves(Some(yes), false), "{yes:?}");
        }
        for no in ["", "\n", "n\n", "no\n", "ye\n", "yess\n", "y es\n", "yes please\n"] {
            assert!(!approves(Some(no), false), "{no:?}");
        }
        assert!(!approves(None, false), "end of input never approves");
        // The whole word, as terraform: `y` is not enough.
        assert!(approves(Some("yes\n"), true));
        for no in ["y\n", "Y\n", "YES\n", "Yes\n", "ye\n", "yes yes\n"] {
            assert!(!approves(Some(no), true), "{no:?}");
        }
    }

    #[test]
    fn a_step_that_asks_for_the_word_gets_it_while_it_changes_something() {
        let switch = Planned {
            needs_word: true,
            ..Planned::new("cluster rg/aks (managed identity)", Phase::CLUSTER, "t", Action::Update)
        };
        assert!(needs_word(&switch));
        assert!(!needs_word(&Planned {
            action: Action::NoOp,
            ..switch
        }));
        assert!(!needs_word(&Planned::new(
            "identity rg/id",
            Phase::WORKLOAD_IDENTITY,
            "t",
            Action::Create
        )));
    }
}
