//! `KeyRing`: the core's sans-IO rotation state machine as a JS class (mirrors
//! `core/src/ring.rs`). Hosts that bring their own HTTP stack drive it directly; `Client`
//! (feature `client`) drives it over `fetch`.

use std::sync::Arc;

use js_sys::Array;
use pictify_keys::source::SourcedKey;
use pictify_keys::{input, Clock};
use wasm_bindgen::prelude::*;

use crate::error::{core_error, invalid_argument};
use crate::key::ApiKey;
use crate::{get, HostClock};

/// A clock that moves only when told to (tests, replaying tests/vectors/rotation.json).
#[wasm_bindgen]
pub struct ManualClock {
    inner: Arc<pictify_keys::ring::ManualClock>,
}

#[wasm_bindgen]
impl ManualClock {
    /// A clock reading `startMs` (milliseconds since the epoch).
    #[wasm_bindgen(constructor)]
    pub fn new(start_ms: f64) -> ManualClock {
        Self {
            inner: Arc::new(pictify_keys::ring::ManualClock::new(start_ms as u64)),
        }
    }

    /// Moves the clock forward by `ms`.
    pub fn advance(&self, ms: f64) {
        self.inner.advance_ms(ms as u64);
    }

    /// The time it reads.
    #[wasm_bindgen(getter, js_name = nowMs)]
    pub fn now_ms(&self) -> f64 {
        self.inner.now_ms() as f64
    }
}

/// A `RingConfig` object (or an options object holding its fields) over the core's defaults.
pub fn config_from_js(options: &JsValue) -> Result<pictify_keys::RingConfig, JsValue> {
    input::ring_config(&crate::json(options)?).map_err(|e| core_error(&e))
}

/// Keys for a ring from JS: an array of key strings, `ApiKey`s, or `{ key, origin }` entries
/// as `loadKeys(env).keys` holds them. Provenance defaults to `explicit:<index>`.
pub fn keys_from_js(keys: &JsValue) -> Result<Vec<SourcedKey>, JsValue> {
    let array = keys.dyn_ref::<Array>().ok_or_else(|| {
        invalid_argument("keys must be an array of key strings or loadKeys() entries")
    })?;
    let mut out = Vec::new();
    for (i, item) in array.iter().enumerate() {
        let (value, origin) = match item.as_string() {
            Some(s) => (zeroize::Zeroizing::new(s), format!("explicit:{i}")),
            None => {
                // An entry `{ key, origin }`, or an `ApiKey` itself.
                let key = get(&item, "key");
                let key = if key.is_undefined() {
                    item.clone()
                } else {
                    key
                };
                let secret = match key.as_string() {
                    Some(s) => s,
                    None => reveal(&key)?,
                };
                let origin = get(&item, "origin")
                    .as_string()
                    .unwrap_or_else(|| format!("explicit:{i}"));
                (zeroize::Zeroizing::new(secret), origin)
            }
        };
        let key = pictify_keys::ApiKey::parse(&value).map_err(|e| core_error(&e.into()))?;
        out.push(SourcedKey::new(key, origin));
    }
    Ok(out)
}

/// Reads the secret of an `ApiKey` handle through its `reveal()` method.
fn reveal(key: &JsValue) -> Result<String, JsValue> {
    let f = get(key, "reveal")
        .dyn_into::<js_sys::Function>()
        .map_err(|_| {
            invalid_argument("each key must be a string, an ApiKey, or { key, origin }")
        })?;
    // EXPOSE: the key moves into the ring, which needs the secret to hand it to the sender.
    f.call0(key)?
        .as_string()
        .ok_or_else(|| invalid_argument("ApiKey.reveal() did not return a string"))
}

/// One logical request's progress through the ring.
#[wasm_bindgen]
pub struct RequestState {
    inner: pictify_keys::ring::RequestState,
}

#[wasm_bindgen]
impl RequestState {
    /// Attempts made so far.
    #[wasm_bindgen(getter)]
    pub fn attempts(&self) -> u32 {
        self.inner.attempts()
    }

    /// The fallbacks of this request: `[{ fromFingerprint, fromSource, toFingerprint,
    /// toSource, atMs }]`.
    #[wasm_bindgen(getter, unchecked_return_type = "Fallback[]")]
    pub fn fallbacks(&self) -> JsValue {
        crate::to_js(self.inner.fallbacks())
    }
}

/// The key to use for one attempt.
#[wasm_bindgen]
pub struct Attempt {
    inner: pictify_keys::ring::Attempt,
}

#[wasm_bindgen]
impl Attempt {
    /// The key to send.
    #[wasm_bindgen(getter)]
    pub fn key(&self) -> ApiKey {
        ApiKey::from_core(self.inner.key().clone())
    }

    /// Where the key came from.
    #[wasm_bindgen(getter)]
    pub fn source(&self) -> String {
        self.inner.origin().to_owned()
    }

    /// 1-based number of this attempt within the logical request.
    #[wasm_bindgen(getter)]
    pub fn number(&self) -> u32 {
        self.inner.number()
    }
}

/// The ordered keys (NEW first), their demotions after a 401 and their usage counts.
#[wasm_bindgen]
pub struct KeyRing {
    inner: Arc<pictify_keys::KeyRing>,
}

impl KeyRing {
    /// A ring over core keys with the host clock.
    pub fn from_keys(
        keys: Vec<SourcedKey>,
        config: pictify_keys::RingConfig,
    ) -> Result<KeyRing, JsValue> {
        let ring = pictify_keys::KeyRing::with_clock(keys, config, Arc::new(HostClock))
            .map_err(|e| core_error(&e))?;
        Ok(Self {
            inner: Arc::new(ring),
        })
    }
}

#[wasm_bindgen]
impl KeyRing {
    /// `new KeyRing(keys, config?)`: `keys` are key strings, `ApiKey`s or `loadKeys()`
    /// entries in priority order; `config` as in `RingConfig`; the clock is `Date.now()`.
    /// Throws `no_key` for an empty list, or the code of a malformed key.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "KeyInput[]")] keys: JsValue,
        #[wasm_bindgen(unchecked_param_type = "RingConfig | undefined")] config: JsValue,
    ) -> Result<KeyRing, JsValue> {
        Self::from_keys(keys_from_js(&keys)?, config_from_js(&config)?)
    }

    /// A ring on a `ManualClock` (tests, replaying rotation scripts).
    #[wasm_bindgen(js_name = withClock)]
    pub fn with_clock(
        #[wasm_bindgen(unchecked_param_type = "KeyInput[]")] keys: JsValue,
        #[wasm_bindgen(unchecked_param_type = "RingConfig | undefined")] config: JsValue,
        clock: &ManualClock,
    ) -> Result<KeyRing, JsValue> {
        let ring = pictify_keys::KeyRing::with_clock(
            keys_from_js(&keys)?,
            config_from_js(&config)?,
            clock.inner.clone(),
        )
        .map_err(|e| core_error(&e))?;
        Ok(Self {
            inner: Arc::new(ring),
        })
    }

    /// Starts a logical request.
    #[wasm_bindgen(js_name = beginRequest)]
    pub fn begin_request(&self) -> RequestState {
        RequestState {
            inner: self.inner.begin_request(),
        }
    }

    /// The key for the next attempt of `request`. Throws `unauthorized` when every key was
    /// tried.
    pub fn attempt(&self, request: &mut RequestState) -> Result<Attempt, JsValue> {
        self.inner
            .next_attempt(&mut request.inner)
            .map(|inner| Attempt { inner })
            .map_err(|e| core_error(&e))
    }

    /// Records the outcome of `attempt` (`Outcome`: `{ status, retryAfter? }`, `"timeout"` or
    /// `"connection"`) and returns the decision: `{ action, delayMs, error }`.
    #[wasm_bindgen(js_name = onOutcome, unchecked_return_type = "Decision")]
    pub fn on_outcome(
        &self,
        request: &mut RequestState,
        attempt: &Attempt,
        #[wasm_bindgen(unchecked_param_type = "Outcome")] outcome: JsValue,
    ) -> Result<JsValue, JsValue> {
        let outcome = crate::json(&outcome)?;
        let outcome = input::outcome(&outcome).map_err(|e| core_error(&e))?;
        let decision = self
            .inner
            .on_outcome(&mut request.inner, &attempt.inner, outcome);
        Ok(crate::to_js(&decision))
    }

    /// Usage of every key, in priority order.
    #[wasm_bindgen(unchecked_return_type = "KeyStats[]")]
    pub fn stats(&self) -> Array {
        crate::to_js(&self.inner.stats()).unchecked_into()
    }

    /// Fingerprints of the keys in priority order.
    #[wasm_bindgen(unchecked_return_type = "string[]")]
    pub fn fingerprints(&self) -> Array {
        self.inner
            .fingerprints()
            .into_iter()
            .map(JsValue::from)
            .collect()
    }
}
