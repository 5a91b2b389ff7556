//! The native transport: blocking reqwest (rustls), with timeouts. Transport errors are
//! reduced to a fixed kind, since reqwest's carry URLs.

use std::time::Duration;

use super::fetch::{Transport, TransportFailure};
use super::wire::{SecretRequest, SecretResponse};

/// A blocking HTTP transport for secrets managers (10 s timeout, 5 s to connect).
#[derive(Debug, Clone)]
pub struct NativeTransport {
    client: Option<reqwest::blocking::Client>,
}

impl Default for NativeTransport {
    fn default() -> Self {
        Self::new()
    }
}

impl NativeTransport {
    /// A transport with the default timeouts.
    pub fn new() -> Self {
        Self::with_timeout(Duration::from_secs(10))
    }

    /// A transport with this overall timeout per request.
    pub fn with_timeout(timeout: Duration) -> Self {
        let client = reqwest::blocking::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout.min(Duration::from_secs(5)))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .ok();
        Self { client }
    }
}

impl Transport for NativeTransport {
    fn send(&self, request: &SecretRequest) -> Result<SecretResponse, TransportFailure> {
        let client = self.client.as_ref().ok_or(TransportFailure::Other)?;
        let method = match request.method {
            "GET" => reqwest::Method::GET,
            "POST" => reqwest::Method::POST,
            "PUT" => reqwest::Method::PUT,
            "DELETE" => reqwest::Method::DELETE,
            _ => return Err(TransportFailure::Other),
        };
        let mut builder = client.request(method, &request.url);
        for (name, value) in &request.headers {
            // EXPOSE: credentials go to the manager in its own headers.
            builder = builder.header(name.as_str(), value.as_str());
        }
        if !request.body.is_empty() {
            builder = builder.body(request.body.clone());
        }
        let classify = |e: reqwest::Error| {
            if e.is_timeout() {
                TransportFailure::Timeout
            } else if e.is_connect() {
                TransportFailure::Connection
            } else {
                TransportFailure::Other
            }
        };
        let resp = builder.send().map_err(classify)?;
        let status = resp.status().as_u16();
        let body = resp.bytes().map_err(classify)?;
        Ok(SecretResponse::new(status, body.to_vec()))
    }
}
