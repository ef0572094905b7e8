//! `kvwire nodepool upgrade-image`: POST upgradeNodeImageVersion (a long-running operation) for
//! each pool that needs it, several pools at once.

use crate::{
    azure::arm::{
        OnStatus, api,
        models::{AgentPool, AgentPoolUpgradeProfile, KUBELET_MIGRATION_TAG},
    },
    cli::{GlobalArgs, UpgradeImageArgs},
    azure::context::{Azure, run_options},
    error::{Error, Result},
    ui::output::Ui,
    plan::{self, Action, FieldChange, Planned, Step},
};
use serde_json::json;
use std::sync::Arc;

const ACTION: &str = "Microsoft.ContainerService/managedClusters/agentPools/upgradeNodeImageVersion";

pub async fn run(az: Arc<Azure>, args: &UpgradeImageArgs, g: &GlobalArgs, ui: &Ui) -> Result<u8> {
    let pool = if args.all { None } else { args.nodepool.clone() };
    let steps = steps(
        az,
        &args.cluster.resource_group,
        &args.cluster.name,
        pool,
        args.force,
        false,
    )
    .await?;
    let opts = run_options(g, "nodepool upgrade-image", ui, args.parallel as usize)?;
    plan::run(steps, &opts, ui).await
}

/// One upgrade step per pool (`None` = every pool); with every pool, a last step (phase 1) that
/// clears the kubelet-migration tag once all of them are re-imaged.
pub async fn steps(
    az: Arc<Azure>,
    rg: &str,
    cluster: &str,
    pool: Option<String>,
    force: bool,
    after_switch: bool,
) -> Result<Vec<Box<dyn Step>>> {
    let pools_path = format!("{}/agentPools", az.cluster_path(rg, cluster));
    let all = pool.is_none();
    let names: Vec<String> = match pool {
        Some(p) => vec![p],
        None => {
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
        }
    };
    let mut steps: Vec<Box<dyn Step>> = names
        .iter()
        .map(|pool| {
            Box::new(UpgradeNodeImage {
                address: format!("nodepool {rg}/{cluster}/{pool}"),
                path: format!("{pools_path}/{pool}"),
                rg: rg.to_string(),
                cluster: cluster.to_string(),
                az: az.clone(),
                force,
                after_switch,
            }) as Box<dyn Step>
        })
        .collect();
    if all {
        steps.push(Box::new(ClearMigrationTag {
            az,
            after_switch,
            rg: rg.into(),
            cluster: cluster.into(),
            pools: names,
        }));
    }
    Ok(steps)
}

struct UpgradeNodeImage {
    az: Arc<Azure>,
    rg: String,
    cluster: String,
    /// Part of a run that also switches the cluster to managed identity (a runbook).
    after_switch: bool,
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
        let (_, mc) = self.az.cluster(&self.rg, &self.cluster).await?;
        // The kubelet moves to its managed identity only when the nodes are re-imaged.
        let kubelet_moving = mc.kubelet_migration_pending() || (self.after_switch && mc.uses_service_principal());
        if !outdated && !self.force && !kubelet_moving {
            return Ok(Planned::no_op(
                &self.address,
                ACTION,
                format!("node image {} is the latest", current.as_deref().unwrap_or("(unknown)")),
            ));
        }
        let reason = if kubelet_moving {
            "the kubelet still uses the service principal until its nodes are re-imaged"
        } else if outdated {
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

/// Removes the kubelet-migration tag once every pool runs a re-imaged node image.
struct ClearMigrationTag {
    az: Arc<Azure>,
    after_switch: bool,
    rg: String,
    cluster: String,
    pools: Vec<String>,
}

#[async_trait::async_trait]
impl Step for ClearMigrationTag {
    async fn plan(&mut self) -> Result<Planned> {
        let address = format!("cluster {}/{}", self.rg, self.cluster);
        let kind = "Microsoft.ContainerService/managedClusters";
        let (_, mc) = self.az.cluster(&self.rg, &self.cluster).await?;
        if !mc.kubelet_migration_pending() && !mc.uses_service_principal() {
            return Ok(Planned::no_op(address, kind, "no kubelet migration pending"));
        }
        if mc.uses_service_principal() && !mc.kubelet_migration_pending() && !self.after_switch {
            return Ok(Planned::no_op(
                address,
                kind,
                "the cluster still uses a service principal",
            ));
        }
        Ok(Planned {
            address,
            resource_type: kind.into(),
            action: Action::Update,
            reason: Some("once every pool is re-imaged the kubelet runs on its managed identity".into()),
            changes: vec![FieldChange {
                path: format!("tags.{KUBELET_MIGRATION_TAG}"),
                before: Some(json!("pending")),
                after: crate::plan::After::Value(serde_json::Value::Null),
            }],
            warnings: vec![],
            held: None,
        })
    }

    async fn apply(&mut self, on: OnStatus<'_>) -> Result<()> {
        let path = self.az.cluster_path(&self.rg, &self.cluster);
        for pool in &self.pools {
            let p = self
                .az
                .arm
                .get(&format!("{path}/agentPools/{pool}"), api::CONTAINER_SERVICE)
                .await?;
            let state = p
                .pointer("/properties/provisioningState")
                .and_then(serde_json::Value::as_str)
                .unwrap_or("");
            if !state.eq_ignore_ascii_case("Succeeded") {
                return Err(Error::runtime(format!(
                    "node pool {pool} is {state}: the kubelet migration is finished only when every pool is re-imaged; run again later"
                )));
            }
        }
        let (doc, _) = self.az.cluster(&self.rg, &self.cluster).await?;
        let mut tags = doc["tags"].as_object().cloned().unwrap_or_default();
        tags.remove(KUBELET_MIGRATION_TAG);
        self.az
            .arm
            .patch(&path, api::CONTAINER_SERVICE, &json!({"tags": tags}), on)
            .await?;
        Ok(())
    }

    fn phase(&self) -> u16 {
        1
    }
}
