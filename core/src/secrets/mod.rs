//! Keys from secrets managers: HashiCorp Vault / OpenBao (KV v2) and AWS Secrets Manager.
//!
//! - [`SecretRef`] parses references (`vault://secret/pictify#api_key`,
//!   `aws-sm://pictify/api-key`, `gcp-sm://projects/P/secrets/S`); always available, so every
//!   build recognises a reference where a key is expected.
//! - With the `secrets` feature: [`wire`] builds each request as plain data and parses each
//!   answer (sans-IO), [`sigv4`] signs AWS requests, [`fetch_keys`] drives one read through a
//!   [`Transport`], and [`SecretSource`] caches it (TTL, single-flight refresh,
//!   serve-stale-on-error, `reload`) and feeds the key ring as a [`KeySource`](crate::KeySource).
//! - With `secrets-http`: [`NativeTransport`], a blocking reqwest transport.
//!
//! Rotation as the managers model it: AWS `AWSCURRENT` is the key and `AWSPREVIOUS` the
//! fallback (`AWSPENDING` is never read); Vault the current version, and the previous version
//! while the current one is younger than the overlap ([`FetchOptions::overlap_secs`]).
//! The managers' own 401/403/404 never feed the key ring's 401 rule.

pub mod reference;

pub use reference::{is_reference, Provider, SecretRef, DEFAULT_VAULT_FIELD};

/// Every variable the resolvers read for their configuration (Vault, AWS, Google), so a
/// binding can snapshot them from its own environment mapping along with
/// [`KEY_VARIABLES`](crate::KEY_VARIABLES). The test in this module keeps it complete.
pub const SECRET_VARIABLES: &[&str] = &[
    "VAULT_ADDR",
    "VAULT_TOKEN",
    "VAULT_NAMESPACE",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_ENDPOINT_URL_SECRETS_MANAGER",
    "AWS_ENDPOINT_URL",
    "GOOGLE_OAUTH_ACCESS_TOKEN",
    "GCE_METADATA_HOST",
    "CLOUDSDK_API_ENDPOINT_OVERRIDES_SECRETMANAGER",
];

use crate::error::{SecretError, SourceError};
use crate::source::SourcedKey;

/// Turns a reference into keys. Sources and `check_keys_with` call it for a value that is a
/// reference; [`CachingResolver`] is the implementation with a cache per reference.
pub trait SecretResolver: Send + Sync {
    /// The keys `reference` points at, current first; each key's origin names the reference.
    fn resolve(&self, reference: &SecretRef) -> Result<Vec<SourcedKey>, SourceError>;

    /// The same past any cache (after a Pictify 401); the default is `resolve`.
    fn refresh(&self, reference: &SecretRef) -> Result<Vec<SourcedKey>, SourceError> {
        self.resolve(reference)
    }
}

/// Resolves a value found at `origin` (`env:PICTIFY_API_KEY`) that [`is_reference`]: parses
/// it (a malformed one is `secret_bad_reference` naming `origin`) and resolves it (past the
/// cache when `force`), or `secret_unsupported` when there is no resolver.
pub fn resolve_value(
    value: &str,
    origin: &str,
    resolver: Option<&dyn SecretResolver>,
    force: bool,
) -> Result<Vec<SourcedKey>, SourceError> {
    let reference = SecretRef::parse(value, origin)?;
    match resolver {
        Some(r) if force => r.refresh(&reference),
        Some(r) => r.resolve(&reference),
        None => Err(SecretError::Unsupported {
            origin: reference.to_string(),
        }
        .into()),
    }
}

#[cfg(feature = "secrets")]
mod cache;
#[cfg(feature = "secrets")]
pub mod gcp;
#[cfg(all(feature = "secrets-http", not(target_arch = "wasm32")))]
mod native;
#[cfg(feature = "secrets")]
mod replay;
#[cfg(feature = "secrets")]
pub mod sigv4;
#[cfg(feature = "secrets")]
pub mod wire;

#[cfg(feature = "secrets")]
pub use cache::{CacheOptions, CachingResolver, SecretSource, StaleWarning};
#[cfg(all(feature = "secrets-http", not(target_arch = "wasm32")))]
pub use native::NativeTransport;
#[cfg(feature = "secrets")]
pub use replay::{references_in, FetchReplay, FetchStep, PrefetchedResolver};

#[cfg(feature = "secrets")]
pub use fetch::*;

#[cfg(feature = "secrets")]
mod fetch {
    use zeroize::Zeroizing;

    use super::reference::SecretRef;
    use super::sigv4::AwsCredentials;
    use super::wire::{
        aws_get_request, aws_parse_get, vault_parse_read, vault_read_request, AwsConfig, AwsStage,
        SecretRequest, SecretResponse, SecretVersion, VaultConfig,
    };
    use crate::error::{SecretError, SourceError};
    use crate::key::ApiKey;
    use crate::source::SourcedKey;
    use crate::world::EnvLookup;

    /// Why a request got no answer. Fixed kinds: transport errors may carry URLs and headers,
    /// so nothing else crosses.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum TransportFailure {
        /// The connection failed or broke.
        Connection,
        /// No answer in time.
        Timeout,
        /// Another transport failure (TLS, protocol).
        Other,
    }

    impl TransportFailure {
        fn reason(self) -> &'static str {
            match self {
                Self::Connection => "connection",
                Self::Timeout => "timeout",
                Self::Other => "transport",
            }
        }
    }

    /// Sends one request and returns the answer (any status). Native code uses
    /// [`NativeTransport`](super::NativeTransport); tests and hosts plug in their own.
    pub trait Transport: Send + Sync {
        /// Sends `request`.
        fn send(&self, request: &SecretRequest) -> Result<SecretResponse, TransportFailure>;
    }

    /// How a read behaves.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub struct FetchOptions {
        /// Vault: the previous version is the fallback while the current one is younger than
        /// this many seconds (default 3600: longer than any consumer's cache TTL, so every
        /// process has moved to the new key before the old one stops being offered).
        pub overlap_secs: u64,
    }

    impl Default for FetchOptions {
        fn default() -> Self {
            Self { overlap_secs: 3600 }
        }
    }

    fn var(env: &dyn EnvLookup, name: &str) -> Option<String> {
        env.get(name).filter(|v| !v.trim().is_empty())
    }

    fn missing(reference: &SecretRef, variable: &'static str) -> SecretError {
        SecretError::CredentialsMissing {
            origin: reference.to_string(),
            variable,
        }
    }

    /// Vault settings from `VAULT_ADDR`, `VAULT_TOKEN`, `VAULT_NAMESPACE`.
    pub fn vault_config_from_env(
        env: &dyn EnvLookup,
        reference: &SecretRef,
    ) -> Result<VaultConfig, SecretError> {
        let addr = var(env, "VAULT_ADDR").ok_or_else(|| missing(reference, "VAULT_ADDR"))?;
        let token = Zeroizing::new(
            var(env, "VAULT_TOKEN").ok_or_else(|| missing(reference, "VAULT_TOKEN"))?,
        );
        let mut config = VaultConfig::new(addr.trim(), token.trim());
        config.namespace = var(env, "VAULT_NAMESPACE");
        Ok(config)
    }

    /// AWS settings from `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`,
    /// `AWS_REGION` (or `AWS_DEFAULT_REGION`), and the endpoint override
    /// `AWS_ENDPOINT_URL_SECRETS_MANAGER`, then `AWS_ENDPOINT_URL`.
    pub fn aws_config_from_env(
        env: &dyn EnvLookup,
        reference: &SecretRef,
    ) -> Result<AwsConfig, SecretError> {
        let region = var(env, "AWS_REGION")
            .or_else(|| var(env, "AWS_DEFAULT_REGION"))
            .ok_or_else(|| missing(reference, "AWS_REGION"))?;
        let region = region.trim().to_owned();
        let access =
            var(env, "AWS_ACCESS_KEY_ID").ok_or_else(|| missing(reference, "AWS_ACCESS_KEY_ID"))?;
        let secret = Zeroizing::new(
            var(env, "AWS_SECRET_ACCESS_KEY")
                .ok_or_else(|| missing(reference, "AWS_SECRET_ACCESS_KEY"))?,
        );
        let token = var(env, "AWS_SESSION_TOKEN");
        let endpoint = var(env, "AWS_ENDPOINT_URL_SECRETS_MANAGER")
            .or_else(|| var(env, "AWS_ENDPOINT_URL"))
            .map(|e| e.trim().trim_end_matches('/').to_owned())
            .unwrap_or_else(|| format!("https://secretsmanager.{region}.amazonaws.com"));
        Ok(AwsConfig {
            endpoint,
            region,
            credentials: AwsCredentials::new(access.trim(), secret.trim(), token),
        })
    }

    fn send(
        transport: &dyn Transport,
        reference: &SecretRef,
        request: Option<SecretRequest>,
    ) -> Result<SecretResponse, SecretError> {
        let request = request.ok_or_else(|| SecretError::BadReference {
            origin: reference.to_string(),
            part: "endpoint",
            reason: "is not an http:// or https:// URL",
        })?;
        transport
            .send(&request)
            .map_err(|f| SecretError::Unreachable {
                origin: reference.to_string(),
                reason: f.reason(),
            })
    }

    /// A fetched value, diagnosed like any key: a trailing newline stored in the manager is
    /// `whitespace` with the reference as its origin.
    fn diagnose(version: &SecretVersion, origin: String) -> Result<SourcedKey, SourceError> {
        match ApiKey::parse(&version.value) {
            Ok(key) => Ok(SourcedKey::new(key, origin)),
            Err(error) => Err(SourceError::InvalidKey { origin, error }),
        }
    }

    /// Reads the keys a reference points at: the current key first, then the fallback
    /// (AWSPREVIOUS; Vault's previous version inside the overlap). The current key's origin is
    /// the reference (`vault://secret/pictify#api_key`), the fallback's the reference with
    /// `@previous`. A malformed current value is an error naming the reference; a malformed
    /// fallback is left out (it is only a fallback, and may be the very value a rotation
    /// replaced). Configuration comes from `env` (see [`vault_config_from_env`],
    /// [`aws_config_from_env`]); `now_unix` signs AWS requests and dates Vault versions.
    pub fn fetch_keys(
        reference: &SecretRef,
        env: &dyn EnvLookup,
        transport: &dyn Transport,
        now_unix: u64,
        options: FetchOptions,
    ) -> Result<Vec<SourcedKey>, SourceError> {
        let origin = reference.to_string();
        let previous_origin = format!("{origin}@previous");
        match reference {
            SecretRef::Vault { .. } => {
                let config = vault_config_from_env(env, reference)?;
                let resp = send(
                    transport,
                    reference,
                    vault_read_request(&config, reference, None),
                )?;
                let current = vault_parse_read(reference, &resp)?;
                let mut keys = vec![diagnose(&current, origin)?];
                let young = current
                    .created_unix
                    .is_some_and(|c| now_unix.saturating_sub(c) < options.overlap_secs);
                if let (true, Some(v)) = (young, current.version) {
                    if v > 1 {
                        let resp = send(
                            transport,
                            reference,
                            vault_read_request(&config, reference, Some(v - 1)),
                        );
                        // A missing, deleted or field-less previous version is no fallback,
                        // and failing to read it does not fail the current key.
                        if let Ok(prev) = resp.and_then(|r| vault_parse_read(reference, &r)) {
                            if let Ok(k) = diagnose(&prev, previous_origin) {
                                if k.key() != keys[0].key() {
                                    keys.push(k);
                                }
                            }
                        }
                    }
                }
                Ok(keys)
            }
            SecretRef::Aws { .. } => {
                let config = aws_config_from_env(env, reference)?;
                let resp = send(
                    transport,
                    reference,
                    aws_get_request(&config, reference, AwsStage::Current, now_unix),
                )?;
                let current = aws_parse_get(reference, AwsStage::Current, &resp)?.ok_or(
                    SecretError::NotFound {
                        origin: origin.clone(),
                        status: resp.status,
                    },
                )?;
                let mut keys = vec![diagnose(&current, origin)?];
                let resp = send(
                    transport,
                    reference,
                    aws_get_request(&config, reference, AwsStage::Previous, now_unix),
                );
                // No AWSPREVIOUS (a secret never rotated), or failing to read it, leaves the
                // current key alone.
                let previous = resp.and_then(|r| aws_parse_get(reference, AwsStage::Previous, &r));
                if let Ok(Some(prev)) = previous {
                    if let Ok(k) = diagnose(&prev, previous_origin) {
                        if k.key() != keys[0].key() {
                            keys.push(k);
                        }
                    }
                }
                Ok(keys)
            }
            SecretRef::Gcp { .. } => {
                let token = match var(env, "GOOGLE_OAUTH_ACCESS_TOKEN") {
                    Some(t) => Zeroizing::new(t.trim().to_owned()),
                    None => {
                        // The metadata server (GCE, Cloud Run, GKE Workload Identity).
                        let host = var(env, "GCE_METADATA_HOST")
                            .unwrap_or_else(|| "metadata.google.internal".to_owned());
                        let resp = transport
                            .send(&super::gcp::metadata_token_request(host.trim()))
                            .map_err(|_| missing(reference, "GOOGLE_OAUTH_ACCESS_TOKEN"))?;
                        super::gcp::parse_metadata_token(reference, &resp)?
                    }
                };
                let endpoint = var(env, "CLOUDSDK_API_ENDPOINT_OVERRIDES_SECRETMANAGER")
                    .map(|e| e.trim().to_owned())
                    .unwrap_or_else(|| super::gcp::DEFAULT_ENDPOINT.to_owned());
                let resp = send(
                    transport,
                    reference,
                    super::gcp::access_request(&endpoint, &token, reference),
                )?;
                let current = super::gcp::parse_access(reference, &resp)?;
                Ok(vec![diagnose(&current, origin)?])
            }
        }
    }
}

#[cfg(test)]
mod variables_tests {
    /// Every variable this file reads through `var` is listed in `SECRET_VARIABLES`.
    #[test]
    fn secret_variables_lists_every_variable_read() {
        let source = include_str!("mod.rs");
        let mut read = Vec::new();
        for part in source.split("var(env, \"").skip(1) {
            if let Some(end) = part.find('"') {
                read.push(&part[..end]);
            }
        }
        assert!(read.len() >= 13, "found only {read:?}");
        for name in read {
            assert!(
                super::SECRET_VARIABLES.contains(&name),
                "{name} is read but missing from SECRET_VARIABLES"
            );
        }
    }
}
