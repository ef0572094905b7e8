//! Small pieces with no knowledge of the rest of kvwire.

pub mod uuid5;

/// Progress of one piece of work ("InProgress", "waiting for …"), e.g. for a spinner or a
/// heartbeat line. The plan runner gives one to each step; the ARM client reports through it.
pub type Progress<'a> = &'a (dyn Fn(&str) + Send + Sync);
pub mod observation;
pub mod text;
pub mod yaml;

/// `d` give or take 20%, so parallel workers (and kvwire runs) do not retry in lockstep.
pub fn jitter(d: std::time::Duration) -> std::time::Duration {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    d.mul_f64(0.8 + f64::from(nanos % 400) / 1000.0)
}
