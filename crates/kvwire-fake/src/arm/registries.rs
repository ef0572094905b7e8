//! Microsoft.ContainerRegistry registries, read only: Registries - Get and Registries - List
//! (by subscription), which kvwire uses to find a registry named with `--acr`. Bodies follow
//! the Registry model of azure-mgmt-containerregistry 15.0.0 (api-version 2025-11-01) and are
//! contract-checked against tests/fixtures/wire/container-registry.json.

use super::page;
use crate::{
    contract::{Wire, wire},
    router::{Ctx, Reply},
};

pub const REGISTRY: Wire = wire("container-registry", "resource");
pub const REGISTRY_LIST: Wire = wire("container-registry", "list");

pub fn get_registry(c: &Ctx) -> Reply {
    let id = format!(
        "/subscriptions/{}/resourceGroups/{}/providers/Microsoft.ContainerRegistry/registries/{}",
        c.p("sub"),
        c.p("rg"),
        c.p("registry")
    );
    super::get(&c.state.lock().unwrap(), &id)
}

/// Registries - List: every registry in the subscription.
pub fn list_registries(c: &Ctx) -> Reply {
    let s = c.state.lock().unwrap();
    let items = super::of_type(&s, "Microsoft.ContainerRegistry/registries");
    let base = s.arm_base();
    Reply::json(200, page(c, &base, items, s.page_size))
}
