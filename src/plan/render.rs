//! Terraform-like text: steps grouped by phase, one line each, indented field changes.

use super::step::{Action, After, FieldChange, Phase, Planned};
use crate::ui::{
    output::{Style, Ui},
    width,
};
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

fn change_line(c: &FieldChange, indent: &str) -> String {
    let after = match &c.after {
        After::Value(v) => v.to_string(),
        After::KnownAfterApply => "(known after apply)".into(),
        After::Sensitive => "(sensitive)".into(),
        After::NotProvided => "(value not provided)".into(),
    };
    match (&c.before, &c.after) {
        (_, After::Sensitive) => format!("{indent}{} = (sensitive value changes)", c.path),
        (Some(b), _) => format!("{indent}{}: {b} → {after}", c.path),
        (None, _) => format!("{indent}{} = {after}", c.path),
    }
}

/// Where a step's address starts: after `  + create    `.
const ADDRESS_AT: usize = 14;

/// How much of each step the plan's text shows. The plan itself (its document, a saved plan, what
/// is applied) is the same whatever this says.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Detail {
    /// Unchanged steps too (`-v`).
    pub(crate) unchanged: bool,
    /// A line per step, without its reason and field changes (`--brief`), as az's
    /// `--what-if-result-format ResourceIdOnly`; at a terminal too narrow for the resource types,
    /// without them. A held step still says it is held: that is what a yes does not approve.
    pub(crate) brief: bool,
}

/// The plan as text, as `detail` asks. `width`: the terminal's, where the plan is shown at one;
/// lines are then broken between words to fit it.
pub(crate) fn text(planned: &[Planned], ui: &Ui, detail: Detail, width: Option<usize>) -> String {
    let mut out = String::new();
    // A line as it fits the terminal, continued `hang` columns in.
    let mut push = |line: String, hang: usize| {
        match width {
            Some(w) => out.push_str(&width::wrap_line(&line, w, hang)),
            None => out.push_str(&line),
        }
        out.push('\n');
    };
    let mut phase: Option<Phase> = None;
    // Shown by phase, each heading once (a fleet's runbooks' steps under it, one after another);
    // within a phase, in plan order.
    let mut shown: Vec<&Planned> = planned
        .iter()
        .filter(|p| detail.unchanged || p.action != Action::NoOp)
        .collect();
    shown.sort_by_key(|p| p.phase);
    // At a terminal too narrow for some step's line with its resource type, every type goes on a
    // line of its own under its address: one layout for the whole plan.
    let type_below = width.is_some_and(|w| {
        shown
            .iter()
            .any(|p| ADDRESS_AT + width::of(&p.address) + 2 + width::of(p.resource_type) > w)
    });
    for p in shown {
        if phase != Some(p.phase) {
            push(ui.paint(&format!("── {}", p.phase.name), Style::Dim), 3);
            phase = Some(p.phase);
        }
        let (sym, verb, style) = symbol(p.action);
        let step = format!(
            "  {} {:<9} {}",
            ui.paint(sym, style),
            verb,
            ui.paint(&p.address, Style::Bold)
        );
        match width {
            // A line per step: the type (the document has it) is left out rather than put below.
            Some(_) if type_below && detail.brief => push(step, ADDRESS_AT),
            Some(w) if type_below => {
                push(step, ADDRESS_AT);
                let room = w.saturating_sub(ADDRESS_AT).max(1);
                push(
                    format!(
                        "{}{}",
                        " ".repeat(ADDRESS_AT),
                        ui.paint(&width::middle(p.resource_type, room), Style::Dim)
                    ),
                    ADDRESS_AT,
                );
            }
            _ => push(format!("{step}  {}", ui.paint(p.resource_type, Style::Dim)), ADDRESS_AT),
        }
        if let Some(r) = p.reason.as_ref().filter(|_| !detail.brief) {
            push(format!("      {}", ui.paint(&format!("# {r}"), Style::Dim)), 8);
        }
        if let Some(h) = &p.held {
            // Not applied without its own yes: say so where the change is shown.
            push(format!("      {}", ui.paint(&format!("# held: {h}"), Style::Change)), 8);
        }
        if detail.brief {
            continue;
        }
        for c in &p.changes {
            push(change_line(c, "      "), 8);
        }
        if !p.effects.is_empty() {
            push(format!("      {}", ui.paint("# then Azure sets:", Style::Dim)), 8);
            for c in &p.effects {
                push(change_line(c, "        "), 10);
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
