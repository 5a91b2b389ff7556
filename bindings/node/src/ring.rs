//! `KeyRing`: the core's sans-IO rotation state machine, for callers driving their own
//! HTTP (e.g. `fetch`): which key to use, and what to do after each outcome.

use std::sync::Arc;

use napi_derive::napi;
use pictify_keys::ring::ManualClock;
use pictify_keys::{input, Error};
use serde_json::Value;

use crate::error;
use crate::key::ApiKey;
use crate::source::{chain, LoadOptions};

/// The core ring configuration in a `RingConfig` object (the core's defaults for the rest).
pub(crate) fn config(c: Option<&Value>) -> napi::Result<pictify_keys::RingConfig> {
    input::ring_config(c.unwrap_or(&Value::Null)).map_err(|e| error::from_core(&e))
}

/// One logical request's progress through the ring.
#[napi]
pub struct RequestState {
    inner: pictify_keys::ring::RequestState,
}

#[napi]
impl RequestState {
    /// Attempts made so far.
    #[napi(getter)]
    pub fn attempts(&self) -> u32 {
        self.inner.attempts()
    }
}

/// The key to use for one attempt.
#[napi]
pub struct Attempt {
    inner: pictify_keys::ring::Attempt,
}

#[napi]
impl Attempt {
    /// The key to send.
    #[napi(getter)]
    pub fn key(&self) -> ApiKey {
        ApiKey {
            inner: self.inner.key().clone(),
        }
    }
    /// Its fingerprint.
    #[napi(getter)]
    pub fn fingerprint(&self) -> String {
        self.inner.key().fingerprint()
    }
    /// Where the key came from.
    #[napi(getter)]
    pub fn source(&self) -> String {
        self.inner.origin().to_owned()
    }
    /// 1-based attempt number within the request.
    #[napi(getter)]
    pub fn number(&self) -> u32 {
        self.inner.number()
    }
}

/// The ordered keys (NEW first), their demotions and usage counts.
#[napi]
pub struct KeyRing {
    inner: pictify_keys::KeyRing,
    clock: Option<Arc<ManualClock>>,
}

/// A ring over `keys`; with `manualClockMs` in `config` (for tests), on a manual clock
/// starting then, moved with `advanceClock`.
fn build(keys: Vec<pictify_keys::SourcedKey>, config: Option<Value>) -> napi::Result<KeyRing> {
    let core = self::config(config.as_ref())?;
    let start = config
        .as_ref()
        .and_then(|c| c.get("manualClockMs")?.as_f64());
    let (inner, clock) = match start {
        Some(start) => {
            let clock = Arc::new(ManualClock::new(start.max(0.0) as u64));
            (
                pictify_keys::KeyRing::with_clock(keys, core, clock.clone()),
                Some(clock),
            )
        }
        None => (pictify_keys::KeyRing::new(keys, core), None),
    };
    Ok(KeyRing {
        inner: inner.map_err(|e| error::from_core(&e))?,
        clock,
    })
}

/// A ring over the keys `loadKeys(options)` finds; `KeyRing.load` in JavaScript.
#[napi(js_name = "loadKeyRing", skip_typescript)]
pub fn load_key_ring(options: Option<LoadOptions>, config: Option<Value>) -> napi::Result<KeyRing> {
    let loaded = chain(options.unwrap_or_default())?
        .load_all()
        .map_err(|e| error::from_core(&e))?;
    build(loaded.keys, config)
}

#[napi]
impl KeyRing {
    /// A ring over `keys` (strings, in priority order; provenance `explicit:<index>`).
    /// `config` may also hold `manualClockMs` (tests): start a manual clock at this time (ms
    /// since the epoch) instead of the system clock, and move it with `advanceClock`.
    #[napi(constructor)]
    pub fn new(
        keys: Vec<String>,
        #[napi(ts_arg_type = "RingConfig & { manualClockMs?: number }")] config: Option<Value>,
    ) -> napi::Result<Self> {
        let list =
            pictify_keys::KeyList::parse(&keys).map_err(|e| error::from_core(&Error::Source(e)))?;
        build(list.into_keys(), config)
    }

    /// Starts a logical request.
    #[napi]
    pub fn begin_request(&self) -> RequestState {
        RequestState {
            inner: self.inner.begin_request(),
        }
    }

    /// The key for the next attempt of `request`; throws `unauthorized` when every key was
    /// tried.
    #[napi]
    pub fn attempt(&self, request: &mut RequestState) -> napi::Result<Attempt> {
        self.inner
            .next_attempt(&mut request.inner)
            .map(|inner| Attempt { inner })
            .map_err(|e| error::from_core(&e))
    }

    /// Records the outcome of `attempt` (`Outcome` in packages/shapes.d.ts) and decides what
    /// comes next: `{ action, delayMs, error }` (`Decision`).
    #[napi(ts_return_type = "Decision")]
    pub fn on_outcome(
        &self,
        request: &mut RequestState,
        attempt: &Attempt,
        #[napi(ts_arg_type = "Outcome")] outcome: Value,
    ) -> napi::Result<Value> {
        let outcome = input::outcome(&outcome).map_err(|e| error::from_core(&e))?;
        let decision = self
            .inner
            .on_outcome(&mut request.inner, &attempt.inner, outcome);
        Ok(crate::to_js(&decision))
    }

    /// Usage of every key, in priority order.
    #[napi(ts_return_type = "KeyStats[]")]
    pub fn stats(&self) -> Value {
        crate::to_js(&self.inner.stats())
    }

    /// Fingerprints of the keys in priority order.
    #[napi]
    pub fn fingerprints(&self) -> Vec<String> {
        self.inner.fingerprints()
    }

    /// For tests: moves the manual clock forward (only with `manualClockMs` in the config).
    #[napi]
    pub fn advance_clock(&self, ms: u32) -> napi::Result<()> {
        match &self.clock {
            Some(c) => {
                c.advance_ms(u64::from(ms));
                Ok(())
            }
            None => Err(error::invalid_argument(
                "advanceClock needs a ring built with manualClockMs",
            )),
        }
    }
}
