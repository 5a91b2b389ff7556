//! `loadKeys`: keys with provenance from an env object (mirrors `core/src/source.rs`).
//!
//! There are no files on an edge worker, so the only source here is the variables object
//! (`PICTIFY_API_KEY_NEW`, `PICTIFY_API_KEY`, `PICTIFY_API_KEY_OLD`, in that order).

use js_sys::{Array, Object, Reflect};
use pictify_keys::source::{EnvSource, SourceChain, SourcedKey};
use wasm_bindgen::prelude::*;

use crate::env::env_or_host;
use crate::error::core_error;
use crate::key::ApiKey;

/// The keys of `env` in priority order, as core values (used by the ring and the client).
pub fn load_sourced(env: &JsValue) -> Result<Vec<SourcedKey>, JsValue> {
    let map = env_or_host(env)?;
    let loaded = SourceChain::new()
        .with(EnvSource::new(map))
        .load_all()
        .map_err(|e| core_error(&e))?;
    Ok(loaded.keys)
}

/// Loads the keys from `env` (a Worker's `env`, `process.env`, `Deno.env.toObject()`):
/// `[{ key: ApiKey, source: "env:PICTIFY_API_KEY_NEW" }, …]`, NEW first. Throws `no_key`
/// when none is set, or the key's own code (with `.origin`) when one is malformed. Without
/// `env`: `process.env` on Node and Deno; on Workers and in browsers `env` is required.
#[wasm_bindgen(js_name = loadKeys, unchecked_return_type = "LoadedKey[]")]
pub fn load_keys(
    #[wasm_bindgen(unchecked_param_type = "EnvObject | undefined")] env: JsValue,
) -> Result<Array, JsValue> {
    let out = Array::new();
    for k in load_sourced(&env)? {
        let (key, origin) = k.into_parts();
        let o = Object::new();
        let _ = Reflect::set(&o, &"key".into(), &ApiKey::from_core(key).into());
        let _ = Reflect::set(&o, &"source".into(), &origin.into());
        out.push(&o);
    }
    Ok(out)
}
