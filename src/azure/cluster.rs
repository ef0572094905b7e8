//! The managed cluster and its agent pools as kvwire reads them: one handle that owns the
//! cluster's ID, its reads (typed views), and the waits on operations AKS runs on it.

use crate::{
    azure::{
        arm::{
            ArmError, ErrorCode, api,
            models::{AgentPool, AgentPoolUpgradeProfile, ManagedCluster},
        },
        context::Azure,
        ids,
    },
    error::{Error, Result},
    info,
    util::Progress,
};
use serde_json::Value;
use std::sync::Arc;

/// The cluster one step rewrites.
#[derive(Clone)]
pub(crate) struct ClusterRef {
    pub(crate) az: Arc<Azure>,
    pub(crate) rg: String,
    pub(crate) name: String,
}

impl ClusterRef {
    pub(crate) fn new(az: Arc<Azure>, rg: &str, name: &str) -> ClusterRef {
        ClusterRef {
            az,
            rg: rg.into(),
            name: name.into(),
        }
    }

    pub(crate) fn id(&self) -> String {
        self.az.cluster_id(&self.rg, &self.name)
    }

    pub(crate) fn label(&self) -> String {
        format!("{}/{}", self.rg, self.name)
    }

    /// `-g RG --cluster NAME`, for the follow-up commands kvwire suggests.
    pub(crate) fn hint(&self) -> String {
        format!("-g {} --cluster {}", self.rg, self.name)
    }

    pub(crate) async fn read(&self) -> Result<(Value, ManagedCluster)> {
        self.az.cluster(&self.rg, &self.name).await
    }

    /// The cluster once no operation runs on it or its pools (AKS takes one at a time), saying
    /// what it waits for; bounded by `--lro-timeout`.
    pub(crate) async fn settled(&self, on: Progress<'_>) -> Result<(Value, ManagedCluster)> {
        let lro = &self.az.arm.lro;
        lro.wait_until(
            || async {
                let (read, mc) = self.read().await?;
                Ok(match mc.busy() {
                    None => Ok((read, mc)),
                    Some(what) => Err(what),
                })
            },
            |what| {
                on(&format!("waiting for {what} to finish"));
                info!("cluster {}: waiting for {what} to finish", self.label());
            },
            |what| {
                Error::runtime(format!(
                    "cluster {}: {what} was still running after {}s (raise --lro-timeout, or run `kvwire wait`); nothing was written",
                    self.label(),
                    lro.timeout.as_secs()
                ))
            },
        )
        .await
    }

    /// After AKS answered a write with a busy 409 (`OperationNotAllowed`, `EtagMismatch`): wait
    /// until the running operation has ended, so the caller reads and plans again — never resends.
    /// AKS also answers `OperationNotAllowed` for what it will never allow: when nothing runs, that
    /// answer is the error. An `EtagMismatch` with nothing running means the tag moved: plan again.
    pub(crate) async fn wait_out(&self, e: ArmError, on: Progress<'_>) -> Result<()> {
        let (_, mc) = self.read().await?;
        if mc.busy().is_none() && !e.is(&ErrorCode::EtagMismatch) {
            return Err(Error::Arm(e));
        }
        info!(
            "cluster {}: {} ({}); waiting, then planning again",
            self.label(),
            e.code.as_str(),
            e.status
        );
        on("another operation is running: waiting, then planning again");
        self.settled(on).await.map(|_| ())
    }

    /// The names of the cluster's pools, sorted.
    pub(crate) async fn pool_names(&self) -> Result<Vec<String>> {
        let c = self;
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

    /// The resource ID of pool `pool`.
    pub(crate) fn pool_id(&self, pool: &str) -> String {
        ids::agent_pool(&self.id(), pool)
    }

    /// The action that re-images pool `pool` (a POST without a body, a long-running operation).
    pub(crate) fn node_image_upgrade_path(&self, pool: &str) -> String {
        format!("{}/upgradeNodeImageVersion", self.pool_id(pool))
    }

    /// A pool and the newest node image it could run (both read at once).
    pub(crate) async fn pool(&self, pool: &str) -> Result<(AgentPool, Option<String>)> {
        let c = self;
        let az = &c.az;
        let id = c.pool_id(pool);
        let profile_path = format!("{id}/upgradeProfiles/default");
        let (doc, profile) = futures::try_join!(
            az.arm.get_opt(&id, api::CONTAINER_SERVICE),
            az.arm.get_opt(&profile_path, api::CONTAINER_SERVICE)
        )?;
        let not_found = || {
            Error::runtime(format!(
                "nodepool {}/{pool} was not found (list the pools with `az aks nodepool list`)",
                c.label()
            ))
        };
        let p: AgentPool = serde_json::from_value(doc.ok_or_else(not_found)?)
            .map_err(|e| Error::runtime(format!("unexpected agentPool document: {e}")))?;
        let profile: AgentPoolUpgradeProfile = serde_json::from_value(profile.ok_or_else(not_found)?)
            .map_err(|e| Error::runtime(format!("unexpected upgradeProfile document: {e}")))?;
        Ok((p, profile.properties.latest_node_image_version))
    }
}

/// How many times one write plans again after someone else's write or operation got in between.
pub(crate) const REPLANS: u32 = 8;
