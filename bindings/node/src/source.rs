//! Key sources with provenance: `loadKeys` over environment variables, a mounted secret
//! file, a `.env` file, or keys handed in. A secret reference (`vault://secret/pictify`,
//! `aws-sm://pictify/api-key`) in the variables or the `.env` file is resolved by the core's
//! `CachingResolver` over its blocking transport: `loadKeys` blocks while it fetches (as
//! `fs.readFileSync` does), `loadKeysAsync` fetches on the libuv thread pool.

use std::collections::HashMap;
use std::path::PathBuf;

use napi_derive::napi;
use pictify_keys::source::{KeyList, LoadOptions as CoreOptions, Loaded, SourceChain};
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

/// The source chain `options` describe: the keys handed in and nothing else when there are
/// any, else the core's standard chain resolving references with the settings in `env`.
pub(crate) fn chain(options: LoadOptions) -> napi::Result<SourceChain> {
    let keys = options.keys.map(|k| KeyList::parse(&k)).transpose();
    Ok(SourceChain::from_options_resolving(CoreOptions {
        keys: keys.map_err(|e| error::from_core(&e.into()))?,
        env: options.env.unwrap_or_default(),
        secret_file: options.secret_file.map(PathBuf::from),
        dotenv_file: options.dotenv_file.map(PathBuf::from),
    }))
}

/// The loaded keys as napi hands them over: the key handles and the shape.
fn loaded_to_js(loaded: Loaded) -> (Vec<ApiKey>, Value) {
    let shape = crate::to_js(&loaded);
    let keys = loaded.keys.into_iter().map(|k| ApiKey {
        inner: k.into_parts().0,
    });
    (keys.collect(), shape)
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
    Ok(loaded_to_js(loaded))
}

/// `loadKeys` as a Promise: the sources are read (and secret references fetched) on a
/// worker thread, never blocking the event loop.
#[napi(js_name = "loadKeysAsync", skip_typescript)]
pub async fn load_keys_async(options: Option<LoadOptions>) -> napi::Result<(Vec<ApiKey>, Value)> {
    let chain = chain(options.unwrap_or_default())?;
    let loaded = off_thread(move || chain.load_all()).await?;
    Ok(loaded_to_js(loaded.map_err(|e| error::from_core(&e))?))
}

/// Runs `f` on a blocking thread of napi's runtime, never on the event loop.
pub(crate) async fn off_thread<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> napi::Result<T> {
    napi::bindgen_prelude::spawn_blocking(f)
        .await
        .map_err(|_| error::invalid_argument("the call was cancelled before it finished"))
}
