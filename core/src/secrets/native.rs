//! The native transport: blocking reqwest (rustls), with timeouts. Transport errors are
//! reduced to a fixed kind, since reqwest's carry URLs.
//!
//! reqwest's blocking client runs its own runtime, which must never be created, used or
//! dropped on an async runtime's thread (tokio panics). So there is one process-wide client,
//! built on a plain thread and never dropped, and a call made from inside a tokio runtime is
//! sent from a short-lived plain thread.

use std::sync::OnceLock;
use std::time::Duration;

use super::fetch::{Transport, TransportFailure};
use super::wire::{SecretRequest, SecretResponse};

/// A blocking HTTP transport for secrets managers (10 s per request by default, 5 s to
/// connect). Safe to call from inside an async runtime.
#[derive(Debug, Clone, Copy)]
pub struct NativeTransport {
    timeout: Duration,
}

impl Default for NativeTransport {
    fn default() -> Self {
        Self::new()
    }
}

fn client() -> Option<&'static reqwest::blocking::Client> {
    static CLIENT: OnceLock<Option<reqwest::blocking::Client>> = OnceLock::new();
    CLIENT
        .get_or_init(|| {
            std::thread::spawn(|| {
                reqwest::blocking::Client::builder()
                    .connect_timeout(Duration::from_secs(5))
                    .redirect(reqwest::redirect::Policy::none())
                    .build()
                    .ok()
            })
            .join()
            .ok()
            .flatten()
        })
        .as_ref()
}

impl NativeTransport {
    /// A transport with the default timeout.
    pub fn new() -> Self {
        Self::with_timeout(Duration::from_secs(10))
    }

    /// A transport with this overall timeout per request.
    pub fn with_timeout(timeout: Duration) -> Self {
        Self { timeout }
    }

    fn send_here(&self, request: &SecretRequest) -> Result<SecretResponse, TransportFailure> {
        let client = client().ok_or(TransportFailure::Other)?;
        let method = match request.method {
            "GET" => reqwest::Method::GET,
            "POST" => reqwest::Method::POST,
            "PUT" => reqwest::Method::PUT,
            "DELETE" => reqwest::Method::DELETE,
            _ => return Err(TransportFailure::Other),
        };
        let mut builder = client.request(method, &request.url).timeout(self.timeout);
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

impl Transport for NativeTransport {
    fn send(&self, request: &SecretRequest) -> Result<SecretResponse, TransportFailure> {
        if tokio::runtime::Handle::try_current().is_ok() {
            std::thread::scope(|s| {
                s.spawn(|| self.send_here(request))
                    .join()
                    .unwrap_or(Err(TransportFailure::Other))
            })
        } else {
            self.send_here(request)
        }
    }
}
