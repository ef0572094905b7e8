//! `kvwire workload-identity`: OIDC issuer + workload identity on the cluster, a user-assigned
//! identity, and one federated credential for NAMESPACE/SERVICE_ACCOUNT — or, with `--binding`,
//! one AKS identity binding instead.

use crate::azure::binding::BindingRef;
use crate::azure::cluster::ClusterRef;
use crate::azure::identity::IdentityRef;
use crate::plan::RunSpec;
use crate::{
    cli::WorkloadIdentityArgs,
    error::{ExitStatus, Result},
    plan::{self, Plan},
    settings::Settings,
    steps::{
        binding::IdentityBinding,
        cluster::ClusterUpdate,
        identity::{Binding, FederatedCredential, Identity},
    },
};
use std::sync::Arc;

pub(crate) async fn run(args: &WorkloadIdentityArgs, s: &Settings) -> Result<ExitStatus> {
    let az = Arc::new(s.connect_waiting(!args.wait.no_wait).await?);
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
    if args.binding {
        let name = args
            .binding_name
            .clone()
            .unwrap_or_else(|| crate::model::names::default_binding_name(&args.identity));
        p.add(
            Box::new(IdentityBinding {
                binding: BindingRef {
                    cluster: identity.cluster.clone(),
                    name,
                },
                notes: vec![format!(
                    "service account {ns}/{sa} may use the identity once Kubernetes RBAC lets it: `kvwire manifests --mode identity-binding --vault VAULT --identity {id} --namespace {ns} --service-account {sa}` writes that ClusterRole and ClusterRoleBinding",
                    ns = args.namespace,
                    sa = args.service_account,
                    id = args.identity
                )],
                identity,
                workloads: vec![],
            }),
            &[features, created],
        );
    } else {
        let binding = Binding {
            namespace: args.namespace.clone(),
            service_account: args.service_account.clone(),
            credential: args.credential_name.clone(),
        };
        p.add(
            Box::new(FederatedCredential {
                identity,
                siblings: Arc::new(vec![binding.clone()]),
                workloads: vec![],
                binding,
                overwrite: args.overwrite,
                wait: args.principal_wait.duration(),
            }),
            &[features, created],
        );
    }
    let opts = s.run_options(RunSpec {
        parallel: 1,
        apply_hint: "the same command without --dry-run".into(),
        no_wait: args.wait.no_wait,
        wait_hint: Some(format!("kvwire wait -g {rg} -n {name}")),
        ..RunSpec::default()
    })?;
    plan::run(p, &opts).await
}
