//! The console reporter: what a run shows at a terminal or in a CI log, as text or as the plan
//! document (`-o json|yaml`), with progress lines, heartbeats and the questions. The runner
//! (`plan::run`) only sends it events.

use crate::{
    error::{Error, Result},
    plan::{
        Action, Planned,
        document::{self, Outcome},
        render,
        report::{End, Reporter, RunView, Running, StepLine},
    },
    ui::output::{OutputFormat, Style, Ui},
};
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde_json::Value;
use std::{path::Path, time::Duration};

/// Reports to stdout (the plan, the verdict, the document) and stderr (warnings, progress,
/// questions), as `ui` says.
pub(crate) struct Console {
    ui: Ui,
    lines: MultiProgress,
}

impl Console {
    pub(crate) fn new(ui: Ui) -> Console {
        let lines = MultiProgress::with_draw_target(if ui.interactive_stderr {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        });
        Console { ui, lines }
    }

    fn text(&self) -> bool {
        self.ui.format == OutputFormat::Text
    }

    fn document(&self, run: &RunView<'_>, dry_run: bool, outputs: &[(String, Value)]) {
        self.ui.print_document(&the_document(run, dry_run, outputs));
    }
}

impl Reporter for Console {
    fn saved(&self, path: &Path) {
        if !self.ui.quiet {
            self.ui.eprint(&format!(
                "Saved the plan to {}: apply exactly it with `kvwire up --plan {}`\n",
                path.display(),
                path.display()
            ));
        }
    }

    fn warnings(&self, planned: &[Planned]) {
        if self.ui.quiet {
            return;
        }
        for w in planned.iter().flat_map(|p| &p.warnings) {
            self.ui.eprint(&format!(
                "{}: {w}\n",
                self.ui.for_stderr().paint("warning", Style::Change)
            ));
        }
    }

    fn plan(&self, run: &RunView<'_>, asking: bool) {
        let ui = &self.ui;
        let show_unchanged = run.opts.show_unchanged;
        if self.text() {
            ui.print(&render::text(run.planned, ui, show_unchanged));
            if run.changes() {
                ui.print(&format!("\n{}", render::summary(run.planned)));
            }
            if !run.plan.apps().is_empty() {
                ui.print(&format!("\n{}", app_lines(run, ui)));
            }
        } else if ui.log_to_stderr && !asking {
            // CI: the document goes to stdout; the log says what the plan holds.
            ui.eprint(&render::summary(run.planned));
        } else if asking {
            // stdout holds the document (`kvwire up -f r.toml | tee log`): the person asked at the
            // terminal still sees what they approve, there, before the question.
            let ui = ui.for_stderr();
            ui.eprint(&format!(
                "{}\n{}",
                render::text(run.planned, &ui, show_unchanged),
                render::summary(run.planned)
            ));
        }
    }

    fn end(&self, run: &RunView<'_>, end: &End) {
        let ui = &self.ui;
        match end {
            End::Unplannable if self.text() => {
                ui.print(&format!("\n{}{}", failure_lines(run, ui), app_lines(run, ui)));
            }
            End::Unplannable => self.document(run, run.opts.dry_run, &[]),
            End::Observed { outputs } if !self.text() => self.document(run, run.opts.dry_run, outputs),
            End::Observed { outputs } => observed(run, ui, outputs),
            End::Interrupted { running } => {
                self.lines.clear().ok();
                interrupted(run, ui, running);
                if !self.text() {
                    self.document(run, false, &[]);
                }
            }
            End::Applied { stale, outputs } if self.text() => {
                ui.print(&format!("\n{}", failure_lines(run, ui)));
                if !run.plan.apps().is_empty() {
                    ui.print(&app_lines(run, ui));
                }
                ui.print(&verdict(run, ui, *stale));
                ui.print(&render::outputs(outputs));
            }
            End::Applied { stale, outputs } => {
                if ui.log_to_stderr {
                    let ui = ui.for_stderr();
                    ui.eprint(&format!("{}{}", failure_lines(run, &ui), verdict(run, &ui, *stale)));
                }
                self.document(run, false, outputs)
            }
        }
    }

    fn can_ask(&self) -> bool {
        self.ui.stdin_tty && self.ui.interactive_stderr
    }

    /// One whole line (Enter required) from the terminal: reading a line, not a key, keeps the
    /// rest of a typed `yes` away from the shell.
    fn ask(&self, prompt: &str) -> Result<Option<String>> {
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

    fn step(&self, address: &str) -> Box<dyn StepLine> {
        if self.ui.log_to_stderr {
            // No terminal to redraw: one line when the step ends.
            return Box::new(LogLine {
                ui: self.ui.for_stderr(),
                address: crate::util::text::printable(address).into_owned(),
                started: std::time::Instant::now(),
            });
        }
        let style = ProgressStyle::with_template("{spinner} {prefix} {wide_msg} {elapsed}").expect("valid template");
        let bar = self.lines.add(ProgressBar::new_spinner().with_style(style));
        bar.set_prefix(crate::util::text::printable(address).into_owned());
        bar.enable_steady_tick(Duration::from_millis(120));
        Box::new(Spinner(bar))
    }

    fn heartbeat_every(&self, configured: Option<Duration>) -> Option<Duration> {
        configured.filter(|_| !self.ui.interactive_stderr && !self.ui.quiet)
    }

    fn heartbeat(&self, running: &[Running]) {
        for r in running {
            self.ui.eprint(&format!(
                "{}: {}, {}, {}\n",
                r.address,
                r.operation.unwrap_or("applying"),
                minutes(r.started.elapsed()),
                r.status
            ));
        }
    }
}

/// A step's line in a CI log: written once, when it ends.
struct LogLine {
    ui: Ui,
    address: String,
    started: std::time::Instant,
}

impl StepLine for LogLine {
    fn status(&self, _: &str) {}

    fn finish(&self, word: &'static str) {
        let mark = match word {
            "failed" => self.ui.paint("✘", Style::Remove),
            "done" | "waited" => self.ui.paint("✔", Style::Add),
            _ => self.ui.paint("…", Style::Change),
        };
        self.ui.eprint(&format!(
            "{mark} {}: {word} ({})\n",
            self.address,
            minutes(self.started.elapsed())
        ));
    }
}

struct Spinner(ProgressBar);

impl StepLine for Spinner {
    fn status(&self, status: &str) {
        self.0.set_message(crate::util::text::printable(status).into_owned());
    }

    fn finish(&self, word: &'static str) {
        self.0.finish_with_message(word);
    }
}

fn minutes(d: Duration) -> String {
    let s = d.as_secs();
    if s < 60 {
        format!("{s}s")
    } else {
        format!("{}m", s / 60)
    }
}

/// The plan document, with each app's part in a fleet.
fn the_document(run: &RunView<'_>, dry_run: bool, outputs: &[(String, Value)]) -> document::Document {
    let doc = document::document(&run.opts.command, dry_run, run.planned, run.outcomes, outputs);
    if run.plan.apps().is_empty() {
        return doc;
    }
    let app_of: Vec<Option<String>> = (0..run.planned.len())
        .map(|i| run.plan.app_name(i).map(str::to_owned))
        .collect();
    document::with_apps(doc, &app_of, apps(run))
}

/// What became of each app of a fleet.
fn apps(run: &RunView<'_>) -> Vec<document::AppDoc> {
    document::app_docs(run.plan.apps(), |i| run.plan.app_of(i), run.outcomes)
}

/// The end of a dry run, or of a run with nothing to change.
fn observed(run: &RunView<'_>, ui: &Ui, outputs: &[(String, Value)]) {
    let opts = run.opts;
    if run.changes() {
        let to = if opts.destroy { "To destroy" } else { "To apply" };
        ui.print(&format!("\nDry run: nothing was changed. {to}: {}\n", opts.apply_hint));
    } else if opts.destroy {
        ui.print(&format!(
            "No changes: nothing kvwire created is left to destroy ({} step(s) checked).\n",
            run.planned.len()
        ));
    } else {
        ui.print(&format!(
            "No changes: Azure already matches ({} step(s) checked).\n",
            run.planned.len()
        ));
        ui.print(&render::outputs(outputs));
    }
}

/// The last line of an applied run: what was done, and what to do next.
fn verdict(run: &RunView<'_>, ui: &Ui, stale: bool) -> String {
    let opts = run.opts;
    let count = |o| run.count(o);
    let (applied, failed, held, started, not_run) = (
        count(Outcome::Applied),
        count(Outcome::Failed),
        count(Outcome::Held),
        count(Outcome::Started),
        count(Outcome::NotRun),
    );
    // Steps that only waited for what already ran (a resumed run) did not apply anything.
    let waited = run
        .outcomes
        .iter()
        .zip(run.planned)
        .filter(|((o, _), p)| *o == Outcome::Applied && p.waits_only)
        .count();
    let applied = applied - waited;
    let waited = match waited {
        0 => String::new(),
        n => format!("; {n} waited for (already running in Azure)"),
    };
    // `down` that only took its name off a shared resource did not destroy it: say so.
    let released = run
        .outcomes
        .iter()
        .zip(run.planned)
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
        format!(
            "Started {started} operation(s) that go on in Azure (--no-wait); {applied} applied, {not_run} waiting for them. Next: {}, then {}.\n",
            opts.wait_hint, opts.apply_hint
        )
    } else if let (true, Some(replan)) = (failed > 0 && stale, &opts.replan_hint) {
        // Applying the same file again cannot help: only a new plan can.
        format!(
            "{verb} failed: {applied} {done}, {failed} failed, {not_run} not run. The saved plan is stale: plan again (`{replan}`), review it, then apply the new plan.\n"
        )
    } else if failed > 0 {
        // Re-running goes on where this stopped: done steps do nothing.
        let again = if opts.apply_hint.starts_with("kvwire ") {
            format!("`{}`", opts.apply_hint)
        } else {
            "the same command".to_string()
        };
        format!(
            "{verb} failed: {applied} {done}, {failed} failed, {not_run} not run. Fix the cause, then run {again} again.\n"
        )
    } else if held > 0 {
        let waiting = match not_run {
            0 => String::new(),
            n => format!("; {n} not run: they need what was held back"),
        };
        format!(
            "{} {verb} complete except {held} held back: {applied} {done}{kept} and verified{waiting}.\n",
            ui.paint("!", Style::Change)
        )
    } else {
        format!(
            "{} {verb} complete: {applied} {done}{kept} and verified{waited}.\n",
            ui.paint("✔", Style::Add)
        )
    }
}

/// What an interrupt leaves running in Azure, and how to go on.
fn interrupted(run: &RunView<'_>, ui: &Ui, running: &[Running]) {
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
        run.opts.wait_hint, run.opts.apply_hint
    ));
}

/// A line per step that failed or was held, with why.
fn failure_lines(run: &RunView<'_>, ui: &Ui) -> String {
    let mut out = String::new();
    for (i, (o, err)) in run.outcomes.iter().enumerate() {
        let address = &run.planned[i].address;
        match (o, err) {
            (Outcome::Failed, Some(e)) => out.push_str(&format!("{} {address}: {e}\n", ui.paint("✘", Style::Remove))),
            (Outcome::Held, _) => out.push_str(&format!(
                "{} {address}: not changed: {}\n",
                ui.paint("!", Style::Change),
                run.planned[i].held.as_deref().unwrap_or("")
            )),
            _ => {}
        }
    }
    out
}

/// A fleet's text report: a line per app with what became of its steps.
fn app_lines(run: &RunView<'_>, ui: &Ui) -> String {
    let mut out = String::new();
    for app in apps(run) {
        let mark = match app.outcome {
            Outcome::Failed => ui.paint("✘", Style::Remove),
            Outcome::NotRun | Outcome::Held | Outcome::Started | Outcome::Planned => ui.paint("!", Style::Change),
            Outcome::Applied | Outcome::Unchanged => ui.paint("✔", Style::Add),
        };
        let counts: Vec<String> = [
            Outcome::Applied,
            Outcome::Planned,
            Outcome::Started,
            Outcome::Held,
            Outcome::Failed,
            Outcome::NotRun,
            Outcome::Unchanged,
        ]
        .into_iter()
        .filter_map(|o| {
            app.outcomes
                .get(o.name())
                .map(|n| format!("{n} {}", o.name().replace('_', " ")))
        })
        .collect();
        out.push_str(&format!(
            "{mark} {}: {} ({})\n",
            crate::util::text::printable(&app.name),
            app.outcome.name().replace('_', " "),
            counts.join(", ")
        ));
    }
    out
}
