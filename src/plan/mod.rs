//! The plan core. Every mutating command is a list of [`Step`]s run as
//! observe → plan → (confirm) → apply → verify. Observation is read-only, so `--dry-run`
//! performs only reads.

use crate::{
    azure::arm::OnStatus,
    error::{Error, Result, exit},
    ui::output::{OutputFormat, Style, Ui},
};
use serde::Serialize;
use serde_json::{Value, json};

/// Version of the JSON plan document (docs/plan-format.md). Bump on any breaking change.
pub const FORMAT_VERSION: &str = "1";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    NoOp,
    Create,
    Update,
    /// An action with no resource diff, such as a node image upgrade.
    Run,
    Delete,
}

impl Action {
    fn symbol(self) -> (&'static str, Style) {
        match self {
            Action::NoOp => ("=", Style::Dim),
            Action::Create => ("+", Style::Add),
            Action::Update => ("~", Style::Change),
            Action::Run => (">", Style::Run),
            Action::Delete => ("-", Style::Remove),
        }
    }
}

/// The value a field will have.
#[derive(Debug, Clone, PartialEq)]
pub enum After {
    Value(Value),
    /// Azure assigns it during apply (an identity's principalId, say).
    KnownAfterApply,
    /// A secret: only the fact that it changes is shown.
    Sensitive,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FieldChange {
    /// Dotted JSON path, e.g. `identity.type`.
    pub path: String,
    pub before: Option<Value>,
    pub after: After,
}

impl FieldChange {
    pub fn set(path: &str, before: Option<Value>, after: Value) -> FieldChange {
        FieldChange {
            path: path.into(),
            before,
            after: After::Value(after),
        }
    }
    pub fn unknown(path: &str) -> FieldChange {
        FieldChange {
            path: path.into(),
            before: None,
            after: After::KnownAfterApply,
        }
    }

    fn to_json(&self) -> Value {
        let (after, unknown, sensitive) = match &self.after {
            After::Value(v) => (v.clone(), false, false),
            After::KnownAfterApply => (Value::Null, true, false),
            After::Sensitive => (Value::Null, false, true),
        };
        let before = if sensitive {
            Value::Null
        } else {
            self.before.clone().unwrap_or(Value::Null)
        };
        json!({"path": self.path, "before": before, "after": after, "after_unknown": unknown, "sensitive": sensitive})
    }
}

/// What one step will do, as observed.
#[derive(Debug, Clone)]
pub struct Planned {
    /// Stable, human-readable handle: `cluster rg-demo/aks-demo`.
    pub address: String,
    /// ARM type or action, e.g. `Microsoft.ContainerService/managedClusters`.
    pub resource_type: String,
    pub action: Action,
    /// Why (especially for no-ops and runs): "node image is already the latest".
    pub reason: Option<String>,
    pub changes: Vec<FieldChange>,
    /// Things the user must know before confirming (printed to stderr, and in the JSON document).
    pub warnings: Vec<String>,
    /// Applied only with explicit consent (a flag such as `--overwrite`, or a per-step prompt):
    /// why it is held, e.g. "the vault holds a different value; pass --overwrite to replace it".
    pub held: Option<String>,
}

impl Planned {
    pub fn no_op(address: impl Into<String>, resource_type: &str, reason: impl Into<String>) -> Planned {
        Planned {
            address: address.into(),
            resource_type: resource_type.into(),
            action: Action::NoOp,
            reason: Some(reason.into()),
            changes: vec![],
            warnings: vec![],
            held: None,
        }
    }
}

/// One unit of change. `plan` must only read.
#[async_trait::async_trait]
pub trait Step: Send + Sync {
    /// Observe Azure (reads only) and say what `apply` would do.
    async fn plan(&mut self) -> Result<Planned>;
    /// Make the change, reporting progress through `on`.
    async fn apply(&mut self, on: OnStatus<'_>) -> Result<()>;
    /// Steps apply in ascending phases; a phase starts only when the one before succeeded.
    fn phase(&self) -> u16 {
        0
    }
    /// Values the user needs afterwards (an identity's clientId, say), read after apply or on a no-op.
    async fn outputs(&mut self) -> Result<Vec<(String, Value)>> {
        Ok(vec![])
    }
    /// Check the change took: by default, observing again must find nothing left to do.
    async fn verify(&mut self) -> Result<()> {
        let again = self.plan().await?;
        if again.action == Action::NoOp {
            Ok(())
        } else {
            Err(Error::runtime(format!(
                "verification failed for {}: Azure still shows a pending {:?} after apply",
                again.address, again.action
            )))
        }
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
    /// How many steps may apply at once (1 = in order).
    pub parallel: usize,
    /// How many steps may observe (read) at once.
    pub observe_parallel: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
enum Outcome {
    Unchanged,
    Planned,
    Applied,
    Failed,
    NotRun,
    /// Needed consent (e.g. `--overwrite`) that was not given: left as it is.
    Held,
}

/// Observe every step, show the plan, confirm, apply, verify. Returns the exit code.
pub async fn run(mut steps: Vec<Box<dyn Step>>, opts: &RunOptions, ui: &Ui) -> Result<u8> {
    let planned = observe_all(&mut steps, opts.observe_parallel.max(1)).await?;
    let mut outcomes: Vec<(Outcome, Option<String>)> = planned
        .iter()
        .map(|p| {
            (
                if p.action == Action::NoOp {
                    Outcome::Unchanged
                } else {
                    Outcome::Planned
                },
                None,
            )
        })
        .collect();

    let text = ui.format == OutputFormat::Text;
    if !ui.quiet {
        for w in planned.iter().flat_map(|p| &p.warnings) {
            eprintln!("warning: {w}");
        }
    }
    if text {
        print!("{}", render_text(&planned, ui));
    }
    let changes = planned.iter().any(|p| p.action != Action::NoOp);
    if !changes || opts.dry_run {
        let outputs = if opts.dry_run {
            vec![]
        } else {
            collect_outputs(&mut steps).await?
        };
        if !text {
            ui.print_document(&document(opts, &planned, &outcomes, &outputs));
        } else if changes {
            println!("\nDry run: nothing was changed. Run again without --dry-run to apply.");
        } else {
            print!("{}", render_outputs(&outputs));
        }
        return Ok(if changes && opts.detailed_exitcode {
            exit::CHANGES
        } else {
            exit::OK
        });
    }

    // Held steps (a secret whose value differs, say) need their own yes; without it they stay as they are.
    let mut pending = vec![];
    for (i, p) in planned.iter().enumerate() {
        match (&p.action, &p.held) {
            (Action::NoOp, _) => {}
            (_, None) => pending.push(i),
            (_, Some(why)) if consent(ui, opts, &p.address, why)? => pending.push(i),
            (_, Some(_)) => outcomes[i].0 = Outcome::Held,
        }
    }
    let held = outcomes.iter().filter(|o| o.0 == Outcome::Held).count();
    if !pending.is_empty() {
        confirm(opts, ui, pending.len())?;
    }

    let results = apply_all(&mut steps, &planned, &pending, opts.parallel.max(1), ui).await;
    let mut failed = 0;
    for (i, r) in results {
        outcomes[i] = match r {
            Ok(()) => (Outcome::Applied, None),
            Err(e) => {
                failed += 1;
                (Outcome::Failed, Some(e.to_string()))
            }
        };
    }
    for (o, _) in outcomes.iter_mut() {
        if *o == Outcome::Planned {
            *o = Outcome::NotRun;
        }
    }

    let outputs = if failed == 0 {
        collect_outputs(&mut steps).await?
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
        let applied = outcomes.iter().filter(|o| o.0 == Outcome::Applied).count();
        let not_run = outcomes.iter().filter(|o| o.0 == Outcome::NotRun).count();
        if failed == 0 {
            let held_note = if held > 0 {
                format!(", {held} held back")
            } else {
                String::new()
            };
            println!(
                "{} Apply complete: {applied} applied and verified{held_note}.",
                ui.paint("✔", Style::Add)
            );
        } else {
            println!("Apply failed: {applied} applied, {failed} failed, {not_run} not run.");
        }
        print!("{}", render_outputs(&outputs));
    } else {
        ui.print_document(&document(opts, &planned, &outcomes, &outputs));
    }
    if failed > 0 {
        return Err(Error::runtime(format!("{failed} of {} step(s) failed", pending.len())));
    }
    Ok(if held > 0 && opts.detailed_exitcode {
        exit::CHANGES
    } else {
        exit::OK
    })
}

/// Steps observe at once (reads only), up to this many in flight, unless a command says otherwise.
pub const OBSERVE_CONCURRENCY: usize = 8;

pub async fn observe_all(steps: &mut [Box<dyn Step>], concurrency: usize) -> Result<Vec<Planned>> {
    use futures::{StreamExt, stream};
    let results: Vec<Result<Planned>> = stream::iter(steps.iter_mut().map(|s| async move { s.plan().await }))
        .buffered(concurrency)
        .collect()
        .await;
    results.into_iter().collect()
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

/// A step moved to another phase, for composing commands into one ordered run.
pub struct Phased {
    pub phase: u16,
    pub inner: Box<dyn Step>,
}

#[async_trait::async_trait]
impl Step for Phased {
    async fn plan(&mut self) -> Result<Planned> {
        self.inner.plan().await
    }
    async fn apply(&mut self, on: OnStatus<'_>) -> Result<()> {
        self.inner.apply(on).await
    }
    async fn verify(&mut self) -> Result<()> {
        self.inner.verify().await
    }
    fn phase(&self) -> u16 {
        self.phase
    }
    async fn outputs(&mut self) -> Result<Vec<(String, Value)>> {
        self.inner.outputs().await
    }
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

/// Apply pending steps phase by phase. Within a phase up to `parallel` run at once; with
/// `parallel == 1` they run in order and the first failure stops the rest. A later phase never
/// starts after a failure: it may depend on what failed.
async fn apply_all(
    steps: &mut [Box<dyn Step>],
    planned: &[Planned],
    pending: &[usize],
    parallel: usize,
    ui: &Ui,
) -> Vec<(usize, Result<()>)> {
    use futures::{StreamExt, stream};
    use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

    let multi = MultiProgress::with_draw_target(if ui.interactive_stderr {
        ProgressDrawTarget::stderr()
    } else {
        ProgressDrawTarget::hidden()
    });
    let style = ProgressStyle::with_template("{spinner} {prefix} {wide_msg} {elapsed}").expect("valid template");
    let mut phases: Vec<u16> = pending.iter().map(|&i| steps[i].phase()).collect();
    phases.sort_unstable();
    phases.dedup();
    let mut by_index: Vec<Option<&mut Box<dyn Step>>> = steps.iter_mut().map(Some).collect();
    let mut results = vec![];
    for phase in phases {
        let mut work = Vec::new();
        for &i in pending {
            if by_index[i].as_ref().is_some_and(|s| s.phase() == phase) {
                let step = by_index[i].take().expect("each step runs once");
                let bar = multi.add(ProgressBar::new_spinner().with_style(style.clone()));
                bar.set_prefix(planned[i].address.clone());
                bar.enable_steady_tick(std::time::Duration::from_millis(120));
                work.push((i, step, bar));
            }
        }
        let phase_results: Vec<(usize, Result<()>)> = if parallel <= 1 {
            let mut out = vec![];
            for (i, step, bar) in work {
                let r = apply_one(i, step, bar, &planned[i].address).await;
                let failed = r.1.is_err();
                out.push(r);
                if failed {
                    break;
                }
            }
            out
        } else {
            stream::iter(work)
                .map(|(i, step, bar)| apply_one(i, step, bar, &planned[i].address))
                .buffer_unordered(parallel)
                .collect()
                .await
        };
        let failed = phase_results.iter().any(|(_, r)| r.is_err());
        results.extend(phase_results);
        if failed {
            break;
        }
    }
    results
}

/// Apply then verify one step, reporting on its progress line.
async fn apply_one(
    i: usize,
    step: &mut Box<dyn Step>,
    bar: indicatif::ProgressBar,
    address: &str,
) -> (usize, Result<()>) {
    crate::info!("applying {address}");
    let on = |status: &str| bar.set_message(status.to_string());
    let r = match step.apply(&on).await {
        Ok(()) => {
            bar.set_message("verifying");
            step.verify().await
        }
        Err(e) => Err(e),
    };
    bar.finish_with_message(if r.is_ok() { "done" } else { "failed" });
    (i, r)
}

/// Terraform-like text: one line per step, indented field changes.
pub fn render_text(planned: &[Planned], ui: &Ui) -> String {
    let mut out = String::new();
    for p in planned {
        let (sym, style) = p.action.symbol();
        let verb = match p.action {
            Action::NoOp => "unchanged",
            Action::Create => "create",
            Action::Update => "update",
            Action::Run => "run",
            Action::Delete => "delete",
        };
        out.push_str(&format!(
            "  {} {:<9} {}  {}\n",
            ui.paint(sym, style),
            verb,
            ui.paint(&p.address, Style::Bold),
            ui.paint(&p.resource_type, Style::Dim)
        ));
        if let Some(r) = &p.reason {
            out.push_str(&format!("      {}\n", ui.paint(&format!("# {r}"), Style::Dim)));
        }
        for c in &p.changes {
            let after = match &c.after {
                After::Value(v) => v.to_string(),
                After::KnownAfterApply => "(known after apply)".into(),
                After::Sensitive => "(sensitive)".into(),
            };
            match (&c.before, &c.after) {
                (_, After::Sensitive) => out.push_str(&format!("      {} = (sensitive value changes)\n", c.path)),
                (Some(b), _) => out.push_str(&format!("      {}: {} → {}\n", c.path, b, after)),
                (None, _) => out.push_str(&format!("      {} = {}\n", c.path, after)),
            }
        }
    }
    let count = |a: Action| planned.iter().filter(|p| p.action == a).count();
    out.push_str(&format!(
        "\nPlan: {} to create, {} to update, {} to run, {} to delete, {} unchanged.\n",
        count(Action::Create),
        count(Action::Update),
        count(Action::Run),
        count(Action::Delete),
        count(Action::NoOp)
    ));
    out
}

async fn collect_outputs(steps: &mut [Box<dyn Step>]) -> Result<Vec<(String, Value)>> {
    let mut all = vec![];
    for s in steps.iter_mut() {
        all.extend(s.outputs().await?);
    }
    Ok(all)
}

fn render_outputs(outputs: &[(String, Value)]) -> String {
    if outputs.is_empty() {
        return String::new();
    }
    let width = outputs.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    let mut out = String::from("\nOutputs:\n");
    for (k, v) in outputs {
        let shown = v.as_str().map(str::to_owned).unwrap_or_else(|| v.to_string());
        out.push_str(&format!("  {k:<width$} = {shown}\n"));
    }
    out
}

fn document(
    opts: &RunOptions,
    planned: &[Planned],
    outcomes: &[(Outcome, Option<String>)],
    outputs: &[(String, Value)],
) -> Value {
    let steps: Vec<Value> = planned
        .iter()
        .zip(outcomes)
        .map(|(p, (o, err))| {
            let mut v = json!({
                "address": p.address,
                "resource_type": p.resource_type,
                "action": p.action,
                "reason": p.reason,
                "changes": p.changes.iter().map(FieldChange::to_json).collect::<Vec<_>>(),
                "outcome": o,
                "warnings": p.warnings,
                "held": p.held,
            });
            if let Some(e) = err {
                v["error"] = json!(e);
            }
            v
        })
        .collect();
    let count = |a: Action| planned.iter().filter(|p| p.action == a).count();
    json!({
        "format_version": FORMAT_VERSION,
        "command": opts.command,
        "dry_run": opts.dry_run,
        "steps": steps,
        "outputs": outputs.iter().cloned().collect::<serde_json::Map<String, Value>>(),
        "summary": {
            "create": count(Action::Create),
            "update": count(Action::Update),
            "run": count(Action::Run),
            "delete": count(Action::Delete),
            "no_op": count(Action::NoOp),
        }
    })
}
