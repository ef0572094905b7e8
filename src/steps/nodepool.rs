//! Node-image upgrades: POST upgradeNodeImageVersion (a long-running operation) for each pool
//! that needs it, several pools at once.

use super::cluster::ClusterRef;
use crate::{
    azure::{
        arm::{
            api,
            models::{AgentPool, AgentPoolUpgradeProfile},
        },
        ids,
    },
    error::{Error, Result},
    plan::{Action, FieldChange, Phase, Planned, Step},
    util::Progress,
};
use serde_json::json;

/// The names of the cluster's pools, sorted.
pub async fn pool_names(c: &ClusterRef) -> Result<Vec<String>> {
    let pools =
        c.az.arm
            .list(&ids::agent_pools(&c.id()), api::CONTAINER_SERVICE)
            .await
            .map_err(|e| match e {
                Error::Arm(a) if a.is_not_found() => Error::runtime(format!(
                    "cluster {} was not found in subscription {}",
                    c.label(),
                    c.az.subscription
                )),
                other => other,
            })?;
    let mut names: Vec<String> = pools
        .iter()
        .filter_map(|p| p["name"].as_str().map(str::to_owned))
        .collect();
    names.sort();
    Ok(names)
}

pub struct UpgradeNodeImage {
    pub cluster: ClusterRef,
    pub pool: String,
    /// Re-image even when the pool runs the newest image.
    pub force: bool,
    /// Part of a run that also switches the cluster to managed identity (a runbook).
    pub after_switch: bool,
}

impl UpgradeNodeImage {
    fn id(&self) -> String {
        ids::agent_pool(&self.cluster.id(), &self.pool)
    }

    /// The pool and the newest node image it could run.
    async fn observe(&self) -> Result<(AgentPool, Option<String>)> {
        let az = &self.cluster.az;
        let pool = az
            .arm
            .get_opt(&self.id(), api::CONTAINER_SERVICE)
            .await?
            .ok_or_else(|| {
                Error::runtime(format!(
                    "{} was not found (list the pools with `az aks nodepool list`)",
                    self.address()
                ))
            })?;
        let pool: AgentPool =
            serde_json::from_value(pool).map_err(|e| Error::runtime(format!("unexpected agentPool document: {e}")))?;
        let profile = az
            .arm
            .get(
                &format!("{}/upgradeProfiles/default", self.id()),
                api::CONTAINER_SERVICE,
            )
            .await?;
        let profile: AgentPoolUpgradeProfile = serde_json::from_value(profile)
            .map_err(|e| Error::runtime(format!("unexpected upgradeProfile document: {e}")))?;
        Ok((pool, profile.properties.latest_node_image_version))
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

    async fn plan(&self) -> Result<Planned> {
        let (pool, latest) = self.observe().await?;
        let current = pool.properties.node_image_version.clone();
        let state = pool.properties.provisioning_state.clone().unwrap_or_default();
        let planned = Planned::new(self.address(), self.phase(), ids::NODE_IMAGE_UPGRADE, Action::Run);
        let no_op = |why: String| Planned {
            action: Action::NoOp,
            ..planned.clone().reason(why)
        };
        if state.eq_ignore_ascii_case("UpgradingNodeImageVersion") {
            return Ok(no_op("a node image upgrade is already in progress".into()));
        }
        let outdated = latest.is_some() && latest != current;
        let (_, mc) = self.cluster.read().await?;
        // The kubelet moves to its managed identity only when the nodes are re-imaged.
        let kubelet_moving = mc.kubelet_migration_pending() || (self.after_switch && mc.uses_service_principal());
        if !outdated && !self.force && !kubelet_moving {
            return Ok(no_op(format!(
                "node image {} is the latest",
                current.as_deref().unwrap_or("(unknown)")
            )));
        }
        let reason = if kubelet_moving {
            "the kubelet still uses the service principal until its nodes are re-imaged"
        } else if outdated {
            "a newer node image is available"
        } else {
            "--force: re-image with the current node image"
        };
        Ok(planned.reason(reason).changes(vec![FieldChange::set(
            "properties.nodeImageVersion",
            Some(json!(current)),
            json!(latest.or(current)),
        )]))
    }

    async fn apply(&self, _planned: &Planned, on: Progress<'_>) -> Result<()> {
        on("requesting upgrade");
        self.cluster
            .az
            .arm
            .post(
                &format!("{}/upgradeNodeImageVersion", self.id()),
                api::CONTAINER_SERVICE,
                None,
                on,
            )
            .await?;
        Ok(())
    }

    /// Done when the pool runs the latest image and is not mid-operation (also right after --force).
    async fn verify(&self, _planned: &Planned) -> Result<()> {
        let (pool, latest) = self.observe().await?;
        let state = pool.properties.provisioning_state.unwrap_or_default();
        if latest.is_some() && pool.properties.node_image_version != latest {
            return Err(Error::runtime(format!(
                "verification failed for {}: node image is {:?}, expected {:?}",
                self.address(),
                pool.properties.node_image_version,
                latest
            )));
        }
        if !state.is_empty() && !state.eq_ignore_ascii_case("Succeeded") {
            return Err(Error::runtime(format!(
                "verification failed for {}: provisioningState is {state}",
                self.address()
            )));
        }
        Ok(())
    }
}
