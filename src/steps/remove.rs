//! `down`: delete one ARM resource kvwire made.

use super::identity::one_credential_write_at_a_time;
use crate::{
    azure::{context::Azure, ids},
    error::Result,
    model::tags,
    plan::{Action, Phase, Planned, Step},
    util::Progress,
};
use std::sync::Arc;

/// Delete one ARM resource if it exists (and, for `only_if_tagged`, carries `managed-by=kvwire`).
pub struct Remove {
    pub az: Arc<Azure>,
    pub address: String,
    pub resource_type: &'static str,
    pub id: String,
    pub api: &'static str,
    pub only_if_tagged: bool,
}

#[async_trait::async_trait]
impl Step for Remove {
    fn address(&self) -> String {
        self.address.clone()
    }

    fn phase(&self) -> Phase {
        Phase::REMOVE
    }

    async fn plan(&self) -> Result<Planned> {
        let planned = Planned::new(self.address(), self.phase(), self.resource_type, Action::Delete);
        let no_op = |why: &str| Planned {
            action: Action::NoOp,
            ..planned.clone().reason(why)
        };
        let Some(doc) = self.az.arm.get_opt(&self.id, self.api).await? else {
            return Ok(no_op("absent"));
        };
        if self.only_if_tagged && !tags::is_kvwire(doc.get("tags")) {
            return Ok(no_op("not created by kvwire (no managed-by=kvwire tag): kept"));
        }
        Ok(planned)
    }

    async fn apply(&self, _planned: &Planned, on: Progress<'_>) -> Result<()> {
        if self.resource_type == ids::FEDERATED_CREDENTIAL {
            return one_credential_write_at_a_time(on, || self.az.arm.delete(&self.id, self.api, on)).await;
        }
        self.az.arm.delete(&self.id, self.api, on).await
    }
}
