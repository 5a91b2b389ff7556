//! Time, read through [`Clock`] so tests and vectors replay it.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// Milliseconds since the Unix epoch, from a clock the caller can replace.
pub trait Clock: Send + Sync {
    /// Now, in milliseconds since the Unix epoch.
    fn now_ms(&self) -> u64;
}

/// The system clock: `SystemTime` on native targets. wasm32 has no system clock without
/// JavaScript; there it reads 0 (demotions then never expire), so hosts pass their own
/// [`Clock`] (the WASM package passes `Date.now()`).
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> u64 {
        u64::try_from(unix_millis_now()).unwrap_or(0)
    }
}

/// The one read of the system time in this crate: milliseconds since the Unix epoch
/// (negative before it). `SystemTime` on native targets; 0 on wasm32, which has no system
/// clock without JavaScript (hosts pass their own [`Clock`]: the WASM package passes
/// `Date.now()`). [`SystemClock`] and [`Timestamp::now`](crate::audit::Timestamp::now) both
/// read it.
pub fn unix_millis_now() -> i64 {
    #[cfg(not(target_arch = "wasm32"))]
    {
        match std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
            Ok(d) => i64::try_from(d.as_millis()).unwrap_or(i64::MAX),
            Err(e) => -i64::try_from(e.duration().as_millis()).unwrap_or(i64::MAX),
        }
    }
    #[cfg(target_arch = "wasm32")]
    {
        0
    }
}

/// A clock that moves only when told to, for tests and replaying vectors.
#[derive(Debug, Default)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Object))]
pub struct ManualClock {
    now: AtomicU64,
}

#[cfg_attr(feature = "uniffi", uniffi::export)]
impl ManualClock {
    /// A clock reading `start_ms`.
    #[cfg_attr(feature = "uniffi", uniffi::constructor)]
    pub fn new(start_ms: u64) -> Self {
        Self {
            now: AtomicU64::new(start_ms),
        }
    }

    /// Moves the clock forward.
    pub fn advance_ms(&self, ms: u64) {
        self.now.fetch_add(ms, Ordering::SeqCst);
    }

    /// Sets the clock.
    pub fn set_ms(&self, ms: u64) {
        self.now.store(ms, Ordering::SeqCst);
    }

    /// The current time ([`Clock::now_ms`], callable without the trait; Kotlin and Swift
    /// call it as `nowMs()`).
    pub fn now_ms(&self) -> u64 {
        self.now.load(Ordering::SeqCst)
    }
}

impl Clock for ManualClock {
    fn now_ms(&self) -> u64 {
        ManualClock::now_ms(self)
    }
}

impl<C: Clock + ?Sized> Clock for Arc<C> {
    fn now_ms(&self) -> u64 {
        (**self).now_ms()
    }
}
