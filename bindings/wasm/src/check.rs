//! `checkKeys`: the whole "is my key OK here?" check over an env object (mirrors
//! `core/src/check.rs`, the same answer `pictify-keys check` prints).

use js_sys::Reflect;
use wasm_bindgen::prelude::*;

use crate::env::{detection_from_js, env_or_host, policy_from_js};

/// Checks every key variable (`PICTIFY_API_KEY_NEW`, `PICTIFY_API_KEY`,
/// `PICTIFY_API_KEY_OLD`) in `env` against the detected environment. Without `env`:
/// `process.env` on Node and Deno; on Workers and in browsers `env` is required.
///
/// `options`: `{ environment?, policy?, source? }` (`source` names where the variables come
/// from, default `env`). Returns `{ detection, keys: [{ origin, variable, fingerprint,
/// mode, verdict, code, message }], error: { code, family, message, details } | null,
/// exitStatus }` (the core's shape); never throws for a bad key (the verdict says it).
#[wasm_bindgen(js_name = checkKeys, unchecked_return_type = "CheckReport")]
pub fn check_keys(
    #[wasm_bindgen(unchecked_param_type = "EnvObject | undefined")] env: JsValue,
    #[wasm_bindgen(unchecked_param_type = "CheckOptions | undefined")] options: JsValue,
) -> Result<JsValue, JsValue> {
    let map = env_or_host(&env)?;
    let get = |name: &str| {
        if options.is_object() {
            Reflect::get(&options, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED)
        } else {
            JsValue::UNDEFINED
        }
    };
    let environment = get("environment");
    let detection = if environment.is_undefined() || environment.is_null() {
        None
    } else {
        Some(detection_from_js(&environment)?)
    };
    let source = get("source")
        .as_string()
        .unwrap_or_else(|| "env".to_owned());
    let report = pictify_keys::check_keys(&map, &source, detection, policy_from_js(&get("policy")));
    Ok(crate::to_js(&report))
}
