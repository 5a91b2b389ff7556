//! Environment detection and policy over a plain JS object (mirrors `core/src/env.rs`).
//!
//! Edge workers have no process environment: Cloudflare hands `env` to the handler as an
//! object. Every function here reads variables from the object it is given, nothing else.

use std::collections::BTreeMap;

use js_sys::{Object, Reflect};
use pictify_keys::{Detection, Environment, Mode, Policy};
use wasm_bindgen::prelude::*;

use crate::error::{invalid_argument, policy_error};
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

fn get(obj: &JsValue, name: &str) -> JsValue {
    if obj.is_object() {
        Reflect::get(obj, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED)
    } else {
        JsValue::UNDEFINED
    }
}

/// `{ environment, variable, value }` as a plain object.
pub fn detection_to_js(d: &Detection) -> JsValue {
    let obj = Object::new();
    let opt = |v: &Option<String>| v.as_deref().map_or(JsValue::NULL, JsValue::from_str);
    let _ = Reflect::set(&obj, &"environment".into(), &d.environment.as_str().into());
    let _ = Reflect::set(&obj, &"variable".into(), &opt(&d.variable));
    let _ = Reflect::set(&obj, &"value".into(), &opt(&d.value));
    obj.into()
}

/// A detection from JS: `undefined` (unknown), an environment name, or an object as
/// [`detect_environment`] returns it.
pub fn detection_from_js(value: &JsValue) -> Result<Detection, JsValue> {
    if value.is_undefined() || value.is_null() {
        return Ok(Detection::unknown());
    }
    let (name, variable, value) = match value.as_string() {
        Some(name) => (name, None, None),
        None => {
            let name = get(value, "environment").as_string().ok_or_else(|| {
                invalid_argument("environment must be a name (production, staging, development, test, unknown) or the object detectEnvironment returns")
            })?;
            (
                name,
                get(value, "variable").as_string(),
                get(value, "value").as_string(),
            )
        }
    };
    let environment = Environment::from_name(&name).ok_or_else(|| {
        invalid_argument(
            "unknown environment name: use production, staging, development, test or unknown",
        )
    })?;
    Ok(Detection {
        environment,
        variable,
        value,
    })
}

/// `{ allowLiveOutsideProduction?, allowTestInProduction? }`; absent means strict.
pub fn policy_from_js(value: &JsValue) -> Policy {
    let flag = |name: &str| get(value, name).as_bool().unwrap_or(false);
    Policy {
        allow_live_outside_production: flag("allowLiveOutsideProduction"),
        allow_test_in_production: flag("allowTestInProduction"),
    }
}

/// `{ allowed: true, warning: { code, message } | null }`.
fn allowed_to_js(allowed: &pictify_keys::Allowed) -> JsValue {
    let obj = Object::new();
    let _ = Reflect::set(&obj, &"allowed".into(), &JsValue::TRUE);
    let warning = match allowed.warning {
        Some(w) => {
            let wo = Object::new();
            let _ = Reflect::set(&wo, &"code".into(), &w.code().into());
            let _ = Reflect::set(&wo, &"message".into(), &w.message().into());
            wo.into()
        }
        None => JsValue::NULL,
    };
    let _ = Reflect::set(&obj, &"warning".into(), &warning);
    obj.into()
}

/// Detects the deployment environment from `env` (platform variables first: `VERCEL_ENV`,
/// Netlify `CONTEXT`, then `PICTIFY_ENV`, `APP_ENV`, `ENVIRONMENT`, `RAILS_ENV`/`RACK_ENV`,
/// `NODE_ENV`, `CI`). Returns `{ environment, variable, value }`.
#[wasm_bindgen(js_name = detectEnvironment, unchecked_return_type = "Detection")]
pub fn detect_environment(
    #[wasm_bindgen(unchecked_param_type = "EnvObject | undefined")] env: JsValue,
) -> Result<JsValue, JsValue> {
    let map = env_map(&env)?;
    Ok(detection_to_js(&pictify_keys::detect_environment(&map)))
}

/// Checks that `key`'s mode fits `environment` (a detection, a name, or absent = unknown).
/// Returns `{ allowed: true, warning }`, or throws `live_key_in_development` /
/// `test_key_in_production`.
#[wasm_bindgen(js_name = checkEnvironment, unchecked_return_type = "Allowed")]
pub fn check_environment(
    key: &ApiKey,
    #[wasm_bindgen(unchecked_param_type = "Detection | EnvironmentName | undefined")]
    environment: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Policy | undefined")] policy: JsValue,
) -> Result<JsValue, JsValue> {
    let detection = detection_from_js(&environment)?;
    pictify_keys::check_environment(key.core(), &detection, policy_from_js(&policy))
        .map(|a| allowed_to_js(&a))
        .map_err(|e| policy_error(&e))
}

/// [`check_environment`] for a mode alone (`"live"` or `"test"`).
#[wasm_bindgen(js_name = checkMode, unchecked_return_type = "Allowed")]
pub fn check_mode(
    #[wasm_bindgen(unchecked_param_type = "\"live\" | \"test\"")] mode: &str,
    #[wasm_bindgen(unchecked_param_type = "Detection | EnvironmentName | undefined")]
    environment: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Policy | undefined")] policy: JsValue,
) -> Result<JsValue, JsValue> {
    let mode = match mode {
        "live" => Mode::Live,
        "test" => Mode::Test,
        _ => return Err(invalid_argument("mode must be \"live\" or \"test\"")),
    };
    let detection = detection_from_js(&environment)?;
    pictify_keys::check_mode(mode, &detection, policy_from_js(&policy))
        .map(|a| allowed_to_js(&a))
        .map_err(|e| policy_error(&e))
}
