//! The plan document printed with `-o json` / `-o yaml` (docs/plan-format.md; its JSON Schema is
//! docs/plan-schema.json, checked by tests/e2e/plan_document.rs).

use super::step::{Action, After, FieldChange, Phase, Planned};
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;

/// Bump on any breaking change to the document.
pub(crate) const FORMAT_VERSION: &str = "2";

/// What became of a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Outcome {
    /// Nothing to do.
    Unchanged,
    /// Would change (dry run), or was about to when the run stopped.
    Planned,
    /// Applied and verified.
    Applied,
    /// `--no-wait`: the operation was started and goes on in Azure.
    Started,
    Failed,
    /// Not started: something it needs failed, or the run stopped first.
    NotRun,
    /// Needed consent (`--overwrite`, or a yes at the prompt) that was not given: left as it is.
    Held,
}

#[derive(Debug, Serialize)]
pub(crate) struct Document {
    pub(crate) format_version: &'static str,
    /// The command line that made it, e.g. `cluster enable-managed-identity`.
    pub(crate) command: String,
    pub(crate) dry_run: bool,
    pub(crate) steps: Vec<StepDoc>,
    /// Values the user needs afterwards (an identity's client ID, the OIDC issuer URL).
    pub(crate) outputs: BTreeMap<String, Value>,
    pub(crate) summary: Summary,
    /// A fleet (`-f a.toml -f b.toml`): what became of each runbook, apart.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) apps: Vec<AppDoc>,
}

/// One runbook of a fleet: its steps' outcomes, counted, and the one word for them all.
#[derive(Debug, Serialize)]
pub(crate) struct AppDoc {
    pub(crate) name: String,
    /// The worst of its steps' outcomes: failed, not_run, held, started, applied, planned,
    /// unchanged (in that order).
    pub(crate) outcome: Outcome,
    /// How many of its steps ended each way.
    pub(crate) outcomes: BTreeMap<&'static str, usize>,
}

impl Outcome {
    /// The name the document uses.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Outcome::Unchanged => "unchanged",
            Outcome::Planned => "planned",
            Outcome::Applied => "applied",
            Outcome::Started => "started",
            Outcome::Failed => "failed",
            Outcome::NotRun => "not_run",
            Outcome::Held => "held",
        }
    }

    /// What a group of steps amounts to: the worst of them.
    pub(crate) fn worst(outcomes: impl IntoIterator<Item = Outcome>) -> Outcome {
        const ORDER: [Outcome; 7] = [
            Outcome::Failed,
            Outcome::NotRun,
            Outcome::Held,
            Outcome::Started,
            Outcome::Applied,
            Outcome::Planned,
            Outcome::Unchanged,
        ];
        let all: Vec<Outcome> = outcomes.into_iter().collect();
        ORDER
            .into_iter()
            .find(|o| all.contains(o))
            .unwrap_or(Outcome::Unchanged)
    }
}

#[derive(Debug, Serialize)]
pub(crate) struct StepDoc {
    pub(crate) address: String,
    pub(crate) phase: Phase,
    pub(crate) resource_type: &'static str,
    pub(crate) action: Action,
    pub(crate) reason: Option<String>,
    pub(crate) changes: Vec<ChangeDoc>,
    pub(crate) effects: Vec<ChangeDoc>,
    pub(crate) outcome: Outcome,
    pub(crate) warnings: Vec<String>,
    /// Why the step needs consent that was not given, when it does.
    pub(crate) held: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) error: Option<String>,
    /// In a fleet: the runbook the step is for; absent for what the runbooks share.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) app: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub(crate) struct ChangeDoc {
    pub(crate) path: String,
    /// `null` for a new field (and always for a secret).
    pub(crate) before: Value,
    /// `null` when unknown or sensitive.
    pub(crate) after: Value,
    /// Azure assigns it during apply: "(known after apply)".
    pub(crate) after_unknown: bool,
    /// A secret: only the fact that it changes is shown.
    pub(crate) sensitive: bool,
}

impl From<&FieldChange> for ChangeDoc {
    fn from(c: &FieldChange) -> ChangeDoc {
        let (after, after_unknown, sensitive) = match &c.after {
            After::Value(v) => (v.clone(), false, false),
            After::KnownAfterApply => (Value::Null, true, false),
            After::Sensitive | After::NotProvided => (Value::Null, false, true),
        };
        ChangeDoc {
            path: c.path.clone(),
            before: if sensitive {
                Value::Null
            } else {
                c.before.clone().unwrap_or(Value::Null)
            },
            after,
            after_unknown,
            sensitive,
        }
    }
}

#[derive(Debug, Serialize)]
pub(crate) struct Summary {
    pub(crate) create: usize,
    pub(crate) update: usize,
    pub(crate) run: usize,
    pub(crate) delete: usize,
    pub(crate) no_op: usize,
}

impl Summary {
    pub(crate) fn of(planned: &[Planned]) -> Summary {
        let count = |a: Action| planned.iter().filter(|p| p.action == a).count();
        Summary {
            create: count(Action::Create),
            update: count(Action::Update),
            run: count(Action::Run),
            delete: count(Action::Delete),
            no_op: count(Action::NoOp),
        }
    }
}

pub(crate) fn document(
    command: &str,
    dry_run: bool,
    planned: &[Planned],
    outcomes: &[(Outcome, Option<String>)],
    outputs: &[(String, Value)],
) -> Document {
    Document {
        format_version: FORMAT_VERSION,
        command: command.to_string(),
        dry_run,
        steps: planned
            .iter()
            .zip(outcomes)
            .map(|(p, (outcome, error))| StepDoc {
                address: p.address.clone(),
                phase: p.phase,
                resource_type: p.resource_type,
                action: p.action,
                reason: p.reason.clone(),
                changes: p.changes.iter().map(ChangeDoc::from).collect(),
                effects: p.effects.iter().map(ChangeDoc::from).collect(),
                outcome: *outcome,
                warnings: p.warnings.clone(),
                held: p.held.clone(),
                error: error.clone(),
                app: None,
            })
            .collect(),
        outputs: outputs.iter().cloned().collect(),
        summary: Summary::of(planned),
        apps: vec![],
    }
}

/// What became of each app of a fleet (`names`), from its steps' outcomes; `app_of(i)` is step
/// i's app.
pub(crate) fn app_docs(
    names: &[String],
    app_of: impl Fn(usize) -> Option<usize>,
    outcomes: &[(Outcome, Option<String>)],
) -> Vec<AppDoc> {
    names
        .iter()
        .enumerate()
        .map(|(a, name)| {
            let mine: Vec<Outcome> = outcomes
                .iter()
                .enumerate()
                .filter(|(i, _)| app_of(*i) == Some(a))
                .map(|(_, (o, _))| *o)
                .collect();
            let mut counts = BTreeMap::new();
            for o in &mine {
                *counts.entry(o.name()).or_insert(0) += 1;
            }
            AppDoc {
                name: name.clone(),
                outcome: Outcome::worst(mine),
                outcomes: counts,
            }
        })
        .collect()
}

/// A fleet's document: each step says its app (`app_of`, by name), and each app what became of it.
pub(crate) fn with_apps(mut doc: Document, app_of: &[Option<String>], apps: Vec<AppDoc>) -> Document {
    for (step, app) in doc.steps.iter_mut().zip(app_of) {
        step.app = app.clone();
    }
    doc.apps = apps;
    doc
}
