//! Environment detection and policy over a plain JS object (mirrors `core/src/env.rs`).
//!
//! Edge workers have no process environment: Cloudflare hands `env` to the handler as an
//! object. Every function here reads variables from the object it is given; when none is
//! given it reads the host environment registered with `setHostEnvironment` (the Node and
//! Deno entries register `process.env` at import), and where none is registered (Workers,
//! browsers) it throws `invalid_argument` asking for the env object, never acting on an
//! empty environment.

use std::cell::RefCell;
use std::collections::BTreeMap;

use js_sys::{Function, Object};
use pictify_keys::{input, Detection, Mode, Policy};
use wasm_bindgen::prelude::*;

use crate::error::{core_error, invalid_argument};
use crate::key::ApiKey;

/// The string-valued properties of `env` (a Worker `env`, `process.env`,
/// `Deno.env.toObject()`): other bindings (KV namespaces, secrets stores) are skipped.
/// `undefined` and `null` give an empty map.
pub fn env_map(env: &JsValue) -> Result<BTreeMap<String, String>, JsValue> {
    let mut map = BTreeMap::new();
    if env.is_undefined() || env.is_null() {
        return Ok(map);
    }
    if !env.is_object() {
        return Err(invalid_argument(
            "env must be an object of variables (a Worker's env, process.env)",
        ));
    }
    for entry in Object::entries(env.unchecked_ref::<Object>()).iter() {
        let pair: js_sys::Array = entry.unchecked_into();
        if let (Some(name), Some(value)) = (pair.get(0).as_string(), pair.get(1).as_string()) {
            map.insert(name, value);
        }
    }
    Ok(map)
}

thread_local! {
    /// `() => process.env` on Node and Deno; `None` on Workers and in browsers.
    static HOST_ENV: RefCell<Option<Function>> = const { RefCell::new(None) };
}

/// What a call without `env` says where no process environment exists.
pub const ENV_REQUIRED: &str = "env is required in this runtime: it has no process environment (Cloudflare Workers, browsers), so pass the env object your fetch handler receives, e.g. loadKeys(env), checkKeys(env), detectEnvironment(env), new Client({ env })";

/// Registers where variables come from when a function is called without an `env` object:
/// a function returning the variables, called at each such call (never at registration).
/// The Node and Deno entries register `() => process.env` when imported; Workers and
/// browsers register nothing, so there `env` is required. `undefined` removes it.
#[wasm_bindgen(js_name = setHostEnvironment)]
pub fn set_host_environment(
    #[wasm_bindgen(unchecked_param_type = "(() => EnvObject) | undefined")] getter: JsValue,
) -> Result<(), JsValue> {
    let getter = if getter.is_undefined() || getter.is_null() {
        None
    } else {
        Some(getter.dyn_into::<Function>().map_err(|_| {
            invalid_argument("setHostEnvironment takes a function returning the variables (such as () => process.env), or undefined")
        })?)
    };
    HOST_ENV.with(|h| *h.borrow_mut() = getter);
    Ok(())
}

/// The variables of `env`; when `env` is absent, those of the host environment (Node, Deno),
/// else an `invalid_argument` error saying that `env` is required here.
pub fn env_or_host(env: &JsValue) -> Result<BTreeMap<String, String>, JsValue> {
    if !(env.is_undefined() || env.is_null()) {
        return env_map(env);
    }
    match HOST_ENV.with(|h| h.borrow().clone()) {
        Some(getter) => env_map(&getter.call0(&JsValue::UNDEFINED)?),
        None => Err(invalid_argument(ENV_REQUIRED)),
    }
}

/// The detection for an `environment` argument: as given, else detected from the host
/// environment (Node, Deno), else an `invalid_argument` error asking for it.
pub fn detection_or_host(environment: &JsValue) -> Result<Detection, JsValue> {
    if let Some(detection) = detection_from_js(environment)? {
        return Ok(detection);
    }
    if HOST_ENV.with(|h| h.borrow().is_none()) {
        return Err(invalid_argument("environment is required in this runtime: it has no process environment (Cloudflare Workers, browsers), so pass detectEnvironment(env) with the env object your fetch handler receives"));
    }
    Ok(pictify_keys::detect_environment(&env_or_host(
        &JsValue::UNDEFINED,
    )?))
}

/// A `Detection | EnvironmentName` argument (`Detection` as `detectEnvironment` returns
/// it); `None` when absent.
pub fn detection_from_js(value: &JsValue) -> Result<Option<Detection>, JsValue> {
    input::detection(&crate::json(value)?).map_err(|e| core_error(&e))
}

/// A `Policy` argument; absent (or unreadable) means strict.
pub fn policy_from_js(value: &JsValue) -> Policy {
    crate::json(value).map_or_else(|_| Policy::strict(), |p| input::policy(&p))
}

/// Detects the deployment environment from `env` (platform variables first: `VERCEL_ENV`,
/// Netlify `CONTEXT`, then `PICTIFY_ENV`, `APP_ENV`, `ENVIRONMENT`, `RAILS_ENV`/`RACK_ENV`,
/// `NODE_ENV`, `FLASK_ENV`, `FLASK_DEBUG`/`DJANGO_DEBUG`, `CI`). Returns `{ environment,
/// variable, value }`. Without `env`: `process.env` on Node and Deno; on Workers and in
/// browsers `env` is required (throws `invalid_argument`).
#[wasm_bindgen(js_name = detectEnvironment, unchecked_return_type = "Detection")]
pub fn detect_environment(
    #[wasm_bindgen(unchecked_param_type = "EnvObject | undefined")] env: JsValue,
) -> Result<JsValue, JsValue> {
    let map = env_or_host(&env)?;
    Ok(crate::to_js(&pictify_keys::detect_environment(&map)))
}

/// Checks that `key`'s mode fits `environment` (a detection or a name; when absent, detected
/// from `process.env` on Node and Deno, and required on Workers and in browsers).
/// Returns `{ warning }` (`null` or `{ code, message }`), or throws `live_key_in_development` /
/// `test_key_in_production`.
#[wasm_bindgen(js_name = checkEnvironment, unchecked_return_type = "Allowed")]
pub fn check_environment(
    key: &ApiKey,
    #[wasm_bindgen(unchecked_param_type = "Detection | EnvironmentName | undefined")]
    environment: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Policy | undefined")] policy: JsValue,
) -> Result<JsValue, JsValue> {
    let detection = detection_or_host(&environment)?;
    pictify_keys::check_environment(key.core(), &detection, policy_from_js(&policy))
        .map(|a| crate::to_js(&a))
        .map_err(|e| core_error(&e.into()))
}

/// [`check_environment`] for a mode alone (`"live"` or `"test"`).
#[wasm_bindgen(js_name = checkMode, unchecked_return_type = "Allowed")]
pub fn check_mode(
    #[wasm_bindgen(unchecked_param_type = "\"live\" | \"test\"")] mode: &str,
    #[wasm_bindgen(unchecked_param_type = "Detection | EnvironmentName | undefined")]
    environment: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Policy | undefined")] policy: JsValue,
) -> Result<JsValue, JsValue> {
    let mode = Mode::from_name(mode)
        .ok_or_else(|| invalid_argument("mode must be \"live\" or \"test\""))?;
    let detection = detection_or_host(&environment)?;
    pictify_keys::check_mode(mode, &detection, policy_from_js(&policy))
        .map(|a| crate::to_js(&a))
        .map_err(|e| core_error(&e.into()))
}
