//! `kvwire manifests`: the Kubernetes side — SecretProviderClass, ServiceAccount, Deployment —
//! with every ID read from Azure (or, with --offline, from flags), never guessed.

use crate::{
    azure::vault::Vault,
    cli::ManifestsArgs,
    error::{Error, ExitStatus, Result},
    k8s::manifests::{Config, Resolved, build, files},
    model::PodIdentity,
    settings::Settings,
    ui::output::{OutputFormat, to_yaml},
    util::fs as write,
};
use serde_json::json;

fn config(a: &ManifestsArgs) -> Config {
    Config {
        namespace: a.namespace.clone(),
        mode: a.mode,
        consumer: a.consumer,
        secrets: if a.secrets.is_empty() {
            Config::default_secrets()
        } else {
            a.secrets.clone()
        },
        sync_secret: a.sync_as_k8s_secret.clone(),
        deployment: a.deployment.clone().zip(a.image.clone()),
        service_account: a.service_account.clone(),
        name: a.spc_name.clone(),
        bound: vec![],
        owner: None,
    }
}

pub(crate) async fn run(args: &ManifestsArgs, s: &Settings) -> Result<ExitStatus> {
    if let Some(name) = &args.renamed_name {
        return Err(Error::usage(format!(
            "--name is now --spc-name (the SecretProviderClass's name): --spc-name {name}; the cluster is --cluster"
        )));
    }
    let ui = &s.ui;
    let resolved = if args.offline {
        offline(args, s)?
    } else {
        online(args, s).await?
    };
    let docs = build(&config(args), &resolved)?;
    if let Some(dir) = &args.out_dir {
        let files = files(&docs);
        // Every target checked before the first write: a refusal leaves nothing half-written.
        for (name, _) in &files {
            write::check_target(&dir.join(name)).map_err(|e| e.into_error("--out-dir", Error::usage))?;
        }
        std::fs::create_dir_all(dir).map_err(|e| Error::usage(format!("--out-dir {}: {e}", dir.display())))?;
        for (name, text) in files {
            let file = dir.join(name);
            write::write_atomic(&file, text.as_bytes(), write::Access::Umask)
                .map_err(|e| e.into_error("--out-dir", Error::runtime))?;
            if !ui.quiet {
                ui.eprint(&format!("wrote {}\n", file.display()));
            }
        }
        return Ok(ExitStatus::Success);
    }
    // Manifests are YAML even when piped; only an explicit -o json gives a List document.
    match s.output {
        Some(OutputFormat::Json) => ui.print_document(&json!({"apiVersion": "v1", "kind": "List", "items": docs})),
        Some(OutputFormat::Env) => {
            return Err(Error::usage(
                "-o env does not fit manifests: use yaml (default) or json",
            ));
        }
        _ => {
            let texts: Vec<String> = docs.iter().map(to_yaml).collect();
            ui.print(&texts.join("---\n"));
        }
    }
    Ok(ExitStatus::Success)
}

fn offline(args: &ManifestsArgs, s: &Settings) -> Result<Resolved> {
    let tenant_id = args
        .tenant_id
        .clone()
        .ok_or_else(|| Error::usage("--offline needs --tenant-id (the vault's tenant)"))?;
    let needs_client = matches!(
        args.mode,
        PodIdentity::WorkloadIdentity
            | PodIdentity::IdentityBinding
            | PodIdentity::Kubelet
            | PodIdentity::AddonIdentity
    );
    if needs_client && args.client_id.is_none() {
        return Err(Error::usage(
            "--offline with this --mode needs --client-id (the identity the pods use)",
        ));
    }
    let keyvault_name = args.vault.rsplit('/').next().unwrap_or(&args.vault).to_string();
    Ok(Resolved {
        // A vault's DNS name is its name under the cloud's Key Vault suffix.
        vault_uri: format!("https://{keyvault_name}.{}/", s.azure.cloud.keyvault_dns_suffix),
        keyvault_name,
        tenant_id,
        client_id: args.client_id.clone(),
        cloud: s.azure.cloud.clone(),
    })
}

async fn online(args: &ManifestsArgs, s: &Settings) -> Result<Resolved> {
    let rg_for = |what: &str| {
        args.identity_resource_group
            .clone()
            .or(args.resource_group.clone())
            .ok_or_else(|| {
                Error::usage(format!(
                    "{what} needs a resource group: pass -g (or --identity-resource-group)"
                ))
            })
    };
    // Check the mode's flags before the first request.
    match args.mode {
        PodIdentity::WorkloadIdentity | PodIdentity::IdentityBinding if args.identity.is_none() => {
            return Err(Error::usage(
                "--mode workload-identity and identity-binding need --identity NAME (the user-assigned identity of the pods)",
            ));
        }
        PodIdentity::Kubelet if args.cluster.is_none() => {
            return Err(Error::usage("--mode kubelet needs --cluster NAME (with -g)"));
        }
        PodIdentity::AddonIdentity if args.cluster.is_none() => {
            return Err(Error::usage("--mode addon-identity needs --cluster NAME (with -g)"));
        }
        _ => {}
    }
    let az = s.connect().await?;
    let v = Vault::find(&az, &args.vault, args.resource_group.as_deref()).await?;
    let client_id = match (args.mode, &args.identity, &args.cluster) {
        (PodIdentity::Kubelet, _, Some(cluster)) => {
            let rg = args
                .resource_group
                .clone()
                .ok_or_else(|| Error::usage("--cluster needs -g"))?;
            az.require_kubelet_identity(&rg, cluster).await?.client_id
        }
        (PodIdentity::AddonIdentity, _, Some(cluster)) => {
            let rg = args
                .resource_group
                .clone()
                .ok_or_else(|| Error::usage("--cluster needs -g"))?;
            az.require_addon_identity(&rg, cluster).await?.client_id
        }
        (PodIdentity::WorkloadIdentity | PodIdentity::IdentityBinding | PodIdentity::VmIdentity, Some(name), _) => {
            let rg = rg_for("--identity")?;
            let doc = az.identity(&rg, name).await?.ok_or_else(|| {
                Error::runtime(format!(
                    "managed identity {rg}/{name} was not found (create it with `kvwire workload-identity`)"
                ))
            })?;
            crate::azure::arm::models::Identity::of(&doc)
                .client_id()
                .map(str::to_owned)
        }
        _ => None,
    };
    Ok(Resolved {
        vault_uri: v.uri.to_string(),
        keyvault_name: v.name,
        tenant_id: v.tenant_id,
        client_id,
        cloud: az.cloud.clone(),
    })
}
