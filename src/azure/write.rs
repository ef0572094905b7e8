//! A write a resource's handle builds whole: the method, the resource path, the api-version and
//! the body. Steps put it on their plan as it is (`plan::Request`) and send it with [`Write::send`].

use crate::{azure::context::Azure, error::Result, util::Progress};
use serde_json::Value;

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Write {
    pub(crate) method: &'static str,
    pub(crate) path: String,
    pub(crate) api_version: &'static str,
    pub(crate) body: Option<Value>,
}

impl Write {
    pub(crate) fn put(path: impl Into<String>, api_version: &'static str, body: Value) -> Write {
        Write {
            method: "PUT",
            path: path.into(),
            api_version,
            body: Some(body),
        }
    }

    pub(crate) fn patch(path: impl Into<String>, api_version: &'static str, body: Value) -> Write {
        Write {
            method: "PATCH",
            ..Write::put(path, api_version, body)
        }
    }

    pub(crate) fn delete(path: impl Into<String>, api_version: &'static str) -> Write {
        Write {
            method: "DELETE",
            path: path.into(),
            api_version,
            body: None,
        }
    }

    /// Sends it through ARM (a DELETE of what is already gone succeeds).
    pub(crate) async fn send(&self, az: &Azure, on: Progress<'_>) -> Result<()> {
        let body = self.body.clone().unwrap_or_default();
        match self.method {
            "DELETE" => az.arm.delete(&self.path, self.api_version, on).await,
            "PATCH" => az.arm.patch(&self.path, self.api_version, &body, on).await.map(|_| ()),
            _ => az.arm.put(&self.path, self.api_version, &body, on).await.map(|_| ()),
        }
    }
}
