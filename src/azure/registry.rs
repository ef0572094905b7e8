//! Finding a container registry named with `--acr`: by resource ID (read, so a typo fails before
//! anything is written) or by name anywhere in the subscription (registry names are global).

use crate::{
    azure::{arm::api, context::Azure, ids},
    error::{Error, Result},
};

/// The registry's resource ID as ARM spells it.
pub async fn find(az: &Azure, name_or_id: &str) -> Result<String> {
    let doc = if name_or_id.starts_with('/') {
        az.arm.get_opt(name_or_id, api::CONTAINER_REGISTRY).await?
    } else {
        az.arm
            .list(
                &ids::registries_in_subscription(&az.subscription),
                api::CONTAINER_REGISTRY,
            )
            .await?
            .into_iter()
            .find(|r| r["name"].as_str().is_some_and(|n| n.eq_ignore_ascii_case(name_or_id)))
    };
    doc.and_then(|d| d["id"].as_str().map(str::to_owned)).ok_or_else(|| {
        Error::runtime(format!(
            "container registry {name_or_id} was not found in subscription {}",
            az.subscription
        ))
    })
}
