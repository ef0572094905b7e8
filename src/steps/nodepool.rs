//! Node-image upgrades: POST upgradeNodeImageVersion (a long-running operation) for each pool
//! that needs it, several pools at once. An upgrade already running is adopted and awaited, never
//! started twice; after a switch to managed identity each pool is re-imaged once.

use crate::{
    azure::{
        arm::{api, in_words, is_terminal},
        cluster::{ClusterRef, REPLANS},
        ids,
    },
    error::{Error, Result},
    info,
    plan::{Action, FieldChange, Phase, Planned, Request, Step},
    util::Progress,
};
use serde_json::json;

/// Why a pool that is not outdated is left alone: it runs the newest image AKS names, or AKS's
/// upgrade profile names none (then kvwire cannot know a newer one exists, and says so).
fn up_to_date(current: Option<&str>, latest: Option<&str>) -> String {
    let current = current.unwrap_or("(unknown)");
    match latest {
        Some(_) => format!("node image {current} is the latest"),
        None => format!("node image {current}: the pool's upgrade profile names no newer one"),
    }
}

pub(crate) struct UpgradeNodeImage {
    pub(crate) cluster: ClusterRef,
    pub(crate) pool: String,
    /// Re-image even when the pool runs the newest image.
    pub(crate) force: bool,
    /// Part of a run that also switches the cluster to managed identity (a runbook).
    pub(crate) after_switch: bool,
    /// Re-image only where the kubelet's move to its managed identity needs it (a runbook): a
    /// newer image alone re-images nothing the user did not ask for.
    pub(crate) only_for_kubelet: bool,
}

/// What the plan said about a running upgrade: apply waits for it instead of starting one.
const ADOPT: &str = "(waits for the running node image upgrade)";

impl UpgradeNodeImage {
    /// The write that re-images the pool: what the plan shows and apply sends.
    fn request(&self) -> Request {
        Request::post(self.cluster.node_image_upgrade_path(&self.pool), api::CONTAINER_SERVICE)
    }

    /// Wait until the pool's running operation ends; fail if it failed.
    async fn await_pool(&self, on: Progress<'_>) -> Result<()> {
        let lro = &self.cluster.az.arm.lro;
        let state = lro
            .wait_until(
                || async {
                    let (pool, _) = self.cluster.pool(&self.pool).await?;
                    let state = pool.properties.provisioning_state.unwrap_or_default();
                    Ok(if is_terminal(&state) || state.is_empty() {
                        Ok(state)
                    } else {
                        Err(state)
                    })
                },
                |state| on(&format!("waiting for the running upgrade ({})", in_words(state))),
                |state| {
                    Error::runtime(format!(
                        "{} was still {state} after {}s (raise --lro-timeout, or run `kvwire wait`); it goes on in Azure",
                        self.address(),
                        lro.timeout.as_secs()
                    ))
                },
            )
            .await?;
        if state.eq_ignore_ascii_case("Failed") {
            return Err(Error::runtime(format!(
                "the node image upgrade of {} failed (provisioningState Failed); run again to retry this pool",
                self.address()
            )));
        }
        Ok(())
    }
}

#[async_trait::async_trait]
impl Step for UpgradeNodeImage {
    fn address(&self) -> String {
        format!("nodepool {}/{}", self.cluster.label(), self.pool)
    }

    fn phase(&self) -> Phase {
        Phase::NODE_IMAGES
    }

    fn operation(&self) -> Option<&'static str> {
        Some("upgrading node image")
    }

    async fn plan(&self) -> Result<Planned> {
        let ((pool, latest), (_, mc)) = futures::try_join!(self.cluster.pool(&self.pool), self.cluster.read())?;
        let current = pool.properties.node_image_version.clone();
        let state = pool.properties.provisioning_state.clone().unwrap_or_default();
        let planned = Planned::new(self.address(), self.phase(), ids::NODE_IMAGE_UPGRADE, Action::Run);
        let no_op = |why: String| Planned {
            action: Action::NoOp,
            ..planned.clone().reason(why)
        };
        if state.eq_ignore_ascii_case("UpgradingNodeImageVersion") {
            return Ok(planned.waiting(ADOPT));
        }
        let outdated = latest.is_some() && latest != current;
        // The kubelet moves to its managed identity only when its nodes get a newer image.
        let baseline = mc.migration_baseline(&self.pool).map(str::to_owned);
        let awaiting = match &baseline {
            Some(b) => current.as_deref() == Some(b.as_str()),
            None => self.after_switch && mc.uses_service_principal(),
        };
        if awaiting && !outdated {
            return Ok(Planned {
                warnings: vec![format!(
                    "{}: the kubelet stays on the service principal until a newer node image is released (AKS re-images only to a newer one); run again then",
                    self.address()
                )],
                ..no_op(format!(
                    "node image {} is the newest: nothing to re-image to yet",
                    current.as_deref().unwrap_or("(unknown)")
                ))
            });
        }
        if self.only_for_kubelet && !awaiting {
            return Ok(no_op(if outdated {
                format!(
                    "the kubelet does not need it; a newer node image is available ({} → {}): `kvwire nodepool upgrade-image {} --nodepool {}` upgrades it",
                    current.as_deref().unwrap_or("(unknown)"),
                    latest.as_deref().unwrap_or("(unknown)"),
                    self.cluster.hint(),
                    self.pool
                )
            } else {
                up_to_date(current.as_deref(), latest.as_deref())
            }));
        }
        if !outdated && !self.force {
            return Ok(no_op(up_to_date(current.as_deref(), latest.as_deref())));
        }
        let reason = if awaiting {
            "the kubelet still uses the service principal until its nodes are re-imaged"
        } else if outdated {
            "a newer node image is available"
        } else {
            "--force: re-image with the current node image"
        };
        Ok(planned
            .reason(reason)
            .changes(vec![FieldChange::set(
                "properties.nodeImageVersion",
                Some(json!(current)),
                json!(latest.or(current)),
            )])
            .request(self.request()))
    }

    /// Re-image once. Every pass reads the pool afresh and decides again: an upgrade that is
    /// running (planned as such, or started since by another run) is awaited; a pool another run
    /// has already moved on from the planned image is done; a busy 409 is waited out and the pool
    /// read again. The POST is never resent as it was: a second one starts a second re-image.
    /// The POST sent is the plan's request, unchanged.
    async fn apply(&self, planned: &Planned, on: Progress<'_>) -> Result<()> {
        let planned_image = planned
            .changes
            .first()
            .and_then(|c| c.before.as_ref())
            .and_then(|v| v.as_str())
            .map(str::to_owned);
        for _ in 0..REPLANS {
            let (pool, latest) = self.cluster.pool(&self.pool).await?;
            let state = pool.properties.provisioning_state.unwrap_or_default();
            if state.eq_ignore_ascii_case("UpgradingNodeImageVersion") || planned.reason.as_deref() == Some(ADOPT) {
                self.await_pool(on).await?;
                if planned.reason.as_deref() == Some(ADOPT) {
                    return Ok(());
                }
                continue;
            }
            let image = pool.properties.node_image_version;
            let at_latest = latest.is_some() && image == latest;
            let moved_on = planned_image.is_some() && image != planned_image;
            if (at_latest && !self.force) || moved_on {
                info!("{}: already re-imaged to {image:?} by another run", self.address());
                on("already re-imaged by another run");
                return Ok(());
            }
            let Some(r) = &planned.request else {
                return Err(Error::runtime(format!("{}: the plan holds no write", self.address())));
            };
            on("requesting upgrade");
            match self
                .cluster
                .az
                .arm
                .post(&r.path, &r.api_version, r.body.as_ref(), on)
                .await
            {
                Err(Error::Arm(e)) if e.code.is_busy() => self.cluster.wait_out(e, on).await?,
                other => return other.map(|_| ()),
            }
        }
        Err(Error::runtime(format!(
            "{}: other operations kept the cluster busy through {} attempts; run again",
            self.address(),
            REPLANS
        )))
    }

    /// Done when the pool is not mid-operation, did not fail, and nothing is left to do.
    async fn verify(&self, _planned: &Planned) -> Result<()> {
        let (pool, latest) = self.cluster.pool(&self.pool).await?;
        let state = pool.properties.provisioning_state.unwrap_or_default();
        if !state.is_empty() && !state.eq_ignore_ascii_case("Succeeded") {
            return Err(Error::runtime(format!(
                "verification failed for {}: provisioningState is {state}",
                self.address()
            )));
        }
        if !self.force && latest.is_some() && pool.properties.node_image_version != latest {
            return Err(Error::runtime(format!(
                "verification failed for {}: node image is {:?}, expected {:?}",
                self.address(),
                pool.properties.node_image_version,
                latest
            )));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    //! The node-image upgrade's plan against recorded observations (steps::recorded).

    use super::*;
    use crate::{
        azure::arm::models::KUBELET_MIGRATION_PREFIX,
        steps::recorded::{Recorded, example, mi_cluster},
    };
    use serde_json::Value;

    const OLD: &str = "AKSUbuntu-1604-2020.03.11";
    const NEW: &str = "AKSUbuntu-1604-2020.04.08";

    fn pool(image: &str) -> Value {
        json!({"name": "nodepool1", "properties": {"nodeImageVersion": image, "provisioningState": "Succeeded"}})
    }

    /// The cluster after the switch; `baseline`, the image kvwire recorded for the pool then.
    fn cluster(baseline: Option<&str>) -> Value {
        let mut mc = mi_cluster();
        if let Some(b) = baseline {
            mc["tags"][format!("{KUBELET_MIGRATION_PREFIX}nodepool1")] = json!(b);
        }
        mc
    }

    /// `runbook`: as `up` plans it after a switch (re-image only where the kubelet needs it);
    /// else as `kvwire nodepool upgrade-image` does.
    fn upgrade(r: &Recorded, runbook: bool) -> UpgradeNodeImage {
        UpgradeNodeImage {
            cluster: r.cluster_ref(),
            pool: "nodepool1".into(),
            force: false,
            after_switch: runbook,
            only_for_kubelet: runbook,
        }
    }

    #[test]
    fn a_pool_with_no_latest_image_named_is_not_called_the_latest() {
        assert_eq!(
            up_to_date(Some("img-1"), Some("img-1")),
            "node image img-1 is the latest"
        );
        assert_eq!(
            up_to_date(Some("img-1"), None),
            "node image img-1: the pool's upgrade profile names no newer one"
        );
    }

    #[tokio::test]
    async fn a_pool_on_the_latest_image_is_left_alone() {
        let r = Recorded::new().cluster(cluster(None)).pool("nodepool1", pool(OLD), OLD);
        let step = upgrade(&r, false);
        let p = r.plan(&step).await.unwrap();
        assert_eq!(p.action, Action::NoOp);
        assert_eq!(p.reason, Some(format!("node image {OLD} is the latest")));
        assert!(p.warnings.is_empty());
        assert_eq!(p.request, None, "nothing to send");

        // Its kubelet has not moved yet (still on the image of the switch), but AKS re-images only
        // to a newer one: nothing to do yet, and the plan says so.
        let r = Recorded::new()
            .cluster(cluster(Some(OLD)))
            .pool("nodepool1", pool(OLD), OLD);
        let step = upgrade(&r, true);
        let p = r.plan(&step).await.unwrap();
        assert_eq!(p.action, Action::NoOp);
        assert_eq!(
            p.reason,
            Some(format!("node image {OLD} is the newest: nothing to re-image to yet"))
        );
        assert!(
            p.warnings[0].contains("the kubelet stays on the service principal"),
            "{:?}",
            p.warnings
        );
    }

    #[tokio::test]
    async fn an_outdated_pool_after_the_switch_is_reimaged_for_its_kubelet() {
        let r = Recorded::new()
            .cluster(cluster(Some(OLD)))
            .pool("nodepool1", pool(OLD), NEW);
        let step = upgrade(&r, true);
        let p = r.plan(&step).await.unwrap();
        assert_eq!(p.action, Action::Run);
        assert_eq!(
            p.reason.as_deref(),
            Some("the kubelet still uses the service principal until its nodes are re-imaged")
        );
        assert_eq!(
            p.changes,
            [FieldChange::set(
                "properties.nodeImageVersion",
                Some(json!(OLD)),
                json!(NEW)
            )]
        );
        // The write apply sends: the pool's upgradeNodeImageVersion action, without a body.
        let pool_id = step.cluster.pool_id("nodepool1");
        assert_eq!(
            p.request,
            Some(Request {
                method: "POST".into(),
                path: format!("{pool_id}/upgradeNodeImageVersion"),
                api_version: api::CONTAINER_SERVICE.into(),
                body: None,
                if_match: None,
                base: None,
            })
        );
        assert!(
            pool_id.ends_with("/managedClusters/clustername1/agentPools/nodepool1"),
            "{pool_id}"
        );

        // Once re-imaged (the kubelet moved), a newer image alone re-images nothing in a runbook.
        let newer = "AKSUbuntu-1604-2020.05.13";
        let r = Recorded::new()
            .cluster(cluster(Some(OLD)))
            .pool("nodepool1", pool(NEW), newer);
        let step = upgrade(&r, true);
        let p = r.plan(&step).await.unwrap();
        assert_eq!(p.action, Action::NoOp);
        assert!(
            p.reason.as_deref().is_some_and(|r| r.starts_with(&format!(
                "the kubelet does not need it; a newer node image is available ({NEW} → {newer})"
            ))),
            "{:?}",
            p.reason
        );
    }

    #[tokio::test]
    async fn an_upgrade_already_running_is_adopted() {
        // The pool as the AgentPoolsUpgradeNodeImageVersion example answers: UpgradingNodeImageVersion.
        let running = example("AgentPoolsUpgradeNodeImageVersion.2025-10-01.json", "202");
        let r = Recorded::new()
            .cluster(cluster(Some(OLD)))
            .pool("nodepool1", running, NEW);
        let step = upgrade(&r, true);
        let p = r.plan(&step).await.unwrap();
        assert_eq!(p.action, Action::Run);
        assert_eq!(
            p.reason.as_deref(),
            Some(ADOPT),
            "apply waits for it instead of starting one"
        );
        assert!(p.changes.is_empty());
        assert_eq!(p.request, None, "apply sends nothing: it waits");
    }

    /// `kvwire nodepool upgrade-image`: a newer image is a run that sends the POST; the latest is
    /// a no-op that sends nothing.
    #[tokio::test]
    async fn a_newer_image_is_a_run_with_its_post_and_the_latest_a_no_op() {
        let r = Recorded::new().cluster(cluster(None)).pool("nodepool1", pool(OLD), NEW);
        let step = upgrade(&r, false);
        let expected = Request::post(
            format!("{}/upgradeNodeImageVersion", r.cluster_ref().pool_id("nodepool1")),
            api::CONTAINER_SERVICE,
        );
        let p = r.plan(&step).await.unwrap();
        assert_eq!(p.action, Action::Run);
        assert_eq!(p.reason.as_deref(), Some("a newer node image is available"));
        assert_eq!(p.request, Some(expected));

        let r = Recorded::new().cluster(cluster(None)).pool("nodepool1", pool(NEW), NEW);
        let step = upgrade(&r, false);
        let p = r.plan(&step).await.unwrap();
        assert_eq!(p.action, Action::NoOp);
        assert_eq!(p.request, None);
    }
}
