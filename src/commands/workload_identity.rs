//! `kvwire workload-identity`: OIDC issuer + workload identity on the cluster, a user-assigned
//! identity, and one federated credential for NAMESPACE/SERVICE_ACCOUNT.

use crate::azure::cluster::ClusterRef;
use crate::azure::identity::IdentityRef;
use crate::{
    cli::WorkloadIdentityArgs,
    error::{ExitStatus, Result},
    plan::{self, Plan},
    settings::Settings,
    steps::{
        cluster::ClusterUpdate,
        identity::{Binding, FederatedCredential, Identity},
    },
};
use std::sync::Arc;

pub(crate) async fn run(args: &WorkloadIdentityArgs, s: &Settings) -> Result<ExitStatus> {
    let az = Arc::new(s.connect_waiting(!args.no_wait).await?);
    let (rg, name) = (&args.cluster.resource_group, &args.cluster.name);
    let cluster = ClusterRef::new(az, rg, name);
    let identity = IdentityRef {
        cluster: cluster.clone(),
        rg: args.identity_resource_group.clone().unwrap_or_else(|| rg.clone()),
        name: args.identity.clone(),
    };
    let mut p = Plan::new();
    let features = p.add(
        Box::new(ClusterUpdate {
            cluster,
            managed_identity: None,
            workload_identity: true,
            csi_driver: None,
            node_images_follow: false,
            acr: Default::default(),
            addons: Default::default(),
        }),
        &[],
    );
    let created = p.add(
        Box::new(Identity {
            shared_in_run: false,
            identity: identity.clone(),
            claim: None,
            adopt: false,
        }),
        &[],
    );
    p.add(
        Box::new(FederatedCredential {
            identity,
            binding: Binding {
                namespace: args.namespace.clone(),
                service_account: args.service_account.clone(),
                credential: args.credential_name.clone(),
            },
            overwrite: args.overwrite,
            wait: args.principal_wait.duration(),
        }),
        &[features, created],
    );
    let mut opts = s.run_options("workload-identity", 1, "the same command without --dry-run")?;
    opts.no_wait = args.no_wait;
    opts.wait_hint = format!("kvwire wait -g {rg} -n {name}");
    plan::run(p, &opts).await
}
