//! Retry delays: `Retry-After` parsing and exponential backoff with jitter (the jitter's
//! numbers come from [`crate::world::SplitMix`]).

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
