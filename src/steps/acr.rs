//! AcrPull after the switch to a managed identity. A cluster set up with `--attach-acr` pulls images
//! as its service principal; after the switch the kubelet runs as a new identity that holds
//! nothing, and pulls fail once the node images move to it (AKS docs, "Use a managed identity in
//! AKS": run `az aks update --attach-acr` after updating the cluster). kvwire finds the registries
//! where the old service principal holds AcrPull and plans the same grant for the kubelet.

use crate::azure::cluster::ClusterRef;
use crate::azure::principal::Principal;
use crate::{
    azure::{
        arm::models::{ACR_PULL_BINDING, ACR_PULL_PREFIX, ManagedCluster},
        context::Azure,
        grants,
        graph::ServicePrincipal,
        ids,
        registry::Registry,
    },
    error::{Error, Result},
    model::roles,
    plan::{Plan, Step, StepId, saved::sha256},
    steps::access::acr_pull_step,
    util::text::quoted,
};
use std::time::Duration;

/// What the switch carries over: registries to grant a pull role on, and what could not be checked.
#[derive(Debug, Clone, Default)]
pub(crate) struct AcrRegrant {
    /// Found through the old service principal, recorded by an earlier switch, named with `--acr`.
    pub(crate) registries: Vec<Registry>,
    /// Where each registry came from, for the plan (lower-cased resource ID, words).
    pub(crate) origins: Vec<(String, String)>,
    /// What the plan must say: grants not carried over, lookups that failed.
    pub(crate) notes: Vec<String>,
    /// Why the switch must not happen yet: registries exist, and which of them the service
    /// principal pulls from could not be read. Switching anyway would leave every re-imaged node
    /// unable to pull (ImagePullBackOff); the user names the registries or says there are none.
    pub(crate) blocked: Option<String>,
}

impl AcrRegrant {
    /// Find the registries, from the cluster `mc` as read. `explicit` are `--acr` values (names or
    /// IDs, validated), `named` says where they were named; `discover` adds those the switch
    /// recorded on the cluster (an earlier run's, when [`AcrRegrant::recorded`] trusts them), and,
    /// while the cluster still runs as a service principal, those where it holds a role that pulls
    /// (Microsoft Graph, then its role assignments).
    pub(crate) async fn find(
        cluster: &ClusterRef,
        mc: &ManagedCluster,
        explicit: &[String],
        named: &str,
        discover: bool,
    ) -> Result<AcrRegrant> {
        let az = &cluster.az;
        let mut out = AcrRegrant::default();
        for r in explicit {
            let found = Registry::find(az, r).await?;
            out.add(found, named.to_string());
        }
        if !discover {
            return Ok(out);
        }
        // Carried over by an earlier run's switch: known without Graph, when kvwire recorded them.
        let recorded = out.recorded(mc);
        // Grants found through the service principal, by registry: kept where they pull in the
        // registry's mode (read below).
        let mut ids_found: Vec<String> = vec![];
        let mut pulls: Vec<grants::PullGrant> = vec![];
        let sp = mc.service_principal().map(str::to_owned);
        if let Some(sp) = &sp {
            let fix =
                "name each registry the cluster pulls from with --acr NAME_OR_ID (in a runbook: [cluster] acr = [...])";
            let found = async {
                match ServicePrincipal::of_app(sp).object_id(az).await? {
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
                Err(e) if explicit.is_empty() => out.blocked = hold(az, sp, &e).await,
                Err(e) => out.notes.push(format!(
                    "could not check which registries service principal {sp} pulls from ({e}); only the registries named with --acr are granted"
                )),
            }
        }
        // Each registry's permission mode decides the role (AcrPull is not honoured in ABAC mode).
        ids_found.retain(|id| !out.has(id));
        ids_found.sort_by_key(|id| id.to_ascii_lowercase());
        ids_found.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
        let read = futures::future::try_join_all(ids_found.iter().map(|id| Registry::read(az, id))).await?;
        for (id, r) in ids_found.iter().zip(read) {
            let through: Vec<&grants::PullGrant> = pulls.iter().filter(|g| g.scope.eq_ignore_ascii_case(id)).collect();
            let sp = sp.as_deref().unwrap_or("?");
            match r {
                Some(r) if through.iter().any(|g| g.pulls(r.abac)) => {
                    out.add(r, format!("found through service principal {sp}'s role assignments"))
                }
                Some(_) => out.notes.push(format!(
                    "registry {id} uses ABAC repository permissions, where the service principal's role there does not pull: nothing to carry over"
                )),
                None => out
                    .notes
                    .push(format!("registry {id} no longer exists: no pull role is granted on it")),
            }
        }
        if mc.uses_service_principal() && out.registries.len() > 27 {
            out.notes.push(format!(
                "{} registries are carried over, and the switch can record 27 in a tag value: should this run stop after the switch, name the others with --acr when you run it again",
                out.registries.len()
            ));
        }
        // A record is only a hint: reading it must never fail the plan.
        for id in recorded {
            if out.has(&id) {
                continue;
            }
            match Registry::read(az, &id).await {
                Ok(Some(r)) => out.add(r, "recorded at kvwire's switch to a managed identity".to_string()),
                Ok(None) => out
                    .notes
                    .push(format!("registry {id} no longer exists: no pull role is granted on it")),
                Err(e) => out.notes.push(format!(
                    "registry {id}, recorded at the switch, could not be read ({e}): no pull role is granted on it this run"
                )),
            }
        }
        Ok(out)
    }

    /// The registries the switch recorded in `kvwire-acr-pull-<registry>` tags that kvwire trusts;
    /// a note for each tag it does not. Anyone who may write the cluster's tags may add such a
    /// tag, so a record counts only when (1) its value is a registry resource ID whose name is the
    /// one in its key, (2) the cluster no longer runs as its service principal (before the switch
    /// the service principal's role assignments decide, and the switch writes the records), and
    /// (3) [`ACR_PULL_BINDING`] holds its digest: written in the switch's own PUT, over the
    /// cluster, its migration records and the registry, so a tag added later is in no digest.
    fn recorded(&mut self, mc: &ManagedCluster) -> Vec<String> {
        let bound: Vec<&str> = mc
            .tag(ACR_PULL_BINDING)
            .map(|v| v.split_whitespace().collect())
            .unwrap_or_default();
        let mut trusted = vec![];
        for (name, value) in mc.acr_pull_records() {
            let key = format!("{ACR_PULL_PREFIX}{name}");
            if !ids::is_registry(value) || !ids::name_of(value).eq_ignore_ascii_case(name) {
                self.notes.push(format!(
                    "cluster tag {key} = {}: not the resource ID of registry {name} (kvwire records /subscriptions/…/providers/Microsoft.ContainerRegistry/registries/{name}); ignored",
                    quoted(value)
                ));
            } else if mc.uses_service_principal() {
                self.notes.push(format!(
                    "cluster tag {key} was not written by kvwire's switch (the cluster still runs as its service principal, whose role assignments decide); ignored"
                ));
            } else if !bound.contains(&binding_item(mc, value).as_str()) {
                self.notes.push(format!(
                    "cluster tag {key} names registry {value}, but kvwire's switch did not record it ({ACR_PULL_BINDING} does not bind it): no pull role is granted there. If the kubelet needs it, name it with --acr {name} (runbook: [cluster] acr)"
                ));
            } else {
                trusted.push(value.to_string());
            }
        }
        trusted
    }

    fn has(&self, id: &str) -> bool {
        self.registries.iter().any(|r| r.id.eq_ignore_ascii_case(id))
    }

    fn add(&mut self, r: Registry, origin: String) {
        if !self.has(&r.id) {
            self.origins.push((r.id.to_ascii_lowercase(), origin));
            self.registries.push(r);
        }
    }

    /// Where `r` came from, in words.
    fn origin(&self, r: &Registry) -> Option<String> {
        let id = r.id.to_ascii_lowercase();
        self.origins.iter().find(|(i, _)| *i == id).map(|(_, o)| o.clone())
    }

    /// Whether `grant` (as [`grants::held_by`] words it) is carried over by this run.
    pub(crate) fn carries(&self, grant: &str) -> bool {
        self.registries.iter().any(|r| {
            [roles::ACR_PULL.name, roles::REPOSITORY_READER.name]
                .iter()
                .any(|role| grant.eq_ignore_ascii_case(&format!("{role} on {}", r.id)))
        })
    }

    /// One pull-role step per registry for the cluster's kubelet, after `needs` (the switch,
    /// which creates the kubelet identity).
    pub(crate) fn add_steps(&self, plan: &mut Plan, cluster: &ClusterRef, needs: &[StepId], wait: Duration) {
        for r in &self.registries {
            let kubelet = Principal::Kubelet {
                rg: cluster.rg.clone(),
                cluster: cluster.name.clone(),
            };
            let step: Box<dyn Step> = acr_pull_step(cluster.az.clone(), r, kubelet, wait, self.origin(r));
            plan.add(step, needs);
        }
    }
}

/// The [`ACR_PULL_BINDING`] tag value the switch writes for `registries`: the digest of each,
/// space-separated, as many as ARM's 256-character tag value holds (27).
pub(crate) fn switch_binding(mc: &ManagedCluster, registries: &[Registry]) -> String {
    let items: Vec<String> = registries.iter().take(27).map(|r| binding_item(mc, &r.id)).collect();
    items.join(" ")
}

/// One registry's digest: SHA-256 over the cluster's ID, the node images its pools ran at the
/// switch (the migration records the same PUT writes, or the pools as read before it) and the
/// registry's ID, cut to 8 hex digits. It binds a record to this cluster's switch; it is no
/// secret (docs/security.md says what that leaves open).
fn binding_item(mc: &ManagedCluster, registry_id: &str) -> String {
    let mut pools: Vec<(&str, &str)> = if mc.uses_service_principal() {
        // At the switch: what the same PUT records.
        mc.properties
            .agent_pool_profiles
            .iter()
            .filter_map(|p| Some((p.name.as_deref()?, p.node_image_version.as_deref()?)))
            .collect()
    } else {
        mc.migration_records()
    };
    pools.sort();
    let pools: Vec<String> = pools.iter().map(|(p, i)| format!("{p}={i}")).collect();
    let text = format!(
        "kvwire-acr-pull\n{}\n{}\n{}",
        mc.id.as_deref().unwrap_or_default().to_ascii_lowercase(),
        pools.join(","),
        registry_id.to_ascii_lowercase()
    );
    sha256(text.as_bytes())[..8].to_string()
}

/// The switch is held when the service principal's pulls could not be read (`why`) and the
/// subscription has registries — or they could not be listed either. A subscription without
/// registries has nothing to break.
async fn hold(az: &Azure, sp: &str, why: &Error) -> Option<String> {
    let listed = Registry::names_in_subscription(az).await;
    let seen = match &listed {
        Ok(names) if names.is_empty() => return None,
        Ok(names) => {
            let shown = names.iter().take(5).cloned().collect::<Vec<_>>().join(", ");
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
