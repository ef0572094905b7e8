//! `kvwire cluster enable-managed-identity`: move the control plane off its service principal.

use crate::{
    cli::EnableManagedIdentityArgs,
    error::{ExitStatus, Result},
    plan::{self, Plan},
    settings::Settings,
    steps::cluster::{ClusterRef, ClusterUpdate},
};
use std::sync::Arc;

pub async fn run(args: &EnableManagedIdentityArgs, s: &Settings) -> Result<ExitStatus> {
    let az = Arc::new(s.connect_waiting(!args.no_wait).await?);
    let (rg, name) = (&args.cluster.resource_group, &args.cluster.name);
    let mut p = Plan::new();
    p.add(
        Box::new(ClusterUpdate {
            cluster: ClusterRef::new(az, rg, name),
            managed_identity: Some(args.assign_identity.clone()),
            workload_identity: false,
            csi_driver: None,
            node_images_follow: false,
        }),
        &[],
    );
    let mut opts = s.run_options(
        "cluster enable-managed-identity",
        1,
        format!("kvwire cluster enable-managed-identity -g {rg} -n {name}"),
    )?;
    opts.no_wait = args.no_wait;
    opts.wait_hint = format!("kvwire wait -g {rg} -n {name}");
    plan::run(p, &opts, &s.ui).await
}
