//! `kvwire init`: a commented runbook for one cluster and one vault, pre-filled from the flags and,
//! unless `--offline`, from what Azure says about them (service principal or managed identity,
//! OIDC issuer, node pools, the vault's resource group and permission model).

use crate::{
    azure::vault::Vault,
    cli::{InitArgs, InitMode},
    error::{Error, ExitStatus, Result},
    settings::Settings,
    steps::identity::{Binding, MAX_CREDENTIALS, binding_fits, credentials_after},
    util::fs as write,
};

/// What Azure said, as comments for the runbook.
#[derive(Default)]
struct Observed {
    cluster: Vec<String>,
    vault: Vec<String>,
    vault_rg: Option<String>,
    /// The identity's federated credentials, when it exists: (how many once this service account
    /// has its own, whether an identity binding still fits).
    credentials: Option<(usize, usize, bool)>,
}

pub(crate) async fn run(args: &InitArgs, s: &Settings) -> Result<ExitStatus> {
    // Refuse before any request: never overwrite a runbook by accident.
    if let Some(f) = &args.file
        && f.exists()
        && !args.force
    {
        return Err(Error::usage(format!(
            "--file {}: exists; pass --force to overwrite it",
            f.display()
        )));
    }
    if let Some(f) = &args.file {
        // --force replaces a file, never what a link points to: refused before any request.
        write::check_target(f).map_err(|e| e.into_error("--file", Error::usage))?;
    }
    let observed = if args.offline {
        Observed::default()
    } else {
        observe(args, s).await?
    };
    let text = render(args, &observed);
    crate::runbook::parse(&text, std::path::Path::new("init.toml"))
        .map_err(|e| Error::runtime(format!("kvwire init produced an invalid runbook (a bug): {e}")))?;
    match &args.file {
        Some(f) => {
            write::write_atomic(f, text.as_bytes(), write::Access::Umask)
                .map_err(|e| e.into_error("--file", Error::usage))?;
            eprintln!("wrote {}; next: kvwire plan -f {}", f.display(), f.display());
        }
        // Comments quote Azure; the TOML parse above already refused C0 controls and DEL.
        None => crate::ui::stdout::write(crate::util::text::printable(&text).as_bytes()),
    }
    Ok(ExitStatus::Success)
}

async fn observe(args: &InitArgs, s: &Settings) -> Result<Observed> {
    let az = s.connect().await?;
    let (rg, name) = (&args.cluster.resource_group, &args.cluster.name);
    let (_, mc) = az.cluster(rg, name).await?;
    let mut o = Observed::default();
    if mc.uses_service_principal() {
        o.cluster
            .push("uses a service principal today: `up` switches it to a system-assigned managed identity".into());
        let pools: Vec<&str> = mc
            .properties
            .agent_pool_profiles
            .iter()
            .filter_map(|p| p.name.as_deref())
            .collect();
        o.cluster.push(format!(
            "then re-images its node pools ({}) so the kubelet follows; each re-image drains the pool's nodes",
            pools.join(", ")
        ));
    } else {
        o.cluster.push(format!(
            "uses a {} managed identity",
            mc.identity_type().unwrap_or("managed")
        ));
    }
    let oidc = mc
        .properties
        .oidc_issuer_profile
        .as_ref()
        .and_then(|p| p.enabled)
        .unwrap_or(false);
    o.cluster.push(if oidc {
        "OIDC issuer: enabled".into()
    } else {
        "OIDC issuer: not enabled yet (workload-identity mode turns it on)".into()
    });
    let v = Vault::find(&az, &args.vault, args.vault_resource_group.as_deref()).await?;
    if args.mode == InitMode::WorkloadIdentity {
        let identity = az.identity_id(rg, &identity_name(args));
        o.credentials = match crate::azure::identity::credentials_of(&az, &identity).await {
            Ok(list) if list.is_empty() => None,
            Ok(list) => {
                let me = Binding {
                    namespace: args.namespace.clone(),
                    service_account: args.service_account.clone(),
                    credential: None,
                };
                let after = credentials_after(&list, &[me], mc.oidc_issuer());
                Some((list.len(), after, binding_fits(&list)))
            }
            Err(e) => return Err(e),
        };
    }
    o.vault_rg = Some(v.resource_group.clone());
    o.vault.push(if v.rbac {
        "uses Azure RBAC: access is a Key Vault Secrets User role assignment".into()
    } else {
        "uses access policies (legacy): access is `get` on secrets through accessPolicies/add".into()
    });
    Ok(o)
}

fn comments(lines: &[String]) -> String {
    lines.iter().map(|l| format!("# {l}\n")).collect()
}

fn render(args: &InitArgs, o: &Observed) -> String {
    let (rg, cluster) = (&args.cluster.resource_group, &args.cluster.name);
    let vault_rg = args.vault_resource_group.clone().or_else(|| o.vault_rg.clone());
    let vault_rg_line = match vault_rg {
        Some(r) => format!("resource_group = \"{r}\"\n"),
        None => "# resource_group = \"...\"     # optional: else found anywhere in the subscription\n".into(),
    };
    let identity = match args.mode {
        InitMode::WorkloadIdentity => {
            let id = identity_name(args);
            // One more credential would pass Azure's 20: one identity binding instead.
            let mode = match o.credentials {
                Some((n, after, true)) if after > MAX_CREDENTIALS => format!(
                    "mode = \"identity-binding\"       # {id} holds {n} federated credentials already, the most Azure allows is {MAX_CREDENTIALS}: an AKS identity binding instead"
                ),
                Some((n, after, false)) if after > MAX_CREDENTIALS => format!(
                    "mode = \"workload-identity\"     # {id} holds {n} federated credentials, the most Azure allows ({MAX_CREDENTIALS}), and none is AKS's: remove one it no longer needs, or name another identity"
                ),
                _ => "mode = \"workload-identity\"     # a user-assigned identity federated with the app's service account".into(),
            };
            format!(
                "[identity]\n{mode}\nname = \"{id}\"                  # created, or adopted when it exists\n\n[[service_accounts]]             # one federated credential each (at most 20 per identity)\nnamespace = \"{ns}\"\nname = \"{sa}\"\n",
                ns = args.namespace,
                sa = args.service_account
            )
        }
        InitMode::Kubelet => {
            "[identity]\nmode = \"kubelet\"               # every pod on the nodes reads through the kubelet identity\n"
                .into()
        }
    };
    let manifests_ns = match args.mode {
        InitMode::Kubelet => format!("namespace = \"{}\"\n", args.namespace),
        InitMode::WorkloadIdentity => String::new(),
    };
    format!(
        "# kvwire runbook for {rg}/{cluster} and vault {vault}, written by `kvwire init`.\n\
         #   kvwire plan -f THIS_FILE     what would change (reads only)\n\
         #   kvwire up -f THIS_FILE       apply it; running it again changes nothing\n\
         #   kvwire verify -f THIS_FILE   check it end to end\n\
         # docs/runbook.md describes every key.\n\n\
         name = \"{runbook_name}\"   # recorded on shared resources: `down` keeps what other runbooks use\n\n\
         [cluster]\n{cluster_notes}resource_group = \"{rg}\"\nname = \"{cluster}\"\n\
         managed_identity = true         # switch a service-principal cluster to a managed identity\n\
         upgrade_node_images = true      # re-image pools when needed, always after that switch\n\n\
         [vault]\n{vault_notes}name = \"{vault}\"\n{vault_rg_line}\n\
         {identity}\n\
         [secrets]\n\
         source = \"env\"                  # DB_HOST, DB_NAME, DB_USERNAME, DB_PASSWORD from the environment\n\
         # source = \"file\"               # or KEY=value lines from a file kept out of version control\n\
         # file = \"db.env\"\n\
         # map = {{ DB_PASSWORD = \"db-password\" }}   # default: the four DB values\n\n\
         [manifests]\n\
         out_dir = \"k8s\"                 # SecretProviderClass, ServiceAccount (and Deployment) written here\n\
         {manifests_ns}\
         # deployment = \"{sa}\"           # with image: a Deployment that mounts the secrets\n\
         # image = \"REGISTRY/IMAGE:TAG\"\n",
        vault = args.vault,
        sa = args.service_account,
        runbook_name = runbook_name(&args.namespace, &args.service_account),
        cluster_notes = comments(&o.cluster),
        vault_notes = comments(&o.vault),
    )
}

/// A runbook name for one app: its namespace and service account, lower-cased, other characters
/// as hyphens (`shop`, `checkout` → `shop-checkout-1a2b3c`).
///
/// A short digest of the pair ends it: `a-b`/`c` and `a`/`b-c` would otherwise both read `a-b-c`.
fn runbook_name(namespace: &str, service_account: &str) -> String {
    crate::runbook::digested_name(
        &format!("{namespace}-{service_account}"),
        &format!("{namespace}/{service_account}"),
    )
}

/// The identity `init` names: `--identity`, else `id-SERVICE_ACCOUNT`.
fn identity_name(args: &InitArgs) -> String {
    args.identity
        .clone()
        .unwrap_or_else(|| format!("id-{}", args.service_account.replace('.', "-")))
}
