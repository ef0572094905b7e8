//! `kvwire verify -f runbook.toml`: ✔ or ✘ per check with the command that fixes it, and what
//! `up` would still change; any ✘ exits 3.

use crate::{
    error::{ExitStatus, Result},
    plan::{document, render},
    runbook::{self, verify},
    settings::Settings,
    ui::output::{OutputFormat, Style},
    util::observation::Observation,
};
use serde_json::json;
use std::{path::Path, sync::Arc};

pub async fn run(file: &Path, s: &Settings) -> Result<ExitStatus> {
    let rb = runbook::load(file)?;
    let az = Arc::new(s.connect().await?);
    // One observation: the checks and the drift plan share their reads.
    let report = Observation::default().run(verify::run(&az, &rb, file)).await?;
    let ui = &s.ui;
    let failed = report.checks.iter().filter(|c| !c.ok).count();
    match ui.format {
        OutputFormat::Json | OutputFormat::Yaml => {
            let drift: Vec<_> = report
                .drift
                .iter()
                .map(|p| json!({"address": p.address, "phase": p.phase, "resource_type": p.resource_type, "action": p.action, "reason": p.reason,
                                "changes": p.changes.iter().map(document::ChangeDoc::from).collect::<Vec<_>>()}))
                .collect();
            ui.print_document(
                &json!({"checks": report.checks, "drift": drift, "warnings": report.warnings, "failed": failed}),
            );
        }
        _ => {
            for c in &report.checks {
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
                ui.print(&format!("{mark} {}{detail}\n", c.check));
                if let Some(fix) = &c.fix {
                    ui.print(&format!("    fix: {fix}\n"));
                }
            }
            for w in &report.warnings {
                ui.print(&format!("{} {w}\n", ui.paint("!", Style::Change)));
            }
            if !report.drift.is_empty() {
                ui.print("\nDrift (what `up` would change):\n");
                ui.print(&render::text(&report.drift, ui, false));
            }
        }
    }
    Ok(if failed > 0 {
        ExitStatus::ChecksFailed
    } else {
        ExitStatus::Success
    })
}
