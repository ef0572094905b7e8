//! Pacing for Key Vault: every request to one vault takes a token from that vault's bucket, so a
//! large seed stays under the service's limit instead of leaning on 429s. Key Vault service limits:
//! "All other transactions: 4,000" per vault per region in 10 seconds (learn.microsoft.com,
//! key-vault/general/service-limits); past it the vault answers 429 with `Retry-After`.
//!
//! The bucket holds one second's worth (`rate / 10`) and refills at `rate / 10` a second, so any
//! 10-second window carries at most 1.1 × `rate`: with the default 3,600, at most 3,960.

use std::{
    collections::HashMap,
    sync::Mutex,
    time::{Duration, Instant},
};

/// Requests per vault per 10 seconds when `--keyvault-rate` is not given: 90% of the documented
/// 4,000, leaving headroom for other clients of the same vault.
pub const DEFAULT_KEYVAULT_RATE: u32 = 3600;

/// One token bucket per vault host.
#[derive(Debug)]
pub struct Pacer {
    /// Tokens per second.
    per_second: f64,
    /// The bucket's size: one second's worth, at least one.
    burst: f64,
    buckets: Mutex<HashMap<String, (f64, Instant)>>,
}

impl Pacer {
    /// `rate` requests per 10 seconds per host.
    pub fn new(rate: u32) -> Pacer {
        let per_second = f64::from(rate.max(1)) / 10.0;
        Pacer {
            per_second,
            burst: per_second.max(1.0),
            buckets: Mutex::default(),
        }
    }

    /// Take a token for `host`: `None` at once, or how long to wait before sending.
    fn take(&self, host: &str) -> Option<Duration> {
        let now = Instant::now();
        let mut buckets = self.buckets.lock().expect("pacer");
        let (tokens, at) = buckets.entry(host.to_ascii_lowercase()).or_insert((self.burst, now));
        *tokens = (*tokens + now.duration_since(*at).as_secs_f64() * self.per_second).min(self.burst);
        *at = now;
        // The token is taken now, even when it is only there later: requests queue in order.
        *tokens -= 1.0;
        (*tokens < 0.0).then(|| Duration::from_secs_f64(-*tokens / self.per_second))
    }

    /// Wait for `host`'s turn.
    pub async fn pace(&self, host: &str) {
        if let Some(wait) = self.take(host) {
            crate::trace!("pacing {host}: waiting {} ms", wait.as_millis());
            tokio::time::sleep(wait).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_of_one_second_then_the_rate() {
        let p = Pacer::new(100); // 10 a second
        let waits: Vec<Option<Duration>> = (0..12).map(|_| p.take("kv.vault.azure.net")).collect();
        assert!(waits[..10].iter().all(Option::is_none), "{waits:?}");
        let w = waits[11].unwrap();
        assert!(
            w > Duration::from_millis(150) && w <= Duration::from_millis(200),
            "{w:?}"
        );
        assert_eq!(p.take("other.vault.azure.net"), None, "each vault has its own bucket");
    }
}
