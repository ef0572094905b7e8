//! Microsoft Graph: the service principal of an application, found by its application (client) ID.

use crate::{
    azure::context::Azure,
    error::{Error, Result},
};

/// The service principal of application `app_id` (a cluster's `servicePrincipalProfile.clientId`).
#[derive(Debug, Clone)]
pub(crate) struct ServicePrincipal {
    pub(crate) app_id: String,
}

impl ServicePrincipal {
    pub(crate) fn of_app(app_id: &str) -> ServicePrincipal {
        ServicePrincipal { app_id: app_id.into() }
    }

    /// Its path in Graph (which versions its paths, not its queries).
    pub(crate) fn path(&self) -> String {
        format!("/v1.0/servicePrincipals(appId='{}')", self.app_id)
    }

    /// Its object ID, or `None` when the directory has no such service principal.
    pub(crate) async fn object_id(&self, az: &Azure) -> Result<Option<String>> {
        let graph = az
            .graph()
            .ok_or_else(|| Error::runtime("this cloud has no Microsoft Graph endpoint configured"))?;
        Ok(graph
            .get_opt(&self.path(), "")
            .await?
            .and_then(|v| v["id"].as_str().map(str::to_owned)))
    }
}
