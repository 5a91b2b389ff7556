//! Key sources with provenance: `loadKeys` over environment variables, a mounted secret
//! file, a `.env` file, or keys handed in.

use std::collections::HashMap;
use std::path::PathBuf;

use napi_derive::napi;
use pictify_keys::source::{self, KeyList, SourceChain};
use serde_json::Value;

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

/// Loads the keys with their provenance: the handles of the keys, and the result in its
/// shape (`LoadedKeys` in packages/shapes.d.ts) with each entry's `key` left for the
/// JavaScript layer to set from the handles. Throws `no_key` when no source has a key, and a
/// source or format error naming the source when a configured source is broken.
#[napi(js_name = "loadKeys", skip_typescript)]
pub fn load_keys(options: Option<LoadOptions>) -> napi::Result<(Vec<ApiKey>, Value)> {
    let loaded = chain(options.unwrap_or_default())?
        .load_all()
        .map_err(|e| error::from_core(&e))?;
    let shape = crate::to_js(&loaded);
    let keys = loaded.keys.into_iter().map(|k| ApiKey {
        inner: k.into_parts().0,
    });
    Ok((keys.collect(), shape))
}
