//! Authenticated calls to the Pictify API, driving the [`KeyRing`](crate::KeyRing): one
//! request driver ([`Driver`], feature `http-driver`) over a [`Transport`] that sends one
//! request and returns its answer. reqwest with rustls is the native transport ([`Client`],
//! feature `http`); the WASM package supplies a `fetch` transport. Every rule lives in the
//! driver, so every language behaves the same:
//!
//! - the method is an HTTP token, the path starts with `/` and holds no `://`, space or control
//!   character (`invalid_request` otherwise);
//! - `Authorization: Bearer <key>` is the only place the key goes (marked sensitive for the
//!   HTTP stack, never logged);
//! - a 401 re-reads the key source, then falls back to the next key (each key once per
//!   request) and demotes the refused key, so later requests skip it; each fallback reaches
//!   the audit hook as an `api_key.fallback` event, and every answered attempt as an
//!   `api.request` event;
//! - 408, 409, 429, 5xx, connection errors and timeouts are retried on the same key with
//!   backoff and jitter, honouring `Retry-After` up to a cap; at most [`MAX_ATTEMPTS`]
//!   attempts per logical request, whatever the configuration;
//! - one `Idempotency-Key` per logical POST, reused on every retry and fallback, so a POST
//!   never executes twice;
//! - errors carry stable codes and never contain URLs, headers or keys; the API's own message
//!   is kept only when short and free of anything key-shaped;
//! - the user agent is `pictify-keys-<language>/<version>` (bindings pass their language).
//!
//! ```no_run
//! # #[cfg(feature = "http")]
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
use std::future::Future;
use std::time::Duration;

use serde_json::Value;

use crate::ring::FallbackEvent;

mod driver;
#[cfg(feature = "http")]
mod reqwest;

#[cfg(feature = "http")]
pub use self::reqwest::{new_idempotency_key, Client, Images, ReqwestTransport};
pub use driver::{uuid_v4, AuditHook, ClientBuilder, Driver};

/// The Pictify API.
pub const DEFAULT_BASE_URL: &str = "https://api.pictify.io";

/// Hard bound on attempts per logical request, whatever the configuration.
pub const MAX_ATTEMPTS: u32 = 64;

/// One attempt as the driver hands it to a [`Transport`]: everything is decided, the
/// transport only sends it.
pub struct Request<'a> {
    /// `GET`, `POST`, … (upper case, an HTTP token).
    pub method: &'a str,
    /// The full URL (base URL and path).
    pub url: &'a str,
    /// The `Authorization` header value, `Bearer <key>`: a secret. Send it as a sensitive
    /// header; never log or echo it.
    pub authorization: &'a str,
    /// The `User-Agent` header value.
    pub user_agent: &'a str,
    /// The `Idempotency-Key` header value (POST only), the same for every attempt.
    pub idempotency_key: Option<&'a str>,
    /// The JSON body (`Content-Type: application/json`), if any.
    pub body: Option<&'a [u8]>,
    /// Time allowed for this attempt, answer included.
    pub timeout: Duration,
}

impl fmt::Debug for Request<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Request")
            .field("method", &self.method)
            .field("authorization", &"[REDACTED]")
            .field("idempotency_key", &self.idempotency_key)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

/// What the server answered, whatever the status.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Answer {
    /// The HTTP status.
    pub status: u16,
    /// The `Retry-After` header, if any.
    pub retry_after: Option<String>,
    /// The `X-Request-Id` header as sent (checked before it is reported).
    pub request_id: Option<String>,
    /// The whole body.
    pub body: Vec<u8>,
}

/// Why a transport got no answer. The kind decides the ring's outcome: timeouts and
/// connection failures are retried on the same key; anything else ends the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransportError {
    /// No answer in time (the request may have executed).
    Timeout,
    /// The connection failed or broke before the whole answer arrived.
    Connection,
    /// The HTTP stack refuses the request as given (a URL or header value it cannot send):
    /// `invalid_request` (a fixed description, never a URL or header).
    Invalid(&'static str),
    /// The request could not be sent for another reason: `http_transport` (a fixed
    /// description, never a URL or header).
    Other(&'static str),
}

/// Sends one request and returns its answer: the only part of the client that differs
/// between native targets (reqwest) and edge workers (`fetch`).
///
/// The futures need not be `Send`: on wasm32 they hold JavaScript promises.
pub trait Transport {
    /// Sends `request` and reads the whole answer.
    fn send(&self, request: &Request<'_>) -> impl Future<Output = Result<Answer, TransportError>>;

    /// Waits `ms` milliseconds before a retry.
    fn sleep(&self, ms: u64) -> impl Future<Output = ()>;

    /// A fresh idempotency key (UUID v4 form) for one logical POST, from the host's randomness.
    fn idempotency_key(&self) -> String;
}

/// A successful answer (2xx). Serialized (feature `serde`) as the JavaScript packages show
/// it: `{status, body, keyFingerprint, keyOrigin, attempts, fallbacks}`.
#[derive(Debug, Clone, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiResponse {
    /// The HTTP status (2xx).
    pub status: u16,
    /// The JSON body (`Null` when empty).
    pub body: Value,
    /// The fingerprint of the key that succeeded.
    pub key_fingerprint: String,
    /// Where that key came from (`env:PICTIFY_API_KEY_OLD`, `explicit:0`, …).
    pub key_origin: String,
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

/// A created image. Serialized as `{id, url, raw}`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Image {
    /// Its ID, when the API sent one.
    pub id: Option<String>,
    /// Its URL, when the API sent one.
    pub url: Option<String>,
    /// The whole answer.
    pub raw: Value,
}

impl Image {
    /// The image in a `POST /image` answer.
    pub fn from_response(response: ApiResponse) -> Self {
        let field = |name: &str| {
            response
                .body
                .get(name)
                .and_then(Value::as_str)
                .map(str::to_owned)
        };
        Image {
            id: field("id"),
            url: field("url"),
            raw: response.body,
        }
    }
}
