//! `kvwire nodepool upgrade-image`: re-image the pools that need it, several at once.

use crate::azure::cluster::ClusterRef;
use crate::plan::RunSpec;
use crate::{
    cli::UpgradeImageArgs,
    error::{ExitStatus, Result},
    plan::{self, Plan},
    settings::Settings,
    steps::nodepool::UpgradeNodeImage,
};
use std::sync::Arc;

pub(crate) async fn run(args: &UpgradeImageArgs, s: &Settings) -> Result<ExitStatus> {
    let az = Arc::new(s.connect_waiting(!args.wait.no_wait).await?);
    let (rg, name) = (&args.cluster.resource_group, &args.cluster.name);
    let cluster = ClusterRef::new(az, rg, name);
    let pools = match (&args.nodepool, args.all) {
        (Some(p), false) => vec![p.clone()],
        _ => cluster.pool_names().await?,
    };
    let mut p = Plan::new();
    for pool in &pools {
        p.add(
            Box::new(UpgradeNodeImage {
                cluster: cluster.clone(),
                pool: pool.clone(),
                force: args.force,
                after_switch: false,
                only_for_kubelet: false,
            }),
            &[],
        );
    }
    let which = if args.all {
        "--all".to_string()
    } else {
        format!("--nodepool {}", args.nodepool.as_deref().unwrap_or_default())
    };
    let opts = s.run_options(RunSpec {
        parallel: args.parallel as usize,
        // `--parallel` is the user's bound on pools re-imaging at once (capacity): it holds.
        operations: Some(args.parallel as usize),
        apply_hint: format!("kvwire nodepool upgrade-image -g {rg} --cluster {name} {which}"),
        no_wait: args.wait.no_wait,
        wait_hint: Some(format!("kvwire wait -g {rg} -n {name}")),
        ..RunSpec::default()
    })?;
    plan::run(p, &opts).await
}
