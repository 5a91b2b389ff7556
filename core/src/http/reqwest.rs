//! The native transport: reqwest with rustls on tokio (feature `http`), and [`Client`], the
//! [`Driver`] over it.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use ::reqwest::header::{HeaderValue, AUTHORIZATION, CONTENT_TYPE, RETRY_AFTER, USER_AGENT};
use serde_json::Value;

use super::driver::{uuid_v4, ClientBuilder, Driver};
use super::{Answer, ApiResponse, Image, ImageOptions, Request, Transport, TransportError};
use crate::error::{Error, HttpError};
use crate::ring::{KeyRing, KeyStats};

/// Sends requests with a shared reqwest client (connection pool).
#[derive(Debug, Clone)]
pub struct ReqwestTransport {
    http: ::reqwest::Client,
}

impl ReqwestTransport {
    /// A transport whose connections must be made within `connect_timeout`.
    pub fn new(connect_timeout: Duration) -> Result<Self, Error> {
        let http = ::reqwest::Client::builder()
            .connect_timeout(connect_timeout)
            .build()
            .map_err(|_| HttpError::Transport {
                kind: "the HTTP client could not be set up",
            })?;
        Ok(Self { http })
    }
}

fn failure(e: &::reqwest::Error) -> TransportError {
    if e.is_builder() {
        TransportError::Invalid("the request could not be built")
    } else if e.is_timeout() {
        TransportError::Timeout
    } else {
        TransportError::Connection
    }
}

impl Transport for ReqwestTransport {
    async fn send(&self, request: &Request<'_>) -> Result<Answer, TransportError> {
        let method = ::reqwest::Method::from_bytes(request.method.as_bytes())
            .map_err(|_| TransportError::Invalid("unknown HTTP method"))?;
        let header = |v: &str| {
            HeaderValue::from_str(v)
                .map_err(|_| TransportError::Invalid("a header value has characters not allowed"))
        };
        let mut auth = header(request.authorization)?;
        auth.set_sensitive(true);
        let mut builder = self
            .http
            .request(method, request.url)
            .header(AUTHORIZATION, auth)
            .header(USER_AGENT, header(request.user_agent)?)
            .timeout(request.timeout);
        if let Some(k) = request.idempotency_key {
            builder = builder.header("Idempotency-Key", header(k)?);
        }
        if let Some(body) = request.body {
            builder = builder
                .header(CONTENT_TYPE, "application/json")
                .body(body.to_vec());
        }
        let resp = builder.send().await.map_err(|e| failure(&e))?;
        let text = |name| {
            resp.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let status = resp.status().as_u16();
        let retry_after = text(RETRY_AFTER.as_str());
        let request_id = text("x-request-id");
        let body = resp.bytes().await.map_err(|e| failure(&e))?;
        Ok(Answer {
            status,
            retry_after,
            request_id,
            body: body.to_vec(),
        })
    }

    async fn sleep(&self, ms: u64) {
        tokio::time::sleep(Duration::from_millis(ms)).await;
    }

    fn idempotency_key(&self) -> String {
        new_idempotency_key()
    }
}

/// A fresh idempotency key in UUID v4 form.
pub fn new_idempotency_key() -> String {
    uuid_v4(crate::world::random_u64(), crate::world::random_u64())
}

impl ClientBuilder {
    /// Builds the client: loads the keys (a broken source or no key is an error) and applies
    /// the environment policy to each (`live_key_in_development`, `test_key_in_production`).
    pub fn build(self) -> Result<Client, Error> {
        let transport = ReqwestTransport::new(self.connect_timeout)?;
        let driver = self.build_driver()?;
        Ok(Client {
            inner: Arc::new((driver, transport)),
        })
    }
}

/// A Pictify API client over reqwest. Cheap to clone; clones share the key ring and
/// connection pool.
#[derive(Clone)]
pub struct Client {
    inner: Arc<(Driver, ReqwestTransport)>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.0.base_url())
            .field("keys", &self.inner.0.ring().fingerprints())
            .finish_non_exhaustive()
    }
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

    /// The key ring (stats, fallback sink).
    pub fn ring(&self) -> &KeyRing {
        self.inner.0.ring()
    }

    /// Usage of every key.
    pub fn stats(&self) -> Vec<KeyStats> {
        self.inner.0.stats()
    }

    /// Re-reads the key source now. A broken source, or a key the environment policy
    /// refuses, leaves the current keys in place and returns its error.
    pub fn reload_keys(&self) -> Result<(), Error> {
        self.inner.0.reload_keys()
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
        let (driver, transport) = &*self.inner;
        driver.request(transport, method, path, json).await
    }
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
        Ok(Image::from_response(resp))
    }
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

    #[tokio::test]
    async fn a_url_the_http_stack_refuses_is_invalid_request_and_not_echoed() {
        let client = Client::builder()
            .base_url("http://bad host.example")
            .source(crate::source::KeyList::parse(&["pk_live_FAKE3Wwd25rq4f5zr3a1b2"]).unwrap())
            .build()
            .unwrap();
        let e = client.request("GET", "/me", None).await.unwrap_err();
        assert_eq!(e.code(), "invalid_request");
        assert!(!e.to_string().contains("bad host"), "{e}");
    }
}
