//! Retry delays: `Retry-After` parsing, exponential backoff with jitter, and the small
//! generator that spreads the jitter.

use std::sync::atomic::{AtomicU64, Ordering};

use super::RingConfig;

/// Parses `Retry-After`: delta seconds or an HTTP date, into milliseconds from `now_ms`.
pub fn parse_retry_after(value: &str, now_ms: u64) -> Option<u64> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(secs.saturating_mul(1000));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    let at_ms = at.duration_since(std::time::UNIX_EPOCH).ok()?.as_millis();
    let at_ms = u64::try_from(at_ms).unwrap_or(u64::MAX);
    Some(at_ms.saturating_sub(now_ms))
}

/// The backoff before retry number `retry` (1-based): `base * 2^(retry-1)`, capped, and with
/// `config.jitter` somewhere in `[d/2, d]`, picked by `random`.
pub(crate) fn delay_ms(config: &RingConfig, retry: u32, random: u64) -> u64 {
    let shift = retry.saturating_sub(1).min(32);
    let d = config
        .base_delay_ms
        .saturating_mul(1u64 << shift)
        .min(config.max_delay_ms);
    if !config.jitter || d < 2 {
        return d;
    }
    let half = d / 2;
    half + random % (d - half + 1)
}

/// The next number of a splitmix64 sequence (jitter only: not for secrets).
pub(crate) fn splitmix(state: &AtomicU64) -> u64 {
    let mut z = state
        .fetch_add(0x9E37_79B9_7F4A_7C15, Ordering::Relaxed)
        .wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}
