//! `kvwire cluster enable-csi-driver`: the Secrets Store CSI driver add-on, with its rotation.

use crate::azure::cluster::ClusterRef;
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
    let az = Arc::new(s.connect_waiting(!args.no_wait).await?);
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
    let mut opts = s.run_options(
        "cluster enable-csi-driver",
        1,
        format!("kvwire cluster enable-csi-driver -g {rg} -n {name}"),
    )?;
    opts.no_wait = args.no_wait;
    opts.wait_hint = format!("kvwire wait -g {rg} -n {name}");
    plan::run(p, &opts).await
}
