//! Jitter for every wait that repeats: parallel workers (and parallel kvwire runs) must not retry
//! in lockstep.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// `d` scaled by a factor in [0.8, 1.2).
pub(crate) fn jittered(d: Duration) -> Duration {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    d.mul_f64(0.8 + (nanos % 400) as f64 / 1000.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stays_within_twenty_percent() {
        for _ in 0..100 {
            let j = jittered(Duration::from_secs(10));
            assert!(j >= Duration::from_secs(8) && j < Duration::from_secs(12), "{j:?}");
        }
    }
}
