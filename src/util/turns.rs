//! Turns within this process: work on one Azure resource that Azure will not take concurrently,
//! or that has no precondition to guard it, waits for the last such work of this run — of every
//! runbook in a fleet — instead of racing it.

use std::{
    collections::HashMap,
    sync::{Arc, LazyLock, Mutex},
};
use tokio::sync::OwnedMutexGuard;

static TURNS: LazyLock<Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>> = LazyLock::new(Default::default);

/// Wait for this process's turn at `key` (an ARM ID, say; compared without case, as ARM does),
/// held until the guard is dropped. Turns are taken in the order asked for.
pub(crate) async fn turn(key: &str) -> OwnedMutexGuard<()> {
    lock_of(key).lock_owned().await
}

/// [`turn`] without waiting: `None` when another holds it.
pub(crate) fn try_turn(key: &str) -> Option<OwnedMutexGuard<()>> {
    lock_of(key).try_lock_owned().ok()
}

fn lock_of(key: &str) -> Arc<tokio::sync::Mutex<()>> {
    TURNS
        .lock()
        .expect("turns")
        .entry(key.to_ascii_lowercase())
        .or_default()
        .clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn one_turn_at_a_time_per_key_without_case() {
        let held = turn("/Subscriptions/S/x").await;
        assert!(try_turn("/subscriptions/s/X").is_none(), "the same key, in other case");
        assert!(try_turn("/subscriptions/s/y").is_some(), "another key");
        drop(held);
        assert!(try_turn("/subscriptions/s/x").is_some());
    }
}
