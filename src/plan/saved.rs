//! Saved plans (`kvwire plan --out FILE`, `kvwire up --plan FILE`): review now, apply exactly that
//! later, refuse on drift — as Terraform's `plan -out` / `apply PLANFILE`.
//!
//! The file records each step's address, action, field changes (secrets only as "sensitive") and,
//! where Azure has one, the entity tag read; the runbook's SHA-256, the subscription and kvwire's
//! version. Applying observes again, before any write, and refuses unless every step would do
//! what was saved (a step already done may do nothing). No secret value, nor anything derived
//! from one, is in the file: secret steps record their action and key only.

use super::{Action, Planned, document::ChangeDoc};
use crate::util::fs as write;
use crate::util::input::{self, Source, read_bounded};
use crate::{
    error::{Error, Result},
    ui::output::{Style, Ui},
};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// What a saved plan file is, for a reader that finds one.
pub(crate) const KIND: &str = "kvwire saved plan";
/// The file format; a reader refuses another. 2 added `content_sha256` and made `observed` required.
pub(crate) const FORMAT_VERSION: u32 = 3;

/// The key holding the SHA-256 of the rest of the file ([`content_sha256`]).
pub const DIGEST: &str = "content_sha256";

/// SHA-256 of a plan document without its digest, over its canonical form: compact JSON with
/// every object's keys sorted, so re-indenting or reordering is not an edit and any other change
/// is. Detects edits, not a forger: anyone can recompute it (docs/plan-format.md).
pub fn content_sha256(doc: &Value) -> String {
    fn canonical(v: &Value) -> Value {
        match v {
            Value::Object(m) => {
                let mut keys: Vec<&String> = m.keys().collect();
                keys.sort();
                Value::Object(keys.into_iter().map(|k| (k.clone(), canonical(&m[k]))).collect())
            }
            Value::Array(a) => Value::Array(a.iter().map(canonical).collect()),
            other => other.clone(),
        }
    }
    sha256(serde_json::to_string(&canonical(doc)).expect("JSON").as_bytes())
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub(crate) struct SavedPlan {
    pub(crate) kind: String,
    pub(crate) format_version: u32,
    /// kvwire's version: another version may plan differently, so it refuses the file.
    pub(crate) kvwire_version: String,
    /// The runbook as given to `plan -f` (relative to where it ran).
    pub(crate) runbook: PathBuf,
    /// SHA-256 of the runbook's bytes, hex.
    pub(crate) runbook_sha256: String,
    pub(crate) subscription: String,
    pub(crate) steps: Vec<SavedStep>,
    /// [`content_sha256`] of everything above; empty until written or read.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub(crate) content_sha256: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub(crate) struct SavedStep {
    pub(crate) address: String,
    pub(crate) action: String,
    pub(crate) reason: Option<String>,
    pub(crate) changes: Vec<ChangeDoc>,
    /// Why the step waits for consent (then it is not applied from the file either).
    pub(crate) held: Option<String>,
    /// The entity tag of what the step read, where Azure has one. Required in the file (`null`
    /// where there is none): a file that lost it must not skip the drift check.
    #[serde(deserialize_with = "Option::deserialize")]
    pub(crate) observed: Option<String>,
    /// The write the step will send, where the plan knew it whole (`null` otherwise).
    #[serde(deserialize_with = "Option::deserialize")]
    pub(crate) request: Option<SavedRequest>,
}

/// A step's write as a saved plan keeps it: its body by digest only, as a cluster's body is the
/// whole cluster as read (the reviewed changes are in the plan already).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub(crate) struct SavedRequest {
    pub(crate) method: String,
    pub(crate) path: String,
    pub(crate) api_version: String,
    /// SHA-256 (hex) of the body in its canonical form ([`content_sha256`]: compact, keys sorted,
    /// so a map's order is no difference); `null` for a write without one.
    #[serde(deserialize_with = "Option::deserialize")]
    pub(crate) body_sha256: Option<String>,
    #[serde(deserialize_with = "Option::deserialize")]
    pub(crate) if_match: Option<String>,
    /// The data plane's base URL (a vault's URI); absent for Resource Manager.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) base: Option<String>,
}

impl SavedRequest {
    fn of(r: &super::step::Request) -> SavedRequest {
        SavedRequest {
            method: r.method.clone(),
            path: r.path.clone(),
            api_version: r.api_version.clone(),
            body_sha256: r.body.as_ref().map(content_sha256),
            if_match: r.if_match.clone(),
            base: r.base.clone(),
        }
    }
}

impl SavedStep {
    fn of(p: &Planned) -> SavedStep {
        SavedStep {
            address: p.address.clone(),
            action: action_name(p.action),
            reason: p.reason.clone(),
            changes: p.changes.iter().map(ChangeDoc::from).collect(),
            held: p.held.clone(),
            observed: p.observed.clone(),
            request: p.request.as_ref().map(SavedRequest::of),
        }
    }
}

/// The action as the plan document names it (`Action`'s own serde names: one spelling).
fn action_name(a: Action) -> String {
    serde_json::to_value(a)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .expect("Action serialises to its name")
}

/// SHA-256 of `bytes`, lower-case hex.
pub fn sha256(bytes: &[u8]) -> String {
    ring::digest::digest(&ring::digest::SHA256, bytes)
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Where the plan comes from: written with the observation.
#[derive(Debug, Clone)]
pub(crate) struct Origin {
    pub(crate) runbook: PathBuf,
    pub(crate) runbook_sha256: String,
    pub(crate) subscription: String,
}

impl SavedPlan {
    pub(crate) fn new(origin: &Origin, planned: &[Planned]) -> SavedPlan {
        SavedPlan {
            kind: KIND.into(),
            format_version: FORMAT_VERSION,
            kvwire_version: env!("CARGO_PKG_VERSION").into(),
            runbook: origin.runbook.clone(),
            runbook_sha256: origin.runbook_sha256.clone(),
            subscription: origin.subscription.clone(),
            steps: planned.iter().map(SavedStep::of).collect(),
            content_sha256: String::new(),
        }
    }

    /// Write `path` whole or not at all, never through a link (`util::fs`), readable by its owner
    /// only: a plan names resources and principals. The digest of the content goes in with it.
    pub(crate) fn write(&self, path: &Path) -> Result<()> {
        let mut doc = serde_json::to_value(SavedPlan {
            content_sha256: String::new(),
            ..self.clone()
        })
        .expect("a saved plan is JSON");
        let digest = content_sha256(&doc);
        doc[DIGEST] = Value::String(digest);
        let text = serde_json::to_string_pretty(&doc).expect("a saved plan is JSON") + "\n";
        write::write_atomic(path, text.as_bytes(), write::Access::Owner)
            .map_err(|e| e.into_error("--out", Error::usage))
    }

    /// Read a plan file, refusing one of another format or kvwire version, or one edited since
    /// kvwire wrote it.
    pub(crate) fn read(path: &Path) -> Result<SavedPlan> {
        let text = read_bounded(
            Source::File(path),
            input::SAVED_PLAN,
            &format!("--plan {}", path.display()),
        )?;
        let not_a_plan = |e: &dyn std::fmt::Display| {
            Error::usage(format!("plan file {}: not a kvwire saved plan ({e})", path.display()))
        };
        let mut doc: Value = serde_json::from_str(&text).map_err(|e| not_a_plan(&e))?;
        if doc["kind"] != KIND {
            return Err(not_a_plan(&"no `kind`"));
        }
        if doc["format_version"] != FORMAT_VERSION {
            // Format 1 had no digest: it cannot be told apart from an edited file.
            return Err(Error::usage(format!(
                "plan file {}: format {}, this kvwire reads format {FORMAT_VERSION} only: plan again (`kvwire plan -f RUNBOOK --out FILE`)",
                path.display(),
                doc["format_version"]
            )));
        }
        let recorded = doc.as_object_mut().and_then(|o| o.remove(DIGEST));
        if recorded.as_ref().and_then(Value::as_str) != Some(content_sha256(&doc).as_str()) {
            return Err(Error::usage(format!(
                "plan file {}: the plan file was edited after kvwire wrote it ({DIGEST} does not match its content); nothing was applied: plan again and review the new file",
                path.display()
            )));
        }
        let mut plan: SavedPlan = serde_json::from_value(doc).map_err(|e| not_a_plan(&e))?;
        plan.content_sha256 = recorded.and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default();
        if plan.kvwire_version != env!("CARGO_PKG_VERSION") {
            return Err(Error::runtime(format!(
                "the plan {} was made by kvwire {}, this is {}: plan again with this version",
                path.display(),
                plan.kvwire_version,
                env!("CARGO_PKG_VERSION")
            )));
        }
        Ok(plan)
    }

    /// The runbook and subscription this apply uses are the planned ones.
    pub(crate) fn check_origin(&self, origin: &Origin) -> Result<()> {
        if origin.runbook_sha256 != self.runbook_sha256 {
            return Err(Error::runtime(format!(
                "the runbook {} changed since the plan (SHA-256 {} → {}); nothing was written: plan again",
                origin.runbook.display(),
                short(&self.runbook_sha256),
                short(&origin.runbook_sha256)
            )));
        }
        if !origin.subscription.eq_ignore_ascii_case(&self.subscription) {
            return Err(Error::runtime(format!(
                "the plan is for subscription {}, this run uses {}; nothing was written",
                self.subscription, origin.subscription
            )));
        }
        Ok(())
    }

    /// Every step would do exactly what was saved (or, already done, nothing); else the
    /// differences, each naming the step and the field.
    pub(crate) fn check(&self, planned: &[Planned]) -> Result<()> {
        let mut differences = vec![];
        for s in &self.steps {
            if !planned.iter().any(|p| p.address == s.address) {
                differences.push(format!("{}: in the plan, no longer part of the runbook", s.address));
            }
        }
        for p in planned {
            let Some(s) = self.steps.iter().find(|s| s.address == p.address) else {
                if p.action != Action::NoOp {
                    differences.push(format!("{}: {} now, not in the plan", p.address, action_name(p.action)));
                }
                continue;
            };
            let now = SavedStep::of(p);
            if s.action == action_name(Action::Create) && p.adoption {
                // Reviewed as "kvwire makes it": finding someone else's in its place is not done.
                differences.push(format!(
                    "{}: planned create, but it now exists and this runbook did not make it (made outside kvwire, or outside any runbook); adopting it was not reviewed",
                    p.address
                ));
                continue;
            }
            if p.action == Action::NoOp {
                // Already done (a re-run after a partial apply): doing less is allowed.
                continue;
            }
            if s.observed.is_some() && now.observed != s.observed {
                // A Kubernetes object's resourceVersion changes on every write (API concepts,
                // "Resource versions"), as an Azure entity tag does.
                let (place, what) = if p.resource_type.starts_with("Kubernetes ") {
                    ("the cluster", "resourceVersion")
                } else {
                    ("Azure", "entity tag")
                };
                differences.push(format!(
                    "{}: changed in {place} since the plan ({what} {} → {})",
                    p.address,
                    s.observed.as_deref().unwrap_or("-"),
                    now.observed.as_deref().unwrap_or("-")
                ));
                continue;
            }
            if now.action != s.action {
                differences.push(format!("{}: planned {}, now {}", p.address, s.action, now.action));
                continue;
            }
            for c in &s.changes {
                match now.changes.iter().find(|n| n.path == c.path) {
                    None => differences.push(format!("{}: {} is no longer changed", p.address, c.path)),
                    Some(n) if !agrees(c, n) => differences.push(format!(
                        "{}: {}: planned {}, now {}",
                        p.address,
                        c.path,
                        shown(c),
                        shown(n)
                    )),
                    Some(_) => {}
                }
            }
            for n in now
                .changes
                .iter()
                .filter(|n| !s.changes.iter().any(|c| c.path == n.path))
            {
                differences.push(format!("{}: {} would change too ({})", p.address, n.path, shown(n)));
            }
            // The write itself: where both the plan and now know it whole, it is the same one.
            if let (Some(was), Some(is)) = (&s.request, &now.request)
                && was != is
            {
                differences.push(format!(
                    "{}: the write differs from the plan's ({} {}{} then, {} {}{} now)",
                    p.address,
                    was.method,
                    was.base.as_deref().unwrap_or_default(),
                    was.path,
                    is.method,
                    is.base.as_deref().unwrap_or_default(),
                    is.path
                ));
            }
            if now.held != s.held {
                differences.push(format!(
                    "{}: held {:?} at plan time, now {:?}",
                    p.address, s.held, now.held
                ));
            }
        }
        if differences.is_empty() {
            return Ok(());
        }
        Err(Error::stale(format!(
            "Azure or the runbook changed since the plan; nothing was written. Plan again (`kvwire plan -f {} --out FILE`), review it, then apply the new plan.\n  - {}",
            self.runbook.display(),
            differences.join("\n  - ")
        )))
    }

    /// The plan as text, for `kvwire show`.
    pub(crate) fn text(&self, ui: &Ui) -> String {
        let mut out = format!(
            "Saved plan of {} (SHA-256 {}), subscription {}, kvwire {}\n",
            self.runbook.display(),
            short(&self.runbook_sha256),
            self.subscription,
            self.kvwire_version
        );
        let mut counts = [0usize; 5];
        for s in &self.steps {
            let (sym, style, i) = match s.action.as_str() {
                "create" => ("+", Style::Add, 0),
                "update" => ("~", Style::Change, 1),
                "run" => (">", Style::Run, 2),
                "delete" => ("-", Style::Remove, 3),
                _ => ("=", Style::Dim, 4),
            };
            counts[i] += 1;
            if i == 4 {
                continue;
            }
            out.push_str(&format!(
                "  {} {:<9} {}\n",
                ui.paint(sym, style),
                ui.paint(&s.action, style),
                s.address
            ));
            if let Some(r) = &s.reason {
                out.push_str(&format!("      # {r}\n"));
            }
            if let Some(h) = &s.held {
                out.push_str(&format!("      # held: {h}\n"));
            }
            for c in &s.changes {
                if c.before.is_null() || c.sensitive {
                    out.push_str(&format!("      {} = {}\n", c.path, shown(c)));
                } else {
                    out.push_str(&format!("      {}: {} → {}\n", c.path, c.before, shown(c)));
                }
            }
        }
        out.push_str(&format!(
            "\nPlan: {} to create, {} to update, {} to run, {} to delete, {} unchanged.\n",
            counts[0], counts[1], counts[2], counts[3], counts[4]
        ));
        out
    }
}

/// A saved change and the same change observed now agree: the same field, from the same value, to
/// the same value — where the plan said "(known after apply)" (an identity made by a run that
/// was then interrupted, say), any value now known.
fn agrees(saved: &ChangeDoc, now: &ChangeDoc) -> bool {
    saved.path == now.path
        && saved.sensitive == now.sensitive
        && saved.before == now.before
        && (saved.after_unknown || (!now.after_unknown && saved.after == now.after))
}

fn short(sha: &str) -> &str {
    &sha[..sha.len().min(12)]
}

fn shown(c: &ChangeDoc) -> String {
    if c.sensitive {
        "(sensitive)".into()
    } else if c.after_unknown {
        "(known after apply)".into()
    } else {
        c.after.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_saved_plan_refuses_a_write_that_is_not_the_one_it_planned() {
        use crate::plan::{Action, FieldChange, Phase, Request};
        let planned = |subject: &str| {
            Planned::new(
                "federated credential rg/id/c",
                Phase::WORKLOAD_IDENTITY,
                "t",
                Action::Create,
            )
            .changes(vec![FieldChange::set(
                "properties.subject",
                None,
                serde_json::json!("s"),
            )])
            .request(Request::put(
                "/subscriptions/s/x",
                "2024-11-30",
                serde_json::json!({"properties": {"subject": subject}}),
            ))
        };
        let origin = Origin {
            runbook: "r.toml".into(),
            runbook_sha256: "0".into(),
            subscription: "s".into(),
        };
        let saved = SavedPlan::new(&origin, &[planned("s")]);
        assert!(saved.check(&[planned("s")]).is_ok(), "the same write");
        let e = saved.check(&[planned("other")]).unwrap_err().to_string();
        assert!(e.contains("the write differs from the plan's"), "{e}");
    }

    /// A secret's set is kept with its vault and its body by digest: the body holds the value
    /// only as a marker, so the file holds no value and nothing derived from one; another vault,
    /// or another body (other tags), is another write.
    #[test]
    fn a_saved_plan_keeps_a_secret_set_without_its_value() {
        use crate::plan::{Action, FieldChange, Phase, Request};
        let planned = |base: &str, team: &str| {
            Planned::new(
                "secret kv/DB-PASSWORD (from DB_PASSWORD)",
                Phase::SECRETS,
                "t",
                Action::Create,
            )
            .changes(vec![FieldChange::sensitive("value", false)])
            .request(Request {
                base: Some(base.into()),
                ..Request::put(
                    "/secrets/DB-PASSWORD",
                    "2025-07-01",
                    serde_json::json!({"tags": {"team": team}, "value": "(sensitive)"}),
                )
            })
        };
        let origin = Origin {
            runbook: "r.toml".into(),
            runbook_sha256: "0".into(),
            subscription: "s".into(),
        };
        let kv = "https://kv.vault.azure.net";
        let saved = SavedPlan::new(&origin, &[planned(kv, "a")]);
        let text = serde_json::to_string(&saved).unwrap();
        assert!(text.contains(r#""base":"https://kv.vault.azure.net""#), "{text}");
        assert!(!text.contains("(sensitive)"), "the body is kept by digest only: {text}");
        assert!(saved.check(&[planned(kv, "a")]).is_ok(), "the same write");
        for other in [planned("https://other.vault.azure.net", "a"), planned(kv, "b")] {
            let e = saved.check(&[other]).unwrap_err().to_string();
            assert!(e.contains("the write differs from the plan's (PUT https://"), "{e}");
        }
    }

    /// A POST without a body: its method and path, and no digest.
    #[test]
    fn a_saved_plan_keeps_a_post_without_a_body() {
        let r = crate::plan::Request::post("/subscriptions/s/x/upgradeNodeImageVersion", "2026-08-01");
        let saved = serde_json::to_value(SavedRequest::of(&r)).unwrap();
        assert_eq!(
            saved,
            serde_json::json!({
                "method": "POST",
                "path": "/subscriptions/s/x/upgradeNodeImageVersion",
                "api_version": "2026-08-01",
                "body_sha256": null,
                "if_match": null
            })
        );
    }

    #[test]
    fn sha256_of_a_known_input() {
        assert_eq!(
            sha256(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
