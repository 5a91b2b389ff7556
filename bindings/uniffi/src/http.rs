//! The authenticated Pictify client: async calls (Kotlin `suspend`, Swift `async`) driving
//! the key ring — 401 falls back to the next key, transient failures are retried.

use std::sync::Arc;
use std::time::Duration;

use pictify_keys::http as core_http;

use crate::env::{Detection, Policy};
use crate::error::{invalid_json, PictifyError};
use crate::monitor::Monitor;
use crate::ring::{FallbackEvent, KeyStats, RingConfig};
use crate::source::{chain, LoadOptions};

/// How to build a `Client`.
#[derive(Debug, Clone, Default, uniffi::Record)]
pub struct ClientOptions {
    /// Where the keys come from (environment map, secret file, `.env` file or keys given).
    pub keys: LoadOptions,
    /// The API base URL (default `https://api.pictify.io`).
    #[uniffi(default = None)]
    pub base_url: Option<String>,
    /// Time allowed for one attempt, in milliseconds (default 30 000).
    #[uniffi(default = None)]
    pub timeout_ms: Option<u64>,
    /// Time allowed to connect, in milliseconds (default 10 000).
    #[uniffi(default = None)]
    pub connect_timeout_ms: Option<u64>,
    /// Retry, backoff and cooldown settings.
    #[uniffi(default = None)]
    pub ring: Option<RingConfig>,
    /// The language named in the user agent (`pictify-keys-<language>/<version>`).
    #[uniffi(default = "kotlin")]
    pub language: String,
    /// The environment for the policy applied to every key when the client is built; when
    /// null, detected from `keys.env` (pass `System.getenv()`), else unknown (allowed with a
    /// warning: this library reads no process environment behind your back).
    #[uniffi(default = None)]
    pub environment: Option<Detection>,
    /// Relaxations of the strict environment policy (null: strict).
    #[uniffi(default = None)]
    pub policy: Option<Policy>,
    /// A usage monitor fed with every answered request of this client (`api.request`
    /// events, and `api_key.fallback`): a 401 storm or a spike raises an alert in-process.
    #[uniffi(default = None)]
    pub monitor: Option<Arc<Monitor>>,
}

/// A successful answer.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ApiResponse {
    /// The HTTP status (2xx).
    pub status: u16,
    /// The JSON body as text (`null` when empty).
    pub body_json: String,
    /// The fingerprint of the key that succeeded.
    pub key_fingerprint: String,
    /// Where that key came from (`env:PICTIFY_API_KEY_OLD`, `explicit:0`,
    /// `vault://secret/pictify#api_key`, …).
    pub key_origin: String,
    /// Attempts made for this logical request.
    pub attempts: u32,
    /// Fallbacks from a refused key to the next, for the audit log.
    pub fallbacks: Vec<FallbackEvent>,
}

/// Options of `POST /image`.
#[derive(Debug, Clone, Default, PartialEq, Eq, uniffi::Record)]
pub struct ImageOptions {
    /// HTML to render.
    #[uniffi(default = None)]
    pub html: Option<String>,
    /// A web page to capture.
    #[uniffi(default = None)]
    pub url: Option<String>,
    /// A template ID.
    #[uniffi(default = None)]
    pub template: Option<String>,
    /// Template variables, as a JSON object.
    #[uniffi(default = None)]
    pub variables_json: Option<String>,
    /// Width in pixels.
    #[uniffi(default = None)]
    pub width: Option<u32>,
    /// Height in pixels.
    #[uniffi(default = None)]
    pub height: Option<u32>,
    /// A CSS selector to capture.
    #[uniffi(default = None)]
    pub selector: Option<String>,
    /// `png`, `jpg`, `webp`, ….
    #[uniffi(default = None)]
    pub file_extension: Option<String>,
}

/// A created image.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Image {
    /// Its ID, when the API sent one.
    pub id: Option<String>,
    /// Its URL, when the API sent one.
    pub url: Option<String>,
    /// The whole answer as JSON text.
    pub raw_json: String,
}

/// The Pictify API client. Keys are loaded when it is built; every call falls back to the
/// next key on 401 and retries transient failures on the same key.
#[derive(uniffi::Object)]
pub struct Client {
    inner: core_http::Client,
}

#[uniffi::export(async_runtime = "tokio")]
impl Client {
    /// Builds a client: loads the keys (`Source` `no_key` when there are none, a `Source` or
    /// `Format` error for a broken source), applies the environment policy to each
    /// (`Environment` `live_key_in_development` / `test_key_in_production`) and checks the
    /// base URL.
    #[uniffi::constructor]
    pub fn new(options: ClientOptions) -> Result<Self, PictifyError> {
        let detection = match options.environment {
            Some(d) => d,
            None => options
                .keys
                .env
                .as_ref()
                .map_or_else(pictify_keys::Detection::unknown, |env| {
                    pictify_keys::detect_environment(env)
                }),
        };
        let mut builder = core_http::Client::builder()
            .environment(detection)
            .policy(options.policy.unwrap_or_default())
            .source(chain(options.keys)?)
            .user_agent(options.language, env!("CARGO_PKG_VERSION"));
        if let Some(url) = options.base_url {
            builder = builder.base_url(url);
        }
        if let Some(ms) = options.timeout_ms {
            builder = builder.timeout(Duration::from_millis(ms));
        }
        if let Some(ms) = options.connect_timeout_ms {
            builder = builder.connect_timeout(Duration::from_millis(ms));
        }
        if let Some(ring) = options.ring {
            builder = builder.ring_config(ring);
        }
        if let Some(monitor) = options.monitor {
            builder = builder.audit_hook(monitor.inner.hook());
        }
        Ok(Self {
            inner: builder.build()?,
        })
    }

    /// Sends one logical request (`GET`, `POST`, …; a path starting with `/`; an optional
    /// JSON body as text). Throws an `Http` error with a stable code on failure.
    pub async fn request(
        self: Arc<Self>,
        method: String,
        path: String,
        body_json: Option<String>,
    ) -> Result<ApiResponse, PictifyError> {
        let body = match body_json {
            Some(text) => Some(
                serde_json::from_str(&text).map_err(|e| invalid_json("the request body", &e))?,
            ),
            None => None,
        };
        let resp = self.inner.request(&method, &path, body.as_ref()).await?;
        Ok(ApiResponse {
            status: resp.status,
            body_json: resp.body.to_string(),
            key_fingerprint: resp.key_fingerprint,
            key_origin: resp.key_origin,
            attempts: resp.attempts,
            fallbacks: resp.fallbacks,
        })
    }

    /// `POST /image`: renders an image (one idempotency key for all attempts).
    pub async fn create_image(
        self: Arc<Self>,
        options: ImageOptions,
    ) -> Result<Image, PictifyError> {
        let variables = match options.variables_json {
            Some(text) => {
                Some(serde_json::from_str(&text).map_err(|e| invalid_json("variablesJson", &e))?)
            }
            None => None,
        };
        let opts = core_http::ImageOptions {
            html: options.html,
            url: options.url,
            template: options.template,
            variables,
            width: options.width,
            height: options.height,
            selector: options.selector,
            file_extension: options.file_extension,
            extra: serde_json::Map::new(),
        };
        let image = self.inner.images().create(&opts).await?;
        Ok(Image {
            id: image.id,
            url: image.url,
            raw_json: image.raw.to_string(),
        })
    }

    /// Usage of every key (requests, successes, 401s), to see when an old key can be revoked.
    pub fn stats(&self) -> Vec<KeyStats> {
        self.inner.stats()
    }

    /// Fingerprints of the keys in priority order.
    pub fn fingerprints(&self) -> Vec<String> {
        self.inner.ring().fingerprints()
    }

    /// Re-reads the key source now; a broken source keeps the current keys and throws.
    pub fn reload_keys(&self) -> Result<(), PictifyError> {
        Ok(self.inner.reload_keys()?)
    }
}
