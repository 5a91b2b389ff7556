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

#[cfg(feature = "secrets")]
pub mod auth;
pub mod metadata;
pub mod reference;

pub use reference::{is_reference, Provider, SecretRef, DEFAULT_VAULT_FIELD};

/// Every variable the resolvers read for their configuration (Vault, AWS, Google), so a
/// binding can snapshot them from its own environment mapping along with
/// [`KEY_VARIABLES`](crate::KEY_VARIABLES). The test in this module keeps it complete.
pub const SECRET_VARIABLES: &[&str] = &[
    "VAULT_ADDR",
    "VAULT_TOKEN",
    "VAULT_NAMESPACE",
    "VAULT_CACERT",
    "VAULT_ROLE_ID",
    "VAULT_SECRET_ID",
    "VAULT_SECRET_ID_FILE",
    "VAULT_K8S_ROLE",
    "VAULT_K8S_JWT_PATH",
    "VAULT_AUTH_MOUNT",
    "HOME",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_ENDPOINT_URL_SECRETS_MANAGER",
    "AWS_ENDPOINT_URL",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
    "GOOGLE_OAUTH_ACCESS_TOKEN",
    "GCE_METADATA_HOST",
    "GOOGLE_APPLICATION_CREDENTIALS",
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
#[cfg(feature = "secrets")]
pub mod gcp_jwt;
#[cfg(all(feature = "secrets-http", not(target_arch = "wasm32")))]
mod native;
#[cfg(feature = "secrets")]
mod replay;
#[cfg(feature = "secrets")]
pub mod sigv4;
#[cfg(feature = "secrets")]
pub mod wire;

#[cfg(feature = "secrets")]
pub use auth::{AuthCache, AuthWorld};
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

    use super::auth::{
        aws_credentials, gcp_token, missing, send_request, var, vault_ca, vault_token, AuthCache,
        AuthWorld,
    };
    use super::reference::SecretRef;
    use super::sigv4::AwsCredentials;
    use super::wire::{
        aws_get_request, aws_parse_get, vault_parse_read, vault_read_request, AwsConfig, AwsStage,
        SecretRequest, SecretResponse, SecretVersion, VaultConfig,
    };
    use crate::error::{SecretError, SourceError};
    use crate::key::ApiKey;
    use crate::source::SourcedKey;
    use crate::world::{EnvLookup, StdFs};

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
        pub(crate) fn reason(self) -> &'static str {
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

        /// Sends `request` trusting only the CA certificates in `ca_pem` (PEM, from
        /// `VAULT_CACERT`). The default sends it with the transport's usual roots, which is
        /// never less strict: a server signed by a private CA is then refused. The native
        /// transport honours it; a browser or Workers `fetch` cannot, and keeps its roots.
        fn send_with_ca(
            &self,
            request: &SecretRequest,
            ca_pem: &[u8],
        ) -> Result<SecretResponse, TransportFailure> {
            let _ = ca_pem;
            self.send(request)
        }
    }

    /// How a read behaves.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub struct FetchOptions {
        /// Vault and Google: the previous version is the fallback while the current one is
        /// younger than this many seconds (default 3600: longer than any consumer's cache TTL,
        /// so every process has moved to the new key before the old one stops being offered).
        pub overlap_secs: u64,
    }

    impl Default for FetchOptions {
        fn default() -> Self {
            Self { overlap_secs: 3600 }
        }
    }

    /// Vault settings from `VAULT_ADDR`, `VAULT_TOKEN`, `VAULT_NAMESPACE` (the token only;
    /// [`fetch_keys_in`] also logs in with AppRole or Kubernetes, or reads `~/.vault-token`).
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

    /// The region (`AWS_REGION`, else `AWS_DEFAULT_REGION`) and the endpoint
    /// (`AWS_ENDPOINT_URL_SECRETS_MANAGER`, else `AWS_ENDPOINT_URL`, else the public one).
    fn aws_region_endpoint(
        env: &dyn EnvLookup,
        reference: &SecretRef,
    ) -> Result<(String, String), SecretError> {
        let region = var(env, "AWS_REGION")
            .or_else(|| var(env, "AWS_DEFAULT_REGION"))
            .ok_or_else(|| missing(reference, "AWS_REGION"))?;
        let region = region.trim().to_owned();
        let endpoint = var(env, "AWS_ENDPOINT_URL_SECRETS_MANAGER")
            .or_else(|| var(env, "AWS_ENDPOINT_URL"))
            .map(|e| e.trim().trim_end_matches('/').to_owned())
            .unwrap_or_else(|| format!("https://secretsmanager.{region}.amazonaws.com"));
        Ok((region, endpoint))
    }

    /// AWS settings from `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`,
    /// `AWS_REGION` (or `AWS_DEFAULT_REGION`), and the endpoint override
    /// `AWS_ENDPOINT_URL_SECRETS_MANAGER`, then `AWS_ENDPOINT_URL` (the environment's keys
    /// only; [`fetch_keys_in`] also uses the container credential endpoint).
    pub fn aws_config_from_env(
        env: &dyn EnvLookup,
        reference: &SecretRef,
    ) -> Result<AwsConfig, SecretError> {
        let (region, endpoint) = aws_region_endpoint(env, reference)?;
        let access =
            var(env, "AWS_ACCESS_KEY_ID").ok_or_else(|| missing(reference, "AWS_ACCESS_KEY_ID"))?;
        let secret = Zeroizing::new(
            var(env, "AWS_SECRET_ACCESS_KEY")
                .ok_or_else(|| missing(reference, "AWS_SECRET_ACCESS_KEY"))?,
        );
        let token = var(env, "AWS_SESSION_TOKEN");
        Ok(AwsConfig {
            endpoint,
            region,
            credentials: AwsCredentials::new(access.trim(), secret.trim(), token),
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

    /// Adds a fallback key unless it is malformed or the current key again.
    fn push_fallback(keys: &mut Vec<SourcedKey>, version: &SecretVersion, origin: String) {
        if let Ok(k) = diagnose(version, origin) {
            if keys.first().map_or(true, |c| k.key() != c.key()) {
                keys.push(k);
            }
        }
    }

    /// Google's fallback: the newest enabled version older than `current`, while `current`
    /// was created less than the overlap ago (one list, one access). Any failure is no
    /// fallback.
    fn gcp_previous(
        world: &AuthWorld<'_>,
        reference: &SecretRef,
        endpoint: &str,
        token: &str,
        current: u64,
        options: FetchOptions,
    ) -> Option<SecretVersion> {
        let SecretRef::Gcp {
            project, secret, ..
        } = reference
        else {
            return None;
        };
        let list = super::gcp::list_enabled_request(endpoint, token, reference);
        let resp = send_request(world, reference, list, None).ok()?;
        let versions = super::gcp::parse_enabled_versions(&resp)?;
        let created = versions.iter().find(|v| v.0 == current)?.1?;
        if world.now_unix.saturating_sub(created) >= options.overlap_secs {
            return None;
        }
        let previous = versions
            .iter()
            .map(|v| v.0)
            .filter(|&n| n < current)
            .max()?;
        let at = SecretRef::Gcp {
            project: project.clone(),
            secret: secret.clone(),
            version: Some(previous.to_string()),
        };
        let req = super::gcp::access_request(endpoint, token, &at);
        let resp = send_request(world, reference, req, None).ok()?;
        super::gcp::parse_access(reference, &resp).ok()
    }

    /// Reads the keys a reference points at: the current key first, then the fallback
    /// (AWSPREVIOUS; Vault's and Google's previous version inside the overlap). The current
    /// key's origin is the reference (`vault://secret/pictify#api_key`), the fallback's the
    /// reference with `@previous`. A malformed current value is an error naming the
    /// reference; a malformed fallback is left out (it is only a fallback, and may be the very
    /// value a rotation replaced). Configuration comes from `env` (see the
    /// [`auth`](super::auth) module for every credential source); files are read from the
    /// real file system and login credentials are not kept between calls (a
    /// [`SecretSource`](super::SecretSource) keeps them); `now_unix` signs AWS requests and
    /// dates versions.
    pub fn fetch_keys(
        reference: &SecretRef,
        env: &dyn EnvLookup,
        transport: &dyn Transport,
        now_unix: u64,
        options: FetchOptions,
    ) -> Result<Vec<SourcedKey>, SourceError> {
        let cache = AuthCache::new();
        let world = AuthWorld {
            env,
            fs: &StdFs,
            transport,
            cache: &cache,
            now_unix,
        };
        fetch_keys_in(reference, &world, options)
    }

    /// [`fetch_keys`] with every outside input given: files, clock and the cache of login
    /// credentials.
    pub fn fetch_keys_in(
        reference: &SecretRef,
        world: &AuthWorld<'_>,
        options: FetchOptions,
    ) -> Result<Vec<SourcedKey>, SourceError> {
        let origin = reference.to_string();
        let previous_origin = format!("{origin}@previous");
        let env = world.env;
        let now_unix = world.now_unix;
        match reference {
            SecretRef::Vault { .. } => {
                let addr =
                    var(env, "VAULT_ADDR").ok_or_else(|| missing(reference, "VAULT_ADDR"))?;
                let addr = addr.trim();
                let namespace = var(env, "VAULT_NAMESPACE");
                let ca = vault_ca(world, reference)?;
                let ca = ca.as_deref();
                let mut auth =
                    vault_token(world, reference, addr, namespace.as_deref(), ca, false)?;
                let config = |token: &str| {
                    let mut c = VaultConfig::new(addr, token);
                    c.namespace.clone_from(&namespace);
                    c
                };
                let mut resp = send_request(
                    world,
                    reference,
                    vault_read_request(&config(&auth.token), reference, None),
                    ca,
                )?;
                if resp.status == 403 && auth.from_login {
                    // The login token expired or was revoked: one new login, then one retry.
                    auth = vault_token(world, reference, addr, namespace.as_deref(), ca, true)?;
                    resp = send_request(
                        world,
                        reference,
                        vault_read_request(&config(&auth.token), reference, None),
                        ca,
                    )?;
                }
                let config = config(&auth.token);
                let current = vault_parse_read(reference, &resp)?;
                let mut keys = vec![diagnose(&current, origin)?];
                let young = current
                    .created_unix
                    .is_some_and(|c| now_unix.saturating_sub(c) < options.overlap_secs);
                if let (true, Some(v)) = (young, current.version) {
                    if v > 1 {
                        let resp = send_request(
                            world,
                            reference,
                            vault_read_request(&config, reference, Some(v - 1)),
                            ca,
                        );
                        // A missing, deleted or field-less previous version is no fallback,
                        // and failing to read it does not fail the current key.
                        if let Ok(prev) = resp.and_then(|r| vault_parse_read(reference, &r)) {
                            push_fallback(&mut keys, &prev, previous_origin);
                        }
                    }
                }
                Ok(keys)
            }
            SecretRef::Aws { .. } => {
                let (region, endpoint) = aws_region_endpoint(env, reference)?;
                let read = |credentials: AwsCredentials, stage| {
                    let config = AwsConfig {
                        endpoint: endpoint.clone(),
                        region: region.clone(),
                        credentials,
                    };
                    send_request(
                        world,
                        reference,
                        aws_get_request(&config, reference, stage, now_unix),
                        None,
                    )
                };
                let mut auth = aws_credentials(world, reference, false)?;
                let mut resp = read(auth.credentials.clone(), AwsStage::Current)?;
                let mut parsed = aws_parse_get(reference, AwsStage::Current, &resp);
                if auth.from_endpoint && matches!(parsed, Err(SecretError::AccessDenied { .. })) {
                    // The container credentials expired early or were rotated: fetch them again.
                    auth = aws_credentials(world, reference, true)?;
                    resp = read(auth.credentials.clone(), AwsStage::Current)?;
                    parsed = aws_parse_get(reference, AwsStage::Current, &resp);
                }
                let current = parsed?.ok_or(SecretError::NotFound {
                    origin: origin.clone(),
                    status: resp.status,
                })?;
                let mut keys = vec![diagnose(&current, origin)?];
                // No AWSPREVIOUS (a secret never rotated), or failing to read it, leaves the
                // current key alone.
                let previous = read(auth.credentials, AwsStage::Previous)
                    .and_then(|r| aws_parse_get(reference, AwsStage::Previous, &r));
                if let Ok(Some(prev)) = previous {
                    push_fallback(&mut keys, &prev, previous_origin);
                }
                Ok(keys)
            }
            SecretRef::Gcp { version, .. } => {
                let token = gcp_token(world, reference)?;
                let endpoint = var(env, "CLOUDSDK_API_ENDPOINT_OVERRIDES_SECRETMANAGER")
                    .map(|e| e.trim().to_owned())
                    .unwrap_or_else(|| super::gcp::DEFAULT_ENDPOINT.to_owned());
                let resp = send_request(
                    world,
                    reference,
                    super::gcp::access_request(&endpoint, &token, reference),
                    None,
                )?;
                let current = super::gcp::parse_access(reference, &resp)?;
                let mut keys = vec![diagnose(&current, origin)?];
                let latest = version.as_deref().map_or(true, |v| v == "latest");
                if let (true, Some(number)) = (latest, current.version) {
                    let prev = gcp_previous(world, reference, &endpoint, &token, number, options);
                    if let Some(prev) = prev {
                        push_fallback(&mut keys, &prev, previous_origin);
                    }
                }
                Ok(keys)
            }
        }
    }
}

#[cfg(test)]
mod variables_tests {
    /// Every variable the resolvers read through `var` is listed in `SECRET_VARIABLES`.
    #[test]
    fn secret_variables_lists_every_variable_read() {
        let mut read = Vec::new();
        for source in [include_str!("mod.rs"), include_str!("auth.rs")] {
            for pattern in ["var(env, \"", "var(world.env, \""] {
                for part in source.split(pattern).skip(1) {
                    if let Some(end) = part.find('"') {
                        read.push(&part[..end]);
                    }
                }
            }
        }
        assert!(read.len() >= 30, "found only {read:?}");
        for name in read {
            assert!(
                super::SECRET_VARIABLES.contains(&name),
                "{name} is read but missing from SECRET_VARIABLES"
            );
        }
    }
}
