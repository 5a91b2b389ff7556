//! Key sources with provenance: environment variables (a map), a mounted secret file, a
//! `.env` file, or keys handed in.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use pictify_keys as core;
use pictify_keys::source::{KeyList, SourceChain};

use crate::error::PictifyError;
use crate::key::ApiKey;

/// Where `loadKeys` (and a `Client`) look, in priority order: `keys` when given (nothing else
/// is read), else `env`, then `secretFile`, then `dotenvFile`.
#[derive(Debug, Clone, Default, PartialEq, Eq, uniffi::Record)]
pub struct LoadOptions {
    /// Variables to read `PICTIFY_API_KEY_NEW` / `PICTIFY_API_KEY` / `PICTIFY_API_KEY_OLD`
    /// from (pass the process environment explicitly; nothing is read behind your back),
    /// and the secrets managers' settings (`VAULT_ADDR`, `VAULT_TOKEN`, `AWS_REGION`, …)
    /// used to resolve a reference such as `vault://secret/pictify#api_key`.
    #[uniffi(default = None)]
    pub env: Option<HashMap<String, String>>,
    /// A mounted secret file (Kubernetes), used when it exists; re-read when it changes.
    #[uniffi(default = None)]
    pub secret_file: Option<String>,
    /// A `.env` file, read into a map (never into the process environment).
    #[uniffi(default = None)]
    pub dotenv_file: Option<String>,
    /// Keys handed in by the program, in priority order (provenance `explicit:<index>`).
    #[uniffi(default = None)]
    pub keys: Option<Vec<String>>,
}

/// A key and where it came from.
#[derive(uniffi::Record)]
pub struct SourcedKey {
    /// The key.
    pub key: Arc<ApiKey>,
    /// Its provenance, e.g. `env:PICTIFY_API_KEY_NEW` or `file:/var/run/secrets/pictify/api-key`.
    pub origin: String,
}

impl From<core::SourcedKey> for SourcedKey {
    fn from(k: core::SourcedKey) -> Self {
        let (inner, origin) = k.into_parts();
        Self {
            key: ApiKey::wrap(inner),
            origin,
        }
    }
}

impl From<SourcedKey> for core::SourcedKey {
    fn from(k: SourcedKey) -> Self {
        Self::new(k.key.inner.clone(), k.origin)
    }
}

/// A key in a lower-priority source that differs from the keys in use (probably stale).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ShadowedKey {
    /// `shadowed_key`.
    pub code: String,
    /// Where the shadowed key is.
    pub origin: String,
    /// Its fingerprint.
    pub fingerprint: String,
    /// The source whose keys are used instead.
    pub used_source: String,
    /// A one-line explanation.
    pub message: String,
}

/// The keys of the first configured source.
#[derive(uniffi::Record)]
pub struct LoadedKeys {
    /// The keys, in priority order (NEW first).
    pub keys: Vec<SourcedKey>,
    /// The source they came from (`env`, `file:…`, `env-file:…`, `explicit`).
    pub source: String,
    /// Keys in lower sources that differ from the ones used.
    pub shadowed: Vec<ShadowedKey>,
}

/// The source chain `options` describe: the keys handed in and nothing else, else the core's
/// standard chain, which resolves a secret reference in `env` or the `.env` file with the
/// provider settings found in `env` (the core's `SourceChain::from_options_resolving`).
pub(crate) fn chain(options: LoadOptions) -> Result<SourceChain, PictifyError> {
    let keys = options.keys.map(|k| KeyList::parse(&k)).transpose();
    Ok(SourceChain::from_options_resolving(
        core::source::LoadOptions {
            keys: keys.map_err(core::Error::from)?,
            env: options.env.unwrap_or_default(),
            secret_file: options.secret_file.map(PathBuf::from),
            dotenv_file: options.dotenv_file.map(PathBuf::from),
        },
    ))
}

/// Loads the keys with their provenance. A secret reference in a key variable
/// (`PICTIFY_API_KEY=vault://secret/pictify#api_key`) is fetched from its manager, and the
/// key's origin is the reference. Throws `Source` `no_key` when no source has a key, and a
/// `Source` or `Format` error naming the source (or reference) when one is broken
/// (`secret_not_found`, `secret_access_denied`, `secret_credentials_missing`, `whitespace`, …).
#[uniffi::export]
pub fn load_keys(options: LoadOptions) -> Result<LoadedKeys, PictifyError> {
    let loaded = chain(options)?.load_all()?;
    Ok(LoadedKeys {
        keys: loaded.keys.into_iter().map(Into::into).collect(),
        source: loaded.source_name,
        shadowed: loaded
            .shadowed
            .into_iter()
            .map(|s| ShadowedKey {
                code: s.code().to_owned(),
                message: s.to_string(),
                origin: s.origin,
                fingerprint: s.fingerprint,
                used_source: s.used_source,
            })
            .collect(),
    })
}
