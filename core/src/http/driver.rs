//! The request driver: validation, the idempotency key, the attempt cap, the ring loop, the
//! source re-read on 401, the audit hook and the answer rules, written once for every
//! [`Transport`].

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;
use zeroize::Zeroizing;

use super::MAX_ATTEMPTS;
use super::{Answer, ApiResponse, Request, Transport, TransportError, DEFAULT_BASE_URL};
use crate::audit::{AuditEvent, KeyRef, Timestamp};
use crate::check::check_client_keys;
use crate::env::{Detection, Policy};
use crate::error::{api_code_of, request_id_of, Error, HttpError};
use crate::ring::{Clock, Decision, KeyRing, KeyStats, Outcome, RingConfig, SystemClock};
use crate::source::KeySource;

/// A receiver of the client's audit events: one `api.request` per answered attempt and one
/// `api_key.fallback` per key fallback (see [`ClientBuilder::audit_hook`]). It is called on
/// the thread that drives the request, so keep it short (a monitor's `feed`, a channel send).
pub type AuditHook = Arc<dyn Fn(&AuditEvent) + Send + Sync>;

/// Builds a client: [`Driver`] on any target ([`ClientBuilder::build_driver`]), or the native
/// reqwest [`Client`](super::Client) (`build`, feature `http`).
pub struct ClientBuilder {
    base_url: String,
    timeout: Duration,
    pub(super) connect_timeout: Duration,
    language: String,
    version: String,
    ring_config: RingConfig,
    clock: Option<Arc<dyn Clock>>,
    source: Option<Arc<dyn KeySource>>,
    audit: Option<AuditHook>,
    environment: Detection,
    policy: Policy,
}

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

    /// Time allowed to connect (default 10 s; the reqwest transport only: `fetch` has no
    /// separate connect timeout, the per-attempt timeout covers it).
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

    /// The clock of the key ring (tests; hosts with their own time, such as `Date.now()`).
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

    /// Receives the client's [`AuditEvent`]s, never a secret:
    ///
    /// - one `api.request` per attempt the API answered (any status; an attempt that timed
    ///   out or failed to connect has no answer and no event): the time from the key ring's
    ///   clock, `keyId` the fingerprint of the key sent, `endpoint` the request path
    ///   (without its query string),
    ///   `method`, `status` and `userAgent` (this client's); no `ip`, which the client does
    ///   not know;
    /// - one `api_key.fallback` per fallback from a refused key to the next, after that
    ///   attempt's `api.request`: `keyId` the refused key's fingerprint, the same endpoint
    ///   and method, status 401.
    ///
    /// Feed them to a usage monitor ([`crate::monitor`]) to see a 401 storm or a spike from
    /// the app's own traffic, or write them as JSON lines ([`AuditEvent::to_json`]).
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

    /// Builds the driver: loads the keys (a broken source or no key is an error), applies
    /// the environment policy to each (`live_key_in_development`, `test_key_in_production`)
    /// and checks the base URL and user agent.
    pub fn build_driver(self) -> Result<Driver, Error> {
        let source = self.source.ok_or(Error::NoKey)?;
        let keys = source.load()?.ok_or(Error::NoKey)?;
        check_client_keys(&keys, &self.environment, self.policy)?;
        let clock = self.clock.unwrap_or_else(|| Arc::new(SystemClock));
        let ring = KeyRing::with_clock(keys, self.ring_config, clock)?;
        let base_url = self.base_url.trim_end_matches('/').to_owned();
        if !(base_url.starts_with("https://") || base_url.starts_with("http://")) {
            return Err(invalid("the base URL must start with https:// or http://"));
        }
        let user_agent = format!("pictify-keys-{}/{}", self.language, self.version);
        if !user_agent.bytes().all(|b| (0x20..0x7f).contains(&b)) {
            return Err(invalid(
                "the user agent has characters not allowed in a header",
            ));
        }
        Ok(Driver {
            ring: Arc::new(ring),
            source,
            base_url,
            user_agent,
            timeout: self.timeout,
            audit: self.audit,
            environment: self.environment,
            policy: self.policy,
        })
    }
}

fn invalid(reason: &'static str) -> Error {
    HttpError::InvalidRequest { reason }.into()
}

/// The request driver: the key ring, the key source, the environment policy and the rules of
/// one logical request, over any [`Transport`]. Thread-safe; share it in an `Arc`.
pub struct Driver {
    ring: Arc<KeyRing>,
    source: Arc<dyn KeySource>,
    base_url: String,
    user_agent: String,
    timeout: Duration,
    audit: Option<AuditHook>,
    environment: Detection,
    policy: Policy,
}

impl fmt::Debug for Driver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Driver")
            .field("base_url", &self.base_url)
            .field("keys", &self.ring.fingerprints())
            .finish_non_exhaustive()
    }
}

/// Whether `method` is an HTTP token (RFC 9110 `tchar`s), 1 to 32 characters.
fn is_method(method: &str) -> bool {
    (1..=32).contains(&method.len())
        && method
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// Whether `path` is a path of the API: starts with `/`, no scheme, no space or control
/// character (so a caller cannot send the key to another host or smuggle a header).
fn is_api_path(path: &str) -> bool {
    path.starts_with('/')
        && !path.contains("://")
        && !path.chars().any(|c| c.is_whitespace() || c.is_control())
}

impl Driver {
    /// The key ring (stats, fallback sink), shared with the bindings' ring wrappers.
    pub fn ring(&self) -> &Arc<KeyRing> {
        &self.ring
    }

    /// The base URL, without a trailing `/`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Usage of every key.
    pub fn stats(&self) -> Vec<KeyStats> {
        self.ring.stats()
    }

    /// Re-reads the key source now. A broken source, or a key the environment policy
    /// refuses, leaves the current keys in place and returns its error.
    pub fn reload_keys(&self) -> Result<(), Error> {
        if let Some(keys) = self.source.load()? {
            check_client_keys(&keys, &self.environment, self.policy)?;
            self.ring.replace_keys(keys);
        }
        Ok(())
    }

    /// After a 401: a rotated secret may already hold the new key. A broken source, or keys
    /// the policy refuses, keeps the keys we have.
    fn reread_after_refusal(&self) {
        if let Ok(Some(keys)) = self.source.refresh() {
            if check_client_keys(&keys, &self.environment, self.policy).is_ok() {
                self.ring.replace_keys(keys);
            }
        }
    }

    /// Hands one event about `attempt` to the audit hook, if there is one.
    fn audit(
        &self,
        action: &str,
        attempt: &crate::ring::Attempt,
        path: &str,
        method: &str,
        status: u16,
    ) {
        if let Some(hook) = &self.audit {
            let at = i64::try_from(self.ring.now_ms()).unwrap_or(i64::MAX);
            // The path without its query: a query string can carry user data.
            let endpoint = path.split(['?', '#']).next().unwrap_or(path);
            let event = AuditEvent::new(
                Timestamp::from_unix_millis(at),
                action,
                KeyRef::from_key(attempt.key()),
                endpoint,
                method,
                status,
            )
            .with_user_agent(&self.user_agent);
            hook(&event);
        }
    }

    /// Sends one logical request over `transport`: `method` (`GET`, `POST`, …), `path`
    /// (starting with `/`) and an optional JSON body. Retries and key fallback happen
    /// inside; the result is a 2xx answer or an error with a stable code.
    pub async fn request<T: Transport>(
        &self,
        transport: &T,
        method: &str,
        path: &str,
        json: Option<&Value>,
    ) -> Result<ApiResponse, Error> {
        if !is_method(method) {
            return Err(invalid(
                "the method must be an HTTP method such as GET or POST",
            ));
        }
        let method = method.to_ascii_uppercase();
        if !is_api_path(path) {
            return Err(invalid(
                "the path must start with / and hold no scheme, spaces or control characters",
            ));
        }
        let url = format!("{}{path}", self.base_url);
        let body = json
            .map(serde_json::to_vec)
            .transpose()
            .map_err(|_| invalid("the body cannot be encoded as JSON"))?;
        let idempotency_key = (method == "POST").then(|| transport.idempotency_key());
        let mut req = self.ring.begin_request();
        // The API's code and request id of the last 401, reported if every key is refused.
        let mut refusal: (Option<String>, Option<String>) = (None, None);
        loop {
            let attempt = self.ring.next_attempt(&mut req)?;
            if attempt.number() > MAX_ATTEMPTS {
                return Err(HttpError::Transport {
                    kind: "too many attempts",
                }
                .into());
            }
            // EXPOSE: the key goes into the Authorization header of this one request; the
            // transport marks it sensitive; the string is zeroed when dropped.
            let authorization = Zeroizing::new(format!("Bearer {}", attempt.key().expose_secret()));
            let sent = transport
                .send(&Request {
                    method: &method,
                    url: &url,
                    authorization: &authorization,
                    user_agent: &self.user_agent,
                    idempotency_key: idempotency_key.as_deref(),
                    body: body.as_deref(),
                    timeout: self.timeout,
                })
                .await;
            drop(authorization);
            let (decision, answer) = match sent {
                Ok(answer) => {
                    self.audit("api.request", &attempt, path, &method, answer.status);
                    if answer.status == 401 {
                        refusal = (
                            api_code(&parse(&answer.body)),
                            request_id_of(answer.request_id.as_deref()),
                        );
                        self.reread_after_refusal();
                    }
                    let outcome = Outcome::Response {
                        status: answer.status,
                        retry_after: answer.retry_after.as_deref(),
                    };
                    (
                        self.ring.on_outcome(&mut req, &attempt, outcome),
                        Some(answer),
                    )
                }
                Err(TransportError::Invalid(reason)) => return Err(invalid(reason)),
                Err(TransportError::Other(kind)) => {
                    return Err(HttpError::Transport { kind }.into());
                }
                Err(e) => {
                    let outcome = match e {
                        TransportError::Timeout => Outcome::Timeout,
                        _ => Outcome::ConnectionError,
                    };
                    (self.ring.on_outcome(&mut req, &attempt, outcome), None)
                }
            };
            match decision {
                Decision::Done => {
                    let Some(answer) = answer else {
                        return Err(HttpError::Transport { kind: "no answer" }.into());
                    };
                    return finish(answer, &attempt, &req);
                }
                Decision::TryNextKey => {
                    self.audit("api_key.fallback", &attempt, path, &method, 401);
                }
                Decision::Retry { delay_ms } => transport.sleep(delay_ms).await,
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

fn parse(body: &[u8]) -> Value {
    serde_json::from_slice(body).unwrap_or(Value::Null)
}

/// The API's error code from an error body (`{"error": {"code": …}}`), when it is plain.
fn api_code(body: &Value) -> Option<String> {
    api_code_of(
        body.get("error")
            .and_then(|e| e.get("code"))
            .and_then(Value::as_str),
    )
}

/// The API's own error message from an error body (`{"error": {"message": …}}` or
/// `{"error": "…"}`), if short and free of anything key-shaped.
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

/// The final answer as an [`ApiResponse`] (2xx) or an error.
fn finish(
    answer: Answer,
    attempt: &crate::ring::Attempt,
    req: &crate::ring::RequestState,
) -> Result<ApiResponse, Error> {
    let status = answer.status;
    let ok = (200..300).contains(&status);
    let body = if answer.body.iter().all(u8::is_ascii_whitespace) {
        Value::Null
    } else {
        match serde_json::from_slice::<Value>(&answer.body) {
            Ok(v) => v,
            Err(_) if ok => return Err(HttpError::InvalidResponse { status }.into()),
            Err(_) => Value::Null,
        }
    };
    if !ok {
        return Err(HttpError::Status {
            status,
            message: api_message(&body),
            api_code: api_code(&body),
            request_id: request_id_of(answer.request_id.as_deref()),
        }
        .into());
    }
    Ok(ApiResponse {
        status,
        body,
        key_fingerprint: attempt.key().fingerprint(),
        key_origin: attempt.origin().to_owned(),
        attempts: req.attempts(),
        fallbacks: req.fallbacks().to_vec(),
    })
}

/// Two random 64-bit numbers as an idempotency key in UUID v4 form.
pub fn uuid_v4(a: u64, b: u64) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

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
        let body = serde_json::json!({"error": "x".repeat(201)});
        assert_eq!(api_message(&body), None);
    }

    #[test]
    fn paths_and_methods_are_checked() {
        for ok in ["/image", "/me?x=1", "/a/b"] {
            assert!(is_api_path(ok), "{ok}");
        }
        for bad in ["image", "/x?u=https://evil", "/a b", "/a\r\nX: y", ""] {
            assert!(!is_api_path(bad), "{bad:?}");
        }
        for ok in ["GET", "post", "PROPFIND"] {
            assert!(is_method(ok), "{ok}");
        }
        for bad in ["", "GE T", "GET\r\n", "GÉT"] {
            assert!(!is_method(bad), "{bad:?}");
        }
    }

    #[test]
    fn uuid_v4_form() {
        let k = uuid_v4(u64::MAX, 0);
        assert_eq!(k.len(), 36);
        assert_eq!(&k[14..15], "4");
        assert!(matches!(&k[19..20], "8" | "9" | "a" | "b"));
    }
}
