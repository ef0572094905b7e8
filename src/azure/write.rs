//! A write exactly as apply will send it, built whole by a resource's handle (or a step, where the
//! plan knows it whole): the method, the resource path, the api-version, the body and the entity
//! tag it must still have. What the plan shows is derived from it, a saved plan keeps it and
//! refuses to apply when it differs, and the step sends it unchanged (`plan::Request` is this
//! type). Steps put `None` on their plan where a value is known only after apply (an identity
//! created earlier in the run).
//!
//! An ARM write has no `base` (its path is under Resource Manager). A Key Vault data-plane write
//! has the vault's URI as `base`, and its body holds a secret's value only as a marker
//! (`azure::secret::VALUE_REDACTED`): apply puts the value from its source in its place.

use crate::{azure::context::Azure, error::Result, util::Progress};
use serde::{Deserialize, Serialize};
use serde_json::Value;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Request {
    pub(crate) method: String,
    pub(crate) path: String,
    pub(crate) api_version: String,
    pub(crate) body: Option<Value>,
    /// `If-Match`: the entity tag the resource must still have.
    pub(crate) if_match: Option<String>,
    /// The data plane the path is under (a vault's URI); `None`: Resource Manager.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) base: Option<String>,
}

impl Request {
    fn new(method: &str, path: impl Into<String>, api_version: &str, body: Option<Value>) -> Request {
        Request {
            method: method.into(),
            path: path.into(),
            api_version: api_version.into(),
            body,
            if_match: None,
            base: None,
        }
    }

    pub(crate) fn put(path: impl Into<String>, api_version: &str, body: Value) -> Request {
        Request::new("PUT", path, api_version, Some(body))
    }

    pub(crate) fn patch(path: impl Into<String>, api_version: &str, body: Value) -> Request {
        Request::new("PATCH", path, api_version, Some(body))
    }

    pub(crate) fn delete(path: impl Into<String>, api_version: &str) -> Request {
        Request::new("DELETE", path, api_version, None)
    }

    /// A POST without a body: an action on a resource (a pool's `upgradeNodeImageVersion`).
    pub(crate) fn post(path: impl Into<String>, api_version: &str) -> Request {
        Request::new("POST", path, api_version, None)
    }

    /// The same write, only while the resource still has entity tag `etag`.
    pub(crate) fn if_match(self, etag: Option<String>) -> Request {
        Request { if_match: etag, ..self }
    }

    /// Sends an ARM write: PUT (with its `If-Match`), PATCH or DELETE (a DELETE of what is
    /// already gone succeeds). POSTs and data-plane writes have their own senders (the pool's
    /// operation, the Key Vault client).
    pub(crate) async fn send(&self, az: &Azure, on: Progress<'_>) -> Result<()> {
        debug_assert!(
            self.base.is_none() && self.method != "POST",
            "not an ARM write: {self:?}"
        );
        // Only PUT carries `If-Match` here: no PATCH or DELETE kvwire plans is conditional.
        debug_assert!(self.if_match.is_none() || self.method == "PUT", "If-Match on {self:?}");
        let body = self.body.clone().unwrap_or_default();
        match self.method.as_str() {
            "DELETE" => az.arm.delete(&self.path, &self.api_version, on).await,
            "PATCH" => az.arm.patch(&self.path, &self.api_version, &body, on).await.map(|_| ()),
            _ => az
                .arm
                .put_if_match(&self.path, &self.api_version, &body, self.if_match.as_deref(), on)
                .await
                .map(|_| ()),
        }
    }
}
