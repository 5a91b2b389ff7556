//! `loadKeys`: keys with provenance from an env object (mirrors `core/src/source.rs`).
//!
//! There are no files on an edge worker, so the only source here is the variables object
//! (`PICTIFY_API_KEY_NEW`, `PICTIFY_API_KEY`, `PICTIFY_API_KEY_OLD`, in that order).

use std::collections::BTreeMap;
use std::sync::Arc;

use js_sys::{Array, Reflect};
use pictify_keys::secrets::SecretResolver;
use pictify_keys::source::{EnvSource, Loaded, SourceChain};
use wasm_bindgen::prelude::*;

use crate::env::env_or_host;
use crate::error::core_error;
use crate::key::ApiKey;

/// The keys of `env` in priority order (used by `loadKeys` and the client).
pub fn load(env: &JsValue) -> Result<Loaded, JsValue> {
    load_map(env_or_host(env)?, None)
}

/// The keys of the variables `map`, secret references resolved through `resolver` (without
/// one a reference is `secret_unsupported`: `loadKeysAsync` reads them).
pub(crate) fn load_map(
    map: BTreeMap<String, String>,
    resolver: Option<Arc<dyn SecretResolver>>,
) -> Result<Loaded, JsValue> {
    let mut source = EnvSource::new(map);
    if let Some(r) = resolver {
        source = source.with_resolver(r);
    }
    SourceChain::new()
        .with(source)
        .load_all()
        .map_err(|e| core_error(&e))
}

/// The loaded keys in their shape, each entry's `key` an `ApiKey`.
pub(crate) fn loaded_to_js(loaded: Loaded) -> Result<JsValue, JsValue> {
    let out = crate::to_js(&loaded);
    let entries: Array = Reflect::get(&out, &"keys".into())?.unchecked_into();
    for (entry, k) in entries.iter().zip(loaded.keys) {
        Reflect::set(
            &entry,
            &"key".into(),
            &ApiKey::from_core(k.into_parts().0).into(),
        )?;
    }
    Ok(out)
}

/// Loads the keys from `env` (a Worker's `env`, `process.env`, `Deno.env.toObject()`):
/// `{ keys: [{ key: ApiKey, origin: "env:PICTIFY_API_KEY_NEW" }, …], source: "env",
/// shadowed: [] }`, NEW first (the shape of the Node package). Throws `no_key` when none is
/// set, or the key's own code (with `.origin`) when one is malformed. Without `env`:
/// `process.env` on Node and Deno; on Workers and in browsers `env` is required. A secret
/// reference (`vault://…`, `aws-sm://…`) needs a fetch: use `loadKeysAsync`.
#[wasm_bindgen(js_name = loadKeys, unchecked_return_type = "LoadedKeys")]
pub fn load_keys(
    #[wasm_bindgen(unchecked_param_type = "EnvObject | undefined")] env: JsValue,
) -> Result<JsValue, JsValue> {
    loaded_to_js(load(&env)?)
}
