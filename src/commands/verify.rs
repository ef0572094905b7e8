//! `kvwire verify -f runbook.toml`: ✔ or ✘ per check with the command that fixes it, and what
//! `up` would still change; any ✘ exits 3.

use crate::{
    cli::VerifyArgs,
    error::{ExitStatus, Result},
    plan::{document, render},
    runbook::{
        self,
        verify::{self, ClusterChecks, InCluster},
    },
    settings::Settings,
    ui::output::Style,
    util::observation::Observation,
};
use serde_json::json;
use std::{path::PathBuf, sync::Arc};

/// `verify -f R` for one runbook; more (`-f a -f b`, or a directory) are checked side by side in
/// one observation and reported apart, each under its name; the exit code is the worst.
pub(crate) async fn run(a: &VerifyArgs, s: &Settings) -> Result<ExitStatus> {
    let files = &a.runbook.files;
    let inside = ClusterChecks {
        mode: if a.no_in_cluster {
            InCluster::Skip
        } else if a.in_cluster {
            InCluster::Required
        } else {
            InCluster::IfReachable
        },
        access: (&a.access).into(),
    };
    if files.len() > 1 || files.iter().any(|f| f.is_dir()) {
        return fleet(files, &inside, s).await;
    }
    let file = &files[0];
    let rb = runbook::load(file)?;
    let az = Arc::new(s.connect().await?);
    // One observation: the checks and the drift plan share their reads.
    let report = Observation::default().run(verify::run(&az, &rb, file, &inside)).await?;
    let ui = &s.ui;
    let failed = failed(&report);
    match ui.format {
        f if f.is_document() => ui.print_document(&report_doc(&report)),
        _ => ui.print(&crate::ui::width::wrap(
            &report_text(&report, ui),
            crate::ui::width::stdout(),
        )),
    }
    Ok(if failed > 0 {
        ExitStatus::ChecksFailed
    } else {
        ExitStatus::Success
    })
}

async fn fleet(files: &[PathBuf], inside: &ClusterChecks, s: &Settings) -> Result<ExitStatus> {
    let books = runbook::load_fleet(files)?;
    let az = Arc::new(s.connect().await?);
    let observation = Observation::default();
    let reports = observation
        .run(futures::future::join_all(
            books.iter().map(|rb| verify::run(&az, rb, &rb.path, inside)),
        ))
        .await;
    let ui = &s.ui;
    let (mut checks_failed, mut errors) = (0, 0);
    let mut docs = vec![];
    let mut text = String::new();
    for (rb, r) in books.iter().zip(&reports) {
        let name = crate::util::text::printable(&rb.id);
        match r {
            Ok(report) => {
                let n = failed(report);
                checks_failed += n;
                let mut doc = report_doc(report);
                doc["name"] = json!(rb.id);
                doc["file"] = json!(rb.path.display().to_string());
                docs.push(doc);
                let mark = if n > 0 {
                    ui.paint("✘", Style::Remove)
                } else {
                    ui.paint("✔", Style::Add)
                };
                text.push_str(&format!("{mark} {name} ({})\n", rb.path.display()));
                for line in report_text(report, ui).lines() {
                    text.push_str(&format!("  {line}\n"));
                }
            }
            Err(e) => {
                errors += 1;
                docs.push(json!({"name": rb.id, "file": rb.path.display().to_string(), "error": e.to_string()}));
                text.push_str(&format!(
                    "{} {name} ({}): {e}\n",
                    ui.paint("✘", Style::Remove),
                    rb.path.display()
                ));
            }
        }
        text.push('\n');
    }
    match ui.format {
        f if f.is_document() => ui.print_document(&json!({"apps": docs, "failed": checks_failed, "errors": errors})),
        _ => ui.print(&crate::ui::width::wrap(&text, crate::ui::width::stdout())),
    }
    // The worst: a runbook that could not be checked, then a failed check.
    if errors > 0 {
        return Err(crate::error::Error::runtime(format!(
            "{errors} of {} runbook(s) could not be checked",
            books.len()
        )));
    }
    Ok(if checks_failed > 0 {
        ExitStatus::ChecksFailed
    } else {
        ExitStatus::Success
    })
}

fn failed(report: &verify::Report) -> usize {
    report.checks.iter().filter(|c| !c.ok).count()
}

fn report_doc(report: &verify::Report) -> serde_json::Value {
    let drift: Vec<_> = report
        .drift
        .iter()
        .map(|p| json!({"address": p.address, "phase": p.phase, "resource_type": p.resource_type, "action": p.action, "reason": p.reason,
                        "changes": p.changes.iter().map(document::ChangeDoc::from).collect::<Vec<_>>()}))
        .collect();
    json!({"checks": report.checks, "drift": drift, "warnings": report.warnings, "failed": failed(report)})
}

fn report_text(report: &verify::Report, ui: &crate::ui::output::Ui) -> String {
    let mut out = String::new();
    // Passing checks of one family with one detail read as one line ("can read secrets a, b, c"),
    // where the first of them stood; failures and single ones stay lines of their own.
    let foldable = |c: &verify::Check| c.ok && !c.pending && c.family.is_some();
    let kin = |a: &verify::Check, b: &verify::Check| {
        foldable(b) && b.detail == a.detail && b.family.as_ref().map(|f| &f.0) == a.family.as_ref().map(|f| &f.0)
    };
    // (A family's line stands where its last member would: after the checks it reads with.)
    let mut folded: Vec<usize> = vec![];
    let mut lines_at: Vec<(usize, String)> = vec![];
    for (i, c) in report.checks.iter().enumerate() {
        if let Some((_, line)) = lines_at.iter().find(|(at, _)| *at == i) {
            out.push_str(line);
            continue;
        }
        if folded.contains(&i) {
            continue;
        }
        let family: Vec<usize> = if foldable(c) {
            (i..report.checks.len())
                .filter(|j| kin(c, &report.checks[*j]))
                .collect()
        } else {
            vec![]
        };
        if family.len() > 1 {
            let items: Vec<&str> = family
                .iter()
                .filter_map(|j| report.checks[*j].family.as_ref().map(|f| f.1.as_str()))
                .collect();
            let template = c.family.as_ref().map(|f| f.0.as_str()).unwrap_or_default();
            let detail = if c.detail.is_empty() {
                String::new()
            } else {
                format!(" ({})", c.detail)
            };
            let last = *family.last().expect("a family of two or more");
            lines_at.push((
                last,
                format!(
                    "{} {}{detail}\n",
                    ui.paint("✔", Style::Add),
                    template.replace("{}", &items.join(", "))
                ),
            ));
            folded.extend(family);
            continue;
        }
        let mark = if c.pending {
            ui.paint("!", Style::Change)
        } else if c.ok {
            ui.paint("✔", Style::Add)
        } else {
            ui.paint("✘", Style::Remove)
        };
        let detail = if c.detail.is_empty() {
            String::new()
        } else {
            format!(" ({})", c.detail)
        };
        out.push_str(&format!("{mark} {}{detail}\n", c.check));
        if let Some(fix) = &c.fix {
            out.push_str(&format!("    fix: {fix}\n"));
        }
    }
    for w in &report.warnings {
        out.push_str(&format!("{} {w}\n", ui.paint("!", Style::Change)));
    }
    if !report.drift.is_empty() {
        out.push_str("\nDrift (what `up` would change):\n");
        out.push_str(&render::text(
            &report.drift,
            ui,
            Default::default(),
            crate::ui::width::stdout(),
        ));
    }
    out
}
