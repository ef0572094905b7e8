//! The AKS pod identity add-on's entries a migration replaces (`podIdentityProfile.
//! userAssignedIdentities`), removed after the cut-over and never in the run that sets up the new
//! path: until the pods have moved, the add-on's entry is what serves them.
//!
//! Removing an entry is what `az aks pod-identity delete` does: read the cluster, drop the entries
//! of that name and namespace, PUT the cluster (azure-cli aks-preview `aks_pod_identity_delete`).

use crate::{
    azure::{
        arm::models::{ManagedCluster, PodIdentity},
        binding::BindingRef,
        cluster::ClusterRef,
        identity::IdentityRef,
        ids,
    },
    error::Result,
    plan::{Action, Phase, Planned, Step},
    steps::{
        cluster::{Desired, plan_write, write},
        identity::{Binding, credential_matches},
    },
    util::Progress,
};
use serde_json::Value;

/// How the pods reach the identity without the add-on.
pub(crate) enum NewPath {
    /// A federated credential for each service account.
    Credentials(Vec<Binding>),
    /// An identity binding.
    Binding(BindingRef),
}

pub(crate) struct PodIdentityAddonRemoval {
    pub(crate) cluster: ClusterRef,
    /// (namespace, name) of each entry to remove.
    pub(crate) entries: Vec<(String, String)>,
    pub(crate) identity: IdentityRef,
    pub(crate) new_path: NewPath,
}

impl Desired for PodIdentityAddonRemoval {
    /// The cluster without the named entries that map this runbook's identity; an entry of that
    /// name for another identity stays (the plan blocks on it).
    fn desired(&self, base: &Value, _: &ManagedCluster) -> Value {
        let mut body = base.clone();
        if let Some(list) = body
            .pointer_mut("/properties/podIdentityProfile/userAssignedIdentities")
            .and_then(Value::as_array_mut)
        {
            let mine = self.identity.id();
            list.retain(|e| {
                let entry = PodIdentity::of(e);
                !(self.named(&entry) && entry.maps(&mine))
            });
        }
        body
    }
}

impl PodIdentityAddonRemoval {
    fn named(&self, entry: &PodIdentity) -> bool {
        self.entries.iter().any(|(ns, name)| {
            entry.namespace.as_deref() == Some(ns.as_str()) && entry.name.as_deref() == Some(name.as_str())
        })
    }
}

impl PodIdentityAddonRemoval {
    /// Whether the new path was in place when the plan read Azure (so not made by this run).
    async fn new_path_in_place(&self, mc: &ManagedCluster) -> Result<bool> {
        match &self.new_path {
            NewPath::Credentials(accounts) => {
                let Some(issuer) = mc.oidc_issuer() else {
                    return Ok(false);
                };
                let creds = self.identity.credentials().await?;
                Ok(accounts
                    .iter()
                    .all(|b| creds.iter().any(|c| credential_matches(c, issuer, &b.subject()))))
            }
            NewPath::Binding(b) => Ok(b.read().await?.is_some_and(|(_, v)| v.binds(&self.identity.id()))),
        }
    }
}

#[async_trait::async_trait]
impl Step for PodIdentityAddonRemoval {
    fn address(&self) -> String {
        format!("cluster {} (pod identity add-on entries)", self.cluster.label())
    }

    fn phase(&self) -> Phase {
        Phase::CLUSTER
    }

    fn operation(&self) -> Option<&'static str> {
        Some("updating the cluster")
    }

    async fn plan(&self) -> Result<Planned> {
        let (read, mc) = self.cluster.read().await?;
        let planned = Planned::new(self.address(), self.phase(), ids::MANAGED_CLUSTER, Action::Update).reason(format!(
            "the pods use identity {} without the pod identity add-on now",
            self.identity.label()
        ));
        // An entry of that name for another identity is another team's mapping: never removed.
        let mine = self.identity.id();
        let others: Vec<String> = mc
            .pod_identities()
            .filter(|e| self.named(e) && !e.maps(&mine))
            .map(PodIdentity::label)
            .collect();
        if !others.is_empty() {
            return Ok(planned.blocked(format!(
                "[pod_identity_addon] names {}, which the add-on maps to another identity than {}: take it out of remove",
                others.join(", "),
                self.identity.label()
            )));
        }
        let planned = plan_write(
            &self.cluster,
            self,
            planned,
            &read,
            &mc,
            "the add-on has none of these entries",
        );
        if planned.action == Action::Update && !self.new_path_in_place(&mc).await? {
            // Never in the run that makes the new path: the add-on's entry serves the pods until
            // they have moved to it.
            return Ok(Planned {
                action: Action::NoOp,
                changes: vec![],
                request: None,
                ..planned.reason(
                    "kept for now: this run sets up the workload identity path; remove the add-on's entries in a later run, after the cut-over",
                )
            });
        }
        Ok(if planned.action == Action::Update {
            planned.warnings(vec![
                "kvwire sees Azure, not the pods: remove the add-on's entries only once the pods run with the workload identity label and their service account (docs/migrate-pod-identity.md)".into(),
            ])
        } else {
            planned
        })
    }

    async fn apply(&self, planned: &Planned, on: Progress<'_>) -> Result<()> {
        write(&self.cluster, self, planned, on).await
    }
}
