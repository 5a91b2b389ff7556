//! `Client`: the core's authenticated HTTP client (reqwest on napi's tokio runtime). Every
//! request returns a Promise; retries, backoff and key fallback run in Rust without blocking
//! the event loop.

use std::collections::HashMap;
use std::time::Duration;

use napi_derive::napi;
use pictify_keys::http::ImageOptions;
use serde_json::Value;

use crate::error;
use crate::source::{chain, LoadOptions};

/// How to build a client: where the keys come from (as for `loadKeys`), the API and timeouts.
#[napi(object)]
#[derive(Default)]
pub struct ClientOptions {
    /// Keys handed in, in priority order (NEW first). When set, nothing else is read.
    pub keys: Option<Vec<String>>,
    /// Variables to read the key variables from (the JavaScript layer passes `process.env`).
    #[napi(ts_type = "Record<string, string | undefined>")]
    pub env: Option<HashMap<String, String>>,
    /// A mounted secret file, re-read before every fallback so a rotation is seen at once.
    pub secret_file: Option<String>,
    /// A `.env` file.
    pub dotenv_file: Option<String>,
    /// The API base URL (default `https://api.pictify.io`).
    pub base_url: Option<String>,
    /// Time allowed for one attempt, in ms (default 30000).
    pub timeout_ms: Option<u32>,
    /// Time allowed to connect, in ms (default 10000).
    pub connect_timeout_ms: Option<u32>,
    /// Retries, backoff and cooldown.
    #[napi(ts_type = "RingConfig")]
    pub ring: Option<Value>,
    /// The environment the client runs in, for the environment policy applied to every key
    /// when the client is built: a detection as `detectEnvironment` returns it, or a name.
    /// Detected from `env` (else `process.env`) when absent.
    #[napi(ts_type = "Detection | EnvironmentName")]
    pub environment: Option<Value>,
    /// Relaxations of the strict environment policy (a live key only in production, a test
    /// key never in production), as for `checkEnvironment`.
    #[napi(ts_type = "Policy")]
    pub policy: Option<Value>,
}

/// A Pictify API client with key rotation, retries and idempotent POSTs.
#[napi]
pub struct Client {
    inner: pictify_keys::http::Client,
}

#[napi]
impl Client {
    /// Builds the client, loads its keys (throws `no_key` or a source error) and applies the
    /// environment policy to each (throws an `EnvironmentError`: `live_key_in_development`,
    /// `test_key_in_production`).
    /// With `options.monitor` (a `Monitor`; the JavaScript layer passes it as `monitor`),
    /// every API answer (`api.request` event) feeds it.
    #[napi(constructor, ts_args_type = "options?: ClientOptions")]
    pub fn new(
        options: Option<ClientOptions>,
        monitor: Option<&crate::monitor::Monitor>,
    ) -> napi::Result<Self> {
        let o = options.unwrap_or_default();
        let detection = crate::env::detection(o.environment)?;
        let source = chain(LoadOptions {
            env: o.env,
            secret_file: o.secret_file,
            dotenv_file: o.dotenv_file,
            keys: o.keys,
        })?;
        let mut builder = pictify_keys::http::Client::builder()
            .source(source)
            .environment(detection.unwrap_or_else(pictify_keys::Detection::unknown))
            .policy(crate::env::policy(o.policy))
            .user_agent("node", env!("CARGO_PKG_VERSION"));
        if let Some(url) = o.base_url {
            builder = builder.base_url(url);
        }
        if let Some(ms) = o.timeout_ms {
            builder = builder.timeout(Duration::from_millis(u64::from(ms)));
        }
        if let Some(ms) = o.connect_timeout_ms {
            builder = builder.connect_timeout(Duration::from_millis(u64::from(ms)));
        }
        builder = builder.ring_config(crate::ring::config(o.ring.as_ref())?);
        if let Some(monitor) = monitor {
            builder = builder.audit_hook(monitor.hook());
        }
        builder
            .build()
            .map(|inner| Self { inner })
            .map_err(|e| error::from_core(&e))
    }

    /// Sends one logical request (`method`, `path` starting with `/`, optional JSON body).
    /// Resolves with a 2xx answer; rejects with an `HttpError` carrying a stable code.
    #[napi(ts_return_type = "Promise<ApiResponse>")]
    pub async fn request(
        &self,
        method: String,
        path: String,
        body: Option<Value>,
    ) -> napi::Result<Value> {
        let client = self.inner.clone();
        let response = client.request(&method, &path, body.as_ref()).await;
        Ok(crate::to_js(&response.map_err(|e| error::from_core(&e))?))
    }

    /// `POST /image` with `options` sent as given (`html`, `url`, `template`, `variables`,
    /// `width`, …); `client.images.create(options)` in JavaScript.
    #[napi(ts_return_type = "Promise<Image>")]
    pub async fn create_image(
        &self,
        options: serde_json::Map<String, Value>,
    ) -> napi::Result<Value> {
        let client = self.inner.clone();
        let options = ImageOptions {
            extra: options,
            ..ImageOptions::default()
        };
        let image = client.images().create(&options).await;
        Ok(crate::to_js(&image.map_err(|e| error::from_core(&e))?))
    }

    /// Usage of every key, in priority order.
    #[napi(ts_return_type = "KeyStats[]")]
    pub fn stats(&self) -> Value {
        crate::to_js(&self.inner.stats())
    }

    /// Re-reads the key source now; a broken source keeps the current keys and throws.
    #[napi]
    pub fn reload_keys(&self) -> napi::Result<()> {
        self.inner.reload_keys().map_err(|e| error::from_core(&e))
    }
}
