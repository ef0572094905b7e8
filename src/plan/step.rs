//! What a step is and what it says it will do.

use crate::{error::Result, util::Progress};
use serde::Serialize;
use serde_json::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Action {
    NoOp,
    Create,
    Update,
    /// An action with no resource diff, such as a node image upgrade.
    Run,
    Delete,
}

/// A named stage of a run, shown in plans. Ordering comes from each step's dependencies; the
/// phase says what kind of work it is and groups the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Phase {
    pub(crate) rank: u8,
    pub(crate) name: &'static str,
}

impl Phase {
    pub(crate) const CLUSTER: Phase = Phase {
        rank: 10,
        name: "cluster",
    };
    pub(crate) const NODE_IMAGES: Phase = Phase {
        rank: 20,
        name: "node-images",
    };
    pub(crate) const WORKLOAD_IDENTITY: Phase = Phase {
        rank: 30,
        name: "workload-identity",
    };
    pub(crate) const ACCESS: Phase = Phase {
        rank: 40,
        name: "access",
    };
    pub(crate) const SECRETS: Phase = Phase {
        rank: 50,
        name: "secrets",
    };
    pub(crate) const MANIFESTS: Phase = Phase {
        rank: 60,
        name: "manifests",
    };
    /// The objects applied to the cluster (`[manifests] apply`), after the files.
    pub(crate) const KUBERNETES: Phase = Phase {
        rank: 65,
        name: "kubernetes",
    };
    /// `down`: what kvwire made goes, in the reverse order.
    pub(crate) const REMOVE: Phase = Phase {
        rank: 70,
        name: "remove",
    };
}

impl Serialize for Phase {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.name)
    }
}

/// The value a field will have.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum After {
    Value(Value),
    /// Azure assigns it during apply (an identity's principalId, say).
    KnownAfterApply,
    /// A secret: only the fact that it changes is shown.
    Sensitive,
    /// A secret whose value this (read-only) run was not given: `plan` shows what it can.
    NotProvided,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct FieldChange {
    /// Dotted JSON path, e.g. `identity.type`.
    pub(crate) path: String,
    pub(crate) before: Option<Value>,
    pub(crate) after: After,
}

impl FieldChange {
    pub(crate) fn set(path: &str, before: Option<Value>, after: Value) -> FieldChange {
        FieldChange {
            path: path.into(),
            before,
            after: After::Value(after),
        }
    }

    pub(crate) fn unknown(path: &str) -> FieldChange {
        FieldChange {
            path: path.into(),
            before: None,
            after: After::KnownAfterApply,
        }
    }

    /// A secret value that changes; `existed` says whether there was one before.
    pub(crate) fn sensitive(path: &str, existed: bool) -> FieldChange {
        FieldChange {
            path: path.into(),
            before: existed.then_some(Value::Null),
            after: After::Sensitive,
        }
    }
}

/// The write apply sends: one type for the plan, the saved plan and the handles that build it.
pub(crate) use crate::azure::write::Request;

/// What one step will do, as observed.
#[derive(Debug, Clone)]
pub(crate) struct Planned {
    /// Unique, stable, human-readable: `cluster rg-demo/aks-demo (managed identity)`.
    pub(crate) address: String,
    pub(crate) phase: Phase,
    /// ARM type or action, e.g. `Microsoft.ContainerService/managedClusters`.
    pub(crate) resource_type: &'static str,
    pub(crate) action: Action,
    /// Why (especially for no-ops and runs): "node image is already the latest".
    pub(crate) reason: Option<String>,
    /// Exactly what apply writes: the request body's changes against what was read.
    pub(crate) changes: Vec<FieldChange>,
    /// What Azure does in consequence (not sent): a kubelet identity appears, say.
    pub(crate) effects: Vec<FieldChange>,
    /// Things the user must know before confirming (printed to stderr, and in the JSON document).
    pub(crate) warnings: Vec<String>,
    /// Applied only with explicit consent (a flag such as `--overwrite`, or a per-step prompt):
    /// why it is held, e.g. "the vault holds a different value; pass --overwrite to replace it".
    pub(crate) held: Option<String>,
    /// The hold is not a question: no consent releases it, and a run that would apply this step
    /// stops with exit 2 before any write (`plan` shows it and succeeds). The reason says how to
    /// go on.
    pub(crate) blocks: bool,
    /// The entity tag of what was read, where Azure has one: a saved plan refuses to apply when
    /// it changed.
    pub(crate) observed: Option<String>,
    /// Applying a saved plan: a write refuses, rather than re-plans, when what it reads is no
    /// longer what was observed (`If-Match` with the observed entity tag, a 412 ends the step).
    pub(crate) exact: bool,
    /// The resource exists and this run did not make it: it was made outside kvwire, or by kvwire
    /// outside any runbook. Adopting it is held for consent (`--adopt`), and while held, the
    /// steps that need it do not run; a saved plan that meant to create it refuses.
    pub(crate) adoption: bool,
    /// Only the whole word `yes` approves this change (the step says so: the switch of a cluster's
    /// control-plane identity, which a stray `y` must never start).
    pub(crate) needs_word: bool,
    /// The write apply sends, where the plan knows it whole ([`Request`]).
    pub(crate) request: Option<Request>,
    /// Apply only waits for an operation already running in Azure (an interrupted run's, or
    /// someone else's): reported as waited for, not as applied.
    pub(crate) waits_only: bool,
}

impl Planned {
    pub(crate) fn new(
        address: impl Into<String>,
        phase: Phase,
        resource_type: &'static str,
        action: Action,
    ) -> Planned {
        Planned {
            address: address.into(),
            phase,
            resource_type,
            action,
            reason: None,
            changes: vec![],
            effects: vec![],
            warnings: vec![],
            held: None,
            blocks: false,
            observed: None,
            exact: false,
            adoption: false,
            needs_word: false,
            request: None,
            waits_only: false,
        }
    }

    /// Apply only waits for what already runs; `why` says for what.
    pub(crate) fn waiting(mut self, why: impl Into<String>) -> Planned {
        self.action = Action::Run;
        self.reason = Some(why.into());
        self.waits_only = true;
        self
    }

    /// The write apply will send.
    pub(crate) fn request(mut self, r: Request) -> Planned {
        self.request = Some(r);
        self
    }

    pub(crate) fn reason(mut self, r: impl Into<String>) -> Planned {
        self.reason = Some(r.into());
        self
    }

    pub(crate) fn changes(mut self, c: Vec<FieldChange>) -> Planned {
        self.changes = c;
        self
    }

    pub(crate) fn effects(mut self, e: Vec<FieldChange>) -> Planned {
        self.effects = e;
        self
    }

    pub(crate) fn warnings(mut self, w: Vec<String>) -> Planned {
        self.warnings = w;
        self
    }

    pub(crate) fn observed(mut self, etag: Option<String>) -> Planned {
        self.observed = etag;
        self
    }

    pub(crate) fn held(mut self, why: Option<String>) -> Planned {
        self.held = why;
        self
    }

    /// Adopting what exists: held with `why` unless `adopt` (see [`Planned::adoption`]).
    pub(crate) fn adopting(mut self, adopt: bool, why: String) -> Planned {
        self.adoption = true;
        self.held = (!adopt).then_some(why);
        self
    }

    /// Held until the user changes the command or the runbook (see [`Planned::blocks`]).
    pub(crate) fn blocked(mut self, why: String) -> Planned {
        self.held = Some(why);
        self.blocks = true;
        self
    }

    /// The planned value of the change at `path`, when it is known.
    pub(crate) fn planned_value(&self, path: &str) -> Option<&Value> {
        self.changes
            .iter()
            .find(|c| c.path == path)
            .and_then(|c| match &c.after {
                After::Value(v) => Some(v),
                _ => None,
            })
    }
}

/// One unit of change. `plan` only reads; `apply` makes exactly the change `plan` described (it
/// gets that plan back, so nothing is remembered between the two); neither keeps state.
#[async_trait::async_trait]
pub(crate) trait Step: Send + Sync {
    /// The step's address, known before anything is read (unique within a plan).
    fn address(&self) -> String;
    fn phase(&self) -> Phase;
    /// The long-running Azure operation `apply` starts, in words ("upgrading node image"), if it
    /// starts one: for progress lines, `--no-wait` and what an interrupt leaves running.
    fn operation(&self) -> Option<&'static str> {
        None
    }
    /// Observe Azure (reads only) and say what `apply` would do.
    async fn plan(&self) -> Result<Planned>;
    /// Make the planned change, reporting progress through `on`.
    async fn apply(&self, planned: &Planned, on: Progress<'_>) -> Result<()>;
    /// Check the change took: by default, observing again must find nothing left to do.
    async fn verify(&self, _planned: &Planned) -> Result<()> {
        let again = self.plan().await?;
        if again.action == Action::NoOp {
            Ok(())
        } else {
            Err(crate::error::Error::runtime(format!(
                "verification failed for {}: Azure still shows a pending {:?} after apply",
                again.address, again.action
            )))
        }
    }
    /// Values the user needs afterwards (an identity's clientId, say), read after apply or on a no-op.
    async fn outputs(&self) -> Result<Vec<(String, Value)>> {
        Ok(vec![])
    }
}
