//! `kvwire nodepool upgrade-image`: POST upgradeNodeImageVersion (a long-running operation) for
//! each pool that needs it, several pools at once.

use crate::{
    arm::{
        OnStatus, api,
        models::{AgentPool, AgentPoolUpgradeProfile},
    },
    cli::{GlobalArgs, UpgradeImageArgs},
    context::{Azure, run_options},
    error::{Error, Result},
    output::Ui,
    plan::{self, Action, FieldChange, Planned, Step},
};
use serde_json::json;
use std::sync::Arc;

const ACTION: &str = "Microsoft.ContainerService/managedClusters/agentPools/upgradeNodeImageVersion";

pub async fn run(az: Arc<Azure>, args: &UpgradeImageArgs, g: &GlobalArgs, ui: &Ui) -> Result<u8> {
    let rg = &args.cluster.resource_group;
    let cluster = &args.cluster.name;
    let pools_path = format!("{}/agentPools", az.cluster_path(rg, cluster));
    let names: Vec<String> = if args.all {
        let pools = az
            .arm
            .list(&pools_path, api::CONTAINER_SERVICE)
            .await
            .map_err(|e| match e {
                Error::Arm(a) if a.is_not_found() => Error::runtime(format!(
                    "cluster {rg}/{cluster} was not found in subscription {}",
                    az.subscription
                )),
                other => other,
            })?;
        let mut names: Vec<String> = pools
            .iter()
            .filter_map(|p| p["name"].as_str().map(str::to_owned))
            .collect();
        names.sort();
        names
    } else {
        vec![args.nodepool.clone().expect("clap requires --nodepool or --all")]
    };
    let steps: Vec<Box<dyn Step>> = names
        .into_iter()
        .map(|pool| {
            Box::new(UpgradeNodeImage {
                address: format!("nodepool {rg}/{cluster}/{pool}"),
                path: format!("{pools_path}/{pool}"),
                az: az.clone(),
                force: args.force,
            }) as Box<dyn Step>
        })
        .collect();
    let opts = run_options(g, "nodepool upgrade-image", ui, args.parallel as usize)?;
    plan::run(steps, &opts, ui).await
}

struct UpgradeNodeImage {
    az: Arc<Azure>,
    /// The agent pool's resource path.
    path: String,
    address: String,
    force: bool,
}

impl UpgradeNodeImage {
    /// The pool and the newest node image it could run.
    async fn observe(&self) -> Result<(AgentPool, Option<String>)> {
        let pool = self
            .az
            .arm
            .get_opt(&self.path, api::CONTAINER_SERVICE)
            .await?
            .ok_or_else(|| {
                Error::runtime(format!(
                    "{} was not found (list the pools with `az aks nodepool list`)",
                    self.address
                ))
            })?;
        let pool: AgentPool =
            serde_json::from_value(pool).map_err(|e| Error::runtime(format!("unexpected agentPool document: {e}")))?;
        let profile = self
            .az
            .arm
            .get(
                &format!("{}/upgradeProfiles/default", self.path),
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
    async fn plan(&mut self) -> Result<Planned> {
        let (pool, latest) = self.observe().await?;
        let current = pool.properties.node_image_version.clone();
        let state = pool.properties.provisioning_state.clone().unwrap_or_default();
        if state.eq_ignore_ascii_case("UpgradingNodeImageVersion") {
            return Ok(Planned::no_op(
                &self.address,
                ACTION,
                "a node image upgrade is already in progress",
            ));
        }
        let outdated = latest.is_some() && latest != current;
        if !outdated && !self.force {
            return Ok(Planned::no_op(
                &self.address,
                ACTION,
                format!("node image {} is the latest", current.as_deref().unwrap_or("(unknown)")),
            ));
        }
        let reason = if outdated {
            "a newer node image is available"
        } else {
            "--force: re-image with the current node image"
        };
        Ok(Planned {
            address: self.address.clone(),
            resource_type: ACTION.into(),
            action: Action::Run,
            reason: Some(reason.into()),
            changes: vec![FieldChange::set(
                "properties.nodeImageVersion",
                Some(json!(current)),
                json!(latest.or(current)),
            )],
            warnings: vec![],
            held: None,
        })
    }

    async fn apply(&mut self, on: OnStatus<'_>) -> Result<()> {
        on("requesting upgrade");
        self.az
            .arm
            .post(
                &format!("{}/upgradeNodeImageVersion", self.path),
                api::CONTAINER_SERVICE,
                None,
                on,
            )
            .await?;
        Ok(())
    }

    /// Done when the pool runs the latest image and is not mid-operation (also right after --force).
    async fn verify(&mut self) -> Result<()> {
        let (pool, latest) = self.observe().await?;
        let state = pool.properties.provisioning_state.unwrap_or_default();
        if latest.is_some() && pool.properties.node_image_version != latest {
            return Err(Error::runtime(format!(
                "verification failed for {}: node image is {:?}, expected {:?}",
                self.address, pool.properties.node_image_version, latest
            )));
        }
        if !state.is_empty() && !state.eq_ignore_ascii_case("Succeeded") {
            return Err(Error::runtime(format!(
                "verification failed for {}: provisioningState is {state}",
                self.address
            )));
        }
        Ok(())
    }
}
