//! Observe every step, show the plan, confirm, apply in dependency order, verify. The runner
//! schedules and decides; what is shown is a [`Reporter`]'s, which gets events: nothing in plan/
//! prints.

use super::{
    document::Outcome,
    step::{Action, Planned, Step},
};
use crate::{
    error::{Error, ExitStatus, Result},
    util::observation::Observation,
};
use futures::{StreamExt, stream::FuturesUnordered};
use serde_json::Value;
use std::{
    collections::HashSet,
    path::Path,
    sync::Arc,
    time::{Duration, Instant},
};

/// Index of a step in its [`Plan`].
pub(crate) type StepId = usize;

/// Index of an app (one runbook of a fleet) in its [`Plan`].
pub(crate) type AppId = usize;

/// Steps and what each needs to have succeeded (or found nothing to do) before it applies.
#[derive(Default)]
pub(crate) struct Plan {
    steps: Vec<Box<dyn Step>>,
    needs: Vec<Vec<StepId>>,
    /// The app each step belongs to in a fleet (`kvwire up -f a.toml -f b.toml`); `None`: shared
    /// by all (the cluster, its pools), or a plan of one runbook.
    app: Vec<Option<AppId>>,
    /// Each app's name (its runbook's), shown before its steps' addresses.
    apps: Vec<String>,
}

impl Plan {
    pub(crate) fn new() -> Plan {
        Plan::default()
    }

    /// Add a step that applies only after every step in `needs`.
    pub(crate) fn add(&mut self, step: Box<dyn Step>, needs: &[StepId]) -> StepId {
        self.add_to(None, step, needs)
    }

    /// A new app of a fleet, named `name`: its steps ([`Plan::add_to`]) are shown as `[name] …`,
    /// reported apart, and a failure among them stops only them.
    pub(crate) fn app(&mut self, name: &str) -> AppId {
        self.apps.push(name.to_string());
        self.apps.len() - 1
    }

    /// [`Plan::add`], for `app` (`None`: shared).
    pub(crate) fn add_to(&mut self, app: Option<AppId>, step: Box<dyn Step>, needs: &[StepId]) -> StepId {
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
    pub(crate) fn app_name(&self, i: StepId) -> Option<&str> {
        self.app[i].map(|a| self.apps[a].as_str())
    }

    /// The app step `i` belongs to, in a fleet.
    pub(crate) fn app_of(&self, i: StepId) -> Option<AppId> {
        self.app[i]
    }

    /// The apps' names (none: a plan of one runbook).
    pub(crate) fn apps(&self) -> &[String] {
        &self.apps
    }
}

/// Flags that shape a run, and who shows it.
#[derive(Clone)]
pub(crate) struct RunOptions {
    /// What the run shows, and how (text or a document, progress, questions).
    pub(crate) reporter: Arc<dyn Reporter>,
    /// The command line, for the plan document, e.g. `cluster enable-managed-identity`.
    pub(crate) command: String,
    pub(crate) dry_run: bool,
    pub(crate) yes: bool,
    pub(crate) detailed_exitcode: bool,
    /// How much of each step the plan's text shows (`-v`, `--brief`).
    pub(crate) detail: super::render::Detail,
    /// How many steps may apply at once, not counting those that wait on a long-running
    /// operation (see `operations`).
    pub(crate) parallel: usize,
    /// How many steps that wait on a long-running operation may run at once: `None` leaves it to
    /// AKS (one operation per pool or cluster); a command whose user bounds it (`upgrade-image
    /// --parallel`, to keep capacity) says so.
    pub(crate) operations: Option<usize>,
    /// How many steps may observe (read) at once.
    pub(crate) observe_parallel: usize,
    /// What to run to apply a dry run's plan, e.g. `kvwire up -f onboard.toml`; also how to
    /// resume after an interrupt.
    pub(crate) apply_hint: String,
    /// What waits for the operations this run started, e.g. `kvwire wait -f onboard.toml`.
    pub(crate) wait_hint: String,
    /// `--no-wait`: start long-running operations and return; what needs them waits for a later run.
    pub(crate) no_wait: bool,
    /// Without a terminal: a progress line per running operation this often (CI runners kill jobs
    /// that print nothing for a while).
    pub(crate) heartbeat: Option<std::time::Duration>,
    /// Only the whole word `yes` approves (`down`, as `terraform destroy`). A plan that switches
    /// the control plane's identity (`identity.type`) asks so whatever this says.
    pub(crate) confirm_word: bool,
    /// `down`: the question and the last line speak of destroying.
    pub(crate) destroy: bool,
    /// `plan --out FILE`: save the observed plan there, with where it came from.
    pub(crate) save: Option<(std::path::PathBuf, super::saved::Origin)>,
    /// `up --plan FILE`: apply only what this saved plan says, after checking that a fresh
    /// observation matches it; the plan was reviewed, so nothing is asked.
    pub(crate) saved: Option<super::saved::SavedPlan>,
    /// With `saved`: how to make a new plan when this one turns out stale, e.g.
    /// `kvwire plan -f onboard.toml --out plan.json`.
    pub(crate) replan_hint: Option<String>,
}

/// What a command asks of a run beside its settings; `Settings::run_options` builds the
/// [`RunOptions`] from both, once.
#[derive(Default)]
pub(crate) struct RunSpec {
    /// Steps applied at once (at least 1).
    pub(crate) parallel: usize,
    /// See [`RunOptions::operations`].
    pub(crate) operations: Option<usize>,
    /// Steps observed at once; default the larger of `parallel` and [`OBSERVE_CONCURRENCY`].
    pub(crate) observe_parallel: Option<usize>,
    pub(crate) apply_hint: String,
    pub(crate) wait_hint: Option<String>,
    pub(crate) no_wait: bool,
    /// Only observe, whatever the flags say (`plan`).
    pub(crate) dry_run: bool,
    pub(crate) confirm_word: bool,
    pub(crate) destroy: bool,
    pub(crate) save: Option<(std::path::PathBuf, super::saved::Origin)>,
    pub(crate) saved: Option<super::saved::SavedPlan>,
    pub(crate) replan_hint: Option<String>,
}

/// Steps observe at once (reads only), up to this many in flight, unless a command says otherwise.
pub(crate) const OBSERVE_CONCURRENCY: usize = 8;

/// Observe every step (reads only), in plan order, as one observation: identical reads of
/// different steps are made once (inside an observation already in effect, that one). In a fleet
/// each app's steps are addressed `[app] …`.
pub(crate) async fn observe(plan: &Plan, concurrency: usize) -> Result<Vec<Planned>> {
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
pub(crate) async fn run(plan: Plan, opts: &RunOptions) -> Result<ExitStatus> {
    run_in(Observation::default(), plan, opts).await
}

/// [`run`], observing inside `observation`: reads the command made while building the plan (the
/// cluster, Graph, the pools) are not made again, and Azure's refusals are not asked twice.
/// What is shown, and how, is `opts.reporter`'s.
pub(crate) async fn run_in(observation: Observation, plan: Plan, opts: &RunOptions) -> Result<ExitStatus> {
    let r = opts.reporter.as_ref();
    let (planned, unobserved) = observation.run(observe_apps(&plan, opts.observe_parallel)).await?;
    // A saved plan applies exactly or not at all: checked on this observation, before any write.
    if let Some(saved) = &opts.saved {
        saved.check(&planned)?;
    }
    if let Some((path, origin)) = &opts.save {
        super::saved::SavedPlan::new(origin, &planned).write(path)?;
        r.saved(path);
    }
    // A fleet's app that could not be observed has failed already; the others go on.
    let unobserved_apps: HashSet<Option<AppId>> = unobserved.iter().map(|(i, _)| plan.app[*i]).collect();
    let mut outcomes = first_outcomes(&plan, &planned, &unobserved, &unobserved_apps);
    let view = |outcomes| RunView {
        plan: &plan,
        planned: &planned,
        outcomes,
        opts,
    };
    r.warnings(&planned);
    let changes = planned.iter().any(|p| p.action != Action::NoOp);
    r.plan(&view(&outcomes), changes && !opts.dry_run && will_ask(opts));
    if !unobserved.is_empty() && (!changes || opts.dry_run) {
        r.end(&view(&outcomes), &End::Unplannable);
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
            observation.run(collect_outputs(&plan, |_| true)).await?
        };
        r.end(&view(&outcomes), &End::Observed { outputs });
        return Ok(if changes && opts.detailed_exitcode {
            ExitStatus::Changes
        } else {
            ExitStatus::Success
        });
    }
    let pending = decide(&planned, &mut outcomes, opts)?;
    apply_and_end(&plan, planned, &pending, outcomes, unobserved_apps, opts).await
}

/// Apply what was decided, then say how it ended; the exit status.
async fn apply_and_end(
    plan: &Plan,
    planned: Vec<Planned>,
    pending: &[bool],
    mut outcomes: Vec<(Outcome, Option<String>)>,
    failed_apps: HashSet<Option<AppId>>,
    opts: &RunOptions,
) -> Result<ExitStatus> {
    let r = opts.reporter.as_ref();
    let to_apply = pending.iter().filter(|p| **p).count();
    let planned: Vec<Planned> = planned
        .into_iter()
        .map(|p| Planned {
            exact: opts.saved.is_some(),
            ..p
        })
        .collect();
    let mut stops = Stops {
        apps: failed_apps,
        stale: false,
    };
    let interrupted = apply_all(plan, &planned, pending, &mut outcomes, &mut stops, opts).await;
    for (o, _) in outcomes.iter_mut() {
        if *o == Outcome::Planned {
            *o = Outcome::NotRun;
        }
    }
    let view = RunView {
        plan,
        planned: &planned,
        outcomes: &outcomes,
        opts,
    };
    if let Some(running) = interrupted {
        r.end(&view, &End::Interrupted { running });
        return Err(Error::Interrupted);
    }
    let (failed, held) = (view.count(Outcome::Failed), view.count(Outcome::Held));
    // Outputs of what succeeded: all of them, or in a fleet those of the apps that did not fail.
    let outputs = if failed == 0 || !plan.apps.is_empty() {
        let spoiled = |i: StepId| {
            outcomes
                .iter()
                .enumerate()
                .any(|(j, (o, _))| *o == Outcome::Failed && (plan.app[j].is_none() || plan.app[j] == plan.app[i]))
        };
        collect_outputs(plan, |i| !spoiled(i)).await?
    } else {
        vec![]
    };
    r.end(
        &view,
        &End::Applied {
            stale: stops.stale,
            outputs,
        },
    );
    if failed > 0 {
        return Err(Error::runtime(format!("{failed} of {to_apply} step(s) failed")));
    }
    Ok(if held > 0 && opts.detailed_exitcode {
        ExitStatus::Changes
    } else {
        ExitStatus::Success
    })
}

/// Each step's outcome before anything is applied: unchanged or planned, and failed where a
/// fleet's app could not be observed (its other steps will not run).
fn first_outcomes(
    plan: &Plan,
    planned: &[Planned],
    unobserved: &[(StepId, Error)],
    failed_apps: &HashSet<Option<AppId>>,
) -> Vec<(Outcome, Option<String>)> {
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
    for (i, e) in unobserved {
        outcomes[*i] = (Outcome::Failed, Some(e.to_string()));
    }
    for (i, o) in outcomes.iter_mut().enumerate() {
        if o.0 == Outcome::Planned && failed_apps.contains(&plan.app[i]) {
            o.0 = Outcome::NotRun;
        }
    }
    outcomes
}

/// What will be applied: refused outright when a step blocks, each held step asked about (or
/// left held), then the whole plan confirmed. Returns, per step, whether it applies.
fn decide(planned: &[Planned], outcomes: &mut [(Outcome, Option<String>)], opts: &RunOptions) -> Result<Vec<bool>> {
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
            _ if outcomes[i].0 != Outcome::Planned => {}
            (_, None) => pending[i] = true,
            // A saved plan's held steps stay held: applying it asks nothing.
            (_, Some(why)) if opts.saved.is_none() && consent(opts, &p.address, why)? => pending[i] = true,
            (_, Some(_)) => outcomes[i].0 = Outcome::Held,
        }
    }
    let to_apply = pending.iter().filter(|p| **p).count();
    if to_apply > 0 && opts.saved.is_none() {
        let word = opts.confirm_word || planned.iter().zip(&pending).any(|(p, &go)| go && needs_word(p));
        confirm(opts, to_apply, word)?;
    }
    Ok(pending)
}

/// Whether a prompt will be shown: at a terminal (stdin and stderr), without --yes.
fn will_ask(opts: &RunOptions) -> bool {
    !opts.yes && opts.reporter.can_ask()
}

/// A change only the whole word `yes` approves, as its step declared ([`Planned::needs_word`]).
fn needs_word(p: &Planned) -> bool {
    p.action != Action::NoOp && p.needs_word
}

/// Ask about one held step, only at a terminal and only without --yes (which never implies consent).
fn consent(opts: &RunOptions, address: &str, why: &str) -> Result<bool> {
    if !will_ask(opts) {
        return Ok(false);
    }
    let answer = opts
        .reporter
        .ask(&format!("{address}: {why}. Change it anyway? [y/N] "))?;
    Ok(approves(answer.as_deref(), false))
}

/// Ask once for the whole plan. `word`: only `yes` approves, as `terraform apply` asks.
fn confirm(opts: &RunOptions, n: usize, word: bool) -> Result<()> {
    if opts.yes {
        return Ok(());
    }
    if !will_ask(opts) {
        return Err(Error::usage(
            "changes need confirmation, but there is no terminal to ask on: pass --yes to apply, or --dry-run to only show the plan",
        ));
    }
    let question = if opts.destroy {
        format!("Destroy {n} resource(s)?")
    } else {
        format!("Apply {n} change(s)?")
    };
    let prompt = if word {
        let what = if opts.destroy {
            "kvwire will delete what it created, as shown above. There is no undo."
        } else {
            "kvwire will make the changes shown above, including the cluster's identity."
        };
        format!("\n{question}\n  {what}\n  Only 'yes' will be accepted to approve.\n\n  Enter a value: ")
    } else {
        format!("{question} [y/N] ")
    };
    let answer = opts.reporter.ask(&prompt)?;
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

/// What failures stopped while applying.
struct Stops {
    /// Every app (`None`: a shared step, or a plan of one runbook, failed), or these.
    apps: HashSet<Option<AppId>>,
    /// A failure was a saved plan found stale.
    stale: bool,
}

/// What is applying now, by step.
type Board = std::sync::Mutex<std::collections::BTreeMap<usize, Running>>;

/// Apply pending steps as their needs are met, up to `parallel` at once — not counting steps that
/// wait on a long-running operation (a re-image, a cluster update), which only `operations` bounds:
/// they spend their time polling, AKS bounds them (one operation per pool or cluster), and their
/// polls share one budget (`PollBudget`), so 32 pools re-image together instead of in waves of 8.
/// After a failure nothing new starts (what runs finishes) — in a fleet, nothing new of the failed
/// step's app, or of any app when a shared step (the cluster, a pool) failed; steps that never
/// became ready stay not run. On Ctrl-C or SIGTERM nothing new starts and the steps in flight are
/// let go: returns what was running.
async fn apply_all(
    plan: &Plan,
    planned: &[Planned],
    pending: &[bool],
    outcomes: &mut [(Outcome, Option<String>)],
    stops: &mut Stops,
    opts: &RunOptions,
) -> Option<Vec<Running>> {
    let board: Board = Default::default();
    let mut started = vec![false; planned.len()];
    let waits_on_operation: Vec<bool> = plan.steps.iter().map(|s| s.operation().is_some()).collect();
    // Slots in use: [other steps, steps that wait on an operation].
    let mut slots = [0usize; 2];
    let limit = [opts.parallel.max(1), opts.operations.unwrap_or(usize::MAX).max(1)];
    let mut running = FuturesUnordered::new();
    let mut interrupt = std::pin::pin!(interrupted());
    let mut heartbeat = opts
        .reporter
        .heartbeat_every(opts.heartbeat)
        .map(|every| tokio::time::interval_at(tokio::time::Instant::now() + every, every));
    loop {
        for i in ready(plan, planned, pending, &started, outcomes, stops) {
            let kind = usize::from(waits_on_operation[i]);
            if slots[kind] >= limit[kind] {
                continue;
            }
            started[i] = true;
            slots[kind] += 1;
            let now = Running {
                address: planned[i].address.clone(),
                operation: plan.steps[i].operation(),
                waits: planned[i].waits_only,
                started: std::time::Instant::now(),
                status: "starting".into(),
            };
            let line = opts.reporter.step(&now);
            board.lock().unwrap().insert(i, now);
            running.push(apply_one(
                i,
                plan.steps[i].as_ref(),
                &planned[i],
                line,
                &board,
                opts.no_wait,
            ));
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
                return Some(std::mem::take(&mut *board.lock().unwrap()).into_values().collect());
            }
            _ = async { heartbeat.as_mut().expect("guarded").tick().await }, if heartbeat.is_some() => {
                let now: Vec<Running> = board.lock().unwrap().values().cloned().collect();
                opts.reporter.heartbeat(&now);
            }
        }
    }
    None
}

/// The steps that may start now: pending, not started, not stopped by a failure, and everything
/// they need done. A held step lets what needs it go on (it stays as it is), except an adoption
/// not consented to: what would use the resource must not treat it as this runbook's.
fn ready(
    plan: &Plan,
    planned: &[Planned],
    pending: &[bool],
    started: &[bool],
    outcomes: &[(Outcome, Option<String>)],
    stops: &Stops,
) -> Vec<StepId> {
    if stops.apps.contains(&None) {
        return vec![];
    }
    let satisfied = |n: usize| match outcomes[n].0 {
        Outcome::Unchanged | Outcome::Applied => true,
        Outcome::Held => !planned[n].adoption,
        _ => false,
    };
    (0..planned.len())
        .filter(|&i| {
            pending[i]
                && !started[i]
                && !stops.apps.contains(&plan.app[i])
                && plan.needs[i].iter().all(|&n| satisfied(n))
        })
        .collect()
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

/// Apply then verify one step, reporting on its line and the board.
async fn apply_one(
    i: usize,
    step: &dyn Step,
    planned: &Planned,
    line: Box<dyn StepLine>,
    board: &Board,
    no_wait: bool,
) -> (usize, Result<Outcome>) {
    crate::info!("applying {}", planned.address);
    let on = |status: &str| {
        line.status(status);
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
    line.finish(match &r {
        Ok(Outcome::Started) => "started",
        Ok(_) if planned.waits_only => "waited",
        Ok(_) => "done",
        Err(_) => "failed",
    });
    (i, r)
}

/// The outputs of the steps `keep` says, read at once; in a fleet, each app's named `app.output`.
async fn collect_outputs(plan: &Plan, keep: impl Fn(StepId) -> bool) -> Result<Vec<(String, Value)>> {
    let kept: Vec<StepId> = (0..plan.steps.len()).filter(|&i| keep(i)).collect();
    let read = futures::future::try_join_all(kept.iter().map(|&i| plan.steps[i].outputs())).await?;
    let mut all = vec![];
    for (i, outputs) in kept.into_iter().zip(read) {
        all.extend(outputs.into_iter().map(|(name, v)| match plan.app_name(i) {
            Some(app) => (format!("{app}.{name}"), v),
            None => (name, v),
        }));
    }
    Ok(all)
}

// ---- what a run shows: the reporter's side -----------------------------------------------

/// One run as it stands: the plan, what each step was observed to do, and what became of it.
pub(crate) struct RunView<'a> {
    pub(crate) plan: &'a Plan,
    pub(crate) planned: &'a [Planned],
    pub(crate) outcomes: &'a [(Outcome, Option<String>)],
    pub(crate) opts: &'a RunOptions,
}

impl RunView<'_> {
    /// How many steps ended `o`.
    pub(crate) fn count(&self, o: Outcome) -> usize {
        self.outcomes.iter().filter(|x| x.0 == o).count()
    }

    /// Whether anything was to change.
    pub(crate) fn changes(&self) -> bool {
        self.planned.iter().any(|p| p.action != Action::NoOp)
    }
}

/// How a run ended.
pub(crate) enum End {
    /// The observation was the whole run: a dry run, or nothing to change. The outputs are read
    /// only when nothing was to change.
    Observed { outputs: Vec<(String, Value)> },
    /// A fleet's runbook could not be observed; nothing was applied.
    Unplannable,
    /// Ctrl-C or SIGTERM while these were applying.
    Interrupted { running: Vec<Running> },
    /// Applied as far as it went. `stale`: a saved plan no longer matched Azure.
    Applied { stale: bool, outputs: Vec<(String, Value)> },
}

/// A step being applied: what it is doing, for heartbeats and interrupt reports.
#[derive(Debug, Clone)]
pub(crate) struct Running {
    pub(crate) address: String,
    /// The long-running Azure operation it started, in words.
    pub(crate) operation: Option<&'static str>,
    /// It only waits for an operation already running in Azure ([`Planned::waits_only`]).
    pub(crate) waits: bool,
    pub(crate) started: Instant,
    pub(crate) status: String,
}

impl Running {
    /// What the step does, in words: waiting for someone else's operation is never called
    /// applying or updating.
    pub(crate) fn doing(&self) -> String {
        match (self.waits, self.operation) {
            (true, Some(op)) => format!("waiting for Azure to finish {op}"),
            (true, None) => "waiting for Azure".into(),
            (false, Some(op)) => op.into(),
            (false, None) => "applying".into(),
        }
    }
}

/// One step's line while it applies.
pub(crate) trait StepLine: Send + Sync {
    fn status(&self, status: &str);
    /// It ended: `done`, `started` (`--no-wait`) or `failed`.
    fn finish(&self, word: &'static str);
}

pub(crate) trait Reporter: Send + Sync {
    /// `plan --out`: the observed plan was saved to `path`.
    fn saved(&self, path: &Path);
    /// What the user must know before confirming.
    fn warnings(&self, planned: &[Planned]);
    /// The observed plan, before anything is asked or applied; `asking`: a question follows.
    fn plan(&self, run: &RunView<'_>, asking: bool);
    /// The run is over.
    fn end(&self, run: &RunView<'_>, end: &End);
    /// Whether a question can be asked (a terminal on stdin and stderr).
    fn can_ask(&self) -> bool;
    /// Ask `prompt`; one whole line back, `None` at end of input.
    fn ask(&self, prompt: &str) -> Result<Option<String>>;
    /// A line for a step that starts applying.
    fn step(&self, running: &Running) -> Box<dyn StepLine>;
    /// How often to say what is still running, given the configured interval: `None` where a
    /// terminal already shows it live (or `-q`).
    fn heartbeat_every(&self, configured: Option<Duration>) -> Option<Duration>;
    /// What is still running.
    fn heartbeat(&self, running: &[Running]);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::Phase;

    #[test]
    fn waiting_for_someone_elses_operation_is_said_as_waiting() {
        let mut r = Running {
            address: "cluster rg/aks".into(),
            operation: Some("updating the cluster"),
            waits: false,
            started: Instant::now(),
            status: "starting".into(),
        };
        assert_eq!(r.doing(), "updating the cluster");
        r.waits = true;
        assert_eq!(r.doing(), "waiting for Azure to finish updating the cluster");
        r.operation = None;
        assert_eq!(r.doing(), "waiting for Azure");
    }

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
