//! `kvwire kubelet-identity`: the identity the nodes use to pull images and read Key Vault.

use crate::{
    arm::{api, models::ManagedCluster},
    cli::KubeletIdentityArgs,
    context::Azure,
    error::{Error, Result},
    output::{OutputFormat, Ui},
};
use serde_json::json;

pub async fn run(az: &Azure, args: &KubeletIdentityArgs, ui: &Ui) -> Result<u8> {
    let (rg, name) = (&args.cluster.resource_group, &args.cluster.name);
    let doc = az
        .arm
        .get_opt(&az.cluster_path(rg, name), api::CONTAINER_SERVICE)
        .await?
        .ok_or_else(|| {
            Error::runtime(format!(
                "cluster {rg}/{name} was not found in subscription {}",
                az.subscription
            ))
        })?;
    let mc: ManagedCluster =
        serde_json::from_value(doc).map_err(|e| Error::runtime(format!("unexpected managedCluster document: {e}")))?;
    let kubelet = match (mc.uses_service_principal(), mc.kubelet_identity()) {
        (false, Some(k)) => k,
        _ => {
            return Err(Error::runtime(format!(
                "cluster {rg}/{name} has no kubelet managed identity: it still uses a service principal. \
                 Run `kvwire cluster enable-managed-identity -g {rg} -n {name}`, then `kvwire nodepool upgrade-image -g {rg} --cluster {name} --all`"
            )));
        }
    };
    let field = |v: &Option<String>| v.clone().unwrap_or_default();
    let (client_id, object_id, resource_id) = (
        field(&kubelet.client_id),
        field(&kubelet.object_id),
        field(&kubelet.resource_id),
    );
    match ui.format {
        OutputFormat::Text => {
            println!("clientId:   {client_id}\nobjectId:   {object_id}\nresourceId: {resource_id}");
        }
        OutputFormat::Env => {
            println!("KUBELET_CLIENT_ID={client_id}\nKUBELET_OBJECT_ID={object_id}\nKUBELET_RESOURCE_ID={resource_id}");
        }
        OutputFormat::Json | OutputFormat::Yaml => {
            ui.print_document(&json!({"clientId": client_id, "objectId": object_id, "resourceId": resource_id}));
        }
    }
    Ok(0)
}
