//! Writing a runbook's claim where Azure offers no precondition.

use crate::error::{Error, Result};
use std::future::Future;

/// How many times a claim is written before kvwire gives up on a writer that keeps replacing it.
pub(crate) const ATTEMPTS: usize = 5;

/// A managed identity's tags (PATCH) and a Key Vault secret's tags (Update Secret) take no
/// `If-Match`, and both replace the whole map: a writer that read before this write and writes
/// after it puts its old map back, and this change is lost without a word. So the change is
/// made on what is read now, read back, and made again while it is not there.
/// `change` turns what was read into what is written; `holds` says whether a read shows it.
pub(crate) async fn write_until_it_holds<T, R, RF, W, WF>(
    what: &str,
    read: R,
    write: W,
    change: impl Fn(&T) -> T,
    holds: impl Fn(&T) -> bool,
) -> Result<()>
where
    R: Fn() -> RF,
    RF: Future<Output = Result<T>>,
    W: Fn(T) -> WF,
    WF: Future<Output = Result<()>>,
{
    for attempt in 1..=ATTEMPTS {
        let now = read().await?;
        write(change(&now)).await?;
        if holds(&read().await?) {
            return Ok(());
        }
        crate::warn!(
            "{what}: another writer replaced the tags just written (attempt {attempt} of {ATTEMPTS}); writing again"
        );
    }
    Err(Error::runtime(format!(
        "{what}: another writer kept replacing the tags ({ATTEMPTS} attempts); run again"
    )))
}
