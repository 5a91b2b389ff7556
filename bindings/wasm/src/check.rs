//! `checkKeys`: the whole "is my key OK here?" check over an env object (mirrors
//! `core/src/check.rs`, the same answer `pictify-keys check` prints).

use std::collections::BTreeMap;

use pictify_keys::input;
use pictify_keys::secrets::SecretResolver;
use wasm_bindgen::prelude::*;

use crate::env::env_or_host;
use crate::error::core_error;

/// Checks every key variable (`PICTIFY_API_KEY_NEW`, `PICTIFY_API_KEY`,
/// `PICTIFY_API_KEY_OLD`) in `env` against the detected environment. Without `env`:
/// `process.env` on Node and Deno; on Workers and in browsers `env` is required.
///
/// `options`: `{ environment?, policy?, source? }` (`source` names where the variables come
/// from, default `env`). Returns `{ detection, keys: [{ origin, variable, fingerprint,
/// mode, verdict, code, message }], error: { code, family, message, details } | null,
/// exitStatus }` (the core's shape); never throws for a bad key (the verdict says it). A
/// secret reference needs a fetch (`secret_unsupported` here): use `checkKeysAsync`.
#[wasm_bindgen(js_name = checkKeys, unchecked_return_type = "CheckReport")]
pub fn check_keys(
    #[wasm_bindgen(unchecked_param_type = "EnvObject | undefined")] env: JsValue,
    #[wasm_bindgen(unchecked_param_type = "CheckOptions | undefined")] options: JsValue,
) -> Result<JsValue, JsValue> {
    report(&env_or_host(&env)?, &options, None)
}

/// The report for the variables `map` under `options`, references resolved by `resolver`.
pub(crate) fn report(
    map: &BTreeMap<String, String>,
    options: &JsValue,
    resolver: Option<&dyn SecretResolver>,
) -> Result<JsValue, JsValue> {
    // `fetch` (a function) is dropped by the JSON reading.
    let o = crate::json(options)?;
    let detection = input::detection(&o["environment"]).map_err(|e| core_error(&e))?;
    let source = o["source"].as_str().unwrap_or("env");
    let policy = input::policy(&o["policy"]);
    let report = pictify_keys::check_keys_with(map, source, detection, policy, resolver);
    Ok(crate::to_js(&report))
}
