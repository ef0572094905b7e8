//! `kvwire kubelet-identity`: the identity the nodes use to pull images and read Key Vault.

use crate::{
    cli::KubeletIdentityArgs,
    error::{ExitStatus, Result},
    settings::Settings,
    ui::output::{OutputFormat, shell_export},
};
use serde_json::json;

pub(crate) async fn run(args: &KubeletIdentityArgs, s: &Settings) -> Result<ExitStatus> {
    let az = s.connect().await?;
    let (rg, name) = (&args.cluster.resource_group, &args.cluster.name);
    let kubelet = az.require_kubelet_identity(rg, name).await?;
    let field = |v: &Option<String>| v.clone().unwrap_or_default();
    let (client_id, object_id, resource_id) = (
        field(&kubelet.client_id),
        field(&kubelet.object_id),
        field(&kubelet.resource_id),
    );
    match s.ui.format {
        OutputFormat::Text => {
            s.ui.print(&format!(
                "clientId:   {client_id}\nobjectId:   {object_id}\nresourceId: {resource_id}\n"
            ));
        }
        OutputFormat::Env => {
            for (key, value) in [
                ("KUBELET_CLIENT_ID", &client_id),
                ("KUBELET_OBJECT_ID", &object_id),
                ("KUBELET_RESOURCE_ID", &resource_id),
            ] {
                s.ui.print(&format!("{}\n", shell_export(key, value)));
            }
        }
        _ => {
            s.ui.print_document(&json!({"clientId": client_id, "objectId": object_id, "resourceId": resource_id}));
        }
    }
    Ok(ExitStatus::Success)
}
