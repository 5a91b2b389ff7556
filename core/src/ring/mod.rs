//! The key ring: a sans-IO, thread-safe state machine for key rotation and retries.
//!
//! The ring holds the keys in priority order (NEW first). For each logical request it says
//! which key to use, and from each outcome (status code and `Retry-After`, or a transport
//! failure) decides: [`Decision::Done`], [`Decision::TryNextKey`],
//! [`Decision::Retry`] (same key, after a delay) or [`Decision::Fail`]. The reqwest client of
//! the `http` feature and any host-supplied `fetch` drive the same machine.
//!
//! Rules:
//! - only a 401 moves to another key, and each key is tried at most once per request;
//! - a key that answered 401 is demoted for a cooldown (default 5 minutes), so later requests
//!   start with a live key; after the cooldown one request re-probes it;
//! - 408, 409, 429, 5xx, connection errors and timeouts are retried on the same key (the
//!   request may have executed, so the key never switches), at most `max_retries` times,
//!   with exponential backoff and jitter, or after `Retry-After` (seconds or HTTP date)
//!   capped at `retry_after_cap_ms`;
//! - any other status ends the request ([`Decision::Done`]) and the caller reads it.
//!
//! ```
//! use pictify_keys::ring::{Decision, KeyRing, ManualClock, Outcome, RingConfig};
//! use pictify_keys::source::KeyList;
//! use std::sync::Arc;
//!
//! let keys = KeyList::parse(&["pk_live_FAKE3Wwd25rq4f5zr3a1b2", "pk_live_FAKE9Qx7Lm2Np4Rs6c3d4"])?;
//! let ring = KeyRing::with_clock(keys.into_keys(), RingConfig::default(), Arc::new(ManualClock::new(0)))?;
//!
//! let mut req = ring.begin_request();
//! let first = ring.next_attempt(&mut req)?;
//! assert_eq!(first.key().fingerprint(), "pk_live_****a1b2");
//! assert_eq!(ring.on_outcome(&mut req, &first, Outcome::status(401)), Decision::TryNextKey);
//! let second = ring.next_attempt(&mut req)?;
//! assert_eq!(second.key().fingerprint(), "pk_live_****c3d4");
//! assert_eq!(ring.on_outcome(&mut req, &second, Outcome::status(200)), Decision::Done);
//!
//! // The next request starts with the key that works: no extra round trip.
//! let mut req = ring.begin_request();
//! assert_eq!(ring.next_attempt(&mut req)?.key().fingerprint(), "pk_live_****c3d4");
//! # Ok::<(), pictify_keys::Error>(())
//! ```

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};

use crate::error::{Error, HttpError};
use crate::key::ApiKey;
use crate::source::SourcedKey;
use crate::world::SplitMix;

pub use crate::world::{Clock, ManualClock, SystemClock};

mod backoff;
mod decide;
pub use backoff::parse_retry_after;
pub use decide::decide;

/// Tuning of the ring. The defaults suit the Pictify API.
///
/// With `serde`, a partial object of camelCase overrides (`{"maxRetries": 1}`) deserializes
/// with every other field at its default: front ends take a config this way, so the
/// defaults are written once, here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(default, rename_all = "camelCase"))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct RingConfig {
    /// Retries of a transient failure on the same key (default 2).
    #[cfg_attr(feature = "uniffi", uniffi(default = 2))]
    pub max_retries: u32,
    /// How long a key that answered 401 stays demoted (default 300,000 ms: 5 minutes).
    #[cfg_attr(feature = "uniffi", uniffi(default = 300000))]
    pub cooldown_ms: u64,
    /// First backoff delay (default 250 ms); doubles per retry.
    #[cfg_attr(feature = "uniffi", uniffi(default = 250))]
    pub base_delay_ms: u64,
    /// Longest backoff delay (default 8,000 ms).
    #[cfg_attr(feature = "uniffi", uniffi(default = 8000))]
    pub max_delay_ms: u64,
    /// Longest wait a `Retry-After` header can impose (default 30,000 ms).
    #[cfg_attr(feature = "uniffi", uniffi(default = 30000))]
    pub retry_after_cap_ms: u64,
    /// Randomise backoff delays in `[d/2, d]` (default on) so clients do not retry in step.
    #[cfg_attr(feature = "uniffi", uniffi(default = true))]
    pub jitter: bool,
}

impl Default for RingConfig {
    fn default() -> Self {
        Self {
            max_retries: 2,
            cooldown_ms: 300_000,
            base_delay_ms: 250,
            max_delay_ms: 8_000,
            retry_after_cap_ms: 30_000,
            jitter: true,
        }
    }
}

/// What happened to one attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome<'a> {
    /// The server answered.
    Response {
        /// HTTP status.
        status: u16,
        /// The `Retry-After` header, if any (seconds or an HTTP date).
        retry_after: Option<&'a str>,
    },
    /// No answer in time. The request may have executed.
    Timeout,
    /// The connection could not be made or broke before the answer.
    ConnectionError,
}

impl Outcome<'static> {
    /// The outcome named by its wire name, as tests/vectors/rotation.json and every front end
    /// spell it: `"timeout"` or `"connection"`. `None` for any other name (a status is
    /// [`Outcome::status`]).
    ///
    /// ```
    /// use pictify_keys::Outcome;
    /// assert_eq!(Outcome::from_name("connection"), Some(Outcome::ConnectionError));
    /// assert_eq!(Outcome::from_name("connection_error"), None);
    /// ```
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "timeout" => Some(Outcome::Timeout),
            "connection" => Some(Outcome::ConnectionError),
            _ => None,
        }
    }

    /// An answer with this status and no `Retry-After`.
    pub fn status(status: u16) -> Self {
        Outcome::Response {
            status,
            retry_after: None,
        }
    }
}

/// An [`Outcome`] that owns its `Retry-After` text, for a front end that hands the outcome
/// over as a value (Kotlin and Swift call it `Outcome`, feature `uniffi`);
/// [`OutcomeBuf::as_outcome`] lends it to [`KeyRing::on_outcome`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum), uniffi(name = "Outcome"))]
pub enum OutcomeBuf {
    /// The server answered.
    Response {
        /// HTTP status.
        status: u16,
        /// The `Retry-After` header, if any (seconds or an HTTP date).
        retry_after: Option<String>,
    },
    /// No answer in time. The request may have executed.
    Timeout,
    /// The connection could not be made or broke before the answer.
    ConnectionError,
}

impl OutcomeBuf {
    /// The borrowed [`Outcome`] the ring decides from.
    pub fn as_outcome(&self) -> Outcome<'_> {
        match self {
            Self::Response {
                status,
                retry_after,
            } => Outcome::Response {
                status: *status,
                retry_after: retry_after.as_deref(),
            },
            Self::Timeout => Outcome::Timeout,
            Self::ConnectionError => Outcome::ConnectionError,
        }
    }
}

impl From<Outcome<'_>> for OutcomeBuf {
    fn from(o: Outcome<'_>) -> Self {
        match o {
            Outcome::Response {
                status,
                retry_after,
            } => Self::Response {
                status,
                retry_after: retry_after.map(str::to_owned),
            },
            Outcome::Timeout => Self::Timeout,
            Outcome::ConnectionError => Self::ConnectionError,
        }
    }
}

/// What to do after an attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// The request is over: hand the answer to the caller (a 2xx, or a status no retry or
    /// other key can fix, such as 400 or 404).
    Done,
    /// The key was refused (401): re-read the key source if there is one, then call
    /// [`KeyRing::next_attempt`] for the next key.
    TryNextKey,
    /// A transient failure: wait, then call [`KeyRing::next_attempt`] again (same key, same
    /// idempotency key).
    Retry {
        /// How long to wait first, in milliseconds.
        delay_ms: u64,
    },
    /// Give up with this error.
    Fail(HttpError),
}

impl Decision {
    /// `done`, `try_next_key`, `retry` or `fail`, as in tests/vectors/rotation.json.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Done => "done",
            Self::TryNextKey => "try_next_key",
            Self::Retry { .. } => "retry",
            Self::Fail(_) => "fail",
        }
    }

    /// The error to give up with, for [`Decision::Fail`]; `None` for every other decision.
    ///
    /// ```
    /// use pictify_keys::ring::{Decision, KeyRing, Outcome, RingConfig};
    /// use pictify_keys::source::KeyList;
    ///
    /// let keys = KeyList::parse(&["pk_live_FAKE3Wwd25rq4f5zr3a1b2"])?.into_keys();
    /// let ring = KeyRing::new(keys, RingConfig::default())?;
    /// let mut req = ring.begin_request();
    /// let attempt = ring.next_attempt(&mut req)?;
    /// let decision = ring.on_outcome(&mut req, &attempt, Outcome::status(401));
    /// assert_eq!(decision.error().map(|e| e.code()), Some("unauthorized"));
    /// assert!(Decision::Done.error().is_none());
    /// # Ok::<(), pictify_keys::Error>(())
    /// ```
    pub fn error(&self) -> Option<Error> {
        match self {
            Self::Fail(e) => Some(Error::Http(e.clone())),
            _ => None,
        }
    }
}

/// `{action, delayMs, error}`: `delayMs` is set for `retry`, `error` (the error's report,
/// `{code, family, message, details}`) for `fail`; both are `null` otherwise.
#[cfg(feature = "serde")]
impl serde::Serialize for Decision {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Decision", 3)?;
        st.serialize_field("action", self.as_str())?;
        let delay = match self {
            Self::Retry { delay_ms } => Some(*delay_ms),
            _ => None,
        };
        st.serialize_field("delayMs", &delay)?;
        let error = match self {
            Self::Fail(e) => Some(Error::Http(e.clone()).report()),
            _ => None,
        };
        st.serialize_field("error", &error)?;
        st.end()
    }
}

/// A fallback from one key to the next, for the audit log: fingerprints only. Serialized
/// (feature `serde`) in camelCase, as the JavaScript packages show it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "camelCase"))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct FallbackEvent {
    /// The key that answered 401.
    pub from_fingerprint: String,
    /// Where that key came from.
    pub from_source: String,
    /// The key tried next.
    pub to_fingerprint: String,
    /// Where that key came from.
    pub to_source: String,
    /// When, in milliseconds since the Unix epoch.
    pub at_ms: u64,
}

/// Usage of one key, so a user can see that an old key is no longer used before revoking it.
///
/// `requests == successes + unauthorized + errors`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "camelCase"))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct KeyStats {
    /// The key's fingerprint.
    pub fingerprint: String,
    /// Where the key came from (`env:PICTIFY_API_KEY`).
    pub origin: String,
    /// Attempts sent with this key.
    pub requests: u64,
    /// Attempts answered with a 2xx.
    pub successes: u64,
    /// Attempts answered with 401.
    pub unauthorized: u64,
    /// Other attempts: transient failures and other statuses.
    pub errors: u64,
    /// Last attempt with this key, in milliseconds since the Unix epoch.
    pub last_used_ms: Option<u64>,
    /// Until when the key is demoted after a 401, if it is.
    pub demoted_until_ms: Option<u64>,
}

struct Entry {
    id: u64,
    key: Arc<ApiKey>,
    source: Arc<str>,
    demoted_until: Option<u64>,
    requests: u64,
    successes: u64,
    unauthorized: u64,
    errors: u64,
    last_used: Option<u64>,
}

impl Entry {
    fn new(id: u64, key: SourcedKey) -> Self {
        let (key, source) = key.into_parts();
        Self {
            id,
            key: Arc::new(key),
            source: source.into(),
            demoted_until: None,
            requests: 0,
            successes: 0,
            unauthorized: 0,
            errors: 0,
            last_used: None,
        }
    }

    fn stats(&self) -> KeyStats {
        KeyStats {
            fingerprint: self.key.fingerprint(),
            origin: self.source.to_string(),
            requests: self.requests,
            successes: self.successes,
            unauthorized: self.unauthorized,
            errors: self.errors,
            last_used_ms: self.last_used,
            demoted_until_ms: self.demoted_until,
        }
    }
}

struct State {
    entries: Vec<Entry>,
    next_id: u64,
}

/// The keys with every repeat of an earlier key dropped (the first listing wins, with its
/// origin), so a key listed twice (`PICTIFY_API_KEY` and `PICTIFY_API_KEY_NEW` holding the
/// same key, or a caller passing it twice) is tried once per request on every path.
fn distinct(keys: Vec<SourcedKey>) -> Vec<SourcedKey> {
    let mut out: Vec<SourcedKey> = Vec::with_capacity(keys.len());
    for k in keys {
        if !out.iter().any(|o| o.key() == k.key()) {
            out.push(k);
        }
    }
    out
}

/// A receiver of fallback events (an audit logger).
pub type FallbackSink = Arc<dyn Fn(&FallbackEvent) + Send + Sync>;

/// The ordered keys, their demotions and usage counts. Shared by all requests of a client;
/// thread-safe.
pub struct KeyRing {
    state: Mutex<State>,
    config: RingConfig,
    clock: Arc<dyn Clock>,
    rng: SplitMix,
    fallback_sink: Mutex<Option<FallbackSink>>,
}

/// One logical request's progress through the ring. Create with [`KeyRing::begin_request`].
#[derive(Debug, Clone, Default)]
pub struct RequestState {
    tried: Vec<u64>,
    current: Option<u64>,
    retries: u32,
    attempts: u32,
    /// Whether an untried key remains (set when a key is refused).
    keys_left: bool,
    fallback_from: Option<(String, Arc<str>)>,
    events: Vec<FallbackEvent>,
}

impl RequestState {
    /// Attempts made so far.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// The fallbacks of this request so far.
    pub fn fallbacks(&self) -> &[FallbackEvent] {
        &self.events
    }
}

/// The key to use for one attempt.
#[derive(Clone)]
pub struct Attempt {
    key: Arc<ApiKey>,
    key_id: u64,
    number: u32,
    origin: Arc<str>,
}

impl Attempt {
    /// The key to send.
    pub fn key(&self) -> &ApiKey {
        &self.key
    }

    /// Where the key came from (`env:PICTIFY_API_KEY_NEW`, `explicit:0`, …).
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// 1-based number of this attempt within the logical request.
    pub fn number(&self) -> u32 {
        self.number
    }
}

impl fmt::Debug for Attempt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Attempt({} #{} from {})",
            self.key.fingerprint(),
            self.number,
            self.origin
        )
    }
}

impl KeyRing {
    /// A ring over `keys` (priority order) with the system clock. No key is [`Error::NoKey`].
    pub fn new(keys: Vec<SourcedKey>, config: RingConfig) -> Result<Self, Error> {
        Self::with_clock(keys, config, Arc::new(SystemClock))
    }

    /// A ring with an injected clock (tests, vectors, hosts with their own time source).
    pub fn with_clock(
        keys: Vec<SourcedKey>,
        config: RingConfig,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, Error> {
        let keys = distinct(keys);
        if keys.is_empty() {
            return Err(Error::NoKey);
        }
        let entries = keys
            .into_iter()
            .enumerate()
            .map(|(i, k)| Entry::new(i as u64, k))
            .collect::<Vec<_>>();
        let next_id = entries.len() as u64;
        Ok(Self {
            state: Mutex::new(State { entries, next_id }),
            config,
            clock,
            rng: SplitMix::new(),
            fallback_sink: Mutex::new(None),
        })
    }

    /// The configuration.
    pub fn config(&self) -> RingConfig {
        self.config
    }

    /// Sends every fallback event to `sink` (e.g. an audit logger).
    pub fn set_fallback_sink(&self, sink: FallbackSink) {
        *self.fallback_sink.lock().unwrap_or_else(|e| e.into_inner()) = Some(sink);
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock leaves consistent counters; keep going.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Replaces the keys after the source was re-read (a rotated secret file). Keys that stay
    /// keep their stats and demotion; new keys start fresh; keys that are gone are dropped.
    /// An empty list is ignored (a ring never becomes empty).
    pub fn replace_keys(&self, keys: Vec<SourcedKey>) {
        let keys = distinct(keys);
        if keys.is_empty() {
            return;
        }
        let mut state = self.lock();
        let mut old = std::mem::take(&mut state.entries);
        let mut entries = Vec::with_capacity(keys.len());
        for k in keys {
            if let Some(pos) = old.iter().position(|e| *e.key == *k.key()) {
                let mut e = old.swap_remove(pos);
                e.source = k.origin().into();
                entries.push(e);
            } else {
                let id = state.next_id;
                state.next_id += 1;
                entries.push(Entry::new(id, k));
            }
        }
        state.entries = entries;
    }

    /// Starts a logical request.
    pub fn begin_request(&self) -> RequestState {
        RequestState::default()
    }

    /// The key for the next attempt of `req`: the same key after [`Decision::Retry`], the
    /// next untried key after [`Decision::TryNextKey`]. Keys not demoted come first, in
    /// priority order; a demoted key whose cooldown has ended is re-probed by one request.
    /// When every key was tried this is [`HttpError::Unauthorized`].
    pub fn next_attempt(&self, req: &mut RequestState) -> Result<Attempt, Error> {
        let now = self.clock.now_ms();
        let mut state = self.lock();
        let chosen = match req
            .current
            .and_then(|id| state.entries.iter().position(|e| e.id == id))
        {
            Some(i) => i,
            None => {
                req.retries = 0;
                let untried = |e: &&Entry| !req.tried.contains(&e.id);
                let live = state.entries.iter().position(|e| {
                    !req.tried.contains(&e.id) && e.demoted_until.map_or(true, |t| t <= now)
                });
                let pick = live.or_else(|| {
                    state
                        .entries
                        .iter()
                        .enumerate()
                        .filter(|(_, e)| untried(e))
                        .min_by_key(|(_, e)| e.demoted_until.unwrap_or(0))
                        .map(|(i, _)| i)
                });
                let Some(i) = pick else {
                    return Err(HttpError::Unauthorized {
                        tried: req.tried.len(),
                        api_code: None,
                        request_id: None,
                    }
                    .into());
                };
                let cooldown = self.config.cooldown_ms;
                let entry = &mut state.entries[i];
                if entry.demoted_until.is_some_and(|t| t <= now) {
                    // This request re-probes the key; others keep avoiding it meanwhile.
                    entry.demoted_until = Some(now.saturating_add(cooldown));
                }
                i
            }
        };
        let entry = &state.entries[chosen];
        req.current = Some(entry.id);
        req.attempts += 1;
        let attempt = Attempt {
            key: entry.key.clone(),
            key_id: entry.id,
            number: req.attempts,
            origin: entry.source.clone(),
        };
        drop(state);
        if let Some((from_fingerprint, from_source)) = req.fallback_from.take() {
            let event = FallbackEvent {
                from_fingerprint,
                from_source: from_source.to_string(),
                to_fingerprint: attempt.key.fingerprint(),
                to_source: attempt.origin.to_string(),
                at_ms: now,
            };
            let sink = self
                .fallback_sink
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .clone();
            if let Some(sink) = sink {
                sink(&event);
            }
            req.events.push(event);
        }
        Ok(attempt)
    }

    /// Records the outcome of `attempt` (the key's usage counts and demotion, the request's
    /// tried keys), then decides what comes next ([`decide`]).
    pub fn on_outcome(
        &self,
        req: &mut RequestState,
        attempt: &Attempt,
        outcome: Outcome<'_>,
    ) -> Decision {
        let now = self.clock.now_ms();
        self.record(req, attempt, outcome, now);
        let decision = decide(outcome, req, &self.config, now, self.rng.next_u64());
        match decision {
            Decision::TryNextKey => {
                req.fallback_from = Some((attempt.key.fingerprint(), attempt.origin.clone()));
            }
            Decision::Retry { .. } => req.retries += 1,
            _ => {}
        }
        decision
    }

    /// The bookkeeping of an outcome: usage counts, demotion after a 401 (for the cooldown),
    /// and the request's tried keys.
    fn record(&self, req: &mut RequestState, attempt: &Attempt, outcome: Outcome<'_>, now: u64) {
        let mut state = self.lock();
        let status = match outcome {
            Outcome::Response { status, .. } => Some(status),
            _ => None,
        };
        if let Some(e) = state.entries.iter_mut().find(|e| e.id == attempt.key_id) {
            e.requests += 1;
            e.last_used = Some(now);
            match status {
                Some(200..=299) => {
                    e.successes += 1;
                    e.demoted_until = None;
                }
                Some(401) => {
                    e.unauthorized += 1;
                    e.demoted_until = Some(now.saturating_add(self.config.cooldown_ms));
                }
                _ => e.errors += 1,
            }
        }
        if status == Some(401) {
            req.tried.push(attempt.key_id);
            req.current = None;
            req.keys_left = state.entries.iter().any(|e| !req.tried.contains(&e.id));
        }
    }

    /// The backoff before retry number `retry` (1-based): `base * 2^(retry-1)`, capped, and
    /// with jitter somewhere in `[d/2, d]`.
    pub fn backoff_ms(&self, retry: u32) -> u64 {
        backoff::delay_ms(&self.config, retry, self.rng.next_u64())
    }

    /// Now, by the ring's clock (milliseconds since the Unix epoch).
    pub fn now_ms(&self) -> u64 {
        self.clock.now_ms()
    }

    /// Usage of every key, in priority order.
    pub fn stats(&self) -> Vec<KeyStats> {
        self.lock().entries.iter().map(Entry::stats).collect()
    }

    /// Fingerprints of the keys in priority order.
    pub fn fingerprints(&self) -> Vec<String> {
        self.lock()
            .entries
            .iter()
            .map(|e| e.key.fingerprint())
            .collect()
    }
}

impl fmt::Debug for KeyRing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyRing")
            .field("keys", &self.fingerprints())
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests;
