//! The authenticated HTTP client (feature `http`): reqwest with rustls on native targets,
//! `fetch` on wasm32, driving the [`KeyRing`].
//!
//! - `Authorization: Bearer <key>` is marked sensitive (never logged by the HTTP stack);
//! - a 401 re-reads the key source, then falls back to the next key (each key once per
//!   request) and demotes the refused key, so later requests skip it;
//! - 408, 409, 429, 5xx, connection errors and timeouts are retried on the same key with
//!   backoff and jitter, honouring `Retry-After` up to a cap;
//! - one `Idempotency-Key` per logical POST, reused on every retry and fallback, so a POST
//!   never executes twice;
//! - errors carry stable codes and never contain URLs, headers or keys;
//! - the user agent is `pictify-keys-<language>/<version>` (bindings pass their language).
//!
//! ```no_run
//! # async fn demo() -> Result<(), pictify_keys::Error> {
//! use pictify_keys::http::{Client, ImageOptions};
//! use pictify_keys::{EnvSource, ProcessEnv};
//!
//! let client = Client::builder().source(EnvSource::new(ProcessEnv)).build()?;
//! let image = client.images().create(&ImageOptions { html: Some("<h1>Hi</h1>".into()), ..Default::default() }).await?;
//! println!("{:?}", image.url);
//! # Ok(()) }
//! ```

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderValue, AUTHORIZATION, RETRY_AFTER, USER_AGENT};
use serde_json::Value;
use zeroize::Zeroizing;

use crate::audit::{AuditEvent, KeyRef, Timestamp};
use crate::check::check_client_keys;
use crate::env::{Detection, Policy};
use crate::error::{api_code_of, request_id_of, Error, HttpError};
use crate::ring::{
    Clock, Decision, FallbackEvent, KeyRing, KeyStats, Outcome, RingConfig, SystemClock,
};
use crate::source::KeySource;

/// The Pictify API.
pub const DEFAULT_BASE_URL: &str = "https://api.pictify.io";

/// Hard bound on attempts per logical request, whatever the configuration.
const MAX_ATTEMPTS: u32 = 64;

/// Builds a [`Client`].
pub struct ClientBuilder {
    base_url: String,
    timeout: Duration,
    connect_timeout: Duration,
    language: String,
    version: String,
    ring_config: RingConfig,
    clock: Option<Arc<dyn Clock>>,
    source: Option<Arc<dyn KeySource>>,
    audit: Option<AuditHook>,
    environment: Detection,
    policy: Policy,
}

/// A receiver of audit events (one per key fallback).
pub type AuditHook = Arc<dyn Fn(&AuditEvent) + Send + Sync>;

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("timeout", &self.timeout)
            .field("source", &self.source.as_ref().map(|s| s.name()))
            .finish_non_exhaustive()
    }
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Self {
            base_url: DEFAULT_BASE_URL.to_owned(),
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            language: "rust".to_owned(),
            version: env!("CARGO_PKG_VERSION").to_owned(),
            ring_config: RingConfig::default(),
            clock: None,
            source: None,
            audit: None,
            environment: Detection::unknown(),
            policy: Policy::strict(),
        }
    }
}

impl ClientBuilder {
    /// The API base URL (default `https://api.pictify.io`).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// Time allowed for one attempt, answer included (default 30 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Time allowed to connect (default 10 s; native targets only).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The user agent's language and version: `pictify-keys-<language>/<version>`. Bindings
    /// pass theirs (`python`, `node`, …); the default is `rust` and this crate's version.
    pub fn user_agent(mut self, language: impl Into<String>, version: impl Into<String>) -> Self {
        self.language = language.into();
        self.version = version.into();
        self
    }

    /// Retry, backoff and cooldown settings.
    pub fn ring_config(mut self, config: RingConfig) -> Self {
        self.ring_config = config;
        self
    }

    /// The clock of the key ring (tests; hosts with their own time).
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = Some(clock);
        self
    }

    /// Where the keys come from. The source is read when the client is built and re-read
    /// before every fallback, so a rotated secret file is picked up at once.
    pub fn source(mut self, source: impl KeySource + 'static) -> Self {
        self.source = Some(Arc::new(source));
        self
    }

    /// Receives an [`AuditEvent`] for every fallback from a refused key to the next:
    /// action `api_key.fallback`, `keyId` the refused key's fingerprint, the endpoint and
    /// method of the request, status 401. Never a secret.
    pub fn audit_hook(mut self, hook: AuditHook) -> Self {
        self.audit = Some(hook);
        self
    }

    /// The environment the client runs in, for the environment policy (see
    /// [`Self::policy`]). Bindings pass the detection from the same variables they read the
    /// keys from (`detect_environment`); the default is unknown, which allows any key with a
    /// warning, because this crate never reads the process environment on its own.
    pub fn environment(mut self, detection: Detection) -> Self {
        self.environment = detection;
        self
    }

    /// The environment policy applied to every key when the client is built and when it
    /// re-reads its keys (default strict: a live key only in production, a test key never
    /// in production). Relax it explicitly, as with `pictify-keys check`.
    pub fn policy(mut self, policy: Policy) -> Self {
        self.policy = policy;
        self
    }

    /// Builds the client: loads the keys (a broken source or no key is an error) and applies
    /// the environment policy to each (`live_key_in_development`, `test_key_in_production`).
    pub fn build(self) -> Result<Client, Error> {
        let source = self.source.ok_or(Error::NoKey)?;
        let keys = source.load()?.ok_or(Error::NoKey)?;
        check_client_keys(&keys, &self.environment, self.policy)?;
        let clock = self.clock.unwrap_or_else(|| Arc::new(SystemClock));
        let ring = KeyRing::with_clock(keys, self.ring_config, clock)?;
        let base_url = self.base_url.trim_end_matches('/').to_owned();
        if !(base_url.starts_with("https://") || base_url.starts_with("http://")) {
            return Err(HttpError::InvalidRequest {
                reason: "the base URL must start with https:// or http://",
            }
            .into());
        }
        let user_agent =
            HeaderValue::from_str(&format!("pictify-keys-{}/{}", self.language, self.version))
                .map_err(|_| HttpError::InvalidRequest {
                    reason: "the user agent has characters not allowed in a header",
                })?;
        #[cfg(not(target_arch = "wasm32"))]
        let http = reqwest::Client::builder()
            .connect_timeout(self.connect_timeout)
            .build();
        // fetch has no separate connect timeout; the per-attempt timeout covers it.
        #[cfg(target_arch = "wasm32")]
        let http = {
            let _ = self.connect_timeout;
            reqwest::Client::builder().build()
        };
        let http = http.map_err(|_| HttpError::Transport {
            kind: "the HTTP client could not be set up",
        })?;
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                ring,
                source,
                base_url,
                user_agent,
                timeout: self.timeout,
                audit: self.audit,
                environment: self.environment,
                policy: self.policy,
            }),
        })
    }
}

struct Inner {
    http: reqwest::Client,
    ring: KeyRing,
    source: Arc<dyn KeySource>,
    base_url: String,
    user_agent: HeaderValue,
    timeout: Duration,
    audit: Option<AuditHook>,
    environment: Detection,
    policy: Policy,
}

/// A Pictify API client. Cheap to clone; clones share the key ring and connection pool.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .field("keys", &self.inner.ring.fingerprints())
            .finish_non_exhaustive()
    }
}

/// A successful answer.
#[derive(Debug, Clone)]
pub struct ApiResponse {
    /// The HTTP status (2xx).
    pub status: u16,
    /// The JSON body (`Null` when empty).
    pub body: Value,
    /// The fingerprint of the key that succeeded.
    pub key_fingerprint: String,
    /// Attempts made for this logical request.
    pub attempts: u32,
    /// Fallbacks from a refused key to the next, for the audit log.
    pub fallbacks: Vec<FallbackEvent>,
}

/// Options of `POST /image`. Unknown or newer API fields go into `extra`.
#[derive(Debug, Clone, Default, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageOptions {
    /// HTML to render.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub html: Option<String>,
    /// A web page to capture.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// A template ID.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub template: Option<String>,
    /// Template variables.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub variables: Option<Value>,
    /// Width in pixels.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub width: Option<u32>,
    /// Height in pixels.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub height: Option<u32>,
    /// A CSS selector to capture.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub selector: Option<String>,
    /// `png`, `jpg`, `webp`, ….
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file_extension: Option<String>,
    /// Other fields, sent as given.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, Value>,
}

/// A created image.
#[derive(Debug, Clone)]
pub struct Image {
    /// Its ID, when the API sent one.
    pub id: Option<String>,
    /// Its URL, when the API sent one.
    pub url: Option<String>,
    /// The whole answer.
    pub raw: Value,
}

/// `client.images()`: the image endpoints.
#[derive(Debug, Clone, Copy)]
pub struct Images<'a> {
    client: &'a Client,
}

impl Images<'_> {
    /// `POST /image`: renders an image. Retried safely: one idempotency key for all attempts.
    pub async fn create(&self, options: &ImageOptions) -> Result<Image, Error> {
        let body = serde_json::to_value(options).map_err(|_| HttpError::InvalidRequest {
            reason: "the image options cannot be encoded as JSON",
        })?;
        let resp = self.client.request("POST", "/image", Some(&body)).await?;
        let field = |name: &str| {
            resp.body
                .get(name)
                .and_then(Value::as_str)
                .map(str::to_owned)
        };
        Ok(Image {
            id: field("id"),
            url: field("url"),
            raw: resp.body,
        })
    }
}

static IDEMPOTENCY_COUNTER: AtomicU64 = AtomicU64::new(0);

/// 64 unpredictable bits, without a randomness crate (std's per-process random hash keys on
/// native; `Math.random` on wasm32).
#[cfg(not(target_arch = "wasm32"))]
fn random_u64() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(IDEMPOTENCY_COUNTER.fetch_add(1, Ordering::Relaxed));
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    h.write_u128(nanos);
    h.finish()
}

#[cfg(target_arch = "wasm32")]
fn random_u64() -> u64 {
    let hi = (js_sys::Math::random() * 4_294_967_296.0) as u64;
    let lo = (js_sys::Math::random() * 4_294_967_296.0) as u64;
    let n = IDEMPOTENCY_COUNTER.fetch_add(1, Ordering::Relaxed);
    ((hi << 32) | lo) ^ n.rotate_left(17)
}

/// A fresh idempotency key in UUID v4 form.
pub fn new_idempotency_key() -> String {
    let a = random_u64();
    let b = random_u64();
    let a = (a & 0xFFFF_FFFF_FFFF_0FFF) | 0x0000_0000_0000_4000;
    let b = (b & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000;
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xFFFF,
        a & 0xFFFF,
        b >> 48,
        b & 0xFFFF_FFFF_FFFF
    )
}

#[cfg(not(target_arch = "wasm32"))]
async fn sleep_ms(ms: u64) {
    tokio::time::sleep(Duration::from_millis(ms)).await;
}

#[cfg(target_arch = "wasm32")]
async fn sleep_ms(ms: u64) {
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        let global = js_sys::global();
        let set_timeout =
            js_sys::Reflect::get(&global, &wasm_bindgen::JsValue::from_str("setTimeout"));
        match set_timeout {
            Ok(f) if f.is_function() => {
                let f = js_sys::Function::from(f);
                let _ = f.call2(&global, &resolve, &js_sys::Number::from(ms as f64));
            }
            // No timer in this host: retry at once rather than hang.
            _ => {
                let _ = resolve.call0(&global);
            }
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// The API's own error message from an error body, if short and free of anything key-shaped.
fn api_message(body: &Value) -> Option<String> {
    let m = body
        .get("error")
        .and_then(|e| e.get("message").or(Some(e)))
        .and_then(Value::as_str)?;
    if m.contains("pk_") || m.len() > 200 {
        return None;
    }
    Some(m.to_owned())
}

impl Client {
    /// A builder with the defaults.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The image endpoints.
    pub fn images(&self) -> Images<'_> {
        Images { client: self }
    }

    /// The key ring (stats, audit sink).
    pub fn ring(&self) -> &KeyRing {
        &self.inner.ring
    }

    /// Usage of every key.
    pub fn stats(&self) -> Vec<KeyStats> {
        self.inner.ring.stats()
    }

    /// Re-reads the key source now. A broken source, or a key the environment policy
    /// refuses, leaves the current keys in place and returns its error.
    pub fn reload_keys(&self) -> Result<(), Error> {
        if let Some(keys) = self.inner.source.load()? {
            check_client_keys(&keys, &self.inner.environment, self.inner.policy)?;
            self.inner.ring.replace_keys(keys);
        }
        Ok(())
    }

    /// Sends one logical request: `method` (`GET`, `POST`, …), `path` (starting with `/`)
    /// and an optional JSON body. Retries and key fallback happen inside; the result is a
    /// 2xx answer or an error with a stable code.
    pub async fn request(
        &self,
        method: &str,
        path: &str,
        json: Option<&Value>,
    ) -> Result<ApiResponse, Error> {
        let inner = &self.inner;
        let method =
            reqwest::Method::from_bytes(method.to_ascii_uppercase().as_bytes()).map_err(|_| {
                HttpError::InvalidRequest {
                    reason: "unknown HTTP method",
                }
            })?;
        if !path.starts_with('/')
            || path.contains("://")
            || path.chars().any(|c| c.is_whitespace() || c.is_control())
        {
            return Err(HttpError::InvalidRequest {
                reason: "the path must start with / and hold no spaces",
            }
            .into());
        }
        let url = format!("{}{path}", inner.base_url);
        let idempotency_key = (method == reqwest::Method::POST)
            .then(|| HeaderValue::from_str(&new_idempotency_key()))
            .transpose()
            .map_err(|_| HttpError::InvalidRequest {
                reason: "bad idempotency key",
            })?;
        let mut req = inner.ring.begin_request();
        // The API's code and request id of the last 401, reported if every key is refused.
        let mut refusal: (Option<String>, Option<String>) = (None, None);
        loop {
            let attempt = inner.ring.attempt(&mut req)?;
            if attempt.number() > MAX_ATTEMPTS {
                return Err(HttpError::Transport {
                    kind: "too many attempts",
                }
                .into());
            }
            // EXPOSE: the key goes into the Authorization header of this one request, marked
            // sensitive so the HTTP stack never logs it; the string is zeroed when dropped.
            let bearer = Zeroizing::new(format!("Bearer {}", attempt.key().expose_secret()));
            let mut auth =
                HeaderValue::from_str(&bearer).map_err(|_| HttpError::InvalidRequest {
                    reason: "the key cannot be sent in a header",
                })?;
            auth.set_sensitive(true);
            let mut builder = inner
                .http
                .request(method.clone(), &url)
                .header(AUTHORIZATION, auth)
                .header(USER_AGENT, inner.user_agent.clone())
                .timeout(inner.timeout);
            if let Some(k) = &idempotency_key {
                builder = builder.header("Idempotency-Key", k.clone());
            }
            if let Some(body) = json {
                builder = builder.json(body);
            }
            let (decision, response) = match builder.send().await {
                Ok(resp) => {
                    let status = resp.status().as_u16();
                    let retry_after = resp
                        .headers()
                        .get(RETRY_AFTER)
                        .and_then(|v| v.to_str().ok())
                        .map(str::to_owned);
                    let resp = if status == 401 {
                        refusal = refusal_of(resp).await;
                        // A rotated secret may already hold the new key: re-read before falling back.
                        // A broken source, or keys the policy refuses, keeps the keys we have.
                        if let Ok(Some(keys)) = inner.source.refresh() {
                            if check_client_keys(&keys, &inner.environment, inner.policy).is_ok() {
                                inner.ring.replace_keys(keys);
                            }
                        }
                        None
                    } else {
                        Some(resp)
                    };
                    let outcome = Outcome::Response {
                        status,
                        retry_after: retry_after.as_deref(),
                    };
                    (inner.ring.on_outcome(&mut req, &attempt, outcome), resp)
                }
                Err(e) => {
                    if e.is_builder() {
                        return Err(HttpError::InvalidRequest {
                            reason: "the request could not be built",
                        }
                        .into());
                    }
                    let outcome = if e.is_timeout() {
                        Outcome::Timeout
                    } else {
                        Outcome::ConnectionError
                    };
                    (inner.ring.on_outcome(&mut req, &attempt, outcome), None)
                }
            };
            match decision {
                Decision::Done => {
                    let Some(resp) = response else {
                        return Err(HttpError::Transport { kind: "no answer" }.into());
                    };
                    return finish(resp, attempt.key().fingerprint(), &req).await;
                }
                Decision::TryNextKey => {
                    if let Some(hook) = &inner.audit {
                        let at = i64::try_from(inner.ring.now_ms()).unwrap_or(i64::MAX);
                        let event = AuditEvent::new(
                            Timestamp::from_unix_millis(at),
                            "api_key.fallback",
                            KeyRef::from_key(attempt.key()),
                            path,
                            method.as_str(),
                            401,
                        )
                        .with_user_agent(inner.user_agent.to_str().unwrap_or_default());
                        hook(&event);
                    }
                }
                Decision::Retry { delay_ms } => {
                    drop(response);
                    sleep_ms(delay_ms).await;
                }
                Decision::Fail(HttpError::Unauthorized { tried, .. }) => {
                    let (api_code, request_id) = refusal;
                    return Err(HttpError::Unauthorized {
                        tried,
                        api_code,
                        request_id,
                    }
                    .into());
                }
                Decision::Fail(e) => return Err(e.into()),
            }
        }
    }
}

/// The request id header the API sends with every answer.
const REQUEST_ID: &str = "x-request-id";

/// The API's error code and request id from a 401 answer (the body is small).
async fn refusal_of(resp: reqwest::Response) -> (Option<String>, Option<String>) {
    let request_id = request_id_of(resp.headers().get(REQUEST_ID).and_then(|v| v.to_str().ok()));
    let body = resp
        .bytes()
        .await
        .ok()
        .and_then(|b| serde_json::from_slice::<Value>(&b).ok())
        .unwrap_or(Value::Null);
    (api_code(&body), request_id)
}

/// The API's error code from an error body (`{"error": {"code": …}}`), when it is plain.
fn api_code(body: &Value) -> Option<String> {
    api_code_of(
        body.get("error")
            .and_then(|e| e.get("code"))
            .and_then(Value::as_str),
    )
}

/// Reads the final answer into an [`ApiResponse`] or an error.
async fn finish(
    resp: reqwest::Response,
    key_fingerprint: String,
    req: &crate::ring::RequestState,
) -> Result<ApiResponse, Error> {
    let status = resp.status().as_u16();
    let request_id = request_id_of(resp.headers().get(REQUEST_ID).and_then(|v| v.to_str().ok()));
    let bytes = resp.bytes().await.map_err(|e| {
        if e.is_timeout() {
            HttpError::Timeout { attempts: 1 }
        } else {
            HttpError::Connection { attempts: 1 }
        }
    })?;
    let body = if bytes.is_empty() {
        Value::Null
    } else {
        match serde_json::from_slice::<Value>(&bytes) {
            Ok(v) => v,
            Err(_) if (200..300).contains(&status) => {
                return Err(HttpError::InvalidResponse { status }.into())
            }
            Err(_) => Value::Null,
        }
    };
    if !(200..300).contains(&status) {
        return Err(HttpError::Status {
            status,
            message: api_message(&body),
            api_code: api_code(&body),
            request_id,
        }
        .into());
    }
    Ok(ApiResponse {
        status,
        body,
        key_fingerprint,
        attempts: req.attempts(),
        fallbacks: req.fallbacks().to_vec(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idempotency_keys_are_uuid_v4_and_distinct() {
        let keys: std::collections::HashSet<String> =
            (0..1000).map(|_| new_idempotency_key()).collect();
        assert_eq!(keys.len(), 1000);
        for k in keys.iter().take(5) {
            assert_eq!(k.len(), 36);
            assert_eq!(&k[14..15], "4");
        }
    }

    #[test]
    fn api_messages_are_kept_only_when_safe() {
        let body = serde_json::json!({"error": {"message": "width must be positive"}});
        assert_eq!(
            api_message(&body).as_deref(),
            Some("width must be positive")
        );
        let body =
            serde_json::json!({"error": {"message": "bad key pk_live_FAKE3Wwd25rq4f5zr3a1b2"}});
        assert_eq!(api_message(&body), None);
    }
}
