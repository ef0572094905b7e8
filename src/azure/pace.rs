//! Pacing for Key Vault: every request to one vault takes a token from that vault's bucket, so a
//! large seed stays under the service's limit instead of leaning on 429s. Key Vault service limits:
//! "All other transactions: 4,000" per vault per region in 10 seconds (learn.microsoft.com,
//! key-vault/general/service-limits); past it the vault answers 429 with `Retry-After`.
//!
//! Each vault gets at most `rate` requests in any 10 seconds (a sliding window: the docs do not say
//! whether the service's window slides, so kvwire assumes it may): a seed sends its first `rate`
//! requests at once, then one each time one leaves the window — as fast as the limit allows, and
//! never over it. With the default 3,600, 10% of the limit is left for other clients of the vault.

use std::{
    collections::{HashMap, VecDeque},
    sync::Mutex,
    time::{Duration, Instant},
};

/// Requests per vault per 10 seconds when `--keyvault-rate` is not given: 90% of the documented
/// 4,000, leaving headroom for other clients of the same vault.
pub(crate) const DEFAULT_KEYVAULT_RATE: u32 = 3600;

/// The service's window.
const WINDOW: Duration = Duration::from_secs(10);

/// Milliseconds to use as the window instead of 10 s: for tests only, which model the service's
/// rule on a shorter clock.
pub(crate) const WINDOW_ENV: &str = "KVWIRE_KEYVAULT_WINDOW_MS";

/// Per vault host, when its last `rate` requests are (or are due to be) sent.
#[derive(Debug)]
pub(crate) struct Pacer {
    rate: usize,
    window: Duration,
    sent: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl Pacer {
    /// `rate` requests per 10 seconds per host.
    pub(crate) fn new(rate: u32) -> Pacer {
        let window = std::env::var(WINDOW_ENV)
            .ok()
            .and_then(|v| v.parse::<u64>().ok())
            .map_or(WINDOW, Duration::from_millis);
        Pacer {
            rate: rate.max(1) as usize,
            window,
            sent: Mutex::default(),
        }
    }

    /// Take a slot for `host`: `None` at once, or how long to wait before sending. The slot is
    /// taken now, even when it is only due later: requests go in the order they asked.
    fn take(&self, host: &str) -> Option<Duration> {
        self.take_at(host, Instant::now())
    }

    fn take_at(&self, host: &str, now: Instant) -> Option<Duration> {
        let mut sent = self.sent.lock().expect("pacer");
        let times = sent.entry(host.to_ascii_lowercase()).or_default();
        // Due once the request `rate` places back has left the window, with a margin of 2% of it:
        // the service counts arrivals, and two requests sent a window apart may arrive closer.
        let due = if times.len() < self.rate {
            now
        } else {
            (times[times.len() - self.rate] + self.window + self.window / 50).max(now)
        };
        times.push_back(due);
        while times.len() > self.rate {
            times.pop_front();
        }
        (due > now).then(|| due - now)
    }

    /// Wait for `host`'s turn.
    pub(crate) async fn pace(&self, host: &str) {
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
    fn the_whole_rate_at_once_then_one_as_each_leaves_the_window() {
        let p = Pacer::new(100);
        let t0 = Instant::now();
        let waits: Vec<Option<Duration>> = (0..100).map(|_| p.take_at("kv.vault.azure.net", t0)).collect();
        assert!(waits.iter().all(Option::is_none), "the first 100 go at once");
        // The 101st is due when the first has left the window, 10 s (and the margin) later.
        let later = WINDOW + WINDOW / 50;
        assert_eq!(p.take_at("kv.vault.azure.net", t0), Some(later));
        assert_eq!(p.take_at("kv.vault.azure.net", t0), Some(later));
        // Half-way through the window, the next is still due then.
        let half = t0 + WINDOW / 2;
        assert_eq!(p.take_at("kv.vault.azure.net", half), Some(later - WINDOW / 2));
        assert_eq!(
            p.take_at("other.vault.azure.net", t0),
            None,
            "each vault has its own window"
        );
    }

    #[test]
    fn no_ten_second_window_ever_holds_more_than_the_rate() {
        let p = Pacer::new(50);
        let t0 = Instant::now();
        // 400 requests asked for over 3 s, unevenly.
        let mut due = vec![];
        for i in 0..400u64 {
            let at = t0 + Duration::from_millis(i * i % 3000);
            due.push(at + p.take_at("kv", at).unwrap_or_default());
        }
        due.sort();
        for (i, start) in due.iter().enumerate() {
            let within = due[i..].iter().take_while(|d| **d < *start + WINDOW).count();
            assert!(within <= 50, "{within} requests in the 10 s from request {i}");
        }
    }
}
