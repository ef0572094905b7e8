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
    ui::{
        output::{OutputFormat, Style, Ui},
        width,
    },
};
use dialoguer::console::Term;
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle, TermLike};
use serde_json::Value;
use std::{
    path::Path,
    time::{Duration, Instant},
};

/// Reports to stdout (the plan, the verdict, the document) and stderr (warnings, progress,
/// questions), as `ui` says.
pub(crate) struct Console {
    ui: Ui,
    lines: MultiProgress,
}

impl Console {
    pub(crate) fn new(ui: Ui) -> Console {
        let lines = MultiProgress::with_draw_target(if ui.interactive_stderr {
            ProgressDrawTarget::term_like_with_hz(Box::new(Rows::default()), 20)
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
            eprint(
                &self.ui,
                &format!(
                    "Saved the plan to {}: apply exactly it with `kvwire up --plan {}`\n",
                    path.display(),
                    path.display()
                ),
            );
        }
    }

    fn warnings(&self, planned: &[Planned]) {
        if self.ui.quiet {
            return;
        }
        for w in planned.iter().flat_map(|p| &p.warnings) {
            eprint(
                &self.ui,
                &format!("{}: {w}\n", self.ui.for_stderr().paint("warning", Style::Change)),
            );
        }
    }

    fn plan(&self, run: &RunView<'_>, asking: bool) {
        let ui = &self.ui;
        let detail = run.opts.detail;
        if self.text() {
            ui.print(&render::text(run.planned, ui, detail, width::stdout()));
            if run.changes() {
                print(ui, &format!("\n{}", render::summary(run.planned)));
            }
            if !run.plan.apps().is_empty() {
                print(ui, &format!("\n{}", app_lines(run, ui)));
            }
        } else if ui.log_to_stderr && !asking {
            // CI: the document goes to stdout; the log says what the plan holds.
            eprint(ui, &render::summary(run.planned));
        } else if asking {
            // stdout holds the document (`kvwire up -f r.toml | tee log`): the person asked at the
            // terminal still sees what they approve, there, before the question.
            let ui = ui.for_stderr();
            ui.eprint(&format!(
                "{}\n{}",
                render::text(run.planned, &ui, detail, width::stderr()),
                width::wrap(&render::summary(run.planned), width::stderr())
            ));
        }
    }

    fn end(&self, run: &RunView<'_>, end: &End) {
        let ui = &self.ui;
        match end {
            End::Unplannable if self.text() => {
                print(ui, &format!("\n{}{}", failure_lines(run, ui), app_lines(run, ui)));
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
                print(ui, &format!("\n{}", failure_lines(run, ui)));
                if !run.plan.apps().is_empty() {
                    print(ui, &app_lines(run, ui));
                }
                print(ui, &verdict(run, ui, *stale));
                print(ui, &render::outputs(outputs));
            }
            End::Applied { stale, outputs } => {
                if ui.log_to_stderr {
                    let ui = ui.for_stderr();
                    eprint(
                        &ui,
                        &format!("{}{}", failure_lines(run, &ui), verdict(run, &ui, *stale)),
                    );
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
        let prompt = width::wrap(&crate::util::text::printable(prompt), width::stderr());
        err.write_all(prompt.as_bytes())
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

    fn step(&self, running: &Running) -> Box<dyn StepLine> {
        let address = crate::util::text::printable(&running.address).into_owned();
        if self.ui.log_to_stderr {
            // No terminal to redraw: one line when the step ends.
            return Box::new(LogLine {
                ui: self.ui.for_stderr(),
                address,
                started: Instant::now(),
            });
        }
        let style = ProgressStyle::with_template("{spinner} {msg} ({took})")
            .expect("valid template")
            .with_key("took", |s: &ProgressState, w: &mut dyn std::fmt::Write| {
                let _ = w.write_str(&minutes(s.elapsed()));
            });
        let bar = self.lines.add(ProgressBar::new_spinner().with_style(style));
        let line = Spinner {
            bar,
            lines: self.lines.clone(),
            ui: self.ui.for_stderr(),
            address,
            started: Instant::now(),
        };
        line.status(&running.doing());
        line.bar.enable_steady_tick(Duration::from_millis(120));
        Box::new(line)
    }

    fn heartbeat_every(&self, configured: Option<Duration>) -> Option<Duration> {
        configured.filter(|_| !self.ui.interactive_stderr && !self.ui.quiet)
    }

    fn heartbeat(&self, running: &[Running]) {
        for r in running {
            self.ui.eprint(&format!(
                "{}: {}, {}, {}\n",
                r.address,
                r.doing(),
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
    started: Instant,
}

impl StepLine for LogLine {
    fn status(&self, _: &str) {}

    fn finish(&self, word: &'static str) {
        self.ui.eprint(&format!(
            "{}\n",
            finished(&self.ui, &self.address, word, self.started, None)
        ));
    }
}

/// A step's line at a terminal: a spinner while it runs, a line kept above the spinners once it
/// ends, so that Ctrl-C, which clears the spinners, leaves what finished on the screen.
struct Spinner {
    bar: ProgressBar,
    lines: MultiProgress,
    ui: Ui,
    address: String,
    started: Instant,
}

/// What a spinner line takes besides its text: `⠁ ` before it, ` (59s)` after, and room for the
/// `^C` a terminal echoes after it on Ctrl-C, which must not wrap.
const SPINNER_FRAME: usize = 2 + 6 + 2;

impl StepLine for Spinner {
    fn status(&self, status: &str) {
        let room = width::stderr().map(|w| w.saturating_sub(SPINNER_FRAME));
        let status = crate::util::text::printable(status);
        self.bar.set_message(fitted(&self.address, &status, room));
    }

    fn finish(&self, word: &'static str) {
        self.bar.finish_and_clear();
        self.lines.remove(&self.bar);
        let line = finished(&self.ui, &self.address, word, self.started, width::stderr());
        let _ = self.lines.println(line);
    }
}

/// Stderr for the spinners, with the cursor left at the end of the last line drawn instead of
/// past it: indicatif pads each line to the terminal's edge so that the next one starts a row
/// down, and then the `^C` a terminal echoes on Ctrl-C lands on a row of its own, and the clear
/// that follows erases one row too low (the top spinner stays). Here the padding clears the rest
/// of the row, and the row ends only when another line follows.
#[derive(Debug)]
struct Rows {
    term: Term,
    /// A line was drawn: the next text starts on a new row.
    ended: std::sync::atomic::AtomicBool,
}

impl Default for Rows {
    fn default() -> Rows {
        Rows {
            term: Term::stderr(),
            ended: Default::default(),
        }
    }
}

impl Rows {
    /// Drawing moves the cursor itself: the row it was at no longer ends.
    fn moved(&self) {
        self.ended.store(false, std::sync::atomic::Ordering::Relaxed);
    }
}

impl TermLike for Rows {
    fn width(&self) -> u16 {
        self.term.size().1
    }

    fn height(&self) -> u16 {
        self.term.size().0
    }

    fn move_cursor_up(&self, n: usize) -> std::io::Result<()> {
        if n > 0 {
            self.moved();
        }
        self.term.move_cursor_up(n)
    }

    fn move_cursor_down(&self, n: usize) -> std::io::Result<()> {
        if n > 0 {
            self.moved();
        }
        self.term.move_cursor_down(n)
    }

    fn move_cursor_right(&self, n: usize) -> std::io::Result<()> {
        self.term.move_cursor_right(n)
    }

    fn move_cursor_left(&self, n: usize) -> std::io::Result<()> {
        self.term.move_cursor_left(n)
    }

    fn write_line(&self, s: &str) -> std::io::Result<()> {
        self.write_str(s)?;
        self.term.write_str("\r\n")?;
        self.moved();
        Ok(())
    }

    fn write_str(&self, s: &str) -> std::io::Result<()> {
        use std::sync::atomic::Ordering::Relaxed;
        if !s.is_empty() && s.bytes().all(|b| b == b' ') {
            // The padding after a line.
            self.ended.store(true, Relaxed);
            return self.term.write_str("\x1b[K");
        }
        if self.ended.swap(false, Relaxed) {
            self.term.write_str("\r\n")?;
        }
        self.term.write_str(s)
    }

    fn clear_line(&self) -> std::io::Result<()> {
        self.moved();
        self.term.clear_line()
    }

    fn flush(&self) -> std::io::Result<()> {
        self.term.flush()
    }
}

/// A step's last line: `✔ ADDRESS: done (12s)`, fitted to `width` when it goes to a terminal.
fn finished(ui: &Ui, address: &str, word: &str, started: Instant, width: Option<usize>) -> String {
    let mark = match word {
        "failed" => ui.paint("✘", Style::Remove),
        "done" | "waited" => ui.paint("✔", Style::Add),
        _ => ui.paint("…", Style::Change),
    };
    let took = minutes(started.elapsed());
    // The mark and its space, then ` (12s)`.
    let room = width.map(|w| w.saturating_sub(2 + took.len() + 3));
    format!("{mark} {} ({took})", fitted(address, word, room))
}

/// The fewest columns a shortened address keeps on a progress line.
const ADDRESS_KEEPS: usize = 24;

/// `ADDRESS: STATUS` in `room` columns (`None`: as it is). The address gives way first, shortened
/// in its middle, so the status word at the end stays whole; a status too long even then is cut.
fn fitted(address: &str, status: &str, room: Option<usize>) -> String {
    let line = if status.is_empty() {
        address.to_string()
    } else {
        format!("{address}: {status}")
    };
    let Some(room) = room.filter(|&r| width::of(&line) > r) else {
        return line;
    };
    if status.is_empty() {
        return width::middle(address, room);
    }
    let keeps = width::of(address).min(ADDRESS_KEEPS);
    let status = width::end(status, room.saturating_sub(keeps + 2));
    let address = width::middle(address, room.saturating_sub(width::of(&status) + 2));
    format!("{address}: {status}")
}

/// `text` on stdout, fitted to the terminal where it is one.
fn print(ui: &Ui, text: &str) {
    ui.print(&width::wrap(text, width::stdout()));
}

/// `text` on stderr, fitted to the terminal where it is one.
fn eprint(ui: &Ui, text: &str) {
    ui.eprint(&width::wrap(text, width::stderr()));
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
        print(
            ui,
            &format!("\nDry run: nothing was changed. {to}: {}\n", opts.apply_hint),
        );
    } else if opts.destroy {
        print(
            ui,
            &format!(
                "No changes: nothing kvwire created is left to destroy ({} step(s) checked).\n",
                run.planned.len()
            ),
        );
    } else {
        print(
            ui,
            &format!(
                "No changes: Azure already matches ({} step(s) checked).\n",
                run.planned.len()
            ),
        );
        print(ui, &render::outputs(outputs));
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
    eprint(
        ui,
        &format!(
            "\n{} Interrupted: nothing new was started.\n",
            ui.for_stderr().paint("!", Style::Change)
        ),
    );
    let in_azure: Vec<&Running> = running.iter().filter(|r| r.operation.is_some()).collect();
    if !in_azure.is_empty() {
        eprint(ui, "These may still be running in Azure; they go on without kvwire:\n");
        for r in in_azure {
            eprint(
                ui,
                &format!(
                    "  {}: {} ({}, {})\n",
                    r.address,
                    r.doing(),
                    minutes(r.started.elapsed()),
                    r.status
                ),
            );
        }
    }
    eprint(
        ui,
        &format!(
            "To wait for them: {}\nTo go on (what is done stays done, what runs is adopted): {}\n",
            run.opts.wait_hint, run.opts.apply_hint
        ),
    );
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

#[cfg(test)]
mod tests {
    use super::*;

    const CLUSTER: &str = "cluster rg1/aks1 (managed identity, workload identity, CSI driver add-on)";

    #[test]
    fn a_progress_line_gives_up_its_address_before_its_status() {
        let line = fitted(CLUSTER, "done", Some(60));
        assert_eq!(width::of(&line), 60, "{line}");
        assert!(
            line.starts_with("cluster rg1/aks1 (") && line.ends_with("add-on): done"),
            "{line}"
        );
        // A status too long even then is cut; the address keeps its share.
        let line = fitted("identity rg1/id-shop", &"waiting ".repeat(20), Some(40));
        assert_eq!(width::of(&line), 40, "{line}");
        assert!(
            line.starts_with("identity rg1/id-shop: waiting") && line.ends_with('…'),
            "{line}"
        );
        assert_eq!(
            fitted(CLUSTER, "done", None),
            format!("{CLUSTER}: done"),
            "no terminal: whole"
        );
    }
}
