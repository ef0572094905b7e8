//! Terraform-like text: steps grouped by phase, one line each, indented field changes.

use super::step::{Action, After, FieldChange, Phase, Planned};
use crate::ui::output::{Style, Ui};
use serde_json::Value;

fn symbol(a: Action) -> (&'static str, &'static str, Style) {
    match a {
        Action::NoOp => ("=", "unchanged", Style::Dim),
        Action::Create => ("+", "create", Style::Add),
        Action::Update => ("~", "update", Style::Change),
        Action::Run => (">", "run", Style::Run),
        Action::Delete => ("-", "delete", Style::Remove),
    }
}

fn change_line(c: &FieldChange, out: &mut String, indent: &str) {
    let after = match &c.after {
        After::Value(v) => v.to_string(),
        After::KnownAfterApply => "(known after apply)".into(),
        After::Sensitive => "(sensitive)".into(),
        After::NotProvided => "(value not provided)".into(),
    };
    match (&c.before, &c.after) {
        (_, After::Sensitive) => out.push_str(&format!("{indent}{} = (sensitive value changes)\n", c.path)),
        (Some(b), _) => out.push_str(&format!("{indent}{}: {b} → {after}\n", c.path)),
        (None, _) => out.push_str(&format!("{indent}{} = {after}\n", c.path)),
    }
}

/// The plan as text. Unchanged steps are listed only with `show_unchanged` (`-v`).
pub(crate) fn text(planned: &[Planned], ui: &Ui, show_unchanged: bool) -> String {
    let mut out = String::new();
    let mut phase: Option<Phase> = None;
    // Shown by phase, each heading once (a fleet's runbooks' steps under it, one after another);
    // within a phase, in plan order.
    let mut shown: Vec<&Planned> = planned
        .iter()
        .filter(|p| show_unchanged || p.action != Action::NoOp)
        .collect();
    shown.sort_by_key(|p| p.phase);
    for p in shown {
        if phase != Some(p.phase) {
            out.push_str(&format!("{}\n", ui.paint(&format!("── {}", p.phase.name), Style::Dim)));
            phase = Some(p.phase);
        }
        let (sym, verb, style) = symbol(p.action);
        out.push_str(&format!(
            "  {} {:<9} {}  {}\n",
            ui.paint(sym, style),
            verb,
            ui.paint(&p.address, Style::Bold),
            ui.paint(p.resource_type, Style::Dim)
        ));
        if let Some(r) = &p.reason {
            out.push_str(&format!("      {}\n", ui.paint(&format!("# {r}"), Style::Dim)));
        }
        if let Some(h) = &p.held {
            // Not applied without its own yes: say so where the change is shown.
            out.push_str(&format!("      {}\n", ui.paint(&format!("# held: {h}"), Style::Change)));
        }
        for c in &p.changes {
            change_line(c, &mut out, "      ");
        }
        if !p.effects.is_empty() {
            out.push_str(&format!("      {}\n", ui.paint("# then Azure sets:", Style::Dim)));
            for c in &p.effects {
                change_line(c, &mut out, "        ");
            }
        }
    }
    out
}

/// The counts line.
pub(crate) fn summary(planned: &[Planned]) -> String {
    let count = |a: Action| planned.iter().filter(|p| p.action == a).count();
    format!(
        "Plan: {} to create, {} to update, {} to run, {} to delete, {} unchanged.\n",
        count(Action::Create),
        count(Action::Update),
        count(Action::Run),
        count(Action::Delete),
        count(Action::NoOp)
    )
}

pub(crate) fn outputs(outputs: &[(String, Value)]) -> String {
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
