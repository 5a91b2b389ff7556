//! Key sources with provenance: `loadKeys` over environment variables, a mounted secret
//! file, a `.env` file, or keys handed in.

use std::collections::HashMap;
use std::path::PathBuf;

use napi_derive::napi;
use pictify_keys::source::{self, KeyList, SourceChain};

use crate::error;
use crate::key::ApiKey;

/// Where `loadKeys` looks, in priority order: `keys` (when given, nothing else is read),
/// else `env` variables, then `secretFile`, then `dotenvFile`.
#[napi(object)]
#[derive(Default)]
pub struct LoadOptions {
    /// Variables to read `PICTIFY_API_KEY_NEW` / `PICTIFY_API_KEY` / `PICTIFY_API_KEY_OLD`
    /// from (the JavaScript layer passes `process.env` when absent).
    #[napi(ts_type = "Record<string, string | undefined>")]
    pub env: Option<HashMap<String, String>>,
    /// A mounted secret file (Kubernetes), used when it exists.
    pub secret_file: Option<String>,
    /// A `.env` file, read into a map (never into `process.env`).
    pub dotenv_file: Option<String>,
    /// Keys handed in by the program, in priority order (provenance `explicit:<index>`).
    pub keys: Option<Vec<String>>,
}

/// A key and where it came from.
#[napi(object, object_from_js = false)]
pub struct SourcedKey {
    /// The key.
    pub key: ApiKey,
    /// Its provenance, e.g. `env:PICTIFY_API_KEY_NEW` or `file:/var/run/secrets/pictify/api-key`.
    pub origin: String,
}

/// A key in a lower-priority source that differs from the keys in use.
#[napi(object)]
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
#[napi(object, object_from_js = false)]
pub struct LoadedKeys {
    /// The keys, in priority order (NEW first).
    pub keys: Vec<SourcedKey>,
    /// The source they came from (`env`, `file:…`, `env-file:…`, `explicit`).
    pub source: String,
    /// Keys in lower sources that differ from the ones used (probably stale).
    pub shadowed: Vec<ShadowedKey>,
}

/// The source chain `options` describe (the rule is the core's `SourceChain::from_options`).
pub(crate) fn chain(options: LoadOptions) -> napi::Result<SourceChain> {
    let keys = options.keys.map(|k| KeyList::parse(&k)).transpose();
    Ok(SourceChain::from_options(source::LoadOptions {
        keys: keys.map_err(|e| error::from_core(&e.into()))?,
        env: options.env.unwrap_or_default(),
        secret_file: options.secret_file.map(PathBuf::from),
        dotenv_file: options.dotenv_file.map(PathBuf::from),
    }))
}

/// Loads the keys with their provenance. Throws `no_key` when no source has a key, and a
/// source or format error naming the source when a configured source is broken.
#[napi(js_name = "loadKeys")]
pub fn load_keys(options: Option<LoadOptions>) -> napi::Result<LoadedKeys> {
    let loaded = chain(options.unwrap_or_default())?
        .load_all()
        .map_err(|e| error::from_core(&e))?;
    Ok(LoadedKeys {
        keys: loaded
            .keys
            .into_iter()
            .map(|k| {
                let (inner, origin) = k.into_parts();
                SourcedKey {
                    key: ApiKey { inner },
                    origin,
                }
            })
            .collect(),
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
