//! `kvwire grant`: least-privilege access to a vault's secrets (a role assignment, or an access
//! policy on vaults that use them).

use crate::azure::principal::Principal;
use crate::plan::RunSpec;
use crate::{
    azure::vault::Vault,
    cli::GrantArgs,
    error::{Error, ExitStatus, Result},
    model::grant::GrantTarget,
    plan::{self, Plan},
    settings::Settings,
    steps::access::{GrantSpec, grant_step},
};
use std::sync::Arc;

pub(crate) async fn run(args: &GrantArgs, s: &Settings) -> Result<ExitStatus> {
    let principal = principal_from(args)?;
    let spec = GrantSpec {
        role: args.role.clone(),
        scope: args.scope.clone(),
        allow_list: args.allow_list,
        allow_broad: args.allow_broad,
        principal_wait: args.principal_wait.duration(),
        claim: None,
        adopt: false,
    };
    spec.check_offline(&principal)?;
    let az = Arc::new(s.connect().await?);
    spec.check(&az, &principal).await?;
    let vault = Vault::find(&az, &args.vault, args.resource_group.as_deref()).await?;
    // On its own, grant needs the principal to exist already.
    let label = principal.label();
    let object_id = principal.require(&az).await?;
    let principal = Principal::Known {
        object_id,
        kind: principal.kind(),
    };
    let mut p = Plan::new();
    p.add(grant_step(az, vault, principal, &spec, Some(label))?, &[]);
    let opts = s.run_options(RunSpec {
        parallel: 1,
        apply_hint: "the same command without --dry-run".into(),
        ..RunSpec::default()
    })?;
    plan::run(p, &opts).await
}

fn principal_from(args: &GrantArgs) -> Result<Principal> {
    let rg_for = |rg: &Option<String>, what: &str| {
        rg.clone().or_else(|| args.resource_group.clone()).ok_or_else(|| {
            Error::usage(format!(
                "--to {what}: give the resource group as {what}RG/NAME or with -g"
            ))
        })
    };
    Ok(match &args.to {
        GrantTarget::Kubelet(rg, cluster) => Principal::Kubelet {
            rg: rg_for(rg, "kubelet:")?,
            cluster: cluster.clone(),
        },
        GrantTarget::Addon(rg, cluster) => Principal::Addon {
            rg: rg_for(rg, "addon:")?,
            cluster: cluster.clone(),
        },
        GrantTarget::Identity(rg, name) => Principal::Identity {
            rg: rg_for(rg, "identity:")?,
            name: name.clone(),
        },
        GrantTarget::Principal(oid) => Principal::Known {
            object_id: oid.clone(),
            kind: args.principal_type.as_arm(),
        },
    })
}
