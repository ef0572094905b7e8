//! AcrPull after the switch to a managed identity. A cluster set up with `--attach-acr` pulls images
//! as its service principal; after the switch the kubelet runs as a new identity that holds
//! nothing, and pulls fail once the node images move to it (AKS docs, "Use a managed identity in
//! AKS": run `az aks update --attach-acr` after updating the cluster). kvwire finds the registries
//! where the old service principal holds AcrPull and plans the same grant for the kubelet.

use crate::{
    azure::{
        arm::{api, models::ManagedCluster},
        context::Azure,
        grants, ids,
        registry::{self, Registry},
    },
    error::{Error, Result},
    model::roles,
    plan::{Plan, Step, StepId},
    steps::{
        access::{Principal, acr_pull_step},
        cluster::ClusterRef,
    },
};
use std::time::Duration;

/// What the switch carries over: registries to grant a pull role on, and what could not be checked.
#[derive(Debug, Clone, Default)]
pub struct AcrRegrant {
    /// Found through the old service principal, recorded by an earlier switch, named with `--acr`.
    pub registries: Vec<Registry>,
    /// What the plan must say: grants not carried over, lookups that failed.
    pub notes: Vec<String>,
    /// Why the switch must not happen yet: registries exist, and which of them the service
    /// principal pulls from could not be read. Switching anyway would leave every re-imaged node
    /// unable to pull (ImagePullBackOff); the user names the registries or says there are none.
    pub blocked: Option<String>,
}

impl AcrRegrant {
    /// Find the registries, from the cluster `mc` as read. `explicit` are `--acr` values (names or
    /// IDs, validated); `discover` adds those the switch recorded on the cluster (an earlier
    /// run's), and, while the cluster still runs as a service principal, those where it holds a
    /// role that pulls (Microsoft Graph, then its role assignments).
    pub async fn find(
        cluster: &ClusterRef,
        mc: &ManagedCluster,
        explicit: &[String],
        discover: bool,
    ) -> Result<AcrRegrant> {
        let az = &cluster.az;
        let mut out = AcrRegrant::default();
        for r in explicit {
            let found = registry::find(az, r).await?;
            out.add(found);
        }
        if !discover {
            return Ok(out);
        }
        // Carried over by an earlier run's switch: known without Graph.
        let mut ids_found: Vec<String> = mc.acr_pull_records().into_iter().map(str::to_owned).collect();
        // Grants found through the service principal, by registry: kept where they pull in the
        // registry's mode (read below).
        let mut pulls: Vec<grants::PullGrant> = vec![];
        if let Some(sp) = mc.service_principal().map(str::to_owned) {
            let fix =
                "name each registry the cluster pulls from with --acr NAME_OR_ID (in a runbook: [cluster] acr = [...])";
            let found = async {
                match grants::service_principal_object_id(az, &sp).await? {
                    Some(oid) => grants::pull_grants(az, &oid).await.map(Some),
                    None => Ok(None),
                }
            };
            match found.await {
                Ok(Some(grants)) => {
                    for g in grants {
                        let scope = g.scope.clone();
                        if g.conditional {
                            // Copied without its condition it would grant more than the original.
                            out.notes.push(format!(
                                "service principal {sp} holds a pull role on {scope} with an ABAC condition: kvwire does not copy conditional grants; grant the kubelet the same by hand"
                            ));
                        } else if ids::is_registry(&scope) {
                            ids_found.push(scope);
                            pulls.push(g);
                        } else {
                            // Least privilege: a grant over a whole group or subscription is not copied.
                            out.notes.push(format!(
                                "service principal {sp} holds a role that pulls images on {scope}, above any one registry: kvwire does not copy that; {fix}"
                            ));
                        }
                    }
                }
                Ok(None) => out.notes.push(format!(
                    "service principal {sp} was not found in the directory, so its registry pulls could not be read; {fix}"
                )),
                Err(e) if explicit.is_empty() => out.blocked = hold(az, &sp, &e).await,
                Err(e) => out.notes.push(format!(
                    "could not check which registries service principal {sp} pulls from ({e}); only the registries named with --acr are granted"
                )),
            }
        }
        // Each registry's permission mode decides the role (AcrPull is not honoured in ABAC mode).
        ids_found.retain(|id| !out.registries.iter().any(|r| r.id.eq_ignore_ascii_case(id)));
        ids_found.sort_by_key(|id| id.to_ascii_lowercase());
        ids_found.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
        let read = futures::future::try_join_all(ids_found.iter().map(|id| registry::read(az, id))).await?;
        for (id, r) in ids_found.iter().zip(read) {
            let through: Vec<&grants::PullGrant> = pulls.iter().filter(|g| g.scope.eq_ignore_ascii_case(id)).collect();
            match r {
                // Recorded at an earlier switch, or a role that pulls in this registry's mode.
                Some(r) if through.is_empty() || through.iter().any(|g| g.pulls(r.abac)) => out.add(r),
                Some(_) => out.notes.push(format!(
                    "registry {id} uses ABAC repository permissions, where the service principal's role there does not pull: nothing to carry over"
                )),
                None => out
                    .notes
                    .push(format!("registry {id} no longer exists: no pull role is granted on it")),
            }
        }
        Ok(out)
    }

    fn add(&mut self, r: Registry) {
        if !self.registries.iter().any(|x| x.id.eq_ignore_ascii_case(&r.id)) {
            self.registries.push(r);
        }
    }

    /// Whether `grant` (as [`grants::held_by`] words it) is carried over by this run.
    pub fn carries(&self, grant: &str) -> bool {
        self.registries.iter().any(|r| {
            [roles::ACR_PULL.name, roles::REPOSITORY_READER.name]
                .iter()
                .any(|role| grant.eq_ignore_ascii_case(&format!("{role} on {}", r.id)))
        })
    }

    /// One pull-role step per registry for the cluster's kubelet, after `needs` (the switch,
    /// which creates the kubelet identity).
    pub fn add_steps(&self, plan: &mut Plan, cluster: &ClusterRef, needs: &[StepId], wait: Duration) {
        for r in &self.registries {
            let kubelet = Principal::Kubelet {
                rg: cluster.rg.clone(),
                cluster: cluster.name.clone(),
            };
            let step: Box<dyn Step> = acr_pull_step(cluster.az.clone(), r, kubelet, wait);
            plan.add(step, needs);
        }
    }
}

/// The switch is held when the service principal's pulls could not be read (`why`) and the
/// subscription has registries — or they could not be listed either. A subscription without
/// registries has nothing to break.
async fn hold(az: &Azure, sp: &str, why: &Error) -> Option<String> {
    let listed = az
        .arm
        .list(
            &ids::registries_in_subscription(&az.subscription),
            api::CONTAINER_REGISTRY,
        )
        .await;
    let seen = match &listed {
        Ok(list) if list.is_empty() => return None,
        Ok(list) => {
            let names: Vec<&str> = list.iter().filter_map(|r| r["name"].as_str()).collect();
            let shown = names.iter().take(5).copied().collect::<Vec<_>>().join(", ");
            let more = if names.len() > 5 { ", …" } else { "" };
            format!(
                "subscription {} has {} container registr{} ({shown}{more})",
                az.subscription,
                names.len(),
                if names.len() == 1 { "y" } else { "ies" }
            )
        }
        Err(e) => format!("the subscription's container registries could not be listed either ({e})"),
    };
    Some(format!(
        "which registries service principal {sp} pulls from could not be read ({why}), and {seen}: after the switch the kubelet pulls as a new identity that holds nothing, and pods on re-imaged nodes would fail with ImagePullBackOff. Name the registries the cluster pulls from with --acr NAME… (runbook: [cluster] acr = [\"NAME\"]), or pass --no-regrant-acr (runbook: [cluster] regrant_acr = false) once you have checked it pulls from none"
    ))
}
