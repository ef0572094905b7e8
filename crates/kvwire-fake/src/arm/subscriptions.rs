//! Microsoft.Resources subscriptions: `GET /subscriptions` (Subscriptions - List, api-version
//! 2022-12-01), what kvwire reads to find a subscription given by name. The subscriptions SDK
//! package is not among those the wire vocabulary comes from, so the body follows the REST
//! reference (`value[]` of `id`, `subscriptionId`, `displayName`, `state`, `tenantId`, paged with
//! `nextLink`) and is not contract-checked.

use super::page;
use crate::{
    SUB, TENANT,
    router::{Ctx, Reply},
};
use serde_json::json;

/// Subscriptions - List's api-version: no vocabulary covers Microsoft.Resources, so the route
/// table pins it here, with its source.
pub const API_VERSION: &str = "2022-12-01";
pub const API_VERSION_SOURCE: &str = "Subscriptions - List REST reference, api-version 2022-12-01 (no wire vocabulary)";

/// The display name of the fake's one subscription.
pub const SUBSCRIPTION_NAME: &str = "kvwire-fake";

pub fn list(c: &Ctx) -> Reply {
    let s = c.state.lock().unwrap();
    let items = vec![json!({
        "id": format!("/subscriptions/{SUB}"),
        "subscriptionId": SUB,
        "displayName": SUBSCRIPTION_NAME,
        "state": "Enabled",
        "tenantId": TENANT,
    })];
    let base = s.arm_base();
    Reply::json(200, page(c, &base, items, s.page_size))
}
