//! `kvwire cluster enable-csi-driver`: the Secrets Store CSI driver add-on, with its rotation.

use crate::azure::cluster::ClusterRef;
use crate::plan::RunSpec;
use crate::{
    cli::EnableCsiDriverArgs,
    error::{ExitStatus, Result},
    model::csi::CsiDriver,
    plan::{self, Plan},
    settings::Settings,
    steps::cluster::ClusterUpdate,
};
use std::sync::Arc;

pub(crate) async fn run(args: &EnableCsiDriverArgs, s: &Settings) -> Result<ExitStatus> {
    let az = Arc::new(s.connect_waiting(!args.wait.no_wait).await?);
    let (rg, name) = (&args.cluster.resource_group, &args.cluster.name);
    let mut p = Plan::new();
    p.add(
        Box::new(ClusterUpdate {
            cluster: ClusterRef::new(az, rg, name),
            managed_identity: None,
            workload_identity: false,
            csi_driver: Some(CsiDriver {
                rotation: match (args.rotation, args.no_rotation) {
                    (true, _) => Some(true),
                    (_, true) => Some(false),
                    _ => None,
                },
                rotation_poll_interval: args.rotation_poll_interval.clone(),
            }),
            node_images_follow: false,
            acr: Default::default(),
            addons: Default::default(),
        }),
        &[],
    );
    let opts = s.run_options(RunSpec {
        parallel: 1,
        apply_hint: format!("kvwire cluster enable-csi-driver -g {rg} -n {name}"),
        no_wait: args.wait.no_wait,
        wait_hint: Some(format!("kvwire wait -g {rg} -n {name}")),
        ..RunSpec::default()
    })?;
    plan::run(p, &opts).await
}
