//! The sans-IO key ring: which key to use, what to do after each answer, usage per key.
//! A host that has its own HTTP stack drives it; `Client` drives it for you.

use std::sync::{Arc, Mutex, PoisonError};

use pictify_keys as core;
// The core's own records, the owned outcome and the manual clock, which derive UniFFI under
// its `uniffi` feature: no mirror.
pub use pictify_keys::ring::OutcomeBuf as Outcome;
pub use pictify_keys::{FallbackEvent, KeyStats, ManualClock, RingConfig};

use crate::error::PictifyError;
use crate::key::ApiKey;
use crate::source::SourcedKey;

/// The ring's default settings.
#[uniffi::export]
pub fn default_ring_config() -> RingConfig {
    core::RingConfig::default()
}

/// What to do after an attempt.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum Decision {
    /// The request is over: hand the answer to the caller.
    Done,
    /// The key was refused (401): call `attempt` again for the next key.
    TryNextKey,
    /// Wait `delay_ms`, then call `attempt` again (same key).
    Retry {
        /// Milliseconds to wait.
        delay_ms: u64,
    },
    /// Give up with this error.
    Fail {
        /// Why.
        error: PictifyError,
    },
}

/// One logical request in progress.
#[derive(uniffi::Object)]
pub struct RequestState {
    inner: Mutex<core::ring::RequestState>,
}

#[uniffi::export]
impl RequestState {
    /// Attempts made so far.
    pub fn attempts(&self) -> u32 {
        self.inner
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .attempts()
    }
    /// Fallbacks so far.
    pub fn fallbacks(&self) -> Vec<FallbackEvent> {
        let inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        inner.fallbacks().to_vec()
    }
}

/// One attempt: the key to send, where it came from, its number.
#[derive(uniffi::Object)]
pub struct Attempt {
    inner: core::ring::Attempt,
}

#[uniffi::export]
impl Attempt {
    /// The key to send.
    pub fn key(&self) -> Arc<ApiKey> {
        ApiKey::wrap(self.inner.key().clone())
    }
    /// Where the key came from.
    pub fn source(&self) -> String {
        self.inner.origin().to_owned()
    }
    /// 1-based attempt number within the request.
    pub fn number(&self) -> u32 {
        self.inner.number()
    }
}

/// The ordered key ring (NEW first): fallback on 401, demotion of refused keys, retries of
/// transient failures, usage per key.
#[derive(uniffi::Object)]
pub struct KeyRing {
    inner: core::KeyRing,
}

#[uniffi::export]
impl KeyRing {
    /// A ring over `keys` in priority order; `clock` defaults to the system clock.
    #[uniffi::constructor(default(config = None, clock = None))]
    pub fn new(
        keys: Vec<SourcedKey>,
        config: Option<RingConfig>,
        clock: Option<Arc<ManualClock>>,
    ) -> Result<Self, PictifyError> {
        let keys = keys.into_iter().map(Into::into).collect();
        let config = config.unwrap_or_default();
        let inner = match clock {
            Some(c) => core::KeyRing::with_clock(keys, config, c)?,
            None => core::KeyRing::new(keys, config)?,
        };
        Ok(Self { inner })
    }

    /// The ring's settings.
    pub fn config(&self) -> RingConfig {
        self.inner.config()
    }

    /// Replaces the keys (after a source re-read), keeping the usage of keys that stay.
    pub fn replace_keys(&self, keys: Vec<SourcedKey>) {
        self.inner
            .replace_keys(keys.into_iter().map(Into::into).collect());
    }

    /// Starts a logical request.
    pub fn begin_request(&self) -> Arc<RequestState> {
        Arc::new(RequestState {
            inner: Mutex::new(self.inner.begin_request()),
        })
    }

    /// The key for the next attempt of `request`. Throws `Http` `unauthorized` when every
    /// key was tried.
    pub fn attempt(&self, request: Arc<RequestState>) -> Result<Arc<Attempt>, PictifyError> {
        let mut req = request.inner.lock().unwrap_or_else(PoisonError::into_inner);
        Ok(Arc::new(Attempt {
            inner: self.inner.next_attempt(&mut req)?,
        }))
    }

    /// Records the outcome of `attempt` and decides what comes next.
    pub fn on_outcome(
        &self,
        request: Arc<RequestState>,
        attempt: Arc<Attempt>,
        outcome: Outcome,
    ) -> Decision {
        let mut req = request.inner.lock().unwrap_or_else(PoisonError::into_inner);
        match self
            .inner
            .on_outcome(&mut req, &attempt.inner, outcome.as_outcome())
        {
            core::Decision::Done => Decision::Done,
            core::Decision::TryNextKey => Decision::TryNextKey,
            core::Decision::Retry { delay_ms } => Decision::Retry { delay_ms },
            core::Decision::Fail(e) => Decision::Fail {
                error: core::Error::from(e).into(),
            },
        }
    }

    /// The backoff before retry number `retry` (1-based).
    pub fn backoff_ms(&self, retry: u32) -> u64 {
        self.inner.backoff_ms(retry)
    }

    /// Usage of every key, in priority order.
    pub fn stats(&self) -> Vec<KeyStats> {
        self.inner.stats()
    }

    /// Fingerprints of the keys in priority order.
    pub fn fingerprints(&self) -> Vec<String> {
        self.inner.fingerprints()
    }
}
