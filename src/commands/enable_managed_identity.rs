//! `kvwire cluster enable-managed-identity`: move the control plane off its service principal,
//! and carry the service principal's AcrPull over to the kubelet identity.

use crate::azure::cluster::ClusterRef;
use crate::plan::RunSpec;
use crate::{
    cli::EnableManagedIdentityArgs,
    error::{ExitStatus, Result},
    plan::{self, Plan},
    settings::Settings,
    steps::{access::PRINCIPAL_WAIT, acr::AcrRegrant, addons::AddonGrants, cluster::ClusterUpdate},
};
use std::sync::Arc;

pub(crate) async fn run(args: &EnableManagedIdentityArgs, s: &Settings) -> Result<ExitStatus> {
    let az = Arc::new(s.connect_waiting(!args.wait.no_wait).await?);
    let (rg, name) = (&args.cluster.resource_group, &args.cluster.name);
    let cluster = ClusterRef::new(az.clone(), rg, name);
    // One observation for building the plan and for its steps: the cluster and Graph are read once.
    let observation = crate::util::observation::Observation::default();
    let (_, mc) = observation.run(cluster.read()).await?;
    let mut acr = observation
        .run(AcrRegrant::find(
            &cluster,
            &mc,
            &args.acr,
            "named with --acr",
            !args.no_regrant_acr,
        ))
        .await?;
    // What az re-creates for the add-ons after the switch: only for a cluster this run switches,
    // or one kvwire switched (a re-run, a resume).
    let addons = if mc.uses_service_principal() || mc.switched_by_kvwire() {
        AddonGrants::find(&mc, &cluster.id(), az.cloud.is_national())
    } else {
        AddonGrants::default()
    };
    if args.wait.no_wait && !acr.registries.is_empty() {
        // The kubelet identity exists once the switch is done; a later run grants (it finds the
        // registries again through the tag the switch leaves).
        acr.notes.push(format!(
            "--no-wait: AcrPull for the kubelet on {} registr{} is granted by the next run of this command",
            acr.registries.len(),
            if acr.registries.len() == 1 { "y" } else { "ies" }
        ));
    }
    let grant_now = !args.wait.no_wait;
    let mut p = Plan::new();
    let update = p.add(
        Box::new(ClusterUpdate {
            cluster: cluster.clone(),
            managed_identity: Some(args.assign_identity.clone()),
            workload_identity: false,
            csi_driver: None,
            node_images_follow: false,
            acr: acr.clone(),
            addons: addons.clone(),
        }),
        &[],
    );
    if grant_now {
        acr.add_steps(&mut p, &cluster, &[update], PRINCIPAL_WAIT);
        addons.add_steps(&mut p, &cluster, &[update], PRINCIPAL_WAIT);
    }
    let opts = s.run_options(RunSpec {
        parallel: 1,
        apply_hint: format!("kvwire cluster enable-managed-identity -g {rg} -n {name}"),
        no_wait: args.wait.no_wait,
        wait_hint: Some(format!("kvwire wait -g {rg} -n {name}")),
        ..RunSpec::default()
    })?;
    plan::run_in(observation, p, &opts).await
}
