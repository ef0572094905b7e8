//! `kvwire kubelet-identity`: the identity the nodes use to pull images and read Key Vault.

use crate::{
    cli::KubeletIdentityArgs,
    azure::context::Azure,
    error::Result,
    ui::output::{OutputFormat, Ui},
};
use serde_json::json;

pub async fn run(az: &Azure, args: &KubeletIdentityArgs, ui: &Ui) -> Result<u8> {
    let (rg, name) = (&args.cluster.resource_group, &args.cluster.name);
    let kubelet = az.kubelet_identity(rg, name).await?;
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
