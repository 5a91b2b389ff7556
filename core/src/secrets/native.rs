//! The native transport: blocking reqwest (rustls), with timeouts. Transport errors are
//! reduced to a fixed kind, since reqwest's carry URLs.
//!
//! reqwest's blocking client runs its own runtime, which must never be created, used or
//! dropped on an async runtime's thread (tokio panics). So there is one process-wide client,
//! built on a plain thread and never dropped, and a call made from inside a tokio runtime is
//! sent from a short-lived plain thread.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use sha2::{Digest, Sha256};

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

/// A client trusting the system's roots, or only the CA certificates of `ca_pem`. Built on a
/// plain thread (see the module docs).
fn build_client(ca_pem: Option<Vec<u8>>) -> Option<reqwest::blocking::Client> {
    std::thread::spawn(move || {
        let mut builder = reqwest::blocking::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .redirect(reqwest::redirect::Policy::none());
        if let Some(pem) = ca_pem {
            let certs = reqwest::Certificate::from_pem_bundle(&pem).ok()?;
            if certs.is_empty() {
                return None;
            }
            builder = builder.tls_built_in_root_certs(false);
            for cert in certs {
                builder = builder.add_root_certificate(cert);
            }
        }
        builder.build().ok()
    })
    .join()
    .ok()
    .flatten()
}

fn client() -> Option<&'static reqwest::blocking::Client> {
    static CLIENT: OnceLock<Option<reqwest::blocking::Client>> = OnceLock::new();
    CLIENT.get_or_init(|| build_client(None)).as_ref()
}

/// The client for a CA bundle (`VAULT_CACERT`): one per distinct bundle, kept for the
/// process's life like the default one. A bundle with no certificate gives `None`.
fn client_for_ca(ca_pem: &[u8]) -> Option<&'static reqwest::blocking::Client> {
    type Clients = Mutex<HashMap<[u8; 32], Option<&'static reqwest::blocking::Client>>>;
    static CLIENTS: OnceLock<Clients> = OnceLock::new();
    let digest: [u8; 32] = Sha256::digest(ca_pem).into();
    let mut clients = CLIENTS
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|p| p.into_inner());
    *clients
        .entry(digest)
        .or_insert_with(|| build_client(Some(ca_pem.to_vec())).map(|c| &*Box::leak(Box::new(c))))
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

    fn send_here(
        &self,
        request: &SecretRequest,
        ca_pem: Option<&[u8]>,
    ) -> Result<SecretResponse, TransportFailure> {
        let client = match ca_pem {
            Some(pem) => client_for_ca(pem),
            None => client(),
        }
        .ok_or(TransportFailure::Other)?;
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
            } else if e.is_connect() && !is_tls_failure(&e) {
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

/// A refused certificate or another TLS failure: rustls errors reach reqwest as an
/// `io::Error` of kind `InvalidData` in the source chain. Reported as `transport`, not
/// `connection`, so an untrusted certificate (a missing `VAULT_CACERT`) is not mistaken for
/// a network problem.
fn is_tls_failure(e: &reqwest::Error) -> bool {
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        // An io::Error may wrap another one (hyper wraps rustls's `InvalidData` in `Other`).
        let mut io = s.downcast_ref::<std::io::Error>();
        while let Some(e) = io {
            if e.kind() == std::io::ErrorKind::InvalidData {
                return true;
            }
            io = e.get_ref().and_then(|i| i.downcast_ref::<std::io::Error>());
        }
        source = s.source();
    }
    false
}

impl NativeTransport {
    fn send_from_plain_thread(
        &self,
        request: &SecretRequest,
        ca_pem: Option<&[u8]>,
    ) -> Result<SecretResponse, TransportFailure> {
        if tokio::runtime::Handle::try_current().is_ok() {
            std::thread::scope(|s| {
                s.spawn(|| self.send_here(request, ca_pem))
                    .join()
                    .unwrap_or(Err(TransportFailure::Other))
            })
        } else {
            self.send_here(request, ca_pem)
        }
    }
}

impl Transport for NativeTransport {
    fn send(&self, request: &SecretRequest) -> Result<SecretResponse, TransportFailure> {
        self.send_from_plain_thread(request, None)
    }

    /// Trusts only the certificates of `ca_pem` (the Vault CLI's `VAULT_CACERT` rule: the
    /// bundle replaces the system roots). A bundle without a certificate fails as `transport`.
    fn send_with_ca(
        &self,
        request: &SecretRequest,
        ca_pem: &[u8],
    ) -> Result<SecretResponse, TransportFailure> {
        self.send_from_plain_thread(request, Some(ca_pem))
    }
}
