//! One observation of Azure per plan: while steps observe (concurrently), identical reads are
//! made once and shared — every step that looks at the cluster sees the same document, and the
//! plan costs one round trip per resource instead of one per step. Apply and verify run outside
//! it and always read fresh.

use serde_json::Value;
use std::{
    collections::HashMap,
    future::Future,
    sync::{Arc, Mutex},
};
use tokio::sync::OnceCell;

/// What one read returned: a document, or none (404).
pub(crate) type Read = Option<Value>;

/// An answer as shared: Azure's error answers are shared too (a 403 from Graph, a 404 list of a
/// child collection whose parent does not exist yet), so twenty steps that ask the same get one
/// request, not twenty identical refusals. Transport failures are not kept: the next asker retries.
pub(crate) type Answer<T> = Result<T, crate::error::ArmError>;

/// One shared answer per key: the first caller fetches, the others wait for it.
type Shared<T> = Arc<Mutex<HashMap<String, Arc<OnceCell<T>>>>>;

/// Reads made during one observation, by URL.
#[derive(Clone, Default)]
pub struct Observation {
    reads: Shared<Answer<Read>>,
    lists: Shared<Answer<Vec<Value>>>,
    names: Shared<Names>,
}

/// What a listing found: each name (lower-cased) and whether its current version is enabled, or
/// `None` when listing was not allowed.
pub(crate) type Names = Option<std::collections::BTreeMap<String, bool>>;

tokio::task_local! {
    static CURRENT: Observation;
}

impl Observation {
    /// Run `f` with this observation in effect.
    pub(crate) async fn run<F: Future>(&self, f: F) -> F::Output {
        CURRENT.scope(self.clone(), f).await
    }

    /// The observation in effect, if any.
    pub(crate) fn current() -> Option<Observation> {
        CURRENT.try_with(Observation::clone).ok()
    }

    /// The shared slot for a read of `key`: the first caller fills it, the others wait for it.
    pub(crate) fn read(&self, key: &str) -> Arc<OnceCell<Answer<Read>>> {
        self.reads
            .lock()
            .expect("observation")
            .entry(key.to_string())
            .or_default()
            .clone()
    }

    /// The shared slot for the names a listing of `key` found.
    pub(crate) fn names(&self, key: &str) -> Arc<OnceCell<Names>> {
        self.names
            .lock()
            .expect("observation")
            .entry(key.to_string())
            .or_default()
            .clone()
    }

    /// The shared slot for a whole (paged) list of `key`.
    pub(crate) fn list(&self, key: &str) -> Arc<OnceCell<Answer<Vec<Value>>>> {
        self.lists
            .lock()
            .expect("observation")
            .entry(key.to_string())
            .or_default()
            .clone()
    }
}

#[cfg(test)]
impl Observation {
    /// An observation whose answers are already in: each read (by URL: a document, `None` for a
    /// 404, or an ARM error answer) and each whole list (by the URL of its first page). A read
    /// made during it that is not among them goes to the network, as in any observation: give
    /// the test an `Azure` whose credential refuses ([`crate::azure::context::Azure::offline`]).
    pub(crate) fn recorded(
        reads: Vec<(String, Answer<Read>)>,
        lists: Vec<(String, Answer<Vec<Value>>)>,
    ) -> Observation {
        let o = Observation::default();
        for (url, answer) in reads {
            assert!(o.read(&url).set(answer).is_ok(), "read {url} recorded twice");
        }
        for (url, answer) in lists {
            assert!(o.list(&url).set(answer).is_ok(), "list {url} recorded twice");
        }
        o
    }
}
