//! `KeyRing`: the core's sans-IO rotation state machine, for callers driving their own
//! HTTP (e.g. `fetch`): which key to use, and what to do after each outcome.

use std::sync::Arc;

use napi::bindgen_prelude::{ToNapiValue, TypeName};
use napi::{sys, ValueType};
use napi_derive::napi;
use pictify_keys::ring::{ManualClock, Outcome as CoreOutcome};
use pictify_keys::{Error, RingConfig as CoreConfig};

use crate::error;
use crate::key::ApiKey;
use crate::source::{chain, LoadOptions};

/// Tuning of the ring; every field defaults to the core's default.
#[napi(object)]
#[derive(Default)]
pub struct RingConfig {
    /// Retries of a transient failure on the same key (default 2).
    pub max_retries: Option<u32>,
    /// How long a key that answered 401 stays demoted, in ms (default 300000).
    pub cooldown_ms: Option<u32>,
    /// First backoff delay in ms (default 250); doubles per retry.
    pub base_delay_ms: Option<u32>,
    /// Longest backoff delay in ms (default 8000).
    pub max_delay_ms: Option<u32>,
    /// Longest wait a `Retry-After` header can impose, in ms (default 30000).
    pub retry_after_cap_ms: Option<u32>,
    /// Randomise backoff delays (default true).
    pub jitter: Option<bool>,
    /// For tests: start a manual clock at this time (ms since the epoch) instead of the
    /// system clock; move it with `advanceClock`.
    pub manual_clock_ms: Option<i64>,
}

pub(crate) fn core_config(c: &RingConfig) -> CoreConfig {
    let d = CoreConfig::default();
    CoreConfig {
        max_retries: c.max_retries.unwrap_or(d.max_retries),
        cooldown_ms: c.cooldown_ms.map_or(d.cooldown_ms, u64::from),
        base_delay_ms: c.base_delay_ms.map_or(d.base_delay_ms, u64::from),
        max_delay_ms: c.max_delay_ms.map_or(d.max_delay_ms, u64::from),
        retry_after_cap_ms: c.retry_after_cap_ms.map_or(d.retry_after_cap_ms, u64::from),
        jitter: c.jitter.unwrap_or(d.jitter),
    }
}

/// What happened to one attempt: a `status` (with an optional `retryAfter` header), or an
/// `error` of `timeout` / `connection`.
#[napi(object)]
pub struct Outcome {
    /// The HTTP status, when the server answered.
    pub status: Option<u16>,
    /// The `Retry-After` header, if any.
    pub retry_after: Option<String>,
    /// `timeout` or `connection` when there was no answer.
    #[napi(ts_type = "'timeout' | 'connection'")]
    pub error: Option<String>,
}

/// Usage of one key in the core's shape (`KeyStats` in packages/shapes.d.ts); crosses as a
/// plain object through the core's serde output.
pub struct KeyStats(pictify_keys::KeyStats);

impl From<pictify_keys::KeyStats> for KeyStats {
    fn from(s: pictify_keys::KeyStats) -> Self {
        Self(s)
    }
}

impl TypeName for KeyStats {
    fn type_name() -> &'static str {
        "KeyStats"
    }
    fn value_type() -> ValueType {
        ValueType::Object
    }
}

// napi's conversion trait is `unsafe` by its definition; this one only delegates.
#[allow(unsafe_code)]
impl ToNapiValue for KeyStats {
    unsafe fn to_napi_value(env: sys::napi_env, val: Self) -> napi::Result<sys::napi_value> {
        // SAFETY: `env` is the live environment napi handed to this conversion, passed on
        // unchanged to napi's own conversion of a `serde_json::Value`.
        unsafe { serde_json::Value::to_napi_value(env, crate::to_js(&val.0)) }
    }
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

fn build(keys: Vec<pictify_keys::SourcedKey>, config: Option<RingConfig>) -> napi::Result<KeyRing> {
    let config = config.unwrap_or_default();
    let core = core_config(&config);
    let (inner, clock) = match config.manual_clock_ms {
        Some(start) => {
            let clock = Arc::new(ManualClock::new(u64::try_from(start).unwrap_or(0)));
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
pub fn load_key_ring(
    options: Option<LoadOptions>,
    config: Option<RingConfig>,
) -> napi::Result<KeyRing> {
    let loaded = chain(options.unwrap_or_default())?
        .load_all()
        .map_err(|e| error::from_core(&e))?;
    build(loaded.keys, config)
}

#[napi]
impl KeyRing {
    /// A ring over `keys` (strings, in priority order; provenance `explicit:<index>`).
    #[napi(constructor)]
    pub fn new(keys: Vec<String>, config: Option<RingConfig>) -> napi::Result<Self> {
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

    /// Records the outcome of `attempt` and decides what comes next: `{ action, delayMs,
    /// error }` (`Decision` in packages/shapes.d.ts).
    #[napi(ts_return_type = "Decision")]
    pub fn on_outcome(
        &self,
        request: &mut RequestState,
        attempt: &Attempt,
        outcome: Outcome,
    ) -> napi::Result<serde_json::Value> {
        let core_outcome = match (outcome.status, outcome.error.as_deref()) {
            (Some(status), None) => Some(CoreOutcome::Response {
                status,
                retry_after: outcome.retry_after.as_deref(),
            }),
            (None, Some(name)) => CoreOutcome::from_name(name),
            _ => None,
        }
        .ok_or_else(|| {
            error::invalid_argument(
                "an outcome has either a status or an error of 'timeout' or 'connection'",
            )
        })?;
        let decision = self
            .inner
            .on_outcome(&mut request.inner, &attempt.inner, core_outcome);
        Ok(crate::to_js(&decision))
    }

    /// Usage of every key, in priority order.
    #[napi]
    pub fn stats(&self) -> Vec<KeyStats> {
        self.inner.stats().into_iter().map(KeyStats::from).collect()
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
